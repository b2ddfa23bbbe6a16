"""``manifest.json``: the format, reading and validating it, the commit, and garbage collection.

The manifest names every live file of a workspace with its row count, key
range and settings, and carries a ``generation`` counter that grows by one per
commit. It is the single commit point: a writer first writes new files under
fresh names, then replaces the manifest atomically (:func:`commit_manifest`),
so a process killed at any instant leaves either the old or the new state.
Files of ours that the manifest does not name are garbage from an interrupted
write or superseded versions; :func:`collect_garbage` deletes them when the
next writer takes the lock (not earlier, so readers holding the previous
snapshot keep working).

The file names are made here too (:func:`part_file`, :func:`outlets_file`,
:func:`links_file`), beside the patterns garbage collection recognises them by.
"""

from __future__ import annotations

import contextlib
import json
import re
from pathlib import Path

from amplify.io import TMP_MARK, atomic_write_bytes
from amplify.workspace.errors import WorkspaceError
from amplify.workspace.lock import (LOCK, LOCK_OWNER, acquire_lock, now_iso,
                                    writer_tag)

__all__ = ["FORMAT_NAME", "FORMAT_VERSION", "MANIFEST", "SETTINGS_FILE", "part_file", "outlets_file",
           "links_file", "new_manifest", "create_manifest", "dump_manifest", "read_manifest", "commit_manifest",
           "live_files", "collect_garbage"]

#: Value of ``manifest["format"]``.
FORMAT_NAME = "amplify-workspace"
#: The newest (and only) format version this code reads and writes.
FORMAT_VERSION = 1
#: The manifest's file name, in the workspace folder.
MANIFEST = "manifest.json"
#: A copy of a link set's settings, in its folder ``links/<id>/``.
SETTINGS_FILE = "settings.json"
#: Keys every manifest has; one missing means the file is damaged.
REQUIRED_KEYS = ("generation", "posts", "linksets")

PART_RE = re.compile(r"^part-\d{6,}\.parquet$")
OUTLETS_RE = re.compile(r"^outlets-\d{6,}\.parquet$")
LINKS_RE = re.compile(r"^links-\d{6,}\.parquet$")


def part_file(seq: int) -> str:
    """Path (relative to the workspace) of the posts part of ingest sequence ``seq``."""
    return f"posts/part-{seq:06d}.parquet"


def outlets_file(generation: int) -> str:
    """Path of the outlets table written by commit ``generation``."""
    return f"outlets-{generation:06d}.parquet"


def links_file(linkset_id: str, generation: int) -> str:
    """Path of the links of link set ``linkset_id`` written by commit ``generation``."""
    return f"links/{linkset_id}/links-{generation:06d}.parquet"


def new_manifest() -> dict:
    """The manifest of an empty workspace (generation 0)."""
    now = now_iso()
    return {
        "format": FORMAT_NAME, "format_version": FORMAT_VERSION, "generation": 0,
        "created_at": now, "updated_at": now, "written_by": writer_tag(),
        "posts": {"n_posts": 0, "last_seq": 0, "parts": []},
        "outlets": None, "linksets": [],
    }


def _refuse_if_foreign(root: Path) -> None:
    """Raise unless ``root`` holds nothing but what an interrupted creation may have left."""
    others = sorted(p.name for p in root.iterdir()
                    if p.name not in (LOCK, LOCK_OWNER) and not p.name.startswith(f".{MANIFEST}{TMP_MARK}"))
    if others:
        raise WorkspaceError(
            f"refusing to create a workspace in {root}: the folder is not empty "
            f"({', '.join(others[:5])}{' ...' if len(others) > 5 else ''}) and is not a workspace")


def create_manifest(root: Path, timeout: float | None | str = "default") -> None:
    """Make ``root`` an empty workspace, unless another process just did.

    The folder is created if needed. A non-empty folder that is not a
    workspace is never taken over: it is checked before the lock is taken (so
    no ``.lock`` is left in someone else's folder) and again under the lock.

    Raises
    ------
    WorkspaceError
        ``root`` is a file, or a non-empty folder that is not a workspace.
    WorkspaceLocked
        Another writer kept the lock for ``timeout`` seconds.
    """
    if root.exists() and not root.is_dir():
        raise WorkspaceError(f"cannot create a workspace at {root}: it is a file")
    if root.exists():
        _refuse_if_foreign(root)
    root.mkdir(parents=True, exist_ok=True)
    with acquire_lock(root, timeout):
        if not (root / MANIFEST).is_file():
            _refuse_if_foreign(root)
            atomic_write_bytes(root / MANIFEST, dump_manifest(new_manifest()))


