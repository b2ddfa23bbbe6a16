"""Hard negatives: pairs of unrelated originals that a detector must not link.

Four kinds, all between English originals of different outlets, the second
0 s to 7 days after the first:

``boilerplate``
    Both carry the same sign-off ("Follow us on Telegram", "#StandWithRussia").
``same_topic``
    The second is given the first's topic place and noun (different words otherwise).
``shared_entity``
    The second names the first's person, in a lead that names it, and nothing else in common.
``near_miss``
    One 4-6 word run of the first is copied into the second (and no longer run).

The pairs are chosen, and the topics adjusted, before any text is written
(:func:`plan_negatives`); the near-miss runs are copied once the texts exist
(:func:`plant_near_misses`).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from amplify.synth.codes import EN, MAX_LAG_S, SEP
from amplify.synth.composer import Composer, render
from amplify.synth.lexicon import PUNCT, TERMINAL
from amplify.synth.world import PostPlan, Topics

__all__ = ["plan_negatives", "plant_near_misses", "negatives_table"]

# Random pairs are tried at most this many times the number wanted.
_TRIES_PER_PAIR = 4
# A random pair is two candidates at most this many places apart in time order.
_MAX_GAP = 30
# Near misses: the copied run's length, and the n-gram the pair must not share beyond it.
_RUN_MIN, _RUN_MAX = 4, 6
_GUARD_GRAM = 8
_RUN_ATTEMPTS = 6

_WORD_RE = re.compile(r"\w+")


class _PairPicker:
    """The pairs chosen so far; each post is in at most one pair (viral roots in none)."""

    def __init__(self, rng, plan: PostPlan):
        self.rng = rng
        self.t = plan.t
        self.outlet = plan.outlet
        self.used = np.zeros(plan.n, dtype=bool)
        self.used[plan.viral_roots] = True
        self.pairs: list[tuple[int, int, str]] = []

    def take(self, a: int, b: int, kind: str) -> bool:
        """Record ``(a, b, kind)`` if both are free, of different outlets, and b follows a within the lag limit."""
        if self.used[a] or self.used[b] or self.outlet[a] == self.outlet[b]:
            return False
        dt = self.t[b] - self.t[a]
        if dt <= 0 or dt > MAX_LAG_S:
            return False
        self.used[a] = self.used[b] = True
        self.pairs.append((a, b, kind))
        return True

    def random_pairs(self, cands: np.ndarray, kind: str, want: int) -> None:
        """Up to ``want`` pairs of candidates close in time order (``cands`` sorted by time)."""
        if len(cands) < 2:
            return
        got = 0
        tries = self.rng.integers(0, len(cands) - 1, size=want * _TRIES_PER_PAIR)
        gaps = self.rng.integers(1, _MAX_GAP + 1, size=want * _TRIES_PER_PAIR)
        for a_pos, gap in zip(tries.tolist(), gaps.tolist()):
            if got >= want:
                break
            b_pos = a_pos + gap
            if b_pos < len(cands) and self.take(int(cands[a_pos]), int(cands[b_pos]), kind):
                got += 1

    def shared_signoffs(self, has: np.ndarray, so: np.ndarray, want: int) -> None:
        """Up to ``want`` boilerplate pairs: consecutive posts (by sign-off, then time) with one sign-off."""
        t = self.t
        order = np.lexsort((has, t[has], so[has].astype(str)))
        has = has[order]
        sos = so[has]
        ok = np.flatnonzero(sos[:-1] == sos[1:])
        ok = ok[self.rng.permutation(len(ok))]
        got = 0
        for j in ok.tolist():
            if got >= want:
                break
            if self.take(int(has[j]), int(has[j + 1]), "boilerplate"):
                got += 1


def plan_negatives(rng, composer: Composer, plan: PostPlan, topics: Topics, signoff_on: np.ndarray,
                   outlet_signoff: np.ndarray, n_neg: int) -> tuple[list, np.ndarray]:
    """Choose pairs of unrelated English originals and adjust the second's topic or person.

    Parameters
    ----------
    rng : numpy.random.Generator
    composer : Composer
        Draws replacement places, nouns and people.
    plan : PostPlan
    topics : Topics
        Adjusted in place so that each pair shares exactly what its kind says.
    signoff_on : ndarray of bool
        Posts that carry their outlet's sign-off.
    outlet_signoff : ndarray of str
        Each outlet's sign-off ("" for none).
    n_neg : int
        Pairs wanted of each kind.

    Returns
    -------
    pairs : list of (int, int, str)
        ``(a, b, kind)``, a the earlier post.
    lead_choice : ndarray
        Per post, the lead skeleton it must use (-1: any): shared-entity pairs
        use leads that name the person.
    """
    t = plan.t
    cand = np.flatnonzero(plan.is_orig & (plan.lang == EN))
    cand = cand[np.lexsort((cand, t[cand]))]
    picker = _PairPicker(rng, plan)
    so = outlet_signoff[plan.outlet]
    has = cand[signoff_on[cand] & (so[cand] != "")]
    if len(has):
        picker.shared_signoffs(has, so, n_neg)
    nos = cand[~signoff_on[cand]]  # the other kinds prefer posts without sign-offs
    nos = nos[~topics.surge_pick[nos]]
    for kind in ("same_topic", "shared_entity", "near_miss"):
        picker.random_pairs(nos, kind, n_neg)
    lead_choice = np.full(plan.n, -1, dtype=np.int64)
    for a, b, kind in picker.pairs:
        _shape_pair(rng, composer, topics, lead_choice, a, b, kind)
    return picker.pairs, lead_choice


def _shape_pair(rng, composer: Composer, topics: Topics, lead_choice: np.ndarray, a: int, b: int, kind: str) -> None:
    """Give post ``b`` what it must share with ``a`` (and nothing else of note)."""
    place, noun, person = topics.place, topics.noun, topics.person
    if kind == "same_topic":
        place[b] = place[a]
        noun[b] = noun[a]
        person[b] = composer.draw(EN, "PER", 1)[0]
    elif kind == "shared_entity":
        person[b] = person[a]
        per_leads = composer.T.lex[EN].per_leads
        lead_choice[a] = per_leads[int(rng.integers(len(per_leads)))]
        lead_choice[b] = per_leads[int(rng.integers(len(per_leads)))]
        while place[b] == place[a]:
            place[b] = composer.draw(EN, "PLACE", 1)[0]
        while noun[b] == noun[a]:
            noun[b] = composer.draw_index(EN, "N", 1)[0]
    elif kind == "near_miss":
        # different topics, so the copied run is the only overlap of note
        while place[b] == place[a]:
            place[b] = composer.draw(EN, "PLACE", 1)[0]


def _word_grams(text: str, n: int) -> set:
    """The text's lower-case word n-grams."""
    w = _WORD_RE.findall(text.lower())
    return {tuple(w[i:i + n]) for i in range(len(w) - n + 1)}


