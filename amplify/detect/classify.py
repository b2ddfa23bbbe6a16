"""The rules: which candidate pairs are echoes, of which kind, with what score.

Every rule that turns evidence into a verdict lives in this module:
:func:`worth_verifying` (the cheap test before verification) and
:func:`classify` (the kinds); :func:`scores` and :func:`shown_passages` say
what a link of each kind reports. Kinds and their default thresholds (all
overridable, see :class:`amplify.detect.DetectSettings`):

``verbatim``
    the whole texts are near-identical: token-level ``ratio >= 90``.
``quote``
    a passage of at least ``min_quote_tokens`` (10) words of the source (a
    character of Chinese, Japanese or Thai counts as half a word)
    reappears nearly verbatim (``ratio >= 90`` over the aligned region) in the
    target, however long the target is.
``paraphrase``
    the target restates most of the source: bag-of-words Dice overlap
    ``>= 0.55`` (optionally also a token-level ``ratio`` floor, 0 by default),
    so reordering, substitutions, insertions and deletions are tolerated.

A quote or paraphrase needs at least ``shingle`` *rare* shared shingles (not
common inside the window, see :mod:`amplify.detect.candidates`) -- where two
common phrases meet, ``shingle - 1`` shingles span the junction and look rare
-- unless the aligned passage makes up at least half of the source: the
source is then the statement itself, not a post that happens to carry the
same stock phrase and sign-off.
"""

from __future__ import annotations

import numpy as np

from amplify.detect.candidates import Candidates
from amplify.detect.settings import DetectSettings
from amplify.detect.verify import Evidence

__all__ = ["VERBATIM", "QUOTE", "PARAPHRASE", "NO_ECHO", "worth_verifying", "classify", "scores",
           "shown_passages"]

#: Kinds of text echoes (see :data:`amplify.schema.LINK_KINDS` for all link kinds).
VERBATIM, QUOTE, PARAPHRASE = "verbatim", "quote", "paraphrase"
#: What :func:`classify` says of a pair that is no echo.
NO_ECHO = ""

# A passage, or the spread of the matches, covering this share of the source
# is the statement itself, not a stock phrase it happens to carry.
_MOST_OF_SOURCE = 0.5
# Rare shingles that still admit a paraphrase whose matches spread less.
_PARAPHRASE_MIN_RARE = 2
# Before verification: a pair sharing this share of the source's shingles
# (at least _FEW_SHARED) may be a copy of most of it.
_SHARED_SHARE_OF_SOURCE = 0.2
_FEW_SHARED = 2
# ... and a heavy paraphrase keeps at least this many shingles intact.
_PARAPHRASE_MIN_SHARED = 3


def worth_verifying(pairs: Candidates, lengths: np.ndarray, settings: DetectSettings) -> np.ndarray:
    """Which candidate pairs may still be echoes, on cheap evidence alone.

    A pair with fewer than ``shingle`` rare shingles can only be a copy of
    most of its source (verbatim, or a passage covering half of it), which
    shares a good part of the source's shingles. A heavy paraphrase may keep
    only 3 shingles intact: those pairs go on when 2 are rare and their
    lengths allow the word overlap a paraphrase needs. (Exactly 2 shared
    shingles is one shared 5-word clause: at 1M posts that is 9M pairs of
    unrelated news posts.)

    Parameters
    ----------
    pairs : Candidates
        What blocking found.
    lengths : ndarray of int64
        Tokens of each post.
    settings : DetectSettings

    Returns
    -------
    ndarray of bool
        One per pair.
    """
    src, tgt, rare = pairs.src, pairs.tgt, pairs.rare
    n_shingles = np.maximum(lengths - settings.shingle + 1, 1)
    # the Dice overlap a paraphrase needs is possible only between lengths this close
    fits = 2.0 * np.minimum(lengths[src], lengths[tgt]) >= settings.paraphrase_min_dice * (lengths[src] + lengths[tgt])
    return (rare >= settings.shingle) \
        | (pairs.shared >= np.maximum(_FEW_SHARED, _SHARED_SHARE_OF_SOURCE * n_shingles[src])) \
        | ((rare >= _PARAPHRASE_MIN_RARE) & (pairs.shared >= _PARAPHRASE_MIN_SHARED) & fits)


def classify(evidence: Evidence, settings: DetectSettings) -> np.ndarray:
    """The kind of each verified pair: ``"verbatim"``, ``"quote"``,
    ``"paraphrase"``, or :data:`NO_ECHO` (``""``).

    The first kind that holds wins, in that order:

    * verbatim: ``whole_ratio >= verbatim_min``;
    * quote: a passage of ``region_words >= min_quote_tokens`` with
      ``region_ratio >= quote_min``, not boilerplate (``rare >= shingle``
      shingles, or the passage is at least half the source);
    * paraphrase: judged on the whole text, ``dice >= paraphrase_min_dice``
      and ``whole_ratio >= paraphrase_min_ratio``, with its matches spread
      over half of the source (a shared sign-off or stock phrase is not) or
      at least 2 rare shingles.

    Parameters
    ----------
    evidence : Evidence
        What verification found (:func:`amplify.detect.verify.verify_pairs`).
    settings : DetectSettings
        The thresholds.

    Returns
    -------
    ndarray of str
        One kind per pair.
    """
    whole = evidence.whole_ratio()
    rare = evidence.rare
    # a passage of common shingles only (boilerplate) is no evidence unless it
    # is most of its source. Where two common phrases meet (a stock phrase
    # before a sign-off) shingle-1 shingles span the junction and look rare,
    # so a passage needs at least `shingle` rare ones.
    not_boiler = (rare >= settings.shingle) | (evidence.source_cover() >= _MOST_OF_SOURCE)
    is_verbatim = whole >= settings.verbatim_min
    # a quote is a nearly exact passage; a looser whole restatement is a paraphrase
    is_quote = ~is_verbatim & (evidence.region_words() >= settings.min_quote_tokens) \
        & (evidence.region_ratio() >= settings.quote_min) & not_boiler
    # a paraphrase is judged on the whole text: its matches must spread over
    # half of the source (a shared sign-off or stock phrase does not)
    is_para = ~is_verbatim & ~is_quote & (evidence.dice() >= settings.paraphrase_min_dice) \
        & (whole >= settings.paraphrase_min_ratio) \
        & ((rare >= _PARAPHRASE_MIN_RARE) | (evidence.source_spread() >= _MOST_OF_SOURCE))
    return np.where(is_verbatim, VERBATIM, np.where(is_quote, QUOTE, np.where(is_para, PARAPHRASE, NO_ECHO)))


def scores(evidence: Evidence, kinds: np.ndarray) -> np.ndarray:
    """The score (0-100) each kind reports: the whole-text ratio for verbatim,
    the passage's ratio for a quote, 100 x Dice for a paraphrase."""
    return np.where(kinds == VERBATIM, evidence.whole_ratio(),
                    np.where(kinds == QUOTE, evidence.region_ratio(), 100.0 * evidence.dice()))


def shown_passages(evidence: Evidence, kinds: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Token spans a link shows, ``(source_start, source_end, target_start,
    target_end)``: the aligned passage for a quote, the extent of all matches
    otherwise."""
    quote = kinds == QUOTE
    return (np.where(quote, evidence.region_src_start, evidence.extent_src_start),
            np.where(quote, evidence.region_src_end, evidence.extent_src_end),
            np.where(quote, evidence.region_tgt_start, evidence.extent_tgt_start),
            np.where(quote, evidence.region_tgt_end, evidence.extent_tgt_end))
