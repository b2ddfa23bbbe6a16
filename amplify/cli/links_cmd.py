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
    posts = ws.posts(columns=["post_id", "outlet", "published_at", "text"], ids=ids).set_index("post_id")
    groups = ws.outlets().set_index("outlet")["group"]
    out = links.copy()
    for side, col in (("source", "source_id"), ("target", "target_id")):
        p = posts.reindex(out[col].to_numpy())
        out[f"{side}_outlet"] = p["outlet"].to_numpy()
        out[f"{side}_group"] = groups.reindex(p["outlet"].to_numpy()).to_numpy()
        out[f"{side}_time"] = p["published_at"].to_numpy()
        texts = p["text"].to_numpy(dtype=object)
        starts = out[f"{side}_start"].to_numpy()
        ends = out[f"{side}_end"].to_numpy()
        out[f"{side}_text"] = [
            (t[a:b] if len(t[a:b]) <= limit_text else t[a:b][:limit_text] + "…") if isinstance(t, str) else None
            for t, a, b in zip(texts, starts, ends)
        ]
    return out.reset_index(drop=True).astype({"source_text": "string", "target_text": "string"}) \
        if len(out) else out.assign(source_text=pd.Series(dtype="string"), target_text=pd.Series(dtype="string"))


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
