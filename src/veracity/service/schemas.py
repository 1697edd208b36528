"""Request bodies of the JSON API (pydantic), and validation errors as JSON."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from ..errors import E, InputError

SOURCES = ("text", "html", "url")


class DocumentIn(BaseModel):
    """One article: exactly one of ``text``, ``html`` or ``url``, and an optional name."""

    model_config = ConfigDict(extra="forbid", strict=True)

    text: str | None = Field(default=None, description="Plain article text.")
    html: str | None = Field(default=None, description="An HTML page; its main text is analysed.")
    url: str | None = Field(
        default=None, description="An http(s) URL to fetch (only when the server allows it)."
    )
    name: str | None = Field(
        default=None, max_length=300, description="A label stored with the analysis."
    )

    @field_validator("text", "html", "url", "name")
    @classmethod
    def _encodable(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise ValueError("not valid Unicode text (lone surrogate escape)") from None
        return value

    @model_validator(mode="after")
    def _exactly_one_source(self) -> DocumentIn:
        given = [key for key in SOURCES if getattr(self, key) is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one of text, html, url (got {len(given)})")
        return self

    @property
    def source(self) -> str:
        return next(key for key in SOURCES if getattr(self, key) is not None)


class BatchIn(BaseModel):
    """Several articles; each item is checked on its own and may fail on its own."""

    model_config = ConfigDict(extra="forbid", strict=True)

    documents: list[Any] = Field(
        description="Up to 100 objects shaped like the body of POST /v1/analyze."
    )


def field_path(loc: Sequence[int | str]) -> str:
    """``("body", "documents", 2, "text")`` -> ``"body.documents.2.text"``."""
    return ".".join(str(part) for part in loc) or "body"


class RequestInvalidError(InputError):
    """Malformed input (E013): names the first bad field and lists every problem."""

    def __init__(self, details: list[dict[str, str]]) -> None:
        super().__init__(E.E013, field=details[0]["field"], reason=details[0]["message"])
        self.field = details[0]["field"]
        self.details = details

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "field": self.field, "errors": self.details}


def validation_error(
    errors: Sequence[Any], prefix: Sequence[int | str] = ()
) -> RequestInvalidError:
    """The pydantic/FastAPI ``errors()`` list as one coded error."""
    details = [
        {"field": field_path([*prefix, *e.get("loc", ())]), "message": str(e.get("msg", ""))}
        for e in errors
    ] or [{"field": field_path(prefix), "message": "invalid"}]
    return RequestInvalidError(details)


def parse_item(item: Any, index: int) -> DocumentIn | RequestInvalidError:
    """Validate batch item ``index``; an error instead of raising."""
    try:
        return DocumentIn.model_validate(item)
    except ValidationError as exc:
        return validation_error(exc.errors(include_url=False), ("documents", index))
