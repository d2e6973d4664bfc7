"""Message templates are rendered in a sandbox (CARE-4, bad input): a template sees only
the whitelisted fields of the customer and the sender; anything else is refused on save
with a field error and renders nothing."""

import pytest
from django.urls import reverse

from guanxi.care.messages.sandbox import (
    surname_of,
    template_problems,
    template_render,
    template_values,
)
from guanxi.care.messages.services import TemplateData, template_save
from guanxi.care.models import MessageTemplate
from guanxi.core.errors import PermissionDenied, ValidationFailed

ATTACKS = [
    "{{ settings.SECRET_KEY }}",
    "{{ SECRET_KEY }}",
    "{{ settings }}",
    "{{ customer.owner.password }}",
    "{{ customer.delete }}",
    "{{ customer.__class__ }}",
    "{{ customer.name.upper }}",
    "{{ customers.0.name }}",
    "{{ customer.name|lower }}",
    "{% debug %}",
    "{% load static %}",
    "{# note #}",
    "您好{{ customer.surname",
    "您好 customer.surname }}",
]


@pytest.mark.parametrize("text", ATTACKS)
def test_anything_beyond_the_whitelist_is_a_problem_and_renders_nothing(
    text, make_customer, sales1a
):
    assert template_problems(text)
    customer = make_customer(sales1a, name="张三")
    rendered = template_render(text, template_values(customer=customer, sender=sales1a))
    assert "SECRET" not in rendered and "pbkdf2" not in rendered and "md5" not in rendered
    assert "<bound method" not in rendered and "class" not in rendered


@pytest.mark.parametrize("text", ATTACKS)
def test_saving_such_a_template_is_a_field_error_and_saves_nothing(text, marketing):
    with pytest.raises(ValidationFailed) as refused:
        template_save(
            actor=marketing,
            data=TemplateData(
                name="坏模板", channel="sms", purpose="service", subject="", body=text
            ),
        )
    assert "body" in refused.value.field_errors
    assert not MessageTemplate.objects.filter(name="坏模板").exists()


def test_a_good_template_renders_the_whitelisted_fields(make_customer, sales1a, marketing):
    template = template_save(
        actor=marketing,
        data=TemplateData(
            name="保养提醒",
            channel="sms",
            purpose="service",
            subject="",
            body=(
                "{{customer.surname}}{{ customer.title }}您好，顾问{{ customer.owner_name }}"
                "（{{ sender.name }} {{ sender.phone }}）"
            ),
        ),
    )
    customer = make_customer(sales1a, name="司马光", gender="M")
    text = template_render(template.body, template_values(customer=customer, sender=marketing))
    owner = sales1a.display_name or sales1a.username
    sender = marketing.display_name or marketing.username
    assert text == f"司马先生您好，顾问{owner}（{sender} {marketing.mobile}）"


def test_a_value_is_inserted_never_read_as_template(make_customer, sales1a):
    customer = make_customer(sales1a, name="{{ customer.owner_name }}")
    text = template_render("{{ customer.name }}", template_values(customer=customer, sender=None))
    assert text == "{{ customer.owner_name }}"


def test_surnames():
    assert surname_of("欧阳娜娜") == "欧阳"
    assert surname_of("王五") == "王"
    assert surname_of("John Smith") == "Smith"
    assert surname_of("") == ""


def test_templates_need_the_permission(sales1a):
    with pytest.raises(PermissionDenied):
        template_save(
            actor=sales1a,
            data=TemplateData(name="x", channel="sms", purpose="service", subject="", body="hi"),
        )


def test_the_editing_page_saves_and_previews_on_a_sample_customer(client_for, marketing):
    client = client_for(marketing)
    page = client.get(reverse("care:message_template_new"))
    assert page.status_code == 200
    preview = client.post(
        reverse("care:message_template_preview"),
        {"subject": "", "body": "{{ customer.surname }}{{ customer.title }}您好"},
    )
    assert "张先生您好" in preview.content.decode()
    bad = client.post(reverse("care:message_template_preview"), {"body": "{{ settings.DEBUG }}"})
    assert "settings.DEBUG" in bad.content.decode() and "alert-danger" in bad.content.decode()
    refused = client.post(
        reverse("care:message_template_new"),
        {"name": "坏", "channel": "sms", "purpose": "service", "body": "{{ settings.SECRET_KEY }}"},
    )
    assert refused.status_code == 422 and not MessageTemplate.objects.filter(name="坏").exists()
    saved = client.post(
        reverse("care:message_template_new"),
        {
            "name": "好",
            "channel": "sms",
            "purpose": "service",
            "body": "{{ customer.name }}您好",
            "active": "on",
        },
    )
    assert saved.status_code == 302
    assert MessageTemplate.objects.get(name="好").body == "{{ customer.name }}您好"


def test_the_pages_are_closed_to_consultants(client_for, sales1a):
    assert client_for(sales1a).get(reverse("care:message_templates")).status_code == 403


def test_the_shipped_touch_point_templates_pass_the_sandbox(db):
    """The care rules' shipped templates (care/0004) use only what the sandbox allows."""
    shipped = MessageTemplate.objects.exclude(code=None)
    assert shipped.exists()
    for template in shipped:
        assert template_problems(template.body) == [], template.code
        assert template_problems(template.subject) == [], template.code
