"""Printable contracts and quotes (ORD-2, ORD-1): A4 PDFs drawn with ReportLab.

Chinese text uses Adobe's CID font STSong-Light (华文宋体), which every PDF reader with the
Asian font pack shows without embedding a font file; the text stays extractable, which is
how the tests read it back. Amounts appear in figures and in Chinese capital numerals
(大写金额), as Chinese contracts require.

Callers check the data scope; these functions only draw what they are given. The document
is written in the site's language (settings.LANGUAGE_CODE, zh-hans), whatever the language
of the user who prints it: it goes to the customer.
"""

import io
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas as pdf_canvas
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from guanxi.sales.common.document_text import (
    amount_in_words,
    date_text,
    money_text,
    percent_text,
    quantity_text,
    seller_name,
)
from guanxi.sales.models import Contract

FONT = "STSong-Light"
_registered = False


def _register_font() -> None:
    global _registered
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered = True


class _Styles:
    def __init__(self):
        base = {"fontName": FONT, "wordWrap": "CJK"}
        self.title = ParagraphStyle(
            "gx-title", fontSize=18, leading=24, alignment=TA_CENTER, **base
        )
        self.subtitle = ParagraphStyle(
            "gx-subtitle", fontSize=11, leading=16, alignment=TA_CENTER, **base
        )
        self.heading = ParagraphStyle(
            "gx-heading", fontSize=12, leading=18, spaceBefore=8, spaceAfter=4, **base
        )
        self.body = ParagraphStyle("gx-body", fontSize=10, leading=15, **base)
        self.small = ParagraphStyle("gx-small", fontSize=8.5, leading=11, **base)
        self.cell_right = ParagraphStyle(
            "gx-cell-right", fontSize=8.5, leading=11, alignment=TA_RIGHT, **base
        )


def _p(text, style) -> Paragraph:
    return Paragraph(escape(str(text or "")).replace("\n", "<br/>"), style)


def _numbered_canvas_class(title: str):
    """A canvas that prints "page X of Y" and the document's title at the foot of each page
    (pages are kept until the end so the total is known)."""

    class NumberedCanvas(pdf_canvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._saved_pages = []

        def showPage(self):
            self._saved_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._saved_pages)
            for state in self._saved_pages:
                self.__dict__.update(state)
                self.setFont(FONT, 8)
                self.setFillColor(colors.grey)
                self.drawString(18 * mm, 10 * mm, title)
                self.drawRightString(
                    A4[0] - 18 * mm,
                    10 * mm,
                    _("Page %(page)d of %(total)d") % {"page": self._pageNumber, "total": total},
                )
                super().showPage()
            super().save()

    return NumberedCanvas


_TABLE_STYLE = [
    ("FONTNAME", (0, 0), (-1, -1), FONT),
    ("FONTSIZE", (0, 0), (-1, -1), 8.5),
    ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
    ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.93, 0.93, 0.93)),
    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ("TOPPADDING", (0, 0), (-1, -1), 3),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
]


def _items_table(items, styles: _Styles) -> Table:
    header = [
        _("No."),
        _("Item"),
        _("Unit"),
        _("Quantity"),
        _("Unit price"),
        _("Discount"),
        _("Amount"),
        _("Tax rate"),
        _("Tax"),
    ]
    rows = [[_p(text, styles.small) for text in header]]
    for number, item in enumerate(items, start=1):
        discount = percent_text(item.discount_rate) if item.discount_rate else "—"
        rows.append(
            [
                str(number),
                _p(item.description, styles.small),
                _p(item.unit, styles.small),
                _p(quantity_text(item.quantity), styles.cell_right),
                _p(money_text(item.unit_price), styles.cell_right),
                _p(discount, styles.cell_right),
                _p(money_text(item.total_amount), styles.cell_right),
                _p(percent_text(item.tax_rate), styles.cell_right),
                _p(money_text(item.tax_amount), styles.cell_right),
            ]
        )
    widths = [9 * mm, 46 * mm, 12 * mm, 17 * mm, 22 * mm, 15 * mm, 24 * mm, 14 * mm, 15 * mm]
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle(_TABLE_STYLE))
    return table


def _totals_table(document, styles: _Styles) -> Table:
    rows = [
        [_("Amount before discount"), money_text(document.gross_amount)],
        [_("Discount"), money_text(document.discount_amount)],
        [_("Amount without tax"), money_text(document.net_amount)],
        [_("Tax"), money_text(document.tax_amount)],
        [_("Total (tax included, RMB)"), "¥" + money_text(document.total_amount)],
        [_("Total in words"), _p("人民币" + amount_in_words(document.total_amount), styles.body)],
    ]
    table = Table(rows, colWidths=[50 * mm, 124 * mm])
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("FONTSIZE", (0, 0), (-1, -1), 9.5),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ALIGN", (1, 0), (1, 4), "RIGHT"),
            ]
        )
    )
    return table


def _party_table(rows, styles: _Styles) -> Table:
    data = [[_p(label, styles.body), _p(value, styles.body)] for label, value in rows]
    table = Table(data, colWidths=[38 * mm, 136 * mm])
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    return table


def _customer_address(customer) -> str:
    parts = [customer.province, customer.city, customer.work_address or customer.home_address]
    return "".join(part for part in parts if part)


def _contact_line(contact) -> str:
    if contact is None:
        return "—"
    phone = contact.mobile or contact.phone
    return " ".join(part for part in (contact.name, contact.title, phone) if part)


