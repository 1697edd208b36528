"""Build every shipped signal model: ``python -m veracity.training.signal_fit [ROOT] [OUT]``.

``python -m veracity.training.signal_fit --thresholds [ROOT] [OUT]`` rebuilds only the
propaganda techniques' drawing levels (``technique_thresholds``) for the models in ``OUT``.

:func:`train_all` fits the sentence models (bias, subjectivity,
check-worthiness), the propaganda parts, then measures each on its held-out
split with the registered tasks and writes everything with
:mod:`veracity.persist` (npz + JSON + sha256 card) under ``OUT`` (default:
the package's ``signals/trained``).  ``ranges.json`` (reliable ranges of
the article signals) is written when the article corpora can be loaded.
"""

from __future__ import annotations

import importlib
import json
import sys
import time
from pathlib import Path
from typing import Any

from ..atomic import atomic_write_text
from ..config import data_root
from ..persist import Bundle, load_folder, save_folder
from ..signals.analyzer import PROPAGANDA, TRAINED_DIR, SignalAnalyzer
from ..signals.article import reliable_ranges
from ..signals.sentence_models import SentenceLinear, save_model
from ..signals.technique_thresholds import FLOOR, MIN_KEPT, MIN_SUPPORT, PRECISION, THRESHOLDS
from . import sentence_corpora as corpora
from .propaganda_fit import calibrate_thresholds, fit_propaganda

COMMAND = "python -m veracity.training.signal_fit"
VECTOR = {"n_features": 2**18, "ngram_range": (1, 2)}
SENTENCE_PARAMS: dict[str, dict[str, Any]] = {
    "bias": {"C": 4.0, "class_weight": "balanced"},
    "subjectivity": {"C": 3.0, "class_weight": "balanced"},
    "checkworthy": {"C": 1.0, "class_weight": "balanced"},
    "propaganda_sentence": {"C": 1.0, "class_weight": "balanced"},
}
TAGGER_PARAMS = {"bits": 18, "C": 0.5}
TECHNIQUE_PARAMS = {"n_features": 2**16, "C": 2.0}
DATA = {
    "bias": "BABE (MAGPIE copy), content-hash 80% split; 20% held out",
    "subjectivity": "NewsSD-ENG train/val/test + CheckThat! 2025 EN train/dev/dev_test, "
    "deduplicated, minus every CheckThat! 2025 test sentence",
    "checkworthy": "ClaimBuster two_class/train.json minus test.json texts",
    "propaganda_sentence": "PTC train articles, one sentence per line, 1 = overlaps a span",
    PROPAGANDA: "PTC train articles (371) with train SI/TC labels; dev kept for evaluation",
    THRESHOLDS: "PTC train articles, 3 folds by id: each tagged by parts fitted on the other two; "
    "dev kept for evaluation",
}


def _card(name: str, params: dict[str, Any], n_train: int, extra: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": f"veracity.signals.{name}",
        "data": DATA[name],
        "train_size": n_train,
        "config": json.loads(json.dumps(params)),
        "command": COMMAND,
        **extra,
    }


def training_frame(root: Path) -> Any:
    """The training side of the article corpora (``veracity.data``), None if not installed."""
    try:
        pipeline = importlib.import_module("veracity.data.pipeline")
        splits = importlib.import_module("veracity.data.splits")
    except ModuleNotFoundError:
        return None
    frame, _ = pipeline.load_articles(root)
    train, _ = splits.source_disjoint_split(frame)
    return frame.iloc[train]


def write_ranges(root: Path, out: Path = TRAINED_DIR, frame: Any = None) -> dict[str, Any]:
    """Write ``ranges.json``: reliable ranges of the article signals on training articles."""
    frame = frame if frame is not None else training_frame(root)
    if frame is None:
        return {"skipped": "veracity.data.pipeline is not available"}
    ranges = reliable_ranges(frame, SignalAnalyzer.load(out))
    ranges["split"] = "training side of veracity.data.splits.source_disjoint_split (seed 0)"
    atomic_write_text(out / "ranges.json", json.dumps(ranges, indent=1, sort_keys=True))
    return {"articles": ranges["articles"], "corpora": ranges["corpora"]}


