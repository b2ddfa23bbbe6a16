"""The report's view of the relations that are not echoes: undirected co-publications and citations.

:func:`prepare_relations` readies the tables a report draws from: ties oriented
by their evidence (:func:`amplify.analyze.ties.orient_ties`) or left out, the
citations without a matched post (:func:`amplify.analyze.cites.find_cites`),
and the warnings the page shows at its top. :func:`relations_section` is the
section that counts them, per pair of camps, apart from the echoes.

Examples
--------
>>> import pandas as pd
>>> posts = pd.DataFrame({"post_id": ["a", "b"], "outlet": ["tass", "cgtn"],
...     "published_at": ["2022-01-05", "2022-01-06"], "text": ["Chinese FM: calm", "Weather"]})
>>> outlets = pd.DataFrame({"outlet": ["mfa", "tass", "cgtn"], "group": ["CN", "RU", "CN"],
...                         "aliases": ["Chinese FM", None, None]})
>>> rel = prepare_relations(None, posts, outlets)
>>> rel.cites[["post_id", "cited_outlet"]].values.tolist(), rel.warnings
([['a', 'mfa']], [])
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from amplify import schema
from amplify.analyze.cites import find_cites, without_echoes
from amplify.analyze.ties import TieSummary, orient_ties
from amplify.graph import annotate_links, cite_edges, filter_links, outlet_edges, tie_edges, without_ties

__all__ = ["Relations", "prepare_relations", "relations_section_parts", "strongest_relations"]

_WHY = {"platform": "the platform's repost or quote ids name the source",
        "attribution": "the later-listed post names the other's outlet",
        "containment": "the target holds the source's whole text and names an outlet (a republication)"}


@dataclass
class Relations:
    """The links as the report counts them, the citations and the warnings."""

    links: pd.DataFrame
    cites: pd.DataFrame | None
    ties: TieSummary | None
    warnings: list = field(default_factory=list)


def prepare_relations(links: pd.DataFrame | None, posts: pd.DataFrame, outlets: pd.DataFrame | None, *,
                      ties: bool = True, cites: bool = True, stored_cites: pd.DataFrame | None = None) -> Relations:
    """Orient the ties (or leave them out) and find the citations, as ``amplify report`` does.

    ``stored_cites``: the names the posts cite, already found (a workspace's
    store, :func:`amplify.analyze.cites_store.workspace_cites` without
    links); only the echo filter is applied here.
    """
    links = links if links is not None else schema.empty_links()
    summary = None
    warnings = []
    if ties:
        links, summary = orient_ties(links, posts, outlets)
        if summary.warning():
            warnings.append(summary.warning())
    else:
        links = without_ties(links)
    if cites and stored_cites is not None:
        found = without_echoes(stored_cites, links, posts)
    else:
        found = find_cites(posts, outlets, links) if cites and "text" in posts.columns else None
    return Relations(links, found, summary, warnings)


def relations_section_parts(rel: Relations, posts: pd.DataFrame, outlets: pd.DataFrame | None, *, since=None,
                            until=None, kinds=None) -> tuple[pd.DataFrame, str]:
    """The table of the section "Co-publications and citations" (per pair of camps) and its text."""
    te = tie_edges(rel.links, posts, outlets, level="group", since=since, until=until, kinds=kinds)
    ce = cite_edges(rel.cites, outlets, level="group", since=since, until=until)
    table = te.merge(ce, on=["source", "target"], how="outer")
    for c in ("ties", "cites"):
        if c not in table.columns:
            table[c] = 0
        table[c] = table[c].fillna(0).astype("int64")
    # a co-publication has no direction: count it on one row per pair of camps
    once = (table["source"] <= table["target"]).to_numpy()
    table.loc[~once, "ties"] = 0
    table = table[(table["ties"] > 0) | (table["cites"] > 0)]
    table = table.sort_values(["cites", "ties", "source", "target"], ascending=[False, False, True, True])
    table = table.rename(columns={"source": "camp (cited)", "target": "camp (co-publishing / citing)",
                                  "ties": "co-publications", "cites": "citations"})
    text = ("Relations that are not echoes, counted apart from them. A co-publication is a pair of posts with "
            "the same timestamp whose text matches but whose direction no evidence shows (platform ids, a named "
            "source, one holding the other's whole text and a name); it has no direction, so each pair of camps "
            "is listed once. A citation is a post that names an outlet of the outlets table (handle, name or "
            "alias, in any script) without echoing any of its posts.")
    return table.reset_index(drop=True), text


def strongest_relations(rel: Relations, posts: pd.DataFrame, outlets: pd.DataFrame | None, *, top: int = 10,
                        since=None, until=None, kinds=None) -> pd.DataFrame:
    """The ``top`` directed outlet-to-outlet relations by echoes, each with the reason it is directed.

    Columns: ``source``, ``target``, ``echoes``, ``same-time`` (echoes between
    posts of one timestamp, directed by evidence), ``co-publications``
    (undirected, counted apart), ``citations`` and ``why``: which evidence
    directs its same-time echoes, with how many each.
    """
    e = outlet_edges(rel.links, posts, outlets, since=since, until=until, kinds=kinds, cites=rel.cites)
    e = e[(e["count"] > 0) & (e["source"] != e["target"])].head(top)
    if e.empty:
        return pd.DataFrame(columns=["source", "target", "echoes", "same-time", "co-publications", "citations", "why"])
    par = filter_links(rel.links, posts, since=since, until=until, kinds=kinds, undirected=False)
    why = {}
    if "direction" in par.columns and len(par):
        ann = annotate_links(par[par["direction"].isin(list(_WHY))], posts, outlets)
        for (a, b, d), n in ann.groupby(["source_outlet", "target_outlet", "direction"]).size().items():
            why.setdefault((a, b), []).append(f"{n:,} by {d}: {_WHY[d]}")
    rows = []
    for r in e.itertuples(index=False):
        reasons = why.get((r.source, r.target), [])
        text = "; ".join(reasons) if reasons else "each echo was published after its source"
        if reasons and r.count > r.oriented_ties:
            text += f"; {r.count - r.oriented_ties:,} published after their source"
        rows.append({"source": r.source, "target": r.target, "echoes": int(r.count),
                     "same-time": int(r.oriented_ties), "co-publications": int(getattr(r, "ties", 0)),
                     "citations": int(getattr(r, "cites", 0)), "why": text})
    return pd.DataFrame(rows)
