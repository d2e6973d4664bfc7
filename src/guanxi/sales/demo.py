# ruff: noqa: E501  (tables of Chinese product names and terms read better unwrapped)
"""Demo contracts and money for `guanxi seed` / `guanxi seed_sales` (issue 4, bench/).

Two ways to write it, like `guanxi.customers.demo` and `guanxi.pipeline.demo`:

* `seed_sales_demo` (the default demo over the demo consultants' customers) goes through
  the services of the sales app — contracts, approvals, instalments, payments, invoices,
  orders, deliveries, stock-outs, targets — so every record, audit entry and timeline event
  is what a person clicking through the pages would produce.
* `seed_sales_bulk` (the benchmark: 2 contracts per customer over a million customers)
  writes products, contracts, items, instalments, payments with their allocations and
  invoices straight into the tables (PostgreSQL COPY with the non-unique indexes dropped and
  rebuilt, then VACUUM ANALYZE; SQLite executemany). See bench/README.md for what it leaves
  out.
"""

import datetime as dt
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from django.db import connection, transaction
from django.utils import timezone

from guanxi.accounts.demo import ensure_demo_organisation
from guanxi.core.errors import DomainError
from guanxi.core.seed_command import SeedStats
from guanxi.customers.demo import (
    DEMO_CONSULTANTS,
    BulkLoad,
    bulk_analyze,
    keyset_batches,
    max_id,
)
from guanxi.customers.models import Contact, Customer, Tag
from guanxi.sales.approvals import services as approvals
from guanxi.sales.approvals.selectors import pending_approval
from guanxi.sales.catalog.services import (
    PriceListInput,
    PriceListItemInput,
    pricelist_create,
    quote_create,
    quote_set_status,
)
from guanxi.sales.common import money
from guanxi.sales.common.lines import LineInput
from guanxi.sales.contracts.services import (
    ContractHead,
    contract_complete,
    contract_create,
    contract_submit,
    contract_terminate,
    contract_update,
)
from guanxi.sales.fulfilment.services import (
    DeliveryPlanInput,
    delivery_record,
    order_create,
    stockout_record,
)
from guanxi.sales.models import (
    Approval,
    ApprovalFlow,
    Contract,
    ContractItem,
    DocumentSequence,
    Instalment,
    Invoice,
    Payment,
    PaymentAllocation,
    PriceList,
    Product,
    SalesTarget,
)
from guanxi.sales.receivables.services import (
    instalments_set,
    invoice_record,
    payment_record,
    propose_plan,
)
from guanxi.sales.targets.services import target_set

# code, name, English name, unit, list price (tax incl.), tax rate
PRODUCTS = [
    ("WEB-STD", "网站建设（标准版）", "Website, standard", "套", "12800.00", "0.0600"),
    ("WEB-PRO", "网站建设（专业版）", "Website, professional", "套", "28800.00", "0.0600"),
    ("WEB-MALL", "商城网站建设", "Online shop website", "套", "46800.00", "0.0600"),
    ("SEM-Y", "搜索推广服务（年度）", "Search advertising service, one year", "年", "9800.00", "0.0600"),
    ("SEM-Q", "搜索推广服务（季度）", "Search advertising service, one quarter", "季", "2980.00", "0.0600"),
    ("PREPAY", "推广预存款", "Advertising prepayment", "万元", "10000.00", "0.0600"),
    ("SEO", "SEO 优化服务", "SEO service", "年", "16800.00", "0.0600"),
    ("MINI", "微信小程序开发", "WeChat mini program", "套", "19800.00", "0.0600"),
    ("WXOA", "公众号代运营", "WeChat official account operation", "月", "3500.00", "0.0600"),
    ("VIDEO", "短视频代运营", "Short video operation", "月", "6800.00", "0.0600"),
    ("HOST", "云主机托管", "Cloud hosting", "年", "2400.00", "0.0600"),
    ("DOMAIN", "域名与企业邮箱", "Domain and company mail", "年", "980.00", "0.0600"),
    ("TRAIN", "网络营销培训", "Online marketing training", "人次", "1980.00", "0.0600"),
    ("KIOSK", "展厅触摸一体机", "Showroom touch kiosk", "台", "8600.00", "0.1300"),
    ("CAM", "直播设备套装", "Live streaming kit", "套", "5200.00", "0.1300"),
    ("PAD", "门店收银平板", "Shop POS tablet", "台", "2300.00", "0.1300"),
]  # fmt: skip

