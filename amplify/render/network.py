"""Interactive, self-contained network pages (pyvis / vis-network).

:func:`graph_view` turns links into the graph a page shows -- outlets, camps or
posts -- with everything a reader needs in the tooltips (camp, kind, counts,
median lags, two or three matched passages). :func:`network_html` draws any
such graph as one HTML file that opens in any browser **with no network**:

* pyvis builds the node and edge options; the page is our own template with
  vis-network's script and style (shipped inside the pyvis package) inlined --
  nothing is fetched from a CDN and no ``lib/`` folder is written;
* every piece of text from the data (post text, outlet names, ids) reaches the
  page only as JSON inside a ``<script type="application/json">`` block, with
  ``<``, ``>``, ``&``, U+2028 and U+2029 escaped, and is put into the page with
  ``textContent`` (never ``innerHTML``); labels are drawn on the canvas. A
  Content-Security-Policy with a per-page nonce blocks any script that is not
  ours and every network request, as a second line of defence;
* colour shows the camp (or kind, or community) with a legend; node size a
  chosen metric; edge width the number of echoes; arrows point from the source
  to the echo; a search box finds a node; the layout runs a bounded number of
  physics iterations and then stops (``physics: false``) -- no endless jiggle;
* when ``top`` cuts the graph, the page says so ("Showing the 300 outlets with
  the most echoes, of 4,812 ...").

Examples
--------
>>> import networkx as nx
>>> g = nx.DiGraph()
>>> g.add_node("tass", group="RU", posts=3, echoes_given=2, echoes_received=0)
>>> g.add_node("cgtn", group="CN", posts=2, echoes_given=0, echoes_received=2)
>>> g.add_edge("tass", "cgtn", count=2)
>>> page = network_html(g, title="Demo")
>>> page.n_nodes, page.n_edges, "<script src=" in page.html
(2, 1, False)
"""

from __future__ import annotations

import html as _html
import json
import math
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

import networkx as nx
import numpy as np
import pandas as pd

from amplify import schema

__all__ = [
    "LEVELS",
    "COLOR_BY",
    "SIZE_BY",
    "MAX_NODES",
    "DEFAULT_TOP",
    "graph_view",
    "workspace_view",
    "network_html",
    "write_network",
    "NetworkPage",
    "script_json",
    "clean_text",
    "camp_colors",
]

#: Graph levels: outlets, camps (groups) or posts.
LEVELS = ("outlet", "camp", "post")
#: What node colour shows.
COLOR_BY = ("group", "kind", "community")
#: What node size shows.
SIZE_BY = ("echoes", "betweenness", "pagerank", "posts")
#: Larger graphs are always pruned to this many nodes (a browser lays out 5,000 in seconds).
MAX_NODES = 5000
#: The command line's default ``--top``.
DEFAULT_TOP = 300

# Fixed colours for the usual camps, so RU is red in every figure of a paper; other
# labels take the next free colour of PALETTE in sorted order.
CAMP_COLORS = {
    "RU": "#d1495b", "CN": "#edae49", "IR": "#2e933c", "WEST": "#00798c", "US": "#30638e",
    "EU": "#3d5a80", "UA": "#5fa8d3", "TR": "#8d6a9f", "KP": "#6d3b47", "BY": "#e07a5f",
    schema.UNKNOWN_GROUP: "#9e9e9e",
}
PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
           "#9c755f", "#17becf", "#bcbd22", "#8c564b", "#e377c2", "#1f77b4", "#2ca02c", "#d62728",
           "#9467bd", "#7f7f7f", "#aec7e8", "#ffbb78")
OTHER_COLOR = "#c7c7c7"

_TEMPLATES = Path(__file__).with_name("templates")


# --------------------------------------------------------------------------- text safety


def clean_text(s: Any) -> str:
    """``s`` as a string that any encoder accepts: lone surrogates become U+FFFD.

    (Paired surrogates, as some JSON decoders leave them, are joined.)

    >>> clean_text("a\\ud800b"), clean_text(None), clean_text(3)
    ('a\\ufffdb', '', '3')
    """
    if s is None or (not isinstance(s, str) and _isna(s)):
        return ""
    s = s if isinstance(s, str) else str(s)
    try:
        s.encode("utf-8")
        return s
    except UnicodeEncodeError:
        return s.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _isna(v) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _jsonable(v):
    """Plain JSON values: numpy scalars unwrapped, NaN/NA to None, text cleaned."""
    if isinstance(v, str):
        return clean_text(v)
    if isinstance(v, bool) or v is None:
        return v
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return None if not math.isfinite(float(v)) else float(v)
    if isinstance(v, np.bool_):
        return bool(v)
    if isinstance(v, pd.Timestamp):
        return None if pd.isna(v) else _iso(v)
    if isinstance(v, dict):
        return {clean_text(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple, set, frozenset, np.ndarray)):
        return [_jsonable(x) for x in v]
    if _isna(v):
        return None
    return clean_text(v)


