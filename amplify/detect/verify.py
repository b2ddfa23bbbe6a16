"""Verification: align each candidate pair and measure how much of it is shared.

For every candidate pair a compiled kernel

1. finds the shingles the two posts share (only shingles held by more than
   one post are indexed, so this is a merge of two short lists) and groups
   them into the densest aligned region -- a passage of the source that
   reappears in the target;
2. scores the whole posts and that region with the Indel similarity over
   *tokens* (``100 * 2 * LCS / (len_a + len_b)``): exactly rapidfuzz's
   ``fuzz.ratio`` applied to token sequences (:mod:`amplify.detect.similarity`),
   here inside the same compiled loop so that no Python string is built per
   pair. A substituted word costs one, whatever its length;
3. counts the bag-of-words overlap (Dice coefficient of the token multisets),
   which survives reordering.

What it finds is an :class:`Evidence` record, one array per named field;
:func:`amplify.detect.classify.classify` turns it into kinds. Evidence is
computed lazily, cheapest first, and only where it can still change the
verdict (the thresholds are passed in for that alone): an LCS is -1 where the
lengths already rule its kind out, or where an earlier kind already holds.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import NamedTuple, Optional

import numpy as np
from numba import njit

from amplify.detect.candidates import Candidates
from amplify.detect.content import Agreement
from amplify.detect.shingles import ShingleIndex
from amplify.detect.similarity import bag_overlap, bag_table, bag_table_size, lcs
from amplify.text import Tokens

__all__ = ["Evidence", "verify_pairs", "passage_spans"]

# The kernel fills one row of an int64 matrix per pair. Its columns are named
# here and read by name nowhere else: Evidence gives each its own field. (They
# stay in this module, beside the kernel: numba's cache does not notice a
# change to a constant imported from another file.)
_REGION_SRC_START, _REGION_SRC_END, _REGION_TGT_START, _REGION_TGT_END = 0, 1, 2, 3
_REGION_SHINGLES = 4
_MATCHED_SHINGLES = 5
_EXTENT_SRC_START, _EXTENT_SRC_END, _EXTENT_TGT_START, _EXTENT_TGT_END = 6, 7, 8, 9
_BAG_OVERLAP = 10
_LCS_WHOLE = 11
_LCS_REGION = 12
_REGION_HALF_WORDS = 13
_PASSAGES = 14
_COVERED_SRC, _COVERED_TGT = 15, 16
_LONG_PASSAGES = 17
_GAPPED_PASSAGES = 18
_N_COLUMNS = 19

_NOT_COMPUTED = -1
# a passage is a run of at least this many matched shingles (one shingle alone
# is a 4-word phrase any two texts may share)
_PASSAGE_MIN_SHINGLES = 2
# a passage covering this share of a text finds that text whole in the other
_CONTAINED = 0.9
# below this many pairs one thread does it all (threads cost more than they save)
_PARALLEL_MIN_PAIRS = 20000


@dataclass(frozen=True)
class Evidence:
    """What blocking and verification found for each candidate pair.

    Every field is an int64 array with one entry per pair. Token offsets
    count tokens from the start of their post; evidence that was not worth
    computing is -1 (see :func:`verify_pairs`).

    Attributes
    ----------
    src, tgt : ndarray
        The pair's posts (numbers in time order), the source the earlier.
    src_tokens, tgt_tokens : ndarray
        Tokens in each post.
    shared, rare : ndarray
        Shingles the pair shares, and those of them not common inside the
        window (:mod:`amplify.detect.candidates`).
    region_src_start, region_src_end, region_tgt_start, region_tgt_end : ndarray
        The densest aligned passage: a run of matched shingles, with gaps of
        at most ``gap`` tokens, in the source and in the target.
    region_shingles : ndarray
        Matched shingles in that passage.
    matched_shingles : ndarray
        Target shingles found in the source anywhere.
    extent_src_start, extent_src_end, extent_tgt_start, extent_tgt_end : ndarray
        Extent of all the matches (0 where nothing matched).
    bag_overlap : ndarray
        Size of the multiset intersection of the two posts' tokens.
    lcs_whole : ndarray
        Longest common subsequence of the two posts' tokens.
    lcs_region : ndarray
        Longest common subsequence of the two passages' tokens.
    region_half_words : ndarray
        Length of the source passage in half-words (a word is 2, a character
        of Chinese, Japanese or Thai is 1).
    passages : ndarray
        Reused passages found: runs of at least two matched shingles, with
        gaps of at most ``gap`` tokens (a lightly edited sentence is one).
    covered_src, covered_tgt : ndarray
        Tokens of the source (target) inside some passage.
    long_passages : ndarray
        Passages of at least ``min_quote_words`` tokens in both texts.
    gapped_passages : ndarray
        Passages (the one shown among them) with a gap between two of their
        matches: only these can differ inside; the others are exact copies.
    agreement : Agreement, optional
        Whether the texts' rare words and numbers agree, for the pairs it
        was asked about (:mod:`amplify.detect.content`); None before that.
    other_facts, region_differs : ndarray of int64, optional
        Passages of a long echo that state other numbers or names on both
        sides (:mod:`amplify.detect.passage_facts`; 0 where none or not asked),
        and 1 where the passage the pair shows is one of them and no other
        quote of the pair can be shown instead; None before that. The region,
        coverage and extent fields then describe the passages that remain.
    """

    src: np.ndarray
    tgt: np.ndarray
    src_tokens: np.ndarray
    tgt_tokens: np.ndarray
    shared: np.ndarray
    rare: np.ndarray
    region_src_start: np.ndarray
    region_src_end: np.ndarray
    region_tgt_start: np.ndarray
    region_tgt_end: np.ndarray
    region_shingles: np.ndarray
    matched_shingles: np.ndarray
    extent_src_start: np.ndarray
    extent_src_end: np.ndarray
    extent_tgt_start: np.ndarray
    extent_tgt_end: np.ndarray
    bag_overlap: np.ndarray
    lcs_whole: np.ndarray
    lcs_region: np.ndarray
    region_half_words: np.ndarray
    passages: np.ndarray
    covered_src: np.ndarray
    covered_tgt: np.ndarray
    long_passages: np.ndarray
    gapped_passages: np.ndarray
    agreement: Optional[Agreement] = None
    other_facts: Optional[np.ndarray] = None
    region_differs: Optional[np.ndarray] = None

    # -- measures on the evidence (0 where it was not computed) --

    def whole_ratio(self) -> np.ndarray:
        """Token-level ``fuzz.ratio`` of the whole posts (0-100): ``200 * lcs_whole / (ls + lt)``."""
        total = np.maximum(self.src_tokens + self.tgt_tokens, 1)
        return np.where(self.lcs_whole >= 0, 200.0 * self.lcs_whole / total, 0.0)

    def region_ratio(self) -> np.ndarray:
        """Token-level ``fuzz.ratio`` of the two passages (0-100)."""
        total = np.maximum(self.region_src_end - self.region_src_start + self.region_tgt_end - self.region_tgt_start,
                           1)
        return np.where(self.lcs_region >= 0, 200.0 * self.lcs_region / total, 0.0)

    def region_words(self) -> np.ndarray:
        """Length of the source passage in words (a Han/Kana/Thai character is half a word)."""
        return self.region_half_words / 2.0

    def dice(self) -> np.ndarray:
        """Bag-of-words Dice coefficient of the two posts (0-1): ``2 * |A & B| / (|A| + |B|)``."""
        total = np.maximum(self.src_tokens + self.tgt_tokens, 1)
        return np.where(self.bag_overlap >= 0, 2.0 * self.bag_overlap / total, 0.0)

    def source_cover(self) -> np.ndarray:
        """Share of the source the passage makes up (0-1)."""
        return (self.region_src_end - self.region_src_start) / np.maximum(self.src_tokens, 1)

    def shorter_cover(self) -> np.ndarray:
        """Share of the shorter text the passage makes up (0-1): 1 when one text is found whole in the other."""
        return np.maximum((self.region_src_end - self.region_src_start) / np.maximum(self.src_tokens, 1),
                          (self.region_tgt_end - self.region_tgt_start) / np.maximum(self.tgt_tokens, 1))

    def source_coverage(self) -> np.ndarray:
        """Share of the source inside reused passages (0-1)."""
        return self.covered_src / np.maximum(self.src_tokens, 1)

    def target_coverage(self) -> np.ndarray:
        """Share of the target inside reused passages (0-1)."""
        return self.covered_tgt / np.maximum(self.tgt_tokens, 1)

    def shorter_coverage(self) -> np.ndarray:
        """Share of the shorter text inside reused passages (0-1): no rule reads the longer text's length."""
        return np.where(self.src_tokens <= self.tgt_tokens, self.source_coverage(), self.target_coverage())

    def source_spread(self) -> np.ndarray:
        """Share of the source the matches spread over, first to last (0-1)."""
        return (self.extent_src_end - self.extent_src_start) / np.maximum(self.src_tokens, 1)


