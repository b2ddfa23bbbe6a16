"""The settings of a detection run: every knob, with defaults that work on news and social posts."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pandas as pd

__all__ = ["DetectSettings"]


@dataclass(frozen=True)
class DetectSettings:
    """Every knob of detection, with defaults that work on news and social posts.

    A link set in a workspace is keyed by these values
    (:func:`amplify.detect.incremental.settings_record`), so two runs with the
    same settings share their links.

    Attributes
    ----------
    window : str
        Longest lag between a source and its echo (pandas offset, e.g. ``"7D"``, ``"36h"``).
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
    same_outlet : bool
        Also link an outlet echoing itself (off by default).
    cross_group_only : bool
        Keep only links between outlets of different groups (camps).
    common_at, keep_first, keep_last : int
        Viral/boilerplate bound, see :mod:`amplify.detect.candidates`.
    """

    # Values are not checked here yet: a __post_init__ that rejects a window
    # pandas cannot read, a shingle < 1 or thresholds out of range belongs
    # here (issue #10; it would change which inputs fail, and where).

    window: str = "7D"
    shingle: int = 4
    min_shared: int = 2
    min_quote_tokens: int = 10
    verbatim_min: float = 90.0
    quote_min: float = 90.0
    paraphrase_min_dice: float = 0.55
    paraphrase_min_ratio: float = 0.0
    same_outlet: bool = False
    cross_group_only: bool = False
    common_at: int = 25
    keep_first: int = 3
    keep_last: int = 3

    def to_dict(self) -> dict:
        """The settings as a plain dict (field name -> value)."""
        return dataclasses.asdict(self)

    @property
    def window_ns(self) -> int:
        """:attr:`window` in nanoseconds."""
        return int(pd.Timedelta(self.window).value)
