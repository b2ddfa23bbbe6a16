"""Content agreement: what two texts must share beyond their topic words.

Two headlines about one event share its topic words ("impose sanctions on
Russia", "applies to join NATO", "earthquake hits Japan") whoever wrote them;
what tells an echo from independent coverage, or from another statement in the
same frame, is the content that differs from the topic: the names, numbers and
rare words. This module measures, for each pair it is asked about, whether
those agree:

* a token is **rare** where it is held by few posts inside the time window of
  the pair's target (at most ``max(rare_min_posts, rare_share * posts in the
  window)``): a topic word of the week is common, a name in one story is rare.
  Counting inside the window, not over the whole corpus, keeps every verdict a
  function of the posts within one window of its target, which is what makes
  incremental detection give the links of a full run;
* a token is a **number** when it is a run of decimal digits (``5.1`` is the
  two tokens ``5`` and ``1``);
* of the shorter text, the distinct rare tokens, those of them missing from the
  longer text, and those shared; of both, the numbers the other lacks (two
  texts each holding a number the other lacks state different figures: "476"
  and "391 patients discharged");
* the longest common subsequence of the whole texts, for word order;
* of the distinct tokens the two texts share (when they are few: a clause),
  how many *other* posts of the window hold every one of them. Many outlets
  write the bare fact of an event in the same few words ("Mt. Gox files for
  US bankruptcy", "Apple releases iOS 7.1"); when many other posts hold all
  that a pair shares, the pair shares only what covering the event forces;
* with an **event margin** (off unless asked for), how many posts of other
  outlets that hold one of the pair's three rarest shared tokens (the same
  event's other coverage) the target is at least as close to as it is to the
  source, while the source is not close to them (Dice of distinct tokens at
  least ``event_margin`` points lower): the target resembles coverage its
  source does not, so the source is not specifically where its words came
  from. Copies of one widely echoed line are all close to each other, the
  source too, so they never count (the lexical analogue of the semantic
  stage's neighbourhood margin, :mod:`amplify.detect.semantic`).

:func:`amplify.detect.classify.classify` turns these into rules: a short pair
is an echo only when its rare words agree and it shares at least one of them,
and a pair that would be an echo but for different numbers or names is a
``template`` (same frame, other facts).

Document frequency is the usual measure of a term's specificity (Spärck Jones
1972); it is taken here over the posts published around the pair rather than
the whole collection.

References
----------
Spärck Jones, K. (1972). A statistical interpretation of term specificity and
its application in retrieval. Journal of Documentation 28(1).
"""

from __future__ import annotations

import functools
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple

import numpy as np
from numba import njit

from amplify.detect.similarity import lcs
from amplify.text import Tokens, spell_numbers

__all__ = ["Agreement", "content_agreement", "contains_hash", "number_hashes", "number_words", "unasked",
           "BARE_FACT_TOKENS", "HOLDING_CAP", "EVENT_TOKENS"]

# The largest number written out as a token that is recognised as a number;
# longer digit runs (phone numbers, ids) are rare tokens anyway.
_NUMBERS_UP_TO = 100_000
_FIELDS = 10
# Posts holding every shared token are counted only for pairs sharing at most
# this many distinct tokens (a clause: the bare fact of an event); a longer
# shared text held by many posts is a viral copy, not a stock phrasing.
BARE_FACT_TOKENS = 8
# ... counted up to this many (a rule needs to know "many", not how many), and
# among at most _HOLDING_SCAN posts of the rarest shared token: a pair sharing
# only words held by tens of thousands of posts would otherwise cost that much
# (such a pair shares no name, and the topic rule judges it anyway).
HOLDING_CAP = 100
_HOLDING_SCAN = 10_000
# The event's other coverage: posts holding one of the pair's this many rarest
# shared tokens, at most _EVENT_SCAN of each token's posts in the window.
EVENT_TOKENS = 3
_EVENT_SCAN = 2000
# below this many pairs one thread does it all
_PARALLEL_MIN_PAIRS = 5000


