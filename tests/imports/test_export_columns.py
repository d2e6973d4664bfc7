"""Export columns spelled out once (issue 10): the customer export's table of header, field
and cell, and the open-instalment headers that the background export shares with the
receivables report's own download."""

import datetime as dt
import io

import pytest
from django.conf import settings
from django.http import QueryDict
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from guanxi.core.phones import mask_phone
from guanxi.imports.exports.kinds import CUSTOMER_COLUMNS, KINDS, Context
from guanxi.sales.receivables.instalment_sheet import instalment_columns
from tests.customers.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_the_customer_export_reads_each_field_under_its_header():
    with translation.override("en"):
        header = KINDS["customers"].columns()
    assert header == [
        "Number",
        "Name",
        "Type",
        "Category",
        "Owner",
        "Department",
        "Mobile",
        "Office phone",
        "E-mail",
        "WeChat",
        "ID number",
        "Province",
        "City",
        "Work address",
        "Industry",
        "Source",
        "Customer level",
        "Created",
    ]
    assert [column.field for column in CUSTOMER_COLUMNS] == [
        "name",
        "kind",
        "category",
        "owner_id",
        "department_id",
        "mobile",
        "office_phone",
        "email",
        "wechat",
        "id_number_masked",
        "province",
        "city",
        "work_address",
        "industry_id",
        "source_id",
        "level",
        "created_at",
    ]


def test_a_customer_row_writes_labels_names_and_masked_phones(org):
    customer = CustomerFactory(owner=org["sales1a"], name="王五", email="w@example.com")
    kind = KINDS["customers"]
    ctx = Context(reveal=False, zone=dt.UTC)
    with translation.override("en"):
        (values,) = [v for v in kind.records(org["admin"], QueryDict()) if v[0] == customer.pk]
        row = kind.row(values, ctx)
        expected_labels = [
            str(customer.get_kind_display()),
            str(customer.get_category_display()) if customer.category else "",
        ]
        expected_level = str(customer.get_level_display()) if customer.level else ""
    assert row[:4] == [customer.pk, "王五", *expected_labels]
    assert row[4:6] == [str(customer.owner), str(customer.department)]
    assert row[6:8] == [mask_phone(customer.mobile), ""]
    assert row[8] == "w@example.com"
    assert row[16] == expected_level
    assert row[17] == customer.created_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M")


def test_the_background_instalment_export_begins_like_the_receivables_download(org, client_for):
    response = client_for(org["manager"]).get(reverse("sales:receivables_export"))
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    header = next(workbook.worksheets[0].iter_rows(values_only=True))
    with translation.override(settings.LANGUAGE_CODE):
        shared = instalment_columns()
        assert KINDS["instalments"].columns() == shared
    assert list(header[: len(shared)]) == shared
    assert len(header) == len(shared) + 2  # the download adds days overdue and the ageing
