"""From a :class:`~amplify.ingest.raw.RawTable` to canonical posts: one reason per rejected row.

:func:`to_posts` maps source columns to the canonical ``posts`` columns
(:mod:`amplify.ingest.columns`), reads times to UTC (:mod:`amplify.ingest.times`)
and sorts every row into accepted or rejected. A row is rejected for the first
of these it fails, in this order: ``malformed row`` (from reading), ``<column>
longer than the field size limit``, ``invalid text in <column>`` (a byte not
valid in the file's encoding, or a lone surrogate), ``unexpected value in
<column>`` (the column's typed rule, :mod:`amplify.ingest.typed`), ``NUL byte
in <column>``, ``missing id``, ``missing outlet``, ``empty text``, ``missing
time``, ``unparseable time``. The first three look at every column, the
source's other columns too (they are stored with the post).

Text is kept exactly as given; ids, outlet, url and lang lose surrounding
whitespace. A file without an id column gets ids made from each post's
content (:mod:`amplify.ingest.content_ids`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from amplify.ingest.blank import has_edge_space, is_blank
from amplify.ingest.columns import POST_ALIASES, REQUIRED_POSTS, resolve_columns, source_label, source_values
from amplify.ingest.content_ids import content_ids
from amplify.ingest.oversize import MARKER, human_size
from amplify.ingest.raw import RawTable
from amplify.ingest.report import IngestError
from amplify.ingest.times import TimeParse, parse_times_detail
from amplify.ingest.typed import cell_problem, rule_of, time_column, typed_column
from amplify.ingest.urls import urls_column
from amplify.ingest.values import shorten, to_str
from amplify.utc import to_ns

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
             id_prefix: str | None = None, keep_extra: bool = True, map_flag: str = "--map",
             earlier_ids=None) -> Posts:
    """Map a :class:`RawTable` to canonical posts; one reason per rejected row.

    Reasons, in the order they are checked: ``malformed row`` (from reading),
    ``<column> longer than the field size limit``, ``invalid text in
    <column>``, ``unexpected value in <column>``, ``NUL byte in <column>``,
    ``missing id``, ``missing outlet``, ``empty text``, ``missing time``,
    ``unparseable time``. Text is kept exactly as given; ids, outlet, url and
    lang lose surrounding whitespace. ``id_prefix`` is no longer used (ids of
    files without an id column are made from content); it is accepted so that
    older callers still run. ``earlier_ids`` is for a file read in blocks
    (see :func:`~amplify.ingest.content_ids.content_ids`).
    """
    colmap = _column_map(raw, mapping, map_flag)
    derived = "post_id" not in colmap
    verdicts = _Verdicts(len(raw.frame))
    frame = _typed_frame(raw, colmap, verdicts)
    vals = {canon: source_values(frame, src, as_string=canon != "published_at") for canon, src in colmap.items()}
    label = {canon: source_label(src) for canon, src in colmap.items()}
    tp = _judge(verdicts, vals, label, time_format, maybe_nul=raw.maybe_nul, derived_ids=derived)
    ok = verdicts.reason == ""
    okidx = np.flatnonzero(ok)
    out = _accepted(raw, frame, colmap, vals, tp, okidx, keep_extra=keep_extra, earlier_ids=earlier_ids)
    notes = list(tp.notes) + _other_text_notes(raw.frame, colmap.get("text"), verdicts.reason == "empty text",
                                               map_flag)
    long = vals["text"].iloc[okidx].str.len()
    if len(long) and (long > LONG_TEXT).any():
        notes.append(f"{int((long > LONG_TEXT).sum())} text(s) longer than {LONG_TEXT:,} characters kept as is "
                     f"(longest {int(long.max()):,})")
    return Posts(accepted=out, rejects=verdicts.rejects(raw, ~ok), column_mapping=dict(label), derived_ids=derived,
                 time_formats=dict(tp.formats), notes=notes)


def _column_map(raw: RawTable, mapping: dict | None, map_flag: str) -> dict:
    """``{canonical: source}`` for this file: platform exports are canonical already."""
    columns = list(raw.frame.columns)
    if not columns and raw.rejects:
        first = min(raw.rejects, key=lambda r: r["row"])
        raise IngestError(
            f"{raw.path}: no row could be read: all {len(raw.rejects):,} row(s) are malformed; the first, "
            f"row {first['row']}: {first['reason']}", path=raw.path)
    if not raw.canonical:
        return resolve_columns(columns, mapping, POST_ALIASES, path=raw.path,
                               required=REQUIRED_POSTS, map_flag=map_flag)
    colmap = {c: c for c in POST_ALIASES if c in columns}
    if "published_at" not in colmap or "text" not in colmap or "outlet" not in colmap:
        raise IngestError(f"{raw.path}: the export gave no text/time/outlet")  # pragma: no cover
    return colmap


def _canonical_of(colmap: dict) -> dict:
    """``{source column: canonical column}`` (a source feeding several canonical columns: the first)."""
    out: dict = {}
    for canon, src in colmap.items():
        for c in ([src] if isinstance(src, str) else src):
            out.setdefault(c, canon)
    return out


def _typed_frame(raw: RawTable, colmap: dict, verdicts: "_Verdicts") -> pd.DataFrame:
    """Every source column through its typed rule (:mod:`amplify.ingest.typed`), as strings.

    Rows holding a value cut for its size, invalid text, or a value the rule
    cannot take are rejected here, naming the column; the time column is left
    as it is, for the time reader.
    """
    canon_of = _canonical_of(colmap)
    frame = raw.frame
    cols = {}
    cut = bool(raw.cuts)
    checks = []   # (column, problem mask, reasons) in the order of the checks
    for name in frame.columns:
        s = frame[name].reset_index(drop=True)
        canon = canon_of.get(name)
        what = canon or name
        if cut or raw.maybe_surrogates:
            if s.dtype == object:
                probs = [cell_problem(v, raw.bad_bytes_in, raw.cuts, what) for v in s.tolist()]
                bad = np.array([p is not None for p in probs], dtype=bool)
            elif isinstance(s.dtype, pd.StringDtype):
                bad = s.str.contains(MARKER, regex=False).to_numpy(dtype=bool, na_value=False)
                probs = [raw.cuts.reason(v, what) if b else None
                         for v, b in zip(s.tolist(), bad)] if bad.any() else []
            else:
                bad = np.zeros(len(s), dtype=bool)
                probs = []
            if bad.any():
                checks.append((name, bad, probs))
                s = s.where(~bad, None) if s.dtype == object else s.where(~bad)
        rule = rule_of(canon)
        if rule == "time":
            cols[name] = time_column(s)
            continue
        strings, wrong, why = typed_column(s, rule)
        if wrong.any():
            checks.append((name, wrong, [f"unexpected value in {what}: {w}" if w else None for w in why]))
        too_long = _byte_lengths(strings) > raw.max_field
        if too_long.any():
            sizes = _byte_lengths(strings)
            checks.append((name, too_long, [f"{what} longer than the field size limit: {int(n):,} bytes > "
                                            f"{human_size(raw.max_field)} (raise it with --max-field-size)"
                                            if b else None for n, b in zip(sizes, too_long)]))
            strings = strings.where(~too_long)
        cols[name] = strings
    typed = pd.DataFrame(cols, index=pd.RangeIndex(len(frame)))
    typed.columns = list(frame.columns)
    # one reason per row: size first, then invalid text, then type (the order of the checks above,
    # by column); the value shown is the source's, shortened
    for kind in ("longer than", "invalid text", "unexpected value"):
        for name, mask, reasons in checks:
            sel = mask & np.array([bool(r) and kind in r for r in reasons], dtype=bool)
            if sel.any():
                verdicts.flag_each(sel, reasons, name, frame[name].reset_index(drop=True))
    return typed


#: Columns that may hold a post's text when the mapped one is empty: the text aliases and the
#: usual names of a lead or summary (matched without case, spaces, "_" or "-").
_TEXT_LIKE = frozenset(POST_ALIASES["text"]) | {"desc", "description", "summary", "lead", "abstract", "caption",
                                                "snippet", "excerpt", "subtitle", "fulltext", "articletext"}


def _other_text_notes(frame: pd.DataFrame, text_src, empty: np.ndarray, map_flag: str) -> list[str]:
    """A note per other column that holds text in most rows rejected for an empty text.

    RUWA's ``title`` is empty where ``desc`` is not: a user who mapped
    ``text=title`` sees 1,152 rows rejected and is told how to keep them
    (``--map 'text=title|desc'`` reads the second where the first is empty).
    """
    if not empty.any() or not isinstance(text_src, str):
        return []
    out = []
    rows = np.flatnonzero(empty)
    for col in frame.columns:
        if col == text_src or re.sub(r"[\s_\-]", "", str(col)).lower() not in _TEXT_LIKE:
            continue
        values = frame[col].iloc[rows]
        filled = int((~is_blank(to_str(values))).sum())
        if filled * 2 > len(rows):  # most of them: a column of text, not a stray value
            how = (f"{map_flag} 'text={text_src}|{col}'" if map_flag.startswith("-")
                   else f"{map_flag}={{'text': {(text_src, col)!r}}}")  # the Python API's spelling
            out.append(f"{filled:,} of the {len(rows):,} row(s) with an empty {text_src!r} have {col!r} filled: "
                       f"{how} reads {col!r} where {text_src!r} is empty")
    return out


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

    def flag_each(self, mask, reasons: list, col: str, values: pd.Series) -> None:
        """Like :meth:`flag`, with a reason per row."""
        idx = np.flatnonzero(np.asarray(mask, dtype=bool) & (self.reason == ""))
        for i in idx:
            self.reason[i] = reasons[i]
            self.column[i] = col
            self.value[i] = values.iloc[i]

    def rejects(self, raw: RawTable, rejected: np.ndarray) -> pd.DataFrame:
        """The rejected rows and the reader's malformed rows: row, column, reason, value, by row."""
        rej_idx = np.flatnonzero(rejected)
        reader = [_explain_cut(r, raw) for r in raw.rejects]
        rej = pd.DataFrame({
            "row": list(raw.rows[rej_idx]) + [r["row"] for r in reader],
            "column": list(self.column[rej_idx]) + [r["column"] for r in reader],
            "reason": list(self.reason[rej_idx]) + [r["reason"] for r in reader],
            "value": [_shown(v) for v in self.value[rej_idx]] + [_shown(r["value"]) for r in reader],
        })
        rej["row"] = rej["row"].astype("int64")
        return rej.sort_values("row", kind="stable").reset_index(drop=True)


