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
    """For each (source outlet, target text): does the text name the outlet?"""
    source_outlets = np.asarray(source_outlets, dtype=object)
    out = np.zeros(len(source_outlets), dtype=bool)
    if len(out) == 0:
        return out
    names = outlet_names(outlets)
    codes, uniques = pd.factorize(source_outlets)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(uniques) + 1))
    for k, outlet in enumerate(uniques):
        rows = order[bounds[k]:bounds[k + 1]]
        cited = tuple(names.get(str(outlet)) or [str(outlet)])
        pat = _pattern(cited)
        keys = [c.lower() for c in cited]
        hits = []
        for r in rows:
            # a plain substring test first: most echoes name no one, and `in`
            # is ~20x cheaper than the boundary-aware regex
            low = target_texts[r].lower()
            hits.append(any(key in low for key in keys) and pat.search(target_texts[r]) is not None)
        out[rows] = hits
    return out