class Agreement(NamedTuple):
    """Content agreement of each pair asked about (-1 where not asked).

    Attributes
    ----------
    short_rare : ndarray of int64
        Distinct rare tokens of the shorter text.
    short_rare_missing : ndarray of int64
        Of those, how many the longer text lacks.
    short_numbers_missing, long_numbers_missing : ndarray of int64
        Distinct numbers of the shorter (longer) text that the other lacks.
    long_rare_missing : ndarray of int64
        Distinct rare tokens of the longer text that the shorter lacks.
    window_posts : ndarray of int64
        Posts inside the window the frequencies were counted in (with few,
        every word looks rare: rarity says nothing).
    lcs_whole : ndarray of int64
        Longest common subsequence of the whole texts.
    short_half_words : ndarray of int64
        Length of the shorter text in half-words (a word is 2, a character of
        a script without spaces 1).
    overlap_posts : ndarray of int64
        Other posts in the window (neither of the pair) that hold every
        distinct token the two texts share; counted only when they share at
        most :data:`BARE_FACT_TOKENS` distinct tokens (-1 otherwise), up to
        :data:`HOLDING_CAP`.
    event_posts : ndarray of int64
        Posts of other outlets than the pair's, holding one of its
        :data:`EVENT_TOKENS` rarest shared tokens, that the target is at least
        as close to as to the source while the source is ``event_margin``
        points of Dice farther from them (up to :data:`HOLDING_CAP`); -1
        unless asked for (``event_margin > 0`` and outlets given, short pairs).
    """

    short_rare: np.ndarray
    short_rare_missing: np.ndarray
    short_numbers_missing: np.ndarray
    long_numbers_missing: np.ndarray
    lcs_whole: np.ndarray
    short_half_words: np.ndarray
    long_rare_missing: np.ndarray
    window_posts: np.ndarray
    overlap_posts: np.ndarray
    event_posts: np.ndarray


@functools.lru_cache(maxsize=1)
def number_words() -> np.ndarray:
    """The numbers 0 to 99,999 as written, also zero-padded to 2-4 digits ("05", "007")."""
    words = [str(i) for i in range(_NUMBERS_UP_TO)]
    return np.array(words + [f"{i:0{w}d}" for w in (2, 3, 4) for i in range(10 ** (w - 1))], dtype=object)


@functools.lru_cache(maxsize=1)
def number_hashes() -> np.ndarray:
    """Sorted token hashes of :func:`number_words`."""
    from amplify.text import tokenize  # the same hashing as every post's tokens

    return np.unique(tokenize(number_words(), workers=1).hashes)


# -- a hash table of the tokens asked about, and the posts that hold each --

@njit(cache=True, nogil=True)
def _table(keys_unique):
    size = 2
    while size < 2 * len(keys_unique):
        size <<= 1
    keys = np.zeros(size, dtype=np.uint64)
    ids = np.full(size, -1, dtype=np.int64)
    mask = np.uint64(size - 1)
    for k in range(len(keys_unique)):
        i = keys_unique[k] & mask
        while ids[i] >= 0:
            i = (i + np.uint64(1)) & mask
        keys[i] = keys_unique[k]
        ids[i] = k
    return keys, ids


@njit(cache=True, nogil=True, inline="always")
def _find(keys, ids, h):
    mask = np.uint64(len(keys) - 1)
    i = h & mask
    while ids[i] >= 0:
        if keys[i] == h:
            return ids[i]
        i = (i + np.uint64(1)) & mask
    return -1


@njit(cache=True, nogil=True)
def _posting_counts(hashes, offsets, lo_post, hi_post, keys, ids, n_keys):
    """For each asked token, how many posts in ``[lo_post, hi_post)`` hold it."""
    counts = np.zeros(n_keys, dtype=np.int64)
    last = np.full(n_keys, -1, dtype=np.int64)
    for p in range(lo_post, hi_post):
        for q in range(offsets[p], offsets[p + 1]):
            k = _find(keys, ids, hashes[q])
            if k >= 0 and last[k] != p:
                last[k] = p
                counts[k] += 1
    return counts


