"""Parents: the single most likely direct source of each echo.

A target usually matches several earlier posts: the original and the echoes
that came before it. The parent is chosen by, in order:

1. platform evidence -- a ``repost`` or ``quote_post`` link names its source;
2. the highest score, rounded to a whole point (the closest text wins, so in
   a chain A -> B -> C where B altered A and C copied B, C's parent is B);
   and a *relay* before the shortcut it explains: when B quotes A and C copies
   B whole, C matches A as exactly as B (its copy holds A's words inside B's),
   yet the content went A -> B -> C. The link ``A -> C`` gives way to
   ``B -> C`` when ``A -> B`` is a link, C's passage of A lies inside C's
   passage of B, and C carries more of B (a tenth more, and
   :data:`RELAY_MORE_CHARS` characters) in a copying kind that scores no
   lower [1]_ [2]_;
3. attribution -- the target names the source's outlet;
4. the earliest source (among equally close copies the original is the
   likelier source than a copy of it);
5. the smaller ``source_id``, so the choice never depends on input order.

Links between posts with equal timestamps (``tie``) have no known direction
and are never parents; nor is a ``template`` link (same frame, other facts:
the target did not take its content from that source).

**One source per quoted passage.** An article that quotes answers of two
press conferences took each passage from a different source. When the
parent is a ``quote`` or ``reuse`` link, the target's other ``quote`` and
``reuse`` links are taken in the same order, and each whose passages in the
target lie mostly (:data:`NEW_PASSAGE_SHARE`) outside the passages of the
parents already chosen becomes a parent too: the most likely source of that
passage. A link whose passage a chosen parent already covers (the same
sentence, found again in a post that carried it) stays an also-match, so a
target quoting one passage from several carriers keeps one parent for it.

Every other link stays in the table as an *also-match* (``is_parent = False``).

References
----------
.. [1] Leskovec, J., Backstrom, L. & Kleinberg, J. (2009). Meme-tracking and
   the dynamics of the news cycle. *KDD '09*, 497--506 (each variant attached
   to the closest earlier variant).
.. [2] Gomez-Rodriguez, M., Leskovec, J. & Krause, A. (2012). Inferring
   networks of diffusion and influence. *ACM TKDD* 5(4), 21.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numba import njit

from amplify.detect.native import NATIVE_KINDS

__all__ = ["mark_parents", "NEW_PASSAGE_SHARE", "RELAY_KINDS", "RELAY_MORE_CHARS"]

#: A passage link becomes a further parent when at least this share of its
#: passages in the target lies outside the chosen parents' passages.
NEW_PASSAGE_SHARE = 0.5
# kinds whose link stands for passages of the target, not the whole text
_PASSAGE_KINDS = ("quote", "reuse")
#: Link kinds that copy text, and so can relay: ``B -> C`` in ``A -> B -> C``.
RELAY_KINDS = ("repost", "quote_post", "verbatim", "quote")
#: How many characters more of B than of A the echo C must carry for B to be its relay.
RELAY_MORE_CHARS = 10


def mark_parents(links: pd.DataFrame, source_time: np.ndarray, *, id_rank=None) -> pd.DataFrame:
    """A copy of ``links`` with ``is_parent`` set.

    Parameters
    ----------
    links : DataFrame
        Links with ``target_id``, ``source_id``, ``kind``, ``score``,
        ``attributed`` and ``tie``.
    source_time : ndarray
        Time of each link's source (any comparable unit), aligned with ``links``.
    id_rank : tuple of two int arrays, optional
        Each link's source and target as their rank among the post ids in
        string order (one ranking for both columns), when the caller has it:
        detection ranks its posts once, and sorting integers here instead of
        the id strings saves seconds at a million links. Computed when absent.
    """
    out = links.copy()
    if out.empty:
        out["is_parent"] = pd.Series(dtype=bool)
        return out
    if id_rank is None:
        id_rank = rank_ids(out["source_id"].to_numpy(object), out["target_id"].to_numpy(object))
    src, tgt = (np.asarray(r, dtype=np.int64) for r in id_rank)
    native = out["kind"].isin(set(NATIVE_KINDS.values())).to_numpy()
    tie = out["tie"].to_numpy(dtype=bool) | (out["kind"] == "template").to_numpy()
    time = np.asarray(source_time)
    if time.dtype.kind == "M":
        time = time.view(np.int64)
    # the keys of the choice, most significant last (np.lexsort); a stable sort, so
    # links equal on every key keep their order
    keys = [src, time, ~out["attributed"].to_numpy(dtype=bool), -np.round(out["score"].to_numpy(np.float64)),
            ~native, tie, tgt]
    order = np.lexsort(keys)
    first = _firsts(tgt[order])
    relay = _relays(out, src, tgt, time, order[first])
    if relay.any():  # a relay goes before the shortcut it explains
        order = np.lexsort(keys[:-2] + [~relay] + keys[-2:])
        first = _firsts(tgt[order])
    is_parent = np.zeros(len(out), dtype=bool)
    is_parent[order[first]] = True
    is_parent &= ~out["tie"].to_numpy(dtype=bool) & (out["kind"] != "template").to_numpy()
    _passage_parents(out, order, is_parent, tgt)
    out["is_parent"] = is_parent
    return out


def rank_ids(*columns) -> list:
    """Each column of post ids as ranks in one string order of all their ids.

    >>> rank_ids(np.array(["b", "a"], object), np.array(["c", "b"], object))
    [array([1, 0]), array([2, 1])]
    """
    codes, uniques = pd.factorize(np.concatenate(columns), sort=True)
    return np.split(codes.astype(np.int64), np.cumsum([len(c) for c in columns])[:-1])


def _firsts(sorted_targets: np.ndarray) -> np.ndarray:
    """True where a run of equal targets starts."""
    return np.r_[True, sorted_targets[1:] != sorted_targets[:-1]] if len(sorted_targets) else np.zeros(0, bool)


def _relays(links: pd.DataFrame, src: np.ndarray, tgt: np.ndarray, source_time: np.ndarray,
            chosen: np.ndarray) -> np.ndarray:
    """The relays that replace shortcut parents: a bool per link.

    ``chosen`` holds each target's first choice; ``src`` and ``tgt`` are each
    link's posts as integer codes (one coding for both). A chosen link
    ``A -> C`` is a shortcut when another link ``B -> C`` relays it (see the
    module docstring): ``A -> B`` is a link, C's passage of A lies inside C's
    passage of B, which is longer by a tenth and :data:`RELAY_MORE_CHARS`
    characters, and ``B -> C`` copies text (:data:`RELAY_KINDS`) with a score
    no lower. Of several relays, the best score, then the latest source (the
    closest).
    """
    n = len(links)
    out = np.zeros(n, dtype=bool)
    tie = links["tie"].to_numpy(dtype=bool) | (links["kind"] == "template").to_numpy()
    chosen = chosen[~tie[chosen]]
    can_relay = np.flatnonzero(links["kind"].isin(RELAY_KINDS).to_numpy() & ~tie)
    if len(chosen) == 0 or len(can_relay) == 0:
        return out
    # the relays of each chosen link: the copying links into its target (a sort-based join on the target)
    by_tgt = can_relay[np.argsort(tgt[can_relay], kind="stable")]
    lo = np.searchsorted(tgt[by_tgt], tgt[chosen], side="left")
    hi = np.searchsorted(tgt[by_tgt], tgt[chosen], side="right")
    count = hi - lo
    x = np.repeat(chosen, count)
    y = by_tgt[np.repeat(lo, count) + np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)]
    ts, te = links["target_start"].to_numpy(np.int64), links["target_end"].to_numpy(np.int64)
    score = links["score"].to_numpy(np.float64)
    len_x, len_y = te[x] - ts[x], te[y] - ts[y]
    keep = (src[x] != src[y]) & (ts[y] <= ts[x]) & (te[x] <= te[y]) & (len_y >= 1.1 * len_x) \
        & (len_y - len_x >= RELAY_MORE_CHARS) & (score[y] >= score[x])
    x, y = x[keep], y[keep]
    if len(x) == 0:
        return out
    # ... and B echoes A: the link A -> B exists (a directed, non-tie link)
    m = np.int64(max(src.max(), tgt.max()) + 1)
    pairs = np.unique(src[~tie] * m + tgt[~tie])
    want = src[x] * m + src[y]
    at = np.minimum(np.searchsorted(pairs, want), len(pairs) - 1)
    x, y = x[pairs[at] == want], y[pairs[at] == want]
    if len(x) == 0:
        return out
    pick = np.lexsort((-source_time[y], -score[y], x))  # per shortcut: best score, then latest relay
    first = np.r_[True, x[pick][1:] != x[pick][:-1]]
    out[y[pick][first]] = True
    return out


def _passage_parents(links: pd.DataFrame, order: np.ndarray, is_parent: np.ndarray, tgt: np.ndarray) -> None:
    """Mark, in ``is_parent``, the further parents of targets that quote
    passages of several sources (see the module docstring). ``order`` lists
    the links in the order parents are chosen (targets together); ``tgt``
    holds each link's target as an integer code."""
    kind = links["kind"].to_numpy()
    passage = np.isin(kind, _PASSAGE_KINDS) & ~links["tie"].to_numpy(dtype=bool)
    ordered = order[passage[order]]
    if len(ordered) < 2:
        return
    first = _firsts(tgt[ordered])
    group = np.cumsum(first) - 1
    sizes = np.bincount(group)
    # only targets with two passage links or more, whose first choice is a passage link and a parent
    many = (sizes >= 2)[group] & is_parent[ordered[np.flatnonzero(first)]][group]
    ordered, first = ordered[many], first[many]
    if len(ordered) == 0:
        return
    offsets, flat = _target_spans(links, ordered)
    extra = _choose(first, offsets, flat, NEW_PASSAGE_SHARE)
    is_parent[ordered[extra]] = True


