"""The compiled scanners: normalise, strip and hash the tokens of UTF-8 texts.

Three kernels walk texts straight from their Arrow buffers, one code point at
a time, and share the token rule (:func:`_token_step`):

* :func:`scan_tokens` -- tokens of texts that are already normalised (the
  output of Arrow's NFKC, lower-case and strip: the reference path);
* :func:`fused_scan` -- NFKC, lower-case, URL/@handle removal and hashing in
  one pass, through :func:`amplify.text.tables.fold_table`; a text it cannot
  normalise alone is flagged for the reference path;
* :func:`fused_offsets` -- the same pass, remembering which original
  character each normalised code point came from, to answer where tokens are.

A token's hash is FNV-1a (64 bits) over its code points with a splitmix64
finaliser: stable across runs and machines.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from amplify.text.buffers import decode_utf8
from amplify.text.tables import (CLASS_NO_SPACE, CLASS_SEPARATOR, CLASS_WORD, FOLD_CCC_SHIFT, FOLD_CP,
                                 FOLD_EXPAND, FOLD_HANDLE, FOLD_NOT_SIMPLE)

__all__ = ["scan_tokens", "fused_scan", "fused_offsets"]

# FNV-1a, 64 bits
_FNV_OFFSET = np.uint64(1469598103934665603)
_FNV_PRIME = np.uint64(1099511628211)

# the ASCII characters STRIP_PATTERN starts with or looks for
_H, _T, _P, _S, _W, _COLON, _SLASH, _DOT, _AT, _UNDERSCORE = map(ord, "htpsw:/.@_")


@njit(cache=True, nogil=True)
def _mix(h):
    """The splitmix64 finaliser: spreads FNV's low-entropy high bits over the whole hash."""
    h ^= h >> np.uint64(30)
    h *= np.uint64(0xBF58476D1CE4E5B9)
    h ^= h >> np.uint64(27)
    h *= np.uint64(0x94D049BB133111EB)
    h ^= h >> np.uint64(31)
    return h


@njit(cache=True, nogil=True, inline="always")
def _token_step(cp, c, h, inword):
    """One code point ``cp`` of class ``c`` through the token rule: a run of
    word characters is one token (FNV-1a over its code points), a character
    of a script without spaces is a token by itself, anything else ends a
    token. Returns ``(h, inword, closed, single)``: ``closed`` -- a word
    ended before ``cp`` (its finished hash is the ``h`` passed in); ``single``
    -- ``cp`` is a token by itself.

    Takes and returns scalars only: passing the output arrays in made numba
    count references on every character (the scan ran 3x slower)."""
    closed = False
    single = False
    if c == CLASS_WORD:
        if not inword:
            inword = True
            h = _FNV_OFFSET
        h = (h ^ np.uint64(cp)) * _FNV_PRIME
    else:
        if inword:
            closed = True
            inword = False
        single = c == CLASS_NO_SPACE
    return h, inword, closed, single


@njit(cache=True, nogil=True)
def scan_tokens(data, boff, cls, counts, toff, out, narrow, fill):
    """Count (``fill=False``) or hash (``fill=True``, written at ``toff``) the
    tokens of each text of ``data``/``boff``, which must be normalised already."""
    for p in range(len(boff) - 1):
        i = boff[p]
        end = boff[p + 1]
        n = 0
        k = toff[p] if fill else 0
        h = _FNV_OFFSET
        inword = False
        while i < end:
            cp, w = decode_utf8(data, i)
            i += w
            hw = h
            h, inword, closed, single = _token_step(cp, cls[cp], h, inword)
            if closed:
                if fill:
                    out[k + n] = _mix(hw)
                n += 1
            if single:
                if fill:
                    out[k + n] = _mix((_FNV_OFFSET ^ np.uint64(cp)) * _FNV_PRIME)
                    narrow[k + n] = True
                n += 1
        if inword:
            if fill:
                out[k + n] = _mix(h)
            n += 1
        counts[p] = n


@njit(cache=True, nogil=True, inline="always")
def _answer(qtok, j, jend, n, ws, we, starts, ends):
    """Answer the queries for token ``n`` (span ``ws:we``); returns the next query."""
    while j < jend and qtok[j] == n:
        starts[j] = ws
        ends[j] = we
        j += 1
    return j


@njit(cache=True, nogil=True, inline="always")
def _is_space(c):
    """RE2's ``\\s`` (and so what ``\\S+`` in STRIP_PATTERN stops at): ASCII whitespace without ``\\v``."""
    return c == 32 or c == 9 or c == 10 or c == 12 or c == 13


@njit(cache=True, nogil=True)
def _strip_len(buf, j, m):
    """Code points of a URL or @handle starting at ``buf[j]`` (0 if none), as
    ``STRIP_PATTERN`` matches them on lower-cased text; ``buf`` holds fold-table entries."""
    c = buf[j] & FOLD_CP
    k = 0
    if c == _H and j + 7 <= m:  # http:// or https://
        if (buf[j + 1] & FOLD_CP) == _T and (buf[j + 2] & FOLD_CP) == _T and (buf[j + 3] & FOLD_CP) == _P:
            k = j + 4
            if (buf[k] & FOLD_CP) == _S:
                k += 1
            if k + 3 <= m and (buf[k] & FOLD_CP) == _COLON and (buf[k + 1] & FOLD_CP) == _SLASH \
                    and (buf[k + 2] & FOLD_CP) == _SLASH:
                k += 3
            else:
                k = 0
    elif c == _W and j + 4 <= m:  # www.
        if (buf[j + 1] & FOLD_CP) == _W and (buf[j + 2] & FOLD_CP) == _W and (buf[j + 3] & FOLD_CP) == _DOT:
            k = j + 4
    elif c == _AT:  # @handle: [\p{L}\p{N}_]+
        k = j + 1
        while k < m and ((buf[k] & FOLD_HANDLE) or (buf[k] & FOLD_CP) == _UNDERSCORE):
            k += 1
        return k - j if k > j + 1 else 0
    if k:
        if k >= m or _is_space(buf[k] & FOLD_CP):  # \S+ needs one character
            return 0
        while k < m and not _is_space(buf[k] & FOLD_CP):
            k += 1
        return k - j
    return 0


