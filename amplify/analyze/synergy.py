r"""Synergy between camps: do two camps echo each other more than chance?

For each ordered pair of camps ``X -> Y`` (read: *Y's outlets echo X's
posts*), :func:`camp_synergy` counts the echoes observed and compares them
with two null models, then combines both directions into a reciprocity
verdict, measures who leads, lists the narratives both camps carried, and
(optionally) repeats the figures per week or month.

Observed echoes
    :math:`O_{XY} = \sum_{a \in X} \sum_{b \in Y} C_{ab}`, where :math:`C_{ab}`
    is the number of links from a post of outlet ``a`` to a post of outlet
    ``b`` -- by default *parent* links only, so every echo counts once, from
    its most likely direct source (see :mod:`amplify.graph`). Links between
    posts with equal timestamps (``tie``) have no direction and are left out.

Null model 1 -- camp labels permuted across outlets
    The outlet-to-outlet count matrix :math:`C` is kept (so every outlet
    keeps its activity: the echoes it gives and receives, and to whom), and
    the camp labels are shuffled across outlets (so every camp keeps its
    number of outlets). Under this null an echo's camps are unrelated to the
    outlets' real camps. For permutation :math:`\pi_r`,
    :math:`O^{(r)}_{XY} = \sum_{a,b} C_{ab}\,[\pi_r(a)=X]\,[\pi_r(b)=Y]`, and

    .. math::

        E_{XY} = \overline{O^{(r)}_{XY}}, \quad
        z_{XY} = \frac{O_{XY} - E_{XY}}{\operatorname{sd}_r O^{(r)}_{XY}}, \quad
        p_{XY} = \frac{1 + \#\{r : O^{(r)}_{XY} \ge O_{XY}\}}{1 + R}

    (one-sided: synergy is *more* echoes than chance; the ``+1`` keeps a
    Monte Carlo p-value valid and never zero, Phipson & Smyth 2010). This is
    the node-label permutation of QAP tests for dyadic data (Krackhardt
    1988). It never loops over links: the links are first aggregated to
    distinct outlet pairs (the matrix :math:`C`), the permutations are rows of
    an index array drawn with numpy (so a seed gives the same draws
    everywhere), and one compiled pass per row adds every pair's count to the
    cell of its permuted camps (numba, rows in parallel).

Null model 2 -- time shift
    Text *families* are the connected components of the post graph (every
    post carrying one text, through any links). :math:`F_{XY}` counts the
    families in which a post of ``Y`` follows a post of ``X`` by at most the
    detection window :math:`W`. Under the null, every outlet's whole timeline
    is shifted circularly, by its own random offset, over the corpus period
    :math:`T` (Holme & Saramäki 2012; Gauvin et al. 2022 call this a timeline
    shift): each outlet keeps its activity pattern and the texts it carries,
    but the timing between outlets is random. The z-score and p-value are
    computed as above (``z_shift``, ``p_shift``). It asks whether the two
    camps carry the same texts *at the same time*, not weeks apart. Only
    cross-camp pairs are tested; families that do not span two camps are
    skipped (they cannot contribute). Families of up to 20 posts (nearly all)
    are compared pair by pair with the permutations innermost, branch-free,
    their flags in the bits of one integer per permutation; larger ones are
    sorted by shifted time and swept with a window.

Verdict
    A pair is ``significant`` when the observed count exceeds the expected,
    ``p < alpha`` and, when the time-shift null is run, ``p_shift < alpha``.
    Both directions significant is ``mutual`` amplification; one is
    ``one-way``. ``alpha`` applies per pair: with many camps, consider a
    Bonferroni correction (``alpha / n_pairs``).

Lead--lag
    For each pair of camps: the median ``lag_s`` of the echoes each way, and
    over the families both camps carried, which camp published first and the
    median delay from the first post of the leader to the first post of the
    other camp.

Trend
    With ``freq`` (``"W"``, ``"M"``, ``"D"``) the observed and expected counts
    are split by the period of the echo (its target's time); the same
    permutations give each period's expected count, a 95 % band of the null
    (2.5th--97.5th percentile) and the z-score and p-value. ``ratio`` is
    observed / expected with a 95 % interval from an approximate Poisson
    interval on the observed count (Byar's approximation; Breslow & Day
    1987), divided by the expected count.

References
----------
.. [1] Krackhardt, D. (1988). Predicting with networks: nonparametric multiple
   regression analysis of dyadic data. *Social Networks* 10(4), 359--381.
.. [2] Phipson, B. & Smyth, G. K. (2010). Permutation p-values should never be
   zero. *Statistical Applications in Genetics and Molecular Biology* 9(1), 39.
.. [3] Holme, P. & Saramäki, J. (2012). Temporal networks. *Physics Reports*
   519(3), 97--125.
.. [4] Gauvin, L., Génois, M., Karsai, M., Kivelä, M., Takaguchi, T., Valdano, E.
   & Vestergaard, C. L. (2022). Randomized reference models for temporal
   networks. *SIAM Review* 64(4), 763--830.
.. [5] Breslow, N. E. & Day, N. E. (1987). *Statistical Methods in Cancer
   Research, Vol. II*. IARC (Byar's approximation, p. 69).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numba import njit, prange

from amplify.analyze import AnalysisError, Frame, families, from_ns, matched_text, post_texts

__all__ = ["camp_synergy", "SynergyReport", "label_permutation_null", "time_shift_null", "poisson_interval"]


# --------------------------------------------------------------------------- nulls


def label_permutation_null(a, b, w, labels, n_labels: int, *, permutations: int = 1000, seed=0,
                           cells=None, n_cells: int = 1, max_elements: int = 1 << 22):
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
    R = int(permutations)
    if R == 0 or len(a) == 0:
        return observed, np.zeros((R, n_cells, K, K), dtype=np.int64)
    # the permutations are rows of an index array (drawn in numpy, so a seed gives the same
    # draws everywhere); a compiled pass per row adds every pair's weight to its cell
    chunk = max(1, min(R, max_elements // max(len(labels), 1)))
    parts = []
    wi = np.rint(w).astype(np.int64)
    for start in range(0, R, chunk):
        c = min(chunk, R - start)
        labs = rng.permuted(np.broadcast_to(labels, (c, len(labels))), axis=1)
        parts.append(_label_kernel(np.ascontiguousarray(labs), a, b, wi, cells, K, n_cells))
    null = np.concatenate(parts, axis=0)
    return observed, null


@njit(cache=True, parallel=True)
def _label_kernel(labs, a, b, w, cells, K, n_cells):
    R = labs.shape[0]
    out = np.zeros((R, n_cells, K, K), dtype=np.int64)
    for r in prange(R):
        lab = labs[r]
        o = out[r]
        for e in range(len(a)):
            o[cells[e], lab[a[e]], lab[b[e]]] += w[e]
    return out


#: Families up to this size go to the all-pairs kernel (permutations innermost), larger ones are sorted.
_SMALL = 20


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
    # keys pack (shifted time << 20) | position in the family: one int64 sort, no indirection
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
            keys[j] = ((v - T if v >= T else v) << 20) | j
        if s <= 48:
            _sort_small(keys, s)
        else:
            keys[:s] = np.sort(keys[:s])
        c0 = cptr[f]
        c1 = cptr[f + 1]
        left = 0
        j = 0
        while j < s:
            tj = keys[j] >> 20
            k = j + 1
            while k < s and (keys[k] >> 20) == tj:
                k += 1
            lim = tj - W
            while left < j and (keys[left] >> 20) < lim:
                cnt[fgrp[lo + (keys[left] & 0xFFFFF)]] -= 1
                left += 1
            if left < j:
                for m in range(j, k):
                    y = fgrp[lo + (keys[m] & 0xFFFFF)]
                    for ci in range(c0, c1):
                        x = camps[ci]
                        if cnt[x] > 0:
                            flag[x, y] = True
            for m in range(j, k):
                cnt[fgrp[lo + (keys[m] & 0xFFFFF)]] += 1
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
    """Families of at most ``_SMALL`` posts, permutations innermost (branch-free, SIMD-friendly).

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
        tb = np.empty((_SMALL, n), dtype=np.int64)
        mask = np.empty(n, dtype=np.int64)
        bits = np.empty(_SMALL * _SMALL, dtype=np.int64)
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
    if maxs >= 1 << 20:
        raise AnalysisError(f"a text family of {maxs:,} posts is too large for the time-shift null")
    n_out = int(n_outlets if n_outlets is not None else o.max() + 1)
    sizes = np.diff(fptr)
    small = sizes <= _SMALL
    use_small = K * K <= 63
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
                                 np.int64(window_s), K, max(1, min(R_, 8))).reshape(R_, K, K)
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


