"""The 企业微信 (WeCom) group robot as a notification channel (INTG-6), behind the same
adapter shape as care's SMS providers (`send(*, …, text, reference)` returning what was sent,
raising an error that says whether a later try may succeed): `robot_adapter(url)` returns
the adapter of a robot's webhook URL.

The robot's documented API: POST https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…
with {"msgtype": "markdown", "markdown": {"content": …}} (or "text"); it answers HTTP 200
with {"errcode": 0, "errmsg": "ok"}, and errcode 45009 when the robot's 20 messages a minute
are used up (then: later). The URL is checked against SSRF like every webhook (common.net)."""

import json
from dataclasses import dataclass
from typing import Protocol

from guanxi.webhooks.common.net import Target, post

# errcodes that mean "later": system busy, frequency limit
_TRANSIENT = {-1, 45009, 45033}
CONTENT_LIMIT = 4096  # the robot's limit on a markdown message, in bytes


class WeComError(Exception):
    """The robot did not take the message. `transient`: worth trying again later."""

    def __init__(self, message: str, *, transient: bool, status: int | None, duration_ms: int):
        super().__init__(message)
        self.transient = transient
        self.status = status
        self.duration_ms = duration_ms


@dataclass(frozen=True)
class WeComSent:
    status: int
    duration_ms: int


class RobotAdapter(Protocol):
    def send(self, *, text: str, reference: str) -> WeComSent:
        """Hand one markdown message to the robot; raise WeComError when it is refused."""
        ...


def markdown_body(text: str) -> bytes:
    content = text.encode()[:CONTENT_LIMIT].decode(errors="ignore")
    return json.dumps(
        {"msgtype": "markdown", "markdown": {"content": content}}, ensure_ascii=False
    ).encode()


class WeComRobot:
    def __init__(self, *, target: Target, timeout: float, deadline: float) -> None:
        self.target = target
        self.timeout = timeout
        self.deadline = deadline

    def send(self, *, text: str, reference: str) -> WeComSent:
        answer = post(
            self.target,
            body=markdown_body(text),
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": "Guanxi-Webhooks/1",
                "X-Guanxi-Delivery": reference,
            },
            timeout=self.timeout,
            deadline=self.deadline,
        )
        if answer.status != 200:
            raise WeComError(
                f"HTTP {answer.status}",
                transient=answer.status >= 500 or answer.status == 429,
                status=answer.status,
                duration_ms=answer.duration_ms,
            )
        try:
            reply = json.loads(answer.body or b"{}")
            code = int(reply.get("errcode", -1))
        except (ValueError, TypeError, AttributeError):
            raise WeComError(
                "wecom: not a JSON answer",
                transient=True,
                status=answer.status,
                duration_ms=answer.duration_ms,
            ) from None
        if code != 0:
            raise WeComError(
                f"wecom {code}: {reply.get('errmsg', '')}"[:200],
                transient=code in _TRANSIENT,
                status=answer.status,
                duration_ms=answer.duration_ms,
            )
        return WeComSent(status=answer.status, duration_ms=answer.duration_ms)


def robot_adapter(target: Target, *, timeout: float, deadline: float) -> RobotAdapter:
    return WeComRobot(target=target, timeout=timeout, deadline=deadline)
