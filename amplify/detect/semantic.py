"""The semantic stage: echoes in another language (``translation``) or in other words (``semantic``).

No lexical rule sees a Chinese statement echoed in Russian. This stage embeds
each post's sentences (:mod:`amplify.detect.sentences`) with a multilingual
sentence encoder (:mod:`amplify.detect.encoders`), finds for each sentence the
closest sentences of other outlets inside the time window, and links two posts
when enough of one is aligned, sentence by sentence, with the other:

1. **embed** (:func:`embed_posts`): language of each post
   (:mod:`amplify.text.language`), units, one vector per unit; a cache (the
   workspace's, :mod:`amplify.workspace.embeddings`) keeps them per post and
   encoder, so a second run embeds only new posts;
2. **neighbours** (:func:`unit_neighbours`): units in time order; each block of
   units is compared with the units inside one window of it by one exact
   matrix product (never all pairs of the corpus). A pair is a candidate when its
   cosine reaches ``semantic_floor``. Each unit also gets its *density*: the mean
   cosine of its ``k`` closest units of other outlets in the window before it (a
   target) and after it (a source);
3. **verify** (:func:`align_posts`): a candidate pair of units is *aligned* when its
   cosine reaches ``semantic_min`` and its *margin* -- cosine minus the mean
   density of both sides (the distance margin of bitext mining; it discounts
   sentences that are close to everything, such as boilerplate and generic news
   phrases) -- reaches ``semantic_margin`` (more for a short pair: see
   ``_SHORT_EXTRA``; a side with three or more other echoes
   of the partner among its neighbours counts only one of them: see
   ``_FAMILY_DELTA``), and the numbers of the two sentences do not disagree; once
   two posts hold such a pair, their other pairs need only a margin of
   ``_SUPPORT_MARGIN`` (context: the next sentences of a translated paragraph);
   each unit is aligned at most once per post pair (best first); two posts are
   linked when the aligned units cover ``semantic_min_coverage`` of one of them.

A link's ``score`` is 100 times the mean cosine of its aligned units (weighted
by their length), its span the stretch from the first to the last aligned unit
on each side, and ``aligned`` lists every aligned pair as
``[source_start, source_end, target_start, target_end, score]`` in characters
of the original texts. Lag, attribution and parents are those of every other
link (:func:`amplify.detect.pipeline.finish_links`).

**Locality.** A target's density reads the window before it, a source's the
window after it: every number about a pair comes from posts within one window
of the target, as the lexical stage's do, so incremental detection stays exact.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numba import njit

from amplify.detect.encoders import Encoder
from amplify.detect.sentences import Units, cumulative_width, split_units
from amplify.text.language import UNDETERMINED, identify_languages

__all__ = ["Embedded", "embed_posts", "unit_neighbours", "align_posts", "semantic_links", "cache_key",
           "SEMANTIC_KINDS", "UNIT_SPLIT"]

#: The kinds this stage makes.
SEMANTIC_KINDS = ("translation", "semantic")
#: How texts are cut into units (:func:`~amplify.detect.sentences.split_units`); part of the cache key.
#: Every text is cut into sentences, short ones too: a paragraph of three sentences translated inside
#: an article is found sentence by sentence (as one unit it met each translated sentence at a
#: lower cosine); pieces under 25 characters join their neighbour.
UNIT_SPLIT = {"short_chars": 0, "min_chars": 25, "max_chars": 400}
_UNITS_VERSION = 5  # how texts are cut, tokenized and their language told: stored with the vectors
#: Neighbours per unit whose mean cosine is its density.
_K = 4
#: "distance" (cos - density) or "ratio" (cos / density). The distance margin separates better with
#: this encoder (WMT benchmark, best single sentence pair per post pair, recall at precision 0.95:
#: ru-en 0.92 against 0.89, zh-en 0.81 against 0.72, zh-ru 0.81 against 0.77): the ratio lifts pairs
#: whose cosine and neighbourhood are both low, which is where Chinese false links sit.
_MARGIN = "distance"
#: Closest neighbours left out of a density (the mean of the ``_SKIP+1``-th to ``_SKIP+_K``-th).
#: 0: leaving the closest out makes a density robust to a second echo of the same sentence but,
#: measured, costs precision at equal recall.
_SKIP = 0

#: Echo families. A sentence echoed by many outlets in one window has its own echoes as nearest
#: neighbours: they raised its density until no echo stood out (a test with 4 and 8 echoes lost
#: 3 of 4 and 7 of 8 links). A pair's *family* seen from one side is the neighbours (other than the
#: partner) whose cosine with the partner is at least the pair's cosine less ``_FAMILY_DELTA``:
#: other echoes of the partner. When a side has ``_FAMILY_GATE`` or more of them, its density counts
#: only ``_FAMILY_KEEP`` of them (the closest). Measured on the WMT echo benchmark: leaving the whole
#: family out, or acting on families of 1-2, gives hub sentences (close to many others) their links
#: back and cost 1-8 points of precision; counting one and acting from 3 costs 0-0.7 (None: off).
_FAMILY_DELTA = 0.15
_FAMILY_KEEP = 1
_FAMILY_GATE = 3
#: Closest units kept per unit and side for that (a density needs ``_K + _SKIP`` of them after the
#: family is left out; slots past the list take its last cosine).
_NEAR = 16

#: Context. A sentence pair whose cosine reaches ``semantic_min`` and whose margin is at least
#: ``_SUPPORT_MARGIN`` (closer to each other than to their neighbourhood, but under
#: ``semantic_margin``) is aligned too when its two posts already hold a pair that passes
#: ``semantic_margin``: the next sentences of a translated paragraph, whose neighbourhood is the same
#: story, then count toward coverage. A pair alone still needs the full margin. Measured on the WMT
#: echo benchmark (seed 0): recall +0.5 (ru-en), +1.2 (zh-en), +0.6 (zh-ru) points, no false link
#: added; anywhere from 0 to 0.08 gives the same links there (None: off).
_SUPPORT_MARGIN = 0.0
#: Short sentences need more. A short pair ("Спасибо за ожидание." / "I can't wait any longer,
#: thanks.") says little, and generic short sentences sit close to their look-alikes in every
#: language: the margin a pair needs rises by up to ``_SHORT_EXTRA`` as the shorter of its two
#: sentences falls under ``_SHORT_WIDTH`` Latin-equivalent characters (about 20 Han characters or
#: 10 English words): ``semantic_margin + _SHORT_EXTRA * max(0, 1 - width / _SHORT_WIDTH)``.
#: Measured on the WMT echo benchmark at margin 0.10 against 0.11 without it, on the seed it was
#: chosen on (0) and a held-out seed (1), recall / precision: seed 0 zh-ru precision 0.952 ->
#: 0.963, the rest equal within 0.003; seed 1 zh-en 0.851 / 0.949 -> 0.863 / 0.953, ru-en
#: 0.965 / 0.887 -> 0.963 / 0.891, zh-ru 0.740 / 0.969 -> 0.743 / 0.974 (None: off).
_SHORT_EXTRA = 0.08
_SHORT_WIDTH = 60
#: Densities per language of the neighbours (see :func:`semantic_links`). Off: measured on the
#: WMT benchmark, same-language neighbours are part of what makes a sentence "close to everything"
#: (at equal recall, precision fell by 5-10 points with per-language densities).
_PER_LANGUAGE = False
#: Floats in one block of the similarity matrix (64 MB).
_BLOCK_FLOATS = 1 << 24


def cache_key(encoder: Encoder) -> str:
    """The name embeddings are cached under: the encoder and the way texts were cut."""
    return f"{encoder.name}.u{_UNITS_VERSION}"


@dataclass
class Embedded:
    """Each post's language, its units and their vectors; ``units.post`` numbers posts as given."""

    lang: np.ndarray
    units: Units
    vectors: np.ndarray


