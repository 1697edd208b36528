"""Sentence-level credibility signals and their article-level summary.

Public API::

    from veracity.signals import SignalAnalyzer, article_signals
    analyzer = SignalAnalyzer.load()                 # verified shipped models
    per_sentence = analyzer.analyze(make_doc(text))      # veracity.doc.make_doc
    summary = article_signals(text, per_sentence)

Importing this package registers ``veracity.SentenceLinear.v1`` in
``registry.sentence_models``.  The evaluation tasks (``veracity.task.<name>.v1``)
are research code: :mod:`veracity.experiments.sentence_tasks`.
"""

from __future__ import annotations

from .analyzer import TRAINED_DIR, SentenceSignals, SignalAnalyzer
from .article import SIGNALS, article_signals, reliable_ranges
from .roles import ROLES, RoleResult, assign_roles, classify_role
from .sentence_models import SentenceLinear

__all__ = [
    "ROLES",
    "SIGNALS",
    "TRAINED_DIR",
    "RoleResult",
    "SentenceLinear",
    "SentenceSignals",
    "SignalAnalyzer",
    "article_signals",
    "assign_roles",
    "classify_role",
    "reliable_ranges",
]
