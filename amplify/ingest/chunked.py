"""Reading big files a block of rows at a time, with the result of reading them whole.

:func:`read_posts` (in :mod:`amplify.ingest`) holds a whole file -- its bytes,
its source columns, its posts -- before anything is stored: a million posts
took 2.2 GiB. :class:`ChunkedReading` reads each file in blocks of about
``chunk_size`` bytes of text (CSV/TSV and JSON Lines: whole records, cut at
a line break outside quotes; Parquet: batches of rows) and hands on the
accepted posts of each block as soon as they are read, for
:func:`amplify.workspace.append.ingest_files` to store as a part. Memory then
follows the block, not the file.

What a block reader keeps from reading the file whole:

* rows are numbered in the file (a block's rows are shifted by the lines
  before it), so every reject and every ``origin`` names the file's row;
* the same ``post_id`` in several blocks (or files) is collapsed or rejected
  exactly as :func:`~amplify.ingest.duplicates.collapse_duplicates` does for
  rows of one table, against the *first* row with that id: every block's
  accepted ids are remembered (64-bit hashes in memory, the rows themselves
  spilled to a temporary Parquet file per block, read back only for a hash
  met again);
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
import re
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from numba import njit

from amplify.ingest.files import FORMAT_OF_SUFFIX, STDIN, display_name
from amplify.ingest.loading import PARQUET_MAGIC, open_text_stream
from amplify.ingest.oversize import DEFAULT_MAX_FIELD, Cuts, LineFilter
from amplify.ingest.raw import RawTable, forget_json, loads
from amplify.ingest.report import REJECT_COLUMNS, IngestError
from amplify.ingest.times import CANDIDATE_FORMATS

__all__ = ["DEFAULT_CHUNK_SIZE", "ReadWhole", "file_blocks", "SeenIds", "merge_notes"]

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
    from amplify.ingest.delimited import _header_line
    from amplify.ingest.separators import sniff_separator

    line, _, sep, nl = _header_line(data)
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


def _last_record_end(buf: bytearray, sep: str, path: str) -> int:
    """The offset just past the last line break of ``buf`` outside quotes (0: none yet).

    ``buf`` starts at a record's start. Quoting that is not clean (a quote where
    RFC 4180 puts none) is read row by row by the strict reader, whose records a
    block cannot predict: :class:`ReadWhole`.
    """
    end = _scan_last_end(np.frombuffer(buf, dtype=np.uint8), ord(sep))
    if end < 0:
        raise ReadWhole(path, "quoting that is not clean CSV (read row by row, so read whole)")
    return end


@njit(cache=True, nogil=True)
def _scan_last_end(arr, sep):
    """Just past the last line break outside quotes (0: none), or -1 where a quote sits where
    RFC 4180 puts none -- the rule of :func:`~amplify.ingest.csv_fast.scan_records`, in one pass."""
    n = len(arr)
    nq = 0
    last = 0
    for i in range(n):
        c = arr[i]
        if c == 10:
            if nq % 2 == 0:
                last = i + 1
        elif c == 34:
            prev = arr[i - 1] if i > 0 else 10
            nxt = arr[i + 1] if i < n - 1 else 10
            if nq % 2 == 0:
                ok = prev == sep or prev == 10 or prev == 34
            else:
                ok = nxt == sep or nxt == 10 or nxt == 13 or nxt == 34
            if not ok:
                return -1
            nq += 1
    return last


class _BlockFilter:
    """What a JSON block's reader asks of the file's filter: the deep lines inside the block."""

    def __init__(self, deep_lines: list, ends_open: bool = False):
        self.deep_lines = deep_lines
        self.first_deep_line = min(deep_lines) if deep_lines else None
        self.ends_open = ends_open
        self.spans: list = []


def _regular(path: str) -> bool:
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

    from amplify.ingest.files import _compression

    if chunk_size is None or not header or not _regular(path):
        yield from whole()
        return
    with open(path, "rb") as fh:
        magic = fh.read(8)
    if magic[:4] == PARQUET_MAGIC and fmt in (None, "parquet"):
        yield from _parquet_blocks(path, chunk_size, on_bytes, whole)
        return
    if os.path.getsize(path) <= chunk_size and _compression(magic) is None:
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
            end = _block_end(pending, chunk_size, fmt, head.sep, path)
            if end == 0:
                if not done:
                    break           # one record longer than what is read so far: read on
                end = len(pending)  # the last record, without a line break after it
            if done and state["blocks"] == 0 and end == len(pending):
                yield from whole()  # the whole file is one block after all: read it as before
                return
            with memoryview(pending) as view:
                body = bytes(view[:end])   # one copy (pending[:end] would make two)
            del pending[:end]
            yield _read_block(stream, fmt, head, body, state["first_line"], path)
            state["blocks"] += 1
            state["first_line"] += body.count(b"\n")


def _block_end(pending: bytearray, chunk_size: int, fmt: str, sep: str, path: str) -> int:
    """Where the next block ends: the last record end within ``chunk_size`` bytes, else the first one after."""
    limit = min(len(pending), chunk_size)
    if fmt == "jsonl":
        end = pending.rfind(b"\n", 0, limit) + 1
        if end == 0 and limit < len(pending):
            end = pending.find(b"\n", limit) + 1
        return end
    with memoryview(pending) as view:
        end = _last_record_end(view[:limit], sep, path)
        if end == 0 and limit < len(pending):
            end = _last_record_end(view, sep, path)
    return end


def _read_block(stream, fmt: str, head: _Header, body: bytes, first_line: int, path: str) -> RawTable:
    """One block read by the file's reader (CSV/TSV: behind the header line), rows numbered in the file."""
    from amplify.ingest.delimited import read_delimited
    from amplify.ingest.json_records import read_jsonl

    filt = stream.filter
    if fmt == "jsonl":
        last = first_line + body.count(b"\n")
        deep = [ln - first_line + 1 for ln in filt.deep_lines if first_line <= ln <= last]
        src = stream.loaded(body)
        src.filter = _BlockFilter(deep)
        try:
            raw = read_jsonl(src, path)
        finally:
            forget_json()
        shift = first_line - 1
    else:
        src = stream.loaded(head.prefix + body)
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