def write_thresholds(root: Path, out: Path = TRAINED_DIR) -> dict[str, Any]:
    """Calibrate and write the techniques' drawing levels for the propaganda tagger in ``out``."""
    tagger = load_folder(out / PROPAGANDA).data[PROPAGANDA]["tagger"]
    params = dict(TAGGER_PARAMS, threshold=tagger["threshold"], gap=tagger["gap"])
    sent_params = {**VECTOR, **SENTENCE_PARAMS["propaganda_sentence"]}
    levels, record = calibrate_thresholds(
        corpora.ptc(root, "train"), sent_params, params, TECHNIQUE_PARAMS
    )
    config = {
        "precision": PRECISION,
        "floor": FLOOR,
        "min_support": MIN_SUPPORT,
        "min_kept": MIN_KEPT,
    }
    card = _card(THRESHOLDS, config, record["held_out_articles"], {"fit": record})
    card["command"] = f"{COMMAND} --thresholds"
    save_folder(out / THRESHOLDS, Bundle(data={THRESHOLDS: levels.to_dict()}, card=card))
    return {**record, **levels.to_dict()}


def train_all(root: Path, out: Path = TRAINED_DIR, frame: Any = None) -> dict[str, Any]:
    """Fit, evaluate and save every signal model; return the metrics by name."""
    from ..experiments.sentence_tasks import evaluate_all

    out = Path(out)
    summary: dict[str, Any] = {}
    for name, data in corpora.training_pools(root).items():
        params = {**VECTOR, **SENTENCE_PARAMS[name]}
        model = SentenceLinear(**params).fit(*data)
        save_model(out / name, model, _card(name, params, len(data[0]), {}))
        summary[name] = {"train_size": len(data[0])}
    started = time.perf_counter()
    ptc_train = corpora.ptc(root, "train")
    sent_params = {**VECTOR, **SENTENCE_PARAMS["propaganda_sentence"]}
    sentence_model, tagger, techniques, record = fit_propaganda(
        ptc_train, sent_params, TAGGER_PARAMS, TECHNIQUE_PARAMS
    )
    record["fit_seconds"] = round(time.perf_counter() - started, 1)
    save_model(
        out / "propaganda_sentence",
        sentence_model,
        _card("propaganda_sentence", sent_params, record["train_tokens"], {}),
    )
    tagger_params = tagger.get_params()
    bundle = Bundle(
        arrays={"tagger": tagger.to_arrays(), "techniques": techniques.to_arrays()},
        data={
            PROPAGANDA: {
                "tagger": tagger_params,
                "techniques": techniques.get_params(),
                "classes": [str(c) for c in techniques.classes_],
            }
        },
        card=_card(
            PROPAGANDA,
            {"tagger": tagger_params, "techniques": TECHNIQUE_PARAMS},
            record["train_articles"],
            {"fit": record},
        ),
    )
    save_folder(out / PROPAGANDA, bundle)
    summary[PROPAGANDA] = record
    summary[THRESHOLDS] = write_thresholds(root, out)
    metrics = evaluate_all(root, out)
    summary["metrics"] = metrics
    _record_metrics(out, metrics)
    summary["ranges"] = write_ranges(root, out, frame)
    return summary


_TASK_OF = {
    "bias": "babe",
    "subjectivity": "subjectivity",
    "checkworthy": "claimbuster",
    PROPAGANDA: ("ptc_si", "ptc_tc"),
}


def _record_metrics(out: Path, metrics: dict[str, Any]) -> None:
    """Write each model's held-out metrics into its card (then re-hash nothing else)."""
    for name, task in _TASK_OF.items():
        card_path = out / name / "card.json"
        card = json.loads(card_path.read_text(encoding="utf-8"))
        tasks = task if isinstance(task, tuple) else (task,)
        card["metrics"] = {t: metrics[t] for t in tasks}
        atomic_write_text(card_path, json.dumps(card, indent=1, sort_keys=True, ensure_ascii=False))


def main(argv: list[str]) -> None:
    only_thresholds = "--thresholds" in argv
    args = [a for a in argv if a != "--thresholds"]
    root = Path(args[0]) if args else data_root()
    out = Path(args[1]) if len(args) > 1 else TRAINED_DIR
    result = write_thresholds(root, out) if only_thresholds else train_all(root, out)
    print(json.dumps(result, indent=1, sort_keys=True))


if __name__ == "__main__":
    main(sys.argv[1:])
