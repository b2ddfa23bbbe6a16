r"""Bridges: the outlets that carry one camp's content into another.

:func:`bridges` ranks outlets by how much content they broker *between
camps*, and describes each with four classic measures of brokerage on the
outlet graph (nodes are outlets, an edge ``a -> b`` carries the number of
echoes of ``a``'s posts by ``b``, parent links only by default):

Betweenness (Brandes 2001)
    :math:`C_B(v) = \frac{1}{(n-1)(n-2)} \sum_{s \ne v \ne t}
    \frac{\sigma_{st}(v)}{\sigma_{st}}`, the share of shortest directed paths
    through ``v``. Edges are weighted by a *distance*
    :math:`d_{ab} = 1 / \text{count}_{ab}`: an outlet pair joined by many
    echoes is close, so shortest paths follow the strongest channels of
    amplification. :func:`weighted_betweenness` runs Brandes' algorithm
    compiled (numba, both cores) and gives the same values as
    :func:`networkx.betweenness_centrality` with that weight (tested); on
    graphs larger than ``betweenness_exact_max`` nodes it uses ``k`` random
    pivots (Brandes & Pich 2007), seeded.

Brokerage roles (Gould & Fernandez 1989)
    Every open two-path ``a -> b -> c`` (``a != c`` and no edge ``a -> c``:
    ``b`` mediates between two outlets that do not echo each other directly)
    gives broker ``b`` one of five roles from the camps :math:`g(\cdot)`:

    ==============  ======================================  ==========================
    coordinator     :math:`g(a) = g(b) = g(c)`              brokers inside its camp
    itinerant       :math:`g(a) = g(c) \ne g(b)`            an outsider brokering for a camp
    (consultant)
    representative  :math:`g(a) = g(b) \ne g(c)`            carries its camp's content out
    gatekeeper      :math:`g(b) = g(c) \ne g(a)`            brings outside content into its camp
    liaison         :math:`g(a), g(b), g(c)` all different  brokers between two other camps
    ==============  ======================================  ==========================

    :func:`brokerage_roles` counts them on the outlet graph. :func:`bridges`
    also counts the same roles over actual *cascades* (``flow_*`` columns):
    two-hop echo chains post ``p`` (outlet ``a``) -> ``q`` (``b``) -> ``r``
    (``c``) along parent links, with three distinct outlets -- content that
    really went through ``b``. Those chains are the evidence shown.

Participation coefficient (Guimerà & Amaral 2005)
    :math:`P_i = 1 - \sum_{s} (k_{is} / k_i)^2`, with :math:`k_i` the
    weighted degree of ``i`` in the undirected outlet graph (echoes both
    ways) and :math:`k_{is}` the part of it to community ``s``; communities
    are found by Louvain modularity optimisation
    (:func:`networkx.community.louvain_communities`, seeded). 0: all ties in
    one community; near 1: ties spread evenly over many.

Constraint (Burt 1992)
    :math:`c_i = \sum_{j \in N(i)} (p_{ij} + \sum_{q \in N(i)} p_{iq} p_{qj})^2`
    with :math:`p_{ij}` the share of ``i``'s echoes (both ways) exchanged
    with ``j``. Low constraint: ``i`` spans structural holes.
    :func:`burt_constraint` equals :func:`networkx.constraint` (tested) and
    is compiled.

Ranking
    ``bridge_score`` is the number of cross-camp cascades through the
    outlet: chains whose first and last outlets are in different camps
    (``flow_representative + flow_gatekeeper + flow_liaison``); ties are
    broken by the structural cross-camp roles, then by betweenness. The
    ``main_role`` is the cross-camp role with most cascades, and
    ``main_route`` its most common camps (``CN -> RU``).

References
----------
.. [1] Brandes, U. (2001). A faster algorithm for betweenness centrality.
   *Journal of Mathematical Sociology* 25(2), 163--177.
.. [2] Brandes, U. & Pich, C. (2007). Centrality estimation in large networks.
   *International Journal of Bifurcation and Chaos* 17(7), 2303--2318.
.. [3] Gould, R. V. & Fernandez, R. M. (1989). Structures of mediation: a formal
   approach to brokerage in transaction networks. *Sociological Methodology*
   19, 89--126.
.. [4] Guimerà, R. & Amaral, L. A. N. (2005). Functional cartography of complex
   metabolic networks. *Nature* 433, 895--900.
.. [5] Blondel, V. D., Guillaume, J.-L., Lambiotte, R. & Lefebvre, E. (2008).
   Fast unfolding of communities in large networks. *J. Stat. Mech.* P10008.
.. [6] Burt, R. S. (1992). *Structural Holes: The Social Structure of
   Competition*. Harvard University Press.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx
import numpy as np
import pandas as pd
from numba import njit, prange

from amplify.analyze import AnalysisError, Frame, matched_text, post_texts

__all__ = ["bridges", "BridgeReport", "ROLES", "brokerage_roles", "weighted_betweenness",
           "participation_coefficient", "burt_constraint"]

#: Gould-Fernandez roles, in the order of their codes.
ROLES = ("coordinator", "itinerant", "representative", "gatekeeper", "liaison")
_CROSS = (2, 3, 4)  # roles whose first and last outlet are in different camps


# --------------------------------------------------------------------------- CSR helpers


def _csr(n, src, dst, w=None):
    """Sorted CSR (indptr, indices, weights) of the directed edges ``src -> dst``."""
    src = np.asarray(src, dtype=np.int64)
    dst = np.asarray(dst, dtype=np.int64)
    w = np.ones(len(src)) if w is None else np.asarray(w, dtype=np.float64)
    order = np.lexsort((dst, src))
    src, dst, w = src[order], dst[order], w[order]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(src, minlength=n), out=indptr[1:])
    return indptr, dst, w


def _graph_arrays(G, weight):
    nodes = list(G.nodes())
    pos = {v: i for i, v in enumerate(nodes)}
    s, d, w = [], [], []
    for u, v, data in G.edges(data=True):
        if u == v:
            continue
        s.append(pos[u])
        d.append(pos[v])
        w.append(1.0 if weight is None else float(data.get(weight, 1.0)))
    return nodes, np.asarray(s, np.int64), np.asarray(d, np.int64), np.asarray(w, np.float64)


# --------------------------------------------------------------------------- betweenness


@njit(cache=True)
def _heap_push(hk, hv, size, key, val):
    i = size
    hk[i] = key
    hv[i] = val
    while i > 0:
        p = (i - 1) >> 1
        if hk[p] <= hk[i]:
            break
        hk[p], hk[i] = hk[i], hk[p]
        hv[p], hv[i] = hv[i], hv[p]
        i = p
    return size + 1


@njit(cache=True)
def _heap_pop(hk, hv, size):
    key = hk[0]
    val = hv[0]
    size -= 1
    hk[0] = hk[size]
    hv[0] = hv[size]
    i = 0
    while True:
        lft = 2 * i + 1
        if lft >= size:
            break
        c = lft
        if lft + 1 < size and hk[lft + 1] < hk[lft]:
            c = lft + 1
        if hk[i] <= hk[c]:
            break
        hk[c], hk[i] = hk[i], hk[c]
        hv[c], hv[i] = hv[i], hv[c]
        i = c
    return key, val, size


@njit(cache=True)
def _brandes_chunk(indptr, indices, wts, rptr, rind, rw, sources, n, out):
    dist = np.full(n, np.inf)
    sigma = np.zeros(n)
    delta = np.zeros(n)
    done = np.zeros(n, dtype=np.bool_)
    S = np.empty(n, dtype=np.int64)
    m = len(indices)
    hk = np.empty(m + n + 1)
    hv = np.empty(m + n + 1, dtype=np.int64)
    touched = np.empty(n, dtype=np.int64)
    for s in sources:
        nt = 0
        size = 0
        dist[s] = 0.0
        touched[nt] = s
        nt += 1
        size = _heap_push(hk, hv, size, 0.0, s)
        ns = 0
        while size > 0:
            d, v, size = _heap_pop(hk, hv, size)
            if done[v]:
                continue
            done[v] = True
            S[ns] = v
            ns += 1
            for e in range(indptr[v], indptr[v + 1]):
                w = indices[e]
                nd = d + wts[e]
                if nd < dist[w]:
                    if dist[w] == np.inf:
                        touched[nt] = w
                        nt += 1
                    dist[w] = nd
                    size = _heap_push(hk, hv, size, nd, w)
        # path counts in order of distance; predecessors are the in-neighbours on a shortest path
        sigma[s] = 1.0
        for i in range(1, ns):
            w = S[i]
            acc = 0.0
            for e in range(rptr[w], rptr[w + 1]):
                v = rind[e]
                if done[v] and dist[v] + rw[e] == dist[w]:
                    acc += sigma[v]
            sigma[w] = acc
        for i in range(ns - 1, -1, -1):
            w = S[i]
            coeff = (1.0 + delta[w]) / sigma[w]
            for e in range(rptr[w], rptr[w + 1]):
                v = rind[e]
                if done[v] and dist[v] + rw[e] == dist[w]:
                    delta[v] += sigma[v] * coeff
            if w != s:
                out[w] += delta[w]
        for i in range(nt):
            v = touched[i]
            dist[v] = np.inf
            sigma[v] = 0.0
            delta[v] = 0.0
            done[v] = False


@njit(cache=True, parallel=True)
def _brandes(indptr, indices, wts, rptr, rind, rw, sources, n, n_chunks):
    parts = np.zeros((n_chunks, n))
    bounds = np.linspace(0, len(sources), n_chunks + 1).astype(np.int64)
    for c in prange(n_chunks):
        _brandes_chunk(indptr, indices, wts, rptr, rind, rw, sources[bounds[c]:bounds[c + 1]], n, parts[c])
    return parts.sum(axis=0)


def _betweenness_arrays(n, src, dst, dist, *, normalized=True, k=None, seed=0) -> np.ndarray:
    if n == 0:
        return np.zeros(0)
    indptr, indices, w = _csr(n, src, dst, dist)
    rptr, rind, rw = _csr(n, dst, src, dist)
    if np.any(w <= 0):
        raise AnalysisError("betweenness needs positive edge distances")
    if k is None or k >= n:
        sources = np.arange(n, dtype=np.int64)
        k = None
    else:
        rng = np.random.default_rng(seed)
        sources = np.sort(rng.choice(n, size=int(k), replace=False)).astype(np.int64)
    n_chunks = max(1, min(len(sources), 16))
    bc = _brandes(indptr, indices, w, rptr, rind, rw, sources, n, n_chunks)
    scale = None
    if normalized:
        scale = 1.0 / ((n - 1) * (n - 2)) if n > 2 else None
    if k is not None:
        scale = (scale if scale is not None else 1.0) * n / k
    return bc * scale if scale is not None else bc


def weighted_betweenness(G: nx.DiGraph, weight: str | None = None, *, invert: bool = False,
                         normalized: bool = True, k: int | None = None, seed=0) -> dict:
    """Betweenness centrality of a directed graph, Brandes' algorithm compiled.

    Same definition, normalisation and tie handling as
    :func:`networkx.betweenness_centrality` (``endpoints=False``); edge
    attribute ``weight`` is a *distance* (positive). With ``k``, only ``k``
    random source pivots are used and the result is scaled by ``n / k``
    (Brandes & Pich 2007).

    Parameters
    ----------
    G : networkx.DiGraph
    weight : str, optional
        Edge attribute holding the distance; None counts hops.
    invert : bool
        The attribute is a *strength* (e.g. ``count`` on
        :func:`amplify.graph.outlet_graph`): use ``1 / weight`` as the
        distance, as :func:`bridges` does.
    normalized : bool
        Divide by :math:`(n-1)(n-2)`.
    k : int, optional
        Number of pivots (exact when None).
    seed : int

    Returns
    -------
    dict
        Node -> betweenness.

    Examples
    --------
    A path a -> b -> c: b lies on the only a-c path.

    >>> import networkx as nx
    >>> G = nx.DiGraph([("a", "b"), ("b", "c")])
    >>> weighted_betweenness(G, normalized=False)
    {'a': 0.0, 'b': 1.0, 'c': 0.0}

    References
    ----------
    .. [1] Brandes (2001), A faster algorithm for betweenness centrality.
    .. [2] Brandes & Pich (2007), Centrality estimation in large networks.
    """
    if not G.is_directed():
        G = G.to_directed()
    nodes, s, d, w = _graph_arrays(G, weight)
    if invert:
        w = 1.0 / w
    bc = _betweenness_arrays(len(nodes), s, d, w, normalized=normalized, k=k, seed=seed)
    return dict(zip(nodes, bc.tolist()))


# --------------------------------------------------------------------------- brokerage


@njit(cache=True)
def _has_edge(indptr, indices, a, c):
    lo = indptr[a]
    hi = indptr[a + 1]
    while lo < hi:
        mid = (lo + hi) >> 1
        if indices[mid] < c:
            lo = mid + 1
        else:
            hi = mid
    return lo < indptr[a + 1] and indices[lo] == c


@njit(cache=True)
def _role(ga, gb, gc):
    if ga == gb:
        return 0 if gb == gc else 2
    if gb == gc:
        return 3
    if ga == gc:
        return 1
    return 4


@njit(cache=True, parallel=True)
def _gf_counts(indptr, indices, rptr, rind, group, n):
    out = np.zeros((n, 5), dtype=np.int64)
    for b in prange(n):
        for e in range(rptr[b], rptr[b + 1]):
            a = rind[e]
            if a == b:
                continue
            for f in range(indptr[b], indptr[b + 1]):
                c = indices[f]
                if c == a or c == b:
                    continue
                if _has_edge(indptr, indices, a, c):
                    continue
                out[b, _role(group[a], group[b], group[c])] += 1
    return out


def _brokerage_arrays(n, src, dst, group) -> np.ndarray:
    keep = src != dst
    src, dst = src[keep], dst[keep]
    key = np.unique(src * n + dst)
    src, dst = key // n, key % n
    indptr, indices, _ = _csr(n, src, dst)
    rptr, rind, _ = _csr(n, dst, src)
    return _gf_counts(indptr, indices, rptr, rind, np.asarray(group, dtype=np.int64), n)


def brokerage_roles(G: nx.DiGraph, group: str = "group") -> pd.DataFrame:
    """Gould-Fernandez brokerage role counts of every node of a directed graph.

    Counts, for each broker ``b``, the open two-paths ``a -> b -> c``
    (``a != c``, no edge ``a -> c``) by the camps of ``a``, ``b`` and ``c``
    (see the module documentation for the five roles).

    Parameters
    ----------
    G : networkx.DiGraph
    group : str
        Node attribute holding the camp (nodes without it form one camp,
        ``None``).

    Returns
    -------
    DataFrame
        Indexed by node, columns :data:`ROLES` and ``total``.

    Examples
    --------
    One of each role -- broker ``b`` is in camp ``B``:

    >>> import networkx as nx
    >>> G = nx.DiGraph([("a", "b"), ("b", "c")])
    >>> def role(ga, gb, gc):
    ...     nx.set_node_attributes(G, {"a": ga, "b": gb, "c": gc}, "group")
    ...     r = brokerage_roles(G).loc["b"]
    ...     return r[r > 0].drop("total").index.tolist()
    >>> role("B", "B", "B"), role("A", "B", "A"), role("B", "B", "C")
    (['coordinator'], ['itinerant'], ['representative'])
    >>> role("A", "B", "B"), role("A", "B", "C")
    (['gatekeeper'], ['liaison'])

    References
    ----------
    .. [1] Gould & Fernandez (1989), Structures of mediation, *Sociological Methodology* 19.
    """
    nodes, s, d, _ = _graph_arrays(G, None)
    labels = [G.nodes[v].get(group) for v in nodes]
    codes = pd.factorize(pd.Series(labels, dtype=object), use_na_sentinel=False)[0]
    counts = _brokerage_arrays(len(nodes), s, d, codes) if len(nodes) else np.zeros((0, 5), np.int64)
    out = pd.DataFrame(counts, index=pd.Index(nodes, name="node"), columns=list(ROLES))
    out["total"] = out.sum(axis=1)
    return out


# --------------------------------------------------------------------------- participation, constraint


def participation_coefficient(G, communities, weight: str | None = "weight") -> dict:
    """Guimerà-Amaral participation coefficient of every node.

    :math:`P_i = 1 - \\sum_s (k_{is}/k_i)^2` over the communities ``s``, with
    :math:`k_i` the (weighted) degree; in a directed graph in- and out-edges
    both count. Nodes without edges get NaN.

    Parameters
    ----------
    G : networkx.Graph or DiGraph
    communities : iterable of sets of nodes
        A partition (e.g. from :func:`networkx.community.louvain_communities`).
    weight : str or None

    Examples
    --------
    ``c`` has one tie into each of two communities:

    >>> import networkx as nx
    >>> G = nx.Graph([("a", "b"), ("b", "c"), ("c", "d"), ("d", "e")])
    >>> pc = participation_coefficient(G, [{"a", "b", "c"}, {"d", "e"}], weight=None)
    >>> pc["a"], pc["c"]
    (0.0, 0.5)

    References
    ----------
    .. [1] Guimerà & Amaral (2005), Functional cartography of complex metabolic networks, *Nature* 433.
    """
    comm = {}
    for i, c in enumerate(communities):
        for v in c:
            comm[v] = i
    k = {v: 0.0 for v in G}
    ks = {v: {} for v in G}
    for u, v, data in G.edges(data=True):
        if u == v:
            continue
        w = 1.0 if weight is None else float(data.get(weight, 1.0))
        for x, y in ((u, v), (v, u)):
            k[x] += w
            cy = comm.get(y)
            ks[x][cy] = ks[x].get(cy, 0.0) + w
    return {v: (1.0 - sum((kv / k[v]) ** 2 for kv in ks[v].values())) if k[v] > 0 else float("nan")
            for v in G}


def _participation_arrays(n, src, dst, w, comm) -> np.ndarray:
    keep = src != dst
    src, dst, w = src[keep], dst[keep], w[keep]
    nodes = np.r_[src, dst]
    other = np.r_[dst, src]
    ww = np.r_[w, w]
    k = np.bincount(nodes, weights=ww, minlength=n)
    n_c = int(comm.max()) + 1 if len(comm) else 1
    kis = np.bincount(nodes * n_c + comm[other], weights=ww, minlength=n * n_c).reshape(n, n_c)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = 1.0 - ((kis / k[:, None]) ** 2).sum(axis=1)
    p[k == 0] = np.nan
    return p


@njit(cache=True, parallel=True)
def _constraint_kernel(indptr, indices, p, n):
    out = np.full(n, np.nan)
    for u in prange(n):
        if indptr[u] == indptr[u + 1]:
            continue
        acc = np.zeros(n)  # per node: fine up to some 10^4 outlets
        for e in range(indptr[u], indptr[u + 1]):
            q = indices[e]
            puq = p[e]
            for f in range(indptr[q], indptr[q + 1]):
                acc[indices[f]] += puq * p[f]
        c = 0.0
        for e in range(indptr[u], indptr[u + 1]):
            v = indices[e]
            x = p[e] + acc[v]
            c += x * x
        out[u] = c
    return out


def _constraint_arrays(n, src, dst, w) -> np.ndarray:
    keep = src != dst
    src, dst, w = src[keep], dst[keep], w[keep]
    # mutual weights: both directions summed, on the undirected neighbourhood
    lo, hi = np.minimum(src, dst), np.maximum(src, dst)
    key, inv = np.unique(lo * n + hi, return_inverse=True)
    mw = np.bincount(inv, weights=w)
    a, b = key // n, key % n
    indptr, indices, vals = _csr(n, np.r_[a, b], np.r_[b, a], np.r_[mw, mw])
    rows = np.repeat(np.arange(n), np.diff(indptr))
    row_sum = np.bincount(rows, weights=vals, minlength=n)
    p = np.where(row_sum[rows] > 0, vals / np.where(row_sum[rows] > 0, row_sum[rows], 1.0), 0.0)
    return _constraint_kernel(indptr, indices, p, n)


def burt_constraint(G, weight: str | None = None) -> dict:
    """Burt's constraint of every node; the same values as :func:`networkx.constraint`, compiled.

    :math:`c_i = \\sum_{j \\in N(i)} (p_{ij} + \\sum_{q \\in N(i)} p_{iq} p_{qj})^2` where
    :math:`p_{ij}` is ``i``'s normalised mutual weight with ``j`` (edges both
    ways summed, divided by the sum over ``i``'s neighbours). Isolated nodes
    get NaN.

    Examples
    --------
    A star: the centre's three contacts are not tied to each other.

    >>> import networkx as nx
    >>> c = burt_constraint(nx.star_graph(3))
    >>> round(c[0], 4), c[1]
    (0.3333, 1.0)

    References
    ----------
    .. [1] Burt (1992), *Structural Holes*. Harvard University Press.
    """
    nodes, s, d, w = _graph_arrays(G, weight)
    if not G.is_directed():  # each undirected edge counts once per direction
        s, d, w = np.r_[s, d], np.r_[d, s], np.r_[w, w]
    return dict(zip(nodes, _constraint_arrays(len(nodes), s, d, w).tolist()))


# --------------------------------------------------------------------------- the ranked table


@dataclass
class BridgeReport:
    """What :func:`bridges` found.

    Attributes
    ----------
    table : DataFrame
        One row per outlet, ranked (``rank`` 1 = strongest bridge): ``outlet``,
        ``group``, ``kind``, ``bridge_score``, ``main_role``, ``main_route``,
        ``reason``, the ``flow_*`` role counts (cascades through the outlet),
        the structural role counts (:data:`ROLES`), ``betweenness``,
        ``community``, ``participation``, ``constraint``, ``echoes_given``,
        ``echoes_received``.
    evidence : DataFrame
        For the top bridges, their most used cross-camp routes ``a -> b -> c``
        with the number of cascades and one example chain: the three posts,
        their times, lags and the text the bridge passed on.
    communities : list of sets
        The Louvain communities (outlet names).
    settings : dict
    """

    table: pd.DataFrame
    evidence: pd.DataFrame
    communities: list = field(default_factory=list)
    settings: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        import json
        rec = lambda df: json.loads(df.to_json(orient="records", date_format="iso", force_ascii=False))  # noqa
        return {"settings": self.settings, "bridges": rec(self.table), "evidence": rec(self.evidence)}


def _flows(f: Frame, mask):
    """Two-hop cascades p -> q -> r along the links in ``mask`` with three distinct outlets."""
    s, t = f.src[mask], f.tgt[mask]
    link_idx = np.flatnonzero(mask)
    # link (q -> r) joined to the link(s) (p -> q) that end at q
    order = np.argsort(t, kind="stable")
    t_sorted = t[order]
    lo = np.searchsorted(t_sorted, s, side="left")
    hi = np.searchsorted(t_sorted, s, side="right")
    n_in = hi - lo
    second = np.repeat(np.arange(len(s)), n_in)
    starts = np.repeat(lo, n_in)
    within = np.arange(len(second)) - np.repeat(np.cumsum(n_in) - n_in, n_in)
    first = order[starts + within]
    p, q, r = s[first], s[second], t[second]
    oa, ob, oc = f.outlet_of_post[p], f.outlet_of_post[q], f.outlet_of_post[r]
    ok = (oa != ob) & (ob != oc) & (oa != oc)
    return (p[ok], q[ok], r[ok], oa[ok], ob[ok], oc[ok], link_idx[first[ok]], link_idx[second[ok]])


def _role_codes(ga, gb, gc):
    return np.select([(ga == gb) & (gb == gc), (ga == gb), (gb == gc), (ga == gc)], [0, 2, 3, 1], 4)


def bridges(links: pd.DataFrame, posts: pd.DataFrame, outlets: pd.DataFrame | None = None, *,
            top: int | None = 10, evidence: int = 3, seed=0, parents_only: bool = True, kinds=None,
            since=None, until=None, betweenness_exact_max: int = 1000, betweenness_k: int = 400,
            texts=None, frame: Frame | None = None) -> BridgeReport:
    """Rank outlets as bridges between camps, with the evidence behind each.

    See the module documentation for the measures and the ranking rule.

    Parameters
    ----------
    links, posts, outlets : DataFrame
        Canonical tables (posts need ``post_id``, ``outlet``,
        ``published_at``; ``text`` to show evidence text).
    top : int, optional
        Rows of the ranked table (None: every outlet).
    evidence : int
        Routes shown per bridge (for the top bridges).
    seed : int
        Seed of Louvain and of the betweenness pivots.
    parents_only : bool
        Build the outlet graph and the cascades from parent links (default).
    kinds : list of str, optional
    since, until : timestamp, optional
        Only links whose target lies in ``[since, until)``.
    betweenness_exact_max : int
        Above this many outlets, betweenness uses ``betweenness_k`` pivots.
    texts : DataFrame or Workspace, optional
        Where to read the evidence texts (default: ``posts`` if it has text).
    frame : Frame, optional

    Returns
    -------
    BridgeReport

    Examples
    --------
    >>> from amplify.synth import generate
    >>> from amplify import detect
    >>> c = generate(n_posts=20000, seed=0)
    >>> rep = bridges(detect(c.posts, c.outlets), c.posts, c.outlets, top=3)
    >>> sorted(rep.table["outlet"].head(2))
    ['chinaemb_moscow', 'rusemb_beijing']
    >>> rep.table.set_index("outlet").loc["rusemb_beijing", ["main_role", "main_route"]].tolist()
    ['gatekeeper', 'CN -> RU']

    References
    ----------
    .. [1] Brandes (2001). .. [2] Gould & Fernandez (1989). .. [3] Guimerà & Amaral (2005).
    .. [4] Blondel et al. (2008). .. [5] Burt (1992). (Full entries in the module documentation.)
    """
    f = frame if frame is not None else Frame.build(links, posts, outlets)
    n = len(f.outlets)
    if n == 0:
        raise AnalysisError("no outlets: nothing to analyse")
    mask = f.link_mask(parents_only=parents_only, kinds=kinds, since=since, until=until, no_ties=True)
    a = f.outlet_of_post[f.src[mask]]
    b = f.outlet_of_post[f.tgt[mask]]
    ext = a != b
    key, cnt = np.unique(a[ext] * n + b[ext], return_counts=True)
    ea, eb, ec = key // n, key % n, cnt.astype(np.float64)
    g = f.group_of_outlet

    bc = _betweenness_arrays(n, ea, eb, 1.0 / ec if len(ec) else ec, normalized=True,
                             k=None if n <= betweenness_exact_max else betweenness_k, seed=seed)
    roles = _brokerage_arrays(n, ea, eb, g) if len(ea) else np.zeros((n, 5), np.int64)

    U = nx.Graph()
    U.add_nodes_from(range(n))
    lo, hi = np.minimum(ea, eb), np.maximum(ea, eb)
    ukey, uinv = np.unique(lo * n + hi, return_inverse=True)
    uw = np.bincount(uinv, weights=ec) if len(ec) else np.zeros(0)
    U.add_weighted_edges_from(zip((ukey // n).tolist(), (ukey % n).tolist(), uw.tolist()))
    comms = nx.community.louvain_communities(U, weight="weight", seed=seed) if len(ukey) else \
        [{i} for i in range(n)]
    comms = sorted(comms, key=lambda c: (-len(c), min(c)))
    comm = np.zeros(n, dtype=np.int64)
    for i, c in enumerate(comms):
        comm[list(c)] = i
    part = _participation_arrays(n, ea, eb, ec, comm)
    cons = _constraint_arrays(n, ea, eb, ec)

    p, q, r, oa, ob, oc, l1, l2 = _flows(f, mask)
    ga, gb, gc = g[oa], g[ob], g[oc]
    role = _role_codes(ga, gb, gc)
    flow = np.bincount(ob * 5 + role, minlength=n * 5).reshape(n, 5)
    score = flow[:, list(_CROSS)].sum(axis=1)
    struct_cross = roles[:, list(_CROSS)].sum(axis=1)

    given = np.bincount(a, minlength=n)
    received = np.bincount(b, minlength=n)
    gnames = f.groups
    table = pd.DataFrame({
        "outlet": f.outlets, "group": gnames[g], "kind": f.kind_of_outlet,
        "bridge_score": score,
        **{f"flow_{name}": flow[:, i] for i, name in enumerate(ROLES)},
        **{name: roles[:, i] for i, name in enumerate(ROLES)},
        "betweenness": np.round(bc, 6), "community": comm, "participation": np.round(part, 4),
        "constraint": np.round(cons, 4), "echoes_given": given, "echoes_received": received,
    })
    table["_sc"] = struct_cross
    order = np.lexsort((table["outlet"].to_numpy(), -table["betweenness"].to_numpy(), -struct_cross, -score))
    table = table.iloc[order].reset_index(drop=True)
    table.insert(0, "rank", np.arange(1, n + 1))
    bt_rank = table["betweenness"].rank(ascending=False, method="min").astype(int)

    # main role and route per outlet, from its cross-camp cascades (structural roles if none)
    route = pd.DataFrame({"b": ob, "role": role, "ga": ga, "gc": gc})
    route = route[np.isin(route["role"], _CROSS)]
    top_route = route.groupby(["b", "role", "ga", "gc"]).size().rename("n").reset_index() \
        .sort_values(["b", "n", "role"], ascending=[True, False, True]).drop_duplicates("b").set_index("b")
    idx_of = pd.Index(f.outlets).get_indexer(table["outlet"])
    main_role, main_route, reasons = [], [], []
    records = table.to_dict("records")
    tr_role = top_route["role"].to_dict()
    tr_ga, tr_gc, tr_n = top_route["ga"].to_dict(), top_route["gc"].to_dict(), top_route["n"].to_dict()
    bt_ranks = bt_rank.to_numpy()
    for i, o in enumerate(idx_of):
        row = records[i]
        if o in tr_role:
            rl, rt = ROLES[int(tr_role[o])], f"{gnames[int(tr_ga[o])]} -> {gnames[int(tr_gc[o])]}"
            n_route = int(tr_n[o])
        elif row["_sc"] > 0:
            cross = {ROLES[k]: int(row[ROLES[k]]) for k in _CROSS}
            rl, rt, n_route = max(cross, key=cross.get), "", 0
        else:
            rl = ROLES[int(np.argmax(roles[o]))] if roles[o].sum() else "none"
            rt, n_route = "", 0
        main_role.append(rl)
        main_route.append(rt)
        reasons.append(_reason(row, rl, rt, n_route, int(bt_ranks[i])))
    table.insert(5, "main_role", main_role)
    table.insert(6, "main_route", main_route)
    table.insert(7, "reason", reasons)
    table = table.drop(columns="_sc")
    shown = table if top is None else table.head(int(top))

    ev = _evidence(f, shown, p, q, r, oa, ob, oc, role, l1, l2, evidence,
                   texts if texts is not None else (posts if "text" in posts.columns else None))
    settings = {"parents_only": parents_only, "kinds": list(kinds) if kinds else None, "seed": seed,
                "since": str(since) if since is not None else None,
                "until": str(until) if until is not None else None, "outlets": n, "edges": int(len(ea)),
                "betweenness": "exact" if n <= betweenness_exact_max else f"{betweenness_k} pivots",
                "distance": "1 / echoes"}
    return BridgeReport(shown.reset_index(drop=True), ev, [{f.outlets[i] for i in c} for c in comms], settings)


def _reason(row, role, route, n_route, bt_rank) -> str:
    desc = {"gatekeeper": "brings {a} content into {c}", "representative": "carries {a} content out to {c}",
            "liaison": "relays {a} content to {c}", "itinerant": "brokers inside another camp",
            "coordinator": "brokers inside its own camp", "none": "no brokerage"}
    if route:
        a, c = route.split(" -> ")
        head = f"{role}: {desc[role].format(a=a, c=c)} ({n_route:,} cascades through it)"
    elif role in ("gatekeeper", "representative", "liaison"):
        head = f"{role} on the outlet graph ({int(row[role]):,} open two-paths), no cascades observed"
    else:
        head = desc.get(role, role)
    return (f"{head}; betweenness rank {bt_rank}, participation {row['participation']:.2f}, "
            f"constraint {row['constraint']:.2f}")


def _evidence(f: Frame, shown, p, q, r, oa, ob, oc, role, l1, l2, per_bridge: int, texts) -> pd.DataFrame:
    cols = ["bridge", "route", "role", "cascades", "source_id", "source_outlet", "source_time", "bridge_id",
            "bridge_time", "target_id", "target_outlet", "target_time", "lag_in_s", "lag_out_s", "kind_in",
            "kind_out", "text"]
    if per_bridge <= 0 or len(p) == 0 or shown.empty:
        return pd.DataFrame(columns=cols)
    out_idx = pd.Index(f.outlets).get_indexer(shown["outlet"])
    want = np.isin(ob, out_idx) & np.isin(role, _CROSS)
    df = pd.DataFrame({"p": p[want], "q": q[want], "r": r[want], "a": oa[want], "b": ob[want], "c": oc[want],
                       "role": role[want], "l1": l1[want], "l2": l2[want]})
    if df.empty:
        return pd.DataFrame(columns=cols)
    df["lag"] = (f.times[df["r"].to_numpy()] - f.times[df["p"].to_numpy()]) / 1e9
    counts = df.groupby(["b", "a", "c"]).size().rename("cascades")
    rows = []
    L = f.links
    for bi in out_idx:
        if bi not in counts.index.get_level_values(0):
            continue
        best = counts.loc[bi].sort_values(ascending=False).head(per_bridge)
        for (ai, ci), n_casc in best.items():
            ex = df[(df["b"] == bi) & (df["a"] == ai) & (df["c"] == ci)].sort_values(["lag", "q"]).iloc[0]
            k1, k2 = int(ex["l1"]), int(ex["l2"])
            rows.append({
                "bridge": f.outlets[bi], "route": f"{f.outlets[ai]} -> {f.outlets[bi]} -> {f.outlets[ci]}",
                "role": ROLES[int(ex["role"])], "cascades": int(n_casc),
                "source_id": f.post_ids[int(ex["p"])], "source_outlet": f.outlets[ai],
                "source_time": f.time(ex["p"]), "bridge_id": f.post_ids[int(ex["q"])], "bridge_time": f.time(ex["q"]),
                "target_id": f.post_ids[int(ex["r"])], "target_outlet": f.outlets[ci], "target_time": f.time(ex["r"]),
                "lag_in_s": float(L["lag_s"].iat[k1]), "lag_out_s": float(L["lag_s"].iat[k2]),
                "kind_in": str(L["kind"].iat[k1]), "kind_out": str(L["kind"].iat[k2]),
                "_k1": k1,
            })
    ev = pd.DataFrame(rows)
    if ev.empty:
        return pd.DataFrame(columns=cols)
    ev["text"] = None
    if texts is not None:
        tx = post_texts(texts, ev["bridge_id"])
        ev["text"] = [matched_text(tx.get(i), L["target_start"].iat[k], L["target_end"].iat[k], 200)
                      for i, k in zip(ev["bridge_id"], ev["_k1"])]
    return ev[cols]