def _embed_fresh(texts: list, encoder: Encoder) -> Embedded:
    units = split_units(texts, **UNIT_SPLIT)
    pieces = [texts[p][s:e] for p, s, e in zip(units.post.tolist(), units.start.tolist(), units.end.tolist())]
    # stored as float16 (half the disk): rounded so here too, so that a run with stored vectors
    # and one without give the same links
    vectors = np.asarray(encoder.encode(pieces), dtype=np.float32).reshape(len(pieces), encoder.dim)
    vectors = vectors.astype(np.float16).astype(np.float32)
    return Embedded(identify_languages(texts), units, vectors)


def embed_posts(ids, texts, encoder: Encoder, cache=None) -> Embedded:
    """Language, units and vectors of every post, computed once per post and encoder.

    Parameters
    ----------
    ids : sequence of str
        Post ids (the cache's key).
    texts : sequence of str
    encoder : :class:`~amplify.detect.encoders.Encoder`
    cache : object with ``load(key, ids)`` and ``save(key, ids, *, lang, post, start, end, vectors)``, optional
        As :class:`amplify.workspace.embeddings.EmbeddingStore`: ``load`` returns a dict of
        ``have``, ``lang`` (per id) and ``post``, ``start``, ``end``, ``vectors`` (per unit).
    """
    ids = np.asarray(ids, dtype=object)
    texts = list(texts)
    n = len(ids)
    key = cache_key(encoder)
    if cache is None:
        return _embed_fresh(texts, encoder)
    old = cache.load(key, ids)
    miss = np.flatnonzero(~old["have"])
    new = _embed_fresh([texts[i] for i in miss], encoder)
    if len(miss):
        cache.save(key, ids[miss], lang=new.lang, post=new.units.post, start=new.units.start, end=new.units.end,
                   vectors=new.vectors)
    lang = np.asarray(old["lang"], dtype=object).copy()
    lang[miss] = new.lang
    post = np.concatenate([old["post"], miss[new.units.post]])
    start = np.concatenate([old["start"], new.units.start])
    order = np.lexsort((start, post))
    units = Units(post[order], start[order], np.concatenate([old["end"], new.units.end])[order])
    vectors = np.concatenate([np.asarray(old["vectors"], dtype=np.float32).reshape(-1, encoder.dim),
                              new.vectors])[order]
    assert len(lang) == n
    return Embedded(lang, units, vectors)


