"""Network labels in a real browser: no two shown labels overlap, and none is cut off at the canvas edge.

The boxes are vis-network's own (``labelModule.size``, moved by ``font.vadjust``
for a label drawn above its dot), read after the page has drawn them: the page
places labels with its own measure (canvas ``measureText``), so this checks it
against what is on screen. vis-network measures a label only when it draws its
node, so a zoomed-in view is checked on the nodes in view.

A label left out must still be reachable: its node's tooltip shows the name,
search finds it (and then shows its label), and the saved SVG draws exactly the
labels on screen.
"""

from __future__ import annotations

import re
from xml.etree import ElementTree as ET

import pytest

from test_browser import Visit, browser  # noqa: F401  (fixture; the module skips without Chromium)

from amplify.render.network import graph_view, network_html

# The labels vis-network draws (font size x zoom at least its drawThreshold - 1), as DOM boxes in the canvas.
_SHOWN = """() => {
  const a = window.amplify, net = a.network, k = net.getScale(), cv = document.querySelector('#network canvas');
  const W = cv.clientWidth, H = cv.clientHeight, out = [];
  a.nodes.get().forEach(n => {
    const b = net.body.nodes[n.id], lm = b.labelModule;
    const c = net.canvasToDOM({x: b.x, y: b.y});
    const inView = c.x >= 0 && c.y >= 0 && c.x <= W && c.y <= H;
    if (n.hidden || !inView || !b.options.label || lm.size.width <= 0 ||
        lm.fontOptions.size * k < b.options.scaling.label.drawThreshold - 1) { return; }
    const va = lm.fontOptions.vadjust || 0;
    const tl = net.canvasToDOM({x: lm.size.left, y: lm.size.top + va});
    const br = net.canvasToDOM({x: lm.size.left + lm.size.width, y: lm.size.top + va + lm.size.height});
    out.push({id: n.id, rank: n.rank, label: b.options.label, l: tl.x, t: tl.y, r: br.x, b: br.y});
  });
  return {W: W, H: H, labels: out, nodes: a.nodes.length,
          allInView: a.nodes.get().every(n => { const c = net.canvasToDOM(net.getPositions([n.id])[n.id]);
                                                return c.x >= 0 && c.y >= 0 && c.x <= W && c.y <= H; })};
}"""


@pytest.fixture(scope="module")
def corpus():
    from amplify.detect import detect
    from amplify.synth import generate

    c = generate(n_posts=1500, seed=0)
    return detect(c.posts, c.outlets), c.posts, c.outlets


@pytest.fixture(scope="module")
def pages(corpus, tmp_path_factory):
    links, posts, outlets = corpus
    d = tmp_path_factory.mktemp("labels")
    return {level: network_html(graph_view(links, posts, outlets, level=level), d / f"{level}.html",
                                top=150 if level == "post" else None).path
            for level in ("post", "outlet", "camp")}


def _shown(v) -> dict:
    return v.ev(_SHOWN)


def _text(v, element_id: str):
    return v.ev("(id) => { const e = document.getElementById(id); return e ? e.textContent : null; }", element_id)


def _overlapping(shown) -> list:
    boxes = shown["labels"]
    return [(a["label"], b["label"]) for i, a in enumerate(boxes) for b in boxes[i + 1:]
            if a["l"] < b["r"] and b["l"] < a["r"] and a["t"] < b["b"] and b["t"] < a["b"]]


def _outside(shown) -> list:
    return [a["label"] for a in shown["labels"]
            if a["l"] < 0 or a["t"] < 0 or a["r"] > shown["W"] or a["b"] > shown["H"]]


def _wait_still(v):
    """Until the view stops moving (an animated fit or focus) and the labels were placed for its zoom."""
    last = None
    for _ in range(100):
        v.page.wait_for_timeout(50)
        now = v.ev("[window.amplify.network.getScale(), (window.amplify.labels || {scale: 0}).scale, "
                   "JSON.stringify(window.amplify.network.getViewPosition())]")
        if now == last and (not now[1] or abs(now[0] / now[1] - 1) < 1e-9):
            return
        last = now


