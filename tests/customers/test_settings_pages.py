"""Customer-side configuration pages: custom fields, duplicate rules, tags, lead sources."""

import pytest

from guanxi.core.errors import Conflict, PermissionDenied, ValidationFailed
from guanxi.customers.archive.services import customer_create, customer_set_tags
from guanxi.customers.archive.validation import CustomerInput
from guanxi.customers.configuration import services
from guanxi.customers.errors import CustomerDuplicate
from guanxi.customers.models import (
    CustomerTag,
    CustomFieldDefinition,
    DedupKey,
    DuplicateRule,
    Source,
    Tag,
)

pytestmark = pytest.mark.django_db

BASE = "/accounts/admin"


def test_switching_a_rule_on_builds_keys_for_existing_customers(admin_user, sales1a, make_customer):
    DuplicateRule.objects.update_or_create(field="name_mobile", defaults={"is_active": False})
    make_customer(sales1a, name="张三", mobile="13900000001")
    make_customer(sales1a, name="李四", mobile="13900000002")
    assert not DedupKey.objects.filter(rule="name_mobile").exists()
    services.duplicate_rule_set_active(actor=admin_user, field="name_mobile", active=True)
    assert DedupKey.objects.filter(rule="name_mobile").count() == 2
    services.duplicate_rule_set_active(actor=admin_user, field="name_mobile", active=False)
    assert not DedupKey.objects.filter(rule="name_mobile").exists()
    assert not DuplicateRule.objects.get(field="name_mobile").is_active


def test_switching_a_rule_on_is_refused_when_customers_already_collide(
    admin_user, sales1a, sales2a, settings
):
    settings.LANGUAGE_CODE = "en"
    DuplicateRule.objects.filter(field="email").update(is_active=False)
    DedupKey.objects.filter(rule="email").delete()
    customer_create(actor=sales1a, data=CustomerInput(name="甲", email="same@example.com"))
    customer_create(actor=sales2a, data=CustomerInput(name="乙", email="SAME@example.com"))
    customer_create(actor=sales2a, data=CustomerInput(name="丙", email="other@example.com"))
    with pytest.raises(Conflict) as caught:
        services.duplicate_rule_set_active(actor=admin_user, field="email", active=True)
    assert "2" in str(caught.value.message) and "1 group" in str(caught.value.message)
    assert not DuplicateRule.objects.get(field="email").is_active
    assert not DedupKey.objects.filter(rule="email").exists()


def test_rule_switched_on_refuses_new_duplicates(admin_user, sales1a, sales2a):
    DuplicateRule.objects.update_or_create(field="name_mobile", defaults={"is_active": False})
    DuplicateRule.objects.filter(field="mobile").update(is_active=False)
    DedupKey.objects.filter(rule="mobile").delete()
    customer_create(actor=sales1a, data=CustomerInput(name="张三", mobile="13900000009"))
    services.duplicate_rule_set_active(actor=admin_user, field="name_mobile", active=True)
    with pytest.raises(CustomerDuplicate):
        customer_create(actor=sales2a, data=CustomerInput(name="张三", mobile="13900000009"))


def test_dedup_rebuild_is_idempotent(admin_user, sales1a, make_customer):
    make_customer(sales1a, name="张三")
    make_customer(sales1a, name="李四")
    before = sorted(DedupKey.objects.values_list("customer_id", "rule", "value"))
    services.dedup_rebuild()
    services.dedup_rebuild()
    assert sorted(DedupKey.objects.values_list("customer_id", "rule", "value")) == before


def test_duplicate_rule_page_toggle(client_for, admin_user, sales1a, make_customer):
    DuplicateRule.objects.update_or_create(field="name_mobile", defaults={"is_active": False})
    make_customer(sales1a, name="张三")
    client = client_for(admin_user)
    response = client.post(f"{BASE}/duplicate-rules/name_mobile/", {"active": "1"})
    assert response.status_code == 302
    assert DuplicateRule.objects.get(field="name_mobile").is_active
    assert DedupKey.objects.filter(rule="name_mobile").count() == 1
    assert client.get(f"{BASE}/duplicate-rules/name_mobile/").status_code == 405


def test_custom_field_create_and_edit(client_for, relations):
    client = client_for(relations)
    response = client.post(
        f"{BASE}/custom-fields/new/",
        {"key": "car_model", "label": "车型", "field_type": "choice", "choices": "A\nB\n\nA"},
    )
    assert response.status_code == 302
    field = CustomFieldDefinition.objects.get(key="car_model")
    assert field.choices == ["A", "B"] and field.is_active is False  # unchecked box
    response = client.post(
        f"{BASE}/custom-fields/{field.pk}/",
        {"label": "意向车型", "choices": "A\nB\nC", "is_active": "on", "required": "on"},
    )
    assert response.status_code == 302
    field.refresh_from_db()
    assert (field.label, field.choices, field.required, field.is_active) == (
        "意向车型",
        ["A", "B", "C"],
        True,
        True,
    )