@njit(cache=True, nogil=True)
def _scan_block(s, a, lo, lo_all, eq_all, first_all, hi_all, outlet, lang, floor, k, skip, before, after,
                near_i, near_c, out_t, out_s, out_c):
    """One pass over a block of cosines ``s`` (rows: units ``a..``, columns: units ``lo..``):
    each row's density before and after it in each language (mean of its ``k`` best cosines
    with units of other outlets in that language, negatives as 0), its ``near_i.shape[3]``
    closest units per side and language (``near_i[u, side, g]``, -1 where fewer; cosines in
    ``near_c``), and the earlier units at ``floor`` or more. Returns the number of candidates
    written, or -1 when ``out_*`` are too small."""
    n_out = 0
    n_lang = before.shape[1]
    kk = k + skip
    m = near_i.shape[3]
    top = np.zeros((n_lang, m), dtype=np.float32)
    top_i = np.full((n_lang, m), -1, dtype=np.int32)
    for r in range(s.shape[0]):
        u = a + r
        ou = outlet[u]
        for side in range(2):
            c0 = (lo_all[u] if side == 0 else first_all[u]) - lo
            c1 = (eq_all[u] if side == 0 else hi_all[u]) - lo
            top[:, :] = 0.0
            top_i[:, :] = -1
            for c in range(c0, c1):
                if outlet[lo + c] == ou:
                    continue
                x = s[r, c]
                g = lang[lo + c]
                if x > top[g, m - 1]:
                    j = m - 1
                    while j > 0 and top[g, j - 1] < x:
                        top[g, j] = top[g, j - 1]
                        top_i[g, j] = top_i[g, j - 1]
                        j -= 1
                    top[g, j] = x
                    top_i[g, j] = lo + c
                if side == 0 and x >= floor:
                    if n_out == len(out_t):
                        return -1
                    out_t[n_out] = u
                    out_s[n_out] = lo + c
                    out_c[n_out] = x
                    n_out += 1
            for g in range(n_lang):
                d = np.float32(top[g, skip:kk].sum() / k)
                if side == 0:
                    before[u, g] = d
                else:
                    after[u, g] = d
                near_i[u, side, g, :] = top_i[g, :]
                near_c[u, side, g, :] = top[g, :]
    return n_out


