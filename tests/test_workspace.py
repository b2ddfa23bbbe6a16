"""Tests for amplify.workspace: format, idempotent appends, order, outlets, link sets, info, row groups.

Locking, crash safety and garbage collection are in test_workspace_durability.py.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from workspace_helpers import canonical, make_links, make_posts

from amplify import schema
from amplify import workspace as wsmod
from amplify.workspace import AppendReport, Workspace, WorkspaceError
from amplify.workspace import parts as wsparts


@pytest.fixture
def ws(tmp_path) -> Workspace:
    return Workspace.open(tmp_path / "ws", create=True)


# --------------------------------------------------------------------------- create / open / format


def test_create_then_open(tmp_path):
    path = tmp_path / "ws"
    with pytest.raises(WorkspaceError, match="does not exist"):
        Workspace.open(path)
    ws = Workspace.open(path, create=True)
    m = json.loads((path / "manifest.json").read_text())
    assert m["format"] == "amplify-workspace" and m["format_version"] == 1 and m["generation"] == 0
    assert ws.n_posts == 0 and ws.last_seq == 0
    assert len(ws.posts()) == 0 and list(ws.posts().columns) == ["post_id", "outlet", "published_at", "text"]
    assert Workspace.open(path).generation == 0
    assert Workspace.open(path, create=True).generation == 0  # create on an existing workspace just opens it


def test_open_non_workspace_folder(tmp_path):
    (tmp_path / "data.csv").write_text("a,b\n")
    with pytest.raises(WorkspaceError, match="not an amplify workspace"):
        Workspace.open(tmp_path)
    with pytest.raises(WorkspaceError, match="not empty"):
        Workspace.open(tmp_path, create=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.csv"]  # left untouched
    (tmp_path / "file").write_text("x")
    with pytest.raises(WorkspaceError):
        Workspace.open(tmp_path / "file")


def test_newer_format_version_is_refused(ws):
    mpath = ws.path / "manifest.json"
    m = json.loads(mpath.read_text())
    m["format_version"] = 2
    mpath.write_text(json.dumps(m))
    with pytest.raises(WorkspaceError) as err:
        Workspace.open(ws.path)
    assert "format version 2" in str(err.value) and "supports format version 1" in str(err.value)


def test_foreign_or_damaged_manifest(ws):
    mpath = ws.path / "manifest.json"
    mpath.write_text(json.dumps({"format": "something-else", "format_version": 1}))
    with pytest.raises(WorkspaceError, match="something-else"):
        Workspace.open(ws.path)
    mpath.write_text("{not json")
    with pytest.raises(WorkspaceError, match="damaged"):
        Workspace.open(ws.path)


def test_writes_need_the_writer(ws):
    with pytest.raises(WorkspaceError, match="writer"):
        ws.add_posts(make_posts(3))
    with pytest.raises(WorkspaceError, match="writer"):
        ws.set_outlets(pd.DataFrame({"outlet": ["tass"], "group": ["RU"]}))
    with pytest.raises(WorkspaceError, match="writer"):
        ws.save_links(make_links([]), {"a": 1}, covered_through=0)
    assert ws.generation == 0


# --------------------------------------------------------------------------- append


def test_append_and_idempotent_reappend(ws):
    df = make_posts(50)
    with ws.writer():
        rep = ws.add_posts(df)
    assert isinstance(rep, AppendReport)
    assert (rep.new, rep.already_present, rep.n_conflicts, rep.seq) == (50, 0, 0, 1)
    gen, files = ws.generation, sorted(p.name for p in (ws.path / "posts").iterdir())
    with ws.writer():
        rep2 = ws.add_posts(df.sample(frac=1, random_state=1))  # same posts, other order
    assert (rep2.new, rep2.already_present, rep2.n_conflicts, rep2.seq) == (0, 50, 0, None)
    assert str(rep2) == "0 new, 50 already present, 0 conflicts"
    assert ws.generation == gen  # nothing committed
    assert sorted(p.name for p in (ws.path / "posts").iterdir()) == files  # no new part
    # a file overlapping the stored one: only the new posts are written, in part 2
    with ws.writer():
        rep3 = ws.add_posts(pd.concat([df.iloc[40:], make_posts(20, start=50, seed=2)]))
    assert (rep3.new, rep3.already_present, rep3.seq) == (20, 10, 2)
    assert ws.n_posts == 70 == len(ws.posts())
    assert ws.last_seq == 2
    # a fresh reader sees the same
    assert Workspace.open(ws.path).n_posts == 70


def test_same_timestamp_equivalent_spellings_are_already_present(ws):
    df = make_posts(5)
    with ws.writer():
        ws.add_posts(df)
        other = df.assign(published_at=df["published_at"].dt.tz_convert("Asia/Shanghai"))
        rep = ws.add_posts(other)
    assert (rep.new, rep.already_present) == (0, 5)


def test_conflicts_reported_not_overwritten(ws):
    df = make_posts(10)
    with ws.writer():
        ws.add_posts(df)
    changed = df.copy()
    changed.loc[2, "text"] = "a different text"
    changed.loc[5, "outlet"] = "someone_else"
    extra = make_posts(3, start=100, seed=3)
    with ws.writer():
        rep = ws.add_posts(pd.concat([changed, extra], ignore_index=True))
    assert (rep.new, rep.already_present, rep.n_conflicts) == (3, 8, 2)
    c = rep.conflicts
    assert list(c.columns) == ["post_id", "version", "outlet", "published_at", "text", "seq", "differs"]
    assert c["post_id"].tolist() == ["p00002", "p00002", "p00005", "p00005"]
    assert c["version"].tolist() == ["stored", "incoming"] * 2
    assert c["differs"].tolist() == ["text", "text", "outlet", "outlet"]
    assert c.loc[0, "text"] == df.loc[2, "text"] and c.loc[1, "text"] == "a different text"
    assert c.loc[0, "seq"] == 1 and pd.isna(c.loc[1, "seq"])
    stored = ws.posts().set_index("post_id")
    assert stored.loc["p00002", "text"] == df.loc[2, "text"]  # not overwritten
    assert stored.loc["p00005", "outlet"] == df.loc[5, "outlet"]
    assert ws.n_posts == 13


def test_duplicates_and_conflicts_inside_one_input(ws):
    df = make_posts(4)
    dup = pd.concat([df, df.iloc[[0]]], ignore_index=True)  # exact copy
    clash = df.iloc[[1]].assign(text="other version")
    with ws.writer():
        rep = ws.add_posts(pd.concat([dup, clash], ignore_index=True))
    assert (rep.new, rep.duplicates, rep.n_conflicts) == (3, 1, 1)
    assert rep.conflicts["version"].tolist() == ["incoming", "incoming"]
    assert "p00001" not in set(ws.posts()["post_id"])


def test_invalid_posts_are_rejected_before_writing(ws):
    with ws.writer():
        with pytest.raises(schema.SchemaError):
            ws.add_posts(pd.DataFrame({"post_id": ["1"], "text": ["x"]}))
        with pytest.raises(schema.SchemaError, match="reserved"):
            ws.add_posts(make_posts(2).assign(_seq=1))
    assert ws.generation == 0 and not (ws.path / "posts").exists()


# --------------------------------------------------------------------------- reading


def test_canonical_order_independent_of_ingest_order(tmp_path):
    df = make_posts(300, seed=7)
    a = Workspace.open(tmp_path / "a", create=True)
    b = Workspace.open(tmp_path / "b", create=True)
    with a.writer():
        a.add_posts(df)
    shuffled = df.sample(frac=1, random_state=3).reset_index(drop=True)
    with b.writer():  # three overlapping-in-time parts, in another order
        for chunk in np.array_split(np.arange(len(df)), 3):
            b.add_posts(shuffled.iloc[chunk])
    pa_, pb = a.posts(), b.posts()
    pd.testing.assert_frame_equal(pa_, pb)
    pd.testing.assert_frame_equal(pa_, canonical(df))
    assert b.manifest["posts"]["last_seq"] == 3
    # the stored rows themselves are sorted: one part of a is byte-for-byte the canonical table
    pd.testing.assert_frame_equal(pd.read_parquet(a.path / "posts" / "part-000001.parquet")
                                  .drop(columns=["_seq", "_text_sha1"])
                                  .astype({c: "string" for c in ["post_id", "outlet", "text"]}), canonical(df))


def test_disjoint_parts_are_read_in_order(ws):
    df = make_posts(90, seed=4).sort_values(["published_at", "post_id"]).reset_index(drop=True)
    with ws.writer():  # later posts first: parts do not overlap, read without re-sorting
        for chunk in (df.iloc[60:], df.iloc[30:60], df.iloc[:30]):
            ws.add_posts(chunk)
    pd.testing.assert_frame_equal(ws.posts(), canonical(df))


def test_columns_since_seq_and_internal_columns(ws):
    with ws.writer():
        ws.add_posts(make_posts(10).assign(url="http://x", score=1.5))
        ws.add_posts(make_posts(5, start=10, seed=1))
    full = ws.posts()
    assert "_seq" not in full.columns and "_text_sha1" not in full.columns
    assert list(full.columns) == ["post_id", "outlet", "published_at", "text", "url", "score"]
    assert full["url"].isna().sum() == 5 and full["score"].isna().sum() == 5
    sel = ws.posts(columns=["post_id", "_seq"])
    assert list(sel.columns) == ["post_id", "_seq"]
    assert sorted(sel["_seq"].unique().tolist()) == [1, 2]
    new = ws.posts(columns=["post_id", "url"], since_seq=1)
    assert len(new) == 5 and new["url"].isna().all()
    assert len(ws.posts(since_seq=2)) == 0
    with pytest.raises(WorkspaceError, match="no column"):
        ws.posts(columns=["nope"])
    absent = ws.posts(columns=["post_id", "reposted_id"])  # canonical but never given: NA
    assert absent["reposted_id"].isna().all() and absent["reposted_id"].dtype == "string"
    assert ws.posts()["published_at"].dtype == "datetime64[ns, UTC]"


def test_extra_column_type_clash_is_refused(ws):
    with ws.writer():
        ws.add_posts(make_posts(3).assign(extra=[1, 2, 3]))
        with pytest.raises(schema.SchemaError, match="type"):
            ws.add_posts(make_posts(3, start=3).assign(extra=[[1], [2], [3]]))
    assert ws.n_posts == 3


# --------------------------------------------------------------------------- outlets


def test_outlets_merge_and_missing(ws):
    with ws.writer():
        ws.add_posts(make_posts(40))
        rep = ws.set_outlets(pd.DataFrame({"outlet": ["tass", "cgtn"], "group": ["RU", "CN"]}))
    assert (rep.added, rep.updated) == (2, 0)
    out = ws.outlets()
    assert out["outlet"].tolist() == sorted(["tass", "cgtn", "presstv", "rt"])
    assert dict(zip(out["outlet"], out["group"])) == {"cgtn": "CN", "presstv": "unknown", "rt": "unknown", "tass": "RU"}
    assert ws.missing_outlets() == ["presstv", "rt"]
    assert len(ws.outlets(fill_missing=False)) == 2
    with ws.writer():
        rep = ws.set_outlets(pd.DataFrame({"outlet": ["tass", "presstv"], "group": ["RU", "IR"],
                                           "name": ["TASS", None]}))
        assert (rep.added, rep.updated, rep.unchanged) == (1, 1, 0)
        assert rep.changes.query("outlet == 'tass'")[["column", "new"]].values.tolist() == [["name", "TASS"]]
        # merging names only keeps groups; an empty cell keeps the stored value
        ws.set_outlets(pd.DataFrame({"outlet": ["cgtn", "tass"], "name": ["CGTN", None]}))
        gen = ws.generation
        same = ws.set_outlets(pd.DataFrame({"outlet": ["cgtn"], "group": ["CN"]}))
        assert (same.updated, same.unchanged) == (0, 1) and ws.generation == gen  # no-op, no commit
    out = ws.outlets().set_index("outlet")
    assert out.loc["tass", "group"] == "RU" and out.loc["tass", "name"] == "TASS"
    assert out.loc["cgtn", "group"] == "CN" and out.loc["cgtn", "name"] == "CGTN"
    assert out.loc["presstv", "group"] == "IR" and ws.missing_outlets() == ["rt"]
    with ws.writer():
        rep = ws.set_outlets(pd.DataFrame({"outlet": ["rt"], "group": ["RU"]}), merge=False)
    assert rep.removed == 3 and rep.added == 1
    assert ws.missing_outlets() == ["cgtn", "presstv", "tass"]
    info = ws.info()
    assert info["groups"] == {"RU": 1, "unknown": 3} and info["n_missing_outlets"] == 3


# --------------------------------------------------------------------------- link sets


def test_link_sets_keyed_by_settings(ws):
    with ws.writer():
        ws.add_posts(make_posts(20))
    s1 = {"window_days": 7, "min_score": 80}
    with ws.writer():
        id1 = ws.save_links(make_links([("p00001", "p00002"), ("p00003", "p00004")]), s1, covered_through=1)
        id1b = ws.save_links(make_links([("p00005", "p00006")]), dict(reversed(list(s1.items()))),
                             covered_through=1)  # same settings, keys in another order: replaces
        id2 = ws.save_links(make_links([("p00001", "p00009")]), {"window_days": 3, "min_score": 80},
                            covered_through=1)
    assert id1 == id1b == wsmod.linkset_id(s1) and id2 != id1
    sets = ws.linksets()
    assert [s["id"] for s in sets] == [id1, id2]
    assert [s["n_links"] for s in sets] == [1, 1]
    assert sets[0]["settings"] == s1 and sets[1]["latest"] and sets[0]["covered_through"] == 1
    assert ws.links()["target_id"].tolist() == ["p00009"]  # default: the latest written
    assert ws.links(id1)["target_id"].tolist() == ["p00006"]
    assert ws.links(id1[:6])["target_id"].tolist() == ["p00006"]  # unique prefix
    assert (ws.path / "links" / id1 / "settings.json").is_file()
    with pytest.raises(WorkspaceError) as err:
        ws.links("ffffffffffff")
    assert id1 in str(err.value) and id2 in str(err.value)  # lists what is available
    # the record of the set links() reads (what the report, the pages and explain look up): the latest,
    # an id, a unique prefix; an unknown one is the same error as links()'
    from amplify.workspace.linksets import find_linkset

    assert find_linkset(ws.path, sets, None) == sets[1] and find_linkset(ws.path, sets, id1[:6]) == sets[0]
    with pytest.raises(WorkspaceError, match="is unknown"):
        find_linkset(ws.path, sets, "ffffffffffff")

    # incremental: append extends, a pair given again replaces its rows
    with ws.writer():
        ws.add_posts(make_posts(5, start=20, seed=5))
        ws.save_links(make_links([("p00005", "p00006"), ("p00010", "p00021")], score=99.0), s1,
                      covered_through=ws.last_seq, append=True)
        ws.save_links(make_links([("p00002", "p00007")]), s1, covered_through=1, append=True)
    links = ws.links(id1)
    assert list(zip(links["source_id"], links["target_id"])) == [
        ("p00002", "p00007"), ("p00005", "p00006"), ("p00010", "p00021")]  # canonical order
    assert links["score"].tolist() == [90.0, 99.0, 99.0]
    rec = next(s for s in ws.linksets() if s["id"] == id1)
    assert rec["covered_through"] == 2 and rec["n_links"] == 3 and rec["latest"]
    pd.testing.assert_frame_equal(links, schema.validate_links(links))
    with ws.writer():
        with pytest.raises(ValueError, match="covered_through"):
            ws.save_links(make_links([]), s1, covered_through=99)
        ws.drop_links(id2)
    assert [s["id"] for s in ws.linksets()] == [id1]


def test_links_without_any_set(ws):
    with pytest.raises(WorkspaceError, match="no links"):
        ws.links()
    assert ws.linksets() == []


def test_info(ws):
    with ws.writer():
        ws.add_posts(make_posts(30))
        ws.set_outlets(pd.DataFrame({"outlet": ["tass"], "group": ["RU"]}))
        ws.save_links(make_links([("p00001", "p00002")]), {"k": 1}, covered_through=1)
    info = ws.info()
    assert info["n_posts"] == 30 and info["n_parts"] == 1 and info["last_seq"] == 1
    assert info["format"] == "amplify-workspace" and info["format_version"] == 1
    assert info["groups"] == {"RU": 1, "unknown": 3} and info["n_outlets"] == 4
    p = ws.posts()
    assert info["time_range"] == [p["published_at"].min().isoformat().replace("+00:00", "Z"),
                                  p["published_at"].max().isoformat().replace("+00:00", "Z")]
    assert info["linksets"][0]["settings"] == {"k": 1}
    assert info["bytes"] == sum(f.stat().st_size for f in ws.path.rglob("*") if f.is_file())
    assert info["path"] == str(ws.path)
    json.dumps(info)  # plain JSON


def test_reading_a_few_posts_reads_only_their_row_groups(ws, monkeypatch):
    # parts are written in small row groups; fetching some ids decodes only the groups holding them
    import pyarrow.parquet as pq

    monkeypatch.setattr(wsparts, "POSTS_ROW_GROUP", 7)
    with ws.writer():
        ws.add_posts(make_posts(100))
        ws.add_posts(make_posts(50, start=100, seed=1))
    part = ws.manifest["posts"]["parts"][0]
    assert pq.ParquetFile(ws.path / part["file"]).metadata.num_row_groups == 15
    everything = ws.posts()
    for want in (["p00003"], ["p00099", "p00000", "p00120", "nope"], list(everything["post_id"][::9]), []):
        got = ws.posts(ids=want)
        expected = everything[everything["post_id"].isin(want)].reset_index(drop=True)
        pd.testing.assert_frame_equal(got, expected)
