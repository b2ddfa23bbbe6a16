"""``generate``: the seeded corpus, built as a fixed sequence of steps.

Every step draws from the same ``numpy.random.Generator`` (and, for the
per-echo edits, a ``random.Random`` seeded from it), in the order written in
:func:`generate`: moving a step, or a draw inside one, changes every corpus.
"""

from __future__ import annotations

import random
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa

from amplify import schema
from amplify.synth.codes import ECHO_KINDS, K_REPOST, LANGS
from amplify.synth.composer import Composer
from amplify.synth.corpus import Corpus, GenerationParams
from amplify.synth.negatives import negatives_table, plan_negatives, plant_near_misses
from amplify.synth.outlets import domain, make_outlets
from amplify.synth.profiles import Profile, resolve_profile
from amplify.synth.real_corpus import apply_profile
from amplify.synth.texts import PostTexts, compose_originals, plant_hostile, write_echoes
from amplify.synth.truth import truth_summary
from amplify.synth.world import OutletCodes, PostPlan, draw_topics, plan_posts, surge_window
from amplify.utc import timestamp_ns, utc_timestamp

__all__ = ["generate", "world_corpus", "n_outlets"]

_MIN_POSTS = 100
_MIN_DAYS = 2
_ECHO_FRACTION_RANGE = (0.05, 0.8)
# About one outlet per this many posts, within the bounds.
_POSTS_PER_OUTLET, _MIN_OUTLETS, _MAX_OUTLETS = 200, 40, 3000
# Hard negatives wanted per kind: one per this many posts, within the bounds.
_POSTS_PER_NEGATIVE, _MIN_NEGATIVES, _MAX_NEGATIVES = 150, 10, 5000
# Post ids are p + a zero-padded number at least this wide.
_ID_WIDTH = 7
# Every other hostile post gets this URL (then its id), for render tests.
_HOSTILE_URL = "javascript:alert(document.cookie)//"
_NS_PER_S = 10**9


def generate(
    n_posts: int = 20000,
    seed: int = 0,
    start: str = "2022-01-01",
    days: int = 30,
    surge_term: str = "Kazakhstan",
    hostile_fraction: float = 0.0,
    *,
    echo_fraction: float = 0.3,
    profile: str | Profile = "default",
    coordinated_groups: int = 0,
) -> Corpus:
    """Generate a seeded corpus with known echoes, structure and negatives.

    Parameters
    ----------
    n_posts : int
        Exact number of posts (at least 100).
    seed : int
        Seed of ``numpy.random.default_rng``; the same seed gives the same corpus.
    start : str
        First day of the period (UTC), anything ``pandas.Timestamp`` reads.
    days : int
        Length of the period in days (at least 2); posts fall inside it.
    surge_term : str
        Term planted in a surge week ("Kazakhstan"); elsewhere it is rare. It
        is used as the place English posts are about, so a place name reads
        most naturally; vocabulary entries containing it are never drawn.
    hostile_fraction : float
        Share (0-1) of posts and outlets carrying hostile markup and control
        characters, for render tests. 0 gives clean text.
    echo_fraction : float
        Share of posts that are echoes (0.05-0.8).
    profile : str or Profile
        ``"default"`` (the default world, the same bytes per seed as always),
        ``"realistic"`` (plus the patterns of real text detection gets wrong)
        or ``"heldout"`` (the same kinds from another stream and the held-out
        frames: for judging, never for tuning); or a
        :class:`~amplify.synth.profiles.Profile` with explicit counts. Other
        profiles keep every post, link and negative of the default world as
        it is and *add* their posts (ids ``r0000001`` ...), so the corpus has
        more than ``n_posts`` posts; see :mod:`amplify.synth.real_patterns`.
    coordinated_groups : int
        Groups of accounts that post one item within seconds, again and
        again, planted among busy uncoordinated accounts
        (:mod:`amplify.synth.coordination`; their own random stream, added
        last: 0, the default, changes nothing).

    Returns
    -------
    Corpus
        posts, outlets, truth_links, truth and negatives. See the
        :mod:`amplify.synth` docstring for what is planted.

    Raises
    ------
    ValueError
        On out-of-range parameters.
    """
    prof = resolve_profile(profile)
    params = check_params(n_posts, seed, start, days, surge_term, hostile_fraction, echo_fraction, prof.name)
    rng = np.random.default_rng(params.seed)
    out = make_outlets(rng, n_outlets(params.n_posts), params.surge_term, params.hostile_fraction)
    corpus = world_corpus(params, rng, out)
    if not prof.is_default:
        # Drawn from the profile's own stream, after everything else: the default world is unchanged.
        corpus = apply_profile(corpus, out, params, prof)
    if int(coordinated_groups) > 0:
        from amplify.synth.coordination import plant_coordination

        corpus = plant_coordination(corpus, params, int(coordinated_groups))
    return corpus


