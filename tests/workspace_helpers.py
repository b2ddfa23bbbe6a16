"""Helpers of the workspace tests: generated posts and links, subprocesses, a consistency check."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas as pd

from amplify import schema
from amplify.workspace import Workspace

REPO = Path(__file__).resolve().parents[1]


def make_posts(n: int, start: int = 0, seed: int = 0) -> pd.DataFrame:
    """n posts with ids p<start>.. ; several share a timestamp so the post_id tie-break matters."""
    rng = np.random.default_rng(seed)
    ids = [f"p{i:05d}" for i in range(start, start + n)]
    base = pd.Timestamp("2024-01-01T00:00:00Z")
    minutes = rng.integers(0, max(n // 3, 1), size=n)  # ties on purpose
    return pd.DataFrame({
        "post_id": ids,
        "outlet": rng.choice(["tass", "cgtn", "presstv", "rt"], size=n),
        "published_at": [base + pd.Timedelta(minutes=int(m)) for m in minutes],
        "text": [f"text of {i} — {rng.integers(1e9)}" for i in ids],
    })


def canonical(df: pd.DataFrame) -> pd.DataFrame:
    """What posts() should return for df: canonical dtypes, sorted by (published_at, post_id)."""
    v = schema.validate_posts(df)
    v = v.astype({c: "string" for c in v.columns if isinstance(v[c].dtype, pd.StringDtype)})
    return v.sort_values(["published_at", "post_id"], kind="stable").reset_index(drop=True)


def make_links(pairs, score=90.0) -> pd.DataFrame:
    n = len(pairs)
    return pd.DataFrame({
        "source_id": [a for a, _ in pairs], "target_id": [b for _, b in pairs],
        "kind": ["verbatim"] * n, "score": [score] * n,
        "source_start": [0] * n, "source_end": [5] * n, "target_start": [0] * n, "target_end": [5] * n,
        "lag_s": [60.0] * n, "attributed": [False] * n, "is_parent": [True] * n, "tie": [False] * n,
    })


def run_py(code: str, **kw) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def wait_for_line(proc: subprocess.Popen, expected: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line.strip() == expected:
            return
        if not line and proc.poll() is not None:
            raise AssertionError(f"subprocess ended early: {proc.stderr.read()}")
    raise AssertionError(f"subprocess did not print {expected!r} in time")


def assert_consistent(path) -> Workspace:
    """The manifest, the files and the data agree."""
    ws = Workspace.open(path)
    m = ws.manifest
    parts = m["posts"]["parts"]
    assert [p["seq"] for p in parts] == list(range(1, len(parts) + 1))
    assert m["posts"]["last_seq"] == len(parts)
    assert sum(p["rows"] for p in parts) == m["posts"]["n_posts"] == ws.n_posts
    for p in parts:
        assert (Path(path) / p["file"]).is_file()
    posts = ws.posts(columns=["post_id", "_seq"])
    assert len(posts) == ws.n_posts
    assert posts["post_id"].is_unique
    return ws
