"""Echo detection: find each later post that quotes, copies or paraphrases an earlier one.

:func:`detect` runs four steps over the canonical posts table:

1. **tokenise** (:mod:`amplify.text`): NFKC, lower-case, URLs and @handles
   removed, words (characters for Chinese/Japanese/Thai), stable hashes;
2. **block** (:mod:`amplify.detect.candidates`): shared rare n-gram shingles
   inside the time window; never all pairs;
3. **verify** (:mod:`amplify.detect.verify`): align, score (rapidfuzz's word-level
   ``fuzz.ratio``, computed in the compiled loop),
   classify into ``verbatim`` / ``quote`` / ``paraphrase``;
4. **orient** (:mod:`amplify.detect.parents`): earlier -> later, ties flagged,
   attribution noted, one parent per target.

Platform-native relations (``reposted_id``, ``quoted_id``) become ``repost``
and ``quote_post`` links as they are, without text matching.
"""

from __future__ import annotations

import dataclasses
import gc
import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from amplify import schema
from amplify.detect.attribution import attributed
from amplify.detect.candidates import candidate_pairs, shared_set, shingles
from amplify.detect.parents import mark_parents
from amplify.detect.verify import build_index, verify_pairs
from amplify.progress import Stages
from amplify.text import as_arrow_text, char_offsets, tokenize

__all__ = ["detect", "DetectSettings", "DetectStats"]


@dataclass(frozen=True)
class DetectSettings:
    """Every knob of detection, with defaults that work on news and social posts.

    Attributes
    ----------
    window : str
        Longest lag between a source and its echo (pandas offset, e.g. ``"7D"``, ``"36h"``).
    shingle : int
        Tokens per shingle (words; characters for scripts without spaces).
    min_shared : int
        Shingles a pair must share to be verified at all.
    min_quote_tokens : int
        Shortest passage, in words, that counts as a quote (a character of
        Chinese, Japanese or Thai counts as half a word).
    verbatim_min : float
        Token-level ``fuzz.ratio`` of the whole texts for ``verbatim``.
    quote_min : float
        Token-level ``fuzz.ratio`` of the aligned passage for ``quote``.
    paraphrase_min_dice : float
        Bag-of-words Dice overlap (0-1) for ``paraphrase``.
    paraphrase_min_ratio : float
        Token-level ``fuzz.ratio`` of the whole texts for ``paraphrase``.
    same_outlet : bool
        Also link an outlet echoing itself (off by default).
    cross_group_only : bool
        Keep only links between outlets of different groups (camps).
    common_at, keep_first, keep_last : int
        Viral/boilerplate bound, see :mod:`amplify.detect.candidates`.
    """

    window: str = "7D"
    shingle: int = 4
    min_shared: int = 2
    min_quote_tokens: int = 10
    verbatim_min: float = 90.0
    quote_min: float = 90.0
    paraphrase_min_dice: float = 0.55
    paraphrase_min_ratio: float = 0.0
    same_outlet: bool = False
    cross_group_only: bool = False
    common_at: int = 25
    keep_first: int = 3
    keep_last: int = 3

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @property
    def window_ns(self) -> int:
        return int(pd.Timedelta(self.window).value)


@dataclass
class DetectStats:
    posts: int = 0
    tokens: int = 0
    shingles: int = 0
    candidate_pairs: int = 0
    verified_pairs: int = 0
    links: int = 0
    native_links: int = 0
    native_missing: int = 0
    ties: int = 0
    seconds: dict = field(default_factory=dict)


def _group_of(outlets: pd.DataFrame | None, names: pd.Series) -> np.ndarray:
    if outlets is None or len(outlets) == 0:
        return np.full(len(names), schema.UNKNOWN_GROUP, dtype=object)
    m = dict(zip(outlets["outlet"].astype(str), outlets["group"].astype(str)))
    return names.astype(str).map(m).fillna(schema.UNKNOWN_GROUP).to_numpy(dtype=object)


