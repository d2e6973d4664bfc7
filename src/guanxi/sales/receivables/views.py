"""Receivables pages (ORD-4, ORD-5): the ageing report with the open instalments and its
Excel export, the contract's money panel (plan, payments, invoices and their forms), and the
"my overdue instalments" section of the work list. Thin: parse, call a service or selector,
render."""

import json
from dataclasses import replace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from guanxi.accounts.permissions import EXPORT
from guanxi.accounts.selectors import user_can
from guanxi.core.audit import audit_record
from guanxi.core.errors import SHOWN_ON_FORM, DomainError, ValidationFailed, found
from guanxi.core.forms import form_add_errors
from guanxi.core.http import capped_list_html, is_htmx
from guanxi.core.models import AuditLog
from guanxi.core.spreadsheets import safe
from guanxi.sales.common import money, permissions
from guanxi.sales.common.xlsx import xlsx_download
from guanxi.sales.contracts.selectors import contract_for_user
from guanxi.sales.models import Approval, Contract, Instalment, Invoice, Payment
from guanxi.sales.receivables import selectors
from guanxi.sales.receivables import services as services_receivables
from guanxi.sales.receivables.forms import (
    InvoiceForm,
    PaymentForm,
    PlanProposalForm,
    VoidForm,
    plan_rows_from_post,
)
from guanxi.sales.receivables.instalment_sheet import instalment_columns


def _error_text(exc: DomainError) -> str:
    details = [str(m) for msgs in exc.field_errors.values() for m in msgs]
    if (
        details
        and isinstance(exc, ValidationFailed)
        and str(exc.message) == str(ValidationFailed.default_message)
    ):
        return " ".join(details)
    return str(exc.message)


# ---------------------------------------------------------------- ageing report


@login_required
@require_GET
def receivables(request):
    try:
        filters = selectors.ReceivableFilters.from_params(request.GET)
    except ValidationFailed as exc:
        messages.error(request, _error_text(exc))
        filters = selectors.ReceivableFilters()
    today = timezone.localdate()
    try:
        rows, cursor = selectors.open_instalment_page(
            user=request.user, filters=filters, cursor=request.GET.get("after", ""), today=today
        )
    except ValidationFailed as exc:
        messages.error(request, _error_text(exc))
        rows, cursor = selectors.open_instalment_page(
            user=request.user, filters=filters, today=today
        )
    params = filters.as_params()
    context = {
        "report": selectors.ageing_report(user=request.user, filters=filters, today=today),
        "rows": rows,
        "next_url": ("?" + urlencode({**params, "after": cursor}) if cursor is not None else None),
        "filters": filters,
        "choices": selectors.filter_choices(user=request.user),
        "buckets": selectors.BUCKETS,
        "query": urlencode(params),
        "can_export": user_can(user=request.user, permission=EXPORT),
    }
    return render(request, "sales/receivables/report.html", context)


@login_required
@require_GET
def receivables_export(request):
    """The open instalments in scope as .xlsx (openpyxl write-only, spooled, streamed);
    permission customer.export like every export; audited."""
    # openpyxl takes a while to import and only exports need it: not at every start.
    from openpyxl import Workbook

    if not user_can(user=request.user, permission=EXPORT):
        raise DjangoPermissionDenied(_("You may not export data."))
    try:
        filters = selectors.ReceivableFilters.from_params(request.GET)
    except ValidationFailed as exc:
        raise Http404(_error_text(exc)) from None
    labels = dict(selectors.BUCKETS)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Receivables")[:31])
    sheet.append([*instalment_columns(), _("Days overdue"), _("Ageing")])
    count = 0
    for inst in selectors.open_instalment_iter(user=request.user, filters=filters):
        sheet.append(
            [
                safe(inst.contract.number),
                safe(inst.customer.name),
                safe(str(inst.owner)) if inst.owner_id else "",
                safe(str(inst.department)) if inst.department_id else "",
                inst.sequence,
                inst.due_on,
                inst.amount,
                inst.paid_amount,
                inst.open_amount,
                inst.days_overdue,
                str(labels[inst.bucket]),
            ]
        )
        count += 1
    response = xlsx_download(workbook, stem="receivables")
    audit_record(
        actor=request.user,
        action=AuditLog.Action.EXPORT,
        summary=f"receivables.xlsx: {count}",
        detail={
            "filters": {k: str(v) for k, v in filters.as_params().items()},
            "rows": count,
            "format": "xlsx",
            "complete": True,
        },
        request=request,
    )
    return response


