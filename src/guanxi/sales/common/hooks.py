"""Hooks the sales app offers to higher apps (DESIGN: layers).

contract_won(contract=…, actor=…) is called inside the signing transaction once a contract
is signed (ORD-7). The after-sales app registers its care-plan start here (CARE-2).

quote_priced(customer=…, amount=…) is called inside the quote's transaction when a quote is
made or sent: the pipeline fills an empty expected amount from it (wiring).

delivery_planned(order=…, contract=…, plans=…, actor=…) inside order_create once its delivery
plan lines exist; delivery_done(delivery=…, contract=…, actor=…) inside delivery_record;
payment_received(payment=…, contract=…, actor=…) once a payment is allocated (recorded
without approval, or approved). After-sales care hangs its touch points on them (CARE-2)."""

from guanxi.core.hooks import Hook

contract_won = Hook("contract_won")
quote_priced = Hook("quote_priced")
delivery_planned = Hook("delivery_planned")
delivery_done = Hook("delivery_done")
payment_received = Hook("payment_received")
