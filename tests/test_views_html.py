"""The standalone HTML report (`veracity check FILE --html out.html`) in a real headless Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from browser_support import CHROMIUM, CHROMIUM_ARGS, NEEDS_CHROMIUM
from veracity.cli.main import cli

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "wrapped_wire_story.txt"

pytestmark = NEEDS_CHROMIUM
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")


def test_views_html_report_highlights_sentences_in_chromium(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    article = tmp_path / "article.txt"
    article.write_text(
        EXAMPLE.read_text(encoding="utf-8") + "\n\nA reader wrote <script>alert(1)</script> here.",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["check", str(article), "--html", str(out)])
    assert result.exit_code == 0, result.output
    dialogs: list[str] = []
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(out.as_uri())
        verdict = page.locator("[data-verdict]").first.get_attribute("data-verdict")
        assert verdict in ("reliable", "unreliable", "uncertain")
        sentences = page.locator(".article .s")
        assert sentences.count() >= 10
        opinion = page.locator(".article .s.role-opinion")
        assert opinion.count() >= 2
        assert any("we have all felt" in t.lower() for t in opinion.all_inner_texts())
        assert page.locator(".article .s.role-attributed").count() >= 3
        first = opinion.first
        first.focus()
        tip = first.locator(".tip")
        assert tip.is_visible()
        assert "push on verdict" in tip.inner_text()
        assert "<script>alert(1)</script>" in page.locator(".article").inner_text()
        assert page.locator(".article script").count() == 0
        page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        browser.close()
    assert not dialogs
    assert (tmp_path / "report.png").stat().st_size > 10_000
