"""The Doc: each article is split, tokenised and given roles once per analysis."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import veracity.signals.roles as roles_module
import veracity.text.sentences as sentences_module
from veracity.analyze import Analyzer
from veracity.doc import DocCache, as_docs, make_doc
from veracity.text.normalize import tokens, word_count

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

_PIECES = st.sampled_from(
    [
        "Mr.",
        "U.S.",
        "escalated.Just",
        "The",
        "end.",
        "é",
        "e\u0301",
        "\u0301x",
        "x\u200b",
        "!",
        "?",
        "2.5",
        "\n",
        "\n\n",
        "\ufb01ne",
        "İ",
        "\r\n",
        "\u2026",
        "\u2028",
        "he said",
        "\u201cWe",
        "must.\u201d",
    ]
) | st.text(max_size=5)


@settings(max_examples=500, deadline=None)
@given(st.lists(_PIECES, max_size=30).map(" ".join) | st.lists(_PIECES, max_size=30).map("".join))
def test_doc_sentences_tokens_and_roles_line_up(text: str) -> None:
    doc = make_doc(text)
    assert len(doc.sentences) == len(doc.tokens) == len(doc.roles)
    for s, toks in zip(doc.sentences, doc.tokens, strict=True):
        assert text[s.start : s.end] == s.text
        assert list(toks) == tokens(s.text)
    # One word count: no token spans two sentences, so the sentences' tokens are the text's.
    assert doc.words == word_count(tokens(text))
    assert doc.canonical.split() == tokens(text)


def test_doc_cache_parses_each_row_once_and_again_when_its_text_changes() -> None:
    cache = DocCache()
    first = cache.docs(["a", "b"], ["One sentence here.", "Another one."])
    again = cache.docs(["b", "a"], ["Another one.", "One sentence here."])
    assert again[0] is first[1] and again[1] is first[0]
    changed = cache.docs(["a"], ["A new text."])
    assert changed[0] is not first[0] and changed[0].text == "A new text."


def test_doc_as_docs_keeps_docs_and_parses_texts() -> None:
    doc = make_doc("The mayor said so.")
    out = as_docs([doc, "We must act now!"])
    assert out[0] is doc and out[1].roles[0].role == "appeal"


@pytest.fixture(scope="module", params=["fast", "deep"])
def analyzer(request: pytest.FixtureRequest) -> Analyzer:
    return Analyzer.load(pipeline=request.param)


@pytest.mark.parametrize("call", ["analyze_many", "verdicts"])
def test_doc_one_parse_per_article(
    analyzer: Analyzer, monkeypatch: pytest.MonkeyPatch, call: str
) -> None:
    """The splitter runs once per article and the role rules once per sentence, whatever
    reads the article and whichever pipeline runs (counted inside the splitter and the role
    rules, so a call from anywhere counts)."""
    texts = [path.read_text(encoding="utf-8") for path in sorted(EXAMPLES.glob("*.txt"))]
    texts += [
        f"Officials said on day {i} that the bridge would reopen. We doubt it!" for i in range(3)
    ]
    sentences = sum(len(make_doc(t).sentences) for t in texts)
    calls = {"split": 0, "roles": 0}

    def counted(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            calls[name] += 1
            return fn(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(
        sentences_module, "_candidates", counted("split", sentences_module._candidates)
    )
    monkeypatch.setattr(roles_module, "classify_role", counted("roles", roles_module.classify_role))
    getattr(analyzer, call)(texts)
    assert calls == {"split": len(texts), "roles": sentences}
