"""Blocking: which pairs of posts are worth verifying, without comparing all pairs.

Every post is cut into *shingles*: hashes of ``n`` consecutive normalised tokens
(words; single characters for scripts written without spaces, so Chinese gets
character n-grams). Two posts become a candidate pair when the later one shares
shingles with the earlier one inside the time window.

The join is sort-based: one ``(shingle, post)`` key per shingle occurrence is
packed into a ``uint64`` and sorted; posts are numbered in time order, so each
shingle's run of keys lists its posts oldest first. One pass over the runs
notes, for every occurrence, where its shingle's window ``[t - window, t]``
starts; a counting sort groups the occurrences by post; and each post then
walks the window of each of its shingles, counting the earlier posts it meets
in a dense array. Pairs come out per target, already counted: the tens of
millions of (shingle, pair) meetings of a big corpus are never written down,
and nothing is ever compared all-against-all.

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

import time
from dataclasses import dataclass, field

import numpy as np
from numba import njit

__all__ = ["Candidates", "SharedSet", "shingles", "shared_set", "shared_shingles", "candidate_pairs"]

DOC_BITS = 26  # posts per detection batch: 67M

# Below these sizes threads cost more than they save (tests lower them to
# exercise the parallel paths on small inputs).
_SPLIT_MIN_KEYS = 1_000_000
_CHUNK_MIN_ROWS = 100_000
# first output buffer of a chunk, in pairs (grown as needed): pairs are
# about 0.4 per row on generated news, so one per row rarely grows
_MIN_OUT = 1024
_OUT_PER_ROW = 1.0
_DOC_MASK = np.uint64((1 << DOC_BITS) - 1)


@njit(cache=True, nogil=True)
def _shingle_kernel(hashes, offsets, n, out_keys, out_off, p0, p1):
    k = np.uint64(0x9E3779B97F4A7C15)
    mask = ~np.uint64((1 << 26) - 1)
    for p in range(p0, p1):
        a = offsets[p]
        m = offsets[p + 1] - a - n + 1
        o = out_off[p]
        for j in range(max(m, 0)):
            h = np.uint64(0)
            for q in range(n):
                h = (h ^ hashes[a + j + q]) * k
                h ^= h >> np.uint64(29)
            out_keys[o + j] = (h & mask) | np.uint64(p)


def shingles(hashes: np.ndarray, offsets: np.ndarray, n: int, workers: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Keys ``(shingle hash high bits | post index)`` of every ``n``-token shingle.

    Returns the keys and the per-post offsets into them. Post ``p`` has
    ``max(len_p - n + 1, 0)`` shingles in token order. Posts are shared out
    over ``workers`` threads (each writes its own posts' keys).
    """
    from concurrent.futures import ThreadPoolExecutor

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
        from concurrent.futures import ThreadPoolExecutor

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
    from concurrent.futures import ThreadPoolExecutor

    # ~24 bits per shingle keeps chance collisions near 4%; at most 2 x 128 MiB
    bits = int(min(30, max(16, np.ceil(np.log2(max(len(keys), 1) * 24)))))
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
class Candidates:
    """Candidate pairs, ``src`` earlier than ``tgt`` (indices into the time-ordered posts).

    Sorted by ``(tgt, src)``. ``shared`` counts the shingles the pair shares,
    ``rare`` those of them that were not common inside the window.
    """

    src: np.ndarray
    tgt: np.ndarray
    shared: np.ndarray
    rare: np.ndarray
    n_keys: int = 0
    n_rows: int = 0
    seconds: dict = field(default_factory=dict)


@njit(cache=True, nogil=True)
def _partition(keys, workers, out):
    """Split keys by shingle hash into ``workers`` slices of ``out`` (no
    shingle is split); returns the slice bounds."""
    bounds = np.zeros(workers + 1, np.int64)
    # slice = top 32 bits scaled to [0, workers): a multiply, not a division
    hi, nw = np.uint64(32), np.uint64(workers)
    for i in range(len(keys)):
        bounds[np.int64(((keys[i] >> hi) * nw) >> hi) + 1] += 1
    for w in range(workers):
        bounds[w + 1] += bounds[w]
    ptr = bounds[:-1].copy()
    for i in range(len(keys)):
        w = np.int64(((keys[i] >> hi) * nw) >> hi)
        out[ptr[w]] = keys[i]
        ptr[w] += 1
    return bounds


