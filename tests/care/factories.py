"""Care data for tests (shared by the care areas: add, don't rewrite)."""

import factory

from guanxi.care.models import CareRule, CareTopic, MessageTemplate


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

    code = factory.Sequence(lambda n: f"test_topic_{n}")
    name = factory.Sequence(lambda n: f"测试回访{n}")


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
