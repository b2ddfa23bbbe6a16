"""The generated pages in a real browser (headless Chromium through Playwright), offline.

Every request that is not the page's own file is blocked and recorded; a test
fails if anything tried to leave the page. Hostile text in posts and outlet
names must not execute (a sentinel ``window.__pwned`` stays 0, no dialog opens)
and must show literally in the tooltips.

Needs ``pip install playwright`` and a Chromium binary (Debian: ``apt-get
install chromium``; or set ``AMPLIFY_CHROMIUM``). Playwright's own browser
download is not used. Without them the module is skipped.
"""

from __future__ import annotations

import base64
import os
import shutil
import time

import networkx as nx
import pandas as pd
import pytest

sync_api = pytest.importorskip(
    "playwright.sync_api",
    reason="browser tests need Playwright (pip install playwright) and Chromium (apt-get install chromium)")


def _find_chromium():
    cands = [os.environ.get("AMPLIFY_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
             shutil.which("chromium-browser"), shutil.which("google-chrome")]
    return next((c for c in cands if c and os.path.exists(c)), None)


CHROMIUM = _find_chromium()
if CHROMIUM is None:
    pytest.skip("browser tests need a Chromium binary (apt-get install chromium, or set AMPLIFY_CHROMIUM)",
                allow_module_level=True)

from amplify import schema  # noqa: E402
from amplify.render.network import graph_view, network_html  # noqa: E402
from amplify.render.report import build_report  # noqa: E402

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
EVIL = 'x<script>window.__pwned=1</script>"\'><b>'
EVIL_NAME = '<img src=x onerror="window.__pwned=2;alert(2)"> &amp; "Co"'
HOSTILE = ("</script><script>window.__pwned=3;alert(3)</script><img src=x onerror=\"window.__pwned=4\">"
           "<a href=\"javascript:window.__pwned=5\">click</a> \"'><svg onload=\"window.__pwned=6\"> "
           "<iframe src=\"javascript:parent.__pwned=7\"></iframe> &lt;b&gt; {{7*7}} \u2028")


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        try:
            b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        except Exception as exc:  # a Chromium that does not start here: skip, do not fail
            pytest.skip(f"Chromium at {CHROMIUM} does not start: {exc}")
        yield b
        b.close()


class Visit:
    """A page opened offline: requests, dialogs and errors recorded."""

    def __init__(self, browser, path, *, bypass_csp=False, wait=True, viewport=(1400, 900)):
        self.context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]},
                                           bypass_csp=bypass_csp, service_workers="block")
        self.page = self.context.new_page()
        self.url = "file://" + os.path.abspath(path)
        self.outside, self.dialogs, self.errors = [], [], []
        self.page.add_init_script("window.__pwned = 0;")
        self.page.route("**/*", self._route)
        self.page.on("dialog", self._dialog)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.goto(self.url)
        if wait:
            self.wait_settled()

    def _route(self, route):
        if route.request.url == self.url:
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def _dialog(self, d):
        self.dialogs.append(d.message)
        d.dismiss()

    def wait_settled(self, timeout=60.0):
        t = time.monotonic()
        while not self.page.evaluate("!!(window.amplify && window.amplify.settled)"):
            if time.monotonic() - t > timeout:
                raise AssertionError(f"the layout did not settle in {timeout} s; errors: {self.errors}")
            self.page.wait_for_timeout(50)

    def ev(self, js, arg=None):
        return self.page.evaluate(js, arg)

    def node_dom(self, node_id):
        return self.ev("""(id) => { const n = window.amplify.network, p = n.getPositions([id])[id];
            const d = n.canvasToDOM(p), r = document.getElementById('network').getBoundingClientRect();
            return {x: d.x + r.left, y: d.y + r.top}; }""", node_id)

    def close(self):
        self.context.close()

    def assert_clean(self):
        assert self.outside == [], f"requests left the page: {self.outside}"
        assert self.dialogs == [], f"a dialog opened: {self.dialogs}"
        assert self.ev("window.__pwned") == 0


