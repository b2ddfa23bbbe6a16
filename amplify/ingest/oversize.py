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
from dataclasses import dataclass, field

import numpy as np
from numba import njit

__all__ = ["DEFAULT_MAX_FIELD", "MIN_MAX_FIELD", "MAX_JSON_DEPTH", "MARKER", "MARKER_RE", "parse_size",
           "human_size", "LineFilter", "JsonFilter", "Cuts", "oversize_reason"]

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
def _cut_records(inp, out, sep, line_cap, rec_cap, st, sizes, lines, spans, marker, end, fast=True):
    """One chunk of CSV/TSV bytes: copy to ``out``, cutting records longer than the caps.

    A record ends at a line break outside quotes (RFC 4180: a quote opens a
    field only at its start; ``""`` inside quotes is a quote). A record on one
    line is cut past ``line_cap`` bytes, one running over several lines past
    ``rec_cap``. A cut record becomes the marker on one line (its line breaks
    are counted in ``spans``, so line numbers can be put back).

    ``st`` carries the state across chunks: 0 record length, 1 in quotes,
    2 quote seen in quotes, 3 at the start of a field, 4 cutting, 5 next cut
    number, 6 bytes of the record written by earlier chunks, 7 line number,
    8 the record's first line, 9 line breaks inside the record. Returns
    ``(bytes written, cuts ended here, bytes to take back from earlier chunks' output)``.

    ``fast`` copies the plain bytes of a quoted field (neither quote nor line break) in a tight
    inner loop, as far as the cap allows: what the byte-by-byte steps do with them (texts are
    most of a posts file: the whole pass took about a third less time). False: byte by byte only
    (the tests compare the two).
    """
    rlen, inq, pend, atstart, cutting, k, prev, line_no, first, nls = (st[0], st[1], st[2], st[3], st[4], st[5],
                                                                       st[6], st[7], st[8], st[9])
    rstart = 0 if rlen == 0 else -1   # where the record starts in out; -1: in an earlier chunk
    o = 0
    ncut = 0
    retract = 0
    n = len(inp)
    i = 0
    while i < n:
        c = inp[i]
        if fast and inq and not pend and not cutting and rlen > 0 and c != 34 and c != 10:
            # inside quotes, not cutting: each such byte only adds to the record (and to out) until
            # the record passes its cap -- copy as many as stay within it, then go on byte by byte
            room = (line_cap if nls == 0 else rec_cap) - rlen
            if room > 0:
                j = i
                lim = min(n, i + room)
                while j < lim:
                    d = inp[j]
                    if d == 34 or d == 10:
                        break
                    out[o] = d
                    o += 1
                    j += 1
                rlen += j - i
                i = j
                continue
        i += 1
        if rlen == 0:
            first = line_no
            nls = 0
            rstart = o
            prev = 0
        ends = False
        if inq:
            if pend:
                pend = 0
                if c == 34:        # "" inside quotes: a quote
                    rlen += 1
                    if not cutting:
                        out[o] = c
                        o += 1
                    continue
                inq = 0            # the quote closed the field; c is read outside quotes below
        if inq:
            if c == 34:
                pend = 1
            elif c == 10:
                nls += 1
                line_no += 1
        else:
            if c == 10:
                ends = True
            elif c == sep:
                atstart = 1
            elif c == 34 and atstart:
                inq = 1
                atstart = 0
            elif c != 13:
                atstart = 0
        if ends:
            if cutting:
                sizes[ncut] = rlen
                lines[ncut] = first
                spans[ncut] = nls
                ncut += 1
                k += 1
                cutting = 0
            out[o] = 10
            o += 1
            rlen = 0
            atstart = 1
            line_no += 1
            continue
        rlen += 1
        if cutting:
            continue
        out[o] = c
        o += 1
        if rlen > (line_cap if nls == 0 else rec_cap):
            if rstart >= 0:
                o = rstart
            else:
                o = 0
                retract = prev
            o = _write_marker(out, o, marker, end, k)
            cutting = 1
    if not cutting and rlen > 0:
        prev = (o - rstart) if rstart >= 0 else prev + o
    st[0], st[1], st[2], st[3], st[4], st[5], st[6], st[7], st[8], st[9] = (rlen, inq, pend, atstart, cutting, k,
                                                                            prev, line_no, first, nls)
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
#: A CSV/TSV record running over several lines is cut when longer than this many times the limit (plus
#: :data:`LINE_SLACK`): room for a long quoted text, and for a quote that is never closed.
RECORD_FACTOR = 16
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
        return bytes(piece)


