r"""Betweenness centrality of a weighted directed graph, Brandes' algorithm compiled.

The betweenness of a node ``v`` is the share of shortest paths between other
nodes that pass through it:

.. math::

    C_B(v) = \frac{1}{(n-1)(n-2)} \sum_{s \ne v \ne t} \frac{\sigma_{st}(v)}{\sigma_{st}}

where :math:`\sigma_{st}` is the number of shortest directed paths from ``s``
to ``t`` and :math:`\sigma_{st}(v)` the number of them through ``v``; the
factor :math:`1 / ((n-1)(n-2))` (``normalized=True``) scales it to [0, 1].
Edge weights are *distances* (positive). Brandes' algorithm runs one
Dijkstra search per source and accumulates the dependencies backwards, in
:math:`O(nm + n^2 \log n)`; here the sources are split in chunks that run in
parallel (numba, both cores), each with its own binary heap. With ``k``
pivots, only ``k`` random sources are searched and the sums are scaled by
``n / k`` (Brandes & Pich 2007), seeded.

:func:`weighted_betweenness` gives the same values as
:func:`networkx.betweenness_centrality` (``endpoints=False``; tested);
:func:`betweenness_from_edges` is the same on an integer edge list (see
:mod:`~amplify.analyze.csr`), as :func:`~amplify.analyze.bridging.bridges`
uses it.

References
----------
.. [1] Brandes, U. (2001). A faster algorithm for betweenness centrality.
   *Journal of Mathematical Sociology* 25(2), 163--177.
.. [2] Brandes, U. & Pich, C. (2007). Centrality estimation in large networks.
   *International Journal of Bifurcation and Chaos* 17(7), 2303--2318.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
from numba import njit, prange

from amplify.analyze.csr import edge_arrays, sorted_csr
from amplify.analyze.errors import AnalysisError

__all__ = ["weighted_betweenness", "betweenness_from_edges"]

#: The sources are split in up to this many chunks, run in parallel: more chunks than
#: cores, so that a chunk of slow sources does not leave the other core idle.
_MAX_CHUNKS = 16


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
        distance, as :func:`~amplify.analyze.bridging.bridges` does.
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
    nodes, s, d, w = edge_arrays(G, weight)
    if invert:
        w = 1.0 / w
    bc = betweenness_from_edges(len(nodes), s, d, w, normalized=normalized, k=k, seed=seed)
    return dict(zip(nodes, bc.tolist()))


def betweenness_from_edges(n: int, src, dst, dist, *, normalized: bool = True, k: int | None = None,
                           seed=0) -> np.ndarray:
    """Betweenness of nodes ``0 .. n - 1`` of the directed edges ``src -> dst`` at distances ``dist``.

    The array form of :func:`weighted_betweenness` (same parameters); ``dist``
    must be positive.

    Returns
    -------
    ndarray of float64, shape (n,)

    Examples
    --------
    >>> import numpy as np
    >>> betweenness_from_edges(3, np.array([0, 1]), np.array([1, 2]), np.array([1.0, 1.0]),
    ...                        normalized=False).tolist()
    [0.0, 1.0, 0.0]
    """
    if n == 0:
        return np.zeros(0)
    indptr, indices, w = sorted_csr(n, src, dst, dist)
    rptr, rind, rw = sorted_csr(n, dst, src, dist)
    if np.any(w <= 0):
        raise AnalysisError("betweenness needs positive edge distances")
    if k is None or k >= n:
        sources = np.arange(n, dtype=np.int64)
        k = None
    else:
        rng = np.random.default_rng(seed)
        sources = np.sort(rng.choice(n, size=int(k), replace=False)).astype(np.int64)
    n_chunks = max(1, min(len(sources), _MAX_CHUNKS))
    bc = _brandes(indptr, indices, w, rptr, rind, rw, sources, n, n_chunks)
    scale = None
    if normalized:
        scale = 1.0 / ((n - 1) * (n - 2)) if n > 2 else None
    if k is not None:
        scale = (scale if scale is not None else 1.0) * n / k
    return bc * scale if scale is not None else bc


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