# ---------------------------------------------------------------- the contract's panel


def _records_with_approval(payments, invoices) -> set:
    """(target, id) of the payments and invoices that went through an approval (one query)."""
    if not payments and not invoices:
        return set()
    condition = Q(target="payment", target_id__in=[p.pk for p in payments]) | Q(
        target="invoice", target_id__in=[i.pk for i in invoices]
    )
    return set(Approval.objects.filter(condition).values_list("target", "target_id").distinct())


def _panel_context(request, contract, **overrides) -> dict:
    data = selectors.contract_money(contract=contract)
    status = contract.status
    can_void = user_can(user=request.user, permission=permissions.VOID_RECORDS)
    can_override = user_can(user=request.user, permission=permissions.OVERRIDE_INVOICE)
    can_plan = status in (Contract.Status.DRAFT, *services_receivables.PAYABLE_STATUSES)
    can_pay = status in services_receivables.PAYABLE_STATUSES and bool(data["instalments"])
    can_invoice = status in services_receivables.INVOICEABLE_STATUSES
    with_approval = _records_with_approval(data["payments"], data["invoices"])
    # a voidable record (confirmed payment, issued invoice) and its approval panel's URL
    for target, records, voidable in (
        ("payment", data["payments"], Payment.Status.CONFIRMED),
        ("invoice", data["invoices"], Invoice.Status.ISSUED),
    ):
        for record in records:
            record.approval_url = (
                reverse("sales:approval_panel", args=[target, record.pk])
                if (target, record.pk) in with_approval
                else None
            )
            record.can_void = can_void and record.status == voidable
    plan_rows = overrides.pop("plan_rows", None)
    if plan_rows is None:
        plan_rows = [
            {"due_on": i.due_on.isoformat(), "amount": i.amount, "notes": i.notes}
            for i in data["instalments"]
        ]
    context = {
        "contract": contract,
        **data,
        "can_plan": can_plan,
        "can_pay": can_pay,
        "can_invoice": can_invoice,
        "can_override": can_override,
        "plan_rows": plan_rows,
        "plan_blank_rows": range(2 if plan_rows else 3),
        "plan_open": False,
        "plan_errors": [],
        "proposal_form": PlanProposalForm(
            initial={"first_due_on": contract.signed_on or timezone.localdate()}
        ),
        "payment_form": PaymentForm(instalments=data["instalments"]) if can_pay else None,
        "invoice_form": (
            InvoiceForm(payments=data["payments"], can_override=can_override)
            if can_invoice
            else None
        ),
        "void_form": VoidForm(),
        "panel_url": reverse("sales:contract_receivables", args=[contract.pk]),
        "contract_url": reverse("sales:contract_detail", args=[contract.pk]),
        "notice": "",
        "error": "",
    }
    context.update(overrides)
    return context


def _render_panel(request, contract, *, status=200, **overrides):
    context = _panel_context(request, contract, **overrides)
    if is_htmx(request):
        return render(request, "sales/receivables/panel.html", context, status=status)
    return render(request, "sales/receivables/contract_page.html", context, status=status)


# What the panel says after an action succeeded, by the code the action answers with.
NOTICES = {
    "plan": gettext_lazy("Payment plan saved."),
    "payment": gettext_lazy("Payment recorded."),
    "payment_pending": gettext_lazy("Payment recorded; it counts once approved."),
    "payment_replayed": gettext_lazy("This payment was already recorded."),
    "invoice": gettext_lazy("Invoice recorded."),
    "invoice_pending": gettext_lazy("Invoice recorded; it counts once approved."),
    "payment_void": gettext_lazy("Payment voided."),
    "invoice_void": gettext_lazy("Invoice voided."),
}
RELOAD_EVENT = "gx-receivables-changed"


