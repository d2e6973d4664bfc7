"""Seeing is not changing (issue 11 §1): the role × action matrix.

Every changing operation of the API (POST/PUT/PATCH/DELETE) and every HTML form that changes
customer, pipeline or sales data is one row of `ACTIONS`, with the roles that may do it on a
record owned by a consultant (sales1a) in the actor's scope. Each row is tried by the six
shipped roles and by the owner; a role that may do it changes the data, any other is refused
with 403 or 404 (an HTML form may also send the user back with an error message) and nothing
changes. `test_every_changing_endpoint_is_in_the_matrix` fails when an endpoint is added
without a row here (or a reason in `OUTSIDE`).

One test per action: the records are built once, and each role's request runs in a savepoint
that is rolled back, so every role meets the same state.
"""

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from guanxi.accounts.models import Department
from guanxi.care.assets.services import AssetInput, asset_create
from guanxi.care.models import (
    CareTask,
    ConsentEvent,
    ContactPreference,
    InstalledAsset,
    Message,
    MessageTemplate,
    Reception,
    SpotCheck,
)
from guanxi.care.reception.services import ReceptionInput, reception_log
from guanxi.care.visits import services as care_visits
from guanxi.core.models import AuditLog
from guanxi.customers.archive import services as archive
from guanxi.customers.archive.validation import ContactInput, CustomerInput
from guanxi.customers.models import (
    Attachment,
    Contact,
    Customer,
    CustomerShare,
    CustomerTag,
    OwnerChange,
    TimelineEvent,
)
from guanxi.imports.models import ExportJob, ImportBatch, ImportRow, ImportTemplate
from guanxi.imports.spreadsheets import services as import_services
from guanxi.pipeline.models import (
    CheckIn,
    Claim,
    CustomerLocation,
    FollowUp,
    Objection,
    PoolEntry,
    Prospect,
    Stage,
    StageMove,
    TeamQuota,
)
from guanxi.pipeline.pools.services import pool_release
from guanxi.pipeline.prospects.services import FollowUpInput, followup_log, prospect_set_stage
from guanxi.portal.models import LeadForm
from guanxi.sales.contracts.services import contract_submit
from guanxi.sales.models import (
    Approval,
    Contract,
    ContractAmendment,
    ContractItem,
    Delivery,
    DeliveryPlan,
    Instalment,
    Invoice,
    Order,
    Payment,
    Quote,
    QuoteItem,
    SalesTarget,
    StockOut,
)
from guanxi.sales.receivables.services import invoice_record
from guanxi.satisfaction.models import ActionPlan, ExternalImport, SurveyResponse, SurveyVersion
from guanxi.service.complaints import services as complaints
from guanxi.service.models import (
    Complaint,
    ComplaintCategory,
    ComplaintEvent,
    ComplaintRoute,
    ComplaintSettings,
    SlaTarget,
)
from guanxi.webhooks.models import AllowedHost, Subscription
from guanxi.webhooks.models import Delivery as WebhookDelivery
from tests.pipeline.factories import PoolFactory
from tests.sales.factories import (
    ProductFactory,
    draft_for,
    make_contract,
    make_quote,
    pay,
    place_order,
)
from tests.satisfaction import factories as sat_factories

pytestmark = pytest.mark.django_db

# the six shipped roles by a demo user each, and the owner of the records acted on
ACTORS = {
    "owner": "sales1a",
    "consultant": "sales1b",
    "manager": "manager",
    "customer_relations": "relations",
    "service_agent": "agent",
    "marketing": "marketing",
    "admin": "admin",
}
ROLES = tuple(ACTORS)

EVERYONE = frozenset(ROLES)
EDIT = frozenset({"owner", "manager", "customer_relations", "admin"})  # customer.edit_others
WORK = frozenset({"owner", "manager", "admin"})  # pipeline.* and sales.edit_others
MANAGERS = frozenset({"manager", "admin"})
ADMIN = frozenset({"admin"})
CARE_TEMPLATES = frozenset({"customer_relations", "marketing", "admin"})  # care.templates
CARE_CONSENT = frozenset({"customer_relations", "marketing", "admin"})  # care.consent
CARE_SEND = frozenset({"customer_relations", "marketing", "admin"})  # care.send
MERGERS = frozenset({"manager", "customer_relations", "admin"})  # customer.merge
REVEALERS = frozenset({"owner", "manager", "customer_relations", "admin"})  # customer.reveal
POOL_MEMBERS = frozenset({"owner", "consultant", "manager"})  # members of 销售中心's pool
APPROVER = frozenset({"manager"})  # the submitter's direct manager, whose turn it is
WITHDRAWERS = frozenset({"owner", "admin"})  # the submitter, or who manages approval flows
RECEPTION = frozenset({"owner", "customer_relations", "admin"})  # care.reception_others
CARE_RULES = frozenset({"customer_relations", "admin"})  # care.rules
PORTAL_FORMS = frozenset({"marketing", "admin"})  # portal.forms

TODAY = timezone.localdate
EXPORTERS = frozenset({"manager", "customer_relations", "marketing", "admin"})  # customer.export
RECALLERS = frozenset({"customer_relations", "admin"})  # care.spot_check and the re-call's task
SAT_SURVEYS = frozenset({"customer_relations", "admin"})  # satisfaction.surveys, .import
SAT_COLLECT = frozenset({"manager", "customer_relations", "admin"})  # satisfaction.collect
SAT_PLANS = frozenset({"manager", "customer_relations", "admin"})  # satisfaction.plans
# service.complaint_log: own customers, or any in scope with the permission
COMPLAINT_LOGGERS = frozenset({"owner", "manager", "customer_relations", "service_agent", "admin"})
# service.complaint_accept, for who sees the complaint (the manager through the customer)
COMPLAINT_ACCEPTERS = frozenset({"manager", "customer_relations", "service_agent", "admin"})
COMPLAINT_SETUP = frozenset({"customer_relations", "admin"})  # service.complaint_setup
# the agent's own complaint, or service.complaint_others over the agent's department
COMPLAINT_WORKERS = frozenset({"customer_relations", "service_agent", "admin"})


