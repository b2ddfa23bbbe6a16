"""Blocking for short texts: pairs of headlines and tweets that share rare words.

The shingle join (:mod:`amplify.detect.candidates`) pairs posts that share
``min_shared`` shingles of ``shingle`` (4) tokens. Two headlines restating one
statement in 6 to 15 words rarely keep two 4-word runs intact ("Kuleba: time
has come to impose sanctions on Russia" / "Russia must now face sanctions,
Kuleba says" share none), so they are never verified at all; 3-word shingles
find some but pair hundreds of unrelated long posts that share a stock phrase.

This module adds a second candidate source for *short* posts only (at most
``short_block_words`` tokens): two short posts inside the window that share at
least :data:`MIN_RARE_WORDS` words that are rare around the later one. It is the
same sort-based join as the shingle join, run over 1-token "shingles" of the
short posts: :func:`amplify.detect.shingles.shingles` with ``n=1`` keys every
word of a short post, and :func:`amplify.detect.candidates.candidate_pairs`
joins them inside the window. A word held by more than
:data:`RARE_AT` other short posts within ``+- window`` of the target is
common there and pairs nobody (no partner is kept for it: a topic word shared
by a story's hundred headlines is no evidence of an echo). The number of
(word, pair) meetings is therefore at most ``RARE_AT`` per word of a short
post, and nothing is compared all-against-all.

As with the shingle join, every decision about a target depends only on the
posts within ``[t - window, t + window]`` (a word's rarity is counted around
the target), so incremental detection gives the links of a full run.

Verification and classification then decide as for any pair: a short pair
with no shingles in common is an echo only by the rules that read the whole
short text (restated in order, or a short paraphrase whose rare words agree,
see :mod:`amplify.detect.classify`).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from amplify.detect.candidates import Candidates, candidate_pairs
from amplify.detect.shingles import build_index, shared_set, shingles

__all__ = ["MIN_RARE_WORDS", "RARE_AT", "short_pairs", "short_pair_worth_verifying", "merge_short_pairs"]

#: Rare words two short posts must share to be verified. (One shared rare
#: word -- a name -- pairs every headline of a person's week.)
MIN_RARE_WORDS = 2
#: A word held by more than this many other short posts within +- window of
#: the target is common there and pairs nobody.
RARE_AT = 12
# shortest post the short join reads: fewer words cannot share two rare ones
# and still restate anything
_MIN_WORDS = 3


@njit(cache=True, nogil=True)
def _gather(hashes, offsets, short, out, out_off):
    """Tokens of the ``short`` posts into ``out`` (post ``p`` at ``out_off[p]``), others left empty."""
    for p in range(len(short)):
        if short[p]:
            a, o = offsets[p], out_off[p]
            for i in range(offsets[p + 1] - a):
                out[o + i] = hashes[a + i]


def short_posts(lengths: np.ndarray, max_words: int) -> np.ndarray:
    """Which posts the short join reads: ``_MIN_WORDS`` to ``max_words`` tokens."""
    return (lengths >= _MIN_WORDS) & (lengths <= max_words)


def short_pairs(token_hashes: np.ndarray, token_offsets: np.ndarray, times: np.ndarray, window: int,
                max_words: int, *, min_words: int = MIN_RARE_WORDS, rare_at: int = RARE_AT,
                workers: int = 2) -> Candidates:
    """Pairs of short posts, ``src`` earlier, that share ``min_words`` rare words inside the window.

    Parameters
    ----------
    token_hashes : ndarray of uint64
        Every post's token hashes (:attr:`amplify.text.Tokens.hashes`).
    token_offsets : ndarray of int64
        Post ``p`` owns ``token_hashes[token_offsets[p]:token_offsets[p + 1]]``;
        posts numbered in time order.
    times : ndarray of int64
        Time of each post (non-decreasing).
    window : int
        Longest lag, in the unit of ``times``.
    max_words : int
        Longest post, in tokens, that the join reads (both posts of a pair
        are at most this long).
    min_words : int
        Rare words a pair must share (a word repeated in a post counts once).
    rare_at : int
        A word held by more than this many other short posts within
        ``+- window`` of the target is common there and pairs nobody.
    workers : int
        Threads.

    Returns
    -------
    Candidates
        Sorted by ``(tgt, src)``, each pair once; ``shared`` and ``rare``
        count the rare *words* the pair shares.
    """
    lengths = np.diff(token_offsets)
    short = short_posts(lengths, max_words)
    kept = np.where(short, lengths, 0)
    off = np.zeros(len(lengths) + 1, np.int64)
    np.cumsum(kept, out=off[1:])
    words = np.empty(int(off[-1]), np.uint64)
    _gather(token_hashes, token_offsets, short, words, off)
    # a word is a shingle of one token: the shingle join's keys, bitset and index serve as they are
    keys, key_off = shingles(words, off, 1, workers)
    del words
    index = build_index(keys, key_off, shared_set(keys, workers), workers)
    del keys, key_off
    return candidate_pairs(index, times, window, min_shared=min_words, common_at=rare_at,
                           keep_first=0, keep_last=0, workers=workers)


def short_pair_worth_verifying(pairs: Candidates, lengths: np.ndarray, settings) -> np.ndarray:
    """Which short pairs may still be echoes: their lengths allow the word
    overlap a paraphrase needs (``2 min(len) >= paraphrase_min_dice (len_s + len_t)``,
    ``settings`` a :class:`~amplify.detect.DetectSettings`),
    and the rare words they share are at least a third of the shorter text
    (two names in common between a 5-word and a 15-word headline are a topic)."""
    ls, lt = lengths[pairs.src], lengths[pairs.tgt]
    fits = 2.0 * np.minimum(ls, lt) >= settings.paraphrase_min_dice * (ls + lt)
    return fits & (3 * pairs.rare >= np.minimum(ls, lt))


def merge_short_pairs(pairs: Candidates, short: Candidates, found: Candidates) -> Candidates:
    """The pairs to verify: ``pairs`` (the shingle join's, filtered) and the
    ``short`` pairs not among them, sorted by ``(tgt, src)``.

    A short pair carries the shingle counts the shingle join found for it
    (``found``, before filtering: one shared shingle, or two of which few
    are rare), else zero -- classification reads them as shingle counts.
    """
    if len(short.src) == 0:
        return pairs
    key = lambda c: (np.asarray(c.tgt, np.int64) << 32) | np.asarray(c.src, np.int64)  # noqa: E731
    have, new = key(pairs), key(short)
    fresh = ~np.isin(new, have, assume_unique=True)
    new = new[fresh]
    # counts of the shingle join (its pairs are sorted by (tgt, src), so their keys are sorted)
    seen = key(found)
    at = np.minimum(np.searchsorted(seen, new), max(len(seen) - 1, 0))
    hit = (seen[at] == new) if len(seen) else np.zeros(len(new), bool)
    shared = np.where(hit, found.shared[at] if len(seen) else 0, 0).astype(np.int64)
    rare = np.where(hit, found.rare[at] if len(seen) else 0, 0).astype(np.int64)
    all_keys = np.concatenate([have, new])
    order = np.argsort(all_keys, kind="stable")
    return Candidates((all_keys[order] & 0xFFFFFFFF).astype(np.int64), (all_keys[order] >> 32).astype(np.int64),
                      np.concatenate([np.asarray(pairs.shared, np.int64), shared])[order],
                      np.concatenate([np.asarray(pairs.rare, np.int64), rare])[order],
                      pairs.n_keys, pairs.n_rows, pairs.seconds)
