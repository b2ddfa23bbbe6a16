"""The analysis commands end to end on a small generated workspace with hostile text.

The workspace is built the way an analyst builds one (synth -> add_posts /
set_outlets -> detect_workspace); a share of its posts and outlet names carry
markup, quotes and terminal control characters, which must never crash a
command nor reach the terminal raw.
"""

from __future__ import annotations

import io
import json
import re

import pandas as pd
import pytest
from click.testing import CliRunner

from amplify.cli.analyze_cmds import COMMANDS, bridges, paths, summary, synergy, trace, volume
from amplify.detect.incremental import detect_workspace
from amplify.synth import generate
from amplify.workspace import Workspace

RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    c = generate(n_posts=4000, seed=2, hostile_fraction=0.3)
    path = tmp_path_factory.mktemp("an") / "ws"
    w = Workspace.open(path, create=True)
    with w.writer():
        w.add_posts(c.posts)
        w.set_outlets(c.outlets)
        detect_workspace(w)
    return str(path), c


def run(cmd, *args, ok=True):
    res = CliRunner().invoke(cmd, list(args), catch_exceptions=False)
    if ok:
        assert res.exit_code == 0, res.output
    return res


def test_every_command_documents_an_example():
    assert [c.name for c in COMMANDS] == ["synergy", "bridges", "paths", "trace", "volume", "summary"]
    for cmd in COMMANDS:
        text = run(cmd, "--help").output
        assert "Example:" in text and f"amplify {cmd.name} --workspace" in text
        assert "--workspace" in text


def _root_with_echoes(c):
    tl = c.truth_links
    return tl.groupby("root_id").size().sort_values(ascending=False).index[0]


@pytest.mark.parametrize("cmd, args", [
    (synergy, ["--groups", "RU", "CN", "--permutations", "200", "--freq", "W"]),
    (bridges, ["--top", "5"]),
    (paths, ["--from", "CN", "--to", "RU", "--top", "3"]),
    (volume, ["--term", "Kazakhstan", "--term", "Ukraine"]),
    (summary, ["--permutations", "50"]),
])
def test_commands_in_every_format(ws, cmd, args):
    path, _ = ws
    table = run(cmd, "--workspace", path, *args).output
    assert table.strip()
    # hostile text is printed, but never a raw control character (only line breaks)
    assert not RAW_CONTROL.search(table.replace("\n", ""))
    out = run(cmd, "--workspace", path, *args, "--format", "json").stdout
    data = json.loads(out)
    assert data
    csv = run(cmd, "--workspace", path, *args, "--format", "csv").stdout
    assert len(pd.read_csv(io.StringIO(csv))) > 0


def test_synergy_json_shape(ws):
    path, _ = ws
    data = json.loads(run(synergy, "--workspace", path, "--groups", "RU,CN", "--permutations", "100",
                          "--format", "json").stdout)
    assert {p["source"] for p in data["pairs"]} == {"RU", "CN"}
    assert data["reciprocity"][0]["status"] in {"mutual", "one-way CN->RU", "one-way RU->CN", "none"}
    assert data["settings"]["permutations"] == 100


def test_paths_no_path_is_a_message_and_an_empty_list(ws):
    path, _ = ws
    args = ["--workspace", path, "--from", "CN", "--to", "RU", "--since", "2031-01-01"]
    res = run(paths, *args)
    assert "No amplification path from CN to RU" in res.output
    assert json.loads(run(paths, *args, "--format", "json").stdout) == []
    res = run(paths, "--workspace", path, "--from", "nobody_at_all", "--to", "RU", ok=False)
    assert res.exit_code != 0 and "neither an outlet nor a camp" in res.output


def test_paths_json_hops(ws):
    path, _ = ws
    data = json.loads(run(paths, "--workspace", path, "--from", "CN", "--to", "RU", "--max-hops", "3",
                          "--format", "json").stdout)
    assert data and [p["rank"] for p in data] == list(range(1, len(data) + 1))
    for p in data:
        assert len(p["steps"]) == p["hops"]
        for s in p["steps"]:
            assert s["target_time"] > s["source_time"]