TERMS = (
    "一、乙方按本合同约定的内容和期限提供服务，甲方按付款计划支付款项。\n"
    "二、甲方应在每期款项到期日前支付至乙方指定账户，逾期按日万分之五支付违约金。\n"
    "三、乙方收到款项后十个工作日内开具发票。\n"
    "四、本合同一式两份，双方各执一份，自双方签字盖章之日起生效。"
)
TERMINATION_REASONS = (
    "客户经营调整，双方协商解除合同",
    "客户预算取消，协商终止",
    "客户长期未付款，依约解除",
    "客户改用其他服务商，协商终止",
)
PAYMENT_METHODS = ("transfer",) * 7 + ("wechat", "alipay", "cheque")
# status of a bulk contract, relative weight
STATUS_WEIGHTS = {
    Contract.Status.DRAFT: 5,
    Contract.Status.SIGNED: 18,
    Contract.Status.EXECUTING: 42,
    Contract.Status.COMPLETED: 30,
    Contract.Status.TERMINATED: 5,
}
# How long ago (days) a contract of each status was signed: (from, to)
SIGNED_DAYS_AGO = {
    Contract.Status.SIGNED: (0, 45),
    Contract.Status.EXECUTING: (20, 730),
    Contract.Status.COMPLETED: (200, 1095),
    Contract.Status.TERMINATED: (60, 1095),
}
INSTALMENT_INTERVAL = 90  # days between instalments; the first is due 15 days after signing
FIRST_DUE = 15


def ensure_demo_products() -> list[Product]:
    """The demo catalogue (an online-marketing agency's products); existing codes kept."""
    products = []
    for code, name, name_en, unit, price, tax_rate in PRODUCTS:
        product, _created = Product.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "unit": unit,
                "list_price": Decimal(price),
                "tax_rate": Decimal(tax_rate),
            },
        )
        products.append(product)
    return products


def contract_title(names: list[str]) -> str:
    first = names[0].split("（")[0]
    return f"{first}{'等' if len(names) > 1 else ''}服务合同"


# ---------------------------------------------------------------- the bulk path


@dataclass
class BulkStats(SeedStats):
    customers: int = 0
    products: int = 0
    contracts: int = 0
    items: int = 0
    instalments: int = 0
    payments: int = 0
    allocations: int = 0
    invoices: int = 0
    overdue: int = 0
    by_status: Counter = field(default_factory=Counter)


_CONTRACT_COLUMNS = (
    "id", "number", "title", "customer_id", "signing_contact_id", "owner_id", "department_id",
    "quote_id", "status", "terms", "signed_on", "starts_on", "ends_on", "gross_amount",
    "discount_amount", "net_amount", "tax_amount", "total_amount", "paid_amount",
    "invoiced_amount", "terminated_reason", "terminated_at", "completed_at", "amendment_count",
    "version", "created_by_id", "created_at", "updated_at",
)  # fmt: skip
_ITEM_COLUMNS = (
    "contract_id", "position", "product_id", "description", "unit", "quantity", "unit_price",
    "discount_rate", "tax_rate", "gross_amount", "discount_amount", "net_amount", "tax_amount",
    "total_amount",
)  # fmt: skip
_INSTALMENT_COLUMNS = (
    "id", "contract_id", "sequence", "due_on", "amount", "paid_amount", "settled",
    "customer_id", "owner_id", "department_id", "active", "reminded_at", "notes",
)  # fmt: skip
_PAYMENT_COLUMNS = (
    "id", "contract_id", "customer_id", "owner_id", "department_id", "amount", "received_on",
    "method", "reference", "notes", "status", "unallocated_amount", "overpayment_accepted",
    "idempotency_key", "request_fingerprint", "recorded_by_id", "created_at",
)  # fmt: skip
_ALLOCATION_COLUMNS = ("payment_id", "instalment_id", "amount")
_INVOICE_COLUMNS = (
    "contract_id", "payment_id", "owner_id", "department_id", "number", "kind", "amount",
    "tax_rate", "net_amount", "tax_amount", "issued_on", "status", "over_invoice_override",
    "override_reason", "override_by_id", "notes", "recorded_by_id", "created_at",
)  # fmt: skip

ZERO = money.ZERO


def _float_storable(total, net, tax) -> bool:
    """Whether SQLite (DECIMAL stored as REAL) accepts CHECK total = net + tax."""
    return float(net) + float(tax) == float(total)