def script_json(obj) -> str:
    """JSON that is safe inside an HTML ``<script>`` element.

    ``<``, ``>`` and ``&`` are written as ``\\u003c`` ``\\u003e`` ``\\u0026`` so no
    ``</script>`` or ``<!--`` in the data can end or change the script block, and
    U+2028/U+2029 are escaped for old JavaScript parsers. The result is still
    JSON: ``json.loads`` reads it back unchanged.

    >>> script_json({"t": "</script><b>&"})
    '{"t":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    s = json.dumps(_jsonable(obj), ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return (s.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _iso(t) -> str:
    """ISO 8601 UTC with a ``Z``, to the second."""
    t = pd.Timestamp(t)
    t = t.tz_localize("UTC") if t.tz is None else t.tz_convert("UTC")
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def fmt_int(n) -> str:
    """``4812`` -> ``'4,812'``."""
    try:
        return f"{int(n):,}"
    except (TypeError, ValueError):
        return str(n)


def fmt_lag(seconds) -> str:
    """A lag in seconds as a person would say it: ``'45 s'``, ``'3 h 20 min'``, ``'2 d 4 h'``.

    >>> fmt_lag(45), fmt_lag(12000), fmt_lag(190000), fmt_lag(None)
    ('45 s', '3 h 20 min', '2 d 4 h', '–')
    """
    if seconds is None or _isna(seconds):
        return "–"
    s = float(seconds)
    if s < 60:
        return f"{s:.0f} s"
    m = s / 60
    if m < 60:
        return f"{m:.0f} min"
    h, mm = divmod(int(round(m)), 60)
    if h < 24:
        return f"{h} h {mm} min" if mm else f"{h} h"
    d, hh = divmod(h, 24)
    return f"{d} d {hh} h" if hh else f"{d} d"


def fmt_time(t) -> str:
    """``'2022-01-05 10:00 UTC'``."""
    if t is None or _isna(t):
        return "–"
    t = pd.Timestamp(t)
    t = t.tz_localize("UTC") if t.tz is None else t.tz_convert("UTC")
    return t.strftime("%Y-%m-%d %H:%M UTC")


def _short(text: str, limit: int) -> str:
    text = clean_text(text)
    return text if len(text) <= limit else text[: max(limit - 1, 1)].rstrip() + "…"


# --------------------------------------------------------------------------- graph views


def _kinds_label(kinds) -> str:
    return ", ".join(kinds) if kinds else "all kinds"


def _passages(ann: pd.DataFrame, texts: pd.Series, limit: int) -> list[str]:
    """The matched text of each link, as it appears in the echo (target)."""
    t = texts.reindex(ann["target_id"].to_numpy()).to_numpy(dtype=object)
    out = []
    for txt, a, b in zip(t, ann["target_start"].to_numpy(), ann["target_end"].to_numpy()):
        if not isinstance(txt, str):
            out.append("")
            continue
        seg = txt[int(a):int(b)] if b > a else txt
        out.append(_short(" ".join(seg.split()), limit))
    return out


def _example_records(sel: pd.DataFrame, texts: pd.Series, limit: int, src_key: str, dst_key: str) -> list[dict]:
    passages = _passages(sel, texts, limit)
    recs = []
    for row, text in zip(sel.itertuples(index=False), passages):
        recs.append({"src": getattr(row, src_key), "dst": getattr(row, dst_key), "kind": row.kind,
                     "score": float(row.score), "lag_s": float(row.lag_s), "source_id": row.source_id,
                     "target_id": row.target_id, "time": _iso(row.target_time), "text": text})
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
    if ann.empty or n <= 0:
        return {}
    top = _top_examples(ann, [src, dst], n)
    recs = _example_records(top, texts, limit, src, dst)
    out: dict = {}
    for a, b, r in zip(top[src].to_numpy(dtype=object), top[dst].to_numpy(dtype=object), recs):
        out.setdefault((a, b), []).append(r)
    return out


def graph_view(links: pd.DataFrame, posts: pd.DataFrame, outlets: pd.DataFrame | None = None, *,
               level: str = "outlet", since=None, until=None, kinds=None, parents_only: bool = True,
               focus: str | None = None, examples: int = 3, text_limit: int = 280) -> nx.DiGraph:
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

    Returns
    -------
    networkx.DiGraph
        Edges point from source to echo. Outlet nodes carry ``group``, ``kind``,
        ``name``, ``posts``, ``echoes_given``, ``echoes_received``, ``echoes``,
        ``lag_s_median`` (its echoes of others), ``lag_s_median_given``, ``first``
        and ``last`` (its first and last post, ISO strings) and ``examples`` (a
        list of dicts); edges carry ``count``, mean ``score``, ``lag_s_median``,
        ``first``, ``last``, ``n_<kind>`` and ``examples``. Post nodes carry
        ``outlet``, ``group``, ``kind``, ``time``, ``text``, ``echoes`` (cascade
        size below the post) and ``direct``; post edges the link's evidence and
        ``passage``. ``graph.graph`` records the level, filters, totals and focus.
    """
    from amplify import graph as G

    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
    ls = G.filter_links(links, posts, since=since, until=until, kinds=kinds, parents_only=parents_only)
    texts = posts.set_index("post_id")["text"]
    ann = G.annotate_links(ls, posts, outlets)
    meta = {"level": level, "since": _iso(since) if since is not None else None,
            "until": _iso(until) if until is not None else None, "kinds": _kinds_label(kinds),
            "parents_only": bool(parents_only), "n_links": int(len(ls)), "n_posts": int(len(posts))}
    if len(posts):
        meta["period"] = [_iso(posts["published_at"].min()), _iso(posts["published_at"].max())]

    if level == "post":
        g = _post_view(ls, ann, posts, outlets, focus, text_limit)
    elif level == "outlet":
        g = G.outlet_graph(links, posts, outlets, since=since, until=until, kinds=kinds, parents_only=parents_only) \
            if len(ls) else _nodes_only(G.outlet_nodes(ls, posts, outlets), "outlet")
        times = posts.groupby("outlet", observed=True)["published_at"].agg(["min", "max"])
        lag_in = ann.groupby("target_outlet", observed=True)["lag_s"].median()
        lag_out = ann.groupby("source_outlet", observed=True)["lag_s"].median()
        nex = _node_examples(ann, "source_outlet", "target_outlet", examples, texts, text_limit)
        eex = _edge_examples(ann, "source_outlet", "target_outlet", examples, texts, text_limit)
        for n, d in g.nodes(data=True):
            d["echoes"] = int(d.get("echoes_given", 0)) + int(d.get("echoes_received", 0))
            if n in lag_in.index:
                d["lag_s_median"] = float(lag_in[n])
            if n in lag_out.index:
                d["lag_s_median_given"] = float(lag_out[n])
            if n in times.index:
                d["first"], d["last"] = _iso(times.at[n, "min"]), _iso(times.at[n, "max"])
            d["examples"] = nex.get(n, [])
        for a, b, d in g.edges(data=True):
            d["examples"] = eex.get((a, b), [])
    else:
        if len(ls):
            g = G.group_graph(links, posts, outlets, since=since, until=until, kinds=kinds, parents_only=parents_only)
        else:
            on = G.outlet_nodes(ls, posts, outlets)
            g = _nodes_only(on.groupby("group").agg(outlets=("outlet", "size"), posts=("posts", "sum"),
                                                    echoes_given=("echoes_given", "sum"),
                                                    echoes_received=("echoes_received", "sum")).reset_index(), "group")
        lag_in = ann.groupby("target_group", observed=True)["lag_s"].median()
        nex = _node_examples(ann, "source_group", "target_group", examples, texts, text_limit)
        eex = _edge_examples(ann, "source_group", "target_group", examples, texts, text_limit)
        gmap = _groups_of(outlets)
        pg = gmap.reindex(posts["outlet"].to_numpy()).to_numpy(dtype=object)
        pg = np.where(pd.isna(pg), schema.UNKNOWN_GROUP, pg)
        times = posts.groupby(pg, observed=True)["published_at"].agg(["min", "max"]) if len(posts) else None
        for n, d in g.nodes(data=True):
            d["echoes"] = int(d.get("echoes_given", 0)) + int(d.get("echoes_received", 0))
            d["group"] = n
            if n in lag_in.index:
                d["lag_s_median"] = float(lag_in[n])
            if times is not None and n in times.index:
                d["first"], d["last"] = _iso(times.at[n, "min"]), _iso(times.at[n, "max"])
            d["examples"] = nex.get(n, [])
        for a, b, d in g.edges(data=True):
            d["examples"] = eex.get((a, b), [])
    if level != "post":  # one time format everywhere: ISO 8601 UTC with a Z
        for *_, d in g.edges(data=True):
            for k in ("first", "last"):
                if d.get(k):
                    d[k] = _iso(d[k])
    g.graph.update(meta)
    if focus is not None and level != "post":
        g = _ego(g, focus, posts, outlets, level)
    return g


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


