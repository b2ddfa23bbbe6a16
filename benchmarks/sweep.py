"""Threshold sweep: how each detection setting moves precision and recall on real text (issue #10).

One setting at a time is moved around its default (the others stay at their
defaults), and for each value this prints, all computed here:

* **judged precision and recall** on the hand-checked RUWA/UCI sample
  (``benchmarks/judged/verdicts.csv``, see ``benchmarks/judged.py``): echo /
  (echo + not) over the judged echo links, and the share of judged echoes that
  are linked; with how many links are not judged yet (a value that links many
  unjudged pairs is measured on fewer of its links);
* **republications** of RUWA linked (one outlet's whole headline inside
  another's within a week, found from the data; ``real_quality.py``);
* with ``--generated``, precision and recall on the ``realistic`` generated
  corpus (a regression check, never the measure of quality), and on the
  ``heldout`` profile, which is never used for choosing a default.

The defaults are marked ``*``. A default is chosen on the judged figures
first; the generated ones only guard against regressions.

The bare-fact and restated-text rules were constants of
:mod:`amplify.detect.classify` until they became settings
(``bare_fact_posts``, ``restated``); they are swept as any other setting.
``--precise`` moves each setting around :meth:`DetectSettings.precise`
instead of the defaults (its values marked ``*``).

Run::

    python benchmarks/sweep.py
    python benchmarks/sweep.py --only paraphrase_min_dice short_words --generated
    python benchmarks/sweep.py --precise --only bare_fact_posts restated
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

from amplify.detect import DetectSettings, detect

sys.path.insert(0, str(Path(__file__).resolve().parent))
import judged  # noqa: E402
from real_quality import republications  # noqa: E402

#: The values tried per setting (the default is added when missing).
GRID = {
    "paraphrase_min_dice": [0.45, 0.5, 0.55, 0.6, 0.65, 0.7],
    "short_paraphrase_cover": [0.0, 0.7, 0.75, 0.8, 0.85, 0.9],
    "quote_min": [80.0, 85.0, 90.0, 95.0],
    "min_contained_words": [4, 5, 6, 8],
    "short_words": [0, 10, 15, 20, 30],
    "rare_share": [0.001, 0.0025, 0.005, 0.01, 0.02],
    "reuse_min_coverage": [0.3, 0.4, 0.5, 0.6, 0.8],
    "shingle": [3, 4, 5],
    "bare_fact_posts": [2, 3, 4, 6, 8, 12, 20],
    "restated": [0.7, 0.75, 0.8, 0.85, 0.9, 0.95],
    "event_margin": [0.0, 5.0, 10.0, 15.0],
}


def judged_figures(settings: DetectSettings, verdicts, posts: dict) -> dict:
    """Precision and recall over the judged sample, and the links not judged yet."""
    echo = not_ = unjudged = linked_echoes = 0
    all_echoes = int((verdicts["verdict"] == "echo").sum())
    reps = reps_linked = 0
    for name, p in posts.items():
        links = judged.run_detector(p, settings)
        res = judged.score_set(name, links, verdicts)
        j = res["judged"]
        echo += int((j["verdict"] == "echo").sum())
        not_ += int((j["verdict"] == "not").sum())
        unjudged += int((res["unjudged"]["kind"] != "template").sum())
        linked_echoes += res["echoes_judged"] - len(res["missed"])
        if name == "ruwa":
            rep = republications(p)
            have = set(zip(links.loc[links["kind"] != "template", "source_id"],
                           links.loc[links["kind"] != "template", "target_id"]))
            reps += len(rep)
            reps_linked += sum((a, b) in have or (b, a) in have for a, b in zip(rep["a_id"], rep["b_id"]))
    return {"precision": echo / max(echo + not_, 1), "recall": linked_echoes / max(all_echoes, 1),
            "judged_links": echo + not_, "unjudged": unjudged, "republications": f"{reps_linked}/{reps}"}


def generated_figures(settings: DetectSettings, profile: str, n_posts: int) -> dict:
    """Precision and recall on a generated corpus (regression check)."""
    from quality import score_links

    from amplify.synth import generate
    corpus = generate(n_posts=n_posts, seed=0, profile=profile)
    links = detect(corpus.posts, corpus.outlets, settings=settings)
    out = score_links(corpus.truth_links, getattr(corpus, "negatives", None), links)
    return {"precision": out["precision"], "recall": out["recall"]}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", nargs="+", choices=sorted(GRID), help="settings to sweep (default: all)")
    ap.add_argument("--precise", action="store_true",
                    help="move each setting around DetectSettings.precise() instead of the defaults")
    ap.add_argument("--generated", action="store_true", help="also the realistic and heldout generated corpora")
    ap.add_argument("--posts", type=int, default=20000, help="generated corpus size")
    args = ap.parse_args(argv)
    judged._find_shared_data()
    # the precise profile's links were also read apart (judged/precise_links.csv): they count for it only
    verdicts = judged.read_verdicts([judged.VERDICTS] + ([judged.PRECISE_VERDICTS] if args.precise else []))
    posts = {name: load() for name, load in judged.LOADERS.items()}
    posts = {k: v for k, v in posts.items() if v is not None}
    if not posts:
        sys.exit("no real data found (set AMPLIFY_SHARED_DATA): nothing to sweep on")
    defaults = DetectSettings.precise() if args.precise else DetectSettings()
    head = f"{'setting':<22}{'value':>9}  {'judged P':>9}{'judged R':>9}{'judged':>8}{'unjudged':>9}{'RUWA rep.':>10}"
    if args.generated:
        head += f"{'realistic P':>12}{'R':>7}{'heldout P':>11}{'R':>7}"
    print(head)
    for name in args.only or list(GRID):
        default = getattr(defaults, name)
        for value in sorted(set(GRID[name]) | {default}):
            try:
                settings = dataclasses.replace(defaults, **{name: type(default)(value)})
            except ValueError as exc:  # a value the settings refuse
                print(f"{name:<22}{value!s:>9}  refused: {exc}")
                continue
            print(_line(name, value, value == default, settings, verdicts, posts, args), flush=True)
        print()


def _line(name, value, is_default: bool, settings: DetectSettings, verdicts, posts: dict, args) -> str:
    """One row of the sweep: the judged figures (and the generated ones with ``--generated``)."""
    f = judged_figures(settings, verdicts, posts)
    mark = "*" if is_default else " "
    line = (f"{name:<22}{value!s:>8}{mark}  {f['precision']:>9.3f}{f['recall']:>9.3f}{f['judged_links']:>8,}"
            f"{f['unjudged']:>9,}{f['republications']:>10}")
    if args.generated:
        r = generated_figures(settings, "realistic", args.posts)
        h = generated_figures(settings, "heldout", args.posts)
        line += f"{r['precision']:>12.3f}{r['recall']:>7.3f}{h['precision']:>11.3f}{h['recall']:>7.3f}"
    return line


if __name__ == "__main__":
    main()
