"""The strict CSV reader: Python's ``csv`` module, record by record, with line numbers.

Used when the fast reader (:mod:`amplify.ingest.csv_fast`) finds quoting it
cannot vouch for. A broken row is reported with its line number instead of
being silently mangled (``"bad"quote`` read as ``badquote``) or taking the
rest of the file with it: when an unclosed quote swallows the following
lines, they are read again after the broken one.

Tab-separated files often carry quotes as plain text, with no CSV quoting at
all; :func:`read_plain_tsv` reads them line by line, and is taken when every
line then has all its fields.
"""

from __future__ import annotations

import csv
import gc
import itertools

import numpy as np
import pandas as pd

from amplify.ingest.values import shorten

__all__ = ["read_strict", "read_plain_tsv", "split_lines", "malformed_row"]


def malformed_row(line: int, raw: str, ncols: int, found: int, extra_lines: int = 0) -> dict:
    """The reject of a record with ``found`` fields instead of ``ncols``."""
    span = f" (record runs over lines {line}-{line + extra_lines})" if extra_lines else ""
    return {"row": line, "column": None,
            "reason": f"malformed row: expected {ncols} fields, found {found}{span}", "value": shorten(raw)}


def split_lines(text: str) -> list[str]:
    """Lines with their line ends (``\\n``, or ``\\r`` for old Mac files); no empty last line."""
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


def _strings_frame(records: list[list], names: list[str], as_objects: bool = False) -> pd.DataFrame:
    """Records of equal length as a frame of pandas ``string`` columns (of Python objects with
    ``as_objects``: text that may hold surrogates, which Arrow-backed strings cannot)."""
    cols = list(zip(*records)) if records else [() for _ in names]
    if as_objects:
        return pd.DataFrame({n: pd.Series(list(c), dtype=object) for n, c in zip(names, cols)})
    return pd.DataFrame({n: pd.array(list(c), dtype="string") for n, c in zip(names, cols)})


def read_strict(text: str, names: list[str], sep: str, first_line: int, as_objects: bool = False):
    """Strict record-by-record reading with line numbers; broken rows become rejects.

    Returns ``(frame, line numbers, rejects, blank lines)`` like
    :func:`amplify.ingest.csv_fast.read_fast`; with ``as_objects`` the
    columns hold Python strings (see :func:`_strings_frame`).
    """
    ncols = len(names)
    lines = split_lines(text)
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text) + 1))  # a 1 MB text is a text, not an error
    gc_was = gc.isenabled()
    gc.disable()  # millions of small lists: the cycle collector would only slow this down
    try:
        return _read_records(lines, names, ncols, sep, first_line, as_objects)
    finally:
        csv.field_size_limit(limit)
        if gc_was:
            gc.enable()


def _read_records(lines, names, ncols, sep, first_line, as_objects=False):
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
        rejects.append(malformed_row(first_line + start, raw, ncols, len(rec), end - start - 1))
    return _strings_frame(records, names, as_objects), np.asarray(rows, dtype=np.int64), rejects, blank


def read_plain_tsv(text: str, names: list[str], first_line: int, as_objects: bool = False):
    """Tab-separated lines with no quoting; None unless every non-blank line has all fields."""
    ncols = len(names)
    records, rows, blank = [], [], 0
    for i, line in enumerate(split_lines(text)):
        line = line.rstrip("\n").rstrip("\r")
        if not line:
            blank += 1
            continue
        rec = line.split("\t")
        if len(rec) != ncols:
            return None
        records.append(rec)
        rows.append(first_line + i)
    return _strings_frame(records, names, as_objects), np.asarray(rows, dtype=np.int64), [], blank
