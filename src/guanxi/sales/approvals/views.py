"""Pages of the approval flows (ORD-2): the approver's queue, the record panel (htmx
fragment), one approval, and the flow administration. Thin: parse, call the engine in
`guanxi.sales.approvals.services` or a selector, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guanxi.accounts.selectors import user_can
from guanxi.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from guanxi.core.http import is_htmx
from guanxi.sales.approvals import selectors
from guanxi.sales.approvals import services as approvals
from guanxi.sales.approvals.forms import (
    DecisionForm,
    FlowForm,
    StepForm,
    step_forms_for,
    step_forms_from_post,
)
from guanxi.sales.common.permissions import MANAGE_FLOWS
from guanxi.sales.models import Approval, ApprovalTarget

# target -> callable(request, *, approval, previous) -> str: the record's area renders the
# document under approval (sales.wiring registers them; approvals never import them).
document_views: dict = {}


def register_document_view(target: str, callback) -> None:
    document_views[target] = callback


def _next_url(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _message(exc: DomainError) -> str:
    parts = [str(m) for msgs in (exc.field_errors or {}).values() for m in msgs]
    return " ".join(parts) if parts else str(exc.message)


# ---------------------------------------------------------------- the record panel


def _panel(request, target: str, record_id: int, *, error: str = "", status: int = 200):
    rounds = selectors.approval_rounds_for_user(
        user=request.user, target=target, record_id=record_id
    )
    response = render(
        request,
        "sales/approvals/panel.html",
        {
            "target": target,
            "record_id": record_id,
            "rounds": rounds,
            "error": error,
            "decision_form": DecisionForm(),
            "panel_next": request.GET.get("next", ""),
        },
        status=status,
    )
    return response


@login_required
@require_GET
def approval_panel(request, target: str, pk: int):
    """Every approval round of one record: steps, approvers, decisions, comments, and the
    buttons the user may press. Loaded with htmx into the record's page."""
    return _panel(request, target, pk)


@login_required
@require_GET
def approval_detail(request, approval_id: int):
    """One approval as a page (the queue links here; approvers outside the record's scope
    see what they decide on)."""
    approval = selectors.approval_get_for_user(user=request.user, approval_id=approval_id)
    rounds = selectors.approval_rounds_for_user(
        user=request.user, target=approval.target, record_id=approval.target_id
    )
    document = document_views.get(approval.target)
    document_html = (
        document(
            request,
            approval=approval,
            previous=selectors.approval_previous_round(approval=approval),
        )
        if document
        else ""
    )
    return render(
        request,
        "sales/approvals/detail.html",
        {
            "approval": approval,
            "document_html": document_html,
            "target": approval.target,
            "record_id": approval.target_id,
            "rounds": rounds,
            "decision_form": DecisionForm(),
        },
    )


def _after_action(request, *, target, record_id, finished: bool, error: str = ""):
    """htmx from the panel: re-render it (and reload the page when the record moved);
    otherwise back where the user came from with a message."""
    if is_htmx(request) and request.POST.get("panel"):
        response = _panel(request, target, record_id, error=error, status=422 if error else 200)
        if finished and not error:
            response["HX-Refresh"] = "true"
        return response
    if error:
        messages.error(request, error)
    return redirect(_next_url(request, reverse("sales:approval_queue")))


@login_required
@require_POST
def approval_decide(request, approval_id: int):
    approval = Approval.objects.filter(pk=approval_id).only("target", "target_id").first()
    if approval is None:
        raise Http404
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _after_action(
            request,
            target=approval.target,
            record_id=approval.target_id,
            finished=False,
            error=" ".join(str(m) for msgs in form.errors.values() for m in msgs),
        )
    approve = form.cleaned_data["decision"] == "approve"
    try:
        decided = approvals.approval_decide(
            actor=request.user,
            approval_id=approval_id,
            approve=approve,
            comment=form.cleaned_data["comment"],
        )
    except NotFound:
        raise
    except DomainError as exc:
        return _after_action(
            request,
            target=approval.target,
            record_id=approval.target_id,
            finished=False,
            error=_message(exc),
        )
    if decided.state == Approval.State.APPROVED:
        messages.success(request, _("Approved: %(title)s") % {"title": decided.title})
    elif decided.state == Approval.State.REJECTED:
        messages.success(request, _("Rejected: %(title)s") % {"title": decided.title})
    else:
        messages.success(
            request,
            _("Your approval was recorded; the next approvers decide now: %(title)s")
            % {"title": decided.title},
        )
    return _after_action(
        request,
        target=decided.target,
        record_id=decided.target_id,
        finished=decided.state != Approval.State.PENDING,
    )


@login_required
@require_POST
def approval_withdraw(request, target: str, pk: int):
    if target not in selectors.TARGETS:
        raise Http404
    if (
        not selectors.record_visible(user=request.user, target=target, record_id=pk)
        and not (
            Approval.objects.filter(target=target, target_id=pk, submitted_by_id=request.user.pk)
        ).exists()
    ):
        raise Http404
    comment = request.POST.get("comment", "")
    try:
        approvals.approval_withdraw(
            actor=request.user, target=target, record_id=pk, comment=comment
        )
    except DomainError as exc:
        return _after_action(
            request, target=target, record_id=pk, finished=False, error=_message(exc)
        )
    messages.success(request, _("The approval was withdrawn; you can change and resubmit it."))
    return _after_action(request, target=target, record_id=pk, finished=True)


# ---------------------------------------------------------------- queues


