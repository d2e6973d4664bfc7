"""Money arithmetic for quotes, contracts, instalments and invoices (ORD-2, ORD-4, ORD-5).

Pure functions over `Decimal`, no database. Every amount is rounded once, to the fen
(0.01), half up, at the line; documents add rounded lines, so a total is always exactly
the sum of what is printed and nothing drifts.

Prices are tax-inclusive (含税价), as Chinese price lists and contracts quote them: a
line's total is quantity × unit price − discount; its net amount (金额) and tax (税额) are
split out of that total, and net + tax == total by construction (价税合计).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from guanxi.core.numbers import number_parse

FEN = Decimal("0.01")
ZERO = Decimal("0.00")
MAX_AMOUNT = Decimal("999999999999.99")  # DecimalField(max_digits=14, decimal_places=2)
# to_decimal refuses numbers from 10**22 up: quantity × price of a valid line stays below,
# and anything below can still be rounded to 0.0001 within the 28 digits of Decimal.
MAX_DIGITS = 22


def to_decimal(value) -> Decimal:
    """Parse a user value (str, int, Decimal) without ever going through float. Values
    beyond any amount, quantity or rate ("1e400") are refused like non-numbers: rounding
    them to the fen would raise InvalidOperation (a 500) further on."""
    if isinstance(value, float):
        raise TypeError("money must not be a float")
    # Strict: "1,5" and "12,34" are refused rather than read as 15 and 1,234 (issue 11).
    result = value if isinstance(value, Decimal) else number_parse(value)
    if not result.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    if result and result.adjusted() >= MAX_DIGITS:
        raise ValueError(f"out of range: {value!r}")
    return result


def fen(value) -> Decimal:
    """Round to 0.01, half up (四舍五入)."""
    return to_decimal(value).quantize(FEN, rounding=ROUND_HALF_UP)


def sum_fen(value) -> Decimal:
    """A database sum to the fen (SQLite returns more decimal places); no rows is zero."""
    return fen(value) if value is not None else ZERO


@dataclass(frozen=True)
class LineAmounts:
    gross: Decimal  # quantity × unit price
    discount: Decimal
    total: Decimal  # 价税合计 = gross − discount
    net: Decimal  # 金额 (without tax)
    tax: Decimal  # 税额


def line_amounts(*, quantity, unit_price, discount_rate=ZERO, tax_rate=ZERO) -> LineAmounts:
    """One document line. discount_rate and tax_rate are fractions (0.05 = 5 %)."""
    quantity = to_decimal(quantity)
    unit_price = to_decimal(unit_price)
    discount_rate = to_decimal(discount_rate)
    tax_rate = to_decimal(tax_rate)
    if quantity < 0 or unit_price < 0:
        raise ValueError("quantity and price must not be negative")
    if not (0 <= discount_rate <= 1) or not (0 <= tax_rate < 1):
        raise ValueError("rates must be fractions")
    gross = fen(quantity * unit_price)
    discount = fen(gross * discount_rate)
    total = gross - discount
    net = fen(total / (1 + tax_rate))
    return LineAmounts(gross=gross, discount=discount, total=total, net=net, tax=total - net)


@dataclass(frozen=True)
class DocumentTotals:
    gross: Decimal
    discount: Decimal
    net: Decimal
    tax: Decimal
    total: Decimal


def document_totals(lines: Iterable[LineAmounts]) -> DocumentTotals:
    gross = discount = net = tax = total = ZERO
    for line in lines:
        gross += line.gross
        discount += line.discount
        net += line.net
        tax += line.tax
        total += line.total
    return DocumentTotals(gross=gross, discount=discount, net=net, tax=tax, total=total)


def amount_fields(amounts: LineAmounts | DocumentTotals) -> dict[str, Decimal]:
    """The five stored amount columns of a quote, a contract or one of their lines, which all
    keep the same figures under the same names."""
    return {
        "gross_amount": amounts.gross,
        "discount_amount": amounts.discount,
        "net_amount": amounts.net,
        "tax_amount": amounts.tax,
        "total_amount": amounts.total,
    }


def yuan(value) -> str:
    """An amount as Chinese business documents print it: ¥12,345.60 (fen, thousands with
    commas, whatever the UI language; 万-grouping is for prose, not for ledgers)."""
    if value is None or value == "":
        return ""
    amount = fen(value)
    sign = "-" if amount < 0 else ""
    whole, _dot, cents = f"{abs(amount):.2f}".partition(".")
    return f"{sign}¥{int(whole):,}.{cents}"


def split_evenly(total, parts: int) -> list[Decimal]:
    """Split an amount into `parts` instalments that add up exactly; the fen left over by
    rounding go to the first instalments (one fen each)."""
    total = fen(total)
    if parts < 1:
        raise ValueError("at least one part")
    cents = int(total * 100)
    base, rest = divmod(cents, parts)
    return [
        (Decimal(base + (1 if index < rest else 0)) / 100).quantize(FEN) for index in range(parts)
    ]


def split_by_ratios(total, ratios: Sequence) -> list[Decimal]:
    """Split by ratios (e.g. 30/60/10 %) into parts that add up exactly, none negative: each
    part is its exact share rounded down to the fen, and the fen left over go one each to
    the parts that lost the most to rounding (largest remainder), earlier parts first."""
    total = fen(total)
    ratios = [to_decimal(ratio) for ratio in ratios]
    whole = sum(ratios, ZERO)
    if not ratios or whole <= 0 or any(ratio < 0 for ratio in ratios):
        raise ValueError("ratios must be positive")
    if total < 0:
        raise ValueError("the total must not be negative")
    cents = int(total * 100)
    shares = [cents * ratio / whole for ratio in ratios]
    floors = [int(share) for share in shares]  # shares are >= 0: int() rounds down
    left = cents - sum(floors)
    by_remainder = sorted(range(len(shares)), key=lambda i: (floors[i] - shares[i], i))
    for index in by_remainder[:left]:
        floors[index] += 1
    return [(Decimal(part) / 100).quantize(FEN) for part in floors]


def tax_of_total(total, tax_rate) -> tuple[Decimal, Decimal]:
    """(net, tax) of a tax-inclusive amount, as on an invoice."""
    total = fen(total)
    net = fen(total / (1 + to_decimal(tax_rate)))
    return net, total - net


def allocate_oldest_first(amount, open_amounts: Sequence) -> tuple[list[Decimal], Decimal]:
    """Spread a payment over instalments' open amounts in order; returns the amounts
    applied to each and what is left over (an over-payment)."""
    left = fen(amount)
    applied = []
    for open_amount in open_amounts:
        take = min(left, fen(open_amount)) if left > 0 else ZERO
        take = max(take, ZERO)
        applied.append(take)
        left -= take
    return applied, left
