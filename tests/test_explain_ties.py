"""``amplify explain`` on ties: said as the analyses read them (dates only, so many links are ties).

A tie (two posts of one day from outlets that give dates only) is stored both
ways and never a parent; the analyses direct it where evidence allows
(:func:`amplify.analyze.ties.orient_ties`). ``explain`` used to call it "0 s
(same timestamp: direction unknown)", head the texts "SOURCE (earlier)", say
"the target has no parent" where ``paths`` and ``trace`` make the source its
parent, and describe the mirrored row's containment backwards. The expected
readings here come from the analyses themselves (``trace``, ``orient_ties``
on the whole table), not from a list of answers.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner

from amplify.analyze.explain import analyses_links, explain_link
from amplify.analyze.tables import load
from amplify.analyze.ties import orient_ties
from amplify.analyze.trace import trace_post
from amplify.cli import cli
from amplify.detect.incremental import detect_workspace
from amplify.render.explain import explain_html, explain_record
from amplify.workspace import Workspace

HEAD = "Biden: United States will respond decisively if Russia further invades Ukraine"
SHARED = ("the ministers agreed to open a humanitarian corridor from the besieged port city for civilians "
          "leaving by bus on Saturday morning")
WIRE = "Kremlin says new round of talks with Kyiv delegation will take place in Istanbul next week"


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    """Two date-only outlets (ukrinform, censor) and a wire timed to the second.

    u1 -> c1: censor reprints ukrinform's headline whole, stamped "| Censor.NET" (containment plus a name);
    u4 / c4: one passage in both, neither holds the other (no evidence: undirected);
    c5 / a1: the wire at 09:30 and censor's reprint dated that day (a tie the date-only resolution hides).
    Each outlet has a few unrelated posts, so its time resolution can be read.
    """
    path = tmp_path_factory.mktemp("explain_ties") / "ws"
    w = Workspace.open(path, create=True)
    posts = pd.DataFrame({
        "post_id": ["u1", "c1", "u4", "c4", "c5", "a1", "u2", "u3", "c2", "c3", "a2", "a3"],
        "outlet": ["ukrinform", "censor", "ukrinform", "censor", "censor", "agency",
                   "ukrinform", "ukrinform", "censor", "censor", "agency", "agency"],
        "published_at": ["2022-01-03", "2022-01-03", "2022-01-04", "2022-01-04", "2022-01-05",
                         "2022-01-05T09:30:12Z", "2022-01-07", "2022-01-09", "2022-01-07", "2022-01-09",
                         "2022-01-06T10:11:13Z", "2022-01-08T17:01:59Z"],
        "text": [HEAD,
                 "Biden Zelenskyi: " + HEAD + " (03.01.22 12:40) « Ukrainian Politics | Censor.NET",
                 "In Mariupol " + SHARED + ", the regional governor told reporters after the meeting",
                 "Officials confirmed that " + SHARED + ", while shelling continued in the eastern districts",
                 WIRE + " (05.01.22 10:00) | World | Censor.NET",
                 WIRE,
                 "Parliament adopts the state budget for the next year in the second reading",
                 "Snowfall closes several highways in the western regions of the country",
                 "Football: Dynamo beat Shakhtar in a friendly match played in Turkey",
                 "Weather forecast promises a warm weekend with rain in the south",
                 "Oil prices rise after the producers' meeting in Vienna ends without a deal",
                 "Central bank keeps its key rate unchanged, citing slowing inflation"],
    })
    with w.writer():
        w.add_posts(posts)
        w.set_outlets(pd.DataFrame({"outlet": ["ukrinform", "censor", "agency"], "group": ["UA", "UA", "RU"],
                                    "name": ["Ukrinform", "Censor.NET", "Agency"]}))
        detect_workspace(w)
    return w


@pytest.fixture(scope="module")
def oriented(ws):
    """The links as every analysis reads them: the tie rule on the whole table."""
    links, posts, outlets = load(ws)
    return orient_ties(links, posts, outlets, texts=ws)[0]


def _explain(ws, *ids, fmt="text"):
    r = CliRunner().invoke(cli, ["explain", *ids, "-w", str(ws.path), "--format", fmt])
    assert r.exit_code == 0, r.output
    return r.output


def _line(out: str, key: str) -> str:
    return next(ln for ln in out.splitlines() if ln.startswith(f"  {key} "))


def test_the_fixture_holds_the_ties_it_describes(ws, oriented):
    stored = ws.links()
    both = set(zip(stored["source_id"], stored["target_id"]))
    assert {("u1", "c1"), ("c1", "u1"), ("u4", "c4"), ("c4", "u4"), ("c5", "a1")} <= both
    assert stored.set_index(["source_id", "target_id"]).loc[("u1", "c1"), "tie"]      # listed both ways
    assert not stored.set_index(["source_id", "target_id"]).loc[("c5", "a1"), "tie"]  # order hidden by a date
    kept = set(zip(oriented["source_id"], oriented["target_id"]))
    assert ("u1", "c1") in kept and ("c1", "u1") not in kept                           # the analyses direct it


def test_a_directed_tie_is_said_as_the_analyses_read_it(ws, oriented):
    out = _explain(ws, "u1", "c1")
    row = oriented[(oriented["source_id"] == "u1") & (oriented["target_id"] == "c1")].iloc[0]
    assert "0 s" not in _line(out, "lag") and "same day" in _line(out, "lag")
    assert "dates only" in _line(out, "tie")
    assert "this way" in _line(out, "direction") and row["direction"] in _line(out, "direction")
    # the parent the analyses (trace) give the reprint
    origin = trace_post(*load(ws), "c1", texts=ws).summary["origin"]
    assert origin == "u1" and bool(row["is_parent"])
    assert "this source is the target's most likely direct source" in _line(out, "parent")
    assert "SOURCE (earlier)" not in out and "TARGET (later)" not in out
    assert "SOURCE (same day; the original in the analyses)" in out
    assert "the target holds the whole source" in _line(out, "coverage")


def test_the_mirrored_row_reads_the_other_way_and_describes_containment_right(ws, oriented):
    out = _explain(ws, "c1", "u1")
    assert "other way" in _line(out, "direction") and "amplify explain u1 c1" in _line(out, "direction")
    # ukrinform's headline has no parent in the analyses: it is the origin
    has_parent = oriented[(oriented["target_id"] == "u1") & oriented["is_parent"]]
    assert has_parent.empty and "the target has no parent" in _line(out, "parent")
    # c1 holds the whole of u1: the passage is the target's, quoted inside the source
    assert "the source holds the whole target" in _line(out, "coverage")
    rec = json.loads(_explain(ws, "c1", "u1", fmt="json"))
    assert rec["kind_says"] == "quote: a passage of the target quoted inside the source"
    assert rec["lag"] == "same day (order unknown)"
    assert rec["tie"]["this_way"] is False and rec["tie"]["analyses_source"] == "u1"
    assert rec["tie"]["unit"] == "day" and set(rec["tie"]["coarse_outlets"]) == {"censor", "ukrinform"}
    assert "SOURCE (earlier)" not in out


def test_an_undirected_tie_is_a_co_publication_never_a_parent(ws, oriented):
    rows = oriented[(oriented["source_id"] == "u4") & (oriented["target_id"] == "c4")]
    assert (rows["direction"] == "undirected").all() and not rows["is_parent"].any()
    out = _explain(ws, "u4", "c4")
    assert "do not direct" in _line(out, "direction") and "never a parent" in _line(out, "direction")
    assert "which way is not known" in _line(out, "kind")
    assert "the target has no parent" in _line(out, "parent")
    assert "SOURCE (same day):" in out and "TARGET (same day):" in out


def test_a_tie_hidden_by_the_time_resolution_is_not_a_lag(ws, oriented):
    out = _explain(ws, "c5", "a1")
    row = oriented[(oriented["source_id"] == "c5") & (oriented["target_id"] == "a1")].iloc[0]
    assert bool(row["tie"])                                  # a tie for the analyses, not for the stored row
    assert "by the recorded times" in _line(out, "lag") and "order unknown" in _line(out, "lag")
    assert "censor gives dates only" in _line(out, "tie")
    assert "SOURCE (earlier)" not in out


def test_html_says_the_same(ws):
    page = explain_html(explain_link(ws, "c1", "u1"))
    assert "Source (earlier)" not in page and "Source (same day; the echo in the analyses)" in page
    assert "the other way" in page and "0 s" not in page


def test_the_analyses_reading_matches_the_whole_table(ws, oriented):
    """Explain orients only the ties around the pair: every row into the target reads as on the whole table."""
    links, posts, outlets = load(ws)
    whole = {(s, t): (d, bool(p)) for s, t, d, p in
             zip(oriented["source_id"], oriented["target_id"], oriented["direction"], oriented["is_parent"])}
    for s, t in zip(links["source_id"], links["target_id"]):
        view = analyses_links(links, posts, outlets, s, t, texts=ws)
        into = view[view["target_id"] == t]
        direction = into["direction"] if "direction" in into.columns else ["time"] * len(into)
        got = {(a, t): (d, bool(p)) for a, d, p in zip(into["source_id"], direction, into["is_parent"])}
        assert got == {k: v for k, v in whole.items() if k[1] == t}, (s, t)
        ex = explain_link(ws, s, t)
        assert (ex.parent["source_id"] if ex.parent else None) == next(
            (a for (a, b), (_, p) in whole.items() if b == t and p), None)


def test_a_link_that_is_not_a_tie_is_unchanged(tmp_path):
    w = Workspace.open(tmp_path / "ws", create=True)
    text = "The minister said the talks in Geneva went well and will go on next week"
    with w.writer():
        w.add_posts(pd.DataFrame({"post_id": ["1", "2"], "outlet": ["mfa", "tass"],
                                  "published_at": ["2024-03-01T08:00:00Z", "2024-03-01T11:12:00Z"],
                                  "text": [text, "TASS: " + text]}))
        detect_workspace(w)
    ex = explain_link(w, "1", "2")
    rec = explain_record(ex)
    assert ex.tie is None and rec["tie"] is None and rec["lag"] == "3 h 12 min"
    out = _explain(w, "1", "2")
    assert "SOURCE (earlier)" in out and "  tie " not in out


def test_the_report_evidence_says_a_tie_as_explain_does(ws, tmp_path):
    # the report's "Evidence, side by side" reads explain too: with every post's time, so that an outlet of
    # dates only is known as one (it passed only the few posts it shows, and a same-day reprint read "0 s later")
    out = tmp_path / "report.html"
    r = CliRunner().invoke(cli, ["report", "--workspace", str(ws.path), "-o", str(out)])
    assert r.exit_code == 0, r.output
    page = out.read_text(encoding="utf-8")
    evidence = page[page.index('id="evidence"'):]
    summaries = [s.split("</summary>")[0] for s in evidence.split('<details class="evidence-pair"><summary>')[1:]]
    tie = [s for s in summaries if "ukrinform → censor" in s]
    assert tie and all("same day (order unknown)" in s and "later" not in s for s in tie)


def test_the_report_headline_says_a_median_lag_of_dated_echoes_in_days(ws, tmp_path, oriented):
    import re

    out = tmp_path / "report.html"
    assert CliRunner().invoke(cli, ["report", "--workspace", str(ws.path), "-o", str(out)]).exit_code == 0
    page = out.read_text(encoding="utf-8")
    cell = re.search(r"Median lag of an echo</[^>]+>\s*<[^>]+>([^<]*)<", page).group(1)
    parents = oriented[oriented["is_parent"]]
    # every echo here has a side that gives dates only (ukrinform or censor)
    median = parents["lag_s"].median()
    said = "same day" if median == 0 else "< 1 d" if median < 86_400 else f"{int(median // 86_400)} d"
    assert len(parents) and cell == f"{said} (dates only: {len(parents)} of {len(parents)} echoes)"
    # and the tables' median lags too (per kind, camp to camp): never a lag in seconds
    kinds = page[page.index("<h2", page.index("Headline numbers")):page.index('id="relations"')]
    assert "same day</td>" in kinds and not re.search(r">\d+ s</td>", kinds)


@pytest.mark.parametrize("reverse", [False, True])
def test_two_links_of_one_pair_keep_each_its_own_parent_flag(reverse):
    # a hand-made table may hold two rows for one pair (a quote and a paraphrase): keyed by source alone,
    # the last row's reading won for both (no parent, or the same parent twice)
    from amplify.analyze.explain import explain_pair

    text = "The ministers agreed to open a humanitarian corridor from the port city for civilians leaving by bus"
    links = pd.DataFrame({"source_id": ["a", "a"], "target_id": ["b", "b"], "kind": ["quote", "paraphrase"],
                          "score": [100.0, 80.0], "source_start": [0, 0], "source_end": [20, 30],
                          "target_start": [0, 40], "target_end": [20, 70], "lag_s": [90.0, 90.0],
                          "attributed": [False, False], "is_parent": [True, False], "tie": [False, False]})
    if reverse:
        links = links.iloc[::-1].reset_index(drop=True)
    posts = pd.DataFrame({"post_id": ["a", "b"], "outlet": ["x", "y"], "text": [text, "RT: " + text],
                          "published_at": pd.to_datetime(["2024-01-01 00:00:00", "2024-01-01 00:01:30"], utc=True)})
    ex = explain_pair(links, posts, None, "a", "b")
    assert [(p["kind"], p["is_parent"]) for p in ex.parents] == [("quote", True)] and ex.parent["kind"] == "quote"


def test_posts_of_outlets_that_give_dates_are_shown_as_dates(ws, tmp_path):
    # a date read as midnight has no time of day: the report, explain and its JSON showed "00:00 UTC"
    import re

    posts = ws.posts(columns=["post_id", "outlet", "published_at"])
    dated = posts[posts["outlet"] != "agency"]
    midnights = {f"{t:%Y-%m-%d} 00:00" for t in dated["published_at"]}

    out = tmp_path / "report.html"
    assert CliRunner().invoke(cli, ["report", "--workspace", str(ws.path), "-o", str(out)]).exit_code == 0
    page = out.read_text(encoding="utf-8")
    assert not [m for m in midnights if m in page]
    ends = posts.sort_values("published_at")["published_at"].iloc[[0, -1]]
    period = re.search(r"Period</[^>]+>\s*<[^>]+>([^<]*)<", page).group(1)
    assert period == f"{ends.iloc[0]:%Y-%m-%d} to {ends.iloc[-1]:%Y-%m-%d}"
    cards = re.findall(r'<div class="cascade"><h3>.*?</h3>', page)
    assert cards and all(re.search(r"\), \d{4}-\d\d-\d\d — ", c) for c in cards if "ukrinform (UA)" in c)

    for args in (["u1", "c1"], ["a1", "c5"]):
        res = CliRunner().invoke(cli, ["explain", "--workspace", str(ws.path), *args])
        if res.exit_code:  # the stored row may run the other way
            res = CliRunner().invoke(cli, ["explain", "--workspace", str(ws.path), *args[::-1]])
        assert res.exit_code == 0, res.output
        assert not [m for m in midnights if m in res.output]
        said = re.findall(r"post (\w+), (\d{4}-\d\d-\d\d(?: \d\d:\d\d UTC)?)\n", res.output)
        # the wire's post keeps its minute
        assert len(said) == 2 and all((" UTC" in when) == (pid == "a1") for pid, when in said), said
    rec = json.loads(CliRunner().invoke(cli, ["explain", "--workspace", str(ws.path), "u1", "c1",
                                              "--format", "json"]).output)
    assert rec["source"]["time_unit"] == rec["target"]["time_unit"] == "day"


def test_the_summary_shows_dates_when_every_outlet_gives_dates(ws):
    from amplify.analyze.summary import summarize

    links, posts, outlets = load(ws)
    dated = posts[posts["outlet"] != "agency"]
    keep = links["source_id"].isin(dated["post_id"]) & links["target_id"].isin(dated["post_id"])
    s = summarize(links[keep], dated, outlets, permutations=20, texts=ws)
    t = pd.to_datetime(dated["published_at"], utc=True)
    assert s.corpus["dates_only"] and len(s.cascades)
    assert str(s).splitlines()[0].endswith(f"{t.min():%Y-%m-%d} to {t.max():%Y-%m-%d}")
    assert "00:00" not in str(s)  # the header and the cascades' times
    # dates of another zone are instants of the UTC day before: shown as they are, not cut to that day
    zoned = dated.assign(published_at=pd.to_datetime(dated["published_at"], utc=True) - pd.Timedelta(hours=3))
    z = summarize(links[keep], zoned, outlets, permutations=20, texts=ws)
    assert not z.corpus["dates_only"] and str(z).splitlines()[0].endswith(
        (t.max() - pd.Timedelta(hours=3)).isoformat())
    # one outlet with times: the times are shown as they are
    mixed = summarize(links, posts, outlets, permutations=20, texts=ws)
    assert not mixed.corpus["dates_only"] and str(mixed).splitlines()[0].endswith(
        pd.to_datetime(posts["published_at"], utc=True).max().isoformat())


def test_trace_shows_dated_posts_as_dates_and_their_lags_in_days(ws, oriented):
    import re

    res = CliRunner().invoke(cli, ["trace", "--workspace", str(ws.path), "u1"])
    assert res.exit_code == 0, res.output
    assert "00:00" not in res.output and not re.search(r"\b0s\b", res.output)
    assert re.search(r"by ukrinform \[UA\] at \d{4}-\d\d-\d\d;", res.output)
    echo = next(line for line in res.output.splitlines() if line.split()[1:2] == ["c1"])
    assert re.search(r" \d{4}-\d\d-\d\d \w+ +same day +same day ", echo), echo
    # a timed outlet's post keeps its time
    timed = CliRunner().invoke(cli, ["trace", "--workspace", str(ws.path), "a2"])
    assert timed.exit_code == 0 and re.search(r"at 2022-01-06T10:11:13", timed.output), timed.output
