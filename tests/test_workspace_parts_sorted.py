"""A part's rows are sorted by (published_at, post_id) whether or not they came in that order:
sorted_posts skips the copy only when the order is already the sorted one."""

import numpy as np
import pyarrow as pa

from amplify.workspace.parts import POST_ORDER, sorted_posts


def test_sorted_posts_is_sort_by_in_every_case():
    rng = np.random.default_rng(1)
    skipped = 0
    for trial in range(300):
        n = int(rng.integers(0, 30))
        t = pa.table({"published_at": pa.array(rng.integers(0, 5, n).astype("datetime64[ns]"))
                      .cast(pa.timestamp("ns", "UTC")),
                      "post_id": pa.array([str(x) for x in rng.integers(0, 50, n)]),
                      "text": pa.array([f"t{i}" for i in range(n)], pa.large_string())})
        if trial % 2:
            t = t.sort_by(POST_ORDER)
        got = sorted_posts(t)
        assert got.equals(t.sort_by(POST_ORDER)), trial
        skipped += got is t
    assert skipped >= 150   # the sorted half (and some of the others) are returned as they are


def test_same_time_is_ordered_by_id_and_chunks_are_kept_whole():
    ts = pa.array([0, 0, 1], pa.timestamp("ns", "UTC"))
    t = pa.table({"published_at": ts, "post_id": ["b", "a", "c"]})
    assert sorted_posts(t)["post_id"].to_pylist() == ["a", "b", "c"]
    two = pa.concat_tables([t.slice(1, 1), t.slice(0, 1).set_column(1, "post_id", pa.array(["z"])), t.slice(2)])
    assert sorted_posts(two)["post_id"].to_pylist() == ["a", "z", "c"]
