""":func:`detect`: the detection pipeline, one named step after another.

Each step is a function of this module (or of the module that owns its
concept) with its own docstring; :func:`detect` only strings them together:

1. :func:`order_posts` -- number the posts in time order;
2. :func:`tokenise` -- tokens (:mod:`amplify.text`) and the index of shared
   shingles (:mod:`amplify.detect.shingles`);
3. :func:`block` -- candidate pairs (:mod:`amplify.detect.candidates`),
   and the pairs past ``window`` that may be long quotes;
4. :func:`filter_pairs` -- the outlet, camp and target filters and the cheap
   evidence test (:func:`amplify.detect.classify.worth_verifying`);
5. :func:`~amplify.detect.verify.verify_pairs` -- the evidence of each pair,
   :func:`check_content` -- whether names, numbers and rare words agree
   where the verdict needs it (:mod:`amplify.detect.content`), and
   :func:`~amplify.detect.passage_facts.check_passages` -- the passages of
   long echoes that state other numbers or names;
6. :func:`echo_links` -- its kind (:func:`~amplify.detect.classify.classify`),
   score and passage;
7. :func:`locate_passages` -- token spans -> character spans in the texts,
   and :func:`drop_names` -- quotes that are only a name and title;
8. :func:`add_native_links` -- reposts and quote posts;
9. :func:`mirror_ties` -- pairs with equal times in both directions;
10. :func:`finish_links` -- ids, lags, attribution, and
    :func:`~amplify.detect.parents.mark_parents`; :func:`note_time_references`
    -- what a long quote says of when its words were said.

With ``semantic=True``, :func:`add_semantic_links` (between 7 and 8) adds the
``translation`` and ``semantic`` links of :mod:`amplify.detect.semantic` for
the pairs the lexical steps did not link.
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
from amplify.detect.candidates import Candidates, candidate_pairs
from amplify.detect.classify import (NO_ECHO, classify, far_pair_worth_verifying, long_quote, needs_agreement, scores,
                                     shown_passages, worth_verifying)
from amplify.detect.content import content_agreement, unasked
from amplify.detect.names import name_like_passages
from amplify.detect.native import native_links
from amplify.detect.parents import mark_parents
from amplify.detect.passage_facts import check_passages
from amplify.detect.passages import (SPAN_COLUMNS, PassageList, describe_passages, list_passages,  # noqa: F401
                                     locate_passages)
from amplify.detect.semantic import embed_posts, semantic_links
from amplify.detect.settings import DetectSettings
from amplify.detect.short_candidates import merge_short_pairs, short_pair_worth_verifying, short_pairs
from amplify.detect.shingles import ShingleIndex, build_index, shared_set, shingles
from amplify.detect.verify import Evidence, verify_pairs
from amplify.progress import Stages
from amplify.text import Tokens, as_arrow_text, tokenize, word_prefixes
from amplify.text.time_words import time_reference
from amplify.utc import to_ns

__all__ = ["detect", "DetectStats", "Corpus", "order_posts", "tokenise", "block", "filter_pairs",
           "check_content",
           "echo_links",
           "locate_passages", "drop_names", "note_time_references", "add_native_links", "mirror_ties", "finish_links",
           "add_semantic_links"]

_STAGES = ["tokenise", "block", "verify", "orient"]
# Letters of a word that content agreement compares when a rare word is missing from the other
# text: two spellings or inflections of one word share them ("stabilis/ze", "informs/ed",
# "Zelenskyy/iy"), two names rarely do at six ("Austria" / "Australia").
SPELLING_PREFIX = 6
# the columns of the posts table detection reads (the texts are read in place)
_POST_COLUMNS = ("post_id", "outlet", "published_at", "reposted_id", "quoted_id", "speaker")
_SPAN_COLUMNS = SPAN_COLUMNS
# a quote covering this share of either text finds that text whole in the other
_WHOLE_TEXT = 0.9


@dataclass
class DetectStats:
    """What a :func:`detect` run counted, and its seconds per stage."""

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
    semantic_links: int = 0
    embedded_posts: int = 0


@dataclass
class Corpus:
    """The posts as detection reads them: numbered ``0..n-1`` in time order.

    Attributes
    ----------
    posts : DataFrame
        The columns detection reads, row ``i`` being post ``i``.
    texts : pyarrow Array or ChunkedArray
        The caller's texts, not copied and in the caller's order.
    order : ndarray of int64
        Post ``i``'s text is ``texts[order[i]]``.
    times : ndarray of int64
        Each post's time, nanoseconds since the epoch (UTC).
    ids, outlets : ndarray of object
        Each post's ``post_id`` and ``outlet``.
    outlet_code, group_code : ndarray of int
        The outlet and its group as integer codes (comparing millions of
        pairs' outlets as strings is slow).
    """

    posts: pd.DataFrame
    texts: pa.Array | pa.ChunkedArray
    order: np.ndarray
    times: np.ndarray
    ids: np.ndarray
    outlets: np.ndarray
    outlet_code: np.ndarray
    group_code: np.ndarray


def detect(
    posts: pd.DataFrame,
    outlets: pd.DataFrame | None = None,
    *,
    settings: DetectSettings | None = None,
    targets=None,
    workers: int = 2,
    progress: bool = False,
    stats: DetectStats | None = None,
    embeddings=None,
    far_rare=None,
    tokens=None,
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
    embeddings : optional
        Where the semantic stage keeps each post's sentence vectors between
        runs (:class:`amplify.workspace.embeddings.EmbeddingStore`); without
        it they are computed afresh.
    far_rare : optional
        Sliced detection (:mod:`amplify.detect.slices`): which of the
        targets' shingles are rare over ``quote_window`` in the whole corpus,
        counted once for it (:class:`amplify.detect.halo.FarRare`), so that
        ``posts`` need not hold every post of that horizon. Default: counted
        on ``posts``.
    tokens : amplify.text.Tokens, optional
        The posts' tokens (:func:`amplify.text.tokenize` of their texts),
        computed elsewhere: sliced detection reads them back from the holder
        index's pass (:meth:`amplify.detect.halo.HolderIndex.tokens`) instead
        of tokenising every slice's halo again. ``posts`` must then be in
        time order (ties by ``post_id``), the rows of ``tokens``.

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
    >>> from amplify.detect import detect
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
        return _run(posts, outlets, cfg, targets, workers, progress, stats if stats is not None else DetectStats(),
                    embeddings, far_rare, tokens)
    finally:
        if was_enabled:
            gc.enable()


def _run(posts, outlets, cfg: DetectSettings, targets, workers: int, progress: bool,
         stats: DetectStats, embeddings=None, far_rare=None, tokens=None) -> pd.DataFrame:
    """The steps, timed per stage; each step's array is freed once the next no longer needs it."""
    posts = schema.validate_posts(posts)
    if outlets is not None:
        outlets = schema.validate_outlets(outlets)
    # the semantic stage runs inside orient (it needs the lexical links); it gets its own step on the bar
    stage = Stages(_STAGES + (["semantic", "orient"] if cfg.semantic else []), enabled=progress)
    corpus = order_posts(posts, outlets)
    del posts
    stats.posts = len(corpus.ids)

    t0 = time.perf_counter()
    stage.start("tokenise", f"{stats.posts:,} posts")
    if tokens is not None and not (len(tokens.offsets) == len(corpus.order) + 1
                                   and np.array_equal(corpus.order, np.arange(len(corpus.order)))):
        raise ValueError("tokens handed to detect() need the posts in time order (ties by post_id), one "
                         f"row of tokens per post ({len(tokens.offsets) - 1:,} rows for {len(corpus.order):,} posts)")
    tokens, index = tokenise(corpus, cfg.shingle, workers, stats, tokens)
    stats.seconds["tokenise"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    stage.start("block", f"{len(index.hashes):,} shared shingles")
    # Arrow's hash join: numpy's isin sorts object arrays with Python comparisons (minutes at 200k),
    # and pandas' Arrow-string isin builds a Python list of the values (1.1 s per 300k ids)
    want = None if targets is None else pc.is_in(pa.array(corpus.ids, pa.string()),
                                                 value_set=pa.array(list(targets), pa.string())).to_numpy(
                                                     zero_copy_only=False)
    found = block(index, corpus.times, cfg, workers, None if far_rare is None else far_rare.keys(corpus.ids), want)
    pairs = filter_pairs(found, corpus, tokens.lengths, cfg, want)
    if found.far is not None:
        pairs = _merge_pairs(pairs, filter_pairs(found.far, corpus, tokens.lengths, cfg, want, far=True))
    if cfg.short_block_words:  # short posts sharing rare words (amplify.detect.short_candidates)
        short = short_pairs(tokens.hashes, tokens.offsets, corpus.times, cfg.window_ns, cfg.short_block_words,
                            workers=workers)
        pairs = merge_short_pairs(pairs, filter_pairs(short, corpus, tokens.lengths, cfg, want, short=True), found)
    del found
    stats.candidate_pairs = len(pairs.src)
    stats.seconds["block"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    stage.start("verify", f"{len(pairs.src):,} candidate pairs")
    evidence = verify_pairs(tokens, index, pairs, shingle=cfg.shingle, verbatim_min=cfg.verbatim_min,
                            quote_min=cfg.quote_min, min_quote_words=cfg.min_quote_tokens,
                            min_contained_words=cfg.min_contained_words, dice_min=cfg.paraphrase_min_dice, ratio_min=cfg.paraphrase_min_ratio, workers=workers)
    del pairs
    evidence = check_content(evidence, tokens, corpus.times, cfg, corpus.outlet_code, corpus)
    evidence, kinds, cut = check_passages(evidence, tokens, index, corpus.times, cfg, corpus.texts, corpus.order,
                                          workers)
    echoes = echo_links(evidence, cfg, corpus.times, kinds)
    every_passage = list_passages(echoes, tokens, index, cfg, workers, cut)
    del index
    del evidence
    stats.verified_pairs = len(echoes)
    stats.seconds["verify"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    # pairs of posts, before ties are listed both ways (so fewer than the links the run reports)
    stage.start("orient", f"{len(echoes):,} matched pairs of posts")
    links = drop_names(locate_passages(echoes, corpus, tokens.lengths, workers), corpus, workers)
    if cfg.semantic:
        stage.start("semantic", f"embedding and aligning the sentences of {stats.posts:,} posts")
        links = add_semantic_links(links, corpus, cfg, want, embeddings, workers, stats)
        stage.start("orient", f"{len(links):,} links")
    links = add_native_links(links, corpus, stats)
    links = mirror_ties(links, corpus.times)
    links["passages"] = describe_passages(links, every_passage, corpus, tokens.lengths, workers)
    wanted = None if want is None else want[links["tgt"].to_numpy()]
    # parents are chosen with every link in view (a relay's evidence A -> B may be a link into
    # a post that is not wanted), then the links of unwanted targets go
    out = finish_links(links, corpus, outlets, workers, keep=wanted)
    out["time_reference"] = note_time_references(out, corpus, cfg)
    stats.ties = int(out["tie"].sum())
    stats.links = len(out)
    # without the semantic stage's own time, which it reports apart
    stats.seconds["orient"] = time.perf_counter() - t0 - stats.seconds.get("semantic", 0.0)
    stage.close()
    return schema.validate_links(out)


def _group_of(outlets: pd.DataFrame | None, names: pd.Series) -> np.ndarray:
    """Each outlet's group, :data:`amplify.schema.UNKNOWN_GROUP` where the table has none."""
    if outlets is None or len(outlets) == 0:
        return np.full(len(names), schema.UNKNOWN_GROUP, dtype=object)
    m = dict(zip(outlets["outlet"].astype(str), outlets["group"].astype(str)))
    return names.astype(str).map(m).fillna(schema.UNKNOWN_GROUP).to_numpy(dtype=object)


def order_posts(posts: pd.DataFrame, outlets: pd.DataFrame | None) -> Corpus:
    """Number the (validated) posts in time order, ties by ``post_id``.

    Posts are numbered so that every later step can say "earlier" by
    comparing numbers. Only the columns detection reads are reordered; the
    texts stay where they are (Arrow buffers of the caller's frame) and are
    read through :attr:`Corpus.order`.
    """
    # ties by post_id; Arrow sorts strings in C++, and UTF-8 byte order is
    # code point order, as Python's
    order = pc.sort_indices(pa.table({
        "t": pa.array(to_ns(posts["published_at"])),
        "id": pa.array(posts["post_id"].array),
    }), sort_keys=[("t", "ascending"), ("id", "ascending")]).to_numpy().astype(np.int64)
    cols = [c for c in _POST_COLUMNS if c in posts]
    if np.array_equal(order, np.arange(len(order))):  # a workspace hands posts over sorted: no copy
        ordered = posts[cols].reset_index(drop=True)
    else:
        ordered = posts[cols].iloc[order].reset_index(drop=True)
    return Corpus(
        posts=ordered,
        texts=as_arrow_text(posts["text"], combine=False),  # no copy: chunks as read
        order=order,
        times=to_ns(ordered["published_at"]),
        ids=ordered["post_id"].to_numpy(dtype=object),
        outlets=ordered["outlet"].to_numpy(dtype=object),
        outlet_code=pd.factorize(ordered["outlet"])[0],
        group_code=pd.factorize(_group_of(outlets, ordered["outlet"]))[0],
    )


def tokenise(corpus: Corpus, shingle: int, workers: int, stats: DetectStats,
             tokens: Tokens | None = None) -> tuple[Tokens, ShingleIndex]:
    """Tokens of every post, in post order (``tokens`` when computed
    elsewhere), and the index of their shared ``shingle``-token shingles
    (which blocking joins on and verification aligns by)."""
    if tokens is None:
        tokens = tokenize(corpus.texts, workers=workers, order=corpus.order)
    keys, key_off = shingles(tokens.hashes, tokens.offsets, shingle, workers)
    stats.tokens, stats.shingles = len(tokens.hashes), len(keys)
    return tokens, build_index(keys, key_off, shared_set(keys, workers), workers)


def block(index: ShingleIndex, times: np.ndarray, cfg: DetectSettings, workers: int,
          far_rare: np.ndarray | None = None, want: np.ndarray | None = None) -> Candidates:
    """Candidate pairs: posts sharing ``min_shared`` shingles inside the window
    (see :mod:`amplify.detect.candidates`), and in ``.far`` the candidate long
    quotes: pairs more than ``window`` and at most ``quote_window`` apart that
    share ``shingle`` shingles rare over ``quote_window``.

    The long look-back joins the same sorted shingles again over the long
    horizon, but a shingle held by more than ``common_at`` posts within it
    pairs nobody: the look-back finds rare passages -- a sentence of one press
    conference -- without pairing months of news that share a topic's
    phrases, and its cost grows with the posts, not with the horizon.
    ``far_rare`` (sorted keys of the rows rare over ``quote_window``, counted
    over a whole corpus) replaces that count on these posts (see
    :func:`~amplify.detect.candidates.candidate_pairs`).

    ``want`` (a mask over the posts, None for all): only pairs that
    :func:`filter_pairs` keeps for it are joined -- those of a wanted
    target, and those of a target published at the same time as a wanted
    post (a tie may be a link of either post).
    """
    far = cfg.quote_window_ns if cfg.quote_window_ns > cfg.window_ns else 0
    return candidate_pairs(index, times, cfg.window_ns, min_shared=cfg.min_shared, common_at=cfg.common_at,
                           keep_first=cfg.keep_first, keep_last=cfg.keep_last, workers=workers,
                           far_window=far, far_min_shared=cfg.shingle, far_rare=far_rare if far else None,
                           targets=None if want is None else with_ties(want, times))


def with_ties(want: np.ndarray, times: np.ndarray) -> np.ndarray:
    """``want`` (a mask over time-ordered posts) and every post published at
    the same time as a wanted one."""
    want = np.asarray(want, dtype=bool)
    if len(want) == 0:
        return want
    starts = np.flatnonzero(np.r_[True, times[1:] != times[:-1]])
    any_wanted = np.logical_or.reduceat(want, starts)
    return np.repeat(any_wanted, np.diff(np.r_[starts, len(times)]))


def _merge_pairs(near: Candidates, far: Candidates) -> Candidates:
    """Both sets of pairs (disjoint: ``far`` lie past the window), sorted by ``(tgt, src)``."""
    # both are sorted already: the few far pairs are slotted in (a sort of all the
    # near pairs took half a second at a million posts)
    m = np.int64(max(int(near.src.max(initial=0)), int(near.tgt.max(initial=0)),
                     int(far.src.max(initial=0)), int(far.tgt.max(initial=0))) + 1)
    near_key = near.tgt.astype(np.int64) * m + near.src
    far_key = far.tgt.astype(np.int64) * m + far.src
    is_far = np.zeros(len(near_key) + len(far_key), dtype=bool)
    is_far[np.searchsorted(near_key, far_key) + np.arange(len(far_key))] = True

    def merged(a, b):
        out = np.empty(len(is_far), dtype=np.result_type(a, b))
        out[~is_far], out[is_far] = a, b
        return out

    return Candidates(merged(near.src, far.src), merged(near.tgt, far.tgt), merged(near.shared, far.shared),
                      merged(near.rare, far.rare), near.n_keys, near.n_rows, near.seconds)


def filter_pairs(pairs: Candidates, corpus: Corpus, lengths: np.ndarray, cfg: DetectSettings,
                 want: np.ndarray | None, *, far: bool = False, short: bool = False) -> Candidates:
    """The candidate pairs worth verifying, with int64 post numbers.

    Drops pairs of one outlet (unless ``same_outlet``), of one group (with
    ``cross_group_only``), of no wanted target (``want``: a mask over the
    posts, or None for all; a pair with equal times may be a link of either
    post), and those :func:`~amplify.detect.classify.worth_verifying` rules out
    (``far``: :func:`~amplify.detect.classify.far_pair_worth_verifying`; ``short``:
    :func:`~amplify.detect.short_candidates.short_pair_worth_verifying`).
    """
    src, tgt = pairs.src, pairs.tgt
    keep = np.ones(len(src), dtype=bool)
    if not cfg.same_outlet:
        keep &= corpus.outlet_code[src] != corpus.outlet_code[tgt]
    if cfg.cross_group_only:
        keep &= corpus.group_code[src] != corpus.group_code[tgt]
    if want is not None:
        keep &= want[tgt] | ((corpus.times[src] == corpus.times[tgt]) & want[src])
    keep &= (far_pair_worth_verifying if far else short_pair_worth_verifying if short else worth_verifying)(
        pairs, lengths, cfg)
    return Candidates(src[keep].astype(np.int64), tgt[keep].astype(np.int64), pairs.shared[keep].astype(np.int64),
                      pairs.rare[keep].astype(np.int64), pairs.n_keys, pairs.n_rows, pairs.seconds)


def check_content(evidence: Evidence, tokens: Tokens, times: np.ndarray, cfg: DetectSettings,
                  outlets: np.ndarray | None = None, corpus: Corpus | None = None) -> Evidence:
    """The evidence with content agreement (:mod:`amplify.detect.content`)
    for the pairs whose verdict needs it (:func:`~amplify.detect.classify.needs_agreement`);
    ``outlets`` (each post's outlet code) for the event margin (``cfg.event_margin``);
    with ``corpus``, a word spelt or inflected otherwise is no other word (its
    texts are cut to their words' first letters, :func:`amplify.text.word_prefixes`)."""
    ask = np.flatnonzero(needs_agreement(evidence, classify(evidence, cfg), cfg))
    spellings = None
    if corpus is not None:
        def spellings(posts):
            return word_prefixes(corpus.texts, corpus.order[posts], SPELLING_PREFIX)
    found = content_agreement(tokens, times, evidence.src[ask], evidence.tgt[ask], window_ns=cfg.window_ns,
                              rare_share=cfg.rare_share, rare_min_posts=cfg.rare_min_posts,
                              short_words=cfg.short_words, outlets=outlets, event_margin=cfg.event_margin,
                              spellings=spellings)
    agreement = unasked(len(evidence.src))
    for mine, theirs in zip(agreement, found):
        mine[ask] = theirs
    return dataclasses.replace(evidence, agreement=agreement)


def echo_links(evidence: Evidence, cfg: DetectSettings, times: np.ndarray | None = None,
               kinds: np.ndarray | None = None) -> pd.DataFrame:
    """The verified pairs that are echoes (``kinds``: their :func:`~amplify.detect.classify.classify`,
    when known), as links between post numbers.

    With ``times``, a pair more than ``window`` apart is an echo only when it
    is a long quote (:func:`~amplify.detect.classify.long_quote`).

    Columns ``src``, ``tgt``, ``kind`` and ``score`` (rounded to 2 decimals)
    from :mod:`amplify.detect.classify`, the passage each link shows,
    ``source_start`` ... ``target_end``, still in tokens, and the share of
    each text inside reused passages, ``source_coverage`` and ``target_coverage``.
    """
    kinds = classify(evidence, cfg) if kinds is None else kinds
    echo = kinds != NO_ECHO
    if times is not None:
        far = times[evidence.tgt] - times[evidence.src] > cfg.window_ns
        echo &= ~far | long_quote(evidence, kinds, cfg)
    passages = shown_passages(evidence, kinds)
    return pd.DataFrame({"src": evidence.src[echo], "tgt": evidence.tgt[echo], "kind": kinds[echo],
                         "score": np.round(scores(evidence, kinds, cfg)[echo], 2),
                         **{c: span[echo] for c, span in zip(_SPAN_COLUMNS, passages)},
                         "source_coverage": np.round(evidence.source_coverage()[echo], 4),
                         "target_coverage": np.round(evidence.target_coverage()[echo], 4),
                         "n_passages": evidence.passages[echo], "passage_row": np.arange(int(echo.sum()))})


def drop_names(links: pd.DataFrame, corpus: Corpus, workers: int = 2) -> pd.DataFrame:
    """``links`` without the quotes whose passage is a name and title
    (:mod:`amplify.detect.names`): fifteen words of "Director of the Office of
    the Foreign Affairs Commission ..." are shared by any two texts about the
    man, and are no evidence that one took them from the other. A text found
    whole in the other (a headline republished) is a quote however many names
    it holds."""
    if len(links) == 0:
        return links
    # a short text found whole in another is a republication, names or not
    whole = np.maximum(links["source_coverage"].to_numpy(), links["target_coverage"].to_numpy()) >= _WHOLE_TEXT
    quote = np.flatnonzero((links["kind"] == "quote").to_numpy() & ~whole)
    if len(quote) == 0:
        return links
    names = name_like_passages(corpus.texts, [
        (corpus.order[links[post].to_numpy()[quote]], links[start].to_numpy()[quote], links[end].to_numpy()[quote])
        for post, start, end in (("src", "source_start", "source_end"), ("tgt", "target_start", "target_end"))],
        workers=workers)
    if not names.any():
        return links
    drop = np.zeros(len(links), dtype=bool)
    drop[quote[names]] = True
    return links[~drop]


def add_native_links(links: pd.DataFrame, corpus: Corpus, stats: DetectStats) -> pd.DataFrame:
    """``links`` with the platform's reposts and quote posts
    (:func:`~amplify.detect.native.native_links`) first; a pair that is both
    keeps the native link only. Counts them in ``stats``."""
    native, missing = native_links(corpus.posts, corpus.times, corpus.texts, corpus.order)
    stats.native_missing += missing
    if native is not None:
        stats.native_links = len(native)
        links = pd.concat([native, links], ignore_index=True)
    return links.drop_duplicates(["src", "tgt"], keep="first")


def mirror_ties(links: pd.DataFrame, times: np.ndarray) -> pd.DataFrame:
    """Pairs of posts with equal times, in both directions.

    Which of two posts published at the same moment came first is unknown,
    so such a link is added reversed too (unless that direction is already
    there); both are flagged ``tie`` later and neither becomes a parent.
    """
    tie = times[links["src"].to_numpy()] == times[links["tgt"].to_numpy()]
    if not tie.any():
        return links
    rev = links[tie].rename(columns={"src": "tgt", "tgt": "src", "source_start": "target_start",
                                     "source_end": "target_end", "target_start": "source_start",
                                     "target_end": "source_end", "source_coverage": "target_coverage",
                                     "target_coverage": "source_coverage"})
    return pd.concat([links, rev], ignore_index=True).drop_duplicates(["src", "tgt"], keep="first")


def note_time_references(links: pd.DataFrame, corpus: Corpus, cfg: DetectSettings) -> np.ndarray:
    """The ``time_reference`` column: for links past ``window`` (long quotes),
    the time phrase nearest the quoted passage in the target ("last month";
    :func:`amplify.text.time_words.time_reference`), else ""."""
    out = np.full(len(links), "", dtype=object)
    far = np.flatnonzero(links["lag_s"].to_numpy() * 1e9 > cfg.window_ns)
    if len(far) == 0:
        return out
    # only the far links' targets are looked up (a dict of every post id cost 0.5 s at 1M posts)
    rows = corpus.order[pd.Index(corpus.ids).get_indexer(links["target_id"].to_numpy()[far])]
    for i, row, a, b in zip(far.tolist(), rows.tolist(), links["target_start"].to_numpy()[far].tolist(),
                            links["target_end"].to_numpy()[far].tolist()):
        out[i] = time_reference(corpus.texts[row].as_py() or "", a, b)
    return out


def _speakers(corpus: Corpus, posts: np.ndarray) -> np.ndarray | None:
    """The ``speaker`` of each of ``posts`` ("" where none), or None without the column."""
    if "speaker" not in corpus.posts:
        return None
    col = corpus.posts["speaker"]
    return col.astype(object).where(col.notna(), "").to_numpy(dtype=object)[posts]


def finish_links(links: pd.DataFrame, corpus: Corpus, outlets: pd.DataFrame | None, workers: int,
                 keep: np.ndarray | None = None) -> pd.DataFrame:
    """The canonical links table: post ids, lags, attribution, ties and
    parents, sorted by ``(target_id, source_id)``; only the rows ``keep``
    (a mask over ``links``) when given, their parents chosen among all."""
    s, t = links["src"].to_numpy(), links["tgt"].to_numpy()
    times = corpus.times
    out = pd.DataFrame({
        "source_id": corpus.ids[s], "target_id": corpus.ids[t], "kind": links["kind"].to_numpy(),
        "score": links["score"].to_numpy(dtype=np.float64),
        **{c: links[c].to_numpy(np.int64) for c in _SPAN_COLUMNS},
        "lag_s": (times[t] - times[s]) / 1e9,
        "attributed": attributed(corpus.outlets[s], corpus.texts, outlets, rows=corpus.order[t], workers=workers,
                                 speakers=_speakers(corpus, s)),
        "is_parent": False,
        "tie": times[s] == times[t],
        # platform links (reposts, quote posts) are not measured: NaN
        **{c: links[c].to_numpy(np.float64) if c in links else np.full(len(links), np.nan)
           for c in ("source_coverage", "target_coverage")},
        "passages": links["passages"].to_numpy(object) if "passages" in links else "",
        # the semantic stage's aligned sentences (absent without it)
        **({"aligned": links["aligned"].fillna("").to_numpy(object)} if "aligned" in links else {}),
    })
    rank = _id_rank(corpus.ids)
    out = mark_parents(out, times[s], id_rank=(rank[s], rank[t]))
    sr, tr = rank[s], rank[t]
    if keep is not None:
        out, sr, tr = out[keep], sr[keep], tr[keep]
    # sorted by (target_id, source_id): by their ranks, not the strings (a stable sort, as before)
    return out.take(np.lexsort((sr, tr))).reset_index(drop=True)


def _id_rank(ids: np.ndarray) -> np.ndarray:
    """Each post's rank among the post ids in string order (Arrow sorts a
    million ids in a fraction of the time pandas needs for two id columns)."""
    try:
        order = pc.sort_indices(pa.array(ids, type=pa.string())).to_numpy()
    except (pa.ArrowException, TypeError, ValueError):  # not all strings: Python's order
        order = np.argsort(pd.factorize(ids, sort=True)[0], kind="stable")
    rank = np.empty(len(ids), dtype=np.int64)
    rank[order] = np.arange(len(ids))
    return rank


def add_semantic_links(links: pd.DataFrame, corpus: Corpus, cfg: DetectSettings, want: np.ndarray | None,
                       embeddings, workers: int, stats: DetectStats) -> pd.DataFrame:
    """``links`` (character spans) with the semantic stage's ``translation`` and
    ``semantic`` links (:mod:`amplify.detect.semantic`) after them, for the
    pairs (either direction) the lexical steps left unlinked; column
    ``aligned`` holds their aligned sentences (``""`` on lexical links)."""
    from amplify.detect.encoders import get_encoder

    t0 = time.perf_counter()
    texts = corpus.texts.take(pa.array(corpus.order)).to_pylist()
    emb = embed_posts(corpus.ids, texts, get_encoder(cfg.encoder, workers), cache=embeddings)
    stats.embedded_posts = len(corpus.ids)
    found = semantic_links(emb, corpus.times, corpus.outlet_code, corpus.group_code, cfg, want=want, texts=texts)
    del texts
    if not cfg.semantic_same_language:
        # same-language restatements are opt-in: read by hand among real news posts, about one in
        # eight was an echo (the rest one topic, one event, or two sentences of one article)
        found = found[found["kind"].to_numpy() != "semantic"]
    if not cfg.same_outlet:
        found = found[corpus.outlet_code[found["src"].to_numpy(np.int64)]
                      != corpus.outlet_code[found["tgt"].to_numpy(np.int64)]]
    n = len(corpus.ids)
    linked = set((links["src"].to_numpy(np.int64) * n + links["tgt"].to_numpy(np.int64)).tolist())
    linked |= set((links["tgt"].to_numpy(np.int64) * n + links["src"].to_numpy(np.int64)).tolist())
    s, t = found["src"].to_numpy(np.int64), found["tgt"].to_numpy(np.int64)
    found = found[~pd.Series(s * n + t).isin(linked).to_numpy()]
    stats.semantic_links = len(found)
    stats.seconds["semantic"] = time.perf_counter() - t0
    if found.empty:
        return links
    return pd.concat([links.assign(aligned=""), found.astype({"src": np.int64, "tgt": np.int64})],
                     ignore_index=True)
