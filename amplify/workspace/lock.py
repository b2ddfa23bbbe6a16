"""The writer lock: an exclusive ``flock`` on ``.lock``, and the owner note ``.lock.owner``.

One writer at a time: it holds an exclusive lock on the file ``.lock``
(through :mod:`filelock`, so the kernel frees it when the process dies, even
by ``SIGKILL``), and notes its pid, host and command in ``.lock.owner``, so
that a second writer kept waiting can say who holds the lock. Readers never
lock. The note is removed *before* the lock is released, so a writer never
erases the note of the next holder.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import socket
import sys
from pathlib import Path

import filelock
import pandas as pd

from amplify.io import atomic_write_bytes
from amplify.utc import iso_z
from amplify.workspace.errors import WorkspaceError, WorkspaceLocked

__all__ = ["LOCK", "LOCK_OWNER", "DEFAULT_TIMEOUT", "TIMEOUT_ENV", "default_timeout", "HeldLock", "acquire_lock",
           "writer_tag",
           "write_owner", "remove_owner", "locked_message", "unlockable_message", "now_iso"]

#: The file the writer lock is taken on.
LOCK = ".lock"
#: The JSON note of the current lock holder.
LOCK_OWNER = ".lock.owner"
#: Seconds a writer waits for another writer to finish by default.
DEFAULT_TIMEOUT = 10.0
#: The environment variable that sets that wait for every command (seconds; ``inf`` waits for ever):
#: a long ingest holding a shared workspace need not make the next command fail after 10 s.
TIMEOUT_ENV = "AMPLIFY_LOCK_TIMEOUT"
#: Characters of the holder's command line kept in notes.
COMMAND_CHARS = 300


def now_iso() -> str:
    """The current time, ISO 8601 to the second with a ``Z``: the stamp of notes and manifests."""
    return iso_z(pd.Timestamp.now(tz="UTC"))


class HeldLock:
    """An acquired :class:`filelock.FileLock`, usable as a context manager that releases it."""

    def __init__(self, lock: filelock.BaseFileLock):
        self.lock = lock

    def release(self) -> None:
        """Release the lock."""
        self.lock.release()

    def __enter__(self) -> "HeldLock":
        return self

    def __exit__(self, *exc) -> None:
        self.release()


def default_timeout() -> float | None:
    """Seconds a writer waits for another: ``AMPLIFY_LOCK_TIMEOUT`` when set, else :data:`DEFAULT_TIMEOUT`.

    ``inf`` waits for ever (None); a value that is not a number of seconds is an error naming it.

    >>> import os
    >>> os.environ.get(TIMEOUT_ENV) is None and default_timeout() == DEFAULT_TIMEOUT
    True
    """
    raw = os.environ.get(TIMEOUT_ENV, "").strip()
    if not raw:
        return DEFAULT_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not value >= 0:  # NaN and negative values
        raise WorkspaceError(f"{TIMEOUT_ENV}={raw!r} is not a number of seconds to wait for another writer "
                             f"(e.g. 60; 0 does not wait; inf waits for ever)")
    return None if value == float("inf") else value


def acquire_lock(root: Path, timeout: float | None | str = "default") -> HeldLock:
    """Acquire the writer lock of the workspace at ``root``.

    Parameters
    ----------
    root : pathlib.Path
        The workspace folder.
    timeout : float, None or "default"
        Seconds to wait; 0 fails at once, ``None`` waits for ever;
        ``"default"``: :func:`default_timeout`. A refused caller that gave its
        own timeout is told to pass a longer one (the variable would not
        change it); otherwise to set the variable.

    Raises
    ------
    WorkspaceLocked
        The lock stayed held for ``timeout`` seconds; the message names the
        holder when its note can be read.
    """
    timeout_given = not (isinstance(timeout, str) and timeout == "default")
    if not timeout_given:
        timeout = default_timeout()
    wait = -1 if timeout is None else max(float(timeout), 0.0)
    lock = filelock.FileLock(str(root / LOCK), timeout=wait)
    try:
        lock.acquire()
    except filelock.Timeout:
        raise WorkspaceLocked(locked_message(root, timeout, timeout_given=timeout_given)) from None
    except OSError as exc:
        raise WorkspaceError(unlockable_message(root, exc)) from None
    return HeldLock(lock)


def _owner_name(path: Path) -> str | None:
    """The user who owns ``path`` (a name when the system knows it), or None."""
    try:
        uid = path.stat().st_uid
    except OSError:
        return None
    try:
        import pwd
        return pwd.getpwuid(uid).pw_name
    except (ImportError, KeyError):
        return f"uid {uid}"


def unlockable_message(root: Path, exc: OSError) -> str:
    """Why the writer lock cannot even be tried (a read-only workspace, a lock file of another user)."""
    lock = root / LOCK
    owner = _owner_name(lock) if lock.exists() else None
    mine = None
    with contextlib.suppress(AttributeError):
        mine = lock.exists() and lock.stat().st_uid == os.getuid()
    if owner and mine is False:
        who = f"its lock file {lock} belongs to {owner}, and you cannot write to it"
    elif exc.errno == errno.EROFS:
        who = f"it is on a read-only file system ({exc.strerror})"
    else:
        who = f"cannot write {exc.filename or lock} ({exc.strerror})"
    return (f"workspace {root} cannot be written by you: {who}. Commands that only read it (info, check, "
            f"links, html, report, export, analyses) still work; to write, ask its owner to run the command, "
            f"make it writable for you, or copy it (cp -r) and use the copy")


def writer_tag() -> dict:
    """Who is writing: ``pid``, ``host`` and ``command`` (shortened)."""
    return {"pid": os.getpid(), "host": socket.gethostname(),
            "command": " ".join([os.path.basename(sys.argv[0] or "python")] + sys.argv[1:])[:COMMAND_CHARS]}


def write_owner(root: Path) -> None:
    """Note this process as the lock holder (best effort: a note that cannot be written is skipped)."""
    info = dict(writer_tag(), since=now_iso())
    with contextlib.suppress(OSError):
        atomic_write_bytes(root / LOCK_OWNER, json.dumps(info).encode("utf-8"))


def remove_owner(root: Path) -> None:
    """Remove the holder's note; call it while still holding the lock."""
    with contextlib.suppress(OSError):
        (root / LOCK_OWNER).unlink()


def locked_message(root: Path, timeout: float | None, *, timeout_given: bool = False) -> str:
    """The message of :class:`WorkspaceLocked`: who holds the lock, how long we waited, what to do."""
    who = ""
    try:
        o = json.loads((root / LOCK_OWNER).read_text("utf-8"))
        who = f" (pid {o.get('pid')} on {o.get('host')}, `{o.get('command')}`, since {o.get('since')})"
    except (OSError, ValueError):
        pass
    waited = "did not wait" if not timeout else f"waited {timeout:g} s"
    longer = ("pass a longer timeout (None waits for ever)" if timeout_given
              else f"{TIMEOUT_ENV}=SECONDS before the command (inf waits for ever)")
    return (f"workspace {root} is locked by another writer{who}; {waited}. Readers are not affected; "
            f"retry when that writer has finished, or wait longer: {longer}")
