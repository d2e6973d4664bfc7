"""The care pages' edit forms, opened and saved unchanged as a browser does it
(tests/postback.py): the page takes them and nothing changes."""

import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse

from guanxi.accounts.models import Department, Role
from guanxi.care.assets.services import AssetInput, asset_create
from guanxi.care.messages import services as messages
from guanxi.care.models import (
    CareRule,
    CareTopic,
    ContactPreference,
    InstalledAsset,
    MessageTemplate,
    Reception,
    SpotCheckSettings,
)
from guanxi.care.rules.services import rule_create
from guanxi.care.rules.validation import RuleInput
from guanxi.care.visits import services as visits
from guanxi.pipeline.models import Stage
from tests.care.factories import CareTopicFactory, MessageTemplateFactory, ReceptionFactory
from tests.customers.factories import CustomerFactory
from tests.postback import LANGUAGES, EditPage, save_unchanged
from tests.sales.factories import ProductFactory

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def _rule_page(org, rule) -> EditPage:
    """Saving a rule is two steps: its preview, then Save on the page the preview answers."""
    return EditPage(
        user=org["admin"],
        url=reverse("care:rule_edit", args=[rule.pk]),
        records=[CareRule.objects.get(pk=rule.pk)],
        submitter="preview",
        then=("save",),
    )


def rule_message(org) -> EditPage:
    template = MessageTemplateFactory(name="生日祝福", body="{{ customer.surname }}，生日快乐！")
    rule = rule_create(
        actor=org["admin"],
        data=RuleInput(
            name="生日短信",
            name_en="Birthday SMS",
            stage="售后",
            purpose="关怀",
            trigger="birthday",
            offset="-2",
            offset_unit="days",
            business_hours=True,
            action="message",
            channel="sms",
            template=template,
            params={"categories": ["actual", "target"]},
            enabled=True,
        ),
    )
    return _rule_page(org, rule)


def rule_task(org) -> EditPage:
    topic = CareTopicFactory()
    role = Role.objects.order_by("pk").first()
    rule = rule_create(
        actor=org["admin"],
        data=RuleInput(
            name="久未联系回访",
            trigger="no_contact",
            offset="0",
            offset_unit="hours",
            action="task",
            channel="phone",
            topic=topic,
            task_kind="visit",
            assignee="role",
            assignee_role=role,
            assignee_department=Department.objects.get(name="客户关系部"),
            implementer_role=role,
            supervisor_role=Role.objects.order_by("pk").last(),
            params={
                "days": 30,
                "within_hours": 48,
                "stages": [s.code for s in Stage.objects.order_by("order")[:2]],
                "channels": ["phone", "visit"],
            },
            enabled=False,
        ),
    )
    return _rule_page(org, rule)


def message_template(org) -> EditPage:
    template = messages.template_save(
        actor=org["admin"],
        template=None,
        data=messages.TemplateData(
            name="回访邀请",
            code="visit_invite",
            channel="email",
            purpose="marketing",
            subject="{{ customer.surname }}{{ customer.title }}，邀请您回店",
            body="尊敬的{{ customer.surname }}：\n本周末有活动。\n<b>欢迎</b> & 光临",
            active=True,
        ),
    )
    return EditPage(
        user=org["admin"],
        url=reverse("care:message_template", args=[template.pk]),
        records=[MessageTemplate.objects.get(pk=template.pk)],
    )


def topic(org) -> EditPage:
    made = visits.care_topic_save(
        actor=org["admin"],
        data=visits.TopicInput(
            code="after_delivery",
            name="交车回访",
            name_en="After delivery",
            scored=True,
            active=True,
            sort_order=3,
            questions=[
                visits.TopicQuestion(text="车辆使用是否满意？", text_en="Happy with the car?"),
                visits.TopicQuestion(text="销售顾问服务如何？", text_en=""),
            ],
        ),
    )
    return EditPage(
        user=org["admin"],
        url=reverse("care:topic_edit", args=[made.pk]),
        records=[CareTopic.objects.get(pk=made.pk)],
    )


