"""Layering: scoring an article never loads research code, and one file name means one thing."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import veracity

PACKAGE = Path(veracity.__file__).resolve().parent

#: Packages that importing the analyser must leave out of ``sys.modules``.
RESEARCH = ("veracity.experiments", "veracity.training", "matplotlib")


def research_loaded(first_import: str) -> list[str]:
    """The :data:`RESEARCH` modules loaded by ``import first_import`` in a fresh interpreter.

    A fresh one, because this test process has imported far more by now.
    """
    return fresh_output(
        f"import sys, {first_import}\n"
        f"research = {RESEARCH!r}\n"
        "print(*sorted(m for m in sys.modules\n"
        "              if any(m == p or m.startswith(p + '.') for p in research)))\n"
    )


def fresh_output(script: str) -> list[str]:
    """The words ``script`` prints in a fresh interpreter (it must succeed)."""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_layering_analyze_imports_no_research_code() -> None:
    assert research_loaded("veracity.analyze") == []


def test_layering_the_check_sees_research_code() -> None:
    assert "veracity.experiments" in research_loaded("veracity.experiments")


def test_layering_no_two_modules_share_a_file_name() -> None:
    names = Counter(path.name for path in PACKAGE.rglob("*.py") if path.name != "__init__.py")
    assert [name for name, n in names.items() if n > 1] == []


def test_layering_scoring_articles_in_process_never_loads_numba() -> None:
    script = (
        "import sys\n"
        "from veracity.analyze import Analyzer\n"
        "text = ' '.join(['The council said the vote was delayed until June.'] * 40)\n"
        "Analyzer.load().analyze_many([text + f' Item {i}.' for i in range(40)])\n"
        "print('numba' in sys.modules)\n"
    )
    assert fresh_output(script) == ["False"]
