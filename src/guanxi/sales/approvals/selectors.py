"""Reads about approvals (ORD-2): an approver's queue, what a user submitted, every round of
one record (the panel), and the flows for the admin pages.

A record's approvals are visible to whoever may see the record (`visible_to`) and to the
people who took part in one of its approvals (approvers and submitters): an approver outside
the record's data scope still sees what they are asked to approve, never more."""

import dataclasses
from collections.abc import Callable

from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from guanxi.accounts.models import Department, Role, User
from guanxi.accounts.selectors import user_can
from guanxi.core.errors import NotFound, ValidationFailed, found
from guanxi.core.pagination import Page, page_by_id
from guanxi.sales.common import money
from guanxi.sales.common.permissions import MANAGE_FLOWS
from guanxi.sales.models import (
    Approval,
    ApprovalEvent,
    ApprovalFlow,
    ApprovalFlowVersion,
    ApprovalTarget,
    ApprovalTask,
    Contract,
    Invoice,
    Payment,
    Product,
)

# ---------------------------------------------------------------- labels


def step_kind_label(kind: str) -> str:
    return {
        "direct_manager": _("Direct manager"),
        "managers_manager": _("Manager's manager"),
        "role": _("Everyone with a role"),
        "users": _("Named users"),
    }.get(kind, kind)


def step_mode_label(mode: str) -> str:
    return {
        "all": _("All must approve (会签)"),
        "any": _("Any one approves (或签)"),
    }.get(mode, mode)


def step_label(step: dict, index: int) -> str:
    """ "Step 2 · Finance" or "Step 2 · Direct manager" when the step has no name."""
    name = (step.get("name") or "").strip() or step_kind_label(step.get("kind", ""))
    return _("Step %(number)s · %(name)s") % {"number": index + 1, "name": name}


# ---------------------------------------------------------------- matching


def department_chain(department_id) -> set[int]:
    """The department and every department above it (ids read from its materialised path)."""
    if not department_id:
        return set()
    path = Department.objects.filter(pk=department_id).values_list("path", flat=True).first()
    chain = {int(part) for part in (path or "").split("/") if part.isdigit()}
    chain.add(int(department_id))
    return chain


def conditions_match(conditions: dict, *, amount, department_chain, product_ids) -> bool:
    """All given conditions must hold; an empty dict matches every record."""
    conditions = conditions or {}
    minimum = conditions.get("min_amount")
    if minimum not in (None, "") and (
        amount is None or money.to_decimal(amount) < money.to_decimal(minimum)
    ):
        return False
    departments = {int(i) for i in conditions.get("department_ids") or []}
    if departments and not (departments & department_chain):
        return False
    products = {int(i) for i in conditions.get("product_ids") or []}
    given = {int(i) for i in product_ids or [] if i}
    return not products or bool(products & given)


def flow_for(*, target: str, amount, department_id, product_ids) -> ApprovalFlowVersion | None:
    """The current version of the first active flow (priority, then id) that matches.
    `product_ids` may be a callable: it is read only if a flow has a product condition."""
    chain = None
    products = None
    flows = (
        ApprovalFlow.objects.filter(target=target, active=True, current_version__isnull=False)
        .select_related("current_version")
        .order_by("priority", "id")
    )
    for flow in flows:
        version = flow.current_version
        if version is None:  # excluded by the query; for the type checker
            continue
        if (version.conditions or {}).get("department_ids") and chain is None:
            chain = department_chain(department_id)
        if (version.conditions or {}).get("product_ids") and products is None:
            products = list(product_ids() if callable(product_ids) else product_ids or [])
        if conditions_match(
            version.conditions,
            amount=amount,
            department_chain=chain or set(),
            product_ids=products or [],
        ):
            version.flow = flow
            return version
    return None


# ---------------------------------------------------------------- pending


def pending_approval(target: str, record_id) -> Approval | None:
    return Approval.objects.filter(
        target=target, target_id=record_id, state=Approval.State.PENDING
    ).first()


