"""The working calendar's administration page (core.workdays, CMP-2): holders of
calendar.manage add and remove public holidays and make-up days; everyone else gets 403."""

import datetime as dt

import pytest
from django.core.management import call_command

from guanxi.core.models import CalendarDay
from guanxi.core.workdays import LOCAL, business_deadline, load_shipped_days

pytestmark = pytest.mark.django_db

BASE = "/accounts/admin/calendar"


@pytest.mark.parametrize("username", ["sales1a", "manager", "relations", "agent", "marketing"])
def test_only_calendar_managers_open_or_change_it(client_for, org, username):
    client = client_for(org[username])
    assert client.get(f"{BASE}/").status_code == 403
    assert client.get(f"{BASE}/2026/").status_code == 403
    response = client.post(f"{BASE}/2026/", {"date": "2026-11-18", "kind": "off", "name": "x"})
    assert response.status_code == 403
    assert client.post(f"{BASE}/2026/2026-10-10/remove/").status_code == 403
    assert not CalendarDay.objects.filter(date=dt.date(2026, 11, 18)).exists()
    assert CalendarDay.objects.filter(date=dt.date(2026, 10, 10)).exists()


def test_the_year_list_and_a_year_show_the_shipped_days(client_for, admin_user):
    client = client_for(admin_user)
    page = client.get(f"{BASE}/", headers={"accept-language": "zh-hans"}).content.decode()
    assert "2026" in page and "09:00–12:00" in page
    year = client.get(f"{BASE}/2026/").content.decode()
    assert "2026-10-10" in year and "国庆节" in year
    assert 'href="/accounts/admin/calendar/"' in client.get("/accounts/admin/").content.decode()


def test_adding_and_removing_a_day_changes_the_deadlines(client_for, admin_user):
    client = client_for(admin_user)
    start = dt.datetime(2026, 11, 17, 17, tzinfo=LOCAL)
    assert business_deadline(start=start, minutes=120) == dt.datetime(
        2026, 11, 18, 10, tzinfo=LOCAL
    )
    response = client.post(
        f"{BASE}/2026/", {"date": "2026-11-18", "kind": "off", "name": "公司庆典", "name_en": ""}
    )
    assert response.status_code == 302
    assert business_deadline(start=start, minutes=120) == dt.datetime(
        2026, 11, 19, 10, tzinfo=LOCAL
    )
    response = client.post(f"{BASE}/2026/2026-11-18/remove/")
    assert response.status_code == 302
    assert not CalendarDay.objects.filter(date=dt.date(2026, 11, 18)).exists()
    # a make-up Saturday
    client.post(f"{BASE}/2026/", {"date": "2026-11-21", "kind": "working", "name": "调休"})
    assert CalendarDay.objects.get(date=dt.date(2026, 11, 21)).is_working


def test_bad_input_is_refused_with_a_field_error(client_for, admin_user, settings):
    settings.LANGUAGE_CODE = "en"
    client = client_for(admin_user)
    before = CalendarDay.objects.count()
    response = client.post(f"{BASE}/2026/", {"date": "2026-13-40", "kind": "off"})
    assert response.status_code == 422
    # a plain Tuesday marked working changes nothing: refused unless named
    response = client.post(f"{BASE}/2026/", {"date": "2026-11-17", "kind": "working", "name": ""})
    assert response.status_code == 422
    assert "Name the day" in response.content.decode()
    assert client.post(f"{BASE}/2026/2026-11-17/remove/").status_code == 302  # says: no entry
    assert client.post(f"{BASE}/2026/not-a-date/remove/").status_code == 404
    assert CalendarDay.objects.count() == before


def test_loading_shipped_days_keeps_the_administrators_edits():
    CalendarDay.objects.filter(date=dt.date(2026, 10, 10)).update(is_working=False, name="改")
    CalendarDay.objects.filter(date__year=2025).delete()
    assert load_shipped_days() > 0  # 2025 had no rows: loaded again
    assert CalendarDay.objects.filter(date=dt.date(2025, 10, 1)).exists()
    assert not CalendarDay.objects.get(date=dt.date(2026, 10, 10)).is_working
    CalendarDay.objects.filter(date=dt.date(2026, 10, 1)).delete()
    call_command("calendar_load", "--year", "2026")
    assert CalendarDay.objects.get(date=dt.date(2026, 10, 1)).name == "国庆节"
    assert CalendarDay.objects.get(date=dt.date(2026, 10, 10)).name == "改"
