"""The analysis commands: ``synergy``, ``bridges``, ``paths``, ``trace``, ``volume``, ``summary``.

Each is a thin layer over :mod:`amplify.analyze`: open the workspace, read
the tables it needs, call one function, print a table, JSON or CSV. Post text
is printed as it is in table output, except that control characters (which
could drive the terminal) are shown as escapes. In CSV output a text cell that
begins with = + - @ (or a tab or carriage return) gets a leading ' so that a
spreadsheet does not run it as a formula (``--raw``: as stored); JSON is as
stored.
"""

from __future__ import annotations

import click
import pandas as pd

from amplify.cli.common import (emit_json, emit_table, format_option, linkset_option, note, quiet_option,
                                raw_option, terminal_safe, workspace_option)
from amplify.cli.analysis_output import fmt_s as _fmt_s
from amplify.cli.analysis_output import heading as _heading
from amplify.cli.analysis_output import lag_words as _lag
from amplify.cli.analysis_output import open_workspace as _open
from amplify.cli.analysis_output import table as _table
from amplify.cli.analysis_output import user_errors as _user_errors
from amplify.cli.analysis_output import warn as _warn
from amplify.cli.analysis_output import when as _when
from amplify.cli.vocabulary import TIME, deprecated_alias
from amplify.cli.route_options import (bad_kind, kind_option, kind_values, no_ties_option, outlet_kind_option,
                                       print_warnings, usage_errors)

__all__ = ["synergy", "bridges", "paths", "trace", "volume", "summary", "COMMANDS"]

since_option = click.option("--since", type=TIME,
                            help="Only from this time on (UTC unless it says otherwise), e.g. 2022-01-05.")
until_option = click.option("--until", type=TIME, help="Only before this time, e.g. 2022-01-12.")

@click.command("synergy")
@workspace_option
@click.option("--groups", "-g", multiple=True,
              help="Camps to compare (e.g. --groups RU CN, or --groups RU,CN); default: every camp. Only their "
                   "outlets are tested.")
@click.argument("more_groups", nargs=-1, metavar="[CAMP]...")
@click.option("--permutations", type=click.IntRange(0), default=1000, show_default=True,
              help="Draws of the label and time-shift nulls (the same default in summary and report); the label "
                   "test enumerates every labelling instead when there are no more than n.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the null models.")
@click.option("--alpha", type=float, default=0.01, show_default=True, help="Significance level per pair.")
@click.option("--freq", type=click.Choice(["D", "W", "M"]), help="Also the figures per day / week / month.")
@click.option("--no-time-shift", is_flag=True, help="Skip the time-shift test.")
@click.option("--all-links", is_flag=True, help="Count every link, not only each echo's parent.")
@click.option("--kind", "kinds", multiple=True,
              help="Only these link kinds (repost, quote_post, verbatim, quote, paraphrase) and/or outlet kinds "
                   "of the outlets table (e.g. state_media,ministry); repeatable or comma-separated.")
@click.option("--outlet-kind", "outlet_kinds", multiple=True,
              help="Only outlets of these kinds (the outlets table's kind), e.g. state_media,ministry.")
@click.option("--include-unknown", is_flag=True,
              help="Also test outlets missing from the outlets table, as camp 'unknown' (left out by default).")
@click.option("--no-ties", "--exclude-ties", "exclude_ties", is_flag=True,
              help="Leave out links whose order is unknown (equal times, or one day at date-only resolution); "
                   "by default those evidence directs count as echoes, the rest as co-publications, half an echo "
                   "each way (the tie rule of every analysis).")
@since_option
@until_option
@click.option("--narratives", type=click.IntRange(0), default=10, show_default=True, help="Shared narratives to list.")
@click.option("--table", "which", type=click.Choice(["pairs", "reciprocity", "narratives", "trend"]),
              help="With --format csv: the table to write (default pairs; trend with --freq).")
