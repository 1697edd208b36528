"""Counts in the words people read: "1 article", "3 articles"."""

from __future__ import annotations


def counted(n: int, noun: str) -> str:
    """``n`` and ``noun``, plural unless ``n`` is 1 (nouns here take a plain "s")."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