def dump_manifest(manifest: dict) -> bytes:
    """The bytes of ``manifest.json``: indented JSON, UTF-8, a final newline."""
    return (json.dumps(manifest, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def read_manifest(root: Path) -> dict:
    """Read and check the manifest of the workspace at ``root``.

    Raises
    ------
    WorkspaceError
        The folder or its manifest is missing, the manifest is not JSON, not
        an amplify workspace's, lacks a required key, or has a format version
        newer than this code reads.
    """
    path = root / MANIFEST
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        if not root.exists():
            raise WorkspaceError(f"no workspace at {root}: the folder does not exist") from None
        raise WorkspaceError(f"{root} is not an amplify workspace: it holds no {MANIFEST}") from None
    try:
        m = json.loads(raw)
    except ValueError as exc:
        raise WorkspaceError(f"{path} is not valid JSON ({exc}); the workspace is damaged") from None
    if not isinstance(m, dict) or m.get("format") != FORMAT_NAME:
        found = m.get("format") if isinstance(m, dict) else type(m).__name__
        raise WorkspaceError(
            f"{root} is not an amplify workspace: {MANIFEST} has format {found!r}, "
            f"expected {FORMAT_NAME!r}")
    version = m.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise WorkspaceError(f"{path}: invalid format_version {version!r}; the workspace is damaged")
    if version > FORMAT_VERSION:
        from amplify import __version__
        raise WorkspaceError(
            f"workspace {root} has format version {version}, but this amplify "
            f"({__version__}) supports format version {FORMAT_VERSION} at most; upgrade amplify to read it")
    for key in REQUIRED_KEYS:
        if key not in m:
            raise WorkspaceError(f"{path} lacks {key!r}; the workspace is damaged")
    return m


def commit_manifest(root: Path, manifest: dict) -> None:
    """Atomically replace the manifest with ``manifest`` as the next generation: the single commit point.

    ``manifest["generation"]`` must still be the generation it was copied
    from; it is incremented, and ``updated_at`` and ``written_by`` are set, in
    place.
    """
    manifest["generation"] = int(manifest["generation"]) + 1
    manifest["updated_at"] = now_iso()
    manifest["written_by"] = writer_tag()
    atomic_write_bytes(root / MANIFEST, dump_manifest(manifest))


def live_files(manifest: dict) -> set[str]:
    """The files (relative paths) the manifest names, with the manifest and lock files."""
    live = {MANIFEST, LOCK, LOCK_OWNER}
    live.update(p["file"] for p in manifest["posts"]["parts"])
    if manifest.get("outlets"):
        live.add(manifest["outlets"]["file"])
    for ls in manifest["linksets"]:
        live.add(ls["file"])
        live.add(f"links/{ls['id']}/{SETTINGS_FILE}")
    return live


def collect_garbage(root: Path, manifest: dict) -> list[str]:
    """Delete the files of ours that ``manifest`` does not name; returns their relative paths.

    Only a writer may call it. "Ours" are temporary files and files named like
    parts, outlets tables, links and link set settings; anything else in the
    folder is left alone. Empty link set folders are removed.
    """
    live = live_files(manifest)
    removed = []

    def sweep(folder: Path, rel: str, pattern: re.Pattern, extra=()):
        if not folder.is_dir():
            return
        for p in folder.iterdir():
            name = f"{rel}{p.name}"
            ours = TMP_MARK in p.name or pattern.match(p.name) or p.name in extra
            if p.is_file() and ours and name not in live:
                with contextlib.suppress(OSError):
                    p.unlink()
                    removed.append(name)

    sweep(root, "", OUTLETS_RE)
    sweep(root / "posts", "posts/", PART_RE)
    links = root / "links"
    if links.is_dir():
        for d in links.iterdir():
            if d.is_dir():
                sweep(d, f"links/{d.name}/", LINKS_RE, extra=(SETTINGS_FILE,))
                with contextlib.suppress(OSError):
                    d.rmdir()  # only if empty
    return removed