def pixel_stats(browser, png: bytes) -> dict:
    """Non-white share and distinct colours (4 bits per channel) of a PNG, decoded by the browser."""
    ctx = browser.new_context()
    try:
        page = ctx.new_page()
        return page.evaluate("""async (b64) => {
            const img = new Image(); img.src = 'data:image/png;base64,' + b64; await img.decode();
            const c = document.createElement('canvas'); c.width = img.width; c.height = img.height;
            const g = c.getContext('2d'); g.drawImage(img, 0, 0);
            const d = g.getImageData(0, 0, c.width, c.height).data;
            let nonWhite = 0; const colours = new Set();
            for (let i = 0; i < d.length; i += 4) {
              if (d[i] < 245 || d[i + 1] < 245 || d[i + 2] < 245) nonWhite++;
              colours.add(((d[i] >> 4) << 8) | ((d[i + 1] >> 4) << 4) | (d[i + 2] >> 4));
            }
            return {share: nonWhite / (d.length / 4), colours: colours.size, w: c.width, h: c.height};
        }""", base64.b64encode(png).decode())
    finally:
        ctx.close()


def hostile_tables():
    t0 = pd.Timestamp("2022-01-05T10:00:00Z")
    h = pd.Timedelta(hours=1)
    rows = [("p1", "mfa_china", t0, "Stop interfering in Kazakhstan. " + HOSTILE),
            ("p2", "tass", t0 + h, "China: stop interfering in Kazakhstan."),
            ("p3", EVIL, t0 + 2 * h, HOSTILE + " China: stop interfering in Kazakhstan."),
            ("p4", "rt", t0 + 3 * h, "China: stop interfering in Kazakhstan."),
            ("p5", "presstv", t0 + 4 * h, "China: stop interfering in Kazakhstan.")]
    posts = schema.validate_posts(pd.DataFrame(rows, columns=["post_id", "outlet", "published_at", "text"]))
    outlets = schema.validate_outlets(pd.DataFrame({
        "outlet": ["mfa_china", "tass", EVIL, "rt", "presstv"], "group": ["CN", "RU", "RU", "RU", "IR"],
        "kind": ["ministry", "state_media", "troll", "state_media", "state_media"],
        "name": ["MFA", "TASS", EVIL_NAME, "RT", "Press TV"]}))
    tt = posts.set_index("post_id")["published_at"]
    tx = posts.set_index("post_id")["text"]

    def link(s, t, kind):
        return dict(source_id=s, target_id=t, kind=kind, score=99.0, source_start=0, source_end=len(tx[s]),
                    target_start=0, target_end=len(tx[t]), lag_s=(tt[t] - tt[s]).total_seconds(), attributed=False,
                    is_parent=True, tie=False)

    links = schema.validate_links(pd.DataFrame([link("p1", "p2", "quote"), link("p1", "p3", "quote"),
                                                link("p3", "p4", "verbatim"), link("p2", "p5", "verbatim")]))
    return links, posts, outlets


@pytest.fixture(scope="module")
def corpus():
    from amplify.detect import detect
    from amplify.synth import generate

    c = generate(n_posts=1200, seed=0, hostile_fraction=0.1)
    return detect(c.posts, c.outlets), c.posts, c.outlets


# --------------------------------------------------------------------------- the outlet network


