"""`guanxi serve`: the whole application in one command, for the embedded default.

Starts three child processes and supervises them:

* web       gunicorn guanxi.wsgi (static files served by WhiteNoise)
* worker    `db_worker` of django-tasks-db (only when the task backend is the DB one)
* scheduler `crontask` of django-crontask (enqueues the @cron tasks)

Ctrl-C / SIGTERM stops all of them and exits 0. A child that dies on its own (a worker
that gave up on a locked database, a crash, an OOM kill) is started again after a back-off
that doubles from 1 s up to a minute while it keeps dying, so the site stays up. One
`serve` per data directory (core.datadir_lock). In production run the pieces as separate
services instead (docs/deployment.md): any number of web and worker processes; schedulers
beyond the first wait as standby.
"""

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from guanxi.core.datadir_lock import DataDirBusy, datadir_lock_acquire

STOP_TIMEOUT = 15  # seconds a child gets to finish before it is killed
BACKOFF_FIRST = 1.0
BACKOFF_MAX = 60.0
HEALTHY_AFTER = 60.0  # a child up this long starts its back-off again from the first step


def _die_with_parent() -> None:  # pragma: no cover - runs in the child
    """Linux: have the kernel SIGTERM the child if `serve` itself is killed (-9)."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)
    except OSError:
        pass


class Command(BaseCommand):
    help = "Run the web server, the task worker and the scheduler together."
    requires_system_checks = []  # the children run the checks themselves

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="Bind address.")
        parser.add_argument("--port", type=int, default=8000, help="Port (default 8000).")
        parser.add_argument(
            "--workers", type=int, default=2, help="gunicorn worker processes (default 2)."
        )
        parser.add_argument(
            "--threads", type=int, default=4, help="Threads per gunicorn worker (default 4)."
        )
        parser.add_argument(
            "--task-workers",
            type=int,
            default=1,
            help="Task worker processes (default 1; a large spreadsheet import of customers "
            "on PostgreSQL is shared by up to GUANXI_IMPORT_WORKERS of them).",
        )
        parser.add_argument(
            "--no-worker", action="store_true", help="Do not start the task worker."
        )
        parser.add_argument(
            "--no-scheduler", action="store_true", help="Do not start the cron scheduler."
        )

    def handle(self, *args, **options):
        self.children: dict[str, subprocess.Popen] = {}
        self.commands: dict[str, list[str]] = {}
        self.started: dict[str, float] = {}
        self.backoff: dict[str, float] = {}
        self.restart_at: dict[str, float] = {}
        self.stopping = False
        verbosity = options["verbosity"]
        host, port = options["host"], options["port"]

        try:
            self.datadir_lock = datadir_lock_acquire()
        except DataDirBusy as exc:
            raise CommandError(
                f"Guanxi already runs on the data directory {settings.DATA_DIR} "
                f"(process {exc.holder}); stop it first or choose another GUANXI_DATA_DIR."
            ) from exc
        self._check_port_free(host, port)
        # WhiteNoise warns on every process start when STATIC_ROOT does not exist (files
        # are served from the finders, WHITENOISE_USE_FINDERS); an empty dir keeps it quiet.
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)

        env = os.environ.copy()
        env.setdefault("DJANGO_SETTINGS_MODULE", "guanxi.settings")
        # Every child must use the same data dir (SQLite file, keys) as this process.
        env["GUANXI_DATA_DIR"] = str(settings.DATA_DIR)
        env.setdefault("PYTHONUNBUFFERED", "1")

        commands = {
            "web": [
                sys.executable, "-m", "gunicorn", "guanxi.wsgi:application",
                "--bind", f"{host}:{port}",
                "--workers", str(options["workers"]),
                "--threads", str(options["threads"]),
                "--graceful-timeout", str(STOP_TIMEOUT - 5),
                "--log-level", "info" if verbosity >= 2 else "warning",
            ],
        }  # fmt: skip
        if verbosity >= 2:
            commands["web"] += ["--access-logfile", "-"]

        backend = settings.TASKS.get("default", {}).get("BACKEND", "")
        if options["no_worker"]:
            pass
        elif backend.startswith("django_tasks_db."):
            for number in range(1, max(1, options["task_workers"]) + 1):
                commands["worker" if number == 1 else f"worker{number}"] = [
                    sys.executable, "-m", "django", "worker", "--verbosity", str(verbosity),
                ]  # fmt: skip
        else:
            self.stdout.write(
                f"Task backend is {backend!r}: start its worker yourself (no db_worker)."
            )
        if not options["no_scheduler"]:
            commands["scheduler"] = [
                sys.executable, "-m", "django", "scheduler",
                "--verbosity", str(max(verbosity - 1, 0)),
            ]  # fmt: skip

        previous = {
            sig: signal.signal(sig, self._on_signal)
            for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
        }
        self.commands = commands
        self.env = env
        exit_code = 0
        try:
            for name in commands:
                self._start(name)
            self._wait_until_listening(host, port)
            if not self.stopping:
                shown = "127.0.0.1" if host in ("0.0.0.0", "", "::") else host  # noqa: S104
                self.stdout.write(
                    self.style.SUCCESS(f"Guanxi is running at http://{shown}:{port}/")
                    + f"  ({', '.join(self.children)}; Ctrl-C to stop)"
                )
            exit_code = self._supervise()
        finally:
            self._stop_all()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        self.datadir_lock.close()
        if exit_code:
            raise CommandError(
                "a child process exited; everything was stopped.", returncode=exit_code
            )

    def _start(self, name: str) -> None:
        self.children[name] = subprocess.Popen(  # noqa: S603 - our own argv
            self.commands[name],
            env=self.env,
            # Own process group: a Ctrl-C reaches only us; we stop the children.
            process_group=0,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )
        self.started[name] = time.monotonic()

    # ------------------------------------------------------------------ helpers
    @staticmethod
    def _check_port_free(host: str, port: int) -> None:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind((host, port))
            except OSError as exc:
                raise CommandError(
                    f"cannot listen on {host}:{port} ({exc.strerror}); "
                    "is Guanxi already running? Choose another one with --port."
                ) from exc

    def _on_signal(self, signum, frame):
        self.stopping = True

    def _dead_child(self) -> tuple[str, int] | None:
        for name, proc in self.children.items():
            code = proc.poll()
            if code is not None:
                return name, code
        return None

    def _wait_until_listening(self, host: str, port: int, timeout: float = 60) -> None:
        probe = "127.0.0.1" if host in ("0.0.0.0", "") else host  # noqa: S104
        deadline = time.monotonic() + timeout
        while not self.stopping and time.monotonic() < deadline:
            if self._dead_child():
                return  # _supervise reports it
            try:
                with socket.create_connection((probe, port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.2)

    def _supervise(self) -> int:
        while not self.stopping:
            now = time.monotonic()
            for name, proc in self.children.items():
                if proc.poll() is None or name in self.restart_at:
                    continue
                if now - self.started[name] >= HEALTHY_AFTER:
                    self.backoff[name] = BACKOFF_FIRST
                delay = self.backoff.get(name, BACKOFF_FIRST)
                self.backoff[name] = min(delay * 2, BACKOFF_MAX)
                self.restart_at[name] = now + delay
                self.stderr.write(
                    f"serve: the {name} process exited with code {proc.returncode}; "
                    f"starting it again in {delay:.0f} s."
                )
            for name, when in list(self.restart_at.items()):
                if now >= when and not self.stopping:
                    del self.restart_at[name]
                    self._start(name)
            time.sleep(0.5)
        self.stdout.write("Stopping…")
        return 0

    def _stop_all(self) -> None:
        for proc in self.children.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        for name, proc in self.children.items():
            try:
                proc.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                self.stderr.write(f"serve: {name} did not stop in time; killing it.")
                proc.kill()
                proc.wait()
