"""Shingles: hashes of ``n`` consecutive tokens, and the per-post index of the shared ones.

A *shingle* is ``n`` consecutive normalised tokens (words; single characters
for scripts written without spaces, so Chinese gets character n-grams),
hashed. Blocking (:mod:`amplify.detect.candidates`) pairs posts that share
shingles, and verification (:mod:`amplify.detect.verify`) aligns pairs by
them. Three steps get them there:

1. :func:`shingles` -- one ``uint64`` *key* per shingle occurrence: the
   shingle hash in the high bits, the post's number in the low
   :data:`DOC_BITS` (so sorting keys groups a shingle's posts, oldest first);
2. :func:`shared_set` -- a bitset of the shingles seen at least twice: a
   shingle held by one post only can pair nothing, and most are such;
3. :func:`build_index` -- the :class:`ShingleIndex`: per post, in token
   order, the hashes and positions of its shared shingles. Both later stages
   read it in place.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from numba import njit

__all__ = ["DOC_BITS", "shingles", "SharedSet", "shared_set", "shared_shingles", "ShingleIndex", "build_index"]

#: Low bits of a shingle key that hold the post's number: at most 2**26
#: (67M) posts per detection run.
DOC_BITS = 26

# Below this many keys threads cost more than they save (tests lower it to
# exercise the parallel paths on small inputs).
_SPLIT_MIN_KEYS = 1_000_000
# Shingles of one post are mixed into one hash with this odd constant (the
# golden ratio's 64-bit fraction, as in Fibonacci hashing).
_SHINGLE_MIX = np.uint64(0x9E3779B97F4A7C15)
# Bits per shingle in the shared-set bitsets: ~24 keeps chance collisions near
# 4%; between 2**16 and 2**30 bits (at most 2 x 128 MiB).
_BITS_PER_KEY = 24
_MIN_SET_BITS, _MAX_SET_BITS = 16, 30


@njit(cache=True, nogil=True)
def _shingle_kernel(hashes, offsets, n, out_keys, out_off, p0, p1):
    """Keys of the shingles of posts ``p0 <= p < p1``, written at ``out_off[p]``."""
    hash_bits = ~np.uint64((1 << DOC_BITS) - 1)
    for p in range(p0, p1):
        a = offsets[p]
        m = offsets[p + 1] - a - n + 1
        o = out_off[p]
        for j in range(max(m, 0)):
            h = np.uint64(0)
            for q in range(n):
                h = (h ^ hashes[a + j + q]) * _SHINGLE_MIX
                h ^= h >> np.uint64(29)
            out_keys[o + j] = (h & hash_bits) | np.uint64(p)


def shingles(hashes: np.ndarray, offsets: np.ndarray, n: int, workers: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Keys ``(shingle hash high bits | post index)`` of every ``n``-token shingle.

    Returns the keys and the per-post offsets into them. Post ``p`` has
    ``max(len_p - n + 1, 0)`` shingles in token order. Posts are shared out
    over ``workers`` threads (each writes its own posts' keys).
    """
    n_posts = len(offsets) - 1
    if n_posts > 1 << DOC_BITS:
        raise ValueError(f"{n_posts:,} posts in one detection run; at most {1 << DOC_BITS:,} fit in a "
                         "shingle key: split the corpus by time into parts that overlap by one window")
    lens = np.maximum(np.diff(offsets) - n + 1, 0)
    out_off = np.zeros(len(lens) + 1, dtype=np.int64)
    np.cumsum(lens, out=out_off[1:])
    keys = np.empty(out_off[-1], dtype=np.uint64)
    workers = max(1, workers if len(keys) >= _SPLIT_MIN_KEYS else 1)
    cuts = np.searchsorted(out_off, np.linspace(0, out_off[-1], workers + 1)).astype(np.int64)
    cuts[0], cuts[-1] = 0, n_posts
    with ThreadPoolExecutor(workers) as ex:
        list(ex.map(lambda w: _shingle_kernel(hashes, offsets, n, keys, out_off, cuts[w], max(cuts[w], cuts[w + 1])),
                    range(workers)))
    return keys, out_off


@njit(cache=True, nogil=True)
def _mark_shared(keys, once, twice, bits, part, part_bits):
    """Mark the shingles of bitset part ``part`` (the top ``part_bits`` of
    the bit index): parts are whole words, so threads never share one."""
    shift = np.uint64(64 - bits)
    pshift = np.uint64(bits - part_bits)
    want = np.uint64(part)
    for i in range(len(keys)):
        b = keys[i] >> shift
        if part_bits and (b >> pshift) != want:
            continue
        w = b >> np.uint64(6)
        bit = np.uint64(1) << (b & np.uint64(63))
        if once[w] & bit:
            twice[w] |= bit
        else:
            once[w] |= bit


