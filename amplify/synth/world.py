"""Who posts what, and when: the posts of the world as metadata, before any text.

Original posts get an outlet (by its posting weight) and a time (a daily
rhythm). Echoes are planned in this order, each step drawing from the run's
generator in turn:

1. *Viral families*: a few English RU or CN originals, each echoed by dozens of
   outlets within hours.
2. Three *generations* of echoes. An echo's outlet is drawn by echo weight, its
   kind from the outlet's class, its lag from a log-normal per kind; its
   source camp comes from the echoer's row of the camp-to-camp matrix, and the
   source is drawn among that camp's posts in the echoer's language that are
   early enough. Generation 1 echoes originals; later generations echo only
   the quote and paraphrase echoes of the generation before (their texts
   differ from their own sources, so the planted parent stays recoverable
   from the text).
3. Echoes that found no source become extra originals, so that the corpus has
   exactly the number of posts asked for.

:func:`draw_topics` then gives every post its topic place, topic noun and
person, and plants the surge term.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from amplify.synth.codes import (
    BR_CN2RU,
    BR_RU2CN,
    BRIDGE_CN2RU,
    BRIDGE_RU2CN,
    CN,
    DAY_S,
    EN,
    K_PARA,
    K_QUOTE,
    MAX_LAG_S,
    MIN_LAG_S,
    RU,
    WEST,
)
from amplify.synth.composer import Composer

__all__ = [
    "MATRIX_GEN1",
    "MATRIX_LATER",
    "MATRIX_COLUMNS",
    "OutletCodes",
    "PostPlan",
    "Topics",
    "SurgeWindow",
    "plan_posts",
    "draw_topics",
    "surge_window",
]

# Rows: echoer camp (RU, CN, IR, WEST, then the two bridges); columns: source
# camp (RU, CN, IR, WEST) then the two bridge pools. WEST's row has mass only
# on WEST: it never echoes another camp.
MATRIX_GEN1 = np.array([
    # RU    CN    IR    WEST  BRcn2ru BRru2cn
    [0.26, 0.60, 0.07, 0.04, 0.03, 0.00],  # RU
    [0.58, 0.32, 0.05, 0.02, 0.00, 0.03],  # CN
    [0.17, 0.10, 0.68, 0.05, 0.00, 0.00],  # IR
    [0.00, 0.00, 0.00, 1.00, 0.00, 0.00],  # WEST
    [0.08, 0.90, 0.02, 0.00, 0.00, 0.00],  # bridge rusemb_beijing: CN -> RU
    [0.90, 0.08, 0.02, 0.00, 0.00, 0.00],  # bridge chinaemb_moscow: RU -> CN
])
# Echoes of echoes: RU outlets pick up the CN content their bridge carries.
MATRIX_LATER = np.array([
    [0.20, 0.42, 0.04, 0.02, 0.32, 0.00],
    [0.38, 0.27, 0.04, 0.01, 0.00, 0.30],
    [0.20, 0.12, 0.63, 0.05, 0.00, 0.00],
    [0.00, 0.00, 0.00, 1.00, 0.00, 0.00],
    [0.08, 0.90, 0.02, 0.00, 0.00, 0.00],
    [0.90, 0.08, 0.02, 0.00, 0.00, 0.00],
])
MATRIX_COLUMNS = ("RU", "CN", "IR", "WEST", "via " + BRIDGE_CN2RU, "via " + BRIDGE_RU2CN)

# Echo kind probabilities by the echoer's class: repost, verbatim, quote, paraphrase, truncation.
_KIND_P = {
    "default": [0.18, 0.15, 0.27, 0.26, 0.14],
    "diplomat": [0.40, 0.14, 0.18, 0.16, 0.12],
    "bridge": [0.06, 0.06, 0.48, 0.36, 0.04],
}
_CLASS_DEFAULT, _CLASS_DIPLOMAT, _CLASS_BRIDGE = 0, 1, 2
# Median lag per kind (seconds) of a log-normal; reposts are fast, paraphrases slow.
_LAG_MEDIAN = np.array([25 * 60, 90 * 60, 3 * 3600, 5 * 3600, 2 * 3600], dtype=np.float64)
_LAG_SIGMA = 1.5
_VIRAL_LAG_SCALE = 0.5  # viral families echo twice as fast
# Posting times: uniform days, a daytime peak (normal, in seconds of the day).
_PEAK_S, _PEAK_SD_S = 13.0 * 3600, 4.5 * 3600
# Share of the echoes beyond the viral families in generations 1 and 2 (3 takes the rest).
_GEN_SHARES = (0.80, 0.16)
# Collisions (an outlet drawing its own post) are redrawn at most this often.
_PICK_ROUNDS = 12
# Surge: share of English originals naming the surge term inside the window and outside it.
_SURGE_P_IN, _SURGE_P_OUT = 0.22, 0.003


@dataclass(frozen=True)
class OutletCodes:
    """The outlet table's columns as the integer arrays the planning works on.

    Attributes
    ----------
    camp, lang : ndarray
        Camp and language code per outlet.
    handle : list of str
    kind : ndarray
        ``ministry``, ``diplomat``, ``state_media`` or ``independent``.
    row : ndarray
        The outlet's row of the echo matrix: its camp, or 4 / 5 for the bridges.
    pool_col : ndarray
        The matrix column of the outlet's posts: its camp, or the bridge column.
    echo_class : ndarray
        0 default, 1 diplomat, 2 bridge (selects the echo kind probabilities).
    bridge_idx : dict
        Bridge handle -> outlet index.
    """

    camp: np.ndarray
    lang: np.ndarray
    handle: list
    kind: np.ndarray
    row: np.ndarray
    pool_col: np.ndarray
    echo_class: np.ndarray
    bridge_idx: dict

    @classmethod
    def of(cls, out: pd.DataFrame) -> OutletCodes:
        """Codes of the table made by :func:`amplify.synth.outlets.make_outlets`."""
        camp = out["camp"].to_numpy(np.int64)
        handles = out["outlet"].to_numpy()
        bridge_idx = {BRIDGE_CN2RU: int(np.flatnonzero(handles == BRIDGE_CN2RU)[0]),
                      BRIDGE_RU2CN: int(np.flatnonzero(handles == BRIDGE_RU2CN)[0])}
        row = camp.copy()
        row[handles == BRIDGE_CN2RU] = BR_CN2RU
        row[handles == BRIDGE_RU2CN] = BR_RU2CN
        kind = out["kind"].to_numpy()
        echo_class = np.where(kind == "diplomat", _CLASS_DIPLOMAT, _CLASS_DEFAULT)
        echo_class[list(bridge_idx.values())] = _CLASS_BRIDGE
        pool_col = camp.copy()
        pool_col[bridge_idx[BRIDGE_CN2RU]] = BR_CN2RU
        pool_col[bridge_idx[BRIDGE_RU2CN]] = BR_RU2CN
        return cls(camp=camp, lang=out["lang"].to_numpy(np.int64), handle=out["outlet"].tolist(), kind=kind,
                   row=row, pool_col=pool_col, echo_class=echo_class, bridge_idx=bridge_idx)


@dataclass(frozen=True)
class PostPlan:
    """Every post as metadata, in the internal order (originals first, then the planned echoes).

    Attributes
    ----------
    outlet, t : ndarray
        Outlet index and time (seconds from the start) per post.
    kind : ndarray
        Echo kind code, -1 for originals.
    parent, root : ndarray
        Direct source and the original at the top of the chain (-1 / itself for originals).
    gen : ndarray
        0 for originals, 1 for viral and first-generation echoes, 2 and 3 for echoes of echoes.
    lang, camp : ndarray
        The outlet's language and camp, per post.
    viral_roots : ndarray
        The originals at the top of the viral families.
    n_dropped : int
        Echoes that found no source and were made originals.
    """

    outlet: np.ndarray
    t: np.ndarray
    kind: np.ndarray
    parent: np.ndarray
    gen: np.ndarray
    root: np.ndarray
    lang: np.ndarray
    camp: np.ndarray
    viral_roots: np.ndarray
    n_dropped: int

    @property
    def n(self) -> int:
        return len(self.outlet)

    @property
    def is_orig(self) -> np.ndarray:
        return self.kind < 0

    @property
    def is_parent(self) -> np.ndarray:
        """Posts that some echo copies."""
        out = np.zeros(self.n, dtype=bool)
        out[self.parent[self.parent >= 0]] = True
        return out


class _GrowingPosts:
    """The posts planned so far; each step appends a block."""

    def __init__(self, outlet: np.ndarray, t: np.ndarray):
        n = len(outlet)
        self.outlet = outlet.copy()
        self.t = t.copy()
        self.kind = np.full(n, -1)
        self.parent = np.full(n, -1)
        self.gen = np.zeros(n, dtype=np.int64)
        self.root = np.arange(n)

    def add_echoes(self, outlet, t, kind, parent, gen: int) -> None:
        self.outlet = np.concatenate([self.outlet, outlet])
        self.t = np.concatenate([self.t, t])
        self.kind = np.concatenate([self.kind, kind])
        self.parent = np.concatenate([self.parent, parent])
        self.gen = np.concatenate([self.gen, np.full(len(outlet), gen, dtype=np.int64)])
        self.root = np.concatenate([self.root, self.root[parent]])

    def add_originals(self, outlet, t) -> None:
        n0, k = len(self.outlet), len(outlet)
        self.outlet = np.concatenate([self.outlet, outlet])
        self.t = np.concatenate([self.t, t])
        self.kind = np.concatenate([self.kind, np.full(k, -1)])
        self.parent = np.concatenate([self.parent, np.full(k, -1)])
        self.gen = np.concatenate([self.gen, np.zeros(k, dtype=np.int64)])
        self.root = np.concatenate([self.root, np.arange(n0, n0 + k)])


def plan_posts(rng, out: pd.DataFrame, codes: OutletCodes, n_posts: int, echo_fraction: float,
               days: int) -> PostPlan:
    """Plan ``n_posts`` posts: originals, viral families, echo generations, extra originals.

    Parameters
    ----------
    rng : numpy.random.Generator
    out : DataFrame
        The outlet table (``w_orig``, ``w_echo``, ``kind``).
    codes : OutletCodes
        Its codes.
    n_posts : int
    echo_fraction : float
        Share of the posts planned as echoes.
    days : int
        Length of the period.
    """
    n_echo = int(round(echo_fraction * n_posts))
    n_orig = n_posts - n_echo
    t_end = days * DAY_S
    w_orig = out["w_orig"].to_numpy()
    posts = _GrowingPosts(rng.choice(len(codes.camp), size=n_orig, p=w_orig / w_orig.sum()), _times(rng, n_orig, days))
    viral_roots = _plant_viral_families(rng, posts, out, codes, n_posts, t_end)
    n_viral = len(posts.outlet) - n_orig
    dropped = _plant_generations(rng, posts, out["w_echo"].to_numpy(), codes, max(0, n_echo - n_viral), t_end)
    if dropped:
        posts.add_originals(rng.choice(len(codes.camp), size=dropped, p=w_orig / w_orig.sum()),
                            _times(rng, dropped, days))
    assert len(posts.outlet) == n_posts
    return PostPlan(outlet=posts.outlet, t=posts.t, kind=posts.kind, parent=posts.parent, gen=posts.gen,
                    root=posts.root, lang=codes.lang[posts.outlet], camp=codes.camp[posts.outlet],
                    viral_roots=viral_roots, n_dropped=dropped)


def _plant_viral_families(rng, posts: _GrowingPosts, out, codes: OutletCodes, n_posts: int, t_end: int) -> np.ndarray:
    """One statement echoed by dozens of outlets within hours; returns the roots."""
    o_camp, o_lang = codes.camp, codes.lang
    orig_outlet, orig_t = posts.outlet, posts.t
    n_o = len(o_camp)
    n_fam = max(2, int(round(n_posts / 4000)))
    fam_size_max = max(12, min(40, n_o // 2))
    cand_root = np.flatnonzero((np.isin(o_camp[orig_outlet], [RU, CN])) & (o_lang[orig_outlet] == EN)
                               & (orig_t < t_end - 3 * DAY_S) & (codes.kind[orig_outlet] != "independent"))
    if len(cand_root) < n_fam:
        cand_root = np.flatnonzero(o_lang[orig_outlet] == EN)
    fam_roots = np.sort(rng.choice(cand_root, size=min(n_fam, len(cand_root)), replace=False))
    viral_e, viral_p = [], []
    w_echo = out["w_echo"].to_numpy()
    for r in fam_roots.tolist():
        rc = o_camp[orig_outlet[r]]
        # Who joins: echo-weight times how much each camp echoes the root's camp; never WEST.
        wt = w_echo * MATRIX_GEN1[codes.row, rc] * (o_lang == EN) * (o_camp != WEST)
        wt[orig_outlet[r]] = 0.0
        nz = int((wt > 0).sum())
        m = min(int(rng.integers(max(10, fam_size_max // 2), fam_size_max + 1)), nz)
        if m <= 0:
            continue
        viral_e.append(rng.choice(n_o, size=m, replace=False, p=wt / wt.sum()))
        viral_p.append(np.full(m, r))
    if viral_e:
        ve = np.concatenate(viral_e)
        vp = np.concatenate(viral_p)
        vk = _draw_kinds(rng, codes.echo_class[ve])
        vl = _lags(rng, vk, scale=_VIRAL_LAG_SCALE)
        vl = np.maximum(np.minimum(vl, t_end - posts.t[vp]), MIN_LAG_S)
        posts.add_echoes(ve, posts.t[vp] + vl, vk, vp, 1)
    return fam_roots


def _plant_generations(rng, posts: _GrowingPosts, w_echo, codes: OutletCodes, n_rest: int, t_end: int) -> int:
    """Three generations of echoes; returns how many found no source."""
    gen_sizes = [int(round(n_rest * share)) for share in _GEN_SHARES]
    gen_sizes.append(n_rest - sum(gen_sizes))
    dropped = 0
    pool = np.flatnonzero(posts.kind < 0)  # the originals, in order
    for g, size in enumerate(gen_sizes, start=1):
        if size <= 0:
            continue
        e = rng.choice(len(codes.camp), size=size, p=w_echo / w_echo.sum())
        k = _draw_kinds(rng, codes.echo_class[e])
        lag = _lags(rng, k)
        matrix = MATRIX_GEN1 if g == 1 else MATRIX_LATER
        if g > 1:
            # Only quote and paraphrase echoes of the previous generation are echoed
            # again: their texts differ from their own sources, so parents stay recoverable.
            pool = np.flatnonzero((posts.gen == g - 1) & np.isin(posts.kind, [K_QUOTE, K_PARA]))
        if not len(pool):
            dropped += size
            continue
        src = _select_sources(rng, e, lag, matrix, pool, posts, codes, t_end)
        ok = src >= 0
        dropped += int((~ok).sum())
        if ok.any():
            posts.add_echoes(e[ok], posts.t[src[ok]] + lag[ok], k[ok], src[ok], g)
    return dropped


def _lags(rng, kinds: np.ndarray, scale: float = 1.0) -> np.ndarray:
    """Log-normal lags (seconds) per echo kind, clipped to ``[MIN_LAG_S, MAX_LAG_S]``."""
    z = rng.standard_normal(len(kinds))
    lag = np.exp(np.log(_LAG_MEDIAN[kinds] * scale) + _LAG_SIGMA * z)
    return np.clip(np.round(lag), MIN_LAG_S, MAX_LAG_S).astype(np.int64)


def _draw_kinds(rng, echo_class: np.ndarray) -> np.ndarray:
    """Echo kind per echo from its outlet's class (0 default, 1 diplomat, 2 bridge)."""
    out = np.empty(len(echo_class), dtype=np.int64)
    for cls, key in enumerate(("default", "diplomat", "bridge")):
        m = echo_class == cls
        k = int(m.sum())
        if k:
            out[m] = rng.choice(5, size=k, p=_KIND_P[key])
    return out