def _nodes_only(nodes: pd.DataFrame, key: str) -> nx.DiGraph:
    """A graph of nodes without edges (amplify.graph's edge tables fail on no links)."""
    g = nx.DiGraph()
    for rec in nodes.to_dict("records"):
        g.add_node(rec[key], **{k: _jsonable(v) for k, v in rec.items() if k != key and not _isna(v)})
    return g


def _groups_of(outlets) -> pd.Series:
    if outlets is None or not len(outlets):
        return pd.Series(dtype=object)
    return outlets.set_index("outlet")["group"]


def _ego(g: nx.DiGraph, focus: str, posts, outlets, level: str) -> nx.DiGraph:
    node = focus
    if node not in g:
        # a post id -> its outlet (or camp); an outlet -> its camp
        p = posts.loc[posts["post_id"] == focus, "outlet"]
        if len(p):
            node = p.iloc[0]
        if level == "camp" and node not in g:
            grp = _groups_of(outlets).get(node)
            known = len(p) or (posts["outlet"] == node).any()
            node = grp if grp is not None and not _isna(grp) else (schema.UNKNOWN_GROUP if known else None)
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


def _post_view(ls, ann, posts, outlets, focus, text_limit) -> nx.DiGraph:
    from amplify import graph as G

    p = posts.set_index("post_id")
    if focus is not None:
        post_ids = set(ls["source_id"]) | set(ls["target_id"])
        if focus in p.index:
            seeds = [focus]
        else:
            seeds = p.index[p["outlet"] == focus].tolist()
            if not seeds:
                raise ValueError(f"--focus {focus!r} is neither a post id nor an outlet of this corpus")
        full = G.post_graph(ls, posts, outlets)
        keep: set = set()
        for s in seeds:
            if s in full:
                keep |= {s} | nx.descendants(full, s)
            elif s == focus:
                keep.add(s)
        if len(seeds) > 1:  # an outlet: only its posts that were echoed, and their cascades
            keep = {n for n in keep if n in post_ids}
        ann = ann[ann["source_id"].isin(keep) & ann["target_id"].isin(keep)]
        ls = ls[ls["source_id"].isin(keep) & ls["target_id"].isin(keep)]
        upstream = len(nx.ancestors(full, focus)) if focus in full else 0
    g = G.post_graph(ls, posts, outlets)
    if focus is not None:
        for s in sorted(keep - set(g), key=str):  # posts without a link left: drawn alone
            g.add_node(s)
    kinds = outlets.set_index("outlet")["kind"] if outlets is not None and "kind" in outlets.columns else None
    groups = outlets.set_index("outlet")["group"] if outlets is not None and len(outlets) else None
    rows = p.reindex(list(g.nodes))
    for n, d in g.nodes(data=True):
        r = rows.loc[n]
        d["outlet"] = clean_text(r["outlet"])
        d["group"] = groups.get(r["outlet"], schema.UNKNOWN_GROUP) if groups is not None else schema.UNKNOWN_GROUP
        if _isna(d["group"]):
            d["group"] = schema.UNKNOWN_GROUP
        if kinds is not None and not _isna(kinds.get(r["outlet"])):
            d["kind"] = str(kinds.get(r["outlet"]))
        d["time"] = _iso(r["published_at"])
        d["text"] = _short(r["text"], text_limit)
        if "url" in r.index and not _isna(r["url"]):
            d["url"] = clean_text(r["url"])
        d["direct"] = int(g.out_degree(n))
        d["echoes"] = len(nx.descendants(g, n)) if g.out_degree(n) else 0
        d["posts"] = 1
    passages = dict(zip(zip(ann["source_id"], ann["target_id"]), _passages(ann, p["text"], text_limit)))
    for a, b, d in g.edges(data=True):
        d["passage"] = passages.get((a, b), "")
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
        _time_layout(g)
    return g


def _time_layout(g: nx.DiGraph, dx: float = 230.0, dy: float = 52.0) -> None:
    """Positions for a cascade: a tidy tree, left to right.

    A post's column is its hop count from the cascade's first post (every echo
    stands right of its source, so later in time); the echoes of one source are
    stacked top to bottom in the order they were published, and a source sits
    level with the middle of its echoes.
    """
    if not len(g):
        return
    times = {n: g.nodes[n].get("time") or "" for n in g}
    parent = {}
    for n in g:
        preds = sorted(g.predecessors(n), key=lambda p: (times[p], str(p)))
        if preds:
            parent[n] = preds[0]
    children: dict = {n: [] for n in g}
    for c, p in parent.items():
        children[p].append(c)
    for p in children:
        children[p].sort(key=lambda c: (times[c], str(c)))
    roots = sorted((n for n in g if n not in parent), key=lambda n: (times[n], str(n)))
    depth, row = {}, {}
    next_row = 0.0
    for r in roots:
        stack = [(r, 0, False)]
        while stack:
            v, dep, done = stack.pop()
            if done:
                kids = children[v]
                row[v] = (row[kids[0]] + row[kids[-1]]) / 2 if kids else next_row
                if not kids:
                    next_row += 1
                continue
            if v in depth:  # already placed (a second parent): leave it where it is
                continue
            depth[v] = dep
            stack.append((v, dep, True))
            for c in reversed(children[v]):
                stack.append((c, dep + 1, False))
        next_row += 0.6  # a gap between cascades
    for n in g:
        if n not in row:  # cycles cannot happen (links point forward in time); be safe
            depth[n], row[n] = 0, next_row
            next_row += 1
        g.nodes[n]["x"] = depth[n] * dx
        g.nodes[n]["y"] = row[n] * dy
    g.graph["layout"] = "time"