def test_outlet_network_offline(browser, corpus, tmp_path):
    g = graph_view(*corpus)
    page = network_html(g, tmp_path / "network.html", top=25)
    assert page.pruning_note
    v = Visit(browser, page.path)
    try:
        assert v.ev("window.amplify.nodes.length") == page.n_nodes == 25
        assert v.ev("window.amplify.edges.length") == page.n_edges
        assert v.ev("window.amplify.network.body.data.nodes.length") == 25  # vis itself holds them
        # physics stopped after stabilisation: positions no longer move
        assert v.ev("window.amplify.network.physics.options.enabled") is False
        before = v.ev("JSON.stringify(window.amplify.network.getPositions())")
        v.page.wait_for_timeout(400)
        assert v.ev("JSON.stringify(window.amplify.network.getPositions())") == before
        # legend and pruning note
        assert v.page.locator("#legend-list li").count() == len(page.legend) >= 3
        assert v.page.inner_text("#pruning-note").startswith("Showing the 25 outlets with the most echoes")
        assert "Arrow" in v.page.inner_text("#legend")
        # not blank: the drawing has colour, including the camps' colours
        png = v.page.screenshot()
        stats = pixel_stats(browser, png)
        assert stats["share"] > 0.04 and stats["colours"] > 40, stats
        canvas = v.ev("""(cols) => { const c = document.querySelector('#network canvas');
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            const want = cols.map(h => [1, 3, 5].map(i => parseInt(h.substr(i, 2), 16)));
            const hits = want.map(() => 0);
            for (let i = 0; i < d.length; i += 4) want.forEach((w, j) => {
              if (Math.abs(d[i] - w[0]) < 6 && Math.abs(d[i + 1] - w[1]) < 6 && Math.abs(d[i + 2] - w[2]) < 6) hits[j]++; });
            return hits; }""", [x["color"] for x in page.legend])
        assert all(h > 50 for h in canvas), canvas
        assert v.errors == []
        v.assert_clean()
    finally:
        v.close()


def test_search_legend_and_details(browser, corpus, tmp_path):
    page = network_html(graph_view(*corpus), tmp_path / "n.html")
    v = Visit(browser, page.path)
    try:
        target = sorted(v.ev("window.amplify.nodes.getIds()"))[0]
        v.page.fill("#search", target)
        v.page.press("#search", "Enter")
        assert v.ev("window.amplify.network.getSelectedNodes()") == [target]
        assert not v.ev("document.getElementById('details').hidden")
        assert v.page.inner_text("#details-body").startswith(target)
        first = v.page.locator("#legend-list li").first
        key = first.get_attribute("data-key")
        first.click()
        hidden = v.ev("(k) => window.amplify.nodes.get({filter: n => n.lk === k}).every(n => n.hidden === true)", key)
        assert hidden
        v.assert_clean()
    finally:
        v.close()


# --------------------------------------------------------------------------- hostile text


@pytest.mark.parametrize("bypass_csp", [False, True], ids=["with-csp", "escaping-alone"])
def test_hostile_text_is_inert_and_shows_literally(browser, tmp_path, bypass_csp):
    page = network_html(graph_view(*hostile_tables()), tmp_path / "evil.html")
    v = Visit(browser, page.path, bypass_csp=bypass_csp)
    try:
        assert v.ev("window.amplify.nodes.length") == 5
        pos = v.node_dom(EVIL)
        v.page.mouse.move(pos["x"] + 1, pos["y"] + 1)
        tip = v.page.locator("div.vis-tooltip")
        tip.wait_for(state="visible", timeout=5000)
        text = tip.inner_text()
        assert EVIL in text and EVIL_NAME in text
        assert "</script><script>window.__pwned=3;alert(3)</script>" in text and "{{7*7}}" in text
        assert v.ev("document.querySelectorAll('.vis-tooltip script, .vis-tooltip img, .vis-tooltip svg, "
                    ".vis-tooltip iframe, .vis-tooltip a').length") == 0
        v.page.mouse.click(pos["x"] + 1, pos["y"] + 1)
        details = v.page.inner_text("#details-body")
        assert EVIL in details and "<script>window.__pwned=3;alert(3)</script>" in details
        assert v.ev("document.querySelectorAll('#details script, #details img, #details svg, #details iframe').length") == 0
        v.page.fill("#search", EVIL_NAME)
        v.page.press("#search", "Enter")
        assert v.ev("window.amplify.network.getSelectedNodes()") == [EVIL]
        assert v.ev("document.title") == "Amplification between outlets"
        v.page.wait_for_timeout(200)
        v.assert_clean()
    finally:
        v.close()


