"""Tokenisation: a column of texts -> flat arrays of stable 64-bit token hashes.

:func:`tokenize` is what detection runs on every post. Normalisation is NFKC,
lower-case, and removal of URLs and @handles; tokens are runs of letters,
digits and marks, and each character of a script written without spaces
(Han, Hiragana, Katakana, Thai) is a token by itself. One compiled pass
(:func:`amplify.text.scan.fused_scan`) does all of it straight from the Arrow
buffers; texts holding characters that NFKC may merge with their neighbours
take the reference path, :func:`arrow_tokens` (Arrow's own NFKC, lower-case
and regex kernels), and both paths give the same tokens (tested).
"""

from __future__ import annotations

import functools
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numba import njit

from amplify.text.buffers import take_texts, text_buffers, text_chunks
from amplify.text.scan import fused_scan, scan_tokens
from amplify.text.tables import NO_SPACE_SCRIPTS, STRIP_PATTERN, char_classes, fold_table

__all__ = ["Tokens", "tokenize", "arrow_tokens", "word_prefixes", "spell_numbers"]

# Texts are shared out over the threads in pieces of about equal bytes, at
# least this many (smaller pieces cost more in calls than they gain).
_MIN_PIECE_BYTES = 1 << 20
# Room past a text's byte length in the scanner's buffer: a text has no more
# code points than bytes, and NFKC expansions (up to 18 code points for a
# 3-byte character) get some room; a text that needs more takes Arrow's path
# rather than a buffer 6x its size.
_EXPANSION_ROOM = 256
# Texts per slice on the reference path, so that Arrow's copies stay small.
_ARROW_SLICE = 1 << 16


@dataclass
class Tokens:
    """Tokens of many posts, flat.

    Attributes
    ----------
    hashes : ndarray of uint64, shape (n_tokens,)
        Stable hash of each normalised token, posts one after another.
    offsets : ndarray of int64, shape (n_posts + 1,)
        Post ``i`` owns ``hashes[offsets[i]:offsets[i + 1]]``.
    narrow : ndarray of bool, shape (n_tokens,)
        The token is one character of a script written without spaces (about
        half a word: lengths in words count it as 0.5).
    """

    hashes: np.ndarray
    offsets: np.ndarray
    narrow: np.ndarray

    @property
    def lengths(self) -> np.ndarray:
        """Tokens of each post, shape (n_posts,)."""
        return np.diff(self.offsets)


# A letter of a script written with spaces, or a mark (RE2: a letter that is not of NO_SPACE_SCRIPTS).
_SPACED_LETTER = rf"(?:[^\P{{L}}{NO_SPACE_SCRIPTS}]|\p{{M}})"


# English numbers written as words, cardinal and ordinal, and the value each spells.
_UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
          "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_UNIT_ORDINALS = ["zeroth", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
                  "tenth", "eleventh", "twelfth"] + [w + "th" for w in _UNITS[13:]]
_TENS = {20: "twenty", 30: "thirty", 40: "forty", 50: "fifty", 60: "sixty", 70: "seventy", 80: "eighty",
         90: "ninety", 100: "hundred"}
_NUMBER_WORDS = {**{w: i for i, w in enumerate(_UNITS)}, **{w: i for i, w in enumerate(_UNIT_ORDINALS)},
                 **{w: i for i, w in _TENS.items()}, **{w[:-1] + "ieth" if w.endswith("y") else w + "th": i
                                                       for i, w in _TENS.items()}}
# ordinals in digits ("5th", "22nd") up to this
_DIGIT_ORDINALS_UP_TO = 1000


def _ordinal_suffix(i: int) -> str:
    return "th" if 10 <= i % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(i % 10, "th")


@functools.lru_cache(maxsize=1)
def _numbers_spelt() -> tuple[np.ndarray, np.ndarray]:
    """(sorted token hashes of numbers written otherwise than in digits, the hash of each one's digits)."""
    words = list(_NUMBER_WORDS) + [f"{i}{_ordinal_suffix(i)}" for i in range(_DIGIT_ORDINALS_UP_TO)]
    values = list(_NUMBER_WORDS.values()) + list(range(_DIGIT_ORDINALS_UP_TO))
    keys = tokenize(np.array(words, dtype=object), workers=1).hashes
    digits = tokenize(np.array([str(v) for v in values], dtype=object), workers=1).hashes
    order = np.argsort(keys)
    return keys[order], digits[order]