def _build(story, *, title: str) -> bytes:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
        title=title,
        author=seller_name(),
        creator="Guanxi CRM",
    )
    document.build(story, canvasmaker=_numbered_canvas_class(title))
    return buffer.getvalue()


def _signature_block(styles: _Styles, *, buyer: str, seller: str, signed_on) -> Table:
    date = date_text(signed_on) if signed_on else "____年____月____日"
    rows = [
        [_p(_("Party A (buyer): %(name)s") % {"name": buyer}, styles.body),
         _p(_("Party B (seller): %(name)s") % {"name": seller}, styles.body)],
        [_p(_("Signature / seal:"), styles.body), _p(_("Signature / seal:"), styles.body)],
        [_p(_("Date: %(date)s") % {"date": date}, styles.body),
         _p(_("Date: %(date)s") % {"date": date}, styles.body)],
    ]  # fmt: skip
    table = Table(rows, colWidths=[87 * mm, 87 * mm], rowHeights=[None, 18 * mm, None])
    table.setStyle(
        TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), ("VALIGN", (0, 0), (-1, -1), "TOP")])
    )
    return table


# ---------------------------------------------------------------- contract


def contract_pdf(contract) -> bytes:
    """The contract as an A4 PDF: parties, items, totals in figures and in words, terms,
    signing date, the instalment plan if there is one, signatures, page numbers."""
    _register_font()
    with translation.override(settings.LANGUAGE_CODE):
        styles = _Styles()
        customer = contract.customer
        items = list(contract.items.order_by("position", "id"))
        instalments = list(contract.instalments.order_by("sequence", "id"))
        seller = seller_name()
        story = [
            _p(_("Sales contract"), styles.title),
            _p(contract.title, styles.subtitle),
            Spacer(1, 4 * mm),
            _party_table(
                [
                    (_("Contract number"), contract.number),
                    (_("Status"), contract.get_status_display()),
                    (_("Signing date"), date_text(contract.signed_on)),
                    (
                        _("Term"),
                        f"{date_text(contract.starts_on)} — {date_text(contract.ends_on)}"
                        if contract.starts_on or contract.ends_on
                        else "—",
                    ),
                ],
                styles,
            ),
            _p(_("Parties"), styles.heading),
            _party_table(
                [
                    (_("Party A (buyer)"), customer.name),
                    (_("Address"), _customer_address(customer) or "—"),
                    (_("Signing contact"), _contact_line(contract.signing_contact)),
                    (_("Party B (seller)"), seller),
                ],
                styles,
            ),
            _p(_("Items"), styles.heading),
            _items_table(items, styles),
            Spacer(1, 3 * mm),
            _totals_table(contract, styles),
        ]
        if instalments:
            rows = [[_("Instalment"), _("Due date"), _("Amount"), _("Notes")]]
            for instalment in instalments:
                rows.append(
                    [
                        str(instalment.sequence),
                        date_text(instalment.due_on),
                        money_text(instalment.amount),
                        _p(instalment.notes, styles.small),
                    ]
                )
            plan = Table(rows, colWidths=[20 * mm, 35 * mm, 40 * mm, 79 * mm], repeatRows=1)
            plan.setStyle(TableStyle([*_TABLE_STYLE, ("ALIGN", (2, 1), (2, -1), "RIGHT")]))
            story += [_p(_("Payment plan"), styles.heading), plan]
        if contract.terms:
            story += [_p(_("Terms"), styles.heading), _p(contract.terms, styles.body)]
        if contract.status == Contract.Status.TERMINATED and contract.terminated_reason:
            story += [
                _p(_("Terminated"), styles.heading),
                _p(contract.terminated_reason, styles.body),
            ]
        story += [
            Spacer(1, 8 * mm),
            KeepTogether(
                _signature_block(
                    styles, buyer=customer.name, seller=seller, signed_on=contract.signed_on
                )
            ),
        ]
        return _build(story, title=f"{_('Sales contract')} {contract.number}")


# ---------------------------------------------------------------- quote


def quote_pdf(quote) -> bytes:
    """The quote as an A4 PDF: customer, contact, validity, items, totals (in words too)."""
    _register_font()
    with translation.override(settings.LANGUAGE_CODE):
        styles = _Styles()
        customer = quote.customer
        items = list(quote.items.order_by("position", "id"))
        issued = timezone.localdate(quote.created_at) if quote.created_at else None
        story = [
            _p(_("Quotation"), styles.title),
            Spacer(1, 4 * mm),
            _party_table(
                [
                    (_("Quote number"), quote.number),
                    (_("Date"), date_text(issued)),
                    (_("Valid until"), date_text(quote.valid_until) if quote.valid_until else "—"),
                    (_("Customer"), customer.name),
                    (pgettext("person", "Contact"), _contact_line(quote.contact)),
                    (pgettext("seller", "From"), seller_name()),
                ],
                styles,
            ),
            _p(_("Items"), styles.heading),
            _items_table(items, styles),
            Spacer(1, 3 * mm),
            _totals_table(quote, styles),
        ]
        if quote.notes:
            story += [_p(_("Notes"), styles.heading), _p(quote.notes, styles.body)]
        story += [
            Spacer(1, 6 * mm),
            _p(_("Prices include tax. This quotation is not a contract."), styles.small),
        ]
        return _build(story, title=f"{_('Quotation')} {quote.number}")
