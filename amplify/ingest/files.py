"""Opening inputs: files, pipes and standard input, decompressed as a stream; and names.

:func:`open_chunks` reads an input once, front to back, in chunks of
:data:`CHUNK` bytes -- a regular file, a named pipe or process substitution
(``<(zcat x.gz)``), or standard input (``-``) -- and undoes gzip, bz2, xz
and single-file zip compression on the way (told by the first bytes, the
name only confirming), never holding more than a chunk of decompressed data
at a time. It also returns the name of the file inside (``posts.csv`` for
``posts.csv.gz``), which tells the format.

A damaged or truncated archive is a :class:`~amplify.ingest.report.IngestError`
naming the file and what is wrong -- never Python's own error, and never a
silently shortened file.

>>> file_stem("exports/posts.csv.gz")
'posts'
"""

from __future__ import annotations

import bz2
import io
import lzma
import os
import stat
import sys
import zipfile
import zlib
from pathlib import Path

from amplify.ingest.charsets import BYTE_ERRORS, byte_order_mark, legacy_reading
from amplify.ingest.report import IngestError

__all__ = [
    "COMPRESSED_SUFFIXES",
    "FORMAT_OF_SUFFIX",
    "CHUNK",
    "STDIN",
    "open_chunks",
    "load_bytes",
    "byte_order_mark",
    "decode_json_text",
    "csv_utf8",
    "transcode_legacy",
    "file_stem",
    "display_name",
]

#: File name suffixes of the compressions :func:`open_chunks` undoes.
COMPRESSED_SUFFIXES = {".gz": "gzip", ".bz2": "bz2", ".xz": "xz", ".zip": "zip"}

#: The format a file name suffix stands for (content may still override it).
FORMAT_OF_SUFFIX = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".txt": "csv", ".jsonl": "jsonl",
                    ".ndjson": "jsonl", ".json": "json", ".parquet": "parquet", ".pq": "parquet"}

#: Bytes read (and, for compressed input, decompressed) at a time.
CHUNK = 8 << 20

#: The name that means standard input.
STDIN = "-"

#: The first bytes of each compression.
MAGIC = {"zip": b"PK\x03\x04", "gzip": b"\x1f\x8b", "bz2": b"BZh", "xz": b"\xfd7zXZ\x00"}

#: Encoding names that mean "UTF-8, perhaps with a BOM" when the user gives one.
UTF8_NAMES = ("utf-8", "utf8", "utf-8-sig")


def display_name(path) -> str:
    """How an input is named in messages: its path, or ``<stdin>``."""
    return "<stdin>" if str(path) == STDIN else str(path)


def _raw_chunks(fh, first: bytes = b""):
    if first:
        yield first
    while True:
        b = fh.read(CHUNK)
        if not b:
            return
        yield b


def compression_of(head: bytes) -> str | None:
    """The compression the first bytes show, or None (bzip2 also needs its block size digit, so a
    CSV whose header begins with "BZh" stays a CSV)."""
    for kind, magic in MAGIC.items():
        if head.startswith(magic) and (kind != "bz2" or head[3:4] in b"123456789"):
            return kind
    return None


class _Inflater:
    """One compressed stream, decompressed in pieces of at most :data:`CHUNK` bytes."""

    def __init__(self, kind: str):
        self.kind = kind
        if kind == "gzip":
            self.d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        else:
            self.d = bz2.BZ2Decompressor() if kind == "bz2" else lzma.LZMADecompressor()

    @property
    def eof(self) -> bool:
        return self.d.eof

    def rest(self) -> bytes:
        """The input after the end of this stream."""
        return self.d.unused_data + (self.d.unconsumed_tail if self.kind == "gzip" else b"")

    def feed(self, data: bytes):
        if self.kind == "gzip":
            buf = data
            while True:
                out = self.d.decompress(buf, CHUNK)
                buf = self.d.unconsumed_tail
                if out:
                    yield out
                if self.d.eof or (not buf and len(out) < CHUNK):
                    return
        else:
            out = self.d.decompress(data, CHUNK)
            if out:
                yield out
            while not self.d.eof and not self.d.needs_input:
                out = self.d.decompress(b"", CHUNK)
                if out:
                    yield out


