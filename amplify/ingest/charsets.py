"""Text encodings: which one a file is in, and bytes that are not valid in it.

Every text input becomes UTF-8 before it is read. The encoding is, in this
order: the one the user gives (``--encoding``); the one a byte order mark
names; UTF-16 or UTF-32 recognised without a mark from the zero bytes of
mostly-ASCII text (Excel's "Unicode text" and some Windows tools write it so);
else UTF-8.

A byte that is not valid in the file's encoding never turns the whole file
into something else. Decoding maps each such byte ``b`` to the lone surrogate
``U+DC00 + b`` (:data:`BYTE_ERRORS`, Python's ``surrogateescape`` extended
to every byte), which valid text cannot hold, so the row that holds it is
found after parsing and *rejected* with its line and the byte
(:func:`describe_surrogate`); every other row is read as it is. Rows are not
kept with U+FFFD in place of the byte: that would store a text the source
never had.

One exception, kept from earlier versions: a file with no encoding given
that holds *no* valid UTF-8 beyond ASCII at all (every byte above 0x7F is
invalid) is a legacy single-byte file, not UTF-8 with a few bad bytes. It is
read as cp1252 (Excel's Western encoding; latin-1 where cp1252 leaves a byte
undefined) and a note says so -- unless its letters are mostly non-ASCII,
the mark of a Cyrillic, Greek or East Asian legacy encoding that cp1252
would garble: then the file is refused and the message asks for
``--encoding`` (:func:`legacy_reading`).

>>> b"caf\\xe9".decode("utf-8", BYTE_ERRORS)
'caf\\udce9'
>>> describe_surrogate("\\udce9", "utf-8")
'byte 0xe9 is not valid utf-8'
>>> sniff_encoding("id,text\\n".encode("utf-16-le"))
('utf-16-le', 0)
"""

from __future__ import annotations

import codecs
import re

__all__ = ["BYTE_ERRORS", "UTF8_NAMES", "SURROGATES", "byte_order_mark", "sniff_encoding", "normal_encoding",
           "is_utf8_name", "transcoder", "describe_surrogate", "first_surrogate", "legacy_reading",
           "LEGACY_MAX_NON_ASCII_LETTERS"]

#: Name of the decoding error handler that maps every invalid byte ``b`` to ``U+DC00 + b``.
BYTE_ERRORS = "amplify-bytes"

#: Encoding names that mean "UTF-8, perhaps with a BOM".
UTF8_NAMES = ("utf-8", "utf8", "utf-8-sig", "utf_8", "u8")

#: Any surrogate code point: what no valid text holds, and what a bad byte becomes.
SURROGATES = re.compile("[\ud800-\udfff]")

#: How many bytes from the start are looked at to recognise UTF-16/32 without a byte order mark.
SNIFF_BYTES = 4096

#: A legacy file whose non-ASCII letters are more than this share of its letters is
#: not Western European: cp1252 would garble it, so an encoding must be given.
LEGACY_MAX_NON_ASCII_LETTERS = 0.25


def _byte_errors(exc: UnicodeError):
    """Each undecodable byte ``b`` -> ``U+DC00 + b`` (``surrogateescape`` takes only ``b >= 0x80``)."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    bad = exc.object[exc.start:exc.end]
    return "".join(chr(0xDC00 + b) for b in bad), exc.end


codecs.register_error(BYTE_ERRORS, _byte_errors)


def _utf8_errors(exc: UnicodeError):
    """Encoding a decoded text back to UTF-8: each marked byte ``U+DC00 + b`` becomes a byte that is
    invalid in UTF-8 again (``b`` itself from 0x80 up, 0xFF below), so it is found and named later."""
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    out = bytearray()
    for ch in exc.object[exc.start:exc.end]:
        b = ord(ch) - 0xDC00
        out.append(b if 0x80 <= b <= 0xFF else 0xFF)
    return bytes(out), exc.end


codecs.register_error(BYTE_ERRORS + "-out", _utf8_errors)


def byte_order_mark(data: bytes) -> tuple[str | None, int]:
    """``(encoding, length)`` of the byte order mark ``data`` starts with; ``(None, 0)`` without one.

    >>> byte_order_mark(b"\\xef\\xbb\\xbfid,text")
    ('utf-8-sig', 3)
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig", 3
    if data.startswith(b"\xff\xfe\x00\x00"):
        return "utf-32-le", 4
    if data.startswith(b"\x00\x00\xfe\xff"):
        return "utf-32-be", 4
    if data.startswith(b"\xff\xfe"):
        return "utf-16-le", 2
    if data.startswith(b"\xfe\xff"):
        return "utf-16-be", 2
    return None, 0


def sniff_encoding(head: bytes) -> tuple[str | None, int]:
    """The encoding the first bytes show, and the length of its byte order mark.

    A byte order mark says it; without one, text that is mostly ASCII shows
    UTF-16 or UTF-32 by its zero bytes: UTF-16-LE puts a zero after most
    characters, UTF-16-BE before them, UTF-32 three. ``(None, 0)`` means
    "UTF-8 or a legacy encoding" (told apart later).

    >>> sniff_encoding("outlet,text".encode("utf-16-be")), sniff_encoding(b"outlet,text")
    (('utf-16-be', 0), (None, 0))
    """
    enc, off = byte_order_mark(head)
    if enc:
        return enc, off
    h = head[:SNIFF_BYTES]
    n = len(h) - len(h) % 4
    if n < 4:
        return None, 0
    zeros = [h[i:n:4].count(0) for i in range(4)]  # zero bytes at each position mod 4
    units = n // 4
    if zeros[1] + zeros[2] + zeros[3] >= 2.7 * units and zeros[0] <= 0.1 * units:
        return "utf-32-le", 0
    if zeros[0] + zeros[1] + zeros[2] >= 2.7 * units and zeros[3] <= 0.1 * units:
        return "utf-32-be", 0
    even, odd = zeros[0] + zeros[2], zeros[1] + zeros[3]
    if odd >= 0.6 * 2 * units and even <= 0.05 * 2 * units:
        return "utf-16-le", 0
    if even >= 0.6 * 2 * units and odd <= 0.05 * 2 * units:
        return "utf-16-be", 0
    return None, 0


