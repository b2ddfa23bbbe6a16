"""A cap on the size of one field, applied while a file is decompressed.

A 400 KB zip can hold a 400 MB field; held whole, parsed and converted, it
took 3.8 GB. Every value longer than the field size limit
(:data:`DEFAULT_MAX_FIELD`, 1 MiB of UTF-8; ``--max-field-size`` raises it)
rejects its row -- and to keep memory bounded, the bytes of every text file
pass through a compiled filter as they come out of the decompressor, chunk by
chunk, which cuts what is surely too long *before* it is kept: in its place
goes a marker, ``\\x00amplify-oversize-<k>\\x00``, the ``k``-th cut of the
file, whose size is remembered. The row holding a marker is rejected with
that size and the flag that keeps it (:func:`oversize_reason`); every other
row is read as it is, and its values measured exactly after decoding. Line
numbers do not move: a cut keeps the line breaks it removes.

What the filter cuts:

* CSV/TSV (:class:`LineFilter`): a *physical line* longer than twice the
  limit plus 64 KiB (room for a value of the limit's size and the row's
  other fields). A quoted field that runs over many lines is measured line
  by line, and the filter keeps the quotes of a cut line balanced so the
  record around it still reads. (Lines, not fields: a stray quote, common in
  tab-separated exports, cannot then make the filter cut a whole file.)
* JSON and JSON Lines (:class:`JsonFilter`): a *string* longer than six
  times the limit as written in the file (an escape such as ``\\u00e9``
  takes up to six bytes for one). JSON strings cannot hold a raw line break,
  so a line break ends a string that was never closed.
  The filter also measures how deeply arrays and objects nest, by line, so
  that the readers refuse nesting deeper than :data:`MAX_JSON_DEPTH` with the
  line instead of overflowing Python's stack (:attr:`JsonFilter.deep_lines`).

Parquet is not text: its values are measured after reading
(:func:`amplify.ingest.parquet.read_parquet`).

>>> f = LineFilter(max_field=1024)
>>> out = f.feed(b"id,text\\n1," + b"x" * 70000 + b"\\n2,ok\\n") + f.finish()
>>> out
b'id,text\\n\\x00amplify-oversize-0\\x00\\n2,ok\\n'
>>> f.sizes, f.lines
([70002], [2])
"""

from __future__ import annotations

import re

import numpy as np
from numba import njit

__all__ = ["DEFAULT_MAX_FIELD", "MIN_MAX_FIELD", "MAX_JSON_DEPTH", "MARKER", "MARKER_RE", "parse_size",
           "human_size", "LineFilter", "JsonFilter", "oversize_reason"]

#: Longest value (bytes) kept by default: 1 MiB.
DEFAULT_MAX_FIELD = 1 << 20
#: The smallest cap accepted (a marker must fit in what it replaces).
MIN_MAX_FIELD = 1024
#: Deepest nesting of JSON arrays and objects read (Twitter pages nest 6 deep, Telegram exports 5).
MAX_JSON_DEPTH = 100
#: The marker put in place of a cut value: ``MARKER + str(k) + "\\x00"``.
MARKER = "\x00amplify-oversize-"
#: Finds a marker in a value: group 1 is the cut's number.
MARKER_RE = re.compile("\x00amplify-oversize-(\\d+)\x00")

_RAW_MARKER = np.frombuffer(MARKER.encode("ascii"), dtype=np.uint8)
_JSON_MARKER = np.frombuffer(b"\\u0000amplify-oversize-", dtype=np.uint8)
_JSON_END = np.frombuffer(b"\\u0000", dtype=np.uint8)
_RAW_END = np.frombuffer(b"\x00", dtype=np.uint8)

_SIZE_RE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?)(b?)\s*", re.IGNORECASE)


def parse_size(text) -> int:
    """A size in bytes from ``"1MB"``, ``"20 MiB"``, ``"512k"`` or ``"1048576"`` (k, M, G are powers of 1024).

    >>> parse_size("1MB"), parse_size("512k"), parse_size(2048)
    (1048576, 524288, 2048)
    """
    if isinstance(text, (int, np.integer)):
        return int(text)
    m = _SIZE_RE.fullmatch(str(text))
    if not m:
        raise ValueError(f"not a size: {text!r} (examples: 1048576, 512KB, 20MB, 1GB)")
    scale = 1024 ** " kmgt".index((m.group(2) or " ").lower())
    return int(float(m.group(1)) * scale)