def test_trace_post_and_text(ws):
    path, c = ws
    root = _root_with_echoes(c)
    leaf = c.truth_links.loc[c.truth_links["root_id"] == root, "target_id"].iloc[-1]
    data = json.loads(run(trace, "--workspace", path, leaf, "--format", "json").stdout)
    assert data["origin"] == root and data["upstream"][-1]["post_id"] == leaf
    table = run(trace, "--workspace", path, leaf).output
    assert f"Origin {root}" in table and not RAW_CONTROL.search(table.replace("\n", ""))
    text = c.posts.set_index("post_id").loc[root, "text"]
    passage = " ".join(text.split()[2:18])
    data = json.loads(run(trace, "--workspace", path, "--text", passage, "--format", "json").stdout)
    assert data["origin"] == root and root in {m["post_id"] for m in data["matches"]}
    res = run(trace, "--workspace", path, "--text", "zqxj vbnm wplk qqqz xxyv jjkw mmnb qwzx")
    assert "No post carries this text" in res.output
    assert run(trace, "--workspace", path, ok=False).exit_code != 0  # neither id nor text
    assert run(trace, "--workspace", path, "no-such-post", ok=False).exit_code != 0


def test_volume_sentence_and_surge_columns(ws):
    path, c = ws
    s = c.truth["surge"]
    out = run(volume, "--workspace", path, "--term", s["term"], "--since", s["start"][:10], "--until",
              s["end"][:10], "--compare-since", c.truth["period"]["start"][:10], "--compare-until",
              s["start"][:10]).stdout
    first = out.splitlines()[0]
    n_in = int(first.split(" ")[0].replace(",", ""))
    assert n_in > 0 and f"posts mentioning {s['term']} in seven days" in first
    assert " vs " in first and "times the daily rate" in first
    data = json.loads(run(volume, "--workspace", path, "--term", s["term"], "--format", "json").stdout)
    assert data["sentence"] is None and {"surge", "baseline_mean", "threshold"} <= set(data["volume"][0])


def test_volume_by_camp_is_by_group(ws):
    path, c = ws
    term = c.truth["surge"]["term"]
    by_group = json.loads(run(volume, "--workspace", path, "--term", term, "--by", "group", "--format", "json").stdout)
    by_camp = json.loads(run(volume, "--workspace", path, "--term", term, "--by", "camp", "--format", "json").stdout)
    assert by_camp == by_group and {r["key"] for r in by_camp["volume"]} >= {"RU", "CN"}


def test_hostile_outlet_names_survive(ws):
    path, c = ws
    bad = [o for o in c.outlets["outlet"] if RAW_CONTROL.search(o)]
    assert bad  # the generator planted some
    out = run(bridges, "--workspace", path, "--top", "200").output
    assert not RAW_CONTROL.search(out.replace("\n", ""))
    res = run(paths, "--workspace", path, "--from", bad[0], "--to", "RU")
    assert res.exit_code == 0


@pytest.mark.parametrize("cmd, args, message", [
    (synergy, ["--groups", "XX", "--permutations", "10"], "unknown camp(s) ['XX']; camps are ['CN', 'IR', 'RU', 'WEST']"),
    (paths, ["--from", "nobody", "--to", "RU"],
     "'nobody' is neither an outlet nor a camp in this corpus; camps are CN, IR, RU, WEST"),
    (trace, ["no-such-post"], "post 'no-such-post' is not in the corpus"),
    (trace, ["--text", "   "], "the text to find is empty"),
    (volume, ["--term", "*"], "empty term"),
    (volume, ["--term", "x", "--term", "x"], "give another term or another period to compare with"),
    (summary, ["--linkset", "no-such-set"], "link set 'no-such-set' is unknown; available: "),
    # a significance level or a surge threshold out of range changed the verdicts without a word
    (synergy, ["--alpha", "nan", "--permutations", "10"], "alpha must be between 0 and 1 (got nan)"),
    (synergy, ["--alpha", "2", "--permutations", "10"], "alpha must be between 0 and 1 (got 2.0)"),
    (volume, ["--term", "x", "--z", "-5"], "z (standard deviations above the baseline for a surge) must be a "
                                           "positive number (got -5.0)"),
    (volume, ["--term", "x", "--z", "nan"], "z (standard deviations above the baseline for a surge) must be a "
                                            "positive number (got nan)"),
])
def test_a_user_error_is_one_line_and_exit_code_1(ws, cmd, args, message):
    """Unknown names, unreadable times, empty input: the message alone on stderr, nothing on stdout, exit 1."""
    path, _ = ws
    res = run(cmd, "--workspace", path, *args, ok=False)
    assert res.exit_code == 1 and res.stdout == ""
    error = res.stderr.splitlines()[-1]
    assert error.startswith(f"Error: {message}"), error
    if not message.endswith(": "):
        assert error == f"Error: {message}"


