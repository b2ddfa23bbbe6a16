"""``amplify compact``: merge a workspace's many small posts parts into fewer large ones."""

from __future__ import annotations

import click

from amplify.cli.common import emit_json, quiet_option, terminal_safe, workspace_option
from amplify.workspace.compact import DEFAULT_ROWS_PER_PART


@click.command("compact")
@workspace_option
@click.option("--rows-per-part", type=click.IntRange(min=1), default=DEFAULT_ROWS_PER_PART, show_default=True,
              help="Target posts per part; the peak memory is about one part's posts.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@quiet_option
def command(workspace, rows_per_part, fmt, quiet):
    """Rewrite many small posts parts into fewer large ones, sorted by time.

    Each ingest adds a part; after many appends, reads of a time range and
    every command's start-up open many files. Compaction merges them into
    parts of about --rows-per-part posts whose time ranges do not overlap,
    so time-range reads skip whole files and row groups. The posts, link
    sets, embeddings and incremental detection are unchanged; one atomic
    commit, under the workspace lock; a run killed at any point leaves the
    workspace readable (as before, or compacted). Parts already large and
    not overlapping others are kept, so compacting again after a few
    appends rewrites only the new parts.

    \b
    Example:
      amplify compact --workspace ws
    """
    from amplify.workspace import Workspace

    ws = Workspace.open(workspace)
    with ws.writer():
        report = ws.compact(rows_per_part=rows_per_part, progress=not quiet)
    if fmt == "json":
        emit_json({"workspace": str(ws.path), "changed": report.changed, "parts_before": report.parts_before,
                   "parts_after": report.parts_after, "parts_merged": report.parts_merged,
                   "parts_written": report.parts_written, "posts_moved": report.posts_moved,
                   "bytes_before": report.bytes_before, "bytes_after": report.bytes_after,
                   "generation": ws.generation, "last_seq": ws.last_seq})
        return
    click.echo(f"workspace {terminal_safe(str(ws.path))}: {report}")
