"""Hooks the pipeline offers to higher apps (DESIGN: layers): each is called inside the
pipeline service's transaction, so a callback's writes commit or roll back with it.

followup_logged(followup=…, customer=…, objections=…, actor=…) after a follow-up is logged
(INT-5), with the customer row it holds locked; the objections are the cleaned rows logged
with it (type, outcome …), so a higher app sees a price objection with a next contact
(seed 003 §2 议价成交) without reading them back.

stage_changed(customer_id=…, from_stage=…, to_stage=…, actor=…, at=…) after every stage move
(ACQ-4), however it happened (a follow-up, the board, a deal won)."""

from guanxi.core.hooks import Hook

followup_logged = Hook("followup_logged")
stage_changed = Hook("stage_changed")
