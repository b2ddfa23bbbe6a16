"""Values over the field size limit (cut while decompressing, rejected with their size), and ids made
from content (the same rows by any path are the same posts). Each case checks what run_case lists."""

from __future__ import annotations

import gzip
import json
import zlib

import pandas as pd
import pytest

from rel_support import (Case, Reject, Row, T0, assert_no_traceback, assert_readable, csv_bytes, invoke, jsonl_bytes,
                         post, run_case)

MB = 1 << 20
SMALL = "4KB"   # a limit the cases can exceed without writing megabytes


def _bomb(field_mb: int) -> bytes:
    """A gzip CSV holding one field of ``field_mb`` MB of one letter between two good rows (compresses ~1000x)."""
    co = zlib.compressobj(9, zlib.DEFLATED, 31)
    out = co.compress(b"outlet,published_at,text\ntass,%s,before\nrt,%s," % (T0.encode(), T0.encode()))
    block = b"A" * MB
    for _ in range(field_mb):
        out += co.compress(block)
    out += co.compress(b"\ncgtn,%s,after\n" % T0.encode())
    return out + co.flush()


CASES = [
    Case("a CSV line far over the limit is cut while reading, its row rejected with its size",
         {"a.csv": csv_bytes([["tass", T0, "before"], ["rt", T0, "x" * 100_000], ["cgtn", T0, "after"]])},
         [Row("tass", "before"), Row("cgtn", "after")], [Reject("a.csv", 3, f"line longer than 72 KiB ({len(f'rt,{T0},') + 100_000:,} bytes)")],
         args=["--max-field-size", SMALL]),
    Case("a CSV field just over the limit: measured exactly after reading",
         {"a.csv": csv_bytes([["tass", T0, "before"], ["rt", T0, "y" * 4097], ["cgtn", T0, "z" * 4096]])},
         [Row("tass", "before"), Row("cgtn", "z" * 4096)],
         [Reject("a.csv", 3, "text longer than the field size limit: 4,097 bytes > 4 KiB", "text")],
         args=["--max-field-size", SMALL]),
    Case("a quoted CSV field over the limit on many short lines",
         {"a.csv": csv_bytes([["tass", T0, "before"], ["rt", T0, "line\n" * 2000], ["cgtn", T0, "after"]])},
         [Row("tass", "before"), Row("cgtn", "after")], [Reject("a.csv", 3, "text longer than the field size limit")],
         args=["--max-field-size", SMALL]),
    Case("a quoted field of 20,000 lines over the record limit: cut while reading, later lines numbered right",
         {"a.csv": csv_bytes([["tass", T0, "before"], ["rt", T0, "xxxxxxx\n" * 20_000], ["cgtn", "no time", "t"],
                              ["bbc", T0, "after"]])},
         [Row("tass", "before"), Row("bbc", "after")],
         [Reject("a.csv", 3, "row running over lines 3-20,003 longer than 128 KiB"),
          Reject("a.csv", 3 + 20_000 + 1, "unparseable time")],
         args=["--max-field-size", SMALL]),
    Case("a tab-separated file whose text opens a quote never closed: the filter cuts nothing, every row kept",
         {"a.tsv": ("outlet\tpublished_at\ttext\n" + "".join(f"o{i}\t{T0}\t{q}quote {i}\n" for i, q in
                                                               enumerate(['"', "", 'say "x', ""] * 50))).encode()},
         [Row(f"o{i}", f"{q}quote {i}") for i, q in enumerate(['"', "", 'say "x', ""] * 50)],
         args=["--max-field-size", SMALL]),
    Case("an extra column over the limit rejects its row, naming the column",
         {"a.csv": csv_bytes([["tass", T0, "ok", "n"], ["rt", T0, "t", "q" * 5000]],
                             header=("outlet", "published_at", "text", "note"))},
         [Row("tass", "ok")], [Reject("a.csv", 3, "note longer than the field size limit", "note")],
         args=["--max-field-size", SMALL]),
    Case("a JSON Lines string far over the limit is cut while reading",
         {"a.jsonl": jsonl_bytes([post("tass", "before"), post("rt", "x" * 30_000), post("cgtn", "after")])},
         [Row("tass", "before"), Row("cgtn", "after")],
         [Reject("a.jsonl", 2, "text longer than the field size limit: 30,000 bytes as written > 4 KiB", "text")],
         args=["--max-field-size", SMALL]),
    Case("a JSON Lines text of escapes: measured once decoded (6,000 bytes written, 1,000 kept)",
         {"a.jsonl": ('{"outlet": "tass", "published_at": "%s", "text": "%s"}\n' % (T0, "\\u00e9" * 1000)).encode()},
         [Row("tass", "é" * 1000)], args=["--max-field-size", "4KB"]),
    Case("a string over the limit inside a JSON array",
         {"a.json": json.dumps([post("tass", "ok"), post("rt", "x" * 30_000)]).encode()},
         [Row("tass", "ok")], [Reject("a.json", 2, "longer than the field size limit")],
         args=["--max-field-size", SMALL]),
    Case("a Telegram text assembled from parts over the limit",
         {"result.json": json.dumps({"name": "c", "type": "public_channel", "messages": [
             {"id": 1, "type": "message", "date_unixtime": "1709287200", "text": "ok"},
             {"id": 2, "type": "message", "date_unixtime": "1709287200", "text": ["p" * 3000] * 3}]}).encode()},
         [Row("c", "ok", "2024-03-01T10:00:00Z", "c/1")], [Reject("result.json", 2, "text longer than the field size")],
         args=["--max-field-size", SMALL]),
    Case("a raised limit keeps a 5 MB text",
         {"a.csv.gz": gzip.compress(csv_bytes([["tass", T0, "w" * (5 * MB)]]))}, [Row("tass", "w" * (5 * MB))],
         args=["--max-field-size", "6MB"]),
    Case("a zip-bomb-like gzip (40 MB field in 40 KB): cut, the rows around it kept",
         {"bomb.csv.gz": _bomb(40)}, [Row("tass", "before"), Row("cgtn", "after")],
         [Reject("bomb.csv.gz", 3, f"line longer than 2.1 MiB ({len(f'rt,{T0},') + 40 * MB:,} bytes)")]),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_oversize_case(case, tmp_path):
    run_case(case, tmp_path)


# --------------------------------------------------------------------------- ids from content

ROWS = [["tass", T0, "Заявление"], ["rt", "2024-03-01T11:00:00Z", "Statement"], ["rt", "2024-03-01T11:00:00Z",
                                                                                  "Statement"]]


def _ingest(tmp_path, *files, ws="ws"):
    res = invoke("ingest", *files, "--workspace", tmp_path / ws, "-q")
    assert_no_traceback(res)
    assert res.exit_code == 0, res.output
    return res.output


def test_the_same_file_by_another_path_adds_nothing(tmp_path):
    data = csv_bytes(ROWS)
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "posts.csv").write_bytes(data)
    (tmp_path / "copy.csv").write_bytes(data)
    assert "3 new" in _ingest(tmp_path, tmp_path / "a" / "posts.csv")
    assert "0 new, 3 already present" in _ingest(tmp_path, tmp_path / "copy.csv")
    assert "0 new, 3 already present" in _ingest(tmp_path, tmp_path / "a" / ".." / "a" / "posts.csv")
    assert_readable(tmp_path / "ws")