def is_locked(target: str, record_id) -> bool:
    """True while the record waits for an approval (the record must not change)."""
    return Approval.objects.filter(
        target=target, target_id=record_id, state=Approval.State.PENDING
    ).exists()


# ---------------------------------------------------------------- queues


TARGETS = tuple(ApprovalTarget.values)
QUEUE_LIMIT = 50
MAX_LIMIT = 100


@dataclasses.dataclass(frozen=True)
class OtherTarget:
    """A target whose records live in a higher app: its scoped queryset and its page."""

    visible_records: Callable  # (user) -> QuerySet of the records the user sees
    record_url: Callable[[int], str]  # (record_id) -> the record's page


# filled by the higher apps' wiring (e.g. service: "complaint")
other_targets: dict[str, OtherTarget] = {}


def _visible_records(user, target: str):
    if target in other_targets:
        return other_targets[target].visible_records(user)
    if target == ApprovalTarget.CONTRACT:
        return Contract.objects.visible_to(user)
    if target == ApprovalTarget.PAYMENT:
        return Payment.objects.visible_to(user)
    if target == ApprovalTarget.INVOICE:
        return Invoice.objects.visible_to(user)
    raise NotFound(_("Unknown kind of record."))


def record_visible(*, user, target: str, record_id) -> bool:
    return _visible_records(user, target).filter(pk=record_id).exists()


def _took_part(user, approvals_q) -> bool:
    return (
        Approval.objects.filter(approvals_q)
        .filter(Q(submitted_by_id=user.pk) | Q(tasks__approver_id=user.pk))
        .exists()
    )


# ---------------------------------------------------------------- record links


def contract_ids_of(pairs) -> dict[tuple[str, int], int]:
    """{(target, record_id): contract_id} for approvals' records, two queries at most."""
    result = {}
    payment_ids = [rid for target, rid in pairs if target == ApprovalTarget.PAYMENT]
    invoice_ids = [rid for target, rid in pairs if target == ApprovalTarget.INVOICE]
    for target, rid in pairs:
        if target == ApprovalTarget.CONTRACT:
            result[(target, rid)] = rid
    if payment_ids:
        for pk, contract_id in Payment.objects.filter(pk__in=payment_ids).values_list(
            "id", "contract_id"
        ):
            result[(ApprovalTarget.PAYMENT.value, pk)] = contract_id
    if invoice_ids:
        for pk, contract_id in Invoice.objects.filter(pk__in=invoice_ids).values_list(
            "id", "contract_id"
        ):
            result[(ApprovalTarget.INVOICE.value, pk)] = contract_id
    return result


def contract_url(contract_id) -> str | None:
    if not contract_id:
        return None
    return reverse("sales:contract_detail", args=[contract_id])


def _attach_links(approvals) -> None:
    pairs = {(a.target, a.target_id) for a in approvals}
    contracts = contract_ids_of(pairs)
    for approval in approvals:
        approval.contract_id = contracts.get((approval.target, approval.target_id))
        approval.record_url = contract_url(approval.contract_id)
        if approval.target in other_targets:
            approval.record_url = other_targets[approval.target].record_url(approval.target_id)


# ---------------------------------------------------------------- queues


def approval_queue_for_user(*, user, cursor=None, limit=QUEUE_LIMIT):
    """The user's PENDING tasks, oldest submission first (keyset on the task id: tasks are
    created at submission). Returns (tasks, next_cursor); task.approval is loaded."""
    tasks = ApprovalTask.objects.filter(
        approver_id=user.pk,
        state=ApprovalTask.State.PENDING,
        approval__state=Approval.State.PENDING,
    ).select_related("approval__submitted_by", "approval__flow_version__flow")
    page: Page[ApprovalTask] = page_by_id(
        tasks, cursor=cursor, limit=limit or QUEUE_LIMIT, maximum=MAX_LIMIT, newest_first=False
    )
    rows, next_cursor = page.items, page.next_cursor
    _attach_links([task.approval for task in rows])
    for task in rows:
        steps = task.approval.flow_version.steps or []
        step = steps[task.step_index] if task.step_index < len(steps) else {}
        task.step_label = step_label(step, task.step_index)
        task.step_mode = step_mode_label(step.get("mode", "any"))
    return rows, next_cursor


