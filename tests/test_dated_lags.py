"""A lag to or from an outlet that gives dates only is known to the day, and said so.

The ministry's transcripts carry dates; an outlet quoting them carries times. A
date read as midnight made `explain` say "lag 5 d 18 h" and `links` the same,
where the hours come from the made-up midnight; `paths` said "+5d".
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from click.testing import CliRunner

from amplify.cli import cli
from amplify.detect.incremental import detect_workspace
from amplify.workspace import Workspace

LINE = ("Hong Kong is China's special administrative region and its affairs are purely China's internal "
        "affairs, and no foreign government has any right to interfere in them")
OTHER = ["The spokesperson welcomed the visit of the Pakistani foreign minister to Beijing next week",
         "Trade talks with the European delegation will continue in Brussels after the summer break",
         "The ministry urged all parties to exercise restraint on the Korean peninsula this month"]


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    w = Workspace.open(tmp_path_factory.mktemp("dated_lags") / "ws", create=True)
    posts = pd.DataFrame({
        "post_id": ["m1", "g1", "m2", "m3", "m4", "g2", "g3", "w1", "w2"],
        "outlet": ["mfa", "gt", "mfa", "mfa", "mfa", "gt", "gt", "wire", "paper"],
        # mfa gives dates; gt and the wire give times (gt quotes the ministry 5 d 18 h after its date)
        "published_at": ["2019-07-03", "2019-07-08T18:00:00Z", "2019-07-04", "2019-07-05", "2019-07-06",
                         "2019-07-09T07:12:00Z", "2019-07-10T11:40:00Z", "2019-07-11T09:00:00Z",
                         "2019-07-11T12:25:00Z"],
        "text": ["Spokesperson Geng Shuang: " + LINE + ".", "Beijing said on Monday that " + LINE
                 + ", Global Times reported.", *OTHER, "Markets in Shanghai closed higher on Tuesday after a quiet session",
                 "Typhoon warning issued for the southern coast as the storm approaches Guangdong",
                 "Officials said the new railway line between the two provinces opens in the autumn of next year",
                 "Wire: officials said the new railway line between the two provinces opens in the autumn of next year"],
    })
    relay = pd.DataFrame({"post_id": ["s1"], "outlet": ["sp"], "published_at": ["2019-07-11T21:30:00Z"],
                          "text": ["Sputnik: Beijing said on Monday that " + LINE + ", Global Times reported."]})
    # a daily that gives dates: it reprints the wire's 09:00 story dated three days later, and the paper
    # (timed) reprints the daily's own story at 14:00 on the daily's date
    daily = pd.DataFrame({"post_id": ["d1", "d2", "d3", "p2"], "outlet": ["daily", "daily", "daily", "paper"],
                          "published_at": ["2019-07-14", "2019-07-16", "2019-07-20", "2019-07-20T14:00:00Z"],
                          "text": ["Daily: officials said the new railway line between the two provinces opens in "
                                   "the autumn of next year", "Heavy rain floods the old town square for a day",
                                   "The city council votes to rebuild the harbour bridge with money from the port",
                                   "Paper: the city council votes to rebuild the harbour bridge with money from the "
                                   "port"]})
    relay = pd.concat([relay, daily], ignore_index=True)
    with w.writer():
        w.add_posts(pd.concat([posts, relay], ignore_index=True))
        # camps, and one outlet of the table that never posted
        w.set_outlets(pd.DataFrame({"outlet": ["mfa", "gt", "sp", "wire", "paper", "daily", "quiet"],
                                    "group": ["CN", "CN", "RU", "INT", "INT", "INT", "RU"]}))
        detect_workspace(w)
    return w


def _run(*args):
    res = CliRunner().invoke(cli, [str(a) for a in args])
    assert res.exit_code == 0, res.output
    return res.output


def test_the_fixture_holds_a_dated_and_a_timed_echo(ws):
    pairs = set(zip(ws.links()["source_id"], ws.links()["target_id"]))
    assert ("m1", "g1") in pairs and ("w1", "w2") in pairs


def test_explain_says_a_lag_from_a_dated_post_in_days(ws):
    lag = (pd.Timestamp("2019-07-08T18:00:00Z") - pd.Timestamp("2019-07-03T00:00:00Z")).total_seconds()
    out = _run("explain", "--workspace", ws.path, "m1", "g1")
    assert re.search(rf"^  lag +{int(lag // 86400)} d$", out, re.M), out
    rec = json.loads(_run("explain", "--workspace", ws.path, "m1", "g1", "--format", "json"))
    assert rec["lag"] == f"{int(lag // 86400)} d"
    timed = json.loads(_run("explain", "--workspace", ws.path, "w1", "w2", "--format", "json"))
    assert timed["lag"] == "3 h 25 min"  # two timed posts: as recorded


def test_links_table_says_a_lag_from_a_dated_post_in_days(ws):
    rows = {line.split()[0] + ">" + line.split()[1]: line for line in _run("links", "--workspace", ws.path)
            .splitlines()[1:]}
    assert re.search(r" 5 d +(True|False)", rows["mfa>gt"]), rows["mfa>gt"]
    assert re.search(r" 3 h 25 min +(True|False)", rows["wire>paper"]), rows["wire>paper"]


def test_bridges_say_a_lag_from_a_dated_post_in_days_and_count_outlets_with_posts(ws):
    out = _run("bridges", "--workspace", ws.path, "--all-links")  # (s1's parent is m1; g1 -> s1 is an also-match)
    assert "(7 outlets, 6 with posts," in out, out
    row = next(line for line in out.splitlines() if line.startswith("mfa -> gt -> sp"))
    lag_in = (pd.Timestamp("2019-07-08T18:00:00Z") - pd.Timestamp("2019-07-03T00:00:00Z")).total_seconds()
    assert f" {int(lag_in // 86400)}d + 3.1d " in row, row       # gt and sp give times: as recorded


def test_trace_text_shows_a_dated_match_as_a_date(ws):
    out = _run("trace", "--workspace", ws.path, "--text", "special administrative region")
    rows = {line.split()[0]: line for line in out.splitlines() if line[:2] in ("m1", "g1", "s1")}
    assert re.search(r" 2019-07-03 +\w", rows["m1"]) and "00:00" not in rows["m1"], rows
    assert "2019-07-08 18:00:00" in rows["g1"]


def test_the_days_are_those_between_the_dates_whichever_side_gives_dates(ws):
    # a timed post at 09:00 reprinted by a daily dated three days later is 2 d 15 h by the recorded times:
    # the dates are 3 days apart (it was cut down to "2 d"); a dated post reprinted at 14:00 on its own
    # date is "same day" (it was "< 1 d", where explain calls the pair a same-day tie)
    rows = {line.split()[0] + ">" + line.split()[1]: line for line in _run("links", "--workspace", ws.path)
            .splitlines()[1:]}
    assert re.search(r" 3 d +(True|False)", rows["wire>daily"]), rows["wire>daily"]
    assert re.search(r" same day +(True|False)", rows["daily>paper"]), rows["daily>paper"]
    rec = json.loads(_run("explain", "--workspace", ws.path, "w1", "d1", "--format", "json"))
    assert rec["lag"] == "3 d"
    out = _run("paths", "--workspace", ws.path, "--from", "wire", "--to", "daily")
    assert re.search(r"-> daily \[INT\] d1 2019-07-14 +\+3d ", out), out


def test_the_post_page_and_export_show_a_dated_post_as_its_date(ws, tmp_path):
    # labels read "mfa\n07-03 00:00" (no year, a made-up midnight), tooltips "2019-07-03 00:00 UTC"
    page = tmp_path / "posts.html"
    _run("html", "--workspace", ws.path, "--level", "post", "--out", page, "-q")
    text = page.read_text(encoding="utf-8")
    assert '"label":"mfa\\n2019-07-03"' in text and "2019-07-03 00:00" not in text
    assert re.search(r'"label":"gt\\n07-08 18:00"', text)            # a timed post keeps its minute
    gexf = tmp_path / "posts.gexf"
    _run("export", "--workspace", ws.path, "--level", "post", "--format", "gexf", "--out", gexf, "-q")
    assert 'label="mfa 2019-07-03"' in gexf.read_text(encoding="utf-8")
