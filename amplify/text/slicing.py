"""Passages of texts by character offsets, without a Python string per text.

Link evidence is a character span in the source and in the target;
:func:`slice_texts` cuts those passages out of the texts' Arrow buffers in
one compiled pass, for ``amplify links`` and the reports.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pyarrow as pa
from numba import njit

from amplify.text.buffers import text_buffers, text_chunks

__all__ = ["slice_texts"]

# offsets are clamped to [0, 2**40]: before the start or past the end of a text is its edge
_MAX_OFFSET = 1 << 40


@njit(cache=True, nogil=True)
def _slice_kernel(data, boff, rows, starts, ends, limit, lens, pos, out, fill):
    """Bytes of each passage ``texts[rows[i]][starts[i]:ends[i]]`` (code
    points, clamped to the text), cut to ``limit`` code points plus "…":
    their number into ``lens``, or with ``fill`` the bytes into ``out`` from
    ``pos[i]`` on. A negative row is an empty passage."""
    for i in range(len(rows)):
        o = pos[i] if fill else 0
        p = rows[i]
        if p < 0:
            lens[i] = 0
            continue
        j = boff[p]
        end = boff[p + 1]
        a = max(starts[i], 0)
        b = ends[i]
        cut = False
        if limit >= 0 and b - a > limit:
            b = a + limit
            cut = True
        ci = 0
        while j < end and ci < a:  # to the first code point
            c = data[j]
            j += 1 if c < 0x80 else 2 if c < 0xE0 else 3 if c < 0xF0 else 4
            ci += 1
        j = min(j, end)  # (malformed UTF-8 at the very end)
        k = j
        while k < end and ci < b:  # to the last
            c = data[k]
            k += 1 if c < 0x80 else 2 if c < 0xE0 else 3 if c < 0xF0 else 4
            ci += 1
        k = min(k, end)
        cut = cut and k < end  # cut only if the text goes on past the limit
        n = k - j + (3 if cut else 0)
        if fill:
            for q in range(k - j):
                out[o + q] = data[j + q]
            if cut:  # "…", U+2026, in UTF-8
                out[o + k - j] = 0xE2
                out[o + k - j + 1] = 0x80
                out[o + k - j + 2] = 0xA6
        else:
            lens[i] = n


def slice_texts(texts, rows, starts, ends, limit: int | None = None, *, workers: int = 2) -> pa.Array:
    """Passages of texts: ``texts[rows[i]][starts[i]:ends[i]]`` in character
    (code point) offsets, as an Arrow ``large_string`` array, without making
    a Python string of any text. Offsets are clamped to the text (a negative
    one is its start, not counted from the end as in Python); a passage
    longer than ``limit`` characters is cut and ends with "…"; a negative row
    gives a null.

    >>> slice_texts(["Hello, world", "中国外交部"], [0, 1, -1], [7, 2, 0], [12, 5, 1], limit=2).to_pylist()
    ['wo…', '外交…', None]
    """
    chunks, cstart = text_chunks(texts)
    rows = np.asarray(rows, dtype=np.int64)
    starts = np.clip(np.asarray(starts, dtype=np.int64), 0, _MAX_OFFSET)
    ends = np.clip(np.asarray(ends, dtype=np.int64), 0, _MAX_OFFSET)
    lim = -1 if limit is None else int(limit)
    valid = rows >= 0
    chunk_of = np.where(valid, np.searchsorted(cstart, rows, side="right") - 1, -1)
    by_chunk = np.argsort(chunk_of, kind="stable")
    cuts = np.searchsorted(chunk_of[by_chunk], np.arange(len(chunks) + 1))
    per_chunk = [(c, by_chunk[cuts[c]:cuts[c + 1]]) for c in range(len(chunks)) if cuts[c + 1] > cuts[c]]
    lens = np.zeros(len(rows), dtype=np.int64)
    none = np.zeros(0, dtype=np.uint8)

    def count(task):
        c, idx = task
        data, boff = text_buffers(chunks[c])
        sub = np.zeros(len(idx), dtype=np.int64)
        _slice_kernel(data, boff, rows[idx] - cstart[c], starts[idx], ends[idx], lim, sub, sub, none, False)
        lens[idx] = sub

    def fill(task):
        c, idx = task
        data, boff = text_buffers(chunks[c])
        _slice_kernel(data, boff, rows[idx] - cstart[c], starts[idx], ends[idx], lim, lens[idx], off[idx], out, True)

    with ThreadPoolExecutor(max(1, workers)) as ex:  # chunks write disjoint bytes
        list(ex.map(count, per_chunk))
        off = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(lens, out=off[1:])
        out = np.empty(off[-1], dtype=np.uint8)
        list(ex.map(fill, per_chunk))
    mask = None if valid.all() else pa.py_buffer(np.packbits(valid, bitorder="little"))
    return pa.LargeStringArray.from_buffers(len(rows), pa.py_buffer(off), pa.py_buffer(out), mask,
                                            int((~valid).sum()))