@linkset_option
@format_option
@raw_option
@quiet_option
@deprecated_alias("-n", "--permutations N", "permutations", type=click.IntRange(0),
                  why=" on synergy (-n is --top, how many rows, on every other command)")
def synergy(workspace, groups, more_groups, permutations, seed, alpha, freq, no_time_shift, all_links, kinds,
            outlet_kinds, include_unknown, exclude_ties, since, until, narratives, which, linkset, fmt, raw, quiet):
    """Do camps echo each other more than chance? Observed vs expected echoes per pair of camps.

    Only outlets with a post in the period are tested (of the camps and
    outlet kinds chosen; outlets missing from the outlets table only with
    --include-unknown). For each ordered pair SOURCE -> TARGET (TARGET's
    outlets echo SOURCE's posts): echoes observed; the post-level risk-set
    test (given that a TARGET post echoed another outlet's post, is the
    source in SOURCE more often than SOURCE's share of the posts published in
    the window before it?); the outlet-level label-permutation test (camp
    labels shuffled across the outlets, exact when they have few distinct
    labellings); a time-shift test; reciprocity ("mutual" when both
    directions are significant, "not testable" when no test can tell);
    median lag each way and which camp publishes first; the narratives both
    camps carried; with --freq, the trend per period. Warnings (on stderr,
    and in JSON) say what cannot be answered.

    \b
    Example:
      amplify synergy --workspace ws --groups RU CN
      amplify synergy --workspace ws --kind state_media,ministry
      amplify synergy --workspace ws --groups RU CN --freq W --format csv --table trend
    """
    from amplify.analyze.errors import AnalysisError
    from amplify.analyze.synergy import camp_synergy
    from amplify.analyze.synergy_scope import split_kinds

    chosen = [g.strip() for x in (*groups, *more_groups) for g in str(x).split(",") if g.strip()]
    try:
        ws, links, posts, outlets, st = _open(workspace, linkset)
        try:
            link_kinds, kinds_of_outlets = split_kinds(kinds, outlets)
        except AnalysisError as exc:
            raise click.UsageError(f"--kind: {exc}") from exc
        kinds_of_outlets += [k.strip() for x in outlet_kinds for k in str(x).split(",") if k.strip()]
        note(f"{len(links):,} links, {len(posts):,} posts; {permutations:,} permutations", quiet)
        rep = camp_synergy(links, posts, outlets, groups=chosen or None, permutations=permutations,
                           time_shift=not no_time_shift, window=st.get("window", "7D"), seed=seed, alpha=alpha,
                           freq=freq, kinds=link_kinds or None, parents_only=not all_links, since=since, until=until,
                           top_narratives=narratives, texts=ws, outlet_kinds=kinds_of_outlets or None,
                           include_unknown=include_unknown, ties=not exclude_ties)
    except _user_errors() as exc:
        raise click.ClickException(str(exc)) from exc
    _warn(rep.warnings, quiet)
    if fmt == "json":
        emit_json(rep.to_dict())
        return
    if fmt == "csv":
        which = which or ("trend" if freq else "pairs")
        df = getattr(rep, which)
        if df is None:
            raise click.UsageError("--table trend needs --freq")
        emit_table(df, "csv", raw=raw)
        return
    s_ = rep.settings
    click.echo(f"Synergy between camps: {s_['echoes']:,} echoes ({s_['copublications']:,} of them co-publications, "
               f"half an echo each way) among {s_['outlets']:,} outlets under test, {s_['period'][0][:10]} to "
               f"{s_['period'][1][:10]}; alpha {alpha} per pair")
    for line in rep.tests_text():
        click.echo(line)
    _heading("Reciprocity")
    r = rep.reciprocity.copy()
    if len(r):
        r["lags a->b / b->a"] = [f"{_fmt_s(x)} / {_fmt_s(y)}" for x, y in zip(r["lag_s_median_ab"],
                                                                            r["lag_s_median_ba"])]
        r["first"] = [f"{a}:{x} {b}:{y}" for a, b, x, y in zip(r["a"], r["b"], r["a_first"], r["b_first"])]
        r = r[["a", "b", "status", "a_to_b", "p_post_ab", "p_ab", "b_to_a", "p_post_ba", "p_ba", "lags a->b / b->a",
               "shared_families", "first", "leader", "note"]]
    _table(r, "table")
    _heading("Pairs")
    p = rep.pairs[["source", "target", "observed", "co_published", "post_expected", "post_z", "post_p", "expected",
                   "z", "p", "label_min_p", "families", "families_expected", "p_shift", "significant", "tested_by",
                   "outlet_pairs", "lag_s_median"]]
    _table(p, "table", max_rows=200)
    _heading("Shared narratives (largest families carried by two camps or more)")
    _table(rep.narratives.drop(columns=["family"]), "table")
    if rep.trend is not None:
        _heading(f"Trend per period ({freq})")
        t = rep.trend[rep.trend["source"] != rep.trend["target"]]
        _table(t.drop(columns=["start"]), "table", max_rows=500)
    if rep.warnings:
        _heading("Warnings: what these figures cannot tell")
        for w in rep.warnings:
            click.echo(f"- {terminal_safe(str(w), collapse_breaks=True)}")


