"""The plain-Python tokeniser: one text at a time, with `regex` and `unicodedata`.

It states the token rule the compiled scanners implement, and serves where
one text is handled at a time: :func:`normalize` shows what detection sees
of a text, :func:`token_spans` is where :func:`amplify.text.char_offsets`
turns for a text the one-pass scanner hands to Arrow's path.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import numpy as np
import regex

from amplify.text.tables import NO_SPACE_SCRIPTS, STRIP_PATTERN

__all__ = ["normalize", "token_spans"]

_PY_STRIP = regex.compile(STRIP_PATTERN, regex.IGNORECASE)
_PY_TOKEN = regex.compile(
    rf"[{NO_SPACE_SCRIPTS}]|(?:(?![{NO_SPACE_SCRIPTS}])[\p{{L}}\p{{N}}\p{{M}}])+"
)


def normalize(text: str) -> str:
    """Normalised form of one text: the tokens :func:`~amplify.text.tokenize` sees, joined by spaces.

    >>> normalize("The <b>Foreign</b> Ministry said: “NO!”")
    'the b foreign b ministry said no'
    """
    return " ".join(t for t, _, _ in _py_tokens(text))


@lru_cache(maxsize=4096)
def _normalize_token(tok: str) -> tuple[str, ...]:
    """The tokens one raw token becomes after NFKC and lower-casing (NFKC may split it, as "½" -> 1, 2)."""
    norm = unicodedata.normalize("NFKC", tok).lower()
    return tuple(m.group() for m in _PY_TOKEN.finditer(norm)) or ()


def _py_tokens(text: str):
    """Yield ``(normalised token, start, end)`` over the original text."""
    # Strip spans are found on the original (case-insensitively) so offsets hold.
    cuts = [m.span() for m in _PY_STRIP.finditer(text)]
    ci = 0
    for m in _PY_TOKEN.finditer(text):
        s, e = m.span()
        while ci < len(cuts) and cuts[ci][1] <= s:
            ci += 1
        if ci < len(cuts) and cuts[ci][0] <= s < cuts[ci][1]:
            continue
        for sub in _normalize_token(m.group()):
            yield sub, s, e


def token_spans(text: str) -> np.ndarray:
    """Character offsets ``(start, end)`` in ``text`` of each token, shape (n, 2).

    The i-th row belongs to the i-th token :func:`~amplify.text.tokenize`
    produces for the same text (a character that NFKC expands into several
    tokens maps all of them to its own span).

    >>> token_spans("Say: 中国!").tolist()
    [[0, 3], [5, 6], [6, 7]]
    """
    spans = [(s, e) for _, s, e in _py_tokens(text)]
    return np.asarray(spans, dtype=np.int64).reshape(-1, 2)
