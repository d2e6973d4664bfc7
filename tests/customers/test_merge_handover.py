"""Merging duplicates (ARC-5) and staff-departure handover (ARC-9)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from guanxi.accounts.models import User
from guanxi.core.errors import PermissionDenied, ValidationFailed
from guanxi.core.models import AuditLog
from guanxi.customers.archive.selectors import customer_tags
from guanxi.customers.archive.services import (
    attachment_add,
    contact_create,
    customer_create,
    customer_handover,
    customer_merge,
    customer_reassign,
    customer_set_tags,
    customer_update,
    share_set,
)
from guanxi.customers.archive.validation import ContactInput, CustomerInput
from guanxi.customers.errors import CustomerDuplicate
from guanxi.customers.models import (
    Attachment,
    Contact,
    Customer,
    CustomerShare,
    DedupKey,
    OwnerChange,
    TimelineEvent,
)

pytestmark = pytest.mark.django_db


def snapshot(*customers):
    """Everything a refused merge or handover must leave as it was."""
    ids = [c.pk for c in customers]
    rows = Customer.objects.filter(pk__in=ids).order_by("pk")
    return (
        list(
            rows.values_list(
                "pk",
                "owner_id",
                "department_id",
                "version",
                "deleted_at",
                "merged_into_id",
                "email",
            )
        ),
        sorted(Contact.objects.filter(customer_id__in=ids).values_list("pk", "customer_id")),
        sorted(TimelineEvent.objects.filter(customer_id__in=ids).values_list("pk", "customer_id")),
        sorted(DedupKey.objects.filter(customer_id__in=ids).values_list("rule", "customer_id")),
        OwnerChange.objects.count(),
        AuditLog.objects.filter(action__in=["merge", "handover"]).count(),
    )


@pytest.fixture
def pair(sales1a, sales1b, sales2a, manager):
    primary = customer_create(
        actor=sales1a, data=CustomerInput(name="张三", city="北京", notes="主档")
    )
    duplicate = customer_create(
        actor=sales1b,
        data=CustomerInput(
            name="张三",
            mobile="13800138000",
            email="zhangsan@example.com",
            city="上海",
            occupation="工程师",
            notes="重复档",
        ),
    )
    customer_set_tags(actor=sales1a, customer=primary, tags=["VIP", "新客户"])
    customer_set_tags(actor=sales1b, customer=duplicate, tags=["VIP", "老客户"])
    contact_create(
        actor=sales1b, customer=duplicate, data=ContactInput(name="张太太", mobile="13900139000")
    )
    attachment_add(
        actor=sales1b,
        customer=duplicate,
        upload=SimpleUploadedFile("身份证.pdf", b"%PDF-1.4 test", content_type="application/pdf"),
    )
    share_set(actor=sales1b, customer=duplicate, user=sales2a, can_edit=False)
    duplicate = customer_reassign(actor=manager, customer=duplicate, to_user=sales1b, reason="x")
    customer_reassign(actor=manager, customer=duplicate, to_user=sales1a, reason="同一客户")
    primary.refresh_from_db()
    duplicate.refresh_from_db()
    return primary, duplicate


def test_merge_keeps_every_related_record(pair, manager, sales1a, sales2a):
    primary, duplicate = pair
    dup_events = set(TimelineEvent.objects.filter(customer=duplicate).values_list("pk", flat=True))
    assert dup_events
    kept = customer_merge(actor=manager, primary=primary, duplicate=duplicate)

    assert kept.pk == primary.pk
    assert [c.name for c in Contact.objects.filter(customer=kept)] == ["张太太"]
    assert [a.original_name for a in Attachment.objects.filter(customer=kept)] == ["身份证.pdf"]
    assert dup_events <= set(
        TimelineEvent.objects.filter(customer=kept).values_list("pk", flat=True)
    )
    assert TimelineEvent.objects.filter(customer=kept, kind="merged").exists()
    assert {t.name for t in customer_tags(customer=kept)} == {"VIP", "新客户", "老客户"}
    assert CustomerShare.objects.filter(customer=kept, user=sales2a, can_edit=False).exists()
    assert OwnerChange.objects.filter(customer=kept, to_user=sales1a, reason="同一客户").exists()
    assert not Contact.objects.filter(customer=duplicate).exists()
    assert not TimelineEvent.objects.filter(customer=duplicate).exists()

    # Blanks filled from the duplicate; the primary's own values win.
    assert kept.mobile == "+8613800138000"
    assert kept.email == "zhangsan@example.com"
    assert kept.occupation == "工程师"
    assert kept.city == "北京"
    assert "主档" in kept.notes and "重复档" in kept.notes
    assert kept.version == primary.version + 1

    duplicate.refresh_from_db()
    assert duplicate.deleted_at is not None
    assert duplicate.merged_into_id == kept.pk
    assert duplicate.deleted_by_id == manager.pk
    assert not DedupKey.objects.filter(customer=duplicate).exists()

    audit = AuditLog.objects.get(action=AuditLog.Action.MERGE)
    assert audit.actor_id == manager.pk
    assert audit.detail == {"kept": kept.pk, "merged": duplicate.pk}

    # The duplicate's mobile and e-mail now belong to the primary's duplicate keys.
    with pytest.raises(CustomerDuplicate) as info:
        customer_create(actor=sales2a, data=CustomerInput(name="张三", mobile="138 0013 8000"))
    assert info.value.match_id == kept.pk
    with pytest.raises(CustomerDuplicate) as info:
        customer_create(
            actor=sales2a, data=CustomerInput(name="张三", email="ZhangSan@example.com")
        )
    assert info.value.match_id == kept.pk


def test_merge_keeps_the_duplicates_own_phone_blocking_new_duplicates(manager, sales1a):
    keep = customer_create(actor=sales1a, data=CustomerInput(name="王芳", mobile="13700000001"))
    drop = customer_create(actor=sales1a, data=CustomerInput(name="王芳", mobile="13700000002"))
    customer_merge(actor=manager, primary=keep, duplicate=drop)
    with pytest.raises(CustomerDuplicate) as info:
        customer_create(actor=sales1a, data=CustomerInput(name="别人", mobile="137 0000 0002"))
    assert info.value.match_id == keep.pk
    # an edit of the primary rewrites its own keys and keeps the inherited one
    keep.refresh_from_db()
    customer_update(
        actor=sales1a,
        customer=keep,
        data=CustomerInput(notes="合并后"),
        expected_version=keep.version,
    )
    with pytest.raises(CustomerDuplicate):
        customer_create(actor=sales1a, data=CustomerInput(name="别人", mobile="13700000002"))
    # the primary may itself take the inherited value without tripping over it
    keep.refresh_from_db()
    customer_update(
        actor=sales1a,
        customer=keep,
        data=CustomerInput(mobile="13700000002"),
        expected_version=keep.version,
    )
    customer_create(actor=sales1a, data=CustomerInput(name="别人", mobile="13700000001"))


def test_merged_duplicate_cannot_be_restored(pair, manager, admin_user):
    from guanxi.customers.archive.services import customer_restore

    primary, duplicate = pair
    customer_merge(actor=manager, primary=primary, duplicate=duplicate)
    with pytest.raises(PermissionDenied):
        customer_restore(actor=admin_user, customer=duplicate)


@pytest.mark.parametrize("actor_name", ["sales1a", "sales1b", "agent", "marketing"])
def test_merge_needs_merge_permission(pair, request, actor_name):
    primary, duplicate = pair
    before = snapshot(primary, duplicate)
    with pytest.raises(PermissionDenied):
        customer_merge(
            actor=request.getfixturevalue(actor_name), primary=primary, duplicate=duplicate
        )
    assert snapshot(primary, duplicate) == before


def test_merge_needs_both_editable(manager, relations, sales1a):
    mine = customer_create(actor=sales1a, data=CustomerInput(name="李四"))
    outside = customer_create(
        actor=relations, data=CustomerInput(name="李四", mobile="13700137000")
    )
    before = snapshot(mine, outside)
    # The manager (销售中心) may merge but cannot change a customer of 客户关系部.
    for primary, duplicate in ((mine, outside), (outside, mine)):
        with pytest.raises(PermissionDenied):
            customer_merge(actor=manager, primary=primary, duplicate=duplicate)
    assert snapshot(mine, outside) == before
    # Customer relations sees everything and may merge.
    customer_merge(actor=relations, primary=mine, duplicate=outside)
    assert Customer.objects.get(pk=mine.pk).mobile == "+8613700137000"


def test_merge_refuses_person_with_organisation_and_self(manager, sales1a):
    person = customer_create(actor=sales1a, data=CustomerInput(name="星辰"))
    org = customer_create(
        actor=sales1a, data=CustomerInput(name="星辰科技有限公司", kind="organisation")
    )
    before = snapshot(person, org)
    with pytest.raises(ValidationFailed):
        customer_merge(actor=manager, primary=person, duplicate=org)
    with pytest.raises(ValidationFailed):
        customer_merge(actor=manager, primary=person, duplicate=person)
    assert snapshot(person, org) == before


def test_merge_of_deleted_customer_refused(manager, sales1a):
    from guanxi.customers.archive.services import customer_delete

    a = customer_create(actor=sales1a, data=CustomerInput(name="王五"))
    b = customer_create(actor=sales1a, data=CustomerInput(name="王五"))
    customer_delete(actor=manager, customer=b)
    with pytest.raises(PermissionDenied):
        customer_merge(actor=manager, primary=a, duplicate=b)


# ------------------------------------------------------------------ handover (ARC-9)


@pytest.fixture
def book(sales1a, sales1b):
    mine = [customer_create(actor=sales1a, data=CustomerInput(name=f"客户{i}")) for i in range(3)]
    other = customer_create(actor=sales1b, data=CustomerInput(name="别人的客户"))
    return mine, other


def test_handover_moves_everything(book, admin_user, sales1a, sales2a):
    mine, other = book
    moved = customer_handover(actor=admin_user, from_user=sales1a, to_user=sales2a, reason="离职")
    assert moved == 3
    for customer in mine:
        customer.refresh_from_db()
        assert (customer.owner_id, customer.department_id) == (sales2a.pk, sales2a.department_id)
        assert customer.version == 2
        change = OwnerChange.objects.get(customer=customer)
        assert (change.from_user_id, change.to_user_id, change.by_id, change.reason) == (
            sales1a.pk,
            sales2a.pk,
            admin_user.pk,
            "离职",
        )
        event = TimelineEvent.objects.get(customer=customer, kind="owner")
        assert event.actor_id == admin_user.pk
        assert event.data == {"from": sales1a.pk, "to": sales2a.pk}
    other.refresh_from_db()
    assert other.owner_id != sales2a.pk
    assert not OwnerChange.objects.filter(customer=other).exists()
    assert not Customer.objects.filter(owner=sales1a).exists()
    audit = AuditLog.objects.get(action=AuditLog.Action.HANDOVER)
    assert audit.actor_id == admin_user.pk
    assert audit.detail["customers"] == 3
    assert audit.detail["reason"] == "离职"


@pytest.mark.parametrize("actor_name", ["manager", "sales1a", "relations"])
def test_handover_needs_permission(book, request, actor_name, sales1a, sales2a):
    mine, other = book
    before = snapshot(*mine, other)
    with pytest.raises(PermissionDenied):
        customer_handover(
            actor=request.getfixturevalue(actor_name),
            from_user=sales1a,
            to_user=sales2a,
            reason="离职",
        )
    assert snapshot(*mine, other) == before


def test_handover_refusals_change_nothing(book, admin_user, sales1a, sales2a):
    mine, other = book
    before = snapshot(*mine, other)
    with pytest.raises(ValidationFailed) as info:
        customer_handover(actor=admin_user, from_user=sales1a, to_user=sales1a, reason="离职")
    assert "to_user" in info.value.field_errors
    for reason in ("", "   ", None):
        with pytest.raises(ValidationFailed) as info:
            customer_handover(actor=admin_user, from_user=sales1a, to_user=sales2a, reason=reason)
        assert "reason" in info.value.field_errors
    User.objects.filter(pk=sales2a.pk).update(is_active=False)
    gone = User.objects.get(pk=sales2a.pk)
    with pytest.raises(ValidationFailed) as info:
        customer_handover(actor=admin_user, from_user=sales1a, to_user=gone, reason="离职")
    assert "to_user" in info.value.field_errors
    assert snapshot(*mine, other) == before


def test_handover_of_nobody_is_harmless(admin_user, sales2a, org):
    assert (
        customer_handover(
            actor=admin_user, from_user=org["sales2b"], to_user=sales2a, reason="调岗"
        )
        == 0
    )
    assert AuditLog.objects.filter(action=AuditLog.Action.HANDOVER).count() == 1
