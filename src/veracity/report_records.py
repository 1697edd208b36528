"""The records a report is made of: spans, words, evidence, reasons, provenance, signals.

Every one is plain data: the leaf records are slotted dataclasses that pydantic validates wherever a
report is parsed and describes in its schema; :mod:`veracity.report` assembles them into the
:class:`~veracity.report.Report`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

Offset = Annotated[int, Field(ge=0)]
Probability = Annotated[float, Field(ge=0, le=1)]


RECORD_CONFIG = ConfigDict(extra="forbid", json_schema_serialization_defaults_required=True)


class Record(BaseModel):
    """A part of the report: no extra fields; in its JSON schema every field is required,
    because the report's JSON carries every field."""

    model_config = RECORD_CONFIG


# The leaf records are slotted dataclasses: pydantic validates them wherever a report is
# parsed (``Report.from_dict``, ``model_validate``) and describes them in the schema, while the
# analysis, which makes them by the thousand, builds them unvalidated (as ``model_construct``
# would) and without the garbage a model instance brings.


@dataclass(slots=True)
class Span:
    """A labelled character span, offsets into the article text."""

    __pydantic_config__ = RECORD_CONFIG

    start: Offset
    end: Offset
    label: str
    score: float = 1.0


@dataclass(slots=True)
class TechniqueSpan(Span):
    """A propaganda-technique span: ``label`` is the technique, ``score`` the tagger's."""

    #: Reports made before the calibrated levels have none: they read as weak.
    strength: Annotated[
        Literal["strong", "weak"],
        Field(description="'strong' at or above the technique's higher calibrated level"),
    ] = "weak"


#: The record of each span signal whose spans are not plain :class:`Span`.
SPAN_TYPES: dict[str, type[Span]] = {"techniques": TechniqueSpan}


@dataclass(slots=True)
class Term:
    """An n-gram and its signed push on the verdict (log-odds)."""

    __pydantic_config__ = RECORD_CONFIG

    term: Annotated[
        str,
        Field(
            description="an n-gram; 'm:' marks a topic-masked pattern (content words as _), "
            "'s:' an n-gram in a source's words (attributed or quoted sentence)"
        ),
    ]
    weight: float


@dataclass(slots=True)
class Word:
    """Words of the input that carry part of a sentence's push (offsets into the input)."""

    __pydantic_config__ = RECORD_CONFIG

    start: Offset
    end: Offset
    text: Annotated[str, Field(description="the input text from start to end")]
    weight: Annotated[
        float, Field(description="their push on the verdict in log-odds; > 0 towards unreliable")
    ]


@dataclass(slots=True)
class SentenceDebug:
    """The detector's own features behind a sentence's push (only when asked for)."""

    __pydantic_config__ = RECORD_CONFIG

    terms: list[Term] = field(default_factory=list)


@dataclass(slots=True)
class Match:
    """An archived passage a sentence reproduces."""

    __pydantic_config__ = RECORD_CONFIG

    doc_id: str
    source: str
    date: str
    title: str
    passage: str
    similarity: Probability


@dataclass(slots=True)
class Provenance:
    """Whether the archive holds the sentence (``supported``) or not (``added``)."""

    __pydantic_config__ = RECORD_CONFIG

    status: Literal["supported", "added"]
    matches: list[Match] = field(default_factory=list)


@dataclass(slots=True)
class Evidence:
    """A span of the input a reason rests on, in the article's own words."""

    __pydantic_config__ = RECORD_CONFIG

    start: Offset
    end: Offset
    text: Annotated[str, Field(description="the input text from start to end")]


@dataclass(slots=True)
class Reason:
    """One of the main reasons for the verdict, in plain words."""

    __pydantic_config__ = RECORD_CONFIG

    kind: Annotated[
        str, Field(description="the reason kind, declared in veracity.signals.reasons_table")
    ]
    text: Annotated[str, Field(description="the reason in plain words")]
    direction: Literal["unreliable", "reliable"]
    share: Annotated[
        Probability,
        Field(
            description="|push of the sentences it rests on| / the article's total |push|; "
            "reasons may share sentences, so their shares need not add up to 1"
        ),
    ]
    sentences: Annotated[
        list[Offset], Field(min_length=1, description="indices of the sentences it rests on")
    ]
    evidence: list[Evidence]


@dataclass(slots=True)
class Signal:
    """An article-level signal, shown against the reliable articles' range."""

    __pydantic_config__ = RECORD_CONFIG

    name: Annotated[str, Field(description="identifier, declared in veracity.signals.table")]
    value: float
    description: str
    #: How people read it ("Sourced sentences"); reports from before 1.1 have none.
    label: Annotated[str, Field(description="the signal's name in plain words")] = ""
    reliable_p10: float | None = None
    reliable_p50: float | None = None
    reliable_p90: float | None = None


class ModelInfo(Record):
    """The model that made the report."""

    name: str
    version: str
    detector: str = Field(description="registered detector name, e.g. veracity.LinearNgram.v1")
    sha256: str
    pipeline: str = Field(
        default="fast",
        description="fast: hashed n-grams and rules; deep: one int8 transformer pass per sentence",
    )
    signals_version: str = Field(
        default="", description="when the pipeline's sentence model was built (deep), else empty"
    )
    verdict: str = Field(
        default="",
        description="the model that gave the verdict and the push: the fast detector, or the "
        "pipeline's own (veracity.DeepVerdict.v1)",
    )