def _evidence_of(pairs: Candidates, lengths: np.ndarray, m: np.ndarray) -> Evidence:
    """The record over the kernel's matrix ``m`` (its columns, not copies)."""
    return Evidence(
        src=pairs.src, tgt=pairs.tgt, src_tokens=lengths[pairs.src], tgt_tokens=lengths[pairs.tgt],
        shared=pairs.shared, rare=pairs.rare,
        region_src_start=m[:, _REGION_SRC_START], region_src_end=m[:, _REGION_SRC_END],
        region_tgt_start=m[:, _REGION_TGT_START], region_tgt_end=m[:, _REGION_TGT_END],
        region_shingles=m[:, _REGION_SHINGLES], matched_shingles=m[:, _MATCHED_SHINGLES],
        extent_src_start=m[:, _EXTENT_SRC_START], extent_src_end=m[:, _EXTENT_SRC_END],
        extent_tgt_start=m[:, _EXTENT_TGT_START], extent_tgt_end=m[:, _EXTENT_TGT_END],
        bag_overlap=m[:, _BAG_OVERLAP], lcs_whole=m[:, _LCS_WHOLE], lcs_region=m[:, _LCS_REGION],
        region_half_words=m[:, _REGION_HALF_WORDS], passages=m[:, _PASSAGES],
        covered_src=m[:, _COVERED_SRC], covered_tgt=m[:, _COVERED_TGT], long_passages=m[:, _LONG_PASSAGES],
        gapped_passages=m[:, _GAPPED_PASSAGES],
    )


