"""Mentions read from a workspace a stretch of time at a time, for :mod:`amplify.analyze.volume`.

Counting how often outlets mention a term needs every post's text once, but
only a yes/no per post and term afterwards. Reading the texts of a whole
workspace into memory costs about 1.7 GiB per million posts, so at tens of
millions of posts :func:`term_volume` over ``ws.posts(columns=[..., "text"])``
no longer fits. :func:`read_mentions` instead reads the posts in consecutive
time ranges of about ``rows_per_read`` posts each (estimated from the parts'
row counts and time spans in the manifest, so no text is read to plan them),
matches every term on each range's texts (in Arrow, with the rules of
:func:`~amplify.analyze.volume.mentions`) and keeps only the outlet, the time
and one boolean per term. Peak memory is then one range's texts plus a few
bytes per post, and the counts are those of reading everything at once.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from amplify.analyze.volume import mention_table

__all__ = ["read_mentions", "time_ranges"]

_DAY_NS = 86_400 * 10**9


def time_ranges(parts: Sequence[dict], rows_per_read: int) -> list[tuple[int, int]]:
    """Consecutive ``[lo, hi)`` nanosecond ranges covering every part, each about ``rows_per_read`` posts.

    Each part's rows are spread evenly over the days its first and last post
    span, so the estimate needs only the manifest; a range is never shorter
    than one day (a day holding more than ``rows_per_read`` posts is read
    whole).

    >>> day = 86_400 * 10**9
    >>> parts = [{"rows": 30, "first_key": [0, "a"], "last_key": [3 * day - 1, "z"]}]
    >>> [(lo // day, hi // day) for lo, hi in time_ranges(parts, 10)]
    [(0, 1), (1, 2), (2, 3)]
    >>> [(lo // day, hi // day) for lo, hi in time_ranges(parts, 100)]
    [(0, 3)]
    """
    if not parts:
        return []
    if rows_per_read < 1:
        raise ValueError("rows_per_read must be at least 1")
    first = np.array([int(p["first_key"][0]) for p in parts], dtype=np.int64)
    last = np.array([int(p["last_key"][0]) for p in parts], dtype=np.int64)
    rows = np.array([int(p["rows"]) for p in parts], dtype=np.float64)
    d0 = first.min() // _DAY_NS
    lo_day, hi_day = first // _DAY_NS - d0, last // _DAY_NS - d0
    n_days = int(hi_day.max()) + 1
    # rows per day: each part's rows spread over its days (a difference array, then a running sum)
    per_day = np.zeros(n_days + 1)
    span = (hi_day - lo_day + 1).astype(np.float64)
    np.add.at(per_day, lo_day, rows / span)
    np.add.at(per_day, hi_day + 1, -rows / span)
    per_day = np.cumsum(per_day)[:n_days]
    # greedy: a range closes before the day that would take it past rows_per_read (days are few: a loop)
    ends, held = [], 0.0
    for d, n in enumerate(per_day.tolist()):
        if held > 0 and held + n > rows_per_read * (1 + 1e-9):
            ends.append(d)
            held = 0.0
        held += n
    ends = np.array(ends + [n_days], dtype=np.int64)
    starts = np.append(0, ends[:-1])
    out = [(int((d0 + a) * _DAY_NS), int((d0 + b) * _DAY_NS)) for a, b in zip(starts, ends)]
    return out


def read_mentions(ws, terms: Sequence[str], *, rows_per_read: int = 500_000,
                  progress: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every post's outlet and time, and whether it mentions each term, read a time range at a time.

    Parameters
    ----------
    ws : amplify.workspace.Workspace
    terms : list of str
        The terms, matched as :func:`~amplify.analyze.volume.mentions` does.
    rows_per_read : int
        About how many posts' texts are held at once.
    progress : bool
        A progress bar over the ranges on stderr.

    Returns
    -------
    posts : DataFrame
        ``outlet``, ``published_at`` of every post (in canonical order within
        each range; ranges in time order).
    mentioned : DataFrame
        One boolean column per term, row for row with ``posts``: pass it to
        :func:`~amplify.analyze.volume.term_volume` and
        :func:`~amplify.analyze.volume.compare_volume` as ``mentioned=``.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> from amplify.workspace import Workspace
    >>> from amplify.analyze.volume import term_volume
    >>> ws = Workspace.open(tempfile.mkdtemp() + "/ws", create=True)
    >>> with ws.writer():
    ...     _ = ws.add_posts(pd.DataFrame({"post_id": ["1", "2", "3"], "outlet": ["tass"] * 3,
    ...         "published_at": ["2022-01-03", "2022-01-04", "2022-01-11"],
    ...         "text": ["Kazakhstan", "nothing", "Kazakhstan?"]}))
    >>> posts, mentioned = read_mentions(ws, ["Kazakhstan"], rows_per_read=1)
    >>> mentioned["Kazakhstan"].tolist()
    [True, False, True]
    >>> v = term_volume(posts, None, ["Kazakhstan"], freq="W", surge=False, mentioned=mentioned)
    >>> v[v["key"] == "all"]["mentions"].tolist()
    [1, 1]
    """
    from amplify.progress import bar

    terms = list(terms)
    ranges = time_ranges(ws.manifest["posts"]["parts"], rows_per_read)
    metas, flags = [], []
    for lo, hi in bar(ranges, desc="reading posts", enabled=progress and len(ranges) > 1, unit="range"):
        chunk = ws.posts(columns=["outlet", "published_at", "text"], since=pd.Timestamp(lo, tz="UTC"),
                         until=pd.Timestamp(hi, tz="UTC"))
        flags.append(mention_table(chunk["text"], terms))
        metas.append(chunk[["outlet", "published_at"]])
        del chunk
    if not metas:
        empty = ws.posts(columns=["outlet", "published_at"])
        return empty, pd.DataFrame({t: np.zeros(0, dtype=bool) for t in terms})
    posts = pd.concat(metas, ignore_index=True)
    mentioned = pd.concat(flags, ignore_index=True)
    return posts, mentioned
