"""The network page: self-contained, escaped, pruned with the rule shown, the right picture.

A hand-made corpus with known echoes (links written by hand, so no detection
tuning can change the expected graph) and hostile text in posts and names.
"""

from __future__ import annotations

import json
import os
import re
import stat

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from amplify import schema
from amplify.render import network as N
from amplify.render.layout import seed_positions
from amplify.render.network import graph_view, network_html, script_json
from amplify.render.vis import vis_assets

EVIL = 'x<script>window.__pwned=1</script>'
EVIL_NAME = '<img src=x onerror="window.__pwned=2"> "Outlet" & Co'
HOSTILE = ("</script><script>window.__pwned=3</script> <a href=\"javascript:alert(1)\">x</a> "
           "\"'><svg onload=alert(4)> &lt;b&gt; {{7*7}} \u2028 line\u2029 <!-- end")


def hand_tables():
    """posts, outlets, links: mfa_china's post p1 is echoed by tass, globaltimes and EVIL; tass's
    echo p2 by rt and presstv; tass's p8 by globaltimes (with hostile text); 'lonely' echoes nothing."""
    t0 = pd.Timestamp("2022-01-05T10:00:00Z")
    h = pd.Timedelta(hours=1)
    text_a = "The United States must stop interfering in the internal affairs of Kazakhstan."
    rows = [
        ("p1", "mfa_china", t0, text_a),
        ("p2", "tass", t0 + h, "China said: " + text_a),
        ("p3", "rt", t0 + 2 * h, "China said: " + text_a),
        ("p4", EVIL, t0 + 3 * h, HOSTILE + " " + text_a),
        ("p5", "globaltimes", t0 + 0.5 * h, "RT @mfa_china: " + text_a),
        ("p6", "presstv", t0 + 5 * h, "Beijing warned Washington to stop meddling in Kazakhstan's internal affairs."),
        ("p7", "lonely", t0 + 6 * h, "Weather is fine."),
        ("p8", "tass", t0 + 24 * h, "Moscow and Beijing signed a new energy deal on Friday."),
        ("p9", "globaltimes", t0 + 26 * h, "Moscow and Beijing signed a new energy deal on Friday. " + HOSTILE),
    ]
    posts = schema.validate_posts(pd.DataFrame(rows, columns=["post_id", "outlet", "published_at", "text"]))
    outlets = schema.validate_outlets(pd.DataFrame({
        "outlet": ["mfa_china", "globaltimes", "tass", "rt", EVIL, "presstv", "lonely"],
        "group": ["CN", "CN", "RU", "RU", "RU", "IR", "WEST"],
        "kind": ["ministry", "state_media", "state_media", "state_media", "troll", "state_media", "independent"],
        "name": ["Chinese Foreign Ministry", "Global Times", "TASS", "RT", EVIL_NAME, "Press TV", "Lonely"],
    }))
    tt = posts.set_index("post_id")["published_at"]
    texts = posts.set_index("post_id")["text"]

    def link(s, t, kind, score, parent=True):
        return dict(source_id=s, target_id=t, kind=kind, score=score, source_start=0, source_end=len(texts[s]),
                    target_start=0, target_end=len(texts[t]), lag_s=(tt[t] - tt[s]).total_seconds(),
                    attributed=kind == "quote", is_parent=parent, tie=False)

    links = schema.validate_links(pd.DataFrame([
        link("p1", "p2", "quote", 100.0), link("p2", "p3", "verbatim", 100.0), link("p1", "p4", "quote", 97.0),
        link("p1", "p5", "repost", 100.0), link("p2", "p6", "paraphrase", 71.0), link("p8", "p9", "verbatim", 99.0),
        link("p1", "p3", "quote", 100.0, parent=False),
    ]))
    return links, posts, outlets


@pytest.fixture(scope="module")
def tables():
    return hand_tables()


@pytest.fixture(scope="module")
def outlet_view(tables):
    return graph_view(*tables)


def page_data(html: str) -> dict:
    m = re.search(r'<script type="application/json" id="amplify-data">(.*?)</script>', html, re.S)
    assert m, "the page embeds its data as a JSON script block"
    return json.loads(m.group(1))


def strings(obj):
    """Every string inside a JSON-like structure."""
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from strings(v)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            yield from strings(v)


# --------------------------------------------------------------------------- escaping


