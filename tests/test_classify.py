"""The classification rules (amplify.detect.classify) on hand-made evidence."""

from __future__ import annotations

import dataclasses

import numpy as np

from amplify.detect.classify import NO_ECHO, classify, scores, shown_passages
from amplify.detect.settings import DetectSettings
from amplify.detect.verify import Evidence


def _evidence(rows):
    """An Evidence record from one dict per pair (fields left out: 0, or -1 for what was not computed)."""
    fields = [f.name for f in dataclasses.fields(Evidence) if f.name != "agreement"]
    unset = {"bag_overlap": -1, "lcs_whole": -1, "lcs_region": -1}
    return Evidence(**{f: np.array([r.get(f, unset.get(f, 0)) for r in rows], dtype=np.int64) for f in fields})


PASSAGE = dict(region_src_start=0, region_src_end=15, region_tgt_start=50, region_tgt_end=65,
               region_shingles=12, lcs_region=15, region_half_words=30,
               extent_src_start=0, extent_src_end=15, extent_tgt_start=40, extent_tgt_end=65)
ROWS = [
    # the whole texts are the same
    dict(src_tokens=20, tgt_tokens=20, lcs_whole=20, rare=17, extent_src_end=20, extent_tgt_end=20),
    # a 15-word passage of a 30-word statement inside a long article
    dict(src_tokens=30, tgt_tokens=200, rare=12, **PASSAGE),
    # the same passage made of common shingles only, a small part of its source: boilerplate
    dict(src_tokens=100, tgt_tokens=200, rare=1, **PASSAGE),
    # a loose restatement: 75% of the words in common, no exact passage
    dict(src_tokens=40, tgt_tokens=40, lcs_whole=20, bag_overlap=30, rare=2, region_half_words=10,
         extent_src_end=38, extent_tgt_end=39),
]


def test_each_rule_gives_its_kind():
    ev = _evidence(ROWS)
    kinds = classify(ev, DetectSettings())
    assert kinds.tolist() == ["verbatim", "quote", NO_ECHO, "paraphrase"]
    assert scores(ev, kinds)[[0, 1, 3]].tolist() == [100.0, 100.0, 75.0]
    # a quote shows its passage, any other kind the extent of all matches
    spans = np.stack(shown_passages(ev, kinds), axis=1)
    assert spans[1].tolist() == [0, 15, 50, 65]
    assert spans[3].tolist() == [0, 38, 0, 39]


def test_thresholds_are_read_from_the_settings():
    ev = _evidence(ROWS)
    strict = DetectSettings(min_quote_tokens=20, paraphrase_min_dice=0.8)
    assert classify(ev, strict).tolist() == ["verbatim", NO_ECHO, NO_ECHO, NO_ECHO]
