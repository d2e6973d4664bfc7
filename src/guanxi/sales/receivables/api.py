"""/api/v1 for payment plans, payments, invoices and the receivables ageing (ORD-4, ORD-5).

Thin: parse, call a service or selector, render. A contract, payment or invoice outside the
caller's scope answers 404 exactly like one that does not exist; bad input answers 422 with
per-field messages and nothing is written.

Recording a payment needs an `Idempotency-Key` header (up to 80 characters, e.g. a UUID):
the first request answers 201; a retry with the same key and the same body answers 200 with
the same payment; the same key with a different body answers 409."""

from typing import Annotated

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from guanxi.core.api_endpoints import service_arguments
from guanxi.core.errors import ValidationFailed, found
from guanxi.core.schemas import IdFilter, idempotency_key_extra
from guanxi.sales.contracts.record_endpoints import contract_record_create, contract_records_list
from guanxi.sales.contracts.selectors import contract_for_user
from guanxi.sales.contracts.services import InstalmentInput
from guanxi.sales.models import Instalment, Invoice, Payment, PaymentAllocation
from guanxi.sales.receivables import selectors, services
from guanxi.sales.receivables.schemas import (
    AgeingOut,
    InvoiceIn,
    InvoiceOut,
    InvoicePageOut,
    PaymentIn,
    PaymentOut,
    PaymentPageOut,
    PlanIn,
    PlanOut,
    VoidIn,
)

router = Router(tags=["receivables"])


class AgeingQuery(Schema):
    owner: IdFilter = ""
    department: IdFilter = ""
    bucket: Annotated[str, Field(max_length=10)] = ""


def _payments():
    return Payment.objects.select_related("recorded_by").prefetch_related(
        Prefetch(
            "allocations",
            queryset=PaymentAllocation.objects.select_related("instalment").order_by(
                "instalment__sequence"
            ),
        )
    )


def _plan_out(contract) -> dict:
    return {
        "contract_id": contract.pk,
        "status": contract.status,
        "total_amount": contract.total_amount,
        "paid_amount": contract.paid_amount,
        "instalments": list(
            Instalment.objects.filter(contract_id=contract.pk).order_by("sequence")
        ),
    }


# ---------------------------------------------------------------- instalments


@router.get(
    "/contracts/{int:contract_id}/instalments",
    response=PlanOut,
    summary="A contract's payment plan",
)
def instalment_list(request, contract_id: int):
    return _plan_out(contract_for_user(user=request.auth, contract_id=contract_id))


@router.put(
    "/contracts/{int:contract_id}/instalments",
    response=PlanOut,
    summary="Replace the payment plan (must add up to the contract total)",
)
def instalment_set(request, contract_id: int, payload: PlanIn):
    contract = contract_for_user(user=request.auth, contract_id=contract_id)
    services.instalments_set(
        actor=request.auth,
        contract=contract,
        plan=[InstalmentInput(**row.model_dump()) for row in payload.instalments],
    )
    return _plan_out(contract_for_user(user=request.auth, contract_id=contract_id))


# ---------------------------------------------------------------- payments


contract_records_list(
    router,
    "payments",
    name="payment_list",
    module=__name__,
    rows=_payments,
    response=PaymentPageOut,
    summary="A contract's payments, newest first",
)


# The service's field names, as the caller sent them.
_PAYMENT_FIELDS = {"instalment": "instalment_id", "idempotency_key": "Idempotency-Key"}


@router.post(
    "/contracts/{int:contract_id}/payments",
    response={201: PaymentOut, 200: PaymentOut},
    summary="Record a payment (header Idempotency-Key required)",
    openapi_extra=idempotency_key_extra(
        required=True,
        description="A new unique value (e.g. a UUID) per payment; a retry with "
        "the same key and body returns the first payment (200), the same key with "
        "another body is refused (409).",
    ),
)
def payment_create(request, contract_id: int, payload: PaymentIn):
    key = (request.headers.get("Idempotency-Key") or "").strip()
    if not key:
        raise ValidationFailed(
            field_errors={
                "Idempotency-Key": [_("Send an Idempotency-Key header, e.g. a new UUID.")]
            }
        )
    contract = contract_for_user(user=request.auth, contract_id=contract_id)
    try:
        payment, created = services.payment_record(
            actor=request.auth, contract=contract, idempotency_key=key, **service_arguments(payload)
        )
    except ValidationFailed as exc:
        exc.field_errors = {
            _PAYMENT_FIELDS.get(field, field): messages
            for field, messages in exc.field_errors.items()
        }
        raise
    return Status(201 if created else 200, _payments().get(pk=payment.pk))


@router.post("/payments/{int:payment_id}/void", response=PaymentOut, summary="Void a payment")
def payment_void(request, payment_id: int, payload: VoidIn):
    payment = found(Payment.objects.visible_to(request.auth).filter(pk=payment_id).first())
    services.payment_void(actor=request.auth, payment=payment, reason=payload.reason)
    return _payments().get(pk=payment.pk)


# ---------------------------------------------------------------- invoices


def _invoices():
    return Invoice.objects.select_related("override_by")


contract_records_list(
    router,
    "invoices",
    name="invoice_list",
    module=__name__,
    rows=_invoices,
    response=InvoicePageOut,
    summary="A contract's invoices, newest first",
)
contract_record_create(
    router,
    "invoices",
    name="invoice_create",
    module=__name__,
    body=InvoiceIn,
    service=services.invoice_record,
    rows=_invoices,
    response=InvoiceOut,
    summary="Record an invoice (never beyond the contract total without an override)",
)


@router.post("/invoices/{int:invoice_id}/void", response=InvoiceOut, summary="Void an invoice")
def invoice_void(request, invoice_id: int, payload: VoidIn):
    invoice = found(Invoice.objects.visible_to(request.auth).filter(pk=invoice_id).first())
    services.invoice_void(actor=request.auth, invoice=invoice, reason=payload.reason)
    return _invoices().get(pk=invoice.pk)


# ---------------------------------------------------------------- ageing


def _buckets(row: dict) -> list[dict]:
    return [{**bucket, "label": str(bucket["label"])} for bucket in row["buckets"]]


def _row_out(row: dict, name) -> dict:
    return {
        "id": row["id"],
        "name": str(name) if name is not None else "",
        "buckets": _buckets(row),
        "total": row["total"],
        "overdue": row["overdue"],
        "count": row["count"],
    }


@router.get(
    "/receivables/ageing",
    response=AgeingOut,
    summary="Receivables ageing in the caller's scope: totals per bucket, owner, department",
)
def receivables_ageing(request, query: Query[AgeingQuery]):
    filters = selectors.ReceivableFilters.from_params(query.model_dump())
    report = selectors.ageing_report(user=request.auth, filters=filters)
    summary = report["summary"]
    return {
        "today": report["today"],
        "summary": {**summary, "buckets": _buckets(summary)},
        "by_owner": [_row_out(r, r["owner"]) for r in report["by_owner"]],
        "by_department": [_row_out(r, r["department"]) for r in report["by_department"]],
    }
