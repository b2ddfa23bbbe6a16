r"""Where :mod:`amplify.analyze.volume` gets its mentions: the matching rule, and a workspace read a stretch at a time.

Matching (:func:`mentions`)
    Case-insensitive (Unicode case folding, so Cyrillic and Greek fold too),
    after NFKC normalisation of both the text and the term (full-width and
    compatibility forms match their plain forms). A term is matched on *word
    boundaries*: the characters around it must not be letters, digits or
    ``_`` -- "Kazakhstan" matches "Kazakhstan's" and "#Kazakhstan" but not
    "Kazakhstani". A trailing ``*`` matches any ending (``Kazakh*``). Terms
    holding a character of a script written without spaces (Chinese,
    Japanese, Thai) match as plain substrings, since those scripts have no
    word boundaries (``哈萨克斯坦``). Several words match as a phrase, with
    the same spacing. An apostrophe, a double quote or a dash in a term
    matches any of its variants (``_VARIANTS``: "Ukraine's" matches
    "Ukraine’s" and "Ukraine‘s", "Russia-Ukraine" matches "Russia–Ukraine"),
    as detection, which reads them all as separators, does. The search runs
    in Arrow's C++ regular-expression engine (RE2) over the whole column.

Reading (:func:`read_mentions`)
    Counting how often outlets mention a term needs every post's text once,
    but only a yes/no per post and term afterwards. Reading the texts of a
    whole workspace into memory costs about 1.7 GiB per million posts, so at
    tens of millions of posts :func:`~amplify.analyze.volume.term_volume`
    over ``ws.posts(columns=[..., "text"])`` no longer fits.
    :func:`read_mentions` instead reads the posts in consecutive time ranges
    of about ``rows_per_read`` posts each (estimated from the parts' row
    counts and time spans in the manifest, so no text is read to plan them),
    matches every term on each range's texts and keeps only the outlet, the
    time and one boolean per term. Peak memory is then one range's texts
    plus a few bytes per post, and the counts are those of reading
    everything at once.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Sequence

import numpy as np
import pandas as pd

from amplify.analyze.errors import AnalysisError
from amplify.text.nfkc import nfkc

__all__ = ["mentions", "mention_table", "term_pattern", "read_mentions", "time_ranges"]

#: Characters a term's character matches any of (after NFKC): apostrophes, double quotes, dashes.
_VARIANTS = ("'\u2018\u2019\u201b\u02bc\u2032`", '"\u201c\u201d\u201e\u201f\u00ab\u00bb',
             "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043")
_FOLD = {c: "[" + "".join(re.escape(x) for x in group) + "]" for group in _VARIANTS for c in group}
_NO_SPACE = re.compile(r"[\u0E00-\u0E7F\u3040-\u30FF\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\U00020000-\U0002FA1F]")


def term_pattern(term: str) -> tuple[str, bool]:
    """The RE2 pattern for ``term`` and whether it is a plain substring (no-space scripts).

    >>> term_pattern("Kazakh*")[0]
    '(?i)(?:^|[^\\\\p{L}\\\\p{N}\\\\p{M}_])Kazakh'
    >>> term_pattern("哈萨克斯坦")
    ('哈萨克斯坦', True)
    >>> mentions(["Ukraine’s army", "Ukraine‘s", "Ukraines"], "Ukraine's").tolist()
    [True, True, False]
    """
    t = unicodedata.normalize("NFKC", str(term)).strip()
    if not t or t == "*":
        raise AnalysisError("empty term")
    prefix = t.endswith("*")
    if prefix:
        t = t[:-1].rstrip()
    if _NO_SPACE.search(t):
        return t, True
    body = r"\s+".join("".join(_FOLD.get(c) or re.escape(c) for c in w) for w in t.split())
    left = r"(?:^|[^\p{L}\p{N}\p{M}_])"
    right = "" if prefix else r"(?:$|[^\p{L}\p{N}\p{M}_])"
    return f"(?i){left}{body}{right}", False


def _arrow_texts(texts):
    import pyarrow as pa

    if isinstance(texts, (pa.Array, pa.ChunkedArray)):
        arr = texts
    else:
        ser = pd.Series(texts)
        try:
            arr = pa.array(ser.array) if "pyarrow" in str(getattr(ser.dtype, "storage", "")) else None
        except (TypeError, pa.ArrowInvalid):
            arr = None
        if arr is None:
            arr = pa.array(ser.astype(object).where(ser.notna(), "").to_numpy(dtype=object), type=pa.large_string())
    return nfkc(arr)  # only the texts NFKC changes are normalised (most news text is NFKC already)


def mentions(texts, term: str) -> np.ndarray:
    """Boolean per text: does it mention ``term``? (the rules are in the module documentation)

    Parameters
    ----------
    texts : sequence of str, pandas Series or pyarrow array
    term : str

    Examples
    --------
    >>> mentions(["Kazakhstan's crisis", "Kazakhstani tenge", "#Kazakhstan!", "в Казахстане",
    ...           "КАЗАХСТАН", "哈萨克斯坦局势", "ＫＡＺＡＫＨＳＴＡＮ"], "Kazakhstan").tolist()
    [True, False, True, False, False, False, True]
    >>> mentions(["в Казахстане", "КАЗАХСТАН заявил"], "казахстан").tolist()
    [False, True]
    >>> mentions(["в Казахстане", "Казахстан"], "казахстан*").tolist()
    [True, True]
    >>> mentions(["中国外交部:哈萨克斯坦局势", "Kazakhstan"], "哈萨克斯坦").tolist()
    [True, False]
    """
    return _mentions_in(_arrow_texts(texts), term)


def mention_table(texts, terms) -> pd.DataFrame:
    """One boolean column per distinct term: does each text mention it? (texts normalised once)

    >>> mention_table(["Kazakhstan", "Ukraine and Kazakhstan"], ["Kazakhstan", "Ukraine"]).values.tolist()
    [[True, False], [True, True]]
    """
    norm = _arrow_texts(texts)
    return pd.DataFrame({t: _mentions_in(norm, t) for t in dict.fromkeys(terms)})


def _mentions_in(arr, term: str) -> np.ndarray:
    """:func:`mentions` over texts already normalised by ``_arrow_texts`` (done once for several terms)."""
    import pyarrow.compute as pc

    pat, plain = term_pattern(term)
    if plain:
        hit = pc.match_substring(arr, pat, ignore_case=True)
    else:
        hit = pc.match_substring_regex(arr, pat)
    return hit.to_numpy(zero_copy_only=False).astype(bool)

_DAY_NS = 86_400 * 10**9


def time_ranges(parts: Sequence[dict], rows_per_read: int) -> list[tuple[int, int]]:
    """Consecutive ``[lo, hi)`` nanosecond ranges covering every part, each about ``rows_per_read`` posts.

    Each part's rows are spread evenly over the days its first and last post
    span, so the estimate needs only the manifest; a range is never shorter
    than one day (a day holding more than ``rows_per_read`` posts is read
    whole).

    >>> day = 86_400 * 10**9
    >>> parts = [{"rows": 30, "first_key": [0, "a"], "last_key": [3 * day - 1, "z"]}]
    >>> [(lo // day, hi // day) for lo, hi in time_ranges(parts, 10)]
    [(0, 1), (1, 2), (2, 3)]
    >>> [(lo // day, hi // day) for lo, hi in time_ranges(parts, 100)]
    [(0, 3)]
    """
    if not parts:
        return []
    if rows_per_read < 1:
        raise ValueError("rows_per_read must be at least 1")
    first = np.array([int(p["first_key"][0]) for p in parts], dtype=np.int64)
    last = np.array([int(p["last_key"][0]) for p in parts], dtype=np.int64)
    rows = np.array([int(p["rows"]) for p in parts], dtype=np.float64)
    d0 = first.min() // _DAY_NS
    lo_day, hi_day = first // _DAY_NS - d0, last // _DAY_NS - d0
    n_days = int(hi_day.max()) + 1
    # rows per day: each part's rows spread over its days (a difference array, then a running sum)
    per_day = np.zeros(n_days + 1)
    span = (hi_day - lo_day + 1).astype(np.float64)
    np.add.at(per_day, lo_day, rows / span)
    np.add.at(per_day, hi_day + 1, -rows / span)
    per_day = np.cumsum(per_day)[:n_days]
    # greedy: a range closes before the day that would take it past rows_per_read (days are few: a loop)
    ends, held = [], 0.0
    for d, n in enumerate(per_day.tolist()):
        if held > 0 and held + n > rows_per_read * (1 + 1e-9):
            ends.append(d)
            held = 0.0
        held += n
    ends = np.array(ends + [n_days], dtype=np.int64)
    starts = np.append(0, ends[:-1])
    out = [(int((d0 + a) * _DAY_NS), int((d0 + b) * _DAY_NS)) for a, b in zip(starts, ends)]
    return out


def read_mentions(ws, terms: Sequence[str], *, rows_per_read: int = 500_000,
                  progress: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every post's outlet and time, and whether it mentions each term, read a time range at a time.

    Parameters
    ----------
    ws : amplify.workspace.Workspace
    terms : list of str
        The terms, matched as :func:`~amplify.analyze.volume.mentions` does.
    rows_per_read : int
        About how many posts' texts are held at once.
    progress : bool
        A progress bar over the ranges on stderr.

    Returns
    -------
    posts : DataFrame
        ``outlet``, ``published_at`` of every post (in canonical order within
        each range; ranges in time order).
    mentioned : DataFrame
        One boolean column per term, row for row with ``posts``: pass it to
        :func:`~amplify.analyze.volume.term_volume` and
        :func:`~amplify.analyze.volume.compare_volume` as ``mentioned=``.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> from amplify.workspace import Workspace
    >>> from amplify.analyze.volume import term_volume
    >>> ws = Workspace.open(tempfile.mkdtemp() + "/ws", create=True)
    >>> with ws.writer():
    ...     _ = ws.add_posts(pd.DataFrame({"post_id": ["1", "2", "3"], "outlet": ["tass"] * 3,
    ...         "published_at": ["2022-01-03", "2022-01-04", "2022-01-11"],
    ...         "text": ["Kazakhstan", "nothing", "Kazakhstan?"]}))
    >>> posts, mentioned = read_mentions(ws, ["Kazakhstan"], rows_per_read=1)
    >>> mentioned["Kazakhstan"].tolist()
    [True, False, True]
    >>> v = term_volume(posts, None, ["Kazakhstan"], freq="W", surge=False, mentioned=mentioned)
    >>> v[v["key"] == "all"]["mentions"].tolist()
    [1, 1]
    """
    from amplify.progress import bar

    terms = list(terms)
    ranges = time_ranges(ws.manifest["posts"]["parts"], rows_per_read)
    metas, flags = [], []
    for lo, hi in bar(ranges, desc="reading posts", enabled=progress and len(ranges) > 1, unit="range"):
        chunk = ws.posts(columns=["outlet", "published_at", "text"], since=pd.Timestamp(lo, tz="UTC"),
                         until=pd.Timestamp(hi, tz="UTC"))
        flags.append(mention_table(chunk["text"], terms))
        metas.append(chunk[["outlet", "published_at"]])
        del chunk
    if not metas:
        empty = ws.posts(columns=["outlet", "published_at"])
        return empty, pd.DataFrame({t: np.zeros(0, dtype=bool) for t in terms})
    posts = pd.concat(metas, ignore_index=True)
    mentioned = pd.concat(flags, ignore_index=True)
    return posts, mentioned
