"""The graph a page or an export shows, built from the tables, with its evidence attached.

:func:`graph_view` turns links into outlets, camps or posts
(:mod:`amplify.graph`), filtered and focused, and attaches what a reader needs
-- counts, median lags, first and last times, two or three matched passages --
as node and edge attributes. :func:`workspace_view` does the same for a
workspace. Everything downstream (:func:`amplify.render.network_html`,
:func:`amplify.render.export_graph`) only reads these attributes.
"""

from __future__ import annotations

from typing import Sequence

import networkx as nx
import numpy as np
import pandas as pd

from amplify import schema
from amplify.analyze.cites import find_cites
from amplify.analyze.explain import link_spans
from amplify.analyze.outlet_kinds import select_outlet_kinds
from amplify.analyze.ties import day_only_outlets, orient_ties
from amplify.detect.settings import describe_record
from amplify.graph import annotate_links, filter_links, group_graph, outlet_graph, outlet_nodes, post_graph, without_ties
from amplify.render.coordination import coordination_overlay
from amplify.render.layout import time_layout
from amplify.render.readable import fmt_int, fmt_time, shorten
from amplify.render.textsafe import clean_text, is_missing, jsonable
from amplify.workspace.linksets import find_linkset
from amplify.utc import iso_z

__all__ = ["LEVELS", "graph_view", "workspace_view", "graph_level", "ordered_subgraph"]

#: Graph levels: outlets, camps (groups) or posts.
LEVELS = ("outlet", "camp", "post")
#: How much of a post the side-by-side view of a post page carries (``amplify explain`` shows it whole).
SIDE_CHARS = 4000


