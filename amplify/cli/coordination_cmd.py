"""``amplify coordination``: accounts that push the same content within seconds, again and again.

A thin layer over :func:`amplify.analyze.coordination.coordination`: open
the workspace, read the columns the chosen ``--by`` needs, call it, print the
pairs and clusters as a table, JSON or CSV. Errors take the one error path
of :mod:`amplify.cli` (an :class:`~amplify.analyze.errors.AnalysisError`
becomes a one-line message, exit code 1).
"""

from __future__ import annotations

import click

from amplify.cli.analysis_output import heading, open_workspace, table, user_errors, warn
from amplify.cli.common import (emit_json, emit_table, format_option, note, quiet_option, raw_option, terminal_safe,
                                 workspace_option)

__all__ = ["command"]


def _posts(ws, by: str):
    """The posts with the columns ``by`` needs (``reposted_id``, ``urls``, else ``text`` for addresses)."""
    stored = set(ws.post_columns())
    cols = ["post_id", "outlet", "published_at"]
    if by in ("repost", "any") and "reposted_id" in stored:
        cols.append("reposted_id")
    if by in ("url", "any"):
        cols.append("urls" if "urls" in stored else "text")
    return ws.posts(columns=cols)


@click.command("coordination")
@workspace_option
@click.option("--within", default="60s", show_default=True,
              help="Interval within which two accounts' posts of one content count as a co-post (60s, 5min, 1h, 1d).")
@click.option("--min-repeats", type=click.IntRange(1), default=3, show_default=True,
              help="Co-posts a pair of accounts needs to be listed and tested.")
@click.option("--by", type=click.Choice(["text", "url", "repost", "any"]), default="text", show_default=True,
              help="What 'the same content' is: the echo family of the text (copies, quotes, paraphrases, ties, "
                   "reposts), a shared link (normalised), a repost of one post, or any of them.")
@click.option("--alpha", type=float, default=0.01, show_default=True,
              help="False discovery rate over the pairs tested (Benjamini-Hochberg).")
@click.option("--null", "null", type=click.Choice(["jitter", "shift"]), default="jitter", show_default=True,
              help="Null model: every post jittered within --jitter (keeps each account's activity at that "
                   "scale), or one account's whole timeline shifted against the other's.")
@click.option("--jitter", default=None, help="How far the jitter null moves each post either way "
                                             "(default: 10min, or ten times --within when longer).")
@click.option("--communities", is_flag=True,
              help="Split clusters (connected groups of coordinated accounts) into Louvain communities.")
@click.option("--top", "-n", type=click.IntRange(1), default=50, show_default=True, help="Pairs shown in table output.")
@click.option("--all-pairs", is_flag=True, help="Show every pair tested, not only the coordinated ones.")
@click.option("--table", "which", type=click.Choice(["pairs", "clusters"]), default="pairs", show_default=True,
              help="With --format csv: the table to write.")
@click.option("--linkset", help="Link set id (see `amplify info`); default: the latest.")
@format_option
@raw_option
@quiet_option
def command(workspace, within, min_repeats, by, alpha, null, jitter, communities, top, all_pairs, which, linkset,
            fmt, raw, quiet):
    """Which accounts post the same content within seconds of each other, again and again?

    Pairs of accounts (outlets) whose posts carry one content (--by) within
    --within of each other at least --min-repeats times, each tested against
    a null that keeps each account's own activity (every post jittered by up
    to --jitter), so busy accounts are not flagged merely for posting a lot:
    expected co-posts, z, p, and q (Benjamini-Hochberg); coordinated when q
    <= --alpha. Clusters are the connected groups of coordinated accounts,
    with their camps, the content they pushed most and their time span.
    Times known only to the day cannot answer a 60 s question: such posts
    are left out with a warning, or the command says what can be asked.

    \b
    Example:
      amplify coordination --workspace ws
      amplify coordination --workspace ws --by url --within 5min --min-repeats 5
      amplify coordination --workspace ws --format csv --table clusters
    """
    from amplify.analyze.coordination import coordination

    try:
        ws, links, _, outlets, _ = open_workspace(workspace, linkset)
        posts = _posts(ws, by)
        note(f"{len(posts):,} posts, {len(links):,} links; co-posts by {by} within {within}", quiet)
        rep = coordination(links, posts, outlets, within=within, min_repeats=min_repeats, by=by, alpha=alpha,
                           null=null, jitter=jitter, communities=communities, texts=ws)
    except user_errors() as exc:
        raise click.ClickException(str(exc)) from exc
    warn(rep.warnings, quiet)
    if fmt == "json":
        emit_json(rep.to_dict())
        return
    if fmt == "csv":
        emit_table(rep.pairs if which == "pairs" else rep.clusters, "csv", raw=raw)
        return
    click.echo(rep.summary_line())
    shown = rep.pairs if all_pairs else rep.coordinated
    heading(f"Coordinated pairs{' (and every pair tested)' if all_pairs else ''}")
    cols = ["account_a", "account_b", "camp_a", "camp_b", "co_posts", "items", "median_gap_s", "expected", "z",
            "p", "q", "first", "last", "evidence"] + (["coordinated"] if all_pairs else [])
    table(shown[cols], "table", max_rows=top)
    heading("Clusters of coordinated accounts")
    table(rep.clusters.drop(columns=["top_content_id"]), "table", max_rows=top)
    if rep.warnings:
        heading("Warnings: what these figures cannot tell")
        for w in rep.warnings:  # they name accounts
            click.echo(f"- {terminal_safe(str(w), collapse_breaks=True)}")
