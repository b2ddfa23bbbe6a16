"""``amplify info``: what a workspace holds."""

from __future__ import annotations

import click

from amplify.cli.common import emit_json, terminal_safe, workspace_option


#: From this many parts that compaction would merge, ``info`` suggests ``amplify compact``.
COMPACT_HINT_PARTS = 10

#: Units of a size on disk, each 1024 times the one before.
SIZE_UNITS = ("B", "KiB", "MiB", "GiB")


def human_bytes(n: int) -> str:
    """``n`` bytes in the largest unit up to GiB that keeps the number under 1024: ``"3.2 MiB"``, ``"512 B"``."""
    for unit in SIZE_UNITS:
        if n < 1024 or unit == SIZE_UNITS[-1]:
            return f"{n:,.0f} {unit}" if unit == SIZE_UNITS[0] else f"{n:,.1f} {unit}"
        n /= 1024


@click.command("info")
@workspace_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def command(workspace, fmt):
    """Counts, time range, camps, link sets and their settings, format version, size on disk.

    \b
    Example:
      amplify info --workspace ws
    """
    from amplify.workspace import Workspace
    from amplify.detect.settings import describe_record

    ws = Workspace.open(workspace, verify=False)
    health = ws.check(deep=False)
    if not health.ok:  # the short form of `amplify check`: say what is damaged, read nothing damaged
        if fmt == "json":
            emit_json({"path": str(ws.path), "health": health.to_dict()})
        else:
            click.echo(str(health))
            click.echo(f"run `amplify check --workspace {workspace}` for the details, and "
                       f"`amplify check --workspace {workspace} --repair` to make it usable again")
        raise click.exceptions.Exit(1)
    info = ws.info()
    info["health"] = health.to_dict()
    for ls in info["linksets"]:  # "defaults", "precise", or what differs from the nearer of the two
        ls["detection"] = describe_record(ls["settings"])
    if fmt == "json":
        emit_json(info)
        return
    tr = info["time_range"]
    click.echo(f"workspace   {info['path']}  ({info['format']} v{info['format_version']}, "
               f"generation {info['generation']}, {human_bytes(info['bytes'])} on disk)")
    click.echo(f"health      ok: {health.files} file(s) present with their recorded size "
               f"(`amplify check` also verifies rows and checksums)")
    click.echo(f"posts       {info['n_posts']:,} in {info['n_parts']} part(s)"
               + (f", {tr[0]} .. {tr[1]}" if tr else ""))
    if info.get("n_compactable_parts", 0) >= COMPACT_HINT_PARTS:
        click.echo(f"            {info['n_compactable_parts']:,} small or overlapping parts: "
                   f"`amplify compact --workspace {terminal_safe(workspace)}` merges them (faster reads by time)")
    groups = ", ".join(f"{terminal_safe(g, collapse_breaks=True)} {n:,}" for g, n in info["groups"].items())
    click.echo(f"outlets     {info['n_outlets']:,}: {groups}")
    if info["n_missing_outlets"]:
        click.echo(f"            {info['n_missing_outlets']:,} outlets are not in the outlets table "
                   f"(group 'unknown'); add them with `amplify ingest --outlets FILE`")
    if not info["linksets"]:
        click.echo("link sets   none yet: run `amplify detect --workspace ...`")
    for ls in info["linksets"]:
        s = ls["settings"]
        about = (["latest, used by default"] if ls.get("latest") else []) \
            + ([f"detection: {ls['detection']}"] if ls["detection"] else [])
        latest = f" ({'; '.join(about)})" if about else ""
        click.echo(f"link set    {ls['id']}{latest}: {ls['n_links']:,} links, posts through ingest "
                   f"#{ls['covered_through']}, updated {ls.get('updated_at', '')}")
        click.echo("            " + ", ".join(f"{k}={v}" for k, v in sorted(s.items())))
