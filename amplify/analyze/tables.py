"""Reading what an analysis needs from a workspace: the tables, and the few texts it shows.

:func:`load` reads the canonical tables of a
:class:`~amplify.workspace.Workspace` (posts without their text by default:
most analyses never look at it). :func:`post_texts` reads the texts of just
the posts an analysis shows (a Parquet filter on ``post_id``), and
:func:`matched_text` cuts the span a link matched, for display;
:func:`json_records` is the JSON form of every table the analyses return.

Examples
--------
>>> import pandas as pd
>>> posts = pd.DataFrame({"post_id": ["a", "b"], "text": ["first text", "second text"]})
>>> post_texts(posts, ["b", "zz"]).to_dict()
{'b': 'second text'}
>>> matched_text("The United States must stop interfering", 4, 39, limit=13)
'United States…'
>>> json_records(pd.DataFrame({"t": [pd.Timestamp("2022-01-05", tz="UTC")], "text": ["Пекин"]}))
[{'t': '2022-01-05T00:00:00.000Z', 'text': 'Пекин'}]
"""

from __future__ import annotations

import json

import pandas as pd

__all__ = ["load", "post_texts", "text_table", "matched_text", "json_records"]


def load(ws, linkset: str | None = None, *, text: bool = False):
    """``(links, posts, outlets)`` of a workspace (posts without their text unless ``text=True``).

    Parameters
    ----------
    ws : amplify.workspace.Workspace or path
    linkset : str, optional
        Link set id (default: the latest).
    text : bool
        Also read the posts' text (slower on large corpora; most analyses
        fetch the few texts they show with :func:`post_texts`).
    """
    from amplify.workspace import Workspace

    if not hasattr(ws, "posts"):
        ws = Workspace.open(ws)
    posts = ws.posts(columns=["post_id", "outlet", "published_at"] + (["text"] if text else []))
    outlets = ws.outlets()
    links = ws.links(linkset=linkset)
    return links, posts, outlets


def post_texts(source, ids) -> pd.Series:
    """Texts of the posts ``ids`` (a Series indexed by post_id; missing ids are absent).

    ``source`` is a posts DataFrame with a ``text`` column, or a Workspace:
    then only the rows asked for are read (a Parquet filter on ``post_id``
    over the parts the manifest names), which is fast on large corpora.
    """
    t = text_table(source, ids)
    if t.num_rows == 0:
        return pd.Series(dtype="string")
    return pd.Series(t.column("text").to_pandas(types_mapper=pd.ArrowDtype).astype("string").to_numpy(),
                     index=t.column("post_id").to_numpy(zero_copy_only=False).astype(object), name="text")


def text_table(source, ids):
    """``post_id`` and ``text`` of the posts ``ids`` as an Arrow table (no Python strings made).

    The Arrow form of :func:`post_texts`, for the analyses that read many
    texts at once (paths looking for citations): ``source`` is a posts
    DataFrame with ``text`` or a Workspace. Missing ids are absent; each id
    appears once.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    ids = pa.array(list(dict.fromkeys(str(i) for i in ids)), type=pa.string())
    empty = pa.table({"post_id": pa.array([], pa.string()), "text": pa.array([], pa.string())})
    if len(ids) == 0:
        return empty
    if isinstance(source, pd.DataFrame):
        keys = pa.array(source["post_id"].astype(str).to_numpy(dtype=object), type=pa.string())
        hit = pc.is_in(keys, value_set=ids)
        texts = source["text"]
        try:
            arr = pa.array(texts.array)
        except (TypeError, pa.ArrowInvalid):
            arr = pa.array(texts.astype(object).to_numpy(), type=pa.string())
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
        return pa.table({"post_id": keys.filter(hit), "text": arr.cast(pa.string()).filter(hit)})
    try:
        from amplify.workspace.parts import read_rows_with_ids

        parts = source.manifest["posts"]["parts"]
        root = source.path
        # the ids first, then only the row groups holding a wanted post: a few texts of a million-post
        # workspace decode a few groups, not every text (a Parquet filter on random ids prunes nothing)
        tables = [read_rows_with_ids(root / p["file"], ["post_id", "text"], ids) for p in parts]
        t = pa.concat_tables(tables, promote_options="permissive") if tables else empty
        return t.select(["post_id", "text"]).cast(empty.schema) if t.num_rows else empty
    except (KeyError, AttributeError, FileNotFoundError, TypeError):
        p = source.posts(columns=["post_id", "text"])
        return text_table(p, ids.to_pylist())


def matched_text(text, start, end, limit: int | None = 300) -> str | None:
    """``text[start:end]`` cut to ``limit`` characters (with an ellipsis); None if there is no text."""
    if not isinstance(text, str):
        return None
    s = text[int(start):int(end)]
    if limit is not None and len(s) > limit:
        s = s[:limit] + "…"
    return s


def json_records(df: pd.DataFrame | None) -> list | None:
    """A table as JSON-ready records: times in ISO 8601, text as it is (not ASCII-escaped); None stays None."""
    if df is None:
        return None
    return json.loads(df.to_json(orient="records", date_format="iso", force_ascii=False))
