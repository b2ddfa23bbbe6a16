"""Coordinated posting on the pages: the report's section and the network page's own edge kind.

:func:`coordination_section` is the report's section (the coordinated pairs
and their clusters, or why the question cannot be answered, e.g. dates
without times). :func:`coordination_overlay` puts the coordinated pairs of
:func:`amplify.analyze.coordination.coordination` on an outlet graph as
edges of their own kind (``coordinated`` co-posts, ``relation`` gains
``coordinated``), and :func:`coordination_edge_style` draws them in their
own colour (:data:`COORDINATION_COLOR`), without an arrow when the pair has
no echo (co-posting has no direction), with a tooltip row. All data text is
escaped where it is shown (the report's tables, the page's JSON block).

Examples
--------
>>> coordination_edge_style({"coordinated": 4, "count": 0})["arrows"]
''
>>> coordination_edge_style({"count": 3})
{}
"""

from __future__ import annotations

import networkx as nx
import pandas as pd

__all__ = ["coordination_section", "coordination_overlay", "coordination_edge_style", "coordination_tip",
           "COORDINATION_COLOR"]

#: The colour of coordination edges on the network page (not a camp colour of the palette).
COORDINATION_COLOR = "#7048e8"


def _run(links, posts, outlets, texts=None):
    from amplify.analyze.coordination import coordination

    return coordination(links, posts, outlets, texts=texts)


def coordination_section(links: pd.DataFrame, posts: pd.DataFrame, outlets: pd.DataFrame | None = None, *,
                         texts=None, top: int = 20):
    """The report's section: coordinated pairs (top ``top``) and clusters, or a note saying why not."""
    from amplify.analyze.errors import AnalysisError
    from amplify.render.report import Section, table_html

    title = "Coordinated posting"
    try:
        rep = _run(links, posts, outlets, texts=texts)
    except AnalysisError as exc:
        return Section(title, note=f"Not computed: {exc}", id="coordination")
    s = rep.settings
    pairs = rep.coordinated.head(top)[["account_a", "account_b", "camp_a", "camp_b", "co_posts", "items",
                                       "median_gap_s", "expected", "z", "q", "first", "last"]]
    clusters = rep.clusters.drop(columns=["top_content_id"])
    html = ""
    if len(clusters):
        html = "<p><strong>Clusters of coordinated accounts</strong></p>" + table_html(clusters)
    if rep.warnings:
        html += "<p><strong>Warnings</strong></p><ul class=\"warnings\">" + "".join(
            f"<li>{_esc(w)}</li>" for w in rep.warnings) + "</ul>"
    text = (f"Pairs of accounts that posted the same content (by {s['by']}: the echo family of the text) within "
            f"{s['within']} of each other at least {s['min_repeats']} times, each tested against its own jittered "
            f"timelines (every post moved by up to {s['jitter']}: each account keeps its volume and its day, only "
            f"the alignment within seconds is left to chance): {s['coordinated_pairs']:,} of "
            f"{s['tested_pairs']:,} pairs tested are coordinated at q <= {s['alpha']} (Benjamini-Hochberg; "
            f"p <= {s['p_threshold']:.3g}). Accounts that react to the same outside event within seconds align "
            "too: read a pair with its evidence (amplify coordination).")
    return Section(title, table=pairs if len(pairs) else None, text=text, html=html or None,
                   note="amplify.analyze.coordination", id="coordination")


def _esc(s) -> str:
    from amplify.render.textsafe import html_text

    return html_text(s)  # escaped, and characters that act (a bidi override in a name) shown as \uNNNN


def coordination_overlay(g: nx.DiGraph, links: pd.DataFrame, posts: pd.DataFrame,
                         outlets: pd.DataFrame | None = None) -> nx.DiGraph:
    """``g`` (an outlet graph) with the coordinated pairs as edges of their own kind.

    An existing edge between the two outlets (either way) gains
    ``coordinated`` (co-posts), ``coordination_z``, ``coordination_q`` and
    ``relation`` ``...+coordinated``; a pair with no edge gets one with
    ``count`` 0 and ``relation`` ``coordinated``. ``g.graph["n_coordinated"]``
    counts them; when the question cannot be answered (dates without times)
    the reason joins ``g.graph["warnings"]`` and ``g`` is returned as it is.
    """
    from amplify.analyze.errors import AnalysisError

    try:
        rep = _run(links, posts, outlets)
    except AnalysisError as exc:
        g.graph.setdefault("warnings", []).append(f"coordinated posting not shown: {exc}")
        return g
    n = 0
    for r in rep.coordinated.itertuples(index=False):
        a, b = str(r.account_a), str(r.account_b)
        if a not in g or b not in g:
            continue
        key = (b, a) if g.has_edge(b, a) and not g.has_edge(a, b) else (a, b)
        if not g.has_edge(*key):
            g.add_edge(*key, count=0, relation="coordinated")
        d = g.edges[key]
        d.update(coordinated=int(r.co_posts), coordination_items=int(r.items),
                 coordination_z=None if pd.isna(r.z) else float(r.z), coordination_q=float(r.q),
                 coordination_gap_s=float(r.median_gap_s))
        if "coordinated" not in str(d.get("relation", "")).split("+"):
            d["relation"] = "+".join(x for x in (d.get("relation"), "coordinated") if x)
        n += 1
    g.graph["n_coordinated"] = n
    g.graph["coordination"] = {k: rep.settings[k] for k in ("within", "min_repeats", "by", "alpha", "jitter")}
    return g


def coordination_edge_style(d: dict) -> dict:
    """What a coordination edge adds to its vis-network record: colour, no arrow without an echo, a tooltip row."""
    if not d.get("coordinated"):
        return {}
    style = {"color": {"color": COORDINATION_COLOR, "highlight": COORDINATION_COLOR, "hover": COORDINATION_COLOR}}
    if not d.get("count"):
        style.update(arrows="", dashes=False)
    return style


def coordination_tip_row(d: dict) -> list:
    """The tooltip row of a coordination edge (``[]`` for others)."""
    if not d.get("coordinated"):
        return []
    z = d.get("coordination_z")
    return [["Coordinated posting", f"{int(d['coordinated']):,} co-posts of {int(d.get('coordination_items', 0)):,} "
                                    f"contents, median gap {d.get('coordination_gap_s', 0):.0f} s"
             + (f", z {z:.1f}" if z is not None else "") + f", q {d.get('coordination_q', 1):.2g}"]]


def coordination_tip(tip: dict, d: dict) -> dict:
    """An edge's tooltip with the coordination row added (the same tooltip for other edges)."""
    row = coordination_tip_row(d)
    return {**tip, "rows": list(tip.get("rows", [])) + row} if row else tip
