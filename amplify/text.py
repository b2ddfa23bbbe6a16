"""Text normalisation and tokenisation, compiled, with a way back to the original.

Detection compares *normalised* tokens but shows evidence in the *original*
text:

* :func:`tokenize` turns a column of texts into flat numpy arrays -- one
  stable 64-bit hash per token (FNV-1a over the token's code points, with a
  splitmix64 finaliser) and the offsets of each post's tokens -- which is
  what blocking and verification need. Normalisation is NFKC, lower-case,
  and removal of URLs and @handles; tokens are runs of letters, digits and
  marks, and each character of a script written without spaces (Han,
  Hiragana, Katakana, Thai) is a token by itself, so character n-grams of
  them play the part word n-grams play elsewhere. One compiled pass does
  all of it straight from the Arrow buffers (:func:`fold_table` says what
  NFKC and lower-casing do to each code point); texts holding characters
  that NFKC may merge with their neighbours go through Arrow's own NFKC,
  lower-case and regex kernels instead, and both paths give the same tokens.
* :func:`char_offsets` maps token numbers back to character offsets in the
  original text for the posts that end up in links; :func:`token_spans` is
  its plain-Python fallback for the texts that take Arrow's path.

Token hashes are stable across runs and machines, so results never depend
on the order posts were read in.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import regex
from numba import njit

__all__ = ["Tokens", "tokenize", "as_arrow_text", "normalize", "token_spans", "token_offsets", "char_offsets",
           "slice_texts", "NO_SPACE_SCRIPTS"]

#: Scripts written without spaces between words: one token per character.
NO_SPACE_SCRIPTS = r"\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}"

# URLs and @handles, removed before tokenising (by Arrow's RE2 on the Arrow
# path; the one-pass scanner follows the same rule, with RE2's own idea of
# letters and digits: see fold_table)
_STRIP = r"https?://\S+|www\.\S+|@[\p{L}\p{N}_]+"

_PY_STRIP = regex.compile(_STRIP, regex.IGNORECASE)
_PY_TOKEN = regex.compile(
    rf"[{NO_SPACE_SCRIPTS}]|(?:(?![{NO_SPACE_SCRIPTS}])[\p{{L}}\p{{N}}\p{{M}}])+"
)


@dataclass
class Tokens:
    """Tokens of many posts, flat.

    Attributes
    ----------
    hashes : ndarray of uint64, shape (n_tokens,)
        Stable hash of each normalised token, posts one after another.
    offsets : ndarray of int64, shape (n_posts + 1,)
        Post ``i`` owns ``hashes[offsets[i]:offsets[i + 1]]``.
    narrow : ndarray of bool, shape (n_tokens,)
        The token is one character of a script written without spaces (about
        half a word: lengths in words count it as 0.5).
    """

    hashes: np.ndarray
    offsets: np.ndarray
    narrow: np.ndarray

    @property
    def lengths(self) -> np.ndarray:
        return np.diff(self.offsets)


def _arrow_normalize(texts) -> pa.Array:
    """NFKC, lower-case and URL/handle removal in Arrow's C++ kernels."""
    arr = texts if isinstance(texts, (pa.Array, pa.ChunkedArray)) else pa.array(texts, type=pa.large_string())
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if arr.type != pa.large_string():
        arr = arr.cast(pa.large_string())
    arr = pc.fill_null(arr, "")
    arr = pc.utf8_normalize(arr, "NFKC")
    arr = pc.utf8_lower(arr)
    return pc.replace_substring_regex(arr, pattern=_STRIP, replacement=" ")


_TABLES_FORMAT = 5  # bump when a table's layout changes


