"""``amplify html``, ``amplify report`` and ``amplify export``: the pictures and files researchers keep."""

from __future__ import annotations

import click

from amplify.cli.common import note, quiet_option, raw_option, workspace_option
from amplify.cli.vocabulary import TIME, deprecated_alias
from amplify.cli.route_options import (bad_kind, kind_values, no_ties_option, outlet_kind_option, print_warnings,
                                       usage_errors)
from amplify.schema import LINK_KINDS

no_cites_option = click.option("--no-cites", is_flag=True,
                               help="Do not look for citations (posts naming an outlet without echoing it).")

# The choices below repeat amplify.render's LEVELS, COLOR_BY, SIZE_BY and FORMATS so that
# `amplify --help` does not import the renderer; tests/test_render_cli.py checks they agree.


def _kinds(values, outlet_values=()) -> tuple[list[str] | None, list[str] | None]:
    """``--kind quote --kind state_media`` or ``--kinds quote,state_media`` -> (link kinds, outlet kinds).

    A value that is not a link kind is an outlet kind, checked against the
    outlets table when the command runs.
    """
    return kind_values(values, outlet_values)


def _colors(ctx, param, value):
    """``--colors RU=#c00,CN=#d4a000`` (repeatable) checked before anything runs."""
    from amplify.render.colors import parse_colors

    try:
        return parse_colors(value) or None
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


colors_option = click.option(
    "--colors", callback=_colors, multiple=True, metavar="CAMP=#RGB[,...]",
    help="Colours for camps, e.g. --colors RU=#c00,CN=#d4a000 (others keep the colour-blind-safe defaults).")


def filter_options(f):
    """--since/--until/--kinds/--outlet-kind/--no-ties/--linkset/--all-links, shared by the three commands."""
    f = no_ties_option(f)
    f = outlet_kind_option(f)
    f = click.option("--all-links", is_flag=True,
                     help="Count every link, not only each echo's most likely direct source.")(f)
    f = click.option("--linkset", help="Link set id (see `amplify info`); default: the latest.")(f)
    f = deprecated_alias("--kinds", "--kind", "kinds", multiple=True)(f)
    f = click.option("--kind", "kinds", multiple=True, metavar="KIND[,KIND]",
                     help=f"Only these link kinds ({', '.join(LINK_KINDS)}) and/or outlet kinds of the outlets "
                          "table (e.g. state_media,ministry: only those outlets); repeat or separate by commas.")(f)
    f = click.option("--until", type=TIME, help="Only echoes published before this time (UTC).")(f)
    f = click.option("--since", type=TIME, help="Only echoes published at or after this time (UTC).")(f)
    return f


def _fail(exc: Exception):
    raise click.ClickException(str(exc)) from exc


@click.command("html")
@workspace_option
@click.option("--out", "-o", default="network.html", show_default=True, type=click.Path(dir_okay=False, readable=False),
              help="The page to write (one self-contained file).")
@click.option("--level", type=click.Choice(["outlet", "camp", "post"]), default="outlet", show_default=True,
              help="Nodes are outlets, camps or posts.")
@click.option("--top", "-n", type=click.IntRange(0), default=300, show_default=True,
              help="Keep the N nodes with the largest --size-by value (posts: the largest cascades); "
                   "0 = all (at most 5,000). The page states the rule.")
@click.option("--color-by", type=click.Choice(["group", "kind", "community"]), default="group", show_default=True,
              help="Node colour: camp, outlet kind, or Louvain community.")
@click.option("--size-by", type=click.Choice(["echoes", "betweenness", "pagerank", "posts"]), default="echoes",
              show_default=True, help="Node size.")
@filter_options
@no_cites_option
@click.option("--focus", metavar="OUTLET_OR_POST",
              help="Post level: draw this post's cascade in time order (or an outlet's cascades). "
                   "Outlet/camp level: this node and its neighbours.")
@click.option("--title", help="Page heading.")
@colors_option
@quiet_option
def html(workspace, out, level, top, color_by, size_by, since, until, kinds, linkset, all_links, outlet_kinds,
         no_ties, no_cites, focus, title, colors, quiet):
    """Write the interactive network as one HTML file that opens in any browser, offline.

    Colour shows the camp (legend on the page), node size the chosen metric,
    edge width the number of echoes, arrows point from source to echo.
    Hover for outlet, counts, lags and matched passages; click for details;
    search by name. Everything is inlined: no network, no lib/ folder; all
    data text is escaped.

    \b
    Examples:
      amplify html --workspace ws --out network.html
      amplify html -w ws --out top100.html --top 100 --size-by betweenness --color-by community
      amplify html -w ws --out cascade.html --level post --focus 1480512345678901234
      amplify html -w ws --out camps.html --level camp --since 2022-01-01 --until 2022-02-01
    """
    from amplify.render.network import write_network
    from amplify.workspace import WorkspaceError

    link_kinds, outlet_kind_list = _kinds(kinds, outlet_kinds)
    try:
        page = write_network(workspace, out, level=level, top=top or None, color_by=color_by, size_by=size_by,
                             since=since, until=until, kinds=link_kinds, focus=focus, linkset=linkset,
                             title=title, parents_only=not all_links, ties=not no_ties, cites=not no_cites,
                             outlet_kinds=outlet_kind_list, colors=colors)
    except usage_errors() as exc:
        bad_kind(exc)
    except (WorkspaceError, ValueError, KeyError) as exc:
        _fail(exc)
    print_warnings(page.warnings, quiet)
    note(f"wrote {out}: {page.n_nodes:,} {level} nodes, {page.n_edges:,} edges", quiet)
    if page.pruning_note:
        note(page.pruning_note, quiet)


