"""What ingest tells the user: per-file reports, the result, and the error.

Every row read ends in exactly one place -- accepted, rejected (with a
reason), collapsed into an identical duplicate, or skipped (not a post, e.g. a
Telegram service message) -- so for each file::

    rows_read == accepted + rejected + duplicates_collapsed + skipped
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field

import pandas as pd

__all__ = ["IngestError", "FileReport", "IngestResult", "REJECT_COLUMNS", "reason_category"]

#: Columns of :attr:`IngestResult.rejects`.
REJECT_COLUMNS = ("file", "row", "column", "reason", "value")


class IngestError(ValueError):
    """A file cannot be used at all (or nothing usable remains).

    The message names the file, the columns found, what is missing and the
    flag that fixes it. Attributes (``None`` where they do not apply):
    ``path``, ``found`` (columns found), ``missing`` (canonical column),
    ``flag`` (e.g. ``"--map text=COLUMN"``), ``result`` (the
    :class:`IngestResult` so far, when nothing usable remained).
    """

    def __init__(self, message: str, *, path=None, found=None, missing=None, flag=None, result=None):
        super().__init__(message)
        self.path = path
        self.found = found
        self.missing = missing
        self.flag = flag
        self.result = result


def reason_category(reason: str) -> str:
    """``"malformed row: expected 4 fields, found 5"`` -> ``"malformed row"``."""
    return str(reason).split(":", 1)[0].strip()


@dataclass
class FileReport:
    """How one input file went."""

    path: str
    format: str
    rows_read: int = 0
    accepted: int = 0
    rejected: int = 0
    rejected_by_reason: dict = field(default_factory=dict)   #: reason category -> count
    derived_ids: bool = False        #: no id column: ids made from each post's content (``c-...``)
    naive_times: int = 0             #: accepted rows whose time had no zone (assumed UTC)
    duplicates_collapsed: int = 0    #: rows identical to an earlier row with the same post_id
    skipped: int = 0                 #: rows that are not posts (e.g. Telegram service messages)
    skipped_by_reason: dict = field(default_factory=dict)
    column_mapping: dict = field(default_factory=dict)       #: canonical column -> source column
    time_formats: dict = field(default_factory=dict)         #: how times were read -> count
    encoding: str | None = None
    separator: str | None = None
    notes: list = field(default_factory=list)

    @property
    def balanced(self) -> bool:
        """Every row read is accounted for."""
        return self.rows_read == self.accepted + self.rejected + self.duplicates_collapsed + self.skipped

    def to_dict(self) -> dict:
        d = asdict(self)
        d["balanced"] = self.balanced
        return d

    def lines(self) -> list[str]:
        """This file's part of :meth:`IngestResult.summary`."""
        how = self.format
        if self.separator:
            how += ", " + {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}.get(
                self.separator, repr(self.separator)) + "-separated"
        if self.encoding and self.encoding not in ("utf-8",):
            how += f", {self.encoding}"
        out = [f"{self.path} ({how}): {self.rows_read:,} read, {self.accepted:,} accepted, "
               f"{self.rejected:,} rejected"
               + (f", {self.duplicates_collapsed:,} duplicates collapsed" if self.duplicates_collapsed else "")
               + (f", {self.skipped:,} skipped" if self.skipped else "")]
        if self.rejected_by_reason:
            out.append("    rejected: " + _counts(self.rejected_by_reason))
        if self.skipped_by_reason:
            out.append("    skipped: " + _counts(self.skipped_by_reason))
        if self.column_mapping:
            out.append("    columns: " + ", ".join(
                f"{k}<-{v}" if k != v else k for k, v in self.column_mapping.items()))
        if self.time_formats:
            out.append("    times read as: " + _counts(self.time_formats))
        notes = []
        if self.derived_ids:
            notes.append("no id column: ids made from each post's outlet, time and text (c-...)")
        if self.naive_times:
            notes.append(f"{self.naive_times:,} time(s) without a zone assumed UTC")
        if self.duplicates_collapsed:
            notes.append(f"{self.duplicates_collapsed:,} identical duplicate(s) collapsed")
        notes += list(self.notes)
        for n in notes:
            out.append("    note: " + n)
        return out


def _counts(d: dict) -> str:
    return ", ".join(f"{k} {v:,}" for k, v in sorted(d.items(), key=lambda kv: (-kv[1], str(kv[0]))))


@dataclass
class IngestResult:
    """What :func:`amplify.ingest.read_posts` returns."""

    posts: pd.DataFrame      #: canonical posts (validated) plus ``origin`` = ``file:row`` and extra columns
    rejects: pd.DataFrame    #: file, row, column, reason, value (one line per rejected row)
    files: list              #: one :class:`FileReport` per input file
    content_id_rows: object = None   #: bool per post: its id was made from its content (no id column)

    @property
    def totals(self) -> dict:
        """Counts over all files, and rejects by reason category."""
        keys = ("rows_read", "accepted", "rejected", "duplicates_collapsed", "skipped", "naive_times")
        t = {k: sum(getattr(f, k) for f in self.files) for k in keys}
        by = Counter()
        for f in self.files:
            by.update(f.rejected_by_reason)
        t["rejected_by_reason"] = dict(by)
        sk = Counter()
        for f in self.files:
            sk.update(f.skipped_by_reason)
        t["skipped_by_reason"] = dict(sk)
        t["files"] = len(self.files)
        t["balanced"] = all(f.balanced for f in self.files)
        return t

    def summary(self) -> str:
        """A readable, multi-line account: per file and in total."""
        t = self.totals
        out = []
        for f in self.files:
            out += f.lines()
        head = (f"Total: {t['files']} file(s), {t['rows_read']:,} rows read, {t['accepted']:,} accepted, "
                f"{t['rejected']:,} rejected")
        if t["duplicates_collapsed"]:
            head += f", {t['duplicates_collapsed']:,} duplicates collapsed"
        if t["skipped"]:
            head += f", {t['skipped']:,} skipped"
        out.append(head)
        if t["rejected_by_reason"]:
            out.append("    rejected: " + _counts(t["rejected_by_reason"]))
        if t["skipped_by_reason"]:
            out.append("    skipped: " + _counts(t["skipped_by_reason"]))
        if t["naive_times"]:
            out.append(f"    note: {t['naive_times']:,} time(s) without a zone assumed UTC")
        if any(f.derived_ids for f in self.files):
            out.append("    note: some files had no id column; ids were made from each post's outlet, time and text")
        if t["rejected"]:
            out.append("    (every rejected row, with its file, row and reason, is in the rejects table)")
        return "\n".join(out)

    def to_dict(self) -> dict:
        """JSON-ready: totals and per-file reports (not the tables)."""
        return {"totals": self.totals, "files": [f.to_dict() for f in self.files]}

    def __repr__(self) -> str:
        t = self.totals
        return (f"IngestResult({t['accepted']:,} posts, {t['rejected']:,} rejected, "
                f"{t['duplicates_collapsed']:,} collapsed, {t['files']} file(s))")
