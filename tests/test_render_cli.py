"""``amplify html``, ``report`` and ``export`` on a small workspace."""

from __future__ import annotations

import json
import re

import networkx as nx
import pandas as pd
import pytest
from click.testing import CliRunner

from amplify import schema
from amplify.cli.render_cmds import export, html, report

EVIL = "evil<script>window.__pwned=1</script>"


@pytest.fixture(scope="module")
def ws_path(tmp_path_factory):
    from amplify.workspace import Workspace

    t0 = pd.Timestamp("2022-01-05T10:00:00Z")
    h = pd.Timedelta(hours=1)
    rows = [("p1", "mfa_china", t0, "Stop interfering in Kazakhstan."),
            ("p2", "tass", t0 + h, "China: stop interfering in Kazakhstan."),
            ("p3", "rt", t0 + 2 * h, "China: stop interfering in Kazakhstan."),
            ("p4", EVIL, t0 + 3 * h, "<img src=x onerror=alert(1)> China: stop interfering in Kazakhstan."),
            ("p5", "tass", t0 + 30 * h, "New deal signed."), ("p6", "globaltimes", t0 + 31 * h, "New deal signed.")]
    posts = pd.DataFrame(rows, columns=["post_id", "outlet", "published_at", "text"])
    outlets = pd.DataFrame({"outlet": ["mfa_china", "tass", "rt", EVIL, "globaltimes"],
                            "group": ["CN", "RU", "RU", "RU", "CN"]})
    tt = posts.set_index("post_id")["published_at"]

    def link(s, t, kind):
        return dict(source_id=s, target_id=t, kind=kind, score=99.0, source_start=0, source_end=10, target_start=0,
                    target_end=20, lag_s=(tt[t] - tt[s]).total_seconds(), attributed=False, is_parent=True,
                    tie=False)

    links = schema.validate_links(pd.DataFrame([link("p1", "p2", "quote"), link("p2", "p3", "verbatim"),
                                                link("p2", "p4", "verbatim"), link("p5", "p6", "repost")]))
    path = tmp_path_factory.mktemp("cli") / "ws"
    ws = Workspace.open(path, create=True)
    with ws.writer():
        ws.add_posts(posts)
        ws.set_outlets(outlets)
        ws.save_links(links, {"hand": True}, covered_through=ws.last_seq)
    return str(path)


def run(cmd, args):
    r = CliRunner().invoke(cmd, args, catch_exceptions=False)
    return r


def data_of(page: str) -> dict:
    return json.loads(re.search(r'id="amplify-data">(.*?)</script>', page, re.S).group(1))


def test_choices_are_the_renderers():
    from amplify import render

    def choices(cmd, name):
        return tuple(next(p for p in cmd.params if p.name == name).type.choices)

    assert choices(html, "level") == choices(export, "level") == render.LEVELS
    assert choices(html, "color_by") == render.COLOR_BY and choices(html, "size_by") == render.SIZE_BY
    assert choices(export, "fmt") == render.FORMATS
    assert "5,000" in next(p for p in html.params if p.name == "top").help and render.MAX_NODES == 5000


def test_html(ws_path, tmp_path):
    out = tmp_path / "n.html"
    r = run(html, ["--workspace", ws_path, "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert "5 outlet nodes, 4 edges" in r.output
    d = data_of(out.read_text(encoding="utf-8"))
    assert len(d["nodes"]) == 5 and len(d["edges"]) == 4


def test_html_options(ws_path, tmp_path):
    out = tmp_path / "top.html"
    r = run(html, ["-w", ws_path, "-o", str(out), "--top", "2", "--size-by", "pagerank", "--color-by", "community",
                   "--kinds", "quote,verbatim", "--since", "2022-01-01", "--until", "2022-02-01", "--title", "T<1>"])
    assert r.exit_code == 0, r.output
    page = out.read_text(encoding="utf-8")
    assert "Showing the 2 outlets with the highest PageRank" in r.output and 'id="pruning-note"' in page
    assert "<h1 id=\"title\">T&lt;1&gt;</h1>" in page and "kinds: quote, verbatim" in page


def test_html_cascade_and_camps(ws_path, tmp_path):
    out = tmp_path / "c.html"
    r = run(html, ["-w", ws_path, "-o", str(out), "--level", "post", "--focus", "p1"])
    assert r.exit_code == 0, r.output
    d = data_of(out.read_text(encoding="utf-8"))
    assert {n["id"] for n in d["nodes"]} == {"p1", "p2", "p3", "p4"} and d["options"]["physics"]["enabled"] is False
    r = run(html, ["-w", ws_path, "-o", str(tmp_path / "camps.html"), "--level", "camp"])
    assert r.exit_code == 0 and "2 camp nodes" in r.output


def test_html_errors(ws_path, tmp_path):
    r = CliRunner().invoke(html, ["-w", ws_path, "-o", str(tmp_path / "x.html"), "--focus", "nobody"])
    assert r.exit_code == 1 and "names no outlet" in r.output
    r = CliRunner().invoke(html, ["-w", ws_path, "--kinds", "gossip"])
    assert r.exit_code == 2 and "unknown kind" in r.output
    r = CliRunner().invoke(html, ["-w", str(tmp_path / "missing")])
    assert r.exit_code == 1 and "no workspace" in r.output
    assert not (tmp_path / "x.html").exists()


def test_report(ws_path, tmp_path):
    out = tmp_path / "r.html"
    r = run(report, ["-w", ws_path, "-o", str(out), "--network", "net.html", "--no-analyses"])
    assert r.exit_code == 0, r.output
    page = out.read_text(encoding="utf-8")
    assert 'href="net.html"' in page and "Largest cascades" in page and "<script" not in page


@pytest.mark.parametrize("fmt", ["gexf", "graphml", "json"])
def test_export(ws_path, tmp_path, fmt):
    out = tmp_path / f"g.{fmt}"
    r = run(export, ["-w", ws_path, "--out", str(out)])  # format from the suffix
    assert r.exit_code == 0, r.output
    if fmt == "gexf":
        g = nx.read_gexf(out)
    elif fmt == "graphml":
        g = nx.read_graphml(out)
    else:
        g = nx.node_link_graph(json.loads(out.read_text(encoding="utf-8")), edges="edges")
    assert g.edges["tass", "rt"]["count"] == 1 and g.nodes["tass"]["group"] == "RU"


def test_export_csv_and_post_level(ws_path, tmp_path):
    r = run(export, ["-w", ws_path, "--format", "csv", "--level", "post", "--out", str(tmp_path / "d") + "/"])
    assert r.exit_code == 0, r.output
    e = pd.read_csv(tmp_path / "d" / "edges.csv")
    assert len(e) == 4 and set(e.columns) >= {"source", "target", "kind", "score", "lag_s", "passage"}
    r = CliRunner().invoke(export, ["-w", ws_path, "--out", str(tmp_path / "g.bin")])
    assert r.exit_code == 2 and "give --format" in r.output


def test_help_shows_examples():
    for cmd in (html, report, export):
        r = CliRunner().invoke(cmd, ["--help"])
        assert r.exit_code == 0 and "Example" in r.output and "amplify " in r.output