def spell_numbers(hashes: np.ndarray) -> np.ndarray:
    """Token hashes with each English number written as a word ("five",
    "fifth", "twentieth") or as an ordinal in digits ("5th", "22nd") replaced
    by the hash of its digits ("5", "22"): one number written two ways is one
    token. Others are returned as they are (a new array).

    Examples
    --------
    >>> a, b = tokenize(["NPP's fifth power unit"]), tokenize(["NPP: 5th power unit"])
    >>> spell_numbers(a.hashes)[-3:].tolist() == spell_numbers(b.hashes)[-3:].tolist()
    True
    """
    keys, digits = _numbers_spelt()
    hashes = np.asarray(hashes, dtype=np.uint64)
    at = np.minimum(np.searchsorted(keys, hashes), len(keys) - 1)
    return np.where(keys[at] == hashes, digits[at], hashes)


def _arrow_normalize(texts, word_prefix: int = 0) -> pa.Array:
    """NFKC, lower-case and URL/handle removal in Arrow's C++ kernels; with
    ``word_prefix``, every run of more letters than that is cut to its first
    ``word_prefix`` (digits and characters of scripts without spaces are kept:
    a run stays one token, so the tokens stay one for one)."""
    arr = texts if isinstance(texts, (pa.Array, pa.ChunkedArray)) else pa.array(texts, type=pa.large_string())
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if arr.type != pa.large_string():
        arr = arr.cast(pa.large_string())
    arr = pc.fill_null(arr, "")
    arr = pc.utf8_normalize(arr, "NFKC")
    arr = pc.utf8_lower(arr)
    arr = pc.replace_substring_regex(arr, pattern=STRIP_PATTERN, replacement=" ")
    if word_prefix:
        arr = pc.replace_substring_regex(arr, pattern=rf"({_SPACED_LETTER}{{{word_prefix}}}){_SPACED_LETTER}+",
                                         replacement=r"\1")
    return arr


def _hash_tokens(arr: pa.Array) -> Tokens:
    """Tokens of normalised texts: a counting pass, then a hashing pass."""
    data, boff = text_buffers(arr)
    cls = char_classes()
    counts = np.zeros(len(arr), dtype=np.int64)
    dummy = np.zeros(0, dtype=np.uint64)
    scan_tokens(data, boff, cls, counts, np.zeros(len(arr) + 1, np.int64), dummy, np.zeros(0, np.bool_), False)
    toff = np.zeros(len(arr) + 1, dtype=np.int64)
    np.cumsum(counts, out=toff[1:])
    out = np.empty(toff[-1], dtype=np.uint64)
    narrow = np.zeros(toff[-1], dtype=np.bool_)
    scan_tokens(data, boff, cls, counts, toff, out, narrow, True)
    return Tokens(out, toff, narrow)


def arrow_tokens(texts: pa.Array, workers: int = 2, word_prefix: int = 0) -> Tokens:
    """The reference path: Arrow's NFKC, lower-case and strip, then
    :func:`~amplify.text.scan.scan_tokens`. In slices, so that Arrow's copies
    of the text stay small. :func:`tokenize` gives the same tokens faster.
    With ``word_prefix``, the hash of each token's first ``word_prefix``
    letters instead (see :func:`word_prefixes`)."""
    n = len(texts)
    bounds = list(range(0, n, _ARROW_SLICE)) + [n]
    slices = [texts.slice(a, b - a) for a, b in zip(bounds[:-1], bounds[1:])] or [texts]
    with ThreadPoolExecutor(max(1, workers)) as ex:
        parts = list(ex.map(lambda t: _hash_tokens(_arrow_normalize(t, word_prefix)), slices))
    hashes = np.concatenate([p.hashes for p in parts])
    narrow = np.concatenate([p.narrow for p in parts])
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.concatenate([p.lengths for p in parts]), out=offsets[1:])
    return Tokens(hashes, offsets, narrow)


@njit(cache=True, nogil=True)
def _place(hashes, narrow, offsets, rows, sub_hashes, sub_offsets, sub_narrow):
    """Copy the tokens of ``rows`` (tokenised apart) into their places."""
    for i in range(len(rows)):
        a = offsets[rows[i]]
        b = sub_offsets[i]
        for j in range(sub_offsets[i + 1] - b):
            hashes[a + j] = sub_hashes[b + j]
            narrow[a + j] = sub_narrow[b + j]


