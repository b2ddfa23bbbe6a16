"""Paths rank the route the content took (issue #11, item 5), and routes that start with a citation.

When B quotes A and C copies B, C also matches A. The direct A -> C link is a shortcut; the route the
content took is A -> B -> C, and it must rank first, the shortcut after it, marked."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from click.testing import CliRunner

from amplify.analyze import Frame
from amplify.analyze.paths import CITE_ARROW, amplification_paths
from amplify.analyze.relays import explained_links, route_parents
from amplify.cli.analyze_cmds import paths as paths_cmd
from amplify.detect import detect
from amplify.detect.incremental import detect_workspace
from amplify.workspace import Workspace

from routes_world import citing_world, relay_world

RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@pytest.fixture(scope="module", params=[0, 1, 2])
def relay(request):
    w = relay_world(request.param)
    w["links"] = detect(w["posts"], w["outlets"])
    return w


def test_detection_makes_the_relay_the_parent(relay):
    """Scores tie and A is the earliest, yet detection's parent of each copy is its relay B
    (the rule lives in detect/parents.py, so bridges, graphs and trace follow it too)."""
    L = relay["links"]
    shortcut = L["source_id"].str.startswith("a") & L["target_id"].str.startswith("c")
    via = L["source_id"].str.startswith("b") & L["target_id"].str.startswith("c")
    assert shortcut.sum() == via.sum() == relay["stories"] * relay["copies"]
    assert not L.loc[shortcut, "is_parent"].any() and L.loc[via, "is_parent"].all()
    # without the link A -> B there is no evidence of the relay: the earliest source stays the parent
    cut = relay["posts"][~relay["posts"]["post_id"].str.startswith("b")]
    L2 = detect(cut, relay["outlets"])
    assert L2.loc[L2["source_id"].str.startswith("a") & L2["target_id"].str.startswith("c"), "is_parent"].all()


def test_the_relay_ranks_above_the_shortcut(relay):
    rep = amplification_paths(relay["links"], relay["posts"], relay["outlets"], source="mfa", target="tass")
    p = rep.paths.set_index("route")
    n = relay["stories"] * relay["copies"]
    assert rep.paths["route"].tolist()[:2] == ["mfa -> embassy -> tass", "mfa -> tass"]
    assert p.loc["mfa -> embassy -> tass", "via"] == "parents"
    assert p.loc["mfa -> embassy -> tass", "parent_cascades"] == p.loc["mfa -> embassy -> tass", "cascades"] == n
    assert p.loc["mfa -> tass", "via"] == "also-match" and p.loc["mfa -> tass", "parent_cascades"] == 0
    best = rep.hops[rep.hops["rank"] == 1]
    assert best["is_parent"].all() and best["kind"].tolist() == ["quote", "verbatim"]
    # every post-level path is time-respecting and holds no post twice
    t = relay["posts"].set_index("post_id")["published_at"]
    for posts in rep.post_paths["posts"]:
        assert len(set(posts)) == len(posts) and t[posts].is_monotonic_increasing


def test_parents_only_and_all_links(relay):
    args = (relay["links"], relay["posts"], relay["outlets"])
    only = amplification_paths(*args, source="mfa", target="tass", also_matches=False)
    assert only.paths["route"].tolist() == ["mfa -> embassy -> tass"]
    alike = amplification_paths(*args, source="mfa", target="tass", parents_only=False)
    # every link alike: equal cascades, so the shorter route first
    assert alike.paths["route"].tolist()[:2] == ["mfa -> tass", "mfa -> embassy -> tass"]


def test_explained_links_need_the_relay_to_echo_the_source(relay):
    f = Frame.build(relay["links"], relay["posts"], relay["outlets"])
    explained, via = explained_links(f)
    L = f.links
    shortcut = (L["source_id"].str.startswith("a") & L["target_id"].str.startswith("c")).to_numpy()
    assert explained[shortcut].all() and not explained[~shortcut].any()
    assert L["source_id"].iloc[via[shortcut]].str.startswith("b").all()
    # without the link A -> B nothing is explained
    cut = relay["links"][~(relay["links"]["source_id"].str.startswith("a")
                           & relay["links"]["target_id"].str.startswith("b"))]
    f2 = Frame.build(cut, relay["posts"], relay["outlets"])
    assert not explained_links(f2)[0].any()
    assert (route_parents(f2) == f2.links["is_parent"].to_numpy()).all()


# --------------------------------------------------------------------------- citations


@pytest.fixture(scope="module")
def citing():
    w = citing_world(0)
    w["links"] = detect(w["posts"], w["outlets"])
    return w


def test_routes_that_start_with_a_citation(citing):
    rep = amplification_paths(citing["links"], citing["posts"], citing["outlets"], source="mfa_china", target="ria")
    p = rep.paths.set_index("route")
    assert f"mfa_china{CITE_ARROW}ria" in p.index and f"mfa_china{CITE_ARROW}tass -> ria" in p.index
    assert (p["via"] == "cites").all()
    ria_cites = sum(1 for pid, o in zip(citing["posts"]["post_id"], citing["posts"]["outlet"])
                    if o == "ria" and pid in set(citing["cites"]) | {"r0"})
    assert p.loc[f"mfa_china{CITE_ARROW}ria", "cascades"] == ria_cites
    hop = rep.hops[(rep.hops["route"] == f"mfa_china{CITE_ARROW}tass -> ria")]
    assert hop["kind"].tolist() == ["cites", "quote"] and hop["target_id"].tolist() == ["c0", "r0"]
    assert pd.isna(hop["source_id"].iloc[0]) and hop["source_outlet"].iloc[0] == "mfa_china"
    none = amplification_paths(citing["links"], citing["posts"], citing["outlets"], source="mfa_china", target="ria",
                               cites=False)
    assert none.empty


# --------------------------------------------------------------------------- the command


@pytest.fixture(scope="module")
def hostile_ws(tmp_path_factory):
    w = relay_world(5)
    bad = "emb\x1b[31m\u202eassy"
    w["posts"]["outlet"] = w["posts"]["outlet"].replace("embassy", bad)
    w["outlets"]["outlet"] = w["outlets"]["outlet"].replace("embassy", bad)
    w["posts"]["post_id"] = w["posts"]["post_id"].str.replace("b", "b\x07", regex=False)
    path = tmp_path_factory.mktemp("paths") / "ws"
    ws = Workspace.open(path, create=True)
    with ws.writer():
        ws.add_posts(w["posts"])
        ws.set_outlets(w["outlets"])
        detect_workspace(ws)
    return str(path), bad


def test_hop_lines_are_terminal_safe(hostile_ws):
    path, bad = hostile_ws
    res = CliRunner().invoke(paths_cmd, ["--workspace", path, "--from", "mfa", "--to", "tass"],
                             catch_exceptions=False)
    assert res.exit_code == 0, res.output
    assert "hop 1" in res.output and "\\x1b" in res.output and "\\u202e" in res.output
    assert not RAW_CONTROL.search(res.output.replace("\n", "")) and "\u202e" not in res.output
    first = res.output.split("== #1 ", 1)[1].splitlines()[0]
    assert "parents" in first
    data = json.loads(CliRunner().invoke(paths_cmd, ["--workspace", path, "--from", "mfa", "--to", "tass",
                                                     "--format", "json"]).stdout)
    assert data[0]["route"] == f"mfa -> {bad} -> tass" and data[0]["via"] == "parents"


def test_kind_filters_outlets_and_links(hostile_ws):
    path, _ = hostile_ws
    run = lambda *a: CliRunner().invoke(paths_cmd, ["--workspace", path, "--from", "mfa", "--to", "tass", *a])  # noqa
    out = json.loads(run("--kind", "ministry,state_media", "--format", "json").stdout)
    assert [p["route"] for p in out] == ["mfa -> tass"]       # the diplomat's relay is left out
    out = json.loads(run("--kind", "verbatim", "--format", "json").stdout)
    assert out == []                                         # mfa -> embassy is a quote
    res = run("--kind", "ministy")
    assert res.exit_code == 2 and "did you mean ministry" in res.output


def test_a_template_is_no_route_and_no_echo_of_all_links():
    # a template (same frame, other facts) was a hop of paths' also-match routes and an echo of
    # synergy/bridges --all-links: the ministry's "68th anniversary ... Pakistan" made a route
    # sputnik -> mfa to its "70th anniversary ... Russia"
    posts = pd.DataFrame({"post_id": ["a", "b", "c"], "outlet": ["sputnik", "mfa", "tass"],
                          "published_at": pd.to_datetime(["2019-06-01 10:00", "2019-06-06 09:00",
                                                          "2019-06-07 09:00"], utc=True),
                          "text": ["x", "y", "z"]})
    links = pd.DataFrame({"source_id": ["a", "b"], "target_id": ["b", "c"], "kind": ["template", "quote"],
                          "score": [93.0, 100.0], "source_start": [0, 0], "source_end": [1, 1],
                          "target_start": [0, 0], "target_end": [1, 1], "lag_s": [428_400.0, 86_400.0],
                          "attributed": [False, False], "is_parent": [False, True], "tie": [False, False]})
    f = Frame.build(links, posts, None)
    assert f.link_mask(parents_only=False).tolist() == [False, True]
    assert f.link_mask(parents_only=False, kinds=["template"]).tolist() == [True, False]  # asked by name
    assert amplification_paths(links, posts, None, source="sputnik", target="mfa").paths.empty
    assert len(amplification_paths(links, posts, None, source="mfa", target="tass").paths) == 1
