r"""Null models for the echoes between camps, and the statistics over their draws.

:func:`camp_synergy <amplify.analyze.synergy.camp_synergy>` compares the
echoes observed between two camps with what two null models give; both are
here, compiled, along with the statistics over their draws.

Label permutation (:func:`label_permutation_null`)
    The outlet-to-outlet count matrix :math:`C` is kept and the camp labels
    are shuffled across outlets: :math:`O^{(r)}_{XY} = \sum_{a,b} C_{ab}\,
    [\pi_r(a)=X]\,[\pi_r(b)=Y]` for permutation :math:`\pi_r`, the
    node-label permutation of QAP tests for dyadic data (Krackhardt 1988).
    The permutations are rows of an index array drawn with numpy (so a seed
    gives the same draws everywhere) and one compiled pass per row adds
    every pair's count to the cell of its permuted camps (rows in parallel).

Time shift (:func:`time_shift_null`)
    :math:`F_{XY}` counts the text families in which a post of camp ``Y``
    follows a post of camp ``X`` by at most the window :math:`W`; under the
    null every outlet's timeline is shifted circularly by its own random
    offset over the period :math:`T` (Holme & Saramäki 2012; a *timeline
    shift* in Gauvin et al. 2022). Families of up to :data:`SMALL_FAMILY`
    posts (nearly all) are compared pair by pair with the permutations
    innermost, branch-free, their flags in the bits of one integer per
    permutation; larger ones are sorted by shifted time and swept with a
    window.

Statistics (:func:`permutation_stats`, :func:`poisson_interval`)
    Over ``R`` draws: :math:`E = \overline{O^{(r)}}`, :math:`z = (O - E) /
    \operatorname{sd}_r O^{(r)}` and the one-sided Monte Carlo p-value
    :math:`p = (1 + \#\{r : O^{(r)} \ge O\}) / (1 + R)`, never zero (Phipson
    & Smyth 2010); and an approximate interval for a Poisson count (Byar's
    approximation; Breslow & Day 1987).

References
----------
In the order of the sections above:

.. [1] Krackhardt, D. (1988). Predicting with networks: nonparametric multiple
   regression analysis of dyadic data. *Social Networks* 10(4), 359--381.
.. [2] Holme, P. & Saramäki, J. (2012). Temporal networks. *Physics Reports*
   519(3), 97--125.
.. [3] Gauvin, L., Génois, M., Karsai, M., Kivelä, M., Takaguchi, T., Valdano, E.
   & Vestergaard, C. L. (2022). Randomized reference models for temporal
   networks. *SIAM Review* 64(4), 763--830.
.. [4] Phipson, B. & Smyth, G. K. (2010). Permutation p-values should never be
   zero. *Statistical Applications in Genetics and Molecular Biology* 9(1), 39.
.. [5] Breslow, N. E. & Day, N. E. (1987). *Statistical Methods in Cancer
   Research, Vol. II*. IARC (Byar's approximation, p. 69).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from amplify.analyze.errors import AnalysisError

__all__ = ["label_permutation_null", "permuted_label_counts", "time_shift_null", "permutation_stats",
           "poisson_interval", "SMALL_FAMILY", "distinct_relabellings", "pair_relabellings", "all_labellings"]


def distinct_relabellings(sizes) -> int:
    """How many distinct camp labellings a label permutation can give: the multinomial coefficient.

    With camps of sizes :math:`n_1, \\dots, n_K` over :math:`N = \\sum n_k`
    outlets, a permutation of the labels gives one of
    :math:`N! / (n_1! \\cdots n_K!)` labellings, all equally likely. A test
    that draws more permutations than that repeats labellings; its p-value
    cannot fall below one over this number (an exact int, however large).

    >>> distinct_relabellings([5, 5])      # two camps of five outlets
    252
    >>> distinct_relabellings([4, 4, 4, 3])
    15765750
    """
    total, out = 0, 1
    for n in sizes:
        n = int(n)
        total += n
        out *= math.comb(total, n)
    return out


def pair_relabellings(sizes, x: int, y: int) -> int:
    """Distinct labellings that can change the count from camp ``x`` to camp ``y``.

    The count :math:`O_{XY}` depends only on which outlets carry labels ``x``
    and ``y``; relabelling the other camps among themselves leaves it alone.
    So the smallest p-value the label test can give for ``x -> y`` is one over
    :math:`N! / (n_x!\\, n_y!\\, (N - n_x - n_y)!)` (for ``x == y``: one over
    :math:`\\binom{N}{n_x}`).

    >>> pair_relabellings([5, 5, 2], 0, 1), pair_relabellings([5, 5, 2], 0, 0)
    (16632, 792)
    """
    sizes = [int(n) for n in sizes]
    N = sum(sizes)
    if x == y:
        return math.comb(N, sizes[x])
    return math.comb(N, sizes[x]) * math.comb(N - sizes[x], sizes[y])


@njit(cache=True)
def _next_multiset_permutation(a) -> bool:
    # the next permutation in lexicographic order (repeated values give each distinct arrangement once)
    n = len(a)
    i = n - 2
    while i >= 0 and a[i] >= a[i + 1]:
        i -= 1
    if i < 0:
        return False
    j = n - 1
    while a[j] <= a[i]:
        j -= 1
    a[i], a[j] = a[j], a[i]
    a[i + 1:] = a[i + 1:][::-1].copy()
    return True


@njit(cache=True)
def _fill_labellings(first, out):
    a = first.copy()
    for r in range(out.shape[0]):
        out[r] = a
        _next_multiset_permutation(a)


def all_labellings(labels) -> np.ndarray:
    """Every distinct arrangement of ``labels`` across the outlets, one per row (lexicographic order).

    Used instead of random draws when there are no more distinct labellings
    than permutations asked (:func:`distinct_relabellings`): the test is then
    exact, the p-value the share of labellings at least as extreme.

    >>> all_labellings([1, 0, 0]).tolist()
    [[0, 0, 1], [0, 1, 0], [1, 0, 0]]
    """
    lab = np.sort(np.asarray(labels, dtype=np.int64))
    M = distinct_relabellings(np.bincount(lab)) if len(lab) else 1
    out = np.empty((M, len(lab)), dtype=np.int64)
    _fill_labellings(lab, out)
    return out


def label_permutation_null(a, b, w, labels, n_labels: int, *, permutations: int = 1000, seed=0,
                           cells=None, n_cells: int = 1, max_elements: int = 1 << 22, exact: bool = False):
    """Counts per (cell, label of a, label of b) under permutations of ``labels``.

    Parameters
    ----------
    a, b : array of int
        Outlet codes of each weighted pair (e.g. distinct outlet pairs).
    w : array of float
        Weight of each pair (its number of echoes).
    labels : array of int
        Camp code per outlet; permuted across outlets.
    n_labels : int
        Number of camps ``K``.
    permutations : int
        Number of permutations ``R``.
    seed : int or numpy.random.Generator
    cells : array of int, optional
        An extra index per pair (e.g. its period), ``0 .. n_cells - 1``.
    max_elements : int
        Memory bound: permutations are processed in chunks of this many
        ``(permutation, pair)`` elements.
    exact : bool
        Enumerate every distinct labelling (:func:`all_labellings`) instead of
        drawing ``permutations`` at random; then ``R`` is their number
        (:func:`distinct_relabellings`) and no random number is drawn.

    Returns
    -------
    observed : ndarray, shape (n_cells, K, K)
    null : ndarray of int64, shape (R, n_cells, K, K)

    Examples
    --------
    Two outlets per camp, echoes only inside camp 0:

    >>> import numpy as np
    >>> obs, null = label_permutation_null(np.array([0]), np.array([1]), np.array([5.0]),
    ...                                    np.array([0, 0, 1, 1]), 2, permutations=200, seed=1)
    >>> obs[0].tolist()
    [[5.0, 0.0], [0.0, 0.0]]
    >>> round(float(null[:, 0, 0, 0].mean() / 5), 1)  # P(both in camp 0) = 2/4 * 1/3
    0.2
    """
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    w = np.asarray(w, dtype=np.float64)
    labels = np.asarray(labels, dtype=np.int64)
    K = int(n_labels)
    cells = np.zeros(len(a), dtype=np.int64) if cells is None else np.asarray(cells, dtype=np.int64)
    size = n_cells * K * K
    base = cells * (K * K)
    observed = np.bincount(base + labels[a] * K + labels[b], weights=w, minlength=size).reshape(n_cells, K, K)
    wi = np.rint(w).astype(np.int64)
    if exact:
        labs = all_labellings(labels)
        return observed, permuted_label_counts(labs, a, b, wi, cells, K, n_cells)
    R = int(permutations)
    if R == 0 or len(a) == 0:
        return observed, np.zeros((R, n_cells, K, K), dtype=np.int64)
    # the permutations are rows of an index array (drawn in numpy, so a seed gives the same
    # draws everywhere); a compiled pass per row adds every pair's weight to its cell
    chunk = max(1, min(R, max_elements // max(len(labels), 1)))
    parts = []
    for start in range(0, R, chunk):
        c = min(chunk, R - start)
        labs = rng.permuted(np.broadcast_to(labels, (c, len(labels))), axis=1)
        parts.append(permuted_label_counts(np.ascontiguousarray(labs), a, b, wi, cells, K, n_cells))
    null = np.concatenate(parts, axis=0)
    return observed, null


@njit(cache=True, parallel=True)
def permuted_label_counts(labs, a, b, w, cells, K, n_cells):
    """The compiled pass of :func:`label_permutation_null`: counts per (row, cell, label of a, label of b).

    ``labs`` holds one permutation of the labels per row (shape ``(R, n_outlets)``);
    pair ``e`` adds ``w[e]`` to ``out[r, cells[e], labs[r, a[e]], labs[r, b[e]]]``.
    Returns an int64 array of shape ``(R, n_cells, K, K)``.
    """
    R = labs.shape[0]
    out = np.zeros((R, n_cells, K, K), dtype=np.int64)
    for r in prange(R):
        lab = labs[r]
        o = out[r]
        for e in range(len(a)):
            o[cells[e], lab[a[e]], lab[b[e]]] += w[e]
    return out


#: Families up to this size go to the all-pairs kernel (permutations innermost), larger ones are sorted.
SMALL_FAMILY = 20
#: The sort keys of the general kernel pack (shifted time << _POSITION_BITS) | position in the family,
#: so a family may hold up to 2**20 - 1 posts.
_POSITION_BITS = 20
_POSITION_MASK = (1 << _POSITION_BITS) - 1
#: Families up to this size are sorted by insertion (no allocation), larger ones by np.sort.
_INSERTION_SORT_MAX = 48
#: The all-pairs kernel keeps the (X, Y) flags of a family in the bits of one int64: K * K bits.
_FLAG_BITS = 63
#: The permutations of the all-pairs kernel are split in up to this many chunks, run in parallel.
_SMALL_CHUNKS = 8


@njit(cache=True)
def _sort_small(keys, s):
    # insertion sort of keys[:s]; families are small
    for i in range(1, s):
        v = keys[i]
        j = i - 1
        while j >= 0 and keys[j] > v:
            keys[j + 1] = keys[j]
            j -= 1
        keys[j + 1] = v


@njit(cache=True)
def _family_flags(fptr, ftimes, fout, fgrp, cptr, camps, shift_row, T, W, K, out, keys, cnt, flag):
    # keys pack (shifted time << _POSITION_BITS) | position in the family: one int64 sort, no indirection
    F = len(fptr) - 1
    for f in range(F):
        lo = fptr[f]
        s = fptr[f + 1] - lo
        if s == 2:  # most families: no sort, no window
            v = ftimes[lo] + shift_row[fout[lo]]
            t1 = v - T if v >= T else v
            v = ftimes[lo + 1] + shift_row[fout[lo + 1]]
            t2 = v - T if v >= T else v
            d = t2 - t1
            if 0 < d <= W:
                out[fgrp[lo], fgrp[lo + 1]] += 1
            elif 0 < -d <= W:
                out[fgrp[lo + 1], fgrp[lo]] += 1
            continue
        for j in range(s):
            v = ftimes[lo + j] + shift_row[fout[lo + j]]
            keys[j] = ((v - T if v >= T else v) << _POSITION_BITS) | j
        if s <= _INSERTION_SORT_MAX:
            _sort_small(keys, s)
        else:
            keys[:s] = np.sort(keys[:s])
        c0 = cptr[f]
        c1 = cptr[f + 1]
        left = 0
        j = 0
        while j < s:
            tj = keys[j] >> _POSITION_BITS
            k = j + 1
            while k < s and (keys[k] >> _POSITION_BITS) == tj:
                k += 1
            lim = tj - W
            while left < j and (keys[left] >> _POSITION_BITS) < lim:
                cnt[fgrp[lo + (keys[left] & _POSITION_MASK)]] -= 1
                left += 1
            if left < j:
                for m in range(j, k):
                    y = fgrp[lo + (keys[m] & _POSITION_MASK)]
                    for ci in range(c0, c1):
                        x = camps[ci]
                        if cnt[x] > 0:
                            flag[x, y] = True
            for m in range(j, k):
                cnt[fgrp[lo + (keys[m] & _POSITION_MASK)]] += 1
            j = k
        for ci in range(c0, c1):
            x = camps[ci]
            cnt[x] = 0
            for cj in range(c0, c1):
                y = camps[cj]
                if flag[x, y]:
                    out[x, y] += 1
                    flag[x, y] = False


@njit(cache=True, parallel=True)
def _small_kernel(fptr, ftimes, fout, fgrp, shiftsT, T, W, K, n_chunks):
    """Families of at most ``SMALL_FAMILY`` posts, permutations innermost (branch-free, SIMD-friendly).

    Every pair of posts of a family is compared under every shift at once; the
    (X, Y) flags of a family live in the bits of one int64 per permutation.
    """
    R = shiftsT.shape[1]
    out = np.zeros((R, K * K), dtype=np.int64)
    bounds = np.linspace(0, R, n_chunks + 1).astype(np.int64)
    F = len(fptr) - 1
    for c in prange(n_chunks):
        r0 = bounds[c]
        r1 = bounds[c + 1]
        n = r1 - r0
        tb = np.empty((SMALL_FAMILY, n), dtype=np.int64)
        mask = np.empty(n, dtype=np.int64)
        bits = np.empty(SMALL_FAMILY * SMALL_FAMILY, dtype=np.int64)
        for f in range(F):
            lo = fptr[f]
            s = fptr[f + 1] - lo
            for j in range(s):
                o = fout[lo + j]
                t = ftimes[lo + j]
                for r in range(n):
                    v = t + shiftsT[o, r0 + r]
                    tb[j, r] = v - T if v >= T else v
            mask[:] = 0
            nb = 0
            for i in range(s):
                gi = fgrp[lo + i]
                for j in range(i + 1, s):
                    gj = fgrp[lo + j]
                    bij = np.int64(1) << (gi * K + gj)
                    bji = np.int64(1) << (gj * K + gi)
                    bits[nb] = gi * K + gj
                    bits[nb + 1] = gj * K + gi
                    nb += 2
                    for r in range(n):
                        d = tb[j, r] - tb[i, r]
                        mask[r] |= (bij if (d > 0 and d <= W) else 0) | (bji if (d < 0 and -d <= W) else 0)
            # each distinct bit once
            for q in range(nb):
                b = bits[q]
                seen = False
                for q2 in range(q):
                    if bits[q2] == b:
                        seen = True
                        break
                if seen:
                    continue
                for r in range(n):
                    out[r0 + r, b] += (mask[r] >> b) & 1
    return out


@njit(cache=True, parallel=True)
def _shift_kernel(fptr, ftimes, fout, fgrp, cptr, camps, shifts, T, W, K, maxs):
    R = shifts.shape[0]
    out = np.zeros((R, K, K), dtype=np.int64)
    for r in prange(R):
        keys = np.empty(maxs, dtype=np.int64)
        cnt = np.zeros(K, dtype=np.int64)
        flag = np.zeros((K, K), dtype=np.bool_)
        _family_flags(fptr, ftimes, fout, fgrp, cptr, camps, shifts[r], T, W, K, out[r], keys, cnt, flag)
    return out


def time_shift_null(family, times_s, outlet, group, n_groups: int, *, window_s: int, period_s: int | None = None,
                    permutations: int = 1000, seed=0, n_outlets: int | None = None):
    """Families in which camp Y follows camp X within ``window_s``, observed and under timeline shifts.

    Parameters
    ----------
    family : array of int
        Family label of each post (-1: none); posts of one family need not be
        contiguous.
    times_s : array of int
        Post times in seconds.
    outlet, group : array of int
        Outlet code and camp code of each post.
    n_groups : int
    window_s : int
        ``W``: a post of Y within ``(0, W]`` seconds after a post of X.
    period_s : int, optional
        ``T``, the circle the timelines are shifted on (default: the span of
        ``times_s`` plus one second).
    permutations : int
    seed : int or numpy.random.Generator
    n_outlets : int, optional

    Returns
    -------
    observed : ndarray of int64, shape (K, K)
    null : ndarray of int64, shape (R, K, K)

    Examples
    --------
    One family: X at t=0, Y at t=10 s; window 60 s on a 1000 s circle.

    >>> import numpy as np
    >>> obs, null = time_shift_null(np.array([0, 0]), np.array([0, 10]), np.array([0, 1]),
    ...                             np.array([0, 1]), 2, window_s=60, period_s=1000, permutations=20000)
    >>> int(obs[0, 1]), int(obs[1, 0])
    (1, 0)

    Shifted, the two times are independent and uniform on [0, 1000): the gap
    lies in (0, 60] with probability 60/1000 - 60**2/(2 * 1000**2) = 0.0582.

    >>> abs(float(null[:, 0, 1].mean()) - 0.0582) < 0.005
    True
    """
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    family = np.asarray(family, dtype=np.int64)
    keep = family >= 0
    K = int(n_groups)
    R = int(permutations)
    if not keep.any():
        return np.zeros((K, K), np.int64), np.zeros((R, K, K), np.int64)
    fam, t, o, g = family[keep], np.asarray(times_s, np.int64)[keep], np.asarray(outlet, np.int64)[keep], \
        np.asarray(group, np.int64)[keep]
    order = np.argsort(fam, kind="stable")
    fam, t, o, g = fam[order], t[order], o[order], g[order]
    t0 = t.min()
    t = t - t0
    T = int(period_s) if period_s else int(t.max()) + 1
    T = max(T, int(t.max()) + 1)
    bounds = np.flatnonzero(np.r_[True, fam[1:] != fam[:-1], True])
    fptr = bounds.astype(np.int64)
    maxs = int(np.diff(fptr).max())
    if maxs >= 1 << _POSITION_BITS:
        raise AnalysisError(f"a text family of {maxs:,} posts is too large for the time-shift null")
    n_out = int(n_outlets if n_outlets is not None else o.max() + 1)
    sizes = np.diff(fptr)
    small = sizes <= SMALL_FAMILY
    use_small = K * K <= _FLAG_BITS
    # the camps present in each family (for the general kernel)
    fg = np.unique(np.c_[np.repeat(np.arange(len(fptr) - 1), sizes), g], axis=0)
    cptr = np.searchsorted(fg[:, 0], np.arange(len(fptr)), side="left").astype(np.int64)
    camps = fg[:, 1].astype(np.int64)

    def run(shifts):
        R_ = shifts.shape[0]
        if not use_small:
            return _shift_kernel(fptr, t, o, g, cptr, camps, shifts, np.int64(T), np.int64(window_s), K, maxs)
        res = np.zeros((R_, K, K), dtype=np.int64)
        if small.any():
            sel = np.repeat(small, sizes)
            sp = np.zeros(int(small.sum()) + 1, dtype=np.int64)
            np.cumsum(sizes[small], out=sp[1:])
            res += _small_kernel(sp, t[sel], o[sel], g[sel], np.ascontiguousarray(shifts.T), np.int64(T),
                                 np.int64(window_s), K, max(1, min(R_, _SMALL_CHUNKS))).reshape(R_, K, K)
        if (~small).any():
            big = np.flatnonzero(~small)
            sel = np.repeat(~small, sizes)
            bp = np.zeros(len(big) + 1, dtype=np.int64)
            np.cumsum(sizes[big], out=bp[1:])
            bc = np.zeros(len(big) + 1, dtype=np.int64)
            np.cumsum(cptr[big + 1] - cptr[big], out=bc[1:])
            bcamps = np.concatenate([camps[cptr[i]:cptr[i + 1]] for i in big])
            res += _shift_kernel(bp, t[sel], o[sel], g[sel], bc, bcamps, shifts, np.int64(T),
                                 np.int64(window_s), K, maxs)
        return res

    observed = run(np.zeros((1, n_out), dtype=np.int64))[0]
    if R == 0:
        return observed, np.zeros((0, K, K), np.int64)
    shifts = rng.integers(0, T, size=(R, n_out), dtype=np.int64)
    null = run(shifts)
    return observed, null


def poisson_interval(k, level: float = 0.95):
    """Approximate two-sided interval for a Poisson mean given count ``k`` (Byar's approximation).

    Lower :math:`k (1 - \\frac{1}{9k} - \\frac{z}{3\\sqrt{k}})^3` (0 when ``k = 0``), upper
    :math:`(k+1) (1 - \\frac{1}{9(k+1)} + \\frac{z}{3\\sqrt{k+1}})^3`; accurate to a few
    percent even for small ``k`` (Breslow & Day 1987).

    >>> lo, hi = poisson_interval(10)
    >>> round(float(lo), 2), round(float(hi), 2)   # exact: 4.80, 18.39
    (4.79, 18.39)
    """
    z = {0.9: 1.6448536269514722, 0.95: 1.959963984540054, 0.99: 2.5758293035489004}.get(level)
    if z is None:
        raise ValueError("level must be 0.9, 0.95 or 0.99")
    k = np.asarray(k, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        lo = np.where(k > 0, k * (1 - 1 / (9 * k) - z / (3 * np.sqrt(k))) ** 3, 0.0)
    k1 = k + 1
    hi = k1 * (1 - 1 / (9 * k1) + z / (3 * np.sqrt(k1))) ** 3
    return np.maximum(lo, 0.0), hi


def permutation_stats(observed, null, exact: bool = False):
    """Expected value, standard deviation, z-score and p-value of ``observed`` against null draws.

    :math:`E = \\overline{O^{(r)}}`, :math:`s` the sample standard deviation
    of the draws, :math:`z = (O - E) / s` (NaN where :math:`s = 0`) and the
    one-sided (upper) p-value :math:`(1 + \\#\\{r : O^{(r)} \\ge O\\}) / (1 + R)`.
    With ``exact`` the draws are the whole null distribution (every distinct
    labelling once, the observed one among them): :math:`s` is its standard
    deviation and :math:`p = \\#\\{r : O^{(r)} \\ge O\\} / R`.

    Parameters
    ----------
    observed : array
    null : array
        ``R`` draws along axis 0, each shaped like ``observed``.
    exact : bool
        ``null`` enumerates the null distribution instead of sampling it.

    Returns
    -------
    expected, sd, z, p : ndarray
        Shaped like ``observed``; all NaN when there are no draws.

    Examples
    --------
    >>> import numpy as np
    >>> exp, sd, z, p = permutation_stats(np.array(5.0), np.array([1.0, 2.0, 3.0]))
    >>> float(exp), float(sd), float(z), float(p)
    (2.0, 1.0, 3.0, 0.25)
    """
    R = null.shape[0]
    if R == 0:
        nan = np.full(np.shape(observed), np.nan)
        return nan, nan, nan, nan
    exp = null.mean(axis=0)
    if exact:
        sd = null.std(axis=0, ddof=0)
    else:
        sd = null.std(axis=0, ddof=1) if R > 1 else np.zeros_like(exp)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(sd > 0, (observed - exp) / np.where(sd > 0, sd, 1), np.nan)
    ge = (null >= np.asarray(observed)[None, ...] - 1e-9).sum(axis=0)
    p = ge / R if exact else (1.0 + ge) / (1.0 + R)
    return exp, sd, z, p
