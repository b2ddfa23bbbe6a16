r"""Synergy between camps: do two camps echo each other more than chance?

For each ordered pair of camps ``X -> Y`` (read: *Y's outlets echo X's
posts*), :func:`camp_synergy` counts the echoes observed and asks two tests
whether there are more than chance gives -- one with echoes as its units, one
with outlets -- then combines both directions into a reciprocity verdict,
measures who leads, lists the narratives both camps carried, and (optionally)
repeats the figures per week or month.

What is tested (:mod:`amplify.analyze.synergy_scope`)
    Only the outlets *under test*: active in the analysed period (a post in
    ``[since, until)``), of a known camp (outlets missing from the outlets
    table, camp ``unknown``, are left out unless asked for), of the outlet
    kinds and camps chosen. Outlets of other years, or silent in the period,
    never change an answer. The post-level test's risk sets hold the posts of
    every active, known outlet of the kinds chosen, whatever camps are shown,
    so a pair's answer does not change with ``groups``. Pairs of camps that
    never publish within one window of each other are not tested, nor pairs
    whose camps mostly publish at different times (less than
    :data:`~amplify.analyze.synergy_scope.MIN_OVERLAP_SHARE` of a camp's posts
    within one window of the period both publish in).

Observed echoes (:mod:`amplify.analyze.echo_events`)
    :math:`O_{XY}`: echoes from a post of X to a post of Y, by default
    *parent* links only, so every echo counts once, from its most likely
    direct source. Links whose order is unknown -- equal timestamps, or one
    day for an outlet that gives dates without times
    (:mod:`amplify.analyze.resolution`) -- count as undirected
    co-publications, half an echo each way (``ties=False`` leaves them out).
    Links within one outlet do not count.

Test 1, post level: the risk-set test (:mod:`amplify.analyze.risk_set`)
    Given that a post of Y echoed an earlier post of another camp, is the
    source in X more often than X's share of the other camps' posts actually
    published in the window before it? Each echo's candidates are the posts
    at risk at its time (a conditional null over real publication times);
    the count is a Poisson-binomial variable whose tail is computed exactly
    (Butts 2008; Borgan, Goldstein & Langholz 1995). Columns ``post_*``. For
    ``X = Y``: does Y echo its own camp more than its share of the risk set?
    It has power at the scale of a dozen outlets; it treats echoes as
    exchangeable given their risk sets, so the number of outlet pairs that
    carry them (``outlet_pairs``) is reported beside it.

Test 2, outlet level: the label-permutation test (:mod:`amplify.analyze.nulls`)
    The outlet-to-outlet count matrix is kept and the camp labels are
    shuffled across the outlets under test of the camps chosen (``groups``):
    do outlets of X and Y echo each other more than outlets with random
    labels do (the node-label permutation of QAP, Krackhardt 1988)? Columns
    ``expected``, ``sd``, ``z``, ``p``; p-values are
    :math:`(1 + \#\{r : O^{(r)} \ge O\}) / (1 + R)` (Phipson & Smyth 2010).
    With :math:`N` outlets in camps of sizes :math:`n_k` there are only
    :math:`N! / \prod n_k!` distinct labellings; when that is not more than
    the permutations asked, every one is enumerated and the test is exact
    (``settings["label_exact"]``); ``label_min_p`` is the smallest p-value
    reachable for the pair, :math:`n_x!\,n_y!\,(N-n_x-n_y)!/N!`, and
    ``label_reach_p`` the smallest these outlets' echoes allow (the p of the
    most echoes X's outlets give or Y's receive). With few outlets it cannot
    be significant, however many echoes they exchange.

Test 3, families: the time-shift test
    :math:`F_{XY}` counts text families in which a post of Y follows a post
    of X within the window :math:`W`; under the null every outlet's timeline
    is shifted circularly by its own random offset over the period (Holme &
    Saramäki 2012; Gauvin et al. 2022). Columns ``families``,
    ``families_expected``, ``z_shift``, ``p_shift``. When the period is under
    four windows, shifting hardly moves posts apart and a warning says so.

Verdict (``significant``, ``tested_by``)
    A cross-camp pair is significant when the risk-set test says so
    (``post_p < alpha`` and more echoes than expected). Where the risk-set
    test cannot reach ``alpha`` (too few echoes, or only two camps under test,
    so every foreign source is the other camp), the label test decides, with
    the time-shift test when it is run and informative. Where neither can,
    the pair is *not testable*, and says why. Both directions significant is
    ``mutual``; one is ``one-way``. ``alpha`` applies per pair: with many
    camps, consider ``alpha / n_pairs``. Within a camp (``X = Y``), the same
    rule on the within-camp question. The warnings
    (:mod:`amplify.analyze.synergy_warnings`) name every question that could
    not be answered and every disagreement between the tests.

Lead--lag and trend
    For each pair of camps: the median ``lag_s`` of the directed echoes each
    way, and over the families both camps carried, which camp published first
    and the median delay. With ``freq`` (``"W"``, ``"M"``, ``"D"``) the
    label-test figures per period, with the null's 95 % band and observed /
    expected with a 95 % interval (Byar's approximation; Breslow & Day 1987).

References
----------
.. [1] Butts, C. T. (2008). A relational event framework for social action.
   *Sociological Methodology* 38(1), 155--200.
.. [2] Borgan, Ø., Goldstein, L. & Langholz, B. (1995). Methods for the
   analysis of sampled cohort data in the Cox proportional hazards model.
   *Annals of Statistics* 23(5), 1749--1778.
.. [3] Krackhardt, D. (1988). Predicting with networks: nonparametric multiple
   regression analysis of dyadic data. *Social Networks* 10(4), 359--381.
.. [4] Phipson, B. & Smyth, G. K. (2010). Permutation p-values should never be
   zero. *Statistical Applications in Genetics and Molecular Biology* 9(1), 39.
.. [5] Holme, P. & Saramäki, J. (2012). Temporal networks. *Physics Reports*
   519(3), 97--125.
.. [6] Gauvin, L., Génois, M., Karsai, M., Kivelä, M., Takaguchi, T., Valdano, E.
   & Vestergaard, C. L. (2022). Randomized reference models for temporal
   networks. *SIAM Review* 64(4), 763--830.
.. [7] Breslow, N. E. & Day, N. E. (1987). *Statistical Methods in Cancer
   Research, Vol. II*. IARC (Byar's approximation, p. 69).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import pandas as pd

from amplify.analyze.echo_events import HALF, EchoEvents, echo_events
from amplify.analyze.errors import AnalysisError, check_alpha, user_time_ns
from amplify.analyze.frame import Frame
from amplify.analyze.nulls import (distinct_relabellings, label_permutation_null, pair_relabellings,
                                   permutation_stats, poisson_interval, time_shift_null)
from amplify.analyze.resolution import post_resolution
from amplify.analyze.risk_set import RiskSetFigures, risk_set_counts, risk_set_test
from amplify.analyze.synergy_report import (TESTS, SynergyReport, narratives_table, reciprocity_table,
                                            trend_table)
from amplify.analyze.synergy_scope import Scope, camp_overlaps, camps_meet, synergy_scope
from amplify.analyze.synergy_warnings import SHIFT_MIN_WINDOWS, synergy_warnings
from amplify.analyze.text_families import families

# The nulls and the report have their own modules; they are also importable from here, where they were first
# written.
__all__ = ["camp_synergy", "SynergyReport", "label_permutation_null", "time_shift_null", "poisson_interval",
           "DEFAULT_PERMUTATIONS"]

#: Draws of the label-permutation and time-shift nulls, the same for every command (synergy, summary, report).
DEFAULT_PERMUTATIONS = 1000
#: Quantiles of the echoes' lags reported per pair of camps.
_LAG_QUANTILES = [0.25, 0.5, 0.75]


class _Figures(NamedTuple):
    """A count per ordered pair of camps (K x K) against a null: observed, expected, sd, z, p."""

    observed: np.ndarray
    expected: np.ndarray
    sd: np.ndarray
    z: np.ndarray
    p: np.ndarray


class _Label(NamedTuple):
    figures: _Figures
    observed: np.ndarray       # (P, K, K)
    null: np.ndarray           # (R, P, K, K)
    echoes: float              # echoes between outlets under test
    min_p: np.ndarray          # (K, K) smallest p the labellings allow
    reach_p: np.ndarray        # (K, K) smallest p these outlets' echoes allow
    relabellings: int
    draws: int
    exact: bool


def camp_synergy(links: pd.DataFrame, posts: pd.DataFrame, outlets: pd.DataFrame | None = None, *,
                 groups=None, permutations: int = DEFAULT_PERMUTATIONS, time_shift: bool = True, window="7D",
                 seed=0, alpha: float = 0.01, freq: str | None = None, kinds=None, parents_only: bool = True,
                 since=None, until=None, top_narratives: int = 10, texts=None, frame: Frame | None = None,
                 outlet_kinds=None, include_unknown: bool = False, ties: bool = True) -> SynergyReport:
    """Echoes between camps against a post-level and an outlet-level test, reciprocity, lead-lag, narratives.

    See the module documentation for the tests and the verdict.

    Parameters
    ----------
    links, posts, outlets : DataFrame
        Canonical tables (posts need ``post_id``, ``outlet``, ``published_at``;
        ``text`` if the narratives should show text).
    groups : list of str, optional
        Compare only these camps (e.g. ``["RU", "CN"]``): the pairs reported
        and the label test's outlets. The risk-set test keeps the posts of
        every camp as the reference for chance.
    permutations : int
        Draws of the label and time-shift nulls (``R``); the label test
        enumerates every distinct labelling instead when there are no more
        than ``R`` of them.
    time_shift : bool
        Also run the time-shift test.
    window : str
        ``W``, the detection window (a pandas offset such as ``"7D"``): the
        risk set of an echo, the time-shift statistic, the overlap of camps.
    seed : int
        Seed of the random nulls; the same seed gives the same figures.
    alpha : float
        Significance level per pair.
    freq : {"D", "W", "M"}, optional
        Also compute the label-test figures per period (the ``trend`` table).
    kinds : list of str, optional
        Only links of these kinds.
    parents_only : bool
        Count each echo once, from its parent (default), or count every link.
    since, until : timestamp, optional
        The analysed period: echoes whose target lies in ``[since, until)``,
        outlets with a post in it.
    top_narratives : int
        Rows of the narratives table.
    texts : DataFrame or Workspace, optional
        Where to read the narratives' root texts (default: ``posts`` if it has
        a ``text`` column).
    frame : Frame, optional
        A prebuilt :class:`~amplify.analyze.Frame` of the same tables.
    outlet_kinds : list of str, optional
        Only outlets of these kinds (the outlets table's ``kind``, e.g.
        ``["state_media", "ministry"]``).
    include_unknown : bool
        Test outlets missing from the outlets table too, as camp ``unknown``.
    ties : bool
        Orient links whose order is unknown by their evidence
        (:func:`amplify.analyze.ties.orient_ties`, the rule every analysis
        uses): directed ones count as echoes, the rest as co-publications
        (default); False leaves every tie out.

    Returns
    -------
    SynergyReport

    Examples
    --------
    >>> from amplify.synth import generate
    >>> from amplify.detect import detect
    >>> c = generate(n_posts=20000, seed=0)
    >>> links = detect(c.posts, c.outlets)
    >>> rep = camp_synergy(links, c.posts, c.outlets, groups=["RU", "CN"], seed=0)
    >>> rep.reciprocity[["a", "b", "status"]].values.tolist()
    [['CN', 'RU', 'mutual']]
    >>> bool((rep.reciprocity[["p_post_ab", "p_post_ba"]] < 0.01).all(axis=None))
    True

    References
    ----------
    .. [1] Butts (2008), A relational event framework for social action, *Sociological Methodology* 38.
    .. [2] Borgan, Goldstein & Langholz (1995), sampled cohort data in the Cox model, *Ann. Statist.* 23.
    .. [3] Krackhardt (1988), Predicting with networks, *Social Networks* 10.
    .. [4] Phipson & Smyth (2010), Permutation p-values should never be zero.
    .. [5] Holme & Saramäki (2012), Temporal networks, *Physics Reports* 519.
    .. [6] Gauvin et al. (2022), Randomized reference models for temporal networks, *SIAM Review* 64.
    .. [7] Breslow & Day (1987), *Statistical Methods in Cancer Research II* (Byar's approximation).
    """
    check_alpha(alpha)  # before any work
    # the one tie rule of every analysis (amplify.analyze.ties): ties oriented by their evidence -- texts at hand
    # for containment -- or, with ties=False, every tie left out
    f = frame if frame is not None else Frame.build(links, posts, outlets, ties=ties, texts=texts)
    K = len(f.groups)
    if K == 0 or f.n_posts == 0:
        raise AnalysisError("no posts: nothing to analyse")
    gnames = f.groups.tolist()
    if groups:
        missing = [g for g in groups if g not in gnames]
        if missing:
            raise AnalysisError(f"unknown camp(s) {missing}; camps are {gnames}")
    W_ns = _window_seconds(window) * 1_000_000_000
    base = f.link_mask(parents_only=False, kinds=kinds, since=since, until=until)
    scope = synergy_scope(f, groups=groups, outlet_kinds=outlet_kinds, include_unknown=include_unknown,
                          since=since, until=until, link_mask=base)
    if not scope.tested.any():
        left = ", ".join(f"{why} {n:,}" for why, n in scope.left_out.items())
        raise AnalysisError(f"no outlet to test in the period: outlets left out: {left}")
    tested_camps = sorted(set(f.group_of_outlet[scope.tested].tolist()))
    show = [gnames.index(g) for g in groups] if groups else tested_camps
    rng = np.random.default_rng(seed)

    ev = echo_events(f, scope.reference, parents_only=parents_only, kinds=kinds, since=since, until=until,
                     ties=ties, resolution=post_resolution(f.times, f.outlet_of_post, len(f.outlets)))
    so, to = f.outlet_of_post[ev.src], f.outlet_of_post[ev.tgt]
    sg, tg = f.group_of_outlet[so], f.group_of_outlet[to]
    cells, periods = _period_codes(f.times[ev.tgt], freq) if freq else (np.zeros(len(ev), np.int64), None)

    label = _label_test(f, scope, ev, so, to, cells, periods, permutations, rng, K)
    fam_mask = base & scope.tested[f.outlet_of_post[f.src]] & scope.tested[f.outlet_of_post[f.tgt]]
    if not ties and ev.unordered_links is not None:
        fam_mask &= ~ev.unordered_links
    fam_sel = _families_shown(f, np.where(scope.tested[f.outlet_of_post], families(f, fam_mask), -1), show)
    lo_s, hi_s = scope.period_ns[0] // 1_000_000_000, -(-scope.period_ns[1] // 1_000_000_000)
    shift = _time_shift(f, fam_sel, scope.tested, window_s=W_ns // 1_000_000_000, period_s=max(hi_s - lo_s, 1),
                        permutations=permutations, rng=rng, run=time_shift)
    shift_informative = (hi_s - lo_s) >= SHIFT_MIN_WINDOWS * (W_ns // 1_000_000_000)
    post, post_by_period = _risk_set(f, scope, ev, sg, tg, W_ns, K, cells if freq else None, periods)
    ref_post = scope.reference[f.outlet_of_post]
    meet = camps_meet(f.times[ref_post], f.group_of_post[ref_post], K, W_ns)
    # camps that meet but mostly publish at different times: not tested either, and the reason is their dates,
    # not their size (the posts that count are those under test in the period, as for every test)
    in_test = scope.in_period & scope.tested[f.outlet_of_post]
    overlaps = camp_overlaps(f.times[in_test], f.group_of_post[in_test], show, W_ns)
    apart = {k: ov for k, ov in overlaps.items() if meet[k] and not ov.enough}

    lag_tab = _lag_table(sg, tg, ev)
    carriers = _carriers(f.outlets, so, to, sg, tg, ev.weight)
    copub = _copublications(sg, tg, ev, K)
    pairs = _pairs_table(gnames, show, label, shift, post, meet, lag_tab, carriers, copub, alpha=alpha,
                         time_shift=time_shift, shift_informative=shift_informative, apart=apart)
    reciprocity = reciprocity_table(pairs, fam_sel, f, show)
    narratives = narratives_table(fam_sel, f, top_narratives, texts if texts is not None else
                                  (posts if "text" in posts.columns else None))
    trend = trend_table(label.observed, label.null, periods, show, gnames, exact=label.exact,
                        post=post_by_period) if freq else None
    settings = _settings(f, scope, ev, label, show, gnames, permutations=permutations, time_shift=time_shift,
                         window=window, seed=seed, alpha=alpha, freq=freq, kinds=kinds, parents_only=parents_only,
                         since=since, until=until, outlet_kinds=outlet_kinds, include_unknown=include_unknown,
                         ties=ties, n_camps=len(tested_camps))
    warnings = synergy_warnings(f, scope, ev, pairs, reciprocity, settings, meet=meet, show=show, alpha=alpha,
                                shift_informative=shift_informative or not time_shift, apart=apart)
    tests = [dict(t) for t in TESTS]
    tests[1].update(relabellings=settings["relabellings"], permutations=label.draws, exact=label.exact)
    tests[2].update(permutations=int(permutations) if time_shift else 0, informative=bool(shift_informative))
    return SynergyReport(pairs, reciprocity, narratives, trend, settings, warnings, tests)


def _settings(f: Frame, scope: Scope, ev: EchoEvents, label: _Label, show, gnames, *, permutations, time_shift,
              window, seed, alpha, freq, kinds, parents_only, since, until, outlet_kinds, include_unknown, ties,
              n_camps) -> dict:
    relab = label.relabellings
    return {"groups": [gnames[i] for i in show], "permutations": int(label.draws),
            "permutations_asked": int(permutations),
            # exact below 2**53; a float up to 1e300; beyond, only its order of magnitude (no float holds it)
            "relabellings": relab if relab < 2 ** 53 else float(relab) if relab < 10 ** 300 else None,
            "relabellings_log10": round(math.log10(relab), 2) if relab > 0 else 0.0,
            "label_exact": bool(label.exact), "time_shift": time_shift, "window": str(window),
            "seed": seed if isinstance(seed, int) else None, "alpha": alpha, "freq": freq,
            "kinds": list(kinds) if kinds else None,
            "outlet_kinds": [k.strip() for x in outlet_kinds for k in str(x).split(",") if k.strip()]
            if outlet_kinds else None,
            "include_unknown": bool(include_unknown), "ties": bool(ties), "parents_only": parents_only,
            "since": str(since) if since is not None else None, "until": str(until) if until is not None else None,
            # [start, end): the given bounds, else the first post and the last (shown as itself)
            "period": [pd.Timestamp(scope.period_ns[0], tz="UTC").isoformat(),
                       pd.Timestamp(scope.period_ns[1] - (until is None), tz="UTC").isoformat()],
            "echoes": int(label.echoes) if label.echoes == int(label.echoes) else label.echoes,
            "echoes_reference": int(ev.counts["directed"] + ev.counts["copublications"]),
            "directed_echoes": int(ev.counts["directed"]), "copublications": int(ev.counts["copublications"]),
            "copublications_left_out": int(ev.counts["ties_left_out"]) + (f.ties.pairs if f.ties.left_out else 0),
            "tie_summary": f.ties.to_dict(),
            "outlets": int(scope.tested.sum()), "outlets_reference": int(scope.reference.sum()),
            "outlets_in_corpus": int(len(f.outlets)), "outlets_left_out": dict(scope.left_out),
            "camps_tested": int(n_camps)}


def _period_codes(times_ns: np.ndarray, freq: str):
    t = pd.to_datetime(times_ns, utc=True).tz_convert(None)
    per = pd.PeriodIndex(t, freq=freq) if len(t) else pd.PeriodIndex([], freq=freq)
    uniq = per.unique().sort_values()
    return pd.Index(uniq).get_indexer(per).astype(np.int64), uniq


def _label_test(f: Frame, scope: Scope, ev: EchoEvents, so, to, cells, periods, permutations: int, rng,
                K: int) -> _Label:
    """The label-permutation test over the outlets under test (exact when they have few labellings)."""
    idx = np.flatnonzero(scope.tested)
    pos = np.full(len(f.outlets), -1, dtype=np.int64)
    pos[idx] = np.arange(len(idx))
    m = scope.tested[so] & scope.tested[to]
    so, to = so[m], to[m]
    a, b, w, cell = pos[so], pos[to], ev.weight[m], cells[m]
    P = len(periods) if periods is not None else 1
    n = max(len(idx), 1)
    key = (cell * n + a) * n + b
    uk, inv = np.unique(key, return_inverse=True)
    wsum = np.bincount(inv, weights=w, minlength=len(uk)) if len(uk) else np.zeros(0)
    ua, ub, uc = (uk // n) % n, uk % n, uk // (n * n)
    labels = f.group_of_outlet[idx]
    sizes = np.bincount(labels, minlength=K)
    relab = distinct_relabellings(sizes)
    exact = 0 < permutations and relab <= permutations
    observed, null = label_permutation_null(ua, ub, wsum, labels, K, permutations=permutations, seed=rng,
                                            cells=uc, n_cells=max(P, 1), exact=exact)
    observed, null = observed / HALF, null / HALF
    draws = int(null.shape[0])
    obs_all = observed.sum(axis=0)
    null_all = null.sum(axis=1)
    figures = _Figures(obs_all, *permutation_stats(obs_all, null_all, exact=exact))
    min_p = np.ones((K, K))
    for x in range(K):
        for y in range(K):
            if sizes[x] and sizes[y]:
                # int / int: exact for any count (a float of a count of 10**400 labellings overflows)
                floor = 1 / pair_relabellings(sizes, x, y)
                min_p[x, y] = floor if exact else max(floor, 1.0 / (draws + 1))
    # the most X -> Y echoes these outlets could show: all X's outlets give, or all Y's outlets receive
    sg, tg = f.group_of_outlet[so], f.group_of_outlet[to]
    given = np.bincount(sg, weights=w, minlength=K) / HALF
    received = np.bincount(tg, weights=w, minlength=K) / HALF
    bound = np.minimum(given[:, None], received[None, :])
    reach_p = np.ones((K, K))
    if draws:
        reach_p = permutation_stats(bound, null_all, exact=exact)[3]
    return _Label(figures, observed, null, float(w.sum()) / HALF, min_p, reach_p, relab, draws, exact)


def _risk_set(f: Frame, scope: Scope, ev: EchoEvents, sg, tg, W_ns: int, K: int, cells, periods):
    """The post-level test, its risk sets drawn from every post of the reference outlets; and per period."""
    ref_post = scope.reference[f.outlet_of_post]
    counts, own = risk_set_counts(f.times[ev.tgt], ev.hi, f.times[ev.src], sg, f.outlet_of_post[ev.tgt],
                                  f.times[ref_post], f.group_of_post[ref_post],
                                  f.outlet_of_post[ref_post], K, len(f.outlets), W_ns)
    overall = risk_set_test(sg, tg, ev.weight, counts, own, K, half=HALF)
    if cells is None:
        return overall, None
    by_period = []
    for c in range(len(periods)):
        m = cells == c
        by_period.append(risk_set_test(sg[m], tg[m], ev.weight[m], counts[m], own[m], K, half=HALF))
    return overall, by_period


def _lag_table(sg, tg, ev: EchoEvents) -> pd.DataFrame:
    d = ~ev.copub
    if not d.any():
        return pd.DataFrame(columns=_LAG_QUANTILES)
    return pd.DataFrame({"s": sg[d], "t": tg[d], "lag": ev.lag_s[d]}).groupby(["s", "t"])["lag"] \
        .quantile(_LAG_QUANTILES).unstack()


def _carriers(outlet_names, so, to, sg, tg, weight) -> dict:
    """Per camp pair (x, y): how many outlet pairs carry its echoes, the one carrying most, and its echoes."""
    if len(so) == 0:
        return {}
    df = pd.DataFrame({"x": sg, "y": tg, "a": so, "b": to, "w": weight})
    by = df.groupby(["x", "y", "a", "b"], sort=False)["w"].sum().reset_index()
    by = by.sort_values(["x", "y", "w", "a", "b"], ascending=[True, True, False, True, True])
    n = by.groupby(["x", "y"], sort=False).size()
    top = by.drop_duplicates(["x", "y"])
    return {(int(r.x), int(r.y)): (int(n[(r.x, r.y)]), f"{outlet_names[int(r.a)]} -> {outlet_names[int(r.b)]}",
                                   float(r.w) / HALF) for r in top.itertuples(index=False)}


def _copublications(sg, tg, ev: EchoEvents, K: int) -> np.ndarray:
    """Co-publication pairs per ordered camp pair (each pair appears in both directions)."""
    out = np.zeros((K, K))
    if ev.copub.any():
        np.add.at(out, (sg[ev.copub], tg[ev.copub]), 1.0)
    # each pair gives one event per direction; within a camp both land on the diagonal
    return np.where(np.eye(K, dtype=bool), out / 2, out)


def _families_shown(f: Frame, fam, show) -> np.ndarray:
    """The family of each post, -1 unless the post is of a camp shown and its family spans two of them."""
    gpost = f.group_of_post
    in_show = np.isin(gpost, show)
    fam_sel = np.where(in_show, fam, -1)
    span = _families_spanning(fam_sel, gpost, min_groups=2)
    return np.where(span[np.maximum(fam_sel, 0)] & (fam_sel >= 0), fam_sel, -1)


def _time_shift(f: Frame, fam_sel, tested, *, window_s: int, period_s: int, permutations: int, rng,
                run: bool) -> _Figures:
    """The time-shift null's figures per ordered pair of distinct camps (NaN where it was not run).

    Only the outlets under test get a shift (numbered among themselves), so outlets left out never
    change the draws.
    """
    K = len(f.groups)
    out = [np.full((K, K), np.nan) for _ in range(5)]
    if run and (fam_sel >= 0).any():
        tsec = f.times // 1_000_000_000
        pos = np.cumsum(tested) - 1
        fo, fnull = time_shift_null(fam_sel, tsec, np.maximum(pos[f.outlet_of_post], 0), f.group_of_post, K,
                                    window_s=window_s, period_s=period_s, permutations=permutations, seed=rng,
                                    n_outlets=int(tested.sum()))
        off = ~np.eye(K, dtype=bool)
        for arr, val in zip(out, (fo, *permutation_stats(fo, fnull))):
            arr[off] = np.asarray(val, dtype=np.float64)[off]
    return _Figures(*out)


def _pair_verdict(x, y, post: RiskSetFigures, label: _Label, shift: _Figures, meet, *, alpha, time_shift,
                  shift_informative, apart_note=None) -> tuple[bool, str, str]:
    """(significant, tested_by, note) of one ordered pair (``apart_note``: its camps overlap too little)."""
    if not meet[x, y]:
        return False, "none", "the camps never publish within one window of each other"
    if apart_note:
        return False, "none", f"not testable: {apart_note}, too little to compare the camps"
    post_ok = np.isfinite(post.p[x, y]) and post.min_p[x, y] < alpha
    lab_p, lab_min = label.figures.p[x, y], max(label.min_p[x, y], label.reach_p[x, y])
    if post_ok:
        sig = bool(post.p[x, y] < alpha and post.observed[x, y] > post.expected[x, y])
        # Posts of one outlet are not independent: two random halves of one kind of outlet (headline
        # desks among tweet accounts) pass the post-level test because like echoes like. The verdict
        # stays the post-level test's (it has the power), and the pair says when the outlet-level test,
        # able to reach alpha, does not confirm it.
        if sig and x != y and label.draws > 0 and np.isfinite(lab_p) and lab_min < alpha and lab_p >= alpha:
            return sig, "risk set", (f"post level only: the outlet-level test does not confirm it (label p "
                                     f"{lab_p:.3g}); the camps' outlets may differ in kind more than in camp")
        return sig, "risk set", ""
    # the smallest p is the larger of two floors, each a column of its own: say which one binds, by its name, so
    # that the note and the columns agree
    floor = ("its label_min_p: too few outlets" if label.min_p[x, y] >= label.reach_p[x, y] else
             f"its label_reach_p: too few echoes; label_min_p, what the labellings alone allow, is "
             f"{label.min_p[x, y]:.3g}")
    label_ok = label.draws > 0 and np.isfinite(lab_p) and lab_min < alpha
    why = (f"too few echoes for the post-level test (smallest p {post.min_p[x, y]:.3g})"
           if np.isfinite(post.min_p[x, y]) else "no echo into the target camp")
    if label_ok:
        need_shift = time_shift and shift_informative and x != y
        sig = bool(lab_p < alpha and label.figures.observed[x, y] > label.figures.expected[x, y]
                   and (not need_shift or (np.isfinite(shift.p[x, y]) and shift.p[x, y] < alpha)))
        return sig, "label permutation", f"post-level test not possible ({why})"
    return False, "none", f"not testable: {why}; label test cannot reach p < {alpha} (smallest p {lab_min:.3g}, " \
                          f"{floor})"


def _pairs_table(gnames, show, label: _Label, shift: _Figures, post: RiskSetFigures, meet, lag_tab, carriers,
                 copub, *, alpha: float, time_shift: bool, shift_informative: bool, apart=None) -> pd.DataFrame:
    """One row per ordered pair of the camps shown: the three tests' figures, the verdict, the lags
    (``apart``: the :class:`~amplify.analyze.synergy_scope.CampOverlap` of pairs whose camps overlap too little)."""
    apart = apart or {}
    obs_all, exp, sd, z, p = label.figures
    rows = []
    for x in show:
        for y in show:
            q = lag_tab.loc[(x, y)] if (x, y) in lag_tab.index else None
            ov = apart.get((min(x, y), max(x, y)))
            sig, by, note = _pair_verdict(x, y, post, label, shift, meet, alpha=alpha, time_shift=time_shift,
                                          shift_informative=shift_informative,
                                          apart_note=ov.describe(gnames) if ov else None)
            car = carriers.get((x, y))
            pe = post.expected[x, y]
            rows.append({
                "source": gnames[x], "target": gnames[y], "observed": float(obs_all[x, y]),
                "expected": round(float(exp[x, y]), 2), "sd": round(float(sd[x, y]), 2),
                "z": round(float(z[x, y]), 2), "p": float(p[x, y]),
                "ratio": round(float(obs_all[x, y] / exp[x, y]), 3) if exp[x, y] > 0 else np.nan,
                "families": float(shift.observed[x, y]), "families_expected": round(float(shift.expected[x, y]), 2),
                "z_shift": round(float(shift.z[x, y]), 2), "p_shift": float(shift.p[x, y]),
                "significant": sig,
                "lag_s_median": float(q[0.5]) if q is not None else np.nan,
                "lag_s_q25": float(q[0.25]) if q is not None else np.nan,
                "lag_s_q75": float(q[0.75]) if q is not None else np.nan,
                "co_published": float(copub[x, y]), "label_min_p": float(label.min_p[x, y]),
                "label_reach_p": float(label.reach_p[x, y]),
                "post_base": float(post.base[x, y]), "post_observed": float(post.observed[x, y]),
                "post_expected": round(float(pe), 2), "post_sd": round(float(post.sd[x, y]), 2),
                "post_z": round(float(post.z[x, y]), 2), "post_p": float(post.p[x, y]),
                "post_min_p": float(post.min_p[x, y]),
                "post_ratio": round(float(post.observed[x, y] / pe), 3) if pe > 0 else np.nan,
                "post_exact": bool(post.exact[x, y]),
                "outlet_pairs": int(car[0]) if car else 0,
                "top_outlet_pair": car[1] if car else None, "top_outlet_pair_echoes": float(car[2]) if car else 0.0,
                "tested_by": by, "note": note,
            })
    pairs = pd.DataFrame(rows)
    pairs["families"] = pairs["families"].astype("Int64") if pairs["families"].notna().any() \
        else pairs["families"]
    return pairs


def _window_seconds(window) -> int:
    """The detection window (a pandas offset such as ``"7D"``) in whole seconds."""
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
