"""``amplify outlets``: the outlets of a workspace by volume, and a fill-in template for their camps.

An outlets table is written by hand; this lists what there is to name (every
outlet with its posts, first and last post, and what the table says of it
today) and writes it as a CSV template, biggest outlets first, that
``amplify ingest --outlets FILE`` reads back once the ``group`` column is
filled in.
"""

from __future__ import annotations

from pathlib import Path

import click
import pandas as pd

from amplify import schema
from amplify.cli.common import emit_table, note, quiet_option, raw_option, workspace_option

__all__ = ["command", "outlets_by_volume", "TEMPLATE_COLUMNS"]

#: The template's columns: the outlets table's, in the order ``ingest --outlets`` documents.
TEMPLATE_COLUMNS = ["outlet", "group", "kind", "name", "country", "aliases"]


def outlets_by_volume(ws) -> pd.DataFrame:
    """Every outlet of ``ws`` with ``posts``, ``first``, ``last`` and the outlets table's fields, most posts first.

    An outlet without a camp -- missing from the outlets table, or listed
    there with no group (stored as ``unknown``) -- has an empty ``group``, so
    a template shows what is left to fill in.
    """
    posts = ws.posts(columns=["outlet", "published_at"])
    by = posts.groupby("outlet", observed=True)["published_at"]
    vol = pd.DataFrame({"posts": by.size(), "first": by.min(), "last": by.max()})
    known = ws.outlets(fill_missing=False).set_index("outlet")
    out = vol.join(known.reindex(columns=TEMPLATE_COLUMNS[1:]), how="left")
    out = out.rename_axis("outlet").reset_index()
    out = out.sort_values(["posts", "outlet"], ascending=[False, True], kind="stable").reset_index(drop=True)
    out["group"] = out["group"].mask(out["group"].astype(object) == schema.UNKNOWN_GROUP)
    return out[["outlet", "posts", "first", "last"] + TEMPLATE_COLUMNS[1:]]


@click.command("outlets")
@workspace_option
@click.option("--write-template", "template", type=click.Path(dir_okay=False, readable=False),
              help="Write a CSV to fill in (outlet, group, kind, name, country, aliases), biggest outlets first, "
                   "what is known already filled in; read it back with `amplify ingest --outlets FILE`.")
@click.option("--limit", "-n", type=click.IntRange(1), default=50, show_default=True,
              help="Rows shown in table output.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True,
              help="Output format: a readable table, or JSON / CSV for scripts.")
@raw_option
@quiet_option
def command(workspace, template, limit, fmt, raw, quiet):
    """List the outlets by volume (posts, first and last post, camp), or write a template to name their camps.

    \b
    Example:
      amplify outlets --workspace ws
      amplify outlets --workspace ws --write-template outlets.csv
      # fill in the group column, then:
      amplify ingest --outlets outlets.csv --workspace ws
    """
    from amplify.io import atomic_output, write_csv
    from amplify.workspace import Workspace

    ws = Workspace.open(workspace)
    table = outlets_by_volume(ws)
    if template:
        if Path(template).exists():
            raise click.ClickException(f"{template} exists: the template is never written over a file (it may be "
                                       f"the one you filled in); give another name or remove it")
        with atomic_output(template, "w") as fh:
            write_csv(table[TEMPLATE_COLUMNS], fh, raw=raw)
        missing = int(table["group"].isna().sum())
        note(f"wrote {len(table):,} outlets to {template} ({missing:,} without a camp: fill in their group, then "
             f"`amplify ingest --outlets {template} --workspace {workspace}`)", quiet)
        return
    if not quiet and fmt == "table":
        missing = int(table["group"].isna().sum())
        note(f"{len(table):,} outlets, {int(table['posts'].sum()):,} posts; {missing:,} outlets without a camp", quiet)
    if fmt == "table":  # a field the outlets table leaves empty reads empty, not "NaN" (JSON keeps null, CSV "")
        table = table.astype({c: object for c in TEMPLATE_COLUMNS[1:]}).fillna({c: "" for c in TEMPLATE_COLUMNS[1:]})
    emit_table(table, fmt, max_rows=limit if fmt == "table" else len(table) + 1, raw=raw)
