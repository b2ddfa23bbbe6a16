"""`amplify trace`: where a post (or a text) first appeared, and where it went."""

from __future__ import annotations

import click
import pandas as pd

from amplify.cli.analysis_output import fmt_s as _fmt_s
from amplify.cli.analysis_output import heading as _heading
from amplify.cli.analysis_output import lag_words as _lag
from amplify.cli.analysis_output import open_workspace as _open
from amplify.cli.analysis_output import table as _table
from amplify.cli.analysis_output import user_errors as _user_errors
from amplify.cli.analysis_output import when as _when
from amplify.cli.common import (emit_json, emit_table, format_option, linkset_option, quiet_option, raw_option,
                                terminal_safe, workspace_option)

__all__ = ["trace"]


@click.command("trace")
@workspace_option
@click.argument("post_id", required=False)
@click.option("--text", help="Trace the posts that carry this text instead of a post id.")
@click.option("--max-depth", type=click.IntRange(1), help="Depth limit of the downstream cascade.")
@click.option("--limit", "-n", type=click.IntRange(0), default=50, show_default=True,
              help="Cascade rows shown in table output.")
@linkset_option
@format_option
@raw_option
@quiet_option
def trace(workspace, post_id, text, max_depth, limit, linkset, fmt, raw, quiet):
    """Where did this post (or text) first appear, and where did it go?

    Follows parent links upstream to the earliest origin, then lists the whole
    cascade under that origin with outlets, camps, depths and lags. With
    --text, finds the posts carrying the text with detection's own matcher and
    traces from the earliest of them.

    \b
    Example:
      amplify trace --workspace ws p0012345
      amplify trace --workspace ws --text "must stop interfering in the internal affairs of Kazakhstan"
    """
    from amplify.analyze.trace import trace_post, trace_text

    if bool(post_id) == bool(text):
        raise click.UsageError("give either a POST_ID or --text")
    try:
        ws, links, posts, outlets, st = _open(workspace, linkset)
        if text:
            from amplify.detect import DetectSettings

            rep = trace_text(text, links, posts, outlets, texts=ws, settings=DetectSettings.from_record(st),
                             max_depth=max_depth)
        else:
            rep = trace_post(links, posts, outlets, post_id, max_depth=max_depth, texts=ws)
    except _user_errors() as exc:
        if text and "no post carries" in str(exc):
            if fmt == "json":
                emit_json({"post_id": None, "origin": None, "matches": [], "upstream": [], "cascade": []})
            elif fmt == "csv":
                emit_table(pd.DataFrame(columns=["post_id"]), "csv", raw=raw)
            else:
                click.echo("No post carries this text.")
            return
        raise click.ClickException(str(exc)) from exc
    if fmt == "json":
        emit_json(rep.to_dict())
        return
    if fmt == "csv":
        emit_table(rep.cascade, "csv", raw=raw)
        return
    s = rep.summary
    from amplify.analyze.ties import day_only_outlets

    dated = set(day_only_outlets(posts))   # their posts are shown as dates, lags to or from them in days
    outlet_of = dict(zip(rep.cascade["post_id"], rep.cascade["outlet"])) | dict(
        zip(rep.upstream["post_id"], rep.upstream["outlet"]))

    def when(t, outlet):
        return _when(t, "day") if outlet in dated else t

    def lag(sec, source, target):  # (no lag: the origin, which has no parent)
        if sec is None or sec != sec or not (source in dated or target in dated):
            return _fmt_s(sec)
        return _lag(sec, "day", source_dated=source in dated, target_dated=target in dated)

    if rep.matches is not None:
        click.echo(f"{len(rep.matches):,} post(s) carry the text, best match first; tracing from the best "
                   f"(the earliest of the best), {rep.post_id}")
        m = rep.matches.head(20)
        _table(m.assign(time=[when(t, o) for t, o in zip(m["time"], m["outlet"])]), "table")
        click.echo("")
    click.echo(terminal_safe(f"Origin {s['origin']} by {s['origin_outlet']} [{s['origin_group']}] at "
                             f"{when(s['origin_time'], s['origin_outlet'])}; {s['hops_to_post']} hop(s) up from "
                             f"{rep.post_id}",
                             collapse_breaks=True))
    click.echo(f"Cascade: {s['posts']:,} posts, {s['outlets']:,} outlets, "
               + ", ".join(f"{terminal_safe(k, collapse_breaks=True)} {v}" for k, v in s["camps"].items())
               + f"; depth {s['depth']}, {lag(s['duration_s'], s['origin_outlet'], rep.cascade['outlet'].iloc[-1])} "
               "from origin to last echo"
               + (" (truncated)" if s.get("truncated") else ""))
    _heading("Upstream: from the origin to the post")
    up = rep.upstream
    above = up["outlet"].shift(1)  # upstream runs from the origin down: a row's parent is the row above
    _table(up.assign(time=[when(t, o) for t, o in zip(up["time"], up["outlet"])],
                     lag=[lag(v, p, o) for v, o, p in zip(up["lag_s"], up["outlet"], above)])
           [["depth", "post_id", "outlet", "group", "time", "kind", "score", "lag", "text"]], "table")
    _heading("Cascade under the origin (time order)")
    c = rep.cascade
    c = c.assign(time=[when(t, o) for t, o in zip(c["time"], c["outlet"])],
                 lag=[lag(v, outlet_of.get(p), o) for v, o, p in zip(c["lag_s"], c["outlet"], c["parent_id"])],
                 since_origin=[lag(v, s["origin_outlet"], o) for v, o in zip(c["lag_from_origin_s"], c["outlet"])])
    _table(c[["depth", "post_id", "parent_id", "outlet", "group", "time", "kind", "lag", "since_origin",
              "on_path"]], "table", max_rows=limit)
    several = c[c["parents"].str.contains(", ", regex=False)] if "parents" in c else c.iloc[:0]
    if len(several):
        _heading("Posts quoting passages of several sources (one parent per passage)")
        _table(several[["post_id", "outlet", "parents"]], "table", max_rows=limit)
