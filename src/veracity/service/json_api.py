"""The JSON API under ``/v1``.

Reports are sent as stored: compact JSON (no indentation, no spaces after
separators), at most ``Settings.max_response_bytes`` of it per response.  The
:class:`~veracity.report.Report` model is the analyse endpoints' response model,
so the OpenAPI document describes the report.  An analysis request may name its
``pipeline`` (``fast`` by default, or ``deep``); the report says which ran
(``model.pipeline``) and a stored analysis is fetched by id and pipeline.
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel

from ..errors import VeracityError
from ..models.folder import card_view
from ..report import Report
from ..signals.pipelines import DEEP, FAST, PIPELINES
from .analyses import Analyses, Outcome, Result
from .history import compact_json
from .limits import Runner
from .schemas import BatchIn, DocumentIn, PipelineName, RequestInvalidError, parse_item
from .settings import Settings

_ERROR = {
    "description": "Coded error",
    "content": {"application/json": {"example": {"error": {"code": "E013", "message": "..."}}}},
}
ERRORS: dict[int | str, dict[str, Any]] = {code: _ERROR for code in (403, 404, 413, 422, 502, 504)}

REPORT: dict[int | str, dict[str, Any]] = {
    200: {"description": "The report, following report_schema.json (GET /v1/model for the model)."}
}


class CodedError(BaseModel):
    code: str
    message: str


class ItemError(BaseModel):
    """A batch item that could not be analysed, with the HTTP status it would have had alone."""

    error: CodedError
    status: int


class BatchResults(BaseModel):
    """The batch's items in input order: a report, or the item's coded error."""

    results: list[Report | ItemError]


def _item(result: Result) -> str:
    if isinstance(result, VeracityError):
        return compact_json({"error": result.to_dict(), "status": result.status})
    return result.stored.report_json


def _json(text: str, headers: dict[str, str] | None = None) -> Response:
    """A JSON answer from JSON text already at hand (stored reports are not re-encoded)."""
    return Response(text, media_type="application/json", headers=headers)


def _report(outcome: Outcome) -> Response:
    cache = "hit" if outcome.cached else "miss"
    return _json(outcome.stored.report_json, {"X-Veracity-Cache": cache})


def _finite(value: Any) -> Any:
    """``value`` with every non-finite float made ``None`` (JSON has no NaN)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


def api_router(engine: Analyses, runner: Runner, settings: Settings) -> APIRouter:
    router = APIRouter(prefix="/v1", responses=ERRORS)

    @router.post(
        "/analyze",
        summary="Analyse one article (text, html or url)",
        response_model=Report,
        responses=REPORT,
    )
    async def analyze(body: DocumentIn) -> Response:
        """The report (schema ``report_schema.json``); its ``id`` is the permalink id.

        ``pipeline``: ``fast`` (default) or ``deep``.  Identical content (text and title)
        already analysed by the same model and pipeline is answered from the history (header ``X-Veracity-Cache: hit``); a new ``name``
        renames the stored analysis.
        """
        result = (await runner.run_within(engine.run, [body]))[0]
        if isinstance(result, VeracityError):
            raise result
        return _report(result)

    @router.post(
        "/analyze/batch",
        summary="Analyse up to 100 articles",
        response_model=BatchResults,
        responses={200: {"description": '{"results": [report or {"error": ..., "status": ...}]}'}},
    )
    async def analyze_batch(body: BatchIn) -> Response:
        """``{"results": [...]}`` in input order: a report, or ``{"error": ..., "status": ...}``.

        ``pipeline`` applies to every document that names none."""
        count = len(body.documents)
        if not 1 <= count <= settings.max_batch:
            reason = f"give 1 to {settings.max_batch} documents (got {count})"
            raise RequestInvalidError([{"field": "body.documents", "message": reason}])
        items = [parse_item(item, i, body.pipeline) for i, item in enumerate(body.documents)]
        results = await runner.run_within(engine.run, items)
        return _json('{"results":[' + ",".join(_item(r) for r in results) + "]}")

    @router.get(
        "/analyses/{analysis_id}",
        summary="A stored analysis",
        response_model=Report,
        responses=REPORT,
    )
    def get_analysis(
        analysis_id: str,
        pipeline: Annotated[
            PipelineName | None,
            Query(description="The pipeline's analysis (default: fast's if stored, else any)."),
        ] = None,
    ) -> Response:
        """The fast and the deep analysis of one text share an id; ``pipeline`` picks one."""
        return _json(engine.get(analysis_id, pipeline).report_json)

    @router.get("/analyses", summary="The most recent analyses, newest first")
    def recent(limit: int = Query(20, ge=1, le=100)) -> dict[str, list[dict[str, Any]]]:
        return {"analyses": engine.recent(limit)}

    @router.get("/health", summary="Liveness and what is loaded")
    def health() -> dict[str, Any]:
        """``queued``: documents waiting in each analysis lane (timed-out requests not counted);
        ``pipelines``: those loaded (deep is loaded on its first request)."""
        return {
            "status": "ok",
            "model": {"name": engine.analyzer.info.name, "sha256": engine.model_sha256},
            "analyses": engine.history.count(),
            "queued": engine.queued(),
            "url_input": settings.allow_url,
            "pipelines": engine.pipelines.loaded(),
        }

    router.add_api_route("/health", health, methods=["HEAD"], include_in_schema=False)

    @router.get("/model", summary="The model card")
    def model() -> dict[str, Any]:
        """The card as loaded, plus ``decision``: the uncertain band, the verdict edges and the
        threshold, all P(unreliable) as reported, each with its meaning.  The config's
        balanced-scale band is ``config.uncertain_band_balanced``; a metric that training left
        undefined (NaN) is ``null``.  ``pipelines``: those a request may name, the default
        one, and the deep model's name, creation time and architecture (``null`` when
        its card cannot be read), with ``decision``: the band and threshold of the deep
        pipeline's own verdict (``null`` when it uses the fast one)."""
        deep = engine.pipelines.deep_card()
        pipelines = {
            "available": [name for name in PIPELINES if name != DEEP or deep is not None],
            "default": FAST,
            "loaded": engine.pipelines.loaded(),
            "deep": deep,
        }
        return _finite({**card_view(engine.analyzer.model.card), "pipelines": pipelines})

    return router