def test_a_bidi_override_shows_as_an_escape_on_screen_and_marks_stay_on_the_passage(browser, tmp_path):
    # the data keeps the override (ids and the marks' offsets depend on it); the page shows it as \u202e
    from test_render_network import _bidi_tables

    links, posts, outlets, text = _bidi_tables()
    page = network_html(graph_view(links, posts, outlets, level="post"), tmp_path / "bidi.html")
    v = Visit(browser, page.path, bypass_csp=False)
    try:
        v.ev("() => window.amplify.showDetails('e', window.amplify.edges.getIds()[0])")
        details = v.page.inner_text("#details-body")
        assert "\u202e" not in details and "\x1b" not in details
        assert "p\\u202e1" in details
        marks = v.ev("() => Array.from(document.querySelectorAll('#details-body mark')).map(m => m.textContent)")
        assert text in marks  # the source's passage, marked where it is, after the escaped characters
        v.ev("() => window.amplify.showDetails('n', window.amplify.nodes.getIds()[0])")
        node = v.page.inner_text("#details-body")
        assert "evil\\u202eoutlet\\x1b[31m" in node and "\u202e" not in node
        legend = v.page.inner_text("#legend-list")
        assert "RU\\u202eCN" in legend and "\u202e" not in legend
        v.assert_clean()
    finally:
        v.close()


def test_synthetic_hostile_corpus(browser, tmp_path):
    from amplify.detect import detect
    from amplify.synth import generate

    c = generate(n_posts=300, seed=1, hostile_fraction=0.5)
    links = detect(c.posts, c.outlets)
    for level in ("outlet", "post"):
        page = network_html(graph_view(links, c.posts, c.outlets, level=level), tmp_path / f"{level}.html")
        v = Visit(browser, page.path, bypass_csp=True)  # escaping alone must hold
        try:
            # open every tooltip's content in the details panel: nothing may run
            v.ev("""() => { const ids = window.amplify.nodes.getIds();
                ids.forEach(id => window.amplify.showDetails('n', id));
                window.amplify.edges.getIds().forEach(id => window.amplify.showDetails('e', id)); }""")
            v.page.wait_for_timeout(200)
            v.assert_clean()
        finally:
            v.close()


# --------------------------------------------------------------------------- other pages


def test_cascade_in_time_order(browser, corpus, tmp_path):
    links, posts, outlets = corpus
    par = links[links["is_parent"]]
    root = par.groupby("source_id").size().sort_values(ascending=False).index[0]
    g = graph_view(links, posts, outlets, level="post", focus=root)
    page = network_html(g, tmp_path / "cascade.html")
    v = Visit(browser, page.path)
    try:
        assert v.ev("window.amplify.nodes.length") == len(g)
        assert v.ev("window.amplify.network.physics.options.enabled") is False
        pos = v.ev("window.amplify.network.getPositions()")
        for a, b in g.edges:
            assert pos[b]["x"] > pos[a]["x"]
        assert "The cascade of post" in v.page.inner_text("#focus-note")
        assert pixel_stats(browser, v.page.screenshot())["share"] > 0.02
        v.assert_clean()
    finally:
        v.close()


def test_jupyter_repr_renders_inside_a_sandboxed_iframe(browser, tmp_path):
    page = network_html(graph_view(*hostile_tables()))
    host = tmp_path / "notebook.html"
    host.write_text("<!DOCTYPE html><html><body>" + page._repr_html_() + "</body></html>", encoding="utf-8")
    v = Visit(browser, host, wait=False)
    try:
        frame = v.page.frames[1]
        t = time.monotonic()
        while not frame.evaluate("!!(window.amplify && window.amplify.settled)"):
            assert time.monotonic() - t < 30
            v.page.wait_for_timeout(50)
        assert frame.evaluate("window.amplify.nodes.length") == 5
        assert frame.evaluate("window.__pwned") in (0, None)
        v.assert_clean()
    finally:
        v.close()


