"""Care records for tests (shared by the care areas: add, don't rewrite)."""

import factory

from guanxi.care.models import Channel, MessageTemplate, Purpose


class MessageTemplateFactory(factory.django.DjangoModelFactory):
    """A service e-mail template; MessageTemplateFactory(channel=..., purpose=..., body=...)."""

    class Meta:
        model = MessageTemplate

    name = factory.Sequence(lambda n: f"模板{n}")
    channel = Channel.EMAIL
    purpose = Purpose.SERVICE
    subject = "{{ customer.surname }}{{ customer.title }}，您好"
    body = "尊敬的{{ customer.surname }}{{ customer.title }}：您的顾问是{{ customer.owner_name }}。"
