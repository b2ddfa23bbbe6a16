"""The settings of a detection run: every knob, with defaults that work on news and social posts."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["DetectSettings", "SettingsError", "canonical_duration", "PRECISE", "describe_record", "LONGEST_WINDOW"]

# the semantic stage's settings (recorded with a link set only when the stage runs)
_SEMANTIC_FIELDS = ("semantic", "semantic_same_language", "semantic_min", "semantic_margin", "semantic_min_coverage", "encoder")

# Settings that a link set's record (DetectSettings.to_dict) leaves out at these values, so that a
# link set keeps the id it had before the setting existed: off (0) for the options added later,
# the value of the constant the rule had for bare_fact_posts and restated.
_LEFT_OUT_AT = {"short_block_words": 0, "event_margin": 0.0, "short_paraphrase_cover": 0.0, "bare_fact_posts": 8,
                "restated": 0.8}

#: What :meth:`DetectSettings.precise` changes: each rule that drops a short
#: pair sharing no more than an event's bare fact, set to drop more. On the
#: hand-checked UCI and RUWA sample (``benchmarks/judged.py``) the precision of
#: the links rises from 0.872 to 0.956 (the sample they were chosen on; 0.920 on
#: 120 of the profile's links read fresh and blind, 0.946 over every reading) and
#: two thirds of the judged echoes the defaults link stay linked (see the README,
#: "Precision first").
PRECISE = {"short_paraphrase_cover": 0.95, "reuse_min_coverage": 0.9, "bare_fact_posts": 3, "restated": 0.9,
           "event_margin": 10.0}


class SettingsError(ValueError):
    """A detection setting out of its range.

    ``setting`` is the field's name and ``problem`` what is wrong with it, so a
    front end can name the setting its own way (the CLI names its flag).
    """

    def __init__(self, setting: str, problem: str):
        super().__init__(f"{setting} {problem}")
        self.setting = setting
        self.problem = problem


def canonical_duration(value) -> str:
    """A duration in one spelling: whole days as ``"7D"``, else whole hours
    (``"36h"``), minutes (``"90min"``) or seconds (``"45s"``).

    >>> [canonical_duration(x) for x in ("7days", "168h", "36 hours", "90min", "0D", "2970000.5s")]
    ['7D', '7D', '36h', '90min', '0D', '2970000500ms']
    """
    td = pd.Timedelta(value)
    for unit, name in ((pd.Timedelta("1D"), "D"), (pd.Timedelta("1h"), "h"), (pd.Timedelta("1min"), "min"),
                       (pd.Timedelta("1s"), "s"), (pd.Timedelta("1ms"), "ms"), (pd.Timedelta("1us"), "us")):
        if td % unit == pd.Timedelta(0):
            return f"{td // unit}{name}"
    return f"{td.value}ns"  # exact, whatever the duration


#: The longest ``window`` or ``quote_window``: 100 years. Times are nanoseconds
#: in 64 bits and end in 2262, and detection adds a window to a post's time;
#: 100 years keeps that sum exact for every post before 2162, and no corpus
#: needs a longer look-back (a longer one wrapped around and changed links).
LONGEST_WINDOW = pd.Timedelta(days=36500)


def _duration(name: str, value, what: str) -> pd.Timedelta:
    """``value`` as a Timedelta no longer than :data:`LONGEST_WINDOW`, else :class:`SettingsError` naming ``name``."""
    try:
        td = pd.Timedelta(value)
    except (OverflowError, pd.errors.OutOfBoundsTimedelta):  # pandas durations end at about 292 years
        td = pd.Timedelta.max
    except (ValueError, TypeError):
        td = None
    if td is None or td is pd.NaT:
        raise SettingsError(name, f"must be {what} (got {value!r})")
    if td > LONGEST_WINDOW:
        raise SettingsError(name, f"is too long (got {value!r}; at most 100 years, '36500D')")
    return td


@dataclass(frozen=True)
class DetectSettings:
    """Every knob of detection, with defaults that work on news and social posts.

    A link set in a workspace is keyed by these values
    (:func:`amplify.detect.incremental.settings_record`), so two runs with the
    same settings share their links.

    Attributes
    ----------
    window : str
        Longest lag between a source and its echo (pandas offset, e.g. ``"7D"``, ``"36h"``),
        except for long quotes (``quote_window``). Stored in one spelling
        (:func:`canonical_duration`: ``"7days"`` and ``"168h"`` become ``"7D"``), so
        one duration makes one link set. At most 100 years
        (:data:`LONGEST_WINDOW`).
    quote_window : str
        Longest lag for a *long quote*: a passage of at least
        ``quote_window_words`` words quoted whole (``verbatim``, ``quote`` or
        ``reuse``) and made of shingles that are rare over this horizon. A
        ministry's statement is quoted weeks or months later; paraphrases and
        other weak evidence keep ``window``. Equal to or shorter than
        ``window``, it turns the long look-back off.
    quote_window_words : int
        Shortest passage, in words, that is found past ``window``.
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
    reuse_min_coverage : float
        Share (0-1) of the shorter text that reused passages must cover
        together for ``reuse``.
    short_paraphrase_cover : float
        Share (0-1) of the shorter text's words that a ``paraphrase`` must
        hold in common (as a bag) when that text is short (``short_words``).
        Dice over both texts (``paraphrase_min_dice``) lets two headlines
        written in each outlet's own words through as long as they share
        the event's words; this asks that the shorter one be nearly all in
        the other, whatever the longer one's length. 0 turns it off. At
        0.85 (the default) the hand-checked precision of the UCI and RUWA
        links rises from 0.793 to 0.867 while 14 of 261 judged echoes are
        lost; pairs of sentences labelled for meaning (MRPC, Twitter-URL)
        lose about 0.03 of F1 (see the README's real-data figures).
    short_words : int
        Texts of at most this many words are *short* (headlines, tweets):
        a pair whose shorter text is short is an echo only when the rare words
        of that text all reappear in the other (a name or a rare word may
        differ when there are four or more) and at least one of them is
        shared; see :mod:`amplify.detect.content`.
    rare_share, rare_min_posts : float, int
        A word is *rare* when at most ``max(rare_min_posts, rare_share * n)``
        of the ``n`` posts inside the window around the target hold it.
    min_contained_words : int
        A short text of at least this many words found whole (a passage
        covering 90 % of it, ``quote_min`` or better) inside another is a
        ``quote``, however short (a headline republished inside another).
    same_outlet : bool
        Also link an outlet echoing itself (off by default).
    cross_group_only : bool
        Keep only links between outlets of different groups (camps).
    common_at, keep_first, keep_last : int
        Viral/boilerplate bound, see :mod:`amplify.detect.candidates`.
    short_block_words : int
        Posts of at most this many tokens are also paired when they share
        rare words, not only shingles (:mod:`amplify.detect.short_candidates`:
        short rewordings rarely keep two 4-word shingles); 0 (the default)
        turns it off. 15 finds more short echoes on tweets and headline pairs
        (MRPC, Twitter-URL), but on the UCI and RUWA headlines most of the
        links it adds are the bare fact of an event in each outlet's words
        (see the README's Performance section), so it is off by default.
    bare_fact_posts : int
        A short quote, paraphrase or reuse is no echo when at least this
        many other posts of the window hold every word the two texts share
        (a clause at most): the pair shares only the bare fact of an event,
        in the words every outlet uses ("Mt. Gox files for US bankruptcy" is
        held by 26 other UCI headlines). Lower drops more such pairs, and
        some echoes of a line many outlets repeat (see :mod:`amplify.detect.classify`).
    restated : float
        Share (0-1) of a short text's words (at least 8) that its longest
        common subsequence with the other text must hold for the short text
        to be *restated* there: a paraphrase judged on the shorter text alone
        (a headline reworded inside a reprint's tag, date and section), and,
        without a rare word in common, the only way a short paraphrase is an
        echo.
    event_margin : float
        The event margin (0-100 points of Dice; 0, the default, turns it
        off): a short pair that is no verbatim copy is no echo when the
        target is at least as close to two or more posts of other outlets
        covering the same event (holding one of the pair's rarest shared
        words) as to its source, while the source is this many points
        farther from them (:mod:`amplify.detect.content`). 15 raises the
        hand-checked precision of UCI links and drops UCI headlines that
        many outlets wrote in the same words, but about a third of the links
        it drops there are echoes, so it is off by default (see the README's
        real-data figures).
    semantic : bool
        Also run the semantic stage (:mod:`amplify.detect.semantic`): echoes
        in another language (``translation``), and with
        ``semantic_same_language`` in other words of the same language
        (``semantic``).
    semantic_same_language : bool
        Also keep the stage's ``semantic`` links (same language, other
        words). Off by default: of 150 such links among real news posts read
        by hand, 0.126 were echoes (``benchmarks/semantic_judged.py``); the
        encoder finds two sentences on one topic about as close as a
        restatement. On given pairs (MRPC, Twitter-URL) it raises F1.
    semantic_min : float
        Smallest cosine (0-1) of two aligned sentences.
    semantic_margin : float
        How far that cosine must stand above the mean cosine of both
        sentences' closest neighbours in the window (cosine minus that mean;
        0: no closer to each other than to their neighbourhood). A pair whose
        shorter sentence is under 60 Latin-equivalent characters needs up to
        0.08 more (:mod:`amplify.detect.semantic`, ``_SHORT_EXTRA``).
    semantic_min_coverage : float
        Share (0-1) of one post's text its aligned sentences must cover.
    encoder : str
        Sentence encoder (:func:`amplify.detect.encoders.get_encoder`).
    """

    window: str = "7D"
    quote_window: str = "180D"
    quote_window_words: int = 12
    shingle: int = 4
    min_shared: int = 2
    min_quote_tokens: int = 10
    verbatim_min: float = 90.0
    quote_min: float = 90.0
    paraphrase_min_dice: float = 0.6
    paraphrase_min_ratio: float = 0.0
    reuse_min_coverage: float = 0.5
    short_paraphrase_cover: float = 0.85
    short_words: int = 20
    rare_share: float = 0.005
    rare_min_posts: int = 3
    min_contained_words: int = 5
    same_outlet: bool = False
    cross_group_only: bool = False
    common_at: int = 25
    keep_first: int = 3
    keep_last: int = 3
    short_block_words: int = 0
    bare_fact_posts: int = 8
    restated: float = 0.8
    event_margin: float = 0.0
    semantic: bool = False
    semantic_same_language: bool = False
    semantic_min: float = 0.5
    semantic_margin: float = 0.10
    semantic_min_coverage: float = 0.6
    encoder: str = "use-m3"

    def __post_init__(self):
        # Checked once, here, so that a bad value fails before any work with a message that names
        # it (a negative window would silently match nothing; a ratio over 100 would never pass).
        window = _duration("window", self.window, "a positive duration such as '7D' or '36h'")
        if window <= pd.Timedelta(0):
            raise SettingsError("window", f"must be a positive duration such as '7D' or '36h' (got {self.window!r})")
        far = _duration("quote_window", self.quote_window, "a duration such as '180D', or '0D' for none")
        if far < pd.Timedelta(0):
            raise SettingsError("quote_window",
                                f"must be a duration such as '180D', or '0D' for none (got {self.quote_window!r})")
        # one spelling per duration: "7days", "168h" and "7D" are one setting, so one link set
        object.__setattr__(self, "window", canonical_duration(window))
        object.__setattr__(self, "quote_window", canonical_duration(far))
        for name, low in (("shingle", 1), ("min_shared", 1), ("min_quote_tokens", 1), ("common_at", 1),
                          ("keep_first", 0), ("keep_last", 0), ("short_words", 0), ("rare_min_posts", 0),
                          ("min_contained_words", 1), ("quote_window_words", 1),
                          ("short_block_words", 0), ("bare_fact_posts", 1)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
                raise SettingsError(name, f"must be a whole number >= {low} (got {value!r})")
        for name, high in (("verbatim_min", 100.0), ("quote_min", 100.0), ("paraphrase_min_ratio", 100.0),
                           ("event_margin", 100.0),
                           ("paraphrase_min_dice", 1.0), ("rare_share", 1.0),
                           ("reuse_min_coverage", 1.0), ("short_paraphrase_cover", 1.0), ("restated", 1.0), ("semantic_min", 1.0), ("semantic_min_coverage", 1.0),
                           ("semantic_margin", 1.0)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) \
                    or not 0.0 <= float(value) <= high:
                raise SettingsError(name, f"must be a number from 0 to {high:g} (got {value!r})")

    @classmethod
    def precise(cls, **changes) -> "DetectSettings":
        """Settings that put precision first: :data:`PRECISE` over the
        defaults, then ``changes``.

        For when every link must hold up when read (evidence in a report, a
        claim that one outlet repeats another): a short paraphrase must hold
        95 % of its shorter text, reuse by coverage 90 %, a restatement 90 % in
        order; three other posts holding all a short pair shares make it a bare
        fact, and the event margin is on at 10 points. Quotes, verbatim copies
        and reuse of two or more quote-long passages are found as by default;
        what goes is mostly short pairs whose shared words any outlet covering
        the event could have written.

        >>> s = DetectSettings.precise(window="3D")
        >>> s.short_paraphrase_cover, s.bare_fact_posts, s.window
        (0.95, 3, '3D')
        """
        return cls(**{**PRECISE, **changes})

    @classmethod
    def from_record(cls, record) -> "DetectSettings":
        """The settings stored with a link set (:func:`amplify.detect.incremental.settings_record`;
        keys that are no setting, such as ``detector_version``, are left out; a
        setting the record lacks had the value :meth:`to_dict` leaves it out at, or,
        for the semantic stage's knobs, its default).

        >>> DetectSettings.from_record(DetectSettings(short_paraphrase_cover=0.0).to_dict()).short_paraphrase_cover
        0.0

        >>> DetectSettings.from_record({"window": "3D", "detector_version": 7}).window
        '3D'
        """
        # a setting :meth:`to_dict` left out had the value it leaves it out at (off, or the old constant)
        return cls(**{**_LEFT_OUT_AT, **{k: v for k, v in dict(record).items() if k in cls.__dataclass_fields__}})

    def describe(self) -> str:
        """The settings in a few words, for a page or a table that shows links:
        ``"defaults"``, ``"precise"`` (:meth:`precise`), or the nearer of the
        two followed by what differs from it.

        >>> DetectSettings().describe(), DetectSettings.precise().describe()
        ('defaults', 'precise')
        >>> DetectSettings(window="3D", shingle=3).describe()
        'defaults with shingle=3, window=3D'
        >>> DetectSettings.precise(event_margin=0.0).describe()
        'precise with event_margin=0.0'
        """
        mine = dataclasses.asdict(self)
        best = None
        for name, base in (("defaults", DetectSettings()), ("precise", DetectSettings.precise())):
            theirs = dataclasses.asdict(base)
            diff = {k: v for k, v in sorted(mine.items()) if theirs[k] != v}
            if best is None or len(diff) < len(best[1]):
                best = (name, diff)
        name, diff = best
        return name if not diff else name + " with " + ", ".join(f"{k}={v}" for k, v in diff.items())

    def to_dict(self) -> dict:
        """The settings as a plain dict (field name -> value).

        Without the semantic stage its knobs are left out, so a link set
        computed without it keeps the id it had before the stage existed;
        so are ``short_block_words``, ``event_margin`` and
        ``short_paraphrase_cover`` when they are 0 (off), and
        ``bare_fact_posts`` and ``restated`` at their defaults (the values
        the rules had before they were settings).
        """
        out = dataclasses.asdict(self)
        for name, value in _LEFT_OUT_AT.items():
            if out[name] == value:
                out.pop(name)
        if not self.semantic:
            for name in _SEMANTIC_FIELDS:
                out.pop(name)
        return out

    @property
    def window_ns(self) -> int:
        """:attr:`window` in nanoseconds."""
        return int(pd.Timedelta(self.window).value)

    @property
    def quote_window_ns(self) -> int:
        """:attr:`quote_window` in nanoseconds."""
        return int(pd.Timedelta(self.quote_window).value)

    @property
    def horizon_ns(self) -> int:
        """The longest lag of any link, in nanoseconds: every decision about a
        target depends only on the posts within this much of it."""
        return max(self.window_ns, self.quote_window_ns)


def describe_record(record) -> str | None:
    """How a link set's links were detected, in a few words (:meth:`DetectSettings.describe`:
    ``"defaults"``, ``"precise"``, or what differs), from the settings stored with it
    (:func:`amplify.detect.incremental.settings_record`); None when they are not
    detection's (a link set saved by hand) or no longer valid settings.

    >>> describe_record({**DetectSettings().to_dict(), "detector_version": 8}), describe_record({"min_score": 80})
    ('defaults', None)
    >>> describe_record({"window": "7D", "detector_version": 8})  # a record from before the cover rule
    'defaults with short_paraphrase_cover=0.0'
    """
    if "detector_version" not in record:
        return None
    try:
        return DetectSettings.from_record(record).describe()
    except (SettingsError, TypeError):
        return None
