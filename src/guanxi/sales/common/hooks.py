"""Hooks the sales app offers to higher apps (DESIGN: layers).

contract_won(contract=…, actor=…) is called inside the signing transaction once a contract
is signed (ORD-7). The after-sales app registers its care-plan start here (CARE-2).

delivery_recorded(delivery=…, contract=…, actor=…) is called inside the delivery's
transaction once goods are delivered (ORD-3): after-sales care adds the product to the
customer's installed base (ARC-10) and starts the touch points after a delivery (CARE-2).

quote_priced(customer=…, amount=…) is called inside the quote's transaction when a quote is
made or sent: the pipeline fills an empty expected amount from it (wiring).

delivery_planned(order=…, contract=…, plans=…, actor=…) inside order_create once its delivery
plan lines exist; payment_received(payment=…, contract=…, actor=…) once a payment is
allocated (recorded without approval, or approved). After-sales care hangs its touch points
on them (CARE-2).

invoice_issued(invoice=…, contract=…) once an invoice is issued (recorded without approval,
or approved), in that transaction. approval_waiting(approval=…) once an approval waits for
the approvers of a step (submitted, or moved on to its next step). The webhooks app turns
both into events (INTG-3) and WeCom robot messages (INTG-6)."""

from guanxi.core.hooks import Hook

contract_won = Hook("contract_won")
delivery_recorded = Hook("delivery_recorded")
quote_priced = Hook("quote_priced")
delivery_planned = Hook("delivery_planned")
payment_received = Hook("payment_received")
invoice_issued = Hook("invoice_issued")
approval_waiting = Hook("approval_waiting")
