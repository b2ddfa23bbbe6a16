"""The long look-back of sliced detection: every shingle's holders counted once for the corpus.

Past ``window``, a post reaches a target only through the shingles they
share (:mod:`amplify.detect.candidates`): as a long-quote source (which
needs ``shingle`` shared shingles that are *rare* over ``quote_window``) or
as one more holder in the count that makes a shingle *common* over
``quote_window`` (more than ``common_at`` other posts holding it within
``[t - quote_window, t + quote_window]``). A slice of time
(:mod:`amplify.detect.slices`) used to read, for that count, the texts of
every far post that might tip it -- at the default 180-day ``quote_window``
half a year of posts per slice, tokenised again by every slice.

:class:`HolderIndex` counts the holders once instead: one streaming pass
over the corpus, chunk by chunk in time order, writes every
``(shingle, post)`` row as blocking's own key, ``hash << DOC_BITS | post``
-- with the post numbered over the whole corpus in time order -- into
buckets by hash on disk; each bucket is then sorted alone and the rows of
shingles held by one post are dropped. The sorted keys (a memory-mapped
file), the posts' times and lengths answer, with binary searches only:

* how many posts hold shingle ``X`` within ``[t - quote_window, t + quote_window]``
  -- two searches, since posts are numbered in time order;
* which posts hold ``X`` within ``[t - quote_window, t - window)`` -- the
  keys between two searches, at most ``common_at + 1`` of them when ``X``
  is rare at ``t``.

:meth:`HolderIndex.choose` asks both for a slice's targets: the rows rare
over ``quote_window`` (:class:`FarRare`, handed to blocking in place of its
own count) and the few far posts that can be long-quote sources -- the only
far posts a slice now reads. ``tests/test_holders.py`` checks both against
a plain statement of the rule, and ``tests/test_slices.py`` the links
against those of one pass.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
from numba import njit

from amplify.detect.settings import DetectSettings
from amplify.detect.shingles import DOC_BITS, shingles
from amplify.text import tokenize
from amplify.utc import to_ns

__all__ = ["HolderIndex", "FarRare"]

_DOC_MASK = np.uint64((1 << DOC_BITS) - 1)
_HASH_MASK = ~_DOC_MASK
# buckets by the top bits of the hash: a bucket is sorted alone, so the build
# holds about 1/64 of the corpus's rows at once (besides one chunk's texts)
_BUCKET_BITS = 6
_VERSION = 1
# target rows looked up at once (a slice's temporaries are about 60 bytes per row)
_QUERY_ROWS = 1 << 20



@njit(cache=True, nogil=True)
def _gallop_left(a, v):
    """``np.searchsorted(a, v, side="left")`` for queries that mostly come in
    order: each search starts at the previous answer and gallops forward
    (steps 1, 2, 4, ...) before a binary search inside the last step, so a run
    of increasing queries touches the pages of ``a`` once, in order. A query
    smaller than the one before is searched over the whole array."""
    n = len(a)
    out = np.empty(len(v), dtype=np.int64)
    pos = 0
    prev = v[0] if len(v) else 0
    for i in range(len(v)):
        x = v[i]
        if x < prev:
            pos = 0
        prev = x
        lo = pos
        if lo < n and a[lo] < x:
            step = 1
            hi = lo + step
            while hi < n and a[hi] < x:
                lo = hi
                step *= 2
                hi = lo + step
            if hi > n:
                hi = n
            lo += 1
            while lo < hi:                       # a[lo - 1] < x <= a[hi] (or hi == n)
                mid = (lo + hi) >> 1
                if a[mid] < x:
                    lo = mid + 1
                else:
                    hi = mid
        out[i] = lo
        pos = lo
    return out

def _mapped(path: Path, dtype) -> np.ndarray:
    """The raw array in ``path``, memory-mapped read-only (an empty file is an empty array)."""
    if path.stat().st_size == 0:
        return np.zeros(0, dtype)
    return np.memmap(path, dtype=dtype, mode="r")


def _expand(first: np.ndarray, take: np.ndarray) -> np.ndarray:
    """``first[i], first[i] + 1, ... first[i] + take[i] - 1`` for every ``i``, flat."""
    if len(take) == 0:
        return np.zeros(0, np.int64)
    return np.repeat(first - (np.cumsum(take) - take), take) + np.arange(int(take.sum()))


class FarRare:
    """Which rows of a slice's targets are rare over ``quote_window`` in the
    whole corpus: what :func:`amplify.detect.detect` hands to blocking
    (``far_rare``) in place of counting the holders it was given.

    ``target_ids`` are the targets' post ids; ``rows`` the keys ``hash <<
    DOC_BITS | i`` of the rare rows, ``i`` numbering ``target_ids``.
    """

    def __init__(self, target_ids: np.ndarray, rows: np.ndarray):
        self.target_ids = np.asarray(target_ids, dtype=object)
        self.rows = np.asarray(rows, dtype=np.uint64)

    def keys(self, ids: np.ndarray) -> np.ndarray:
        """The rare rows as blocking's keys (sorted) for posts numbered as in ``ids``."""
        where = pd.Index(ids).get_indexer(pd.Index(self.target_ids))
        if (where < 0).any():
            missing = self.target_ids[where < 0][:3].tolist()
            raise ValueError(f"far_rare names targets that are not among the posts detected: {missing}")
        out = (self.rows & _HASH_MASK) | where[(self.rows & _DOC_MASK).astype(np.int64)].astype(np.uint64)
        out.sort()
        return out


