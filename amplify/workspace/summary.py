"""What ``Workspace.info()`` and ``amplify info`` show, from the manifest and the parts' footers.

Nothing here reads a post: counts, parts and the time range come from the
manifest's part records, the outlets from the summaries in the parts'
Parquet footers (:func:`amplify.workspace.parts.part_outlets`, read by the
caller), so a summary of 10M posts costs what one of 10k does.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pandas as pd

from amplify.utc import iso_z
from amplify.workspace.compact import DEFAULT_ROWS_PER_PART, plan_compaction

__all__ = ["summarise", "folder_bytes"]


def summarise(root: Path, manifest: dict, outlets: pd.DataFrame, missing: list[str], linksets: list[dict]) -> dict:
    """The dict of :meth:`amplify.workspace.Workspace.info`.

    ``outlets`` is the outlets table with the outlets only posts name filled
    in, ``missing`` those outlets, ``linksets`` as ``Workspace.linksets()``.

    Returns
    -------
    dict
        ``path``, ``format``, ``format_version``, ``generation``,
        ``created_at``, ``updated_at``, ``n_posts``, ``n_parts``,
        ``last_seq``, ``time_range`` (ISO first and last publication, or
        None), ``n_outlets`` (outlets seen in posts or the table),
        ``n_missing_outlets``, ``groups`` (group -> number of outlets),
        ``linksets``, ``bytes`` (size of the folder on disk) and
        ``n_compactable_parts`` (parts ``Workspace.compact()`` would merge).
    """
    m = manifest
    parts = m["posts"]["parts"]
    time_range = None
    if parts:
        first = min(p["first_key"][0] for p in parts)
        last = max(p["last_key"][0] for p in parts)
        time_range = [iso_z(first, seconds=False), iso_z(last, seconds=False)]
    groups = outlets["group"].value_counts().sort_index()
    return {
        "path": str(root), "format": m["format"], "format_version": m["format_version"],
        "generation": m["generation"], "created_at": m.get("created_at"), "updated_at": m.get("updated_at"),
        "n_posts": int(m["posts"]["n_posts"]), "n_parts": len(parts), "last_seq": int(m["posts"]["last_seq"]),
        "time_range": time_range, "n_outlets": len(outlets),
        "n_missing_outlets": int((outlets["outlet"].isin(missing)).sum()),
        "groups": {str(k): int(v) for k, v in groups.items()},
        "linksets": linksets, "bytes": folder_bytes(root),
        "n_compactable_parts": sum(len(g) for g in plan_compaction(parts, DEFAULT_ROWS_PER_PART)),
    }


def folder_bytes(root: Path) -> int:
    """Size of the files below ``root`` (a file that vanishes meanwhile counts 0)."""
    size = 0
    for dirpath, _, files in os.walk(root):
        for f in files:
            with contextlib.suppress(OSError):
                size += os.path.getsize(os.path.join(dirpath, f))
    return size
