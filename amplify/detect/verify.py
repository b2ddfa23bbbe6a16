"""Verification: align each candidate pair, score it, classify it.

For every candidate pair a compiled kernel

1. finds the shingles the two posts share (only shingles held by more than
   one post are indexed, so this is a merge of two short lists) and groups
   them into the densest aligned region -- a passage of the source that
   reappears in the target;
2. scores the whole posts and that region with the Indel similarity over
   *tokens* (``100 * 2 * LCS / (len_a + len_b)``): exactly rapidfuzz's
   ``fuzz.ratio`` applied to token sequences (the tests check it against
   rapidfuzz), computed with the bit-parallel LCS of Allison & Dix (1986) /
   Hyyrö (2004) that rapidfuzz itself uses, here inside the same compiled
   loop so that no Python string is built per pair. A substituted word costs
   one, whatever its length;
3. counts the bag-of-words overlap (Dice coefficient of the token multisets),
   which survives reordering.

Kinds and their default thresholds (all overridable, see
:class:`amplify.detect.DetectSettings`):

``verbatim``
    the whole texts are near-identical: token-level ``ratio >= 90``.
``quote``
    a passage of at least ``min_quote_tokens`` (10) words of the source (a
    character of Chinese, Japanese or Thai counts as half a word)
    reappears nearly verbatim (``ratio >= 90`` over the aligned region) in the
    target, however long the target is.
``paraphrase``
    the target restates most of the source: bag-of-words Dice overlap
    ``>= 0.55`` (optionally also a token-level ``ratio`` floor, 0 by default),
    so reordering, substitutions, insertions and deletions are tolerated.

A quote or paraphrase needs at least ``shingle`` *rare* shared shingles (not
common inside the window, see :mod:`amplify.detect.candidates`) -- where two
common phrases meet, ``shingle - 1`` shingles span the junction and look rare
-- unless the aligned passage makes up at least half of the source: the
source is then the statement itself, not a post that happens to carry the
same stock phrase and sign-off.

References
----------
Allison, L. and Dix, T. I. (1986). A bit-string longest-common-subsequence
algorithm. Information Processing Letters 23(5).
Hyyrö, H. (2004). Bit-parallel LCS-length computation revisited. AWOCA.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
from numba import njit

__all__ = ["ShingleIndex", "build_index", "verify_pairs", "lcs_length", "COLUMNS"]

_SH_SHIFT = np.uint64(26)

#: Columns of the array :func:`verify_pairs` returns.
COLUMNS = ("src_start", "src_end", "tgt_start", "tgt_end", "region_shingles", "matched_shingles",
           "all_src_start", "all_src_end", "all_tgt_start", "all_tgt_end",
           "bag_overlap", "lcs_whole", "lcs_region", "region_half_words")


class ShingleIndex:
    """The shared shingles of each post, in token order: hashes, positions, offsets."""

    def __init__(self, hashes, positions, offsets):
        self.hashes = hashes
        self.positions = positions
        self.offsets = offsets


@njit(cache=True, nogil=True)
def _index_kernel(keys, key_offsets, keep, p0, p1, o, hashes, positions, off):
    """Kept shingles of posts ``p0 <= p < p1``, written from ``o`` on."""
    for p in range(p0, p1):
        off[p] = o
        for i in range(key_offsets[p], key_offsets[p + 1]):
            if keep[i]:
                hashes[o] = keys[i] >> np.uint64(26)
                positions[o] = i - key_offsets[p]
                o += 1
    return o


def build_index(keys: np.ndarray, key_offsets: np.ndarray, keep, workers: int = 2) -> ShingleIndex:
    """Index of the kept shingles per post.

    ``keep`` is a boolean mask over ``keys`` (:func:`shared_shingles`) or a
    :class:`~amplify.detect.candidates.SharedSet`. Compiled passes, posts
    shared out over ``workers`` threads; no per-shingle owner array (at 1M
    posts that was 360 MiB of temporaries).
    """
    n_posts = len(key_offsets) - 1
    workers = max(1, workers if len(keys) >= 1_000_000 else 1)
    post_cuts = np.linspace(0, n_posts, workers + 1).astype(np.int64)
    key_cuts = key_offsets[post_cuts]
    with ThreadPoolExecutor(workers) as ex:
        if hasattr(keep, "twice"):
            keep = keep.mask(keys, workers)
        kept_before = np.r_[0, np.cumsum([np.count_nonzero(keep[a:b]) for a, b in zip(key_cuts[:-1], key_cuts[1:])])]
        hashes = np.empty(kept_before[-1], dtype=np.uint64)
        positions = np.empty(kept_before[-1], dtype=np.int32)
        off = np.zeros(n_posts + 1, dtype=np.int64)
        off[-1] = kept_before[-1]
        list(ex.map(lambda w: _index_kernel(keys, key_offsets, keep, post_cuts[w], post_cuts[w + 1],
                                            kept_before[w], hashes, positions, off), range(workers)))
    return ShingleIndex(hashes, positions, off)


@njit(cache=True, nogil=True)
def _lcs(a, b):
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
    return int(_lcs(np.asarray(a, dtype=np.uint64), np.asarray(b, dtype=np.uint64)))


@njit(cache=True, nogil=True)
def _bag_table(a, keys, cnt):
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
def _bag_overlap_table(b, keys, cnt, left):
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
def _align_one(tok, narrow, toff, sh, shpos, shoff, n, s, t, gap, thr, out, order, ssorted, bag):
    """Evidence for one pair; ``order``/``ssorted`` sort the source's
    shingles, ``bag`` is ``(keys, counts, scratch)``: a table of the source's
    tokens (see :func:`_bag_table`) sized by :func:`_align_all`, with
    ``counts[0] < 0`` while it is not built yet."""
    sa, sb = shoff[s], shoff[s + 1]
    ta, tb = shoff[t], shoff[t + 1]
    ns = sb - sa
    best_cnt = 0
    b0 = b1 = b2 = b3 = 0
    cnt = 0
    ca = cb = cc = cd = 0
    prev_i = -(10 ** 9)
    prev_j = -(10 ** 9)
    all_a = 1 << 62
    all_b = -1
    all_c = 1 << 62
    all_d = -1
    nmatch = 0
    for jj in range(ta, tb):
        h = sh[jj]
        j = np.int64(shpos[jj])
        k = np.searchsorted(ssorted, h)
        if k >= ns or ssorted[k] != h:
            continue
        # several source positions may carry this shingle: take the one
        # closest to the current run's diagonal
        i = np.int64(shpos[sa + order[k]])
        if cnt > 0:
            bestd = abs((i - prev_i) - (j - prev_j))
            kk = k + 1
            while kk < ns and ssorted[kk] == h:
                ii = np.int64(shpos[sa + order[kk]])
                d = abs((ii - prev_i) - (j - prev_j))
                if d < bestd:
                    bestd = d
                    i = ii
                kk += 1
        nmatch += 1
        all_a = min(all_a, i)
        all_b = max(all_b, i + n)
        all_c = min(all_c, j)
        all_d = max(all_d, j + n)
        if cnt > 0 and j - prev_j <= gap and abs(i - prev_i) <= gap + (j - prev_j):
            cnt += 1
            ca = min(ca, i)
            cb = max(cb, i + n)
            cd = j + n
        else:
            cnt = 1
            ca, cb, cc, cd = i, i + n, j, j + n
        if cnt > best_cnt:
            best_cnt = cnt
            b0, b1, b2, b3 = ca, cb, cc, cd
        prev_i, prev_j = i, j
    if nmatch == 0:
        all_a = all_b = all_c = all_d = 0
    out[0], out[1], out[2], out[3] = b0, b1, b2, b3
    out[4] = best_cnt
    out[5] = nmatch
    out[6], out[7], out[8], out[9] = all_a, all_b, all_c, all_d
    S = tok[toff[s]:toff[s + 1]]
    T = tok[toff[t]:toff[t + 1]]
    ls, lt = len(S), len(T)
    # Evidence is computed lazily, cheapest first, and only where it can
    # still change the verdict; -1 marks "not computed".
    out[10] = -1
    out[11] = -1
    out[12] = -1
    # length of the source passage in half-words: a Han/Kana/Thai character is half a word
    hw = 0
    for q in range(toff[s] + b0, toff[s] + b1):
        hw += 1 if narrow[q] else 2
    out[13] = hw
    verbatim_min, quote_min, quote_hw, dice_min, ratio_min = thr[0], thr[1], thr[2], thr[3], thr[4]
    length_bound = 200.0 * min(ls, lt) / max(ls + lt, 1)  # best ratio the lengths allow
    if length_bound >= verbatim_min or (ratio_min > 0 and length_bound >= ratio_min):
        out[11] = _lcs(S, T)
        if 200.0 * out[11] / max(ls + lt, 1) >= verbatim_min:
            return  # verbatim: nothing else matters
    if best_cnt > 0 and hw >= quote_hw:
        out[12] = _lcs(S[b0:b1], T[b2:b3])
        if 200.0 * out[12] / max(b1 - b0 + b3 - b2, 1) >= quote_min:
            return  # a quote, unless it proves to be boilerplate (then nothing is)
    if length_bound >= 100.0 * dice_min:
        keys, cnt, left = bag
        if cnt[0] < 0:  # built once per source, on its first pair that needs it
            _bag_table(S, keys, cnt)
        out[10] = _bag_overlap_table(T, keys, cnt, left)


@njit(cache=True, nogil=True)
def _align_all(tok, narrow, toff, sh, shpos, shoff, n, src, tgt, gap, thr, res):
    # pairs come grouped by source: its shingles are sorted once for all its targets
    last = -1
    order = np.zeros(0, dtype=np.int64)
    ssorted = np.zeros(0, dtype=np.uint64)
    keys = np.zeros(0, dtype=np.uint64)
    cnt = np.zeros(0, dtype=np.int32)
    left = np.zeros(0, dtype=np.int32)
    for r in range(len(src)):
        s = src[r]
        if s != last:
            ssh = sh[shoff[s]:shoff[s + 1]]
            order = np.argsort(ssh)
            ssorted = ssh[order]
            last = s
            # the source's bag of tokens: a table 2-4x its length, built lazily
            size = 8
            while size < 2 * (toff[s + 1] - toff[s]):
                size *= 2
            if len(keys) != size:
                keys = np.zeros(size, dtype=np.uint64)
                cnt = np.zeros(size, dtype=np.int32)
                left = np.zeros(size, dtype=np.int32)
            cnt[0] = -1  # not built
        _align_one(tok, narrow, toff, sh, shpos, shoff, n, s, tgt[r], gap, thr, res[r], order, ssorted,
                   (keys, cnt, left))


def verify_pairs(tokens, index: ShingleIndex, n: int, src, tgt, *, verbatim_min: float = 90.0,
                 quote_min: float = 90.0, min_quote_words: float = 10, dice_min: float = 0.55,
                 ratio_min: float = 0.0, gap: int | None = None, workers: int = 2) -> np.ndarray:
    """Alignment and LCS evidence for each pair: int64 array, columns :data:`COLUMNS`.

    The thresholds only decide which evidence is worth computing: ``lcs_whole``
    is -1 where the lengths alone rule out ``verbatim_min`` (and
    ``ratio_min``), ``lcs_region`` where the passage is too short for a quote
    or the pair is already verbatim, ``bag_overlap`` where the pair is
    already verbatim or a quote, or the lengths rule out ``dice_min``.
    """
    res = np.zeros((len(src), len(COLUMNS)), dtype=np.int64)
    gap = n + 3 if gap is None else gap
    thr = np.array([verbatim_min, quote_min, 2.0 * min_quote_words, dice_min, ratio_min], dtype=np.float64)
    args = (tokens.hashes, tokens.narrow, tokens.offsets, index.hashes, index.positions, index.offsets, n)
    # grouped by source (see _align_all), results put back in the pairs' order
    by_src = np.argsort(np.asarray(src), kind="stable")
    s_src, s_tgt = np.asarray(src)[by_src], np.asarray(tgt)[by_src]
    out = np.zeros_like(res)
    if len(src) < 20000 or workers <= 1:
        _align_all(*args, s_src, s_tgt, gap, thr, out)
    else:
        bounds = np.linspace(0, len(src), workers + 1).astype(int)
        with ThreadPoolExecutor(workers) as ex:
            list(ex.map(lambda ab: _align_all(*args, s_src[ab[0]:ab[1]], s_tgt[ab[0]:ab[1]], gap, thr,
                                              out[ab[0]:ab[1]]),
                        zip(bounds[:-1], bounds[1:])))
    res[by_src] = out
    return res
