"""Recall and precision of coordinated pairs on generated data (regression figures, not real-data quality).

For each seed, :func:`amplify.synth.generate` plants coordinated groups
(accounts posting one item within seconds, again and again) among busy,
uncoordinated accounts that post the same viral items within hours of each
other (:mod:`amplify.synth.coordination`); detection links the texts, and
:func:`amplify.analyze.coordination.coordination` is asked who coordinates.
Printed per seed and null (and for the count alone, ``min_repeats`` with no
test, the baseline a null must beat):

* recall and precision of the planted pairs (targets: 0.95 each);
* busy accounts flagged (target: none), and busy pairs tested (how many
  met within the interval ``min_repeats`` times by chance: the test is not
  empty when this is above zero).

Usage::

    python benchmarks/coordination.py                      # seeds 0-4, 20,000 posts, 8 groups
    python benchmarks/coordination.py --posts 100000 --groups 20 --seeds 3
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def score(pairs, truth) -> dict:
    planted = set(map(tuple, truth["pairs"]))
    found = set(zip(pairs["account_a"], pairs["account_b"]))
    tp = len(found & planted)
    busy = set(truth["busy"])
    flagged_busy = busy & (set(pairs["account_a"]) | set(pairs["account_b"]))
    return {"planted": len(planted), "found": len(found), "recall": tp / max(len(planted), 1),
            "precision": tp / max(len(found), 1), "busy_flagged": len(flagged_busy)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--posts", type=int, default=20_000)
    ap.add_argument("--groups", type=int, default=8)
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--within", default="60s")
    ap.add_argument("--min-repeats", type=int, default=3)
    args = ap.parse_args(argv)

    from amplify.analyze.coordination import coordination
    from amplify.analyze.frame import Frame
    from amplify.detect import detect
    from amplify.synth import generate

    print("GENERATED DATA (amplify.synth, planted coordination): regression figures, not real-data quality")
    print(f"{args.posts:,} posts per corpus, {args.groups} planted groups, within {args.within}, "
          f"min_repeats {args.min_repeats}")
    print(f"{'seed':>4} {'method':<22} {'planted':>7} {'found':>6} {'recall':>7} {'precision':>9} "
          f"{'busy flagged':>12} {'busy pairs tested':>17} {'time s':>7}")
    totals: dict = {}
    for seed in range(args.seeds):
        c = generate(n_posts=args.posts, seed=seed, coordinated_groups=args.groups)
        truth = c.truth["coordination"]
        links = detect(c.posts, c.outlets)
        f = Frame.build(links, c.posts, c.outlets)
        for label, kw in (("jitter null (default)", {"null": "jitter"}), ("shift null", {"null": "shift"}),
                          ("count only (no test)", {"null": "jitter"})):
            t0 = time.perf_counter()
            rep = coordination(links, c.posts, c.outlets, within=args.within, min_repeats=args.min_repeats,
                               frame=f, **kw)
            dt = time.perf_counter() - t0
            pairs = rep.pairs if label.startswith("count") else rep.pairs[rep.pairs["coordinated"]]
            s = score(pairs, truth)
            busy_tested = int((rep.pairs["account_a"].str.startswith("busy_")
                               & rep.pairs["account_b"].str.startswith("busy_")).sum())
            for k in ("recall", "precision", "busy_flagged"):
                totals.setdefault(label, {}).setdefault(k, []).append(s[k])
            print(f"{seed:>4} {label:<22} {s['planted']:>7} {s['found']:>6} {s['recall']:>7.3f} "
                  f"{s['precision']:>9.3f} {s['busy_flagged']:>12} {busy_tested:>17} {dt:>7.2f}", flush=True)
    print("\nmean over seeds (min in brackets)")
    for label, t in totals.items():
        print(f"  {label:<22} recall {sum(t['recall']) / len(t['recall']):.3f} ({min(t['recall']):.3f})  "
              f"precision {sum(t['precision']) / len(t['precision']):.3f} ({min(t['precision']):.3f})  "
              f"busy accounts flagged {sum(t['busy_flagged'])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
