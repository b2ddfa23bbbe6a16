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

Three kinds of relation are counted apart, each in its own column:

* ``count`` -- *echoes*, directed: the source was published first, or a tie
  was given a direction by evidence (:func:`amplify.analyze.ties.orient_ties`;
  ``oriented_ties`` of them);
* ``ties`` -- *undirected co-publications*: links between posts with the
  same timestamp whose direction is unknown (:func:`undirected_mask`). A pair
  of posts counts once, and the same number stands on ``A -> B`` and
  ``B -> A``; an edge may carry ties and no echo (``count`` 0). ``ties=False``
  leaves every tie out (and restores detection's parents, :func:`without_ties`);
* ``cites`` -- *citations without a matched post*: posts of B that name
  outlet A (its handle, name or an alias) with no echo of any post of A
  (:func:`amplify.analyze.cites.find_cites`); an edge ``A -> B``, given with
  ``cites=``.

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
           "outlet_graph", "group_edges", "group_graph", "undirected_mask", "without_ties", "tie_edges", "cite_edges"]

#: Columns of an edge table besides the per-kind counts.
EDGE_COLUMNS = ["source", "target", "count", "score", "lag_s_median", "lag_s_min", "first", "last", "attributed"]


#: A timestamp in UTC (a naive one is taken to be UTC already); kept under its old name for scripts.
utc = utc_timestamp


def undirected_mask(links: pd.DataFrame) -> np.ndarray:
    """Rows that are undirected ties: ``direction == "undirected"`` (links oriented by
    :func:`amplify.analyze.ties.orient_ties`), or every ``tie`` of links not oriented yet.

    >>> import pandas as pd
    >>> undirected_mask(pd.DataFrame({"tie": [True, False]})).tolist()
    [True, False]
    >>> undirected_mask(pd.DataFrame({"tie": [True, True], "direction": ["containment", "undirected"]})).tolist()
    [False, True]
    """
    if not len(links) or "tie" not in links.columns:
        return np.zeros(len(links), dtype=bool)
    if "direction" in links.columns:
        return (links["direction"] == "undirected").to_numpy(dtype=bool)
    return links["tie"].to_numpy(dtype=bool)


def without_ties(links: pd.DataFrame) -> pd.DataFrame:
    """``links`` without any tie, with detection's own parent flags restored (``detected_parent``)."""
    if not len(links) or "tie" not in links.columns:
        return links
    out = links[~links["tie"].to_numpy(dtype=bool)]
    if "detected_parent" in out.columns:
        out = out.assign(is_parent=out["detected_parent"].to_numpy(dtype=bool))
    return out


def filter_links(links: pd.DataFrame, posts: pd.DataFrame | None = None, *, since=None, until=None,
                 kinds=None, parents_only: bool = True, ties: bool = True,
                 undirected: bool = True) -> pd.DataFrame:
    """Links restricted by target time (``since`` <= t < ``until``), kind and parent flag.

    Without ``kinds``, every kind of echo: ``template`` links (same frame,
    other facts) are not echoes and are left out unless asked for by name.
    ``ties=False`` leaves out every tie (:func:`without_ties`);
    ``undirected=False`` only the undirected ones (:func:`undirected_mask`),
    which are never parents.
    """
    out = links
    if not ties:
        out = without_ties(out)
    elif not undirected:
        out = out[~undirected_mask(out)]
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
        return pd.DataFrame(columns=EDGE_COLUMNS + [f"n_{k}" for k in schema.LINK_KINDS] + ["oriented_ties"])
    oriented = ann["tie"].to_numpy(dtype=bool) & ~undirected_mask(ann) if "tie" in ann.columns \
        else np.zeros(len(ann), dtype=bool)
    g = ann.assign(_oriented=oriented).groupby([a, b], sort=True, observed=True)
    out = g.agg(count=("source_id", "size"), score=("score", "mean"), lag_s_median=("lag_s", "median"),
                lag_s_min=("lag_s", "min"), first=("target_time", "min"), last=("target_time", "max"),
                attributed=("attributed", "sum"), oriented_ties=("_oriented", "sum"))
    kinds = pd.crosstab([ann[a], ann[b]], ann["kind"]).reindex(columns=list(schema.LINK_KINDS), fill_value=0)
    kinds.columns = [f"n_{k}" for k in kinds.columns]
    kinds.index.names = [a, b]
    out = out.join(kinds).reset_index().rename(columns={a: "source", b: "target"})
    out["score"] = out["score"].round(2)
    out["attributed"] = out["attributed"].astype(np.int64)
    out["oriented_ties"] = out.pop("oriented_ties").astype(np.int64)
    return out


