"""Before the test workers start: compile amplify's kernels once, in two processes (``warm_kernels.py``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PACKAGE = HERE.parent / "amplify"


def _kernels_compiled() -> bool:
    """Does numba's cache already hold kernels of both halves (any version: a stale one is recompiled anyway)?"""
    places = [Path(os.environ["NUMBA_CACHE_DIR"])] if os.environ.get("NUMBA_CACHE_DIR") else \
        [PACKAGE / "detect" / "__pycache__", PACKAGE / "analyze" / "__pycache__"]
    return all(any(p.rglob("*.nbi")) for p in places if p.exists()) and all(p.exists() for p in places)


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
        p.wait()
