"""Adding posts: recognise posts already stored, report conflicts, write the new ones as a part.

A post is identified by ``post_id`` and recognised by its ``outlet``,
``published_at`` and the SHA-1 of its ``text``: the same id with the same three
is *already present* (skipped, so adding a file twice changes nothing), the
same id with any of them different is a *conflict* (both versions reported,
the stored one kept, the incoming one not added). Exact copies inside the
input are dropped; different versions inside the input are conflicts too.

Posts whose id was made from their content (files without an id column, see
:mod:`amplify.ingest.content_ids`) are also *already present* when a stored
post has the same outlet, time and text under another id -- e.g. the
``<file stem>:<row>`` ids of workspaces written before content ids: as many
of them as are stored with that content (identical rows stay as many posts as
there were rows).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from amplify import schema
from amplify.utc import to_ns
from amplify.workspace.parts import INTERNAL_POST_COLUMNS, stored_contents, stored_keys, stored_versions, write_part
from amplify.workspace.tables import from_pandas, nullable_strings

__all__ = ["AppendReport", "PreparedPosts", "prepare_posts", "text_sha1", "text_sha1_array", "conflict_table",
           "append_posts", "ingest_files"]

#: The fields compared to tell an already present post from a conflict.
COMPARED_FIELDS = ("outlet", "published_at", "text")
#: Columns of :attr:`AppendReport.conflicts`.
CONFLICT_COLUMNS = ["post_id", "version", "outlet", "published_at", "text", "seq", "differs"]


@dataclass
class AppendReport:
    """What :meth:`Workspace.add_posts` did.

    Attributes
    ----------
    new : int
        Posts written (in a new part).
    already_present : int
        Posts whose ``post_id`` was already stored with identical ``outlet``,
        ``published_at`` and ``text``; nothing was written for them.
    conflicts : pandas.DataFrame
        Both versions of every post whose ``post_id`` is stored (or repeated in
        the input) with a different ``outlet``, ``published_at`` or ``text``.
        Columns ``post_id``, ``version`` (``"stored"`` or ``"incoming"``),
        ``outlet``, ``published_at``, ``text``, ``seq`` (stored part, NA for
        incoming rows) and ``differs`` (the fields that disagree). Conflicting
        posts are neither added nor overwritten.
    duplicates : int
        Extra copies of the same post inside the input, dropped.
    seq : int or None
        Ingest sequence of the part written, ``None`` if nothing new.
    """

    new: int
    already_present: int
    conflicts: pd.DataFrame
    duplicates: int = 0
    seq: int | None = None

    @property
    def n_conflicts(self) -> int:
        """Number of conflicting ``post_id`` values."""
        return int(self.conflicts["post_id"].nunique()) if len(self.conflicts) else 0

    def __str__(self) -> str:
        s = f"{self.new:,} new, {self.already_present:,} already present, {self.n_conflicts:,} conflicts"
        if self.duplicates:
            s += f", {self.duplicates:,} duplicate rows in the input dropped"
        return s


@dataclass
class PreparedPosts:
    """Posts to add, validated and with in-input repeats sorted out (see :func:`prepare_posts`).

    Attributes
    ----------
    incoming : pandas.DataFrame
        The whole validated input (the incoming side of the conflict report).
    rows : pandas.DataFrame
        The validated posts with unique ids, exact copies and conflicts removed.
    keys : pandas.DataFrame
        For each of ``rows``: ``post_id``, ``outlet``, ``ns`` (published_at in
        ns) and ``sha`` (SHA-1 of the text).
    duplicates : int
        Exact copies dropped.
    conflicting_ids : list of str
        Ids repeated in the input with different content, sorted.
    """

    incoming: pd.DataFrame
    rows: pd.DataFrame
    keys: pd.DataFrame
    duplicates: int
    conflicting_ids: list[str]


def text_sha1(texts: pd.Series) -> list[str]:
    """SHA-1 (hex) of each text's UTF-8 bytes: how a stored post's text is recognised."""
    return [hashlib.sha1(t.encode("utf-8", "surrogatepass")).hexdigest() for t in texts.tolist()]


#: From this many texts on, :func:`text_sha1_array` hashes them in one compiled loop without the
#: interpreter lock (below, text by text: the loop's compilation, once per process, costs more).
FAST_SHA1_MIN = 20_000


def text_sha1_array(texts: pd.Series) -> pd.api.extensions.ExtensionArray:
    """:func:`text_sha1` as a ``string`` array: for many Arrow-backed texts (what ingest reads) hashed
    by :func:`amplify.ingest.text_hashes.sha1_hex` while the reading thread goes on; the same values."""
    if len(texts) >= FAST_SHA1_MIN:
        import pyarrow as pa

        from amplify.ingest.text_hashes import sha1_hex

        try:
            arr = pa.array(texts.array) if isinstance(texts.dtype, pd.StringDtype) else None
        except (pa.ArrowException, TypeError, ValueError):
            arr = None   # e.g. lone surrogates in Python strings: text by text below, as before
        hashed = sha1_hex(arr) if arr is not None else None
        if hashed is not None:
            return pd.arrays.ArrowStringArray(hashed)
    return pd.array(text_sha1(texts), dtype="string")


def prepare_posts(posts: pd.DataFrame) -> PreparedPosts:
    """Validate ``posts``, drop exact in-input duplicates, split off in-input conflicts.

    Raises
    ------
    TypeError
        ``posts`` is not a DataFrame.
    amplify.schema.SchemaError
        The table is not a valid posts table, or uses a column reserved for
        the workspace.
    """
    if not isinstance(posts, pd.DataFrame):
        raise TypeError(f"posts must be a pandas DataFrame, not {type(posts).__name__}")
    reserved = [c for c in INTERNAL_POST_COLUMNS if c in posts.columns]
    if reserved:
        raise schema.SchemaError(f"posts: column(s) {reserved} are reserved for the workspace")
    unique_ids = "post_id" not in posts.columns or not posts["post_id"].duplicated().any()
    if unique_ids:
        v = nullable_strings(schema.validate_posts(posts))
    else:
        # validate_posts rejects repeated ids: validate the rest with stand-in ids, then
        # sort the repeats into exact copies (dropped) and conflicts (reported).
        v = nullable_strings(schema.validate_posts(posts.assign(post_id=np.arange(len(posts)).astype(str))))
        pid = posts["post_id"].astype("string").reset_index(drop=True)
        if pid.isna().any():
            raise schema.SchemaError(f"posts.post_id has {int(pid.isna().sum())} missing value(s)")
        v["post_id"] = pid
    keys = pd.DataFrame({"post_id": v["post_id"], "outlet": v["outlet"], "ns": to_ns(v["published_at"]),
                         "sha": text_sha1_array(v["text"])})
    if unique_ids:
        # no id repeats (every block of an ingest): no copies, no conflicts, and no four-column
        # duplicate search (a quarter of the storing thread's pandas time)
        return PreparedPosts(incoming=v, rows=v.reset_index(drop=True), keys=keys.reset_index(drop=True),
                             duplicates=0, conflicting_ids=[])
    dup = keys.duplicated(subset=["post_id", "outlet", "ns", "sha"]).to_numpy()
    rest = keys.loc[~dup, "post_id"]
    conflicting = sorted(rest[rest.duplicated(keep=False)].unique().tolist())
    keep = ~dup & ~keys["post_id"].isin(conflicting).to_numpy()
    return PreparedPosts(incoming=v, rows=v.loc[keep].reset_index(drop=True),
                         keys=keys.loc[keep].reset_index(drop=True), duplicates=int(dup.sum()),
                         conflicting_ids=conflicting)


def conflict_table(root: Path, parts: list[dict], incoming: pd.DataFrame, conflict_ids: list[str],
                   stored: pd.DataFrame) -> pd.DataFrame:
    """Both versions of each conflicting post: the table of :attr:`AppendReport.conflicts`.

    ``stored`` is :func:`~amplify.workspace.parts.stored_keys` of the incoming
    ids; the stored versions' texts are read only when one of them conflicts.
    """
    if not conflict_ids:
        return pd.DataFrame({c: pd.Series(dtype=d) for c, d in zip(
            CONFLICT_COLUMNS, ["string", "string", "string", schema.TIME, "string", "Int64", "string"])})
    st = stored[stored["post_id"].isin(conflict_ids)]
    old = stored_versions(root, parts, conflict_ids).assign(version="stored") if len(st) else None
    inc = incoming[incoming["post_id"].isin(conflict_ids)][["post_id", "outlet", "published_at", "text"]]
    inc = inc.assign(version="incoming", seq=pd.NA)
    frames = [f for f in (old, inc) if f is not None and len(f)]
    both = pd.concat(frames, ignore_index=True)
    both["seq"] = both["seq"].astype("Int64")
    both["version"] = both["version"].astype("string")
    both["_order"] = (both["version"] == "incoming").astype(int)
    both = both.sort_values(["post_id", "_order"], kind="stable").reset_index(drop=True)
    differs = {}
    for pid, sub in both.groupby("post_id", sort=False):
        fields = [f for f in COMPARED_FIELDS if sub[f].nunique(dropna=False) > 1]
        differs[pid] = ",".join(fields)
    both["differs"] = both["post_id"].map(differs).astype("string")
    return both[CONFLICT_COLUMNS]


def _stored_by_content(root: Path, parts: list[dict], keys: pd.DataFrame, rows: np.ndarray) -> np.ndarray:
    """Which of ``rows`` (indices into ``keys``) have their content stored under other ids.

    Rows sharing a content are taken in input order, as many as the stored posts with it.
    """
    hit = np.zeros(len(keys), dtype=bool)
    if not len(rows):
        return hit
    sub = keys.iloc[rows]
    stored = stored_contents(root, parts, sub["ns"].to_numpy())
    if not len(stored):
        return hit
    have = stored.groupby(["outlet", "ns", "sha"], sort=False).size().rename("have").reset_index()
    cand = sub[["outlet", "ns", "sha"]].reset_index(drop=True)
    cand["order"] = cand.groupby(["outlet", "ns", "sha"], sort=False).cumcount()
    cand = cand.merge(have, on=["outlet", "ns", "sha"], how="left")
    hit[rows] = (cand["order"] < cand["have"].fillna(0)).to_numpy(dtype=bool)
    return hit


#: How many input files a part's record names at most.
MAX_SOURCES = 100


def _sources(rows: pd.DataFrame) -> list[str]:
    """The input files of posts read by ``amplify.ingest`` (from their ``origin``, ``file:row``)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if "origin" not in rows.columns:
        return []
    # in Arrow: a million origins split in Python took seconds
    origin = pa.array(rows["origin"].array, pa.large_string(), from_pandas=True).drop_null()
    files = pc.unique(pc.replace_substring_regex(origin, pattern=":[^:]*$", replacement="")).to_pylist()
    return sorted(str(f) for f in files)[:MAX_SOURCES]


