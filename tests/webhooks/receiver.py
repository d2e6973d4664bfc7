"""A real HTTP receiver on loopback, in a thread (no mocks): it records each request and
answers as its `mode` says — ok, 500, hang (longer than the sender's timeout), redirect to
the cloud metadata address, or a WeCom robot's JSON with an errcode."""

import json
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    port: int = 0
    mode: str = "ok"
    wecom_errcode: int = 0
    hang_seconds: float = 2.0
    requests: list[Received] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def json_bodies(self) -> list[dict]:
        return [json.loads(r.body) for r in self.requests]


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def _answer(self, status: int, body: bytes, **headers: str) -> None:
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            receiver.requests.append(Received(self.path, dict(self.headers.items()), body))
            if receiver.mode == "hang":
                time.sleep(receiver.hang_seconds)
                return
            if receiver.mode == "500":
                self._answer(500, b"boom")
            elif receiver.mode == "redirect":
                self._answer(302, b"", Location="http://169.254.169.254/latest/meta-data/")
            elif receiver.mode == "wecom":
                reply = {
                    "errcode": receiver.wecom_errcode,
                    "errmsg": "ok" if not receiver.wecom_errcode else "err",
                }
                self._answer(
                    200, json.dumps(reply).encode(), **{"Content-Type": "application/json"}
                )
            else:
                self._answer(200, b"ok")

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64


@contextmanager
def running_receiver(**options: object):
    receiver = Receiver(**options)  # type: ignore[arg-type]
    server = _Server(("127.0.0.1", 0), _handler(receiver))
    receiver.port = server.server_address[1]
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
