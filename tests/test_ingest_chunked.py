"""Reading files a block at a time (amplify.ingest.chunked) stores what reading them whole stores.

Each case ingests the same files three times: whole (``chunk_size=None``, the
old path) and in blocks of a few hundred bytes, one block after another
(``workers=1``) and with the next blocks read while the last is stored
(``workers=2``, :mod:`amplify.ingest.read_ahead`), so that duplicates, bad rows
and quoted line breaks straddle block boundaries; the stored posts, the rejects
and the per-file counts must be the same, and the two block-wise readings must
write the same parts.
"""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pandas as pd
import pytest

from amplify.ingest import IngestError
from amplify.workspace import Workspace

T = "2024-03-01T10:{:02d}:00Z"


def _ingest(tmp_path, name, files, chunk, **options):
    ws = Workspace.open(tmp_path / name, create=True)
    with ws.writer():
        res, app = ws.ingest([str(f) for f in files], chunk_size=chunk, **options)
    return ws, res, app


def _parts(ws):
    """What the parts hold (not when they were written)."""
    return [(p["rows"], p["first_key"], p["last_key"], p["sha256"], p["sources"]) for p in ws.manifest["posts"]["parts"]]


def _same(tmp_path, files, chunk=300, **options):
    """Ingest whole, in blocks one after another and in blocks read ahead; assert the same stored posts,
    rejects and counts (and the same parts for both block-wise readings); return the whole and read-ahead ones."""
    w1, r1, a1 = _ingest(tmp_path, "whole", files, None, **options)
    serial = _ingest(tmp_path, "blocks", files, chunk, workers=1, **options)
    w2, r2, a2 = _ingest(tmp_path, "ahead", files, chunk, workers=2, **options)
    for w3, r3, a3 in (serial, (w2, r2, a2)):
        pd.testing.assert_frame_equal(w1.posts(), w3.posts())
        pd.testing.assert_frame_equal(r1.rejects, r3.rejects)
        t1, t3 = r1.totals, r3.totals
        assert t1 == t3 and t1["balanced"]
        for f1, f3 in zip(r1.files, r3.files):
            d1, d3 = f1.to_dict(), f3.to_dict()
            d1.pop("notes"), d3.pop("notes")
            assert d1 == d3
        assert (a1.new, a1.already_present, a1.n_conflicts) == (a3.new, a3.already_present, a3.n_conflicts)
    assert _parts(serial[0]) == _parts(w2)
    assert [f.notes for f in serial[1].files] == [f.notes for f in r2.files]
    return (w1, r1, a1), (w2, r2, a2)


def _csv(path, n=80, extra=()):
    rows = ["id,author,date,content"]
    for i in range(n):
        rows.append(f'{i},o{i % 3},{T.format(i % 60)},"post number {i}\nwith a second line, and ""quotes"""')
    for at, line in extra:
        rows.insert(at, line)
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_blocks_store_what_one_read_stores(tmp_path):
    p = _csv(tmp_path / "p.csv", extra=[
        (12, '5,o2,' + T.format(5) + ',"post number 5\nwith a second line, and ""quotes"""'),  # identical repeat
        (40, '7,o9,' + T.format(7) + ',changed'),     # same id, other outlet and text: rejected, naming row 9
        (50, 'bad,row'),                              # malformed
        (55, ''), (56, ''),                           # blank lines
        (60, '99,o1,not a time,x'),                   # unparseable time
        (65, '98,,' + T.format(1) + ',no outlet'),    # missing outlet
        (68, '96,o1,' + T.format(1) + ',' + 'y' * 5000),   # longer than the field size limit
        (70, '97,o1,' + T.format(1) + ',' + 'z' * 70000),  # a line so long it is cut as it is read
    ])
    (whole, blocks) = _same(tmp_path, [p], chunk=250, max_field=1024)
    w2, r2, _ = blocks
    assert len(w2.manifest["posts"]["parts"]) > 5          # really in blocks
    reasons = r2.rejects.set_index("row")["reason"]
    line_of_9 = 2 + 7 * 2  # header, then two lines per post: id 7 starts on line 16
    # the header, then 39 posts of two lines each before it
    assert reasons.loc[80].startswith(f"conflicting duplicate id: same post_id as {p}:{line_of_9} (kept)")
    assert reasons.str.startswith("line longer than").sum() == 1 and reasons.str.startswith("text longer").sum() == 1
    assert r2.files[0].duplicates_collapsed == 1
    assert "2 blank line(s) ignored" in r2.files[0].notes
    origin = w2.posts(ids=["7"])["origin"].iloc[0]
    assert origin == f"{p}:{line_of_9}"


