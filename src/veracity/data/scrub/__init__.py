"""Scrubbing: named steps that remove label-leaking artifacts from texts and titles.

``steps`` holds :class:`Step`, :class:`Scrubber` and the shared steps; ``cleaners``
the shared ``str -> str`` functions behind them; ``framing`` the ones a single
corpus needs; ``titles`` the title column's own steps.  Which steps a corpus gets
is its record in :mod:`veracity.data.corpora`.
"""