def workspace_view(ws, *, linkset: str | None = None, level: str = "outlet", **kw) -> nx.DiGraph:
    """:func:`graph_view` of a :class:`~amplify.workspace.Workspace` (its latest link set by default)."""
    cols = [c for c in ("post_id", "outlet", "published_at", "text", "url") if c in ws.post_columns() or
            c in ("post_id", "outlet", "published_at", "text")]
    posts = ws.posts(columns=cols)
    links = ws.links(linkset=linkset)
    g = graph_view(links, posts, ws.outlets(), level=level, **kw)
    g.graph["n_outlets"] = int(posts["outlet"].nunique())
    return g


# --------------------------------------------------------------------------- metrics, colours, pruning


def _infer_level(g: nx.DiGraph) -> str:
    lvl = g.graph.get("level")
    if lvl in LEVELS:
        return lvl
    sample = next(iter(g.nodes(data=True)), (None, {}))[1]
    if "time" in sample and "outlet" in sample:
        return "post"
    if "outlets" in sample:
        return "camp"
    return "outlet"


def _metric(g: nx.DiGraph, size_by: str, level: str) -> tuple[dict, str]:
    """Node values for ``size_by`` and a phrase for the page ("most echoes")."""
    if size_by == "echoes":
        vals = {}
        for n, d in g.nodes(data=True):
            if "echoes" in d:
                vals[n] = float(d["echoes"])
            elif "echoes_given" in d or "echoes_received" in d:
                vals[n] = float(d.get("echoes_given", 0)) + float(d.get("echoes_received", 0))
            else:
                vals[n] = float(sum(dd.get("count", 1) for *_, dd in g.in_edges(n, data=True)) +
                                sum(dd.get("count", 1) for *_, dd in g.out_edges(n, data=True)))
        return vals, ("the largest cascades" if level == "post" else "the most echoes")
    if size_by == "posts":
        return {n: float(d.get("posts", 1)) for n, d in g.nodes(data=True)}, "the most posts"
    if size_by == "betweenness":
        k = None if len(g) <= 1500 else 500
        vals = nx.betweenness_centrality(g, k=k, seed=0 if k else None)
        return vals, "the highest betweenness" + (" (estimated from 500 sampled sources)" if k else "")
    if size_by == "pagerank":
        if g.number_of_edges() == 0:
            return {n: 1.0 / max(len(g), 1) for n in g}, "the highest PageRank"
        return pagerank(g, weight="count"), "the highest PageRank"
    raise ValueError(f"size_by must be one of {SIZE_BY}, not {size_by!r}")


def pagerank(g: nx.DiGraph, weight: str | None = "count", alpha: float = 0.85, tol: float = 1e-10,
             max_iter: int = 200) -> dict:
    """PageRank by power iteration with numpy (networkx's needs scipy); dangling mass spread evenly.

    Same definition as :func:`networkx.pagerank` (uniform teleport and dangling
    distribution); edges weighted by ``weight`` (default the echo count).
    """
    nodes = list(g)
    n = len(nodes)
    if n == 0:
        return {}
    idx = {v: i for i, v in enumerate(nodes)}
    src = np.fromiter((idx[a] for a, _ in g.edges()), dtype=np.int64, count=g.number_of_edges())
    dst = np.fromiter((idx[b] for _, b in g.edges()), dtype=np.int64, count=g.number_of_edges())
    w = np.fromiter((float(d.get(weight, 1.0)) if weight else 1.0 for *_, d in g.edges(data=True)),
                    dtype=float, count=g.number_of_edges())
    out_w = np.bincount(src, weights=w, minlength=n)
    dangling = out_w == 0
    share = np.divide(w, out_w[src], out=np.zeros_like(w), where=out_w[src] > 0)
    x = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        new = alpha * np.bincount(dst, weights=x[src] * share, minlength=n)
        new += (alpha * x[dangling].sum() + (1 - alpha)) / n
        if np.abs(new - x).sum() < n * tol:
            x = new
            break
        x = new
    return {v: float(x[i]) for i, v in enumerate(nodes)}


def camp_colors(labels: Iterable[str]) -> dict:
    """A colour per camp label: fixed ones for the usual camps, the palette for the rest."""
    out, used = {}, set()
    labels = sorted({str(x) for x in labels})
    for lab in labels:
        if lab in CAMP_COLORS:
            out[lab] = CAMP_COLORS[lab]
            used.add(CAMP_COLORS[lab])
    free = [c for c in PALETTE if c not in used]
    i = 0
    for lab in labels:
        if lab not in out:
            out[lab] = free[i] if i < len(free) else OTHER_COLOR
            i += 1
    return out


def _communities(g: nx.DiGraph) -> dict:
    """Louvain communities of the undirected, count-weighted graph (seed 0), largest first."""
    u = nx.Graph()
    u.add_nodes_from(g)
    for a, b, d in g.edges(data=True):
        w = float(d.get("count", 1))
        if u.has_edge(a, b):
            u[a][b]["weight"] += w
        else:
            u.add_edge(a, b, weight=w)
    comms = nx.community.louvain_communities(u, weight="weight", seed=0) if len(u) else []
    comms = sorted(comms, key=lambda c: (-len(c), min(map(str, c))))
    return {n: i + 1 for i, c in enumerate(comms) for n in c}


