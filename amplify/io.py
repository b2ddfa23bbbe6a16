"""Safe file output: atomic files, and CSV that is safe to open in a spreadsheet.

Atomic: write to a temporary file beside the target, then rename. A reader
(or a crash) never sees a half-written output: the file appears complete or
not at all (:func:`atomic_output`).

Spreadsheet-safe CSV: posts come from adversarial sources, and a text cell
such as ``=HYPERLINK("http://x","y")`` runs as a formula when a CSV is opened
in Excel or LibreOffice. :func:`write_csv` writes CSV with such cells
neutralised by :func:`neutralise_formulas` (a leading ``'``, the OWASP rule),
unless asked for the raw values.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import io
import os
import stat
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

__all__ = ["atomic_output", "atomic_write_text", "atomic_write_bytes", "fsync_dir", "TMP_MARK",
           "FORMULA_CHARS", "RAW_HELP", "neutralise_formulas", "write_csv"]


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

    A symbolic link keeps pointing where it did: the file it names is
    replaced. A named pipe, a terminal or another device (``/dev/stdout``)
    is written to as it is: there is nothing to replace atomically, and
    replacing it would leave its reader with nothing.

    >>> import tempfile, os
    >>> d = tempfile.mkdtemp()
    >>> with atomic_output(os.path.join(d, "a.txt")) as fh:
    ...     _ = fh.write("hello")
    >>> open(os.path.join(d, "a.txt")).read()
    'hello'
    """
    path = Path(path)
    kw = {} if "b" in mode else {"encoding": encoding, "newline": ""}
    fd_alias = _fd_alias(path)
    if fd_alias is not None or _is_special(path):
        # /dev/stdout (a terminal, a pipe, or a file the shell opened, perhaps for appending), a named
        # pipe, a device: written to, never replaced -- a rename would swap out the file behind the
        # descriptor, or the pipe its reader waits on. A descriptor is written through a copy of it, so
        # `>>` keeps appending. There is no atomicity to give here.
        try:
            fh = os.fdopen(os.dup(fd_alias), mode, **kw) if fd_alias is not None else open(path, mode, **kw)
            with fh:
                yield fh
        except OSError as exc:
            if exc.filename is None and exc.errno is not None:  # a failed write names no file: name the target
                raise type(exc)(exc.errno, exc.strerror, str(path)) from exc
            raise
        return
    if path.is_symlink():  # the link stays; the file it points to is replaced (a loop is an error)
        path = Path(os.path.realpath(path, strict=path.exists()))
        if path.is_symlink():
            raise OSError(errno.ELOOP, "is a symbolic link that leads back to itself", str(path))
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a folder, not a file: give a file name for the output", str(path))
    _make_parent(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}{TMP_MARK}{os.getpid()}-", dir=path.parent)
    except OSError as exc:  # mkstemp names the folder, or nothing: name what was to be written
        raise type(exc)(exc.errno, exc.strerror, str(path)) from exc
    # mkstemp makes the file owner-only; outputs get the usual permissions
    umask = os.umask(0)
    os.umask(umask)
    os.fchmod(fd, 0o666 & ~umask)
    try:
        with os.fdopen(fd, mode, **kw) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if exc.filename is None and exc.errno is not None:  # a failed write names no file: name the target
            raise type(exc)(exc.errno, exc.strerror, str(path)) from exc
        raise
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)


# /dev/stdout, /dev/fd/3, /proc/self/fd/3: another name of a descriptor this process holds
_FD_NAMES = {"/dev/stdin": 0, "/dev/stdout": 1, "/dev/stderr": 2}


def _fd_alias(path: Path) -> int | None:
    """The file descriptor ``path`` names (``/dev/stdout``, ``/dev/fd/N``, ``/proc/self/fd/N``), or None."""
    p = os.path.normpath(str(path))
    if p in _FD_NAMES:
        return _FD_NAMES[p]
    for prefix in ("/dev/fd/", "/proc/self/fd/"):
        if p.startswith(prefix) and p[len(prefix):].isdigit():
            return int(p[len(prefix):])
    return None


def _is_special(path: Path) -> bool:
    """Is ``path`` (its links followed) something other than a regular file or a folder?"""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _make_parent(path: Path) -> None:
    """Create the folders above ``path``; a file standing where a folder should be is named as such."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        blocking = next((p for p in reversed(path.parents) if p.exists() and not p.is_dir()), path.parent)
        raise NotADirectoryError(errno.ENOTDIR, f"is a file, so {path} cannot be written below it",
                                 str(blocking)) from None


def atomic_write_text(path, text: str) -> None:
    """Write ``text`` (UTF-8, newlines as given) to ``path`` atomically; see :func:`atomic_output`."""
    with atomic_output(path, "w") as fh:
        fh.write(text)


def atomic_write_bytes(path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically; see :func:`atomic_output`."""
    with atomic_output(path, "wb") as fh:
        fh.write(data)