def _stats(observed, null):
    """Expected, sd, z, p (one-sided, upper) of observed against null draws (axis 0)."""
    R = null.shape[0]
    if R == 0:
        nan = np.full(np.shape(observed), np.nan)
        return nan, nan, nan, nan
    exp = null.mean(axis=0)
    sd = null.std(axis=0, ddof=1) if R > 1 else np.zeros_like(exp)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(sd > 0, (observed - exp) / np.where(sd > 0, sd, 1), np.nan)
    ge = (null >= np.asarray(observed)[None, ...] - 1e-9).sum(axis=0)
    p = (1.0 + ge) / (1.0 + R)
    return exp, sd, z, p


# --------------------------------------------------------------------------- report


@dataclass
class SynergyReport:
    """What :func:`camp_synergy` found.

    Attributes
    ----------
    pairs : DataFrame
        One row per ordered pair of camps ``source -> target`` (the target
        camp echoes the source camp): ``observed``, ``expected``, ``sd``,
        ``z``, ``p``, ``ratio`` (label-permutation null); ``families``,
        ``families_expected``, ``z_shift``, ``p_shift`` (time-shift null,
        cross-camp pairs only); ``significant``; ``lag_s_median``,
        ``lag_s_q25``, ``lag_s_q75`` of the echoes.
    reciprocity : DataFrame
        One row per unordered pair of distinct camps ``a``, ``b``: both
        directions' counts, z and p, ``status`` (``mutual``, ``one-way a->b``,
        ``one-way b->a``, ``none``), the median lag each way, the number of
        shared families, how many of them each camp published first,
        ``leader`` and ``lead_s_median`` (median delay from the leader's first
        post to the other camp's first post).
    narratives : DataFrame
        The families carried by at least two of the camps, most camps, then
        most outlets first: root post,
        first outlet and camp, times, posts and outlets per camp, root text.
    trend : DataFrame or None
        With ``freq``: per period and ordered pair, observed, expected, the
        null's 95 % band, z, p, ratio and its 95 % interval.
    settings : dict
    """

    pairs: pd.DataFrame
    reciprocity: pd.DataFrame
    narratives: pd.DataFrame
    trend: pd.DataFrame | None = None
    settings: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        """JSON-ready: every table as a list of records."""
        def rec(df):
            if df is None:
                return None
            import json
            return json.loads(df.to_json(orient="records", date_format="iso", force_ascii=False))
        return {"settings": self.settings, "pairs": rec(self.pairs), "reciprocity": rec(self.reciprocity),
                "narratives": rec(self.narratives), "trend": rec(self.trend)}

    def __str__(self) -> str:
        lines = []
        for r in self.reciprocity.itertuples(index=False):
            lines.append(f"{r.a}<->{r.b}: {r.status} ({r.a}->{r.b} {r.a_to_b:,} echoes, z={r.z_ab:.1f}, "
                         f"p={r.p_ab:.3g}; {r.b}->{r.a} {r.b_to_a:,}, z={r.z_ba:.1f}, p={r.p_ba:.3g})")
        return "\n".join(lines)


