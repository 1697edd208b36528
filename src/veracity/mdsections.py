"""Regenerate named sections of a Markdown file (BENCHMARKS.md) in place.

A section is the text between ``<!-- begin:NAME -->`` and ``<!-- end:NAME -->``.
Commands that measure something rewrite only their own section, so several
commands can share one file.  The write is atomic (temp file, then rename).
"""

from __future__ import annotations

import re
from pathlib import Path

from .atomic import atomic_write_text


def update_section(path: Path, name: str, body: str) -> None:
    """Replace (or append) section ``name`` of ``path`` with ``body``."""
    begin, end = f"<!-- begin:{name} -->", f"<!-- end:{name} -->"
    block = f"{begin}\n{body.rstrip()}\n{end}"
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.DOTALL)
    new = (
        pattern.sub(lambda _m: block, old)
        if pattern.search(old)
        else f"{old.rstrip()}\n\n{block}\n"
    )
    atomic_write_text(path, new)
