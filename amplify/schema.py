"""The canonical tables: ``posts``, ``outlets`` and ``links``.

Every stage of amplify speaks these three tables (pandas DataFrames). They are
defined once here -- column names, dtypes and meaning -- and validated at the
edges (ingest, workspace reads, the public API), so the code inside can trust
them.

``posts``
    One row per post, tweet, Telegram message, article or statement.

``outlets``
    One row per outlet (account, channel, site) with the camp it belongs to.
    Outlets that posts mention but the table lacks get group ``unknown``.

``links``
    One row per "target echoes source": the source was published first, the
    target repeats, quotes or paraphrases it. Spans are character offsets into
    the *original* texts (``text[start:end]``).

Examples
--------
>>> import pandas as pd
>>> from amplify import schema
>>> posts = schema.validate_posts(pd.DataFrame({
...     "post_id": ["1"], "outlet": ["tass"],
...     "published_at": ["2024-01-05T10:00:00Z"], "text": ["Hello"]}))
>>> str(posts["published_at"].dt.tz)
'UTC'
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

__all__ = [
    "Column",
    "POSTS",
    "OUTLETS",
    "LINKS",
    "LINK_KINDS",
    "UNKNOWN_GROUP",
    "SchemaError",
    "validate_posts",
    "validate_outlets",
    "validate_links",
    "empty_posts",
    "empty_outlets",
    "empty_links",
]

STRING = "string"  # pandas' nullable string dtype, the same under pandas 2 and 3
TIME = "datetime64[ns, UTC]"

#: Group given to outlets that the outlets table does not list.
UNKNOWN_GROUP = "unknown"

#: Link kinds, from most explicit to loosest. ``repost`` and ``quote_post`` come
#: from platform ids (a retweet, a quote tweet, a forward); the others are
#: found in the text by :func:`amplify.detect`. ``template`` (same frame, other
#: facts) is kept to be seen but is not an echo.
LINK_KINDS = ("repost", "quote_post", "verbatim", "quote", "reuse", "paraphrase", "template",
              "translation", "semantic")
# ``translation`` (the echo is in another language) and ``semantic`` (same language, other
# words) come from the semantic stage of detection (``detect --semantic``).


class SchemaError(ValueError):
    """A table lacks required columns or holds values of the wrong type."""


@dataclass(frozen=True)
class Column:
    """One column of a canonical table: its name, pandas dtype, whether it must be present, what it means."""

    name: str
    dtype: str
    required: bool
    doc: str


POSTS: tuple[Column, ...] = (
    Column("post_id", STRING, True, "unique id of the post (platform id, or derived from file and row)"),
    Column("outlet", STRING, True, "account, channel or outlet handle that published the post"),
    Column("published_at", TIME, True, "publication time, tz-aware UTC"),
    Column("text", STRING, True, "the text exactly as given (no stripping; normalisation happens in detection)"),
    Column("url", STRING, False, "address of the post"),
    Column("lang", STRING, False, "language code, if the source gives one"),
    Column("title", STRING, False, "headline, for articles"),
    Column("speaker", STRING, False, "who speaks in the post (a transcript's spokesperson, an article's author): "
                                     "an echo naming them is attributed"),
    Column("reposted_id", STRING, False, "post_id this post reposts (retweet, forward)"),
    Column("quoted_id", STRING, False, "post_id this post quotes (quote tweet)"),
    Column("replied_id", STRING, False, "post_id this post replies to"),
    Column("origin", STRING, False, "where the row came from: 'file:row'"),
    Column("urls", "object", False, "web addresses the post links to (text and platform fields), normalised: "
                                    "a list of str, None when it links nowhere (amplify.ingest.urls)"),
    Column("lang_detected", STRING, False, "language identified offline by amplify (ISO 639-1; 'und': too short "
                                           "to tell); see amplify.text.language"),
)

OUTLETS: tuple[Column, ...] = (
    Column("outlet", STRING, True, "handle, as in posts.outlet"),
    Column("group", STRING, True, "camp label, e.g. RU, CN, IR, or any label the user chooses"),
    Column("kind", STRING, False, "e.g. state_media, diplomat, ministry"),
    Column("name", STRING, False, "display name, also used to detect attribution"),
    Column("country", STRING, False, "country code or name"),
    Column("aliases", STRING, False, "other names the outlet is cited by, separated by '|'"),
)

LINKS: tuple[Column, ...] = (
    Column("source_id", STRING, True, "post_id of the earlier post"),
    Column("target_id", STRING, True, "post_id of the later post that echoes it"),
    Column("kind", STRING, True, "one of LINK_KINDS"),
    Column("score", "float64", True, "similarity 0-100 of the matched text"),
    Column("source_start", "int64", True, "start of the matched text in the source (char offset)"),
    Column("source_end", "int64", True, "end of the matched text in the source (exclusive)"),
    Column("target_start", "int64", True, "start of the matched text in the target"),
    Column("target_end", "int64", True, "end of the matched text in the target (exclusive)"),
    Column("lag_s", "float64", True, "target time minus source time, seconds (>= 0)"),
    Column("attributed", "bool", True, "the target names the source outlet, an alias, or the source's speaker"),
    Column("is_parent", "bool", True, "the source is the target's most likely direct source (one per quoted "
                                      "passage: a target quoting two sources has two parents)"),
    Column("tie", "bool", True, "both posts share one timestamp: the direction is not known"),
    Column("source_coverage", "float64", False, "share of the source inside reused passages (0-1; NaN: not measured)"),
    Column("target_coverage", "float64", False, "share of the target inside reused passages (0-1; NaN: not measured)"),
    Column("passages", STRING, False, "every reused passage when there are two or more: JSON list of "
                                      "[source_start, source_end, target_start, target_end] character offsets"),
    Column("time_reference", STRING, False, "for a link past the window: the time the target says the words were "
                                            "said ('last month', 'on 8 May'), '' when it says none"),
    Column("aligned", STRING, False, "translation and semantic links: every aligned sentence pair, JSON list of "
                                     "[source_start, source_end, target_start, target_end, cosine x 100]"),
)

TABLES = {"posts": POSTS, "outlets": OUTLETS, "links": LINKS}


def _names(cols, required_only=False):
    return [c.name for c in cols if c.required or not required_only]


def _check_required(df: pd.DataFrame, cols, table: str) -> None:
    missing = [c for c in _names(cols, True) if c not in df.columns]
    if missing:
        raise SchemaError(
            f"{table} table is missing required column(s) {missing}; "
            f"found columns {list(map(str, df.columns))}"
        )


def _to_utc(s: pd.Series) -> pd.Series:
    if not isinstance(s.dtype, pd.DatetimeTZDtype) and s.dtype.kind in "OUT":
        try:  # mixed precision ISO strings ("...00Z" and "...00.123Z") need the ISO parser
            s = pd.to_datetime(s, utc=True, format="ISO8601")
        except (ValueError, TypeError):
            s = pd.to_datetime(s, utc=True)
    else:
        s = pd.to_datetime(s, utc=True)
    return s if s.dtype == TIME else s.astype(TIME)


def _coerce(df: pd.DataFrame, cols, table: str) -> pd.DataFrame:
    out = {}
    for c in cols:
        if c.name not in df.columns:
            continue
        s = df[c.name]
        try:
            if c.dtype == TIME:
                s = _to_utc(s)
            elif c.dtype == STRING:
                # pandas 3's default `str` dtype compares equal to "string" but
                # uses NaN for missing values; the canonical one uses pd.NA
                if not (isinstance(s.dtype, pd.StringDtype) and s.dtype.na_value is pd.NA):
                    s = s.astype(STRING)
            elif s.dtype != c.dtype:
                s = s.astype(c.dtype)
        except (ValueError, TypeError) as exc:
            raise SchemaError(f"{table}.{c.name}: cannot read values as {c.dtype}: {exc}") from exc
        out[c.name] = s
    extra = [k for k in df.columns if k not in out]
    res = pd.DataFrame(out, index=df.index)
    for k in extra:  # keep the user's extra columns untouched, after the canonical ones
        res[k] = df[k]
    return res.reset_index(drop=True)


def validate_posts(df: pd.DataFrame) -> pd.DataFrame:
    """Return ``df`` with canonical post dtypes; raise :class:`SchemaError` if it can't be.

    Checks that the required columns are present, ``post_id`` is unique and
    not empty, and ``published_at`` converts to UTC.
    """
    _check_required(df, POSTS, "posts")
    out = _coerce(df, POSTS, "posts")
    for col in ("post_id", "outlet", "text"):
        if out[col].isna().any():
            raise SchemaError(f"posts.{col} has {int(out[col].isna().sum())} missing value(s)")
    if out["published_at"].isna().any():
        raise SchemaError(f"posts.published_at has {int(out['published_at'].isna().sum())} missing value(s)")
    dup = out["post_id"].duplicated(keep=False)
    if dup.any():
        raise SchemaError(f"posts.post_id is not unique: {sorted(out.loc[dup, 'post_id'].unique())[:5]}")
    return out


def validate_outlets(df: pd.DataFrame) -> pd.DataFrame:
    """Return ``df`` with canonical outlet dtypes; outlets must be unique."""
    _check_required(df, OUTLETS, "outlets")
    out = _coerce(df, OUTLETS, "outlets")
    if out["outlet"].isna().any():
        raise SchemaError("outlets.outlet has missing values")
    out["group"] = out["group"].fillna(UNKNOWN_GROUP)
    dup = out["outlet"].duplicated(keep=False)
    if dup.any():
        raise SchemaError(f"outlets.outlet is not unique: {sorted(out.loc[dup, 'outlet'].unique())[:5]}")
    return out


def validate_links(df: pd.DataFrame) -> pd.DataFrame:
    """Return ``df`` with canonical link dtypes; kinds must be in :data:`LINK_KINDS`."""
    _check_required(df, LINKS, "links")
    out = _coerce(df, LINKS, "links")
    bad = ~out["kind"].isin(LINK_KINDS)
    if bad.any():
        raise SchemaError(f"links.kind has unknown kinds {sorted(out.loc[bad, 'kind'].unique())}")
    if (out["lag_s"] < 0).any():
        raise SchemaError("links.lag_s is negative: a source must not be later than its target")
    return out


def _empty(cols) -> pd.DataFrame:
    return pd.DataFrame({c.name: pd.Series(dtype=c.dtype) for c in cols})


def empty_posts(optional: bool = False) -> pd.DataFrame:
    """An empty posts table (required columns, or all with ``optional=True``)."""
    return _empty([c for c in POSTS if c.required or optional])


def empty_outlets(optional: bool = False) -> pd.DataFrame:
    """An empty outlets table (required columns, or all with ``optional=True``)."""
    return _empty([c for c in OUTLETS if c.required or optional])


def empty_links() -> pd.DataFrame:
    """An empty links table (every column)."""
    return _empty(LINKS)