@login_required
@require_GET
def approval_queue(request):
    """My pending tasks (oldest first) and, on the second tab, what I submitted."""
    tab = "submitted" if request.GET.get("tab") == "submitted" else "todo"
    cursor = request.GET.get("cursor", "")[:20]
    try:
        if tab == "todo":
            rows, next_cursor = selectors.approval_queue_for_user(user=request.user, cursor=cursor)
        else:
            state = request.GET.get("state", "")[:10]
            rows, next_cursor = selectors.approvals_submitted_by(
                user=request.user, state=state, cursor=cursor
            )
    except ValidationFailed:
        return redirect(f"{reverse('sales:approval_queue')}?tab={tab}")
    return render(
        request,
        "sales/approvals/queue.html",
        {
            "tab": tab,
            "rows": rows,
            "next_cursor": next_cursor,
            "todo_count": selectors.queue_count(user=request.user),
            "states": Approval.State.choices,
            "state": request.GET.get("state", ""),
            "decision_form": DecisionForm(),
            "perms_flows": user_can(user=request.user, permission=MANAGE_FLOWS),
        },
    )


# ---------------------------------------------------------------- flows


def _require_flow_admin(request):
    if not user_can(user=request.user, permission=MANAGE_FLOWS):
        raise PermissionDenied()


@login_required
@require_GET
def flow_list(request):
    _require_flow_admin(request)
    target = request.GET.get("target", "")
    if target not in selectors.TARGETS:
        target = ""
    return render(
        request,
        "sales/approvals/flow_list.html",
        {
            "flows": selectors.flow_list(target=target),
            "targets": ApprovalTarget.choices,
            "target": target,
        },
    )


def _apply_errors(form, step_forms, exc: DomainError) -> None:
    for name, field_messages in (exc.field_errors or {}).items():
        if name.startswith("steps."):
            index = int(name.split(".", 1)[1])
            holder = step_forms[index] if index < len(step_forms) else form
            for message in field_messages:
                holder.add_error(None, str(message))
            continue
        field = {"department_ids": "departments", "product_ids": "products"}.get(name, name)
        for message in field_messages:
            form.add_error(field if field in form.fields else None, str(message))
    if not exc.field_errors:
        form.add_error(None, str(exc.message))


def _flow_page(request, *, form, step_forms, flow=None, status=200):
    return render(
        request,
        "sales/approvals/flow_form.html",
        {
            "form": form,
            "step_forms": step_forms,
            "flow": flow,
            "versions": selectors.flow_versions(flow=flow) if flow else [],
            "next_index": max((int(f.prefix.split("-")[1]) for f in step_forms), default=-1) + 1,
        },
        status=status,
    )


def _save_flow(request, *, flow=None):
    form = FlowForm(request.POST, editing=flow is not None, flow=flow)
    step_forms = step_forms_from_post(request.POST)
    valid = form.is_valid()
    valid = all([f.is_valid() for f in step_forms]) and valid
    if valid:
        data = approvals.FlowInput(**form.values(), steps=[f.value() for f in step_forms])
        try:
            if flow is None:
                flow = approvals.flow_create(actor=request.user, data=data)
                messages.success(request, _("The approval flow was created."))
            else:
                flow = approvals.flow_update(actor=request.user, flow=flow, data=data)
                messages.success(
                    request,
                    _("Saved as version %(number)s; running approvals keep their version.")
                    % {"number": flow.current_version.number},
                )
        except ValidationFailed as exc:
            _apply_errors(form, step_forms, exc)
        else:
            return redirect("sales:approval_flows")
    return _flow_page(request, form=form, step_forms=step_forms, flow=flow, status=422)


@login_required
@require_http_methods(["GET", "POST"])
def flow_create(request):
    _require_flow_admin(request)
    if request.method == "POST":
        return _save_flow(request)
    target = request.GET.get("target", "contract")
    form = FlowForm(initial={"target": target if target in selectors.TARGETS else "contract"})
    steps = step_forms_for([{"kind": "direct_manager", "mode": "any"}])
    return _flow_page(request, form=form, step_forms=steps)


@login_required
@require_http_methods(["GET", "POST"])
def flow_edit(request, flow_id: int):
    _require_flow_admin(request)
    flow = selectors.flow_get(flow_id=flow_id)
    if request.method == "POST":
        return _save_flow(request, flow=flow)
    form = FlowForm(initial=FlowForm.initial_for(flow), editing=True, flow=flow)
    steps = step_forms_for(flow.current_version.steps if flow.current_version else [])
    return _flow_page(request, form=form, step_forms=steps, flow=flow)


@login_required
@require_POST
def flow_toggle(request, flow_id: int):
    _require_flow_admin(request)
    flow = selectors.flow_get(flow_id=flow_id)
    active = request.POST.get("active") == "1"
    approvals.flow_set_active(actor=request.user, flow=flow, active=active)
    if active:
        messages.success(request, _("The flow is active again."))
    else:
        messages.success(request, _("The flow is deactivated; approvals already running go on."))
    return redirect("sales:approval_flows")


@login_required
@require_GET
def flow_step_row(request):
    """One empty step row for the steps editor (htmx: "Add a step")."""
    _require_flow_admin(request)
    try:
        index = max(0, min(int(request.GET.get("index", "0")), 999))
    except ValueError:
        index = 0
    form = StepForm(prefix=f"steps-{index}", initial={"kind": "direct_manager", "mode": "any"})
    return render(
        request,
        "sales/approvals/_step_row.html",
        {"step": form, "next_index": index + 1, "oob_add": True},
    )
