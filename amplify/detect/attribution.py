"""Attribution: does the echo name its source?

"the Chinese Foreign Ministry said", "according to TASS", "@globaltimesnews
reports": a target is *attributed* when its text names the source's outlet --
its handle, its display ``name`` or one of its ``aliases`` (``|``-separated)
from the outlets table -- as a whole word or phrase, ignoring case.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pandas as pd

__all__ = ["attributed", "outlet_names"]


def outlet_names(outlets: pd.DataFrame | None) -> dict[str, list[str]]:
    """Names each outlet is cited by: handle, name, aliases (3+ characters)."""
    names: dict[str, list[str]] = {}
    if outlets is None:
        return names
    for row in outlets.itertuples(index=False):
        found = [str(row.outlet)]
        for col in ("name", "aliases"):
            v = getattr(row, col, None)
            if isinstance(v, str) and v.strip():
                found += [x.strip() for x in v.split("|") if x.strip()]
        names[str(row.outlet)] = sorted({x for x in found if len(x) >= 3}, key=len, reverse=True)
    return names


@lru_cache(maxsize=65536)
def _pattern(names: tuple[str, ...]):
    # the stdlib `re` compiles ~50x faster than `regex` and its \w is Unicode-aware
    alts = "|".join(re.escape(x) for x in names)
    return re.compile(rf"(?<![^\W_])(?:{alts})(?![^\W_])", re.IGNORECASE)


def attributed(source_outlets, target_texts, outlets: pd.DataFrame | None) -> np.ndarray:
    """For each (source outlet, target text): does the text name the outlet?

    ``target_texts`` may be a sequence of str or an Arrow string array. Arrow
    finds the texts that contain a name at all (case-insensitive substring,
    vectorised per outlet); only those are checked for word boundaries.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    source_outlets = np.asarray(source_outlets, dtype=object)
    out = np.zeros(len(source_outlets), dtype=bool)
    if len(out) == 0:
        return out
    arr = target_texts if isinstance(target_texts, (pa.Array, pa.ChunkedArray)) \
        else pa.array(list(target_texts), type=pa.large_string())
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    low = pc.utf8_lower(pc.fill_null(arr, ""))
    names = outlet_names(outlets)
    codes, uniques = pd.factorize(source_outlets)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(uniques) + 1))
    for k, outlet in enumerate(uniques):
        rows = order[bounds[k]:bounds[k + 1]]
        cited = tuple(names.get(str(outlet)) or [str(outlet)])
        sub = low.take(pa.array(rows, pa.int64()))
        maybe = np.zeros(len(rows), dtype=bool)
        for key in {c.lower() for c in cited}:
            maybe |= pc.match_substring(sub, key).to_numpy(zero_copy_only=False)
        idx = rows[maybe]
        if len(idx):
            pat = _pattern(cited)
            texts = arr.take(pa.array(idx, pa.int64())).to_pylist()
            out[idx] = [t is not None and pat.search(t) is not None for t in texts]
    return out
