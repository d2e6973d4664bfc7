"""The lines of a quote or a contract: as a page, the API or another service gives them
(LineInput), and as the services clean them before writing (CleanedLine).

Both catalog (quotes) and contracts clean lines, each with its own rules and messages; the
shapes they take and give are shared here, below both areas."""

from dataclasses import dataclass, field
from decimal import Decimal

from guanxi.sales.common.money import LineAmounts, line_amounts
from guanxi.sales.models import Product

# A number as it is given: typed text ("12.50", "13%" for a quote's rates), an int from JSON,
# a Decimal from a form or a stored row; None or "" when left empty.
RawNumber = Decimal | int | str | None


@dataclass(frozen=True, kw_only=True)
class LineInput:
    """One quote or contract line as given, before the services validate it.

    A line naming a product takes, where it leaves them empty, the product's name, unit and
    tax rate and the customer's price for it. Rates are fractions (0.13); a quote also takes
    a percentage ("13%"). `id` names the stored contract line an amendment changes (the
    amendment keeps it, with what refers to it); a new line, a draft's or a quote's has none.
    """

    product: Product | int | str | None = None
    description: str = ""
    unit: str = ""
    quantity: RawNumber
    unit_price: RawNumber = None
    discount_rate: RawNumber = None
    tax_rate: RawNumber = None
    id: int | str | None = None


@dataclass(frozen=True, kw_only=True)
class CleanedLine:
    """A validated line, ready to be written as a QuoteItem or ContractItem
    (catalog.services.line_item_fields). `id` is the stored contract line it changes, if any;
    `amounts` follow from its quantity, price and rates, so they cannot disagree with them."""

    position: int
    product: Product | None
    description: str
    unit: str
    quantity: Decimal
    unit_price: Decimal
    discount_rate: Decimal
    tax_rate: Decimal
    id: int | None = None
    amounts: LineAmounts = field(init=False)

    def __post_init__(self) -> None:
        amounts = line_amounts(
            quantity=self.quantity,
            unit_price=self.unit_price,
            discount_rate=self.discount_rate,
            tax_rate=self.tax_rate,
        )
        object.__setattr__(self, "amounts", amounts)
