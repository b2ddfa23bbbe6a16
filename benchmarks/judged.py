"""The hand-checked sample of issue #10: links and near-misses of UCI and RUWA, judged by reading.

Precision on real text cannot be computed from labels that do not exist, so a
person reads pairs of posts and says whether the later one echoes the earlier
one. The verdicts (``benchmarks/judged/verdicts.csv``: ids, verdict, one-line
reason; no texts, for the data's licences) are kept; this script rebuilds
the texts from ``../shared/data`` exactly as ``benchmarks/real_quality.py``
builds them (post ids ``uci<ID>`` and ``ruwa<row>``) and scores any detector
against them.

Verdicts:

* ``echo``: the later text reuses the earlier one's wording or restates its
  specific statement (a republication, a quote, a close paraphrase, a
  translation), more than covering the same event forces;
* ``not``: different statements, independent reports of one event in their
  own words, only topic words or names shared, or one template frame with
  different numbers or names;
* ``unsure``: cannot tell; counted apart (never in precision).

A pair is ordered source = earlier post (ties: the smaller ``post_id``) and
matched to links whichever way a link runs (a tie is linked both ways).

Commands::

    python benchmarks/judged.py draw --out DIR     # the seeded sample, both texts side by side
    python benchmarks/judged.py score              # precision, misses, unjudged links of this tree's detector
    python benchmarks/judged.py score --set shingle=3 --unjudged new.csv

``draw`` writes ``DIR/sample.csv`` (every column, detector's kind and score
included) and ``DIR/reading.csv`` (the same pairs shuffled, numbered, without
kind, score or how they were drawn: read and judge from this one).

``score`` prints, per dataset and per kind of the current links: judged links,
echo / not / unsure, precision = echo / (echo + not) with its 95 % Wilson
interval (Wilson 1927, *JASA* 22:209), and, because the sample is stratified, an
estimate of the precision of all links that weights each kind by its number of
current links (Cochran 1977, *Sampling Techniques*, ch. 5: the stratified
mean). Then the judged echoes that are not linked (misses, each listed), the
judged ``not`` pairs that are linked (false links) counted by the pattern that
opens their reason (``same event: ...``), and the current links not yet judged
(``--unjudged OUT`` writes them side by side, blind, with empty verdict
columns, to be judged and appended to ``verdicts.csv`` with a later
``judged_on``).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent


def _find_shared_data() -> None:
    """Point ``AMPLIFY_SHARED_DATA`` at the nearest ``shared/data`` above this file when unset.

    ``real_quality`` looks two folders up, which is right for the main checkout
    and wrong for a worktree one folder deeper (``wt/NAME``).
    """
    if "AMPLIFY_SHARED_DATA" in os.environ:
        return
    for parent in HERE.parents:
        if (parent / "shared" / "data").is_dir():
            os.environ["AMPLIFY_SHARED_DATA"] = str(parent / "shared" / "data")
            return


_find_shared_data()
sys.path.insert(0, str(HERE))
from real_quality import republications, ruwa_posts, uci_posts  # noqa: E402

from amplify.detect import DetectSettings, SettingsError, detect  # noqa: E402
from amplify.io import atomic_output, write_csv  # noqa: E402

VERDICTS = HERE / "judged" / "verdicts.csv"
#: Links of ``DetectSettings.precise()`` read apart (a draw from that profile's links only, so they
#: would bias the default detector's figures): ``score --precise --verdicts`` both files.
PRECISE_VERDICTS = HERE / "judged" / "precise_links.csv"
VERDICT_COLUMNS = ["dataset", "source_id", "target_id", "verdict", "reason", "drawn_as", "judged_on"]
VERDICT_VALUES = ("echo", "not", "unsure")
DRAWN_AS = ("link", "near_miss")
LOADERS = {"uci": uci_posts, "ruwa": ruwa_posts}
POST_COLUMNS = ["post_id", "outlet", "published_at", "text"]
#: Bins of rapidfuzz ``token_set_ratio`` that stratify near-misses by how close they look.
CLOSENESS_BINS = (0, 60, 70, 80, 90, 101)
CLOSENESS_LABELS = [f"{lo}-{hi - 1}" for lo, hi in zip(CLOSENESS_BINS[:-1], CLOSENESS_BINS[1:])]
Z95 = 1.959963984540054


class JudgedError(Exception):
    """A problem with the verdicts file or the arguments, said plainly (exit 2)."""


# --------------------------------------------------------------------------- measures


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for ``k`` successes in ``n`` trials (Wilson 1927).

    Unlike the normal interval it stays inside [0, 1] and is not empty at
    ``k == n``, which is where a good detector's precision sits.

    >>> lo, hi = wilson(95, 100)
    >>> round(lo, 3), round(hi, 3)
    (0.888, 0.978)
    >>> wilson(0, 0)
    (nan, nan)
    """
    if n == 0:
        return float("nan"), float("nan")
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    # at k = 0 (k = n) the bound is exactly 0 (1); the formula leaves rounding noise there
    lo = 0.0 if k == 0 else max(0.0, centre - half)
    hi = 1.0 if k == n else min(1.0, centre + half)
    return float(lo), float(hi)


