"""The compiled scan that picks the posts whose text may hold an address (amplify.ingest.urls)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from amplify.ingest.urls import _holding, urls_column

PIECES = ["a", "ww", "w.", "://", ":/", "HTTP", "WwW.", "www", ".", " ", "é", "中", "\x00", "/"]
texts = st.lists(st.one_of(st.none(), st.lists(st.sampled_from(PIECES), max_size=6).map("".join)), max_size=40)


def reference(values):
    return np.array([v is not None and ("://" in v or "www." in v.lower()) for v in values], dtype=bool)


@settings(max_examples=200, deadline=None)
@given(texts, st.integers(0, 5), st.booleans())
def test_scan_matches_a_plain_search(values, skip, large):
    arr = pa.array(values, type=pa.large_string() if large else pa.string())
    for a in (arr, arr.slice(min(skip, len(arr))), pa.chunked_array([arr])):
        assert np.array_equal(_holding(a), reference(a.to_pylist()))


def test_scan_on_two_threads_matches():
    rng = np.random.default_rng(3)
    values = ["".join(rng.choice(PIECES, size=rng.integers(0, 8))) for _ in range(120_000)]
    assert np.array_equal(_holding(pa.array(values)), reference(values))


def test_column_from_arrow_and_object_strings():
    import pandas as pd

    values = ["no link", "see https://www.a.org/x/?utm_source=1", None, "WWW.B.org/p/."]
    want = [None, ["https://a.org/x"], None, ["https://b.org/p"]]
    assert urls_column(pd.Series(values, dtype="string[pyarrow]")) == want
    assert urls_column(pd.Series(values, dtype=object)) == want