def graph_view(links: pd.DataFrame, posts: pd.DataFrame, outlets: pd.DataFrame | None = None, *,
               level: str = "outlet", since=None, until=None, kinds=None, parents_only: bool = True,
               focus: str | None = None, examples: int = 3, text_limit: int = 280, ties: bool = True,
               cites: pd.DataFrame | bool | None = None, outlet_kinds=None) -> nx.DiGraph:
    """The graph a network page or an export shows, with evidence attached.

    Parameters
    ----------
    links, posts, outlets : DataFrame
        Canonical tables (:mod:`amplify.schema`); ``outlets`` may be None.
    level : {"outlet", "camp", "post"}
        Outlets (:func:`amplify.graph.outlet_graph`), camps
        (:func:`amplify.graph.group_graph`) or posts (:func:`amplify.graph.post_graph`).
    since, until, kinds, parents_only
        As for :func:`amplify.graph.filter_links` (parents only by default: each echo
        counts once, from its most likely direct source).
    focus : str, optional
        ``level="post"``: a post id draws its cascade (the post and everything that
        echoed it, directly or not); an outlet draws the cascades of its posts.
        ``level="outlet"``/``"camp"``: an outlet, camp or post id keeps that node and
        its direct neighbours.
    examples : int
        Matched passages kept per node and per edge (``examples`` attribute).
    text_limit : int
        Passages and post texts are cut to this many characters.
    ties : bool
        Orient ties by their evidence (:func:`amplify.analyze.ties.orient_ties`)
        and count the rest as undirected co-publications (default), or leave
        every tie out.
    cites : DataFrame or bool, optional
        Citations without a matched post (:func:`amplify.analyze.cites.find_cites`),
        or True to find them here; outlet and camp levels draw them as their
        own edges (``cites``).
    outlet_kinds : list of str, optional
        Only outlets of these kinds (:func:`amplify.analyze.outlet_kinds.select_outlet_kinds`).

    Returns
    -------
    networkx.DiGraph
        Edges point from source to echo. Outlet nodes carry ``group``, ``kind``,
        ``name``, ``posts``, ``echoes_given``, ``echoes_received``, ``echoes``,
        ``lag_s_median`` (its echoes of others), ``lag_s_median_given``, ``first``
        and ``last`` (its first and last post, ISO strings) and ``examples`` (a
        list of dicts); edges carry ``count``, mean ``score``, ``lag_s_median``,
        ``first``, ``last``, ``n_<kind>``, ``ties`` (undirected co-publications),
        ``oriented_ties``, ``cites`` (with ``cites``), ``relation`` (``echo``,
        ``tie``, ``cites`` joined by ``+``: what the edge holds) and
        ``examples``. Post nodes carry
        ``outlet``, ``group``, ``kind``, ``time``, ``text``, ``echoes`` (cascade
        size below the post) and ``direct``; post edges the link's evidence and
        ``passage``. ``graph.graph`` records the level, filters, totals and focus.
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
    if outlet_kinds:
        links, posts, outlets = select_outlet_kinds(links, posts, outlets, outlet_kinds)
    tie_summary = None
    if ties:
        links, tie_summary = orient_ties(links, posts, outlets)
    else:
        links = without_ties(links)
    if cites is True:
        cites = find_cites(posts, outlets, links) if level != "post" else None
    elif cites is False:
        cites = None
    ls = filter_links(links, posts, since=since, until=until, kinds=kinds, parents_only=parents_only)
    texts = posts.set_index("post_id")["text"]
    ann = annotate_links(ls, posts, outlets)
    meta = {"level": level, "since": iso_z(since) if since is not None else None,
            "until": iso_z(until) if until is not None else None, "kinds": _kinds_label(kinds),
            "parents_only": bool(parents_only), "n_links": int(len(ls)), "n_posts": int(len(posts)),
            "ties": bool(ties), "outlet_kinds": ", ".join(outlet_kinds) if outlet_kinds else None}
    meta["warnings"] = []
    if tie_summary is not None and tie_summary.warning():
        meta["ties_note"] = tie_summary.warning()
        meta["warnings"].append(tie_summary.warning())
    if cites is not None:
        meta["n_cites"] = int(len(cites))
    if len(posts):
        meta["period"] = [iso_z(posts["published_at"].min()), iso_z(posts["published_at"].max())]
    filters = dict(since=since, until=until, kinds=kinds, parents_only=parents_only, ties=ties, cites=cites)
    evidence = dict(examples=examples, texts=texts, text_limit=text_limit)

    if level == "post":
        g = _post_view(ls, ann, posts, outlets, focus, text_limit)
    elif level == "outlet":
        g = outlet_graph(links, posts, outlets, **filters) if len(links) else \
            _nodes_only(outlet_nodes(ls, posts, outlets), "outlet")
        times = posts.groupby("outlet", observed=True)["published_at"].agg(["min", "max"])
        _attach_evidence(g, ann, times, "source_outlet", "target_outlet", **evidence)
    else:
        if len(links):
            g = group_graph(links, posts, outlets, **filters)
        else:
            on = outlet_nodes(ls, posts, outlets)
            g = _nodes_only(on.groupby("group").agg(outlets=("outlet", "size"), posts=("posts", "sum"),
                                                    echoes_given=("echoes_given", "sum"),
                                                    echoes_received=("echoes_received", "sum")).reset_index(), "group")
        pg = _groups_of(outlets).reindex(posts["outlet"].to_numpy()).to_numpy(dtype=object)
        pg = np.where(pd.isna(pg), schema.UNKNOWN_GROUP, pg)
        times = posts.groupby(pg, observed=True)["published_at"].agg(["min", "max"]) if len(posts) else None
        _attach_evidence(g, ann, times, "source_group", "target_group", camp_nodes=True, **evidence)
    if level != "post":  # one time format everywhere: ISO 8601 UTC with a Z
        for *_, d in g.edges(data=True):
            for k in ("first", "last"):
                if d.get(k):
                    d[k] = iso_z(d[k])
            d["relation"] = "+".join(r for r, c in (("echo", "count"), ("tie", "ties"), ("cites", "cites"))
                                     if d.get(c)) or "echo"
    g.graph.update(meta)
    g = coordination_overlay(g, links, posts, outlets) if level == "outlet" and len(posts) else g
    if focus is not None and level != "post":
        g = _ego(g, focus, posts, outlets, level)
    return g


def workspace_view(ws, *, linkset: str | None = None, level: str = "outlet", cites: bool = True,
                   **kw) -> nx.DiGraph:
    """:func:`graph_view` of a :class:`~amplify.workspace.Workspace` (its latest link set by default),
    with its citations (``cites``; outlet and camp levels)."""
    cols = [c for c in ("post_id", "outlet", "published_at", "text", "url", "reposted_id", "quoted_id")
            if c in ws.post_columns() or c in ("post_id", "outlet", "published_at", "text")]
    posts = ws.posts(columns=cols)
    links = ws.links(linkset=linkset)
    outlets = ws.outlets()
    found = bool(cites) and level != "post"
    if found and not kw.get("outlet_kinds"):
        # the names cited, found once per workspace and kept; echoes judged on the links as graph_view counts
        # them (ties oriented once here: graph_view keeps an oriented table, and its summary, as it is)
        from amplify.analyze.cites_store import workspace_cites

        links = orient_ties(links, posts, outlets)[0] if kw.get("ties", True) else without_ties(links)
        found = workspace_cites(ws, outlets, links, posts=posts)
    g = graph_view(links, posts, outlets, level=level, cites=found, **kw)
    g.graph["n_outlets"] = int(posts["outlet"].nunique())
    detection = describe_record(find_linkset(ws.path, ws.linksets(), linkset)["settings"])
    if detection:
        g.graph["detection"] = detection
    return g


def graph_level(g: nx.DiGraph) -> str:
    """The level of ``g``: its ``level`` attribute, else guessed from a node's attributes."""
    lvl = g.graph.get("level")
    if lvl in LEVELS:
        return lvl
    sample = next(iter(g.nodes(data=True)), (None, {}))[1]
    if "time" in sample and "outlet" in sample:
        return "post"
    if "outlets" in sample:
        return "camp"
    return "outlet"


