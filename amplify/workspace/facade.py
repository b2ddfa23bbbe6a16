"""The :class:`Workspace` class: the one entry point to a workspace folder.

It holds the snapshot (the manifest read at opening or last refresh), the
writer lock's depth and a per-snapshot cache, and checks that writes happen
under the lock; the work is done by the modules beside it: :mod:`.manifest`
(format, commit, garbage), :mod:`.lock`, :mod:`.parts` and :mod:`.append`
(posts), :mod:`.outlets` and :mod:`.linksets`.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Sequence, TypeVar

import numpy as np
import pandas as pd

from amplify.workspace import linksets, parts
from amplify.workspace import outlets as outlets_table
from amplify.workspace.append import AppendReport, append_posts
from amplify.workspace.compact import DEFAULT_ROWS_PER_PART, CompactReport, compact_manifest
from amplify.workspace.summary import summarise
from amplify.workspace.check import CheckReport, check_workspace, damage_message, quick_check, repair_workspace
from amplify.workspace.embeddings import posts_with_languages
from amplify.workspace.errors import WorkspaceDamaged, WorkspaceError
from amplify.workspace.lock import acquire_lock, remove_owner, write_owner
from amplify.workspace.manifest import MANIFEST, collect_garbage, commit_manifest, create_manifest, read_manifest

__all__ = ["Workspace"]

T = TypeVar("T")


class Workspace:
    """A corpus on disk: posts, outlets and link sets, with atomic, locked writes.

    Open one with :meth:`Workspace.open`. Reading methods (:meth:`posts`,
    :meth:`outlets`, :meth:`links`, :meth:`linksets`, :meth:`info`) see the
    snapshot the manifest named when the workspace was opened, refreshed by
    :meth:`refresh` and by every write made through this object. Writing
    methods (:meth:`add_posts`, :meth:`set_outlets`, :meth:`save_links`,
    :meth:`drop_links`, :meth:`compact`) must run inside ``with ws.writer():``; each one commits
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

    def __init__(self, path: str | os.PathLike, verify: bool = True):
        self._root = Path(path)
        self._lock_depth = 0
        self._cache: dict[tuple, Any] = {}
        self._verify = verify
        self._manifest = read_manifest(self._root)
        self._refuse_if_damaged()

    def _refuse_if_damaged(self) -> None:
        """Raise :class:`WorkspaceDamaged` when a file of the snapshot is missing or truncated.

        A file can also be missing because writers committed and collected it
        since the manifest was read: then the newer manifest is checked instead
        (a few times), and only damage that stays is reported.
        """
        if not self._verify:
            return
        for _ in range(3):
            damages = quick_check(self._root, self._manifest)
            if not damages:
                return
            newer = read_manifest(self._root)
            if newer["generation"] == self._manifest["generation"]:
                break
            self._manifest = newer
            self._cache.clear()
        raise WorkspaceDamaged(damage_message(self._root, damages), damages)

    @classmethod
    def open(cls, path: str | os.PathLike, create: bool = False, verify: bool = True) -> "Workspace":
        """Open the workspace in folder ``path``.

        Parameters
        ----------
        path : str or path-like
            The workspace folder.
        create : bool, default False
            Create an empty workspace if the folder does not exist or is empty.
            A non-empty folder that is not a workspace is never taken over.
        verify : bool, default True
            Refuse a damaged workspace: every file the manifest names must be
            there with its recorded size (:func:`amplify.workspace.check.quick_check`).
            ``False`` opens it anyway, to :meth:`check` and :meth:`repair` it.

        Returns
        -------
        Workspace

        Raises
        ------
        WorkspaceError
            The folder is missing (and ``create`` is false), is not a workspace,
            or holds a format this version of amplify cannot read.
        WorkspaceDamaged
            A file the manifest names is missing or truncated (``verify``).

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
            return cls(root, verify)
        if not create:
            if not root.exists():
                raise WorkspaceError(
                    f"no workspace at {root}: the folder does not exist (`amplify ingest FILES --workspace "
                    f"{root}` makes one; in Python, Workspace.open(path, create=True))")
            if not root.is_dir():
                raise WorkspaceError(f"no workspace at {root}: it is a file, not a folder")
            raise WorkspaceError(f"{root} is not an amplify workspace: it holds no {MANIFEST}")
        create_manifest(root)
        return cls(root, verify)

    def refresh(self) -> "Workspace":
        """Reload the manifest to see what other processes committed since. Returns ``self``."""
        m = read_manifest(self._root)
        if m["generation"] != self._manifest["generation"]:
            self._cache.clear()
        self._manifest = m
        self._refuse_if_damaged()
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
        """Number of the newest part (0 if none; each ingest and each part :meth:`compact` writes
        takes the next): pass it as ``covered_through``."""
        return int(self._manifest["posts"]["last_seq"])

    @property
    def manifest(self) -> dict:
        """A copy of the manifest of the current snapshot."""
        return json.loads(json.dumps(self._manifest))

    def __repr__(self) -> str:
        m = self._manifest
        return (f"<Workspace {str(self._root)!r}: {self.n_posts:,} posts in {len(m['posts']['parts'])} parts, "
                f"{len(m['linksets'])} link sets, generation {self.generation}>")

    # ------------------------------------------------------------------ locking and committing

    @contextlib.contextmanager
    def writer(self, timeout: float | None | str = "default") -> Iterator["Workspace"]:
        """Hold the exclusive writer lock for the ``with`` block.

        On entry the manifest is reloaded (so writes build on the latest commit)
        and files left by interrupted writes, or superseded by earlier commits,
        are deleted. Re-entrant on the same object.

        Parameters
        ----------
        timeout : float or None, default ``AMPLIFY_LOCK_TIMEOUT``, else 10
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
        held = acquire_lock(self._root, timeout)
        try:
            write_owner(self._root)
            self._lock_depth = 1
            self.refresh()  # refuses a damaged workspace (unless opened with verify=False, to repair it)
            collect_garbage(self._root, self._manifest)
            yield self
        finally:
            self._lock_depth = 0
            remove_owner(self._root)  # before releasing: never erase the next holder's note
            held.release()

    @property
    def writing(self) -> bool:
        """True inside :meth:`writer`."""
        return self._lock_depth > 0

    def _require_writer(self, what: str) -> None:
        if not self._lock_depth:
            raise WorkspaceError(f"{what}() writes to the workspace: call it inside `with ws.writer():`")

    def _commit(self, manifest: dict) -> None:
        """Commit ``manifest`` (a changed copy of the snapshot's) and read from it from now on."""
        commit_manifest(self._root, manifest)
        self._manifest = manifest
        self._cache.clear()

    def _read(self, fn: Callable[[], T]) -> T:
        """Run a reader; if a file vanished (a writer collected an old snapshot), refresh once and retry."""
        try:
            return fn()
        except FileNotFoundError:
            self.refresh()
            return fn()

    # ------------------------------------------------------------------ posts

    def _parts(self) -> list[dict]:
        return self._manifest["posts"]["parts"]

    def post_columns(self, internal: bool = False) -> list[str]:
        """Columns stored for posts (the union over parts), canonical ones first."""
        return parts.post_columns(self._parts(), internal)

    def posts(self, columns: Sequence[str] | None = None, since_seq: int | None = None,
              ids: Sequence[str] | None = None, *, outlets: Sequence[str] | str | None = None,
              since=None, until=None) -> pd.DataFrame:
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
        outlets : str or list of str, optional
            Only posts of these outlets (parts whose outlets summary lacks them are not opened).
        since, until : str or datetime-like, optional
            Only posts published at or after ``since`` and before ``until`` (UTC unless given a
            zone); parts and row groups outside the range are not read (:mod:`.compact`).

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
        >>> ws.posts(columns=["post_id"], since="2024-03-02")
          post_id
        0       2
        """
        # lang_detected: identified by the semantic stage, kept with the embeddings (amplify.workspace.embeddings)
        return self._read(lambda: posts_with_languages(self._root, self._parts(), columns, since_seq, ids,
                                                       outlets=outlets, since=since, until=until))

    def _post_outlets(self) -> np.ndarray:
        """Sorted distinct outlets named by posts (cached per snapshot)."""
        key = ("post_outlets", self.generation)
        if key not in self._cache:
            self._cache[key] = parts.distinct_outlets(self._root, self._parts())
        return self._cache[key]

    def add_posts(self, posts: pd.DataFrame, match_content=None) -> AppendReport:
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
        match_content : array of bool, optional
            Per row, whether its ``post_id`` was made from its content (a file
            without an id column; :attr:`amplify.ingest.IngestResult.content_id_rows`).
            Such a post is also already present when a stored post has the same
            outlet, time and text under another id (e.g. the ``<file>:<row>``
            ids of workspaces written by amplify 0.1.0).

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
        report, part = append_posts(self._root, self._parts(), self.last_seq, posts, match_content)
        self._commit_parts([] if part is None else [part])
        return report

    def ingest(self, paths, **read_options):
        """Read post files a block at a time, stored as read, committed at the end (inside :meth:`writer`):
        :func:`~amplify.workspace.append.ingest_files`; returns ``(IngestResult, AppendReport)``."""
        from amplify.workspace.append import ingest_files
        self._require_writer("ingest")
        result, report, new = ingest_files(self._root, self._parts(), self.last_seq, paths, **read_options)
        self._commit_parts(new)
        return result, report

    def _commit_parts(self, new: list[dict]) -> None:
        """Commit newly written posts parts (none: nothing to do)."""
        if new:
            m = self.manifest
            m["posts"]["parts"] += new
            m["posts"]["n_posts"] += sum(p["rows"] for p in new)
            m["posts"]["last_seq"] = new[-1]["seq"]
            self._commit(m)

    # ------------------------------------------------------------------ outlets

    def _stored_outlets(self) -> pd.DataFrame:
        return outlets_table.read_outlets(self._root, self._manifest.get("outlets"))

    def _missing_outlets(self, stored: pd.DataFrame) -> list[str]:
        return outlets_table.missing_outlets(stored, self._post_outlets())

    def _outlets(self, fill_missing: bool) -> pd.DataFrame:
        stored = self._stored_outlets()
        return outlets_table.with_missing(stored, self._missing_outlets(stored) if fill_missing else [])

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

    def missing_outlets(self) -> list[str]:
        """Outlets that posts name but the outlets table lacks (they get group ``"unknown"``)."""
        return self._read(lambda: self._missing_outlets(self._stored_outlets()))

    def set_outlets(self, outlets: pd.DataFrame, merge: bool = True) -> outlets_table.OutletsReport:
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
        report, table = outlets_table.update_outlets(self._stored_outlets(), outlets, merge)
        if table is not None:
            record = outlets_table.write_outlets(self._root, self.generation + 1, table)
            m = self.manifest
            m["outlets"] = record
            self._commit(m)
        return report

    # ------------------------------------------------------------------ links

    def linksets(self) -> list[dict]:
        """The link sets, oldest write first; the last one (``latest`` true) is :meth:`links`' default.

        Each is a dict: ``id``, ``settings``, ``n_links``, ``covered_through``
        (the posts ingest sequence the links were computed up to),
        ``created_at``, ``updated_at``, ``latest`` and ``file``.
        """
        return linksets.describe_linksets(self._manifest["linksets"])

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
        return self._read(lambda: linksets.read_links(
            self._root, linksets.find_linkset(self._root, self._manifest["linksets"], linkset), columns))

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
        m = self.manifest
        record = linksets.write_linkset(self._root, m["linksets"], links, settings, generation=self.generation + 1,
                                        last_seq=self.last_seq, covered_through=covered_through, append=append,
                                        inputs=inputs)
        m["linksets"] = [ls for ls in m["linksets"] if ls["id"] != record["id"]] + [record]
        self._commit(m)
        return record["id"]

    def drop_links(self, linkset: str) -> None:
        """Remove a link set (its files go at the next write)."""
        self._require_writer("drop_links")
        ls = linksets.find_linkset(self._root, self._manifest["linksets"], linkset)
        m = self.manifest
        m["linksets"] = [x for x in m["linksets"] if x["id"] != ls["id"]]
        self._commit(m)

    # ------------------------------------------------------------------ checking

    def check(self, deep: bool = True) -> CheckReport:
        """Check every file the manifest names: present with its size, and (``deep``) its row count and
        checksum. Returns a :class:`~amplify.workspace.check.CheckReport` naming each damage and how to
        recover from it. Open a damaged workspace with ``verify=False`` to check it.

        Examples
        --------
        >>> import tempfile, pandas as pd
        >>> ws = Workspace.open(tempfile.mkdtemp() + "/ws", create=True)
        >>> with ws.writer():
        ...     _ = ws.add_posts(pd.DataFrame({"post_id": ["1"], "outlet": ["tass"],
        ...         "published_at": ["2024-03-01T08:00:00Z"], "text": ["Hello"]}))
        >>> ws.check().ok
        True
        >>> (ws.path / "posts" / "part-000001.parquet").unlink()
        >>> Workspace.open(ws.path)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        amplify.workspace.WorkspaceDamaged: workspace ... is damaged: posts part 1 (posts/part-000001.parquet): the file is missing. ...
        >>> print(Workspace.open(ws.path, verify=False).check().damages[0].problem)
        the file is missing
        """
        return check_workspace(self._root, self._manifest, deep)

    def repair(self) -> list[str]:
        """Make a damaged workspace usable: damaged files are moved to ``damaged/`` and dropped from the
        manifest, with every link set when a posts part is dropped; the post count is corrected. Returns
        what was done (empty when nothing was damaged). Must run inside :meth:`writer`; the posts lost
        come back by ingesting their files again (see :mod:`amplify.workspace.check`)."""
        self._require_writer("repair")
        report = check_workspace(self._root, self._manifest, deep=True)
        if report.ok:
            return []
        m, done = repair_workspace(self._root, self.manifest, report)
        self._commit(m)
        return done

    # ------------------------------------------------------------------ compaction

    def compact(self, rows_per_part: int = DEFAULT_ROWS_PER_PART, progress: bool = False) -> CompactReport:
        """Merge small posts parts into parts of about ``rows_per_part`` posts, sorted by time and not
        overlapping (see :mod:`amplify.workspace.compact`: which parts, and why link sets, embeddings
        and incremental detection stay valid). The posts read back identical, ``_seq`` included. One
        atomic commit; the old files are deleted after it. Must run inside :meth:`writer`.

        Parameters
        ----------
        rows_per_part : int, default 1,000,000
            Target posts per part (the peak memory is about one part's posts).
        progress : bool, default False
            Show a progress bar. Returns a ``CompactReport`` (the module's docstring shows one).
        """
        self._require_writer("compact")
        m, report = compact_manifest(self._root, self._manifest, int(rows_per_part), progress)
        if m is not None:
            self._commit(m)
            # old parts go now, not at the next write (compaction frees disk); old readers retry (_read)
            report.removed = collect_garbage(self._root, self._manifest)
        return report

    def info(self) -> dict:
        """A summary: counts, time range, groups, link sets, format and size, read from the manifest
        and the parts' footers, never from the posts (keys: :func:`amplify.workspace.summary.summarise`).

        Returns
        -------
        dict
        """
        def run():
            outl = self._outlets(fill_missing=True)
            return summarise(self._root, self._manifest, outl, self._missing_outlets(self._stored_outlets()),
                             self.linksets())
        return self._read(run)
