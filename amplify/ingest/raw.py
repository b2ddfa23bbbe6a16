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

from amplify.ingest.loading import Loaded, loaded_from_bytes, settle_invalid
from amplify.ingest.oversize import DEFAULT_MAX_FIELD, Cuts

__all__ = ["RawTable", "header_names", "arrow_frame", "json_document", "forget_json", "loads", "as_loaded",
           "DecodedText", "decoded_text", "TooDeep"]


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
    maybe_surrogates: bool = False      #: object columns may hold lone surrogates (bad bytes, JSON escapes)
    bad_bytes_in: str | None = None     #: surrogates U+DC00-U+DCFF stand for bytes not valid in this encoding
    max_field: int = DEFAULT_MAX_FIELD  #: the field size limit the input was read with
    cuts: Cuts = field(default_factory=Cuts)   #: the values cut for the field size limit (see ``oversize``)


def _header_base(h) -> str:
    """A header cell as a column name: trimmed, without a byte order mark."""
    return (h or "").strip().lstrip("\ufeff")


def header_names(raw: list[str]) -> list[str]:
    """Clean header names: trimmed, empty ones named ``Unnamed: i``, repeats ``name.1``.

    >>> header_names(["id", " text ", "", "text"])
    ['id', 'text', 'Unnamed: 2', 'text.1']
    """
    names, seen = [], set()
    for i, h in enumerate(raw):
        base = _header_base(h) or f"Unnamed: {i}"
        name, k = base, 0
        while name in seen:
            k += 1
            name = f"{base}.{k}"
        seen.add(name)
        names.append(name)
    return names


def repeated_header_notes(raw: list[str], names: list[str]) -> list[str]:
    """A note for header names given more than once (:func:`header_names` renames the repeats).

    >>> repeated_header_notes(["id", "text", "text"], header_names(["id", "text", "text"]))
    ["column 'text' is named 2 times: the first is read as 'text', the others are kept as 'text.1'"]
    """
    out, by_base = [], {}
    for r, n in zip(raw, names):
        base = _header_base(r)
        if base:
            by_base.setdefault(base, []).append(n)
    for base, got in by_base.items():
        if len(got) > 1:
            out.append(f"column {base!r} is named {len(got)} times: the first is read as {base!r}, the others are "
                       f"kept as {', '.join(repr(g) for g in got[1:])}")
    return out


def arrow_frame(table) -> pd.DataFrame:
    """A pyarrow table as a pandas frame, text columns as pandas ``string``."""
    import pyarrow as pa

    return table.to_pandas(types_mapper={pa.string(): pd.StringDtype(), pa.large_string(): pd.StringDtype()}.get)


class TooDeep(ValueError):
    """JSON nested more deeply than Python's parser goes."""


def loads(text: str):
    """``json.loads``, with nesting too deep for Python's parser as a :class:`ValueError` (not a crash)."""
    try:
        return json.loads(text)
    except RecursionError:
        raise TooDeep("nested too deeply for the JSON parser") from None


def as_loaded(data, path: str, fmt: str) -> Loaded:
    """Readers take a :class:`~amplify.ingest.loading.Loaded`; bytes (older callers) are loaded in memory."""
    if isinstance(data, Loaded):
        return data
    return loaded_from_bytes(data, path, fmt=fmt, max_field=max(DEFAULT_MAX_FIELD, len(data) + 1))


@dataclass
class DecodedText:
    """A text input as a ``str``: how it was decoded, and whether bad bytes are in it as surrogates."""

    text: str
    encoding: str
    notes: list
    bad_bytes: bool      #: holds surrogates U+DC00+b for bytes not valid in ``encoding``


def decoded_text(src: Loaded) -> DecodedText:
    """The whole text of ``src``: UTF-8 when it is; else settled by
    :func:`~amplify.ingest.loading.settle_invalid` (bad rows, or a legacy file)."""
    try:
        return DecodedText(bytes(src.data).decode("utf-8"), src.encoding or "utf-8", [], False)
    except UnicodeDecodeError:
        pass
    settled = settle_invalid(src.data, src, src.path)
    if settled.utf8 is not None:
        return DecodedText(settled.utf8.decode("utf-8"), settled.encoding, settled.notes, False)
    return DecodedText(settled.text, settled.encoding, settled.notes, True)


# the last document parsed, per thread: (data, decoded, parsed)
_memo = threading.local()


def json_document(data, source: Loaded | None = None):
    """``(text, parsed)`` of a JSON file; ``parsed`` is the ``ValueError`` when it is not one
    JSON document (e.g. JSON Lines). Remembered for the same ``data`` object, so format
    detection and reading parse a big file once (until :func:`forget_json`).

    ``data`` is the bytes of the file, or the :class:`~amplify.ingest.loading.Loaded`
    input (``source`` also tells how it was decoded; see :func:`json_decoded`).
    """
    decoded, obj = _json_parse(data, source)
    return decoded.text, obj


def json_decoded(data, source: Loaded | None = None) -> DecodedText:
    """How the JSON text of ``data`` was decoded (after :func:`json_document`)."""
    return _json_parse(data, source)[0]


def _json_parse(data, source):
    if isinstance(data, Loaded):
        data, source = data.data, data
    last = getattr(_memo, "last", None)
    if last is not None and last[0] is data:
        return last[1], last[2]
    if source is None:
        source = loaded_from_bytes(data, "<json>", fmt="json", max_field=max(DEFAULT_MAX_FIELD, len(data) + 1))
    decoded = decoded_text(source)
    try:
        obj = loads(decoded.text)
    except ValueError as exc:
        obj = exc
    _memo.last = (data, decoded, obj)
    return decoded, obj


def forget_json() -> None:
    """Drop the remembered document (its memory), once a file is read."""
    _memo.last = None
