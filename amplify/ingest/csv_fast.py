"""The fast CSV reader: pyarrow's multithreaded parser, checked by a compiled scan.

pyarrow parses fast but says neither on which line a row starts nor which
rows it skipped as malformed. So one compiled pass over the raw bytes
(:func:`scan_records_once`) first finds where every record starts -- newlines
outside quotes -- and checks that every quote opens or closes a field as
RFC 4180 has it. When the quoting is clean and pyarrow's rows agree with the
scan, the rows get their line numbers from the scan; otherwise
:func:`read_fast` returns None and the strict reader
(:mod:`amplify.ingest.csv_strict`) decides, row by row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numba import njit

from amplify.ingest.csv_strict import malformed_row
from amplify.ingest.raw import arrow_frame

__all__ = ["quote_fits", "scan_records_once", "read_fast"]

NEWLINE, CARRIAGE_RETURN, QUOTE = 10, 13, 34

#: pyarrow's parser block size: at least this, and room for two of the longest record.
MIN_BLOCK_SIZE = 1 << 24


@njit(cache=True, nogil=True, inline="always")
def quote_fits(arr, i, n, nq, sep):
    """Whether the quote at ``arr[i]`` sits where RFC 4180 puts one: with ``nq`` quotes
    before it (an even number: outside a field), it opens a field or is the second of a
    doubled quote; inside, it closes the field or doubles. The one statement of the rule
    for every scan of CSV bytes (:func:`scan_records_once`, the block cutter of
    :mod:`amplify.ingest.chunked`)."""
    if nq % 2 == 0:
        prev = arr[i - 1] if i > 0 else 10
        return prev == sep or prev == 10 or prev == 34
    nxt = arr[i + 1] if i < n - 1 else 10
    return nxt == sep or nxt == 10 or nxt == 13 or nxt == 34


@njit(cache=True, nogil=True)
def scan_records_once(arr, sep):
    """Record ends of a CSV body: newlines outside quotes, with the number of newlines before
    each (its physical line), in one pass. Returns ``(record ends, newlines before each,
    records, newlines, quotes)``, the arrays grown as records are found (counting first, then
    filling, read every byte twice: the reading side's second-largest scan), or ``quotes =
    -1`` when a quote sits where RFC 4180 puts none (:func:`quote_fits`; the strict reader
    then says which row)."""
    n = len(arr)
    cap = max(1024, n // 256)
    ends = np.empty(cap, dtype=np.int64)
    lines = np.empty(cap, dtype=np.int64)
    nrec = 0
    nl = 0
    nq = 0
    for i in range(n):
        c = arr[i]
        if c == 10:
            if nq % 2 == 0:
                if nrec == cap:
                    cap *= 2
                    grown = np.empty(cap, dtype=np.int64)
                    grown[:nrec] = ends[:nrec]
                    ends = grown
                    grown = np.empty(cap, dtype=np.int64)
                    grown[:nrec] = lines[:nrec]
                    lines = grown
                ends[nrec] = i
                lines[nrec] = nl
                nrec += 1
            nl += 1
        elif c == 34:
            if not quote_fits(arr, i, n, nq, sep):
                return ends[:0].copy(), lines[:0].copy(), nrec, nl, -1
            nq += 1
    return ends[:nrec].copy(), lines[:nrec].copy(), nrec, nl, nq


def _record_spans(arr: np.ndarray, sep: str, first_line: int):
    """``(starts, ends, lines, has_quotes)`` of every record, or None when the quoting is not clean."""
    # one compiled pass finds the records (newlines outside quotes), checks
    # that every quote opens or closes a field, and writes them down
    n = len(arr)
    bnd, nl_before, nrec, _, nq = scan_records_once(arr, ord(sep))
    if nq < 0 or nq % 2:
        return None  # quotes in odd places: let the strict reader say which rows
    starts = np.r_[0, bnd + 1]
    ends = np.r_[bnd, n]
    lines = np.r_[0, nl_before + 1] + first_line  # physical line where each record starts
    if starts[-1] >= n:  # file ends with a newline: no record after it
        starts, ends, lines = starts[:-1], ends[:-1], lines[:-1]
    return starts, ends, lines, nq > 0


def _fields_per_record(arr: np.ndarray, sep: str, ends: np.ndarray, has_quotes: bool) -> np.ndarray:
    """How many fields each record has: separators outside quotes, plus one."""
    seps = np.flatnonzero(arr == ord(sep))
    if has_quotes:
        q = np.flatnonzero(arr == QUOTE)
        seps = seps[(np.searchsorted(q, seps) & 1) == 0]
    rec_of_sep = np.searchsorted(ends, seps)  # record whose end is at/after the separator
    return np.bincount(rec_of_sep, minlength=len(ends))[: len(ends)] + 1


def _parse(body: memoryview, names: list[str], sep: str, has_quotes: bool, longest: int):
    """pyarrow's parse of the body: ``(table, field counts of the rows it skipped)``."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    bad_rows: list = []

    def on_invalid(row):
        bad_rows.append(row.actual_columns)
        return "skip"

    table = pacsv.read_csv(
        pa.py_buffer(body),
        read_options=pacsv.ReadOptions(column_names=names, use_threads=True,
                                       block_size=max(MIN_BLOCK_SIZE, 2 * longest + 64)),
        parse_options=pacsv.ParseOptions(delimiter=sep, quote_char='"', double_quote=True,
                                         escape_char=False, newlines_in_values=has_quotes,
                                         ignore_empty_lines=True, invalid_row_handler=on_invalid),
        convert_options=pacsv.ConvertOptions(column_types={c: pa.string() for c in names},
                                             strings_can_be_null=False, quoted_strings_can_be_null=False,
                                             check_utf8=True),
    )
    return table, bad_rows


def read_fast(data: bytes, start: int, names: list[str], sep: str, first_line: int):
    """pyarrow parse + a compiled structure scan (:func:`scan_records_once`).

    Returns ``(frame, line numbers, rejects, blank lines)`` for the body of
    ``data`` from byte ``start`` (the line after the header, which is line
    ``first_line - 1``), or None when the strict reader must decide.
    """
    import pyarrow as pa

    body = memoryview(data)[start:]
    n = len(body)
    ncols = len(names)
    if n == 0:
        return pd.DataFrame({c: pd.Series(dtype="string") for c in names}), np.zeros(0, dtype=np.int64), [], 0
    arr = np.frombuffer(body, dtype=np.uint8)
    spans = _record_spans(arr, sep, first_line)
    if spans is None:
        return None
    starts, ends, lines, has_quotes = spans
    eff_end = ends - ((ends > starts) & (arr[np.maximum(ends - 1, 0)] == CARRIAGE_RETURN))
    blank = eff_end == starts
    longest = int((ends - starts).max()) if len(starts) else 0
    try:
        table, bad_rows = _parse(body, names, sep, has_quotes, longest)
    except pa.ArrowInvalid as exc:
        if "UTF8" in str(exc) or "utf8" in str(exc).lower():
            bytes(body).decode("utf-8")  # raises UnicodeDecodeError for the caller
        return None
    invalid = np.zeros(len(starts), dtype=bool)
    fields = None
    if bad_rows:
        fields = _fields_per_record(arr, sep, ends, has_quotes)
        invalid = (fields != ncols) & ~blank
        if int(invalid.sum()) != len(bad_rows):
            return None
    good = ~blank & ~invalid
    if int(good.sum()) != table.num_rows:
        return None
    frame = arrow_frame(table)
    frame.columns = names
    rejects = []
    for i in np.flatnonzero(invalid):
        raw = bytes(body[starts[i]:eff_end[i]]).decode("utf-8", "replace")
        rejects.append(malformed_row(int(lines[i]), raw, ncols, int(fields[i]), raw.count("\n")))
    return frame, lines[good].astype(np.int64), rejects, int(blank.sum())
