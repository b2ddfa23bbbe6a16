"""Shared option helpers and output for CLI commands."""

from __future__ import annotations

import io
import json
import sys

import click
import pandas as pd

workspace_option = click.option(
    "--workspace", "-w", "workspace", required=True, type=click.Path(file_okay=False),
    help="Folder holding the corpus (created by `amplify ingest`).",
)
format_option = click.option(
    "--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True,
    help="Output format: a readable table, or JSON / CSV for scripts.",
)
quiet_option = click.option("--quiet", "-q", is_flag=True, help="No progress bars or notes on stderr.")


def emit_table(df: pd.DataFrame, fmt: str, out=None, max_rows: int = 50) -> None:
    """Print ``df`` as a table, JSON records or CSV (to ``out`` or stdout)."""
    out = out or sys.stdout
    if fmt == "json":
        out.write(df.to_json(orient="records", date_format="iso", force_ascii=False, indent=1))
        out.write("\n")
    elif fmt == "csv":
        buf = io.StringIO()
        df.to_csv(buf, index=False)
        out.write(buf.getvalue())
    else:
        if df.empty:
            out.write("(no rows)\n")
            return
        with pd.option_context("display.max_rows", max_rows, "display.max_columns", 30,
                               "display.width", 160, "display.max_colwidth", 60):
            out.write(df.to_string(index=False, max_rows=max_rows) + "\n")


def emit_json(obj, out=None) -> None:
    out = out or sys.stdout
    out.write(json.dumps(obj, indent=1, ensure_ascii=False, default=str) + "\n")


def note(msg: str, quiet: bool = False) -> None:
    """A human note on stderr (kept off stdout so JSON/CSV output stays clean)."""
    if not quiet:
        click.echo(msg, err=True)
