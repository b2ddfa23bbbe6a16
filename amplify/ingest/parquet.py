"""Parquet files: columns as the file types them, rows numbered from 1.

Text columns come as pandas ``string``. Other types are read so that no
value changes on the way:

* ``BINARY`` columns (text written without the UTF-8 annotation, as some
  tools do) are decoded as UTF-8 -- never shown as ``b'...'``; a value that
  is not valid UTF-8 is rejected with its row (it holds a surrogate for
  :func:`~amplify.ingest.posts.to_posts` to find);
* integer columns with missing values stay integers (pandas would make them
  floats and round ids above 2**53);
* dictionary-encoded columns are decoded; lists and structs become Python
  lists and dicts, for the typed rules of :mod:`amplify.ingest.typed`;
* times stay times (tz-aware converted to UTC by the time reader).

Values longer than the field size limit are rejected after reading (Parquet
compresses column by column, so a file is held whole while it is read).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from amplify.ingest.charsets import BYTE_ERRORS
from amplify.ingest.raw import RawTable, arrow_frame, as_loaded, header_names, repeated_header_notes
from amplify.ingest.report import IngestError

__all__ = ["read_parquet", "parquet_rows"]


def _integer_types():
    import pyarrow as pa

    return {pa.int8(): pd.Int8Dtype(), pa.int16(): pd.Int16Dtype(), pa.int32(): pd.Int32Dtype(),
            pa.int64(): pd.Int64Dtype(), pa.uint8(): pd.UInt8Dtype(), pa.uint16(): pd.UInt16Dtype(),
            pa.uint32(): pd.UInt32Dtype(), pa.uint64(): pd.UInt64Dtype()}


def _column(col):
    """One Arrow column as a pandas Series, by the rules of the module's docstring; and whether
    it holds bytes that are not UTF-8."""
    import pyarrow as pa
    import pyarrow.compute as pc

    t = col.type
    if pa.types.is_dictionary(t):
        col = pc.cast(col, t.value_type)
        t = col.type
    if pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_fixed_size_binary(t):
        try:
            return arrow_frame(pa.table({"c": pc.cast(col, pa.large_string())}))["c"], False
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            values = [None if v is None else v.decode("utf-8", BYTE_ERRORS) for v in col.to_pylist()]
            return pd.Series(values, dtype=object), True
    if pa.types.is_nested(t):
        return pd.Series(col.to_pylist(), dtype=object), False
    if t in _integer_types():
        return pd.Series(col.to_pandas(types_mapper=_integer_types().get)), False
    return arrow_frame(pa.table({"c": col}))["c"], False


def read_parquet(data, path: str) -> RawTable:
    """Read a Parquet file into a :class:`~amplify.ingest.raw.RawTable`."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    src = as_loaded(data, path, "parquet")
    try:
        # one file, read as such: the dataset reader behind pq.read_table refuses a column name
        # given twice ("Multiple matches for FieldRef"), which a CSV of the same table reads
        table = pq.ParquetFile(pa.BufferReader(pa.py_buffer(src.data))).read()
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise IngestError(f"{path}: cannot read as Parquet ({exc}); is the file complete?", path=path) from exc
    return parquet_rows(table, path)


def parquet_rows(table, path: str, first_row: int = 1) -> RawTable:
    """Rows of a Parquet file as a :class:`~amplify.ingest.raw.RawTable`; the first is row ``first_row``
    (a file read a batch of rows at a time by :mod:`amplify.ingest.chunked` numbers each batch from
    where the last ended)."""
    cols, bad_bytes = {}, False
    for i, name in enumerate(table.column_names):
        s, bad = _column(table.column(i))
        cols[i] = s.reset_index(drop=True)
        bad_bytes |= bad
    frame = pd.DataFrame(cols) if cols else pd.DataFrame(index=range(table.num_rows))
    raw_names = [str(c) for c in table.column_names]
    frame.columns = header_names(raw_names)
    # (a batch after the first would say it again: the first batch speaks for the file)
    notes = repeated_header_notes(raw_names, list(frame.columns)) if first_row == 1 else []
    return RawTable(path=path, format="parquet", frame=frame,
                    rows=np.arange(first_row, first_row + len(frame), dtype=np.int64),
                    rows_read=len(frame), maybe_surrogates=bad_bytes, bad_bytes_in="utf-8" if bad_bytes else None,
                    notes=notes)
