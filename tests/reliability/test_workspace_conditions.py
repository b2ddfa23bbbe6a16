"""Workspaces that cannot be written (read-only, a lock of another user, a full disk) and workspaces
damaged on disk (a part deleted, truncated or changed; the post count wrong; the outlets table or a link
set gone): one message naming the workspace, the file and the way out; never a traceback; the workspace
as it was; ``amplify check`` finds the damage and ``--repair`` plus a new ingest bring it back."""

from __future__ import annotations

import errno
import json
import os
import shutil

import filelock
import pytest

from rel_support import assert_no_traceback, assert_readable, csv_bytes, invoke
from amplify.workspace import Workspace

OUTLETS = ["tass", "rt", "cgtn", "xinhua"]
SENTENCES = ["The ministry said talks with the delegation went well and will continue next week in Geneva",
             "Officials reported that the new pipeline will carry gas to three neighbouring countries by winter",
             "A spokesman called the sanctions illegal and promised a firm response to every unfriendly step"]


def corpus_rows() -> list[list[str]]:
    """Posts where each sentence is echoed by the other outlets an hour apart (so detect finds links)."""
    rows = []
    for i, s in enumerate(SENTENCES):
        for j, o in enumerate(OUTLETS):
            rows.append([f"{o}-{i}", o, f"2024-03-0{i + 1}T{10 + j:02d}:00:00Z", f"{s} ({o} report {i})"])
    return rows


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """A workspace with posts, an outlets table and a link set; each test works on a copy."""
    d = tmp_path_factory.mktemp("base")
    (d / "posts.csv").write_bytes(csv_bytes(corpus_rows(), header=("id", "outlet", "published_at", "text")))
    (d / "outlets.csv").write_bytes(csv_bytes([[o, "RU" if o in ("tass", "rt") else "CN"] for o in OUTLETS],
                                              header=("outlet", "group")))
    for args in (["ingest", d / "posts.csv", "--outlets", d / "outlets.csv"], ["detect"]):
        res = invoke(*args, "--workspace", d / "ws", "-q")
        assert res.exit_code == 0, res.output
    assert len(Workspace.open(d / "ws").links())
    return d


@pytest.fixture
def ws(base, tmp_path):
    shutil.copytree(base / "ws", tmp_path / "ws")
    shutil.copy(base / "posts.csv", tmp_path / "posts.csv")
    shutil.copy(base / "outlets.csv", tmp_path / "outlets.csv")
    return tmp_path / "ws"


def _snapshot(ws):
    w = Workspace.open(ws)
    return w.generation, w.posts().to_dict("list")


def _new_posts(tmp_path) -> str:
    p = tmp_path / "new.csv"
    p.write_bytes(csv_bytes([["new-1", "tass", "2024-03-09T10:00:00Z", "A brand new statement"]],
                            header=("id", "outlet", "published_at", "text")))
    return str(p)


# --------------------------------------------------------------------------- cannot write


@pytest.mark.parametrize("code, expect", [(errno.EACCES, "cannot write"), (errno.EROFS, "read-only file system")])
def test_a_workspace_that_cannot_be_written(ws, tmp_path, monkeypatch, code, expect):
    before = _snapshot(ws)

    def refuse(self, *a, **k):
        raise OSError(code, os.strerror(code), str(ws / ".lock"))

    monkeypatch.setattr(filelock.FileLock, "acquire", refuse)
    for args in (["ingest", _new_posts(tmp_path), "-q"], ["detect", "--full", "-q"], ["check", "--repair"]):
        res = invoke(*args, "--workspace", ws)
        assert_no_traceback(res)
        if args[0] == "check":  # nothing to repair: nothing to write
            assert res.exit_code == 0
            continue
        assert res.exit_code == 1, res.output
        assert f"workspace {ws} cannot be written by you" in res.output and expect in res.output
        assert "still work" in res.output
    for args in (["info"], ["links"], ["summary"]):  # reading needs no lock
        res = invoke(*args, "--workspace", ws)
        assert_no_traceback(res)
        assert res.exit_code == 0, res.output
    assert _snapshot(ws) == before


