"""Blocking: which pairs of posts are worth verifying, without comparing all pairs.

Every post is cut into *shingles* (:mod:`amplify.detect.shingles`): hashes of
``n`` consecutive normalised tokens. Two posts become a candidate pair when the
later one shares shingles with the earlier one inside the time window.

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

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Optional

import numpy as np
from numba import njit

from amplify.detect.shingles import DOC_BITS, ShingleIndex

__all__ = ["Candidates", "candidate_pairs"]

# Below these sizes threads cost more than they save (tests lower them to
# exercise the parallel paths on small inputs).
_SPLIT_MIN_KEYS = 1_000_000
_CHUNK_MIN_ROWS = 100_000
# first output buffer of a chunk, in pairs (grown as needed): pairs are
# about 0.4 per row on generated news, so one per row rarely grows
_MIN_OUT = 1024
_OUT_PER_ROW = 1.0
# at most this many threads (each keeps counting arrays of 16 bytes per post)
_MAX_WORKERS = 8
# chunks of targets per thread, so that a thread that finishes early takes another
_CHUNKS_PER_WORKER = 16
# rows are numbered in int32 by the kernels
_MAX_KEYS = 2**31


@dataclass
class Candidates:
    """Candidate pairs, ``src`` earlier than ``tgt`` (indices into the time-ordered posts).

    Sorted by ``(tgt, src)``. ``shared`` counts the shingles the pair shares,
    ``rare`` those of them that were not common inside the window.
    ``n_keys`` and ``n_rows`` are the shingle occurrences joined and the
    (shingle, post) rows they made; ``seconds`` times the join's passes.
    """

    src: np.ndarray
    tgt: np.ndarray
    shared: np.ndarray
    rare: np.ndarray
    n_keys: int = 0
    n_rows: int = 0
    seconds: dict = field(default_factory=dict)
    #: with ``far_window``: the pairs more than ``window`` and at most
    #: ``far_window`` apart sharing ``far_min_shared`` shingles rare over
    #: ``far_window`` (see :func:`candidate_pairs`)
    far: Optional["Candidates"] = None


@njit(cache=True, nogil=True)
def _partition_index(hashes, off, workers, out):
    """The keys ``hashes << DOC_BITS | post`` of a per-post index of shingle
    hashes (post ``p`` owns ``hashes[off[p]:off[p + 1]]``), split by shingle
    hash into ``workers`` slices of ``out`` (no shingle is split); returns
    the slice bounds."""
    bounds = np.zeros(workers + 1, np.int64)
    # slice = top 32 bits of the key scaled to [0, workers): a multiply, not a division
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
def _rows(keys, times, window, common_at, docs, lo_out, base, far_window, far_out, far_rare, use_far_rare):
    """Rows of one sorted slice of keys, written from ``docs[base]`` on.

    A row is one (shingle, post) occurrence -- a shingle repeated inside a
    post counts once, and a shingle held by one post only is dropped. Rows of
    a shingle are consecutive and in time order; ``lo_out[r]`` is the first
    row of the same shingle inside ``[t_r - window, t_r]``, stored as
    ``-(lo + 1)`` when the shingle is *common* at ``r``: more than
    ``common_at`` other posts hold it inside ``[t_r - window, t_r + window]``.

    With ``far_window > window`` the same pass fills ``far_out`` for the long
    horizon: the first row inside ``[t_r - far_window, t_r]``, or ``-1`` when
    the row can pair nobody past ``window`` -- its shingle is common over
    ``+- far_window``, or no earlier row of it lies more than ``window``
    before ``t_r``. The rows are the same for both horizons, so they are
    written once and only the window starts differ.

    With ``use_far_rare``, whether a row's shingle is common over
    ``+- far_window`` is not counted on these posts but read from
    ``far_rare``: the sorted keys ``hash << DOC_BITS | post`` of the rows
    that are rare over it (counted over a whole corpus of which these posts
    are a part, :class:`amplify.detect.halo.HolderIndex`); any other row
    pairs nobody past ``window``.
    Returns the end of the rows written.
    """
    n = len(keys)
    shift = np.uint64(DOC_BITS)
    mask = np.uint64((1 << DOC_BITS) - 1)
    far = far_window > window
    o = base
    g = 0
    # far_rare and the keys are both sorted: one pointer walks it beside the rows
    fp = np.searchsorted(far_rare, keys[0]) if use_far_rare and n else 0
    n_rare = len(far_rare)
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
        flo = start
        fhi = start
        for r in range(start, o):
            if hi < r:
                hi = r
            t = times[docs[r]]
            while times[docs[lo]] < t - window:
                lo += 1
            while hi + 1 < o and times[docs[hi + 1]] <= t + window:
                hi += 1
            lo_out[r] = lo if hi - lo <= common_at else -(lo + 1)
            if far:
                if fhi < r:
                    fhi = r
                while times[docs[flo]] < t - far_window:
                    flo += 1
                if use_far_rare:
                    k = (sh << shift) | np.uint64(docs[r])
                    while fp < n_rare and far_rare[fp] < k:
                        fp += 1
                    far_out[r] = flo if flo < lo and fp < n_rare and far_rare[fp] == k else -1
                    continue
                while fhi + 1 < o and times[docs[fhi + 1]] <= t + far_window:
                    fhi += 1
                far_out[r] = flo if flo < lo and fhi - flo <= common_at else -1
    return o


@njit(cache=True, nogil=True)
def _count_rows(docs, seg_lo, seg_hi, d_lo, d_hi, counts, want, use_want):
    """``counts[d + 1]`` = rows of post ``d``, for the posts ``d_lo <= d < d_hi``
    (with ``use_want``, only those ``want`` marks: the others keep no rows)."""
    for s in range(len(seg_lo)):
        for i in range(seg_lo[s], seg_hi[s]):
            d = docs[i]
            if d_lo <= d < d_hi and (not use_want or want[d]):
                counts[d + 1] += 1


@njit(cache=True, nogil=True)
def _rows_by_post(docs, lo, seg_lo, seg_hi, d_lo, d_hi, off, pos, lob, want, use_want):
    """Counting sort of the rows of posts ``d_lo <= d < d_hi``: post ``d``
    owns rows ``pos[off[d]:off[d + 1]]``, whose window starts are copied
    beside them into ``lob`` (so walking a post's rows reads one place, not two).
    ``want``, ``use_want``: as for :func:`_count_rows`."""
    ptr = off[d_lo:d_hi].copy()
    for s in range(len(seg_lo)):
        for i in range(seg_lo[s], seg_hi[s]):
            d = docs[i]
            if d_lo <= d < d_hi and (not use_want or want[d]):
                k = ptr[d - d_lo]
                pos[k] = i
                lob[k] = lo[i]
                ptr[d - d_lo] = k + 1


@njit(cache=True, nogil=True)
def _count_rows_both(docs, far_lo, seg_lo, seg_hi, d_lo, d_hi, counts, far_counts, want, use_want):
    """:func:`_count_rows` for both horizons in one pass over the rows: every
    row for the window, and for the long horizon the rows whose ``far_lo`` is
    not negative (see :func:`_rows`)."""
    for s in range(len(seg_lo)):
        for i in range(seg_lo[s], seg_hi[s]):
            d = docs[i]
            if d_lo <= d < d_hi and (not use_want or want[d]):
                counts[d + 1] += 1
                if far_lo[i] >= 0:
                    far_counts[d + 1] += 1


@njit(cache=True, nogil=True)
def _rows_by_post_both(docs, lo, far_lo, seg_lo, seg_hi, d_lo, d_hi, off, pos, lob, far_off, far_pos, far_lob,
                       want, use_want):
    """:func:`_rows_by_post` for both horizons in one pass over the rows."""
    ptr = off[d_lo:d_hi].copy()
    far_ptr = far_off[d_lo:d_hi].copy()
    for s in range(len(seg_lo)):
        for i in range(seg_lo[s], seg_hi[s]):
            d = docs[i]
            if d_lo <= d < d_hi and (not use_want or want[d]):
                k = ptr[d - d_lo]
                pos[k] = i
                lob[k] = lo[i]
                ptr[d - d_lo] = k + 1
                f = far_lo[i]
                if f >= 0:
                    k = far_ptr[d - d_lo]
                    far_pos[k] = i
                    far_lob[k] = f
                    far_ptr[d - d_lo] = k + 1


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
    index: ShingleIndex,
    times: np.ndarray,
    window: int,
    *,
    min_shared: int = 2,
    common_at: int = 25,
    keep_first: int = 3,
    keep_last: int = 3,
    workers: int = 2,
    far_window: int = 0,
    far_min_shared: int = 4,
    far_rare: Optional[np.ndarray] = None,
    targets: Optional[np.ndarray] = None,
) -> Candidates:
    """Pairs of posts that share at least ``min_shared`` shingles inside the window.

    Parameters
    ----------
    index : ShingleIndex
        The shared shingles of each post (:func:`amplify.detect.shingles.build_index`),
        read in place; posts must be numbered in time order.
    times : ndarray of int64
        Time of each post (non-decreasing).
    window : int
        Longest lag, in the same unit as ``times``.
    min_shared : int
        Shingles a pair must share.
    common_at : int
        A shingle held by more than this many other posts within +- window is common.
    keep_first, keep_last : int
        Partners kept for a common shingle (earliest, latest).
    workers : int
        Threads; the keys are split by shingle hash into this many slices
        sorted in parallel, and targets are shared out in chunks (numpy and
        the compiled loops release the GIL).
    far_window : int
        A longer horizon for long quotes (0: none). The same sorted keys are
        joined again over it, counting only shingles that are not common over
        it (no partner is kept for a common one), and the pairs more than
        ``window`` apart that share ``far_min_shared`` of them are returned as
        :attr:`Candidates.far`. One sort serves both horizons.
    far_min_shared : int
        Rare shingles a pair past ``window`` must share.
    far_rare : ndarray of uint64, optional
        Which rows are rare over ``far_window``, decided elsewhere: the
        sorted keys ``hash << DOC_BITS | post`` of those rows (a slice of a
        corpus, whose holders over the long horizon were counted once for
        the whole corpus: :class:`amplify.detect.halo.HolderIndex`). A row
        not listed pairs nobody past ``window``. Default: counted on these
        posts.
    targets : ndarray of bool, optional
        Only the pairs whose target (the later post) is marked: the other
        posts still hold shingles, count towards a shingle being common and
        are sources, but are never walked as targets. Incremental and sliced
        detection read posts around the ones they want (a slice of 7 days
        reads 21), and walking every one of them as a target tripled the
        join's work. Default: every post.

    Returns
    -------
    Candidates
        Sorted by ``(tgt, src)``, each pair once.

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
    workers = max(1, min(workers, _MAX_WORKERS))
    n_keys = len(index.hashes)
    n_posts = len(times)
    if n_keys >= _MAX_KEYS:
        raise ValueError(f"{n_keys:,} shared shingles: more than one detection batch can hold (2**31)")
    if targets is not None and len(targets) != n_posts:
        raise ValueError(f"targets marks {len(targets):,} posts, the index holds {n_posts:,}")
    want = np.zeros(0, np.uint8) if targets is None else np.ascontiguousarray(targets, dtype=np.uint8)
    seconds = {}
    t0 = time.perf_counter()
    part = np.empty(n_keys, dtype=np.uint64)
    nparts = 1 if workers == 1 or n_keys < _SPLIT_MIN_KEYS else workers
    bounds = _partition_index(index.hashes, index.offsets, nparts, part)
    with ThreadPoolExecutor(workers) as ex:
        views = [part[bounds[w]:bounds[w + 1]] for w in range(len(bounds) - 1)]
        list(ex.map(np.ndarray.sort, views))
        seconds["sort"] = -t0 + (t0 := time.perf_counter())
        far = far_window > window
        docs, lo, far_lo, seg_lo, seg_hi = _rows_of_slices(ex, views, bounds, times, window, common_at,
                                                            far_window if far else 0, far_rare)
        del views, part  # the keys have become rows
        seconds["rows"] = -t0 + (t0 := time.perf_counter())
        if far:
            # both horizons grouped in one pass over the rows; for the long one only the
            # rows with a partner older than the window: a pair more than ``window``
            # apart is counted at each of its target's rows, and at each of them the
            # source lies before the near window's start
            (off, pos, lob), far_groups = _group_rows_both(ex, docs, lo, far_lo, seg_lo, seg_hi, n_posts, workers,
                                                           want)
            del far_lo
        else:
            off, pos, lob = _group_rows(ex, docs, lo, seg_lo, seg_hi, n_posts, workers, want)
        del lo
        seconds["group"] = -t0 + (t0 := time.perf_counter())
        n_rows = int(off[-1])
        parts = _count_pairs(ex, off, pos, lob, docs, n_posts, keep_first, keep_last, min_shared, workers)
        seconds["count"] = -t0 + (t0 := time.perf_counter())
        del off, pos, lob
        far_found = None
        if far:
            off, pos, lob = far_groups
            del far_groups
            found = _joined(_count_pairs(ex, off, pos, lob, docs, n_posts, 0, 0, far_min_shared, workers))
            del off, pos, lob
            past = times[found.tgt] - times[found.src] > window
            far_found = Candidates(found.src[past], found.tgt[past], found.shared[past], found.rare[past])
            seconds["far"] = -t0 + (t0 := time.perf_counter())
        del docs
    out = _joined(parts)
    return Candidates(out.src, out.tgt, out.shared, out.rare, n_keys, n_rows, seconds, far_found)


def _joined(parts) -> Candidates:
    """The chunks' ``[src, tgt, shared, rare]`` as one :class:`Candidates`."""
    if not parts:  # no posts
        src, tgt, shared, rare = (np.zeros(0, np.int32) for _ in range(4))
    elif len(parts) == 1:
        src, tgt, shared, rare = parts[0]
    else:
        src, tgt, shared, rare = (np.concatenate(c) for c in zip(*parts))
    return Candidates(src, tgt, shared, rare)


def _rows_of_slices(ex, views, bounds, times, window, common_at, far_window=0, far_rare=None):
    """Rows (see :func:`_rows`) of each sorted slice of keys, slice ``w``
    written from ``bounds[w]`` on. Returns ``(docs, lo, far_lo, seg_lo,
    seg_hi)``: slice ``w``'s rows are ``seg_lo[w]:seg_hi[w]`` of ``docs``,
    ``lo`` and (with ``far_window``, else ``None``) ``far_lo``."""
    n_keys = int(bounds[-1])
    docs = np.empty(n_keys, np.int32)
    lo = np.empty(n_keys, np.int32)
    far_lo = np.empty(n_keys if far_window else 0, np.int32)
    use_rare = far_rare is not None
    rare = np.ascontiguousarray(far_rare, dtype=np.uint64) if use_rare else np.zeros(0, np.uint64)
    ends = list(ex.map(lambda w: _rows(views[w], times, window, common_at, docs, lo, bounds[w],
                                       far_window, far_lo, rare, use_rare),
                       range(len(views))))
    return docs, lo, (far_lo if far_window else None), np.asarray(bounds[:-1], np.int64), \
        np.asarray(ends, np.int64)


def _group_rows(ex, docs, lo, seg_lo, seg_hi, n_posts, workers, want):
    """Counting sort of the rows by post: post ``d`` owns rows
    ``pos[off[d]:off[d + 1]]`` and their window starts ``lob[...]``. Each
    thread sorts the rows of its own range of posts. ``want`` (a uint8 mask
    over the posts, or an empty array for all): only the marked posts keep
    rows, so only they are walked as targets."""
    use_want = len(want) > 0
    split = np.linspace(0, n_posts, workers + 1).astype(np.int64)
    ranges = list(zip(split[:-1], split[1:]))
    off = np.zeros(n_posts + 1, np.int64)
    list(ex.map(lambda r: _count_rows(docs, seg_lo, seg_hi, r[0], r[1], off, want, use_want), ranges))
    np.cumsum(off, out=off)
    pos = np.empty(off[-1], np.int32)
    lob = np.empty(off[-1], np.int32)
    list(ex.map(lambda r: _rows_by_post(docs, lo, seg_lo, seg_hi, r[0], r[1], off, pos, lob, want, use_want),
                ranges))
    return off, pos, lob


def _group_rows_both(ex, docs, lo, far_lo, seg_lo, seg_hi, n_posts, workers, want):
    """:func:`_group_rows` for the window and (rows with ``far_lo >= 0`` only)
    for the long horizon at once: ``((off, pos, lob), (far_off, far_pos, far_lob))``."""
    use_want = len(want) > 0
    split = np.linspace(0, n_posts, workers + 1).astype(np.int64)
    ranges = list(zip(split[:-1], split[1:]))
    off = np.zeros(n_posts + 1, np.int64)
    far_off = np.zeros(n_posts + 1, np.int64)
    list(ex.map(lambda r: _count_rows_both(docs, far_lo, seg_lo, seg_hi, r[0], r[1], off, far_off, want,
                                                 use_want), ranges))
    np.cumsum(off, out=off)
    np.cumsum(far_off, out=far_off)
    pos, lob = np.empty(off[-1], np.int32), np.empty(off[-1], np.int32)
    far_pos, far_lob = np.empty(far_off[-1], np.int32), np.empty(far_off[-1], np.int32)
    list(ex.map(lambda r: _rows_by_post_both(docs, lo, far_lo, seg_lo, seg_hi, r[0], r[1], off, pos, lob,
                                             far_off, far_pos, far_lob, want, use_want), ranges))
    return (off, pos, lob), (far_off, far_pos, far_lob)


def _count_pairs(ex, off, pos, lob, docs, n_posts, keep_first, keep_last, min_shared, workers):
    """The pairs of every target, in chunks of about equal rows; each thread
    keeps its own counting arrays. Returns the chunks' ``[src, tgt, shared,
    rare]`` in target order."""
    n_rows = int(off[-1])
    n_chunks = max(1, min(n_posts, _CHUNKS_PER_WORKER * workers if n_rows > _CHUNK_MIN_ROWS else 1))
    cuts = np.searchsorted(off, np.linspace(0, n_rows, n_chunks + 1)[1:-1])
    edges = np.unique(np.r_[0, cuts, n_posts])
    chunks = list(zip(edges[:-1], edges[1:]))
    local = threading.local()

    def work(chunk):
        if not hasattr(local, "scratch"):
            local.scratch = (np.zeros(n_posts, np.int64), np.empty(2 * n_posts, np.int32))
        return _pairs_in(chunk, off, pos, lob, docs, keep_first, keep_last, min_shared, local.scratch)

    return list(ex.map(work, chunks))