# --------------------------------------------------------------------------- bridges


@click.command("bridges")
@workspace_option
@click.option("--top", "-n", type=click.IntRange(1), default=10, show_default=True, help="Bridges to list.")
@click.option("--evidence", type=click.IntRange(0), default=3, show_default=True,
              help="Routes with example posts shown per bridge.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of Louvain and betweenness pivots.")
@click.option("--all-links", is_flag=True, help="Use every link, not only each echo's parent.")
@kind_option
@outlet_kind_option
@no_ties_option
@since_option
@until_option
@click.option("--table", "which", type=click.Choice(["bridges", "evidence"]), default="bridges",
              show_default=True, help="With --format csv: the table to write.")
@linkset_option
@format_option
@raw_option
@quiet_option
def bridges(workspace, top, evidence, seed, all_links, kinds, outlet_kinds, no_ties, since, until, which, linkset, fmt, raw,
            quiet):
    """Which outlets carry one camp's content into another? A ranked table with the evidence.

    Per outlet: cross-camp cascades through it (the rank), its Gould-Fernandez
    brokerage roles (coordinator, itinerant, representative, gatekeeper,
    liaison) on the outlet graph and over real cascades, weighted betweenness
    (distance = 1/echoes), Louvain community and participation coefficient,
    Burt's constraint; a one-line reason, and the posts behind its top routes.
    Outlets through which no cross-camp cascade passes are not ranked.
    Warnings (stderr, and "warnings" in JSON) say what the table cannot:
    ties, outlets that had no candidate pair, no bridge at all.

    \b
    Example:
      amplify bridges --workspace ws --top 5
      amplify bridges --workspace ws --kind state_media,ministry
      amplify bridges --workspace ws --format csv --table evidence
    """
    from amplify.analyze.bridging import bridges as run

    link_kinds, outlet_kinds = kind_values(kinds, outlet_kinds)
    try:
        ws, links, posts, outlets, st = _open(workspace, linkset)
        rep = run(links, posts, outlets, top=top, evidence=evidence, seed=seed, parents_only=not all_links,
                  since=since, until=until, texts=ws, kinds=link_kinds, outlet_kinds=outlet_kinds,
                  ties=not no_ties, window=st.get("window", "7D"))
    except usage_errors() as exc:
        bad_kind(exc)
    except _user_errors() as exc:
        raise click.ClickException(str(exc)) from exc
    print_warnings(rep.warnings, quiet)
    if fmt == "json":
        emit_json(rep.to_dict())
        return
    if fmt == "csv":
        emit_table(rep.table if which == "bridges" else rep.evidence, "csv", raw=raw)
        return
    posting = int(posts["outlet"].nunique())  # the outlets table may name outlets that never posted
    n_out = f"{rep.settings['outlets']:,} outlets" + (f", {posting:,} with posts" if posting < rep.settings["outlets"]
                                                     else "")
    click.echo(f"Bridges between camps ({n_out}, {rep.settings['edges']:,} outlet "
               f"pairs; betweenness {rep.settings['betweenness']}, distance = 1/echoes; "
               f"{rep.settings['ranked']:,} outlet(s) carry a cross-camp cascade)")
    t = rep.table[rep.table["rank"].notna()]
    if t.empty:
        click.echo("No outlet carries a cross-camp cascade: no bridge to rank.")
        return
    _table(t[["rank", "outlet", "group", "kind", "bridge_score", "main_role", "main_route", "betweenness",
              "participation", "constraint"]], "table")
    _heading("Why")
    for r in t.itertuples(index=False):
        click.echo(f"{r.rank:>3}. {terminal_safe(r.outlet, collapse_breaks=True)}: "
                   f"{terminal_safe(r.reason, collapse_breaks=True)}")
    if len(rep.evidence):
        _heading("Evidence: top routes through each bridge, with the fastest example")
        from amplify.analyze.ties import day_only_outlets

        dated = set(day_only_outlets(posts))  # a lag to or from an outlet that gives dates is known to the day

        def lag(sec, source, target):
            if sec != sec or not (source in dated or target in dated):
                return _fmt_s(sec)
            return _lag(sec, "day", source_dated=source in dated, target_dated=target in dated)

        ev = rep.evidence.copy()
        ev["lags"] = [f"{lag(a, so, b)} + {lag(c, b, to)}" for a, c, so, b, to in
                      zip(ev["lag_in_s"], ev["lag_out_s"], ev["source_outlet"], ev["bridge"], ev["target_outlet"])]
        ev["bridge_time"] = [_when(t, "day") if b in dated else t for t, b in zip(ev["bridge_time"], ev["bridge"])]
        _table(ev[["route", "role", "cascades", "source_id", "bridge_id", "target_id", "bridge_time", "lags",
                   "kind_in", "text"]], "table")


