"""From an input to the bytes a reader parses: opened, decompressed, decoded, filtered -- in one pass.

:func:`load_input` strings the steps together, chunk by chunk, so that
memory follows what is kept, not what the archive expands to:

1. :func:`~amplify.ingest.files.open_chunks` reads the file, pipe or
   standard input and decompresses it;
2. the encoding is settled from the first bytes
   (:func:`~amplify.ingest.charsets.sniff_encoding`, or the user's
   ``--encoding``); text in another encoding than UTF-8 is turned into UTF-8
   as it streams (:func:`~amplify.ingest.charsets.transcoder`), bytes that
   are not valid in it staying recognisable as such;
3. the format family is told from the name and the first character (CSV/TSV,
   JSON, Parquet), and the text passes through the field size filter of its
   family (:mod:`~amplify.ingest.oversize`).

Parquet is binary: it is held as it is and read by
:mod:`~amplify.ingest.parquet`.

Bytes that are not valid UTF-8 are settled once the whole text is there
(:func:`settle_invalid`): as a few bad rows in a UTF-8 file, or as a legacy
single-byte file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from amplify.ingest.charsets import (BYTE_ERRORS, SURROGATES, is_utf8_name, legacy_reading, normal_encoding,
                                     sniff_encoding, transcoder)
from amplify.ingest.files import FORMAT_OF_SUFFIX, display_name, open_chunks
from amplify.ingest.oversize import DEFAULT_MAX_FIELD, JsonFilter, LineFilter
from amplify.ingest.report import IngestError
from amplify.ingest.separators import separator_of_head

__all__ = ["Loaded", "load_input", "TextStream", "open_text_stream", "loaded_from_bytes", "family_of", "settle_invalid", "Settled",
           "PARQUET_MAGIC", "FORMAT_FAMILY"]

#: The first bytes of a Parquet file.
PARQUET_MAGIC = b"PAR1"

#: The family (and so the field size filter) of each format.
FORMAT_FAMILY = {"csv": "delimited", "tsv": "delimited", "jsonl": "json", "json": "json", "twitter": "json",
                 "telegram": "json", "parquet": "parquet"}

#: Bytes gathered before the encoding and the format family are judged.
HEAD_BYTES = 4096

#: A JSON escape of a surrogate code point: such text may decode to a lone half of a pair.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89abcdefABCDEF]")


@dataclass
class Loaded:
    """An input ready for its reader."""

    path: str                     #: how messages name the input (``<stdin>`` for standard input)
    name: str                     #: the inner name that tells the format (``posts.csv`` for ``posts.csv.gz``)
    data: bytes | bytearray       #: UTF-8 (perhaps with invalid bytes) or, undecided, a legacy encoding; Parquet as is
    family: str                   #: ``"delimited"``, ``"json"`` or ``"parquet"``
    encoding: str | None = None   #: the source's encoding when known (given, a BOM, or recognised); None: UTF-8?
    given: bool = False           #: the user gave the encoding (so no legacy guess is made)
    max_field: int = DEFAULT_MAX_FIELD
    filter: LineFilter | JsonFilter | None = None
    notes: list = field(default_factory=list)

    def may_hold_surrogate_escapes(self) -> bool:
        """JSON text holding a ``\\udXXX`` escape may decode to a lone surrogate."""
        return self.family == "json" and _SURROGATE_ESCAPE.search(self.data) is not None


def family_of(fmt: str | None, name: str, head: bytes) -> str:
    """The format family from a forced format, the inner name and the first (UTF-8) bytes.

    >>> family_of(None, "a.txt", b' {"x": 1}'), family_of(None, "x", b'[1]'), family_of("tsv", "a.json", b"{")
    ('delimited', 'json', 'delimited')
    """
    if fmt:
        return FORMAT_FAMILY[fmt]
    if head[:4] == PARQUET_MAGIC:
        return "parquet"
    low = name.lower()
    ext = next((e for e in FORMAT_OF_SUFFIX if low.endswith(e)), None)
    by_name = FORMAT_OF_SUFFIX.get(ext) if ext else None
    first = head.lstrip()[:1]
    if by_name in (None, "json", "jsonl") and first in (b"{", b"["):
        return "json"
    if by_name in ("json", "jsonl", "parquet"):
        return FORMAT_FAMILY[by_name]
    return "delimited"


def _head(chunks) -> tuple[bytes, object]:
    """At least :data:`HEAD_BYTES` bytes from the front of ``chunks`` (fewer at the end), and the rest."""
    it = iter(chunks)
    head = b""
    for chunk in it:
        head += chunk
        if len(head) >= HEAD_BYTES:
            break
    return head, it


def _encoding(encoding: str | None, head: bytes, path: str) -> tuple[str | None, int, bool]:
    """``(encoding, byte order mark length, given)``: the user's, else what the first bytes show.

    A byte order mark of the encoding the user names is passed over (and
    names the byte order when the user said only ``utf-16``).
    """
    bom_enc, off = sniff_encoding(head)
    if not encoding:
        return bom_enc, off, False
    try:
        enc = normal_encoding(encoding)
    except ValueError as exc:
        raise IngestError(f"{path}: {exc}", path=path, flag="--encoding") from None
    if is_utf8_name(enc):
        return "utf-8", 3 if bom_enc == "utf-8-sig" else 0, True
    if off and normal_encoding(bom_enc)[:6] == enc[:6]:
        return bom_enc, off, True
    if enc in ("utf-16", "utf-32"):
        # these names leave the byte order to a byte order mark; without one, the
        # zeros of mostly-ASCII UTF-16/32 text still show it
        if bom_enc in (f"{enc}-le", f"{enc}-be") and not off:
            return bom_enc, 0, True
        found = (f"starts with a {bom_enc.upper().replace('-SIG', '')} byte order mark" if off else
                 f"does not start with a byte order mark and does not look like {enc.upper()}")
        raise IngestError(f"{path}: --encoding {encoding}: the file {found}, so its byte order is unknown: name "
                          f"it ({enc}-le or {enc}-be), or check the encoding (without --encoding, the encoding "
                          f"is found from the file)", path=path, flag="--encoding")
    return enc, 0, True


def load_input(path, fmt: str | None = None, encoding: str | None = None,
               max_field: int = DEFAULT_MAX_FIELD) -> Loaded:
    """Open, decompress, decode and filter one input (see the module's docstring).

    Raises
    ------
    IngestError
        The input cannot be opened, is a damaged archive, or the encoding is unknown.
    """
    chunks, name = open_chunks(path)
    return _load_chunks(chunks, name, display_name(path), fmt, encoding, max_field)


def loaded_from_bytes(data: bytes, path: str, *, fmt: str | None = None, name: str | None = None,
                      encoding: str | None = None, max_field: int = DEFAULT_MAX_FIELD) -> Loaded:
    """A :class:`Loaded` for bytes already in memory and decompressed (the readers' older entry points)."""
    return _load_chunks(iter([data]), str(path) if name is None else name, str(path), fmt, encoding, max_field)


def _load_chunks(chunks, name: str, shown: str, fmt: str | None, encoding: str | None, max_field: int) -> Loaded:
    head, rest = _head(chunks)
    if fmt == "parquet" or (fmt is None and head[:4] == PARQUET_MAGIC):
        data = bytearray(head)
        for chunk in rest:
            data += chunk
        return Loaded(shown, name, data, "parquet", max_field=max_field)
    stream = _text_stream(head, rest, name, shown, fmt, encoding, max_field)
    data = stream.filter.run(stream.chunks)
    return stream.loaded(data)


@dataclass
class TextStream:
    """A text input on its way to a reader, before it is held: UTF-8 chunks, not yet filtered.

    :func:`load_input` runs :attr:`filter` over all of :attr:`chunks` at once;
    :mod:`amplify.ingest.chunked` steps it chunk by chunk, to read a big file
    a block of records at a time.
    """

    shown: str
    name: str
    family: str
    filter: LineFilter | JsonFilter
    chunks: object            #: iterator of UTF-8 byte chunks (transcoded when the encoding is another)
    label: str | None         #: the encoding as :attr:`Loaded.encoding` names it
    given: bool
    max_field: int

    def loaded(self, data) -> Loaded:
        """A :class:`Loaded` holding ``data`` (the filtered text, or one block of it)."""
        return Loaded(self.shown, self.name, data, self.family, encoding=self.label, given=self.given,
                      max_field=self.max_field, filter=self.filter)


def open_text_stream(path, fmt: str | None = None, encoding: str | None = None,
                     max_field: int = DEFAULT_MAX_FIELD) -> TextStream | None:
    """Open a text input as a :class:`TextStream` (None: it is Parquet, which is not text)."""
    chunks, name = open_chunks(path)
    head, rest = _head(chunks)
    if fmt == "parquet" or (fmt is None and head[:4] == PARQUET_MAGIC):
        return None
    return _text_stream(head, rest, name, display_name(path), fmt, encoding, max_field)


def _text_stream(head: bytes, rest, name: str, shown: str, fmt: str | None, encoding: str | None,
                 max_field: int) -> TextStream:
    enc, off, given = _encoding(encoding, head, shown)
    if enc and not is_utf8_name(enc):
        step = transcoder(enc)
        first = step(head[off:], False)

        def text_chunks():
            yield first
            for chunk in rest:
                yield step(chunk, False)
            yield step(b"", True)
    else:
        first = head[off:]

        def text_chunks():
            yield first
            yield from rest
    family = family_of(fmt, name, first)
    filt = JsonFilter(max_field) if family == "json" else LineFilter(max_field, separator_of_head(first, fmt))
    label = "utf-8-sig" if enc == "utf-8-sig" or (enc == "utf-8" and off) else enc
    return TextStream(shown, name, family, filt, text_chunks(), label, given, max_field)


@dataclass
class Settled:
    """Text that was not all valid UTF-8, settled (see :func:`settle_invalid`)."""

    utf8: bytes | None      #: the whole text as valid UTF-8 (a legacy file read as cp1252), or None
    text: str | None        #: the text with each invalid byte ``b`` as ``U+DC00 + b`` (its rows are rejected)
    encoding: str           #: the encoding the text was read in
    notes: list


def settle_invalid(data, loaded: Loaded | None, path: str) -> Settled:
    """What bytes that are not valid UTF-8 mean, once the whole text is there.

    * The encoding was given, or known (a BOM, UTF-16): they are bytes not
      valid in it; the rows holding them are rejected.
    * Else, when the file also holds valid UTF-8 beyond ASCII (at least as
      many bytes of it as invalid bytes), it is a UTF-8 file with a few bad
      bytes: their rows are rejected, the others read as UTF-8.
    * Else it is a legacy single-byte file: read as cp1252 (with a note),
      or refused when its letters are mostly not Western
      (:func:`~amplify.ingest.charsets.legacy_reading`).

    Raises
    ------
    IngestError
        A legacy file that is not Western European, or not even decodable.
    """
    # a UTF-8 byte order mark says the file is UTF-8: a bad byte is a bad byte, not a sign of cp1252
    known = loaded is not None and (loaded.given or loaded.encoding is not None)
    enc = (loaded.encoding if loaded is not None and loaded.encoding else "utf-8")
    text = bytes(data).decode("utf-8", BYTE_ERRORS)
    if known:
        return Settled(None, text, enc, [])
    n_bad = sum(1 for _ in SURROGATES.finditer(text))
    n_high = int(np.count_nonzero(np.frombuffer(data, dtype=np.uint8) >= 0x80))
    valid_high = n_high - n_bad
    if valid_high > 0 and valid_high >= n_bad:
        lines = _bad_lines(text)
        return Settled(None, text, enc, [f"{n_bad:,} byte(s) not valid UTF-8 on line(s) {lines}: those rows are "
                                         f"rejected, the rest read as UTF-8 (give --encoding if the file is "
                                         f"in another encoding)"])
    legacy = legacy_reading(bytes(data))
    if legacy is None:
        raise IngestError(
            f"{path}: not UTF-8 (line(s) {_bad_lines(text)} hold bytes that are not), and its letters are "
            f"mostly not Latin, so it is not cp1252 either: give its encoding with --encoding, e.g. "
            f"--encoding cp1251 (Russian, Ukrainian), koi8-r, cp1253 (Greek), gb18030 (Chinese), shift_jis "
            f"(Japanese)", path=path, flag="--encoding")
    utf8, legacy_enc = legacy
    return Settled(utf8, None, legacy_enc,
                   [f"not valid UTF-8 (line(s) {_bad_lines(text)}): read as {legacy_enc}; give --encoding "
                    f"if that is wrong"])


def _bad_lines(text: str, limit: int = 5) -> str:
    """The first lines holding an invalid byte, e.g. ``"3, 17, 40 and 12 more"``."""
    found, total, line, pos, last = [], 0, 1, 0, 0
    for m in SURROGATES.finditer(text):
        line += text.count("\n", pos, m.start())
        pos = m.start()
        if line == last:
            continue
        last = line
        total += 1
        if len(found) < limit:
            found.append(line)
    more = f" and {total - len(found):,} more" if total > len(found) else ""
    return ", ".join(map(str, found)) + more
