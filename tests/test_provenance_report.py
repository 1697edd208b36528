"""The report's provenance: sentences found in an archive are "supported", the rest "added"."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pandas as pd
from click.testing import CliRunner

from veracity.archive import Archive
from veracity.cli.main import cli
from veracity.report import json_schema

WIRE = (
    "The port authority said on Monday that cargo volumes rose by four percent in the third quarter. "
    "A spokeswoman for the authority told reporters that container traffic from Asia led the increase. "
    "The authority expects volumes to keep growing next year, according to its annual outlook."
)
COMMENTARY = (
    "Honestly we all know these bureaucrats are hiding the real numbers from hard-working families!"
)


def test_provenance_report_marks_supported_and_added(tmp_path: Path) -> None:
    db = tmp_path / "archive.sqlite"
    with Archive(db) as archive:
        frame = pd.DataFrame(
            [
                {
                    "id": "wire-1",
                    "title": "Port volumes",
                    "text": WIRE,
                    "label": "reliable",
                    "original_label": "",
                    "corpus": "wire",
                    "source": "wire service",
                    "date": "2026-01-05",
                }
            ]
        )
        archive.add_frame(frame)
    article = tmp_path / "article.txt"
    article.write_text(WIRE.lower() + "\n\n" + COMMENTARY, encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(article), "--json", "--archive", str(db)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    jsonschema.validate(report, json_schema())
    statuses = [s["provenance"]["status"] for s in report["sentences"]]
    assert statuses[:3] == ["supported"] * 3
    assert statuses[-1] == "added"
    assert report["sentences"][0]["provenance"]["matches"][0]["source"] == "wire service"
    assert 0.0 < report["added_share"] < 0.5


def test_provenance_report_served_by_the_api_and_page(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from veracity.service.app import create_app
    from veracity.service.settings import Settings

    db = tmp_path / "archive.sqlite"
    with Archive(db) as archive:
        archive.add_frame(
            pd.DataFrame(
                [{"id": "wire-1", "text": WIRE, "source": "wire service", "date": "2026-01-05"}]
            )
        )
    settings = Settings(db_path=tmp_path / "history.sqlite", archive_path=db)
    with TestClient(create_app(settings)) as client:
        resp = client.post("/v1/analyze", json={"text": WIRE + "\n\n" + COMMENTARY})
        assert resp.status_code == 200, resp.text
        report = resp.json()
        assert [s["provenance"]["status"] for s in report["sentences"]][-1] == "added"
        assert report["added_share"] is not None
        page = client.get(f"/a/{report['id']}")
        assert page.status_code == 200
        assert "Added commentary" in page.text and "wire service" in page.text
