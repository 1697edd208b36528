"""URL input: off by default, SSRF guards on every hop, size/redirect/time caps."""

from __future__ import annotations

import ipaddress
import socket
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from service_support import article, local_site, make_analyzer, make_client, page, redirect
from veracity.errors import InputError, TooLargeError
from veracity.service.fetch import (
    FetchError,
    FetchLimits,
    FetchTimeoutError,
    UrlRefusedError,
    fetch_url,
    public_address,
)

LOOSE = FetchLimits(max_bytes=100_000, max_redirects=3, timeout=5.0, allow_private=True)
STRICT = FetchLimits(max_bytes=100_000, max_redirects=3, timeout=5.0, allow_private=False)


def _html(text: str) -> bytes:
    return f"<!doctype html><html><body><article><p>{text}</p></article></body></html>".encode()


def _only_loopback(ip: Any) -> bool:
    return bool(ip == ipaddress.ip_address("127.0.0.1"))


@pytest.fixture(scope="module")
def analyzer(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return make_analyzer(tmp_path_factory.mktemp("model"))


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.9",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.251",
        "240.0.0.1",
        "255.255.255.255",
        "::1",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::",
    ],
)
def test_service_fetch_non_public_addresses_are_refused(address: str) -> None:
    assert not public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"])
def test_service_fetch_public_addresses_pass(address: str) -> None:
    assert public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/",
        "http://localhost:9/x",
        "http://[::1]:9/",
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://0.0.0.0:9/",
    ],
)
def test_service_fetch_private_targets_refused_before_connecting(url: str) -> None:
    with pytest.raises(UrlRefusedError, match="E016"):
        fetch_url(url, STRICT)


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.org/a",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "http://",
        "http://user:pw@example.org/",
        "http://example.org:99999/",
    ],
)
def test_service_fetch_bad_urls_are_input_errors(url: str) -> None:
    with pytest.raises(InputError, match="url"):
        fetch_url(url, STRICT)


def test_service_fetch_gets_a_loopback_page_when_private_allowed() -> None:
    with local_site({"/story": page(_html("A calm report."))}) as base:
        got = fetch_url(f"{base}/story", LOOSE)
    assert got.content_type == "text/html"
    assert b"A calm report." in got.data


def test_service_fetch_follows_redirects_and_rechecks_every_hop() -> None:
    routes = {
        "/a": redirect("/b"),
        "/b": page(_html("Arrived.")),
        "/out": redirect("http://10.9.8.7/internal"),
    }
    with local_site(routes) as base:
        got = fetch_url(f"{base}/a", STRICT, policy=_only_loopback)
        assert got.url == f"{base}/b"
        with pytest.raises(UrlRefusedError, match="10.9.8.7"):
            fetch_url(f"{base}/out", STRICT, policy=_only_loopback)


def test_service_fetch_redirect_to_bad_scheme_is_refused() -> None:
    with local_site({"/a": redirect("file:///etc/passwd")}) as base, pytest.raises(InputError):
        fetch_url(f"{base}/a", LOOSE)


def test_service_fetch_too_many_redirects() -> None:
    routes = {f"/r{i}": redirect(f"/r{i + 1}") for i in range(10)}
    with local_site(routes) as base, pytest.raises(UrlRefusedError, match="more than 3 redirects"):
        fetch_url(f"{base}/r0", LOOSE)


def _unsized(body: bytes) -> Any:
    def handle(req: BaseHTTPRequestHandler) -> None:
        req.send_response(200)
        req.send_header("Content-Type", "text/plain")
        req.end_headers()
        req.wfile.write(body)
        req.close_connection = True

    return handle


def test_service_fetch_size_cap_with_and_without_content_length() -> None:
    big = b"word " * 30_000
    with local_site({"/sized": page(big, "text/plain"), "/unsized": _unsized(big)}) as base:
        with pytest.raises(TooLargeError, match="E004"):
            fetch_url(f"{base}/sized", LOOSE)
        with pytest.raises(TooLargeError, match="E004"):
            fetch_url(f"{base}/unsized", LOOSE)


def _dribble(req: BaseHTTPRequestHandler) -> None:
    req.send_response(200)
    req.send_header("Content-Type", "text/plain")
    req.end_headers()
    for _ in range(600):
        try:
            req.wfile.write(b"slow ")
            req.wfile.flush()
        except OSError:
            return
        time.sleep(0.1)


