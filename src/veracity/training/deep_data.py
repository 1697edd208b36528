"""The examples the deep pipeline's encoder learns from, one list per task head.

Every sentence task reads the same training pools as the fast pipeline's models
(:mod:`.sentence_corpora`), so the held-out splits of BENCHMARKS.md stay unseen:
BABE minus its content-hash held-out fifth, subjectivity minus the CheckThat! 2025
test, ClaimBuster ``train.json``, PTC ``train`` articles (dev is the test).  A
fixed tenth of each pool (by content hash, :data:`TUNING_SHARE`) is kept apart to
choose each head's threshold after training, unless the task names its own tuning
sentences (``held``): those, and only those, are kept apart.

PTC gives two heads on one pass: each non-empty line is a sentence whose tokens are
tagged "inside a propaganda span" (span identification), and each gold technique
span inside it is a token range with its technique (technique classification).
Nothing here needs torch: token ids come from ``tokenizers``, unpadded (the base model's
``tokenizer.json`` pads every text to 128 tokens; batches are padded later, with a mask).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..text.normalize import canonical
from . import sentence_corpora as corpora
from .propaganda_fit import line_sentences

#: Share of every training pool kept apart (by content hash) to set the thresholds.
TUNING_SHARE = 0.1
#: PTC lines with no propaganda span kept, per line with one.
PTC_NEGATIVE_RATIO = 1.0


@dataclass
class Example:
    """One training sentence: its task, token ids and targets.

    ``label``: the class of a sentence head; ``tags``: one 0/1 per token (PTC);
    ``spans``: ``(first_token, last_token_exclusive, technique_index)`` (PTC).
    """

    task: str
    ids: list[int]
    label: int = 0
    tags: list[int] = field(default_factory=list)
    spans: list[tuple[int, int, int]] = field(default_factory=list)


@dataclass
class TaskData:
    train: list[Example]
    tuning: list[Example]


def _tuning(text: str) -> bool:
    return corpora.bucket("tuning:" + canonical(text)) < TUNING_SHARE


def tuning_article(article: corpora.PtcArticle) -> bool:
    """Whether a PTC train article is in the tenth kept out of fine-tuning."""
    return corpora.bucket("tuning:" + article.id) < TUNING_SHARE


def _encode(tokenizer: object, texts: Sequence[str], max_length: int) -> list[list[int]]:
    tokenizer.no_padding()  # type: ignore[attr-defined]
    tokenizer.enable_truncation(max_length)  # type: ignore[attr-defined]
    return [e.ids for e in tokenizer.encode_batch(list(texts))]  # type: ignore[attr-defined]


def sentence_examples(
    tokenizer: object,
    pools: dict[str, corpora.Labelled],
    max_length: int,
    held: dict[str, frozenset[str]] | None = None,
) -> dict[str, TaskData]:
    """Each task's examples, split into training and tuning: a task of ``held`` (canonical
    texts) tunes on those sentences of its pool, any other task on its hash tenth."""
    out: dict[str, TaskData] = {}
    for task, (texts, labels) in pools.items():
        ids = _encode(tokenizer, texts, max_length)
        chosen = (held or {}).get(task)
        data = TaskData([], [])
        for text, row, label in zip(texts, ids, labels, strict=True):
            tuning = _tuning(text) if chosen is None else canonical(text) in chosen
            (data.tuning if tuning else data.train).append(Example(task, row, label))
        out[task] = data
    return out


def ptc_examples(
    tokenizer: object,
    articles: Sequence[corpora.PtcArticle],
    techniques: Sequence[str],
    max_length: int,
    seed: int,
) -> TaskData:
    """PTC lines as tagged sentences.  In training, lines without a span are thinned to
    :data:`PTC_NEGATIVE_RATIO` per line with one (seeded); the tuning articles keep all."""
    tokenizer.no_padding()  # type: ignore[attr-defined]
    tokenizer.enable_truncation(max_length)  # type: ignore[attr-defined]
    index = {name: i for i, name in enumerate(techniques)}
    positive: list[Example] = []
    negative: list[Example] = []
    data = TaskData([], [])
    for art in articles:
        tuning = tuning_article(art)
        for a, b in line_sentences(art.text):
            enc = tokenizer.encode(art.text[a:b])  # type: ignore[attr-defined]
            offsets = [(s + a, e + a) for s, e in enc.offsets]
            real = [i for i, m in enumerate(enc.special_tokens_mask) if not m]
            tags = [0] * len(enc.ids)
            for s, e in art.spans:
                for i in real:
                    if offsets[i][0] < e and offsets[i][1] > s:
                        tags[i] = 1
            spans = []
            for s, e, name in art.techniques:
                inside = [i for i in real if offsets[i][0] < e and offsets[i][1] > s]
                if inside and a <= s < b:
                    spans.append((inside[0], inside[-1] + 1, index[name]))
            ex = Example("ptc", enc.ids, tags=tags, spans=spans)
            if tuning:
                data.tuning.append(ex)
            else:
                (positive if any(tags) else negative).append(ex)
    rng = random.Random(seed)  # noqa: S311 - a reproducible sample, not security
    keep = rng.sample(negative, min(len(negative), int(len(positive) * PTC_NEGATIVE_RATIO)))
    data.train = positive + keep
    return data


def technique_names(articles: Sequence[corpora.PtcArticle]) -> list[str]:
    """The PTC techniques, sorted."""
    return sorted({name for art in articles for _, _, name in art.techniques})
