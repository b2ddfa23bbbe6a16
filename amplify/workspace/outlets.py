"""The outlets table: reading it, filling in the outlets only posts name, and updating it with a change report.

The table has one row per outlet (``outlet``, ``group``, optional ``kind``,
``name`` ...; see :mod:`amplify.schema`) and is one Parquet file per
generation, ``outlets-<generation>.parquet``. An outlet that posts name but
the table lacks is *missing*: readers see it with group ``"unknown"``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from amplify import schema
from amplify.workspace.lock import now_iso
from amplify.workspace.manifest import outlets_file
from amplify.workspace.tables import (from_pandas, nullable_strings, ordered_columns, to_pandas,
                                      write_parquet_checked)

__all__ = ["OutletsReport", "read_outlets", "missing_outlets", "with_missing", "update_outlets",
           "write_outlets"]

CHANGE_COLUMNS = ["outlet", "column", "old", "new"]


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
    changes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=CHANGE_COLUMNS))

    def __str__(self) -> str:
        s = f"{self.added:,} outlets added, {self.updated:,} updated, {self.unchanged:,} unchanged"
        if self.removed:
            s += f", {self.removed:,} removed"
        return s


def read_outlets(root: Path, record: dict | None) -> pd.DataFrame:
    """The stored outlets table named by the manifest ``record`` (an empty table when there is none)."""
    if not record:
        return schema.empty_outlets()
    return to_pandas(pq.read_table(root / record["file"]))


def missing_outlets(stored: pd.DataFrame, post_outlets: np.ndarray) -> list[str]:
    """The outlets of ``post_outlets`` (sorted, distinct) that the ``stored`` table lacks, in order."""
    known = set(stored["outlet"].tolist())
    return [o for o in post_outlets.tolist() if o not in known]


def with_missing(stored: pd.DataFrame, missing: list[str]) -> pd.DataFrame:
    """``stored`` plus a row with group ``"unknown"`` for each ``missing`` outlet, sorted by outlet."""
    if len(missing):
        add = pd.DataFrame({"outlet": pd.array(missing, dtype="string"),
                            "group": pd.array([schema.UNKNOWN_GROUP] * len(missing), dtype="string")})
        stored = pd.concat([stored, add], ignore_index=True)
    return stored.sort_values("outlet", kind="stable").reset_index(drop=True)


def _na_column(dtype, index) -> pd.Series:
    """An all-NA column of ``dtype`` (object when the dtype holds no NA)."""
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


def _merged(old_i: pd.DataFrame, new_i: pd.DataFrame, given_i: pd.DataFrame,
            added_ids: list) -> tuple[pd.DataFrame, list[tuple]]:
    """The stored table with the given values of ``new_i`` laid over it; and the changes to stored outlets."""
    res = old_i.reindex(index=list(old_i.index) + added_ids)
    changes = []
    for c in new_i.columns:
        if c not in res.columns:
            res[c] = _na_column(new_i[c].dtype, res.index)
        idx = given_i.index[given_i[c].to_numpy(dtype=bool)]
        if not len(idx):
            continue
        oldv, newv = res.loc[idx, c], new_i.loc[idx, c]
        for o in idx[_differ(oldv, newv)]:
            if o in old_i.index:
                changes.append((o, c, oldv.loc[o], newv.loc[o]))
        res.loc[idx, c] = newv.to_numpy()
    return res, changes


def _replacement_changes(old_i: pd.DataFrame, new_i: pd.DataFrame, common: list) -> list[tuple]:
    """The changes when ``new_i`` replaces ``old_i``: every differing value of a kept outlet, each removed one."""
    changes = []
    cols = list(dict.fromkeys(list(new_i.columns) + list(old_i.columns)))
    nothing = pd.Series(pd.NA, index=common, dtype=object)
    for c in cols:
        ov = old_i[c].reindex(common) if c in old_i.columns else nothing
        nv = new_i[c].reindex(common) if c in new_i.columns else nothing
        for o in pd.Index(common)[_differ(ov, nv)]:
            changes.append((o, c, ov.loc[o], nv.loc[o]))
    for o in old_i.index:
        if o not in new_i.index:
            changes.append((o, "group", old_i.loc[o, "group"], pd.NA))
    return changes


def update_outlets(old: pd.DataFrame, outlets: pd.DataFrame,
                   merge: bool = True) -> tuple[OutletsReport, pd.DataFrame | None]:
    """Apply ``outlets`` to the stored table ``old``; see :meth:`amplify.workspace.Workspace.set_outlets`.

    Returns
    -------
    report : OutletsReport
    table : pandas.DataFrame or None
        The new outlets table, validated, canonical columns first and sorted
        by outlet; ``None`` when nothing changed.
    """
    raw = outlets.reset_index(drop=True)
    if merge and "group" not in raw.columns:
        # merging e.g. only names: the group is "not given" (new outlets still get "unknown")
        raw = raw.assign(group=pd.Series(pd.NA, index=raw.index, dtype="string"))
    given = raw.notna()
    new = nullable_strings(schema.validate_outlets(raw))
    given_i = given[list(new.columns)].set_index(new["outlet"]).drop(columns="outlet")
    new_i = new.set_index("outlet")
    old_i = old.set_index("outlet")
    added_ids = [o for o in new_i.index if o not in old_i.index]
    common = [o for o in new_i.index if o in old_i.index]
    if merge:
        res, changes = _merged(old_i, new_i, given_i, added_ids)
        removed = 0
    else:
        res, changes = new_i, _replacement_changes(old_i, new_i, common)
        removed = sum(1 for o in old_i.index if o not in new_i.index)
    updated = len({ch[0] for ch in changes if ch[0] in common})
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
    report = OutletsReport(added=len(added_ids), updated=updated, unchanged=len(common) - updated,
                           removed=removed, changes=changes_df)
    if not (report.added or report.updated or report.removed):
        return report, None
    res = res.reset_index().rename(columns={"index": "outlet"})
    res = schema.validate_outlets(res)
    res = res[ordered_columns(res.columns, schema.OUTLETS)]
    return report, res.sort_values("outlet", kind="stable").reset_index(drop=True)


def write_outlets(root: Path, generation: int, table: pd.DataFrame) -> dict:
    """Write ``table`` as the outlets of commit ``generation``; returns its manifest record."""
    arrow = from_pandas(table, "outlets")
    rel = outlets_file(generation)
    nbytes, sha = write_parquet_checked(root / rel, arrow)
    return {"file": rel, "rows": arrow.num_rows, "bytes": nbytes, "sha256": sha, "updated_at": now_iso()}
