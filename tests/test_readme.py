"""README's layout section names every package and top-level module of ``src/veracity``."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _layout_block() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("```\nsrc/veracity/", text.index("## Layout")) + 4
    return text[start : text.index("```\n", start)]


def test_readme_layout_names_every_package_and_module() -> None:
    named = set(re.findall(r"^  (\w+(?:/|\.py))", _layout_block(), re.MULTILINE))
    src = ROOT / "src" / "veracity"
    present = {p.name + "/" for p in src.iterdir() if (p / "__init__.py").is_file()}
    present |= {p.name for p in src.glob("*.py") if p.name != "__init__.py"}
    assert named == present