def test_ids_made_from_content_count_identical_rows_of_earlier_blocks(tmp_path):
    rows = ["author,date,content"] + [f"o1,{T.format(1)},same text"] * 30 + \
        [f"o{i},{T.format(i % 60)},text {i}" for i in range(40)]
    p = tmp_path / "noid.csv"
    p.write_text("\n".join(rows) + "\n")
    _, (w2, r2, a2) = _same(tmp_path, [p], chunk=120)
    assert a2.new == 70 and r2.files[0].derived_ids          # 30 identical rows stay 30 posts


def test_duplicates_across_files_and_the_workspace(tmp_path):
    a = _csv(tmp_path / "a.csv", 30)
    b = tmp_path / "b.csv"
    body = "".join(f'{i},o{i % 3},{T.format(i % 60)},"post number {i}\nwith a second line, and ""quotes"""\n'
                   for i in range(20, 40))
    b.write_text("id,author,date,content\n" + body + f"3,o0,{T.format(3)},other text\n")
    stored = pd.DataFrame({"post_id": ["25", "26"], "outlet": ["o1", "zz"], "published_at": [T.format(25)] * 2,
                           "text": ['post number 25\nwith a second line, and "quotes"', "stored text"]})
    results = []
    for name, chunk, workers in (("w", None, 1), ("b", 200, 1), ("a", 200, 2)):
        ws = Workspace.open(tmp_path / name, create=True)
        with ws.writer():
            ws.add_posts(stored)
            res, app = ws.ingest([str(a), str(b)], chunk_size=chunk, workers=workers)
        results.append((ws, res, app))
    (w1, r1, a1) = results[0]
    for w2, r2, a2 in results[1:]:
        pd.testing.assert_frame_equal(w1.posts(), w2.posts())
        pd.testing.assert_frame_equal(r1.rejects, r2.rejects)
        assert r1.totals == r2.totals
        assert (a1.new, a1.already_present, a1.n_conflicts) == (a2.new, a2.already_present, a2.n_conflicts) \
            == (38, 1, 1)
        pd.testing.assert_frame_equal(a1.conflicts, a2.conflicts)
        assert r2.files[1].duplicates_collapsed == 10 and r2.totals["rejected_by_reason"] == {
            "conflicting duplicate id": 1}
    assert _parts(results[1][0]) == _parts(results[2][0])


def test_json_lines_in_blocks(tmp_path):
    p = tmp_path / "p.jsonl"
    lines = [json.dumps({"id": str(i), "author": f"o{i % 4}", "meta": {"n": i}, "created_at": T.format(i % 60),
                         "text": f"post {i} \u00e9\u4e2d"}) for i in range(60)]
    lines[20] = "{not json"
    lines[30] = json.dumps({"id": "3", "author": "o3", "meta": {"n": 3}, "created_at": T.format(3),
                            "text": "post 3 \u00e9\u4e2d"})
    lines.insert(40, "")
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _, (w2, r2, _) = _same(tmp_path, [p], chunk=400)
    assert len(w2.manifest["posts"]["parts"]) > 3
    assert r2.rejects["row"].tolist() == [21] and r2.files[0].duplicates_collapsed == 1


