"""Text normalisation and tokenisation, vectorised, with a way back to the original.

Detection compares *normalised* tokens but shows evidence in the *original*
text, so this module has two tokenisers that agree with each other:

* :func:`tokenize` runs over a whole column at once in Apache Arrow's C++
  kernels (NFKC, lower-case, URL and @handle removal, splitting on anything
  that is not a letter, digit or mark). Scripts written without spaces (Han,
  Hiragana, Katakana, Thai) become one token per character, so character
  n-grams of them play the part word n-grams play elsewhere. It returns flat
  numpy arrays -- one stable 64-bit hash per token and the offsets of each
  post's tokens -- which is what the blocking stage needs.
* :func:`token_spans` tokenises one original text in Python with the same
  rules and returns each token's ``(start, end)`` character offsets in the
  original. It is only called for the few posts that end up in links, to turn
  token positions into character spans.

Token hashes are stable across runs and machines (pandas' keyed SipHash of the
token string), so results never depend on the order posts were read in.
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

__all__ = ["Tokens", "tokenize", "as_arrow_text", "normalize", "token_spans", "token_offsets", "NO_SPACE_SCRIPTS"]

#: Scripts written without spaces between words: one token per character.
NO_SPACE_SCRIPTS = r"\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}"

# RE2 (Arrow) and the `regex` module understand the same Unicode classes.
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


@lru_cache(maxsize=1)
def char_classes() -> np.ndarray:
    """Class of every code point: 0 separator, 1 word character, 2 a character
    of a script written without spaces (a token by itself).

    Built once from the `regex` module's Unicode tables (0.3 s) and cached on
    disk beside numba's cache, keyed by the Unicode version.
    """
    import os
    import tempfile

    cache_dir = os.environ.get("AMPLIFY_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "amplify")
    import hashlib

    tag = hashlib.sha1(f"{NO_SPACE_SCRIPTS}|{regex.__version__}".encode()).hexdigest()[:10]
    key = f"charclass-{unicodedata.unidata_version}-{tag}.npy"
    path = os.path.join(cache_dir, key)
    try:
        table = np.load(path)
        if table.shape == (0x110000,) and table.dtype == np.uint8:
            return table
    except (OSError, ValueError):
        pass
    table = _build_char_classes()
    try:  # best effort: a read-only home just means rebuilding next time
        os.makedirs(cache_dir, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache_dir, suffix=".npy")
        with os.fdopen(fd, "wb") as fh:
            np.save(fh, table)
        os.replace(tmp, path)
    except OSError:
        pass
    return table


def _build_char_classes() -> np.ndarray:
    table = np.zeros(0x110000, dtype=np.uint8)
    cps = np.r_[np.arange(0, 0xD800), np.arange(0xE000, 0x110000)]
    every = "".join(map(chr, cps))
    for cls, pat in ((1, r"[\p{L}\p{N}\p{M}]"), (2, rf"[{NO_SPACE_SCRIPTS}]")):
        hits = [m.start() for m in regex.finditer(pat, every)]
        table[cps[np.asarray(hits, dtype=np.int64)]] = cls
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


@njit(cache=True, nogil=True)
def _scan(data, boff, cls, counts, toff, out, narrow, fill):
    """Count (fill=False) or hash (fill=True) the tokens of each post."""
    FNV = np.uint64(1469598103934665603)
    PRIME = np.uint64(1099511628211)
    for p in range(len(boff) - 1):
        i = boff[p]
        end = boff[p + 1]
        n = 0
        k = toff[p] if fill else 0
        h = FNV
        inword = False
        while i < end:
            cp, w = _decode(data, i)
            c = cls[cp]
            if c == 1:
                if not inword:
                    inword = True
                    h = FNV
                h = (h ^ np.uint64(cp)) * PRIME
            else:
                if inword:
                    if fill:
                        out[k + n] = _mix(h)
                    n += 1
                    inword = False
                if c == 2:
                    if fill:
                        out[k + n] = _mix((FNV ^ np.uint64(cp)) * PRIME)
                        narrow[k + n] = True
                    n += 1
            i += w
        if inword:
            if fill:
                out[k + n] = _mix(h)
            n += 1
        counts[p] = n


@njit(cache=True, nogil=True)
def _url_len(data, i, end):
    """Bytes of a URL or @handle starting at byte ``i`` (0 if none), as _STRIP sees them."""
    b = data[i] | 0x20
    j = 0
    if b == ord("h") and i + 7 <= end:
        if ((data[i + 1] | 0x20) == ord("t") and (data[i + 2] | 0x20) == ord("t")
                and (data[i + 3] | 0x20) == ord("p")):
            k = i + 4
            if (data[k] | 0x20) == ord("s"):
                k += 1
            if k + 3 <= end and data[k] == ord(":") and data[k + 1] == ord("/") and data[k + 2] == ord("/"):
                j = k + 3
    elif b == ord("w") and i + 4 <= end:
        if (data[i + 1] | 0x20) == ord("w") and (data[i + 2] | 0x20) == ord("w") and data[i + 3] == ord("."):
            j = i + 4
    if j:
        # \S+ in RE2 is "not ASCII whitespace", and needs one character at least
        if j >= end or data[j] in (9, 10, 12, 13, 32):
            return 0
        while j < end and data[j] not in (9, 10, 12, 13, 32):
            j += 1
        return j - i
    return 0


@njit(cache=True, nogil=True)
def _scan_offsets(data, boff, cls, posts, counts, toff, starts, ends, fill, skip):
    """Token (start, end) offsets, in code points, in the *original* texts."""
    for r in range(len(posts)):
        if fill and skip[r]:
            continue
        p = posts[r]
        i = boff[p]
        end = boff[p + 1]
        n = 0
        k = toff[r] if fill else 0
        cp_i = 0
        inword = False
        wstart = 0
        while i < end:
            u = _url_len(data, i, end)
            at = 0
            if u == 0 and data[i] == ord("@") and i + 1 < end:
                # @handle: [\p{L}\p{N}_]+
                j = i + 1
                while j < end:
                    cp, w = _decode(data, j)
                    if cls[cp] == 0 and cp != 95:
                        break
                    j += w
                if j > i + 1:
                    at = j - i
            if u or at:
                nskip = u + at
                if inword:
                    if fill:
                        starts[k + n] = wstart
                        ends[k + n] = cp_i
                    n += 1
                    inword = False
                stop = i + nskip
                while i < stop:
                    cp, w = _decode(data, i)
                    i += w
                    cp_i += 1
                continue
            cp, w = _decode(data, i)
            c = cls[cp]
            if c == 1:
                if not inword:
                    inword = True
                    wstart = cp_i
            else:
                if inword:
                    if fill:
                        starts[k + n] = wstart
                        ends[k + n] = cp_i
                    n += 1
                    inword = False
                if c == 2:
                    if fill:
                        starts[k + n] = cp_i
                        ends[k + n] = cp_i + 1
                    n += 1
            i += w
            cp_i += 1
        if inword:
            if fill:
                starts[k + n] = wstart
                ends[k + n] = cp_i
            n += 1
        counts[r] = n


def token_offsets(texts, posts, expected_lengths=None):
    """Character offsets of the tokens of ``texts[posts]`` in the original texts.

    Returns ``(offsets, starts, ends)``: ``starts[offsets[r]:offsets[r+1]]``
    and ``ends[...]`` are the character offsets of each token of ``texts[posts[r]]``. The compiled scan
    follows the same rules as :func:`tokenize` on the original characters; a
    post whose token count differs from ``expected_lengths`` (NFKC turned one
    character into several tokens, say) is redone with :func:`token_spans`.
    """
    arr = texts if isinstance(texts, pa.Array) else pa.array(list(texts), type=pa.large_string())
    if arr.type != pa.large_string():
        arr = arr.cast(pa.large_string())
    bufs = arr.buffers()
    boff = np.frombuffer(bufs[1], dtype=np.int64)[arr.offset: arr.offset + len(arr) + 1]
    data = np.frombuffer(bufs[2], dtype=np.uint8) if bufs[2] is not None else np.zeros(0, np.uint8)
    cls = char_classes()
    posts = np.asarray(posts, dtype=np.int64)
    counts = np.zeros(len(posts), dtype=np.int64)
    e = np.zeros(0, dtype=np.int64)
    skip = np.zeros(len(posts), dtype=np.bool_)
    _scan_offsets(data, boff, cls, posts, counts, np.zeros(len(posts) + 1, np.int64), e, e, False, skip)
    if expected_lengths is not None:
        bad = np.flatnonzero(counts != np.asarray(expected_lengths)[posts])
    else:
        bad = np.zeros(0, dtype=np.int64)
    slow = {int(r): token_spans(arr[int(posts[r])].as_py() or "") for r in bad}
    for r, sp in slow.items():
        counts[r] = len(sp)
        skip[r] = True
    toff = np.zeros(len(posts) + 1, dtype=np.int64)
    np.cumsum(counts, out=toff[1:])
    starts = np.zeros(toff[-1], dtype=np.int64)
    ends = np.zeros(toff[-1], dtype=np.int64)
    _scan_offsets(data, boff, cls, posts, counts, toff, starts, ends, True, skip)
    for r, sp in slow.items():
        starts[toff[r]:toff[r + 1]] = sp[:, 0]
        ends[toff[r]:toff[r + 1]] = sp[:, 1]
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


def _one_chunk(texts):
    return _hash_tokens(_arrow_normalize(texts))


def as_arrow_text(texts: pd.Series) -> pa.Array:
    """A text column as an Arrow ``large_string`` array, nulls as empty strings.

    Zero-copy for pandas' Arrow-backed strings (the canonical dtype under
    pandas 3); other columns are converted once.
    """
    try:
        arr = pa.array(texts.array)
    except (TypeError, pa.ArrowInvalid):
        arr = pa.Array.from_pandas(texts.astype(object), type=pa.large_string())
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if arr.type != pa.large_string():
        arr = arr.cast(pa.large_string())
    return pc.fill_null(arr, "") if arr.null_count else arr


def tokenize(texts, *, workers: int = 2) -> Tokens:
    """Tokenise a column of texts into stable 64-bit token hashes.

    Parameters
    ----------
    texts : sequence of str, pandas Series or pyarrow array
    workers : int
        Threads (Arrow and the compiled scanner release the GIL).

    Examples
    --------
    >>> t = tokenize(["Hello, World! https://t.co/x", "中国外交部", ""])
    >>> t.lengths.tolist()
    [2, 5, 0]
    >>> bool(t.hashes[0] == tokenize(["hello"]).hashes[0])
    True
    """
    if isinstance(texts, pd.Series):
        texts = as_arrow_text(texts)
    elif not isinstance(texts, (pa.Array, pa.ChunkedArray)):
        texts = pa.array(list(texts), type=pa.large_string())
    if isinstance(texts, pa.ChunkedArray):
        texts = texts.combine_chunks()
    n = len(texts)
    workers = max(1, min(workers, n // 20000 or 1))
    if workers == 1:
        hashes, offsets, narrow = _one_chunk(texts)
        return Tokens(hashes, offsets, narrow)
    bounds = np.linspace(0, n, workers + 1).astype(int)
    with ThreadPoolExecutor(workers) as ex:
        parts = list(ex.map(_one_chunk, [texts.slice(a, b - a) for a, b in zip(bounds[:-1], bounds[1:])]))
    hashes = np.concatenate([h for h, _, _ in parts])
    narrow = np.concatenate([w for _, _, w in parts])
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.concatenate([np.diff(o) for _, o, _ in parts]), out=offsets[1:])
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
