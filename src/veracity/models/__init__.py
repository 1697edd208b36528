"""Article detectors; importing this package registers every detector."""

from . import linear, masked, style, voice

__all__ = ["linear", "masked", "style", "voice"]
