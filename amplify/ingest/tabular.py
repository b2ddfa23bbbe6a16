"""Reading tables of posts: CSV/TSV, JSON Lines, JSON records, Parquet.

Two layers:

* :func:`read_table` turns one file into a :class:`RawTable`: its source
  columns as strings, the *human* row number of every row (the line a text
  editor shows for CSV/TSV and JSON Lines, the 1-based position for JSON arrays
  and Parquet) and the rows that could not be read at all (malformed CSV rows,
  invalid JSON lines) with their reasons.
* :func:`to_posts` maps source columns to the canonical ``posts`` columns
  (explicit mapping first, then automatic recognition), parses times to UTC and
  sorts every row into accepted or rejected, with one reason per rejected row.

CSV is read with pyarrow's multithreaded parser, checked against a numpy scan
of the raw bytes that finds where every record starts (so each row knows its
line number) and whether the quoting is clean. Files whose quoting is not
clean, or where the two disagree, are read instead by the strict Python
``csv`` module, record by record, so that a broken row is reported with its
line number instead of being silently mangled (``"bad"quote`` read as
``badquote``) or taking the rest of the file with it.
"""

from __future__ import annotations

import bz2
import csv
import gc
import gzip
import io
import itertools
import json
import lzma
import re
import threading
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from numba import njit

from amplify.ingest.report import IngestError
from amplify.ingest.times import parse_times_detail

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

#: Source column names recognised for each canonical posts column, in order of
#: preference (compared case-insensitively, spaces and hyphens read as ``_``).
POST_ALIASES: dict[str, tuple[str, ...]] = {
    "post_id": ("post_id", "id_str", "id", "tweet_id", "message_id", "status_id"),
    "text": ("text", "full_text", "content", "message", "body"),
    "published_at": ("published_at", "created_at", "date", "timestamp", "publish_date", "time",
                     "datetime", "published", "date_published", "pubdate", "posted_at"),
    "outlet": ("outlet", "author", "username", "screen_name", "user.screen_name", "user.username",
               "author.username", "user", "site", "publisher", "source", "channel", "handle", "account"),
    "url": ("url", "link", "permalink"),
    "lang": ("lang", "language"),
    "title": ("title", "headline"),
    "reposted_id": ("reposted_id", "retweeted_id", "retweeted_status_id", "repost_of", "forwarded_id"),
    "quoted_id": ("quoted_id", "quoted_status_id", "quoted_status_id_str", "quote_of"),
    "replied_id": ("replied_id", "in_reply_to_status_id", "in_reply_to_status_id_str", "in_reply_to_id",
                   "reply_to_message_id", "reply_to"),
}

#: The same for the outlets table.
OUTLET_ALIASES: dict[str, tuple[str, ...]] = {
    "outlet": ("outlet", "handle", "account", "username", "screen_name", "user", "channel", "site",
               "domain", "source", "publisher"),
    "group": ("group", "camp", "bloc", "side", "label"),
    "kind": ("kind", "type", "category", "role"),
    "name": ("name", "display_name", "outlet_name", "title"),
    "country": ("country", "country_code"),
    "aliases": ("aliases", "alias", "also_known_as"),
}

REQUIRED_POSTS = ("text", "published_at", "outlet")
_ID_COLS = ("post_id", "reposted_id", "quoted_id", "replied_id")
_COMPRESSED = {".gz": "gzip", ".bz2": "bz2", ".xz": "xz", ".zip": "zip"}
_EXT_FORMAT = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".txt": "csv", ".jsonl": "jsonl",
               ".ndjson": "jsonl", ".json": "json", ".parquet": "parquet", ".pq": "parquet"}
VALUE_MAX = 200


@dataclass
class RawTable:
    """One file read into source columns, before mapping to posts."""

    path: str
    format: str
    frame: pd.DataFrame                 #: source columns (strings for text formats)
    rows: np.ndarray                    #: human row number per frame row (int64)
    rejects: list = field(default_factory=list)   #: dicts: row, column, reason, value
    rows_read: int = 0                  #: every row seen, incl. malformed and skipped ones
    skipped: dict = field(default_factory=dict)   #: reason -> count (not posts, e.g. service messages)
    notes: list = field(default_factory=list)
    encoding: str | None = None
    separator: str | None = None
    canonical: bool = False             #: columns already canonical (platform exports)
    maybe_nul: bool = True              #: False when the reader knows no value holds a NUL byte


# --------------------------------------------------------------------------- helpers


def shorten(value, limit: int = VALUE_MAX) -> str:
    """A value for the rejects table: text, NUL shown as ``\\x00``, cut to ``limit``."""
    if value is None or (not isinstance(value, (str, bytes, list, dict)) and _isna(value)):
        return ""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        try:
            value = json.dumps(value, ensure_ascii=False) if isinstance(value, (list, dict)) else str(value)
        except (TypeError, ValueError):
            value = str(value)
    value = value.replace("\x00", "\\x00")
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _isna(v) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _scalar_str(v):
    """One JSON-ish value as a string (None stays None); big integers stay exact."""
    if v is None:
        return None
    if isinstance(v, str):
        return v
    if isinstance(v, (bool, np.bool_)):
        return "true" if v else "false"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        if np.isnan(v):
            return None
        return str(int(v)) if float(v).is_integer() and abs(v) < 1e18 else repr(float(v))
    if isinstance(v, (dict, list, tuple)):
        return json.dumps(v, ensure_ascii=False, default=str)
    if isinstance(v, pd.Timestamp):
        return v.isoformat()
    if _isna(v):
        return None
    return str(v)


