"""Webhooks (issue 16, performance): what an event adds to the request that fires it
(target ≤ 2 ms) and 10,000 deliveries to a local receiver (target ≤ 60 s).

    export PYTHONPATH=src GUANXI_DATA_DIR=/tmp/gx-webhooks-bench
    # PostgreSQL: export DATABASE_URL=postgres://postgres@127.0.0.1:5432/gx_webhooks_bench
    guanxi migrate -v0
    python bench/webhooks.py --events 500 --deliveries 10000

1. The overhead: the webhooks app's callback on `customer_created` (all it adds to the
   request: read the subscribers, one bulk INSERT of the outbox rows, the on-commit
   registration) timed inside a transaction like the request's, with two subscriptions
   wanting the event; and, for comparison, `customer_create` as a whole with and without
   them.
2. Throughput: 10,000 deliveries queued by `event_fire`, then one `deliveries_send_due`
   run (the task's body; claim, send on its thread pool, write back) against a receiver in a
   process of its own on 127.0.0.1, timed until every delivery is settled; the receiver
   counts what it got.
"""

import argparse
import multiprocessing
import os
import statistics
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def receiver(port_out, count) -> None:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with count.get_lock():
                count.value += 1
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 256  # the listen backlog: 16 senders connect at once

    server = Server(("127.0.0.1", 0), Handler)
    port_out.value = server.server_address[1]
    server.serve_forever()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--deliveries", type=int, default=10000)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guanxi.settings")
    import django

    django.setup()
    from django.db import connection, transaction
    from django.utils.crypto import get_random_string

    from guanxi.accounts.demo import ensure_demo_organisation
    from guanxi.accounts.models import User
    from guanxi.customers.archive.services import customer_create
    from guanxi.customers.archive.validation import CustomerInput
    from guanxi.webhooks.delivery.sending import deliveries_send_due
    from guanxi.webhooks.delivery.tasks import _enqueue_unless_waiting
    from guanxi.webhooks.events.listeners import on_customer_created
    from guanxi.webhooks.events.services import event_fire
    from guanxi.webhooks.models import AllowedHost, Delivery, Subscription

    ensure_demo_organisation()
    user = User.objects.get(username="sales1a")
    admin = User.objects.get(username="admin")
    print(f"database: {connection.vendor}; load {os.getloadavg()[0]:.1f}")

    class Rollback(Exception):
        pass

    def timed_create(n: int) -> list[float]:
        times = []
        for i in range(n):
            try:
                with transaction.atomic():
                    started = time.perf_counter()
                    customer_create(actor=user, data=CustomerInput(name=f"压测客户{i}"))
                    times.append((time.perf_counter() - started) * 1000)
                    raise Rollback
            except Rollback:
                pass
        return times

    Subscription.objects.all().delete()
    AllowedHost.objects.get_or_create(host="127.0.0.1")
    for name in ("ERP", "BI"):
        Subscription.objects.create(
            name=name,
            url="http://127.0.0.1:9/hook",
            secret=get_random_string(40),
            events=["customer.created"],
            owner=admin,
        )
    with transaction.atomic():
        customer = customer_create(actor=user, data=CustomerInput(name="压测样本"))
    hook = []
    for _ in range(args.events):
        try:
            with transaction.atomic():
                started = time.perf_counter()
                on_customer_created(customer=customer, actor=user)
                hook.append((time.perf_counter() - started) * 1000)
                raise Rollback
        except Rollback:
            pass
    # customer_create as a whole, with and without the two subscribers, interleaved so that
    # the machine's load changes both alike
    without, with_subs = [], []
    for _ in range(args.events // 10):
        Subscription.objects.update(active=False)
        without += timed_create(10)
        Subscription.objects.update(active=True)
        with_subs += timed_create(10)
    # after the commit: the request asks for a delivery run (a READY run waiting: one query)
    enqueue = []
    for _ in range(args.events):
        started = time.perf_counter()
        _enqueue_unless_waiting()
        enqueue.append((time.perf_counter() - started) * 1000)
    print(
        f"event overhead (the callback, 2 subscriptions, n={args.events}): "
        f"p50 {statistics.median(hook):.2f} ms, p95 {percentile(hook, 95):.2f} ms, "
        f"max {max(hook):.2f} ms (target ≤ 2)"
    )
    print(
        f"after commit, asking for a delivery run: p50 {statistics.median(enqueue):.2f} ms, "
        f"p95 {percentile(enqueue, 95):.2f} ms"
    )
    print(
        f"customer_create without subscribers p50 {statistics.median(without):.2f} ms, "
        f"with two p50 {statistics.median(with_subs):.2f} ms "
        f"(difference {statistics.median(with_subs) - statistics.median(without):+.2f} ms)"
    )

    # ---- throughput
    count = multiprocessing.Value("i", 0)
    port = multiprocessing.Value("i", 0)
    process = multiprocessing.Process(target=receiver, args=(port, count), daemon=True)
    process.start()
    while not port.value:
        time.sleep(0.01)
    Delivery.objects.all().delete()
    Subscription.objects.exclude(name="ERP").delete()
    Subscription.objects.filter(name="ERP").update(url=f"http://127.0.0.1:{port.value}/hook")
    started = time.perf_counter()
    with transaction.atomic():
        event_fire(
            event="customer.created",
            items=[{"customer": {"id": i, "name": f"客户{i}"}} for i in range(args.deliveries)],
        )
    queued = time.perf_counter() - started
    started = time.perf_counter()
    run = deliveries_send_due(time_limit=600)
    took = time.perf_counter() - started
    delivered = Delivery.objects.filter(status=Delivery.Status.SUCCEEDED).count()
    print(
        f"{args.deliveries} deliveries queued in {queued:.1f} s; sent in {took:.1f} s "
        f"({args.deliveries / took:.0f}/s, target ≤ 60 s); delivered {delivered}, "
        f"receiver got {count.value}; run {run.as_dict()}"
    )
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.all().delete()
    process.terminate()
    sys.exit(0 if delivered == args.deliveries else 1)


if __name__ == "__main__":
    main()
