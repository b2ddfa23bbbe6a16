"""``amplify links``: print or write a link set with both posts' outlets, times and matched text."""

from __future__ import annotations

import click

from amplify.cli.common import emit_table, note, quiet_option, raw_option, workspace_option
from amplify.cli.vocabulary import split_list
from amplify.io import atomic_output
from amplify.schema import LINK_KINDS
from amplify.workspace import Workspace, WorkspaceError
# the join lives in the workspace's query layer; still importable from here, as before
from amplify.workspace.queries import PASSAGE_CHARS, links_with_evidence

#: Links the table format prints when neither --limit nor --out is given.
TABLE_ROWS = 50
#: ``limit_text`` for files: passages are written whole.
WHOLE_PASSAGES = 10**9
#: The columns the table format prints (files get every column).
TABLE_COLUMNS = ["source_outlet", "target_outlet", "kind", "score", "lag_s", "attributed", "is_parent",
                 "target_text"]


@click.command("links")
@workspace_option
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json", "parquet"]), default="table",
              show_default=True)
@click.option("--out", "-o", type=click.Path(dir_okay=False, readable=False), help="Write to this file (required for parquet).")
@click.option("--linkset", help="Link set id (see `amplify info`); default: the latest.")
@click.option("--parents-only", is_flag=True, help="Only each echo's most likely direct source.")
@click.option("--kind", "kinds", multiple=True, metavar="KIND[,KIND]",
              help=f"Only these link kinds ({', '.join(LINK_KINDS)}); repeat the flag or separate by commas.")
@click.option("--limit", "-n", type=click.IntRange(0), default=None, help=f"At most this many rows (table output: {TABLE_ROWS}).")
@raw_option
@quiet_option
def command(workspace, fmt, out, linkset, parents_only, kinds, limit, raw, quiet):
    """Print or write the links: who echoes whom, how, how closely, how late, with the matched text.

    Columns: source_id, target_id, kind, score, source_start, source_end,
    target_start, target_end, lag_s, attributed, is_parent, tie,
    source_coverage, target_coverage, passages (every reused passage when
    there are two or more), then each side's outlet, group, time and matched
    text. A template link (same frame, other facts) is listed, but it is not
    an echo.

    CSV is for spreadsheets: a cell that begins with = + - @ gets a leading '
    so that it is not run as a formula; --raw writes it as stored.

    \b
    Example:
      amplify links --workspace ws --format csv --out links.csv
      amplify links --workspace ws --kind quote --parents-only
    """
    kinds = split_list(kinds)
    unknown = [k for k in kinds if k not in LINK_KINDS]
    if unknown:
        raise click.BadParameter(f"{unknown[0]!r} is not a link kind: give one of {', '.join(LINK_KINDS)}",
                                 param_hint="--kind")
    if limit is None and fmt == "table" and not out:
        limit_read = TABLE_ROWS
    else:
        limit_read = limit
    try:
        ws = Workspace.open(workspace)
        df = links_with_evidence(ws, linkset, parents_only=parents_only, kinds=kinds,
                                 limit_text=PASSAGE_CHARS if fmt == "table" else WHOLE_PASSAGES, limit=limit_read)
    except (WorkspaceError, KeyError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    if limit is not None:
        df = df.head(limit)
    if fmt == "parquet":
        if not out:
            raise click.UsageError("--format parquet needs --out FILE")
        with atomic_output(out, "wb") as fh:
            df.to_parquet(fh, index=False)
        note(f"wrote {len(df):,} links to {out}", quiet)
        return
    if out:
        with atomic_output(out, "w") as fh:
            emit_table(df, fmt, fh, max_rows=len(df) + 1, raw=raw)
        note(f"wrote {len(df):,} links to {out}", quiet)
    else:
        shown = df
        if fmt == "table":  # for people: the lag in words ("3 h 12 min"); files keep lag_s in seconds
            from amplify.analyze.ties import day_only_outlets
            from amplify.render.readable import fmt_days, fmt_lag

            # a lag to or from an outlet that gives dates only is known to the day ("same day", "5 d")
            dated = set(day_only_outlets(ws.posts(columns=["outlet", "published_at"]))) if len(df) else set()
            shown = df[TABLE_COLUMNS].copy()
            shown.insert(TABLE_COLUMNS.index("lag_s"), "lag", [
                fmt_days(v, a in dated, b in dated) if a in dated or b in dated else fmt_lag(v)
                for v, a, b in zip(shown.pop("lag_s"), shown["source_outlet"], shown["target_outlet"])])
        emit_table(shown, fmt, max_rows=limit or TABLE_ROWS, raw=raw)
