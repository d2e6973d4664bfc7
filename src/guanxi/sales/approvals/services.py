"""Approval flows (审批, ORD-2): matching a record to a flow, running its steps, the queues.

How an approval runs (the areas call these services; reads are in approvals.selectors):

    approval_submit(*, actor, target: str, record, amount, department_id, product_ids,
                    title: str) -> Approval | None
        Finds the first active flow for `target` ("contract" | "payment" | "invoice") whose
        current version's conditions match (amount >= min_amount, department in
        department_ids or under one of them, any product in product_ids). None if no flow
        matches: the caller then treats the record as approved at once. Otherwise creates
        the Approval on that version, resolves every step's approvers into ApprovalTask rows
        (step 0 PENDING, later steps WAITING), writes a SUBMIT event and returns it. Raises
        Conflict if the record already has a pending approval, and ValidationFailed naming
        the step when a step has nobody to approve it (a step is never skipped). Runs inside
        the caller's transaction.

    approval_withdraw(*, actor, target: str, record_id: int, comment="") -> Approval
        Only the submitter (or a flow administrator, sales.flows); state → WITHDRAWN; calls
        the target's finisher with outcome "withdrawn".

    approval_decide(*, actor, approval_id: int, approve: bool, comment="") -> Approval
        The actor must hold a PENDING task of the current step. 会签 (mode "all"): the step
        passes when every task approved; 或签 ("any"): the first approval passes it and the
        others become SKIPPED. Any rejection rejects the approval (a comment is required).
        When the last step passes the state becomes APPROVED. On APPROVED / REJECTED the
        target's finisher is called.

    finishers: dict[target, callable(*, record_id, outcome, actor)] — outcome is
        "approved" | "rejected" | "withdrawn". Each area registers its own in its wiring
        module (register_finisher). The finisher moves the record (e.g. contract
        IN_APPROVAL → SIGNED or back to DRAFT). It runs inside the deciding transaction: if
        it raises, the decision is rolled back with it.

Approvers (resolved once, at submission; the tasks are the approvers' queues):
    direct_manager    the submitter's `reports_to`;
    managers_manager  the submitter's manager's `reports_to`;
    role              the active users holding the role whose department is the record's
                      department or one above it (the role holders responsible for that
                      part of the tree); if there are none there, every active holder of the
                      role in the company (e.g. a finance role in its own department);
    users             the named active users.
The submitter never approves their own submission: they are left out of every step. A step
left with nobody refuses the submission with a message naming the step.

Flows are edited by saving a new ApprovalFlowVersion (flow_create / flow_update); an
Approval keeps the version it started with.
"""

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.accounts.models import Department, Role, User
from guanxi.accounts.selectors import user_can
from guanxi.core.audit import audit_record
from guanxi.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed, found
from guanxi.sales.approvals.selectors import (
    TARGETS,
    department_chain,
    flow_for,
    is_locked,
    step_label,
)
from guanxi.sales.common import hooks, money
from guanxi.sales.common.permissions import MANAGE_FLOWS
from guanxi.sales.models import (
    Approval,
    ApprovalEvent,
    ApprovalFlow,
    ApprovalFlowVersion,
    ApprovalTask,
    Contract,
    Invoice,
    Payment,
    Product,
)

finishers: dict = {}
snapshotters: dict = {}

STEP_KINDS = ("direct_manager", "managers_manager", "role", "users")
MODES = ("all", "any")  # 会签, 或签
MAX_STEPS = 10
MAX_NAMED_USERS = 50
COMMENT_MAX = 1000
NAME_MAX = 80
STEP_NAME_MAX = 40

OUTCOME_APPROVED = "approved"
OUTCOME_REJECTED = "rejected"
OUTCOME_WITHDRAWN = "withdrawn"


def register_finisher(target: str, callback) -> None:
    finishers[target] = callback


def register_snapshotter(target: str, callback) -> None:
    """callback(*, record_id) -> dict: the record's document (JSON-serialisable) as it is
    submitted; kept on the Approval so that the next round shows what changed."""
    snapshotters[target] = callback


# ---------------------------------------------------------------- approvers


def _active_users():
    return User.objects.filter(is_active=True, left_at__isnull=True)


