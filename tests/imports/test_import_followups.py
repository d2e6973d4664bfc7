"""Importing follow-up history from spreadsheets (INTG-1, issue 16 §1): the customer found
by the archive's duplicate keys within the importer's scope, Chinese dates, channels by
label, the consultant by name; logged through the pipeline's service as follow-ups of the
past (timeline and prospect, no "new follow-up" hooks); duplicates in the file and against
what is recorded, a rerun that doubles nothing, rollback, scope."""

import datetime as dt

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from guanxi.care.models import CareTouch
from guanxi.customers.archive import services as archive
from guanxi.customers.archive.validation import CustomerInput
from guanxi.customers.models import TimelineEvent
from guanxi.imports.models import ImportBatch, ImportRow
from guanxi.imports.spreadsheets import services
from guanxi.pipeline.models import FollowUp, Prospect
from guanxi.webhooks.models import Delivery
from tests.imports.support import csv_upload, xlsx_upload
from tests.webhooks.factories import SubscriptionFactory

pytestmark = pytest.mark.django_db

HEADER = ["客户", "手机", "跟进时间", "跟进方式", "跟进内容", "下次联系", "跟进人"]
KIND = ImportBatch.Kind.FOLLOWUPS


def _customers(owner):
    wang = archive.customer_create(
        actor=owner, data=CustomerInput(name="王磊", mobile="13800138000")
    )
    star = archive.customer_create(
        actor=owner, data=CustomerInput(kind="organisation", name="星辰科技有限公司")
    )
    return wang, star


def _checked(actor, upload):
    batch = services.batch_upload(actor=actor, upload=upload, kind=KIND)
    services.batch_check(actor=actor, batch=batch)
    batch.refresh_from_db()
    return batch


def _run(actor, batch):
    services.batch_start(actor=actor, batch=batch)
    batch.refresh_from_db()
    return batch


def _reasons(batch, phase="check"):
    rows = ImportRow.objects.filter(batch=batch, phase=phase).exclude(outcome="new")
    return dict(rows.values_list("row_number", "reason"))


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


ROWS = [
    HEADER,
    [
        "王磊",
        "138 0013 8000",
        "2021年3月5日 14:30",
        "电话",
        "询价，想了解年度服务",
        "2021/3/12",
        "",
    ],
    ["星辰科技（北京）有限公司", "", "2022-06-01 09:00", "上门拜访", "现场演示", "", "sales1a"],
    ["无此人", "13900000000", "2022/1/1", "电话", "找不到", "", ""],
    ["王磊", "", "2022年13月1日", "电话", "坏日期", "", ""],
    ["星辰科技", "", "2022/6/1 9:00", "visit", "现场演示", "", ""],
    ["王磊", "13800138000", "2023/2/1", "飞鸽", "渠道不对", "", ""],
]


def test_followups_are_checked_logged_as_history_and_rerun_doubles_nothing(sales1a):
    wang, star = _customers(sales1a)
    SubscriptionFactory(owner=sales1a, events=["followup.logged"])
    touches = CareTouch.objects.count()
    batch = _checked(sales1a, csv_upload(ROWS, encoding="gbk"))
    assert batch.kind == KIND and batch.mapping == {
        "customer": 0,
        "mobile": 1,
        "at": 2,
        "channel": 3,
        "content": 4,
        "next_contact_at": 5,
        "consultant": 6,
    }
    assert batch.check_counts == {"new": 2, "error": 3, "duplicate": 1}
    reasons = _reasons(batch)
    assert "客户" in reasons[4] or "customer" in reasons[4]  # unknown customer
    assert "时间" in reasons[5]  # 2022年13月1日
    assert "第 3 行" in reasons[6] or "row 3" in reasons[6]  # the same as row 3
    assert "渠道" in reasons[7] or "方式" in reasons[7]
    assert not FollowUp.objects.exists()  # a dry run

    batch = _run(sales1a, batch)
    assert batch.status == "done" and batch.run_counts == {"new": 2, "error": 3, "duplicate": 1}
    first = FollowUp.objects.get(customer=wang)
    assert _local(first.at) == "2021-03-05 14:30" and first.channel == "phone"
    assert first.user == sales1a and _local(first.next_contact_at) == "2021-03-12 00:00"
    visit = FollowUp.objects.get(customer=star)
    assert visit.channel == "visit" and visit.content == "现场演示"
    # the timeline at the follow-up's time; the prospect knows its last follow-up, but a
    # next contact of 2021 is not an overdue task today
    event = TimelineEvent.objects.get(customer=wang, kind="followup")
    assert _local(event.occurred_at) == "2021-03-05 14:30"
    prospect = Prospect.objects.get(customer=wang)
    assert prospect.last_followup_at == first.at and prospect.next_contact_at is None
    # years-old follow-ups announce nothing: no webhook event, no care touch after a visit
    assert not Delivery.objects.filter(event="followup.logged").exists()
    assert CareTouch.objects.count() == touches
    rows = ImportRow.objects.filter(batch=batch, phase="run", outcome="new")
    assert set(rows.values_list("record_id", flat=True)) == {first.pk, visit.pk}
    # the report names each row not imported, with its cells
    sheet = load_workbook(batch.report.open("rb"), read_only=True).active
    reported = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert reported == [4, 5, 6, 7]

    again = _run(sales1a, _checked(sales1a, csv_upload(ROWS, name="again.csv")))
    assert again.run_counts == {"duplicate": 3, "error": 3}
    assert FollowUp.objects.count() == 2