# --------------------------------------------------------------------------- paths


@click.command("paths")
@workspace_option
@click.option("--from", "source", required=True, help="Outlet or camp where the content starts.")
@click.option("--to", "target", required=True, help="Outlet or camp it reaches.")
@click.option("--max-hops", type=click.IntRange(1, 20), default=4, show_default=True)
@since_option
@until_option
@click.option("--top", "-n", type=click.IntRange(1), default=10, show_default=True, help="Routes to show.")
@click.option("--all-links", is_flag=True, help="Rank every link alike, not parent cascades first.")
@click.option("--parents-only", is_flag=True, help="Follow parent links only (no also-match routes).")
@click.option("--no-cites", is_flag=True, help="Do not look for routes that start with a citation of --from.")
@kind_option
@outlet_kind_option
@no_ties_option
@linkset_option
@format_option
@raw_option
@quiet_option
@deprecated_alias("-k", "--top N (or -n N)", "top", type=click.IntRange(1),
                  why=" (-n is how many rows on every command)")
def paths(workspace, source, target, max_hops, since, until, top, all_links, parents_only, no_cites, kinds,
          outlet_kinds, no_ties, linkset, fmt, raw, quiet):
    """How did content travel from X to Y, hop by hop? X and Y are outlets or camps.

    Time-respecting paths on the post graph (each hop later than the one
    before), aggregated to outlet routes. Routes are ranked by their cascades
    along parent links (the route the content took: A -> B -> C when B
    quoted A and C copied B); routes found only through also-matches follow,
    marked; then routes that start with a citation ("X ~> B -> Y": B named X
    without echoing a post of it). Each hop shows both posts, their times,
    the lag, link kind and score, and the matched text. A citation route
    has no lag and no parent cascades (n/a; null in JSON); two posts of one
    day with day-only times have no known lag ("same day"; null in JSON,
    lag_unit "day"). No path: a message (an empty list in JSON), exit code 0.

    \b
    Example:
      amplify paths --workspace ws --from mfa_china --to sputnik_int
      amplify paths --workspace ws --from CN --to RU --max-hops 3 --since 2022-01-10 --format json
      amplify paths --workspace ws --from CN --to RU --kind state_media,ministry
    """
    from amplify.analyze.paths import amplification_paths

    if all_links and parents_only:  # one ranks also-matches with parents, the other leaves them out
        raise click.UsageError("--all-links and --parents-only contradict each other: give one")
    link_kinds, outlet_kind_list = kind_values(kinds, outlet_kinds)
    try:
        ws, links, posts, outlets, _ = _open(workspace, linkset)
        rep = amplification_paths(links, posts, outlets, source=source, target=target, max_hops=max_hops,
                                  since=since, until=until, top=top, parents_only=not all_links,
                                  also_matches=not parents_only, kinds=link_kinds, texts=ws, ties=not no_ties,
                                  cites=not no_cites, outlet_kinds=outlet_kind_list)
    except usage_errors() as exc:
        bad_kind(exc)
    except _user_errors() as exc:
        raise click.ClickException(str(exc)) from exc
    print_warnings(rep.warnings, quiet)
    if fmt == "json":
        emit_json(rep.to_list())
        return
    if fmt == "csv":
        emit_table(rep.hops, "csv", raw=raw)
        return
    safe = lambda v: terminal_safe(v, collapse_breaks=True)  # noqa: E731  (outlet names and ids are data)
    if rep.empty:
        window = "" if since is None and until is None else f" between {since or 'the start'} and {until or 'the end'}"
        click.echo(f"No amplification path from {safe(source)} to {safe(target)} within {max_hops} hop(s){window}.")
        return
    n = int(rep.settings["post_paths"])
    click.echo(f"{len(rep.paths):,} route(s) shown of {rep.settings['routes_found']:,} found "
               f"({n:,} post-level paths) from {safe(source)} ({rep.settings['source_is']}) to {safe(target)} "
               f"({rep.settings['target_is']}), at most {max_hops} hop(s); ranked by cascades along parent links"
               + ("" if not all_links else " and also-matches alike")
               + f". via: parents = every hop the echo's most likely source; also-match = through other matches; "
               f"cites = starts where a post names {safe(source)} (~>) without echoing it")
    routes = rep.paths.copy()
    cite = routes["via"] == "cites"           # no post of X, so no lag from it and no parent link into it
    routes["fastest"] = [_lag(s, u, c) for s, u, c in zip(routes["total_lag_s"], routes["lag_unit"], cite)]
    routes["median"] = [_lag(s, u, c) for s, u, c in zip(routes["median_total_lag_s"], routes["lag_unit"], cite)]
    routes["parent_cascades"] = ["n/a" if c else str(n) for n, c in zip(routes["parent_cascades"], cite)]
    from amplify.analyze.ties import day_only_outlets
    dated = set(day_only_outlets(posts))  # outlets whose times are dates: no time of day to show
    # a route's first and last times are dates when every outlet of its hops gives dates
    all_dated = {rank: set(g["source_outlet"]) | set(g["target_outlet"]) <= dated
                 for rank, g in rep.hops.groupby("rank")}
    for col in ("first_time", "last_time"):
        routes[col] = [_when(t, "day" if all_dated.get(r) else "") for t, r in zip(routes[col], routes["rank"])]
    _table(routes[["rank", "route", "via", "hops", "parent_cascades", "cascades", "fastest", "median",
                   "first_time", "last_time"]], "table")
    for rank, grp in rep.hops.groupby("rank", sort=True):
        via = rep.paths.loc[rep.paths["rank"] == rank, "via"].iloc[0]
        _heading(f"#{rank} {safe(grp['route'].iloc[0])}  ({via}; best example)")
        for h in grp.itertuples(index=False):
            if h.kind == "cites":
                click.echo(f"  hop {h.hop}: {safe(h.source_outlet)} [{safe(h.source_group)}] named by "
                           f"{safe(h.target_outlet)} [{safe(h.target_group)}] {safe(h.target_id)} "
                           f"{_when(h.target_time, 'day' if h.target_outlet in dated else '')}  "
                           "cites (no matched post)")
            else:
                lag = _lag(h.lag_s, h.lag_unit, source_dated=h.source_outlet in dated,
                           target_dated=h.target_outlet in dated)
                same = lag if lag.startswith("same") else "same time"
                mark = ("  parent" if h.is_parent else "  also-match") + (f"  tie ({same}, no direction)"
                                                                          if h.tie else "")
                click.echo(f"  hop {h.hop}: {safe(h.source_outlet)} [{safe(h.source_group)}] {safe(h.source_id)} "
                           f"{_when(h.source_time, 'day' if h.source_outlet in dated else '')} -> "
                           f"{safe(h.target_outlet)} [{safe(h.target_group)}] {safe(h.target_id)} "
                           f"{_when(h.target_time, 'day' if h.target_outlet in dated else '')}  "
                           f"{lag if lag.startswith('same') else '+' + lag}  {h.kind} "
                           f"{h.score:.0f}" + ("  attributed" if h.attributed else "") + mark)
            # a missing text is None or NaN (a str column): only a non-empty string is shown
            source_text = h.source_text if isinstance(h.source_text, str) and h.source_text else None
            if source_text:
                click.echo(f"      from: {safe(_cut(source_text))}")
            if isinstance(h.target_text, str) and h.target_text and h.target_text != source_text:
                click.echo(f"      to:   {safe(_cut(h.target_text))}")