def _resolve_step(step: dict, *, submitter, department_chain) -> list[int]:
    kind = step.get("kind")
    if kind in ("direct_manager", "managers_manager"):
        boss = submitter.reports_to if submitter is not None else None
        if kind == "managers_manager" and boss is not None:
            boss = boss.reports_to
        if boss is None or not boss.is_active or boss.left_at is not None:
            return []
        return [boss.pk]
    if kind == "role":
        holders = _active_users().filter(roles__id=step.get("role_id")).distinct()
        near = list(
            holders.filter(department_id__in=department_chain)
            .order_by("id")
            .values_list("id", flat=True)
        )
        if near:
            return near
        return list(holders.order_by("id").values_list("id", flat=True))
    if kind == "users":
        wanted = [int(i) for i in step.get("user_ids") or []]
        found = set(_active_users().filter(id__in=wanted).values_list("id", flat=True))
        return [i for i in dict.fromkeys(wanted) if i in found]
    return []


def _no_approver_message(step: dict, index: int) -> str:
    label = step_label(step, index)
    kind = step.get("kind")
    if kind == "direct_manager":
        reason = _("you have no manager (reports to) set")
    elif kind == "managers_manager":
        reason = _("your manager has no manager (reports to) set")
    elif kind == "role":
        reason = _("nobody else holds the role")
    else:
        reason = _("none of the named users is active, or you are the only one")
    return _("%(step)s has nobody to approve it: %(reason)s. Ask an administrator.") % {
        "step": label,
        "reason": reason,
    }


def resolve_approvers(version: ApprovalFlowVersion, *, submitter, department_id) -> list[list]:
    """Approver ids per step (the submitter left out); ValidationFailed names the first
    step with nobody."""
    chain = department_chain(department_id)
    if submitter is not None and submitter.reports_to_id:
        submitter = User.objects.select_related("reports_to__reports_to").get(pk=submitter.pk)
    result = []
    for index, step in enumerate(version.steps or []):
        ids = _resolve_step(step, submitter=submitter, department_chain=chain)
        if submitter is not None:
            ids = [i for i in ids if i != submitter.pk]
        if not ids:
            raise ValidationFailed(
                _no_approver_message(step, index),
                field_errors={"approval": [_no_approver_message(step, index)]},
                code="NoApprover",
            )
        result.append(ids)
    return result


# ---------------------------------------------------------------- running approvals


def _event(approval, *, actor, action, step_index=None, comment="", at=None):
    return ApprovalEvent.objects.create(
        approval=approval,
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        step_index=step_index,
        comment=comment,
        at=at or timezone.now(),
    )


def _finish(approval, *, outcome: str, actor) -> None:
    callback = finishers.get(approval.target)
    if callback is not None:
        callback(record_id=approval.target_id, outcome=outcome, actor=actor)


def _check_target(target: str) -> None:
    if target not in TARGETS:
        raise NotFound(_("Unknown kind of record."))


def _clean_comment(comment) -> str:
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise ValidationFailed(
            field_errors={
                "comment": [_("Keep the comment under %(max)s characters.") % {"max": COMMENT_MAX}]
            }
        )
    return comment


@transaction.atomic
def approval_submit(
    *, actor, target: str, record, amount, department_id, product_ids, title: str
) -> Approval | None:
    _check_target(target)
    record_id = record.pk if hasattr(record, "pk") else int(record)
    if amount is not None:
        amount = money.fen(amount)
    if is_locked(target, record_id):
        raise Conflict(_("This record is already waiting for approval."), code="ApprovalPending")
    version = flow_for(
        target=target, amount=amount, department_id=department_id, product_ids=product_ids
    )
    if version is None:
        return None
    approvers = resolve_approvers(version, submitter=actor, department_id=department_id)
    snapshotter = snapshotters.get(target)
    snapshot = snapshotter(record_id=record_id) if snapshotter else {}
    now = timezone.now()
    try:
        with transaction.atomic():
            approval = Approval.objects.create(
                target=target,
                target_id=record_id,
                flow_version=version,
                state=Approval.State.PENDING,
                step_index=0,
                title=(title or "")[:200],
                amount=amount,
                submitted_by=actor if getattr(actor, "pk", None) else None,
                submitted_at=now,
                snapshot=snapshot,
            )
    except IntegrityError:  # a concurrent submission won the one-pending constraint
        raise Conflict(
            _("This record is already waiting for approval."), code="ApprovalPending"
        ) from None
    ApprovalTask.objects.bulk_create(
        [
            ApprovalTask(
                approval=approval,
                step_index=index,
                approver_id=user_id,
                state=ApprovalTask.State.PENDING if index == 0 else ApprovalTask.State.WAITING,
            )
            for index, ids in enumerate(approvers)
            for user_id in ids
        ]
    )
    _event(approval, actor=actor, action=ApprovalEvent.Action.SUBMIT, step_index=0, at=now)
    audit_record(
        actor=actor,
        action="sales.approval.submit",
        target=approval,
        summary=approval.title,
        detail={
            "target": target,
            "record_id": record_id,
            "flow_id": version.flow_id,
            "version": version.number,
        },
    )
    hooks.approval_waiting.call_all(approval=approval)
    return approval


