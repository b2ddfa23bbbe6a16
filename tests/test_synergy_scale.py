"""Synergy over very many outlets: counts of labellings beyond any float (found at 1M posts)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from amplify.analyze.nulls import pair_relabellings
from amplify.analyze.synergy import camp_synergy


def test_synergy_with_more_labellings_than_a_float_holds():
    rng = np.random.default_rng(0)
    n_outlets = 1200  # two camps of 600: about 10**360 distinct labellings
    outlets = pd.DataFrame({"outlet": [f"o{i}" for i in range(n_outlets)],
                            "group": ["RU" if i % 2 else "CN" for i in range(n_outlets)]})
    t0 = pd.Timestamp("2022-01-01 00:07", tz="UTC")
    times = t0 + pd.to_timedelta(np.sort(rng.integers(0, 20 * 86400, 2 * n_outlets)), unit="s")
    posts = pd.DataFrame({"post_id": [f"p{i}" for i in range(2 * n_outlets)],
                          "outlet": [f"o{i % n_outlets}" for i in range(2 * n_outlets)],
                          "published_at": times, "text": ["x"] * (2 * n_outlets)})
    src = rng.integers(0, 2 * n_outlets - 1, 400)
    tgt = np.minimum(src + rng.integers(1, 30, 400), 2 * n_outlets - 1)
    keep = (src % n_outlets) != (tgt % n_outlets)
    src, tgt = src[keep], tgt[keep]
    links = pd.DataFrame({"source_id": [f"p{i}" for i in src], "target_id": [f"p{i}" for i in tgt],
                          "kind": "quote", "score": 95.0, "source_start": 0, "source_end": 1, "target_start": 0,
                          "target_end": 1, "lag_s": (times[tgt] - times[src]).total_seconds().to_numpy(),
                          "attributed": False, "is_parent": True, "tie": False})
    links = links.drop_duplicates("target_id", keep="first")
    assert pair_relabellings([600, 600], 0, 1) > 10 ** 300  # more than a float can hold
    rep = camp_synergy(links, posts, outlets, permutations=50, seed=0, time_shift=False)
    assert len(rep.pairs) > 0
    # the count is said as an order of magnitude, in text and in strict JSON
    assert rep.settings["relabellings"] is None and rep.settings["relabellings_log10"] > 300
    assert any("about 10^" in line for line in rep.tests_text())
    json.dumps(rep.settings, allow_nan=False, default=str)
