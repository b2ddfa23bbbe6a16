"""Source values as text: exactly as given, and shortened for the rejects table.

Ingest keeps every value as the export wrote it -- no stripping, no rounding
of big integer ids through floats -- so readers turn columns into pandas
``string`` with :func:`to_str`, and JSON scalars with :func:`scalar_str`.
A value shown in the rejects table goes through :func:`shorten`.

>>> scalar_str(12345678901234567890), scalar_str(2.0), scalar_str(True)
('12345678901234567890', '2', 'true')
>>> shorten("a\\x00b" + "x" * 300)[:9], len(shorten("x" * 300))
('a\\\\x00bxxx', 200)
"""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd

__all__ = ["VALUE_MAX", "shorten", "is_missing", "scalar_str", "to_str"]

#: Longest value (in characters) the rejects table shows; longer ones are cut with ``…``.
VALUE_MAX = 200

#: Floats that are whole numbers below this print as integers (``2.0`` -> ``"2"``);
#: above it a float no longer holds every integer exactly.
WHOLE_FLOAT_LIMIT = 1e18


def shorten(value, limit: int = VALUE_MAX) -> str:
    """A value for the rejects table: text, NUL shown as ``\\x00``, cut to ``limit``."""
    if value is None or (not isinstance(value, (str, bytes, list, dict)) and is_missing(value)):
        return ""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        try:
            value = json.dumps(value, ensure_ascii=False) if isinstance(value, (list, dict)) else str(value)
        except (TypeError, ValueError):
            value = str(value)
    value = value.replace("\x00", "\\x00")
    if _SURROGATE.search(value):
        value = _SURROGATE.sub(_escape_surrogate, value)
    return value if len(value) <= limit else value[: limit - 1] + "…"


_SURROGATE = re.compile("[\ud800-\udfff]")


def _escape_surrogate(m) -> str:
    """A surrogate shown as an escape: ``\\xff`` for an undecodable byte (U+DC80-U+DCFF), else ``\\ud800``."""
    cp = ord(m.group())
    return f"\\x{cp - 0xDC00:02x}" if 0xDC00 <= cp <= 0xDCFF else f"\\u{cp:04x}"


def is_missing(v) -> bool:
    """``pd.isna`` for one value, False for values it cannot judge (lists, dicts)."""
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def scalar_str(v):
    """One JSON-ish value as a string (None stays None); big integers stay exact."""
    if v is None:
        return None
    if isinstance(v, str):
        return v
    if isinstance(v, (bool, np.bool_)):
        return "true" if v else "false"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        if np.isnan(v):
            return None
        return str(int(v)) if float(v).is_integer() and abs(v) < WHOLE_FLOAT_LIMIT else repr(float(v))
    if isinstance(v, (dict, list, tuple)):
        return json.dumps(v, ensure_ascii=False, default=str)
    if isinstance(v, pd.Timestamp):
        return v.isoformat()
    if is_missing(v):
        return None
    return str(v)


def to_str(s: pd.Series) -> pd.Series:
    """Any column as pandas ``string`` (missing -> NA), exactly: no stripping, ids not rounded."""
    dt = s.dtype
    if isinstance(dt, pd.StringDtype):
        return s if dt == "string" and dt.na_value is pd.NA else s.astype("string")
    if pd.api.types.is_integer_dtype(dt) or pd.api.types.is_bool_dtype(dt):
        return s.astype("string")
    if dt == object:
        kind = pd.api.types.infer_dtype(s, skipna=True)
        if kind in ("string", "empty"):
            return s.astype("string")
        if kind == "integer":  # JSON ids: exact, through Int64 when they fit
            try:
                return pd.Series(pd.array(s.to_numpy(), dtype="Int64"), index=s.index).astype("string")
            except (TypeError, ValueError, OverflowError):
                pass
    return pd.Series(pd.array([scalar_str(v) for v in s], dtype="string"), index=s.index)
