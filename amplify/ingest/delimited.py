"""CSV and TSV files: encoding, the header line, the separator, and which reader.

:func:`read_delimited` turns a CSV/TSV file's bytes into a
:class:`~amplify.ingest.raw.RawTable`:

1. the bytes become UTF-8 (a BOM or the user's encoding says how; bytes that
   are not UTF-8 are read as cp1252 and a note says so);
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

from amplify.ingest.csv_fast import read_fast
from amplify.ingest.csv_strict import read_plain_tsv, read_strict
from amplify.ingest.files import csv_utf8, transcode_legacy
from amplify.ingest.raw import RawTable, header_names
from amplify.ingest.report import IngestError

__all__ = ["SEPARATORS", "read_delimited", "sniff_separator"]

#: Separators told apart in a header line; on a tie the comma wins.
SEPARATORS = (",", ";", "\t", "|")


def read_delimited(data: bytes, path: str, fmt: str, encoding: str | None, force_slow: bool = False) -> RawTable:
    """Read a CSV (``fmt="csv"``) or TSV file's bytes; ``force_slow`` skips the fast reader."""
    body, enc = csv_utf8(data, encoding)
    try:
        return _read_utf8(body, path, fmt, enc, [], force_slow)
    except UnicodeDecodeError:
        if encoding:
            raise IngestError(f"{path}: cannot be read as {encoding}")
        body, enc = transcode_legacy(body)
        notes = [f"not valid UTF-8: read as {enc} (give the encoding if that is wrong)"]
        return _read_utf8(body, path, fmt, enc, notes, force_slow)


def sniff_separator(header: str, fmt: str) -> str:
    """The separator of a header line: the most frequent of :data:`SEPARATORS` outside quotes.

    >>> sniff_separator('id;"a,b";text', "csv"), sniff_separator("id", "tsv")
    (';', '\\t')
    """
    counts = {sep: _count_outside_quotes(header, sep) for sep in SEPARATORS}
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


def _header_line(data: bytes):
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


def _read_utf8(data: bytes, path: str, fmt: str, enc: str, notes: list, force_slow: bool) -> RawTable:
    line, line_no, sep, nl = _header_line(data)
    if not line.strip():
        raise IngestError(f"{path}: the file is empty (no header line)")
    header_text = line.decode("utf-8").rstrip("\r")
    if sep is None:
        sep = sniff_separator(header_text, fmt)
    try:
        raw_names = next(csv.reader([header_text], delimiter=sep, strict=True))
    except csv.Error as exc:
        raise IngestError(f"{path}: line {line_no}: cannot read the header line: {exc}") from exc
    names = header_names(raw_names)
    body_start = nl + 1 if nl >= 0 else len(data)
    first_body_line = line_no + 1
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
