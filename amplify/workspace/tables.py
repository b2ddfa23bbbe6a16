"""Arrow <-> pandas with the workspace's canonical dtypes, and atomic Parquet writes.

Every table the workspace stores goes through :func:`from_pandas` and
:func:`write_parquet_atomic`; every table it returns goes through
:func:`to_pandas`, so strings always come back as the nullable ``string``
dtype whatever pandas version wrote them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Collection, Iterable

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from amplify import schema
from amplify.io import atomic_output

__all__ = ["PARQUET_OPTIONS", "to_pandas", "from_pandas", "nullable_strings", "write_parquet_atomic",
           "ordered_columns"]

#: Options of every Parquet file the workspace writes.
PARQUET_OPTIONS = dict(compression="zstd")


def write_parquet_atomic(final: Path, table: pa.Table, row_group_size: int | None = None) -> int:
    """Write ``table`` to ``final`` atomically (see :func:`amplify.io.atomic_output`); returns its size in bytes."""
    with atomic_output(final, "wb") as fh:
        pq.write_table(table, fh, row_group_size=row_group_size, **PARQUET_OPTIONS)
    return final.stat().st_size


def to_pandas(table: pa.Table) -> pd.DataFrame:
    """Arrow -> pandas with the canonical dtypes (strings as ``"string"``)."""
    def mapper(t):
        if pa.types.is_string(t) or pa.types.is_large_string(t):
            return pd.StringDtype()
        return None
    df = table.to_pandas(types_mapper=mapper)
    return df.reset_index(drop=True)


def from_pandas(df: pd.DataFrame, what: str) -> pa.Table:
    """pandas -> Arrow without index or pandas metadata.

    Raises :class:`amplify.schema.SchemaError` naming ``what`` (``"posts"``,
    ``"links"`` ...) when a column cannot be stored in Parquet.
    """
    try:
        table = pa.Table.from_pandas(df, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError) as exc:
        raise schema.SchemaError(f"{what}: a column cannot be stored in Parquet: {exc}") from exc
    return table.replace_schema_metadata(None)


def nullable_strings(df: pd.DataFrame) -> pd.DataFrame:
    """Turn pandas-3 ``str`` columns (NaN for missing) into ``string`` (pd.NA), the canonical dtype, in place."""
    for c in df.columns:
        dt = df[c].dtype
        if isinstance(dt, pd.StringDtype) and dt.na_value is not pd.NA:
            df[c] = df[c].astype(pd.StringDtype())
    return df


def ordered_columns(names: Collection[str], canonical: Iterable[schema.Column]) -> list[str]:
    """``names`` with the canonical columns first (in schema order), then the others sorted."""
    canon = [c.name for c in canonical if c.name in names]
    return canon + sorted(n for n in names if n not in canon)
