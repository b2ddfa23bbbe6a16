"""One typed rule per column: what a value of an unexpected shape becomes, or why its row is rejected.

Exports do not always give the types their documentation promises: a
Telegram ``text`` may be a string, a list of strings and entity objects, or
one entity object; a Twitter id may be a number, a string or an object
(``{"$numberLong": "..."}`` from a MongoDB dump); JSON numbers above 2**53
may have been written as floats. Every value of a source column goes through
the rule of the canonical column it feeds (:func:`rule_of`):

``text`` (``text``, ``title``)
    a string as it is; a list of strings and entity objects, or an entity
    object, flattened to its text in order (``{"type": "bold", "text": "x"}``
    -> ``x``, entities nested in entities too); a number as its digits.
    An object without ``text`` or a list holding a number: rejected.
``id`` (``post_id``, ``reposted_id``, ``quoted_id``, ``replied_id``)
    a string as it is; an integer as its digits, exactly; a float only when
    it is a whole number that a float holds exactly (below 2**53); an object
    holding its id under ``$numberLong``, ``$numberInt``, ``$oid``, ``id_str``
    or ``id``, as that id. Anything else (true/false, a list, a float that
    lost digits): rejected.
``plain`` (``outlet``, ``url``, ``lang``, and the source's other columns)
    a string as it is; numbers as their digits; true/false as ``true`` /
    ``false``. For ``outlet``, ``url`` and ``lang`` an object or a list is
    rejected; other columns keep it as its JSON text.
``time`` (``published_at``)
    left to :func:`amplify.ingest.times.parse_times`, after an object
    ``{"$date": ...}`` (MongoDB's extended JSON) is replaced by what it holds.

Every rule also rejects a value that is not valid text (a lone surrogate:
a byte that was not valid in the file's encoding, or half a UTF-16 pair) or
that was cut for being longer than the field size limit
(:mod:`amplify.ingest.oversize`); :func:`cell_problem` finds both, in nested
values too.

>>> flatten_text(["Read ", {"type": "link", "text": "this"}, {"type": "bold", "text": [" now", "!"]}])
'Read this now!'
>>> as_id({"$numberLong": "1480512345678901234"}), as_id(1480512345678901234), as_id(12.0)
('1480512345678901234', '1480512345678901234', '12')
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from amplify.ingest.charsets import SURROGATES, describe_surrogate
from amplify.ingest.oversize import MARKER, MAX_JSON_DEPTH, Cuts
from amplify.ingest.values import is_missing, scalar_str, to_str

__all__ = ["Problem", "RULES", "rule_of", "flatten_text", "as_id", "as_plain", "as_time", "cell_problem",
           "typed_column", "time_column", "EXACT_FLOAT_LIMIT", "ID_KEYS"]

#: The rule of each canonical column (columns not listed, and the source's others, are ``plain``).
RULES = {"text": "text", "title": "text", "post_id": "id", "reposted_id": "id", "quoted_id": "id",
         "replied_id": "id", "published_at": "time", "outlet": "strict", "url": "strict", "lang": "strict"}

#: Keys under which an object holds an id, in order.
ID_KEYS = ("$numberLong", "$numberInt", "$oid", "id_str", "id")

#: Whole numbers below this are held exactly by a float.
EXACT_FLOAT_LIMIT = 2 ** 53


class Problem(ValueError):
    """A value that its column's rule cannot take: the message is the reject reason's detail."""


def rule_of(canonical: str | None) -> str:
    """The rule of the canonical column a source column feeds (``None``: not mapped -> ``plain``)."""
    return RULES.get(canonical, "plain") if canonical else "plain"


def _kind(v) -> str:
    if isinstance(v, dict):
        return "a JSON object"
    if isinstance(v, list):
        return "a JSON list"
    if isinstance(v, (bool, np.bool_)):
        return f"the value {str(v).lower()}"
    if isinstance(v, (int, float, np.integer, np.floating)):
        return f"the number {v!r}"
    return f"a {type(v).__name__}"


def flatten_text(value, depth: int = 0) -> str | None:
    """A text given as a string, a list of strings and entity objects, or one entity object, as one string.

    Raises :class:`Problem` for an object without ``text`` or a list element
    that is neither a string nor an entity.
    """
    if value is None or isinstance(value, str):
        return value
    if depth > MAX_JSON_DEPTH:
        raise Problem("text nested too deeply")
    if isinstance(value, dict):
        if "text" not in value:
            raise Problem(f"a JSON object without a 'text' field (keys: {', '.join(map(str, list(value)[:8]))})")
        out = flatten_text(value["text"], depth + 1)
        return "" if out is None else out
    if isinstance(value, (list, tuple)):
        parts = []
        for part in value:
            if isinstance(part, (dict, list, tuple)):
                part = flatten_text(part, depth + 1)
            elif part is not None and not isinstance(part, str):
                raise Problem(f"a list of text parts holding {_kind(part)}")
            if part:
                parts.append(part)
        return "".join(parts)
    if isinstance(value, bytes):
        return _utf8(value)
    if isinstance(value, (bool, np.bool_)):
        raise Problem(f"{_kind(value)}, not a text")
    return scalar_str(value)


def _utf8(value: bytes) -> str:
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Problem(f"bytes that are not UTF-8 (byte 0x{value[exc.start]:02x} at {exc.start})") from None


def as_id(value, depth: int = 0) -> str | None:
    """An id from a string, an integer, an exact float or an id object; :class:`Problem` otherwise."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (bool, np.bool_)):
        raise Problem(f"{_kind(value)}, not an id")
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        if np.isnan(value):
            return None
        if float(value).is_integer() and abs(value) < EXACT_FLOAT_LIMIT:
            return str(int(value))
        raise Problem(f"the number {value!r} was written as a floating-point number, which cannot hold "
                      f"this id exactly; export ids as strings")
    if isinstance(value, dict) and depth < 3:
        for key in ID_KEYS:
            if key in value and value[key] is not None:
                return as_id(value[key], depth + 1)
        raise Problem(f"a JSON object without an id (keys: {', '.join(map(str, list(value)[:8]))})")
    if isinstance(value, bytes):
        return _utf8(value)
    raise Problem(f"{_kind(value)}, not an id")


