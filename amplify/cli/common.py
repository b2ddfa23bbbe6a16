"""Shared option helpers and output for CLI commands."""

from __future__ import annotations

import json
import re
import sys

import click
import pandas as pd

from amplify.io import RAW_HELP, write_csv

workspace_option = click.option(
    "--workspace", "-w", "workspace", required=True, type=click.Path(file_okay=False),
    help="Folder holding the corpus (created by `amplify ingest`).",
)
format_option = click.option(
    "--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True,
    help="Output format: a readable table, or JSON / CSV for scripts.",
)
quiet_option = click.option("--quiet", "-q", is_flag=True, help="No progress bars or notes on stderr.")
#: ``--raw``, on every command that writes CSV (see :func:`amplify.io.write_csv`).
raw_option = click.option("--raw", is_flag=True, help=RAW_HELP)


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
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
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256
                        else f"\\u{ord(m.group()):04x}", text)
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
    """A human note on stderr (kept off stdout so JSON/CSV output stays clean)."""
    if not quiet:
        click.echo(msg, err=True)
