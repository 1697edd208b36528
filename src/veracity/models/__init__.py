"""Article detectors; importing this package registers every detector."""

from . import linear, style

__all__ = ["linear", "style"]
