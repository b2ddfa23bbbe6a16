"""The report's synergy and bridges sections, in words a reader of a paper knows.

The analyses return tables with column names made for scripts (``a_to_b``,
``p_post_ab``, ``main_role``); the report shows them with human headings and
units, p-values to three significant digits, lags in words, and says which
command gives the same figures instead of naming a Python module.

>>> synergy_table(pd.DataFrame({"a": ["CN"], "b": ["RU"], "status": ["mutual"], "a_to_b": [12.5],
...     "p_post_ab": [0.000123], "p_ab": [0.2], "lead_s_median": [3600.0]})).columns.tolist()
['camp A', 'camp B', 'verdict', 'echoes A → B', 'p, A → B (post level)', 'p, A → B (outlet level)', 'median lead']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from amplify.render.readable import MISSING, fmt_days, fmt_lag
from amplify.render.textsafe import html_text

__all__ = ["analysis_sections", "synergy_table", "bridges_table", "SYNERGY_HEADINGS", "BRIDGES_HEADINGS",
           "median_lag_words", "lag_formatter", "fmt_days", "dated_echoes"]

#: The synergy reciprocity columns shown, and their headings.
SYNERGY_HEADINGS = {"a": "camp A", "b": "camp B", "status": "verdict", "a_to_b": "echoes A → B",
                    "p_post_ab": "p, A → B (post level)", "p_ab": "p, A → B (outlet level)",
                    "b_to_a": "echoes B → A", "p_post_ba": "p, B → A (post level)",
                    "p_ba": "p, B → A (outlet level)", "leader": "leads", "lead_s_median": "median lead",
                    "note": "note"}
#: The bridges columns shown, and their headings.
BRIDGES_HEADINGS = {"rank": "rank", "outlet": "outlet", "group": "camp", "kind": "kind", "main_role": "main role",
                    "main_route": "main route", "bridge_score": "bridge score (cross-camp cascades through it)",
                    "betweenness": "betweenness (0–1)", "reason": "why"}


def _p(v) -> str:
    return "" if v is None or pd.isna(v) else ("< 0.001" if float(v) < 0.001 else f"{float(v):.3f}")


def _count(v) -> str:
    return "" if v is None or pd.isna(v) else f"{float(v):,.1f}".rstrip("0").rstrip(".")


def synergy_table(rec: pd.DataFrame) -> pd.DataFrame:
    """The reciprocity table with human headings: counts as counts, p-values to 0.001, leads in words."""
    cols = [c for c in SYNERGY_HEADINGS if c in rec.columns]
    t = rec[cols].copy()
    for c in cols:
        if c.startswith("p_"):
            t[c] = t[c].map(_p)
        elif c in ("a_to_b", "b_to_a"):
            t[c] = t[c].map(_count)
        elif c == "lead_s_median":
            t[c] = t[c].map(fmt_lag)
    return t.rename(columns=SYNERGY_HEADINGS)


def bridges_table(t: pd.DataFrame) -> pd.DataFrame:
    """The ranked bridges with human headings: the score as the count it is, betweenness to three decimals.

    ``bridge_score`` counts the cross-camp cascades through the outlet
    (:func:`amplify.analyze.bridging.bridges`), a whole number with no upper
    bound; an outlet without rank (score 0) is no bridge and is left out, as
    ``amplify bridges`` leaves it out. Camp names in ``main_route`` are shown
    as they are (``TW_A`` stays ``TW_A``).
    """
    if "rank" in t.columns:
        t = t[t["rank"].notna()]
    cols = [c for c in BRIDGES_HEADINGS if c in t.columns]
    out = t[cols].copy()
    if "bridge_score" in out.columns:
        out["bridge_score"] = out["bridge_score"].map(lambda v: "" if pd.isna(v) else f"{int(v):,}")
    if "betweenness" in out.columns:
        out["betweenness"] = out["betweenness"].map(lambda v: "" if pd.isna(v) else f"{float(v):.3f}")
    return out.rename(columns=BRIDGES_HEADINGS)


def analysis_sections(links, posts, outlets, since, until, kinds, ties=True, notes=None) -> list[dict]:
    """Synergy and bridges as the report's sections (dicts of :class:`~amplify.render.report.Section` fields)."""
    try:
        from amplify.analyze import bridges, camp_synergy
        from amplify.analyze.bridging import NO_BRIDGE
        from amplify.analyze.synergy import DEFAULT_PERMUTATIONS
    except ImportError:
        return []
    out = []
    try:
        rep = camp_synergy(links, posts, outlets, permutations=DEFAULT_PERMUTATIONS, seed=0, since=since,
                           until=until, kinds=kinds, ties=ties)
        st = rep.settings
        label = (f"all {st['relabellings']:,} distinct labellings, exact" if st["label_exact"] else
                 f"{st['permutations']:,} draws, seed 0")
        # the tie warning is the one at the top of the page (same rule, same count): not repeated here
        warn = "".join(f"<li>{html_text(w)}</li>" for w in rep.warnings if notes is None or w not in notes)
        out.append(dict(title="Synergy between camps", table=synergy_table(rep.reciprocity),
                        html=f'<p><strong>Warnings</strong></p><ul class="warnings">{warn}</ul>' if warn else None,
                        text=f"Echoes between each pair of camps compared with chance, among the "
                             f"{st['outlets']:,} outlets with a post in the period, by two tests. Post level "
                             "(risk-set test): given that a post of one camp echoed another outlet's post, is the "
                             "source in the other camp more often than that camp's share of the posts published "
                             "in the window before it? Outlet level (label-permutation test): do the two camps' "
                             f"outlets echo each other more than with camp labels shuffled across outlets "
                             f"({label})? The verdict uses the post-level test where it can reach 0.01, else the "
                             "outlet-level test; 'mutual' means both directions are significant, 'not testable' "
                             "that no test can tell. A co-publication (order unknown) counts half an echo each way.",
                        note="The same figures as `amplify synergy` (seed 0)."))
    except (NotImplementedError, ValueError, KeyError, TypeError) as exc:
        out.append(dict(title="Synergy between camps", note=f"Not computed: {type(exc).__name__}: {exc}"))
    try:
        rep = bridges(links, posts, outlets, top=10, seed=0, since=since, until=until, kinds=kinds, ties=ties)
        if notes is not None:
            notes.extend(w for w in rep.warnings if w not in notes)
        shown = bridges_table(rep.table)
        out.append(dict(title="Bridges between camps", table=shown if len(shown) else None,
                        text="Outlets that carry one camp's content into another (brokerage roles, "
                             "betweenness, participation across communities), ranked by their bridge score: the "
                             "number of cross-camp cascades through the outlet (chains of echoes through three "
                             "outlets whose first and last are in different camps)."
                             + ("" if len(shown) else f" None here: {NO_BRIDGE}."),
                        note="The same figures as `amplify bridges`."))
    except (NotImplementedError, ValueError, KeyError, TypeError) as exc:
        out.append(dict(title="Bridges between camps", note=f"Not computed: {type(exc).__name__}: {exc}"))
    return out