def _cut(s: str, n: int = 160) -> str:
    return s if len(s) <= n else s[:n] + "…"


# --------------------------------------------------------------------------- trace (its own module)

from amplify.cli.trace_cmd import trace  # noqa: E402  (here too: scripts import it from this module)


# --------------------------------------------------------------------------- volume


@click.command("volume")
@workspace_option
@click.option("--term", "terms", multiple=True, required=True,
              help="Term to count (repeatable; case-insensitive, word boundaries; 'Kazakh*' for any ending).")
@click.option("--by", type=click.Choice(["group", "camp", "outlet", "kind"]), default="group", show_default=True,
              callback=lambda ctx, param, value: "group" if value == "camp" else value,
              help="Count per camp (the outlets table's group; 'camp' is the same), outlet or outlet kind.")
@click.option("--freq", type=click.Choice(["D", "W", "M"]), default="D", show_default=True)
@since_option
@until_option
@click.option("--compare-since", type=TIME, help="Start of the period to compare with.")
@click.option("--compare-until", type=TIME, help="End of the period to compare with.")
@click.option("--baseline", type=click.IntRange(1), default=7, show_default=True,
              help="Surge rule: earlier periods in the baseline.")
@click.option("--z", "zscore", type=float, default=3.0, show_default=True,
              help="Surge rule: standard deviations above the baseline mean.")
