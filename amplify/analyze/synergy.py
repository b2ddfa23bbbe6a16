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

from typing import NamedTuple

import numpy as np
import pandas as pd

from amplify.analyze.errors import AnalysisError, user_time_ns
from amplify.analyze.text_families import families
from amplify.analyze.frame import Frame
from amplify.analyze.nulls import label_permutation_null, permutation_stats, poisson_interval, time_shift_null
from amplify.analyze.synergy_report import SynergyReport, narratives_table, reciprocity_table, trend_table

# The nulls and the report have their own modules; they are also importable from here, where they were first
# written.
__all__ = ["camp_synergy", "SynergyReport", "label_permutation_null", "time_shift_null", "poisson_interval"]

#: Quantiles of the echoes' lags reported per pair of camps.
_LAG_QUANTILES = [0.25, 0.5, 0.75]


class _Figures(NamedTuple):
    """A count per ordered pair of camps (K x K) against a null: observed, expected, sd, z, p."""

    observed: np.ndarray
    expected: np.ndarray
    sd: np.ndarray
    z: np.ndarray
    p: np.ndarray


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
    >>> from amplify.detect import detect
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

    observed, null, periods = _label_null(f, a, b, f.times[t_post], freq, permutations, rng)
    obs_all = observed.sum(axis=0)
    label = _Figures(obs_all, *permutation_stats(obs_all, null.sum(axis=1)))

    # time-shift null over families that span two of the camps shown
    fam_mask = f.link_mask(parents_only=parents_only, kinds=kinds, since=since, until=until)
    fam_sel = _families_shown(f, families(f, fam_mask), show)
    shift = _time_shift(f, fam_sel, window=window, since=since, until=until, permutations=permutations, rng=rng,
                        run=time_shift)

    # lags per ordered camp pair
    ga, gb = f.group_of_outlet[a], f.group_of_outlet[b]
    lag_tab = pd.DataFrame({"s": ga, "t": gb, "lag": lag}).groupby(["s", "t"])["lag"] \
        .quantile(_LAG_QUANTILES).unstack() if len(lag) else pd.DataFrame(columns=_LAG_QUANTILES)
    pairs = _pairs_table(gnames, show, label, shift, lag_tab, alpha=alpha, time_shift=time_shift)

    reciprocity = reciprocity_table(pairs, fam_sel, f, show)
    narratives = narratives_table(fam_sel, f, top_narratives, texts if texts is not None else
                                  (posts if "text" in posts.columns else None))
    trend = None
    if freq:
        trend = trend_table(observed, null, periods, show, gnames)
    settings = {"groups": [gnames[i] for i in show], "permutations": int(permutations), "time_shift": time_shift,
                "window": str(window), "seed": seed if isinstance(seed, int) else None, "alpha": alpha,
                "freq": freq, "kinds": list(kinds) if kinds else None, "parents_only": parents_only,
                "since": str(since) if since is not None else None,
                "until": str(until) if until is not None else None,
                "echoes": int(mask.sum()), "outlets": int(len(f.outlets))}
    return SynergyReport(pairs, reciprocity, narratives, trend, settings)


def _period_codes(times_ns: np.ndarray, freq: str):
    t = pd.to_datetime(times_ns, utc=True).tz_convert(None)
    per = pd.PeriodIndex(t, freq=freq) if len(t) else pd.PeriodIndex([], freq=freq)
    uniq = per.unique().sort_values()
    return pd.Index(uniq).get_indexer(per).astype(np.int64), uniq