def _slow_headers(req: BaseHTTPRequestHandler) -> None:
    for _ in range(600):
        try:
            req.wfile.write(b"H")
            req.wfile.flush()
        except OSError:
            return
        time.sleep(0.1)


@pytest.mark.parametrize("handler", [_dribble, _slow_headers])
def test_service_fetch_total_time_is_capped(handler: Any) -> None:
    quick = FetchLimits(max_bytes=100_000, max_redirects=3, timeout=0.5, allow_private=True)
    with local_site({"/slow": handler}) as base, pytest.raises(FetchTimeoutError, match="E020"):
        fetch_url(f"{base}/slow", quick)


def test_service_fetch_upstream_errors_and_binary_types() -> None:
    routes = {"/png": page(b"\x89PNG\r\n", "image/png")}
    with local_site(routes) as base:
        with pytest.raises(FetchError, match="HTTP status 404"):
            fetch_url(f"{base}/missing", LOOSE)
        with pytest.raises(InputError, match="E012"):
            fetch_url(f"{base}/png", LOOSE)


def test_service_fetch_api_url_input_is_off_by_default(tmp_path: Path, analyzer: Any) -> None:
    with make_client(tmp_path, analyzer) as client:
        resp = client.post("/v1/analyze", json={"url": "http://127.0.0.1:9/"})
    assert resp.status_code == 403
    assert resp.json()["error"]["code"] == "E016"
    assert "switched off" in resp.json()["error"]["message"]


def test_service_fetch_api_refuses_loopback_without_allow_private(
    tmp_path: Path, analyzer: Any
) -> None:
    with (
        local_site({"/s": page(_html(article(1, loud=True)))}) as base,
        make_client(tmp_path, analyzer, allow_url=True) as client,
    ):
        resp = client.post("/v1/analyze", json={"url": f"{base}/s"})
    assert resp.status_code == 403
    assert "not a public address" in resp.json()["error"]["message"]


def test_service_fetch_api_analyses_a_loopback_page(tmp_path: Path, analyzer: Any) -> None:
    text = article(2, loud=True)
    with (
        local_site({"/s": page(_html(text)), "/gone": page(b"", status=500)}) as base,
        make_client(tmp_path, analyzer, allow_url=True, allow_private_urls=True) as client,
    ):
        resp = client.post("/v1/analyze", json={"url": f"{base}/s"})
        assert resp.status_code == 200
        report = resp.json()
        assert report["input_name"] == f"{base}/s"
        assert report["sentences"][0]["text"] in text
        bad = client.post("/v1/analyze", json={"url": f"{base}/gone"})
        assert bad.status_code == 502
        assert bad.json()["error"]["code"] == "E020"


def _teredo(server: str, client: str) -> str:
    """A Teredo address (2001::/32): server IPv4, then the client IPv4 stored inverted."""
    value = (0x2001_0000 << 96) | (int(ipaddress.IPv4Address(server)) << 64)
    value |= int(ipaddress.IPv4Address(client)) ^ 0xFFFF_FFFF
    return str(ipaddress.IPv6Address(value))


WRAPPED_PRIVATE = [
    "2002:7f00:1::",  # 6to4 of 127.0.0.1
    "2002:a9fe:a9fe::",  # 6to4 of 169.254.169.254
    "2002:a00:1::1",  # 6to4 of 10.0.0.1
    _teredo("65.54.227.120", "127.0.0.1"),
    _teredo("65.54.227.120", "192.168.1.1"),
    _teredo("10.0.0.1", "8.8.8.8"),
    "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
]
WRAPPED_PUBLIC = ["2002:808:808::1", _teredo("65.54.227.120", "8.8.8.8"), "64:ff9b::808:808"]


@pytest.mark.parametrize("address", WRAPPED_PRIVATE)
def test_service_fetch_ipv6_wrapping_a_private_ipv4_is_refused(address: str) -> None:
    assert not public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", WRAPPED_PUBLIC)
def test_service_fetch_ipv6_wrapping_a_public_ipv4_passes(address: str) -> None:
    assert public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", WRAPPED_PRIVATE[:4])
def test_service_fetch_wrapped_private_target_refused_without_network(
    address: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def resolve(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        return [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, port, 0, 0))]

    def connect(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("connected to a refused address")

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    monkeypatch.setattr(socket, "create_connection", connect)
    with pytest.raises(UrlRefusedError, match="not a public address"):
        fetch_url("http://wrapped.example/", STRICT)
