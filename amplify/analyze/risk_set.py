r"""The post-level risk-set test: is an echo's source in camp X more often than X's share of what was published?

The label-permutation test (:mod:`amplify.analyze.nulls`) takes outlets as
its units, so with a dozen outlets it can never be sure of anything, however
many echoes they exchange. This test takes *echoes* as its units and asks,
given that a post echoed an earlier post, where the source came from --
against the posts that were actually there to be echoed.

Risk set
    For an echo whose target ``t`` (outlet :math:`o_t`, camp :math:`Y`) was
    published at :math:`\tau`, the *risk set* is every post of another
    reference outlet (active in the period, of a known camp and of the kinds
    chosen, whatever camps are compared) published in
    :math:`[\tau - W, \tau]`, :math:`W` the detection
    window: the posts the detector could have linked it to (for a
    co-publication, up to the end of the time unit both posts share; a
    platform repost older than the window adds its own source). Let
    :math:`n_e(c)` be how many of them are in camp :math:`c`.

The question
    For every ordered pair ``X -> Y``: given that a post of Y echoed a post
    of another outlet, is the source in X more often than X's share of the
    risk set, :math:`q_e(X) = n_e(X) / \sum_c n_e(c)` (the echoing outlet's
    own posts are not at risk, and not counted)? One question for every
    pair, within a camp and across camps: a camp that echoes mostly itself
    echoes another camp *less* than that camp's share, and the test says
    so. It is the question the corpus generator plants its camp lifts with
    (:mod:`amplify.synth`).

Null and statistic
    Under the null each echo's source is drawn from its own risk set,
    independently: the count :math:`O_{XY} = \sum_e w_e [\text{source}_e \in X]`
    is a weighted sum of independent Bernoulli variables with means
    :math:`q_e(X)` (a Poisson-binomial distribution; weights are 1, and ½ for
    each direction of a co-publication). Its mean is
    :math:`E = \sum_e w_e q_e`, its variance :math:`\sum_e w_e^2 q_e (1-q_e)`,
    :math:`z = (O - E)/\operatorname{sd}` and the one-sided p-value
    :math:`P(S \ge O)` is computed exactly by convolution
    (:func:`poisson_binomial_tail`) when that is cheap, and otherwise by the
    refined normal approximation with a skewness correction (Volkova 1996;
    Hong 2013), accurate when the variance is large, which is when the exact
    sum is costly. No random draws: the p-value has no Monte Carlo floor
    (only the float one, :data:`P_FLOOR`: it is never reported as zero).
    ``min_p`` is the smallest p-value the test can give, :math:`\prod_e q_e`
    (every echo from :math:`X`): when it is not below ``alpha``, the pair
    cannot be tested.

This is risk-set sampling as in relational event models (Butts 2008) and
nested case--control designs (Borgan, Goldstein & Langholz 1995): each echo
is a case, the posts at risk at its time are its controls; conditioning on
real publication times keeps every outlet's rhythm, its hours and days, and
its silences (an outlet of another year is never at risk). It treats echoes
as exchangeable given their risk sets: a significant result says the camp
echoes X more than X's share of what was published, not that many outlets
do; the outlet-level label test and the number of outlet pairs carrying the
echoes say that.

References
----------
.. [1] Butts, C. T. (2008). A relational event framework for social action.
   *Sociological Methodology* 38(1), 155--200.
.. [2] Borgan, Ø., Goldstein, L. & Langholz, B. (1995). Methods for the
   analysis of sampled cohort data in the Cox proportional hazards model.
   *Annals of Statistics* 23(5), 1749--1778.
.. [3] Volkova, A. Yu. (1996). A refinement of the central limit theorem for
   sums of independent random indicators. *Theory of Probability and its
   Applications* 40(4), 791--794.
.. [4] Hong, Y. (2013). On computing the distribution function for the Poisson
   binomial distribution. *Computational Statistics & Data Analysis* 59,
   41--51.

Examples
--------
Three camps; camp 2 echoes four times, each time from camp 0, while camps 0
and 1 each published one post in every window (and camp 2 only the echoing
post, which is not at risk):

>>> import numpy as np
>>> n = np.array([[1, 1, 1]] * 4)
>>> own = np.ones(4, np.int64)
>>> fig = risk_set_test(np.zeros(4, np.int64), np.full(4, 2), np.full(4, 2), n, own, 3)
>>> float(fig.observed[0, 2]), float(fig.expected[0, 2]), float(fig.p[0, 2])   # p = (1/2)**4
(4.0, 2.0, 0.0625)
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

__all__ = ["RiskSetFigures", "risk_set_counts", "risk_set_test", "poisson_binomial_tail", "EXACT_BUDGET", "P_FLOOR"]

#: The smallest p-value reported: a tail below the smallest positive float (it underflows) is shown as this.
P_FLOOR = float(np.finfo(np.float64).tiny)
#: The exact tail costs (echoes in the conditioning set) x (observed count in weight units) steps; above
#: this, the refined normal approximation (whose error then is far below any alpha worth using).
EXACT_BUDGET = 4_000_000


class RiskSetFigures(NamedTuple):
    """Per ordered pair of camps (source X, target Y), K x K arrays.

    ``observed``, ``expected``, ``sd``, ``z``, ``p`` as in the module
    documentation (echoes; ``p`` NaN where nothing can be tested); ``min_p``
    the smallest p-value reachable; ``base`` the echoes the pair's question
    is asked of (every echo into Y from another outlet); ``exact`` whether
    ``p`` is exact (else the refined normal approximation).
    """

    observed: np.ndarray
    expected: np.ndarray
    sd: np.ndarray
    z: np.ndarray
    p: np.ndarray
    min_p: np.ndarray
    base: np.ndarray
    exact: np.ndarray


@njit(cache=True)
def _count_in_slices(sorted_t, start, end, lo, hi):
    out = np.zeros(len(lo), dtype=np.int64)
    for e in range(len(lo)):
        a = start[e]
        b = end[e]
        if a >= b:
            continue
        sl = sorted_t[a:b]
        out[e] = np.searchsorted(sl, hi[e], side="right") - np.searchsorted(sl, lo[e], side="left")
    return out


def risk_set_counts(event_time, event_hi, event_src_time, event_src_group, event_tgt_outlet, post_time,
                    post_group, post_outlet, n_groups: int, n_outlets: int, window_ns: int):
    """Posts per camp in each echo's risk set, and those of the echo's own outlet.

    Parameters
    ----------
    event_time, event_hi : array of int64
        The target's time and the latest time a source could have (ns).
    event_src_time, event_src_group : array
        The actual source's time and camp (a source older than the window is added to its risk set).
    event_tgt_outlet : array of int
        The echoing outlet (its own posts are not at risk).
    post_time, post_group, post_outlet : array
        The posts of the outlets under test.
    n_groups, n_outlets : int
    window_ns : int
        ``W``.

    Returns
    -------
    counts : ndarray of int64, shape (n_events, n_groups)
        Posts of each camp in ``[time - W, hi]``, the actual source included.
    own : ndarray of int64, shape (n_events,)
        Of those, the posts of the echoing outlet itself.
    """
    lo = np.asarray(event_time, np.int64) - np.int64(window_ns)
    hi = np.asarray(event_hi, np.int64)
    E = len(lo)
    counts = np.zeros((E, int(n_groups)), dtype=np.int64)
    if E == 0:
        return counts, np.zeros(0, np.int64)
    pt = np.asarray(post_time, np.int64)
    pg = np.asarray(post_group, np.int64)
    po = np.asarray(post_outlet, np.int64)
    in_time_order = len(pt) < 2 or bool((pt[1:] >= pt[:-1]).all())   # a workspace's posts are

    def by(key):
        # (key, time) order: a stable sort on the key alone when the posts are in time order already
        return np.argsort(key, kind="stable") if in_time_order else np.lexsort((pt, key))

    order = by(pg)
    gs, ts = pg[order], pt[order]
    gstart = np.searchsorted(gs, np.arange(int(n_groups)), side="left")
    gend = np.searchsorted(gs, np.arange(int(n_groups)), side="right")
    for c in range(int(n_groups)):
        seg = ts[gstart[c]:gend[c]]
        if len(seg):
            counts[:, c] = np.searchsorted(seg, hi, side="right") - np.searchsorted(seg, lo, side="left")
    order = by(po)
    os_, to_ = po[order], pt[order]
    tgt_o = np.asarray(event_tgt_outlet, np.int64)
    ostart = np.searchsorted(os_, np.arange(int(n_outlets)), side="left")
    oend = np.searchsorted(os_, np.arange(int(n_outlets)), side="right")
    own = _count_in_slices(to_, ostart[tgt_o], oend[tgt_o], lo, hi)
    outside = np.asarray(event_src_time, np.int64) < lo
    if outside.any():
        np.add.at(counts, (np.flatnonzero(outside), np.asarray(event_src_group, np.int64)[outside]), 1)
    return counts, own


@njit(cache=True)
def poisson_binomial_tail(q, w, o):
    """:math:`P(\\sum_e w_e B_e \\ge o)` for independent :math:`B_e \\sim` Bernoulli(:math:`q_e`), exactly.

    ``w`` are positive integers (weights in units), ``o`` an integer. One
    pass over the events keeps the probability of every sum below ``o`` and
    the mass that has reached ``o`` (which can only stay there), so the cost
    is ``len(q) * o`` and a tiny tail keeps its precision.

    >>> import numpy as np
    >>> round(float(poisson_binomial_tail(np.array([0.5, 0.5, 0.5]), np.array([1, 1, 1]), 2)), 3)
    0.5
    """
    if o <= 0:
        return 1.0
    dist = np.zeros(o, dtype=np.float64)
    dist[0] = 1.0
    tail = 0.0
    top = 0
    for e in range(len(q)):
        qe = q[e]
        we = w[e]
        if qe <= 0.0:
            continue
        for s in range(max(o - we, 0), top + 1):
            tail += dist[s] * qe
        new_top = min(top + we, o - 1)
        for s in range(new_top, -1, -1):
            v = dist[s] * (1.0 - qe) if s <= top else 0.0
            if s - we >= 0 and s - we <= top:
                v += dist[s - we] * qe
            dist[s] = v
        top = new_top
    return min(tail, 1.0)


def _normal_tail(o, mu, var, k3, step):
    """Refined normal approximation of P(S >= o) (Volkova 1996), continuity-corrected by half a lattice step."""
    from math import erfc, exp, pi, sqrt

    if var <= 0:
        return 1.0 if o <= mu + 1e-9 else 0.0
    sd = sqrt(var)
    x = (o - step / 2.0 - mu) / sd
    gamma = k3 / sd ** 3
    phi = exp(-x * x / 2.0) / sqrt(2.0 * pi)
    upper = 0.5 * erfc(x / sqrt(2.0)) - gamma * (1.0 - x * x) * phi / 6.0
    return float(min(max(upper, 0.0), 1.0))


def _pair_figures(q, w_units, o_units, half: int):
    """Moments, p-value (exact when cheap) and smallest reachable p of one pair, in echo units."""
    w = w_units / half
    mu = float((w * q).sum())
    var = float((w * w * q * (1 - q)).sum())
    pos = q > 0
    min_p = float(np.exp(np.log(q[pos]).sum())) if pos.any() else 1.0
    exact = len(q) * max(int(o_units), 1) <= EXACT_BUDGET
    if exact:
        p = float(poisson_binomial_tail(q, w_units.astype(np.int64), int(o_units)))
    else:
        step = 1.0 / half if (w_units % half != 0).any() else 1.0
        k3 = float((w ** 3 * q * (1 - q) * (1 - 2 * q)).sum())
        p = _normal_tail(o_units / half, mu, var, k3, step)
    # a p-value is never zero: a tail below the smallest float is reported as that float
    return mu, var, max(p, P_FLOOR), max(min_p, P_FLOOR), exact


def risk_set_test(src_group, tgt_group, weight, counts, own, n_groups: int, *, half: int = 2) -> RiskSetFigures:
    """The risk-set test for every ordered pair of camps.

    Parameters
    ----------
    src_group, tgt_group : array of int
        Camp of each echo's source and target.
    weight : array of int
        Each echo's weight in units of ``1 / half`` echo.
    counts, own : ndarray
        From :func:`risk_set_counts`.
    n_groups : int
    half : int
        Weight units per echo.

    Returns
    -------
    RiskSetFigures
    """
    K = int(n_groups)
    sg = np.asarray(src_group, np.int64)
    tg = np.asarray(tgt_group, np.int64)
    wu = np.asarray(weight, np.int64)
    shape = (K, K)
    observed, expected, sd, z, p, min_p, base = (np.full(shape, np.nan) for _ in range(7))
    exact = np.zeros(shape, dtype=bool)
    total = counts.sum(axis=1)
    for y in range(K):
        into = np.flatnonzero(tg == y)
        observed[:, y] = 0.0
        base[:, y] = 0.0
        if len(into) == 0:
            continue
        # the echoing outlet's own posts are not at risk (an outlet echoing itself is not counted)
        n_y = counts[into].astype(np.float64)
        n_y[:, y] -= own[into]
        denom = (total[into] - own[into]).astype(np.float64)
        q_all = n_y / np.where(denom > 0, denom, 1.0)[:, None]
        w_y = wu[into]
        base[:, y] = w_y.sum() / half
        for x in range(K):
            q = np.clip(q_all[:, x], 0.0, 1.0)
            o_units = int(w_y[sg[into] == x].sum())
            observed[x, y] = o_units / half
            mu, var, pv, mp, ex = _pair_figures(q, w_y, o_units, half)
            expected[x, y], sd[x, y], p[x, y], min_p[x, y], exact[x, y] = mu, np.sqrt(var), pv, mp, ex
            z[x, y] = (observed[x, y] - mu) / np.sqrt(var) if var > 0 else np.nan
    return RiskSetFigures(observed, expected, sd, z, p, min_p, base, exact)
