"""Export the customers to .xlsx (or .csv) the way the task worker does (RPT-2, issue 16):
rows per second and memory over the run.

Runs in-process on the database of DATABASE_URL / GUANXI_DATA_DIR, as the given user (admin:
scope all, full phones), through `guanxi.imports.exports.running.export_run` — the list's own
selector, the row builder, openpyxl's write-only workbook, the file stored in the default
storage. Memory is the process's resident set, sampled every half second while the export
runs (flat = the same at 10 % and 90 % of the rows) and its peak (ru_maxrss).

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/gx_exports_bench
    export GUANXI_DATA_DIR=/tmp/gx-exports-bench
    guanxi migrate && guanxi seed --customers 200000 --fast
    python bench/export_customers.py --format xlsx
    python bench/export_customers.py --format csv
"""

import argparse
import os
import resource
import threading
import time


def rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
    parser.add_argument("--user", default="admin")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guanxi.settings")
    import django

    django.setup()
    from django.core.files.storage import default_storage

    from guanxi.accounts.models import User
    from guanxi.customers.models import Customer
    from guanxi.imports.exports.running import export_run
    from guanxi.imports.models import ExportJob

    user = User.objects.get(username=args.user)
    total = Customer.objects.visible_to(user).count()
    job = ExportJob.objects.create(owner=user, kind="customers", format=args.format, params={})
    samples: list[tuple[float, float]] = []
    done = threading.Event()
    started = time.perf_counter()

    def sample() -> None:
        while not done.is_set():
            samples.append((time.perf_counter() - started, rss_mib()))
            done.wait(0.5)

    before = rss_mib()
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    finished = export_run(job_id=job.pk)
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    assert finished is not None and finished.status == ExportJob.Status.DONE, finished
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows = finished.rows_done
    size = default_storage.size(finished.file.name)

    def at(share: float) -> float:
        moment = seconds * share
        return min(samples, key=lambda s: abs(s[0] - moment))[1]

    print(f"customers in scope of {args.user}: {total:,}; exported {rows:,} rows")
    print(f"{args.format}: {seconds:.1f} s, {rows / seconds:,.0f} rows/s, file {size / 1e6:.1f} MB")
    print(
        f"RSS MiB: before {before:.0f}; at 10 % {at(0.1):.0f}, 50 % {at(0.5):.0f}, "
        f"90 % {at(0.9):.0f}; peak {peak:.0f}"
    )
    print(f"1,000,000 rows at this rate: {1_000_000 / (rows / seconds):.0f} s")
    default_storage.delete(finished.file.name)
    ExportJob.objects.filter(pk=job.pk).delete()


if __name__ == "__main__":
    main()
