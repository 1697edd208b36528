"""Dask scoring gives exactly the local engine's rows (a real two-process LocalCluster)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner

from batch_support import corpus, make_model
from veracity.batch import score_dask_dataframe, score_file
from veracity.cli.main import cli
from veracity.errors import InputError, NotFoundError

dask = pytest.importorskip("dask")
distributed = pytest.importorskip("distributed")
dd = pytest.importorskip("dask.dataframe")

ROWS: list[tuple[str, Any]] = [*corpus(30), ("empty", ""), ("number", 5)]


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_model(tmp_path_factory.mktemp("model"))


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, host="127.0.0.1"
    ) as cluster:
        yield cluster.scheduler_address


@pytest.fixture(scope="module")
def local_records(
    tmp_path_factory: pytest.TempPathFactory, model_dir: Path
) -> list[dict[str, Any]]:
    folder = tmp_path_factory.mktemp("local")
    source = folder / "in.jsonl"
    source.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in ROWS))
    out = folder / "out.jsonl"
    score_file(source, out, model_dir=model_dir, workers=1)
    return [json.loads(line) for line in out.read_text().splitlines()]


def _plain(value: Any) -> Any:
    return None if isinstance(value, float) and value != value else value


def test_batch_dask_engine_dataframe_matches_local_engine(
    model_dir: Path, scheduler: str, local_records: list[dict[str, Any]]
) -> None:
    frame = pd.DataFrame({"id": [r[0] for r in ROWS], "text": [r[1] for r in ROWS]}, dtype=object)
    with dask.config.set({"dataframe.convert-string": False}), distributed.Client(scheduler):
        ddf = dd.from_pandas(frame, npartitions=4)
        got = score_dask_dataframe(ddf, model_dir=model_dir).compute()
    assert list(got.columns) == ["id", "probability", "verdict", "abstain_reason", "error"]
    records = [{k: _plain(v) for k, v in row.items()} for row in got.to_dict("records")]
    assert records == local_records


def test_batch_dask_engine_cli_with_scheduler_matches_local_engine(
    tmp_path: Path, model_dir: Path, scheduler: str, local_records: list[dict[str, Any]]
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in ROWS))
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(
        cli,
        [
            "score",
            str(source),
            "-o",
            str(out),
            "--engine",
            "dask",
            "--scheduler",
            scheduler,
            "--model",
            str(model_dir),
            "--chunk-size",
            "4",
            "--quiet",
        ],
    )
    assert result.exit_code == 0, result.output
    assert [json.loads(line) for line in out.read_text().splitlines()] == local_records


def test_batch_dask_engine_requires_the_text_column(model_dir: Path) -> None:
    ddf = dd.from_pandas(pd.DataFrame({"body": ["x"]}), npartitions=1)
    with pytest.raises(InputError, match=r"\[E006\]"):
        score_dask_dataframe(ddf, model_dir=model_dir)


def test_batch_dask_engine_dataframe_carries_titles_in_full_output(
    model_dir: Path, scheduler: str
) -> None:
    rows = corpus(4)
    frame = pd.DataFrame(
        {"text": [t for _, t in rows], "title": ["One", None, "Three  lines\nhere", "Four"]},
        dtype=object,
    )
    with dask.config.set({"dataframe.convert-string": False}), distributed.Client(scheduler):
        ddf = dd.from_pandas(frame, npartitions=2)
        got = score_dask_dataframe(ddf, fields="full", model_dir=model_dir).compute()
        untitled = score_dask_dataframe(ddf, title_column="", model_dir=model_dir, fields="full")
        untitled = untitled.compute()
    titles = ["One", None, "Three lines here", "Four"]
    assert [_plain(t) for t in got["title"]] == titles
    assert [json.loads(r)["title"] for r in got["report"]] == titles
    assert untitled["title"].isna().all()
    with pytest.raises(InputError, match=r"\[E006\].*'headline'"):
        score_dask_dataframe(ddf, title_column="headline", model_dir=model_dir)


def test_batch_dask_engine_passes_the_pipeline_through(
    tmp_path: Path, model_dir: Path, scheduler: str
) -> None:
    rows = corpus(4)
    frame = pd.DataFrame({"id": [i for i, _ in rows], "text": [t for _, t in rows]}, dtype=object)
    with dask.config.set({"dataframe.convert-string": False}), distributed.Client(scheduler):
        ddf = dd.from_pandas(frame, npartitions=2)
        deep = score_dask_dataframe(ddf, fields="full", model_dir=model_dir, pipeline="deep")
        fast = score_dask_dataframe(ddf, fields="full", model_dir=model_dir)
        reports = {"deep": deep.compute()["report"], "fast": fast.compute()["report"]}
    for pipeline, column in reports.items():
        assert [json.loads(r)["model"]["pipeline"] for r in column] == [pipeline] * len(rows)
    with pytest.raises(NotFoundError, match=r"\[E005\] unknown pipeline 'bogus'"):
        score_dask_dataframe(ddf, model_dir=model_dir, pipeline="bogus")
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in rows))
    out = tmp_path / "out.jsonl"
    args = ["score", str(source), "-o", str(out), "--engine", "dask", "--scheduler", scheduler]
    args += ["--model", str(model_dir), "--fields", "full", "--pipeline", "deep", "--quiet"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["report"]["model"]["pipeline"] for r in records] == ["deep"] * len(rows)
