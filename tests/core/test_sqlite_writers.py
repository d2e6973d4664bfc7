"""Forty clients creating customers at once on a served SQLite installation all succeed:
writers wait their turn, nobody gets "database is locked" as a 500 (issue 11 §5). A real
`guanxi serve` (gunicorn, two processes of four threads) on a copy of the test database, real
HTTP."""

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the write lock under test is SQLite's"
)

WRITERS = 40

_TOKEN_SCRIPT = """
import django
django.setup()
from guanxi.accounts.models import Role, User
from guanxi.accounts.services import token_create
user = User.objects.create_user(username="writer", password="unused-Pa55word")
user.roles.add(Role.objects.get(code="consultant"))
print(token_create(user=user, name="load")[1])
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env(data_dir: Path) -> dict[str, str]:
    env = {**os.environ, "GUANXI_DATA_DIR": str(data_dir)}
    env["DJANGO_SETTINGS_MODULE"] = "guanxi.settings"
    env.pop("DATABASE_URL", None)
    return env


def _run(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(  # noqa: S603
        [sys.executable, *args], env=env, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _request(url: str, token: str, body: dict | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(  # noqa: S310 (a local test server)
        url,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST" if body is not None else "GET",
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def _writer(base: str, token: str, n: int) -> tuple[int, dict[str, str], bytes]:
    return _request(
        f"{base}/api/v1/customers",
        token,
        {"name": f"并发客户{n:02d}", "mobile": f"1390000{n:04d}"},
    )


@pytest.mark.django_db(transaction=True)
def test_forty_concurrent_writers_all_succeed_on_sqlite(tmp_path):
    env = _env(tmp_path)
    # A copy of the migrated test database is the installation (a fresh `migrate` would cost
    # 15 s); a transactional test, so that no open transaction blocks the copy.
    connection.ensure_connection()
    target = sqlite3.connect(tmp_path / "guanxi.sqlite3")
    connection.connection.backup(target)
    target.close()
    token = _run(["-c", _TOKEN_SCRIPT], env).strip().splitlines()[-1]
    port = _free_port()
    serve = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "django", "serve", "--port", str(port), "--workers", "2",
         "--threads", "4", "--no-worker", "--no-scheduler"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if _request(f"{base}/api/v1/users/me", token)[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        else:
            pytest.fail("the server never answered")
        with ThreadPoolExecutor(max_workers=WRITERS) as pool:
            results = list(pool.map(lambda n: _writer(base, token, n), range(WRITERS)))
    finally:
        serve.terminate()
        serve.communicate(timeout=60)

    statuses = sorted(status for status, _h, _c in results)
    assert statuses == [201] * WRITERS, statuses
    for _status, headers, content in results:
        assert headers["Content-Type"].startswith("application/json")
        json.loads(content)
    customers = _run(
        ["-c", "import django; django.setup(); from guanxi.customers.models import Customer;"
               " print(Customer.objects.filter(name__startswith='并发客户').count())"],
        env,
    )  # fmt: skip
    assert int(customers.strip().splitlines()[-1]) == WRITERS
