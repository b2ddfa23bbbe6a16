"""Reading big files a block of rows at a time, with the result of reading them whole.

:func:`read_posts` (in :mod:`amplify.ingest`) holds a whole file -- its bytes,
its source columns, its posts -- before anything is stored: a million posts
took 2.3 GiB. :func:`file_blocks` reads each file in blocks of about
``chunk_size`` bytes of text (CSV/TSV and JSON Lines: whole records, cut at
a line break outside quotes; Parquet: batches of rows) and
:class:`~amplify.ingest.block_reading.BlockReading` hands on the accepted
posts of each block as soon as they are read, for
:func:`amplify.workspace.append.ingest_files` to store as a part. Memory then
follows the block, not the file.

What a block reader keeps from reading the file whole:

* rows are numbered in the file (a block's rows are shifted by the lines
  before it), so every reject and every ``origin`` names the file's row;
* the same ``post_id`` in several blocks (or files) is collapsed or rejected
  exactly as :func:`~amplify.ingest.duplicates.collapse_duplicates` does for
  rows of one table, against the *first* row with that id: every block's
  accepted ids are remembered (:mod:`~amplify.ingest.seen_ids`: 64-bit
  hashes in memory, the rows spilled to a temporary Arrow file per block,
  read back only for a hash met again);
* ids made from content count identical rows of earlier blocks of the file
  (:func:`~amplify.ingest.content_ids.content_ids`);
* the per-file report adds up over blocks (notes counting lines add their
  counts).

Some decisions are taken on a whole file, and a block cannot take them
alone: how bytes that are not valid UTF-8 are read when no encoding was given
(a few bad rows, or a legacy file), which day/month layout reads its times,
which columns a JSON Lines file has, whether a file with broken CSV quoting
splits into records where a block ends. When a file that was being read in
blocks meets one of these, the reading stops with :class:`ReadWhole`; the
caller drops what it stored (nothing was committed) and reads that file
whole, as before. Standard input, pipes, files without a header line,
JSON documents and platform exports are read whole from the start.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass

import numpy as np
from numba import njit

from amplify.ingest.csv_fast import quote_fits
from amplify.ingest.files import FORMAT_OF_SUFFIX, STDIN
from amplify.ingest.loading import PARQUET_MAGIC, open_text_stream
from amplify.ingest.oversize import DEFAULT_MAX_FIELD, Cuts, LineFilter
from amplify.ingest.raw import RawTable, forget_json, loads
from amplify.ingest.report import IngestError
from amplify.ingest.times import CANDIDATE_FORMATS

__all__ = ["DEFAULT_CHUNK_SIZE", "ReadWhole", "file_blocks", "regular_file", "whole_file_layouts"]

#: Bytes of text per block by default (CSV/TSV, JSON Lines; Parquet: about as many bytes of rows).
DEFAULT_CHUNK_SIZE = 32 << 20

#: Time layouts chosen by looking at the whole column (day/month order): a file read in blocks
#: whose times need one is read whole.
WHOLE_FILE_LAYOUTS = frozenset(CANDIDATE_FORMATS) | {"Twitter v1"}


class ReadWhole(Exception):
    """A file being read in blocks needs a decision only the whole file can take (see the module)."""

    def __init__(self, path: str, why: str):
        super().__init__(f"{path}: {why}")
        self.path = path
        self.why = why


# ---------------------------------------------------------------------------------------------- blocks


@dataclass
class _Header:
    prefix: bytes        #: the file's text up to and including the header line
    lines: int           #: line breaks in ``prefix``
    sep: str


def _header(data: bytes, fmt: str) -> _Header | None:
    """The header of a CSV/TSV text (None: no line break after it, or not UTF-8 -- read whole)."""
    from amplify.ingest.delimited import header_line
    from amplify.ingest.separators import sniff_separator

    line, _, sep, nl = header_line(data)
    if nl < 0 or not line.strip():
        return None
    try:
        text = line.decode("utf-8").rstrip("\r")
    except UnicodeDecodeError:
        return None
    if sep is None:
        sep = sniff_separator(text, fmt)
    prefix = bytes(data[: nl + 1])
    return _Header(prefix, prefix.count(b"\n"), sep)


def _last_record_end(buf: bytearray, sep: str, path: str) -> tuple[int, int]:
    """The offset just past the last line break of ``buf`` outside quotes (0: none yet), and the
    line breaks before it (inside quotes too).

    ``buf`` starts at a record's start. Quoting that is not clean (a quote where
    RFC 4180 puts none) is read row by row by the strict reader, whose records a
    block cannot predict: :class:`ReadWhole`.
    """
    end, lines = _scan_last_end(np.frombuffer(buf, dtype=np.uint8), ord(sep))
    if end < 0:
        raise ReadWhole(path, "quoting that is not clean CSV (read row by row, so read whole)")
    return end, lines


@njit(cache=True, nogil=True)
def _scan_last_end(arr, sep):
    """``(end, lines)``: just past the last line break outside quotes (0: none), or -1 where a quote
    sits where RFC 4180 puts none -- :func:`~amplify.ingest.csv_fast.quote_fits`, in
    one pass; and how many line breaks come before that end (so that the block's are not counted
    in another pass)."""
    n = len(arr)
    nq = 0
    last = 0
    nl = 0
    last_nl = 0
    for i in range(n):
        c = arr[i]
        if c == 10:
            nl += 1
            if nq % 2 == 0:
                last = i + 1
                last_nl = nl
        elif c == 34:
            if not quote_fits(arr, i, n, nq, sep):
                return -1, 0
            nq += 1
    return last, last_nl


class _BlockFilter:
    """What a JSON block's reader asks of the file's filter: the deep lines inside the block."""

    def __init__(self, deep_lines: list, ends_open: bool = False):
        self.deep_lines = deep_lines
        self.first_deep_line = min(deep_lines) if deep_lines else None
        self.ends_open = ends_open
        self.spans: list = []


def regular_file(path: str) -> bool:
    if path == STDIN:
        return False
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def _name_format(name: str) -> str | None:
    low = name.lower()
    ext = next((e for e in FORMAT_OF_SUFFIX if low.endswith(e)), None)
    return FORMAT_OF_SUFFIX.get(ext) if ext else None


def file_blocks(path: str, fmt: str | None, encoding: str | None, max_field: int = DEFAULT_MAX_FIELD, *,
                header: bool = True, chunk_size: int | None = DEFAULT_CHUNK_SIZE, on_bytes=None):
    """The :class:`RawTable` of each block of one file, rows numbered in the file.

    One table (the whole file, :func:`~amplify.ingest.tabular.read_table`)
    when the file is no bigger than ``chunk_size`` (None: never in blocks), is
    standard input or a pipe, has no header line, or is not CSV/TSV, JSON
    Lines or Parquet. Raises :class:`ReadWhole` when a file already being read
    in blocks turns out to need reading whole (see the module's docstring).
    ``on_bytes(n)`` is told of every ``n`` bytes read (for a progress bar).
    """
    on_bytes = on_bytes or (lambda n: None)
    from amplify.ingest.tabular import read_table

    def whole():
        yield read_table(path, fmt, encoding, max_field=max_field, header=header)

    from amplify.ingest.files import compression_of

    if chunk_size is None or not header or not regular_file(path):
        yield from whole()
        return
    with open(path, "rb") as fh:
        magic = fh.read(8)
    if magic[:4] == PARQUET_MAGIC and fmt in (None, "parquet"):
        yield from _parquet_blocks(path, chunk_size, on_bytes, whole)
        return
    if os.path.getsize(path) <= chunk_size and compression_of(magic) is None:
        yield from whole()   # a small file (a compressed one is measured by what it expands to, below)
        return
    if fmt not in (None, "csv", "tsv", "jsonl"):
        yield from whole()
        return
    stream = open_text_stream(path, fmt, encoding, max_field)
    if stream is None:  # compressed Parquet: held whole, as before
        yield from whole()
        return
    by_name = _name_format(stream.name)
    if stream.family == "json":
        if not (fmt == "jsonl" or (fmt is None and by_name == "jsonl")):
            yield from whole()  # JSON documents, platform exports: one document
            return
        yield from _text_blocks(stream, "jsonl", chunk_size, whole, on_bytes)
        return
    yield from _text_blocks(stream, fmt or (by_name if by_name in ("csv", "tsv") else "csv"), chunk_size, whole,
                            on_bytes)


def _text_blocks(stream, fmt: str, chunk_size: int, whole, on_bytes):
    """CSV/TSV or JSON Lines blocks: the file's filter stepped chunk by chunk, cut at record ends."""
    from amplify.ingest.twitter import looks_like

    filt = stream.filter
    path = stream.shown
    pending = bytearray()
    head: _Header | None = None
    state = {"first_line": 1, "blocks": 0}   # the filtered text's line where ``pending`` starts
    chunks = iter(stream.chunks)
    done = False
    while not done:
        for chunk in chunks:
            on_bytes(len(chunk))
            piece, retract = filt._step(chunk)
            if retract:
                if retract > len(pending):  # a cut reaching into a block already read: records disagree
                    raise ReadWhole(path, "a record too long to keep spans blocks")
                del pending[len(pending) - retract:]
            pending += piece
            if len(pending) >= chunk_size:
                break
        else:
            pending += filt.finish()
            done = True
        if head is None:
            if fmt == "jsonl":
                nl = pending.find(b"\n")
                line = bytes(pending[: nl if nl >= 0 else len(pending)])
                try:
                    if line.strip() and looks_like(loads(line.decode("utf-8", "replace"))):
                        yield from whole()  # Twitter pages as JSON Lines: the platform's reader
                        return
                except ValueError:
                    pass
                head = _Header(b"", 0, "\n")
            else:
                head = _header(pending, fmt)
                if head is None:
                    if done:
                        yield from whole()
                        return
                    continue
                del pending[: len(head.prefix)]
                state["first_line"] = head.lines + 1
        while pending and (done or len(pending) >= chunk_size):
            end, counted = _block_end(pending, chunk_size, fmt, head.sep, path)
            if end == 0:
                if not done:
                    break           # one record longer than what is read so far: read on
                end = len(pending)  # the last record, without a line break after it
                counted = -1
            if done and state["blocks"] == 0 and end == len(pending):
                yield from whole()  # the whole file is one block after all: read it as before
                return
            with memoryview(pending) as view:
                # one copy, behind the header line the CSV reader reads first (JSON Lines: none)
                data = head.prefix + view[:end]
            del pending[:end]
            nlines = counted if counted >= 0 else _count_newlines(np.frombuffer(data, dtype=np.uint8),
                                                                  len(head.prefix))
            raw = _read_block(stream, fmt, head, data, nlines, state["first_line"], path)
            state["blocks"] += 1
            state["first_line"] += nlines
            del data   # not held while the block is used
            yield raw
            del raw


def _block_end(pending: bytearray, chunk_size: int, fmt: str, sep: str, path: str) -> tuple[int, int]:
    """Where the next block ends: the last record end within ``chunk_size`` bytes, else the first one
    after; and the line breaks before it (-1: not counted)."""
    limit = min(len(pending), chunk_size)
    if fmt == "jsonl":
        end = pending.rfind(b"\n", 0, limit) + 1
        if end == 0 and limit < len(pending):
            end = pending.find(b"\n", limit) + 1
        return end, -1
    with memoryview(pending) as view:
        end, lines = _last_record_end(view[:limit], sep, path)
        if end == 0 and limit < len(pending):
            end, lines = _last_record_end(view, sep, path)
    return end, lines


@njit(cache=True, nogil=True)
def _count_newlines(arr, start):
    """Line breaks in ``arr`` from ``start`` on (compiled, without the interpreter lock: ``bytes.count``
    held it for a whole block while the storing thread waited)."""
    n = 0
    for i in range(start, len(arr)):
        if arr[i] == 10:
            n += 1
    return n


def _read_block(stream, fmt: str, head: _Header, data: bytes, nlines: int, first_line: int, path: str) -> RawTable:
    """One block read by the file's reader, rows numbered in the file.

    ``data`` is the header line (``head.prefix``; JSON Lines: none) then the block's records, which
    hold ``nlines`` line breaks.
    """
    from amplify.ingest.delimited import read_delimited
    from amplify.ingest.json_records import read_jsonl

    filt = stream.filter
    if fmt == "jsonl":
        last = first_line + nlines
        deep = [ln - first_line + 1 for ln in filt.deep_lines if first_line <= ln <= last]
        src = stream.loaded(data)
        src.filter = _BlockFilter(deep)
        try:
            raw = read_jsonl(src, path)
        finally:
            forget_json()
        shift = first_line - 1
    else:
        src = stream.loaded(data)
        src.filter = None
        raw = read_delimited(src, path, fmt, src.encoding, False, True)
        shift = first_line - (head.lines + 1)
    known = stream.given or stream.label not in (None, "utf-8-sig")
    if not known and (raw.bad_bytes_in is not None or (raw.encoding or "utf-8") != (stream.label or "utf-8")):
        # bytes not valid UTF-8: a few bad rows, or a legacy file? Settled on the whole text (settle_invalid)
        raise ReadWhole(path, "bytes that are not valid UTF-8, and no --encoding")
    raw.max_field = stream.max_field
    raw.cuts = Cuts.of(filt)
    _shift_rows(raw, shift, filt)
    raw.in_blocks = True   # one block of several: BlockReading checks its columns against the first's
    return raw


def _shift_rows(raw: RawTable, shift: int, filt) -> None:
    """A block's row numbers as the file's (lines before the block; lines that cuts removed)."""
    rows = np.asarray(raw.rows, dtype=np.int64) + shift
    spans = isinstance(filt, LineFilter) and any(filt.spans)
    raw.rows = filt.input_lines(rows) if spans else rows
    for r in raw.rejects:
        r["row"] = int(r["row"]) + shift
        if spans:
            r["row"] = int(filt.input_line(r["row"]))


def _parquet_blocks(path: str, chunk_size: int, on_bytes, whole):
    """A Parquet file in batches of about ``chunk_size`` bytes of rows (as the file's metadata sizes them)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from amplify.ingest.parquet import parquet_rows

    try:
        pf = pq.ParquetFile(path)
        meta = pf.metadata
        size = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
        per_row = max(1, size // max(1, meta.num_rows))
        batch = max(1024, chunk_size // per_row)
        if meta.num_rows <= batch:
            pf = None
    except (pa.ArrowException, OSError, ValueError):
        pf = None
    if pf is None:
        yield from whole()   # small, or not readable as Parquet: read_parquet says why
        return
    try:
        batches = pf.iter_batches(batch_size=batch)
        first = 1
        for b in batches:
            table = pa.Table.from_batches([b])
            on_bytes(table.num_rows * per_row)
            yield parquet_rows(table, path, first)
            first += table.num_rows
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise IngestError(f"{path}: cannot read as Parquet ({exc}); is the file complete?", path=path) from exc


def whole_file_layouts(time_formats: dict) -> list[str]:
    """The time layouts among ``time_formats`` that a block cannot choose alone (day/month order)."""
    return [k for k in time_formats if k in WHOLE_FILE_LAYOUTS]
