"""The JSON API in-process: every endpoint, the cache, and the error shapes."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from service_support import article, make_analyzer, make_client
from veracity.report import json_schema


@pytest.fixture(scope="module")
def analyzer(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return make_analyzer(tmp_path_factory.mktemp("model"))


@pytest.fixture
def client(tmp_path: Path, analyzer: Any) -> Any:
    with make_client(tmp_path, analyzer) as c:
        yield c


def _error(resp: Any) -> dict[str, Any]:
    body = resp.json()
    assert set(body) == {"error"}
    assert body["error"]["code"].startswith("E")
    assert body["error"]["message"]
    return dict(body["error"])


def test_service_api_analyze_text_returns_schema_valid_report(client: Any) -> None:
    resp = client.post("/v1/analyze", json={"text": article(1, loud=True), "name": "one"})
    assert resp.status_code == 200
    report = resp.json()
    jsonschema.validate(report, json_schema())
    assert report["input_name"] == "one"
    assert report["verdict"] in ("reliable", "unreliable", "uncertain")
    assert len(report["sentences"]) == 8
    assert resp.headers["x-veracity-cache"] == "miss"


def test_service_api_identical_content_is_served_from_history(client: Any) -> None:
    text = article(2, loud=False)
    first = client.post("/v1/analyze", json={"text": text})
    second = client.post("/v1/analyze", json={"text": text, "name": "again"})
    assert second.headers["x-veracity-cache"] == "hit"
    assert second.json() == {**first.json(), "input_name": "again"}
    assert client.get("/v1/health").json()["analyses"] == 1


def test_service_api_html_input_analyses_main_text(client: Any) -> None:
    body = "".join(f"<p>{s}</p>" for s in article(3, loud=False).split(". "))
    html = f"<!doctype html><html><head><script>var x=1;</script></head><body>{body}</body></html>"
    resp = client.post("/v1/analyze", json={"html": html})
    assert resp.status_code == 200
    report = resp.json()
    assert report["input_kind"] == "html"
    assert all("var x" not in s["text"] for s in report["sentences"])


def test_service_api_html_without_text_or_too_big(tmp_path: Path, analyzer: Any) -> None:
    with make_client(tmp_path, analyzer, max_input_bytes=5000) as client:
        empty = client.post("/v1/analyze", json={"html": "<html><script>x()</script></html>"})
        big = client.post("/v1/analyze", json={"html": "<p>word</p>" * 1000})
    assert (empty.status_code, empty.json()["error"]["code"]) == (422, "E014")
    assert (big.status_code, big.json()["error"]["code"]) == (413, "E004")


def test_service_api_get_analysis_by_id(client: Any) -> None:
    report = client.post("/v1/analyze", json={"text": article(4, loud=True)}).json()
    resp = client.get(f"/v1/analyses/{report['id']}")
    assert resp.status_code == 200
    assert resp.json() == report


def test_service_api_unknown_analysis_is_404_json(client: Any) -> None:
    resp = client.get("/v1/analyses/0123456789abcdef")
    assert resp.status_code == 404
    assert _error(resp)["code"] == "E017"


def test_service_api_recent_lists_newest_first_with_limit(client: Any) -> None:
    ids = [
        client.post("/v1/analyze", json={"text": article(10 + i, loud=i % 2 == 1)}).json()["id"]
        for i in range(3)
    ]
    listed = client.get("/v1/analyses", params={"limit": 2}).json()["analyses"]
    assert [a["id"] for a in listed] == ids[::-1][:2]
    assert {"id", "created", "verdict", "probability", "words", "input_name"} <= set(listed[0])


def test_service_api_recent_limit_out_of_range_is_422(client: Any) -> None:
    resp = client.get("/v1/analyses", params={"limit": 0})
    assert resp.status_code == 422
    assert _error(resp)["field"] == "query.limit"


def test_service_api_health_and_model_card(client: Any, analyzer: Any) -> None:
    health = client.get("/v1/health").json()
    assert health["status"] == "ok"
    assert health["model"]["sha256"] == analyzer.info.sha256
    assert health["url_input"] is False
    card = client.get("/v1/model").json()
    assert card["name"] == "service-test"
    assert card["detector"] == "veracity.LinearNgram.v1"


def test_service_api_model_states_one_band_and_threshold(tmp_path: Path, analyzer: Any) -> None:
    """``/v1/model``'s decision block is the card's band, the band the verdict uses."""
    from veracity.analyze import MIN_WORDS, Analyzer
    from veracity.models.folder import load_model

    bundled = Analyzer(load_model(), signals=analyzer.signals)
    with make_client(tmp_path, bundled) as other:
        body = other.get("/v1/model").json()
    lo, hi = bundled.model.card["uncertain_band"]
    decision = body["decision"]
    assert body["uncertain_band"] == decision["uncertain_band"] == [lo, hi] == list(bundled.band)
    assert decision["verdict_edges"] == {"reliable_at_or_below": lo, "unreliable_at_or_above": hi}
    assert body["threshold"] == decision["threshold"] == bundled.model.card["threshold"]
    assert lo < decision["threshold"] < hi
    assert set(decision["meanings"]) == {"scale", "uncertain_band", "verdict_edges", "threshold"}
    assert "uncertain_band" not in body["config"]
    assert body["config"]["uncertain_band_balanced"] == [0.4, 0.6]
    edges = [bundled._verdict(p, 1.0, MIN_WORDS).verdict for p in (lo, lo + 1e-6, hi - 1e-6, hi)]
    assert edges == ["reliable", "uncertain", "uncertain", "unreliable"]


def test_service_api_model_card_with_an_undefined_metric_is_valid_json(tmp_path: Any) -> None:
    """Training writes NaN for a metric it cannot define (ROC-AUC of one class)."""
    from dataclasses import replace

    from service_support import make_analyzer, make_client

    own = make_analyzer(tmp_path / "model")
    card = {**own.model.card, "metrics": {"in_domain": {"roc_auc": float("nan")}}}
    own.model = replace(own.model, card=card)
    with make_client(tmp_path, own) as other:
        resp = other.get("/v1/model")
    assert resp.status_code == 200
    assert resp.json()["metrics"] == {"in_domain": {"roc_auc": None}}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "body"),
        ({"text": "a", "html": "<p>b</p>"}, "body"),
        ({"text": 12}, "body.text"),
        ({"text": "fine", "colour": "red"}, "body.colour"),
        ({"text": "fine", "name": "x" * 301}, "body.name"),
        ([1, 2], "body"),
    ],
)
def test_service_api_malformed_body_is_422_naming_field(client: Any, body: Any, field: str) -> None:
    resp = client.post("/v1/analyze", json=body)
    assert resp.status_code == 422
    err = _error(resp)
    assert err["code"] == "E013"
    assert err["field"] == field
    assert field in err["message"]


def test_service_api_invalid_json_is_422(client: Any) -> None:
    resp = client.post(
        "/v1/analyze",
        content=b'{"text": "unterminated',
        headers={"content-type": "application/json"},
    )
    assert resp.status_code == 422
    assert _error(resp)["code"] == "E013"


def test_service_api_empty_text_is_coded_input_error(client: Any) -> None:
    resp = client.post("/v1/analyze", json={"text": "   "})
    assert resp.status_code == 422
    assert _error(resp)["code"] == "E002"


def test_service_api_batch_returns_reports_and_per_item_errors(client: Any) -> None:
    docs = [
        {"text": article(20, loud=False)},
        {"text": 5},
        {"html": "<p>x</p>", "text": "y"},
        {"text": article(21, loud=True), "name": "loud"},
        "not an object",
    ]
    resp = client.post("/v1/analyze/batch", json={"documents": docs})
    assert resp.status_code == 200
    results = resp.json()["results"]
    assert len(results) == 5
    jsonschema.validate(results[0], json_schema())
    assert results[3]["input_name"] == "loud"
    assert results[1]["status"] == 422
    assert results[1]["error"]["field"] == "documents.1.text"
    assert results[2]["error"]["field"] == "documents.2"
    assert results[4]["error"]["code"] == "E013"
    stored = client.get(f"/v1/analyses/{results[3]['id']}").json()
    assert stored == results[3]


def test_service_api_batch_duplicates_analysed_once(client: Any) -> None:
    text = article(22, loud=True)
    results = client.post(
        "/v1/analyze/batch", json={"documents": [{"text": text}, {"text": text}]}
    ).json()["results"]
    assert results[0] == results[1]
    assert client.get("/v1/health").json()["analyses"] == 1


@pytest.mark.parametrize("count", [0, 101])
def test_service_api_batch_size_outside_1_to_100_is_422(client: Any, count: int) -> None:
    resp = client.post("/v1/analyze/batch", json={"documents": [{"text": "a b c"}] * count})
    assert resp.status_code == 422
    assert _error(resp)["field"] == "body.documents"


def test_service_api_batch_of_100_is_accepted(client: Any) -> None:
    docs = [{"text": article(100 + i, loud=i % 2 == 1, sentences=3)} for i in range(100)]
    results = client.post("/v1/analyze/batch", json={"documents": docs}).json()["results"]
    assert len(results) == 100
    assert all("verdict" in r for r in results)


def test_service_api_concurrent_requests_share_one_history(client: Any) -> None:
    texts = [article(200 + i % 6, loud=i % 2 == 1) for i in range(24)]

    def post(text: str) -> tuple[int, str]:
        resp = client.post("/v1/analyze", json={"text": text})
        return resp.status_code, resp.json()["id"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(post, texts))
    assert {status for status, _ in answers} == {200}
    assert len({i for _, i in answers}) == len(set(texts))
    assert client.get("/v1/health").json()["analyses"] == len(set(texts))


def test_service_api_unknown_route_and_method_are_json(client: Any) -> None:
    resp = client.get("/v1/nothing-here")
    assert resp.status_code == 404
    assert _error(resp)["code"] == "E022"
    resp = client.delete("/v1/analyze")
    assert resp.status_code == 405
    assert _error(resp)["code"] == "E022"


def test_service_api_docs_page_is_self_hosted(client: Any) -> None:
    resp = client.get("/docs")
    assert resp.status_code == 200
    html = resp.text
    assert 'href="/openapi.json"' in html
    assert "/v1/analyze/batch" in html
    assert "<script" not in html
    assert "cdn" not in html.lower()
    assert "http://" not in html and "https://" not in html
    spec = client.get("/openapi.json").json()
    assert {
        "/v1/analyze",
        "/v1/analyze/batch",
        "/v1/analyses/{analysis_id}",
        "/v1/analyses",
        "/v1/health",
        "/v1/model",
    } <= set(spec["paths"])
    assert client.get("/redoc").status_code == 404


def test_service_api_openapi_describes_the_report(client: Any) -> None:
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]

    def answer(path: str, method: str) -> dict[str, Any]:
        ok: dict[str, Any] = spec["paths"][path][method]["responses"]["200"]
        return dict(ok["content"]["application/json"]["schema"])

    assert answer("/v1/analyze", "post") == {"$ref": "#/components/schemas/Report"}
    assert answer("/v1/analyses/{analysis_id}", "get") == {"$ref": "#/components/schemas/Report"}
    assert answer("/v1/analyze/batch", "post") == {"$ref": "#/components/schemas/BatchResults"}
    report = schemas["Report"]
    assert report["properties"]["schema_version"] == json_schema()["properties"]["schema_version"]
    assert set(report["properties"]) == set(json_schema()["properties"])
    sentence = schemas[report["properties"]["sentences"]["items"]["$ref"].split("/")[-1]]
    assert {"role", "techniques", "bias", "subjectivity", "checkworthy"} <= set(
        sentence["properties"]
    )


def test_service_api_responses_carry_security_headers(client: Any) -> None:
    for resp in (client.get("/"), client.get("/v1/health"), client.get("/v1/nothing")):
        csp = resp.headers["content-security-policy"]
        assert "default-src 'none'" in csp
        assert "script-src" not in csp
        assert resp.headers["x-content-type-options"] == "nosniff"


def test_service_api_repeated_submission_with_new_name_shows_the_new_name(client: Any) -> None:
    text = article(300, loud=True)
    first = client.post("/v1/analyze", json={"text": text, "name": "first name"}).json()
    again = client.post("/v1/analyze", json={"text": text, "name": "second name"})
    assert again.headers["x-veracity-cache"] == "hit"
    assert again.json()["input_name"] == "second name"
    assert client.get(f"/v1/analyses/{first['id']}").json()["input_name"] == "second name"
    listed = client.get("/v1/analyses").json()["analyses"]
    assert [a["input_name"] for a in listed] == ["second name"]
    unnamed = client.post("/v1/analyze", json={"text": text}).json()
    assert unnamed["input_name"] == "second name"


def test_service_api_unnamed_analysis_is_named_by_title_or_first_words(client: Any) -> None:
    text = article(301, loud=False)
    plain = client.post("/v1/analyze", json={"text": text}).json()
    assert plain["input_name"].endswith("\u2026")
    assert 40 <= len(plain["input_name"]) <= 61
    assert text.startswith(plain["input_name"][:-1] + " ")
    short = client.post("/v1/analyze", json={"text": "Officials said the pier was safe."}).json()
    assert short["input_name"] == "Officials said the pier was safe."
    html = client.post("/v1/analyze", json={"html": "<p>The mayor said so on Monday.</p>"}).json()
    assert html["input_name"] == "The mayor said so on Monday."
    titled = client.post("/v1/analyze", json={"text": text, "title": "Ferry terminal opens"})
    assert titled.json()["input_name"] == "Ferry terminal opens"


def test_service_api_title_is_carried_into_the_report(client: Any) -> None:
    text = article(302, loud=True)
    body = {"text": text, "title": "  Council \u202eapproves\u202c\tbudget  "}
    report = client.post("/v1/analyze", json=body).json()
    jsonschema.validate(report, json_schema())
    assert report["title"] == "Council approves budget"
    untitled = client.post("/v1/analyze", json={"text": text}).json()
    assert untitled["title"] is None
    assert untitled["id"] != report["id"]
    assert client.get(f"/v1/analyses/{report['id']}").json()["title"] == "Council approves budget"
    batch = client.post(
        "/v1/analyze/batch", json={"documents": [{"text": text, "title": "Budget approved"}]}
    ).json()["results"]
    assert batch[0]["title"] == "Budget approved"
    assert client.get("/v1/health").json()["analyses"] == 3


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": "fine", "title": "t" * 1001}, "body.title"),
        ({"text": "fine", "title": 5}, "body.title"),
    ],
)
def test_service_api_bad_title_is_422(client: Any, body: Any, field: str) -> None:
    resp = client.post("/v1/analyze", json=body)
    assert resp.status_code == 422
    assert _error(resp)["field"] == field


def test_service_api_names_are_cleaned_of_controls(client: Any) -> None:
    # A lone C1 control is read as the Windows-1252 character it stands for (\x85: "..."),
    # as in article text (mojibake repair); bidi, zero-width and C0 controls go.
    name = "\u202eevil\u202c\u2066 name\x07\x85\u200f"
    report = client.post("/v1/analyze", json={"text": article(303, loud=False), "name": name})
    assert report.json()["input_name"] == "evil name..."
    assert client.get("/v1/analyses").json()["analyses"][0]["input_name"] == "evil name..."


def test_service_api_json_sent_as_text_plain_is_415_with_hint(client: Any) -> None:
    raw = b'{"text": "The mayor said the pier was safe."}'
    for path in ("/v1/analyze", "/v1/analyze/batch"):
        resp = client.post(path, content=raw, headers={"content-type": "text/plain"})
        assert resp.status_code == 415
        err = _error(resp)
        assert err["code"] == "E030"
        assert "Content-Type: application/json" in err["message"]
    ok = client.post("/v1/analyze", content=raw, headers={"content-type": "application/json"})
    assert ok.status_code == 200


def test_service_api_head_requests_are_answered(client: Any) -> None:
    for path in ("/", "/v1/health"):
        resp = client.head(path)
        assert resp.status_code == 200, path
        assert resp.content == b""


def test_service_api_unknown_path_is_a_page_for_browsers_and_json_for_clients(
    client: Any,
) -> None:
    browser = client.get("/nothing-here", headers={"accept": "text/html,application/xml;q=0.9"})
    assert browser.status_code == 404
    assert browser.headers["content-type"].startswith("text/html")
    assert "Page not found" in browser.text
    assert "/nothing-here" in browser.text
    api = client.get("/nothing-here", headers={"accept": "*/*"})
    assert api.status_code == 404
    assert _error(api)["code"] == "E022"


def test_service_api_responses_are_compact_json(client: Any) -> None:
    one = client.post("/v1/analyze", json={"text": article(304, loud=True)})
    assert one.text.startswith('{"id":"')
    assert '", "' not in one.text and '": ' not in one.text
    batch = client.post("/v1/analyze/batch", json={"documents": [{"text": article(305, True)}]})
    assert batch.text.startswith('{"results":[{"id":"')
    assert batch.json()["results"][0]["id"]


def test_service_api_report_over_the_response_limit_is_413_and_not_stored(
    tmp_path: Path, analyzer: Any
) -> None:
    with make_client(tmp_path, analyzer, max_response_bytes=20_000) as client:
        small = client.post("/v1/analyze", json={"text": article(306, loud=False, sentences=3)})
        assert small.status_code == 200
        big = client.post("/v1/analyze", json={"text": article(307, loud=True, sentences=80)})
        assert big.status_code == 413
        assert _error(big)["code"] == "E031"
        assert client.get("/v1/health").json()["analyses"] == 1
        docs = [{"text": article(308 + i, loud=False, sentences=3)} for i in range(40)]
        results = client.post("/v1/analyze/batch", json={"documents": docs}).json()["results"]
    sent = [r for r in results if "id" in r]
    refused = [r for r in results if "error" in r]
    assert sent and refused
    assert {r["error"]["code"] for r in refused} == {"E031"}
    sizes = [len(json.dumps(r, ensure_ascii=False, separators=(",", ":")).encode()) for r in sent]
    assert sum(sizes) <= 20_000