def _color_keys(g: nx.DiGraph, color_by: str) -> tuple[dict, str]:
    if color_by == "group":
        return {n: str(d.get("group") or schema.UNKNOWN_GROUP) for n, d in g.nodes(data=True)}, "Camp"
    if color_by == "kind":
        return {n: str(d.get("kind") or "unknown kind") for n, d in g.nodes(data=True)}, "Kind"
    if color_by == "community":
        return {n: f"#{c}" for n, c in _communities(g).items()}, "Community (Louvain)"
    raise ValueError(f"color_by must be one of {COLOR_BY}, not {color_by!r}")


def _prune(g: nx.DiGraph, vals: dict, top: int, level: str, phrase: str, unit: str) -> tuple[nx.DiGraph, str]:
    n = len(g)
    if top is None or n <= top:
        return g, ""
    if level == "post" and g.number_of_edges():
        comps = sorted(nx.weakly_connected_components(g), key=lambda c: (-len(c), min(map(str, c))))
        keep: set = set()
        used = 0
        for c in comps:
            if len(keep) + len(c) > top:
                if not keep:  # a single cascade larger than top: its earliest posts
                    keep = set(sorted(c, key=lambda x: (g.nodes[x].get("time", ""), str(x)))[:top])
                    used = 1
                break
            keep |= c
            used += 1
        note = (f"Showing the {fmt_int(used)} largest cascades ({fmt_int(len(keep))} posts), "
                f"of {fmt_int(len(comps))} cascades ({fmt_int(n)} posts).")
        return ordered_subgraph(g, keep), note
    order = sorted(g.nodes, key=lambda x: (-vals.get(x, 0.0), str(x)))[:top]
    sub = ordered_subgraph(g, order)
    note = (f"Showing the {fmt_int(top)} {unit} with {phrase}, of {fmt_int(n)}; "
            f"{fmt_int(sub.number_of_edges())} of {fmt_int(g.number_of_edges())} links drawn.")
    return sub, note


# --------------------------------------------------------------------------- tooltips


def _lag_rows(d: dict) -> list:
    rows = []
    if d.get("lag_s_median") is not None:
        rows.append(["Median lag when echoing", fmt_lag(d["lag_s_median"])])
    if d.get("lag_s_median_given") is not None:
        rows.append(["Median lag of its echoes", fmt_lag(d["lag_s_median_given"])])
    return rows


def _example_tips(examples, level: str) -> list:
    out = []
    for x in examples or []:
        if not isinstance(x, dict):
            continue
        head = f"{x.get('src', '')} → {x.get('dst', '')} · {x.get('kind', '')}"
        if x.get("score") is not None:
            head += f" {float(x['score']):.0f}"
        head += f" · after {fmt_lag(x.get('lag_s'))}"
        out.append({"head": head, "text": x.get("text", "")})
    return out


def _node_tip(n, d: dict, level: str, size_label: str, value: float, color_label: str, key: str) -> dict:
    if level == "post":
        rows = [["Outlet", d.get("outlet", "")], ["Camp", d.get("group", "")]]
        if d.get("kind"):
            rows.append(["Kind", d["kind"]])
        rows += [["Published", fmt_time(d.get("time"))], ["Direct echoes", fmt_int(d.get("direct", 0))],
                 ["Cascade below", fmt_int(d.get("echoes", 0))]]
        if d.get("url"):
            rows.append(["URL", d["url"]])
        return {"title": f"Post {n}", "rows": rows, "text": d.get("text", "")}
    if level == "camp":
        rows = [["Outlets", fmt_int(d.get("outlets", 0))], ["Posts", fmt_int(d.get("posts", 0))],
                ["Echoes given", fmt_int(d.get("echoes_given", 0))],
                ["Echoes received", fmt_int(d.get("echoes_received", 0))]] + _lag_rows(d)
        return {"title": f"Camp {n}", "rows": rows, "ex": _example_tips(d.get("examples"), level)}
    name = d.get("name")
    rows = [["Camp", d.get("group", schema.UNKNOWN_GROUP)], ["Kind", d.get("kind") or "–"]]
    if d.get("country"):
        rows.append(["Country", d["country"]])
    rows += [["Posts", fmt_int(d.get("posts", 0))],
             ["Echoed by others", fmt_int(d.get("echoes_given", 0))],
             ["Echoes of others", fmt_int(d.get("echoes_received", 0))]] + _lag_rows(d)
    if size_label not in ("echoes", "posts"):
        rows.append([size_label.capitalize(), f"{value:.4g}"])
    if color_label.startswith("Community"):
        rows.append(["Community", key])
    tip = {"title": str(n), "rows": rows}
    if name and name != n:
        tip["sub"] = name
    ex = _example_tips(d.get("examples"), level)
    if ex:
        tip["ex"] = ex
    return tip


def _edge_tip(a, b, d: dict, level: str) -> dict:
    if level == "post":
        rows = [["Kind", d.get("kind", "")], ["Score", f"{float(d.get('score', 0)):.0f}"],
                ["Lag", fmt_lag(d.get("lag_s"))], ["Names the source", "yes" if d.get("attributed") else "no"]]
        return {"title": f"{a} → {b}", "rows": rows, "ex_title": "Matched passage",
                "ex": [{"head": "as it appears in the echo", "text": d.get("passage", "")}] if d.get("passage") else []}
    count = d.get("count", 1)
    rows = [["Echoes", fmt_int(count)]]
    kinds = [f"{k} {fmt_int(d[f'n_{k}'])}" for k in schema.LINK_KINDS if d.get(f"n_{k}")]
    if kinds:
        rows.append(["Kinds", ", ".join(kinds)])
    if d.get("score") is not None:
        rows.append(["Mean score", f"{float(d['score']):.1f}"])
    if d.get("lag_s_median") is not None:
        rows.append(["Median lag", fmt_lag(d["lag_s_median"])])
    if d.get("attributed"):
        rows.append(["Name the source", fmt_int(d["attributed"])])
    if d.get("first"):
        rows.append(["First / last", f"{fmt_time(d['first'])} / {fmt_time(d.get('last'))}"])
    tip = {"title": f"{a} → {b}", "rows": rows}
    ex = _example_tips(d.get("examples"), level)
    if ex:
        tip["ex"] = ex
    return tip


# --------------------------------------------------------------------------- page


