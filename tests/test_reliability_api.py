"""Reliability of the service: arbitrary content never gives a 5xx, and what is stored is served.

``tests/test_service_limits.py`` already fuzzes the *shape* of JSON bodies and
junk request bytes.  Here the shapes are valid and the *content* is hostile:
arbitrary Unicode (controls, lone surrogates, right-to-left, emoji) as text,
HTML, names, batch items, form fields and uploaded files (invalid UTF-8
included), ids in paths, inputs at and one byte over the size limit, and
deeply nested HTML.  The app is the real one, ``create_app(settings)``, with
the bundled model.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reliability_support import hang_guard
from veracity.config import MAX_INPUT_BYTES
from veracity.errors import InputError
from veracity.service.app import create_app
from veracity.service.settings import Settings
from veracity.text.inputs import document_from_text

PROPERTY = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

hostile = st.sampled_from(
    [
        "The minister said on Monday that the bridge would reopen. ", "Why? ", "\x00", "\x1b[2J",
        "\u202e", "\u200f", "\ud800", "\udfff", "\U0001f600", "\u05e9\u05dc\u05d5\u05dd. ",
        "<script>alert(1)</script>", "<div>", "{{ 7*7 }}", "' OR 1=1 --", "\r\n", "\n\n", "%00",
    ]
)  # fmt: skip
content = st.lists(hostile | st.text(st.characters(exclude_categories=()), max_size=40), max_size=8)
text_value = content.map("".join)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    db = tmp_path_factory.mktemp("api") / "history.sqlite"
    app = create_app(Settings(db_path=db, workers=2))
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def coded_error(resp: Any) -> str:
    assert 400 <= resp.status_code < 500, (resp.status_code, resp.text[:300])
    code = resp.json()["error"]["code"]
    assert isinstance(code, str) and code.startswith("E")
    return code


def check_report(client: TestClient, report: dict[str, Any], text: str) -> None:
    """The report's sentences map onto the analysed text and the stored copy is identical.

    ``{"text": ...}`` is analysed literally, never sniffed as HTML.  The server
    sees the text as JSON decodes it: two escaped halves of a surrogate pair
    ("\\ud800\\udfff") arrive as the one character they encode.
    """
    doc = document_from_text(json.loads(json.dumps(text)), sniff_html=False)
    for s in report["sentences"]:
        assert doc.text[s["start"] : s["end"]] == s["text"]
    stored = client.get(f"/v1/analyses/{report['id']}")
    assert stored.status_code == 200
    assert stored.json() == report


def post(client: TestClient, path: str, **kwargs: Any) -> Any:
    with hang_guard():
        return client.post(path, **kwargs)


def post_json(client: TestClient, path: str, body: Any) -> Any:
    """POST ``body`` as ASCII JSON, so lone surrogates travel as ``\\udXXX`` escapes."""
    raw = json.dumps(body).encode("ascii")
    return post(client, path, content=raw, headers={"content-type": "application/json"})


@PROPERTY
@given(text=text_value, name=st.none() | text_value)
def test_reliability_api_any_text_gives_report_or_coded_4xx(
    client: TestClient, text: str, name: str | None
) -> None:
    body = {"text": text} if name is None else {"text": text, "name": name}
    resp = post_json(client, "/v1/analyze", body)
    if resp.status_code == 200:
        check_report(client, resp.json(), text)
    else:
        coded_error(resp)


@PROPERTY
@given(html=content.map(lambda parts: "<html><body><p>" + "</p><p>".join(parts) + "</p>"))
def test_reliability_api_any_html_gives_report_or_coded_4xx(client: TestClient, html: str) -> None:
    resp = post_json(client, "/v1/analyze", {"html": html})
    if resp.status_code != 200:
        assert coded_error(resp) in {"E013", "E014", "E002", "E003"}


@settings(PROPERTY, max_examples=30)
@given(
    items=st.lists(st.fixed_dictionaries({"text": text_value}) | st.just({"text": 5}), max_size=8)
)
def test_reliability_api_batch_keeps_order_and_fails_per_item(
    client: TestClient, items: list[dict[str, Any]]
) -> None:
    resp = post_json(client, "/v1/analyze/batch", {"documents": items})
    if not items:
        assert coded_error(resp) == "E013"
        return
    assert resp.status_code == 200, resp.text[:300]
    results = resp.json()["results"]
    assert len(results) == len(items)
    for item, result in zip(items, results, strict=True):
        if "error" in result:
            assert 400 <= result["status"] < 500
            assert result["error"]["code"].startswith("E")
        else:
            check_report(client, result, item["text"])


@PROPERTY
@given(
    data=st.binary(max_size=400),
    filename=st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=40),
)
def test_reliability_api_uploaded_bytes_never_give_5xx(
    client: TestClient, data: bytes, filename: str
) -> None:
    resp = post(
        client, "/a", files={"file": (filename, data, "application/octet-stream")},
        follow_redirects=False,
    )  # fmt: skip
    assert resp.status_code in (303, 413, 422), (resp.status_code, resp.text[:300])


@PROPERTY
@given(text=text_value)
def test_reliability_api_form_text_never_gives_5xx(client: TestClient, text: str) -> None:
    form = {"text": text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")}
    resp = post(client, "/a", data=form, follow_redirects=False)
    assert resp.status_code in (303, 413, 422), (resp.status_code, resp.text[:300])


def test_reliability_api_long_form_name_is_422(client: TestClient) -> None:
    form = {"text": "The mayor said the pier was safe.", "name": "n" * 301}
    resp = post(client, "/a", data=form, follow_redirects=False)
    assert resp.status_code == 422


@PROPERTY
@given(ident=st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=60))
def test_reliability_api_any_id_in_a_path_is_404_not_5xx(client: TestClient, ident: str) -> None:
    for path in (f"/v1/analyses/{ident}", f"/a/{ident}"):
        with hang_guard():
            resp = client.get(quote(path))
        assert resp.status_code in (200, 404, 405), (path, resp.status_code, resp.text[:200])


def test_reliability_api_text_at_the_limit_and_one_byte_over(client: TestClient) -> None:
    at_limit = "\U0001f600" * (MAX_INPUT_BYTES // 4)
    resp = post_json(client, "/v1/analyze", {"text": at_limit})
    assert resp.status_code == 200, resp.text[:300]
    assert resp.json()["sentences"][0]["end"] == len(at_limit)
    over = post_json(client, "/v1/analyze", {"text": at_limit + "a"})
    assert coded_error(over) == "E004" and over.status_code == 413
    html_over = post_json(client, "/v1/analyze", {"html": "<p>" + "a" * MAX_INPUT_BYTES + "</p>"})
    assert coded_error(html_over) == "E004"
    upload_over = post(
        client, "/a", files={"file": ("big.txt", b"a" * (MAX_INPUT_BYTES + 1), "text/plain")}
    )
    assert upload_over.status_code == 413


@pytest.mark.parametrize(
    "body",
    [
        {"html": "<div>" * 10_000 + "<p>The harbour master said the pier was safe.</p>" + "</div>" * 10_000},
        {"text": "<div>" * 10_000 + "<p>The harbour master said the pier was safe.</p>"},
        {"text": "x" * 1_000_000},
        {"text": "\u0634" * 500_000},
        {"text": ""},
        {"text": "\u200b\u200f \n"},
        {"text": "\x00\x01\x02\x03 binary"},
    ],
    ids=["nested html", "nested as text", "1 MB line", "1 MB RTL line", "empty", "invisible",
         "control bytes"],
)  # fmt: skip
def test_reliability_api_hostile_bodies(client: TestClient, body: dict[str, str]) -> None:
    resp = post_json(client, "/v1/analyze", body)
    if resp.status_code == 200:
        report = resp.json()
        source = body.get("text")
        if source is not None:
            check_report(client, report, source)
        assert report["sentences"]
    else:
        code = coded_error(resp)
        try:
            document_from_text(body.get("text", "x"), sniff_html=False)
        except InputError as err:
            assert code == err.code
