"""Facts inside reused passages: a passage quoted with other numbers or names is a template.

Two short texts in one frame with other facts ("476" / "391 patients
discharged", Finland / Sweden) are a ``template``: their numbers and rare
words are compared over the whole texts (:mod:`amplify.detect.content`). Two
long texts cannot be compared whole -- two articles always hold numbers the
other lacks -- but what one takes from the other is its reused passages, and
those can. So, for every long echo (``verbatim``, ``quote``, ``reuse`` whose
shorter text is not short), each reused passage (a run of matched shingles,
:func:`amplify.detect.verify.passage_spans`) and the passage the pair shows
are read again (:func:`passage_facts`). A passage *states other facts* when

* **numbers**: each side holds a figure the other's passage lacks ("this year
  marks the 68th anniversary of ... between China and" / "the 70th
  anniversary ..."): a run of adjacent number tokens is one figure ("47,113"
  and "47113" are one), an ordinal or a number word is its digits
  (:func:`amplify.text.spell_numbers`), and a figure rounded or cut is the
  same figure ("131,917" / "131.9 thousand": one's first digits, two at
  least, are the other's);
* **names**: the two sides are equal but for a word or two each, and each
  side's words include a name: a word rare around the target (few posts of
  the window hold it, as :mod:`amplify.detect.content` counts rarity),
  capitalised where the text's case tells and not as the first word of a
  sentence, that is not the other side's word spelt, inflected or hyphenated
  otherwise ("visit to Pakistan" / "visit to Kazakhstan"; not "Coexistence" /
  "Co-existence", "Zelenskyy" / "Zelenskiy"). Scripts without case have no
  names here.

Such a passage is no evidence that the target took the source's words: the
*sentences* that hold the other facts are cut out of it (a sentence in one
frame with other figures is the frame, not a quote: "had been discharged from
hospitals across the province after treatment" is not quoted), and what is
left of it on both sides, read again, is kept when it states no other facts
(a 100-word statement repeated with one figure updated keeps its other
sentences) -- there, with the pair's frame shown, any capitalised word
swapped is another name, rare or not ("The sentence was denounced by Spain"
/ "by Ethiopia" after "sentenced ... on 23 January" / "on 27 January").
What remains decides (:func:`amplify.detect.classify.classify`): a pair
that still holds a quote, or reuse enough, stays an echo built on those
passages (an article quoting a ministry sentence word for word beside a
sentence in the ministry's frame with its own figures); a pair left with
nothing is a ``template``. Verbatim pairs are whole-text copies: one passage
with other facts makes them a template, as numbers that differ over the
whole texts already do.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple, Optional

import numpy as np
from numba import njit

from amplify.detect.classify import QUOTE, REUSE, VERBATIM, classify
from amplify.detect.content import contains_hash, number_hashes, number_words
from amplify.detect.names import case_informative
from amplify.detect.settings import DetectSettings
from amplify.detect.shingles import ShingleIndex
from amplify.detect.similarity import lcs
from amplify.detect.verify import Evidence, passage_spans
from amplify.detect.window_counts import window_frequency
from amplify.text import Tokens, char_offsets, slice_texts, spell_numbers, tokenize

__all__ = ["PassageFacts", "PassageChanges", "passage_facts", "check_passages", "SWAPPED_WORDS",
           "ROUNDED_DIGITS", "SPELLING_PREFIX"]

# Two passages are "equal but for a word or two" when each has at most this many
# tokens outside their longest common subsequence (as two short texts that swap a
# rare word, amplify.detect.classify).
SWAPPED_WORDS = 2
# Rarity says something only in a window of at least this many posts (as for short texts).
FEED_POSTS = 100
# A figure stated with at least this many of another's first digits is that figure rounded
# or cut ("131,917" / "131.9 thousand"), not another one ("5.1" / "5.2" share one).
ROUNDED_DIGITS = 2
# Letters of a word compared when one side lacks it: two spellings or inflections of one
# word share them (as content agreement compares them, amplify.detect.pipeline).
SPELLING_PREFIX = 6
# where a sentence ends, between two tokens: a full stop, ! ? or ; before white space (not
# "5.1"), a line break, or the full-width marks of Chinese and Japanese
_SENTENCE_BREAK = re.compile(r"[.!?;][\"'”’»)\]]*\s|\n|[。！？；]")
# what opens a sentence or a quotation before a word, which is then capitalised whatever it is
_OPENING = frozenset('.!?:;«“"(')
# below this many passages one thread reads them all
_PARALLEL_MIN_ROWS = 5000
# The kernel's columns, one row per passage.
_NUM_SRC, _NUM_TGT, _LCS, _HALF_WORDS, _LOST, _ADDED = 0, 1, 2, 3, 4, 5
_LOST_AT, _ADDED_AT = 6, 6 + SWAPPED_WORDS  # positions (in the passage) of the words only one side holds
_COLUMNS = 6 + 2 * SWAPPED_WORDS


class PassageFacts(NamedTuple):
    """What :func:`passage_facts` read of each passage.

    Attributes
    ----------
    differ : ndarray of bool
        The passage states other numbers or names on its two sides.
    lcs, half_words : ndarray of int64
        Longest common subsequence of its two sides, where it can tell two
        sides equal but for a word or two (-1 elsewhere), and the length of
        its source side in half-words (a character of a script without spaces
        is half a word).
    at_row, at_side, at_token : ndarray of int64
        Where the other facts are: passage, side (0 source, 1 target) and
        token within that side of the passage.
    """

    differ: np.ndarray
    lcs: np.ndarray
    half_words: np.ndarray
    at_row: np.ndarray
    at_side: np.ndarray
    at_token: np.ndarray


class PassageChanges(NamedTuple):
    """The pairs :func:`check_passages` changed (``pair_src[i]``, ``pair_tgt[i]``), and the
    passages each keeps: ``kept_spans[j]`` (token spans ``source_start, source_end,
    target_start, target_end``) of pair ``(kept_src[j], kept_tgt[j])``, in source order."""

    pair_src: np.ndarray
    pair_tgt: np.ndarray
    kept_src: np.ndarray
    kept_tgt: np.ndarray
    kept_spans: np.ndarray


def _ints(n: int = 0) -> np.ndarray:
    return np.zeros(n, dtype=np.int64)


@njit(cache=True, nogil=True)
def _gather(hashes, offsets, posts, starts, ends):
    """The tokens of ``posts[k]`` from ``starts[k]`` to ``ends[k]``, one passage after another."""
    bounds = np.zeros(len(posts) + 1, dtype=np.int64)
    for k in range(len(posts)):
        bounds[k + 1] = bounds[k] + ends[k] - starts[k]
    out = np.empty(bounds[-1], dtype=hashes.dtype)
    for k in range(len(posts)):
        out[bounds[k]:bounds[k + 1]] = hashes[offsets[posts[k]] + starts[k]:offsets[posts[k]] + ends[k]]
    return out, bounds


@njit(cache=True, nogil=True)
def _one_side(A, sb, numbers, out, number_col, other_col, positions_at, max_positions):
    """Distinct numbers of ``A`` that ``sb`` (sorted) lacks, counted into ``out[number_col]``;
    distinct other tokens it lacks into ``out[other_col]``, the first positions from ``positions_at`` on."""
    n_num = n_other = 0
    for i in range(len(A)):
        h = A[i]
        if contains_hash(sb, h):
            continue
        seen = False
        for j in range(i):
            if A[j] == h:
                seen = True
                break
        if seen:
            continue
        if contains_hash(numbers, h):
            n_num += 1
        else:
            if n_other < max_positions:
                out[positions_at + n_other] = i
            n_other += 1
    out[number_col] = n_num
    out[other_col] = n_other


@njit(cache=True, nogil=True)
def _facts(S, s_bounds, T, t_bounds, narrow, offsets, src, src_start, numbers, out):
    for k in range(len(src)):
        A = S[s_bounds[k]:s_bounds[k + 1]]
        B = T[t_bounds[k]:t_bounds[k + 1]]
        out[k, _LOST_AT:] = -1
        _one_side(A, np.sort(B), numbers, out[k], _NUM_SRC, _LOST, _LOST_AT, SWAPPED_WORDS)
        _one_side(B, np.sort(A), numbers, out[k], _NUM_TGT, _ADDED, _ADDED_AT, SWAPPED_WORDS)
        # the common subsequence tells two passages equal but for a word or two; only
        # passages with that few words of their own on each side can be
        out[k, _LCS] = lcs(A, B) if 0 < out[k, _LOST] <= SWAPPED_WORDS and 0 < out[k, _ADDED] <= SWAPPED_WORDS else -1
        hw = 0
        first = offsets[src[k]] + src_start[k]
        for q in range(first, first + len(A)):
            hw += 1 if narrow[q] else 2
        out[k, _HALF_WORDS] = hw


def passage_facts(tokens: Tokens, src: np.ndarray, tgt: np.ndarray, spans: np.ndarray, times: np.ndarray,
                  cfg: DetectSettings, texts=None, order: Optional[np.ndarray] = None, workers: int = 2, *,
                  rare_names: bool = True) -> PassageFacts:
    """Which passages state other facts, and where (see the module's text).

    Parameters
    ----------
    tokens : Tokens
        Every post's tokens, posts numbered in time order.
    src, tgt : ndarray of int64
        The posts of each passage.
    spans : ndarray of int64, shape (n, 4)
        Token spans ``source_start, source_end, target_start, target_end``.
    times : ndarray of int64
        Each post's time (rarity is counted in the window around the target).
    cfg : DetectSettings
        ``window``, ``rare_share`` and ``rare_min_posts`` say what is rare.
    texts, order : optional
        The original texts (Arrow or a sequence of str), post ``p``'s being
        ``texts[order[p]]``: names are told by their case there; without them
        no name differs.
    rare_names : bool
        A name must be rare around the target (False: any capitalised word
        swapped is a name; for what is left of a passage already found in
        another frame, :func:`check_passages`).
    workers : int
        Threads for counting rarity.
    """
    src, tgt = np.asarray(src, dtype=np.int64), np.asarray(tgt, dtype=np.int64)
    spans = np.asarray(spans, dtype=np.int64).reshape(-1, 4)
    S, s_bounds = _gather(tokens.hashes, tokens.offsets, src, spans[:, 0], spans[:, 1])
    T, t_bounds = _gather(tokens.hashes, tokens.offsets, tgt, spans[:, 2], spans[:, 3])
    out = np.zeros((len(src), _COLUMNS), dtype=np.int64)
    # a number written as a word or an ordinal ("fifth", "68th") is its digits
    S, T = spell_numbers(S), spell_numbers(T)
    numbers = number_hashes()
    _in_chunks(workers, len(src), lambda a, b: _facts(S, s_bounds[a:b + 1], T, t_bounds[a:b + 1], tokens.narrow,
                                                      tokens.offsets, src[a:b], spans[a:b, 0], numbers, out[a:b]))
    differ = (out[:, _NUM_SRC] > 0) & (out[:, _NUM_TGT] > 0)
    at = []  # (passage, side, token) of each other fact
    for k in np.flatnonzero(differ).tolist():
        A, B = S[s_bounds[k]:s_bounds[k + 1]], T[t_bounds[k]:t_bounds[k + 1]]
        differ[k] = _other_figures(A, B)
        if differ[k]:
            for side, mine, theirs in ((0, A, B), (1, B, A)):
                is_number = numbers[np.minimum(np.searchsorted(numbers, mine), len(numbers) - 1)] == mine
                where = np.flatnonzero(is_number & ~np.isin(mine, theirs))
                at.append((np.full(len(where), k), np.full(len(where), side), where))
    # names: equal but for a word or two on each side, and each side's words hold a name
    len_s, len_t = np.diff(s_bounds), np.diff(t_bounds)
    swap = ~differ & (out[:, _LOST] > 0) & (out[:, _ADDED] > 0) & (out[:, _LOST] <= SWAPPED_WORDS) \
        & (out[:, _ADDED] <= SWAPPED_WORDS) & (len_s - out[:, _LCS] <= SWAPPED_WORDS) \
        & (len_t - out[:, _LCS] <= SWAPPED_WORDS)
    if swap.any() and texts is not None:
        row, side, token = _names(tokens, S, s_bounds, T, t_bounds, src, tgt, spans, out, np.flatnonzero(swap),
                                  times, cfg, texts, order, workers, rare_names)
        named = np.zeros((len(src), 2), dtype=bool)
        named[row, side] = True
        both = named.all(axis=1)
        differ |= both
        keep = both[row]
        at.append((row[keep], side[keep], token[keep]))
    at_row = at_side = at_token = _ints()
    if at:
        at_row, at_side, at_token = (np.concatenate(x).astype(np.int64) for x in zip(*at))
    return PassageFacts(differ, out[:, _LCS].copy(), out[:, _HALF_WORDS].copy(), at_row, at_side, at_token)


@functools.lru_cache(maxsize=1)
def _digits() -> dict:
    """The digits each number token stands for, by its hash (as :func:`number_hashes` lists them)."""
    words = number_words()
    return dict(zip(tokenize(words, workers=1).hashes.tolist(), words.tolist()))


def _figures(hashes: np.ndarray) -> set:
    """The figures a passage states: each run of adjacent number tokens read as one string of
    digits ("47,113" and "47113" are 47113, "131.9 thousand" 1319, "5.1" 51)."""
    digits = _digits()
    figures, run = set(), ""
    for h in hashes.tolist() + [None]:
        d = digits.get(h) if h is not None else None
        if d is not None:
            run += d
        elif run:
            figures.add(run)
            run = ""
    return figures


def _other_figures(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether passages ``a`` and ``b`` (token hashes) each state a figure the other does not:
    one the other lacks, and not the other's figure rounded or cut ("131,917" / "131.9
    thousand", "1,800" / "1.8": one's digits begin the other's, two of them at least)."""
    fa, fb = _figures(a), _figures(b)

    def unmatched(mine, theirs):
        return any(not any(x.startswith(y) or y.startswith(x) for y in theirs if min(len(x), len(y)) >= ROUNDED_DIGITS)
                   for x in mine - theirs)

    return unmatched(fa, fb) and unmatched(fb, fa)


def _text(texts, i: int) -> str:
    value = texts[int(i)]
    return (value.as_py() if hasattr(value, "as_py") else value) or ""


def _names(tokens, S, s_bounds, T, t_bounds, src, tgt, spans, out, rows, times, cfg, texts, order,
           workers, rare_names=True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Of the passages ``rows`` (equal but for a word or two), the words only one side
    holds that are names (see the module's text): their passage, side and token."""
    picks = []  # every word one side only holds: (passage, side, token in the passage, hash)
    for side, col, flat, bounds in ((0, _LOST_AT, S, s_bounds), (1, _ADDED_AT, T, t_bounds)):
        for j in range(SWAPPED_WORDS):
            at = out[rows, col + j]
            ok = at >= 0
            picks.append((rows[ok], np.full(ok.sum(), side), at[ok], flat[bounds[rows[ok]] + at[ok]]))
    row, side, at, word = (np.concatenate(x) for x in zip(*picks))
    post = np.where(side == 0, src[row], tgt[row])
    token = np.where(side == 0, spans[row, 0], spans[row, 2]) + at
    starts, ends = np.full(len(row), -1, dtype=np.int64), np.full(len(row), -1, dtype=np.int64)
    words = np.full(len(row), "", dtype=object)
    # a name is capitalised where the text's case tells (not as the first word of a sentence):
    # the source side's words are read first, the target's only where the source holds a capital
    name = np.zeros(len(row), dtype=bool)
    for s in (0, 1):
        mine = np.flatnonzero((side == s) & (np.isin(row, row[name & (side == 0)]) if s else True))
        starts[mine], ends[mine] = char_offsets(texts, order[post[mine]], token[mine],
                                                np.diff(tokens.offsets)[post[mine]], workers=workers)
        found = mine[starts[mine] >= 0]
        words[found] = slice_texts(texts, order[post[found]], starts[found], ends[found], workers=workers).to_pylist()
        name[mine] = [w[:1].isupper() for w in words[mine]]
    read_all = np.isin(row, row[name & (side == 0)])  # a row whose words were read on both sides
    name &= read_all
    at_name = np.flatnonzero(name)
    before = slice_texts(texts, order[post[at_name]], starts[at_name] - 40, starts[at_name], workers=workers)
    informative = {p: case_informative(_text(texts, order[p])) for p in np.unique(post[at_name]).tolist()}
    for k, b in zip(at_name.tolist(), before.to_pylist()):
        b = (b or "").rstrip()
        name[k] = informative[int(post[k])] and bool(b) and b[-1] not in _OPENING
    for r in np.unique(row[name]).tolist():
        mine = np.flatnonzero(row == r)  # (every word of the row was read)
        sides = [sorted((at[k], words[k].casefold()) for k in mine if side[k] == s) for s in (0, 1)]
        if "".join(w for _, w in sides[0]) == "".join(w for _, w in sides[1]):
            name[mine] = False  # one word hyphenated or split otherwise ("Coexistence" / "Co-existence")
            continue
        for k in mine:  # spelt or inflected otherwise: the same first letters ("Zelenskyy" / "Zelenskiy")
            if any(words[k].casefold()[:SPELLING_PREFIX] == w[:SPELLING_PREFIX] for _, w in sides[1 - side[k]]):
                name[k] = False
    # ... and rare around the target, counted only for passages with such a word on each side
    on = np.zeros((len(out), 2), dtype=bool)
    on[row[name], side[name]] = True
    name &= on.all(axis=1)[row]
    if name.any() and rare_names:
        df, window = window_frequency(tokens, times, tgt[row[name]], word[name], window_ns=cfg.window_ns,
                                      workers=workers)
        name[np.flatnonzero(name)] = (df <= np.maximum(cfg.rare_min_posts, cfg.rare_share * window)) \
            & (window >= FEED_POSTS)
    return row[name], side[name], at[name]


def _chars(tokens, texts, order, posts: np.ndarray, token: np.ndarray, workers: int = 2):
    """Where tokens ``token`` of ``posts`` are in their texts (character start and end, -1 past
    the end; :func:`amplify.text.char_offsets`, one pass per text), and those texts by post."""
    starts, ends = char_offsets(texts, order[posts], token, np.diff(tokens.offsets)[posts], workers=workers)
    return starts, ends, {int(p): _text(texts, order[p]) for p in np.unique(posts).tolist()}


def _sentence_pieces(text: str, starts: np.ndarray, ends: np.ndarray, start: int, facts: np.ndarray) -> list:
    """Tokens ``start`` ... ``start + len(starts)`` (their characters in ``text``: ``starts``,
    ``ends``) without the sentences that hold the tokens ``facts`` (numbered from ``start``):
    the pieces left, as ``(start, end)``."""
    n = len(starts)
    # a sentence ends after token i when the text between it and the next one says so
    breaks = [i for i in range(n - 1) if ends[i] >= 0 and starts[i + 1] >= 0
              and _SENTENCE_BREAK.search(text, ends[i], starts[i + 1])]
    bounds = [0] + [i + 1 for i in breaks] + [n]
    out = []
    for a, b in zip(bounds[:-1], bounds[1:]):
        if not ((facts >= a) & (facts < b)).any():
            if out and out[-1][1] == start + a:
                out[-1] = (out[-1][0], start + b)
            else:
                out.append((start + a, start + b))
    return out


def _remainders(tokens, src, tgt, spans, facts: PassageFacts, texts, order) -> tuple[np.ndarray, np.ndarray]:
    """What is left of each passage that states other facts once the sentences holding
    them are cut out of both sides: pieces paired in order, from the passage's start for
    those before the first cut and from its end for those after (a cut sentence may be
    longer on one side). Returns the passage each piece comes from, and its spans."""
    cut = np.flatnonzero(facts.differ)
    # every token of both sides of those passages, located in one pass per text
    sides = [(k, side, post, a, b) for k in cut.tolist()
             for side, post, (a, b) in ((0, src[k], spans[k, :2].tolist()), (1, tgt[k], spans[k, 2:].tolist()))]
    width = np.array([b - a for *_, a, b in sides], dtype=np.int64)
    posts = np.repeat(np.array([x[2] for x in sides], dtype=np.int64), width)
    token = np.concatenate([np.arange(a, b) for *_, a, b in sides]) if sides else _ints()
    starts, ends, read = _chars(tokens, texts, order, posts, token)
    bounds = np.concatenate([[0], np.cumsum(width)])
    pieces = {}
    for j, (k, side, post, a, b) in enumerate(sides):
        mine = (facts.at_row == k) & (facts.at_side == side)
        pieces[k, side] = _sentence_pieces(read[int(post)], starts[bounds[j]:bounds[j + 1]],
                                           ends[bounds[j]:bounds[j + 1]], a, facts.at_token[mine])
    parents, kept = [], []
    for k in cut.tolist():
        a, b, c, d = spans[k].tolist()
        left_t = pieces[k, 1]
        for x, y in pieces[k, 0]:
            # where the piece falls on the target side, read from the nearer end of the passage
            u, v = (c + x - a, c + y - a) if x == a else (d - (b - x), d - (b - y))
            overlap = [min(v, q) - max(u, p) for p, q in left_t]
            if overlap and max(overlap) > 0:
                p, q = left_t[int(np.argmax(overlap))]
                parents.append(k)
                kept.append((x, y, p, q))
    return np.array(parents, dtype=np.int64), np.array(kept, dtype=np.int64).reshape(-1, 4)


@njit(cache=True, nogil=True)
def _changed(hashes, offsets, src, tgt, spans, out):
    """Whether each span pair differs both ways: the source side holds a token the target
    side lacks, and the other way round (an exact copy, or one side cut short, cannot
    state other facts). Exact copies are told at once; the rest by sorted membership."""
    for k in range(len(src)):
        A = hashes[offsets[src[k]] + spans[k, 0]:offsets[src[k]] + spans[k, 1]]
        B = hashes[offsets[tgt[k]] + spans[k, 2]:offsets[tgt[k]] + spans[k, 3]]
        out[k] = False
        if len(A) == len(B):
            same = True
            for i in range(len(A)):
                if A[i] != B[i]:
                    same = False
                    break
            if same:
                continue
        sb = np.sort(B)
        lost = False
        for i in range(len(A)):
            if not contains_hash(sb, A[i]):
                lost = True
                break
        if lost:
            sa = np.sort(A)
            for i in range(len(B)):
                if not contains_hash(sa, B[i]):
                    out[k] = True
                    break


@njit(cache=True, nogil=True)
def _measure_rows(hashes, narrow, offsets, src, tgt, spans, lcs_out, half_out):
    """Longest common subsequence of each span pair, and its source side in half-words."""
    for k in range(len(src)):
        a = offsets[src[k]]
        A = hashes[a + spans[k, 0]:a + spans[k, 1]]
        B = hashes[offsets[tgt[k]] + spans[k, 2]:offsets[tgt[k]] + spans[k, 3]]
        lcs_out[k] = lcs(A, B)
        hw = 0
        for q in range(a + spans[k, 0], a + spans[k, 1]):
            hw += 1 if narrow[q] else 2
        half_out[k] = hw


def _in_chunks(workers: int, n: int, run) -> None:
    """``run(a, b)`` over ``[0, n)`` cut in one range per thread (compiled kernels release the GIL)."""
    cuts = np.linspace(0, n, max(1, workers) + 1).astype(np.int64).tolist()
    if workers <= 1 or n < _PARALLEL_MIN_ROWS:
        run(0, n)
        return
    with ThreadPoolExecutor(workers) as ex:
        list(ex.map(lambda ab: run(*ab), zip(cuts[:-1], cuts[1:])))


def _differs(tokens: Tokens, src: np.ndarray, tgt: np.ndarray, spans: np.ndarray, workers: int = 2) -> np.ndarray:
    out = np.zeros(len(src), dtype=bool)
    src, tgt = np.asarray(src, dtype=np.int64), np.asarray(tgt, dtype=np.int64)
    spans = np.ascontiguousarray(spans, dtype=np.int64).reshape(-1, 4)
    _in_chunks(workers, len(src), lambda a, b: _changed(tokens.hashes, tokens.offsets, src[a:b], tgt[a:b],
                                                        spans[a:b], out[a:b]))
    return out


def _take(evidence: Evidence, idx: np.ndarray) -> Evidence:
    """The evidence of the pairs ``idx`` only."""
    parts = {}
    for f in dataclasses.fields(evidence):
        value = getattr(evidence, f.name)
        parts[f.name] = None if value is None else type(value)(*(a[idx] for a in value)) \
            if f.name == "agreement" else value[idx]
    return Evidence(**parts)


def check_passages(evidence: Evidence, tokens: Tokens, index: ShingleIndex, times: np.ndarray, cfg: DetectSettings,
                   texts=None, order: Optional[np.ndarray] = None,
                   workers: int = 2) -> tuple[Evidence, np.ndarray, PassageChanges]:
    """The evidence without the passages of long echoes that state other facts, each pair's
    kind (:func:`~amplify.detect.classify.classify` of that evidence), and what changed.

    Asks about the pairs that :func:`~amplify.detect.classify.classify` makes
    ``verbatim``, ``quote`` or ``reuse`` and whose shorter text is not short
    (short texts are compared whole, :mod:`amplify.detect.content`). For each
    pair with a passage that states other facts (:func:`passage_facts`) the
    returned evidence's coverage, long passages and extent count only the
    passages that remain (with what is left of a cut passage), and its region
    is the longest of them that is a quote when the region it showed states
    other facts; ``other_facts`` says how many passages were cut and
    ``region_differs`` marks the pairs that show one still (no quote remains).
    Every other pair's evidence is as it was; the arrays of ``evidence`` are
    changed in place (its pairs' coverage, extent and region: read what is
    returned, not the evidence given). Without ``texts`` (and
    ``order``: post ``p``'s text is ``texts[order[p]]``) only numbers are read,
    and a passage is never cut.

    Most long echoes are exact copies of their passages: a pair is read
    passage by passage only when one of them has a gap between its matches
    (``gapped_passages``), and a passage only when its sides differ both ways.
    """
    n = len(evidence.src)
    other, region_differs = _ints(n), _ints(n)
    kinds = classify(evidence, cfg)
    ag = evidence.agreement
    short = np.zeros(n, dtype=bool) if ag is None else \
        (ag.short_half_words >= 0) & (ag.short_half_words <= 2 * cfg.short_words)
    # a pair whose passages are exact copies (no gap between their matches) cannot state other facts
    ask = np.flatnonzero(np.isin(kinds, (VERBATIM, QUOTE, REUSE)) & ~short & (evidence.gapped_passages > 0))
    unchanged = dataclasses.replace(evidence, other_facts=other, region_differs=region_differs), kinds, \
        PassageChanges(_ints(), _ints(), _ints(), _ints(), np.zeros((0, 4), dtype=np.int64))
    if len(ask) == 0:
        return unchanged
    src, tgt = evidence.src[ask], evidence.tgt[ask]
    offsets, spans = passage_spans(tokens, index, src, tgt, evidence.passages[ask], shingle=cfg.shingle,
                                   min_quote_words=cfg.min_quote_tokens, workers=workers)
    region = np.stack([evidence.region_src_start[ask], evidence.region_src_end[ask],
                       evidence.region_tgt_start[ask], evidence.region_tgt_end[ask]], axis=1)
    # each pair's passages, then the passage it shows
    rows = np.insert(spans, offsets[1:], region, axis=0)
    row_off = offsets + np.arange(len(ask) + 1)
    pair = np.repeat(np.arange(len(ask)), np.diff(row_off))
    read = np.flatnonzero(_differs(tokens, src[pair], tgt[pair], rows, workers))
    facts = passage_facts(tokens, src[pair[read]], tgt[pair[read]], rows[read], times, cfg, texts, order, workers)
    if not facts.differ.any():
        return unchanged
    differ = np.zeros(len(rows), dtype=bool)
    differ[read] = facts.differ
    is_region = np.zeros(len(rows), dtype=bool)
    is_region[row_off[1:] - 1] = True
    touched = np.unique(pair[differ])
    # the passages of those pairs, and what is left of those that state other facts, read again
    # (and not cut again)
    mine = np.isin(pair, touched)
    renumber = np.cumsum(mine) - 1
    facts = facts._replace(differ=differ[mine], at_row=renumber[read[facts.at_row]])
    rows, pair, is_region = rows[mine], pair[mine], is_region[mine]
    parent, pieces = (_ints(), np.zeros((0, 4), dtype=np.int64)) if texts is None else \
        _remainders(tokens, src[pair], tgt[pair], rows, facts, texts, order)
    # (the pair has shown its other facts: a capitalised word swapped there is another name, rare or not)
    left = passage_facts(tokens, src[pair[parent]], tgt[pair[parent]], pieces, times, cfg, texts, order, workers,
                         rare_names=False)
    every = np.concatenate([rows, pieces])
    of_pair = np.concatenate([pair, pair[parent]])
    usable = np.concatenate([~facts.differ & ~is_region, ~left.differ])  # the shown passage is one of the others
    every_lcs, half = _ints(len(every)), _ints(len(every))
    _measure_rows(tokens.hashes, tokens.narrow, tokens.offsets, src[of_pair], tgt[of_pair], every, every_lcs, half)
    ratio = 200.0 * every_lcs / np.maximum(every[:, 1] - every[:, 0] + every[:, 3] - every[:, 2], 1)
    quote_like = (half >= 2 * cfg.min_quote_tokens) & (ratio >= cfg.quote_min)
    long_run = (every[:, 3] - every[:, 2] >= int(np.ceil(cfg.min_quote_tokens))) & (half >= 2 * cfg.min_quote_tokens)
    # (in place: copies of these arrays of every verified pair cost more than all the rest)
    fields = {f: getattr(evidence, f) for f in (
        "region_src_start", "region_src_end", "region_tgt_start", "region_tgt_end", "lcs_region",
        "region_half_words", "covered_src", "covered_tgt", "long_passages",
        "extent_src_start", "extent_src_end", "extent_tgt_start", "extent_tgt_end")}
    span_fields = ("region_src_start", "region_src_end", "region_tgt_start", "region_tgt_end")
    extent_fields = ("extent_src_start", "extent_src_end", "extent_tgt_start", "extent_tgt_end")
    is_run = np.concatenate([~is_region, np.zeros(len(pieces), dtype=bool)])
    is_shown = np.concatenate([is_region, np.zeros(len(pieces), dtype=bool)])
    every_differ = np.concatenate([facts.differ, left.differ])
    by_pair = np.argsort(of_pair, kind="stable")
    first = np.searchsorted(of_pair[by_pair], touched)
    last = np.searchsorted(of_pair[by_pair], touched, side="right")
    kept_rows = []
    for i, lo, hi in zip(touched.tolist(), first.tolist(), last.tolist()):
        p = ask[i]
        own = by_pair[lo:hi]
        shown = own[is_shown[own]][0]
        other[p] = max(int(every_differ[own[is_run[own]]].sum()), int(every_differ[shown]))
        kept = own[usable[own]]
        kept = kept[np.unique(every[kept], axis=0, return_index=True)[1]] if len(kept) else kept
        kept = kept[np.argsort(every[kept, 0], kind="stable")]
        kept_rows.append(kept)
        fields["covered_src"][p] = _union(every[kept, 0], every[kept, 1])
        fields["covered_tgt"][p] = _union(every[kept, 2], every[kept, 3])
        fields["long_passages"][p] = int(long_run[kept].sum())
        if len(kept):
            for c, f in enumerate(extent_fields):
                fields[f][p] = every[kept, c].min() if c % 2 == 0 else every[kept, c].max()
        # (a template is scored on the passage it shows, as a quote would be)
        fields["lcs_region"][p], fields["region_half_words"][p] = every_lcs[shown], half[shown]
        if not every_differ[shown]:
            continue
        quotes = kept[quote_like[kept]]
        best = quotes[np.argmax(every_lcs[quotes])] if len(quotes) else shown
        region_differs[p] = int(best == shown)
        for c, f in enumerate(span_fields):
            fields[f][p] = every[best, c]
        fields["lcs_region"][p] = every_lcs[best]
        fields["region_half_words"][p] = half[best]
    kept = np.concatenate(kept_rows)
    evidence = dataclasses.replace(evidence, **fields, other_facts=other, region_differs=region_differs)
    # the kinds of the pairs whose evidence changed, on it
    kinds[ask[touched]] = classify(_take(evidence, ask[touched]), cfg)
    return (evidence, kinds,
            PassageChanges(src[touched], tgt[touched], src[of_pair[kept]], tgt[of_pair[kept]], every[kept]))


def _union(starts: np.ndarray, ends: np.ndarray) -> int:
    """Tokens covered by the union of the spans ``[starts[k], ends[k])``."""
    total, reach = 0, -1
    for a, b in sorted(zip(starts.tolist(), ends.tolist())):
        total += max(0, b - max(a, reach))
        reach = max(reach, b)
    return total
