"""vis-network, the browser library that draws a network page: its code and its options.

Why not pyvis
-------------
The pages used to be built with pyvis, and that took two patches of its
internals: its ``Network`` keeps node ids in a list and scans it on every
``add_node`` and twice on every ``add_edge`` (minutes for 5,000 nodes and their
edges, so ``Network.node_ids`` was replaced by a set-backed list), and the
vis-network script and style were read from pyvis' package folder by path. Its
public API cannot make the page amplify needs: ``generate_html`` fills pyvis'
own template, which writes the data as JavaScript literals inside an inline
script (data text could end the script), with no Content-Security-Policy nonce
and no place for our legend, search and tooltips. What pyvis contributed
otherwise was a dict per node and per edge and a default options object, both
written here directly. So amplify does not use pyvis; the vis-network 9.1.2
release it shipped is vendored in ``vendor/vis-network-9.1.2/`` (same bytes:
the pages did not change), with its license.

* :func:`vis_assets` -- the library's script and style sheet, ready to inline;
* :func:`vis_options` -- the options object of a page (physics, layout,
  edge and node style, interaction).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from amplify.render.layout import physics_iterations
from amplify.render.textsafe import inline_safe

__all__ = ["vis_assets", "vis_options", "VIS_NETWORK", "BIG_GRAPH"]

#: The vendored vis-network release.
VIS_NETWORK = Path(__file__).with_name("vendor") / "vis-network-9.1.2"
#: Above this many nodes a page is drawn with the settings for big graphs (smaller nodes, looser physics).
BIG_GRAPH = 600
# vis-network's "improvedLayout" (Kamada-Kawai before physics) is quadratic: only for small graphs.
_IMPROVED_LAYOUT_MAX = 150
# Barnes-Hut accuracy: exact-ish up to this many nodes, coarser (faster) above.
_FINE_THETA_MAX = 1000
# Curved edges cost time to draw: straight above this many edges.
_CURVED_EDGES_MAX = 3000
# Hide edges while dragging / zooming above these many edges (keeps the page responsive).
_HIDE_ON_DRAG, _HIDE_ON_ZOOM = 2000, 4000
# A cascade in time order: edges bend horizontally, from left to right.
_TIME_EDGES = {"enabled": True, "type": "cubicBezier", "forceDirection": "horizontal", "roundness": 0.45}


@lru_cache(maxsize=1)
def vis_assets() -> tuple[str, str]:
    """``(script, style sheet)`` of vis-network, safe to inline into ``<script>`` and ``<style>`` elements."""
    js = (VIS_NETWORK / "vis-network.min.js").read_text(encoding="utf-8")
    css = (VIS_NETWORK / "vis-network.css").read_text(encoding="utf-8")
    return inline_safe(js), inline_safe(css)


def vis_options(n_nodes: int, n_edges: int, *, timed: bool, physics_on: bool) -> dict:
    """The vis-network options of a page with ``n_nodes`` nodes and ``n_edges`` edges.

    Physics is forceAtlas2Based (Jacomy et al. 2014), run for
    :func:`~amplify.render.layout.physics_iterations` iterations and then
    stopped (``physics_on`` False: not run at all, e.g. a cascade laid out in
    time order, ``timed``). Big graphs get weaker repulsion and shorter
    springs; denser graphs fainter edges.
    """
    big = n_nodes > BIG_GRAPH
    density = n_edges / max(n_nodes, 1)
    # The key order is that of the options object pyvis built (its defaults, sorted, then ours
    # added or replaced): the page's bytes stay the same.
    return {
        "configure": {"enabled": False},
        "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.6}},
                  "color": {"inherit": "from", "opacity": 0.6 if density < 2 else 0.42 if density < 6 else 0.3},
                  "font": {"size": 13, "strokeWidth": 3, "strokeColor": "#ffffff", "align": "top"},
                  "smooth": (dict(_TIME_EDGES) if timed else {"enabled": True, "type": "curvedCW", "roundness": 0.12}
                             if n_edges <= _CURVED_EDGES_MAX else {"enabled": False}),
                  "selectionWidth": 2, "hoverWidth": 1.5},
        "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": n_edges > _HIDE_ON_DRAG,
                        "hideEdgesOnZoom": n_edges > _HIDE_ON_ZOOM, "navigationButtons": False,
                        "keyboard": {"enabled": True, "bindToWindow": False}, "multiselect": False},
        "physics": {
            "enabled": physics_on,
            "forceAtlas2Based": {"avoidOverlap": 0.0 if big else 0.3, "centralGravity": 0.02 if big else 0.012,
                                 "damping": 0.5, "gravitationalConstant": -45 if big else -90,
                                 "springConstant": 0.05, "springLength": 90 if big else 150,
                                 "theta": 0.5 if n_nodes <= _FINE_THETA_MAX else 0.9},
            "solver": "forceAtlas2Based",
            "stabilization": {"enabled": physics_on, "iterations": physics_iterations(n_nodes),
                              "updateInterval": 25, "fit": True},
            "minVelocity": 0.75,
        },
        "layout": {"randomSeed": 7, "improvedLayout": n_nodes <= _IMPROVED_LAYOUT_MAX},
        "nodes": {"borderWidth": 1.5, "borderWidthSelected": 3,
                  "font": {"face": "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif",
                           "color": "#1d1d1d", "strokeWidth": 3, "strokeColor": "#ffffff"},
                  "scaling": {"label": {"enabled": True, "drawThreshold": 4 if timed else 8.5, "maxVisible": 26}}},
    }