class World:
    """The records the actions work on, made by their owner sales1a through the services, each
    only when an action needs it."""

    def __init__(self, org):
        self.org = org
        self.owner = org["sales1a"]

    @cached_property
    def customer(self) -> Customer:
        customer = archive.customer_create(
            actor=self.owner,
            data=CustomerInput(name="矩阵客户", mobile="13912340001"),
        )
        prospect_set_stage(actor=self.owner, customer=customer, stage="s1")
        return Customer.objects.get(pk=customer.pk)

    def _import(self, name: str, phone: str) -> ImportBatch:
        upload = SimpleUploadedFile(name, f"客户名称,手机\n矩阵导入,{phone}\n".encode())
        return import_services.batch_upload(actor=self.owner, upload=upload)

    @cached_property
    def import_checked(self) -> ImportBatch:
        batch = self._import("m1.csv", "13912340091")
        return import_services.batch_check(actor=self.owner, batch=batch)

    @cached_property
    def import_running(self) -> ImportBatch:
        batch = self._import("m2.csv", "13912340092")
        ImportBatch.objects.filter(pk=batch.pk).update(status="running", phase="run")
        return batch

    @cached_property
    def import_done(self) -> ImportBatch:
        batch = self._import("m3.csv", "13912340093")
        batch = import_services.batch_check(actor=self.owner, batch=batch)
        return import_services.batch_start(actor=self.owner, batch=batch)

    @cached_property
    def import_template(self) -> ImportTemplate:
        return import_services.template_save(
            actor=self.owner, name="矩阵模板", mapping={"客户名称": "name"}
        )

    @cached_property
    def lead_form(self) -> LeadForm:
        return LeadForm.objects.create(
            name="矩阵表单", department=self.owner.department, created_by=self.org["admin"]
        )

    @cached_property
    def message_template(self) -> MessageTemplate:
        return MessageTemplate.objects.create(name="矩阵模板", channel="sms", body="您好")

    @cached_property
    def webhook_host(self) -> AllowedHost:
        return AllowedHost.objects.create(host="127.0.0.1", note="矩阵")

    @cached_property
    def webhook(self) -> Subscription:
        self.webhook_host  # noqa: B018 - the loopback receiver is allowed first
        return Subscription.objects.create(
            name="矩阵 ERP",
            url="http://127.0.0.1:9/hook",
            secret="s" * 40,
            events=["customer.created"],
            owner=self.org["admin"],
        )

    @cached_property
    def webhook_delivery(self) -> WebhookDelivery:
        return WebhookDelivery.objects.create(
            subscription=self.webhook,
            event="customer.created",
            payload={"customer": {"id": 1}},
            status=WebhookDelivery.Status.FAILED,
            next_attempt_at=timezone.now(),
            created_at=timezone.now(),
        )

    @cached_property
    def objection(self) -> Objection:
        followup_log(
            actor=self.owner,
            customer=self.customer,
            data=FollowUpInput(channel="phone", content="嫌贵", objections=[{"type": "price"}]),
        )
        return Objection.objects.get(customer=self.customer)

    @cached_property
    def duplicate(self) -> Customer:
        return archive.customer_create(
            actor=self.owner, data=CustomerInput(name="矩阵客户(重)", mobile="")
        )

    @cached_property
    def deleted(self) -> Customer:
        customer = archive.customer_create(
            actor=self.owner, data=CustomerInput(name="回收站客户", mobile="")
        )
        archive.customer_delete(actor=self.org["admin"], customer=customer)
        return customer

    @cached_property
    def contact(self) -> Contact:
        return archive.contact_create(
            actor=self.owner, customer=self.customer, data=ContactInput(name="联系人")
        )

    @cached_property
    def share(self) -> CustomerShare:
        return archive.share_set(
            actor=self.owner, customer=self.customer, user=self.org["sales2a"], can_edit=False
        )

    @cached_property
    def attachment(self) -> Attachment:
        return archive.attachment_add(
            actor=self.owner,
            customer=self.customer,
            upload=SimpleUploadedFile("合同.pdf", b"%PDF-1.4 matrix"),
        )

    @cached_property
    def pool(self):
        return PoolFactory(
            name="销售中心公海",
            member_departments=[self.sales_center],
            departments_recycled=[self.sales_center],
        )

    @cached_property
    def sales_center(self) -> Department:
        return Department.objects.get(name="销售中心")

    @cached_property
    def pooled(self) -> Customer:
        """A customer of sales2a's released into 销售中心's pool (no cool-down for the rest)."""
        other = self.org["sales2a"]
        customer = archive.customer_create(
            actor=other, data=CustomerInput(name="公海客户", mobile="")
        )
        pool_release(actor=other, customer=customer, pool=self.pool, reason="no_progress")
        return customer

    @cached_property
    def product(self):
        return ProductFactory(code="M-1", name="矩阵产品", list_price="500.00")

    @cached_property
    def draft(self) -> Contract:
        return draft_for(self.owner, self.customer)

    @cached_property
    def signed(self) -> Contract:
        return make_contract(self.owner, self.customer, total="9000.00")

    @cached_property
    def item(self) -> ContractItem:
        return self.signed.items.get()

    @cached_property
    def order(self) -> Order:
        return place_order(self.owner, self.signed, (self.item, 1))

    @cached_property
    def plan(self) -> DeliveryPlan:
        return self.order.plans.get()

    @cached_property
    def payment(self) -> Payment:
        return pay(self.owner, self.signed, "100.00")

    @cached_property
    def invoice(self) -> Invoice:
        return invoice_record(
            actor=self.owner,
            contract=self.signed,
            number="MX-1",
            kind=Invoice.Kind.NORMAL,
            amount="100.00",
            tax_rate="0.13",
            issued_on=TODAY(),
        )

    @cached_property
    def quote(self) -> Quote:
        return make_quote(self.owner, self.customer, self.product)

    @cached_property
    def accepted_quote(self) -> Quote:
        return make_quote(self.owner, self.customer, self.product, status=Quote.Status.ACCEPTED)

    @cached_property
    def pending(self) -> Contract:
        """A contract of ¥200,000 waiting for the approval of sales1a's manager."""
        contract = contract_submit(
            actor=self.owner, contract=draft_for(self.owner, self.customer, price="200000.00")
        )
        assert contract.status == Contract.Status.IN_APPROVAL
        return contract

    @cached_property
    def reception(self) -> Reception:
        """A walk-in logged by sales1a, not yet linked to a customer."""
        return reception_log(
            actor=self.owner,
            data=ReceptionInput(channel="walk_in", visitor_name="矩阵访客", phone="13912340009"),
        )

    @cached_property
    def asset(self) -> InstalledAsset:
        return asset_create(
            actor=self.owner, customer=self.customer, data=AssetInput(product_name="矩阵产品")
        )

    @cached_property
    def approval(self) -> Approval:
        return Approval.objects.get(target="contract", target_id=self.pending.pk)

    def _complaint(self) -> Complaint:
        """A complaint about sales1a's customer, logged by its owner, not routed."""
        return complaints.complaint_create(
            actor=self.owner,
            new=complaints.NewComplaint(
                customer_id=self.customer.pk,
                channel="phone",
                category_id=ComplaintCategory.objects.get(code="service_quality").pk,
                title="矩阵投诉",
                description="态度不好",
            ),
        )

    @cached_property
    def complaint_route(self) -> ComplaintRoute:
        return ComplaintRoute.objects.create(priority=99, to_user=self.org["agent"])

    @cached_property
    def complaint(self) -> Complaint:
        return self._complaint()

    def _agents(self, *, steps: int) -> Complaint:
        agent = self.org["agent"]
        complaint = complaints.complaint_accept(
            actor=agent, complaint_id=self._complaint().pk, note="受理"
        )
        for kind in complaints.STEPS[1:steps]:
            complaint = complaints.complaint_step(
                actor=agent, complaint_id=complaint.pk, step=kind, note=kind
            )
        return complaint

    @cached_property
    def agents_complaint(self) -> Complaint:
        """The same, accepted by the service agent (its owner now)."""
        return self._agents(steps=1)

    @cached_property
    def thanked_complaint(self) -> Complaint:
        return self._agents(steps=5)

    @cached_property
    def closed_complaint(self) -> Complaint:
        complaint = self._agents(steps=5)
        return complaints.complaint_close(
            actor=self.org["agent"], complaint_id=complaint.pk, resolution="resolved"
        )

    @cached_property
    def care_task(self) -> CareTask:
        """An open 回访 of sales1a's customer, for sales1a."""
        return care_visits.care_visit_create(
            actor=self.owner,
            new=care_visits.VisitNew(
                customer_id=self.customer.pk, due_at=timezone.now() + dt.timedelta(days=1)
            ),
        )

    @cached_property
    def care_reached(self) -> CareTask:
        """A 回访 of sales1a's that reached the customer (a follow-up may be raised)."""
        task = care_visits.care_visit_create(
            actor=self.owner,
            new=care_visits.VisitNew(
                customer_id=self.customer.pk, due_at=timezone.now() + dt.timedelta(days=1)
            ),
        )
        return care_visits.care_visit_do(
            actor=self.owner, task_id=task.pk, record=care_visits.VisitRecord(outcome="reached")
        )

    @cached_property
    def fortnight_followup(self) -> FollowUp:
        """sales1a's contact in the last complete fortnight (spot checks draw from it)."""
        start = care_visits.last_complete_fortnight(timezone.localdate())
        return FollowUp.objects.create(
            customer=self.customer,
            user=self.owner,
            department_id=self.owner.department_id,
            at=timezone.make_aware(dt.datetime.combine(start, dt.time(10))),
            channel="phone",
            content="电话跟进",
        )

    @cached_property
    def action_plan(self) -> ActionPlan:
        """An improvement action plan (SAT-4) customer relations gave the owner."""
        return sat_factories.plan(self.org["relations"], self.owner)

    @cached_property
    def spot_check(self) -> SpotCheck:
        """A spot check of that contact, for customer relations to re-call."""
        assert self.fortnight_followup.pk
        care_visits.spot_checks_draw()
        return SpotCheck.objects.get(followup=self.fortnight_followup)


# ---------------------------------------------------------------- the actions


@dataclass(frozen=True)
class Action:
    """`key` names the endpoint: "API <METHOD> <path template>" or "HTML <url name>". `url`
    and `data` build the request from the world (data again for each role: an upload is read
    once); a customer named in the body rather than the path may be refused as a bad
    reference (422, `body_ref`), which says nothing about customers out of sight."""

    key: str
    allowed: frozenset[str]
    method: str
    url: Callable[[World], str]
    data: Callable[[World], dict] | None = None
    headers: Callable[[], dict] | None = None
    body_ref: bool = False


def api(method: str, path: str, allowed, url, body=None, **options) -> Action:
    return Action(f"API {method} {path}", frozenset(allowed), method, url, body, **options)


def html(name: str, allowed, url, data=None, **options) -> Action:
    return Action(f"HTML {name}", frozenset(allowed), "form", url, data, **options)


def _reception_body(w: World) -> dict:
    return {"channel": "phone", "visitor_name": "来电访客", "need": "问价格"}


def _care_due() -> str:
    return (timezone.now() + dt.timedelta(days=1)).isoformat()