def test_custom_field_bad_input_is_refused(client_for, relations):
    client = client_for(relations)
    response = client.post(
        f"{BASE}/custom-fields/new/", {"key": "Bad Key", "label": "x", "field_type": "text"}
    )
    assert response.status_code == 422
    response = client.post(
        f"{BASE}/custom-fields/new/", {"key": "pick", "label": "x", "field_type": "choice"}
    )
    assert response.status_code == 422
    assert response.context["form"].errors["choices"]
    assert not CustomFieldDefinition.objects.exists()


def test_tags_create_rename_delete(client_for, admin_user, sales1a, make_customer):
    client = client_for(admin_user)
    assert client.post(f"{BASE}/tags/new/", {"name": "VIP", "color": "red"}).status_code == 302
    tag = Tag.objects.get(name="VIP")
    assert client.post(f"{BASE}/tags/new/", {"name": "VIP", "color": "red"}).status_code == 422
    customer = make_customer(sales1a, name="张三")
    customer_set_tags(actor=sales1a, customer=customer, tags=[tag])
    response = client.post(f"{BASE}/tags/{tag.pk}/", {"name": "贵宾", "color": "green"})
    assert response.status_code == 302
    tag.refresh_from_db()
    assert (tag.name, tag.color) == ("贵宾", "green")
    assert client.post(f"{BASE}/tags/{tag.pk}/delete/").status_code == 302
    assert not Tag.objects.filter(pk=tag.pk).exists()
    assert not CustomerTag.objects.filter(customer=customer).exists()


def test_sources_create_and_edit(client_for, admin_user):
    client = client_for(admin_user)
    response = client.post(
        f"{BASE}/sources/new/", {"code": "douyin", "name": "抖音", "name_en": "Douyin"}
    )
    assert response.status_code == 302
    source = Source.objects.get(code="douyin")
    assert client.post(f"{BASE}/sources/new/", {"code": "douyin", "name": "x"}).status_code == 422
    response = client.post(
        f"{BASE}/sources/{source.pk}/", {"name": "抖音直播", "group": "online", "is_active": ""}
    )
    assert response.status_code == 302
    source.refresh_from_db()
    assert (source.name, source.group, source.is_active) == ("抖音直播", "online", False)
    response = client.post(f"{BASE}/sources/{source.pk}/", {"name": "抖音", "group": "tv"})
    assert response.status_code == 422
    source.refresh_from_db()
    assert source.group == "online"


def test_admin_lists_show_labels_not_codes(client_for, admin_user):
    # Issue 12 §4: the lists showed door_to_door, offline, role codes and colour names.
    client = client_for(admin_user)
    sources = client.get(f"{BASE}/sources/").content.decode()
    assert "线下" in sources and "door_to_door" not in sources and ">offline<" not in sources
    tags = client.get(f"{BASE}/tags/").content.decode()
    assert ">蓝色</option>" in tags and ">blue</option>" not in tags
    roles = client.get(f"{BASE}/roles/").content.decode()
    assert "销售顾问" in roles and "consultant" not in roles


def test_services_refuse_users_without_the_permission(sales1a):
    with pytest.raises(PermissionDenied):
        services.tag_create(actor=sales1a, name="x")
    with pytest.raises(PermissionDenied):
        services.duplicate_rule_set_active(actor=sales1a, field="email", active=False)
    assert not Tag.objects.filter(name="x").exists()


def test_unknown_rule_is_refused(admin_user):
    with pytest.raises(ValidationFailed):
        services.duplicate_rule_set_active(actor=admin_user, field="shoe_size", active=True)


def test_settings_pages_forbid_consultants_and_change_nothing(client_for, sales1a):
    client = client_for(sales1a)
    before = (Tag.objects.count(), Source.objects.count(), CustomFieldDefinition.objects.count())
    assert client.post(f"{BASE}/tags/new/", {"name": "x", "color": "red"}).status_code == 403
    assert client.post(f"{BASE}/sources/new/", {"code": "x", "name": "x"}).status_code == 403
    assert (
        client.post(
            f"{BASE}/custom-fields/new/", {"key": "x", "label": "x", "field_type": "text"}
        ).status_code
        == 403
    )
    assert (
        Tag.objects.count(),
        Source.objects.count(),
        CustomFieldDefinition.objects.count(),
    ) == before
