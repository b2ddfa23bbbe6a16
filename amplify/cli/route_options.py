"""Options the route commands share (bridges, paths, html, report, export): ties, kinds, warnings.

``--kind`` has always taken link kinds (``quote``, ``verbatim`` ...); it now
also takes outlet kinds from the outlets table (``state_media``,
``ministry`` ...), told apart by name
(:func:`amplify.analyze.outlet_kinds.split_kinds`). ``--no-ties`` leaves out
links between posts of one timestamp. Warnings go to stderr (not with
``--quiet``) and into JSON output's ``warnings``.
"""

from __future__ import annotations

import click

from amplify.cli.common import terminal_safe

__all__ = ["no_ties_option", "kind_option", "outlet_kind_option", "kind_values", "print_warnings", "usage_errors",
           "bad_kind"]

no_ties_option = click.option(
    "--no-ties", is_flag=True,
    help="Leave out ties (links between posts of one timestamp). By default a tie counts: as an echo when "
         "evidence gives it a direction (platform ids, attribution, containment plus a name), else as an "
         "undirected co-publication.")

kind_option = click.option(
    "--kind", "kinds", multiple=True, metavar="KIND[,KIND]",
    help="Outlet kinds (e.g. state_media,ministry: only those outlets) and/or link kinds "
         "(repost, quote_post, verbatim, quote, paraphrase); repeat or separate by commas.")

outlet_kind_option = click.option(
    "--outlet-kind", "outlet_kinds", multiple=True, metavar="KIND[,KIND]",
    help="Only outlets of these kinds in the outlets table (e.g. state_media,ministry); "
         "repeat or separate by commas.")


def kind_values(values, outlet_values=()) -> tuple[list | None, list | None]:
    """``--kind`` (and ``--outlet-kind``) values as (link kinds or None, outlet kinds or None).

    >>> kind_values(("quote,state_media",), ("ministry",))
    (['quote'], ['state_media', 'ministry'])
    """
    from amplify.analyze.outlet_kinds import split_kinds

    link, outlet = split_kinds(values)
    outlet += [k.strip() for v in outlet_values or () for k in str(v).split(",") if k.strip()]
    return link or None, outlet or None


def usage_errors() -> tuple:
    """The analysis errors that mean "a flag's value is wrong" (shown as usage errors: exit code 2)."""
    from amplify.analyze.outlet_kinds import UnknownKindError

    return (UnknownKindError,)


def bad_kind(exc: Exception):
    """An unknown ``--kind`` value as click's usage error: exit code 2, the flag named, the kinds listed."""
    raise click.BadParameter(str(exc), param_hint="--kind") from exc


def print_warnings(messages, quiet: bool = False) -> None:
    """Each warning on one line of stderr, control characters escaped (none with ``--quiet``: JSON output
    carries them in its ``warnings``, the report on the page)."""
    if quiet:
        return
    for m in messages or ():
        if m:
            click.echo(f"warning: {terminal_safe(m, collapse_breaks=True)}", err=True)
