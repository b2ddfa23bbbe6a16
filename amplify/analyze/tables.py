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

__all__ = ["load", "post_texts", "matched_text", "json_records"]


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
    ids = list(dict.fromkeys(str(i) for i in ids))
    if isinstance(source, pd.DataFrame):
        import pyarrow as pa
        import pyarrow.compute as pc

        keys = source["post_id"].astype(str)
        # Arrow's hash lookup: pandas' isin on Arrow strings loops in Python
        hit = pc.is_in(pa.array(keys.to_numpy(dtype=object), type=pa.string()),
                       value_set=pa.array(ids, type=pa.string())).to_numpy(zero_copy_only=False).astype(bool)
        return pd.Series(source["text"].to_numpy()[hit], index=keys.to_numpy(dtype=object)[hit], name="text")
    if not ids:
        return pd.Series(dtype="string")
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.parquet as pq

        parts = source.manifest["posts"]["parts"]
        root = source.path
        want = pa.array(ids, type=pa.string())
        tables = []
        for p in parts:
            t = pq.read_table(root / p["file"], columns=["post_id", "text"],
                              filters=pc.field("post_id").isin(want))
            tables.append(t)
        t = pa.concat_tables(tables, promote_options="permissive") if tables else None
        if t is None or t.num_rows == 0:
            return pd.Series(dtype="string")
        df = t.to_pandas()
        return pd.Series(df["text"].astype("string").to_numpy(), index=df["post_id"].astype(str).to_numpy())
    except (KeyError, AttributeError, FileNotFoundError, TypeError):
        p = source.posts(columns=["post_id", "text"])
        s = p.set_index(p["post_id"].astype(str))["text"]
        return s[s.index.isin(ids)]


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
