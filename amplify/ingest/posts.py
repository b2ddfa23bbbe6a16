"""From a :class:`~amplify.ingest.raw.RawTable` to canonical posts: one reason per rejected row.

:func:`to_posts` maps source columns to the canonical ``posts`` columns
(:mod:`amplify.ingest.columns`), reads times to UTC (:mod:`amplify.ingest.times`)
and sorts every row into accepted or rejected. A row is rejected for the first
of these it fails, in this order: ``malformed row`` (from reading), ``NUL
byte in <column>``, ``missing id``, ``missing outlet``, ``empty text``,
``missing time``, ``unparseable time``.

Text is kept exactly as given; ids, outlet, url and lang lose surrounding
whitespace. A file without an id column gets ``<file stem>:<row>`` ids.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from amplify.ingest.blank import has_edge_space, is_blank
from amplify.ingest.columns import POST_ALIASES, REQUIRED_POSTS, resolve_columns, source_label, source_values
from amplify.ingest.files import file_stem
from amplify.ingest.raw import RawTable
from amplify.ingest.report import IngestError
from amplify.ingest.times import TimeParse, parse_times_detail
from amplify.ingest.values import shorten, to_str

__all__ = ["Posts", "to_posts", "OPTIONAL_POSTS", "LONG_TEXT"]

#: Optional canonical columns taken when the source has them, in this order.
OPTIONAL_POSTS = ("url", "lang", "title", "reposted_id", "quoted_id", "replied_id")

#: Texts longer than this many characters are kept as they are, and counted in a note.
LONG_TEXT = 100_000


@dataclass
class Posts:
    """The result of :func:`to_posts` for one file."""

    accepted: pd.DataFrame      #: canonical columns + extras + ``_row`` + ``_naive``
    rejects: pd.DataFrame       #: row, column, reason, value
    column_mapping: dict
    derived_ids: bool
    time_formats: dict
    notes: list


def to_posts(raw: RawTable, mapping: dict | None = None, time_format: str | None = None, *,
             id_prefix: str | None = None, keep_extra: bool = True, map_flag: str = "--map") -> Posts:
    """Map a :class:`RawTable` to canonical posts; one reason per rejected row.

    Reasons, in the order they are checked: ``malformed row`` (from reading),
    ``NUL byte in <column>``, ``missing id``, ``missing outlet``, ``empty text``,
    ``missing time``, ``unparseable time``. Text is kept exactly as given;
    ids, outlet, url and lang lose surrounding whitespace.
    """
    colmap = _column_map(raw, mapping, map_flag)
    derived = "post_id" not in colmap
    vals = {canon: source_values(raw.frame, src, as_string=canon != "published_at") for canon, src in colmap.items()}
    label = {canon: source_label(src) for canon, src in colmap.items()}
    verdicts, tp = _judge(vals, label, len(raw.frame), time_format, maybe_nul=raw.maybe_nul, derived_ids=derived)
    ok = verdicts.reason == ""
    okidx = np.flatnonzero(ok)
    out = _accepted(raw, colmap, vals, tp, okidx, id_prefix=id_prefix, keep_extra=keep_extra)
    notes = list(tp.notes)
    long = vals["text"].iloc[okidx].str.len()
    if len(long) and (long > LONG_TEXT).any():
        notes.append(f"{int((long > LONG_TEXT).sum())} text(s) longer than {LONG_TEXT:,} characters kept as is "
                     f"(longest {int(long.max()):,})")
    return Posts(accepted=out, rejects=verdicts.rejects(raw, ~ok), column_mapping=dict(label), derived_ids=derived,
                 time_formats=dict(tp.formats), notes=notes)


def _column_map(raw: RawTable, mapping: dict | None, map_flag: str) -> dict:
    """``{canonical: source}`` for this file: platform exports are canonical already."""
    columns = list(raw.frame.columns)
    if not raw.canonical:
        return resolve_columns(columns, mapping, POST_ALIASES, path=raw.path,
                               required=REQUIRED_POSTS, map_flag=map_flag)
    colmap = {c: c for c in POST_ALIASES if c in columns}
    if "published_at" not in colmap or "text" not in colmap or "outlet" not in colmap:
        raise IngestError(f"{raw.path}: the export gave no text/time/outlet")  # pragma: no cover
    return colmap


class _Verdicts:
    """One reason per row: the first check a row fails names it, with the column and value."""

    def __init__(self, n: int):
        self.reason = np.full(n, "", dtype=object)
        self.column = np.full(n, "", dtype=object)
        self.value = np.full(n, None, dtype=object)

    def flag(self, mask, why: str, col: str, values: pd.Series) -> None:
        """Reject the rows of ``mask`` that no earlier check rejected."""
        idx = np.flatnonzero(np.asarray(mask, dtype=bool) & (self.reason == ""))
        if len(idx):
            self.reason[idx] = why
            self.column[idx] = col
            self.value[idx] = list(values.iloc[idx])

    def rejects(self, raw: RawTable, rejected: np.ndarray) -> pd.DataFrame:
        """The rejected rows and the reader's malformed rows: row, column, reason, value, by row."""
        rej_idx = np.flatnonzero(rejected)
        rej = pd.DataFrame({
            "row": list(raw.rows[rej_idx]) + [r["row"] for r in raw.rejects],
            "column": list(self.column[rej_idx]) + [r["column"] for r in raw.rejects],
            "reason": list(self.reason[rej_idx]) + [r["reason"] for r in raw.rejects],
            "value": [shorten(v) for v in self.value[rej_idx]] + [r["value"] for r in raw.rejects],
        })
        rej["row"] = rej["row"].astype("int64")
        return rej.sort_values("row", kind="stable").reset_index(drop=True)


