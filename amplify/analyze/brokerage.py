r"""Brokerage roles (Gould & Fernandez 1989): who mediates between whom, by camp.

Every *open two-path* ``a -> b -> c`` of a directed graph -- ``a != c`` and
no edge ``a -> c``, so ``b`` mediates between two nodes that are not tied
directly -- gives the broker ``b`` one of five roles, from the groups (here:
camps) :math:`g(\cdot)` of the three nodes:

==============  ======================================  ==========================
coordinator     :math:`g(a) = g(b) = g(c)`              brokers inside its camp
itinerant       :math:`g(a) = g(c) \ne g(b)`            an outsider brokering for a camp
(consultant)
representative  :math:`g(a) = g(b) \ne g(c)`            carries its camp's content out
gatekeeper      :math:`g(b) = g(c) \ne g(a)`            brings outside content into its camp
liaison         :math:`g(a), g(b), g(c)` all different  brokers between two other camps
==============  ======================================  ==========================

The last three (:data:`CROSS_CAMP_ROLES`) join two different camps.
:func:`brokerage_roles` counts the roles of every node of a
:class:`networkx.DiGraph`; :func:`brokerage_from_edges` does the same on an
integer edge list (see :mod:`~amplify.analyze.csr`), compiled (numba, brokers
in parallel; an edge ``a -> c`` is a binary search in the sorted CSR), and
:func:`role_codes` gives the role of many ``(a, b, c)`` camp triples at once.

References
----------
.. [1] Gould, R. V. & Fernandez, R. M. (1989). Structures of mediation: a formal
   approach to brokerage in transaction networks. *Sociological Methodology*
   19, 89--126.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
from numba import njit, prange

from amplify.analyze.csr import edge_arrays, sorted_csr

__all__ = ["ROLES", "CROSS_CAMP_ROLES", "brokerage_roles", "brokerage_from_edges", "role_codes"]

#: Gould-Fernandez roles, in the order of their codes.
ROLES = ("coordinator", "itinerant", "representative", "gatekeeper", "liaison")
#: Codes of the roles whose first and last node are in different camps
#: (representative, gatekeeper, liaison).
CROSS_CAMP_ROLES = (2, 3, 4)


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
    nodes, s, d, _ = edge_arrays(G, None)
    labels = [G.nodes[v].get(group) for v in nodes]
    codes = pd.factorize(pd.Series(labels, dtype=object), use_na_sentinel=False)[0]
    counts = brokerage_from_edges(len(nodes), s, d, codes) if len(nodes) else np.zeros((0, len(ROLES)), np.int64)
    out = pd.DataFrame(counts, index=pd.Index(nodes, name="node"), columns=list(ROLES))
    out["total"] = out.sum(axis=1)
    return out


def brokerage_from_edges(n: int, src, dst, group) -> np.ndarray:
    """Role counts of nodes ``0 .. n - 1`` of the directed edges ``src -> dst``.

    The array form of :func:`brokerage_roles`: self-loops and repeated edges
    are dropped, ``group`` holds each node's camp code.

    Returns
    -------
    ndarray of int64, shape (n, 5)
        Open two-paths per broker and role, columns in the order of :data:`ROLES`.

    Examples
    --------
    >>> import numpy as np
    >>> brokerage_from_edges(3, np.array([0, 1]), np.array([1, 2]), np.array([0, 1, 1]))[1].tolist()
    [0, 0, 0, 1, 0]
    """
    keep = src != dst
    src, dst = src[keep], dst[keep]
    key = np.unique(src * n + dst)
    src, dst = key // n, key % n
    indptr, indices, _ = sorted_csr(n, src, dst)
    rptr, rind, _ = sorted_csr(n, dst, src)
    return _gf_counts(indptr, indices, rptr, rind, np.asarray(group, dtype=np.int64), n)


def role_codes(ga, gb, gc) -> np.ndarray:
    """The role code (index into :data:`ROLES`) of each camp triple ``a -> b -> c``, vectorised.

    The same rule as the compiled kernel of :func:`brokerage_from_edges`.

    Examples
    --------
    >>> import numpy as np
    >>> [ROLES[c] for c in role_codes(np.array([0, 1, 0]), np.array([0, 0, 1]), np.array([1, 0, 2]))]
    ['representative', 'gatekeeper', 'liaison']
    """
    return np.select([(ga == gb) & (gb == gc), (ga == gb), (gb == gc), (ga == gc)], [0, 2, 3, 1], 4)


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
    # the rule of role_codes, for one triple inside the kernel
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
