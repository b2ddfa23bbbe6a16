"""The ids a block-wise reading has met: which earlier block accepted an id, and its first row.

:class:`SeenIds` serves :class:`~amplify.ingest.block_reading.BlockReading`:
an id met again is collapsed or rejected against its first row, as
:func:`~amplify.ingest.duplicates.collapse_duplicates` does inside one
table; and ids made from content count identical rows of earlier blocks.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from numba import njit

from amplify.ingest.report import REJECT_COLUMNS, IngestError

__all__ = ["SeenIds"]

@njit(cache=True, nogil=True)
def _fnv1a(data, offsets, out):
    """A 64-bit hash of each string of an Arrow string column (its bytes and offsets): FNV-1a over
    8-byte words (texts are long: a multiply per byte took a second per million posts), then the
    length and a final mix so that every bit of the last word reaches every bit of the hash."""
    prime = np.uint64(0x100000001B3)
    for i in range(len(out)):
        h = np.uint64(0xCBF29CE484222325)
        j, end = offsets[i], offsets[i + 1]
        while j + 8 <= end:
            w = np.uint64(0)
            for k in range(8):
                w |= np.uint64(data[j + k]) << np.uint64(8 * k)
            h = (h ^ w) * prime
            j += 8
        while j < end:
            h = (h ^ np.uint64(data[j])) * prime
            j += 1
        h ^= np.uint64(end - offsets[i])
        h ^= h >> np.uint64(33)
        h *= np.uint64(0xFF51AFD7ED558CCD)
        h ^= h >> np.uint64(33)
        out[i] = h


def _hash(values) -> np.ndarray:
    """A 64-bit hash of each string (pandas ``string`` or object values; missing as empty), compiled."""
    import pyarrow as pa

    arr = pa.array(values.array if isinstance(values, pd.Series) else list(values), type=pa.large_string(),
                   from_pandas=True)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    n = len(arr)
    out = np.empty(n, dtype=np.uint64)
    if n == 0:
        return out
    _, offsets, data = arr.buffers()
    off = np.frombuffer(offsets, dtype=np.int64, count=n + 1, offset=arr.offset * 8)
    buf = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, dtype=np.uint8)
    _fnv1a(buf, off, out)
    return out


@dataclass
class SeenIds:
    """The ids of the blocks read so far, and their first rows (see the module's docstring).

    Memory: sixteen bytes per id (its hash and file), in a few sorted runs
    merged as they grow; the rows (``post_id``, hashes of outlet and text,
    time, file and row) stay in memory for the last block and go to a
    temporary Arrow file for the others, read back only when a hash is met
    again. Hashes only point: an id is taken as seen
    when the spilled rows hold it exactly.
    """

    spill_dir: Path | None = None                #: where to spill when the temporary folder is not writable
    runs: list = field(default_factory=list)     #: (sorted hashes, their files)
    n_blocks: int = 0
    folder: Path | None = None                   #: the spill folder, made when first needed
    latest: object = None                        #: the last block's rows, in memory until the next block

    @classmethod
    def create(cls, spill_dir=None) -> "SeenIds":
        """An empty record; ``spill_dir`` (the workspace) is used when the temporary folder is not writable."""
        return cls(Path(spill_dir) if spill_dir is not None else None)

    def close(self) -> None:
        import shutil

        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)

    def _maybe(self, h: np.ndarray) -> np.ndarray:
        out = np.zeros(len(h), dtype=bool)
        for hashes, _ in self.runs:
            pos = np.searchsorted(hashes, h)
            out |= hashes[np.minimum(pos, len(hashes) - 1)] == h
        return out

    def rows_of(self, ids, file: int | None = None) -> pd.DataFrame:
        """The remembered first rows of these ids (``file``: only that file's), earliest first."""
        import pyarrow as pa
        import pyarrow.dataset as pads

        ids = np.asarray(ids, dtype=object)
        if len(ids) and self.n_blocks:
            want = pads.field("post_id").isin(pa.array(list(dict.fromkeys(ids.tolist())), pa.string()))
            if file is not None:
                want = want & (pads.field("_file") == file)
            files = sorted(str(p) for p in self.folder.glob("block-*.arrow")) if self.folder is not None else []
            tables = [pads.dataset(files, format="ipc").to_table(filter=want)] if files else []
            if self.latest is not None:
                tables.append(pads.dataset(self.latest).to_table(filter=want))
            t = pa.concat_tables(tables) if tables else None
            if t is not None and t.num_rows:
                return t.to_pandas().drop_duplicates("post_id", keep="first").reset_index(drop=True)
        return pd.DataFrame({"post_id": pd.Series(dtype=object), "outlet_h": pd.Series(dtype="uint64"),
                             "ns": pd.Series(dtype="int64"), "text_h": pd.Series(dtype="uint64"),
                             "_file": pd.Series(dtype="int64"), "_row": pd.Series(dtype="int64")})

    def contains(self, ids, file: int | None = None) -> np.ndarray:
        """Per id: did an earlier block (of ``file``, when given) accept it?"""
        ids = np.asarray(ids, dtype=object)
        out = np.zeros(len(ids), dtype=bool)
        if not len(ids) or not self.runs:
            return out
        maybe = self._maybe(_hash(ids))
        if maybe.any():
            known = set(self.rows_of(ids[maybe], file)["post_id"].tolist())
            out[maybe] = [i in known for i in ids[maybe].tolist()]
        return out

    def _spill(self) -> None:
        """The last block's rows to a file (a reading of one block never writes any)."""
        import pyarrow.feather as feather

        if self.latest is None:
            return
        try:
            if self.folder is None:
                try:
                    self.folder = Path(tempfile.mkdtemp(prefix="amplify-ingest-ids-"))
                except OSError:
                    if self.spill_dir is None:
                        raise
                    self.folder = Path(tempfile.mkdtemp(prefix=".amplify-ingest-ids-", dir=self.spill_dir))
            spill = self.folder / f"block-{self.n_blocks - 1:08d}.arrow"
            # Arrow's own file format: written and read back without compressing (temporary files)
            feather.write_feather(self.latest, spill, compression="uncompressed")
        except OSError as exc:
            where = self.folder or tempfile.gettempdir()
            raise IngestError(f"cannot write the ids read so far to {where} ({exc.strerror or exc}); the "
                              f"workspace is as it was (free space there, or set TMPDIR)") from exc
        self.latest = None

    def add(self, file: int, acc: pd.DataFrame) -> None:
        """Remember the ids of a block's kept rows (their first rows)."""
        import pyarrow as pa

        self._spill()
        ids = acc["post_id"]
        h = _hash(ids)
        self.latest = pa.table({"post_id": pa.array(ids.array, pa.string(), from_pandas=True),
                                "outlet_h": pa.array(_hash(acc["outlet"])), "ns": pa.array(_ns(acc["published_at"])),
                                "text_h": pa.array(_hash(acc["text"])),
                                "_file": pa.array(acc["_file"].to_numpy(dtype=np.int64)),
                                "_row": pa.array(acc["_row"].to_numpy(dtype=np.int64))})
        self.n_blocks += 1
        order = np.argsort(h, kind="stable")
        self.runs.append((h[order], np.full(len(h), file, dtype=np.int32)))
        # runs of similar size merge (a binary counter): a few runs, each id moved about log2(blocks) times
        while len(self.runs) > 1 and len(self.runs[-1][0]) >= len(self.runs[-2][0]):
            (h2, f2), (h1, f1) = self.runs.pop(), self.runs.pop()
            hh, ff = np.concatenate([h1, h2]), np.concatenate([f1, f2])
            order = np.argsort(hh, kind="stable")   # two sorted runs: a linear merge
            self.runs.append((hh[order], ff[order]))

    def collapse_earlier(self, acc: pd.DataFrame, paths: list[str], id_cols: list[str]):
        """Rows whose id an earlier block accepted: collapsed when identical to that first row
        (same outlet, time and text), else rejected naming it -- as
        :func:`~amplify.ingest.duplicates.collapse_duplicates` does in one table.

        Returns ``(kept rows, rejects, {file index: rows collapsed})``.
        """
        from amplify.ingest.values import shorten

        empty = pd.DataFrame(columns=list(REJECT_COLUMNS))
        if not len(acc) or not self.runs:
            return acc, empty, {}
        # hashed from the Arrow strings in place; Python strings only for ids a hash points to (making
        # them for every id of every block held the GIL ~10 ms per 70k rows on the reading thread)
        maybe = self._maybe(_hash(acc["post_id"]))
        if not maybe.any():
            return acc, empty, {}
        pid = acc["post_id"]
        mi = np.flatnonzero(maybe)
        seen = np.zeros(len(acc), dtype=bool)
        seen[mi] = self.contains(pid.iloc[mi].astype(object).to_numpy())
        if not seen.any():
            return acc, empty, {}
        idx = np.flatnonzero(seen)
        first = self.rows_of(pid.iloc[idx].astype(object).to_numpy()).set_index("post_id")
        later = acc.iloc[idx]
        f = first.loc[later["post_id"].astype(object).to_numpy()]
        same_outlet = f["outlet_h"].to_numpy() == _hash(later["outlet"])
        same_time = f["ns"].to_numpy() == _ns(later["published_at"])
        same_text = f["text_h"].to_numpy() == _hash(later["text"])
        same = same_outlet & same_time & same_text
        collapsed: dict = {}
        for fi in later["_file"].to_numpy()[same].tolist():
            collapsed[int(fi)] = collapsed.get(int(fi), 0) + 1
        recs = []
        for j in np.flatnonzero(~same).tolist():
            r = later.iloc[j]
            diff = [name for name, eq in (("outlet", same_outlet[j]), ("time", same_time[j]), ("text", same_text[j]))
                    if not eq]
            fi, fr = int(f["_file"].iloc[j]), int(f["_row"].iloc[j])
            recs.append({
                "file": paths[int(r["_file"])], "row": int(r["_row"]), "column": id_cols[int(r["_file"])],
                "reason": (f"conflicting duplicate id: same post_id as {paths[fi]}:{fr} (kept) but different "
                           f"{'/'.join(diff)}"),
                "value": shorten(r["post_id"]),
            })
        keep = ~seen
        return acc[keep].reset_index(drop=True), pd.DataFrame(recs, columns=list(REJECT_COLUMNS)), collapsed


def _ns(s: pd.Series) -> np.ndarray:
    from amplify.utc import to_ns

    return np.asarray(to_ns(s), dtype=np.int64)
