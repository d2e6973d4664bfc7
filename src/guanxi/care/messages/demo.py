"""Demo data of messages (issue 14 §8), through the services: templates, a few consents,
and messages sent (to the console), failed and suppressed by the real send run."""

import datetime as dt
import random
import zoneinfo
from collections import Counter
from typing import Protocol

from django.conf import settings
from django.utils import timezone

from guanxi.accounts.models import User
from guanxi.care.messages.sending import messages_send_due
from guanxi.care.messages.services import (
    ConsentState,
    MessageNew,
    TemplateData,
    contact_preference_set,
    message_queue,
    notification_create,
    template_save,
)
from guanxi.care.models import Channel, MessageTemplate, Purpose
from guanxi.customers.models import Customer


class DemoCounts(Protocol):
    counts: Counter[str]


TEMPLATES = [
    (
        "visit_thanks",
        "到店感谢",
        Channel.SMS,
        Purpose.SERVICE,
        "",
        "{{ customer.surname }}{{ customer.title }}您好，感谢您今天到店，"
        "有任何问题请联系您的顾问{{ customer.owner_name }}。",
    ),
    (
        "delivery-thanks",
        "交车感谢",
        Channel.EMAIL,
        Purpose.SERVICE,
        "{{ customer.surname }}{{ customer.title }}，感谢您选择我们",
        "尊敬的{{ customer.surname }}{{ customer.title }}：\n恭喜您喜提爱车！首次保养请在 3 个月内"
        "到店。\n您的顾问：{{ customer.owner_name }}",
    ),
    (
        "maintenance",
        "保养提醒",
        Channel.SMS,
        Purpose.SERVICE,
        "",
        "{{ customer.surname }}{{ customer.title }}您好，您的爱车即将到保养时间，"
        "预约请联系您的顾问{{ customer.owner_name }}。",
    ),
    (
        "club_invitation",
        "车友会邀请",
        Channel.SMS,
        Purpose.MARKETING,
        "",
        "{{ customer.surname }}{{ customer.title }}，诚邀您参加本月车友会自驾活动，名额有限。",
    ),
]


def seed_messages(*, rng: random.Random, stats: DemoCounts) -> None:
    admin = User.objects.get(username="admin")
    marketing = User.objects.filter(username="marketing").first() or admin
    templates = []
    for code, name, channel, purpose, subject, body in TEMPLATES:
        existing = MessageTemplate.objects.filter(code=code).first()
        if existing is not None:
            # a touch point's template shipped by care/0004: the demo sends it as it is
            templates.append(existing)
            continue
        templates.append(
            template_save(
                actor=admin,
                template=existing,
                data=TemplateData(
                    code=code,
                    name=name,
                    channel=channel,
                    purpose=purpose,
                    subject=subject,
                    body=body,
                ),
            )
        )
    stats.counts["message templates"] += len(templates)
    customers = list(
        Customer.objects.filter(deleted_at__isnull=True, kind=Customer.Kind.PERSON)
        .exclude(owner=None)
        .order_by("id")[:200]
    )
    if not customers:
        return
    picked = rng.sample(customers, min(60, len(customers)))
    for customer in picked[:12]:
        contact_preference_set(
            actor=marketing,
            customer=customer,
            state=ConsentState(
                marketing_sms=True,
                marketing_email=bool(customer.email),
                note="到店登记时签署营销信息同意书",
            ),
        )
        stats.counts["consents"] += 1
    for customer in picked[12:16]:
        contact_preference_set(
            actor=marketing, customer=customer, state=ConsentState(do_not_disturb=True)
        )
        stats.counts["consents"] += 1
    for n, customer in enumerate(picked):
        template = templates[n % len(templates)]
        message_queue(
            new=MessageNew(
                customer=customer,
                template=template,
                sender=customer.owner,
                dedup_key=f"demo:{template.code}:{customer.pk}",
            )
        )
    # judged as at 10:00 today, outside the quiet hours, so the demo shows sent messages
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    ten = dt.datetime.combine(timezone.localdate(), dt.time(10), tzinfo=tz)
    run = messages_send_due(time_limit=120, decide_at=ten)
    stats.counts["messages sent"] += run.sent
    stats.counts["messages suppressed"] += run.suppressed
    stats.counts["messages failed"] += run.failed
    for user in User.objects.filter(username__in=["sales1a", "relations", "manager"]):
        notification_create(
            user=user,
            title="欢迎使用消息中心",
            body="客户消息的发送记录、模板和通知都在“消息”菜单里。",
            dedup_key=f"demo:welcome:{user.pk}",
        )
        stats.counts["notifications"] += 1