@njit(cache=True, nogil=True)
def _keep_shared(keys, twice, keep, bits):
    """``keep[i]``: key ``i``'s bit is set in ``twice``; returns how many are."""
    shift = np.uint64(64 - bits)
    n = 0
    for i in range(len(keys)):
        b = keys[i] >> shift
        if twice[b >> np.uint64(6)] & (np.uint64(1) << (b & np.uint64(63))):
            keep[i] = True
            n += 1
        else:
            keep[i] = False
    return n


@dataclass
class SharedSet:
    """Shingles that may occur in more than one place: a bitset over the top
    ``bits`` bits of the shingle hash (see :func:`shared_set`)."""

    twice: np.ndarray
    bits: int

    def mask(self, keys: np.ndarray, workers: int = 1) -> np.ndarray:
        """Which of ``keys`` are in the set (threads share the keys out)."""
        keep = np.empty(len(keys), dtype=np.bool_)
        cuts = np.linspace(0, len(keys), max(1, workers) + 1).astype(np.int64)
        with ThreadPoolExecutor(max(1, workers)) as ex:
            list(ex.map(lambda w: _keep_shared(keys[cuts[w]:cuts[w + 1]], self.twice, keep[cuts[w]:cuts[w + 1]],
                                               self.bits), range(len(cuts) - 1)))
        return keep


def shared_set(keys: np.ndarray, workers: int = 2) -> SharedSet:
    """The shingles seen at least twice, as a bitset.

    One pass through two bitsets (seen once, seen twice) indexed by the
    shingle hash: a shingle seen only once is certainly unique and can pair
    nothing, so most shingles are dropped before the sort, at the cost of a
    few percent of unique ones kept by chance collisions. With two workers
    each thread marks its own half of the bitsets.
    """
    wanted = np.ceil(np.log2(max(len(keys), 1) * _BITS_PER_KEY))
    bits = int(min(_MAX_SET_BITS, max(_MIN_SET_BITS, wanted)))
    words = (1 << bits) // 64
    once = np.zeros(words, dtype=np.uint64)
    twice = np.zeros(words, dtype=np.uint64)
    part_bits = 1 if workers > 1 and len(keys) >= _SPLIT_MIN_KEYS else 0
    with ThreadPoolExecutor(max(1, workers)) as ex:
        list(ex.map(lambda part: _mark_shared(keys, once, twice, bits, part, part_bits), range(1 << part_bits)))
    return SharedSet(twice, bits)


def shared_shingles(keys: np.ndarray) -> np.ndarray:
    """Boolean mask of the shingles that may occur in more than one place
    (see :func:`shared_set`)."""
    return shared_set(keys).mask(keys)


@dataclass
class ShingleIndex:
    """The shared shingles of each post, in token order.

    Attributes
    ----------
    hashes : ndarray of uint64
        Each shingle's hash: the high bits of its key, ``key >> DOC_BITS``.
    positions : ndarray of int32
        Each shingle's first token, counted within its post.
    offsets : ndarray of int64, shape (n_posts + 1,)
        Post ``p`` owns ``hashes[offsets[p]:offsets[p + 1]]`` (and positions).
    """

    hashes: np.ndarray
    positions: np.ndarray
    offsets: np.ndarray


@njit(cache=True, nogil=True)
def _index_kernel(keys, key_offsets, keep, p0, p1, o, hashes, positions, off):
    """Kept shingles of posts ``p0 <= p < p1``, written from ``o`` on."""
    for p in range(p0, p1):
        off[p] = o
        for i in range(key_offsets[p], key_offsets[p + 1]):
            if keep[i]:
                hashes[o] = keys[i] >> np.uint64(DOC_BITS)
                positions[o] = i - key_offsets[p]
                o += 1
    return o


def build_index(keys: np.ndarray, key_offsets: np.ndarray, shared: SharedSet, workers: int = 2) -> ShingleIndex:
    """Index of the shared shingles per post.

    ``keys`` and ``key_offsets`` are what :func:`shingles` returns, ``shared``
    what :func:`shared_set` returns for them. Compiled passes, posts shared
    out over ``workers`` threads; no per-shingle owner array (at 1M posts
    that was 360 MiB of temporaries).
    """
    n_posts = len(key_offsets) - 1
    workers = max(1, workers if len(keys) >= _SPLIT_MIN_KEYS else 1)
    post_cuts = np.linspace(0, n_posts, workers + 1).astype(np.int64)
    key_cuts = key_offsets[post_cuts]
    with ThreadPoolExecutor(workers) as ex:
        keep = shared.mask(keys, workers)
        kept_before = np.r_[0, np.cumsum([np.count_nonzero(keep[a:b]) for a, b in zip(key_cuts[:-1], key_cuts[1:])])]
        hashes = np.empty(kept_before[-1], dtype=np.uint64)
        positions = np.empty(kept_before[-1], dtype=np.int32)
        off = np.zeros(n_posts + 1, dtype=np.int64)
        off[-1] = kept_before[-1]
        list(ex.map(lambda w: _index_kernel(keys, key_offsets, keep, post_cuts[w], post_cuts[w + 1],
                                            kept_before[w], hashes, positions, off), range(workers)))
    return ShingleIndex(hashes, positions, off)