def test_an_xlsx_with_excel_dates_and_a_default_consultant(sales1a, manager):
    wang, _star = _customers(sales1a)
    moment = dt.datetime(2020, 1, 2, 10, 15)  # noqa: DTZ001 - a cell of a local time
    rows = [HEADER, ["", "13800138000", moment, "微信", "加了微信", None, None]]
    batch = services.batch_upload(actor=manager, upload=xlsx_upload(rows), kind=KIND)
    data = services.MappingInput(mapping=batch.mapping, default_owner_id=sales1a.pk)
    batch = services.batch_map(actor=manager, batch=batch, data=data)
    services.batch_check(actor=manager, batch=batch)
    batch.refresh_from_db()
    batch = _run(manager, batch)
    assert batch.run_counts == {"new": 1}
    followup = FollowUp.objects.get(customer=wang)
    assert _local(followup.at) == "2020-01-02 10:15" and followup.channel == "wechat"
    assert followup.user == sales1a  # made by the consultant, recorded by the manager


def test_scope_a_consultant_cannot_attach_a_followup_outside_theirs(sales1a, sales1b, sales2a):
    archive.customer_create(
        actor=sales2a, data=CustomerInput(name="别组客户", mobile="13700137000")
    )
    archive.customer_create(
        actor=sales1b, data=CustomerInput(name="同事客户", mobile="13700137001")
    )
    _customers(sales1a)
    rows = [
        HEADER,
        ["别组客户", "13700137000", "2022/1/1", "电话", "不该记上", "", ""],
        ["同事客户", "13700137001", "2022/1/1", "电话", "不该记上", "", ""],
        ["王磊", "13800138000", "2022/1/1", "电话", "可以", "", "sales1b"],  # not for others
    ]
    batch = _run(sales1a, _checked(sales1a, csv_upload(rows)))
    assert batch.run_counts == {"error": 3}
    reasons = _reasons(batch, "run")
    assert "别组客户" not in reasons[2] and "同事客户" not in reasons[3]  # nothing told of it
    assert "sales1b" in reasons[4]
    assert not FollowUp.objects.exists()


def test_a_row_matching_two_customers_is_an_error(sales1a):
    _customers(sales1a)
    rows = [HEADER, ["星辰科技", "13800138000", "2022/1/1", "电话", "两个客户", "", ""]]
    batch = _checked(sales1a, csv_upload(rows))
    assert batch.check_counts == {"error": 1}
    assert "2" in _reasons(batch)[2]


def test_rollback_removes_the_followups_and_their_timeline(sales1a):
    wang, _star = _customers(sales1a)
    batch = _run(sales1a, _checked(sales1a, csv_upload(ROWS)))
    assert FollowUp.objects.count() == 2
    assert services.batch_rollback(actor=sales1a, batch=batch) == 2
    assert not FollowUp.objects.exists()
    assert not TimelineEvent.objects.filter(kind="followup").exists()
    assert Prospect.objects.get(customer=wang).last_followup_at is None
    batch.refresh_from_db()
    assert batch.status == "rolled_back"


def test_a_worker_killed_between_chunks_resumes_with_every_followup_once(sales1a, monkeypatch):
    _customers(sales1a)
    monkeypatch.setattr(services, "CHUNK", 1)
    rows = [
        HEADER,
        *[["王磊", "13800138000", f"2021/3/{day}", "电话", "回访", "", ""] for day in (1, 2, 3)],
    ]
    batch = _checked(sales1a, csv_upload(rows))
    ImportBatch.objects.filter(pk=batch.pk).update(status="queued", phase="run", rows_done=0)

    class Killed(Exception):
        pass

    def kill(chunks):
        if chunks == 2:
            raise Killed

    with pytest.raises(Killed):
        services.batch_process(batch_id=batch.pk, after_chunk=kill)
    assert FollowUp.objects.count() == 2
    batch = services.batch_process(batch_id=batch.pk)
    assert batch.status == "done" and batch.run_counts == {"new": 3}
    assert FollowUp.objects.count() == 3
