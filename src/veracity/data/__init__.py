"""Corpora: the record schema, readers, scrubbing, de-duplication and splits.

Importing the package registers every reader and scrubber.
"""

from . import readers, scrub  # noqa: F401 - registers readers and scrubbers