def to_str(s: pd.Series) -> pd.Series:
    """Any column as pandas ``string`` (missing -> NA), exactly: no stripping, ids not rounded."""
    dt = s.dtype
    if isinstance(dt, pd.StringDtype):
        return s if dt == "string" and dt.na_value is pd.NA else s.astype("string")
    if pd.api.types.is_integer_dtype(dt) or pd.api.types.is_bool_dtype(dt):
        return s.astype("string")
    if dt == object:
        kind = pd.api.types.infer_dtype(s, skipna=True)
        if kind in ("string", "empty"):
            return s.astype("string")
        if kind == "integer":  # JSON ids: exact, through Int64 when they fit
            try:
                return pd.Series(pd.array(s.to_numpy(), dtype="Int64"), index=s.index).astype("string")
            except (TypeError, ValueError, OverflowError):
                pass
    return pd.Series(pd.array([_scalar_str(v) for v in s], dtype="string"), index=s.index)


def _norm_name(name) -> str:
    return re.sub(r"[\s\-]+", "_", str(name).strip().lower())


def file_stem(path) -> str:
    """``posts.csv.gz`` -> ``posts``: the name without compression and format suffixes."""
    name = Path(str(path)).name
    low = name.lower()
    for ext in _COMPRESSED:
        if low.endswith(ext):
            name, low = name[: -len(ext)], low[: -len(ext)]
            break
    for ext in _EXT_FORMAT:
        if low.endswith(ext):
            name = name[: -len(ext)]
            break
    return name or Path(str(path)).name


# --------------------------------------------------------------------------- bytes and formats


