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
Evidence goes before time here: a first choice that carried only part of the
quoted passage gives way to a link equal on score and attribution that
carried all of it (:data:`FULLER_MORE_CHARS` more), and a parent chosen for
another passage does not claim a passage it said only in part (the ministry
says "Hong Kong affairs are purely China's internal affairs" often, "I stress
again that ..." once).

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

__all__ = ["mark_parents", "NEW_PASSAGE_SHARE", "RELAY_KINDS", "RELAY_MORE_CHARS", "FULLER_MORE_CHARS"]

#: A passage link becomes a further parent when at least this share of its
#: passages in the target lies outside the chosen parents' passages.
NEW_PASSAGE_SHARE = 0.5
# kinds whose link stands for passages of the target, not the whole text
_PASSAGE_KINDS = ("quote", "reuse")
#: Link kinds that copy text, and so can relay: ``B -> C`` in ``A -> B -> C``.
RELAY_KINDS = ("repost", "quote_post", "verbatim", "quote")
#: How many characters more of B than of A the echo C must carry for B to be its relay.
RELAY_MORE_CHARS = 10
#: A passage parent gives way to a link that carries the same passage with this many
#: characters more (a word) and this many times as many in all.
FULLER_MORE_CHARS = 3
FULLER_RATIO = 1.0


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
    # evidence before time: a first choice that carries only part of the target's quoted
    # passage gives way to a link equal on score and attribution that carries all of it
    # (an earlier post that said part of the sentence is a less likely source than the
    # post that said it whole)
    score = np.round(links["score"].to_numpy(np.float64)[ordered])
    unattributed = ~links["attributed"].to_numpy(dtype=bool)[ordered]
    swap = _fuller_first(first, offsets, flat, score, unattributed, FULLER_MORE_CHARS, FULLER_RATIO)
    if (swap != np.arange(len(ordered))).any():
        is_parent[ordered[first]] = False
        ordered = ordered[swap]
        counts = np.diff(offsets)[swap]  # the same spans, in the new order of their links
        moved = np.zeros_like(offsets)
        np.cumsum(counts, out=moved[1:])
        flat = flat[np.repeat(offsets[:-1][swap] - moved[:-1], counts) + np.arange(moved[-1])]
        offsets = moved
        is_parent[ordered[first]] = True
    extra = _choose(first, offsets, flat, NEW_PASSAGE_SHARE, RELAY_MORE_CHARS)
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
def _union_within(spans, a, b):
    """How many characters of ``[a, b)`` the ``spans`` cover (their union)."""
    part = spans[np.argsort(spans[:, 0])]
    out = 0
    end = a
    for s in range(len(part)):
        lo = max(part[s, 0], end)
        hi = min(part[s, 1], b)
        if hi > lo:
            out += hi - lo
            end = hi
    return out


@njit(cache=True)
def _fuller_first(first, offsets, spans, score, unattributed, more, ratio):
    """An order of the links (targets in runs starting where ``first``) in which a
    run's first link, when it has a single span, gives way to the later link of equal
    ``score`` and ``unattributed`` whose spans cover the first one's and ``more``
    characters besides, ``ratio`` times as many in all (the fullest such)."""
    n = len(first)
    order = np.arange(n)
    i = 0
    while i < n:
        end = i + 1
        while end < n and not first[end]:
            end += 1
        if offsets[i + 1] - offsets[i] == 1:
            a, b = spans[offsets[i], 0], spans[offsets[i], 1]
            best, best_len = -1, b - a
            for j in range(i + 1, end):
                if score[j] != score[i] or unattributed[j] != unattributed[i]:
                    continue
                mine = spans[offsets[j]:offsets[j + 1]]
                total = _union_within(mine, -1, 1 << 62)
                if _union_within(mine, a, b) == b - a and total - (b - a) >= more and total >= ratio * (b - a) \
                        and total > best_len:
                    best, best_len = j, total
            if best >= 0:  # the fuller link first; the rest (the old first among them) keep their order
                order[i] = best
                for k in range(i + 1, best + 1):
                    order[k] = k - 1
        i = end
    return order


@njit(cache=True)
def _choose(first, offsets, spans, share, more):
    """Greedy per target (runs starting where ``first``): the first link is the
    parent; a later one is chosen when at least ``share`` of its spans' length
    lies outside the spans chosen so far. Returns the later links chosen.

    A chosen link with a passage elsewhere in the target does not claim a
    passage that a later link carries whole: when a later span holds one of
    its spans and
    ``more`` characters besides (and a tenth more), the chosen link only said
    part of that sentence (its parent role is its other passage), and the
    later link is that passage's fuller source."""
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
                several = False  # j has a passage elsewhere in the target, so stays a parent for it
                for t in range(offsets[j], offsets[j + 1]):
                    if spans[t, 1] <= a or spans[t, 0] >= b:
                        several = True
                for t in range(offsets[j], offsets[j + 1]):
                    part = spans[t, 1] - spans[t, 0]
                    if several and a <= spans[t, 0] and spans[t, 1] <= b \
                            and (b - a) - part >= more and (b - a) >= 1.1 * part:
                        continue  # a part of this passage, said by a source chosen for another
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