class _Posts(NamedTuple):
    """What the kernel reads of every post: tokens and shared shingles, flat."""

    tokens: np.ndarray             # token hashes, posts one after another
    narrow: np.ndarray             # the token is a character of a script without spaces
    token_offsets: np.ndarray      # post p owns tokens[token_offsets[p]:token_offsets[p + 1]]
    shingles: np.ndarray           # shared shingle hashes, per post (ShingleIndex.hashes)
    shingle_positions: np.ndarray  # each shingle's first token within its post
    shingle_offsets: np.ndarray    # post p owns shingles[shingle_offsets[p]:shingle_offsets[p + 1]]


class _Limits(NamedTuple):
    """The alignment's scalars and the thresholds that say which evidence is worth computing."""

    shingle: int              # tokens per shingle
    gap: int                  # most tokens between two matches of one passage
    verbatim_min: float       # whole-post ratio for verbatim
    quote_min: float          # passage ratio for a quote
    quote_half_words: float   # shortest quote, in half-words
    contained_half_words: float  # shortest text found whole in another that is a quote, in half-words
    long_passage: int         # fewest target tokens of a long passage (its source length is read in half-words)
    dice_min: float           # bag-of-words Dice for a paraphrase
    ratio_min: float          # whole-post ratio floor for a paraphrase (0: none)


class _Source(NamedTuple):
    """What the kernel prepares once per source for all its targets."""

    order: np.ndarray           # argsort of the source's shingles
    sorted_shingles: np.ndarray
    bag_keys: np.ndarray        # the table of the source's tokens (see bag_table), built lazily:
    bag_counts: np.ndarray      # bag_counts[0] < 0 while it is not built
    bag_left: np.ndarray        # scratch of bag_overlap


@njit(cache=True, nogil=True)
def _union_length(starts, ends):
    """Tokens covered by the union of the spans ``[starts[k], ends[k])``."""
    if len(starts) == 0:
        return 0
    order = np.argsort(starts)
    total = 0
    cur_a, cur_b = starts[order[0]], ends[order[0]]
    for k in order[1:]:
        if starts[k] > cur_b:
            total += cur_b - cur_a
            cur_a, cur_b = starts[k], ends[k]
        elif ends[k] > cur_b:
            cur_b = ends[k]
    return total + cur_b - cur_a


