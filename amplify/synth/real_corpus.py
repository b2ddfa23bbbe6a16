"""A profile's planted posts added to the default world: posts, truth links, negatives, spans and ``truth.json``.

The default world's rows stay exactly as they were, in their order: the
planted posts are merged into the posts table by time (a default post first
on a tie) with ids ``r0000001`` ... in time order among themselves, and their
truth rows are appended after the default world's rows.
"""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pyarrow as pa

from amplify import schema
from amplify.synth.codes import LANGS
from amplify.synth.corpus import CORPUS_FILES, SPANS_FILE, SPANS_COLUMNS, Corpus, GenerationParams
from amplify.synth.outlets import domain
from amplify.synth.profiles import REAL_ECHO_KINDS, REAL_NEGATIVE_KINDS, Profile
from amplify.synth.real_patterns import Planted, plant_patterns

__all__ = ["apply_profile", "PLANTED_ID_PREFIX"]

#: Ids of the posts a profile adds: this letter and a zero-padded number, in time order.
PLANTED_ID_PREFIX = "r"
_ID_WIDTH = 7
_NS_PER_S = 10**9

_LINK_KINDS_MAP = {
    "passages": "quote (one link per target, whichever passage aligns best; several passages)",
    "reword": "paraphrase",
    "quote_back": "quote (often beyond the default 7-day window; a target may have two parents)",
}
_DOC = ("patterns of real text that detection gets wrong (issues #10 and #19), planted on top of the default "
        "world from the profile's own random stream; see amplify.synth.real_patterns. The 'heldout' profile "
        "exists to judge detection work tuned on 'realistic': never tune on it.")


def apply_profile(corpus: Corpus, out: pd.DataFrame, params: GenerationParams, profile: Profile) -> Corpus:
    """``corpus`` (the default world) with the profile's patterns added; ``out`` is the private outlet table."""
    rng = np.random.default_rng([params.seed, profile.stream])
    planted = plant_patterns(rng, out, params, profile)
    pid = _planted_ids(planted.t)
    handles = out["outlet"].to_numpy(dtype=object)
    posts = _merge_posts(corpus.posts, planted, pid, handles, params)
    t = np.asarray(planted.t, dtype=np.int64)
    links = _links_table(planted, pid, t)
    negatives = _negatives_table(planted, pid)
    spans = _spans_table(planted, pid)
    truth_links = pd.concat([corpus.truth_links, links], ignore_index=True)
    for c in ("source_id", "target_id", "kind", "root_id"):
        truth_links[c] = truth_links[c].astype("string")
    all_neg = pd.concat([corpus.negatives, negatives], ignore_index=True).astype("string")
    truth = _truth(corpus.truth, planted, links, negatives, profile)
    return Corpus(posts=posts, outlets=corpus.outlets, truth_links=truth_links, truth=truth, negatives=all_neg,
                  spans=spans)


def _planted_ids(t: list) -> np.ndarray:
    """Id of each planted post: ``r`` and its place in time among the planted posts (ties by writing order)."""
    n = len(t)
    order = np.lexsort((np.arange(n), np.asarray(t, dtype=np.int64)))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    width = max(_ID_WIDTH, len(str(n)))
    return np.array([f"{PLANTED_ID_PREFIX}{r + 1:0{width}d}" for r in rank.tolist()], dtype=object)


def _strings(values) -> pd.api.extensions.ExtensionArray:
    return pd.arrays.ArrowStringArray(pa.array(values, pa.string(), from_pandas=True))


def _merge_posts(base: pd.DataFrame, planted: Planted, pid: np.ndarray, handles: np.ndarray,
                 params: GenerationParams) -> pd.DataFrame:
    """The default posts and the planted ones in one table, in time order (a default post first on a tie)."""
    ts = (np.asarray(planted.t, dtype=np.int64) + params.start_epoch) * _NS_PER_S
    outlet = handles[np.asarray(planted.outlet, dtype=np.int64)]
    new = pd.DataFrame({
        "post_id": _strings(pid.tolist()),
        "outlet": _strings(outlet.tolist()),
        "published_at": pd.DatetimeIndex(ts.astype("datetime64[ns]")).tz_localize("UTC"),
        "text": pd.arrays.ArrowStringArray(pa.array(planted.text, pa.large_string())),
        "url": _strings([f"https://{domain(h)}/{p}" for h, p in zip(outlet.tolist(), pid.tolist())]),
        "lang": _strings([LANGS[lg] for lg in planted.lang]),
        "reposted_id": _strings([None] * len(pid)),
        "quoted_id": _strings([None] * len(pid)),
    })
    new = new.iloc[np.lexsort((np.arange(len(new)), ts))]
    both = pd.concat([base, new[base.columns]], ignore_index=True)
    both = both.sort_values("published_at", kind="stable", ignore_index=True)
    return schema.validate_posts(both)


