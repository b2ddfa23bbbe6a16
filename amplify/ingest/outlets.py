"""The outlets table: who is who, and which camp (``group``) each outlet is in.

:func:`read_outlets` reads one from any tabular file, recognising columns by
name (:data:`~amplify.ingest.columns.OUTLET_ALIASES`). Posts may name outlets
the table lacks: :func:`complete_outlets` gives them group ``unknown``, and
:func:`suggest_outlets` finds near matches, to tell the user about
``RT.com`` versus ``rt.com``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from amplify import schema
from amplify.io import FORMULA_CHARS
from amplify.ingest.columns import OUTLET_ALIASES, resolve_columns, source_label, source_values
from amplify.ingest.report import IngestError
from amplify.ingest.tabular import read_table
from amplify.ingest.typed import cell_problem

__all__ = ["read_outlets", "complete_outlets", "suggest_outlets"]

#: How many outlets listed twice an error message names.
SHOWN_CONFLICTS = 10


def read_outlets(path, mapping: dict | None = None, *, fmt: str | None = None, encoding: str | None = None,
                 map_flag: str = "mapping") -> pd.DataFrame:
    """Read an outlets table (CSV/TSV/JSON Lines/JSON/Parquet) into validated ``outlets``.

    Columns are recognised by name (see :data:`OUTLET_ALIASES`: ``handle``/``account``
    -> ``outlet``, ``camp`` -> ``group``, ``type`` -> ``kind``, ...); ``mapping``
    wins. Values lose surrounding whitespace; empty groups become ``unknown``.
    Rows repeated identically are collapsed; one outlet with two different rows
    is an error. Rows without an outlet and malformed rows are left out and
    listed in ``df.attrs["ingest_notes"]``; ``df.attrs["column_mapping"]`` says
    which column fed which.
    """
    raw = read_table(path, fmt, encoding)
    if raw.canonical:
        raise IngestError(f"{path}: a {raw.format} export is a posts file, not an outlets table", path=str(path))
    colmap = resolve_columns(list(raw.frame.columns), mapping, OUTLET_ALIASES, path=str(path),
                             required=("outlet", "group"), map_flag=map_flag)
    notes = list(raw.notes) + [f"line {r['row']}: {r['reason']}" for r in raw.rejects]
    frame, rows = _readable_rows(raw, notes)
    out = pd.DataFrame(index=frame.index)
    unquoted = 0
    for canon, src in colmap.items():
        s = source_values(frame, src).str.strip()
        # a spreadsheet-safe CSV (amplify's own `outlets --write-template`) puts a ' before a value that
        # begins with = + - @ ("'@rt_com"); edited as text and read back, the ' would make another outlet
        # (JSON and Parquet are never neutralised: their values are as written)
        # (the characters amplify.io.neutralise_formulas puts a ' before)
        quoted = ((s.str.slice(0, 1) == "'") & s.str.slice(1, 2).isin(FORMULA_CHARS)).fillna(False).astype(bool) \
            if raw.format in ("csv", "tsv") else None
        if quoted is not None and quoted.any():
            unquoted += int(quoted.sum())
            s = s.where(~quoted, s.str.slice(1))
        out[canon] = s.where(s != "")
    if unquoted:
        notes.append(f"{unquoted} value(s) lost the leading ' that spreadsheet-safe CSV puts before = + - @ "
                     f"(\"'@rt_com\" is read as \"@rt_com\")")
    mapped = {c for src in colmap.values() for c in ([src] if isinstance(src, str) else src)}
    for c in frame.columns:
        if c not in mapped and c not in out.columns:
            out[c] = frame[c]
    blank = out[list(colmap)].isna().all(axis=1).to_numpy()
    no_outlet = out["outlet"].isna().to_numpy() & ~blank
    for r in rows[no_outlet]:
        notes.append(f"line {int(r)}: no outlet, row left out")
    keep = ~blank & ~no_outlet
    out, rows = out[keep].reset_index(drop=True), rows[keep].reset_index(drop=True)
    canon_cols = list(colmap)
    ident = out.duplicated(subset=canon_cols, keep="first").to_numpy()
    if ident.any():
        notes.append(f"{int(ident.sum())} repeated row(s) collapsed")
        out, rows = out[~ident].reset_index(drop=True), rows[~ident].reset_index(drop=True)
    dup = out["outlet"].duplicated(keep=False).to_numpy()
    if dup.any():
        bad = out.loc[dup, "outlet"]
        listing = "; ".join(f"{o!r} on lines {', '.join(str(int(r)) for r in rows[dup][bad == o])}"
                            for o in list(dict.fromkeys(bad))[:SHOWN_CONFLICTS])
        raise IngestError(f"{path}: outlet(s) listed twice with different values: {listing}. "
                          "Keep one row per outlet.", path=str(path))
    out = schema.validate_outlets(out)
    out.attrs["ingest_notes"] = notes
    out.attrs["column_mapping"] = {k: source_label(v) for k, v in colmap.items()}
    return out


def _readable_rows(raw, notes: list) -> tuple[pd.DataFrame, pd.Series]:
    """The rows whose every value is valid text within the size limit; the others left out, noted."""
    frame = raw.frame.reset_index(drop=True)
    rows = pd.Series(raw.rows)
    keep = np.ones(len(frame), dtype=bool)
    if raw.maybe_surrogates or raw.cuts:
        for name in frame.columns:
            if frame[name].dtype != object and not raw.cuts:
                continue
            for i, v in enumerate(frame[name].tolist()):
                why = cell_problem(v, raw.bad_bytes_in, raw.cuts, name) if keep[i] else None
                if why:
                    keep[i] = False
                    notes.append(f"line {int(rows[i])}: {why}, row left out")
    return frame[keep].reset_index(drop=True), rows[keep].reset_index(drop=True)


def complete_outlets(posts: pd.DataFrame, outlets: pd.DataFrame | None = None):
    """The outlets table with a row (group ``unknown``) for every outlet of ``posts`` it lacks.

    Returns ``(outlets, missing)``: the completed, validated table and the
    sorted list of outlets that were missing (tell the user how many).
    """
    if outlets is None:
        outlets = schema.empty_outlets()
    seen = pd.Index(posts["outlet"].dropna().unique())
    missing = sorted(set(seen) - set(outlets["outlet"].dropna()))
    if missing:
        add = pd.DataFrame({"outlet": missing, "group": schema.UNKNOWN_GROUP})
        outlets = pd.concat([outlets, add], ignore_index=True)
    return schema.validate_outlets(outlets), missing


def suggest_outlets(missing, outlets: pd.DataFrame) -> dict:
    """For outlets missing from the table, near matches in it (case, spaces, ``@``, ``www.``).

    >>> import pandas as pd
    >>> suggest_outlets(["RT.com", "@tass"], pd.DataFrame({"outlet": ["rt.com", "TASS"]}))
    {'RT.com': 'rt.com', '@tass': 'TASS'}
    """
    def key(s):
        s = str(s).strip().lower().lstrip("@")
        for pre in ("https://", "http://", "www."):
            if s.startswith(pre):
                s = s[len(pre):]
        return s.rstrip("/")

    known = {}
    for o in outlets["outlet"].dropna():
        known.setdefault(key(o), o)
    return {m: known[key(m)] for m in missing if key(m) in known}
