"""Similarity of two token sequences, compiled: LCS length and bag-of-words overlap.

Verification (:mod:`amplify.detect.verify`) scores pairs with two measures,
both over sequences of token hashes (``uint64``), inside its compiled loop:

* the length of the longest common subsequence, with the bit-parallel
  algorithm of Allison & Dix (1986) / Hyyrö (2004) that rapidfuzz uses too:
  ``100 * 2 * lcs(a, b) / (len(a) + len(b))`` is exactly rapidfuzz's
  ``fuzz.ratio`` applied to token sequences (tested against rapidfuzz);
* the size of the multiset intersection of the two bags of tokens (for the
  Dice coefficient, which survives reordering), through an open-addressing
  table of the first sequence's tokens built once and reused for every
  sequence compared with it.

References
----------
Allison, L. and Dix, T. I. (1986). A bit-string longest-common-subsequence
algorithm. Information Processing Letters 23(5).
Hyyrö, H. (2004). Bit-parallel LCS-length computation revisited. AWOCA.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["lcs", "lcs_length", "bag_table", "bag_overlap", "bag_table_size"]


@njit(cache=True, nogil=True)
def lcs(a, b):
    """Length of the longest common subsequence of two uint64 sequences (bit-parallel)."""
    if len(a) == 0 or len(b) == 0:
        return 0
    if len(a) > len(b):
        a, b = b, a
    m = len(a)
    words = (m + 63) // 64
    order = np.argsort(a)
    sa = a[order]
    # unique symbols of a and a bit mask of their positions
    uid = np.empty(m, dtype=np.int64)
    nu = 0
    for i in range(m):
        if i == 0 or sa[i] != sa[i - 1]:
            nu += 1
        uid[i] = nu - 1
    ukeys = np.empty(nu, dtype=np.uint64)
    pm = np.zeros((nu, words), dtype=np.uint64)
    for i in range(m):
        ukeys[uid[i]] = sa[i]
        p = order[i]
        pm[uid[i], p >> 6] |= np.uint64(1) << np.uint64(p & 63)
    v = np.full(words, np.uint64(0xFFFFFFFFFFFFFFFF))
    for j in range(len(b)):
        k = np.searchsorted(ukeys, b[j])
        if k >= nu or ukeys[k] != b[j]:
            continue
        carry = np.uint64(0)
        for w in range(words):
            x = pm[k, w]
            u = v[w] & x
            s1 = v[w] + u
            c1 = np.uint64(1) if s1 < v[w] else np.uint64(0)
            s2 = s1 + carry
            c2 = np.uint64(1) if s2 < s1 else np.uint64(0)
            carry = c1 | c2
            v[w] = s2 | (v[w] - u)
    zeros = 0
    for i in range(m):
        if not (v[i >> 6] >> np.uint64(i & 63)) & np.uint64(1):
            zeros += 1
    return zeros


def lcs_length(a, b) -> int:
    """Longest common subsequence length of two sequences of integers.

    >>> lcs_length([1, 2, 3, 4], [1, 3, 4, 5])
    3
    """
    return int(lcs(np.asarray(a, dtype=np.uint64), np.asarray(b, dtype=np.uint64)))


@njit(cache=True, nogil=True)
def bag_table(a, keys, cnt):
    """Count the tokens of ``a`` into an open-addressing table (``keys``,
    ``cnt``; a power-of-two size of at least twice ``len(a)``; count 0 marks
    an empty slot). Token hashes are already well mixed: their low bits index."""
    mask = np.uint64(len(keys) - 1)
    cnt[:] = 0
    for x in a:
        i = x & mask
        while cnt[i] != 0 and keys[i] != x:
            i = (i + np.uint64(1)) & mask
        keys[i] = x
        cnt[i] += 1


@njit(cache=True, nogil=True)
def bag_overlap(b, keys, cnt, left):
    """Size of the multiset intersection of ``b`` with the tokens counted in
    (``keys``, ``cnt``); ``left`` is scratch of the same size."""
    mask = np.uint64(len(keys) - 1)
    left[:] = cnt
    inter = 0
    for x in b:
        i = x & mask
        while cnt[i] != 0:
            if keys[i] == x:
                if left[i] > 0:
                    left[i] -= 1
                    inter += 1
                break
            i = (i + np.uint64(1)) & mask
    return inter


@njit(cache=True, nogil=True)
def bag_table_size(n_tokens):
    """Slots of a :func:`bag_table` for ``n_tokens`` tokens: the smallest power
    of two of at least 8 and at least twice ``n_tokens`` (at most half full,
    so probes stay short)."""
    size = 8
    while size < 2 * n_tokens:
        size *= 2
    return size
