"""Bad input and the rules of the customer services (ARC-2, ARC-4, ARC-5, ARC-6)."""

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pytest
from django.utils import timezone

from guanxi.core.errors import Conflict, PermissionDenied, ValidationFailed
from guanxi.core.identity import id_check_digit
from guanxi.core.models import AuditLog
from guanxi.customers.archive.selectors import (
    CustomerFilters,
    customer_history,
    customer_list_for_user,
    recycle_bin_for_user,
)
from guanxi.customers.archive.services import (
    attachment_add,
    attachment_delete,
    contact_create,
    contact_delete,
    contact_update,
    customer_create,
    customer_delete,
    customer_purge,
    customer_restore,
    customer_reveal,
    customer_update,
)
from guanxi.customers.archive.validation import ContactInput, CustomerInput
from guanxi.customers.errors import CustomerDuplicate
from guanxi.customers.models import (
    Attachment,
    Contact,
    Customer,
    CustomFieldDefinition,
    DedupKey,
    Industry,
    TimelineEvent,
)

pytestmark = pytest.mark.django_db


def make_id(birth="19900307", sequence="123", region="110105") -> str:
    first17 = f"{region}{birth}{sequence}"
    return first17 + id_check_digit(first17)


def counts():
    return (Customer.objects.count(), DedupKey.objects.count(), TimelineEvent.objects.count())


def as_input(data: CustomerInput | Mapping[str, Any]) -> CustomerInput:
    """`data` as customer_create takes it: a mapping is values as posted, which become an input
    through CustomerInput.from_dict as a form's cleaned data does."""
    return data if isinstance(data, CustomerInput) else CustomerInput.from_dict(data)


def refused(actor, data: CustomerInput | Mapping[str, Any], *fields, **kwargs) -> ValidationFailed:
    """Assert customer_create refuses `data` with errors on exactly `fields`, writing nothing."""
    before = counts()
    with pytest.raises(ValidationFailed) as info:
        customer_create(actor=actor, data=as_input(data), **kwargs)
    assert set(info.value.field_errors) == set(fields), info.value.field_errors
    for messages in info.value.field_errors.values():
        assert messages and all(isinstance(m, str) and m for m in messages)
    assert counts() == before
    return info.value


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (CustomerInput(name=""), "name"),
        (CustomerInput(name="   "), "name"),
        (CustomerInput(name="\x00\x01"), "name"),
        (CustomerInput(name=None), "name"),
        (CustomerInput(), "name"),
        (CustomerInput(name="张" * 101), "name"),
        (CustomerInput(name="张三", mobile="1380013800"), "mobile"),
        (CustomerInput(name="张三", mobile="abc"), "mobile"),
        (CustomerInput(name="张三", mobile="010-65529988"), "mobile"),
        (CustomerInput(name="张三", office_phone="12"), "office_phone"),
        (CustomerInput(name="张三", id_number="11010519491231002"), "id_number"),
        (CustomerInput(name="张三", id_number="110105194912310021"), "id_number"),
        (CustomerInput(name="张三", id_number=make_id(birth="19900230")), "id_number"),
        (CustomerInput(name="张三", email="not-an-email"), "email"),
        (CustomerInput(name="张三", email="a@b"), "email"),
        (CustomerInput(name="张三", email="x" * 250 + "@example.com"), "email"),
        (CustomerInput(name="张三", home_postcode="10001"), "home_postcode"),
        (CustomerInput(name="张三", work_postcode="1000０a"), "work_postcode"),
        (
            CustomerInput(name="星辰", kind="organisation", credit_code="91350100M000100Y44"),
            "credit_code",
        ),
        (CustomerInput(name="张三", birth_date="2999-01-01"), "birth_date"),
        (CustomerInput(name="张三", birth_date="1990-02-30"), "birth_date"),
        (CustomerInput(name="张三", birth_date="yesterday"), "birth_date"),
        (CustomerInput(name="张三", visit_minutes=-1), "visit_minutes"),
        (CustomerInput(name="张三", visit_minutes=1441), "visit_minutes"),
        (CustomerInput(name="张三", visit_minutes="ten"), "visit_minutes"),
        (CustomerInput(name="张三", first_contact_at="2025-13-01"), "first_contact_at"),
        (CustomerInput(name="张三", industry=999999), "industry"),
        (CustomerInput(name="张三", industry="it"), "industry"),
        (CustomerInput(name="张三", industry=10**30), "industry"),
        (CustomerInput(name="张三", source=-5), "source"),
        (CustomerInput(name="张三", kind="robot"), "kind"),
        (CustomerInput(name="张三", gender="X"), "gender"),
        (CustomerInput(name="张三", level="vip"), "level"),
        (CustomerInput(name="张三", custom_data={"nope": 1}), "custom_data"),
    ],
)
def test_bad_input_refused_without_writing(sales1a, data, field):
    refused(sales1a, data, field)


