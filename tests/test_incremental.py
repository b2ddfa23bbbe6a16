"""Incremental detection gives the links of a full run, in every column (issue #18)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from amplify.detect import DetectSettings
from amplify.detect.incremental import detect_workspace
from amplify.synth import generate
from amplify.workspace import Workspace

ORDER = ["source_id", "target_id", "source_start", "target_start", "kind"]


def _links(ws: Workspace) -> pd.DataFrame:
    out = ws.refresh().links().sort_values(ORDER, kind="stable").reset_index(drop=True)
    return out[sorted(out.columns)]


@pytest.mark.parametrize("tail,quote_window", [(0.05, "4D"), (0.5, "180D"), (0.05, "10D")])
def test_appending_then_detecting_equals_one_full_run(tmp_path, tail, quote_window):
    # tail 0.05 and a horizon of a few days: the new posts touch a small part of
    # the corpus (the window path); tail 0.5, or a horizon as long as the corpus (a
    # month): most of it (one full pass); either way the links are those of a full run
    cfg = DetectSettings(window="2D", quote_window=quote_window)
    c = generate(n_posts=4000, seed=3)
    posts = c.posts.sort_values("published_at", kind="stable").reset_index(drop=True)
    cut = pd.to_datetime(posts["published_at"], utc=True).quantile(1 - tail)
    late = (pd.to_datetime(posts["published_at"], utc=True) > cut).to_numpy()
    inc = Workspace.open(tmp_path / "inc", create=True)
    with inc.writer():
        inc.set_outlets(c.outlets)
        inc.add_posts(posts[~late])
        detect_workspace(inc, cfg)
        inc.add_posts(posts[late])
        run = detect_workspace(inc, cfg)
    full = Workspace.open(tmp_path / "full", create=True)
    with full.writer():
        full.set_outlets(c.outlets)
        full.add_posts(posts)
        detect_workspace(full, cfg)
    assert run.mode == "incremental" and run.new_posts == int(late.sum())
    if tail < 0.1 and quote_window == "4D":
        assert run.targets_recomputed < len(posts) / 2  # only the posts near the new ones were matched
    a, b = _links(inc), _links(full)
    assert list(a.columns) == list(b.columns) and len(a) == len(b) > 0
    for col in a.columns:
        assert a[col].equals(b[col]), col
    assert np.isfinite(a["score"]).all()