@njit(cache=True, nogil=True)
def _dot(vectors, a, b):
    """Cosine of two unit rows (numba's ``np.dot`` would need scipy's BLAS)."""
    x = np.float32(0.0)
    for d in range(vectors.shape[1]):
        x += vectors[a, d] * vectors[b, d]
    return x


@njit(cache=True, nogil=True)
def _density_without(idx, cs, vectors, partner, lim, k, skip, keep, gate):
    """Mean of the ``skip+1``-th to ``skip+k``-th of the cosines ``cs`` (neighbours ``idx``, best
    first) counting only the first ``keep`` neighbours other than ``partner`` whose cosine with
    ``partner`` reaches ``lim`` -- when there are ``gate`` or more of them, else all. Slots the list cannot fill take its last cosine (no unlisted neighbour is
    closer), or 0 when the list was not full (there were no more neighbours)."""
    kk = k + skip
    m = len(idx)
    if gate > 0:  # a family smaller than ``gate`` is left in: the plain density
        n_fam = 0
        for j in range(m):
            v = idx[j]
            if v < 0:
                break
            if v != partner and _dot(vectors, v, partner) >= lim:
                n_fam += 1
        if n_fam < gate:
            lim = np.float32(np.inf)
    got = 0
    fam = 0
    total = np.float32(0.0)
    for j in range(m):
        v = idx[j]
        if v < 0:
            break
        if v != partner:
            if _dot(vectors, v, partner) >= lim:
                if fam >= keep:
                    continue
                fam += 1
        if got >= skip:
            total += max(cs[j], np.float32(0.0))
        got += 1
        if got == kk:
            return total / k
    if idx[m - 1] >= 0:  # full list: the unlisted neighbours are at most its last cosine
        while got < kk:
            if got >= skip:
                total += max(cs[m - 1], np.float32(0.0))
            got += 1
    return total / k


@njit(cache=True, nogil=True)
def _family_density(tu, su, cos, ask, vectors, tlang, slang, near_i, near_c, k, skip, delta, keep, gate, dens):
    """For the pairs ``ask``: each candidate pair's density with the partner's other echoes counted
    once (see ``_FAMILY_DELTA``); ``dens`` is overwritten in place. One loop over the pairs in
    numba, a few dot products each (the walk stops once ``k + skip`` neighbours are taken)."""
    for p in range(len(tu)):
        if not ask[p]:
            continue
        t = tu[p]
        s = su[p]
        lim = cos[p] - delta
        dt = _density_without(near_i[t, 0, slang[p]], near_c[t, 0, slang[p]], vectors, s, lim, k, skip, keep, gate)
        ds = _density_without(near_i[s, 1, tlang[p]], near_c[s, 1, tlang[p]], vectors, t, lim, k, skip, keep, gate)
        dens[p] = (dt + ds) / 2


