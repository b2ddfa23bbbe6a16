"""Every page and export of a workspace, written into one folder (what ``amplify demo`` shows)."""

from __future__ import annotations

from pathlib import Path

from amplify.render.export import FORMATS, export_graph
from amplify.render.network import network_html
from amplify.render.report import largest_cascades, write_report
from amplify.render.views import workspace_view

__all__ = ["render_all"]


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
