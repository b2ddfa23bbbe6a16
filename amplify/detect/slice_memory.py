"""Memory handed back between the steps of a slice and between slices.

Sliced detection (:mod:`amplify.detect.slices`) promises a peak that follows
the busiest slice, not the corpus. Two things keep freed memory in the
process unless asked: Arrow's pool (mimalloc) keeps the buffers of a slice's
read for later, and glibc's heap keeps the freed blocks of the threads'
arrays. These two functions hand both back.
"""

from __future__ import annotations

import pyarrow as pa

__all__ = ["release_arrow_memory", "release_slice_memory"]


def release_arrow_memory() -> None:
    """Hand the memory Arrow's pool keeps after freeing back to the system.

    Reading a slice (Parquet decoding, concatenating, sorting by time) frees
    about twice the texts' size, which the pool (mimalloc) otherwise keeps
    for later: measured on the 2M-post proxy's busiest slice, 2,635 MiB
    resident after the read against 1,108 MiB once released, with 785 MiB
    in Arrow buffers. Kept, it stays under every later step's peak.
    """
    pa.default_memory_pool().release_unused()


def release_slice_memory() -> None:
    """Free what one slice left behind: at 10M posts the peak grew slice after slice (5.2, 6.7, 6.8,
    7.3, 7.7, 9.1 GiB, slices of about equal size). Detection runs with the cyclic collector off, and
    the C heap keeps freed blocks of the threads' arrays: a full collection, Arrow's pool released and
    glibc's ``malloc_trim`` (where there is one) hand them back."""
    import ctypes
    import gc

    gc.collect()
    release_arrow_memory()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):   # not glibc: nothing to trim
        pass
