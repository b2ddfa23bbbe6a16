"""posts_table's ``origin`` (``file:row``), now joined in Arrow, is what the pandas rule made:
the same strings, in a ``string`` column."""

import numpy as np
import pandas as pd

from amplify.ingest import posts_table


def _old_rule(allacc, paths):
    rows = allacc["_row"].astype("int64").astype("string")
    files = pd.Series(np.asarray(paths, dtype=object)[allacc["_file"].to_numpy()], dtype="string")
    return (files + ":" + rows).tolist()


def _acc(n, files):
    rng = np.random.default_rng(n)
    return pd.DataFrame({"post_id": [f"p{i}" for i in range(n)], "_row": rng.integers(2, 10**9, n),
                         "_file": rng.integers(0, files, n), "_naive": np.zeros(n, dtype=bool)})


def test_origin_is_file_colon_row():
    paths = ["a.csv", "dir/b,c.csv", "Путин:файл.csv", "x" * 300]
    acc = _acc(1000, len(paths))
    want = _old_rule(acc, paths)
    out = posts_table(acc.copy(), paths)
    assert out["origin"].tolist() == want
    assert isinstance(out["origin"].dtype, pd.StringDtype)
    assert list(out.columns) == ["post_id", "origin"]

