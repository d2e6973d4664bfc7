"""Demo data of the import (INTG-1): one finished import by sales1a, a GBK CSV as an old
system exports it, matched to the archive by 查重 and filling empty fields, with a repeated row
and bad rows, run through the same services as the page (upload → map → dry run → import), so
its error report is real."""

import time
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile

from guanxi.accounts.models import User
from guanxi.customers.models import Customer
from guanxi.imports.models import ImportBatch
from guanxi.imports.spreadsheets import services

DEMO_FILE = "老系统客户导出.csv"
HEADER = "客户名称,手机号,微信,备注,生日"


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
    upload = SimpleUploadedFile(DEMO_FILE, _csv(customers))
    batch = services.batch_upload(actor=actor, upload=upload)
    mapping = services.MappingInput(
        mapping=batch.mapping, on_duplicate=ImportBatch.OnDuplicate.UPDATE_EMPTY
    )
    batch = services.batch_map(actor=actor, batch=batch, data=mapping)
    # the demo shows a finished import: both phases run in this process, not left to a
    # worker (the tasks they queued find the batch finished and do nothing)
    batch = services.batch_check(actor=actor, batch=batch)
    batch = services.batch_process(batch_id=batch.pk)
    batch = services.batch_start(actor=actor, batch=batch)
    batch = services.batch_process(batch_id=batch.pk)
    counts = {key: int(value) for key, value in batch.run_counts.items()}
    return ImportsSeedStats(seconds=time.perf_counter() - started, counts=counts)