@dataclass
class NetworkPage:
    """A rendered network page: ``html`` (one self-contained file) and what it shows.

    In Jupyter it displays inline (``_repr_html_``: a sandboxed iframe whose
    ``srcdoc`` is the escaped page). :meth:`save` writes it atomically.
    """

    html: str
    n_nodes: int
    n_edges: int
    level: str
    pruning_note: str = ""
    legend: list = field(default_factory=list)
    title: str = ""
    path: Path | None = None

    def save(self, path) -> Path:
        """Write the page to ``path`` (temporary file, then rename); returns the path."""
        path = Path(path)
        write_text(path, self.html)
        self.path = path
        return path

    def _repr_html_(self) -> str:
        return (f'<iframe title="{_html.escape(self.title, quote=True)}" sandbox="allow-scripts" '
                f'style="width:100%;height:640px;border:1px solid #ddd" '
                f'srcdoc="{_html.escape(self.html, quote=True)}"></iframe>')

    def __str__(self) -> str:
        where = f" -> {self.path}" if self.path else ""
        return f"network page: {self.n_nodes:,} {self.level} nodes, {self.n_edges:,} edges{where}"


def _chmod(fh) -> None:
    """Give an output the permissions of any file the user writes (mkstemp makes it owner-only)."""
    try:
        mask = os.umask(0)
        os.umask(mask)
        os.fchmod(fh.fileno(), 0o666 & ~mask)
    except (AttributeError, OSError):  # pragma: no cover - platforms without fchmod
        pass


def write_text(path, text: str) -> Path:
    """Write ``text`` to ``path`` atomically (temporary file beside it, then rename)."""
    from amplify.io import atomic_output

    with atomic_output(path, "w") as fh:
        _chmod(fh)
        fh.write(text)
    return Path(path)


def _asset(rel: str) -> str:
    import pyvis

    text = (Path(pyvis.__file__).parent / rel).read_text(encoding="utf-8")
    # an inlined file must not be able to end its own <script>/<style> element
    return text.replace("</script", "<\\/script").replace("</style", "<\\/style").replace("<!--", "<\\!--")


_ASSETS: dict = {}


def _vis_assets() -> tuple[str, str]:
    if not _ASSETS:
        _ASSETS["js"] = _asset("lib/vis-9.1.2/vis-network.min.js")
        _ASSETS["css"] = _asset("lib/vis-9.1.2/vis-network.css")
    return _ASSETS["js"], _ASSETS["css"]


def _env():
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(_TEMPLATES)),
                              autoescape=True, trim_blocks=True, lstrip_blocks=True)


class _IdList(list):
    """pyvis keeps node ids in a list and tests membership per add; a set makes that O(1)."""

    def __init__(self):
        super().__init__()
        self._set: set = set()

    def append(self, x):
        super().append(x)
        self._set.add(x)

    def __contains__(self, x):
        return x in self._set


