"""`amplify summary`: the headline numbers of a workspace on one screen."""

from __future__ import annotations

import sys

import click

from amplify.cli.analysis_output import open_workspace as _open
from amplify.cli.analysis_output import screen as _screen
from amplify.cli.analysis_output import user_errors as _user_errors
from amplify.cli.analysis_output import warn as _warn
from amplify.cli.common import (emit_json, emit_table, format_option, linkset_option, quiet_option, raw_option,
                                workspace_option)

__all__ = ["summary"]


@click.command("summary")
@workspace_option
@click.option("--top", "-n", type=click.IntRange(1), default=5, show_default=True, help="Rows per table.")
@click.option("--permutations", type=click.IntRange(0), default=1000, show_default=True,
              help="Permutations of the synergy nulls (the synergy command's default: the same z and p).")
@click.option("--seed", type=int, default=0, show_default=True)
@linkset_option
@format_option
@raw_option
@quiet_option
def summary(workspace, top, permutations, seed, linkset, fmt, raw, quiet):
    """The headline numbers of a workspace on one screen.

    Posts, outlets per camp, links per kind, the strongest synergy pairs
    (with the synergy command's defaults: the same z and p; only pairs with
    more echoes than expected), the top bridges (those `amplify bridges`
    ranks; none, and why, when no outlet carries a cross-camp cascade) and
    the largest cascades (the posts `amplify trace ROOT_ID` lists). Links
    are counted with ties oriented: the second line says how that count
    meets the one of `amplify info` (which lists each tie both ways).
    Synergy warnings go to stderr and into JSON.

    \b
    Example:
      amplify summary --workspace ws
      amplify summary --workspace ws --format json
    """
    from amplify.analyze.summary import summarize

    try:
        ws, links, posts, outlets, st = _open(workspace, linkset)
        s = summarize(links, posts, outlets, top=top, permutations=permutations, seed=seed,
                      window=st.get("window", "7D"), texts=ws)
    except _user_errors() as exc:
        raise click.ClickException(str(exc)) from exc
    _warn(s.warnings, quiet)
    if fmt == "json":
        emit_json(s.to_dict())
    elif fmt == "csv":
        emit_table(s.long(), "csv", raw=raw)
    else:
        for name, df in s.tables().items():
            setattr(s, name, _screen(df))
        sys.stdout.write(str(s))
