"""Compile amplify's kernels before the test workers start (numba keeps them on disk).

A clean checkout has no compiled kernels, and both pytest-xdist workers would
compile the same ones at the same time: about a minute of both cores, the same
work twice. ``tests/conftest.py`` runs this file in two processes instead,
each compiling one half: ``detect`` (tokenising and detection) and
``analyses`` (ingest and the analyses, over links made from the generator's
planted echoes, so it needs no detection kernel). The workers then load both
halves. Nothing here is a test: a failure is left to the tests to find.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path


def _corpus():
    from amplify.synth import generate
    return generate(n_posts=1500, seed=2)


def detect_kernels() -> None:
    from amplify.detect import detect
    c = _corpus()
    detect(c.posts, c.outlets)


def analysis_kernels() -> None:
    with tempfile.TemporaryDirectory(prefix="amplify-warm-") as tmp:
        _analyses_in(Path(tmp))


def _analyses_in(folder: Path) -> None:
    import numpy as np
    import pandas as pd

    from amplify import schema
    from amplify.analyze.coordination import coordination
    from amplify.analyze.paths import amplification_paths
    from amplify.analyze.summary import summarize
    from amplify.analyze.tables import load
    from amplify.analyze.volume import term_volume
    from amplify.synth import write_corpus
    from amplify.workspace import Workspace

    c = _corpus()
    write_corpus(c, folder)
    ws = Workspace.open(folder / "ws", create=True)
    t = c.truth_links
    length = dict(zip(c.posts["post_id"], c.posts["text"].str.len()))
    links = pd.DataFrame({"source_id": t["source_id"], "target_id": t["target_id"],
                          "kind": np.where(t["kind"].isin(schema.LINK_KINDS), t["kind"], "verbatim"),
                          "score": 100.0, "source_start": 0, "source_end": t["source_id"].map(length),
                          "target_start": 0, "target_end": t["target_id"].map(length),
                          "lag_s": t["lag_s"].astype(float), "attributed": t["attributed"].astype(bool),
                          "is_parent": True, "tie": False})
    with ws.writer():
        ws.ingest([str(folder / "posts.csv")])
        ws.set_outlets(c.outlets)
        ws.save_links(schema.validate_links(links), {"warm-up": True}, covered_through=ws.last_seq)
    links, posts, outlets = load(ws)
    summarize(links, posts, outlets, permutations=50)
    camps = sorted(outlets["group"].unique())
    amplification_paths(links, posts, outlets, source=camps[0], target=camps[-1], texts=ws)
    coordination(links, posts)
    term_volume(c.posts, c.outlets, [c.truth["surge"]["term"]])


if __name__ == "__main__":
    {"detect": detect_kernels, "analyses": analysis_kernels}[sys.argv[1]]()