@njit(cache=True, nogil=True)
def _posting_fill(hashes, offsets, lo_post, hi_post, keys, ids, fill, posts):
    """Write the posts in ``[lo_post, hi_post)`` that hold each asked token
    from ``fill[token]`` on, in post order."""
    fill = fill.copy()
    last = np.full(len(fill), -1, dtype=np.int64)
    for p in range(lo_post, hi_post):
        for q in range(offsets[p], offsets[p + 1]):
            k = _find(keys, ids, hashes[q])
            if k >= 0 and last[k] != p:
                last[k] = p
                posts[fill[k]] = p
                fill[k] += 1


def _postings(hashes, offsets, lo_post, hi_post, keys, ids, n_keys, workers=2):
    """For each asked token, the posts in ``[lo_post, hi_post)`` that hold it,
    in post order (CSR: ``ptr``, ``posts``). The posts are split into one
    range per thread: each counts its range, and then writes its posts after
    those of the earlier ranges, so the lists come out in post order."""
    cuts = np.linspace(lo_post, hi_post, max(1, workers) + 1).astype(np.int64)
    ranges = list(zip(cuts[:-1].tolist(), cuts[1:].tolist()))
    with ThreadPoolExecutor(len(ranges)) as ex:
        counts = list(ex.map(lambda r: _posting_counts(hashes, offsets, r[0], r[1], keys, ids, n_keys), ranges))
        ptr = np.zeros(n_keys + 1, dtype=np.int64)
        np.cumsum(np.sum(counts, axis=0), out=ptr[1:])
        posts = np.empty(ptr[-1], dtype=np.int64)
        starts, fill = [], ptr[:-1].copy()
        for c in counts:
            starts.append(fill.copy())
            fill += c
        list(ex.map(lambda i: _posting_fill(hashes, offsets, ranges[i][0], ranges[i][1], keys, ids, starts[i], posts),
                    range(len(ranges))))
    return ptr, posts


@njit(cache=True, nogil=True)
def _gather(hashes, offsets, posts):
    """The tokens of ``posts``, one after another."""
    n = 0
    for p in posts:
        n += offsets[p + 1] - offsets[p]
    out = np.empty(n, dtype=hashes.dtype)
    k = 0
    for p in posts:
        m = offsets[p + 1] - offsets[p]
        out[k:k + m] = hashes[offsets[p]:offsets[p + 1]]
        k += m
    return out


@njit(cache=True, nogil=True)
def _half_words(narrow, offsets, src, tgt):
    """Length of each pair's two texts in half-words (a word is 2, a character of a
    script without spaces 1): what tells the shorter text and whether it is short."""
    ws = np.empty(len(src), dtype=np.int64)
    wt = np.empty(len(src), dtype=np.int64)
    for r in range(len(src)):
        for p, out in ((src[r], ws), (tgt[r], wt)):
            n = 0
            for q in range(offsets[p], offsets[p + 1]):
                n += 1 if narrow[q] else 2
            out[r] = n
    return ws, wt


@njit(cache=True, nogil=True)
def contains_hash(sorted_hashes, h):
    """Does the sorted array ``sorted_hashes`` hold ``h`` (binary search; usable inside numba kernels)?"""
    k = np.searchsorted(sorted_hashes, h)
    return k < len(sorted_hashes) and sorted_hashes[k] == h


