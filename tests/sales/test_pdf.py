"""Printable contracts and quotes (ORD-1, ORD-2): Chinese PDFs read back with pypdf, and the
Chinese capital-numeral converter (大写金额)."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from guanxi.customers.models import Contact
from guanxi.sales.common import document_text, pdf
from guanxi.sales.common.lines import LineInput
from guanxi.sales.models import Instalment, Product

# ---------------------------------------------------------------- 大写金额


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("12345.67", "壹万贰仟叁佰肆拾伍元陆角柒分"),
        ("0", "零元整"),
        ("0.05", "伍分"),
        ("0.50", "伍角"),
        ("1", "壹元整"),
        ("10", "壹拾元整"),
        ("15", "壹拾伍元整"),
        ("100000", "壹拾万元整"),
        ("1005.30", "壹仟零伍元叁角"),
        ("1010", "壹仟零壹拾元整"),
        ("10.05", "壹拾元零伍分"),
        ("10500", "壹万零伍佰元整"),
        ("1000010", "壹佰万零壹拾元整"),
        ("100000000", "壹亿元整"),
        ("100010000", "壹亿零壹万元整"),
        ("100000001", "壹亿零壹元整"),
        ("120000000.08", "壹亿贰仟万元零捌分"),
        ("999999999999.99", "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
        ("-3.2", "负叁元贰角"),
        ("2.345", "贰元叁角伍分"),  # rounded half up to the fen first
    ],
)
def test_amount_in_words(amount, words):
    assert document_text.amount_in_words(Decimal(amount)) == words


def test_amount_in_words_accepts_strings_and_ints_never_floats():
    assert document_text.amount_in_words("1,234") == "壹仟贰佰叁拾肆元整"
    assert document_text.amount_in_words(7) == "柒元整"
    with pytest.raises(TypeError):
        document_text.amount_in_words(1.5)


_CHINESE_DIGITS = {c: i for i, c in enumerate("零壹贰叁肆伍陆柒捌玖")}


def _words_back(words: str) -> Decimal:
    """An independent reader of the capital numerals, to check the writer round-trips."""
    total = Decimal(0)
    section = 0
    number = 0
    big = Decimal(0)
    small_units = {"拾": 10, "佰": 100, "仟": 1000}
    for char in words.removesuffix("整"):
        if char in _CHINESE_DIGITS:
            number = _CHINESE_DIGITS[char]
        elif char in small_units:
            section += number * small_units[char]
            number = 0
        elif char == "万":
            big += Decimal(section + number) * 10000
            section = number = 0
        elif char == "亿":
            big = (big + section + number) * 100000000
            section = number = 0
        elif char == "元":
            total = big + section + number
            big, section, number = Decimal(0), 0, 0
        elif char == "角":
            total += Decimal(number) / 10
            number = 0
        elif char == "分":
            total += Decimal(number) / 100
            number = 0
    return total


@given(st.integers(min_value=0, max_value=99_999_999_999_999))
def test_amount_in_words_round_trips(fen):
    amount = Decimal(fen) / 100
    words = document_text.amount_in_words(amount)
    assert _words_back(words) == amount
    assert "零零" not in words
    assert not words.startswith("零") or amount == 0
    assert words.endswith(("整", "角", "分"))


# ---------------------------------------------------------------- PDFs


def _text(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def product(org):
    return Product.objects.create(
        code="GX-100", name="企业版软件许可", unit="套", list_price=Decimal("10000.00")
    )


@pytest.fixture
def contract(sales1a, make_customer, product):
    from guanxi.sales.contracts.services import contract_create

    customer = make_customer(sales1a, name="北京远航科技有限公司")
    contact = Contact.objects.create(customer=customer, name="王经理", mobile="13800001111")
    return contract_create(
        actor=sales1a,
        customer=customer,
        title="远航科技软件采购合同",
        signing_contact=contact,
        terms="乙方于合同签订后十个工作日内交付。\n质保期一年。",
        items=[
            LineInput(product=product, quantity="1", unit_price="12345.67", tax_rate="0.13"),
            LineInput(description="实施服务", unit="天", quantity="2", unit_price="0"),
        ],
    )


def test_contract_pdf_has_the_chinese_text_number_and_amount_in_words(contract):
    text = _text(pdf.contract_pdf(contract))
    assert contract.number in text
    assert "北京远航科技有限公司" in text
    assert "远航科技软件采购合同" in text
    assert "王经理" in text
    assert "企业版软件许可" in text
    assert "12,345.67" in text
    assert "壹万贰仟叁佰肆拾伍元陆角柒分" in text
    assert "质保期一年" in text
    assert document_text.DEFAULT_SELLER in text


def test_contract_pdf_lists_the_instalment_plan(contract):
    Instalment.objects.create(
        contract=contract,
        sequence=1,
        due_on=dt.date(2031, 3, 15),
        amount=Decimal("5000.00"),
        customer=contract.customer,
        owner=contract.owner,
        department=contract.department,
        notes="首付款",
    )
    Instalment.objects.create(
        contract=contract,
        sequence=2,
        due_on=dt.date(2031, 6, 30),
        amount=Decimal("7345.67"),
        customer=contract.customer,
        owner=contract.owner,
        department=contract.department,
        notes="尾款",
    )
    text = _text(pdf.contract_pdf(contract))
    assert "2031-03-15" in text and "首付款" in text
    assert "2031-06-30" in text and "7,345.67" in text


def test_contract_pdf_uses_the_configured_seller(contract, settings):
    settings.GUANXI_COMPANY_NAME = "上海示例贸易有限公司"
    assert "上海示例贸易有限公司" in _text(pdf.contract_pdf(contract))


def test_long_contract_runs_over_pages_with_page_numbers(sales1a, make_customer, product, settings):
    settings.LANGUAGE_CODE = "en"  # the document's language, whoever prints it
    from guanxi.sales.contracts.services import contract_create

    customer = make_customer(sales1a, name="长合同客户")
    contract = contract_create(
        actor=sales1a,
        customer=customer,
        title="多行合同",
        items=[
            LineInput(description=f"配件{n:03d}", quantity="1", unit_price="1.00")
            for n in range(120)
        ],
    )
    data = pdf.contract_pdf(contract)
    reader = PdfReader(io.BytesIO(data))
    pages = len(reader.pages)
    assert pages >= 2
    for number, page in enumerate(reader.pages, start=1):
        assert f"Page {number} of {pages}" in page.extract_text()
        assert contract.number in page.extract_text()
    text = _text(data)
    assert "配件000" in text and "配件119" in text
    assert "壹佰贰拾元整" in text


def test_quote_pdf(sales1a, make_customer, product):
    from guanxi.sales.catalog.services import quote_create

    customer = make_customer(sales1a, name="杭州西湖贸易公司")
    quote = quote_create(
        actor=sales1a,
        customer=customer,
        items=[LineInput(product=product, quantity="2", discount_rate="0.05")],
        valid_until=dt.date(2031, 1, 31),
        notes="报价含运费",
    )
    text = _text(pdf.quote_pdf(quote))
    assert quote.number in text
    assert "杭州西湖贸易公司" in text
    assert "企业版软件许可" in text
    assert "19,000.00" in text
    assert "壹万玖仟元整" in text
    assert "2031-01-31" in text
    assert "报价含运费" in text
