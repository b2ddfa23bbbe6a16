"""CSV meant for spreadsheets does not run post text as formulas (issue #18).

Every CSV amplify writes for people -- ``links``, the analysis commands'
``--format csv``, ``export --format csv``, the ingest rejects and conflicts
files, the demo's links.csv -- gives a text cell that begins with
``= + - @ TAB CR`` one leading ``'`` (the OWASP rule); ``--raw`` writes the
values as stored; numbers, JSON and Parquet are never changed.
"""

from __future__ import annotations

import io
import json
import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import amplify.io
from amplify.cli import cli
from amplify.cli.common import emit_table
from amplify.io import FORMULA_CHARS, neutralise_formulas, write_csv

STATEMENT = ("The United States should stop using the Kazakhstan situation as a pretext to interfere in the "
             "internal affairs of Central Asian countries and respect the choice of their peoples")
#: What an adversarial post may begin with.
HOSTILE = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
#: Outlets (and their camps) whose names are formulas, and ordinary ones in other scripts.
OUTLETS = ["=mfa", "+sput", "-tass", "@bbc", "cgtn", "рт_россия", "新华社"]
GROUPS = ["=CN", "-RU", "-RU", "@W", "=CN", "-RU", "=CN"]
NORMAL_TEXT = "Обычный текст 中文"


def _run(*args, ok=True):
    res = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    if ok:
        assert res.exit_code == 0, res.output
    return res


def _write_inputs(folder: Path) -> tuple[Path, Path]:
    """posts.jsonl (one post per outlet, each beginning with a formula or normal text, all echoing one
    statement, and six rows whose time is a formula: rejected) and outlets.csv."""
    rows = []
    for i, outlet in enumerate(OUTLETS):
        lead = HOSTILE[i] if i < len(HOSTILE) else NORMAL_TEXT
        rows.append({"id": str(i + 1), "author": outlet, "created_at": f"2022-01-0{i + 1}T08:00:00Z",
                     "content": f"{lead} {STATEMENT}"})
    for j, bad_time in enumerate(HOSTILE):
        rows.append({"id": f"bad{j}", "author": "=mfa", "created_at": bad_time, "content": HOSTILE[0]})
    posts = folder / "posts.jsonl"
    posts.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    outlets = folder / "outlets.csv"
    pd.DataFrame({"outlet": OUTLETS, "group": GROUPS, "name": OUTLETS}).to_csv(outlets, index=False)
    return posts, outlets


INGEST_MAP = ["--map", "text=content", "--map", "outlet=author", "--map", "published_at=created_at"]


@pytest.fixture(scope="module")
def hostile_ws(tmp_path_factory):
    """A detected workspace whose outlets, camps and texts begin with formulas."""
    root = tmp_path_factory.mktemp("hostile")
    posts, outlets = _write_inputs(root)
    ws = root / "ws"
    _run("ingest", posts, "--outlets", outlets, "--workspace", ws, *INGEST_MAP, "-q")
    _run("detect", "--workspace", ws, "-q")
    return ws


# --------------------------------------------------------------------------- checking a CSV


def _cells(text: str) -> pd.DataFrame:
    """A CSV's cells as exact strings."""
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False)


def _read(path) -> str:
    """A file's text with its line ends as written (a CR inside a quoted cell stays a CR)."""
    with open(path, encoding="utf-8", newline="") as fh:
        return fh.read()


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def assert_neutralised(safe_text: str, raw_text: str) -> set:
    """``safe_text`` is ``raw_text`` with each formula cell given one leading ``'``; returns those cells.

    A numeric column (every cell a number or empty) must be the same in both;
    a number-like cell in a text column may be either (it is text when stored
    as a string, a number otherwise).
    """
    safe, raw = _cells(safe_text), _cells(raw_text)
    assert list(safe.columns) == list(raw.columns)
    assert safe.shape == raw.shape
    hostile = set()
    for col in raw.columns:
        if all(c == "" or _is_number(c) for c in raw[col]):
            assert safe[col].tolist() == raw[col].tolist(), f"numeric column {col} changed"
            continue
        for s, r in zip(safe[col], raw[col]):
            if r.startswith(FORMULA_CHARS) and not _is_number(r):
                assert s == "'" + r, (col, s, r)
                hostile.add(r)
            elif r.startswith(FORMULA_CHARS):
                assert s in (r, "'" + r), (col, s, r)
            else:
                assert s == r, (col, s, r)
    return hostile