@njit(cache=True, nogil=True)
def _holding_all(shared, ptr, posts, lo, hi, s, t):
    """Posts in ``[lo, hi)`` other than ``s`` and ``t`` that hold every token of ``shared``
    (ids into the postings): the rarest token's posts, each looked up in the others' lists
    (up to HOLDING_CAP, among the rarest token's first _HOLDING_SCAN posts)."""
    best, best_n = -1, np.int64(1) << 62
    for k in shared:
        lst = posts[ptr[k]:ptr[k + 1]]
        n = np.searchsorted(lst, hi) - np.searchsorted(lst, lo)
        if n < best_n:
            best, best_n = k, n
    lst = posts[ptr[best]:ptr[best + 1]]
    count = 0
    first = np.searchsorted(lst, lo)
    for q in range(first, min(np.searchsorted(lst, hi), first + _HOLDING_SCAN)):
        p = lst[q]
        if p == s or p == t:
            continue
        holds = True
        for k in shared:
            if k != best and not contains_hash(posts[ptr[k]:ptr[k + 1]], p):
                holds = False
                break
        if holds:
            count += 1
            if count >= HOLDING_CAP:
                break
    return count


@njit(cache=True, nogil=True)
def _distinct(sorted_hashes):
    n = 0
    for i in range(len(sorted_hashes)):
        if i == 0 or sorted_hashes[i] != sorted_hashes[i - 1]:
            n += 1
    return n


@njit(cache=True, nogil=True)
def _common(sorted_a, sorted_b):
    """Distinct tokens of ``sorted_a`` that ``sorted_b`` holds."""
    n = 0
    for i in range(len(sorted_a)):
        if (i == 0 or sorted_a[i] != sorted_a[i - 1]) and contains_hash(sorted_b, sorted_a[i]):
            n += 1
    return n


@njit(cache=True, nogil=True)
def _event_posts(hashes, offsets, ptr, posts, lo, hi, s, t, sa, sb, event_keys, outlets, margin):
    """Posts of the event (holding one of ``event_keys``, ids into the postings, in
    ``[lo, hi)``, of other outlets than ``s`` and ``t``) that ``t`` is at least as close
    to as to ``s`` while ``s`` is ``margin`` points farther from them (Dice of distinct
    tokens, 0-100); ``sa`` and ``sb`` are the sorted tokens of ``s`` and ``t``."""
    ns, nt = _distinct(sa), _distinct(sb)
    d_st = 200.0 * _common(sa, sb) / max(ns + nt, 1)
    count = 0
    for i in range(len(event_keys)):
        lst = posts[ptr[event_keys[i]]:ptr[event_keys[i] + 1]]
        first = np.searchsorted(lst, lo)
        for q in range(first, min(np.searchsorted(lst, hi), first + _EVENT_SCAN)):
            p = lst[q]
            if p == s or p == t or outlets[p] == outlets[s] or outlets[p] == outlets[t]:
                continue
            seen = False  # counted already under a rarer token
            for j in range(i):
                if contains_hash(posts[ptr[event_keys[j]]:ptr[event_keys[j] + 1]], p):
                    seen = True
                    break
            if seen:
                continue
            u = np.sort(hashes[offsets[p]:offsets[p + 1]])
            nu = _distinct(u)
            d_ut = 200.0 * _common(u, sb) / max(nu + nt, 1)
            if d_ut < d_st:
                continue
            if 200.0 * _common(u, sa) / max(nu + ns, 1) < d_st - margin:
                count += 1
                if count >= HOLDING_CAP:
                    return count
    return count


