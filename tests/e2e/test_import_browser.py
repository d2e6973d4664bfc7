"""The spreadsheet import in Chromium (issue 16 §1, INTG-1): upload a GBK CSV of 200 rows with
5 bad rows and 3 duplicates → map → dry run → download the error report → run → progress at
100 % → the customers are in the list. At 1280 and 390 px, no page wider than the screen."""

import csv
import io
import os
from pathlib import Path

import pytest
from openpyxl import load_workbook

from guanxi.accounts.demo import DEMO_PASSWORD
from guanxi.customers.models import Customer

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _gbk_csv(path: Path) -> None:
    rows = [["客户名称", "手机号", "邮箱", "省", "市", "标签", "生日"]]
    for index in range(192):
        rows.append(
            [
                f"浏览器客户{index:03d}",
                f"139{index:08d}",
                "",
                "广东",
                "深圳",
                "展会",
                "1990年1月5日",
            ]
        )
    rows += [
        ["坏手机", "123", "", "", "", "", ""],
        ["坏邮箱", "13800000001", "x@", "", "", "", ""],
        ["坏生日", "13800000002", "", "", "", "", "1990年13月5日"],
        ["", "13800000003", "", "", "", "", ""],
        ["坏身份", "13800000004", "", "", "", "", "2999/1/1"],
    ]
    rows += [[f"重复{index}", f"139{index:08d}", "", "", "", "", ""] for index in range(3)]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path.write_bytes(buffer.getvalue().encode("gbk"))


def _fits(page):
    page.wait_for_load_state("networkidle")
    widths = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
    )
    assert widths["scroll"] <= widths["inner"] + 1, widths


@pytest.mark.parametrize("width", (390, 1280))
def test_import_a_gbk_csv_in_the_browser(width, live_server, sales1a, open_browser, tmp_path):
    shots = Path(os.environ.get("GUANXI_E2E_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    source = tmp_path / "老系统导出.csv"
    _gbk_csv(source)
    page = open_browser(width, 900)
    base = live_server.url
    page.goto(f"{base}/")
    page.fill("input[name=username]", "sales1a")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form[action*='login'] button[type=submit]")

    page.goto(f"{base}/imports/spreadsheets/")
    page.set_input_files("#gx-import-upload input[type=file]", str(source))
    page.click("#gx-import-upload button[type=submit]")
    page.wait_for_selector("#gx-import-mapping")
    _fits(page)
    page.screenshot(path=str(shots / f"import-map-{width}.png"), full_page=True)
    # the columns were matched by their Chinese names
    assert page.input_value("#gx-import-mapping select[name=col_0]") == "name"
    assert page.input_value("#gx-import-mapping select[name=col_1]") == "mobile"
    page.click("#gx-import-check")

    page.wait_for_selector("#gx-import-start")
    assert page.inner_text("[data-count=new]") == "192"
    assert page.inner_text("[data-count=error]") == "5"
    assert page.inner_text("[data-count=duplicate]") == "3"
    _fits(page)
    page.screenshot(path=str(shots / f"import-checked-{width}.png"), full_page=True)
    with page.expect_download() as download:
        page.click("#gx-import-report")
    assert download.value.suggested_filename.endswith(".xlsx")
    content = io.BytesIO(Path(download.value.path()).read_bytes())
    report = load_workbook(content, read_only=True).active
    lines = list(report.iter_rows(values_only=True))
    assert len(lines) == 1 + 5 + 3 and lines[1][2] == "坏手机"

    page.click("#gx-import-start")
    page.wait_for_selector("#gx-import-percent")
    assert page.inner_text("#gx-import-percent").strip() == "100 %"
    assert page.inner_text("[data-count=new]") == "192"
    _fits(page)
    page.screenshot(path=str(shots / f"import-done-{width}.png"), full_page=True)
    assert Customer.objects.filter(name__startswith="浏览器客户").count() == 192

    page.click("#gx-import-customers")
    page.wait_for_load_state("networkidle")
    assert "浏览器客户191" in page.content()