def _lock_pending(target: str, record_id) -> Approval:
    approval = (
        Approval.objects.select_for_update()
        .filter(target=target, target_id=record_id, state=Approval.State.PENDING)
        .first()
    )
    if approval is None:
        raise Conflict(_("This record is not waiting for approval."), code="NotPending")
    return approval


def _close_open_tasks(approval) -> None:
    approval.tasks.filter(
        state__in=(ApprovalTask.State.PENDING, ApprovalTask.State.WAITING)
    ).update(state=ApprovalTask.State.SKIPPED)


@transaction.atomic
def approval_withdraw(*, actor, target: str, record_id: int, comment="") -> Approval:
    _check_target(target)
    comment = _clean_comment(comment)
    approval = _lock_pending(target, record_id)
    if approval.submitted_by_id != actor.pk and not user_can(user=actor, permission=MANAGE_FLOWS):
        raise PermissionDenied(_("Only the person who submitted it can withdraw it."))
    now = timezone.now()
    approval.state = Approval.State.WITHDRAWN
    approval.finished_at = now
    approval.save(update_fields=["state", "finished_at"])
    _close_open_tasks(approval)
    _event(
        approval,
        actor=actor,
        action=ApprovalEvent.Action.WITHDRAW,
        step_index=approval.step_index,
        comment=comment,
        at=now,
    )
    audit_record(
        actor=actor,
        action="sales.approval.withdraw",
        target=approval,
        summary=approval.title,
        detail={"target": target, "record_id": approval.target_id, "comment": comment},
    )
    _finish(approval, outcome=OUTCOME_WITHDRAWN, actor=actor)
    return approval


def _involved_or_sees(actor, approval) -> bool:

    if approval.submitted_by_id == actor.pk or approval.tasks.filter(approver_id=actor.pk).exists():
        return True
    visible = {
        "contract": Contract.objects.visible_to,
        "payment": Payment.objects.visible_to,
        "invoice": Invoice.objects.visible_to,
    }.get(approval.target)
    return visible is not None and visible(actor).filter(pk=approval.target_id).exists()


@transaction.atomic
def approval_decide(*, actor, approval_id: int, approve: bool, comment="") -> Approval:
    comment = _clean_comment(comment)
    approval = (
        Approval.objects.select_for_update()
        .select_related("flow_version")
        .filter(pk=approval_id)
        .first()
    )
    if approval is None or not _involved_or_sees(actor, approval):
        raise NotFound()  # someone with no part in it learns nothing, not even that it exists
    if approval.state != Approval.State.PENDING:
        raise Conflict(
            _("This approval is already finished (%(state)s).")
            % {"state": approval.get_state_display()},
            code="NotPending",
        )
    task = (
        approval.tasks.select_for_update()
        .filter(
            step_index=approval.step_index,
            approver_id=actor.pk,
            state=ApprovalTask.State.PENDING,
        )
        .first()
    )
    if task is None:
        raise PermissionDenied(_("It is not your turn to decide on this approval."))
    if not approve and not comment:
        raise ValidationFailed(
            field_errors={"comment": [_("Say why you reject it: a comment is required.")]}
        )
    now = timezone.now()
    task.state = ApprovalTask.State.APPROVED if approve else ApprovalTask.State.REJECTED
    task.decided_at = now
    task.comment = comment
    task.save(update_fields=["state", "decided_at", "comment"])
    _event(
        approval,
        actor=actor,
        action=ApprovalEvent.Action.APPROVE if approve else ApprovalEvent.Action.REJECT,
        step_index=approval.step_index,
        comment=comment,
        at=now,
    )
    outcome = None
    if not approve:
        approval.state = Approval.State.REJECTED
        approval.finished_at = now
        _close_open_tasks(approval)
        outcome = OUTCOME_REJECTED
    else:
        steps = approval.flow_version.steps or []
        step = steps[approval.step_index] if approval.step_index < len(steps) else {}
        this_step = approval.tasks.filter(step_index=approval.step_index)
        if step.get("mode") == "any":
            this_step.filter(state=ApprovalTask.State.PENDING).update(
                state=ApprovalTask.State.SKIPPED
            )
            passed = True
        else:
            passed = not this_step.filter(state=ApprovalTask.State.PENDING).exists()
        if passed:
            following = approval.tasks.filter(step_index__gt=approval.step_index)
            next_index = (
                following.order_by("step_index").values_list("step_index", flat=True).first()
            )
            if next_index is None:
                approval.state = Approval.State.APPROVED
                approval.finished_at = now
                outcome = OUTCOME_APPROVED
            else:
                approval.step_index = next_index
                following.filter(step_index=next_index).update(state=ApprovalTask.State.PENDING)
    approval.save(update_fields=["state", "finished_at", "step_index"])
    if outcome is not None:
        _event(
            approval,
            actor=actor,
            action=ApprovalEvent.Action.FINISH,
            step_index=approval.step_index,
            comment=approval.get_state_display(),
            at=now,
        )
    audit_record(
        actor=actor,
        action="sales.approval.approve" if approve else "sales.approval.reject",
        target=approval,
        summary=approval.title,
        detail={
            "target": approval.target,
            "record_id": approval.target_id,
            "step": task.step_index,
            "comment": comment,
            "outcome": outcome or "",
        },
    )
    if outcome is not None:
        _finish(approval, outcome=outcome, actor=actor)
    elif approve and approval.step_index != task.step_index:
        hooks.approval_waiting.call_all(approval=approval)
    return approval


