"""Every error leaves the service as JSON: ``{"error": {"code": ..., "message": ...}}``.

Coded errors keep their status; FastAPI's validation errors become 422 naming
the field path; routing errors (404, 405) get code E022; anything unexpected
is logged and answered with a JSON 500 that carries no traceback.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from ..errors import E, VeracityError
from .limits import error_response
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


async def _invalid(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    return error_response(validation_error(exc.errors()))


async def _http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    err = HTTPError(exc.status_code, request.method, request.url.path, str(exc.detail))
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
