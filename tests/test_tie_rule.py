"""One tie rule, one count (#11): synergy, summary, bridges, paths and the report agree on the ties.

Before, synergy counted every tie as a co-publication while the route analyses directed the ties
that evidence orients, and the report, which handed already-oriented links to bridges, printed a
second tie warning with other numbers ("176 of 191 links ... 55 directed" and "121 of 136 links
... 0 directed" on RUWA). Now every analysis reads the links :func:`orient_ties` returns and prints
its :meth:`TieSummary.warning`; these tests check that the numbers agree everywhere: the Python
results, the report page, and each command's stderr and JSON ``warnings``.
"""

from __future__ import annotations

import html
import json
import re

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from amplify.analyze import Frame
from amplify.analyze.bridging import bridges
from amplify.analyze.paths import amplification_paths
from amplify.analyze.summary import summarize
from amplify.analyze.synergy import camp_synergy
from amplify.detect import detect
from amplify.graph import outlet_edges
from amplify.render.report import build_report
from amplify.workspace import Workspace

from routes_world import day_resolution_world, world_workspace

TIE_PHRASE = "join posts with the same timestamp"


def _world(seed: int = 0) -> dict:
    """RUWA's shape: a dated agency reprinted the same day (containment), identical same-day wire copy
    (undirected), and a timed outlet quoting the dated agency later that day (order hidden by the date)."""
    w = day_resolution_world(seed)
    posts, outlets = w["posts"], w["outlets"]
    rng = np.random.default_rng(seed + 100)
    ag = posts[posts["outlet"] == "agency"].sample(8, random_state=seed)
    rows = []
    for i, r in enumerate(ag.itertuples(index=False)):
        t = pd.Timestamp(r.published_at) + pd.Timedelta(hours=14, minutes=int(rng.integers(1, 59)),
                                                         seconds=int(rng.integers(1, 59)))
        rows.append((f"tm{i}", "timed", t, f"Breaking, {r.text} -- our correspondent adds more detail tonight"))
    for i in range(6):                                   # its own posts, so its clock (seconds) is read
        t = pd.Timestamp("2022-03-02", tz="UTC") + pd.Timedelta(hours=9 + i, minutes=7 * i + 3, seconds=11 + i)
        rows.append((f"tx{i}", "timed", t, f"local bulletin number {i} about the harbour works and tides"))
    timed = pd.DataFrame(rows, columns=["post_id", "outlet", "published_at", "text"])
    posts = pd.concat([posts, timed], ignore_index=True)
    posts["published_at"] = pd.to_datetime(posts["published_at"], utc=True)
    outlets = pd.concat([outlets, pd.DataFrame({"outlet": ["timed"], "group": ["INT"], "kind": ["independent"]})],
                        ignore_index=True)
    links = detect(posts, outlets)
    return {**w, "posts": posts, "outlets": outlets, "links": links, "timed": len(ag)}


@pytest.fixture(scope="module")
def world():
    return _world(0)


@pytest.fixture(scope="module")
def frame(world):
    return Frame.build(world["links"], world["posts"], world["outlets"])


def test_the_world_has_every_kind_of_tie(world, frame):
    s = frame.ties
    assert s.oriented["containment"] == len(world["reprints"])          # same-day reprints, directed
    assert s.undirected >= len(world["wire"])                          # identical wire copy, no evidence
    assert s.resolution_pairs >= world["timed"] > 0     # the date hides the order (the reprints match too)
    assert s.pairs == s.undirected + sum(s.oriented.values())
    assert "of these pairs have different times" in s.warning()


def test_one_warning_with_one_count_in_every_analysis(world, frame):
    posts, outlets, links = world["posts"], world["outlets"], world["links"]
    note = frame.ties.warning()
    assert note and TIE_PHRASE in note
    syn = camp_synergy(links, posts, outlets, seed=0, permutations=50)
    assert note in syn.warnings
    assert syn.settings["tie_summary"] == frame.ties.to_dict()
    # synergy's own count is a part of the undirected ones, and says so without a second tie count
    own = [w for w in syn.warnings if w.startswith("synergy counts")]
    assert len(own) == 1 and syn.settings["copublications"] <= frame.ties.undirected
    assert sum(TIE_PHRASE in w for w in syn.warnings) == 1
    s = summarize(links, posts, outlets, permutations=50)
    assert note in s.warnings and sum(TIE_PHRASE in w for w in s.warnings) == 1
    assert (s.corpus["ties"], s.corpus["tie_pairs"], s.corpus["copublications"]) == \
        (frame.ties.tie_links, frame.ties.pairs, frame.ties.undirected)
    # the same-day reprints are echoes in the summary too (they vanished from it when ties were never counted)
    camps = s.camps.set_index("camp")
    assert s.corpus["echoes"] >= len(world["reprints"]) and camps.loc["UA", "echoes_received"] >= len(world["reprints"])
    assert note in bridges(links, posts, outlets).warnings
    assert note in amplification_paths(links, posts, outlets, source="UA", target="INT").warnings


