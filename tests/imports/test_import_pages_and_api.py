"""The import's pages and API (INTG-1, INTG-2): upload → map → dry run → run → result,
the progress fragment htmx polls, the error report download; scoped, JSON errors."""

import pytest
from django.urls import reverse

from guanxi.customers.models import Customer
from guanxi.imports.models import ImportBatch, ImportTemplate
from tests.imports.support import HEADER, csv_upload, person_rows

pytestmark = pytest.mark.django_db


def test_the_pages_walk_from_upload_to_the_customers(client_for, sales1a, sales2a):
    client = client_for(sales1a)
    page = client.get(reverse("imports:batch_list"))
    assert page.status_code == 200 and "gx-import-upload" in page.text
    rows = [HEADER, *person_rows(4), ["坏", "1", "", "", "", "", "", "", ""]]
    uploaded = client.post(
        reverse("imports:batch_list"), {"file": csv_upload(rows, encoding="gbk")}
    )
    batch = ImportBatch.objects.get()
    assert uploaded.status_code == 302 and uploaded.url == reverse(
        "imports:batch_detail", args=[batch.pk]
    )
    detail = client.get(uploaded.url)
    assert "gx-import-mapping" in detail.text and "测试客户0" in detail.text  # the first rows
    mapping = {
        **{f"col_{i}": "" for i in range(len(HEADER))},
        **{f"col_{i}": k for k, i in batch.mapping.items()},
    }
    checked = client.post(
        uploaded.url, {**mapping, "on_duplicate": "skip", "create_tags": "on", "save_as": "老系统"}
    )
    assert checked.status_code == 302
    batch.refresh_from_db()
    assert batch.status == "checked" and batch.check_counts == {"new": 4, "error": 1}
    assert ImportTemplate.objects.get(owner=sales1a).name == "老系统"
    detail = client.get(uploaded.url)
    assert "gx-import-report" in detail.text and "gx-import-start" in detail.text
    report = client.get(reverse("imports:batch_report", args=[batch.pk]))
    assert report.status_code == 200 and report["Content-Disposition"].startswith("attachment")
    started = client.post(reverse("imports:batch_start", args=[batch.pk]))
    assert started.status_code == 302
    progress = client.get(
        reverse("imports:batch_progress", args=[batch.pk]) + "?was=running",
        headers={"HX-Request": "true"},
    )
    assert 'aria-valuenow="100"' in progress.text and progress["HX-Refresh"] == "true"
    listed = client.get(reverse("customers:list"))
    assert "测试客户3" in listed.text
    # someone outside the importer's scope sees nothing of it
    other = client_for(sales2a)
    assert other.get(uploaded.url).status_code == 404
    assert other.get(reverse("imports:batch_report", args=[batch.pk])).status_code == 404


def test_a_bad_upload_is_a_field_error_on_the_page(client_for, sales1a):
    client = client_for(sales1a)
    response = client.post(
        reverse("imports:batch_list"), {"file": csv_upload([[""]], name="x.csv")}
    )
    assert response.status_code == 200 and "文件为空" in response.text  # translated (zh)
    assert not ImportBatch.objects.exists()


def test_a_mapping_with_a_field_twice_is_refused(client_for, sales1a):
    client = client_for(sales1a)
    client.post(reverse("imports:batch_list"), {"file": csv_upload([HEADER, *person_rows(1)])})
    batch = ImportBatch.objects.get()
    response = client.post(
        reverse("imports:batch_detail", args=[batch.pk]),
        {"col_0": "name", "col_1": "name", "on_duplicate": "skip"},
    )
    assert response.status_code == 200
    batch.refresh_from_db()
    assert batch.status == "uploaded"


def test_the_api_flow_and_its_errors(client_for, sales1a, sales2a):
    client = client_for(sales1a)
    uploaded = client.post("/api/v1/imports", {"file": csv_upload([HEADER, *person_rows(3)])})
    assert uploaded.status_code == 201, uploaded.text
    body = uploaded.json()
    assert body["mapping"]["name"] == 0 and body["encoding"] == "utf-8"
    batch_id = body["id"]
    bad = client.put(
        f"/api/v1/imports/{batch_id}/mapping",
        {"mapping": {"nope": 0}},
        content_type="application/json",
    )
    assert bad.status_code == 422 and "mapping" in bad.json()["errors"]
    fine = client.put(
        f"/api/v1/imports/{batch_id}/mapping",
        {"mapping": {"name": 0, "mobile": 1}, "on_duplicate": "skip"},
        content_type="application/json",
    )
    assert fine.status_code == 200
    checked = client.post(f"/api/v1/imports/{batch_id}/check")
    assert checked.status_code == 202 and checked.json()["counts"]["new"] == 3
    assert client.get(f"/api/v1/imports/{batch_id}/report").status_code == 200
    ran = client.post(f"/api/v1/imports/{batch_id}/run")
    assert ran.status_code == 202 and ran.json()["status"] == "done"
    progress = client.get(f"/api/v1/imports/{batch_id}/progress").json()
    assert progress["percent"] == 100 and progress["done"] == 3
    assert Customer.objects.filter(name__startswith="测试客户").count() == 3
    again = client.post(f"/api/v1/imports/{batch_id}/run")
    assert again.status_code == 409
    assert client_for(sales2a).get(f"/api/v1/imports/{batch_id}").status_code == 404
    assert client.get("/api/v1/imports/fields").json()[0]["key"] == "name"
    bad_file = client.post("/api/v1/imports", {"file": csv_upload([], name="e.csv")})
    assert bad_file.status_code == 422 and "file" in bad_file.json()["errors"]
