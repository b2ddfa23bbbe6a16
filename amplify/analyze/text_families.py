"""Text families: the connected components of the post graph.

A *family* is every post that carries one text, through any chain of links
(parents and also-matches): the weakly connected components of the post
graph, found by union--find with path halving (Tarjan & van Leeuwen 1984)
compiled with numba, in one pass over the links.

References
----------
.. [1] Tarjan, R. E. & van Leeuwen, J. (1984). Worst-case analysis of set
   union algorithms. *Journal of the ACM* 31(2), 245--281.

Examples
--------
>>> import pandas as pd
>>> from amplify.analyze.frame import Frame
>>> posts = pd.DataFrame({"post_id": list("abcd"), "outlet": ["x", "y", "z", "x"],
...                       "published_at": ["2022-01-05 10:00Z", "2022-01-05 11:00Z",
...                                        "2022-01-05 09:00Z", "2022-01-05 12:00Z"]})
>>> links = pd.DataFrame({"source_id": ["a", "c"], "target_id": ["b", "d"]})
>>> families(Frame.build(links, posts)).tolist()  # c's family is older, so it is family 0
[1, 1, 0, 0]
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numba import njit

from amplify.analyze.frame import Frame

__all__ = ["families"]


@njit(cache=True)
def _union_find(n, a, b):
    """Root of each of ``n`` nodes after joining ``a[k]`` with ``b[k]``; the root is a component's smallest node."""
    parent = np.arange(n)
    for k in range(len(a)):
        x = a[k]
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        y = b[k]
        while parent[y] != y:
            parent[y] = parent[parent[y]]
            y = parent[y]
        if x != y:
            if x < y:
                parent[y] = x
            else:
                parent[x] = y
    for i in range(n):
        x = i
        while parent[x] != x:
            x = parent[x]
        parent[i] = x
    return parent


def families(frame: Frame, mask: np.ndarray | None = None) -> np.ndarray:
    """Family of each post: the weakly connected components of the post graph.

    A family is every post that carries one text, through any chain of links
    (parents and also-matches). Posts in no link get family ``-1``; the others
    get a label ``0 .. n_families - 1`` numbered by their earliest post.

    Parameters
    ----------
    frame : Frame
    mask : ndarray of bool, optional
        The links to use (default: all).

    Returns
    -------
    ndarray of int64, shape (n_posts,)
    """
    n = frame.n_posts
    s, t = frame.src, frame.tgt
    if mask is not None:
        s, t = s[mask], t[mask]
    out = np.full(n, -1, dtype=np.int64)
    if len(s) == 0:
        return out
    root = _union_find(n, s.astype(np.int64), t.astype(np.int64))
    linked = np.zeros(n, dtype=bool)
    linked[s] = True
    linked[t] = True
    idx = np.flatnonzero(linked)
    # number families by (earliest time, post index) of their members
    r = root[idx]
    order = np.lexsort((idx, frame.times[idx]))
    first_seen = pd.unique(r[order])
    label = pd.Series(np.arange(len(first_seen)), index=first_seen)
    out[idx] = label.reindex(r).to_numpy()
    return out
