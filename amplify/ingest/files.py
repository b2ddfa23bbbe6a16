"""Opening input files: decompression, byte order marks, text encodings, names.

Every reader starts from the bytes :func:`load_bytes` returns -- decompressed
from gzip, bz2, xz or a single-file zip -- and the name of the file inside
(``posts.csv`` for ``posts.csv.gz``), which tells the format. Encodings are
told by the byte order mark; UTF-8 is the default, and CSV files that are not
valid UTF-8 are read as cp1252 (Excel's Western encoding) or, failing that,
latin-1, which reads any bytes.

>>> byte_order_mark(b"\\xef\\xbb\\xbfid,text")
('utf-8-sig', 3)
>>> file_stem("exports/posts.csv.gz")
'posts'
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import zipfile
from pathlib import Path

from amplify.ingest.report import IngestError

__all__ = [
    "COMPRESSED_SUFFIXES",
    "FORMAT_OF_SUFFIX",
    "load_bytes",
    "byte_order_mark",
    "decode_json_text",
    "csv_utf8",
    "transcode_legacy",
    "file_stem",
]

#: File name suffixes of the compressions :func:`load_bytes` undoes.
COMPRESSED_SUFFIXES = {".gz": "gzip", ".bz2": "bz2", ".xz": "xz", ".zip": "zip"}

#: The format a file name suffix stands for (content may still override it).
FORMAT_OF_SUFFIX = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".txt": "csv", ".jsonl": "jsonl",
                    ".ndjson": "jsonl", ".json": "json", ".parquet": "parquet", ".pq": "parquet"}

#: The first bytes of a zip archive and of a gzip stream.
ZIP_MAGIC = b"PK\x03\x04"
GZIP_MAGIC = b"\x1f\x8b"

#: Encoding names that mean "UTF-8, perhaps with a BOM" when the user gives one.
UTF8_NAMES = ("utf-8", "utf8", "utf-8-sig")


def load_bytes(path) -> tuple[bytes, str]:
    """The file's bytes, decompressed (gzip, bz2, xz, single-file zip), and the inner name."""
    p = Path(path)
    if not p.exists():
        raise IngestError(f"{path}: no such file")
    if p.is_dir():
        raise IngestError(f"{path}: is a folder; give the files inside it")
    low = p.name.lower()
    raw = p.read_bytes()
    if low.endswith(".zip") or raw[:4] == ZIP_MAGIC:
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            members = [m for m in z.infolist() if not m.is_dir()
                       and not m.filename.startswith("__MACOSX/")
                       and not Path(m.filename).name.startswith(("._", "."))]
            if len(members) != 1:
                raise IngestError(
                    f"{path}: a zip archive must hold exactly one data file to be read directly; "
                    f"found {len(members)}: {[m.filename for m in members][:10]}. Unzip it and give the files.")
            return z.read(members[0]), members[0].filename
    if low.endswith(".gz") or raw[:2] == GZIP_MAGIC:
        return gzip.decompress(raw), p.name[:-3] if low.endswith(".gz") else p.name
    if low.endswith(".bz2"):
        return bz2.decompress(raw), p.name[:-4]
    if low.endswith(".xz"):
        return lzma.decompress(raw), p.name[:-3]
    return raw, p.name


def byte_order_mark(data: bytes) -> tuple[str | None, int]:
    """``(encoding, length)`` of the byte order mark ``data`` starts with; ``(None, 0)`` without one."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig", 3
    if data.startswith(b"\xff\xfe\x00\x00"):
        return "utf-32-le", 4
    if data.startswith(b"\xff\xfe"):
        return "utf-16-le", 2
    if data.startswith(b"\xfe\xff"):
        return "utf-16-be", 2
    return None, 0


def decode_json_text(data: bytes) -> str:
    """The text of a JSON file: UTF-8, or the encoding its byte order mark names."""
    enc, off = byte_order_mark(data)
    if enc and enc != "utf-8-sig":
        return data[off:].decode(enc)
    return data[off:].decode("utf-8")


def csv_utf8(data: bytes, encoding: str | None) -> tuple[bytes, str]:
    """A CSV file's bytes as UTF-8 without BOM, and the encoding they were in.

    ``encoding`` (the user's) wins; else a BOM says; else the bytes are taken as
    UTF-8 as they are (the caller falls back to :func:`transcode_legacy` when
    they are not).
    """
    bom, off = byte_order_mark(data)
    if encoding and encoding.lower().replace("_", "-") not in UTF8_NAMES:
        return data[off if bom else 0:].decode(encoding).encode("utf-8"), encoding
    if bom == "utf-8-sig":
        return data[off:], "utf-8-sig"
    if bom:
        return data[off:].decode(bom).encode("utf-8"), bom
    return data, "utf-8"


def transcode_legacy(data: bytes) -> tuple[bytes, str]:
    """Bytes that are not UTF-8 read as cp1252 (else latin-1) and written as UTF-8; and which it was."""
    try:
        return data.decode("cp1252").encode("utf-8"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1").encode("utf-8"), "latin-1"


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
