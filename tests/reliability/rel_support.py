"""What every reliability case checks, and the helpers that build bad inputs in code.

A case is inputs built by code (no binary fixtures), the arguments of
``amplify ingest``, and what must come out:

* no Python traceback, whatever happens, and the exit code expected;
* when the command fails: a message that names the file and the place
  (line, column, flag);
* when it succeeds: every valid row stored *exactly* -- id, outlet, time and
  text byte for byte -- and nothing else; every rejected row in the rejects
  file with its file, row and reason; the counts balanced;
* the workspace readable afterwards (``amplify info`` and ``check`` run, the
  posts load).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from amplify.cli import cli
from amplify.workspace import Workspace

#: A time every case uses unless it says otherwise, and its UTC value.
T0 = "2024-03-01T10:00:00Z"


@dataclass
class Row:
    """A post that must be stored: ``post_id`` None when the file has no id column (content id)."""

    outlet: str
    text: str
    published_at: str = T0
    post_id: str | None = None


@dataclass
class Reject:
    """A row that must be rejected: in ``file`` (a name), at ``row``, with ``reason`` in its reason."""

    file: str
    row: int
    reason: str
    column: str | None = None


@dataclass
class Case:
    """One bad input: files (name -> bytes) and what ``amplify ingest`` must do with them."""

    name: str
    files: dict
    valid: list = field(default_factory=list)
    rejects: list = field(default_factory=list)
    args: list = field(default_factory=list)
    code: int = 0
    message: list = field(default_factory=list)   #: substrings of the output when code != 0
    notes: list = field(default_factory=list)     #: substrings of the summary (stderr) when code == 0
    stdin: bytes | None = None
    outlets: dict | None = None                    #: expected outlets table rows: outlet -> group

    def __str__(self) -> str:
        return self.name


def invoke(*args, stdin: bytes | None = None, env: dict | None = None):
    """Run ``amplify ARGS`` in this process, as a user would (exceptions are the command's business)."""
    return CliRunner().invoke(cli, [str(a) for a in args], input=stdin, env=env)


def assert_no_traceback(res) -> None:
    """The command ended by itself: an exit code, not an exception escaping; no traceback printed."""
    assert "Traceback" not in res.output, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)


def assert_readable(ws: Path) -> None:
    """The workspace opens, loads, and `info` and `check` say it is whole."""
    res = invoke("info", "--workspace", ws)
    assert_no_traceback(res)
    assert res.exit_code == 0, res.output
    res = invoke("check", "--workspace", ws)
    assert res.exit_code == 0 and "ok" in res.output, res.output
    Workspace.open(ws).posts()


def read_rejects(path: Path) -> list[dict]:
    """The rejects file, as written (cells kept as text)."""
    if not path.exists():
        return []
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def write_inputs(folder: Path, files: dict) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, data in files.items():
        p = folder / name
        p.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        out.append(p)
    return out


def run_case(case: Case, tmp: Path):
    """Run ``amplify ingest`` on the case's inputs and check everything the module docstring lists."""
    paths = write_inputs(tmp / "in", case.files)
    ws = tmp / "ws"
    rejects = tmp / "rejects.csv"
    outlet_args = []
    if case.outlets is not None:
        outlet_args = ["--outlets", paths[-1]]
        paths = paths[:-1]
    names = ["-"] if case.stdin is not None else paths
    res = invoke("ingest", *names, "--workspace", ws, "--rejects", rejects, "--format", "json", *outlet_args,
                 *case.args, stdin=case.stdin)
    assert_no_traceback(res)
    assert res.exit_code == case.code, res.output
    if case.code != 0:
        for m in case.message:
            assert m in res.output, f"{m!r} not in {res.output!r}"
        if ws.exists():
            assert_readable(ws)
        return res
    report = json.loads(res.stdout)
    for n in case.notes:
        assert n in res.stderr, f"{n!r} not in {res.stderr!r}"
    _check_stored(case, ws)
    _check_rejects(case, rejects, report)
    assert_readable(ws)
    return res


def _check_stored(case: Case, ws: Path) -> None:
    posts = Workspace.open(ws).posts()
    assert len(posts) == len(case.valid), posts[["post_id", "outlet", "text"]]
    for row in case.valid:
        if row.post_id is not None:
            got = posts[posts["post_id"] == row.post_id]
        else:
            got = posts[(posts["text"] == row.text) & (posts["outlet"] == row.outlet)]
            assert len(got) and got["post_id"].str.fullmatch(r"c-[0-9a-f]{20}").all()
        assert len(got) >= 1, f"missing {row}"
        stored = got.iloc[0]
        assert stored["outlet"] == row.outlet
        assert stored["text"].encode("utf-8") == row.text.encode("utf-8"), (stored["text"], row.text)
        assert stored["published_at"] == pd.Timestamp(row.published_at), (stored["published_at"], row.published_at)
    if case.outlets is not None:
        outlets = Workspace.open(ws).outlets(fill_missing=False)
        assert dict(zip(outlets["outlet"], outlets["group"])) == case.outlets


def _check_rejects(case: Case, rejects: Path, report: dict) -> None:
    rows = read_rejects(rejects)
    totals = report["ingest"]["totals"] if "ingest" in report else {"rejected": 0, "balanced": True}
    assert totals["balanced"], report
    assert totals["rejected"] == len(case.rejects) == len(rows), rows
    for want in case.rejects:
        match = [r for r in rows if Path(r["file"]).name == want.file and int(r["row"]) == want.row]
        assert match, f"no reject at {want.file}:{want.row} in {rows}"
        assert want.reason in match[0]["reason"], (want.reason, match[0]["reason"])
        if want.column is not None:
            assert match[0]["column"] == want.column, match[0]


def csv_bytes(rows: list[list[str]], header=("outlet", "published_at", "text"), sep=",", encoding="utf-8",
              newline="\n") -> bytes:
    """A CSV file (quoted where needed) as bytes in ``encoding``."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=sep, lineterminator=newline)
    w.writerow(header)
    for r in rows:
        w.writerow(r)
    return buf.getvalue().encode(encoding)


def jsonl_bytes(records: list, encoding: str = "utf-8") -> bytes:
    """JSON Lines: dicts dumped (non-ASCII kept), strings as given (a line as it is)."""
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    return ("\n".join(lines) + "\n").encode(encoding)


def post(outlet: str, text: str, t: str = T0, **extra) -> dict:
    return dict({"outlet": outlet, "published_at": t, "text": text}, **extra)
