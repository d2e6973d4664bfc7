"""Importing customers from spreadsheets (INTG-1, ARC-5): encodings and headers, mapping,
the archive's validation and 查重, the dry run and its error report, the background run that
resumes after a crash with every row once, cancel, roll back, scope and permission."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone, translation
from django.utils.translation import gettext_noop
from openpyxl import load_workbook

from guanxi.core.errors import Conflict, PermissionDenied, ValidationFailed
from guanxi.core.models import AuditLog
from guanxi.customers.archive import services as archive
from guanxi.customers.archive.validation import CustomerInput
from guanxi.customers.models import Contact, Customer, Source
from guanxi.imports.models import ImportBatch, ImportRow
from guanxi.imports.spreadsheets import reading, selectors, services
from guanxi.imports.spreadsheets.names import named
from guanxi.imports.spreadsheets.services import MappingInput
from guanxi.sales.models import Contract
from tests.imports.support import HEADER, csv_upload, person_rows, xlsx_upload

pytestmark = pytest.mark.django_db


def _checked(actor, upload, **options):
    batch = services.batch_upload(actor=actor, upload=upload)
    if options:
        data = MappingInput(mapping=batch.mapping, **options)
        batch = services.batch_map(actor=actor, batch=batch, data=data)
    services.batch_check(actor=actor, batch=batch)
    batch.refresh_from_db()
    return batch


def _run(actor, batch):
    services.batch_start(actor=actor, batch=batch)
    batch.refresh_from_db()
    return batch


def _reasons(batch, phase="check"):
    rows = ImportRow.objects.filter(batch=batch, phase=phase).exclude(outcome__in=["new"])
    return dict(rows.values_list("row_number", "reason"))


def test_gbk_csv_with_chinese_headers_is_mapped_checked_and_imported(sales1a):
    rows = [
        [*HEADER, "公司", "联系人职务"],
        [
            "王磊",
            "138 0013 8000",
            "WANG@Example.cn",
            "广东",
            "深圳",
            "",
            "",
            "VIP、老客户",
            "1990年1月5日",
            "星辰科技有限公司",
            "采购经理",
        ],
        ["李娜", "+86 139-0013-8001", "", "浙江", "杭州", "sales1a", "", "", "2026/1/5", "", ""],
        ["坏行", "12", "x@", "", "", "", "", "", "2026年13月1日", "", ""],
    ]
    batch = _checked(sales1a, csv_upload(rows, encoding="gbk"))
    assert batch.encoding == "gb18030"
    assert batch.mapping["name"] == 0 and batch.mapping["mobile"] == 1
    assert batch.mapping["company"] == 9 and batch.mapping["contact_title"] == 10
    assert batch.status == "checked"
    assert batch.check_counts == {"new": 2, "error": 1}
    assert not Customer.objects.filter(name__in=["王磊", "李娜"]).exists()  # a dry run
    reason = _reasons(batch)[4]
    assert "手机" in reason and "邮箱" in reason and "出生日期" in reason

    batch = _run(sales1a, batch)
    assert batch.status == "done" and batch.run_counts == {"new": 2, "error": 1}
    company = Customer.objects.get(name="星辰科技有限公司")
    assert company.kind == "organisation" and company.owner == sales1a
    assert company.mobile == "+8613800138000" and company.email == "wang@example.cn"
    assert sorted(company.tags.values_list("name", flat=True)) == ["VIP", "老客户"]
    contact = Contact.objects.get(customer=company)
    assert (contact.name, contact.title) == ("王磊", "采购经理")
    person = Customer.objects.get(name="李娜")
    assert str(person.birth_date) == "2026-01-05" and person.mobile == "+8613900138001"
    # every imported record knows its batch
    assert set(
        ImportRow.objects.filter(batch=batch, outcome="new").values_list("customer_id", flat=True)
    ) == {company.pk, person.pk}
    audit = AuditLog.objects.get(action="imports.run")
    assert audit.actor_id == sales1a.pk


def test_utf8_with_bom_and_english_headers(sales1a):
    rows = [["Customer Name", "Mobile", "E-mail", "Tags"], ["Alice Wang", "13900139000", "", "vip"]]
    upload = SimpleUploadedFile("e.csv", "\ufeff".encode() + csv_upload(rows).read())
    batch = _checked(sales1a, upload)
    assert batch.encoding == "utf-8-sig" and batch.headers[0] == "Customer Name"
    assert batch.mapping == {"name": 0, "mobile": 1, "email": 2, "tags": 3}
    assert _run(sales1a, batch).run_counts == {"new": 1}


def test_mixed_encodings_are_decoded_per_line_never_garbled(sales1a):
    head = "姓名,手机\n".encode()
    utf8 = "张三,13900139001\n".encode()
    gbk = "李四,13900139002\n".encode("gbk")
    broken = b"\xff\xfe\xfa,13900139003\n"
    upload = SimpleUploadedFile("m.csv", head + utf8 + gbk + broken)
    batch = _run(sales1a, _checked(sales1a, upload))
    assert sorted(
        Customer.objects.filter(name__in=["张三", "李四"]).values_list("name", flat=True)
    ) == ["张三", "李四"]
    assert batch.run_counts == {"new": 2, "error": 1}
    assert "GB18030" in _reasons(batch, "run")[4]


@pytest.mark.parametrize("streamed", [False, True], ids=["calamine", "stream"])
def test_xlsx_dates_formulas_and_a_merged_header(sales1a, streamed, monkeypatch):
    if streamed:  # the reader for sheets too large to hold (issue 16: bounded memory)
        monkeypatch.setattr(reading, "CALAMINE_MAX_SHEET_BYTES", 0)
    rows = [
        ["客户资料", None, None, "联系方式", None],  # a merged title row is the header here
        ["姓名", "生日", "备注", "手机", "首次联系时间"],
        ["赵六", 32874, "=1+1", "13900139004", "2026年1月5日 9:30"],
        ["钱七", "2026.1.5", "普通", "13900139005", 46027],
    ]
    upload = xlsx_upload(rows, merge="A1:C1")
    batch = services.batch_upload(actor=sales1a, upload=upload)
    assert batch.headers[:3] == ["客户资料", "第 2 列", "第 3 列"]  # a merged cell's tail
    data = MappingInput(
        mapping={"name": 0, "birth_date": 1, "notes": 2, "mobile": 3, "first_contact_at": 4}
    )
    batch = services.batch_map(actor=sales1a, batch=batch, data=data)
    services.batch_check(actor=sales1a, batch=batch)
    batch.refresh_from_db()
    # the second header row reads as data: a name "姓名" with no valid mobile and birth date
    assert batch.check_counts == {"new": 2, "error": 1}
    batch = _run(sales1a, batch)
    zhao = Customer.objects.get(name="赵六")
    assert str(zhao.birth_date) == "1990-01-01"  # Excel serial 32874
    assert zhao.notes == ""  # a formula counts by its computed value (none saved here)
    assert (
        timezone.localtime(zhao.first_contact_at).strftime("%Y-%m-%d %H:%M") == "2026-01-05 09:30"
    )
    qian = Customer.objects.get(name="钱七")
    assert str(qian.birth_date) == "2026-01-05"
    assert timezone.localtime(qian.first_contact_at).date().isoformat() == "2026-01-05"


def test_duplicates_inside_the_file_and_against_the_archive_name_the_owner(sales1a, sales1b):
    archive.customer_create(
        actor=sales1b, data=CustomerInput(name="已有客户", mobile="13900000001")
    )
    rows = [HEADER, *person_rows(3), person_rows(1)[0]]
    batch = _checked(sales1a, csv_upload(rows))
    assert batch.check_counts == {"new": 2, "duplicate": 2}
    reasons = _reasons(batch)
    assert "row 2" in reasons[5] or "第 2 行" in reasons[5]
    assert str(sales1b) in reasons[3]  # who owns the match, nothing else of it
    batch = _run(sales1a, batch)
    assert batch.run_counts == {"new": 2, "duplicate": 2}
    assert Customer.objects.filter(mobile="+8613900000001").count() == 1


@pytest.mark.parametrize(
    ("mode", "expected_city"), [("skip", "广州"), ("update_empty", "广州"), ("update_all", "深圳")]
)
def test_update_modes_on_a_match(sales1a, mode, expected_city):
    mine = archive.customer_create(
        actor=sales1a, data=CustomerInput(name="我的客户", mobile="13900000000", city="广州")
    )
    batch = _checked(sales1a, csv_upload([HEADER, *person_rows(1)]), on_duplicate=mode)
    counts = {"skip": {"duplicate": 1}}.get(mode, {"updated": 1})
    assert batch.check_counts == counts
    batch = _run(sales1a, batch)
    mine.refresh_from_db()
    assert mine.city == expected_city
    assert (mine.email == "c0@example.cn") == (mode != "skip")


def test_a_match_the_importer_may_not_change_is_a_duplicate_even_when_updating(sales1a, sales2a):
    archive.customer_create(actor=sales2a, data=CustomerInput(name="别人的", mobile="13900000000"))
    batch = _checked(sales1a, csv_upload([HEADER, *person_rows(1)]), on_duplicate="update_all")
    assert batch.check_counts == {"duplicate": 1}


def test_owners_by_name_and_the_permission_to_import_for_others(sales1a, sales1b, manager):
    rows = [HEADER, ["甲", "13900000010", "", "", "", "sales1b", "", "", ""]]
    batch = _checked(sales1a, csv_upload(rows))
    assert batch.check_counts == {"error": 1}
    assert "sales1b" in _reasons(batch)[2]
    batch = _run(manager, _checked(manager, csv_upload(rows, name="m.csv")))
    assert Customer.objects.get(name="甲").owner == sales1b
    with pytest.raises(PermissionDenied):
        services.batch_map(
            actor=sales1a,
            batch=services.batch_upload(actor=sales1a, upload=csv_upload(rows, name="x.csv")),
            data=MappingInput(mapping={"name": 0}, default_owner_id=sales1b.pk),
        )


def test_sources_created_or_refused_and_tags_refused(admin_user, sales1a):
    rows = [HEADER, ["乙", "13900000020", "", "", "", "", "展会新渠道", "新标签", ""]]
    refused = _checked(sales1a, csv_upload(rows), create_tags=False)
    reason = _reasons(refused)[2]
    assert "展会新渠道" in reason and "新标签" in reason
    with pytest.raises(ValidationFailed):  # creating sources needs customer.manage_fields
        _checked(sales1a, csv_upload(rows, name="s.csv"), create_sources=True)
    batch = _run(
        admin_user, _checked(admin_user, csv_upload(rows, name="a.csv"), create_sources=True)
    )
    assert batch.run_counts == {"new": 1}
    assert Customer.objects.get(name="乙").source == Source.objects.get(name="展会新渠道")


def test_the_error_report_has_the_original_rows_and_a_reason(sales1a):
    rows = [HEADER, *person_rows(2), ['=HYPERLINK("x")', "12", "", "", "", "", "", "", ""]]
    batch = _checked(sales1a, csv_upload(rows))
    sheet = load_workbook(batch.report.open("rb"), read_only=True).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0][2:] == HEADER
    assert values[1][0] == 4 and values[1][1]
    assert values[1][2] == '\'=HYPERLINK("x")'  # never a live formula


def test_a_worker_killed_between_chunks_resumes_with_every_row_once(sales1a, monkeypatch):
    monkeypatch.setattr(services, "CHUNK", 4)
    rows = [HEADER, *person_rows(10)]
    batch = _checked(sales1a, csv_upload(rows))
    ImportBatch.objects.filter(pk=batch.pk).update(status="queued", phase="run", rows_done=0)

    class Killed(Exception):
        pass

    def kill(chunks):
        if chunks == 2:
            raise Killed

    with pytest.raises(Killed):
        services.batch_process(batch_id=batch.pk, after_chunk=kill)
    batch.refresh_from_db()
    assert batch.rows_done == 8 and batch.status == "running"
    assert Customer.objects.filter(name__startswith="测试客户").count() == 8
    # the task is queued again (core.task_recovery) and resumes after the last chunk
    batch = services.batch_process(batch_id=batch.pk)
    assert batch.status == "done" and batch.run_counts == {"new": 10}
    assert Customer.objects.filter(name__startswith="测试客户").count() == 10
    assert ImportRow.objects.filter(batch=batch, phase="run").count() == 10
    # a second worker running the same task late does nothing twice
    services.batch_process(batch_id=batch.pk)
    assert Customer.objects.filter(name__startswith="测试客户").count() == 10


def test_only_an_import_of_customers_on_postgresql_is_shared_by_workers(settings):
    """tests/imports/test_import_workers.py runs two workers on one batch."""
    settings.IMPORT_WORKERS = 3
    shared = 3 if connection.vendor == "postgresql" else 1
    assert services.import_workers(kind=ImportBatch.Kind.CUSTOMERS) == shared
    assert services.import_workers(kind=ImportBatch.Kind.FOLLOWUPS) == 1
    assert services.import_workers(kind=ImportBatch.Kind.PURCHASES) == 1


def test_the_same_file_cannot_run_twice_at_once_and_a_second_run_doubles_nothing(sales1a):
    rows = [HEADER, *person_rows(3)]
    first = _checked(sales1a, csv_upload(rows))
    second = _checked(sales1a, csv_upload(rows))
    ImportBatch.objects.filter(pk=first.pk).update(status="running", phase="run")
    with pytest.raises(Conflict):
        services.batch_start(actor=sales1a, batch=second)
    ImportBatch.objects.filter(pk=first.pk).update(status="checked", phase="check")
    _run(sales1a, first)
    second = _run(sales1a, second)
    assert second.run_counts == {"duplicate": 3}
    assert Customer.objects.filter(name__startswith="测试客户").count() == 3


def test_cancel_stops_after_the_chunk_under_way(sales1a, monkeypatch):
    monkeypatch.setattr(services, "CHUNK", 2)
    batch = _checked(sales1a, csv_upload([HEADER, *person_rows(6)]))
    ImportBatch.objects.filter(pk=batch.pk).update(status="queued", phase="run", rows_done=0)
    batch.refresh_from_db()

    def cancel(chunks):
        services.batch_cancel(actor=sales1a, batch=batch)

    batch = services.batch_process(batch_id=batch.pk, after_chunk=cancel)
    assert batch.status == "cancelled" and batch.rows_done == 2
    assert Customer.objects.filter(name__startswith="测试客户").count() == 2


def test_rollback_by_the_importer_within_a_day(sales1a, manager):
    existing = archive.customer_create(
        actor=sales1a, data=CustomerInput(name="旧客户", mobile="13900000000")
    )
    batch = _run(
        sales1a,
        _checked(sales1a, csv_upload([HEADER, *person_rows(3)]), on_duplicate="update_empty"),
    )
    assert batch.run_counts == {"new": 2, "updated": 1}
    with pytest.raises(PermissionDenied):
        services.batch_rollback(actor=manager, batch=batch)
    assert services.batch_rollback(actor=sales1a, batch=batch) == 2
    assert (
        Customer.objects.filter(name__startswith="测试客户", deleted_at__isnull=True).count() == 0
    )
    existing.refresh_from_db()
    assert existing.deleted_at is None  # updated, not created: kept
    # the same rows can be imported again (the keys were freed)
    again = _run(sales1a, _checked(sales1a, csv_upload([HEADER, *person_rows(3)], name="b.csv")))
    assert again.run_counts == {"new": 2, "duplicate": 1}
    ImportBatch.objects.filter(pk=again.pk).update(
        finished_at=timezone.now() - timezone.timedelta(days=2)
    )
    with pytest.raises(Conflict):
        services.batch_rollback(actor=sales1a, batch=again)


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("sales1a", True),
        ("sales1b", False),
        ("sales2a", False),
        ("manager", True),
        ("admin_user", True),
    ],
)
def test_a_batch_is_seen_in_its_importers_scope(request, sales1a, role, sees):
    batch = services.batch_upload(actor=sales1a, upload=csv_upload([HEADER, *person_rows(1)]))
    viewer = request.getfixturevalue(role)
    assert (batch in selectors.batch_list(user=viewer)) == sees


# ---------------------------------------------------------------- bad files


def _refused(actor, upload) -> str:
    with pytest.raises(ValidationFailed) as caught, translation.override("en"):
        services.batch_upload(actor=actor, upload=upload)
    assert ImportBatch.objects.count() == 0
    return str(caught.value.field_errors["file"][0])


def test_bad_files_are_refused_with_a_clear_error(sales1a):
    assert "empty" in _refused(sales1a, SimpleUploadedFile("e.csv", b""))
    assert "empty" in _refused(sales1a, SimpleUploadedFile("e.csv", b"\n\n,,\n"))
    assert ".xlsx" in _refused(sales1a, SimpleUploadedFile("n.xlsx", b"PK not a zip at all"))
    assert ".xlsx" in _refused(sales1a, SimpleUploadedFile("n.pdf", b"%PDF"))
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive_file:
        archive_file.writestr("[Content_Types].xml", "<x/>")
        archive_file.writestr("xl/worksheets/sheet1.xml", b"0" * (50 * 1024 * 1024))
    assert "unreasonable" in _refused(sales1a, SimpleUploadedFile("b.xlsx", bomb.getvalue()))


def test_a_100_mb_single_line_is_refused_reading_at_most_a_bounded_part(sales1a):
    line = b"a" * (100 * 1024 * 1024)
    assert "longer than" in _refused(sales1a, SimpleUploadedFile("l.csv", line))


def test_a_long_line_further_down_fails_the_batch_with_its_report(sales1a):
    body = "姓名,手机\n甲,13900000030\n".encode() + b"b" * (2 * 1024 * 1024) + b"\n"
    batch = services.batch_upload(actor=sales1a, upload=SimpleUploadedFile("l.csv", body))
    with translation.override("en"):
        services.batch_check(actor=sales1a, batch=batch)
    batch.refresh_from_db()
    assert batch.status == "failed" and "longer than" in batch.failure
    assert batch.report  # never a batch without its report


def test_the_demo_import_is_finished_with_its_report(sales1a):
    from guanxi.imports.demo import seed_imports_demo

    for index in range(3):
        archive.customer_create(
            actor=sales1a, data=CustomerInput(name=f"档案客户{index}", mobile=f"1391234567{index}")
        )
    stats = seed_imports_demo(rows=8)
    assert stats.counts == {"updated": 3, "duplicate": 1, "error": 3}
    batch = ImportBatch.objects.get(kind="customers")
    assert batch.status == "done" and batch.report and batch.encoding == "gb18030"
    assert Customer.objects.count() == 3  # the demo fills fields, it adds no customers
    assert Customer.objects.filter(wechat__startswith="wx_").count() == 3
    # follow-ups and past orders of the first two customers, each file with its errors
    followups = ImportBatch.objects.get(kind="followups")
    assert followups.status == "done" and followups.report
    assert {k: int(v) for k, v in followups.run_counts.items()} == {
        "new": 4,
        "duplicate": 1,
        "error": 1,
    }
    purchases = ImportBatch.objects.get(kind="purchases")
    assert purchases.status == "done" and purchases.owner.username == "manager"
    assert {k: int(v) for k, v in purchases.run_counts.items()} == {
        "new": 2,
        "duplicate": 1,
        "error": 1,
    }
    history = Contract.objects.filter(is_history=True).order_by("reference")
    assert [c.reference for c in history] == ["ERP-2024-0001", "ERP-2024-0002"]
    assert [c.status for c in history] == ["completed", "executing"]  # the last paid in part
    assert seed_imports_demo().skipped


def test_the_dry_run_asks_the_database_per_chunk_not_per_row(sales1a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for size in (10, 60):
        batch = services.batch_upload(
            actor=sales1a, upload=csv_upload([HEADER, *person_rows(size, start=size * 100)])
        )
        with CaptureQueriesContext(connection) as queries:
            services.batch_check(actor=sales1a, batch=batch)
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_new_customers_are_written_in_bulk_with_all_that_customer_create_writes(sales1a):
    """INTG-1 performance: the run writes a chunk's new customers with a few INSERTs
    (customers_create_bulk) — history, dedup keys, tags, contacts, timeline, prospect — and
    fires customers_created once a chunk: care touches and webhook events as for one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from guanxi.care.models import CareTouch
    from guanxi.customers import hooks
    from guanxi.customers.models import DedupKey, TimelineEvent
    from guanxi.pipeline.models import Prospect
    from guanxi.webhooks.models import Delivery
    from tests.care.factories import CareRuleFactory
    from tests.webhooks.factories import SubscriptionFactory

    # every app that hears of one new customer hears of a batch of them too
    assert len(list(hooks.customer_created)) == len(list(hooks.customers_created))
    rule = CareRuleFactory(trigger="customer_created")
    SubscriptionFactory(owner=sales1a, events=["customer.created"])
    header = [*HEADER, "公司", "联系人职务"]
    counts = []
    for size, start in ((10, 7000), (60, 8000)):
        rows = [
            [*row, f"星辰{start + i}有限公司", "经理"]
            for i, row in enumerate(person_rows(size, start=start))
        ]
        batch = _checked(sales1a, csv_upload([header, *rows]))
        with CaptureQueriesContext(connection) as queries:
            batch = _run(sales1a, batch)
        counts.append(len(queries))
        assert batch.run_counts == {"new": size}
    # per chunk, not per row (the first run also creates the two tags)
    assert counts[1] <= counts[0], counts
    ids = list(
        ImportRow.objects.filter(batch=batch, phase="run").values_list("customer_id", flat=True)
    )
    customers = Customer.objects.filter(pk__in=ids)
    assert customers.count() == 60
    company = customers.get(name="星辰8001有限公司")
    assert company.owner == sales1a and company.department_id == sales1a.department_id
    assert company.name_pinyin and company.category == "potential"
    assert sorted(company.tags.values_list("name", flat=True)) == ["VIP", "老客户"]
    assert company.history.get().history_user_id == sales1a.pk
    contact = Contact.objects.get(customer=company)
    assert (contact.name, contact.title) == ("测试客户8001", "经理")
    assert contact.history.count() == 1
    assert set(DedupKey.objects.filter(customer=company).values_list("rule", flat=True)) >= {
        "mobile",
        "email",
    }
    assert sorted(
        TimelineEvent.objects.filter(customer=company).values_list("kind", flat=True)
    ) == [
        "contact",
        "created",
    ]
    assert Prospect.objects.filter(customer_id__in=ids).count() == 60
    assert CareTouch.objects.filter(rule=rule, customer_id__in=ids).count() == 60
    assert Delivery.objects.filter(event="customer.created").count() == 70
    # the imported customers block the same keys again, as any customer does
    again = _checked(sales1a, csv_upload([header, *rows]))
    assert again.check_counts == {"duplicate": 60}


