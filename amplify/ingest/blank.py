"""Whitespace in string columns, judged as Python's ``str.isspace`` would, compiled.

Ingest asks two questions of every id, outlet and text column: is a value
*blank* (missing, or nothing but whitespace: ``empty text``, ``missing
outlet``) and does it *start or end* with whitespace (only then is it worth
stripping). At a million posts, ``s.str.strip() == ""`` is slow; here one
compiled pass over the Arrow buffers of the strings answers both, decoding
UTF-8 only as far as it takes.

>>> import pandas as pd
>>> blank, edge = space_flags(pd.Series(["a", " a", "\\u3000", None], dtype="string"))
>>> blank.tolist(), edge.tolist()
([False, False, True, True], [False, True, True, False])
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numba import njit

__all__ = ["space_flags", "is_blank", "has_edge_space"]

SPACE_LIMIT = 0x3001  # every code point str.isspace() accepts is below this


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


_SPACE_TABLE = None  # str.isspace() of every code point below SPACE_LIMIT, built on first use


def space_flags(s: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """``(blank, edge)`` of a string column: missing or whitespace only, and
    starting or ending with whitespace (``str.isspace``); compiled over the
    Arrow buffers of pandas' Arrow-backed strings."""
    import pyarrow as pa

    global _SPACE_TABLE
    if _SPACE_TABLE is None:
        _SPACE_TABLE = np.array([chr(c).isspace() for c in range(SPACE_LIMIT)], dtype=np.bool_)
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


def is_blank(s: pd.Series) -> np.ndarray:
    """Missing, or nothing but whitespace."""
    return space_flags(s)[0]


def has_edge_space(s: pd.Series) -> np.ndarray:
    """True where a string starts or ends with whitespace."""
    return space_flags(s)[1]
