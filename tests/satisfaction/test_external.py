"""External results (SAT-2): .csv (UTF-8 and GBK) and .xlsx imports with a row-by-row
error report; good rows import, bad rows are refused with their errors."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from guanxi.core.errors import PermissionDenied, ValidationFailed
from guanxi.satisfaction.external.services import ImportFile, external_import
from guanxi.satisfaction.models import AnswerItem, SurveyResponse
from tests.satisfaction.factories import new_car

pytestmark = pytest.mark.django_db

CSV = (
    "日期,来源,销售顾问,客户手机,综合,开始购车经历,交易过程,delivery\n"
    "2026-11-20,第三方,sales1a,,8,9,6,7\n"
    "2026-11-21,暗访,sales2a,,,7,7,\n"
    "2026-11-22,路人,nobody,,12,11,,\n"
)


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_a_csv_imports_good_rows_and_reports_bad_ones(org, encoding):
    batch = external_import(
        actor=org["relations"],
        template_id=new_car().pk,
        upload=ImportFile(name="外调.csv", content=CSV.encode(encoding)),
    )
    assert (batch.rows_imported, batch.rows_refused) == (2, 1)
    assert batch.errors[0]["row"] == 4 and len(batch.errors[0]["errors"]) == 5
    responses = SurveyResponse.objects.filter(source="external").order_by("answered_at")
    assert [r.kind for r in responses] == ["third_party", "mystery"]
    first = responses[0]
    assert first.consultant == org["sales1a"]
    # performance against the factor's baseline (8)
    assert sorted(AnswerItem.objects.filter(response=first).values_list("gap", flat=True)) == [
        -2,
        -1,
        1,
    ]


def test_an_xlsx_imports(org):
    book = Workbook()
    sheet = book.active
    sheet.append(["date", "source", "consultant", "buying", "transaction"])
    sheet.append(["2026-11-20", "head_office", "sales1a", 9, 8])
    out = io.BytesIO()
    book.save(out)
    batch = external_import(
        actor=org["relations"],
        template_id=new_car().pk,
        upload=ImportFile(name="总部.xlsx", content=out.getvalue()),
    )
    assert batch.rows_imported == 1 and batch.rows_refused == 0


def test_a_file_without_the_columns_is_refused_whole(org):
    with pytest.raises(ValidationFailed):
        external_import(
            actor=org["relations"],
            template_id=new_car().pk,
            upload=ImportFile(name="x.csv", content=b"a,b\n1,2\n"),
        )
    assert not SurveyResponse.objects.exists()


def test_only_who_may_import_imports(org, client_for):
    with pytest.raises(PermissionDenied):
        external_import(
            actor=org["manager"],
            template_id=new_car().pk,
            upload=ImportFile(name="x.csv", content=CSV.encode()),
        )
    response = client_for(org["relations"]).post(
        "/satisfaction/external/",
        {"template": new_car().pk, "file": SimpleUploadedFile("外调.csv", CSV.encode())},
    )
    assert response.status_code == 302
    detail = client_for(org["relations"]).get(response["Location"]).content.decode()
    assert 'data-row="4"' in detail