_NOT_FILE_ENCODINGS = frozenset({"idna", "punycode", "undefined"})


def normal_encoding(name: str) -> str:
    """The codec name Python knows ``name`` by (``"UTF8"`` -> ``"utf-8"``); ValueError when unknown.

    >>> normal_encoding("CP1251"), normal_encoding("latin_1")
    ('cp1251', 'iso8859-1')
    """
    try:
        info = codecs.lookup(name)
    except LookupError:
        raise ValueError(f"unknown encoding {name!r} (examples: utf-8, cp1252, cp1251, koi8-r, "
                         f"gb18030, shift_jis, utf-16)") from None
    # rot13, base64, hex, zlib ... turn bytes into bytes (or str into str); idna and punycode
    # encode host names; "undefined" decodes nothing. None of them is how a file's text is stored.
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_FILE_ENCODINGS:
        raise ValueError(f"{name!r} is not an encoding of text files (examples: utf-8, cp1252, cp1251, "
                         f"koi8-r, gb18030, shift_jis, utf-16)")
    return info.name


def is_utf8_name(name: str | None) -> bool:
    """Does the encoding name mean UTF-8 (with or without a BOM)?"""
    return bool(name) and normal_encoding(name) in ("utf-8", "utf-8-sig")


def transcoder(encoding: str):
    """A function ``(chunk, final) -> UTF-8 bytes`` that decodes a stream in ``encoding`` piece by piece.

    Bytes that are not valid in ``encoding`` come out as bytes that are not
    valid UTF-8 (see :data:`BYTE_ERRORS`), so that the rows holding them are
    found and rejected later; characters split between two chunks are joined.

    >>> t = transcoder("cp1251")
    >>> t(b"\\xcf\\xf0\\xe8", False) + t(b"\\xe2\\xe5\\xf2", True) == "Привет".encode()
    True
    """
    dec = codecs.getincrementaldecoder(encoding)(errors=BYTE_ERRORS)

    def step(chunk: bytes, final: bool) -> bytes:
        return dec.decode(chunk, final).encode("utf-8", BYTE_ERRORS + "-out")

    return step


def first_surrogate(text: str):
    """The first surrogate code point in ``text`` (a bad byte or a lone UTF-16 half), or None."""
    m = SURROGATES.search(text)
    return m.group() if m else None


def describe_surrogate(ch: str, encoding: str | None, *, decoded: bool = True) -> str:
    """What a surrogate found in a value means, for a reject reason.

    ``decoded``: the file had bytes that were not valid in its encoding, so a
    surrogate from ``U+DC00`` to ``U+DCFF`` is such a byte; otherwise (and
    above that range) it is half of a UTF-16 pair written alone, e.g. a JSON
    ``\\ud800`` escape.

    >>> describe_surrogate("\\ud800", "utf-8", decoded=False)
    'lone surrogate \\\\ud800 (half of a UTF-16 pair, written alone)'
    """
    cp = ord(ch)
    if decoded and 0xDC00 <= cp <= 0xDCFF:
        return f"byte 0x{cp - 0xDC00:02x} is not valid {encoding or 'utf-8'}"
    return f"lone surrogate \\u{cp:04x} (half of a UTF-16 pair, written alone)"


def _looks_western(data: bytes) -> bool:
    """Are a single-byte file's letters mostly ASCII? (Letters above 0x7F are, in cp1252 and in
    the Cyrillic, Greek and Arabic code pages alike, the bytes from 0xC0 up.)"""
    import numpy as np

    arr = np.frombuffer(data, dtype=np.uint8)
    low = arr | 0x20
    ascii_letters = int(np.count_nonzero((low >= ord("a")) & (low <= ord("z"))))
    high_letters = int(np.count_nonzero(arr >= 0xC0))
    letters = ascii_letters + high_letters
    return not letters or high_letters <= LEGACY_MAX_NON_ASCII_LETTERS * letters


def legacy_reading(data: bytes) -> tuple[bytes, str] | None:
    """A file with no valid UTF-8 beyond ASCII, read as cp1252 (else latin-1): ``(UTF-8 bytes, encoding)``.

    None when its letters are mostly non-ASCII (see
    :data:`LEGACY_MAX_NON_ASCII_LETTERS`): a Cyrillic, Greek or East Asian
    legacy file, which cp1252 would turn into accented Latin letters.

    >>> legacy_reading("café, naïve".encode("cp1252"))
    (b'caf\\xc3\\xa9, na\\xc3\\xafve', 'cp1252')
    >>> legacy_reading("Привет, мир".encode("cp1251")) is None
    True
    """
    if not _looks_western(data):
        return None
    try:
        text, enc = data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        text, enc = data.decode("latin-1"), "latin-1"
    return text.encode("utf-8"), enc
