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

The package's modules, one concept each: :mod:`~amplify.workspace.facade`
(the :class:`Workspace` class, the entry point), :mod:`~amplify.workspace.manifest`
(format, commit, garbage collection), :mod:`~amplify.workspace.lock` (the writer
lock), :mod:`~amplify.workspace.parts` (reading and writing posts parts),
:mod:`~amplify.workspace.append` (recognising posts already stored, conflicts),
:mod:`~amplify.workspace.outlets` (the outlets table),
:mod:`~amplify.workspace.linksets` (link sets and their settings hash),
:mod:`~amplify.workspace.check` (is every file there, whole; how to recover),
:mod:`~amplify.workspace.compact` (many small posts parts merged into fewer, sorted by time),
:mod:`~amplify.workspace.summary` (what `info()` shows, without reading posts),
:mod:`~amplify.workspace.queries` (read-side joins: links with their evidence)
and :mod:`~amplify.workspace.tables` (Arrow/pandas conversions, atomic Parquet).

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

from amplify.workspace.append import AppendReport
from amplify.workspace.check import CheckReport, Damage
from amplify.workspace.errors import WorkspaceDamaged, WorkspaceError, WorkspaceLocked
from amplify.workspace.facade import Workspace
from amplify.workspace.linksets import canonical_settings, linkset_id, make_default
from amplify.workspace.lock import DEFAULT_TIMEOUT, LOCK, LOCK_OWNER  # noqa: F401  (re-exported)
from amplify.workspace.manifest import FORMAT_NAME, FORMAT_VERSION, MANIFEST  # noqa: F401  (re-exported)
from amplify.workspace.outlets import OutletsReport
from amplify.workspace.parts import INTERNAL_POST_COLUMNS, POSTS_ROW_GROUP, SEQ, TEXT_SHA1  # noqa: F401
from amplify.workspace.queries import links_with_evidence

__all__ = [
    "Workspace",
    "WorkspaceError",
    "WorkspaceLocked",
    "WorkspaceDamaged",
    "CheckReport",
    "Damage",
    "AppendReport",
    "OutletsReport",
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "linkset_id",
    "canonical_settings",
    "make_default",
    "links_with_evidence",
]

# Also importable from here, as before the package existed (not in __all__):
# MANIFEST, LOCK, LOCK_OWNER, SEQ, TEXT_SHA1, INTERNAL_POST_COLUMNS,
# DEFAULT_TIMEOUT and POSTS_ROW_GROUP. POSTS_ROW_GROUP is read by
# amplify.workspace.parts: patch it there to change the row group size.