def tie_edges(links, posts, outlets=None, *, level: str = "outlet", since=None, until=None,
              kinds=None) -> pd.DataFrame:
    """Undirected co-publications per pair of outlets (or camps), listed both ways.

    Each undirected tie (:func:`undirected_mask`) is a pair of posts listed
    both ways in the links; it counts once. Returns ``source``, ``target``,
    ``ties``: ``A -> B`` and ``B -> A`` carry the same number (a pair inside
    one outlet or camp is one row).

    >>> import pandas as pd
    >>> links = pd.DataFrame({"source_id": ["a", "b"], "target_id": ["b", "a"], "kind": "verbatim",
    ...                       "is_parent": False, "tie": True})
    >>> posts = pd.DataFrame({"post_id": ["a", "b"], "outlet": ["ukrinform", "censor"],
    ...                       "published_at": ["2022-03-01", "2022-03-01"]})
    >>> tie_edges(links, posts).values.tolist()
    [['censor', 'ukrinform', 1], ['ukrinform', 'censor', 1]]
    """
    und = filter_links(links[undirected_mask(links)], posts, since=since, until=until, kinds=kinds,
                       parents_only=False)
    if not len(und):
        return pd.DataFrame({"source": pd.Series(dtype=object), "target": pd.Series(dtype=object),
                             "ties": pd.Series(dtype=np.int64)})
    s, t = und["source_id"].astype(str).to_numpy(dtype=object), und["target_id"].astype(str).to_numpy(dtype=object)
    lo, hi = np.where(s < t, s, t), np.where(s < t, t, s)
    once = und.assign(source_id=lo, target_id=hi).drop_duplicates(["source_id", "target_id"])
    ann = annotate_links(once, posts, outlets)
    a, b = ann[f"source_{level}"].astype(str).to_numpy(dtype=object), \
        ann[f"target_{level}"].astype(str).to_numpy(dtype=object)
    both = pd.DataFrame({"source": np.r_[a, b], "target": np.r_[b, a],
                         "_pair": np.r_[np.arange(len(a)), np.arange(len(a))]}).drop_duplicates()
    out = both.groupby(["source", "target"], sort=True).size().rename("ties").reset_index()
    out["ties"] = out["ties"].astype(np.int64)
    return out


def cite_edges(cites: pd.DataFrame | None, outlets=None, *, level: str = "outlet", since=None,
               until=None) -> pd.DataFrame:
    """Citations without a matched post per (cited, citing) pair of outlets (or camps): ``source``,
    ``target``, ``cites``, for a table of :func:`amplify.analyze.cites.find_cites`.

    >>> import pandas as pd
    >>> cites = pd.DataFrame({"post_id": ["p1", "p2"], "outlet": ["tass", "tass"],
    ...     "cited_outlet": ["mfa_china", "mfa_china"], "published_at": ["2022-01-05", "2022-01-06"]})
    >>> cite_edges(cites).values.tolist()
    [['mfa_china', 'tass', 2]]
    """
    empty = pd.DataFrame({"source": pd.Series(dtype=object), "target": pd.Series(dtype=object),
                          "cites": pd.Series(dtype=np.int64)})
    if cites is None or not len(cites):
        return empty
    c = cites
    if since is not None or until is not None:
        t = pd.to_datetime(c["published_at"], utc=True)
        keep = np.ones(len(c), dtype=bool)
        if since is not None:
            keep &= (t >= utc_timestamp(since)).to_numpy()
        if until is not None:
            keep &= (t < utc_timestamp(until)).to_numpy()
        c = c[keep]
    a, b = c["cited_outlet"].astype(str).to_numpy(dtype=object), c["outlet"].astype(str).to_numpy(dtype=object)
    if level == "group":
        groups = _group_map(outlets)
        a = groups.reindex(a).fillna(schema.UNKNOWN_GROUP).astype(str).to_numpy(dtype=object)
        b = groups.reindex(b).fillna(schema.UNKNOWN_GROUP).astype(str).to_numpy(dtype=object)
    if not len(a):
        return empty
    out = pd.DataFrame({"source": a, "target": b}).groupby(["source", "target"], sort=True).size() \
        .rename("cites").reset_index()
    out["cites"] = out["cites"].astype(np.int64)
    return out


def _edges(level, links, posts, outlets, since, until, kinds, parents_only, min_count, ties=True,
           cites=None) -> pd.DataFrame:
    ann = annotate_links(filter_links(links, posts, since=since, until=until, kinds=kinds,
                                      parents_only=parents_only, ties=ties, undirected=False), posts, outlets)
    out = _aggregate(ann, f"source_{level}", f"target_{level}")
    extra = [tie_edges(links, posts, outlets, level=level, since=since, until=until, kinds=kinds)] if ties \
        else []
    if cites is not None:
        extra.append(cite_edges(cites, outlets, level=level, since=since, until=until))
    for more in extra:
        col = more.columns[-1]
        out = out.merge(more, on=["source", "target"], how="outer") if len(more) else out.assign(**{col: 0})
        out[col] = out[col].fillna(0).astype(np.int64)
    counts = ["count"] + [f"n_{k}" for k in schema.LINK_KINDS] + ["attributed", "oriented_ties"]
    out[counts] = out[counts].fillna(0).astype(np.int64)
    strength = out[["count"] + [m.columns[-1] for m in extra]].max(axis=1) if len(out) else out["count"]
    return out[strength >= min_count].sort_values(["count", "source", "target"], ascending=[False, True, True]) \
        .reset_index(drop=True)


