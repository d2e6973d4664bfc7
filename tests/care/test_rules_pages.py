"""Care rules pages and API (CARE-2): the touch-point table, the form's field errors, the
preview before a save or a switch-on (scoped), the permissions and the translations."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from guanxi.accounts.services import token_create
from guanxi.care.models import CareRule, CareTouch, Trigger
from guanxi.care.rules.selectors import rule_preview
from guanxi.care.rules.services import rule_create, rule_update
from guanxi.care.rules.validation import RuleInput
from guanxi.core.errors import ValidationFailed
from guanxi.core.models import AuditLog
from tests.care.factories import CareRuleFactory

pytestmark = pytest.mark.django_db


def api_client(client, user):
    _token, raw = token_create(user=user, name="tests")
    return Client(headers={"Authorization": f"Bearer {raw}", "Accept-Language": "en"})


def form_data(rule: CareRule, **changes):
    data = {
        "name": rule.name,
        "stage": rule.stage,
        "purpose": rule.purpose,
        "trigger": rule.trigger,
        "offset": str(rule.offset),
        "offset_unit": rule.offset_unit,
        "action": rule.action,
        "template": rule.template_id or "",
        "topic": rule.topic_id or "",
        "task_kind": rule.task_kind,
        "channel": rule.channel if rule.action == "task" else "",
        "assignee": rule.assignee,
        "implementer_role": rule.implementer_role_id or "",
        "supervisor_role": rule.supervisor_role_id or "",
        "param_days": (rule.params or {}).get("days", ""),
        "param_per_month": (rule.params or {}).get("per_month", ""),
        "param_dates": ", ".join((rule.params or {}).get("dates", [])),
        "param_within_hours": (rule.params or {}).get("within_hours", ""),
        "param_categories": (rule.params or {}).get("categories", []),
        "param_channels": (rule.params or {}).get("channels", []),
    }
    if rule.business_hours:
        data["business_hours"] = "on"
    if rule.enabled:
        data["enabled"] = "on"
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.mark.parametrize(
    ("user", "allowed"),
    [
        ("relations", True),
        ("admin", True),
        ("sales1a", False),
        ("manager", False),
        ("agent", False),
        ("marketing", False),
    ],
)
def test_who_may_see_and_change_rules(org, client_for, user, allowed):
    client = client_for(org[user])
    rule = CareRule.objects.get(code="visit_thanks")
    pages = [
        reverse("care:rule_list"),
        reverse("care:rule_edit", args=[rule.pk]),
        reverse("care:rule_switch", args=[rule.pk]),
        reverse("care:rule_create"),
    ]
    for url in pages:
        assert client.get(url).status_code == (200 if allowed else 403), url
    response = client.post(reverse("care:rule_switch", args=[rule.pk]), {"enabled": "0"})
    rule.refresh_from_db()
    assert rule.enabled is not allowed
    if not allowed:
        assert response.status_code == 403
    navbar = client.get(reverse("pipeline:worklist")).content.decode()
    assert (reverse("care:rule_list") in navbar) is allowed


def test_list_is_the_seed_table(client_for, relations):
    with translation.override("zh-hans"):
        page = client_for(relations).get(reverse("care:rule_list"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = page.content.decode()
    for words in ("维系环节", "实施人", "监督人", "交车前72小时提醒顾客做好准备", "维护成交客户"):
        assert words in text


def test_form_refuses_bad_input_with_field_errors_and_saves_nothing(client_for, relations):
    rule = CareRule.objects.get(code="delivery_72h_before")
    client = client_for(relations)
    url = reverse("care:rule_edit", args=[rule.pk])
    before = CareRule.objects.filter(pk=rule.pk).values().get()
    cases = [
        ({"offset": "3天"}, "offset"),
        ({"offset": "99999"}, "offset"),
        ({"trigger": "moon_phase"}, "trigger"),
        ({"template": ""}, "template"),
        ({"action": "task", "task_kind": "visit", "topic": ""}, "topic"),
        ({"trigger": "no_contact", "param_days": ""}, "param_days"),
        ({"trigger": "holiday", "param_dates": "13-45"}, "param_dates"),
        ({"trigger": "upkeep", "param_per_month": "zero"}, "param_per_month"),
        (
            {"action": "task", "task_kind": "call", "assignee": "role", "assignee_role": ""},
            "assignee_role",
        ),
    ]
    for changes, field in cases:
        for step in ("preview", "save"):
            response = client.post(url, form_data(rule, step=step, **changes))
            assert response.status_code == 422, (changes, step)
            assert field in response.context["form"].errors, (
                changes,
                response.context["form"].errors,
            )
    assert CareRule.objects.filter(pk=rule.pk).values().get() == before


def test_preview_then_save_is_audited(client_for, relations):
    rule = CareRule.objects.get(code="birthday_greeting")
    client = client_for(relations)
    url = reverse("care:rule_edit", args=[rule.pk])
    response = client.post(url, form_data(rule, step="preview", offset="-1", offset_unit="days"))
    assert response.status_code == 200 and response.context["preview"] is not None
    assert "预览" in response.content.decode() or "Preview" in response.content.decode()
    rule.refresh_from_db()
    assert rule.offset == 0  # a preview saves nothing
    response = client.post(url, form_data(rule, step="save", offset="-1", offset_unit="days"))
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.offset == -1
    entry = AuditLog.objects.filter(action="care.rule_update").latest("id")
    assert entry.detail["changes"]["offset"] == [0, -1]


def test_new_rule(client_for, relations):
    client = client_for(relations)
    template = CareRule.objects.get(code="birthday_greeting").template
    data = {
        "name": "保险到期提醒",
        "trigger": "warranty_ending",
        "offset": "-30",
        "offset_unit": "days",
        "action": "message",
        "template": template.pk,
        "assignee": "owner",
        "step": "save",
    }
    assert client.post(reverse("care:rule_create"), data).status_code == 302
    created = CareRule.objects.get(name="保险到期提醒")
    assert created.offset == -30 and not created.enabled and created.channel == "sms"


def test_switch_on_shows_the_preview_first(client_for, relations, sales1a, make_customer):
    rule = CareRule.objects.get(code="birthday_greeting")
    rule.enabled = False
    rule.params = {}
    rule.save()
    in_three = timezone.localdate() + dt.timedelta(days=3)
    make_customer(sales1a, name="寿星", birth_date=in_three.replace(year=1990))
    client = client_for(relations)
    page = client.get(reverse("care:rule_switch", args=[rule.pk]))
    assert page.status_code == 200
    preview = page.context["preview"]
    assert preview.total == 1 and [c.name for c in preview.sample] == ["寿星"]
    rule.refresh_from_db()
    assert not rule.enabled
    client.post(reverse("care:rule_switch", args=[rule.pk]), {"enabled": "1"})
    rule.refresh_from_db()
    assert rule.enabled


def test_preview_counts_only_customers_the_user_may_see(sales1a, sales2a, relations, make_customer):
    rule = CareRuleFactory(trigger=Trigger.BIRTHDAY, enabled=False)
    today = timezone.localdate()
    make_customer(sales1a, name="甲", birth_date=today.replace(year=1990))
    make_customer(sales2a, name="乙", birth_date=today.replace(year=1991))
    assert rule_preview(user=relations, rule=rule).total == 2
    rule.params = {}
    # a consultant's scope is their own customers (the preview needs care.rules, so the
    # scope is checked through the selector's filter with a relations-like grant)
    from guanxi.accounts.models import Role

    role = Role.objects.get(code="consultant")
    role.permissions = [*role.permissions, "care.rules"]
    role.save()
    sales1a.refresh_from_db()
    preview = rule_preview(user=sales1a, rule=rule)
    assert preview.total == 1 and [c.name for c in preview.sample] == ["甲"]


def test_preview_excludes_what_was_already_recorded(sales1a, relations, make_customer):
    rule = CareRuleFactory(trigger=Trigger.BIRTHDAY)
    today = timezone.localdate()
    customer = make_customer(sales1a, name="甲", birth_date=today.replace(year=1990))
    CareTouch.objects.create(
        rule=rule,
        customer=customer,
        occurrence=f"birthday:{today.year}",
        due_at=timezone.now() - dt.timedelta(hours=1),
        status=CareTouch.Status.DONE,
    )
    assert rule_preview(user=relations, rule=rule).total == 0


def test_api_read_and_preview(client, relations, sales1a):
    api = api_client(client, relations)
    listed = api.get("/api/v1/care/rules?limit=5").json()
    assert len(listed["items"]) == 5 and listed["next_cursor"]
    rest = api.get(f"/api/v1/care/rules?limit=100&cursor={listed['next_cursor']}").json()
    codes = [row["code"] for row in listed["items"] + rest["items"]]
    assert "e_class_upkeep" in codes and len(codes) == len(set(codes))
    rule = CareRule.objects.get(code="e_class_upkeep")
    detail = api.get(f"/api/v1/care/rules/{rule.pk}").json()
    assert detail["params"]["per_month"] == 2 and detail["implementer_role"]["id"]
    preview = api.get(f"/api/v1/care/rules/{rule.pk}/preview").json()
    assert len(preview["days"]) == 7 and "sample" in preview
    bad = api.get(f"/api/v1/care/rules/{rule.pk}/preview?offset=abc&trigger=moon")
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) >= {"offset", "trigger"}
    event_rule = CareRule.objects.get(code="visit_thanks")
    preview = api.get(f"/api/v1/care/rules/{event_rule.pk}/preview").json()
    assert preview["estimate_last_week"] is not None
    assert api.get("/api/v1/care/rules/999999").status_code == 404
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/care/rules/{rule_id}/preview" in schema["paths"]


def test_api_refuses_users_without_the_permission(client, sales1a):
    api = api_client(client, sales1a)
    assert api.get("/api/v1/care/rules").status_code == 403
    rule = CareRule.objects.get(code="visit_thanks")
    assert api.get(f"/api/v1/care/rules/{rule.pk}/preview").status_code == 403


def test_weather_button(client_for, relations, sales1a, make_customer):
    make_customer(sales1a, name="杭州客户", city="杭州")
    make_customer(sales1a, name="北京客户", city="北京")
    client = client_for(relations)
    client.post(reverse("care:weather_issue"), {"city": "杭州"})
    rule = CareRule.objects.get(code="weather_notice")
    assert list(CareTouch.objects.filter(rule=rule).values_list("customer__city", flat=True)) == [
        "杭州"
    ]


def test_field_errors_and_headers_in_chinese(client_for, relations):
    relations.language = "zh-hans"
    relations.save(update_fields=["language"])
    rule = CareRule.objects.get(code="delivery_72h_before")
    client = client_for(relations)
    page = client.get(reverse("care:rule_list")).content.decode()
    assert "维系规则" in page and "停用" in page
    response = client.post(
        reverse("care:rule_edit", args=[rule.pk]), form_data(rule, step="save", offset="三天")
    )
    text = response.content.decode()
    assert "负数表示在触发之前" in text  # the offset's field error, in Chinese


def test_api_field_errors_in_chinese(relations):
    _token, raw = token_create(user=relations, name="tests")
    api = Client(headers={"Authorization": f"Bearer {raw}", "Accept-Language": "zh-hans"})
    rule = CareRule.objects.get(code="e_class_upkeep")
    answer = api.get(f"/api/v1/care/rules/{rule.pk}/preview?trigger=moon").json()
    assert answer["errors"]["trigger"] == ["请从列表中选择触发条件。"]


def test_rule_input_with_only_enabled_changes_only_that(relations):
    rule = CareRule.objects.get(code="birthday_greeting")
    rule.enabled = False
    rule.save()
    before = CareRule.objects.filter(pk=rule.pk).values().get()
    rule_update(actor=relations, rule=rule, data=RuleInput(enabled=True))
    after = CareRule.objects.filter(pk=rule.pk).values().get()
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {"enabled", "updated_at"}
    entry = AuditLog.objects.filter(action="care.rule_update").latest("id")
    assert entry.detail["changes"] == {"enabled": [False, True]}


def test_rule_input_none_is_a_value_and_unset_is_not_given(relations):
    rule = CareRule.objects.get(code="birthday_greeting")
    assert RuleInput(enabled=False, template=None).given() == {"enabled": False, "template": None}
    with pytest.raises(ValidationFailed) as refused:
        rule_update(actor=relations, rule=rule, data=RuleInput(template=None))
    assert set(refused.value.field_errors) == {"template"}  # a message needs one


def test_rule_create_from_an_input(relations):
    template = CareRule.objects.get(code="birthday_greeting").template
    data = RuleInput(
        name="保险到期提醒",
        trigger="warranty_ending",
        offset=-30,
        offset_unit="days",
        action="message",
        template=template,
        assignee="owner",
    )
    created = rule_create(actor=relations, data=data)
    assert created.offset == -30 and not created.enabled and created.template == template


def test_codes_given_in_another_order_are_no_change(relations):
    rule = CareRule.objects.get(code="visit_thanks")
    assert rule.params["channels"] == ["showroom", "visit"]
    rule_update(
        actor=relations,
        rule=rule,
        data=RuleInput(name="到店感谢短信", params={"channels": ["visit", "showroom"]}),
    )
    rule.refresh_from_db()
    assert rule.params == {"channels": ["showroom", "visit"]}
    entry = AuditLog.objects.filter(action="care.rule_update").latest("id")
    assert set(entry.detail["changes"]) == {"name"}
    rule_update(actor=relations, rule=rule, data=RuleInput(params={"channels": ["visit"]}))
    rule.refresh_from_db()
    assert rule.params == {"channels": ["visit"]}
