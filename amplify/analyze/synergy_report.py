r"""What :func:`~amplify.analyze.synergy.camp_synergy` reports, and the tables it derives from the counts.

:class:`SynergyReport` holds the tables; the functions here build the ones
that follow from the per-pair figures and the text families:

* :func:`reciprocity_table` -- both directions of each pair of camps side by
  side, with the verdict (``mutual``, ``one-way``, ``none``) and who
  publishes first over the families both camps carried;
* :func:`narratives_table` -- the families carried by the most camps and
  outlets, with their root post and text;
* :func:`trend_table` -- the figures per period, with the 95 % band of the
  null and an interval for observed / expected from an approximate Poisson
  interval on the observed count (Byar's approximation; Breslow & Day 1987).

References
----------
.. [1] Breslow, N. E. & Day, N. E. (1987). *Statistical Methods in Cancer
   Research, Vol. II*. IARC (Byar's approximation, p. 69).

Examples
--------
One month, camps ``X`` and ``Y``: 12 echoes ``X -> Y`` where the null draws
gave 4 to 6.

>>> import numpy as np
>>> import pandas as pd
>>> observed = np.array([[[0, 12], [3, 0]]])                      # (periods, K, K)
>>> null = np.array([[[[0, 4], [3, 0]]], [[[0, 6], [3, 0]]]])     # (draws, periods, K, K)
>>> t = trend_table(observed, null, pd.period_range("2022-01", periods=1, freq="M"), [0, 1], ["X", "Y"])
>>> t[["period", "source", "target", "observed", "expected", "ratio"]].values.tolist()[1]
['2022-01', 'X', 'Y', 12.0, 5.0, 2.4]
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from amplify.analyze.frame import Frame
from amplify.analyze.nulls import permutation_stats, poisson_interval
from amplify.analyze.tables import json_records, matched_text, post_texts
from amplify.utc import from_ns

__all__ = ["SynergyReport", "reciprocity_table", "narratives_table", "trend_table", "TESTS"]

#: The tests a synergy report names and explains (in its output, its JSON ``tests``, and the docs).
TESTS = (
    {"name": "risk-set test", "level": "post", "columns": ["post_expected", "post_z", "post_p", "post_min_p"],
     "question": "Given that a post of the target camp echoed an earlier post of another camp, is the source in "
                 "the source camp more often than that camp's share of the other camps' posts published in the "
                 "window before it? (Within a camp: does it echo its own camp more than its share?)",
     "null": "each echo's source drawn from the posts actually published in its window (its risk set); "
             "the count is Poisson-binomial, its tail computed exactly (or by the refined normal approximation "
             "when large)",
     "reference": "Butts (2008) Sociological Methodology 38; Borgan, Goldstein & Langholz (1995) Ann. Statist. 23"},
    {"name": "label-permutation test", "level": "outlet", "columns": ["expected", "z", "p", "label_min_p",
                                                                          "label_reach_p"],
     "question": "Do the outlets of the two camps echo each other more than outlets do when the camp labels are "
                 "shuffled across the outlets under test?",
     "null": "camp labels permuted across the active outlets (each outlet keeps its echoes, each camp its size); "
             "every distinct labelling enumerated when there are no more than the permutations asked",
     "reference": "Krackhardt (1988) Social Networks 10; Phipson & Smyth (2010)"},
    {"name": "time-shift test", "level": "family", "columns": ["families", "families_expected", "z_shift",
                                                              "p_shift"],
     "question": "Do the two camps carry the same texts within one window of each other more often than with "
                 "every outlet's timeline shifted at random?",
     "null": "every outlet's timeline shifted circularly by its own random offset over the period",
     "reference": "Holme & Saramäki (2012) Physics Reports 519; Gauvin et al. (2022) SIAM Review 64"},
)


@dataclass
class SynergyReport:
    """What :func:`camp_synergy` found.

    Attributes
    ----------
    pairs : DataFrame
        One row per ordered pair of camps ``source -> target`` (the target
        camp echoes the source camp): ``observed`` echoes (a co-publication
        counts half each way; ``co_published`` how many there are);
        ``expected``, ``sd``, ``z``, ``p``, ``ratio``, ``label_min_p``,
        ``label_reach_p`` (label-permutation test, outlet level); ``post_base``,
        ``post_observed``, ``post_expected``, ``post_sd``, ``post_z``,
        ``post_p``, ``post_min_p``, ``post_ratio``, ``post_exact`` (risk-set
        test, post level); ``families``, ``families_expected``, ``z_shift``,
        ``p_shift`` (time-shift test, cross-camp pairs only); ``significant``
        and ``tested_by`` (the test that decided: ``risk set``, ``label
        permutation`` or ``none`` when the pair cannot be tested), ``note``
        (why); ``outlet_pairs`` carrying the echoes, ``top_outlet_pair`` and
        its echoes; ``lag_s_median``, ``lag_s_q25``, ``lag_s_q75`` of the
        directed echoes.
    reciprocity : DataFrame
        One row per unordered pair of distinct camps ``a``, ``b``: both
        directions' counts, the label test's z and p, the risk-set test's
        ``z_post_*`` and ``p_post_*``, ``status`` (``mutual``, ``one-way
        a->b``, ``one-way b->a``, ``none``, or ``not testable``), the tests
        that decided, ``note``, the median lag each way, co-publications, the
        number of shared families, how many of them each camp published
        first, ``leader`` and ``lead_s_median`` (median delay from the
        leader's first post to the other camp's first post).
    narratives : DataFrame
        The families carried by at least two of the camps, most camps, then
        most outlets first: root post,
        first outlet and camp, times, posts and outlets per camp, root text.
    trend : DataFrame or None
        With ``freq``: per period and ordered pair, observed, expected, the
        null's 95 % band, z, p, ratio and its 95 % interval (label test).
    settings : dict
        The arguments, the outlets under test and left out, the echoes and
        co-publications counted, ``permutations`` (the label test's draws
        actually made: its distinct labellings when it was exact),
        ``relabellings`` and ``label_exact``.
    warnings : list of str
        Every question that could not be answered, and why.
    tests : list of dict
        The tests, named and explained (:data:`TESTS`), with this run's details.
    """

    pairs: pd.DataFrame
    reciprocity: pd.DataFrame
    narratives: pd.DataFrame
    trend: pd.DataFrame | None = None
    settings: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)
    tests: list = field(default_factory=list)

    def to_dict(self) -> dict:
        """JSON-ready: every table as a list of records, the warnings and the tests."""
        return {"settings": self.settings, "tests": self.tests, "warnings": list(self.warnings),
                "pairs": json_records(self.pairs), "reciprocity": json_records(self.reciprocity),
                "narratives": json_records(self.narratives), "trend": json_records(self.trend)}

    def tests_text(self) -> list[str]:
        """The tests of this report, named and explained in a few lines (as the command prints them)."""
        st = self.settings
        drawn = (f"all {st['relabellings']:,} distinct labellings enumerated (exact)" if st["label_exact"] else
                 f"{st['permutations']:,} of {_count(st)} distinct labellings drawn")
        return [
            "Tests (SOURCE -> TARGET: TARGET's outlets echo SOURCE's posts):",
            "  post level, risk-set test (post_*): given that a post of TARGET echoed another outlet's post, is the "
            "source in SOURCE more often than SOURCE's share of the posts published in the window before it? "
            "Exact tail, no permutations (Butts 2008; Borgan et al. 1995).",
            f"  outlet level, label-permutation test (expected, z, p): camp labels shuffled across the "
            f"{st['outlets']:,} outlets under test; {drawn} (Krackhardt 1988).",
            "  families, time-shift test (families, p_shift): every outlet's timeline shifted at random"
            + (f", {st['permutations_asked']:,} draws" if st["time_shift"] else ": not run")
            + " (Holme & Saramaki 2012).",
            "  Verdict: the post-level test where it can reach alpha, else the outlet-level test; 'not testable' "
            "where neither can.",
        ]

    def __str__(self) -> str:
        lines = []
        for r in self.reciprocity.itertuples(index=False):
            lines.append(f"{r.a}<->{r.b}: {r.status} ({r.a}->{r.b} {r.a_to_b:g} echoes, post-level "
                         f"p={r.p_post_ab:.3g}, outlet-level p={r.p_ab:.3g}; {r.b}->{r.a} {r.b_to_a:g}, "
                         f"post-level p={r.p_post_ba:.3g}, outlet-level p={r.p_ba:.3g})")
        lines += [f"warning: {w}" for w in self.warnings]
        return "\n".join(lines)


def _first_times(fam_sel, f: Frame):
    m = fam_sel >= 0
    df = pd.DataFrame({"fam": fam_sel[m], "g": f.group_of_post[m], "t": f.times[m]})
    return df.groupby(["fam", "g"])["t"].min().unstack()


def reciprocity_table(pairs: pd.DataFrame, fam_sel, f: Frame, show) -> pd.DataFrame:
    """One row per unordered pair of the camps ``show``: both directions, the verdict, who leads.

    Parameters
    ----------
    pairs : DataFrame
        :attr:`SynergyReport.pairs` (ordered pairs with ``significant``).
    fam_sel : ndarray of int
        Family of each post (-1: not counted), as in :func:`~amplify.analyze.text_families.families`.
    f : Frame
    show : list of int
        Camp codes to pair.

    Returns
    -------
    DataFrame
        :attr:`SynergyReport.reciprocity`.
    """
    gnames = f.groups.tolist()
    P = pairs.set_index(["source", "target"])
    first = _first_times(fam_sel, f) if (fam_sel >= 0).any() else pd.DataFrame()
    rows = []
    for i, x in enumerate(sorted(show, key=lambda k: gnames[k])):
        for y in sorted(show, key=lambda k: gnames[k])[i + 1:]:
            A, B = gnames[x], gnames[y]
            ab, ba = P.loc[(A, B)], P.loc[(B, A)]
            untestable = ab["tested_by"] == "none" and ba["tested_by"] == "none"
            status = "mutual" if ab["significant"] and ba["significant"] else \
                f"one-way {A}->{B}" if ab["significant"] else f"one-way {B}->{A}" if ba["significant"] else \
                "not testable" if untestable else "none"
            notes = [f"{A}->{B}: {ab['note']}" if ab["note"] else "", f"{B}->{A}: {ba['note']}" if ba["note"] else ""]
            if untestable and ab["note"] == ba["note"]:
                notes = [ab["note"]]
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
                         "a_to_b": float(ab["observed"]), "z_ab": ab["z"], "p_ab": ab["p"],
                         "p_shift_ab": ab["p_shift"],
                         "b_to_a": float(ba["observed"]), "z_ba": ba["z"], "p_ba": ba["p"],
                         "p_shift_ba": ba["p_shift"],
                         "lag_s_median_ab": ab["lag_s_median"], "lag_s_median_ba": ba["lag_s_median"],
                         "shared_families": n_sh, "a_first": a_first, "b_first": b_first,
                         "leader": leader, "lead_s_median": lead_med,
                         "z_post_ab": ab["post_z"], "p_post_ab": ab["post_p"],
                         "z_post_ba": ba["post_z"], "p_post_ba": ba["post_p"],
                         "co_published": float(ab["co_published"]),
                         "tested_by_ab": ab["tested_by"], "tested_by_ba": ba["tested_by"],
                         "note": "; ".join(n for n in notes if n)})
    return pd.DataFrame(rows, columns=["a", "b", "status", "a_to_b", "z_ab", "p_ab", "p_shift_ab", "b_to_a",
                                       "z_ba", "p_ba", "p_shift_ba", "lag_s_median_ab", "lag_s_median_ba",
                                       "shared_families", "a_first", "b_first", "leader", "lead_s_median",
                                       "z_post_ab", "p_post_ab", "z_post_ba", "p_post_ba", "co_published",
                                       "tested_by_ab", "tested_by_ba", "note"])


def narratives_table(fam_sel, f: Frame, top: int, texts) -> pd.DataFrame:
    """The ``top`` families carried by the most camps, then outlets, then posts, with root post and text.

    ``fam_sel`` is the family of each post (-1: not counted); ``texts`` (a
    posts table with text, a Workspace or None) is where the root texts are
    read.

    Returns
    -------
    DataFrame
        :attr:`SynergyReport.narratives`.
    """
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


def trend_table(observed, null, periods, show, gnames, exact: bool = False, post=None) -> pd.DataFrame:
    """Per period and ordered pair of the camps ``show``: observed, expected, the null's 95 % band, z, p, ratio.

    Parameters
    ----------
    observed : ndarray, shape (P, K, K)
        Counts per period and ordered pair of camps.
    null : ndarray, shape (R, P, K, K)
        The same under ``R`` null draws.
    periods : pandas.PeriodIndex
        The ``P`` periods.
    show : list of int
        Camp codes to report.
    gnames : list of str
        Camp names by code.
    exact : bool
        ``null`` enumerates every labelling (see :func:`~amplify.analyze.nulls.permutation_stats`).
    post : list of RiskSetFigures, optional
        The risk-set test per period (:mod:`amplify.analyze.risk_set`): adds
        ``post_expected``, ``post_z``, ``post_p``, ``post_ratio`` and its 95 %
        interval ``post_ratio_lo``, ``post_ratio_hi``.

    Returns
    -------
    DataFrame
        :attr:`SynergyReport.trend`.
    """
    exp, sd, z, p = permutation_stats(observed, null, exact=exact)
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
                    "source": gnames[x], "target": gnames[y], "observed": float(o),
                    "expected": round(float(e), 2), "null_lo": float(lo[pi, x, y]), "null_hi": float(hi[pi, x, y]),
                    "z": round(float(z[pi, x, y]), 2), "p": float(p[pi, x, y]),
                    "ratio": round(float(o / e), 3) if e > 0 else np.nan,
                    "ratio_lo": round(float(rlo[pi, x, y] / e), 3) if e > 0 else np.nan,
                    "ratio_hi": round(float(rhi[pi, x, y] / e), 3) if e > 0 else np.nan,
                })
                if post is not None:
                    rows[-1].update(_post_trend(post[pi], x, y))
    return pd.DataFrame(rows)


def _post_trend(fig, x, y) -> dict:
    """One period's risk-set figures for ``x -> y``, with an interval for observed / expected."""
    e, o = float(fig.expected[x, y]), float(fig.observed[x, y])
    lo, hi = poisson_interval(o)
    ok = e > 0 and np.isfinite(e)
    return {"post_expected": round(e, 2) if np.isfinite(e) else np.nan, "post_z": round(float(fig.z[x, y]), 2),
            "post_p": float(fig.p[x, y]), "post_ratio": round(o / e, 3) if ok else np.nan,
            "post_ratio_lo": round(float(lo) / e, 3) if ok else np.nan,
            "post_ratio_hi": round(float(hi) / e, 3) if ok else np.nan}


def _count(settings: dict) -> str:
    """The number of distinct labellings for a reader: ``1.2e+04``, or ``about 10^361`` beyond any float."""
    n = settings.get("relabellings")
    return f"{n:,.3g}" if n is not None else f"about 10^{settings.get('relabellings_log10', 0):.0f}"
