"""SHA-1 (hex) of many texts at once, without the interpreter lock.

A stored post's text is recognised by the SHA-1 of its UTF-8 bytes (the
``_text_sha1`` column of every part, see :mod:`amplify.workspace.parts`), so
these values can never change. Hashing a block of posts one ``hashlib`` call
per text held the interpreter lock for most of the storing side of an ingest
(a Python string per text, its encoding, the hash object, its hex digest:
about 1.5 s per million posts), while the reading thread waited for it.

:func:`sha1_hex` hashes an Arrow string array in one compiled loop that
releases the lock: each text is read in place from the array's data buffer
and hashed by the ``SHA1_*`` functions of the OpenSSL library that Python's
own :mod:`hashlib` uses (the same digests, and the processor's SHA
instructions where it has them); the digests are written as hex into one buffer that
becomes the result's. When that library cannot be found or does not give
:mod:`hashlib`'s digests, :func:`sha1_hex` returns None and the caller
hashes text by text as before.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib

import numpy as np
import pyarrow as pa
from numba import njit

__all__ = ["sha1_hex"]

_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_NOT_FOUND = object()
_SHA1 = [_NOT_FOUND]


def _libcrypto_paths() -> list[str]:
    """Where the OpenSSL library Python's ``_hashlib`` uses is (the one loaded in this process first)."""
    import _hashlib  # noqa: F401 - loads libcrypto into the process, so /proc/self/maps names it

    out = []
    try:
        with open("/proc/self/maps") as fh:
            for line in fh:
                path = line.rstrip("\n").split(maxsplit=5)[-1]
                if "libcrypto" in path and path.startswith("/") and path not in out:
                    out.append(path)
    except OSError:
        pass
    found = ctypes.util.find_library("crypto")
    if found and found not in out:
        out.append(found)
    return out


def _load_sha1():
    """The compiled loop over libcrypto's ``SHA1_Init``/``SHA1_Update``/``SHA1_Final``, checked against
    hashlib; None when unusable. (Not the one-shot ``SHA1``: in OpenSSL 3 it looks the algorithm up
    on every call, twice the time of the whole hash for a post's text.)"""
    for path in _libcrypto_paths():
        try:
            lib = ctypes.CDLL(path)
            init, update, final = lib.SHA1_Init, lib.SHA1_Update, lib.SHA1_Final
        except (OSError, AttributeError):
            continue
        init.argtypes = [ctypes.c_void_p]
        update.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t]
        final.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
        for fn in (init, update, final):
            fn.restype = ctypes.c_int
        try:
            kernel = _make_kernel(init, update, final)
            probe = ["", "a", "é中\x00\x7f" * 50, "x" * 1000]
            arr = pa.array(probe, pa.string())
            got = _run(kernel, arr).to_pylist()
        except Exception:  # noqa: BLE001 - any failure: hash text by text instead
            continue
        if got == [hashlib.sha1(t.encode("utf-8")).hexdigest() for t in probe]:
            return kernel
    return None


def _make_kernel(init, update, final):
    """The compiled loop: SHA-1 of each text of ``data`` (bounds in ``offsets``), hex into ``out``."""

    @njit(nogil=True)
    def kernel(data, offsets, out, hexdigits):
        digest = np.empty(20, dtype=np.uint8)
        ctx = np.empty(256, dtype=np.uint8)   # an OpenSSL SHA_CTX (96 bytes), with room to spare
        base = data.ctypes.data
        dptr = digest.ctypes.data
        cptr = ctx.ctypes.data
        for i in range(len(offsets) - 1):
            lo = offsets[i]
            init(cptr)
            update(cptr, base + lo, offsets[i + 1] - lo)
            final(dptr, cptr)
            o = 40 * i
            for k in range(20):
                b = digest[k]
                out[o + 2 * k] = hexdigits[b >> 4]
                out[o + 2 * k + 1] = hexdigits[b & 15]

    return kernel


def _run(kernel, arr: pa.Array) -> pa.Array:
    n = len(arr)
    width = 8 if pa.types.is_large_string(arr.type) else 4
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int64 if width == 8 else np.int32,
                            count=n + 1, offset=arr.offset * width).astype(np.int64)
    data = arr.buffers()[2]
    # an array of only empty texts may have no data buffer: hash them from a one-byte stand-in
    buf = np.frombuffer(data, dtype=np.uint8) if data is not None and data.size else np.zeros(1, dtype=np.uint8)
    out = np.empty(40 * n, dtype=np.uint8)
    kernel(buf, offsets, out, _HEX)
    return pa.StringArray.from_buffers(n, pa.py_buffer(np.arange(0, 40 * n + 1, 40, dtype=np.int32)),
                                       pa.py_buffer(out))


def sha1_hex(texts) -> pa.Array | None:
    """SHA-1 (lower-case hex) of the UTF-8 bytes of each text, as an Arrow string array.

    ``texts`` is an Arrow string (or large string) array or chunked array,
    without nulls. Returns None when the texts are not such an array, hold a
    null, or the OpenSSL library is not usable here: the caller then hashes
    them one by one with :mod:`hashlib` (the same values).

    Examples
    --------
    >>> h = sha1_hex(pa.array(["abc"]))
    >>> h is None or h.to_pylist() == ["a9993e364706816aba3e25717850c26c9cd0d89d"]
    True
    """
    if isinstance(texts, pa.ChunkedArray):
        texts = texts.combine_chunks() if texts.num_chunks != 1 else texts.chunk(0)
    if not isinstance(texts, pa.Array) or not (pa.types.is_string(texts.type)
                                                or pa.types.is_large_string(texts.type)):
        return None
    if texts.null_count:
        return None
    if _SHA1[0] is _NOT_FOUND:
        _SHA1[0] = _load_sha1()
    if _SHA1[0] is None:
        return None
    return _run(_SHA1[0], texts)
