"""E-mail through the task worker (issue 14, performance): 10,000 e-mails to a local SMTP
server in ≤ 60 s with 2 workers; then a worker killed with -9 midway and restarted, and
every message received exactly once (counted at the SMTP server by Message-ID).

    export PYTHONPATH=src GUANXI_DATA_DIR=/tmp/gx-care-bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/gx_care_bench
    guanxi migrate
    python bench/care_email_bench.py --messages 10000 --workers 2

The SMTP server (aiosmtpd) runs in a process of its own and appends the Message-ID of each
message it accepted to a file. The script makes its customers (bulk, tagged by the run),
queues the messages through `message_queue` (timed apart: queueing is the rules' work),
starts `guanxi worker` processes with the SMTP backend pointed at the server and times from
their start until the server holds every message. The second round kills one worker with
SIGKILL once a third of its messages are out, starts a new one, and compares the server's
Message-IDs with the queued messages: missing, duplicated, unexpected.
"""

import argparse
import asyncio
import collections
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def smtp_server(port: int, out: str) -> None:
    """The SMTP server process: accept everything, write each Message-ID on a line."""
    from aiosmtpd.controller import Controller

    handle = open(out, "a", buffering=1)  # noqa: SIM115 - open for the process's life

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            for line in envelope.content.split(b"\r\n"):
                if line.lower().startswith(b"message-id:"):
                    handle.write(line.split(b":", 1)[1].strip().decode() + "\n")
                    break
                if not line:
                    break
            return "250 Message accepted"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    signal.signal(signal.SIGTERM, lambda *a: (controller.stop(), sys.exit(0)))
    asyncio.run(asyncio.sleep(10**9))


def received(out: Path) -> list[str]:
    if not out.exists():
        return []
    return [line for line in out.read_text().splitlines() if line]


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guanxi.settings")
    import django

    django.setup()


def make_messages(*, count: int, run: str) -> list[int]:
    from django.db import transaction

    from guanxi.care.messages.services import MessageNew, message_queue
    from guanxi.care.models import Channel, MessageTemplate, Purpose
    from guanxi.customers.models import Customer

    template, _created = MessageTemplate.objects.get_or_create(
        code="bench-mail",
        defaults={
            "name": "bench",
            "channel": Channel.EMAIL,
            "purpose": Purpose.SERVICE,
            "subject": "{{ customer.surname }}{{ customer.title }}，您的车辆保养提醒",
            "body": "尊敬的{{ customer.surname }}{{ customer.title }}：\n您的爱车即将到保养时间。"
            "\n顾问 {{ sender.name }} {{ sender.phone }}",
        },
    )
    customers = Customer.objects.bulk_create(
        [
            Customer(
                name=f"王{run}{n}",
                gender="M" if n % 2 else "F",
                email=f"c{n}-{run}@bench.example",
                name_key=f"bench-{run}-{n}",
            )
            for n in range(count)
        ],
        batch_size=2000,
    )
    ids = []
    started = time.perf_counter()
    with transaction.atomic():
        for customer in customers:
            ids.append(message_queue(new=MessageNew(customer=customer, template=template)).pk)
    print(
        f"  queued {count} messages through message_queue in {time.perf_counter() - started:.1f} s"
    )
    return ids


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen:
    guanxi = str(Path(sys.executable).with_name("guanxi"))
    return subprocess.Popen(  # noqa: S603 - our own command
        [guanxi, "worker"],
        env=env,
        stdout=open(log, "ab"),
        stderr=subprocess.STDOUT,
    )


def start_smtp_server(port: int, out: Path, log: Path) -> subprocess.Popen:
    server = subprocess.Popen(  # noqa: S603 - this script
        [sys.executable, __file__, "--smtp-server", str(port), str(out)],
        stdout=open(log, "ab"),  # noqa: SIM115
        stderr=subprocess.STDOUT,
    )
    for _try in range(100):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return server
        time.sleep(0.1)
    raise RuntimeError("the SMTP server did not start")


def wait_for(out: Path, total: int, *, timeout: float, on_progress=None) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        n = len(received(out))
        if on_progress is not None:
            on_progress(n)
        if n >= total:
            return time.perf_counter() - started
        time.sleep(0.05)
    return float("nan")


def one_round(args, env: dict[str, str], *, kill: bool, label: str) -> dict:
    from django.db.models import Count

    from guanxi.care.models import Message

    work = Path(args.workdir)
    run = f"{label}-{int(time.time())}"
    out = work / f"received-{run}.txt"
    port = free_port()
    env = {**env, "EMAIL_PORT": str(port)}
    server = start_smtp_server(port, out, work / f"smtp-{run}.log")
    print(f"round {label}: SMTP server pid {server.pid} on 127.0.0.1:{port}")
    ids = make_messages(count=args.messages, run=run)
    expected = {f"<guanxi-message-{pk}@localhost>" for pk in ids}
    workers = [start_worker(env, work / f"worker-{run}-{n}.log") for n in range(args.workers)]
    killed: dict = {}

    def progress(n: int) -> None:
        if kill and not killed and n >= args.messages // 3:
            victim = workers[0]
            victim.send_signal(signal.SIGKILL)
            victim.wait()
            killed["at"] = n
            print(f"  killed worker pid {victim.pid} with -9 at {n} received; starting another")
            workers[0] = start_worker(env, work / f"worker-{run}-restarted.log")

    try:
        elapsed = wait_for(out, args.messages, timeout=args.timeout, on_progress=progress)
        time.sleep(3)  # a duplicate would arrive now
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=10)
    got = received(out)
    counts = collections.Counter(got)
    statuses = dict(
        Message.objects.filter(pk__in=ids).values_list("status").annotate(n=Count("id"))
    )
    result = {
        "round": label,
        "messages": args.messages,
        "workers": args.workers,
        "seconds": round(elapsed, 1),
        "per_second": round(args.messages / elapsed) if elapsed == elapsed else 0,
        "received": len(got),
        "missing": len(expected - set(counts)),
        "duplicated": sum(1 for mid, c in counts.items() if c > 1),
        "unexpected": len(set(counts) - expected),
        "statuses": statuses,
        "killed_at": killed.get("at"),
    }
    print(f"  {result}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument(
        "--workdir", default=str(Path(tempfile.gettempdir()) / "gx-care-email-bench")
    )
    parser.add_argument("--no-kill", action="store_true", help="skip the kill -9 round")
    parser.add_argument("--smtp-server", nargs=2, metavar=("PORT", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.smtp_server:
        smtp_server(int(args.smtp_server[0]), args.smtp_server[1])
        return
    Path(args.workdir).mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "GUANXI_EMAIL_BACKEND": "smtp",
        "EMAIL_HOST": "127.0.0.1",
        "GUANXI_QUIET_HOURS": "off",
        "GUANXI_EMAIL_PER_MINUTE": "1000000",
        "GUANXI_MESSAGE_SENDERS": str(args.workers),
        "PYTHONWARNINGS": "ignore",
    }
    os.environ.update(GUANXI_QUIET_HOURS="off", PYTHONWARNINGS="ignore")
    setup_django()
    results = [one_round(args, env, kill=False, label="clean")]
    if not args.no_kill:
        results.append(one_round(args, env, kill=True, label="kill-9"))
    print()
    for result in results:
        print(result)


if __name__ == "__main__":
    main()
