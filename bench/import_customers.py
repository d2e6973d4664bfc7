"""Import benchmark (issue 16, INTG-1): a generated GBK CSV (or .xlsx) of N customer rows,
uploaded, dry-run and imported through the same services as the page. The queued tasks are
not run by a task worker: the dry run's task body (`batch_process`) runs in this process, and
the import's in `--workers` processes forked from it (default: as many as the import queues,
`services.import_workers`: 2 for customers on PostgreSQL, 1 on SQLite) — what that many
`guanxi worker` processes do. Prints rows/s of the dry run and of the import, the CPU time of
the benchmark's processes, and the peak memory of the dry run's process and of a worker.

    export PYTHONPATH=src GUANXI_DATA_DIR=/tmp/gx-bench-import   # a migrated database with
    guanxi migrate && guanxi seed --customers 1000                # the demo users
    python bench/import_customers.py --rows 100000 --check-only
    python bench/import_customers.py --rows 10000            # dry run and import
    python bench/import_customers.py --rows 10000 --workers 1
"""

import argparse
import io
import os
import random
import resource
import tempfile
import time
from collections.abc import Iterator

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guanxi.settings")
# tasks are recorded, not run: this script runs their body itself (see above)
os.environ["GUANXI_TASK_BACKEND"] = "django.tasks.backends.dummy.DummyBackend"

import django

django.setup()

from django.core.files.uploadedfile import UploadedFile  # noqa: E402
from django.db import connections  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from guanxi.accounts.models import User  # noqa: E402
from guanxi.imports.models import ImportBatch  # noqa: E402
from guanxi.imports.spreadsheets import services  # noqa: E402

HEADER = ["客户名称", "手机号", "邮箱", "省", "市", "标签", "生日", "备注"]
PREFIXES = ["136", "137", "138", "139", "150", "158", "186", "188"]


def rows(count: int, seed: int) -> Iterator[list[str]]:
    rng = random.Random(seed)
    for index in range(count):
        mobile = f"{rng.choice(PREFIXES)}{rng.randrange(10**8):08d}"
        yield [
            f"基准客户{seed}-{index}",
            mobile,
            f"b{seed}x{index}@example.cn" if index % 3 == 0 else "",
            "广东",
            "深圳",
            "基准、导入" if index % 5 == 0 else "",
            f"{1960 + index % 40}年{1 + index % 12}月{1 + index % 28}日",
            "基准测试",
        ]


def upload(count: int, seed: int, kind: str) -> UploadedFile:
    """The file, written row by row to a temporary file: the benchmark's process stays small,
    so the workers forked from it show their own memory, not a copy of the file's rows."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the UploadedFile, read later
    if kind == "xlsx":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        sheet.append(HEADER)
        for row in rows(count, seed):
            sheet.append(row)
        workbook.save(handle)
    else:
        text = io.TextIOWrapper(handle, encoding="gbk", newline="")
        text.write(",".join(HEADER) + "\n")
        for row in rows(count, seed):
            text.write(",".join(row) + "\n")
        text.flush()
        text.detach()
    size = handle.seek(0, io.SEEK_END)
    handle.seek(0)
    return UploadedFile(handle, name=f"bench.{kind}", size=size)


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """This process's CPU time (user + system): on a shared machine the wall clock counts the
    other processes' turns too; the database server's time is not in it."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_workers(batch_id: int, workers: int) -> float:
    """`workers` forked processes each running the task body on the batch, as that many task
    workers would; returns the largest peak RSS of them (MiB)."""
    connections.close_all()  # a forked child opens its own connection
    pids = []
    for _worker in range(workers):
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                services.batch_process(batch_id=batch_id)
                connections.close_all()
            except BaseException:
                import traceback

                traceback.print_exc()
                code = 1
            os._exit(code)
        pids.append(pid)
    for pid in pids:
        _pid, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"a worker failed ({status})")
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10000)
    parser.add_argument("--kind", choices=["csv", "xlsx"], default="csv")
    parser.add_argument("--user", default="sales1a")
    parser.add_argument("--seed", type=int, default=int(time.time()) % 100000)
    parser.add_argument("--workers", type=int, default=0, help="default: import_workers()")
    parser.add_argument("--check-only", action="store_true")
    args = parser.parse_args()
    actor = User.objects.get(username=args.user)
    file = upload(args.rows, args.seed, args.kind)
    print(f"file: {args.rows:,} rows, {file.size:,} bytes ({args.kind}); peak {peak_mib():.0f} MiB")
    started = time.perf_counter()
    batch = services.batch_upload(actor=actor, upload=file)
    print(f"upload: {time.perf_counter() - started:.2f} s")
    started, cpu = time.perf_counter(), cpu_seconds()
    services.batch_check(actor=actor, batch=batch)
    services.batch_process(batch_id=batch.pk)
    batch = ImportBatch.objects.get(pk=batch.pk)
    took, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    print(
        f"dry run: {took:.2f} s, {args.rows / took:,.0f} rows/s, {batch.check_counts}; "
        f"CPU {cpu:.2f} s ({args.rows / cpu:,.0f} rows per CPU-s); peak {peak_mib():.0f} MiB"
    )
    if args.check_only:
        return
    workers = args.workers or services.import_workers(kind=batch.kind)
    started, cpu = time.perf_counter(), children_cpu_seconds()
    services.batch_start(actor=actor, batch=batch)
    worker_peak = run_workers(batch.pk, workers)
    batch = ImportBatch.objects.get(pk=batch.pk)
    took, cpu = time.perf_counter() - started, children_cpu_seconds() - cpu
    print(
        f"import ({workers} worker{'s' if workers > 1 else ''}): {took:.2f} s, "
        f"{args.rows / took:,.0f} rows/s, {batch.run_counts}, {batch.status}; "
        f"workers' CPU {cpu:.2f} s ({args.rows / cpu:,.0f} rows per CPU-s); "
        f"peak {worker_peak:.0f} MiB"
    )


if __name__ == "__main__":
    main()
