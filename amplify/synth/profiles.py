"""Profiles: which patterns of real text a corpus carries on top of the default world, and how many.

``default``
    The default world only: :func:`amplify.synth.generate` writes exactly what
    it always wrote for a seed (same bytes).
``realistic``
    The default world plus the patterns of real text the detector gets wrong
    (issues #10 and #19, see :mod:`amplify.synth.real_patterns`), drawn from
    their own random stream and from the frames *not* held out.
``heldout``
    The same kinds of patterns from another random stream, other proportions
    and only the held-out frames (:func:`amplify.synth.real_frames.split_frames`).
    It exists to judge detection work that was tuned on ``realistic``: never
    tune on it.

A :class:`Profile` can also be built by hand (``dataclasses.replace`` of one of
these) for explicit counts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

__all__ = ["Profile", "PROFILES", "REAL_ECHO_KINDS", "REAL_NEGATIVE_KINDS", "resolve_profile"]

#: Echo kinds of the profiles (``truth_links.kind``), beside :data:`amplify.synth.ECHO_KINDS`.
REAL_ECHO_KINDS = ("passages", "reword", "quote_back")
#: Hard-negative kinds of the profiles (``truth_negatives.csv``), beside :data:`amplify.synth.NEGATIVE_KINDS`.
REAL_NEGATIVE_KINDS = ("template", "same_event", "entity_swap", "number_swap", "topic_words", "name_title")
# What each count counts: planted targets, pairs, or template series.
_PLANTED = ("passages", "reword", "quote_back", "template_series", "same_event", "entity_swap", "number_swap",
            "topic_words", "name_title")


@dataclass(frozen=True)
class Profile:
    """What a profile plants, per 10,000 posts of the default world.

    Attributes
    ----------
    name : str
    stream : int
        The profile's random stream is ``numpy.random.default_rng([seed, stream])``:
        it never shifts the default world's draws. 0 for ``default`` (nothing drawn).
    held_out : bool
        Draw frames from the held-out part of every list (else from the rest).
    per_10k : dict
        Per kind: ``passages``, ``reword``, ``quote_back`` (echo targets),
        ``template_series`` (series of 3-8 posts), ``same_event``,
        ``entity_swap``, ``number_swap``, ``topic_words``, ``name_title``
        (negative pairs); per 10,000 posts, at least ``minimum`` each.
    minimum : int
    lang_share : tuple
        Shares of English, Russian and Chinese among rewordings and quote-backs.
    passage_k_p : tuple
        Probabilities of reusing 2, 3 or 4 sentences in a multi-passage echo.
    edits : tuple
        Least and most light edits per reused sentence.
    leadin_p : float
        Share of multi-passage echoes that name their source before one reused sentence.
    beyond_window_p : float
        Share of quote-backs whose lag exceeds seven days (when the period allows).
    max_lag_days : int
        Longest quote-back lag (clipped to the period).
    multi_source_p : float
        Share of quote-back articles that quote two statements of different days.
    framing_p : float
        Share of same-event reports with a sentence of their camp's own framing.
    transcript_p : float
        Share of English statements laid out as press-conference transcripts (Q:/A:).
    """

    name: str
    stream: int = 0
    held_out: bool = False
    per_10k: dict = field(default_factory=dict)
    minimum: int = 0
    lang_share: tuple = (0.7, 0.15, 0.15)
    passage_k_p: tuple = (0.45, 0.35, 0.2)
    edits: tuple = (1, 2)
    leadin_p: float = 0.3
    beyond_window_p: float = 0.8
    max_lag_days: int = 90
    multi_source_p: float = 0.2
    framing_p: float = 0.5
    transcript_p: float = 0.4

    @property
    def is_default(self) -> bool:
        return not any(self.per_10k.values())

    def count(self, kind: str, n_posts: int) -> int:
        """How many of ``kind`` to plant in a world of ``n_posts`` posts."""
        rate = self.per_10k.get(kind, 0)
        if not rate:
            return 0
        return max(self.minimum, int(math.ceil(rate * n_posts / 10_000)))

    def counts(self, n_posts: int) -> dict:
        return {k: self.count(k, n_posts) for k in _PLANTED}

    def describe(self) -> dict:
        """The profile as recorded in ``truth.json``."""
        return {"name": self.name, "stream": self.stream, "held_out_frames": self.held_out,
                "per_10k": dict(self.per_10k), "minimum": self.minimum, "lang_share": list(self.lang_share),
                "passage_k_p": list(self.passage_k_p), "edits": list(self.edits), "leadin_p": self.leadin_p,
                "beyond_window_p": self.beyond_window_p, "max_lag_days": self.max_lag_days,
                "multi_source_p": self.multi_source_p, "framing_p": self.framing_p,
                "transcript_p": self.transcript_p}


PROFILES = {
    "default": Profile("default"),
    "realistic": Profile(
        "realistic", stream=0x5EA1, held_out=False,
        per_10k={"passages": 80, "reword": 100, "quote_back": 90, "template_series": 20, "same_event": 60,
                 "entity_swap": 30, "number_swap": 30, "topic_words": 30, "name_title": 40},
        minimum=12),
    "heldout": Profile(
        "heldout", stream=0x4E1D, held_out=True,
        per_10k={"passages": 60, "reword": 80, "quote_back": 110, "template_series": 25, "same_event": 50,
                 "entity_swap": 40, "number_swap": 40, "topic_words": 40, "name_title": 50},
        minimum=12, lang_share=(0.6, 0.2, 0.2), passage_k_p=(0.3, 0.4, 0.3), edits=(1, 3), leadin_p=0.4,
        beyond_window_p=0.7, multi_source_p=0.3, framing_p=0.35, transcript_p=0.5),
}


def resolve_profile(profile) -> Profile:
    """A :class:`Profile` from its name or itself; ValueError for an unknown name."""
    if isinstance(profile, Profile):
        return profile
    name = str(profile)
    if name not in PROFILES:
        raise ValueError(f"profile must be one of {', '.join(PROFILES)} or a Profile (got {profile!r})")
    return PROFILES[name]
