"""The JSON API with both pipelines: the ``pipeline`` field, its cache, history and model info.

The deep model bundled today is a placeholder, so nothing here looks at its scores: only at
which pipeline made a report and where the report went.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, get_args

import jsonschema
import pytest
from fastapi.testclient import TestClient

from service_support import article, make_analyzer
from veracity.analyze import Analyzer
from veracity.report import json_schema
from veracity.service import pipeline_lanes as service_pipelines
from veracity.service.app import create_app
from veracity.service.schemas import PipelineName
from veracity.service.settings import Settings
from veracity.signals.pipelines import DEEP, PIPELINES, load_signals

PIPE = ("fast", "deep")


@pytest.fixture(scope="module")
def analyzer(tmp_path_factory: pytest.TempPathFactory) -> Analyzer:
    return make_analyzer(tmp_path_factory.mktemp("model"))


@pytest.fixture(scope="module")
def deep(analyzer: Analyzer) -> Analyzer:
    return Analyzer(analyzer.model, signals=load_signals(DEEP, threads=1))


def _client(tmp_path: Path, analyzer: Any, preloaded: tuple[Any, ...] = ()) -> TestClient:
    settings = Settings(db_path=tmp_path / "history.sqlite", deep_threads=1)
    return TestClient(create_app(settings, analyzer=analyzer, preloaded=preloaded))


@pytest.fixture
def client(tmp_path: Path, analyzer: Analyzer, deep: Analyzer) -> Any:
    with _client(tmp_path, analyzer, (deep,)) as c:
        yield c


class _Recording:
    """Wraps an analyser; records the names of the documents of each ``analyze_many`` call."""

    def __init__(self, inner: Analyzer) -> None:
        self.inner = inner
        self.info = inner.info
        self.model = inner.model
        self.signals = inner.signals
        self.calls: list[list[str]] = []

    def analyze_many(self, docs: Any, stop: Any = None) -> Any:
        self.calls.append([doc.name for doc in docs])
        return self.inner.analyze_many(docs, stop=stop)


def test_service_pipelines_names_match_the_registry() -> None:
    assert set(get_args(PipelineName)) == set(PIPELINES)


def test_service_pipelines_deep_field_gives_deep_report(client: Any) -> None:
    resp = client.post("/v1/analyze", json={"text": article(1, loud=True), "pipeline": "deep"})
    assert resp.status_code == 200
    report = resp.json()
    jsonschema.validate(report, json_schema())
    assert report["model"]["pipeline"] == "deep"
    assert len(report["sentences"]) == 8


def test_service_pipelines_default_is_fast(client: Any) -> None:
    report = client.post("/v1/analyze", json={"text": article(2, loud=False)}).json()
    assert report["model"]["pipeline"] == "fast"
    assert report["model"]["signals_version"] == ""
    batch = client.post("/v1/analyze/batch", json={"documents": [{"text": article(3, True)}]})
    assert batch.json()["results"][0]["model"]["pipeline"] == "fast"


@pytest.mark.parametrize("pipeline", ["slow", "", "DEEP", 1, None])
def test_service_pipelines_unknown_pipeline_is_422_json(client: Any, pipeline: Any) -> None:
    resp = client.post("/v1/analyze", json={"text": article(4, loud=True), "pipeline": pipeline})
    assert resp.status_code == 422
    error = resp.json()["error"]
    assert (error["code"], error["field"]) == ("E013", "body.pipeline")
    batch = client.post("/v1/analyze/batch", json={"documents": [], "pipeline": pipeline})
    assert (batch.status_code, batch.json()["error"]["field"]) == (422, "body.pipeline")
    item = {"text": article(4, loud=True), "pipeline": pipeline}
    result = client.post("/v1/analyze/batch", json={"documents": [item]}).json()["results"][0]
    assert (result["status"], result["error"]["field"]) == (422, "documents.0.pipeline")
    assert (
        client.get("/v1/analyses/0123456789abcdef", params={"pipeline": "slow"}).status_code == 422
    )
    assert client.get("/v1/health").json()["analyses"] == 0


def test_service_pipelines_no_cross_pipeline_cache_hit(client: Any) -> None:
    text = article(5, loud=True)
    fast = client.post("/v1/analyze", json={"text": text})
    deep = client.post("/v1/analyze", json={"text": text, "pipeline": "deep"})
    assert (fast.headers["x-veracity-cache"], deep.headers["x-veracity-cache"]) == ("miss", "miss")
    assert deep.json()["model"]["pipeline"] == "deep"
    assert fast.json()["id"] == deep.json()["id"]
    again_deep = client.post("/v1/analyze", json={"text": text, "pipeline": "deep"})
    again_fast = client.post("/v1/analyze", json={"text": text, "pipeline": "fast"})
    assert again_deep.headers["x-veracity-cache"] == again_fast.headers["x-veracity-cache"] == "hit"
    assert again_deep.json() == deep.json()
    assert again_fast.json() == fast.json()
    assert client.get("/v1/health").json()["analyses"] == 2


def test_service_pipelines_rename_touches_one_pipeline(client: Any) -> None:
    text = article(6, loud=False)
    client.post("/v1/analyze", json={"text": text, "name": "fast one"})
    deep = client.post("/v1/analyze", json={"text": text, "pipeline": "deep", "name": "deep one"})
    analysis_id = deep.json()["id"]
    fast = client.get(f"/v1/analyses/{analysis_id}", params={"pipeline": "fast"}).json()
    assert (fast["input_name"], deep.json()["input_name"]) == ("fast one", "deep one")


def test_service_pipelines_history_permalink_records_pipeline(client: Any) -> None:
    text = article(7, loud=True)
    analysis_id = client.post("/v1/analyze", json={"text": text, "pipeline": "deep"}).json()["id"]
    url = f"/v1/analyses/{analysis_id}"
    assert client.get(url, params={"pipeline": "deep"}).json()["model"]["pipeline"] == "deep"
    assert client.get(url).json()["model"]["pipeline"] == "deep"
    missing = client.get(url, params={"pipeline": "fast"})
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "E017")
    client.post("/v1/analyze", json={"text": text})
    assert client.get(url).json()["model"]["pipeline"] == "fast"
    listed = client.get("/v1/analyses").json()["analyses"]
    assert [(a["id"], a["pipeline"]) for a in listed] == [
        (analysis_id, "fast"),
        (analysis_id, "deep"),
    ]


def test_service_pipelines_batch_never_mixes_pipelines(
    tmp_path: Path, analyzer: Analyzer, deep: Analyzer
) -> None:
    fast_rec, deep_rec = _Recording(analyzer), _Recording(deep)
    docs = [
        {"text": article(20 + i, loud=i % 2 == 1), "name": f"{p}{i}", "pipeline": p}
        for i, p in enumerate(["fast", "deep", "deep", "fast", "deep"])
    ]
    docs.append({"text": article(30, loud=True), "name": "default5"})
    with _client(tmp_path, fast_rec, (deep_rec,)) as client:
        body = {"documents": docs, "pipeline": "deep"}
        results = client.post("/v1/analyze/batch", json=body).json()["results"]
        with ThreadPoolExecutor(4) as pool:
            singles = list(
                pool.map(
                    lambda i: client.post(
                        "/v1/analyze",
                        json={
                            "text": article(40 + i, True),
                            "name": f"x{i}",
                            "pipeline": PIPE[i % 2],
                        },
                    ),
                    range(8),
                )
            )
    assert [r["model"]["pipeline"] for r in results] == [
        "fast",
        "deep",
        "deep",
        "fast",
        "deep",
        "deep",
    ]
    assert all(r.status_code == 200 for r in singles)
    fast_names = {n for call in fast_rec.calls for n in call}
    deep_names = {n for call in deep_rec.calls for n in call}
    assert fast_names == {"fast0", "fast3", "x0", "x2", "x4", "x6"}
    assert deep_names == {"deep1", "deep2", "deep4", "default5", "x1", "x3", "x5", "x7"}


def test_service_pipelines_deep_is_loaded_once_on_first_use(
    tmp_path: Path, analyzer: Analyzer, monkeypatch: pytest.MonkeyPatch
) -> None:
    loads: list[str] = []
    lock = threading.Lock()

    def counted(pipeline: str, threads: int = 0) -> Any:
        with lock:
            loads.append(pipeline)
        return load_signals(pipeline, threads)

    monkeypatch.setattr(service_pipelines, "load_signals", counted)
    with _client(tmp_path, analyzer) as client:
        assert client.get("/v1/health").json()["pipelines"] == ["fast"]
        info = client.get("/v1/model").json()["pipelines"]
        assert info["available"] == ["fast", "deep"] and info["default"] == "fast"
        assert info["loaded"] == ["fast"]
        assert client.post("/v1/analyze", json={"text": article(8, loud=False)}).status_code == 200
        assert loads == []
        with ThreadPoolExecutor(4) as pool:
            answers = list(
                pool.map(
                    lambda i: client.post(
                        "/v1/analyze", json={"text": article(50 + i, True), "pipeline": "deep"}
                    ),
                    range(4),
                )
            )
        assert [a.json()["model"]["pipeline"] for a in answers] == ["deep"] * 4
        assert loads == ["deep"]
        assert client.get("/v1/health").json()["pipelines"] == ["fast", "deep"]


def test_service_pipelines_model_lists_pipelines_and_deep_card(client: Any, deep: Analyzer) -> None:
    body = client.get("/v1/model").json()
    assert body["name"] == "service-test"
    info = body["pipelines"]
    assert info["available"] == ["fast", "deep"] and info["loaded"] == ["fast", "deep"]
    card = deep.signals.cards["deep"]
    assert {k: info["deep"][k] for k in ("name", "created", "architecture")} == {
        k: card.get(k) for k in ("name", "created", "architecture")
    }
    verdict = deep.verdict_model
    if verdict is None:
        assert info["deep"]["decision"] is None
    else:
        decision = info["deep"]["decision"]
        assert decision["uncertain_band"] == list(verdict.band)
        assert decision["threshold"] == verdict.threshold
    assert info["deep"]["name"] == "veracity-deep"


def test_service_pipelines_openapi_documents_the_field(client: Any) -> None:
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    for model in ("DocumentIn", "BatchIn"):
        field = schemas[model]["properties"]["pipeline"]
        assert field["enum"] == ["fast", "deep"] and field["default"] == "fast"
    params = spec["paths"]["/v1/analyses/{analysis_id}"]["get"]["parameters"]
    assert "pipeline" in {p["name"] for p in params}