def _links_table(planted: Planted, pid: np.ndarray, t: np.ndarray) -> pd.DataFrame:
    """The planted echoes, in time order of their targets (then of their sources)."""
    if not planted.links:
        return pd.DataFrame(columns=["source_id", "target_id", "kind", "root_id", "attributed", "lag_s"])
    src = np.array([lk[0] for lk in planted.links], dtype=np.int64)
    tgt = np.array([lk[1] for lk in planted.links], dtype=np.int64)
    order = np.lexsort((t[src], t[tgt]))
    src, tgt = src[order], tgt[order]
    return pd.DataFrame({
        "source_id": pid[src],
        "target_id": pid[tgt],
        "kind": np.array([planted.links[i][2] for i in order.tolist()], dtype=object),
        "root_id": pid[src],  # every planted source is an original
        "attributed": np.array([planted.links[i][3] for i in order.tolist()], dtype=bool),
        "lag_s": (t[tgt] - t[src]).astype(np.int64),
    })


def _negatives_table(planted: Planted, pid: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({
        "a_id": [pid[a] for a, b, k, s in planted.negatives],
        "b_id": [pid[b] for a, b, k, s in planted.negatives],
        "kind": [k for a, b, k, s in planted.negatives],
        "shared": [s for a, b, k, s in planted.negatives],
    }).astype("string")


def _spans_table(planted: Planted, pid: np.ndarray) -> pd.DataFrame:
    rows = [(pid[s], pid[t], k, s0, s1, t0, t1, e) for s, t, k, s0, s1, t0, t1, e in planted.spans]
    spans = pd.DataFrame(rows, columns=list(SPANS_COLUMNS))
    for c in ("source_id", "target_id", "kind", "edits"):
        spans[c] = spans[c].astype("string")
    for c in ("source_start", "source_end", "target_start", "target_end"):
        spans[c] = spans[c].astype(np.int64)
    return spans


def _truth(base: dict, planted: Planted, links: pd.DataFrame, negatives: pd.DataFrame, profile: Profile) -> dict:
    """The default world's ``truth.json`` with the planted posts counted and the profile described."""
    truth = copy.deepcopy(base)
    n_new = len(planted.outlet)
    targets = set(links["target_id"])
    counts = truth["counts"]
    counts["posts"] += n_new
    counts["originals"] += n_new - len(targets)
    counts["echoes"] += len(links)
    for k in REAL_ECHO_KINDS:
        m = links["kind"] == k
        counts["echoes_by_kind"][k] = int(m.sum())
        counts["attributed_by_kind"][k] = int(links.loc[m, "attributed"].sum())
    counts["attributed"] += int(links["attributed"].sum())
    for lg in planted.lang:
        counts["posts_by_lang"][LANGS[lg]] += 1
    truth["params"]["profile"] = profile.name
    truth["negatives"]["counts"].update({k: int((negatives["kind"] == k).sum()) for k in REAL_NEGATIVE_KINDS})
    truth["negatives"]["doc"] = "pairs of posts that must not be linked (unrelated originals, templates, " \
                                "independent reports of one event, headlines of one frame, shared names)"
    truth["link_kinds_map"].update(_LINK_KINDS_MAP)
    truth["files"] = list(CORPUS_FILES) + [SPANS_FILE]
    qb = links[links["kind"] == "quote_back"]
    truth["profile"] = {
        **profile.describe(),
        "doc": _DOC,
        "post_id_prefix": PLANTED_ID_PREFIX,
        "posts": n_new,
        "echo_targets": len(targets),
        "echoes_by_kind": {k: int((links["kind"] == k).sum()) for k in REAL_ECHO_KINDS},
        "negatives_by_kind": {k: int((negatives["kind"] == k).sum()) for k in REAL_NEGATIVE_KINDS},
        "quote_back": {
            "beyond_7_days": int((qb["lag_s"] > 7 * 86400).sum()),
            "max_lag_days": round(float(qb["lag_s"].max() / 86400), 2) if len(qb) else 0.0,
            "multi_source_targets": int(qb["target_id"].duplicated().sum()),
        },
        "spans_file": SPANS_FILE,
        "spans_doc": "one row per reused passage (passages) and quoted sentence (quote_back): character offsets "
                     "in the source and target texts and the light edits made (swap, insert, drop, number, "
                     "leadin, comma, lowered)",
        "written": {k: int(v) for k, v in sorted(planted.stats.items())},
    }
    return truth