@pytest.mark.parametrize(
    ("posted", "field"),
    [
        ({"name": "张三", "favourite_colour": "red"}, "favourite_colour"),
        ({"name": "张三", "owner": 1}, "owner"),
        ({"name": "张三", "deleted_at": None}, "deleted_at"),
        ({"name": "张三", "version": 99}, "version"),
        ({"name": "张三", "custom_data": ["a"]}, "custom_data"),
        ({"name": ["张三"]}, "name"),
        ({"name": {"zh": "张三"}}, "name"),
        ({"name": "张三", "mobile": ["13800138000"]}, "mobile"),
        ({"name": "张三", "notes": {"a": 1}}, "notes"),
        ({"name": "张三", "email": ["a@example.com"]}, "email"),
        ({"name": "张三", "industry": [1]}, "industry"),
        ({"name": "张三", "birth_date": ["1990-01-01"]}, "birth_date"),
        ({"name": "张三", "visit_minutes": [5]}, "visit_minutes"),
    ],
)
def test_posted_values_that_are_no_field_or_not_one_value_refused_without_writing(
    sales1a, posted, field
):
    # A key that is no field is refused by from_dict; a list or object where one value belongs
    # (a repeated form field) by the validation.
    refused(sales1a, posted, field)


def test_several_errors_reported_together(sales1a):
    error = refused(
        sales1a,
        CustomerInput(name="", mobile="123", email="x", home_postcode="1", visit_minutes=-1),
        "name",
        "mobile",
        "email",
        "home_postcode",
        "visit_minutes",
    )
    assert error.status_code == 422


def test_plain_scalars_are_coerced(sales1a):
    customer = customer_create(
        actor=sales1a,
        data=CustomerInput.from_dict(
            {
                "name": 123,
                "mobile": 13800138000,
                "visit_minutes": "30",
                "industry": str(Industry.objects.first().pk),
            }
        ),
    )
    assert customer.name == "123"
    assert customer.mobile == "+8613800138000"
    assert customer.visit_minutes == 30
    assert customer.industry_id == Industry.objects.first().pk


def test_limits_are_inclusive(sales1a):
    customer = customer_create(
        actor=sales1a,
        data=CustomerInput(name="张" * 100, visit_minutes=1440, birth_date=timezone.localdate()),
    )
    assert len(customer.name) == 100


def test_script_is_stored_verbatim(sales1a):
    payload = "<script>alert(1)</script>"
    customer = customer_create(actor=sales1a, data=CustomerInput(name=payload, notes=payload))
    customer.refresh_from_db()
    assert customer.notes == payload
    assert customer.name == payload


def test_control_characters_stripped(sales1a):
    customer = customer_create(
        actor=sales1a, data=CustomerInput(name="张\x00三\x1b", notes="a\nb\tc\x07")
    )
    assert customer.name == "张三"
    assert customer.notes == "a\nb\tc"


# ------------------------------------------------------------------ ID numbers


def test_id_number_fills_gender_and_birth_date(sales1a):
    number = make_id(birth="19850612", sequence="131")
    customer = customer_create(
        actor=sales1a, data=CustomerInput(name="张三", id_number=number.lower())
    )
    assert customer.gender == "M"
    assert customer.birth_date == dt.date(1985, 6, 12)
    customer.refresh_from_db()
    assert number not in customer.id_number_encrypted
    assert customer.id_number_masked == f"{number[:6]}********{number[-4:]}"
    assert customer.id_number_index and number not in customer.id_number_index


@pytest.mark.parametrize(
    ("extra", "message_part"),
    [({"gender": "F"}, "性别"), ({"birth_date": "1985-06-13"}, "出生日期")],
)
def test_id_number_disagreeing_refused(sales1a, extra, message_part):
    # zh-hans is the default language: the message names the field in Chinese.
    number = make_id(birth="19850612", sequence="131")
    error = refused(sales1a, CustomerInput(name="张三", id_number=number, **extra), "id_number")
    assert message_part in error.field_errors["id_number"][0]


