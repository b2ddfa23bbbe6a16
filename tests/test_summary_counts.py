"""Summary, report, trace and bridges count the same things, and say what they count.

Ties (two posts of one day) are stored both ways by detection and merged by
the analyses, so ``info`` and ``summary`` differ; the cascades of a post with
two parents used to be merged into one; the summary listed outlets of bridge
score 0, and the report headed a count "(0–1)". Each is built here on a few
hand-made posts whose counts follow from their construction.
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from click.testing import CliRunner

from amplify import schema
from amplify.analyze.bridging import NO_BRIDGE, bridges
from amplify.analyze.frame import Frame
from amplify.analyze.summary import largest_cascades, summarize
from amplify.analyze.trace import trace_post
from amplify.render.report import build_report, largest_cascades as report_cascades
from amplify.render.report_analyses import BRIDGES_HEADINGS, bridges_table

HEAD = "Stoltenberg: NATO and Ukraine coordinate ahead of the meeting with Russia"
WIRE = "Grain deal extended for another four months after talks in Istanbul"


def make_links(rows, posts):
    """Canonical links from (source, target, kind, parent); a link between posts of one time is a tie."""
    t = posts.set_index("post_id")["published_at"].map(pd.Timestamp)
    text = posts.set_index("post_id")["text"]
    recs = [{"source_id": s, "target_id": g, "kind": kind, "score": 95.0, "source_start": 0,
             "source_end": len(text[s]), "target_start": 0, "target_end": len(text[g]),
             "lag_s": (t[g] - t[s]).total_seconds(), "attributed": False, "is_parent": parent,
             "tie": bool(t[g] == t[s])} for s, g, kind, parent in rows]
    return schema.validate_links(pd.DataFrame(recs))


def day_world():
    """Day-only dates: one reprint evidence directs (the reprint holds the headline and names itself), one
    pair of wire copies no evidence directs, one echo a day later, and one template a day later.
    Detection lists each tie both ways."""
    rows = [("u1", "ukrinform", "2022-01-10", HEAD), ("c1", "censor", "2022-01-10", HEAD + " | World | Censor.NET"),
            ("w1", "wire_a", "2022-01-11", WIRE), ("w2", "wire_b", "2022-01-11", WIRE),
            ("w3", "daily", "2022-01-12", WIRE + " today"), ("t1", "daily", "2022-01-13", "Grain deal extended")]
    posts = schema.validate_posts(pd.DataFrame(rows, columns=["post_id", "outlet", "published_at", "text"]))
    outlets = pd.DataFrame({"outlet": ["ukrinform", "censor", "wire_a", "wire_b", "daily"],
                            "group": ["UA", "UA", "INT", "INT", "INT"]})
    links = make_links([("u1", "c1", "verbatim", False), ("c1", "u1", "verbatim", False),
                        ("w1", "w2", "verbatim", False), ("w2", "w1", "verbatim", False),
                        ("w1", "w3", "verbatim", True), ("w3", "t1", "template", False)], posts)
    return posts, outlets, links


def test_summary_says_how_its_links_meet_detections():
    posts, outlets, links = day_world()
    s = summarize(links, posts, outlets, permutations=20)
    c = s.corpus
    directed = c["ties_directed"]                    # the reprint: its mirror row is merged
    assert directed == 1 and c["copublications"] == 1
    assert c["links_detected"] == len(links) and c["links"] == len(links) - directed
    assert c["links_listed_once"] == directed
    # every row counted is an echo, another directed link or a row of a co-publication (both ways)
    assert c["links"] == c["echoes"] + c["links_other"] + c["copublication_rows"]
    assert c["copublication_rows"] == 2 * c["copublications"] and c["templates"] == 1
    assert c["links"] == s.kinds["links"].sum()
    text = str(s)
    assert f"{c['links']} links after orienting ties = {c['echoes']} echoes + {c['links_other']} other" in text
    assert f"{c['links_detected']} as detected, which lists each of the {directed} same-time pairs" in text
    assert json.loads(json.dumps(s.to_dict()))["corpus"]["links_detected"] == len(links)


def test_report_labels_its_link_count_against_the_summarys():
    posts, outlets, links = day_world()
    s = summarize(links, posts, outlets, permutations=20)
    html = build_report(links=links, posts=posts, outlets=outlets, analyses=False, cites=False)
    heads = dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", html))
    found = int(heads["Links found"])
    assert found == s.corpus["links"] - s.corpus["templates"]      # the report sets templates apart
    note = re.search(r'id="link-counts">(.*?)</p>', html).group(1)
    assert note.startswith(f"Links found: {found} links after orienting ties = {s.corpus['echoes']} echoes")
    assert f"{s.corpus['templates']} templates (no echo) not counted" in note
    assert f"{len(links)} as detected" in note


def two_parent_world():
    """r1 -> c1 -> m -> d, and r2 -> m: m quotes a passage of c1 and one of r2 (a parent per passage).
    r2 echoes nothing: it is an origin of its own, and m and d are in both cascades."""
    t0 = pd.Timestamp("2022-03-01 08:00", tz="UTC")
    spec = [("r1", "alpha", 0, "CN"), ("r2", "beta", 1, "RU"), ("c1", "gamma", 2, "RU"), ("m", "delta", 3, "RU"),
            ("d", "eps", 4, "CN"), ("x", "alpha", 5, "CN")]
    posts = schema.validate_posts(pd.DataFrame({
        "post_id": [p for p, *_ in spec], "outlet": [o for _, o, *_ in spec],
        "published_at": [t0 + pd.Timedelta(hours=h) for _, _, h, _ in spec],
        "text": [f"text of {p}" for p, *_ in spec]}))
    outlets = pd.DataFrame({"outlet": [o for _, o, *_ in spec][:5], "group": [g for *_, g in spec][:5]})
    links = make_links([("r1", "c1", "quote", True), ("c1", "m", "quote", True), ("r2", "m", "quote", True),
                        ("m", "d", "quote", True), ("r1", "m", "quote", False)], posts)
    return posts, outlets, links


def test_summary_cascades_are_what_trace_shows():
    posts, outlets, links = two_parent_world()
    casc = largest_cascades(Frame.build(links, posts, outlets), top=5)
    assert set(casc["root_id"]) == {"r1", "r2"}     # two origins, not one component of five posts
    for row in casc.to_dict("records"):
        tr = trace_post(links, posts, outlets, row["root_id"]).summary
        assert (row["posts"], row["outlets"], row["depth"]) == (tr["posts"], tr["outlets"], tr["depth"])
        assert row["duration_h"] == round(tr["duration_s"] / 3600, 1)
        assert row["camps"] == ", ".join(f"{k} {v}" for k, v in tr["camps"].items())


def test_report_cascades_count_each_post_once_as_trace_does():
    posts, outlets, links = two_parent_world()
    for c in report_cascades(links, posts, outlets, n=5):
        tr = trace_post(links, posts, outlets, c["root"]["post_id"]).summary
        assert c["posts"] == tr["posts"] == c["size"] + 1 and c["all_outlets"] == tr["outlets"]
        # m has a parent outside r1's cascade (r2): it is one echo of r1's cascade, not two
        assert sum(c["camps"].values()) == c["size"] == len({e["post_id"] for e in c["echoes"]})
    html = build_report(links=links, posts=posts, outlets=outlets, analyses=False, cites=False)
    tr = trace_post(links, posts, outlets, "r1").summary
    assert f"{tr['posts']} posts by {tr['outlets']} outlets: the root and {tr['posts'] - 1} echoes" in html


def test_summary_shows_no_bridge_where_bridges_ranks_none():
    posts, outlets, links = two_parent_world()
    one_camp = outlets.assign(group="CN")                 # every chain stays in one camp: no bridge
    rep = bridges(links, posts, one_camp)
    assert rep.table["rank"].isna().all() and NO_BRIDGE in rep.warnings
    s = summarize(links, posts, one_camp, permutations=20)
    assert s.bridges.empty and s.notes["bridges"] == NO_BRIDGE
    assert f"== Top bridges (bridge_score: cross-camp cascades through the outlet)\n(none: {NO_BRIDGE})" in str(s)
    assert s.to_dict()["bridges"] == [] and s.to_dict()["notes"]["bridges"] == NO_BRIDGE


def test_summary_ranks_the_bridges_bridges_ranks():
    posts, outlets, links = two_parent_world()
    ranked = bridges(links, posts, outlets).table.dropna(subset=["rank"])
    s = summarize(links, posts, outlets, permutations=20)
    assert len(ranked) and s.bridges["outlet"].tolist() == ranked["outlet"].tolist()[:len(s.bridges)]
    assert s.bridges["rank"].notna().all() and "bridges" not in s.notes


def relay_world(chains: int):
    """``chains`` cascades news -> relay -> reader across camps NEWS -> TW_B -> TW_A: relay's score is
    ``chains`` (one cross-camp cascade each); reader and news broker nothing."""
    t0 = pd.Timestamp("2023-01-02 08:00", tz="UTC")
    rows, pl = [], []
    for k in range(chains):
        # times to the second, irregular: no outlet looks like one that gives coarse times (resolution ties)
        t = t0 + pd.Timedelta(hours=5 * k, seconds=37 * k * k + 11)
        rows += [(f"n{k}", "news", t), (f"b{k}", "relay", t + pd.Timedelta(seconds=301 + 17 * k)),
                 (f"a{k}", "reader", t + pd.Timedelta(seconds=543 + 29 * k))]
        pl += [(f"n{k}", f"b{k}", "quote", True), (f"b{k}", f"a{k}", "quote", True)]
    posts = schema.validate_posts(pd.DataFrame(rows, columns=["post_id", "outlet", "published_at"]).assign(
        text=lambda d: "text of " + d["post_id"]))
    outlets = pd.DataFrame({"outlet": ["news", "relay", "reader"], "group": ["NEWS", "TW_B", "TW_A"]})
    return posts, outlets, make_links(pl, posts)


@pytest.mark.parametrize("chains", [3, 7])
def test_report_bridge_score_is_the_count_of_cascades(chains):
    posts, outlets, links = relay_world(chains)
    rep = bridges(links, posts, outlets)
    shown = bridges_table(rep.table)
    score = BRIDGES_HEADINGS["bridge_score"]
    assert "0–1" not in score and "cascades" in score
    assert shown["outlet"].tolist() == ["relay"]           # the outlets of score 0 are no bridges
    assert shown[score].tolist() == [str(chains)]
    assert shown[BRIDGES_HEADINGS["main_route"]].tolist() == ["NEWS -> TW_A"]    # camp names as they are
    why = rep.table.set_index("outlet").at["relay", "reason"]
    assert f"({chains} of the {chains} cross-camp cascades through it)" in why


def test_summary_command_json_has_no_unranked_bridge(tmp_path):
    from amplify.cli.analyze_cmds import summary as summary_cmd
    from amplify.workspace import Workspace

    posts, outlets, links = two_parent_world()
    ws = Workspace.open(tmp_path / "ws", create=True)
    with ws.writer():
        ws.add_posts(posts)
        ws.set_outlets(outlets.assign(group="CN"))
        ws.save_links(links, {"hand": True}, covered_through=ws.last_seq)
    res = CliRunner().invoke(summary_cmd, ["--workspace", str(ws.path), "--format", "json", "-q",
                                           "--permutations", "20"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["bridges"] == [] and out["notes"]["bridges"] == NO_BRIDGE
    assert out["corpus"]["links_detected"] == len(links)