class _BulkPlanner:
    """Turns (customer, owner, department, contact) into the rows of its contracts."""

    def __init__(self, *, rng, products, today, now, contracts_per_customer, instalments):
        self.rng = rng
        self.products = products  # [(id, name, unit, list_price, tax_rate)]
        self.today = today
        self.now = now
        self.per_customer = contracts_per_customer
        self.instalments_per_contract = instalments
        self.statuses = list(STATUS_WEIGHTS)
        # SQLite stores DECIMAL as REAL, so its CHECK total = net + tax compares doubles and
        # refuses about a quarter of exact fen splits (0.1 + 0.2 != 0.3); there the planner
        # picks other lines for such a contract and leaves such a payment uninvoiced.
        self.float_checks = connection.vendor == "sqlite"
        self.weights = list(STATUS_WEIGHTS.values())
        self.next_contract = 1
        self.next_instalment = 1
        self.next_payment = 1
        self.numbers: Counter = Counter()  # year → last contract number
        self.invoice_numbers: Counter = Counter()  # kind → last invoice number
        self.by_status: Counter = Counter()
        self.overdue = 0
        self.clear()

    def clear(self):
        self.contracts, self.items, self.instalments = [], [], []
        self.payments, self.allocations, self.invoices = [], [], []

    def storable(self, total, net, tax) -> bool:
        return not self.float_checks or _float_storable(total, net, tax)

    @staticmethod
    @lru_cache(maxsize=8192)
    def _line(unit_price: Decimal, quantity: int, discount: Decimal, tax_rate: Decimal):
        return money.line_amounts(
            quantity=quantity, unit_price=unit_price, discount_rate=discount, tax_rate=tax_rate
        )

    def _at(self, day: dt.date, hour: int) -> dt.datetime:
        moment = dt.datetime.combine(day, dt.time(hour, self.rng.randrange(60)), tzinfo=dt.UTC)
        return min(moment, self.now)

    def add(self, customer_id, owner_id, department_id, contact_id):
        for _ in range(self.per_customer):
            self._contract(customer_id, owner_id, department_id, contact_id)

    def _contract(self, customer_id, owner_id, department_id, contact_id):
        rng, today = self.rng, self.today
        status = rng.choices(self.statuses, self.weights)[0]
        self.by_status[status] += 1
        contract_id = self.next_contract
        self.next_contract += 1
        if status == Contract.Status.DRAFT:
            signed_on = None
            created_on = today - dt.timedelta(days=rng.randint(0, 60))
            plan_start = today + dt.timedelta(days=rng.randint(7, 30))
        else:
            low, high = SIGNED_DAYS_AGO[status]
            signed_on = today - dt.timedelta(days=rng.randint(low, high))
            created_on = signed_on - dt.timedelta(days=rng.randint(0, 10))
            plan_start = signed_on
        self.numbers[created_on.year] += 1
        number = f"HT-{created_on.year}-{self.numbers[created_on.year]:06d}"

        # lines
        for _attempt in range(50):
            rows, lines, names = [], [], []
            for position in range(rng.choice((1, 1, 1, 2, 2, 3))):
                product_id, name, unit, price, tax_rate = rng.choice(self.products)
                quantity = rng.choice((1, 1, 1, 2, 3, 5, 10))
                discount = rng.choice((ZERO, ZERO, Decimal("0.05"), Decimal("0.10")))
                line = self._line(price, quantity, discount, tax_rate)
                lines.append(line)
                names.append(name)
                rows.append(
                    (
                        contract_id, position, product_id, name, unit, quantity, price, discount,
                        tax_rate, line.gross, line.discount, line.net, line.tax, line.total,
                    )
                )  # fmt: skip
            totals = money.document_totals(lines)
            if self.storable(totals.total, totals.net, totals.tax) and all(
                self.storable(line.total, line.net, line.tax) for line in lines
            ):
                break
        self.items.extend(rows)
        main_tax_rate = rows[0][8]

        # instalments, payments, allocations, invoices
        active = status in (Contract.Status.SIGNED, Contract.Status.EXECUTING)
        amounts = money.split_evenly(totals.total, self.instalments_per_contract)
        paid_total = invoiced_total = ZERO
        for index, amount in enumerate(amounts):
            instalment_id = self.next_instalment
            self.next_instalment += 1
            due_on = plan_start + dt.timedelta(days=FIRST_DUE + INSTALMENT_INTERVAL * index)
            pay = ZERO
            received_on = None
            if status == Contract.Status.COMPLETED:
                pay = amount
            elif status == Contract.Status.EXECUTING:
                roll = rng.random()
                if due_on <= today:
                    if roll < 0.80:
                        pay = amount
                    elif roll < 0.88:
                        pay = money.fen(amount / 2)
                elif roll < 0.05:
                    pay = amount  # paid early
            elif status == Contract.Status.TERMINATED and index == 0 and rng.random() < 0.5:
                pay = amount
            if status == Contract.Status.EXECUTING and index == 0 and pay == ZERO:
                # executing means collection started: the first instalment is (partly) paid
                pay = amount if rng.random() < 0.7 else money.fen(amount / 2)
            if pay > ZERO:
                received_on = due_on + dt.timedelta(days=rng.randint(-10, 20))
                received_on = max(min(received_on, today), signed_on or today)
                extra = ZERO
                last = index == len(amounts) - 1
                if status == Contract.Status.COMPLETED and last and rng.random() < 0.01:
                    extra = money.fen(rng.randint(100, 2000))  # an explicit over-payment
                payment_id = self.next_payment
                self.next_payment += 1
                self.payments.append(
                    (
                        payment_id, contract_id, customer_id, owner_id, department_id,
                        pay + extra, received_on, rng.choice(PAYMENT_METHODS),
                        f"{received_on:%Y%m%d}{payment_id:010d}", "", Payment.Status.CONFIRMED,
                        extra, extra > ZERO, None, "", owner_id, self._at(received_on, 10),
                    )
                )  # fmt: skip
                self.allocations.append((payment_id, instalment_id, pay))
                paid_total += pay + extra
                net, tax = money.tax_of_total(pay, main_tax_rate)
                invoiced = rng.random() < 0.6 and self.storable(pay, net, tax)
                if status != Contract.Status.TERMINATED and invoiced:
                    kind = Invoice.Kind.SPECIAL if rng.random() < 0.15 else Invoice.Kind.NORMAL
                    self.invoice_numbers[kind] += 1
                    issued_on = min(received_on + dt.timedelta(days=rng.randint(0, 10)), today)
                    self.invoices.append(
                        (
                            contract_id, payment_id, owner_id, department_id,
                            f"{self.invoice_numbers[kind]:08d}", kind, pay, main_tax_rate, net,
                            tax, issued_on, Invoice.Status.ISSUED, False, "", None, "", owner_id,
                            self._at(issued_on, 15),
                        )
                    )  # fmt: skip
                    invoiced_total += pay
            if active and pay < amount and due_on < today:
                self.overdue += 1
            self.instalments.append(
                (
                    instalment_id, contract_id, index + 1, due_on, amount, pay, pay == amount,
                    customer_id, owner_id, department_id, active, None, "",
                )
            )  # fmt: skip

        terminated_at = completed_at = None
        reason = ""
        if status == Contract.Status.TERMINATED:
            reason = rng.choice(TERMINATION_REASONS)
            terminated_at = self._at(
                min(signed_on + dt.timedelta(days=rng.randint(20, 200)), today), 16
            )
        elif status == Contract.Status.COMPLETED:
            completed_at = self._at(
                min(plan_start + dt.timedelta(days=INSTALMENT_INTERVAL * len(amounts)), today), 17
            )
        created_at = self._at(created_on, 9)
        self.contracts.append(
            (
                contract_id, number, contract_title(names), customer_id, contact_id, owner_id,
                department_id, None, status, TERMS, signed_on, signed_on,
                signed_on + dt.timedelta(days=365) if signed_on else None, totals.gross,
                totals.discount, totals.net, totals.tax, totals.total, paid_total,
                invoiced_total, reason, terminated_at, completed_at, 0, 1, owner_id, created_at,
                max(created_at, terminated_at or completed_at or created_at),
            )
        )  # fmt: skip


