"""``amplify outlets`` (by volume, a template for camps), ``ingest --outlet NAME``, headlines as text."""

from __future__ import annotations

import json

import pandas as pd
from click.testing import CliRunner

from amplify.cli import cli
from amplify.ingest import read_posts
from amplify.ingest.columns import Constant
from amplify.workspace import Workspace


def _run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_whole_file_outlet_headlines_and_the_template_round_trip(tmp_path):
    a = tmp_path / "tass.csv"
    a.write_text("date,headline\n2024-03-01,Talks in Geneva went well\n2024-03-02,Markets rose again\n"
                 "2024-03-03,Rain all week\n", encoding="utf-8")
    b = tmp_path / "rt.csv"
    b.write_text("time,title,author\n2024-03-01T10:00:00Z,Geneva talks went well,someone\n", encoding="utf-8")
    ws = tmp_path / "ws"
    r = _run("ingest", a, "--outlet", "tass", "-w", ws, "-q")
    assert r.exit_code == 0, r.output
    r = _run("ingest", b, "--outlet", "rt_com", "-w", ws, "-q")  # --outlet wins over the author column
    assert r.exit_code == 0, r.output
    posts = Workspace.open(ws).posts()
    assert sorted(posts["outlet"].unique()) == ["rt_com", "tass"]
    assert "Talks in Geneva went well" in set(posts["text"])  # the headline column is the text

    r = _run("outlets", "-w", ws, "--format", "json")
    rows = json.loads(r.output)
    assert [x["outlet"] for x in rows] == ["tass", "rt_com"] and [x["posts"] for x in rows] == [3, 1]
    assert all(x["group"] is None for x in rows)
    table = _run("outlets", "-w", ws).output
    assert "tass" in table and "NaN" not in table and "None" not in table  # empty fields read empty

    tpl = tmp_path / "outlets.csv"
    r = _run("outlets", "-w", ws, "--write-template", tpl)
    assert r.exit_code == 0 and "2 without a camp" in r.output
    t = pd.read_csv(tpl)
    assert list(t.columns) == ["outlet", "group", "kind", "name", "country", "aliases"]
    assert list(t["outlet"]) == ["tass", "rt_com"]
    r = _run("outlets", "-w", ws, "--write-template", tpl)  # never over a filled-in file
    assert r.exit_code == 1 and "exists" in r.output
    t["group"] = ["RU", "RU"]
    t.to_csv(tpl, index=False)
    r = _run("ingest", "--outlets", tpl, "-w", ws, "-q")
    assert r.exit_code == 0, r.output
    r = _run("outlets", "-w", ws, "--format", "json")
    assert [x["group"] for x in json.loads(r.output)] == ["RU", "RU"]


def test_outlet_flag_conflicts_and_python_constant(tmp_path):
    a = tmp_path / "a.csv"
    a.write_text("date,text,site\n2024-03-01,hello there,x\n", encoding="utf-8")
    r = _run("ingest", a, "--outlet", "tass", "--map", "outlet=site", "-w", tmp_path / "ws")
    assert r.exit_code == 2 and "not both" in r.output
    r = _run("ingest", a, "--outlet", "  ", "-w", tmp_path / "ws")
    assert r.exit_code == 2 and "empty" in r.output
    res = read_posts(a, mapping={"outlet": Constant("tass")})
    assert list(res.posts["outlet"]) == ["tass"]
    assert res.files[0].column_mapping["outlet"] == "(the whole file: tass)"


def test_title_stays_title_when_there_is_a_text_column(tmp_path):
    a = tmp_path / "a.csv"
    a.write_text("date,title,text,author\n2024-03-01,Short title,The long body of the article,x\n",
                 encoding="utf-8")
    res = read_posts(a)
    assert res.posts.loc[0, "text"] == "The long body of the article"
    assert res.posts.loc[0, "title"] == "Short title"


def test_the_template_round_trip_keeps_handles_that_a_spreadsheet_would_read_as_formulas(tmp_path):
    # the template neutralises "@rt_com" and "=calc" as "'@rt_com" (spreadsheet safety); filled in with a
    # text editor or pandas and read back, the ' made two new outlets and left the real ones 'unknown'
    posts = tmp_path / "posts.csv"
    posts.write_text("id,outlet,created_at,text\n1,@rt_com,2024-01-01,one\n2,plain,2024-01-01,two\n"
                     "3,=calc,2024-01-01,three\n4,-minus,2024-01-01,four\n", encoding="utf-8")
    ws = tmp_path / "ws"
    assert _run("ingest", posts, "-w", ws, "-q").exit_code == 0
    tpl = tmp_path / "outlets.csv"
    assert _run("outlets", "-w", ws, "--write-template", tpl).exit_code == 0
    t = pd.read_csv(tpl, dtype=str, keep_default_na=False)
    assert sorted(t["outlet"]) == ["'-minus", "'=calc", "'@rt_com", "plain"]  # safe to open in a spreadsheet
    t["group"] = ["A", "B", "C", "D"]
    t.to_csv(tpl, index=False)
    r = _run("ingest", "--outlets", tpl, "-w", ws)
    assert r.exit_code == 0, r.output
    assert "3 value(s) lost the leading '" in r.output and "not in the outlets table" not in r.output
    stored = Workspace.open(ws).outlets(fill_missing=False).set_index("outlet")["group"].to_dict()
    assert stored == dict(zip([o.lstrip("'") for o in t["outlet"]], t["group"]))


def test_an_apostrophe_in_a_json_outlets_table_is_kept(tmp_path):
    # JSON is never neutralised against formulas: a leading ' there is the value itself
    from amplify.ingest import read_outlets
    p = tmp_path / "outlets.jsonl"
    p.write_text('{"outlet": "\'@x", "group": "A"}\n{"outlet": "y", "group": "B"}\n', encoding="utf-8")
    out = read_outlets(str(p))
    assert sorted(out["outlet"]) == ["'@x", "y"]
    assert not any("lost the leading" in n for n in out.attrs["ingest_notes"])


def test_an_outlet_listed_with_no_group_counts_as_without_a_camp(tmp_path):
    # they were stored as camp 'unknown' but counted "0 outlets without a camp", ingest said nothing,
    # and synergy called them "missing from the outlets table"
    posts = tmp_path / "posts.csv"
    posts.write_text("outlet,published_at,text\n" + "".join(
        f"{o},2024-03-0{d}T1{d}:00:00Z,{o} says item {d} is news\n" for o in ("mfa", "gt", "sp") for d in (1, 2, 3)))
    outlets = tmp_path / "outlets.csv"
    outlets.write_text("outlet,group\nmfa,\ngt,\nsp,RU\n")
    ws = tmp_path / "ws"
    r = _run("ingest", posts, "--outlets", outlets, "-w", ws)
    assert r.exit_code == 0 and "2 outlet(s) of the outlets table have no group (gt, mfa)" in r.output, r.output
    r = _run("outlets", "-w", ws)
    assert "2 outlets without a camp" in r.output, r.output
    rows = {x["outlet"]: x["group"] for x in json.loads(_run("outlets", "-w", ws, "--format", "json").output)}
    assert rows == {"mfa": None, "gt": None, "sp": "RU"}
    tpl = tmp_path / "t.csv"
    assert _run("outlets", "-w", ws, "--write-template", tpl).exit_code == 0
    assert pd.read_csv(tpl).set_index("outlet")["group"].isna().to_dict() == {"mfa": True, "gt": True, "sp": False}
