"""Where an output goes: a named pipe or a device is written to, a symbolic link keeps pointing at its
(replaced) file, and a folder or a file standing where a folder should be is one clear line.

Outputs are written to a temporary file and renamed into place (amplify.io.atomic_output); a rename
over a named pipe, a link or a device replaced it with a regular file (a reader waiting on the pipe got
nothing; as root, ``-o /dev/full`` replaced the device)."""

from __future__ import annotations

import os
import stat
import threading

import pytest

from amplify.io import atomic_output, atomic_write_text


def _read_in_background(path):
    got = {}

    def read():
        with open(path, encoding="utf-8") as fh:
            got["text"] = fh.read()

    t = threading.Thread(target=read, daemon=True)
    t.start()
    return t, got


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_is_written_to_not_replaced(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader, got = _read_in_background(fifo)
    atomic_write_text(fifo, "hello through the pipe\n")
    reader.join(timeout=30)
    assert got.get("text") == "hello through the pipe\n"
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]  # no temporary file left beside it


def test_a_symbolic_link_keeps_pointing_at_its_file_which_is_replaced(tmp_path):
    real = tmp_path / "real.html"
    real.write_text("old")
    link = tmp_path / "latest.html"
    link.symlink_to(real.name)
    atomic_write_text(link, "new")
    assert link.is_symlink() and os.readlink(link) == "real.html"
    assert real.read_text() == "new"
    # a link to a file not there yet: the file is made where the link points
    dangling = tmp_path / "next.html"
    dangling.symlink_to("made.html")
    atomic_write_text(dangling, "made")
    assert dangling.is_symlink() and (tmp_path / "made.html").read_text() == "made"


def test_a_folder_or_a_file_in_the_way_is_named_not_a_temporary_file(tmp_path):
    (tmp_path / "adir").mkdir()
    with pytest.raises(IsADirectoryError) as exc:
        atomic_write_text(tmp_path / "adir", "x")
    assert exc.value.filename == str(tmp_path / "adir") and "folder" in exc.value.strerror
    (tmp_path / "afile").write_text("keep me")
    with pytest.raises(NotADirectoryError) as exc:
        atomic_write_text(tmp_path / "afile" / "sub" / "x.csv", "x")
    assert exc.value.filename == str(tmp_path / "afile") and "is a file" in exc.value.strerror
    assert (tmp_path / "afile").read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["adir", "afile"]


def test_a_failed_write_to_a_regular_file_still_leaves_the_old_one(tmp_path):
    out = tmp_path / "out.csv"
    out.write_text("old, complete")
    with pytest.raises(RuntimeError):
        with atomic_output(out) as fh:
            fh.write("half")
            raise RuntimeError("stopped")
    assert out.read_text() == "old, complete" and sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_commands_write_their_output_into_a_pipe_and_through_a_link(tmp_path):
    from click.testing import CliRunner

    from amplify.cli import cli as main

    runner = CliRunner()
    posts = tmp_path / "posts.csv"
    text = "The ministry said that foreign interference in the internal affairs of the republic must stop now"
    posts.write_text("post_id,outlet,published_at,text\n"
                     f"a,mfa,2024-01-01T10:00:00Z,{text}\nb,paper,2024-01-02T10:00:00Z,{text} today\n")
    ws = tmp_path / "ws"
    assert runner.invoke(main, ["ingest", str(posts), "-w", str(ws), "-q"]).exit_code == 0
    assert runner.invoke(main, ["detect", "-w", str(ws), "-q"]).exit_code == 0
    fifo = tmp_path / "links.pipe"
    os.mkfifo(fifo)
    reader, got = _read_in_background(fifo)
    res = runner.invoke(main, ["links", "-w", str(ws), "--format", "csv", "-o", str(fifo)])
    reader.join(timeout=60)
    assert res.exit_code == 0, res.output
    assert got["text"].splitlines()[0].startswith("source_id,target_id") and len(got["text"].splitlines()) == 2
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    (tmp_path / "pages").mkdir()
    link = tmp_path / "network.html"
    link.symlink_to("pages/today.html")
    res = runner.invoke(main, ["html", "-w", str(ws), "-o", str(link)])
    assert res.exit_code == 0, res.output
    assert link.is_symlink() and "<html" in (tmp_path / "pages" / "today.html").read_text(encoding="utf-8").lower()


@pytest.mark.skipif(not os.path.exists("/dev/stdout"), reason="no /dev/stdout here")
def test_dev_stdout_redirected_to_a_file_is_appended_to_not_replaced(tmp_path):
    # `amplify links -o /dev/stdout >> log.txt`: /dev/stdout is a link to the log itself, a regular file;
    # following the link and renaming over it erased the log's earlier lines
    import subprocess
    import sys

    log = tmp_path / "log.txt"
    log.write_text("earlier line\n")
    code = "from amplify.io import atomic_write_text; atomic_write_text('/dev/stdout', 'new line\\n')"
    with open(log, "a") as out:
        subprocess.run([sys.executable, "-c", code], stdout=out, check=True, timeout=120)
    assert log.read_text() == "earlier line\nnew line\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log.txt"]


@pytest.mark.skipif(not os.path.exists("/dev/stdout"), reason="no /dev/stdout here")
def test_a_page_sent_to_dev_stdout_leaves_the_redirected_files_permissions(tmp_path):
    # `amplify html -o /dev/stdout > page.html` into a file the user made owner-only: the file is the
    # user's, and only a new output file gets the usual permissions
    import subprocess
    import sys

    page = tmp_path / "page.html"
    page.write_text("")
    page.chmod(0o600)
    code = "from amplify.render.output import write_text; write_text('/dev/stdout', '<html></html>')"
    with open(page, "a") as out:
        subprocess.run([sys.executable, "-c", code], stdout=out, check=True, timeout=120)
    assert page.read_text() == "<html></html>" and stat.S_IMODE(page.stat().st_mode) == 0o600
    # a new file gets what any file the user writes gets (0o666 minus the umask)
    mask = os.umask(0)
    os.umask(mask)
    write_text_new = tmp_path / "new.html"
    from amplify.render.output import write_text

    write_text(write_text_new, "<html></html>")
    assert stat.S_IMODE(write_text_new.stat().st_mode) == 0o666 & ~mask


def test_a_symbolic_link_to_itself_is_an_error_not_replaced_by_a_file(tmp_path):
    loop = tmp_path / "loop.html"
    loop.symlink_to("loop.html")
    with pytest.raises(OSError, match="leads back to itself"):
        atomic_write_text(loop, "x")
    assert loop.is_symlink()