def detect(
    posts: pd.DataFrame,
    outlets: pd.DataFrame | None = None,
    *,
    settings: DetectSettings | None = None,
    targets=None,
    workers: int = 2,
    progress: bool = False,
    stats: DetectStats | None = None,
    **overrides,
) -> pd.DataFrame:
    """Find every post that echoes an earlier post of another outlet.

    Parameters
    ----------
    posts : DataFrame
        Canonical posts table (see :mod:`amplify.schema`).
    outlets : DataFrame, optional
        Canonical outlets table: groups for ``cross_group_only``, names and
        aliases for attribution.
    settings : DetectSettings, optional
        Thresholds and options; keyword ``overrides`` (e.g. ``window="3D"``)
        replace single fields.
    targets : iterable of post_id, optional
        Only return links whose target is one of these (incremental detection:
        the caller passes every post within ``window`` before and after them;
        the links are then exactly those of a run over all posts).
    workers : int
        Threads for the Arrow and compiled stages.
    progress : bool
        Show a progress bar per stage on stderr.
    stats : DetectStats, optional
        Filled with counts and timings.

    Returns
    -------
    DataFrame
        Canonical links table, sorted by ``(target_id, source_id)``: one row per
        (earlier source, later target) pair with ``kind``, ``score``, character
        spans in both original texts, ``lag_s``, ``attributed``, ``is_parent``
        and ``tie``. Pairs with equal timestamps appear in both directions with
        ``tie=True`` and are never parents.

    Examples
    --------
    >>> import pandas as pd
    >>> from amplify import detect
    >>> posts = pd.DataFrame({
    ...     "post_id": ["a", "b"], "outlet": ["mfa_china", "sputnik"],
    ...     "published_at": ["2022-01-05 10:00Z", "2022-01-05 13:00Z"],
    ...     "text": ["The United States must stop interfering in the internal affairs of Kazakhstan at once.",
    ...              "Beijing: 'The United States must stop interfering in the internal affairs of Kazakhstan.'"]})
    >>> links = detect(posts)
    >>> links[["source_id", "target_id", "kind", "lag_s", "is_parent"]].values.tolist()
    [['a', 'b', 'quote', 10800.0, True]]
    """
    cfg = dataclasses.replace(settings or DetectSettings(), **overrides)
    # Detection makes millions of short-lived objects and no reference cycles;
    # the cyclic collector would re-scan every live string of a big corpus
    # each time it runs (superlinear: orient took 12x longer at 5x the posts).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _detect(posts, outlets, cfg, targets, workers, progress, stats)
    finally:
        if was_enabled:
            gc.enable()