# ---------------------------------------------------------------------------------------------- ids seen


@njit(cache=True, nogil=True)
def _fnv1a(data, offsets, out):
    """A 64-bit hash of each string of an Arrow string column (its bytes and offsets): FNV-1a over
    8-byte words (texts are long: a multiply per byte took a second per million posts), then the
    length and a final mix so that every bit of the last word reaches every bit of the hash."""
    prime = np.uint64(0x100000001B3)
    for i in range(len(out)):
        h = np.uint64(0xCBF29CE484222325)
        j, end = offsets[i], offsets[i + 1]
        while j + 8 <= end:
            w = np.uint64(0)
            for k in range(8):
                w |= np.uint64(data[j + k]) << np.uint64(8 * k)
            h = (h ^ w) * prime
            j += 8
        while j < end:
            h = (h ^ np.uint64(data[j])) * prime
            j += 1
        h ^= np.uint64(end - offsets[i])
        h ^= h >> np.uint64(33)
        h *= np.uint64(0xFF51AFD7ED558CCD)
        h ^= h >> np.uint64(33)
        out[i] = h


def _hash(values) -> np.ndarray:
    """A 64-bit hash of each string (pandas ``string`` or object values; missing as empty), compiled."""
    import pyarrow as pa

    arr = pa.array(values.array if isinstance(values, pd.Series) else list(values), type=pa.large_string(),
                   from_pandas=True)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    n = len(arr)
    out = np.empty(n, dtype=np.uint64)
    if n == 0:
        return out
    _, offsets, data = arr.buffers()
    off = np.frombuffer(offsets, dtype=np.int64, count=n + 1, offset=arr.offset * 8)
    buf = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, dtype=np.uint8)
    _fnv1a(buf, off, out)
    return out


