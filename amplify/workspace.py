"""The on-disk corpus: posts, outlets and link sets in one folder.

A workspace is a folder of Parquet files plus a JSON manifest. Posts live in
immutable *parts* (``posts/part-000001.parquet``, ``part-000002`` ...), one per
successful :meth:`Workspace.add_posts` that added anything; part ``k`` holds the
posts of ingest sequence ``k`` (each row also carries it in the ``_seq``
column, next to ``_text_sha1``, the SHA-1 of its text used to recognise a post
already present). Every part is sorted by ``(published_at, post_id)``. The
outlets table is one file per generation (``outlets-000007.parquet``), and
each link set -- the links produced by one set of detection settings, keyed by
a short hash of those settings -- is one file per generation under
``links/<linkset_id>/`` beside a ``settings.json`` copy. ``manifest.json``
(format ``"amplify-workspace"``, ``format_version`` 1) names every live file
with its row count, key range and settings, and a ``generation`` counter that
grows by one per commit. It is the single commit point: a writer first writes
new files under fresh names (temporary name, ``fsync``, ``os.replace``,
``fsync`` of the folder) and then replaces the manifest the same way, so a
process killed at any instant leaves either the old or the new state, never a
mix. Files the manifest does not name are garbage from an interrupted write or
superseded versions; the next writer deletes them when it takes the lock (not
earlier, so readers holding the previous snapshot keep working). Writers hold
an exclusive ``flock`` on ``.lock`` (through :mod:`filelock`; the kernel frees
it when the process dies) and note their pid and command in ``.lock.owner``;
readers never lock: they read the snapshot the manifest named when the
workspace was opened (or last refreshed). Any Parquet tool reads the data,
e.g. ``duckdb -c "select count(*) from 'ws/posts/*.parquet'"``.

Examples
--------
>>> import tempfile, pandas as pd
>>> from amplify.workspace import Workspace
>>> ws = Workspace.open(tempfile.mkdtemp() + "/ws", create=True)
>>> posts = pd.DataFrame({
...     "post_id": ["2", "1"], "outlet": ["cgtn", "tass"],
...     "published_at": ["2024-01-05T11:00:00Z", "2024-01-05T10:00:00Z"],
...     "text": ["Tass reports: talks went well", "Talks went well"]})
>>> with ws.writer():
...     print(ws.add_posts(posts))
...     print(ws.add_posts(posts))
2 new, 0 already present, 0 conflicts
0 new, 2 already present, 0 conflicts
>>> ws.posts(columns=["post_id", "outlet"])
  post_id outlet
0       1   tass
1       2   cgtn
>>> ws.outlets()[["outlet", "group"]]
  outlet    group
0   cgtn  unknown
1   tass  unknown
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import json
import os
import re
import socket
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

import filelock
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute  # noqa: F401  (pa.compute)
import pyarrow.dataset as pads
import pyarrow.parquet as pq

from amplify import schema
from amplify.io import TMP_MARK, atomic_output, atomic_write_bytes

__all__ = [
    "Workspace",
    "WorkspaceError",
    "WorkspaceLocked",
    "AppendReport",
    "OutletsReport",
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "linkset_id",
    "canonical_settings",
]

#: Value of ``manifest["format"]``.
FORMAT_NAME = "amplify-workspace"
#: The newest (and only) format version this code reads and writes.
FORMAT_VERSION = 1

MANIFEST = "manifest.json"
LOCK = ".lock"
LOCK_OWNER = ".lock.owner"
SEQ = "_seq"
TEXT_SHA1 = "_text_sha1"
INTERNAL_POST_COLUMNS = (SEQ, TEXT_SHA1)
DEFAULT_TIMEOUT = 10.0

_PART_RE = re.compile(r"^part-\d{6,}\.parquet$")
_OUTLETS_RE = re.compile(r"^outlets-\d{6,}\.parquet$")
_LINKS_RE = re.compile(r"^links-\d{6,}\.parquet$")
_TMP_MARK = TMP_MARK
_POST_ORDER = [("published_at", "ascending"), ("post_id", "ascending")]
_LINK_ORDER = [(c, "ascending") for c in
               ("source_id", "target_id", "source_start", "target_start", "kind")]
_PARQUET_OPTS = dict(compression="zstd")


class WorkspaceError(Exception):
    """The folder is not a usable workspace, or an operation on it is not allowed."""


class WorkspaceLocked(WorkspaceError):
    """Another writer holds the workspace lock and did not release it in time."""


# --------------------------------------------------------------------------- reports


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
class OutletsReport:
    """What :meth:`Workspace.set_outlets` changed.

    ``changes`` has one row per changed value: ``outlet``, ``column``, ``old``,
    ``new`` (``old`` is NA for added outlets, ``new`` NA for removed ones).
    """

    added: int
    updated: int
    unchanged: int
    removed: int = 0
    changes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["outlet", "column", "old", "new"]))

    def __str__(self) -> str:
        s = f"{self.added:,} outlets added, {self.updated:,} updated, {self.unchanged:,} unchanged"
        if self.removed:
            s += f", {self.removed:,} removed"
        return s


# --------------------------------------------------------------------------- helpers


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def _ns_to_iso(ns: int) -> str:
    return pd.Timestamp(ns, tz="UTC").isoformat().replace("+00:00", "Z")


def _json_default(obj):
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, (set, frozenset)):
        return sorted(obj)
    raise TypeError(f"settings value {obj!r} of type {type(obj).__name__} is not JSON-serialisable")


def canonical_settings(settings: Mapping[str, Any]) -> str:
    """Canonical JSON of ``settings`` (sorted keys, no spaces): the text hashed by :func:`linkset_id`."""
    if not isinstance(settings, Mapping):
        raise TypeError(f"settings must be a dict, not {type(settings).__name__}")
    try:
        return json.dumps(settings, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                          allow_nan=False, default=_json_default)
    except ValueError as exc:  # NaN / inf
        raise TypeError(f"settings must be JSON-serialisable: {exc}") from exc


def linkset_id(settings: Mapping[str, Any]) -> str:
    """Stable id of a link set: the first 12 hex digits of the SHA-1 of :func:`canonical_settings`.

    Key order does not matter; ``1`` and ``1.0`` are different settings.

    >>> linkset_id({"window_days": 7, "min_score": 80}) == linkset_id({"min_score": 80, "window_days": 7})
    True
    """
    return hashlib.sha1(canonical_settings(settings).encode("utf-8")).hexdigest()[:12]


# Posts parts are written in row groups of this many posts: a reader that
# wants a few posts (the texts behind a page of links) decodes only the groups
# that hold them, and whole reads decode groups in parallel. At 1M posts:
# 40 posts' texts in 0.12 s instead of 0.4-0.8 s, a whole read in 0.25 s
# instead of 0.6-1.5 s, for 7 % more bytes on disk.
POSTS_ROW_GROUP = 4096


def _atomic_write_parquet(final: Path, table: pa.Table, row_group_size: int | None = None) -> int:
    with atomic_output(final, "wb") as fh:
        pq.write_table(table, fh, row_group_size=row_group_size, **_PARQUET_OPTS)
    return final.stat().st_size


def _read_rows_with_ids(path: Path, columns: list[str], wanted: pa.Array) -> pa.Table:
    """The rows of a posts part whose ``post_id`` is in ``wanted``: the ids
    are read first, then only the row groups that hold a wanted one."""
    with pq.ParquetFile(path) as pf:
        meta = pf.metadata
        if meta.num_row_groups <= 1:  # a part written before row groups: one read
            t = pf.read(columns=columns)
        else:
            ids = pf.read(columns=["post_id"]).column("post_id").cast(pa.string())
            hit = np.flatnonzero(pa.compute.is_in(ids, value_set=wanted).to_numpy(zero_copy_only=False))
            ends = np.cumsum([meta.row_group(i).num_rows for i in range(meta.num_row_groups)])
            groups = np.unique(np.searchsorted(ends, hit, side="right")).tolist()
            if not groups:
                return pf.schema_arrow.empty_table().select(columns)
            t = pf.read_row_groups(groups, columns=columns)
    return t.filter(pa.compute.is_in(t.column("post_id").cast(pa.string()), value_set=wanted))


def _to_pandas(table: pa.Table) -> pd.DataFrame:
    """Arrow -> pandas with the canonical dtypes (strings as ``"string"``)."""
    def mapper(t):
        if pa.types.is_string(t) or pa.types.is_large_string(t):
            return pd.StringDtype()
        return None
    df = table.to_pandas(types_mapper=mapper)
    return df.reset_index(drop=True)


def _from_pandas(df: pd.DataFrame, what: str) -> pa.Table:
    try:
        table = pa.Table.from_pandas(df, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError) as exc:
        raise schema.SchemaError(f"{what}: a column cannot be stored in Parquet: {exc}") from exc
    return table.replace_schema_metadata(None)


def _nullable_strings(df: pd.DataFrame) -> pd.DataFrame:
    """Turn pandas-3 ``str`` columns (NaN for missing) into ``string`` (pd.NA), the canonical dtype."""
    for c in df.columns:
        dt = df[c].dtype
        if isinstance(dt, pd.StringDtype) and dt.na_value is not pd.NA:
            df[c] = df[c].astype(pd.StringDtype())
    return df


def _ns(s: pd.Series) -> np.ndarray:
    """int64 nanoseconds since the epoch of a tz-aware series."""
    return s.dt.tz_convert(None).dt.as_unit("ns").to_numpy().view("int64")


def _sha1s(texts: pd.Series) -> list[str]:
    return [hashlib.sha1(t.encode("utf-8", "surrogatepass")).hexdigest() for t in texts.tolist()]


def _ordered_columns(names, canonical) -> list[str]:
    canon = [c.name for c in canonical if c.name in names]
    return canon + sorted(n for n in names if n not in canon)


# --------------------------------------------------------------------------- workspace


class Workspace:
    """A corpus on disk: posts, outlets and link sets, with atomic, locked writes.

    Open one with :meth:`Workspace.open`. Reading methods (:meth:`posts`,
    :meth:`outlets`, :meth:`links`, :meth:`linksets`, :meth:`info`) see the
    snapshot the manifest named when the workspace was opened, refreshed by
    :meth:`refresh` and by every write made through this object. Writing
    methods (:meth:`add_posts`, :meth:`set_outlets`, :meth:`save_links`,
    :meth:`drop_links`) must run inside ``with ws.writer():``; each one commits
    on its own, atomically. An object is meant for one thread.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> ws = Workspace.open(tempfile.mkdtemp() + "/ws", create=True)
    >>> ws.n_posts, ws.last_seq, ws.generation
    (0, 0, 0)
    >>> with ws.writer(timeout=10):
    ...     rep = ws.add_posts(pd.DataFrame({"post_id": ["a"], "outlet": ["tass"],
    ...         "published_at": ["2024-03-01T08:00:00Z"], "text": ["Hello"]}))
    >>> ws.n_posts, ws.last_seq, ws.generation
    (1, 1, 1)
    """

    # ------------------------------------------------------------------ opening

    def __init__(self, path: str | os.PathLike):
        self._root = Path(path)
        self._lock_depth = 0
        self._cache: dict[tuple, Any] = {}
        self._manifest = self._read_manifest()

    @classmethod
    def open(cls, path: str | os.PathLike, create: bool = False) -> "Workspace":
        """Open the workspace in folder ``path``.

        Parameters
        ----------
        path : str or path-like
            The workspace folder.
        create : bool, default False
            Create an empty workspace if the folder does not exist or is empty.
            A non-empty folder that is not a workspace is never taken over.

        Returns
        -------
        Workspace

        Raises
        ------
        WorkspaceError
            The folder is missing (and ``create`` is false), is not a workspace,
            or holds a format this version of amplify cannot read.

        Examples
        --------
        >>> import tempfile
        >>> d = tempfile.mkdtemp()
        >>> Workspace.open(d + "/ws", create=True).info()["format_version"]
        1
        >>> Workspace.open(d + "/nothing")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        amplify.workspace.WorkspaceError: no workspace at ...nothing: the folder does not exist ...
        """
        root = Path(path)
        if (root / MANIFEST).is_file():
            return cls(root)
        if not create:
            if not root.exists():
                raise WorkspaceError(
                    f"no workspace at {root}: the folder does not exist "
                    f"(create it with create=True, e.g. by `amplify ingest`)")
            if not root.is_dir():
                raise WorkspaceError(f"no workspace at {root}: it is a file, not a folder")
            raise WorkspaceError(f"{root} is not an amplify workspace: it holds no {MANIFEST}")
        if root.exists() and not root.is_dir():
            raise WorkspaceError(f"cannot create a workspace at {root}: it is a file")

        def refuse_if_foreign():
            others = sorted(p.name for p in root.iterdir()
                            if p.name not in (LOCK, LOCK_OWNER) and not p.name.startswith(f".{MANIFEST}{_TMP_MARK}"))
            if others:
                raise WorkspaceError(
                    f"refusing to create a workspace in {root}: the folder is not empty "
                    f"({', '.join(others[:5])}{' ...' if len(others) > 5 else ''}) and is not a workspace")

        if root.exists():
            refuse_if_foreign()  # before taking the lock: leave no .lock in someone else's folder
        root.mkdir(parents=True, exist_ok=True)
        with cls._lock_for(root, DEFAULT_TIMEOUT):
            if not (root / MANIFEST).is_file():
                refuse_if_foreign()
                now = _now()
                manifest = {
                    "format": FORMAT_NAME, "format_version": FORMAT_VERSION, "generation": 0,
                    "created_at": now, "updated_at": now, "written_by": _writer_tag(),
                    "posts": {"n_posts": 0, "last_seq": 0, "parts": []},
                    "outlets": None, "linksets": [],
                }
                atomic_write_bytes(root / MANIFEST, _dump_manifest(manifest))
        return cls(root)

    @staticmethod
    def _lock_for(root: Path, timeout: float | None):
        """Acquire the writer lock of ``root`` or raise :class:`WorkspaceLocked`."""
        t = -1 if timeout is None else max(float(timeout), 0.0)
        lock = filelock.FileLock(str(root / LOCK), timeout=t)
        try:
            lock.acquire()
        except filelock.Timeout:
            raise WorkspaceLocked(_locked_message(root, timeout)) from None
        return _Held(lock)

    def _read_manifest(self) -> dict:
        path = self._root / MANIFEST
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            if not self._root.exists():
                raise WorkspaceError(f"no workspace at {self._root}: the folder does not exist") from None
            raise WorkspaceError(f"{self._root} is not an amplify workspace: it holds no {MANIFEST}") from None
        try:
            m = json.loads(raw)
        except ValueError as exc:
            raise WorkspaceError(f"{path} is not valid JSON ({exc}); the workspace is damaged") from None
        if not isinstance(m, dict) or m.get("format") != FORMAT_NAME:
            found = m.get("format") if isinstance(m, dict) else type(m).__name__
            raise WorkspaceError(
                f"{self._root} is not an amplify workspace: {MANIFEST} has format {found!r}, "
                f"expected {FORMAT_NAME!r}")
        version = m.get("format_version")
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise WorkspaceError(f"{path}: invalid format_version {version!r}; the workspace is damaged")
        if version > FORMAT_VERSION:
            from amplify import __version__
            raise WorkspaceError(
                f"workspace {self._root} has format version {version}, but this amplify "
                f"({__version__}) supports format version {FORMAT_VERSION} at most; upgrade amplify to read it")
        for key in ("generation", "posts", "linksets"):
            if key not in m:
                raise WorkspaceError(f"{path} lacks {key!r}; the workspace is damaged")
        return m

    def refresh(self) -> "Workspace":
        """Reload the manifest to see what other processes committed since. Returns ``self``."""
        m = self._read_manifest()
        if m["generation"] != self._manifest["generation"]:
            self._cache.clear()
        self._manifest = m
        return self

    # ------------------------------------------------------------------ properties

    @property
    def path(self) -> Path:
        """The workspace folder."""
        return self._root

    @property
    def generation(self) -> int:
        """Commit counter of the snapshot this object reads (0 for a new workspace)."""
        return int(self._manifest["generation"])

    @property
    def n_posts(self) -> int:
        """Number of posts stored."""
        return int(self._manifest["posts"]["n_posts"])

    @property
    def last_seq(self) -> int:
        """Ingest sequence of the newest part (0 if none): pass it as ``covered_through``."""
        return int(self._manifest["posts"]["last_seq"])

    @property
    def manifest(self) -> dict:
        """A copy of the manifest of the current snapshot."""
        return json.loads(json.dumps(self._manifest))

    def __repr__(self) -> str:
        m = self._manifest
        return (f"<Workspace {str(self._root)!r}: {self.n_posts:,} posts in {len(m['posts']['parts'])} parts, "
                f"{len(m['linksets'])} link sets, generation {self.generation}>")

    # ------------------------------------------------------------------ locking

    @contextlib.contextmanager
    def writer(self, timeout: float | None = DEFAULT_TIMEOUT) -> Iterator["Workspace"]:
        """Hold the exclusive writer lock for the ``with`` block.

        On entry the manifest is reloaded (so writes build on the latest commit)
        and files left by interrupted writes, or superseded by earlier commits,
        are deleted. Re-entrant on the same object.

        Parameters
        ----------
        timeout : float or None, default 10
            Seconds to wait for another writer to finish; 0 fails at once,
            ``None`` waits for ever.

        Raises
        ------
        WorkspaceLocked
            Another process (or another :class:`Workspace` object) kept the lock
            for ``timeout`` seconds. The message names its pid and command when
            they were recorded.

        Examples
        --------
        >>> import tempfile
        >>> ws = Workspace.open(tempfile.mkdtemp() + "/ws", create=True)
        >>> with ws.writer(timeout=0):  # doctest: +ELLIPSIS
        ...     other = Workspace.open(ws.path)
        ...     with other.writer(timeout=0):
        ...         pass
        Traceback (most recent call last):
        ...
        amplify.workspace.WorkspaceLocked: workspace ... is locked by another writer (pid ...
        """
        if self._lock_depth:
            self._lock_depth += 1
            try:
                yield self
            finally:
                self._lock_depth -= 1
            return
        held = self._lock_for(self._root, timeout)
        try:
            _write_owner(self._root)
            self._lock_depth = 1
            self.refresh()
            self._collect_garbage()
            yield self
        finally:
            self._lock_depth = 0
            with contextlib.suppress(OSError):
                (self._root / LOCK_OWNER).unlink()  # before releasing: never erase the next holder's note
            held.release()

    @property
    def writing(self) -> bool:
        """True inside :meth:`writer`."""
        return self._lock_depth > 0

    def _require_writer(self, what: str) -> None:
        if not self._lock_depth:
            raise WorkspaceError(f"{what}() writes to the workspace: call it inside `with ws.writer():`")

    # ------------------------------------------------------------------ commit & garbage

    def _commit(self, manifest: dict) -> None:
        """Atomically replace the manifest: the single commit point of every write."""
        manifest["generation"] = self.generation + 1
        manifest["updated_at"] = _now()
        manifest["written_by"] = _writer_tag()
        atomic_write_bytes(self._root / MANIFEST, _dump_manifest(manifest))
        self._manifest = manifest
        self._cache.clear()

    def _live_files(self) -> set[str]:
        m = self._manifest
        live = {MANIFEST, LOCK, LOCK_OWNER}
        live.update(p["file"] for p in m["posts"]["parts"])
        if m.get("outlets"):
            live.add(m["outlets"]["file"])
        for ls in m["linksets"]:
            live.add(ls["file"])
            live.add(f"links/{ls['id']}/settings.json")
        return live

    def _collect_garbage(self) -> list[str]:
        """Delete files of ours that the manifest does not name (writer only)."""
        live = self._live_files()
        removed = []

        def sweep(folder: Path, rel: str, pattern: re.Pattern | None, extra=()):
            if not folder.is_dir():
                return
            for p in folder.iterdir():
                name = f"{rel}{p.name}"
                ours = (_TMP_MARK in p.name or (pattern is not None and pattern.match(p.name))
                        or p.name in extra)
                if p.is_file() and ours and name not in live:
                    with contextlib.suppress(OSError):
                        p.unlink()
                        removed.append(name)

        sweep(self._root, "", _OUTLETS_RE)
        sweep(self._root / "posts", "posts/", _PART_RE)
        links = self._root / "links"
        if links.is_dir():
            for d in links.iterdir():
                if d.is_dir():
                    sweep(d, f"links/{d.name}/", _LINKS_RE, extra=("settings.json",))
                    with contextlib.suppress(OSError):
                        d.rmdir()  # only if empty
        return removed

    def _read(self, fn):
        """Run a reader; if a file vanished (a writer collected an old snapshot), refresh once and retry."""
        try:
            return fn()
        except FileNotFoundError:
            self.refresh()
            return fn()

    # ------------------------------------------------------------------ posts

    def _parts(self, since_seq: int | None = None) -> list[dict]:
        parts = self._manifest["posts"]["parts"]
        if since_seq is not None:
            parts = [p for p in parts if p["seq"] > since_seq]
        return parts

    def post_columns(self, internal: bool = False) -> list[str]:
        """Columns stored for posts (the union over parts), canonical ones first."""
        names = set()
        for p in self._parts():
            names.update(p["columns"])
        if not internal:
            names -= set(INTERNAL_POST_COLUMNS)
        return _ordered_columns(names, schema.POSTS)

    def posts(self, columns: Sequence[str] | None = None, since_seq: int | None = None,
              ids: Sequence[str] | None = None) -> pd.DataFrame:
        """The posts, in canonical order: by ``published_at``, then ``post_id``.

        The order does not depend on the order posts were added in.

        Parameters
        ----------
        columns : list of str, optional
            Columns to read (default: every stored column except the internal
            ``_seq`` and ``_text_sha1``, which can be asked for by name).
        since_seq : int, optional
            Only posts added after this ingest sequence (e.g. a link set's
            ``covered_through``).
        ids : list of str, optional
            Only these posts (filtered inside Arrow, so fetching the texts of
            a few posts of a big workspace converts only those to Python).

        Returns
        -------
        pandas.DataFrame
            Canonical dtypes (``string``, ``datetime64[ns, UTC]``). A column a
            part lacks is NA for that part's posts.

        Examples
        --------
        >>> import tempfile, pandas as pd
        >>> ws = Workspace.open(tempfile.mkdtemp() + "/ws", create=True)
        >>> day = lambda d: pd.DataFrame({"post_id": [d], "outlet": ["tass"],
        ...     "published_at": [f"2024-03-0{d}T08:00:00Z"], "text": ["Hello"]})
        >>> with ws.writer():
        ...     _ = ws.add_posts(day("2")); _ = ws.add_posts(day("1"))
        >>> ws.posts(columns=["post_id", "_seq"])
          post_id  _seq
        0       1     2
        1       2     1
        >>> ws.posts(columns=["post_id"], since_seq=1)
          post_id
        0       1
        """
        return self._read(lambda: self._posts(columns, since_seq, ids))

    def _posts(self, columns, since_seq, ids=None) -> pd.DataFrame:
        stored = self.post_columns(internal=True)
        # canonical columns can always be asked for: NA where no post has them
        available = list(dict.fromkeys(stored + [c.name for c in schema.POSTS] + list(INTERNAL_POST_COLUMNS)))
        if columns is None:
            want = [c for c in stored if c not in INTERNAL_POST_COLUMNS] or \
                [c.name for c in schema.POSTS if c.required]
        else:
            want = list(dict.fromkeys([columns] if isinstance(columns, str) else columns))
            unknown = [c for c in want if c not in available]
            if unknown:
                raise WorkspaceError(f"posts have no column(s) {unknown}; stored columns: {stored}")
        parts = self._parts(since_seq)
        if not parts:
            return _empty_posts(want)
        read = list(dict.fromkeys(want + ["published_at", "post_id"]))
        # Parts are sorted; if their key ranges do not overlap, concatenating them in
        # key order is already canonical and the sort is skipped.
        parts = sorted(parts, key=lambda p: (tuple(p["first_key"]), p["seq"]))
        disjoint = all(tuple(a["last_key"]) < tuple(b["first_key"]) for a, b in zip(parts, parts[1:]))
        tables = []
        wanted = None if ids is None else pa.array(pd.unique(np.asarray(list(ids), dtype=object)), pa.string())
        for p in parts:
            cols = [c for c in read if c in p["columns"]]
            if wanted is None:
                t = pq.read_table(self._root / p["file"], columns=cols)
            else:
                t = _read_rows_with_ids(self._root / p["file"], cols, wanted)
            tables.append(t)
        table = tables[0] if len(tables) == 1 else pa.concat_tables(tables, promote_options="permissive")
        if not disjoint:
            table = table.sort_by(_POST_ORDER)
        for c in want:  # a column no part read has
            if c not in table.column_names:
                table = table.append_column(c, pa.nulls(table.num_rows, pa.string()))
        return _to_pandas(table.select(want))

    def _post_outlets(self) -> np.ndarray:
        """Sorted distinct outlets named by posts (cached per snapshot)."""
        key = ("post_outlets", self.generation)
        if key not in self._cache:
            parts = self._parts()
            if not parts:
                vals = np.array([], dtype=object)
            else:
                t = pa.concat_tables([pq.read_table(self._root / p["file"], columns=["outlet"])
                                      for p in parts], promote_options="permissive")
                vals = np.sort(np.asarray(t.column("outlet").unique().to_pylist(), dtype=object))
            self._cache[key] = vals
        return self._cache[key]

    def add_posts(self, posts: pd.DataFrame) -> AppendReport:
        """Add posts; posts already stored are recognised and skipped.

        A post whose ``post_id`` is stored with the same ``outlet``,
        ``published_at`` and ``text`` is *already present* (other columns are
        not compared), so adding the same file twice changes nothing. A stored
        ``post_id`` with different content is a *conflict*: both versions are
        reported, the stored one stays, the new one is not added. The new posts
        go into one new part, with the next ingest sequence; nothing is written
        when there are none.

        Parameters
        ----------
        posts : pandas.DataFrame
            A posts table (see :mod:`amplify.schema`); extra columns are kept.

        Returns
        -------
        AppendReport

        Raises
        ------
        amplify.schema.SchemaError
            The table is not a valid posts table.
        WorkspaceError
            Called outside :meth:`writer`.

        Examples
        --------
        >>> import tempfile, pandas as pd
        >>> ws = Workspace.open(tempfile.mkdtemp() + "/ws", create=True)
        >>> df = pd.DataFrame({"post_id": ["1", "2"], "outlet": ["tass", "tass"],
        ...     "published_at": ["2024-03-01T08:00:00Z"] * 2, "text": ["Hello", "World"]})
        >>> with ws.writer():
        ...     _ = ws.add_posts(df)
        ...     rep = ws.add_posts(df.assign(text=["Hello", "Changed"]))
        >>> print(rep)
        0 new, 1 already present, 1 conflicts
        >>> rep.conflicts[["post_id", "version", "text", "differs"]]
          post_id   version     text differs
        0       2    stored    World    text
        1       2  incoming  Changed    text
        """
        self._require_writer("add_posts")
        incoming, new_df, keys, duplicates, batch_conflict_ids = _prepare_posts(posts)
        ids_to_check = pd.concat([keys["post_id"], pd.Series(batch_conflict_ids, dtype="string")],
                                 ignore_index=True).unique()
        stored = self._stored_keys(ids_to_check)

        merged = keys.merge(stored, on="post_id", how="left", suffixes=("", "_stored"), indicator=True)
        found = (merged["_merge"] == "both").to_numpy()
        same = found & (merged["outlet"] == merged["outlet_stored"]).fillna(False).to_numpy() \
            & (merged["ns"] == merged["ns_stored"]).to_numpy() \
            & (merged["sha"] == merged["sha_stored"]).fillna(False).to_numpy()
        conflict = found & ~same
        already = int(same.sum())
        conflict_ids = set(merged.loc[conflict, "post_id"].tolist()) | set(batch_conflict_ids)
        is_new = ~found
        conflicts = self._conflict_table(posts_in=incoming,
                                         conflict_ids=sorted(conflict_ids), stored=stored)

        n_new = int(is_new.sum())
        seq = None
        if n_new:
            seq = self.last_seq + 1
            rows = new_df.loc[is_new].reset_index(drop=True)
            sha = keys.loc[is_new, "sha"].reset_index(drop=True)
            table = _from_pandas(rows, "posts")
            table = table.append_column(SEQ, pa.array(np.full(len(rows), seq, dtype="int64")))
            table = table.append_column(TEXT_SHA1, pa.array(sha.tolist(), pa.string()))
            table = table.sort_by(_POST_ORDER)
            self._check_post_schema(table.schema)
            rel = f"posts/part-{seq:06d}.parquet"
            nbytes = _atomic_write_parquet(self._root / rel, table, POSTS_ROW_GROUP)
            t_col, id_col, n = table.column("published_at"), table.column("post_id"), table.num_rows
            m = self.manifest
            m["posts"]["parts"].append({
                "seq": seq, "file": rel, "rows": table.num_rows, "bytes": nbytes,
                "columns": table.column_names,
                "first_key": [t_col[0].value, id_col[0].as_py()],
                "last_key": [t_col[n - 1].value, id_col[n - 1].as_py()],
                "created_at": _now(),
            })
            m["posts"]["n_posts"] += table.num_rows
            m["posts"]["last_seq"] = seq
            self._commit(m)
        return AppendReport(new=n_new, already_present=already, conflicts=conflicts,
                            duplicates=duplicates, seq=seq)

    def _check_post_schema(self, new: pa.Schema) -> None:
        schemas = [pq.read_schema(self._root / p["file"]) for p in self._parts()]
        try:
            pa.unify_schemas(schemas + [new], promote_options="permissive")
        except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
            raise schema.SchemaError(
                f"posts: a column's type differs from the posts already stored: {exc}") from exc

    def _stored_keys(self, ids) -> pd.DataFrame:
        """post_id, outlet, ns, sha, seq of stored posts whose id is in ``ids`` (vectorised)."""
        cols = ["post_id", "outlet", "published_at", TEXT_SHA1, SEQ]
        parts = self._parts()
        if not parts or len(ids) == 0:
            return pd.DataFrame({"post_id": pd.Series(dtype="string"), "outlet": pd.Series(dtype="string"),
                                 "ns": pd.Series(dtype="int64"), "sha": pd.Series(dtype="string"),
                                 "seq": pd.Series(dtype="int64")})
        ds = pads.dataset([str(self._root / p["file"]) for p in parts], format="parquet")
        t = ds.to_table(columns=cols, filter=pads.field("post_id").isin(pa.array(list(ids), pa.string())))
        df = _to_pandas(t)
        return pd.DataFrame({"post_id": df["post_id"], "outlet": df["outlet"], "ns": _ns(df["published_at"]),
                             "sha": df[TEXT_SHA1], "seq": df[SEQ].astype("int64")})

    def _conflict_table(self, posts_in: pd.DataFrame, conflict_ids: list[str],
                        stored: pd.DataFrame) -> pd.DataFrame:
        cols = ["post_id", "version", "outlet", "published_at", "text", "seq", "differs"]
        if not conflict_ids:
            out = pd.DataFrame({c: pd.Series(dtype=d) for c, d in zip(
                cols, ["string", "string", "string", schema.TIME, "string", "Int64", "string"])})
            return out
        ids = pa.array(conflict_ids, pa.string())
        st = stored[stored["post_id"].isin(conflict_ids)]
        if len(st):
            ds = pads.dataset([str(self._root / p["file"]) for p in self._parts()], format="parquet")
            old = _to_pandas(ds.to_table(columns=["post_id", "outlet", "published_at", "text", SEQ],
                                         filter=pads.field("post_id").isin(ids)))
            old = old.rename(columns={SEQ: "seq"}).assign(version="stored")
        else:
            old = None
        inc = posts_in[posts_in["post_id"].isin(conflict_ids)][["post_id", "outlet", "published_at", "text"]]
        inc = inc.assign(version="incoming", seq=pd.NA)
        frames = [f for f in (old, inc) if f is not None and len(f)]
        both = pd.concat(frames, ignore_index=True)
        both["seq"] = both["seq"].astype("Int64")
        both["version"] = both["version"].astype("string")
        both["_order"] = (both["version"] == "incoming").astype(int)
        both = both.sort_values(["post_id", "_order"], kind="stable").reset_index(drop=True)
        g = both.groupby("post_id", sort=False)
        differs = {}
        for pid, sub in g:
            fields = [f for f in ("outlet", "published_at", "text") if sub[f].nunique(dropna=False) > 1]
            differs[pid] = ",".join(fields)
        both["differs"] = both["post_id"].map(differs).astype("string")
        return both[cols]

    # ------------------------------------------------------------------ outlets

    def _stored_or_empty(self) -> pd.DataFrame:
        stored = self._stored_outlets()
        return stored if stored is not None else schema.empty_outlets()

    def _stored_outlets(self) -> pd.DataFrame | None:
        o = self._manifest.get("outlets")
        if not o:
            return None
        return _to_pandas(pq.read_table(self._root / o["file"]))

    def outlets(self, fill_missing: bool = True) -> pd.DataFrame:
        """The outlets table, sorted by ``outlet``.

        Parameters
        ----------
        fill_missing : bool, default True
            Add every outlet that posts name but the table lacks, with group
            ``"unknown"`` (see :meth:`missing_outlets` for which they are).

        Examples
        --------
        >>> import tempfile, pandas as pd
        >>> ws = Workspace.open(tempfile.mkdtemp() + "/ws", create=True)
        >>> with ws.writer():
        ...     _ = ws.add_posts(pd.DataFrame({"post_id": ["1", "2"], "outlet": ["tass", "cgtn"],
        ...         "published_at": ["2024-03-01T08:00:00Z"] * 2, "text": ["a", "b"]}))
        ...     _ = ws.set_outlets(pd.DataFrame({"outlet": ["tass"], "group": ["RU"]}))
        >>> ws.outlets()
          outlet    group
        0   cgtn  unknown
        1   tass       RU
        >>> ws.missing_outlets()
        ['cgtn']
        """
        return self._read(lambda: self._outlets(fill_missing))

    def _outlets(self, fill_missing: bool) -> pd.DataFrame:
        stored = self._stored_or_empty()
        if fill_missing:
            missing = self._missing(stored)
            if len(missing):
                add = pd.DataFrame({"outlet": pd.array(missing, dtype="string"),
                                    "group": pd.array([schema.UNKNOWN_GROUP] * len(missing), dtype="string")})
                stored = pd.concat([stored, add], ignore_index=True)
        return stored.sort_values("outlet", kind="stable").reset_index(drop=True)

    def _missing(self, stored: pd.DataFrame) -> list[str]:
        names = self._post_outlets()
        known = set(stored["outlet"].tolist())
        return [o for o in names.tolist() if o not in known]

    def missing_outlets(self) -> list[str]:
        """Outlets that posts name but the outlets table lacks (they get group ``"unknown"``)."""
        return self._read(lambda: self._missing(self._stored_or_empty()))

    def set_outlets(self, outlets: pd.DataFrame, merge: bool = True) -> OutletsReport:
        """Store outlet metadata (``outlet``, ``group``, optional ``kind``, ``name`` ...).

        Parameters
        ----------
        outlets : pandas.DataFrame
            An outlets table (see :mod:`amplify.schema`), one row per outlet.
        merge : bool, default True
            Merge into the stored table by ``outlet``: for the columns given,
            non-missing new values win; empty cells keep the stored value;
            outlets not given stay. With ``merge=False`` the table replaces the
            stored one.

        Returns
        -------
        OutletsReport
            Counts and one row per changed value. Nothing is written when
            nothing changed.

        Examples
        --------
        >>> import tempfile, pandas as pd
        >>> ws = Workspace.open(tempfile.mkdtemp() + "/ws", create=True)
        >>> with ws.writer():
        ...     print(ws.set_outlets(pd.DataFrame({"outlet": ["tass", "cgtn"], "group": ["RU", "CN"]})))
        ...     rep = ws.set_outlets(pd.DataFrame({"outlet": ["tass"], "group": ["RU"], "kind": ["state_media"]}))
        2 outlets added, 0 updated, 0 unchanged
        >>> print(rep); rep.changes
        0 outlets added, 1 updated, 0 unchanged
          outlet column   old          new
        0   tass   kind  <NA>  state_media
        """
        self._require_writer("set_outlets")
        raw = outlets.reset_index(drop=True)
        if merge and "group" not in raw.columns:
            # merging e.g. only names: the group is "not given" (new outlets still get "unknown")
            raw = raw.assign(group=pd.Series(pd.NA, index=raw.index, dtype="string"))
        given = raw.notna()
        new = _nullable_strings(schema.validate_outlets(raw))
        given_i = given[list(new.columns)].set_index(new["outlet"]).drop(columns="outlet")
        new_i = new.set_index("outlet")
        old = self._stored_outlets()
        old_i = (old if old is not None else schema.empty_outlets()).set_index("outlet")
        added_ids = [o for o in new_i.index if o not in old_i.index]
        common = [o for o in new_i.index if o in old_i.index]
        changes: list[tuple] = []
        removed_ids: list[str] = []
        if merge:
            res = old_i.reindex(index=list(old_i.index) + added_ids)
            for c in new_i.columns:
                if c not in res.columns:
                    res[c] = _na_column(len(res), new_i[c].dtype, res.index)
                idx = given_i.index[given_i[c].to_numpy(dtype=bool)]
                if not len(idx):
                    continue
                oldv, newv = res.loc[idx, c], new_i.loc[idx, c]
                for o in idx[_differ(oldv, newv)]:
                    if o in old_i.index:
                        changes.append((o, c, oldv.loc[o], newv.loc[o]))
                res.loc[idx, c] = newv.to_numpy()
        else:
            res = new_i
            cols = list(dict.fromkeys(list(new_i.columns) + list(old_i.columns)))
            nothing = pd.Series(pd.NA, index=common, dtype=object)
            for c in cols:
                ov = old_i[c].reindex(common) if c in old_i.columns else nothing
                nv = new_i[c].reindex(common) if c in new_i.columns else nothing
                for o in pd.Index(common)[_differ(ov, nv)]:
                    changes.append((o, c, ov.loc[o], nv.loc[o]))
            removed_ids = [o for o in old_i.index if o not in new_i.index]
            for o in removed_ids:
                changes.append((o, "group", old_i.loc[o, "group"], pd.NA))
        updated = len({ch[0] for ch in changes if ch[0] in common})
        unchanged = len(common) - updated
        removed = len(removed_ids)
        for o in added_ids:
            for c in new_i.columns:
                if c == "group" or given_i.loc[o, c]:
                    changes.append((o, c, pd.NA, new_i.loc[o, c]))
        changes_df = pd.DataFrame({
            "outlet": pd.array([ch[0] for ch in changes], dtype="string"),
            "column": pd.array([ch[1] for ch in changes], dtype="string"),
            "old": pd.Series([ch[2] for ch in changes], dtype=object),
            "new": pd.Series([ch[3] for ch in changes], dtype=object)})
        changes_df = changes_df.sort_values(["outlet", "column"], kind="stable").reset_index(drop=True)
        report = OutletsReport(added=len(added_ids), updated=updated, unchanged=unchanged, removed=removed,
                               changes=changes_df)
        if not (report.added or report.updated or report.removed):
            return report
        res = res.reset_index().rename(columns={"index": "outlet"})
        res = schema.validate_outlets(res)
        res = res[_ordered_columns(res.columns, schema.OUTLETS)]
        res = res.sort_values("outlet", kind="stable").reset_index(drop=True)
        table = _from_pandas(res, "outlets")
        gen = self.generation + 1
        rel = f"outlets-{gen:06d}.parquet"
        nbytes = _atomic_write_parquet(self._root / rel, table)
        m = self.manifest
        m["outlets"] = {"file": rel, "rows": table.num_rows, "bytes": nbytes, "updated_at": _now()}
        self._commit(m)
        return report

    # ------------------------------------------------------------------ links

    def linksets(self) -> list[dict]:
        """The link sets, oldest write first; the last one (``latest`` true) is :meth:`links`' default.

        Each is a dict: ``id``, ``settings``, ``n_links``, ``covered_through``
        (the posts ingest sequence the links were computed up to),
        ``created_at``, ``updated_at``, ``latest`` and ``file``.
        """
        out = []
        sets = self._manifest["linksets"]
        for i, ls in enumerate(sets):
            keys = ("id", "settings", "n_links", "covered_through", "created_at", "updated_at", "file")
            d = {k: ls[k] for k in keys}
            d["inputs"] = ls.get("inputs", {})
            d["latest"] = i == len(sets) - 1
            out.append(d)
        return out

    def _find_linkset(self, linkset: str | None) -> dict:
        sets = self._manifest["linksets"]
        if not sets:
            raise WorkspaceError(f"workspace {self._root} holds no links yet: run detection first "
                                 f"(`amplify detect --workspace {self._root}`)")
        if linkset is None:
            return sets[-1]
        matches = [ls for ls in sets if ls["id"].startswith(linkset)] if linkset else []
        if len(matches) == 1:
            return matches[0]
        listing = "; ".join(f"{ls['id']} ({canonical_settings(ls['settings'])}, {ls['n_links']} links)"
                            for ls in sets)
        what = "is ambiguous" if matches else "is unknown"
        raise WorkspaceError(f"link set {linkset!r} {what}; available: {listing}")

    def links(self, linkset: str | None = None, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """The links of one link set.

        Parameters
        ----------
        linkset : str, optional
            A link set id (or a unique prefix of one); default the most
            recently written set.
        columns : list of str, optional
            Columns to read (default all).

        Raises
        ------
        WorkspaceError
            No link sets, or ``linkset`` matches none or several (the message
            lists them with their settings).

        Examples
        --------
        >>> import tempfile
        >>> from amplify import schema
        >>> ws = Workspace.open(tempfile.mkdtemp() + "/ws", create=True)
        >>> with ws.writer():
        ...     lid = ws.save_links(schema.empty_links(), {"min_score": 80}, covered_through=0)
        >>> len(ws.links(lid)), ws.linksets()[0]["settings"]
        (0, {'min_score': 80})
        """
        def run():
            ls = self._find_linkset(linkset)
            cols = None if columns is None else list(columns)
            return _to_pandas(pq.read_table(self._root / ls["file"], columns=cols))
        return self._read(run)

    def save_links(self, links: pd.DataFrame, settings: Mapping[str, Any], *, covered_through: int,
                   append: bool = False, inputs: Mapping[str, Any] | None = None) -> str:
        """Store links as the link set of ``settings``; returns its id.

        The id is :func:`linkset_id` of the settings, so the same settings
        always land in the same set and different settings never mix.

        Parameters
        ----------
        links : pandas.DataFrame
            A links table (see :mod:`amplify.schema`).
        settings : dict
            The JSON-serialisable detection settings that produced the links.
        covered_through : int
            The posts ingest sequence the links were computed up to (usually
            :attr:`last_seq` when detection started); posts with a larger
            ``_seq`` are new to this set.
        append : bool, default False
            False replaces the set's links. True extends them (incremental
            detection): rows for a ``(source_id, target_id)`` pair in ``links``
            replace the stored rows of that pair, other stored rows stay.
        inputs : dict, optional
            JSON-serialisable facts about the inputs the links depend on
            besides the posts (e.g. a fingerprint of the outlets table),
            stored with the set but not part of its id.

        Returns
        -------
        str
            The link set id.
        """
        self._require_writer("save_links")
        lid = linkset_id(settings)
        settings = json.loads(canonical_settings(settings))
        covered_through = int(covered_through)
        if not 0 <= covered_through <= self.last_seq:
            raise ValueError(f"covered_through={covered_through} is outside 0..{self.last_seq} "
                             f"(the workspace's last ingest sequence)")
        new = schema.validate_links(links)
        m = self.manifest
        current = next((ls for ls in m["linksets"] if ls["id"] == lid), None)
        if append and current is not None:
            old = _to_pandas(pq.read_table(self._root / current["file"]))
            pairs = pd.MultiIndex.from_frame(new[["source_id", "target_id"]])
            keep = ~pd.MultiIndex.from_frame(old[["source_id", "target_id"]]).isin(pairs)
            new = schema.validate_links(pd.concat([old[keep], new], ignore_index=True))
            covered_through = max(covered_through, int(current["covered_through"]))
        table = _from_pandas(new, "links").sort_by(_LINK_ORDER)
        gen = self.generation + 1
        rel = f"links/{lid}/links-{gen:06d}.parquet"
        (self._root / "links" / lid).mkdir(parents=True, exist_ok=True)
        settings_path = self._root / "links" / lid / "settings.json"
        if not settings_path.is_file():
            atomic_write_bytes(settings_path, (json.dumps(settings, indent=1, sort_keys=True,
                                                           ensure_ascii=False) + "\n").encode("utf-8"))
        nbytes = _atomic_write_parquet(self._root / rel, table)
        now = _now()
        rec = {"id": lid, "settings": settings, "file": rel, "n_links": table.num_rows, "bytes": nbytes,
               "covered_through": covered_through,
               "created_at": current["created_at"] if current else now, "updated_at": now,
               "inputs": json.loads(json.dumps(dict(inputs or {}), default=str))}
        m["linksets"] = [ls for ls in m["linksets"] if ls["id"] != lid] + [rec]
        self._commit(m)
        return lid

    def drop_links(self, linkset: str) -> None:
        """Remove a link set (its files go at the next write)."""
        self._require_writer("drop_links")
        ls = self._find_linkset(linkset)
        m = self.manifest
        m["linksets"] = [x for x in m["linksets"] if x["id"] != ls["id"]]
        self._commit(m)

    # ------------------------------------------------------------------ info

    def info(self) -> dict:
        """A summary: counts, time range, groups, link sets, format and size.

        Returns
        -------
        dict
            ``path``, ``format``, ``format_version``, ``generation``,
            ``created_at``, ``updated_at``, ``n_posts``, ``n_parts``,
            ``last_seq``, ``time_range`` (ISO first and last publication, or
            None), ``n_outlets`` (outlets seen in posts or the table),
            ``n_missing_outlets``, ``groups`` (group -> number of outlets),
            ``linksets`` (as :meth:`linksets`) and ``bytes`` (size of the
            folder on disk).
        """
        def run():
            m = self._manifest
            parts = m["posts"]["parts"]
            time_range = None
            if parts:
                lo = min(p["first_key"][0] for p in parts)
                hi = max(p["last_key"][0] for p in parts)
                time_range = [_ns_to_iso(lo), _ns_to_iso(hi)]
            outl = self._outlets(fill_missing=True)
            missing = self._missing(self._stored_or_empty())
            groups = outl["group"].value_counts().sort_index()
            size = 0
            for dirpath, _, files in os.walk(self._root):
                for f in files:
                    with contextlib.suppress(OSError):
                        size += os.path.getsize(os.path.join(dirpath, f))
            return {
                "path": str(self._root), "format": m["format"], "format_version": m["format_version"],
                "generation": m["generation"], "created_at": m.get("created_at"),
                "updated_at": m.get("updated_at"),
                "n_posts": int(m["posts"]["n_posts"]), "n_parts": len(parts), "last_seq": self.last_seq,
                "time_range": time_range, "n_outlets": len(outl),
                "n_missing_outlets": int((outl["outlet"].isin(missing)).sum()),
                "groups": {str(k): int(v) for k, v in groups.items()},
                "linksets": self.linksets(), "bytes": size,
            }
        return self._read(run)


# --------------------------------------------------------------------------- module helpers


class _Held:
    """An acquired FileLock, usable as a context manager."""

    def __init__(self, lock):
        self.lock = lock

    def release(self):
        self.lock.release()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.release()


def _writer_tag() -> dict:
    return {"pid": os.getpid(), "host": socket.gethostname(),
            "command": " ".join([os.path.basename(sys.argv[0] or "python")] + sys.argv[1:])[:300]}


def _write_owner(root: Path) -> None:
    info = dict(_writer_tag(), since=_now())
    with contextlib.suppress(OSError):
        atomic_write_bytes(root / LOCK_OWNER, json.dumps(info).encode("utf-8"))


def _locked_message(root: Path, timeout: float | None) -> str:
    who = ""
    try:
        o = json.loads((root / LOCK_OWNER).read_text("utf-8"))
        who = f" (pid {o.get('pid')} on {o.get('host')}, `{o.get('command')}`, since {o.get('since')})"
    except (OSError, ValueError):
        pass
    waited = "did not wait" if not timeout else f"waited {timeout:g} s"
    return (f"workspace {root} is locked by another writer{who}; {waited}. Readers are not affected; "
            f"retry when that writer has finished, or allow a longer timeout")


def _dump_manifest(m: dict) -> bytes:
    return (json.dumps(m, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def _empty_posts(columns: list[str]) -> pd.DataFrame:
    dtypes = {c.name: c.dtype for c in schema.POSTS}
    dtypes.update({SEQ: "int64", TEXT_SHA1: "string"})
    return pd.DataFrame({c: pd.Series(dtype=dtypes.get(c, "string")) for c in columns})


def _na_column(n: int, dtype, index) -> pd.Series:
    try:
        return pd.Series(pd.NA, index=index, dtype=dtype)
    except (TypeError, ValueError):
        return pd.Series(pd.NA, index=index, dtype=object)


def _differ(old: pd.Series, new: pd.Series) -> np.ndarray:
    """Element-wise "the values differ", NA-aware (NA vs NA is equal)."""
    o = old.astype(object).to_numpy()
    n = new.astype(object).to_numpy()
    out = np.zeros(len(o), dtype=bool)
    for i, (a, b) in enumerate(zip(o, n)):
        na_a, na_b = a is pd.NA or a is None or (isinstance(a, float) and a != a), \
            b is pd.NA or b is None or (isinstance(b, float) and b != b)
        out[i] = (na_a != na_b) or (not na_a and a != b)
    return out


def _prepare_posts(posts: pd.DataFrame):
    """Validate ``posts``, drop exact in-input duplicates, split off in-input conflicts.

    Returns ``(incoming, rows, keys, n_duplicates, conflicting_ids)``:
    ``incoming`` is the whole validated input (for the conflict report),
    ``rows`` the validated posts with unique ids and ``keys`` their post_id,
    outlet, ``ns`` (published_at in ns) and ``sha`` (SHA-1 of the text).
    """
    if not isinstance(posts, pd.DataFrame):
        raise TypeError(f"posts must be a pandas DataFrame, not {type(posts).__name__}")
    reserved = [c for c in INTERNAL_POST_COLUMNS if c in posts.columns]
    if reserved:
        raise schema.SchemaError(f"posts: column(s) {reserved} are reserved for the workspace")
    if "post_id" not in posts.columns or not posts["post_id"].duplicated().any():
        v = _nullable_strings(schema.validate_posts(posts))
    else:
        # validate_posts rejects repeated ids: validate the rest with stand-in ids, then
        # sort the repeats into exact copies (dropped) and conflicts (reported).
        v = _nullable_strings(schema.validate_posts(posts.assign(post_id=np.arange(len(posts)).astype(str))))
        pid = posts["post_id"].astype("string").reset_index(drop=True)
        if pid.isna().any():
            raise schema.SchemaError(f"posts.post_id has {int(pid.isna().sum())} missing value(s)")
        v["post_id"] = pid
    keys = pd.DataFrame({"post_id": v["post_id"], "outlet": v["outlet"], "ns": _ns(v["published_at"]),
                         "sha": pd.array(_sha1s(v["text"]), dtype="string")})
    dup = keys.duplicated(subset=["post_id", "outlet", "ns", "sha"]).to_numpy()
    rest = keys.loc[~dup, "post_id"]
    conflicting = sorted(rest[rest.duplicated(keep=False)].unique().tolist())
    keep = ~dup & ~keys["post_id"].isin(conflicting).to_numpy()
    return (v, v.loc[keep].reset_index(drop=True), keys.loc[keep].reset_index(drop=True),
            int(dup.sum()), conflicting)
