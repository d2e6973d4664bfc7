"""Permissions the sales app adds to the roles' list (registered in wiring.connect)."""

from django.utils.translation import gettext_lazy as _

MANAGE_CATALOG = "sales.catalog"  # products and price lists
EDIT_OTHERS = "sales.edit_others"  # quotes, contracts and what hangs on them of others' customers
MANAGE_FLOWS = "sales.flows"  # approval flows
AMEND_CONTRACT = "sales.amend"  # amend a signed contract (audited)
TERMINATE_CONTRACT = "sales.terminate"  # terminate a contract
OVERRIDE_INVOICE = "sales.invoice_override"  # invoice beyond the contract total
VOID_RECORDS = "sales.void"  # void a payment or an invoice
SET_TARGETS = "sales.targets"  # set sales targets for users/departments in scope
RECORD_HISTORY = "sales.record_history"  # record past purchases: signed, paid, no approval

ALL = {
    MANAGE_CATALOG: _("Manage products and price lists"),
    EDIT_OTHERS: _(
        "Work on other people's quotes and contracts (orders, deliveries, payments, invoices)"
    ),
    MANAGE_FLOWS: _("Manage approval flows"),
    AMEND_CONTRACT: _("Amend signed contracts"),
    TERMINATE_CONTRACT: _("Terminate contracts"),
    OVERRIDE_INVOICE: _("Invoice beyond the contract total"),
    VOID_RECORDS: _("Void payments and invoices"),
    SET_TARGETS: _("Set sales targets"),
    RECORD_HISTORY: _("Record purchase history (past contracts and payments, no approval)"),
}