_MODELS = {
    "contract": (Contract, _CONTRACT_COLUMNS),
    "item": (ContractItem, _ITEM_COLUMNS),
    "instalment": (Instalment, _INSTALMENT_COLUMNS),
    "payment": (Payment, _PAYMENT_COLUMNS),
    "allocation": (PaymentAllocation, _ALLOCATION_COLUMNS),
    "invoice": (Invoice, _INVOICE_COLUMNS),
}


def _tables() -> dict[str, str]:
    return {key: model._meta.db_table for key, (model, _columns) in _MODELS.items()}


def _layout(model, columns) -> tuple[tuple, tuple]:
    """The columns to write and the values appended to every row for the NOT NULL columns
    the planner does not fill (fields added later, such as void_reason): their defaults."""
    names, tail = list(columns), []
    for model_field in model._meta.concrete_fields:
        if model_field.column in columns or model_field.primary_key or model_field.null:
            continue
        names.append(model_field.column)
        tail.append(model_field.get_db_prep_save(model_field.get_default(), connection))
    return tuple(names), tuple(tail)


def seed_sales_bulk(
    *,
    contracts_per_customer: int = 2,
    instalments_per_contract: int = 3,
    seed: int = 2026,
    chunk: int = 20_000,
    drop_indexes: bool | None = None,
    today: dt.date | None = None,
    progress: Callable[[str], None] | None = None,
) -> BulkStats:
    """Contracts with items, instalment plans, payments and invoices for every customer,
    written in bulk, in one transaction.

    Does nothing (stats.skipped) when contracts exist already. Every customer (not deleted,
    not merged) gets `contracts_per_customer` contracts, owner and department copied from the
    customer; each contract `instalments_per_contract` instalments that add up to its total
    exactly (money.split_evenly). Statuses: draft 5 %, signed 18 %, executing 42 %,
    completed 30 %, terminated 5 %; signed over the last three years. Completed contracts are
    paid in full (1 % with an accepted over-payment), executing ones partly (some instalments
    overdue), signed ones not yet; about 60 % of payments are invoiced (15 % 专票). Paid
    amounts, settled flags and the contracts' paid/invoiced totals agree with the rows.
    """
    if contracts_per_customer < 1 or instalments_per_contract < 1:
        raise ValueError("at least one contract per customer and one instalment per contract")
    say = progress or (lambda message: None)
    started = time.perf_counter()
    stats = BulkStats()
    if Contract.objects.exists():
        stats.skipped = True
        return stats
    today = today or timezone.localdate()
    now = timezone.now()
    postgres = connection.vendor == "postgresql"
    customers_table = Customer._meta.db_table
    contacts_table = Contact._meta.db_table
    total = Customer.objects.filter(deleted_at__isnull=True, merged_into__isnull=True).count()
    if drop_indexes is None:
        drop_indexes = postgres and total >= 100_000
    tables = _tables()
    with transaction.atomic():
        products = ensure_demo_products()
        stats.products = len(products)
        planner = _BulkPlanner(
            rng=random.Random(seed),  # noqa: S311 - demo data
            products=[
                (p.pk, p.name, p.unit, p.list_price, p.tax_rate) for p in products if p.active
            ],
            today=today,
            now=now,
            contracts_per_customer=contracts_per_customer,
            instalments=instalments_per_contract,
        )
        with connection.cursor() as cursor:
            load = BulkLoad(
                cursor, tables=tables.values(), drop_indexes=drop_indexes, stats=stats, say=say
            )
            writer = load.write
            layouts = {key: _layout(*spec) for key, spec in _MODELS.items()}

            def write(key, rows):
                columns, tail = layouts[key]
                writer(tables[key], columns, [row + tail for row in rows] if tail else rows)

            planner.next_contract = max_id(cursor, tables["contract"]) + 1
            planner.next_instalment = max_id(cursor, tables["instalment"]) + 1
            planner.next_payment = max_id(cursor, tables["payment"]) + 1
            phase = time.perf_counter()
            live_customers = (
                f'SELECT c.id, c.owner_id, c.department_id, (SELECT MIN(k.id) FROM "{contacts_table}" k '  # noqa: S608 - model meta
                f'WHERE k.customer_id = c.id) FROM "{customers_table}" c '
                "WHERE c.id > %s AND c.deleted_at IS NULL AND c.merged_into_id IS NULL "
                "ORDER BY c.id LIMIT %s"
            )
            for batch in keyset_batches(cursor, live_customers, chunk=chunk):
                planner.clear()
                for customer_id, owner_id, department_id, contact_id in batch:
                    planner.add(customer_id, owner_id, department_id, contact_id)
                write("contract", planner.contracts)
                write("item", planner.items)
                write("instalment", planner.instalments)
                write("payment", planner.payments)
                write("allocation", planner.allocations)
                write("invoice", planner.invoices)
                stats.customers += len(batch)
                stats.contracts += len(planner.contracts)
                stats.items += len(planner.items)
                stats.instalments += len(planner.instalments)
                stats.payments += len(planner.payments)
                stats.allocations += len(planner.allocations)
                stats.invoices += len(planner.invoices)
                say(
                    f"{stats.customers:,} / {total:,} customers, {stats.contracts:,} contracts "
                    f"({time.perf_counter() - started:.0f} s)"
                )
            stats.phases["load"] = time.perf_counter() - phase
            stats.by_status = planner.by_status
            stats.overdue = planner.overdue
            # the contract number counters continue after the seeded numbers
            for year, last in planner.numbers.items():
                sequence, _created = DocumentSequence.objects.get_or_create(key=f"HT-{year}")
                if sequence.last < last:
                    DocumentSequence.objects.filter(pk=sequence.pk).update(last=last)
            load.finish(tables.values())
    bulk_analyze(tables.values(), stats)
    stats.seconds = time.perf_counter() - started
    return stats


