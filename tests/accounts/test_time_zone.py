"""A user's time zone (issue 12 §4): chosen on the profile page, validated, audited, and
activated for the user's requests."""

import datetime as dt

import pytest

from guanxi.accounts import services
from guanxi.accounts.forms import TimeZoneForm
from guanxi.accounts.models import ApiToken
from guanxi.core.errors import ValidationFailed
from guanxi.core.models import AuditLog

pytestmark = pytest.mark.django_db


def test_the_choices_start_with_shanghai_and_offer_every_iana_zone():
    groups = TimeZoneForm().fields["time_zone"].choices
    common, everything = groups[0][1], groups[1][1]
    assert common[0] == ("Asia/Shanghai", "Asia/Shanghai")
    names = [name for name, _label in common + everything]
    assert "Europe/London" in names and "America/Argentina/Buenos_Aires" in names
    assert len(names) == len(set(names))


def test_profile_sets_the_time_zone_and_audits_it(client_for, sales1a):
    client = client_for(sales1a)
    page = client.get("/accounts/profile/").content.decode()
    assert 'name="time_zone"' in page
    response = client.post("/accounts/profile/time-zone/", {"time_zone": "Europe/London"})
    assert response.status_code == 302
    sales1a.refresh_from_db()
    assert sales1a.time_zone == "Europe/London"
    entry = AuditLog.objects.get(action=AuditLog.Action.TIME_ZONE, target_id=str(sales1a.pk))
    assert entry.actor == sales1a
    assert entry.detail["changes"] == {"time_zone": ["Asia/Shanghai", "Europe/London"]}


@pytest.mark.parametrize("bad", ["Mars/Olympus", "", "../etc/passwd", "asia/shanghai"])
def test_an_unknown_time_zone_is_refused_and_nothing_changes(client_for, sales1a, bad):
    client = client_for(sales1a)
    response = client.post("/accounts/profile/time-zone/", {"time_zone": bad})
    assert response.status_code == 422
    sales1a.refresh_from_db()
    assert sales1a.time_zone == "Asia/Shanghai"
    assert not AuditLog.objects.filter(action=AuditLog.Action.TIME_ZONE).exists()
    with pytest.raises(ValidationFailed) as error:
        services.user_set_time_zone(user=sales1a, time_zone=bad)
    assert "time_zone" in error.value.field_errors


def test_pages_show_times_in_the_users_time_zone(client_for, sales1a):
    token, _raw = services.token_create(user=sales1a, name="clock")
    ApiToken.objects.filter(pk=token.pk).update(
        created_at=dt.datetime(2026, 1, 15, 3, 30, tzinfo=dt.UTC)
    )
    client = client_for(sales1a)
    assert "2026-01-15 11:30" in client.get("/accounts/profile/").content.decode()
    services.user_set_time_zone(user=sales1a, time_zone="America/New_York")
    assert "2026-01-14 22:30" in client.get("/accounts/profile/").content.decode()
