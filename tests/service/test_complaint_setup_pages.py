"""The complaints' set-up pages (CMP-1, CMP-2): categories and sub-items, routing rules, the SLA
grid and the settings, for service.complaint_setup (the administrator, customer relations)
only; each form saves through the set-up services, and bad input is a field error with
nothing changed."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from guanxi.service.complaints import services, setup_selectors
from guanxi.service.models import (
    ComplaintCategory,
    ComplaintRoute,
    ComplaintSettings,
    Severity,
    SlaTarget,
)
from tests.service.factories import category

pytestmark = pytest.mark.django_db

PAGES = {
    "service:complaint_setup": ([], "服务质量"),
    "service:complaint_setup_category_create": ([], 'name="code"'),
    "service:complaint_setup_routes": ([], 'name="to_department_id"'),
    "service:complaint_setup_sla": ([], "gx-sla-grid"),
    "service:complaint_setup_settings": ([], 'value="500.00"'),
}


def _url(name, *args):
    return reverse(name, args=args)


def _errors(response) -> dict:
    return response.context["form"].errors


@pytest.fixture
def admin(client_for, admin_user):
    return client_for(admin_user)


@pytest.mark.parametrize("name", PAGES)
def test_the_pages_show_the_set_up_to_the_administrator(admin, name):
    args, shown = PAGES[name]
    response = admin.get(_url(name, *args))
    assert response.status_code == 200
    html = response.content.decode()
    assert shown in html
    if name == "service:complaint_setup_sla":  # the shipped default: 2 h to respond, 24 to resolve
        text = setup_selectors.duration_text
        assert f"{text(120)} / {text(1440)}" in html


@pytest.mark.parametrize(
    "name",
    [
        *PAGES,
        "service:complaint_setup_item_create",
        "service:complaint_setup_category_edit",
    ],
)
def test_a_user_without_the_permission_gets_403(client_for, agent, name):
    args = [category().pk] if name.endswith(("item_create", "category_edit")) else []
    assert client_for(agent).get(_url(name, *args)).status_code == 403


def test_customer_relations_reaches_the_set_up_from_the_administration_home(client_for, relations):
    client = client_for(relations)
    home = client.get(reverse("accounts:admin_home"))
    assert home.status_code == 200
    assert reverse("service:complaint_setup") in home.content.decode()
    assert client.get(reverse("service:complaint_setup")).status_code == 200


def test_the_complaint_list_links_to_the_set_up_for_its_holders(client_for, relations, agent):
    url = reverse("service:complaint_setup")
    assert url in client_for(relations).get(reverse("service:complaint_list")).content.decode()
    assert url not in client_for(agent).get(reverse("service:complaint_list")).content.decode()


def test_the_administration_home_offers_no_set_up_to_a_manager(client_for, manager):
    response = client_for(manager).get(reverse("accounts:admin_home"))
    assert reverse("service:complaint_setup") not in response.content.decode()


# ---------------------------------------------------------------- categories


def test_the_tree_shows_inactive_categories_and_their_sub_items(admin):
    item = ComplaintCategory.objects.filter(parent=category("product_quality")).first()
    ComplaintCategory.objects.filter(pk=item.pk).update(active=False)
    html = admin.get(_url("service:complaint_setup")).content.decode()
    assert item.name in html and item.code in html
    assert f'id="gx-cat-{item.pk}" class=" text-secondary"' in html


def test_a_new_category_and_a_sub_item(admin):
    response = admin.post(
        _url("service:complaint_setup_category_create"),
        {"code": "late-delivery", "name": "交车延迟", "name_en": "Late delivery", "sort_order": 60},
    )
    assert response.status_code == 302
    made = ComplaintCategory.objects.get(code="late_delivery")
    assert (made.name, made.name_en, made.sort_order, made.active, made.parent_id) == (
        "交车延迟",
        "Late delivery",
        60,
        False,  # the box was not ticked
        None,
    )
    response = admin.post(
        _url("service:complaint_setup_item_create", made.pk),
        {"code": "late_papers", "name": "手续延迟", "sort_order": 0, "active": "on"},
    )
    assert response.status_code == 302
    item = ComplaintCategory.objects.get(code="late_papers")
    assert item.parent_id == made.pk and item.active


def test_a_taken_code_is_a_field_error_and_nothing_is_made(admin):
    before = ComplaintCategory.objects.count()
    response = admin.post(
        _url("service:complaint_setup_category_create"),
        {"code": "other", "name": "重复", "sort_order": 0, "active": "on"},
    )
    assert response.status_code == 422
    assert "code" in _errors(response)
    assert "invalid-feedback" in response.content.decode()
    assert ComplaintCategory.objects.count() == before


def test_a_sub_item_of_a_sub_item_is_not_offered(admin):
    item = ComplaintCategory.objects.filter(parent__isnull=False).first()
    assert admin.get(_url("service:complaint_setup_item_create", item.pk)).status_code == 404


def test_editing_renames_and_keeps_the_code(admin):
    other = category("other")
    response = admin.post(
        _url("service:complaint_setup_category_edit", other.pk),
        {"code": "changed", "name": "其他问题", "name_en": "Other issues", "sort_order": 90},
    )
    assert response.status_code == 302
    other.refresh_from_db()
    assert (other.code, other.name, other.name_en, other.sort_order, other.active) == (
        "other",
        "其他问题",
        "Other issues",
        90,
        False,
    )


def test_an_empty_name_is_refused_and_nothing_changes(admin):
    other = category("other")
    response = admin.post(
        _url("service:complaint_setup_category_edit", other.pk),
        {"name": "  ", "name_en": "X", "sort_order": 1, "active": "on"},
    )
    assert response.status_code == 422
    assert "name" in _errors(response)
    assert ComplaintCategory.objects.get(pk=other.pk).name_en == other.name_en


def test_switching_a_category_off_and_on(admin):
    other = category("other")
    url = _url("service:complaint_setup_category_active", other.pk)
    assert admin.post(url, {"active": "0"}).status_code == 302
    assert not ComplaintCategory.objects.get(pk=other.pk).active
    admin.post(url, {"active": "1"})
    assert ComplaintCategory.objects.get(pk=other.pk).active


def test_switching_off_is_refused_without_the_permission(client_for, agent):
    other = category("other")
    url = _url("service:complaint_setup_category_active", other.pk)
    assert client_for(agent).post(url, {"active": "0"}).status_code == 403
    assert ComplaintCategory.objects.get(pk=other.pk).active


# ---------------------------------------------------------------- routing rules


def test_a_routing_rule_is_added_listed_in_order_and_deleted(admin, relations, agent):
    late = ComplaintRoute.objects.create(priority=50, to_user=agent)
    response = admin.post(
        _url("service:complaint_setup_route_create"),
        {
            "category_id": category("service_quality").pk,
            "to_department_id": relations.department_id,
            "priority": 10,
        },
    )
    assert response.status_code == 302
    rule = ComplaintRoute.objects.get(priority=10)
    assert (rule.category.code, rule.to_department_id, rule.to_user_id) == (
        "service_quality",
        relations.department_id,
        None,
    )
    html = admin.get(_url("service:complaint_setup_routes")).content.decode()
    assert html.index(f'id="gx-route-{rule.pk}"') < html.index(f'id="gx-route-{late.pk}"')
    response = admin.post(_url("service:complaint_setup_route_delete", rule.pk))
    assert response.status_code == 302
    assert not ComplaintRoute.objects.filter(pk=rule.pk).exists()


def test_a_switched_off_rule_is_passed_by_and_can_be_switched_on(admin, relations, agent):
    first = ComplaintRoute.objects.create(priority=1, to_user=agent)
    second = ComplaintRoute.objects.create(priority=2, to_department_id=relations.department_id)
    where = {"category_id": category("other").pk, "product_id": None, "department_id": None}
    assert services.route_for(**where) == first
    url = _url("service:complaint_setup_route_active", first.pk)
    assert admin.post(url, {"active": "0"}).status_code == 302
    assert services.route_for(**where) == second
    html = admin.get(_url("service:complaint_setup_routes")).content.decode()
    assert 'value="1"' in html  # the switched-off rule offers "switch on"
    admin.post(url, {"active": "1"})
    assert services.route_for(**where) == first


def test_switching_a_rule_is_refused_without_the_permission(client_for, agent):
    rule = ComplaintRoute.objects.create(priority=1, to_user=agent)
    url = _url("service:complaint_setup_route_active", rule.pk)
    assert client_for(agent).post(url, {"active": "0"}).status_code == 403
    assert ComplaintRoute.objects.get(pk=rule.pk).active


def test_a_rule_without_a_target_is_a_field_error(admin, relations, agent):
    before = ComplaintRoute.objects.count()
    for data in ({}, {"to_user_id": agent.pk, "to_department_id": relations.department_id}):
        response = admin.post(_url("service:complaint_setup_route_create"), data | {"priority": 5})
        assert response.status_code == 422
        assert "to_user_id" in _errors(response)
    unknown = admin.post(
        _url("service:complaint_setup_route_create"), {"to_user_id": 10**9, "priority": 5}
    )
    assert unknown.status_code == 422 and "to_user_id" in _errors(unknown)
    assert ComplaintRoute.objects.count() == before


# ---------------------------------------------------------------- SLA targets


def test_the_grid_shows_each_cell_and_where_its_target_comes_from():
    grid = setup_selectors.sla_grid()
    assert [key for key, _label in grid.severities] == ["", *Severity.values]
    assert grid.rows[0].category is None
    for row in grid.rows:
        for cell in row.cells:
            if row.category is None:
                assert cell.own  # the shipped rows: the default and one per severity
                continue
            assert not cell.own
            # the same target a new complaint of that category and severity gets
            assert (cell.respond_minutes, cell.resolve_minutes) == services.sla_minutes(
                category_id=row.category.pk, severity=cell.severity or "normal"
            ) or cell.severity == ""


def test_a_target_is_set_for_a_category_and_severity(admin):
    quality = category("product_quality")
    response = admin.post(
        _url("service:complaint_setup_sla"),
        {
            "category_id": quality.pk,
            "severity": "high",
            "respond_minutes_0": "1",
            "respond_minutes_1": "30",
            "resolve_minutes_0": "8",
            "resolve_minutes_1": "",
        },
    )
    assert response.status_code == 302
    target = SlaTarget.objects.get(category=quality, severity="high")
    assert (target.respond_minutes, target.resolve_minutes) == (90, 480)
    assert services.sla_minutes(category_id=quality.pk, severity="high") == (90, 480)
    html = admin.get(_url("service:complaint_setup_sla")).content.decode()
    text = setup_selectors.duration_text
    assert f"{text(90)} / {text(480)}" in html


def test_resolving_faster_than_responding_is_refused(admin):
    before = list(SlaTarget.objects.values_list("pk", "respond_minutes", "resolve_minutes"))
    response = admin.post(
        _url("service:complaint_setup_sla"),
        {
            "severity": "low",
            "respond_minutes_0": "2",
            "respond_minutes_1": "0",
            "resolve_minutes_0": "1",
            "resolve_minutes_1": "0",
        },
    )
    assert response.status_code == 422
    assert "resolve_minutes" in _errors(response)
    bad_minutes = admin.post(
        _url("service:complaint_setup_sla"),
        {"respond_minutes_0": "1", "respond_minutes_1": "75", "resolve_minutes_0": "9"},
    )
    assert bad_minutes.status_code == 422 and "respond_minutes" in _errors(bad_minutes)
    after = list(SlaTarget.objects.values_list("pk", "respond_minutes", "resolve_minutes"))
    assert after == before


def test_a_cell_link_loads_its_form_by_htmx(admin):
    quality = category("product_quality")
    response = admin.get(
        _url("service:complaint_setup_sla"),
        {"category": quality.pk, "severity": "critical"},
        headers={"HX-Request": "true", "HX-Target": "gx-sla"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'id="gx-sla-form"' in html
    assert f'<option value="{quality.pk}" selected>' in html
    assert 'name="respond_minutes_1" value="30"' in html  # critical: 30 min by default


def test_removing_a_target_brings_back_the_general_one(admin):
    quality = category("product_quality")
    SlaTarget.objects.create(category=quality, severity="", respond_minutes=10, resolve_minutes=20)
    response = admin.post(
        _url("service:complaint_setup_sla_clear"), {"category": quality.pk, "severity": ""}
    )
    assert response.status_code == 302
    assert not SlaTarget.objects.filter(category=quality).exists()
    default = admin.post(_url("service:complaint_setup_sla_clear"), {"severity": ""})
    assert default.status_code == 302
    assert SlaTarget.objects.filter(category__isnull=True, severity="").exists()


# ---------------------------------------------------------------- settings


def test_the_settings_are_saved(admin):
    response = admin.post(
        _url("service:complaint_setup_settings"),
        {
            "route_minutes_0": "0",
            "route_minutes_1": "20",
            "next_level_minutes_0": "8",
            "next_level_minutes_1": "0",
            "compensation_approval_above": "800.50",
        },
    )
    assert response.status_code == 302
    row = ComplaintSettings.objects.get()
    assert (row.route_minutes, row.next_level_minutes, row.compensation_approval_above) == (
        20,
        480,
        Decimal("800.50"),
    )


def test_a_zero_routing_target_is_a_field_error_and_nothing_changes(admin):
    before = services.complaint_settings()
    response = admin.post(
        _url("service:complaint_setup_settings"),
        {
            "route_minutes_0": "0",
            "route_minutes_1": "0",
            "next_level_minutes_0": "1",
            "compensation_approval_above": "100",
        },
    )
    assert response.status_code == 422
    assert "route_minutes" in _errors(response)
    row = ComplaintSettings.objects.get()
    assert (row.route_minutes, row.next_level_minutes, row.compensation_approval_above) == (
        before.route_minutes,
        before.next_level_minutes,
        before.compensation_approval_above,
    )


def test_the_settings_are_refused_without_the_permission(client_for, agent):
    response = client_for(agent).post(
        _url("service:complaint_setup_settings"),
        {"route_minutes_0": "0", "route_minutes_1": "5", "compensation_approval_above": "1"},
    )
    assert response.status_code == 403
    assert services.complaint_settings().route_minutes == 30


def test_durations_read_as_hours_and_minutes():
    with translation.override("en"):
        assert [setup_selectors.duration_text(m) for m in (45, 240, 150)] == [
            "45 min",
            "4 h",
            "2 h 30 min",
        ]