@njit(cache=True, nogil=True)
def _partition_index(hashes, off, workers, out):
    """:func:`_partition` of the keys ``hashes << DOC_BITS | post`` of a
    per-post index of shingle hashes (post ``p`` owns ``hashes[off[p]:off[p + 1]]``)."""
    bounds = np.zeros(workers + 1, np.int64)
    hi, nw = np.uint64(32), np.uint64(workers)
    shift = np.uint64(DOC_BITS)
    for i in range(len(hashes)):
        bounds[np.int64((((hashes[i] << shift) >> hi) * nw) >> hi) + 1] += 1
    for w in range(workers):
        bounds[w + 1] += bounds[w]
    ptr = bounds[:-1].copy()
    for p in range(len(off) - 1):
        for i in range(off[p], off[p + 1]):
            k = (hashes[i] << shift) | np.uint64(p)
            w = np.int64(((k >> hi) * nw) >> hi)
            out[ptr[w]] = k
            ptr[w] += 1
    return bounds


@njit(cache=True, nogil=True)
def _rows(keys, times, window, common_at, docs, lo_out, base):
    """Rows of one sorted slice of keys, written from ``docs[base]`` on.

    A row is one (shingle, post) occurrence -- a shingle repeated inside a
    post counts once, and a shingle held by one post only is dropped. Rows of
    a shingle are consecutive and in time order; ``lo_out[r]`` is the first
    row of the same shingle inside ``[t_r - window, t_r]``, stored as
    ``-(lo + 1)`` when the shingle is *common* at ``r``: more than
    ``common_at`` other posts hold it inside ``[t_r - window, t_r + window]``.
    Returns the end of the rows written.
    """
    n = len(keys)
    shift = np.uint64(DOC_BITS)
    mask = np.uint64((1 << DOC_BITS) - 1)
    o = base
    g = 0
    while g < n:
        sh = keys[g] >> shift
        start = o
        prev = keys[g]
        docs[o] = np.int32(prev & mask)
        o += 1
        e = g + 1
        while e < n and (keys[e] >> shift) == sh:
            if keys[e] != prev:
                prev = keys[e]
                docs[o] = np.int32(prev & mask)
                o += 1
            e += 1
        g = e
        if o - start < 2:  # pairs nothing
            o = start
            continue
        lo = start
        hi = start
        for r in range(start, o):
            if hi < r:
                hi = r
            t = times[docs[r]]
            while times[docs[lo]] < t - window:
                lo += 1
            while hi + 1 < o and times[docs[hi + 1]] <= t + window:
                hi += 1
            lo_out[r] = lo if hi - lo <= common_at else -(lo + 1)
    return o


@njit(cache=True, nogil=True)
def _count_rows(docs, seg_lo, seg_hi, d_lo, d_hi, counts):
    """``counts[d + 1]`` = rows of post ``d``, for the posts ``d_lo <= d < d_hi``."""
    for s in range(len(seg_lo)):
        for i in range(seg_lo[s], seg_hi[s]):
            d = docs[i]
            if d_lo <= d < d_hi:
                counts[d + 1] += 1


@njit(cache=True, nogil=True)
def _rows_by_post(docs, lo, seg_lo, seg_hi, d_lo, d_hi, off, pos, lob):
    """Counting sort of the rows of posts ``d_lo <= d < d_hi``: post ``d``
    owns rows ``pos[off[d]:off[d + 1]]``, whose window starts are copied
    beside them into ``lob`` (so walking a post's rows reads one place, not two)."""
    ptr = off[d_lo:d_hi].copy()
    for s in range(len(seg_lo)):
        for i in range(seg_lo[s], seg_hi[s]):
            d = docs[i]
            if d_lo <= d < d_hi:
                k = ptr[d - d_lo]
                pos[k] = i
                lob[k] = lo[i]
                ptr[d - d_lo] = k + 1


