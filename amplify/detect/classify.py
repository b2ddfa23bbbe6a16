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
    ``>= 0.6`` (optionally also a token-level ``ratio`` floor, 0 by default),
    so reordering, substitutions, insertions and deletions are tolerated; or,
    for a short text (8 to ``short_words`` words), ``restated`` (80 %) of its tokens
    reappear in order inside the other, however long the other is (a
    headline reworded inside a reprint's tag, date and section).

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

__all__ = ["VERBATIM", "QUOTE", "PARAPHRASE", "REUSE", "TEMPLATE", "NO_ECHO", "worth_verifying", "classify",
           "needs_agreement", "scores", "shown_passages", "far_pair_worth_verifying", "long_quote"]

#: Kinds of text echoes (see :data:`amplify.schema.LINK_KINDS` for all link kinds).
VERBATIM, QUOTE, PARAPHRASE = "verbatim", "quote", "paraphrase"
#: Several passages reused, together most of the shorter text (an article built from parts of a statement).
REUSE = "reuse"
#: Same frame, other facts: a pair that would be an echo but for its numbers or names.
TEMPLATE = "template"
#: What :func:`classify` says of a pair that is no echo.
NO_ECHO = ""

_DEFAULTS = DetectSettings()

# A passage, or the spread of the matches, covering this share of the source
# is the statement itself, not a stock phrase it happens to carry.
_MOST_OF_SOURCE = 0.5
# A passage covering this share of a text finds it whole in the other.
_CONTAINED = 0.9
# Rare shingles that still admit a paraphrase whose matches spread less.
_PARAPHRASE_MIN_RARE = 2
# Before verification: a pair sharing this share of the source's shingles
# (at least _FEW_SHARED) may be a copy of most of it.
_SHARED_SHARE_OF_SOURCE = 0.2
_FEW_SHARED = 2
# ... and a heavy paraphrase keeps at least this many shingles intact.
_PARAPHRASE_MIN_SHARED = 3
# A short echo may reword some rare words of its source (a synonym, a
# spelling, a transliteration); when it loses more than this share of them it
# names other people, places or things.
_RARE_LOST_SHARE = 0.5
# ... and two texts equal but for at most this many words on each side that
# swap a rare word name different things.
_SWAPPED_WORDS = 2
# Names are told from other words by their rarity only in a window of at least
# this many posts.
_FEED_POSTS = 100
# Word order of a short echo: its longest common subsequence is at least this
# share of the shorter text's words in common.
_SHORT_ORDER = 0.6
# Lightly edited passages of quote length that make a reuse together.
_REUSED_PASSAGES = 2
# A pair whose numbers differ is a template when its whole texts still align
# this well (token-level ratio: the same frame); one whose names differ, when
# they align as well as this (all but the names); otherwise it is nothing.
_TEMPLATE_FRAME = 60.0
_TEMPLATE_FRAME_NAMES = 75.0
# A short text restated inside another: the longest common subsequence holds
# at least DetectSettings.restated (0.8) of the shorter text's tokens, and the
# shorter text has at least this many (a Censor.net reprint rewording an
# Ukrinform headline inside its own tag, date and section: the wrapper keeps
# Dice below any paraphrase threshold, whatever the headline shares).
_RESTATED_MIN_TOKENS = 8
# A short pair shares only the bare fact of an event when at least
# DetectSettings.bare_fact_posts (8) other posts of the window hold every token
# the two share (and they share a clause at most, see
# amplify.detect.content.BARE_FACT_TOKENS). On the UCI headlines "Mt. Gox files
# for US bankruptcy" is held by 26 other posts; of the hand-checked links the
# rule drops at 8, 8 were judged not, 1 unsure, 1 echo.
# With the event margin on (DetectSettings.event_margin), a short pair is no
# echo when at least this many posts of the event's other coverage resemble
# the target as much as its source does while the source does not resemble
# them (amplify.detect.content): one such post could be a second copy the
# target took from; two make the source's words the event's, not its own.
_EVENT_POSTS = 2
# Two texts of at most short_block_words tokens may be a paraphrase without
# shared shingles (amplify.detect.short_candidates pairs them on rare words),
# when they share at least this many rare words in order.
_REWORDED_RARE = 2
# ... and the shorter holds at least this many: a headline of five words or
# fewer reworded is its bare fact ("Newegg - Titanfall Sweepstakes" /
# "Newegg Announces Titanfall Sweepstakes").
_REWORDED_MIN_WORDS = 6


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


def far_pair_worth_verifying(pairs: Candidates, lengths: np.ndarray, settings: DetectSettings) -> np.ndarray:
    """Which pairs found past ``window`` (:func:`amplify.detect.pipeline.block`)
    may still be long quotes: both texts hold ``quote_window_words`` tokens and the
    pair shares at least ``shingle`` shingles that are rare over ``quote_window``
    (a quote of 12 words, one word changed, keeps 4 or more)."""
    long = np.minimum(lengths[pairs.src], lengths[pairs.tgt]) >= settings.quote_window_words
    return long & (pairs.rare >= settings.shingle)


def long_quote(evidence: Evidence, kinds: np.ndarray, settings: DetectSettings) -> np.ndarray:
    """Which echoes may be linked past ``window``, up to ``quote_window``: a
    passage of at least ``quote_window_words`` words taken whole (``verbatim``,
    ``quote`` or ``reuse``). A paraphrase or a template is weak evidence that
    weeks of other news would drown; a long verbatim passage is not."""
    return np.isin(kinds, (VERBATIM, QUOTE, REUSE)) & (evidence.region_words() >= settings.quote_window_words)


def needs_agreement(evidence: Evidence, kinds: np.ndarray, settings: DetectSettings) -> np.ndarray:
    """Which pairs :func:`classify` needs content agreement for
    (:mod:`amplify.detect.content`): echoes whose shorter text may be short,
    verbatim pairs (whose numbers may differ), and short pairs that are no
    echo yet but whose shorter text may be restated in order inside the other
    (its longest common subsequence is counted with the agreement)."""
    shorter = np.minimum(evidence.src_tokens, evidence.tgt_tokens)
    short = shorter <= 2 * settings.short_words
    may_restate = (kinds == NO_ECHO) & short & (shorter >= _RESTATED_MIN_TOKENS)
    return ((kinds != NO_ECHO) & (short | (kinds == VERBATIM))) | may_restate


def classify(evidence: Evidence, settings: DetectSettings) -> np.ndarray:
    """The kind of each verified pair: ``"verbatim"``, ``"quote"``,
    ``"paraphrase"``, ``"template"`` or :data:`NO_ECHO` (``""``).

    On the alignment evidence, the first kind that holds wins, in that order:

    * verbatim: ``whole_ratio >= verbatim_min``;
    * quote: a passage of ``region_words >= min_quote_tokens`` with
      ``region_ratio >= quote_min``, or a short text of at least
      ``min_contained_words`` found whole in the other (the passage covers
      90 % of it) at that ratio; not boilerplate (``rare >= shingle``
      shingles, or the passage is at least half the source);
    * paraphrase: judged on the whole text, ``dice >= paraphrase_min_dice``
      and ``whole_ratio >= paraphrase_min_ratio``, with its matches spread
      over half of the source (a shared sign-off or stock phrase does not)
      or at least 2 rare shingles; when the shorter text is short, it holds
      ``short_paraphrase_cover`` of that text's words;
    * reuse: the reused passages (runs of matched shingles, each tolerating
      small edits) together cover at least ``reuse_min_coverage`` of the
      *shorter* text, or two or more of them are ``min_quote_tokens`` long in
      both texts, with at least ``shingle`` rare shingles: a text built from
      several lightly edited passages of another (an article reusing three
      sentences of a long transcript), however long either text is (no rule
      reads the longer text's length).

    Where ``evidence.agreement`` holds content agreement
    (:mod:`amplify.detect.content`), the content must agree as well:

    * two texts that each hold a number the other lacks state different
      figures; a short text (``short_words``) whose rare words do not
      reappear in the other (more than half of them lost) names other people,
      places or things. Either makes the pair a ``template`` when the whole
      texts still align (the same frame: token ratio >= 60 when numbers
      differ, >= 75 when names do), else no echo. Two short texts equal but
      for a word or two that swap a rare word name different things (Finland
      / Sweden).
      Names are checked for short pairs only, numbers for short pairs and
      verbatim pairs;
    * where ``evidence.other_facts`` is filled
      (:func:`amplify.detect.passage_facts.check_passages`), a long echo's
      passages that state other numbers or names on both sides no longer
      count: the pair is an echo only if a quote or reuse remains without
      them, else a ``template`` (a verbatim pair with such a passage is one);
    * a short text of at least 8 tokens whose longest common subsequence
      with the other holds ``restated`` (80 %) of its tokens is restated there: a
      paraphrase judged on the shorter text alone (Dice, which reads both
      lengths, cannot see a headline reworded inside a long wrapper);
    * a short paraphrase must keep its word order (the common subsequence is
      at least 60 % of the words in common) and share more than its topic: a
      rare word, or ``restated`` of the shorter text in order (a bag of topic words
      is not an echo);
    * a short quote, paraphrase or reuse whose shared words (a clause at
      most) are all held by ``bare_fact_posts`` (8) or more other posts of the window shares only
      the bare fact of an event, in the words every outlet uses ("Apple
      releases iOS 7.1" inside a longer headline of its own): no echo. A
      verbatim copy stays one, and a longer shared text held by many posts
      is a viral copy, not a bare fact;
    * with ``event_margin`` set, a short quote, paraphrase or reuse is no echo
      when 2 or more posts of other outlets covering the event (holding one
      of the pair's rarest shared words) are at least as close to the target
      as its source is, while the source is ``event_margin`` points farther
      from them: the target resembles coverage the source does not, so the
      source is not specifically where its words came from.

    Parameters
    ----------
    evidence : Evidence
        What verification found (:func:`amplify.detect.verify.verify_pairs`),
        with ``agreement`` filled for :func:`needs_agreement`.
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
    contained = (evidence.shorter_cover() >= _CONTAINED) \
        & (evidence.region_words() >= settings.min_contained_words)
    is_quote = ~is_verbatim & ((evidence.region_words() >= settings.min_quote_tokens) | contained) \
        & (evidence.region_ratio() >= settings.quote_min) & not_boiler
    if evidence.region_differs is not None:  # the passage states other facts (amplify.detect.passage_facts)
        is_quote &= evidence.region_differs == 0
    # a paraphrase is judged on the whole text: its matches must spread over
    # half of the source (a shared sign-off or stock phrase does not)
    # ... or both texts are short: a reworded headline keeps no shingles to spread, so
    # only the content rules (asked for every short echo) can admit it -- see _content_rules
    by_dice = ~is_verbatim & ~is_quote & (evidence.dice() >= settings.paraphrase_min_dice) \
        & (whole >= settings.paraphrase_min_ratio) \
        & ((rare >= _PARAPHRASE_MIN_RARE) | (evidence.source_spread() >= _MOST_OF_SOURCE) | _reworded(evidence, settings))
    is_para = by_dice & _holds_shorter(evidence, settings)
    is_reuse = ~is_verbatim & ~is_quote & ~is_para & (rare >= settings.shingle) \
        & ((evidence.shorter_coverage() >= settings.reuse_min_coverage)
           | (evidence.long_passages >= _REUSED_PASSAGES))
    kinds = np.where(is_verbatim, VERBATIM, np.where(is_quote, QUOTE, np.where(
        is_para, PARAPHRASE, np.where(is_reuse, REUSE, NO_ECHO))))
    if evidence.agreement is not None:
        # a paraphrase by Dice that holds too little of its short text is no echo, but it may still be
        # a template (the same frame with other numbers or names: "Everything You Need To Know About ...")
        kinds = _content_rules(evidence, kinds, settings, frame_only=by_dice & (kinds == NO_ECHO))
    if evidence.other_facts is not None:
        # a long echo with passages that state other numbers or names: without them (the
        # evidence above no longer counts them) it is an echo only if a quote or reuse
        # remains; else it is the same frame with other facts. A verbatim copy is one text:
        # any such passage makes it a template
        by_passage = (evidence.other_facts > 0) & ((kinds == NO_ECHO) | (kinds == VERBATIM))
        kinds = np.where(by_passage, TEMPLATE, kinds)
    return kinds


def _holds_shorter(evidence: Evidence, settings: DetectSettings) -> np.ndarray:
    """Pairs that hold enough of their shorter text to be a paraphrase: when that
    text is short, ``short_paraphrase_cover`` of its words (as a bag) are in the other.

    Dice over both texts counts the longer one's length against the pair, and
    lets two headlines of one event in each outlet's own words through as long
    as they share the event's words ("Colorado collects / reports $2M ..."
    passes either way; "Lindsay Lohan's OWN Reality Series Launch Attracts
    693000 Viewers" / "... Reality Show Debuts to 693000 Viewers" does not).
    Shortness is read from the content agreement, so before it is counted
    (:func:`classify`'s first pass, which decides what
    :func:`needs_agreement` asks for) every pair may hold enough.
    """
    ag = evidence.agreement
    if ag is None or not settings.short_paraphrase_cover:
        return np.ones(len(evidence.src_tokens), dtype=bool)
    short = (ag.short_half_words >= 0) & (ag.short_half_words <= 2 * settings.short_words)
    shorter = np.maximum(np.minimum(evidence.src_tokens, evidence.tgt_tokens), 1)
    # the bag overlap is counted for every pair whose Dice may reach a paraphrase's
    held = np.where(evidence.bag_overlap >= 0, evidence.bag_overlap / shorter, 0.0)
    return ~short | (held >= settings.short_paraphrase_cover)


def _reworded(evidence: Evidence, settings: DetectSettings) -> np.ndarray:
    """Pairs of two short texts (``_REWORDED_MIN_WORDS`` to ``short_block_words`` tokens each) whose
    shingles alone would not make a paraphrase: fewer than 2 in common, spread
    over less than half of the source (a headline reworded in 6 to 15 words)."""
    both_short = (np.maximum(evidence.src_tokens, evidence.tgt_tokens) <= settings.short_block_words) \
        & (np.minimum(evidence.src_tokens, evidence.tgt_tokens) >= _REWORDED_MIN_WORDS)
    # fewer than two shingles in common: only the short join
    # (amplify.detect.short_candidates) verifies such pairs, so with it off no link changes
    few = evidence.shared < _FEW_SHARED
    return both_short & few & (evidence.source_spread() < _MOST_OF_SOURCE)


def _content_rules(evidence: Evidence, kinds: np.ndarray, settings: DetectSettings,
                   frame_only: np.ndarray | None = None) -> np.ndarray:
    """The kinds once names, numbers and rare words are checked (see :func:`classify`).

    ``frame_only`` marks pairs that are no echo but may be a ``template``
    (paraphrases by Dice that hold too little of their short text)."""
    ag = evidence.agreement
    asked = ag.short_half_words >= 0
    short = asked & (ag.short_half_words <= 2 * settings.short_words)
    # a short text restated in order inside the other is a paraphrase judged on the
    # shorter text alone (then held to the same content rules as any other)
    shorter = np.minimum(evidence.src_tokens, evidence.tgt_tokens)
    restated = short & (kinds == NO_ECHO) & (shorter >= _RESTATED_MIN_TOKENS) \
        & (ag.lcs_whole >= settings.restated * shorter)
    kinds = np.where(restated, PARAPHRASE, kinds)
    numbers_differ = asked & (ag.short_numbers_missing > 0) & (ag.long_numbers_missing > 0) \
        & (short | (kinds == VERBATIM))
    # names differ: the short text loses most of its rare words, or two short
    # texts equal but for a word or two swap a rare word each (Finland /
    # Sweden). (Any rare word swapped would be too much: a paraphrase rewords.)
    few_differ = np.maximum(evidence.src_tokens, evidence.tgt_tokens) - ag.lcs_whole <= _SWAPPED_WORDS
    # (rarity needs a feed to be counted in: in a window of a few posts every word is rare)
    names_differ = short & (ag.window_posts >= _FEED_POSTS) \
        & ((ag.short_rare_missing > _RARE_LOST_SHARE * ag.short_rare)
                            | (few_differ & (ag.short_rare_missing > 0) & (ag.long_rare_missing > 0)))
    # the whole texts' alignment: counted with the agreement for short pairs, by verification for verbatim ones
    frame = np.where(ag.lcs_whole >= 0,
                     200.0 * ag.lcs_whole / np.maximum(evidence.src_tokens + evidence.tgt_tokens, 1),
                     evidence.whole_ratio())
    candidate = kinds != NO_ECHO
    if frame_only is not None:
        candidate = candidate | frame_only
    differ = candidate & (numbers_differ | names_differ)
    # a short paraphrase (a bag of words in common) must keep the word order and
    # share more than the topic: a rare word, or most of the shorter text in
    # order. (Words of a text many outlets echo become common themselves, so a
    # rare word cannot be required of everything: verbatim copies and quotes
    # are sequences, not bags.)
    shared_rare = ag.short_rare - ag.short_rare_missing
    in_common = np.where(evidence.bag_overlap >= 0, evidence.bag_overlap, ag.lcs_whole)
    in_order = ag.lcs_whole >= _SHORT_ORDER * in_common
    # without a rare word in common, only a restatement (most of the shorter text in order) is an echo
    restates = ag.lcs_whole >= settings.restated * shorter
    topical = short & ((kinds == PARAPHRASE) | (kinds == REUSE)) & ~differ & ~(in_order & ((shared_rare >= 1) | restates))
    # the words two short texts share are the event's bare fact when many other posts hold them all
    bare_fact = short & np.isin(kinds, (QUOTE, PARAPHRASE, REUSE)) & (ag.overlap_posts >= settings.bare_fact_posts)
    out = kinds.copy()
    template = differ & (frame >= np.where(numbers_differ, _TEMPLATE_FRAME, _TEMPLATE_FRAME_NAMES))
    out[differ] = NO_ECHO
    out[template] = TEMPLATE
    out[topical] = NO_ECHO
    out[bare_fact & ~differ] = NO_ECHO
    # the event margin (counted only when asked for: -1 otherwise)
    same_event = short & np.isin(kinds, (QUOTE, PARAPHRASE, REUSE)) & (ag.event_posts >= _EVENT_POSTS)
    out[same_event & ~differ] = NO_ECHO
    # a short rewording (no shingles to vouch for it) must share at least
    # _REWORDED_RARE rare words, in order, and lose none of its numbers
    reworded = asked & (kinds == PARAPHRASE) & _reworded(evidence, settings) & ~restates
    weak = reworded & ~((shared_rare >= _REWORDED_RARE) & in_order & (ag.short_numbers_missing == 0))
    out[weak & (out == PARAPHRASE)] = NO_ECHO
    return out


def scores(evidence: Evidence, kinds: np.ndarray, settings: DetectSettings | None = None) -> np.ndarray:
    """The score (0-100) each kind reports: the whole-text ratio for verbatim
    and template, the passage's ratio for a quote, 100 x Dice for a
    paraphrase (or, for a short text restated inside another -- ``restated``
    of ``settings``, the defaults' without them -- the share of the shorter
    text in order in the other when that is higher), the share of the shorter
    text inside reused passages for reuse."""
    restated_share = (settings or _DEFAULTS).restated
    frame = evidence.whole_ratio()
    para = evidence.dice()
    if evidence.agreement is not None:  # a template's whole ratio, computed with the agreement
        asked = evidence.agreement.lcs_whole >= 0
        frame = np.where(asked, 200.0 * evidence.agreement.lcs_whole
                         / np.maximum(evidence.src_tokens + evidence.tgt_tokens, 1), frame)
        restated = evidence.agreement.lcs_whole / np.maximum(np.minimum(evidence.src_tokens, evidence.tgt_tokens), 1)
        para = np.where(restated >= restated_share, np.maximum(para, restated), para)
    if evidence.other_facts is not None:
        # a long echo that its passages made a template (amplify.detect.passage_facts) is scored as
        # the passage in one frame is, as a quote would be; a verbatim copy by its whole texts
        by_passage = (evidence.other_facts > 0) & (evidence.whole_ratio() < (settings or _DEFAULTS).verbatim_min)
        frame = np.where(by_passage, evidence.region_ratio(), frame)
    return np.where((kinds == VERBATIM) | (kinds == TEMPLATE), frame,
                    np.where(kinds == QUOTE, evidence.region_ratio(),
                             np.where(kinds == REUSE, 100.0 * evidence.shorter_coverage(), 100.0 * para)))


def shown_passages(evidence: Evidence, kinds: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Token spans a link shows, ``(source_start, source_end, target_start,
    target_end)``: the aligned passage for a quote (and for a template whose
    passage states other facts), the extent of all matches otherwise."""
    quote = kinds == QUOTE
    if evidence.region_differs is not None:
        quote = quote | ((kinds == TEMPLATE) & (evidence.region_differs > 0))
    return (np.where(quote, evidence.region_src_start, evidence.extent_src_start),
            np.where(quote, evidence.region_src_end, evidence.extent_src_end),
            np.where(quote, evidence.region_tgt_start, evidence.extent_tgt_start),
            np.where(quote, evidence.region_tgt_end, evidence.extent_tgt_end))
