"""Detection quality: precision, recall and F1 against ground truth.

Two kinds of figures, both computed here, never typed in:

1. **Generated corpora** (``amplify.synth``, several seeds), a regression
   check: every planted echo is known with its kind and parent.

   * *recall* of a kind: planted echoes of that kind whose target gets a link
     from its planted parent or from an earlier member of its family (a
     target with two planted parents counts once per parent); kinds with lags
     beyond the default 7-day window are also split by lag;
   * *exact-parent rate*: planted echoes whose detected parent is a planted
     parent (the parent of a copy of a copy is ambiguous when both are
     verbatim, so this is reported, not targeted);
   * *precision*: detected links whose two posts belong to one planted family
     (a link between two echoes of one statement is a true echo);
   * hard negatives wrongly linked, per kind.

   ``--profile realistic`` adds the patterns of real text that detection gets
   wrong (multi-passage reuse, headline rewordings, quote-backs after weeks;
   templates, same-event reports, topic-word pairs, shared names as
   negatives: see ``amplify.synth.real_patterns``); ``--profile heldout``
   plants the same kinds from held-out frames and another random stream, to
   judge detection work tuned on ``realistic`` (never tune on it).

2. **Development sets** in ``../shared/data`` (skipped when absent): each
   labelled pair is an earlier and a later post of two outlets, pairs far
   apart in time so that they cannot link to each other. A pair is predicted
   an echo when detection links it at default settings; the average precision
   of ``score`` ranks all pairs (unlinked pairs score 0).

Run::

    python benchmarks/quality.py                 # 20k posts x 3 seeds + dev sets
    python benchmarks/quality.py --posts 5000 --seeds 0 --no-dev
    python benchmarks/quality.py --posts 20000 --seeds 0 --no-dev --profile realistic
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from amplify.detect import DetectSettings, detect
from amplify.synth import PROFILES, generate

SHARED = Path(os.environ.get("AMPLIFY_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))


def _families(truth: pd.DataFrame) -> dict:
    """Post id -> the roots of the planted families it belongs to (a root is its own family).

    A target with several planted parents (a quote-back of two statements)
    belongs to each of their families.
    """
    fams: dict = {}
    for tgt, root in zip(truth["target_id"], truth["root_id"]):
        fams.setdefault(tgt, set()).add(root)
        fams.setdefault(root, set()).add(root)
    return fams


def score_links(truth: pd.DataFrame, negatives: pd.DataFrame | None, links: pd.DataFrame) -> dict:
    """Recall, exact-parent rate and precision of detected ``links`` against planted ``truth``.

    * a planted row (source, target, root) is *found* when a correct link
      reaches its target from its root's family;
    * a detected link is *correct* when its two posts share a planted family;
    * its *exact parent* when the target's detected parent is one of the target's planted parents;
    * a hard negative is *linked* when a link joins its two posts, either way.

    Links of kind ``template`` (same frame, other facts) are not echoes: they
    are left out of every measure, and counted per negative kind apart.
    """
    templates = links[links["kind"] == "template"]
    links = links[links["kind"] != "template"]
    fams = _families(truth)
    empty: frozenset = frozenset()
    shared = [fams.get(s, empty) & fams.get(t, empty) for s, t in zip(links["source_id"], links["target_id"])]
    correct = np.array([bool(x) for x in shared], dtype=bool)
    found = {(t, r) for t, rs, ok in zip(links["target_id"], shared, correct) if ok for r in rs}
    hit = np.array([(t, r) in found for t, r in zip(truth["target_id"], truth["root_id"])], dtype=bool)
    # a target quoting passages of several sources has several parents (one per passage): its
    # parent is exact when it has one parent and that is the planted one
    par = links[links["is_parent"]]
    parents = pd.Series([set(v) for v in par.groupby("target_id")["source_id"].agg(list)],
                        index=par.groupby("target_id")["source_id"].agg(list).index, dtype=object)
    planted_parents = truth.groupby("target_id")["source_id"].agg(set)
    detected = parents.reindex(truth["target_id"]).to_numpy(dtype=object)
    exact = np.array([isinstance(d, set) and len(d) == 1 and next(iter(d)) in planted_parents[t]
                      for d, t in zip(detected, truth["target_id"])], dtype=bool)
    out = {"links": len(links), "precision": float(correct.mean()) if len(links) else float("nan"),
           "recall": float(hit.mean()) if len(truth) else float("nan"),
           "exact_parent": float(exact.mean()) if len(truth) else float("nan"), "by_kind": {}, "by_lag": {},
           "precision_by_kind": {k: float(c.mean()) for k, c in pd.Series(correct).groupby(links["kind"].to_numpy())}}
    for kind, idx in truth.groupby("kind").indices.items():
        out["by_kind"][kind] = {"planted": len(idx), "recall": float(hit[idx].mean()),
                                "exact_parent": float(exact[idx].mean())}
    # Lags beyond the default 7-day window, per kind that has any.
    beyond = truth["lag_s"].to_numpy() > 7 * 86400
    for kind, idx in truth.groupby("kind").indices.items():
        if beyond[idx].any():
            for name, m in (("<= 7 days", ~beyond[idx]), ("> 7 days", beyond[idx])):
                if m.any():
                    out["by_lag"][f"{kind} {name}"] = {"planted": int(m.sum()), "recall": float(hit[idx][m].mean()),
                                                       "exact_parent": float(exact[idx][m].mean())}
    if negatives is not None and len(negatives):
        pairs = set(zip(links["source_id"], links["target_id"]))
        linked = np.array([(x, y) in pairs or (y, x) in pairs for x, y in zip(negatives["a_id"], negatives["b_id"])],
                          dtype=bool)
        tpairs = set(zip(templates["source_id"], templates["target_id"]))
        templated = np.array([(x, y) in tpairs or (y, x) in tpairs
                              for x, y in zip(negatives["a_id"], negatives["b_id"])], dtype=bool)
        out["negatives"] = {"pairs": len(negatives), "linked": int(linked.sum()),
                            "by_kind": {k: {"pairs": len(i), "linked": int(linked[i].sum()),
                                            "template": int(templated[i].sum())}
                                        for k, i in negatives.groupby("kind").indices.items()}}
    return out


def evaluate_synth(n_posts: int, seed: int, profile: str = "default", settings=None) -> dict:
    corpus = generate(n_posts=n_posts, seed=seed, profile=profile)
    t0 = time.perf_counter()
    links = detect(corpus.posts, corpus.outlets, settings=settings)
    secs = time.perf_counter() - t0
    out = score_links(corpus.truth_links, getattr(corpus, "negatives", None), links)
    out.update({"seed": seed, "posts": len(corpus.posts), "seconds": secs})
    return out


def average_precision(y_true: np.ndarray, score: np.ndarray) -> float:
    """Area under the precision-recall curve, step-wise (as scikit-learn computes it)."""
    order = np.argsort(-score, kind="stable")
    y = y_true[order].astype(float)
    s = score[order]
    # group tied scores: precision/recall are evaluated after each distinct score
    last = np.r_[np.flatnonzero(np.diff(s) != 0), len(s) - 1]
    tp = np.cumsum(y)[last]
    fp = (last + 1) - tp
    prec = tp / (tp + fp)
    rec = tp / max(y.sum(), 1)
    return float(np.sum(np.diff(np.r_[0.0, rec]) * prec))


def pair_links(a: list[str], b: list[str], settings=None) -> pd.DataFrame:
    """Detect over pairs laid 8 days apart (beyond the 7-day window), in chunks
    that fit pandas' nanosecond time range."""
    out = []
    t0 = pd.Timestamp("1980-01-01", tz="UTC")
    gap = pd.Timedelta("8D")
    chunk = 8000
    for c in range(0, len(a), chunk):
        idx = np.arange(c, min(c + chunk, len(a)))
        ta = [t0 + k * gap for k in range(len(idx))]
        posts = pd.DataFrame({
            "post_id": [f"a{i}" for i in idx] + [f"b{i}" for i in idx],
            "outlet": ["outlet_a"] * len(idx) + ["outlet_b"] * len(idx),
            "published_at": ta + [t + pd.Timedelta("1h") for t in ta],
            "text": [a[i] for i in idx] + [b[i] for i in idx],
        })
        out.append(detect(posts, settings=settings))
    return pd.concat(out, ignore_index=True)


