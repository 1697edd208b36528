"""Body size, per-document size, time limit, and 'never a 500 for bad input'."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service_support import article, make_analyzer, make_client
from veracity.errors import InputError
from veracity.service.batcher import WorkStopped
from veracity.service.limits import BodyLimit
from veracity.service.settings import Settings


@pytest.fixture(scope="module")
def analyzer(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return make_analyzer(tmp_path_factory.mktemp("model"))


def test_service_limits_declared_oversized_body_is_413(tmp_path: Path, analyzer: Any) -> None:
    with make_client(tmp_path, analyzer, max_body_bytes=1000) as client:
        resp = client.post("/v1/analyze", json={"text": "word " * 400})
    assert resp.status_code == 413
    assert resp.json()["error"]["code"] == "E004"


def test_service_limits_body_limit_stops_reading_a_streamed_body() -> None:
    consumed: list[int] = []
    app_called = threading.Event()

    async def app(scope: Any, receive: Any, send: Any) -> None:
        app_called.set()

    async def receive() -> dict[str, Any]:
        consumed.append(1)
        return {"type": "http.request", "body": b"x" * 100, "more_body": True}

    sent: list[MutableMapping[str, Any]] = []

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/v1/analyze", "headers": []}
    asyncio.run(BodyLimit(app, max_bytes=1000)(scope, receive, send))
    assert len(consumed) == 11
    assert not app_called.is_set()
    assert sent[0]["status"] == 413
    assert json.loads(sent[1]["body"])["error"]["code"] == "E004"


def test_service_limits_body_within_limit_is_replayed_whole() -> None:
    chunks = [b'{"a": ', b'"b"}']
    seen: list[bytes] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        message = await receive()
        seen.append(message["body"])

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": chunks.pop(0), "more_body": bool(len(chunks))}

    async def send(message: MutableMapping[str, Any]) -> None:
        return None

    scope = {"type": "http", "method": "POST", "path": "/", "headers": []}
    asyncio.run(BodyLimit(app, max_bytes=1000)(scope, receive, send))
    assert seen == [b'{"a": "b"}']


def test_service_limits_document_over_input_limit_is_413(tmp_path: Path, analyzer: Any) -> None:
    with make_client(tmp_path, analyzer, max_input_bytes=2000) as client:
        resp = client.post("/v1/analyze", json={"text": article(1, loud=True, sentences=40)})
    assert resp.status_code == 413
    assert resp.json()["error"]["code"] == "E004"


class _SlowAnalyzer:
    """Wraps an analyzer; analysing blocks until released (or 5 s)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.info = inner.info
        self.model = inner.model
        self.signals = inner.signals
        self.release = threading.Event()

    def analyze_many(self, docs: Any, stop: Any = None) -> Any:
        self.release.wait(5)
        return self.inner.analyze_many(docs)


def test_service_limits_slow_analysis_gives_504(tmp_path: Path, analyzer: Any) -> None:
    slow = _SlowAnalyzer(analyzer)
    with make_client(tmp_path, slow, request_timeout=0.2) as client:
        resp = client.post("/v1/analyze", json={"text": article(2, loud=False)})
        slow.release.set()
    assert resp.status_code == 504
    assert resp.json()["error"]["code"] == "E021"


class _CountingAnalyzer(_SlowAnalyzer):
    """Records the names of the documents it analyses; its first call blocks until released."""

    def __init__(self, inner: Any) -> None:
        super().__init__(inner)
        self.names: list[str] = []

    def analyze_many(self, docs: Any, stop: Any = None) -> Any:
        self.names.extend(doc.name for doc in docs)
        self.release.wait(10)
        return self.inner.analyze_many(docs)


class _WatchedAnalyzer(_SlowAnalyzer):
    """The real analysis, with the service's stop check; records how each call ended."""

    def __init__(self, inner: Any) -> None:
        super().__init__(inner)
        self.ended: list[str] = []
        self.done = threading.Event()

    def analyze_many(self, docs: Any, stop: Any = None) -> Any:
        try:
            reports = self.inner.analyze_many(docs, stop=stop)
        except WorkStopped:
            self.ended.append("stopped")
            raise
        finally:
            self.done.set()
        self.ended.append("finished")
        return reports


def test_service_limits_analysis_stops_when_its_request_times_out(
    tmp_path: Path, analyzer: Any
) -> None:
    """A large analysis whose request times out is stopped between its stages, not run to
    its end and thrown away (finding 1: bound the work, not only the wait)."""
    watched = _WatchedAnalyzer(analyzer)
    text = " ".join(f"Harbour {i} reopens. Council {i} agrees." for i in range(8000))
    with make_client(tmp_path, watched, request_timeout=0.3) as client:
        resp = client.post("/v1/analyze", json={"text": text, "name": "big"})
        assert (resp.status_code, resp.json()["error"]["code"]) == (504, "E021")
        assert watched.done.wait(120)
        assert watched.ended == ["stopped"]
        assert client.get("/v1/health").json()["analyses"] == 0