def _strings(obj):
    """Every string inside a JSON document."""
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield from _strings(k)
            yield from _strings(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _strings(v)


def assert_json_as_stored(text: str) -> set:
    """No string in the JSON carries the spreadsheet quote; returns the formula-leading strings."""
    strings = set(_strings(json.loads(text)))
    assert not [s for s in strings if s[:1] == "'" and s[1:2] in FORMULA_CHARS]
    return {s for s in strings if s.startswith(FORMULA_CHARS)}


# --------------------------------------------------------------------------- the function


def _plain_number(v: str) -> bool:
    """A sign, digits with at most one point, an optional exponent: the rule in plain Python."""
    t = v[1:] if v[:1] in ("+", "-") else v
    for e in ("e", "E"):
        if e in t:
            t, _, exp = t.partition(e)
            exp = exp[1:] if exp[:1] in ("+", "-") else exp
            if not (exp.isascii() and exp.isdigit()):
                return False
            break
    whole, _, frac = t.partition(".")
    digits = whole + frac
    return bool(digits) and digits.isascii() and digits.isdigit()


def _reference(v):
    """The OWASP rule on one value, in plain Python (plain numbers, which no spreadsheet runs, excepted)."""
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "\t", "\r") and not _plain_number(v):
        return "'" + v
    return v


ALPHABET = list("=+-@\t\r'\" ,;aZ0Яж中文\n") + ["", "é", "1", ".", "e", "7"]


def _random_text(rng: random.Random) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 6)))


def _missing(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v))


def _same(a, b) -> bool:
    if _missing(a) or _missing(b):
        return _missing(a) and _missing(b)
    return type(a) is type(b) and a == b


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("dtype", ["object", "string", "str", "category", "mixed"])
def test_neutralise_formulas_matches_the_plain_python_rule(seed, dtype):
    rng = random.Random(seed)
    values = [_random_text(rng) for _ in range(500)]
    for i in rng.sample(range(500), 40):
        values[i] = None
    if dtype == "mixed":
        for i in rng.sample(range(500), 60):
            values[i] = rng.choice([-2.5, -1, 7, True, b"=x", ("=", 1)])
        col = pd.Series(values, dtype=object)
    else:
        col = pd.Series(values, dtype=dtype)
    df = pd.DataFrame({"text": col, "lag": np.linspace(-5.0, 5.0, 500)})
    before = df.copy()
    out = neutralise_formulas(df)
    expected = [_reference(v) for v in col.astype(object).tolist()]
    got = out["text"].astype(object).tolist()
    assert all(_same(g, e) for g, e in zip(got, expected))
    assert out["text"].dtype == df["text"].dtype or dtype == "category"
    assert out["lag"].tolist() == df["lag"].tolist() and out["lag"].dtype == np.float64
    pd.testing.assert_frame_equal(df, before)  # the input is not modified


def test_only_text_cells_change_and_untouched_frames_are_not_copied():
    df = pd.DataFrame({
        "n": [-1, -2, 3], "x": [-2.5, np.nan, -0.0], "flag": [True, False, True],
        "t": pd.to_datetime(["2022-01-01", "2022-01-02", None], utc=True),
        "s": pd.Series(["-5+1", "plain", None], dtype="string"),
        "o": pd.Series([-5, "-5+1", "Россия"], dtype=object),
        "num_text": pd.Series(["-5", "+1.5e-3", "-2+3"], dtype=object),
    })
    out = neutralise_formulas(df)
    assert out["s"].tolist()[:2] == ["'-5+1", "plain"] and out["s"].isna().tolist()[2]
    assert out["o"].tolist() == [-5, "'-5+1", "Россия"]  # the int stays an int, the text is text
    # plain numbers written as text stay numbers to a spreadsheet; a sum does not
    assert out["num_text"].tolist() == ["-5", "+1.5e-3", "'-2+3"]
    for c in ("n", "x", "flag", "t"):
        pd.testing.assert_series_equal(out[c], df[c])
    calm = df.drop(columns=["s", "o", "num_text"]).assign(w=["a", "中文", "é"], v=["-1.26", "3", "+4"])
    assert neutralise_formulas(calm) is calm