def test_a_key_taken_meanwhile_sends_the_chunk_through_the_service_row_by_row(sales1a):
    """A customer created by someone else between the chunk's 查重 and its INSERT: the bulk
    savepoint is undone, the rows go one by one, and only that row is a duplicate."""
    from guanxi.imports.spreadsheets import rows as import_rows

    batch = _checked(sales1a, csv_upload([HEADER, *person_rows(5, start=9100)]))
    original = import_rows._archive_matches

    def late(prepared):
        found = original(prepared)
        archive.customer_create(
            actor=sales1a, data=CustomerInput(kind="person", name="抢先", mobile="13900009102")
        )
        return found

    import_rows._archive_matches = late
    try:
        batch = _run(sales1a, batch)
    finally:
        import_rows._archive_matches = original
    assert batch.run_counts == {"new": 4, "duplicate": 1}
    assert Customer.objects.filter(name__startswith="测试客户91").count() == 4


def test_a_name_that_names_nothing_is_reported_in_the_users_language():
    """`named` takes the message as a msgid and translates it only for a row that has the
    error (not once for each row of a large file)."""
    message = gettext_noop("Owner: %(name)s is not a user you may import for.")
    errors: list[str] = []
    with translation.override("zh-hans"):
        assert named("赵无名", {"张三": object()}, errors, message) is None
    with translation.override("en"):
        assert named("Nobody", {}, errors, message) is None
        assert named("", {}, errors, message) is None
    assert errors == [
        "负责人：赵无名 不是您可以为其导入的用户。",
        "Owner: Nobody is not a user you may import for.",
    ]
