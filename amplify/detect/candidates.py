"""Blocking: which pairs of posts are worth verifying, without comparing all pairs.

Every post is cut into *shingles*: hashes of ``n`` consecutive normalised tokens
(words; single characters for scripts written without spaces, so Chinese gets
character n-grams). Two posts become a candidate pair when the later one shares
shingles with the earlier one inside the time window.

The join is sort-based: one ``(shingle, post)`` key per shingle occurrence is
packed into a ``uint64`` and sorted; posts are numbered in time order, so each
shingle's run of keys lists its posts oldest first, and each post is paired
with the earlier posts of that run that fall inside the window. A compiled
loop emits those pairs and a second sort counts how many shingles each pair
shares. Nothing is ever compared all-against-all.

Shingles shared by very many posts around one time -- boilerplate sign-offs,
hashtags, but also the text of a viral statement -- would make the pairs grow
with the square of their frequency. A shingle held by more than ``common_at``
other posts inside ``[t - window, t + window]`` is *common* at time ``t``:
the post is then paired only with the ``keep_first`` earliest and the
``keep_last`` latest earlier posts of the window (the original of a viral text
is the earliest; the post it was most likely copied from is among the
latest), and verification does not accept a passage made only of common
shingles as a quote unless it is most of its source. Every decision about a
target post depends only on posts inside ``[t - window, t + window]``, which is
what makes incremental detection give exactly the links of a full run.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

__all__ = ["Candidates", "shingles", "shared_shingles", "candidate_pairs"]

DOC_BITS = 26  # posts per detection batch: 67M
_DOC_MASK = np.uint64((1 << DOC_BITS) - 1)


@njit(cache=True, nogil=True)
def _shingle_kernel(hashes, offsets, n, out_keys, out_off):
    k = np.uint64(0x9E3779B97F4A7C15)
    mask = ~np.uint64((1 << 26) - 1)
    for p in range(len(offsets) - 1):
        a = offsets[p]
        m = offsets[p + 1] - a - n + 1
        o = out_off[p]
        for j in range(max(m, 0)):
            h = np.uint64(0)
            for q in range(n):
                h = (h ^ hashes[a + j + q]) * k
                h ^= h >> np.uint64(29)
            out_keys[o + j] = (h & mask) | np.uint64(p)


def shingles(hashes: np.ndarray, offsets: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Keys ``(shingle hash high bits | post index)`` of every ``n``-token shingle.

    Returns the keys and the per-post offsets into them. Post ``p`` has
    ``max(len_p - n + 1, 0)`` shingles in token order.
    """
    lens = np.maximum(np.diff(offsets) - n + 1, 0)
    out_off = np.zeros(len(lens) + 1, dtype=np.int64)
    np.cumsum(lens, out=out_off[1:])
    keys = np.empty(out_off[-1], dtype=np.uint64)
    _shingle_kernel(hashes, offsets, n, keys, out_off)
    return keys, out_off


@njit(cache=True, nogil=True)
def _mark_shared(keys, once, twice, bits):
    shift = np.uint64(64 - bits)
    for i in range(len(keys)):
        b = keys[i] >> shift
        w = b >> np.uint64(6)
        bit = np.uint64(1) << (b & np.uint64(63))
        if once[w] & bit:
            twice[w] |= bit
        else:
            once[w] |= bit


@njit(cache=True, nogil=True)
def _keep_shared(keys, twice, keep, bits):
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


def shared_shingles(keys: np.ndarray) -> np.ndarray:
    """Boolean mask of the shingles that may occur in more than one place.

    One pass through two bitsets (seen once, seen twice) indexed by the
    shingle hash: a shingle seen only once is certainly unique and can pair
    nothing, so most shingles are dropped before the sort, at the cost of a
    few percent of unique ones kept by chance collisions.
    """
    # ~24 bits per shingle keeps chance collisions near 4%; at most 2 x 128 MiB
    bits = int(min(30, max(16, np.ceil(np.log2(max(len(keys), 1) * 24)))))
    words = (1 << bits) // 64
    once = np.zeros(words, dtype=np.uint64)
    twice = np.zeros(words, dtype=np.uint64)
    _mark_shared(keys, once, twice, bits)
    del once
    keep = np.empty(len(keys), dtype=np.bool_)
    _keep_shared(keys, twice, keep, bits)
    return keep


