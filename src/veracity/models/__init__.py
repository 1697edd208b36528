"""Article detectors; importing this package registers every detector."""

from . import chars, linear, masked, semantic, style, voice

__all__ = ["chars", "linear", "masked", "semantic", "style", "voice"]