@njit(cache=True, nogil=True)
def _accumulate(off, pos, lob, docs, keep_first, keep_last, min_shared, d0, d1,
                cnt, touched, src, tgt, shared, rare, o):
    """Pairs of targets ``d0 <= d < d1`` with the earlier posts they share shingles with.

    For each row of a target, the partners are the earlier rows of its shingle
    from its window start on (only ``keep_first`` earliest and ``keep_last``
    latest when the shingle is common there). Per source, ``cnt`` accumulates
    rows in its low and rare rows in its high 32 bits (zero on entry and on
    exit); sources with ``min_shared`` rows or more are written from ``o`` on,
    ascending. Returns ``(d, o)``: ``d < d1`` when the output is full before
    target ``d``.
    """
    cap = len(src)
    one_rare = np.int64(1) | (np.int64(1) << 32)
    low = np.int64(0xFFFFFFFF)
    for d in range(d0, d1):
        # Touch the first partner of every row before walking any: the rows
        # of one post lie all over ``docs``, and independent loads let the
        # processor wait for many of those cache misses at once.
        x = np.int32(0)
        for k in range(off[d], off[d + 1]):
            lw = lob[k]
            x ^= docs[lw if lw >= 0 else -lw - 1]
        touched[0] = x  # keeps the loads (overwritten below)
        nt = 0
        for k in range(off[d], off[d + 1]):
            r = pos[k]
            lw = lob[k]
            if lw >= 0:
                for q in range(lw, r):
                    s = docs[q]
                    if cnt[s] == 0:
                        touched[nt] = s
                        nt += 1
                    cnt[s] += one_rare
            else:
                lw = -lw - 1
                nf = min(keep_first, r - lw)
                for q in range(lw, lw + nf):
                    s = docs[q]
                    if cnt[s] == 0:
                        touched[nt] = s
                        nt += 1
                    cnt[s] += 1
                for q in range(max(lw + nf, r - keep_last), r):
                    s = docs[q]
                    if cnt[s] == 0:
                        touched[nt] = s
                        nt += 1
                    cnt[s] += 1
        npass = 0
        for i in range(nt):
            s = touched[i]
            if (cnt[s] & low) >= min_shared:
                touched[nt + npass] = s
                npass += 1
        if o + npass > cap:
            for i in range(nt):
                cnt[touched[i]] = 0
            return d, o
        kept = touched[nt:nt + npass]
        kept.sort()
        for i in range(npass):
            s = kept[i]
            src[o] = s
            tgt[o] = d
            shared[o] = cnt[s] & low
            rare[o] = cnt[s] >> 32
            o += 1
        for i in range(nt):
            cnt[touched[i]] = 0
    return d1, o