def plant_near_misses(pr, texts, pairs) -> dict:
    """Copy one 4-6 word run of A into B for each near-miss pair; returns ``{(a, b): run}``.

    The run is taken inside a sentence of A and put before the full stop of a
    sentence of B. The pair must share this one short phrase and no longer run
    of words (a run inside a stock phrase could otherwise join a longer one):
    up to six placements are tried, and a pair where none works keeps no run.
    ``texts`` is the :class:`amplify.synth.texts.PostTexts` being written.
    """
    near_shared = {}
    body = texts.body
    for a_i, b_i, kind in pairs:
        if kind != "near_miss":
            continue
        ta = body[a_i].split(SEP)
        tb = body[b_i].split(SEP)
        runs = [j for j in range(1, len(ta) - _RUN_MAX)
                if ta[j - 1] not in TERMINAL and all(t not in PUNCT for t in ta[j:j + _RUN_MAX])]
        ends = [i for i, t in enumerate(tb) if t in TERMINAL and i > 0]
        if not runs or not ends:
            continue
        grams_a = _word_grams(render(body[a_i], EN), _GUARD_GRAM)
        for _ in range(_RUN_ATTEMPTS):
            j = pr.choice(runs)
            run = ta[j:j + pr.randint(_RUN_MIN, _RUN_MAX)]
            at = pr.choice(ends)
            tb2 = tb[:at] + [","] + run + tb[at:]
            if not (_word_grams(render(SEP.join(tb2), EN), _GUARD_GRAM) & grams_a):
                break
        else:
            continue
        body[b_i] = SEP.join(tb2)
        texts.rerender(b_i)
        near_shared[(a_i, b_i)] = " ".join(run)
    return near_shared


def negatives_table(pairs, pid: np.ndarray, composer: Composer, topics: Topics, outlet_signoff: list,
                    post_outlet: list, near_shared: dict) -> pd.DataFrame:
    """``a_id, b_id, kind, shared`` (all ``string``); near-miss pairs that got no run are left out."""
    negatives = pd.DataFrame({
        "a_id": [pid[a] for a, b, k in pairs],
        "b_id": [pid[b] for a, b, k in pairs],
        "kind": [k for a, b, k in pairs],
        "shared": [_shared(a, b, k, composer, topics, outlet_signoff, post_outlet, near_shared) for a, b, k in pairs],
    })
    keep = negatives["shared"].notna()
    negatives = negatives[keep].reset_index(drop=True)
    for c in negatives.columns:
        negatives[c] = negatives[c].astype("string")
    return negatives


def _shared(a, b, kind, composer: Composer, topics: Topics, outlet_signoff, post_outlet, near_shared):
    """What the pair shares, as written in ``truth_negatives.csv`` (None: nothing was planted)."""
    if kind == "boilerplate":
        return outlet_signoff[post_outlet[a]]
    if kind == "same_topic":
        n = composer.T.lex[EN].cats["N"][topics.noun[a]]
        return f"{composer.tok[topics.place[a]].replace(SEP, ' ')} / {n}"
    if kind == "shared_entity":
        return composer.tok[topics.person[a]].replace(SEP, " ")
    return near_shared.get((a, b))
