"""What every reader hands on: a :class:`RawTable`, and JSON parsed once.

A reader (CSV/TSV, JSON Lines, JSON, Parquet, Twitter, Telegram) turns one
file into a :class:`RawTable` -- the source columns, the row number a person
would find each row under, and the rows it could not read at all, with their
reasons. :func:`amplify.ingest.posts.to_posts` takes it from there.

This module sits below all the readers (and the format detection that
chooses between them), so that they can share it without importing each
other.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from amplify.ingest.files import decode_json_text

__all__ = ["RawTable", "header_names", "arrow_frame", "json_document", "forget_json"]


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


def header_names(raw: list[str]) -> list[str]:
    """Clean header names: trimmed, empty ones named ``Unnamed: i``, repeats ``name.1``.

    >>> header_names(["id", " text ", "", "text"])
    ['id', 'text', 'Unnamed: 2', 'text.1']
    """
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


def arrow_frame(table) -> pd.DataFrame:
    """A pyarrow table as a pandas frame, text columns as pandas ``string``."""
    import pyarrow as pa

    return table.to_pandas(types_mapper={pa.string(): pd.StringDtype(), pa.large_string(): pd.StringDtype()}.get)


# the last document parsed, per thread: (data, text, parsed)
_memo = threading.local()


def json_document(data: bytes):
    """``(text, parsed)`` of a JSON file; ``parsed`` is the ``ValueError`` when it is not one
    JSON document (e.g. JSON Lines). Remembered for the same ``data`` object, so format
    detection and reading parse a big file once (until :func:`forget_json`)."""
    last = getattr(_memo, "last", None)
    if last is not None and last[0] is data:
        return last[1], last[2]
    text = decode_json_text(data)
    try:
        obj = json.loads(text)
    except ValueError as exc:
        obj = exc
    _memo.last = (data, text, obj)
    return text, obj


def forget_json() -> None:
    """Drop the remembered document (its memory), once a file is read."""
    _memo.last = None
