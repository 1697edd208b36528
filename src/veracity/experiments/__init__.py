"""Research code: evaluation protocols, the generalisation study and the evaluation tasks.

Nothing here runs when an article is scored: ``veracity.analyze`` never imports
this package (``tests/test_layering.py``).  ``veracity evaluate`` does.

* :mod:`.lodo`: the leave-one-corpus-out protocol and the peer baseline;
* :mod:`.headlines`: the same protocol without and with titles;
* :mod:`.levers` and :mod:`.lever_study`: the generalisation levers and their study;
* :mod:`.figures`: the study's PNG figures (matplotlib, the ``plots`` extra);
* :mod:`.sentence_tasks`, :mod:`.provenance_task`, :mod:`.wrapped`, :mod:`.pointing` and
  :mod:`.deep_verdict_task`: the
  ``veracity.task.<name>.v1`` tasks, registered in :data:`veracity.registry.tasks` by
  importing this package.
"""

from __future__ import annotations

from . import deep_verdict_task, pointing, provenance_task, sentence_tasks, wrapped

__all__ = ["deep_verdict_task", "pointing", "provenance_task", "sentence_tasks", "wrapped"]
