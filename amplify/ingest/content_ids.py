"""Ids for posts that come without one, made from what the post is.

A file without an id column gives each post the id ``c-`` + the first 20 hex
digits (80 bits) of the SHA-256 of, in this order: the outlet, the
publication time (UTC, in nanoseconds), the post's *occurrence* among the
identical rows of its file (0 for the first row with this outlet, time and
text, 1 for the second ...) and the text, each length-prefixed so that no
two different posts give the same bytes. So

* the same rows give the same ids whichever path, name, folder, copy or
  format they come from -- re-ingesting a file, or another export holding
  the same posts, adds nothing;
* two different files that happen to share a name never collide;
* two identical rows inside one file stay two posts (the second has
  occurrence 1), as they were two rows; the same two rows read again are
  the same two posts.

An id changes only if the outlet, the time or the text changes -- and then
it is another post. (Until version 0.1.0 such ids were ``<file stem>:<row>``;
posts stored under those ids keep them, and a workspace recognises a file
read again by its content: see :meth:`amplify.workspace.Workspace.add_posts`.)

>>> import pandas as pd, numpy as np
>>> ids = content_ids(pd.Series(["tass", "tass", "tass"], dtype="string"),
...                   np.array([0, 0, 0], dtype="int64"), pd.Series(["a", "a", "b"], dtype="string"))
>>> ids.str.len().tolist(), ids[0] != ids[1], ids[0] == content_ids(
...     pd.Series(["tass"], dtype="string"), np.array([0]), pd.Series(["a"], dtype="string"))[0]
([22, 22, 22], True, True)
"""

from __future__ import annotations

import hashlib
import struct

import numpy as np
import pandas as pd
import pyarrow as pa

__all__ = ["ID_PREFIX", "ID_HEX_DIGITS", "content_ids", "is_content_id"]

#: What every content id begins with.
ID_PREFIX = "c-"
#: Hex digits of the SHA-256 kept: 80 bits, no collision to expect below 10**11 posts.
ID_HEX_DIGITS = 20
#: The first bytes hashed: the rule's name and version, so a future rule gives other ids.
_RULE = b"amplify post id v1\x00"


def is_content_id(post_id: str) -> bool:
    """Does ``post_id`` look like an id made by :func:`content_ids`?

    >>> is_content_id("c-0123456789abcdef0123"), is_content_id("posts:2")
    (True, False)
    """
    return (isinstance(post_id, str) and len(post_id) == len(ID_PREFIX) + ID_HEX_DIGITS
            and post_id.startswith(ID_PREFIX) and all(c in "0123456789abcdef" for c in post_id[len(ID_PREFIX):]))


def _utf8_pieces(s: pd.Series) -> tuple[memoryview, np.ndarray]:
    """The UTF-8 bytes of a string column and each value's byte offsets (no Python strings made)."""
    arr = pa.array(s.array, type=pa.large_string()) if len(s) else pa.array([], pa.large_string())
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    _, offsets, data = arr.buffers()
    off = np.frombuffer(offsets, dtype=np.int64, count=len(arr) + 1, offset=arr.offset * 8)
    return memoryview(data if data is not None else b""), off


def _digests(outlet_b, outlet_off, ns, occurrence, text_b, text_off, rows) -> list[str]:
    out = []
    for i in rows:
        o = outlet_b[outlet_off[i]:outlet_off[i + 1]]
        h = hashlib.sha256(_RULE)
        h.update(struct.pack("<qqq", int(ns[i]), int(occurrence[i]), len(o)))
        h.update(o)
        h.update(text_b[text_off[i]:text_off[i + 1]])
        out.append(ID_PREFIX + h.hexdigest()[:ID_HEX_DIGITS])
    return out


def content_ids(outlet: pd.Series, published_ns: np.ndarray, text: pd.Series, earlier=None) -> pd.Series:
    """The content id of each row (see the module's docstring); rows are one file's accepted posts.

    Parameters
    ----------
    outlet, text : pandas.Series of string
        The rows' outlets (already stripped) and texts, no missing values.
    published_ns : numpy.ndarray of int64
        The rows' publication times, UTC nanoseconds.
    earlier : callable, optional
        When the rows are one block of a file read in blocks
        (:mod:`amplify.ingest.chunked`): ``earlier(ids)`` tells, per id, whether
        the file's earlier blocks made it. A row's occurrence then counts the
        identical rows of those blocks too, so the ids are those of the whole
        file read at once.

    Returns
    -------
    pandas.Series of string
    """
    n = len(text)
    if n == 0:
        return pd.Series([], dtype="string")
    outlet_b, outlet_off = _utf8_pieces(outlet.reset_index(drop=True))
    text_b, text_off = _utf8_pieces(text.reset_index(drop=True))
    ns = np.asarray(published_ns, dtype=np.int64)
    first = _digests(outlet_b, outlet_off, ns, np.zeros(n, dtype=np.int64), text_b, text_off, range(n))
    ids = pd.Series(first, dtype=object)
    occurrence = ids.groupby(ids, sort=False).cumcount().to_numpy()
    if earlier is not None:
        occurrence = occurrence + _earlier_occurrences(earlier, ids.to_numpy(), outlet_b, outlet_off, ns, text_b,
                                                       text_off)
    again = np.flatnonzero(occurrence > 0)
    if len(again):
        ids.iloc[again] = _digests(outlet_b, outlet_off, ns, occurrence, text_b, text_off, again)
    return ids.astype("string")


def _earlier_occurrences(earlier, first: np.ndarray, outlet_b, outlet_off, ns, text_b, text_off) -> np.ndarray:
    """How many identical rows earlier blocks of the file held, per row: the ids they made
    (occurrence 0, 1, ...) are probed until one was not made (rows repeated across blocks are rare)."""
    n = len(first)
    base = np.zeros(n, dtype=np.int64)
    hit = np.flatnonzero(np.asarray(earlier(first), dtype=bool))
    k = 1
    while len(hit):
        base[hit] = k
        probe = _digests(outlet_b, outlet_off, ns, np.full(n, k, dtype=np.int64), text_b, text_off, hit)
        hit = hit[np.asarray(earlier(np.asarray(probe, dtype=object)), dtype=bool)]
        k += 1
    return base