def test_parquet_in_batches(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    n = 5000
    t = pa.table({"id": [str(i % 4000) for i in range(n)], "outlet": [f"o{i % 4000 % 7}" for i in range(n)],
                  "published_at": [T.format(i % 4000 % 60) for i in range(n)],
                  "text": [f"text {i % 4000}" for i in range(n)]})
    p = tmp_path / "p.parquet"
    pq.write_table(t, p, row_group_size=700)
    _, (w2, r2, _) = _same(tmp_path, [p], chunk=20_000)
    assert len(w2.manifest["posts"]["parts"]) > 2 and r2.files[0].duplicates_collapsed == 1000


@pytest.mark.parametrize("case", ["day_month", "quoting", "legacy"])
def test_what_only_a_whole_file_decides_reads_it_whole(tmp_path, case):
    if case == "day_month":
        rows = ["id,author,date,text"] + [f"{i},o1,0{1 + i % 9}/0{1 + i % 3}/2024 10:00,text {i}" for i in range(60)]
        data = ("\n".join(rows) + "\n").encode()
    elif case == "quoting":
        rows = ["id,author,date,text"] + [f"{i},o1,{T.format(i % 60)},text {i}" for i in range(60)]
        rows[45] = f'45,o1,{T.format(1)},a "quoted" word inside'
        data = ("\n".join(rows) + "\n").encode()
    else:
        rows = ["id,author,date,text"] + [f"{i},o1,{T.format(i % 60)},caf\u00e9 {i}" for i in range(60)]
        data = ("\n".join(rows) + "\n").encode("cp1252")
    p = tmp_path / "p.csv"
    p.write_bytes(data)
    _, (w2, r2, _) = _same(tmp_path, [p], chunk=200)
    assert len(w2.manifest["posts"]["parts"]) == 1
    assert any(n.startswith("read in one piece, not in blocks") for n in r2.files[0].notes)


def test_an_error_stores_nothing(tmp_path):
    a = _csv(tmp_path / "a.csv", 60)
    b = tmp_path / "b.csv"
    b.write_text("id,author,date\n1,o1," + T.format(1) + "\n")
    ws = Workspace.open(tmp_path / "ws", create=True)
    with ws.writer():
        with pytest.raises(IngestError, match="text"):
            ws.ingest([str(a), str(b)], chunk_size=200)
    assert ws.refresh().n_posts == 0 and not list((tmp_path / "ws" / "posts").glob("*.parquet"))


def test_cli_chunk_size(tmp_path):
    from click.testing import CliRunner

    from amplify.cli import cli

    p = _csv(tmp_path / "p.csv", 50, extra=[(30, "bad,row")])
    out = {}
    for name, size, workers in (("a", "0", []), ("b", "1024", []), ("c", "1024", ["--workers", "1"])):
        res = CliRunner().invoke(cli, ["ingest", str(p), "--workspace", str(tmp_path / name), "--chunk-size", size,
                                       "--rejects", str(tmp_path / f"rej-{name}.csv"), "--format", "json", "-q",
                                       *workers])
        assert res.exit_code == 0, res.output
        out[name] = json.loads(res.output)
    for other in ("b", "c"):
        assert out["a"]["ingest"]["totals"] == out[other]["ingest"]["totals"]
        assert out["a"]["append"] == out[other]["append"] == {"new": 50, "already_present": 0, "conflicts": 0}
        assert (tmp_path / "rej-a.csv").read_text() == (tmp_path / f"rej-{other}.csv").read_text()
    res = CliRunner().invoke(cli, ["ingest", str(p), "--workspace", str(tmp_path / "d"), "--workers", "0"])
    assert res.exit_code == 2 and "--workers" in res.output
    res = CliRunner().invoke(cli, ["ingest", str(p), "--workspace", str(tmp_path / "e"), "--chunk-size", "lots"])
    assert res.exit_code == 2 and "not a size" in res.output


def test_generate_stream(tmp_path):
    from amplify.synth.stream import generate_stream

    info = generate_stream(tmp_path / "a", n_posts=6000, days=30, segment_posts=2000, seed=4, viral_week=2500,
                           viral_start_day=10)
    generate_stream(tmp_path / "b", n_posts=6000, days=30, segment_posts=2000, seed=4, viral_week=2500,
                    viral_start_day=10)
    for f in ("posts.csv", "truth_links.csv", "truth_negatives.csv", "outlets.csv", "truth.json"):
        assert hashlib.sha1((tmp_path / "a" / f).read_bytes()).digest() == \
            hashlib.sha1((tmp_path / "b" / f).read_bytes()).digest(), f
    posts = pd.read_csv(tmp_path / "a" / "posts.csv", dtype=str)
    links = pd.read_csv(tmp_path / "a" / "truth_links.csv", dtype=str)
    t = pd.to_datetime(posts["published_at"])
    assert len(posts) == 6000 and posts["post_id"].is_unique and posts["post_id"].is_monotonic_increasing
    assert t.is_monotonic_increasing
    in_week = (t >= pd.Timestamp("2022-01-11", tz="UTC")) & (t < pd.Timestamp("2022-01-18", tz="UTC"))
    assert int(in_week.sum()) == 2500 and info["viral_week"] == {"first_day": 10, "days": 7, "posts": 2500}
    when = dict(zip(posts["post_id"], t))
    assert links["target_id"].isin(when).all() and links["source_id"].isin(when).all()
    assert all(when[s] < when[g] for s, g in zip(links["source_id"], links["target_id"]))
    assert len(links) > 1000 and info["segments"] == 3
    outlets = pd.read_csv(tmp_path / "a" / "outlets.csv", dtype=str)
    assert posts["outlet"].isin(outlets["outlet"]).all()
    # a different seed is another corpus
    generate_stream(tmp_path / "c", n_posts=6000, days=30, segment_posts=2000, seed=5)
    assert (tmp_path / "c" / "posts.csv").read_bytes() != (tmp_path / "a" / "posts.csv").read_bytes()
    assert np.isin(["posts.csv"], [p.name for p in (tmp_path / "c").iterdir()]).all()


@pytest.mark.parametrize("how", ["gzip", "utf-16", "crlf"])
def test_compressed_transcoded_and_crlf_files_in_blocks(tmp_path, how):
    import gzip

    text = _csv(tmp_path / "plain.csv", 60, extra=[(20, "bad,row")]).read_text(encoding="utf-8")
    if how == "gzip":
        p = tmp_path / "p.csv.gz"
        p.write_bytes(gzip.compress(text.encode("utf-8")))   # smaller than a block, expands to many
    elif how == "utf-16":
        p = tmp_path / "p.csv"
        p.write_bytes(text.encode("utf-16"))
    else:
        p = tmp_path / "p.csv"
        p.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    _, (w2, r2, _) = _same(tmp_path, [p], chunk=400)
    assert len(w2.manifest["posts"]["parts"]) > 3 and r2.totals["rejected"] == 1


def test_json_lines_whose_fields_change_further_on_are_read_whole(tmp_path):
    p = tmp_path / "p.jsonl"
    lines = [json.dumps({"id": str(i), "author": "o1", "created_at": T.format(i % 60), "text": f"post {i}"})
             for i in range(60)]
    lines[50] = json.dumps({"id": "50", "author": "o1", "created_at": T.format(50), "text": "x", "lang": "en"})
    lines[5:15] = ["{broken"] * 10   # a whole block of broken lines
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _, (w2, r2, _) = _same(tmp_path, [p], chunk=300)
    assert len(w2.manifest["posts"]["parts"]) == 1 and "lang" in w2.posts().columns
    assert any(n.startswith("read in one piece") for n in r2.files[0].notes)


def _ahead_threads():
    import threading

    return [t for t in threading.enumerate() if t.name == "amplify-ingest-read"]


@pytest.mark.parametrize("workers", [1, 2])
def test_a_broken_later_block_stores_nothing(tmp_path, monkeypatch, workers):
    """A Parquet file whose last row group is damaged: the blocks before it were written as parts, then
    the error; nothing is committed, the parts written are gone, and so are the reading's thread and files."""
    import tempfile

    import pyarrow as pa
    import pyarrow.parquet as pq

    import amplify.workspace.append as append

    n = 5000
    t = pa.table({"id": [str(i) for i in range(n)], "outlet": [f"o{i % 7}" for i in range(n)],
                  "published_at": [T.format(i % 60) for i in range(n)], "text": [f"text {i}" for i in range(n)]})
    p = tmp_path / "p.parquet"
    pq.write_table(t, p, row_group_size=700)
    meta = pq.ParquetFile(p).metadata
    off = meta.row_group(meta.num_row_groups - 1).column(3).data_page_offset
    data = bytearray(p.read_bytes())
    data[off + 20: off + 60] = b"\xff" * 40     # the last row group's text page header
    p.write_bytes(bytes(data))
    written = []
    real_write = append.write_part
    monkeypatch.setattr(append, "write_part", lambda *a, **k: written.append(1) or real_write(*a, **k))
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    ws = Workspace.open(tmp_path / "ws", create=True)
    with ws.writer():
        with pytest.raises(IngestError, match=f"{p.name}: cannot read as Parquet"):
            ws.ingest([str(p)], chunk_size=20_000, workers=workers)
    assert len(written) >= 2                       # the error came in a later block
    assert ws.refresh().n_posts == 0 and not list((tmp_path / "ws" / "posts").glob("*.parquet"))
    assert not list(tmp.iterdir()) and not _ahead_threads()


def _fail_on_call(monkeypatch, module, name, n, exc):
    """Make ``module.name`` raise ``exc`` on its ``n``-th call and behave as before on the others;
    returns the list that grows by one item per call."""
    real, calls = getattr(module, name), []

    def wrapper(*a, **k):
        calls.append(1)
        if len(calls) == n:
            raise exc
        return real(*a, **k)

    monkeypatch.setattr(module, name, wrapper)
    return calls


@pytest.mark.parametrize("where", ["reading", "storing", "interrupt"])
def test_read_ahead_failing_on_either_side_stores_nothing(tmp_path, monkeypatch, where):
    """The reading thread fails at a later block, or the storing (or Ctrl-C) does while the thread reads on:
    the error is raised as it is, nothing is stored, and the thread has stopped when ingest returns."""
    import amplify.ingest.posts as posts_mod
    import amplify.workspace.append as append

    p = _csv(tmp_path / "p.csv", 80)
    if where == "reading":
        error, match = IngestError, "sixth block"
        calls = _fail_on_call(monkeypatch, posts_mod, "to_posts", 6, IngestError("the sixth block is broken"))
    else:
        error, match = (KeyboardInterrupt if where == "interrupt" else OSError), "no space"
        calls = _fail_on_call(monkeypatch, append, "append_posts", 3, error("no space left"))
    ws = Workspace.open(tmp_path / "ws", create=True)
    with ws.writer():
        with pytest.raises(error, match=match):
            ws.ingest([str(p)], chunk_size=300, workers=2)
    assert len(calls) >= 3
    assert ws.refresh().n_posts == 0 and not list((tmp_path / "ws" / "posts").glob("*.parquet"))
    assert not _ahead_threads()


def test_read_ahead_hands_on_items_and_errors_in_order():
    from amplify.ingest.read_ahead import ReadAhead

    closed = []

    def gen(fail_at=None):
        try:
            for i in range(10):
                if i == fail_at:
                    raise ValueError(f"item {i}")
                yield i
        finally:
            closed.append(fail_at)

    assert list(ReadAhead(gen(), depth=2)) == list(range(10)) and closed == [None]
    got = []
    with pytest.raises(ValueError, match="item 4"):
        for x in ReadAhead(gen(4)):
            got.append(x)
    assert got == [0, 1, 2, 3] and closed == [None, 4]
    ahead = ReadAhead(gen(-1))       # stopped early: the generator is closed in its thread, which ends
    assert next(iter(ahead)) == 0
    ahead.close()
    assert closed == [None, 4, -1] and not ahead._thread.is_alive()


@pytest.mark.parametrize("workers", [0, -1, 1.5, True, "2"])
def test_workers_must_be_a_whole_number_of_one_or_more(tmp_path, workers):
    p = _csv(tmp_path / "p.csv", 5)
    ws = Workspace.open(tmp_path / "ws", create=True)
    with ws.writer():
        with pytest.raises(IngestError, match="workers must be a whole number of 1 or more"):
            ws.ingest([str(p)], workers=workers)
    assert ws.refresh().n_posts == 0