def _care_due_local() -> str:
    return (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")


def _c(w: World) -> int:
    return w.customer.pk


def _iso(day: dt.date) -> str:
    return day.isoformat()


def _item_line(w: World) -> dict:
    return {"description": "实施服务", "unit": "项", "quantity": "1", "unit_price": "1000.00"}


def _followup_form(w: World) -> dict:
    prefix = f"c{w.customer.pk}-"
    return {"origin": "panel", prefix + "channel": "visit", prefix + "content": "上门拜访"}


def _contract_form(w: World, **extra) -> dict:
    data = {
        "title": "矩阵合同",
        "signed_on": "",
        "starts_on": "",
        "ends_on": "",
        "terms": "货到付款",
        "items-0-product": "",
        "items-0-description": "空气净化器",
        "items-0-unit": "台",
        "items-0-quantity": "2",
        "items-0-unit_price": "1000.00",
        "items-0-discount": "0",
        "items-0-tax": "13",
    }
    data.update(extra)
    return data


def _amend_form(w: World) -> dict:
    """The signed contract as it is, with new terms (lines and plan unchanged)."""
    item = w.item
    data = {
        "reason": "改付款条件",
        "title": w.signed.title,
        "signing_contact": "",
        "signed_on": w.signed.signed_on.isoformat(),
        "starts_on": "",
        "ends_on": "",
        "terms": "预付三成",
        "items-0-id": item.pk,
        "items-0-description": item.description,
        "items-0-unit": item.unit,
        "items-0-quantity": f"{item.quantity.normalize():f}",
        "items-0-unit_price": str(item.unit_price),
        "items-0-discount": f"{(item.discount_rate * 100).normalize():f}",
        "items-0-tax": f"{(item.tax_rate * 100).normalize():f}",
    }
    for n, row in enumerate(w.signed.instalments.order_by("sequence")):
        data[f"inst-{n}-due_on"] = row.due_on.isoformat()
        data[f"inst-{n}-amount"] = str(row.amount)
        data[f"inst-{n}-notes"] = row.notes
    return data


def _quote_form(w: World, with_customer=True) -> dict:
    data = {
        "contact": "",
        "valid_until": "",
        "notes": "矩阵报价",
        "product": [w.product.pk],
        "description": [""],
        "unit": [""],
        "quantity": ["3"],
        "unit_price": [""],
        "discount": [""],
        "tax": [""],
    }
    if with_customer:
        data["customer"] = w.customer.pk
    return data


def _target_form(w: World) -> dict:
    key = f"u{w.owner.pk}"
    return {
        "key": key,
        f"{key}-subject": key,
        f"{key}-period": "month",
        f"{key}-starts_on": _iso(TODAY().replace(day=1)),
        f"{key}-signed": "300000",
    }


def _care_rule(code: str):
    from guanxi.care.models import CareRule

    return CareRule.objects.get(code=code)


def _care_rule_form(w: World | None = None, **changes) -> dict:
    """The birthday greeting's form, saved (a new rule when posted to rule_create)."""
    rule = _care_rule("birthday_greeting")
    data = {
        "step": "save",
        "name": "矩阵生日祝福",
        "trigger": rule.trigger,
        "offset": "0",
        "offset_unit": "days",
        "action": "message",
        "template": rule.template_id,
        "assignee": "owner",
    }
    data.update(changes)
    return data


def _plan_form(w: World, owner) -> dict:
    return {
        "factor_code": "transaction",
        "item": "公开透明的报价",
        "period": TODAY().strftime("%Y-%m"),
        "last_score": "-2",
        "target": "-1",
        "cause": "报价不透明",
        "measure": "逐项说明",
        "owner_id": owner.pk,
        "due_date": _iso(TODAY() + dt.timedelta(days=7)),
        "status": "open",
    }


def _plan_body(w: World) -> dict:
    return {**_plan_form(w, w.owner), "period": _iso(TODAY().replace(day=1))}


ACTIONS: list[Action] = [
    # ------------------------------------------------------------ customers (API)
    api(
        "POST",
        "/api/v1/customers",
        EVERYONE,
        lambda w: "/api/v1/customers",
        lambda w: {"name": "新建客户", "kind": "person"},
    ),
    api(
        "PATCH",
        "/api/v1/customers/{customer_id}",
        EDIT,
        lambda w: f"/api/v1/customers/{_c(w)}",
        lambda w: {"notes": "改过", "version": w.customer.version},
    ),
    api(
        "DELETE",
        "/api/v1/customers/{customer_id}",
        MANAGERS,
        lambda w: f"/api/v1/customers/{_c(w)}",
    ),
    api(
        "POST",
        "/api/v1/customers/{customer_id}/restore",
        MANAGERS,
        lambda w: f"/api/v1/customers/{w.deleted.pk}/restore",
    ),
    api(
        "POST",
        "/api/v1/customers/{customer_id}/merge",
        MERGERS,
        lambda w: f"/api/v1/customers/{_c(w)}/merge",
        lambda w: {"duplicate_id": w.duplicate.pk},
    ),
    api(
        "POST",
        "/api/v1/customers/{customer_id}/reveal",
        REVEALERS,
        lambda w: f"/api/v1/customers/{_c(w)}/reveal",
        lambda w: {"field": "mobile"},
    ),
    api(
        "PUT",
        "/api/v1/customers/{customer_id}/tags",
        EDIT,
        lambda w: f"/api/v1/customers/{_c(w)}/tags",
        lambda w: {"tags": ["重点"]},
    ),
    api(
        "POST",
        "/api/v1/customers/{customer_id}/contacts",
        EDIT,
        lambda w: f"/api/v1/customers/{_c(w)}/contacts",
        lambda w: {"name": "新联系人"},
    ),
    api(
        "PATCH",
        "/api/v1/contacts/{contact_id}",
        EDIT,
        lambda w: f"/api/v1/contacts/{w.contact.pk}",
        lambda w: {"title": "总经理"},
    ),
    api(
        "DELETE",
        "/api/v1/contacts/{contact_id}",
        EDIT,
        lambda w: f"/api/v1/contacts/{w.contact.pk}",
    ),
    # ------------------------------------------------------------ pipeline (API)
    api(
        "POST",
        "/api/v1/customers/{customer_id}/followups",
        WORK,
        lambda w: f"/api/v1/customers/{_c(w)}/followups",
        lambda w: {"channel": "phone", "content": "电话回访"},
    ),
    api(
        "PATCH",
        "/api/v1/objections/{objection_id}",
        WORK,
        lambda w: f"/api/v1/objections/{w.objection.pk}",
        lambda w: {"outcome": "resolved", "note": "降价后接受"},
    ),
    api(
        "POST",
        "/api/v1/customers/{customer_id}/stage",
        WORK,
        lambda w: f"/api/v1/customers/{_c(w)}/stage",
        lambda w: {"stage": "s2"},
    ),
    api(
        "POST",
        "/api/v1/customers/{customer_id}/grade",
        WORK,
        lambda w: f"/api/v1/customers/{_c(w)}/grade",
        lambda w: {"grade": "B"},
    ),
    api(
        "PUT",
        "/api/v1/customers/{customer_id}/expectation",
        WORK,
        lambda w: f"/api/v1/customers/{_c(w)}/expectation",
        lambda w: {"expected_amount": "12000.00", "expected_close_on": "2027-01-31"},
    ),
    api(
        "POST",
        "/api/v1/customers/{customer_id}/man",
        WORK,
        lambda w: f"/api/v1/customers/{_c(w)}/man",
        lambda w: {"money": True, "need": True},
    ),
    api(
        "POST",
        "/api/v1/customers/{customer_id}/claim",
        POOL_MEMBERS,
        lambda w: f"/api/v1/customers/{w.pooled.pk}/claim",
    ),
    api(
        "POST",
        "/api/v1/customers/{customer_id}/release",
        WORK,
        lambda w: (w.pool, f"/api/v1/customers/{_c(w)}/release")[1],
        lambda w: {"reason": "no_progress"},
    ),
    # ------------------------------------------------------------ sales (API)
    api(
        "POST",
        "/api/v1/quotes",
        WORK,
        lambda w: "/api/v1/quotes",
        lambda w: {"customer_id": _c(w), "items": [{"product_id": w.product.pk, "quantity": "2"}]},
    ),
    api(
        "POST",
        "/api/v1/quotes/{quote_id}/status",
        WORK,
        lambda w: f"/api/v1/quotes/{w.quote.pk}/status",
        lambda w: {"status": "sent"},
    ),
    api(
        "POST",
        "/api/v1/quotes/{quote_id}/convert",
        WORK,
        lambda w: f"/api/v1/quotes/{w.accepted_quote.pk}/convert",
        lambda w: {"title": "转合同"},
    ),
    api(
        "POST",
        "/api/v1/contracts",
        WORK,
        lambda w: "/api/v1/contracts",
        lambda w: {"customer": _c(w), "title": "新合同", "items": [_item_line(w)]},
        body_ref=True,
    ),
    api(
        "PATCH",
        "/api/v1/contracts/{contract_id}",
        WORK,
        lambda w: f"/api/v1/contracts/{w.draft.pk}",
        lambda w: {"version": w.draft.version, "title": "改名合同"},
    ),
    api(
        "POST",
        "/api/v1/contracts/{contract_id}/submit",
        WORK,
        lambda w: f"/api/v1/contracts/{w.draft.pk}/submit",
    ),
    api(
        "POST",
        "/api/v1/contracts/{contract_id}/start",
        WORK,
        lambda w: f"/api/v1/contracts/{w.signed.pk}/start",
    ),
    api(
        "POST",
        "/api/v1/contracts/{contract_id}/complete",
        WORK,
        lambda w: (pay(w.owner, w.signed, "9000.00"), f"/api/v1/contracts/{w.signed.pk}/complete")[
            1
        ],
    ),
    api(
        "POST",
        "/api/v1/contracts/{contract_id}/terminate",
        MANAGERS,
        lambda w: f"/api/v1/contracts/{w.signed.pk}/terminate",
        lambda w: {"reason": "客户放弃"},
    ),
    api(
        "POST",
        "/api/v1/contracts/{contract_id}/amend",
        MANAGERS,
        lambda w: f"/api/v1/contracts/{w.signed.pk}/amend",
        lambda w: {"reason": "改条款", "terms": "预付三成"},
    ),
    api(
        "POST",
        "/api/v1/contracts/{contract_id}/orders",
        WORK,
        lambda w: f"/api/v1/contracts/{w.signed.pk}/orders",
        lambda w: {
            "ordered_on": _iso(TODAY()),
            "plans": [
                {"contract_item_id": w.item.pk, "quantity": "1", "planned_on": _iso(TODAY())}
            ],
        },
    ),
    api(
        "POST",
        "/api/v1/orders/{order_id}/cancel",
        WORK,
        lambda w: f"/api/v1/orders/{w.order.pk}/cancel",
    ),
    api(
        "POST",
        "/api/v1/delivery-plans/{plan_id}/deliveries",
        WORK,
        lambda w: f"/api/v1/delivery-plans/{w.plan.pk}/deliveries",
        lambda w: {"quantity": "1", "delivered_on": _iso(TODAY())},
    ),
    api(
        "POST",
        "/api/v1/contracts/{contract_id}/stock-outs",
        WORK,
        lambda w: f"/api/v1/contracts/{w.signed.pk}/stock-outs",
        lambda w: {"contract_item_id": w.item.pk, "quantity": "1", "out_on": _iso(TODAY())},
    ),
    api(
        "PUT",
        "/api/v1/contracts/{contract_id}/instalments",
        WORK,
        lambda w: f"/api/v1/contracts/{w.draft.pk}/instalments",
        lambda w: {"instalments": [{"due_on": _iso(TODAY()), "amount": str(w.draft.total_amount)}]},
    ),
    api(
        "POST",
        "/api/v1/contracts/{contract_id}/payments",
        WORK,
        lambda w: f"/api/v1/contracts/{w.signed.pk}/payments",
        lambda w: {"amount": "100.00", "received_on": _iso(TODAY()), "method": "transfer"},
        headers=lambda: {"Idempotency-Key": str(uuid.uuid4())},
    ),
    api(
        "POST",
        "/api/v1/payments/{payment_id}/void",
        ADMIN,
        lambda w: f"/api/v1/payments/{w.payment.pk}/void",
        lambda w: {"reason": "录错"},
    ),
    api(
        "POST",
        "/api/v1/contracts/{contract_id}/invoices",
        WORK,
        lambda w: f"/api/v1/contracts/{w.signed.pk}/invoices",
        lambda w: {
            "number": "MX-2",
            "kind": "normal",
            "amount": "100.00",
            "tax_rate": "0.13",
            "issued_on": _iso(TODAY()),
        },
    ),
    api(
        "POST",
        "/api/v1/invoices/{invoice_id}/void",
        ADMIN,
        lambda w: f"/api/v1/invoices/{w.invoice.pk}/void",
        lambda w: {"reason": "红冲"},
    ),
    api(
        "POST",
        "/api/v1/approvals/{approval_id}/decide",
        APPROVER,
        lambda w: f"/api/v1/approvals/{w.approval.pk}/decide",
        lambda w: {"approve": True},
    ),
    api(
        "POST",
        "/api/v1/approvals/{target}/{record_id}/withdraw",
        WITHDRAWERS,
        lambda w: f"/api/v1/approvals/contract/{w.pending.pk}/withdraw",
    ),
    api(
        "PUT",
        "/api/v1/sales/targets",
        MANAGERS,
        lambda w: "/api/v1/sales/targets",
        lambda w: {
            "user": w.owner.pk,
            "period": "month",
            "starts_on": _iso(TODAY().replace(day=1)),
            "metric": "signed",
            "value": "1000",
        },
    ),
    # ------------------------------------------------------------ customers (HTML)
    html(
        "customers:create",
        EVERYONE,
        lambda w: reverse("customers:create"),
        lambda w: {"kind": "person", "name": "网页新客户"},
    ),
    html(
        "customers:edit",
        EDIT,
        lambda w: reverse("customers:edit", args=[_c(w)]),
        lambda w: {"name": "改过的名字", "version": w.customer.version},
    ),
    html(
        "customers:reveal", REVEALERS, lambda w: reverse("customers:reveal", args=[_c(w), "mobile"])
    ),
    html(
        "customers:contact_add",
        EDIT,
        lambda w: reverse("customers:contact_add", args=[_c(w)]),
        lambda w: {"name": "网页联系人"},
    ),
    html(
        "customers:contact_edit",
        EDIT,
        lambda w: reverse("customers:contact_edit", args=[_c(w), w.contact.pk]),
        lambda w: {"name": "联系人", "title": "采购"},
    ),
    html(
        "customers:contact_delete",
        EDIT,
        lambda w: reverse("customers:contact_delete", args=[_c(w), w.contact.pk]),
    ),
    html(
        "customers:share_add",
        EDIT,
        lambda w: reverse("customers:share_add", args=[_c(w)]),
        lambda w: {"user": w.org["sales2b"].pk, "can_edit": "0"},
    ),
    html(
        "customers:share_remove",
        EDIT,
        lambda w: reverse("customers:share_remove", args=[_c(w), w.share.user_id]),
    ),
    html(
        "customers:attachment_add",
        EDIT,
        lambda w: reverse("customers:attachment_add", args=[_c(w)]),
        lambda w: {"kind": "other", "file": SimpleUploadedFile("报价.pdf", b"%PDF-1.4 x")},
    ),
    html(
        "customers:attachment_delete",
        EDIT,
        lambda w: reverse("customers:attachment_delete", args=[_c(w), w.attachment.pk]),
    ),
    html(
        "customers:reassign",
        MANAGERS,
        lambda w: reverse("customers:reassign", args=[_c(w)]),
        lambda w: {"to_user": w.org["sales1b"].pk, "reason": "调整"},
    ),
    html("customers:delete", MANAGERS, lambda w: reverse("customers:delete", args=[_c(w)])),
    html(
        "customers:restore", MANAGERS, lambda w: reverse("customers:restore", args=[w.deleted.pk])
    ),
    html("customers:purge", ADMIN, lambda w: reverse("customers:purge", args=[w.deleted.pk])),
    html(
        "customers:merge",
        MERGERS,
        lambda w: reverse("customers:merge", args=[_c(w)]),
        lambda w: {"other": w.duplicate.pk, "confirm": "1"},
    ),
    html(
        "customers:handover",
        ADMIN,
        lambda w: (w.customer, reverse("customers:handover"))[1],
        lambda w: {"from_user": w.owner.pk, "to_user": w.org["sales1b"].pk, "reason": "离职"},
    ),
    # ------------------------------------------------------------ pipeline (HTML)
    html(
        "pipeline:followup_log",
        WORK,
        lambda w: reverse("pipeline:followup_log", args=[_c(w)]),
        _followup_form,
    ),
    html(
        "pipeline:objection_outcome",
        WORK,
        lambda w: reverse("pipeline:objection_outcome", args=[w.objection.pk]),
        lambda w: {"outcome": "resolved", "note": ""},
    ),
    html(
        "pipeline:stage_guidance_load",
        ADMIN,
        lambda w: reverse("pipeline:stage_guidance_load"),
        lambda w: {"guidance_set": "seed"},
    ),
    html(
        "pipeline:panel_stage",
        WORK,
        lambda w: reverse("pipeline:panel_stage", args=[_c(w)]),
        lambda w: {"stage": "s2"},
    ),
    html(
        "pipeline:board_card_expectation",
        WORK,
        lambda w: reverse("pipeline:board_card_expectation", args=[_c(w)]),
        lambda w: {"expected_amount": "12000.00", "expected_close_on": "2027-01-31"},
    ),
    html(
        "pipeline:panel_grade",
        WORK,
        lambda w: reverse("pipeline:panel_grade", args=[_c(w)]),
        lambda w: {"grade": "B"},
    ),
    html(
        "pipeline:panel_man",
        WORK,
        lambda w: reverse("pipeline:panel_man", args=[_c(w)]),
        lambda w: {"money": "yes", "authority": "no", "need": "yes"},
    ),
    html(
        "pipeline:panel_quality",
        WORK,
        lambda w: reverse("pipeline:panel_quality", args=[_c(w)]),
        lambda w: {"trait": ["demand", "loyalty"]},
    ),
    html(
        "pipeline:panel_referrer",
        WORK,
        lambda w: reverse("pipeline:panel_referrer", args=[_c(w)]),
        lambda w: {"referrer": str(w.duplicate.pk)},
    ),
    html(
        "pipeline:panel_tracking",
        WORK,
        lambda w: reverse("pipeline:panel_tracking", args=[_c(w)]),
        lambda w: {"tracked": "1"},
    ),
    html(
        "pipeline:panel_lock",
        WORK,
        lambda w: reverse("pipeline:panel_lock", args=[_c(w)]),
        lambda w: {"locked": "1"},
    ),
    html(
        "pipeline:pool_claim",
        POOL_MEMBERS,
        lambda w: reverse("pipeline:pool_claim", args=[w.pooled.pk]),
    ),
    html(
        "pipeline:pool_release",
        WORK,
        lambda w: (w.pool, reverse("pipeline:pool_release", args=[_c(w)]))[1],
        lambda w: {"reason": "no_progress"},
    ),
    html(
        "pipeline:board_move",
        WORK,
        lambda w: reverse("pipeline:board_move"),
        lambda w: {"customer": _c(w), "stage": "s2"},
    ),
    html(
        "pipeline:team_quotas",
        MANAGERS,
        lambda w: reverse("pipeline:team_quotas"),
        lambda w: {
            "department": w.owner.department_id,
            "stage0": 25,
            "stage12": 40,
            "stage34": 10,
            "daily_target": 3,
        },
    ),
    # ------------------------------------------------------------ sales (HTML)
    html("sales:quote_create", WORK, lambda w: reverse("sales:quote_create"), _quote_form),
    html(
        "sales:quote_edit",
        WORK,
        lambda w: reverse("sales:quote_edit", args=[w.quote.pk]),
        lambda w: _quote_form(w, with_customer=False),
    ),
    html(
        "sales:quote_status",
        WORK,
        lambda w: reverse("sales:quote_status", args=[w.quote.pk]),
        lambda w: {"status": "sent"},
    ),
    html(
        "sales:quote_convert",
        WORK,
        lambda w: reverse("sales:quote_convert", args=[w.accepted_quote.pk]),
        lambda w: {"title": "报价转合同"},
    ),
    html(
        "sales:contract_create",
        WORK,
        lambda w: reverse("sales:contract_create"),
        lambda w: _contract_form(w, customer=_c(w)),
    ),
    html(
        "sales:contract_edit",
        WORK,
        lambda w: reverse("sales:contract_edit", args=[w.draft.pk]),
        lambda w: _contract_form(w, version=w.draft.version),
    ),
    html(
        "sales:contract_submit", WORK, lambda w: reverse("sales:contract_submit", args=[w.draft.pk])
    ),
    html(
        "sales:contract_start", WORK, lambda w: reverse("sales:contract_start", args=[w.signed.pk])
    ),
    html(
        "sales:contract_complete",
        WORK,
        lambda w: (
            pay(w.owner, w.signed, "9000.00"),
            reverse("sales:contract_complete", args=[w.signed.pk]),
        )[1],
    ),
    html(
        "sales:contract_terminate",
        MANAGERS,
        lambda w: reverse("sales:contract_terminate", args=[w.signed.pk]),
        lambda w: {"reason": "客户放弃"},
    ),
    html(
        "sales:contract_amend",
        MANAGERS,
        lambda w: reverse("sales:contract_amend", args=[w.signed.pk]),
        _amend_form,
    ),
    html(
        "sales:fulfilment_order_create",
        WORK,
        lambda w: reverse("sales:fulfilment_order_create", args=[w.signed.pk]),
        lambda w: {"order-ordered_on": _iso(TODAY()), f"order-q_{w.item.pk}": "1"},
    ),
    html(
        "sales:fulfilment_order_cancel",
        WORK,
        lambda w: reverse("sales:fulfilment_order_cancel", args=[w.order.pk]),
    ),
    html(
        "sales:fulfilment_delivery_record",
        WORK,
        lambda w: reverse("sales:fulfilment_delivery_record", args=[w.plan.pk]),
        lambda w: {f"p{w.plan.pk}-quantity": "1", f"p{w.plan.pk}-delivered_on": _iso(TODAY())},
    ),
    html(
        "sales:fulfilment_stockout_record",
        WORK,
        lambda w: reverse("sales:fulfilment_stockout_record", args=[w.signed.pk]),
        lambda w: {
            "out-contract_item": w.item.pk,
            "out-quantity": "1",
            "out-out_on": _iso(TODAY()),
            "out-warehouse": "一号仓",
            "out-order": "",
        },
    ),
    html(
        "sales:receivables_plan",
        WORK,
        lambda w: reverse("sales:receivables_plan", args=[w.draft.pk]),
        lambda w: {"due_on": [_iso(TODAY())], "amount": [str(w.draft.total_amount)], "notes": [""]},
    ),
    html(
        "sales:receivables_payment",
        WORK,
        lambda w: reverse("sales:receivables_payment", args=[w.signed.pk]),
        lambda w: {
            "amount": "100.00",
            "received_on": _iso(TODAY()),
            "method": "transfer",
            "reference": "",
            "instalment": "",
            "notes": "",
            "idempotency_key": "mx",
        },
    ),
    html(
        "sales:receivables_invoice",
        WORK,
        lambda w: reverse("sales:receivables_invoice", args=[w.signed.pk]),
        lambda w: {
            "number": "MX-3",
            "kind": "normal",
            "amount": "100.00",
            "tax_rate": "0.13",
            "issued_on": _iso(TODAY()),
            "payment": "",
            "notes": "",
        },
    ),
    html(
        "sales:payment_void",
        ADMIN,
        lambda w: reverse("sales:payment_void", args=[w.payment.pk]),
        lambda w: {"reason": "录错"},
    ),
    html(
        "sales:invoice_void",
        ADMIN,
        lambda w: reverse("sales:invoice_void", args=[w.invoice.pk]),
        lambda w: {"reason": "红冲"},
    ),
    html(
        "sales:approval_decide",
        APPROVER,
        lambda w: reverse("sales:approval_decide", args=[w.approval.pk]),
        lambda w: {"decision": "approve", "comment": "同意"},
    ),
    html(
        "sales:approval_withdraw",
        WITHDRAWERS,
        lambda w: reverse("sales:approval_withdraw", args=["contract", w.pending.pk]),
    ),
    html("sales:targets", MANAGERS, lambda w: reverse("sales:targets"), _target_form),
    # ---- after-sales care (issue 14): the front desk (ACQ-5) and the installed base (ARC-10)
    api("POST", "/api/v1/reception", EVERYONE, lambda w: "/api/v1/reception", _reception_body),
    html(
        "care:reception_log",
        EVERYONE,
        lambda w: reverse("care:reception_log"),
        _reception_body,
    ),
    api(
        "PUT",
        "/api/v1/reception/{entry_id}",
        RECEPTION,
        lambda w: f"/api/v1/reception/{w.reception.pk}",
        _reception_body,
    ),
    html(
        "care:reception_edit",
        RECEPTION,
        lambda w: reverse("care:reception_edit", args=[w.reception.pk]),
        _reception_body,
    ),
    api(
        "POST",
        "/api/v1/reception/{entry_id}/convert",
        RECEPTION,
        lambda w: f"/api/v1/reception/{w.reception.pk}/convert",
    ),
    html(
        "care:reception_convert",
        RECEPTION,
        lambda w: reverse("care:reception_convert", args=[w.reception.pk]),
    ),
    api(
        "POST",
        "/api/v1/reception/{entry_id}/link",
        RECEPTION,
        lambda w: f"/api/v1/reception/{w.reception.pk}/link",
        lambda w: {"customer_id": w.customer.pk},
    ),
    html(
        "care:reception_link",
        RECEPTION,
        lambda w: reverse("care:reception_link", args=[w.reception.pk]),
        lambda w: {"customer": w.customer.pk},
    ),
    api(
        "POST",
        "/api/v1/customers/{customer_id}/assets",
        EDIT,
        lambda w: f"/api/v1/customers/{_c(w)}/assets",
        lambda w: {"product_name": "矩阵产品", "serial": "VIN-M"},
    ),
    html(
        "care:asset_create",
        EDIT,
        lambda w: reverse("care:asset_create", args=[_c(w)]),
        lambda w: {"product_name": "矩阵产品", "serial": "VIN-M"},
    ),
    api(
        "PUT",
        "/api/v1/assets/{asset_id}",
        EDIT,
        lambda w: f"/api/v1/assets/{w.asset.pk}",
        lambda w: {"product_name": "矩阵产品", "serial": "VIN-N"},
    ),
    html(
        "care:asset_edit",
        EDIT,
        lambda w: reverse("care:asset_edit", args=[w.asset.pk]),
        lambda w: {"product_name": "矩阵产品", "serial": "VIN-N"},
    ),
    # 回访 (CARE-1): one's own task, others' with care.task_others; spot checks (CARE-3)
    api(
        "POST",
        "/api/v1/care/visits",
        EDIT,
        lambda w: "/api/v1/care/visits",
        lambda w: {"customer_id": w.customer.pk, "due_at": _care_due()},
        body_ref=True,
    ),
    api(
        "POST",
        "/api/v1/care/visits/{task_id}/do",
        EDIT,
        lambda w: f"/api/v1/care/visits/{w.care_task.pk}/do",
        lambda w: {"outcome": "unreachable"},
    ),
    api(
        "POST",
        "/api/v1/care/visits/{task_id}/close",
        EDIT,
        lambda w: f"/api/v1/care/visits/{w.care_task.pk}/close",
        lambda w: {"resolution": "cancelled", "note": "客户已退车"},
    ),
    api(
        "POST",
        "/api/v1/care/visits/{task_id}/track",
        EDIT,
        lambda w: f"/api/v1/care/visits/{w.care_reached.pk}/track",
        lambda w: {"title": "补寄发票", "assignee_id": w.owner.pk, "due_at": _care_due()},
    ),
    api(
        "POST",
        "/api/v1/care/visits/{task_id}/reassign",
        MERGERS,
        lambda w: f"/api/v1/care/visits/{w.care_task.pk}/reassign",
        lambda w: {"assignee_id": w.org["sales1b"].pk},
    ),
    api(
        "POST",
        "/api/v1/care/spot-checks/draw",
        MERGERS,
        lambda w: w.fortnight_followup and "/api/v1/care/spot-checks/draw",
    ),
    api(
        "POST",
        "/api/v1/care/spot-checks/{spot_check_id}/result",
        RECALLERS,
        lambda w: f"/api/v1/care/spot-checks/{w.spot_check.pk}/result",
        lambda w: {"result": "matches"},
    ),
    html(
        "care:visit_create",
        EDIT,
        lambda w: reverse("care:visit_create", args=[w.customer.pk]),
        lambda w: {"channel": "phone", "due_at": _care_due_local()},
    ),
    html(
        "care:visit_do",
        EDIT,
        lambda w: reverse("care:visit_do", args=[w.care_task.pk]),
        lambda w: {"outcome": "refused"},
    ),
    html(
        "care:visit_close",
        EDIT,
        lambda w: reverse("care:visit_close", args=[w.care_task.pk]),
        lambda w: {"resolution": "cancelled", "note": "重复"},
    ),
    html(
        "care:visit_track",
        EDIT,
        lambda w: reverse("care:visit_track", args=[w.care_reached.pk]),
        lambda w: {"title": "补寄发票", "assignee": w.owner.pk, "due_at": _care_due_local()},
    ),
    html(
        "care:visit_reassign",
        MERGERS,
        lambda w: reverse("care:visit_reassign", args=[w.care_task.pk]),
        lambda w: {"assignee": w.org["sales1b"].pk},
    ),
    html(
        "care:spot_check_draw",
        MERGERS,
        lambda w: w.fortnight_followup and reverse("care:spot_check_draw"),
    ),
    html(
        "care:spot_check_result",
        RECALLERS,
        lambda w: reverse("care:spot_check_result", args=[w.spot_check.pk]),
        lambda w: {"result": "matches"},
    ),
    # care plans (CARE-2): the rules are customer relations' and the administrator's
    html(
        "care:rule_edit",
        CARE_RULES,
        lambda w: reverse("care:rule_edit", args=[_care_rule("birthday_greeting").pk]),
        lambda w: _care_rule_form(offset="-1"),
    ),
    html("care:rule_create", CARE_RULES, lambda w: reverse("care:rule_create"), _care_rule_form),
    html(
        "care:rule_switch",
        CARE_RULES,
        lambda w: reverse("care:rule_switch", args=[_care_rule("birthday_greeting").pk]),
        lambda w: {"enabled": "0"},
    ),
    html(
        "care:weather_issue",
        CARE_RULES,
        lambda w: reverse("care:weather_issue"),
        lambda w: {"city": w.customer.city},
    ),
    # care messages (issue 14, CARE-4): care.templates, care.consent, care.send
    html(
        "care:message_template_new",
        CARE_TEMPLATES,
        lambda w: reverse("care:message_template_new"),
        lambda w: {"name": "矩阵模板", "channel": "sms", "purpose": "service", "body": "您好"},
    ),
    html(
        "care:message_template",
        CARE_TEMPLATES,
        lambda w: reverse("care:message_template", args=[w.message_template.pk]),
        lambda w: {"name": "改名", "channel": "sms", "purpose": "service", "body": "您好"},
    ),
    html(
        "care:consent_save",
        CARE_CONSENT,
        lambda w: reverse("care:consent_save", args=[w.customer.pk]),
        lambda w: {"do_not_disturb": "on"},
    ),
    html(
        "care:message_send",
        CARE_SEND,
        lambda w: reverse("care:message_send", args=[w.customer.pk]),
        lambda w: {"channel": "sms", "body": "您好"},
    ),
    api(
        "PUT",
        "/api/v1/customers/{customer_id}/consent",
        CARE_CONSENT,
        lambda w: f"/api/v1/customers/{w.customer.pk}/consent",
        lambda w: {"do_not_disturb": True},
    ),
    api(
        "POST",
        "/api/v1/messages",
        CARE_SEND,
        lambda w: "/api/v1/messages",
        lambda w: {"customer_id": w.customer.pk, "channel": "sms", "body": "您好"},
        body_ref=True,
    ),
    # satisfaction (issue 15, SAT-1..4): surveys, collecting answers, action plans, imports
    html(
        "satisfaction:template_edit",
        SAT_SURVEYS,
        lambda w: reverse("satisfaction:template_edit", args=[sat_factories.new_car().pk]),
        lambda w: {
            "scale_max": "10",
            "low_threshold": "6",
            "f-0-code": "buying",
            "f-0-name": "开始购车经历",
            "f-0-baseline": "8",
            "f-0-q-0-text": "等候被接待的时间",
            "f-0-q-0-exp": "1",
        },
    ),
    html(
        "satisfaction:customer_answer",
        SAT_COLLECT,
        lambda w: reverse("satisfaction:customer_answer", args=[w.customer.pk]),
        lambda w: {"template": sat_factories.new_car().pk, **sat_factories.scores()},
    ),
    html(
        "satisfaction:customer_send",
        SAT_COLLECT,
        lambda w: reverse("satisfaction:customer_send", args=[w.customer.pk]),
        lambda w: {"template": sat_factories.new_car().pk, "channel": "sms"},
    ),
    html(
        "satisfaction:plan_create",
        SAT_PLANS,
        lambda w: reverse("satisfaction:plan_create"),
        lambda w: _plan_form(w, w.owner),
    ),
    html(
        "satisfaction:plan_edit",
        frozenset({"owner"}) | SAT_PLANS,
        lambda w: reverse("satisfaction:plan_edit", args=[w.action_plan.pk]),
        lambda w: {**_plan_form(w, w.owner), "status": "done"},
    ),
    html(
        "satisfaction:import",
        SAT_SURVEYS,
        lambda w: reverse("satisfaction:import"),
        lambda w: {
            "template": sat_factories.new_car().pk,
            "file": SimpleUploadedFile(
                "外调.csv", "日期,来源,销售顾问,交易过程\n2026-11-20,第三方,sales1a,7\n".encode()
            ),
        },
    ),
    api(
        "POST",
        "/api/v1/satisfaction/answers",
        SAT_COLLECT,
        lambda w: "/api/v1/satisfaction/answers",
        lambda w: {
            "customer_id": w.customer.pk,
            "template_id": sat_factories.new_car().pk,
            "scores": sat_factories.scores(),
        },
        body_ref=True,
    ),
    api(
        "POST",
        "/api/v1/satisfaction/plans",
        SAT_PLANS,
        lambda w: "/api/v1/satisfaction/plans",
        lambda w: _plan_body(w),
    ),
    api(
        "PUT",
        "/api/v1/satisfaction/plans/{plan_id}",
        frozenset({"owner"}) | SAT_PLANS,
        lambda w: f"/api/v1/satisfaction/plans/{w.action_plan.pk}",
        lambda w: {**_plan_body(w), "status": "in_progress"},
    ),
    # exports (RPT-2): customer.export, of the caller's own scope (tests/imports)
    html(
        "imports:export_start",
        EXPORTERS,
        lambda w: reverse("imports:export_start"),
        lambda w: {"kind": "customers", "format": "csv", "params": ""},
    ),
    api(
        "POST",
        "/api/v1/exports",
        EXPORTERS,
        lambda w: "/api/v1/exports",
        lambda w: {"kind": "customers", "format": "csv"},
    ),
    # field check-ins (INTG-5): a follow-up, so who may log one; the customer's coordinates:
    # who may change the customer (tests/pipeline/test_checkins.py)
    html(
        "pipeline:checkin_new",
        WORK,
        lambda w: reverse("pipeline:checkin_new", args=[_c(w)]),
        lambda w: {"latitude": "31.230416", "longitude": "121.473701", "note": "外勤签到"},
    ),
    html(
        "pipeline:customer_location",
        EDIT,
        lambda w: reverse("pipeline:customer_location", args=[_c(w)]),
        lambda w: {"latitude": "31.230416", "longitude": "121.473701"},
    ),
    api(
        "PUT",
        "/api/v1/customers/{customer_id}/location",
        EDIT,
        lambda w: f"/api/v1/customers/{_c(w)}/location",
        lambda w: {"latitude": "31.230416", "longitude": "121.473701"},
    ),
    # webhooks and WeCom robots (issue 16 §3, §7, §8): webhooks.manage (tests/webhooks)
    api(
        "POST",
        "/api/v1/webhooks/subscriptions",
        ADMIN,
        lambda w: "/api/v1/webhooks/subscriptions",
        lambda w: _webhook_body(w),
    ),
    api(
        "PUT",
        "/api/v1/webhooks/subscriptions/{subscription_id}",
        ADMIN,
        lambda w: f"/api/v1/webhooks/subscriptions/{w.webhook.pk}",
        lambda w: _webhook_body(w),
    ),
    api(
        "DELETE",
        "/api/v1/webhooks/subscriptions/{subscription_id}",
        ADMIN,
        lambda w: f"/api/v1/webhooks/subscriptions/{w.webhook.pk}",
    ),
    api(
        "POST",
        "/api/v1/webhooks/deliveries/{delivery_id}/redeliver",
        ADMIN,
        lambda w: f"/api/v1/webhooks/deliveries/{w.webhook_delivery.pk}/redeliver",
    ),
    html(
        "webhooks:subscription_new",
        ADMIN,
        lambda w: reverse("webhooks:subscription_new"),
        lambda w: _webhook_body(w, active="on"),
    ),
    html(
        "webhooks:subscription_edit",
        ADMIN,
        lambda w: reverse("webhooks:subscription_edit", args=[w.webhook.pk]),
        lambda w: _webhook_body(w, active="on"),
    ),
    html(
        "webhooks:subscription_secret",
        ADMIN,
        lambda w: reverse("webhooks:subscription_secret", args=[w.webhook.pk]),
    ),
    html(
        "webhooks:subscription_delete",
        ADMIN,
        lambda w: reverse("webhooks:subscription_delete", args=[w.webhook.pk]),
    ),
    html(
        "webhooks:delivery_redeliver",
        ADMIN,
        lambda w: reverse("webhooks:delivery_redeliver", args=[w.webhook_delivery.pk]),
    ),
    html(
        "webhooks:allowed_host_add",
        ADMIN,
        lambda w: reverse("webhooks:allowed_host_add"),
        lambda w: {"host": "erp.intranet", "note": "矩阵"},
    ),
    html(
        "webhooks:allowed_host_remove",
        ADMIN,
        lambda w: reverse("webhooks:allowed_host_remove", args=[w.webhook_host.pk]),
    ),
    # web-to-lead forms (issue 16, INTG-4): portal.forms
    html(
        "portal:form_create",
        PORTAL_FORMS,
        lambda w: reverse("portal:form_create"),
        lambda w: {"name": "矩阵表单", "department": w.owner.department_id, "is_active": "on"},
    ),
    html(
        "portal:form_edit",
        PORTAL_FORMS,
        lambda w: reverse("portal:form_edit", args=[w.lead_form.pk]),
        lambda w: {"name": "改名", "department": w.owner.department_id},
    ),
    api(
        "POST",
        "/api/v1/portal/forms",
        PORTAL_FORMS,
        lambda w: "/api/v1/portal/forms",
        lambda w: {"name": "矩阵表单", "department_id": w.owner.department_id},
    ),
    api(
        "PUT",
        "/api/v1/portal/forms/{form_id}",
        PORTAL_FORMS,
        lambda w: f"/api/v1/portal/forms/{w.lead_form.pk}",
        lambda w: {"name": "改名", "department_id": w.owner.department_id},
    ),
    # ------------------------------------------------------------ complaints (CMP)
    html(
        "service:complaint_create",
        COMPLAINT_LOGGERS,
        lambda w: reverse("service:complaint_create"),
        lambda w: {
            "customer": w.customer.pk,
            "channel": "phone",
            "category": ComplaintCategory.objects.get(code="service_quality").pk,
            "severity": "normal",
            "title": "矩阵投诉",
            "description": "态度不好",
        },
        body_ref=True,
    ),
    api(
        "POST",
        "/api/v1/complaints",
        COMPLAINT_LOGGERS,
        lambda w: "/api/v1/complaints",
        lambda w: {
            "customer_id": w.customer.pk,
            "channel": "phone",
            "category_id": ComplaintCategory.objects.get(code="service_quality").pk,
            "title": "矩阵投诉",
            "description": "态度不好",
        },
        body_ref=True,
    ),
    html(
        "service:complaint_accept",
        COMPLAINT_ACCEPTERS,
        lambda w: reverse("service:complaint_accept", args=[w.complaint.pk]),
        lambda w: {"note": "受理"},
    ),
    api(
        "POST",
        "/api/v1/complaints/{complaint_id}/accept",
        COMPLAINT_ACCEPTERS,
        lambda w: f"/api/v1/complaints/{w.complaint.pk}/accept",
        lambda w: {"note": "受理"},
    ),
    html(
        "service:complaint_step",
        COMPLAINT_WORKERS,
        lambda w: reverse("service:complaint_step", args=[w.agents_complaint.pk]),
        lambda w: {"step": "calm", "note": "平息"},
    ),
    api(
        "POST",
        "/api/v1/complaints/{complaint_id}/step",
        COMPLAINT_WORKERS,
        lambda w: f"/api/v1/complaints/{w.agents_complaint.pk}/step",
        lambda w: {"step": "calm", "note": "平息"},
    ),
    html(
        "service:complaint_route",
        COMPLAINT_ACCEPTERS,
        lambda w: reverse("service:complaint_route", args=[w.agents_complaint.pk]),
        lambda w: {"to_department": w.org["relations"].department_id, "note": "转交"},
    ),
    api(
        "POST",
        "/api/v1/complaints/{complaint_id}/route",
        COMPLAINT_ACCEPTERS,
        lambda w: f"/api/v1/complaints/{w.agents_complaint.pk}/route",
        lambda w: {"department_id": w.org["relations"].department_id, "note": "转交"},
    ),
    html(
        "service:complaint_close",
        COMPLAINT_WORKERS,
        lambda w: reverse("service:complaint_close", args=[w.thanked_complaint.pk]),
        lambda w: {"resolution": "resolved"},
    ),
    api(
        "POST",
        "/api/v1/complaints/{complaint_id}/close",
        COMPLAINT_WORKERS,
        lambda w: f"/api/v1/complaints/{w.thanked_complaint.pk}/close",
        lambda w: {"resolution": "resolved"},
    ),
    html(
        "service:complaint_reopen",
        COMPLAINT_WORKERS,
        lambda w: reverse("service:complaint_reopen", args=[w.closed_complaint.pk]),
        lambda w: {"note": "又坏了"},
    ),
    api(
        "POST",
        "/api/v1/complaints/{complaint_id}/reopen",
        COMPLAINT_WORKERS,
        lambda w: f"/api/v1/complaints/{w.closed_complaint.pk}/reopen",
        lambda w: {"note": "又坏了"},
    ),
    html(
        "service:complaint_compensate",
        COMPLAINT_WORKERS,
        lambda w: reverse("service:complaint_compensate", args=[w.agents_complaint.pk]),
        lambda w: {"amount": "100.00", "note": "保养券"},
    ),
    api(
        "POST",
        "/api/v1/complaints/{complaint_id}/compensation",
        COMPLAINT_WORKERS,
        lambda w: f"/api/v1/complaints/{w.agents_complaint.pk}/compensation",
        lambda w: {"amount": "100.00", "note": "保养券"},
    ),
    api(
        "POST",
        "/api/v1/complaints/categories",
        COMPLAINT_SETUP,
        lambda w: "/api/v1/complaints/categories",
        lambda w: {"name": "交车延迟", "code": "matrix_delay"},
    ),
    api(
        "PUT",
        "/api/v1/complaints/categories/{category_id}",
        COMPLAINT_SETUP,
        lambda w: f"/api/v1/complaints/categories/{ComplaintCategory.objects.get(code='other').pk}",
        lambda w: {"name": "其他问题"},
    ),
    api(
        "POST",
        "/api/v1/complaints/routes",
        COMPLAINT_SETUP,
        lambda w: "/api/v1/complaints/routes",
        lambda w: {"to_department_id": w.org["relations"].department_id},
    ),
    api(
        "DELETE",
        "/api/v1/complaints/routes/{route_id}",
        COMPLAINT_SETUP,
        lambda w: f"/api/v1/complaints/routes/{w.complaint_route.pk}",
    ),
    api(
        "PUT",
        "/api/v1/complaints/sla-targets",
        COMPLAINT_SETUP,
        lambda w: "/api/v1/complaints/sla-targets",
        lambda w: {"severity": "high", "respond_minutes": 45, "resolve_minutes": 900},
    ),
    api(
        "PATCH",
        "/api/v1/complaints/settings",
        COMPLAINT_SETUP,
        lambda w: "/api/v1/complaints/settings",
        lambda w: {"route_minutes": 20},
    ),
    # the complaints' set-up pages (CMP-1, CMP-2): the same services as the API rows above
    html(
        "service:complaint_setup_category_create",
        COMPLAINT_SETUP,
        lambda w: reverse("service:complaint_setup_category_create"),
        lambda w: {"code": "matrix_page", "name": "交车延迟", "sort_order": 0, "active": "on"},
    ),
    html(
        "service:complaint_setup_item_create",
        COMPLAINT_SETUP,
        lambda w: reverse(
            "service:complaint_setup_item_create",
            args=[ComplaintCategory.objects.get(code="other").pk],
        ),
        lambda w: {"code": "matrix_item", "name": "其他子项", "sort_order": 0, "active": "on"},
    ),
    html(
        "service:complaint_setup_category_edit",
        COMPLAINT_SETUP,
        lambda w: reverse(
            "service:complaint_setup_category_edit",
            args=[ComplaintCategory.objects.get(code="other").pk],
        ),
        lambda w: {"name": "其他问题", "sort_order": 50, "active": "on"},
    ),
    html(
        "service:complaint_setup_category_active",
        COMPLAINT_SETUP,
        lambda w: reverse(
            "service:complaint_setup_category_active",
            args=[ComplaintCategory.objects.get(code="other").pk],
        ),
        lambda w: {"active": "0"},
    ),
    html(
        "service:complaint_setup_route_create",
        COMPLAINT_SETUP,
        lambda w: reverse("service:complaint_setup_route_create"),
        lambda w: {"to_department_id": w.org["relations"].department_id, "priority": 7},
    ),
    html(
        "service:complaint_setup_route_active",
        COMPLAINT_SETUP,
        lambda w: reverse("service:complaint_setup_route_active", args=[w.complaint_route.pk]),
        lambda w: {"active": "0"},
    ),
    html(
        "service:complaint_setup_route_delete",
        COMPLAINT_SETUP,
        lambda w: reverse("service:complaint_setup_route_delete", args=[w.complaint_route.pk]),
    ),
    html(
        "service:complaint_setup_sla",
        COMPLAINT_SETUP,
        lambda w: reverse("service:complaint_setup_sla"),
        lambda w: {
            "severity": "high",
            "respond_minutes_0": "0",
            "respond_minutes_1": "45",
            "resolve_minutes_0": "15",
            "resolve_minutes_1": "0",
        },
    ),
    html(
        "service:complaint_setup_sla_clear",
        COMPLAINT_SETUP,
        lambda w: reverse("service:complaint_setup_sla_clear"),
        lambda w: {"category": "", "severity": "low"},
    ),
    html(
        "service:complaint_setup_settings",
        COMPLAINT_SETUP,
        lambda w: reverse("service:complaint_setup_settings"),
        lambda w: {
            "route_minutes_0": "0",
            "route_minutes_1": "20",
            "next_level_minutes_0": "4",
            "next_level_minutes_1": "0",
            "compensation_approval_above": "500.00",
        },
    ),
    # spreadsheet imports (INTG-1): a batch is changed by the user who uploaded it only
    api(
        "PUT",
        "/api/v1/imports/{batch_id}/mapping",
        {"owner"},
        lambda w: f"/api/v1/imports/{w.import_checked.pk}/mapping",
        lambda w: {"mapping": {"name": 0}},
    ),
    api(
        "POST",
        "/api/v1/imports/{batch_id}/check",
        {"owner"},
        lambda w: f"/api/v1/imports/{w.import_checked.pk}/check",
    ),
    api(
        "POST",
        "/api/v1/imports/{batch_id}/run",
        {"owner"},
        lambda w: f"/api/v1/imports/{w.import_checked.pk}/run",
    ),
    api(
        "POST",
        "/api/v1/imports/{batch_id}/cancel",
        {"owner"},
        lambda w: f"/api/v1/imports/{w.import_running.pk}/cancel",
    ),
    api(
        "POST",
        "/api/v1/imports/{batch_id}/rollback",
        {"owner"},
        lambda w: f"/api/v1/imports/{w.import_done.pk}/rollback",
    ),
    html(
        "imports:batch_detail",
        {"owner"},
        lambda w: reverse("imports:batch_detail", args=[w.import_checked.pk]),
        lambda w: {"col_0": "name", "col_1": "mobile", "on_duplicate": "skip"},
    ),
    html(
        "imports:batch_start",
        {"owner"},
        lambda w: reverse("imports:batch_start", args=[w.import_checked.pk]),
    ),
    html(
        "imports:batch_cancel",
        {"owner"},
        lambda w: reverse("imports:batch_cancel", args=[w.import_running.pk]),
    ),
    html(
        "imports:batch_rollback",
        {"owner"},
        lambda w: reverse("imports:batch_rollback", args=[w.import_done.pk]),
    ),
    html(
        "imports:batch_template",
        {"owner"},
        lambda w: reverse("imports:batch_template", args=[w.import_checked.pk]),
        lambda w: {"template": w.import_template.pk},
    ),
]


def _webhook_body(w: World, **extra) -> dict:
    w.webhook_host  # noqa: B018 - the loopback receiver is allowed first
    return {
        "name": "矩阵 ERP 2",
        "kind": "json",
        "url": "http://127.0.0.1:9/other",
        "events": ["customer.created", "contract.signed"],
        **extra,
    }


# Changing endpoints that are not about customer, pipeline or sales records, each with what
# guards it (and where that is tested).
OUTSIDE = {
    # the customer portal and the public web-to-lead form: customers and visitors, not staff
    # roles (tests/portal/test_access.py, test_leads.py, test_isolation.py)
    "HTML portal:sign_in": "a customer asks for a sign-in code (rate-limited)",
    "HTML portal:verify": "a customer signs in with the code",
    "HTML portal:sign_out": "a customer signs out of their own portal session",
    "HTML portal:lead_form": "the public web-to-lead form (honeypot, per-address limit)",
    # the signed-in customer's own complaints and survey links; the portal session is the
    # proof, another customer's ids answer 404 (tests/portal: the isolation matrix)
    "HTML portal:service": "a customer files a complaint about their own purchases",
    "HTML portal:survey": "a customer opens one of their own survey links",
    # a spreadsheet upload: any signed-in user, their own new batch (tests/imports)
    "API POST /api/v1/imports": "the caller's own upload",
    "HTML imports:batch_list": "the caller's own upload",
    # care messages: the caller's own notifications and calendar feeds, and the customer's
    # own unsubscribing (tests/care)
    "HTML care:notifications_read": "the caller's own notifications",
    "API POST /api/v1/notifications/read": "the caller's own notifications",
    "HTML care:calendar_feed_create": "the caller's own calendar feed",
    "HTML care:calendar_feed_revoke": "the caller's own calendar feed",
    "HTML care:unsubscribe": "the customer's signed link (no login)",
    "HTML care:sms_inbound": "the SMS provider, by the shared secret",
    # the caller's own account and API tokens (tests/accounts, tests/api/test_auth.py)
    "API POST /api/v1/tokens": "the caller's own token",
    "API DELETE /api/v1/tokens/{token_id}": "the caller's own token",
    "HTML accounts:login": "signing in",
    "HTML accounts:logout": "signing out",
    "HTML accounts:password_change": "the caller's own password",
    "HTML accounts:language": "the caller's own language",
    "HTML accounts:time_zone": "the caller's own time zone",
    "API PATCH /api/v1/users/me": "the caller's own settings",
    "HTML accounts:token_create": "the caller's own token",
    "HTML accounts:token_revoke": "the caller's own token",
    "HTML set_language": "Django's language switch (a cookie)",
    # administration: accounts.manage (tests/accounts/test_views.py)
    "HTML accounts:department_create": "accounts.manage",
    "HTML accounts:department_edit": "accounts.manage",
    "HTML accounts:department_delete": "accounts.manage",
    "HTML accounts:user_create": "accounts.manage",
    "HTML accounts:user_edit": "accounts.manage",
    "HTML accounts:user_unlock": "accounts.manage",
    "HTML accounts:user_reset_password": "accounts.manage",
    "HTML accounts:role_edit": "accounts.manage",
    "HTML accounts:token_admin_revoke": "accounts.manage (tests/accounts/test_tokens.py)",
    "API DELETE /api/v1/admin/tokens/{token_id}": "accounts.manage",
    "HTML pipeline:pool_create": "accounts.manage (tests/pipeline/test_pools.py)",
    # the call centre: service.calls; rings only by an integration token (tests/service)
    "HTML service:call_create": "service.calls (tests/service/test_calls.py)",
    "API POST /api/v1/calls": "service.calls (tests/service/test_calls.py)",
    "API POST /api/v1/calls/ringing": "an integration token of scope calls.ringing",
    # the working calendar: calendar.manage (tests/accounts/test_calendar_page.py)
    "HTML accounts:calendar_year": "calendar.manage",
    "HTML accounts:calendar_day_delete": "calendar.manage",
    "HTML pipeline:pool_edit": "accounts.manage or the pool's administrators",
    # configuration: customer.manage_fields (tests/customers/test_settings_pages.py)
    "HTML customer_settings:custom_field_create": "customer.manage_fields",
    "HTML customer_settings:custom_field_edit": "customer.manage_fields",
    "HTML customer_settings:duplicate_rule_toggle": "customer.manage_fields",
    "HTML customer_settings:tag_create": "customer.manage_fields",
    "HTML customer_settings:tag_edit": "customer.manage_fields",
    "HTML customer_settings:tag_delete": "customer.manage_fields",
    "HTML customer_settings:source_create": "customer.manage_fields",
    "HTML customer_settings:source_edit": "customer.manage_fields",
    # the catalogue and approval flows: sales.catalog / sales.flows (tests/sales)
    "API POST /api/v1/products": "sales.catalog",
    "API PATCH /api/v1/products/{product_id}": "sales.catalog",
    "HTML sales:product_create": "sales.catalog",
    "HTML sales:product_edit": "sales.catalog",
    "HTML sales:product_remove": "sales.catalog",
    "HTML sales:pricelist_create": "sales.catalog",
    "HTML sales:pricelist_edit": "sales.catalog",
    "HTML sales:approval_flow_create": "sales.flows",
    "HTML sales:approval_flow_edit": "sales.flows",
    "HTML sales:approval_flow_toggle": "sales.flows",
    # the call scripts: managers and customer relations (tests/pipeline/test_scripts.py)
    "HTML pipeline:script_create": "scripts: managers and customer relations",
    "HTML pipeline:script_edit": "scripts: managers and customer relations",
    "HTML pipeline:script_deactivate": "scripts: managers and customer relations",
    "HTML pipeline:script_vote": "any user's own vote on a script",
    # 回访 topics and the spot-check sample size: care.rules / care.spot_check
    # (tests/care/test_visits.py, test_spot_checks.py, test_visits_pages.py)
    "HTML care:topic_create": "care.rules",
    "HTML care:topic_edit": "care.rules",
    "HTML care:spot_check_settings": "care.spot_check",
    # the survey a customer answers from a one-time link: no login, the token is the proof
    # (tests/satisfaction/test_surveys.py: used twice, expired, tampered)
    "HTML satisfaction:answer": "a one-time survey link",
    # a multipart upload (this matrix sends JSON): the same service and rule as
    # "HTML pipeline:checkin_new" (tests/pipeline/test_checkins.py, per role)
    "API POST /api/v1/customers/{customer_id}/checkins": "pipeline.follow_up_others",
}

# Views that take any method and only read (a POST is answered like a GET).
READS = {
    "HTML care:message_template_preview",
    "HTML customer_settings:custom_fields",
    "HTML customer_settings:duplicate_rules",
    "HTML customer_settings:tags",
    "HTML customer_settings:sources",
    "HTML accounts:admin_home",
    "HTML accounts:departments",
    "HTML accounts:users",
    "HTML accounts:roles",
    "HTML accounts:audit",
    "HTML accounts:calendar",
    "HTML pipeline:pool_list",
    "HTML pipeline:pool_detail",
    "HTML javascript-catalog",
    "HTML None",  # /api/… paths that do not exist: a JSON 404
}


# ---------------------------------------------------------------- the state of the data

WATCHED = [
    LeadForm,
    Reception,
    InstalledAsset,
    MessageTemplate,
    Message,
    ContactPreference,
    ConsentEvent,
    Customer,
    Contact,
    CustomerTag,
    CustomerShare,
    Attachment,
    OwnerChange,
    TimelineEvent,
    Prospect,
    FollowUp,
    Objection,
    Stage,
    StageMove,
    PoolEntry,
    Claim,
    TeamQuota,
    Quote,
    QuoteItem,
    Contract,
    ContractItem,
    ContractAmendment,
    Order,
    DeliveryPlan,
    Delivery,
    StockOut,
    Instalment,
    Payment,
    Invoice,
    Approval,
    SalesTarget,
    CareTask,
    SpotCheck,
    SurveyVersion,
    SurveyResponse,
    ActionPlan,
    ExternalImport,
    CheckIn,
    CustomerLocation,
    ExportJob,
    Complaint,
    ComplaintEvent,
    ComplaintCategory,
    ComplaintRoute,
    SlaTarget,
    ComplaintSettings,
    ImportBatch,
    ImportRow,
    ImportTemplate,
    AuditLog,
    Subscription,
    AllowedHost,
    WebhookDelivery,
]


def _state() -> str:
    """A digest of every row of the watched tables: any insert, update or delete shows. (Plain
    SQL: it runs eight times per action.)"""
    digest = hashlib.sha256()
    with connection.cursor() as cursor:
        for model in WATCHED:
            table = connection.ops.quote_name(model._meta.db_table)
            key = connection.ops.quote_name(model._meta.pk.column)
            cursor.execute(f"SELECT * FROM {table} ORDER BY {key}")  # noqa: S608 - model names
            digest.update(table.encode())
            digest.update(repr(cursor.fetchall()).encode())
    return digest.hexdigest()


def _send(client: Client, action: Action, url: str, data) -> object:
    headers = action.headers() if action.headers else {}
    if action.method == "form":
        return client.post(url, data or {}, headers=headers)
    body = json.dumps(data) if data is not None else ""
    return client.generic(
        action.method, url, body, content_type="application/json", headers=headers
    )


def _refused(action: Action, response) -> bool:
    if response.status_code in (403, 404):
        return True
    if action.body_ref and response.status_code == 422:
        return True
    if action.key.startswith("API "):
        return False
    # an HTML form may send the user back with an error message (a refused state, say)
    levels = [m.level_tag for m in get_messages(response.wsgi_request)]
    return response.status_code in (302, 422) and "error" in levels


def _succeeded(action: Action, response) -> bool:
    if response.status_code not in (200, 201, 202, 204, 302):
        return False
    levels = [m.level_tag for m in get_messages(response.wsgi_request)]
    return "error" not in levels


@pytest.fixture
def clients(org):
    out = {}
    for role, username in ACTORS.items():
        client = Client()
        client.force_login(org[username])
        out[role] = client
    return out


@pytest.mark.parametrize("action", ACTIONS, ids=[a.key for a in ACTIONS])
def test_role_may_or_may_not(action, org, clients, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = World(org)
    url = action.url(world)
    data = action.data and action.data(world)  # builds what the request names
    before = _state()
    wrong = []
    for role in ROLES:
        with transaction.atomic():
            if role != ROLES[0]:
                data = action.data and action.data(world)
            response = _send(clients[role], action, url, data)
            changed = _state() != before
            transaction.set_rollback(True)
        if role in action.allowed:
            if not (changed and _succeeded(action, response)):
                wrong.append(
                    f"{role}: should be allowed, got {response.status_code}"
                    f"{'' if changed else ' and nothing changed'} {response.content[:300]!r}"
                )
        elif changed or not _refused(action, response):
            wrong.append(
                f"{role}: should be refused, got {response.status_code}"
                f"{' and the data changed' if changed else ''}"
            )
    assert not wrong, "\n".join(wrong)


# ---------------------------------------------------------------- completeness


def _changing_api_operations() -> set[str]:
    from guanxi.api import api as ninja_api

    schema = ninja_api.get_openapi_schema()
    return {
        f"API {method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method in operations
        if method in {"post", "put", "patch", "delete"}
    }


def _allowed_methods(view) -> set[str] | None:
    """The methods a view's require_http_methods admits (None: any method)."""
    seen = set()
    while view is not None and id(view) not in seen:
        seen.add(id(view))
        code = getattr(view, "__code__", None)
        if code is not None and "request_method_list" in code.co_freevars:
            cell = view.__closure__[code.co_freevars.index("request_method_list")]
            return set(cell.cell_contents)
        view = getattr(view, "__wrapped__", None)
    return None


def _url_patterns(resolver, namespace=None):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace])) or None
            yield from _url_patterns(pattern, inner)
        elif isinstance(pattern, URLPattern):
            yield (f"{namespace}:{pattern.name}" if namespace else str(pattern.name)), pattern


