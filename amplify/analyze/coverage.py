"""Coverage: which outlets could have been linked at all, and when each one publishes.

Detection pairs two posts only when they lie within one window of each other
(``--window``, 7 days by default; see :mod:`amplify.detect`). An outlet whose
every post is more than a window away from every post of any other outlet has
*no candidate pair*: its zero echoes say nothing about it, and an analysis
that ranks it (a bridge score of 0) or counts it (no synergy) should say so.
:func:`unpairable_outlets` finds them in one pass over the posts in time
order: in that order, the nearest post of another outlet is just before or
just after the run of posts of the same outlet a post sits in.

:func:`outlet_spans` gives each outlet's first and last post, the range
outside which a count of zero means "no data" rather than "none".

Examples
--------
>>> import pandas as pd
>>> posts = pd.DataFrame({"outlet": ["a", "b", "a", "c"],
...     "published_at": ["2022-01-01", "2022-01-03", "2022-01-04", "2022-03-01"]})
>>> unpairable_outlets(posts, "7D")
['c']
>>> span = outlet_spans(posts).loc["a"]
>>> str(span["first"].date()), str(span["last"].date()), int(span["posts"])
('2022-01-01', '2022-01-04', 2)

References
----------
.. [1] Holme, P. & Saramäki, J. (2012). Temporal networks. *Physics Reports*
   519(3), 97--125 (what a link in time can and cannot join).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from amplify.analyze.errors import AnalysisError
from amplify.utc import from_ns, to_ns

__all__ = ["unpairable_outlets", "outlet_spans", "unpairable_warning"]


def _window_ns(window) -> int:
    try:
        w = pd.Timedelta(window)
    except (ValueError, TypeError) as exc:
        raise AnalysisError(f"window {window!r} is not a duration such as '7D' or '36h'") from exc
    if w is pd.NaT or w <= pd.Timedelta(0):
        raise AnalysisError(f"window {window!r} must be a positive duration")
    return int(w.value)


def unpairable_outlets(posts: pd.DataFrame, window="7D") -> list[str]:
    """Outlets with posts none of which has a post of another outlet within ``window``.

    Parameters
    ----------
    posts : DataFrame
        ``outlet`` and ``published_at``.
    window : str or Timedelta
        Detection's window (the link set's settings say which was used).

    Returns
    -------
    list of str
        Sorted outlet names.
    """
    if not len(posts):
        return []
    w = _window_ns(window)
    t = to_ns(posts["published_at"])
    codes, names = pd.factorize(posts["outlet"].astype(str), sort=True)
    if len(names) < 2:
        return [str(x) for x in names]
    order = np.lexsort((codes, t))
    ts, cs = t[order], codes[order]
    n = len(ts)
    new_run = np.r_[True, cs[1:] != cs[:-1]]
    run_start = np.maximum.accumulate(np.where(new_run, np.arange(n), 0))
    end_run = np.r_[cs[1:] != cs[:-1], True]
    run_end = np.minimum.accumulate(np.where(end_run, np.arange(n), n - 1)[::-1])[::-1]
    prev = run_start - 1                   # the last post of another outlet before this run
    nxt = run_end + 1                      # the first one after it
    near = np.zeros(n, dtype=bool)
    ok = prev >= 0
    near[ok] |= (ts[ok] - ts[prev[ok]]) <= w
    ok = nxt < n
    near[ok] |= (ts[nxt[ok]] - ts[ok]) <= w
    paired = np.bincount(cs, weights=near, minlength=len(names)) > 0
    return [str(x) for x in np.asarray(names)[~paired]]


def outlet_spans(posts: pd.DataFrame, by=None) -> pd.DataFrame:
    """First and last post and number of posts per outlet (or per ``by``, an array of keys per post).

    Returns a DataFrame indexed by outlet (or key): ``first``, ``last`` (UTC
    timestamps), ``posts``.
    """
    keys = posts["outlet"].astype(str).to_numpy(dtype=object) if by is None else np.asarray(by, dtype=object)
    if not len(posts):
        return pd.DataFrame(columns=["first", "last", "posts"])
    t = to_ns(posts["published_at"])
    codes, names = pd.factorize(pd.Series(keys), sort=True)
    first = np.full(len(names), np.iinfo(np.int64).max)
    last = np.full(len(names), np.iinfo(np.int64).min)
    np.minimum.at(first, codes, t)
    np.maximum.at(last, codes, t)
    return pd.DataFrame({"first": [from_ns(x) for x in first], "last": [from_ns(x) for x in last],
                         "posts": np.bincount(codes, minlength=len(names))}, index=pd.Index(names, name="outlet"))


def unpairable_warning(outlets: list[str], window, total: int) -> str | None:
    """The sentence the commands print about :func:`unpairable_outlets` (None when there are none)."""
    if not outlets:
        return None
    names = ", ".join(outlets[:8]) + (f" and {len(outlets) - 8:,} more" if len(outlets) > 8 else "")
    return (f"{len(outlets):,} of {total:,} outlets have no candidate pair: no other outlet published within "
            f"{window} of any of their posts, so detection could not link them and their zeros say nothing "
            f"({names})")
