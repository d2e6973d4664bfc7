"""The audit log of account administration (issue 11 §4, ARC-6): who created a user, changed
roles, changed or reset a password, (de)activated or unlocked someone — and the log as its
reader reads it: record types and field labels in the reader's language, money as money,
nothing as "—", choices and users by name; never `sales.salestarget #8` or
`signed: None → 300000.00`."""

import datetime as dt
import re

import pytest

from guanxi.accounts import services
from guanxi.accounts.demo import DEMO_PASSWORD
from guanxi.accounts.models import Role, User
from guanxi.core.models import AuditLog
from guanxi.sales.targets.services import target_clear, target_set

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Xq7!long-pass"


def _last(action):
    return AuditLog.objects.filter(action=action).latest("id")


def _audit_page(client_for, reader, language, **query):
    User.objects.filter(pk=reader.pk).update(language=language)
    reader.refresh_from_db()
    response = client_for(reader).get("/accounts/admin/audit/", query)
    assert response.status_code == 200
    text = re.sub(r"\s+", " ", response.content.decode())
    return text


def test_user_creation_through_the_page_is_audited(client_for, admin_user, org):
    consultant = Role.objects.get(code="consultant")
    response = client_for(admin_user).post(
        "/accounts/admin/users/new/",
        {
            "username": "newbie",
            "display_name": "新人",
            "password": NEW_PASSWORD,
            "roles": [consultant.pk],
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="newbie")
    entry = _last(AuditLog.Action.USER_CREATE)
    assert (entry.actor, entry.target_id) == (admin_user, str(user.pk))
    assert entry.detail["values"]["roles"] == [consultant.pk]


def test_role_change_and_deactivation_are_audited(admin_user, sales1a):
    manager_role = Role.objects.get(code="manager")
    common = {
        "user": sales1a,
        "actor": admin_user,
        "display_name": sales1a.display_name,
        "department": sales1a.department,
        "reports_to": sales1a.reports_to,
    }
    services.user_update(**common, roles=[manager_role])
    entry = _last(AuditLog.Action.PERMISSION)
    assert entry.target_id == str(sales1a.pk)
    assert entry.detail["changes"]["roles"][1] == [manager_role.pk]

    services.user_update(**common, roles=[manager_role], is_active=False)
    entry = _last(AuditLog.Action.DEACTIVATE)
    assert (entry.actor, entry.target_id) == (admin_user, str(sales1a.pk))
    services.user_update(**common, roles=[manager_role], is_active=True)
    assert _last(AuditLog.Action.REACTIVATE).target_id == str(sales1a.pk)


def test_own_password_change_is_audited(client_for, sales1a):
    response = client_for(sales1a).post(
        "/accounts/profile/password/",
        {
            "old_password": DEMO_PASSWORD,
            "new_password": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    entry = _last(AuditLog.Action.PASSWORD_CHANGE)
    assert (entry.actor, entry.target_id) == (sales1a, str(sales1a.pk))


def test_admin_password_reset_is_audited(client_for, admin_user, sales1a):
    response = client_for(admin_user).post(
        f"/accounts/admin/users/{sales1a.pk}/password/",
        {"new_password": NEW_PASSWORD, "new_password2": NEW_PASSWORD, "revoke_tokens": "on"},
    )
    assert response.status_code == 302
    entry = _last(AuditLog.Action.PASSWORD_RESET)
    assert (entry.actor, entry.target_id) == (admin_user, str(sales1a.pk))
    sales1a.refresh_from_db()
    assert sales1a.check_password(NEW_PASSWORD)


@pytest.fixture
def target_history(manager, sales1a):
    target = target_set(
        actor=manager,
        user=sales1a,
        period="month",
        starts_on=dt.date(2026, 1, 1),
        metric="signed",
        value="300000",
    )
    target_clear(actor=manager, target=target)
    return target


def test_the_audit_page_reads_in_english(client_for, admin_user, sales1a, target_history):
    text = _audit_page(client_for, admin_user, "en", action="sales.target_set")
    assert "sales.salestarget" not in text and "None" not in text
    assert f"Sales target {sales1a} · Month 2026-01-01 · Signed amount" in text
    assert "Target: — → ¥300,000.00" in text
    text = _audit_page(client_for, admin_user, "en", action="sales.target_clear")
    assert f"Sales target {sales1a} · Month 2026-01-01 · Signed amount" in text
    assert "Target: ¥300,000.00 → —" in text


def test_the_audit_page_reads_in_chinese(client_for, admin_user, sales1a, target_history):
    text = _audit_page(client_for, admin_user, "zh-hans", action="sales.target_set")
    assert "sales.salestarget" not in text and "None" not in text
    assert f"业绩目标 {sales1a} · 月 2026-01-01 · 签约金额" in text
    assert "目标值: — → ¥300,000.00" in text


def test_a_target_of_new_customers_reads_as_a_count(client_for, admin_user, manager, sales1a):
    target_set(
        actor=manager,
        user=sales1a,
        period="month",
        starts_on=dt.date(2026, 2, 1),
        metric="new_customers",
        value="12",
    )
    text = _audit_page(client_for, admin_user, "en", action="sales.target_set")
    assert "Target: — → 12" in text
    assert "¥12" not in text


def test_role_and_permission_changes_read_by_label(client_for, admin_user, sales1a):
    role = Role.objects.get(code="consultant")
    services.role_update(
        role=role,
        actor=admin_user,
        name=role.name,
        data_scope="department",
        permissions=["customer.export"],
    )
    text = _audit_page(client_for, admin_user, "en", action=AuditLog.Action.PERMISSION)
    assert "Data scope: Own records (本人) → Own department (本部门)" in text
    assert "Permissions: See full phone and ID numbers → Export data" in text
    assert "accounts.role" not in text and "customer.export" not in text
    text = _audit_page(client_for, admin_user, "zh-hans", action=AuditLog.Action.PERMISSION)
    assert "数据权限: 本人 → 本部门; 权限: 查看完整号码" in text


def test_any_models_changes_read_by_label_and_name(admin_user, sales1a, sales2a):
    """The wording is the kernel's, for every model: foreign keys by name, choices by label,
    booleans as yes/no, an unknown record type as itself."""
    from django.utils import translation

    from guanxi.core.audit import audit_record
    from guanxi.core.audit_text import audit_entries_describe

    audit_record(
        actor=admin_user,
        action=AuditLog.Action.PERMISSION,
        target=sales1a,
        changes={
            "department": (sales1a.department, sales2a.department),
            "is_active": (True, False),
        },
        values={"language": "en", "reports_to": None},
    )
    entry = AuditLog.objects.latest("id")
    with translation.override("en"):
        (described,) = audit_entries_describe([entry])
        assert described.record_text == f"User {sales1a}"
        assert described.summary_text == (
            f"Reports to: —; Language: English; Active: Yes → No; Department: "
            f"{sales1a.department} → {sales2a.department}"
        )
    with translation.override("zh-hans"):
        (described,) = audit_entries_describe([entry])
        assert described.record_text == f"用户 {sales1a}"
        assert "语言: English" in described.summary_text and "是 → 否" in described.summary_text


def test_an_entry_by_a_visitor_or_an_unsaved_user_names_nobody(sales1a):
    """The actor column holds a saved user or nothing: the system (None), a signed-out visitor
    (`request.user` of a page anyone may open) and a user not saved yet are recorded as nobody."""
    from django.contrib.auth.models import AnonymousUser

    from guanxi.core.audit import audit_record

    for actor in (None, AnonymousUser(), User(username="unsaved")):
        entry = audit_record(actor=actor, action=AuditLog.Action.LOGIN_FAILED, target=sales1a)
        assert entry.actor_id is None
    entry = audit_record(actor=sales1a, action=AuditLog.Action.LOGIN, target=sales1a)
    assert entry.actor_id == sales1a.pk


ODD_VALUES = (
    "abc",
    {"before": [{"id": 7}], "after": []},
    [{"id": 7, "description": "x"}],
    [None, "x", 3],
    {"k": "v"},
    True,
    12.5,
    "2026/12/07",
)


def test_no_recorded_value_breaks_the_audit_page_for_any_field_of_any_model(admin_user):
    """The log is read over years of entries whose shapes changed; a value of any shape on
    any field (a relation given a text, a reverse relation given its rows …) reads as text.
    An amendment's contract lines once made the whole page an error 500."""
    from django.apps import apps
    from django.utils import translation

    from guanxi.core.audit_text import changes_text, field_label, value_text

    checked = 0
    with translation.override("zh-hans"):
        for model in apps.get_app_config("sales").get_models():
            for field in model._meta.get_fields():
                for value in ODD_VALUES:
                    assert isinstance(value_text(model, field.name, value, {}), str)
                assert field_label(model, field.name)
                checked += 1
        for label in ("accounts.user", "customers.customer", "care.caretask"):
            model = apps.get_model(label)
            for field in model._meta.get_fields():
                for value in ODD_VALUES:
                    detail = {"changes": {field.name: value}, "values": {field.name: value}}
                    assert isinstance(changes_text(model, detail), str)
                checked += 1
    assert checked > 100


def test_a_contract_amendment_reads_as_its_lines_and_plan(
    client_for, admin_user, manager, sales1a, make_customer
):
    from guanxi.sales.common.lines import LineInput
    from guanxi.sales.contracts.services import ContractHead, InstalmentInput, contract_amend
    from tests.sales.factories import make_contract

    contract = make_contract(sales1a, make_customer(sales1a, name="审计客户"), total="900.00")
    item = contract.items.get()
    contract_amend(
        actor=manager,
        contract=contract,
        reason="客户追加数量",
        data=ContractHead(),
        items=[
            LineInput(
                id=item.pk,
                product=item.product_id,
                description=item.description,
                unit=item.unit,
                quantity="2",
                unit_price=item.unit_price,
                discount_rate=item.discount_rate,
                tax_rate=item.tax_rate,
            )
        ],
        instalments=[InstalmentInput(due_on=dt.date(2027, 1, 31), amount="1800.00")],
    )
    text = _audit_page(client_for, admin_user, "zh-hans", action="contract_amend")
    assert f"合同明细: {item.description} × 1 → {item.description} × 2" in text
    assert "→ 2027-01-31 ¥1,800.00" in text
    text = _audit_page(client_for, admin_user, "en", action="contract_amend")
    assert f"Contract lines: {item.description} × 1 → {item.description} × 2" in text
    assert "Instalments: " in text and "→ 2027-01-31 ¥1,800.00" in text