def outlet_edges(links, posts, outlets=None, *, since=None, until=None, kinds=None, parents_only=True,
                 min_count: int = 1, ties: bool = True, cites: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per (source outlet, target outlet) with aggregated evidence.

    Echoes in ``count`` (and per kind, ``n_<kind>``), undirected
    co-publications in ``ties`` (unless ``ties=False``), and, given a
    ``cites`` table, citations without a matched post in ``cites`` (see the
    module documentation). An edge is kept when one of them reaches
    ``min_count``.
    """
    return _edges("outlet", links, posts, outlets, since, until, kinds, parents_only, min_count, ties, cites)


def outlet_nodes(links, posts, outlets=None, *, parents_only=True, since=None, until=None, kinds=None,
                 ties: bool = True, cites: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per outlet: group, kind, name, posts, echoes given and received; ``ties`` (undirected
    co-publications with other outlets); with ``cites``, ``cited`` (times others named it without an
    echo) and ``citing`` (times it named others so)."""
    ls = filter_links(links, posts, since=since, until=until, kinds=kinds, parents_only=parents_only, ties=ties,
                      undirected=False)
    ann = annotate_links(ls, posts, outlets)
    n_posts = posts["outlet"].value_counts()
    named = set(cites["cited_outlet"].astype(str)) if cites is not None and len(cites) else set()
    nodes = pd.DataFrame({"outlet": sorted(set(posts["outlet"].astype(str)) | named)})  # cited: maybe no post
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
    te = tie_edges(links, posts, outlets, since=since, until=until, kinds=kinds) if ties else None
    te = te[te["source"] != te["target"]] if te is not None else None
    nodes["ties"] = te.groupby("source")["ties"].sum().reindex(nodes["outlet"]).fillna(0).astype(np.int64) \
        .to_numpy() if te is not None else np.zeros(len(nodes), dtype=np.int64)
    if cites is not None:
        ce = cite_edges(cites, outlets, since=since, until=until)
        for col, side in (("cited", "source"), ("citing", "target")):
            nodes[col] = ce.groupby(side)["cites"].sum().reindex(nodes["outlet"]).fillna(0).astype(np.int64) \
                .to_numpy()
    return nodes


def _clean(v):
    """A table value as a plain graph attribute: numpy numbers as Python ones, times as ISO text, NaN as None."""
    if v is pd.NaT or v is pd.NA:       # an edge of ties or citations only has no echo times
        return None
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
                 min_count: int = 1, ties: bool = True, cites: pd.DataFrame | None = None) -> nx.DiGraph:
    """Outlets as nodes, aggregated amplification as edges (see module docs)."""
    nodes = outlet_nodes(links, posts, outlets, parents_only=parents_only, since=since, until=until, kinds=kinds,
                         ties=ties, cites=cites)
    edges = outlet_edges(links, posts, outlets, since=since, until=until, kinds=kinds,
                         parents_only=parents_only, min_count=min_count, ties=ties, cites=cites)
    return _to_graph(nodes, "outlet", edges)


def group_edges(links, posts, outlets=None, *, since=None, until=None, kinds=None, parents_only=True,
                min_count: int = 1, ties: bool = True, cites: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per (source group, target group) with aggregated evidence (columns as :func:`outlet_edges`)."""
    return _edges("group", links, posts, outlets, since, until, kinds, parents_only, min_count, ties, cites)


def group_graph(links, posts, outlets=None, *, since=None, until=None, kinds=None, parents_only=True,
                min_count: int = 1, ties: bool = True, cites: pd.DataFrame | None = None) -> nx.DiGraph:
    """Camps as nodes (with outlet and post counts), aggregated amplification as edges."""
    on = outlet_nodes(links, posts, outlets, parents_only=parents_only, since=since, until=until, kinds=kinds,
                      ties=ties, cites=cites)
    sums = {c: (c, "sum") for c in ("ties", "cited", "citing") if c in on.columns}
    nodes = on.groupby("group").agg(outlets=("outlet", "size"), posts=("posts", "sum"),
                                    echoes_given=("echoes_given", "sum"),
                                    echoes_received=("echoes_received", "sum"), **sums).reset_index()
    edges = group_edges(links, posts, outlets, since=since, until=until, kinds=kinds,
                        parents_only=parents_only, min_count=min_count, ties=ties, cites=cites)
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
        # an optional text column left empty ("" passages: one passage; "" time_reference: none said) is
        # left out, as a missing value is, so that exports do not carry empty attributes on every edge
        g.add_edge(rec[0], rec[1], **{c: _clean(v) for c, v in zip(cols, rec[2:])
                                      if not (c in _OPTIONAL_TEXT and v == "")})
    return g


#: The links table's optional text columns, whose empty string means "none".
_OPTIONAL_TEXT = frozenset(c.name for c in schema.LINKS if not c.required and c.dtype == schema.STRING)
