"""Where nodes start: a cascade as a tree in time order, big graphs in one disc per colour.

* :func:`time_layout` -- a cascade (post level, focused) as a tidy tree with
  time on the horizontal axis (log scale); the page then runs no physics and
  draws the axis;
* :func:`seed_positions` -- starting positions for big graphs, so the few
  physics iterations they get only polish the picture;
* :func:`physics_iterations` -- how many iterations a page runs before the
  layout stops (about the same work for every page size).
"""

from __future__ import annotations

import math

import networkx as nx

__all__ = ["time_layout", "time_x", "seed_positions", "physics_iterations", "CASCADE_DX", "CASCADE_DY",
           "SEED_SPACING", "TIME_SCALE", "TIME_TICKS"]

#: Least horizontal gap between a post and its source, and the vertical distance between rows (pixels):
#: a row holds one node and its one-line label.
CASCADE_DX, CASCADE_DY = 60.0, 66.0
#: Pixels per unit of log(1 + minutes since the cascade's first post): the time axis.
TIME_SCALE = 170.0
#: Where the time axis has ticks (seconds after the first post) and what they say.
TIME_TICKS = ((0, "0"), (60, "+1 min"), (600, "+10 min"), (3600, "+1 h"), (6 * 3600, "+6 h"), (86400, "+1 d"),
              (3 * 86400, "+3 d"), (7 * 86400, "+7 d"), (30 * 86400, "+30 d"))
#: Distance between neighbouring nodes of a seeded disc (pixels).
SEED_SPACING = 26.0
# A gap between two cascades, in rows.
_CASCADE_GAP = 0.6
# Physics iterations: at most, at least, and the work budget (iterations x nodes).
_MAX_ITERATIONS, _MIN_ITERATIONS, _ITERATION_BUDGET = 600, 50, 150_000


def time_x(seconds: float, scale: float = TIME_SCALE) -> float:
    """Where a post ``seconds`` after the first one stands: ``scale * log(1 + minutes)``.

    A log scale keeps the first minutes of a cascade apart and still fits a week.

    >>> time_x(0), round(time_x(3600))
    (0.0, 699)
    """
    return scale * math.log1p(max(float(seconds), 0.0) / 60.0)


def time_layout(g: nx.DiGraph, dx: float = CASCADE_DX, dy: float = CASCADE_DY) -> None:
    """Positions for a cascade, time left to right; sets ``x``/``y`` on every node.

    ``x`` is the time since the cascade's first post on a log scale
    (:func:`time_x`), nudged right to stand at least ``dx`` right of its source
    when it would touch it. Every post has a row of its own (so no label meets
    another): a source, then its echoes below it in the order they were
    published, each followed by its own echoes (depth first). Marks the graph
    ``layout="time"`` and records the axis in ``g.graph["time_axis"]``
    (``start`` ISO time, ``ticks``: ``[x, label]``).
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
    for r in roots:  # each post on a row of its own, a source just above its echoes (depth-first, in time order)
        stack = [(r, 0)]
        while stack:
            v, dep = stack.pop()
            if v in depth:  # already placed (a second parent): leave it where it is
                continue
            depth[v], row[v] = dep, next_row
            next_row += 1
            for c in reversed(children[v]):
                stack.append((c, dep + 1))
        next_row += _CASCADE_GAP
    for n in g:
        if n not in row:  # cycles cannot happen (links point forward in time); be safe
            depth[n], row[n] = 0, next_row
            next_row += 1
    stamps = {n: _seconds(times[n]) for n in g}
    known = [v for v in stamps.values() if v is not None]
    t0 = min(known) if known else 0.0
    x: dict = {}
    order = sorted(g, key=lambda v: (depth[v], times[v], str(v)))
    if nx.is_directed_acyclic_graph(g):  # every source before its echoes, a second parent too
        rank = {v: i for i, v in enumerate(order)}
        order = list(nx.lexicographical_topological_sort(g, key=lambda v: rank[v]))
    for n in order:
        at = time_x(stamps[n] - t0) if stamps[n] is not None else depth[n] * dx
        # right of each of its sources (a post quoting two has two parents)
        placed = [x[p] for p in g.predecessors(n) if p in x]
        if placed:
            at = max(at, max(placed) + dx)
        x[n] = at
    for n in g:
        g.nodes[n]["x"] = round(x[n], 1)
        g.nodes[n]["y"] = row[n] * dy
    g.graph["layout"] = "time"
    if known:
        span = max(known) - t0
        ticks = [[round(time_x(s), 1), lab] for s, lab in TIME_TICKS if s <= max(span, 60)]
        start = min((times[n] for n in g if stamps[n] == t0), default="")
        g.graph["time_axis"] = {"start": start, "ticks": ticks}


def _seconds(t) -> float | None:
    """An ISO time as seconds since the epoch (None when missing or unreadable)."""
    if not t:
        return None
    try:
        from datetime import datetime

        return datetime.fromisoformat(str(t).replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def seed_positions(nodes: list, keys: dict, vals: dict, spacing: float = SEED_SPACING) -> dict:
    """Starting positions for big graphs: one disc per colour key (camp), discs on a circle.

    Inside a disc the largest nodes (by ``vals``) sit in the middle (a sunflower
    spiral); the largest disc comes first. Returns node -> ``(x, y)``.
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


def physics_iterations(n_nodes: int) -> int:
    """Physics iterations before the layout stops: the work per page stays about constant.

    Each iteration costs about n log n; above a few hundred nodes the layout starts
    from clustered positions (:func:`seed_positions`), so fewer iterations suffice.

    >>> physics_iterations(10), physics_iterations(1000), physics_iterations(5000)
    (600, 150, 50)
    """
    return int(min(_MAX_ITERATIONS, max(_MIN_ITERATIONS, _ITERATION_BUDGET // max(n_nodes, 1))))
