"""Demo data of the import (INTG-1): one finished import by sales1a, a GBK CSV as an old
system exports it, with a few bad rows and one duplicate of the archive, run through the same
services as the page (upload → dry run → import), so its error report is real."""

import random
import time
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile

from guanxi.accounts.models import User
from guanxi.customers.models import Customer
from guanxi.imports.models import ImportBatch
from guanxi.imports.spreadsheets import services

DEMO_FILE = "老系统客户导出.csv"
HEADER = "客户名称,手机号,邮箱,省,市,来源,标签,生日,备注"
SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超"]
MOBILE_PREFIXES = ["136", "137", "138", "139", "150", "158", "186", "188"]
CITIES = [("广东", "深圳"), ("广东", "广州"), ("浙江", "杭州"), ("江苏", "南京"), ("四川", "成都")]


@dataclass
class ImportsSeedStats:
    skipped: bool = False
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)


def _csv(rng: random.Random, rows: int, duplicate_mobile: str) -> bytes:
    lines = [HEADER]
    for index in range(rows):
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(["", *GIVEN])
        province, city = rng.choice(CITIES)
        mobile = f"{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10**8):08d}"
        birthday = f"{rng.randrange(1965, 2000)}年{rng.randrange(1, 13)}月{rng.randrange(1, 28)}日"
        tags = rng.choice(["", "老客户", "VIP、老客户", "展会"])
        lines.append(f"导入{name}{index},{mobile},,{province},{city},,{tags},{birthday},老系统迁移")
    lines.append(f"重复的客户,{duplicate_mobile},,广东,深圳,,,,与档案重复")
    lines.append("手机号写错,1380013,,广东,深圳,,,,手机号不完整")
    lines.append("邮箱写错,13800000000,not-an-email,,,,,,")
    lines.append("生日写错,13800000001,,,,,,1990年13月40日,")
    return ("\n".join(lines) + "\n").encode("gbk")


def seed_imports_demo(*, seed: int = 2026, rows: int = 40) -> ImportsSeedStats:
    started = time.perf_counter()
    if ImportBatch.objects.filter(file_name=DEMO_FILE, status=ImportBatch.Status.DONE).exists():
        return ImportsSeedStats(skipped=True)
    actor = User.objects.filter(username="sales1a").first()
    if actor is None:
        return ImportsSeedStats(skipped=True)
    existing = Customer.objects.filter(owner=actor).exclude(mobile="").first()
    duplicate = existing.mobile.removeprefix("+86") if existing else "13900000000"
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    upload = SimpleUploadedFile(DEMO_FILE, _csv(rng, rows, duplicate))
    batch = services.batch_upload(actor=actor, upload=upload)
    # the demo shows a finished import: both phases run in this process, not left to a
    # worker (the tasks they queued find the batch finished and do nothing)
    batch = services.batch_check(actor=actor, batch=batch)
    batch = services.batch_process(batch_id=batch.pk)
    batch = services.batch_start(actor=actor, batch=batch)
    batch = services.batch_process(batch_id=batch.pk)
    counts = {key: int(value) for key, value in batch.run_counts.items()}
    return ImportsSeedStats(seconds=time.perf_counter() - started, counts=counts)
