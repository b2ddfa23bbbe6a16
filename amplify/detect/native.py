"""Platform-native links: reposts and quote posts, taken as the platform states them.

A post whose ``reposted_id`` (retweet, forward) or ``quoted_id`` names another
post of the corpus is a ``repost`` or ``quote_post`` link of it, with no text
matching: score 100, spans the whole of both texts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["REPOST", "QUOTE_POST", "NATIVE_KINDS", "native_links"]

#: Kinds of platform-native links, and the column of the posts table each comes from.
REPOST, QUOTE_POST = "repost", "quote_post"
NATIVE_KINDS = {"reposted_id": REPOST, "quoted_id": QUOTE_POST}


def _char_lengths(texts: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Every text's length in characters, in the texts' own order."""
    if isinstance(texts, pa.Array):
        return pc.utf8_length(texts).to_numpy()
    return np.concatenate([pc.utf8_length(c).to_numpy() for c in texts.chunks] or [np.zeros(0)])


def native_links(posts: pd.DataFrame, times: np.ndarray, texts,
                 order: np.ndarray) -> tuple[pd.DataFrame | None, int]:
    """``repost`` / ``quote_post`` links from platform ids.

    Parameters
    ----------
    posts : DataFrame
        ``post_id`` and, if present, ``reposted_id`` / ``quoted_id``, with
        posts numbered in time order (row ``i`` is post ``i``).
    times : ndarray of int64
        Each post's time.
    texts : pyarrow Array or ChunkedArray
        The texts, in their own order: post ``i``'s text is ``texts[order[i]]``.
    order : ndarray of int64

    Returns
    -------
    links : DataFrame
        Columns ``src``, ``tgt`` (post numbers), ``kind``, ``score`` and the
        character spans ``source_start``, ``source_end``, ``target_start``,
        ``target_end``; reposts first, then quote posts, each in target order.
        ``None`` when no post names another.
    missing : int
        References that cannot be links: to a post outside the corpus, or to
        a later post (a clock error in the export).
    """
    ids = pa.array(posts["post_id"].array)
    rows = []
    missing = 0
    char_len = None
    for col, kind in NATIVE_KINDS.items():
        if col not in posts.columns:
            continue
        ref = pa.array(posts[col].astype("string").array)
        has = pc.fill_null(pc.not_equal(ref, ""), False).to_numpy(zero_copy_only=False)
        if not has.any():
            continue
        tgt = np.flatnonzero(has)
        src = pc.index_in(ref.take(pa.array(tgt)), value_set=ids).to_numpy(zero_copy_only=False)
        found = ~np.isnan(src.astype(float))
        missing += int((~found).sum())
        tgt, src = tgt[found], src[found].astype(np.int64)
        forward = times[src] <= times[tgt]
        missing += int((~forward).sum())
        tgt, src = tgt[forward], src[forward]
        if char_len is None:
            char_len = _char_lengths(texts)
        rows.append(pd.DataFrame({"src": src, "tgt": tgt, "kind": kind, "score": 100.0,
                                  "source_start": 0, "source_end": char_len[order[src]].astype(np.int64),
                                  "target_start": 0, "target_end": char_len[order[tgt]].astype(np.int64)}))
    if not rows:
        return None, missing
    return pd.concat(rows, ignore_index=True), missing