@njit(cache=True, nogil=True)
def _align(posts, limits, s, t, source, out, runs):
    """Match the target's shared shingles to the source's: the densest run of
    matches on one diagonal (the passage), every passage (runs of at least two
    matches) and the tokens they cover in each text, and the extent of all
    matches. Fills the REGION_*, EXTENT_*, *_SHINGLES, PASSAGES and COVERED_*
    columns of ``out``."""
    shoff, shpos, n, gap = posts.shingle_offsets, posts.shingle_positions, limits.shingle, limits.gap
    ssorted, order = source.sorted_shingles, source.order
    sa = shoff[s]
    ns = shoff[s + 1] - sa
    best_cnt = 0
    b0 = b1 = b2 = b3 = 0
    cnt = 0
    ca = cb = cc = cd = 0
    prev_i = -(10 ** 9)
    prev_j = -(10 ** 9)
    all_a = 1 << 62
    all_b = -1
    all_c = 1 << 62
    all_d = -1
    nmatch = 0
    # every passage (run of at least _PASSAGE_MIN_SHINGLES matches): its spans, for the coverage,
    # into `runs` (scratch of at least as many rows as the target has shingles, plus one)
    n_runs = 0
    gapped = cgap = best_gap = 0
    for jj in range(shoff[t], shoff[t + 1]):
        h = posts.shingles[jj]
        j = np.int64(shpos[jj])
        k = np.searchsorted(ssorted, h)
        if k >= ns or ssorted[k] != h:
            continue
        # several source positions may carry this shingle: take the one
        # closest to the current run's diagonal
        i = np.int64(shpos[sa + order[k]])
        if cnt > 0:
            bestd = abs((i - prev_i) - (j - prev_j))
            kk = k + 1
            while kk < ns and ssorted[kk] == h:
                ii = np.int64(shpos[sa + order[kk]])
                d = abs((ii - prev_i) - (j - prev_j))
                if d < bestd:
                    bestd = d
                    i = ii
                kk += 1
        nmatch += 1
        all_a = min(all_a, i)
        all_b = max(all_b, i + n)
        all_c = min(all_c, j)
        all_d = max(all_d, j + n)
        if cnt > 0 and j - prev_j <= gap and abs(i - prev_i) <= gap + (j - prev_j):
            cnt += 1
            if j - prev_j != 1 or i - prev_i != 1:
                cgap = 1  # a shingle or more unmatched between two matches: the run is not an exact copy
            ca = min(ca, i)
            cb = max(cb, i + n)
            cd = j + n
        else:
            # A new run: the target's shingles just before it may lie on its diagonal too, as
            # copies of a phrase the source says more than once ("The Hong Kong SAR government
            # and the" said twice), first matched to the other copy. Extend the run back over
            # them; a previous run it takes in whole was that wrong copy.
            back = 0
            ni, nj = i, j
            q = jj - 1
            while q >= shoff[t]:
                pj = np.int64(shpos[q])
                want = ni - (nj - pj)
                if nj - pj > gap or want < 0:
                    break
                hq = posts.shingles[q]
                kq = np.searchsorted(ssorted, hq)
                hit = False
                while kq < ns and ssorted[kq] == hq:
                    if np.int64(shpos[sa + order[kq]]) == want:
                        hit = True
                        break
                    kq += 1
                # a shingle off the diagonal is skipped, not an end: which of the target's
                # other shingles the index holds depends on the rest of the batch (the
                # shared-shingle filter keeps a few unique ones by chance), and the run
                # must not (a gap of up to ``gap`` tokens is allowed, as going forward)
                if hit:
                    back += 1
                    ni, nj = want, pj
                q -= 1
            if cnt >= _PASSAGE_MIN_SHINGLES and not (back > 0 and nj <= cc):
                runs[n_runs, 0], runs[n_runs, 1], runs[n_runs, 2], runs[n_runs, 3] = ca, cb, cc, cd
                n_runs += 1
                gapped += cgap
            cnt = 1 + back
            cgap = 1 if back > 0 else 0  # (taken back over skipped shingles, perhaps)
            ca, cb, cc, cd = ni, i + n, nj, j + n
        if cnt > best_cnt:
            best_cnt = cnt
            b0, b1, b2, b3 = ca, cb, cc, cd
            best_gap = cgap
        prev_i, prev_j = i, j
    if cnt >= _PASSAGE_MIN_SHINGLES:
        runs[n_runs, 0], runs[n_runs, 1], runs[n_runs, 2], runs[n_runs, 3] = ca, cb, cc, cd
        n_runs += 1
        gapped += cgap
    out[_PASSAGES] = n_runs
    out[_GAPPED_PASSAGES] = max(gapped, best_gap)
    # passages of quote length (in half-words: a character of Chinese, Japanese or Thai is half a word)
    long_runs = 0
    toff_s = posts.token_offsets[s]
    for k in range(n_runs):
        if runs[k, 3] - runs[k, 2] < limits.long_passage:
            continue
        hw = 0
        for q in range(toff_s + runs[k, 0], toff_s + runs[k, 1]):
            hw += 1 if posts.narrow[q] else 2
        if hw >= limits.quote_half_words:
            long_runs += 1
    out[_LONG_PASSAGES] = long_runs
    out[_COVERED_SRC] = _union_length(runs[:n_runs, 0], runs[:n_runs, 1])
    out[_COVERED_TGT] = _union_length(runs[:n_runs, 2], runs[:n_runs, 3])
    if nmatch == 0:
        all_a = all_b = all_c = all_d = 0
    out[_REGION_SRC_START], out[_REGION_SRC_END], out[_REGION_TGT_START], out[_REGION_TGT_END] = b0, b1, b2, b3
    out[_REGION_SHINGLES] = best_cnt
    out[_MATCHED_SHINGLES] = nmatch
    out[_EXTENT_SRC_START], out[_EXTENT_SRC_END], out[_EXTENT_TGT_START], out[_EXTENT_TGT_END] = \
        all_a, all_b, all_c, all_d


