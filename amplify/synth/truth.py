"""The truth summary (``truth.json``): everything planted that the links table does not hold.

Camps and their outlets, the planted camp-to-camp echo matrices with the
observed counts and their lift over a volume null, the bridges, the surge
week, the viral families, counts of every kind, and the parameters of the run.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from amplify.synth.codes import BRIDGE_CN2RU, BRIDGE_RU2CN, CAMPS, DAY_S, ECHO_KINDS, LANGS, NEGATIVE_KINDS
from amplify.synth.corpus import CORPUS_FILES, FORMAT_VERSION, GenerationParams
from amplify.synth.world import MATRIX_COLUMNS, MATRIX_GEN1, MATRIX_LATER, OutletCodes, PostPlan, SurgeWindow
from amplify.utc import iso_z

__all__ = ["truth_summary"]

_NS_PER_S = 10**9
_LIFT_DIGITS = 3


def truth_summary(*, params: GenerationParams, out: pd.DataFrame, codes: OutletCodes, plan: PostPlan,
                  attributed: np.ndarray, quoted: np.ndarray, pid: np.ndarray, surge: SurgeWindow,
                  mention: np.ndarray, negatives: pd.DataFrame, hostile: np.ndarray) -> dict:
    """The ``truth`` dict of a :class:`~amplify.synth.corpus.Corpus` (JSON-serialisable).

    Parameters
    ----------
    params : GenerationParams
    out : DataFrame
        The outlet table with its private columns.
    codes : OutletCodes
    plan : PostPlan
    attributed, quoted : ndarray of bool
        Per post (internal order): the echo names its source; the quote is a platform quote post.
    pid : ndarray of str
        Post id per post (internal order).
    surge : SurgeWindow
    mention : ndarray of bool
        Posts (internal order) whose text mentions the surge term.
    negatives : DataFrame
        The hard negatives as written.
    hostile : ndarray of bool
        Posts given hostile markup.
    """
    e = np.flatnonzero(~plan.is_orig)
    pairs, lift = _camp_links(plan.camp, plan.parent, e)

    def ts(s):
        return iso_z((params.start_epoch + int(s)) * _NS_PER_S)

    return {
        "generator": "amplify.synth",
        "format_version": FORMAT_VERSION,
        "seed": params.seed,
        "params": {"n_posts": params.n_posts, "seed": params.seed, "start": iso_z(params.start),
                   "days": params.days, "surge_term": params.surge_term, "hostile_fraction": params.hostile_fraction,
                   "echo_fraction": params.echo_fraction},
        "period": {"start": ts(0), "end": ts(params.days * DAY_S)},
        "counts": _counts(out, plan, e, attributed, quoted, hostile),
        "camps": _camps(out, plan.camp, e),
        "echo_matrix": {
            "doc": "planted probability that an echo by the row's outlets copies a post of the column's pool; "
                   "'first' for echoes of originals, 'later' for echoes of echoes",
            "rows": list(CAMPS) + [BRIDGE_CN2RU, BRIDGE_RU2CN],
            "columns": list(MATRIX_COLUMNS),
            "first": MATRIX_GEN1.round(3).tolist(),
            "later": MATRIX_LATER.round(3).tolist(),
        },
        "camp_links_doc": "'A->B': echoes by camp-B outlets of camp-A posts (content flows from A to B); "
                          "camp_lift divides by the count expected if B's echoes picked source camps in "
                          "proportion to their share of all posts",
        "camp_links": pairs,
        "camp_lift": lift,
        "mutual_amplification": {
            "camps": ["RU", "CN"],
            "doc": "RU echoes CN and CN echoes RU far more than their share of posts predicts (camp_lift); "
                   "both directions are planted",
            "RU echoes CN": pairs["CN->RU"], "CN echoes RU": pairs["RU->CN"],
            "lift CN->RU": lift.get("CN->RU"), "lift RU->CN": lift.get("RU->CN"),
        },
        "bridges": _bridges(out, codes, plan, e),
        "never_echoes_other_camps": ["WEST"],
        "surge": {
            "term": params.surge_term,
            "start": ts(surge.start), "end": ts(surge.start + surge.length), "days": int(surge.length // DAY_S),
            **_surge_mentions(params.days, surge, plan.t, mention),
            "doc": "English originals mention the term with probability 0.22 inside the window and 0.003 outside; "
                   "echoes copy it",
        },
        "viral_families": [{"root_id": str(pid[r]), "size": int((plan.root[e] == r).sum())}
                           for r in plan.viral_roots.tolist()],
        "negatives": {"file": "truth_negatives.csv",
                      "counts": {k: int((negatives["kind"] == k).sum()) for k in NEGATIVE_KINDS},
                      "doc": "pairs of unrelated originals that must not be linked"},
        "link_kinds_map": {"repost": "repost", "verbatim": "verbatim", "quote": "quote (quote_post when quoted_id)",
                           "paraphrase": "paraphrase", "truncation": "quote or verbatim (a prefix of the source)"},
        "files": list(CORPUS_FILES),
    }


def _camp_links(camp: np.ndarray, parent: np.ndarray, e: np.ndarray) -> tuple[dict, dict]:
    """Observed camp-to-camp echo counts (``"A->B"``) and their lift over a volume null.

    The null: an echo by camp B picks a source camp in proportion to that
    camp's share of all posts, so ``lift[A->B] = count[A->B] / (echoes by B *
    share of A)``; only between different camps.
    """
    n = len(camp)
    sc = camp[parent[e]]
    tc = camp[e]
    counts = np.zeros((4, 4), dtype=np.int64)
    np.add.at(counts, (tc, sc), 1)
    vol = np.bincount(camp, minlength=4) / n
    by_target = counts.sum(axis=1)
    lift = {}
    for x in range(4):
        for y in range(4):
            exp = by_target[x] * vol[y]
            if x != y and exp > 0:
                lift[f"{CAMPS[y]}->{CAMPS[x]}"] = round(float(counts[x, y] / exp), _LIFT_DIGITS)
    pairs = {f"{CAMPS[y]}->{CAMPS[x]}": int(counts[x, y]) for x in range(4) for y in range(4)}
    return pairs, lift


def _chain_depth(plan: PostPlan) -> np.ndarray:
    """Per post, the number of echo steps from its root (0 for originals)."""
    depth = np.zeros(plan.n, dtype=np.int64)
    for g in range(1, 4):
        m = plan.gen == g
        depth[m] = depth[plan.parent[m]] + 1
    return depth


def _counts(out: pd.DataFrame, plan: PostPlan, e: np.ndarray, attributed: np.ndarray, quoted: np.ndarray,
            hostile: np.ndarray) -> dict:
    kinds = plan.kind
    depth = _chain_depth(plan)
    n = plan.n
    return {
        "posts": int(n), "outlets": int(len(out)), "originals": int(plan.is_orig.sum()), "echoes": int(len(e)),
        "echoes_by_kind": {k: int((kinds[e] == i).sum()) for i, k in enumerate(ECHO_KINDS)},
        "attributed": int(attributed[e].sum()),
        "attributed_by_kind": {k: int((attributed[e] & (kinds[e] == i)).sum()) for i, k in enumerate(ECHO_KINDS)},
        "quote_posts_with_quoted_id": int(quoted.sum()),
        "chained_echoes": int((depth[e] >= 2).sum()),
        "max_chain_depth": int(depth.max()) if n else 0,
        "posts_by_lang": {LANGS[i]: int((plan.lang == i).sum()) for i in range(3)},
        "echoes_without_source_made_originals": int(plan.n_dropped),
        "hostile_posts": int(hostile.sum()),
        "hostile_outlets": int(out["hostile"].sum()),
    }


def _camps(out: pd.DataFrame, camp: np.ndarray, e: np.ndarray) -> dict:
    """Per camp: its outlets by kind and language, its posts and echoes."""
    info = {}
    for c in range(4):
        oc = out[out["camp"] == c]
        info[CAMPS[c]] = {
            "outlets": int(len(oc)),
            "kinds": {k: int(v) for k, v in sorted(oc["kind"].value_counts().items())},
            "languages": {LANGS[k]: int(v) for k, v in sorted(oc["lang"].value_counts().items())},
            "posts": int((camp == c).sum()),
            "echoes": int((camp[e] == c).sum()),
        }
    return info


def _bridges(out: pd.DataFrame, codes: OutletCodes, plan: PostPlan, e: np.ndarray) -> list:
    """What each bridge outlet carried: echoes of the other camp's posts, and echoes of its own echoes."""
    camp, parent = plan.camp, plan.parent
    handles = out["outlet"].to_numpy()
    bridges = []
    for h, frm, into in ((BRIDGE_CN2RU, "CN", "RU"), (BRIDGE_RU2CN, "RU", "CN")):
        bi = codes.bridge_idx[h]
        fc, ic = CAMPS.index(frm), CAMPS.index(into)
        mine = e[plan.outlet[e] == bi]
        echoed = e[(plan.outlet[parent[e]] == bi) & (camp[e] == ic)]
        bridges.append({
            "outlet": str(handles[bi]), "camp": into, "kind": str(out.at[bi, "kind"]),
            "role": f"carries {frm} content into {into}",
            "from_camp": frm, "into_camp": into,
            "echoes_of_from_camp": int((camp[parent[mine]] == fc).sum()),
            "echoes_total": int(len(mine)),
            f"echoed_by_{into}_outlets": int(len(echoed)),
        })
    return bridges


def _surge_mentions(days: int, surge: SurgeWindow, t: np.ndarray, mention: np.ndarray) -> dict:
    """Posts mentioning the surge term inside the window, and per week outside it."""
    in_w = surge.contains(t)
    n_weeks_other = max(1e-9, (days * DAY_S - surge.length) / (7 * DAY_S))
    return {
        "posts_mentioning_in_window": int((mention & in_w).sum()),
        "posts_mentioning_outside_per_week": round(float((mention & ~in_w).sum() / n_weeks_other), 2),
    }
