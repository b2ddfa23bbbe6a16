"""``amplify check``: is every file of a workspace there, whole and unchanged; and how to recover."""

from __future__ import annotations

import click

from amplify.cli.common import emit_json, workspace_option


@click.command("check")
@workspace_option
@click.option("--repair", is_flag=True,
              help="Make a damaged workspace usable: damaged files are moved to WORKSPACE/damaged/ and dropped "
                   "from the manifest (with the link sets, when posts are lost); then ingest the files named "
                   "again and run detect.")
@click.option("--quick", is_flag=True, help="Only check that every file is there with its recorded size.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def command(workspace, repair, quick, fmt):
    """Verify every file the manifest names: present, its size, its row count and its checksum.

    Names what is damaged and how to recover: link sets are rebuilt by
    `amplify detect`; lost posts come back by ingesting their files again
    (the message names them). Exit code 0 when the workspace is whole, 1
    when it is damaged (or was, before --repair).

    \b
    Example:
      amplify check --workspace ws
      amplify check --workspace ws --repair
    """
    from amplify.workspace import Workspace

    ws = Workspace.open(workspace, verify=False)
    report = ws.check(deep=not quick)
    done: list[str] = []
    if repair and not report.ok:
        with ws.writer():
            done = ws.repair()
    if fmt == "json":
        emit_json(dict(report.to_dict(), repaired=done))
    else:
        click.echo(str(report))
        for line in done:
            click.echo(f"  repaired: {line}")
        if done:
            click.echo(f"workspace {workspace} is usable again; ingest the files named above and run "
                       f"`amplify detect --workspace {workspace}` to get back what was lost")
    if not report.ok:
        raise click.exceptions.Exit(1)
