"""The calendar feed (CARE-5): a secret, revocable iCalendar URL, parsed here with icalendar."""

import datetime as dt
import hashlib

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from guanxi.care.calendar.services import calendar_feed_create, calendar_feed_revoke
from guanxi.care.models import CalendarFeed, CareTask
from guanxi.pipeline.models import Prospect
from tests.sales.factories import ContractRowFactory, InstalmentRowFactory


def _feed(client, token):
    return client.get(reverse("care:calendar_feed", args=[token]))


def test_the_feed_holds_contacts_tasks_and_instalments(client, make_customer, sales1a, sales1b):
    customer = make_customer(sales1a, name="孙悟空")
    soon = timezone.now() + dt.timedelta(days=2)
    Prospect.objects.filter(customer=customer).update(
        tracked=True, next_contact_at=soon, owner=sales1a
    )
    CareTask.objects.create(
        customer=customer,
        title="交车后回访",
        due_at=soon,
        assignee=sales1a,
        department=sales1a.department,
    )
    contract = ContractRowFactory(customer=customer, status="signed", total="5000.00")
    InstalmentRowFactory(
        contract=contract,
        sequence=1,
        due_on=timezone.localdate() + dt.timedelta(days=10),
        amount="5000.00",
    )
    other = make_customer(sales1b, name="猪八戒")
    CareTask.objects.create(
        customer=other, title="别人的", due_at=soon, assignee=sales1b, department=sales1b.department
    )
    feed, token = calendar_feed_create(user=sales1a)
    assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(list(CalendarFeed.objects.values_list()))  # only the hash is kept
    answer = _feed(client, token)
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(answer.content)
    assert str(calendar["VERSION"]) == "2.0" and "Guanxi" in str(calendar["PRODID"])
    events = calendar.walk("VEVENT")
    summaries = [str(e["SUMMARY"]) for e in events]
    assert any("孙悟空" in s and "交车后回访" in s for s in summaries)
    assert any(s.startswith("Contact 孙悟空") or "孙悟空" in s for s in summaries)
    assert any("HT-TEST" in s for s in summaries)
    assert not any("猪八戒" in s for s in summaries)
    for event in events:
        assert event["UID"] and event["DTSTAMP"] and event["DTSTART"]
    uids = [str(e["UID"]) for e in events]
    assert len(uids) == len(set(uids))


def test_a_revoked_or_unknown_url_answers_404(client, sales1a):
    feed, token = calendar_feed_create(user=sales1a)
    assert _feed(client, token).status_code == 200
    calendar_feed_revoke(user=sales1a, feed_id=feed.pk)
    assert _feed(client, token).status_code == 404
    assert _feed(client, "not-a-token").status_code == 404


def test_only_the_owner_revokes(sales1a, sales1b):
    from guanxi.core.errors import NotFound

    feed, _token = calendar_feed_create(user=sales1a)
    with pytest.raises(NotFound):
        calendar_feed_revoke(user=sales1b, feed_id=feed.pk)


def test_the_profile_page_creates_shows_once_and_revokes(client_for, sales1a):
    client = client_for(sales1a)
    client.post(reverse("care:calendar_feed_create"))
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "/care/calendar/feed/" in page
    again = client.get(reverse("accounts:profile")).content.decode()
    assert "/care/calendar/feed/" not in again  # shown once
    feed = CalendarFeed.objects.get(user=sales1a)
    client.post(reverse("care:calendar_feed_revoke", args=[feed.pk]))
    feed.refresh_from_db()
    assert feed.revoked_at is not None