def unit_neighbours(vectors: np.ndarray, times: np.ndarray, outlet: np.ndarray, window_ns: int, *,
                    floor: float, k: int = _K, skip: int = 0, lang: np.ndarray | None = None,
                    near: int = 0) -> tuple:
    """Candidate unit pairs and each unit's density, by exact products per time block.

    Parameters
    ----------
    vectors : (n, d) float32, unit rows, sorted by ``times``
    times : (n,) int64 nanoseconds, non-decreasing
    outlet : (n,) int codes; units of one outlet are never compared
    window_ns : int
    floor : float
        Smallest cosine of a candidate pair.
    k : int
        Neighbours whose mean cosine is a density.
    skip : int
        Closest neighbours left out of it (the density is the mean of the
        ``skip+1``-th to ``skip+k``-th best).
    lang : (n,) int codes 0..L-1, optional
        The units' languages: each density is then measured against the units
        of one language (column ``lang`` of ``before``/``after``).
    near : int
        With ``near > 0``, also return each unit's ``max(near, k + skip)`` closest units.

    Returns
    -------
    tgt, src, cos : arrays over the candidate pairs (``times[src] <= times[tgt]``,
        within the window, other outlets)
    before, after : (n,) float32 without ``lang``, else (n, L): each unit's density in the
        window before and after it (per language of the neighbours)
    near_i, near_c : (n, 2, L, M) int32 and float32, only with ``near``
        Each unit's closest units before (``[:, 0]``) and after (``[:, 1]``) it, best first,
        per language of the neighbours, and their cosines (-1 and 0 where there are fewer)
    """
    n = len(vectors)
    flat = lang is None
    lang = np.zeros(n, dtype=np.int64) if flat else np.asarray(lang, dtype=np.int64)
    n_lang = int(lang.max()) + 1 if n else 1
    before = np.zeros((n, n_lang), dtype=np.float32)
    after = np.zeros((n, n_lang), dtype=np.float32)
    m = max(int(near), k + skip)
    near_i = np.full((n, 2, n_lang, m), -1, dtype=np.int32)  # with near_c: 256 bytes a unit
    near_c = np.zeros((n, 2, n_lang, m), dtype=np.float32)
    found_t, found_s, found_c = [], [], []
    lo_all = np.searchsorted(times, times - window_ns, side="left")
    eq_all = np.searchsorted(times, times, side="right")     # keys at or before a unit's time end here
    first_all = np.searchsorted(times, times, side="left")   # keys at or after it start here
    hi_all = np.searchsorted(times, times + window_ns, side="right")
    a = 0
    while a < n:
        # as many query rows as keep the block (rows x the keys of all their windows) under
        # _BLOCK_FLOATS: the keys run from the first row's window start to the last row's end
        lo = int(lo_all[a])
        span = min(n - a, _BLOCK_FLOATS)
        cost = np.arange(1, span + 1, dtype=np.int64) * (hi_all[a:a + span] - lo)
        b = a + max(1, int(np.searchsorted(cost, _BLOCK_FLOATS, side="right")))
        hi = int(hi_all[b - 1])
        s = vectors[a:b] @ vectors[lo:hi].T
        cap = 8 * (b - a) + 1024
        while True:
            out_t, out_s = np.empty(cap, np.int64), np.empty(cap, np.int64)
            out_c = np.empty(cap, np.float32)
            got = _scan_block(s, a, lo, lo_all, eq_all, first_all, hi_all, outlet, lang, np.float32(floor), k,
                              skip, before, after, near_i, near_c, out_t, out_s, out_c)
            if got >= 0:
                break
            cap *= 4
        found_t.append(out_t[:got])
        found_s.append(out_s[:got])
        found_c.append(out_c[:got])
        a = b
    cat = (lambda xs, dt: np.concatenate(xs).astype(dt) if xs else np.zeros(0, dtype=dt))
    if flat:
        before, after = before[:, 0], after[:, 0]
    out = (cat(found_t, np.int64), cat(found_s, np.int64), cat(found_c, np.float32), before, after)
    return out + (near_i, near_c) if near else out


def _unit_widths(texts: list | None, units: Units, which: np.ndarray) -> np.ndarray:
    """Widths of the units ``which`` in Latin-equivalent characters (a Han character counts
    :data:`~amplify.detect.sentences.CJK_WIDTH`); without the texts, their lengths in characters.
    One pass over the pieces joined, not one per unit."""
    if texts is None or not len(which):
        return (units.end[which] - units.start[which]).astype(np.float64)
    pieces = [texts[p][a:b] for p, a, b in zip(units.post[which].tolist(), units.start[which].tolist(),
                                                 units.end[which].tolist())]
    cum = cumulative_width("".join(pieces))
    ends = np.cumsum([len(x) for x in pieces])
    return (cum[ends] - cum[ends - np.array([len(x) for x in pieces])]).astype(np.float64)


def _needed_margin(base: float, texts: list | None, units: Units, tu: np.ndarray, su: np.ndarray,
                   ask: np.ndarray) -> np.ndarray:
    """The margin each candidate pair needs: ``base``, more for short pairs (see ``_SHORT_EXTRA``);
    widths are measured only for the pairs ``ask`` (the others get ``base``)."""
    need = np.full(len(tu), base, dtype=np.float64)
    if _SHORT_EXTRA is None or not ask.any():
        return need
    idx = np.flatnonzero(ask)
    uniq, inv = np.unique(np.concatenate([tu[idx], su[idx]]), return_inverse=True)
    w = _unit_widths(texts, units, uniq)[inv]
    shorter = np.minimum(w[:len(idx)], w[len(idx):])
    need[idx] += _SHORT_EXTRA * np.maximum(0.0, 1.0 - shorter / _SHORT_WIDTH)
    return need


