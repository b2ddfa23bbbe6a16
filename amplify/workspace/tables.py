"""Arrow <-> pandas with the workspace's canonical dtypes, and atomic Parquet writes.

Every table the workspace stores goes through :func:`from_pandas` and
:func:`write_parquet_atomic`; every table it returns goes through
:func:`to_pandas`, so strings always come back as the nullable ``string``
dtype whatever pandas version wrote them.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Collection, Iterable

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from amplify import schema
from amplify.io import atomic_output

__all__ = ["PARQUET_OPTIONS", "to_pandas", "from_pandas", "nullable_strings", "write_parquet_atomic",
           "write_parquet_checked", "write_parquet_taken", "file_sha256", "ordered_columns"]

#: Options of every Parquet file the workspace writes.
PARQUET_OPTIONS = dict(compression="zstd")


def write_parquet_atomic(final: Path, table: pa.Table, row_group_size: int | None = None) -> int:
    """Write ``table`` to ``final`` atomically (see :func:`amplify.io.atomic_output`); returns its size in bytes."""
    return write_parquet_checked(final, table, row_group_size)[0]


class _Hashing:
    """A binary file that hashes what is written through it (SHA-256), for the manifest's checksums."""

    def __init__(self, fh):
        self.fh = fh
        self.sha = hashlib.sha256()
        self.size = 0
        self.closed = False

    def write(self, data) -> int:
        self.sha.update(data)
        self.size += len(data)
        return self.fh.write(data)

    def tell(self) -> int:
        return self.size

    def flush(self) -> None:
        self.fh.flush()

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def close(self) -> None:  # pyarrow may close its sink; the real file is closed by atomic_output
        self.closed = True


def write_parquet_checked(final: Path, table: pa.Table, row_group_size: int | None = None,
                          plain: Collection[str] = ()) -> tuple[int, str]:
    """Write ``table`` to ``final`` atomically; returns its size in bytes and the SHA-256 of its bytes
    (recorded in the manifest, so that ``amplify check`` can tell a damaged file).

    Columns named in ``plain`` are written without dictionary encoding: for columns whose values
    are nearly all different, the dictionary is built only to be dropped (the same values are read
    back either way)."""
    options = dict(PARQUET_OPTIONS)
    if plain:
        options["use_dictionary"] = [c for c in table.column_names if c not in set(plain)]
    with atomic_output(final, "wb") as fh:
        sink = _Hashing(fh)
        pq.write_table(table, sink, row_group_size=row_group_size, **options)
    return sink.size, sink.sha.hexdigest()


def write_parquet_taken(final: Path, table: pa.Table, indices: pa.Array, row_group_size: int,
                        batch_groups: int = 16) -> tuple[int, str]:
    """Write ``table.take(indices)`` to ``final`` atomically, as :func:`write_parquet_checked` does,
    without holding that whole copy: the rows are taken and written ``batch_groups`` row groups at a
    time (compaction writes a sorted part so, and its peak memory is about the unsorted table, not
    twice it)."""
    step = row_group_size * batch_groups
    with atomic_output(final, "wb") as fh:
        sink = _Hashing(fh)
        with pq.ParquetWriter(sink, table.schema, **PARQUET_OPTIONS) as writer:
            for i in range(0, len(indices), step):
                writer.write_table(table.take(indices[i:i + step]), row_group_size=row_group_size)
    return sink.size, sink.sha.hexdigest()


def file_sha256(path: Path, chunk: int = 8 << 20) -> str:
    """SHA-256 (hex) of a file's bytes, read in chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while True:
            b = fh.read(chunk)
            if not b:
                return h.hexdigest()
            h.update(b)


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