@njit(cache=True, nogil=True)
def _agree(hashes, offsets, times, window, keys, ids, ptr, posts, numbers, vhashes, voffsets, vrow, src, tgt,
           src_half, tgt_half, rare_share, rare_min, short_half_words, bare_fact_tokens, outlets, margin, out):
    shared_keys = np.empty(bare_fact_tokens, dtype=np.int64)
    nothing = np.empty(0, dtype=hashes.dtype)
    event_keys = np.empty(EVENT_TOKENS, dtype=np.int64)
    event_df = np.empty(EVENT_TOKENS, dtype=np.int64)
    for r in range(len(src)):
        s, t = src[r], tgt[r]
        S = hashes[offsets[s]:offsets[s + 1]]
        T = hashes[offsets[t]:offsets[t + 1]]
        # the shorter text, in words (a character of a script without spaces is half a word)
        ws, wt = src_half[r], tgt_half[r]
        A, B = (S, T) if ws <= wt else (T, S)
        out[r, 5] = min(ws, wt)
        if min(ws, wt) > short_half_words:
            # a long pair: only its numbers are asked about (the rest is read
            # for short texts only, and is the costly part)
            sa = np.sort(A)
            sb = np.sort(B)
            a_num = b_num = 0
            for i in range(len(sa)):
                if (i == 0 or sa[i - 1] != sa[i]) and contains_hash(numbers, sa[i]) and not contains_hash(sb, sa[i]):
                    a_num += 1
            for i in range(len(sb)):
                if (i == 0 or sb[i - 1] != sb[i]) and contains_hash(numbers, sb[i]) and not contains_hash(sa, sb[i]):
                    b_num += 1
            out[r, 2] = a_num
            out[r, 3] = b_num
            continue
        lo = np.searchsorted(times, times[t] - window, side="left")
        hi = np.searchsorted(times, times[t] + window, side="right")
        limit = max(rare_min, rare_share * (hi - lo))
        # a rare word that the other text holds spelt or inflected otherwise (the same
        # first letters, see amplify.text.word_prefixes) is not missing from it
        spelt = len(vrow) > 0 and vrow[s] >= 0 and vrow[t] >= 0
        if spelt:
            VS = vhashes[voffsets[vrow[s]]:voffsets[vrow[s] + 1]]
            VT = vhashes[voffsets[vrow[t]]:voffsets[vrow[t] + 1]]
            VA, VB = (VS, VT) if ws <= wt else (VT, VS)
            oa = np.argsort(A, kind="mergesort")
            ob = np.argsort(B, kind="mergesort")
            sa, pa, spa = A[oa], VA[oa], np.sort(VA)
            sb, pb, spb = B[ob], VB[ob], np.sort(VB)
        else:
            sa = np.sort(A)
            sb = np.sort(B)
            pa = pb = spa = spb = nothing
        n_rare = n_missing = a_num = 0
        n_shared = 0
        for i in range(len(sa)):
            h = sa[i]
            if i > 0 and sa[i - 1] == h:
                continue
            in_b = contains_hash(sb, h)
            if in_b and n_shared < len(shared_keys):
                shared_keys[n_shared] = _find(keys, ids, h)
                n_shared += 1
            elif in_b:
                n_shared += 1
            if contains_hash(numbers, h):
                if not in_b:
                    a_num += 1
                continue
            k = _find(keys, ids, h)
            df = 0
            if k >= 0:
                lst = posts[ptr[k]:ptr[k + 1]]
                df = np.searchsorted(lst, hi) - np.searchsorted(lst, lo)
            if df <= limit:
                n_rare += 1
                if not in_b and not (spelt and contains_hash(spb, pa[i])):
                    n_missing += 1
        b_num = b_missing = 0
        for i in range(len(sb)):
            h = sb[i]
            if (i > 0 and sb[i - 1] == h) or contains_hash(sa, h):
                continue
            if contains_hash(numbers, h):
                b_num += 1
                continue
            k = _find(keys, ids, h)
            df = 0
            if k >= 0:
                lst = posts[ptr[k]:ptr[k + 1]]
                df = np.searchsorted(lst, hi) - np.searchsorted(lst, lo)
            if df <= limit and not (spelt and contains_hash(spa, pb[i])):
                b_missing += 1
        out[r, 0] = n_rare
        out[r, 1] = n_missing
        out[r, 2] = a_num
        out[r, 3] = b_num
        out[r, 4] = lcs(S, T)
        out[r, 6] = b_missing
        out[r, 7] = hi - lo
        if 0 < n_shared <= len(shared_keys):
            out[r, 8] = _holding_all(shared_keys[:n_shared], ptr, posts, lo, hi, s, t)
        if margin > 0:
            # the pair's rarest shared tokens (by posts in the window), kept sorted by that count
            n_event = 0
            for i in range(len(sa)):
                h = sa[i]
                if (i > 0 and sa[i - 1] == h) or not contains_hash(sb, h):
                    continue
                k = _find(keys, ids, h)
                lst = posts[ptr[k]:ptr[k + 1]]
                df = np.searchsorted(lst, hi) - np.searchsorted(lst, lo)
                if n_event == EVENT_TOKENS:
                    if df >= event_df[EVENT_TOKENS - 1]:
                        continue
                    j = EVENT_TOKENS - 1  # replaces the least rare
                else:
                    j = n_event
                    n_event += 1
                while j > 0 and event_df[j - 1] > df:
                    event_df[j] = event_df[j - 1]
                    event_keys[j] = event_keys[j - 1]
                    j -= 1
                event_df[j] = df
                event_keys[j] = k
            sorted_s = sa if ws <= wt else sb
            sorted_t = sb if ws <= wt else sa
            out[r, 9] = _event_posts(hashes, offsets, ptr, posts, lo, hi, s, t, sorted_s, sorted_t,
                                     event_keys[:n_event], outlets, margin)