def _margin(cos: np.ndarray, dens: np.ndarray) -> np.ndarray:
    """How far a pair's cosine stands above its neighbourhood: ``cos - dens`` (the *distance*
    margin of bitext mining) or, with ``_MARGIN == "ratio"``, ``cos / dens``."""
    if _MARGIN == "ratio":
        return cos / np.maximum(dens, 1e-6)
    return cos - dens


def align_posts(tgt_u, src_u, cos, dens, units: Units, *, cos_min: float, margin_min,
                min_coverage: float, support_margin: float | None = None) -> pd.DataFrame:
    """Aligned units, one-to-one per post pair, and the post pairs they cover enough of.

    ``dens`` is each candidate pair's density (the mean of its target's density
    before it and its source's after it); its margin is ``cos - dens`` (see :func:`_margin`).
    With ``support_margin``, a pair whose margin reaches only that is aligned
    too when its two posts hold a pair that reaches ``margin_min`` (see
    ``_SUPPORT_MARGIN``); pairs that reach ``margin_min`` are aligned first.
    ``margin_min`` is one number or one per candidate pair.

    Returns one row per aligned unit pair of a linked post pair: ``src``, ``tgt``
    (post numbers), ``su``, ``tu`` (units) and ``cos``; plus, per row, the
    pair's ``source_coverage`` and ``target_coverage`` (share of each post's
    unit characters aligned).
    """
    margin = _margin(cos, dens)
    strong = (cos >= cos_min) & (margin >= margin_min)
    ok = strong
    if support_margin is not None and len(tgt_u):
        tp, sp = units.post[tgt_u].astype(np.int64), units.post[src_u].astype(np.int64)
        key = tp * (int(units.post.max()) + 1) + sp
        ok = strong | ((cos >= cos_min) & (margin >= support_margin) & np.isin(key, key[strong]))
    df = pd.DataFrame({"tgt": units.post[tgt_u[ok]], "src": units.post[src_u[ok]], "tu": tgt_u[ok],
                       "su": src_u[ok], "cos": cos[ok], "strong": strong[ok]})
    df = df[df["src"] != df["tgt"]]
    if df.empty:
        return df.drop(columns="strong").assign(source_coverage=[], target_coverage=[])
    # pairs that pass on their own first, then best first; each unit once per post pair (greedy
    # one-to-one alignment): a supporting pair never takes the place of one that passes alone
    df = df.sort_values(["tgt", "src", "strong", "cos"], ascending=[True, True, False, False], kind="stable")
    df = df.drop(columns="strong")
    df = df.drop_duplicates(["tgt", "src", "tu"]).drop_duplicates(["tgt", "src", "su"])
    ulen = (units.end - units.start).astype(np.float64)
    total = np.bincount(units.post, weights=ulen, minlength=int(units.post.max()) + 1)
    df["slen"] = ulen[df["su"].to_numpy()]
    df["tlen"] = ulen[df["tu"].to_numpy()]
    g = df.groupby(["tgt", "src"], sort=False)
    cov_s = g["slen"].transform("sum").to_numpy() / total[df["src"].to_numpy()]
    cov_t = g["tlen"].transform("sum").to_numpy() / total[df["tgt"].to_numpy()]
    df["source_coverage"] = np.minimum(cov_s, 1.0)
    df["target_coverage"] = np.minimum(cov_t, 1.0)
    return df[np.maximum(df["source_coverage"], df["target_coverage"]) >= min_coverage].reset_index(drop=True)


#: A number: groups of three digits after a comma or a space are one number ("58,595,066" and the
#: Russian "58 595 066"); otherwise a comma or point before one or two digits is a decimal mark
#: ("1,5 млн" is "1.5 million") and a point before more is too ("4.244亿"); "6666，8888" is two
#: numbers (read as one, a Chinese list vetoed its own translation "6666 and 8888").
_NUMBER = re.compile(r"\d{1,3}(?:[, \u00a0\u2009\u202f]\d{3})+(?:[.,]\d+)?(?!\d)"
                     r"|\d+(?:[.,]\d{1,2}(?!\d)|\.\d+)*")
