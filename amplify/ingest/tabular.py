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

from amplify.ingest import telegram, twitter
from amplify.ingest.columns import OUTLET_ALIASES, POST_ALIASES, resolve_columns
from amplify.ingest.delimited import read_delimited
from amplify.ingest.files import FORMAT_OF_SUFFIX, byte_order_mark, file_stem
from amplify.ingest.json_records import RECORD_LIST_KEYS, read_json, read_jsonl
from amplify.ingest.loading import PARQUET_MAGIC, Loaded, load_input
from amplify.ingest.oversize import DEFAULT_MAX_FIELD, MAX_JSON_DEPTH, Cuts, LineFilter
from amplify.ingest.parquet import read_parquet
from amplify.ingest.posts import to_posts
from amplify.ingest.raw import RawTable, forget_json, json_document, loads
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


def _first_char(data: bytes) -> str:
    enc, off = byte_order_mark(data)
    head = bytes(data[off: off + HEAD_BYTES])
    if enc and enc.startswith(("utf-16", "utf-32")):
        head = head.decode(enc.replace("-sig", ""), "ignore").encode()
    s = head.lstrip()
    return chr(s[0]) if s else ""


def detect_format(name: str, data) -> str:
    """The format of a file from its (inner) name and content.

    ``.json`` files are looked into: a Telegram export (``messages`` or
    ``chats``), Twitter API pages (``data``/``includes``) or v1 tweets become
    ``telegram`` / ``twitter``; JSON Lines whose records are Twitter pages or
    v1 tweets become ``twitter`` too. A ``.jsonl``/``.ndjson`` file is JSON
    Lines whatever it holds (one record is one line); a file that begins with
    ``[`` is one JSON document, complete or not.
    """
    raw = data.data if isinstance(data, Loaded) else data
    low = name.lower()
    if raw[:4] == PARQUET_MAGIC:
        return "parquet"
    ext = next((e for e in FORMAT_OF_SUFFIX if low.endswith(e)), None)
    fmt = FORMAT_OF_SUFFIX.get(ext) if ext else None
    first = _first_char(raw)
    if fmt in (None, "json", "jsonl") and first in ("{", "["):
        return _sniff_json(data, fmt, first)
    return fmt or "csv"


def _first_line(text: str) -> str | None:
    pos = 0
    while pos < len(text):
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        line = text[pos:end]
        pos = end + 1
        if line.strip():
            return line
    return None


def _sniff_json(data, fmt_hint: str | None, first: str) -> str:
    text, obj = json_document(data)
    if fmt_hint == "jsonl":
        line = _first_line(text)
        try:
            return "twitter" if line is not None and twitter.looks_like(loads(line)) else "jsonl"
        except ValueError:
            return "jsonl"
    if not isinstance(obj, ValueError):
        if isinstance(obj, dict) and telegram.looks_like(obj):
            return "telegram"
        if twitter.looks_like(obj):
            return "twitter"
        if fmt_hint is None and isinstance(obj, dict) and not any(isinstance(obj.get(k), list)
                                                                   for k in RECORD_LIST_KEYS):
            return "jsonl"  # no name to go by (standard input, a pipe): one object is one record
        return "json"
    if first == "[":
        return "json"  # one document, damaged or cut short: read_json says where
    line = _first_line(text)
    try:
        rec = loads(line) if line is not None else None
    except ValueError:
        return fmt_hint or "jsonl"  # a .json file whose first line is no record: one (broken) document
    return "twitter" if twitter.looks_like(rec) else "jsonl"


def read_table(path, fmt: str | None = None, encoding: str | None = None, *, force_slow: bool = False,
               max_field: int = DEFAULT_MAX_FIELD, header: bool = True) -> RawTable:
    """Read one file into a :class:`RawTable` (any format in :data:`FORMATS`).

    ``path`` is a file, a named pipe or ``"-"`` (standard input), read once.
    ``encoding`` names the text encoding (default: UTF-8, or what a byte
    order mark or UTF-16's zero bytes show); ``max_field`` is the longest
    value kept, in bytes (longer ones are rejected with their row);
    ``force_slow`` reads CSV/TSV with the strict reader only (to compare the
    two readers); ``header=False``: a CSV/TSV file has no header line (its
    columns are ``column_1`` ...).
    """
    if fmt is not None and fmt not in FORMATS:
        raise IngestError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    src = load_input(path, fmt, encoding, max_field)
    try:
        raw = _read_loaded(src, fmt, force_slow, header)
    finally:
        forget_json()
    raw.max_field = max_field
    raw.cuts = Cuts.of(src.filter)
    if isinstance(src.filter, LineFilter) and any(src.filter.spans):  # cut records removed line breaks
        raw.rows = src.filter.input_lines(raw.rows)
        for r in raw.rejects:
            r["row"] = int(src.filter.input_line(r["row"]))
    return raw


def _read_loaded(src: Loaded, fmt: str | None, force_slow: bool, header: bool = True) -> RawTable:
    path = src.path
    fmt = fmt or detect_format(src.name, src)
    deep = src.family == "json" and src.filter.first_deep_line
    if deep and (fmt in ("json", "telegram") or (fmt == "twitter" and _one_document(src))):
        _too_deep(src)
    if fmt in ("csv", "tsv"):
        return read_delimited(src, path, fmt, src.encoding, force_slow, header)
    if fmt == "jsonl":
        return read_jsonl(src, path)
    if fmt == "json":
        return read_json(src, path)
    if fmt == "parquet":
        return read_parquet(src, path)
    if fmt == "twitter":
        return twitter.read(src, path)
    return telegram.read(src, path)


def _one_document(src: Loaded) -> bool:
    """Is the JSON text one document (not JSON Lines)? A document cut short counts as one when it opens with [."""
    obj = json_document(src)[1]
    return not isinstance(obj, ValueError) or _first_char(src.data) == "["


def _too_deep(src: Loaded):
    line = src.filter.first_deep_line
    raise IngestError(f"{src.path}: line {line}: JSON nested more than {MAX_JSON_DEPTH} levels deep; "
                      f"amplify reads exports nested at most {MAX_JSON_DEPTH} levels (is this a post export?)",
                      path=src.path)