def ordered_subgraph(g: nx.DiGraph, nodes) -> nx.DiGraph:
    """The subgraph of ``g`` induced by ``nodes``, as a new graph in ``g``'s node and edge order.

    ``g.subgraph(nodes)`` is not used: when the kept nodes are fewer than half of
    ``g`` (or of a node's neighbours), networkx's view iterates over the *set* of
    kept nodes, whose order changes from one Python process to the next (string
    hashing is randomised), so two runs wrote the same page with its nodes in a
    different order. Attribute dicts are shallow copies, as with ``subgraph().copy()``.
    """
    keep = set(nodes)
    order = [n for n in g if n in keep]
    sub = g.__class__()
    sub.graph.update(g.graph)
    sub.add_nodes_from((n, g.nodes[n]) for n in order)
    if g.is_multigraph():
        sub.add_edges_from((a, b, k, d) for a, b, k, d in g.edges(order, keys=True, data=True) if b in keep)
    else:
        sub.add_edges_from((a, b, d) for a, b, d in g.edges(order, data=True) if b in keep)
    return sub


# --------------------------------------------------------------------------- evidence


def _kinds_label(kinds) -> str:
    return ", ".join(kinds) if kinds else "all kinds"


def _attach_evidence(g: nx.DiGraph, ann: pd.DataFrame, times, src: str, dst: str, *, examples: int,
                     texts: pd.Series, text_limit: int, camp_nodes: bool = False) -> None:
    """Echo totals, median lags, first/last times and example passages on an outlet or camp graph.

    ``src``/``dst`` are the annotated links' columns naming the nodes
    (``source_outlet``/``target_outlet`` or ``source_group``/``target_group``);
    ``times`` holds each node's first and last post (``min``/``max``), or None.
    With ``camp_nodes`` a node also gets ``group`` (itself); else (outlets) the
    median lag of its echoes by others.
    """
    lag_in = ann.groupby(dst, observed=True)["lag_s"].median()
    lag_out = None if camp_nodes else ann.groupby(src, observed=True)["lag_s"].median()
    nex = _node_examples(ann, src, dst, examples, texts, text_limit)
    eex = _edge_examples(ann, src, dst, examples, texts, text_limit)
    for n, d in g.nodes(data=True):
        d["echoes"] = int(d.get("echoes_given", 0)) + int(d.get("echoes_received", 0))
        if camp_nodes:
            d["group"] = n
        if n in lag_in.index:
            d["lag_s_median"] = float(lag_in[n])
        if lag_out is not None and n in lag_out.index:
            d["lag_s_median_given"] = float(lag_out[n])
        if times is not None and n in times.index:
            d["first"], d["last"] = iso_z(times.at[n, "min"]), iso_z(times.at[n, "max"])
        d["examples"] = nex.get(n, [])
    for a, b, d in g.edges(data=True):
        d["examples"] = eex.get((a, b), [])


def _passages(ann: pd.DataFrame, texts: pd.Series, limit: int) -> list[str]:
    """The matched text of each link, as it appears in the echo (target)."""
    t = texts.reindex(ann["target_id"].to_numpy()).to_numpy(dtype=object)
    out = []
    for txt, a, b in zip(t, ann["target_start"].to_numpy(), ann["target_end"].to_numpy()):
        if not isinstance(txt, str):
            out.append("")
            continue
        seg = txt[int(a):int(b)] if b > a else txt
        out.append(shorten(" ".join(seg.split()), limit))
    return out


