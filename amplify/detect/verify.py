"""Verification: align each candidate pair, score it with rapidfuzz, classify it.

For every candidate pair a compiled kernel finds the shingles the two posts
share and their positions, groups them into the densest aligned region (a
passage of the source that reappears in the target), and counts the bag-of-
words overlap of the two posts. Each post's tokens are then written as a
string of one character per token, so rapidfuzz's bit-parallel Indel distance
scores whole posts and regions at token level (``fuzz.ratio`` over words, not
letters: a substituted word costs one, whatever its length), on both cores.

Kinds and their default thresholds (all overridable, see
:class:`amplify.detect.DetectSettings`):

``verbatim``
    the whole texts are near-identical: token-level ``ratio >= 90``.
``quote``
    a passage of at least ``min_quote_tokens`` (10) tokens of the source
    reappears nearly verbatim (``ratio >= 90`` over the aligned region) in the
    target, however long the target is.
``paraphrase``
    the target restates most of the source: bag-of-words Dice overlap
    ``>= 0.6`` and token-level ``ratio >= 50``, so reordering, substitutions,
    insertions and deletions are tolerated.

A quote or paraphrase needs at least 3 *rare* shared shingles (not common
inside the window, see :mod:`amplify.detect.candidates`), unless the aligned
passage makes up at least half of the source -- the source is then the
statement itself, not a post that happens to carry the same sign-off.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from rapidfuzz import fuzz, process

__all__ = ["align_pairs", "token_strings", "score_pairs"]

_SH_SHIFT = np.uint64(26)


@njit(cache=True, nogil=True)
def _align_one(hashes, offsets, shkeys, shoff, n, s, t, gap, out):
    sa, sb = shoff[s], shoff[s + 1]
    ta, tb = shoff[t], shoff[t + 1]
    ns, nt = sb - sa, tb - ta
    ssh = shkeys[sa:sb] >> _SH_SHIFT
    order = np.argsort(ssh)
    ssorted = ssh[order]
    # walk the target's shingles; keep the densest run of aligned matches
    best_cnt = 0
    best = (0, 0, 0, 0)
    cnt = 0
    ca = cb = cc = cd = 0
    prev_i = -(10 ** 9)
    prev_j = -(10 ** 9)
    all_a = 1 << 62
    all_b = -1
    all_c = 1 << 62
    all_d = -1
    nmatch = 0
    for j in range(nt):
        h = shkeys[ta + j] >> _SH_SHIFT
        k = np.searchsorted(ssorted, h)
        if k >= ns or ssorted[k] != h:
            continue
        # several source positions may carry this shingle: take the one
        # closest to the current run's diagonal
        i = order[k]
        if cnt > 0:
            bestd = abs((i - prev_i) - (j - prev_j))
            kk = k + 1
            while kk < ns and ssorted[kk] == h:
                ii = order[kk]
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
            best = (ca, cb, cc, cd)
        prev_i, prev_j = i, j
    out[0], out[1], out[2], out[3] = best
    out[4] = best_cnt
    out[5] = nmatch
    if nmatch == 0:
        all_a = all_b = all_c = all_d = 0
    out[6], out[7], out[8], out[9] = all_a, all_b, all_c, all_d
    # bag-of-words overlap (multiset intersection of token hashes)
    x = np.sort(hashes[offsets[s]:offsets[s + 1]])
    y = np.sort(hashes[offsets[t]:offsets[t + 1]])
    p = q = inter = 0
    while p < len(x) and q < len(y):
        if x[p] == y[q]:
            inter += 1
            p += 1
            q += 1
        elif x[p] < y[q]:
            p += 1
        else:
            q += 1
    out[10] = inter


@njit(cache=True, nogil=True)
def _align_all(hashes, offsets, shkeys, shoff, n, src, tgt, gap, res):
    for r in range(len(src)):
        _align_one(hashes, offsets, shkeys, shoff, n, src[r], tgt[r], gap, res[r])


def align_pairs(hashes, offsets, shkeys, shoff, n, src, tgt, gap=None, workers=2):
    """Aligned regions of each pair, in tokens.

    Returns an int64 array of shape (n_pairs, 11): best region
    ``(src_start, src_end, tgt_start, tgt_end)``, shingles in it, shingles
    matched anywhere, the extent of all matches (4 columns), and the number of
    tokens the two bags of words share.
    """
    from concurrent.futures import ThreadPoolExecutor

    res = np.zeros((len(src), 11), dtype=np.int64)
    gap = n + 3 if gap is None else gap
    if len(src) < 20000 or workers <= 1:
        _align_all(hashes, offsets, shkeys, shoff, n, src, tgt, gap, res)
        return res
    bounds = np.linspace(0, len(src), workers + 1).astype(int)
    with ThreadPoolExecutor(workers) as ex:
        list(ex.map(lambda ab: _align_all(hashes, offsets, shkeys, shoff, n, src[ab[0]:ab[1]],
                                          tgt[ab[0]:ab[1]], gap, res[ab[0]:ab[1]]),
                    zip(bounds[:-1], bounds[1:])))
    return res


# Token characters: one code point per token, avoiding surrogates (which UTF-32
# cannot carry). A collision of two tokens on one code point (about one in a
# million) only nudges a score.
_SPAN = 0x10FFFF - 0x800 - 0x100


def token_strings(hashes: np.ndarray, offsets: np.ndarray, posts: np.ndarray) -> dict[int, str]:
    """One string per post, one character per token (for rapidfuzz)."""
    posts = np.unique(posts)
    if len(posts) == 0:
        return {}
    lens = offsets[posts + 1] - offsets[posts]
    idx = np.repeat(offsets[posts] - np.r_[0, np.cumsum(lens)[:-1]], lens) + np.arange(lens.sum())
    cps = (hashes[idx] % np.uint64(_SPAN)).astype(np.uint32) + np.uint32(0x100)
    cps[cps >= 0xD800] += np.uint32(0x800)
    big = cps.tobytes().decode("utf-32-le")
    bounds = np.r_[0, np.cumsum(lens)]
    return {int(p): big[bounds[k]:bounds[k + 1]] for k, p in enumerate(posts)}


def score_pairs(strings: dict[int, str], src, tgt, aln, workers: int = 2):
    """Token-level rapidfuzz ratios: whole posts and best aligned regions."""
    S = [strings[int(s)] for s in src]
    T = [strings[int(t)] for t in tgt]
    whole = process.cpdist(S, T, scorer=fuzz.ratio, workers=workers) if len(S) else np.zeros(0)
    RS = [s[a:b] for s, a, b in zip(S, aln[:, 0], aln[:, 1])]
    RT = [t[c:d] for t, c, d in zip(T, aln[:, 2], aln[:, 3])]
    region = process.cpdist(RS, RT, scorer=fuzz.ratio, workers=workers) if len(S) else np.zeros(0)
    return np.asarray(whole, dtype=np.float64), np.asarray(region, dtype=np.float64)
