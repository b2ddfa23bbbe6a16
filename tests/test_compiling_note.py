"""A first run says it is compiling the kernels (the demo's first minute is not silent)."""

from __future__ import annotations

from pathlib import Path

import amplify
from amplify import jit_cache
from amplify.cli import common

PACKAGE = Path(amplify.__file__).resolve().parent


def test_cold_packages_reads_numbas_own_folders(tmp_path, monkeypatch):
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path))
    assert jit_cache.cold_packages() == list(jit_cache.PACKAGES_WITH_KERNELS)
    # numba's rule: <cache dir>/<module folder name>_<sha1 of its path>/<module>.<function>-<line>.pyXY.nbi
    warm = tmp_path / jit_cache._numba_subpath(PACKAGE / "detect")
    warm.mkdir()
    (warm / "candidates._accumulate-1.py311.nbi").write_bytes(b"")
    assert "detect" not in jit_cache.cold_packages() and "text" in jit_cache.cold_packages()


def test_the_note_is_said_only_when_it_is_true(monkeypatch):
    monkeypatch.setattr(jit_cache, "cold_packages", lambda package=None: ["detect"])
    assert "compiling amplify's kernels" in common.compiling_note(["detect", "-w", "ws"])
    assert common.compiling_note(["demo", "--out", "x"]) is not None
    assert common.compiling_note(["detect", "-w", "ws", "-q"]) is None      # --quiet: nothing on stderr
    assert common.compiling_note(["detect", "--help"]) is None
    assert common.compiling_note(["info", "-w", "ws"]) is None              # compiles nothing
    assert common.compiling_note(["synergy", "-w", "ws"]) is None           # its kernels are cached
    monkeypatch.setattr(jit_cache, "cold_packages", lambda package=None: [])
    assert common.compiling_note(["demo"]) is None