def _after_action(request, contract, notice: str):
    """A plain form post: back to the contract with the message. htmx: 204 and an event;
    the panel then reloads itself with a GET (guanxi.js) and shows the notice. The write
    answers as soon as it is done (a payment: ~20 ms on the 1M-customer bench) instead of
    also re-rendering plan, payments, invoices and forms in the same request."""
    if is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Trigger"] = json.dumps({RELOAD_EVENT: {"notice": notice}})
        return response
    messages.success(request, NOTICES[notice])
    return redirect("sales:contract_detail", contract.pk)


@login_required
@require_GET
def contract_receivables(request, pk):
    notice = NOTICES.get(request.GET.get("notice", ""), "")
    return _render_panel(
        request, contract_for_user(user=request.user, contract_id=pk), notice=notice
    )


@login_required
@require_GET
def plan_propose(request, pk):
    """The plan editor filled with N equal parts (not saved until "Save plan")."""
    contract = contract_for_user(user=request.user, contract_id=pk)
    form = PlanProposalForm(request.GET)
    if not form.is_valid():
        return _render_panel(request, contract, proposal_form=form, plan_open=True, status=422)
    try:
        rows = services_receivables.propose_plan(total=contract.total_amount, **form.cleaned_data)
    except ValidationFailed as exc:
        form_add_errors(form, exc)
        return _render_panel(request, contract, proposal_form=form, plan_open=True, status=422)
    rows = [replace(row, due_on=str(row.due_on)) for row in rows if row.amount > 0]
    return _render_panel(request, contract, plan_rows=rows, proposal_form=form, plan_open=True)


@login_required
@require_POST
def plan_save(request, pk):
    contract = contract_for_user(user=request.user, contract_id=pk)
    rows = plan_rows_from_post(request.POST)
    try:
        services_receivables.instalments_set(actor=request.user, contract=contract, plan=rows)
    except SHOWN_ON_FORM as exc:
        errors = [str(m) for msgs in exc.field_errors.values() for m in msgs] or [str(exc.message)]
        return _render_panel(
            request, contract, plan_rows=rows, plan_open=True, plan_errors=errors, status=422
        )
    return _after_action(request, contract, "plan")


def _show_refusal(form, exc) -> None:
    """A refused payment or invoice on its form: the field errors by their fields and, when
    it says more than "correct the errors below", the message above the form too."""
    form_add_errors(form, exc)
    if exc.field_errors and str(exc.message) != str(ValidationFailed.default_message):
        form.add_error(None, str(exc.message))


@login_required
@require_POST
def payment_create(request, pk):
    # no related rows: a recorded payment answers 204; a refused one's panel reads them
    contract = contract_for_user(user=request.user, contract_id=pk, related=())
    # the form needs only the plan (its instalment choices); the panel reads the rest later
    form = PaymentForm(request.POST, instalments=selectors.contract_instalments(contract=contract))
    if form.is_valid():
        try:
            # The form's fields are the service's arguments.
            payment, created = services_receivables.payment_record(
                actor=request.user, contract=contract, **form.cleaned_data
            )
        except SHOWN_ON_FORM as exc:
            _show_refusal(form, exc)
        else:
            if payment.status == Payment.Status.PENDING:
                notice = "payment_pending"
            elif not created:
                notice = "payment_replayed"
            else:
                notice = "payment"
            return _after_action(request, contract, notice)
    return _render_panel(request, contract, payment_form=form, status=422)


@login_required
@require_POST
def invoice_create(request, pk):
    contract = contract_for_user(user=request.user, contract_id=pk)
    money = selectors.contract_money(contract=contract)
    can_override = user_can(user=request.user, permission=permissions.OVERRIDE_INVOICE)
    form = InvoiceForm(request.POST, payments=money["payments"], can_override=can_override)
    if form.is_valid():
        try:
            # The form's fields are the service's arguments (no override reason without the
            # permission to give one).
            invoice = services_receivables.invoice_record(
                actor=request.user, contract=contract, **form.cleaned_data
            )
        except SHOWN_ON_FORM as exc:
            _show_refusal(form, exc)
        else:
            notice = "invoice_pending" if invoice.status == Invoice.Status.PENDING else "invoice"
            return _after_action(request, contract, notice)
    return _render_panel(request, contract, invoice_form=form, status=422)