def _select_sources(rng, echoers, lags, matrix, pool_idx, posts: _GrowingPosts, codes: OutletCodes,
                    t_end: int) -> np.ndarray:
    """Pick a source post for each echo.

    The source camp comes from the echoer's row of ``matrix``; the source is
    drawn uniformly among that camp's pool posts in the echoer's language that
    are early enough for the echo (source time + lag) to fall inside the
    period. Where the camp has no posts in that language the echoer falls back
    to its own camp. An outlet never echoes itself or its own root post.

    Returns
    -------
    ndarray
        Source post index per echo, -1 where none fits.
    """
    n = len(echoers)
    rows, langs = codes.row[echoers], codes.lang[echoers]
    post_outlet = posts.outlet
    post_lang = codes.lang[post_outlet]
    cum = np.cumsum(matrix, axis=1)
    cum[:, -1] = 1.0
    col = (rng.random(n)[:, None] > cum[rows]).sum(axis=1)
    pool_t = posts.t[pool_idx]
    order = np.lexsort((pool_idx, pool_t))
    pidx, pcol, pt = pool_idx[order], codes.pool_col[post_outlet[pool_idx]][order], pool_t[order]
    plang = post_lang[pidx]
    key_pool = {}
    for c in range(matrix.shape[1]):
        for lg in range(3):
            m = (pcol == c) & (plang == lg)
            if m.any():
                key_pool[(c, lg)] = (pidx[m], pt[m])
    own = codes.camp[echoers]
    col = np.where([(int(c), int(lg)) in key_pool for c, lg in zip(col.tolist(), langs.tolist())], col, own)
    src = np.full(n, -1, dtype=np.int64)
    root_outlet = post_outlet[posts.root]
    for (c, lg), pool in key_pool.items():
        sel = np.flatnonzero((col == c) & (langs == lg))
        if len(sel):
            src[sel] = _pick(rng, sel, pool, lags, t_end, echoers, post_outlet, root_outlet)
    return src