def evaluate_pairs(name: str, a: list[str], b: list[str], labels: np.ndarray, settings=None) -> dict:
    n = len(a)
    t = time.perf_counter()
    links = pair_links(a, b, settings)
    secs = time.perf_counter() - t
    links = links[(links["source_id"].str[1:] == links["target_id"].str[1:]) & (links["kind"] != "template")]
    score = np.zeros(n)
    kind = np.full(n, "", dtype=object)
    idx = links["target_id"].str[1:].astype(int).to_numpy()
    score[idx] = links["score"].to_numpy()
    kind[idx] = links["kind"].to_numpy()
    pred = score > 0
    y = labels.astype(bool)
    tp = int((pred & y).sum())
    prec = tp / max(pred.sum(), 1)
    rec = tp / max(y.sum(), 1)
    return {"set": name, "pairs": n, "positives": int(y.sum()), "predicted": int(pred.sum()),
            "precision": prec, "recall": rec, "f1": 2 * prec * rec / max(prec + rec, 1e-12),
            "average_precision": average_precision(y, score), "seconds": secs,
            "kinds": pd.Series(kind[pred]).value_counts().to_dict()}


def labelled_pairs():
    """The labelled development sets present in ``../shared/data``: (name, texts a, texts b, labels) each."""
    mrpc = SHARED / "mrpc-train" / "msr_paraphrase_train.txt"
    if mrpc.is_file():
        df = pd.read_csv(mrpc, sep="\t", quoting=csv.QUOTE_NONE, encoding="utf-8-sig", dtype=str)
        df.columns = ["Quality", "id1", "id2", "s1", "s2"]
        df = df.dropna(subset=["s1", "s2"])
        yield "MRPC train", df["s1"].tolist(), df["s2"].tolist(), df["Quality"].astype(int).to_numpy()
    else:
        print(f"(MRPC not found at {mrpc}: skipped)", file=sys.stderr)
    tw = SHARED / "twitter-url-train"
    if (tw / "sim.txt").is_file():
        a = (tw / "a.toks").read_text("utf-8").splitlines()
        b = (tw / "b.toks").read_text("utf-8").splitlines()
        y = np.array([int(x) for x in (tw / "sim.txt").read_text().split()])
        yield "Twitter-URL train", a, b, y
    else:
        print(f"(Twitter-URL corpus not found at {tw}: skipped)", file=sys.stderr)