def content_agreement(tokens: Tokens, times: np.ndarray, src: np.ndarray, tgt: np.ndarray, *,
                      window_ns: int, rare_share: float, rare_min_posts: int, short_words: int = 20,
                      outlets: np.ndarray | None = None, event_margin: float = 0.0, workers: int = 2,
                      spellings=None) -> Agreement:
    """Content agreement of the pairs ``(src[i], tgt[i])`` (see the module's text).

    Parameters
    ----------
    tokens : Tokens
        Tokens of every post, posts numbered in time order.
    times : ndarray of int64
        Publication time of each post (nanoseconds), sorted.
    src, tgt : ndarray of int64
        The pairs (post numbers).
    window_ns : int
        Half-width of the window in which document frequency is counted,
        around the target's time.
    rare_share, rare_min_posts : float, int
        A token is rare when at most ``max(rare_min_posts, rare_share * n)``
        of the ``n`` posts in the window hold it.
    short_words : int
        Rare words, word order and window size are measured only for pairs
        whose shorter text has at most this many words; of longer pairs, only
        the numbers (the other fields stay -1).
    outlets : ndarray of int, optional
        Each post's outlet as a number; with ``event_margin`` it turns the
        event margin on (``event_posts``, see the module's text).
    event_margin : float
        Points of Dice (0-100) by which the source must be farther than the
        target from a post of the event's other coverage for that post to
        count; 0 (default) counts nothing.
    workers : int
        Threads.
    spellings : callable, optional
        ``spellings(posts)`` gives the tokens of those posts cut to their
        first letters (:func:`amplify.text.word_prefixes`), one for one with
        ``tokens``; with it, a rare word that the other text holds spelt or
        inflected otherwise ("stabilise" / "stabilize", "informs" /
        "informed") is not counted as missing from it.

    Returns
    -------
    Agreement

    Examples
    --------
    >>> import numpy as np
    >>> from amplify.text import tokenize
    >>> texts = np.array(["Finland applies to join NATO", "Sweden applies to join NATO",
    ...                   "NATO summit opens", "NATO allies meet"], dtype=object)
    >>> agreement = content_agreement(tokenize(texts), np.arange(4, dtype=np.int64), np.array([0]),
    ...                               np.array([1]), window_ns=10, rare_share=0.0, rare_min_posts=1)
    >>> int(agreement.short_rare_missing[0])  # "finland" is rare and Sweden's text lacks it
    1
    """
    src = np.asarray(src, dtype=np.int64)
    tgt = np.asarray(tgt, dtype=np.int64)
    out = np.full((len(src), _FIELDS), -1, dtype=np.int64)
    if len(src):
        lengths = np.diff(tokens.offsets)
        # tokens of the texts that may be short (a token is at least half a word)
        maybe_short = np.minimum(lengths[src], lengths[tgt]) <= 2 * short_words
        both = np.unique(np.concatenate([src[maybe_short], tgt[maybe_short]]))
        asked = np.unique(_gather(tokens.hashes, tokens.offsets, both))
        keys, ids = _table(asked)
        # only posts inside some short pair's window can count
        ptr, posts = np.zeros(len(asked) + 1, dtype=np.int64), np.zeros(0, dtype=np.int64)
        if maybe_short.any():
            t_short = times[tgt[maybe_short]]
            first = int(np.searchsorted(times, t_short.min() - window_ns, side="left"))
            last = int(np.searchsorted(times, t_short.max() + window_ns, side="right"))
            ptr, posts = _postings(tokens.hashes, tokens.offsets, first, last, keys, ids, len(asked), workers)
        src_half, tgt_half = _half_words(tokens.narrow, tokens.offsets, src, tgt)
        vhashes, voffsets, vrow = np.zeros(0, dtype=tokens.hashes.dtype), np.zeros(1, dtype=np.int64), \
            np.zeros(0, dtype=np.int64)
        if spellings is not None and maybe_short.any():
            # the posts of the pairs whose shorter text is short, in half-words as _agree counts
            # them (the only pairs whose rare words are compared)
            short_pair = np.minimum(src_half, tgt_half) <= 2 * short_words
            spelt = np.unique(np.concatenate([src[short_pair], tgt[short_pair]]))
            if len(spelt):
                cut = spellings(spelt)
                # one for one with the tokens, or not used for that post
                same = cut.lengths == lengths[spelt]
                vrow = np.full(len(tokens.offsets) - 1, -1, dtype=np.int64)
                vrow[spelt[same]] = np.flatnonzero(same)
                vhashes, voffsets = _numbers_in_digits(cut, tokens, spelt, same), cut.offsets
        args = (tokens.hashes, tokens.offsets, times, np.int64(window_ns), keys, ids, ptr, posts,
                number_hashes(), vhashes, voffsets, vrow)
        margin = float(event_margin) if outlets is not None else 0.0
        outlet_codes = np.asarray(outlets if outlets is not None else np.zeros(1), dtype=np.int64)
        limits = (float(rare_share), float(rare_min_posts), np.int64(2 * short_words), np.int64(BARE_FACT_TOKENS),
                  outlet_codes, margin)
        bounds = np.linspace(0, len(src), max(1, workers) + 1).astype(int)
        if workers <= 1 or len(src) < _PARALLEL_MIN_PAIRS:
            _agree(*args, src, tgt, src_half, tgt_half, *limits, out)
        else:
            with ThreadPoolExecutor(workers) as ex:
                list(ex.map(lambda ab: _agree(*args, src[ab[0]:ab[1]], tgt[ab[0]:ab[1]], src_half[ab[0]:ab[1]],
                                              tgt_half[ab[0]:ab[1]], *limits, out[ab[0]:ab[1]]),
                            zip(bounds[:-1], bounds[1:])))
    return Agreement(*(out[:, i].copy() for i in range(_FIELDS)))


def _numbers_in_digits(cut: Tokens, tokens: Tokens, posts: np.ndarray, same: np.ndarray) -> np.ndarray:
    """The cut tokens of ``posts`` with each number written as a word or an
    ordinal ("fifth", "5th") spelt in digits ("5"), read from the whole tokens
    (seventeen, seventh and seventy share their first six letters) of the
    posts whose cut is one for one with them (``same``)."""
    out = cut.hashes.copy()
    at = np.flatnonzero(same)
    if not len(at):
        return out
    n = cut.lengths[at]
    # every token position of those posts, in the cut and in the whole tokens
    step = np.arange(int(n.sum()), dtype=np.int64) - np.repeat(np.cumsum(n) - n, n)
    in_cut = np.repeat(cut.offsets[at], n) + step
    whole = tokens.hashes[np.repeat(tokens.offsets[posts[at]], n) + step]
    spelt = spell_numbers(whole)
    changed = spelt != whole
    out[in_cut[changed]] = spelt[changed]
    return out


def unasked(n: int) -> Agreement:
    """An :class:`Agreement` of ``n`` pairs, none asked about."""
    return Agreement(*(np.full(n, -1, dtype=np.int64) for _ in range(_FIELDS)))

