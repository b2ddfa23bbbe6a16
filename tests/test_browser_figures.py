"""Figures fit for a paper, in a real browser: readable cascades, a ringed focus, chosen colours, image sizes.

Screenshots of the outlet, camp, post and focus views and of the report, on a
generated corpus and (when ``../shared/data`` is there) on RUWA, are written to
``$AMPLIFY_SCREENSHOTS`` when it is set (to look at), else to a temporary folder.
On the cascade page no two nodes' boxes (circle and label, as vis-network
measures them) overlap.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pandas as pd
import pytest

from test_browser import CHROMIUM, Visit, browser  # noqa: F401  (fixture; the module skips without Chromium)

from amplify.render.network import graph_view, network_html
from amplify.render.report import build_report

SHARED = Path(os.environ.get("AMPLIFY_SHARED_DATA", Path(__file__).resolve().parents[1] / ".." / "shared" / "data"))
if not (SHARED / "ruwa").exists():  # the worktree's own ../shared, else the machine's
    SHARED = Path("/work/shared/data")


def _shots(tmp_path) -> Path:
    d = Path(os.environ.get("AMPLIFY_SCREENSHOTS") or tmp_path / "shots")
    d.mkdir(parents=True, exist_ok=True)
    return d


@pytest.fixture(scope="module")
def corpus():
    from amplify.detect import detect
    from amplify.synth import generate

    c = generate(n_posts=1500, seed=0)
    return detect(c.posts, c.outlets), c.posts, c.outlets


def _overlaps(v) -> list:
    boxes = v.ev("""() => { const n = window.amplify.network;
        return window.amplify.nodes.getIds().map(id => [id, n.getBoundingBox(id)]); }""")
    out = []
    for i, (a, ba) in enumerate(boxes):
        for b, bb in boxes[i + 1:]:
            if ba["left"] < bb["right"] and bb["left"] < ba["right"] and ba["top"] < bb["bottom"] and \
                    bb["top"] < ba["bottom"]:
                out.append((a, b))
    return out


def _largest_root(links):
    par = links[links["is_parent"]]
    return par.groupby("source_id").size().sort_values(ascending=False).index[0]


def test_cascade_labels_never_overlap_and_the_focus_is_ringed(browser, corpus, tmp_path):
    links, posts, outlets = corpus
    root = _largest_root(links)
    g = graph_view(links, posts, outlets, level="post", focus=root)
    page = network_html(g, tmp_path / "cascade.html", colors="RU=#c00,CN=#d4a000")
    v = Visit(browser, page.path)
    try:
        assert _overlaps(v) == []
        rec = v.ev("(id) => window.amplify.nodes.get(id)", root)
        assert rec["focused"] and rec["borderWidth"] >= 4 and rec["color"]["border"] == "#111111"
        others = v.ev("(id) => window.amplify.nodes.get().filter(n => n.id !== id && n.focused).length", root)
        assert others == 0
        # time left to right: every echo right of its source
        pos = v.ev("window.amplify.network.getPositions()")
        assert all(pos[b]["x"] > pos[a]["x"] for a, b in g.edges)
        assert v.ev("window.amplify.meta.time_axis.ticks.length") >= 2
        assert v.ev("window.amplify.meta.time_axis.start").startswith(str(pd.Timestamp(posts.set_index("post_id")
                                                                                     .at[root, "published_at"]).year))
        legend = {x["key"]: x["color"] for x in v.ev("window.amplify.meta && JSON.parse(document.getElementById("
                                                        "'amplify-data').textContent).legend")}
        assert legend.get("RU") == "#cc0000" and legend.get("CN") == "#d4a000"
        assert "Click a colour to hide it" in v.page.inner_text("#legend")
        v.page.screenshot(path=str(_shots(tmp_path) / "generated-focus.png"))
        v.assert_clean()
    finally:
        v.close()


def test_image_at_a_chosen_size_and_svg(browser, corpus, tmp_path):
    links, posts, outlets = corpus
    page = network_html(graph_view(links, posts, outlets), tmp_path / "network.html", top=40)
    v = Visit(browser, page.path)
    try:
        v.page.select_option("#save-size", "1600x1200")
        with v.page.expect_download() as dl:
            v.page.click("#save-png")
        png = Path(dl.value.path()).read_bytes()
        w, h = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
        assert (w, h) == (1600, 1200)
        svg = v.ev("window.amplify.buildSvg()")
        root = ET.fromstring(svg)  # well-formed, with escaped text
        ns = "{http://www.w3.org/2000/svg}"
        assert len(root.findall(f"{ns}circle")) >= 40 and root.findall(f"{ns}text")
        # edges in their camps' colours (not all grey), arrowheads of one size whatever the width
        paths = root.findall(f"{ns}path")
        assert len(paths) > 40 and len({p.get("stroke") for p in paths}) >= 3
        assert all(m.get("markerUnits") == "userSpaceOnUse" for m in root.iter(f"{ns}marker"))
        v.assert_clean()
    finally:
        v.close()


def test_the_saved_svg_of_camps_keeps_loops_counts_and_both_directions(browser, corpus, tmp_path):
    # a camp's echoes of itself were zero-length lines, the counts were missing and A->B lay on B->A
    links, posts, outlets = corpus
    page = network_html(graph_view(links, posts, outlets, level="camp"), tmp_path / "camps.html")
    v = Visit(browser, page.path)
    try:
        edges = v.ev("window.amplify.edges.get()")
        svg = ET.fromstring(v.ev("window.amplify.buildSvg()"))
        ns = "{http://www.w3.org/2000/svg}"
        d = [p.get("d") for p in svg.findall(f"{ns}path") if p.get("d", "").startswith("M")]
        assert len(d) == len(edges)
        loops = [e for e in edges if e["from"] == e["to"]]
        assert loops and sum(" C" in x for x in d) == len(loops)          # each loop a curve, not a point
        pairs = {(e["from"], e["to"]) for e in edges}
        both = [e for e in edges if e["from"] != e["to"] and (e["to"], e["from"]) in pairs]
        assert both and len({x for x in d if " Q" in x}) == len([x for x in d if " Q" in x])  # no two alike
        labels = {t.text for t in svg.findall(f"{ns}text")}
        assert {e["label"] for e in edges if e.get("label")} <= labels
        v.assert_clean()
    finally:
        v.close()


def _ruwa(folder: Path):
    zpath = SHARED / "ruwa" / "RUWA_01.08.23.csv.zip"
    if not zpath.exists():
        pytest.skip(f"real RUWA data not found at {zpath}")
    from amplify.detect import detect
    from amplify.ingest import read_posts

    with zipfile.ZipFile(zpath) as z:
        name = next(n for n in z.namelist() if n.endswith(".csv"))
        z.extract(name, folder)
    res = read_posts(folder / name,
                     mapping={"outlet": "Site", "published_at": "Date", "text": "title|desc"})
    posts = res.posts
    camp = {"rt.com": "RU", "tass.com": "RU", "news-front.info": "RU", "ukrinform.net": "UA", "censor.net": "UA"}
    outlets = pd.DataFrame({"outlet": sorted(posts["outlet"].unique())})
    outlets["group"] = [next((g for k, g in camp.items() if k.split(".")[0] in o.lower()), "INTL")
                        for o in outlets["outlet"]]
    return detect(posts, outlets), posts, outlets


@pytest.mark.parametrize("source", ["generated", "ruwa"])
def test_screenshots_of_every_view_and_the_report(browser, corpus, tmp_path, source):
    links, posts, outlets = corpus if source == "generated" else _ruwa(tmp_path)
    shots = _shots(tmp_path)
    views = {"outlet": graph_view(links, posts, outlets), "camp": graph_view(links, posts, outlets, level="camp"),
             "post": graph_view(links, posts, outlets, level="post"),
             "focus": graph_view(links, posts, outlets, level="post", focus=_largest_root(links))}
    for name, g in views.items():
        page = network_html(g, tmp_path / f"{name}.html", top=150)
        v = Visit(browser, page.path)
        try:
            v.page.screenshot(path=str(shots / f"{source}-{name}.png"))
            if name == "focus":
                assert _overlaps(v) == []
            v.assert_clean()
        finally:
            v.close()
    report = tmp_path / "report.html"
    report.write_text(build_report(links=links, posts=posts, outlets=outlets, network_href=None), encoding="utf-8")
    v = Visit(browser, report, wait=False)
    try:
        v.page.screenshot(path=str(shots / f"{source}-report.png"), full_page=True)
        v.assert_clean()
    finally:
        v.close()