def _void(request, model, pk, service, notice):
    """Void the payment or invoice `pk` (`model`) the user may see with `service`, which
    names the record after its model (payment=…, invoice=…)."""
    record = found(model.objects.visible_to(request.user).filter(pk=pk).first())
    contract = contract_for_user(user=request.user, contract_id=record.contract_id)
    form = VoidForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            service(
                actor=request.user,
                reason=form.cleaned_data["reason"],
                **{model._meta.model_name: record},
            )
        except SHOWN_ON_FORM as exc:
            error = _error_text(exc)
        else:
            return _after_action(request, contract, notice)
    else:
        error = _("Give a reason for voiding.")
    if not is_htmx(request):
        messages.error(request, error)
        return redirect(reverse("sales:contract_receivables", args=[contract.pk]))
    return _render_panel(request, contract, error=error, status=422)


@login_required
@require_POST
def payment_void(request, pk):
    return _void(request, Payment, pk, services_receivables.payment_void, "payment_void")


@login_required
@require_POST
def invoice_void(request, pk):
    return _void(request, Invoice, pk, services_receivables.invoice_void, "invoice_void")


# ---------------------------------------------------------------- work list section


def overdue_worklist_section(*, request, user) -> str:
    """ "My overdue instalments" at the top of the work list (pipeline.worklist_hooks):
    the count (capped at 1,000) and the five oldest, two short indexed queries. Nothing
    when there are none."""
    return capped_list_html(
        request,
        "sales/receivables/worklist_overdue.html",
        selectors.overdue_for_owner(user=user),
        target=user,
    )


# ---------------------------------------------------------------- on the approval page


def _approval_document(request, record, rows: list[tuple[str, str]]) -> str:
    """A payment or an invoice under approval: its key fields and its contract's figures
    (the approvals page has already checked that the user may open the approval)."""
    contract = Contract.objects.select_related("customer").filter(pk=record.contract_id).first()
    if contract is None:
        return ""
    return render_to_string(
        "sales/receivables/approval_document.html",
        {
            "record": record,
            "rows": rows,
            "contract": contract,
            "contract_url": reverse("sales:contract_detail", args=[contract.pk])
            if Contract.objects.visible_to(request.user).filter(pk=contract.pk).exists()
            else "",
        },
        request=request,
    )


def _label(model, name: str) -> str:
    return str(model._meta.get_field(name).verbose_name).capitalize()


def payment_approval_document_html(request, *, approval, previous=None) -> str:
    payment = (
        Payment.objects.select_related("recorded_by", "requested_instalment")
        .filter(pk=approval.target_id)
        .first()
    )
    if payment is None:
        return ""
    rows = [
        (_label(Payment, "amount"), money.yuan(payment.amount)),
        (_label(Payment, "received_on"), payment.received_on.isoformat()),
        (_label(Payment, "method"), payment.get_method_display()),
        (_label(Payment, "reference"), payment.reference or "—"),
        (_label(Payment, "notes"), payment.notes or "—"),
        (_("Recorded by"), str(payment.recorded_by or "—")),
    ]
    if payment.requested_instalment:
        rows.append(
            (
                _label(Instalment, "sequence"),
                f"#{payment.requested_instalment.sequence} · "
                f"{payment.requested_instalment.due_on.isoformat()} · "
                f"{money.yuan(payment.requested_instalment.amount)}",
            )
        )
    return _approval_document(request, payment, rows)


def invoice_approval_document_html(request, *, approval, previous=None) -> str:
    invoice = Invoice.objects.select_related("recorded_by").filter(pk=approval.target_id).first()
    if invoice is None:
        return ""
    rows = [
        (_label(Invoice, "number"), invoice.number or "—"),
        (_label(Invoice, "kind"), invoice.get_kind_display()),
        (_label(Invoice, "amount"), money.yuan(invoice.amount)),
        (_label(Invoice, "tax_rate"), f"{(invoice.tax_rate * 100).normalize():f}%"),
        (_label(Invoice, "net_amount"), money.yuan(invoice.net_amount)),
        (_label(Invoice, "tax_amount"), money.yuan(invoice.tax_amount)),
        (_label(Invoice, "issued_on"), invoice.issued_on.isoformat()),
        (_("Recorded by"), str(invoice.recorded_by or "—")),
    ]
    if invoice.override_reason:
        rows.append((_label(Invoice, "override_reason"), invoice.override_reason))
    return _approval_document(request, invoice, rows)
