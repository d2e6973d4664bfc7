"""Contracts and money (SPEC ORD; seed 000 §5.5)."""

from guanxi.sales.models.approvals import (
    Approval,
    ApprovalEvent,
    ApprovalFlow,
    ApprovalFlowVersion,
    ApprovalTarget,
    ApprovalTask,
)
from guanxi.sales.models.catalog import PriceList, PriceListItem, Product, Quote, QuoteItem
from guanxi.sales.models.contracts import (
    Contract,
    ContractAmendment,
    ContractItem,
    DocumentSequence,
)
from guanxi.sales.models.fulfilment import Delivery, DeliveryPlan, Order, StockOut
from guanxi.sales.models.receivables import Instalment, Invoice, Payment, PaymentAllocation
from guanxi.sales.models.targets import SalesTarget

__all__ = [
    "Approval",
    "ApprovalEvent",
    "ApprovalFlow",
    "ApprovalFlowVersion",
    "ApprovalTarget",
    "ApprovalTask",
    "Contract",
    "ContractAmendment",
    "ContractItem",
    "Delivery",
    "DeliveryPlan",
    "DocumentSequence",
    "Instalment",
    "Invoice",
    "Order",
    "Payment",
    "PaymentAllocation",
    "PriceList",
    "PriceListItem",
    "Product",
    "Quote",
    "QuoteItem",
    "SalesTarget",
    "StockOut",
]