def test_script_json_cannot_break_out_of_a_script_block():
    obj = {"t": HOSTILE, "k": ["</SCRIPT>", "<!--", "&amp;"], "n": float("nan")}
    s = script_json(obj)
    for bad in ("<", ">", "&", "\u2028", "\u2029"):
        assert bad not in s
    back = json.loads(s)
    assert back["t"] == HOSTILE and back["k"] == ["</SCRIPT>", "<!--", "&amp;"] and back["n"] is None


def test_clean_text_replaces_lone_surrogates():
    assert N.clean_text("a\ud800b") == "a\ufffdb"
    assert N.clean_text("\ud83d\ude00") == "\U0001f600"  # a pair is joined
    assert N.clean_text(pd.NA) == "" and N.clean_text(None) == ""


def test_data_text_never_reaches_the_page_as_markup(tables, outlet_view):
    html = network_html(outlet_view).html
    # only our own three script elements: the JSON data, vis-network, the page code
    # (vis-network's own code holds a "<script>" string literal: leave it out of the count)
    assert len(re.findall(r"<script\b", html.replace(vis_assets()[0], ""), re.I)) == 3
    for raw in ("<script>window.__pwned", "<img src=x", "<svg onload", 'href="javascript:', "<!-- end"):
        assert raw not in html
    # ... but it is all there, literally, for the tooltips (and template syntax is not evaluated)
    data = page_data(html)
    tips = "\n".join(strings([n["tip"] for n in data["nodes"]] + [e["tip"] for e in data["edges"]]))
    assert EVIL in tips and EVIL_NAME in tips and "</script><script>window.__pwned=3</script>" in tips
    assert "{{7*7}}" in tips and "\u2028" not in html and "\u2029" not in html


def test_the_page_is_self_contained(outlet_view):
    html = network_html(outlet_view).html
    assert not re.search(r"<script[^>]+src\s*=", html, re.I)
    assert not re.search(r"<link\b", html, re.I)
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", html, re.I)
    assert "cdnjs" not in html and "jsdelivr" not in html and "lib/bindings" not in html
    assert "Content-Security-Policy" in html and "connect-src 'none'" in html
    assert "vis.Network" in html or "Network=" in html  # vis-network is inlined
    assert len(html) > 400_000


def test_the_page_is_written_atomically_with_normal_permissions(outlet_view, tmp_path):
    out = tmp_path / "sub" / "network.html"
    page = network_html(outlet_view, out)
    assert page.path == out and out.read_text(encoding="utf-8") == page.html
    assert sorted(p.name for p in out.parent.iterdir()) == ["network.html"]  # no temporary file left
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~mask
    assert not (tmp_path / "lib").exists() and not os.path.exists("lib/bindings")


def test_repr_html_is_an_escaped_sandboxed_iframe(outlet_view):
    page = network_html(outlet_view, title='T "<b>')
    r = page._repr_html_()
    assert r.startswith("<iframe") and 'sandbox="allow-scripts"' in r and "srcdoc=" in r
    assert r.count("<") == 2  # the iframe's own open and close tags; the page is escaped inside srcdoc
    assert "&lt;script" in r and 'title="T &quot;&lt;b&gt;"' in r


# --------------------------------------------------------------------------- the picture


def test_outlet_graph_nodes_edges_and_tooltips(outlet_view):
    g = outlet_view
    assert g.number_of_edges() == 6  # parent links only, one edge per outlet pair
    assert g.edges["mfa_china", "tass"]["count"] == 1
    assert g.nodes["tass"]["echoes_given"] == 3 and g.nodes["tass"]["echoes_received"] == 1
    assert g.nodes["mfa_china"]["lag_s_median_given"] == pytest.approx(3600.0)
    ex = g.edges["mfa_china", EVIL]["examples"]
    assert len(ex) == 1 and ex[0]["kind"] == "quote" and "</script><script>" in ex[0]["text"]
    page = network_html(g)
    data = page_data(page.html)
    assert page.n_nodes == 6 and len(data["nodes"]) == 6  # 'lonely' has no echo: not drawn
    assert page.n_edges == 6 and len(data["edges"]) == 6
    assert "1 outlet without any echo is not drawn." in page.html
    tip = next(n["tip"] for n in data["nodes"] if n["id"] == "tass")
    rows = dict(tip["rows"])
    assert rows["Camp"] == "RU" and rows["Kind"] == "state_media" and rows["Echoed by others"] == "3"
    assert rows["Median lag when echoing"] == "1 h"
    assert 1 <= len(tip["ex"]) <= 3 and all("→" in x["head"] for x in tip["ex"])
    assert all(e["arrows"] == "to" for e in data["edges"])
    assert {(e["from"], e["to"]) for e in data["edges"]} == set(g.edges)