def _stream_decompress(chunks, kind: str, path: str):
    """Decompress gzip, bz2 or xz chunk by chunk; concatenated streams are read one after another,
    zero bytes after the last one (tape padding) are ignored, anything else after it is an error."""
    label = {"gzip": "gzip", "bz2": "bzip2", "xz": "xz"}[kind]
    magic = MAGIC[kind]
    dec = None
    produced = 0
    pending = b""
    try:
        for chunk in chunks:
            buf = pending + chunk
            pending = b""
            while buf:
                if dec is None:  # between streams
                    if not buf.strip(b"\x00"):
                        break
                    if len(buf) < len(magic) and magic.startswith(buf):
                        pending = buf
                        break
                    if not buf.startswith(magic):
                        raise IngestError(
                            f"{path}: bytes after the end of the {label} data are not {label} data "
                            f"(a damaged file, or another file appended to it?)", path=path)
                    dec = _Inflater(kind)
                for out in dec.feed(buf):
                    produced += len(out)
                    yield out
                if dec.eof:
                    buf = dec.rest()
                    dec = None
                else:
                    buf = b""
        if dec is not None or pending:
            raise IngestError(
                f"{path}: the {label} data ends before its end marker, after {produced:,} bytes "
                f"decompressed: the file is truncated (an interrupted download or copy?); fetch or "
                f"compress it again", path=path)
    except IngestError:
        raise
    except (zlib.error, OSError, EOFError, lzma.LZMAError, ValueError) as exc:
        raise IngestError(f"{path}: damaged {label} data after {produced:,} bytes decompressed ({exc}); "
                          f"fetch or compress the file again", path=path) from exc


def _zip_member(z: zipfile.ZipFile, path: str) -> zipfile.ZipInfo:
    members = [m for m in z.infolist() if not m.is_dir()
               and not m.filename.startswith("__MACOSX/")
               and not Path(m.filename).name.startswith(("._", "."))]
    if len(members) != 1:
        raise IngestError(
            f"{path}: a zip archive must hold exactly one data file to be read directly; "
            f"found {len(members)}: {[m.filename for m in members][:10]}. Unzip it and give the files.",
            path=path)
    return members[0]


def _zip_chunks(source, path: str):
    """The single data file of a zip archive, read in chunks (``source``: a path or a seekable file)."""
    try:
        z = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise IngestError(f"{path}: not a readable zip archive ({exc}): the file is damaged or truncated; "
                          f"fetch it again, or unzip it with another tool and give the file inside",
                          path=path) from exc
    member = _zip_member(z, path)

    def gen():
        done = 0
        try:
            with z, z.open(member) as fh:
                while True:
                    b = fh.read(CHUNK)
                    if not b:
                        return
                    done += len(b)
                    yield b
        except IngestError:
            raise
        except (zipfile.BadZipFile, OSError, EOFError, zlib.error, lzma.LZMAError, ValueError,
                NotImplementedError, RuntimeError) as exc:
            raise IngestError(f"{path}: cannot read {member.filename} inside the zip archive after "
                              f"{done:,} bytes ({exc}): the archive is damaged, encrypted or uses an "
                              f"unsupported compression; unzip it with another tool and give the file",
                              path=path) from exc

    return gen(), member.filename