@njit(cache=True, nogil=True)
def _measure(posts, limits, s, t, source, out):
    """The passage's length and, cheapest first and only where they can
    still change the verdict, the LCS and bag evidence (after :func:`_align`)."""
    toff = posts.token_offsets
    b0, b1 = out[_REGION_SRC_START], out[_REGION_SRC_END]
    b2, b3 = out[_REGION_TGT_START], out[_REGION_TGT_END]
    S = posts.tokens[toff[s]:toff[s + 1]]
    T = posts.tokens[toff[t]:toff[t + 1]]
    ls, lt = len(S), len(T)
    out[_BAG_OVERLAP] = _NOT_COMPUTED
    out[_LCS_WHOLE] = _NOT_COMPUTED
    out[_LCS_REGION] = _NOT_COMPUTED
    # length of the source passage in half-words: a Han/Kana/Thai character is half a word
    hw = 0
    for q in range(toff[s] + b0, toff[s] + b1):
        hw += 1 if posts.narrow[q] else 2
    out[_REGION_HALF_WORDS] = hw
    length_bound = 200.0 * min(ls, lt) / max(ls + lt, 1)  # best ratio the lengths allow
    if length_bound >= limits.verbatim_min or (limits.ratio_min > 0 and length_bound >= limits.ratio_min):
        out[_LCS_WHOLE] = lcs(S, T)
        if 200.0 * out[_LCS_WHOLE] / max(ls + lt, 1) >= limits.verbatim_min:
            return  # verbatim: nothing else matters
    # a passage long enough for a quote, or most of a short text found whole in the other
    whole_text = (b1 - b0 >= _CONTAINED * ls or b3 - b2 >= _CONTAINED * lt) and hw >= limits.contained_half_words
    if out[_REGION_SHINGLES] > 0 and (hw >= limits.quote_half_words or whole_text):
        out[_LCS_REGION] = lcs(S[b0:b1], T[b2:b3])
        if 200.0 * out[_LCS_REGION] / max(b1 - b0 + b3 - b2, 1) >= limits.quote_min:
            return  # a quote, unless it proves to be boilerplate (then nothing is)
    if length_bound >= 100.0 * limits.dice_min:
        if source.bag_counts[0] < 0:  # built once per source, on its first pair that needs it
            bag_table(S, source.bag_keys, source.bag_counts)
        out[_BAG_OVERLAP] = bag_overlap(T, source.bag_keys, source.bag_counts, source.bag_left)


@njit(cache=True, nogil=True)
def _most_shingles(posts, tgt):
    """Most shared shingles of any of the posts ``tgt`` (the size of the passages' scratch)."""
    most = 0
    for t in tgt:
        most = max(most, posts.shingle_offsets[t + 1] - posts.shingle_offsets[t])
    return most


