"""What the analysis commands share: opening the workspace, tables and warnings on screen."""

from __future__ import annotations

import click
import pandas as pd

from amplify.cli.common import emit_table, terminal_safe

__all__ = ["screen_cell", "screen", "table", "heading", "open_workspace", "user_errors", "fmt_s", "warn", "when",
           "lag_words"]


def screen_cell(v):
    """A table cell for a terminal: empty when missing, text on one line with control characters escaped."""
    if v is None or v is pd.NA or v != v:
        return ""
    return terminal_safe(v, collapse_breaks=True) if isinstance(v, str) else v


def screen(df: pd.DataFrame) -> pd.DataFrame:
    """A copy fit for a terminal: no control characters or line breaks in text cells."""
    out = df.copy()
    for c in out.columns:
        if out[c].dtype == object or isinstance(out[c].dtype, pd.StringDtype):
            out[c] = out[c].astype(object).map(screen_cell)
    return out


def table(df: pd.DataFrame, fmt: str, max_rows: int = 50) -> None:
    emit_table(screen(df) if fmt == "table" else df, fmt, max_rows=max_rows)


def heading(text: str) -> None:
    click.echo(f"\n== {text}")


def open_workspace(workspace, linkset, *, text=False):
    """(ws, links, posts, outlets, settings of the link set)."""
    from amplify.analyze import load
    from amplify.workspace import Workspace
    from amplify.workspace.linksets import find_linkset

    ws = Workspace.open(workspace)
    links, posts, outlets = load(ws, linkset, text=text)
    settings = {}
    try:
        settings = dict(find_linkset(ws.path, ws.linksets(), linkset).get("settings", {}))
    except Exception:  # noqa: BLE001 - settings are a convenience (the window), never required
        settings = {}
    return ws, links, posts, outlets, settings


def user_errors() -> tuple:
    """The exceptions that mean "the arguments or the workspace are wrong": shown as a one-line error.

    Anything else (a ``KeyError`` or ``ValueError`` from a bug, say) is left to
    surface with its traceback. Imported when a command runs, so that
    ``amplify --help`` does not load the analyses.
    """
    from amplify.analyze.errors import AnalysisError
    from amplify.schema import SchemaError
    from amplify.workspace import WorkspaceError

    return (AnalysisError, WorkspaceError, SchemaError)


def fmt_s(s) -> str:
    if s is None or s != s:
        return "-"
    s = float(s)
    if s < 120:
        return f"{s:.0f}s"
    if s < 7200:
        return f"{s / 60:.0f}m"
    if s < 172800:
        return f"{s / 3600:.1f}h"
    return f"{s / 86400:.1f}d"


def when(t, unit) -> str:
    """A post's time as the paths and trace texts show it: the date alone where the hop's times are dates (a date
    read as midnight has no time of day to show), else to the minute: the pages' rule
    (:func:`amplify.render.readable.fmt_time`), without its "UTC"."""
    from amplify.render.readable import fmt_time

    return fmt_time(t, unit).removesuffix(" UTC")


def lag_words(s, unit, cite: bool = False, source_dated: bool | None = None,
              target_dated: bool | None = None) -> str:
    """A lag as the paths, trace and bridges texts show it: 'n/a' for a citation (no source post), 'same day'
    when the posts fall in one day of day-only times (the order is unknown: not '0s'), at day resolution the
    days between the two posts' dates when it is known which side gives dates (``source_dated``,
    ``target_dated``: :func:`amplify.render.readable.days_apart`), else whole days; else as recorded."""
    if cite:
        return "n/a"
    unit = unit if isinstance(unit, str) else None
    if s is None or s != s:
        return f"same {unit}" if unit else "-"
    if unit == "day":
        if source_dated is not None or target_dated is not None:
            from amplify.render.readable import days_apart

            n = days_apart(s, bool(source_dated), bool(target_dated))
            return "same day" if n == 0 else f"{n}d"
        # a known lag under a day at day resolution: different days, less than one apart
        return "<1d" if 0 < float(s) < 86400 else f"{float(s) / 86400:.0f}d"
    return fmt_s(s)


# --------------------------------------------------------------------------- synergy


def warn(warnings, quiet: bool = False) -> None:
    """Each warning on stderr, one line each (unless --quiet: then JSON and table output still carry them)."""
    if quiet:
        return
    for w in warnings:
        click.echo(f"warning: {terminal_safe(str(w), collapse_breaks=True)}", err=True)