def test_categories_that_would_collide_fall_back_to_values():
    col = pd.Series(["=a", "b", "'=a", "=a"], dtype="category")
    out = neutralise_formulas(pd.DataFrame({"c": col}))["c"]
    assert out.astype(object).tolist() == ["'=a", "b", "'=a", "'=a"]
    plain = pd.Series(["=a", "b", "=a"], dtype="category")
    out = neutralise_formulas(pd.DataFrame({"c": plain}))["c"]
    assert isinstance(out.dtype, pd.CategoricalDtype) and out.tolist() == ["'=a", "b", "'=a"]


def test_write_csv_neutralises_or_writes_raw_and_quotes_a_bare_carriage_return():
    df = pd.DataFrame({"text": HOSTILE + ["ok\r=HYPERLINK(\"http://x\",\"y\")", NORMAL_TEXT, "plain"],
                       "lag": [-2.5, -1.0, 0.0, 1.5, 2.0, 3.0, -4.25, -5.5, 6.0]})
    safe, raw = io.StringIO(), io.StringIO()
    write_csv(df, safe)
    write_csv(df, raw, raw=True)
    back = _cells(safe.getvalue())
    assert back["text"].tolist() == ["'" + h for h in HOSTILE] + df["text"].tolist()[6:]
    assert back["lag"].tolist() == ["-2.5", "-1.0", "0.0", "1.5", "2.0", "3.0", "-4.25", "-5.5", "6.0"]
    assert _cells(raw.getvalue())["text"].tolist() == df["text"].tolist()
    # a CR inside a cell is quoted (whatever the Python version), so it cannot start a spreadsheet row
    assert '"ok\r=HYPERLINK(""http://x"",""y"")"' in raw.getvalue()
    assert '"\'\r=1"' in safe.getvalue()
    calm = df.iloc[7:]  # no formula, no CR: byte for byte what to_csv wrote before
    for flag in (False, True):
        buf = io.StringIO()
        write_csv(calm, buf, raw=flag)
        assert buf.getvalue() == calm.to_csv(index=False)


def test_emit_table_csv_and_json():
    df = pd.DataFrame({"text": HOSTILE + [NORMAL_TEXT], "score": [-1.5, 2.0, -3.25, 4.0, 5.0, -6.0, 0.5]})
    safe, raw, js = io.StringIO(), io.StringIO(), io.StringIO()
    emit_table(df, "csv", safe)
    emit_table(df, "csv", raw, raw=True)
    emit_table(df, "json", js)
    assert assert_neutralised(safe.getvalue(), raw.getvalue()) == set(HOSTILE)
    assert [r["text"] for r in json.loads(js.getvalue())] == df["text"].tolist()


# --------------------------------------------------------------------------- the commands


def test_every_csv_command_documents_and_takes_raw():
    for name in ("links", "synergy", "bridges", "paths", "trace", "volume", "summary", "export", "ingest", "demo"):
        text = " ".join(_run(name, "--help").output.split())
        assert "--raw" in text, name
        assert "get a leading ' so that spreadsheets do not run them as formulas" in text, name


