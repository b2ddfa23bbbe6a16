"""Graph exports: GEXF and GraphML for Gephi, node-link JSON and CSV for scripts.

The graph is a :func:`amplify.render.views.graph_view` (outlets, camps or
posts; edges point from source to echo). Each format keeps what it can hold:

``gexf``
    Typed attributes (``group``, ``kind`` as strings; counts as integers; scores
    and lags as doubles; flags as booleans), Gephi colours and sizes (``viz``:
    colour by camp, size by echoes) and **time**: every node and edge has a
    ``start`` (and outlets and their edges an ``end``) in ISO 8601 UTC, so
    Gephi's timeline can replay the amplification (outlet: first to last post;
    outlet edge: first to last echo; post: publication; post edge: the echo's
    time). The file is a *dynamic* GEXF 1.2 graph (``timeformat="date"``).
``graphml``
    The same typed attributes, times as ISO strings (``first``, ``last``,
    ``time``).
``json``
    networkx node-link form (``{"directed": true, "graph": {...}, "nodes": [...],
    "edges": [...]}``) with every attribute, including the example passages.
``csv``
    Two files: the edge list (``source``, ``target``, attributes) and the node
    list (``id``, attributes). ``out`` names the edges file and the nodes file
    is its sibling ``<stem>-nodes.csv`` (``links.csv`` -> ``links-nodes.csv``);
    if ``out`` is a folder (exists, ends with ``/`` or has no suffix), the files
    are ``edges.csv`` and ``nodes.csv`` inside it. CSV is opened in
    spreadsheets, and node names and example passages come from adversarial
    posts: a text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or
    a carriage return gets a leading ``'`` (:func:`amplify.io.neutralise_formulas`,
    the OWASP rule) unless ``raw=True``.

Post nodes carry ``text`` (the first characters the page's tooltip shows) and,
when that cut it, ``full_text``: the first 4,000 characters, what the page's
side-by-side view shows (:data:`amplify.render.views.SIDE_CHARS`). Whole texts
are in the workspace (``amplify links --format csv`` joins them to each link).

XML cannot hold ``None`` (networkx's writers fail on it) nor some control
characters: missing values are left out of the element (Gephi shows them
empty), lists (the example passages) become one ``example`` string, and
characters XML 1.0 forbids become U+FFFD (line breaks are written as ``\\n``: XML
readers turn a carriage return into one anyway). Every file is written atomically.

Examples
--------
>>> import networkx as nx, tempfile, os
>>> g = nx.DiGraph(level="outlet")
>>> g.add_node("tass", group="RU", posts=3, first="2022-01-05T10:00:00Z", last="2022-01-06T10:00:00Z")
>>> g.add_node("cgtn", group="CN", posts=2, kind=None)
>>> g.add_edge("tass", "cgtn", count=2, score=97.5, first="2022-01-05T12:00:00Z", last="2022-01-05T13:00:00Z")
>>> d = tempfile.mkdtemp()
>>> [p.name for p in export_graph(g, os.path.join(d, "g.gexf"))]
['g.gexf']
>>> h = nx.read_gexf(os.path.join(d, "g.gexf"))
>>> h.nodes["tass"]["group"], h.edges["tass", "cgtn"]["count"], h.edges["tass", "cgtn"]["score"]
('RU', 2, 97.5)
"""

from __future__ import annotations

import json
import math
import os
import re
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from amplify.io import atomic_output, write_csv
from amplify.render.colors import camp_colors, parse_colors
from amplify.render.textsafe import clean_text, is_missing, jsonable
from amplify.render.views import workspace_view
from amplify.utc import iso_z

__all__ = ["FORMATS", "export_graph", "write_export", "gephi_graph", "csv_paths"]

#: Export formats.
FORMATS = ("gexf", "graphml", "json", "csv")

# characters XML 1.0 cannot hold (C0 controls other than tab/newline/CR, U+FFFE/U+FFFF, lone surrogates)
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_RESERVED = {"start", "end", "viz", "label", "id", "pid", "source", "target", "weight"}


def xml_text(s) -> str:
    """``s`` as text XML 1.0 can hold: forbidden characters become U+FFFD.

    >>> xml_text("a\\x1b[0mb\\r\\n")
    'a\\ufffd[0mb\\n'
    """
    return _XML_BAD.sub("\ufffd", clean_text(s).replace("\r\n", "\n").replace("\r", "\n"))


def _scalar(v):
    """A plain Python bool / int / float / str, or None for missing / non-finite values."""
    if v is None:
        return None
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return float(v) if math.isfinite(float(v)) else None
    if isinstance(v, pd.Timestamp):
        return None if pd.isna(v) else iso_z(v)
    if isinstance(v, str):
        return v
    return None if is_missing(v) else str(v)


