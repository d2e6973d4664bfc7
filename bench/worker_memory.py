"""Issue 13 §3: the resident memory of one web worker after 1,000 mixed requests.

Starts `guanxi serve --workers 1 --no-worker --no-scheduler` on a data directory that holds a
seeded database (default: make bench's var/bench-sqlite-100k; or DATABASE_URL), logs in as
`manager` and `sales1a` (demo password) and requests, alternating users, the home page, the
customer list, searches, customer 360 pages and their lazily loaded panels, the work list and
its reminders, the board, the contract list, the funnel and receivables: 1,000 requests in
all. Prints the gunicorn worker's RSS (VmRSS of /proc/<pid>/status) at start and after.

    PYTHONPATH=src python bench/worker_memory.py [--data-dir DIR] [-n 1000] [--port 8131]
"""

import argparse
import http.cookiejar
import itertools
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CUSTOMER = re.compile(r'href="/customers/(\d+)/"')
LOADED_AFTER = re.compile(r'hx-get="([^"]+)" hx-trigger="(?:load|revealed)"')


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def worker_pid(serve_pid: int) -> int:
    """The gunicorn worker: the child of the gunicorn master started by `serve`."""
    for _ in range(100):
        for master in children(serve_pid):
            workers = children(master)
            if workers:
                return workers[0]
        time.sleep(0.2)
    raise RuntimeError("no gunicorn worker found")


class Browser:
    def __init__(self, base: str, username: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        page = self.get("/accounts/login/")
        token = CSRF.search(page).group(1)
        data = urllib.parse.urlencode(
            {"username": username, "password": "guanxi2026", "csrfmiddlewaretoken": token}
        ).encode()
        request = urllib.request.Request(  # noqa: S310 - http to the local server
            base + "/accounts/login/", data=data, headers={"Referer": base + "/accounts/login/"}
        )
        self.opener.open(request).read()
        self.count = 0

    def get(self, path: str, htmx: bool = False) -> str:
        headers = {"HX-Request": "true"} if htmx else {}
        request = urllib.request.Request(self.base + path, headers=headers)  # noqa: S310
        try:
            response = self.opener.open(request)
        except urllib.error.HTTPError as exc:
            raise SystemExit(f"{path}: HTTP {exc.code}") from exc
        with response:
            self.count = getattr(self, "count", 0) + 1
            return response.read().decode()

    def page(self, path: str) -> str:
        html = self.get(path)
        for url in LOADED_AFTER.findall(html):
            self.get(url.replace("&amp;", "&"), htmx=True)
        return html


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", default=str(ROOT / "var" / "bench-sqlite-100k"))
    parser.add_argument("-n", type=int, default=1000)
    parser.add_argument("--port", type=int, default=8131)
    args = parser.parse_args()
    env = {**os.environ, "GUANXI_DATA_DIR": args.data_dir, "GUANXI_DEBUG": "0"}
    env.setdefault("PYTHONPATH", str(ROOT / "src"))
    serve = subprocess.Popen(  # noqa: S603 - this interpreter, fixed arguments
        [
            sys.executable,
            "-m",
            "django",
            "serve",
            "--port",
            str(args.port),
            "--workers",
            "1",
            "--no-worker",
            "--no-scheduler",
        ],
        env={**env, "DJANGO_SETTINGS_MODULE": "guanxi.settings"},
        cwd=ROOT,
    )
    try:
        pid = worker_pid(serve.pid)
        base = f"http://127.0.0.1:{args.port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/accounts/login/").read()  # noqa: S310
                break
            except OSError:
                time.sleep(0.2)
        start = rss_mib(pid)
        users = [Browser(base, "manager"), Browser(base, "sales1a")]
        pages = [
            "/",
            "/customers/",
            "/customers/?q=王秀",
            "/customers/?q=0013",
            "/pipeline/",
            "/pipeline/board/",
            "/sales/",
            "/pipeline/funnel/",
            "/sales/receivables/",
        ]
        seen: dict[Browser, list[str]] = {browser: [] for browser in users}
        for browser, path in zip(itertools.cycle(users), itertools.cycle(pages), strict=False):
            html = browser.page(urllib.parse.quote(path, safe="/?=&"))
            seen[browser] = CUSTOMER.findall(html)[:20] or seen[browser]
            for customer in seen[browser][:2]:  # customers of this user's own pages
                browser.page(f"/customers/{customer}/")
            if sum(b.count for b in users) >= args.n:
                break
        done = sum(b.count for b in users)
        print(
            f"worker {pid}: {start:.1f} MiB at start, {rss_mib(pid):.1f} MiB after {done:,} "
            "requests"
        )
    finally:
        serve.terminate()
        serve.wait(timeout=30)


if __name__ == "__main__":
    main()
