"""Where nodes start: a cascade as a tree in time order, big graphs in one disc per colour.

* :func:`time_layout` -- a cascade (post level, focused) as a tidy tree, left
  to right in time; the page then runs no physics at all;
* :func:`seed_positions` -- starting positions for big graphs, so the few
  physics iterations they get only polish the picture;
* :func:`physics_iterations` -- how many iterations a page runs before the
  layout stops (about the same work for every page size).
"""

from __future__ import annotations

import math

import networkx as nx

__all__ = ["time_layout", "seed_positions", "physics_iterations", "CASCADE_DX", "CASCADE_DY", "SEED_SPACING"]

#: Horizontal distance between hops of a cascade, and vertical distance between its rows (pixels).
CASCADE_DX, CASCADE_DY = 230.0, 52.0
#: Distance between neighbouring nodes of a seeded disc (pixels).
SEED_SPACING = 26.0
# A gap between two cascades, in rows.
_CASCADE_GAP = 0.6
# Physics iterations: at most, at least, and the work budget (iterations x nodes).
_MAX_ITERATIONS, _MIN_ITERATIONS, _ITERATION_BUDGET = 600, 50, 150_000


def time_layout(g: nx.DiGraph, dx: float = CASCADE_DX, dy: float = CASCADE_DY) -> None:
    """Positions for a cascade: a tidy tree, left to right; sets ``x``/``y`` on every node.

    A post's column is one past its deepest source's (every echo stands right
    of each of its sources, so later in time); the echoes of one source are
    stacked top to bottom in the order they were published, and a source sits
    level with the middle of its echoes. Marks the graph ``layout="time"``.
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
        next_row += _CASCADE_GAP
    for n in g:
        if n not in row:  # cycles cannot happen (links point forward in time); be safe
            depth[n], row[n] = 0, next_row
            next_row += 1
    # A post quoting two sources has two parents: its column is one past its
    # deepest source's, so every edge still points right.
    if nx.is_directed_acyclic_graph(g):
        for n in nx.topological_sort(g):
            preds = list(g.predecessors(n))
            if preds:
                depth[n] = max(depth[n], 1 + max(depth[p] for p in preds))
    for n in g:
        g.nodes[n]["x"] = depth[n] * dx
        g.nodes[n]["y"] = row[n] * dy
    g.graph["layout"] = "time"


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