def test_links_csv_file_and_stdout(hostile_ws, tmp_path):
    from amplify.workspace import Workspace, links_with_evidence

    safe = _run("links", "--workspace", hostile_ws, "--format", "csv").output
    raw = _run("links", "--workspace", hostile_ws, "--format", "csv", "--raw").output
    hostile = assert_neutralised(safe, raw)
    assert {"=mfa", "+sput", "-tass", "@bbc", "=CN", "-RU", "@W"} <= hostile
    # --raw is what links wrote before: the stored values, byte for byte
    stored = links_with_evidence(Workspace.open(hostile_ws), limit_text=10**9)
    assert raw == stored.to_csv(index=False)
    # normal text (Cyrillic, CJK) is as stored
    assert "рт_россия" in _cells(safe)["target_outlet"].tolist() and "新华社" in safe
    out = tmp_path / "links.csv"
    _run("links", "--workspace", hostile_ws, "--format", "csv", "--out", out)
    assert _read(out) == safe
    _run("links", "--workspace", hostile_ws, "--format", "csv", "--out", out, "--raw")
    assert _read(out) == raw


def test_links_json_and_parquet_are_as_stored(hostile_ws, tmp_path):
    from amplify.workspace import Workspace, links_with_evidence

    stored = links_with_evidence(Workspace.open(hostile_ws), limit_text=10**9)
    js = _run("links", "--workspace", hostile_ws, "--format", "json").output
    assert {"=mfa", "=CN"} <= assert_json_as_stored(js)
    assert js == _run("links", "--workspace", hostile_ws, "--format", "json", "--raw").output
    pq = tmp_path / "links.parquet"
    _run("links", "--workspace", hostile_ws, "--format", "parquet", "--out", pq)
    pd.testing.assert_frame_equal(pd.read_parquet(pq), stored)


ANALYSES = {
    "trace": ["trace", "1"],
    "paths": ["paths", "--from", "=CN", "--to", "-RU"],
    "bridges": ["bridges"],
    "synergy": ["synergy", "--permutations", "20"],
    "narratives": ["synergy", "--permutations", "20", "--table", "narratives"],
    "volume": ["volume", "--term", "Kazakhstan", "--by", "outlet"],
    "summary": ["summary", "--permutations", "20"],
}


@pytest.mark.parametrize("name", sorted(ANALYSES))
def test_analysis_csv_is_neutralised_and_raw_and_json_are_as_stored(hostile_ws, name):
    args = [*ANALYSES[name], "--workspace", hostile_ws, "-q"]
    safe = _run(*args, "--format", "csv").output
    raw = _run(*args, "--format", "csv", "--raw").output
    hostile = assert_neutralised(safe, raw)
    assert hostile & {"=mfa", "+sput", "-tass", "@bbc", "=CN", "-RU", "@W"}, name
    if name in ("trace", "narratives"):  # the origin's whole text
        assert HOSTILE[0] + " " in " ".join(hostile)
    if name == "synergy":  # z-scores below zero: a numeric column, untouched
        assert (pd.read_csv(io.StringIO(safe))["z"] < 0).any()
    if name != "narratives":
        js = _run(*args, "--format", "json").output
        assert assert_json_as_stored(js) & {"=mfa", "=CN", "-RU"}
        assert js == _run(*args, "--format", "json", "--raw").output


def test_export_csv_outlet_and_post_level(hostile_ws, tmp_path):
    for level in ("outlet", "post"):
        safe_dir, raw_dir = tmp_path / f"{level}-safe", tmp_path / f"{level}-raw"
        _run("export", "--workspace", hostile_ws, "--format", "csv", "--level", level, "--out", f"{safe_dir}/",
             "-q")
        _run("export", "--workspace", hostile_ws, "--format", "csv", "--level", level, "--out", f"{raw_dir}/",
             "-q", "--raw")
        hostile = set()
        for name in ("edges.csv", "nodes.csv"):
            hostile |= assert_neutralised(_read(safe_dir / name),
                                          _read(raw_dir / name))
        assert {"=mfa", "+sput", "-tass", "@bbc", "=CN", "-RU"} <= hostile
        if level == "post":  # the nodes carry each post's text: every hostile beginning is there
            for lead in HOSTILE:
                assert any(h.startswith(lead + " ") for h in hostile), repr(lead)
            assert any(NORMAL_TEXT in t for t in _cells(_read(safe_dir / "nodes.csv"))["text"])