def n_outlets(n_posts: int) -> int:
    """How many outlets a corpus of ``n_posts`` posts has."""
    return int(np.clip(round(n_posts / _POSTS_PER_OUTLET), _MIN_OUTLETS, _MAX_OUTLETS))


def world_corpus(params: GenerationParams, rng: np.random.Generator, out: pd.DataFrame, *, first_id: int = 1,
                 id_width: int | None = None) -> Corpus:
    """The default world's posts, echoes, truth and negatives for the outlets ``out``, drawn from ``rng``.

    :func:`generate` calls it right after drawing the outlets from the same
    ``rng``; :func:`amplify.synth.stream.generate_stream` once per time
    segment, with the outlets of the whole corpus and ids numbered on from
    ``first_id`` (``id_width`` digits at least).
    """
    composer = Composer(rng, params.surge_term)

    # The world as metadata: every post's outlet, time and parent, topics, negatives.
    codes = OutletCodes.of(out)
    plan = plan_posts(rng, out, codes, params.n_posts, params.echo_fraction, params.days)
    surge = surge_window(params.days)
    topics = draw_topics(rng, composer, plan, surge)
    signoff_on = rng.random(plan.n) < out["signoff_p"].to_numpy()[plan.outlet]
    n_neg = max(_MIN_NEGATIVES, min(_MAX_NEGATIVES, params.n_posts // _POSTS_PER_NEGATIVE))
    neg_pairs, lead_choice = plan_negatives(rng, composer, plan, topics, signoff_on, out["signoff"].to_numpy(), n_neg)

    # The texts: originals, planted near misses and hostile markup, then the echoes.
    texts = PostTexts.start(plan, out, signoff_on)
    compose_originals(rng, composer, plan, topics, lead_choice, texts)
    pr = random.Random(int(rng.integers(2**62)))
    near_shared = plant_near_misses(pr, texts, neg_pairs)
    hostile = _hostile_posts(rng, plan.n, params.hostile_fraction)
    plant_hostile(pr, texts, np.flatnonzero(hostile & plan.is_orig))
    texts.forget_bodies(plan.is_orig & ~plan.is_parent)  # only echoed posts need their tokens later
    attributed, quoted = write_echoes(rng, pr, composer, plan, topics, out, texts, hostile)

    # The tables, in time order with ids.
    ids = _post_ids(plan.t, first_id, id_width)
    posts = _posts_table(params, plan, codes, texts.take_texts(), ids, hostile, quoted)
    truth_links = _truth_links_table(plan, attributed, ids)
    negatives = negatives_table(neg_pairs, ids.pid, composer, topics, texts.signoff, texts.post_outlet, near_shared)
    outlets = schema.validate_outlets(out[["outlet", "group", "kind", "name", "country", "aliases"]].copy())
    # Which posts mention the surge term (internal order), for the truth summary.
    mention = posts["text"].str.contains(params.surge_term, case=False, regex=False).to_numpy(dtype=bool)[ids.rank]
    truth = truth_summary(params=params, out=out, codes=codes, plan=plan, attributed=attributed, quoted=quoted,
                          pid=ids.pid, surge=surge, mention=mention, negatives=negatives, hostile=hostile)
    return Corpus(posts=posts, outlets=outlets, truth_links=truth_links, truth=truth, negatives=negatives)


def check_params(n_posts, seed, start, days, surge_term, hostile_fraction, echo_fraction,
                  profile: str = "default") -> GenerationParams:
    """The parameters checked and normalised; ValueError names the first one out of range."""
    n_posts = int(n_posts)
    if n_posts < _MIN_POSTS:
        raise ValueError(f"n_posts must be at least {_MIN_POSTS} (got {n_posts})")
    if int(days) < _MIN_DAYS:
        raise ValueError(f"days must be at least {_MIN_DAYS} (got {days})")
    if not 0.0 <= float(hostile_fraction) <= 1.0:
        raise ValueError(f"hostile_fraction must be between 0 and 1 (got {hostile_fraction})")
    lo, hi = _ECHO_FRACTION_RANGE
    if not lo <= float(echo_fraction) <= hi:
        raise ValueError(f"echo_fraction must be between {lo} and {hi} (got {echo_fraction})")
    surge_term = str(surge_term).strip()
    if not surge_term:
        raise ValueError("surge_term must not be empty")
    t0 = utc_timestamp(start).floor("s")
    return GenerationParams(n_posts=n_posts, seed=int(seed), start=t0, start_epoch=timestamp_ns(t0) // _NS_PER_S,
                            days=int(days), surge_term=surge_term, hostile_fraction=float(hostile_fraction),
                            echo_fraction=float(echo_fraction), profile=profile)


def _hostile_posts(rng, n: int, hostile_fraction: float) -> np.ndarray:
    """Posts to carry hostile markup (no draw at all when the fraction is 0)."""
    return rng.random(n) < hostile_fraction if hostile_fraction > 0 else np.zeros(n, dtype=bool)


class _PostIds(NamedTuple):
    """Posts in time order (ties by internal index) and their ids."""

    order: np.ndarray  # internal index of the j-th post in time
    rank: np.ndarray  # place in time of internal post i
    ids: list  # ids in time order: p0000001, p0000002 ...
    pid: np.ndarray  # id of internal post i


def _post_ids(t: np.ndarray, first: int = 1, width: int | None = None) -> _PostIds:
    n = len(t)
    order = np.lexsort((np.arange(n), t))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    width = max(_ID_WIDTH, len(str(first + n - 1)), width or 0)
    ids = [f"p{first + j:0{width}d}" for j in range(n)]
    return _PostIds(order=order, rank=rank, ids=ids, pid=np.array(ids, dtype=object)[rank])


def _strings(values, large: bool = False) -> pd.api.extensions.ExtensionArray:
    """A pandas ``string`` array backed by Arrow, built in one pass (None -> <NA>)."""
    return pd.arrays.ArrowStringArray(pa.array(values, pa.large_string() if large else pa.string(), from_pandas=True))


def _posts_table(params: GenerationParams, plan: PostPlan, codes: OutletCodes, text: list, ids: _PostIds,
                 hostile: np.ndarray, quoted: np.ndarray) -> pd.DataFrame:
    """The canonical posts table, in time order (``text`` is consumed)."""
    order, pid = ids.order, ids.pid
    ts = plan.t[order] + params.start_epoch
    handles = np.array(codes.handle, dtype=object)
    domains = [f"https://{domain(h)}/" for h in codes.handle]
    urls = [domains[o] + p for o, p in zip(plan.outlet[order].tolist(), ids.ids)]
    if hostile.any():
        for j in np.flatnonzero(hostile[order]).tolist():
            if j % 2 == 0:
                urls[j] = _HOSTILE_URL + ids.ids[j]
    parent_id = pid[np.maximum(plan.parent, 0)]
    repost_col = np.where((plan.kind == K_REPOST), parent_id, None)[order]
    quoted_col = np.where(quoted, parent_id, None)[order]
    text_sorted = [text[i] for i in order.tolist()]
    text.clear()
    posts = pd.DataFrame({
        "post_id": _strings(ids.ids),
        "outlet": _strings(handles[plan.outlet[order]]),
        "published_at": pd.DatetimeIndex((ts * _NS_PER_S).astype("datetime64[ns]")).tz_localize("UTC"),
        "text": _strings(text_sorted, large=True),
        "url": _strings(urls),
        "lang": _strings(np.array(LANGS, dtype=object)[plan.lang[order]]),
        "reposted_id": _strings(repost_col),
        "quoted_id": _strings(quoted_col),
    })
    del text_sorted
    return schema.validate_posts(posts)


def _truth_links_table(plan: PostPlan, attributed: np.ndarray, ids: _PostIds) -> pd.DataFrame:
    """One row per echo, in time order: its direct source, kind, root, attribution and lag."""
    pid, parent = ids.pid, plan.parent
    e_sorted = ids.order[~plan.is_orig[ids.order]]
    truth_links = pd.DataFrame({
        "source_id": pid[parent[e_sorted]],
        "target_id": pid[e_sorted],
        "kind": np.array(ECHO_KINDS, dtype=object)[plan.kind[e_sorted]],
        "root_id": pid[plan.root[e_sorted]],
        "attributed": attributed[e_sorted],
        "lag_s": (plan.t[e_sorted] - plan.t[parent[e_sorted]]).astype(np.int64),
    })
    for c in ("source_id", "target_id", "kind", "root_id"):
        truth_links[c] = truth_links[c].astype("string")
    return truth_links
