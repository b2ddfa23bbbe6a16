"""Link sets: the links of one set of detection settings, keyed by a hash of those settings.

A link set's id is :func:`linkset_id` of its settings, so the same settings
always land in the same set and different settings never mix. Each set is one
Parquet file per generation, ``links/<id>/links-<generation>.parquet``, sorted
by ``(source_id, target_id, source_start, target_start, kind)``, beside a
``settings.json`` copy of the settings. Its manifest record also says which
posts it covers (``covered_through``, an ingest sequence) and when it was
created and last updated; the last record in the manifest is the latest set,
the one read by default. Writing a set makes it the latest;
:func:`make_default` makes an existing set the latest without writing links.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from amplify import schema
from amplify.io import atomic_write_bytes
from amplify.workspace.errors import WorkspaceError
from amplify.workspace.lock import now_iso
from amplify.workspace.manifest import SETTINGS_FILE, commit_manifest, links_file
from amplify.workspace.tables import from_pandas, to_pandas, write_parquet_checked

__all__ = ["canonical_settings", "linkset_id", "LINK_ORDER", "describe_linksets", "find_linkset", "read_links",
           "write_linkset", "make_default"]

#: Sort order of a stored link set.
LINK_ORDER = [(c, "ascending") for c in ("source_id", "target_id", "source_start", "target_start", "kind")]
#: Hex digits of the settings' SHA-1 kept as the link set id.
ID_DIGITS = 12
#: The fields of a link set's manifest record that :func:`describe_linksets` shows.
DESCRIBED_KEYS = ("id", "settings", "n_links", "covered_through", "created_at", "updated_at", "file")


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
    return hashlib.sha1(canonical_settings(settings).encode("utf-8")).hexdigest()[:ID_DIGITS]


def describe_linksets(records: list[dict]) -> list[dict]:
    """The link set records of a manifest as :meth:`amplify.workspace.Workspace.linksets` shows them."""
    out = []
    for i, ls in enumerate(records):
        d = {k: ls[k] for k in DESCRIBED_KEYS}
        d["inputs"] = ls.get("inputs", {})
        d["latest"] = i == len(records) - 1
        out.append(d)
    return out


def find_linkset(root: Path, records: list[dict], linkset: str | None) -> dict:
    """The record of link set ``linkset`` (an id or a unique prefix; ``None`` for the latest).

    Raises
    ------
    WorkspaceError
        There are no link sets, or ``linkset`` matches none or several (the
        message lists them with their settings).
    """
    if not records:
        raise WorkspaceError(f"workspace {root} holds no links yet: run detection first "
                             f"(`amplify detect --workspace {root}`)")
    if linkset is None:
        return records[-1]
    matches = [ls for ls in records if ls["id"].startswith(linkset)] if linkset else []
    if len(matches) == 1:
        return matches[0]
    # ids and sizes only: each record's settings are a line of JSON of 25 keys, which buried the answer;
    # `amplify info` says how each set was detected
    shown = matches or records
    listing = ", ".join(f"{ls['id']} ({int(ls['n_links']):,} links{', latest' if ls is records[-1] else ''})"
                        for ls in shown)
    what = f"is ambiguous: it starts {len(matches)} ids" if matches else "is unknown"
    raise WorkspaceError(f"link set {linkset!r} {what}; {'they are' if matches else 'available'}: {listing} "
                         f"(`amplify info --workspace {root}` says how each was detected)")


def read_links(root: Path, record: dict, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """The links of the link set ``record`` (all columns, or ``columns``)."""
    cols = None if columns is None else list(columns)
    return to_pandas(pq.read_table(root / record["file"], columns=cols))


def _write_settings(folder: Path, settings: dict) -> None:
    """Write the set's ``settings.json`` once (a set's settings never change: they are its id)."""
    path = folder / SETTINGS_FILE
    if not path.is_file():
        atomic_write_bytes(path, (json.dumps(settings, indent=1, sort_keys=True,
                                             ensure_ascii=False) + "\n").encode("utf-8"))


def write_linkset(root: Path, records: list[dict], links: pd.DataFrame, settings: Mapping[str, Any], *,
                  generation: int, last_seq: int, covered_through: int, append: bool = False,
                  inputs: Mapping[str, Any] | None = None) -> dict:
    """Write the links of ``settings`` as of commit ``generation``; returns the set's new manifest record.

    See :meth:`amplify.workspace.Workspace.save_links` for ``links``,
    ``settings``, ``covered_through``, ``append`` and ``inputs``. ``records``
    are the manifest's link set records and ``last_seq`` its last ingest
    sequence. The caller holds the writer lock and commits the record.

    Raises
    ------
    TypeError
        ``settings`` is not a JSON-serialisable dict.
    ValueError
        ``covered_through`` is outside ``0..last_seq``.
    amplify.schema.SchemaError
        ``links`` is not a valid links table.
    """
    lid = linkset_id(settings)
    settings = json.loads(canonical_settings(settings))
    covered_through = int(covered_through)
    if not 0 <= covered_through <= last_seq:
        raise ValueError(f"covered_through={covered_through} is outside 0..{last_seq} "
                         f"(the workspace's last ingest sequence)")
    new = schema.validate_links(links)
    current = next((ls for ls in records if ls["id"] == lid), None)
    if append and current is not None:
        old = read_links(root, current)
        pairs = pd.MultiIndex.from_frame(new[["source_id", "target_id"]])
        keep = ~pd.MultiIndex.from_frame(old[["source_id", "target_id"]]).isin(pairs)
        new = schema.validate_links(pd.concat([old[keep], new], ignore_index=True))
        covered_through = max(covered_through, int(current["covered_through"]))
    table = from_pandas(new, "links").sort_by(LINK_ORDER)
    rel = links_file(lid, generation)
    (root / "links" / lid).mkdir(parents=True, exist_ok=True)
    _write_settings(root / "links" / lid, settings)
    nbytes, sha = write_parquet_checked(root / rel, table)
    now = now_iso()
    return {"id": lid, "settings": settings, "file": rel, "n_links": table.num_rows, "bytes": nbytes, "sha256": sha,
            "covered_through": covered_through,
            "created_at": current["created_at"] if current else now, "updated_at": now,
            "inputs": json.loads(json.dumps(dict(inputs or {}), default=str))}


def make_default(ws, linkset: str) -> bool:
    """Make link set ``linkset`` the latest: the one :meth:`~amplify.workspace.Workspace.links` and the
    analyses read by default. Its links, files and dates stay as they are; so do the other sets.

    The order of the manifest's records is what "latest" means, so the record
    moves to the end, committed atomically like every write (a new
    generation). Nothing is written when it already is the latest.

    Parameters
    ----------
    ws : amplify.workspace.Workspace
        Open, inside ``with ws.writer():`` (the lock keeps the move from
        undoing another writer's commit).
    linkset : str
        A link set id or unique prefix.

    Returns
    -------
    bool
        Whether the default changed.

    Raises
    ------
    WorkspaceError
        Called outside the writer, or no such link set.

    Examples
    --------
    >>> import tempfile
    >>> from amplify import schema
    >>> from amplify.workspace import Workspace
    >>> ws = Workspace.open(tempfile.mkdtemp() + "/ws", create=True)
    >>> with ws.writer():
    ...     a = ws.save_links(schema.empty_links(), {"window": "7D"}, covered_through=0)
    ...     b = ws.save_links(schema.empty_links(), {"window": "3D"}, covered_through=0)
    ...     moved, again = make_default(ws, a), make_default(ws, a)
    >>> moved, again, [ls["id"] == a for ls in ws.linksets() if ls["latest"]]
    (True, False, [True])
    """
    if not ws.writing:
        raise WorkspaceError("make_default() writes to the workspace: call it inside `with ws.writer():`")
    m = ws.manifest                       # a copy of the snapshot the writer lock refreshed
    record = find_linkset(ws.path, m["linksets"], linkset)
    if m["linksets"][-1]["id"] == record["id"]:
        return False
    m["linksets"] = [ls for ls in m["linksets"] if ls["id"] != record["id"]] + [record]
    commit_manifest(ws.path, m)
    ws.refresh()                          # read from the new commit from now on
    return True
