"""The demo organisation (README, `guanxi seed`, and the tests' role users)."""

from django.db import transaction

from guanxi.accounts.models import Department, Role, User
from guanxi.accounts.services import department_create, user_create

DEMO_PASSWORD = "guanxi2026"  # noqa: S105 — the documented demo password

# username, display name, department key, role codes, reports-to username
DEMO_USERS = [
    ("admin", "系统管理员", "hq", ["admin"], None),
    ("manager", "王经理", "sales", ["manager"], None),
    ("sales1a", "李明", "sales1", ["consultant"], "manager"),
    ("sales1b", "赵敏", "sales1", ["consultant"], "manager"),
    ("sales2a", "陈刚", "sales2", ["consultant"], "manager"),
    ("sales2b", "周婷", "sales2", ["consultant"], "manager"),
    ("relations", "孙丽", "relations", ["customer_relations"], None),
    ("agent", "吴芳", "relations", ["service_agent"], "relations"),
    ("marketing", "郑凯", "marketing", ["marketing"], None),
]

DEPARTMENTS = [
    # key, name, parent key
    ("hq", "总经办", None),
    ("sales", "销售中心", None),
    ("sales1", "销售一部", "sales"),
    ("sales2", "销售二部", "sales"),
    ("relations", "客户关系部", None),
    ("marketing", "市场部", None),
]


@transaction.atomic
def ensure_demo_organisation(*, password: str = DEMO_PASSWORD) -> dict[str, User]:
    """Create (or find) the demo departments and users; return users by username."""
    departments: dict[str, Department] = {}
    for key, name, parent_key in DEPARTMENTS:
        parent = departments.get(parent_key) if parent_key else None
        existing = Department.objects.filter(name=name, parent=parent).first()
        departments[key] = existing or department_create(name=name, parent=parent)
    roles = {role.code: role for role in Role.objects.all()}
    users: dict[str, User] = {}
    for username, display_name, department_key, role_codes, boss in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(
                username=username,
                password=password,
                display_name=display_name,
                department=departments[department_key],
                reports_to=users.get(boss) if boss else None,
                roles=[roles[code] for code in role_codes],
                validate=False,
            )
            if username == "admin":
                User.objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
        users[username] = user
    for key, head in (("sales", "manager"), ("relations", "relations"), ("hq", "admin")):
        Department.objects.filter(pk=departments[key].pk).update(manager=users[head])
    return users
