"""Headless Chromium for the browser tests (Debian's /usr/bin/chromium, never a downloaded build)."""

from __future__ import annotations

import os
import shutil
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NEEDS_CHROMIUM = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not (os.access(CHROMIUM, os.X_OK) or shutil.which("chromium") == CHROMIUM),
        reason=f"headless Chromium not found at {CHROMIUM} (apt-get install chromium)",
    ),
]


def reasons_come_first(page: Any) -> None:
    """In Chromium: right under the verdict, the reasons block is the first content block,
    above the signals and the article and on the first screen; each sentence link leads to
    its sentence."""
    blocks = page.locator(".vr > *")
    classes = [blocks.nth(i).get_attribute("class") or "" for i in range(blocks.count())]
    assert classes[0].startswith("verdict") and classes[1] == "reasons", classes
    assert page.locator(".vr h2").first.inner_text() == "Why: the main reasons"
    reasons = page.locator(".reasons li.reason")
    assert 3 <= reasons.count() <= 5
    boxes = [page.locator(sel).first.bounding_box() for sel in (".reasons", ".article")]
    assert boxes[0] is not None and boxes[1] is not None
    assert boxes[0]["y"] + boxes[0]["height"] <= boxes[1]["y"]
    assert boxes[0]["y"] < page.viewport_size["height"]
    link = page.locator(".reasons a[href^='#s-']").first
    target = link.get_attribute("href")
    link.click()
    assert page.url.endswith(target)
    assert page.locator(f".article .s{target}").evaluate("e => e.matches(':target')")
