"""Issue #11, item 8: questions that cannot be answered are said, on stderr, in JSON and on the report.

One workspace holds each case: camps that never publish within one window of each other (A and B in
January, C in June), a camp too small to test (SOLO: one outlet, three posts), and an outlet with no
candidate pair (``far_away``: no other outlet published within the detection window of any of its
posts). Each warning must reach the ``synergy`` / ``bridges`` commands' stderr and ``warnings`` in
their JSON, and the report page.
"""

from __future__ import annotations

import html
import json

import pandas as pd
import pytest
from click.testing import CliRunner

from synergy_worlds import WINDOW, build_world, combine, links_table, posts_table

NEVER_MEET = "never publish within one window"
TOO_SMALL = "camp SOLO is too small to test"
NO_PAIR = "no candidate pair"


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    from amplify.workspace import Workspace

    jan = build_world([("a0", "A", "x", 4), ("a1", "A", "x", 4), ("b0", "B", "x", 4), ("b1", "B", "x", 4)],
                      {("A", "B"): 20, ("B", "A"): 20, ("A", "A"): 5},
                      start=pd.Timestamp("2022-01-02T00:00:00Z"), days=20, seed=4)
    june = build_world([("c0", "C", "x", 4), ("c1", "C", "x", 4)], {("C", "C"): 10},
                       start=pd.Timestamp("2022-06-01T00:00:00Z"), days=20, seed=5, prefix="j-")
    posts, links, outlets = combine(jan, june)
    src = posts[posts["outlet"] == "a0"].iloc[0]
    solo = posts_table(["s1", "s2", "s3"], ["lonely"] * 3,
                       [pd.Timestamp("2022-01-05T10:00Z"), pd.Timestamp("2022-01-06T10:00Z"),
                        src["published_at"] + pd.Timedelta(hours=2)])
    far = posts_table(["f1", "f2", "f3"], ["far_away"] * 3,
                      [pd.Timestamp("2023-09-01T10:00Z"), pd.Timestamp("2023-09-03T10:00Z"),
                       pd.Timestamp("2023-09-05T10:00Z")])
    posts = pd.concat([posts, solo, far], ignore_index=True)
    links = pd.concat([links, links_table([(src["post_id"], "s3", True, False)],
                                          posts.set_index("post_id")["published_at"])], ignore_index=True)
    outlets = pd.concat([outlets, pd.DataFrame({"outlet": ["lonely", "far_away"], "group": ["SOLO", "C"],
                                                "kind": ["diplomat", "x"]})], ignore_index=True)
    path = tmp_path_factory.mktemp("silent") / "ws"
    w = Workspace.open(path, create=True)
    with w.writer():
        w.add_posts(posts)
        w.set_outlets(outlets)
        w.save_links(links, {"window": WINDOW}, covered_through=w.last_seq)
    return str(path)


def _run(args):
    from amplify.cli import cli

    res = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    return res


@pytest.mark.parametrize("cmd, wanted", [("synergy", [NEVER_MEET, TOO_SMALL]), ("bridges", [NO_PAIR])])
def test_each_case_reaches_stderr_and_json(ws, cmd, wanted):
    res = _run([cmd, "--workspace", ws, "--format", "json"] + (["--permutations", "100"] if cmd == "synergy" else []))
    warnings = json.loads(res.stdout)["warnings"]
    stderr = " ".join(res.stderr.split())
    for phrase in wanted:
        assert any(phrase in w for w in warnings), (cmd, phrase, warnings)
        assert phrase in stderr, (cmd, phrase)
    if cmd == "bridges":
        assert any("far_away" in w for w in warnings if NO_PAIR in w)


def test_each_case_is_on_the_report(ws):
    from amplify.render.report import build_report

    page = " ".join(html.unescape(build_report(ws, network_href=None)).split())
    for phrase in (NEVER_MEET, TOO_SMALL, NO_PAIR):
        assert phrase in page, phrase
    assert "far_away" in page[page.index(NO_PAIR) - 300:page.index(NO_PAIR) + 300]
