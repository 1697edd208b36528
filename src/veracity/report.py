"""The one ``Report`` every face renders (CLI, HTML, service, page, batch).

A report is plain data: pydantic models whose JSON follows ``report_schema.json``
(``SCHEMA_VERSION``).  Faces never recompute analysis; they read a report.

Each sentence's signal fields (``role``, ``bias``...) are generated from the
sentence signals of :mod:`veracity.signals.table`, and ``report_schema.json`` is
generated from the models: after changing either, regenerate it with
``python -m veracity.report`` (a test checks the file on disk is up to date).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Final, Literal

from pydantic import Field, create_model, model_validator

from .report_records import (
    SPAN_TYPES,
    ModelInfo,
    Offset,
    Probability,
    Provenance,
    Reason,
    Record,
    SentenceDebug,
    Signal,
    Span,
    Word,
)
from .signals import table as tables
from .signals.table import CATEGORY, PROBABILITY, SPANS, SentenceSignal

SCHEMA_VERSION: Final = "1.5"
#: Versions :meth:`Report.from_dict` reads: a 1.1 report has no ``reasons``; the sentences of
#: 1.1 and 1.2 reports have n-gram ``terms`` where 1.3 has ``words`` (they are read as ``debug``);
#: reports before 1.4 name no pipeline in ``model`` (they were all ``fast``); reports before 1.5
#: name no ``model.verdict`` (it was the fast detector's).
SCHEMA_VERSIONS = ("1.1", "1.2", "1.3", "1.4", SCHEMA_VERSION)

VERDICTS: tuple[str, ...] = ("reliable", "unreliable", "uncertain")
if TYPE_CHECKING:
    # Callers pass a verdict as a plain string; pydantic checks it is one of VERDICTS.
    Verdict = str
else:
    Verdict = Literal[VERDICTS]

NOTICE = (
    "veracity scores credibility signals (sourcing, opinion, loaded language, style) "
    "learned from labelled corpora; it does not check whether claims are true."
)

SCHEMA_FILE = "report_schema.json"

_set = object.__setattr__


class _SentenceHead(Record):
    """Where a sentence is; the first fields of every sentence."""

    #: The sentence signals whose fields follow these (see :func:`sentence_model`).
    signal_table: ClassVar[tuple[SentenceSignal, ...]] = ()
    #: Each signal's name and how a component's output becomes its value.
    readers: ClassVar[tuple[tuple[str, Callable[[Any], Any]], ...]] = ()

    index: Offset
    start: Offset
    end: Offset
    text: str


class SentenceBase(_SentenceHead):
    """A sentence of the report: its place, its signals, its push on the verdict, its provenance.

    The signal fields come from :mod:`veracity.signals.table` (:func:`sentence_model`).
    """

    contribution: float = Field(
        default=0.0, description="signed push on the verdict in log-odds; > 0 towards unreliable"
    )
    share: float = Field(
        default=0.0, ge=-1, le=1, description="contribution / sum of |contributions|"
    )
    words: list[Word] = Field(
        default_factory=list,
        description="the words of the sentence that carry its push, strongest first",
    )
    provenance: Provenance | None = None
    debug: SentenceDebug | None = Field(
        default=None, description="internal features, only in reports made with debug on"
    )

    @model_validator(mode="before")
    @classmethod
    def _terms_of_older_reports(cls, data: Any) -> Any:
        """A 1.1 or 1.2 sentence's n-gram ``terms`` are read as its ``debug``."""
        if isinstance(data, dict) and "terms" in data:
            data = dict(data)
            terms = data.pop("terms")
            data.setdefault("debug", {"terms": terms} if terms else None)
        return data

    def scores(self) -> list[tuple[SentenceSignal, float]]:
        """The sentence's probability signals and their values, in table order (what views list)."""
        return [(s, getattr(self, s.name)) for s in self.signal_table if s.kind == PROBABILITY]

    if TYPE_CHECKING:
        # The signal fields are generated from the table: type checkers take them as Any.
        def __getattr__(self, name: str) -> Any: ...

        def __setattr__(self, name: str, value: Any) -> None: ...


def _span_reader(s: SentenceSignal) -> Callable[[Any], Any]:
    make = SPAN_TYPES.get(s.name, Span)
    return lambda spans: [make(*span) for span in spans]


#: A sentence signal's report field (its type) and how a component's output becomes its value.
_KINDS: dict[str, tuple[Callable[[SentenceSignal], Any], Callable[[SentenceSignal], Any]]] = {
    PROBABILITY: (lambda s: Probability, lambda s: lambda value: round(value, 4)),
    CATEGORY: (lambda s: Literal[s.values], lambda s: lambda value: value),
    SPANS: (lambda s: list[SPAN_TYPES.get(s.name, Span)], _span_reader),  # type: ignore[misc]
}


def sentence_model(table: Sequence[SentenceSignal]) -> type[SentenceBase]:
    """The sentence model carrying ``table``'s signals, between ``text`` and ``contribution``.

    The signal fields are a class between the head and :class:`SentenceBase` in the method
    resolution order, which is the order pydantic lays fields out in.
    """
    fields: dict[str, Any] = {
        s.name: (_KINDS[s.kind][0](s), Field(title=s.label, description=s.description))
        for s in table
    }
    signals: Any = create_model(
        "SentenceSignals", __base__=_SentenceHead, __module__=__name__, **fields
    )
    signals.signal_table = tuple(table)
    signals.readers = tuple((s.name, _KINDS[s.kind][1](s)) for s in table)
    return create_model(
        "SentenceReport",
        __base__=(SentenceBase, signals),
        __module__=__name__,
        __doc__=SentenceBase.__doc__,
    )


