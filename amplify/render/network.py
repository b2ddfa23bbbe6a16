"""Interactive, self-contained network pages (vis-network).

:func:`network_html` draws a graph -- outlets, camps or posts, as
:func:`~amplify.render.views.graph_view` builds it -- as one HTML file that
opens in any browser **with no network**:

* the page is our own template with vis-network's script and style inlined
  (vendored; :mod:`amplify.render.vis` says why pyvis is not used) -- nothing is
  fetched from a CDN and no ``lib/`` folder is written;
* every piece of text from the data (post text, outlet names, ids) reaches the
  page only as JSON inside a ``<script type="application/json">`` block, with
  ``<``, ``>``, ``&``, U+2028 and U+2029 escaped, and is put into the page with
  ``textContent`` (never ``innerHTML``); labels are drawn on the canvas. A
  Content-Security-Policy with a per-page nonce blocks any script that is not
  ours and every network request, as a second line of defence;
* colour shows the camp (or kind, or community) with a legend; node size a
  chosen measure (:func:`amplify.analyze.centrality.node_measure`); edge width the
  number of echoes; arrows point from the source to the echo; a search box finds
  a node; the layout runs a bounded number of physics iterations and then stops
  (``physics: false``) -- no endless jiggle;
* no label is drawn over another: the page keeps a label (below its dot, else
  above) only where it overlaps no label and no dot of a larger node -- the
  focused node first, then the largest (``rank``) -- says how many it shows,
  and fits the view to the dots and the labels kept; a node without its label
  keeps its tooltip and is found by search, which shows its label;
* when ``top`` cuts the graph, the page says so ("Showing the 300 outlets with
  the most echoes, of 4,812 ...");
* the same graph gives the same page, byte for byte, apart from the nonce.

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
import math
import secrets
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import numpy as np

from amplify.analyze.centrality import BETWEENNESS_EXACT_MAX, BETWEENNESS_SOURCES, MEASURES, node_measure
from amplify.render.colors import COLOR_BY, Legend, build_legend, color_keys, parse_colors
from amplify.render.coordination import coordination_edge_style, coordination_tip
from amplify.render.layout import seed_positions
from amplify.render.output import template_env, write_text
from amplify.render.readable import fmt_int
from amplify.render.textsafe import ACTING_CHARS, clean_text, script_json, visible
from amplify.render.tooltips import edge_tip, node_label, node_tip, search_text
from amplify.render.views import LEVELS, graph_level, graph_view, ordered_subgraph, workspace_view
from amplify.render.vis import BIG_GRAPH, vis_assets, vis_options

# Names that lived in this module before it was split, so that old imports keep working.
from amplify.render.colors import CAMP_COLORS, OTHER_COLOR, PALETTE, camp_colors  # noqa: F401  isort: skip
from amplify.render.readable import fmt_lag, fmt_time  # noqa: F401  isort: skip

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

#: What node size shows (see :func:`amplify.analyze.centrality.node_measure`).
SIZE_BY = MEASURES
#: Larger graphs are always pruned to this many nodes (a browser lays out 5,000 in seconds).
MAX_NODES = 5000
#: The ring around the focused node (``--focus``).
FOCUS_RING = "#111111"
#: The command line's default ``--top``.
DEFAULT_TOP = 300
#: Nodes labelled at the first view, by default: all of a small graph (or of a cascade in time order) ...
LABEL_ALL_UP_TO, LABEL_ALL_UP_TO_TIMED = 60, 400
#: ... else the largest this many.
LABELS_DEFAULT = 40
#: The page's data lists at most this many labelled nodes (``meta.labelled``, the largest).
LABELLED_LISTED = 40
#: Above this many nodes a graph starts from seeded positions (one disc per colour).
SEED_POSITIONS_ABOVE = 300
# Node radius range (pixels): big graphs, cascades in time order, others.
_SIZES = {"big": (5.0, 34.0), "timed": (8.0, 18.0), "normal": (8.0, 40.0)}
_UNITS = {"outlet": "outlets", "camp": "camps", "post": "posts"}


def network_html(graph: nx.DiGraph, out=None, *, title: str | None = None, color_by: str = "group",
                 size_by: str = "echoes", top: int | None = None, note: str | None = None,
                 drop_isolated: bool | None = None, labels: int | None = None, colors=None) -> NetworkPage:
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
        (:func:`amplify.analyze.communities.louvain_partition`, seed 0).
    size_by : {"echoes", "betweenness", "pagerank", "posts"}
        Node size (area grows with the value). ``echoes`` is echoes given plus
        received (cascade size for posts); betweenness (Brandes 2001; sampled
        from 500 sources above 1,500 nodes) and PageRank (weighted by count) come
        from :func:`amplify.analyze.centrality.node_measure`.
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
        when zooming in), each only where it overlaps no label or dot of a
        larger node. Default: all up to 60 nodes, else 40.
    colors : dict or str, optional
        Colours chosen for camps (or kinds): ``{"RU": "#cc0000"}`` or
        ``"RU=#c00,CN=#d4a000"`` (:func:`amplify.render.colors.parse_colors`);
        the others keep the colour-blind-safe defaults.

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
    g = graph
    level = graph_level(g)
    unit = _UNITS[level]
    timed = g.graph.get("layout") == "time"
    if drop_isolated is None:
        drop_isolated = level == "outlet" and "focus" not in g.graph
    g, notes = _without_isolated(g, unit) if drop_isolated else (g, [])
    vals = node_measure(g, size_by, weight="count", seed=0)
    keys, legend_title = color_keys(g, color_by)
    g_all = g
    g, prune_note = _prune(g, vals, MAX_NODES if top is None else min(int(top), MAX_NODES), level,
                           _size_phrase(size_by, level, len(g)), unit)
    if top is None and prune_note:
        prune_note += f" (A page holds at most {fmt_int(MAX_NODES)} nodes.)"
    legend = build_legend(g, g_all, keys, color_by, level, parse_colors(colors))

    n_labels = labels if labels is not None else \
        (len(g) if len(g) <= LABEL_ALL_UP_TO or (timed and len(g) <= LABEL_ALL_UP_TO_TIMED) else LABELS_DEFAULT)
    label_rank = {n: i for i, n in enumerate(sorted(g.nodes, key=lambda x: (-vals.get(x, 0.0), str(x))))}
    nodes = _node_records(g, vals, legend, legend_title, label_rank, n_labels, level=level, size_by=size_by,
                          timed=timed, focus=graph.graph.get("focus"))
    edges, counts_e = _edge_records(g, level)
    n_nodes, n_edges = len(g), g.number_of_edges()
    physics_on = not timed and n_nodes > 1
    title, summary, filters = _page_text(graph.graph, title, level, unit, n_nodes, n_edges, counts_e,
                                         focused="focus" in g.graph, lines=line_kinds(g))
    data = {
        "nodes": nodes, "edges": edges, "options": vis_options(n_nodes, n_edges, timed=timed, physics_on=physics_on),
        "legend": legend.entries,
        "meta": {"level": level, "n_nodes": n_nodes, "n_edges": n_edges, "physics": physics_on,
                 "labelled": [_node_id(n) for n in g if label_rank[n] < min(n_labels, LABELLED_LISTED)],
                 "unit": unit, "legend_title": legend_title, "title": title,
                 "focus": _node_id(graph.graph["focus"]) if graph.graph.get("focus") in g else None,
                 "time_axis": graph.graph.get("time_axis") if timed else None},
    }
    js, css = vis_assets()
    page = template_env().get_template("network.html.j2").render(
        title=visible(title), summary=visible(summary), filters=visible(filters), prune_note=visible(prune_note),
        focus_note=visible(clean_text(graph.graph.get("focus_note", ""))), notes=visible(notes),
        user_note=visible(clean_text(note or "")),
        # the page's own text shows a bidi override in a camp name rather than obeying it (the data keeps it)
        legend=[{**e, "label": visible(e["label"])} for e in legend.entries], legend_title=visible(legend_title),
        size_phrase=_size_legend(size_by, level), level=level, unit=unit, data_json=script_json(data),
        acting_chars=ACTING_CHARS.pattern, vis_js=js, vis_css=css, nonce=secrets.token_urlsafe(18),
        timed=timed,
    )
    result = NetworkPage(html=page, n_nodes=n_nodes, n_edges=n_edges, level=level, pruning_note=prune_note,
                         legend=legend.entries, title=title, warnings=list(graph.graph.get("warnings") or []))
    if out is not None:
        result.save(out)
    return result


def write_network(ws, out, *, level: str = "outlet", top: int | None = DEFAULT_TOP, color_by: str = "group",
                  size_by: str = "echoes", since=None, until=None, kinds=None, focus: str | None = None,
                  linkset: str | None = None, title: str | None = None, parents_only: bool = True,
                  ties: bool = True, cites: bool = True, outlet_kinds=None, colors=None) -> NetworkPage:
    """The network page of a workspace, written to ``out``: what ``amplify html`` does.

    ``ws`` is a :class:`~amplify.workspace.Workspace` or a path to one. See
    :func:`graph_view` and :func:`network_html` for the parameters.
    """
    from amplify.workspace import Workspace

    if not hasattr(ws, "posts"):
        ws = Workspace.open(ws)
    g = workspace_view(ws, linkset=linkset, level=level, since=since, until=until, kinds=kinds, focus=focus,
                       parents_only=parents_only, ties=ties, cites=cites, outlet_kinds=outlet_kinds)
    return network_html(g, out, title=title, color_by=color_by, size_by=size_by, top=top, colors=colors)


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
    warnings: list = field(default_factory=list)

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


# --------------------------------------------------------------------------- what is drawn


def _without_isolated(g: nx.DiGraph, unit: str) -> tuple[nx.DiGraph, list[str]]:
    """``g`` without nodes that have no link (if it has links at all), and the note saying so."""
    if not g.number_of_edges():
        return g, []
    iso = [n for n in g if g.degree(n) == 0]
    if not iso:
        return g, []
    note = (f"{fmt_int(len(iso))} {unit if len(iso) != 1 else unit[:-1]} without any echo "
            f"{'are' if len(iso) != 1 else 'is'} not drawn.")
    return ordered_subgraph(g, [n for n in g if g.degree(n) > 0]), [note]


def _size_phrase(size_by: str, level: str, n_nodes: int) -> str:
    """How the pruning note names the largest nodes: "the most echoes", "the highest PageRank" ..."""
    if size_by == "echoes":
        return "the largest cascades" if level == "post" else "the most echoes"
    if size_by == "posts":
        return "the most posts"
    if size_by == "betweenness":
        sampled = n_nodes > BETWEENNESS_EXACT_MAX
        return "the highest betweenness" + (f" (estimated from {BETWEENNESS_SOURCES} sampled sources)"
                                            if sampled else "")
    return "the highest PageRank"


def _size_legend(size_by: str, level: str) -> str:
    """What the legend says node size shows."""
    if size_by == "echoes":
        return "cascade size (posts below it)" if level == "post" else "echoes given + received"
    return {"betweenness": "betweenness centrality", "pagerank": "PageRank (weighted by echoes)",
            "posts": "number of posts"}[size_by]


def _prune(g: nx.DiGraph, vals: dict, top: int, level: str, phrase: str, unit: str) -> tuple[nx.DiGraph, str]:
    """At most ``top`` nodes: the largest by ``vals`` (posts: the largest whole cascades), and the note saying so."""
    n = len(g)
    if top is None or n <= top:
        return g, ""
    if level == "post" and g.number_of_edges():
        # a cascade is a root (a post with no parent) and every post below it along parent links, as
        # summary, trace and the report count it; two cascades may share a post (a parent per quoted
        # passage), so connected groups of posts are not cascades
        tree = nx.DiGraph()
        tree.add_nodes_from(g)
        tree.add_edges_from((a, b) for a, b, d in g.edges(data=True) if d.get("is_parent", True))
        roots = [v for v in tree if tree.in_degree(v) == 0 and tree.out_degree(v)]
        casc = {r: {r} | nx.descendants(tree, r) for r in roots}
        order = sorted(roots, key=lambda r: (-len(casc[r]), g.nodes[r].get("time") or "", str(r)))
        keep: set = set()
        used = 0
        for r in order:
            if len(keep | casc[r]) > top:
                if not keep:  # a single cascade larger than top: its earliest posts
                    keep = set(sorted(casc[r], key=lambda x: (g.nodes[x].get("time") or "", str(x)))[:top])
                    used = 1
                break
            keep |= casc[r]
            used += 1
        note = (f"Showing the {fmt_int(used)} largest cascades ({fmt_int(len(keep))} posts), "
                f"of {fmt_int(len(roots))} cascades ({fmt_int(n)} posts).")
        return ordered_subgraph(g, keep), note
    order = sorted(g.nodes, key=lambda x: (-vals.get(x, 0.0), str(x)))[:top]
    sub = ordered_subgraph(g, order)
    note = (f"Showing the {fmt_int(top)} {unit} with {phrase}, of {fmt_int(n)}; "
            f"{fmt_int(sub.number_of_edges())} of {fmt_int(g.number_of_edges())} links drawn.")
    return sub, note


# --------------------------------------------------------------------------- the page's data


def _node_id(n):
    if isinstance(n, (int, np.integer)) and not isinstance(n, bool):
        return int(n)
    return clean_text(n)


def _node_records(g: nx.DiGraph, vals: dict, legend: Legend, legend_title: str, label_rank: dict, n_labels: int, *,
                  level: str, size_by: str, timed: bool, focus=None) -> list[dict]:
    """One vis-network node per node of ``g``: size by value (area), colour, label, tooltip, position.

    The keys are in the order the page has always had them (colour, size, font,
    legend key, search text, tooltip, position, then id, label, shape), with
    ``rank`` after the font: the node's place in the order its label is placed
    in (0 = the largest; the page keeps a label only where it overlaps no label
    ranked before it). A node id seen twice (two names that clean to the same
    text) is drawn once.
    """
    shown_vals = np.array([max(vals.get(n, 0.0), 0.0) for n in g], dtype=float)
    vmax = float(shown_vals.max()) if len(shown_vals) and shown_vals.max() > 0 else 1.0
    smin, smax = _SIZES["big" if len(g) > BIG_GRAPH else "timed" if timed else "normal"]
    seeds = seed_positions(list(g.nodes), legend.keys, vals) if len(g) > SEED_POSITIONS_ABOVE and not timed else {}
    records, seen = [], set()
    for n, d in g.nodes(data=True):
        nid = _node_id(n)
        if nid in seen:
            continue
        seen.add(nid)
        v = max(vals.get(n, 0.0), 0.0)
        frac = math.sqrt(v / vmax)
        key = legend.key(n)
        shown = label_rank[n] < n_labels
        font_size = (14 + 3 * frac) if timed and shown else (13 + 9 * frac) if shown else (7 + 3 * frac)
        rec = dict(color=legend.color(n), size=round(smin + (smax - smin) * frac, 2),
                   font={"size": round(font_size, 1)}, rank=label_rank[n], lk=key, search=search_text(n, d, level),
                   tip=node_tip(n, d, level, size_by, v, legend_title, legend.labels.get(key, key)))
        if timed and "x" in d:
            rec.update(x=float(d["x"]), y=float(d["y"]), physics=False)
        elif n in seeds:
            rec.update(x=round(seeds[n][0], 1), y=round(seeds[n][1], 1))
        rec.update(id=nid, label=clean_text(node_label(n, d, level, timed)) or nid, shape="dot")
        if focus is not None and n == focus:  # the node the page is about: a dark ring and a bold label
            rec.update(borderWidth=4, borderWidthSelected=5, focused=True,
                       color={"background": rec["color"], "border": FOCUS_RING,
                              "highlight": {"background": rec["color"], "border": FOCUS_RING}},
                       font={"size": rec["font"]["size"] + 3, "color": "#000000"})
        records.append(rec)
    return records


def _edge_records(g: nx.DiGraph, level: str) -> tuple[list[dict], list[float]]:
    """One vis-network edge per edge of ``g`` (width by echo count, arrow to the echo), and the counts.

    An outlet or camp edge without echoes is drawn in its own style: undirected
    co-publications (``ties``) dashed and without an arrow, once per pair;
    citations without a matched post (``cites``) dotted, arrow to the citing
    outlet. Its width follows those counts.
    """
    counts = [float(d.get("count", 1)) for *_, d in g.edges(data=True)]
    strength = [c if c > 0 else float(d.get("ties", 0) or d.get("cites", 0) or 1)
                for c, (*_, d) in zip(counts, g.edges(data=True))]
    cmax = max(strength) if strength else 1.0
    records = []
    drawn_ties = set()
    for (a, b, d), c, w in zip(g.edges(data=True), counts, strength):
        width = 1.0 + 7.0 * math.sqrt(w / cmax) if cmax > 1 else 1.5
        rec = {"width": round(width, 2), "arrows": "to", "tip": edge_tip(a, b, d, level, (g.nodes[a], g.nodes[b])),
               "count": int(c)}
        for side in rec["tip"].get("sides", ()):
            side["node"] = _node_id(side["node"])  # the id the page knows the post by
        if level != "post" and c == 0:
            if d.get("ties"):
                if (b, a) in drawn_ties:
                    continue                       # one line per pair of outlets: the tie has no direction
                drawn_ties.add((a, b))
                rec.update(arrows="", dashes=[8, 6])
            elif d.get("cites"):
                rec.update(dashes=[2, 5])
        if level == "camp":   # the echoes; a line of co-publications or citations only says what it counts
            n, word = (d.get("ties"), "co-publication") if d.get("ties") else (d.get("cites", 0), "citation")
            rec["label"] = fmt_int(c) if c > 0 else f"{fmt_int(n)} {word}{'' if n == 1 else 's'}"
        rec.update(coordination_edge_style(d), tip=coordination_tip(rec["tip"], d))
        rec.update({"from": _node_id(a), "to": _node_id(b)})
        records.append(rec)
    return records, counts


def line_kinds(g) -> dict:
    """The edges of an outlet or camp graph by what they draw: echoes, else co-publications (a pair of
    posts of one timestamp, one line per pair), citations, coordinated posting. Each edge counts once, under
    the first of these it carries."""
    out = {"echoes": 0, "co-publications": 0, "citations": 0, "coordination": 0}
    seen_ties = set()
    for a, b, d in g.edges(data=True):
        if d.get("count"):
            out["echoes"] += 1
        elif d.get("ties"):
            out["co-publications"] += (b, a) not in seen_ties
            seen_ties.add((a, b))
        elif d.get("cites"):
            out["citations"] += 1
        elif d.get("coordinated"):
            out["coordination"] += 1
    return out


def _lines_phrase(lines: dict | None, level: str, counts: list, n_edges: int) -> str:
    """"12 lines: 9 with echoes (40 echoes), 2 with co-publications only, 1 with citations only"; at post
    level "N echo links" (every edge there is one link)."""
    if level == "post" or not lines:
        return f"{fmt_int(n_edges)} echo link{'s' if n_edges != 1 else ''}"
    echoes = int(sum(counts)) if counts else 0
    parts = [f"{fmt_int(lines['echoes'])} with echoes ({fmt_int(echoes)} echo{'es' if echoes != 1 else ''})"
             if lines["echoes"] else "none with an echo"] + \
        [f"{fmt_int(v)} with {k} only" for k, v in lines.items() if k != "echoes" and v]
    n = sum(lines.values())
    return f"{fmt_int(n)} line{'s' if n != 1 else ''}: " + ", ".join(parts)


def _page_text(meta: dict, title: str | None, level: str, unit: str, n_nodes: int, n_edges: int, counts: list,
               *, focused: bool, lines: dict | None = None) -> tuple[str, str, list[str]]:
    """The page's heading, its summary line and its filter lines, from the graph's ``meta`` (``graph.graph``)."""
    title = clean_text(title or {"outlet": "Amplification between outlets", "camp": "Amplification between camps",
                                 "post": "Amplification cascade" if focused else "Amplification cascades"}[level])
    one = unit[:-1] if n_nodes == 1 and unit.endswith("s") else unit     # "1 camp", not "1 camps"
    summary = f"{fmt_int(n_nodes)} {one} · " + _lines_phrase(lines, level, counts, n_edges)
    if not n_nodes:  # an empty canvas says why
        summary += (" · nothing to draw: no echo in view" + (" (co-publications and citations are drawn at "
                                                              "outlet and camp level)" if level == "post" else ""))
    if meta.get("n_cites"):
        summary += f" · {fmt_int(meta['n_cites'])} citations without a matched post (dotted)"
    if meta.get("period"):
        summary += f" · {meta['period'][0][:10]} to {meta['period'][1][:10]}"
    filters = []
    if meta.get("detection") and meta["detection"] != "defaults":  # links of another profile than the defaults'
        filters.append(f"detection: {meta['detection']}")
    if meta.get("since") or meta.get("until"):
        filters.append(f"echoes from {(meta.get('since') or '…')[:10]} to {(meta.get('until') or '…')[:10]}")
    if meta.get("kinds") and meta["kinds"] != "all kinds":
        filters.append(f"kinds: {meta['kinds']}")
    if meta.get("parents_only") is False:
        filters.append("all links (not only each echo's direct source)")
    if meta.get("outlet_kinds"):
        filters.append(f"outlet kinds: {meta['outlet_kinds']}")
    if meta.get("ties") is False:
        filters.append("ties (posts of one timestamp) left out")
    elif meta.get("ties_note"):
        filters.append("ties: " + meta["ties_note"] + " Dashed lines without an arrow are co-publications.")
    return title, summary, filters