def append_posts(root: Path, parts: list[dict], last_seq: int, posts: pd.DataFrame,
                 match_content=None) -> tuple[AppendReport, dict | None]:
    """Add ``posts`` to the stored ``parts``: write the new ones as part ``last_seq + 1``.

    The caller holds the writer lock and commits the returned part record.
    ``match_content`` (bool per row of ``posts``) marks the posts whose id was
    made from their content: they are also recognised by content (see the
    module's docstring).

    Returns
    -------
    report : AppendReport
    part : dict or None
        The manifest record of the part written (see
        :func:`~amplify.workspace.parts.write_part`), ``None`` when nothing
        was new.
    """
    prepared = prepare_posts(posts)
    keys = prepared.keys
    by_content = None
    if match_content is not None:
        mark = pd.Series(np.asarray(match_content, dtype=bool), index=pd.RangeIndex(len(posts)))
        wanted = set(posts["post_id"].astype("string").reset_index(drop=True)[mark.to_numpy()].tolist())
        by_content = keys["post_id"].isin(wanted).to_numpy()
    ids_to_check = pd.concat([keys["post_id"], pd.Series(prepared.conflicting_ids, dtype="string")],
                             ignore_index=True).unique()
    stored = stored_keys(root, parts, ids_to_check)

    merged = keys.merge(stored, on="post_id", how="left", suffixes=("", "_stored"), indicator=True)
    found = (merged["_merge"] == "both").to_numpy()
    same = found & (merged["outlet"] == merged["outlet_stored"]).fillna(False).to_numpy() \
        & (merged["ns"] == merged["ns_stored"]).to_numpy() \
        & (merged["sha"] == merged["sha_stored"]).fillna(False).to_numpy()
    conflict = found & ~same
    conflict_ids = set(merged.loc[conflict, "post_id"].tolist()) | set(prepared.conflicting_ids)
    if by_content is not None and by_content.any():
        same_content = _stored_by_content(root, parts, keys, np.flatnonzero(by_content & ~found))
        same = same | same_content
        found = found | same_content
    is_new = ~found
    conflicts = conflict_table(root, parts, prepared.incoming, sorted(conflict_ids), stored)

    n_new = int(is_new.sum())
    part = None
    if n_new:
        rows = prepared.rows.loc[is_new].reset_index(drop=True)
        sha = keys.loc[is_new, "sha"].reset_index(drop=True)
        part = write_part(root, parts, last_seq + 1, from_pandas(rows, "posts"), _arrow_strings(sha), _sources(rows))
    report = AppendReport(new=n_new, already_present=int(same.sum()), conflicts=conflicts,
                          duplicates=prepared.duplicates, seq=None if part is None else part["seq"])
    return report, part


