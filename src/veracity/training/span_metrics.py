"""Metrics of the SemEval-2020 Task 11 propaganda scorer, re-implemented.

Span identification (SI) gives partial credit for overlap: with S the
predicted and T the gold spans (overlapping spans merged per article),

    P = sum_{s,t} |s & t| / |s|  /  |S|        R = sum_{s,t} |s & t| / |t|  /  |T|

Technique classification (TC) is micro-F1 over the gold spans; a span that
carries k gold techniques is matched by the model's top-k distinct ones.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

Span = tuple[int, int]


def merge_spans(spans: Sequence[Span]) -> list[Span]:
    """Union of overlapping (or touching) spans, sorted."""
    out: list[list[int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(a, b) for a, b in out]


def si_scores(
    predicted: Mapping[str, Sequence[Span]], gold: Mapping[str, Sequence[Span]]
) -> dict[str, float]:
    """SemEval-2020 Task 11 SI precision, recall and F1 over articles."""
    prec_sum = rec_sum = 0.0
    n_pred = n_gold = 0
    for art in set(predicted) | set(gold):
        pred = merge_spans(predicted.get(art, ()))
        true = merge_spans(gold.get(art, ()))
        n_pred += len(pred)
        n_gold += len(true)
        for ps, pe in pred:
            for ts, te in true:
                inter = min(pe, te) - max(ps, ts)
                if inter > 0:
                    prec_sum += inter / (pe - ps)
                    rec_sum += inter / (te - ts)
    precision = prec_sum / n_pred if n_pred else 0.0
    recall = rec_sum / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "n_pred": n_pred, "n_gold": n_gold}


def tc_micro_f1(
    ranked: Mapping[tuple[str, int, int], Sequence[str]], gold: Sequence[tuple[str, int, int, str]]
) -> float:
    """Micro-F1 of technique labels on gold spans.

    ``ranked`` maps each gold span ``(article, start, end)`` to techniques in
    the model's order of preference; ``gold`` lists ``(article, start, end,
    technique)`` rows, one per gold label.
    """
    wanted: dict[tuple[str, int, int], Counter[str]] = {}
    for art, start, end, technique in gold:
        wanted.setdefault((art, start, end), Counter())[technique] += 1
    correct = 0
    for key, labels in wanted.items():
        k = sum(labels.values())
        guesses = Counter(list(ranked.get(key, ()))[:k])
        correct += sum((guesses & labels).values())
    return correct / len(gold) if gold else 0.0
