"""Relays: the direct source of an echo when detection's parent is a shortcut.

When B quotes A and C copies B, C matches A too: its copy holds A's words
inside B's. Detection picks one *parent* per echo (:mod:`amplify.detect.parents`:
the closest text, then attribution, then the earliest source), and when both
matches score alike -- C's passage of A is as exact as its copy of B -- the
earliest source wins, so C's parent is A and the route the content took,
``A -> B -> C``, is lost behind the shortcut ``A -> C``.

A link ``A -> C`` is *explained by the relay* ``B -> C`` when

* ``A -> B`` is a link too (B echoes A, so A came first),
* ``B`` is published no later than ``C``,
* C's passage matched to A lies inside C's passage matched to B
  (``target_start`` / ``target_end``): what C has of A, it has through B, and
* C's passage of B is longer -- by a tenth and by :data:`MORE_CHARS`
  characters at least: C carries what B added to A. A copy of A that merely
  resembles C (another outlet's copy of the same statement) matches the same
  passage of C as A does, and explains nothing; and
* ``B -> C`` copies text (:data:`COPY_KINDS`: not a paraphrase, whose loose
  passage may span a whole text) and scores no lower than ``A -> C``.

:func:`route_parents` keeps detection's parent of each echo unless it is
explained by a relay; then the relay link becomes the echo's direct source
(the one with the highest score, then the latest source: the closest relay).
The paths analysis ranks routes by cascades along these links
(:mod:`amplify.analyze.paths`).

Examples
--------
>>> import pandas as pd
>>> links = pd.DataFrame({"source_id": ["a", "a", "b"], "target_id": ["b", "c", "c"],
...     "kind": ["quote", "quote", "verbatim"], "score": 100.0,
...     "target_start": [20, 95, 0], "target_end": [115, 210, 282], "is_parent": [True, True, False]})
>>> posts = pd.DataFrame({"post_id": ["a", "b", "c"], "outlet": ["mfa", "embassy", "tass"],
...     "published_at": ["2022-01-03 08:00", "2022-01-03 09:00", "2022-01-03 10:00"]})
>>> from amplify.analyze.frame import Frame
>>> route_parents(Frame.build(links.assign(tie=False), posts)).tolist()
[True, False, True]

References
----------
.. [1] Leskovec, J., Backstrom, L. & Kleinberg, J. (2009). Meme-tracking and
   the dynamics of the news cycle. *KDD '09*, 497--506 (a phrase's variants
   form a DAG; each is attached to the closest earlier variant).
.. [2] Gomez-Rodriguez, M., Leskovec, J. & Krause, A. (2012). Inferring
   networks of diffusion and influence. *ACM TKDD* 5(4), 21 (the tree that
   best explains the cascade, not the earliest source).
"""

from __future__ import annotations

import numpy as np

from amplify.analyze.frame import Frame
from amplify.detect.parents import RELAY_KINDS, RELAY_MORE_CHARS

__all__ = ["explained_links", "route_parents", "MORE_CHARS", "COPY_KINDS"]

#: How many characters more of B than of A the echo C must carry for B to be its relay
#: (one rule with detection's parents: :data:`amplify.detect.parents.RELAY_MORE_CHARS`).
MORE_CHARS = RELAY_MORE_CHARS
#: Link kinds that copy text, and so can make a relay (:data:`amplify.detect.parents.RELAY_KINDS`).
COPY_KINDS = RELAY_KINDS