# --------------------------------------------------------------------------- pairs


def pair_key(a: pd.Series | np.ndarray, b: pd.Series | np.ndarray) -> np.ndarray:
    """One key per unordered pair of post ids (``"smaller|larger"``), whichever way it is given."""
    a = np.asarray(a, dtype=object).astype(str)
    b = np.asarray(b, dtype=object).astype(str)
    lo, hi = np.where(a < b, a, b), np.where(a < b, b, a)
    return np.char.add(np.char.add(lo, "|"), hi).astype(object)


def nanoseconds(times) -> np.ndarray:
    """Times as int64 nanoseconds since 1970, whatever unit pandas read them in
    (RUWA's dates come as ``datetime64[us]``, UCI's milliseconds as ``[ms]``)."""
    return pd.DatetimeIndex(times).as_unit("ns").asi8


def orient(posts: pd.DataFrame, a, b) -> tuple[np.ndarray, np.ndarray]:
    """(source, target) of each pair: source = the earlier post; at equal times the smaller id."""
    t = pd.Series(nanoseconds(posts["published_at"]), index=posts["post_id"].to_numpy())
    a = np.asarray(a, dtype=object)
    b = np.asarray(b, dtype=object)
    ta, tb = t.reindex(a).to_numpy(), t.reindex(b).to_numpy()
    a_first = (ta < tb) | ((ta == tb) & (a.astype(str) <= b.astype(str)))
    return np.where(a_first, a, b), np.where(a_first, b, a)


def run_detector(posts: pd.DataFrame, settings: DetectSettings) -> pd.DataFrame:
    """The links of this tree's detector, one row per pair of posts, oriented as :func:`orient`."""
    links = detect(posts[POST_COLUMNS], settings=settings, progress=False)
    src, tgt = orient(posts, links["source_id"], links["target_id"])
    out = pd.DataFrame({"source_id": src, "target_id": tgt, "kind": links["kind"].to_numpy(),
                        "score": links["score"].to_numpy(dtype=float)})
    out["key"] = pair_key(out["source_id"], out["target_id"])
    # a tie is listed both ways with the same kind and score: keep one row per pair
    return out.drop_duplicates("key").reset_index(drop=True)


def lag_text(seconds: float) -> str:
    """A lag for a reader: ``"0 min"``, ``"2 h 05 min"``, ``"3 d"`` (RUWA has dates only)."""
    seconds = int(round(abs(seconds)))
    d, rest = divmod(seconds, 86400)
    h, rest = divmod(rest, 3600)
    m = rest // 60
    if d and not (h or m):
        return f"{d} d"
    if d:
        return f"{d} d {h} h"
    return f"{h} h {m:02d} min" if h else f"{m} min"


