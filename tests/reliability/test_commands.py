"""Every command against workspaces that are not there, not workspaces, too new, empty or without links:
one message naming the workspace, exit code 1 or 2 -- never a traceback, never an internal error (3).
And the error path itself: a bug is one line with --debug to see it; Ctrl-C is one line too."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rel_support import T0, assert_no_traceback, csv_bytes, invoke

COMMANDS = {
    "info": ["info"], "check": ["check"], "links": ["links"], "detect": ["detect", "-q"],
    "html": ["html", "--out", "OUT/n.html", "-q"], "report": ["report", "--out", "OUT/r.html", "-q"],
    "export": ["export", "--format", "gexf", "--out", "OUT/g.gexf", "-q"], "synergy": ["synergy", "-q"],
    "bridges": ["bridges", "-q"], "paths": ["paths", "--from", "a", "--to", "b", "-q"], "trace": ["trace", "p1"],
    "volume": ["volume", "--term", "talks", "-q"], "summary": ["summary", "-q"],
}


def _missing(tmp):
    return tmp / "nowhere", "the folder does not exist (`amplify ingest FILES --workspace"


def _a_file(tmp):
    (tmp / "file").write_text("not a folder")
    return tmp / "file", "file"


def _not_a_workspace(tmp):
    (tmp / "folder").mkdir()
    (tmp / "folder" / "notes.txt").write_text("x")
    return tmp / "folder", "is not an amplify workspace"


def _future(tmp):
    ws = _workspace(tmp)
    m = json.loads((ws / "manifest.json").read_text())
    m["format_version"] = 99
    (ws / "manifest.json").write_text(json.dumps(m))
    return ws, "has format version 99"


def _other_format(tmp):
    (tmp / "other").mkdir()
    (tmp / "other" / "manifest.json").write_text(json.dumps({"format": "something-else"}))
    return tmp / "other", "is not an amplify workspace"


def _workspace(tmp, posts: bool = False):
    ws = tmp / "ws"
    args = ["ingest", "--workspace", ws, "-q"]
    if posts:
        (tmp / "p.csv").write_bytes(csv_bytes([["p1", "a", T0, "Talks went well"]],
                                              header=("id", "outlet", "published_at", "text")))
        args.insert(1, tmp / "p.csv")
    else:
        (tmp / "o.csv").write_bytes(csv_bytes([["a", "RU"]], header=("outlet", "group")))
        args += ["--outlets", tmp / "o.csv"]
    assert invoke(*args).exit_code == 0
    return ws


BAD = {"missing folder": _missing, "a file": _a_file, "not a workspace": _not_a_workspace,
       "another program's manifest": _other_format, "a newer format": _future}


@pytest.mark.parametrize("where", sorted(BAD))
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_on_a_folder_that_is_no_usable_workspace(tmp_path, command, where):
    ws, message = BAD[where](tmp_path)
    (tmp_path / "out").mkdir(exist_ok=True)
    args = [a.replace("OUT", str(tmp_path / "out")) for a in COMMANDS[command]]
    res = invoke(*args, "--workspace", ws)
    assert_no_traceback(res)
    assert res.exit_code in (1, 2), res.output
    assert message in res.output and ws.name in res.output, res.output
    assert not list((tmp_path / "out").iterdir())


@pytest.mark.parametrize("posts", [False, True], ids=["no posts", "posts but no links"])
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_on_an_empty_workspace_answers_or_says_why(tmp_path, command, posts):
    ws = _workspace(tmp_path, posts)
    (tmp_path / "out").mkdir(exist_ok=True)
    args = [a.replace("OUT", str(tmp_path / "out")) for a in COMMANDS[command]]
    res = invoke(*args, "--workspace", ws)
    assert_no_traceback(res)
    assert res.exit_code in (0, 1), res.output  # never 3: an empty workspace is no bug
    if res.exit_code == 1:
        assert res.output.startswith("Error:") and len(res.output.strip().splitlines()) == 1, res.output


def test_a_bug_is_one_line_and_debug_shows_the_traceback(tmp_path, monkeypatch):
    import amplify.workspace.facade as facade

    def broken(self):
        raise ZeroDivisionError("a bug inside info")

    monkeypatch.setattr(facade.Workspace, "info", broken)
    ws = _workspace(tmp_path)
    res = invoke("info", "--workspace", ws)
    assert res.exit_code == 3
    assert res.output.strip().splitlines() == [
        "Error: internal error (a bug in amplify): ZeroDivisionError: a bug inside info. Run the command again "
        "with --debug to see the traceback, and please report it"]
    res = invoke("--debug", "info", "--workspace", ws)
    assert isinstance(res.exception, ZeroDivisionError)
    res = invoke("info", "--workspace", ws, env={"AMPLIFY_DEBUG": "1"})
    assert isinstance(res.exception, ZeroDivisionError)


def test_debug_may_follow_the_command_on_the_command_line(tmp_path):
    """``amplify info -w ws --debug`` (as people type it) shows the traceback of a bug in a real process."""
    code = ("import amplify.workspace.facade as f\n"
            "def broken(self): raise ZeroDivisionError('a bug inside info')\n"
            "f.Workspace.info = broken\n"
            "from amplify.cli import main\nmain()\n")
    ws = _workspace(tmp_path)
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    out = subprocess.run([sys.executable, "-c", code, "info", "--workspace", str(ws), "--debug"],
                         capture_output=True, text=True, env=env, timeout=300)
    assert "Traceback" in out.stderr and "ZeroDivisionError: a bug inside info" in out.stderr
    out = subprocess.run([sys.executable, "-c", code, "info", "--workspace", str(ws)],
                         capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 3 and "Traceback" not in out.stderr and "--debug" in out.stderr


def test_ctrl_c_is_one_line(tmp_path, monkeypatch):
    import amplify.workspace.facade as facade

    def interrupted(self):
        raise KeyboardInterrupt

    monkeypatch.setattr(facade.Workspace, "info", interrupted)
    res = invoke("info", "--workspace", _workspace(tmp_path))
    assert res.exit_code == 130 and "interrupted" in res.output and "Traceback" not in res.output