def _target_spans(links: pd.DataFrame, rows: np.ndarray):
    """Each link's passages in the target, in characters: ``(offsets, spans)``,
    link ``i`` owning rows ``offsets[i]:offsets[i + 1]`` of ``spans``
    (``[start, end]``): every listed passage where ``passages`` holds them,
    else the shown one.

    The ``passages`` JSON (``[[s0,s1,t0,t1],...]``) is read in bulk: its
    numbers, four per passage, parsed at once (one ``json.loads`` per link
    took half a second at a million posts).
    """
    listed = links["passages"].to_numpy(object)[rows] if "passages" in links else np.full(len(rows), "")
    start = links["target_start"].to_numpy(np.int64)[rows]
    end = links["target_end"].to_numpy(np.int64)[rows]
    has = np.fromiter((isinstance(t, str) and len(t) > 2 for t in listed), dtype=bool, count=len(rows))
    count = np.ones(len(rows), dtype=np.int64)
    numbers = np.zeros((0, 2), dtype=np.int64)
    if has.any():
        text = listed[has]
        count[has] = [t.count("[") - 1 for t in text]
        joined = ",".join(text).replace("[", "").replace("]", "")
        numbers = np.array(joined.split(","), dtype=np.int64).reshape(-1, 4)[:, 2:]
    offsets = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum(count, out=offsets[1:])
    spans = np.empty((offsets[-1], 2), dtype=np.int64)
    listed_rows = np.repeat(has, count)
    spans[listed_rows] = numbers
    spans[~listed_rows] = np.stack([start[~has], end[~has]], axis=1)
    return offsets, spans


@njit(cache=True)
def _choose(first, offsets, spans, share):
    """Greedy per target (runs starting where ``first``): the first link is the
    parent; a later one is chosen when at least ``share`` of its spans' length
    lies outside the spans chosen so far. Returns the later links chosen."""
    n = len(first)
    out = np.zeros(n, dtype=np.bool_)
    chosen = np.empty(n, dtype=np.int64)
    k = 0
    for i in range(n):
        if first[i]:
            chosen[0] = i
            k = 1
            continue
        total = 0
        inside = 0
        for s in range(offsets[i], offsets[i + 1]):
            a, b = spans[s, 0], spans[s, 1]
            total += b - a
            # the longest overlap with any chosen span (chosen spans of one
            # target rarely overlap each other, so this is their union's)
            best = 0
            for c in range(k):
                j = chosen[c]
                for t in range(offsets[j], offsets[j + 1]):
                    lo = max(a, spans[t, 0])
                    hi = min(b, spans[t, 1])
                    if hi - lo > best:
                        best = hi - lo
            inside += best
        if total > 0 and total - inside >= share * total:
            out[i] = True
            chosen[k] = i
            k += 1
    return out