def side_by_side(posts: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """``pairs`` with both outlets, the lag and both texts."""
    p = posts.set_index("post_id")
    s, t = p.loc[pairs["source_id"]], p.loc[pairs["target_id"]]
    lag = (nanoseconds(t["published_at"]) - nanoseconds(s["published_at"])) / 1e9
    return pairs.assign(source_outlet=s["outlet"].to_numpy(), target_outlet=t["outlet"].to_numpy(),
                        lag=[lag_text(x) for x in lag],
                        source_text=s["text"].to_numpy(), target_text=t["text"].to_numpy())


# --------------------------------------------------------------------------- near-misses

_WORD = re.compile(r"\w+")


def near_miss_candidates(posts: pd.DataFrame, linked: set, days: int = 7, max_df: int | None = None) -> pd.DataFrame:
    """Pairs that look close and are not linked: two outlets within ``days``, sharing
    at least two rare words or with ``token_set_ratio`` >= 60.

    Candidates are blocked on rare words (a word in at most ``max_df`` posts,
    default 0.5 % of them and at least 20; three letters or more, not only
    digits): only posts sharing one are ever compared, never all pairs.
    Returns oriented pairs with ``shared_rare`` and ``closeness`` (rapidfuzz
    ``token_set_ratio`` with its default processor).
    """
    from rapidfuzz import fuzz, process, utils

    n = len(posts)
    max_df = max_df or max(20, int(0.005 * n))
    post_i, word = [], []
    for i, text in enumerate(posts["text"]):
        ws = {w for w in _WORD.findall(text.lower()) if len(w) >= 3 and not w.isdigit()}
        post_i.extend([i] * len(ws))
        word.extend(ws)
    occ = pd.DataFrame({"i": np.asarray(post_i, dtype=np.int64), "w": word})
    occ = occ[occ.groupby("w")["i"].transform("size").between(2, max_df)]
    # all pairs inside each rare word's posting list (a loop per word, vectorised per pair)
    firsts, seconds = [], []
    for ids in occ.groupby("w")["i"].agg(lambda s: np.sort(s.to_numpy())):
        a, b = np.triu_indices(len(ids), 1)
        firsts.append(ids[a])
        seconds.append(ids[b])
    if not firsts:
        return pd.DataFrame(columns=["source_id", "target_id", "shared_rare", "closeness", "key"])
    code = np.concatenate(firsts) * n + np.concatenate(seconds)
    code, shared = np.unique(code, return_counts=True)
    a, b = code // n, code % n
    t = nanoseconds(posts["published_at"])
    outlet = posts["outlet"].to_numpy(dtype=object)
    keep = (outlet[a] != outlet[b]) & (np.abs(t[a] - t[b]) <= days * 86400 * 10**9)
    a, b, shared = a[keep], b[keep], shared[keep]
    text = posts["text"].to_numpy(dtype=object)
    closeness = np.asarray(process.cpdist(list(text[a]), list(text[b]), scorer=fuzz.token_set_ratio,
                                          processor=utils.default_process, workers=-1), dtype=float)
    ids = posts["post_id"].to_numpy(dtype=object)
    out = pd.DataFrame({"a": ids[a], "b": ids[b], "shared_rare": shared, "closeness": closeness})
    out = out[(out["shared_rare"] >= 2) | (out["closeness"] >= 60)]
    src, tgt = orient(posts, out["a"], out["b"])
    out = pd.DataFrame({"source_id": src, "target_id": tgt, "shared_rare": out["shared_rare"].to_numpy(),
                        "closeness": out["closeness"].to_numpy()})
    out["key"] = pair_key(out["source_id"], out["target_id"])
    return out[~out["key"].isin(linked)].reset_index(drop=True)


# --------------------------------------------------------------------------- drawing


def allocate(sizes: dict, total: int, weights: dict | None = None) -> dict:
    """Split ``total`` draws over strata in proportion to ``weights`` (default equal),
    never more than a stratum holds; what a small stratum cannot take goes to the others.

    >>> allocate({"a": 5, "b": 100, "c": 100}, 60)
    {'a': 5, 'b': 28, 'c': 27}
    """
    weights = weights or {k: 1.0 for k in sizes}
    out = {k: 0 for k in sizes}
    left = min(total, sum(sizes.values()))
    while left > 0:
        open_ = [k for k in sizes if out[k] < sizes[k]]
        w = np.array([weights[k] for k in open_], dtype=float)
        share = left * w / w.sum()
        take = np.floor(share).astype(int)
        # largest remainders get the draws that flooring left over
        for j in np.argsort(-(share - take), kind="stable")[: left - take.sum()]:
            take[j] += 1
        for k, x in zip(open_, take):
            got = min(int(x), sizes[k] - out[k])
            out[k] += got
            left -= got
    return out


def draw_links(links: dict, n: int, rng: np.random.Generator) -> pd.DataFrame:
    """``n`` links stratified over datasets (equal shares) and, inside each, over kinds
    (in proportion to the square root of each kind's count, so rare kinds are read too)."""
    per_set = allocate({d: len(x) for d, x in links.items()}, n)
    rows = []
    for d, x in links.items():
        counts = x["kind"].value_counts().to_dict()
        per_kind = allocate(counts, per_set[d], {k: np.sqrt(c) for k, c in counts.items()})
        for kind, m in per_kind.items():
            pool = x[x["kind"] == kind]
            pick = rng.choice(len(pool), size=m, replace=False)
            rows.append(pool.iloc[np.sort(pick)].assign(dataset=d, drawn_as="link", stratum=kind))
    return pd.concat(rows, ignore_index=True)


def draw_near_misses(cands: dict, reprints: dict, n: int, rng: np.random.Generator) -> pd.DataFrame:
    """``n`` near-misses, equal shares per dataset: every unlinked republication first,
    the rest spread equally over the bins of :data:`CLOSENESS_BINS`."""
    per_set = allocate({d: len(c) + len(reprints[d]) for d, c in cands.items()}, n)
    rows = []
    for d, c in cands.items():
        rep = reprints[d].head(per_set[d])
        rows.append(rep.assign(dataset=d, drawn_as="near_miss", stratum="republication"))
        c = c[~c["key"].isin(set(rep["key"]))]
        binned = pd.Series(closeness_bin(c["closeness"].to_numpy()), index=c.index)
        per_bin = allocate(binned.value_counts().reindex(CLOSENESS_LABELS, fill_value=0).to_dict(),
                           per_set[d] - len(rep))
        for label, m in per_bin.items():
            pool = c[binned == label]
            pick = rng.choice(len(pool), size=m, replace=False)
            rows.append(pool.iloc[np.sort(pick)].assign(dataset=d, drawn_as="near_miss",
                                                       stratum=f"closeness {label}"))
    return pd.concat(rows, ignore_index=True)


def unlinked_republications(posts: pd.DataFrame, linked: set) -> pd.DataFrame:
    """The reprints ``real_quality.republications`` finds in the data that are not linked, oriented."""
    rep = republications(posts)
    src, tgt = orient(posts, rep["a_id"], rep["b_id"])
    out = pd.DataFrame({"source_id": src, "target_id": tgt})
    out["key"] = pair_key(src, tgt)
    return out[~out["key"].isin(linked)].drop_duplicates("key").reset_index(drop=True)


def draw(out_dir: Path, seed: int, n_links: int, n_near: int, settings: DetectSettings) -> None:
    rng = np.random.default_rng(seed)
    posts, links, cands, reprints = {}, {}, {}, {}
    for d, loader in LOADERS.items():
        p = loader()
        if p is None:
            continue
        posts[d] = p
        links[d] = run_detector(p, settings)
        linked = set(links[d]["key"])
        cands[d] = near_miss_candidates(p, linked)
        reprints[d] = unlinked_republications(p, linked)
        print(f"{d}: {len(p):,} posts, {len(links[d]):,} linked pairs, {len(cands[d]):,} near-miss candidates, "
              f"{len(reprints[d])} unlinked republications")
    if not posts:
        raise JudgedError("no data: neither UCI nor RUWA was found (set AMPLIFY_SHARED_DATA)")
    sample = pd.concat([draw_links(links, n_links, rng), draw_near_misses(cands, reprints, n_near, rng)],
                       ignore_index=True)
    sample = pd.concat([side_by_side(posts[d], g) for d, g in sample.groupby("dataset", sort=False)],
                       ignore_index=True)
    cols = ["dataset", "source_id", "target_id", "drawn_as", "stratum", "source_outlet", "target_outlet", "lag",
            "kind", "score", "closeness", "shared_rare", "source_text", "target_text"]
    sample = sample.reindex(columns=cols)
    sample.insert(0, "no", rng.permutation(len(sample)) + 1)
    reading = sample.sort_values("no")[["no", "dataset", "source_id", "target_id", "source_outlet",
                                        "target_outlet", "lag", "source_text", "target_text"]]
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, df in (("sample.csv", sample), ("reading.csv", reading)):
        with atomic_output(out_dir / name) as fh:
            write_csv(df, fh)
    print(f"wrote {len(sample)} pairs ({sample['drawn_as'].value_counts().to_dict()}) to {out_dir}/sample.csv; "
          f"read and judge {out_dir}/reading.csv (shuffled, without kind, score or how each pair was drawn)")
    print(sample.groupby(["dataset", "drawn_as", "stratum"]).size().to_string())


# --------------------------------------------------------------------------- verdicts


def read_verdicts(path, datasets: tuple = tuple(LOADERS)) -> pd.DataFrame:
    """The verdicts file (or files, one table: a pair judged in two of them is an
    error), checked by :func:`check_verdicts`."""
    paths = [Path(path)] if isinstance(path, (str, Path)) else [Path(p) for p in path]
    parts = []
    for p in paths:
        if not p.is_file():
            raise JudgedError(f"{p}: no verdicts file")
        v = check_verdicts(pd.read_csv(p, dtype=str, keep_default_na=False), str(p), datasets)
        parts.append(v.assign(origin=[f"{p}: row {i + 2}" for i in range(len(v))]))
    v = pd.concat(parts, ignore_index=True)
    dup = v["key"].duplicated(keep=False)
    if dup.any():
        raise JudgedError(f"{' and '.join(v.loc[dup, 'origin'].head(2))} judge one pair twice; keep one verdict "
                          "per pair")
    return v


def check_verdicts(v: pd.DataFrame, where: str, datasets: tuple = tuple(LOADERS)) -> pd.DataFrame:
    """Verdict rows checked (columns, values, dates, one verdict per pair), with ``key`` and
    ``pattern`` added; an error names ``where``, the row (as a line of the file) and the column."""
    missing = [c for c in VERDICT_COLUMNS if c not in v.columns]
    if missing:
        raise JudgedError(f"{where}: missing column(s) {', '.join(missing)} (need {', '.join(VERDICT_COLUMNS)})")
    v = v.reset_index(drop=True)
    for col, allowed in (("verdict", VERDICT_VALUES), ("drawn_as", DRAWN_AS), ("dataset", datasets)):
        bad = ~v[col].isin(allowed)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise JudgedError(f"{where}: row {i + 2}, column {col}: {v[col].iloc[i]!r} is not one of "
                              f"{', '.join(allowed)}")
    for col in ("source_id", "target_id", "reason", "judged_on"):
        empty = v[col].str.strip() == ""
        if empty.any():
            raise JudgedError(f"{where}: row {int(np.flatnonzero(empty)[0]) + 2}, column {col} is empty")
    bad = pd.to_datetime(v["judged_on"], format="%Y-%m-%d", errors="coerce").isna()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise JudgedError(f"{where}: row {i + 2}, column judged_on: {v['judged_on'].iloc[i]!r} is not a date "
                          "YYYY-MM-DD")
    v = v.assign(key=v["dataset"] + ":" + pair_key(v["source_id"], v["target_id"]))
    dup = v["key"].duplicated(keep=False)
    if dup.any():
        rows = (np.flatnonzero(dup) + 2).tolist()
        raise JudgedError(f"{where}: rows {rows[:6]} judge one pair twice; keep one verdict per pair")
    return v.assign(pattern=reason_pattern(v["reason"]))


def reason_pattern(reason: pd.Series) -> pd.Series:
    """The pattern that opens a reason (``"same event: Kyiv strike, own words"`` -> ``"same event"``)."""
    head = reason.str.split(":", n=1).str[0].str.strip()
    return head.where(reason.str.contains(":", regex=False), "(no pattern)")


def check_ids(v: pd.DataFrame, dataset: str, posts: pd.DataFrame, path: Path) -> None:
    known = set(posts["post_id"])
    for col in ("source_id", "target_id"):
        bad = (v["dataset"] == dataset) & ~v[col].isin(known)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            where = v["origin"].iloc[i] if "origin" in v else f"{path}: row {i + 2}"
            raise JudgedError(f"{where}, column {col}: {v[col].iloc[i]!r} is no post of {dataset} "
                              "as real_quality.py builds it")


# --------------------------------------------------------------------------- scoring


def score_set(dataset: str, links: pd.DataFrame, verdicts: pd.DataFrame) -> dict:
    """Judged links, misses and unjudged links of one dataset: the figures :func:`report` prints.

    ``links`` as :func:`run_detector` returns them; ``verdicts`` as :func:`read_verdicts`.
    """
    v = verdicts[verdicts["dataset"] == dataset].assign(key=lambda x: x["key"].str.split(":", n=1).str[1])
    on = links.merge(v[["key", "verdict", "reason", "pattern", "drawn_as"]], on="key", how="left")
    judged = on[on["verdict"].notna()]
    rows = []
    # a template link (same frame, other facts) is not an echo: its row is shown,
    # but "all" counts echoes only, and a judged echo linked only as a template is missed
    echoes = judged[judged["kind"] != "template"]
    n_echo_links = int((links["kind"] != "template").sum())
    for kind, g in [(k, judged[judged["kind"] == k]) for k in sorted(links["kind"].unique())] + [("all", echoes)]:
        n_links = n_echo_links if kind == "all" else int((links["kind"] == kind).sum())
        rows.append(_precision_row(dataset, kind, n_links, g))
    table = pd.DataFrame(rows)
    kinds = table[(table["kind"] != "all") & (table["kind"] != "template")]
    # stratified estimate: each kind's precision weighted by its share of current links
    covered = kinds[kinds["echo"] + kinds["not"] > 0]
    est = float((covered["links"] * covered["precision"]).sum() / covered["links"].sum()) if len(covered) else np.nan
    linked = set(links.loc[links["kind"] != "template", "key"])
    unjudged = on[on["verdict"].isna()][["source_id", "target_id", "kind", "score", "key"]]
    missed = v[(v["verdict"] == "echo") & ~v["key"].isin(linked)]
    return {"dataset": dataset, "table": table, "weighted_precision": est,
            "weighted_covers": int(covered["links"].sum()), "links": n_echo_links,
            "judged": echoes, "false_links": echoes[echoes["verdict"] == "not"], "missed": missed,
            "echoes_judged": int((v["verdict"] == "echo").sum()),
            # unjudged echo links (counted against `links`) and unjudged template links, apart:
            # one count over both read "1,894 of 1,686" when templates outnumbered the judged echoes
            "unjudged": unjudged[unjudged["kind"] != "template"],
            "unjudged_templates": unjudged[unjudged["kind"] == "template"],
            "templates": int((links["kind"] == "template").sum())}


def closeness_bin(closeness: np.ndarray) -> np.ndarray:
    """Label of each ``token_set_ratio`` value's bin of :data:`CLOSENESS_BINS` (``"80-89"``)."""
    return np.asarray(pd.cut(closeness, CLOSENESS_BINS, right=False, labels=CLOSENESS_LABELS).astype(object))


def near_miss_estimate(dataset: str, posts: pd.DataFrame, links: pd.DataFrame, verdicts: pd.DataFrame) -> pd.DataFrame:
    """Judged near-misses that are still not linked, per stratum as ``draw`` made them, and an
    estimate of the echoes the detector misses among all such pairs.

    Strata: the unlinked republications ``real_quality`` finds in the data,
    then the other near-miss candidates by closeness bin. In a stratum, the
    judged pairs are a simple random sample of its candidates (every unlinked
    republication was drawn), so ``echo / (echo + not)`` times the stratum's
    current candidates estimates its unlinked echoes (Cochran 1977, ch. 5).
    """
    from rapidfuzz import fuzz, process, utils

    linked = set(links["key"])
    reprints = set(unlinked_republications(posts, linked)["key"])
    cands = near_miss_candidates(posts, linked)
    cands = cands.assign(stratum=np.where(cands["key"].isin(reprints), "republication",
                                          "closeness " + closeness_bin(cands["closeness"].to_numpy())))
    size = cands["stratum"].value_counts()
    size["republication"] = len(reprints)
    v = verdicts[(verdicts["dataset"] == dataset) & (verdicts["drawn_as"] == "near_miss")]
    v = v.assign(key=v["key"].str.split(":", n=1).str[1])
    v = v[~v["key"].isin(linked)]
    text = dict(zip(posts["post_id"], posts["text"]))
    close = np.asarray(process.cpdist([text[x] for x in v["source_id"]], [text[x] for x in v["target_id"]],
                                      scorer=fuzz.token_set_ratio, processor=utils.default_process), dtype=float)
    v = v.assign(stratum=np.where(v["key"].isin(reprints), "republication", "closeness " + closeness_bin(close)))
    rows = []
    for stratum in ["republication"] + [f"closeness {b}" for b in CLOSENESS_LABELS]:
        g = v[v["stratum"] == stratum]["verdict"].value_counts()
        echo, not_, unsure = (int(g.get(x, 0)) for x in VERDICT_VALUES)
        n = int(size.get(stratum, 0))
        lo, hi = wilson(echo, echo + not_)
        rows.append({"dataset": dataset, "stratum": stratum, "candidates": n, "judged": echo + not_ + unsure,
                     "echo": echo, "not": not_, "unsure": unsure,
                     "est_echoes": n * echo / (echo + not_) if echo + not_ else np.nan,
                     "est_low": n * lo, "est_high": n * hi})
    return pd.DataFrame(rows)


def _precision_row(dataset: str, kind: str, n_links: int, judged: pd.DataFrame) -> dict:
    counts = judged["verdict"].value_counts()
    echo, not_, unsure = (int(counts.get(x, 0)) for x in VERDICT_VALUES)
    n = echo + not_ + unsure
    lo, hi = wilson(echo, echo + not_)
    # what precision would be if every unsure pair were not, or were, an echo: the range unsure leaves open
    return {"dataset": dataset, "kind": kind, "links": n_links, "judged": n, "echo": echo,
            "not": not_, "unsure": unsure, "precision": echo / (echo + not_) if echo + not_ else np.nan,
            "ci_low": lo, "ci_high": hi, "unsure_as_not": echo / n if n else np.nan,
            "unsure_as_echo": (echo + unsure) / n if n else np.nan}


def _short(s: str, n: int = 110) -> str:
    s = " ".join(str(s).split())
    return repr(s if len(s) <= n else s[: n - 1] + "…")


def report(results: list[dict], posts: dict, show: int) -> None:
    """Print the figures of :func:`score_set` for every dataset and all together."""
    table = pd.concat([r["table"] for r in results], ignore_index=True)
    every = pd.concat([r["false_links"] for r in results])
    total = _precision_row("all", "all", sum(r["links"] for r in results), pd.concat([r["judged"] for r in results]))
    table = pd.concat([table, pd.DataFrame([total])], ignore_index=True).rename(columns={"not": "not_"})
    print("== precision over judged links (echo / (echo + not); unsure apart; 95 % Wilson interval) ==")
    print(f"{'dataset':<8}{'kind':<12}{'links':>7}{'judged':>8}{'echo':>6}{'not':>5}{'unsure':>8}"
          f"{'precision':>11}{'95 % interval':>16}{'unsure as not..echo':>22}")
    for r in table.itertuples():
        p = f"{'-':>11}" if np.isnan(r.precision) else f"{r.precision:>11.3f}"
        ci = "" if np.isnan(r.ci_low) else f"{r.ci_low:.3f}-{r.ci_high:.3f}"
        bounds = "" if not r.unsure else f"{r.unsure_as_not:.3f}..{r.unsure_as_echo:.3f}"
        print(f"{r.dataset:<8}{r.kind:<12}{r.links:>7,}{r.judged:>8}{r.echo:>6}{r.not_:>5}"
              f"{r.unsure:>8}{p}{ci:>16}{bounds:>22}")
    for r in results:
        print(f"{r['dataset']}: precision of all {r['links']:,} links estimated by kind (each kind's judged precision "
              f"weighted by its link count; kinds with judged links cover {r['weighted_covers']:,}): "
              f"{r['weighted_precision']:.3f}")
    if len(every):
        print(f"\n== false links (judged not, linked now): {len(every)}, by the pattern opening their reason ==")
        every = pd.concat([r["false_links"].assign(dataset=r["dataset"]) for r in results])
        by = pd.crosstab(every["pattern"], [every["dataset"], every["kind"]], margins=True, margins_name="all")
        print(by.sort_values("all", ascending=False).to_string())
        for r in results:
            for x in r["false_links"].head(show).itertuples():
                print(f"  {r['dataset']} {x.source_id} -> {x.target_id} {x.kind} {x.score:.0f}: {x.reason}")
    n_missed = sum(len(r["missed"]) for r in results)
    n_echo = sum(r["echoes_judged"] for r in results)
    print(f"\n== judged echoes not linked (missed): {n_missed} of {n_echo} ==")
    for r in results:
        m = r["missed"]
        if not len(m):
            continue
        print(f"-- {r['dataset']}: {len(m)} missed; by pattern {m['pattern'].value_counts().to_dict()}")
        text = dict(zip(posts[r["dataset"]]["post_id"], posts[r["dataset"]]["text"]))
        for x in m.itertuples():
            print(f"  {x.source_id} -> {x.target_id} ({x.drawn_as}): {x.reason}\n"
                  f"      A: {_short(text[x.source_id])}\n      B: {_short(text[x.target_id])}")
    est = pd.concat([r["near_misses"] for r in results if "near_misses" in r], ignore_index=True)
    if len(est):
        print("\n== judged near-misses still not linked, by stratum; est. unlinked echoes = candidates x echo share ==")
        print(f"{'dataset':<8}{'stratum':<20}{'candidates':>11}{'judged':>8}{'echo':>6}{'not':>5}{'unsure':>8}"
              f"{'est. echoes':>13}{'95 % range':>16}")
        for r in est.itertuples():
            e = f"{'-':>13}{'':>16}" if np.isnan(r.est_echoes) else \
                f"{r.est_echoes:>13,.0f}{f'{r.est_low:,.0f}-{r.est_high:,.0f}':>16}"
            print(f"{r.dataset:<8}{r.stratum:<20}{r.candidates:>11,}{r.judged:>8}{r.echo:>6}{r._6:>5}{r.unsure:>8}{e}")
        for d, g in est.groupby("dataset", sort=False):
            print(f"{d}: about {np.nansum(g['est_echoes']):,.0f} echoes (stratum ranges summed: "
                  f"{np.nansum(g['est_low']):,.0f}-{np.nansum(g['est_high']):,.0f}) among its "
                  f"{g['candidates'].sum():,} unlinked near-miss candidates; a stratum without a judged pair counts 0")
    print("\n== current links not yet judged ==")
    for r in results:
        u, ut = r["unjudged"], r["unjudged_templates"]
        print(f"{r['dataset']}: {len(u):,} of {r['links']:,} echo links ({u['kind'].value_counts().to_dict()}); "
              f"{len(ut):,} of {r['templates']:,} template links")


def write_unjudged(path: Path, results: list[dict], posts: dict, judged_on: str) -> int:
    """The unjudged links side by side, blind (no kind or score), with the verdict columns to fill."""
    frames = []
    for r in results:
        both = pd.concat([r["unjudged"], r["unjudged_templates"]])  # templates are judged too (their own row)
        u = side_by_side(posts[r["dataset"]], both[["source_id", "target_id"]])
        frames.append(u.assign(dataset=r["dataset"], verdict="", reason="", drawn_as="link", judged_on=judged_on))
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=VERDICT_COLUMNS)
    out = out.reindex(columns=VERDICT_COLUMNS + ["source_outlet", "target_outlet", "lag", "source_text",
                                                 "target_text"])
    with atomic_output(path) as fh:
        write_csv(out, fh)
    return len(out)


