"""Headlines: title scrubbing, title + text scoring, and the with/without-titles comparison."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from veracity.cli.main import cli
from veracity.data.pipeline import load_articles
from veracity.data.scrub.titles import (
    drop_repeated_titles,
    headline_text,
    scrub_titles,
    strip_media_tags,
    strip_site_segments,
)
from veracity.experiments.headlines import IN_DOMAIN_TOLERANCE, HeadlineStudy, headlines_markdown
from veracity.experiments.lodo import LodoTable
from veracity.text.sentences import split_sentences
from veracity.training.detector_fit import TrainConfig, fit_frame, load_frame, score_frame

WORDS = [f"{a}{b}" for a in ("ka", "lo", "mi", "nu", "pe", "ro", "su", "ti") for b in "aeiou"]


@pytest.fixture(autouse=True)
def no_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VERACITY_CACHE", "off")


def _body(rng: random.Random, n: int = 40) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)) + "."


def _perez_root(tmp_path: Path, per_label: int = 12) -> Path:
    """Invented Pérez-Rosas files whose label lives only in the title's words."""
    rng = random.Random(7)
    perez = tmp_path / "datasets" / "articles" / "perez_rosas_fakenewsamt_celebrity"
    for folder, prefix in (("fakeNewsDataset", "biz"), ("celebrityDataset", "")):
        for kind, title in (("fake", "Shocking Zorblax Outrage"), ("legit", "Quiet Harbour Note")):
            for i in range(per_label):
                path = perez / folder / kind / f"{prefix}{i:03d}.{kind}.txt"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(f"{title} {i}\n\n{_body(rng)}\n", encoding="utf-8")
    return tmp_path


def test_titles_media_tags_and_series_labels_are_stripped() -> None:
    assert strip_media_tags("Mayor Opens Pier (VIDEO)") == "Mayor Opens Pier"
    assert strip_media_tags("Mayor Opens Pier [Photos/Video]") == "Mayor Opens Pier"
    assert (
        strip_media_tags("Pier talk on Twitter (Dec 28) - ferries")
        == "Pier talk on Twitter - ferries"
    )
    assert strip_media_tags("Factbox: Who runs the pier") == "Who runs the pier"
    assert strip_media_tags("Pier Opens (Again)") == "Pier Opens (Again)"
    assert strip_media_tags("BREAKING: Pier Opens") == "BREAKING: Pier Opens"


def test_titles_site_segments_named_or_recurring_are_cut() -> None:
    titles = [
        "Harbour opens a second pier | Gullwing Gazette",
        "Ferry fares rise again - Gullwing Gazette",
        "Mayor backs the pier - Tern Valley Bugle",
        "Storm shuts the pier - and the ferries",
        "Tide tables move online -",
        "Port Wren Courier - Boats return to the bay",
        "Dam repairs finish - Coast - Local",
        "Lighthouse is relit - Coast - Local",
        "Gulls nest on the pier - Seaside Herald",
    ]
    sources = ["", "", "ternvalleybugle.com", "", "", "portwrencourier.com", "", "", ""]
    assert strip_site_segments(titles, sources) == [
        "Harbour opens a second pier",
        "Ferry fares rise again",
        "Mayor backs the pier",
        "Storm shuts the pier - and the ferries",
        "Tide tables move online",
        "Boats return to the bay",
        "Dam repairs finish",
        "Lighthouse is relit",
        "Gulls nest on the pier",
    ]


def test_titles_repeated_page_titles_are_emptied() -> None:
    titles = ["Please Enable Cookies Now"] * 5 + ["Pier opens", "Pier opens"]
    texts = [f"text {i}" for i in range(5)] + ["same", "same"]
    assert drop_repeated_titles(titles, texts) == [""] * 5 + ["Pier opens", "Pier opens"]
    assert drop_repeated_titles(titles[:4], texts[:4]) == titles[:4]


def test_titles_scrub_keeps_rows_and_texts() -> None:
    frame = pd.DataFrame(
        {
            "id": ["a", "b"],
            "title": [
                "  Pier \u201cOpens\u201d   (VIDEO) ",
                "Fares <b>rise</b> https://x.example/p",
            ],
            "text": ["First text.", "Second text."],
            "corpus": ["isot", "mine"],
            "source": ["", ""],
        }
    )
    out = scrub_titles(frame)
    assert out["title"].tolist() == ["Pier Opens", "Fares rise"]
    pd.testing.assert_frame_equal(out.drop(columns="title"), frame.drop(columns="title"))


@given(st.text(max_size=60), st.text(max_size=200))
def test_titles_headline_text_keeps_the_text_whole_and_last(title: str, text: str) -> None:
    scored = headline_text(title, text)
    assert scored.endswith(text)
    head = scored[: len(scored) - len(text)]
    assert head in ("", " ".join(title.split()) + "\n\n")


def test_titles_headline_is_its_own_first_sentence_unless_the_text_opens_with_it() -> None:
    text = "The harbour authority opened a second pier on Monday. Ferries resumed."
    scored = headline_text("Harbour Gets A Second Pier", text)
    assert [s.text for s in split_sentences(scored)][0] == "Harbour Gets A Second Pier"
    assert headline_text("The harbour authority opened", text) == text
    assert headline_text("   ", text) == text


