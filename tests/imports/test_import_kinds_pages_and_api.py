"""The import's pages and API for follow-ups and purchase history (INTG-1, INTG-2): the kind
chosen on upload and shown in the list, the mapping page with the kind's fields and
options, the API's kind; purchase history only for who may record it."""

import pytest
from django.urls import reverse

from guanxi.customers.archive import services as archive
from guanxi.customers.archive.validation import CustomerInput
from guanxi.imports.models import ImportBatch
from guanxi.pipeline.models import FollowUp
from tests.imports.support import csv_upload

pytestmark = pytest.mark.django_db

HEADER = ["客户", "手机", "跟进时间", "跟进方式", "跟进内容", "下次联系", "跟进人"]
ROWS = [
    HEADER,
    ["王磊", "13800138000", "2021年3月5日 14:30", "电话", "询价", "", ""],
    ["无此人", "13900000000", "2022/1/1", "电话", "找不到", "", ""],
]


def test_the_pages_import_followups(client_for, sales1a):
    archive.customer_create(actor=sales1a, data=CustomerInput(name="王磊", mobile="13800138000"))
    client = client_for(sales1a)
    page = client.get(reverse("imports:batch_list"))
    assert 'value="followups"' in page.text and 'value="purchases"' not in page.text
    uploaded = client.post(
        reverse("imports:batch_list"), {"kind": "followups", "file": csv_upload(ROWS)}
    )
    batch = ImportBatch.objects.get()
    assert uploaded.status_code == 302 and batch.kind == "followups"
    detail = client.get(uploaded.url)
    assert 'value="next_contact_at"' in detail.text and 'value="tags"' not in detail.text
    assert 'name="on_duplicate"' not in detail.text and "gx-import-kind" in detail.text
    mapping = {f"col_{i}": k for k, i in batch.mapping.items()}
    assert client.post(uploaded.url, mapping).status_code == 302
    batch.refresh_from_db()
    assert batch.status == "checked" and batch.check_counts == {"new": 1, "error": 1}
    assert client.post(reverse("imports:batch_start", args=[batch.pk])).status_code == 302
    assert FollowUp.objects.get().content == "询价"
    listed = client.get(reverse("imports:batch_list"))
    assert "跟进记录" in listed.text or "Follow-ups" in listed.text


def test_a_followup_mapping_needs_the_customer_time_and_content(client_for, sales1a):
    client = client_for(sales1a)
    client.post(reverse("imports:batch_list"), {"kind": "followups", "file": csv_upload(ROWS)})
    batch = ImportBatch.objects.get()
    response = client.post(
        reverse("imports:batch_detail", args=[batch.pk]), {"col_0": "customer", "col_4": "content"}
    )
    assert response.status_code == 200
    batch.refresh_from_db()
    assert batch.status == "uploaded"


def test_the_api_takes_the_kind(client_for, sales1a, manager):
    client = client_for(sales1a)
    fields = client.get("/api/v1/imports/fields?kind=purchases").json()
    assert {"customer", "signed_on", "amount", "paid_amount", "reference"} <= {
        f["key"] for f in fields
    }
    uploaded = client.post("/api/v1/imports", {"kind": "followups", "file": csv_upload(ROWS)})
    assert uploaded.status_code == 201, uploaded.text
    assert uploaded.json()["kind"] == "followups" and uploaded.json()["mapping"]["at"] == 2
    refused = client.post("/api/v1/imports", {"kind": "purchases", "file": csv_upload(ROWS)})
    assert refused.status_code == 403
    bad = client.post("/api/v1/imports", {"kind": "nonsense", "file": csv_upload(ROWS)})
    assert bad.status_code == 422
    allowed = client_for(manager).post(
        "/api/v1/imports", {"kind": "purchases", "file": csv_upload(ROWS)}
    )
    assert allowed.status_code == 201 and allowed.json()["kind"] == "purchases"