def _period_codes(times_ns: np.ndarray, freq: str):
    t = pd.to_datetime(times_ns, utc=True).tz_convert(None)
    per = pd.PeriodIndex(t, freq=freq) if len(t) else pd.PeriodIndex([], freq=freq)
    uniq = per.unique().sort_values()
    return pd.Index(uniq).get_indexer(per).astype(np.int64), uniq


def camp_synergy(links: pd.DataFrame, posts: pd.DataFrame, outlets: pd.DataFrame | None = None, *,
                 groups=None, permutations: int = 1000, time_shift: bool = True, window="7D", seed=0,
                 alpha: float = 0.01, freq: str | None = None, kinds=None, parents_only: bool = True,
                 since=None, until=None, top_narratives: int = 10, texts=None,
                 frame: Frame | None = None) -> SynergyReport:
    """Echoes between camps against two null models, reciprocity, lead-lag, shared narratives, trend.

    See the module documentation for the formulas.

    Parameters
    ----------
    links, posts, outlets : DataFrame
        Canonical tables (posts need ``post_id``, ``outlet``, ``published_at``;
        ``text`` if the narratives should show text).
    groups : list of str, optional
        Report only pairs among these camps (e.g. ``["RU", "CN"]``). The null
        models always use every camp.
    permutations : int
        Draws of each null model (``R``); the smallest p-value possible is
        ``1 / (R + 1)``.
    time_shift : bool
        Also run the time-shift null.
    window : str
        ``W`` for the time-shift statistic: the detection window (a pandas
        offset such as ``"7D"``).
    seed : int
        Seed of both nulls; the same seed gives the same figures.
    alpha : float
        Significance level per pair.
    freq : {"D", "W", "M"}, optional
        Also compute the figures per period (the ``trend`` table).
    kinds : list of str, optional
        Only links of these kinds.
    parents_only : bool
        Count each echo once, from its parent (default), or count every link.
    since, until : timestamp, optional
        Only echoes whose target lies in ``[since, until)``.
    top_narratives : int
        Rows of the narratives table.
    texts : DataFrame or Workspace, optional
        Where to read the narratives' root texts (default: ``posts`` if it has
        a ``text`` column).
    frame : Frame, optional
        A prebuilt :class:`~amplify.analyze.Frame` of the same tables.

    Returns
    -------
    SynergyReport

    Examples
    --------
    >>> from amplify.synth import generate
    >>> from amplify import detect
    >>> c = generate(n_posts=20000, seed=0)
    >>> links = detect(c.posts, c.outlets)
    >>> rep = camp_synergy(links, c.posts, c.outlets, groups=["RU", "CN"], permutations=1000, seed=0)
    >>> rep.reciprocity[["a", "b", "status"]].values.tolist()
    [['CN', 'RU', 'mutual']]
    >>> bool((rep.reciprocity[["p_ab", "p_ba"]] < 0.01).all(axis=None))
    True

    References
    ----------
    .. [1] Krackhardt (1988), Predicting with networks, *Social Networks* 10.
    .. [2] Phipson & Smyth (2010), Permutation p-values should never be zero.
    .. [3] Holme & Saramäki (2012), Temporal networks, *Physics Reports* 519.
    .. [4] Gauvin et al. (2022), Randomized reference models for temporal networks, *SIAM Review* 64.
    .. [5] Breslow & Day (1987), *Statistical Methods in Cancer Research II* (Byar's approximation).
    """
    f = frame if frame is not None else Frame.build(links, posts, outlets)
    K = len(f.groups)
    if K == 0 or f.n_posts == 0:
        raise AnalysisError("no posts: nothing to analyse")
    gnames = f.groups.tolist()
    if groups:
        unknown = [g for g in groups if g not in gnames]
        if unknown:
            raise AnalysisError(f"unknown camp(s) {unknown}; camps are {gnames}")
        show = [gnames.index(g) for g in groups]
    else:
        show = list(range(K))
    rng = np.random.default_rng(seed)
    mask = f.link_mask(parents_only=parents_only, kinds=kinds, since=since, until=until, no_ties=True)
    s_post, t_post = f.src[mask], f.tgt[mask]
    a = f.outlet_of_post[s_post]
    b = f.outlet_of_post[t_post]
    lag = f.links["lag_s"].to_numpy(dtype=np.float64)[mask]

    # distinct (period, a, b) with their counts
    if freq:
        cell, periods = _period_codes(f.times[t_post], freq)
        P = len(periods)
    else:
        cell, periods, P = np.zeros(len(a), np.int64), None, 1
    n_out = len(f.outlets)
    key = (cell * n_out + a) * n_out + b
    uk, cnt = np.unique(key, return_counts=True)
    ua, ub, uc = (uk // n_out) % n_out, uk % n_out, uk // (n_out * n_out)
    observed, null = label_permutation_null(ua, ub, cnt.astype(np.float64), f.group_of_outlet, K,
                                            permutations=permutations, seed=rng, cells=uc, n_cells=max(P, 1))
    obs_all = observed.sum(axis=0)
    null_all = null.sum(axis=1)
    exp, sd, z, p = _stats(obs_all, null_all)

    # time-shift null over families that span two of the camps shown
    fam_obs = np.full((K, K), np.nan)
    fam_exp = np.full((K, K), np.nan)
    z_sh = np.full((K, K), np.nan)
    p_sh = np.full((K, K), np.nan)
    fam_mask = f.link_mask(parents_only=parents_only, kinds=kinds, since=since, until=until)
    fam = families(f, fam_mask)
    gpost = f.group_of_post
    in_show = np.isin(gpost, show)
    fam_sel = np.where(in_show, fam, -1)
    span = _families_spanning(fam_sel, gpost, min_groups=2)
    fam_sel = np.where(span[np.maximum(fam_sel, 0)] & (fam_sel >= 0), fam_sel, -1)
    W = int(pd.Timedelta(window).total_seconds())
    if time_shift and (fam_sel >= 0).any():
        tsec = f.times // 1_000_000_000
        lo_t = to_seconds(since) if since is not None else int(tsec.min())
        hi_t = to_seconds(until) if until is not None else int(tsec.max()) + 1
        fo, fnull = time_shift_null(fam_sel, tsec, f.outlet_of_post, gpost, K, window_s=W,
                                    period_s=max(hi_t - lo_t, 1), permutations=permutations, seed=rng,
                                    n_outlets=n_out)
        e2, _, z2, p2 = _stats(fo, fnull)
        off = ~np.eye(K, dtype=bool)
        fam_obs[off], fam_exp[off], z_sh[off], p_sh[off] = fo[off], e2[off], z2[off], p2[off]

    # lags per ordered camp pair
    ga, gb = f.group_of_outlet[a], f.group_of_outlet[b]
    lag_tab = pd.DataFrame({"s": ga, "t": gb, "lag": lag}).groupby(["s", "t"])["lag"] \
        .quantile([0.25, 0.5, 0.75]).unstack() if len(lag) else pd.DataFrame(columns=[0.25, 0.5, 0.75])

    rows = []
    for x in show:
        for y in show:
            q = lag_tab.loc[(x, y)] if (x, y) in lag_tab.index else None
            sig = bool(obs_all[x, y] > exp[x, y] and p[x, y] < alpha
                       and (not time_shift or x == y or (np.isfinite(p_sh[x, y]) and p_sh[x, y] < alpha)))
            rows.append({
                "source": gnames[x], "target": gnames[y], "observed": int(round(obs_all[x, y])),
                "expected": round(float(exp[x, y]), 2), "sd": round(float(sd[x, y]), 2),
                "z": round(float(z[x, y]), 2), "p": float(p[x, y]),
                "ratio": round(float(obs_all[x, y] / exp[x, y]), 3) if exp[x, y] > 0 else np.nan,
                "families": float(fam_obs[x, y]), "families_expected": round(float(fam_exp[x, y]), 2),
                "z_shift": round(float(z_sh[x, y]), 2), "p_shift": float(p_sh[x, y]),
                "significant": sig,
                "lag_s_median": float(q[0.5]) if q is not None else np.nan,
                "lag_s_q25": float(q[0.25]) if q is not None else np.nan,
                "lag_s_q75": float(q[0.75]) if q is not None else np.nan,
            })
    pairs = pd.DataFrame(rows)
    pairs["families"] = pairs["families"].astype("Int64") if pairs["families"].notna().any() \
        else pairs["families"]

    reciprocity = _reciprocity(pairs, fam_sel, f, show)
    narratives = _narratives(fam_sel, f, show, top_narratives, texts if texts is not None else
                             (posts if "text" in posts.columns else None))
    trend = None
    if freq:
        trend = _trend(observed, null, periods, show, gnames, freq)
    settings = {"groups": [gnames[i] for i in show], "permutations": int(permutations), "time_shift": time_shift,
                "window": str(window), "seed": seed if isinstance(seed, int) else None, "alpha": alpha,
                "freq": freq, "kinds": list(kinds) if kinds else None, "parents_only": parents_only,
                "since": str(since) if since is not None else None,
                "until": str(until) if until is not None else None,
                "echoes": int(mask.sum()), "outlets": int(n_out)}
    return SynergyReport(pairs, reciprocity, narratives, trend, settings)


def to_seconds(ts) -> int:
    from amplify.analyze import to_ns
    return to_ns(ts) // 1_000_000_000


def _families_spanning(fam, gpost, min_groups=2) -> np.ndarray:
    """Boolean per family label: it holds posts of at least ``min_groups`` camps."""
    n_f = int(fam.max()) + 1 if (fam >= 0).any() else 0
    out = np.zeros(max(n_f, 1), dtype=bool)
    if n_f == 0:
        return out
    m = fam >= 0
    pairs = np.unique(np.c_[fam[m], gpost[m]], axis=0)
    n = np.bincount(pairs[:, 0], minlength=n_f)
    out[:n_f] = n >= min_groups
    return out


def _first_times(fam_sel, f: Frame):
    m = fam_sel >= 0
    df = pd.DataFrame({"fam": fam_sel[m], "g": f.group_of_post[m], "t": f.times[m]})
    return df.groupby(["fam", "g"])["t"].min().unstack()


def _reciprocity(pairs: pd.DataFrame, fam_sel, f: Frame, show) -> pd.DataFrame:
    gnames = f.groups.tolist()
    P = pairs.set_index(["source", "target"])
    first = _first_times(fam_sel, f) if (fam_sel >= 0).any() else pd.DataFrame()
    rows = []
    for i, x in enumerate(sorted(show, key=lambda k: gnames[k])):
        for y in sorted(show, key=lambda k: gnames[k])[i + 1:]:
            A, B = gnames[x], gnames[y]
            ab, ba = P.loc[(A, B)], P.loc[(B, A)]
            status = "mutual" if ab["significant"] and ba["significant"] else \
                f"one-way {A}->{B}" if ab["significant"] else f"one-way {B}->{A}" if ba["significant"] else "none"
            n_sh = a_first = b_first = 0
            lead_med = np.nan
            if x in first.columns and y in first.columns:
                both = first[[x, y]].dropna()
                n_sh = len(both)
                d = (both[y] - both[x]).to_numpy() / 1e9
                a_first, b_first = int((d > 0).sum()), int((d < 0).sum())
                lead_med = float(np.median(np.abs(d[d != 0]))) if (d != 0).any() else np.nan
            leader = A if a_first > b_first else B if b_first > a_first else None
            rows.append({"a": A, "b": B, "status": status,
                         "a_to_b": int(ab["observed"]), "z_ab": ab["z"], "p_ab": ab["p"],
                         "p_shift_ab": ab["p_shift"],
                         "b_to_a": int(ba["observed"]), "z_ba": ba["z"], "p_ba": ba["p"],
                         "p_shift_ba": ba["p_shift"],
                         "lag_s_median_ab": ab["lag_s_median"], "lag_s_median_ba": ba["lag_s_median"],
                         "shared_families": n_sh, "a_first": a_first, "b_first": b_first,
                         "leader": leader, "lead_s_median": lead_med})
    return pd.DataFrame(rows, columns=["a", "b", "status", "a_to_b", "z_ab", "p_ab", "p_shift_ab", "b_to_a",
                                       "z_ba", "p_ba", "p_shift_ba", "lag_s_median_ab", "lag_s_median_ba",
                                       "shared_families", "a_first", "b_first", "leader", "lead_s_median"])


def _narratives(fam_sel, f: Frame, show, top: int, texts) -> pd.DataFrame:
    cols = ["family", "root_id", "root_outlet", "root_group", "first_time", "last_time", "span_h", "posts",
            "outlets", "camps", "text"]
    m = np.flatnonzero(fam_sel >= 0)
    if len(m) == 0 or top <= 0:
        return pd.DataFrame(columns=cols)
    gnames = f.groups
    df = pd.DataFrame({"fam": fam_sel[m], "i": m, "t": f.times[m], "o": f.outlet_of_post[m],
                       "g": f.group_of_post[m]})
    size = df.groupby("fam").agg(posts=("i", "size"), outlets=("o", "nunique"), camps=("g", "nunique"))
    best = size.sort_values(["camps", "outlets", "posts"], ascending=False).head(top)
    sub = df[df["fam"].isin(best.index)].sort_values(["fam", "t", "i"])
    rows = []
    for fam_id, grp in sub.groupby("fam", sort=False):
        r = grp.iloc[0]
        per = grp.groupby("g").size().sort_values(ascending=False)
        rows.append({"family": int(fam_id), "root_id": f.post_ids[int(r["i"])],
                     "root_outlet": f.outlets[int(r["o"])], "root_group": gnames[int(r["g"])],
                     "first_time": from_ns(grp["t"].min()), "last_time": from_ns(grp["t"].max()),
                     "span_h": round((grp["t"].max() - grp["t"].min()) / 3.6e12, 1),
                     "posts": len(grp), "outlets": int(grp["o"].nunique()),
                     "camps": ", ".join(f"{gnames[int(g)]} {int(n)}" for g, n in per.items())})
    out = pd.DataFrame(rows)
    out = out.set_index("family").loc[best.index.intersection(out["family"])].reset_index()
    out = out.sort_values(["outlets", "posts", "first_time"], ascending=[False, False, True]).reset_index(drop=True)
    out["text"] = None
    if texts is not None and len(out):
        tx = post_texts(texts, out["root_id"])
        out["text"] = [matched_text(tx.get(i), 0, 10**9, limit=200) for i in out["root_id"]]
    return out[cols]


def _trend(observed, null, periods, show, gnames, freq) -> pd.DataFrame:
    # observed: (P, K, K); null: (R, P, K, K)
    exp, sd, z, p = _stats(observed, null)
    R = null.shape[0]
    if R:
        lo = np.percentile(null, 2.5, axis=0)
        hi = np.percentile(null, 97.5, axis=0)
    else:
        lo = hi = np.full(observed.shape, np.nan)
    rlo, rhi = poisson_interval(observed)
    rows = []
    for pi, per in enumerate(periods):
        for x in show:
            for y in show:
                e = exp[pi, x, y]
                o = observed[pi, x, y]
                rows.append({
                    "period": str(per), "start": per.start_time.tz_localize("UTC"),
                    "source": gnames[x], "target": gnames[y], "observed": int(round(o)),
                    "expected": round(float(e), 2), "null_lo": float(lo[pi, x, y]), "null_hi": float(hi[pi, x, y]),
                    "z": round(float(z[pi, x, y]), 2), "p": float(p[pi, x, y]),
                    "ratio": round(float(o / e), 3) if e > 0 else np.nan,
                    "ratio_lo": round(float(rlo[pi, x, y] / e), 3) if e > 0 else np.nan,
                    "ratio_hi": round(float(rhi[pi, x, y] / e), 3) if e > 0 else np.nan,
                })
    return pd.DataFrame(rows)
