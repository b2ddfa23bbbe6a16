"""Choosing what slices need of the long look-back from a holder index: the pass over its keys, and the choices kept.

:class:`amplify.detect.halo.HolderIndex` answers, for targets, which of
their shingles are rare over ``quote_window`` and which far posts may be
their long-quote sources, in one sequential pass over its sorted keys
(``keys.u64``). This module holds that pass's pieces -- the blocks of
whole runs (:func:`whole_runs`), the kernel walking each shingle's run
with three pointers (:func:`scan_runs`), the grouping of its output by
slice (:func:`by_slice`) and the count that picks the sources
(:func:`chosen_sources`) -- and :class:`SliceChoices`, every slice's
answer as :meth:`~amplify.detect.halo.HolderIndex.choose_all` leaves it on
disk for the slices to read.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from numba import njit

from amplify.detect.shingles import DOC_BITS

__all__ = ["SliceChoices", "chosen_sources", "whole_runs", "scan_runs", "by_slice", "coarse_table"]

# posts per entry of the table that finds a post's slice (:func:`coarse_table`): 40 KB at 10M posts
_COARSE_BITS = 10


class SliceChoices:
    """What :meth:`amplify.detect.halo.HolderIndex.choose_all` chose for each slice, in a folder:
    per slice ``K``, ``rare-K.u64`` (its targets' rare rows, ``hash <<
    DOC_BITS | corpus number``) and ``sources-K.i64`` (its far sources'
    corpus numbers, ascending); ``meta.json`` names the slices (with their
    targets' corpus numbers ``p0 <= p < p1``), what the choices were made
    for, and ``kept``: the parts of the copy of every slice's sources'
    posts, when one was made (:meth:`amplify.detect.slices.PostSource.keep`)."""

    def __init__(self, folder: Path | str):
        self.folder = Path(folder)
        meta = json.loads((self.folder / "meta.json").read_text(encoding="utf-8"))
        self.kept = meta.get("kept")
        self.n_sources = int(meta.get("sources", 0))
        self._slices = {int(r["index"]): r for r in meta["slices"]}

    def of(self, sl) -> tuple[int, int, np.ndarray, np.ndarray] | None:
        """``(p0, p1, rows, sources)`` of slice ``sl`` (see the class docstring),
        or None when no choice was made for a slice of its index and bounds."""
        r = self._slices.get(int(sl.index))
        if r is None or int(r["start"]) != int(sl.start_ns) or int(r["end"]) != int(sl.end_ns):
            return None
        name = f"{int(sl.index):06d}"
        rare, sources = self.folder / f"rare-{name}.u64", self.folder / f"sources-{name}.i64"
        rows = np.fromfile(rare, dtype=np.uint64) if rare.exists() else np.zeros(0, np.uint64)
        return int(r["p0"]), int(r["p1"]), rows, np.fromfile(sources, dtype=np.int64)


def chosen_sources(pair: np.ndarray, shingle: int) -> np.ndarray:
    """The sources (ascending corpus numbers) among ``pair`` (``target << DOC_BITS
    | source``, one per rare shingle they share) that share ``shingle`` rare
    shingles with one target."""
    if len(pair) == 0:
        return np.zeros(0, np.int64)
    pair = np.sort(pair)
    starts = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]])
    counts = np.diff(np.r_[starts, len(pair)])
    return np.unique(pair[starts[counts >= shingle]] & np.int64((1 << DOC_BITS) - 1))


def whole_runs(path: Path, block_keys: int):
    """The sorted keys in ``path``, about ``block_keys`` at a time, each block
    ending at the end of a shingle's run (the rest is carried into the next
    block), read with plain reads: the file's pages never count in this
    process's memory as a mapping's would."""
    shift = np.uint64(DOC_BITS)
    carry = np.zeros(0, np.uint64)
    with open(path, "rb") as f:
        while True:
            more = np.fromfile(f, dtype=np.uint64, count=max(1, int(block_keys)))
            block = np.concatenate([carry, more]) if len(carry) else more
            if len(more) == 0:
                if len(block):
                    yield block
                return
            last = block[-1] >> shift
            if block[0] >> shift == last:                 # one run so far: read on
                carry = block
                continue
            cut = int(np.searchsorted(block, last << shift))  # the last run's start (the keys are sorted)
            carry = block[cut:].copy()
            yield block[:cut]


@njit(cache=True, nogil=True, inline="always")
def _first_at(keys, i, e, mask, bound):
    """From ``i``, the first position before ``e`` whose post number (``keys & mask``) is at least ``bound``."""
    while i < e and np.int64(keys[i] & mask) < bound:
        i += 1
    return i


@njit(cache=True, nogil=True)
def by_slice(values, shift, firsts, coarse):
    """``values`` in groups by their post's slice, by a stable counting sort:
    ``(grouped, bounds)``, slice ``k``'s values being
    ``grouped[bounds[k]:bounds[k + 1]]``. A value's post is ``(values[i] >>
    shift) & (2**DOC_BITS - 1)`` (rare rows ``hash << DOC_BITS | post``: 0;
    pairs ``post << DOC_BITS | source``: DOC_BITS), its slice the last ``k``
    with ``firsts[k] <= post`` (``firsts`` ascending): looked up in
    ``coarse`` (:func:`coarse_table`, a few KB in the cache) and walked on past
    the later slices' first posts, not searched for (branches mispredicted)
    nor read from a per-post array (a cache miss a value)."""
    mask = np.uint64((1 << DOC_BITS) - 1)
    m = len(values)
    n_slices = len(firsts)
    group = np.empty(m, np.int32)
    bounds = np.zeros(n_slices + 1, np.int64)
    for i in range(m):
        post = np.int64((np.uint64(values[i]) >> np.uint64(shift)) & mask)
        g = coarse[post >> _COARSE_BITS]
        while g + 1 < n_slices and firsts[g + 1] <= post:
            g += 1
        group[i] = g
        bounds[g + 1] += 1
    for g in range(n_slices):
        bounds[g + 1] += bounds[g]
    fill = bounds[:-1].copy()
    out = np.empty_like(values)
    for i in range(m):
        g = group[i]
        out[fill[g]] = values[i]
        fill[g] += 1
    return out, bounds


def coarse_table(firsts: np.ndarray, n_posts: int) -> np.ndarray:
    """For :func:`by_slice`: per ``2**_COARSE_BITS`` posts, the slice of the first
    of them (the last ``k`` with ``firsts[k]`` at or before it, 0 before the first)."""
    starts = np.arange(0, max(1, n_posts) + (1 << _COARSE_BITS), 1 << _COARSE_BITS, dtype=np.int64)
    return np.maximum(np.searchsorted(firsts, starts, side="right") - 1, 0).astype(np.int32)


@njit(cache=True, nogil=True)
def scan_runs(keys, start, p0, info, long_bits, common_at, rare_out, pair_out):
    """The runs of ``keys`` from position ``start`` (a run's start), one run
    per shingle, its posts in time order: for every row of a target --
    corpus number ``p`` with ``0 <= p - p0 < len(info)`` and ``info[p - p0] =
    (target, g_lo, g_hi, g_end)``, ``target >= 0`` -- whether its shingle is
    rare at the target (at most ``common_at`` other holders among posts
    ``g_lo <= q < g_hi``) -- written as ``hash << DOC_BITS | target`` to
    ``rare_out`` -- and, for a rare one, each holder ``g_lo <= q < g_end``
    whose bit is set in ``long_bits`` (a long text) as a pair ``target <<
    DOC_BITS | q`` to ``pair_out``. Every bound only grows along a run, so
    three pointers walk it once. Returns ``(rare rows, pairs, stop)``: when
    ``pair_out`` fills, the scan stops before the run that overflowed it
    (whose rows are not counted), at ``stop``; else ``stop = len(keys)``."""
    shift = np.uint64(DOC_BITS)
    mask = np.uint64((1 << DOC_BITS) - 1)
    n = len(keys)
    p1 = p0 + len(info)
    cap = len(pair_out)
    nr = 0
    npair = 0
    i = start
    while i < n:
        h = keys[i] >> shift
        e = i + 1
        while e < n and (keys[e] >> shift) == h:
            e += 1
        run_nr = nr
        run_npair = npair
        a = i
        b = i
        c = i
        for j in range(i, e):
            p = np.int64(keys[j] & mask)
            if p < p0:
                continue
            if p >= p1:
                break
            k = p - p0
            t = info[k, 0]
            if t < 0:
                continue
            lo = np.int64(info[k, 1])
            a = _first_at(keys, a, e, mask, lo)
            if b < a:
                b = a
            hi = np.int64(info[k, 2])
            b = _first_at(keys, b, e, mask, hi)
            if b - a - 1 > common_at:
                continue
            rare_out[nr] = (h << shift) | np.uint64(t)
            nr += 1
            if c < a:
                c = a
            end = np.int64(info[k, 3])
            c = _first_at(keys, c, e, mask, end)
            for q in range(a, c):
                s = np.int64(keys[q] & mask)
                if long_bits[s >> 3] & (1 << (s & 7)):
                    if npair >= cap:
                        return run_nr, run_npair, i
                    pair_out[npair] = (np.int64(t) << DOC_BITS) | s
                    npair += 1
        i = e
    return nr, npair, n