def test_titles_option_changes_what_is_scored(tmp_path: Path) -> None:
    root = _perez_root(tmp_path)
    corpora = ["fakenewsamt", "celebrity"]
    configs = {
        flag: TrainConfig(
            corpora=corpora, params={"n_features": 2**12}, calibration_folds=2, titles=flag
        )
        for flag in (False, True)
    }
    plain, titled = (load_frame(root, configs[flag]) for flag in (False, True))
    assert plain["id"].tolist() == titled["id"].tolist()
    assert plain["text"].tolist() == load_articles(root, corpora)[0]["text"].tolist()
    for title, before, after in zip(titled["title"], plain["text"], titled["text"], strict=True):
        assert title and after == f"{title}\n\n{before}"
    scores = {}
    for flag, frame in ((False, plain), (True, titled)):
        train, test = frame[frame["corpus"] == "celebrity"], frame[frame["corpus"] == "fakenewsamt"]
        scores[flag] = score_frame(fit_frame(configs[flag], train), test)["macro_f1"]
    assert scores[True] == 1.0 > scores[False]


def _table(lodo_f1: float, in_domain_f1: float) -> LodoTable:
    """A table of two held-out corpora and the in-domain split with the given macro-F1."""
    table = LodoTable()
    y = np.array([0, 1] * 50)
    for name, macro_f1 in (("alpha", lodo_f1), ("beta", lodo_f1), ("in-domain", in_domain_f1)):
        table.add("veracity", name, y, y * 0.8 + 0.1)
        table.rows[-1]["macro_f1"] = macro_f1
    return table


@pytest.mark.parametrize(
    ("lodo_gain", "in_domain_gain", "helps"),
    [
        (0.02, 0.0, True),
        (0.02, -IN_DOMAIN_TOLERANCE, True),
        (0.02, -0.006, False),
        (0.0, 0.05, False),
        (-0.01, 0.0, False),
    ],
)
def test_titles_default_follows_the_rule(
    lodo_gain: float, in_domain_gain: float, helps: bool
) -> None:
    study = HeadlineStudy(
        _table(0.6, 0.75),
        _table(0.6 + lodo_gain, 0.75 + in_domain_gain),
        {"alpha": 1.0, "beta": 0.5, "in-domain": 0.75},
    )
    assert study.titles_help() is helps
    section = headlines_markdown(study, "veracity evaluate --protocol headlines", 1.5, 2)
    assert section.startswith("## Headlines")
    assert (
        "`veracity evaluate --protocol headlines`" in section
        and "1.5 minutes on 2 cores" in section
    )
    assert "| beta | 100 | 50% |" in section and "| in-domain | 100 | 75% |" in section
    assert "Every held-out corpus has titles" in section
    assert f"{lodo_gain:+.3f}" in section.splitlines()[-3]
    assert ("Titles help" in section) is helps and ("do not help" in section) is not helps


def test_titles_presence_that_differs_by_label_keeps_titles_out_of_the_default() -> None:
    study = HeadlineStudy(
        _table(0.6, 0.75),
        _table(0.62, 0.75),
        {"alpha": 1.0, "beta": 0.5, "in-domain": 0.75},
        {"alpha": (1.0, 1.0), "beta": (0.62, 1.0)},
    )
    assert study.scores_better() and study.label_proxies() == ["beta"]
    assert not study.titles_help()
    section = headlines_markdown(study, "veracity evaluate --protocol headlines", 1.5, 2)
    assert "beta (62% of unreliable rows, 100% of reliable)" in section
    assert "The default scores the text alone" in section
    study.by_label["beta"] = (0.97, 1.0)
    assert study.titles_help()


@pytest.mark.slow
def test_titles_cli_headlines_writes_its_section(tmp_path: Path) -> None:
    root = _perez_root(tmp_path / "data", per_label=10)
    config = tmp_path / "small.json"
    config.write_text(
        json.dumps(
            {
                "corpora": ["fakenewsamt", "celebrity"],
                "params": {"n_features": 4096},
                "calibration_folds": 2,
            }
        ),
        encoding="utf-8",
    )
    bench = tmp_path / "BENCH.md"
    bench.write_text(
        "# Benchmarks\n\n<!-- begin:lodo -->\nold\n<!-- end:lodo -->\n", encoding="utf-8"
    )
    args = ["evaluate", "--protocol", "headlines", "--config", str(config), "--write", str(bench)]
    result = CliRunner().invoke(cli, args, env={"VERACITY_DATA": str(root)})
    assert result.exit_code == 0, result.output
    text = bench.read_text(encoding="utf-8")
    assert "<!-- begin:lodo -->\nold\n<!-- end:lodo -->" in text
    assert "<!-- begin:headlines -->\n## Headlines" in text
    assert f"--protocol headlines --write BENCHMARKS.md --config {config}" in text
    for corpus in ("fakenewsamt", "celebrity", "in-domain"):
        assert f"| {corpus} | " in text


@pytest.mark.data
@pytest.mark.slow
def test_titles_real_corpora_keep_no_format_tags_site_names_or_page_titles(
    data_root: Path,
) -> None:
    frame = load_frame(data_root, TrainConfig(titles=True))
    titled = frame[frame["title"] != ""]
    assert titled["corpus"].nunique() == len(TrainConfig().corpora)
    for pattern in (
        r"(?i)[\[(](?:videos?|tweets?|images?|photos?|details)[\])]",
        r" \| ",
        r"^Factbox",
    ):
        assert not titled["title"].str.contains(pattern).any(), pattern
    for site in (
        "Jordan Times",
        "Ahram Online",
        "Eagle Rising",
        "Freedom Daily",
        "Celeb Dirty Laundry",
    ):
        assert not titled["title"].str.endswith(site).any(), site
    per_title = titled.groupby(["corpus", "title"])["text"].nunique()
    assert per_title.max() < 5
