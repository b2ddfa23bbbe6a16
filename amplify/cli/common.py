"""Shared option helpers and output for CLI commands, and the one error path.

Every failure reaches the user the same way (:func:`user_error`, called by
the command group for whatever a command lets through):

* an expected failure -- the project's user errors (``IngestError``,
  ``WorkspaceError``, ``SchemaError``, ``AnalysisError``, ``SettingsError``),
  a file system refusal (no space, no permission, read-only, missing), an
  unreadable data file -- is one message that names the file, line or column,
  what is wrong and how to fix it; exit code 1 (2 for a wrong option);
* anything else is a bug: one line naming it, and ``--debug`` (or
  ``AMPLIFY_DEBUG=1``) to see the traceback; exit code 3.
"""

from __future__ import annotations

import errno
import json
import os
import re
import sys

import click
import pandas as pd

from amplify.io import RAW_HELP, write_csv
from amplify.render.textsafe import CONTROL_CHARS, escaped

#: ``ctx.meta`` key under which the workspace of the running command is noted (for error messages).
WORKSPACE_KEY = "amplify.workspace"
#: Exit code of an unexpected error (a bug).
INTERNAL_ERROR_EXIT = 3


def _note_workspace(ctx, param, value):
    if value is not None:
        ctx.meta[WORKSPACE_KEY] = value
    return value


workspace_option = click.option(
    "--workspace", "-w", "workspace", required=True, type=click.Path(file_okay=False),
    callback=_note_workspace, help="Folder holding the corpus (created by `amplify ingest`).",
)
format_option = click.option(
    "--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True,
    help="Output format: a readable table, or JSON / CSV for scripts.",
)
quiet_option = click.option("--quiet", "-q", is_flag=True, help="No progress bars or notes on stderr.")
#: ``--raw``, on every command that writes CSV (see :func:`amplify.io.write_csv`).
raw_option = click.option("--raw", is_flag=True, help=RAW_HELP)

#: ``--linkset``, on every command that reads links.
linkset_option = click.option("--linkset", help="Link set id (see `amplify info`); default: the latest.")


_BREAKS = re.compile(r"[\t\n\r]+")


def terminal_safe(text: str, width: int | None = None, *, collapse_breaks: bool = False) -> str:
    r"""Text made harmless for a terminal: control characters (ANSI escapes, bidi
    overrides, newlines) shown as ``\xNN`` instead of acting, cut to ``width``.

    With ``collapse_breaks``, each run of tabs and line breaks becomes one
    space first (for text printed inside a line or a table cell), and only the
    other control characters are shown escaped.

    >>> print(terminal_safe("ok\x1b[31mred\nnext", 14))
    ok\x1b[31mred…
    >>> print(terminal_safe("one\r\n\ttwo\x07", collapse_breaks=True))
    one two\x07
    """
    text = str(text)
    if collapse_breaks:
        text = _BREAKS.sub(" ", text)
    text = escaped(text, CONTROL_CHARS)
    if width is not None and len(text) > width:
        text = text[: max(width - 1, 0)] + "…"
    return text


def _table_text(df: pd.DataFrame, max_rows: int, width: int = 60) -> str:
    shown = df.head(max_rows).copy()
    for col in shown.columns:
        if shown[col].dtype == object or isinstance(shown[col].dtype, pd.StringDtype):
            vals = [terminal_safe(v, width) if isinstance(v, str) else ("" if v is None or v is pd.NA else str(v))
                    for v in shown[col].tolist()]
            w = max([len(str(col))] + [len(v) for v in vals])
            shown[col] = [v.ljust(w) for v in vals]
    # column names may be data too (volume --by outlet: one column per outlet)
    shown.columns = [terminal_safe(c, width) if isinstance(c, str) else c for c in shown.columns]
    text = shown.to_string(index=False, justify="left")
    if len(df) > max_rows:
        text += f"\n... {len(df) - max_rows:,} more rows (use --format csv or json for all)"
    return text


def emit_table(df: pd.DataFrame, fmt: str, out=None, max_rows: int = 50, *, raw: bool = False) -> None:
    """Print ``df`` as a table, JSON records or CSV (to ``out`` or stdout).

    The table is for people: text is cut and control characters are shown
    escaped. JSON carries every value exactly. CSV is opened in spreadsheets:
    a text cell that begins with = + - @ (or a tab or carriage return) gets
    a leading ``'`` so it is not run as a formula
    (:func:`amplify.io.neutralise_formulas`), unless ``raw``, which
    writes every value exactly.
    """
    out = out or sys.stdout
    if fmt == "json":
        out.write(df.to_json(orient="records", date_format="iso", force_ascii=False, indent=1))
        out.write("\n")
    elif fmt == "csv":
        write_csv(df, out, raw=raw)
    else:
        if df.empty:
            out.write("(no rows)\n")
            return
        out.write(_table_text(df, max_rows) + "\n")


def emit_json(obj, out=None) -> None:
    out = out or sys.stdout
    out.write(json.dumps(obj, indent=1, ensure_ascii=False, default=str) + "\n")


def note(msg: str, quiet: bool = False) -> None:
    """A human note on stderr (kept off stdout so JSON/CSV output stays clean); a character that
    would act on the terminal (an escape, a bidi override) is shown as ``\\xNN`` / ``\\uNNNN``
    (notes name files and outlets, which are the user's data)."""
    if not quiet:
        click.echo(escaped(str(msg)), err=True)