def queue_count(*, user) -> int:
    return ApprovalTask.objects.filter(
        approver_id=user.pk,
        state=ApprovalTask.State.PENDING,
        approval__state=Approval.State.PENDING,
    ).count()


def approvals_submitted_by(*, user, state="", cursor=None, limit=QUEUE_LIMIT):
    """What the user submitted, newest first (keyset on id). Returns (approvals, next)."""
    submitted = Approval.objects.filter(submitted_by_id=user.pk)
    if state:
        if state not in Approval.State.values:
            raise ValidationFailed(field_errors={"state": [_("Unknown state.")]})
        submitted = submitted.filter(state=state)
    page: Page[Approval] = page_by_id(
        submitted.select_related("flow_version__flow"),
        cursor=cursor,
        limit=limit or QUEUE_LIMIT,
        maximum=MAX_LIMIT,
    )
    rows, next_cursor = page.items, page.next_cursor
    _attach_links(rows)
    for approval in rows:
        steps = approval.flow_version.steps or []
        step = steps[approval.step_index] if approval.step_index < len(steps) else {}
        approval.step_label = step_label(step, approval.step_index)
    return rows, next_cursor


# ---------------------------------------------------------------- one record (the panel)


@dataclasses.dataclass
class StepView:
    index: int
    label: str
    kind_label: str
    mode: str
    mode_label: str
    tasks: list
    current: bool


def _with_details(approvals_qs):
    return approvals_qs.select_related("submitted_by", "flow_version__flow").prefetch_related(
        Prefetch("tasks", queryset=ApprovalTask.objects.select_related("approver")),
        Prefetch("events", queryset=ApprovalEvent.objects.select_related("actor")),
    )


def _decorate(approval, user) -> None:
    steps = approval.flow_version.steps or []
    tasks = list(approval.tasks.all())
    views = []
    for index, step in enumerate(steps):
        views.append(
            StepView(
                index=index,
                label=step_label(step, index),
                kind_label=step_kind_label(step.get("kind", "")),
                mode=step.get("mode", "any"),
                mode_label=step_mode_label(step.get("mode", "any")),
                tasks=[t for t in tasks if t.step_index == index],
                current=approval.state == Approval.State.PENDING and index == approval.step_index,
            )
        )
    approval.step_views = views
    approval.event_list = list(approval.events.all())
    pending = approval.state == Approval.State.PENDING
    approval.can_decide = pending and any(
        t.approver_id == user.pk
        and t.step_index == approval.step_index
        and t.state == ApprovalTask.State.PENDING
        for t in tasks
    )
    approval.can_withdraw = pending and (
        approval.submitted_by_id == user.pk or user_can(user=user, permission=MANAGE_FLOWS)
    )


def approval_rounds_for_user(*, user, target: str, record_id) -> list[Approval]:
    """Every approval round of one record, newest first, with steps, tasks and events.
    NotFound unless the user may see the record or took part in one of its approvals."""
    if target not in TARGETS:
        raise NotFound(_("Unknown kind of record."))
    of_record = Q(target=target, target_id=record_id)
    if not record_visible(user=user, target=target, record_id=record_id) and not _took_part(
        user, of_record
    ):
        raise NotFound()
    rounds = list(_with_details(Approval.objects.filter(of_record)).order_by("-id"))
    for approval in rounds:
        _decorate(approval, user)
    return rounds


