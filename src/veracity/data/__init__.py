"""Corpora: the record schema, readers, scrubbing, de-duplication and splits.

Importing the package registers every reader and scrubber.
"""

from . import corpora, readers  # noqa: F401 - registers scrubbers and readers