def _example_text(examples) -> str | None:
    if not isinstance(examples, (list, tuple)) or not examples:
        return None
    x = examples[0]
    if isinstance(x, dict):
        return f"{x.get('src', '')} -> {x.get('dst', '')} ({x.get('kind', '')}): {x.get('text', '')}"
    return str(x)


def _flat(d: dict) -> dict:
    """Scalar attributes only: lists of examples become one ``example`` string, None is dropped."""
    out = {}
    for k, v in d.items():
        if k == "examples":
            ex = _example_text(v)
            if ex:
                out["example"] = ex
            continue
        if isinstance(v, (list, tuple, dict, set)):
            continue
        s = _scalar(v)
        if s is not None:
            out[str(k)] = s
    return out


def _unify_types(items: list[dict]) -> None:
    """One type per attribute key (GEXF/GraphML declare a type per key): int+float -> float, else str."""
    kinds: dict = {}
    for d in items:
        for k, v in d.items():
            kinds.setdefault(k, set()).add(type(v))
    for k, ts in kinds.items():
        if len(ts) <= 1:
            continue
        if ts <= {int, float}:
            to = float
        elif ts <= {int, bool} or ts <= {bool}:
            to = int
        else:
            to = str
        for d in items:
            if k in d:
                d[k] = to(d[k])


def gephi_graph(graph: nx.DiGraph, *, timeline: bool = True, viz: bool = True, colors=None) -> nx.DiGraph:
    """A copy of ``graph`` that GEXF/GraphML writers accept and Gephi reads well.

    Node ids and strings are XML-safe, attributes are scalars of one type per
    key with no ``None``; with ``timeline``, ``start``/``end`` are set from the
    ``first``/``last``/``time`` attributes; with ``viz``, Gephi colours (by
    camp) and sizes (by echoes).
    """
    level = graph.graph.get("level", "outlet")
    ids: dict = {}
    seen: set = set()
    for n in graph.nodes:
        base = xml_text(n)
        new, i = base, 1
        while new in seen:
            i += 1
            new = f"{base}~{i}"
        seen.add(new)
        ids[n] = new
    g = nx.DiGraph()
    g.graph.update({k: xml_text(v) if isinstance(v, str) else v for k, v in _flat(graph.graph).items()})
    nodes = []
    for n, d in graph.nodes(data=True):
        a = {k: (xml_text(v) if isinstance(v, str) else v) for k, v in _flat(d).items() if k not in _RESERVED}
        a.pop("x", None)
        a.pop("y", None)
        nodes.append(a)
    edges = []
    for u, v, d in graph.edges(data=True):
        edges.append({k: (xml_text(x) if isinstance(x, str) else x) for k, x in _flat(d).items()
                      if k not in _RESERVED})
    _unify_types(nodes)
    _unify_types(edges)
    colors = camp_colors({str(d.get("group", "unknown")) for _, d in graph.nodes(data=True)},
                         parse_colors(colors)) if viz else {}
    vmax = max([float(d.get("echoes", 0) or 0) for _, d in graph.nodes(data=True)] + [1.0])
    for (n, d), a in zip(graph.nodes(data=True), nodes):
        label = d.get("label") or (f"{d.get('outlet', n)} {str(d.get('time', ''))[:10 if d.get('time_unit') == 'day' else 16]}"
                                   if level == "post" else n)
        a["label"] = xml_text(label)
        if timeline:
            start = a.get("first") or a.get("time")
            if start:
                a["start"] = start
            if a.get("last"):
                a["end"] = a["last"]
        if viz:
            h = colors.get(str(d.get("group", "unknown")), "#9e9e9e").lstrip("#")
            size = 4.0 + 36.0 * math.sqrt(max(float(d.get("echoes", 0) or 0), 0.0) / vmax)
            a["viz"] = {"color": {"r": int(h[0:2], 16), "g": int(h[2:4], 16), "b": int(h[4:6], 16), "a": 1.0},
                        "size": round(size, 2)}
        g.add_node(ids[n], **a)
    times = {n: (graph.nodes[n].get("time") or graph.nodes[n].get("first")) for n in graph.nodes}
    for (u, v, d), a in zip(graph.edges(data=True), edges):
        if timeline:
            start = a.get("first") or (times.get(v) if level == "post" else None)
            if start:
                a["start"] = _scalar(start)
            if a.get("last"):
                a["end"] = a["last"]
        if "count" in a:
            a["weight"] = float(a["count"])
        g.add_edge(ids[u], ids[v], **a)
    return g


def csv_paths(out) -> tuple[Path, Path]:
    """``(edges file, nodes file)`` for ``--format csv --out OUT`` (see the module docs)."""
    s = str(out)
    p = Path(out)
    if p.is_dir() or s.endswith(("/", os.sep)) or not p.suffix:
        return p / "edges.csv", p / "nodes.csv"
    return p, p.with_name(f"{p.stem}-nodes{p.suffix}")