def _iterations(n_nodes: int) -> int:
    """Physics iterations before the layout stops: the work per page stays about constant.

    Each iteration costs about n log n; above a few hundred nodes the layout starts
    from clustered positions (:func:`_seed_positions`), so fewer iterations suffice.
    """
    return int(min(600, max(50, 150_000 // max(n_nodes, 1))))


def _seed_positions(nodes: list, keys: dict, vals: dict, spacing: float = 26.0) -> dict:
    """Starting positions for big graphs: one disc per colour (camp), discs on a circle.

    Inside a disc the largest nodes sit in the middle (a sunflower spiral), so the
    few physics iterations a big graph gets only have to polish the picture.
    """
    by_key: dict = {}
    for n in nodes:
        by_key.setdefault(keys.get(n, "?"), []).append(n)
    groups = sorted(by_key.items(), key=lambda kv: (-len(kv[1]), str(kv[0])))
    radii = [spacing * math.sqrt(len(ms)) * 1.1 for _, ms in groups]
    ring = (sum(radii) * 2.2) / (2 * math.pi) if len(groups) > 1 else 0.0
    golden = math.pi * (3 - math.sqrt(5))
    pos, angle = {}, 0.0
    total = sum(radii) or 1.0
    for (key, members), r in zip(groups, radii):
        share = 2 * math.pi * r / total
        cx, cy = ring * math.cos(angle + share / 2), ring * math.sin(angle + share / 2)
        angle += share
        members = sorted(members, key=lambda x: (-vals.get(x, 0.0), str(x)))
        for i, n in enumerate(members):
            rr = spacing * math.sqrt(i + 0.5)
            pos[n] = (cx + rr * math.cos(i * golden), cy + rr * math.sin(i * golden))
    return pos


def network_html(graph: nx.DiGraph, out=None, *, title: str | None = None, color_by: str = "group",
                 size_by: str = "echoes", top: int | None = None, note: str | None = None,
                 drop_isolated: bool | None = None, labels: int | None = None) -> NetworkPage:
    """Draw ``graph`` as a self-contained interactive HTML page.

    Parameters
    ----------
    graph : networkx.DiGraph
        A :func:`graph_view` (or any :mod:`amplify.graph` view; any DiGraph with
        ``group``/``kind`` node attributes and ``count`` edge attributes works).
        Edges point from source to echo.
    out : path, optional
        Write the page there (atomically).
    title : str, optional
        Page heading.
    color_by : {"group", "kind", "community"}
        Node colour: the camp, the outlet kind, or Louvain communities
        (``networkx.community.louvain_communities``, seed 0).
    size_by : {"echoes", "betweenness", "pagerank", "posts"}
        Node size (area grows with the value). ``echoes`` is echoes given plus
        received (cascade size for posts); betweenness (Brandes 2001; sampled
        from 500 sources above 1,500 nodes) and PageRank (weighted by count) are
        computed here with networkx.
    top : int, optional
        Keep the ``top`` nodes with the largest ``size_by`` value (for posts: the
        largest whole cascades up to ``top`` posts); the page states the rule.
        Graphs larger than :data:`MAX_NODES` are always pruned.
    note : str, optional
        An extra line under the heading (escaped like all text).
    drop_isolated : bool, optional
        Leave out nodes without links (default: yes for outlets, unless focused).
    labels : int, optional
        Nodes whose labels show at the first view (the largest; others appear
        when zooming in). Default: all up to 60 nodes, else 40.

    Returns
    -------
    NetworkPage
    """
    if color_by not in COLOR_BY:
        raise ValueError(f"color_by must be one of {COLOR_BY}, not {color_by!r}")
    if size_by not in SIZE_BY:
        raise ValueError(f"size_by must be one of {SIZE_BY}, not {size_by!r}")
    if top is not None and int(top) < 1:
        raise ValueError("top must be at least 1")
    from pyvis.network import Network

    g = graph
    level = _infer_level(g)
    unit = {"outlet": "outlets", "camp": "camps", "post": "posts"}[level]
    notes = []
    timed = g.graph.get("layout") == "time"
    if drop_isolated is None:
        drop_isolated = level == "outlet" and "focus" not in g.graph
    if drop_isolated and g.number_of_edges():
        iso = [n for n in g if g.degree(n) == 0]
        if iso:
            g = ordered_subgraph(g, [n for n in g if g.degree(n) > 0])
            notes.append(f"{fmt_int(len(iso))} {unit if len(iso) != 1 else unit[:-1]} without any echo "
                         f"{'are' if len(iso) != 1 else 'is'} not drawn.")
    vals, phrase = _metric(g, size_by, level)
    keys, legend_title = _color_keys(g, color_by)
    limit = MAX_NODES if top is None else min(int(top), MAX_NODES)
    g_all = g
    g, prune_note = _prune(g, vals, limit, level, phrase, unit)
    if top is None and prune_note:
        prune_note += f" (A page holds at most {fmt_int(MAX_NODES)} nodes.)"

    # colours and legend, counted over what is drawn
    counts: dict = {}
    for n in g:
        counts[keys.get(n, "?")] = counts.get(keys.get(n, "?"), 0) + 1
    if color_by == "community":
        ordered = sorted(counts, key=lambda k: int(k[1:]) if k[1:].isdigit() else 10**9)
        colors = {k: (PALETTE[i] if i < len(PALETTE) else OTHER_COLOR) for i, k in enumerate(ordered)}
        comp = {}  # a community's camps, over all its members (not only those drawn)
        for n in g_all:
            comp.setdefault(keys.get(n), []).append(str(g_all.nodes[n].get("group") or schema.UNKNOWN_GROUP))
        labels_for = {}
        for k in ordered:
            s = pd.Series(comp[k]).value_counts()
            labels_for[k] = f"{k}: mostly {s.index[0]} ({100 * s.iloc[0] / s.sum():.0f}%)"
    else:
        ordered = sorted(counts, key=lambda k: (-counts[k], k))
        colors = camp_colors(counts) if color_by == "group" else \
            {k: (PALETTE[i] if i < len(PALETTE) else OTHER_COLOR) for i, k in enumerate(sorted(counts))}
        if color_by == "kind" and "unknown kind" in colors:
            colors["unknown kind"] = CAMP_COLORS[schema.UNKNOWN_GROUP]
        labels_for = {k: k for k in ordered}
    if len(ordered) > len(PALETTE):  # a legend stays readable: the smallest colours become "other"
        tail = set(ordered[len(PALETTE) - 1:])
        label = f"{len(tail)} other {dict(community='communities', group='camps', kind='kinds')[color_by]}"
        keys = {n: (label if k in tail else k) for n, k in keys.items()}
        ordered = ordered[:len(PALETTE) - 1] + [label]
        counts[label] = sum(counts.pop(k) for k in tail)
        colors[label] = OTHER_COLOR
        labels_for[label] = label
    if level == "camp":  # a camp is one node: count its outlets instead
        counts = {k: sum(int(g.nodes[n].get("outlets", 1)) for n in g if keys.get(n) == k) for k in counts}
    legend = [{"key": k, "label": clean_text(labels_for[k]), "color": colors[k], "n": counts[k]} for k in ordered]

    # sizes: area proportional to the value
    shown_vals = np.array([max(vals.get(n, 0.0), 0.0) for n in g], dtype=float)
    vmax = float(shown_vals.max()) if len(shown_vals) and shown_vals.max() > 0 else 1.0
    big = len(g) > 600
    smin, smax = (5.0, 34.0) if big else (10.0, 26.0) if timed else (8.0, 40.0)
    n_labels = labels if labels is not None else (len(g) if len(g) <= 60 or (timed and len(g) <= 400) else 40)
    label_rank = {n: i for i, n in enumerate(sorted(g.nodes, key=lambda x: (-vals.get(x, 0.0), str(x))))}

    seeds = _seed_positions(list(g.nodes), keys, vals) if len(g) > 300 and not timed else {}
    net = Network(directed=True, cdn_resources="remote")
    net.node_ids = _IdList()
    for n, d in g.nodes(data=True):
        v = max(vals.get(n, 0.0), 0.0)
        frac = math.sqrt(v / vmax)
        key = keys.get(n, "?")
        col = colors.get(key, OTHER_COLOR)
        label = _node_label(n, d, level)
        shown = label_rank[n] < n_labels
        font_size = (14 + 3 * frac) if timed and shown else (13 + 9 * frac) if shown else (7 + 3 * frac)
        opts = dict(size=round(smin + (smax - smin) * frac, 2), color=col,
                    font={"size": round(font_size, 1)}, lk=key,
                    search=_search_text(n, d, level),
                    tip=_node_tip(n, d, level, size_by, v, legend_title, labels_for.get(key, key)))
        if timed and "x" in d:
            opts.update(x=float(d["x"]), y=float(d["y"]), physics=False)
        elif n in seeds:
            opts.update(x=round(seeds[n][0], 1), y=round(seeds[n][1], 1))
        net.add_node(_node_id(n), label=clean_text(label), shape="dot", **opts)
    counts_e = [float(d.get("count", 1)) for *_, d in g.edges(data=True)]
    cmax = max(counts_e) if counts_e else 1.0
    for a, b, d in g.edges(data=True):
        c = float(d.get("count", 1))
        width = 1.0 + 7.0 * math.sqrt(c / cmax) if cmax > 1 else 1.5
        extra = {"label": fmt_int(c)} if level == "camp" else {}
        net.add_edge(_node_id(a), _node_id(b), width=round(width, 2), arrows="to",
                     tip=_edge_tip(a, b, d, level), count=int(c), **extra)

    n_nodes, n_edges = len(g), g.number_of_edges()
    physics_on = not timed and n_nodes > 1
    net.force_atlas_2based(gravity=-90 if not big else -45, central_gravity=0.012 if not big else 0.02,
                           spring_length=150 if not big else 90, spring_strength=0.05, damping=0.5,
                           overlap=0.3 if not big else 0.0)
    density = n_edges / max(n_nodes, 1)
    options = json.loads(net.options.to_json())
    options["physics"]["enabled"] = physics_on
    options["physics"]["minVelocity"] = 0.75
    options["physics"]["stabilization"] = {"enabled": physics_on, "iterations": _iterations(n_nodes),
                                           "updateInterval": 25, "fit": True}
    options["physics"]["forceAtlas2Based"]["theta"] = 0.5 if n_nodes <= 1000 else 0.9
    options["layout"] = {"randomSeed": 7, "improvedLayout": n_nodes <= 150}
    options["edges"] = {"arrows": {"to": {"enabled": True, "scaleFactor": 0.6}},
                        "color": {"inherit": "from", "opacity": 0.6 if density < 2 else 0.42 if density < 6 else 0.3},
                        "font": {"size": 13, "strokeWidth": 3, "strokeColor": "#ffffff", "align": "top"},
                        "smooth": ({"enabled": True, "type": "curvedCW", "roundness": 0.12} if n_edges <= 3000 else
                                   {"enabled": False}),
                        "selectionWidth": 2, "hoverWidth": 1.5}
    options["nodes"] = {"borderWidth": 1.5, "borderWidthSelected": 3,
                        "font": {"face": "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif",
                                 "color": "#1d1d1d", "strokeWidth": 3, "strokeColor": "#ffffff"},
                        "scaling": {"label": {"enabled": True, "drawThreshold": 4 if timed else 8.5,
                                              "maxVisible": 26}}}
    options["interaction"] = {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": n_edges > 2000,
                              "hideEdgesOnZoom": n_edges > 4000, "navigationButtons": False,
                              "keyboard": {"enabled": True, "bindToWindow": False}, "multiselect": False}
    if timed:
        options["edges"]["smooth"] = {"enabled": True, "type": "cubicBezier", "forceDirection": "horizontal",
                                      "roundness": 0.45}
    options["configure"] = {"enabled": False}

    size_phrase = {"echoes": "cascade size (posts below it)" if level == "post" else "echoes given + received",
                   "betweenness": "betweenness centrality", "pagerank": "PageRank (weighted by echoes)",
                   "posts": "number of posts"}[size_by]
    title = clean_text(title or {"outlet": "Amplification between outlets", "camp": "Amplification between camps",
                                 "post": "Amplification cascade" if "focus" in g.graph else "Amplification cascades"}
                       [level])
    summary = f"{fmt_int(n_nodes)} {unit} · {fmt_int(n_edges)} echo links"
    if level != "post" and counts_e:
        summary += f" ({fmt_int(int(sum(counts_e)))} echoes)"
    gg = graph.graph
    if gg.get("period"):
        summary += f" · {gg['period'][0][:10]} to {gg['period'][1][:10]}"
    filters = []
    if gg.get("since") or gg.get("until"):
        filters.append(f"echoes from {(gg.get('since') or '…')[:10]} to {(gg.get('until') or '…')[:10]}")
    if gg.get("kinds") and gg["kinds"] != "all kinds":
        filters.append(f"kinds: {gg['kinds']}")
    if gg.get("parents_only") is False:
        filters.append("all links (not only each echo's direct source)")
    data = {
        "nodes": net.nodes, "edges": net.edges, "options": options,
        "legend": legend,
        "meta": {"level": level, "n_nodes": n_nodes, "n_edges": n_edges, "physics": physics_on,
                 "labelled": [_node_id(n) for n in g if label_rank[n] < min(n_labels, 40)],
                 "unit": unit, "legend_title": legend_title, "title": title},
    }
    js, css = _vis_assets()
    nonce = secrets.token_urlsafe(18)
    page = _env().get_template("network.html.j2").render(
        title=title, summary=summary, filters=filters, prune_note=prune_note,
        focus_note=clean_text(gg.get("focus_note", "")), notes=notes, user_note=clean_text(note or ""),
        legend=legend, legend_title=legend_title, size_phrase=size_phrase, level=level, unit=unit,
        data_json=script_json(data), vis_js=js, vis_css=css, nonce=nonce, timed=timed,
    )
    result = NetworkPage(html=page, n_nodes=n_nodes, n_edges=n_edges, level=level, pruning_note=prune_note,
                         legend=legend, title=title)
    if out is not None:
        result.save(out)
    return result


def _node_id(n):
    if isinstance(n, (int, np.integer)) and not isinstance(n, bool):
        return int(n)
    return clean_text(n)


def _node_label(n, d: dict, level: str) -> str:
    if level == "post":
        t = d.get("time") or ""
        return f"{d.get('outlet', n)}\n{t[5:10]} {t[11:16]}" if t else str(d.get("outlet", n))
    return str(n)


def _search_text(n, d: dict, level: str) -> str:
    if level == "post":
        return f"{n} · {d.get('outlet', '')}"
    name = d.get("name")
    return f"{n} — {name}" if name and name != n else str(n)


def write_network(ws, out, *, level: str = "outlet", top: int | None = DEFAULT_TOP, color_by: str = "group",
                  size_by: str = "echoes", since=None, until=None, kinds=None, focus: str | None = None,
                  linkset: str | None = None, title: str | None = None, parents_only: bool = True) -> NetworkPage:
    """The network page of a workspace, written to ``out``: what ``amplify html`` does.

    ``ws`` is a :class:`~amplify.workspace.Workspace` or a path to one. See
    :func:`graph_view` and :func:`network_html` for the parameters.
    """
    from amplify.workspace import Workspace

    if not hasattr(ws, "posts"):
        ws = Workspace.open(ws)
    g = workspace_view(ws, linkset=linkset, level=level, since=since, until=until, kinds=kinds, focus=focus,
                       parents_only=parents_only)
    return network_html(g, out, title=title, color_by=color_by, size_by=size_by, top=top)