def test_legend_colours_sizes_and_widths(tables):
    links, posts, outlets = tables
    # three more echoes tass -> rt make that edge the thickest
    extra = links[links["target_id"] == "p3"].iloc[[0]].copy()
    more = []
    for i in range(3):
        pid = f"q{i}"
        posts = pd.concat([posts, pd.DataFrame({"post_id": [pid], "outlet": ["rt"],
                                                "published_at": [pd.Timestamp("2022-01-07T00:00:00Z")],
                                                "text": ["x"]})], ignore_index=True)
        e = extra.copy()
        e["target_id"] = pid
        more.append(e)
    links = pd.concat([links] + more, ignore_index=True)
    page = network_html(graph_view(links, schema.validate_posts(posts), outlets))
    data = page_data(page.html)
    legend = {x["label"]: (x["color"], x["n"]) for x in data["legend"]}
    assert legend["RU"] == (N.CAMP_COLORS["RU"], 3) and legend["CN"][1] == 2 and legend["IR"][1] == 1
    assert 'id="legend-list"' in page.html and "Arrow" in page.html
    colors = {n["id"]: n["color"] for n in data["nodes"]}
    assert colors["tass"] == colors["rt"] == N.CAMP_COLORS["RU"] and colors["presstv"] == N.CAMP_COLORS["IR"]
    sizes = {n["id"]: n["size"] for n in data["nodes"]}
    g = graph_view(links, schema.validate_posts(posts), outlets)
    echoes = {n: d["echoes"] for n, d in g.nodes(data=True) if n in sizes}
    order = sorted(sizes, key=lambda n: (sizes[n], n))
    assert [echoes[n] for n in order] == sorted(echoes[n] for n in order)  # size grows with echoes
    widths = {(e["from"], e["to"]): e["width"] for e in data["edges"]}
    assert max(widths, key=widths.get) == ("tass", "rt")
    assert widths[("tass", "rt")] > widths[("tass", "presstv")]


def test_top_prunes_and_states_the_rule(outlet_view):
    page = network_html(outlet_view, top=3)
    assert page.n_nodes == 3
    assert page.pruning_note.startswith("Showing the 3 outlets with the most echoes, of 6;")
    assert 'id="pruning-note"' in page.html and page.pruning_note in page.html
    kept = {n["id"] for n in page_data(page.html)["nodes"]}
    assert kept == {"tass", "mfa_china", "globaltimes"}  # echoes 4, 3, 2
    assert 'id="pruning-note"' not in network_html(outlet_view).html


def test_graphs_above_the_cap_are_always_pruned(outlet_view, monkeypatch):
    monkeypatch.setattr(N, "MAX_NODES", 4)
    page = network_html(outlet_view)
    assert page.n_nodes == 4 and "at most 4 nodes" in page.pruning_note


@pytest.mark.parametrize("size_by", ["betweenness", "pagerank", "posts"])
@pytest.mark.parametrize("color_by", ["kind", "community"])
def test_metrics_and_colourings(outlet_view, size_by, color_by):
    page = network_html(outlet_view, size_by=size_by, color_by=color_by, top=4)
    phrase = {"betweenness": "highest betweenness", "pagerank": "highest PageRank", "posts": "most posts"}[size_by]
    assert phrase in page.pruning_note
    data = page_data(page.html)
    assert sum(x["n"] for x in data["legend"]) == 4
    if color_by == "community":
        assert data["meta"]["legend_title"].startswith("Community") and "mostly" in data["legend"][0]["label"]