def load_bytes(path) -> tuple[bytes, str]:
    """The file's bytes, decompressed (gzip, bz2, xz, single-file zip), and the inner name."""
    p = Path(path)
    if not p.exists():
        raise IngestError(f"{path}: no such file")
    if p.is_dir():
        raise IngestError(f"{path}: is a folder; give the files inside it")
    low = p.name.lower()
    raw = p.read_bytes()
    if low.endswith(".zip") or raw[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            members = [m for m in z.infolist() if not m.is_dir()
                       and not m.filename.startswith("__MACOSX/")
                       and not Path(m.filename).name.startswith(("._", "."))]
            if len(members) != 1:
                raise IngestError(
                    f"{path}: a zip archive must hold exactly one data file to be read directly; "
                    f"found {len(members)}: {[m.filename for m in members][:10]}. Unzip it and give the files.")
            return z.read(members[0]), members[0].filename
    if low.endswith(".gz") or raw[:2] == b"\x1f\x8b":
        return gzip.decompress(raw), p.name[:-3] if low.endswith(".gz") else p.name
    if low.endswith(".bz2"):
        return bz2.decompress(raw), p.name[:-4]
    if low.endswith(".xz"):
        return lzma.decompress(raw), p.name[:-3]
    return raw, p.name


def _bom(data: bytes) -> tuple[str | None, int]:
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig", 3
    if data.startswith(b"\xff\xfe\x00\x00"):
        return "utf-32-le", 4
    if data.startswith(b"\xff\xfe"):
        return "utf-16-le", 2
    if data.startswith(b"\xfe\xff"):
        return "utf-16-be", 2
    return None, 0


def _first_char(data: bytes) -> str:
    enc, off = _bom(data)
    head = data[off: off + 4096]
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
    if data[:4] == b"PAR1":
        return "parquet"
    ext = next((e for e in _EXT_FORMAT if low.endswith(e)), None)
    fmt = _EXT_FORMAT.get(ext) if ext else None
    first = _first_char(data)
    if fmt in (None, "json", "jsonl") and first in ("{", "["):
        return _sniff_json(data, fmt)
    return fmt or "csv"


def _sniff_json(data: bytes, fmt_hint: str | None) -> str:
    from amplify.ingest import telegram, twitter

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


_memo = threading.local()


def json_document(data: bytes):
    """``(text, parsed)`` of a JSON file; ``parsed`` is the ``ValueError`` when it is not one
    JSON document (e.g. JSON Lines). Remembered for the same ``data`` object, so format
    detection and reading parse a big file once."""
    last = getattr(_memo, "last", None)
    if last is not None and last[0] is data:
        return last[1], last[2]
    text = _decode_json_text(data)
    try:
        obj = json.loads(text)
    except ValueError as exc:
        obj = exc
    _memo.last = (data, text, obj)
    return text, obj


def _forget_json() -> None:
    _memo.last = None


def _decode_json_text(data: bytes) -> str:
    enc, off = _bom(data)
    if enc and enc != "utf-8-sig":
        return data[off:].decode(enc)
    return data[off:].decode("utf-8")


# --------------------------------------------------------------------------- CSV


def _decode_for_csv(data: bytes, encoding: str | None) -> tuple[bytes, str, list[str]]:
    """UTF-8 bytes without BOM, the encoding name, notes. Other encodings are transcoded."""
    notes = []
    bom, off = _bom(data)
    if encoding and encoding.lower().replace("_", "-") not in ("utf-8", "utf8", "utf-8-sig"):
        return data[off if bom else 0:].decode(encoding).encode("utf-8"), encoding, notes
    if bom == "utf-8-sig":
        return data[3:], "utf-8-sig", notes
    if bom:
        return data[off:].decode(bom).encode("utf-8"), bom, notes
    return data, "utf-8", notes


def _transcode_legacy(data: bytes) -> tuple[bytes, str]:
    try:
        return data.decode("cp1252").encode("utf-8"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1").encode("utf-8"), "latin-1"


def _sniff_sep(header: str, fmt: str) -> str:
    counts = {sep: _count_outside_quotes(header, sep) for sep in (",", ";", "\t", "|")}
    if fmt == "tsv" and counts["\t"]:
        return "\t"
    best = max(counts, key=lambda k: (counts[k], k == ","))
    return best if counts[best] else ("\t" if fmt == "tsv" else ",")


def _count_outside_quotes(line: str, ch: str) -> int:
    n, inq = 0, False
    for c in line:
        if c == '"':
            inq = not inq
        elif c == ch and not inq:
            n += 1
    return n


def header_names(raw: list[str]) -> list[str]:
    """Clean header names: trimmed, empty ones named ``Unnamed: i``, repeats ``name.1``."""
    names, seen = [], set()
    for i, h in enumerate(raw):
        h = (h or "").strip().lstrip("\ufeff")
        base = h or f"Unnamed: {i}"
        name, k = base, 0
        while name in seen:
            k += 1
            name = f"{base}.{k}"
        seen.add(name)
        names.append(name)
    return names


def _read_csv(data: bytes, path: str, fmt: str, encoding: str | None, force_slow: bool = False) -> RawTable:
    body, enc, notes = _decode_for_csv(data, encoding)
    try:
        return _read_csv_utf8(body, path, fmt, enc, notes, force_slow)
    except UnicodeDecodeError:
        if encoding:
            raise IngestError(f"{path}: cannot be read as {encoding}")
        body, enc = _transcode_legacy(body)
        notes = notes + [f"not valid UTF-8: read as {enc} (give the encoding if that is wrong)"]
        return _read_csv_utf8(body, path, fmt, enc, notes, force_slow)


def _read_csv_utf8(data: bytes, path: str, fmt: str, enc: str, notes: list, force_slow: bool) -> RawTable:
    # leading blank lines, an Excel "sep=;" line, then the header line
    pos, line_no, sep = 0, 1, None
    while True:
        nl = data.find(b"\n", pos)
        line = data[pos: nl if nl >= 0 else len(data)]
        stripped = line.strip()
        if not stripped and nl >= 0:
            pos, line_no = nl + 1, line_no + 1
            continue
        m = re.fullmatch(rb"sep=(.)", stripped)
        if m and sep is None and nl >= 0:
            sep = m.group(1).decode()
            pos, line_no = nl + 1, line_no + 1
            continue
        break
    if not stripped:
        raise IngestError(f"{path}: the file is empty (no header line)")
    header_text = line.decode("utf-8").rstrip("\r")
    if sep is None:
        sep = _sniff_sep(header_text, fmt)
    try:
        raw_names = next(csv.reader([header_text], delimiter=sep, strict=True))
    except csv.Error as exc:
        raise IngestError(f"{path}: line {line_no}: cannot read the header line: {exc}") from exc
    names = header_names(raw_names)
    body_start = nl + 1 if nl >= 0 else len(data)
    first_body_line = line_no + 1
    table = None
    if not force_slow:
        table = _fast_csv(data, body_start, names, sep, first_body_line)
    if table is None:
        text = data[body_start:].decode("utf-8")
        table = _slow_csv(text, names, sep, first_body_line)
        if sep == "\t" and table[2]:
            # tab-separated files often carry quotes as plain text (no CSV quoting at all):
            # if reading every line as-is gives every row its fields, that is the reading
            plain = _plain_tsv(text, names, first_body_line)
            if plain is not None:
                table = plain
                notes = notes + ["quotes read as part of the text (tab-separated without CSV quoting)"]
    frame, rows, rejects, blank = table
    if blank:
        notes = notes + [f"{blank} blank line(s) ignored"]
    return RawTable(path=path, format=fmt, frame=frame, rows=rows, rejects=rejects,
                    rows_read=len(frame) + len(rejects), notes=notes, encoding=enc, separator=sep,
                    maybe_nul=data.find(b"\x00", body_start) >= 0)


@njit(cache=True, nogil=True)
def _records(arr, sep, out_end, out_line, fill):
    """Record ends of a CSV body: newlines outside quotes, with the number of
    newlines before each (its physical line). Returns ``(records, newlines,
    quotes)``, or ``quotes = -1`` when a quote sits where RFC 4180 puts none
    (the strict reader then says which row)."""
    n = len(arr)
    nrec = 0
    nl = 0
    nq = 0
    for i in range(n):
        c = arr[i]
        if c == 10:
            if nq % 2 == 0:
                if fill:
                    out_end[nrec] = i
                    out_line[nrec] = nl
                nrec += 1
            nl += 1
        elif c == 34:
            prev = arr[i - 1] if i > 0 else 10
            nxt = arr[i + 1] if i < n - 1 else 10
            if nq % 2 == 0:  # opens a field, or is the second of a doubled quote
                ok = prev == sep or prev == 10 or prev == 34
            else:
                ok = nxt == sep or nxt == 10 or nxt == 13 or nxt == 34
            if not ok:
                return nrec, nl, -1
            nq += 1
    return nrec, nl, nq


def _fast_csv(data: bytes, start: int, names: list[str], sep: str, first_line: int):
    """pyarrow parse + a compiled structure scan (:func:`_records`); None when the slow reader must decide."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    body = memoryview(data)[start:]
    n = len(body)
    ncols = len(names)
    if n == 0:
        return _empty_frame(names), np.zeros(0, dtype=np.int64), [], 0
    arr = np.frombuffer(body, dtype=np.uint8)
    # one compiled pass finds the records (newlines outside quotes) and checks
    # that every quote opens or closes a field; a second one writes them down
    e = np.zeros(0, dtype=np.int64)
    nrec, _, nq = _records(arr, ord(sep), e, e, False)
    if nq < 0 or nq % 2:
        return None  # quotes in odd places: let the strict reader say which rows
    has_quotes = nq > 0
    bnd = np.empty(nrec, dtype=np.int64)
    nl_before = np.empty(nrec, dtype=np.int64)
    _records(arr, ord(sep), bnd, nl_before, True)
    starts = np.r_[0, bnd + 1]
    ends = np.r_[bnd, n]
    lines = np.r_[0, nl_before + 1] + first_line  # physical line where each record starts
    if starts[-1] >= n:  # file ends with a newline: no record after it
        starts, ends, lines = starts[:-1], ends[:-1], lines[:-1]
    eff_end = ends - ((ends > starts) & (arr[np.maximum(ends - 1, 0)] == 13))
    blank = eff_end == starts
    longest = int((ends - starts).max()) if len(starts) else 0

    bad_rows: list = []

    def on_invalid(row):
        bad_rows.append(row.actual_columns)
        return "skip"

    try:
        table = pacsv.read_csv(
            pa.py_buffer(body),
            read_options=pacsv.ReadOptions(column_names=names, use_threads=True,
                                           block_size=max(1 << 24, 2 * longest + 64)),
            parse_options=pacsv.ParseOptions(delimiter=sep, quote_char='"', double_quote=True,
                                             escape_char=False, newlines_in_values=has_quotes,
                                             ignore_empty_lines=True, invalid_row_handler=on_invalid),
            convert_options=pacsv.ConvertOptions(column_types={c: pa.string() for c in names},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False,
                                                 check_utf8=True),
        )
    except pa.ArrowInvalid as exc:
        if "UTF8" in str(exc) or "utf8" in str(exc).lower():
            bytes(body).decode("utf-8")  # raises UnicodeDecodeError for the caller
        return None
    invalid = np.zeros(len(starts), dtype=bool)
    fields = None
    if bad_rows:
        seps = np.flatnonzero(arr == ord(sep))
        if has_quotes:
            q = np.flatnonzero(arr == 34)
            seps = seps[(np.searchsorted(q, seps) & 1) == 0]
        rec_of_sep = np.searchsorted(ends, seps)  # record whose end is at/after the separator
        fields = np.bincount(rec_of_sep, minlength=len(starts))[: len(starts)] + 1
        invalid = (fields != ncols) & ~blank
        if int(invalid.sum()) != len(bad_rows):
            return None
    good = ~blank & ~invalid
    if int(good.sum()) != table.num_rows:
        return None
    frame = table.to_pandas(types_mapper={pa.string(): pd.StringDtype(), pa.large_string(): pd.StringDtype()}.get)
    frame.columns = names
    rejects = []
    for i in np.flatnonzero(invalid):
        raw = bytes(body[starts[i]:eff_end[i]]).decode("utf-8", "replace")
        rejects.append(_malformed(int(lines[i]), raw, ncols, int(fields[i]), raw.count("\n")))
    return frame, lines[good].astype(np.int64), rejects, int(blank.sum())


def _malformed(line: int, raw: str, ncols: int, found: int, extra_lines: int = 0) -> dict:
    span = f" (record runs over lines {line}-{line + extra_lines})" if extra_lines else ""
    return {"row": line, "column": None,
            "reason": f"malformed row: expected {ncols} fields, found {found}{span}", "value": shorten(raw)}


def _empty_frame(names):
    return pd.DataFrame({c: pd.Series(dtype="string") for c in names})


def _split_lines(text: str) -> list[str]:
    if "\n" not in text and "\r" in text:  # old Mac line ends
        parts = text.split("\r")
        end = "\r"
    else:
        parts = text.split("\n")
        end = "\n"
    lines = [p + end for p in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def _slow_csv(text: str, names: list[str], sep: str, first_line: int):
    """Strict record-by-record reading with line numbers; broken rows become rejects."""
    ncols = len(names)
    lines = _split_lines(text)
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text) + 1))  # a 1 MB text is a text, not an error
    gc_was = gc.isenabled()
    gc.disable()  # millions of small lists: the cycle collector would only slow this down
    try:
        return _slow_records(lines, names, ncols, sep, first_line)
    finally:
        csv.field_size_limit(limit)
        if gc_was:
            gc.enable()


def _slow_records(lines, names, ncols, sep, first_line):
    def reader_from(i):
        return csv.reader(itertools.islice(lines, i, None), delimiter=sep, quotechar='"',
                          doublequote=True, strict=True)

    base = 0                  # index of the line the current reader started at
    reader = reader_from(0)
    records: list[list] = []
    rows: list[int] = []
    rejects: list[dict] = []
    blank = 0
    while True:
        start = base + reader.line_num
        try:
            rec = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            end = base + reader.line_num
            raw = "".join(lines[start:end]).rstrip("\r\n")
            first_raw = lines[start].rstrip("\r\n")
            what = "broken quoting" if "expected" in str(exc) or "end of data" in str(exc) else str(exc)
            span = f"; lines {first_line + start + 1}-{first_line + end - 1} read again" if end - start > 1 else ""
            rejects.append({"row": first_line + start, "column": None,
                            "reason": f"malformed row: {what} ({exc}){span}",
                            "value": shorten(first_raw if end - start > 1 else raw)})
            if end - start > 1:  # an unclosed quote swallowed the following lines: read them again
                base = start + 1
                reader = reader_from(base)
            continue
        if len(rec) == ncols:
            records.append(rec)
            rows.append(first_line + start)
            continue
        end = base + reader.line_num
        if not rec or (len(rec) == 1 and rec[0] == "" and not lines[start].strip("\r\n")):
            blank += 1
            continue
        raw = "".join(lines[start:end]).rstrip("\r\n")
        rejects.append(_malformed(first_line + start, raw, ncols, len(rec), end - start - 1))
    cols = list(zip(*records)) if records else [() for _ in names]
    frame = pd.DataFrame({n: pd.array(list(c), dtype="string") for n, c in zip(names, cols)})
    return frame, np.asarray(rows, dtype=np.int64), rejects, blank


def _plain_tsv(text: str, names: list[str], first_line: int):
    """Tab-separated lines with no quoting; None unless every non-blank line has all fields."""
    ncols = len(names)
    records, rows, blank = [], [], 0
    for i, line in enumerate(_split_lines(text)):
        line = line.rstrip("\n").rstrip("\r")
        if not line:
            blank += 1
            continue
        rec = line.split("\t")
        if len(rec) != ncols:
            return None
        records.append(rec)
        rows.append(first_line + i)
    cols = list(zip(*records)) if records else [() for _ in names]
    frame = pd.DataFrame({n: pd.array(list(c), dtype="string") for n, c in zip(names, cols)})
    return frame, np.asarray(rows, dtype=np.int64), [], blank


# --------------------------------------------------------------------------- JSON / JSON Lines / Parquet


def json_lines(data: bytes) -> tuple[list, list[int], list[dict], int]:
    """Parse JSON Lines: (objects, line numbers, rejects, blank lines)."""
    text, _ = json_document(data)
    lines = text.split("\n")
    idx = [i for i, ln in enumerate(lines) if ln and not ln.isspace()]
    blank = len(lines) - len(idx) - (1 if not lines[-1].strip() else 0)
    objs, rows, rejects = [], [], []
    def keep(i, o):
        if isinstance(o, dict):
            objs.append(o)
            rows.append(i + 1)
        else:
            rejects.append({"row": i + 1, "column": None, "reason": "malformed row: not a JSON object",
                            "value": shorten(lines[i])})

    try:
        parsed = json.loads("[" + ",".join(lines[i] for i in idx) + "]")
        if len(parsed) != len(idx):
            raise ValueError("line count mismatch")
        for i, o in zip(idx, parsed):
            keep(i, o)
        return objs, rows, rejects, max(blank, 0)
    except ValueError:
        pass
    for i in idx:
        try:
            o = json.loads(lines[i])
        except ValueError as exc:
            rejects.append({"row": i + 1, "column": None, "reason": f"malformed row: invalid JSON ({exc})",
                            "value": shorten(lines[i])})
            continue
        keep(i, o)
    return objs, rows, rejects, max(blank, 0)


def records_frame(objs: list[dict]) -> pd.DataFrame:
    """JSON objects -> DataFrame of Python objects; nested objects flattened one level (``user.name``)."""
    if not objs:
        return pd.DataFrame()
    frame = pd.DataFrame.from_records(objs)
    frame = frame.astype(object) if len(frame.columns) else frame
    for col in list(frame.columns):
        s = frame[col]
        sample = s.iloc[: 1000]
        if any(isinstance(v, dict) for v in sample):
            if not all(isinstance(v, dict) or v is None or _isna(v) for v in s):
                continue
            sub = pd.DataFrame.from_records([v if isinstance(v, dict) else {} for v in s], index=frame.index)
            sub = sub.astype(object)
            sub.columns = [f"{col}.{c}" for c in sub.columns]
            sub = sub[[c for c in sub.columns if c not in frame.columns]]
            pos = frame.columns.get_loc(col)
            frame = pd.concat([frame.iloc[:, :pos], sub, frame.iloc[:, pos + 1:]], axis=1)
    return frame


def _read_jsonl(data: bytes, path: str) -> RawTable:
    objs, rows, rejects, blank = json_lines(data)
    frame = records_frame(objs)
    notes = [f"{blank} blank line(s) ignored"] if blank else []
    return RawTable(path=path, format="jsonl", frame=frame, rows=np.asarray(rows, dtype=np.int64),
                    rejects=rejects, rows_read=len(objs) + len(rejects), notes=notes, encoding="utf-8")


def _read_json(data: bytes, path: str) -> RawTable:
    _, obj = json_document(data)
    if isinstance(obj, ValueError):
        raise IngestError(f"{path}: not valid JSON ({obj}); JSON Lines files should end in .jsonl") from obj
    if isinstance(obj, dict):
        key = next((k for k in ("data", "records", "items", "posts", "results", "rows")
                    if isinstance(obj.get(k), list)), None)
        if key is None:
            raise IngestError(f"{path}: a JSON object, not a list of records; found keys {list(obj)[:20]}")
        obj = obj[key]
    if not isinstance(obj, list):
        raise IngestError(f"{path}: expected a list of records")
    objs, rows, rejects = [], [], []
    for i, o in enumerate(obj, 1):
        if isinstance(o, dict):
            objs.append(o)
            rows.append(i)
        else:
            rejects.append({"row": i, "column": None, "reason": "malformed row: not a JSON object",
                            "value": shorten(o)})
    return RawTable(path=path, format="json", frame=records_frame(objs), rows=np.asarray(rows, dtype=np.int64),
                    rejects=rejects, rows_read=len(obj), encoding="utf-8")


def _read_parquet(data: bytes, path: str) -> RawTable:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(pa.BufferReader(data))
    except (pa.ArrowException, OSError) as exc:
        raise IngestError(f"{path}: cannot read as Parquet ({exc})") from exc
    frame = table.to_pandas(types_mapper={pa.string(): pd.StringDtype(), pa.large_string(): pd.StringDtype()}.get)
    frame = frame.reset_index(drop=True)
    frame.columns = header_names([str(c) for c in frame.columns])
    return RawTable(path=path, format="parquet", frame=frame, rows=np.arange(1, len(frame) + 1, dtype=np.int64),
                    rows_read=len(frame))


def read_table(path, fmt: str | None = None, encoding: str | None = None, *, force_slow: bool = False) -> RawTable:
    """Read one file into a :class:`RawTable` (any format in :data:`FORMATS`)."""
    from amplify.ingest import telegram, twitter

    path_s = str(path)
    data, inner = load_bytes(path)
    if fmt is not None and fmt not in FORMATS:
        raise IngestError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    try:
        fmt = fmt or detect_format(inner, data)
        if fmt in ("csv", "tsv"):
            return _read_csv(data, path_s, fmt, encoding, force_slow)
        if fmt == "jsonl":
            return _read_jsonl(data, path_s)
        if fmt == "json":
            return _read_json(data, path_s)
        if fmt == "parquet":
            return _read_parquet(data, path_s)
        if fmt == "twitter":
            return twitter.read(data, path_s)
        return telegram.read(data, path_s)
    except UnicodeDecodeError as exc:
        raise IngestError(f"{path_s}: not UTF-8 text ({exc})") from exc
    finally:
        _forget_json()


# --------------------------------------------------------------------------- mapping to posts


def resolve_columns(columns, mapping: dict | None, aliases: dict[str, tuple[str, ...]], *, path: str,
                    required=(), map_flag: str = "--map") -> dict:
    """Which source column feeds each canonical column: ``{canonical: source}``.

    ``mapping`` (canonical -> source column) always wins; a value of ``None`` or
    ``""`` switches a canonical column off; a list (or ``"a|b"``) takes, row by row,
    the first of those columns that is not empty (``{"text": ["title", "desc"]}``)
    and appears in the result as a tuple. Other canonical columns are found
    by :data:`POST_ALIASES`-style name lists, each source column used once.
    Raises :class:`IngestError` naming the file, the columns found and the flag
    when a required column has no source.
    """
    columns = [str(c) for c in columns]
    by_norm: dict[str, str] = {}
    for c in columns:
        by_norm.setdefault(_norm_name(c), c)
    colmap: dict = {}
    off: set[str] = set()
    used: set[str] = set()
    for canon, src in (mapping or {}).items():
        canon = {"id": "post_id", "time": "published_at", "date": "published_at"}.get(canon, canon)
        if canon not in aliases:
            raise IngestError(f"cannot map {canon!r}: known columns are {', '.join(aliases)}")
        if src is None or src == "":
            off.add(canon)
            continue
        parts = [src] if isinstance(src, str) else list(src)
        if len(parts) == 1 and parts[0] not in columns and "|" in parts[0]:
            parts = parts[0].split("|")  # "title|desc": the first non-empty of these columns
        reals = []
        for part in parts:
            real = part if part in columns else by_norm.get(_norm_name(part))
            if real is None:
                raise IngestError(
                    f"{path}: {map_flag} {canon}={source_label(src)}: no column {part!r} in this file; "
                    f"found columns: {', '.join(columns) or '(none)'}",
                    path=path, found=columns, missing=canon, flag=f"{map_flag} {canon}=COLUMN")
            reals.append(real)
        colmap[canon] = reals[0] if len(reals) == 1 else tuple(reals)
        used.update(reals)
    for canon, names in aliases.items():
        if canon in colmap or canon in off:
            continue
        for name in names:
            real = by_norm.get(_norm_name(name))
            if real is not None and real not in used:
                colmap[canon] = real
                used.add(real)
                break
    missing = [c for c in required if c not in colmap]
    if missing:
        c = missing[0]
        raise IngestError(
            f"{path}: no column for {c!r} (looked for {', '.join(aliases[c])}); "
            f"found columns: {', '.join(columns) or '(none)'}. "
            f"Name the column with {map_flag} {c}=COLUMN" + (f" (also missing: {', '.join(missing[1:])})"
                                                             if len(missing) > 1 else ""),
            path=path, found=columns, missing=c, flag=f"{map_flag} {c}=COLUMN")
    return colmap


_SPACE_LIMIT = 0x3001  # every code point str.isspace() accepts is below this


@njit(cache=True, nogil=True)
def _space_flags(data, boff, space, blank, edge):
    """Per string: nothing but whitespace (``blank``), or whitespace at an
    end (``edge``), by Python's ``str.isspace``. UTF-8 is decoded only as far
    as it takes: the first non-space character settles ``blank``."""
    limit = len(space)
    for r in range(len(boff) - 1):
        a, b = boff[r], boff[r + 1]
        if a == b:
            blank[r] = True
            edge[r] = False
            continue
        allsp = True
        first = True
        firstsp = False
        i = a
        while i < b:
            c = data[i]
            if c < 0x80:
                cp, w = np.int64(c), 1
            elif c < 0xE0:
                cp, w = (np.int64(c & 0x1F) << 6) | np.int64(data[i + 1] & 0x3F), 2
            elif c < 0xF0:
                cp, w = (np.int64(c & 0x0F) << 12) | (np.int64(data[i + 1] & 0x3F) << 6) | np.int64(data[i + 2] & 0x3F), 3
            else:
                cp, w = np.int64(0x10000), 4
            sp = cp < limit and space[cp]
            if first:
                firstsp = sp
                first = False
            if not sp:
                allsp = False
                break
            i += w
        blank[r] = allsp
        if allsp or firstsp:
            edge[r] = True
            continue
        # the last character: step back over UTF-8 continuation bytes
        j = b - 1
        while j > a and (data[j] & 0xC0) == 0x80:
            j -= 1
        c = data[j]
        if c < 0x80:
            cp = np.int64(c)
        elif c < 0xE0:
            cp = (np.int64(c & 0x1F) << 6) | np.int64(data[j + 1] & 0x3F)
        elif c < 0xF0:
            cp = (np.int64(c & 0x0F) << 12) | (np.int64(data[j + 1] & 0x3F) << 6) | np.int64(data[j + 2] & 0x3F)
        else:
            cp = np.int64(0x10000)
        edge[r] = cp < limit and space[cp]


_SPACE_TABLE = None


def _space_of(s: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """``(blank, edge)`` of a string column: missing or whitespace only, and
    starting or ending with whitespace (``str.isspace``); compiled over the
    Arrow buffers of pandas' Arrow-backed strings."""
    import pyarrow as pa

    global _SPACE_TABLE
    if _SPACE_TABLE is None:
        _SPACE_TABLE = np.array([chr(c).isspace() for c in range(_SPACE_LIMIT)], dtype=np.bool_)
    try:
        arr = pa.array(s.array)
    except (TypeError, pa.ArrowInvalid):
        arr = pa.array(s.astype(object).where(s.notna(), None).tolist(), type=pa.large_string())
    chunks = arr.chunks if isinstance(arr, pa.ChunkedArray) else [arr]
    blank = np.empty(len(s), dtype=np.bool_)
    edge = np.empty(len(s), dtype=np.bool_)
    o = 0
    for c in chunks:
        if c.type not in (pa.large_string(), pa.string()):
            c = c.cast(pa.large_string())
        bufs = c.buffers()
        width = np.int64 if c.type == pa.large_string() else np.int32
        boff = np.frombuffer(bufs[1], dtype=width)[c.offset: c.offset + len(c) + 1].astype(np.int64)
        data = np.frombuffer(bufs[2], dtype=np.uint8) if bufs[2] is not None else np.zeros(0, np.uint8)
        _space_flags(data, boff, _SPACE_TABLE, blank[o:o + len(c)], edge[o:o + len(c)])
        if c.null_count:
            nulls = c.is_null().to_numpy(zero_copy_only=False)
            blank[o:o + len(c)] |= nulls
            edge[o:o + len(c)] &= ~nulls
        o += len(c)
    return blank, edge


def _edge_space(s: pd.Series) -> np.ndarray:
    """True where a string starts or ends with whitespace."""
    return _space_of(s)[1]


def source_label(src) -> str:
    """A source column, or several (``("title", "desc")`` -> ``"title|desc"``), for messages."""
    return src if isinstance(src, str) else "|".join(map(str, src))


def _is_blank(s: pd.Series) -> np.ndarray:
    """Missing, or nothing but whitespace."""
    return _space_of(s)[0]


def _source_values(frame: pd.DataFrame, src, as_string: bool) -> pd.Series:
    if isinstance(src, str):
        s = frame[src]
        return (to_str(s) if as_string else s).reset_index(drop=True)
    out = to_str(frame[src[0]]).reset_index(drop=True)
    for other in src[1:]:
        fill = _is_blank(out)
        if not fill.any():
            break
        alt = to_str(frame[other]).reset_index(drop=True)
        out = out.where(~fill, alt)
    return out


@dataclass
class Posts:
    """The result of :func:`to_posts` for one file."""

    accepted: pd.DataFrame      #: canonical columns + extras + ``_row`` + ``_naive``
    rejects: pd.DataFrame       #: row, column, reason, value
    column_mapping: dict
    derived_ids: bool
    time_formats: dict
    notes: list


def to_posts(raw: RawTable, mapping: dict | None = None, time_format: str | None = None, *,
             id_prefix: str | None = None, keep_extra: bool = True, map_flag: str = "--map") -> Posts:
    """Map a :class:`RawTable` to canonical posts; one reason per rejected row.

    Reasons, in the order they are checked: ``malformed row`` (from reading),
    ``NUL byte in <column>``, ``missing id``, ``missing outlet``, ``empty text``,
    ``missing time``, ``unparseable time``. Text is kept exactly as given;
    ids, outlet, url and lang lose surrounding whitespace.
    """
    frame = raw.frame
    columns = list(frame.columns)
    if raw.canonical:
        colmap = {c: c for c in POST_ALIASES if c in columns}
        if "published_at" not in colmap or "text" not in colmap or "outlet" not in colmap:
            raise IngestError(f"{raw.path}: the export gave no text/time/outlet")  # pragma: no cover
    else:
        colmap = resolve_columns(columns, mapping, POST_ALIASES, path=raw.path,
                                 required=REQUIRED_POSTS, map_flag=map_flag)
    n = len(frame)
    rows = raw.rows
    derived = "post_id" not in colmap
    vals: dict[str, pd.Series] = {}
    for canon, src in colmap.items():
        vals[canon] = _source_values(frame, src, canon != "published_at")
    label = {canon: source_label(src) for canon, src in colmap.items()}

    reason = np.full(n, "", dtype=object)
    column = np.full(n, "", dtype=object)
    value = np.full(n, None, dtype=object)

    def flag(mask, why, col, vseries):
        idx = np.flatnonzero(np.asarray(mask, dtype=bool) & (reason == ""))
        if len(idx):
            reason[idx] = why
            column[idx] = col
            value[idx] = list(vseries.iloc[idx])

    blank = _is_blank

    def strip(s: pd.Series) -> pd.Series:
        return s.str.strip() if _edge_space(s).any() else s

    # NUL bytes: never stored, never silently removed
    if raw.maybe_nul:
        for canon, s in vals.items():
            if canon == "published_at" and not isinstance(s.dtype, pd.StringDtype) and s.dtype != object:
                continue
            ss = s if isinstance(s.dtype, pd.StringDtype) else to_str(s)
            has_nul = ss.str.contains("\x00", regex=False).fillna(False).to_numpy(dtype=bool)
            if has_nul.any():
                flag(has_nul, f"NUL byte in {canon}", label[canon], ss)

    if not derived:
        flag(blank(vals["post_id"]), "missing id", label["post_id"], vals["post_id"])
    flag(blank(vals["outlet"]), "missing outlet", label["outlet"], vals["outlet"])
    text = vals["text"]
    flag(blank(text), "empty text", label["text"], text)
    tp = parse_times_detail(vals["published_at"], time_format)
    tval = vals["published_at"]
    flag(tp.missing, "missing time", label["published_at"], tval)
    flag(tp.bad & ~tp.missing, "unparseable time", label["published_at"], tval)

    ok = reason == ""
    okidx = np.flatnonzero(ok)
    all_ok = len(okidx) == n

    def take(s: pd.Series) -> pd.Series:
        return s.reset_index(drop=True) if all_ok else s.iloc[okidx].reset_index(drop=True)

    out = pd.DataFrame(index=range(len(okidx)))
    rows_ok = rows[okidx]
    if derived:
        prefix = id_prefix or file_stem(raw.path)
        out["post_id"] = prefix + ":" + pd.Series(rows_ok, dtype="int64").astype("string")
    else:
        out["post_id"] = strip(take(vals["post_id"]))
    out["outlet"] = strip(take(vals["outlet"]))
    out["published_at"] = take(tp.utc)
    out["text"] = take(text)
    for canon in ("url", "lang", "title", "reposted_id", "quoted_id", "replied_id"):
        if canon not in vals:
            continue
        s = take(vals[canon])
        if canon == "title":
            s = s.where(~blank(s))  # an empty title is no title; a real one is kept as is
        else:
            s = strip(s)
            s = s.where(s != "")
        out[canon] = s
    if keep_extra:
        mapped = {c for src in colmap.values() for c in ([src] if isinstance(src, str) else src)}
        canon_names = set(POST_ALIASES) | {"origin"}
        for c in columns:
            if c in mapped:
                continue
            name = c if c not in canon_names and not c.startswith("_") else f"extra_{c}"
            s = frame[c].iloc[okidx].reset_index(drop=True)
            if s.dtype == object:
                s = to_str(s)
            out[name] = s
    out["_row"] = rows_ok
    out["_naive"] = tp.naive[okidx]

    rej_idx = np.flatnonzero(~ok)
    rej = pd.DataFrame({
        "row": list(rows[rej_idx]) + [r["row"] for r in raw.rejects],
        "column": list(column[rej_idx]) + [r["column"] for r in raw.rejects],
        "reason": list(reason[rej_idx]) + [r["reason"] for r in raw.rejects],
        "value": [shorten(v) for v in value[rej_idx]] + [r["value"] for r in raw.rejects],
    })
    rej["row"] = rej["row"].astype("int64")
    rej = rej.sort_values("row", kind="stable").reset_index(drop=True)
    notes = list(tp.notes)
    long = text.iloc[okidx].str.len()
    if len(long) and (long > 100_000).any():
        notes.append(f"{int((long > 100_000).sum())} text(s) longer than 100,000 characters kept as is "
                     f"(longest {int(long.max()):,})")
    return Posts(accepted=out, rejects=rej, column_mapping=dict(label), derived_ids=derived,
                 time_formats=dict(tp.formats), notes=notes)