def _label_null(f: Frame, a, b, target_times, freq, permutations: int, rng):
    """Echoes per (period, camp pair) observed and under label permutations, from the echoes' outlets.

    Returns ``observed`` (P, K, K), ``null`` (R, P, K, K) and the periods
    (None without ``freq``: then P = 1).
    """
    # distinct (period, a, b) with their counts
    if freq:
        cell, periods = _period_codes(target_times, freq)
        P = len(periods)
    else:
        cell, periods, P = np.zeros(len(a), np.int64), None, 1
    n_out = len(f.outlets)
    key = (cell * n_out + a) * n_out + b
    uk, cnt = np.unique(key, return_counts=True)
    ua, ub, uc = (uk // n_out) % n_out, uk % n_out, uk // (n_out * n_out)
    observed, null = label_permutation_null(ua, ub, cnt.astype(np.float64), f.group_of_outlet, len(f.groups),
                                            permutations=permutations, seed=rng, cells=uc, n_cells=max(P, 1))
    return observed, null, periods


def _families_shown(f: Frame, fam, show) -> np.ndarray:
    """The family of each post, -1 unless the post is of a camp shown and its family spans two of them."""
    gpost = f.group_of_post
    in_show = np.isin(gpost, show)
    fam_sel = np.where(in_show, fam, -1)
    span = _families_spanning(fam_sel, gpost, min_groups=2)
    return np.where(span[np.maximum(fam_sel, 0)] & (fam_sel >= 0), fam_sel, -1)


def _time_shift(f: Frame, fam_sel, *, window, since, until, permutations: int, rng, run: bool) -> _Figures:
    """The time-shift null's figures per ordered pair of distinct camps (NaN where it was not run)."""
    K = len(f.groups)
    fam_obs = np.full((K, K), np.nan)
    fam_exp = np.full((K, K), np.nan)
    sd_sh = np.full((K, K), np.nan)
    z_sh = np.full((K, K), np.nan)
    p_sh = np.full((K, K), np.nan)
    W = _window_seconds(window)
    if run and (fam_sel >= 0).any():
        tsec = f.times // 1_000_000_000
        lo_t = to_seconds(since) if since is not None else int(tsec.min())
        hi_t = to_seconds(until) if until is not None else int(tsec.max()) + 1
        fo, fnull = time_shift_null(fam_sel, tsec, f.outlet_of_post, f.group_of_post, K, window_s=W,
                                    period_s=max(hi_t - lo_t, 1), permutations=permutations, seed=rng,
                                    n_outlets=len(f.outlets))
        e2, s2, z2, p2 = permutation_stats(fo, fnull)
        off = ~np.eye(K, dtype=bool)
        fam_obs[off], fam_exp[off], sd_sh[off], z_sh[off], p_sh[off] = fo[off], e2[off], s2[off], z2[off], p2[off]
    return _Figures(fam_obs, fam_exp, sd_sh, z_sh, p_sh)


def _pairs_table(gnames, show, label: _Figures, shift: _Figures, lag_tab, *, alpha: float,
                 time_shift: bool) -> pd.DataFrame:
    """One row per ordered pair of the camps shown: both nulls' figures, the verdict, the lags."""
    obs_all, exp, sd, z, p = label
    rows = []
    for x in show:
        for y in show:
            q = lag_tab.loc[(x, y)] if (x, y) in lag_tab.index else None
            sig = bool(obs_all[x, y] > exp[x, y] and p[x, y] < alpha
                       and (not time_shift or x == y or (np.isfinite(shift.p[x, y]) and shift.p[x, y] < alpha)))
            rows.append({
                "source": gnames[x], "target": gnames[y], "observed": int(round(obs_all[x, y])),
                "expected": round(float(exp[x, y]), 2), "sd": round(float(sd[x, y]), 2),
                "z": round(float(z[x, y]), 2), "p": float(p[x, y]),
                "ratio": round(float(obs_all[x, y] / exp[x, y]), 3) if exp[x, y] > 0 else np.nan,
                "families": float(shift.observed[x, y]), "families_expected": round(float(shift.expected[x, y]), 2),
                "z_shift": round(float(shift.z[x, y]), 2), "p_shift": float(shift.p[x, y]),
                "significant": sig,
                "lag_s_median": float(q[0.5]) if q is not None else np.nan,
                "lag_s_q25": float(q[0.25]) if q is not None else np.nan,
                "lag_s_q75": float(q[0.75]) if q is not None else np.nan,
            })
    pairs = pd.DataFrame(rows)
    pairs["families"] = pairs["families"].astype("Int64") if pairs["families"].notna().any() \
        else pairs["families"]
    return pairs


def _window_seconds(window) -> int:
    """The time-shift window (a pandas offset such as ``"7D"``) in whole seconds."""
    try:
        return int(pd.Timedelta(window).total_seconds())
    except ValueError as exc:
        raise AnalysisError(str(exc)) from exc


def to_seconds(ts) -> int:
    """A time (naive = UTC) as whole seconds since the epoch; :class:`AnalysisError` if unreadable."""
    return user_time_ns(ts) // 1_000_000_000


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
