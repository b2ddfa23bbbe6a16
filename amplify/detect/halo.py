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

import os
import tempfile

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


def _holders(texts: pd.Series, shingle: int, workers: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One row per (shingle, post) of ``texts`` -- a shingle repeated inside a
    post counts once, as blocking counts it: the shingle hashes and the post
    numbers, sorted by hash then post (one sort of blocking's own keys,
    ``hash << DOC_BITS | post``); and each post's length in tokens, as
    detection measures it for ``quote_window_words``."""
    tok = tokenize(texts, workers=workers)
    keys, _ = shingles(tok.hashes, tok.offsets, shingle, workers)
    keys.sort()
    if len(keys):
        keys = keys[np.r_[True, keys[1:] != keys[:-1]]]
    return (keys >> np.uint64(DOC_BITS), (keys & np.uint64((1 << DOC_BITS) - 1)).astype(np.int64),
            np.asarray(tok.lengths))


def _distinct_sorted(values: np.ndarray) -> np.ndarray:
    """The distinct values of an array already sorted (no second sort, no hash table)."""
    if len(values) == 0:
        return values
    return values[np.r_[True, values[1:] != values[:-1]]]


def _count_within(keys: np.ndarray, code: np.ndarray, lo_s: np.ndarray, hi_s: np.ndarray, m: int) -> np.ndarray:
    """Per query, the sorted ``keys`` (``code * m + second``) of its ``code``
    with a second in ``[lo_s, hi_s]`` (clipped to ``[0, m - 1]``)."""
    code = code.astype(np.int64)
    lo = code * m + np.clip(lo_s.astype(np.int64), 0, m - 1)
    hi = code * m + np.clip(hi_s.astype(np.int64), -1, m - 1)
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

    Only texts of ``quote_window_words`` tokens or more are paired past
    ``window`` (:func:`~amplify.detect.classify.far_pair_worth_verifying`):
    shorter targets ask nothing of the far halo, and a shorter far post is
    read only as a holder that keeps a shingle common, never as a source.

    The far halo is streamed chunk by chunk (``ranges``): each chunk's rows
    (shingle, second, post) are counted and saved to a temporary folder, so
    memory holds one chunk's rows, not the halo's; the choice then reads
    them back chunk by chunk. The caller reads the texts of the posts chosen.
    """
    w, qw = cfg.window_ns, cfg.quote_window_ns
    t_near = to_ns(near["published_at"])
    n_hash, n_post, n_len = _holders(near["text"], cfg.shingle, workers)
    # a target shorter than quote_window_words has no link past window (the long look-back verifies
    # only pairs of two such texts: classify.far_pair_worth_verifying): the far halo cannot reach it
    mine = is_target[n_post] & (n_len[n_post] >= cfg.quote_window_words)
    # the target occurrences (X, t), and which are common for certain within window
    occ_hash, occ_post = n_hash[mine], n_post[mine]
    occ_t = t_near[occ_post]
    sec_near = t_near // _S
    base = int(sec_near.min()) - (qw // _S) - 2
    span = int(sec_near.max()) + (qw // _S) + 2 - base + 2
    uniq = _distinct_sorted(occ_hash)     # _holders sorts by hash: so are the targets' rows
    at = np.minimum(np.searchsorted(uniq, n_hash), len(uniq) - 1)
    in_uniq = uniq[at] == n_hash
    near_keys = np.sort(at[in_uniq] * span + (sec_near[n_post[in_uniq]] - base))
    del n_hash, n_post, at, in_uniq
    occ_code = np.searchsorted(uniq, occ_hash)
    lo_w = -((-(occ_t - w)) // _S) - base          # first whole second at or after t - w
    hi_w = (occ_t + w) // _S - 1 - base            # last second wholly before t + w
    common_near = _count_within(near_keys, occ_code, lo_w, hi_w, span) - 1 > cfg.common_at
    o = ~common_near
    c, t, tpost = occ_code[o], occ_t[o], occ_post[o]
    del occ_hash, occ_code, occ_t, occ_post, lo_w, hi_w
    if len(c) == 0:
        return set()
    is_open = np.zeros(len(uniq), dtype=bool)
    is_open[c] = True
    # each target's window in seconds (relative to base), as 32-bit numbers: there is one entry per
    # (shingle, target), the largest arrays here
    sec = lambda x: (x // _S - base).astype(np.int32)  # noqa: E731
    lo_in, hi_in = sec(-((-(t - qw)) // _S) * _S), sec(t + qw) - 1       # narrowed: wholly inside
    lo_out, hi_out = sec(t - qw), sec(t + qw)                            # widened: all of it
    t_sec = sec(t)
    del t
    c = c.astype(np.int32)
    tpost = tpost.astype(np.int32)
    lower = _count_within(near_keys, c, lo_in, hi_in, span).astype(np.int32)
    upper = _count_within(near_keys, c, lo_out, hi_out, span).astype(np.int32)
    near_in = lower.copy()
    with tempfile.TemporaryDirectory(prefix="amplify-halo-") as tmp:
        # pass 1: each chunk's rows (far post, open shingle it holds), sorted by key code * span +
        # second, counted into the bounds and saved; only one chunk's rows are in memory
        files, ids, long, n = [], [], [], 0
        for lo, hi in ranges:
            chunk = source.between(lo, hi)
            if len(chunk) == 0:
                continue
            rel = to_ns(chunk["published_at"]) // _S - base
            h, post, length = _holders(chunk["text"], cfg.shingle, workers)
            long.append(length >= cfg.quote_window_words)
            at = np.minimum(np.searchsorted(uniq, h), len(uniq) - 1)
            hit = uniq[at] == h
            # a holder past every target's window (rel >= span) counts for none of them; kept, its
            # key would run into the next shingle's block
            hit[hit] = is_open[at[hit]] & (rel[post[hit]] >= 0) & (rel[post[hit]] < span)
            keys = at[hit].astype(np.int64) * span + rel[post[hit]]
            order = np.argsort(keys, kind="stable")
            keys, post = keys[order], (post[hit][order] + n).astype(np.int32)
            lower += _count_within(keys, c, lo_in, hi_in, span)
            upper += _count_within(keys, c, lo_out, hi_out, span)
            path = os.path.join(tmp, f"{len(files)}.npz")
            np.savez(path, keys=keys, post=post)
            files.append(path)
            ids.append(chunk["post_id"].astype(str).to_numpy(dtype=object))
            n += len(chunk)
            del chunk, rel, h, post, at, hit, keys, order
        if n == 0:
            return set()
        ids = np.concatenate(ids)
        long = np.concatenate(long)
        rare_sure = upper - 1 <= cfg.common_at
        common_sure = lower - 1 > cfg.common_at
        unsure = np.zeros(len(uniq), dtype=bool)
        unsure[c[~common_sure & ~rare_sure]] = True
        rs = np.flatnonzero(rare_sure)
        rs_code = c[rs].astype(np.int64) * span     # 64-bit before scaling: keys pass 2**31
        rs_hi = np.clip(t_sec[rs].astype(np.int64), -1, span - 1)
        cs = np.flatnonzero(common_sure)
        need = np.maximum(cfg.common_at + 2 - near_in[cs], 0)     # the target itself is one of near_in
        share = _Sharing(c[cs].astype(np.int64), lo_in[cs].astype(np.int64), hi_in[cs].astype(np.int64),
                         need.astype(np.int64), span, len(uniq))
        for path in files:
            with np.load(path) as z:
                share.count(z["keys"])
        keep = np.zeros(n, dtype=bool)
        for path in files:
            with np.load(path) as z:
                keys, post = z["keys"], z["post"]
            # rare at t for certain: a holder in [t - quote_window, t] sharing `shingle` such shingles
            # with t may be its long-quote source (at most common_at + 1 holders per shingle and
            # target: the join stays small; a holder lies in one chunk, so per chunk is complete)
            if len(rs):
                first = np.searchsorted(keys, rs_code + np.clip(lo_out[rs].astype(np.int64), 0, span - 1),
                                        side="left")
                last = np.searchsorted(keys, rs_code + rs_hi, side="right")
                take = np.maximum(last - first, 0)
                rows = np.repeat(first, take) + np.arange(take.sum()) - np.repeat(np.cumsum(take) - take, take)
                pair = np.repeat(tpost[rs], take) * np.int64(n) + post[rows]
                # a holder shorter than quote_window_words is no long-quote source: it is not read
                # (fewer holders keep a rare shingle rare, so the others' choice stands)
                pair = np.sort(pair[long[post[rows]]])
                starts = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]])
                counts = np.diff(np.r_[starts, len(pair)])
                keep[pair[starts[counts >= cfg.shingle]] % n] = True
            # undecided by the bounds: every holder
            if unsure.any():
                keep[post[unsure[keys // span]]] = True
            # common thanks to far posts: enough of its far holders inside the window keep it so
            keep[share.take(keys, post, n)] = True
    return set(ids[keep].tolist())


class _Sharing:
    """Far posts to read so that each (shingle ``code``, target) keeps ``need``
    far holders with a second in ``[lo, hi]``, chosen chunk by chunk.

    Holders are shared between the targets of one shingle where they can be:
    a holder inside every target's window counts for all of them, so per
    shingle ``max(need)`` holders inside the windows' intersection are taken
    (in each chunk, posts that serve many shingles first: fewer posts to
    read). The shingles whose intersection holds too few (:meth:`count`
    over every chunk first) are served per target.
    """

    def __init__(self, code, lo, hi, need, span: int, n_codes: int):
        self.code, self.lo, self.hi, self.span = code, lo, hi, span
        self.i_lo = np.full(n_codes, -1, dtype=np.int64)
        self.i_hi = np.full(n_codes, np.iinfo(np.int64).max, dtype=np.int64)
        self.i_need = np.zeros(n_codes, dtype=np.int64)
        np.maximum.at(self.i_lo, code, lo)
        np.minimum.at(self.i_hi, code, hi)
        np.maximum.at(self.i_need, code, need)
        self.asked = np.flatnonzero(np.bincount(code, minlength=n_codes) > 0)
        self.avail = np.zeros(n_codes, dtype=np.int64)
        self.need = need.copy()              # per target, for the shingles served per target
        self.enough = None

    def _inside(self, keys):
        """Rows of ``keys`` (sorted) of the asked shingles inside their intersection, and their codes."""
        a = np.searchsorted(keys, self.asked * self.span, side="left")
        b = np.searchsorted(keys, (self.asked + 1) * self.span, side="left")
        k = b - a
        rows = np.repeat(a, k) + np.arange(k.sum()) - np.repeat(np.cumsum(k) - k, k)
        code = np.repeat(self.asked, k)
        sec = keys[rows] - code * self.span
        inside = (sec >= self.i_lo[code]) & (sec <= self.i_hi[code])
        return rows[inside], code[inside]

    def count(self, keys) -> None:
        """Count one chunk's holders inside each shingle's intersection."""
        _, code = self._inside(keys)
        self.avail += np.bincount(code, minlength=len(self.avail))

    def take(self, keys, post, n: int) -> np.ndarray:
        """The posts of one chunk to read (a mask over the ``n`` far posts)."""
        if self.enough is None:
            self.enough = self.avail >= self.i_need
            self.left = np.where(self.enough, self.i_need, 0)
        keep = np.zeros(n, dtype=bool)
        rows, code = self._inside(keys)
        sel = self.enough[code] & (self.left[code] > 0)
        rows, code = rows[sel], code[sel]
        if len(rows):
            serves = np.bincount(post[rows], minlength=n)
            pick = np.lexsort((post[rows], -serves[post[rows]], code))
            order, grp = rows[pick], code[pick]
            start = np.r_[0, np.flatnonzero(grp[1:] != grp[:-1]) + 1]
            rank = np.arange(len(order)) - np.repeat(start, np.diff(np.r_[start, len(order)]))
            chosen = rank < self.left[grp]
            keep[post[order[chosen]]] = True
            self.left -= np.bincount(grp[chosen], minlength=len(self.left))
        alone = np.flatnonzero(~self.enough[self.code] & (self.need > 0))
        if len(alone):
            c = self.code[alone]
            first = np.searchsorted(keys, c * self.span + np.clip(self.lo[alone], 0, self.span - 1), side="left")
            last = np.searchsorted(keys, c * self.span + np.clip(self.hi[alone], -1, self.span - 1), side="right")
            take = np.minimum(np.maximum(last - first, 0), self.need[alone])
            picked = np.repeat(first, take) + np.arange(take.sum()) - np.repeat(np.cumsum(take) - take, take)
            keep[post[picked]] = True
            self.need[alone] -= take
        return keep