#: A text cell beginning with one of these is a formula to a spreadsheet (OWASP).
FORMULA_CHARS = ("=", "+", "-", "@", "\t", "\r")
#: Text cells that are plain numbers stay as they are: no spreadsheet evaluates them as a formula.
PLAIN_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"

#: What the ``--raw`` flags say, in every command that writes CSV.
RAW_HELP = ("Write CSV cells exactly as stored. By default, CSV cells that begin with = + - @ (or a tab or "
            "carriage return), plain numbers excepted, get a leading ' so that spreadsheets do not run them as "
            "formulas; nothing else changes. Every other format (JSON, Parquet, GEXF ...) is written as stored.")


def _is_text(dtype) -> bool:
    return dtype == object or isinstance(dtype, pd.StringDtype)


def _neutralise_text(s: pd.Series) -> pd.Series:
    """``s`` (object or string dtype) with formula-leading str cells prefixed; ``s`` itself when none are."""
    try:
        # vectorised: Arrow's starts_with for Arrow-backed strings, one C loop for object columns;
        # cells that are not str (numbers, None, lists in object columns) give NA -> False
        hit = s.str.startswith(FORMULA_CHARS).to_numpy(dtype=bool, na_value=False, copy=True)
    except AttributeError:  # an object column without a single string
        return s
    if not hit.any():
        return s
    # A plain number written as text ("-1.26", "+3", "-4e-05") cannot run as a formula, and a
    # quote would turn a table's numbers into text (defusedcsv makes the same exception).
    hits = s[hit]
    plain = hits.str.fullmatch(PLAIN_NUMBER).to_numpy(dtype=bool, na_value=False)
    if plain.all():
        return s
    hit[np.flatnonzero(hit)[plain]] = False
    if isinstance(s.dtype, pd.StringDtype):
        # concatenate only the hits and put them in place (Arrow's replace_with_mask): a few hits
        # cost little, and the peak is two copies of the column, where s.where(~hit, "'" + s) takes three
        out = s.copy()
        out[hit] = ("'" + s[hit]).array  # an array, not a Series: by position, the index may repeat
        return out
    values = s.to_numpy(dtype=object, copy=True)  # object: only the hits are str for sure
    values[hit] = "'" + values[hit]
    return pd.Series(values, index=s.index, name=s.name, dtype=object)


def _neutralise_column(s: pd.Series) -> pd.Series:
    if isinstance(s.dtype, pd.CategoricalDtype):
        cats = s.cat.categories
        if not _is_text(cats.dtype):
            return s
        new = _neutralise_text(pd.Series(cats, dtype=cats.dtype))
        if new is s:
            return s
        if new.is_unique:
            return s.cat.rename_categories(list(new))
        # a prefixed category would equal an existing one: neutralise the values instead
        return _neutralise_text(s.astype(object))
    if _is_text(s.dtype):
        return _neutralise_text(s)
    return s


def _neutralise_name(name):
    return "'" + name if isinstance(name, str) and name.startswith(FORMULA_CHARS) else name


