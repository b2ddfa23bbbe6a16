"""Ties and citations on the pages and in the exports (issue #11, items 4 and 6): drawn in their own style,
counted apart from echoes, warned about, escaped; --no-ties / --no-cites / --kind work on every command."""

from __future__ import annotations

import json
import re

import networkx as nx
import pandas as pd
import pytest
from click.testing import CliRunner

from amplify.cli.render_cmds import export, html, report
from amplify.detect.incremental import detect_workspace
from amplify.workspace import Workspace

from routes_world import day_resolution_world

EVIL = "wire<script>alert(1)</script>\x1b[31m"


@pytest.fixture(scope="module")
def ws_path(tmp_path_factory):
    w = day_resolution_world(7)
    posts, outlets = w["posts"].copy(), w["outlets"].copy()
    posts["outlet"] = posts["outlet"].replace("wire_b", EVIL)
    outlets["outlet"] = outlets["outlet"].replace("wire_b", EVIL)
    # three posts name the agency without echoing it: citations
    extra = pd.DataFrame({"post_id": ["cite1", "cite2", "cite3"], "outlet": "daily_one",
                          "published_at": pd.Timestamp("2022-03-05", tz="UTC"),
                          "text": ["The State Agency reported unrest", "Державне агентство: спокій",
                                   "据国家通讯社消息"]})
    posts = pd.concat([posts, extra], ignore_index=True)
    outlets["name"] = outlets["outlet"].map({"agency": "State Agency"})
    outlets["aliases"] = outlets["outlet"].map({"agency": "Державне агентство|国家通讯社"})
    path = tmp_path_factory.mktemp("rel") / "ws"
    ws = Workspace.open(path, create=True)
    with ws.writer():
        ws.add_posts(posts)
        ws.set_outlets(outlets)
        detect_workspace(ws)
    return str(path), w


def data_of(page: str) -> dict:
    return json.loads(re.search(r'id="amplify-data">(.*?)</script>', page, re.S).group(1))


def test_network_page_draws_ties_and_citations_in_their_own_style(ws_path, tmp_path):
    path, w = ws_path
    out = tmp_path / "n.html"
    r = CliRunner().invoke(html, ["-w", path, "-o", str(out)], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert "warning: " in r.stderr and "same timestamp" in r.stderr and "\x1b" not in r.stderr
    page = out.read_text(encoding="utf-8")
    d = data_of(page)
    ids = {n["id"]: n for n in d["nodes"]}
    by_pair = {(e["from"], e["to"]): e for e in d["edges"]}
    assert by_pair[("agency", "reprinter")]["arrows"] == "to" and "dashes" not in by_pair[("agency", "reprinter")]
    assert by_pair[("agency", "reprinter")]["count"] == len(w["reprints"])
    wire = [e for k, e in by_pair.items() if set(k) == {"wire_a", EVIL}]
    assert len(wire) == 1 and wire[0]["arrows"] == "" and wire[0]["dashes"] == [8, 6]    # once, no arrow
    cite = by_pair[("agency", "daily_one")]
    assert cite["dashes"] == [2, 5] and cite["count"] == 0 and "agency" in ids
    assert "citations without a matched post" in page and "<script>alert(1)" not in page


def test_export_keeps_relations_as_attributes(ws_path, tmp_path):
    path, w = ws_path
    out = tmp_path / "g.gexf"
    r = CliRunner().invoke(export, ["-w", path, "--out", str(out)], catch_exceptions=False)
    assert r.exit_code == 0 and "same timestamp" in r.stderr
    g = nx.read_gexf(out)
    wire = next(d for a, b, d in g.edges(data=True) if a == "wire_a")
    assert wire["ties"] == len(w["wire"]) and wire["relation"] == "tie" and wire["count"] == 0
    assert g.edges["agency", "daily_one"]["cites"] == 3 and g.edges["agency", "daily_one"]["relation"] == "cites"
    assert g.edges["agency", "reprinter"]["oriented_ties"] == len(w["reprints"])
    out2 = tmp_path / "no.json"
    CliRunner().invoke(export, ["-w", path, "--out", str(out2), "--no-ties", "--no-cites"], catch_exceptions=False)
    data = json.loads(out2.read_text(encoding="utf-8"))
    assert all(not e.get("ties") and not e.get("cites") for e in data.get("links", data.get("edges", [])))
    assert not data.get("links", data.get("edges"))        # every link of this world is a tie


def test_report_warns_and_counts_relations_apart(ws_path, tmp_path):
    path, w = ws_path
    out = tmp_path / "r.html"
    r = CliRunner().invoke(report, ["-w", path, "-o", str(out), "--no-analyses"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    page = out.read_text(encoding="utf-8")
    assert 'class="note warn"' in page and "same timestamp" in page and "--no-ties leaves ties out" in page
    assert "Co-publications and citations" in page
    section = page.split('id="relations"', 1)[1].split("</section>", 1)[0]
    assert f"<td class=\"num\">{len(w['wire'])}</td>" in section and "<td class=\"num\">3</td>" in section
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page


def test_kind_selects_outlets_on_every_page(ws_path, tmp_path):
    path, _ = ws_path
    out = tmp_path / "k.html"
    r = CliRunner().invoke(html, ["-w", path, "-o", str(out), "--kind", "state_media"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    d = data_of(out.read_text(encoding="utf-8"))
    assert {n["id"] for n in d["nodes"]} <= {"agency", "wire_a"}
    r = CliRunner().invoke(report, ["-w", path, "-o", str(tmp_path / "k2.html"), "--kind", "sate_media"])
    assert r.exit_code == 2 and "did you mean state_media" in r.output