def test_id_number_agreeing_accepted(sales1a):
    number = make_id(birth="19850612", sequence="132")
    customer = customer_create(
        actor=sales1a,
        data=CustomerInput(name="张三", id_number=number, gender="F", birth_date="1985-06-12"),
    )
    assert customer.gender == "F"


def test_id_number_checked_against_stored_gender_on_update(sales1a):
    customer = customer_create(actor=sales1a, data=CustomerInput(name="张三", gender="F"))
    with pytest.raises(ValidationFailed) as info:
        customer_update(
            actor=sales1a,
            customer=customer,
            data=CustomerInput(id_number=make_id(sequence="131")),
            expected_version=1,
        )
    assert set(info.value.field_errors) == {"id_number"}
    customer.refresh_from_db()
    assert customer.id_number_encrypted == "" and customer.version == 1


def test_gender_cannot_contradict_stored_id_number(sales1a):
    customer = customer_create(
        actor=sales1a, data=CustomerInput(name="张三", id_number=make_id(sequence="131"))
    )
    assert customer.gender == "M"
    with pytest.raises(ValidationFailed) as info:
        customer_update(
            actor=sales1a, customer=customer, data=CustomerInput(gender="F"), expected_version=1
        )
    assert "gender" in info.value.field_errors or "id_number" in info.value.field_errors
    with pytest.raises(ValidationFailed):
        customer_update(
            actor=sales1a,
            customer=customer,
            data=CustomerInput(birth_date="2000-01-01"),
            expected_version=1,
        )
    customer.refresh_from_db()
    assert (customer.gender, customer.birth_date, customer.version) == ("M", dt.date(1990, 3, 7), 1)


# ------------------------------------------------------------------ custom fields


@pytest.fixture
def custom_fields(db):
    Def = CustomFieldDefinition
    return [
        Def.objects.create(key="licence", label="驾照", field_type=Def.Type.TEXT, required=True),
        Def.objects.create(key="budget", label="预算", field_type=Def.Type.NUMBER),
        Def.objects.create(key="test_drive", label="试驾日期", field_type=Def.Type.DATE),
        Def.objects.create(
            key="colour", label="颜色", field_type=Def.Type.CHOICE, choices=["红", "白", "黑"]
        ),
        Def.objects.create(key="has_car", label="已有车", field_type=Def.Type.BOOLEAN),
        Def.objects.create(
            key="employees",
            label="员工数",
            field_type=Def.Type.NUMBER,
            applies_to=Customer.Kind.ORGANISATION,
        ),
    ]


def test_custom_fields_valid(sales1a, custom_fields):
    customer = customer_create(
        actor=sales1a,
        data=CustomerInput(
            name="张三",
            custom_data={
                "licence": " C1 ",
                "budget": "150000.50",
                "test_drive": "2026-05-01",
                "colour": "白",
                "has_car": "否",
            },
        ),
    )
    customer.refresh_from_db()
    assert customer.custom_data == {
        "licence": "C1",
        "budget": "150000.50",
        "test_drive": "2026-05-01",
        "colour": "白",
        "has_car": False,
    }


@pytest.mark.parametrize(
    ("custom", "field"),
    [
        ({}, "custom_licence"),
        ({"licence": ""}, "custom_licence"),
        ({"licence": "x" * 501}, "custom_licence"),
        ({"licence": "C1", "budget": "lots"}, "custom_budget"),
        ({"licence": "C1", "budget": "NaN"}, "custom_budget"),
        ({"licence": "C1", "budget": "Infinity"}, "custom_budget"),
        ({"licence": "C1", "test_drive": "2026-02-30"}, "custom_test_drive"),
        ({"licence": "C1", "colour": "绿"}, "custom_colour"),
        ({"licence": "C1", "has_car": "maybe"}, "custom_has_car"),
        ({"licence": "C1", "employees": 5}, "custom_data"),
        ({"licence": "C1", "unknown": 5}, "custom_data"),
        ({"licence": ["C1"]}, "custom_licence"),
        ({"licence": "C1", "budget": [1]}, "custom_budget"),
    ],
)
def test_custom_fields_invalid(sales1a, custom_fields, custom, field):
    refused(sales1a, CustomerInput(name="张三", custom_data=custom), field)