def test_service_limits_timed_out_batch_stops_and_stores_nothing(
    tmp_path: Path, analyzer: Any
) -> None:
    slow = _CountingAnalyzer(analyzer)
    docs = [{"text": article(30 + i, loud=False), "name": f"doc{i}"} for i in range(4)]
    with make_client(tmp_path, slow, request_timeout=0.5, bulk_chars=100) as client:
        resp = client.post("/v1/analyze/batch", json={"documents": docs})
        assert (resp.status_code, resp.json()["error"]["code"]) == (504, "E021")
        assert client.get("/v1/health").json()["queued"] == {"interactive": 0, "bulk": 0}
        slow.release.set()
        after = client.post("/v1/analyze", json={"text": article(40, loud=True), "name": "after"})
        assert after.status_code == 200
        assert slow.names == ["doc0", "after"]
        assert client.get("/v1/health").json()["analyses"] == 1


class _BrokenAnalyzer(_SlowAnalyzer):
    def analyze_many(self, docs: Any, stop: Any = None) -> Any:
        raise RuntimeError("secret internal detail")


def test_service_limits_unexpected_error_is_json_without_traceback(
    tmp_path: Path, analyzer: Any
) -> None:
    with make_client(tmp_path, _BrokenAnalyzer(analyzer), raise_errors=False) as client:
        resp = client.post("/v1/analyze", json={"text": article(3, loud=False)})
    assert resp.status_code == 500
    assert resp.json()["error"]["code"] == "E022"
    assert "Traceback" not in resp.text
    assert "secret internal detail" not in resp.text


def test_service_limits_settings_are_validated(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="max_batch"):
        Settings(db_path=tmp_path / "h.sqlite", max_batch=101)
    with pytest.raises(InputError, match="request_timeout"):
        Settings(db_path=tmp_path / "h.sqlite", request_timeout=0)


def test_service_limits_default_history_path_honours_env(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("VERACITY_HISTORY", str(tmp_path / "elsewhere.sqlite"))
    assert Settings().db_path == tmp_path / "elsewhere.sqlite"
    monkeypatch.delenv("VERACITY_HISTORY")
    assert Settings().db_path.parts[-4:] == (".local", "share", "veracity", "history.sqlite")


_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(["text", "html", "url", "name", "documents", "x"])
            | st.text(max_size=8),
            inner,
            max_size=4,
        )
    ),
    max_leaves=12,
)


FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def fuzz_client(tmp_path_factory: pytest.TempPathFactory, analyzer: Any) -> Any:
    with make_client(tmp_path_factory.mktemp("fuzz"), analyzer, raise_errors=False) as client:
        yield client


@FUZZ
@given(body=_JSON, path=st.sampled_from(["/v1/analyze", "/v1/analyze/batch"]))
def test_service_limits_arbitrary_json_never_gives_500(
    fuzz_client: Any, body: Any, path: str
) -> None:
    resp = fuzz_client.post(path, json=body)
    assert resp.status_code < 500, resp.text
    assert "error" in resp.json() or resp.status_code == 200


JUNK = [
    b"NaN",
    b'{"text": NaN}',
    b'{"documents": Infinity}',
    b"[" * 100_000,
    b'{"documents": ' + b"[" * 5000 + b"]" * 5000 + b"}",
    b'{"text": "\\\\\\"}',
    b"\xff\xfe{",
    b'{"text": "\\u0000\\u0000\\u0000 binary"}',
]


@pytest.mark.parametrize("raw", JUNK)
@pytest.mark.parametrize("path", ["/v1/analyze", "/v1/analyze/batch"])
def test_service_limits_known_junk_is_4xx_json(fuzz_client: Any, raw: bytes, path: str) -> None:
    resp = fuzz_client.post(path, content=raw, headers={"content-type": "application/json"})
    assert 400 <= resp.status_code < 500, resp.text
    assert resp.json()["error"]["code"].startswith("E")


@FUZZ
@given(
    raw=st.binary(max_size=200),
    path=st.sampled_from(["/v1/analyze", "/v1/analyze/batch", "/a", "/v1/analyses"]),
    ctype=st.sampled_from(
        [
            "application/json",
            "text/plain",
            "multipart/form-data",
            "application/x-www-form-urlencoded",
            "",
        ]
    ),
)
def test_service_limits_junk_bodies_never_give_500(
    fuzz_client: Any, raw: bytes, path: str, ctype: str
) -> None:
    headers = {"content-type": ctype} if ctype else {}
    resp = fuzz_client.post(path, content=raw, headers=headers)
    assert resp.status_code < 500, resp.text


def test_service_limits_lone_surrogate_is_422(fuzz_client: Any) -> None:
    raw = b'{"text": "bad \\ud800 text"}'
    headers = {"content-type": "application/json"}
    resp = fuzz_client.post("/v1/analyze", content=raw, headers=headers)
    assert resp.status_code == 422
    assert resp.json()["error"]["field"] == "body.text"
