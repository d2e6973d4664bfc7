"""After-sales care records for tests. Tasks, 回访 and spot checks a test acts on are made
through the care services (timeline, scope columns and checks as the application makes them);
the *Row factories write stored rows directly, for hand-picked states."""

import datetime as dt

import factory
from django.utils import timezone

from guanxi.care.models import (
    CareRule,
    CareTask,
    CareTopic,
    Channel,
    InstalledAsset,
    MessageTemplate,
    Purpose,
    Reception,
)
from guanxi.care.reception.services import ReceptionInput, reception_log
from guanxi.care.visits import services as visits
from guanxi.pipeline.models import FollowUp


class MessageTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MessageTemplate

    code = factory.Sequence(lambda n: f"test_template_{n}")
    name = factory.Sequence(lambda n: f"测试模板{n}")
    channel = "sms"
    body = "{{ customer.surname }}您好"


class CareTopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CareTopic

    code = factory.Sequence(lambda n: f"topic_{n}")
    name = factory.Sequence(lambda n: f"回访主题{n}")
    name_en = factory.Sequence(lambda n: f"Topic {n}")
    scored = True
    questions = factory.LazyFunction(
        lambda: [
            {"key": "happy", "text": "您满意吗?", "text_en": "Are you happy?"},
            {"key": "issues", "text": "有什么问题吗?", "text_en": "Any problems?"},
        ]
    )


def make_visit(actor, customer, *, topic=None, due_in_hours=24, assignee=None, **fields):
    """A 回访 planned by hand through care_visit_create (due `due_in_hours` from now)."""
    return visits.care_visit_create(
        actor=actor,
        new=visits.VisitNew(
            customer_id=customer.pk,
            topic_id=topic.pk if topic else None,
            due_at=timezone.now() + dt.timedelta(hours=due_in_hours),
            assignee_id=assignee.pk if assignee else None,
            **fields,
        ),
    )


def do_visit(actor, task, *, outcome="reached", **fields):
    return visits.care_visit_do(
        actor=actor, task_id=task.pk, record=visits.VisitRecord(outcome=outcome, **fields)
    )


class CareTaskRowFactory(factory.django.DjangoModelFactory):
    """A stored task row for a given customer and assignee (for lists and counts)."""

    class Meta:
        model = CareTask

    title = "回访"
    kind = CareTask.Kind.VISIT
    due_at = factory.LazyFunction(timezone.now)
    department_id = factory.LazyAttribute(
        lambda o: o.assignee.department_id if o.assignee else None
    )


class FollowUpRowFactory(factory.django.DjangoModelFactory):
    """A follow-up logged by `user` at `at` (spot checks draw from these)."""

    class Meta:
        model = FollowUp

    channel = FollowUp.Channel.PHONE
    content = "电话跟进"
    department_id = factory.LazyAttribute(lambda o: o.user.department_id)


class ReceptionFactory(factory.Factory):
    """ReceptionFactory(actor=user, channel=..., customer=None, **fields) via reception_log."""

    class Meta:
        model = Reception

    actor = None
    customer = None
    channel = Reception.Channel.WALK_IN
    visitor_name = "刘先生"
    need = "看看新款"

    @classmethod
    def _create(cls, model_class, *, actor, customer=None, **fields):
        return reception_log(actor=actor, customer=customer, data=ReceptionInput(**fields))


class AssetRowFactory(factory.django.DjangoModelFactory):
    """A stored installed-base row (for reads); writes go through assets.services."""

    class Meta:
        model = InstalledAsset

    product_name = "标准版"
    serial = factory.Sequence(lambda n: f"VIN{n:014d}")


class CareRuleFactory(factory.django.DjangoModelFactory):
    """A switched-on rule; a message rule by default (give `action="task"` and a topic for a
    回访). The shipped rules are there too: tests that count touches switch them off."""

    class Meta:
        model = CareRule

    code = factory.Sequence(lambda n: f"test_rule_{n}")
    name = factory.Sequence(lambda n: f"测试规则{n}")
    trigger = "contract_signed"
    action = "message"
    channel = "sms"
    template = factory.SubFactory(MessageTemplateFactory)
    enabled = True


class EmailTemplateFactory(factory.django.DjangoModelFactory):
    """A service e-mail template; EmailTemplateFactory(channel=..., purpose=..., body=...)."""

    class Meta:
        model = MessageTemplate

    name = factory.Sequence(lambda n: f"模板{n}")
    channel = Channel.EMAIL
    purpose = Purpose.SERVICE
    subject = "{{ customer.surname }}{{ customer.title }}，您好"
    body = "尊敬的{{ customer.surname }}{{ customer.title }}：您的顾问是{{ customer.owner_name }}。"