@njit(cache=True, nogil=True)
def _emit(sh, docs, times, window, keep_first, keep_last, common_at, out, fill):
    """Count (``fill=False``) or write the pair rows each shingle occurrence emits.

    ``sh``/``docs`` are sorted by shingle then post (time order). Row ``r`` (a
    post holding the shingle) pairs with the earlier rows of its shingle
    inside ``[t_r - window, t_r]``. The shingle is *common* at ``r`` when more
    than ``common_at`` other posts hold it inside ``[t_r - window, t_r +
    window]``; then only ``keep_first`` earliest and ``keep_last`` latest
    partners are kept. Each pair row is written packed as
    ``src << 27 | tgt << 1 | rare``.
    """
    o = 0
    n = len(docs)
    g = 0
    while g < n:
        e = g + 1
        while e < n and sh[e] == sh[g]:
            e += 1
        if e - g > 1:
            lo = g
            hi = g
            for r in range(g, e):
                if hi < r:
                    hi = r
                t = times[docs[r]]
                while times[docs[lo]] < t - window:
                    lo += 1
                while hi + 1 < e and times[docs[hi + 1]] <= t + window:
                    hi += 1
                m = r - lo
                if hi - lo <= common_at:
                    if fill:
                        tg = np.uint64(docs[r]) << np.uint64(1) | np.uint64(1)
                        for q in range(lo, r):
                            out[o] = (np.uint64(docs[q]) << np.uint64(27)) | tg
                            o += 1
                    else:
                        o += m
                else:
                    nf = min(keep_first, m)
                    first_last = max(lo + nf, r - keep_last)
                    if fill:
                        tg = np.uint64(docs[r]) << np.uint64(1)
                        for q in range(lo, lo + nf):
                            out[o] = (np.uint64(docs[q]) << np.uint64(27)) | tg
                            o += 1
                        for q in range(first_last, r):
                            out[o] = (np.uint64(docs[q]) << np.uint64(27)) | tg
                            o += 1
                    else:
                        o += nf + (r - first_last)
        g = e
    return o


@dataclass
class Candidates:
    """Candidate pairs, ``src`` earlier than ``tgt`` (indices into the time-ordered posts).

    ``shared`` counts the shingles the pair shares, ``rare`` those of them that
    were not common inside the window.
    """

    src: np.ndarray
    tgt: np.ndarray
    shared: np.ndarray
    rare: np.ndarray
    n_keys: int = 0
    n_rows: int = 0


@njit(cache=True, nogil=True, inline="always")
def _close_run(pair, cnt, nr, min_shared, src, tgt, shared, rare, fill, o):
    """Record a finished run of ``cnt`` rows of ``pair`` if it is long enough."""
    if cnt == 0 or cnt < min_shared:
        return o
    if fill:
        src[o] = np.int64(pair >> np.uint64(26))
        tgt[o] = np.int64(pair & np.uint64((1 << 26) - 1))
        shared[o] = cnt
        rare[o] = nr
    return o + 1


@njit(cache=True, nogil=True)
def _runs2(a, b, min_shared, src, tgt, shared, rare, fill):
    """Runs of equal pairs in the merge of two sorted arrays of packed rows,
    without building the merge: (src, tgt, rows, rare rows) of each pair with
    at least ``min_shared`` rows."""
    o = 0
    i = 0
    j = 0
    na, nb = len(a), len(b)
    one = np.uint64(1)
    cur = np.uint64(0)
    cnt = 0
    nr = 0
    while i < na or j < nb:
        if j >= nb or (i < na and a[i] <= b[j]):
            v = a[i]
            i += 1
        else:
            v = b[j]
            j += 1
        pair = v >> one
        if cnt > 0 and pair != cur:
            o = _close_run(cur, cnt, nr, min_shared, src, tgt, shared, rare, fill, o)
            cnt = 0
            nr = 0
        cur = pair
        cnt += 1
        nr += np.int64(v & one)
    return _close_run(cur, cnt, nr, min_shared, src, tgt, shared, rare, fill, o)


