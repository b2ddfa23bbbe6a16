"""``amplify links`` evidence: both posts' outlets, camps, times and matched passages, against plain pandas."""

from __future__ import annotations

import numpy as np
import pandas as pd

from amplify.workspace import Workspace, links_with_evidence
from amplify.workspace import parts as wsparts

TEXTS = ["The ministry said: <script>alert(1)</script> stop now", "中国外交部发言人表示：美方应停止干涉", "🙂 e\u0301te ﬁne № 5 ½",
         "Привет, мир! " * 30, "", "x"]


def _workspace(tmp_path, monkeypatch):
    monkeypatch.setattr(wsparts, "POSTS_ROW_GROUP", 2)  # texts spread over several row groups
    ws = Workspace.open(tmp_path / "ws", create=True)
    n = len(TEXTS)
    posts = pd.DataFrame({
        "post_id": [f"p{i}" for i in range(n)],
        "outlet": ["mfa", "rt", "tass", "rt", "unknown_one", "mfa"],
        "published_at": pd.date_range("2024-01-01", periods=n, freq="h", tz="UTC"),
        "text": TEXTS,
    })
    outlets = pd.DataFrame({"outlet": ["mfa", "rt", "tass"], "group": ["CN", "RU", "RU"]})
    rng = np.random.default_rng(0)
    pairs = [(f"p{a}", f"p{b}") for a in range(n) for b in range(n) if a < b] + [("p0", "gone")]
    k = len(pairs)
    starts = rng.integers(-2, 40, size=(k, 2))
    links = pd.DataFrame({
        "source_id": [a for a, _ in pairs], "target_id": [b for _, b in pairs], "kind": "quote", "score": 95.0,
        "source_start": starts[:, 0], "source_end": starts[:, 0] + rng.integers(0, 500, k),
        "target_start": starts[:, 1], "target_end": starts[:, 1] + rng.integers(0, 500, k),
        "lag_s": 60.0, "attributed": False, "is_parent": True, "tie": False,
    })
    with ws.writer():
        ws.add_posts(posts)
        ws.set_outlets(outlets)
        ws.save_links(links, {"t": 1}, covered_through=ws.last_seq)
    return ws, posts, outlets


def _passage(text, a, b, limit):
    if not isinstance(text, str):
        return None
    s = text[max(a, 0):b]
    return s if len(s) <= limit else s[:limit] + "…"


def test_evidence_matches_plain_pandas(tmp_path, monkeypatch):
    ws, posts, outlets = _workspace(tmp_path, monkeypatch)
    for limit in (10**9, 12):
        got = links_with_evidence(ws, limit_text=limit)
        by_id = posts.set_index("post_id")
        group = ws.outlets().set_index("outlet")["group"]  # outlets missing from the table are "unknown"
        for side, col in (("source", "source_id"), ("target", "target_id")):
            p = by_id.reindex(got[col])
            assert [None if pd.isna(o) else o for o in got[f"{side}_outlet"]] == [None if pd.isna(o) else o for o in p["outlet"]]
            want_group = [None if pd.isna(o) or o not in group.index else group[o] for o in p["outlet"]]
            assert [None if pd.isna(g) else g for g in got[f"{side}_group"]] == want_group
            pd.testing.assert_series_equal(got[f"{side}_time"].reset_index(drop=True),
                                           p["published_at"].astype("datetime64[ns, UTC]").reset_index(drop=True),
                                           check_names=False)
            want = [_passage(t if isinstance(t, str) else None, a, b, limit)
                    for t, a, b in zip(p["text"], got[f"{side}_start"], got[f"{side}_end"])]
            assert [None if pd.isna(x) else x for x in got[f"{side}_text"]] == want
        assert got["target_text"].dtype == "string"


def test_limit_reads_only_what_it_shows(tmp_path, monkeypatch):
    ws, posts, _ = _workspace(tmp_path, monkeypatch)
    got = links_with_evidence(ws, limit=3)
    assert len(got) == 3
    full = links_with_evidence(ws)
    pd.testing.assert_frame_equal(got, full.head(3))


def test_nothing_selected_gives_an_empty_table(tmp_path, monkeypatch):
    ws, _, _ = _workspace(tmp_path, monkeypatch)
    for got in (links_with_evidence(ws, kinds=["repost"]), links_with_evidence(ws, limit=0)):
        assert len(got) == 0
        assert {"source_outlet", "target_group", "source_time", "target_text"} <= set(got.columns)
    empty = Workspace.open(tmp_path / "empty", create=True)
    with empty.writer():
        empty.save_links(links_with_evidence(ws, limit=0)[list(ws.links().columns)], {"t": 1}, covered_through=0)
    assert len(links_with_evidence(empty)) == 0


def test_the_cli_module_still_exports_the_join():
    from amplify.cli import links_cmd
    from amplify.workspace import queries

    assert links_cmd.links_with_evidence is queries.links_with_evidence is links_with_evidence


def test_cli_prints_an_empty_selection(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from amplify.cli import cli

    ws, _, _ = _workspace(tmp_path, monkeypatch)
    import json

    def run(*args):
        res = CliRunner().invoke(cli, ["links", "--workspace", str(tmp_path / "ws"), *args])
        assert res.exit_code == 0, res.output
        return res.output

    assert "(no rows)" in run("--kind", "repost")
    assert run("--kind", "repost", "--format", "csv").splitlines()[0].startswith("source_id,target_id,kind")
    assert json.loads(run("--limit", "0", "--format", "json")) == []


def test_slice_texts_edges():
    from amplify.text import slice_texts

    got = slice_texts(["Hello, world", "🙂 éte"], [0, 0, 1, 1, 0, 0], [-3, 2, 2, 0, 0, 5],
                      [5, -1, 99, 2**62, -2**63, -2**63], limit=4).to_pylist()
    assert got == ["Hell…", "", "éte", "🙂 ét…", "", ""]