def test_vendored_vis_network_is_the_released_file_and_pyvis_is_not_used():
    import hashlib
    import sys

    from amplify.render.vis import VIS_NETWORK

    want = {"vis-network.min.js": "1f20f0736f32cb9bedf8f6383b25cfea2f839e1abe80d6e8040b4d5bea378c69",
            "vis-network.css": "2e82d445ad5878ea881652470ce632601f8f55f1b99e6ebecdff8614600e6d0e"}
    for name, sha in want.items():
        assert hashlib.sha256((VIS_NETWORK / name).read_bytes()).hexdigest() == sha, name
    network_html(nx.DiGraph([("a", "b")]))
    assert "pyvis" not in sys.modules


def test_camp_level(tables):
    g = graph_view(*tables, level="camp")
    assert set(g.nodes) == {"CN", "RU", "IR", "WEST"}
    assert g.edges["CN", "RU"]["count"] == 2 and g.edges["RU", "CN"]["count"] == 1
    page = network_html(g)
    data = page_data(page.html)
    assert {e["label"] for e in data["edges"]} >= {"2", "1"}  # camp edges show their counts
    legend = {x["label"]: x["n"] for x in data["legend"]}
    assert legend["RU"] == 3  # a camp's legend entry counts its outlets


def test_post_cascade_in_time_order(tables):
    g = graph_view(*tables, level="post", focus="p1")
    assert set(g.nodes) == {"p1", "p2", "p3", "p4", "p5", "p6"}
    assert g.graph["layout"] == "time" and "47" not in g.graph["focus_note"]
    assert g.graph["focus_note"].startswith("The cascade of post p1 (mfa_china, 2022-01-05 10:00 UTC): 5 echoes")
    for a, b in g.edges:
        assert g.nodes[b]["x"] > g.nodes[a]["x"]  # every echo right of its source
    # p1's direct echoes, top to bottom in publication order: p5 (10:30), p2 (11:00), p4 (13:00)
    ys = [g.nodes[p]["y"] for p in ("p5", "p2", "p4")]
    assert ys == sorted(ys)
    page = network_html(g)
    data = page_data(page.html)
    assert data["options"]["physics"]["enabled"] is False
    assert all("x" in n and "y" in n for n in data["nodes"])
    assert "Left to right" in page.html and page.n_nodes == 6


def test_post_focus_on_an_echo_mentions_its_sources(tables):
    g = graph_view(*tables, level="post", focus="p2")
    assert set(g.nodes) == {"p2", "p3", "p6"}
    assert "echoes 1 earlier post" in g.graph["focus_note"]


def test_post_level_without_focus_prunes_whole_cascades(tables):
    g = graph_view(*tables, level="post")
    page = network_html(g, top=6)
    assert page.n_nodes == 6
    assert page.pruning_note == "Showing the 1 largest cascades (6 posts), of 2 cascades (8 posts)."


def test_outlet_focus_keeps_neighbours(tables):
    g = graph_view(*tables, focus="tass")
    assert set(g.nodes) == {"tass", "mfa_china", "rt", "presstv", "globaltimes"}
    assert "Focused on tass" in network_html(g).html
    g2 = graph_view(*tables, focus="p8")  # a post id: its outlet
    assert g2.graph["focus"] == "tass"
    with pytest.raises(ValueError, match="names no outlet"):
        graph_view(*tables, focus="nobody")


def test_filters_since_until_kinds(tables):
    g = graph_view(*tables, since="2022-01-06")
    assert set(g.edges) == {("tass", "globaltimes")}
    g = graph_view(*tables, kinds=["quote"])
    assert set(g.edges) == {("mfa_china", "tass"), ("mfa_china", EVIL)}
    assert "kinds: quote" in network_html(g).html


def test_bad_arguments(outlet_view):
    with pytest.raises(ValueError):
        network_html(outlet_view, color_by="shade")
    with pytest.raises(ValueError):
        network_html(outlet_view, size_by="charisma")
    with pytest.raises(ValueError):
        network_html(outlet_view, top=0)
    with pytest.raises(ValueError):
        graph_view(*hand_tables(), level="galaxy")


def test_any_digraph_works_and_int_ids():
    g = nx.DiGraph()
    g.add_edge(1, 2, count=3)
    g.add_edge(2, 3)
    page = network_html(g)
    data = page_data(page.html)
    assert {n["id"] for n in data["nodes"]} == {1, 2, 3} and page.n_edges == 2
    assert data["legend"][0]["label"] == "unknown"


def test_empty_graph():
    page = network_html(nx.DiGraph(level="outlet"))
    assert page.n_nodes == 0 and "0 outlets" in page.html


