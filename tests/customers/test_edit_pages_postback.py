"""The customer pages' edit forms, opened and saved unchanged as a browser does it
(tests/postback.py): the page takes them and nothing changes."""

import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse

from guanxi.customers.archive.services import contact_create, customer_set_tags
from guanxi.customers.archive.validation import ContactInput
from guanxi.customers.configuration import services as settings_services
from guanxi.customers.models import Contact, CustomerTag, CustomFieldDefinition, Industry, Source
from tests.customers.factories import CustomerFactory
from tests.postback import LANGUAGES, EditPage, save_unchanged

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOTES = "第一行\n第二行：<b>不是标记</b> & 符号"


def _custom_fields(admin):
    """One custom field of every type, so that the customer form shows every kind of input."""
    made = {}
    for field_type, key, choices in [
        ("text", "wechat_group", []),
        ("number", "budget", []),
        ("date", "renewal_on", []),
        ("choice", "tier", ["金卡", "银卡", "普通"]),
        ("boolean", "vip", []),
    ]:
        made[key] = settings_services.custom_field_create(
            actor=admin,
            data=settings_services.CustomFieldInput(
                key=key,
                label=f"字段 {key}",
                field_type=field_type,
                choices=choices,
                sort_order=len(made),
            ),
        )
    return made


def _full_person(org, *, source=None):
    _custom_fields(org["admin"])
    customer = CustomerFactory(
        owner=org["sales1a"],
        name="王小明",
        gender="F",
        birth_date=dt.date(1949, 12, 31),
        id_number="11010519491231002X",
        occupation="工程师",
        mobile="13800138000",
        home_phone="010-62345678",
        office_phone="021-61234567",
        fax="0755-26123456",
        email="wang@example.com",
        wechat="wxm1985",
        home_address="北京市海淀区中关村大街1号",
        home_postcode="100080",
        work_address="上海市浦东新区世纪大道100号",
        work_postcode="200120",
        province="北京",
        city="北京",
        industry=Industry.objects.order_by("pk").last(),
        source=source or Source.objects.filter(is_active=True).order_by("pk").last(),
        # recorded by the clock (an import, the API): the picker shows it to the minute
        first_contact_at=dt.datetime(2026, 3, 9, 14, 45, 31, 250000, tzinfo=SHANGHAI),
        first_contact_channel="phone",
        products_of_interest="空气净化器",
        level="important",
        visit_minutes=45,
        buyer_role="buyer",
        needs=NOTES,
        background="两行\n背景",
        notes="备注 'quoted' \"double\"",
        custom_data={
            "wechat_group": "华北客户群",
            "budget": "12500.50",
            "renewal_on": "2026-12-07",
            "tier": "银卡",
            "vip": True,
        },
    )
    customer_set_tags(actor=org["sales1a"], customer=customer, tags=["老客户", "华北"])
    return customer


def _customer_page(org, customer) -> EditPage:
    return EditPage(
        user=org["sales1a"],
        url=reverse("customers:edit", args=[customer.pk]),
        records=[customer, CustomerTag.objects.filter(customer=customer)],
    )


def customer_person(org) -> EditPage:
    return _customer_page(org, _full_person(org))


def customer_organisation(org) -> EditPage:
    _custom_fields(org["admin"])
    customer = CustomerFactory(
        owner=org["sales1a"],
        kind="organisation",
        name="北京示例科技有限公司",
        credit_code="91350100M000100Y43",
        scale="medium",
        mobile="13900139000",
        email="office@example.cn",
        industry=Industry.objects.order_by("pk").first(),
        source=Source.objects.filter(is_active=True).order_by("pk").first(),
        level="key",
        notes=NOTES,
        custom_data={"tier": "金卡", "vip": False, "budget": "8"},
    )
    return _customer_page(org, customer)


def customer_from_a_retired_source(org) -> EditPage:
    """The lead source was switched off after the customer came from it."""
    source = Source.objects.filter(is_active=True).order_by("pk").first()
    customer = _full_person(org, source=source)
    Source.objects.filter(pk=source.pk).update(is_active=False)
    return _customer_page(org, customer)


def customer_with_a_retired_custom_field(org) -> EditPage:
    """A custom field was switched off after the customer's value was written: the form does
    not show it, and saving the form keeps it."""
    customer = _full_person(org)
    CustomFieldDefinition.objects.filter(key="wechat_group").update(is_active=False)
    return _customer_page(org, customer)


def contact(org) -> EditPage:
    customer = CustomerFactory(owner=org["sales1a"], name="联系人客户")
    person = contact_create(
        actor=org["sales1a"],
        customer=customer,
        data=ContactInput(
            name="赵采购",
            title="采购经理",
            is_decision_maker=True,
            mobile="13700137000",
            phone="010-87654321",
            email="zhao@example.com",
            wechat="zhaocg",
            notes="周二下午方便\n电话先打座机",
        ),
    )
    return EditPage(
        user=org["sales1a"],
        url=f"{reverse('customers:detail', args=[customer.pk])}?tab=contacts",
        form={"action": reverse("customers:contact_edit", args=[customer.pk, person.pk])},
        records=[Contact.objects.get(pk=person.pk)],
    )


def custom_field(org) -> EditPage:
    field = _custom_fields(org["admin"])["tier"]
    CustomFieldDefinition.objects.filter(pk=field.pk).update(
        required=True, applies_to="person", sort_order=7
    )
    return EditPage(
        user=org["admin"],
        url=reverse("customer_settings:custom_field_edit", args=[field.pk]),
        records=[field],
    )


def tag(org) -> EditPage:
    made = settings_services.tag_create(actor=org["admin"], name="重点跟进", color="orange")
    return EditPage(
        user=org["admin"],
        url=reverse("customer_settings:tag_edit", args=[made.pk]),
        records=[made],
    )


def source(org) -> EditPage:
    made = settings_services.source_create(
        actor=org["admin"],
        data=settings_services.SourceInput(
            code="trade_fair",
            name="展会",
            name_en="Trade fair",
            group="offline",
            sort_order=12,
            is_active=True,
        ),
    )
    return EditPage(
        user=org["admin"],
        url=reverse("customer_settings:source_edit", args=[made.pk]),
        records=[made],
    )


PAGES = [
    customer_person,
    customer_organisation,
    customer_from_a_retired_source,
    customer_with_a_retired_custom_field,
    contact,
    custom_field,
    tag,
    source,
]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("make_page", PAGES, ids=lambda make: make.__name__)
def test_an_edit_page_saved_unchanged_changes_nothing(org, make_page, language):
    save_unchanged(make_page(org), language=language)