def test_required_custom_field_needed_only_when_it_applies(sales1a, custom_fields):
    CustomFieldDefinition.objects.filter(key="licence").update(applies_to=Customer.Kind.PERSON)
    org = customer_create(
        actor=sales1a,
        data=CustomerInput(name="星辰科技", kind="organisation", custom_data={"employees": 20}),
    )
    assert org.custom_data == {"employees": "20"}


def test_an_update_keeps_the_values_of_a_custom_field_switched_off(sales1a, custom_fields):
    """No form shows a switched-off field: its value stays, the shown ones are replaced."""
    customer = customer_create(
        actor=sales1a,
        data=CustomerInput(name="张三", custom_data={"licence": "C1", "colour": "白"}),
    )
    CustomFieldDefinition.objects.filter(key="colour").update(is_active=False)
    updated = customer_update(
        actor=sales1a,
        customer=customer,
        data=CustomerInput(custom_data={"licence": "B2"}),
        expected_version=None,
    )
    assert updated.custom_data == {"licence": "B2", "colour": "白"}
    # a switched-off field is not one a caller may set
    with pytest.raises(ValidationFailed) as info:
        customer_update(
            actor=sales1a,
            customer=updated,
            data=CustomerInput(custom_data={"licence": "B2", "colour": "黑"}),
            expected_version=None,
        )
    assert set(info.value.field_errors) == {"custom_data"}


# ------------------------------------------------------------------ update, versions, history


def test_partial_update_keeps_other_fields(sales1a):
    customer = customer_create(
        actor=sales1a,
        data=CustomerInput(name="张三", mobile="13800138000", email="z@example.com", notes="首次"),
    )
    updated = customer_update(
        actor=sales1a, customer=customer, data=CustomerInput(city="北京"), expected_version=1
    )
    assert (updated.name, updated.mobile, updated.email, updated.notes, updated.city) == (
        "张三",
        "+8613800138000",
        "z@example.com",
        "首次",
        "北京",
    )
    assert updated.version == 2
    # The dedup keys still hold the mobile.
    with pytest.raises(CustomerDuplicate):
        customer_create(actor=sales1a, data=CustomerInput(name="张三三", mobile="138 0013 8000"))


def test_update_refuses_bad_input_and_changes_nothing(sales1a):
    customer = customer_create(actor=sales1a, data=CustomerInput(name="张三", mobile="13800138000"))
    for data in (
        CustomerInput(name=""),
        CustomerInput(mobile="1"),
        CustomerInput(kind="organisation"),
        {"version": 7},
        {"name": ["x"]},
    ):
        with pytest.raises(ValidationFailed):
            customer_update(
                actor=sales1a, customer=customer, data=as_input(data), expected_version=1
            )
    customer.refresh_from_db()
    assert (customer.name, customer.mobile, customer.kind, customer.version) == (
        "张三",
        "+8613800138000",
        "person",
        1,
    )


def test_stale_version_is_a_conflict(sales1a):
    customer = customer_create(actor=sales1a, data=CustomerInput(name="张三"))
    customer_update(
        actor=sales1a, customer=customer, data=CustomerInput(notes="first"), expected_version=1
    )
    with pytest.raises(Conflict):
        customer_update(
            actor=sales1a, customer=customer, data=CustomerInput(notes="second"), expected_version=1
        )
    customer.refresh_from_db()
    assert customer.notes == "first"
    assert customer.version == 2


def test_history_records_who_old_and_new(sales1a, manager):
    customer = customer_create(actor=sales1a, data=CustomerInput(name="张三", city="上海"))
    customer_update(
        actor=manager, customer=customer, data=CustomerInput(city="北京"), expected_version=1
    )
    changes = customer_history(customer=customer)
    newest, lines = changes[0]
    assert newest.history_user_id == manager.pk
    assert any(old == "上海" and new == "北京" for _label, old, new in lines)
    created, _ = changes[-1]
    assert created.history_type == "+"
    assert created.history_user_id == sales1a.pk


def test_history_never_shows_the_id_number(sales1a):
    number = make_id(sequence="131")
    customer = customer_create(actor=sales1a, data=CustomerInput(name="张三"))
    customer_update(
        actor=sales1a, customer=customer, data=CustomerInput(id_number=number), expected_version=1
    )
    text = repr(customer_history(customer=customer))
    assert number not in text
    assert "encrypted" not in text


