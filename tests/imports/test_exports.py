"""Exports of every list (RPT-2): in the user's scope through the list's own selector, with
its filters, formulas defused in every kind and format, audited; small ones at once, larger
ones as background jobs with progress, a download for the owner only, expiry; the API."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from guanxi.accounts.models import User
from guanxi.core.errors import PermissionDenied, ValidationFailed
from guanxi.core.models import AuditLog
from guanxi.core.spreadsheets import WrittenExport, write_xlsx
from guanxi.imports.exports import running, services
from guanxi.imports.exports.kinds import KINDS
from guanxi.imports.models import ExportJob
from guanxi.pipeline.pools.services import pool_release
from guanxi.sales.models import Contract
from tests.care.factories import CareTaskRowFactory, FollowUpRowFactory
from tests.customers.factories import CustomerFactory
from tests.pipeline.factories import PoolFactory
from tests.sales.factories import (
    InvoiceRowFactory,
    ProductFactory,
    make_contract,
    make_quote,
    pay,
    place_order,
)
from tests.sales.support import api
from tests.service.calls_factories import make_call
from tests.service.factories import make_complaint

pytestmark = pytest.mark.django_db

# Each consultant's customer is named like a formula: every export must defuse it.
NAMES = {"sales1a": '=HYPERLINK("http://x")', "sales2a": "+SUM(A1:A9)"}
POOL_NAME = "-公海客户"
EXPORTERS = ("manager", "relations", "marketing", "admin")  # roles with customer.export


def _users() -> dict[str, User]:
    return {u.username: u for u in User.objects.all()}


@pytest.fixture(scope="module")
def world(shared_data):
    """Customers of sales1a and sales2a with a record in every list, and one in a pool."""
    with shared_data():
        users = _users()
        product = ProductFactory(name="@产品")
        today = timezone.localdate()
        for username, name in NAMES.items():
            owner = users[username]
            customer = CustomerFactory(owner=owner, name=name)
            contract = make_contract(owner, customer, total="900.00")
            place_order(owner, contract, (contract.items.first(), "1"))
            pay(owner, contract, "100.00")
            InvoiceRowFactory(
                contract=contract, number=f"=INV-{username}", amount="100.00", issued_on=today
            )
            make_quote(owner, customer, product)
            FollowUpRowFactory(
                customer=customer, user=owner, at=timezone.now(), content="=cmd|' /C calc'!A0"
            )
            CareTaskRowFactory(customer=customer, assignee=owner, title="@回访")
            make_complaint(users["agent"], customer, title="=投诉")
            make_call(users["agent"], customer=customer, notes="-来电")
        pool = PoolFactory(department=users["manager"].department, name="中心公海")
        released = CustomerFactory(owner=users["sales1a"], name=POOL_NAME)
        pool_release(actor=users["sales1a"], customer=released, pool=pool, reason="no_progress")
        yield {"pool": pool}


def _read(direct: WrittenExport, fmt: str) -> list[list[str]]:
    data = direct.file.read()
    if fmt == "csv":
        assert data.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads the UTF-8 as such
        return [row for row in csv.reader(io.StringIO(data.decode("utf-8-sig")))]
    sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def _export(user, kind, fmt="csv", **params) -> list[list[str]]:
    started = services.export_start(
        actor=user, data=services.ExportRequest(kind=kind, format=fmt, params=params)
    )
    assert started.direct is not None
    return _read(started.direct, fmt)


def _params(kind, world):
    return {"pool": str(world["pool"].pk)} if kind == "pool" else {}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_exports_in_scope_with_formulas_defused(world, org, kind, fmt):
    # the call log is scoped by the agent who took the call: the administrator sees them all
    exporter = org["admin"] if kind == "calls" else org["manager"]
    rows = _export(exporter, kind, fmt, **_params(kind, world))
    header, body = rows[0], rows[1:]
    assert header == KINDS[kind].columns()
    assert body, kind
    cells = [cell for row in body for cell in row]
    for cell in cells:
        assert cell[:1] not in ("=", "+", "-", "@"), (kind, cell)
    text = "\n".join(cells)
    if kind == "pool":
        assert "'" + POOL_NAME in text
    else:  # the manager's scope: both teams' customers
        assert "'" + NAMES["sales1a"] in text and "'" + NAMES["sales2a"] in text


# the customers each exporting role sees: the manager his two teams, the others everyone
@pytest.mark.parametrize("viewer", EXPORTERS)
def test_each_role_exports_its_scope(world, org, viewer):
    rows = _export(org[viewer], "contracts")
    customers = {row[2] for row in rows[1:]}
    assert customers == {"'" + name for name in NAMES.values()}
    names = {row[1] for row in _export(org[viewer], "customers")[1:]}
    assert {"'" + n for n in NAMES.values()} <= names


def test_scope_is_the_lists_own_a_manager_of_one_team_sees_only_it(world, org):
    """sales1a's department head would see only it: the export reads visible_to."""
    seen = Contract.objects.visible_to(org["sales1a"]).values_list("customer__name", flat=True)
    assert set(seen) == {NAMES["sales1a"]}


