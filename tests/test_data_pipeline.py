"""load_articles, DataStats and ``veracity data stats``: invented files, then the real corpora."""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner

from veracity.cli.main import cli
from veracity.data.dedup import NEAR_THRESHOLD, minhash_signatures
from veracity.data.pipeline import DataStats, held_out_texts, load_articles
from veracity.data.readers import ALL_CORPORA, ARTICLE_CORPORA
from veracity.errors import NotFoundError
from veracity.text.normalize import canonical


@pytest.fixture(scope="module", autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Keep this module's cache entries out of the user's cache folder."""
    folder = tmp_path_factory.mktemp("data-cache")
    old = os.environ.get("VERACITY_CACHE")
    os.environ["VERACITY_CACHE"] = str(folder)
    yield folder
    if old is None:
        del os.environ["VERACITY_CACHE"]
    else:
        os.environ["VERACITY_CACHE"] = old


WORDS = [f"{a}{b}" for a in ("ka", "lo", "mi", "nu", "pe", "ro", "su", "ti") for b in "aeiouy"]


def _text(seed: int, n: int = 45) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(WORDS) for _ in range(n)) + "."


@pytest.fixture
def mini_root(tmp_path: Path) -> Path:
    """FakeNewsAMT, Celebrity and LIAR files with invented texts, a duplicate and a stub."""
    perez = tmp_path / "datasets" / "articles" / "perez_rosas_fakenewsamt_celebrity"
    files = {
        "fakeNewsDataset/fake/biz01.fake.txt": f'"{_text(1)}"',
        "fakeNewsDataset/legit/biz01.legit.txt": f"Title\n\n{_text(2)}",
        "fakeNewsDataset/fake/tech01.fake.txt": "Title\n\nToo short to keep.",
        "fakeNewsDataset/legit/tech01.legit.txt": f"Title\n\n{_text(3)}",
        "celebrityDataset/fake/001fake.txt": f"Title\n\n{_text(3)}",
        "celebrityDataset/legit/001legit.txt": f"Title\n\n{_text(4)}",
        "celebrityDataset/legit/002legit.txt": f"Title\n\n{_text(4)}",
    }
    for rel, text in files.items():
        path = perez / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    liar = tmp_path / "datasets" / "claims" / "liar"
    liar.mkdir(parents=True)
    for n, split in enumerate(("train", "valid", "test")):
        line = f"{n}.json\tfalse\tSays {_text(10 + n, 8)}\tx\tjo\tj\ts\tp\t1\t1\t1\t1\t1\tc\n"
        (liar / f"{split}.tsv").write_text(line, encoding="utf-8")
    return tmp_path


def _stats_json(args: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    result = CliRunner().invoke(cli, ["data", "stats", "--json", *args], env=env)
    assert result.exit_code == 0, result.output
    parsed: dict[str, Any] = json.loads(result.output)
    return parsed


def test_pipeline_counts_add_up_per_step(mini_root: Path) -> None:
    frame, stats = load_articles(mini_root, ["fakenewsamt", "celebrity", "liar"])
    amt, celeb, liar = (stats.corpora[c] for c in ("fakenewsamt", "celebrity", "liar"))
    assert amt.read == 4 and amt.scrub_dropped == 1 and amt.dedup.conflict == 1
    assert amt.final == 2
    assert celeb.read == 3 and celeb.dedup.conflict == 1 and celeb.dedup.exact == 1
    assert celeb.final == 1 and celeb.labels == {"reliable": 1, "unreliable": 0}
    assert liar.final == 3 and liar.labels["unreliable"] == 3
    for s in stats.corpora.values():
        assert s.read - s.dropped == s.final
    assert len(frame) == sum(s.final for s in stats.corpora.values())
    assert frame.loc[frame["id"] == "fakenewsamt:fake:biz01", "text"].iloc[0][0] != '"'


def test_pipeline_without_scrub_or_dedup_keeps_everything(mini_root: Path) -> None:
    frame, stats = load_articles(mini_root, ["celebrity"], scrub=False, dedup=False)
    assert len(frame) == 3 and stats.corpora["celebrity"].steps == []
    assert stats.corpora["celebrity"].dedup.total == 0


def test_pipeline_unknown_corpus_fails_before_reading(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="unknown corpus 'nope'"):
        load_articles(tmp_path, ["nope"])


def test_pipeline_stats_table_lists_every_corpus(mini_root: Path) -> None:
    _, stats = load_articles(mini_root, ["fakenewsamt", "celebrity"])
    table = stats.table()
    assert table.splitlines()[0].split()[:2] == ["corpus", "read"]
    assert "fakenewsamt" in table and "celebrity" in table and "min_words" in table
    assert isinstance(stats, DataStats)


def test_pipeline_cli_json_matches_load_articles(mini_root: Path) -> None:
    corpora = ["fakenewsamt", "celebrity", "liar"]
    args = [a for c in corpora for a in ("--corpus", c)]
    printed = _stats_json(args, env={"VERACITY_DATA": str(mini_root)})
    _, stats = load_articles(mini_root, corpora)
    assert printed == json.loads(json.dumps(stats.to_dict()))


def test_pipeline_cli_unknown_corpus_exits_2_with_one_line() -> None:
    result = CliRunner().invoke(cli, ["data", "stats", "--corpus", "nope"])
    assert result.exit_code == 2
    assert "E005" in result.output and "nope" in result.output


# --- the real shared corpora ----------------------------------------------------

#: Artifacts the scrubber removes, per corpus they were seen in (None = every corpus).
ARTIFACTS: dict[str, str | None] = {
    r"\(Reuters\)": "isot",
    r"(?i)featured image via": None,
    r"pic\.twitter\.com": None,
    r"\{MID-\d+": None,
    r"(?i)javascript is disabled": None,
    r"(?i)security service to protect itself": None,
    r"21st Century Wire says": None,
    r"No Pill Can Stop Tinnitus": None,
    r"https?://\S": None,
    r"&amp;|&quot;|&nbsp;": None,
    r"</?(?:p|a|div|span)\b[^>]*>": None,
    r"\(@\w+\) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)": None,
    r"[A-Za-z] s\b": "isot",
    r"  ": None,
}


@pytest.fixture(scope="module")
def real(data_root: Path, private_cache: Path) -> tuple[pd.DataFrame, DataStats]:
    """Every corpus, computed once (the CLI call then reads the cached entry)."""
    return load_articles(data_root, ALL_CORPORA)


@pytest.mark.data
def test_pipeline_real_stats_match_cli_and_add_up(
    real: tuple[pd.DataFrame, DataStats],
) -> None:
    frame, stats = real
    printed = _stats_json([a for c in ALL_CORPORA for a in ("--corpus", c)])
    assert printed == json.loads(json.dumps(stats.to_dict()))
    assert list(printed["corpora"]) == list(ALL_CORPORA)
    for name, entry in printed["corpora"].items():
        step_drops = sum(step["dropped"] for step in entry["steps"])
        dedup_drops = sum(entry["dedup"].values())
        assert entry["read"] - step_drops - dedup_drops == entry["final"], name
        assert sum(entry["labels"].values()) == entry["final"], name
        assert (frame["corpus"] == name).sum() == entry["final"], name
        assert entry["final"] > 0, name
    assert frame["id"].is_unique


@pytest.mark.data
def test_pipeline_real_no_scrubbed_artifact_survives(
    real: tuple[pd.DataFrame, DataStats],
) -> None:
    frame, _ = real
    articles = frame[frame["corpus"].isin(ARTICLE_CORPORA)]
    for pattern, corpus in ARTIFACTS.items():
        part = articles if corpus is None else articles[articles["corpus"] == corpus]
        hits = part[part["text"].str.contains(pattern, regex=True)]
        assert hits.empty, f"{pattern!r} survives in {hits['id'].head(3).tolist()}"
    assert not articles["text"].map(lambda t: len(t.split()) < 30).any()


@pytest.mark.data
def test_pipeline_real_isot_apostrophes_and_quotes_match_across_labels(
    real: tuple[pd.DataFrame, DataStats],
) -> None:
    frame, _ = real
    isot = frame[frame["corpus"] == "isot"]
    has_quote = isot["text"].str.contains('"').groupby(isot["label"]).mean()
    assert (has_quote == 0).all()
    apostrophe = isot["text"].str.contains(r"\w's\b").groupby(isot["label"]).mean()
    assert (apostrophe > 0.3).all()
    assert not isot["text"].map(lambda t: bool(re.search(r"\b\w+n t\b", t))).any()


@pytest.mark.data
def test_pipeline_real_seed_and_its_near_copies_are_not_in_any_corpus(
    real: tuple[pd.DataFrame, DataStats], data_root: Path
) -> None:
    """The rows every model trains on hold no copy or near-copy of the seed article."""
    frame, stats = real
    seeds = held_out_texts(data_root)
    assert seeds, "the shared data has a seed/ folder with the seed article"
    assert stats.corpora["isot"].dedup.held_out >= 1
    canon = {canonical(t) for t in seeds}
    assert not any(canonical(t) in canon for t in frame["text"])
    rows = minhash_signatures(frame["text"])
    for seed in minhash_signatures(seeds):
        assert float((rows == seed).mean(axis=1).max()) < NEAR_THRESHOLD


@pytest.mark.data
def test_pipeline_real_bundled_model_card_lists_the_held_out_seed(data_root: Path) -> None:
    """The shipped model was trained with every text of seed/ held out (its card says which)."""
    from veracity.models.folder import load_model

    held = load_model(None).card["data"]["held_out"]
    files = sorted((data_root / held["folder"]).glob("*.txt"))
    assert files
    assert held["sha256"] == {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def test_pipeline_real_deep_verdict_card_lists_the_held_out_seed(data_root: Path) -> None:
    """The deep pipeline's verdict is fitted on the same rows, with seed/ held out too."""
    from veracity.signals.deep.model import DeepModel

    verdict = DeepModel.load().card.get("verdict", {})
    if not verdict.get("shipped"):
        pytest.skip("the bundled deep model ships no verdict of its own")
    held = verdict["held_out"]
    files = sorted((data_root / held["folder"]).glob("*.txt"))
    assert files
    assert held["sha256"] == {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in files}
