"""The customer data-scope matrix (SPEC "Roles"): every read path honours scope and sharing."""

import datetime as dt

import pytest
from django.utils import timezone

from guanxi.accounts.models import Department
from guanxi.accounts.permissions import EDIT_OTHERS
from guanxi.accounts.services import user_update
from guanxi.core.errors import PermissionDenied
from guanxi.customers.archive.selectors import (
    CustomerFilters,
    customer_can_edit,
    customer_get_for_user,
    customer_iter_for_export,
    customer_list_for_user,
    customer_timeline,
    duplicate_candidates_for_user,
    recycle_bin_for_user,
)
from guanxi.customers.archive.services import (
    customer_handover,
    customer_set_tags,
    customer_update,
    share_remove,
    share_set,
)
from guanxi.customers.archive.validation import CustomerInput
from guanxi.customers.errors import CustomerNotFound
from guanxi.customers.models import Customer, CustomerShare

pytestmark = pytest.mark.django_db

ROLES = [
    "sales1a",
    "sales1b",
    "sales2a",
    "manager",
    "relations",
    "agent",
    "marketing",
    "admin_user",
]
# Which of the four customers (owned by sales1a, sales1b, sales2a, relations) each role sees.
EXPECTED = {
    "sales1a": {"c1a"},
    "sales1b": {"c1b"},
    "sales2a": {"c2a"},
    "manager": {"c1a", "c1b", "c2a"},
    "relations": {"c1a", "c1b", "c2a", "crel"},
    "agent": {"c1a", "c1b", "c2a", "crel"},
    "marketing": {"c1a", "c1b", "c2a", "crel"},
    "admin_user": {"c1a", "c1b", "c2a", "crel"},
}


@pytest.fixture
def customers(make_customer, sales1a, sales1b, sales2a, relations):
    return {
        "c1a": make_customer(sales1a, name="张三", mobile="13800138001"),
        "c1b": make_customer(sales1b, name="张四", mobile="13800138002"),
        "c2a": make_customer(sales2a, name="张五", mobile="13800138003"),
        "crel": make_customer(relations, name="张六", mobile="13800138004"),
    }


def _names(customers, ids):
    by_id = {c.pk: key for key, c in customers.items()}
    return {by_id[i] for i in ids}


def _list(user, **filters):
    return {
        c.pk for c in customer_list_for_user(user=user, filters=CustomerFilters(**filters)).items
    }


@pytest.mark.parametrize("role", ROLES)
def test_list_matrix(role, request, customers):
    user = request.getfixturevalue(role)
    assert _names(customers, _list(user)) == EXPECTED[role]
    page = customer_list_for_user(user=user, filters=CustomerFilters())
    assert page.total == len(EXPECTED[role])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "q", ["张", "zhang", "zh", "z", "138001380", "1380013800", "+86 138 0013 800"]
)
def test_search_never_leaves_scope(role, q, request, customers):
    user = request.getfixturevalue(role)
    assert _names(customers, _list(user, q=q)) == EXPECTED[role]


@pytest.mark.parametrize("role", ROLES)
def test_search_finds_one_in_scope(role, request, customers):
    user = request.getfixturevalue(role)
    expected = {"c2a"} & EXPECTED[role]
    assert _names(customers, _list(user, q="张五")) == expected
    assert _names(customers, _list(user, q="zw")) == expected
    assert _names(customers, _list(user, q="zhangwu")) == expected
    assert _names(customers, _list(user, q="138 0013 8003")) == expected
    assert _names(customers, _list(user, q="８００３")) == expected


@pytest.mark.parametrize("role", ROLES)
def test_detail_export_timeline_matrix(role, request, customers):
    user = request.getfixturevalue(role)
    for key, customer in customers.items():
        if key in EXPECTED[role]:
            got = customer_get_for_user(user=user, customer_id=customer.pk)
            assert got.pk == customer.pk
            events, _more = customer_timeline(customer=got)
            assert [e.kind for e in events] == ["created"]
        else:
            with pytest.raises(CustomerNotFound):
                customer_get_for_user(user=user, customer_id=customer.pk)
            with pytest.raises(CustomerNotFound):
                customer_get_for_user(user=user, customer_id=str(customer.pk))
    exported = {
        c.pk for c in customer_iter_for_export(user=user, filters=CustomerFilters(), batch=2)
    }
    assert _names(customers, exported) == EXPECTED[role]


@pytest.mark.parametrize("bad_id", [None, "", "abc", "1; drop table", "1.5", [1], 10**30, -1])
def test_get_with_garbage_id_is_not_found(sales1a, customers, bad_id):
    with pytest.raises(CustomerNotFound):
        customer_get_for_user(user=sales1a, customer_id=bad_id)


