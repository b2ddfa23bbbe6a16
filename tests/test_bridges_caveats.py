"""Bridges say what they cannot (issue #11, items 4, 8 and the kind filter): outlets of score 0 are not
ranked, outlets that had no candidate pair are named, ties count once directed, --kind selects outlets."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from amplify.analyze.bridging import bridges
from amplify.analyze.coverage import unpairable_outlets
from amplify.cli.analyze_cmds import bridges as bridges_cmd
from amplify.detect import detect
from amplify.detect.incremental import detect_workspace
from amplify.workspace import Workspace

from routes_world import day_resolution_world, sentence, vocabulary


def chain_world(seed: int, *, chains: int = 15, lonely_posts: int = 5) -> dict:
    """A (camp CN) -> B (RU) -> C (RU) cascades, bystanders that echo nothing, and an outlet a year away."""
    rng = np.random.default_rng(seed)
    vocab = vocabulary(rng)
    t0 = pd.Timestamp("2022-01-03 08:00", tz="UTC")
    rows = []
    for k in range(chains):
        t = t0 + pd.Timedelta(hours=int(20 * k))
        words = sentence(rng, vocab, 18, 22).split()
        relay = list(words)
        for i in rng.choice(len(words), 3, replace=False):   # B rewrites a few words: C, copying B, is closer to B
            relay[i] = str(rng.choice(vocab))
        b = " ".join(relay)
        rows += [(f"a{k}", "mfa", t, " ".join(words)), (f"b{k}", "embassy", t + pd.Timedelta(hours=1), b),
                 (f"c{k}", "tass", t + pd.Timedelta(hours=2), b)]
    for u in range(40):
        rows.append((f"q{u}", ["quiet_one", "quiet_two"][u % 2], t0 + pd.Timedelta(hours=int(rng.integers(0, 300))),
                     sentence(rng, vocab)))
    for u in range(lonely_posts):
        rows.append((f"l{u}", "far_away", t0 + pd.Timedelta(days=365 + u), sentence(rng, vocab)))
    posts = pd.DataFrame(rows, columns=["post_id", "outlet", "published_at", "text"])
    outlets = pd.DataFrame({"outlet": ["mfa", "embassy", "tass", "quiet_one", "quiet_two", "far_away"],
                            "group": ["CN", "RU", "RU", "RU", "CN", "CN"],
                            "kind": ["ministry", "diplomat", "state_media", "independent", "independent",
                                     "state_media"]})
    return {"posts": posts, "outlets": outlets, "chains": chains}


@pytest.fixture(scope="module", params=[0, 1])
def world(request):
    w = chain_world(request.param)
    w["links"] = detect(w["posts"], w["outlets"])
    return w


def test_outlets_of_score_zero_are_not_ranked(world):
    rep = bridges(world["links"], world["posts"], world["outlets"], top=10)
    ranked = rep.table[rep.table["rank"].notna()]
    assert ranked["outlet"].tolist() == ["embassy"]             # the only outlet a cross-camp cascade passes
    assert rep.table["outlet"].iloc[0] == "embassy" and rep.table["rank"].iloc[1:].isna().all()
    par = set(zip(*world["links"].loc[world["links"]["is_parent"], ["source_id", "target_id"]].to_numpy().T))
    through = sum((f"a{k}", f"b{k}") in par and (f"b{k}", f"c{k}") in par for k in range(world["chains"]))
    assert through > 0 and ranked["rank"].tolist() == [1] and ranked["bridge_score"].iloc[0] == through
    full = bridges(world["links"], world["posts"], world["outlets"], top=None).table
    assert len(full) == 6 and full["rank"].isna().sum() == 5 and (full.loc[full["rank"].isna(), "bridge_score"] == 0).all()
    assert rep.to_dict()["bridges"][0]["rank"] == 1 and json.dumps(rep.to_dict(), default=str)


def test_an_outlet_without_a_candidate_pair_is_named(world):
    rep = bridges(world["links"], world["posts"], world["outlets"], window="7D")
    assert unpairable_outlets(world["posts"], "7D") == ["far_away"]
    warn = [w for w in rep.warnings if "no candidate pair" in w]
    assert len(warn) == 1 and "far_away" in warn[0] and "1 of 6 outlets" in warn[0]
    assert not any("no candidate pair" in w for w in
                   bridges(world["links"], world["posts"], world["outlets"], window="400D").warnings)


def test_no_bridge_at_all_is_said():
    w = chain_world(3)
    one_camp = w["outlets"].assign(group="RU")
    rep = bridges(detect(w["posts"], one_camp), w["posts"], one_camp)
    assert rep.table["rank"].isna().all() and any("no bridge to rank" in x for x in rep.warnings)


def test_outlet_kinds_select_the_outlets(world):
    rep = bridges(world["links"], world["posts"], world["outlets"], outlet_kinds=["ministry", "state_media"],
                  top=None)
    assert set(rep.table["outlet"]) == {"mfa", "tass", "far_away"} and rep.table["rank"].isna().all()
    with pytest.raises(Exception, match="neither a link kind .* nor an outlet kind"):
        bridges(world["links"], world["posts"], world["outlets"], outlet_kinds=["embassies"])


def test_ties_directed_by_evidence_make_bridges_and_no_ties_removes_them():
    """agency -> reprinter is a same-day reprint (a tie); mirror (another camp) copies the reprints the next day."""
    w = day_resolution_world(0)
    posts = w["posts"].copy()
    re_rows = posts[posts["outlet"] == "reprinter"]
    extra = re_rows.assign(post_id="x" + re_rows["post_id"], outlet="mirror",
                           published_at=re_rows["published_at"] + pd.Timedelta(days=1))
    posts = pd.concat([posts, extra], ignore_index=True)
    outlets = pd.concat([w["outlets"], pd.DataFrame({"outlet": ["mirror"], "group": ["RU"], "kind": ["state_media"]})],
                        ignore_index=True)
    links = detect(posts, outlets)
    par = links[links["is_parent"]]
    relayed = int(((par["source_id"].str.startswith("re")) & (par["target_id"].str.startswith("xre"))).sum())
    assert relayed > 0 and not links.loc[links["tie"], "is_parent"].any()   # detection: the first hop is a tie
    with_ties = bridges(links, posts, outlets)
    top = with_ties.table.iloc[0]
    assert top["outlet"] == "reprinter" and top["main_route"] == "UA -> RU" and top["bridge_score"] == relayed
    assert any("same timestamp" in x for x in with_ties.warnings)
    without = bridges(links, posts, outlets, ties=False)
    assert without.table["rank"].isna().all() and any("no bridge to rank" in x for x in without.warnings)


def test_command_prints_warnings_and_takes_kinds(tmp_path):
    w = chain_world(4)
    ws = Workspace.open(tmp_path / "ws", create=True)
    with ws.writer():
        ws.add_posts(w["posts"])
        ws.set_outlets(w["outlets"])
        detect_workspace(ws)
    res = CliRunner().invoke(bridges_cmd, ["--workspace", str(tmp_path / "ws")], catch_exceptions=False)
    assert res.exit_code == 0 and "warning: 1 of 6 outlets have no candidate pair" in res.stderr
    assert "embassy" in res.stdout and "quiet_one" not in res.stdout
    data = json.loads(CliRunner().invoke(bridges_cmd, ["--workspace", str(tmp_path / "ws"), "--format", "json",
                                                       "--kind", "ministry,diplomat,state_media"]).stdout)
    assert [b["outlet"] for b in data["bridges"] if b["rank"] is not None] == ["embassy"] and data["warnings"]


def test_unknown_is_no_camp_and_wins_no_bridge(world):
    """Issue #11, item 3: outlets missing from the outlets table formed a camp 'unknown' that won the top bridges.

    With the ministry left out of the table, every chain mfa -> embassy -> tass begins outside every camp:
    it is no cross-camp cascade, and the embassy is not ranked for it; a warning says why."""
    outlets = world["outlets"][world["outlets"]["outlet"] != "mfa"]
    rep = bridges(world["links"], world["posts"], outlets, top=None)
    assert rep.table.set_index("outlet").loc["mfa", "group"] == "unknown"
    assert rep.table["rank"].isna().all() and (rep.table["bridge_score"] == 0).all()
    assert any("missing from the outlets table" in w and "not counted as cross-camp" in w for w in rep.warnings)
    named = bridges(world["links"], world["posts"], world["outlets"], top=None)
    assert named.table.set_index("outlet").loc["embassy", "rank"] == 1