def dated_echoes(parents: pd.DataFrame, posts: pd.DataFrame, dated=None) -> np.ndarray:
    """Per echo (parent link): does one of its outlets give dates only, so that its lag is known to the day?
    (``dated``: those outlets, when the caller has them; default :func:`amplify.analyze.ties.day_only_outlets`)"""
    from amplify.analyze.ties import day_only_outlets

    dated = set(day_only_outlets(posts)) if dated is None else set(dated)
    outlet = dict(zip(posts["post_id"].astype(str), posts["outlet"].astype(str)))
    return np.array([outlet.get(s) in dated or outlet.get(t) in dated for s, t in
                     zip(parents["source_id"].astype(str), parents["target_id"].astype(str))], dtype=bool)


def lag_formatter(by_date: np.ndarray):
    """:func:`fmt_days` when every echo's lag is known to the day only (``by_date``, from
    :func:`dated_echoes`), else :func:`fmt_lag`: the report's tables then say "same day" where a lag of
    0 s would claim a precision the dates do not have."""
    return fmt_days if len(by_date) and by_date.all() else fmt_lag


def median_lag_words(parents: pd.DataFrame, by_date: np.ndarray) -> str:
    """The median lag of the echoes (parent links), said at the resolution their times have.

    ``by_date``: per echo, does it have a side of dates only (:func:`dated_echoes`). An echo
    between an outlet that gives dates only and any other has a lag known to the day at best: a
    same-day reprint is "same day", not "0 s". When every echo involves such an outlet the median
    is said in days; when some do, how many is said beside it.

    >>> posts = pd.DataFrame({"post_id": list("abcdef"), "outlet": list("xyxyxy"), "published_at": pd.to_datetime(
    ...     ["2022-01-03", "2022-01-03", "2022-01-05", "2022-01-06", "2022-01-08", "2022-01-08"], utc=True)})
    >>> echoes = pd.DataFrame({"source_id": list("ace"), "target_id": list("bdf"), "lag_s": [0.0, 86400.0, 0.0]})
    >>> median_lag_words(echoes, dated_echoes(echoes, posts))
    'same day (dates only: 3 of 3 echoes)'
    """
    if not len(parents):
        return MISSING
    median = parents["lag_s"].median()
    if not by_date.any():
        return fmt_lag(median)
    share = f"dates only: {int(by_date.sum()):,} of {len(parents):,} echoes"
    if by_date.all():
        return f"{fmt_days(median)} ({share})"
    return f"{fmt_lag(median)} ({share}, their lags known to the day)"
