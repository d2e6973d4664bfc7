"""Several task workers share one import of customers (issue 16, INTG-1 speed): each takes
the chunks no other worker holds, and every row is done once — a duplicate inside the file
found whichever worker reaches it first (PostgreSQL: row locks across real connections)."""

import threading

import pytest
from django.db import connection
from django.utils import translation
from django.utils.translation import gettext

from guanxi.customers.models import Customer
from guanxi.imports.models import ImportBatch, ImportChunk, ImportRow
from guanxi.imports.spreadsheets import services
from tests.imports.support import HEADER, csv_upload, person_rows
from tests.sales.support import run_together

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs row locks across real connections"
    ),
]


def _queued_run(actor, rows):
    batch = services.batch_upload(actor=actor, upload=csv_upload([HEADER, *rows]))
    services.batch_check(actor=actor, batch=batch)
    ImportBatch.objects.filter(pk=batch.pk).update(status="queued", phase="run", rows_done=0)
    return batch


def test_two_workers_share_the_chunks_and_do_every_row_once(sales1a, monkeypatch):
    monkeypatch.setattr(services, "CHUNK", 5)
    rows = person_rows(60, start=7300)
    twin = [f"孪生{rows[3][0]}", rows[3][1], "", "广东", "深圳", "", "", "", ""]
    rows[47] = twin  # the same mobile as the 4th data row: spreadsheet rows 5 and 49
    batch = _queued_run(sales1a, rows)
    chunks_by: dict[str, int] = {}
    both_started = threading.Barrier(2, timeout=10)

    def worker(name):
        def after_chunk(chunks):
            if chunks == 1:
                both_started.wait()  # neither may finish the batch alone
            chunks_by[name] = chunks

        return lambda: services.batch_process(batch_id=batch.pk, after_chunk=after_chunk)

    assert run_together([worker("a"), worker("b")]) == ["ok", "ok"]
    batch.refresh_from_db()
    assert batch.status == "done" and batch.rows_done == 60
    assert batch.run_counts == {"new": 59, "duplicate": 1}
    assert chunks_by["a"] >= 1 and chunks_by["b"] >= 1
    assert chunks_by["a"] + chunks_by["b"] == 12
    assert not ImportChunk.objects.filter(batch=batch, done=False).exists()
    outcomes = dict(
        ImportRow.objects.filter(batch=batch, phase="run").values_list("row_number", "outcome")
    )
    assert sorted(outcomes) == list(range(2, 62))
    assert sorted([outcomes[5], outcomes[49]]) == ["duplicate", "new"]
    duplicate = ImportRow.objects.get(batch=batch, phase="run", outcome="duplicate")
    other = 49 if duplicate.row_number == 5 else 5
    with translation.override("zh-hans"):  # the workers' language: the site's default
        expected = gettext("The same customer as row %(row)d of the file.") % {"row": other}
    assert duplicate.reason == expected
    assert Customer.objects.filter(name__in=[rows[3][0], twin[0]]).count() == 1
    assert Customer.objects.filter(import_rows__batch=batch).distinct().count() == 59
    assert batch.report  # written once, by the worker that finished


def test_a_worker_that_finds_the_chunks_taken_waits_and_leaves_the_end_to_their_worker(
    sales1a, monkeypatch
):
    """The second worker starts while the first holds the last chunk: it waits for that
    chunk's lock, finds it done, and the batch ends once."""
    monkeypatch.setattr(services, "CHUNK", 10)
    batch = _queued_run(sales1a, person_rows(10, start=7400))
    holding = threading.Event()
    release = threading.Event()
    original = services._commit_chunk

    def slow_commit(*args, **kwargs):
        holding.set()
        release.wait(10)
        return original(*args, **kwargs)

    monkeypatch.setattr(services, "_commit_chunk", slow_commit)

    def second():
        holding.wait(10)
        release_later = threading.Timer(0.5, release.set)
        release_later.start()
        services.batch_process(batch_id=batch.pk)

    assert run_together([lambda: services.batch_process(batch_id=batch.pk), second]) == [
        "ok",
        "ok",
    ]
    batch.refresh_from_db()
    assert batch.status == "done" and batch.run_counts == {"new": 10}
    assert ImportRow.objects.filter(batch=batch, phase="run").count() == 10
