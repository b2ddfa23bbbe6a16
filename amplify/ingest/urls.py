"""Web addresses a post links to: found in its text and platform fields, normalised.

Coordinated accounts often push one link rather than one text. The posts
table keeps the addresses each post carries as an optional list column
``urls`` (:data:`amplify.schema.POSTS`), normalised so that one page is one
key however it was written:

* scheme and host in lower case, ``http`` read as ``https`` (one page served both ways), ``www.``
  dropped, a default port dropped;
* tracking parameters dropped: ``utm_*``, ``fbclid``, ``gclid`` (and the
  few others in :data:`TRACKING`); the other parameters kept in their order;
* the fragment (``#...``) and a trailing slash of the path dropped.

The text used for echo matching is never changed: detection strips URLs
itself when it tokenises.

Examples
--------
>>> normalize_url("HTTPS://WWW.Example.com/news/Story/?utm_source=tw&id=7&fbclid=x#top")
'https://example.com/news/Story?id=7'
>>> urls_in_text("read https://t.co/abc, and www.rt.com/news/1/.")
['https://t.co/abc', 'http://www.rt.com/news/1/']
>>> post_urls("see https://x.org/a?gclid=1", ["https://www.x.org/a/", "https://y.org"])
['https://x.org/a', 'https://y.org']
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np
from numba import njit

__all__ = ["normalize_url", "urls_in_text", "post_urls", "urls_column", "tweet_urls", "telegram_links", "TRACKING"]

#: Query parameters that identify a campaign or a click, not a page (``utm_*`` too).
TRACKING = frozenset({"fbclid", "gclid", "dclid", "msclkid", "igshid", "mc_cid", "mc_eid", "yclid", "_ga",
                      "ref_src", "ref_url"})
_DEFAULT_PORTS = {"http": "80", "https": "443"}
# an address in running text: a scheme, or www.; ends before whitespace, quotes and angle brackets
_URL = re.compile(r"(?i)\b(?:https?://|www\.)[^\s<>\"'\u00ab\u00bb\u201c\u201d]+")
# punctuation that closes a sentence rather than the address
_TRAILING = ".,;:!?)]}\u2026"


@njit(cache=True, nogil=True)
def _address_marks(data, offsets):
    """Per row ``data[offsets[i]:offsets[i + 1]]``: does it hold ``://`` or ``www.`` (ASCII, any case)?"""
    n = len(offsets) - 1
    out = np.zeros(n, dtype=np.bool_)
    for i in range(n):
        end = offsets[i + 1]
        for j in range(offsets[i], end):
            c = data[j]
            if c == 58:  # ':'
                if j + 2 < end and data[j + 1] == 47 and data[j + 2] == 47:
                    out[i] = True
                    break
            elif c | 32 == 119:  # 'w' or 'W'
                if j + 3 < end and data[j + 1] | 32 == 119 and data[j + 2] | 32 == 119 and data[j + 3] == 46:
                    out[i] = True
                    break
    return out


@lru_cache(maxsize=1 << 16)  # one link is posted many times; keyed by the address as written
def _normalize(s: str) -> str | None:
    return _normalize_uncached(s)


def normalize_url(url) -> str | None:
    """One page, one spelling: the normalised address, or None when it is not a web address.

    >>> normalize_url("http://Example.COM:80/a/b/?x=1&utm_medium=social")
    'https://example.com/a/b?x=1'
    >>> normalize_url("mailto:someone@example.com") is None
    True
    """
    if url is None or not isinstance(url, str):
        return None
    return _normalize(url)


# an address urlsplit would take apart trivially: http(s), an ASCII host without port or user, a path
# of plain ASCII characters and no query or fragment (most addresses in posts; no re.IGNORECASE,
# which would let the Kelvin sign and the long s match ASCII letters)
_SIMPLE = re.compile(r"[Hh][Tt][Tt][Pp][Ss]?://([A-Za-z0-9.-]+)(/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*)?")


def _normalize_uncached(url: str, fast: bool = True) -> str | None:
    s = url.strip()
    if not s:
        return None
    if s.lower().startswith("www."):
        s = "http://" + s
    m = _SIMPLE.fullmatch(s) if fast else None
    if m is not None:
        # what the steps below make of it (urlsplit, parse_qsl and urlunsplit cost ~15 us an address,
        # the larger part of the urls column's time): hostname lower-cased, www. dropped, no port
        # or query to keep, the path without its trailing slashes (tests compare the two)
        host = m.group(1).lower()
        if host.startswith("www."):
            host = host[4:]
        if host:   # (an empty host is left to urlunsplit, whose rules for it differ)
            return "https://" + host + (m.group(2) or "").rstrip("/")
    try:
        parts = urlsplit(s)
        port = parts.port
    except ValueError:  # a malformed port or bracketed host: not an address we can key
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower()
    if host.startswith("www."):
        host = host[4:]
    if port is not None and str(port) != _DEFAULT_PORTS.get(scheme):
        host = f"{host}:{port}"
    scheme = "https"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not k.lower().startswith("utm_") and k.lower() not in TRACKING]
    path = parts.path.rstrip("/")
    return urlunsplit((scheme, host, path, urlencode(query, doseq=True), ""))


def urls_in_text(text) -> list[str]:
    """The addresses written in a text, as written (closing punctuation left out), in order.

    >>> urls_in_text("(see http://a.org/x).")
    ['http://a.org/x']
    """
    if not isinstance(text, str):
        return []
    low = text.lower()
    if "http" not in low and "www." not in low:
        return []
    out = []
    for m in _URL.finditer(text):
        u = m.group(0).rstrip(_TRAILING)
        if u.lower().startswith("www."):
            u = "http://" + u
        if len(u) > 8:
            out.append(u)
    return out


