"""Headless Chromium for the browser tests (Debian's /usr/bin/chromium, never a downloaded build)."""

from __future__ import annotations

import os
import shutil

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