@click.option("--min-count", type=click.IntRange(0), default=10, show_default=True,
              help="Surge rule: fewest mentions in a surge period.")
@click.option("--surge-on", type=click.Choice(["share", "count"]), default="share", show_default=True,
              help="Surge rule: mentions against the baseline's share of the posts published, or raw counts.")
@format_option
@raw_option
@quiet_option
def volume(workspace, terms, by, freq, since, until, compare_since, compare_until, baseline, zscore, min_count,
           surge_on, fmt, raw, quiet):
    """How often do outlets mention a term, per period and camp? Comparisons and surges.

    Counts posts mentioning each term (case-insensitive, on word boundaries,
    any apostrophe or dash alike; Chinese and Japanese as substrings) in
    [--since, --until) per period (one cut by either end is partial) and per
    camp, outlet or outlet kind, with the share of that camp's posts ("12
    (4.1%)"); a camp's periods before its first post or after its last are
    blank, not zero. Two terms or periods get a sentence ("3,210 posts
    mentioning Kazakhstan in six days (12-17 Jan 2022) vs 2,674 mentioning
    Ukraine in all of December 2021"; a period without posts is not compared)
    and a table each, over its own period. A period is flagged as a surge
    when its count is at least --min-count and above the baseline plus --z
    standard deviations (at least sqrt(mean) and 1); the baseline is the
    --baseline previous periods (by default the mentions their share of
    posts predicts for this period's posts), leaving out surges younger than
    --baseline periods: a level that holds becomes the new baseline.

    \b
    Example:
      amplify volume --workspace ws --term Kazakhstan --freq D
      amplify volume --workspace ws --term Kazakhstan --since 2022-01-05 --until 2022-01-11 \\
          --term Ukraine --compare-since 2021-12-01 --compare-until 2022-01-01
    """
    from amplify.analyze.errors import user_time_ns
    from amplify.analyze.tables import json_records
    from amplify.analyze.volume import compare_volume, volume_by_side
    from amplify.analyze.volume_source import read_mentions
    from amplify.workspace import Workspace

    if (compare_since is None) != (compare_until is None):
        raise click.UsageError("give both --compare-since and --compare-until")
    for a, b, flag in ((since, until, "--"), (compare_since, compare_until, "--compare-")):
        if a is not None and b is not None and user_time_ns(a) >= user_time_ns(b):
            raise click.UsageError(f"{flag}since ({a}) must be before {flag}until ({b}): the range is empty")
    try:
        ws = Workspace.open(workspace)
        # texts are read a stretch of time at a time and only the matches kept (bounded memory)
        posts, mentioned = read_mentions(ws, list(terms), progress=not quiet)
        outlets = ws.outlets()
        vol, ranges = volume_by_side(posts, outlets, list(terms), since=since, until=until,
                                     compare_since=compare_since, compare_until=compare_until, by=by, freq=freq,
                                     baseline=baseline, z=zscore, min_count=min_count, surge_on=surge_on,
                                     mentioned=mentioned)
        comparison, sentence = None, None
        if len(terms) > 1 or compare_since is not None:
            comparison, sentence = compare_volume(
                posts, outlets, term=terms[0], since=since, until=until,
                compare_term=terms[1] if len(terms) > 1 else None, compare_since=compare_since,
                compare_until=compare_until, by=by, mentioned=mentioned)
    except _user_errors() as exc:
        raise click.ClickException(str(exc)) from exc
    surges = vol[vol["surge"]] if len(vol) else vol
    if fmt == "json":
        emit_json({"sentence": sentence, "comparison": json_records(comparison), "volume": json_records(vol),
                   "surges": json_records(surges), "ranges": json_records(pd.DataFrame(ranges)),
                   "comparable": None if comparison is None else bool((comparison["coverage"] != "none").all())})
        return
    if fmt == "csv":
        for text in [r["note"] for r in ranges if r["note"]]:
            note(text, quiet)
        emit_table(vol, "csv", raw=raw)
        return
    if sentence:
        # the terms are the user's text, the notes name them: shown, not obeyed (a bidi override, an escape)
        click.echo(terminal_safe(sentence, collapse_breaks=True))
        _table(comparison.drop(columns="note"), "table")
        for side, text in comparison[["side", "note"]].dropna().itertuples(index=False):
            click.echo(terminal_safe(f"{side}: {text}", collapse_breaks=True))
        click.echo("")
    for r in ranges:
        for term in r["terms"] if r["posts"] else []:
            v = vol[(vol["term"] == term) & ((vol["side"] == r["side"]) if "side" in vol.columns else True)]
            total = v[v["key"] == "all"]["mentions"].sum() if (v["key"] == "all").any() else v["mentions"].sum()
            click.echo(f"== {terminal_safe(term, collapse_breaks=True)}: {total:,} {'post' if total == 1 else 'posts'} mentioning it{' ' * bool(r['span'])}"
                       f"{r['span']}, per {dict(D='day', W='week', M='month')[freq]} and {by}")
            _volume_table(v, by)
            s = surges[surges.index.isin(v.index)]
            if len(s):
                click.echo("surges (mentions above the baseline rule):")
                periods = list(v["period"].drop_duplicates())
                for key, sk in s.groupby("key", sort=False):
                    click.echo(f"  {terminal_safe(str(key), collapse_breaks=True)}: " + ", ".join(_runs(sk, periods)))
            click.echo("")
        if r["note"]:
            click.echo(r["note"])


