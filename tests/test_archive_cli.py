"""``veracity archive``: add, stats, remove, lookup, and one-line errors with exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from veracity.cli.main import cli

# Invented articles (not from any corpus).
MILL = (
    "The old textile mill in Carrow will reopen as a public library next spring. "
    "The town council approved the conversion after a two year campaign by residents. "
    "Architects plan to keep the original brick chimney and the iron roof beams."
)
TRAM = (
    "The city of Lowmoor will extend its tram line to the airport by 2027. "
    "Transport officials said the project would cut journey times to twenty minutes."
)
SNOW = "Heavy snow closed the mountain pass at Iselberg for the third time this winter."


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    csv = tmp_path / "wire.csv"
    pd.DataFrame(
        {"story": ["mill-1"], "body": [MILL], "outlet": ["herald"], "day": ["2024-02-02"]}
    ).to_csv(csv, index=False)
    jsonl = tmp_path / "wire.jsonl"
    jsonl.write_text(json.dumps({"id": "tram-1", "text": TRAM, "source": "post"}) + "\n")
    folder = tmp_path / "pages"
    (folder / "sub").mkdir(parents=True)
    (folder / "snow.txt").write_text(SNOW, encoding="utf-8")
    (folder / "sub" / "snow.html").write_text(
        f"<html><body><article><p>{SNOW}</p></article></body></html>", encoding="utf-8"
    )
    (folder / "notes.md").write_text("not an article", encoding="utf-8")
    article = tmp_path / "article.txt"
    article.write_text(
        "the town council approved the conversion after a two year campaign by residents .\n"
        "this is obviously a scam dreamed up by people who hate books .\n",
        encoding="utf-8",
    )
    return {"csv": csv, "jsonl": jsonl, "folder": folder, "article": article}


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_archive_cli_add_stats_lookup_remove(tmp_path: Path, files: dict[str, Path]) -> None:
    db = str(tmp_path / "arc.sqlite")
    code, out, _ = run(
        "archive", "add", str(files["csv"]), "--db", db, "--id-column", "story",
        "--text-column", "body", "--source-column", "outlet", "--date-column", "day",
    )  # fmt: skip
    assert code == 0, out
    assert out.startswith("added 1 article;")
    assert run("archive", "add", str(files["jsonl"]), str(files["folder"]), "--db", db)[0] == 0

    code, out, _ = run("archive", "stats", "--db", db, "--json")
    info = json.loads(out)
    assert code == 0
    assert info["documents"] == 3  # the .html copy of snow.txt is the same content
    assert info["sources"] == {"": 1, "herald": 1, "post": 1}

    code, out, _ = run("archive", "lookup", str(files["article"]), "--db", db, "--json")
    body = json.loads(out)
    assert code == 0
    assert [s["status"] for s in body["sentences"]] == ["supported", "added"]
    match = body["sentences"][0]["matches"][0]
    assert (match["doc_id"], match["source"], match["date"]) == ("mill-1", "herald", "2024-02-02")
    assert 0.4 < body["added_share"] < 0.6

    code, out, _ = run("archive", "lookup", str(files["article"]), "--db", db)
    assert code == 0
    assert "supported" in out and "mill-1" in out and "added share" in out

    assert run("archive", "remove", "--id", "tram-1", "--db", db)[1].strip() == "removed 1 article"
    assert (
        run("archive", "remove", "--source", "herald", "--db", db)[1].strip() == "removed 1 article"
    )
    code, out, _ = run("archive", "stats", "--db", db)
    assert code == 0
    assert "documents  1" in out


def test_archive_cli_add_with_source_and_env_db(
    tmp_path: Path, files: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VERACITY_ARCHIVE", str(tmp_path / "env.sqlite"))
    code, out, _ = run("archive", "add", str(files["folder"]), "--source", "alpine")
    assert code == 0, out
    assert (tmp_path / "env.sqlite").is_file()
    info = json.loads(run("archive", "stats", "--json")[1])
    assert info["sources"] == {"alpine": 1}


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["archive", "stats", "--db", "{tmp}/absent.sqlite"], "E001"),
        (["archive", "stats", "--db", "{tmp}/junk.sqlite"], "E015"),
        (["archive", "lookup", "{tmp}/article.txt", "--db", "{tmp}/junk.sqlite"], "E015"),
        (["archive", "add", "{tmp}/notes.md", "--db", "{tmp}/new.sqlite"], "E012"),
        (["archive", "add", "{tmp}/absent.csv", "--db", "{tmp}/new.sqlite"], "E001"),
        (["archive", "add", "{tmp}/wire.csv", "--db", "{tmp}/new.sqlite"], "E006"),
        (["archive", "remove", "--db", "{tmp}/junk.sqlite"], "E013"),
        (["archive", "lookup", "{tmp}/absent.txt", "--db", "{tmp}/junk.sqlite"], "E001"),
    ],
)
def test_archive_cli_errors_are_one_line(
    tmp_path: Path, files: dict[str, Path], args: list[str], needle: str
) -> None:
    (tmp_path / "junk.sqlite").write_bytes(b"\x07junk bytes that are no database\x00" * 64)
    (tmp_path / "notes.md").write_text("not an article", encoding="utf-8")
    code, out, err = run(*[a.format(tmp=tmp_path) for a in args])
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("veracity: error: [") and needle in lines[0]
    assert "Traceback" not in err