def post_urls(text, *fields) -> list[str]:
    """The normalised addresses of one post: its text's, then each platform field's, each once.

    ``fields`` are lists (or single strings) of addresses the platform gives
    (Twitter's expanded URLs, Telegram's text links); None is skipped.
    """
    out: dict[str, None] = {}
    for u in urls_in_text(text):
        n = normalize_url(u)
        if n:
            out.setdefault(n)
    for f in fields:
        if f is None:
            continue
        for u in ([f] if isinstance(f, str) else list(f)):
            n = normalize_url(u)
            if n:
                out.setdefault(n)
    return list(out)


def urls_column(texts, given=None) -> list:
    """The ``urls`` column: per post, :func:`post_urls` of its text and of ``given`` (addresses in any
    written form: a platform's list joined by spaces, a user's column), a list; None for a post
    without an address (so that a corpus without links stores nothing, and tables compare as before).

    Only texts that hold ``http`` or ``www.`` are looked at in Python (an Arrow filter finds them), so a
    corpus without links costs one vectorised pass.

    >>> urls_column(["no link", "see https://www.a.org/x/?utm_source=1"], [None, "https://b.org"])
    [None, ['https://a.org/x', 'https://b.org']]
    """
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    t = pd.Series(texts).reset_index(drop=True)
    try:  # Arrow-backed strings (what ingest makes) are read in place
        arr = pa.array(t.array)
        if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
            raise TypeError(arr.type)
    except (TypeError, ValueError, pa.ArrowException):
        arr = pa.array(t.astype(object).where(t.notna(), None).to_numpy(dtype=object), type=pa.string(),
                       from_pandas=True)
    hit = _holding(arr)
    g = None
    if given is not None:
        g = pd.Series(given).reset_index(drop=True).astype(object)
        hit = hit | g.notna().to_numpy(dtype=bool)
    rows = np.flatnonzero(hit)
    texts_hit = arr.take(pa.array(rows, type=pa.int64())).to_pylist()
    given_hit = g.to_numpy()[rows].tolist() if g is not None else [None] * len(rows)
    out: list = [None] * len(t)
    for i, text, extra in zip(rows.tolist(), texts_hit, given_hit):
        out[i] = post_urls(text, urls_in_text(extra) if isinstance(extra, str) else []) or None
    return out


def _holding(arr) -> "np.ndarray":
    """A bool per row of a string array: does its text hold ``://`` or ``www.``
    (any case)? One compiled pass over the array's data buffer, read in
    place: Arrow's regex kernel took 1.2 s for 1M posts, most of ingest's
    cost for this column, and a ``bytes`` search needs copies of the buffer."""
    import numpy as np
    import pyarrow as pa

    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    n = len(arr)
    data = arr.buffers()[2] if n else None
    if data is None:
        return np.zeros(n, dtype=bool)
    width = 8 if pa.types.is_large_string(arr.type) else 4
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int64 if width == 8 else np.int32,
                            count=n + 1, offset=arr.offset * width)
    buf = np.frombuffer(data, dtype=np.uint8)
    if n < 100_000:
        hit = _address_marks(buf, offsets)
    else:  # two halves on two threads (the kernel releases the GIL)
        from concurrent.futures import ThreadPoolExecutor

        cut = n // 2
        with ThreadPoolExecutor(2) as ex:
            hit = np.concatenate(list(ex.map(lambda r: _address_marks(buf, offsets[r[0]:r[1] + 1]),
                                             [(0, cut), (cut, n)])))
    return hit & ~arr.is_null().to_numpy(zero_copy_only=False)


def tweet_urls(tweet) -> str | None:
    """The expanded addresses of a tweet's ``entities.urls`` (API v2 and v1.1; v1.1's
    ``extended_tweet`` too), joined by spaces for the raw table; None when there is none.

    >>> tweet_urls({"entities": {"urls": [{"url": "https://t.co/x", "expanded_url": "https://rt.com/a"}]}})
    'https://rt.com/a'
    """
    out = []
    for holder in (tweet, tweet.get("extended_tweet") if isinstance(tweet, dict) else None):
        ent = holder.get("entities") if isinstance(holder, dict) else None
        items = ent.get("urls") if isinstance(ent, dict) else None
        for u in items if isinstance(items, list) else []:
            if isinstance(u, dict):
                v = u.get("unwound_url") or u.get("expanded_url") or u.get("url")
                if isinstance(v, str) and v.strip():
                    out.append(v.strip())
    return " ".join(dict.fromkeys(out)) or None


def telegram_links(message) -> str | None:
    """The addresses of a Telegram message's ``text_link`` entities (``href``) and ``link`` entities,
    in ``text`` or ``text_entities``, joined by spaces; None when there is none.

    >>> telegram_links({"text": ["read ", {"type": "text_link", "text": "this", "href": "https://t.me/c/1"}]})
    'https://t.me/c/1'
    """
    out = []

    def walk(v, depth=0):
        if depth > 20:
            return
        if isinstance(v, dict):
            kind = v.get("type")
            if kind == "text_link" and isinstance(v.get("href"), str):
                out.append(v["href"])
            elif kind in ("link", "url") and isinstance(v.get("text"), str):
                out.append(v["text"])
        elif isinstance(v, (list, tuple)):
            for x in v:
                walk(x, depth + 1)

    if isinstance(message, dict):
        walk(message.get("text"))
        walk(message.get("text_entities"))
    return " ".join(dict.fromkeys(u.strip() for u in out if u.strip())) or None