@pytest.mark.parametrize("cmd, args, flag", [(trace, ["--limit", "-1", "x"], "--limit")])
def test_a_negative_row_count_is_a_usage_error(ws, cmd, args, flag):
    """``--limit -1`` was pandas' head(-1): every row but the last, without a word."""
    path, _ = ws
    res = run(cmd, "--workspace", path, *args, ok=False)
    assert res.exit_code == 2 and f"Invalid value for '{flag}'" in res.stderr and "x>=0" in res.stderr


@pytest.mark.parametrize("cmd, args, flag, reason", [
    (synergy, ["--since", "garbage", "--permutations", "10"], "--since",
     "Unknown datetime string format, unable to parse: garbage"),
    (bridges, ["--until", "2022-13-45"], "--until", "month must be in 1..12: 2022-13-45"),
    (paths, ["--from", "CN", "--to", "RU", "--since", "3000-01-01"], "--since", "without overflow"),
    (volume, ["--term", "x", "--since", "yesterday-ish"], "--since",
     "Unknown datetime string format, unable to parse: yesterday-ish"),
    (volume, ["--term", "x", "--compare-since", "x", "--compare-until", "y"], "--compare-since",
     "Unknown datetime string format, unable to parse: x"),
    # pandas reads these as the missing time: volume crashed on it, bridges and synergy answered for no outlet
    (volume, ["--term", "x", "--since", "NaT"], "--since", "'NaT' is the missing time"),
    (volume, ["--term", "x", "--until", ""], "--until", "no time given"),
    (bridges, ["--until", "nan"], "--until", "'nan' is the missing time"),
    (synergy, ["--until", "NaT", "--permutations", "10"], "--until", "'NaT' is the missing time"),
])
def test_a_time_that_is_not_one_is_a_usage_error(ws, cmd, args, flag, reason):
    """Every time flag is one type (TIME): checked before the command runs, exit code 2, the flag and why named."""
    path, _ = ws
    res = run(cmd, "--workspace", path, *args, ok=False)
    assert res.exit_code == 2 and res.stdout == ""
    assert f"Invalid value for '{flag}'" in res.stderr and "is not a time" in res.stderr and reason in res.stderr


@pytest.mark.parametrize("bug", [KeyError, ValueError])
@pytest.mark.parametrize("module, function, cmd, args", [
    ("amplify.analyze.synergy", "camp_synergy", synergy, ["--permutations", "10"]),
    ("amplify.analyze.bridging", "bridges", bridges, []),
    ("amplify.analyze.paths", "amplification_paths", paths, ["--from", "CN", "--to", "RU"]),
    ("amplify.analyze.trace", "trace_post", trace, ["p1"]),
    ("amplify.analyze.volume", "term_volume", volume, ["--term", "x"]),
    ("amplify.analyze.summary", "summarize", summary, []),
])
def test_a_bug_inside_an_analysis_is_not_shown_as_a_user_error(ws, monkeypatch, bug, module, function, cmd, args):
    """Only AnalysisError (and the workspace's own errors) become "Error: ..."; a KeyError from a bug surfaces."""
    import importlib

    def broken(*a, **k):
        raise bug("a bug, not a user error")

    monkeypatch.setattr(importlib.import_module(module), function, broken)
    path, _ = ws
    with pytest.raises(bug, match="a bug, not a user error"):
        CliRunner().invoke(cmd, ["--workspace", path, *args], catch_exceptions=False)