def test_synergy_counts_directed_ties_as_echoes_like_the_graph(world, frame):
    posts, outlets = world["posts"], world["outlets"]
    syn = camp_synergy(world["links"], posts, outlets, seed=0, permutations=50)
    P = syn.pairs.set_index(["source", "target"])
    n = len(world["reprints"])
    # the containment-directed reprints are UA -> UA echoes (whole ones), not halves of co-publications
    assert P.loc[("UA", "UA"), "observed"] - P.loc[("UA", "UA"), "co_published"] / 2 >= n
    edges = outlet_edges(frame.links, posts, outlets)
    e = edges.set_index(["source", "target"])
    assert int(e.loc[("agency", "reprinter"), "count"]) == n
    # the timed outlet's same-day quotes of the dated agency: a co-publication in the graph and in synergy
    assert int(e.loc[("agency", "timed"), "ties"]) == world["timed"]
    assert syn.settings["copublications"] >= world["timed"] + len(world["wire"])


def test_the_report_shows_one_tie_warning(world, frame):
    page = build_report(links=world["links"], posts=world["posts"], outlets=world["outlets"], network_href=None)
    text = html.unescape(re.sub(r"<[^>]+>", " ", page))
    assert text.count(TIE_PHRASE) == 1                 # bridges and synergy do not add their own
    assert frame.ties.warning() in html.unescape(page)


def test_ties_left_out_are_left_out_everywhere(world):
    posts, outlets, links = world["posts"], world["outlets"], world["links"]
    f = Frame.build(links, posts, outlets, ties=False)
    assert f.ties.left_out and f.ties.pairs == Frame.build(links, posts, outlets).ties.pairs
    assert not f.links["tie"].any()
    syn = camp_synergy(links, posts, outlets, seed=0, permutations=50, ties=False)
    assert syn.settings["copublications"] == 0 and syn.settings["copublications_left_out"] == f.ties.pairs
    assert f.ties.warning() in syn.warnings and "every tie is left out" in f.ties.warning()


@pytest.fixture(scope="module")
def ws_path(world, tmp_path_factory):
    return world_workspace(tmp_path_factory.mktemp("tie_rule") / "ws", world)


def test_commands_print_the_same_count_on_stderr_and_in_json(ws_path):
    from amplify.cli.analyze_cmds import bridges as bridges_cmd, summary as summary_cmd, synergy as synergy_cmd

    ws = Workspace.open(ws_path)
    posts = ws.posts(columns=["post_id", "outlet", "published_at", "text"])
    note = Frame.build(ws.links(), posts, ws.outlets()).ties.warning()
    assert note
    for cmd, extra in ((synergy_cmd, ["--permutations", "50"]), (summary_cmd, ["--permutations", "50"]),
                       (bridges_cmd, [])):
        res = CliRunner().invoke(cmd, ["--workspace", ws_path, "--format", "json", *extra], catch_exceptions=False)
        assert res.exit_code == 0, res.output
        data = json.loads(res.stdout)
        assert note in data["warnings"], cmd.name
        assert sum(TIE_PHRASE in w for w in data["warnings"]) == 1, cmd.name
        assert note in res.stderr.replace("\n", " ") or note in res.stderr, cmd.name


def test_a_repost_tie_whose_posts_hold_empty_platform_ids_is_read():
    # the generated world with one camp's times cut to dates: a repost tied with a post whose
    # reposted_id is NA ended every analysis in "TypeError: boolean value of NA is ambiguous"
    from amplify.analyze.ties import orient_ties
    from amplify.synth import generate

    c = generate(n_posts=1500, seed=3)
    posts = c.posts.copy()
    ru = posts["outlet"].isin(c.outlets.loc[c.outlets["group"] == "RU", "outlet"])
    posts.loc[ru, "published_at"] = pd.to_datetime(posts.loc[ru, "published_at"], utc=True).dt.floor("D")
    posts["reposted_id"] = posts["reposted_id"].astype("string")  # NA where a post reposts nothing
    links = detect(posts, c.outlets)
    ties = links[links["tie"] & links["kind"].isin(["repost", "quote_post"])]
    assert len(ties) and posts.set_index("post_id").loc[ties["target_id"], "reposted_id"].isna().any()
    oriented, summary = orient_ties(links, posts, c.outlets)
    assert summary.links == len(links)
    # a repost of the very post it is tied with is directed by the platform's id
    native = oriented[oriented["kind"].eq("repost") & oriented["direction"].eq("platform")]
    assert len(native) and (posts.set_index("post_id").loc[native["target_id"], "reposted_id"].to_numpy()
                            == native["source_id"].to_numpy()).all()
