"""Text columns as Arrow ``large_string`` buffers, read in place by compiled code.

The compiled kernels of :mod:`amplify.text` and :mod:`amplify.detect` never
make a Python string per text: they read the UTF-8 bytes and the offsets of
an Arrow array (:func:`text_buffers`), one chunk at a time
(:func:`text_chunks`), and decode code points as they go (:func:`decode_utf8`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from numba import njit

__all__ = ["as_arrow_text", "text_buffers", "text_chunks", "take_texts", "decode_utf8"]


def as_arrow_text(texts: pd.Series, *, combine: bool = True) -> pa.Array | pa.ChunkedArray:
    """A text column as Arrow ``large_string``, nulls as empty strings.

    Zero-copy for pandas' Arrow-backed strings (the canonical dtype under
    pandas 3); other columns are converted once. With ``combine=False`` a
    column read in chunks stays in chunks (no copy of the texts).
    """
    try:
        arr = pa.array(texts.array)
    except (TypeError, pa.ArrowInvalid):
        arr = pa.Array.from_pandas(texts.astype(object), type=pa.large_string())
    if isinstance(arr, pa.ChunkedArray) and (combine or arr.num_chunks == 1):
        arr = arr.combine_chunks() if arr.num_chunks != 1 else arr.chunk(0)
    if arr.type != pa.large_string():
        arr = arr.cast(pa.large_string())
    return pc.fill_null(arr, "") if arr.null_count else arr


def text_buffers(arr: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """The UTF-8 bytes and the byte offsets of a ``large_string`` array, as numpy views.

    Text ``i`` is ``data[offsets[i]:offsets[i + 1]]``; nothing is copied.
    """
    bufs = arr.buffers()
    boff = np.frombuffer(bufs[1], dtype=np.int64)[arr.offset: arr.offset + len(arr) + 1]
    data = np.frombuffer(bufs[2], dtype=np.uint8) if bufs[2] is not None else np.zeros(0, np.uint8)
    return data, boff


def text_chunks(texts) -> tuple[list[pa.Array], np.ndarray]:
    """Any column of texts as Arrow ``large_string`` chunks without nulls
    (not copied when they already are), and where each chunk starts.

    ``texts`` may be a pandas Series, an Arrow array (chunked or not) or any
    sequence of str; chunk ``c`` holds texts ``starts[c]`` to ``starts[c + 1]``.
    """
    if isinstance(texts, pd.Series):
        texts = as_arrow_text(texts, combine=False)
    elif not isinstance(texts, (pa.Array, pa.ChunkedArray)):
        texts = pa.array(list(texts), type=pa.large_string())
    chunks = texts.chunks if isinstance(texts, pa.ChunkedArray) else [texts]
    out = []
    for c in chunks:
        if c.type != pa.large_string():
            c = c.cast(pa.large_string())
        out.append(pc.fill_null(c, "") if c.null_count else c)
    if not out:
        out = [pa.array([], type=pa.large_string())]
    starts = np.zeros(len(out) + 1, dtype=np.int64)
    np.cumsum([len(c) for c in out], out=starts[1:])
    return out, starts


def take_texts(chunks: list[pa.Array], starts: np.ndarray, rows) -> pa.Array:
    """Texts ``rows`` (numbered across the chunks of :func:`text_chunks`), in that order, as one array.

    Taken chunk by chunk: a take over the whole chunked column would first
    copy every text of it, to pick out a few.
    """
    rows = np.asarray(rows, dtype=np.int64)
    chunk_of = np.searchsorted(starts, rows, side="right") - 1
    by_chunk = np.argsort(chunk_of, kind="stable")
    sorted_rows, sorted_chunks = rows[by_chunk], chunk_of[by_chunk]
    # each chunk's rows are one slice of the sorted rows (a mask per chunk cost rows x chunks)
    used = np.unique(chunk_of)
    lo = np.searchsorted(sorted_chunks, used, side="left")
    hi = np.searchsorted(sorted_chunks, used, side="right")
    parts = [chunks[c].take(pa.array(sorted_rows[a:b] - starts[c])) for c, a, b in zip(used, lo, hi)]
    if not parts:
        return pa.array([], type=pa.large_string())
    back = np.empty(len(rows), dtype=np.int64)
    back[by_chunk] = np.arange(len(rows))
    return pa.concat_arrays(parts).take(pa.array(back))


@njit(cache=True, nogil=True)
def decode_utf8(data, i):
    """Code point starting at byte ``i`` of UTF-8 ``data`` and its byte length."""
    b = data[i]
    if b < 0x80:
        return np.int64(b), 1
    if b < 0xE0:
        return (np.int64(b & 0x1F) << 6) | np.int64(data[i + 1] & 0x3F), 2
    if b < 0xF0:
        return ((np.int64(b & 0x0F) << 12) | (np.int64(data[i + 1] & 0x3F) << 6)
                | np.int64(data[i + 2] & 0x3F)), 3
    return ((np.int64(b & 0x07) << 18) | (np.int64(data[i + 1] & 0x3F) << 12)
            | (np.int64(data[i + 2] & 0x3F) << 6) | np.int64(data[i + 3] & 0x3F)), 4
