"""The posting lists content agreement counts rare words with (amplify.detect.content._postings)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from amplify.detect.content import _postings, _table


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.integers(1, 9), max_size=6), min_size=1, max_size=40),
       st.sets(st.integers(1, 12), min_size=1, max_size=8), st.integers(1, 3), st.data())
def test_postings_on_any_number_of_threads_match_a_plain_count(posts, asked, workers, data):
    lo = data.draw(st.integers(0, len(posts)))
    hi = data.draw(st.integers(lo, len(posts)))
    hashes = np.array([t for p in posts for t in p], dtype=np.uint64)
    offsets = np.r_[0, np.cumsum([len(p) for p in posts])].astype(np.int64)
    asked = np.array(sorted(asked), dtype=np.uint64)
    keys, ids = _table(asked)
    ptr, holders = _postings(hashes, offsets, lo, hi, keys, ids, len(asked), workers)
    for k, token in enumerate(asked.tolist()):
        want = [p for p in range(lo, hi) if token in posts[p]]  # each post once, in post order
        assert holders[ptr[k]:ptr[k + 1]].tolist() == want
