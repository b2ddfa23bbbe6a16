"""How fast a large network page renders and settles in headless Chromium.

Builds a seeded outlet graph of N outlets in four camps (a directed scale-free
graph, ~3 echo links per outlet, counts drawn from a heavy tail), writes the
page with :func:`amplify.render.network_html` and opens it in headless Chromium
(Playwright, ``/usr/bin/chromium``, network blocked). Prints the time to build
the page in Python, its size, and the time until the layout has settled and
physics is off (``window.amplify.settled``), measured in the page.

    python benchmarks/render_speed.py                 # 5,000 outlets
    python benchmarks/render_speed.py --nodes 20000   # pruned to 5,000, the rule shown on the page
    python benchmarks/render_speed.py --shot big.png  # also save a screenshot

Needs ``pip install playwright`` and Debian's ``chromium`` (or ``--chromium PATH``).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

import networkx as nx
import numpy as np

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


def synthetic_outlet_graph(n: int, seed: int = 0, per_node: int = 3) -> nx.DiGraph:
    """A directed scale-free outlet graph with camps, kinds, counts and lags (seeded)."""
    rng = np.random.default_rng(seed)
    base = nx.barabasi_albert_graph(n, per_node, seed=seed)
    camps = np.array(["RU", "CN", "IR", "WEST"])
    kinds = np.array(["state_media", "diplomat", "ministry", "independent"])
    g = nx.DiGraph()
    for i in range(n):
        g.add_node(f"outlet_{i:05d}", group=str(camps[rng.integers(0, 4)]), kind=str(kinds[rng.integers(0, 4)]),
                   posts=int(rng.integers(5, 500)), echoes_given=0, echoes_received=0)
    for a, b in base.edges():
        a, b = (a, b) if rng.random() < 0.5 else (b, a)
        s, t = f"outlet_{a:05d}", f"outlet_{b:05d}"
        c = int(rng.zipf(2.2))
        g.add_edge(s, t, count=c, score=float(rng.uniform(80, 100)), lag_s_median=float(rng.exponential(7200)))
        g.nodes[s]["echoes_given"] += c
        g.nodes[t]["echoes_received"] += c
    for _, d in g.nodes(data=True):
        d["echoes"] = d["echoes_given"] + d["echoes_received"]
    g.graph["level"] = "outlet"
    return g


def settle_time(path: str, chromium: str, timeout: float = 120.0, shot: str | None = None) -> dict:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            outside = []
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:")
                       else (outside.append(r.request.url), r.abort()))
            t0 = time.perf_counter()
            page.goto("file://" + os.path.abspath(path))
            loaded = time.perf_counter() - t0
            while not page.evaluate("!!(window.amplify && window.amplify.settled)"):
                if time.perf_counter() - t0 > timeout:
                    raise TimeoutError(f"the layout did not settle in {timeout:.0f} s")
                page.wait_for_timeout(50)
            wall = time.perf_counter() - t0
            res = {"load_s": loaded, "settled_s": wall, "in_page_ms": page.evaluate("window.amplify.settleMs"),
                   "nodes": page.evaluate("window.amplify.nodes.length"),
                   "edges": page.evaluate("window.amplify.edges.length"), "requests_outside": outside}
            if shot:
                page.screenshot(path=shot)
            return res
        finally:
            browser.close()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nodes", type=int, default=5000, help="outlets in the graph (default 5000)")
    ap.add_argument("--top", type=int, default=None, help="prune to this many (default: only above 5,000)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    ap.add_argument("--shot", help="save a screenshot here")
    ap.add_argument("--out", help="keep the page here")
    a = ap.parse_args(argv)

    from amplify.render import network_html

    t = time.perf_counter()
    g = synthetic_outlet_graph(a.nodes, a.seed)
    t_graph = time.perf_counter() - t
    out = a.out or os.path.join(tempfile.mkdtemp(prefix="amplify-bench-"), "network.html")
    t = time.perf_counter()
    page = network_html(g, out, top=a.top)
    t_page = time.perf_counter() - t
    print(f"graph: {g.number_of_nodes():,} outlets, {g.number_of_edges():,} links (built in {t_graph:.2f} s)")
    print(f"page:  {page.n_nodes:,} nodes, {page.n_edges:,} edges drawn; {os.path.getsize(out) / 1e6:.1f} MB; "
          f"written in {t_page:.2f} s -> {out}")
    if page.pruning_note:
        print(f"       {page.pruning_note}")
    if not os.path.exists(a.chromium):
        print(f"browser: skipped ({a.chromium} not found)")
        return 0
    try:
        r = settle_time(out, a.chromium, shot=a.shot)
    except ImportError:
        print("browser: skipped (pip install playwright)")
        return 0
    print(f"browser: loaded in {r['load_s']:.2f} s, layout settled and physics off after {r['settled_s']:.2f} s "
          f"(in-page {r['in_page_ms'] / 1000:.2f} s); {r['nodes']:,} nodes, {r['edges']:,} edges; "
          f"requests outside the file: {len(r['requests_outside'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
