"""Render: network pages, reports and graph exports.

* :func:`network_html` / :func:`write_network` -- a self-contained interactive
  network page (vis-network inlined: it opens with no network; all data text
  escaped);
* :func:`build_report` / :func:`write_report` -- one printable HTML page with the
  headline numbers, tables, cascades and a volume timeline;
* :func:`export_graph` / :func:`write_export` -- GEXF and GraphML for Gephi,
  node-link JSON and CSV node/edge lists;
* :func:`render_all` -- all of them into one folder (what ``amplify demo`` shows).

Modules, from the data to the page:

=============  ==================================================================
``views``      the graph a page or export shows (:func:`graph_view`), evidence attached
``network``    the network page (:func:`network_html`): what is drawn, and the page
``colors``     node colours and the legend (camp, kind, Louvain community)
``layout``     starting positions: cascades in time order, big graphs in discs
``tooltips``   a node's or edge's label, search text and tooltip (data, not markup)
``vis``        vis-network: the vendored library and the page's options
``report``     the printable report (:func:`build_report`)
``export``     GEXF, GraphML, node-link JSON and CSV (:func:`export_graph`)
``textsafe``   data text made safe for pages and files (escaping, JSON)
``readable``   numbers, lags and times as a reader wants them
``output``     page templates and atomic files with the user's permissions
=============  ==================================================================

Graph measures (PageRank, betweenness, Louvain) come from :mod:`amplify.analyze`;
this package only draws the values it is given.

Examples
--------
>>> import tempfile, pandas as pd
>>> from amplify.workspace import Workspace
>>> from amplify.detect.incremental import detect_workspace
>>> ws = Workspace.open(tempfile.mkdtemp() + "/ws", create=True)
>>> posts = pd.DataFrame({"post_id": ["a", "b"], "outlet": ["mfa_china", "sputnik"],
...     "published_at": ["2022-01-05 10:00Z", "2022-01-05 13:00Z"],
...     "text": ["The United States must stop interfering in the internal affairs of Kazakhstan."] * 2})
>>> with ws.writer():
...     _ = ws.add_posts(posts)
...     _ = ws.set_outlets(pd.DataFrame({"outlet": ["mfa_china", "sputnik"], "group": ["CN", "RU"]}))
...     _ = detect_workspace(ws)
>>> files = render_all(ws, tempfile.mkdtemp(), analyses=False)
>>> sorted(files)
['cascade.html', 'csv', 'gexf', 'graphml', 'json', 'network.html', 'report.html']
"""

from __future__ import annotations

from pathlib import Path

from amplify.render.colors import COLOR_BY
from amplify.render.export import FORMATS, export_graph, gephi_graph, write_export
from amplify.render.network import MAX_NODES, SIZE_BY, NetworkPage, network_html, write_network
from amplify.render.report import Section, build_report, largest_cascades, timeline_svg, write_report
from amplify.render.views import LEVELS, graph_view, workspace_view

__all__ = ["network_html", "write_network", "graph_view", "workspace_view", "NetworkPage",
           "build_report", "write_report", "Section", "timeline_svg",
           "export_graph", "write_export", "gephi_graph", "render_all",
           "LEVELS", "COLOR_BY", "SIZE_BY", "MAX_NODES", "FORMATS"]


def render_all(ws, out_dir, *, top: int | None = 300, title: str | None = None, formats=FORMATS,
               cascade: bool = True, analyses: bool = True, linkset: str | None = None, colors=None) -> dict:
    """Write the network page, the report, the largest cascade and the exports into ``out_dir``.

    Files: ``network.html`` (outlets), ``cascade.html`` (the largest cascade, post
    level, in time order), ``report.html`` (links to ``network.html``) and
    ``network.gexf``, ``network.graphml``, ``network.json``, ``network-edges.csv``
    + ``network-edges-nodes.csv`` (outlet level).

    Parameters
    ----------
    ws : Workspace or path
    out_dir : path
        Created if missing.
    top : int, optional
        Nodes on the network page (None: all, up to 5,000).
    formats : iterable of str
        Export formats to write.
    cascade, analyses : bool
        Write ``cascade.html``; add synergy and bridges to the report.
    colors : dict or str, optional
        Camp colours (``"RU=#c00,CN=#d4a000"``) for the pages and the exports.

    Returns
    -------
    dict
        ``{"network.html": Path, "report.html": Path, "cascade.html": Path, "gexf": [Path], ...}``.
    """
    from amplify.workspace import Workspace

    if not hasattr(ws, "posts"):
        ws = Workspace.open(ws)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files: dict = {}
    g = workspace_view(ws, linkset=linkset, level="outlet")
    files["network.html"] = network_html(g, out / "network.html", top=top, title=title, colors=colors).path
    names = {"gexf": "network.gexf", "graphml": "network.graphml", "json": "network.json",
             "csv": "network-edges.csv"}
    for fmt in formats:
        files[fmt] = export_graph(g, out / names[fmt], fmt, colors=colors)
    if cascade:
        links = ws.links(linkset=linkset)
        posts = ws.posts(columns=["post_id", "outlet", "published_at", "text"])
        best = largest_cascades(links, posts, ws.outlets(), n=1, evidence=0)
        if best:
            cg = workspace_view(ws, linkset=linkset, level="post", focus=best[0]["root"]["post_id"])
            files["cascade.html"] = network_html(cg, out / "cascade.html", top=None, colors=colors).path
    files["report.html"] = write_report(ws, out / "report.html", network_href="network.html", linkset=linkset,
                                        title=title, analyses=analyses, colors=colors)
    return files
