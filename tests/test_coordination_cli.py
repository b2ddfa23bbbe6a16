"""``amplify coordination`` and the URL column (issue #16): the command, its outputs and its one error path."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner

from amplify.cli import cli
from amplify.ingest.urls import normalize_url, post_urls, urls_in_text


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    from amplify.synth import generate

    d = tmp_path_factory.mktemp("coord")
    c = generate(n_posts=600, seed=7, coordinated_groups=2)
    c.posts.to_csv(d / "posts.csv", index=False)
    c.outlets.to_csv(d / "outlets.csv", index=False)
    ws = str(d / "ws")
    r = CliRunner()
    assert r.invoke(cli, ["ingest", str(d / "posts.csv"), "--outlets", str(d / "outlets.csv"), "--workspace", ws,
                          "-q"]).exit_code == 0
    assert r.invoke(cli, ["detect", "--workspace", ws, "-q"]).exit_code == 0
    return ws, c


def test_command_json_finds_the_planted_pairs(workspace):
    ws, c = workspace
    res = CliRunner().invoke(cli, ["coordination", "--workspace", ws, "--format", "json", "-q"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    found = {(p["account_a"], p["account_b"]) for p in out["pairs"] if p["coordinated"]}
    assert found == set(map(tuple, c.truth["coordination"]["pairs"]))
    assert out["settings"]["by"] == "text" and out["settings"]["within_s"] == 60
    assert len(out["clusters"]) == 2


def test_command_table_and_csv(workspace):
    ws, c = workspace
    r = CliRunner()
    res = r.invoke(cli, ["coordination", "--workspace", ws, "--by", "url", "-q"])
    assert res.exit_code == 0 and "coordinated pair(s)" in res.output and "Clusters" in res.output
    res = r.invoke(cli, ["coordination", "--workspace", ws, "--format", "csv", "--table", "clusters", "-q"])
    assert res.exit_code == 0
    assert res.output.splitlines()[0].startswith("cluster,size,accounts,camps")


def test_day_only_workspace_is_one_line_error(tmp_path):
    posts = pd.DataFrame({"post_id": [f"p{i}" for i in range(12)], "outlet": ["x", "y", "z"] * 4,
                          "published_at": [f"2022-01-0{1 + i // 3}" for i in range(12)],
                          "text": [f"The same headline number {i // 3} about the war and the talks today"
                                   for i in range(12)]})
    posts.to_csv(tmp_path / "p.csv", index=False)
    r = CliRunner()
    ws = str(tmp_path / "ws")
    assert r.invoke(cli, ["ingest", str(tmp_path / "p.csv"), "--workspace", ws, "-q"]).exit_code == 0
    assert r.invoke(cli, ["detect", "--workspace", ws, "-q"]).exit_code == 0
    res = r.invoke(cli, ["coordination", "--workspace", ws])
    assert res.exit_code == 1 and "known only to the day" in res.output and "Traceback" not in res.output
    res = r.invoke(cli, ["coordination", "--workspace", ws, "--within", "1d", "--format", "json", "-q"])
    assert res.exit_code == 0, res.output


@pytest.mark.parametrize("raw, want", [
    ("https://WWW.Example.COM/a/?utm_campaign=x&b=2#frag", "https://example.com/a?b=2"),
    ("http://example.com:8080/x/", "https://example.com:8080/x"),
    ("https://example.com:443/", "https://example.com"),
    ("https://t.me/channel/123?gclid=9&fbclid=1", "https://t.me/channel/123"),
    ("ftp://example.com/file", None),
    ("https://[bad", None),
    ("", None),
])
def test_normalize_url(raw, want):
    assert normalize_url(raw) == want


def test_urls_in_text_and_post_urls():
    text = "Breaking: «https://rt.com/news/1/» and www.tass.com/x, (see https://a.org/b?c=d)."
    assert urls_in_text(text) == ["https://rt.com/news/1/", "http://www.tass.com/x", "https://a.org/b?c=d"]
    assert post_urls(text, ["https://www.rt.com/news/1?utm_source=tg"], None, "https://new.org") == [
        "https://rt.com/news/1", "https://tass.com/x", "https://a.org/b?c=d", "https://new.org"]
    assert urls_in_text(None) == [] and urls_in_text("no address here") == []


def test_ingest_keeps_urls_from_text_and_platform_fields(tmp_path):
    from amplify.ingest import read_posts

    tweets = {"data": [
        {"id": "1", "author_id": "9", "created_at": "2022-03-01T10:00:00.000Z", "text": "look https://t.co/abc",
         "entities": {"urls": [{"url": "https://t.co/abc",
                                "expanded_url": "https://www.rt.com/news/1/?utm_source=tw"}]}},
        {"id": "2", "author_id": "9", "created_at": "2022-03-01T10:00:30.000Z", "text": "no link at all"}],
        "includes": {"users": [{"id": "9", "username": "acct"}]}}
    (tmp_path / "t.json").write_text(json.dumps(tweets))
    chat = {"name": "chan", "type": "public_channel", "id": 5, "messages": [
        {"id": 1, "type": "message", "date": "2022-03-01T10:00:00", "date_unixtime": "1646128800", "from": "chan",
         "text": ["read ", {"type": "text_link", "text": "this", "href": "https://RT.com/news/1"}]}]}
    (tmp_path / "tg.json").write_text(json.dumps(chat))
    pd.DataFrame({"id": ["a", "b"], "author": ["x", "y"], "time": ["2022-03-01T10:00:00Z"] * 2,
                  "content": ["see www.rt.com/news/1 now", "plain"]}).to_csv(tmp_path / "p.csv", index=False)
    posts = read_posts([str(tmp_path / "t.json"), str(tmp_path / "tg.json"), str(tmp_path / "p.csv")],
                       mapping={"post_id": "id", "outlet": "author", "published_at": "time",
                                "text": "content"}).posts
    got = dict(zip(posts["post_id"], [list(u) if u is not None else None for u in posts["urls"]]))
    assert got["1"] == ["https://t.co/abc", "https://rt.com/news/1"] and got["2"] is None
    assert got["chan/1"] == ["https://rt.com/news/1"]
    assert got["a"] == ["https://rt.com/news/1"] and got["b"] is None
    assert posts.loc[posts["post_id"] == "1", "text"].iloc[0] == "look https://t.co/abc"   # text unchanged


def test_pages_show_coordination(workspace, tmp_path):
    from amplify.render.coordination import COORDINATION_COLOR
    from amplify.workspace import Workspace
    from amplify.render.views import workspace_view

    ws, c = workspace
    g = workspace_view(Workspace.open(ws))
    flagged = {tuple(sorted((a, b))) for a, b, d in g.edges(data=True) if d.get("coordinated")}
    assert flagged == set(map(tuple, c.truth["coordination"]["pairs"]))
    assert all("coordinated" in d["relation"] for *_, d in g.edges(data=True) if d.get("coordinated"))
    r = CliRunner()
    assert r.invoke(cli, ["html", "--workspace", ws, "--out", str(tmp_path / "n.html")]).exit_code == 0
    assert COORDINATION_COLOR in (tmp_path / "n.html").read_text()
    assert r.invoke(cli, ["report", "--workspace", ws, "--out", str(tmp_path / "r.html")]).exit_code == 0
    page = (tmp_path / "r.html").read_text()
    assert '<section id="coordination">' in page and "coord1_1" in page
    res = r.invoke(cli, ["summary", "--workspace", ws, "--format", "json", "-q"])
    assert res.exit_code == 0 and len(json.loads(res.stdout)["coordination"]) == 2
