"""Every error leaves the service as JSON: ``{"error": {"code": ..., "message": ...}}``.

Coded errors keep their status; FastAPI's validation errors become 422 naming
the field path, or 415 (E030) when the body was not sent as JSON at all;
routing errors (404, 405) get code E022, and an unknown path asked for by a
browser (``Accept: text/html``) gets the same error as an HTML page; anything
unexpected is logged and answered with a JSON 500 that carries no traceback.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from ..errors import E, InputError, VeracityError
from .limits import error_response
from .page import message_page
from .schemas import validation_error

log = logging.getLogger("veracity.service")


class HTTPError(VeracityError):
    """A routing-level failure (unknown path, wrong method), with the status Starlette chose."""

    def __init__(self, status: int, method: str, path: str, reason: str) -> None:
        super().__init__(E.E022, method=method, path=path, reason=reason)
        self.status = status


async def _coded(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, VeracityError)
    return error_response(exc)


class MediaTypeError(InputError):
    """A JSON endpoint was sent a body of another content type."""

    status = 415


def _is_json(ctype: str) -> bool:
    """FastAPI's rule: no content type, ``application/json`` or ``application/*+json``."""
    media = ctype.split(";", 1)[0].strip().lower()
    return (
        not media
        or media == "application/json"
        or (media.startswith("application/") and media.endswith("+json"))
    )


async def _invalid(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    ctype = request.headers.get("content-type", "")
    if request.method == "POST" and not _is_json(ctype):
        hint = "send the body as JSON with the header Content-Type: application/json"
        return error_response(MediaTypeError(E.E030, ctype=ctype, path=request.url.path, hint=hint))
    return error_response(validation_error(exc.errors()))


async def _http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    err = HTTPError(exc.status_code, request.method, request.url.path, str(exc.detail))
    if exc.status_code == 404 and "text/html" in request.headers.get("accept", ""):
        return await run_in_threadpool(message_page, request, "Page not found", err)
    response = error_response(err)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    reason = "internal error; it was logged on the server"
    return error_response(HTTPError(500, request.method, request.url.path, reason))


def install_handlers(app: FastAPI) -> None:
    app.add_exception_handler(VeracityError, _coded)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(Exception, _unexpected)
