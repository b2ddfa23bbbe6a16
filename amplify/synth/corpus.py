"""The generated corpus as returned by :func:`amplify.synth.generate`, and the names of its files."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

__all__ = ["Corpus", "GenerationParams", "CORPUS_FILES", "FORMAT_VERSION", "SPANS_FILE", "SPANS_COLUMNS"]

#: Files written by :func:`amplify.synth.write_corpus`.
CORPUS_FILES = ("posts.csv", "outlets.csv", "truth_links.csv", "truth_negatives.csv", "truth.json")
#: Written beside them when the corpus has spans (profiles other than ``default``).
SPANS_FILE = "truth_spans.csv"
#: Columns of the spans table: character offsets of each reused passage or quoted sentence.
SPANS_COLUMNS = ("source_id", "target_id", "kind", "source_start", "source_end", "target_start", "target_end",
                 "edits")
#: Version of the layout of ``truth.json``.
FORMAT_VERSION = 1


@dataclass
class Corpus:
    """A generated corpus and its ground truth.

    Attributes
    ----------
    posts : DataFrame
        Canonical posts (``amplify.schema.POSTS``): ``post_id``, ``outlet``,
        ``published_at``, ``text``, ``url``, ``lang``, ``reposted_id``,
        ``quoted_id``; ordered by time, ids ``p0000001`` ... in that order.
    outlets : DataFrame
        ``outlet, group, kind, name, country, aliases``.
    truth_links : DataFrame
        ``source_id, target_id, kind, root_id, attributed, lag_s``: one row per
        planted echo, the source being its direct parent.
    truth : dict
        Everything else that was planted (camps, bridges, surge, counts,
        parameters); JSON-serialisable.
    negatives : DataFrame
        ``a_id, b_id, kind, shared``: pairs of unrelated posts that must not be
        linked (``a`` is the earlier).
    spans : DataFrame or None
        Profiles other than ``default`` only (None otherwise): one row per
        reused passage or quoted sentence, :data:`SPANS_COLUMNS` (character
        offsets ``[start, end)`` in the source's and the target's text, and
        the light edits made to it, ``;``-separated).
    """

    posts: pd.DataFrame
    outlets: pd.DataFrame
    truth_links: pd.DataFrame
    truth: dict
    negatives: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["a_id", "b_id", "kind", "shared"]))
    spans: pd.DataFrame | None = None


@dataclass(frozen=True)
class GenerationParams:
    """The checked parameters of one run of :func:`amplify.synth.generate` (recorded in ``truth.json``).

    ``start`` is the first second of the period as a UTC ``pandas.Timestamp``;
    ``start_epoch`` the same in seconds since the epoch.
    """

    n_posts: int
    seed: int
    start: pd.Timestamp
    start_epoch: int
    days: int
    surge_term: str
    hostile_fraction: float
    echo_fraction: float
    profile: str = "default"