@njit(cache=True, nogil=True, inline="always")
def _fold_text(data, i, end, fold, exp_off, exp_cps, buf, pos):
    """Decode UTF-8 ``data[i:end]`` into fold-table entries in ``buf``: the
    text as NFKC + lower-case would make it, and in ``pos`` the original
    code point each entry came from. Returns the number of
    entries, or -1 when the text holds a code point that is not simple, or
    its expansions do not fit (the caller takes Arrow's path)."""
    not_simple = np.uint32(FOLD_NOT_SIMPLE)
    expand = np.uint32(FOLD_EXPAND)
    cpmask = np.uint32(FOLD_CP)
    shift = np.uint32(FOLD_CCC_SHIFT)
    m = 0
    ci = 0
    last = np.uint32(0)
    while i < end:
        cp, w = decode_utf8(data, i)
        i += w
        e = fold[cp]
        if e & expand:
            xi = e & cpmask
            if m + exp_off[xi + 1] - exp_off[xi] > len(buf):
                return -1
            for q in range(exp_off[xi], exp_off[xi + 1]):
                buf[m] = exp_cps[q]
                pos[m] = ci
                m += 1
            last = np.uint32(0)
        else:
            ccc = e >> shift
            if (e & not_simple) or (ccc != 0 and last > ccc) or m >= len(buf):
                return -1
            last = ccc
            buf[m] = e
            pos[m] = ci
            m += 1
        ci += 1
    return m


@njit(cache=True, nogil=True)
def fused_scan(data, boff, rows, slots, fold, exp_off, exp_cps, cls, buf, toff, out, narrow, counts, fallback,
               fill):
    """Normalise, strip and hash the texts ``rows`` in one pass (count with
    ``fill=False``, then write at ``toff``); text ``rows[r]`` is post
    ``slots[r]`` of the output. Gives exactly the tokens of
    Arrow's NFKC + lower + strip followed by :func:`scan_tokens`. A text with a
    code point that is not simple (see :func:`~amplify.text.tables.fold_table`) is flagged in
    ``fallback`` and left to that path."""
    cpmask = np.uint32(FOLD_CP)
    pos = np.empty(len(buf), dtype=np.int32)  # where each code point came from: unused here
    for x in range(len(rows)):
        r = slots[x]
        if fill and fallback[r]:
            continue
        p = rows[x]
        m = _fold_text(data, boff[p], boff[p + 1], fold, exp_off, exp_cps, buf, pos)
        if m < 0:
            fallback[r] = True
            counts[r] = 0
            continue
        n = 0
        k = toff[r] if fill else 0
        h = _FNV_OFFSET
        inword = False
        j = 0
        while j < m:
            u = 0
            c0 = buf[j] & cpmask
            if c0 == _H or c0 == _W or c0 == _AT:  # may start a URL or @handle
                u = _strip_len(buf, j, m)
            hw = h
            if u:  # a URL or @handle is a separator
                closed, single = inword, False
                inword = False
                j += u
            else:
                h, inword, closed, single = _token_step(c0, cls[c0], h, inword)
                j += 1
            if closed:
                if fill:
                    out[k + n] = _mix(hw)
                n += 1
            if single:
                if fill:
                    out[k + n] = _mix((_FNV_OFFSET ^ np.uint64(c0)) * _FNV_PRIME)
                    narrow[k + n] = True
                n += 1
        if inword:
            if fill:
                out[k + n] = _mix(h)
            n += 1
        counts[r] = n


@njit(cache=True, nogil=True)
def fused_offsets(data, boff, rows, fold, exp_off, exp_cps, cls, buf, pos, qoff, qtok, starts, ends, counts,
                  fallback):
    """Character offsets in the *original* text of some tokens of each text,
    found on the same folded stream :func:`fused_scan` tokenises (so token
    numbers agree by construction): a token spans the original characters
    its code points came from. Text ``rows[r]`` answers its queries
    ``qtok[qoff[r]:qoff[r + 1]]`` (ascending token numbers) and gets its
    token count; a text that is not simple is flagged in ``fallback``."""
    cpmask = np.uint32(FOLD_CP)
    for r in range(len(rows)):
        p = rows[r]
        m = _fold_text(data, boff[p], boff[p + 1], fold, exp_off, exp_cps, buf, pos)
        if m < 0:
            fallback[r] = True
            continue
        q = qoff[r]
        qend = qoff[r + 1]
        n = 0
        inword = False
        ws = 0
        j = 0
        while j <= m:
            # a token ends at a separator, a URL/@handle, a no-space character, or the end
            u = 0
            c = CLASS_SEPARATOR
            if j < m:
                c0 = buf[j] & cpmask
                if c0 == _H or c0 == _W or c0 == _AT:  # may start a URL or @handle
                    u = _strip_len(buf, j, m)
                c = CLASS_SEPARATOR if u else cls[c0]
            if inword and c != CLASS_WORD:
                q = _answer(qtok, q, qend, n, pos[ws], pos[j - 1] + 1, starts, ends)
                n += 1
                inword = False
            if c == CLASS_WORD and not inword:
                inword = True
                ws = j
            elif c == CLASS_NO_SPACE:
                q = _answer(qtok, q, qend, n, pos[j], pos[j] + 1, starts, ends)
                n += 1
            j += u if u else 1
        counts[r] = n


