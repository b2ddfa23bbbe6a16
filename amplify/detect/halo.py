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
far posts a slice now reads. It reads the targets' shingles from the index
itself (a target's rows are the keys carrying its corpus number), in one
sequential pass over the keys in which each shingle's run of posts is
walked with three pointers, so the targets are not tokenised again and no
key is searched for. :meth:`HolderIndex.choose_all` answers every slice's
question in one such pass before the first slice (each post is a target
of its own slice, with that slice's far halo), spilling each slice's
answer to a file (:class:`SliceChoices`): a pass per slice read the whole
index again -- 27 times 2.7 GB for 10M posts in 7-day slices.
``tests/test_holders.py`` checks both against a plain statement of the
rule, and ``tests/test_slices.py`` the links against those of one pass.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from amplify.detect.far_choice import SliceChoices, by_slice, chosen_sources, coarse_table, scan_runs, whole_runs
from amplify.detect.settings import DetectSettings
from amplify.detect.shingles import DOC_BITS, shingles
from amplify.text import tokenize
from amplify.utc import to_ns

__all__ = ["HolderIndex", "FarRare", "SliceChoices"]

_DOC_MASK = np.uint64((1 << DOC_BITS) - 1)
_HASH_MASK = ~_DOC_MASK
# buckets by the top bits of the hash: a bucket is sorted alone, so the build
# holds about 1/64 of the corpus's rows at once (besides one chunk's texts)
_BUCKET_BITS = 6
_VERSION = 2   # 2: the tokens of every post are kept (tokens.u64, narrow.u8, token_offsets.i64)
_CHOICES_VERSION = 1  # the files of :meth:`HolderIndex.choose_all` (:class:`SliceChoices`)
# index keys read at a time by :meth:`HolderIndex.choose` (8 bytes each; a block and its rare rows)
_QUERY_ROWS = 1 << 22



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
        # Arrow's hash join (pandas' get_indexer hashes the Python strings: 2.0 s against 0.55 s for
        # 1.5M targets among 1.9M posts)
        where = pc.index_in(pa.array(self.target_ids, pa.string()),
                            value_set=pa.array(np.asarray(ids, dtype=object), pa.string())
                            ).fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
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
    length in tokens), ``ids.arrow`` (each post's id), the posts' tokens as
    :func:`amplify.text.tokenize` gives them (``tokens.u64``, ``narrow.u8``,
    ``token_offsets.i64``: 9 bytes a token, read back by :meth:`tokens`) and ``meta.json``,
    written last: a folder without it is incomplete. Open one with
    ``HolderIndex(folder)``; build one with :meth:`build`.
    """

    def __init__(self, folder: Path | str, choices: "SliceChoices | Path | str | None" = None):
        self.folder = Path(folder)
        self.meta = json.loads((self.folder / "meta.json").read_text(encoding="utf-8"))
        self.n_posts = int(self.meta["posts"])
        self.shingle = int(self.meta["shingle"])
        self.times = _mapped(self.folder / "times.i64", np.int64)
        self.lengths = _mapped(self.folder / "lengths.i32", np.int32)
        #: every slice's choices made at once (:meth:`choose_all`), which :meth:`for_slice` reads
        self.choices = choices if choices is None or isinstance(choices, SliceChoices) else SliceChoices(choices)

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
                    open(tmp / "tokens.u64", "wb") as tok_f, open(tmp / "narrow.u8", "wb") as narrow_f, \
                    open(tmp / "token_offsets.i64", "wb") as off_f, \
                    pa.OSFile(str(tmp / "ids.arrow"), "wb") as sink, \
                    pa.ipc.new_file(sink, pa.schema([("post_id", pa.string())])) as ids_w:
                n_tokens = 0
                np.zeros(1, np.int64).tofile(off_f)
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
                    # the tokens themselves, for the slices to read back instead of tokenising again
                    tok.hashes.tofile(tok_f)
                    tok.narrow.view(np.uint8).tofile(narrow_f)
                    (tok.offsets[1:] + n_tokens).astype(np.int64).tofile(off_f)
                    n_tokens += len(tok.hashes)
                    ids = pa.array(chunk["post_id"].astype(str).to_numpy(dtype=object), pa.string())
                    ids_w.write_batch(pa.record_batch([ids], names=["post_id"]))
                    n += len(chunk)
                    del chunk, tok, keys
                    # the chunk's Arrow buffers go back to the system, not to the next chunk's peak
                    pa.default_memory_pool().release_unused()
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

    def tokens(self, posts: np.ndarray):
        """The tokens of corpus posts ``posts`` (ascending), as
        :func:`amplify.text.tokenize` gives them for their texts in that
        order: read back from the build's pass, a contiguous run of posts
        with one read (the slice's near halo is one), so that no slice
        tokenises its posts again (measured on the 2M-post proxy's busiest
        slice, 1.9M posts: 16.4 s to tokenise, 0.5 s to read back)."""
        from amplify.text import Tokens

        posts = np.asarray(posts, dtype=np.int64)
        if len(posts) and ((np.diff(posts) <= 0).any() or posts[0] < 0 or posts[-1] >= self.n_posts):
            raise ValueError("HolderIndex.tokens needs distinct post numbers of the index, in ascending order")
        if len(posts) == 0:
            return Tokens(np.zeros(0, np.uint64), np.zeros(1, np.int64), np.zeros(0, np.bool_))
        offsets = _mapped(self.folder / "token_offsets.i64", np.int64)
        starts, ends = np.asarray(offsets[posts]), np.asarray(offsets[posts + 1])
        del offsets
        out_off = np.zeros(len(posts) + 1, np.int64)
        np.cumsum(ends - starts, out=out_off[1:])
        hashes = np.empty(int(out_off[-1]), np.uint64)
        narrow = np.empty(int(out_off[-1]), np.bool_)
        # runs of consecutive posts: one read each
        brk = np.flatnonzero(np.diff(posts) != 1) + 1
        run_a, run_b = np.r_[0, brk], np.r_[brk, len(posts)]
        with open(self.folder / "tokens.u64", "rb") as hf, open(self.folder / "narrow.u8", "rb") as nf:
            for a, b in zip(run_a.tolist(), run_b.tolist()):
                lo, count = int(starts[a]), int(ends[b - 1] - starts[a])
                if count == 0:
                    continue
                at = int(out_off[a])
                hf.seek(lo * 8)
                hf.readinto(memoryview(hashes[at:at + count]).cast("B"))
                nf.seek(lo)
                nf.readinto(memoryview(narrow[at:at + count].view(np.uint8)).cast("B"))
        return Tokens(hashes, out_off, narrow)

    def numbers(self, ids) -> np.ndarray:
        """The corpus numbers of posts ``ids`` (in the order given), -1 for an id not in the index."""
        wanted = pa.array(np.asarray(ids, dtype=object), pa.string())
        out = np.full(len(wanted), -1, np.int64)
        with pa.memory_map(str(self.folder / "ids.arrow")) as src:
            column = pa.ipc.open_file(src).read_all().column("post_id")
            # the corpus's ids looked up among the few wanted (a hash table of those, not of the corpus)
            where = pc.index_in(column, value_set=wanted).fill_null(-1).to_numpy(zero_copy_only=False)
        at = np.flatnonzero(where >= 0)
        out[where[at].astype(np.int64)] = at
        return out

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

    def for_slice(self, sl, targets: pd.DataFrame, cfg: DetectSettings,
                  workers: int = 2) -> tuple[FarRare, np.ndarray]:
        """:meth:`choose` for slice ``sl`` (``targets``: its posts): read from
        :attr:`choices` when :meth:`choose_all` made them for this slice and
        its targets are the index's posts of the slice, in the index's order
        (a file read); else chosen now (a pass over the index)."""
        got = None if self.choices is None else self.choices.of(sl)
        if got is not None:
            p0, p1, rows, sources = got
            ids = targets["post_id"].astype(str).to_numpy(dtype=object)
            if len(ids) == p1 - p0:
                with pa.memory_map(str(self.folder / "ids.arrow")) as src:
                    span = pa.ipc.open_file(src).read_all().column("post_id").slice(p0, p1 - p0)
                    same = span.combine_chunks().equals(pa.array(ids, pa.string())) if len(ids) else True
                del span
                if same:
                    # the rows' corpus numbers become the targets' positions
                    rows = (rows & _HASH_MASK) | ((rows & _DOC_MASK) - np.uint64(p0))
                    return FarRare(ids, rows), sources
        return self.choose(targets, sl.start_ns - cfg.window_ns, cfg, workers)

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
        as blocking counts it. A shingle no other post of the corpus holds
        pairs nobody and is not listed.

        The targets are not tokenised again: their shingles are the index's
        own rows (the index holds every shingle two posts share, under each
        post's corpus number), so one sequential pass over ``keys.u64``,
        ``_QUERY_ROWS`` keys at a time, finds each target's rows and, in the
        same run of its shingle, the holders around it (a search per row
        through the memory-mapped keys cost more than the whole pass: each
        group of targets touched pages all over the file).

        Raises
        ------
        ValueError
            The index counts other shingles than ``cfg.shingle``, or a target
            is not one of the indexed posts.
        """
        if cfg.shingle != self.shingle:
            raise ValueError(f"the holder index counts {self.shingle}-token shingles, detection asks for "
                             f"{cfg.shingle}")
        w, qw = cfg.window_ns, cfg.quote_window_ns
        ids = targets["post_id"].astype(str).to_numpy(dtype=object)
        if len(ids) == 0:
            return FarRare(ids, np.zeros(0, np.uint64)), np.zeros(0, np.int64)
        t_post = to_ns(targets["published_at"]).astype(np.int64)
        # the targets' corpus numbers lie between those of their first and last time
        p0 = int(np.searchsorted(self.times, t_post.min(), side="left"))
        p1 = int(np.searchsorted(self.times, t_post.max(), side="right"))
        with pa.memory_map(str(self.folder / "ids.arrow")) as src:
            span = pa.ipc.open_file(src).read_all().column("post_id").slice(p0, p1 - p0)
            tnum = pc.index_in(span, value_set=pa.array(ids, pa.string())).fill_null(-1).to_numpy(
                zero_copy_only=False).astype(np.int64)
        del span
        matched = np.zeros(len(ids), dtype=bool)
        matched[tnum[tnum >= 0]] = True
        if not matched.all():
            missing = ids[~matched][:3].tolist()
            raise ValueError(f"targets not among the posts of the holder index (at their times): {missing}")
        times = np.asarray(self.times[p0:p1])
        long_t = (tnum >= 0) & (np.asarray(self.lengths[p0:p1]) >= cfg.quote_window_words)
        # per post of the span: the target it is (-1: none, or too short), its horizon and its far
        # sources' end as corpus post numbers
        info = np.empty((p1 - p0, 4), np.int32)
        info[:, 0] = np.where(long_t, tnum, -1)
        info[:, 1] = np.searchsorted(self.times, times - qw, side="left")
        info[:, 2] = np.searchsorted(self.times, times + qw, side="right")
        info[:, 3] = np.minimum(np.searchsorted(self.times, times - w, side="left"),
                                np.searchsorted(self.times, far_before_ns, side="left"))
        np.maximum(info[:, 3], info[:, 1], out=info[:, 3])
        rare_rows, pairs = [], []
        for _, (r, pr) in self._scan(p0, info, cfg, workers, lambda r, pr: (r, pr)):
            rare_rows.append(r)
            pairs.append(pr)
        rows = np.concatenate(rare_rows) if rare_rows else np.zeros(0, np.uint64)
        pair = np.concatenate(pairs) if pairs else np.zeros(0, np.int64)
        return FarRare(ids, rows), chosen_sources(pair, cfg.shingle)

    def _scan(self, p0: int, info: np.ndarray, cfg: DetectSettings, workers: int, after):
        """One sequential pass over ``keys.u64`` for the posts ``p0 + k`` described
        by ``info[k]`` (:func:`scan_runs`), ``_QUERY_ROWS`` keys at a time, the
        blocks scanned by ``workers`` threads: yields, block after block, its
        number of keys and ``after(rare rows, pairs)`` (run in the thread;
        pairs as ``target << DOC_BITS | source``)."""
        from concurrent.futures import ThreadPoolExecutor

        # which posts are long enough to be long-quote sources, one bit a post: 1.25 MB at 10M posts,
        # so that the test per pair stays in the cache (a byte array of lengths missed it: 40 MB)
        long_bits = np.packbits(np.asarray(self.lengths) >= cfg.quote_window_words, bitorder="little")
        common_at = int(cfg.common_at)

        def scan(block):
            rare = np.empty(len(block), np.uint64)
            nr, pairs, cap, i = 0, [], max(1024, len(block) // 2), 0
            while i < len(block):
                # the pairs' buffer filled run by run: the scan resumes at the run it stopped before
                pair = np.empty(cap, np.int64)
                got, npair, stop = scan_runs(block, i, p0, info, long_bits, common_at, rare[nr:], pair)
                nr += got
                pairs.append(pair[:npair])
                if stop == i:        # one shingle's pairs alone fill it
                    cap *= 4
                i = stop
            pair = np.concatenate(pairs) if len(pairs) > 1 else pairs[0] if pairs else np.zeros(0, np.int64)
            return len(block), after(rare[:nr], pair)

        with ThreadPoolExecutor(max(1, workers)) as ex:
            pending = []
            for block in whole_runs(self.folder / "keys.u64", _QUERY_ROWS):
                pending.append(ex.submit(scan, block))
                if len(pending) > max(1, workers):      # at most a few blocks in memory
                    yield pending.pop(0).result()
            for f in pending:
                yield f.result()

    def choose_all(self, slices, cfg: DetectSettings, folder: Path | str, *, keep=None, workers: int = 2,
                   progress: bool = False) -> "SliceChoices":
        """:meth:`choose` for every slice of ``slices`` at once, in one pass over ``keys.u64``.

        Each post of the corpus is the target of the slice whose ``[start_ns,
        end_ns)`` holds its time, with that slice's far halo: a post of time
        ``t`` in a slice starting at ``a`` takes its far sources before
        ``min(t - window, a - window)``, as :meth:`choose` with
        ``far_before_ns = a - window`` does. One pass answers all slices
        (each slice's own pass read the whole index again: 27 passes over
        2.7 GB for 10M posts in 7-day slices).

        Results are spilled to ``folder`` as the pass goes, slice by slice
        (``rare-K.u64``: the rare rows as ``hash << DOC_BITS | corpus
        number``; ``sources-K.i64``: the chosen sources' corpus numbers), so
        memory holds a block of keys and one slice's pairs, not every
        slice's results. ``keep(numbers, folder)``, when given, is called
        with the corpus numbers of every slice's sources (ascending) and the
        folder, and returns what to record of them (a copy of those posts
        made for cheap reading, see
        :meth:`amplify.detect.slices.PostSource.keep`), or None. Written in a
        temporary folder renamed into place (``meta.json`` last), so a
        resumed run finds the choices whole or absent.

        Raises
        ------
        ValueError
            The index counts other shingles than ``cfg.shingle``.
        """
        from tqdm.auto import tqdm

        if cfg.shingle != self.shingle:
            raise ValueError(f"the holder index counts {self.shingle}-token shingles, detection asks for "
                             f"{cfg.shingle}")
        folder = Path(folder)
        tmp = folder.with_name(folder.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        w, qw = cfg.window_ns, cfg.quote_window_ns
        n = self.n_posts
        times = np.asarray(self.times)
        # in time order: a post's slice is then the last whose first post is not after it
        slices = sorted(slices, key=lambda sl: sl.start_ns)
        starts = np.array([s.start_ns for s in slices], dtype=np.int64)
        ends = np.array([s.end_ns for s in slices], dtype=np.int64)
        if len(slices) > 1 and (ends[:-1] > starts[1:]).any():
            raise ValueError("choose_all needs slices that do not overlap")
        p0 = np.searchsorted(times, starts, side="left")
        p1 = np.searchsorted(times, ends, side="left")
        in_slice = np.zeros(n, bool)
        slice_end = np.zeros(n, np.int32)   # each post's slice's far halo end (a post number)
        for k in range(len(slices)):
            in_slice[p0[k]:p1[k]] = True
            slice_end[p0[k]:p1[k]] = np.searchsorted(times, starts[k] - w, side="left")
        # per post (16 bytes, one cache line's read per row in the scan): the target it is (its own
        # number; -1 outside the slices or too short), its horizon and its far sources' end; post
        # numbers are below 2**DOC_BITS, so they fit 32 bits
        info = np.empty((n, 4), np.int32)
        info[:, 0] = np.where(in_slice & (np.asarray(self.lengths) >= cfg.quote_window_words),
                              np.arange(n, dtype=np.int32), -1)
        del in_slice
        info[:, 1] = np.searchsorted(times, times - qw, side="left")
        info[:, 2] = np.searchsorted(times, times + qw, side="right")
        # a post's far sources end at its own ``t - window`` or its slice's far halo, whichever is first
        info[:, 3] = np.minimum(np.searchsorted(times, times - w, side="left"), slice_end)
        del slice_end
        np.maximum(info[:, 3], info[:, 1], out=info[:, 3])
        firsts = p0.astype(np.int64)
        coarse = coarse_table(firsts, n)

        def split(rare, pair):
            # grouped by slice here, in the worker thread (a counting sort), so the writer only appends
            rare, r_bounds = by_slice(rare, 0, firsts, coarse)
            pair, p_bounds = by_slice(pair, DOC_BITS, firsts, coarse)
            return rare, r_bounds, pair, p_bounds

        def spill(result):
            rare, r_bounds, pair, p_bounds = result
            for k in np.flatnonzero(np.diff(r_bounds) > 0).tolist():
                with open(tmp / f"rare-{slices[k].index:06d}.u64", "ab") as f:
                    rare[r_bounds[k]:r_bounds[k + 1]].tofile(f)
            for k in np.flatnonzero(np.diff(p_bounds) > 0).tolist():
                with open(tmp / f"pairs-{slices[k].index:06d}.i64", "ab") as f:
                    pair[p_bounds[k]:p_bounds[k + 1]].tofile(f)

        bar = tqdm(total=int(self.meta.get("rows", 0)), desc="far choices", unit="key", unit_scale=True,
                   disable=not progress, leave=False)
        for size, result in self._scan(0, info, cfg, workers, split):
            spill(result)
            bar.update(size)
        bar.close()
        del info
        # each slice's sources: the far posts holding ``shingle`` of one target's rare shingles; the
        # slices' pairs (385M at 10M posts) sorted on ``workers`` threads (numpy's sort lets go of the GIL)
        def sources_of(sl):
            path = tmp / f"pairs-{sl.index:06d}.i64"
            pair = np.fromfile(path, dtype=np.int64) if path.exists() else np.zeros(0, np.int64)
            path.unlink(missing_ok=True)
            chosen = chosen_sources(pair, cfg.shingle)
            chosen.tofile(tmp / f"sources-{sl.index:06d}.i64")
            return chosen

        from concurrent.futures import ThreadPoolExecutor
        with ThreadPoolExecutor(max(1, workers)) as ex:
            everyone = list(ex.map(sources_of, slices))
        records = [{"index": sl.index, "start": sl.start_ns, "end": sl.end_ns, "p0": int(p0[k]), "p1": int(p1[k])}
                   for k, sl in enumerate(slices)]
        every = np.unique(np.concatenate(everyone)) if everyone else np.zeros(0, np.int64)
        kept = keep(every, tmp) if keep is not None and len(every) else None
        meta = {"key": self._choices_key(slices, cfg), "slices": records, "sources": int(len(every)),
                "kept": kept}
        (tmp / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
        if folder.exists():
            shutil.rmtree(folder)
        os.replace(tmp, folder)
        return SliceChoices(folder)

    def _choices_key(self, slices, cfg: DetectSettings) -> dict:
        """What :meth:`choose_all`'s results depend on: this index, the settings and the slices."""
        return {"version": _CHOICES_VERSION, "index": self.meta, "settings": cfg.to_dict(),
                "slices": [[s.index, s.start_ns, s.end_ns] for s in slices]}

    def choices_for(self, slices, cfg: DetectSettings, folder: Path | str, *, keep=None, workers: int = 2,
                    progress: bool = False) -> "SliceChoices":
        """The choices of :meth:`choose_all` in ``folder``: reused when they were made
        for this index, ``cfg`` and ``slices`` (a resumed run), else made again."""
        folder = Path(folder)
        try:
            meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            meta = None
        if meta is not None and meta.get("key") == json.loads(json.dumps(self._choices_key(slices, cfg))):
            return SliceChoices(folder)
        return self.choose_all(slices, cfg, folder, keep=keep, workers=workers, progress=progress)
