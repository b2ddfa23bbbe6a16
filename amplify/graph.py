"""Graph views of the links: posts, outlets, camps.

Three views of one links table, each a :class:`networkx.DiGraph` whose edges
point from the amplified (source) to the amplifier (target) -- the direction
content travels:

* :func:`post_graph` -- nodes are posts, edges are links with all their
  evidence (kind, score, spans, lag, attribution, parent flag);
* :func:`outlet_graph` -- nodes are outlets (camp, kind, posts, echoes given
  and received); an edge ``A -> B`` aggregates every post link from A's posts
  to B's posts: ``count``, mean ``score``, median and min ``lag_s``, first and
  last time, and a count per link kind;
* :func:`group_graph` -- the same aggregated to camps (``RU -> CN`` ...).

By default only *parent* links are counted (``parents_only=True``): each echo
then contributes exactly one edge, from its most likely direct source, so a
statement copied by a hundred accounts does not also count the copies of each
other. The DataFrame versions (:func:`outlet_edges`, :func:`group_edges`) feed
tables and renderers without building a graph.

Examples
--------
>>> import pandas as pd
>>> from amplify.detect import detect
>>> from amplify.graph import outlet_graph
>>> posts = pd.DataFrame({
...     "post_id": ["a", "b"], "outlet": ["mfa_china", "sputnik"],
...     "published_at": ["2022-01-05 10:00Z", "2022-01-05 13:00Z"],
...     "text": ["The United States must stop interfering in the internal affairs of Kazakhstan."] * 2})
>>> outlets = pd.DataFrame({"outlet": ["mfa_china", "sputnik"], "group": ["CN", "RU"]})
>>> g = outlet_graph(detect(posts), posts, outlets)
>>> g.edges["mfa_china", "sputnik"]["count"], g.nodes["sputnik"]["group"]
(1, 'RU')
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from amplify import schema
from amplify.utc import iso_z, utc_timestamp

__all__ = ["utc", "filter_links", "annotate_links", "post_graph", "outlet_edges", "outlet_nodes",
           "outlet_graph", "group_edges", "group_graph"]


#: A timestamp in UTC (a naive one is taken to be UTC already); kept under its old name for scripts.
utc = utc_timestamp


def filter_links(links: pd.DataFrame, posts: pd.DataFrame | None = None, *, since=None, until=None,
                 kinds=None, parents_only: bool = True) -> pd.DataFrame:
    """Links restricted by target time (``since`` <= t < ``until``), kind and parent flag.

    Without ``kinds``, every kind of echo: ``template`` links (same frame,
    other facts) are not echoes and are left out unless asked for by name."""
    out = links
    if parents_only:
        out = out[out["is_parent"]]
    if kinds:
        out = out[out["kind"].isin(list(kinds))]
    else:
        out = out[out["kind"] != "template"]
    if (since is not None or until is not None) and posts is not None:
        t = posts.set_index("post_id")["published_at"].reindex(out["target_id"].to_numpy())
        t = pd.to_datetime(t, utc=True).dt.tz_convert(None).to_numpy()
        keep = np.ones(len(out), dtype=bool)
        if since is not None:
            keep &= t >= utc_timestamp(since).tz_convert(None).to_datetime64()
        if until is not None:
            keep &= t < utc_timestamp(until).tz_convert(None).to_datetime64()
        out = out[keep]
    return out


def _group_map(outlets: pd.DataFrame | None) -> pd.Series:
    if outlets is None or outlets.empty:
        return pd.Series(dtype=object)
    return outlets.set_index("outlet")["group"]


def annotate_links(links: pd.DataFrame, posts: pd.DataFrame, outlets: pd.DataFrame | None = None) -> pd.DataFrame:
    """Links plus ``source_outlet``, ``target_outlet``, their groups and times."""
    p = posts.set_index("post_id")
    groups = _group_map(outlets)
    out = links.copy()
    for side in ("source", "target"):
        rows = p.reindex(out[f"{side}_id"].to_numpy())
        out[f"{side}_outlet"] = rows["outlet"].to_numpy()
        out[f"{side}_time"] = pd.to_datetime(rows["published_at"], utc=True).to_numpy()
        g = groups.reindex(rows["outlet"].to_numpy()).to_numpy(dtype=object)
        out[f"{side}_group"] = np.where(pd.isna(g), schema.UNKNOWN_GROUP, g)
    return out


def _aggregate(ann: pd.DataFrame, a: str, b: str) -> pd.DataFrame:
    if ann.empty:
        return pd.DataFrame(columns=["source", "target", "count", "score", "lag_s_median", "lag_s_min",
                                     "first", "last", "attributed"] + [f"n_{k}" for k in schema.LINK_KINDS])
    g = ann.groupby([a, b], sort=True, observed=True)
    out = g.agg(count=("source_id", "size"), score=("score", "mean"), lag_s_median=("lag_s", "median"),
                lag_s_min=("lag_s", "min"), first=("target_time", "min"), last=("target_time", "max"),
                attributed=("attributed", "sum"))
    kinds = pd.crosstab([ann[a], ann[b]], ann["kind"]).reindex(columns=list(schema.LINK_KINDS), fill_value=0)
    kinds.columns = [f"n_{k}" for k in kinds.columns]
    kinds.index.names = [a, b]
    out = out.join(kinds).reset_index().rename(columns={a: "source", b: "target"})
    out["score"] = out["score"].round(2)
    out["attributed"] = out["attributed"].astype(np.int64)
    return out


def _edges(level, links, posts, outlets, since, until, kinds, parents_only, min_count) -> pd.DataFrame:
    ann = annotate_links(filter_links(links, posts, since=since, until=until, kinds=kinds,
                                      parents_only=parents_only), posts, outlets)
    out = _aggregate(ann, f"source_{level}", f"target_{level}")
    return out[out["count"] >= min_count].sort_values(["count", "source", "target"], ascending=[False, True, True]) \
        .reset_index(drop=True)


def outlet_edges(links, posts, outlets=None, *, since=None, until=None, kinds=None, parents_only=True,
                 min_count: int = 1) -> pd.DataFrame:
    """One row per (source outlet, target outlet) with aggregated evidence."""
    return _edges("outlet", links, posts, outlets, since, until, kinds, parents_only, min_count)


def outlet_nodes(links, posts, outlets=None, *, parents_only=True, since=None, until=None, kinds=None) -> pd.DataFrame:
    """One row per outlet: group, kind, name, posts, echoes given and received."""
    ls = filter_links(links, posts, since=since, until=until, kinds=kinds, parents_only=parents_only)
    ann = annotate_links(ls, posts, outlets)
    n_posts = posts["outlet"].value_counts()
    nodes = pd.DataFrame({"outlet": sorted(set(posts["outlet"].astype(str)))})
    meta = outlets.set_index("outlet") if outlets is not None and not outlets.empty else pd.DataFrame()
    for col in ("group", "kind", "name", "country"):
        vals = meta[col].reindex(nodes["outlet"]).to_numpy(dtype=object) if col in meta.columns else \
            np.full(len(nodes), None, dtype=object)
        if col == "group":
            vals = np.where(pd.isna(vals), schema.UNKNOWN_GROUP, vals)
        nodes[col] = vals
    nodes["posts"] = n_posts.reindex(nodes["outlet"]).fillna(0).astype(np.int64).to_numpy()
    nodes["echoes_given"] = ann["source_outlet"].value_counts().reindex(nodes["outlet"]).fillna(0) \
        .astype(np.int64).to_numpy()
    nodes["echoes_received"] = ann["target_outlet"].value_counts().reindex(nodes["outlet"]).fillna(0) \
        .astype(np.int64).to_numpy()
    return nodes


def _clean(v):
    """A table value as a plain graph attribute: numpy numbers as Python ones, times as ISO text, NaN as None."""
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating,)):
        return float(v)
    if isinstance(v, pd.Timestamp):
        return iso_z(v) if v.tz is not None else v.isoformat()
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    return v


def _to_graph(nodes: pd.DataFrame, key: str, edges: pd.DataFrame) -> nx.DiGraph:
    g = nx.DiGraph()
    for rec in nodes.to_dict("records"):
        g.add_node(rec[key], **{k: _clean(v) for k, v in rec.items() if k != key and _clean(v) is not None})
    for rec in edges.to_dict("records"):
        g.add_edge(rec["source"], rec["target"],
                   **{k: _clean(v) for k, v in rec.items() if k not in ("source", "target")})
    return g


def outlet_graph(links, posts, outlets=None, *, since=None, until=None, kinds=None, parents_only=True,
                 min_count: int = 1) -> nx.DiGraph:
    """Outlets as nodes, aggregated amplification as edges (see module docs)."""
    nodes = outlet_nodes(links, posts, outlets, parents_only=parents_only, since=since, until=until, kinds=kinds)
    edges = outlet_edges(links, posts, outlets, since=since, until=until, kinds=kinds,
                         parents_only=parents_only, min_count=min_count)
    return _to_graph(nodes, "outlet", edges)


def group_edges(links, posts, outlets=None, *, since=None, until=None, kinds=None, parents_only=True,
                min_count: int = 1) -> pd.DataFrame:
    """One row per (source group, target group) with aggregated evidence."""
    return _edges("group", links, posts, outlets, since, until, kinds, parents_only, min_count)


def group_graph(links, posts, outlets=None, *, since=None, until=None, kinds=None, parents_only=True,
                min_count: int = 1) -> nx.DiGraph:
    """Camps as nodes (with outlet and post counts), aggregated amplification as edges."""
    on = outlet_nodes(links, posts, outlets, parents_only=parents_only, since=since, until=until, kinds=kinds)
    nodes = on.groupby("group").agg(outlets=("outlet", "size"), posts=("posts", "sum"),
                                    echoes_given=("echoes_given", "sum"),
                                    echoes_received=("echoes_received", "sum")).reset_index()
    edges = group_edges(links, posts, outlets, since=since, until=until, kinds=kinds,
                        parents_only=parents_only, min_count=min_count)
    return _to_graph(nodes, "group", edges)


def post_graph(links, posts=None, outlets=None, *, parents_only=False) -> nx.DiGraph:
    """Posts as nodes (outlet, group, time when ``posts`` is given), links as edges with all evidence."""
    ls = links[links["is_parent"]] if parents_only else links
    g = nx.DiGraph()
    if posts is not None:
        ids = pd.unique(np.r_[ls["source_id"].to_numpy(dtype=object), ls["target_id"].to_numpy(dtype=object)])
        p = posts.set_index("post_id").reindex(ids)
        groups = _group_map(outlets)
        for pid, outlet, t in zip(ids, p["outlet"], p["published_at"]):
            grp = groups.get(outlet, schema.UNKNOWN_GROUP) if isinstance(outlet, str) else schema.UNKNOWN_GROUP
            g.add_node(pid, outlet=outlet, group=grp, time=pd.Timestamp(t).isoformat() if pd.notna(t) else None)
    cols = [c for c in ls.columns if c not in ("source_id", "target_id")]
    for rec in ls[["source_id", "target_id"] + cols].itertuples(index=False, name=None):
        g.add_edge(rec[0], rec[1], **{c: _clean(v) for c, v in zip(cols, rec[2:])})
    return g