def _volume_table(v: pd.DataFrame, by: str) -> None:
    """One term's counts as a table: a row per period, a column per key ('all' last), surges and partial periods."""
    cells = [("" if not cov else f"{int(m):,} ({100 * sh:.2g}%)" if sh < 0.1 else f"{int(m):,} ({100 * sh:.0f}%)")
             for m, sh, cov in zip(v["mentions"].fillna(0), v["share"].fillna(0), v["covered"])]
    wide = v.assign(cell=cells).pivot(index="period", columns="key", values="cell")
    wide = wide.loc[v["period"].drop_duplicates()]
    if by == "outlet":
        keep = v.groupby("key")["mentions"].sum().astype("int64").sort_values(ascending=False).head(12).index
        wide = wide[[k for k in wide.columns if k in keep]]
    wide = wide[[k for k in wide.columns if k != "all"] + [k for k in wide.columns if k == "all"]]
    flags = v[v["key"] == "all"].set_index("period")["surge"] if (v["key"] == "all").any() else None
    wide = wide.reset_index()
    if flags is not None:
        wide["surge"] = ["SURGE" if flags.get(p, False) else "" for p in wide["period"]]
    part = v[v["partial"]].drop_duplicates("period").set_index("period")
    if len(part):  # the days a period cut by --since or --until counts ("five days (5-9 Oct 2022)")
        from amplify.analyze.volume import describe_span
        words = {p: describe_span(r.since, r.until).split(" ", 1)[1] for p, r in part.iterrows()}
        wide["partial"] = ["" if p not in words else "only " + (words[p][words[p].index("(") + 1:-1]
                           if " hours (" in words[p] else words[p]) for p in wide["period"]]
    _table(wide, "table", max_rows=400)


def _runs(sk: pd.DataFrame, periods: list) -> list:
    """Consecutive surge periods as ranges: '2022-01-12..2022-01-18 (7 periods, 821 mentions, baseline 1)'."""
    pos = {p: i for i, p in enumerate(periods)}
    rows = sorted(sk.itertuples(index=False), key=lambda r: pos[r.period])
    out, cur = [], []
    for r in rows:
        if cur and pos[r.period] != pos[cur[-1].period] + 1:
            out.append(cur)
            cur = []
        cur.append(r)
    if cur:
        out.append(cur)
    text = []
    for run in out:
        span = run[0].period if len(run) == 1 else f"{run[0].period}..{run[-1].period}"
        text.append(f"{span} ({sum(r.mentions for r in run):,} mentions, baseline {run[0].baseline_mean:g})")
    return text


# --------------------------------------------------------------------------- summary (its own module)

from amplify.cli.summary_cmd import summary  # noqa: E402  (here too: scripts import it from this module)

COMMANDS = [synergy, bridges, paths, trace, volume, summary]
