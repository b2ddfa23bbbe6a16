"""Data text made safe to put into a page or a file.

Every piece of text in amplify's pages comes from the data (post text, outlet
names, ids) and may be hostile. These functions are the only way such text
reaches a page:

* :func:`clean_text` -- any value as a string every encoder accepts;
* :func:`jsonable` -- plain JSON values (numpy scalars unwrapped, NaN to null,
  times as ISO 8601 with a ``Z``);
* :func:`script_json` -- JSON that cannot end or change the ``<script>``
  element it sits in;
* :func:`inline_safe` -- a library's code or style that cannot end the
  ``<script>``/``<style>`` element it is inlined into.

The HTML templates escape everything else (Jinja's autoescape).
"""

from __future__ import annotations

import html
import json
import math
import re
from typing import Any

import numpy as np
import pandas as pd

from amplify.utc import iso_z

__all__ = ["clean_text", "is_missing", "jsonable", "script_json", "inline_safe", "html_text", "visible",
           "escaped", "escape_of", "ACTING_CHARS", "CONTROL_CHARS"]

# C1 controls, DEL, the Unicode line separators, bidi overrides and isolates: they act wherever shown
_ACTING_BEYOND_C0 = r"\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
#: Characters that act rather than show: C0/C1 controls (but tab and line breaks), bidi overrides and isolates.
ACTING_CHARS = re.compile(rf"[\x00-\x08\x0b\x0c\x0e-\x1f{_ACTING_BEYOND_C0}]")


def clean_text(s: Any) -> str:
    """``s`` as a string that any encoder accepts: lone surrogates become U+FFFD.

    (Paired surrogates, as some JSON decoders leave them, are joined.)

    >>> clean_text("a\\ud800b"), clean_text(None), clean_text(3)
    ('a\\ufffdb', '', '3')
    """
    if s is None or (not isinstance(s, str) and is_missing(s)):
        return ""
    s = s if isinstance(s, str) else str(s)
    try:
        s.encode("utf-8")
        return s
    except UnicodeEncodeError:
        return s.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def is_missing(v) -> bool:
    """True for None, NaN, NaT and pd.NA; False for anything pandas cannot judge (lists ...).

    >>> is_missing(float("nan")), is_missing(pd.NA), is_missing("x"), is_missing([1, 2])
    (True, True, False, False)
    """
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def jsonable(v):
    """Plain JSON values: numpy scalars unwrapped, NaN/NA to None, times to ISO strings, text cleaned.

    >>> jsonable({"n": np.int64(3), "x": float("nan"), "t": pd.Timestamp("2022-01-05 10:00")})
    {'n': 3, 'x': None, 't': '2022-01-05T10:00:00Z'}
    """
    if isinstance(v, str):
        return clean_text(v)
    if isinstance(v, bool) or v is None:
        return v
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return None if not math.isfinite(float(v)) else float(v)
    if isinstance(v, np.bool_):
        return bool(v)
    if isinstance(v, pd.Timestamp):
        return None if pd.isna(v) else iso_z(v)
    if isinstance(v, dict):
        return {clean_text(k): jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple, set, frozenset, np.ndarray)):
        return [jsonable(x) for x in v]
    if is_missing(v):
        return None
    return clean_text(v)


def script_json(obj) -> str:
    """JSON that is safe inside an HTML ``<script>`` element.

    ``<``, ``>`` and ``&`` are written as ``\\u003c`` ``\\u003e`` ``\\u0026`` so no
    ``</script>`` or ``<!--`` in the data can end or change the script block, and
    U+2028/U+2029 are escaped for old JavaScript parsers. The result is still
    JSON: ``json.loads`` reads it back unchanged.

    >>> script_json({"t": "</script><b>&"})
    '{"t":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    s = json.dumps(jsonable(obj), ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return (s.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def inline_safe(code: str) -> str:
    """A script or style sheet that cannot end the ``<script>``/``<style>`` element it is inlined into.

    >>> inline_safe('s = "</script><!--"')
    's = "<\\\\/script><\\\\!--"'
    """
    return code.replace("</script", "<\\/script").replace("</style", "<\\/style").replace("<!--", "<\\!--")


#: ... and tabs and line breaks too: for text that must stay on one line (a terminal table cell).
CONTROL_CHARS = re.compile(rf"[\x00-\x1f{_ACTING_BEYOND_C0}]")


def escaped(text: str, chars: re.Pattern = ACTING_CHARS) -> str:
    r"""``text`` with each of ``chars`` shown as ``\xNN`` / ``\uNNNN`` (the terminal and the pages alike).

    >>> print(escaped("ok\x1b[31m\u202e"), escaped("a\tb", CONTROL_CHARS))
    ok\x1b[31m\u202e a\x09b
    """
    return chars.sub(lambda m: escape_of(m.group()), text)


def escape_of(char: str) -> str:
    r"""How one character is shown escaped: ``\xNN`` below 256, else ``\uNNNN``.

    >>> print(escape_of("\x1b"), escape_of("\u202e"))
    \x1b \u202e
    """
    c = ord(char)
    return f"\\x{c:02x}" if c < 256 else f"\\u{c:04x}"


def visible(obj: Any) -> Any:
    r"""``obj`` with every string in it (through dicts, lists and tuples) showing the characters that
    would act -- a bidi override that reorders the text after it, an escape -- as ``\xNN`` /
    ``\uNNNN`` (:func:`escaped`): for text a page shows that a template does not pass through
    :func:`html_text` (a legend, a title, notes).

    >>> visible({"title": "evil\u202eoutlet", "rows": [["Camp", "RU"]], "n": 3})
    {'title': 'evil\\u202eoutlet', 'rows': [['Camp', 'RU']], 'n': 3}
    """
    if isinstance(obj, str):
        return escaped(obj)
    if isinstance(obj, dict):
        return {k: visible(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(visible(v) for v in obj)
    return obj


def html_text(s: Any) -> str:
    r"""Data text for HTML (element text or an attribute value): escaped, and characters that would act
    (an ANSI escape, a bidi override that reorders the page) shown as ``\xNN`` / ``\uNNNN``.

    >>> html_text("<b>x</b>\x1b[31m\u202e\"")
    '&lt;b&gt;x&lt;/b&gt;\\x1b[31m\\u202e&quot;'
    """
    return html.escape(escaped(clean_text(s)), quote=True)