_NOT_DIGIT = re.compile(r"\D")


def _number_keys(piece: str) -> frozenset:
    """The numbers of a text as scale-free digit strings: separators and the decimal mark
    dropped, then leading and trailing zeros. A translation writes one number in other units
    of scale -- "25万" is "250,000", "4.244亿" is "424.4 million", "１００" is "100" -- and all
    of them keep the same significant digits ("25", "4244", "1")."""
    piece = unicodedata.normalize("NFKC", piece)  # full-width digits and commas
    out = set()
    for x in _NUMBER.findall(piece):
        x = _NOT_DIGIT.sub("", x).strip("0")
        out.add(x or "0")
    return frozenset(out)


def _numbers_agree(texts: list, units: Units, tu: np.ndarray, su: np.ndarray, ask: np.ndarray) -> np.ndarray:
    """For the candidate pairs ``ask``: False where both units hold numbers and share none."""
    out = np.ones(len(tu), dtype=bool)
    memo: dict[int, frozenset] = {}

    def numbers(u: int) -> frozenset:
        if u not in memo:
            memo[u] = _number_keys(texts[units.post[u]][units.start[u]:units.end[u]])
        return memo[u]

    for i in np.flatnonzero(ask):
        a, b = numbers(int(tu[i])), numbers(int(su[i]))
        if a and b and not (a & b):
            out[i] = False
    return out