# ---------------------------------------------------------------- the service path


@dataclass
class DemoStats(SeedStats):
    contracts: int = 0
    by_status: Counter = field(default_factory=Counter)
    pending_approvals: int = 0
    payments: int = 0
    invoices: int = 0
    orders: int = 0
    deliveries: int = 0
    stock_outs: int = 0
    quotes: int = 0
    targets: int = 0
    errors: list = field(default_factory=list)


DEMO_FLOW_NAME = "大额合同审批"
DEMO_FLOW_MIN = Decimal("100000.00")
KEY_ACCOUNT_PRICE_LIST = "重点客户价"


def _first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def ensure_demo_flow(admin):
    """A contract flow: total ≥ 100,000 → the submitter's direct manager (或签). Kept when
    any active contract flow exists already (e.g. shipped by a migration)."""
    existing = ApprovalFlow.objects.filter(target="contract", active=True).first()
    if existing is not None:
        return existing
    return approvals.flow_create(
        actor=admin,
        data=approvals.FlowInput(
            name=DEMO_FLOW_NAME,
            target="contract",
            priority=100,
            min_amount=str(DEMO_FLOW_MIN),
            steps=[{"kind": "direct_manager", "mode": "any", "name": "直属上级审批"}],
        ),
    )


def ensure_demo_price_list(admin, products):
    """重点客户价: 8 % off the web products for customers tagged 重点客户."""
    tag = Tag.objects.filter(name="重点客户").first()
    if tag is None or PriceList.objects.filter(name=KEY_ACCOUNT_PRICE_LIST).exists():
        return None
    items = [
        PriceListItemInput(product=p.pk, price=money.fen(p.list_price * Decimal("0.92")))
        for p in products
        if p.code.startswith("WEB")
    ]
    return pricelist_create(
        actor=admin,
        data=PriceListInput(name=KEY_ACCOUNT_PRICE_LIST, customer_tag=tag.pk, priority=10),
        items=items,
    )


