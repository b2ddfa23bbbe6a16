"""Which posts of a slice's far halo can reach the links of its targets (:mod:`amplify.detect.slices`).

Past ``window``, a post reaches a target only through the shingles they
share: as a long-quote source (which needs ``shingle`` rare shared shingles)
or as one more holder in the count that makes a shingle common over
``quote_window``. :func:`far_posts` reads the far halo's shingles (as
integers, chunk by chunk), counts holders per (shingle, target) in whole
seconds -- a lower and an upper bound of blocking's exact count -- and keeps
only the posts that can change a target's links: the tests in
``tests/test_slices.py`` compare the links with those of one pass.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from amplify.detect.settings import DetectSettings
from amplify.detect.shingles import DOC_BITS, shingles
from amplify.text import tokenize
from amplify.utc import to_ns

__all__ = ["far_posts"]

def _shingle_hashes(texts: pd.Series, shingle: int, workers: int) -> tuple[np.ndarray, np.ndarray]:
    """Each post's shingle hashes (the key's high bits, as blocking joins on)
    and the per-post offsets into them, tokenised as detection does."""
    tok = tokenize(texts, workers=workers)
    keys, off = shingles(tok.hashes, tok.offsets, shingle, workers)
    return keys >> np.uint64(DOC_BITS), off


_S = 1_000_000_000  # ns per second: holder counts are bounded on whole seconds


def _holders(texts: pd.Series, shingle: int, workers: int) -> tuple[np.ndarray, np.ndarray]:
    """One row per (shingle, post) of ``texts`` -- a shingle repeated inside a
    post counts once, as blocking counts it: the shingle hashes and the post
    numbers, sorted by hash then post (one sort of blocking's own keys,
    ``hash << DOC_BITS | post``)."""
    tok = tokenize(texts, workers=workers)
    keys, _ = shingles(tok.hashes, tok.offsets, shingle, workers)
    keys.sort()
    if len(keys):
        keys = keys[np.r_[True, keys[1:] != keys[:-1]]]
    return keys >> np.uint64(DOC_BITS), (keys & np.uint64((1 << DOC_BITS) - 1)).astype(np.int64)


def _distinct_sorted(values: np.ndarray) -> np.ndarray:
    """The distinct values of an array already sorted (no second sort, no hash table)."""
    if len(values) == 0:
        return values
    return values[np.r_[True, values[1:] != values[:-1]]]


def _count_within(keys: np.ndarray, code: np.ndarray, lo_s: np.ndarray, hi_s: np.ndarray, m: int) -> np.ndarray:
    """Per query, the sorted ``keys`` (``code * m + second``) of its ``code``
    with a second in ``[lo_s, hi_s]`` (clipped to ``[0, m - 1]``)."""
    lo = code * m + np.clip(lo_s, 0, m - 1)
    hi = code * m + np.clip(hi_s, -1, m - 1)
    return np.maximum(np.searchsorted(keys, hi, side="right") - np.searchsorted(keys, lo, side="left"), 0)


def far_posts(source, near: pd.DataFrame, is_target: np.ndarray, ranges, cfg: DetectSettings,
              workers: int = 2) -> set:
    """The ids of the far-halo posts (in ``ranges``, pairs of closed ns bounds)
    that can reach a link of the slice's targets.

    ``source`` is a :class:`amplify.detect.slices.PostSource`; ``near`` the
    slice with its near halo, ``is_target`` which of its rows are targets.

    A far post reaches a target ``t`` only through a shingle ``X`` they share
    (the long look-back pairs and counts by shingle; everything else reads
    ``window``). Per (shingle, target), counting holders in whole seconds
    (a lower and an upper bound of blocking's exact count):

    * ``X`` common at ``t`` already within ``window`` (near halo only):
      the far posts cannot change it -- nothing to read;
    * ``X`` common over ``quote_window`` thanks to far posts: enough of its
      far holders in that window to keep it common -- read those
      (:func:`_enough_holders`);
    * ``X`` rare at ``t``: a far holder before ``t`` is a long-quote source
      only if it shares ``shingle`` such shingles with ``t`` (the long
      look-back's ``far_min_shared``) -- read those (a join of at most
      ``common_at + 1`` holders per shingle and target); when the bounds
      cannot tell rare from common, read every holder.

    The far halo is read twice, chunk by chunk (``ranges``): once for the
    shingles of its posts (kept as integers, not texts), then for the texts
    of the posts chosen.
    """
    w, qw = cfg.window_ns, cfg.quote_window_ns
    t_near = to_ns(near["published_at"])
    n_hash, n_post = _holders(near["text"], cfg.shingle, workers)
    mine = is_target[n_post]
    # the target occurrences (X, t), and which are common for certain within window
    occ_hash, occ_post = n_hash[mine], n_post[mine]
    occ_t = t_near[occ_post]
    sec_near = t_near // _S
    base = int(sec_near.min()) - (qw // _S) - 2
    span = int(sec_near.max()) + (qw // _S) + 2 - base + 2
    uniq = _distinct_sorted(occ_hash)     # _holders sorts by hash: so are the targets' rows
    code_of = lambda h: np.searchsorted(uniq, h)  # noqa: E731 -- hashes known to be in uniq
    at = np.minimum(np.searchsorted(uniq, n_hash), len(uniq) - 1)
    in_uniq = uniq[at] == n_hash
    near_keys = np.sort(code_of(n_hash[in_uniq]) * span + (sec_near[n_post[in_uniq]] - base))
    occ_code = code_of(occ_hash)
    lo_w = -((-(occ_t - w)) // _S) - base          # first whole second at or after t - w
    hi_w = (occ_t + w) // _S - 1 - base            # last second wholly before t + w
    common_near = _count_within(near_keys, occ_code, lo_w, hi_w, span) - 1 > cfg.common_at
    open_codes = _distinct_sorted(occ_code[~common_near])
    if len(open_codes) == 0:
        return set()
    # pass 1: the far posts' holdings of the open shingles
    # per row (far post, open shingle it holds): key code * span + second, and the post (int32: 12 bytes a row)
    ids, f_keys, f_post = [], [], []
    n = 0
    is_open = np.zeros(len(uniq), dtype=bool)
    is_open[open_codes] = True
    for lo, hi in ranges:
        chunk = source.between(lo, hi)
        if len(chunk) == 0:
            continue
        t = to_ns(chunk["published_at"])
        h, post = _holders(chunk["text"], cfg.shingle, workers)
        at = np.minimum(np.searchsorted(uniq, h), len(uniq) - 1)
        rel = t // _S - base
        hit = (uniq[at] == h)
        # a holder past every target's window (rel >= span) counts for none of them; kept, its key
        # would run into the next shingle's block
        hit[hit] = is_open[at[hit]] & (rel[post[hit]] >= 0) & (rel[post[hit]] < span)
        f_keys.append(at[hit].astype(np.int64) * span + rel[post[hit]])
        f_post.append((post[hit] + n).astype(np.int32))
        ids.append(chunk["post_id"].astype(str).to_numpy(dtype=object))
        n += len(chunk)
        del chunk, h, post, at, hit
    if n == 0:
        return set()
    ids = np.concatenate(ids)
    far_keys, f_post = np.concatenate(f_keys), np.concatenate(f_post)
    del f_keys
    order = np.argsort(far_keys, kind="stable")
    far_keys, f_post = far_keys[order], f_post[order]
    del order
    o = ~common_near
    c, t = occ_code[o], occ_t[o]
    lo_in, hi_in = -((-(t - qw)) // _S) - base, (t + qw) // _S - 1 - base      # narrowed: wholly inside
    lo_out, hi_out = (t - qw) // _S - base, (t + qw) // _S - base              # widened: all of it
    lower = _count_within(near_keys, c, lo_in, hi_in, span) + _count_within(far_keys, c, lo_in, hi_in, span)
    upper = _count_within(near_keys, c, lo_out, hi_out, span) + _count_within(far_keys, c, lo_out, hi_out, span)
    rare_sure = upper - 1 <= cfg.common_at
    common_sure = lower - 1 > cfg.common_at
    keep = np.zeros(n, dtype=bool)
    # rare at t for certain: its far holders in [t - quote_window, t] are counted per (target, holder),
    # and a holder sharing `shingle` such shingles with one target may be its long-quote source
    # (at most common_at + 1 holders per shingle and target: the join stays small)
    rs = np.flatnonzero(rare_sure)
    if len(rs):
        first = np.searchsorted(far_keys, c[rs] * span + np.clip(lo_out[rs], 0, span - 1), side="left")
        last = np.searchsorted(far_keys, c[rs] * span + np.clip(t[rs] // _S - base, -1, span - 1), side="right")
        take = np.maximum(last - first, 0)
        rows = np.repeat(first, take) + np.arange(take.sum()) - np.repeat(np.cumsum(take) - take, take)
        tgt = np.repeat(occ_post[o][rs], take)
        pair = np.sort(tgt * np.int64(n) + f_post[rows])
        starts = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]])
        counts = np.diff(np.r_[starts, len(pair)])
        keep[pair[starts[counts >= cfg.shingle]] % n] = True
    # undecided by the bounds: every holder
    unsure = np.zeros(len(uniq), dtype=bool)
    unsure[c[~common_sure & ~rare_sure]] = True
    if unsure.any():
        keep[f_post[unsure[far_keys // span]]] = True
    # common thanks to far posts: enough of its far holders inside the window keep it so
    cs = np.flatnonzero(common_sure)
    if len(cs):
        near_in = _count_within(near_keys, c[cs], lo_in[cs], hi_in[cs], span)
        need = np.maximum(cfg.common_at + 2 - near_in, 0)     # the target itself is one of near_in
        keep |= _enough_holders(c[cs], lo_in[cs], hi_in[cs], need, f_post, far_keys, span,
                                len(uniq), n)
    return set(ids[keep].tolist())


def _enough_holders(code, lo, hi, need, f_post, far_keys, span: int, n_codes: int,
                    n: int) -> np.ndarray:
    """Far posts to read so that each (shingle ``code``, target) keeps ``need``
    far holders with a second in ``[lo, hi]``: a mask over the ``n`` far posts.

    Holders are shared between the targets of one shingle where they can be:
    a holder inside every target's window counts for all of them, so per
    shingle the ``max(need)`` holders inside the windows' intersection are
    taken, preferring posts that serve many shingles (fewer posts to read).
    The shingles whose intersection holds too few are served per target.
    """
    keep = np.zeros(n, dtype=bool)
    i_lo = np.full(n_codes, -1, dtype=np.int64)
    i_hi = np.full(n_codes, np.iinfo(np.int64).max, dtype=np.int64)
    i_need = np.zeros(n_codes, dtype=np.int64)
    np.maximum.at(i_lo, code, lo)
    np.minimum.at(i_hi, code, hi)
    np.maximum.at(i_need, code, need)
    asked = np.zeros(n_codes, dtype=bool)
    asked[code] = True
    # the rows of the shingles asked for: their keys lie in the code blocks of `asked` (sorted keys)
    codes = np.flatnonzero(asked)
    a = np.searchsorted(far_keys, codes * span, side="left")
    b = np.searchsorted(far_keys, (codes + 1) * span, side="left")
    span_rows = np.repeat(a, b - a) + np.arange((b - a).sum()) - np.repeat(np.cumsum(b - a) - (b - a), b - a)
    r_code = np.repeat(codes, b - a)
    r_sec = far_keys[span_rows] - r_code * span
    inside = (r_sec >= i_lo[r_code]) & (r_sec <= i_hi[r_code])
    span_rows, r_code = span_rows[inside], r_code[inside]
    enough = np.bincount(r_code, minlength=n_codes) >= i_need
    sel = enough[r_code]
    rows, f_code_rows = span_rows[sel], r_code[sel]
    if len(rows):
        serves = np.bincount(f_post[rows], minlength=n)
        pick = np.lexsort((f_post[rows], -serves[f_post[rows]], f_code_rows))
        order, grp = rows[pick], f_code_rows[pick]
        start = np.r_[0, np.flatnonzero(grp[1:] != grp[:-1]) + 1]
        rank = np.arange(len(order)) - np.repeat(start, np.diff(np.r_[start, len(order)]))
        keep[f_post[order[rank < i_need[grp]]]] = True
    alone = np.flatnonzero(~enough[code])
    if len(alone):
        first = np.searchsorted(far_keys, code[alone] * span + np.clip(lo[alone], 0, span - 1), side="left")
        last = np.searchsorted(far_keys, code[alone] * span + np.clip(hi[alone], -1, span - 1), side="right")
        take = np.minimum(np.maximum(last - first, 0), need[alone])
        picked = np.repeat(first, take) + np.arange(take.sum()) - np.repeat(np.cumsum(take) - take, take)
        keep[f_post[picked]] = True
    return keep
