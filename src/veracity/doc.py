"""The ``Doc``: one article, parsed once.

An analysis makes one :class:`Doc` per article at its start (:func:`make_doc`):
the text's sentences with their offsets, each sentence's canonical tokens and
its role with the cues that gave it.  Every later stage reads the Doc (the
article detector, the sentence signals, the explanation, the views); none
splits, tokenises or assigns roles again, so nothing on the scoring path needs
a cache keyed by text (spaCy's ``Doc`` is the model).

Components may keep what they derive from a Doc in :attr:`Doc.annotations`,
keyed by a name of their own (the n-gram counts a detector took, say); a
training or evaluation loop that refits on the same Docs then finds them there.
A Doc lives as long as its caller holds it, and so do its annotations.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .signals.roles import RoleResult, assign_roles
from .stopping import Stop, go_on
from .text.normalize import sentence_tokens, word_count
from .text.sentences import Sentence, split_sentences


@dataclass(frozen=True, eq=False)
class Doc:
    """An article's text, sentences (offsets into :attr:`text`), tokens and roles."""

    text: str
    sentences: tuple[Sentence, ...]
    #: Canonical tokens of each sentence (:func:`veracity.text.normalize.tokens`).
    tokens: tuple[tuple[str, ...], ...]
    #: Each sentence's role and cues (offsets relative to the sentence).
    roles: tuple[RoleResult, ...]
    annotations: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def sentence_texts(self) -> tuple[str, ...]:
        return tuple(s.text for s in self.sentences)

    @property
    def words(self) -> int:
        """The word count (:func:`~veracity.text.normalize.word_count` over every sentence)."""
        return sum(map(word_count, self.tokens))

    @property
    def canonical(self) -> str:
        """Every token, joined by single spaces (what a whole-text vectoriser reads)."""
        return " ".join(t for sentence in self.tokens for t in sentence)


def make_doc(text: str, sentences: Sequence[Sentence] | None = None, stop: Stop = go_on) -> Doc:
    """Parse ``text`` once: split it (unless ``sentences`` are given), tokenise and assign roles.

    ``stop`` is called between the stages, so a caller whose time ran out (a service
    request) stops the parse there.
    """
    sents = tuple(split_sentences(text) if sentences is None else sentences)
    stop()
    toks = tuple(map(tuple, sentence_tokens(text, [(s.start, s.end) for s in sents])))
    stop()
    roles = tuple(assign_roles([s.text for s in sents], toks))
    return Doc(text=text, sentences=sents, tokens=toks, roles=roles)


def as_docs(items: Iterable[Doc | str]) -> list[Doc]:
    """Docs for ``items``: a text is parsed, a Doc is taken as it is."""
    return [item if isinstance(item, Doc) else make_doc(item) for item in items]


class DocCache:
    """The Docs of a training or evaluation loop, by row id.

    A loop that refits on overlapping rows (calibration folds, held-out
    corpora, levers) parses each row once; the Docs keep what the detectors
    derived from them (:attr:`Doc.annotations`), so that is done once too.
    A row whose text changed under the same id is parsed again.
    """

    def __init__(self) -> None:
        self._docs: dict[str, Doc] = {}

    def docs(self, ids: Iterable[str], texts: Iterable[str]) -> list[Doc]:
        out = []
        for key, text in zip(ids, texts, strict=True):
            doc = self._docs.get(key)
            if doc is None or doc.text != text:
                doc = self._docs[key] = make_doc(text)
            out.append(doc)
        return out