def _cached_table(name: str, build) -> np.ndarray:
    """A per-code-point table, built once and cached on disk (``$AMPLIFY_CACHE``,
    else ``~/.cache/amplify``), keyed by the versions of Python's Unicode
    tables, `regex` and Arrow."""
    import hashlib
    import os
    import tempfile

    cache_dir = os.environ.get("AMPLIFY_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "amplify")
    tag = hashlib.sha1(f"{_TABLES_FORMAT}|{NO_SPACE_SCRIPTS}|{regex.__version__}|{pa.__version__}".encode()).hexdigest()[:10]
    path = os.path.join(cache_dir, f"{name}-{unicodedata.unidata_version}-{tag}.npy")
    try:
        table = np.load(path)
        if table.ndim == 1 and len(table) >= 0x110000:
            return table
    except (OSError, ValueError):
        pass
    table = build()
    try:  # best effort: a read-only home just means rebuilding next time
        os.makedirs(cache_dir, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache_dir, suffix=".npy")
        with os.fdopen(fd, "wb") as fh:
            np.save(fh, table)
        os.replace(tmp, path)
    except OSError:
        pass
    return table


@lru_cache(maxsize=1)
def char_classes() -> np.ndarray:
    """Class of every code point: 0 separator, 1 word character, 2 a character
    of a script written without spaces (a token by itself).

    Built once from the `regex` module's Unicode tables (0.3 s) and cached on disk.
    """
    return _cached_table("charclass", _build_char_classes)


def _all_code_points() -> np.ndarray:
    return np.r_[np.arange(0, 0xD800), np.arange(0xE000, 0x110000)]


def _build_char_classes() -> np.ndarray:
    table = np.zeros(0x110000, dtype=np.uint8)
    cps = _all_code_points()
    every = "".join(map(chr, cps))
    for cls, pat in ((1, r"[\p{L}\p{N}\p{M}]"), (2, rf"[{NO_SPACE_SCRIPTS}]")):
        hits = [m.start() for m in regex.finditer(pat, every)]
        table[cps[np.asarray(hits, dtype=np.int64)]] = cls
    return table


# fold table entries: the lower-case code point (or an expansion's index), flags above it
_FOLD_CP = 0x1FFFFF
_NOT_SIMPLE = 1 << 21   # NFKC may merge the code point with a neighbour: texts holding it take Arrow's path
_HANDLE = 1 << 22       # the lower-cased code point is [\p{L}\p{N}] (an @handle character)
_EXPAND = 1 << 23       # NFKC turns the code point into the code points of expansion number FOLD_CP
_CCC_SHIFT = 24         # canonical combining class in the top byte


@lru_cache(maxsize=1)
def fold_table() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What normalisation does to each code point, for the one-pass tokeniser.

    Returns ``(table, exp_off, exp_cps)``. A code point is *simple* when its
    NFKC quick-check property is Yes (NFKC leaves it alone and never merges
    it with the character before): a text of simple code points whose
    combining marks are in canonical order is already NFKC,
    and normalising it is only lower-casing, one code point at a time --
    which is what Arrow's ``utf8_lower`` does, so the table takes its lower
    case from Arrow itself. A compatibility character (full-width forms,
    ``…``, ``№``, NBSP) whose NFKC form is simple starters only, and whose
    decomposition cannot merge with the character before it, is replaced by
    that form, lower-cased: ``exp_cps[exp_off[i]:exp_off[i + 1]]``. Texts
    holding any other code point (combining marks that may compose, say) go
    through Arrow's full NFKC instead.
    """
    packed = _cached_table("fold", _build_fold_table)
    n_exp = int(packed[0x110000])
    exp_off = packed[0x110001:0x110002 + n_exp].astype(np.int64)
    return packed[:0x110000], exp_off, packed[0x110002 + n_exp:]


def _build_fold_table() -> np.ndarray:
    cps = _all_code_points()
    chars = pa.array([chr(c) for c in cps], type=pa.large_string())
    lower = pc.utf8_lower(chars)
    one = pc.equal(pc.utf8_length(lower), 1).to_numpy(zero_copy_only=False)
    low = np.asarray([ord(c) if len(c) == 1 else 0 for c in lower.to_pylist()], dtype=np.uint32)
    nfkc = pc.utf8_normalize(chars, "NFKC")
    stable = pc.equal(nfkc, chars).to_numpy(zero_copy_only=False)
    every = "".join(map(chr, cps))
    quick_yes = np.zeros(0x110000, dtype=bool)
    quick_yes[cps[[m.start() for m in regex.finditer(r"\p{NFKC_QC=Y}", every)]]] = True
    ccc = np.zeros(0x110000, dtype=np.uint32)
    ccc[cps] = np.fromiter((unicodedata.combining(chr(c)) for c in cps), dtype=np.uint32, count=len(cps))
    # @handle characters as Arrow's RE2 sees them (its Unicode tables are not the `regex` module's)
    at = pa.array(["@" + chr(c) for c in cps], type=pa.large_string())
    stripped = pc.replace_substring_regex(at, pattern=r"@[\p{L}\p{N}]", replacement="")
    handle = np.zeros(0x110000, dtype=bool)
    handle[cps] = pc.equal(pc.utf8_length(stripped), 0).to_numpy(zero_copy_only=False)
    # combining classes come from Python's Unicode tables, which may be older
    # than Arrow's: a code point Python does not know cannot be trusted to be
    # in canonical order, so texts holding one take Arrow's path
    known = np.fromiter((unicodedata.category(chr(c)) != "Cn" for c in cps), dtype=bool, count=len(cps))

    table = np.full(0x110000, _NOT_SIMPLE, dtype=np.uint32)
    simple = one & stable & quick_yes[cps] & known
    entry = np.zeros(0x110000, dtype=np.uint32)
    entry[cps] = low | np.where(handle[low], np.uint32(_HANDLE), np.uint32(0)) | (ccc[cps] << np.uint32(_CCC_SHIFT))
    table[cps[simple]] = entry[cps[simple]]

    # compatibility characters: NFKC of the character alone is a run of simple
    # starters, and its decomposition does not start with a character that
    # could compose with the one before (NFKC quick check Yes)
    exp_off, exp_cps = [0], []
    nfkd = pc.utf8_normalize(chars, "NFKD").to_pylist()
    for idx in np.flatnonzero(~stable):
        form = nfkc[int(idx)].as_py()
        first = ord(nfkd[idx][0]) if nfkd[idx] else 0
        xs = [ord(x) for x in form]
        if not xs or not known[idx] or not quick_yes[first] or not all(
                table[x] & _NOT_SIMPLE == 0 and ccc[x] == 0 for x in xs):
            continue
        table[cps[idx]] = _EXPAND | (len(exp_off) - 1)
        exp_cps.extend(int(table[x]) for x in xs)
        exp_off.append(len(exp_cps))
    return np.concatenate([table, np.asarray([len(exp_off) - 1] + exp_off + exp_cps, dtype=np.uint32)])


_ALNUM = 1 << 21    # lower_table(): str.isalnum() of the code point
_NOSPACE = 1 << 22  # lower_table(): a character of a script written without spaces


@lru_cache(maxsize=1)
def lower_table() -> np.ndarray:
    """Each code point case-folded to one code point (so positions in a text
    do not move): Python's ``str.casefold`` where that gives one code point
    (so "ς", "σ" and "Σ" are one letter), else Arrow's ``utf8_lower``. Flags:
    ``_ALNUM`` where ``str.isalnum()`` is true (a letter or number: what
    separates a whole word from part of one) and ``_NOSPACE`` on characters
    of scripts written without spaces (:data:`NO_SPACE_SCRIPTS`)."""
    return _cached_table("lower", _build_lower_table)


def _build_lower_table() -> np.ndarray:
    cps = _all_code_points()
    lower = pc.utf8_lower(pa.array([chr(c) for c in cps], type=pa.large_string())).to_pylist()
    table = np.arange(0x110000, dtype=np.uint32)
    folded = []
    for c, low in zip(cps, lower):
        f = chr(c).casefold()
        folded.append(ord(f) if len(f) == 1 else ord(low) if len(low) == 1 else c)
    table[cps] = folded
    alnum = np.fromiter((chr(c).isalnum() for c in cps), dtype=bool, count=len(cps))
    table[cps[alnum]] |= np.uint32(_ALNUM)
    table[char_classes() == 2] |= np.uint32(_NOSPACE)
    return table


@njit(cache=True, nogil=True)
def _decode(data, i):
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


@njit(cache=True, nogil=True)
def _mix(h):
    # splitmix64 finaliser: spreads FNV's low-entropy high bits
    h ^= h >> np.uint64(30)
    h *= np.uint64(0xBF58476D1CE4E5B9)
    h ^= h >> np.uint64(27)
    h *= np.uint64(0x94D049BB133111EB)
    h ^= h >> np.uint64(31)
    return h


# FNV-1a, 64 bits
_FNV_OFFSET = np.uint64(1469598103934665603)
_FNV_PRIME = np.uint64(1099511628211)


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
    if c == 1:
        if not inword:
            inword = True
            h = _FNV_OFFSET
        h = (h ^ np.uint64(cp)) * _FNV_PRIME
    else:
        if inword:
            closed = True
            inword = False
        single = c == 2
    return h, inword, closed, single


@njit(cache=True, nogil=True)
def _scan(data, boff, cls, counts, toff, out, narrow, fill):
    """Count (fill=False) or hash (fill=True) the tokens of each post."""
    for p in range(len(boff) - 1):
        i = boff[p]
        end = boff[p + 1]
        n = 0
        k = toff[p] if fill else 0
        h = _FNV_OFFSET
        inword = False
        while i < end:
            cp, w = _decode(data, i)
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
    # RE2's \s (and so what \S+ in _STRIP stops at): ASCII whitespace without \v
    return c == 32 or c == 9 or c == 10 or c == 12 or c == 13


@njit(cache=True, nogil=True)
def _strip_len(buf, j, m):
    """Code points of a URL or @handle starting at ``buf[j]`` (0 if none), as
    ``_STRIP`` matches them on lower-cased text; ``buf`` holds fold-table entries."""
    c = buf[j] & _FOLD_CP
    k = 0
    if c == 104 and j + 7 <= m:  # http:// or https://
        if (buf[j + 1] & _FOLD_CP) == 116 and (buf[j + 2] & _FOLD_CP) == 116 and (buf[j + 3] & _FOLD_CP) == 112:
            k = j + 4
            if (buf[k] & _FOLD_CP) == 115:
                k += 1
            if k + 3 <= m and (buf[k] & _FOLD_CP) == 58 and (buf[k + 1] & _FOLD_CP) == 47 \
                    and (buf[k + 2] & _FOLD_CP) == 47:
                k += 3
            else:
                k = 0
    elif c == 119 and j + 4 <= m:  # www.
        if (buf[j + 1] & _FOLD_CP) == 119 and (buf[j + 2] & _FOLD_CP) == 119 and (buf[j + 3] & _FOLD_CP) == 46:
            k = j + 4
    elif c == 64:  # @handle: [\p{L}\p{N}_]+
        k = j + 1
        while k < m and ((buf[k] & _HANDLE) or (buf[k] & _FOLD_CP) == 95):
            k += 1
        return k - j if k > j + 1 else 0
    if k:
        if k >= m or _is_space(buf[k] & _FOLD_CP):  # \S+ needs one character
            return 0
        while k < m and not _is_space(buf[k] & _FOLD_CP):
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
    not_simple = np.uint32(_NOT_SIMPLE)
    expand = np.uint32(_EXPAND)
    cpmask = np.uint32(_FOLD_CP)
    shift = np.uint32(_CCC_SHIFT)
    m = 0
    ci = 0
    last = np.uint32(0)
    while i < end:
        cp, w = _decode(data, i)
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
def _fused_scan(data, boff, rows, slots, fold, exp_off, exp_cps, cls, buf, toff, out, narrow, counts, fallback,
                fill):
    """Normalise, strip and hash the texts ``rows`` in one pass (count with
    ``fill=False``, then write at ``toff``); text ``rows[r]`` is post
    ``slots[r]`` of the output. Gives exactly the tokens of
    Arrow's NFKC + lower + strip followed by :func:`_scan`. A text with a
    code point that is not simple (see :func:`fold_table`) is flagged in
    ``fallback`` and left to that path."""
    cpmask = np.uint32(_FOLD_CP)
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
            if c0 == 104 or c0 == 119 or c0 == 64:
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
def _fused_offsets(data, boff, rows, fold, exp_off, exp_cps, cls, buf, pos, qoff, qtok, starts, ends, counts,
                   fallback):
    """Character offsets in the *original* text of some tokens of each text,
    found on the same folded stream :func:`_fused_scan` tokenises (so token
    numbers agree by construction): a token spans the original characters
    its code points came from. Text ``rows[r]`` answers its queries
    ``qtok[qoff[r]:qoff[r + 1]]`` (ascending token numbers) and gets its
    token count; a text that is not simple is flagged in ``fallback``."""
    cpmask = np.uint32(_FOLD_CP)
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
            c = 0
            if j < m:
                c0 = buf[j] & cpmask
                if c0 == 104 or c0 == 119 or c0 == 64:
                    u = _strip_len(buf, j, m)
                c = 0 if u else cls[c0]
            if inword and c != 1:
                q = _answer(qtok, q, qend, n, pos[ws], pos[j - 1] + 1, starts, ends)
                n += 1
                inword = False
            if c == 1 and not inword:
                inword = True
                ws = j
            elif c == 2:
                q = _answer(qtok, q, qend, n, pos[j], pos[j] + 1, starts, ends)
                n += 1
            j += u if u else 1
        counts[r] = n


def char_offsets(texts, rows, tokens, expected_lengths=None, *, workers: int = 2):
    """Where tokens are in the original texts: character ``(start, end)`` of
    token ``tokens[i]`` of text ``rows[i]``, for every query ``i``.

    One compiled pass per text, however many queries it has, tokenises the
    same normalised stream :func:`tokenize` hashes while remembering which
    original character each normalised code point came from, so token
    numbers agree with :func:`tokenize` by construction (a compatibility
    character NFKC expands, like "½", gives its whole span to each token it
    becomes). A text that takes Arrow's path in :func:`tokenize`, or whose
    token count differs from ``expected_lengths[i]``, is redone with
    :func:`token_spans`. A token number past the end gets ``(-1, -1)``.

    >>> s, e = char_offsets(["Say: «Hello» to 中国"], [0, 0, 0], [1, 2, 3])
    >>> s.tolist(), e.tolist()
    ([6, 13, 16], [11, 15, 17])
    """
    chunks, cstart = _text_chunks(texts)
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
        data, boff = _text_buffers(chunks[c])
        local = urows[x:y] - cstart[c]
        cap = int((boff[local + 1] - boff[local]).max(initial=0)) + 256
        _fused_offsets(data, boff, local, table, exp_off, exp_cps, cls, np.empty(cap, np.uint32),
                       np.empty(cap, np.int64), qoff[x:y + 1] - qoff[x], qtok[qoff[x]:qoff[y]],
                       s_sorted[qoff[x]:qoff[y]], e_sorted[qoff[x]:qoff[y]], counts[x:y], fallback[x:y])

    with ThreadPoolExecutor(max(1, workers)) as ex:
        list(ex.map(work, tasks))
    redo = fallback.copy()
    if expected_lengths is not None:
        redo |= counts != np.asarray(expected_lengths, dtype=np.int64)[q][first]
    for r in np.flatnonzero(redo):
        c = int(np.searchsorted(cstart, urows[r], side="right") - 1)
        sp = token_spans(chunks[c][int(urows[r] - cstart[c])].as_py() or "")
        k = qtok[qoff[r]:qoff[r + 1]]
        ok = k < len(sp)
        s_sorted[qoff[r]:qoff[r + 1]] = np.where(ok, sp[np.minimum(k, len(sp) - 1), 0] if len(sp) else -1, -1)
        e_sorted[qoff[r]:qoff[r + 1]] = np.where(ok, sp[np.minimum(k, len(sp) - 1), 1] if len(sp) else -1, -1)
    starts[q] = s_sorted
    ends[q] = e_sorted
    return starts, ends


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
            if cut:
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
    chunks, cstart = _text_chunks(texts)
    rows = np.asarray(rows, dtype=np.int64)
    # offsets clamped to [0, 2**40]: before the start or past the end of a text is its edge
    starts = np.clip(np.asarray(starts, dtype=np.int64), 0, 1 << 40)
    ends = np.clip(np.asarray(ends, dtype=np.int64), 0, 1 << 40)
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
        data, boff = _text_buffers(chunks[c])
        sub = np.zeros(len(idx), dtype=np.int64)
        _slice_kernel(data, boff, rows[idx] - cstart[c], starts[idx], ends[idx], lim, sub, sub, none, False)
        lens[idx] = sub

    def fill(task):
        c, idx = task
        data, boff = _text_buffers(chunks[c])
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


def _cuts(a: int, b: int, parts: int):
    """``[a, b)`` cut into at most ``parts`` ranges."""
    edges = np.unique(np.linspace(a, b, max(1, parts) + 1).astype(np.int64))
    return list(zip(edges[:-1], edges[1:])) if b > a else []


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


def _hash_tokens(arr: pa.Array):
    bufs = arr.buffers()
    boff = np.frombuffer(bufs[1], dtype=np.int64)[arr.offset: arr.offset + len(arr) + 1]
    data = np.frombuffer(bufs[2], dtype=np.uint8) if bufs[2] is not None else np.zeros(0, np.uint8)
    cls = char_classes()
    counts = np.zeros(len(arr), dtype=np.int64)
    dummy = np.zeros(0, dtype=np.uint64)
    _scan(data, boff, cls, counts, np.zeros(len(arr) + 1, np.int64), dummy, np.zeros(0, np.bool_), False)
    toff = np.zeros(len(arr) + 1, dtype=np.int64)
    np.cumsum(counts, out=toff[1:])
    out = np.empty(toff[-1], dtype=np.uint64)
    narrow = np.zeros(toff[-1], dtype=np.bool_)
    _scan(data, boff, cls, counts, toff, out, narrow, True)
    return out, toff, narrow


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


def _text_buffers(arr: pa.Array):
    bufs = arr.buffers()
    boff = np.frombuffer(bufs[1], dtype=np.int64)[arr.offset: arr.offset + len(arr) + 1]
    data = np.frombuffer(bufs[2], dtype=np.uint8) if bufs[2] is not None else np.zeros(0, np.uint8)
    return data, boff


def _text_chunks(texts) -> tuple[list[pa.Array], np.ndarray]:
    """Any column of texts as Arrow ``large_string`` chunks without nulls
    (not copied when they already are), and where each chunk starts."""
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


def _arrow_tokens(texts: pa.Array, workers: int = 2, chunk: int = 1 << 16):
    """The reference path: Arrow's NFKC, lower-case and strip, then :func:`_scan`.
    In slices, so that Arrow's copies of the text stay small."""
    n = len(texts)
    bounds = list(range(0, n, chunk)) + [n]
    slices = [texts.slice(a, b - a) for a, b in zip(bounds[:-1], bounds[1:])] or [texts]
    with ThreadPoolExecutor(max(1, workers)) as ex:
        parts = list(ex.map(lambda t: _hash_tokens(_arrow_normalize(t)), slices))
    hashes = np.concatenate([h for h, _, _ in parts])
    narrow = np.concatenate([w for _, _, w in parts])
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.concatenate([np.diff(o) for _, o, _ in parts]), out=offsets[1:])
    return hashes, offsets, narrow


