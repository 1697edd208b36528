"""The vectorised sentence sentiment equals the simple one, sentence by sentence."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from veracity.signals.sentiment import NEGATORS, compound, compound_many, lexicon

_TOKENS = st.sampled_from(
    ["good", "great", "bad", "evil", "love", "hate", "the", "vote", "!", "?", *sorted(NEGATORS)]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_TOKENS, max_size=40), max_size=12))
def test_sentiment_compound_many_equals_compound(sentences: list[list[str]]) -> None:
    assert compound_many(sentences).tolist() == [compound(s) for s in sentences]


def test_sentiment_compound_many_scores_negation_and_emphasis() -> None:
    assert "good" in lexicon()
    plain, negated, loud = compound_many([["good"], ["not", "very", "good"], ["good", "!", "!"]])
    assert negated < 0 < plain < loud
    assert compound_many([]).shape == (0,)