# ------------------------------------------------------------------ recycle bin


def test_delete_restore_and_duplicate_on_restore(sales1a, manager):
    customer = customer_create(actor=sales1a, data=CustomerInput(name="张三", mobile="13800138000"))
    with pytest.raises(PermissionDenied):
        customer_delete(actor=sales1a, customer=customer)  # consultants may not delete
    customer_delete(actor=manager, customer=customer)
    customer.refresh_from_db()
    assert customer.deleted_at is not None and customer.deleted_by_id == manager.pk
    listed = {c.pk for c in customer_list_for_user(user=manager, filters=CustomerFilters()).items}
    assert customer.pk not in listed
    assert [c.pk for c in recycle_bin_for_user(user=manager).items] == [customer.pk]
    assert AuditLog.objects.filter(action="delete", target_id=str(customer.pk)).exists()

    # The mobile is free again, so someone registers it anew ...
    newcomer = customer_create(
        actor=sales1a, data=CustomerInput(name="张三丰", mobile="+86 13800138000")
    )
    # ... and restoring the old record is refused as a duplicate, leaving it in the bin.
    with pytest.raises(CustomerDuplicate):
        customer_restore(actor=manager, customer=customer)
    customer.refresh_from_db()
    assert customer.deleted_at is not None
    assert not DedupKey.objects.filter(customer=customer).exists()

    customer_delete(actor=manager, customer=newcomer)
    restored = customer_restore(actor=manager, customer=customer)
    assert restored.deleted_at is None
    assert DedupKey.objects.filter(customer=customer).count() == 1
    assert AuditLog.objects.filter(action="restore", target_id=str(customer.pk)).exists()


def test_purge_needs_purge_permission(sales1a, manager, admin_user):
    customer = customer_create(
        actor=sales1a, data=CustomerInput(name="张三", mobile="13800138000", id_number=make_id())
    )
    customer_update(
        actor=sales1a, customer=customer, data=CustomerInput(city="北京"), expected_version=1
    )
    with pytest.raises(PermissionDenied):
        customer_purge(actor=admin_user, customer=customer)  # not in the recycle bin yet
    customer_delete(actor=manager, customer=customer)
    with pytest.raises(PermissionDenied):
        customer_purge(actor=manager, customer=customer)
    assert Customer.objects.filter(pk=customer.pk).exists()
    customer_purge(actor=admin_user, customer=customer)
    assert not Customer.objects.filter(pk=customer.pk).exists()
    assert AuditLog.objects.filter(action="purge", target_id=str(customer.pk)).exists()
    # Deleted permanently means no copy of the data lingers in the change history.
    assert not Customer.history.filter(id=customer.pk).exists()


# ------------------------------------------------------------------ contacts and files


def test_contact_update_changes_only_the_fields_given(sales1a):
    customer = customer_create(actor=sales1a, data=CustomerInput(name="张三"))
    contact = contact_create(
        actor=sales1a,
        customer=customer,
        data=ContactInput(name="张太太", title="采购", mobile="13900139000"),
    )
    contact_update(actor=sales1a, contact=contact, data=ContactInput(title="总经理"))
    contact.refresh_from_db()
    assert (contact.name, contact.title, contact.mobile) == ("张太太", "总经理", "+8613900139000")
    contact_update(actor=sales1a, contact=contact, data=ContactInput(name="张女士", mobile=""))
    contact.refresh_from_db()
    assert (contact.name, contact.title, contact.mobile) == ("张女士", "总经理", "")
    # a name given as empty is refused: it is no "keep the name"
    for blank in ("", None):
        with pytest.raises(ValidationFailed) as info:
            contact_update(actor=sales1a, contact=contact, data=ContactInput(name=blank))
        assert set(info.value.field_errors) == {"name"}
    contact.refresh_from_db()
    assert contact.name == "张女士"


