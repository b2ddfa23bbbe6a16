"""Reused passages of the links, in characters of the original texts.

Verification works on tokens; what a person reads are characters. This
module turns a link's token spans into character spans of the two texts
(one compiled scan, :func:`amplify.text.char_offsets`), and lists every
reused passage of the links that have two or more (the ``passages``
column: a JSON list of ``[source_start, source_end, target_start,
target_end]``). Steps 7 and 10 of :mod:`amplify.detect.pipeline`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from amplify.detect.passage_facts import PassageChanges
from amplify.detect.settings import DetectSettings
from amplify.detect.shingles import ShingleIndex
from amplify.detect.verify import passage_spans
from amplify.text import Tokens, char_offsets

if TYPE_CHECKING:  # the pipeline imports this module
    from amplify.detect.pipeline import Corpus

__all__ = ["PassageList", "list_passages", "describe_passages", "locate_passages", "SPAN_COLUMNS"]

#: The four span columns of a link: token spans in, character spans out.
SPAN_COLUMNS = ["source_start", "source_end", "target_start", "target_end"]


@dataclass
class PassageList:
    """Every reused passage of the links that have two or more, in tokens
    (:func:`~amplify.detect.verify.passage_spans`): link row ``r`` of
    :func:`echo_links` owns ``spans[offsets[r]:offsets[r + 1]]``, with ``src``
    the post the source spans belong to."""

    offsets: np.ndarray
    spans: np.ndarray
    src: np.ndarray
    tgt: np.ndarray


def list_passages(echoes: pd.DataFrame, tokens: Tokens, index: ShingleIndex, cfg: DetectSettings,
                  workers: int = 2, changes: PassageChanges | None = None) -> PassageList:
    """Every passage of the echo links with two or more (one passage is the span the link shows);
    of a pair whose passages :func:`~amplify.detect.passage_facts.check_passages` cut (they
    state other facts), the passages it kept."""
    src, tgt = echoes["src"].to_numpy(np.int64), echoes["tgt"].to_numpy(np.int64)
    n = echoes["n_passages"].to_numpy(np.int64)
    counts = np.where(n >= 2, n, 0)
    changed = np.zeros(len(src), dtype=bool)
    if changes is not None and len(changes.pair_src) and len(src):
        width = np.int64(max(int(src.max()), int(tgt.max()), int(changes.pair_src.max()),
                             int(changes.pair_tgt.max())) + 1)
        changed = np.isin(src * width + tgt, changes.pair_src * width + changes.pair_tgt)
        counts[changed] = 0
    offsets, spans = passage_spans(tokens, index, src, tgt, counts, shingle=cfg.shingle,
                                   min_quote_words=cfg.min_quote_tokens, workers=workers)
    if changed.any():
        # the kept passages of each changed pair, in place of what alignment finds
        link = pd.Series(np.flatnonzero(changed), index=src[changed] * width + tgt[changed])
        owner = link.reindex(changes.kept_src * width + changes.kept_tgt).to_numpy()
        mine = ~np.isnan(owner)
        owner = np.concatenate([np.repeat(np.arange(len(src)), np.diff(offsets)), owner[mine].astype(np.int64)])
        every = np.concatenate([spans, changes.kept_spans[mine]])
        order = np.argsort(owner, kind="stable")
        spans = every[order]
        offsets = np.concatenate([[0], np.cumsum(np.bincount(owner, minlength=len(src)))]).astype(np.int64)
    return PassageList(offsets, spans, src, tgt)


def describe_passages(links: pd.DataFrame, passages: PassageList, corpus: Corpus, lengths: np.ndarray,
                      workers: int) -> np.ndarray:
    """The ``passages`` column: for a link with two or more reused passages, a JSON list of
    ``[source_start, source_end, target_start, target_end]`` character offsets (ends
    exclusive) in the original texts; ``""`` otherwise."""
    out = np.full(len(links), "", dtype=object)
    if "passage_row" not in links or len(links) == 0:
        return out
    row = links["passage_row"].fillna(-1).to_numpy(np.int64)
    count = np.where(row >= 0, passages.offsets[row + 1] - passages.offsets[np.maximum(row, 0)], 0)
    li = np.flatnonzero(count >= 2)
    if len(li) == 0:
        return out
    r = row[li]
    per = count[li]
    owner = np.repeat(np.arange(len(li)), per)
    bounds = np.concatenate([[0], np.cumsum(per)])
    span_rows = passages.offsets[r][owner] + np.arange(len(owner)) - bounds[owner]
    tok = passages.spans[span_rows]
    chars = _char_spans(corpus, lengths, passages.src[r][owner], passages.tgt[r][owner], tok, workers)
    # a tie listed reversed shows its passages reversed too
    swapped = (links["src"].to_numpy(np.int64)[li] != passages.src[r])[owner]
    chars[swapped] = chars[swapped][:, [2, 3, 0, 1]]
    # one short JSON string per multi-passage link, written directly: the spans are
    # integers, and json.dumps per link took a second at a million posts
    spans = [f"[{a},{b},{c},{d}]" for a, b, c, d in chars.tolist()]
    for link, b0, b1 in zip(li.tolist(), bounds[:-1].tolist(), bounds[1:].tolist()):
        out[link] = "[" + ",".join(spans[b0:b1]) + "]"
    return out


def locate_passages(links: pd.DataFrame, corpus: Corpus, lengths: np.ndarray, workers: int) -> pd.DataFrame:
    """Token spans -> character spans in the original texts.

    ``links`` holds post numbers ``src``, ``tgt`` and spans
    ``source_start`` ... ``target_end`` in tokens (ends exclusive); returns
    them with the spans in characters. A post without tokens gets an empty
    span at its start.
    """
    if len(links) == 0:
        return links
    tok = np.stack([links[c].to_numpy(np.int64) for c in SPAN_COLUMNS], axis=1)
    chars = _char_spans(corpus, lengths, links["src"].to_numpy(), links["tgt"].to_numpy(), tok, workers)
    return links.assign(**{c: chars[:, i] for i, c in enumerate(SPAN_COLUMNS)})


def _char_spans(corpus: Corpus, lengths: np.ndarray, src: np.ndarray, tgt: np.ndarray, tok: np.ndarray,
                workers: int) -> np.ndarray:
    """Token spans ``tok`` (rows ``[source_start, source_end, target_start, target_end]``,
    ends exclusive, in posts ``src`` and ``tgt``) as character spans of the original
    texts, in one compiled scan. A post without tokens gets an empty span at its start."""
    rows, toks, lens = [], [], []
    for post, start, end in ((src, tok[:, 0], tok[:, 1]), (tgt, tok[:, 2], tok[:, 3])):
        n = lengths[post]
        rows += [corpus.order[post], corpus.order[post]]
        toks += [np.clip(start, 0, np.maximum(n - 1, 0)), np.clip(end, 1, np.maximum(n, 1)) - 1]
        lens += [n, n]
    starts, ends = char_offsets(corpus.texts, np.concatenate(rows), np.concatenate(toks), np.concatenate(lens),
                                workers=workers)
    k = len(tok)
    out = np.empty((k, 4), dtype=np.int64)
    for side, q in ((0, 0), (2, 2 * k)):  # the source's queries, then the target's: first tokens, then last tokens
        start = np.maximum(starts[q:q + k], 0)        # -1: a post without tokens
        out[:, side] = start
        out[:, side + 1] = np.maximum(ends[q + k:q + 2 * k], start)
    return out
