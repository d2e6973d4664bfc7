"""Managers set tracked-pool quotas per team in the UI (INT-3)."""

import pytest
from django.urls import reverse

from guanxi.accounts.models import Department
from guanxi.core.models import AuditLog
from guanxi.pipeline.audit_actions import QUOTA_SET
from guanxi.pipeline.models import TeamQuota
from tests.pipeline.support import page_360

pytestmark = pytest.mark.django_db


def _post(client, department, **values):
    data = {"department": department, "stage0": 20, "stage12": 40, "stage34": 10}
    data.update({"daily_target": 3, **values})
    return client.post(reverse("pipeline:team_quotas"), data)


def test_manager_sets_a_quota_for_a_team_they_manage(client_for, manager):
    team = Department.objects.get(name="销售一部")
    response = _post(client_for(manager), team.pk, stage0=25, daily_target=5)
    assert response.status_code == 302
    quota = TeamQuota.objects.get(department=team)
    assert (quota.stage0, quota.stage12, quota.stage34, quota.daily_target) == (25, 40, 10, 5)
    page = client_for(manager).get(reverse("pipeline:team_quotas")).content.decode()
    assert "销售一部" in page and "销售二部" in page


def test_bad_numbers_are_refused_and_nothing_changes(client_for, manager):
    team = Department.objects.get(name="销售二部")
    before = TeamQuota.objects.count()
    response = _post(client_for(manager), team.pk, stage0=-1, stage34="many")
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    assert TeamQuota.objects.count() == before


def test_consultants_and_other_teams_are_refused(client_for, sales1a, manager, relations):
    team = Department.objects.get(name="销售一部")
    assert client_for(sales1a).get(reverse("pipeline:team_quotas")).status_code == 403
    assert _post(client_for(sales1a), team.pk).status_code == 403
    # The manager of 销售中心 does not manage 客户关系部.
    other = Department.objects.get(name="客户关系部")
    assert _post(client_for(manager), other.pk).status_code == 403
    assert not TeamQuota.objects.filter(department__in=[team, other]).exists()


def test_only_administrators_set_the_company_default(client_for, manager, admin_user):
    default = TeamQuota.objects.filter(department__isnull=True).first()
    before = default.stage12 if default else None
    response = _post(client_for(manager), "default", stage12=99)
    assert response.status_code == 200  # refused with a message, nothing saved
    default = TeamQuota.objects.filter(department__isnull=True).first()
    assert (default.stage12 if default else None) == before
    assert _post(client_for(admin_user), "default", stage12=55).status_code == 302
    assert TeamQuota.objects.get(department__isnull=True).stage12 == 55


def test_owner_locks_and_unlocks_from_the_360_page(client_for, make_customer, sales1a, sales2a):
    from guanxi.pipeline.models import Prospect

    customer = make_customer(sales1a, name="锁定客户")
    url = reverse("pipeline:panel_lock", args=[customer.pk])
    assert url in page_360(client_for(sales1a), customer)
    assert client_for(sales1a).post(url, {"locked": "1"}).status_code == 302
    assert Prospect.objects.get(customer=customer).locked
    # someone outside the scope cannot reach it, and nothing changes
    assert client_for(sales2a).post(url, {"locked": "0"}).status_code == 404
    assert Prospect.objects.get(customer=customer).locked
    client_for(sales1a).post(url, {"locked": "0"})
    assert not Prospect.objects.get(customer=customer).locked


@pytest.mark.parametrize("username", ["relations", "agent", "marketing"])
def test_company_wide_roles_without_the_permission_are_refused(client_for, org, username):
    """Issue 11 §1: seeing every team (scope 全部) is not managing them — the quotas need
    pipeline.manage_quotas, which only managers and administrators have."""
    team = Department.objects.get(name="销售一部")
    client = client_for(org[username])
    assert client.get(reverse("pipeline:team_quotas")).status_code == 403
    assert _post(client, team.pk, stage0=999).status_code == 403
    assert not TeamQuota.objects.filter(department=team).exists()
    assert not AuditLog.objects.filter(action=QUOTA_SET).exists()


def test_a_quota_change_is_audited_with_before_and_after(client_for, manager):
    team = Department.objects.get(name="销售一部")
    _post(client_for(manager), team.pk, stage0=25)
    _post(client_for(manager), team.pk, stage0=30)
    _post(client_for(manager), team.pk, stage0=30)  # unchanged: no row
    rows = list(AuditLog.objects.filter(action=QUOTA_SET).order_by("id"))
    assert [(r.actor, r.target_id) for r in rows] == [(manager, str(team.pk))] * 2
    assert rows[0].detail["before"] is None
    assert rows[1].detail["before"]["stage0"] == 25 and rows[1].detail["after"]["stage0"] == 30


def test_contacts_per_month_with_signed_customers_are_set_on_the_page(client_for, admin_user):
    # Issue 12 §4: the E-class upkeep is data, not a flat 15 days.
    page = client_for(admin_user).get(reverse("pipeline:team_quotas")).content.decode()
    assert 'name="signed_per_month"' in page
    assert _post(client_for(admin_user), "default", signed_per_month=3).status_code == 302
    assert TeamQuota.objects.get(department__isnull=True).signed_per_month == 3
    entry = AuditLog.objects.filter(action=QUOTA_SET).latest("id")
    assert entry.detail["after"]["signed_per_month"] == 3
    for bad in (0, 11, "twice"):
        response = _post(client_for(admin_user), "default", signed_per_month=bad)
        assert response.status_code == 200
        assert "is-invalid" in response.content.decode()
    assert TeamQuota.objects.get(department__isnull=True).signed_per_month == 3


def test_a_team_saved_unchanged_keeps_following_the_company_default(client_for, manager):
    """A team without its own quota shows the default's values; saving them as they are does
    not pin them to the team, so it follows later changes of the default."""
    team = Department.objects.get(name="销售一部")
    page = client_for(manager).get(reverse("pipeline:team_quotas")).content.decode()
    assert "使用公司默认值" in page or "Using the company default" in page
    response = _post(client_for(manager), team.pk, signed_per_month=2)
    assert response.status_code == 302
    assert not TeamQuota.objects.filter(department=team).exists()
    assert not AuditLog.objects.filter(action=QUOTA_SET).exists()


def test_a_team_goes_back_to_the_company_default(client_for, manager, sales1a):
    team = Department.objects.get(name="销售一部")
    _post(client_for(manager), team.pk, stage0=25)
    assert TeamQuota.objects.filter(department=team).exists()
    page = client_for(manager).get(reverse("pipeline:team_quotas")).content.decode()
    assert 'value="follow_default"' in page
    refused = client_for(sales1a).post(
        reverse("pipeline:team_quotas"), {"department": team.pk, "action": "follow_default"}
    )
    assert refused.status_code == 403 and TeamQuota.objects.filter(department=team).exists()
    response = client_for(manager).post(
        reverse("pipeline:team_quotas"), {"department": team.pk, "action": "follow_default"}
    )
    assert response.status_code == 302
    assert not TeamQuota.objects.filter(department=team).exists()
    entry = AuditLog.objects.filter(action=QUOTA_SET).latest("id")
    assert entry.detail["before"]["stage0"] == 25 and entry.detail["after"] is None
