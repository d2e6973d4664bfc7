"""Approval flows (审批, ORD-2): matching a record to a flow, running its steps, the queues.

INTERFACE (agreed between the areas of the app; engineer A1 implements the bodies):

    approval_submit(*, actor, target: str, record, amount, department_id, product_ids,
                    title: str) -> Approval | None
        Finds the first active flow for `target` ("contract" | "payment" | "invoice") whose
        current version's conditions match (amount >= min_amount, department in
        department_ids, any product in product_ids). None if no flow matches: the caller
        then treats the record as approved at once. Otherwise creates the Approval on that
        version, resolves step 0's approvers into ApprovalTask rows (PENDING) and the later
        steps' (WAITING), writes a SUBMIT event and returns it. Raises Conflict if the record
        already has a pending approval. Runs inside the caller's transaction.

    approval_withdraw(*, actor, target: str, record_id: int, comment="") -> Approval
        Only the submitter (or an admin); state → WITHDRAWN; calls the target's finisher
        with outcome "withdrawn".

    approval_decide(*, actor, approval_id: int, approve: bool, comment="") -> Approval
        The actor must hold a PENDING task of the current step. 会签 (mode "all"): the step
        passes when every task approved; 或签 ("any"): the first approval passes it and the
        others become SKIPPED. Any rejection rejects the approval. When the last step passes
        the state becomes APPROVED. On APPROVED / REJECTED the target's finisher is called.

    finishers: dict[target, callable(*, record_id, outcome, actor)] — outcome is
        "approved" | "rejected" | "withdrawn". Each area registers its own in its wiring
        module (register_finisher). The finisher moves the record (e.g. contract
        IN_APPROVAL → SIGNED or back to DRAFT).
"""

from guanxi.sales.models import Approval  # noqa: F401

finishers: dict = {}


def register_finisher(target: str, callback) -> None:
    finishers[target] = callback