def spot_check_settings(org) -> EditPage:
    visits.spot_check_settings_set(actor=org["admin"], sample_size=7)
    return EditPage(
        user=org["admin"],
        url=reverse("care:spot_checks"),
        form={"action": reverse("care:spot_check_settings")},
        records=[SpotCheckSettings.objects.get(pk=1)],
    )


def reception(org) -> EditPage:
    entry = ReceptionFactory(
        actor=org["sales1a"],
        channel="phone",
        at=dt.datetime(2026, 11, 20, 9, 30, 15, 123456, tzinfo=SHANGHAI),
        visitor_name="周女士",
        phone="13600136000",
        party_size=3,
        need="想了解新款",
        product_interest="空气净化器",
        demo=True,
        demo_minutes=20,
        stay_minutes=45,
        notes="下周再来",
    )
    return EditPage(
        user=org["sales1a"],
        url=reverse("care:reception_edit", args=[entry.pk]),
        records=[Reception.objects.get(pk=entry.pk)],
    )


def _asset(org, *, retired_product: bool):
    product = ProductFactory(code="AS-1", name="净水器", unit="台")
    customer = CustomerFactory(owner=org["sales1a"], name="设备客户")
    asset = asset_create(
        actor=org["sales1a"],
        customer=customer,
        data=AssetInput(
            product=product,
            product_name="净水器 W2",
            serial="SN2026120700001",
            user_name="孙师傅",
            user_phone="13500135000",
            purchased_on=dt.date(2026, 1, 5),
            delivered_on=dt.date(2026, 1, 8),
            warranty_ends_on=dt.date(2028, 1, 7),
            last_maintenance_on=dt.date(2026, 7, 1),
            next_maintenance_on=dt.date(2027, 1, 1),
            documents=["invoice", "warranty"],
            notes="安装在厨房",
        ),
    )
    if retired_product:
        product.active = False
        product.save()
    return EditPage(
        user=org["sales1a"],
        url=reverse("care:asset_edit", args=[asset.pk]),
        records=[InstalledAsset.objects.get(pk=asset.pk)],
    )


def asset(org) -> EditPage:
    return _asset(org, retired_product=False)


def asset_of_a_retired_product(org) -> EditPage:
    return _asset(org, retired_product=True)


def consent(org) -> EditPage:
    customer = CustomerFactory(owner=org["sales1a"], name="同意客户", email="c@example.com")
    messages.contact_preference_set(
        actor=org["relations"],
        customer=customer,
        state=messages.ConsentState(
            marketing_sms=True,
            marketing_email=False,
            do_not_disturb=False,
            sms_unsubscribed=False,
            email_unsubscribed=True,
            quiet_from=dt.time(22, 30),
            quiet_until=dt.time(7, 45),
            note="门店登记表勾选同意",
        ),
    )
    return EditPage(
        user=org["relations"],
        url=reverse("care:customer_messages", args=[customer.pk]),
        form={"action": reverse("care:consent_save", args=[customer.pk])},
        records=[ContactPreference.objects.get(customer=customer)],
        panel=True,
    )


PAGES = [
    rule_message,
    rule_task,
    message_template,
    topic,
    spot_check_settings,
    reception,
    asset,
    asset_of_a_retired_product,
    consent,
]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("make_page", PAGES, ids=lambda make: make.__name__)
def test_an_edit_page_saved_unchanged_changes_nothing(org, make_page, language):
    save_unchanged(make_page(org), language=language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_shipped_care_rule_saved_unchanged_changes_nothing(org, language):
    """The rules Guanxi ships are the ones users open first."""
    shipped = list(CareRule.objects.exclude(code="").order_by("pk"))
    assert shipped
    for rule in shipped:
        save_unchanged(_rule_page(org, rule), language=language)
