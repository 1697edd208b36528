"""The one ``Report`` every face renders (CLI, HTML, service, page, batch).

A report is plain data: dataclasses that serialise to JSON following
``report_schema.json`` (``SCHEMA_VERSION``).  Faces never recompute analysis;
they read a report.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

SCHEMA_VERSION = "1.1"

VERDICTS = ("reliable", "unreliable", "uncertain")

NOTICE = (
    "veracity scores credibility signals (sourcing, opinion, loaded language, style) "
    "learned from labelled corpora; it does not check whether claims are true."
)


@dataclass
class Span:
    """A labelled character span, offsets into the article text."""

    start: int
    end: int
    label: str
    score: float = 1.0


@dataclass
class Term:
    """An n-gram and its signed push on the verdict (log-odds)."""

    term: str
    weight: float


@dataclass
class Match:
    """An archived passage a sentence reproduces."""

    doc_id: str
    source: str
    date: str
    title: str
    passage: str
    similarity: float


@dataclass
class Provenance:
    status: str  # "supported" | "added"
    matches: list[Match] = field(default_factory=list)


@dataclass
class SentenceReport:
    index: int
    start: int
    end: int
    text: str
    role: str
    role_cues: list[Span] = field(default_factory=list)
    techniques: list[Span] = field(default_factory=list)
    bias: float | None = None
    subjectivity: float | None = None
    checkworthy: float | None = None
    contribution: float = 0.0
    share: float = 0.0
    terms: list[Term] = field(default_factory=list)
    provenance: Provenance | None = None


@dataclass
class Signal:
    """An article-level signal, shown against the reliable articles' range."""

    name: str
    value: float
    description: str
    #: How people read it ("Sourced sentences"); reports from before 1.1 have none.
    label: str = ""
    reliable_p10: float | None = None
    reliable_p50: float | None = None
    reliable_p90: float | None = None


@dataclass
class ModelInfo:
    name: str
    version: str
    detector: str
    sha256: str


@dataclass
class Report:
    id: str
    created: str
    model: ModelInfo
    input_name: str
    input_kind: str
    words: int
    probability: float
    verdict: str
    uncertain_band: tuple[float, float]
    abstain_reason: str | None
    sentences: list[SentenceReport] = field(default_factory=list)
    signals: list[Signal] = field(default_factory=list)
    added_share: float | None = None
    title: str | None = None
    repaired_chars: int = 0
    schema_version: str = SCHEMA_VERSION
    notice: str = NOTICE

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (hand-written: ``dataclasses.asdict`` is slow here)."""
        out = {k: v for k, v in vars(self).items() if k not in ("model", "sentences", "signals")}
        out["uncertain_band"] = list(self.uncertain_band)
        out["model"] = dict(vars(self.model))
        out["sentences"] = [_sentence_dict(s) for s in self.sentences]
        out["signals"] = [dict(vars(g)) for g in self.signals]
        return out

    def to_json(self, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        sentences = []
        for s in data.get("sentences", []):
            prov = s.get("provenance")
            sentences.append(
                SentenceReport(
                    **{
                        **s,
                        "role_cues": [Span(**c) for c in s.get("role_cues", [])],
                        "techniques": [Span(**c) for c in s.get("techniques", [])],
                        "terms": [Term(**t) for t in s.get("terms", [])],
                        "provenance": None
                        if prov is None
                        else Provenance(prov["status"], [Match(**m) for m in prov["matches"]]),
                    }
                )
            )
        return cls(
            **{
                **data,
                "model": ModelInfo(**data["model"]),
                "uncertain_band": tuple(data["uncertain_band"]),
                "sentences": sentences,
                "signals": [Signal(**g) for g in data.get("signals", [])],
            }
        )


def _sentence_dict(s: SentenceReport) -> dict[str, Any]:
    out = dict(vars(s))
    out["role_cues"] = [dict(vars(c)) for c in s.role_cues]
    out["techniques"] = [dict(vars(t)) for t in s.techniques]
    out["terms"] = [dict(vars(t)) for t in s.terms]
    if s.provenance is not None:
        out["provenance"] = {
            "status": s.provenance.status,
            "matches": [dict(vars(m)) for m in s.provenance.matches],
        }
    return out


def json_schema() -> dict[str, Any]:
    """The JSON schema of :meth:`Report.to_dict`, versioned by ``SCHEMA_VERSION``."""
    text = resources.files("veracity").joinpath("report_schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema
