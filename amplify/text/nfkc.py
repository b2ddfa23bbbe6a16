"""NFKC of a text column, computed only for the texts it would change.

Arrow's ``utf8_normalize`` costs about 2.5 s per million news posts, yet most
texts are already in NFKC: only compatibility characters (full-width forms,
ligatures, ``…``, NBSP), combining marks that may compose, and the like
change. :func:`already_nfkc` finds, in one compiled pass over the UTF-8
bytes, the texts made only of *simple* code points (NFKC quick check Yes,
NFKC leaves them alone; the tokeniser's :func:`~amplify.text.tables.fold_table`)
whose combining marks are in canonical order -- such a text *is* its own
NFKC -- and :func:`nfkc` normalises only the others, so the result equals
``utf8_normalize(texts, "NFKC")`` text for text.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numba import njit

from amplify.text.buffers import decode_utf8, text_buffers
from amplify.text.tables import FOLD_CCC_SHIFT, FOLD_EXPAND, FOLD_NOT_SIMPLE, fold_table

__all__ = ["already_nfkc", "nfkc"]


@njit(cache=True, nogil=True)
def _already_nfkc(data, boff, fold, out):
    """``out[t]``: text ``t`` holds only simple code points, combining marks in canonical order."""
    bad = np.uint32(FOLD_NOT_SIMPLE | FOLD_EXPAND)
    shift = np.uint32(FOLD_CCC_SHIFT)
    for t in range(len(boff) - 1):
        i, end = boff[t], boff[t + 1]
        last = np.uint32(0)
        ok = True
        while i < end:
            b = data[i]
            if b < 0x80:  # ASCII: simple, a starter
                i += 1
                last = np.uint32(0)
                continue
            cp, w = decode_utf8(data, i)
            i += w
            e = fold[cp]
            ccc = e >> shift
            if (e & bad) or (ccc != 0 and last > ccc):
                ok = False
                break
            last = ccc
        out[t] = ok


def _large(texts) -> pa.Array:
    if isinstance(texts, pa.ChunkedArray):
        texts = texts.combine_chunks() if texts.num_chunks != 1 else texts.chunk(0)
    if not isinstance(texts, pa.Array):
        texts = pa.array(list(texts), type=pa.large_string())
    if texts.type != pa.large_string():
        texts = texts.cast(pa.large_string())
    return pc.fill_null(texts, "") if texts.null_count else texts


def already_nfkc(texts) -> np.ndarray:
    """Boolean per text: is it certainly its own NFKC? (False may still be NFKC.)

    >>> already_nfkc(["Kazakhstan", "Казахстан", "哈萨克斯坦", "ＫＡＺ", "caf\\u00e9", "cafe\\u0301"]).tolist()
    [True, True, True, False, True, False]
    """
    arr = _large(texts)
    data, boff = text_buffers(arr)
    out = np.zeros(len(arr), dtype=bool)
    if len(arr):
        _already_nfkc(data, boff, fold_table()[0], out)
    return out


def nfkc(texts) -> pa.Array:
    """``utf8_normalize(texts, "NFKC")`` as ``large_string`` (nulls as empty), normalising only the texts it changes.

    >>> nfkc(["ＫＡＺ", "Kazakhstan", None]).to_pylist()
    ['KAZ', 'Kazakhstan', '']
    """
    arr = _large(texts)
    keep = already_nfkc(arr)
    if keep.all():
        return arr
    change = ~keep
    fixed = pc.utf8_normalize(arr.filter(pa.array(change)), "NFKC")
    return pc.replace_with_mask(arr, pa.array(change), fixed)
