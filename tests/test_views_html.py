"""The report views: the standalone HTML report (`veracity check FILE --html out.html`, in a
real headless Chromium when one is installed) and, like it, the terminal view's headline and
mojibake-repair lines."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from browser_support import CHROMIUM, CHROMIUM_ARGS, NEEDS_CHROMIUM, reasons_come_first
from veracity.analyze import Analyzer
from veracity.cli.main import cli
from veracity.report import Report
from veracity.report_records import TechniqueSpan
from veracity.text.inputs import Document, document_from_text
from veracity.views.html import render_html
from veracity.views.terminal import render_terminal

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "wrapped_wire_story.txt"
#: An invented article in which every curly quote and apostrophe is UTF-8 read as Latin-1.
MOJIBAKE = (
    (
        "\u201cWe will reopen the pier in May,\u201d the harbour master said on Monday. "
        "The town\u2019s council approved the repairs, which cost four million dollars."
    )
    .encode("utf-8")
    .decode("latin-1")
)
BROWSER, SKIP_WITHOUT_CHROMIUM = NEEDS_CHROMIUM
HEADLINE = "Harbour pier to reopen in May \u202eafter repairs"


class _Text(HTMLParser):
    """The text of a page, without its <style>."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._skip = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._skip = False

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def page_text(page: str) -> str:
    parser = _Text()
    parser.feed(page)
    return " ".join(" ".join(parser.parts).split())


def test_views_html_and_terminal_show_the_mojibake_repair(tmp_path: Path) -> None:
    article = tmp_path / "article.txt"
    article.write_text(MOJIBAKE, encoding="utf-8")
    out = tmp_path / "report.html"
    result = CliRunner().invoke(
        cli, ["check", str(article), "--color", "never", "--html", str(out)]
    )
    assert result.exit_code == 0, result.output
    repaired = document_from_text(MOJIBAKE).repaired
    assert repaired == 9
    assert f"repaired {repaired} mis-decoded characters (mojibake)" in result.stdout
    assert "the harbour master said" in result.stdout
    page = page_text(out.read_text(encoding="utf-8"))
    assert f"Repaired {repaired} mis-decoded characters (mojibake) before analysis." in page
    assert "The town's council approved" in page


def test_views_html_and_terminal_show_the_headline() -> None:
    text = document_from_text(EXAMPLE.read_text(encoding="utf-8")).text
    report = Analyzer.load().analyze(Document(text, "story.txt", "text", title=HEADLINE))
    assert report.title == HEADLINE and report.repaired_chars == 0
    page = render_html(report, text)
    assert f"<bdi>{HEADLINE}</bdi>" in page
    assert "Repaired" not in page_text(page)
    printed = render_terminal(report, color=False)
    assert printed.splitlines()[0] == "headline: Harbour pier to reopen in May \\u202eafter repairs"
    assert "mojibake" not in printed


@BROWSER
@SKIP_WITHOUT_CHROMIUM
def test_views_html_report_highlights_sentences_in_chromium(tmp_path: Path) -> None:
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="the playwright package is not installed"
    )
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
        page.on("dialog", lambda d: _dismiss(d, dialogs))
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
        assert "pushes towards" in tip.inner_text() or "barely moves" in tip.inner_text()
        assert "<script>alert(1)</script>" in page.locator(".article").inner_text()
        assert page.locator(".article script").count() == 0
        assert "article.txt" in page.locator(".verdict .input").inner_text()
        reasons_come_first(page)
        page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        page.emulate_media(media="print")
        page.locator("body").click(position={"x": 1, "y": 1})
        tips = page.locator(".article .s > .tip")
        assert tips.count() == sentences.count()
        assert all(tips.nth(i).is_visible() for i in range(tips.count()))
        footer = page.locator(".footer").bounding_box()
        article_box = page.locator(".article").bounding_box()
        assert footer is not None and article_box is not None
        assert footer["x"] >= article_box["x"] - 1
        browser.close()
    assert not dialogs
    assert (tmp_path / "report.png").stat().st_size > 10_000


