"""Time-sliced detection against one pass on real text: the Chinese Ministry of Foreign
Affairs' press-conference paragraphs (../shared/data/mfa-press-2018-2019), with the default
horizons (window 7D, quote_window 180D). Skipped when the data is absent.

The paragraphs are given seven outlets in turn (the set has one speaker), so that the
ministry's repetitions of itself across weeks become links to compare; the texts are real.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pandas as pd
import pytest

from amplify.detect import DetectSettings, detect
from amplify.detect.slices import FramePosts, parse_slice, plan_slices, slice_links, slice_posts

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "mfa-press-2018-2019" / "transcripts.jsonl.gz"
if not DATA.is_file():
    DATA = Path("/work/shared/data/mfa-press-2018-2019/transcripts.jsonl.gz")


def _paragraphs() -> pd.DataFrame:
    if not DATA.is_file():
        pytest.skip(f"real data absent: {DATA} (see ../shared/data/README.md)")
    rows = []
    with gzip.open(DATA, "rt", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            for i, p in enumerate(r["paragraphs"]):
                rows.append({"post_id": f"{r['id']}-{i}", "outlet": f"mfa-{r['lang']}-{len(rows) % 7}",
                             "published_at": pd.Timestamp(r["date"], tz="UTC") + pd.Timedelta(minutes=i),
                             "text": p})
    return pd.DataFrame(rows)


def test_far_halo_choice_keeps_the_links_of_the_whole_horizon_on_real_text():
    posts = _paragraphs()
    cfg = DetectSettings()
    src = FramePosts(posts)
    t = pd.Timestamp("2019-09-20", tz="UTC").value
    sl = next(s for s in plan_slices(*src.time_range(), parse_slice("30D")) if s.start_ns <= t < s.end_ns)
    read, targets = slice_posts(src, sl, cfg)
    whole = src.between(sl.start_ns - cfg.horizon_ns, sl.end_ns - 1 + cfg.horizon_ns)
    assert len(read) < len(whole)
    ids = targets["post_id"].astype(str).tolist()
    # what a slice detects: the posts read, with the holders over quote_window counted on the whole corpus
    got = slice_links(src, sl, None, cfg)
    want = detect(whole, None, settings=cfg, targets=ids)
    assert len(want) > 100
    key = lambda x: sorted(zip(x["source_id"], x["target_id"]))  # noqa: E731
    assert key(got) == key(want)
