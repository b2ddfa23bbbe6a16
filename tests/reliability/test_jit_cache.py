"""amplify installed where nothing is writable (its folders, the home folder): the compiled code goes to
a temporary folder, or is not cached at all -- the commands run, and say so once."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import amplify

SRC = Path(amplify.__file__).resolve().parent

RUN = """
import sys, tempfile
{pre}
from amplify.cli import main
main(["ingest", "p.csv", "--workspace", "ws", "-q"])
"""


@pytest.fixture
def read_only_install(tmp_path):
    """A copy of the package whose __pycache__ folders cannot be made (a file stands in each place:
    even root cannot write there), and a home folder that cannot be made either."""
    pkg = tmp_path / "site" / "amplify"
    shutil.copytree(SRC, pkg, ignore=shutil.ignore_patterns("__pycache__"))
    for d in [pkg, *[p for p in pkg.rglob("*") if p.is_dir()]]:
        (d / "__pycache__").write_text("not a folder")
    (tmp_path / "blocked").write_text("a file, so nothing can be made below it")
    (tmp_path / "p.csv").write_text("outlet,published_at,text\ntass,2024-03-01T10:00:00Z,Talks went well\n")
    env = {k: v for k, v in os.environ.items() if k not in ("NUMBA_CACHE_DIR", "AMPLIFY_CACHE")}
    env.update(PYTHONPATH=str(tmp_path / "site"), HOME=str(tmp_path / "blocked" / "home"),
               XDG_CACHE_HOME=str(tmp_path / "blocked" / "cache"))
    return tmp_path, env


def _run(tmp, env, pre=""):
    return subprocess.run([sys.executable, "-c", RUN.format(pre=pre)], cwd=tmp, env=env, capture_output=True,
                          text=True, timeout=600)


def test_falls_back_to_a_temporary_folder(read_only_install):
    tmp, env = read_only_install
    (tmp / "temp").mkdir()
    env["TMPDIR"] = str(tmp / "temp")
    out = _run(tmp, env)
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr
    assert out.stderr.count("amplify: note:") == 1 and f"cached in {tmp / 'temp'}" in out.stderr
    assert any((tmp / "temp").glob("amplify-numba-*/*"))


def test_no_cache_at_all_still_runs(read_only_install):
    tmp, env = read_only_install
    out = _run(tmp, env, pre=f"tempfile.tempdir = {str(tmp / 'blocked' / 'tmp')!r}")
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr
    assert out.stderr.count("amplify: note:") == 1 and "compiled code is not cached" in out.stderr


def test_a_cache_folder_given_but_not_writable(read_only_install):
    tmp, env = read_only_install
    (tmp / "temp").mkdir()
    env.update(NUMBA_CACHE_DIR=str(tmp / "blocked" / "numba"), TMPDIR=str(tmp / "temp"))
    out = _run(tmp, env)
    assert out.returncode == 0, out.stderr
    assert f"NUMBA_CACHE_DIR ({tmp / 'blocked' / 'numba'}) is not writable" in out.stderr
