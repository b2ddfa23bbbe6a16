"""Which source column feeds which canonical column: recognition by name, and ``--map``.

Exports name their columns in many ways (``content``, ``full_text``,
``Published``, ``user.screen_name``); :data:`POST_ALIASES` and
:data:`OUTLET_ALIASES` list the names recognised for each canonical column,
compared case-insensitively with spaces and hyphens read as ``_``. An explicit
mapping (the CLI's ``--map text=content``) always wins; several source
columns (``--map 'text=title|desc'``) give, row by row, the first that is
not empty.

>>> resolve_columns(["Post ID", "Author", "Content", "Date"], {"text": "Content"}, POST_ALIASES, path="a.csv")
{'text': 'Content', 'post_id': 'Post ID', 'published_at': 'Date', 'outlet': 'Author'}
"""

from __future__ import annotations

import re

import pandas as pd

from amplify.ingest.blank import is_blank
from amplify.ingest.report import IngestError
from amplify.ingest.values import to_str

__all__ = ["POST_ALIASES", "OUTLET_ALIASES", "REQUIRED_POSTS", "resolve_columns", "source_label", "source_values",
           "Constant", "how_to_map", "PYTHON_MAPPING", "HEADER_ONLY"]

#: Source column names recognised for each canonical posts column, in order of
#: preference (compared case-insensitively, spaces and hyphens read as ``_``).
POST_ALIASES: dict[str, tuple[str, ...]] = {
    "post_id": ("post_id", "id_str", "id", "tweet_id", "message_id", "status_id"),
    # a headline is the text when the file has nothing longer (a feed of titles); it stays `title` otherwise
    "text": ("text", "full_text", "content", "message", "body", "headline", "title"),
    "published_at": ("published_at", "created_at", "date", "timestamp", "publish_date", "time",
                     "datetime", "published", "date_published", "pubdate", "posted_at"),
    "outlet": ("outlet", "author", "username", "screen_name", "user.screen_name", "user.username",
               "author.username", "user", "site", "publisher", "source", "channel", "handle", "account"),
    "url": ("url", "link", "permalink"),
    "lang": ("lang", "language"),
    "title": ("title", "headline"),
    "speaker": ("speaker", "spokesperson", "byline"),
    "reposted_id": ("reposted_id", "retweeted_id", "retweeted_status_id", "repost_of", "forwarded_id"),
    "quoted_id": ("quoted_id", "quoted_status_id", "quoted_status_id_str", "quote_of"),
    "replied_id": ("replied_id", "in_reply_to_status_id", "in_reply_to_status_id_str", "in_reply_to_id",
                   "reply_to_message_id", "reply_to"),
}

#: The same for the outlets table.
OUTLET_ALIASES: dict[str, tuple[str, ...]] = {
    "outlet": ("outlet", "handle", "account", "username", "screen_name", "user", "channel", "site",
               "domain", "source", "publisher"),
    "group": ("group", "camp", "bloc", "side", "label"),
    "kind": ("kind", "type", "category", "role"),
    "name": ("name", "display_name", "outlet_name", "title"),
    "country": ("country", "country_code"),
    "aliases": ("aliases", "alias", "also_known_as"),
}

#: The posts columns every file must give (or be told with ``--map``).
REQUIRED_POSTS = ("text", "published_at", "outlet")

#: Short names accepted on the left of a mapping.
CANONICAL_SHORTHANDS = {"id": "post_id", "time": "published_at", "date": "published_at"}


class Constant:
    """One value for every row instead of a column: ``{"outlet": Constant("tass")}`` (the CLI's ``--outlet``).

    It names no source column (iterating it gives none), so the readers that
    list a mapping's columns pass over it.

    >>> resolve_columns(["date", "text"], {"outlet": Constant("tass")}, POST_ALIASES, path="a.csv")["outlet"]
    Constant('tass')
    """

    __slots__ = ("value",)

    def __init__(self, value: str):
        if not str(value).strip():
            raise IngestError("the outlet given for a whole file must not be empty")
        self.value = str(value).strip()

    def __iter__(self):
        return iter(())

    def __repr__(self) -> str:
        return f"Constant({self.value!r})"

    def __eq__(self, other) -> bool:
        return isinstance(other, Constant) and other.value == self.value

    def __hash__(self) -> int:
        return hash(("Constant", self.value))


def _norm_name(name) -> str:
    return re.sub(r"[\s\-]+", "_", str(name).strip().lower())


