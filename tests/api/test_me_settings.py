"""PATCH /api/v1/users/me (issue 12 §4): the caller's own language and time zone."""

import pytest

from guanxi.core.models import AuditLog

pytestmark = pytest.mark.django_db

ME = "/api/v1/users/me"


def test_me_reads_and_sets_the_time_zone(api_for, sales1a):
    client = api_for(sales1a)
    assert client.get(ME).json()["time_zone"] == "Asia/Shanghai"
    response = client.patch(ME, {"time_zone": "Asia/Tokyo"}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["time_zone"] == "Asia/Tokyo"
    sales1a.refresh_from_db()
    assert sales1a.time_zone == "Asia/Tokyo"
    assert AuditLog.objects.filter(action="time_zone", target_id=str(sales1a.pk)).count() == 1


def test_a_bad_field_changes_nothing(api_for, sales1a):
    client = api_for(sales1a)
    response = client.patch(
        ME, {"language": "en", "time_zone": "Nowhere/Land"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert "time_zone" in response.json()["errors"]
    sales1a.refresh_from_db()
    assert (sales1a.language, sales1a.time_zone) == ("zh-hans", "Asia/Shanghai")


def test_unknown_fields_are_refused(api_for, sales1a):
    response = api_for(sales1a).patch(ME, {"username": "boss"}, content_type="application/json")
    assert response.status_code == 422
    sales1a.refresh_from_db()
    assert sales1a.username == "sales1a"


def test_language_is_set_alone(api_for, sales1a):
    response = api_for(sales1a).patch(ME, {"language": "en"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["language"] == "en"
    assert response.json()["time_zone"] == "Asia/Shanghai"