def dev_sets(settings=None) -> list[dict]:
    return [evaluate_pairs(*pairs, settings=settings) for pairs in labelled_pairs()]


def _weighted(rows, key, kind, field):
    """A measure of ``rows[key][kind]`` averaged over the seeds, weighted by the planted count."""
    parts = [(r[key][kind][field], r[key][kind]["planted"]) for r in rows if kind in r[key]]
    planted = sum(n for _, n in parts)
    return planted, (sum(v * n for v, n in parts) / planted if planted else float("nan"))


def print_synth(rows: list, posts: int, seeds: list, profile: str) -> None:
    """The generated-corpus figures: recall per planted kind, negatives linked per kind, precision."""
    label = "" if profile == "default" else f", profile {profile}"
    print(f"== generated corpora (regression check): {posts:,} posts{label}, seeds {seeds} ==")
    kinds = sorted({k for r in rows for k in r["by_kind"]})
    print(f"{'kind':<20}{'planted':>9}{'recall':>9}{'exact parent':>14}")
    for k in kinds:
        planted, rec = _weighted(rows, "by_kind", k, "recall")
        _, ex = _weighted(rows, "by_kind", k, "exact_parent")
        print(f"{k:<20}{planted:>9,}{rec:>9.4f}{ex:>14.4f}")
    for k in sorted({k for r in rows for k in r["by_lag"]}):
        planted, rec = _weighted(rows, "by_lag", k, "recall")
        _, ex = _weighted(rows, "by_lag", k, "exact_parent")
        print(f"  {k:<18}{planted:>9,}{rec:>9.4f}{ex:>14.4f}")
    n_links = sum(r["links"] for r in rows)
    prec = sum(r["precision"] * r["links"] for r in rows) / max(n_links, 1)
    rec = np.mean([r["recall"] for r in rows])
    print(f"{'all echoes':<20}{'':>9}{rec:>9.4f}{np.mean([r['exact_parent'] for r in rows]):>14.4f}")
    print(f"precision over {n_links:,} detected links: {prec:.4f}   F1: {2 * prec * rec / (prec + rec):.4f}")
    pk: dict = {}
    for r in rows:
        for k, v in r["precision_by_kind"].items():
            pk.setdefault(k, []).append(v)
    print("precision by detected kind: " + ", ".join(f"{k} {np.mean(v):.4f}" for k, v in sorted(pk.items())))
    if any("negatives" in r for r in rows):
        tot = sum(r["negatives"]["pairs"] for r in rows if "negatives" in r)
        bad = sum(r["negatives"]["linked"] for r in rows if "negatives" in r)
        print(f"hard negatives linked as echoes: {bad} of {tot} (a template link is not an echo: counted apart)")
        print(f"{'negative kind':<20}{'pairs':>9}{'linked':>9}{'share':>9}{'template':>10}")
        for k in sorted({k for r in rows if "negatives" in r for k in r["negatives"]["by_kind"]}):
            pairs = sum(r["negatives"]["by_kind"].get(k, {}).get("pairs", 0) for r in rows if "negatives" in r)
            linked = sum(r["negatives"]["by_kind"].get(k, {}).get("linked", 0) for r in rows if "negatives" in r)
            tmpl = sum(r["negatives"]["by_kind"].get(k, {}).get("template", 0) for r in rows if "negatives" in r)
            print(f"{k:<20}{pairs:>9,}{linked:>9,}{linked / max(pairs, 1):>9.4f}{tmpl:>10,}")
    print("detect seconds per corpus: " + ", ".join(f"{r['seconds']:.1f}" for r in rows))


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--posts", type=int, default=20000)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--profile", choices=sorted(PROFILES), default="default",
                    help="generated corpus: the default world, or with the patterns of real text planted "
                         "(realistic; heldout is for judging detection work, never for tuning it)")
    ap.add_argument("--no-dev", action="store_true", help="skip the development sets")
    ap.add_argument("--precise", action="store_true", help="detect with DetectSettings.precise() (precision first)")
    args = ap.parse_args(argv)
    settings = DetectSettings.precise() if args.precise else None

    rows = [evaluate_synth(args.posts, s, args.profile, settings) for s in args.seeds]
    print_synth(rows, args.posts, args.seeds, args.profile)
    if not args.no_dev:
        print(f"\n== development sets ({'precise' if args.precise else 'default'} settings; a pair is predicted "
              "when linked) ==")
        print(f"{'set':<20}{'pairs':>8}{'pos':>7}{'pred':>7}{'P':>8}{'R':>8}{'F1':>8}{'AP(score)':>11}")
        for r in dev_sets(settings):
            print(f"{r['set']:<20}{r['pairs']:>8,}{r['positives']:>7,}{r['predicted']:>7,}{r['precision']:>8.3f}"
                  f"{r['recall']:>8.3f}{r['f1']:>8.3f}{r['average_precision']:>11.3f}   kinds: {r['kinds']}")


if __name__ == "__main__":
    main()
