"""Parquet files: columns as the file types them, rows numbered from 1.

Text columns come as pandas ``string``; other types (numbers, tz-aware
times) stay as they are, and :func:`amplify.ingest.posts.to_posts` reads
them from there.
"""

from __future__ import annotations

import numpy as np

from amplify.ingest.raw import RawTable, arrow_frame, header_names
from amplify.ingest.report import IngestError

__all__ = ["read_parquet"]


def read_parquet(data: bytes, path: str) -> RawTable:
    """Read a Parquet file's bytes into a :class:`~amplify.ingest.raw.RawTable`."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(pa.BufferReader(data))
    except (pa.ArrowException, OSError) as exc:
        raise IngestError(f"{path}: cannot read as Parquet ({exc})") from exc
    frame = arrow_frame(table)
    frame = frame.reset_index(drop=True)
    frame.columns = header_names([str(c) for c in frame.columns])
    return RawTable(path=path, format="parquet", frame=frame, rows=np.arange(1, len(frame) + 1, dtype=np.int64),
                    rows_read=len(frame))
