"""URL input: fetch one page over http(s), guarded against SSRF and abuse.

Every hop (the first URL and each redirect, followed by hand) is checked the
same way: scheme http or https, no credentials, the host resolved and every
resolved address allowed by the address policy (by default: public unicast
addresses only, so private, loopback, link-local, multicast, reserved and
unspecified addresses are refused, and an IPv6 address that leads to an IPv4
address, IPv4-mapped, NAT64, 6to4 or Teredo, is judged by that address).  The
connection then goes to the very
address that was checked, so a second DNS answer cannot slip past.  Size,
redirect count and the total time are capped.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from ..errors import E, InputError, TooLargeError, VeracityError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
AddressPolicy = Callable[[IPAddress], bool]

REDIRECTS = frozenset((301, 302, 303, 307, 308))
TEXT_TYPES = ("text/html", "text/plain", "application/xhtml+xml", "text/markdown")
HEADERS = {
    "User-Agent": "veracity/0.1 (credibility signals; single page fetch)",
    "Accept": "text/html, text/plain;q=0.9",
    "Accept-Encoding": "identity",
    "Connection": "close",
}
_CHUNK = 65536


class UrlRefusedError(VeracityError):
    """The URL is not allowed: URL input off, a non-public address, too many redirects."""

    status = 403


class FetchError(VeracityError):
    """The remote server did not give a usable page."""

    status = 502


class FetchTimeoutError(FetchError):
    """The remote server was too slow."""

    status = 504


@dataclass(frozen=True)
class FetchLimits:
    max_bytes: int
    max_redirects: int
    timeout: float
    allow_private: bool = False


@dataclass(frozen=True)
class Fetched:
    url: str
    data: bytes
    content_type: str


#: NAT64's well-known prefix (RFC 6052): the last 32 bits are the IPv4 address reached.
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address leads to: IPv4-mapped, NAT64, 6to4 (2002::/16) and
    Teredo (2001::/32: its server, and its client, stored inverted; ``ipaddress`` undoes that)."""
    if ip.ipv4_mapped is not None:
        return [ip.ipv4_mapped]
    if ip in NAT64:
        return [ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)]
    if ip.sixtofour is not None:
        return [ip.sixtofour]
    if ip.teredo is not None:
        return list(ip.teredo)
    return []


def public_address(ip: IPAddress) -> bool:
    """True for a globally routable unicast address; an IPv6 address that embeds IPv4
    addresses (:func:`embedded_ipv4`) is judged by them."""
    if isinstance(ip, ipaddress.IPv6Address) and (inner := embedded_ipv4(ip)):
        return all(public_address(v4) for v4 in inner)
    return ip.is_global and not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def any_address(ip: IPAddress) -> bool:
    """The policy of ``allow_private_urls``: every address is allowed."""
    return True


class _PinnedHTTP(http.client.HTTPConnection):
    """An HTTP connection to a checked address, speaking for ``host``."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """An HTTPS connection to a checked address, verifying the certificate of ``host``."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        self.tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self.tls)
        self.address = address

    def connect(self) -> None:
        raw = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self.tls.wrap_socket(raw, server_hostname=self.host)


def _target(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path+query) of an allowed-looking URL."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as err:
        raise InputError(E.E013, field="url", reason=str(err)) from None
    if parts.scheme not in ("http", "https"):
        raise InputError(E.E013, field="url", reason="only http:// and https:// URLs are fetched")
    if not parts.hostname:
        raise InputError(E.E013, field="url", reason="the URL has no host")
    if parts.username is not None or parts.password is not None:
        raise InputError(E.E013, field="url", reason="credentials in URLs are not accepted")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    default = 443 if parts.scheme == "https" else 80
    return parts.scheme, parts.hostname, port or default, path