def score(verdicts_path: Path, settings: DetectSettings, only: list[str], show: int,
          unjudged: Path | None, loaders: dict = LOADERS) -> list[dict]:
    """Run the detector on each dataset of ``only`` and print :func:`report`; returns the
    :func:`score_set` results. ``loaders`` (name -> function returning posts or None) is for tests."""
    verdicts = read_verdicts(verdicts_path, tuple(loaders))
    results, posts = [], {}
    for d in only:
        p = loaders[d]()
        if p is None:
            continue
        check_ids(verdicts, d, p, verdicts_path)
        posts[d] = p
        links = run_detector(p, settings)
        results.append(score_set(d, links, verdicts) | {"near_misses": near_miss_estimate(d, p, links, verdicts)})
    if not results:
        raise JudgedError("no data: neither UCI nor RUWA was found (set AMPLIFY_SHARED_DATA)")
    changed = {k: v for k, v in settings.to_dict().items() if DetectSettings().to_dict().get(k) != v}
    named = verdicts_path if isinstance(verdicts_path, (str, Path)) else " + ".join(map(str, verdicts_path))
    print(f"verdicts: {named} ({len(verdicts)} pairs, {verdicts['verdict'].value_counts().to_dict()}); "
          f"settings: {changed or 'defaults'}\n")
    report(results, posts, show)
    if unjudged:
        n = write_unjudged(unjudged, results, posts, pd.Timestamp.now().strftime("%Y-%m-%d"))
        print(f"wrote {n:,} unjudged links side by side to {unjudged}")
    return results