class InternalError(click.ClickException):
    """An unexpected exception: a bug, shown as one line with the way to its traceback."""

    exit_code = INTERNAL_ERROR_EXIT

    def format_message(self) -> str:
        return self.message


def debug_enabled(ctx: click.Context | None = None) -> bool:
    """``--debug`` given, or ``AMPLIFY_DEBUG`` set to something other than ``0``/empty."""
    if ctx is not None and ctx.find_root().meta.get("amplify.debug"):
        return True
    return os.environ.get("AMPLIFY_DEBUG", "") not in ("", "0")


def _user_error_classes() -> tuple:
    from amplify.analyze.errors import AnalysisError
    from amplify.detect import SettingsError
    from amplify.ingest import IngestError
    from amplify.schema import SchemaError
    from amplify.workspace import WorkspaceError

    return IngestError, WorkspaceError, SchemaError, AnalysisError, SettingsError


def _inside(path: str | None, folder: str | None) -> bool:
    if not path or not folder:
        return False
    try:
        return os.path.commonpath([os.path.abspath(path), os.path.abspath(folder)]) == os.path.abspath(folder)
    except ValueError:
        return False


def os_error_message(exc: OSError, workspace: str | None = None) -> str:
    """What a file system refusal means for the user, and what to do.

    >>> print(os_error_message(OSError(errno.ENOSPC, "No space left on device", "ws/posts/part-000002.parquet")))
    no space left on the device while writing ws/posts/part-000002.parquet: the command stopped, and what it had written was removed (outputs and workspace files are written to a temporary file and renamed only when complete, so the workspace is as it was); free some space and run it again
    """
    where = exc.filename or exc.filename2
    shown = f" {where}" if where else ""
    in_ws = _inside(where, workspace)
    ws_hint = (f"; reading commands (info, check, links, html, report, export, analyses) work on workspace "
               f"{workspace}, but writing to it needs write permission: ask its owner, or copy it (cp -r) and "
               f"use the copy") if in_ws else ""
    code = exc.errno
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        what = "no space left on the device" if code == errno.ENOSPC else "disk quota exceeded"
        return (f"{what} while writing{shown}: the command stopped, and what it had written was removed "
                f"(outputs and workspace files are written to a temporary file and renamed only when complete, "
                f"so the workspace is as it was); free some space and run it again")
    if code in (errno.EACCES, errno.EPERM):
        return f"permission denied:{shown or ' (a file)'}{ws_hint or '; check the file and folder permissions'}"
    if code == errno.EROFS:
        return f"read-only file system:{shown} cannot be written{ws_hint or '; write the output elsewhere'}"
    if code == errno.ENOENT:
        hint = (f"; a file of the workspace is missing: run `amplify check --workspace {workspace}`"
                if in_ws else "")
        return f"no such file or folder:{shown}{hint}"
    if code == errno.EIO:
        return f"input/output error on{shown or ' a file'}: the disk or network share failed; check it and retry"
    return f"{exc.strerror or exc}:{shown}" if shown else f"{exc.strerror or exc}"


def user_error(exc: BaseException, ctx: click.Context | None = None) -> click.ClickException:
    """The one-line error shown for ``exc`` (see the module's docstring)."""
    workspace = ctx.meta.get(WORKSPACE_KEY) if ctx is not None else None
    if isinstance(exc, _user_error_classes()):
        return click.ClickException(str(exc))
    if isinstance(exc, OSError) and exc.errno is not None and not _is_arrow(exc):
        return click.ClickException(os_error_message(exc, workspace))
    if _is_arrow(exc):
        where = (f"a file of workspace {workspace} cannot be read ({_one_line(exc)}): the workspace may be "
                 f"damaged; run `amplify check --workspace {workspace}`") if workspace else \
            f"a data file cannot be read ({_one_line(exc)})"
        return click.ClickException(where)
    if isinstance(exc, MemoryError):
        return click.ClickException("out of memory: the input is too large for this machine's memory; ingest "
                                    "it in smaller files, or lower --max-field-size")
    return InternalError(f"internal error (a bug in amplify): {type(exc).__name__}: {_one_line(exc)}. "
                         f"Run the command again with --debug to see the traceback, and please report it")


def _is_arrow(exc: BaseException) -> bool:
    return type(exc).__module__.startswith("pyarrow")


def _one_line(exc: BaseException, width: int = 300) -> str:
    return terminal_safe(str(exc) or type(exc).__name__, width, collapse_breaks=True)


#: The packages whose compiled kernels each command runs (see :mod:`amplify.jit_cache`).
KERNELS_OF = {"ingest": ("text", "ingest"), "detect": ("text", "detect"),
              "demo": ("text", "ingest", "detect", "analyze")}
KERNELS_OF.update({c: ("analyze",) for c in ("synergy", "bridges", "paths", "trace", "volume", "summary", "html",
                                             "report", "export")})


def compiling_note(args) -> str | None:
    """The note a command line prints before a first run compiles the kernels, or None.

    ``args`` is the command line after ``amplify``; nothing is said for
    ``--help``, ``--quiet`` or a command that compiles nothing, or when the
    kernels it runs are cached already.
    """
    args = [str(a) for a in args]
    name = next((a for a in args if not a.startswith("-")), None)
    wanted = KERNELS_OF.get(name)
    if not wanted or {"-q", "--quiet", "-h", "--help"} & set(args):
        return None
    from amplify.jit_cache import COMPILING_NOTE, cold_packages

    return f"amplify: {COMPILING_NOTE}" if set(wanted) & set(cold_packages()) else None