def test_seed_positions_cluster_by_colour():
    nodes = [f"n{i}" for i in range(400)]
    keys = {n: ("A" if i % 2 else "B") for i, n in enumerate(nodes)}
    pos = seed_positions(nodes, keys, {n: 1.0 for n in nodes})
    a = np.array([pos[n] for n in nodes if keys[n] == "A"])
    b = np.array([pos[n] for n in nodes if keys[n] == "B"])
    gap = np.linalg.norm(a.mean(0) - b.mean(0))
    assert gap > a.std(0).max()  # the two camps start apart


def test_many_colours_collapse_into_other():
    g = nx.DiGraph(level="outlet")
    for i in range(30):
        g.add_edge(f"a{i}", f"b{i}", count=1)
        g.nodes[f"a{i}"]["group"] = g.nodes[f"b{i}"]["group"] = f"camp{i:02d}"
    data = page_data(network_html(g).html)
    assert len(data["legend"]) == len(N.PALETTE)
    assert data["legend"][-1]["label"] == "11 other camps" and data["legend"][-1]["n"] == 22
    assert data["legend"][-1]["color"] == N.OTHER_COLOR
    assert sum(x["n"] for x in data["legend"]) == 60


# --------------------------------------------------------------------------- the same input, the same page


def _star_graph(n_leaves=400):
    """A hub echoed by many leaves, with names whose set order differs from their insertion order."""
    g = nx.DiGraph(level="outlet")
    for i in range(n_leaves):
        g.add_edge("hub", f"leaf{i:04d}", count=1 + i % 7)
        g.nodes[f"leaf{i:04d}"]["group"] = ("RU", "CN", "IR")[i % 3]
    g.nodes["hub"]["group"] = "RU"
    return g


@pytest.mark.parametrize("level", ["outlet", "post"])
def test_pruned_pages_keep_the_graphs_node_and_edge_order(level):
    # networkx's subgraph view iterates over the set of kept nodes when they are few, and a set of
    # strings has a different order in every Python process: pages must follow the graph's order
    g = _star_graph()
    if level == "post":
        g.graph["level"] = "post"
        for n, d in g.nodes(data=True):
            d.update(outlet=n, time="2022-01-05T10:00:00Z")
    data = page_data(network_html(g, top=20).html)
    ids = [n["id"] for n in data["nodes"]]
    assert ids == [n for n in g if n in set(ids)]
    assert [(e["from"], e["to"]) for e in data["edges"]] == [e for e in g.edges if e[0] in ids and e[1] in ids]
    assert data["meta"]["labelled"] == [n for n in ids if n in set(data["meta"]["labelled"])]


def test_two_processes_write_the_same_page_apart_from_the_nonce(tmp_path):
    import subprocess
    import sys

    script = ("import sys, tests.test_render_network as T\n"
              "from amplify.render.network import network_html\n"
              "g = T._star_graph()\n"
              "sys.stdout.write(network_html(g, top=30).html)\n")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    pages = []
    for seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        out = subprocess.run([sys.executable, "-c", script], cwd=root, env=env, capture_output=True, text=True,
                             check=True).stdout
        pages.append(re.sub(r"nonce(=\"|-)[A-Za-z0-9_-]+", "NONCE", out))
    assert pages[0] == pages[1]


def test_ordered_subgraph_keeps_order_attributes_and_multi_edges():
    from amplify.render.views import ordered_subgraph

    g = nx.MultiDiGraph(level="post")
    g.add_edge("z", "a", key=0, count=1)
    g.add_edge("z", "a", key=1, count=2)
    g.add_edge("a", "m", count=3)
    g.add_edge("m", "q")
    g.nodes["a"]["group"] = "RU"
    sub = ordered_subgraph(g, {"m", "a", "z"})
    assert list(sub) == ["z", "a", "m"] and sub.graph == g.graph and sub.graph is not g.graph
    assert list(sub.edges(keys=True, data="count")) == [("z", "a", 0, 1), ("z", "a", 1, 2), ("a", "m", 0, 3)]
    sub.nodes["a"]["group"] = "CN"
    assert g.nodes["a"]["group"] == "RU"  # copies, not views


