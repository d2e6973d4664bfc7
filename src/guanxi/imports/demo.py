"""Demo data of the import (INTG-1), run through the same services as the page (upload → map →
dry run → import), so the error reports are real:
- sales1a's customers from an old system, a GBK CSV matched to the archive by 查重 and filling
  empty fields, with a repeated row and bad rows;
- sales1a's follow-ups from the old system (UTF-8 with BOM), one repeated, one of a customer
  the archive does not have;
- the manager's purchase history of those customers (past orders with their order numbers,
  one paid in part), one order twice and one with an amount the old system let through."""

import time
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile

from guanxi.accounts.models import User
from guanxi.customers.models import Customer
from guanxi.imports.models import ImportBatch
from guanxi.imports.spreadsheets import services
from guanxi.sales.models import Product

DEMO_FILE = "老系统客户导出.csv"
HEADER = "客户名称,手机号,微信,备注,生日"
FOLLOWUPS_FILE = "老系统跟进记录.csv"
FOLLOWUPS_HEADER = "客户名称,手机号,跟进时间,跟进方式,跟进内容,跟进结果"
PURCHASES_FILE = "老系统订单导出.csv"
PURCHASES_HEADER = "客户名称,手机号,下单日期,订单号,产品,金额,已付金额"
CHANNELS = ("电话", "微信", "到店", "拜访")
TOPICS = ("介绍新款产品", "询问使用情况", "确认报价细节", "节日问候")


@dataclass
class ImportsSeedStats:
    skipped: bool = False
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)


def _csv(customers: list[Customer]) -> bytes:
    """The old system's export of the customers the archive has already: the import fills
    their empty fields (WeChat, notes) — `guanxi seed --customers N` keeps its N customers —
    with a repeated row and three rows an old system lets through."""
    lines = [HEADER]
    for customer in customers:
        wechat = f"wx_{customer.pk:06d}"
        lines.append(f"{customer.name},{customer.mobile},{wechat},老系统迁移,")
    if customers:
        lines.append(lines[1])
    lines.append("手机号写错,1380013,,手机号不完整,")
    lines.append("邮箱写错,13800000000,,,1990/2/30")
    lines.append("生日写错,13800000001,,,1990年13月40日")
    return ("\n".join(lines) + "\n").encode("gbk")


def _followups_csv(customers: list[Customer]) -> bytes:
    """Two follow-ups a year ago for each customer, the first one again, and one of a
    customer the archive does not have."""
    lines = [FOLLOWUPS_HEADER]
    for index, customer in enumerate(customers):
        for visit in range(2):
            day = f"2025/{(index + visit * 5) % 12 + 1}/{index % 27 + 1} {10 + visit}:30"
            lines.append(
                f"{customer.name},{customer.mobile},{day},{CHANNELS[(index + visit) % 4]},"
                f"{TOPICS[(index + visit) % 4]},{'有意向' if visit else '再联系'}"
            )
    if customers:
        lines.append(lines[1])
    lines.append("查无此人,13911112222,2025/6/1 10:00,电话,老系统里的客户,")
    return ("\ufeff" + "\n".join(lines) + "\n").encode("utf-8")


def _purchases_csv(customers: list[Customer]) -> bytes:
    """One past order per customer with the old system's number, the last one paid in part,
    the first one twice, and an amount the old system let through. The product is one of the
    catalogue's (a name the catalogue does not know is refused), if it has any."""
    product = Product.objects.filter(active=True).order_by("id").first()
    product_name = product.name if product is not None else ""
    lines = [PURCHASES_HEADER]
    for index, customer in enumerate(customers):
        amount = 2000 + 500 * (index % 7)
        paid = amount if index < len(customers) - 1 else amount // 2
        lines.append(
            f"{customer.name},{customer.mobile},2024年{index % 12 + 1}月{index % 27 + 1}日,"
            f"ERP-2024-{index + 1:04d},{product_name},{amount}元,{paid}"
        )
    if customers:
        lines.append(lines[1])
        first = customers[0]
        lines.append(f"{first.name},{first.mobile},2024/3/3,ERP-2024-9999,配件,约两千,")
    return ("\n".join(lines) + "\n").encode("gbk")


def _run(actor: User, *, name: str, content: bytes, kind: str, on_duplicate: str) -> ImportBatch:
    batch = services.batch_upload(actor=actor, upload=SimpleUploadedFile(name, content), kind=kind)
    mapping = services.MappingInput(mapping=batch.mapping, on_duplicate=on_duplicate)
    batch = services.batch_map(actor=actor, batch=batch, data=mapping)
    # the demo shows finished imports: both phases run in this process, not left to a
    # worker (the tasks they queued find the batch finished and do nothing)
    batch = services.batch_check(actor=actor, batch=batch)
    batch = services.batch_process(batch_id=batch.pk)
    batch = services.batch_start(actor=actor, batch=batch)
    return services.batch_process(batch_id=batch.pk)


def seed_imports_demo(*, seed: int = 2026, rows: int = 40) -> ImportsSeedStats:
    started = time.perf_counter()
    if ImportBatch.objects.filter(file_name=DEMO_FILE, status=ImportBatch.Status.DONE).exists():
        return ImportsSeedStats(skipped=True)
    actor = User.objects.filter(username="sales1a").first()
    if actor is None:
        return ImportsSeedStats(skipped=True)
    customers = list(
        Customer.objects.filter(owner=actor, deleted_at__isnull=True, wechat="")
        .exclude(mobile="")
        .order_by("id")[:rows]
    )
    batch = _run(
        actor,
        name=DEMO_FILE,
        content=_csv(customers),
        kind=ImportBatch.Kind.CUSTOMERS,
        on_duplicate=ImportBatch.OnDuplicate.UPDATE_EMPTY,
    )
    counts = {key: int(value) for key, value in batch.run_counts.items()}
    few = customers[: max(1, rows // 4)] if customers else []
    _run(
        actor,
        name=FOLLOWUPS_FILE,
        content=_followups_csv(few),
        kind=ImportBatch.Kind.FOLLOWUPS,
        on_duplicate=ImportBatch.OnDuplicate.SKIP,
    )
    manager = User.objects.filter(username="manager").first()
    if manager is not None:
        _run(
            manager,
            name=PURCHASES_FILE,
            content=_purchases_csv(few),
            kind=ImportBatch.Kind.PURCHASES,
            on_duplicate=ImportBatch.OnDuplicate.SKIP,
        )
    return ImportsSeedStats(seconds=time.perf_counter() - started, counts=counts)
