"""Versioned registries for pluggable parts (after spaCy's ``registry``).

Parts are registered under names such as ``veracity.LinearNgram.v1`` or
``veracity.reader.FAKES.v1``.  A behaviour change ships under a new version;
lookups never go through string if-chains.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from .errors import E, NotFoundError

if TYPE_CHECKING:
    from .models.composed import ComposedDetector

T = TypeVar("T")
F = TypeVar("F")


class Registry(Generic[T]):
    """A name -> object table for one kind of part."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._items: dict[str, T] = {}
        self._modules: dict[str, str] = {}

    def register(self, name: str) -> Callable[[F], F]:
        """A decorator that registers its object and returns it with its own type."""

        def deco(obj: F) -> F:
            if name in self._items:
                raise ValueError(f"{self.kind} '{name}' is registered twice")
            self._modules.pop(name, None)
            self._items[name] = cast(T, obj)
            return obj

        return deco

    def register_module(self, name: str, module: str) -> None:
        """Declare that importing ``module`` registers ``name``: the import waits for the first
        :meth:`get` of it (a part whose dependencies are heavy, as Dask's engine is)."""
        if name in self._items or name in self._modules:
            raise ValueError(f"{self.kind} '{name}' is registered twice")
        self._modules[name] = module

    def get(self, name: str) -> T:
        if name not in self._items and name in self._modules:
            importlib.import_module(self._modules[name])
        try:
            return self._items[name]
        except KeyError:
            raise NotFoundError(
                E.E005, kind=self.kind, name=name, known=", ".join(self.names())
            ) from None

    def names(self) -> list[str]:
        return sorted({*self._items, *self._modules})

    def __contains__(self, name: object) -> bool:
        return name in self._items or name in self._modules

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())


readers: Registry[Callable[..., object]] = Registry("reader")
#: Detector factories: each takes a flat config and composes a
#: :class:`veracity.models.composed.ComposedDetector` from its parts.
detectors: Registry[Callable[..., ComposedDetector]] = Registry("detector")
scrubbers: Registry[Callable[..., object]] = Registry("scrubber")
sentence_models: Registry[Callable[..., object]] = Registry("sentence model")
tasks: Registry[Callable[..., object]] = Registry("task")
#: Sentence-signal components, one per pipeline (:mod:`veracity.signals.pipelines`).
pipelines: Registry[Callable[..., Any]] = Registry("pipeline")