def test_names_that_lived_in_network_still_import_from_there():
    from amplify.render import network

    for name in ("LEVELS", "COLOR_BY", "SIZE_BY", "MAX_NODES", "DEFAULT_TOP", "graph_view", "workspace_view",
                 "network_html", "write_network", "NetworkPage", "script_json", "clean_text", "camp_colors",
                 "CAMP_COLORS", "PALETTE", "OTHER_COLOR", "fmt_int", "fmt_lag", "fmt_time", "write_text"):
        assert hasattr(network, name), name


def _bidi_tables():
    t0 = pd.Timestamp("2022-01-05T10:00:00Z")
    text = "Stop interfering in the internal affairs of Kazakhstan, the ministry said today in Beijing"
    posts = schema.validate_posts(pd.DataFrame({
        "post_id": ["p\u202e1", "p2"], "outlet": ["evil\u202eoutlet\x1b[31m", "tass"],
        "published_at": [t0, t0 + pd.Timedelta(hours=1)],
        "text": ["\x1b\x1b\u202e\u202e " + text + " \u202egnp.exe", text]}))
    links = schema.validate_links(pd.DataFrame([dict(
        source_id="p\u202e1", target_id="p2", kind="quote", score=99.0, source_start=5, source_end=5 + len(text),
        target_start=0, target_end=len(text), lag_s=3600.0, attributed=False, is_parent=True, tie=False)]))
    outlets = schema.validate_outlets(pd.DataFrame({"outlet": ["evil\u202eoutlet\x1b[31m", "tass"],
                                                    "group": ["RU\u202eCN", "RU"]}))
    return links, posts, outlets, text


@pytest.mark.parametrize("level", ["outlet", "post"])
def test_a_bidi_override_in_a_name_or_text_is_shown_not_obeyed(level):
    # an outlet named "evil\u202eoutlet" reversed the rest of its tooltip, label and details. The data
    # keeps every text exact (ids, search and the marks' offsets into a text must stay right); the
    # page shows what would act as \u202e (the browser test checks it on screen), and its own text
    # (legend, title) is written that way
    links, posts, outlets, text = _bidi_tables()
    html = network_html(graph_view(links, posts, outlets, level=level)).html
    data = page_data(html)
    ids = {n["id"] for n in data["nodes"]}
    sides = [side for e in data["edges"] for side in e["tip"].get("sides", ())]
    # post level: each link's sides point at its posts by their exact ids, and the marks at the passage;
    # outlet level: the data keeps the outlet's name exact (the page escapes it where it shows it)
    assert bool(sides) == (level == "post")
    for side in sides:
        assert side["node"] in ids
        tip = next(n for n in data["nodes"] if n["id"] == side["node"])["tip"]
        full = tip.get("full") or tip.get("text")
        assert side["marks"] and all(full[a:b] in (text, text[: b - a]) for a, b in side["marks"])
    if level == "outlet":
        assert any("evil\u202eoutlet" in str(n["id"]) for n in data["nodes"])
    # the legend's label shows it (its data-key, which the page matches on, keeps the name as it is)
    labels = re.findall(r'<span class="lab">(.*?)</span>', html)
    assert "RU\\u202eCN" in labels and not any("\u202e" in x for x in labels)


def test_the_summary_line_counts_lines_by_what_they_draw():
    from amplify.render.network import _lines_phrase, _page_text, line_kinds

    g = nx.DiGraph()
    g.add_edge("a", "b", count=3)
    g.add_edge("b", "c", count=1, cites=2)            # echoes first: counted once, as echoes
    g.add_edge("c", "d", count=0, ties=1)
    g.add_edge("d", "c", count=0, ties=1)             # the same co-publication the other way: one line
    g.add_edge("d", "e", count=0, cites=4)
    g.add_edge("e", "a", count=0, coordinated=5)
    lines = line_kinds(g)
    assert lines == {"echoes": 2, "co-publications": 1, "citations": 1, "coordination": 1}
    assert _lines_phrase(lines, "outlet", [3, 1], 6) == ("5 lines: 2 with echoes (4 echoes), 1 with co-publications "
                                                         "only, 1 with citations only, 1 with coordination only")
    only_cites = {"echoes": 0, "co-publications": 0, "citations": 1, "coordination": 0}
    assert _lines_phrase(only_cites, "camp", [0], 1) == "1 line: none with an echo, 1 with citations only"
    assert _lines_phrase(None, "post", [], 1) == "1 echo link"
    _, summary, _ = _page_text({}, None, "camp", "camps", 1, 1, [0], focused=False, lines=only_cites)
    assert summary.startswith("1 camp · 1 line: none with an echo") and "nothing to draw" not in summary
    _, summary, _ = _page_text({}, None, "post", "posts", 0, 0, [], focused=False)
    assert summary == ("0 posts · 0 echo links · nothing to draw: no echo in view (co-publications and citations "
                       "are drawn at outlet and camp level)")