def _detect(posts, outlets, cfg, targets, workers, progress, stats) -> pd.DataFrame:
    stats = stats if stats is not None else DetectStats()
    posts = schema.validate_posts(posts)
    if outlets is not None:
        outlets = schema.validate_outlets(outlets)
    stage = Stages(["tokenise", "block", "verify", "orient"], enabled=progress)

    # time order, ties by post_id (Arrow sorts strings in C++; UTF-8 byte
    # order is code point order, as Python's)
    order = pc.sort_indices(pa.table({
        "t": pa.array(posts["published_at"].dt.tz_convert(None).to_numpy().astype("datetime64[ns]").view(np.int64)),
        "id": pa.array(posts["post_id"].array),
    }), sort_keys=[("t", "ascending"), ("id", "ascending")]).to_numpy().astype(np.int64)
    # only the columns detection reads, in time order; the texts stay where
    # they are (Arrow buffers of the caller's frame) and are read through `order`
    cols = [c for c in ("post_id", "outlet", "published_at", "reposted_id", "quoted_id") if c in posts]
    if np.array_equal(order, np.arange(len(order))):  # a workspace hands posts over sorted: no copy
        P = posts[cols].reset_index(drop=True)
    else:
        P = posts[cols].iloc[order].reset_index(drop=True)
    text_arr = as_arrow_text(posts["text"], combine=False)  # no copy: chunks as read
    del posts

    n = len(P)
    stats.posts = n
    times = P["published_at"].dt.tz_convert(None).to_numpy().astype("datetime64[ns]").view(np.int64)
    ids = P["post_id"].to_numpy(dtype=object)
    outlet_arr = P["outlet"].to_numpy(dtype=object)
    # integer codes: comparing millions of pairs' outlets as strings is slow
    outlet_code = pd.factorize(P["outlet"])[0]
    group_code = pd.factorize(_group_of(outlets, P["outlet"]))[0]

    t0 = time.perf_counter()
    stage.start("tokenise", f"{n:,} posts")
    tok = tokenize(text_arr, workers=workers, order=order)
    keys, key_off = shingles(tok.hashes, tok.offsets, cfg.shingle, workers)
    stats.tokens, stats.shingles = len(tok.hashes), len(keys)
    # the per-post index of shared shingles is also what blocking joins on
    index = build_index(keys, key_off, shared_set(keys, workers), workers)
    del keys, key_off
    stats.seconds["tokenise"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    stage.start("block", f"{len(index.hashes):,} shared shingles")
    cand = candidate_pairs(index, times, cfg.window_ns, min_shared=cfg.min_shared, common_at=cfg.common_at,
                           keep_first=cfg.keep_first, keep_last=cfg.keep_last, workers=workers)
    src, tgt, rare = cand.src, cand.tgt, cand.rare
    keep = np.ones(len(src), dtype=bool)
    if not cfg.same_outlet:
        keep &= outlet_code[src] != outlet_code[tgt]
    if cfg.cross_group_only:
        keep &= group_code[src] != group_code[tgt]
    if targets is not None:
        want = np.isin(ids, np.asarray(list(targets), dtype=object))
        keep &= want[tgt] | ((times[src] == times[tgt]) & want[src])
    # Cheap evidence first: a pair with fewer than `shingle` rare shingles can
    # only be a copy of most of its source (verbatim, or a passage covering
    # half of it), which shares a good part of the source's shingles.
    # A heavy paraphrase may keep only 3 shingles intact: those pairs go on when
    # 2 are rare and their lengths allow the word overlap a paraphrase needs.
    # (Exactly 2 shared shingles is one shared 5-word clause: at 1M posts that
    # is 9M pairs of unrelated news posts.)
    nsh = np.maximum(tok.lengths - cfg.shingle + 1, 1)
    ln = tok.lengths
    fits = 2.0 * np.minimum(ln[src], ln[tgt]) >= cfg.paraphrase_min_dice * (ln[src] + ln[tgt])
    keep &= (rare >= cfg.shingle) | (cand.shared >= np.maximum(2, 0.2 * nsh[src])) \
        | ((rare >= 2) & (cand.shared >= 3) & fits)
    src, tgt, rare = src[keep].astype(np.int64), tgt[keep].astype(np.int64), rare[keep].astype(np.int64)
    del cand
    stats.candidate_pairs = len(src)
    stats.seconds["block"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    stage.start("verify", f"{len(src):,} candidate pairs")
    ev = verify_pairs(tok, index, cfg.shingle, src, tgt, verbatim_min=cfg.verbatim_min, quote_min=cfg.quote_min,
                      min_quote_words=cfg.min_quote_tokens, dice_min=cfg.paraphrase_min_dice,
                      ratio_min=cfg.paraphrase_min_ratio, workers=workers)
    del index
    lens = tok.lengths
    ls, lt = lens[src], lens[tgt]
    rs, rt = ev[:, 1] - ev[:, 0], ev[:, 3] - ev[:, 2]
    whole = np.where(ev[:, 11] >= 0, 200.0 * ev[:, 11] / np.maximum(ls + lt, 1), 0.0)
    region = np.where(ev[:, 12] >= 0, 200.0 * ev[:, 12] / np.maximum(rs + rt, 1), 0.0)
    region_words = ev[:, 13] / 2.0  # Han/Kana/Thai characters count half
    dice = np.where(ev[:, 10] >= 0, 2.0 * ev[:, 10] / np.maximum(ls + lt, 1), 0.0)
    src_cover = rs / np.maximum(ls, 1)
    # a passage of common shingles only (boilerplate) is no evidence unless it
    # is most of its source. Where two common phrases meet (a stock phrase
    # before a sign-off) shingle-1 shingles span the junction and look rare,
    # so a passage needs at least `shingle` rare ones.
    not_boiler = (rare >= cfg.shingle) | (src_cover >= 0.5)
    is_verbatim = whole >= cfg.verbatim_min
    # a quote is a nearly exact passage; a looser whole restatement is a paraphrase
    is_quote = ~is_verbatim & (region_words >= cfg.min_quote_tokens) & (region >= cfg.quote_min) & not_boiler
    # a paraphrase is judged on the whole text: its matches must spread over
    # half of the source (a shared sign-off or stock phrase does not)
    spread = (ev[:, 7] - ev[:, 6]) / np.maximum(ls, 1)
    is_para = ~is_verbatim & ~is_quote & (dice >= cfg.paraphrase_min_dice) \
        & (whole >= cfg.paraphrase_min_ratio) & ((rare >= 2) | (spread >= 0.5))
    ok = is_verbatim | is_quote | is_para
    kind = np.where(is_verbatim, "verbatim", np.where(is_quote, "quote", "paraphrase"))[ok]
    score = np.where(is_verbatim, whole, np.where(is_quote, region, 100.0 * dice))[ok]
    # spans: the aligned passage for quotes, the extent of all matches otherwise
    tok_span = np.where(is_quote[:, None], ev[:, 0:4], ev[:, 6:10])[ok]
    src, tgt = src[ok], tgt[ok]
    stats.verified_pairs = len(src)
    stats.seconds["verify"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    stage.start("orient", f"{len(src):,} links")
    spans = _char_spans(text_arr, order, tok.lengths, src, tgt, tok_span, workers)
    links = pd.DataFrame({
        "src": src, "tgt": tgt, "kind": kind, "score": np.round(score, 2),
        "source_start": spans[:, 0], "source_end": spans[:, 1],
        "target_start": spans[:, 2], "target_end": spans[:, 3],
    })
    links = _add_native(links, P, times, text_arr, order, stats)
    links = links.drop_duplicates(["src", "tgt"], keep="first")  # native first
    tie = times[links["src"].to_numpy()] == times[links["tgt"].to_numpy()]
    if tie.any():
        rev = links[tie].rename(columns={"src": "tgt", "tgt": "src", "source_start": "target_start",
                                         "source_end": "target_end", "target_start": "source_start",
                                         "target_end": "source_end"})
        links = pd.concat([links, rev], ignore_index=True).drop_duplicates(["src", "tgt"], keep="first")
    if targets is not None:
        links = links[want[links["tgt"].to_numpy()]]
    s, t = links["src"].to_numpy(), links["tgt"].to_numpy()
    out = pd.DataFrame({
        "source_id": ids[s], "target_id": ids[t], "kind": links["kind"].to_numpy(),
        "score": links["score"].to_numpy(dtype=np.float64),
        "source_start": links["source_start"].to_numpy(np.int64),
        "source_end": links["source_end"].to_numpy(np.int64),
        "target_start": links["target_start"].to_numpy(np.int64),
        "target_end": links["target_end"].to_numpy(np.int64),
        "lag_s": (times[t] - times[s]) / 1e9,
        "attributed": attributed(outlet_arr[s], text_arr, outlets, rows=order[t], workers=workers),
        "is_parent": False,
        "tie": times[s] == times[t],
    })
    out["_src_time"] = times[s]
    out = mark_parents(out)
    out = out.sort_values(["target_id", "source_id"], kind="stable").reset_index(drop=True)
    stats.ties = int(out["tie"].sum())
    stats.links = len(out)
    stats.seconds["orient"] = time.perf_counter() - t0
    stage.close()
    return schema.validate_links(out)


def _char_spans(text_arr, order, lengths, src, tgt, tok_span, workers) -> np.ndarray:
    """Token spans -> character spans in the original texts, (start, end) x 2."""
    out = np.zeros((len(src), 4), dtype=np.int64)
    if len(src) == 0:
        return out
    rows, toks, lens = [], [], []
    for side, post in ((0, src), (2, tgt)):
        n = lengths[post]
        a = np.clip(tok_span[:, side], 0, np.maximum(n - 1, 0))
        b = np.clip(tok_span[:, side + 1], 1, np.maximum(n, 1))
        rows += [order[post], order[post]]
        toks += [a, b - 1]
        lens += [n, n]
    starts, ends = char_offsets(text_arr, np.concatenate(rows), np.concatenate(toks), np.concatenate(lens),
                                workers=workers)
    k = len(src)
    for side, q in ((0, 0), (2, 2 * k)):
        st = np.maximum(starts[q:q + k], 0)        # -1: a post without tokens
        en = np.maximum(ends[q + k:q + 2 * k], st)
        out[:, side], out[:, side + 1] = st, en
    return out


def _add_native(links: pd.DataFrame, P: pd.DataFrame, times, text_arr, order, stats: DetectStats) -> pd.DataFrame:
    """``repost`` / ``quote_post`` links from platform ids.

    A reference to a post outside the corpus, or to a later post (a clock
    error in the export), cannot be a link: it is counted in
    ``stats.native_missing`` instead.
    """
    ids = pa.array(P["post_id"].array)
    rows = []
    char_len = None
    for col, kind in (("reposted_id", "repost"), ("quoted_id", "quote_post")):
        if col not in P.columns:
            continue
        ref = pa.array(P[col].astype("string").array)
        has = pc.fill_null(pc.not_equal(ref, ""), False).to_numpy(zero_copy_only=False)
        if not has.any():
            continue
        tgt = np.flatnonzero(has)
        src = pc.index_in(ref.take(pa.array(tgt)), value_set=ids).to_numpy(zero_copy_only=False)
        found = ~np.isnan(src.astype(float))
        stats.native_missing += int((~found).sum())
        tgt, src = tgt[found], src[found].astype(np.int64)
        forward = times[src] <= times[tgt]
        stats.native_missing += int((~forward).sum())
        tgt, src = tgt[forward], src[forward]
        if char_len is None:  # every text's length, in the texts' own order
            char_len = pc.utf8_length(text_arr).to_numpy() if isinstance(text_arr, pa.Array) else \
                np.concatenate([pc.utf8_length(c).to_numpy() for c in text_arr.chunks] or [np.zeros(0)])
        rows.append(pd.DataFrame({"src": src, "tgt": tgt, "kind": kind, "score": 100.0,
                                  "source_start": 0, "source_end": char_len[order[src]].astype(np.int64),
                                  "target_start": 0, "target_end": char_len[order[tgt]].astype(np.int64)}))
    if not rows:
        return links
    native = pd.concat(rows, ignore_index=True)
    stats.native_links = len(native)
    return pd.concat([native, links], ignore_index=True)
