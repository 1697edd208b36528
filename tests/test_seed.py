"""The shared seed article: a fake-site story wrapping wire copy in invented commentary.

The seed is read from ../shared at test time; nothing of it is copied here.  Its
cased-prose twin is produced by :func:`to_prose`, which undoes the research
corpus's tokenisation the way an editor would retype it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from veracity.analyze import Analyzer
from veracity.text.inputs import document_from_text
from veracity.text.normalize import tokens

pytestmark = pytest.mark.data

PROPER = {
    "u.s.": "U.S.",
    "u.n.": "U.N.",
    "u.n": "U.N",
    "obama": "Obama",
    "putin": "Putin",
    "russia": "Russia",
    "russian": "Russian",
    "moscow": "Moscow",
    "washington": "Washington",
    "syria": "Syria",
    "syrian": "Syrian",
    "islamic": "Islamic",
    "state": "State",
    "reuters": "Reuters",
    "pentagon": "Pentagon",
}
CONTRACTIONS = re.compile(r"\b(\w+) (s|t|re|ve|ll|d|m) ")


def to_prose(corpus_form: str) -> str:
    """Lower-cased, tokenised, one-sentence-per-line text -> ordinary cased prose."""
    text = re.sub(r"([a-z])\.([a-z])", r"\1. \2", corpus_form)  # glued sentences
    text = CONTRACTIONS.sub(lambda m: f"{m.group(1)}'{m.group(2)} ", text)
    text = re.sub(r" ([,.:;!?])", r"\1", text)
    words = [PROPER.get(w, w) for w in text.split(" ")]
    text = " ".join(words)
    text = re.sub(r"(^|[.!?]\s+)([a-z])", lambda m: m.group(1) + m.group(2).upper(), text)
    return re.sub(r"\bi\b", "I", text).replace("\n", " ")


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer.load()


def test_seed_prose_twin_differs_in_form_only(seed_path: Path) -> None:
    seed = seed_path.read_text(encoding="utf-8")
    prose = to_prose(seed)
    assert prose != seed and any(c.isupper() for c in prose) and "'" in prose
    assert tokens(prose) == tokens(seed)


def test_seed_and_prose_twin_score_within_005(seed_path: Path, analyzer: Analyzer) -> None:
    seed = seed_path.read_text(encoding="utf-8")
    p_seed, p_prose = analyzer.probabilities([seed, to_prose(seed)])
    assert abs(p_seed - p_prose) <= 0.05


@pytest.mark.parametrize("pipeline", ["fast", "deep"])
def test_seed_is_not_judged_reliable_by_a_model_trained_without_it(
    seed_path: Path, pipeline: str
) -> None:
    """The bundled models never saw the seed (it is held out of every corpus, see
    ``test_pipeline_real_bundled_model_card_lists_the_held_out_seed``; the deep verdict is
    fitted on the same rows); neither pipeline may pass it as reliable (issue 18)."""
    analyzer = Analyzer.load(pipeline=pipeline, threads=1)
    report = analyzer.analyze(document_from_text(seed_path.read_text(encoding="utf-8")))
    assert report.verdict != "reliable"
    assert report.probability > report.uncertain_band[0]
    assert report.input_kind == "corpus"