DISCOUNTS = (Decimal("0"), Decimal("0.03"), Decimal("0.05"), Decimal("0.08"))
TARGET_SCALES = (Decimal("0.8"), Decimal("1"), Decimal("1.2"), Decimal("1.5"))


class _DemoRun:
    """One consultant's contracts, each story in its own transaction."""

    def __init__(self, *, rng, users, products, today, stats, say):
        self.rng = rng
        self.users = users
        self.manager = users["manager"]
        self.products = {p.code: p for p in products}
        self.today = today
        self.stats = stats
        self.say = say
        self.invoice_number = 30_000_000 + rng.randint(0, 9_000) * 100

    def days(self, n: int) -> dt.date:
        return self.today + dt.timedelta(days=n)

    def items(self, *lines):
        return [
            LineInput(
                product=self.products[code].pk,
                quantity=quantity,
                unit_price=self.products[code].list_price,
                discount_rate=discount,
                tax_rate=self.products[code].tax_rate,
            )
            for code, quantity, discount in lines
        ]

    def contract(self, consultant, customer, lines, *, signed_on=None, parts=2, first_due=None):
        items = self.items(*lines)
        contract = contract_create(
            actor=consultant,
            customer=customer,
            title=contract_title([self.products[code].name for code, _q, _d in lines]),
            items=items,
            signing_contact=customer.contacts.order_by("id").first(),
            terms=TERMS,
            starts_on=signed_on,
            ends_on=(signed_on + dt.timedelta(days=364)) if signed_on else None,
            signed_on=signed_on,
        )
        plan = propose_plan(
            total=contract.total_amount,
            parts=parts,
            first_due_on=first_due or self.days(30),
            months_apart=1,
        )
        instalments_set(actor=consultant, contract=contract, plan=plan)
        self.stats.contracts += 1
        return contract

    def submit(self, consultant, contract):
        return contract_submit(actor=consultant, contract=contract)

    def decide(self, contract, *, approve: bool, comment: str):
        approval = pending_approval(target="contract", record_id=contract.pk)
        approvals.approval_decide(
            actor=self.manager, approval_id=approval.pk, approve=approve, comment=comment
        )
        contract.refresh_from_db()

    def pay(self, consultant, contract, amount, received_on, **kwargs):
        payment, _created = payment_record(
            actor=consultant,
            contract=contract,
            amount=amount,
            received_on=received_on,
            method=kwargs.pop("method", "transfer"),
            reference=f"{received_on:%Y%m%d}{self.rng.randint(10**9, 10**10 - 1)}",
            **kwargs,
        )
        contract.refresh_from_db()
        self.stats.payments += 1
        return payment

    def invoice(self, consultant, contract, payment, *, kind="normal"):
        self.invoice_number += 1
        tax_rate = contract.items.order_by("position", "id").first().tax_rate
        amount = payment.amount - payment.unallocated_amount
        if connection.vendor == "sqlite":
            # SQLite compares the CHECK amount = net + tax in doubles (see _BulkPlanner):
            # invoice a few fen less where the exact split would be refused there.
            while not _float_storable(amount, *money.tax_of_total(amount, tax_rate)):
                amount -= money.FEN
        invoice_record(
            actor=consultant,
            contract=contract,
            number=f"{self.invoice_number:08d}",
            kind=kind,
            amount=amount,
            tax_rate=tax_rate,
            issued_on=min(payment.received_on + dt.timedelta(days=2), self.today),
            payment=payment,
        )
        self.stats.invoices += 1

    def deliver(self, consultant, contract, *, fraction, ordered_on, stock_out=True):
        """An order for every item; deliver `fraction` of each plan line (partial when < 1)."""
        items = list(contract.items.order_by("position", "id"))
        order = order_create(
            actor=consultant,
            contract=contract,
            ordered_on=ordered_on,
            notes="按合同约定分批交付",
            plans=[
                DeliveryPlanInput(
                    contract_item=item.pk,
                    quantity=item.quantity,
                    planned_on=ordered_on + dt.timedelta(days=14),
                )
                for item in items
            ],
        )
        self.stats.orders += 1
        contract.refresh_from_db()
        for plan in order.plans.order_by("id"):
            quantity = (
                plan.quantity
                if fraction >= 1
                else (plan.quantity * fraction).quantize(Decimal("1"))
            )
            if quantity <= 0:
                continue
            if stock_out:
                stockout_record(
                    actor=consultant,
                    contract=contract,
                    contract_item=plan.contract_item_id,
                    quantity=quantity,
                    out_on=min(ordered_on + dt.timedelta(days=3), self.today),
                    warehouse="广州一号仓",
                    order=order,
                )
                self.stats.stock_outs += 1
            delivery_record(
                actor=consultant,
                plan=plan,
                quantity=quantity,
                delivered_on=min(ordered_on + dt.timedelta(days=5), self.today),
                receiver=contract.signing_contact.name if contract.signing_contact else "",
            )
            self.stats.deliveries += 1
        return order

    def story(self, name, consultant, run):
        try:
            with transaction.atomic():
                run()
        except DomainError as error:
            message = (
                f"{consultant.username} {name}: {error!r} {getattr(error, 'field_errors', '')}"
            )
            self.stats.errors.append(message)
            self.say(f"skipped {message}")

    def consultant(self, consultant, customers, *, special_invoice: bool, overpay: bool):
        rng = self.rng
        # Quantities, discounts and payment shares differ per consultant, so that the team's
        # figures look like a team's: ≥ 129,168.00 with any of these, so approval is needed.
        big = ("WEB-MALL", rng.choice((3, 4)), rng.choice(DISCOUNTS))
        pick = iter(customers)

        def draft():
            domains = rng.choice((1, 2, 3))
            self.contract(consultant, next(pick), [("WEB-STD", 1, 0), ("DOMAIN", domains, 0)])

        def in_approval():
            hosts = ("HOST", rng.choice((1, 2, 3)), 0)
            contract = self.contract(consultant, next(pick), [big, hosts], parts=3)
            self.submit(consultant, contract)

        def rejected_then_resubmitted():
            contract = self.contract(
                consultant, next(pick), [("WEB-MALL", 3, Decimal("0.15"))], parts=2
            )
            self.submit(consultant, contract)
            self.decide(contract, approve=False, comment="折扣超过 10%，请与客户重新核价后再提交。")
            contract = contract_update(
                actor=consultant,
                contract=contract,
                version=contract.version,
                data=ContractHead(),
                items=self.items(("WEB-MALL", 3, Decimal("0.08"))),
            )
            instalments_set(
                actor=consultant,
                contract=contract,
                plan=propose_plan(total=contract.total_amount, parts=2, first_due_on=self.days(30)),
            )
            self.submit(consultant, contract)

        def approved_partly_paid_and_delivered():
            contract = self.contract(
                consultant,
                next(pick),
                [big, ("KIOSK", rng.randint(2, 6), 0)],
                parts=3,
                first_due=self.today,  # signed today on approval: half of it paid at once
            )
            self.submit(consultant, contract)
            self.decide(contract, approve=True, comment="价格合理，同意签约。")
            first = contract.instalments.order_by("sequence").first()
            share = rng.choice((Decimal("0.3"), Decimal("0.5"), Decimal("0.7")))
            payment = self.pay(consultant, contract, money.fen(first.amount * share), self.today)
            self.invoice(consultant, contract, payment)
            self.deliver(consultant, contract, fraction=Decimal("0.5"), ordered_on=self.today)

        def signed_and_overdue():
            contract = self.contract(
                consultant,
                next(pick),
                [("SEM-Y", 1, 0), ("PREPAY", rng.choice((2, 3, 5)), 0)],
                signed_on=self.days(-40),
                parts=2,
                first_due=self.days(-25),
            )
            self.submit(consultant, contract)

        def executing_with_arrears():
            contract = self.contract(
                consultant,
                next(pick),
                [
                    ("WEB-PRO", 1, rng.choice(DISCOUNTS)),
                    ("SEO", 1, 0),
                    ("CAM", rng.randint(1, 4), 0),
                ],
                signed_on=self.days(-130),
                parts=4,
                first_due=self.days(-120),
            )
            self.submit(consultant, contract)
            first, second = contract.instalments.order_by("sequence")[:2]
            payment = self.pay(consultant, contract, first.amount, self.days(-118))
            self.invoice(consultant, contract, payment)
            share = rng.choice((Decimal("0.25"), Decimal("0.4"), Decimal("0.6")))
            self.pay(consultant, contract, money.fen(second.amount * share), self.days(-80))
            self.deliver(consultant, contract, fraction=Decimal("0.5"), ordered_on=self.days(-110))

        def completed():
            contract = self.contract(
                consultant,
                next(pick),
                [("MINI", 1, 0), ("PAD", rng.randint(2, 6), 0)],
                signed_on=self.days(-200),
                parts=2,
                first_due=self.days(-190),
            )
            self.submit(consultant, contract)
            self.deliver(consultant, contract, fraction=Decimal("1"), ordered_on=self.days(-195))
            for instalment in contract.instalments.order_by("sequence"):
                extra = Decimal("500.00") if overpay and instalment.sequence == 2 else money.ZERO
                payment = self.pay(
                    consultant,
                    contract,
                    instalment.amount + extra,
                    instalment.due_on + dt.timedelta(days=3),
                    accept_overpayment=extra > 0,
                    notes="客户多付 500 元，下期抵扣" if extra else "",
                )
                kind = "special" if special_invoice and instalment.sequence == 1 else "normal"
                self.invoice(consultant, contract, payment, kind=kind)
            contract_complete(actor=consultant, contract=contract)

        def terminated():
            contract = self.contract(
                consultant,
                next(pick),
                [("WXOA", rng.choice((3, 6, 12)), 0)],
                signed_on=self.days(-90),
                parts=3,
                first_due=self.days(-80),
            )
            self.submit(consultant, contract)
            contract_terminate(
                actor=self.manager, contract=contract, reason=rng.choice(TERMINATION_REASONS)
            )

        def quotes():
            customer = next(pick)
            quote = quote_create(
                actor=consultant,
                customer=customer,
                items=[
                    LineInput(product=self.products["WEB-PRO"].pk, quantity=1),
                    LineInput(product=self.products["SEM-Y"].pk, quantity=1),
                ],
                valid_until=self.days(30),
                notes="报价含首年服务费，有效期 30 天。",
            )
            quote_set_status(actor=consultant, quote=quote, status="sent")
            self.stats.quotes += 1

        for name, run in (
            ("draft", draft),
            ("in approval", in_approval),
            ("rejected and resubmitted", rejected_then_resubmitted),
            ("approved", approved_partly_paid_and_delivered),
            ("signed, overdue", signed_and_overdue),
            ("executing", executing_with_arrears),
            ("completed", completed),
            ("terminated", terminated),
            ("quote", quotes),
        ):
            self.story(name, consultant, run)


