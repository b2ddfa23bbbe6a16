"""What the tokeniser does to each code point: its rules and per-code-point tables.

The compiled scanners (:mod:`amplify.text.scan`) never call into Python's
Unicode machinery per character; they look every code point up in a table
built once from it and cached on disk:

* :func:`char_classes` -- separator, word character, or a character of a
  script written without spaces (a token by itself);
* :func:`fold_table` -- what NFKC and lower-casing do to the code point,
  with flags for the cases the one-pass tokeniser cannot handle alone;
* :func:`lower_table` -- a one-to-one case fold for matching names in texts
  (:mod:`amplify.detect.attribution`), with word-edge flags.

The rules themselves are two patterns: :data:`NO_SPACE_SCRIPTS` (the scripts
tokenised per character) and :data:`STRIP_PATTERN` (URLs and @handles,
removed before tokenising).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import regex

__all__ = ["NO_SPACE_SCRIPTS", "STRIP_PATTERN", "CODE_POINTS", "CLASS_SEPARATOR", "CLASS_WORD", "CLASS_NO_SPACE",
           "char_classes", "fold_table", "FOLD_CP", "FOLD_NOT_SIMPLE", "FOLD_HANDLE", "FOLD_EXPAND",
           "FOLD_CCC_SHIFT", "lower_table", "LOWER_CP", "LOWER_ALNUM", "LOWER_NO_SPACE"]

#: Scripts written without spaces between words: one token per character.
NO_SPACE_SCRIPTS = r"\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}"

#: URLs and @handles, removed before tokenising (by Arrow's RE2 on the Arrow
#: path; the one-pass scanner follows the same rule, with RE2's own idea of
#: letters and digits: see :func:`fold_table`).
STRIP_PATTERN = r"https?://\S+|www\.\S+|@[\p{L}\p{N}_]+"

#: Size of every per-code-point table: U+0000 to U+10FFFF.
CODE_POINTS = 0x110000

#: Classes in :func:`char_classes`.
CLASS_SEPARATOR, CLASS_WORD, CLASS_NO_SPACE = 0, 1, 2

# The compiled kernels that read these tables (amplify.text.scan,
# amplify.detect.attribution) freeze the constants below into their cached
# machine code, and numba's cache only notices a change to the kernel's own
# file: after changing a constant here, bump _TABLES_FORMAT and delete the
# __pycache__/*.nbi/*.nbc files of those modules.

# fold table entries: the lower-case code point (or an expansion's index), flags above it
FOLD_CP = 0x1FFFFF
FOLD_NOT_SIMPLE = 1 << 21  # NFKC may merge the code point with a neighbour: texts holding it take Arrow's path
FOLD_HANDLE = 1 << 22      # the lower-cased code point is [\p{L}\p{N}] (an @handle character)
FOLD_EXPAND = 1 << 23      # NFKC turns the code point into the code points of expansion number FOLD_CP
FOLD_CCC_SHIFT = 24        # canonical combining class in the top byte

# lower table entries: the folded code point, flags above it
LOWER_CP = 0x1FFFFF
LOWER_ALNUM = 1 << 21     # str.isalnum() of the code point
LOWER_NO_SPACE = 1 << 22  # a character of a script written without spaces

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
    key = f"{_TABLES_FORMAT}|{NO_SPACE_SCRIPTS}|{regex.__version__}|{pa.__version__}"
    tag = hashlib.sha1(key.encode()).hexdigest()[:10]
    path = os.path.join(cache_dir, f"{name}-{unicodedata.unidata_version}-{tag}.npy")
    try:
        table = np.load(path)
        if table.ndim == 1 and len(table) >= CODE_POINTS:
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
    """Class of every code point: :data:`CLASS_SEPARATOR`, :data:`CLASS_WORD`
    (a letter, digit or mark), or :data:`CLASS_NO_SPACE` (a character of a
    script written without spaces: a token by itself).

    Built once from the `regex` module's Unicode tables (0.3 s) and cached on disk.
    """
    return _cached_table("charclass", _build_char_classes)


def _all_code_points() -> np.ndarray:
    """Every code point a str can hold alone."""
    return np.r_[np.arange(0, 0xD800), np.arange(0xE000, CODE_POINTS)]  # without the surrogates


def _build_char_classes() -> np.ndarray:
    """The :func:`char_classes` table, from the `regex` module's Unicode properties."""
    table = np.zeros(CODE_POINTS, dtype=np.uint8)
    cps = _all_code_points()
    every = "".join(map(chr, cps))
    for cls, pat in ((CLASS_WORD, r"[\p{L}\p{N}\p{M}]"), (CLASS_NO_SPACE, rf"[{NO_SPACE_SCRIPTS}]")):
        hits = [m.start() for m in regex.finditer(pat, every)]
        table[cps[np.asarray(hits, dtype=np.int64)]] = cls
    return table


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

    An entry is the lower-case code point (``entry & FOLD_CP``) with the
    flags :data:`FOLD_NOT_SIMPLE`, :data:`FOLD_HANDLE`, :data:`FOLD_EXPAND`
    (then ``entry & FOLD_CP`` is the expansion's number) and the canonical
    combining class in the top byte (``entry >> FOLD_CCC_SHIFT``).
    """
    packed = _cached_table("fold", _build_fold_table)
    # layout on disk: the table, the number of expansions, their offsets, their code points
    n_exp = int(packed[CODE_POINTS])
    exp_off = packed[CODE_POINTS + 1:CODE_POINTS + 2 + n_exp].astype(np.int64)
    return packed[:CODE_POINTS], exp_off, packed[CODE_POINTS + 2 + n_exp:]


def _build_fold_table() -> np.ndarray:
    """The :func:`fold_table`, packed into one array (see the layout there)."""
    cps = _all_code_points()
    chars = pa.array([chr(c) for c in cps], type=pa.large_string())
    lower = pc.utf8_lower(chars)
    one = pc.equal(pc.utf8_length(lower), 1).to_numpy(zero_copy_only=False)
    low = np.asarray([ord(c) if len(c) == 1 else 0 for c in lower.to_pylist()], dtype=np.uint32)
    nfkc = pc.utf8_normalize(chars, "NFKC")
    stable = pc.equal(nfkc, chars).to_numpy(zero_copy_only=False)
    every = "".join(map(chr, cps))
    quick_yes = np.zeros(CODE_POINTS, dtype=bool)
    quick_yes[cps[[m.start() for m in regex.finditer(r"\p{NFKC_QC=Y}", every)]]] = True
    ccc = np.zeros(CODE_POINTS, dtype=np.uint32)
    ccc[cps] = np.fromiter((unicodedata.combining(chr(c)) for c in cps), dtype=np.uint32, count=len(cps))
    # @handle characters as Arrow's RE2 sees them (its Unicode tables are not the `regex` module's)
    at = pa.array(["@" + chr(c) for c in cps], type=pa.large_string())
    stripped = pc.replace_substring_regex(at, pattern=r"@[\p{L}\p{N}]", replacement="")
    handle = np.zeros(CODE_POINTS, dtype=bool)
    handle[cps] = pc.equal(pc.utf8_length(stripped), 0).to_numpy(zero_copy_only=False)
    # combining classes come from Python's Unicode tables, which may be older
    # than Arrow's: a code point Python does not know cannot be trusted to be
    # in canonical order, so texts holding one take Arrow's path
    known = np.fromiter((unicodedata.category(chr(c)) != "Cn" for c in cps), dtype=bool, count=len(cps))

    table = np.full(CODE_POINTS, FOLD_NOT_SIMPLE, dtype=np.uint32)
    simple = one & stable & quick_yes[cps] & known
    entry = np.zeros(CODE_POINTS, dtype=np.uint32)
    entry[cps] = low | np.where(handle[low], np.uint32(FOLD_HANDLE), np.uint32(0)) \
        | (ccc[cps] << np.uint32(FOLD_CCC_SHIFT))
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
                table[x] & FOLD_NOT_SIMPLE == 0 and ccc[x] == 0 for x in xs):
            continue
        table[cps[idx]] = FOLD_EXPAND | (len(exp_off) - 1)
        exp_cps.extend(int(table[x]) for x in xs)
        exp_off.append(len(exp_cps))
    return np.concatenate([table, np.asarray([len(exp_off) - 1] + exp_off + exp_cps, dtype=np.uint32)])


@lru_cache(maxsize=1)
def lower_table() -> np.ndarray:
    """Each code point case-folded to one code point (so positions in a text
    do not move): Python's ``str.casefold`` where that gives one code point
    (so "ς", "σ" and "Σ" are one letter), else Arrow's ``utf8_lower``.

    An entry is the folded code point (``entry & LOWER_CP``) with the flags
    :data:`LOWER_ALNUM` where ``str.isalnum()`` is true (a letter or number:
    what separates a whole word from part of one) and :data:`LOWER_NO_SPACE`
    on characters of scripts written without spaces (:data:`NO_SPACE_SCRIPTS`).
    """
    return _cached_table("lower", _build_lower_table)


def _build_lower_table() -> np.ndarray:
    """The :func:`lower_table`."""
    cps = _all_code_points()
    lower = pc.utf8_lower(pa.array([chr(c) for c in cps], type=pa.large_string())).to_pylist()
    table = np.arange(CODE_POINTS, dtype=np.uint32)
    folded = []
    for c, low in zip(cps, lower):
        f = chr(c).casefold()
        folded.append(ord(f) if len(f) == 1 else ord(low) if len(low) == 1 else c)
    table[cps] = folded
    alnum = np.fromiter((chr(c).isalnum() for c in cps), dtype=bool, count=len(cps))
    table[cps[alnum]] |= np.uint32(LOWER_ALNUM)
    table[char_classes() == CLASS_NO_SPACE] |= np.uint32(LOWER_NO_SPACE)
    return table