# ---------------------------------------------------------------- flows (administration)


def _require_flow_admin(actor) -> None:
    if not user_can(user=actor, permission=MANAGE_FLOWS):
        raise PermissionDenied(_("You may not manage approval flows."))


def clean_flow_input(data: dict) -> dict:
    """Check a flow's name, target, priority, conditions and steps; return them normalised
    or raise ValidationFailed with per-field messages (nothing is written)."""
    errors: dict[str, list[str]] = {}
    name = (data.get("name") or "").strip()
    if not name:
        errors.setdefault("name", []).append(_("Give the flow a name."))
    elif len(name) > NAME_MAX:
        errors.setdefault("name", []).append(
            _("Keep the name under %(max)s characters.") % {"max": NAME_MAX}
        )
    target = data.get("target") or ""
    if target not in TARGETS:
        errors.setdefault("target", []).append(_("Choose what the flow applies to."))
    priority = data.get("priority", 100)
    try:
        priority = int(priority)
        if not 0 <= priority <= 32767:
            raise ValueError
    except (TypeError, ValueError):
        errors.setdefault("priority", []).append(_("Enter a whole number from 0 to 32767."))
        priority = 100

    min_amount = data.get("min_amount")
    if min_amount in ("", None):
        min_amount = None
    else:
        try:
            min_amount = money.fen(min_amount)
            if min_amount < 0 or min_amount > money.MAX_AMOUNT:
                raise ValueError
        except (ValueError, TypeError, ArithmeticError):
            errors.setdefault("min_amount", []).append(
                _("Enter an amount of zero or more, or leave it empty.")
            )
            min_amount = None
    department_ids = sorted({int(i) for i in data.get("department_ids") or []})
    if department_ids and Department.objects.filter(id__in=department_ids).count() != len(
        department_ids
    ):
        errors.setdefault("department_ids", []).append(_("One of the departments is unknown."))
    product_ids = sorted({int(i) for i in data.get("product_ids") or []})
    if product_ids and Product.objects.filter(id__in=product_ids).count() != len(product_ids):
        errors.setdefault("product_ids", []).append(_("One of the products is unknown."))

    steps_in = list(data.get("steps") or [])
    steps = []
    if not steps_in:
        errors.setdefault("steps", []).append(_("A flow needs at least one step."))
    if len(steps_in) > MAX_STEPS:
        errors.setdefault("steps", []).append(
            _("A flow has at most %(max)s steps.") % {"max": MAX_STEPS}
        )
    role_ids = set(Role.objects.values_list("id", flat=True))
    for index, raw in enumerate(steps_in[:MAX_STEPS]):
        key = f"steps.{index}"
        kind = raw.get("kind")
        mode = raw.get("mode") or "any"
        step_name = (raw.get("name") or "").strip()
        step = {"kind": kind, "mode": mode, "name": step_name, "role_id": None, "user_ids": []}
        if kind not in STEP_KINDS:
            errors.setdefault(key, []).append(_("Choose who approves this step."))
        if mode not in MODES:
            errors.setdefault(key, []).append(_("Choose 会签 (all) or 或签 (any)."))
        if len(step_name) > STEP_NAME_MAX:
            errors.setdefault(key, []).append(
                _("Keep the step name under %(max)s characters.") % {"max": STEP_NAME_MAX}
            )
        if kind == "role":
            try:
                role_id = int(raw.get("role_id"))
            except (TypeError, ValueError):
                role_id = None
            if role_id not in role_ids:
                errors.setdefault(key, []).append(_("Choose the role that approves this step."))
            step["role_id"] = role_id
        if kind == "users":
            try:
                user_ids = list(dict.fromkeys(int(i) for i in raw.get("user_ids") or []))
            except (TypeError, ValueError):
                user_ids = []
            active = set(_active_users().filter(id__in=user_ids).values_list("id", flat=True))
            if not user_ids:
                errors.setdefault(key, []).append(_("Name at least one approver."))
            elif len(user_ids) > MAX_NAMED_USERS:
                errors.setdefault(key, []).append(
                    _("Name at most %(max)s approvers.") % {"max": MAX_NAMED_USERS}
                )
            elif set(user_ids) - active:
                errors.setdefault(key, []).append(_("One of the named users is not active."))
            step["user_ids"] = user_ids
        steps.append(step)
    if errors:
        raise ValidationFailed(field_errors=errors)
    return {
        "name": name,
        "target": target,
        "priority": priority,
        "conditions": {
            "min_amount": str(min_amount) if min_amount is not None else None,
            "department_ids": department_ids,
            "product_ids": product_ids,
        },
        "steps": steps,
    }