def explained_links(f: Frame, mask: np.ndarray | None = None, *, targets=None,
                    only: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Links (in ``mask``) explained by a relay, and the relay explaining each.

    Returns ``explained`` (bool per link of ``f.links``) and ``relay`` (the
    index of the best relay link for each explained link, -1 elsewhere:
    highest score, then the latest source). Undirected ties neither explain
    nor are explained. ``targets`` (post indices) limits the work to the
    links into those posts (the evidence ``A -> B`` is still looked up among
    all links of ``mask``). ``only`` (bool per link) asks about those links
    alone (their relays may be any link of ``mask``): :func:`route_parents`
    asks about parents only, one per target instead of every pair.
    """
    n_links = len(f.links)
    explained = np.zeros(n_links, dtype=bool)
    relay = np.full(n_links, -1, dtype=np.int64)
    if n_links == 0 or not {"target_start", "target_end"} <= set(f.links.columns):
        return explained, relay
    ok = np.ones(n_links, dtype=bool) if mask is None else np.asarray(mask, dtype=bool).copy()
    if len(f.undirected) == n_links:
        ok &= ~f.undirected
    if targets is not None:          # a mask over the posts: no sort of every link's target
        wanted = np.zeros(max(f.n_posts, 1), dtype=bool)
        wanted[np.asarray(targets, dtype=np.int64)] = True
        idx = np.flatnonzero(ok & wanted[f.tgt])
    else:
        idx = np.flatnonzero(ok)
    if len(idx) < 2:
        return explained, relay
    tgt = f.tgt[idx]
    order = np.argsort(tgt, kind="stable")
    idx, tgt = idx[order], tgt[order]
    starts = np.flatnonzero(np.r_[True, tgt[1:] != tgt[:-1]])
    deg = np.diff(np.r_[starts, len(idx)])
    many = deg >= 2
    if not many.any():
        return explained, relay
    # every ordered pair (x, y) of in-links of one target, x != y (x among ``only``)
    grp = np.repeat(np.arange(len(starts)), deg)
    xsel = np.flatnonzero(many[grp] & (np.asarray(only, dtype=bool)[idx] if only is not None else True))
    d = deg[grp[xsel]]
    within = np.arange(d.sum()) - np.repeat(np.cumsum(d) - d, d)
    x, y = idx[np.repeat(xsel, d)], idx[np.repeat(starts[grp[xsel]], d) + within]
    keep = x != y
    x, y = x[keep], y[keep]
    a, b = f.src[x], f.src[y]
    ts = f.links["target_start"].to_numpy(np.int64)
    te = f.links["target_end"].to_numpy(np.int64)
    len_x, len_y = te[x] - ts[x], te[y] - ts[y]
    score = f.links["score"].to_numpy(np.float64)
    copies_y = f.links["kind"].take(y).isin(list(COPY_KINDS)).to_numpy(dtype=bool)   # only the y rows
    more = (len_y >= 1.1 * len_x) & (len_y - len_x >= MORE_CHARS) & copies_y & (score[y] >= score[x])
    inside = (ts[y] <= ts[x]) & (te[x] <= te[y]) & more & (f.times[b] <= f.times[f.tgt[x]]) & (a != b)
    x, y, a, b = x[inside], y[inside], a[inside], b[inside]
    if not len(x):
        return explained, relay
    # ... and B echoes A: the link A -> B exists
    n = np.int64(max(f.n_posts, 1))
    from_a = np.zeros(max(f.n_posts, 1), dtype=bool)      # only the links out of the A's: a small sort
    from_a[a] = True
    sel = ok & from_a[f.src]
    keys = np.unique(f.src[sel].astype(np.int64) * n + f.tgt[sel].astype(np.int64))
    want = a.astype(np.int64) * n + b.astype(np.int64)
    at = np.searchsorted(keys, want)
    hit = (at < len(keys)) & (keys[np.minimum(at, len(keys) - 1)] == want)
    x, y = x[hit], y[hit]
    if not len(x):
        return explained, relay
    pick = np.lexsort((-f.times[f.src[y]], -score[y], x))      # per x: best score, then latest relay
    first = np.r_[True, x[pick][1:] != x[pick][:-1]]
    explained[x] = True
    relay[x[pick][first]] = y[pick][first]
    return explained, relay


def route_parents(f: Frame, mask: np.ndarray | None = None, *, targets=None) -> np.ndarray:
    """Detection's parents, each replaced by its relay when it is only a shortcut (module documentation).

    Returns a bool per link of ``f.links``: the link is its target's direct
    source along the route the content took (checked for the links into
    ``targets`` only, when given; the others keep detection's flag).
    """
    parent = f.links["is_parent"].to_numpy(dtype=bool).copy() if len(f.links) else np.zeros(0, dtype=bool)
    explained, relay = explained_links(f, mask, targets=targets, only=parent)
    moved = parent & explained & (relay >= 0)
    if moved.any():
        parent[moved] = False
        parent[relay[moved]] = True
    return parent