@njit(cache=True, nogil=True)
def _passages_all(posts, limits, src, tgt, starts, spans):
    """Every passage of pairs ``(src[r], tgt[r])`` (grouped by source), as found by
    :func:`_align`, into ``spans[starts[r]:starts[r + 1]]``."""
    runs = np.empty((_most_shingles(posts, tgt) + 1, 4), dtype=np.int64)
    row = np.zeros(_N_COLUMNS, dtype=np.int64)
    empty_keys, empty_counts = np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int32)
    source = _Source(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint64), empty_keys, empty_counts,
                     empty_counts)
    last = -1
    for r in range(len(src)):
        s = src[r]
        if s != last:
            last = s
            ssh = posts.shingles[posts.shingle_offsets[s]:posts.shingle_offsets[s + 1]]
            # stable: copies of a repeated shingle stay in text order whatever else the
            # post shares, so a run over fewer posts (incremental) aligns the same way
            order = np.argsort(ssh, kind="mergesort")
            source = _Source(order, ssh[order], empty_keys, empty_counts, empty_counts)
        _align(posts, limits, s, tgt[r], source, row, runs)
        n = min(row[_PASSAGES], starts[r + 1] - starts[r])
        spans[starts[r]:starts[r] + n] = runs[:n]


@njit(cache=True, nogil=True)
def _verify_all(posts, limits, src, tgt, res):
    """Evidence of pairs ``(src[r], tgt[r])`` into row ``r`` of ``res``.

    Pairs come grouped by source: its shingles are sorted once for all its
    targets, and the table of its tokens is built at most once."""
    runs = np.empty((_most_shingles(posts, tgt) + 1, 4), dtype=np.int64)
    last = -1
    source = _Source(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.uint64),
                     np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32))
    for r in range(len(src)):
        s = src[r]
        if s != last:
            last = s
            ssh = posts.shingles[posts.shingle_offsets[s]:posts.shingle_offsets[s + 1]]
            # stable: copies of a repeated shingle stay in text order whatever else the
            # post shares, so a run over fewer posts (incremental) aligns the same way
            order = np.argsort(ssh, kind="mergesort")
            # the source's bag of tokens: a table 2-4x its length, built lazily
            size = bag_table_size(posts.token_offsets[s + 1] - posts.token_offsets[s])
            keys, counts, left = source.bag_keys, source.bag_counts, source.bag_left
            if len(keys) != size:
                keys = np.zeros(size, dtype=np.uint64)
                counts = np.zeros(size, dtype=np.int32)
                left = np.zeros(size, dtype=np.int32)
            counts[0] = -1  # not built
            source = _Source(order, ssh[order], keys, counts, left)
        _align(posts, limits, s, tgt[r], source, res[r], runs)
        _measure(posts, limits, s, tgt[r], source, res[r])


def _limits(shingle, gap, verbatim_min, quote_min, min_quote_words, min_contained_words, dice_min,
            ratio_min) -> _Limits:
    return _Limits(shingle, shingle + 3 if gap is None else gap, float(verbatim_min), float(quote_min),
                   2.0 * min_quote_words, 2.0 * min_contained_words, int(np.ceil(min_quote_words)),
                   float(dice_min), float(ratio_min))


