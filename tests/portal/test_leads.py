"""Web-to-lead (INTG-4): the embeddable form creates a customer with source 网络表单 and the
campaign tag, 查重 turns a known phone into a follow-up task, leads go round-robin within a
team or into a pool, a honeypot and a per-address limit stop spam, framing is allowed for
this page only."""

import re

import pytest
from django.urls import reverse

from guanxi.care.models import CareTask
from guanxi.customers.models import Customer, TimelineEvent
from guanxi.pipeline.models import PoolEntry, PublicPool
from guanxi.portal.leads import services
from guanxi.portal.models import LeadSubmission
from tests.portal.factories import lead_form


@pytest.fixture
def team_form(admin_user, sales1a):
    return lead_form(admin_user, department=sales1a.department)


def _post(client, form, ip="198.51.100.7", query="", **fields):
    data = {"name": "张先生", "mobile": "13955550001", "city": "杭州", "website": ""}
    data.update(fields)
    url = reverse("portal:lead_form", args=[form.key]) + query
    return client.post(url, data, REMOTE_ADDR=ip)


def test_a_submission_creates_a_customer_with_source_and_campaign(client, team_form):
    response = _post(client, team_form, query="?utm_source=baidu&utm_campaign=spring&x=1")
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:lead_thanks", args=[team_form.key])
    customer = Customer.objects.get(mobile="+8613955550001")
    assert customer.source.code == "web_form" and customer.first_contact_channel == "web"
    assert customer.city == "杭州"
    assert set(customer.tags.values_list("name", flat=True)) == {"春季活动", "utm:spring"}
    submission = LeadSubmission.objects.get()
    assert submission.outcome == "created" and submission.customer == customer
    assert submission.utm == {"utm_source": "baidu", "utm_campaign": "spring"}
    assert TimelineEvent.objects.filter(customer=customer, kind="web_lead").exists()
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200 and 'data-testid="lead-thanks"' in thanks.content.decode()


def test_leads_go_round_robin_within_the_team(client, team_form, sales1a, sales1b):
    members = list(
        type(sales1a)
        .objects.filter(department=sales1a.department, is_active=True, left_at=None)
        .order_by("id")
    )
    assert {sales1a, sales1b} <= set(members)
    owners = []
    for n in range(len(members) + 1):
        _post(client, team_form, ip=f"198.51.100.{n + 1}", mobile=f"1395555{n:04d}")
        owners.append(Customer.objects.get(mobile=f"+861395555{n:04d}").owner)
    assert owners == [*members, members[0]]


def test_a_known_phone_adds_a_follow_up_instead_of_a_duplicate(
    client, team_form, make_customer, sales2a
):
    """查重 with the archive's rules: the existing customer (of another team, even) keeps
    its owner and its data; its consultant gets a follow-up task; nothing is duplicated."""
    known = make_customer(sales2a, name="老客户", mobile="13955550001", city="上海")
    before = Customer.objects.count()
    response = _post(client, team_form, name="冒名者", needs="想加购")
    assert response.status_code == 302
    assert Customer.objects.count() == before
    known.refresh_from_db()
    assert known.name == "老客户" and known.city == "上海" and known.owner == sales2a
    task = CareTask.objects.get(customer=known)
    assert task.assignee == sales2a and task.kind == "action" and task.channel == "web"
    assert "想加购" in task.notes
    assert LeadSubmission.objects.get().outcome == "known"


def test_a_pool_form_puts_the_lead_into_the_pool(client, admin_user):
    pool = PublicPool.objects.filter(is_active=True).first() or PublicPool.objects.create(
        name="网络线索池"
    )
    form = lead_form(admin_user, pool=pool)
    assert _post(client, form).status_code == 302
    customer = Customer.objects.get(mobile="+8613955550001")
    assert customer.owner is None and customer.public_pool_id == pool.pk
    assert PoolEntry.objects.get(customer=customer).pool == pool


def test_the_honeypot_gets_a_thank_you_and_nothing_else(client, team_form):
    response = _post(client, team_form, website="http://spam.example")
    assert response.status_code == 302
    assert not Customer.objects.filter(mobile="+8613955550001").exists()
    assert LeadSubmission.objects.get().outcome == "spam"


def test_submissions_are_limited_per_client_address(client, team_form):
    for n in range(services.PER_IP_PER_HOUR):
        assert _post(client, team_form, mobile=f"1395555{n:04d}").status_code == 302
    refused = _post(client, team_form, mobile="13955559999")
    assert refused.status_code == 422
    assert not Customer.objects.filter(mobile="+8613955559999").exists()
    # another address is not held up
    assert _post(client, team_form, ip="203.0.113.9", mobile="13955559999").status_code == 302


def test_bad_input_is_a_field_error_and_changes_nothing(client, team_form):
    for fields in ({"mobile": "12ab"}, {"city": ""}, {"name": ""}, {"email": "nope"}):
        response = _post(client, team_form, **fields)
        assert response.status_code == 422, fields
        assert "invalid-feedback" in response.content.decode()
    assert not Customer.objects.filter(source__code="web_form").exists()


def test_only_the_form_page_may_be_framed_and_by_the_forms_sites(client, admin_user, sales1a):
    open_form = lead_form(admin_user, department=sales1a.department)
    page = client.get(reverse("portal:lead_form", args=[open_form.key]))
    assert "X-Frame-Options" not in page
    assert "frame-ancestors *" in page["Content-Security-Policy"]
    assert 'name="website"' in page.content.decode()
    named = lead_form(
        admin_user, department=sales1a.department, allowed_origins="https://www.example.com"
    )
    page = client.get(reverse("portal:lead_form", args=[named.key]))
    assert "frame-ancestors https://www.example.com" in page["Content-Security-Policy"]
    # every other page stays unframable
    sign_in = client.get(reverse("portal:sign_in"))
    assert sign_in["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in sign_in["Content-Security-Policy"]


def test_the_embed_script_inserts_the_forms_frame(client, team_form):
    response = client.get(reverse("portal:lead_embed_js", args=[team_form.key]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/javascript")
    body = response.content.decode()
    assert re.search(rf'"http[^"]+/portal/f/{team_form.key}/"', body)
    assert 'createElement("iframe")' in body and "utm_campaign" in body


def test_an_inactive_or_unknown_form_is_404(client, team_form):
    team_form.is_active = False
    team_form.save()
    assert client.get(reverse("portal:lead_form", args=[team_form.key])).status_code == 404
    assert client.get(reverse("portal:lead_form", args=["nope"])).status_code == 404
