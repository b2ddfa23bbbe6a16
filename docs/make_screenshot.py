"""Make ``docs/network.png``: a screenshot of the demo's network page in headless Chromium.

    python docs/make_screenshot.py                         # builds the demo page itself (seeded)
    python docs/make_screenshot.py --page demo/network.html
    python docs/make_screenshot.py --tooltip               # with a tooltip open on the largest outlet

The page is opened offline (every request other than the file is blocked, and
the script fails if one was attempted), the layout is left to settle, and the
window is saved as a PNG for the README. Without ``--page`` the page is built the
way ``amplify demo`` builds it: a seeded synthetic corpus (``amplify.synth``,
5,000 posts, seed 0), detection, and the outlet network.

Needs ``pip install playwright`` and Debian's ``chromium`` (or ``--chromium PATH``);
Playwright's own browser download is not needed.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--hide-scrollbars", "--font-render-hinting=none"]
HERE = Path(__file__).resolve().parent


def demo_page(folder: Path, n_posts: int = 5000, seed: int = 0) -> Path:
    """The demo's network page, built from a seeded synthetic corpus."""
    from amplify.detect import detect
    from amplify.render import graph_view, network_html
    from amplify.synth import generate

    c = generate(n_posts=n_posts, seed=seed)
    links = detect(c.posts, c.outlets)
    g = graph_view(links, c.posts, c.outlets)
    return network_html(g, folder / "network.html", title="Who amplifies whom: outlets of four camps",
                        top=300).path


def screenshot(page_path: Path, out: Path, *, chromium: str, width: int, height: int, scale: float,
               tooltip: bool) -> dict:
    from playwright.sync_api import sync_playwright

    url = "file://" + str(page_path.resolve())
    outside = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=ARGS)
        try:
            ctx = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=scale)
            page = ctx.new_page()
            page.route("**/*", lambda r: r.continue_() if r.request.url == url
                       else (outside.append(r.request.url), r.abort()))
            t0 = time.monotonic()
            page.goto(url)
            while not page.evaluate("!!(window.amplify && window.amplify.settled)"):
                if time.monotonic() - t0 > 120:
                    raise SystemExit("the layout did not settle in 120 s")
                page.wait_for_timeout(100)
            settled = time.monotonic() - t0
            page.wait_for_timeout(300)
            if tooltip:
                nid = page.evaluate("""() => { const a = window.amplify;
                    return a.nodes.get().sort((x, y) => y.size - x.size)[0].id; }""")
                pos = page.evaluate("""(id) => { const n = window.amplify.network, p = n.getPositions([id])[id];
                    const d = n.canvasToDOM(p), r = document.getElementById('network').getBoundingClientRect();
                    return {x: d.x + r.left, y: d.y + r.top}; }""", nid)
                page.mouse.move(pos["x"], pos["y"])
                page.locator("div.vis-tooltip").wait_for(state="visible", timeout=5000)
            out.parent.mkdir(parents=True, exist_ok=True)
            tmp = out.with_name(f".{out.stem}.tmp.png")
            page.screenshot(path=str(tmp))
            os.replace(tmp, out)
            return {"settled_s": settled, "nodes": page.evaluate("window.amplify.nodes.length"),
                    "edges": page.evaluate("window.amplify.edges.length"), "outside": outside}
        finally:
            browser.close()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--page", type=Path, help="an existing network page (default: build the demo's)")
    ap.add_argument("--out", type=Path, default=HERE / "network.png")
    ap.add_argument("--chromium", default=os.environ.get("AMPLIFY_CHROMIUM", "/usr/bin/chromium"))
    ap.add_argument("--width", type=int, default=1600)
    ap.add_argument("--height", type=int, default=1000)
    ap.add_argument("--scale", type=float, default=1.0, help="device pixel ratio (2 for a sharper, larger PNG)")
    ap.add_argument("--tooltip", action="store_true", help="show the tooltip of the largest outlet")
    a = ap.parse_args(argv)
    page = a.page or demo_page(Path(tempfile.mkdtemp(prefix="amplify-shot-")))
    r = screenshot(page, a.out, chromium=a.chromium, width=a.width, height=a.height, scale=a.scale,
                   tooltip=a.tooltip)
    if r["outside"]:
        print(f"error: the page tried to fetch {r['outside']}", file=sys.stderr)
        return 1
    print(f"wrote {a.out} ({a.out.stat().st_size / 1024:.0f} KB): {r['nodes']} nodes, {r['edges']} edges, "
          f"settled in {r['settled_s']:.1f} s, no request left the page")
    return 0


if __name__ == "__main__":
    sys.exit(main())
