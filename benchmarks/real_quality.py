"""Detection quality on real text: the loop detection is tuned on (issue #10).

Every figure is computed here from the data in ``../shared/data`` (skipped with a
message when a set is absent); none is typed in. Generated-corpus figures
(``benchmarks/quality.py``) are a regression check; these are the real ones.

1. **Labelled pairs** (MRPC train, Twitter-URL train). Each pair is laid out as
   an earlier and a later post of two outlets, far apart from the other pairs,
   and detection runs at default settings: a pair is predicted an echo when it
   is linked. Beside it, the **all-pairs rapidfuzz baseline**: every scorer of
   ``rapidfuzz.fuzz`` scores every labelled pair, its threshold tuned on the
   labels themselves (the best it could ever do), with its F1 and average
   precision. Detection should reach the best baseline's F1 and AP.
2. **UCI News Aggregator subset**: headlines of ~1,900 publishers grouped into
   88 stories by the aggregator. Two headlines of different stories are not
   echoes of each other, so the share of links that join different ``STORY``
   values is a lower bound on the false-link rate (target: at most 1 %).
3. **RUWA**: headlines of nine outlets; Censor.net republishes Ukrinform's
   headlines inside its own. Republication is found from the data itself: a
   headline of at least five words whose normalised words appear, in order and
   contiguous, inside another outlet's headline within a week. Every such pair
   should be linked (target: recall 1.0).

The aggregator's stories are not exact (one event is often split into several
stories, and a headline is sometimes filed under another story), so the links
across stories were also read side by side: ``benchmarks/judged/cross_story.csv``
says of each whether its two headlines report one event or different events.
The share of links joining *different events* by that reading is printed
beside the label-based share, with links no one has read counted as different.

With ``--sample FILE``, the links of UCI and RUWA and the near-misses (verified
candidate pairs that were not linked are not exposed, so near-misses are the
pairs of one RUWA/UCI story that share a rare word and were not linked) are
written side by side for a person to judge.

Run::

    python benchmarks/real_quality.py
    python benchmarks/real_quality.py --only uci ruwa --show 10
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from amplify.detect import DetectSettings, detect

sys.path.insert(0, str(Path(__file__).resolve().parent))
from quality import average_precision, labelled_pairs  # noqa: E402
from quality import evaluate_pairs as detector_on_pairs  # noqa: E402  (the same measures as the generated figures)

CROSS_STORY = Path(__file__).resolve().parent / "judged" / "cross_story.csv"
SHARED = Path(os.environ.get("AMPLIFY_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))

# rapidfuzz scorers of the baseline; each is run over every labelled pair.
BASELINE_SCORERS = ("ratio", "partial_ratio", "token_sort_ratio", "token_set_ratio",
                    "partial_token_set_ratio", "token_ratio", "WRatio", "QRatio")


# --------------------------------------------------------------------------- measures


def best_f1(y_true: np.ndarray, score: np.ndarray) -> tuple[float, float, float, float]:
    """The F1 of the best threshold on ``score`` (predict ``score >= t``): (f1, t, precision, recall)."""
    order = np.argsort(-score, kind="stable")
    s = score[order]
    last = np.r_[np.flatnonzero(np.diff(s) != 0), len(s) - 1]  # after each distinct score
    tp = np.cumsum(y_true[order].astype(float))[last]
    prec = tp / (last + 1)
    rec = tp / max(y_true.sum(), 1)
    f1 = np.where(prec + rec > 0, 2 * prec * rec / np.maximum(prec + rec, 1e-12), 0.0)
    i = int(np.argmax(f1))
    return float(f1[i]), float(s[last[i]]), float(prec[i]), float(rec[i])


# --------------------------------------------------------------------------- labelled pairs


def evaluate_pairs(name: str, a: list[str], b: list[str], labels: np.ndarray, settings=None) -> dict:
    """Detection on the pairs (as :func:`quality.evaluate_pairs` measures it), and the baseline beside it."""
    from rapidfuzz import fuzz, process, utils

    y = labels.astype(bool)
    out = detector_on_pairs(name, a, b, labels, settings)
    out["baseline"] = []
    for name_s in BASELINE_SCORERS:
        s = np.asarray(process.cpdist(a, b, scorer=getattr(fuzz, name_s), processor=utils.default_process,
                                      workers=-1), dtype=float)
        bf1, thr, bp, br = best_f1(y, s)
        out["baseline"].append({"scorer": name_s, "f1": bf1, "threshold": thr, "precision": bp, "recall": br,
                                "average_precision": average_precision(y, s)})
    return out


def labelled_sets(settings=None) -> list[dict]:
    return [evaluate_pairs(*pairs, settings=settings) for pairs in labelled_pairs()]


# --------------------------------------------------------------------------- corpora


def uci_posts() -> pd.DataFrame | None:
    f = SHARED / "uci-news-subset" / "uci-news-aggregator.csv"
    if not f.is_file():
        print(f"(UCI subset not found at {f}: skipped)", file=sys.stderr)
        return None
    df = pd.read_csv(f, dtype=str, on_bad_lines="skip").dropna(subset=["TITLE", "PUBLISHER", "TIMESTAMP", "STORY"])
    df = df[df["TIMESTAMP"].str.fullmatch(r"\d+")]
    return pd.DataFrame({
        "post_id": "uci" + df["ID"].to_numpy(dtype=object),
        "outlet": df["PUBLISHER"].to_numpy(dtype=object),
        "published_at": pd.to_datetime(df["TIMESTAMP"].astype("int64"), unit="ms", utc=True).to_numpy(),
        "text": df["TITLE"].to_numpy(dtype=object),
        "story": df["STORY"].to_numpy(dtype=object),
    }).reset_index(drop=True)


def ruwa_posts() -> pd.DataFrame | None:
    f = SHARED / "ruwa" / "RUWA_01.08.23.csv.zip"
    if not f.is_file():
        print(f"(RUWA not found at {f}: skipped)", file=sys.stderr)
        return None
    with zipfile.ZipFile(f) as z:
        name = next(n for n in z.namelist() if n.endswith(".csv") and not n.startswith("__MACOSX"))
        df = pd.read_csv(z.open(name), dtype=str)
    # As `amplify ingest --map 'text=title|desc'` reads it: the title, or the sub-heading when there is none.
    text = df["title"].where(df["title"].notna() & df["title"].str.strip().astype(bool), df["desc"])
    df = df.assign(text=text).dropna(subset=["text", "Date", "Site"])
    df = df[df["text"].str.strip().astype(bool)]
    return pd.DataFrame({
        "post_id": "ruwa" + df.index.astype(str).to_numpy(dtype=object),
        "outlet": df["Site"].to_numpy(dtype=object),
        "published_at": pd.to_datetime(df["Date"], format="%m/%d/%Y", utc=True).to_numpy(),
        "text": df["text"].to_numpy(dtype=object),
        "story": df["Event"].to_numpy(dtype=object),
    }).reset_index(drop=True)


_WORD = re.compile(r"\w+")


def republications(posts: pd.DataFrame, min_words: int = 5, days: int = 7) -> pd.DataFrame:
    """Pairs (a, b) of two outlets where a's whole text, as a run of normalised
    words, stands inside b's within ``days``: the reprints a detector must link.

    Candidates come from the rarest word of a (a posting list), so this never
    compares all pairs.
    """
    words = [_WORD.findall(t.lower()) for t in posts["text"]]
    norm = [" " + " ".join(w) + " " for w in words]
    df = pd.Series([w for ws in words for w in set(ws)]).value_counts()
    post_of: dict[str, list[int]] = {}
    for i, ws in enumerate(words):
        for w in set(ws):
            post_of.setdefault(w, []).append(i)
    day = pd.DatetimeIndex(posts["published_at"]).tz_convert(None).to_numpy().astype("datetime64[D]").astype(np.int64)
    outlet = posts["outlet"].to_numpy(dtype=object)
    rows = []
    for i, ws in enumerate(words):
        if len(ws) < min_words:
            continue
        rare = min(set(ws), key=lambda w: df[w])
        for j in post_of[rare]:
            if j == i or outlet[j] == outlet[i] or abs(day[j] - day[i]) > days:
                continue
            if norm[i] in norm[j] and (norm[i] != norm[j] or i < j):
                rows.append((i, j))
    out = pd.DataFrame(rows, columns=["a", "b"])
    out["a_id"] = posts["post_id"].to_numpy()[out["a"]]
    out["b_id"] = posts["post_id"].to_numpy()[out["b"]]
    return out


def cross_story_readings(dataset: str, path: Path = CROSS_STORY) -> dict:
    """``{"a|b": reading}`` of the cross-story links read side by side (``same_event`` or
    ``different_event``), keyed by the two post ids in sorted order; empty when the file is absent."""
    if not path.is_file():
        return {}
    r = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in ("dataset", "source_id", "target_id", "reading") if c not in r.columns]
    if missing:
        raise SystemExit(f"{path}: missing column(s) {', '.join(missing)}")
    bad = ~r["reading"].isin(("same_event", "different_event"))
    if bad.any():
        raise SystemExit(f"{path}: row {int(bad.idxmax()) + 2}, column 'reading': {r['reading'][bad].iloc[0]!r} "
                         "is not same_event or different_event")
    r = r[r["dataset"] == dataset]
    key = np.where(r["source_id"] < r["target_id"], r["source_id"] + "|" + r["target_id"],
                   r["target_id"] + "|" + r["source_id"])
    return dict(zip(key, r["reading"]))


def evaluate_corpus(name: str, posts: pd.DataFrame, show: int, settings=None) -> dict:
    t = time.perf_counter()
    links = detect(posts[["post_id", "outlet", "published_at", "text"]], settings=settings, progress=False)
    secs = time.perf_counter() - t
    story = dict(zip(posts["post_id"], posts["story"]))
    text = dict(zip(posts["post_id"], posts["text"]))
    # A tie is listed both ways; count each pair of posts once.
    key = np.where(links["source_id"] < links["target_id"], links["source_id"] + "|" + links["target_id"],
                   links["target_id"] + "|" + links["source_id"])
    pairs = links.assign(key=key).drop_duplicates("key")
    # a template link (same frame, other facts) is not an echo: counted apart
    templates = int((pairs["kind"] == "template").sum())
    pairs = pairs[pairs["kind"] != "template"]
    cross = pairs["source_id"].map(story) != pairs["target_id"].map(story)
    # the aggregator's stories are not exact: the same headline is sometimes filed
    # under two stories; such links show the labels' noise, not the detector's
    norm = {k: " ".join(re.findall(r"\w+", v.lower())) for k, v in text.items()}
    same_text = pairs["source_id"].map(norm) == pairs["target_id"].map(norm)
    readings = pairs.loc[cross, "key"].map(cross_story_readings(name.lower()))
    rep = republications(posts)
    linked = set(zip(links["source_id"], links["target_id"]))
    rep["linked"] = [(a, b) in linked or (b, a) in linked for a, b in zip(rep["a_id"], rep["b_id"])]
    res = {"set": name, "posts": len(posts), "seconds": secs, "links": len(links), "pairs": len(pairs),
           "kinds": pairs["kind"].value_counts().to_dict(),
           "cross_story": int(cross.sum()), "cross_story_share": float(cross.mean()) if len(pairs) else 0.0,
           "cross_by_kind": pairs.loc[cross, "kind"].value_counts().to_dict(),
           "cross_same_text": int((cross & same_text).sum()), "templates": templates,
           "cross_read_same": int((readings == "same_event").sum()),
           "cross_read_different": int((readings == "different_event").sum()),
           "cross_unread": int(readings.isna().sum()),
           "republications": len(rep), "republications_linked": int(rep["linked"].sum())}
    if show:
        print(f"\n-- {name}: links across stories (first {show}) --")
        for r in pairs[cross].head(show).itertuples():
            print(f"  {r.kind} {r.score:.0f}\n    A: {text[r.source_id][:160]!r}\n    B: {text[r.target_id][:160]!r}")
        print(f"-- {name}: republications not linked (first {show}) --")
        for r in rep[~rep["linked"]].head(show).itertuples():
            print(f"    A: {text[r.a_id][:160]!r}\n    B: {text[r.b_id][:160]!r}")
    res["links_table"] = pairs.assign(source_text=pairs["source_id"].map(text),
                                      target_text=pairs["target_id"].map(text),
                                      cross_story=cross.to_numpy())
    return res


# --------------------------------------------------------------------------- main


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", nargs="+", choices=["pairs", "uci", "ruwa"], default=["pairs", "uci", "ruwa"])
    ap.add_argument("--show", type=int, default=0, help="print this many wrong links and misses per corpus")
    ap.add_argument("--sample", type=Path, help="write every UCI and RUWA link, both texts side by side, to this CSV")
    ap.add_argument("--precise", action="store_true", help="detect with DetectSettings.precise() (precision first)")
    args = ap.parse_args(argv)
    settings = DetectSettings.precise() if args.precise else None
    which = "precise" if args.precise else "default"

    if "pairs" in args.only:
        print(f"== labelled pairs: detection at {which} settings vs the best all-pairs rapidfuzz scorer ==")
        print(f"{'set':<20}{'pairs':>8}{'pos':>7}{'pred':>7}{'P':>7}{'R':>7}{'F1':>7}{'AP':>7}")
        for r in labelled_sets(settings):
            print(f"{r['set']:<20}{r['pairs']:>8,}{r['positives']:>7,}{r['predicted']:>7,}{r['precision']:>7.3f}"
                  f"{r['recall']:>7.3f}{r['f1']:>7.3f}{r['average_precision']:>7.3f}  amplify ({r['kinds']})")
            bf = max(r["baseline"], key=lambda b: b["f1"])
            ba = max(r["baseline"], key=lambda b: b["average_precision"])
            print(f"{'':<42}{bf['precision']:>7.3f}{bf['recall']:>7.3f}{bf['f1']:>7.3f}{bf['average_precision']:>7.3f}"
                  f"  best-F1 baseline: {bf['scorer']} >= {bf['threshold']:.1f} (tuned on the labels)")
            print(f"{'':<63}{ba['average_precision']:>7.3f}  best-AP baseline: {ba['scorer']}")
    tables = []
    for name, loader in (("uci", uci_posts), ("ruwa", ruwa_posts)):
        if name not in args.only:
            continue
        posts = loader()
        if posts is None:
            continue
        r = evaluate_corpus(name.upper(), posts, args.show, settings)
        print(f"\n== {r['set']}: {r['posts']:,} posts, {r['pairs']:,} echo pairs ({r['kinds']}) "
              f"and {r['templates']:,} template pairs, in {r['seconds']:.1f} s ==")
        print(f"echoes joining different stories: {r['cross_story']:,} = {r['cross_story_share']:.1%} "
              f"(target <= 1 %; by kind {r['cross_by_kind']}); of them {r['cross_same_text']:,} join the "
              f"same words (the labels split one story)")
        different = r["cross_read_different"] + r["cross_unread"]
        print(f"  read side by side ({CROSS_STORY.name}): {r['cross_read_same']:,} report one event (the labels "
              f"split or misfiled it), {r['cross_read_different']:,} different events, {r['cross_unread']:,} not "
              f"read; echoes joining different events: {different:,} = {different / max(r['pairs'], 1):.2%} "
              f"(unread counted as different)")
        print(f"republished headlines linked: {r['republications_linked']} of {r['republications']} "
              f"(recall {r['republications_linked'] / max(r['republications'], 1):.3f}; target 1.0)")
        tables.append(r["links_table"].assign(corpus=r["set"]))
    if args.sample and tables:
        cols = ["corpus", "source_id", "target_id", "kind", "score", "cross_story", "source_text", "target_text"]
        pd.concat(tables)[cols].to_csv(args.sample, index=False)
        print(f"\nwrote {sum(map(len, tables)):,} links side by side to {args.sample}")


if __name__ == "__main__":
    main()
