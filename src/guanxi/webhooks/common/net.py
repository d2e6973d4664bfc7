"""Outbound HTTP that cannot be turned against the house (SSRF, INTG-3).

A target URL is http(s) without credentials. Its host is resolved and *every* address it
resolves to must be global: no loopback, private (10/8, 172.16/12, 192.168/16, fc00::/7),
link-local (169.254/16 with the cloud metadata address 169.254.169.254, fe80::/10), shared
(100.64/10, Alibaba Cloud's metadata 100.100.100.200), reserved, multicast or unspecified
address, IPv4-mapped or not — unless an administrator put the host on the allow-list. The
connection then goes to the address that was checked (pinned), so a DNS answer that changes
between the check and the connect (rebinding) reaches nothing new; TLS still verifies the
certificate against the host name. Redirects are never followed: a 3xx answer is a failed
delivery, so a redirect to a private address reaches nothing."""

import http.client
import ipaddress
import socket
import ssl
import time
import urllib.parse
from dataclasses import dataclass

from django.utils.translation import gettext as _

ANSWER_LIMIT = 4096  # bytes of an answer kept for the log


class UnsafeTarget(Exception):
    """The URL may not be called (its message is translated, for the form and the log)."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    addresses: tuple[str, ...]


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    location: str
    duration_ms: int


def host_of(url: str) -> str:
    """The lower-case host of a URL ('' when it has none)."""
    try:
        return (urllib.parse.urlsplit(url.strip()).hostname or "").lower()
    except ValueError:
        return ""


def address_forbidden(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        mapped = ip.ipv4_mapped or ip.sixtofour
        if mapped is not None:
            ip = mapped
    return not ip.is_global or ip.is_multicast or ip.is_unspecified or ip.is_reserved


def url_parse(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path with query) of a well-formed target, else UnsafeTarget."""
    try:
        parts = urllib.parse.urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise UnsafeTarget(_("This is not a valid URL.")) from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeTarget(_("Give an http:// or https:// URL."))
    if parts.username or parts.password:
        raise UnsafeTarget(_("A URL with a user name or password is not allowed."))
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    default = 443 if parts.scheme == "https" else 80
    return parts.scheme, parts.hostname.lower(), port or default, path


def target_check(url: str, *, allowed_hosts: frozenset[str] | set[str]) -> Target:
    """The URL resolved and checked (see the module's text); UnsafeTarget when refused."""
    scheme, host, port, path = url_parse(url)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeTarget(_("The host %(host)s cannot be resolved.") % {"host": host}) from exc
    addresses = tuple(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise UnsafeTarget(_("The host %(host)s cannot be resolved.") % {"host": host})
    if host not in allowed_hosts:
        for address in addresses:
            if address_forbidden(address):
                raise UnsafeTarget(
                    _(
                        "%(host)s resolves to the internal address %(address)s; an "
                        "administrator must allow this host first."
                    )
                    % {"host": host, "address": address}
                )
    return Target(scheme=scheme, host=host, port=port, path=path, addresses=addresses)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        self._tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self._tls)
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(sock, server_hostname=self.host)


def post(
    target: Target, *, body: bytes, headers: dict[str, str], timeout: float, deadline: float
) -> Answer:
    """POST `body` to the checked target's first address. `timeout` bounds each socket
    operation, `deadline` (seconds) the whole exchange, so a receiver that trickles its
    answer a byte at a time is cut off too. Raises OSError (timeouts included) or
    http.client.HTTPException when the exchange fails."""
    started = time.monotonic()
    connection_class = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(
        target.host, target.port, address=target.addresses[0], timeout=timeout
    )
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        chunks: list[bytes] = []
        size = 0
        while size < ANSWER_LIMIT:
            if time.monotonic() - started > deadline:
                raise TimeoutError(_("The receiver took longer than %(s)s s.") % {"s": deadline})
            chunk = response.read1(ANSWER_LIMIT - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return Answer(
            status=response.status,
            body=b"".join(chunks),
            location=response.getheader("Location", "") or "",
            duration_ms=round((time.monotonic() - started) * 1000),
        )
    finally:
        connection.close()
