"""The web page: a form at ``/``, a permalink page per analysis, API docs at ``/docs``.

No script runs anywhere (the CSP says ``default-src 'none'``): the form posts
multipart to ``/a`` and is redirected to the permalink, ``/a/{id}?pipeline=...``
(the fast and the deep analysis of one text share an id; without the
parameter the fast one is shown if stored, else the other).  The form's
pipeline is ``deep`` unless ``fast`` is chosen; the report page says which
pipeline made it.  Article text reaches the page only through Jinja2 autoescaping and
:func:`veracity.views.html.render_fragment`.  Names and titles are checked and
cleaned like those of the API (:class:`~veracity.service.schemas.Labels`, an
uploaded file's name included), and every user string on a page is set in
``<bdi>``, so right-to-left text cannot reorder the line around it.
"""

from __future__ import annotations

from functools import cache
from typing import Any, cast
from urllib.parse import urlencode

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import ChoiceLoader, Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from ..errors import E, InputError, VeracityError
from ..signals.pipelines import DEEP, PIPELINES
from ..views.html import render_fragment
from .analyses import Analyses, Upload
from .limits import Runner
from .schemas import NAME_MAX_CHARS, TITLE_MAX_CHARS, DocumentIn, Labels, PipelineName
from .settings import Settings

RECENT_ON_PAGE = 15
_FORM_FIELDS = ("text", "url", "name", "title", "pipeline")
#: The pipeline of the page's form unless another is chosen.
PAGE_PIPELINE = DEEP


@cache
def _env() -> Environment:
    return Environment(
        loader=ChoiceLoader(
            [
                PackageLoader("veracity.service", "templates"),
                PackageLoader("veracity.views", "templates"),
            ]
        ),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(template: str, **context: Any) -> str:
    return _env().get_template(template).render(**context)


async def _form_item(request: Request, settings: Settings) -> DocumentIn | Upload:
    """The one input the form gives: an uploaded file, a URL or pasted text."""
    form = await request.form(max_files=1, max_fields=8, max_part_size=settings.max_body_bytes)
    values = {
        k: v.strip() if isinstance(v, str) else "" for k in _FORM_FIELDS for v in [form.get(k, "")]
    }
    upload = form.get("file")
    labels = {"name": values["name"] or None, "title": values["title"] or None}
    pipeline = _pipeline(values["pipeline"] or PAGE_PIPELINE, "pipeline")
    given: list[DocumentIn | Upload] = []
    if isinstance(upload, UploadFile) and upload.filename:
        checked = Labels.model_validate({**labels, "name": labels["name"] or upload.filename})
        data = await upload.read(settings.max_input_bytes + 1)
        name = checked.name or "upload"
        given.append(Upload(data=data, name=name, title=checked.title, pipeline=pipeline))
    if values["url"]:
        given.append(DocumentIn(url=values["url"], pipeline=pipeline, **labels))
    if values["text"]:
        given.append(DocumentIn(text=values["text"], pipeline=pipeline, **labels))
    if len(given) != 1:
        raise InputError(
            E.E013, field="form", reason="paste text, choose a file or give a URL (exactly one)"
        )
    return given[0]


def _pipeline(value: str, field: str) -> PipelineName:
    """``value`` if it names a pipeline, else a coded input error naming ``field``."""
    if value not in PIPELINES:
        reason = f"{value!r} is not one of {', '.join(PIPELINES)}"
        raise InputError(E.E013, field=field, reason=reason)
    return cast(PipelineName, value)


def permalink_url(analysis_id: str, pipeline: str) -> str:
    """The page of the analysis ``analysis_id`` made by ``pipeline``."""
    return f"/a/{analysis_id}?{urlencode({'pipeline': pipeline})}"


async def _checked_form_item(request: Request, settings: Settings) -> DocumentIn | Upload:
    """:func:`_form_item`, with a field that fails validation as a coded input error."""
    try:
        return await _form_item(request, settings)
    except ValidationError as err:
        first = err.errors()[0]
        field = ".".join(str(p) for p in first.get("loc", ())) or "form"
        raise InputError(E.E013, field=field, reason=str(first.get("msg", "invalid"))) from None


def common(engine: Analyses, settings: Settings) -> dict[str, Any]:
    """What every page shows: the model, the recent analyses, the input limits."""
    return {
        "model_name": engine.analyzer.info.name,
        "model_sha": engine.model_sha256,
        "recent": engine.recent(RECENT_ON_PAGE),
        "allow_url": settings.allow_url,
        "max_input_bytes": settings.max_input_bytes,
        "name_max": NAME_MAX_CHARS,
        "title_max": TITLE_MAX_CHARS,
        "pipelines": list(PIPELINES),
        "page_pipeline": PAGE_PIPELINE,
        "permalink_url": permalink_url,
    }


def message_page(request: Request, heading: str, err: VeracityError) -> HTMLResponse:
    """An error as a page (status ``err.status``), for a browser."""
    state = request.app.state
    context = common(state.engine, state.settings)
    body = render("message.html.j2", heading=heading, error=err, **context)
    return HTMLResponse(body, status_code=err.status)


def page_router(engine: Analyses, runner: Runner, settings: Settings) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    def home(form: dict[str, str], error: VeracityError | None = None) -> HTMLResponse:
        body = render("home.html.j2", form=form, error=error, **common(engine, settings))
        return HTMLResponse(body, status_code=error.status if error else 200)

    @router.api_route("/", methods=["GET", "HEAD"], response_class=HTMLResponse)
    def index() -> HTMLResponse:
        return home({})

    @router.post("/a")
    async def submit(request: Request) -> Response:
        try:
            item = await _checked_form_item(request, settings)
            result = (await runner.run_within(engine.run, [item]))[0]
            if isinstance(result, VeracityError):
                raise result
        except VeracityError as err:
            form = await request.form()
            kept = {k: v for k in _FORM_FIELDS for v in [form.get(k)] if isinstance(v, str)}
            return await runner.run(home, kept, err)
        pipeline = str(result.stored.report["model"]["pipeline"])
        return RedirectResponse(permalink_url(result.id, pipeline), status_code=303)

    @router.api_route("/a/{analysis_id}", methods=["GET", "HEAD"], response_class=HTMLResponse)
    def permalink(request: Request, analysis_id: str) -> HTMLResponse:
        """The analysis of the ``pipeline`` query parameter (without it: fast's, else any)."""
        asked = request.query_params.get("pipeline")
        try:
            pipeline = None if asked is None else _pipeline(asked, "query.pipeline")
        except VeracityError as err:
            return message_page(request, "Unknown pipeline", err)
        try:
            stored = engine.get(analysis_id, pipeline)
        except VeracityError as err:
            return message_page(request, "Analysis not found", err)
        report = stored.as_report()
        fragment = Markup(render_fragment(report, stored.text))  # noqa: S704
        body = render(
            "report_page.html.j2", report=report, fragment=fragment, **common(engine, settings)
        )
        return HTMLResponse(body)

    return router


def docs_router(app: FastAPI) -> APIRouter:
    """``/docs``: the OpenAPI schema as a plain HTML page, no external assets."""
    router = APIRouter(include_in_schema=False)

    @router.get("/docs", response_class=HTMLResponse)
    def docs() -> HTMLResponse:
        return HTMLResponse(render("docs.html.j2", api=app.openapi()))

    return router