def test_a_lock_file_of_another_user(ws, tmp_path, monkeypatch):
    (ws / ".lock").touch()

    def refuse(self, *a, **k):
        raise PermissionError(errno.EACCES, "Permission denied", str(ws / ".lock"))

    monkeypatch.setattr(filelock.FileLock, "acquire", refuse)
    monkeypatch.setattr(os, "getuid", lambda: 4242)  # we are not the file's owner
    res = invoke("ingest", _new_posts(tmp_path), "--workspace", ws)
    assert_no_traceback(res)
    assert res.exit_code == 1
    assert f"its lock file {ws / '.lock'} belongs to" in res.output and "ask its owner" in res.output


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes read-only folders anyway")
def test_a_read_only_workspace_for_real(ws, tmp_path):
    for p in [ws, *ws.rglob("*")]:
        p.chmod(p.stat().st_mode & ~0o222)
    try:
        res = invoke("ingest", _new_posts(tmp_path), "--workspace", ws)
        assert_no_traceback(res)
        assert res.exit_code == 1 and "cannot be written by you" in res.output
        assert invoke("info", "--workspace", ws).exit_code == 0
    finally:
        for p in [ws, *ws.rglob("*")]:
            p.chmod(p.stat().st_mode | 0o200)


def test_a_full_disk_while_writing_a_part(ws, tmp_path, monkeypatch):
    import amplify.workspace.tables as tables

    before = _snapshot(ws)
    real = tables.pq.write_table

    def half_then_full(table, sink, **kw):
        sink.write(b"PAR1" + b"\0" * 100)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(tables.pq, "write_table", half_then_full)
    res = invoke("ingest", _new_posts(tmp_path), "--workspace", ws, "-q")
    assert_no_traceback(res)
    assert res.exit_code == 1
    assert "no space left on the device while writing" in res.output and "part-000002.parquet" in res.output
    assert "the workspace is as it was" in res.output
    monkeypatch.setattr(tables.pq, "write_table", real)
    assert _snapshot(ws) == before
    assert not [p for p in (ws / "posts").iterdir() if ".tmp-" in p.name]
    assert_readable(ws)


def test_a_full_disk_while_writing_the_rejects_file(ws, tmp_path, monkeypatch):
    import amplify.io

    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([["x", "tass", "not a time", "t"]], header=("id", "outlet", "published_at", "text")))

    def full(df, out, **kw):
        out.write("file,row\n")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(amplify.io, "write_csv", full)
    res = invoke("ingest", bad, _new_posts(tmp_path), "--workspace", ws, "--rejects", tmp_path / "rej.csv", "-q")
    assert_no_traceback(res)
    assert res.exit_code == 1 and f"no space left on the device while writing {tmp_path / 'rej.csv'}" in res.output
    assert not (tmp_path / "rej.csv").exists()
    assert_readable(ws)


# --------------------------------------------------------------------------- damaged on disk


def _part(ws):
    return ws / Workspace.open(ws, verify=False).manifest["posts"]["parts"][0]["file"]


def _edit_manifest(ws, fn):
    m = json.loads((ws / "manifest.json").read_text())
    fn(m)
    (ws / "manifest.json").write_text(json.dumps(m))


DAMAGE = {
    "part deleted": (lambda ws: _part(ws).unlink(), "posts part 1 (posts/part-000001.parquet): the file is missing"),
    "part truncated": (lambda ws: _part(ws).write_bytes(_part(ws).read_bytes()[:100]),
                       "posts part 1 (posts/part-000001.parquet): truncated: 100 bytes"),
    "post count wrong": (lambda ws: _edit_manifest(ws, lambda m: m["posts"].update(n_posts=999)),
                         "post count: the manifest says 999 posts, its parts hold 12"),
    "outlets table deleted": (lambda ws: (ws / Workspace.open(ws).manifest["outlets"]["file"]).unlink(),
                              "outlets table (outlets-"),
    "link set deleted": (lambda ws: (ws / Workspace.open(ws).manifest["linksets"][0]["file"]).unlink(),
                         "link set "),
}

