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
``bundle``     every page and export of a workspace into one folder (:func:`render_all`)
=============  ==================================================================

Graph measures (PageRank, betweenness, Louvain) come from :mod:`amplify.analyze`;
this package only draws the values it is given.

Examples
--------
>>> import tempfile, pandas as pd
>>> from amplify.render import render_all
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

import pkgutil

import lazy_loader

# The names below, and every submodule, are imported on first use (lazy_loader): a command that only
# needs ``amplify.render.textsafe`` then does not load networkx, the analyses and the templates.
_EXPORTS = {
    "network": ["network_html", "write_network", "NetworkPage", "SIZE_BY", "MAX_NODES"],
    "views": ["graph_view", "workspace_view", "LEVELS"],
    "report": ["build_report", "write_report", "Section", "timeline_svg", "largest_cascades"],
    "export": ["export_graph", "write_export", "gephi_graph", "FORMATS"],
    "colors": ["COLOR_BY"],
    "bundle": ["render_all"],
}
__getattr__, __dir__, _ = lazy_loader.attach(__name__, submodules=[m.name for m in pkgutil.iter_modules(__path__)],
                                             submod_attrs=_EXPORTS)
__all__ = [name for names in _EXPORTS.values() for name in names]
