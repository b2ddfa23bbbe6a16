"""CSV and TSV files: encoding, the header line, the separator, and which reader.

:func:`read_delimited` turns a CSV/TSV file's bytes into a
:class:`~amplify.ingest.raw.RawTable`:

1. the bytes come as UTF-8 (:mod:`amplify.ingest.loading` decoded them);
   bytes that are not valid are settled by
   :func:`~amplify.ingest.loading.settle_invalid`: the rows holding them are
   rejected (read by the strict reader, which keeps them as surrogates for
   :func:`~amplify.ingest.posts.to_posts` to reject), or a legacy file is
   read as cp1252 with a note;
2. leading blank lines and an Excel ``sep=;`` line are passed over, and the
   header line names the columns; without ``sep=`` the separator is the one of
   ``,`` ``;`` tab ``|`` that the header holds most often outside quotes;
3. the body is read by the fast reader (:mod:`amplify.ingest.csv_fast`), or,
   when it cannot vouch for the quoting, by the strict one
   (:mod:`amplify.ingest.csv_strict`), so that every row knows its line
   number and every broken row is reported.
"""

from __future__ import annotations

import csv
import re

from amplify.ingest.charsets import describe_surrogate, first_surrogate
from amplify.ingest.csv_fast import read_fast
from amplify.ingest.csv_strict import read_plain_tsv, read_strict
from amplify.ingest.loading import Loaded, loaded_from_bytes, settle_invalid
from amplify.ingest.oversize import DEFAULT_MAX_FIELD
from amplify.ingest.raw import RawTable, header_names, repeated_header_notes
from amplify.ingest.report import IngestError
from amplify.ingest.separators import SEPARATORS, sniff_separator

__all__ = ["SEPARATORS", "read_delimited", "sniff_separator"]



def read_delimited(data, path: str, fmt: str, encoding: str | None = None, force_slow: bool = False,
                   header: bool = True) -> RawTable:
    """Read a CSV (``fmt="csv"``) or TSV file; ``force_slow`` skips the fast reader.

    ``data`` is the :class:`~amplify.ingest.loading.Loaded` input (or, from
    older callers, the file's bytes, loaded here with ``encoding``). With
    ``header=False`` the first line is data too, and the columns are named
    ``column_1``, ``column_2`` ... (as many as the first line has fields).
    """
    src = data if isinstance(data, Loaded) else loaded_from_bytes(
        data, path, fmt=fmt, encoding=encoding, max_field=max(DEFAULT_MAX_FIELD, len(data) + 1))
    enc = src.encoding or "utf-8"
    try:
        return _read_utf8(src.data, path, fmt, enc, [], force_slow, header)
    except UnicodeDecodeError:
        pass
    settled = settle_invalid(src.data, src, path)
    if settled.utf8 is not None:
        return _read_utf8(settled.utf8, path, fmt, settled.encoding, settled.notes, force_slow, header)
    return _read_text(settled.text, path, fmt, settled.encoding, settled.notes, header)


def _numbered(raw_names: list) -> list[str]:
    """Names of the columns of a file without a header line: ``column_1`` ..."""
    return [f"column_{i + 1}" for i in range(len(raw_names))]


def header_line(data: bytes):
    """``(header line, its line number, separator from a sep= line or None, newline after it)``.

    Leading blank lines and an Excel ``sep=;`` line are passed over; the
    newline is -1 when the header is the file's last line.
    """
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
        return line, line_no, sep, nl


