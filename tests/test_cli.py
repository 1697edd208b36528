"""The CLI through click's runner: verdicts, JSON, HTML, and one-line errors with exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from veracity.cli.main import cli
from veracity.config import MAX_INPUT_BYTES

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def run(*args: str, stdin: bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def assert_one_line_error(code: int, err: str, needle: str) -> None:
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("veracity: error: [E")
    assert needle in lines[0]
    assert "Traceback" not in err


def test_cli_check_prints_verdict_for_example() -> None:
    code, out, _ = run("check", str(EXAMPLES / "wrapped_wire_story.txt"), "--color", "never")
    assert code == 0
    assert out.startswith("verdict: ")
    assert "P(unreliable) = " in out
    assert "legend:" in out


def test_cli_check_json_is_a_report() -> None:
    code, out, _ = run("check", str(EXAMPLES / "wire_report.txt"), "--json")
    assert code == 0
    report = json.loads(out)
    assert report["schema_version"] == "1.5"
    assert 0.0 <= report["probability"] <= 1.0
    assert report["sentences"]


def test_cli_check_reads_stdin() -> None:
    text = (EXAMPLES / "wire_report.txt").read_bytes()
    code, out, _ = run("check", "-", "--json", stdin=text)
    assert code == 0
    assert json.loads(out)["input_name"] == "<stdin>"


def test_cli_check_missing_file(tmp_path: Path) -> None:
    code, _, err = run("check", str(tmp_path / "nope.txt"))
    assert_one_line_error(code, err, "not found")


def test_cli_check_empty_input(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n\n")
    code, _, err = run("check", str(empty))
    assert_one_line_error(code, err, "empty")


def test_cli_check_empty_stdin() -> None:
    code, _, err = run("check", "-", stdin=b"")
    assert_one_line_error(code, err, "empty")


def test_cli_check_binary_input(tmp_path: Path) -> None:
    binary = tmp_path / "image.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)
    code, _, err = run("check", str(binary))
    assert_one_line_error(code, err, "binary")


def test_cli_check_oversized_input(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"word " * (MAX_INPUT_BYTES // 5 + 1))
    code, _, err = run("check", str(big))
    assert_one_line_error(code, err, "over the limit")


def test_cli_check_html_output_is_atomic_and_complete(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    code, _, _ = run("check", str(EXAMPLES / "wrapped_wire_story.txt"), "--html", str(out))
    assert code == 0
    page = out.read_text()
    assert page.startswith("<!doctype html>") and page.rstrip().endswith("</html>")
    assert not list(tmp_path.glob(".*.tmp"))


def test_cli_data_stats_unknown_corpus() -> None:
    code, _, err = run("data", "stats", "--corpus", "no_such_corpus")
    assert_one_line_error(code, err, "unknown")


def test_cli_evaluate_needs_protocol_or_task() -> None:
    code, _, err = run("evaluate")
    assert_one_line_error(code, err, "--protocol/--task")


@pytest.mark.data
def test_cli_check_seed_is_not_passed_as_reliable(seed_path: Path) -> None:
    code, out, _ = run("check", str(seed_path), "--json")
    assert code == 0
    report = json.loads(out)
    assert report["verdict"] != "reliable"
    assert report["probability"] > report["uncertain_band"][0]


def test_cli_check_color_always_survives_a_pipe_and_never_strips_it() -> None:
    always = run("check", str(EXAMPLES / "wire_report.txt"), "--color", "always")
    never = run("check", str(EXAMPLES / "wire_report.txt"), "--color", "never")
    auto = run("check", str(EXAMPLES / "wire_report.txt"))
    assert always[0] == never[0] == auto[0] == 0
    assert "\x1b[" in always[1]
    assert "\x1b[" not in never[1] and "\x1b[" not in auto[1]  # run() pipes stdout
    assert run("check", str(EXAMPLES / "wire_report.txt"), "--color", "sometimes")[0] == 2


def test_cli_check_says_when_p_is_close_to_the_line() -> None:
    from veracity.analyze import Analyzer
    from veracity.views.terminal import near_the_line, render_terminal

    report = Analyzer.load().analyze((EXAMPLES / "wire_report.txt").read_text(encoding="utf-8"))
    lo, hi = report.uncertain_band
    report.probability = round(hi + 0.02, 4)
    assert "uncertain meets unreliable" in render_terminal(report, color=False)
    report.probability = round(lo - 0.04, 4)
    assert "uncertain meets reliable" in (near_the_line(report) or "")
    report.probability = round((lo + hi) / 2, 4) if hi - lo > 0.2 else round(hi + 0.2, 4)
    assert near_the_line(report) is None


def _input_line(out: str) -> str:
    """The terminal view's header line naming the input and the model."""
    return next(line for line in out.splitlines() if line.startswith("input: "))


def test_cli_check_defaults_to_the_deep_pipeline() -> None:
    code, out, _ = run("check", str(EXAMPLES / "wire_report.txt"), "--json")
    assert code == 0
    assert json.loads(out)["model"]["pipeline"] == "deep"
    code, out, _ = run("check", str(EXAMPLES / "wire_report.txt"), "--color", "never")
    assert code == 0
    assert "(deep pipeline)" in _input_line(out)


def test_cli_check_pipeline_fast_gives_a_fast_report() -> None:
    code, out, _ = run("check", str(EXAMPLES / "wire_report.txt"), "--json", "--pipeline", "fast")
    assert code == 0
    model = json.loads(out)["model"]
    assert model["pipeline"] == "fast" and model["signals_version"] == ""
    code, out, _ = run("check", str(EXAMPLES / "wire_report.txt"), "--pipeline", "fast")
    assert code == 0
    assert "(fast pipeline)" in _input_line(out)


def test_cli_check_unknown_pipeline_is_one_error_line_with_exit_2() -> None:
    code, out, err = run("check", str(EXAMPLES / "wire_report.txt"), "--pipeline", "bogus")
    assert code == 2 and out == ""
    errors = [line for line in err.splitlines() if line.startswith("Error:")]
    assert errors == [
        "Error: Invalid value for '--pipeline': 'bogus' is not one of 'fast', 'deep'."
    ]
    assert "Traceback" not in err
