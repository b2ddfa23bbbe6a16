"""How many posts around a post hold a word: document frequency in the window, for a few words.

Content agreement (:mod:`amplify.detect.content`) counts the rarity of every
token of the short pairs; the passages of long echoes
(:mod:`amplify.detect.passage_facts`) need it for the few words they swap.
Counting those inside the window of their target, not over the whole corpus,
keeps every verdict a function of the posts within one window of the target
(what makes incremental detection give the links of a full run). One pass
over the posts of the windows finds every post holding an asked word: each
token is tested against a bitmap of the asked words' hashes (a few kilobytes,
in cache) before any lookup, so the pass costs little more than reading the
tokens once.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
from numba import njit

from amplify.text import Tokens

__all__ = ["window_frequency"]

# bits of the bitmap a token's hash is tested against first (8 KiB)
_BITMAP_BITS = 1 << 16


@njit(cache=True, nogil=True)
def _bitmap(keys):
    bits = np.zeros(_BITMAP_BITS // 64, dtype=np.uint64)
    mask = np.uint64(_BITMAP_BITS - 1)
    for h in keys:
        b = h & mask
        bits[b >> np.uint64(6)] |= np.uint64(1) << (b & np.uint64(63))
    return bits


@njit(cache=True, nogil=True)
def _hits(hashes, offsets, lo, hi, keys, bits):
    """Every post in ``[lo, hi)`` holding one of ``keys`` (sorted), once per key: the posts, in
    order, and which key."""
    mask = np.uint64(_BITMAP_BITS - 1)
    cap = 1024
    posts = np.empty(cap, dtype=np.int64)
    which = np.empty(cap, dtype=np.int64)
    last = np.full(len(keys), -1, dtype=np.int64)
    n = 0
    for p in range(lo, hi):
        for q in range(offsets[p], offsets[p + 1]):
            h = hashes[q]
            b = h & mask
            if (bits[b >> np.uint64(6)] >> (b & np.uint64(63))) & np.uint64(1) == 0:
                continue
            k = np.searchsorted(keys, h)
            if k < len(keys) and keys[k] == h and last[k] != p:
                last[k] = p
                if n == cap:
                    cap *= 2
                    grown_posts = np.empty(cap, dtype=np.int64)
                    grown_which = np.empty(cap, dtype=np.int64)
                    grown_posts[:n] = posts[:n]
                    grown_which[:n] = which[:n]
                    posts, which = grown_posts, grown_which
                posts[n] = p
                which[n] = k
                n += 1
    return posts[:n], which[:n]


def window_frequency(tokens: Tokens, times: np.ndarray, tgt: np.ndarray, words: np.ndarray, *, window_ns: int,
                     workers: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """How many posts inside the window around post ``tgt[i]`` (``window_ns`` before and
    after its time) hold the token ``words[i]``, and how many posts that window holds.

    Parameters
    ----------
    tokens : Tokens
        Every post's tokens, posts numbered in time order.
    times : ndarray of int64
        Each post's time (nanoseconds), sorted.
    tgt : ndarray of int64
        The post each question is asked around.
    words : ndarray of uint64
        The token hash each question asks about.
    window_ns : int
        Half-width of the window.
    workers : int
        Threads, each reading its share of the posts.

    Examples
    --------
    >>> from amplify.text import tokenize
    >>> t = tokenize(["Finland applies", "Finland joins", "Sweden applies"])
    >>> df, n = window_frequency(t, np.arange(3, dtype=np.int64), np.array([0, 2]),
    ...                          t.hashes[[0, 0]], window_ns=1)
    >>> df.tolist(), n.tolist()
    ([2, 1], [2, 2])
    """
    tgt = np.asarray(tgt, dtype=np.int64)
    words = np.asarray(words, dtype=tokens.hashes.dtype)
    df, n_posts = np.zeros(len(tgt), dtype=np.int64), np.zeros(len(tgt), dtype=np.int64)
    if not len(tgt):
        return df, n_posts
    lo = np.searchsorted(times, times[tgt] - window_ns, side="left")
    hi = np.searchsorted(times, times[tgt] + window_ns, side="right")
    n_posts[:] = hi - lo
    keys = np.unique(words)
    bits = _bitmap(keys)
    cuts = np.linspace(int(lo.min()), int(hi.max()), max(1, workers) + 1).astype(np.int64)
    with ThreadPoolExecutor(max(1, workers)) as ex:
        found = list(ex.map(lambda ab: _hits(tokens.hashes, tokens.offsets, ab[0], ab[1], keys, bits),
                            zip(cuts[:-1].tolist(), cuts[1:].tolist())))
    posts = np.concatenate([f[0] for f in found])  # in post order: the shares are in order
    which = np.concatenate([f[1] for f in found])
    by_key = np.argsort(which, kind="stable")
    posts, ptr = posts[by_key], np.searchsorted(which[by_key], np.arange(len(keys) + 1))
    k = np.searchsorted(keys, words)
    for i in range(len(tgt)):
        held = posts[ptr[k[i]]:ptr[k[i] + 1]]
        df[i] = np.searchsorted(held, hi[i]) - np.searchsorted(held, lo[i])
    return df, n_posts