def _read_utf8(data: bytes, path: str, fmt: str, enc: str, notes: list, force_slow: bool,
               header: bool = True) -> RawTable:
    line, line_no, sep, nl = header_line(data)
    if not line.strip():
        raise IngestError(f"{path}: the file is empty" + (" (no header line)" if header else " (no row)"))
    header_text = line.decode("utf-8").rstrip("\r")
    if sep is None:
        sep = sniff_separator(header_text, fmt)
    try:
        raw_names = next(csv.reader([header_text], delimiter=sep, strict=True))
    except csv.Error as exc:
        raise IngestError(f"{path}: line {line_no}: cannot read the header line: {exc}") from exc
    names = header_names(raw_names)
    if header:
        notes = notes + repeated_header_notes(raw_names, names)
    body_start = nl + 1 if nl >= 0 else len(data)
    first_body_line = line_no + 1
    if not header:  # the first line is a row
        names = _numbered(raw_names)
        body_start = (nl if nl >= 0 else len(data)) - len(line)
        first_body_line = line_no
        notes = notes + [f"no header line: columns named column_1 to column_{len(names)}"]
    table = None
    if not force_slow:
        table = read_fast(data, body_start, names, sep, first_body_line)
    if table is None:
        text = data[body_start:].decode("utf-8")
        table = read_strict(text, names, sep, first_body_line)
        if sep == "\t" and table[2]:
            # tab-separated files often carry quotes as plain text (no CSV quoting at all):
            # if reading every line as-is gives every row its fields, that is the reading
            plain = read_plain_tsv(text, names, first_body_line)
            if plain is not None:
                table = plain
                notes = notes + ["quotes read as part of the text (tab-separated without CSV quoting)"]
    frame, rows, rejects, blank = table
    if blank:
        notes = notes + [f"{blank} blank line(s) ignored"]
    return RawTable(path=path, format=fmt, frame=frame, rows=rows, rejects=rejects,
                    rows_read=len(frame) + len(rejects), notes=notes, encoding=enc, separator=sep,
                    maybe_nul=data.find(b"\x00", body_start) >= 0)


def _read_text(text: str, path: str, fmt: str, enc: str, notes: list, has_header: bool = True) -> RawTable:
    """A text holding bytes that were not valid (as surrogates): the strict reader, values kept as
    Python strings, so that :func:`~amplify.ingest.posts.to_posts` rejects the rows that hold one."""
    lines_before, sep = 0, None
    pos = 0
    while True:  # leading blank lines and an Excel sep= line, as header_line
        nl = text.find("\n", pos)
        line = text[pos: nl if nl >= 0 else len(text)]
        if not line.strip() and nl >= 0:
            pos, lines_before = nl + 1, lines_before + 1
            continue
        m = re.fullmatch(r"sep=(.)", line.strip())
        if m and sep is None and nl >= 0:
            sep = m.group(1)
            pos, lines_before = nl + 1, lines_before + 1
            continue
        break
    header = line.rstrip("\r")
    line_no = lines_before + 1
    if not header.strip():
        raise IngestError(f"{path}: the file is empty" + (" (no header line)" if has_header else " (no row)"), path=path)
    bad = first_surrogate(header)
    if bad is not None:
        raise IngestError(f"{path}: line {line_no} (the header): {describe_surrogate(bad, enc)}; "
                          f"give the file's encoding with --encoding", path=path, flag="--encoding")
    if sep is None:
        sep = sniff_separator(header, fmt)
    try:
        raw_names = next(csv.reader([header], delimiter=sep, strict=True))
    except csv.Error as exc:
        raise IngestError(f"{path}: line {line_no}: cannot read the header line: {exc}", path=path) from exc
    names = header_names(raw_names)
    if has_header:
        notes = notes + repeated_header_notes(raw_names, names)
    body = text[nl + 1:] if nl >= 0 else ""
    first = line_no + 1
    if not has_header:  # the first line is a row
        names = _numbered(raw_names)
        body = text[pos:]
        first = line_no
        notes = notes + [f"no header line: columns named column_1 to column_{len(names)}"]
    frame, rows, rejects, blank = read_strict(body, names, sep, first, as_objects=True)
    if sep == "\t" and rejects:
        plain = read_plain_tsv(body, names, first, as_objects=True)
        if plain is not None:
            frame, rows, rejects, blank = plain
            notes = notes + ["quotes read as part of the text (tab-separated without CSV quoting)"]
    if blank:
        notes = notes + [f"{blank} blank line(s) ignored"]
    return RawTable(path=path, format=fmt, frame=frame, rows=rows, rejects=rejects,
                    rows_read=len(frame) + len(rejects), notes=notes, encoding=enc, separator=sep,
                    maybe_nul="\x00" in body, maybe_surrogates=True, bad_bytes_in=enc)