def _byte_lengths(s: pd.Series) -> np.ndarray:
    """UTF-8 length in bytes of each string (0 for missing), from Arrow, without Python strings."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.array(s.array, type=pa.large_string()) if len(s) else pa.array([], pa.large_string())
    return pc.binary_length(arr).fill_null(0).to_numpy(zero_copy_only=False)


def _shown(value) -> str:
    """A rejected value for the rejects table: a cut marker shown as what it stands for."""
    text = shorten(value)
    return _MARKER_SHOWN.sub("[value cut: over the field size limit]", text)


_MARKER_SHOWN = re.compile(r"\\x00amplify-oversize-\d+\\x00")


def _explain_cut(rej: dict, raw: RawTable) -> dict:
    """A reader's malformed row that is only malformed because a line was cut: say so."""
    value = rej.get("value") or ""
    if raw.cuts and "amplify-oversize-" in value:
        why = raw.cuts.reason(value, "line")
        if why:
            return dict(rej, reason=why)
    return rej


def _judge(verdicts: "_Verdicts", vals: dict, label: dict, time_format: str | None, *, maybe_nul: bool,
           derived_ids: bool) -> TimeParse:
    """Every remaining check, in the order of the reasons; and the times read."""
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
    return tp


def _strip(s: pd.Series) -> pd.Series:
    return s.str.strip() if has_edge_space(s).any() else s


