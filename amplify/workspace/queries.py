"""Read-side joins over a workspace: links with the evidence of both posts.

The workspace stores links by post id only; a reader wants to see who echoes
whom, in which camp, when, and the matched words. :func:`links_with_evidence`
joins a link set with both posts' outlets, groups, times and matched passages,
reading only the posts the selected links name. ``amplify links`` prints its
result; it does not join.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


if TYPE_CHECKING:  # only for the annotations: the Workspace class uses this module's siblings
    from amplify.workspace.facade import Workspace

__all__ = ["links_with_evidence", "EVIDENCE_SIDES", "SPARSE_READ_SHARE", "PASSAGE_CHARS"]

#: The two posts of a link: the prefix of their evidence columns and the link column naming them.
EVIDENCE_SIDES = (("source", "source_id"), ("target", "target_id"))
#: Passages longer than this many characters are cut by default (a table cell, not a file).
PASSAGE_CHARS = 300
# Below this many links per stored post, reading the posts the links name (by
# id, through the parts' row groups) is cheaper than reading every post; above
# it the filtering costs more than it saves.
SPARSE_READ_SHARE = 0.2


def _posts_named(ws: "Workspace", links: pd.DataFrame) -> pd.DataFrame:
    """``post_id``, ``outlet``, ``published_at``, ``text`` of the posts ``links`` name (or of all posts)."""
    ids = None
    if len(links) < SPARSE_READ_SHARE * ws.n_posts:
        ids = pd.unique(np.r_[links["source_id"].to_numpy(dtype=object), links["target_id"].to_numpy(dtype=object)])
    return ws.posts(columns=["post_id", "outlet", "published_at", "text"], ids=ids)


@dataclass
class _PostColumns:
    """The posts of a join as Arrow and numpy columns, looked up by position (no Python loop per link)."""

    ids: pa.Array  # post_id, large_string: the value set of pc.index_in
    outlet_code: np.ndarray  # index into outlet_names, -1 for a missing outlet
    outlet_names: np.ndarray
    group_of: np.ndarray  # the group of each of outlet_names
    times: np.ndarray  # published_at, naive UTC datetime64
    texts: pa.Array

    @classmethod
    def of(cls, posts: pd.DataFrame, outlets: pd.DataFrame) -> "_PostColumns":
        outlet_code, outlet_names = pd.factorize(posts["outlet"])
        outlet_names = np.asarray(outlet_names, dtype=object)
        groups = outlets.set_index("outlet")["group"]
        return cls(ids=pa.array(posts["post_id"].astype("string").array).cast(pa.large_string()),
                   outlet_code=outlet_code, outlet_names=outlet_names,
                   group_of=groups.reindex(outlet_names).to_numpy(dtype=object),
                   times=posts["published_at"].dt.tz_convert(None).to_numpy(),
                   texts=pa.array(posts["text"].array))

    def evidence(self, post_id: pd.Series, starts: np.ndarray, ends: np.ndarray,
                 limit_text: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, pa.Array]:
        """Outlet, group, time and passage ``[starts, ends)`` of the post of each ``post_id``."""
        wanted = pa.array(post_id.astype("string").array).cast(pa.large_string())
        row = pc.index_in(wanted, value_set=self.ids)
        row = row.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
        found = row >= 0  # a link to a post no longer stored shows NA, not an error
        at = np.where(found, row, 0)
        if len(self.texts):
            code = self.outlet_code[at]
            named = found & (code >= 0)
            outlet = np.where(named, self.outlet_names[np.maximum(code, 0)], None) \
                if len(self.outlet_names) else np.full(len(row), None)
            group = np.where(named, self.group_of[np.maximum(code, 0)], None) \
                if len(self.outlet_names) else np.full(len(row), None)
            when = np.where(found, self.times[at], np.datetime64("NaT", "ns"))
        else:
            outlet = group = np.full(len(row), None)
            when = np.full(len(row), np.datetime64("NaT", "ns"))
        from amplify.text import slice_texts  # (amplify.text loads numba: not for every command's start)

        return outlet, group, when, slice_texts(self.texts, row, starts, ends, limit=limit_text)


def links_with_evidence(ws: "Workspace", linkset: str | None = None, *, parents_only: bool = False,
                        kinds: Iterable[str] | None = None, limit_text: int = PASSAGE_CHARS,
                        limit: int | None = None) -> pd.DataFrame:
    """Links joined with both posts' outlets, groups, times and matched passages.

    Filters and ``limit`` apply before the join, and only the posts the
    remaining links name are read, so a few links of a big workspace come
    fast. The join runs in Arrow and numpy: the texts stay in their Arrow
    buffers and only the matched passages are cut out (a whole link set of a
    big workspace is over a million passages).

    Parameters
    ----------
    ws : amplify.workspace.Workspace
        The workspace.
    linkset : str, optional
        A link set id or unique prefix; default the latest set.
    parents_only : bool, default False
        Only links with ``is_parent`` (each echo's most likely direct source).
    kinds : iterable of str, optional
        Only links of these kinds.
    limit_text : int, default 300
        Passages longer than this many characters are cut there and end
        with ``…``.
    limit : int, optional
        At most this many links (the first ones of the set's order).

    Returns
    -------
    pandas.DataFrame
        The link columns, then for ``source`` and ``target``:
        ``{side}_outlet``, ``{side}_group`` (``string``), ``{side}_time``
        (``datetime64[ns, UTC]``) and ``{side}_text`` (the matched passage,
        ``string``). A link to a post no longer stored shows NA there.

    Raises
    ------
    WorkspaceError
        No link sets, or ``linkset`` matches none or several.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> from amplify.workspace import Workspace
    >>> ws = Workspace.open(tempfile.mkdtemp() + "/ws", create=True)
    >>> with ws.writer():
    ...     _ = ws.add_posts(pd.DataFrame({"post_id": ["1", "2"], "outlet": ["mfa", "tass"],
    ...         "published_at": ["2024-03-01T08:00:00Z", "2024-03-01T09:00:00Z"],
    ...         "text": ["Talks went well", "MFA: talks went well"]}))
    ...     _ = ws.set_outlets(pd.DataFrame({"outlet": ["mfa", "tass"], "group": ["CN", "RU"]}))
    ...     _ = ws.save_links(pd.DataFrame({"source_id": ["1"], "target_id": ["2"], "kind": ["quote"],
    ...         "score": [100.0], "source_start": [0], "source_end": [15], "target_start": [5],
    ...         "target_end": [20], "lag_s": [3600.0], "attributed": [True], "is_parent": [True],
    ...         "tie": [False]}), {"min_score": 80}, covered_through=ws.last_seq)
    >>> ev = links_with_evidence(ws)
    >>> ev[["source_outlet", "source_group", "target_outlet", "target_group"]]
      source_outlet source_group target_outlet target_group
    0           mfa           CN          tass           RU
    >>> ev.loc[0, "target_time"], ev.loc[0, "target_text"]
    (Timestamp('2024-03-01 09:00:00+0000', tz='UTC'), 'talks went well')
    """
    links = ws.links(linkset=linkset)
    if parents_only:
        links = links[links["is_parent"]]
    if kinds:
        links = links[links["kind"].isin(list(kinds))]
    if limit is not None:
        links = links.head(limit)
    posts = _PostColumns.of(_posts_named(ws, links), ws.outlets())
    out = links.copy()
    for side, col in EVIDENCE_SIDES:
        outlet, group, when, passage = posts.evidence(out[col], out[f"{side}_start"].to_numpy(),
                                                      out[f"{side}_end"].to_numpy(), limit_text)
        out[f"{side}_outlet"] = pd.array(outlet, dtype="string")
        out[f"{side}_group"] = pd.array(group, dtype="string")
        out[f"{side}_time"] = pd.to_datetime(when, utc=True)
        out[f"{side}_text"] = pd.arrays.ArrowStringArray(passage.cast(pa.large_string()))
    out = out.reset_index(drop=True)
    return out.astype({"source_text": "string", "target_text": "string"})
