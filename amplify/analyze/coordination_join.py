"""The joins behind coordinated posting: co-posts within an interval, and every shared content of a pair.

Two compiled joins over the (post, content key) rows of
:func:`amplify.analyze.coordination_keys.content_keys`, both sort-based (no
pass over all pairs of posts):

:func:`co_posts`
    rows sorted by (key, time): each row walks forward over the rows of its
    key while the time stays within ``within``; a row of another account is a
    co-post. Cost: the rows, plus the pairs of same-key posts inside one
    interval.
:func:`shared_content`
    for the few pairs of accounts the null is asked about: each account's
    rows sorted by (key, time), merged key by key; every pair of their posts
    sharing a key, at any distance, gives its time difference (what the
    shift null moves, :mod:`amplify.analyze.coordination_null`).

Both count first and fill after (two passes, the first in parallel), so no
list grows inside the kernels. A pair of posts that shares two keys (a text
and its link, under ``by="any"``) is one co-post: :func:`distinct_post_pairs`.

Examples
--------
>>> import numpy as np
>>> post, key = np.array([0, 1, 2, 3]), np.array([7, 7, 7, 8])
>>> times = np.array([0, 30, 500, 0]) * 10**9
>>> outlet = np.array([0, 1, 2, 1])
>>> a, b, k = co_posts(post, key, times, outlet, 60 * 10**9)
>>> a.tolist(), b.tolist(), k.tolist()
([0], [1], [7])
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from amplify.analyze.errors import AnalysisError

__all__ = ["co_posts", "shared_content", "distinct_post_pairs", "MAX_ROWS"]

#: Co-posts (or shared-content post pairs) one call may return; more is refused with a clear message.
MAX_ROWS = 200_000_000


@njit(cache=True, parallel=True)
def _count_forward(key, t, acct, w, cnt):
    n = len(key)
    for i in prange(n):
        c = 0
        j = i + 1
        while j < n and key[j] == key[i] and t[j] - t[i] <= w:
            if acct[j] != acct[i]:
                c += 1
            j += 1
        cnt[i] = c


@njit(cache=True, parallel=True)
def _fill_forward(key, t, acct, w, start, out_i, out_j):
    n = len(key)
    for i in prange(n):
        k = start[i]
        j = i + 1
        while j < n and key[j] == key[i] and t[j] - t[i] <= w:
            if acct[j] != acct[i]:
                out_i[k] = i
                out_j[k] = j
                k += 1
            j += 1


def co_posts(post, key, times, outlet_of_post, within_ns: int):
    """Every pair of posts of two accounts that carry one key within ``within_ns`` of each other.

    Parameters
    ----------
    post, key : array of int64
        The (post, content key) rows.
    times, outlet_of_post : array of int64
        Per post (indexed by ``post``): time in nanoseconds, account code.
    within_ns : int

    Returns
    -------
    a, b, key : ndarray of int64
        Post indices (``a``'s account code below ``b``'s) and the key they share.
    """
    post = np.asarray(post, np.int64)
    key = np.asarray(key, np.int64)
    once = distinct_post_pairs(post, key)        # a post carries a key once
    post, key = post[once], key[once]
    t = np.asarray(times, np.int64)[post]
    acct = np.asarray(outlet_of_post, np.int64)[post]
    order = np.lexsort((post, t, key))
    k_s, t_s, a_s, p_s = key[order], t[order], acct[order], post[order]
    cnt = np.zeros(len(order), np.int64)
    if len(order):
        _count_forward(k_s, t_s, a_s, int(within_ns), cnt)
    total = int(cnt.sum())
    if total > MAX_ROWS:
        raise AnalysisError(f"{total:,} co-posts within the interval: more than {MAX_ROWS:,} "
                            "(a shorter --within, or --by with fewer shared contents)")
    start = np.zeros(len(order), np.int64)
    if len(cnt) > 1:
        np.cumsum(cnt[:-1], out=start[1:])
    oi, oj = np.empty(total, np.int64), np.empty(total, np.int64)
    if total:
        _fill_forward(k_s, t_s, a_s, int(within_ns), start, oi, oj)
    pa, pb = p_s[oi], p_s[oj]
    swap = a_s[oi] > a_s[oj]
    a = np.where(swap, pb, pa)
    b = np.where(swap, pa, pb)
    return a, b, k_s[oi]


def distinct_post_pairs(a, b, *group) -> np.ndarray:
    """Rows to keep so that each (``group``..., ``a``, ``b``) appears once: the first of each.

    >>> distinct_post_pairs([1, 1, 2], [5, 5, 5]).tolist()
    [0, 2]
    """
    a, b = np.asarray(a, np.int64), np.asarray(b, np.int64)
    if len(a) == 0:
        return np.zeros(0, np.int64)
    order = np.lexsort((b, a) + tuple(np.asarray(g, np.int64) for g in group[::-1]))
    cols = [np.asarray(g, np.int64)[order] for g in group] + [a[order], b[order]]
    new = np.ones(len(a), dtype=bool)
    same = np.ones(len(a) - 1, dtype=bool)
    for c in cols:
        same &= c[1:] == c[:-1]
    new[1:] = ~same
    return np.sort(order[new])


@njit(cache=True)
def _merge_pair(start, end, key, t, post, A, B, out_a, out_b, out_d, k, fill):
    """Merge the key-sorted rows of accounts A and B; count (fill=False) or write their shared-key post pairs."""
    i, ie = start[A], end[A]
    j, je = start[B], end[B]
    c = 0
    while i < ie and j < je:
        if key[i] < key[j]:
            i += 1
        elif key[i] > key[j]:
            j += 1
        else:
            kk = key[i]
            i2 = i
            while i2 < ie and key[i2] == kk:
                i2 += 1
            j2 = j
            while j2 < je and key[j2] == kk:
                j2 += 1
            if fill:
                for x in range(i, i2):
                    for y in range(j, j2):
                        out_a[k + c] = post[x]
                        out_b[k + c] = post[y]
                        out_d[k + c] = t[y] - t[x]
                        c += 1
            else:
                c += (i2 - i) * (j2 - j)
            i, j = i2, j2
    return c


@njit(cache=True, parallel=True)
def _count_pairs(start, end, key, t, post, A, B, cnt):
    dummy = np.empty(0, np.int64)
    for p in prange(len(A)):
        cnt[p] = _merge_pair(start, end, key, t, post, A[p], B[p], dummy, dummy, dummy, 0, False)


@njit(cache=True, parallel=True)
def _fill_pairs(start, end, key, t, post, A, B, offs, out_a, out_b, out_d):
    for p in prange(len(A)):
        _merge_pair(start, end, key, t, post, A[p], B[p], out_a, out_b, out_d, offs[p], True)


def shared_content(post, key, times, outlet_of_post, n_outlets: int, A, B):
    """Every pair of posts of accounts ``A[i]`` and ``B[i]`` that share a key, at any distance in time.

    Returns
    -------
    pair, a, b, d : ndarray of int64
        Index into ``A``/``B``, the two posts (``a`` of ``A[i]``), and
        ``t_b - t_a`` in nanoseconds; each post pair once (shared keys
        collapsed), sorted by ``pair``.
    """
    post = np.asarray(post, np.int64)
    key = np.asarray(key, np.int64)
    once = distinct_post_pairs(post, key)
    post, key = post[once], key[once]
    t_all = np.asarray(times, np.int64)
    acct = np.asarray(outlet_of_post, np.int64)[post]
    order = np.lexsort((t_all[post], key, acct))
    acct_s, key_s, post_s = acct[order], key[order], post[order]
    t_s = t_all[post_s]
    start = np.searchsorted(acct_s, np.arange(n_outlets), "left").astype(np.int64)
    end = np.searchsorted(acct_s, np.arange(n_outlets), "right").astype(np.int64)
    A = np.asarray(A, np.int64)
    B = np.asarray(B, np.int64)
    cnt = np.zeros(len(A), np.int64)
    if len(A):
        _count_pairs(start, end, key_s, t_s, post_s, A, B, cnt)
    total = int(cnt.sum())
    if total > MAX_ROWS:
        raise AnalysisError(f"{total:,} pairs of posts share a content among the pairs tested: more than "
                            f"{MAX_ROWS:,} (a higher --min-repeats tests fewer pairs)")
    offs = np.zeros(len(A), np.int64)
    if len(A) > 1:
        np.cumsum(cnt[:-1], out=offs[1:])
    a, b, d = np.empty(total, np.int64), np.empty(total, np.int64), np.empty(total, np.int64)
    if total:
        _fill_pairs(start, end, key_s, t_s, post_s, A, B, offs, a, b, d)
    pair = np.repeat(np.arange(len(A), dtype=np.int64), cnt)
    keep = distinct_post_pairs(a, b, pair)
    return pair[keep], a[keep], b[keep], d[keep]