def neutralise_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with every text cell that begins with ``= + - @ \\t \\r`` prefixed by ``'`` (OWASP).

    Posts come from adversarial sources. A post whose text is
    ``=HYPERLINK("http://x","y")`` becomes, in a CSV opened with Excel or
    LibreOffice, a live formula (a link, a lookup, on some set-ups a
    command): *CSV injection*, described by OWASP at
    https://owasp.org/www-community/attacks/CSV_Injection. The OWASP rule: a
    cell that begins with ``=``, ``+``, ``-``, ``@``, TAB or CR (the last two
    are trimmed or split by some spreadsheets, which then see the next
    character) gets one leading single quote ``'``; a spreadsheet shows such
    a cell as text and does not evaluate it.

    Only text cells change: in object, string and categorical columns, the
    values that are ``str`` and begin with one of :data:`FORMULA_CHARS` become
    ``"'" + value`` -- nothing is lost, the original is the cell without its
    first character. Everything else -- other text, text that is a plain number
    (``"-1.26"``: no spreadsheet evaluates it), missing values, numbers
    (negative ones included), booleans, times, non-string objects -- is left
    as it is, and so are the dtypes. A text that itself began with ``'`` is
    left as it is too, so for every value exactly as stored write raw CSV
    (``--raw``), Parquet or JSON. Column names get the same rule (amplify's
    never need it). Vectorised per column (Arrow's ``starts_with`` on Arrow
    strings); columns without a formula-leading cell are not copied, and
    ``df`` is never modified.

    Parameters
    ----------
    df : pandas.DataFrame

    Returns
    -------
    pandas.DataFrame
        ``df`` itself when no cell or name needed a quote, else a new frame.

    Examples
    --------
    >>> df = pd.DataFrame({"text": ['=HYPERLINK("http://x","y")', "plain", "-2+3", None, "-1.26"],
    ...                    "lag": [-1.5, 2.0, 3.0, 4.0, 5.0]})
    >>> neutralise_formulas(df)["text"].tolist()
    ['\\'=HYPERLINK("http://x","y")', 'plain', "'-2+3", nan, '-1.26']
    >>> neutralise_formulas(df)["lag"].tolist()
    [-1.5, 2.0, 3.0, 4.0, 5.0]
    """
    changed = {}
    for i in range(df.shape[1]):
        col = df.iloc[:, i]
        new = _neutralise_column(col)
        if new is not col:
            changed[i] = new
    names = [_neutralise_name(c) for c in df.columns] if not isinstance(df.columns, pd.MultiIndex) \
        else list(df.columns)
    renamed = any(isinstance(a, str) and a != b for a, b in zip(names, df.columns))
    if not changed and not renamed:
        return df
    out = df.copy(deep=False)
    for i, new in changed.items():
        out.isetitem(i, new)
    if renamed:
        out.columns = pd.Index(names, dtype=object)
    return out


def _writer_quotes_bare_cr() -> bool:
    """Does this Python's csv writer quote a cell holding a bare ``\\r`` with ``\\n`` line ends?"""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(["a\rb"])
    return buf.getvalue().startswith('"')


_QUOTES_BARE_CR = _writer_quotes_bare_cr()


def _arrow_has_byte(s: pd.Series, byte: int) -> bool:
    """Does any value of the Arrow-backed string Series ``s`` hold ``byte``? Scans the data buffers."""
    arr = pa.array(s.array)  # zero-copy for Arrow storage
    for chunk in (arr.chunks if isinstance(arr, pa.ChunkedArray) else [arr]):
        if len(chunk) == 0:
            continue
        _, offsets, data = chunk.buffers()
        otype = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
        ends = np.frombuffer(offsets, otype, count=len(chunk) + 1, offset=chunk.offset * np.dtype(otype).itemsize)
        if data is None or ends[-1] == ends[0]:
            continue
        used = np.frombuffer(data, np.uint8)[ends[0]:ends[-1]]
        for i in range(0, len(used), 1 << 24):  # in slices: no bool array the size of the text
            if (used[i:i + (1 << 24)] == byte).any():
                return True
    return False


def _has_cr(df: pd.DataFrame) -> bool:
    """Is there a ``\\r`` in any text cell? (Vectorised; Arrow strings are scanned as bytes.)"""
    for i in range(df.shape[1]):
        s = df.iloc[:, i]
        if isinstance(s.dtype, pd.CategoricalDtype):
            s = pd.Series(s.cat.categories, dtype=s.cat.categories.dtype)
        if isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow":
            if _arrow_has_byte(s, 13):
                return True
            continue
        if not _is_text(s.dtype):
            continue
        try:
            if s.str.contains("\r", regex=False).to_numpy(dtype=bool, na_value=False).any():
                return True
        except AttributeError:  # an object column without a single string
            continue
    return False


def write_csv(df: pd.DataFrame, out, *, raw: bool = False, lineterminator: str | None = None, **kw) -> None:
    """Write ``df`` as CSV to the open text file ``out``, without the index, safe for spreadsheets.

    Unless ``raw``, cells go through :func:`neutralise_formulas`. In either
    case a cell holding a bare carriage return is quoted: spreadsheets end a
    row at a CR, so the rest of an unquoted cell would open a row of its own
    and could begin with a formula. Python's ``csv`` writer quotes such a cell
    with ``\\n`` line ends only from 3.11.9 / 3.12.3 on (CPython gh-67044); on
    older versions a file whose cells hold a CR gets ``\\r\\n`` line ends
    instead (RFC 4180's; every CSV reader takes them), so that the writer
    quotes them. Lines otherwise end with ``lineterminator`` (default:
    pandas', ``os.linesep``); other keywords go to
    :meth:`pandas.DataFrame.to_csv`.

    >>> buf = io.StringIO()
    >>> write_csv(pd.DataFrame({"text": ["@SUM(A1)", "ok"], "n": [-2, 3]}), buf, lineterminator="\\n")
    >>> buf.getvalue()
    "text,n\\n'@SUM(A1),-2\\nok,3\\n"
    """
    if not raw:
        df = neutralise_formulas(df)
    if not _QUOTES_BARE_CR and "\r" not in (lineterminator or os.linesep) and _has_cr(df):
        lineterminator = "\r\n"
    # straight to the output (pandas writes it in chunks): a whole link set
    # built as one string first took 3 GB at 1M posts
    df.to_csv(out, index=False, lineterminator=lineterminator, **kw)
