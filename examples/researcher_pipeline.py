"""A researcher's pipeline: from a CSV export to the network page, the report and a Gephi file.

    python examples/researcher_pipeline.py                  # writes into ./amplify-example/
    python examples/researcher_pipeline.py --posts my_export.csv --outlets my_outlets.csv --out study/

Without ``--posts`` it first writes a seeded synthetic export (``amplify.synth``):
``posts.csv`` (post_id, outlet, published_at, text, ...) and ``outlets.csv``
(outlet, group, kind, name ...) -- the shape of a typical platform export plus
a hand-made list of outlets and their camps. Then, step by step:

1. read the export (``amplify.ingest.read_posts`` / ``read_outlets``: columns are
   recognised by name, times normalised to UTC, bad rows reported);
2. store it in a workspace and detect the echoes (reposts, quotes, verbatim
   copies, paraphrases), kept on disk for later questions;
3. write ``network.html`` (outlets; open it in any browser, offline),
   ``cascade.html`` (the largest cascade, in time order), ``report.html``
   (printable summary) and ``network.gexf`` (for Gephi, with a timeline).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def synthetic_export(folder: Path, n_posts: int = 5000, seed: int = 0) -> tuple[Path, Path]:
    """Write a seeded synthetic export: posts.csv and outlets.csv."""
    from amplify.synth import generate

    c = generate(n_posts=n_posts, seed=seed)
    folder.mkdir(parents=True, exist_ok=True)
    posts_csv, outlets_csv = folder / "posts.csv", folder / "outlets.csv"
    c.posts.to_csv(posts_csv, index=False)
    c.outlets.to_csv(outlets_csv, index=False)
    return posts_csv, outlets_csv


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--posts", type=Path, help="posts export (CSV, JSONL, Parquet, Twitter or Telegram JSON)")
    ap.add_argument("--outlets", type=Path, help="outlets table: outlet, group (camp), kind, name ...")
    ap.add_argument("--out", type=Path, default=Path("amplify-example"), help="output folder")
    ap.add_argument("--top", type=int, default=300, help="outlets drawn on the network page")
    a = ap.parse_args(argv)

    from amplify.detect.incremental import detect_workspace
    from amplify.ingest import read_outlets, read_posts
    from amplify.render import write_export, write_network, write_report
    from amplify.render.report import largest_cascades
    from amplify.workspace import Workspace

    out = a.out
    out.mkdir(parents=True, exist_ok=True)
    if a.posts is None:
        a.posts, a.outlets = synthetic_export(out / "export")
        print(f"wrote a synthetic export: {a.posts}, {a.outlets}")

    # 1. read the export
    res = read_posts([str(a.posts)])
    print(res.summary())
    outlets = read_outlets(str(a.outlets)) if a.outlets else None

    # 2. a workspace on disk, and the echoes in it
    ws = Workspace.open(out / "workspace", create=True)
    with ws.writer():
        print(ws.add_posts(res.posts))
        if outlets is not None:
            print(ws.set_outlets(outlets))
        print(detect_workspace(ws))

    # 3. the pictures and files
    page = write_network(ws, out / "network.html", top=a.top)
    print(page, page.pruning_note)
    posts = ws.posts(columns=["post_id", "outlet", "published_at", "text"])
    best = largest_cascades(ws.links(), posts, ws.outlets(), n=1, evidence=0)
    if best:
        root = best[0]["root"]["post_id"]
        cascade = write_network(ws, out / "cascade.html", level="post", focus=root, top=None)
        print(f"largest cascade: {best[0]['size']} echoes of post {root}; {cascade}")
    print("report:", write_report(ws, out / "report.html", network_href="network.html"))
    print("Gephi file:", *write_export(ws, out / "network.gexf", "gexf"))
    print(f"\nOpen {out / 'network.html'} in a browser (no network needed); "
          f"in Gephi, File > Open {out / 'network.gexf'}, then Window > Timeline.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