def _judge(vals: dict, label: dict, n: int, time_format: str | None, *, maybe_nul: bool,
           derived_ids: bool) -> tuple[_Verdicts, TimeParse]:
    """Every check, in the order of the reasons; and the times read."""
    verdicts = _Verdicts(n)
    # NUL bytes: never stored, never silently removed
    if maybe_nul:
        for canon, s in vals.items():
            if canon == "published_at" and not isinstance(s.dtype, pd.StringDtype) and s.dtype != object:
                continue
            ss = s if isinstance(s.dtype, pd.StringDtype) else to_str(s)
            has_nul = ss.str.contains("\x00", regex=False).fillna(False).to_numpy(dtype=bool)
            if has_nul.any():
                verdicts.flag(has_nul, f"NUL byte in {canon}", label[canon], ss)
    if not derived_ids:
        verdicts.flag(is_blank(vals["post_id"]), "missing id", label["post_id"], vals["post_id"])
    verdicts.flag(is_blank(vals["outlet"]), "missing outlet", label["outlet"], vals["outlet"])
    text = vals["text"]
    verdicts.flag(is_blank(text), "empty text", label["text"], text)
    tp = parse_times_detail(vals["published_at"], time_format)
    tval = vals["published_at"]
    verdicts.flag(tp.missing, "missing time", label["published_at"], tval)
    verdicts.flag(tp.bad & ~tp.missing, "unparseable time", label["published_at"], tval)
    return verdicts, tp


def _strip(s: pd.Series) -> pd.Series:
    return s.str.strip() if has_edge_space(s).any() else s


def _accepted(raw: RawTable, colmap: dict, vals: dict, tp: TimeParse, okidx: np.ndarray, *,
              id_prefix: str | None, keep_extra: bool) -> pd.DataFrame:
    """The accepted rows: canonical columns, then the source's others, then ``_row`` and ``_naive``."""
    all_ok = len(okidx) == len(raw.frame)

    def take(s: pd.Series) -> pd.Series:
        return s.reset_index(drop=True) if all_ok else s.iloc[okidx].reset_index(drop=True)

    out = pd.DataFrame(index=range(len(okidx)))
    rows_ok = raw.rows[okidx]
    if "post_id" not in colmap:
        prefix = id_prefix or file_stem(raw.path)
        out["post_id"] = prefix + ":" + pd.Series(rows_ok, dtype="int64").astype("string")
    else:
        out["post_id"] = _strip(take(vals["post_id"]))
    out["outlet"] = _strip(take(vals["outlet"]))
    out["published_at"] = take(tp.utc)
    out["text"] = take(vals["text"])
    for canon in OPTIONAL_POSTS:
        if canon not in vals:
            continue
        s = take(vals[canon])
        if canon == "title":
            s = s.where(~is_blank(s))  # an empty title is no title; a real one is kept as is
        else:
            s = _strip(s)
            s = s.where(s != "")
        out[canon] = s
    if keep_extra:
        for name, s in _extra_columns(raw.frame, colmap, okidx):
            out[name] = s
    out["_row"] = rows_ok
    out["_naive"] = tp.naive[okidx]
    return out


def _extra_columns(frame: pd.DataFrame, colmap: dict, okidx: np.ndarray):
    """``(name, accepted values)`` of every source column not mapped; names that would
    clash with canonical or internal ones get ``extra_``."""
    mapped = {c for src in colmap.values() for c in ([src] if isinstance(src, str) else src)}
    canon_names = set(POST_ALIASES) | {"origin"}
    for c in frame.columns:
        if c in mapped:
            continue
        name = c if c not in canon_names and not c.startswith("_") else f"extra_{c}"
        s = frame[c].iloc[okidx].reset_index(drop=True)
        if s.dtype == object:
            s = to_str(s)
        yield name, s