COMMANDS = [["info"], ["links"], ["detect"], ["ingest", "NEW"], ["html", "--out", "OUT/n.html"],
            ["report", "--out", "OUT/r.html"], ["export", "--format", "gexf", "--out", "OUT/g.gexf"],
            ["synergy"], ["bridges"], ["paths", "--from", "tass", "--to", "cgtn"], ["trace", "tass-0"],
            ["volume", "--term", "talks"], ["summary"]]


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_every_command_refuses_a_damaged_workspace_and_says_how_to_recover(ws, tmp_path, damage):
    do, what = DAMAGE[damage]
    do(ws)
    (tmp_path / "out").mkdir()
    for cmd in COMMANDS:
        args = [a.replace("OUT", str(tmp_path / "out")) if isinstance(a, str) else a for a in cmd]
        args = [_new_posts(tmp_path) if a == "NEW" else a for a in args]
        res = invoke(*args, "--workspace", ws)
        assert_no_traceback(res)
        assert res.exit_code == 1, (cmd, res.output)
        assert f"workspace {ws} is damaged" in res.output and what in res.output, (cmd, res.output)
        assert "amplify check" in res.output
    assert not list((tmp_path / "out").iterdir())


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_check_names_the_damage_and_repair_plus_ingest_recovers(ws, tmp_path, damage):
    do, what = DAMAGE[damage]
    do(ws)
    res = invoke("check", "--workspace", ws)
    assert_no_traceback(res)
    assert res.exit_code == 1 and what in res.output
    res = invoke("check", "--workspace", ws, "--repair")
    assert res.exit_code == 1 and "repaired:" in res.output, res.output
    assert invoke("check", "--workspace", ws).exit_code == 0
    # what was lost comes back from the sources: posts, outlets, links
    for args in (["ingest", tmp_path / "posts.csv", "--outlets", tmp_path / "outlets.csv"], ["detect"]):
        res = invoke(*args, "--workspace", ws, "-q")
        assert res.exit_code == 0, res.output
    w = Workspace.open(ws)
    assert w.n_posts == len(corpus_rows()) == len(w.posts())
    assert len(w.links()) and len(w.outlets(fill_missing=False)) == len(OUTLETS)
    assert_readable(ws)


def test_a_changed_byte_is_found_by_the_checksum(ws):
    part = _part(ws)
    data = bytearray(part.read_bytes())
    # a byte in the middle of the data pages (before the footer, whose length ends the file: the footer
    # holds the outlets summary too, so the file's middle byte may be in it); same size: only the
    # checksum can tell
    footer = int.from_bytes(data[-8:-4], "little")
    data[(4 + len(data) - 8 - footer) // 2] ^= 0xFF
    part.write_bytes(bytes(data))
    res = invoke("check", "--workspace", ws)
    assert res.exit_code == 1 and "the checksum differs" in res.output and "posts part 1" in res.output
    for cmd in (["links"], ["summary"], ["info"]):  # may read the changed bytes: a message, never a traceback
        res = invoke(*cmd, "--workspace", ws)
        assert_no_traceback(res)
        assert res.exit_code in (0, 1), res.output
        if res.exit_code == 1:
            assert "amplify check" in res.output


def test_a_manifest_that_is_not_json(ws):
    (ws / "manifest.json").write_text('{"format": "amplify-workspace", "generation": ')
    for cmd in (["info"], ["check"], ["links"], ["ingest", str(ws.parent / "posts.csv")]):
        res = invoke(*cmd, "--workspace", ws)
        assert_no_traceback(res)
        assert res.exit_code == 1 and "manifest.json is not valid JSON" in res.output and "damaged" in res.output


def test_a_workspace_written_before_checksums_checks_sizes_and_rows(ws):
    _edit_manifest(ws, lambda m: [p.pop("sha256", None) for p in m["posts"]["parts"]])
    res = invoke("check", "--workspace", ws)
    assert res.exit_code == 0, res.output
    n = len(Workspace.open(ws).manifest["linksets"]) + 2
    assert f"({n - 1} with a recorded checksum)" in res.output


def test_a_link_set_without_its_settings_file(ws):
    ls = Workspace.open(ws).manifest["linksets"][0]
    (ws / "links" / ls["id"] / "settings.json").unlink()
    res = invoke("check", "--workspace", ws)
    assert res.exit_code == 1 and "its settings.json is missing" in res.output


def test_info_json_carries_the_health(ws):
    res = invoke("info", "--workspace", ws, "--format", "json")
    assert res.exit_code == 0 and json.loads(res.stdout)["health"]["ok"] is True
    _part(ws).unlink()
    res = invoke("info", "--workspace", ws, "--format", "json")
    health = json.loads(res.stdout)["health"]
    assert res.exit_code == 1 and not health["ok"] and health["damages"][0]["problem"] == "the file is missing"


def test_posts_of_a_damaged_part_are_named_by_their_source_file(ws, base):
    _part(ws).unlink()
    res = invoke("check", "--workspace", ws)
    assert res.exit_code == 1
    assert f"ingest again the file(s) of that ingest ({base / 'posts.csv'})" in res.output
