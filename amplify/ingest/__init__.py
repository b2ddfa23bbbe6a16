"""Ingest: exports in, canonical ``posts`` and ``outlets`` tables out.

>>> from amplify.ingest import read_posts, read_outlets       # doctest: +SKIP
>>> res = read_posts(["a.csv", "tweets.json", "result.json"],  # doctest: +SKIP
...                  mapping={"text": "content", "outlet": "author"})
>>> res.posts, res.rejects, res.files                           # doctest: +SKIP
>>> print(res.summary())                                        # doctest: +SKIP

Formats (detected from the name and the content; ``fmt=`` forces one for all
files): CSV/TSV (``,`` ``;`` tab or ``|``, UTF-8 with or without BOM, UTF-16,
CRLF, Excel's ``sep=`` line, ``.gz``/``.bz2``/``.xz``/single-file ``.zip``),
JSON Lines, JSON arrays of records, Parquet, Twitter/X API v2 pages (and v1.1
tweets), Telegram Desktop ``result.json``.

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
* files without an id column get ``<file stem>:<row>`` ids (stable across reads).
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from amplify import schema
from amplify.ingest import tabular
from amplify.ingest.report import REJECT_COLUMNS, FileReport, IngestError, IngestResult, reason_category
from amplify.ingest.tabular import (
    FORMATS,
    OUTLET_ALIASES,
    POST_ALIASES,
    file_stem,
    read_table,
    resolve_columns,
    shorten,
    to_posts,
)
from amplify.ingest.times import parse_times

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
]

#: Show a progress bar (when asked) only from this many bytes of input.
PROGRESS_MIN_BYTES = 16 * 1024 * 1024


def _id_prefixes(paths: list[str]) -> list[str]:
    """File stems for derived ids; stems shared by two inputs get their folder name too."""
    stems = [file_stem(p) for p in paths]
    count = Counter(stems)
    out = []
    for p, s in zip(paths, stems):
        if count[s] > 1:
            s = f"{Path(p).parent.name}/{s}"
        out.append(s)
    count = Counter(out)
    return [s if count[s] == 1 else str(p) for p, s in zip(paths, out)]


def read_posts(paths, mapping: dict | None = None, time_format: str | None = None, fmt: str | None = None,
               progress: bool = False, *, encoding: str | None = None, keep_extra: bool = True,
               map_flag: str = "--map") -> IngestResult:
    """Read post exports into one validated ``posts`` table, with rejects and per-file reports.

    Parameters
    ----------
    paths
        A path or a list of paths (any mix of formats).
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
        Text encoding of CSV/TSV files when not UTF-8/UTF-16 with BOM (otherwise
        non-UTF-8 files are read as cp1252 and a note says so).
    keep_extra
        Keep the source's other columns after the canonical ones (default).
    map_flag
        How the mapping option is spelled in messages (the CLI's flag).

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
    prefixes = _id_prefixes(paths)
    sizes = [Path(p).stat().st_size if Path(p).is_file() else 0 for p in paths]
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
        for i, (path, prefix) in enumerate(zip(paths, prefixes)):
            if bar is not None:
                bar.set_postfix_str(Path(path).name)
            raw = read_table(path, fmt, encoding)
            res = to_posts(raw, None if raw.canonical else mapping, time_format, id_prefix=prefix,
                           keep_extra=keep_extra or raw.canonical, map_flag=map_flag)
            rep = FileReport(path=path, format=raw.format, rows_read=raw.rows_read,
                             derived_ids=res.derived_ids, skipped=sum(raw.skipped.values()),
                             skipped_by_reason=dict(raw.skipped), column_mapping=res.column_mapping,
                             time_formats=res.time_formats, encoding=raw.encoding, separator=raw.separator,
                             notes=list(raw.notes) + list(res.notes))
            reports.append(rep)
            acc = res.accepted
            acc["_file"] = i
            accepted.append(acc)
            rj = res.rejects
            rj.insert(0, "file", path)
            rejects.append(rj)
            id_cols.append(res.column_mapping.get("post_id", "post_id"))
            if bar is not None:
                bar.update(sizes[i])
    finally:
        if bar is not None:
            bar.close()

    allacc = pd.concat(accepted, ignore_index=True) if accepted else pd.DataFrame()
    allacc, dup_rejects, collapsed = _dedupe(allacc, paths, id_cols)
    if len(dup_rejects):
        rejects.append(dup_rejects)
    rej = pd.concat(rejects, ignore_index=True) if rejects else pd.DataFrame(columns=list(REJECT_COLUMNS))
    rej = rej[list(REJECT_COLUMNS)]
    order = {p: i for i, p in enumerate(paths)}
    rej = rej.assign(_o=rej["file"].map(order)).sort_values(["_o", "row"], kind="stable").drop(columns="_o")
    rej = rej.reset_index(drop=True)
    rej["row"] = rej["row"].astype("int64")
    for c in ("file", "column", "reason", "value"):
        rej[c] = rej[c].astype("string")

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

    if len(allacc):
        rows = allacc["_row"].astype("int64").astype("string")
        files = pd.Series(np.asarray(paths, dtype=object)[file_idx], dtype="string")
        allacc["origin"] = (files + ":" + rows).to_numpy()
        posts = allacc.drop(columns=["_row", "_naive", "_file"])
    else:
        posts = schema.empty_posts(optional=True)
    posts = schema.validate_posts(posts)
    result = IngestResult(posts=posts, rejects=rej, files=reports)
    if not len(posts):
        raise IngestError("nothing usable: no post was accepted.\n" + result.summary(), result=result)
    return result


def _dedupe(acc: pd.DataFrame, paths: list[str], id_cols: list[str]):
    """Collapse identical rows sharing a post_id; reject later conflicting ones."""
    empty = pd.DataFrame(columns=list(REJECT_COLUMNS))
    if not len(acc):
        return acc, empty, {}
    dup = acc["post_id"].duplicated(keep=False).to_numpy()
    if not dup.any():
        return acc, empty, {}
    sub = acc.loc[dup, ["post_id", "outlet", "published_at", "text", "_file", "_row"]]
    first = sub.drop_duplicates("post_id", keep="first")
    later = sub[sub["post_id"].duplicated(keep="first")]
    m = later.reset_index().merge(first, on="post_id", suffixes=("", "_first"), how="left").set_index("index")
    same_outlet = (m["outlet"] == m["outlet_first"]).to_numpy(dtype=bool)
    same_time = (m["published_at"] == m["published_at_first"]).to_numpy(dtype=bool)
    same_text = (m["text"] == m["text_first"]).fillna(False).to_numpy(dtype=bool)
    same = same_outlet & same_time & same_text
    collapsed = Counter(m.loc[same, "_file"].tolist())
    conf = m[~same]
    recs = []
    for (idx, r), so, st, sx in zip(conf.iterrows(), same_outlet[~same], same_time[~same], same_text[~same]):
        diff = [name for name, eq in (("outlet", so), ("time", st), ("text", sx)) if not eq]
        recs.append({
            "file": paths[int(r["_file"])], "row": int(r["_row"]), "column": id_cols[int(r["_file"])],
            "reason": (f"conflicting duplicate id: same post_id as {paths[int(r['_file_first'])]}:"
                       f"{int(r['_row_first'])} (kept) but different {'/'.join(diff)}"),
            "value": shorten(r["post_id"]),
        })
    drop = m.index.to_numpy()
    keep = np.ones(len(acc), dtype=bool)
    keep[drop] = False
    return acc[keep].reset_index(drop=True), pd.DataFrame(recs, columns=list(REJECT_COLUMNS)), dict(collapsed)


# --------------------------------------------------------------------------- outlets


def read_outlets(path, mapping: dict | None = None, *, fmt: str | None = None, encoding: str | None = None,
                 map_flag: str = "--outlets-map") -> pd.DataFrame:
    """Read an outlets table (CSV/TSV/JSON Lines/JSON/Parquet) into validated ``outlets``.

    Columns are recognised by name (see :data:`OUTLET_ALIASES`: ``handle``/``account``
    -> ``outlet``, ``camp`` -> ``group``, ``type`` -> ``kind``, ...); ``mapping``
    wins. Values lose surrounding whitespace; empty groups become ``unknown``.
    Rows repeated identically are collapsed; one outlet with two different rows
    is an error. Rows without an outlet and malformed rows are left out and
    listed in ``df.attrs["ingest_notes"]``; ``df.attrs["column_mapping"]`` says
    which column fed which.
    """
    raw = read_table(path, fmt, encoding)
    if raw.canonical:
        raise IngestError(f"{path}: a {raw.format} export is a posts file, not an outlets table")
    colmap = resolve_columns(list(raw.frame.columns), mapping, OUTLET_ALIASES, path=str(path),
                             required=("outlet", "group"), map_flag=map_flag)
    notes = [f"line {r['row']}: {r['reason']}" for r in raw.rejects]
    frame = raw.frame.reset_index(drop=True)
    out = pd.DataFrame(index=frame.index)
    for canon, src in colmap.items():
        s = tabular._source_values(frame, src, True).str.strip()
        out[canon] = s.where(s != "")
    mapped = {c for src in colmap.values() for c in ([src] if isinstance(src, str) else src)}
    for c in frame.columns:
        if c not in mapped and c not in out.columns:
            out[c] = frame[c]
    rows = pd.Series(raw.rows)
    blank = out[list(colmap)].isna().all(axis=1).to_numpy()
    no_outlet = out["outlet"].isna().to_numpy() & ~blank
    for r in rows[no_outlet]:
        notes.append(f"line {int(r)}: no outlet, row left out")
    keep = ~blank & ~no_outlet
    out, rows = out[keep].reset_index(drop=True), rows[keep].reset_index(drop=True)
    canon_cols = list(colmap)
    ident = out.duplicated(subset=canon_cols, keep="first").to_numpy()
    if ident.any():
        notes.append(f"{int(ident.sum())} repeated row(s) collapsed")
        out, rows = out[~ident].reset_index(drop=True), rows[~ident].reset_index(drop=True)
    dup = out["outlet"].duplicated(keep=False).to_numpy()
    if dup.any():
        bad = out.loc[dup, "outlet"]
        listing = "; ".join(f"{o!r} on lines {', '.join(str(int(r)) for r in rows[dup][bad == o])}"
                            for o in list(dict.fromkeys(bad))[:10])
        raise IngestError(f"{path}: outlet(s) listed twice with different values: {listing}. "
                          "Keep one row per outlet.", path=str(path))
    out = schema.validate_outlets(out)
    out.attrs["ingest_notes"] = notes
    out.attrs["column_mapping"] = {k: tabular.source_label(v) for k, v in colmap.items()}
    return out


def complete_outlets(posts: pd.DataFrame, outlets: pd.DataFrame | None = None):
    """The outlets table with a row (group ``unknown``) for every outlet of ``posts`` it lacks.

    Returns ``(outlets, missing)``: the completed, validated table and the
    sorted list of outlets that were missing (tell the user how many).
    """
    if outlets is None:
        outlets = schema.empty_outlets()
    seen = pd.Index(posts["outlet"].dropna().unique())
    missing = sorted(set(seen) - set(outlets["outlet"].dropna()))
    if missing:
        add = pd.DataFrame({"outlet": missing, "group": schema.UNKNOWN_GROUP})
        outlets = pd.concat([outlets, add], ignore_index=True)
    return schema.validate_outlets(outlets), missing


def suggest_outlets(missing, outlets: pd.DataFrame) -> dict:
    """For outlets missing from the table, near matches in it (case, spaces, ``@``, ``www.``).

    >>> import pandas as pd
    >>> suggest_outlets(["RT.com", "@tass"], pd.DataFrame({"outlet": ["rt.com", "TASS"]}))
    {'RT.com': 'rt.com', '@tass': 'TASS'}
    """
    def key(s):
        s = str(s).strip().lower().lstrip("@")
        for pre in ("https://", "http://", "www."):
            if s.startswith(pre):
                s = s[len(pre):]
        return s.rstrip("/")

    known = {}
    for o in outlets["outlet"].dropna():
        known.setdefault(key(o), o)
    return {m: known[key(m)] for m in missing if key(m) in known}