def test_report_offline_and_printable(browser, corpus, tmp_path):
    links, posts, outlets = corpus
    path = tmp_path / "report.html"
    path.write_text(build_report(links=links, posts=posts, outlets=outlets, analyses=False), encoding="utf-8")
    v = Visit(browser, path, wait=False)
    try:
        assert v.page.get_attribute("#network-link", "href") == "network.html"
        assert v.page.locator("svg.chart").count() == 2 and v.page.locator("svg.chart polyline").count() >= 2
        assert v.page.locator("#cascades .cascade").count() == 5
        v.page.emulate_media(media="print")
        assert v.ev("getComputedStyle(document.querySelector('nav')).display") == "none"
        pdf = v.page.pdf()
        assert pdf[:4] == b"%PDF" and len(pdf) > 20_000
        v.assert_clean()
    finally:
        v.close()


@pytest.mark.parametrize("width", [1200, 700])
def test_report_never_widens_the_page(browser, corpus, tmp_path, width):
    """Wide tables (synergy has 12 columns, evidence a long text column) wrap their headers or
    scroll by themselves: the page itself never scrolls sideways."""
    links, posts, outlets = corpus
    path = tmp_path / "report.html"
    path.write_text(build_report(links=links, posts=posts, outlets=outlets), encoding="utf-8")
    v = Visit(browser, path, wait=False, viewport=(width, 900))
    try:
        assert v.page.locator("table").count() >= 5
        page_w, view_w = v.ev("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert page_w <= view_w, f"the page is {page_w} px wide in a {view_w} px window"
        v.assert_clean()
    finally:
        v.close()


def test_a_large_graph_settles_quickly(browser, tmp_path):
    g = nx.DiGraph(level="outlet")
    base = nx.barabasi_albert_graph(1000, 2, seed=0)
    for i in base.nodes:
        g.add_node(f"o{i}", group=("RU", "CN", "IR", "WEST")[i % 4], posts=10)
    for a, b in base.edges:
        g.add_edge(f"o{a}", f"o{b}", count=1 + (a * b) % 5)
    page = network_html(g, tmp_path / "big.html")
    t = time.monotonic()
    v = Visit(browser, page.path)
    wall = time.monotonic() - t
    try:
        assert v.ev("window.amplify.nodes.length") == 1000
        assert wall < 45, f"{wall:.1f} s to settle"
        v.assert_clean()
    finally:
        v.close()


def test_post_page_shows_both_texts_side_by_side(browser, tmp_path):
    """Clicking an echo (or a post) on a post page shows both texts with every matched passage marked."""
    statement = ("The spokesperson said the talks in Geneva on regional security went well and both sides agreed "
                 "to meet again next week")
    posts = pd.DataFrame({"post_id": ["s", "t"], "outlet": ["mfa", "tass"],
                          "published_at": pd.to_datetime(["2024-03-01 08:00:00", "2024-03-01 11:00:00"], utc=True),
                          "text": [HOSTILE + " " + statement, "TASS: " + statement + " " + HOSTILE]})
    outlets = pd.DataFrame({"outlet": ["mfa", "tass"], "group": ["CN", "RU"]})
    from amplify.detect import detect

    links = detect(posts, outlets)
    assert len(links) == 1
    page = network_html(graph_view(links, posts, outlets, level="post"), tmp_path / "post.html")
    v = Visit(browser, page.path)
    try:
        eid = v.ev("window.amplify.edges.getIds()[0]")
        v.ev("(id) => window.amplify.showDetails('e', id)", eid)
        marks = v.ev("Array.from(document.querySelectorAll('#details-body .tip-sides mark')).map(m => m.textContent)")
        assert sum("talks in Geneva" in m for m in marks) >= 2, marks  # marked in both texts
        sides = v.ev("Array.from(document.querySelectorAll('#details-body .tip-sides blockquote'))"
                     ".map(b => b.textContent)")
        assert sides[0].startswith("</script><script>") and sides[1].startswith("TASS: ")  # shown as text
        v.ev("() => window.amplify.showDetails('n', 't')")
        assert "Its direct source, side by side" in v.page.inner_text("#details-body")
        v.page.wait_for_timeout(200)
        v.assert_clean()
    finally:
        v.close()
