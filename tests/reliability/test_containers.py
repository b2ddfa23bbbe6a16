"""Parquet of every type, compressed and archived files (damaged, truncated, concatenated), pipes and
standard input, and options given wrong. Each case checks what rel_support.run_case lists."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
import threading
import zipfile

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from rel_support import (Case, Reject, Row, T0, assert_no_traceback, assert_readable, csv_bytes, invoke, jsonl_bytes,
                         post, run_case)

TEXTS = ["Заявление МИД", "中方表示", "Statement", "نص عربي"]
CSV = csv_bytes([["tass", T0, TEXTS[0]], ["cgtn", T0, TEXTS[1]], ["rt", T0, TEXTS[2]]])
CSV_ROWS = [Row("tass", TEXTS[0]), Row("cgtn", TEXTS[1]), Row("rt", TEXTS[2])]
BIG_ID = 1480512345678901234


def _parquet(columns: dict, schema: pa.Schema | None = None) -> bytes:
    buf = io.BytesIO()
    pq.write_table(pa.table(columns, schema=schema), buf)
    return buf.getvalue()


def _times(n):
    return pa.array([1709287200 * 10**9] * n, pa.timestamp("ns", "UTC"))


def _zip(files: dict, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()


def _flip(data: bytes, at: int) -> bytes:
    b = bytearray(data)
    b[at] ^= 0xFF
    return bytes(b)


PARQUET = [
    Case("Parquet text stored as BINARY (no UTF-8 annotation) is text, not b'...'",
         {"a.parquet": _parquet({"outlet": pa.array([b"tass", b"cgtn"], pa.binary()),
                                 "text": pa.array([t.encode() for t in TEXTS[:2]], pa.binary()),
                                 "published_at": _times(2)})},
         [Row("tass", TEXTS[0]), Row("cgtn", TEXTS[1])]),
    Case("Parquet BINARY with a value that is not UTF-8: that row is rejected",
         {"a.parquet": _parquet({"outlet": ["tass", "cgtn"],
                                 "text": pa.array([TEXTS[0].encode(), b"bad \xff"], pa.large_binary()),
                                 "published_at": _times(2)})},
         [Row("tass", TEXTS[0])], [Reject("a.parquet", 2, "byte 0xff is not valid utf-8")]),
    Case("Parquet int64 ids with a null stay exact; the null is a missing id",
         {"a.parquet": _parquet({"id": pa.array([BIG_ID, None, BIG_ID + 2], pa.int64()),
                                 "outlet": ["tass", "cgtn", "rt"], "text": TEXTS[:3], "published_at": _times(3)})},
         [Row("tass", TEXTS[0], post_id=str(BIG_ID)), Row("rt", TEXTS[2], post_id=str(BIG_ID + 2))],
         [Reject("a.parquet", 2, "missing id")]),
    Case("Parquet uint64 ids above the int64 range",
         {"a.parquet": _parquet({"id": pa.array([2**64 - 1], pa.uint64()), "outlet": ["tass"], "text": TEXTS[:1],
                                 "published_at": _times(1)})},
         [Row("tass", TEXTS[0], post_id=str(2**64 - 1))]),
    Case("Parquet large_string and dictionary-encoded columns",
         {"a.parquet": _parquet({"outlet": pa.array(["tass", "tass"]).dictionary_encode(),
                                 "text": pa.array(TEXTS[:2], pa.large_string()), "published_at": _times(2)})},
         [Row("tass", TEXTS[0]), Row("tass", TEXTS[1])]),
    Case("Parquet list and struct columns: a text list joined, a struct kept as JSON text",
         {"a.parquet": _parquet({"outlet": ["tass"], "text": pa.array([["Read ", "this"]]),
                                 "meta": pa.array([{"a": 1}]), "published_at": _times(1)})},
         [Row("tass", "Read this")]),
    Case("Parquet times without a zone are UTC",
         {"a.parquet": _parquet({"outlet": ["tass"], "text": TEXTS[:1],
                                 "published_at": pa.array([1709287200 * 10**6], pa.timestamp("us"))})},
         [Row("tass", TEXTS[0])]),
    Case("a truncated Parquet file is refused, naming it",
         {"a.parquet": _parquet({"outlet": ["tass"], "text": TEXTS[:1], "published_at": _times(1)})[:-30]},
         code=1, message=["a.parquet: cannot read as Parquet"]),
    Case("a Parquet value over the field size limit rejects its row",
         {"a.parquet": _parquet({"outlet": ["tass", "cgtn"], "text": [TEXTS[0], "x" * 5000], "published_at": _times(2)})},
         [Row("tass", TEXTS[0])], [Reject("a.parquet", 2, "text longer than the field size limit: 5,000 bytes")],
         args=["--max-field-size", "4KB"]),
]

ARCHIVES = [
    Case("gzip", {"a.csv.gz": gzip.compress(CSV)}, CSV_ROWS),
    Case("bzip2", {"a.csv.bz2": bz2.compress(CSV)}, CSV_ROWS),
    Case("xz", {"a.csv.xz": lzma.compress(CSV)}, CSV_ROWS),
    Case("two gzip streams one after the other (cat a.gz b.gz)",
         {"a.csv.gz": gzip.compress(CSV) + gzip.compress(b"bbc,%s,more\n" % T0.encode())},
         CSV_ROWS + [Row("bbc", "more")]),
    Case("gzip padded with zero bytes", {"a.csv.gz": gzip.compress(CSV) + b"\x00" * 512}, CSV_ROWS),
    Case("a zip holding one JSON Lines file",
         {"a.zip": _zip({"inner/posts.jsonl": jsonl_bytes([post("tass", TEXTS[0])])})}, [Row("tass", TEXTS[0])]),
    Case("a truncated gzip: refused, not 'Aborted!'", {"a.csv.gz": gzip.compress(CSV)[:-12]},
         code=1, message=["a.csv.gz: the gzip data ends before its end marker", "truncated"]),
    Case("a truncated bzip2", {"a.csv.bz2": bz2.compress(CSV)[:-10]},
         code=1, message=["a.csv.bz2:", "bzip2", "truncated"]),
    Case("a truncated xz", {"a.csv.xz": lzma.compress(CSV)[:-10]}, code=1, message=["a.csv.xz:", "xz"]),
    Case("gzip with a flipped byte (CRC error)", {"a.csv.gz": _flip(gzip.compress(CSV), -6)},
         code=1, message=["a.csv.gz: damaged gzip data"]),
    Case("gzip followed by garbage", {"a.csv.gz": gzip.compress(CSV) + b"garbage"},
         code=1, message=["a.csv.gz: bytes after the end of the gzip data are not gzip data"]),
    Case("a file named .gz that is not gzip", {"a.csv.gz": CSV},
         code=1, message=["a.csv.gz: named like a gzip file, but it is not gzip-compressed"]),
    Case("a zip cut in half", {"a.zip": _zip({"a.csv": CSV})[:len(_zip({"a.csv": CSV})) // 2]},
         code=1, message=["a.zip: not a readable zip archive", "damaged or truncated"]),
    Case("a zip whose data is damaged", {"a.zip": _flip(_zip({"a.csv": CSV}), 60)},
         code=1, message=["a.zip: cannot read a.csv inside the zip archive"]),
    Case("a zip holding two files", {"a.zip": _zip({"a.csv": CSV, "b.csv": CSV})},
         code=1, message=["a.zip: a zip archive must hold exactly one data file", "found 2"]),
    Case("a file named .zip that is not one", {"a.zip": CSV}, code=1, message=["a.zip: named like a zip archive"]),
    Case("an empty zip archive is called empty, not 'not a zip'", {"a.zip": b"PK\x05\x06" + bytes(18)}, code=1,
         message=["a.zip: an empty zip archive (it holds no file)"]),
    Case("an empty gzip", {"a.csv.gz": gzip.compress(b"")}, code=1, message=["a.csv.gz: the file is empty"]),
    Case("an empty file", {"a.csv": b""}, code=1, message=["a.csv: the file is empty"]),
    Case("standard input, plain", {}, CSV_ROWS, stdin=CSV),
    Case("standard input, gzip-compressed", {}, CSV_ROWS, stdin=gzip.compress(CSV)),
    Case("standard input, a zip", {}, CSV_ROWS, stdin=_zip({"a.csv": CSV})),
    Case("standard input, empty", {}, stdin=b"", code=1, message=["<stdin>: the file is empty"]),
]

OPTIONS = [
    Case("a --time-format with a bad directive is a usage error naming the flag",
         {"a.csv": CSV}, args=["--time-format", "%d/%m/%Q"], code=2, message=["--time-format", "'Q' is a bad directive"]),
    Case("a --time-format without any directive", {"a.csv": CSV}, args=["--time-format", "dd/mm/yyyy"],
         code=2, message=["--time-format", "no % directive"]),
    Case("a --time-format that pandas' regex rejects", {"a.csv": CSV}, args=["--time-format", "%z%z"],
         code=2, message=["--time-format", "is not a strptime layout"]),
    Case("a good --time-format reads what it says",
         {"a.csv": csv_bytes([["tass", "01/03/2024 10:00", TEXTS[0]]])}, [Row("tass", TEXTS[0])],
         args=["--time-format", "%d/%m/%Y %H:%M"]),
    Case("--max-field-size that is not a size", {"a.csv": CSV}, args=["--max-field-size", "big"],
         code=2, message=["--max-field-size", "not a size"]),
    Case("--max-field-size below the minimum", {"a.csv": CSV}, args=["--max-field-size", "10"],
         code=2, message=["--max-field-size", "at least 1,024 bytes"]),
    Case("--map naming a column the file lacks", {"a.csv": CSV}, args=["--map", "text=body"],
         code=1, message=["a.csv: --map text=body: no column 'body'"]),
    Case("no column for the text: the flag that fixes it", {"a.csv": csv_bytes([["a", T0, "b"]],
                                                                                header=("who", "when", "what"))},
         code=1, message=["a.csv: no column for 'text'", "--map text=COLUMN"]),
]


@pytest.mark.parametrize("case", PARQUET + ARCHIVES + OPTIONS, ids=str)
def test_container_case(case, tmp_path):
    run_case(case, tmp_path)


def test_a_named_pipe_is_read_once_as_a_stream(tmp_path):
    fifo = tmp_path / "posts.csv"
    os.mkfifo(fifo)

    def writer():
        with open(fifo, "wb") as fh:
            fh.write(gzip.compress(CSV))

    t = threading.Thread(target=writer, daemon=True)
    t.start()
    res = invoke("ingest", fifo, "--workspace", tmp_path / "ws", "-q")
    t.join(10)
    assert_no_traceback(res)
    assert res.exit_code == 0 and "3 new" in res.output, res.output
    assert_readable(tmp_path / "ws")


def test_standard_input_twice_is_a_usage_error(tmp_path):
    res = invoke("ingest", "-", "-", "--workspace", tmp_path / "ws", stdin=CSV)
    assert_no_traceback(res)
    assert res.exit_code == 2 and "standard input (-) can be read only once" in res.output


def test_a_folder_or_a_missing_file_is_a_usage_error(tmp_path):
    for arg in (tmp_path, tmp_path / "missing.csv"):
        res = invoke("ingest", arg, "--workspace", tmp_path / "ws")
        assert_no_traceback(res)
        assert res.exit_code == 2 and str(arg.name) in res.output