def human_size(n: int) -> str:
    """``1048576`` -> ``"1 MiB"``; ``412000000`` -> ``"393 MiB"``.

    >>> human_size(1 << 20), human_size(1536), human_size(100)
    ('1 MiB', '1.5 KiB', '100 bytes')
    """
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale:
            v = n / scale
            return f"{v:.0f} {unit}" if v >= 10 or v == int(v) else f"{v:.1f} {unit}"
    return f"{n:,} bytes"


@njit(cache=True, nogil=True)
def _write_marker(out, o, marker, end, k):
    """Write ``marker``, the decimal ``k`` and ``end`` at ``out[o:]``; returns the new ``o``."""
    for j in range(len(marker)):
        out[o] = marker[j]
        o += 1
    digits = np.empty(20, dtype=np.uint8)
    nd = 0
    if k == 0:
        digits[0] = 48
        nd = 1
    while k > 0:
        digits[nd] = 48 + k % 10
        k //= 10
        nd += 1
    for j in range(nd - 1, -1, -1):
        out[o] = digits[j]
        o += 1
    for j in range(len(end)):
        out[o] = end[j]
        o += 1
    return o


@njit(cache=True, nogil=True)
def _cut_lines(inp, out, cap, st, sizes, lines, marker, end):
    """One chunk of CSV/TSV bytes: copy to ``out``, cutting physical lines longer than ``cap``.

    ``st`` carries the state across chunks: 0 line length, 1 quote parity,
    2 cutting, 3 next cut number, 4 bytes of the current line written by
    earlier chunks, 5 line number. Returns ``(bytes written, cuts ended here,
    bytes to take back from earlier chunks' output)``.
    """
    line_len, parity, cutting, k, prev, line_no = st[0], st[1], st[2], st[3], st[4], st[5]
    lstart = 0 if line_len == 0 else -1   # where the current line starts in out; -1: in an earlier chunk
    o = 0
    ncut = 0
    retract = 0
    for i in range(len(inp)):
        c = inp[i]
        if c == 10:
            if cutting:
                if parity:
                    out[o] = 34
                    o += 1
                sizes[ncut] = line_len
                lines[ncut] = line_no
                ncut += 1
                k += 1
                cutting = 0
            out[o] = 10
            o += 1
            line_len = 0
            parity = 0
            lstart = o
            prev = 0
            line_no += 1
            continue
        line_len += 1
        if c == 34:
            parity ^= 1
        if cutting:
            continue
        out[o] = c
        o += 1
        if line_len > cap:
            if lstart >= 0:
                o = lstart
            else:
                o = 0
                retract = prev
            o = _write_marker(out, o, marker, end, k)
            cutting = 1
    if not cutting:
        prev = (o - lstart) if lstart >= 0 else prev + o
    st[0], st[1], st[2], st[3], st[4], st[5] = line_len, parity, cutting, k, prev, line_no
    return o, ncut, retract


