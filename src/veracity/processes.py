"""What a worker process (the batch pool's, the service's) does for itself.

**Whether a process is alive** (:func:`pid_alive`): a batch worker and a service process each
watch a process that started them and end with it.

**Garbage-collector settings** (:func:`tune_for_analysis`), for a process that does nothing but
analyse.
An analysis allocates many short-lived objects (tokens, spans, report parts)
that reference counting frees; with the default young-generation threshold
(700 allocations) the cyclic collector still runs every few sentences, and it
took about a tenth of the time of a full report.  A worker process (the batch
pool's, the service's) calls :func:`tune_for_analysis` once its model is
loaded: what is loaded by then is moved out of the collector's sight
(``gc.freeze``), and young collections run every :data:`YOUNG_THRESHOLD`
allocations.  A library caller's own process is left as it is.
"""

from __future__ import annotations

import gc
import os

#: Allocations between two young-generation collections (Python's default: 700).
YOUNG_THRESHOLD = 50_000
#: Young collections per middle one, and middle ones per full one (defaults: 10 and 10).
OLDER_THRESHOLDS = (20, 20)


def tune_for_analysis() -> None:
    """Freeze what is loaded and collect young objects less often (see the module doc)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, *OLDER_THRESHOLDS)


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` exists (one of another user's counts as alive)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