def _node_table(graph: nx.DiGraph) -> pd.DataFrame:
    rows = []
    for n, d in graph.nodes(data=True):
        r = {"id": clean_text(n)}
        r.update({k: (clean_text(v) if isinstance(v, str) else v) for k, v in _flat(d).items()})
        rows.append(r)
    return _counts_as_zero(pd.DataFrame(rows, columns=_columns(rows, ["id"])), rows)


def _edge_table(graph: nx.DiGraph) -> pd.DataFrame:
    rows = []
    for u, v, d in graph.edges(data=True):
        r = {"source": clean_text(u), "target": clean_text(v)}
        r.update({k: (clean_text(x) if isinstance(x, str) else x) for k, x in _flat(d).items()})
        rows.append(r)
    return _counts_as_zero(pd.DataFrame(rows, columns=_columns(rows, ["source", "target"])), rows)


def _counts_as_zero(table: pd.DataFrame, rows: list) -> pd.DataFrame:
    """Count columns (whole numbers in every row that has them) with 0 where a row has none: a
    citation-only or coordination-only edge has no ``n_verbatim``, which is 0 echoes, not unknown (and a
    blank cell made pandas read the column as floats)."""
    for col in table.columns[table.isna().any().to_numpy()]:   # only columns with a gap are looked at
        present = [r[col] for r in rows if col in r and r[col] is not None]
        if len(present) < len(rows) and present and all(
                isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_)) for v in present):
            table[col] = table[col].fillna(0).astype("int64")
    return table


def _columns(rows, first) -> list[str]:
    cols = list(first)
    for r in rows:
        for k in r:
            if k not in cols:
                cols.append(k)
    return cols


def export_graph(graph: nx.DiGraph, out, fmt: str | None = None, *, raw: bool = False, colors=None) -> list[Path]:
    """Write ``graph`` to ``out`` as ``fmt`` (default: from the file's suffix); returns the files written.

    Parameters
    ----------
    graph : networkx.DiGraph
        A :func:`~amplify.render.views.graph_view` (or any amplify graph view).
    out : path
        The file (for ``csv``: the edges file, or a folder -- see the module docs).
    fmt : {"gexf", "graphml", "json", "csv"}, optional
    raw : bool
        CSV only: write text cells as they are, without the leading ``'`` on
        cells that begin with ``= + - @`` (see the module docs). The other
        formats are never changed.
    colors : dict or str, optional
        GEXF only: camp colours chosen (``"RU=#c00,CN=#d4a000"``).
    """
    if fmt is None:
        suffix = Path(str(out)).suffix.lower().lstrip(".")
        fmt = {"xml": "graphml"}.get(suffix, suffix)
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, not {fmt!r}")
    out = Path(out)
    if fmt == "gexf":
        g = gephi_graph(graph, colors=colors)
        with atomic_output(out, "wb") as fh:
            nx.write_gexf(g, fh, version="1.2draft")
        return [out]
    if fmt == "graphml":
        g = gephi_graph(graph, timeline=False, viz=False)
        with atomic_output(out, "wb") as fh:
            nx.write_graphml(g, fh)
        return [out]
    if fmt == "json":
        data = nx.node_link_data(graph, edges="edges")
        with atomic_output(out, "w") as fh:
            json.dump(jsonable(data), fh, ensure_ascii=False, allow_nan=False, indent=1)
            fh.write("\n")
        return [out]
    edges_path, nodes_path = csv_paths(out)
    for path, table in ((edges_path, _edge_table(graph)), (nodes_path, _node_table(graph))):
        with atomic_output(path, "w") as fh:
            write_csv(table, fh, raw=raw, lineterminator="\n")
    return [edges_path, nodes_path]


def write_export(ws, out, fmt: str | None = None, *, level: str = "outlet", since=None, until=None, kinds=None,
                 focus: str | None = None, linkset: str | None = None, parents_only: bool = True,
                 examples: int = 3, raw: bool = False, ties: bool = True, cites: bool = True,
                 outlet_kinds=None, colors=None) -> list[Path]:
    """Export a workspace's graph: what ``amplify export`` does. Returns the files written.

    ``ws`` is a :class:`~amplify.workspace.Workspace` or a path to one;
    ``level`` is ``"outlet"``, ``"camp"`` or ``"post"``; the filters are those of
    :func:`~amplify.render.views.graph_view`; ``raw`` is that of :func:`export_graph`.
    """
    from amplify.workspace import Workspace

    if not hasattr(ws, "posts"):
        ws = Workspace.open(ws)
    g = workspace_view(ws, linkset=linkset, level=level, since=since, until=until, kinds=kinds, focus=focus,
                       parents_only=parents_only, examples=examples, ties=ties, cites=cites,
                       outlet_kinds=outlet_kinds)
    return export_graph(g, out, fmt, raw=raw, colors=colors)