def passage_spans(tokens: Tokens, index: ShingleIndex, src: np.ndarray, tgt: np.ndarray, counts: np.ndarray, *,
                  shingle: int, min_quote_words: float = 10, gap: int | None = None,
                  workers: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Every reused passage of the pairs ``(src[i], tgt[i])``, as verification found them.

    Parameters
    ----------
    tokens, index : Tokens, ShingleIndex
        As given to :func:`verify_pairs`.
    src, tgt : ndarray of int64
        The pairs.
    counts : ndarray of int64
        Their ``Evidence.passages``.
    shingle, min_quote_words, gap
        As given to :func:`verify_pairs`.
    workers : int
        Threads; each aligns the pairs of its own sources.

    Returns
    -------
    offsets : ndarray of int64, shape (n + 1,)
        Pair ``i`` owns ``spans[offsets[i]:offsets[i + 1]]``.
    spans : ndarray of int64, shape (offsets[-1], 4)
        ``(source_start, source_end, target_start, target_end)`` in tokens, ends exclusive.
    """
    src, tgt = np.asarray(src, dtype=np.int64), np.asarray(tgt, dtype=np.int64)
    counts = np.asarray(counts, dtype=np.int64)
    limits = _limits(shingle, gap, 90.0, 90.0, min_quote_words, 5, 0.55, 0.0)
    posts = _Posts(tokens.hashes, tokens.narrow, tokens.offsets, index.hashes, index.positions, index.offsets)
    by_src = np.argsort(src, kind="stable")
    starts = np.concatenate([[0], np.cumsum(counts[by_src])]).astype(np.int64)
    grouped = np.zeros((starts[-1], 4), dtype=np.int64)
    if len(src):
        s_by, t_by = src[by_src], tgt[by_src]
        # chunks of about equal pairs, cut where the source changes (a source's shingles are sorted once)
        cuts = np.searchsorted(s_by, s_by[np.linspace(0, len(s_by), max(1, workers) * 4 + 1).astype(np.int64)[1:-1]])
        edges = np.unique(np.r_[0, cuts, len(s_by)])
        chunks = list(zip(edges[:-1].tolist(), edges[1:].tolist()))
        if workers <= 1 or len(chunks) == 1:
            _passages_all(posts, limits, s_by, t_by, starts, grouped)
        else:
            with ThreadPoolExecutor(workers) as ex:
                list(ex.map(lambda c: _passages_all(posts, limits, s_by[c[0]:c[1]], t_by[c[0]:c[1]],
                                                    starts[c[0]:c[1] + 1], grouped), chunks))
    # back into the pairs' order
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    spans = np.zeros_like(grouped)
    where = np.empty(len(src), dtype=np.int64)
    where[by_src] = np.arange(len(src))
    for_pair = np.repeat(np.arange(len(src)), counts)            # pair of each output row
    rank = np.arange(len(for_pair)) - offsets[for_pair]          # its number within the pair
    spans[:] = grouped[starts[where[for_pair]] + rank]
    return offsets, spans


def verify_pairs(tokens: Tokens, index: ShingleIndex, pairs: Candidates, *, shingle: int,
                 verbatim_min: float = 90.0, quote_min: float = 90.0, min_quote_words: float = 10,
                 min_contained_words: float = 5, dice_min: float = 0.55, ratio_min: float = 0.0, gap: int | None = None,
                 workers: int = 2) -> Evidence:
    """Alignment and similarity evidence for each candidate pair.

    Parameters
    ----------
    tokens : Tokens
        The posts' tokens (:func:`amplify.text.tokenize`).
    index : ShingleIndex
        Their shared shingles (:func:`amplify.detect.shingles.build_index`).
    pairs : Candidates
        The pairs to verify; ``src``, ``tgt`` and ``rare`` as int64 arrays.
    shingle : int
        Tokens per shingle.
    verbatim_min, quote_min, min_quote_words, min_contained_words, dice_min, ratio_min : float
        Thresholds of the kinds (see :class:`amplify.detect.DetectSettings`).
        They only decide which evidence is worth computing: ``lcs_whole`` is
        -1 where the lengths alone rule out ``verbatim_min`` (and
        ``ratio_min``), ``lcs_region`` where the passage is too short for a
        quote or the pair is already verbatim, ``bag_overlap`` where the pair
        is already verbatim or a quote, or the lengths rule out ``dice_min``.
    gap : int, optional
        Most tokens between two matches of one passage (default ``shingle + 3``).
    workers : int
        Threads.

    Returns
    -------
    Evidence
        In the pairs' order.
    """
    res = np.zeros((len(pairs.src), _N_COLUMNS), dtype=np.int64)
    limits = _limits(shingle, gap, verbatim_min, quote_min, min_quote_words, min_contained_words, dice_min, ratio_min)
    posts = _Posts(tokens.hashes, tokens.narrow, tokens.offsets, index.hashes, index.positions, index.offsets)
    # grouped by source (see _verify_all), results put back in the pairs' order
    src, tgt = np.asarray(pairs.src), np.asarray(pairs.tgt)
    by_src = np.argsort(src, kind="stable")
    s_src, s_tgt = src[by_src], tgt[by_src]
    out = np.zeros_like(res)
    if len(src) < _PARALLEL_MIN_PAIRS or workers <= 1:
        _verify_all(posts, limits, s_src, s_tgt, out)
    else:
        bounds = np.linspace(0, len(src), workers + 1).astype(int)
        with ThreadPoolExecutor(workers) as ex:
            list(ex.map(lambda ab: _verify_all(posts, limits, s_src[ab[0]:ab[1]], s_tgt[ab[0]:ab[1]],
                                               out[ab[0]:ab[1]]),
                        zip(bounds[:-1], bounds[1:])))
    res[by_src] = out
    return _evidence_of(pairs, tokens.lengths, res)
