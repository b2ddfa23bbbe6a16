"""``amplify ingest``: read exports into a workspace, reporting every row not taken."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

import click

from amplify.cli.common import emit_json, note, quiet_option, raw_option, workspace_option


def _encoding(ctx, param, value):
    """``--encoding``: a codec Python knows (checked before anything is read)."""
    if value is None:
        return None
    from amplify.ingest.charsets import normal_encoding

    try:
        normal_encoding(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    return value


def _time_format(ctx, param, value):
    if value is None:
        return None
    from amplify.ingest.times import check_time_format

    try:
        check_time_format(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    return value


def _size(ctx, param, value):
    from amplify.ingest.oversize import DEFAULT_MAX_FIELD, MIN_MAX_FIELD, parse_size

    if value is None:
        return DEFAULT_MAX_FIELD
    try:
        n = parse_size(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    if n < MIN_MAX_FIELD:
        raise click.BadParameter(f"at least {MIN_MAX_FIELD:,} bytes, not {n:,}")
    return n


def _chunk(ctx, param, value):
    """``--chunk-size``: bytes per block (0: whole files)."""
    from amplify.ingest.chunked import DEFAULT_CHUNK_SIZE
    from amplify.ingest.oversize import parse_size

    if value is None:
        return DEFAULT_CHUNK_SIZE
    try:
        n = parse_size(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    if n < 0:
        raise click.BadParameter(f"a size of 0 or more, not {value!r}")
    return n or None


def _mapping(pairs) -> dict:
    out: dict = {}
    for p in pairs:
        if "=" not in p:
            raise click.BadParameter(f"expected CANONICAL=COLUMN, got {p!r}", param_hint="--map")
        k, v = p.split("=", 1)
        out[k.strip()] = v.strip()
    return out


@click.command("ingest")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@workspace_option
@click.option("--outlets", "outlets_file", type=click.Path(exists=True, dir_okay=False, allow_dash=True),
              help="CSV of outlets: outlet, group (camp), kind, name, country, aliases.")
@click.option("--map", "maps", multiple=True, metavar="CANONICAL=COLUMN",
              help="Name the column holding a canonical field, e.g. --map text=content --map outlet=author. "
                   "Several columns: --map 'text=title|desc' takes the first non-empty. Always wins over "
                   "automatic recognition.")
@click.option("--time-format", callback=_time_format,
              help="strptime format for times, e.g. 'Published: %b %d, %Y %I:%M %p'. In a column it reads, a time it "
                   "does not read is rejected (numbers and ISO 8601 aside).")
@click.option("--encoding", callback=_encoding,
              help="Text encoding of the files (posts and --outlets), e.g. cp1251, gb18030, latin-1. Default: "
                   "UTF-8, or UTF-16/32 (recognised with or without a BOM). Without it, rows holding bytes "
                   "that are not valid UTF-8 are rejected with their line.")
@click.option("--max-field-size", "max_field", callback=_size, metavar="SIZE",
              help="Longest value kept (default 1MB; e.g. 20MB). A row holding a longer value is rejected "
                   "with its size; the value is cut while the file is decompressed, never held in memory.")
@click.option("--input-format", "fmt",
              type=click.Choice(["csv", "tsv", "jsonl", "json", "parquet", "twitter", "telegram"]),
              help="Force the input format (default: recognised from name and content).")
@click.option("--outlet", "whole_outlet", metavar="NAME",
              help="Every post of these files is this outlet's (a site's own export without an author column); "
                   "wins over any outlet column.")
@click.option("--no-header", "no_header", is_flag=True,
              help="CSV/TSV files without a header line: the first line is a post, columns are column_1, "
                   "column_2 ... (map them: --map text=column_3).")
@click.option("--chunk-size", "chunk_size", callback=_chunk, metavar="SIZE",
              help="Read big files a block of about SIZE at a time (default 32MB; e.g. 256MB), each block "
                   "stored as it is read, so memory follows the block, not the file; 0 reads every file whole. "
                   "The result is the same either way.")
@click.option("--workers", type=click.IntRange(min=1), default=None, metavar="N",
              help="Threads of a block-wise ingest (default 2): with 2 or more the next block is read and checked "
                   "while the last one is stored; 1 does one after the other. The result is the same either way.")
@click.option("--rejects", type=click.Path(dir_okay=False, readable=False),
              help="Where to write rejected rows (default: WORKSPACE/rejects/ingest-TIME.csv).")
@click.option("--format", "out_fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@raw_option
@quiet_option
def command(files, workspace, outlets_file, maps, time_format, encoding, max_field, fmt, whole_outlet, no_header,
            chunk_size, workers, rejects, out_fmt, raw, quiet):
    """Read posts (and an outlets table) into a workspace, creating it if needed.

    FILES may be CSV/TSV, JSON Lines, Parquet, Twitter/X API v2 pages or a
    Telegram Desktop result.json, many at once, compressed or not (gz, bz2,
    xz, zip); "-" reads standard input, and named pipes are read once, as a
    stream. Columns are recognised by
    common names (id/tweet_id, text/content/full_text, created_at/date,
    author/username/site/publisher...); --map overrides. Every row is
    accepted, collapsed into an identical duplicate, or written to the rejects
    file with its file, row, column and reason. Re-ingesting the same file
    adds nothing ("0 new, N already present"). The rejects and conflicts
    files are CSV for spreadsheets: a cell that begins with = + - @ gets a
    leading ' so that it is not run as a formula; --raw writes it as stored.

    \b
    Example:
      amplify ingest posts.csv tweets.jsonl --outlets outlets.csv --workspace ws
      amplify ingest ruwa.csv --map outlet=Site --map published_at=Date \\
          --map 'text=title|desc' --workspace ws
      amplify ingest tass-export.csv --outlet tass --workspace ws
      amplify ingest dump.csv --no-header --map text=column_2 --map published_at=column_1 \\
          --outlet tass --workspace ws
    """
    from amplify.ingest import IngestError, read_outlets
    from amplify.workspace import Workspace, WorkspaceError

    if not files and not outlets_file:
        raise click.UsageError("give FILES to ingest, or --outlets FILE, or both")
    if list(files).count("-") + (outlets_file == "-") > 1:
        raise click.UsageError("standard input (-) can be read only once: give - once")
    mapping = _mapping(maps)
    if whole_outlet is not None:
        from amplify.ingest.columns import Constant

        if "outlet" in mapping:
            raise click.UsageError("give either --outlet NAME (the whole file) or --map outlet=COLUMN, not both")
        if not whole_outlet.strip():
            raise click.BadParameter("the outlet name is empty", param_hint="--outlet")
        mapping["outlet"] = Constant(whole_outlet)
    report: dict = {}
    try:
        ws = Workspace.open(workspace, create=True)
    except WorkspaceError as exc:
        raise click.ClickException(str(exc)) from exc
    options = dict(mapping=mapping or None, time_format=time_format, fmt=fmt, progress=not quiet,
                   encoding=encoding, max_field=max_field, map_flag="--map", header=not no_header,
                   chunk_size=chunk_size)
    if workers is not None:
        options["workers"] = workers
    try:
        outlets = read_outlets(outlets_file, encoding=encoding, map_flag="header") if outlets_file else None
        # posts are read and stored a block at a time (the parts are committed once all is read: an
        # error stores nothing), then the outlets table
        with ws.writer():
            res, app = ws.ingest(list(files), **options) if files else (None, None)
            if outlets is not None:
                _note_outlet_notes(outlets_file, outlets.attrs.get("ingest_notes", []), report, quiet)
            if res is not None:
                note(res.summary(), quiet)
                report["ingest"] = res.to_dict()
                if len(res.rejects):
                    report["rejects_file"] = str(_write_rejects(res.rejects, rejects, workspace, quiet, raw=raw))
            _store(ws, workspace, outlets, app, report, out_fmt=out_fmt, quiet=quiet, raw=raw)
        stored_outlets = ws.outlets(fill_missing=False)
        missing = ws.missing_outlets()
    except IngestError as exc:
        result = getattr(exc, "result", None)
        if result is not None and len(result.rejects):
            _write_rejects(result.rejects, rejects, workspace, quiet, raw=raw)
        raise click.ClickException(str(exc)) from exc
    except WorkspaceError as exc:
        raise click.ClickException(str(exc)) from exc
    report["outlets_missing"] = len(missing)
    if missing:
        _note_missing_outlets(missing, stored_outlets, quiet)
    if out_fmt == "json":
        emit_json(report)


def _store(ws, workspace, outlets, app, report: dict, *, out_fmt: str, quiet: bool, raw: bool = False) -> None:
    """Write the outlets table, and report the posts stored (inside the caller's writer session)."""
    from amplify.io import atomic_output, write_csv

    with ws.writer():
        if outlets is not None:
            orep = ws.set_outlets(outlets)
            report["outlets"] = str(orep)
            note(f"outlets: {orep}", quiet)
            from amplify import schema

            # a row with an empty group is read as camp 'unknown': said, as for outlets the table lacks
            no_group = sorted(outlets.loc[outlets["group"].astype(str) == schema.UNKNOWN_GROUP, "outlet"].astype(str))
            if no_group:
                report["outlets_without_group"] = len(no_group)
                note(f"{len(no_group):,} outlet(s) of the outlets table have no group ({', '.join(no_group[:5])}"
                     f"{' and more' if len(no_group) > 5 else ''}): their camp is '{schema.UNKNOWN_GROUP}', left "
                     "out of camp analyses until you fill in their group", quiet)
        if app is not None:
            report["append"] = {"new": app.new, "already_present": app.already_present,
                                "conflicts": int(app.n_conflicts)}
            if out_fmt == "table":
                click.echo(f"workspace {workspace}: {app}")
            if app.n_conflicts:
                path = Path(workspace) / "rejects" / f"conflicts-{_stamp()}.csv"
                with atomic_output(path) as fh:
                    write_csv(app.conflicts, fh, raw=raw)
                note(f"  {app.n_conflicts:,} post ids already stored with other content were not "
                     f"overwritten; both versions are in {path}", quiet)
                report["conflicts_file"] = str(path)


#: How many notes about the outlets table are printed (all are in the JSON report).
SHOWN_OUTLET_NOTES = 20


def _note_outlet_notes(path, notes: list, report: dict, quiet: bool) -> None:
    """What reading the outlets table noted (rows left out, an encoding guessed): never silent."""
    report["outlets_notes"] = list(notes)
    for n in notes[:SHOWN_OUTLET_NOTES]:
        note(f"{path}: {n}", quiet)
    if len(notes) > SHOWN_OUTLET_NOTES:
        note(f"{path}: ... and {len(notes) - SHOWN_OUTLET_NOTES} more (see --format json)", quiet)


def _note_missing_outlets(missing: list, stored_outlets, quiet: bool) -> None:
    """Tell how many outlets the table lacks, with a near match when there is one."""
    from amplify.ingest import suggest_outlets

    hint = ""
    if len(stored_outlets):
        sugg = suggest_outlets(missing, stored_outlets)
        if sugg:
            a, b = next(iter(sugg.items()))
            hint = f" (did you mean {b!r} for {a!r}? {len(sugg)} near matches)"
    note(f"{len(missing):,} outlets are not in the outlets table and get group 'unknown'{hint}; "
         f"add them with --outlets FILE", quiet)


def _stamp() -> str:
    return _dt.datetime.now(_dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _write_rejects(rejects, path, workspace, quiet, *, raw: bool = False):
    from amplify.io import atomic_output, write_csv

    path = Path(path) if path else Path(workspace) / "rejects" / f"ingest-{_stamp()}.csv"
    with atomic_output(path) as fh:
        write_csv(rejects, fh, raw=raw)
    note(f"{len(rejects):,} rejected rows (file, row, column, reason, value) written to {path}", quiet)
    return path