def _example_records(sel: pd.DataFrame, texts: pd.Series, limit: int, src_key: str, dst_key: str) -> list[dict]:
    passages = _passages(sel, texts, limit)
    recs = []
    for row, text in zip(sel.itertuples(index=False), passages):
        recs.append({"src": getattr(row, src_key), "dst": getattr(row, dst_key), "kind": row.kind,
                     "score": float(row.score), "lag_s": float(row.lag_s), "source_id": row.source_id,
                     "target_id": row.target_id, "time": iso_z(row.target_time), "text": text})
    return recs


def _top_examples(ann: pd.DataFrame, keys: Sequence[str], n: int) -> pd.DataFrame:
    """Best ``n`` links per key: highest score, then earliest; one per source post."""
    if ann.empty or n <= 0:
        return ann.iloc[:0]
    s = ann.sort_values(["score", "target_time", "target_id"], ascending=[False, True, True], kind="stable")
    s = s.drop_duplicates(list(keys) + ["source_id"])
    return s.groupby(list(keys), sort=False, observed=True).head(n)


def _node_examples(ann: pd.DataFrame, src: str, dst: str, n: int, texts, limit) -> dict:
    """Up to ``n`` example links per node, the node being the source or the echo."""
    if ann.empty or n <= 0:
        return {}
    both = pd.concat([ann.assign(_key=ann[src]), ann.assign(_key=ann[dst])], ignore_index=True)
    top = _top_examples(both, ["_key"], n)
    recs = _example_records(top, texts, limit, src, dst)
    out: dict = {}
    for k, r in zip(top["_key"].to_numpy(dtype=object), recs):
        out.setdefault(k, []).append(r)
    return out


def _edge_examples(ann: pd.DataFrame, src: str, dst: str, n: int, texts, limit) -> dict:
    """Up to ``n`` example links per edge ``(source node, echo node)``."""
    if ann.empty or n <= 0:
        return {}
    top = _top_examples(ann, [src, dst], n)
    recs = _example_records(top, texts, limit, src, dst)
    out: dict = {}
    for a, b, r in zip(top[src].to_numpy(dtype=object), top[dst].to_numpy(dtype=object), recs):
        out.setdefault((a, b), []).append(r)
    return out


# --------------------------------------------------------------------------- special views


def _nodes_only(nodes: pd.DataFrame, key: str) -> nx.DiGraph:
    """A graph of nodes without edges (amplify.graph's edge tables fail on no links)."""
    g = nx.DiGraph()
    for rec in nodes.to_dict("records"):
        g.add_node(rec[key], **{k: jsonable(v) for k, v in rec.items() if k != key and not is_missing(v)})
    return g


def _groups_of(outlets) -> pd.Series:
    if outlets is None or not len(outlets):
        return pd.Series(dtype=object)
    return outlets.set_index("outlet")["group"]


def _ego(g: nx.DiGraph, focus: str, posts, outlets, level: str) -> nx.DiGraph:
    """``focus`` (an outlet, camp or post id) and its direct neighbours."""
    node = focus
    if node not in g:
        # a post id -> its outlet (or camp); an outlet -> its camp
        p = posts.loc[posts["post_id"] == focus, "outlet"]
        if len(p):
            node = p.iloc[0]
        if level == "camp" and node not in g:
            grp = _groups_of(outlets).get(node)
            known = len(p) or (posts["outlet"] == node).any()
            node = grp if grp is not None and not is_missing(grp) else (schema.UNKNOWN_GROUP if known else None)
    if node is None or node not in g:
        raise ValueError(f"focus {focus!r} names no {'outlet' if level == 'outlet' else 'camp, outlet'} "
                         f"or post of this corpus")
    keep = {node} | set(g.predecessors(node)) | set(g.successors(node))
    sub = ordered_subgraph(g, keep)
    what = {"outlet": "outlets", "camp": "camps"}[level]
    sub.graph["focus"] = str(node)
    sub.graph["focus_note"] = (f"Focused on {node}: it and the {fmt_int(len(keep) - 1)} {what} it echoes "
                               f"or is echoed by.")
    return sub