def test_export_gexf_graphml_json_ignore_raw(hostile_ws, tmp_path):
    for fmt in ("gexf", "graphml", "json"):
        a, b = tmp_path / f"a.{fmt}", tmp_path / f"b.{fmt}"
        _run("export", "--workspace", hostile_ws, "--format", fmt, "--level", "post", "--out", a, "-q")
        _run("export", "--workspace", hostile_ws, "--format", fmt, "--level", "post", "--out", b, "-q", "--raw")
        assert a.read_bytes() == b.read_bytes(), fmt
        text = _read(a)
        assert "=mfa" in text and "'=mfa" not in text, fmt
    assert {"=mfa", "=CN"} <= assert_json_as_stored(_read(tmp_path / "a.json"))


def test_ingest_rejects_and_conflicts(tmp_path):
    posts, outlets = _write_inputs(tmp_path)
    safe_rej, raw_rej = tmp_path / "rejects.csv", tmp_path / "rejects-raw.csv"
    _run("ingest", posts, "--outlets", outlets, "--workspace", tmp_path / "a", *INGEST_MAP, "-q",
         "--rejects", safe_rej)
    _run("ingest", posts, "--outlets", outlets, "--workspace", tmp_path / "b", *INGEST_MAP, "-q",
         "--rejects", raw_rej, "--raw")
    safe, raw = _read(safe_rej), _read(raw_rej)
    assert set(HOSTILE) <= assert_neutralised(safe, raw)
    assert set(_cells(raw)["value"]) == set(HOSTILE)  # --raw: the rejected values exactly as read

    # the default rejects file (in the workspace) is neutralised too
    _run("ingest", posts, "--workspace", tmp_path / "c", *INGEST_MAP, "-q")
    [default] = (tmp_path / "c" / "rejects").glob("ingest-*.csv")
    assert _read(default) == safe

    # conflicts: a stored post id arriving with other (hostile) content
    later = tmp_path / "later.jsonl"
    later.write_text(json.dumps({"id": "7", "author": OUTLETS[6], "created_at": "2022-01-07T08:00:00Z",
                                 "content": HOSTILE[0]}) + "\n", encoding="utf-8")
    files = {}
    for ws, extra in (("a", []), ("b", ["--raw"])):
        _run("ingest", later, "--input-format", "jsonl", "--workspace", tmp_path / ws, *INGEST_MAP, "-q", *extra)
        [files[ws]] = (tmp_path / ws / "rejects").glob("conflicts-*.csv")
    safe, raw = (_read(files[w]) for w in ("a", "b"))
    assert assert_neutralised(safe, raw) == {HOSTILE[0]}
    assert _cells(raw)["text"].tolist() == [f"{NORMAL_TEXT} {STATEMENT}", HOSTILE[0]]


@pytest.mark.parametrize("raw", [False, True])
def test_demo_writes_its_csv_through_the_neutraliser_unless_raw(tmp_path, monkeypatch, raw):
    from amplify.cli.demo_cmd import run_demo
    from amplify.workspace import Workspace, links_with_evidence

    calls = []

    def spy(df):
        calls.append(list(df.columns))
        return neutralise_formulas(df)

    monkeypatch.setattr(amplify.io, "neutralise_formulas", spy)
    written = run_demo(tmp_path, posts=300, quiet=True, raw=raw)
    demo_calls = list(calls)  # the demo's own; the expected file below goes through the spy too
    links = links_with_evidence(Workspace.open(written["workspace"]), limit_text=10**9)
    buf = io.StringIO()
    write_csv(links, buf, raw=raw)
    assert _read(written["links"]) == buf.getvalue()
    if raw:
        assert demo_calls == []
    else:  # links.csv, then the export's edges and nodes
        assert len(demo_calls) == 3 and demo_calls[0] == list(links.columns)
        assert demo_calls[1][:2] == ["source", "target"] and demo_calls[2][0] == "id"
    assert set(written["csv"].split(", ")) == {str(tmp_path / "network-edges.csv"),
                                               str(tmp_path / "network-edges-nodes.csv")}
