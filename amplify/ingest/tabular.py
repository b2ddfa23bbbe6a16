"""Reading one file of posts: which format it is, and the reader for it.

Two layers, one file at a time:

* :func:`read_table` turns one file into a :class:`~amplify.ingest.raw.RawTable`:
  its source columns as strings, the *human* row number of every row (the line
  a text editor shows for CSV/TSV and JSON Lines, the 1-based position for
  JSON arrays and Parquet) and the rows that could not be read at all
  (malformed CSV rows, invalid JSON lines) with their reasons;
* :func:`~amplify.ingest.posts.to_posts` maps source columns to the canonical
  ``posts`` columns (explicit mapping first, then automatic recognition),
  parses times to UTC and sorts every row into accepted or rejected, with one
  reason per rejected row.

The readers, each in its module: CSV/TSV (:mod:`~amplify.ingest.delimited`,
with the fast :mod:`~amplify.ingest.csv_fast` and strict
:mod:`~amplify.ingest.csv_strict` readers), JSON Lines and JSON records
(:mod:`~amplify.ingest.json_records`), Parquet (:mod:`~amplify.ingest.parquet`),
Twitter/X (:mod:`~amplify.ingest.twitter`) and Telegram
(:mod:`~amplify.ingest.telegram`) exports. Files are opened and decompressed
by :mod:`~amplify.ingest.files`.

>>> detect_format("posts.json", b'{"messages": [], "name": "tass"}')
'telegram'
>>> detect_format("export.txt", b"id;text")
'csv'
"""

from __future__ import annotations

import json

from amplify.ingest import telegram, twitter
from amplify.ingest.columns import OUTLET_ALIASES, POST_ALIASES, resolve_columns
from amplify.ingest.delimited import read_delimited
from amplify.ingest.files import FORMAT_OF_SUFFIX, byte_order_mark, file_stem, load_bytes
from amplify.ingest.json_records import read_json, read_jsonl
from amplify.ingest.parquet import read_parquet
from amplify.ingest.posts import to_posts
from amplify.ingest.raw import RawTable, forget_json, json_document
from amplify.ingest.report import IngestError
from amplify.ingest.values import to_str

# POST_ALIASES, OUTLET_ALIASES, resolve_columns, to_posts, to_str, file_stem and
# RawTable live in their own modules now; they stay importable from here, where
# they were before ingest was split by concept, so that scripts still run.
__all__ = [
    "RawTable",
    "POST_ALIASES",
    "OUTLET_ALIASES",
    "FORMATS",
    "read_table",
    "detect_format",
    "resolve_columns",
    "to_posts",
    "to_str",
    "file_stem",
]

#: Formats :func:`read_table` knows (``fmt=`` values).
FORMATS = ("csv", "tsv", "jsonl", "json", "parquet", "twitter", "telegram")

#: How many bytes from the start are looked at to find a file's first character.
HEAD_BYTES = 4096

#: The first bytes of a Parquet file.
PARQUET_MAGIC = b"PAR1"


def _first_char(data: bytes) -> str:
    enc, off = byte_order_mark(data)
    head = data[off: off + HEAD_BYTES]
    if enc and enc.startswith(("utf-16", "utf-32")):
        head = head.decode(enc.replace("-sig", ""), "ignore").encode()
    s = head.lstrip()
    return chr(s[0]) if s else ""


def detect_format(name: str, data: bytes) -> str:
    """The format of a file from its (inner) name and content.

    ``.json`` files are looked into: a Telegram export (``messages`` or
    ``chats``), Twitter API pages (``data``/``includes``) or v1 tweets become
    ``telegram`` / ``twitter``; JSON Lines whose records are Twitter pages or
    v1 tweets become ``twitter`` too.
    """
    low = name.lower()
    if data[:4] == PARQUET_MAGIC:
        return "parquet"
    ext = next((e for e in FORMAT_OF_SUFFIX if low.endswith(e)), None)
    fmt = FORMAT_OF_SUFFIX.get(ext) if ext else None
    first = _first_char(data)
    if fmt in (None, "json", "jsonl") and first in ("{", "["):
        return _sniff_json(data, fmt)
    return fmt or "csv"


def _sniff_json(data: bytes, fmt_hint: str | None) -> str:
    text, obj = json_document(data)
    if not isinstance(obj, ValueError):
        if isinstance(obj, dict) and telegram.looks_like(obj):
            return "telegram"
        if twitter.looks_like(obj):
            return "twitter"
        return "json"
    # JSON Lines: look at the first object
    pos = 0
    while pos < len(text):
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        line = text[pos:end]
        pos = end + 1
        if line.strip():
            try:
                first = json.loads(line)
            except ValueError:
                return "jsonl"
            return "twitter" if twitter.looks_like(first) else "jsonl"
    return fmt_hint or "jsonl"


def read_table(path, fmt: str | None = None, encoding: str | None = None, *, force_slow: bool = False) -> RawTable:
    """Read one file into a :class:`RawTable` (any format in :data:`FORMATS`).

    ``encoding`` applies to CSV/TSV files; ``force_slow`` reads them with the
    strict reader only (to compare the two readers).
    """
    path_s = str(path)
    data, inner = load_bytes(path)
    if fmt is not None and fmt not in FORMATS:
        raise IngestError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    try:
        fmt = fmt or detect_format(inner, data)
        if fmt in ("csv", "tsv"):
            return read_delimited(data, path_s, fmt, encoding, force_slow)
        if fmt == "jsonl":
            return read_jsonl(data, path_s)
        if fmt == "json":
            return read_json(data, path_s)
        if fmt == "parquet":
            return read_parquet(data, path_s)
        if fmt == "twitter":
            return twitter.read(data, path_s)
        return telegram.read(data, path_s)
    except UnicodeDecodeError as exc:
        raise IngestError(f"{path_s}: not UTF-8 text ({exc})") from exc
    finally:
        forget_json()
