"""An analyst's session on a Kazakhstan-crisis-like corpus, from raw posts to answers.

Run it::

    python examples/analyst_session.py                 # ~60,000 posts, a temporary workspace
    python examples/analyst_session.py --posts 200000 --workspace /tmp/kz

It builds its own corpus and workspace -- :func:`amplify.synth.generate` makes
ten weeks of posts (December 2021 to early February 2022) by Russian, Chinese,
Iranian and Western outlets, with a surge of posts about Kazakhstan in the
first week of January; :class:`amplify.workspace.Workspace` stores them and
:func:`amplify.detect.incremental.detect_workspace` finds the echoes -- then
asks what an analyst asks:

1. How often did each camp mention Kazakhstan this week, against Ukraine last month?
2. Do Russian and Chinese outlets amplify each other more than chance?
3. Who carries Chinese content into Russian networks?
4. How did lines travel from the Chinese foreign ministry to a Russian outlet, hop by hop?
5. Where did this sentence first appear, and where did it go?

The walk-through of its output is ``examples/analyst_session.md``. The same
questions from the shell::

    amplify volume   --workspace WS --term Kazakhstan --since 2022-01-01 --until 2022-01-08 \\
                     --term Ukraine --compare-since 2021-12-01 --compare-until 2022-01-01
    amplify synergy  --workspace WS --groups RU CN --freq W
    amplify bridges  --workspace WS --top 5
    amplify paths    --workspace WS --from mfa_china --to mzakharova --max-hops 3
    amplify trace    --workspace WS --text "..."
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pandas as pd  # noqa: E402

from amplify.analyze import load  # noqa: E402
from amplify.analyze.bridging import bridges  # noqa: E402
from amplify.analyze.paths import amplification_paths  # noqa: E402
from amplify.analyze.synergy import camp_synergy  # noqa: E402
from amplify.analyze.trace import trace_text  # noqa: E402
from amplify.analyze.volume import compare_volume, term_volume  # noqa: E402
from amplify.detect.incremental import detect_workspace  # noqa: E402
from amplify.synth import generate  # noqa: E402
from amplify.workspace import Workspace  # noqa: E402

pd.set_option("display.width", 150)
pd.set_option("display.max_columns", 20)
pd.set_option("display.max_colwidth", 70)

# The generator puts its surge week in the middle of the period: 70 days from
# 1 December puts it on 1-7 January, like the Kazakhstan unrest of January 2022.
START, DAYS = "2021-12-01", 70
THIS_WEEK = ("2022-01-01", "2022-01-08")
LAST_MONTH = ("2021-12-01", "2022-01-01")


def section(title: str) -> None:
    print(f"\n## {title}\n", flush=True)


def hours(s: float) -> str:
    return f"{s / 3600:.1f} h" if s < 172800 else f"{s / 86400:.1f} days"


def build(path: Path, n_posts: int, seed: int) -> Workspace:
    t0 = time.perf_counter()
    corpus = generate(n_posts=n_posts, seed=seed, start=START, days=DAYS, surge_term="Kazakhstan")
    ws = Workspace.open(path, create=True)
    with ws.writer():
        print(ws.add_posts(corpus.posts))
        print(ws.set_outlets(corpus.outlets))
        print(detect_workspace(ws))
    print(f"built in {time.perf_counter() - t0:.0f} s")
    return ws


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="An analyst's session on a generated Kazakhstan-crisis-like corpus.")
    ap.add_argument("--posts", type=int, default=60_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workspace", help="folder for the workspace (default: a temporary one)")
    args = ap.parse_args(argv)
    path = Path(args.workspace) if args.workspace else Path(tempfile.mkdtemp()) / "kz"

    section("0. The corpus")
    ws = Workspace.open(path) if (path / "manifest.json").exists() else build(path, args.posts, args.seed)
    links, posts, outlets = load(ws)  # posts without their text: the analyses fetch the few texts they show
    print(f"{len(posts):,} posts by {posts['outlet'].nunique():,} outlets; {len(links):,} links "
          f"({int(links['is_parent'].sum()):,} echoes with a parent)")
    print(outlets["group"].value_counts().rename("outlets").to_frame().T.to_string())

    # ------------------------------------------------------------------ 1. volume
    section("1. Kazakhstan this week, Ukraine last month")
    texts = ws.posts(columns=["post_id", "outlet", "published_at", "text"])
    table, sentence = compare_volume(texts, outlets, term="Kazakhstan", since=THIS_WEEK[0], until=THIS_WEEK[1],
                                     compare_term="Ukraine", compare_since=LAST_MONTH[0],
                                     compare_until=LAST_MONTH[1])
    print(sentence)
    print()
    print(table.drop(columns=["since", "until"]).to_string(index=False))
    vol = term_volume(texts, outlets, "Kazakhstan", by="group", freq="D",
                      since="2021-12-26", until="2022-01-12")
    wide = vol.pivot_table(index="period", columns="key", values="mentions", aggfunc="sum", sort=False)
    wide["surge"] = vol[vol["key"] == "all"].set_index("period")["surge"].map({True: "SURGE", False: ""})
    print("\nMentions of Kazakhstan per day and camp (surge: above mean + 3 sd of the 7 previous quiet days):")
    print(wide.to_string())

    # ------------------------------------------------------------------ 2. synergy
    section("2. Do Russian and Chinese outlets amplify each other more than chance?")
    syn = camp_synergy(links, posts, outlets, groups=["RU", "CN"], permutations=1000, seed=0, freq="W",
                       texts=ws)
    print(syn)
    print()
    print(syn.pairs[["source", "target", "observed", "post_expected", "post_ratio", "post_p", "expected", "p",
                     "families", "families_expected", "p_shift", "significant"]].to_string(index=False))
    r = syn.reciprocity.iloc[0]
    print(f"\nMedian lag {r['a']}->{r['b']} {hours(r['lag_s_median_ab'])}, {r['b']}->{r['a']} "
          f"{hours(r['lag_s_median_ba'])}; of {r['shared_families']:,} texts both camps carried, "
          f"{r['a']} published first {r['a_first']:,} times, {r['b']} {r['b_first']:,} times.")
    print("\nWeekly trend (observed / expected, 95% interval):")
    tr = syn.trend[syn.trend["source"] != syn.trend["target"]]
    print(tr[["period", "source", "target", "observed", "post_expected", "post_ratio", "post_ratio_lo",
              "post_ratio_hi", "post_p"]].to_string(index=False))
    print("\nNarratives both camps carried (most outlets first):")
    print(syn.narratives[["root_id", "root_outlet", "posts", "outlets", "camps", "span_h", "text"]]
          .head(3).to_string(index=False))

    # ------------------------------------------------------------------ 3. bridges
    section("3. Who carries Chinese content into Russian networks?")
    br = bridges(links, posts, outlets, top=5, evidence=2, seed=0, texts=ws)
    print(br.table[["rank", "outlet", "group", "kind", "bridge_score", "main_role", "main_route",
                    "betweenness", "participation", "constraint"]].to_string(index=False))
    print()
    for row in br.table.itertuples(index=False):
        print(f"{row.rank}. {row.outlet}: {row.reason}")
    top = br.table.iloc[0]["outlet"]
    print(f"\nEvidence behind {top}:")
    print(br.evidence[br.evidence["bridge"] == top][["route", "cascades", "source_id", "bridge_id", "target_id",
                                                     "lag_in_s", "lag_out_s", "text"]].to_string(index=False))

    # ------------------------------------------------------------------ 4. paths
    section("4. From the Chinese foreign ministry to a Russian outlet, hop by hop")
    # the Russian outlet the ministry's lines reach by the most multi-hop routes
    ru = outlets.loc[outlets["group"] == "RU", "outlet"]
    best, best_n = None, -1
    for o in ru:
        n_multi = amplification_paths(links, posts, outlets, source="mfa_china", target=o, max_hops=3,
                                      top=None).post_paths["hops"].gt(1).sum()
        if n_multi > best_n:
            best, best_n = o, n_multi
    pr = amplification_paths(links, posts, outlets, source="mfa_china", target=best, max_hops=3, top=5, texts=ws)
    print(f"Target: {best} ({best_n} multi-hop cascades from mfa_china)\n")
    print(pr.paths[["rank", "route", "hops", "cascades", "total_lag_s", "median_total_lag_s"]]
          .to_string(index=False))
    for rank, hops in pr.hops.groupby("rank"):
        print(f"\nRoute #{rank}, its fastest example:")
        for h in hops.itertuples(index=False):
            print(f"  {h.source_outlet} {h.source_id} {h.source_time:%d %b %H:%M} -> {h.target_outlet} "
                  f"{h.target_id} {h.target_time:%d %b %H:%M} (+{hours(h.lag_s)}, {h.kind}, score {h.score:.0f})")
            print(f"      matched: \"{h.target_text[:150]}\"")

    # ------------------------------------------------------------------ 5. trace
    section("5. Where did this line first appear?")
    # a line the top bridge passed on to a Russian outlet (from the evidence in part 3)
    ev = br.evidence[br.evidence["bridge"] == top].iloc[0]
    line = " ".join(str(ev["text"]).split()[:20])
    print(f"Line ({ev['target_outlet']} carried it, via {top}): \"{line}\"")
    tr = trace_text(line, links, posts, outlets, texts=ws)
    print(f"\n{len(tr.matches)} posts carry it; the earliest is {tr.post_id}.")
    print(tr.matches[["post_id", "outlet", "group", "time", "kind", "score"]].head(10).to_string(index=False))
    s = tr.summary
    print(f"\nOrigin: {s['origin']} by {s['origin_outlet']} [{s['origin_group']}] at {s['origin_time']}.")
    camps = ", ".join(f"{k} {v}" for k, v in s["camps"].items())
    print(f"Its cascade: {s['posts']} posts by {s['outlets']} outlets ({camps}), {s['depth']} levels deep, "
          f"last echo {hours(s['duration_s'])} after the origin.")
    casc = tr.cascade.assign(parent_id=tr.cascade["parent_id"].fillna(""), kind=tr.cascade["kind"].fillna(""),
                             after=tr.cascade["lag_from_origin_s"].map(hours))
    print(casc[["depth", "post_id", "parent_id", "outlet", "group", "time", "kind", "after"]]
          .head(15).to_string(index=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