@njit(cache=True, nogil=True)
def _place(hashes, narrow, offsets, rows, sub_hashes, sub_offsets, sub_narrow):
    """Copy the tokens of ``rows`` (tokenised apart) into their places."""
    for i in range(len(rows)):
        a = offsets[rows[i]]
        b = sub_offsets[i]
        for j in range(sub_offsets[i + 1] - b):
            hashes[a + j] = sub_hashes[b + j]
            narrow[a + j] = sub_narrow[b + j]


def tokenize(texts, *, workers: int = 2, order=None) -> Tokens:
    """Tokenise a column of texts into stable 64-bit token hashes.

    One compiled pass normalises, strips and hashes each text straight from
    Arrow's buffers (see :func:`fold_table`); the few texts with characters
    NFKC may merge with their neighbours go through Arrow's own NFKC. Both
    paths give the same tokens.

    Parameters
    ----------
    texts : sequence of str, pandas Series or pyarrow array
    workers : int
        Threads (Arrow and the compiled scanner release the GIL).
    order : array of int, optional
        Tokenise ``texts[order]``, in that order, without copying the texts.

    Examples
    --------
    >>> t = tokenize(["Hello, World! https://t.co/x", "中国外交部", ""])
    >>> t.lengths.tolist()
    [2, 5, 0]
    >>> bool(t.hashes[0] == tokenize(["hello"]).hashes[0])
    True
    """
    chunks, starts = _text_chunks(texts)
    rows = np.arange(starts[-1], dtype=np.int64) if order is None else np.asarray(order, dtype=np.int64)
    n = len(rows)
    table, exp_off, exp_cps = fold_table()
    cls = char_classes()
    counts = np.zeros(n, dtype=np.int64)
    fallback = np.zeros(n, dtype=np.bool_)
    # tasks: (chunk, its rows, their output slots), cut to about equal bytes
    if len(chunks) > 1:  # the output slots of each chunk's texts, in one sort
        chunk_of = np.searchsorted(starts, rows, side="right") - 1
        by_chunk = np.argsort(chunk_of, kind="stable")
        cuts_at = np.searchsorted(chunk_of[by_chunk], np.arange(len(chunks) + 1))
    tasks = []
    total = sum(int(c.buffers()[2].size) if c.buffers()[2] is not None else 0 for c in chunks)
    piece = max(1 << 20, total // max(1, 4 * workers))
    for c, arr in enumerate(chunks):
        slots = by_chunk[cuts_at[c]:cuts_at[c + 1]] if len(chunks) > 1 else np.arange(n, dtype=np.int64)
        if not len(slots):
            continue
        data, boff = _text_buffers(arr)
        local = rows[slots] - starts[c]
        nbytes = boff[local + 1] - boff[local]
        cum = np.cumsum(nbytes)
        cuts = np.searchsorted(cum, np.arange(piece, cum[-1], piece))
        edges = np.unique(np.r_[0, cuts, len(slots)])
        # a text has no more code points than bytes; NFKC expansions (up to 18
        # code points for a 3-byte character) get some room, and a text that
        # needs more takes Arrow's path rather than a buffer 6x its size
        cap = int(nbytes.max(initial=0)) + 256
        tasks += [(data, boff, local[a:b], slots[a:b], cap) for a, b in zip(edges[:-1], edges[1:])]
    e64, eh, eb = np.zeros(1, np.int64), np.zeros(0, np.uint64), np.zeros(0, np.bool_)

    def scan(task, offsets=None, hashes=eh, narrow=eb):
        data, boff, local, slots, cap = task
        _fused_scan(data, boff, local, slots, table, exp_off, exp_cps, cls, np.empty(cap, dtype=np.uint32),
                    e64 if offsets is None else offsets, hashes, narrow, counts, fallback, offsets is not None)

    with ThreadPoolExecutor(max(1, workers)) as ex:
        list(ex.map(scan, tasks))
        slow = np.flatnonzero(fallback)
        if len(slow):
            whole = pa.chunked_array(chunks) if len(chunks) > 1 else chunks[0]
            sub = whole.take(pa.array(rows[slow]))
            sub = sub.combine_chunks() if isinstance(sub, pa.ChunkedArray) else sub
            sub_h, sub_off, sub_narrow = _arrow_tokens(sub, workers)
            counts[slow] = np.diff(sub_off)
        offsets = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(counts, out=offsets[1:])
        hashes = np.empty(offsets[-1], dtype=np.uint64)
        narrow = np.zeros(offsets[-1], dtype=np.bool_)
        list(ex.map(lambda t: scan(t, offsets, hashes, narrow), tasks))
    if len(slow):
        _place(hashes, narrow, offsets, slow, sub_h, sub_off, sub_narrow)
    return Tokens(hashes, offsets, narrow)


def normalize(text: str) -> str:
    """Normalised form of one text: the tokens :func:`tokenize` sees, joined by spaces.

    >>> normalize("The <b>Foreign</b> Ministry said: “NO!”")
    'the b foreign b ministry said no'
    """
    return " ".join(t for t, _, _ in _py_tokens(text))


@lru_cache(maxsize=4096)
def _normalize_token(tok: str) -> tuple[str, ...]:
    norm = unicodedata.normalize("NFKC", tok).lower()
    return tuple(m.group() for m in _PY_TOKEN.finditer(norm)) or ()


def _py_tokens(text: str):
    """Yield ``(normalised token, start, end)`` over the original text."""
    # Strip spans are found on the original (case-insensitively) so offsets hold.
    cuts = [m.span() for m in _PY_STRIP.finditer(text)]
    ci = 0
    for m in _PY_TOKEN.finditer(text):
        s, e = m.span()
        while ci < len(cuts) and cuts[ci][1] <= s:
            ci += 1
        if ci < len(cuts) and cuts[ci][0] <= s < cuts[ci][1]:
            continue
        for sub in _normalize_token(m.group()):
            yield sub, s, e


def token_spans(text: str) -> np.ndarray:
    """Character offsets ``(start, end)`` in ``text`` of each token, shape (n, 2).

    The i-th row belongs to the i-th token :func:`tokenize` produces for the
    same text (a character that NFKC expands into several tokens maps all of
    them to its own span).

    >>> token_spans("Say: 中国!").tolist()
    [[0, 3], [5, 6], [6, 7]]
    """
    spans = [(s, e) for _, s, e in _py_tokens(text)]
    return np.asarray(spans, dtype=np.int64).reshape(-1, 2)