def _take(items: list, i: int):
    """items[i], leaving None in its place (so the caller keeps no reference)."""
    v = items[i]
    items[i] = None
    return v


def _pairs_of(keys, times, window, common_at, keep_first, keep_last):
    """Sort one slice of shingle keys (in place: the slice is ours) and emit its
    packed pair rows, sorted."""
    keys.sort()
    # the same shingle twice in one post counts once
    if len(keys):
        keep = np.empty(len(keys), dtype=bool)
        keep[0] = True
        np.not_equal(keys[1:], keys[:-1], out=keep[1:])
        keys = keys[keep]
        del keep
    sh = keys >> np.uint64(DOC_BITS)
    docs = (keys & _DOC_MASK).astype(np.int32)
    del keys
    e = np.zeros(0, np.uint64)
    total = _emit(sh, docs, times, window, keep_first, keep_last, common_at, e, False)
    pk = np.empty(total, dtype=np.uint64)
    _emit(sh, docs, times, window, keep_first, keep_last, common_at, pk, True)
    del sh, docs
    pk.sort()
    return pk, total


def candidate_pairs(
    keys: np.ndarray,
    times: np.ndarray,
    window: int,
    *,
    min_shared: int = 2,
    common_at: int = 25,
    keep_first: int = 3,
    keep_last: int = 3,
    workers: int = 2,
) -> Candidates:
    """Pairs of posts that share at least ``min_shared`` shingles inside the window.

    Parameters
    ----------
    keys : uint64 array from :func:`shingles` (post indices must be in time order);
        pass only the :func:`shared_shingles` to save the sort most of its work.
        A one-element list hands the array over: it is then freed as soon as
        it is split, instead of being copied
    times : int64 array, time of each post (non-decreasing)
    window : int, in the same unit as ``times``
    common_at : a shingle held by more than this many other posts within +- window is common
    keep_first, keep_last : partners kept for a common shingle (earliest, latest)
    workers : the keys are split by shingle hash into this many slices, sorted
        and joined in parallel (numpy and the compiled loops release the GIL)
    """
    from concurrent.futures import ThreadPoolExecutor

    workers = max(1, min(workers, 8))
    if isinstance(keys, list):  # handed over: ours to free as soon as it is split
        keys = keys.pop()
        owned = True
    else:
        owned = False
    if workers == 1 or len(keys) < 1_000_000:
        slices = [keys if owned else keys.copy()]
    else:
        top = (keys >> np.uint64(61)).astype(np.int64) % workers  # slices by hash: no shingle is split
        slices = [keys[top == w] for w in range(workers)]
        del top
    n_keys = len(keys)
    del keys

    def work(i):
        # no name holds the slice here: it dies inside _pairs_of once split
        return _pairs_of(_take(slices, i), times, window, common_at, keep_first, keep_last)

    with ThreadPoolExecutor(workers) as ex:
        parts = list(ex.map(work, range(len(slices))))
    n_rows = sum(r for _, r in parts)
    sorted_parts = [p for p, _ in parts]
    del parts
    # each slice's rows are sorted: two are counted while merging (linear, no
    # merged copy); more are concatenated and sorted
    if len(sorted_parts) > 2:
        pk = np.concatenate(sorted_parts)
        pk.sort()
        sorted_parts = [pk]
        del pk
    a = sorted_parts[0]
    b = sorted_parts[1] if len(sorted_parts) == 2 else np.zeros(0, np.uint64)
    del sorted_parts
    e = np.zeros(0, np.int64)
    n = _runs2(a, b, min_shared, e, e, e, e, False)
    src, tgt = np.empty(n, np.int64), np.empty(n, np.int64)
    shared, rare = np.empty(n, np.int64), np.empty(n, np.int64)
    _runs2(a, b, min_shared, src, tgt, shared, rare, True)
    return Candidates(src, tgt, shared, rare, n_keys, n_rows)
