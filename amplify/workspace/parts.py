"""Posts parts: the immutable Parquet files that hold the posts.

Part ``k`` (``posts/part-00000k.parquet``) holds the posts of ingest sequence
``k``, sorted by ``(published_at, post_id)``; each row also carries ``k`` in the
``_seq`` column and the SHA-1 of its text in ``_text_sha1`` (how a post already
present is recognised). A part's manifest record names its file, row count,
columns and first and last ``(published_at ns, post_id)`` key.

A part written by compaction (:mod:`amplify.workspace.compact`) merges the
posts of several ingests: it gets a fresh sequence number of its own (a
part's number is never reused for other contents, so caches keyed by it stay
valid) and its record names the ingest sequences of its rows in ``seqs``
(``[first, last]``); the rows keep their own ``_seq``, so "the posts added
after ingest ``s``" (:func:`parts_since`, :func:`read_posts`) stays exact.

Each part's Parquet footer carries a summary of its outlets (outlet -> number
of posts, key :data:`OUTLETS_KEY`), so the distinct outlets of a workspace
(``amplify info``, filling the outlets table) come from the footers, without
reading the posts; parts written before it have none and are read.

This module writes a new part (:func:`write_part`) and reads parts: whole, the
parts after an ingest sequence, or only the posts with given ids, decoding only
the row groups that hold them (:func:`read_posts`). The functions take the
workspace folder and the part records of a snapshot; they know nothing of
locks or commits.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as pads
import pyarrow.parquet as pq

from amplify import schema
from amplify.utc import to_ns
from amplify.workspace.errors import WorkspaceError
from amplify.workspace.lock import now_iso
from amplify.workspace.manifest import part_file
from amplify.workspace.tables import ordered_columns, to_pandas, write_parquet_checked

__all__ = ["SEQ", "TEXT_SHA1", "INTERNAL_POST_COLUMNS", "POSTS_ROW_GROUP", "POST_ORDER", "OUTLETS_KEY",
           "read_part", "READ_GROUPS",
           "part_seqs", "parts_since", "part_outlets", "with_outlets_summary", "posts_filter",
           "post_columns", "read_posts", "read_rows_with_ids", "empty_posts", "distinct_outlets", "write_part",
           "check_part_schema", "stored_keys", "stored_versions", "stored_contents"]

#: Column of a stored post: the ingest sequence (part) it was added in.
SEQ = "_seq"
#: Column of a stored post: SHA-1 of its text.
TEXT_SHA1 = "_text_sha1"
#: The columns the workspace adds to posts; not returned unless asked for.
INTERNAL_POST_COLUMNS = (SEQ, TEXT_SHA1)
#: Sort order of every part, and of :func:`read_posts`.
POST_ORDER = [("published_at", "ascending"), ("post_id", "ascending")]

# Posts parts are written in row groups of this many posts: a reader that
# wants a few posts (the texts behind a page of links) decodes only the groups
# that hold them, and whole reads decode groups in parallel. At 1M posts:
# 40 posts' texts in 0.12 s instead of 0.4-0.8 s, a whole read in 0.25 s
# instead of 0.6-1.5 s, for 7 % more bytes on disk.
POSTS_ROW_GROUP = 4096
#: Columns of a posts part written without dictionary encoding: one value per post, nearly all
#: different (a dictionary was built for each row group, then dropped: ~10 % of the part's writing).
PLAIN_POST_COLUMNS = ("post_id", "text", "url", "origin", "urls", TEXT_SHA1)


#: Key of a part's Parquet footer metadata holding its outlets summary (JSON: outlet -> posts).
OUTLETS_KEY = b"amplify.outlets"


def part_seqs(part: dict) -> tuple[int, int]:
    """The first and last ingest sequence of the rows of ``part`` (its own ``seq`` unless compacted)."""
    lo, hi = part.get("seqs") or (part["seq"], part["seq"])
    return int(lo), int(hi)


def parts_since(parts: list[dict], since_seq: int | None = None) -> list[dict]:
    """The part records holding posts added after ingest sequence ``since_seq`` (all of them for ``None``).

    A compacted part whose rows span ``since_seq`` is included: its rows must
    then be filtered by ``_seq`` (:func:`read_posts` does).
    """
    if since_seq is not None:
        parts = [p for p in parts if part_seqs(p)[1] > since_seq]
    return parts


def with_outlets_summary(table: pa.Table) -> pa.Table:
    """``table`` with its outlets summary (outlet -> number of posts) in its schema's metadata.

    Written into the part's footer, it lets the workspace list its outlets
    from the footers alone (:func:`part_outlets`).
    """
    import json

    counts = pc.value_counts(table.column("outlet").combine_chunks()) if table.num_rows else None
    summary = {} if counts is None else dict(zip(counts.field("values").to_pylist(),
                                                 counts.field("counts").to_pylist()))
    summary.pop(None, None)
    meta = dict(table.schema.metadata or {})
    meta[OUTLETS_KEY] = json.dumps(summary, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return table.replace_schema_metadata(meta)


@contextlib.contextmanager
def unreadable_part(root: Path, part: dict):
    """Turn a part that cannot be decoded (a changed byte in its footer or pages: same size, so
    opening the workspace passed) into a :class:`WorkspaceError` naming it and ``amplify check``."""
    try:
        yield
    except FileNotFoundError:
        raise  # a writer collected an old snapshot's part: the reader refreshes and retries
    except (pa.ArrowException, OSError, ValueError) as exc:
        first = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise WorkspaceError(f"posts part {part.get('seq', '?')} ({part['file']}) of workspace {root} cannot be "
                             f"read ({first}); `amplify check --workspace {root}` says what is damaged and "
                             f"how to recover") from None


def part_outlets(root: Path, part: dict) -> dict[str, int]:
    """Outlet -> number of posts of one part: from its footer's summary, or (parts written
    before summaries existed) by reading its ``outlet`` column."""
    import json

    path = root / part["file"]
    with unreadable_part(root, part):
        meta = pq.read_schema(path).metadata or {}
        if OUTLETS_KEY in meta:
            return json.loads(meta[OUTLETS_KEY])
        counts = pc.value_counts(pq.read_table(path, columns=["outlet"]).column("outlet").combine_chunks())
    return {k: int(n) for k, n in zip(counts.field("values").to_pylist(), counts.field("counts").to_pylist())
            if k is not None}


def post_columns(parts: list[dict], internal: bool = False) -> list[str]:
    """Columns stored for posts (the union over ``parts``), canonical ones first."""
    names = set()
    for p in parts:
        names.update(p["columns"])
    if not internal:
        names -= set(INTERNAL_POST_COLUMNS)
    return ordered_columns(names, schema.POSTS)


def empty_posts(columns: list[str]) -> pd.DataFrame:
    """A posts table with no rows and ``columns``, in their canonical dtypes."""
    dtypes = {c.name: c.dtype for c in schema.POSTS}
    dtypes.update({SEQ: "int64", TEXT_SHA1: "string"})
    return pd.DataFrame({c: pd.Series(dtype=dtypes.get(c, "string")) for c in columns})


def read_rows_with_ids(path: Path, columns: list[str], wanted: pa.Array) -> pa.Table:
    """The rows of the posts part at ``path`` whose ``post_id`` is in ``wanted``.

    The ids are read first, then only the row groups that hold a wanted one.
    """
    with pq.ParquetFile(path) as pf:
        meta = pf.metadata
        if meta.num_row_groups <= 1:  # a part written before row groups: one read
            t = pf.read(columns=columns)
        else:
            ids = pf.read(columns=["post_id"]).column("post_id").cast(pa.string())
            hit = np.flatnonzero(pc.is_in(ids, value_set=wanted).to_numpy(zero_copy_only=False))
            ends = np.cumsum([meta.row_group(i).num_rows for i in range(meta.num_row_groups)])
            groups = np.unique(np.searchsorted(ends, hit, side="right")).tolist()
            if not groups:
                return pf.schema_arrow.empty_table().select(columns)
            t = pf.read_row_groups(groups, columns=columns)
    return t.filter(pc.is_in(t.column("post_id").cast(pa.string()), value_set=wanted))


#: Row groups read per call when a part is read whole or by filter: a 1M-post part read in one
#: call took 2-3 s against 1-1.7 s in pieces of 16 groups (2M posts, text column; Arrow reads one
#: call's column chunks into one buffer first), and a filter can drop each piece's rows at once.
READ_GROUPS = 16


def _groups_in_time(pf: pq.ParquetFile, lo: int | None, hi: int | None) -> list[int]:
    """Row groups of ``pf`` whose ``published_at`` statistics meet ``[lo, hi)`` (ns; None open)."""
    meta = pf.metadata
    groups = list(range(meta.num_row_groups))
    if (lo is None and hi is None) or "published_at" not in meta.schema.names:
        return groups
    col = meta.schema.names.index("published_at")
    unit = pf.schema_arrow.field("published_at").type.unit
    scale = {"s": 10**9, "ms": 10**6, "us": 10**3, "ns": 1}[unit]
    kept = []
    for g in groups:
        st = meta.row_group(g).column(col).statistics
        if st is not None and st.has_min_max:
            if lo is not None and st.max_raw * scale < lo:
                continue
            if hi is not None and st.min_raw * scale >= hi:
                continue
        kept.append(g)
    return kept


def read_part(path: Path, columns: list[str], expr: pc.Expression | None = None, *, lo: int | None = None,
              hi: int | None = None, filter_columns: Sequence[str] = (), probe: Sequence[str] = ()) -> pa.Table:
    """The rows of the posts part at ``path`` that satisfy ``expr`` (all rows for ``None``).

    Row groups outside ``[lo, hi)`` (ns, by their ``published_at``
    statistics) are never read. With ``probe`` (the columns ``expr`` reads,
    e.g. ``outlet``), those columns are read first and only the row groups
    holding a matching row are then read whole: the texts of a group without
    one are never decoded (a Parquet filter decodes every group its
    statistics cannot rule out, which for an outlet is all of them).
    ``filter_columns`` are the columns ``expr`` needs besides ``columns``.
    """
    with pq.ParquetFile(path) as pf:
        groups = _groups_in_time(pf, lo, hi)
        if probe and expr is not None and groups:
            pt = pf.read_row_groups(groups, columns=list(probe))
            rows = pt.append_column("__row", pa.array(np.arange(pt.num_rows, dtype=np.int64))) \
                .filter(expr).column("__row").to_numpy()
            ends = np.cumsum([pf.metadata.row_group(g).num_rows for g in groups])
            groups = [groups[k] for k in np.unique(np.searchsorted(ends, rows, side="right"))]
        if not groups:
            return pf.schema_arrow.empty_table().select(columns)
        need = list(dict.fromkeys(list(columns) + (list(filter_columns) if expr is not None else [])))
        pieces = []
        for i in range(0, len(groups), READ_GROUPS):
            t = pf.read_row_groups(groups[i:i + READ_GROUPS], columns=need)
            pieces.append(t if expr is None else t.filter(expr))
    t = pieces[0] if len(pieces) == 1 else pa.concat_tables(pieces)
    return t.select(columns)


def _wanted_columns(parts: list[dict], columns: Sequence[str] | str | None) -> list[str]:
    """The columns :func:`read_posts` returns: ``columns`` checked, or the stored public ones."""
    stored = post_columns(parts, internal=True)
    # canonical columns can always be asked for: NA where no post has them
    available = list(dict.fromkeys(stored + [c.name for c in schema.POSTS] + list(INTERNAL_POST_COLUMNS)))
    if columns is None:
        return [c for c in stored if c not in INTERNAL_POST_COLUMNS] or \
            [c.name for c in schema.POSTS if c.required]
    want = list(dict.fromkeys([columns] if isinstance(columns, str) else columns))
    unknown = [c for c in want if c not in available]
    if unknown:
        raise WorkspaceError(f"posts have no column(s) {unknown}; stored columns: {stored}")
    return want


def _time_ns(value, what: str) -> int | None:
    """A time bound as UTC nanoseconds (a naive time is UTC); ``None`` stays ``None``."""
    if value is None:
        return None
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise WorkspaceError(f"{what}={value!r} is not a time ({exc})") from None
    if ts is pd.NaT:
        raise WorkspaceError(f"{what}={value!r} is not a time")
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    return int(ts.value)


def posts_filter(parts: list[dict], root: Path, since_seq: int | None = None, outlets: Sequence[str] | None = None,
                 since=None, until=None) -> tuple[list[dict], dict[str, pc.Expression | None]]:
    """The parts that can hold posts matching the filters, and the row filter of each (by file).

    Parts are skipped by their manifest record (ingest sequences, first and
    last key) and outlets summary, before any file is opened; inside a part
    the filter on ``published_at`` lets Arrow skip row groups by their
    statistics (a part is sorted by time, so a time range meets few groups).
    """
    lo, hi = _time_ns(since, "since"), _time_ns(until, "until")
    if lo is not None and hi is not None and hi <= lo:
        return [], {}
    kept = parts_since(parts, since_seq)
    if lo is not None:
        kept = [p for p in kept if int(p["last_key"][0]) >= lo]
    if hi is not None:
        kept = [p for p in kept if int(p["first_key"][0]) < hi]
    wanted = None
    if outlets is not None:
        wanted = sorted({str(o) for o in ([outlets] if isinstance(outlets, str) else outlets)})
        kept = [p for p in kept if not set(part_outlets(root, p)).isdisjoint(wanted)]
    ts = pa.timestamp("ns", "UTC")
    filters: dict[str, pc.Expression | None] = {}
    for p in kept:
        conds = []
        if since_seq is not None and part_seqs(p)[0] <= since_seq:  # a compacted part spanning since_seq
            conds.append(pc.field(SEQ) > pa.scalar(int(since_seq), pa.int64()))
        if lo is not None and int(p["first_key"][0]) < lo:
            conds.append(pc.field("published_at") >= pa.scalar(lo, ts))
        if hi is not None and int(p["last_key"][0]) >= hi:
            conds.append(pc.field("published_at") < pa.scalar(hi, ts))
        if wanted is not None:
            conds.append(pc.field("outlet").isin(pa.array(wanted, pa.string())))
        expr = None
        for c in conds:
            expr = c if expr is None else expr & c
        filters[p["file"]] = expr
    return kept, filters


def read_posts(root: Path, parts: list[dict], columns: Sequence[str] | str | None = None,
               since_seq: int | None = None, ids: Sequence[str] | None = None, *,
               outlets: Sequence[str] | None = None, since=None, until=None) -> pd.DataFrame:
    """The posts of ``parts`` in canonical order; see :meth:`amplify.workspace.Workspace.posts`.

    Parameters
    ----------
    root : pathlib.Path
        The workspace folder.
    parts : list of dict
        The part records of the snapshot (``manifest["posts"]["parts"]``).
    columns, since_seq, ids, outlets, since, until
        As :meth:`~amplify.workspace.Workspace.posts`.

    Raises
    ------
    WorkspaceError
        A column asked for is neither stored nor canonical, or a time bound is
        not a time.
    """
    want = _wanted_columns(parts, columns)
    parts, filters = posts_filter(parts, root, since_seq, outlets, since, until)
    lo, hi = _time_ns(since, "since"), _time_ns(until, "until")
    if not parts:
        return empty_posts(want)
    read = list(dict.fromkeys(want + ["published_at", "post_id"]))
    # Parts are sorted; if their key ranges do not overlap, concatenating them in
    # key order is already canonical and the sort is skipped.
    parts = sorted(parts, key=lambda p: (tuple(p["first_key"]), p["seq"]))
    disjoint = all(tuple(a["last_key"]) < tuple(b["first_key"]) for a, b in zip(parts, parts[1:]))
    tables = []
    wanted = None if ids is None else pa.array(pd.unique(np.asarray(list(ids), dtype=object)), pa.string())
    for p in parts:
        cols = [c for c in read if c in p["columns"]]
        expr = filters[p["file"]]
        with unreadable_part(root, p):
            if wanted is None:
                fcols = [c for c in ("outlet", "published_at", SEQ) if c in p["columns"]]
                t = read_part(root / p["file"], cols, expr, lo=lo, hi=hi, filter_columns=fcols,
                              probe=fcols if outlets is not None else ())
            else:
                extra = [c for c in (SEQ, "published_at", "outlet") if c in p["columns"] and c not in cols]
                t = read_rows_with_ids(root / p["file"], cols + (extra if expr is not None else []), wanted)
                if expr is not None:
                    t = t.filter(expr).select(cols)
        tables.append(t.replace_schema_metadata(None))
    table = tables[0] if len(tables) == 1 else pa.concat_tables(tables, promote_options="permissive")
    if not disjoint:
        table = table.sort_by(POST_ORDER)
    for c in want:  # a column no part read has
        if c not in table.column_names:
            table = table.append_column(c, pa.nulls(table.num_rows, pa.string()))
    return to_pandas(table.select(want))


def distinct_outlets(root: Path, parts: list[dict]) -> np.ndarray:
    """Sorted distinct outlets named by the posts of ``parts`` (an object array), from the parts'
    outlets summaries (:func:`part_outlets`): no post is read."""
    names: set[str] = set()
    for p in parts:
        names.update(part_outlets(root, p))
    return np.array(sorted(names), dtype=object)


def check_part_schema(root: Path, parts: list[dict], new: pa.Schema) -> None:
    """Raise :class:`amplify.schema.SchemaError` if a new part's column types clash with the stored parts'."""
    schemas = [pq.read_schema(root / p["file"]) for p in parts]
    try:
        pa.unify_schemas(schemas + [new], promote_options="permissive")
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise schema.SchemaError(
            f"posts: a column's type differs from the posts already stored: {exc}") from exc


def sorted_posts(table: pa.Table) -> pa.Table:
    """``table.sort_by(POST_ORDER)``, without the copy when the rows are in that order already.

    Files are mostly written in time order: taking every column (the texts) in the order they
    already have was a quarter of the cost of writing a part.
    """
    order = pc.sort_indices(table, sort_keys=POST_ORDER)
    if np.array_equal(order.to_numpy(), np.arange(table.num_rows)):
        return table
    return table.take(order)


def write_part(root: Path, parts: list[dict], seq: int, table: pa.Table, text_sha1: Sequence[str],
               sources: Sequence[str] = ()) -> dict:
    """Write ``table`` as the part of ingest sequence ``seq``; returns its manifest record.

    Parameters
    ----------
    root : pathlib.Path
        The workspace folder.
    parts : list of dict
        The stored parts' records, whose column types the new part must agree with.
    seq : int
        The part's ingest sequence (the last one plus one).
    table : pyarrow.Table
        The new posts, validated, in public columns.
    text_sha1 : sequence of str, or pyarrow string array
        SHA-1 of each post's text, in the rows' order.
    sources : sequence of str
        The input files the posts came from (named by ``amplify check`` when
        the part is damaged, to say what to ingest again).

    Returns
    -------
    dict
        ``seq``, ``file``, ``rows``, ``bytes``, ``sha256`` (of the file),
        ``columns``, ``first_key``, ``last_key`` (``[published_at ns,
        post_id]``), ``created_at`` and ``sources``.
    """
    table = table.append_column(SEQ, pa.array(np.full(table.num_rows, seq, dtype="int64")))
    sha = text_sha1 if isinstance(text_sha1, (pa.Array, pa.ChunkedArray)) else pa.array(list(text_sha1), pa.string())
    table = table.append_column(TEXT_SHA1, sha.cast(pa.string()))
    table = with_outlets_summary(sorted_posts(table))
    check_part_schema(root, parts, table.schema)
    rel = part_file(seq)
    nbytes, sha = write_parquet_checked(root / rel, table, POSTS_ROW_GROUP, plain=PLAIN_POST_COLUMNS)
    t_col, id_col, n = table.column("published_at"), table.column("post_id"), table.num_rows
    return {
        "seq": seq, "file": rel, "rows": table.num_rows, "bytes": nbytes, "sha256": sha, "sources": list(sources),
        "columns": table.column_names,
        "first_key": [t_col[0].value, id_col[0].as_py()],
        "last_key": [t_col[n - 1].value, id_col[n - 1].as_py()],
        "created_at": now_iso(),
    }


def _posts_dataset(root: Path, parts: list[dict]) -> pads.Dataset:
    return pads.dataset([str(root / p["file"]) for p in parts], format="parquet")


def stored_keys(root: Path, parts: list[dict], ids: Sequence[str]) -> pd.DataFrame:
    """What recognises the stored posts whose id is in ``ids`` (one vectorised read).

    Returns
    -------
    pandas.DataFrame
        ``post_id``, ``outlet``, ``ns`` (published_at in ns), ``sha`` (SHA-1
        of the text) and ``seq``.
    """
    cols = ["post_id", "outlet", "published_at", TEXT_SHA1, SEQ]
    if not parts or len(ids) == 0:
        return pd.DataFrame({"post_id": pd.Series(dtype="string"), "outlet": pd.Series(dtype="string"),
                             "ns": pd.Series(dtype="int64"), "sha": pd.Series(dtype="string"),
                             "seq": pd.Series(dtype="int64")})
    t = _posts_dataset(root, parts).to_table(
        columns=cols, filter=pads.field("post_id").isin(pa.array(list(ids), pa.string())))
    df = to_pandas(t)
    return pd.DataFrame({"post_id": df["post_id"], "outlet": df["outlet"], "ns": to_ns(df["published_at"]),
                         "sha": df[TEXT_SHA1], "seq": df[SEQ].astype("int64")})


def stored_contents(root: Path, parts: list[dict], ns: np.ndarray) -> pd.DataFrame:
    """``outlet``, ``ns`` and ``sha`` of every stored post published at one of the times ``ns`` (UTC ns).

    How posts whose id was made from their content are recognised when stored
    under another id (see :func:`amplify.workspace.append.append_posts`).
    """
    if not parts or len(ns) == 0:
        return pd.DataFrame({"outlet": pd.Series(dtype="string"), "ns": pd.Series(dtype="int64"),
                             "sha": pd.Series(dtype="string")})
    times = pa.array(np.unique(np.asarray(ns, dtype="int64")).astype("datetime64[ns]"), pa.timestamp("ns", "UTC"))
    t = _posts_dataset(root, parts).to_table(columns=["outlet", "published_at", TEXT_SHA1],
                                             filter=pads.field("published_at").isin(times))
    df = to_pandas(t)
    return pd.DataFrame({"outlet": df["outlet"], "ns": to_ns(df["published_at"]), "sha": df[TEXT_SHA1]})


def stored_versions(root: Path, parts: list[dict], ids: Sequence[str]) -> pd.DataFrame:
    """``post_id``, ``outlet``, ``published_at``, ``text`` and ``seq`` of the stored posts with these ids."""
    t = _posts_dataset(root, parts).to_table(columns=["post_id", "outlet", "published_at", "text", SEQ],
                                             filter=pads.field("post_id").isin(pa.array(ids, pa.string())))
    return to_pandas(t).rename(columns={SEQ: "seq"})