if TYPE_CHECKING:
    SentenceReport = SentenceBase
else:
    SentenceReport = sentence_model(tables.SENTENCE_SIGNALS)


class Report(Record):
    """One analysed article: calibrated P(unreliable), verdict with an uncertain band, and a
    sentence map."""

    #: The model of :attr:`sentences` (:func:`report_model`).
    sentence_type: ClassVar[type[SentenceBase]] = SentenceReport

    # The fields in the order of the report's JSON (model, sentences and signals last).
    id: str = Field(pattern="^[0-9a-f]{16,64}$", description="sha256 prefix of the cleaned text")
    created: str = Field(description="ISO 8601 UTC time of the analysis")
    input_name: str
    input_kind: Literal["text", "html", "corpus", "url"]
    words: Offset
    probability: Probability = Field(description="calibrated P(unreliable)")
    verdict: Verdict
    uncertain_band: tuple[float, float]
    abstain_reason: str | None
    reasons: list[Reason] = Field(
        default_factory=list,
        description="the three to five main reasons for the verdict, largest share of the push "
        "first (fewer when fewer sentences push; none in reports before 1.2)",
    )
    added_share: Probability | None = None
    title: str | None = Field(default=None, description="the headline, when one was given")
    repaired_chars: Offset = Field(
        default=0,
        description="characters changed by mojibake repair (ftfy) before analysis; "
        "0 when the text was clean",
    )
    schema_version: Literal[SCHEMA_VERSIONS] = SCHEMA_VERSION  # type: ignore[valid-type]
    notice: str = NOTICE
    model: ModelInfo
    sentences: list[SentenceReport] = Field(default_factory=list)
    signals: list[Signal] = Field(default_factory=list)

    @classmethod
    def sentence(
        cls,
        signals: Any,
        index: int,
        start: int,
        end: int,
        text: str,
        contribution: float,
        share: float,
        words: list[Word],
        debug: SentenceDebug | None = None,
    ) -> SentenceReport:
        """A sentence of this report, without provenance: each table signal is read from the
        attribute of that name of ``signals`` (the output of the components).

        The analysis makes sentences by the thousand from values it made valid, so this builds
        them unvalidated, as ``model_construct`` does but quicker (every field is given, in
        field order); :meth:`from_dict` validates what comes from outside.
        """
        model = cls.sentence_type
        values = {"index": index, "start": start, "end": end, "text": text}
        for name, read in model.readers:
            values[name] = read(getattr(signals, name))
        values.update(
            contribution=contribution, share=share, words=words, provenance=None, debug=debug
        )
        sentence = model.__new__(model)
        _set(sentence, "__dict__", values)
        _set(sentence, "__pydantic_fields_set__", set(values))
        _set(sentence, "__pydantic_extra__", None)
        _set(sentence, "__pydantic_private__", None)
        return sentence

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data."""
        return self.model_dump(mode="json")

    def to_json(self, indent: int | None = None) -> str:
        """The report as JSON text: indented by ``json.dumps`` when asked, else compact, written
        by pydantic (a quarter of the time).  Both parse to :meth:`to_dict`; their texts differ
        only in how a float under 1e-4 or in exponent form is spelled (``1e-5``, ``1e-05``)."""
        if indent is None:
            return self.model_dump_json()
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        return cls.model_validate(data)


_MODELS: dict[int, type[Report]] = {id(tables.SENTENCE_SIGNALS): Report}


def report_model(table: tuple[SentenceSignal, ...] | None = None) -> type[Report]:
    """The report model whose sentences carry ``table``'s signals (by default, those of
    :data:`veracity.signals.table.SENTENCE_SIGNALS` as it stands); made once per table."""
    table = tables.SENTENCE_SIGNALS if table is None else table
    model = _MODELS.get(id(table))
    if model is None or model.sentence_type.signal_table is not table:
        sentence = sentence_model(table)
        model = create_model(
            "Report",
            __base__=Report,
            __module__=__name__,
            __doc__=Report.__doc__,
            sentences=(list[sentence], Field(default_factory=list)),  # type: ignore[valid-type]
        )
        model.sentence_type = sentence
        _MODELS[id(table)] = model
    return model


def generate_schema(model: type[Report] | None = None) -> dict[str, Any]:
    """The JSON schema of :meth:`Report.to_dict` (of ``model``; default :func:`report_model`)."""
    schema = (model or report_model()).model_json_schema(mode="serialization")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"veracity/report/{SCHEMA_VERSION}",
        **schema,
        "title": "veracity Report",
        "description": f"{schema['description']} Version {SCHEMA_VERSION}.",
    }


def json_schema() -> dict[str, Any]:
    """The shipped JSON schema (``report_schema.json``), versioned by ``SCHEMA_VERSION``."""
    text = resources.files("veracity").joinpath(SCHEMA_FILE).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def schema_text() -> str:
    """``report_schema.json`` as :func:`generate_schema` makes it."""
    return json.dumps(generate_schema(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    Path(__file__).with_name(SCHEMA_FILE).write_text(schema_text(), encoding="utf-8")