def semantic_links(emb: Embedded, times: np.ndarray, outlet_code: np.ndarray, group_code: np.ndarray, cfg,
                   *, want: np.ndarray | None = None, texts: list | None = None) -> pd.DataFrame:
    """The ``translation`` and ``semantic`` links among posts numbered in time order.

    Parameters
    ----------
    emb : :class:`Embedded` of the posts (``units.post`` = post number)
    times, outlet_code, group_code : per post
    cfg : :class:`~amplify.detect.settings.DetectSettings`
    want : bool mask over the posts, optional (only links into these targets)
    texts : list of str, optional
        The posts' texts: with them, two sentences that both hold numbers but
        share none are not aligned (a translation keeps its numbers: "140 kg"
        is not "150 kg").

    Returns
    -------
    DataFrame with ``src``, ``tgt``, ``kind``, ``score``, ``source_start`` ...
    ``target_end`` (characters), ``source_coverage``, ``target_coverage`` and
    ``aligned`` (JSON), one row per linked pair, sorted by ``(tgt, src)``.
    """
    units = emb.units
    order = np.argsort(units.post, kind="stable")  # posts are in time order, so units are too
    assert np.all(order == np.arange(len(order))), "units must be sorted by post"
    ut = times[units.post]
    # units of one outlet are never compared, unless an outlet may echo itself: then only one post's units
    code = np.arange(len(times)) if cfg.same_outlet else np.asarray(outlet_code)
    # densities per language of the neighbours: a Chinese sentence is measured against the English
    # sentences around it when the candidate is English (as bitext mining measures it against the
    # other side's corpus), not against the many Chinese sentences on the same topic
    ulang = pd.factorize(np.asarray(emb.lang, dtype=object)[units.post])[0] if _PER_LANGUAGE \
        else np.zeros(len(units), dtype=np.int64)
    tu, su, cos, before, after, near_i, near_c = unit_neighbours(
        emb.vectors, ut, code[units.post].astype(np.int64), cfg.window_ns, floor=cfg.semantic_min, k=_K,
        skip=_SKIP, lang=ulang, near=_NEAR)
    dens = (before[tu, ulang[su]] + after[su, ulang[tu]]) / 2
    # a sentence echoed by many outlets has its own echoes as nearest neighbours: a pair's density
    # counts the partner's other echoes once (see _FAMILY_DELTA); asked only where the plain
    # density rejects the pair, since counting fewer neighbours only lowers a density
    if _FAMILY_DELTA is not None:
        ask = _margin(cos, dens) < cfg.semantic_margin + (_SHORT_EXTRA or 0.0)
        _family_density(tu, su, cos, ask, emb.vectors, ulang[tu], ulang[su], near_i, near_c, _K, _SKIP,
                        np.float32(_FAMILY_DELTA), _FAMILY_KEEP, _FAMILY_GATE, dens)
    keep = np.ones(len(tu), dtype=bool)
    tp, sp = units.post[tu], units.post[su]
    if cfg.cross_group_only:
        keep &= group_code[tp] != group_code[sp]
    if want is not None:
        keep &= want[tp] | ((times[tp] == times[sp]) & want[sp])
    margin = _margin(cos, dens)
    # a short pair needs more margin: widths measured only where that can matter
    need = _needed_margin(cfg.semantic_margin, texts, units, tu, su,
                          keep & (cos >= cfg.semantic_min) & (margin >= cfg.semantic_margin)
                          & (margin < cfg.semantic_margin + (_SHORT_EXTRA or 0.0)))
    strong = keep & (cos >= cfg.semantic_min) & (margin >= need)
    if texts is not None:  # asked only of the pairs that pass the cosine and the margin: few
        keep &= _numbers_agree(texts, units, tu, su, strong)
        strong &= keep
    if _SUPPORT_MARGIN is not None:
        # supporting pairs: only those whose posts hold a pair that passes alone (few), numbers checked
        key = tp.astype(np.int64) * len(times) + sp
        support = keep & ~strong & (cos >= cfg.semantic_min) & (margin >= _SUPPORT_MARGIN) \
            & np.isin(key, key[strong])
        if texts is not None:
            support &= _numbers_agree(texts, units, tu, su, support)
        keep &= strong | support
    al = align_posts(tu[keep], su[keep], cos[keep], dens[keep], units, cos_min=cfg.semantic_min,
                     margin_min=need[keep], min_coverage=cfg.semantic_min_coverage,
                     support_margin=_SUPPORT_MARGIN)
    cols = ["src", "tgt", "kind", "score", "source_start", "source_end", "target_start", "target_end",
            "source_coverage", "target_coverage", "aligned"]
    if al.empty:
        return pd.DataFrame({c: pd.Series(dtype=object if c in ("kind", "aligned") else np.float64) for c in cols})
    al = al.sort_values(["tgt", "src", "tu"], kind="stable").reset_index(drop=True)
    ss, se = units.start[al["su"]], units.end[al["su"]]
    ts, te = units.start[al["tu"]], units.end[al["tu"]]
    w = (al["slen"] + al["tlen"]).to_numpy()
    al = al.assign(ss=ss, se=se, ts=ts, te=te, wc=al["cos"] * w, w=w)
    g = al.groupby(["tgt", "src"], sort=False)
    out = g.agg(source_start=("ss", "min"), source_end=("se", "max"), target_start=("ts", "min"),
                target_end=("te", "max"), wc=("wc", "sum"), w=("w", "sum"),
                source_coverage=("source_coverage", "first"), target_coverage=("target_coverage", "first"))
    out = out.reset_index()
    pieces = np.stack([ss, se, ts, te, np.round(al["cos"].to_numpy() * 100).astype(np.int64)], axis=1).tolist()
    bounds = np.flatnonzero(np.r_[True, (al["tgt"].to_numpy()[1:] != al["tgt"].to_numpy()[:-1])
                                   | (al["src"].to_numpy()[1:] != al["src"].to_numpy()[:-1]), True])
    aligned = [json.dumps(pieces[x:y], separators=(",", ":")) for x, y in zip(bounds[:-1], bounds[1:])]
    lang = np.asarray(emb.lang, dtype=object)
    ls, lt = lang[out["src"].to_numpy()], lang[out["tgt"].to_numpy()]
    other = (ls != lt) & (ls != UNDETERMINED) & (lt != UNDETERMINED)
    out["kind"] = np.where(other, "translation", "semantic")
    out["score"] = np.round(100 * out["wc"] / out["w"], 2)
    out["aligned"] = aligned
    out["source_coverage"] = out["source_coverage"].round(4)
    out["target_coverage"] = out["target_coverage"].round(4)
    return out[cols].sort_values(["tgt", "src"], kind="stable").reset_index(drop=True)
