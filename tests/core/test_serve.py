"""`guanxi serve` keeps the site up when a child dies and runs once per data directory
(issue 11 §5). Real processes: serve, gunicorn, signals."""

import fcntl
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

# processes on SQLite whatever the suite's database: one CI phase runs it (.ci/run)
pytestmark = pytest.mark.once


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def _children(pid: int) -> list[int]:
    text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    return [int(p) for p in text.split()]


def _wait(condition, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def _serve(data_dir: Path, port: int, *options: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "GUANXI_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "guanxi.settings",
    }
    env.pop("DATABASE_URL", None)  # the web server alone needs no database to listen
    return subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "django", "serve", "--port", str(port), "--workers", "1",
         "--no-scheduler", *(options or ["--no-worker"])],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_a_dead_web_server_is_started_again_and_a_second_serve_is_refused(tmp_path):
    port = _free_port()
    serve = _serve(tmp_path, port)
    try:
        assert _wait(lambda: _listening(port)), "the web server never listened"
        (web,) = _children(serve.pid)

        second = _serve(tmp_path, _free_port())
        _out, err = second.communicate(timeout=60)
        assert second.returncode != 0
        assert "already runs on the data directory" in err

        os.kill(web, signal.SIGKILL)
        assert _wait(lambda: _children(serve.pid) not in ([], [web])), "no new web server"
        assert _wait(lambda: _listening(port)), "the site did not come back"
        assert serve.poll() is None
    finally:
        serve.send_signal(signal.SIGTERM)
        _out, err = serve.communicate(timeout=60)
    assert serve.returncode == 0
    assert "starting it again in 1 s" in err


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_serve_starts_as_many_task_workers_as_asked(tmp_path):
    """Two task workers share a large import (issue 16); `--task-workers 2` starts them."""
    port = _free_port()
    serve = _serve(tmp_path, port, "--task-workers", "2")

    def task_workers() -> int:
        commands = []
        for pid in _children(serve.pid):
            try:
                commands.append(Path(f"/proc/{pid}/cmdline").read_bytes())
            except OSError:  # a child that just ended (the serve restarts it)
                continue
        return sum(1 for command in commands if b"\0django\0worker\0" in command)

    try:
        assert _wait(lambda: _listening(port)), "the web server never listened"
        assert _wait(lambda: task_workers() == 2), _children(serve.pid)
    finally:
        serve.send_signal(signal.SIGTERM)
        serve.communicate(timeout=60)
    assert serve.returncode == 0


def test_a_second_migrate_waits_for_the_first(tmp_path):
    env = {
        **os.environ,
        "GUANXI_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "guanxi.settings",
    }
    env.pop("DATABASE_URL", None)
    with open(tmp_path / "migrate.lock", "a+") as held:  # what a running migrate holds
        fcntl.flock(held, fcntl.LOCK_EX)
        waiting = subprocess.Popen(
            [sys.executable, "-m", "django", "migrate", "--plan"],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        with pytest.raises(subprocess.TimeoutExpired):
            waiting.wait(timeout=8)
    out, _err = waiting.communicate(timeout=60)
    assert waiting.returncode == 0
    assert "Planned operations" in out