@pytest.mark.parametrize("viewer", ["sales1a", "sales2a", "agent"])
def test_roles_without_the_permission_may_not_export(world, org, viewer):
    with pytest.raises(PermissionDenied):
        _export(org[viewer], "customers")


def test_the_lists_filters_apply(world, org):
    manager = org["manager"]
    rows = _export(manager, "contracts", q=NAMES["sales2a"][:4])
    assert [row[2] for row in rows[1:]] == ["'" + NAMES["sales2a"]]
    rows = _export(manager, "contracts", status=Contract.Status.DRAFT)
    assert rows[1:] == []
    owner = org["sales1a"].pk
    rows = _export(manager, "visits", assignee=str(owner))
    assert {row[1] for row in rows[1:]} == {"'" + NAMES["sales1a"]}
    # paging parameters are not filters: the whole selection is exported
    rows = _export(manager, "contracts", cursor="1")
    assert len(rows) == 3


def test_bad_requests_are_refused_with_field_errors(world, org):
    with pytest.raises(ValidationFailed) as caught:
        services.export_start(
            actor=org["manager"],
            data=services.ExportRequest(kind="nope", format="pdf", params={}),
        )
    assert set(caught.value.field_errors) == {"kind", "format"}


def test_an_export_is_audited_with_its_filters_and_rows(world, org):
    _export(org["manager"], "payments")
    entry = AuditLog.objects.filter(action=AuditLog.Action.EXPORT).latest("id")
    assert entry.summary == "payments.csv: 2"
    assert entry.detail["rows"] == 2 and entry.detail["complete"] is True


# ---------------------------------------------------------------- background jobs


@pytest.fixture
def small(monkeypatch):
    """Every export of more than one row becomes a background job."""
    monkeypatch.setattr(services, "SMALL", 1)
    monkeypatch.setattr(running, "PROGRESS_EVERY", 1)


def _start_job(client, kind="customers", fmt="xlsx", params=""):
    return client.post(
        reverse("imports:export_start"), {"kind": kind, "format": fmt, "params": params}
    )


def test_a_large_export_runs_in_the_background_and_only_its_owner_downloads_it(
    world, org, client_for, small, django_capture_on_commit_callbacks
):
    manager = client_for(org["manager"])
    with django_capture_on_commit_callbacks(execute=True):
        response = _start_job(manager, "contracts", "xlsx", "signed_from=2000-01-01")
    assert response.status_code == 302
    job = ExportJob.objects.get(owner=org["manager"])
    assert job.status == ExportJob.Status.DONE and job.rows_done == 2 and job.percent == 100
    assert job.params == {"signed_from": "2000-01-01"}
    assert default_storage.exists(job.file.name)
    page = manager.get(reverse("imports:export_list"))
    assert reverse("imports:export_download", args=[job.pk]) in page.content.decode()
    download = manager.get(reverse("imports:export_download", args=[job.pk]))
    assert download.status_code == 200 and download["Cache-Control"] == "no-store"
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content)), read_only=True)
    assert len(list(sheet.worksheets[0].iter_rows())) == 3
    for other in ("relations", "admin"):
        assert (
            client_for(org[other])
            .get(reverse("imports:export_download", args=[job.pk]))
            .status_code
            == 404
        )
    # expiry deletes the file; the download answers 404 afterwards
    assert running.exports_expire(now=timezone.now() + dt.timedelta(days=4)) == 1
    job.refresh_from_db()
    assert job.status == ExportJob.Status.EXPIRED and not default_storage.exists("x" + "")
    assert manager.get(reverse("imports:export_download", args=[job.pk])).status_code == 404


