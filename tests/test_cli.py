"""The command line end to end: ingest -> detect -> links / info, and the demo."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from amplify.cli import cli

STATEMENT = ("The United States should stop using the Kazakhstan situation as a pretext to interfere in the "
             "internal affairs of Central Asian countries and respect the choice of their peoples")


def _run(*args, ok=True):
    res = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    if ok:
        assert res.exit_code == 0, res.output
    return res


@pytest.fixture()
def exports(tmp_path):
    posts = pd.DataFrame({
        "id": ["1", "2", "3", "4"],
        "author": ["mfa_china", "sputnik", "tass", "bbc"],
        "created_at": ["2022-01-06T08:00:00Z", "2022-01-06T09:00:00Z", "2022-01-07T10:00:00Z",
                       "2022-01-07T11:00:00Z"],
        "content": [STATEMENT, f"Beijing says: {STATEMENT}", f"As the Chinese Foreign Ministry put it, {STATEMENT}",
                    "Weather in London is grey today, with light rain expected through the weekend."],
    })
    p = tmp_path / "posts.csv"
    posts.to_csv(p, index=False)
    o = tmp_path / "outlets.csv"
    pd.DataFrame({"outlet": ["mfa_china", "sputnik", "tass"], "group": ["CN", "RU", "RU"],
                  "name": ["Chinese Foreign Ministry", "Sputnik", "TASS"]}).to_csv(o, index=False)
    return p, o


def test_help_lists_every_command_with_an_example():
    out = _run("--help").output
    for name in ("ingest", "detect", "links", "info", "demo"):
        assert name in out
        assert "Example" in _run(name, "--help").output


def test_ingest_detect_links_info_round_trip(tmp_path, exports):
    posts, outlets = exports
    ws = tmp_path / "ws"
    first = _run("ingest", posts, "--outlets", outlets, "--workspace", ws, "--map", "text=content", "-q")
    assert "4 new, 0 already present" in first.output
    again = _run("ingest", posts, "--workspace", ws, "--map", "text=content", "-q")
    assert "0 new, 4 already present" in again.output

    det = json.loads(_run("detect", "--workspace", ws, "--format", "json", "-q").output)
    assert det["mode"] == "full" and det["links"] == 3
    assert json.loads(_run("detect", "--workspace", ws, "--format", "json", "-q").output)["mode"] == "up to date"

    links = pd.read_csv(io.StringIO(_run("links", "--workspace", ws, "--format", "csv").output), dtype={"source_id": str, "target_id": str})
    assert set(zip(links["source_id"], links["target_id"])) == {("1", "2"), ("1", "3"), ("2", "3")}
    row = links[(links["source_id"] == "1") & (links["target_id"] == "3")].iloc[0]
    assert bool(row["attributed"]) is True
    assert row["source_group"] == "CN" and row["target_group"] == "RU"
    assert STATEMENT.startswith(row["source_text"][:40])

    info = json.loads(_run("info", "--workspace", ws, "--format", "json").output)
    assert info["n_posts"] == 4 and info["groups"]["unknown"] == 1
    assert info["linksets"][0]["n_links"] == 3

    out = tmp_path / "links.parquet"
    _run("links", "--workspace", ws, "--format", "parquet", "--out", out)
    assert len(pd.read_parquet(out)) == 3


def test_other_settings_make_another_link_set(tmp_path, exports):
    posts, outlets = exports
    ws = tmp_path / "ws"
    _run("ingest", posts, "--outlets", outlets, "--workspace", ws, "--map", "text=content", "-q")
    _run("detect", "--workspace", ws, "-q")
    _run("detect", "--workspace", ws, "-q", "--cross-group-only")
    info = json.loads(_run("info", "--workspace", ws, "--format", "json").output)
    assert sorted(ls["n_links"] for ls in info["linksets"]) == [2, 3]


def test_missing_column_fails_with_the_flag_that_fixes_it(tmp_path, exports):
    posts, _ = exports
    res = _run("ingest", posts, "--workspace", tmp_path / "ws", "--map", "text=nope", ok=False)
    assert res.exit_code != 0
    assert "nope" in res.output and "--map text=" in res.output


def test_rejected_rows_are_written_with_reasons(tmp_path):
    p = tmp_path / "bad.csv"
    p.write_text("id,author,created_at,text\n1,a,2022-01-01T00:00:00Z,hello there\n"
                 "2,b,not a date,hello again\n3,c,2022-01-01T00:00:00Z,   \n", encoding="utf-8")
    rej = tmp_path / "rejects.csv"
    res = _run("ingest", p, "--workspace", tmp_path / "ws", "--rejects", rej, "--format", "json", "-q")
    report = json.loads(res.output)
    assert report["append"]["new"] == 1
    rejects = pd.read_csv(rej)
    assert sorted(rejects["row"].tolist()) == [3, 4]
    assert {"file", "row", "column", "reason"} <= set(rejects.columns)


def test_table_output_escapes_terminal_control_characters(tmp_path):
    p = tmp_path / "evil.csv"
    evil = STATEMENT + " \x1b[2J\x1b]0;pwned\x07"
    pd.DataFrame({"id": ["1", "2"], "author": ["a", "b"],
                  "created_at": ["2022-01-01T00:00:00Z", "2022-01-01T01:00:00Z"],
                  "text": [STATEMENT, evil]}).to_csv(p, index=False)
    ws = tmp_path / "ws"
    _run("ingest", p, "--workspace", ws, "-q")
    _run("detect", "--workspace", ws, "-q")
    out = _run("links", "--workspace", ws).output
    assert "\x1b" not in out and "\x07" not in out


def test_demo_writes_its_products(tmp_path):
    out = tmp_path / "demo"
    _run("demo", "--out", out, "--posts", "1500", "-q")
    links = pd.read_csv(out / "links.csv")
    truth = pd.read_csv(out / "corpus" / "truth_links.csv")
    # most planted echoes come back (the full measurement is benchmarks/quality.py)
    assert truth["target_id"].isin(set(links["target_id"])).mean() > 0.95
    assert (Path(out) / "workspace" / "manifest.json").is_file()


@pytest.mark.parametrize("args, flag, bound", [
    (["links", "--format", "csv", "--limit", "-1"], "--limit", "x>=0"),
    (["report", "-o", "r.html", "--top", "-1"], "--top", "x>=1"),
    (["report", "-o", "r.html", "--cascades", "-1"], "--cascades", "x>=0"),
    (["html", "-o", "n.html", "--top", "-1"], "--top", "x>=0"),
])
def test_a_negative_row_count_is_refused_not_read_as_all_but_the_last_rows(tmp_path, exports, args, flag, bound):
    # --limit -3 wrote all links but the last 3 (pandas' head(-3)), with exit code 0
    posts, outlets = exports
    ws = tmp_path / "ws"
    _run("ingest", posts, "--outlets", outlets, "--workspace", ws, "--map", "text=content", "-q")
    _run("detect", "--workspace", ws, "-q")
    out = [str(tmp_path / a) if a.endswith(".html") else a for a in args]
    res = _run(*out, "--workspace", ws, ok=False)
    assert res.exit_code == 2 and f"Invalid value for '{flag}'" in res.output and bound in res.output
    assert not any(p.suffix == ".html" for p in tmp_path.iterdir())


def test_outlet_names_and_texts_cannot_reorder_or_colour_the_terminal(tmp_path):
    # an outlet and its camp named with an escape and a bidi override: the volume table's header (one
    # column per outlet), trace's first lines, info's camp list, the links table and an error message
    # quoting the name all showed some of them raw
    evil_outlet, evil_camp = "evil\u202eoutlet\x1b[31m", "RU\u202eCN"
    p = tmp_path / "evil.csv"
    pd.DataFrame({"id": ["1", "2"], "author": [evil_outlet, "b"],
                  "created_at": ["2022-01-01T00:00:00Z", "2022-01-01T01:00:00Z"],
                  "text": [STATEMENT, STATEMENT + " \u202e pipeline"]}).to_csv(p, index=False)
    o = tmp_path / "outlets.csv"
    pd.DataFrame({"outlet": [evil_outlet, "b"], "group": [evil_camp, "X"]}).to_csv(o, index=False)
    ws = tmp_path / "ws"
    _run("ingest", p, "--outlets", o, "--workspace", ws, "-q")
    _run("detect", "--workspace", ws, "-q")
    outs = [_run("volume", "--workspace", ws, "--term", "pipeline", "--term", "Beijing", "--by", "outlet").output,
            _run("trace", "--workspace", ws, "2").output,
            _run("info", "--workspace", ws).output,
            _run("links", "--workspace", ws).output,
            _run("paths", "--workspace", ws, "--from", evil_camp + "x", "--to", "X", ok=False).output]
    for out in outs:
        assert "\x1b" not in out and "\u202e" not in out, out
    assert "evil\\u202eoutlet" in outs[0] and "evil\\u202eoutlet" in outs[1] and "RU\\u202eCN" in outs[1]
    assert "RU\\u202eCN" in outs[2] and "RU\\u202eCNx" in outs[4]


@pytest.mark.parametrize("posts", ["30", "0"])
def test_demo_refuses_a_corpus_smaller_than_the_generator_makes(tmp_path, posts):
    # it ended in "internal error (a bug in amplify)", exit 3; `generate --posts 30` refused it cleanly
    res = CliRunner().invoke(cli, ["demo", "--out", str(tmp_path / "d"), "--posts", posts])
    assert res.exit_code == 2 and "--posts" in res.output and "100" in res.output, res.output
    assert not (tmp_path / "d").exists()
