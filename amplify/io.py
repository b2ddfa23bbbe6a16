"""Safe file output: write to a temporary file beside the target, then rename.

A reader (or a crash) never sees a half-written output: the file appears
complete or not at all.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

__all__ = ["atomic_output", "atomic_write_text", "atomic_write_bytes", "fsync_dir", "TMP_MARK"]


TMP_MARK = ".tmp-"  # in every temporary name, so a crash's leftovers are recognisable


def fsync_dir(path) -> None:
    """Make a rename inside ``path`` durable (no-op where directories can't be opened)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_output(path, mode: str = "w", encoding: str | None = "utf-8"):
    """Open a temporary file for writing; on success it replaces ``path`` atomically.

    The file is synced before the rename and the folder after it, so after a
    crash the output is the old or the new file, complete. The temporary name
    is ``.NAME.tmp-XXXX`` beside the target; it is removed on error.

    >>> import tempfile, os
    >>> d = tempfile.mkdtemp()
    >>> with atomic_output(os.path.join(d, "a.txt")) as fh:
    ...     _ = fh.write("hello")
    >>> open(os.path.join(d, "a.txt")).read()
    'hello'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}{TMP_MARK}{os.getpid()}-", dir=path.parent)
    # mkstemp makes the file owner-only; outputs get the usual permissions
    umask = os.umask(0)
    os.umask(umask)
    os.fchmod(fd, 0o666 & ~umask)
    kw = {} if "b" in mode else {"encoding": encoding, "newline": ""}
    try:
        with os.fdopen(fd, mode, **kw) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)


def atomic_write_text(path, text: str) -> None:
    """Write ``text`` (UTF-8, newlines as given) to ``path`` atomically; see :func:`atomic_output`."""
    with atomic_output(path, "w") as fh:
        fh.write(text)


def atomic_write_bytes(path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically; see :func:`atomic_output`."""
    with atomic_output(path, "wb") as fh:
        fh.write(data)
