r"""The nulls of coordinated posting: each account keeps its own activity, only the fine alignment goes.

Two nulls, both over the pairs of posts two accounts share a content in
(at any distance), with :math:`d = t_b - t_a`:

*Jitter* (:func:`jitter_null`, the default of
:func:`~amplify.analyze.coordination.coordination`). Every post is moved by
its own uniform offset in :math:`[-J, J]` (the *jitter*, 10 minutes by
default): each account keeps its volume, its bursts, its day and its
reaction to each story at the scale of :math:`J`; only what happens inside
that scale -- posting within seconds of the other -- is left to chance
(interval jitter, Date et al. 1998; Amarasingham et al. 2012). The
difference of two offsets is triangular on :math:`[-2J, 2J]`, so post pair
:math:`i` stays a co-post with probability :math:`\pi_i = P(|d_i + D| \le
w)`, and the count is a sum of independent Bernoulli draws (pairs of posts
sharing a post are taken as independent: a post counted in two co-posts of
one pair is rare), whose tail is computed exactly
(:func:`amplify.analyze.risk_set.poisson_binomial_tail`). Two busy accounts
that post the same viral items within the same hour get many :math:`\pi_i`
near :math:`w / J` and an expected count to match; a planted group posting
within seconds, item after item, does not.

*Timeline shift* (:func:`shift_null_exact`), below: it keeps less (the
accounts' alignment at every scale goes), so accounts that merely react to
the same stories within the hour look coordinated under it;
``null="shift"`` asks for it.

Two busy accounts that post the same viral items will now and then post one
within a minute of the other by chance. To tell that from coordination, each
pair's co-posts are compared with what the same two timelines give when one
is shifted against the other by a random offset: every post, every content
and every burst of each account is kept, only their alignment is broken (a
*timeline shift*; Holme & Saramäki 2012, Gauvin et al. 2022; the null of
coordinated link sharing in Giglietto et al. 2020 compares against the
accounts' own rates in the same spirit).

Time is taken as a circle of length :math:`T` (the period, plus the interval
and one unit, so that no observed co-post is made by the wrap), in steps of
the data's time unit :math:`u` (a second for most platforms). Shifting
account B by :math:`\delta` makes the post pair :math:`(a, b)` with
:math:`d = t_b - t_a` a co-post when :math:`|d + \delta| \le w`: an interval
of shifts. The count :math:`C(\delta)` is how many of the pair's
:math:`m` intervals (one per pair of posts sharing a content key, at any
distance) cover :math:`\delta`; one sweep over the :math:`2m` interval ends
gives its whole distribution over the :math:`T/u` shifts, so the null is
exact, with no random draws:

.. math::

    p = \Pr_\delta[C(\delta) \ge C(0)], \qquad
    E = \frac{1}{N}\sum_\delta C(\delta), \qquad z = \frac{C(0) - E}{\operatorname{sd}_\delta C}.

Independent uniform shifts of the two accounts give the same law as shifting
one of them, so this is the two-account timeline-shift null.
:func:`shift_null_draws` draws the shifts at random instead (seeded), for
checking the exact figures.

References
----------
.. [0] Date, A., Bienenstock, E. & Geman, S. (1998). On the temporal
   resolution of neural activity. Technical report, Brown University;
   Amarasingham, A., Harrison, M. T., Hatsopoulos, N. G. & Geman, S. (2012).
   Conditional modeling and the jitter method of spike resampling. *Journal
   of Neurophysiology* 107(2), 517--531.
.. [1] Holme, P. & Saramäki, J. (2012). Temporal networks. *Physics Reports*
   519(3), 97--125.
.. [2] Gauvin, L. et al. (2022). Randomized reference models for temporal
   networks. *SIAM Review* 64(4), 763--830.
.. [3] Giglietto, F., Righetti, N., Rossi, L. & Marino, G. (2020). It takes a
   village to manipulate the media: coordinated link sharing behavior during
   2018 and 2019 Italian elections. *Information, Communication & Society*
   23(6), 867--891.

Examples
--------
Two accounts that post three items 10 s apart, in a day of seconds:

>>> import numpy as np
>>> d = np.array([10, 10, 10]) * 10**9                  # t_b - t_a of the pairs sharing an item
>>> obs, p, mean, sd = shift_null_exact(np.array([0, 3]), d, 60 * 10**9, 10**9, 86_400 * 10**9)
>>> int(obs[0]), float(p[0]) == 121 / 86_400            # every shift within 60 s of -10 s keeps all three
(3, True)
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from amplify.analyze.risk_set import poisson_binomial_tail

__all__ = ["jitter_null", "jitter_probability", "shift_null_exact", "shift_null_draws", "benjamini_hochberg"]


def jitter_probability(d, within_ns: int, jitter_ns: int) -> np.ndarray:
    """Per pair of posts, the chance it is a co-post once both posts are jittered by U[-J, J].

    ``D = J_b - J_a`` is triangular on ``[-2J, 2J]``; the result is
    ``P(|d + D| <= w)``. With no jitter, 1 for ``|d| <= w``, else 0.

    >>> import numpy as np
    >>> jitter_probability(np.array([0, 10**13]), 60 * 10**9, 1800 * 10**9).round(4).tolist()
    [0.0331, 0.0]
    """
    d = np.asarray(d, np.float64)
    w = float(within_ns)
    J = float(jitter_ns)
    if J <= 0:
        return (np.abs(d) <= w).astype(np.float64)

    def cdf(x):  # triangular on [-2J, 2J]
        x = np.clip(x, -2 * J, 2 * J)
        left = (x + 2 * J) ** 2 / (8 * J * J)
        right = 1 - (2 * J - x) ** 2 / (8 * J * J)
        return np.where(x < 0, left, right)

    return np.clip(cdf(w - d) - cdf(-w - d), 0.0, 1.0)


@njit(cache=True, parallel=True)
def _jitter_tails(offsets, q, obs, p):
    for i in prange(len(offsets) - 1):
        s, e = offsets[i], offsets[i + 1]
        p[i] = poisson_binomial_tail(q[s:e], np.ones(e - s, np.int64), obs[i])


def jitter_null(offsets, d, within_ns: int, jitter_ns: int, half_unit_ns: int = 0):
    """The jitter null of every pair (module documentation).

    Parameters
    ----------
    offsets : array of int, shape (n_pairs + 1,)
        Pair ``i``'s post pairs are ``d[offsets[i]:offsets[i + 1]]``.
    d : array of int64
        ``t_b - t_a`` of every pair of posts sharing a content key, nanoseconds.
    within_ns, jitter_ns : int
        The interval :math:`w` and the jitter :math:`J`.
    half_unit_ns : int
        Half the time unit of the data: times on a lattice are co-posts
        within :math:`w` exactly when the continuous difference is within
        :math:`w + u/2` (continuity correction; needed for ``w = 0``).

    Returns
    -------
    observed, p, expected, sd : ndarray, shape (n_pairs,)

    Examples
    --------
    Five items posted 5 s apart, against five posted within the same hour (one of them within a minute):

    >>> import numpy as np
    >>> s = 10**9
    >>> d = np.array([5, 5, 5, 5, 5, 40, -1200, 900, 1500, -700]) * s
    >>> obs, p, mean, sd = jitter_null(np.array([0, 5, 10]), d, 60 * s, 1800 * s)
    >>> obs.tolist(), bool(p[0] < 1e-6), bool(p[1] > 0.01)
    ([5, 1], True, True)
    """
    offsets = np.asarray(offsets, np.int64)
    d = np.asarray(d, np.int64)
    n = len(offsets) - 1
    inside = (np.abs(d) <= within_ns).astype(np.int64)
    q = jitter_probability(d, within_ns + half_unit_ns, jitter_ns)
    obs = np.add.reduceat(inside, offsets[:-1]) if n and len(d) else np.zeros(n, np.int64)
    mean = np.add.reduceat(q, offsets[:-1]) if n and len(d) else np.zeros(n)
    var = np.add.reduceat(q * (1 - q), offsets[:-1]) if n and len(d) else np.zeros(n)
    empty = np.diff(offsets) == 0
    obs, mean, var = np.where(empty, 0, obs), np.where(empty, 0.0, mean), np.where(empty, 0.0, var)
    p = np.ones(n, np.float64)
    if n:
        _jitter_tails(offsets, q, obs.astype(np.int64), p)
    return obs.astype(np.int64), p, mean, np.sqrt(var)


@njit(cache=True)
def _pair_null(d, w, u, N):
    """Exact law of the co-post count of one pair over the N circular shifts (lattice unit u)."""
    m = len(d)
    pos = np.empty(4 * m, np.int64)
    step = np.empty(4 * m, np.int64)
    k = 0
    full = 0
    obs = 0
    for i in range(m):
        if abs(d[i]) <= w:
            obs += 1
        # shifts delta (in units) with |d + delta u| <= w
        lo = -((d[i] + w) // u)                 # ceil((-d - w) / u)
        hi = (w - d[i]) // u                    # floor((w - d) / u)
        length = hi - lo + 1
        if length <= 0:
            continue
        if length >= N:
            full += 1
            continue
        lo = lo % N
        end = lo + length                       # exclusive
        pos[k] = lo
        step[k] = 1
        k += 1
        if end <= N:
            pos[k] = end
            step[k] = -1
            k += 1
        else:
            pos[k] = 0
            step[k] = 1
            k += 1
            pos[k] = end - N
            step[k] = -1
            k += 1
    order = np.argsort(pos[:k], kind="mergesort")
    hist = np.zeros(m + 2, np.float64)
    cover = 0
    last = 0
    for j in range(k):
        e = order[j]
        if pos[e] > last:
            hist[cover] += pos[e] - last
            last = pos[e]
        cover += step[e]
    if N > last:
        hist[cover] += N - last
    p = 0.0
    mean = 0.0
    sq = 0.0
    for c in range(m + 2):
        f = hist[c] / N
        cc = c + full
        if cc >= obs:
            p += f
        mean += cc * f
        sq += cc * cc * f
    var = sq - mean * mean
    return obs, p, mean, np.sqrt(var) if var > 0 else 0.0


@njit(cache=True, parallel=True)
def _all_pairs(offsets, d, w, u, N, obs, p, mean, sd):
    for i in prange(len(offsets) - 1):
        o, pi, mi, si = _pair_null(d[offsets[i]:offsets[i + 1]], w, u, N)
        obs[i] = o
        p[i] = pi
        mean[i] = mi
        sd[i] = si


def shift_null_exact(offsets, d, within_ns: int, unit_ns: int, period_ns: int):
    """Exact timeline-shift null of every pair (module documentation).

    Parameters
    ----------
    offsets : array of int, shape (n_pairs + 1,)
        Pair ``i``'s post pairs are ``d[offsets[i]:offsets[i + 1]]``.
    d : array of int64
        ``t_b - t_a`` of every pair of posts sharing a content key, nanoseconds.
    within_ns, unit_ns, period_ns : int
        The interval :math:`w`, the time unit :math:`u` and the circle :math:`T`.

    Returns
    -------
    observed, p, expected, sd : ndarray, shape (n_pairs,)
    """
    offsets = np.asarray(offsets, np.int64)
    n = len(offsets) - 1
    obs, p = np.zeros(n, np.int64), np.zeros(n, np.float64)
    mean, sd = np.zeros(n, np.float64), np.zeros(n, np.float64)
    u = max(int(unit_ns), 1)
    N = max(-(-int(period_ns) // u), 1)
    if n:
        _all_pairs(offsets, np.asarray(d, np.int64), int(within_ns), u, N, obs, p, mean, sd)
    return obs, p, mean, sd


def shift_null_draws(offsets, d, within_ns: int, unit_ns: int, period_ns: int, *, permutations: int = 1000,
                     seed=0):
    """The same null by random shifts: per pair, the counts under ``permutations`` seeded draws.

    Returns an int64 array of shape ``(n_pairs, permutations)``; slow, for checks.

    >>> import numpy as np
    >>> draws = shift_null_draws(np.array([0, 2]), np.array([0, 5 * 10**9]), 60 * 10**9, 10**9, 3_600 * 10**9,
    ...                          permutations=2000, seed=1)
    >>> round(float((draws[0] >= 2).mean()), 2)        # about 116 of 3,600 shifts keep both
    0.03
    """
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    u = max(int(unit_ns), 1)
    N = max(-(-int(period_ns) // u), 1)
    T = N * u
    offsets = np.asarray(offsets, np.int64)
    d = np.asarray(d, np.int64)
    out = np.zeros((len(offsets) - 1, int(permutations)), np.int64)
    for i in range(len(offsets) - 1):
        di = d[offsets[i]:offsets[i + 1]]
        delta = rng.integers(0, N, size=int(permutations)) * u
        x = np.mod(di[None, :] + delta[:, None], T)
        x = np.minimum(x, T - x)                    # distance on the circle
        out[i] = (x <= within_ns).sum(axis=1)
    return out


def benjamini_hochberg(p) -> np.ndarray:
    """Benjamini--Hochberg adjusted p-values (q-values) of ``p``, in its order.

    >>> benjamini_hochberg([0.01, 0.04, 0.03, 0.5]).round(3).tolist()
    [0.04, 0.053, 0.053, 0.5]
    """
    p = np.asarray(p, np.float64)
    n = len(p)
    if n == 0:
        return p.copy()
    order = np.argsort(p, kind="stable")
    ranked = p[order] * n / np.arange(1, n + 1)
    q = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty(n, np.float64)
    out[order] = np.minimum(q, 1.0)
    return out
