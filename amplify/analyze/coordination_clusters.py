"""Clusters of coordinated accounts: the connected groups their coordinated pairs form.

:func:`coordination_clusters` joins the pairs that
:func:`~amplify.analyze.coordination.coordination` flags into connected
components (accounts linked through any chain of coordinated pairs), and
describes each: its size and accounts, the camps they belong to, the
co-posts inside it, the content they pushed together most, and the time
from its first co-post to its last. Components, not communities: a pair is
flagged only when its co-posting beats its own shifted timelines, so every
edge is already evidence, and a chain of them is the group a researcher
reads first. (Louvain, :func:`amplify.analyze.communities.louvain_partition`,
splits a large component further when asked: ``communities=True``.)

Examples
--------
>>> import pandas as pd
>>> pairs = pd.DataFrame({"account_a": ["a", "b", "x"], "account_b": ["b", "c", "y"],
...     "coordinated": [True, True, False], "co_posts": [5, 4, 3],
...     "first": pd.to_datetime(["2022-01-01", "2022-01-02", "2022-01-01"], utc=True),
...     "last": pd.to_datetime(["2022-01-03", "2022-01-04", "2022-01-02"], utc=True)})
>>> c = coordination_clusters(pairs)
>>> c[["cluster", "size", "accounts", "co_posts"]].values.tolist()
[[1, 3, 'a, b, c', 9]]
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from amplify.analyze.tables import matched_text, post_texts

__all__ = ["coordination_clusters", "CLUSTER_COLUMNS", "cluster_of_account"]

CLUSTER_COLUMNS = ["cluster", "size", "accounts", "camps", "pairs", "co_posts", "first", "last", "span_h",
                   "top_content_by", "top_content", "top_content_posts", "top_content_id"]


def _graph(pairs: pd.DataFrame) -> nx.Graph:
    flagged = pairs[pairs["coordinated"].to_numpy(dtype=bool)] if len(pairs) else pairs
    g = nx.Graph()
    for a, b, n in zip(flagged["account_a"], flagged["account_b"], flagged["co_posts"]):
        g.add_edge(str(a), str(b), weight=int(n))
    return g


def cluster_of_account(pairs: pd.DataFrame, communities: bool = False, seed: int = 0) -> dict:
    """Account -> cluster number (1 = the largest), over the coordinated pairs.

    >>> import pandas as pd
    >>> cluster_of_account(pd.DataFrame({"account_a": ["a", "x"], "account_b": ["b", "y"],
    ...     "coordinated": [True, True], "co_posts": [3, 9]}))
    {'a': 1, 'b': 1, 'x': 2, 'y': 2}
    """
    g = _graph(pairs)
    if communities and g.number_of_edges():
        from amplify.analyze.communities import louvain_partition

        return louvain_partition(g, weight="weight", seed=seed)
    comps = sorted((sorted(c) for c in nx.connected_components(g)), key=lambda c: (-len(c), c[0]))
    return {a: i + 1 for i, c in enumerate(comps) for a in c}


def coordination_clusters(pairs: pd.DataFrame, frame=None, pair_keys: pd.DataFrame | None = None,
                          labels: pd.DataFrame | None = None, *, texts=None, communities: bool = False,
                          seed: int = 0) -> pd.DataFrame:
    """One row per cluster of coordinated accounts (:data:`CLUSTER_COLUMNS`), largest first.

    Parameters
    ----------
    pairs : DataFrame
        The pairs table of :func:`~amplify.analyze.coordination.coordination`
        (``account_a``, ``account_b``, ``coordinated``, ``co_posts``, ``first``, ``last``).
    frame : Frame, optional
        For the camps of the accounts.
    pair_keys, labels : DataFrame, optional
        Co-posts per (row of ``pairs``, content key), and each key's label
        (``by``, ``post_id``, ``url``): for the content pushed most.
    texts : DataFrame or Workspace, optional
        Where to read that content's text.
    communities : bool
        Split components into Louvain communities.
    """
    member = cluster_of_account(pairs, communities=communities, seed=seed)
    if not member:
        return pd.DataFrame(columns=CLUSTER_COLUMNS)
    flagged = np.flatnonzero(pairs["coordinated"].to_numpy(dtype=bool))
    fp = pairs.iloc[flagged]
    ca = np.asarray([member[str(x)] for x in fp["account_a"]])
    cb = np.asarray([member[str(x)] for x in fp["account_b"]])
    inside = ca == cb
    group_of = {}
    if frame is not None:
        group_of = dict(zip(map(str, frame.outlets), frame.groups[frame.group_of_outlet]))
    rows = []
    for cid in sorted(set(member.values())):
        accounts = sorted(a for a, c in member.items() if c == cid)
        sel = inside & (ca == cid)
        sub = fp[sel]
        camps = pd.Series([group_of.get(a, "") for a in accounts]).value_counts()
        first, last = sub["first"].min(), sub["last"].max()
        row = {"cluster": cid, "size": len(accounts), "accounts": ", ".join(accounts),
               "camps": ", ".join(f"{k} {v}" for k, v in camps.items() if k) if group_of else "",
               "pairs": int(sel.sum()), "co_posts": int(sub["co_posts"].sum()), "first": first, "last": last,
               "span_h": round((last - first).total_seconds() / 3600, 2) if len(sub) else 0.0,
               "top_content_by": None, "top_content": None, "top_content_posts": 0, "top_content_id": None}
        if pair_keys is not None and labels is not None and len(pair_keys):
            pk = pair_keys[np.isin(pair_keys["pair"].to_numpy(), flagged[sel])]
            if len(pk):
                tot = pk.groupby("key")["n"].sum()
                best = int(tot.idxmax())
                lab = labels.iloc[best]
                row["top_content_by"] = str(lab["by"])
                row["top_content_posts"] = int(tot.max())
                row["top_content_id"] = None if pd.isna(lab["post_id"]) else str(lab["post_id"])
                row["top_content"] = None if pd.isna(lab["url"]) else str(lab["url"])
        rows.append(row)
    out = pd.DataFrame(rows, columns=CLUSTER_COLUMNS)
    if texts is not None:
        ids = [i for i, u in zip(out["top_content_id"], out["top_content"]) if i is not None and u is None]
        if ids:
            tx = post_texts(texts, ids)
            out["top_content"] = [matched_text(tx.get(i), 0, 160, 160) if (u is None and i is not None)
                                  else u for i, u in zip(out["top_content_id"], out["top_content"])]
    return out
