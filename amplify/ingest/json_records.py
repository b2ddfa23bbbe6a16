"""JSON Lines files and JSON arrays of records.

Each object is a row; nested objects are flattened one level (``user.name``).
Rows are numbered as a person finds them: the line in JSON Lines, the
1-based position in a JSON array. An array may also sit under one of the keys
``data``, ``records``, ``items``, ``posts``, ``results`` or ``rows`` of an
object. A line that is not JSON, or an element that is not an object, is
rejected with its row; the rest are kept.

JSON Lines are read strictly line by line: each line is one JSON value on
its own, so a broken line can never join its neighbours into one record. A
line nested more than :data:`~amplify.ingest.oversize.MAX_JSON_DEPTH`
levels deep is rejected without being parsed. Values are kept as JSON gave
them (no column is cast to floats, so big integer ids stay exact).

>>> frame = records_frame([{"id": 1, "user": {"name": "a"}}, {"id": 2, "user": None}])
>>> list(frame.columns), frame["user.name"].tolist()
(['id', 'user.name'], ['a', None])
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from amplify.ingest.columns import POST_ALIASES
from amplify.ingest.oversize import MAX_JSON_DEPTH
from amplify.ingest.raw import RawTable, as_loaded, json_decoded, json_document, loads
from amplify.ingest.report import IngestError
from amplify.ingest.values import is_missing, shorten

__all__ = ["RECORD_LIST_KEYS", "json_lines", "records_frame", "read_jsonl", "read_json", "json_error"]

#: Keys of a JSON object under which :func:`read_json` looks for the list of records, in order.
RECORD_LIST_KEYS = ("data", "records", "items", "posts", "results", "rows")

#: How many values of a column are looked at to tell whether it holds nested objects.
NESTED_SAMPLE = 1000


def json_lines(data) -> tuple[list, list[int], list[dict], int]:
    """Parse JSON Lines: (objects, line numbers, rejects, blank lines).

    ``data`` is the :class:`~amplify.ingest.loading.Loaded` input (or bytes).
    Every line is parsed on its own.
    """
    src = as_loaded(data, "<jsonl>", "jsonl")
    text, _ = json_document(src)
    deep = set(src.filter.deep_lines) if src.filter is not None else set()
    objs, rows, rejects = [], [], []
    blank = 0
    line_no = 0
    pos = 0
    n = len(text)
    while pos < n:
        end = text.find("\n", pos)
        end = n if end < 0 else end
        line = text[pos:end]
        pos = end + 1
        line_no += 1
        if not line or line.isspace():
            blank += 1
            continue
        if line_no in deep:
            rejects.append({"row": line_no, "column": None,
                            "reason": f"malformed row: JSON nested more than {MAX_JSON_DEPTH} levels deep",
                            "value": shorten(line)})
            continue
        try:
            o = loads(line)
        except ValueError as exc:
            rejects.append({"row": line_no, "column": None, "reason": f"malformed row: invalid JSON ({exc})",
                            "value": shorten(line)})
            continue
        if isinstance(o, dict):
            objs.append(o)
            rows.append(line_no)
        else:
            what = "a JSON array" if isinstance(o, list) else f"a JSON {type(o).__name__}"
            rejects.append({"row": line_no, "column": None,
                            "reason": f"malformed row: not a JSON object ({what})", "value": shorten(line)})
    return objs, rows, rejects, blank


#: Columns never flattened: an object there is one value (an id object, a text entity), for the typed rules.
KEEP_WHOLE = frozenset(_norm for canon in ("post_id", "text", "title", "reposted_id", "quoted_id", "replied_id",
                                           "published_at")
                       for _norm in POST_ALIASES[canon])


def records_frame(objs: list[dict]) -> pd.DataFrame:
    """JSON objects -> DataFrame of Python objects; nested objects flattened one level (``user.name``).

    Columns are built as object arrays, values as JSON gave them: pandas'
    own inference would turn a column of integers with a gap into floats and
    round ids above 2**53. Columns named like an id, a text or a time
    (:data:`KEEP_WHOLE`) are not flattened: an object there is one value
    (``{"$numberLong": ...}``, a text entity) for :mod:`amplify.ingest.typed`.
    """
    if not objs:
        return pd.DataFrame()
    keys = list(dict.fromkeys(k for o in objs for k in o))
    frame = pd.DataFrame({str(k): _column([o.get(k) for o in objs]) for k in keys})
    for col in list(frame.columns):
        s = frame[col]
        sample = s.iloc[: NESTED_SAMPLE]
        if str(col).strip().lower() in KEEP_WHOLE:
            continue
        if any(isinstance(v, dict) for v in sample):
            if not all(isinstance(v, dict) or v is None or is_missing(v) for v in s):
                continue
            dicts = [v if isinstance(v, dict) else {} for v in s]
            sub_keys = list(dict.fromkeys(k for d in dicts for k in d))
            sub = pd.DataFrame({f"{col}.{k}": _column([d.get(k) for d in dicts]) for k in sub_keys},
                               index=frame.index)
            sub = sub[[c for c in sub.columns if c not in frame.columns]]
            pos = frame.columns.get_loc(col)
            frame = pd.concat([frame.iloc[:, :pos], sub, frame.iloc[:, pos + 1:]], axis=1)
    return frame


def _column(values: list) -> pd.Series:
    arr = np.empty(len(values), dtype=object)
    arr[:] = values
    return pd.Series(arr, dtype=object)


def read_jsonl(data, path: str) -> RawTable:
    """Read a JSON Lines file: one object per line."""
    src = as_loaded(data, path, "jsonl")
    objs, rows, rejects, blank = json_lines(src)
    frame = records_frame(objs)
    decoded = json_decoded(src)
    notes = list(decoded.notes) + ([f"{blank} blank line(s) ignored"] if blank else [])
    return RawTable(path=path, format="jsonl", frame=frame, rows=np.asarray(rows, dtype=np.int64),
                    rejects=rejects, rows_read=len(objs) + len(rejects), notes=notes, encoding=decoded.encoding,
                    maybe_surrogates=decoded.bad_bytes or src.may_hold_surrogate_escapes(),
                    bad_bytes_in=decoded.encoding if decoded.bad_bytes else None)


def json_error(path: str, exc: ValueError, src=None) -> IngestError:
    """The error for a file that is not one valid JSON document, saying where and what to check
    (``src``, the :class:`~amplify.ingest.loading.Loaded` input, tells whether the text ends open)."""
    where, hint = "", ""
    ends_open = src is not None and src.filter is not None and getattr(src.filter, "ends_open", False)
    if isinstance(exc, json.JSONDecodeError):
        where = f" at line {exc.lineno}, column {exc.colno}"
        hint = "; JSON Lines files (one object per line) should end in .jsonl"
    if ends_open or (isinstance(exc, json.JSONDecodeError) and exc.pos >= len(exc.doc.rstrip())):
        hint = "; the file ends with brackets or a string still open: is it complete (an interrupted download?)"
    msg = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
    return IngestError(f"{path}: not valid JSON{where} ({msg}){hint}", path=path)


def read_json(data, path: str) -> RawTable:
    """Read a JSON array of records (or an object holding one under :data:`RECORD_LIST_KEYS`)."""
    src = as_loaded(data, path, "json")
    _, obj = json_document(src)
    if isinstance(obj, ValueError):
        raise json_error(path, obj, src) from obj
    if isinstance(obj, dict):
        key = next((k for k in RECORD_LIST_KEYS if isinstance(obj.get(k), list)), None)
        if key is None:
            raise IngestError(f"{path}: a JSON object, not a list of records; found keys {list(obj)[:20]}. "
                              f"Records go in a JSON array, or one per line in a .jsonl file", path=path)
        obj = obj[key]
    if not isinstance(obj, list):
        raise IngestError(f"{path}: expected a list of records, found a JSON {type(obj).__name__}", path=path)
    objs, rows, rejects = [], [], []
    for i, o in enumerate(obj, 1):
        if isinstance(o, dict):
            objs.append(o)
            rows.append(i)
        else:
            rejects.append({"row": i, "column": None, "reason": "malformed row: not a JSON object",
                            "value": shorten(o)})
    decoded = json_decoded(src)
    return RawTable(path=path, format="json", frame=records_frame(objs), rows=np.asarray(rows, dtype=np.int64),
                    rejects=rejects, rows_read=len(obj), encoding=decoded.encoding, notes=list(decoded.notes),
                    maybe_surrogates=decoded.bad_bytes or src.may_hold_surrogate_escapes(),
                    bad_bytes_in=decoded.encoding if decoded.bad_bytes else None)