def _pick(rng, sel, pool, lags, t_end, echoers, post_outlet, post_root_outlet) -> np.ndarray:
    """Sources for the echoes ``sel`` from one (camp, language) pool, sorted by time."""
    pidx, pt = pool
    cnt = np.searchsorted(pt, t_end - lags[sel], side="right")
    out = np.full(len(sel), -1, dtype=np.int64)
    todo = np.flatnonzero(cnt > 0)
    for _ in range(_PICK_ROUNDS):  # resample collisions (an outlet never echoes itself)
        if not len(todo):
            break
        j = (rng.random(len(todo)) * cnt[todo]).astype(np.int64)
        cand = pidx[j]
        e = echoers[sel[todo]]
        ok = (post_outlet[cand] != e) & (post_root_outlet[cand] != e)
        out[todo[ok]] = cand[ok]
        todo = todo[~ok]
    return out


def _times(rng, n: int, days: int) -> np.ndarray:
    """Publication times (seconds from start): uniform days, a daytime peak around 13:00 UTC."""
    day = rng.integers(0, days, size=n)
    sec = np.mod(rng.normal(_PEAK_S, _PEAK_SD_S, size=n), DAY_S).astype(np.int64)
    return day * DAY_S + sec


@dataclass(frozen=True)
class SurgeWindow:
    """The planted surge week: start and length in seconds from the period's start."""

    start: int
    length: int

    def contains(self, t: np.ndarray) -> np.ndarray:
        return (t >= self.start) & (t < self.start + self.length)


