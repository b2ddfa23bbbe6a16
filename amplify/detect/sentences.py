"""Sentences with their character spans: the units the semantic stage embeds.

A translation of a paragraph inside a long article is found by its sentences,
not by the article as a whole (one embedding of a whole article is mostly the
rest of it). So a text longer than ``short_chars`` is cut into sentences: at
``.``, ``!``, ``?`` or ``…`` followed by white space (Latin, Cyrillic, Greek
... closing quotes and brackets stay with their sentence), at ``。！？；``
(Chinese and Japanese, with or without a space after), and at line breaks.
A piece shorter than ``min_chars`` ("Mr.", "U.S.", a dateline) is joined to
the next in its paragraph (a short line before a line break -- a heading --
stays alone: joined to the next paragraph it would blur the sentence a
translation is compared with), a piece without a letter or digit (a closing
quote after a line break) to the one before, and a piece longer than ``max_chars`` is cut at the last space or
comma before it, so no unit costs the encoder more than a long sentence. A
short post (a headline, a tweet) is one unit whatever its punctuation.

Lengths are counted in *Latin-equivalent characters*: a Han, kana or Hangul
character counts as :data:`CJK_WIDTH` (an English translation of a Chinese
sentence is about 3.5 times as long, median over WMT zh-en). Counted as one
character each, a third of Chinese news sentences fall under 25 and were
joined to their neighbour while their English and Russian translations stayed
whole, so the two sides of a translated paragraph no longer lined up.

Spans are character offsets into the original text (``text[start:end]``),
white space at the ends excluded.

Examples
--------
>>> units = split_units(["Short post. Two sentences.", "第一句话很长很长。第二句！"], short_chars=12, min_chars=3)
>>> units.post.tolist(), units.start.tolist(), units.end.tolist()
([0, 0, 1, 1], [0, 12, 0, 9], [11, 26, 9, 13])
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

__all__ = ["Units", "split_units", "split_text", "cumulative_width", "CJK_WIDTH"]

# the end of a sentence: the punctuation, closing quotes/brackets, and the white space after it.
# Not at a semicolon, in any script: "；" is a clause break inside one sentence, as ";" is, and
# translators keep it inside the sentence they translate.
_END = re.compile(r"[.!?…]+[\"'»”’)\]]*\s+|[。！？]+[\"'」』”’）)]*\s*|\s*\n\s*")
_SPACE = re.compile(r"\s")
_WORD = re.compile(r"\w")
#: What one Han, kana or Hangul character counts for in the length limits.
CJK_WIDTH = 3


def _is_wide(codes: np.ndarray) -> np.ndarray:
    """Han (incl. extension A and compatibility), kana, Hangul syllables."""
    return (((codes >= 0x3040) & (codes <= 0x30FF)) | ((codes >= 0x3400) & (codes <= 0x9FFF))
            | ((codes >= 0xAC00) & (codes <= 0xD7AF)) | ((codes >= 0xF900) & (codes <= 0xFAFF)))


def _widths(text: str) -> np.ndarray:
    """``w[i]`` = width of ``text[:i]`` (Latin-equivalent characters)."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    w = np.ones(len(codes), dtype=np.int64)
    w[_is_wide(codes)] = CJK_WIDTH
    return np.concatenate([[0], np.cumsum(w)])


def cumulative_width(text: str) -> np.ndarray:
    """``w[i]`` = width of ``text[:i]`` in Latin-equivalent characters (a Han, kana or Hangul
    character counts :data:`CJK_WIDTH`); ``len(w) == len(text) + 1``.

    Examples
    --------
    >>> cumulative_width("ab中").tolist()
    [0, 1, 2, 5]
    """
    return _widths(text)


@dataclass
class Units:
    """Sentences (or whole short posts) as flat arrays: unit ``i`` is
    ``texts[post[i]][start[i]:end[i]]``."""

    post: np.ndarray
    start: np.ndarray
    end: np.ndarray

    def __len__(self) -> int:
        return len(self.post)


def _trimmed(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def _cut_long(text: str, a: int, b: int, max_chars: int, w: np.ndarray) -> list[tuple[int, int]]:
    """``text[a:b]`` in pieces of at most ``max_chars`` wide, cut at a space or comma where there is one."""
    out = []
    while w[b] - w[a] > max_chars:
        n = int(np.searchsorted(w, w[a] + max_chars, side="right")) - 1 - a  # characters that fit
        window = text[a:a + n]
        cut = max(window.rfind(" "), window.rfind(","), window.rfind("，"), window.rfind("、"),
                  window.rfind(";"), window.rfind("；"))
        cut = a + (cut + 1 if cut > n // 2 else max(n, 1))
        x, y = _trimmed(text, a, cut)
        if y > x:
            out.append((x, y))
        a = cut
    x, y = _trimmed(text, a, b)
    if y > x:
        out.append((x, y))
    return out


def split_text(text: str, *, short_chars: int = 280, min_chars: int = 25, max_chars: int = 400) -> list[tuple[int, int]]:
    """The units of one text as ``(start, end)`` character spans (see the module's docstring)."""
    a, b = _trimmed(text, 0, len(text))
    if b <= a:
        return []
    w = _widths(text)
    if w[b] - w[a] <= short_chars:
        return [(a, b)]
    pieces = []
    prev = a
    for m in _END.finditer(text, a, b):
        if m.end() > prev:
            pieces.append(_trimmed(text, prev, m.end()))
            prev = m.end()
    if prev < b:
        pieces.append(_trimmed(text, prev, b))
    merged: list[list[int]] = []
    for x, y in pieces:
        if y <= x:
            continue
        if merged and not _WORD.search(text, x, y):
            merged[-1][1] = y  # a stray closing quote or bracket belongs to the sentence before
        elif merged and w[merged[-1][1]] - w[merged[-1][0]] < min_chars and "\n" not in text[merged[-1][1]:x]:
            merged[-1][1] = y  # a short piece joins the next, inside one paragraph
        else:
            merged.append([x, y])
    if len(merged) >= 2 and w[merged[-1][1]] - w[merged[-1][0]] < min_chars \
            and "\n" not in text[merged[-2][1]:merged[-1][0]]:
        last = merged.pop()
        merged[-1][1] = last[1]  # and a short last piece the one before
    out = []
    for x, y in merged:
        out += _cut_long(text, x, y, max_chars, w)
    return out


def split_units(texts, *, short_chars: int = 280, min_chars: int = 25, max_chars: int = 400) -> Units:
    """The units of every text: whole short posts, sentences of the longer ones.

    Parameters
    ----------
    texts : sequence of str (a missing text has no units)
    short_chars : int
        A text of at most this width is one unit.
    min_chars, max_chars : int
        Narrower pieces join their neighbour; wider ones are cut (widths in
        Latin-equivalent characters: a Han character counts :data:`CJK_WIDTH`).
    """
    post, start, end = [], [], []
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            continue
        spans = split_text(text, short_chars=short_chars, min_chars=min_chars, max_chars=max_chars)
        post += [i] * len(spans)
        start += [s for s, _ in spans]
        end += [e for _, e in spans]
    return Units(np.asarray(post, dtype=np.int64), np.asarray(start, dtype=np.int64),
                 np.asarray(end, dtype=np.int64))
