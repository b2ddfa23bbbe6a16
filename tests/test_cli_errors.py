"""The CLI reports the user's mistakes as usage errors, and a bug as a bug.

A command catches only the project's own user-error classes (``IngestError``,
``WorkspaceError``) or checks the options itself; a ``ValueError`` or
``KeyError`` from inside the library is a bug and must not come out as
"Error: Invalid value: ..." with exit code 2. A bug is one line (exit code 3)
saying to run again with ``--debug``, which shows the traceback.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from amplify.cli import cli


def _invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.mark.parametrize("args, message", [
    (["--surge-term", "  "], "Error: Invalid value: surge_term must not be empty"),
    (["--start", "garbage"], "Error: Invalid value: Unknown datetime string format, unable to parse: garbage"),
    (["--start", "2022-13-45"], "Error: Invalid value: month must be in 1..12: 2022-13-45"),
    (["--start", ""], "Error: Invalid value: start must be a time (got '')"),
])
def test_generate_user_errors(tmp_path, args, message):
    res = _invoke("generate", "--posts", 100, "--out", tmp_path / "c", "-q", *args)
    assert res.exit_code == 2
    assert message in res.output
    assert not (tmp_path / "c").exists()


def test_generate_bug_is_not_a_user_error(tmp_path, monkeypatch):
    import amplify.synth

    def broken(**kw):
        raise ValueError("a bug inside generate")

    monkeypatch.setattr(amplify.synth, "generate", broken)
    res = _invoke("generate", "--posts", 100, "--out", tmp_path / "c", "-q")
    assert res.exit_code == 3
    assert "internal error (a bug in amplify): ValueError: a bug inside generate" in res.output
    assert "--debug" in res.output and "Traceback" not in res.output
    assert "Invalid value" not in res.output
    res = _invoke("--debug", "generate", "--posts", 100, "--out", tmp_path / "c", "-q")
    assert isinstance(res.exception, ValueError) and "a bug inside generate" in str(res.exception)


def test_ingest_user_error(tmp_path):
    p = tmp_path / "posts.csv"
    p.write_text("who,when,what\ntass,2022-03-01T10:00:00Z,Hello\n")
    res = _invoke("ingest", p, "--workspace", tmp_path / "ws", "-q")
    assert res.exit_code == 1
    assert f"Error: {p}: no column for 'text'" in res.output
    assert "--map text=COLUMN" in res.output


@pytest.mark.parametrize("bug", [ValueError, KeyError])
def test_ingest_bug_is_not_a_user_error(tmp_path, monkeypatch, bug):
    import amplify.ingest.posts

    def broken(*a, **kw):
        raise bug("a bug inside read_posts")

    # amplify ingest reads posts block by block (amplify.ingest.chunked), each through to_posts
    monkeypatch.setattr(amplify.ingest.posts, "to_posts", broken)
    p = tmp_path / "posts.csv"
    p.write_text("outlet,published_at,text\ntass,2022-03-01T10:00:00Z,Hello\n")
    res = _invoke("ingest", p, "--workspace", tmp_path / "ws", "-q")
    assert res.exit_code == 3 and "internal error (a bug in amplify)" in res.output
    assert "a bug inside read_posts" in res.output and "--debug" in res.output
    res = _invoke("--debug", "ingest", p, "--workspace", tmp_path / "ws", "-q")
    assert isinstance(res.exception, bug)
    assert "Error:" not in res.output