class HolderIndex:
    """Every shared shingle's holders over a whole corpus, in a folder (see the module docstring).

    Files: ``keys.u64`` (sorted keys ``hash << DOC_BITS | post`` of the
    shingles held by two posts or more, a post numbered by its rank in time
    order), ``times.i64`` and ``lengths.i32`` (each post's time in ns and
    length in tokens), ``ids.arrow`` (each post's id) and ``meta.json``,
    written last: a folder without it is incomplete. Open one with
    ``HolderIndex(folder)``; build one with :meth:`build`.
    """

    def __init__(self, folder: Path | str):
        self.folder = Path(folder)
        self.meta = json.loads((self.folder / "meta.json").read_text(encoding="utf-8"))
        self.n_posts = int(self.meta["posts"])
        self.shingle = int(self.meta["shingle"])
        self.times = _mapped(self.folder / "times.i64", np.int64)
        self.lengths = _mapped(self.folder / "lengths.i32", np.int32)

    @staticmethod
    def is_complete(folder: Path | str, shingle: int) -> bool:
        """Does ``folder`` hold a finished index of ``shingle``-token shingles?"""
        try:
            meta = json.loads((Path(folder) / "meta.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        return meta.get("version") == _VERSION and meta.get("shingle") == shingle

    @classmethod
    def build(cls, source, folder: Path | str, shingle: int, *, chunk_ns: int, workers: int = 2,
              progress: bool = False) -> "HolderIndex":
        """Count the holders of every shingle of ``source`` (a
        :class:`amplify.detect.slices.PostSource`) into ``folder``.

        One pass over the posts, ``chunk_ns`` of time at a time in time
        order: each chunk is tokenised as detection tokenises, and its keys
        are appended to 64 bucket files by hash. Then each bucket is sorted,
        its repeated keys (a shingle twice in one post) and its shingles of
        one post dropped, and appended to ``keys.u64``: the buckets follow
        the hash's top bits, so the file is sorted. Memory holds one chunk's
        texts, or one bucket. Written in a temporary folder renamed into
        place, so an index is whole or absent.
        """
        from tqdm.auto import tqdm

        folder = Path(folder)
        tmp = folder.with_name(folder.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        n_buckets = 1 << _BUCKET_BITS
        # the first key of each bucket but the first (bucket b holds hashes whose top bits are b)
        edges = np.arange(1, n_buckets, dtype=np.uint64) << np.uint64(64 - _BUCKET_BITS)
        span = source.time_range()
        # closed ranges [lo, lo + chunk_ns - 1] from the first post on, in time order
        ranges = [(lo, min(lo + chunk_ns, span[1] + 1) - 1)
                  for lo in range(int(span[0]), int(span[1]) + 1, int(chunk_ns))] if span is not None else []
        n = 0
        buckets = [open(tmp / f"bucket-{b:02d}.u64", "wb") for b in range(n_buckets)]
        try:
            with open(tmp / "times.i64", "wb") as times_f, open(tmp / "lengths.i32", "wb") as len_f, \
                    pa.OSFile(str(tmp / "ids.arrow"), "wb") as sink, \
                    pa.ipc.new_file(sink, pa.schema([("post_id", pa.string())])) as ids_w:
                for lo, hi in tqdm(ranges, desc="holders", unit="chunk", disable=not progress, leave=False):
                    chunk = source.between(lo, hi)
                    if len(chunk) == 0:
                        continue
                    if n + len(chunk) >= 1 << DOC_BITS:  # (then ``base + post`` never overflows a hash)
                        raise ValueError(f"more than {1 << DOC_BITS:,} posts: too many to count the long "
                                         "look-back's holders in one index (quote_window '0D' needs none)")
                    tok = tokenize(chunk["text"], workers=workers)
                    keys, _ = shingles(tok.hashes, tok.offsets, shingle, workers)
                    # the chunk's post numbers (low bits) become the corpus's: n + local, below 2**DOC_BITS
                    keys += np.uint64(n)
                    keys.sort()
                    cuts = np.r_[0, np.searchsorted(keys, edges), len(keys)]
                    for b in range(n_buckets):
                        keys[cuts[b]:cuts[b + 1]].tofile(buckets[b])
                    to_ns(chunk["published_at"]).astype(np.int64).tofile(times_f)
                    np.asarray(tok.lengths, dtype=np.int32).tofile(len_f)
                    ids = pa.array(chunk["post_id"].astype(str).to_numpy(dtype=object), pa.string())
                    ids_w.write_batch(pa.record_batch([ids], names=["post_id"]))
                    n += len(chunk)
                    del chunk, tok, keys
        finally:
            for f in buckets:
                f.close()
        rows = 0
        with open(tmp / "keys.u64", "wb") as out:
            for b in range(n_buckets):
                path = tmp / f"bucket-{b:02d}.u64"
                k = np.fromfile(path, dtype=np.uint64)
                path.unlink()
                if len(k) == 0:
                    continue
                k.sort()
                k = k[np.r_[True, k[1:] != k[:-1]]]           # a shingle repeated in a post counts once
                h = k >> np.uint64(DOC_BITS)
                same = h[1:] == h[:-1]
                shared = np.r_[False, same] | np.r_[same, False]  # held by two posts or more
                k = k[shared]
                k.tofile(out)
                rows += len(k)
        meta = {"version": _VERSION, "posts": n, "shingle": int(shingle), "rows": rows}
        (tmp / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
        if folder.exists():
            shutil.rmtree(folder)
        os.replace(tmp, folder)
        return cls(folder)

    def ids(self, posts: np.ndarray) -> list[str]:
        """The post ids of corpus post numbers ``posts``."""
        with pa.memory_map(str(self.folder / "ids.arrow")) as src:
            table = pa.ipc.open_file(src).read_all()
            return table.column("post_id").take(pa.array(np.asarray(posts, dtype=np.int64))).to_pylist()

    def holders_within(self, hashes: np.ndarray, lo_ns: np.ndarray, hi_ns: np.ndarray) -> np.ndarray:
        """Per query, the posts holding shingle ``hashes[i]`` (``key >> DOC_BITS``)
        with a time in ``[lo_ns[i], hi_ns[i]]``: posts are numbered in time order,
        so the bounds become post numbers and the count two binary searches."""
        base = np.asarray(hashes, dtype=np.uint64) << np.uint64(DOC_BITS)
        g_lo = np.searchsorted(self.times, lo_ns, side="left").astype(np.uint64)
        g_hi = np.searchsorted(self.times, hi_ns, side="right").astype(np.uint64)
        keys = self._mapped_keys()
        # base + n_posts is at most the next shingle's first key: the search stops before it
        return (np.searchsorted(keys, base + g_hi, side="left")
                - np.searchsorted(keys, base + g_lo, side="left")).astype(np.int64)

    def _mapped_keys(self) -> np.ndarray:
        """``keys.u64``, memory-mapped: a slice's searches touch the pages they
        need, and the caller drops the map once its targets are looked up, so
        the pages leave the slice's memory before its detection runs."""
        return _mapped(self.folder / "keys.u64", np.uint64)

    def choose(self, targets: pd.DataFrame, far_before_ns: int, cfg: DetectSettings,
               workers: int = 2) -> tuple[FarRare, np.ndarray]:
        """What a slice's ``targets`` need of the long look-back.

        Returns ``(far_rare, sources)``: the targets' rows rare over
        ``quote_window`` in the whole corpus, and the corpus numbers of the
        posts published before ``far_before_ns`` (the slice's far halo) that
        may be long-quote sources of a target -- those holding, within
        ``[t - quote_window, t - window)``, ``shingle`` (the long look-back's
        ``far_min_shared``) of the target's rare shingles, both texts
        holding ``quote_window_words`` tokens
        (:func:`~amplify.detect.classify.far_pair_worth_verifying`). Only
        such targets are given rare rows: a shorter one has no link past
        ``window``. A shingle is rare at ``t`` when at most ``common_at``
        other posts hold it within ``[t - quote_window, t + quote_window]``,
        as blocking counts it.
        """
        if cfg.shingle != self.shingle:
            raise ValueError(f"the holder index counts {self.shingle}-token shingles, detection asks for "
                             f"{cfg.shingle}")
        w, qw = cfg.window_ns, cfg.quote_window_ns
        ids = targets["post_id"].astype(str).to_numpy(dtype=object)
        t_post = to_ns(targets["published_at"]).astype(np.int64)
        tok = tokenize(targets["text"], workers=workers)
        keys, key_off = shingles(tok.hashes, tok.offsets, cfg.shingle, workers)
        long_t = np.asarray(tok.lengths) >= cfg.quote_window_words
        del tok                                     # the tokens: only their shingles are looked up
        # per target, its horizon and its far sources' end as corpus post numbers
        g_lo = np.searchsorted(self.times, t_post - qw, side="left").astype(np.uint64)
        g_hi = np.searchsorted(self.times, t_post + qw, side="right").astype(np.uint64)
        g_end = np.minimum(np.searchsorted(self.times, t_post - w, side="left"),
                           np.searchsorted(self.times, far_before_ns, side="left")).astype(np.uint64)
        g_end = np.maximum(g_end, g_lo)
        # targets in groups of about _QUERY_ROWS rows: a pair's rows are all in its target's group,
        # so each group's sources are complete, and the temporaries stay one group's
        cuts = np.unique(np.searchsorted(key_off, np.arange(0, key_off[-1], _QUERY_ROWS), side="right") - 1)
        cuts = np.r_[cuts[cuts > 0], len(ids)] if len(ids) else np.zeros(1, np.int64)
        rare_rows, sources = [], []
        index_keys = self._mapped_keys()
        for p0, p1 in zip(np.r_[0, cuts[:-1]].tolist(), cuts.tolist()):
            k = keys[key_off[p0]:key_off[p1]]
            k = k[long_t[(k & _DOC_MASK).astype(np.int64)]]
            if len(k) == 0:
                continue
            k = np.sort(k)                          # by hash: the searches below walk the index in order
            k = k[np.r_[True, k[1:] != k[:-1]]]     # a shingle repeated in a post counts once
            rare, src = self._rare_and_sources(index_keys, k, g_lo, g_hi, g_end, cfg)
            rare_rows.append(rare)
            sources.append(src)
        del keys, index_keys                        # unmapped: its pages leave this process's memory
        rows = np.concatenate(rare_rows) if rare_rows else np.zeros(0, np.uint64)
        chosen = np.unique(np.concatenate(sources)) if sources else np.zeros(0, np.int64)
        return FarRare(ids, rows), chosen

    def _rare_and_sources(self, index_keys, keys, g_lo, g_hi, g_end,
                          cfg: DetectSettings) -> tuple[np.ndarray, np.ndarray]:
        """For target rows ``keys`` (sorted, distinct; ``hash << DOC_BITS | target``),
        the rows rare at their target and the sources they bring (see :meth:`choose`),
        looked up in ``index_keys`` (:meth:`_mapped_keys`)."""
        post = (keys & _DOC_MASK).astype(np.int64)
        base = keys & _HASH_MASK
        # the queries come in the index's order (by shingle, then by target in time order), so a
        # galloping search walks the index once instead of a binary search from the top per row
        # (numpy's searchsorted was 23 s of a 1M sliced run)
        first = _gallop_left(index_keys, base + g_lo[post])
        rare = _gallop_left(index_keys, base + g_hi[post]) - first - 1 <= cfg.common_at
        # (a shingle held by this target alone is not listed: a count of 0, rare)
        first, post, base = first[rare], post[rare], base[rare]
        take = np.maximum(_gallop_left(index_keys, base + g_end[post]) - first, 0)
        del base
        rows = _expand(first, take)                 # at most common_at + 1 holders per rare row
        if len(rows) == 0:
            return keys[rare], np.zeros(0, np.int64)
        src = (np.asarray(index_keys[rows]) & _DOC_MASK).astype(np.int64)
        tgt = np.repeat(post, take)
        ok = self.lengths[src] >= cfg.quote_window_words
        pair = np.sort(tgt[ok] * np.int64(self.n_posts) + src[ok])
        if len(pair) == 0:
            return keys[rare], np.zeros(0, np.int64)
        starts = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]])
        counts = np.diff(np.r_[starts, len(pair)])
        return keys[rare], pair[starts[counts >= cfg.shingle]] % np.int64(self.n_posts)
