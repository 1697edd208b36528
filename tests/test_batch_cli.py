"""``veracity score`` through click's runner and as a killed-then-resumed subprocess."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from batch_support import corpus, make_model
from veracity.batch import score_file
from veracity.batch.resume import partial_paths
from veracity.cli.main import cli


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_model(tmp_path_factory.mktemp("model"))


def _jsonl(path: Path, rows: list[tuple[str, str]]) -> Path:
    path.write_text("".join(json.dumps({"key": i, "body": t}) + "\n" for i, t in rows))
    return path


def test_batch_cli_scores_a_file_with_mapped_columns(tmp_path: Path, model_dir: Path) -> None:
    source = _jsonl(tmp_path / "in.jsonl", [*corpus(6), ("blank", "")])
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(
        cli,
        [
            "score",
            str(source),
            "-o",
            str(out),
            "--text-column",
            "body",
            "--id-column",
            "key",
            "--model",
            str(model_dir),
            "--workers",
            "1",
            "--quiet",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "scored 7 articles (1 with an error)" in result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "id,probability,verdict,abstain_reason,error"
    assert [line.split(",")[0] for line in lines[1:]] == [i for i, _ in corpus(6)] + ["blank"]
    assert lines[-1].endswith("[E002] input is empty: blank")


def test_batch_cli_errors_are_one_line_with_exit_2(tmp_path: Path, model_dir: Path) -> None:
    source = _jsonl(tmp_path / "in.jsonl", corpus(2))
    runner = CliRunner()
    missing = runner.invoke(
        cli, ["score", str(tmp_path / "nope.csv"), "-o", str(tmp_path / "o.csv")]
    )
    assert missing.exit_code == 2
    assert missing.output.strip().splitlines() == [
        f"veracity: error: [E001] file not found: {tmp_path / 'nope.csv'}"
    ]
    bad_out = runner.invoke(cli, ["score", str(source), "-o", str(tmp_path / "o.xlsx")])
    assert bad_out.exit_code == 2 and "[E013]" in bad_out.output


def test_batch_cli_subprocess_killed_then_resumed_equals_uninterrupted(
    tmp_path: Path, model_dir: Path
) -> None:
    source = _jsonl(tmp_path / "in.jsonl", corpus(1500))
    out = tmp_path / "out.jsonl"
    cmd = [
        sys.executable,
        "-m",
        "veracity.cli.main",
        "score",
        str(source),
        "-o",
        str(out),
        "--text-column",
        "body",
        "--id-column",
        "key",
        "--model",
        str(model_dir),
        "--workers",
        "2",
        "--chunk-size",
        "5",
        "--quiet",
    ]
    proc = subprocess.Popen(cmd, start_new_session=True, stderr=subprocess.PIPE)
    partial = partial_paths(out)[0]
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if partial.is_file() and partial.read_bytes().count(b"\n") >= 20:
            break
        time.sleep(0.005)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read() if proc.stderr else ""
    assert not out.exists()
    resumed = subprocess.run([*cmd, "--resume"], capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert "from the earlier run" in resumed.stderr
    whole = tmp_path / "whole.jsonl"
    score_file(source, whole, text_column="body", id_column="key", model_dir=model_dir, workers=1)
    assert out.read_bytes() == whole.read_bytes()


def test_batch_cli_counts_are_singular_for_one(tmp_path: Path, model_dir: Path) -> None:
    source = _jsonl(tmp_path / "in.jsonl", [("blank", "")])
    out = tmp_path / "out.csv"
    args = ["score", str(source), "-o", str(out), "--text-column", "body", "--id-column", "key"]
    result = CliRunner().invoke(cli, [*args, "--model", str(model_dir), "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("scored 1 article (1 with an error) -> ")


@pytest.mark.parametrize("name", ["score", "evaluate"])
def test_batch_cli_every_option_has_help(name: str) -> None:
    command = cli.get_command(click.Context(cli), name)
    assert command is not None
    bare = [p.name for p in command.params if isinstance(p, click.Option) and not p.help]
    assert bare == []
    page = CliRunner().invoke(cli, [name, "--help"]).output
    assert "into OUT" not in page


def test_batch_cli_title_column_option(tmp_path: Path, model_dir: Path) -> None:
    source = tmp_path / "in.csv"
    rows = corpus(2)
    source.write_text(
        "id,text,title\n" + "".join(f'{i},{t},"Headline {i}"\n' for i, t in rows),
        encoding="utf-8",
    )
    base = ["score", str(source), "--fields", "full", "--model", str(model_dir), "--workers", "1"]
    runner = CliRunner()
    for extra, titles in (
        ([], [f"Headline {i}" for i, _ in rows]),
        (["--title-column", ""], [None, None]),
    ):
        out = tmp_path / f"out{len(extra)}.jsonl"
        result = runner.invoke(cli, [*base, "-o", str(out), *extra])
        assert result.exit_code == 0, result.output
        records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        assert [r["title"] for r in records] == titles
        assert [r["report"]["title"] for r in records] == titles
    missing = runner.invoke(cli, [*base, "-o", str(tmp_path / "x.csv"), "--title-column", "head"])
    assert missing.exit_code == 2
    assert missing.stderr.startswith("veracity: error: [E006] missing columns ['head']")
    assert not list(tmp_path.glob("x.csv*"))


def test_batch_cli_bad_model_is_one_line_before_any_file(tmp_path: Path, model_dir: Path) -> None:
    source = _jsonl(tmp_path / "in.jsonl", corpus(2))
    broken = tmp_path / "broken"
    broken.mkdir()
    for item in model_dir.iterdir():
        (broken / item.name).write_bytes(item.read_bytes())
    (broken / "linear.npz").write_bytes(b"not a zip")
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(
        cli, ["score", str(source), "-o", str(out), "--model", str(broken), "--workers", "2"]
    )
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1 and "[E008]" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken", "in.jsonl"]


def test_batch_cli_unreadable_resume_state_is_one_line(tmp_path: Path, model_dir: Path) -> None:
    source = _jsonl(tmp_path / "in.jsonl", corpus(2))
    out = tmp_path / "out.csv"
    partial, state = partial_paths(out)
    partial.write_bytes(b"")
    state.write_text("{not json", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["score", str(source), "-o", str(out), "--model", str(model_dir), "--resume"]
    )
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "veracity: error: [E013] invalid value for --resume: "
        "out.csv.partial.json is unreadable; run without --resume to start over"
    ]
    assert state.read_text(encoding="utf-8") == "{not json"


@pytest.mark.parametrize("workers", ["1", "2"])
def test_batch_cli_score_defaults_to_fast_and_deep_on_request(
    tmp_path: Path, model_dir: Path, workers: str
) -> None:
    source = _jsonl(tmp_path / "in.jsonl", corpus(3))
    base = ["score", str(source), "--text-column", "body", "--id-column", "key"]
    base += ["--fields", "full", "--model", str(model_dir), "--workers", workers, "--quiet"]
    for extra, pipeline in (([], "fast"), (["--pipeline", "deep"], "deep")):
        out = tmp_path / f"{pipeline}.jsonl"
        result = CliRunner().invoke(cli, [*base, "-o", str(out), *extra])
        assert result.exit_code == 0, result.output
        records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        assert [r["id"] for r in records] == [i for i, _ in corpus(3)]
        assert all(r["error"] is None for r in records)
        assert {r["report"]["model"]["pipeline"] for r in records} == {pipeline}


def test_batch_cli_verdicts_of_deep_beside_another_fast_model_equal_fast(
    tmp_path: Path, model_dir: Path
) -> None:
    """The deep verdict was fitted on the bundled fast model's margins: beside any other fast
    model (``--model``), ``--fields verdict --pipeline deep`` writes the fast pipeline's rows."""
    source = _jsonl(tmp_path / "in.jsonl", corpus(3))
    base = ["score", str(source), "--text-column", "body", "--id-column", "key"]
    base += ["--model", str(model_dir), "--workers", "1", "--quiet"]
    outputs = []
    for pipeline in ("fast", "deep"):
        out = tmp_path / f"{pipeline}.jsonl"
        result = CliRunner().invoke(cli, [*base, "-o", str(out), "--pipeline", pipeline])
        assert result.exit_code == 0, result.output
        outputs.append(out.read_text(encoding="utf-8"))
    assert outputs[0] == outputs[1]