def _accepted(raw: RawTable, frame: pd.DataFrame, colmap: dict, vals: dict, tp: TimeParse, okidx: np.ndarray, *,
              keep_extra: bool, earlier_ids=None) -> pd.DataFrame:
    """The accepted rows: canonical columns, then the source's others, then ``_row`` and ``_naive``."""
    all_ok = len(okidx) == len(raw.frame)

    def take(s: pd.Series) -> pd.Series:
        return s.reset_index(drop=True) if all_ok else s.iloc[okidx].reset_index(drop=True)

    out = pd.DataFrame(index=range(len(okidx)))
    rows_ok = raw.rows[okidx]
    outlet = _strip(take(vals["outlet"]))
    published = take(tp.utc)
    text = take(vals["text"])
    if "post_id" not in colmap:
        out["post_id"] = content_ids(outlet, to_ns(published), text, earlier=earlier_ids).to_numpy()
    else:
        out["post_id"] = _strip(take(vals["post_id"]))
    out["outlet"] = outlet
    out["published_at"] = published
    out["text"] = text
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
        for name, s in _extra_columns(frame, colmap, okidx):
            out[name] = s
    # the addresses of each post, normalised (its text's, and a platform's or the source's `urls`),
    # None where there is none; the text itself is left as it is
    given = frame.iloc[okidx]["urls"] if "urls" in frame.columns and "urls" not in _canonical_of(colmap) else None
    urls = urls_column(text, None if given is None else given.reset_index(drop=True))
    if any(u is not None for u in urls):  # no column at all when no post links anywhere
        out["urls"] = urls
    elif "urls" in out.columns:
        out = out.drop(columns=["urls"])
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