def _html_posts() -> set[str]:
    found = set()
    for name, pattern in _url_patterns(get_resolver()):
        if pattern.lookup_str.startswith("ninja."):
            continue  # the API's own operations: _changing_api_operations
        methods = _allowed_methods(pattern.callback)
        if methods is None or "POST" in methods:
            found.add(f"HTML {name}")
    return found


def test_every_changing_endpoint_is_in_the_matrix():
    declared = {action.key for action in ACTIONS}
    assert len(declared) == len(ACTIONS), "an action is in the matrix twice"
    endpoints = _changing_api_operations() | _html_posts()
    missing = endpoints - declared - set(OUTSIDE) - READS
    assert not missing, f"declare these in ACTIONS (or OUTSIDE with a reason): {sorted(missing)}"
    stale = (declared | set(OUTSIDE) | READS) - endpoints
    assert not stale, f"no longer endpoints that change data: {sorted(stale)}"


def test_every_shipped_role_is_in_the_matrix():
    from guanxi.accounts.demo import DEMO_USERS
    from guanxi.accounts.models import Role

    shipped = set(Role.objects.filter(is_system=True).values_list("code", flat=True))
    users_roles = {username: codes for username, _name, _dept, codes, _boss in DEMO_USERS}
    tried = {code for username in ACTORS.values() for code in users_roles[username]}
    assert shipped == tried


NEW_PERMISSIONS = [
    "customer.edit_others",
    "pipeline.set_stage",
    "pipeline.follow_up_others",
    "pipeline.release_others",
    "pipeline.manage_quotas",
    "sales.edit_others",
    "sales.record_history",
]


def test_the_role_page_offers_the_permissions_with_their_labels(client_for, admin_user):
    from guanxi.accounts import permissions
    from guanxi.accounts.models import Role

    role = Role.objects.get(code="service_agent")
    html = client_for(admin_user).get(reverse("accounts:role_edit", args=[role.pk]))
    html = html.content.decode()
    for code in NEW_PERMISSIONS:
        assert f'value="{code}"' in html
        assert str(permissions.ALL[code]) in html


def test_the_shipped_roles_get_what_their_job_needs():
    from guanxi.accounts.models import Role

    granted = {
        role.code: {code for code in role.permissions if code in NEW_PERMISSIONS}
        for role in Role.objects.filter(is_system=True)
    }
    assert granted == {
        "consultant": set(),
        "manager": set(NEW_PERMISSIONS),
        "customer_relations": {"customer.edit_others"},
        "service_agent": set(),
        "marketing": set(),
        "admin": set(NEW_PERMISSIONS),
    }
