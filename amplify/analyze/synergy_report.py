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
['2022-01', 'X', 'Y', 12, 5.0, 2.4]
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from amplify.analyze.frame import Frame
from amplify.analyze.nulls import permutation_stats, poisson_interval
from amplify.analyze.tables import json_records, matched_text, post_texts
from amplify.utc import from_ns

__all__ = ["SynergyReport", "reciprocity_table", "narratives_table", "trend_table"]


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
        return {"settings": self.settings, "pairs": json_records(self.pairs),
                "reciprocity": json_records(self.reciprocity), "narratives": json_records(self.narratives),
                "trend": json_records(self.trend)}

    def __str__(self) -> str:
        lines = []
        for r in self.reciprocity.itertuples(index=False):
            lines.append(f"{r.a}<->{r.b}: {r.status} ({r.a}->{r.b} {r.a_to_b:,} echoes, z={r.z_ab:.1f}, "
                         f"p={r.p_ab:.3g}; {r.b}->{r.a} {r.b_to_a:,}, z={r.z_ba:.1f}, p={r.p_ba:.3g})")
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


def trend_table(observed, null, periods, show, gnames) -> pd.DataFrame:
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

    Returns
    -------
    DataFrame
        :attr:`SynergyReport.trend`.
    """
    exp, sd, z, p = permutation_stats(observed, null)
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
