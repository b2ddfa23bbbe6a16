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
    amplification. :func:`~amplify.analyze.betweenness.weighted_betweenness`
    runs Brandes' algorithm compiled (numba, both cores) and gives the same values as
    :func:`networkx.betweenness_centrality` with that weight (tested); on
    graphs larger than ``betweenness_exact_max`` nodes it uses ``k`` random
    pivots (Brandes & Pich 2007), seeded.

Brokerage roles (Gould & Fernandez 1989)
    Every open two-path ``a -> b -> c`` (``a != c`` and no edge ``a -> c``:
    ``b`` mediates between two outlets that do not echo each other directly)
    gives broker ``b`` one of five roles from the camps :math:`g(\cdot)` of
    ``a``, ``b`` and ``c``: coordinator (all three in one camp), itinerant
    (``a`` and ``c`` in one camp, ``b`` outside), representative (``b``
    carries its own camp's content out), gatekeeper (``b`` brings outside
    content into its camp) and liaison (three camps); the table is in
    :mod:`~amplify.analyze.brokerage`.
    :func:`~amplify.analyze.brokerage.brokerage_roles` counts them on the
    outlet graph. :func:`bridges` also counts the same roles over actual *cascades* (``flow_*`` columns):
    two-hop echo chains post ``p`` (outlet ``a``) -> ``q`` (``b``) -> ``r``
    (``c``) along parent links, with three distinct outlets -- content that
    really went through ``b``. Those chains are the evidence shown.

Participation coefficient (Guimerà & Amaral 2005)
    :math:`P_i = 1 - \sum_{s} (k_{is} / k_i)^2`, with :math:`k_i` the
    weighted degree of ``i`` in the undirected outlet graph (echoes both
    ways) and :math:`k_{is}` the part of it to community ``s``; communities
    are found by Louvain modularity optimisation
    (:func:`networkx.community.louvain_communities`, seeded). 0: all ties in
    one community; near 1: ties spread evenly over many
    (:func:`~amplify.analyze.participation.participation_coefficient`).

Constraint (Burt 1992)
    :math:`c_i = \sum_{j \in N(i)} (p_{ij} + \sum_{q \in N(i)} p_{iq} p_{qj})^2`
    with :math:`p_{ij}` the share of ``i``'s echoes (both ways) exchanged
    with ``j``. Low constraint: ``i`` spans structural holes.
    :func:`~amplify.analyze.structural_holes.burt_constraint` equals
    :func:`networkx.constraint` (tested) and is compiled.

Ranking
    ``bridge_score`` is the number of cross-camp cascades through the
    outlet: chains whose first and last outlets are in different camps
    (``flow_representative + flow_gatekeeper + flow_liaison``); ties are
    broken by the structural cross-camp roles, then by betweenness. The
    ``main_role`` is the cross-camp role with most cascades, and
    ``main_route`` its most common camps (``CN -> RU``). An outlet through
    which no cross-camp cascade passes (score 0) is not a bridge and gets no
    rank (``rank`` is missing; such rows follow the ranked ones, for their
    measures, and the command's table leaves them out).

Ties and coverage
    Links between posts of one timestamp count once evidence gives them a
    direction (:mod:`~amplify.analyze.ties`); brokerage needs a direction,
    so undirected co-publications are shown per outlet (``ties``) but make
    no bridge. ``warnings`` says how many ties there were, which outlets had
    no candidate pair at all (:func:`~amplify.analyze.coverage.unpairable_outlets`:
    their zeros say nothing) and when no outlet bridges two camps.

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

from amplify import schema
from amplify.analyze.betweenness import betweenness_from_edges, weighted_betweenness
from amplify.analyze.brokerage import CROSS_CAMP_ROLES, ROLES, brokerage_from_edges, brokerage_roles, role_codes
from amplify.analyze.coverage import unpairable_outlets, unpairable_warning
from amplify.analyze.errors import AnalysisError
from amplify.analyze.frame import Frame
from amplify.analyze.outlet_kinds import select_outlet_kinds
from amplify.analyze.participation import participation_coefficient, participation_from_edges
from amplify.analyze.structural_holes import burt_constraint, constraint_from_edges
from amplify.analyze.tables import json_records, matched_text, post_texts

# The measures have their own modules; they are also importable from here, where they were first written.
__all__ = ["bridges", "BridgeReport", "ROLES", "brokerage_roles", "weighted_betweenness",
           "participation_coefficient", "burt_constraint", "NO_BRIDGE"]

#: The warning when no outlet is a bridge (the summary and the report say it in the table's place).
NO_BRIDGE = ("no outlet carries a cross-camp cascade (a chain of echoes through three outlets whose first "
             "and last are in different camps): there is no bridge to rank")


@dataclass
class BridgeReport:
    """What :func:`bridges` found.

    Attributes
    ----------
    table : DataFrame
        One row per outlet, ranked (``rank`` 1 = strongest bridge; missing for
        outlets of score 0, which are not bridges): ``outlet``,
        ``group``, ``kind``, ``bridge_score``, ``main_role``, ``main_route``,
        ``reason``, the ``flow_*`` role counts (cascades through the outlet),
        the structural role counts (:data:`ROLES`), ``betweenness``,
        ``community``, ``participation``, ``constraint``, ``echoes_given``,
        ``echoes_received``, ``ties`` (undirected co-publications).
    evidence : DataFrame
        For the top bridges, their most used cross-camp routes ``a -> b -> c``
        with the number of cascades and one example chain: the three posts,
        their times, lags and the text the bridge passed on.
    communities : list of sets
        The Louvain communities (outlet names).
    settings : dict
    warnings : list of str
        What the figures cannot say (ties, outlets without a candidate pair,
        no bridge at all).
    """

    table: pd.DataFrame
    evidence: pd.DataFrame
    communities: list = field(default_factory=list)
    settings: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)

    def to_dict(self) -> dict:
        """JSON-ready: the settings, both tables as lists of records, and the warnings."""
        return {"settings": self.settings, "bridges": json_records(self.table), "evidence": json_records(self.evidence),
                "warnings": list(self.warnings)}


