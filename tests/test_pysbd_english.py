from __future__ import annotations

from pathlib import Path

import pysbd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pysbd.lang.english import English

from veracity.data.pipeline import load_articles
from veracity.text.pysbd_english import pysbd_sentences


def _pysbd(text: str) -> list[str]:
    return list(pysbd.Segmenter(language="en", clean=False).processor(text).process())


_ABBREVIATIONS = sorted({a.strip() for a in English.Abbreviation.ABBREVIATIONS})
_WORD = st.one_of(
    st.sampled_from(_ABBREVIATIONS).map(lambda a: a + "."),
    st.sampled_from(_ABBREVIATIONS).map(str.upper),
    st.sampled_from(_ABBREVIATIONS).map(str.title),
    st.sampled_from(["U.S.", "e.g.", "i.e.", "Ph.D.", "a.m.", "No.", "5", "(3)", "it", "The"]),
    st.sampled_from(["\u0130s.", "\u0131s.", "\u017ft.", "\u212ay.", "u s.", "uxs."]),
    st.text(alphabet="aeiklmnosu.", min_size=1, max_size=5),
)
_TEXT = st.lists(
    st.tuples(_WORD, st.sampled_from([" ", " ", " ", "  ", "\n", ": ", ", "])),
    max_size=25,
).map(lambda parts: "".join(w + s for w, s in parts))


@settings(max_examples=400, deadline=None)
@given(_TEXT)
def test_pysbd_english_same_sentences_as_pysbd(text: str) -> None:
    assert pysbd_sentences(text) == _pysbd(text)


@pytest.mark.parametrize(
    "text",
    [
        "He met Dr. Smith and Mr. Jones in the U.S. on Monday. Then he left.",
        "It is. Is it? The art. Art. 5 says no. No. 10 is here.",
        "The \u0130s. case, the \u017ft. case and the \u212ay. case. Then more.",
        "Use the uxs. form e.g. here, i.e. there. Done.",
    ],
)
def test_pysbd_english_same_sentences_on_abbreviations(text: str) -> None:
    assert pysbd_sentences(text) == _pysbd(text)


@pytest.mark.data
@pytest.mark.slow
def test_pysbd_english_same_sentences_on_the_corpora(data_root: Path) -> None:
    frame, _ = load_articles(data_root, scrub=False, dedup=False)
    texts = list(frame["text"].astype(str))[::4]
    pieces = [t[k : k + 1500] for t in texts for k in range(0, min(len(t), 3000), 1500)]
    assert [pysbd_sentences(p) for p in pieces] == [_pysbd(p) for p in pieces]
