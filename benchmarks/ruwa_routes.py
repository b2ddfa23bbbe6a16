"""Ties on real day-resolution data: RUWA's Censor.net reprints Ukrinform's headlines the same day.

RUWA (see ``../shared/data/README.md``) gives dates without times, so most links join posts of one
day: ties. Before issue #11 ties were never counted, and the republication vanished. This script
reads RUWA as ``amplify ingest --map outlet=Site --map published_at=Date --map 'text=title|desc'``
does, detects, and prints:

* the tie warning (how many links are ties, which outlets give dates only, how many ties evidence
  directs and how);
* the strongest directed outlet relations with ties counted, and why each points the way it does
  (the report's "Strongest relations between outlets" table);
* the same relations as detection's parents alone counted them (ties left out);
* two of the directed republications, both texts.

Usage::

    python benchmarks/ruwa_routes.py            # reads ../shared/data/ruwa (or $AMPLIFY_SHARED_DATA/ruwa)
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SHARED = Path(os.environ.get("AMPLIFY_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
FILE = SHARED / "ruwa" / "RUWA_01.08.23.csv.zip"


def run(path: Path = FILE) -> dict:
    """Ingest, detect, orient ties; the figures printed below, as a dict."""
    from amplify.analyze.ties import orient_ties
    from amplify.detect import detect
    from amplify.graph import outlet_edges
    from amplify.ingest import read_posts
    from amplify.render.relations import prepare_relations, strongest_relations

    res = read_posts(path, mapping={"outlet": "Site", "published_at": "Date", "text": ["title", "desc"]})
    posts = res.posts
    t0 = time.perf_counter()
    links = detect(posts)
    t_detect = time.perf_counter() - t0
    t0 = time.perf_counter()
    oriented, summary = orient_ties(links, posts)
    t_orient = time.perf_counter() - t0
    rel = prepare_relations(links, posts, None, cites=False)
    strongest = strongest_relations(rel, posts, None, top=5)
    before = outlet_edges(links, posts, ties=False)
    before = before[before["source"] != before["target"]].head(5)
    par = oriented[oriented["is_parent"] & (oriented["direction"] == "containment")]
    return {"posts": len(posts), "links": len(links), "detect_s": t_detect, "orient_s": t_orient,
            "summary": summary, "strongest": strongest, "before": before, "examples": par.head(2),
            "texts": posts.set_index("post_id")["text"]}


def main() -> int:
    if not FILE.is_file():
        print(f"RUWA not found at {FILE} (set AMPLIFY_SHARED_DATA): nothing to check", file=sys.stderr)
        return 0
    r = run()
    print(f"RUWA: {r['posts']:,} posts, {r['links']:,} links (detect {r['detect_s']:.1f} s, "
          f"orienting ties {r['orient_s'] * 1000:.0f} ms)\n")
    print("warning:", r["summary"].warning(), "\n")
    print("Strongest directed relations, ties counted:")
    print(r["strongest"].to_string(index=False, max_colwidth=110), "\n")
    print("The same, as detection's parents alone counted them (ties never counted):")
    print(r["before"][["source", "target", "count"]].to_string(index=False), "\n")
    print("Two republications directed by containment:")
    for x in r["examples"].itertuples(index=False):
        print(f"  {x.source_id} -> {x.target_id}\n    source: {r['texts'][x.source_id]}\n"
              f"    target: {r['texts'][x.target_id]}")
    top = r["strongest"].iloc[0]
    ok = (top["source"], top["target"]) == ("ukrinform.net", "censor.net")
    print(f"\nstrongest directed relation: {top['source']} -> {top['target']} ({top['echoes']} echoes, "
          f"{top['same-time']} same-day, directed by evidence): {'as expected' if ok else 'NOT the expected one'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