def _arrow_strings(values: pd.Series):
    """A ``string`` Series as Arrow strings (in place when Arrow-backed; a list when not)."""
    import pyarrow as pa

    try:
        return pa.array(values.array, pa.string()) if isinstance(values.dtype, pd.StringDtype) else values.tolist()
    except (pa.ArrowException, TypeError, ValueError):
        return values.tolist()


def _sum_reports(reports: list[AppendReport]) -> AppendReport:
    """One report for the parts of one ingest."""
    conflicts = [r.conflicts for r in reports if len(r.conflicts)]
    if not reports:
        return AppendReport(new=0, already_present=0, conflicts=conflict_table(Path("."), [], pd.DataFrame(), [],
                                                                               pd.DataFrame()))
    return AppendReport(new=sum(r.new for r in reports), already_present=sum(r.already_present for r in reports),
                        conflicts=pd.concat(conflicts, ignore_index=True) if conflicts else reports[0].conflicts,
                        duplicates=sum(r.duplicates for r in reports),
                        seq=max((r.seq for r in reports if r.seq is not None), default=None))


def ingest_files(root: Path, parts: list[dict], last_seq: int, paths, **read_options):
    """Read post files block by block and write each block's new posts as a part (uncommitted).

    The files are read by :class:`amplify.ingest.block_reading.BlockReading` (the
    options of :func:`amplify.ingest.read_posts`, and ``chunk_size``); each
    block's posts are added as :func:`append_posts` adds a table -- compared
    with the stored ``parts`` -- and written as part ``last_seq + 1``,
    ``last_seq + 2`` ... (blocks are gathered until they hold about
    ``chunk_size`` bytes of text, so small files still make one part per
    ingest; ``chunk_size=None`` reads every file whole). Nothing is committed: the caller commits the parts
    returned in one manifest, so an interrupted ingest leaves no post stored
    (the part files are collected as garbage). When a file needs reading whole
    (:class:`~amplify.ingest.chunked.ReadWhole`), the parts written so far
    are removed and the reading starts again with that file read whole.
    ``workers`` (default 2; 1: one step after the other) above 1 reads the
    next blocks in a background thread while the last ones are stored
    (:class:`~amplify.ingest.read_ahead.ReadAhead`, two blocks ahead, as a
    part gathers about two), and cuts and parses the block after in a third
    (``BlockReading(parse_ahead=True)``, one block ahead): the same steps in
    the same order, so the same result.

    Returns
    -------
    result : amplify.ingest.IngestResult
        Reports and rejects, as :func:`amplify.ingest.read_posts` gives them
        (``posts`` is empty: they are in the parts).
    report : AppendReport
        The parts' reports added up.
    new_parts : list of dict
        The manifest records of the parts written, in order.

    Raises
    ------
    amplify.ingest.IngestError
        As :func:`amplify.ingest.read_posts` (nothing is left written).
    """
    from amplify.ingest import IngestError
    from amplify.ingest.block_reading import BlockReading
    from amplify.ingest.chunked import DEFAULT_CHUNK_SIZE, ReadWhole
    from amplify.ingest.read_ahead import DEFAULT_WORKERS, ReadAhead

    whole: set = set(read_options.pop("whole", ()))
    workers = read_options.pop("workers", DEFAULT_WORKERS)
    if isinstance(workers, bool) or not isinstance(workers, (int, np.integer)) or workers < 1:
        raise IngestError(f"workers must be a whole number of 1 or more, not {workers!r}", flag="--workers")
    chunk_size = read_options.setdefault("chunk_size", DEFAULT_CHUNK_SIZE)
    why: dict = {}   # shown name -> why the file was read whole
    while True:
        reading = BlockReading(paths, whole=whole, spill_dir=root, parse_ahead=workers > 1, **read_options)
        written: list[dict] = []
        reports: list[AppendReport] = []
        held: list = []      # blocks of small files are gathered into one part, as one table was
        held_bytes = 0

        def flush():
            posts = pd.concat([p for p, _ in held], ignore_index=True) if len(held) > 1 else held[0][0]
            derived = np.concatenate([d for _, d in held])
            held.clear()
            rep, part = append_posts(root, parts, last_seq + len(written), posts, derived if derived.any() else None)
            reports.append(rep)
            if part is not None:
                written.append(part)

        blocks = reading.batches()
        if workers > 1 and chunk_size is not None:
            # the next blocks are read while this one is stored (two cores; same steps, same order)
            blocks = ReadAhead(blocks, depth=2, name="amplify-ingest-read")
        try:
            for posts, derived in blocks:
                held.append((posts, derived))
                held_bytes += _table_bytes(posts)
                if chunk_size is not None and held_bytes >= chunk_size:
                    flush()
                    held_bytes = 0
            if held:
                flush()
            result = reading.result()
        except ReadWhole as exc:
            _remove_parts(root, written)
            whole.add(reading.paths[reading.shown.index(exc.path)])
            why[exc.path] = exc.why
            continue
        except BaseException:
            _remove_parts(root, written)
            raise
        finally:
            blocks.close()   # the reading's temporary files go now, not when it is collected
        for rep_file in result.files:
            if rep_file.path in why:
                rep_file.notes.append(f"read in one piece, not in blocks: {why[rep_file.path]}")
        return result, _sum_reports(reports), written


def _table_bytes(posts: pd.DataFrame) -> int:
    """About how many bytes of text a block of posts holds (its texts, and a little per row)."""
    return int(posts["text"].str.len().sum()) + 100 * len(posts)


def _remove_parts(root: Path, records: list[dict]) -> None:
    """Delete part files written but never committed (garbage collection would, at the next writer)."""
    for r in records:
        try:
            (Path(root) / r["file"]).unlink()
        except OSError:
            pass
