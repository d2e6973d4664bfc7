"""Setting up web-to-lead forms (INTG-4): the admin pages with the embed code, the API, and
who may (portal.forms: marketing and administrators)."""

import json

import pytest
from django.urls import reverse

from guanxi.portal.models import LeadForm
from tests.portal.factories import lead_form


def test_marketing_sets_up_a_form_and_gets_the_embed_code(client_for, marketing, sales1a):
    client = client_for(marketing)
    assert client.get(reverse("portal:form_list")).status_code == 200
    response = client.post(
        reverse("portal:form_create"),
        {
            "name": "展会报名",
            "shown": ["email", "needs"],
            "required": ["email"],
            "department": sales1a.department_id,
            "campaign": "2026展会",
            "allowed_origins": "https://www.example.com\nhttps://shop.example.com",
            "is_active": "on",
        },
    )
    form = LeadForm.objects.get(name="展会报名")
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:form_detail", args=[form.pk])
    assert form.fields == ["email", "needs"] and form.required == ["email"]
    assert form.origins == ["https://www.example.com", "https://shop.example.com"]
    page = client.get(response["Location"]).content.decode()
    assert f"/portal/f/{form.key}/embed.js" in page and f"/portal/f/{form.key}/" in page
    # the navbar links the page for who may use it
    assert reverse("portal:form_list") in page


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"department": "", "pool": ""}, "department"),
        ({"required": ["city"]}, "required"),
        ({"allowed_origins": "javascript:alert(1)"}, "allowed_origins"),
        ({"name": ""}, "name"),
    ],
)
def test_a_bad_form_setup_is_refused_with_a_field_error(
    client_for, admin_user, sales1a, changes, field
):
    data = {"name": "表单", "department": sales1a.department_id, "shown": ["email"]}
    data.update(changes)
    response = client_for(admin_user).post(reverse("portal:form_create"), data)
    assert response.status_code == 422
    assert not LeadForm.objects.exists()


def test_a_consultant_may_not_set_up_forms(client_for, sales1a, admin_user):
    form = lead_form(admin_user, department=sales1a.department)
    client = client_for(sales1a)
    assert client.get(reverse("portal:form_list")).status_code == 403
    assert client.get(reverse("portal:form_detail", args=[form.pk])).status_code == 403
    assert reverse("portal:form_list") not in client.get(reverse("home")).content.decode()


def test_the_api_creates_lists_and_changes_forms(client_for, admin_user, sales1a):
    client = client_for(admin_user)
    created = client.post(
        "/api/v1/portal/forms",
        json.dumps(
            {
                "name": "API表单",
                "fields": ["city"],
                "department_id": sales1a.department_id,
                "allowed_origins": ["https://www.example.com"],
            }
        ),
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["fields"] == ["city"] and body["allowed_origins"] == ["https://www.example.com"]
    assert body["form_url"].endswith(f"/portal/f/{body['key']}/")
    listed = client.get("/api/v1/portal/forms").json()
    assert [f["id"] for f in listed] == [body["id"]]
    bad = client.put(
        f"/api/v1/portal/forms/{body['id']}",
        json.dumps({"name": "API表单", "department_id": sales1a.department_id, "fields": ["x"]}),
        content_type="application/json",
    )
    assert bad.status_code in (400, 422) and "fields" in json.dumps(bad.json())
    assert LeadForm.objects.get().fields == ["city"]


def test_the_submissions_show_only_customers_in_the_readers_scope(
    client, client_for, sales1a, sales2a, admin_user
):
    """A reader who may set up forms but whose data scope is one department sees a lead of
    another department as outside their scope, without its name."""
    from guanxi.accounts.models import Role

    consultant = Role.objects.get(code="consultant")
    consultant.permissions = [*consultant.permissions, "portal.forms"]
    consultant.save()
    form = lead_form(admin_user, department=sales1a.department)
    client.post(
        reverse("portal:lead_form", args=[form.key]),
        {"name": "范围外线索", "mobile": "13977770001", "city": "杭州"},
    )
    own = client_for(sales1a).get(reverse("portal:form_detail", args=[form.pk]))
    other = client_for(sales2a).get(reverse("portal:form_detail", args=[form.pk]))
    assert "范围外线索" in own.content.decode()
    assert other.status_code == 200 and "范围外线索" not in other.content.decode()