def test_batch_cli_unknown_pipeline_is_one_error_line_with_exit_2(tmp_path: Path) -> None:
    source = _jsonl(tmp_path / "in.jsonl", corpus(2))
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(cli, ["score", str(source), "-o", str(out), "--pipeline", "bogus"])
    assert result.exit_code == 2 and result.stdout == ""
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert errors == [
        "Error: Invalid value for '--pipeline': 'bogus' is not one of 'fast', 'deep'."
    ]
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


class _Stop(Exception):
    """Ends a run after its first chunk, as an interrupt would."""


def test_batch_cli_resume_refuses_another_pipeline(tmp_path: Path, model_dir: Path) -> None:
    source = _jsonl(tmp_path / "in.jsonl", corpus(8))
    out = tmp_path / "out.csv"

    def stop(rows: int) -> None:
        raise _Stop

    with pytest.raises(_Stop):
        score_file(
            source,
            out,
            text_column="body",
            id_column="key",
            model_dir=model_dir,
            workers=1,
            chunk_size=2,
            on_chunk=stop,
        )
    partial, state = partial_paths(out)
    kept = partial.read_bytes(), state.read_bytes()
    args = ["score", str(source), "-o", str(out), "--text-column", "body", "--id-column", "key"]
    args += ["--model", str(model_dir), "--workers", "1", "--resume", "--pipeline", "deep"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "veracity: error: [E013] invalid value for --resume: out.csv.partial was written with "
        "different settings (pipeline); run without --resume to start over"
    ]
    assert (partial.read_bytes(), state.read_bytes()) == kept and not out.exists()
