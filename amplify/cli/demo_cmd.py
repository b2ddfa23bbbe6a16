"""``amplify demo``: the whole researcher run on a generated corpus."""

from __future__ import annotations

import time
from pathlib import Path

import click

from amplify.cli.common import note, quiet_option, raw_option


def run_demo(out: Path, *, posts: int = 5000, seed: int = 0, quiet: bool = False, raw: bool = False) -> dict:
    """Generate a corpus, ingest it, detect echoes, and write every product into ``out``.

    Returns a dict naming each file written. Each later stage (network page,
    report, exports) runs when its module is installed. links.csv and the CSV
    export are neutralised for spreadsheets unless ``raw`` (see
    :func:`amplify.io.write_csv`); the generated corpus is input for
    ``amplify ingest`` and is written as generated.
    """
    from amplify.workspace import links_with_evidence
    from amplify.detect.incremental import detect_workspace
    from amplify.ingest import read_outlets, read_posts
    from amplify.io import atomic_output, write_csv
    from amplify.synth import generate, write_corpus
    from amplify.workspace import Workspace

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written: dict = {}
    t0 = time.perf_counter()
    corpus_dir = out / "corpus"
    write_corpus(generate(n_posts=posts, seed=seed), corpus_dir)
    written["corpus"] = str(corpus_dir)
    note(f"[1/4] generated {posts:,} posts with planted echoes in {corpus_dir}", quiet)

    res = read_posts([str(corpus_dir / "posts.csv")])
    outlets = read_outlets(str(corpus_dir / "outlets.csv"))
    ws_dir = out / "workspace"
    ws = Workspace.open(ws_dir, create=True)
    with ws.writer():
        app = ws.add_posts(res.posts)
        ws.set_outlets(outlets)
        note(f"[2/4] ingested into {ws_dir}: {app}", quiet)
        run = detect_workspace(ws, progress=not quiet)
    written["workspace"] = str(ws_dir)
    note(f"[3/4] detected: {run}", quiet)

    links = links_with_evidence(ws, limit_text=10**9)
    with atomic_output(out / "links.csv") as fh:
        write_csv(links, fh, raw=raw)
    written["links"] = str(out / "links.csv")

    from amplify.render import FORMATS, export_graph, render_all, workspace_view

    rendered = render_all(ws, out, formats=[f for f in FORMATS if not (raw and f == "csv")])
    if raw and "csv" in FORMATS:  # render_all writes the CSV export neutralised: write it raw here
        rendered["csv"] = export_graph(workspace_view(ws, level="outlet"), out / "network-edges.csv", "csv",
                                       raw=True)
    for what, paths in rendered.items():
        paths = paths if isinstance(paths, (list, tuple)) else [paths]
        written[what] = ", ".join(str(p) for p in paths)
    names = [Path(p).name for v in written.values() for p in v.split(", ")]
    note(f"[4/4] wrote {', '.join(names)} in {time.perf_counter() - t0:.1f} s", quiet)
    return written


@click.command("demo")
@click.option("--out", "-o", type=click.Path(file_okay=False), default="demo-out", show_default=True,
              help="Folder to write everything into.")
@click.option("--posts", type=click.IntRange(min=100), default=5000, show_default=True,
              help="Size of the generated corpus (at least 100).")
@click.option("--seed", type=int, default=0, show_default=True)
@raw_option
@quiet_option
def command(out, posts, seed, raw, quiet):
    """Run every stage on a generated corpus with known echoes and write what it produces.

    The corpus has Russian, Chinese, Iranian and Western outlets; ministries,
    diplomats and state media; planted copies, quotes, paraphrases and chains;
    boilerplate and near-misses that must not link. The output folder holds
    the corpus (CSV), the workspace, links.csv and the pages and exports.
    In links.csv and the CSV export, a cell that begins with = + - @ gets a
    leading ' so that spreadsheets do not run it; --raw writes it as stored.

    \b
    Example:
      amplify demo --out demo-out
      amplify info --workspace demo-out/workspace
    """
    written = run_demo(Path(out), posts=posts, seed=seed, quiet=quiet, raw=raw)
    for what, path in written.items():
        click.echo(f"{what:<13} {path}")
