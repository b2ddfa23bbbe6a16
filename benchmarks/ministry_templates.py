"""A ministry repeating itself: links among the answers of its press conferences, by kind.

The Chinese foreign ministry's transcripts (``../shared/data/mfa-press-2018-2019``)
are long texts full of frames said again with other facts ("This year marks the
70th anniversary of the establishment of diplomatic ties between China and ...",
"Foreign Minister Wang Yi will pay an official visit to ...") beside statements
repeated word for word. Each answer paragraph is a post, the spokesperson its
outlet (so a spokesperson repeating a colleague is linked), and detection runs at
default settings; the script prints the links by kind and, with ``--show``, the
links whose passages state other facts (``template``) side by side, and the
echoes that keep a passage after one was cut (the template rule on long texts,
:mod:`amplify.detect.passage_facts`). Run the same command on another tree
(``git worktree add``, ``PYTHONPATH``) to compare two detectors.

Run::

    python benchmarks/ministry_templates.py --lang en --show 10
    python benchmarks/ministry_templates.py --lang zh --out links.parquet
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
from pathlib import Path

import pandas as pd

from amplify.detect import detect

SHARED = Path(os.environ.get("AMPLIFY_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
TRANSCRIPTS = SHARED / "mfa-press-2018-2019" / "transcripts.jsonl.gz"


def answers(lang: str) -> pd.DataFrame:
    """Every answer paragraph of the transcripts in ``lang`` as a post (questions left out)."""
    rows = []
    with gzip.open(TRANSCRIPTS, "rt", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            if r["lang"] != lang:
                continue
            for i, p in enumerate(r["paragraphs"]):
                if p.startswith(("Q:", "问")):
                    continue
                text = p[3:] if p.startswith("A: ") else p[2:] if p.startswith("答：") else p
                rows.append((f"{r['id']}-{i}", r["speaker"] or "unknown", f"{r['date']}T10:00:00Z", text))
    return pd.DataFrame(rows, columns=["post_id", "outlet", "published_at", "text"])


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lang", choices=["en", "zh"], default="en")
    ap.add_argument("--show", type=int, default=0, help="print this many template links side by side")
    ap.add_argument("--out", type=Path, help="write the links to this Parquet file")
    args = ap.parse_args(argv)
    if not TRANSCRIPTS.is_file():
        print(f"(transcripts not found at {TRANSCRIPTS}: skipped)", file=sys.stderr)
        return
    posts = answers(args.lang)
    links = detect(posts)
    kinds = links["kind"].value_counts().to_dict()
    print(f"{len(posts):,} answers ({args.lang}), {posts['outlet'].nunique()} spokespersons: {len(links):,} links {kinds}")
    if args.out:
        links.to_parquet(args.out)
    text = dict(zip(posts["post_id"], posts["text"]))
    for r in links[links["kind"] == "template"].head(args.show).itertuples():
        print(f"-- {r.source_id} -> {r.target_id}  template {r.score:.0f}, lag {r.lag_s / 86400:.0f} d")
        print(f"   {text[r.source_id][r.source_start:r.source_end]}")
        print(f"   {text[r.target_id][r.target_start:r.target_end]}")


if __name__ == "__main__":
    main()
