"""`guanxi seed_webhooks`: the webhooks demo (issue 16 §3, §7). A subscription of an "ERP" and
a 企业微信 group robot, both on this machine (127.0.0.1, allowed by the demo as an
administrator would allow an internal host), receive real events of the seeded data — new
customers, signed contracts, approvals waiting, the overdue digest — delivered by the real
sender to a receiver the seeding runs for the moment: most are delivered, every fourth ERP
request answers 500 (its retry waits in the log), one robot message is refused for good. Once
the seeding is over nothing listens there: new events fail, are retried and, after enough
failures in a row, switch the subscription off with a notice to the administrator — the
demo of that part."""

import json
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.utils.crypto import get_random_string

from guanxi.accounts.models import User
from guanxi.customers.models import Customer
from guanxi.sales.models import Approval, Contract
from guanxi.webhooks.common.catalog import EVENTS
from guanxi.webhooks.delivery.sending import deliveries_send_due
from guanxi.webhooks.events import payloads
from guanxi.webhooks.events.digest import overdue_digest_fire
from guanxi.webhooks.events.services import event_fire
from guanxi.webhooks.models import AllowedHost, Delivery, Subscription

DEMO_HOST = "127.0.0.1"


@dataclass
class WebhooksDemoStats:
    skipped: bool = False
    counts: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0


class _DemoReceiver(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen = 0
    lock = threading.Lock()

    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with self.lock:
            type(self).seen += 1
            number = type(self).seen
        if self.path.startswith("/cgi-bin/webhook/send"):
            code = 93000 if number % 7 == 0 else 0  # 93000: the robot's "invalid key"
            body = json.dumps(
                {"errcode": code, "errmsg": "ok" if not code else "invalid webhook url"}
            )
            status = 200
        else:
            status, body = (500, "busy") if number % 4 == 0 else (200, "ok")
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class _DemoServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64  # the sender connects on many threads at once


def _admin() -> User | None:
    return (
        User.objects.filter(username="admin").first()
        or User.objects.filter(is_superuser=True).first()
    )


def _fire_recent(stats: WebhooksDemoStats) -> None:
    customers = (
        Customer.objects.filter(deleted_at__isnull=True)
        .select_related("owner")
        .order_by("-id")[:40]
    )
    stats.counts["events"] += event_fire(
        event="customer.created",
        items=[
            {"customer": payloads.customer_data(c), "actor": payloads.user_data(c.owner)}
            for c in customers
        ],
    )
    contracts = Contract.objects.filter(status=Contract.Status.SIGNED).order_by("-id")[:10]
    stats.counts["events"] += event_fire(
        event="contract.signed",
        items=[{"contract": payloads.contract_data(c), "actor": None} for c in contracts],
    )
    approvals = Approval.objects.filter(state=Approval.State.PENDING).order_by("-id")[:6]
    stats.counts["events"] += event_fire(
        event="approval.waiting", items=[{"approval": payloads.approval_data(a)} for a in approvals]
    )
    stats.counts["events"] += overdue_digest_fire()


def seed_webhooks_demo() -> WebhooksDemoStats:
    stats = WebhooksDemoStats()
    started = time.perf_counter()
    owner = _admin()
    if owner is None or Subscription.objects.exists():
        stats.skipped = True
        return stats
    server = _DemoServer((DEMO_HOST, 0), _DemoReceiver)
    port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        AllowedHost.objects.get_or_create(
            host=DEMO_HOST,
            defaults={"note": "演示：本机的接收端 (demo receiver)", "created_by": owner},
        )
        Subscription.objects.create(
            name="ERP 同步（演示）",
            url=f"http://{DEMO_HOST}:{port}/erp/guanxi-events",
            secret=get_random_string(40),
            events=[name for name, event in EVENTS.items() if event.group == "record"],
            owner=owner,
        )
        Subscription.objects.create(
            name="销售群机器人（演示）",
            kind=Subscription.Kind.WECOM,
            url=f"http://{DEMO_HOST}:{port}/cgi-bin/webhook/send?key=demo-robot-key",
            secret=get_random_string(40),
            events=[
                "approval.waiting",
                "followup.overdue",
                "complaint.escalated",
                "contract.signed",
            ],
            owner=owner,
        )
        _fire_recent(stats)
        run = deliveries_send_due(time_limit=60)
        stats.counts.update(run.as_dict())
    finally:
        server.shutdown()
        server.server_close()
    for status, n in Counter(Delivery.objects.values_list("status", flat=True)).items():
        stats.counts[f"status {status}"] = n
    stats.seconds = time.perf_counter() - started
    return stats