def resolve_columns(columns, mapping: dict | None, aliases: dict[str, tuple[str, ...]], *, path: str,
                    required=(), map_flag: str = "--map") -> dict:
    """Which source column feeds each canonical column: ``{canonical: source}``.

    ``mapping`` (canonical -> source column) always wins; a value of ``None`` or
    ``""`` switches a canonical column off; a list (or ``"a|b"``) takes, row by row,
    the first of those columns that is not empty (``{"text": ["title", "desc"]}``)
    and appears in the result as a tuple. Other canonical columns are found
    by :data:`POST_ALIASES`-style name lists, each source column used once.
    Raises :class:`IngestError` naming the file, the columns found and the flag
    when a required column has no source.
    """
    columns = [str(c) for c in columns]
    by_norm: dict[str, str] = {}
    for c in columns:
        by_norm.setdefault(_norm_name(c), c)
    colmap: dict = {}
    off: set[str] = set()
    used: set[str] = set()
    for canon, src in (mapping or {}).items():
        canon = CANONICAL_SHORTHANDS.get(canon, canon)
        if canon not in aliases:
            raise IngestError(f"cannot map {canon!r}: known columns are {', '.join(aliases)}")
        if src is None or (isinstance(src, str) and src == ""):
            off.add(canon)
            continue
        if isinstance(src, Constant):
            colmap[canon] = src
            continue
        parts = [src] if isinstance(src, str) else list(src)
        if len(parts) == 1 and parts[0] not in columns and "|" in parts[0]:
            parts = parts[0].split("|")  # "title|desc": the first non-empty of these columns
        reals = []
        for part in parts:
            real = part if part in columns else by_norm.get(_norm_name(part))
            if real is None:
                raise IngestError(
                    f"{path}: {how_to_map(map_flag, canon, source_label(src))}: no column {part!r} in this file; "
                    f"found columns: {', '.join(columns) or '(none)'}",
                    path=path, found=columns, missing=canon, flag=how_to_map(map_flag, canon))
            reals.append(real)
        colmap[canon] = reals[0] if len(reals) == 1 else tuple(reals)
        used.update(reals)
    for canon, names in aliases.items():
        if canon in colmap or canon in off:
            continue
        for name in names:
            real = by_norm.get(_norm_name(name))
            if real is not None and real not in used:
                colmap[canon] = real
                used.add(real)
                break
    missing = [c for c in required if c not in colmap]
    if missing:
        c = missing[0]
        raise IngestError(
            f"{path}: no column for {c!r} (looked for {', '.join(aliases[c])}); "
            f"found columns: {', '.join(columns) or '(none)'}. "
            f"Name the column with {how_to_map(map_flag, c)}" + (f" (also missing: {', '.join(missing[1:])})"
                                                                 if len(missing) > 1 else ""),
            path=path, found=columns, missing=c, flag=how_to_map(map_flag, c))
    return colmap


#: ``map_flag`` of the Python API: messages then say ``mapping={"text": "COLUMN"}``, not a CLI flag.
PYTHON_MAPPING = "mapping"
#: ``map_flag`` of a file read without any mapping option: messages say which header to give the column.
HEADER_ONLY = "header"


def how_to_map(map_flag: str, canon: str, src: str = "COLUMN") -> str:
    """How the user names a column, in their own terms: ``--map text=COLUMN`` or ``mapping={"text": "COLUMN"}``.

    >>> how_to_map("--map", "text"), how_to_map(PYTHON_MAPPING, "text", "title")
    ('--map text=COLUMN', 'mapping={"text": "title"}')
    """
    if map_flag == PYTHON_MAPPING:
        return f'mapping={{"{canon}": "{src}"}}'
    if map_flag == HEADER_ONLY:  # a file the command line reads without a mapping option (the outlets table)
        return f"the header {canon} (rename the file's column)"
    return f"{map_flag} {canon}={src}"


def source_label(src) -> str:
    """A source column, or several (``("title", "desc")`` -> ``"title|desc"``), for messages."""
    if isinstance(src, Constant):
        return f"(the whole file: {src.value})"
    return src if isinstance(src, str) else "|".join(map(str, src))


def source_values(frame: pd.DataFrame, src, *, as_string: bool = True) -> pd.Series:
    """The values of source column ``src`` (or, for a tuple, the first non-blank of its
    columns row by row), as ``string`` when ``as_string`` (always for a tuple); a :class:`Constant`
    fills every row."""
    if isinstance(src, Constant):
        return pd.Series([src.value] * len(frame), dtype="string")
    if isinstance(src, str):
        s = frame[src]
        return (to_str(s) if as_string else s).reset_index(drop=True)
    out = to_str(frame[src[0]]).reset_index(drop=True)
    for other in src[1:]:
        fill = is_blank(out)
        if not fill.any():
            break
        alt = to_str(frame[other]).reset_index(drop=True)
        out = out.where(~fill, alt)
    return out