def seed_sales_demo(
    *,
    seed: int = 2026,
    today: dt.date | None = None,
    progress: Callable[[str], None] | None = None,
) -> DemoStats:
    """Contracts at every status for each demo consultant, through the services.

    Per consultant: a draft; one waiting in the manager's approval queue; one rejected by the
    manager, re-priced and resubmitted (waiting again, two rounds on its panel); one
    approved, half of its first instalment paid today and invoiced, half delivered; one
    signed 40 days ago with its first instalment overdue; one executing with one instalment
    paid (invoiced), one partly paid and two overdue, partly delivered with stock-outs; one
    completed (delivered, paid in full, invoiced; sales1a's first invoice a 专票, sales1b's
    last payment an accepted over-payment); one terminated by the manager; a quote sent.
    Then this month's targets (signed, collected, new customers) for every consultant and
    both sales departments, set by the manager. Does nothing (skipped) when contracts exist.
    """
    say = progress or (lambda message: None)
    stats = DemoStats()
    started = time.perf_counter()
    if Contract.objects.exists():
        stats.skipped = True
        return stats
    rng = random.Random(seed)  # noqa: S311 - demo data
    today = today or timezone.localdate()
    users = ensure_demo_organisation()
    with transaction.atomic():
        products = ensure_demo_products()
        ensure_demo_flow(users["admin"])
        ensure_demo_price_list(users["admin"], products)
    run = _DemoRun(rng=rng, users=users, products=products, today=today, stats=stats, say=say)
    for username in DEMO_CONSULTANTS:
        consultant = users[username]
        customers = list(
            Customer.objects.filter(owner=consultant, deleted_at__isnull=True).order_by("id")[:9]
        )
        if len(customers) < 9:
            say(f"{username}: fewer than 9 customers, no contracts")
            continue
        run.consultant(
            consultant,
            customers,
            special_invoice=username in ("sales1a", "sales2a"),
            overpay=username == "sales1b",
        )
        say(f"{username}: contracts seeded")

    # This month's targets, set by the manager, for the consultants and both departments.
    start = _first_of_month(today)
    manager = users["manager"]
    goals = (
        (SalesTarget.Metric.SIGNED, Decimal("300000")),
        (SalesTarget.Metric.COLLECTED, Decimal("150000")),
        (SalesTarget.Metric.NEW_CUSTOMERS, Decimal("20")),
    )
    departments = {u.department_id: u.department for u in users.values() if u.department_id}
    sales_departments = [departments[users[name].department_id] for name in ("sales1a", "sales2a")]
    for metric, value in goals:
        for username in DEMO_CONSULTANTS:
            target_set(
                actor=manager,
                period="month",
                starts_on=start,
                metric=metric,
                value=(value * rng.choice(TARGET_SCALES)).quantize(Decimal("1")),
                user=users[username],
            )
            stats.targets += 1
        for department in sales_departments:
            target_set(
                actor=manager,
                period="month",
                starts_on=start,
                metric=metric,
                value=value * 2,
                department=department,
            )
            stats.targets += 1

    stats.by_status = Counter(Contract.objects.values_list("status", flat=True))
    stats.pending_approvals = Approval.objects.filter(state=Approval.State.PENDING).count()
    stats.seconds = time.perf_counter() - started
    return stats
