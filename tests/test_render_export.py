"""Exports: GEXF and GraphML round-trip through networkx with typed attributes; JSON and CSV."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import networkx as nx
import pandas as pd
import pytest

from amplify import schema
from amplify.render.colors import CAMP_COLORS
from amplify.render.export import csv_paths, export_graph, gephi_graph, write_export, xml_text
from amplify.render.network import graph_view

EVIL = 'x<script>alert(1)</script>\x1b[0m_0'
NAME = 'O\'Brien & "Sons" </b><i>\x00\r\nnew line'


def tables():
    t0 = pd.Timestamp("2022-01-05T10:00:00Z")
    h = pd.Timedelta(hours=1)
    rows = [("p1", "mfa_china", t0, "Stop interfering in Kazakhstan."),
            ("p2", "tass", t0 + h, "China: stop interfering in Kazakhstan."),
            ("p3", EVIL, t0 + 2 * h, "China: stop interfering in Kazakhstan. \x07"),
            ("p4", "rt", t0 + 3 * h, "China: stop interfering in Kazakhstan."),
            ("p5", "tass", t0 + 30 * h, "New deal signed."),
            ("p6", "rt", t0 + 31 * h, "New deal signed.")]
    posts = schema.validate_posts(pd.DataFrame(rows, columns=["post_id", "outlet", "published_at", "text"]))
    outlets = schema.validate_outlets(pd.DataFrame({
        "outlet": ["mfa_china", "tass", "rt", EVIL], "group": ["CN", "RU", "RU", "RU"],
        "kind": ["ministry", "state_media", None, "troll"], "name": ["MFA", "TASS", None, NAME]}))
    tt = posts.set_index("post_id")["published_at"]

    def link(s, t, kind, score):
        return dict(source_id=s, target_id=t, kind=kind, score=score, source_start=0, source_end=10,
                    target_start=0, target_end=20, lag_s=(tt[t] - tt[s]).total_seconds(), attributed=True,
                    is_parent=True, tie=False)

    links = schema.validate_links(pd.DataFrame([link("p1", "p2", "quote", 95.5), link("p2", "p3", "verbatim", 100.0),
                                                link("p2", "p4", "verbatim", 99.0), link("p5", "p6", "repost", 100.0)]))
    return links, posts, outlets


@pytest.fixture(scope="module")
def views():
    return {lvl: graph_view(*tables(), level=lvl) for lvl in ("outlet", "camp", "post")}


def same_attributes(ref: nx.DiGraph, back: nx.DiGraph, skip=("viz",)):
    assert set(back.nodes) == set(ref.nodes)
    assert set(back.edges) == set(ref.edges)
    for n, d in ref.nodes(data=True):
        for k, v in d.items():
            if k in skip:
                continue
            assert back.nodes[n][k] == v and type(back.nodes[n][k]) is type(v), (n, k, v, back.nodes[n].get(k))
    for a, b, d in ref.edges(data=True):
        for k, v in d.items():
            assert back.edges[a, b][k] == v and type(back.edges[a, b][k]) is type(v), (a, b, k, v)


@pytest.mark.parametrize("level", ["outlet", "camp", "post"])
def test_gexf_round_trip(views, tmp_path, level):
    g = views[level]
    (path,) = export_graph(g, tmp_path / f"{level}.gexf")
    back = nx.read_gexf(path)
    ref = gephi_graph(g)
    same_attributes(ref, back)
    assert back.number_of_nodes() == g.number_of_nodes() and back.number_of_edges() == g.number_of_edges()
    assert "None" not in {str(v) for _, d in back.nodes(data=True) for v in d.values()}
    root = ET.parse(path).getroot()
    gr = root.find("{http://www.gexf.net/1.2draft}graph")
    assert gr.get("mode") == "dynamic" and gr.get("timeformat") == "date"


def test_gexf_typed_attributes_and_timeline(views, tmp_path):
    (path,) = export_graph(views["outlet"], tmp_path / "o.gexf")
    back = nx.read_gexf(path)
    d = back.nodes["tass"]
    assert d["group"] == "RU" and d["kind"] == "state_media" and d["posts"] == 2 and isinstance(d["posts"], int)
    assert d["start"] == "2022-01-05T11:00:00Z" and d["end"] == "2022-01-06T16:00:00Z"  # first and last post
    assert "kind" not in back.nodes["rt"]  # missing, not "None"
    e = back.edges["mfa_china", "tass"]
    assert e["count"] == 1 and e["score"] == 95.5 and isinstance(e["score"], float)
    assert e["lag_s_median"] == 3600.0 and e["start"] == "2022-01-05T11:00:00Z"
    h = CAMP_COLORS["RU"].lstrip("#")  # RU's colour-blind-safe default
    assert back.nodes["tass"]["viz"]["color"] == {"r": int(h[0:2], 16), "g": int(h[2:4], 16), "b": int(h[4:6], 16),
                                                  "a": 1.0}
    # attribute declarations are typed for Gephi
    types = {a.get("title"): a.get("type") for a in ET.parse(path).getroot().iter("{http://www.gexf.net/1.2draft}attribute")}
    assert types["count"] in ("long", "integer") and types["score"] == "double" and types["group"] == "string"


def test_post_level_times(views, tmp_path):
    (path,) = export_graph(views["post"], tmp_path / "p.gexf")
    back = nx.read_gexf(path)
    assert back.nodes["p2"]["start"] == "2022-01-05T11:00:00Z"
    assert back.edges["p1", "p2"]["start"] == "2022-01-05T11:00:00Z"  # the echo's time
    assert back.edges["p1", "p2"]["kind"] == "quote" and back.edges["p1", "p2"]["attributed"] is True


def test_hostile_and_control_characters_are_xml_safe(views, tmp_path):
    evil_id = xml_text(EVIL)
    assert "\x1b" not in evil_id and "<script>" in evil_id
    for fmt in ("gexf", "graphml"):
        (path,) = export_graph(views["outlet"], tmp_path / f"o.{fmt}")
        back = nx.read_gexf(path) if fmt == "gexf" else nx.read_graphml(path)
        assert evil_id in back
        assert back.nodes[evil_id]["name"] == "O'Brien & \"Sons\" </b><i>\ufffd\nnew line"
        assert "<script>" not in path.read_text(encoding="utf-8")  # escaped as &lt;script&gt;


@pytest.mark.parametrize("level", ["outlet", "post"])
def test_graphml_round_trip(views, tmp_path, level):
    (path,) = export_graph(views[level], tmp_path / f"{level}.graphml")
    back = nx.read_graphml(path)
    same_attributes(gephi_graph(views[level], timeline=False, viz=False), back)
    assert isinstance(back.edges[next(iter(back.edges))]["score"], float)


def test_json_node_link(views, tmp_path):
    (path,) = export_graph(views["outlet"], tmp_path / "o.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["directed"] is True and "edges" in data and data["graph"]["level"] == "outlet"
    g = nx.node_link_graph(data, edges="edges")
    assert set(g.edges) == set(views["outlet"].edges)
    assert g.nodes[EVIL]["name"] == NAME  # JSON keeps every character
    ex = g.edges["mfa_china", "tass"]["examples"]
    assert ex[0]["kind"] == "quote" and ex[0]["source_id"] == "p1"


def test_csv_file_and_folder(views, tmp_path):
    edges, nodes = export_graph(views["outlet"], tmp_path / "links.csv", "csv")
    assert (edges.name, nodes.name) == ("links.csv", "links-nodes.csv")
    e = pd.read_csv(edges)
    n = pd.read_csv(nodes, keep_default_na=False)
    assert list(e.columns[:3]) == ["source", "target", "count"] and len(e) == 3
    assert e.set_index(["source", "target"]).loc[("tass", "rt"), "count"] == 2
    assert list(n.columns[:2]) == ["id", "group"] and set(n["id"]) == set(views["outlet"].nodes)
    assert "example" in e.columns
    e2, n2 = export_graph(views["post"], tmp_path / "folder", "csv")
    assert (e2, n2) == (tmp_path / "folder" / "edges.csv", tmp_path / "folder" / "nodes.csv")
    assert len(pd.read_csv(e2)) == 4
    assert csv_paths(tmp_path / "x.csv")[1].name == "x-nodes.csv"
    assert csv_paths(str(tmp_path) + "/new/")[0] == tmp_path / "new" / "edges.csv"


def test_format_from_suffix_and_errors(views, tmp_path):
    assert export_graph(views["camp"], tmp_path / "c.graphml")[0].exists()
    with pytest.raises(ValueError, match="format"):
        export_graph(views["camp"], tmp_path / "c.bin")


def test_write_export_from_a_workspace(tmp_path):
    from amplify.workspace import Workspace

    links, posts, outlets = tables()
    ws = Workspace.open(tmp_path / "ws", create=True)
    with ws.writer():
        ws.add_posts(posts)
        ws.set_outlets(outlets)
        ws.save_links(links, {"hand": True}, covered_through=ws.last_seq)
    (path,) = write_export(ws, tmp_path / "out.gexf", level="outlet")
    back = nx.read_gexf(path)
    assert back.edges["tass", "rt"]["count"] == 2
    (path,) = write_export(tmp_path / "ws", tmp_path / "cascade.gexf", level="post", focus="p1")
    assert set(nx.read_gexf(path).nodes) == {"p1", "p2", "p3", "p4"}


def test_csv_counts_are_zero_not_blank_where_an_edge_has_none(tmp_path):
    # a citation-only or coordination-only edge carries no n_verbatim: 0 echoes, not a blank that makes
    # pandas read every count column as floats
    g = nx.DiGraph(level="outlet")
    g.add_node("a", group="RU", posts=3)
    g.add_node("b", group="CN", posts=2)
    g.add_node("c", group="CN", posts=1)
    g.add_edge("a", "b", count=2, n_verbatim=2, score=97.5)
    g.add_edge("b", "c", count=0, cites=3)
    export_graph(g, tmp_path / "e.csv", "csv")
    e = pd.read_csv(tmp_path / "e.csv")
    assert e["n_verbatim"].tolist() == [2, 0] and str(e["n_verbatim"].dtype) == "int64"
    assert e["cites"].tolist() == [0, 3]
    assert e["score"].isna().tolist() == [False, True]           # a measure stays unknown where there is none


def test_post_level_exports_leave_out_empty_optional_texts(tmp_path):
    # passages "" (one passage) and time_reference "" (none said) were written on every edge
    from amplify.graph import post_graph

    links = schema.validate_links(pd.DataFrame([
        dict(source_id="a", target_id="b", kind="quote", score=99.0, source_start=0, source_end=5, target_start=0,
             target_end=5, lag_s=60.0, attributed=False, is_parent=True, tie=False, passages="",
             time_reference=""),
        dict(source_id="a", target_id="c", kind="quote", score=99.0, source_start=0, source_end=5, target_start=0,
             target_end=5, lag_s=60.0, attributed=False, is_parent=True, tie=False, passages="[[0,5,0,5],[6,9,6,9]]",
             time_reference="last month")]))
    g = post_graph(links)
    assert "passages" not in g.edges["a", "b"] and "time_reference" not in g.edges["a", "b"]
    assert g.edges["a", "c"]["time_reference"] == "last month"
    export_graph(g, tmp_path / "g.json", "json")
    edges = json.loads((tmp_path / "g.json").read_text())["edges"]
    assert [("passages" in e, "time_reference" in e) for e in sorted(edges, key=lambda e: e["target"])] == [
        (False, False), (True, True)]
