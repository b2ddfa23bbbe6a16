"""JSON Lines files and JSON arrays of records.

Each object is a row; nested objects are flattened one level (``user.name``).
Rows are numbered as a person finds them: the line in JSON Lines, the
1-based position in a JSON array. An array may also sit under one of the keys
``data``, ``records``, ``items``, ``posts``, ``results`` or ``rows`` of an
object. A line that is not JSON, or an element that is not an object, is
rejected with its row; the rest are kept.

>>> frame = records_frame([{"id": 1, "user": {"name": "a"}}, {"id": 2, "user": None}])
>>> list(frame.columns), frame["user.name"].tolist()
(['id', 'user.name'], ['a', nan])
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from amplify.ingest.raw import RawTable, json_document
from amplify.ingest.report import IngestError
from amplify.ingest.values import is_missing, shorten

__all__ = ["RECORD_LIST_KEYS", "json_lines", "records_frame", "read_jsonl", "read_json"]

#: Keys of a JSON object under which :func:`read_json` looks for the list of records, in order.
RECORD_LIST_KEYS = ("data", "records", "items", "posts", "results", "rows")

#: How many values of a column are looked at to tell whether it holds nested objects.
NESTED_SAMPLE = 1000


def json_lines(data: bytes) -> tuple[list, list[int], list[dict], int]:
    """Parse JSON Lines: (objects, line numbers, rejects, blank lines)."""
    text, _ = json_document(data)
    lines = text.split("\n")
    idx = [i for i, ln in enumerate(lines) if ln and not ln.isspace()]
    blank = len(lines) - len(idx) - (1 if not lines[-1].strip() else 0)
    objs, rows, rejects = [], [], []
    def keep(i, o):
        if isinstance(o, dict):
            objs.append(o)
            rows.append(i + 1)
        else:
            rejects.append({"row": i + 1, "column": None, "reason": "malformed row: not a JSON object",
                            "value": shorten(lines[i])})

    try:  # one parse of the whole file as an array, when every line is valid
        parsed = json.loads("[" + ",".join(lines[i] for i in idx) + "]")
        if len(parsed) != len(idx):
            raise ValueError("line count mismatch")
        for i, o in zip(idx, parsed):
            keep(i, o)
        return objs, rows, rejects, max(blank, 0)
    except ValueError:
        pass
    for i in idx:
        try:
            o = json.loads(lines[i])
        except ValueError as exc:
            rejects.append({"row": i + 1, "column": None, "reason": f"malformed row: invalid JSON ({exc})",
                            "value": shorten(lines[i])})
            continue
        keep(i, o)
    return objs, rows, rejects, max(blank, 0)


def records_frame(objs: list[dict]) -> pd.DataFrame:
    """JSON objects -> DataFrame of Python objects; nested objects flattened one level (``user.name``)."""
    if not objs:
        return pd.DataFrame()
    frame = pd.DataFrame.from_records(objs)
    frame = frame.astype(object) if len(frame.columns) else frame
    for col in list(frame.columns):
        s = frame[col]
        sample = s.iloc[: NESTED_SAMPLE]
        if any(isinstance(v, dict) for v in sample):
            if not all(isinstance(v, dict) or v is None or is_missing(v) for v in s):
                continue
            sub = pd.DataFrame.from_records([v if isinstance(v, dict) else {} for v in s], index=frame.index)
            sub = sub.astype(object)
            sub.columns = [f"{col}.{c}" for c in sub.columns]
            sub = sub[[c for c in sub.columns if c not in frame.columns]]
            pos = frame.columns.get_loc(col)
            frame = pd.concat([frame.iloc[:, :pos], sub, frame.iloc[:, pos + 1:]], axis=1)
    return frame


def read_jsonl(data: bytes, path: str) -> RawTable:
    """Read a JSON Lines file: one object per line."""
    objs, rows, rejects, blank = json_lines(data)
    frame = records_frame(objs)
    notes = [f"{blank} blank line(s) ignored"] if blank else []
    return RawTable(path=path, format="jsonl", frame=frame, rows=np.asarray(rows, dtype=np.int64),
                    rejects=rejects, rows_read=len(objs) + len(rejects), notes=notes, encoding="utf-8")


def read_json(data: bytes, path: str) -> RawTable:
    """Read a JSON array of records (or an object holding one under :data:`RECORD_LIST_KEYS`)."""
    _, obj = json_document(data)
    if isinstance(obj, ValueError):
        raise IngestError(f"{path}: not valid JSON ({obj}); JSON Lines files should end in .jsonl") from obj
    if isinstance(obj, dict):
        key = next((k for k in RECORD_LIST_KEYS if isinstance(obj.get(k), list)), None)
        if key is None:
            raise IngestError(f"{path}: a JSON object, not a list of records; found keys {list(obj)[:20]}")
        obj = obj[key]
    if not isinstance(obj, list):
        raise IngestError(f"{path}: expected a list of records")
    objs, rows, rejects = [], [], []
    for i, o in enumerate(obj, 1):
        if isinstance(o, dict):
            objs.append(o)
            rows.append(i)
        else:
            rejects.append({"row": i, "column": None, "reason": "malformed row: not a JSON object",
                            "value": shorten(o)})
    return RawTable(path=path, format="json", frame=records_frame(objs), rows=np.asarray(rows, dtype=np.int64),
                    rejects=rejects, rows_read=len(obj), encoding="utf-8")