@njit(cache=True, nogil=True)
def _cut_strings(inp, out, cap, st, sizes, lines, marker, end, deep, max_depth):
    """One chunk of JSON bytes: copy to ``out``, cutting strings longer than ``cap``; note deep lines.

    ``st``: 0 in a string, 1 after a backslash, 2 string length, 3 cutting,
    4 next cut number, 5 bytes of the current string written by earlier
    chunks, 6 line number, 7 nesting depth, 8 nesting depth since the line
    began, 9 deepest since the line began, 10 deepest overall, 11 first line
    deeper than ``max_depth`` (0: none). Lines whose own nesting goes deeper
    than ``max_depth`` are written to ``deep``. Returns ``(bytes written,
    cuts ended here, deep lines here, bytes to take back)``.
    """
    in_str, esc, slen, cutting, k, prev, line_no = st[0], st[1], st[2], st[3], st[4], st[5], st[6]
    depth, ldepth, lmax, dmax, first_deep = st[7], st[8], st[9], st[10], st[11]
    sstart = -1           # where the current string's content starts in out; -1: in an earlier chunk
    o = 0
    ncut = 0
    ndeep = 0
    retract = 0
    for i in range(len(inp)):
        c = inp[i]
        if in_str:
            if c == 10:  # a raw line break: the string was never closed (invalid JSON); it ends here
                if cutting:
                    sizes[ncut] = slen
                    lines[ncut] = line_no
                    ncut += 1
                    k += 1
                    cutting = 0
                in_str = 0
                esc = 0
            else:
                closing = False
                if esc:
                    esc = 0
                elif c == 92:
                    esc = 1
                elif c == 34:
                    closing = True
                if closing:
                    in_str = 0
                    if cutting:
                        sizes[ncut] = slen
                        lines[ncut] = line_no
                        ncut += 1
                        k += 1
                        cutting = 0
                    out[o] = 34
                    o += 1
                    continue
                slen += 1
                if cutting:
                    continue
                out[o] = c
                o += 1
                if slen > cap:
                    if sstart >= 0:
                        o = sstart
                    else:
                        o = 0
                        retract = prev
                    o = _write_marker(out, o, marker, end, k)
                    cutting = 1
                continue
        # outside strings (or the line break that ended a broken one)
        out[o] = c
        o += 1
        if c == 34:
            in_str = 1
            esc = 0
            slen = 0
            sstart = o
            prev = 0
        elif c == 123 or c == 91:
            depth += 1
            ldepth += 1
            if ldepth > lmax:
                lmax = ldepth
            if depth > dmax:
                dmax = depth
                if depth > max_depth and first_deep == 0:
                    first_deep = line_no
        elif c == 125 or c == 93:
            depth -= 1
            ldepth -= 1
        elif c == 10:
            if lmax > max_depth:
                deep[ndeep] = line_no
                ndeep += 1
            ldepth = 0
            lmax = 0
            line_no += 1
    if in_str and not cutting:
        prev = (o - sstart) if sstart >= 0 else prev + o
    st[0], st[1], st[2], st[3], st[4], st[5], st[6] = in_str, esc, slen, cutting, k, prev, line_no
    st[7], st[8], st[9], st[10], st[11] = depth, ldepth, lmax, dmax, first_deep
    return o, ncut, ndeep, retract


#: A CSV/TSV line is cut when longer than this many times the field size limit, plus :data:`LINE_SLACK`.
LINE_FACTOR = 2
LINE_SLACK = 64 << 10
#: A JSON string is cut when longer, as written, than this many times the field size limit.
JSON_FACTOR = 6