def _new_version(flow, *, actor, conditions, steps) -> ApprovalFlowVersion:
    last = flow.versions.aggregate(last=Max("number"))["last"] or 0
    version = ApprovalFlowVersion.objects.create(
        flow=flow,
        number=last + 1,
        conditions=conditions,
        steps=steps,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    flow.current_version = version
    return version


@transaction.atomic
def flow_create(*, actor, data: dict) -> ApprovalFlow:
    """data: name, target, priority, min_amount, department_ids, product_ids, steps, active."""
    _require_flow_admin(actor)
    cleaned = clean_flow_input(data)
    flow = ApprovalFlow.objects.create(
        name=cleaned["name"],
        target=cleaned["target"],
        priority=cleaned["priority"],
        active=bool(data.get("active", True)),
    )
    _new_version(flow, actor=actor, conditions=cleaned["conditions"], steps=cleaned["steps"])
    flow.save(update_fields=["current_version"])
    audit_record(
        actor=actor,
        action="sales.flow.create",
        target=flow,
        summary=flow.name,
        detail={"conditions": cleaned["conditions"], "steps": cleaned["steps"]},
    )
    return flow


def _lock_flow(*, actor, flow: ApprovalFlow) -> ApprovalFlow:
    """The flow, locked for a change by a flow administrator."""
    _require_flow_admin(actor)
    return found(ApprovalFlow.objects.select_for_update().filter(pk=flow.pk).first())


@transaction.atomic
def flow_update(*, actor, flow: ApprovalFlow, data: dict) -> ApprovalFlow:
    """Save a new version (running approvals keep theirs); the target never changes."""
    locked = _lock_flow(actor=actor, flow=flow)
    cleaned = clean_flow_input({**data, "target": locked.target})
    locked.name = cleaned["name"]
    locked.priority = cleaned["priority"]
    version = _new_version(
        locked, actor=actor, conditions=cleaned["conditions"], steps=cleaned["steps"]
    )
    locked.save(update_fields=["name", "priority", "current_version"])
    audit_record(
        actor=actor,
        action="sales.flow.update",
        target=locked,
        summary=f"{locked.name} v{version.number}",
        detail={"conditions": cleaned["conditions"], "steps": cleaned["steps"]},
    )
    return locked


@transaction.atomic
def flow_set_active(*, actor, flow: ApprovalFlow, active: bool) -> ApprovalFlow:
    """Deactivate (no new submissions match it; running approvals go on) or reactivate."""
    locked = _lock_flow(actor=actor, flow=flow)
    if locked.active != active:
        locked.active = active
        locked.save(update_fields=["active"])
        audit_record(
            actor=actor,
            action="sales.flow.activate" if active else "sales.flow.deactivate",
            target=locked,
            summary=locked.name,
        )
    return locked
