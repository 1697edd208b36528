"""Article detectors; importing this package registers every detector."""

from . import linear, masked, style

__all__ = ["linear", "masked", "style"]
