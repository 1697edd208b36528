"""Request bodies of the JSON API (pydantic), and validation errors as JSON.

Every user string shown as a label (``name``, ``title``, an uploaded file's
name) passes :class:`Labels`: at most :data:`NAME_MAX_CHARS` /
:data:`TITLE_MAX_CHARS` characters as sent (longer is refused, E013), then
cleaned (:func:`veracity.text.inputs.clean_label`: mojibake repaired, control,
zero-width and bidi characters removed, whitespace runs made one space).  A label left empty by
cleaning counts as not given.

``pipeline`` names the analysis of a request: ``fast`` (the default) or ``deep``
(:mod:`veracity.signals.pipelines`); any other value is refused like any invalid
field (422, E013).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from ..config import MAX_TITLE_CHARS
from ..errors import E, InputError
from ..text.inputs import clean_label

SOURCES = ("text", "html", "url")
#: Longest ``name`` (characters as sent), for the API, the form and uploaded file names alike.
NAME_MAX_CHARS = 300
#: Longest ``title`` (characters as sent): the limit ``veracity score`` applies too.
TITLE_MAX_CHARS = MAX_TITLE_CHARS
#: The pipelines a request may name (the keys of :data:`veracity.signals.pipelines.PIPELINES`).
PipelineName = Literal["fast", "deep"]
#: The API's pipeline when a request names none.
API_PIPELINE: PipelineName = "fast"
_PIPELINE_HELP = (
    "fast: hashed n-grams and rules (the API's default); deep: one int8 transformer pass per "
    "sentence, loaded on its first request. The report's model.pipeline says which ran."
)


def _encodable(value: str | None) -> str | None:
    if value is not None:
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("not valid Unicode text (lone surrogate escape)") from None
    return value


class Labels(BaseModel):
    """The optional name and title of an article, checked and cleaned (see the module docstring)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    name: str | None = Field(
        default=None,
        max_length=NAME_MAX_CHARS,
        description="A label stored with the analysis (default: the title or the first words).",
    )
    title: str | None = Field(
        default=None,
        max_length=TITLE_MAX_CHARS,
        description=(
            "The article's headline: shown in the report and part of its id (the bundled "
            "model scores the text alone, see BENCHMARKS.md 'Headlines')."
        ),
    )

    @field_validator("name", "title")
    @classmethod
    def _label(cls, value: str | None) -> str | None:
        checked = _encodable(value)
        return None if checked is None else (clean_label(checked) or None)


class DocumentIn(Labels):
    """One article: exactly one of ``text``, ``html`` or ``url``, an optional name and title."""

    text: str | None = Field(default=None, description="Plain article text.")
    html: str | None = Field(default=None, description="An HTML page; its main text is analysed.")
    url: str | None = Field(
        default=None, description="An http(s) URL to fetch (only when the server allows it)."
    )
    pipeline: PipelineName = Field(default=API_PIPELINE, description=_PIPELINE_HELP)

    @field_validator("text", "html", "url")
    @classmethod
    def _encodable(cls, value: str | None) -> str | None:
        return _encodable(value)

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
    pipeline: PipelineName = Field(
        default=API_PIPELINE,
        description="The pipeline of every document that names none. " + _PIPELINE_HELP,
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


def parse_item(
    item: Any, index: int, pipeline: str = API_PIPELINE
) -> DocumentIn | RequestInvalidError:
    """Validate batch item ``index`` (``pipeline`` unless it names one); an error instead of
    raising."""
    if isinstance(item, dict):
        item = {"pipeline": pipeline, **item}
    try:
        return DocumentIn.model_validate(item)
    except ValidationError as exc:
        return validation_error(exc.errors(include_url=False), ("documents", index))