def append(judged_file: Path, verdicts_path: Path, datasets: tuple = tuple(LOADERS)) -> int:
    """Append the judged rows of ``judged_file`` (an ``--unjudged`` file with its verdict,
    reason and judged_on filled in) to ``verdicts_path``: the verdict columns only, never
    the texts. Every row must be judged; the result must still be one verdict per pair."""
    new = pd.read_csv(judged_file, dtype=str, keep_default_na=False)
    missing = [c for c in VERDICT_COLUMNS if c not in new.columns]
    if missing:
        raise JudgedError(f"{judged_file}: missing column(s) {', '.join(missing)}")
    empty = (new["verdict"].str.strip() == "") | (new["reason"].str.strip() == "")
    if empty.any():
        rows = (np.flatnonzero(empty) + 2).tolist()
        raise JudgedError(f"{judged_file}: {int(empty.sum())} row(s) without a verdict or reason (rows "
                          f"{rows[:6]}{' ...' if len(rows) > 6 else ''}); judge them or delete them first")
    old = pd.read_csv(verdicts_path, dtype=str, keep_default_na=False) if verdicts_path.is_file() else \
        pd.DataFrame(columns=VERDICT_COLUMNS)
    both = pd.concat([old[VERDICT_COLUMNS], new[VERDICT_COLUMNS]], ignore_index=True)
    # the whole result is checked before anything is written (rows counted as in the combined file)
    check_verdicts(both, f"{verdicts_path} with {judged_file} appended", datasets)
    with atomic_output(verdicts_path) as fh:
        both.to_csv(fh, index=False, lineterminator="\n")
    return len(new)