@pytest.mark.parametrize("level", ["post", "outlet"])
def test_shown_labels_never_overlap_and_fit_the_canvas(browser, pages, level):
    v = Visit(browser, pages[level])
    try:
        _wait_still(v)
        for when in ("first view", "after Fit to window"):
            shown = _shown(v)
            assert shown["allInView"], when
            assert _overlapping(shown) == [], when
            assert _outside(shown) == [], when
            # the largest nodes keep their labels
            ranks = {x["rank"] for x in shown["labels"]}
            assert set(range(10)) <= ranks, when
            # the page says how many labels it shows
            n = len(shown["labels"])
            said = _text(v, "labels-shown")
            assert said == (f"all {n}" if n == shown["nodes"] else f"{n} of {shown['nodes']}"), when
            v.page.click("#fit")
            _wait_still(v)
        # zooming in brings the smaller labels, still none over another
        box = v.page.locator("#network canvas").bounding_box()
        v.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        for _ in range(6):
            v.page.mouse.wheel(0, -300)
            v.page.wait_for_timeout(40)
        _wait_still(v)
        shown = _shown(v)
        assert shown["labels"] and _overlapping(shown) == []
        v.assert_clean()
    finally:
        v.close()


def test_a_small_graph_keeps_every_label(browser, pages):
    v = Visit(browser, pages["camp"])
    try:
        _wait_still(v)
        shown = _shown(v)
        assert len(shown["labels"]) == shown["nodes"] == 4
        assert _outside(shown) == [] and _overlapping(shown) == []
        assert _text(v, "labels-shown") == "all 4"
        assert _text(v, "labels-more") == ""
        v.assert_clean()
    finally:
        v.close()


def test_a_label_left_out_stays_reachable_and_the_svg_draws_the_shown_ones(browser, pages):
    v = Visit(browser, pages["post"])
    try:
        _wait_still(v)
        # the saved SVG: the labels on screen, each line once, and no other
        shown = v.ev("window.amplify.nodes.get().filter(n => n.label).map(n => n.label)")
        svg = ET.fromstring(v.ev("window.amplify.buildSvg()"))
        ns = "{http://www.w3.org/2000/svg}"
        title_and_legend = 1 + len(v.ev("JSON.parse(document.getElementById('amplify-data').textContent).legend"))
        texts = [t.text for t in svg.findall(f"{ns}text")]
        assert sorted(texts[:-title_and_legend]) == sorted(line for s in shown for line in s.split("\n"))
        # ... inside the drawing: a label placed above the topmost dot was cut off at the top
        x0, y0, w, h = map(float, svg.get("viewBox").split())
        for t in svg.findall(f"{ns}text")[:-title_and_legend]:
            y, size = float(t.get("y")), float(t.get("font-size", "12").rstrip("px"))
            assert y0 <= y - 0.8 * size and y <= y0 + h, (t.text, y, size, y0, h)

        # the largest node drawn without a label: its tooltip names it ...
        hid = v.ev("window.amplify.nodes.get().filter(n => !n.label).sort((a, b) => a.rank - b.rank)[0]")
        pos = v.node_dom(hid["id"])
        v.page.mouse.move(pos["x"] + 1, pos["y"] + 1)
        tip = v.page.locator("div.vis-tooltip")
        tip.wait_for(state="visible", timeout=5000)
        outlet = hid["search"].split(" · ")[-1]
        assert outlet in tip.inner_text()
        # ... and search finds it, selects it and shows its label, still over no other
        v.page.fill("#search", hid["search"])
        v.page.keyboard.press("Enter")
        _wait_still(v)
        assert v.ev("window.amplify.network.getSelectedNodes()") == [hid["id"]]
        now = v.ev("(id) => window.amplify.nodes.get(id)", hid["id"])
        assert now["label"] and re.sub(r"\s+", " ", now["label"]).startswith(outlet)
        shown = _shown(v)
        assert hid["id"] in {x["id"] for x in shown["labels"]} and _overlapping(shown) == []
        v.assert_clean()
    finally:
        v.close()