def surge_window(days: int) -> SurgeWindow:
    """The planted surge: a week in the middle third (shorter if the period is short)."""
    length = 7 if days >= 21 else max(1, days // 3)
    start_day = max(0, (days - length) // 2)
    return SurgeWindow(start_day * DAY_S, length * DAY_S)


@dataclass
class Topics:
    """What each post is about (mutable: hard negatives adjust some).

    Attributes
    ----------
    place : ndarray
        Topic place token id (the surge term's token where planted).
    noun : ndarray
        Topic noun index into the language's nouns.
    person : ndarray
        Person token id.
    surge_pick : ndarray of bool
        English originals where the surge term was planted as the topic place.
    """

    place: np.ndarray
    noun: np.ndarray
    person: np.ndarray
    surge_pick: np.ndarray


def draw_topics(rng, composer: Composer, plan: PostPlan, surge: SurgeWindow) -> Topics:
    """Topic place, noun and person per post, in its language; plant the surge term."""
    n = plan.n
    place = np.zeros(n, dtype=np.int64)
    noun = np.zeros(n, dtype=np.int64)
    person = np.zeros(n, dtype=np.int64)
    for lg in range(3):
        m = plan.lang == lg
        k = int(m.sum())
        place[m] = composer.draw(lg, "PLACE", k)
        noun[m] = composer.draw_index(lg, "N", k)
        person[m] = composer.draw(lg, "PER", k)
    in_surge = surge.contains(plan.t)
    en_orig = plan.is_orig & (plan.lang == EN)
    u = rng.random(n)
    surge_pick = en_orig & ((in_surge & (u < _SURGE_P_IN)) | (~in_surge & (u < _SURGE_P_OUT)))
    place[surge_pick] = composer.surge_tok
    return Topics(place=place, noun=noun, person=person, surge_pick=surge_pick)