class LineFilter(_Filter):
    """Cuts CSV/TSV records too long to keep (see the module's docstring).

    ``sep`` is the file's separator (a quote opens a field only after it or at
    a line start). :attr:`spans` holds, for each cut, how many line breaks the
    record held; :meth:`input_line` turns a line number of the filtered text
    back into the file's.
    """

    unit = "line"

    def __init__(self, max_field: int = DEFAULT_MAX_FIELD, sep: str = ","):
        super().__init__(max_field, LINE_FACTOR * int(max_field) + LINE_SLACK)
        self.record_cap = RECORD_FACTOR * int(max_field) + LINE_SLACK
        self.sep = sep
        self.spans: list[int] = []
        self._st = np.zeros(10, dtype=np.int64)
        self._st[3] = 1
        self._st[7] = 1

    def _step(self, chunk) -> tuple[memoryview, int]:
        inp = np.frombuffer(chunk, dtype=np.uint8)
        out = np.empty(self._room(len(inp)), dtype=np.uint8)
        nmax = len(inp) // self.cap + 2
        sizes = np.empty(nmax, dtype=np.int64)
        lines = np.empty(nmax, dtype=np.int64)
        spans = np.empty(nmax, dtype=np.int64)
        o, ncut, retract = _cut_records(inp, out, ord(self.sep), self.cap, self.record_cap, self._st, sizes, lines,
                                        spans, _RAW_MARKER, _RAW_END)
        self.sizes += sizes[:ncut].tolist()
        self.lines += lines[:ncut].tolist()
        self.spans += spans[:ncut].tolist()
        # a view, not a copy: the caller appends it to its buffer (a copy there; tobytes made two)
        return memoryview(out[:o]), int(retract)

    def finish(self) -> bytes:
        """Close a cut still open at the end of the file."""
        if self._st[4]:
            self.sizes.append(int(self._st[0]))
            self.lines.append(int(self._st[8]))
            self.spans.append(int(self._st[9]))
            self._st[4] = 0
        return b""

    def input_line(self, line: int) -> int:
        """The file's line number of line ``line`` of the filtered text (cuts removed line breaks)."""
        removed = 0
        for first, span in zip(self.lines, self.spans):
            if first - removed >= line:
                break
            removed += span
        return line + removed

    def input_lines(self, lines: np.ndarray) -> np.ndarray:
        """:meth:`input_line` of many lines at once."""
        lines = np.asarray(lines, dtype=np.int64)
        if not any(self.spans):
            return lines
        removed = np.cumsum([0] + self.spans)           # removed before cut i, and after all
        starts = np.asarray(self.lines, dtype=np.int64) - removed[:-1]   # each cut's line in the filtered text
        idx = np.searchsorted(starts, lines, side="left")   # cuts strictly before the line
        return lines + removed[idx]


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

    def _step(self, chunk) -> tuple[memoryview, int]:
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
        # a view, not a copy: the caller appends it to its buffer (a copy there; tobytes made two)
        return memoryview(out[:o]), int(retract)

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


@dataclass
class Cuts:
    """The values a filter cut from one file: enough to say, for each, why its row is rejected."""

    max_field: int = DEFAULT_MAX_FIELD
    unit: str = "value"                           #: a JSON ``"value"`` or a CSV/TSV ``"line"`` (record)
    sizes: list = field(default_factory=list)     #: bytes of each cut, by cut number
    lines: list = field(default_factory=list)     #: the file's line where each cut record or string began
    spans: list = field(default_factory=list)     #: line breaks inside each cut record (CSV/TSV)

    @classmethod
    def of(cls, filt) -> "Cuts":
        if filt is None:
            return cls()
        return cls(filt.max_field, filt.unit, list(filt.sizes), list(filt.lines), list(getattr(filt, "spans", [])))

    def __bool__(self) -> bool:
        return bool(self.sizes)

    def reason(self, value: str, what: str = "value") -> str | None:
        """The reject reason for a value holding a cut marker (raw, or as the rejects table shows it)."""
        m = MARKER_RE.search(value) or _SHOWN_MARKER_RE.search(value)
        if not m:
            return None
        k = int(m.group(1))
        size = f"{self.sizes[k]:,} bytes" if k < len(self.sizes) else "more"
        limit = human_size(self.max_field)
        if self.unit == "line":
            span = self.spans[k] if k < len(self.spans) else 0
            if span:
                first = self.lines[k]
                return (f"row running over lines {first:,}-{first + span:,} longer than "
                        f"{human_size(RECORD_FACTOR * self.max_field + LINE_SLACK)} ({size}): a quoted field too "
                        f"long to keep, or a quote opened on line {first:,} that never closes (raise the field size "
                        f"limit with --max-field-size)")
            return (f"line longer than {human_size(LINE_FACTOR * self.max_field + LINE_SLACK)} ({size}), more than "
                    f"a row with a {limit} field holds (raise the field size limit with --max-field-size)")
        return f"{what} longer than the field size limit: {size} as written > {limit} (raise it with --max-field-size)"


_SHOWN_MARKER_RE = re.compile(r"\\x00amplify-oversize-(\d+)\\x00")


def oversize_reason(value: str, sizes: list[int], max_field: int, what: str = "value",
                    unit: str = "value") -> str | None:
    """The reject reason for a value holding a cut marker, or None when it holds none (see :meth:`Cuts.reason`).

    >>> oversize_reason("\\x00amplify-oversize-0\\x00", [7_000_000], 1 << 20, "text")
    'text longer than the field size limit: 7,000,000 bytes as written > 1 MiB (raise it with --max-field-size)'
    """
    return Cuts(max_field, unit, list(sizes)).reason(value, what)
