"""``amplify links``: print or write a link set with both posts' outlets, times and matched text."""

from __future__ import annotations

import click

from amplify.cli.common import emit_table, workspace_option


def links_with_evidence(ws, linkset=None, *, parents_only=False, kinds=None, limit_text=300, limit=None):
    """Links joined with both posts' outlets, groups, times and matched passages.

    Filters and ``limit`` apply before the join, and only the posts the
    remaining links name are read, so a few links of a big workspace come fast.
    """
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    from amplify.text import slice_texts

    links = ws.links(linkset=linkset)
    if parents_only:
        links = links[links["is_parent"]]
    if kinds:
        links = links[links["kind"].isin(list(kinds))]
    if limit is not None:
        links = links.head(limit)
    ids = None
    if len(links) < 0.2 * ws.n_posts:  # reading every post is cheaper than filtering then
        ids = pd.unique(np.r_[links["source_id"].to_numpy(dtype=object), links["target_id"].to_numpy(dtype=object)])
    posts = ws.posts(columns=["post_id", "outlet", "published_at", "text"], ids=ids)
    # Join in Arrow and numpy: the texts stay in their Arrow buffers and only
    # the matched passages are cut out (a whole link set of a big workspace
    # is over a million passages)
    post_ids = pa.array(posts["post_id"].astype("string").array).cast(pa.large_string())
    outlet_code, outlet_names = pd.factorize(posts["outlet"])
    outlet_names = np.asarray(outlet_names, dtype=object)
    groups = ws.outlets().set_index("outlet")["group"]
    group_of = groups.reindex(outlet_names).to_numpy(dtype=object)
    times = posts["published_at"].dt.tz_convert(None).to_numpy()
    texts = pa.array(posts["text"].array)
    out = links.copy()
    for side, col in (("source", "source_id"), ("target", "target_id")):
        wanted = pa.array(out[col].astype("string").array).cast(pa.large_string())
        row = pc.index_in(wanted, value_set=post_ids)
        row = row.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
        found = row >= 0  # a link to a post no longer stored shows NA, not an error
        at = np.where(found, row, 0)
        if len(posts):
            code = outlet_code[at]
            named = found & (code >= 0)
            outlet = np.where(named, outlet_names[np.maximum(code, 0)], None) if len(outlet_names) else \
                np.full(len(row), None)
            group = np.where(named, group_of[np.maximum(code, 0)], None) if len(outlet_names) else \
                np.full(len(row), None)
            when = np.where(found, times[at], np.datetime64("NaT", "ns"))
        else:
            outlet = group = np.full(len(row), None)
            when = np.full(len(row), np.datetime64("NaT", "ns"))
        out[f"{side}_outlet"] = pd.array(outlet, dtype="string")
        out[f"{side}_group"] = pd.array(group, dtype="string")
        out[f"{side}_time"] = pd.to_datetime(when, utc=True)
        passage = slice_texts(texts, row, out[f"{side}_start"].to_numpy(), out[f"{side}_end"].to_numpy(),
                              limit=limit_text)
        out[f"{side}_text"] = pd.arrays.ArrowStringArray(passage.cast(pa.large_string()))
    out = out.reset_index(drop=True)
    return out.astype({"source_text": "string", "target_text": "string"})


@click.command("links")
@workspace_option
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json", "parquet"]), default="table",
              show_default=True)
@click.option("--out", type=click.Path(dir_okay=False), help="Write to this file (required for parquet).")
@click.option("--linkset", help="Link set id (see `amplify info`); default: the latest.")
@click.option("--parents-only", is_flag=True, help="Only each echo's most likely direct source.")
@click.option("--kind", "kinds", multiple=True,
              type=click.Choice(["repost", "quote_post", "verbatim", "quote", "paraphrase"]),
              help="Only these kinds (repeatable).")
@click.option("--limit", type=int, default=None, help="At most this many rows (table output: 50).")
def command(workspace, fmt, out, linkset, parents_only, kinds, limit):
    """Print or write the links: who echoes whom, how, how closely, how late, with the matched text.

    Columns: source_id, target_id, kind, score, source_start, source_end,
    target_start, target_end, lag_s, attributed, is_parent, tie, then each
    side's outlet, group, time and matched text.

    \b
    Example:
      amplify links --workspace ws --format csv --out links.csv
      amplify links --workspace ws --kind quote --parents-only
    """
    from amplify.io import atomic_output
    from amplify.workspace import Workspace, WorkspaceError

    try:
        ws = Workspace.open(workspace)
        df = links_with_evidence(ws, linkset, parents_only=parents_only, kinds=kinds,
                                 limit_text=300 if fmt == "table" else 10**9,
                                 limit=limit if limit is not None else (50 if fmt == "table" and not out else None))
    except (WorkspaceError, KeyError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    if limit is not None:
        df = df.head(limit)
    if fmt == "parquet":
        if not out:
            raise click.UsageError("--format parquet needs --out FILE")
        with atomic_output(out, "wb") as fh:
            df.to_parquet(fh, index=False)
        click.echo(f"wrote {len(df):,} links to {out}", err=True)
        return
    if out:
        with atomic_output(out, "w") as fh:
            emit_table(df, fmt, fh, max_rows=len(df) + 1)
        click.echo(f"wrote {len(df):,} links to {out}", err=True)
    else:
        shown = df if fmt != "table" else df[["source_outlet", "target_outlet", "kind", "score", "lag_s",
                                              "attributed", "is_parent", "target_text"]]
        emit_table(shown, fmt, max_rows=limit or 50)