def _pairs_in(chunk, off, pos, lob, docs, keep_first, keep_last, min_shared, scratch):
    """All candidate pairs of the targets of one chunk, the output grown as needed."""
    d0, d1 = chunk
    cnt, touched = scratch
    cap = max(_MIN_OUT, int(_OUT_PER_ROW * (off[d1] - off[d0])))
    parts = []
    while True:
        out = [np.empty(cap, np.int32) for _ in range(4)]
        d, o = _accumulate(off, pos, lob, docs, keep_first, keep_last, min_shared, d0, d1,
                           cnt, touched, *out, 0)
        parts.append([a[:o] for a in out])
        if d >= d1:
            break
        d0, cap = d, cap * 2
    if len(parts) == 1:
        return [a.copy() if len(a) < cap // 2 else a for a in parts[0]]
    return [np.concatenate(c) for c in zip(*parts)]


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
        it is split, instead of being copied. Or a per-post index of shingle
        hashes (:class:`amplify.detect.verify.ShingleIndex`: ``hashes``
        holding the keys' top bits, ``offsets`` per post), read in place
    times : int64 array, time of each post (non-decreasing)
    window : int, in the same unit as ``times``
    common_at : a shingle held by more than this many other posts within +- window is common
    keep_first, keep_last : partners kept for a common shingle (earliest, latest)
    workers : threads; the keys are split by shingle hash into this many
        slices sorted in parallel, and targets are shared out in chunks
        (numpy and the compiled loops release the GIL)

    Notes
    -----
    Three linear passes after the sort, and no pair is ever materialised
    more than once: the sorted keys become *rows* (a post and where its
    shingle's window starts), the rows are grouped by post with a counting
    sort, and each target then walks the window of each of its shingles,
    counting its sources in a dense array. The pairs come out per target,
    already counted, so the number of (shingle, pair) rows -- 84 per post in
    a repetitive corpus -- costs time but no memory.
    """
    from concurrent.futures import ThreadPoolExecutor

    workers = max(1, min(workers, 8))
    if isinstance(keys, list):  # handed over: ours to free as soon as it is split
        keys = keys.pop()
        owned = True
    else:
        owned = False
    from_index = hasattr(keys, "hashes")
    n_keys = len(keys.hashes) if from_index else len(keys)
    n_posts = len(times)
    if n_keys >= 2**31:
        raise ValueError(f"{n_keys:,} shared shingles: more than one detection batch can hold (2**31)")
    seconds = {}
    t0 = time.perf_counter()
    if from_index:
        part = np.empty(n_keys, dtype=np.uint64)
        nparts = 1 if workers == 1 or n_keys < _SPLIT_MIN_KEYS else workers
        bounds = _partition_index(keys.hashes, keys.offsets, nparts, part)
    elif workers == 1 or n_keys < _SPLIT_MIN_KEYS:
        part = keys if owned else keys.copy()
        bounds = np.array([0, n_keys], np.int64)
    else:
        part = np.empty_like(keys)
        bounds = _partition(keys, workers, part)
    del keys
    views = [part[bounds[w]:bounds[w + 1]] for w in range(len(bounds) - 1)]
    docs = np.empty(n_keys, np.int32)
    lo = np.empty(n_keys, np.int32)
    with ThreadPoolExecutor(workers) as ex:
        list(ex.map(np.ndarray.sort, views))
        seconds["sort"] = -t0 + (t0 := time.perf_counter())
        ends = list(ex.map(lambda w: _rows(views[w], times, window, common_at, docs, lo, bounds[w]),
                           range(len(views))))
        del views, part
        seg_lo = np.asarray(bounds[:-1], np.int64)
        seg_hi = np.asarray(ends, np.int64)
        seconds["rows"] = -t0 + (t0 := time.perf_counter())
        # each thread sorts the rows of its own range of posts
        split = np.linspace(0, n_posts, workers + 1).astype(np.int64)
        ranges = list(zip(split[:-1], split[1:]))
        off = np.zeros(n_posts + 1, np.int64)
        list(ex.map(lambda r: _count_rows(docs, seg_lo, seg_hi, r[0], r[1], off), ranges))
        np.cumsum(off, out=off)
        pos = np.empty(off[-1], np.int32)
        lob = np.empty(off[-1], np.int32)
        list(ex.map(lambda r: _rows_by_post(docs, lo, seg_lo, seg_hi, r[0], r[1], off, pos, lob), ranges))
        del lo
        seconds["group"] = -t0 + (t0 := time.perf_counter())
        n_rows = int(off[-1])
        # chunks of about equal rows; each thread keeps its own counting arrays
        n_chunks = max(1, min(n_posts, 16 * workers if n_rows > _CHUNK_MIN_ROWS else 1))
        cuts = np.searchsorted(off, np.linspace(0, n_rows, n_chunks + 1)[1:-1])
        edges = np.unique(np.r_[0, cuts, n_posts])
        chunks = list(zip(edges[:-1], edges[1:]))
        import threading

        local = threading.local()

        def work(chunk):
            if not hasattr(local, "scratch"):
                local.scratch = (np.zeros(n_posts, np.int64), np.empty(2 * n_posts, np.int32))
            return _pairs_in(chunk, off, pos, lob, docs, keep_first, keep_last, min_shared, local.scratch)

        parts = list(ex.map(work, chunks))
        seconds["count"] = -t0 + (t0 := time.perf_counter())
    del docs, off, pos, lob
    if not parts:  # no posts
        src, tgt, shared, rare = (np.zeros(0, np.int32) for _ in range(4))
    elif len(parts) == 1:
        src, tgt, shared, rare = parts[0]
    else:
        src, tgt, shared, rare = (np.concatenate(c) for c in zip(*parts))
    return Candidates(src, tgt, shared, rare, n_keys, n_rows, seconds)
