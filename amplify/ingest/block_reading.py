"""Posts files read a block at a time, with the reports, rejects and errors of reading them whole.

:class:`BlockReading` reads each file's blocks (:func:`~amplify.ingest.chunked.file_blocks`),
maps each to posts (:func:`~amplify.ingest.posts.to_posts`), sorts out ids met before
(:class:`~amplify.ingest.seen_ids.SeenIds`, then
:func:`~amplify.ingest.duplicates.collapse_duplicates` inside the block) and hands the
accepted posts on; :func:`amplify.workspace.append.ingest_files` stores them.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np

from amplify.ingest.chunked import DEFAULT_CHUNK_SIZE, ReadWhole, file_blocks, regular_file, whole_file_layouts
from amplify.ingest.files import display_name
from amplify.ingest.oversize import DEFAULT_MAX_FIELD
from amplify.ingest.report import IngestError
from amplify.ingest.seen_ids import SeenIds

__all__ = ["BlockReading", "merge_notes"]

_COUNTED = re.compile(r"^(\d[\d,]*) (.*)$")


def merge_notes(notes: list[str], more: list[str]) -> list[str]:
    """A file's notes with a block's: a note that begins with a count adds it to the same note's
    (``3 blank line(s) ignored`` + ``2 blank line(s) ignored``); others are kept once, in order.

    >>> merge_notes(["3 blank line(s) ignored", "x"], ["2 blank line(s) ignored", "x", "y"])
    ['5 blank line(s) ignored', 'x', 'y']
    """
    out = list(notes)
    for n in more:
        m = _COUNTED.match(n)
        if m:
            rest = m.group(2)
            for i, o in enumerate(out):
                mo = _COUNTED.match(o)
                if mo and mo.group(2) == rest:
                    total = int(mo.group(1).replace(",", "")) + int(m.group(1).replace(",", ""))
                    out[i] = (f"{total:,}" if "," in mo.group(1) + m.group(1) else str(total)) + " " + rest
                    break
            else:
                out.append(n)
        elif n not in out:
            out.append(n)
    return out




class BlockReading:
    """Posts files read block by block: :meth:`batches` yields each block's accepted posts, ready to store;
    :meth:`result` then gives what :func:`amplify.ingest.read_posts` gives (its ``posts`` empty: they were
    handed on), with the same reports, rejects and errors.

    ``whole`` names files to read whole (after :class:`ReadWhole`); ``spill_dir`` holds the ids of
    earlier blocks when the temporary folder is not writable (the workspace). ``parse_ahead``: a
    file read in blocks has its next block cut and parsed in a thread of its own
    (:class:`~amplify.ingest.read_ahead.ReadAhead`, one block ahead) while this one is made into
    posts -- the same steps in the same order, so the same result.
    """

    def __init__(self, paths, mapping: dict | None = None, time_format: str | None = None, fmt: str | None = None,
                 progress: bool = False, *, encoding: str | None = None, keep_extra: bool = True,
                 map_flag: str = "mapping", max_field: int = DEFAULT_MAX_FIELD, header: bool = True,
                 chunk_size: int | None = DEFAULT_CHUNK_SIZE, whole=(), spill_dir=None, parse_ahead: bool = False):
        from amplify.ingest.times import check_time_format

        if isinstance(paths, (str, Path)):
            paths = [paths]
        self.paths = [str(p) for p in paths]
        if not self.paths:
            raise IngestError("no input files given")
        if time_format is not None:
            try:
                check_time_format(time_format)
            except ValueError as exc:
                raise IngestError(str(exc), flag="--time-format") from None
        if self.paths.count("-") > 1:
            raise IngestError("standard input (-) can be read only once; give it once", flag="-")
        self.mapping, self.time_format, self.fmt, self.progress = mapping, time_format, fmt, progress
        self.encoding, self.keep_extra, self.map_flag = encoding, keep_extra, map_flag
        self.max_field, self.header, self.chunk_size = max_field, header, chunk_size
        self.whole = set(whole)
        self.spill_dir = spill_dir
        self.parse_ahead = parse_ahead
        self.shown = [display_name(p) for p in self.paths]
        self.reports: list = []
        self.rejects: list = []
        self.id_cols: list = []
        self.accepted = 0
        self.blocks_read = 0

    def batches(self):
        """``(posts, content_id_rows)`` of each block with accepted posts, in file order."""
        import sys

        from amplify.ingest import PROGRESS_MIN_BYTES

        sizes = [os.path.getsize(p) if regular_file(p) else 0 for p in self.paths]
        bar = None
        if self.progress and sum(sizes) >= PROGRESS_MIN_BYTES:
            from tqdm import tqdm

            bar = tqdm(total=sum(sizes), unit="B", unit_scale=True, desc="ingest", file=sys.stderr, leave=False)
        seen = SeenIds.create(self.spill_dir)
        try:
            for i, path in enumerate(self.paths):
                if bar is not None:
                    bar.set_postfix_str(Path(path).name)
                chunk = None if path in self.whole else self.chunk_size
                moved = [0]

                def on_bytes(n, _size=sizes[i], _moved=moved):
                    # the bar moves as the file is read (decompressed bytes may outrun the file's size)
                    step = max(0, min(_size, _moved[0] + n) - _moved[0])
                    _moved[0] += step
                    if bar is not None and step:
                        bar.update(step)

                raws = file_blocks(path, self.fmt, self.encoding, self.max_field, header=self.header,
                                   chunk_size=chunk, on_bytes=on_bytes)
                if self.parse_ahead and chunk is not None:
                    from amplify.ingest.read_ahead import ReadAhead

                    # the byte scans and pyarrow's parse (mostly without the interpreter lock) of the
                    # next block run while this one's rows become posts (mostly pandas, holding it)
                    raws = ReadAhead(raws, depth=1, name="amplify-ingest-parse")
                try:
                    yield from self._file_batches(raws, i, seen, on_bytes, sizes)
                finally:
                    close = getattr(raws, "close", None)
                    if close is not None:
                        close()   # the parsing thread stops (a generator: closed) before the next file
        finally:
            seen.close()
            if bar is not None:
                bar.close()

    def _file_batches(self, raws, i, seen, on_bytes, sizes):
        """The batches of file ``i`` (see :meth:`batches`), from its blocks ``raws``."""
        from amplify import schema
        from amplify.ingest import posts_table
        from amplify.ingest.duplicates import collapse_duplicates
        from amplify.ingest.posts import to_posts
        from amplify.ingest.report import FileReport

        rep = None
        nblocks = 0
        first_cols = None
        for raw in raws:
            nblocks += 1
            if getattr(raw, "in_blocks", False):
                # JSON Lines records may hold other fields further on (or a block only broken
                # lines): the columns of the whole file are those of every record
                cols = list(raw.frame.columns)
                if first_cols is None:
                    first_cols = cols
                if not cols or cols != first_cols:
                    raise ReadWhole(self.shown[i], "records further on hold other fields")
            earlier = None
            if nblocks > 1:
                def earlier(ids, _i=i):
                    return seen.contains(ids, file=_i)
            res = to_posts(raw, None if raw.canonical else self.mapping, self.time_format,
                           keep_extra=self.keep_extra or raw.canonical, map_flag=self.map_flag,
                           earlier_ids=earlier)
            if rep is None:
                rep = FileReport(path=self.shown[i], format=raw.format, derived_ids=res.derived_ids,
                                 column_mapping=res.column_mapping, encoding=raw.encoding,
                                 separator=raw.separator)
                self.reports.append(rep)
                self.id_cols.append(res.column_mapping.get("post_id", "post_id"))
            elif res.column_mapping != rep.column_mapping or raw.format != rep.format:
                raise ReadWhole(self.shown[i], "its blocks hold other columns")
            rep.rows_read += raw.rows_read
            rep.skipped += sum(raw.skipped.values())
            for k, v in raw.skipped.items():
                rep.skipped_by_reason[k] = rep.skipped_by_reason.get(k, 0) + v
            for k, v in res.time_formats.items():
                rep.time_formats[k] = rep.time_formats.get(k, 0) + v
            rep.notes = merge_notes(rep.notes, list(raw.notes) + list(res.notes))
            acc = res.accepted
            acc["_file"] = i
            rj = res.rejects
            rj.insert(0, "file", self.shown[i])
            self.rejects.append(rj)
            # an id met in an earlier block first (against its first row), then repeats inside this one
            acc, xrej, xcol = seen.collapse_earlier(acc, self.shown, self.id_cols)
            acc, drej, dcol = collapse_duplicates(acc, self.shown, self.id_cols)
            for r in (xrej, drej):
                if len(r):
                    self.rejects.append(r)
            rep.duplicates_collapsed += int(xcol.get(i, 0)) + int(dcol.get(i, 0))
            rep.accepted += len(acc)
            rep.naive_times += int(acc["_naive"].to_numpy(dtype=bool).sum()) if len(acc) else 0
            self.accepted += len(acc)
            self.blocks_read += 1
            if len(acc):
                seen.add(i, acc)
                derived = np.full(len(acc), res.derived_ids, dtype=bool)
                posts = schema.validate_posts(posts_table(acc, self.shown))
                # the block's source columns go before its posts are stored, not after
                del acc, raw, res, rj
                yield posts, derived
                del posts
            else:
                del acc, raw, res, rj
        on_bytes(sizes[i])
        if rep is not None and nblocks > 1:
            layouts = whole_file_layouts(rep.time_formats)
            if layouts:
                raise ReadWhole(self.shown[i], f"times in a layout chosen on the whole file ({layouts[0]})")

    def result(self):
        """The :class:`~amplify.ingest.report.IngestResult` of the reading (after :meth:`batches`).

        Raises
        ------
        IngestError
            No post at all was accepted (``err.result`` holds the reports and rejects).
        """
        from collections import Counter

        from amplify import schema
        from amplify.ingest import rejects_table
        from amplify.ingest.report import IngestResult, reason_category

        rej = rejects_table(self.rejects, self.shown)
        for rep in self.reports:
            rr = rej[rej["file"] == rep.path]["reason"]
            rep.rejected = int(len(rr))
            rep.rejected_by_reason = dict(Counter(reason_category(r) for r in rr))
        result = IngestResult(posts=schema.empty_posts(optional=True), rejects=rej, files=self.reports,
                              content_id_rows=np.zeros(0, dtype=bool))
        if not self.accepted:
            raise IngestError("nothing usable: no post was accepted.\n" + result.summary(), result=result)
        return result