def test_two_files_of_one_name_never_collide(tmp_path):
    for d, text in (("x", "first file"), ("y", "second file")):
        (tmp_path / d).mkdir()
        (tmp_path / d / "posts.csv").write_bytes(csv_bytes([["tass", T0, text]]))
    _ingest(tmp_path, tmp_path / "x" / "posts.csv")
    _ingest(tmp_path, tmp_path / "y" / "posts.csv")
    from amplify.workspace import Workspace

    assert sorted(Workspace.open(tmp_path / "ws").posts()["text"]) == ["first file", "second file"]


def test_identical_rows_are_as_many_posts_as_rows_and_stable(tmp_path):
    (tmp_path / "p.csv").write_bytes(csv_bytes(ROWS))
    _ingest(tmp_path, tmp_path / "p.csv")
    from amplify.workspace import Workspace

    posts = Workspace.open(tmp_path / "ws").posts()
    assert len(posts) == 3 and posts["post_id"].is_unique
    assert "0 new, 3 already present" in _ingest(tmp_path, tmp_path / "p.csv")


def test_the_same_instant_written_in_another_zone_or_format_is_the_same_post(tmp_path):
    (tmp_path / "a.csv").write_bytes(csv_bytes([["tass", "2024-03-01T13:00:00+03:00", "Заявление"]]))
    (tmp_path / "b.jsonl").write_bytes(jsonl_bytes([post("tass", "Заявление", 1709287200)]))
    _ingest(tmp_path, tmp_path / "a.csv")
    assert "0 new, 1 already present" in _ingest(tmp_path, tmp_path / "b.jsonl")


def test_a_workspace_with_the_old_file_row_ids_recognises_the_file_again(tmp_path):
    """Workspaces written before content ids hold ``<stem>:<row>`` ids; re-ingesting the file adds nothing."""
    from amplify.workspace import Workspace

    (tmp_path / "posts.csv").write_bytes(csv_bytes(ROWS))
    ws = Workspace.open(tmp_path / "ws", create=True)
    old = pd.DataFrame({"post_id": ["posts:2", "posts:3", "posts:4"], "outlet": [r[0] for r in ROWS],
                        "published_at": [r[1] for r in ROWS], "text": [r[2] for r in ROWS]})
    with ws.writer():
        ws.add_posts(old)
    assert "0 new, 3 already present" in _ingest(tmp_path, tmp_path / "posts.csv")
    assert sorted(Workspace.open(tmp_path / "ws").posts()["post_id"]) == ["posts:2", "posts:3", "posts:4"]
    # a fourth identical row is a new post (as many posts as rows)
    (tmp_path / "more.csv").write_bytes(csv_bytes(ROWS + [ROWS[2]]))
    assert "1 new, 3 already present" in _ingest(tmp_path, tmp_path / "more.csv")
