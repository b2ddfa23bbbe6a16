"""Before the test workers start: compile amplify's kernels once, in two processes (``warm_kernels.py``)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
PACKAGE = HERE.parent / "amplify"


#: How long the warm-up may take before the tests start anyway (a cold compile takes about 30 s).
WARM_UP_TIMEOUT_S = 600


def _kernels_compiled() -> bool:
    """Does numba's cache already hold kernels of both halves (any version: a stale one is recompiled anyway)?"""
    if os.environ.get("NUMBA_CACHE_DIR"):  # one folder, with a sub-folder per package of modules
        index = [str(p) for p in Path(os.environ["NUMBA_CACHE_DIR"]).rglob("*.nbi")]
        return all(any(f"{os.sep}{half}{os.sep}" in p for p in index) for half in ("detect", "analyze"))
    return all(any((PACKAGE / half / "__pycache__").glob("*.nbi")) for half in ("detect", "analyze"))


def pytest_configure(config):
    # Only the controller of a run with workers: each worker would otherwise compile every kernel it
    # meets while the other compiles the same ones (about a minute of both cores on a clean checkout).
    distributed = getattr(config.option, "numprocesses", None) not in (None, 0)
    if hasattr(config, "workerinput") or not distributed or _kernels_compiled():
        return
    env = dict(os.environ, PYTHONPATH=str(HERE.parent) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    procs = [subprocess.Popen([sys.executable, str(HERE / "warm_kernels.py"), half], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
             for half in ("detect", "analyses")]
    for p in procs:
        try:
            p.wait(timeout=WARM_UP_TIMEOUT_S)
        except subprocess.TimeoutExpired:  # the workers then compile what is missing, as without it
            p.kill()


@pytest.fixture(scope="session", autouse=True)
def _temporary_files_inside_the_run(tmp_path_factory):
    """``tempfile`` in the test processes writes under pytest's own folder of this run.

    The package's runnable examples make their workspaces with ``tempfile.mkdtemp()``
    (as a reader would); without this each run left about a hundred of them in
    the system's temporary folder. pytest keeps the folders of the last three runs.
    """
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(tempfile, "tempdir", str(tmp_path_factory.mktemp("tempfile")))
        yield
