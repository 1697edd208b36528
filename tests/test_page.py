"""The web page in headless Chromium: paste, verdict, highlights, focus tips, XSS, upload."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browser_support import CHROMIUM, CHROMIUM_ARGS, NEEDS_CHROMIUM, reasons_come_first
from service_support import article, make_analyzer, mixed_article, xss_articles

VERDICTS = {"reliable", "unreliable", "uncertain"}

pytestmark = NEEDS_CHROMIUM
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright package is not installed"
)


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on uvicorn in a thread, on a free loopback port."""
    import uvicorn

    from veracity.service.app import create_app
    from veracity.service.settings import Settings

    folder = tmp_path_factory.mktemp("page")
    app = create_app(Settings(db_path=folder / "history.sqlite"), make_analyzer(folder / "model"))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)
    sock.close()


@pytest.fixture(scope="module")
def browser(base_url: str) -> Iterator[Any]:
    with sync_api.sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def dialogs() -> list[str]:
    """Messages of every alert/confirm/prompt the page opened."""
    return []


@pytest.fixture
def page(browser: Any, dialogs: list[str]) -> Iterator[Any]:
    context = browser.new_context()
    tab = context.new_page()
    tab.on("dialog", lambda d: _dismiss(d, dialogs))
    yield tab
    context.close()


@pytest.fixture
def page_article(request: pytest.FixtureRequest) -> str:
    """The shared seed when present (read at test time), else an invented article."""
    try:
        path: Path = request.getfixturevalue("seed_path")
    except pytest.skip.Exception:
        return mixed_article()
    return path.read_text("utf-8")


def _analyse(page: Any, base_url: str, text: str) -> None:
    page.goto(f"{base_url}/")
    page.get_by_label("Article text").fill(text)
    page.get_by_role("button", name="Analyse").click()
    page.wait_for_url(f"{base_url}/a/*")


def test_page_paste_shows_verdict_and_highlighted_opinions(
    page: Any, base_url: str, page_article: str, tmp_path: Path
) -> None:
    _analyse(page, base_url, page_article)
    assert page.locator(".verdict-word").inner_text().strip() in VERDICTS
    assert 0.0 <= float(page.locator(".probability").inner_text()) <= 1.0
    assert page.locator("table.signals tr.signal").count() >= 1
    opinions = page.locator(".article .s.role-opinion")
    assert opinions.count() >= 1
    first = opinions.first
    assert first.evaluate("e => getComputedStyle(e).backgroundColor") != "rgba(0, 0, 0, 0)"
    tip = first.locator(".tip")
    assert not tip.is_visible()
    first.hover()
    assert tip.is_visible()
    page.mouse.move(0, 0)
    page.locator(".article .s").last.hover()
    assert not tip.is_visible()
    permalink = page.locator("a.permalink").get_attribute("href")
    assert page.url.endswith(permalink)
    page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    reasons_come_first(page)
    assert (tmp_path / "report.png").stat().st_size > 0
    page.goto(f"{base_url}/")
    assert page.locator(f'.recent a[href="{permalink}"]').count() == 1


def test_page_sentence_details_open_on_keyboard_focus(page: Any, base_url: str) -> None:
    _analyse(page, base_url, mixed_article())
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('s')"):
            break
    focused = page.locator(".article .s:focus")
    assert focused.count() == 1
    assert focused.locator(".tip").is_visible()
    assert "pushes towards" in focused.locator(".tip").inner_text()


@pytest.mark.parametrize(
    ("index", "markup"), [(0, "<script>alert(1)</script>"), (1, "<img src=x onerror=alert(1)>")]
)
def test_page_article_markup_is_shown_as_text_and_never_runs(
    page: Any, base_url: str, dialogs: list[str], tmp_path: Path, index: int, markup: str
) -> None:
    _analyse(page, base_url, xss_articles()[index])
    page.wait_for_timeout(300)
    assert dialogs == []
    assert markup in page.locator(".article").inner_text()
    assert page.locator(".article img, .article script").count() == 0
    assert page.get_by_text(markup, exact=False).first.is_visible()
    page.screenshot(path=str(tmp_path / "xss.png"), full_page=True)


def test_page_upload_a_file(page: Any, base_url: str, tmp_path: Path) -> None:
    story = tmp_path / "story.txt"
    story.write_text(article(77, loud=True), "utf-8")
    page.goto(f"{base_url}/")
    page.get_by_label("Or upload a file").set_input_files(str(story))
    page.get_by_role("button", name="Analyse").click()
    page.wait_for_url(f"{base_url}/a/*")
    assert "story.txt" in page.locator("main").inner_text()
    assert page.locator(".verdict-word").inner_text().strip() in VERDICTS


def test_page_pipeline_control_defaults_to_deep_and_the_report_names_it(
    page: Any, base_url: str
) -> None:
    page.goto(f"{base_url}/")
    deep, fast = page.get_by_label("Deep:"), page.get_by_label("Fast:")
    assert deep.is_checked() and not fast.is_checked()
    assert deep.is_visible() and fast.is_visible()
    text = article(88, loud=True)
    _analyse(page, base_url, text)
    assert page.url.endswith("?pipeline=deep")
    assert page.locator("strong.pipeline").inner_text() == "deep"
    page.goto(f"{base_url}/")
    page.get_by_label("Article text").fill(text)
    page.get_by_label("Fast:").check()
    page.get_by_role("button", name="Analyse").click()
    page.wait_for_url(f"{base_url}/a/*?pipeline=fast")
    assert page.locator("strong.pipeline").inner_text() == "fast"
    assert page.locator(".verdict-word").inner_text().strip() in VERDICTS


def test_page_url_control_is_disabled_and_explained(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/")
    url = page.get_by_label("Or a URL")
    assert url.is_disabled()
    assert "switched off" in page.locator("#url-note").inner_text()
    assert page.locator("html").get_attribute("lang") == "en"


@pytest.mark.parametrize(
    "name",
    ["\u202eevil name", "\u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd 2024"],
    ids=["right-to-left override", "hebrew name ending in digits"],
)
def test_page_recent_line_reads_in_order_whatever_the_name(
    page: Any, base_url: str, name: str
) -> None:
    page.goto(f"{base_url}/")
    page.get_by_label("Article text").fill(article(len(name) + 500, loud=False))
    page.get_by_label("Name for the history list").fill(name)
    page.get_by_role("button", name="Analyse").click()
    page.wait_for_url(f"{base_url}/a/*")
    permalink = page.url.removeprefix(base_url)
    page.goto(f"{base_url}/")
    line = page.locator(f'.recent li:has(a[href="{permalink}"])')
    link, pill, meta = (line.locator(s).bounding_box() for s in ("a", ".pill", ".meta"))
    assert link is not None and pill is not None and meta is not None
    assert link["x"] + link["width"] <= pill["x"], (link, pill)
    assert meta["x"] >= pill["x"] + pill["width"] or meta["y"] > pill["y"], (pill, meta)
    assert "\u202e" not in line.inner_text()


def _dismiss(dialog: Any, seen: list[str]) -> None:
    """Record a dialog's message and dismiss it (no page may open one)."""
    seen.append(dialog.message)
    dialog.dismiss()