def open_chunks(path):
    """Open an input for one front-to-back read: ``(chunks, inner name)``.

    ``path`` is a file path, a named pipe, or ``"-"`` for standard input.
    ``chunks`` yields the decompressed bytes in pieces of at most about
    :data:`CHUNK` bytes; ``inner name`` is the name that tells the format
    (the zip member's, or the name without ``.gz``; empty for standard input).

    Raises
    ------
    IngestError
        The input does not exist, is a folder, cannot be opened, or is a
        damaged or truncated archive (when the chunks are read).
    """
    p = str(path)
    shown = display_name(p)
    if p == STDIN:
        fh = sys.stdin.buffer
        name = ""
    else:
        try:
            st = os.stat(p)
        except FileNotFoundError:
            raise IngestError(f"{shown}: no such file", path=shown) from None
        except OSError as exc:
            raise IngestError(f"{shown}: cannot be opened ({exc.strerror})", path=shown) from None
        if stat.S_ISDIR(st.st_mode):
            raise IngestError(f"{shown}: is a folder; give the files inside it", path=shown)
        try:
            fh = open(p, "rb")  # noqa: SIM115 - closed by the generator below
        except OSError as exc:
            raise IngestError(f"{shown}: cannot be opened ({exc.strerror})", path=shown) from None
        name = Path(p).name
    low = name.lower()
    try:
        first = fh.read(CHUNK)
    except OSError as exc:
        raise IngestError(f"{shown}: cannot be read ({exc.strerror})", path=shown) from None
    kind = compression_of(first)
    named = next((k for s, k in COMPRESSED_SUFFIXES.items() if low.endswith(s)), None)
    if kind == "zip":
        if p != STDIN and os.path.isfile(p):
            fh.close()
            return _zip_chunks(p, shown)
        data = first + fh.read()  # a zip from a pipe: its index is at the end, so it is held (compressed)
        return _zip_chunks(io.BytesIO(data), shown)
    if named and named != "zip" and kind is None and first:
        raise IngestError(f"{shown}: named like a {named} file, but it is not {named}-compressed "
                          f"(its first bytes are {first[:8]!r}); rename it or compress it again", path=shown)
    if named == "zip" and kind is None:
        if first.startswith(b"PK\x05\x06"):  # the end record alone: the archive of no file at all
            raise IngestError(f"{shown}: an empty zip archive (it holds no file)", path=shown)
        raise IngestError(f"{shown}: named like a zip archive, but it is not one "
                          f"(its first bytes are {first[:8]!r})", path=shown)
    inner = name[: -len(next(s for s in COMPRESSED_SUFFIXES if low.endswith(s)))] if named and kind else name

    def plain():
        try:
            yield from _raw_chunks(fh, first)
        except OSError as exc:
            raise IngestError(f"{shown}: cannot be read ({exc.strerror})", path=shown) from None
        finally:
            if fh is not sys.stdin.buffer:
                fh.close()

    if kind is None:
        return plain(), inner
    return _stream_decompress(plain(), kind, shown), inner


def load_bytes(path) -> tuple[bytes, str]:
    """The whole input's bytes, decompressed, and the inner name (see :func:`open_chunks`)."""
    chunks, inner = open_chunks(path)
    return b"".join(chunks), inner


def decode_json_text(data: bytes, encoding: str | None = None) -> str:
    """The text of a JSON file: UTF-8, or the encoding its byte order mark (or ``encoding``) names."""
    enc, off = byte_order_mark(data)
    if encoding and encoding.lower().replace("_", "-") not in UTF8_NAMES:
        return bytes(data[off if enc else 0:]).decode(encoding)
    if enc and enc != "utf-8-sig":
        return bytes(data[off:]).decode(enc)
    return bytes(data[off:]).decode("utf-8")


def csv_utf8(data: bytes, encoding: str | None) -> tuple[bytes, str]:
    """A CSV file's bytes as UTF-8 without BOM, and the encoding they were in.

    ``encoding`` (the user's) wins; else a BOM says; else the bytes are taken as
    UTF-8 as they are.
    """
    bom, off = byte_order_mark(data)
    if encoding and encoding.lower().replace("_", "-") not in UTF8_NAMES:
        return bytes(data[off if bom else 0:]).decode(encoding, BYTE_ERRORS).encode("utf-8", BYTE_ERRORS + "-out"), \
            encoding
    if bom == "utf-8-sig":
        return data[off:], "utf-8-sig"
    if bom:
        return bytes(data[off:]).decode(bom, BYTE_ERRORS).encode("utf-8", BYTE_ERRORS + "-out"), bom
    return data, "utf-8"


def transcode_legacy(data: bytes) -> tuple[bytes, str]:
    """Bytes that are not UTF-8 read as cp1252 (else latin-1) and written as UTF-8; and which it was."""
    got = legacy_reading(data)
    if got is not None:
        return got
    try:
        return bytes(data).decode("cp1252").encode("utf-8"), "cp1252"
    except UnicodeDecodeError:
        return bytes(data).decode("latin-1").encode("utf-8"), "latin-1"


def file_stem(path) -> str:
    """``posts.csv.gz`` -> ``posts``: the name without compression and format suffixes."""
    name = Path(str(path)).name
    low = name.lower()
    for ext in COMPRESSED_SUFFIXES:
        if low.endswith(ext):
            name, low = name[: -len(ext)], low[: -len(ext)]
            break
    for ext in FORMAT_OF_SUFFIX:
        if low.endswith(ext):
            name = name[: -len(ext)]
            break
    return name or Path(str(path)).name