def test_consultant_never_reaches_other_department(sales1a, sales1b, customers):
    theirs = customers["c2a"]
    for user in (sales1a, sales1b):
        with pytest.raises(CustomerNotFound):
            customer_get_for_user(user=user, customer_id=theirs.pk)
        assert theirs.pk not in _list(user, q="张五")
        assert theirs.pk not in _list(user, q="13800138003")
        assert theirs.pk not in _list(user, owner=theirs.owner_id)
        assert theirs.pk not in _list(user, department=theirs.department_id)
        assert theirs.pk not in {
            c.pk for c in customer_iter_for_export(user=user, filters=CustomerFilters())
        }
        assert not customer_can_edit(user=user, customer=theirs)
        with pytest.raises(PermissionDenied):
            customer_update(
                actor=user, customer=theirs, data=CustomerInput(notes="x"), expected_version=None
            )
        with pytest.raises(PermissionDenied):
            share_set(actor=user, customer=theirs, user=user, can_edit=True)
    assert not CustomerShare.objects.exists()


def test_duplicate_candidates_stay_in_scope(sales1a, customers, make_customer, sales2a):
    # A same-named customer in another department is not offered as a candidate.
    make_customer(sales2a, name="张三", mobile="13800138009")
    candidates = duplicate_candidates_for_user(user=sales1a, customer=customers["c1a"])
    assert candidates == []


def test_read_only_share(sales1a, sales2a, customers):
    mine = customers["c1a"]
    share_set(actor=sales1a, customer=mine, user=sales2a, can_edit=False)
    assert customer_get_for_user(user=sales2a, customer_id=mine.pk).pk == mine.pk
    assert mine.pk in _list(sales2a)
    assert mine.pk in _list(sales2a, q="张三")
    assert not customer_can_edit(user=sales2a, customer=mine)
    with pytest.raises(PermissionDenied):
        customer_update(
            actor=sales2a, customer=mine, data=CustomerInput(notes="hacked"), expected_version=None
        )
    mine.refresh_from_db()
    assert mine.notes == ""
    assert mine.version == 1
    # A read-only collaborator cannot share it further either.
    with pytest.raises(PermissionDenied):
        share_set(actor=sales2a, customer=mine, user=sales2a, can_edit=True)
    assert CustomerShare.objects.get(customer=mine, user=sales2a).can_edit is False


def test_read_write_share(sales1a, sales2a, customers):
    mine = customers["c1a"]
    share_set(actor=sales1a, customer=mine, user=sales2a, can_edit=True)
    assert customer_can_edit(user=sales2a, customer=mine)
    updated = customer_update(
        actor=sales2a, customer=mine, data=CustomerInput(notes="由陈刚补充"), expected_version=1
    )
    assert updated.notes == "由陈刚补充"
    assert updated.version == 2
    # The collaborator does not gain the other customers of the owner.
    with pytest.raises(CustomerNotFound):
        customer_get_for_user(user=sales2a, customer_id=customers["c1b"].pk)


def test_share_removed(sales1a, sales2a, customers):
    mine = customers["c1a"]
    share_set(actor=sales1a, customer=mine, user=sales2a, can_edit=True)
    share_remove(actor=sales1a, customer=mine, user=sales2a)
    with pytest.raises(CustomerNotFound):
        customer_get_for_user(user=sales2a, customer_id=mine.pk)


def test_expired_share_gives_nothing(sales1a, sales2a, customers):
    mine = customers["c1a"]
    future = timezone.now() + dt.timedelta(days=7)
    share_set(actor=sales1a, customer=mine, user=sales2a, can_edit=True, expires_at=future)
    assert customer_can_edit(user=sales2a, customer=mine)
    CustomerShare.objects.filter(customer=mine).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    with pytest.raises(CustomerNotFound):
        customer_get_for_user(user=sales2a, customer_id=mine.pk)
    assert mine.pk not in _list(sales2a)
    assert mine.pk not in _list(sales2a, q="张三")
    assert not Customer.objects.editable_by(sales2a, action=EDIT_OTHERS).filter(pk=mine.pk).exists()
    with pytest.raises(PermissionDenied):
        customer_update(
            actor=sales2a, customer=mine, data=CustomerInput(notes="late"), expected_version=None
        )


def test_share_in_the_past_refused(sales1a, sales2a, customers):
    from guanxi.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        share_set(
            actor=sales1a,
            customer=customers["c1a"],
            user=sales2a,
            can_edit=False,
            expires_at=timezone.now() - dt.timedelta(days=1),
        )
    assert not CustomerShare.objects.exists()


