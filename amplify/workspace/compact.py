"""Compaction: rewrite many small posts parts into fewer large ones, sorted by time.

Every ``amplify ingest`` (and every chunk of a large file) adds one part, so
a workspace grown by small appends holds hundreds of small files whose time
ranges overlap: a read by time opens all of them, and every reader pays one
footer per file. Compaction merges them into parts of about ``rows_per_part``
posts whose time ranges do not overlap, each sorted by
``(published_at, post_id)`` in row groups of
:data:`~amplify.workspace.parts.POSTS_ROW_GROUP` posts -- so a read of a time
range (sliced detection, ``ws.posts(since=..., until=...)``) skips whole
files by the manifest's key ranges and row groups by their statistics.

Which parts are rewritten (:func:`plan_compaction`): a part of at least half
the target size whose time range overlaps no other part is already compact
and stays; the others, between two such parts, are merged. So after one
compaction, compacting again after a few appends rewrites only the new small
parts, not the whole corpus.

What stays valid, and why:

* the posts: every row is copied with all its columns, including ``_seq``
  (the ingest it came in) and ``_text_sha1``; a compacted part's record names
  its rows' ingest sequences in ``seqs``, so "the posts added after ingest
  ``s``" (incremental detection) is exactly what it was;
* part numbers: each new part gets a fresh sequence number (``last_seq``
  grows), never one an older part had, so whatever is keyed by part number
  (the names found in texts by ``amplify.analyze.cites_store``) sees new
  parts, not stale ones; link sets that covered every post before cover the
  new number too (compaction adds no post);
* link sets (by post id), embeddings (by post id), content ids and the
  recognition of posts already stored (by id, outlet, time and text SHA-1)
  do not depend on which file a post is in.

Atomicity is the workspace's usual one: new parts are written under
temporary names and renamed into place, checked (rows written == rows read),
then the manifest is replaced in one atomic write; the old parts are deleted
only after that commit. A process killed before the commit leaves the old
manifest, naming only old files (the new ones are garbage the next writer
deletes); killed after it, the new manifest, whose files are all in place.

Examples
--------
>>> import tempfile, pandas as pd
>>> from amplify.workspace import Workspace
>>> ws = Workspace.open(tempfile.mkdtemp() + "/ws", create=True)
>>> with ws.writer():
...     for d in "2143":
...         _ = ws.add_posts(pd.DataFrame({"post_id": [d], "outlet": ["tass"],
...             "published_at": [f"2024-03-0{d}T08:00:00Z"], "text": ["Hello"]}))
...     print(ws.compact())
4 parts (4 posts) merged into 1; 4 -> 1 parts, 0.0 -> 0.0 MiB
>>> ws.posts(columns=["post_id", "_seq"])["_seq"].tolist(), ws.last_seq
([2, 1, 4, 3], 5)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as pads

from amplify.workspace.errors import WorkspaceError
from amplify.workspace.lock import now_iso
from amplify.workspace import parts as parts_mod
from amplify.workspace.manifest import part_file
from amplify.workspace.parts import POST_ORDER, SEQ, part_seqs, with_outlets_summary
from amplify.workspace.tables import write_parquet_taken

__all__ = ["DEFAULT_ROWS_PER_PART", "CompactReport", "plan_compaction", "compact_manifest"]

#: Posts per compacted part by default: 10M posts make ten files, and one part's posts are what a
#: compaction holds in memory (2M generated posts, 1M per part: 1.3 GiB peak RSS, measured with
#: /usr/bin/time; 2.1 GiB before parts were written without a sorted copy).
DEFAULT_ROWS_PER_PART = 1_000_000
#: How many input files a compacted part's record names at most (as a part written by ingest).
MAX_SOURCES = 100


@dataclass
class CompactReport:
    """What :meth:`amplify.workspace.Workspace.compact` did.

    Attributes
    ----------
    parts_before, parts_after : int
        Posts parts before and after.
    parts_merged : int
        Parts that were rewritten (merged into new ones).
    parts_written : int
        New parts written.
    posts_moved : int
        Posts rewritten (those of the merged parts).
    bytes_before, bytes_after : int
        Bytes of all posts parts before and after.
    removed : list of str
        Files deleted after the commit.
    """

    parts_before: int
    parts_after: int
    parts_merged: int = 0
    parts_written: int = 0
    posts_moved: int = 0
    bytes_before: int = 0
    bytes_after: int = 0
    removed: list = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """True when parts were rewritten (a commit was made)."""
        return self.parts_merged > 0

    def __str__(self) -> str:
        if not self.changed:
            return f"already compact: {self.parts_before:,} part(s), nothing rewritten"
        return (f"{self.parts_merged:,} parts ({self.posts_moved:,} posts) merged into {self.parts_written:,}; "
                f"{self.parts_before:,} -> {self.parts_after:,} parts, "
                f"{self.bytes_before / 2**20:,.1f} -> {self.bytes_after / 2**20:,.1f} MiB")


def plan_compaction(parts: list[dict], rows_per_part: int) -> list[list[dict]]:
    """The groups of parts to merge, each into parts of about ``rows_per_part`` posts.

    A part of at least ``rows_per_part // 2`` posts whose key range overlaps
    no other part's is kept as it is. The other parts fall into runs between
    kept parts (a part overlapping nothing lies wholly between two kept
    ones); each run of two or more parts is a group. Merged output then
    overlaps neither the kept parts nor the other groups' output.

    Examples
    --------
    >>> p = lambda seq, rows, a, b: {"seq": seq, "rows": rows, "first_key": [a, "x"], "last_key": [b, "x"]}
    >>> big, s1, s2, s3 = p(1, 100, 0, 10), p(2, 5, 20, 30), p(3, 5, 25, 40), p(4, 5, 50, 60)
    >>> [[q["seq"] for q in g] for g in plan_compaction([big, s1, s2, s3], rows_per_part=100)]
    [[2, 3, 4]]
    >>> plan_compaction([big, s3], rows_per_part=100)  # one small part alone: nothing to merge it with
    []
    """
    if rows_per_part < 1:
        raise WorkspaceError(f"rows_per_part must be at least 1 (got {rows_per_part})")
    order = sorted(parts, key=lambda p: (tuple(p["first_key"]), p["seq"]))
    first = [tuple(p["first_key"]) for p in order]
    last = [tuple(p["last_key"]) for p in order]
    # sorted by first key, part i overlaps an earlier part iff the largest last key before it reaches
    # its first key, and a later one iff the next part starts before its last key
    overlaps = [False] * len(order)
    furthest = None
    for i in range(len(order)):
        before = furthest is not None and furthest >= first[i]
        after = i + 1 < len(order) and first[i + 1] <= last[i]
        overlaps[i] = before or after
        furthest = last[i] if furthest is None or last[i] > furthest else furthest
    groups, run = [], []
    for p, over in zip(order, overlaps):
        if not over and int(p["rows"]) >= rows_per_part // 2:
            if len(run) > 1:
                groups.append(run)
            run = []
        else:
            run.append(p)
    if len(run) > 1:
        groups.append(run)
    return groups


def _boundaries(times: np.ndarray, rows_per_part: int) -> list[tuple[int | None, int | None]]:
    """``[lo, hi)`` time ranges (ns; None open) splitting sorted ``times`` into pieces of about
    ``rows_per_part``; posts of one time always go to one piece, so the pieces' keys do not overlap."""
    k = max(1, math.ceil(len(times) / rows_per_part))
    cuts = sorted({int(times[(j * len(times)) // k]) for j in range(1, k)})
    cuts = [c for c in cuts if c > int(times[0])]
    edges = [None] + cuts + [None]
    return list(zip(edges[:-1], edges[1:]))


def _unified_schema(files: list[Path]) -> pa.Schema:
    import pyarrow.parquet as pq

    schemas = [pq.read_schema(f).remove_metadata() for f in files]
    return pa.unify_schemas(schemas, promote_options="permissive")


def _merge_group(root: Path, group: list[dict], rows_per_part: int, next_seq: int,
                 progress: bool) -> list[dict]:
    """Write the posts of ``group`` as new parts numbered from ``next_seq``; their records."""
    from amplify.progress import bar

    files = [root / p["file"] for p in group]
    schema = _unified_schema(files)
    ds = pads.dataset([str(f) for f in files], schema=schema, format="parquet")
    times = np.sort(ds.to_table(columns=["published_at"]).column("published_at")
                    .cast(pa.int64()).to_numpy())
    expected = sum(int(p["rows"]) for p in group)
    if len(times) != expected:
        raise WorkspaceError(f"compaction read {len(times):,} posts from parts "
                             f"{[p['seq'] for p in group]} whose records say {expected:,}; "
                             f"run `amplify check` (nothing was changed)")
    sources = sorted({s for p in group for s in p.get("sources") or []})[:MAX_SOURCES]
    ts = pa.timestamp("ns", "UTC")
    records, written = [], 0
    ranges = _boundaries(times, rows_per_part)
    for lo, hi in bar(ranges, total=len(ranges), desc=f"compacting {len(group)} parts", enabled=progress,
                      unit="part"):
        expr = None
        if lo is not None:
            expr = pc.field("published_at") >= pa.scalar(lo, ts)
        if hi is not None:
            cond = pc.field("published_at") < pa.scalar(hi, ts)
            expr = cond if expr is None else expr & cond
        table = ds.to_table(filter=expr)
        if not table.num_rows:
            continue
        table = with_outlets_summary(table.replace_schema_metadata(None))
        order = pc.sort_indices(table, sort_keys=POST_ORDER)
        seq = next_seq + len(records)
        rel = part_file(seq)
        nbytes, sha = write_parquet_taken(root / rel, table, order, parts_mod.POSTS_ROW_GROUP)
        n = table.num_rows
        ends = table.select(["published_at", "post_id"]).take(pa.array([order[0].as_py(), order[n - 1].as_py()]))
        t_col, id_col = ends.column("published_at"), ends.column("post_id")
        row_seqs = table.column(SEQ)
        records.append({
            "seq": seq, "file": rel, "rows": n, "bytes": nbytes, "sha256": sha, "sources": sources,
            "columns": table.column_names,
            "first_key": [t_col[0].value, id_col[0].as_py()],
            "last_key": [t_col[1].value, id_col[1].as_py()],
            "seqs": [int(pc.min(row_seqs).as_py()), int(pc.max(row_seqs).as_py())],
            "created_at": now_iso(), "compacted": True,
        })
        del table, order  # before the next piece is read: one piece in memory at a time
        written += n
    if written != expected:  # e.g. a post with no time: nothing is committed, the new files are garbage
        raise WorkspaceError(f"compaction wrote {written:,} posts of the {expected:,} of parts "
                             f"{[p['seq'] for p in group]}; nothing was changed")
    return records


def compact_manifest(root: Path, manifest: dict, rows_per_part: int = DEFAULT_ROWS_PER_PART,
                     progress: bool = False) -> tuple[dict | None, CompactReport]:
    """Write the compacted parts of ``manifest``'s posts; returns the manifest to commit and a report.

    The caller holds the writer lock, commits the returned manifest (a
    changed copy; ``None`` when nothing needs merging) and then deletes the
    files it no longer names. New parts are numbered from ``last_seq + 1``;
    ``last_seq`` becomes the last of them, and link sets that covered every
    post cover it too.
    """
    import json

    root = Path(root)
    parts = manifest["posts"]["parts"]
    report = CompactReport(parts_before=len(parts), parts_after=len(parts),
                           bytes_before=sum(int(p.get("bytes", 0)) for p in parts))
    report.bytes_after = report.bytes_before
    groups = plan_compaction(parts, rows_per_part)
    if not groups:
        return None, report
    m = json.loads(json.dumps(manifest))
    old_last = int(m["posts"]["last_seq"])
    next_seq = old_last + 1
    merged: set[str] = set()
    new_records: list[dict] = []
    for group in groups:
        recs = _merge_group(root, group, rows_per_part, next_seq, progress)
        next_seq += len(recs)
        new_records += recs
        merged.update(p["file"] for p in group)
        report.parts_merged += len(group)
        report.posts_moved += sum(int(p["rows"]) for p in group)
    kept = [p for p in m["posts"]["parts"] if p["file"] not in merged]
    m["posts"]["parts"] = kept + new_records
    if sum(int(p["rows"]) for p in m["posts"]["parts"]) != int(m["posts"]["n_posts"]):
        raise WorkspaceError("compaction would change the number of posts; nothing was changed")
    if new_records:
        m["posts"]["last_seq"] = new_records[-1]["seq"]
    for ls in m["linksets"]:
        if int(ls["covered_through"]) >= old_last:  # it saw every post: it sees every post still
            ls["covered_through"] = int(m["posts"]["last_seq"])
    report.parts_written = len(new_records)
    report.parts_after = len(m["posts"]["parts"])
    report.bytes_after = sum(int(p.get("bytes", 0)) for p in m["posts"]["parts"])
    return m, report


def describe_seqs(part: dict) -> str:
    """``"#3"`` for a part of one ingest, ``"#3-#17"`` for a compacted one."""
    lo, hi = part_seqs(part)
    return f"#{lo}" if lo == hi else f"#{lo}-#{hi}"