def as_plain(value, strict: bool = False) -> str | None:
    """A string from a string, number or true/false; objects and lists as JSON text (``strict``: a Problem)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return _utf8(value)
    if strict and isinstance(value, (dict, list, tuple)):
        raise Problem(f"{_kind(value)}, not a single value")
    return scalar_str(value)


def as_time(value, depth: int = 0):
    """A time value as the time reader takes it: ``{"$date": x}`` (and ``{"$numberLong": "..."}`` inside it)
    becomes ``x``; anything else is left as it is (the time reader says whether it reads).

    >>> as_time({"$date": {"$numberLong": "1709287200000"}}), as_time({"$date": "2024-03-01T10:00:00Z"})
    ('1709287200000', '2024-03-01T10:00:00Z')
    """
    if isinstance(value, dict) and depth < 3:
        for key in ("$date", "$numberLong"):
            if key in value:
                return as_time(value[key], depth + 1)
    return value


def time_column(s: pd.Series) -> pd.Series:
    """:func:`as_time` over an object column (other columns pass as they are)."""
    if s.dtype != object or not any(isinstance(v, dict) for v in s.tolist()):
        return s
    return pd.Series([as_time(v) for v in s.tolist()], index=s.index, dtype=object)


_CONVERT = {"text": flatten_text, "id": as_id, "plain": as_plain, "strict": lambda v: as_plain(v, True)}


def cell_problem(value, encoding: str | None, cuts: Cuts, what: str, depth: int = 0) -> str | None:
    """Why ``value`` (or a string nested in it) cannot be stored: cut for its size, or not valid text.

    ``encoding``: the file's, when it had bytes not valid in it (else a
    surrogate is a lone UTF-16 half); ``cuts``: what the file's filter cut
    (:class:`amplify.ingest.oversize.Cuts`).
    """
    if isinstance(value, str):
        if MARKER in value:
            return cuts.reason(value, what)
        ch = SURROGATES.search(value)
        if ch is not None:
            return f"invalid text in {what}: {describe_surrogate(ch.group(), encoding, decoded=encoding is not None)}"
        return None
    if depth > MAX_JSON_DEPTH:
        return None
    if isinstance(value, dict):
        items = list(value.keys()) + list(value.values())
    elif isinstance(value, (list, tuple)):
        items = value
    else:
        return None
    for v in items:
        p = cell_problem(v, encoding, cuts, what, depth + 1)
        if p:
            return p
    return None


def typed_column(s: pd.Series, rule: str) -> tuple[pd.Series, np.ndarray, list]:
    """Apply ``rule`` to a column: ``(strings, rejected mask, reason details)``.

    Columns that already hold strings pass as they are (vectorised); only
    object columns (JSON) are looked at value by value.
    """
    n = len(s)
    bad = np.zeros(n, dtype=bool)
    why: list = [None] * n
    if rule == "id" and pd.api.types.is_float_dtype(s.dtype):
        s = s.astype(object).where(s.notna(), None)
    if s.dtype != object:
        return to_str(s), bad, why
    kind = pd.api.types.infer_dtype(s, skipna=True)
    if kind in ("string", "empty"):
        return to_str(s), bad, why
    if kind == "integer" and rule != "text":
        return to_str(s), bad, why
    convert = _CONVERT[rule]
    out = np.empty(n, dtype=object)
    for i, v in enumerate(s.tolist()):
        try:
            missing = v is None or (not isinstance(v, (str, dict, list, tuple, bytes)) and is_missing(v))
            out[i] = None if missing else convert(v)
        except Problem as exc:
            bad[i] = True
            why[i] = str(exc)
            out[i] = None
    return pd.Series(pd.array(out, dtype="string"), index=s.index), bad, why