def approval_get_for_user(*, user, approval_id) -> Approval:
    """One approval with its details, under the same visibility rule as its record."""
    approval = found(_with_details(Approval.objects.filter(pk=approval_id)).first())
    of_record = Q(target=approval.target, target_id=approval.target_id)
    if not record_visible(
        user=user, target=approval.target, record_id=approval.target_id
    ) and not _took_part(user, of_record):
        raise NotFound()
    _decorate(approval, user)
    _attach_links([approval])
    return approval


def approval_previous_round(*, approval: Approval) -> Approval | None:
    """The latest earlier round of the same record that ended (approved, rejected or
    withdrawn) and kept its document: what a resubmission is compared with."""
    earlier = (
        Approval.objects.filter(
            target=approval.target, target_id=approval.target_id, id__lt=approval.pk
        )
        .exclude(state=Approval.State.PENDING)
        .order_by("-id")
    )
    for candidate in earlier[:20]:
        if candidate.snapshot:
            return candidate
    return None


# ---------------------------------------------------------------- flows


def flow_list(*, target: str = ""):
    flows = ApprovalFlow.objects.select_related("current_version")
    if target:
        flows = flows.filter(target=target)
    flows = list(flows.order_by("target", "priority", "id"))
    describe_flows([f.current_version for f in flows if f.current_version])
    return flows


def flow_get(flow_id) -> ApprovalFlow:
    flow = found(ApprovalFlow.objects.select_related("current_version").filter(pk=flow_id).first())
    return flow


def flow_versions(flow) -> list:
    versions = list(flow.versions.select_related("created_by").order_by("-number"))
    describe_flows(versions)
    return versions


def describe_flows(versions) -> None:
    """Attach readable conditions and steps (`condition_lines`, `step_lines`) to versions,
    with one query per kind of referenced row."""
    dept_ids: set[int] = set()
    product_ids: set[int] = set()
    role_ids: set[int] = set()
    user_ids: set[int] = set()
    for version in versions:
        conditions = version.conditions or {}
        dept_ids.update(conditions.get("department_ids") or [])
        product_ids.update(conditions.get("product_ids") or [])
        for step in version.steps or []:
            if step.get("role_id"):
                role_ids.add(step["role_id"])
            user_ids.update(step.get("user_ids") or [])
    departments = (
        {d.pk: d.name for d in Department.objects.filter(pk__in=dept_ids)} if dept_ids else {}
    )
    products = (
        {p.pk: str(p) for p in Product.objects.filter(pk__in=product_ids)} if product_ids else {}
    )
    roles = {r.pk: str(r) for r in Role.objects.filter(pk__in=role_ids)} if role_ids else {}
    users = {u.pk: str(u) for u in User.objects.filter(pk__in=user_ids)} if user_ids else {}
    for version in versions:
        conditions = version.conditions or {}
        lines = []
        if conditions.get("min_amount") not in (None, ""):
            lines.append(_("Amount ≥ ¥%(amount)s") % {"amount": conditions["min_amount"]})
        if conditions.get("department_ids"):
            names = "、".join(departments.get(i, f"#{i}") for i in conditions["department_ids"])
            lines.append(_("Department (incl. sub-departments): %(names)s") % {"names": names})
        if conditions.get("product_ids"):
            names = "、".join(products.get(i, f"#{i}") for i in conditions["product_ids"])
            lines.append(_("Any of the products: %(names)s") % {"names": names})
        version.condition_lines = lines or [_("Every record")]
        step_lines = []
        for index, step in enumerate(version.steps or []):
            who = step_kind_label(step.get("kind", ""))
            if step.get("kind") == "role":
                who = _("Role: %(role)s") % {"role": roles.get(step.get("role_id"), "?")}
            elif step.get("kind") == "users":
                who = "、".join(users.get(i, f"#{i}") for i in step.get("user_ids") or [])
            step_lines.append(
                {
                    "label": step_label(step, index),
                    "who": who,
                    "mode": step_mode_label(step.get("mode", "any")),
                }
            )
        version.step_lines = step_lines