def test_the_report_shows_a_bidi_override_in_a_camp_name_everywhere_as_an_escape():
    # the headline's "Camps" card showed "RU\u202eCN" raw, so the browser drew it reversed ("RUNC")
    from amplify.render.report import build_report

    links, posts, outlets, _ = _bidi_tables()
    page = build_report(links=links, posts=posts, outlets=outlets)
    assert "\u202e" not in page and "\x1b" not in page
    camps = re.search(r"<dt>Camps</dt><dd>([^<]*)</dd>", page).group(1)
    assert "RU\\u202eCN" in camps


def test_a_post_level_link_is_headed_by_outlet_and_time_not_by_ids_alone():
    links, posts, outlets, _ = _bidi_tables()
    data = page_data(network_html(graph_view(links, posts, outlets, level="post")).html)
    tip = data["edges"][0]["tip"]
    src = "evil\u202eoutlet\x1b[31m, 2022-01-05 10:00 UTC (p\u202e1)"
    assert tip["title"] == f"{src} → tass, 2022-01-05 11:00 UTC (p2)"
    assert [s["head"] for s in tip["sides"]] == [f"Source (earlier): {src}",
                                                 "Echo (later): tass, 2022-01-05 11:00 UTC (p2)"]


def test_a_camp_line_of_citations_or_co_publications_says_what_it_counts():
    # the camp page labelled such a line "0" (its echoes)
    import networkx as nx

    from amplify.render import network

    g = nx.DiGraph()
    g.add_node("RU", group="RU")
    g.add_node("UA", group="UA")
    g.add_node("INT", group="INT")
    g.add_edge("RU", "UA", count=0, cites=11)
    g.add_edge("UA", "INT", count=0, ties=3.0)
    g.add_edge("INT", "RU", count=0, cites=1)
    g.add_edge("RU", "INT", count=59)
    records, _ = network._edge_records(g, "camp")
    labels = {(r["from"], r["to"]): r["label"] for r in records}
    ids = {n: network._node_id(n) for n in g}
    assert labels == {(ids["RU"], ids["UA"]): "11 citations", (ids["UA"], ids["INT"]): "3 co-publications",
                      (ids["INT"], ids["RU"]): "1 citation", (ids["RU"], ids["INT"]): "59"}


def test_the_post_page_keeps_the_largest_cascades_not_connected_groups():
    # two cascades sharing one post (a parent per quoted passage) made one 'cascade' of their union,
    # which then pushed out a larger real cascade
    import networkx as nx

    from amplify.render import network

    g = nx.DiGraph()
    def tree(root, n, t0):
        g.add_node(root, time=f"2022-01-{t0:02d}T00:00:00Z")
        for i in range(n):
            g.add_node(f"{root}{i}", time=f"2022-01-{t0:02d}T0{1 + i % 8}:00:00Z")
            g.add_edge(root, f"{root}{i}", is_parent=True)
    tree("a", 3, 1)   # a: 4 posts
    tree("b", 3, 2)   # b: 4 posts, sharing a post with a: a and b are one group of 8 posts
    g.add_edge("a", "b0", is_parent=True)
    tree("c", 5, 3)   # c: 6 posts, the largest cascade
    g.add_edge("c0", "x", is_parent=False)  # an also-match is no part of a cascade
    g.add_node("x", time="2022-01-04T00:00:00Z")
    g.add_edge("b1", "x", is_parent=True)
    sub, note = network._prune(g, {}, 7, "post", "", "posts")
    assert set(sub) == {"c", "c0", "c1", "c2", "c3", "c4"}, sorted(sub)
    roots = [v for v in g if not any(d.get("is_parent") for *_, d in g.in_edges(v, data=True))]
    assert note.startswith("Showing the 1 largest cascades (6 posts)") and f"of {len(roots)} cascades" in note