@click.command("report")
@workspace_option
@click.option("--out", "-o", default="report.html", show_default=True, type=click.Path(dir_okay=False, readable=False),
              help="The report page to write.")
@click.option("--network", "network_href", default="network.html", show_default=True,
              help="Link to the network page (relative to the report); '' for none.")
@filter_options
@click.option("--top", "-n", type=click.IntRange(1), default=15, show_default=True, help="Rows in the top-outlet tables.")
@click.option("--cascades", type=click.IntRange(0), default=5, show_default=True, help="Largest cascades shown.")
@click.option("--no-analyses", is_flag=True, help="Leave out synergy and bridges (faster).")
@no_cites_option
@click.option("--title", help="Report heading.")
@colors_option
@quiet_option
def report(workspace, out, network_href, since, until, kinds, linkset, all_links, outlet_kinds, no_ties, top,
           cascades, no_analyses, no_cites, title, colors, quiet):
    """Write a one-page, printable HTML report: headline numbers, links per kind,
    camp-to-camp echoes, top outlets, the largest cascades with their evidence,
    a volume timeline per camp, synergy and bridges.

    \b
    Example:
      amplify report --workspace ws --out report.html --network network.html
    """
    from amplify.render.report import write_report
    from amplify.workspace import WorkspaceError

    if all_links:
        note("--all-links has no effect on the report: its tables count each echo once", quiet)
    link_kinds, outlet_kind_list = _kinds(kinds, outlet_kinds)
    try:
        write_report(workspace, out, network_href=network_href or None, since=since, until=until,
                     kinds=link_kinds, linkset=linkset, top=top, cascades=cascades, analyses=not no_analyses,
                     title=title, ties=not no_ties, cites=not no_cites, outlet_kinds=outlet_kind_list,
                     colors=colors)
    except usage_errors() as exc:
        bad_kind(exc)
    except (WorkspaceError, ValueError, KeyError) as exc:
        _fail(exc)
    note(f"wrote {out}", quiet)


@click.command("export")
@workspace_option
@click.option("--format", "fmt", type=click.Choice(["gexf", "graphml", "json", "csv"]), default=None,
              help="Default: from the --out suffix.")
@click.option("--level", type=click.Choice(["outlet", "camp", "post"]), default="outlet", show_default=True)
@click.option("--out", "-o", required=True, type=click.Path(),
              help="The file; for csv the edges file (nodes go to <stem>-nodes.csv) or a folder "
                   "(edges.csv and nodes.csv inside).")
@filter_options
@no_cites_option
@click.option("--focus", metavar="OUTLET_OR_POST", help="Only this node's neighbourhood (post level: its cascade).")
@colors_option
@raw_option
@quiet_option
def export(workspace, fmt, level, out, since, until, kinds, linkset, all_links, outlet_kinds, no_ties, no_cites, focus,
           colors, raw, quiet):
    """Export the graph for Gephi (GEXF, GraphML) or scripts (node-link JSON, CSV).

    GEXF and GraphML keep camp, kind, counts, scores and lags as typed
    attributes; GEXF also carries start/end times (Gephi's timeline) and
    colours by camp. Missing values are left out, never written as None.
    CSV is for spreadsheets: a cell that begins with = + - @ gets a leading '
    so that it is not run as a formula; --raw writes it as stored.

    \b
    Examples:
      amplify export --workspace ws --format gexf --out outlets.gexf
      amplify export -w ws --format graphml --level post --out posts.graphml
      amplify export -w ws --format csv --out links.csv      # + links-nodes.csv
      amplify export -w ws --format csv --out graph/         # graph/edges.csv + graph/nodes.csv
    """
    from amplify.render.export import FORMATS, export_graph
    from amplify.render.views import workspace_view
    from amplify.workspace import Workspace, WorkspaceError

    if fmt is None:
        import os

        suffix = os.path.splitext(out)[1].lower().lstrip(".")
        if suffix not in FORMATS:
            raise click.UsageError("give --format (gexf, graphml, json or csv): it cannot be told from --out")
        fmt = suffix
    link_kinds, outlet_kind_list = _kinds(kinds, outlet_kinds)
    try:   # what render.export.write_export does, keeping the graph for its warnings
        g = workspace_view(Workspace.open(workspace), linkset=linkset, level=level, since=since, until=until,
                           kinds=link_kinds, focus=focus, parents_only=not all_links, ties=not no_ties,
                           cites=not no_cites, outlet_kinds=outlet_kind_list)
        paths = export_graph(g, out, fmt, raw=raw, colors=colors)
    except usage_errors() as exc:
        bad_kind(exc)
    except (WorkspaceError, ValueError, KeyError) as exc:
        _fail(exc)
    print_warnings(g.graph.get("warnings"), quiet)
    note("wrote " + ", ".join(str(p) for p in paths), quiet)


commands = [html, report, export]