def _cascade_posts(ls: pd.DataFrame, posts_by_id: pd.DataFrame, full: nx.DiGraph, focus: str) -> set:
    """The posts a focused post view draws: the cascade of post ``focus``, or those of outlet ``focus``'s posts."""
    if focus in posts_by_id.index:
        seeds = [focus]
    else:
        seeds = posts_by_id.index[posts_by_id["outlet"] == focus].tolist()
        if not seeds:
            raise ValueError(f"--focus {focus!r} is neither a post id nor an outlet of this corpus")
    keep: set = set()
    for s in seeds:
        if s in full:
            keep |= {s} | nx.descendants(full, s)
        elif s == focus:
            keep.add(s)
    if len(seeds) > 1:  # an outlet: only its posts that were echoed, and their cascades
        post_ids = set(ls["source_id"]) | set(ls["target_id"])
        keep = {n for n in keep if n in post_ids}
    return keep


def _post_view(ls, ann, posts, outlets, focus, text_limit) -> nx.DiGraph:
    """Posts as nodes, links as edges; with ``focus``, one cascade (or an outlet's) laid out in time order."""
    p = posts.set_index("post_id")
    if focus is not None:
        full = post_graph(ls, posts, outlets)
        keep = _cascade_posts(ls, p, full, focus)
        ann = ann[ann["source_id"].isin(keep) & ann["target_id"].isin(keep)]
        ls = ls[ls["source_id"].isin(keep) & ls["target_id"].isin(keep)]
        upstream = len(nx.ancestors(full, focus)) if focus in full else 0
    g = post_graph(ls, posts, outlets)
    if focus is not None:
        for s in sorted(keep - set(g), key=str):  # posts without a link left: drawn alone
            g.add_node(s)
    _describe_posts(g, p, outlets, text_limit, dated=set(day_only_outlets(posts)))
    passages = dict(zip(zip(ann["source_id"], ann["target_id"]), _passages(ann, p["text"], text_limit)))
    marks = {(s, t): link_spans(r) for s, t, r in zip(ann["source_id"], ann["target_id"], ann.to_dict("records"))}
    for a, b, d in g.edges(data=True):
        d["passage"] = passages.get((a, b), "")
        d["marks"] = [list(m) for m in marks.get((a, b), [])]  # every passage, for the side-by-side view
    if focus is not None:
        g.graph["focus"] = str(focus)
        total = len(g)
        if focus in p.index:
            o = clean_text(p.at[focus, "outlet"])
            note = (f"The cascade of post {focus} ({o}, {fmt_time(p.at[focus, 'published_at'])}): "
                    f"{fmt_int(total - 1)} echoes, in time order from left to right.")
            if upstream:
                note += f" The post itself echoes {fmt_int(upstream)} earlier post(s) (not shown)."
        else:
            note = f"The cascades started by {focus}'s posts: {fmt_int(total)} posts, in time order."
        g.graph["focus_note"] = note
        time_layout(g)
    return g


def _describe_posts(g: nx.DiGraph, posts_by_id: pd.DataFrame, outlets, text_limit: int, dated=frozenset()) -> None:
    """Outlet, camp, kind, time, text, url, direct echoes and cascade size on every post node; ``time_unit``
    ``day`` on a post of an outlet that gives dates only (``dated``), whose label and tooltip show its date."""
    kinds = outlets.set_index("outlet")["kind"] if outlets is not None and "kind" in outlets.columns else None
    groups = outlets.set_index("outlet")["group"] if outlets is not None and len(outlets) else None
    rows = posts_by_id.reindex(list(g.nodes))
    for n, d in g.nodes(data=True):
        r = rows.loc[n]
        d["outlet"] = clean_text(r["outlet"])
        d["group"] = groups.get(r["outlet"], schema.UNKNOWN_GROUP) if groups is not None else schema.UNKNOWN_GROUP
        if is_missing(d["group"]):
            d["group"] = schema.UNKNOWN_GROUP
        if kinds is not None and not is_missing(kinds.get(r["outlet"])):
            d["kind"] = str(kinds.get(r["outlet"]))
        d["time"] = iso_z(r["published_at"])
        if r["outlet"] in dated and d["time"] and d["time"][10:19] == "T00:00:00":
            d["time_unit"] = "day"
        d["text"] = shorten(r["text"], text_limit)
        if len(d["text"]) < len(clean_text(r["text"])):  # the side-by-side view reads further
            d["full_text"] = shorten(r["text"], SIDE_CHARS)
        if "url" in r.index and not is_missing(r["url"]):
            d["url"] = clean_text(r["url"])
        d["direct"] = int(g.out_degree(n))
        d["echoes"] = len(nx.descendants(g, n)) if g.out_degree(n) else 0
        d["posts"] = 1