def test_progress_is_polled_while_a_job_runs_and_survives_a_reload(world, org, client_for):
    job = ExportJob.objects.create(
        owner=org["manager"],
        kind="customers",
        format="csv",
        status="running",
        rows_expected=200,
        rows_done=50,
    )
    client = client_for(org["manager"])
    page = client.get(reverse("imports:export_list")).content.decode()
    assert 'hx-trigger="every 2s"' in page and "width: 25%" in page
    partial = client.get(
        reverse("imports:export_progress", args=[job.pk]), headers={"HX-Request": "true"}
    )
    assert partial.status_code == 200 and "width: 25%" in partial.content.decode()
    assert "<html" not in partial.content.decode()
    other = client_for(org["admin"]).get(
        reverse("imports:export_progress", args=[job.pk]), headers={"HX-Request": "true"}
    )
    assert other.status_code == 404


def test_a_job_whose_owner_lost_the_permission_fails_and_is_audited(world, org):
    job = ExportJob.objects.create(owner=org["sales1a"], kind="customers", format="csv")
    with pytest.raises(PermissionDenied):
        running.export_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED and not job.file
    entry = AuditLog.objects.filter(action=AuditLog.Action.EXPORT).latest("id")
    assert entry.detail["complete"] is False


def test_a_small_export_comes_back_at_once(world, org, client_for):
    response = _start_job(client_for(org["manager"]), "orders", "csv")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="orders-')
    assert not ExportJob.objects.exists()


# ---------------------------------------------------------------- the Export buttons

LIST_PAGES = {
    "customers": ("customers:list", []),
    "contracts": ("sales:contract_list", []),
    "quotes": ("sales:quote_list", []),
    "deliveries": ("sales:delivery_schedule", []),
    "instalments": ("sales:receivables", []),
    "visits": ("care:visit_list", []),
    "complaints": ("service:complaint_list", []),
    "calls": ("service:call_list", []),
}


@pytest.mark.parametrize("kind", sorted(LIST_PAGES))
def test_list_pages_show_the_export_button_to_exporters_only(world, org, client_for, kind):
    name, args = LIST_PAGES[kind]
    url = reverse(name, args=args) + "?q=abc&cursor=5"
    page = client_for(org["manager"]).get(url).content.decode()
    assert f'data-list="{kind}"' in page
    assert "cursor=5" not in page.split(f'data-list="{kind}"')[1].split("</form>")[0]
    assert f'data-list="{kind}"' not in client_for(org["sales1a"]).get(url).content.decode()


def test_the_pool_page_exports_its_pool(world, org, client_for):
    page = client_for(org["manager"]).get(reverse("pipeline:pool_detail", args=[world["pool"].pk]))
    assert f"pool={world['pool'].pk}" in page.content.decode()


# ---------------------------------------------------------------- API


def test_api_starts_follows_and_downloads_an_export(world, org, django_capture_on_commit_callbacks):
    client = api(org["relations"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/exports",
            {"kind": "invoices", "format": "csv", "params": {}},
            content_type="application/json",
        )
    assert response.status_code == 201, response.content
    job_id = response.json()["id"]
    status = client.get(f"/api/v1/exports/{job_id}").json()
    assert status["status"] == "done" and status["rows_done"] == 2
    download = client.get(status["download_url"])
    assert download.status_code == 200
    text = b"".join(download.streaming_content).decode("utf-8-sig")
    assert "'=INV-sales1a" in text
    assert api(org["admin"]).get(f"/api/v1/exports/{job_id}").status_code == 404
    assert client.get("/api/v1/exports").json()["items"][0]["id"] == job_id


def test_api_refuses_bad_input_and_missing_permission(world, org):
    bad = api(org["manager"]).post(
        "/api/v1/exports", {"kind": "secrets", "format": "xlsx"}, content_type="application/json"
    )
    assert bad.status_code == 422 and "kind" in str(bad.json())
    denied = api(org["sales1a"]).post(
        "/api/v1/exports", {"kind": "customers"}, content_type="application/json"
    )
    assert denied.status_code == 403


def test_the_streaming_xlsx_writer_keeps_types_and_drops_what_xml_cannot_hold():
    out = io.BytesIO()
    rows = [
        ["名称", "数", "日期", "空", "是"],
        ["a\x00<b>&\x1f", Decimal("12.50"), dt.date(2026, 1, 5), "", True],
    ]
    assert write_xlsx(out, sheet_title="客户[1]:*", rows=rows) == 1
    book = load_workbook(io.BytesIO(out.getvalue()))
    sheet = book.worksheets[0]
    assert sheet.title == "客户1"
    values = [cell.value for cell in sheet[2]]
    assert values[:2] == ["a<b>&", 12.5] and values[2].date() == dt.date(2026, 1, 5)
    assert values[3] is None and values[4] is True