def _scan_tasks(chunks, starts, rows, workers: int) -> list[tuple]:
    """The texts ``rows`` cut into pieces of about equal bytes for the threads.

    A task is ``(data, offsets, texts, slots, cap)``: the buffers of one
    chunk, the texts to scan in it, the output slot of each, and the size of
    the scanner's buffer.
    """
    n = len(rows)
    if len(chunks) > 1:  # the output slots of each chunk's texts, in one sort
        chunk_of = np.searchsorted(starts, rows, side="right") - 1
        by_chunk = np.argsort(chunk_of, kind="stable")
        cuts_at = np.searchsorted(chunk_of[by_chunk], np.arange(len(chunks) + 1))
    tasks = []
    total = sum(int(c.buffers()[2].size) if c.buffers()[2] is not None else 0 for c in chunks)
    piece = max(_MIN_PIECE_BYTES, total // max(1, 4 * workers))
    for c, arr in enumerate(chunks):
        slots = by_chunk[cuts_at[c]:cuts_at[c + 1]] if len(chunks) > 1 else np.arange(n, dtype=np.int64)
        if not len(slots):
            continue
        data, boff = text_buffers(arr)
        local = rows[slots] - starts[c]
        nbytes = boff[local + 1] - boff[local]
        cum = np.cumsum(nbytes)
        cuts = np.searchsorted(cum, np.arange(piece, cum[-1], piece))
        edges = np.unique(np.r_[0, cuts, len(slots)])
        cap = int(nbytes.max(initial=0)) + _EXPANSION_ROOM
        tasks += [(data, boff, local[a:b], slots[a:b], cap) for a, b in zip(edges[:-1], edges[1:])]
    return tasks


def tokenize(texts, *, workers: int = 2, order=None) -> Tokens:
    """Tokenise a column of texts into stable 64-bit token hashes.

    One compiled pass normalises, strips and hashes each text straight from
    Arrow's buffers (see :func:`~amplify.text.tables.fold_table`); the few
    texts with characters NFKC may merge with their neighbours go through
    Arrow's own NFKC (:func:`arrow_tokens`). Both paths give the same tokens.

    Parameters
    ----------
    texts : sequence of str, pandas Series or pyarrow array
    workers : int
        Threads (Arrow and the compiled scanner release the GIL).
    order : array of int, optional
        Tokenise ``texts[order]``, in that order, without copying the texts.

    Examples
    --------
    >>> t = tokenize(["Hello, World! https://t.co/x", "中国外交部", ""])
    >>> t.lengths.tolist()
    [2, 5, 0]
    >>> bool(t.hashes[0] == tokenize(["hello"]).hashes[0])
    True
    """
    chunks, starts = text_chunks(texts)
    rows = np.arange(starts[-1], dtype=np.int64) if order is None else np.asarray(order, dtype=np.int64)
    n = len(rows)
    table, exp_off, exp_cps = fold_table()
    cls = char_classes()
    counts = np.zeros(n, dtype=np.int64)
    fallback = np.zeros(n, dtype=np.bool_)
    tasks = _scan_tasks(chunks, starts, rows, workers)
    e64, eh, eb = np.zeros(1, np.int64), np.zeros(0, np.uint64), np.zeros(0, np.bool_)

    def scan(task, offsets=None, hashes=eh, narrow=eb):
        data, boff, local, slots, cap = task
        fused_scan(data, boff, local, slots, table, exp_off, exp_cps, cls, np.empty(cap, dtype=np.uint32),
                   e64 if offsets is None else offsets, hashes, narrow, counts, fallback, offsets is not None)

    # two passes over the same tasks: count the tokens, then write their hashes
    with ThreadPoolExecutor(max(1, workers)) as ex:
        list(ex.map(scan, tasks))
        slow = np.flatnonzero(fallback)
        if len(slow):
            reference = arrow_tokens(take_texts(chunks, starts, rows[slow]), workers)
            counts[slow] = reference.lengths
        offsets = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(counts, out=offsets[1:])
        hashes = np.empty(offsets[-1], dtype=np.uint64)
        narrow = np.zeros(offsets[-1], dtype=np.bool_)
        list(ex.map(lambda t: scan(t, offsets, hashes, narrow), tasks))
    if len(slow):
        _place(hashes, narrow, offsets, slow, reference.hashes, reference.offsets, reference.narrow)
    return Tokens(hashes, offsets, narrow)


def word_prefixes(texts, rows, length: int, workers: int = 2) -> Tokens:
    """The tokens of ``texts[rows]`` with each word cut to its first ``length`` letters.

    One for one with :func:`tokenize`'s tokens of the same texts: a word of
    ``length`` letters or fewer, a number and a character of a script without
    spaces keep their own hash, a longer word takes the hash of its first
    ``length`` letters. Two spellings of one word ("stabilise", "stabilize";
    "Zelenskyy", "Zelenskiy"; "informs", "informed") then share a hash, which
    is how content agreement tells a word spelt or inflected otherwise from a
    different word (:mod:`amplify.detect.content`). Read through Arrow's
    kernels (the reference path), for the few texts that need it.

    Examples
    --------
    >>> a = word_prefixes(["Japan moves to stabilise energy supply"], [0], 6)
    >>> b = word_prefixes(["Japan moves to stabilize energy supply"], [0], 6)
    >>> a.hashes.tolist() == b.hashes.tolist(), len(a.hashes) == len(tokenize(["Japan moves to stabilise"]).hashes) + 2
    (True, True)
    """
    chunks, starts = text_chunks(texts)
    return arrow_tokens(take_texts(chunks, starts, rows), workers, word_prefix=length)
