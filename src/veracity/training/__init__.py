"""Training: the article detector and the shipped signal models.

Nothing here runs when an article is scored: ``veracity.analyze`` never imports
this package (``tests/test_layering.py``).  ``veracity train`` and
``python -m veracity.training.signal_fit`` do.

* :mod:`.detector_fit`: one validated config per detector, fitted and saved with its card;
* :mod:`.binary_metrics`: the detector's metrics (macro-F1, AUC, Brier, ECE);
* :mod:`.signal_fit`: every shipped signal model under ``signals/trained``;
* :mod:`.propaganda_fit`: the propaganda parts, fitted on PTC;
* :mod:`.sentence_corpora`: readers for the sentence- and span-level research sets;
* :mod:`.span_metrics`: the SemEval-2020 Task 11 SI and TC metrics.
"""