class _Filter:
    """What both filters share: the limit, the cuts made (size and line of each) and the output."""

    #: what a cut stands for in messages: "line" or "value"
    unit = "value"

    def __init__(self, max_field: int, cap: int):
        max_field = int(max_field)
        if max_field < MIN_MAX_FIELD:
            raise ValueError(f"the field size limit must be at least {MIN_MAX_FIELD:,} bytes, not {max_field:,}")
        self.max_field = max_field
        self.cap = int(cap)
        self.sizes: list[int] = []    #: size in bytes of each value cut, by cut number
        self.lines: list[int] = []    #: line (1-based) where each cut value ended

    def _room(self, n: int) -> int:
        return n + 64 * (n // self.cap + 2)

    def run(self, chunks) -> bytearray:
        """Filter an iterable of byte chunks into one ``bytearray``."""
        out = bytearray()
        for chunk in chunks:
            piece, retract = self._step(chunk)
            if retract:
                del out[len(out) - retract:]
            out += piece
        out += self.finish()
        return out

    def feed(self, chunk: bytes) -> bytes:
        """Filter one chunk (only for chunks that cannot take back earlier output: tests, doctests)."""
        piece, retract = self._step(chunk)
        if retract:
            raise ValueError("a cut reached back into an earlier chunk: use run()")
        return piece


class LineFilter(_Filter):
    """Cuts CSV/TSV lines longer than twice ``max_field`` plus 64 KiB (see the module's docstring)."""

    unit = "line"

    def __init__(self, max_field: int = DEFAULT_MAX_FIELD):
        super().__init__(max_field, LINE_FACTOR * int(max_field) + LINE_SLACK)
        self._st = np.zeros(6, dtype=np.int64)
        self._st[5] = 1

    def _step(self, chunk) -> tuple[bytes, int]:
        inp = np.frombuffer(chunk, dtype=np.uint8)
        out = np.empty(self._room(len(inp)), dtype=np.uint8)
        nmax = len(inp) // self.cap + 2
        sizes = np.empty(nmax, dtype=np.int64)
        lines = np.empty(nmax, dtype=np.int64)
        o, ncut, retract = _cut_lines(inp, out, self.cap, self._st, sizes, lines, _RAW_MARKER, _RAW_END)
        self.sizes += sizes[:ncut].tolist()
        self.lines += lines[:ncut].tolist()
        return out[:o].tobytes(), int(retract)

    def finish(self) -> bytes:
        """Close a cut still open at the end of the file; returns the bytes that completes it."""
        if not self._st[2]:
            return b""
        self.sizes.append(int(self._st[0]))
        self.lines.append(int(self._st[5]))
        self._st[2] = 0
        return b'"' if self._st[1] else b""


class JsonFilter(_Filter):
    """Cuts JSON strings longer than the cap and notes lines nested too deeply (see the module's docstring)."""

    def __init__(self, max_field: int = DEFAULT_MAX_FIELD, max_depth: int = MAX_JSON_DEPTH):
        super().__init__(max_field, JSON_FACTOR * int(max_field))
        self.max_depth = int(max_depth)
        self.deep_lines: list[int] = []   #: lines whose own nesting is deeper than max_depth
        self._st = np.zeros(12, dtype=np.int64)
        self._st[6] = 1

    @property
    def deepest(self) -> int:
        """The deepest nesting met in the whole file."""
        return int(self._st[10])

    @property
    def ends_open(self) -> bool:
        """Did the text end inside a string or with arrays/objects still open (a file cut short)?"""
        return bool(self._st[0]) or int(self._st[7]) > 0

    @property
    def first_deep_line(self) -> int | None:
        """The line where the nesting first went deeper than ``max_depth`` (None: never)."""
        return int(self._st[11]) or None

    def _step(self, chunk) -> tuple[bytes, int]:
        inp = np.frombuffer(chunk, dtype=np.uint8)
        out = np.empty(self._room(len(inp)), dtype=np.uint8)
        nmax = len(inp) // self.cap + 2
        sizes = np.empty(nmax, dtype=np.int64)
        lines = np.empty(nmax, dtype=np.int64)
        deep = np.empty(len(inp) // (2 * self.max_depth) + 2, dtype=np.int64)
        o, ncut, ndeep, retract = _cut_strings(inp, out, self.cap, self._st, sizes, lines, _JSON_MARKER,
                                               _JSON_END, deep, self.max_depth)
        self.sizes += sizes[:ncut].tolist()
        self.lines += lines[:ncut].tolist()
        self.deep_lines += deep[:ndeep].tolist()
        return out[:o].tobytes(), int(retract)

    def finish(self) -> bytes:
        """Close what the end of the file leaves open: a cut string, a deep last line."""
        st = self._st
        if st[3]:
            self.sizes.append(int(st[2]))
            self.lines.append(int(st[6]))
            st[3] = 0
        if st[9] > self.max_depth:
            self.deep_lines.append(int(st[6]))
            st[9] = 0
        return b""


def oversize_reason(value: str, sizes: list[int], max_field: int, what: str = "value",
                    unit: str = "value") -> str | None:
    """The reject reason for a value holding a cut marker, or None when it holds none.

    ``unit`` says what the filter cut: a JSON ``"value"`` or a CSV/TSV ``"line"``.

    >>> oversize_reason("\\x00amplify-oversize-0\\x00", [7_000_000], 1 << 20, "text")
    'text longer than the field size limit: 7,000,000 bytes as written > 1 MiB (raise it with --max-field-size)'
    """
    m = MARKER_RE.search(value)
    if not m:
        return None
    k = int(m.group(1))
    size = f"{sizes[k]:,} bytes" if k < len(sizes) else "more"
    if unit == "line":
        cap = LINE_FACTOR * max_field + LINE_SLACK
        return (f"line longer than {human_size(cap)} ({size}), more than a row with a {human_size(max_field)} "
                f"field holds (raise the field size limit with --max-field-size)")
    return (f"{what} longer than the field size limit: {size} as written > {human_size(max_field)} "
            f"(raise it with --max-field-size)")