@dataclass
class _Chains:
    """Two-hop echo chains ``p -> q -> r`` (post indices) through three distinct outlets.

    ``a``, ``b``, ``c`` are the outlets of ``p``, ``q``, ``r``; ``link_in``
    and ``link_out`` the indices (into ``Frame.links``) of the links
    ``p -> q`` and ``q -> r``.
    """

    p: np.ndarray
    q: np.ndarray
    r: np.ndarray
    a: np.ndarray
    b: np.ndarray
    c: np.ndarray
    link_in: np.ndarray
    link_out: np.ndarray


def _flows(f: Frame, mask) -> _Chains:
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
    return _Chains(p[ok], q[ok], r[ok], oa[ok], ob[ok], oc[ok], link_idx[first[ok]], link_idx[second[ok]])


def _louvain(n: int, ea, eb, ec, seed):
    """Louvain communities of the undirected outlet graph (echoes both ways summed).

    Returns the communities (sets of outlet codes, largest first) and the
    community number of each outlet.
    """
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
    return comms, comm


def bridges(links: pd.DataFrame, posts: pd.DataFrame, outlets: pd.DataFrame | None = None, *,
            top: int | None = 10, evidence: int = 3, seed=0, parents_only: bool = True, kinds=None,
            since=None, until=None, betweenness_exact_max: int = 1000, betweenness_k: int = 400,
            texts=None, frame: Frame | None = None, ties: bool = True, outlet_kinds=None,
            window="7D") -> BridgeReport:
    """Rank outlets as bridges between camps, with the evidence behind each.

    See the module documentation for the measures and the ranking rule.

    Parameters
    ----------
    links, posts, outlets : DataFrame
        Canonical tables (posts need ``post_id``, ``outlet``,
        ``published_at``; ``text`` to show evidence text).
    top : int, optional
        Rows of the table (None: every outlet): the ranked outlets first, then
        outlets of score 0, unranked.
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
        The tables already coded (its ties oriented, or left out, as it was built).
    ties : bool
        Count ties that evidence directs (default), or leave every tie out.
    outlet_kinds : list of str, optional
        Only outlets of these kinds (:func:`~amplify.analyze.outlet_kinds.select_outlet_kinds`).
    window : str, optional
        Detection's window, to find the outlets that had no candidate pair
        (None: do not look).

    Returns
    -------
    BridgeReport

    Examples
    --------
    >>> from amplify.synth import generate
    >>> from amplify.detect import detect
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
    if outlet_kinds:
        links, posts, outlets = select_outlet_kinds(links, posts, outlets, outlet_kinds)
        frame = None
    f = frame if frame is not None else Frame.build(links, posts, outlets, ties=ties, texts=texts)
    n = len(f.outlets)
    if n == 0:
        raise AnalysisError("no outlets: nothing to analyse")
    mask = f.link_mask(parents_only=parents_only, kinds=kinds, since=since, until=until, undirected=False)
    a = f.outlet_of_post[f.src[mask]]
    b = f.outlet_of_post[f.tgt[mask]]
    ext = a != b
    key, cnt = np.unique(a[ext] * n + b[ext], return_counts=True)
    ea, eb, ec = key // n, key % n, cnt.astype(np.float64)
    g = f.group_of_outlet

    bc = betweenness_from_edges(n, ea, eb, 1.0 / ec if len(ec) else ec, normalized=True,
                                k=None if n <= betweenness_exact_max else betweenness_k, seed=seed)
    roles = brokerage_from_edges(n, ea, eb, g) if len(ea) else np.zeros((n, len(ROLES)), np.int64)
    comms, comm = _louvain(n, ea, eb, ec, seed)
    part = participation_from_edges(n, ea, eb, ec, comm)
    cons = constraint_from_edges(n, ea, eb, ec)

    ch = _flows(f, mask)
    ga, gb, gc = g[ch.a], g[ch.b], g[ch.c]
    role = role_codes(ga, gb, gc)
    # 'unknown' is no camp: a chain that begins or ends at an outlet missing from the outlets table is
    # not a cross-camp cascade (else the missing outlets, all one "camp", win every bridge); code "none"
    known = f.groups != schema.UNKNOWN_GROUP
    outside = ~(known[ga] & known[gc]) & np.isin(role, CROSS_CAMP_ROLES) if len(role) else np.zeros(0, bool)
    role = np.where(outside, len(ROLES), role)
    ok = role < len(ROLES)
    flow = np.bincount(ch.b[ok] * len(ROLES) + role[ok], minlength=n * len(ROLES)).reshape(n, len(ROLES))
    score = flow[:, list(CROSS_CAMP_ROLES)].sum(axis=1)
    struct_cross = roles[:, list(CROSS_CAMP_ROLES)].sum(axis=1)

    given = np.bincount(a, minlength=n)
    received = np.bincount(b, minlength=n)
    und = f.link_mask(parents_only=False, kinds=kinds, since=since, until=until) & f.undirected
    # an undirected tie is listed both ways: each row is one co-publication seen from its source's side
    ties_per_outlet = np.bincount(f.outlet_of_post[f.src[und]], minlength=n)
    gnames = f.groups
    table = pd.DataFrame({
        "outlet": f.outlets, "group": gnames[g], "kind": f.kind_of_outlet,
        "bridge_score": score,
        **{f"flow_{name}": flow[:, i] for i, name in enumerate(ROLES)},
        **{name: roles[:, i] for i, name in enumerate(ROLES)},
        "betweenness": np.round(bc, 6), "community": comm, "participation": np.round(part, 4),
        "constraint": np.round(cons, 4), "echoes_given": given, "echoes_received": received,
        "ties": ties_per_outlet,
    })
    table["_sc"] = struct_cross
    order = np.lexsort((table["outlet"].to_numpy(), -table["betweenness"].to_numpy(), -struct_cross, -score))
    table = table.iloc[order].reset_index(drop=True)
    n_ranked = int((score > 0).sum())
    table.insert(0, "rank", pd.array(np.r_[np.arange(1, n_ranked + 1), np.full(n - n_ranked, -1)], dtype="Int64"))
    table.loc[n_ranked:, "rank"] = pd.NA
    main_role, main_route, reasons = _main_roles(f, table, ch.b, role, ga, gc, roles)
    table.insert(5, "main_role", main_role)
    table.insert(6, "main_route", main_route)
    table.insert(7, "reason", reasons)
    table = table.drop(columns="_sc")
    shown = table if top is None else table.head(int(top))

    ev = _evidence(f, shown, ch, role, evidence,
                   texts if texts is not None else (posts if "text" in posts.columns else None))
    settings = {"parents_only": parents_only, "kinds": list(kinds) if kinds else None, "seed": seed,
                "since": str(since) if since is not None else None,
                "until": str(until) if until is not None else None, "outlets": n, "edges": int(len(ea)),
                "betweenness": "exact" if n <= betweenness_exact_max else f"{betweenness_k} pivots",
                "distance": "1 / echoes", "ranked": n_ranked, "ties": bool(ties),
                "outlet_kinds": list(outlet_kinds) if outlet_kinds else None}
    warnings = _warnings(f, posts, n_ranked, window)
    if outside.any():
        warnings.append(f"{int(outside.sum()):,} cascade(s) begin or end at outlets missing from the outlets table "
                        f"or given no group there (camp '{schema.UNKNOWN_GROUP}'): not counted as cross-camp, since 'unknown' is no camp "
                        "(name their camps: amplify outlets --write-template FILE)")
    return BridgeReport(shown.reset_index(drop=True), ev, [{f.outlets[i] for i in c} for c in comms], settings,
                        warnings)


def _warnings(f: Frame, posts, n_ranked: int, window) -> list[str]:
    """What the bridge table cannot say: ties, outlets without a candidate pair, no bridge at all."""
    out = []
    tie_note = f.ties.warning()
    if tie_note:
        out.append(tie_note)
    if window is not None and len(posts):
        lonely = unpairable_outlets(posts, window)
        note = unpairable_warning(lonely, window, int(len(np.unique(f.outlet_of_post))))
        if note:
            out.append(note)
    if n_ranked == 0:
        out.append(NO_BRIDGE)
    return out


def _main_roles(f: Frame, table: pd.DataFrame, ob, role, ga, gc, roles):
    """Main role, main route and a one-line reason per row of the ranked ``table``.

    From the outlet's cross-camp cascades (``ob``: broker outlet of each
    chain, ``role`` its role, ``ga``/``gc`` the camps at its ends); from its
    structural roles (``roles``, per outlet code) when it has none.
    """
    gnames = f.groups
    bt_rank = table["betweenness"].rank(ascending=False, method="min").astype(int)
    route = pd.DataFrame({"b": ob, "role": role, "ga": ga, "gc": gc})
    route = route[np.isin(route["role"], CROSS_CAMP_ROLES)]
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
            cross = {ROLES[k]: int(row[ROLES[k]]) for k in CROSS_CAMP_ROLES}
            rl, rt, n_route = max(cross, key=cross.get), "", 0
        else:
            rl = ROLES[int(np.argmax(roles[o]))] if roles[o].sum() else "none"
            rt, n_route = "", 0
        main_role.append(rl)
        main_route.append(rt)
        reasons.append(_reason(row, rl, rt, n_route, int(bt_ranks[i])))
    return main_role, main_route, reasons


def _reason(row, role, route, n_route, bt_rank) -> str:
    desc = {"gatekeeper": "brings {a} content into {c}", "representative": "carries {a} content out to {c}",
            "liaison": "relays {a} content to {c}", "itinerant": "brokers inside another camp",
            "coordinator": "brokers inside its own camp", "none": "no brokerage"}
    if route:
        a, c = route.split(" -> ")
        # the route's share of the score, so the two numbers of a row add up
        head = (f"{role}: {desc[role].format(a=a, c=c)} ({n_route:,} of the {int(row['bridge_score']):,} "
                "cross-camp cascades through it)")
    elif role in ("gatekeeper", "representative", "liaison"):
        head = f"{role} on the outlet graph ({int(row[role]):,} open two-paths), no cascades observed"
    else:
        head = desc.get(role, role)
    return (f"{head}; betweenness rank {bt_rank}, participation {row['participation']:.2f}, "
            f"constraint {row['constraint']:.2f}")


def _evidence(f: Frame, shown, ch: _Chains, role, per_bridge: int, texts) -> pd.DataFrame:
    cols = ["bridge", "route", "role", "cascades", "source_id", "source_outlet", "source_time", "bridge_id",
            "bridge_time", "target_id", "target_outlet", "target_time", "lag_in_s", "lag_out_s", "kind_in",
            "kind_out", "text"]
    if per_bridge <= 0 or len(ch.p) == 0 or shown.empty:
        return pd.DataFrame(columns=cols)
    out_idx = pd.Index(f.outlets).get_indexer(shown["outlet"])
    want = np.isin(ch.b, out_idx) & np.isin(role, CROSS_CAMP_ROLES)
    df = pd.DataFrame({"p": ch.p[want], "q": ch.q[want], "r": ch.r[want], "a": ch.a[want], "b": ch.b[want],
                       "c": ch.c[want], "role": role[want], "l1": ch.link_in[want], "l2": ch.link_out[want]})
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
