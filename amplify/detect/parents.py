"""Parents: the single most likely direct source of each echo.

A target usually matches several earlier posts: the original and the echoes
that came before it. The parent is chosen by, in order:

1. platform evidence -- a ``repost`` or ``quote_post`` link names its source;
2. the highest score, rounded to a whole point (the closest text wins, so in
   a chain A -> B -> C where B altered A and C copied B, C's parent is B);
3. attribution -- the target names the source's outlet;
4. the earliest source (among equally close copies the original is the
   likelier source than a copy of it);
5. the smaller ``source_id``, so the choice never depends on input order.

Links between posts with equal timestamps (``tie``) have no known direction
and are never parents; nor is a ``template`` link (same frame, other facts:
the target did not take its content from that source). Every other link stays in the table as an
*also-match* (``is_parent = False``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from amplify.detect.native import NATIVE_KINDS

__all__ = ["mark_parents"]


def mark_parents(links: pd.DataFrame, source_time: np.ndarray) -> pd.DataFrame:
    """A copy of ``links`` with ``is_parent`` set.

    Parameters
    ----------
    links : DataFrame
        Links with ``target_id``, ``source_id``, ``kind``, ``score``,
        ``attributed`` and ``tie``.
    source_time : ndarray
        Time of each link's source (any comparable unit), aligned with ``links``.
    """
    out = links.copy()
    if out.empty:
        out["is_parent"] = pd.Series(dtype=bool)
        return out
    native = out["kind"].isin(set(NATIVE_KINDS.values())).to_numpy()
    key = pd.DataFrame({
        "target_id": out["target_id"].to_numpy(),
        "tie": out["tie"].to_numpy() | (out["kind"] == "template").to_numpy(),
        "native": ~native,                      # False sorts first
        "score": -np.round(out["score"].to_numpy()),
        "attributed": ~out["attributed"].to_numpy(dtype=bool),
        "time": np.asarray(source_time),
        "source_id": out["source_id"].to_numpy(),
    })
    order = key.sort_values(["target_id", "tie", "native", "score", "attributed", "time", "source_id"],
                            kind="stable").index
    first = ~key.loc[order, "target_id"].duplicated().to_numpy()
    is_parent = np.zeros(len(out), dtype=bool)
    is_parent[order.to_numpy()[first]] = True
    is_parent &= ~out["tie"].to_numpy(dtype=bool) & (out["kind"] != "template").to_numpy()
    out["is_parent"] = is_parent
    return out