# --------------------------------------------------------------------------- command line


def parse_settings(pairs: list[str], precise: bool = False) -> DetectSettings:
    """``["shingle=3", "window=3D"]`` -> DetectSettings, each value read as its field's type
    (over :meth:`DetectSettings.precise` with ``precise``)."""
    fields = {f.name: type(f.default) for f in dataclasses.fields(DetectSettings)}
    values = {}
    for item in pairs:
        name, eq, raw = item.partition("=")
        name = name.strip()
        if not eq or name not in fields:
            raise JudgedError(f"--set {item!r}: expected NAME=VALUE with NAME one of {', '.join(fields)}")
        kind = fields[name]
        try:
            if kind is bool:
                if raw.lower() not in ("true", "false", "1", "0", "yes", "no"):
                    raise ValueError(raw)
                values[name] = raw.lower() in ("true", "1", "yes")
            else:
                values[name] = kind(raw)
        except ValueError:
            raise JudgedError(f"--set {item!r}: {raw!r} is not a {kind.__name__}") from None
    try:
        return DetectSettings.precise(**values) if precise else DetectSettings(**values)
    except SettingsError as e:
        raise JudgedError(f"--set {e.setting}: {e.problem}") from None


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    d = sub.add_parser("draw", help="draw the seeded sample of links and near-misses, both texts side by side")
    d.add_argument("--out", type=Path, required=True, help="folder for sample.csv and reading.csv")
    d.add_argument("--seed", type=int, default=10)
    d.add_argument("--links", type=int, default=300)
    d.add_argument("--near-misses", type=int, default=300)
    s = sub.add_parser("score", help="score this tree's detector against the verdicts")
    s.add_argument("--verdicts", type=Path, nargs="+", default=[VERDICTS],
                   help="verdict files, read as one (default: %(default)s)")
    s.add_argument("--only", nargs="+", choices=list(LOADERS), default=list(LOADERS))
    s.add_argument("--show", type=int, default=10, help="list this many false links per dataset")
    s.add_argument("--unjudged", type=Path, help="write the links not yet judged, side by side, to this CSV")
    a = sub.add_parser("append", help="append a judged --unjudged file to the verdicts (verdict columns only)")
    a.add_argument("judged_file", type=Path)
    a.add_argument("--verdicts", type=Path, default=VERDICTS)
    for p in (d, s):
        p.add_argument("--set", dest="settings", action="append", default=[], metavar="NAME=VALUE",
                       help="a DetectSettings field, e.g. --set shingle=3 (repeatable)")
        p.add_argument("--precise", action="store_true",
                       help="start from DetectSettings.precise() (precision first) instead of the defaults")
    args = ap.parse_args(argv)
    try:
        if args.command == "append":
            n = append(args.judged_file, args.verdicts)
            print(f"appended {n} verdicts to {args.verdicts}")
            return 0
        settings = parse_settings(args.settings, args.precise)
        if args.command == "draw":
            draw(args.out, args.seed, args.links, args.near_misses, settings)
        else:
            score(args.verdicts, settings, args.only, args.show, args.unjudged)
    except JudgedError as e:
        print(f"judged.py: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