def test_deleted_customers_leave_every_list(sales1a, manager, customers):
    from guanxi.customers.archive.services import customer_delete

    customer = customers["c1a"]
    customer_delete(actor=manager, customer=customer)
    for user in (sales1a, manager):
        assert customer.pk not in _list(user)
        with pytest.raises(CustomerNotFound):
            customer_get_for_user(user=user, customer_id=customer.pk)
    assert [c.pk for c in recycle_bin_for_user(user=manager).items] == [customer.pk]
    # The consultant owns it, so it shows in their recycle bin (they may not restore it).
    assert customer.pk not in _list(sales1a, q="张三")


def test_handover_moves_department_so_new_managers_see_it(
    admin_user, sales1a, sales2a, manager, customers
):
    sales1 = sales1a.department
    sales2 = sales2a.department
    # A head of 销售二部 only (department scope), who does not see 销售一部.
    from guanxi.accounts.models import Role
    from guanxi.accounts.services import user_create

    head2 = user_create(
        username="head2",
        password="x",
        department=sales2,
        roles=[Role.objects.create(code="dept-head", name="部门主管", data_scope="department")],
        validate=False,
    )
    moved = customers["c1a"]
    assert not Customer.objects.visible_to(head2).filter(pk=moved.pk).exists()
    count = customer_handover(actor=admin_user, from_user=sales1a, to_user=sales2a, reason="离职")
    assert count == 1
    moved.refresh_from_db()
    assert (moved.owner_id, moved.department_id) == (sales2a.pk, sales2.pk)
    assert customer_get_for_user(user=head2, customer_id=moved.pk).pk == moved.pk
    assert customer_get_for_user(user=sales2a, customer_id=moved.pk).pk == moved.pk
    with pytest.raises(CustomerNotFound):
        customer_get_for_user(user=sales1a, customer_id=moved.pk)
    assert moved.department_id != sales1.pk


def test_customers_follow_owner_department(sales1a, customers):
    from guanxi.accounts.models import User

    sales2 = Department.objects.get(name="销售二部")
    mine = customers["c1a"]
    user_update(
        user=sales1a,
        actor=None,
        display_name=sales1a.display_name,
        department=sales2,
        reports_to=sales1a.reports_to,
        roles=list(sales1a.roles.all()),
    )
    mine.refresh_from_db()
    assert mine.department_id == sales2.pk
    assert Customer.objects.get(pk=customers["c1b"].pk).department.name == "销售一部"
    # Still the owner's own customer after the move.
    assert (
        customer_get_for_user(user=User.objects.get(pk=sales1a.pk), customer_id=mine.pk).pk
        == mine.pk
    )


def _list_queries(user_pk, filters):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from guanxi.accounts.models import User

    user = User.objects.get(pk=user_pk)  # a new request: nothing cached on the user
    with CaptureQueriesContext(connection) as captured:
        page = customer_list_for_user(user=user, filters=filters)
        # What the list template touches on every row.
        for row in page.items:
            _ = (row.owner, row.department, row.source, [t.name for t in row.tags.all()])
    return len(captured), len(page.items)


@pytest.mark.parametrize("role", ["sales1a", "manager", "admin_user"])
@pytest.mark.parametrize("q", ["", "客户", "kh", "1390"])
def test_list_query_count_does_not_grow_with_rows(role, q, request, make_customer, sales1a):
    from guanxi.customers.models import Source

    user = request.getfixturevalue(role)
    source = Source.objects.first()

    numbers = iter(range(100))

    def add(n):
        for _ in range(n):
            mobile = f"1390000{next(numbers):04d}"
            customer = make_customer(sales1a, name="客户", source=source.pk, mobile=mobile)
            customer_set_tags(actor=sales1a, customer=customer, tags=["VIP", "老客户"])

    add(5)
    few, rows_few = _list_queries(user.pk, CustomerFilters(q=q))
    add(25)
    many, rows_many = _list_queries(user.pk, CustomerFilters(q=q))
    assert (rows_few, rows_many) == (5, 25)
    # A selection that fits on one page needs no count query; otherwise the number of
    # queries is the same for 5 rows as for 25.
    assert few == many - 1
    add(30)
    more, rows_more = _list_queries(user.pk, CustomerFilters(q=q))
    assert rows_more == 25
    assert more == many
    assert many <= 8


def test_list_query_budget(django_assert_max_num_queries, make_customer, sales1a, manager):
    for i in range(30):
        make_customer(sales1a, name=f"客户{i}")
    from guanxi.accounts.models import User

    fresh = User.objects.get(pk=manager.pk)
    with django_assert_max_num_queries(8):
        page = customer_list_for_user(user=fresh, filters=CustomerFilters())
        assert len(page.items) == 25
        assert page.total == 30
        assert [str(c.owner) for c in page.items]
