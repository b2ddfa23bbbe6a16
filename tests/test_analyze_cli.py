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


def test_hostile_outlet_names_survive(ws):
    path, c = ws
    bad = [o for o in c.outlets["outlet"] if RAW_CONTROL.search(o)]
    assert bad  # the generator planted some
    out = run(bridges, "--workspace", path, "--top", "200").output
    assert not RAW_CONTROL.search(out.replace("\n", ""))
    res = run(paths, "--workspace", path, "--from", bad[0], "--to", "RU")
    assert res.exit_code == 0