def test_views_html_and_terminal_show_the_reasons_first() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    report = Analyzer.load().analyze(text)
    assert 3 <= len(report.reasons) <= 5
    printed = render_terminal(report, color=False).splitlines()
    heads = [
        printed.index(next(line for line in printed if line.startswith(h)))
        for h in ("why", "signals", "sentences")
    ]
    assert heads == sorted(heads)
    assert report.reasons[0].text in printed[heads[0] + 1]
    page = render_html(report, text)
    places = [
        page.index(mark) for mark in ('class="reasons"', 'class="signals"', 'class="article"')
    ]
    assert places == sorted(places)
    for reason in report.reasons:
        assert f"<strong>{reason.text}</strong>" in page.replace("&#39;", "'")
        for i in reason.sentences[:10]:
            assert f'href="#s-{i}"' in page and f'id="s-{i}"' in page


def test_views_html_says_when_p_is_close_to_the_line() -> None:
    from veracity.views.html import render_fragment

    examples = Path(__file__).resolve().parents[1] / "examples"
    text = (examples / "wire_report.txt").read_text(encoding="utf-8")
    report = Analyzer.load().analyze(text)
    report.probability = round(report.uncertain_band[1] + 0.01, 4)
    for page in (render_html(report, text), render_fragment(report, text)):
        assert "Close to the line:" in page and "uncertain meets unreliable" in page


def _dismiss(dialog: Any, seen: list[str]) -> None:
    """Record a dialog's message and dismiss it (no page may open one)."""
    seen.append(dialog.message)
    dialog.dismiss()


def _first_sentence_marked(
    strong: tuple[str, float], weak: tuple[str, float]
) -> tuple[str, Report]:
    """The example's report with its first sentence's first word marked ``strong`` and its next
    four characters ``weak``."""
    text = EXAMPLE.read_text(encoding="utf-8")
    report = Analyzer.load().analyze(text)
    first = report.sentences[0]
    first.techniques = [
        TechniqueSpan(first.start, first.start + 3, strong[0], strong[1], "strong"),
        TechniqueSpan(first.start + 4, first.start + 8, weak[0], weak[1], "weak"),
    ]
    return text, report


def test_views_html_tooltip_speaks_plainly_and_lists_each_technique_once() -> None:
    from veracity.views.terminal import push_words

    assert push_words(0.49) == "pushes towards unreliable, strongly"
    assert push_words(-0.2) == "pushes towards reliable, moderately"
    assert push_words(0.1) == "pushes towards unreliable, slightly"
    assert push_words(0.01) == "barely moves the verdict"
    text, report = _first_sentence_marked(("Loaded_Language", 0.6), ("Loaded_Language", 0.4))
    first = report.sentences[0]
    page = render_html(report, text)
    tip = page[page.index('id="tip-0"') :]
    tip = tip[: tip.index("</details>")]
    shown, numbers = tip.split('<details class="numbers">')
    assert "techniques: " in shown and shown.count("loaded language") == 1
    assert "loaded language (strong)" in shown and "Loaded_Language" not in shown
    assert "log-odds" not in shown and "%" not in shown
    assert push_words(first.contribution) in shown
    assert "<summary>numbers</summary>" in numbers
    assert "log-odds; " in numbers and "% of the article&#39;s total push" in numbers


def test_views_html_and_terminal_show_strong_and_weak_techniques_apart() -> None:
    text, report = _first_sentence_marked(("Name_Calling,Labeling", 0.7), ("Doubt", 0.4))
    first = report.sentences[0]
    page = render_html(report, text)
    legend = page[page.index('<p class="legend">') :]
    legend = legend[: legend.index("</p>")]
    assert 'class="tech tech-strong"' in legend and 'class="tech tech-weak"' in legend
    assert '<mark class="tech tech-strong" data-technique="Name_Calling,Labeling"' in page
    assert '<mark class="tech tech-weak" data-technique="Doubt"' in page
    assert "mark.tech-weak" in page and "dotted" in page
    plain = render_terminal(report, color=False)
    marked = (first.text[:3], first.text[4:8])
    assert (
        f'techniques: name-calling (strong) "{marked[0]}"; casting doubt (weak) "{marked[1]}"'
        in plain
    )
    assert "techniques: strong technique  weak technique" in plain
    coloured = render_terminal(report, color=True)
    assert "\x1b[1m" in coloured and "\x1b[2m" in coloured
