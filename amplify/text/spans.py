"""From token numbers back to character offsets in the original texts.

Detection works on normalised tokens but shows its evidence in the original
text: :func:`char_offsets` answers where given tokens are, for the few posts
that end up in links, and :func:`token_offsets` lists every token's offsets.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np

from amplify.text.buffers import text_buffers, text_chunks
from amplify.text.reference import token_spans
from amplify.text.scan import fused_offsets
from amplify.text.tables import char_classes, fold_table
from amplify.text.tokens import tokenize

__all__ = ["char_offsets", "token_offsets"]

# Room past a text's byte length in the scanner's buffer (see amplify.text.tokens).
_EXPANSION_ROOM = 256


def _cuts(a: int, b: int, parts: int):
    """``[a, b)`` cut into at most ``parts`` ranges."""
    edges = np.unique(np.linspace(a, b, max(1, parts) + 1).astype(np.int64))
    return list(zip(edges[:-1], edges[1:])) if b > a else []


def char_offsets(texts, rows, tokens, expected_lengths=None, *, workers: int = 2):
    """Where tokens are in the original texts: character ``(start, end)`` of
    token ``tokens[i]`` of text ``rows[i]``, for every query ``i``.

    One compiled pass per text, however many queries it has, tokenises the
    same normalised stream :func:`~amplify.text.tokenize` hashes while
    remembering which original character each normalised code point came
    from, so token numbers agree with :func:`~amplify.text.tokenize` by
    construction (a compatibility character NFKC expands, like "½", gives its
    whole span to each token it becomes). A text that takes Arrow's path in
    :func:`~amplify.text.tokenize`, or whose token count differs from
    ``expected_lengths[i]``, is redone with :func:`~amplify.text.token_spans`.
    A token number past the end gets ``(-1, -1)``.

    >>> s, e = char_offsets(["Say: «Hello» to 中国"], [0, 0, 0], [1, 2, 3])
    >>> s.tolist(), e.tolist()
    ([6, 13, 16], [11, 15, 17])
    """
    chunks, cstart = text_chunks(texts)
    rows = np.asarray(rows, dtype=np.int64)
    tokens = np.asarray(tokens, dtype=np.int64)
    starts = np.full(len(rows), -1, dtype=np.int64)
    ends = np.full(len(rows), -1, dtype=np.int64)
    if not len(rows):
        return starts, ends
    q = np.lexsort((tokens, rows))
    qrows, qtok = rows[q], tokens[q]
    first = np.r_[True, qrows[1:] != qrows[:-1]]
    urows = qrows[first]
    qoff = np.r_[np.flatnonzero(first), len(q)].astype(np.int64)
    counts = np.zeros(len(urows), dtype=np.int64)
    fallback = np.zeros(len(urows), dtype=np.bool_)
    s_sorted = np.full(len(q), -1, dtype=np.int64)
    e_sorted = np.full(len(q), -1, dtype=np.int64)
    table, exp_off, exp_cps = fold_table()
    cls = char_classes()
    # texts of one chunk are a contiguous run of urows; each run is cut for the threads
    bounds = np.searchsorted(urows, cstart)
    tasks = []
    for c, arr in enumerate(chunks):
        a, b = int(bounds[c]), int(bounds[c + 1])
        for x, y in _cuts(a, b, 4 * max(1, workers)):
            tasks.append((c, x, y))

    def work(task):
        c, x, y = task
        data, boff = text_buffers(chunks[c])
        local = urows[x:y] - cstart[c]
        cap = int((boff[local + 1] - boff[local]).max(initial=0)) + _EXPANSION_ROOM
        fused_offsets(data, boff, local, table, exp_off, exp_cps, cls, np.empty(cap, np.uint32),
                      np.empty(cap, np.int64), qoff[x:y + 1] - qoff[x], qtok[qoff[x]:qoff[y]],
                      s_sorted[qoff[x]:qoff[y]], e_sorted[qoff[x]:qoff[y]], counts[x:y], fallback[x:y])

    with ThreadPoolExecutor(max(1, workers)) as ex:
        list(ex.map(work, tasks))
    redo = fallback.copy()
    if expected_lengths is not None:
        redo |= counts != np.asarray(expected_lengths, dtype=np.int64)[q][first]
    for r in np.flatnonzero(redo):
        c = int(np.searchsorted(cstart, urows[r], side="right") - 1)
        text = chunks[c][int(urows[r] - cstart[c])].as_py() or ""
        want = slice(qoff[r], qoff[r + 1])
        s_sorted[want], e_sorted[want] = _python_offsets(text, qtok[want])
    starts[q] = s_sorted
    ends[q] = e_sorted
    return starts, ends


def _python_offsets(text: str, tokens: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Character ``(start, end)`` of tokens number ``tokens`` of ``text``,
    found by the plain-Python tokeniser; ``(-1, -1)`` past the last token."""
    sp = token_spans(text)
    ok = tokens < len(sp)
    starts = np.where(ok, sp[np.minimum(tokens, len(sp) - 1), 0] if len(sp) else -1, -1)
    ends = np.where(ok, sp[np.minimum(tokens, len(sp) - 1), 1] if len(sp) else -1, -1)
    return starts, ends


def token_offsets(texts, posts, expected_lengths=None):
    """Character offsets of the tokens of ``texts[posts]`` in the original texts.

    Returns ``(offsets, starts, ends)``: ``starts[offsets[r]:offsets[r+1]]``
    and ``ends[...]`` are the character offsets of each token of
    ``texts[posts[r]]`` (see :func:`char_offsets`, which answers only the
    tokens asked for).
    """
    posts = np.asarray(posts, dtype=np.int64)
    lengths = np.asarray(expected_lengths)[posts] if expected_lengths is not None else None
    if lengths is None:  # count first, with the tokeniser itself
        lengths = tokenize(texts, order=posts).lengths
    toff = np.zeros(len(posts) + 1, dtype=np.int64)
    np.cumsum(lengths, out=toff[1:])
    rows = np.repeat(posts, lengths)
    tokens = np.arange(toff[-1]) - np.repeat(toff[:-1], lengths)
    starts, ends = char_offsets(texts, rows, tokens, np.repeat(lengths, lengths))
    return toff, starts, ends