def _checked_address(host: str, port: int, policy: AddressPolicy, deadline: float) -> str:
    """Resolve ``host``; every address must pass ``policy``; return the first."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as err:
        raise FetchError(E.E020, url=host, reason=f"cannot resolve host ({err})") from None
    if time.monotonic() > deadline:
        raise FetchTimeoutError(E.E020, url=host, reason="timed out resolving the host")
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    for text in addresses:
        ip = ipaddress.ip_address(text.split("%", 1)[0])
        if not policy(ip):
            raise UrlRefusedError(
                E.E016, reason=f"{host} resolves to {ip}, which is not a public address"
            )
    return addresses[0]


def _content_type(resp: http.client.HTTPResponse, url: str) -> str:
    ctype = (resp.getheader("Content-Type") or "text/plain").split(";", 1)[0].strip().lower()
    if ctype not in TEXT_TYPES:
        raise InputError(E.E012, path=url, allowed=", ".join(TEXT_TYPES))
    return ctype


def _body(
    resp: http.client.HTTPResponse,
    conn: http.client.HTTPConnection,
    url: str,
    limits: FetchLimits,
    deadline: float,
) -> bytes:
    declared = resp.getheader("Content-Length")
    if declared is not None and declared.isdigit() and int(declared) > limits.max_bytes:
        raise TooLargeError(E.E004, size=int(declared), limit=limits.max_bytes, what=url)
    chunks: list[bytes] = []
    total = 0
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchTimeoutError(E.E020, url=url, reason=f"took over {limits.timeout} s")
        if conn.sock is not None:
            conn.sock.settimeout(remaining)
        chunk = resp.read1(_CHUNK)
        if not chunk:
            return b"".join(chunks)
        total += len(chunk)
        if total > limits.max_bytes:
            raise TooLargeError(E.E004, size=f"over {total}", limit=limits.max_bytes, what=url)
        chunks.append(chunk)


def _connection(
    url: str, policy: AddressPolicy, deadline: float
) -> tuple[http.client.HTTPConnection, str]:
    """An unopened connection to the checked address of ``url``, and the request path."""
    scheme, host, port, path = _target(url)
    address = _checked_address(host, port, policy, deadline)
    remaining = max(deadline - time.monotonic(), 0.001)
    pinned = _PinnedHTTPS if scheme == "https" else _PinnedHTTP
    return pinned(host, port, address, remaining), path


def _watchdog(conn: http.client.HTTPConnection, seconds: float) -> threading.Timer:
    """Shut the connection's socket down after ``seconds``, ending any blocked read."""

    def stop() -> None:
        if conn.sock is not None:
            with suppress(OSError):
                conn.sock.shutdown(socket.SHUT_RDWR)

    timer = threading.Timer(max(seconds, 0.0), stop)
    timer.daemon = True
    timer.start()
    return timer


def _get(
    conn: http.client.HTTPConnection, path: str, url: str, limits: FetchLimits, deadline: float
) -> Fetched | str:
    """The page, or the next URL when the answer is a redirect."""
    conn.request("GET", path, headers=HEADERS)
    resp = conn.getresponse()
    location = resp.getheader("Location")
    if resp.status in REDIRECTS and location:
        return urljoin(url, location)
    if resp.status != 200:
        raise FetchError(E.E020, url=url, reason=f"HTTP status {resp.status}")
    ctype = _content_type(resp, url)
    return Fetched(url=url, data=_body(resp, conn, url, limits, deadline), content_type=ctype)


def fetch_url(url: str, limits: FetchLimits, policy: AddressPolicy | None = None) -> Fetched:
    """GET ``url`` within ``limits``; follow redirects by hand, checking every hop."""
    if policy is None:
        policy = any_address if limits.allow_private else public_address
    deadline = time.monotonic() + limits.timeout
    for _hop in range(limits.max_redirects + 1):
        conn, path = _connection(url, policy, deadline)
        watchdog = _watchdog(conn, deadline - time.monotonic())
        try:
            got = _get(conn, path, url, limits, deadline)
        except (OSError, http.client.HTTPException) as err:
            if isinstance(err, TimeoutError) or time.monotonic() >= deadline:
                raise FetchTimeoutError(
                    E.E020, url=url, reason=f"took over {limits.timeout} s"
                ) from None
            raise FetchError(E.E020, url=url, reason=type(err).__name__) from None
        finally:
            watchdog.cancel()
            conn.close()
        if isinstance(got, Fetched):
            return got
        url = got
    raise UrlRefusedError(E.E016, reason=f"more than {limits.max_redirects} redirects")