@dataclass
class SeenIds:
    """The ids of the blocks read so far, and their first rows (see the module's docstring).

    Memory: sixteen bytes per id (its hash and file), in a few sorted runs
    merged as they grow; the rows (``post_id``, hashes of outlet and text,
    time, file and row) go to a temporary Parquet file per block, read back
    only when a hash is met again. Hashes only point: an id is taken as seen
    when the spilled rows hold it exactly.
    """

    folder: Path
    runs: list = field(default_factory=list)     #: (sorted hashes, their files)
    n_blocks: int = 0

    @classmethod
    def create(cls) -> "SeenIds":
        return cls(Path(tempfile.mkdtemp(prefix="amplify-ingest-ids-")))

    def close(self) -> None:
        import shutil

        shutil.rmtree(self.folder, ignore_errors=True)

    def _maybe(self, h: np.ndarray) -> np.ndarray:
        out = np.zeros(len(h), dtype=bool)
        for hashes, _ in self.runs:
            pos = np.searchsorted(hashes, h)
            out |= hashes[np.minimum(pos, len(hashes) - 1)] == h
        return out

    def rows_of(self, ids, file: int | None = None) -> pd.DataFrame:
        """The remembered first rows of these ids (``file``: only that file's), earliest first."""
        import pyarrow as pa
        import pyarrow.dataset as pads

        ids = np.asarray(ids, dtype=object)
        if len(ids) and self.n_blocks:
            want = pads.field("post_id").isin(pa.array(list(dict.fromkeys(ids.tolist())), pa.string()))
            if file is not None:
                want = want & (pads.field("_file") == file)
            files = sorted(str(p) for p in self.folder.glob("block-*.parquet"))
            t = pads.dataset(files, format="parquet").to_table(filter=want)
            if t.num_rows:
                return t.to_pandas().drop_duplicates("post_id", keep="first").reset_index(drop=True)
        return pd.DataFrame({"post_id": pd.Series(dtype=object), "outlet_h": pd.Series(dtype="uint64"),
                             "ns": pd.Series(dtype="int64"), "text_h": pd.Series(dtype="uint64"),
                             "_file": pd.Series(dtype="int64"), "_row": pd.Series(dtype="int64")})

    def contains(self, ids, file: int | None = None) -> np.ndarray:
        """Per id: did an earlier block (of ``file``, when given) accept it?"""
        ids = np.asarray(ids, dtype=object)
        out = np.zeros(len(ids), dtype=bool)
        if not len(ids) or not self.runs:
            return out
        maybe = self._maybe(_hash(ids))
        if maybe.any():
            known = set(self.rows_of(ids[maybe], file)["post_id"].tolist())
            out[maybe] = [i in known for i in ids[maybe].tolist()]
        return out

    def add(self, file: int, acc: pd.DataFrame) -> None:
        """Remember the ids of a block's kept rows (their first rows)."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        ids = acc["post_id"]
        h = _hash(ids)
        t = pa.table({"post_id": pa.array(ids.array, pa.string(), from_pandas=True),
                      "outlet_h": pa.array(_hash(acc["outlet"])), "ns": pa.array(_ns(acc["published_at"])),
                      "text_h": pa.array(_hash(acc["text"])),
                      "_file": pa.array(acc["_file"].to_numpy(dtype=np.int64)),
                      "_row": pa.array(acc["_row"].to_numpy(dtype=np.int64))})
        pq.write_table(t, self.folder / f"block-{self.n_blocks:08d}.parquet")
        self.n_blocks += 1
        order = np.argsort(h, kind="stable")
        self.runs.append((h[order], np.full(len(h), file, dtype=np.int32)))
        # runs of similar size merge (a binary counter): a few runs, each id moved about log2(blocks) times
        while len(self.runs) > 1 and len(self.runs[-1][0]) >= len(self.runs[-2][0]):
            (h2, f2), (h1, f1) = self.runs.pop(), self.runs.pop()
            hh, ff = np.concatenate([h1, h2]), np.concatenate([f1, f2])
            order = np.argsort(hh, kind="stable")   # two sorted runs: a linear merge
            self.runs.append((hh[order], ff[order]))

    def collapse_earlier(self, acc: pd.DataFrame, paths: list[str], id_cols: list[str]):
        """Rows whose id an earlier block accepted: collapsed when identical to that first row
        (same outlet, time and text), else rejected naming it -- as
        :func:`~amplify.ingest.duplicates.collapse_duplicates` does in one table.

        Returns ``(kept rows, rejects, {file index: rows collapsed})``.
        """
        from amplify.ingest.values import shorten

        empty = pd.DataFrame(columns=list(REJECT_COLUMNS))
        if not len(acc) or not self.runs:
            return acc, empty, {}
        ids = acc["post_id"].astype(object).to_numpy()
        seen = self.contains(ids)
        if not seen.any():
            return acc, empty, {}
        idx = np.flatnonzero(seen)
        first = self.rows_of(ids[idx]).set_index("post_id")
        later = acc.iloc[idx]
        f = first.loc[later["post_id"].astype(object).to_numpy()]
        same_outlet = f["outlet_h"].to_numpy() == _hash(later["outlet"])
        same_time = f["ns"].to_numpy() == _ns(later["published_at"])
        same_text = f["text_h"].to_numpy() == _hash(later["text"])
        same = same_outlet & same_time & same_text
        collapsed: dict = {}
        for fi in later["_file"].to_numpy()[same].tolist():
            collapsed[int(fi)] = collapsed.get(int(fi), 0) + 1
        recs = []
        for j in np.flatnonzero(~same).tolist():
            r = later.iloc[j]
            diff = [name for name, eq in (("outlet", same_outlet[j]), ("time", same_time[j]), ("text", same_text[j]))
                    if not eq]
            fi, fr = int(f["_file"].iloc[j]), int(f["_row"].iloc[j])
            recs.append({
                "file": paths[int(r["_file"])], "row": int(r["_row"]), "column": id_cols[int(r["_file"])],
                "reason": (f"conflicting duplicate id: same post_id as {paths[fi]}:{fr} (kept) but different "
                           f"{'/'.join(diff)}"),
                "value": shorten(r["post_id"]),
            })
        keep = ~seen
        return acc[keep].reset_index(drop=True), pd.DataFrame(recs, columns=list(REJECT_COLUMNS)), collapsed


def _ns(s: pd.Series) -> np.ndarray:
    from amplify.utc import to_ns

    return np.asarray(to_ns(s), dtype=np.int64)


# ---------------------------------------------------------------------------------------------- notes

_COUNTED = re.compile(r"^(\d[\d,]*) (.*)$")


def merge_notes(notes: list[str], more: list[str]) -> list[str]:
    """A file's notes with a block's: a note that begins with a count adds it to the same note's
    (``3 blank line(s) ignored`` + ``2 blank line(s) ignored``); others are kept once, in order.

    >>> merge_notes(["3 blank line(s) ignored", "x"], ["2 blank line(s) ignored", "x", "y"])
    ['5 blank line(s) ignored', 'x', 'y']
    """
    out = list(notes)
    for n in more:
        m = _COUNTED.match(n)
        if m:
            rest = m.group(2)
            for i, o in enumerate(out):
                mo = _COUNTED.match(o)
                if mo and mo.group(2) == rest:
                    total = int(mo.group(1).replace(",", "")) + int(m.group(1).replace(",", ""))
                    out[i] = (f"{total:,}" if "," in mo.group(1) + m.group(1) else str(total)) + " " + rest
                    break
            else:
                out.append(n)
        elif n not in out:
            out.append(n)
    return out



# ---------------------------------------------------------------------------------------------- reading


class BlockReading:
    """Posts files read block by block: :meth:`batches` yields each block's accepted posts, ready to store;
    :meth:`result` then gives what :func:`amplify.ingest.read_posts` gives (its ``posts`` empty: they were
    handed on), with the same reports, rejects and errors.

    ``whole`` names files to read whole (after :class:`ReadWhole`).
    """

    def __init__(self, paths, mapping: dict | None = None, time_format: str | None = None, fmt: str | None = None,
                 progress: bool = False, *, encoding: str | None = None, keep_extra: bool = True,
                 map_flag: str = "mapping", max_field: int = DEFAULT_MAX_FIELD, header: bool = True,
                 chunk_size: int | None = DEFAULT_CHUNK_SIZE, whole=()):
        from amplify.ingest.times import check_time_format

        if isinstance(paths, (str, Path)):
            paths = [paths]
        self.paths = [str(p) for p in paths]
        if not self.paths:
            raise IngestError("no input files given")
        if time_format is not None:
            try:
                check_time_format(time_format)
            except ValueError as exc:
                raise IngestError(str(exc), flag="--time-format") from None
        if self.paths.count("-") > 1:
            raise IngestError("standard input (-) can be read only once; give it once", flag="-")
        self.mapping, self.time_format, self.fmt, self.progress = mapping, time_format, fmt, progress
        self.encoding, self.keep_extra, self.map_flag = encoding, keep_extra, map_flag
        self.max_field, self.header, self.chunk_size = max_field, header, chunk_size
        self.whole = set(whole)
        self.shown = [display_name(p) for p in self.paths]
        self.reports: list = []
        self.rejects: list = []
        self.id_cols: list = []
        self.accepted = 0
        self.blocks_read = 0

    def batches(self):
        """``(posts, content_id_rows)`` of each block with accepted posts, in file order."""
        import sys

        from amplify.ingest import PROGRESS_MIN_BYTES, _posts_table
        from amplify.ingest.duplicates import collapse_duplicates
        from amplify.ingest.posts import to_posts
        from amplify.ingest.report import FileReport
        from amplify import schema

        sizes = [os.path.getsize(p) if _regular(p) else 0 for p in self.paths]
        bar = None
        if self.progress and sum(sizes) >= PROGRESS_MIN_BYTES:
            from tqdm import tqdm

            bar = tqdm(total=sum(sizes), unit="B", unit_scale=True, desc="ingest", file=sys.stderr, leave=False)
        seen = SeenIds.create()
        try:
            for i, path in enumerate(self.paths):
                if bar is not None:
                    bar.set_postfix_str(Path(path).name)
                rep = None
                chunk = None if path in self.whole else self.chunk_size
                nblocks = 0
                first_cols = None
                moved = [0]

                def on_bytes(n, _size=sizes[i], _moved=moved):
                    # the bar moves as the file is read (decompressed bytes may outrun the file's size)
                    step = max(0, min(_size, _moved[0] + n) - _moved[0])
                    _moved[0] += step
                    if bar is not None and step:
                        bar.update(step)

                for raw in file_blocks(path, self.fmt, self.encoding, self.max_field, header=self.header,
                                       chunk_size=chunk, on_bytes=on_bytes):
                    nblocks += 1
                    if getattr(raw, "in_blocks", False):
                        # JSON Lines records may hold other fields further on (or a block only broken
                        # lines): the columns of the whole file are those of every record
                        cols = list(raw.frame.columns)
                        if first_cols is None:
                            first_cols = cols
                        if not cols or cols != first_cols:
                            raise ReadWhole(self.shown[i], "records further on hold other fields")
                    earlier = None
                    if nblocks > 1:
                        def earlier(ids, _i=i):
                            return seen.contains(ids, file=_i)
                    res = to_posts(raw, None if raw.canonical else self.mapping, self.time_format,
                                   keep_extra=self.keep_extra or raw.canonical, map_flag=self.map_flag,
                                   earlier_ids=earlier)
                    if rep is None:
                        rep = FileReport(path=self.shown[i], format=raw.format, derived_ids=res.derived_ids,
                                         column_mapping=res.column_mapping, encoding=raw.encoding,
                                         separator=raw.separator)
                        self.reports.append(rep)
                        self.id_cols.append(res.column_mapping.get("post_id", "post_id"))
                    elif res.column_mapping != rep.column_mapping or raw.format != rep.format:
                        raise ReadWhole(self.shown[i], "its blocks hold other columns")
                    rep.rows_read += raw.rows_read
                    rep.skipped += sum(raw.skipped.values())
                    for k, v in raw.skipped.items():
                        rep.skipped_by_reason[k] = rep.skipped_by_reason.get(k, 0) + v
                    for k, v in res.time_formats.items():
                        rep.time_formats[k] = rep.time_formats.get(k, 0) + v
                    rep.notes = merge_notes(rep.notes, list(raw.notes) + list(res.notes))
                    acc = res.accepted
                    acc["_file"] = i
                    rj = res.rejects
                    rj.insert(0, "file", self.shown[i])
                    self.rejects.append(rj)
                    # an id met in an earlier block first (against its first row), then repeats inside this one
                    acc, xrej, xcol = seen.collapse_earlier(acc, self.shown, self.id_cols)
                    acc, drej, dcol = collapse_duplicates(acc, self.shown, self.id_cols)
                    for r in (xrej, drej):
                        if len(r):
                            self.rejects.append(r)
                    rep.duplicates_collapsed += int(xcol.get(i, 0)) + int(dcol.get(i, 0))
                    rep.accepted += len(acc)
                    rep.naive_times += int(acc["_naive"].to_numpy(dtype=bool).sum()) if len(acc) else 0
                    self.accepted += len(acc)
                    self.blocks_read += 1
                    if len(acc):
                        seen.add(i, acc)
                        derived = np.full(len(acc), res.derived_ids, dtype=bool)
                        posts = schema.validate_posts(_posts_table(acc, self.shown))
                        del acc
                        yield posts, derived
                    del raw, res
                on_bytes(sizes[i])
                if rep is not None and nblocks > 1:
                    layouts = whole_file_layouts(rep.time_formats)
                    if layouts:
                        raise ReadWhole(self.shown[i], f"times in a layout chosen on the whole file ({layouts[0]})")
        finally:
            seen.close()
            if bar is not None:
                bar.close()

    def result(self):
        """The :class:`~amplify.ingest.report.IngestResult` of the reading (after :meth:`batches`).

        Raises
        ------
        IngestError
            No post at all was accepted (``err.result`` holds the reports and rejects).
        """
        from amplify import schema
        from amplify.ingest import _rejects_table
        from amplify.ingest.report import IngestResult, reason_category
        from collections import Counter

        rej = _rejects_table(self.rejects, self.shown)
        for rep in self.reports:
            rr = rej[rej["file"] == rep.path]["reason"]
            rep.rejected = int(len(rr))
            rep.rejected_by_reason = dict(Counter(reason_category(r) for r in rr))
        result = IngestResult(posts=schema.empty_posts(optional=True), rejects=rej, files=self.reports,
                              content_id_rows=np.zeros(0, dtype=bool))
        if not self.accepted:
            raise IngestError("nothing usable: no post was accepted.\n" + result.summary(), result=result)
        return result

