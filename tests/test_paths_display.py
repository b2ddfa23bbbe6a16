"""``paths`` shows citation routes and day-only lags as what they are (found on the RUWA data).

* Echo routes and citation routes printed together crashed the table output
  (``TypeError: object of type 'float' has no len()``): a citation hop has no
  source post, so its ``source_text`` is missing -- NaN in a ``str`` column,
  which is truthy -- and was cut like a text.
* A citation route (``X ~> B``) starts at no post of X: it has no lag from X
  and no parent link, yet showed ``fastest 0s median 0s`` and as many parent
  cascades as citing posts.
* Two dated posts of one day (day-only times) have no known order, so no
  lag: it was shown as ``0s``.

The worlds are written here from random words (``routes_world``): every
figure checked is read from how they were made.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from amplify.analyze.paths import CITE_ARROW, amplification_paths
from amplify.analyze.paths_index import group_median
from amplify.cli.analyze_cmds import paths as paths_cmd

from routes_world import citing_world, sentence, vocabulary, world_workspace

#: The keys of a route and of a step in ``--format json`` before this change: scripts read them.
ROUTE_KEYS = {"rank", "route", "hops", "cascades", "total_lag_s", "median_total_lag_s", "first_time", "last_time",
              "parent_cascades", "tie_cascades", "via", "steps"}
STEP_KEYS = {"route", "hop", "source_id", "source_outlet", "source_group", "source_time", "target_id",
             "target_outlet", "target_group", "target_time", "lag_s", "kind", "score", "attributed", "source_text",
             "target_text", "is_parent", "tie"}


def day_only_world(seed: int = 0, stories: int = 8) -> dict:
    """Dates without times: ``agency`` (INTL) publishes a story every third day; ``reprinter`` (UA) reprints
    the even ones the same day, ``follower`` (UA) copies the odd ones ``delay`` days later, and ``citer``
    (UA) names the agency ("- Global Agency") the next day in a text of its own."""
    rng = np.random.default_rng(seed)
    vocab = vocabulary(rng)
    day0 = pd.Timestamp("2022-03-01", tz="UTC")
    delay = int(rng.integers(1, 3))
    rows = []
    for i in range(stories):
        day = day0 + pd.Timedelta(days=3 * i)
        text = sentence(rng, vocab)
        rows.append((f"ag{i}", "agency", day, text))
        if i % 2 == 0:
            rows.append((f"re{i}", "reprinter", day, f"{' '.join(rng.choice(vocab, 2)).title()}: {text} | Reprinter"))
        else:
            rows.append((f"fo{i}", "follower", day + pd.Timedelta(days=delay), text))
        rows.append((f"ci{i}", "citer", day + pd.Timedelta(days=1), f"{sentence(rng, vocab)}, - Global Agency"))
    for u in range(12):
        rows.append((f"un{u}", "daily", day0 + pd.Timedelta(days=int(rng.integers(0, 30))), sentence(rng, vocab)))
    posts = pd.DataFrame(rows, columns=["post_id", "outlet", "published_at", "text"])
    outlets = pd.DataFrame({"outlet": ["agency", "reprinter", "follower", "citer", "daily"],
                            "group": ["INTL", "UA", "UA", "UA", "X"],
                            "name": ["Global Agency", "Reprinter", "Follower", "Kyiv Daily", "Daily"]})
    return {"posts": posts, "outlets": outlets, "delay_s": delay * 86400.0,
            "citing": int(sum(posts["outlet"] == "citer"))}


@pytest.fixture(scope="module", params=[0, 1])
def day_ws(request, tmp_path_factory):
    world = day_only_world(request.param)
    return world_workspace(tmp_path_factory.mktemp("days") / "ws", world), world


@pytest.fixture(scope="module")
def timed_ws(tmp_path_factory):
    world = citing_world(0)
    return world_workspace(tmp_path_factory.mktemp("timed") / "ws", world), world


def _run(*args):
    res = CliRunner().invoke(paths_cmd, list(args))
    assert res.exit_code == 0 and res.exception is None, res.output
    assert "internal error" not in res.output and "Traceback" not in res.output
    return res.stdout


def _route_rows(out: str) -> dict:
    """The route table of the text output: route -> its cells from ``via`` on."""
    rows = {}
    for line in out.split("\n== ", 1)[0].splitlines()[2:]:
        m = re.match(r"\s*\d+\s+(.*?)\s+((?:parents|also-match|cites)\s.*)$", line)
        rows[m.group(1)] = m.group(2).split()
    return rows


def test_echo_and_citation_routes_print_together(day_ws):
    path, world = day_ws
    for src, dst in (("INTL", "UA"), ("agency", "citer")):
        out = _run("--workspace", path, "--from", src, "--to", dst)
        assert f"agency{CITE_ARROW}citer" in out and "named by citer" in out
    # the citing post's own text is shown, and no "from:" line for the post it has not
    block = out.split(f"agency{CITE_ARROW}citer  (cites", 1)[1]
    assert "- Global Agency" in block and "from:" not in block


def test_a_citation_route_has_no_lag_and_no_parent(day_ws):
    path, world = day_ws
    data = json.loads(_run("--workspace", path, "--from", "INTL", "--to", "UA", "--format", "json"))
    cite = {p["route"]: p for p in data}[f"agency{CITE_ARROW}citer"]
    assert cite["via"] == "cites" and cite["cascades"] == world["citing"]
    assert cite["total_lag_s"] is None and cite["median_total_lag_s"] is None and cite["parent_cascades"] is None
    assert cite["steps"][0]["lag_s"] is None and cite["steps"][0]["source_text"] is None
    cells = _route_rows(_run("--workspace", path, "--from", "INTL", "--to", "UA"))[f"agency{CITE_ARROW}citer"]
    via, hops, parents, cascades, fastest, median = cells[:6]
    assert (via, parents, fastest, median) == ("cites", "n/a", "n/a", "n/a") and int(cascades) == world["citing"]


def test_a_same_day_lag_is_not_zero_seconds(day_ws):
    path, world = day_ws
    out = _run("--workspace", path, "--from", "INTL", "--to", "UA")
    rows = _route_rows(out)
    assert rows["agency -> reprinter"][4:6] == ["same", "day"]          # fastest: "same day"
    hop = out.split("agency -> reprinter  (", 1)[1].split("\n")[1]
    assert "same day" in hop and "+0s" not in hop
    assert "0s" not in out.split("\n== ", 1)[0]
    days = f"{world['delay_s'] / 86400:.0f}d"
    assert rows["agency -> follower"][4:6] == [days, days]
    data = {p["route"]: p for p in json.loads(_run("--workspace", path, "--from", "INTL", "--to", "UA",
                                                   "--format", "json"))}
    same = data["agency -> reprinter"]
    assert same["total_lag_s"] is None and same["median_total_lag_s"] is None and same["lag_unit"] == "day"
    assert same["parent_cascades"] == same["cascades"] > 0       # the reprints are echoes: parents apply
    assert [s["lag_s"] for s in same["steps"]] == [None]
    later = data["agency -> follower"]
    assert later["total_lag_s"] == later["median_total_lag_s"] == later["steps"][0]["lag_s"] == world["delay_s"]
    for p in data.values():                                   # the keys scripts read are all still there
        assert ROUTE_KEYS <= set(p) and all(STEP_KEYS <= set(s) for s in p["steps"])


def test_dates_are_shown_as_dates_and_times_as_times(day_ws, timed_ws):
    # a post of an outlet that gives dates has no time of day: its "00:00" was midnight made up
    out = _run("--workspace", day_ws[0], "--from", "INTL", "--to", "UA")
    assert " 00:00" not in out
    assert re.search(r"named by citer \[UA\] \S+ \d{4}-\d\d-\d\d  cites", out)
    out = _run("--workspace", timed_ws[0], "--from", "mfa_china", "--to", "ria")
    assert re.search(r"-> ria \[\S+\] \S+ \d{4}-\d\d-\d\d \d\d:\d\d ", out)      # timed posts keep their minute


def test_timed_lags_are_as_recorded_and_a_cited_relay_keeps_its_hop_lag(timed_ws):
    path, world = timed_ws
    out = _run("--workspace", path, "--from", "mfa_china", "--to", "ria")
    rows = _route_rows(out)
    assert all(cells[0] == "cites" and cells[2] == cells[4] == cells[5] == "n/a" for cells in rows.values())
    data = {p["route"]: p for p in json.loads(_run("--workspace", path, "--from", "mfa_china", "--to", "ria",
                                                   "--format", "json"))}
    relay = data[f"mfa_china{CITE_ARROW}tass -> ria"]
    posts = world["posts"].set_index("post_id")
    cite, copy = relay["steps"]
    lag = (pd.Timestamp(posts.loc[copy["target_id"], "published_at"])
           - pd.Timestamp(posts.loc[copy["source_id"], "published_at"])).total_seconds()
    assert cite["lag_s"] is None and copy["lag_s"] == lag and copy["lag_unit"] != "day"
    block = out.split(f"mfa_china{CITE_ARROW}tass -> ria  (", 1)[1].split("\n== ", 1)[0]
    hop = next(line for line in block.splitlines() if line.startswith("  hop 2:"))
    assert f"+{lag / 3600:.1f}h" in hop          # a lag of hours (the relay copies 3 h later)


def test_a_median_on_a_same_day_lag_is_unknown():
    rng = np.random.default_rng(3)
    lags = rng.integers(1, 50, 9).astype(float) * 3600
    unknown = np.zeros(9, dtype=bool)
    order = np.argsort(lags, kind="stable")
    unknown[order[4]] = True               # the middle one of nine
    got = group_median(np.zeros(9, dtype=np.int64), lags, 1, unknown)
    assert np.isnan(got[0])
    unknown[order[4]], unknown[order[0]] = False, True
    assert group_median(np.zeros(9, dtype=np.int64), lags, 1, unknown)[0] == np.median(lags)


def test_the_library_leaves_day_only_lags_and_citation_figures_empty():
    world = day_only_world(2)
    from amplify.detect import detect

    links = detect(world["posts"], world["outlets"])
    rep = amplification_paths(links, world["posts"], world["outlets"], source="agency", target="UA")
    p = rep.paths.set_index("route")
    assert pd.isna(p.loc["agency -> reprinter", "total_lag_s"]) and p.loc["agency -> reprinter", "lag_unit"] == "day"
    assert p.loc["agency -> follower", "total_lag_s"] == world["delay_s"]
    assert pd.isna(p.loc[f"agency{CITE_ARROW}citer", "parent_cascades"])
    assert pd.isna(p.loc[f"agency{CITE_ARROW}citer", ["total_lag_s", "median_total_lag_s"]]).all()


def test_a_known_lag_under_a_day_at_day_resolution_is_not_zero_days():
    from amplify.cli.analyze_cmds import _lag

    # a timed post at 23:58:30 and a dated post of the next day: 90 s apart, on different days
    assert [_lag(90.0, "day"), _lag(None, "day"), _lag(2 * 86400.0, "day"), _lag(None, "day", cite=True)] == [
        "<1d", "same day", "2d", "n/a"]


def test_all_links_and_parents_only_together_are_refused(day_ws):
    # they were accepted silently, and the header then said "parent links and also-matches alike"
    res = CliRunner().invoke(paths_cmd, ["--workspace", day_ws[0], "--from", "INTL", "--to", "UA", "--all-links",
                                         "--parents-only"])
    assert res.exit_code == 2 and "--all-links and --parents-only" in res.output, res.output
