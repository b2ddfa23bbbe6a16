"""The same ``post_id`` in several rows, in one file or across files.

A later row identical to the first one (same outlet, time and text) is
*collapsed*: counted, not stored twice -- exports overlap, and reading two
overlapping pages is no error. A later row that differs is a *conflict*: the
first stays, the later one is rejected naming the first's ``file:row`` and
what differs.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from amplify.ingest.report import REJECT_COLUMNS
from amplify.ingest.values import shorten

__all__ = ["collapse_duplicates"]


def collapse_duplicates(acc: pd.DataFrame, paths: list[str], id_cols: list[str]):
    """Collapse identical rows sharing a post_id; reject later conflicting ones.

    Parameters
    ----------
    acc
        The accepted rows of every file, in file order, with ``_file`` (index
        into ``paths``) and ``_row`` (the row in that file).
    paths
        The files read.
    id_cols
        The source column of ``post_id`` in each file (named in the rejects).

    Returns
    -------
    (kept rows, rejects of the later conflicting rows, ``{file index: rows collapsed}``)
    """
    empty = pd.DataFrame(columns=list(REJECT_COLUMNS))
    if not len(acc):
        return acc, empty, {}
    dup = acc["post_id"].duplicated(keep=False).to_numpy()
    if not dup.any():
        return acc, empty, {}
    sub = acc.loc[dup, ["post_id", "outlet", "published_at", "text", "_file", "_row"]]
    first = sub.drop_duplicates("post_id", keep="first")
    later = sub[sub["post_id"].duplicated(keep="first")]
    m = later.reset_index().merge(first, on="post_id", suffixes=("", "_first"), how="left").set_index("index")
    same_outlet = (m["outlet"] == m["outlet_first"]).to_numpy(dtype=bool)
    same_time = (m["published_at"] == m["published_at_first"]).to_numpy(dtype=bool)
    same_text = (m["text"] == m["text_first"]).fillna(False).to_numpy(dtype=bool)
    same = same_outlet & same_time & same_text
    collapsed = Counter(m.loc[same, "_file"].tolist())
    conf = m[~same]
    recs = []
    for (idx, r), so, st, sx in zip(conf.iterrows(), same_outlet[~same], same_time[~same], same_text[~same]):
        diff = [name for name, eq in (("outlet", so), ("time", st), ("text", sx)) if not eq]
        recs.append({
            "file": paths[int(r["_file"])], "row": int(r["_row"]), "column": id_cols[int(r["_file"])],
            "reason": (f"conflicting duplicate id: same post_id as {paths[int(r['_file_first'])]}:"
                       f"{int(r['_row_first'])} (kept) but different {'/'.join(diff)}"),
            "value": shorten(r["post_id"]),
        })
    drop = m.index.to_numpy()
    keep = np.ones(len(acc), dtype=bool)
    keep[drop] = False
    return acc[keep].reset_index(drop=True), pd.DataFrame(recs, columns=list(REJECT_COLUMNS)), dict(collapsed)