def test_removing_a_contact_or_a_file_leaves_a_line_on_the_timeline(
    sales1a, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    customer = customer_create(actor=sales1a, data=CustomerInput(name="张三"))
    contact = contact_create(actor=sales1a, customer=customer, data=ContactInput(name="张太太"))
    upload = SimpleUploadedFile("合同.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    attachment = attachment_add(actor=sales1a, customer=customer, upload=upload)
    storage, path = attachment.file.storage, attachment.file.name
    contact_delete(actor=sales1a, contact=contact)
    with django_capture_on_commit_callbacks(execute=True):
        attachment_delete(actor=sales1a, attachment=attachment)
    assert not Contact.objects.filter(customer=customer).exists()
    assert not Attachment.objects.filter(customer=customer).exists()
    assert not storage.exists(path)  # the stored file goes once the row is gone for good
    removed = TimelineEvent.objects.filter(customer=customer, ref_id="").order_by("pk")
    assert [(e.kind, e.title, e.actor_id) for e in removed if e.kind != "created"] == [
        ("contact", "删除联系人：张太太", sales1a.pk),
        ("attachment", "删除附件：合同.pdf", sales1a.pk),
    ]


def test_removing_a_contact_or_a_file_needs_the_right_to_change_the_customer(sales1a, sales2a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    customer = customer_create(actor=sales1a, data=CustomerInput(name="张三"))
    contact = contact_create(actor=sales1a, customer=customer, data=ContactInput(name="张太太"))
    upload = SimpleUploadedFile("合同.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    attachment = attachment_add(actor=sales1a, customer=customer, upload=upload)
    events = TimelineEvent.objects.filter(customer=customer).count()
    with pytest.raises(PermissionDenied):
        contact_delete(actor=sales2a, contact=contact)
    with pytest.raises(PermissionDenied):
        attachment_delete(actor=sales2a, attachment=attachment)
    assert Contact.objects.filter(pk=contact.pk).exists()
    assert Attachment.objects.filter(pk=attachment.pk).exists()
    assert attachment.file.storage.exists(attachment.file.name)
    assert TimelineEvent.objects.filter(customer=customer).count() == events


# ------------------------------------------------------------------ reveal (ARC-6)


def test_reveal_is_audited(sales1a):
    number = make_id()
    customer = customer_create(
        actor=sales1a, data=CustomerInput(name="张三", mobile="13800138000", id_number=number)
    )
    assert customer_reveal(actor=sales1a, customer=customer, field="id_number") == number
    assert customer_reveal(actor=sales1a, customer=customer, field="mobile") == "+8613800138000"
    rows = AuditLog.objects.filter(action=AuditLog.Action.REVEAL, target_id=str(customer.pk))
    assert rows.count() == 2
    assert {r.detail["field"] for r in rows} == {"id_number", "mobile"}
    assert all(r.actor_id == sales1a.pk for r in rows)
    assert all(number not in r.summary for r in rows)


def test_reveal_refused(sales1a, sales2a, marketing):
    customer = customer_create(actor=sales1a, data=CustomerInput(name="张三", mobile="13800138000"))
    with pytest.raises(PermissionDenied):
        customer_reveal(actor=marketing, customer=customer, field="mobile")
    with pytest.raises(PermissionDenied):
        customer_reveal(actor=sales2a, customer=customer, field="mobile")  # out of scope
    with pytest.raises(ValidationFailed):
        customer_reveal(actor=sales1a, customer=customer, field="id_number_encrypted")
    assert not AuditLog.objects.filter(action=AuditLog.Action.REVEAL).exists()


# ------------------------------------------------------------------ duplicates (ARC-5)


@pytest.mark.parametrize(
    "notation", ["+86 138-0013-8000", "１３８００１３８０００", "008613800138000", "138 0013 8000"]
)
def test_same_mobile_in_any_notation(sales1a, sales2a, manager, notation):
    original = customer_create(
        actor=sales1a,
        data=CustomerInput(
            name="张三", mobile="13800138000", email="secret@example.com", city="秘密市"
        ),
    )
    before = counts()
    with pytest.raises(CustomerDuplicate) as info:
        customer_create(actor=sales2a, data=CustomerInput(name="王五", mobile=notation))
    assert counts() == before
    error = info.value
    message = str(error.message)
    assert "李明" in message  # the owner
    for secret in ("张三", "secret@example.com", "秘密市", "13800138000", str(original.pk)):
        assert secret not in message
    assert error.visible is False
    assert set(error.field_errors) == {"mobile"}
    with pytest.raises(CustomerDuplicate) as info:
        customer_create(actor=manager, data=CustomerInput(name="王五", mobile=notation))
    assert info.value.visible is True
    assert info.value.match_id == original.pk


@pytest.mark.parametrize(
    "name", ["星辰科技（北京）有限公司", "星辰科技", "北京星辰科技有限公司", "星辰科技有限责任公司"]
)
def test_same_organisation_name_fuzzily(sales1a, sales2a, name):
    customer_create(
        actor=sales1a, data=CustomerInput(name="北京星辰科技有限公司", kind="organisation")
    )
    before = counts()
    with pytest.raises(CustomerDuplicate) as info:
        customer_create(actor=sales2a, data=CustomerInput(name=name, kind="organisation"))
    assert set(info.value.field_errors) == {"name"}
    assert counts() == before


def test_different_organisations_and_persons_by_name_pass(sales1a):
    customer_create(
        actor=sales1a, data=CustomerInput(name="北京星辰科技有限公司", kind="organisation")
    )
    customer_create(
        actor=sales1a, data=CustomerInput(name="北京星河科技有限公司", kind="organisation")
    )
    # Two persons of the same name are different people.
    customer_create(actor=sales1a, data=CustomerInput(name="星辰科技"))
    customer_create(actor=sales1a, data=CustomerInput(name="星辰科技"))


def test_same_credit_code(sales1a, sales2a):
    customer_create(
        actor=sales1a,
        data=CustomerInput(name="甲公司", kind="organisation", credit_code="91350100M000100Y43"),
    )
    with pytest.raises(CustomerDuplicate) as info:
        customer_create(
            actor=sales2a,
            data=CustomerInput(
                name="乙公司", kind="organisation", credit_code="91350100m000100y43"
            ),
        )
    assert set(info.value.field_errors) == {"credit_code"}


def test_same_email_case_insensitive(sales1a, sales2a):
    customer_create(actor=sales1a, data=CustomerInput(name="张三", email="Zhang.San@Example.COM"))
    with pytest.raises(CustomerDuplicate) as info:
        customer_create(
            actor=sales2a, data=CustomerInput(name="李四", email=" zhang.san@example.com ")
        )
    assert set(info.value.field_errors) == {"email"}


def test_same_id_number(sales1a, sales2a):
    number = make_id()
    customer_create(actor=sales1a, data=CustomerInput(name="张三", id_number=number))
    with pytest.raises(CustomerDuplicate) as info:
        customer_create(actor=sales2a, data=CustomerInput(name="张叁", id_number=number.lower()))
    assert set(info.value.field_errors) == {"id_number"}
    assert number not in str(info.value.message)


def test_update_into_a_duplicate_refused(sales1a):
    customer_create(actor=sales1a, data=CustomerInput(name="张三", mobile="13800138000"))
    other = customer_create(actor=sales1a, data=CustomerInput(name="李四", mobile="13800138001"))
    with pytest.raises(CustomerDuplicate):
        customer_update(
            actor=sales1a,
            customer=other,
            data=CustomerInput(mobile="13800138000"),
            expected_version=1,
        )
    other.refresh_from_db()
    assert other.mobile == "+8613800138001"
    assert other.version == 1


def test_disabled_rule_allows_duplicates(sales1a):
    from guanxi.customers.models import DuplicateRule

    DuplicateRule.objects.filter(field="email").update(is_active=False)
    customer_create(actor=sales1a, data=CustomerInput(name="张三", email="a@example.com"))
    customer_create(actor=sales1a, data=CustomerInput(name="李四", email="a@example.com"))


@pytest.mark.parametrize("days_ahead", [1, 2, 400])
def test_a_birth_date_after_today_is_refused(days_ahead):
    from guanxi.customers.archive.validation import CustomerInput, clean_customer_input

    day = timezone.localdate() + dt.timedelta(days=days_ahead)
    with pytest.raises(ValidationFailed) as caught:
        clean_customer_input(CustomerInput(kind="person", name="张三", birth_date=day))
    assert set(caught.value.field_errors) == {"birth_date"}


@pytest.mark.parametrize("days_ago", [0, 1, 2, 9000])
def test_a_birth_date_of_today_or_before_is_kept(days_ago):
    from guanxi.customers.archive.validation import CustomerInput, clean_customer_input

    day = timezone.localdate() - dt.timedelta(days=days_ago)
    cleaned = clean_customer_input(CustomerInput(kind="person", name="张三", birth_date=day))
    assert cleaned["birth_date"] == day
