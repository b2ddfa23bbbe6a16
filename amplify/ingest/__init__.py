"""Ingest: exports in, canonical ``posts`` and ``outlets`` tables out.

>>> from amplify.ingest import read_posts, read_outlets       # doctest: +SKIP
>>> res = read_posts(["a.csv", "tweets.json", "result.json"],  # doctest: +SKIP
...                  mapping={"text": "content", "outlet": "author"})
>>> res.posts, res.rejects, res.files                           # doctest: +SKIP
>>> print(res.summary())                                        # doctest: +SKIP

For instance, a CSV whose columns go by other names:

>>> import pathlib, tempfile
>>> path = pathlib.Path(tempfile.mkdtemp()) / "posts.csv"
>>> _ = path.write_text("author,date,content\\ntass,2022-03-01T10:00:00Z,Hello\\nrt,yesterday,Hi\\n")
>>> res = read_posts(path)
>>> res.files[0].column_mapping
{'text': 'content', 'published_at': 'date', 'outlet': 'author'}
>>> res.posts[["outlet", "text"]].values.tolist(), res.rejects["reason"].tolist()
([['tass', 'Hello']], ['unparseable time'])
>>> bool(res.posts["post_id"].str.fullmatch("c-[0-9a-f]{20}").all())  # no id column: ids from the content
True

Formats (detected from the name and the content; ``fmt=`` forces one for all
files): CSV/TSV (``,`` ``;`` tab or ``|``, CRLF, Excel's ``sep=`` line), JSON
Lines, JSON arrays of records, Parquet, Twitter/X API v2 pages (and v1.1
tweets), Telegram Desktop ``result.json``; any of them compressed with gzip,
bz2, xz or as a single-file zip, decompressed as a stream; from a file, a
named pipe or standard input (``-``), read once. Text is UTF-8 (with or
without BOM), UTF-16/32 (with or without BOM), or the ``encoding=`` given
(:mod:`.charsets`).

Rules, so that nothing is lost or changed silently:

* every row read is accepted, rejected with a reason (``rejects``), collapsed
  into an identical earlier row with the same ``post_id``, or skipped as not a
  post (Telegram service messages) -- and each file's counts add up;
* text is kept exactly as given (no HTML or whitespace stripping); a text is
  *empty* when nothing but whitespace is left;
* the same ``post_id`` with a different outlet, time or text is a conflict:
  the first row stays, the later one is rejected naming the first's ``file:row``;
* rows are counted as a person would find them: the line number in CSV/TSV and
  JSON Lines files (the header is line 1), the 1-based position in JSON
  arrays, Parquet, Twitter and Telegram exports;
* times without a zone are taken as UTC and counted (see :mod:`.times`);
* a byte not valid in the file's encoding rejects its row, naming the line
  and the byte; the other rows are read (:mod:`.charsets`);
* a value longer than ``max_field`` bytes (1 MiB by default) rejects its row;
  it is cut while the file is decompressed, never held (:mod:`.oversize`);
* values of an unexpected type follow one typed rule per column, or reject
  their row with the reason (:mod:`.typed`);
* files without an id column get ids made from each post's outlet, time and
  text (:mod:`.content_ids`): the same rows give the same ids by any path.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from amplify import schema
from amplify.ingest.columns import OUTLET_ALIASES, POST_ALIASES
from amplify.ingest.duplicates import collapse_duplicates
from amplify.ingest.files import display_name
from amplify.ingest.oversize import DEFAULT_MAX_FIELD, parse_size
from amplify.ingest.outlets import complete_outlets, read_outlets, suggest_outlets
from amplify.ingest.posts import to_posts
from amplify.ingest.report import REJECT_COLUMNS, FileReport, IngestError, IngestResult, reason_category
from amplify.ingest.tabular import FORMATS, read_table
from amplify.ingest.times import check_time_format, parse_times

__all__ = [
    "read_posts",
    "read_outlets",
    "complete_outlets",
    "suggest_outlets",
    "parse_times",
    "IngestResult",
    "FileReport",
    "IngestError",
    "FORMATS",
    "POST_ALIASES",
    "OUTLET_ALIASES",
    "DEFAULT_MAX_FIELD",
    "parse_size",
]

#: Show a progress bar (when asked) only from this many bytes of input.
PROGRESS_MIN_BYTES = 16 * 1024 * 1024


def read_posts(paths, mapping: dict | None = None, time_format: str | None = None, fmt: str | None = None,
               progress: bool = False, *, encoding: str | None = None, keep_extra: bool = True,
               map_flag: str = "mapping", max_field: int = DEFAULT_MAX_FIELD, header: bool = True) -> IngestResult:
    """Read post exports into one validated ``posts`` table, with rejects and per-file reports.

    Parameters
    ----------
    paths
        A path or a list of paths (any mix of formats); ``"-"`` is standard input.
    mapping
        ``{canonical column: source column}``, e.g. ``{"text": "content", "outlet": "author"}``;
        wins over automatic recognition (see :data:`POST_ALIASES`). A value of ``None``
        switches a column off; a list of columns (or ``"title|desc"``) takes the first
        non-empty one row by row. Applies to tabular files (CSV/TSV/JSON Lines/JSON/Parquet);
        Twitter and Telegram exports have fixed mappings.
    time_format
        A ``strptime`` layout tried first on every time value (others still read
        automatically), e.g. ``"Published: %b %d, %Y %I:%M %p"`` or ``"%d/%m/%Y"``.
    fmt
        Force a format for every file: one of :data:`FORMATS`.
    progress
        A progress bar on stderr, shown only for big inputs.
    encoding
        Text encoding of every file (CSV/TSV and JSON) when it is not UTF-8, or
        UTF-16/32 (which are recognised with or without a BOM). Without it, a
        UTF-8 file with a few invalid bytes has those rows rejected, and a file
        with no valid UTF-8 at all is read as cp1252 with a note (or refused
        when its letters are not Latin).
    keep_extra
        Keep the source's other columns after the canonical ones (default).
    map_flag
        How the mapping option is spelled in messages: ``"mapping"`` (this
        function's argument, the default) or the CLI's ``"--map"``.
    max_field
        The longest value kept, in bytes (default 1 MiB); a row holding a
        longer one is rejected with its size.
    header
        ``False`` for CSV/TSV files without a header line: the first line is a
        post, and the columns are named ``column_1``, ``column_2`` ... (map
        them, e.g. ``{"text": "column_3"}``).

    Raises
    ------
    IngestError
        A file cannot be read, has no usable column for ``text``, ``published_at``
        or ``outlet``, or no post at all was accepted (``err.result`` then holds
        the reports and rejects).
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    paths = [str(p) for p in paths]
    if not paths:
        raise IngestError("no input files given")
    if time_format is not None:
        try:
            check_time_format(time_format)
        except ValueError as exc:
            raise IngestError(str(exc), flag="--time-format") from None
    if paths.count("-") > 1:
        raise IngestError("standard input (-) can be read only once; give it once", flag="-")
    reports, accepted, rejects, id_cols = _read_each(
        paths, mapping, time_format, fmt, progress, encoding=encoding, keep_extra=keep_extra, map_flag=map_flag,
        max_field=max_field, header=header)
    paths = [display_name(p) for p in paths]  # "-" is named <stdin> from here on
    allacc = pd.concat(accepted, ignore_index=True) if accepted else pd.DataFrame()
    allacc, dup_rejects, collapsed = collapse_duplicates(allacc, paths, id_cols)
    if len(dup_rejects):
        rejects.append(dup_rejects)
    rej = rejects_table(rejects, paths)
    _count_into(reports, allacc, rej, collapsed)
    derived = np.array([reports[i].derived_ids for i in allacc["_file"]], dtype=bool) if len(allacc) else \
        np.zeros(0, dtype=bool)
    posts = schema.validate_posts(posts_table(allacc, paths))
    result = IngestResult(posts=posts, rejects=rej, files=reports, content_id_rows=derived)
    if not len(posts):
        raise IngestError("nothing usable: no post was accepted.\n" + result.summary(), result=result)
    return result


def _read_each(paths: list[str], mapping, time_format, fmt, progress: bool, *, encoding, keep_extra: bool,
               map_flag: str, max_field: int, header: bool = True):
    """Read and map every file: ``(reports, accepted frames, rejects frames, post_id source columns)``."""
    sizes = [Path(p).stat().st_size if p != "-" and Path(p).is_file() else 0 for p in paths]
    show = bool(progress) and sum(sizes) >= PROGRESS_MIN_BYTES
    bar = None
    if show:
        from tqdm import tqdm

        bar = tqdm(total=sum(sizes), unit="B", unit_scale=True, desc="ingest", file=sys.stderr, leave=False)

    reports: list[FileReport] = []
    accepted: list[pd.DataFrame] = []
    rejects: list[pd.DataFrame] = []
    id_cols: list[str] = []
    try:
        for i, path in enumerate(paths):
            if bar is not None:
                bar.set_postfix_str(Path(path).name)
            raw = read_table(path, fmt, encoding, max_field=max_field, header=header)
            res = to_posts(raw, None if raw.canonical else mapping, time_format,
                           keep_extra=keep_extra or raw.canonical, map_flag=map_flag)
            rep = FileReport(path=display_name(path), format=raw.format, rows_read=raw.rows_read,
                             derived_ids=res.derived_ids, skipped=sum(raw.skipped.values()),
                             skipped_by_reason=dict(raw.skipped), column_mapping=res.column_mapping,
                             time_formats=res.time_formats, encoding=raw.encoding, separator=raw.separator,
                             notes=list(raw.notes) + list(res.notes))
            reports.append(rep)
            acc = res.accepted
            acc["_file"] = i
            accepted.append(acc)
            rj = res.rejects
            rj.insert(0, "file", display_name(path))
            rejects.append(rj)
            id_cols.append(res.column_mapping.get("post_id", "post_id"))
            if bar is not None:
                bar.update(sizes[i])
    finally:
        if bar is not None:
            bar.close()
    return reports, accepted, rejects, id_cols


def rejects_table(rejects: list[pd.DataFrame], paths: list[str]) -> pd.DataFrame:
    """Every file's rejects in one table, in the order of the files, then by row."""
    rej = pd.concat(rejects, ignore_index=True) if rejects else pd.DataFrame(columns=list(REJECT_COLUMNS))
    rej = rej[list(REJECT_COLUMNS)]
    order = {p: i for i, p in enumerate(paths)}
    rej = rej.assign(_o=rej["file"].map(order)).sort_values(["_o", "row"], kind="stable").drop(columns="_o")
    rej = rej.reset_index(drop=True)
    rej["row"] = rej["row"].astype("int64")
    for c in ("file", "column", "reason", "value"):
        rej[c] = rej[c].astype("string")
    return rej


def _count_into(reports: list[FileReport], allacc: pd.DataFrame, rej: pd.DataFrame, collapsed: dict) -> None:
    """Each file's accepted, naive-time, collapsed and rejected counts, into its report."""
    file_idx = allacc["_file"].to_numpy() if len(allacc) else np.zeros(0, dtype=int)
    naive = allacc["_naive"].to_numpy(dtype=bool) if len(allacc) else np.zeros(0, dtype=bool)
    for i, rep in enumerate(reports):
        mine = file_idx == i
        rep.accepted = int(mine.sum())
        rep.naive_times = int(naive[mine].sum())
        rep.duplicates_collapsed = int(collapsed.get(i, 0))
        rr = rej[rej["file"] == rep.path]["reason"]
        rep.rejected = int(len(rr))
        rep.rejected_by_reason = dict(Counter(reason_category(r) for r in rr))


def posts_table(allacc: pd.DataFrame, paths: list[str]) -> pd.DataFrame:
    """The accepted rows as posts: ``origin`` (``file:row``) in place of the internal columns."""
    if not len(allacc):
        return schema.empty_posts(optional=True)
    import pyarrow as pa
    import pyarrow.compute as pc

    file_idx = allacc["_file"].to_numpy()
    # in Arrow: numbers to text and the joins in C++, the column kept as Arrow strings (pandas
    # strings made Python ones, then Arrow again: ~15 ms per 70k-row block, holding the GIL)
    rows = pc.cast(pa.array(allacc["_row"].astype("int64").to_numpy()), pa.string())
    files = pa.array(list(paths), pa.string()).take(pa.array(file_idx, pa.int64()))
    allacc["origin"] = pd.arrays.ArrowStringArray(pc.binary_join_element_wise(files, rows, ":"))
    return allacc.drop(columns=["_row", "_naive", "_file"])
