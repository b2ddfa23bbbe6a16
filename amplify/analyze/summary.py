"""Summary: the headline numbers of a corpus on one screen.

:func:`summarize` gathers what an analyst looks at first: how many posts,
outlets per camp and links per kind; the strongest synergy between camps
(:func:`~amplify.analyze.synergy.camp_synergy` with the ``synergy`` command's
defaults, so the same seed gives the same z and p there and here: only pairs
of camps with more echoes than the post-level test expects, significant ones
first); the top bridges (:func:`~amplify.analyze.bridging.bridges`); and the
largest cascades -- the trees of parent links with the most posts, each with
its origin, reach across outlets and camps, depth and duration; and the
largest clusters of coordinated accounts
(:func:`~amplify.analyze.coordination.coordination` with its defaults). The synergy
warnings (questions it could not answer) come along in ``warnings``.

Counting links
--------------
Detection stores a tie (two posts of one timestamp) both ways; the analyses
orient the ties first (:mod:`amplify.analyze.ties`), so they count fewer
links than ``amplify info``. :func:`link_counts` says how the two numbers
meet -- the links after orienting are the echoes (parent links, each echo
once from its most likely direct source), the other directed links
(also-matches, templates) and the rows of the undirected co-publications
(listed both ways) -- and :func:`describe_links` words it, for this summary
and for the report.

Cascades
--------
A cascade is what ``amplify trace`` shows for its origin: a post with no
parent and every post that echoed it, directly or through others, along
parent links. A post quoting passages of several sources has a parent per
passage and belongs to the cascade of each, so two cascades may share posts;
they are not the connected components of the links (which would merge
them).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numba import njit

from amplify import schema
from amplify.analyze.bridging import NO_BRIDGE, bridges
from amplify.analyze.errors import AnalysisError
from amplify.analyze.frame import Frame
from amplify.analyze.resolution import DAY_NS
from amplify.analyze.ties import TieSummary
from amplify.graph import undirected_mask
from amplify.analyze.synergy import DEFAULT_PERMUTATIONS, camp_synergy
from amplify.analyze.tables import json_records, matched_text, post_texts
from amplify.utc import from_ns

__all__ = ["summarize", "Summary", "largest_cascades", "link_counts", "describe_links"]


@dataclass
class Summary:
    """What :func:`summarize` found: ``corpus`` (dict of headline numbers), tables
    ``camps``, ``kinds``, ``synergy``, ``bridges`` and ``cascades``, the
    synergy analysis' ``warnings``, and ``notes``: why a table is empty (its
    name -> a sentence), shown in its place."""

    corpus: dict
    camps: pd.DataFrame
    kinds: pd.DataFrame
    synergy: pd.DataFrame
    bridges: pd.DataFrame
    cascades: pd.DataFrame
    settings: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)
    coordination: pd.DataFrame = field(default_factory=pd.DataFrame)
    notes: dict = field(default_factory=dict)

    def tables(self) -> dict:
        return {"camps": self.camps, "kinds": self.kinds, "synergy": self.synergy, "bridges": self.bridges,
                "cascades": self.cascades, "coordination": self.coordination}

    def to_dict(self) -> dict:
        import json

        return {"corpus": json.loads(json.dumps(self.corpus, default=str)),
                **{k: json_records(v) for k, v in self.tables().items()}, "settings": self.settings,
                "warnings": list(self.warnings), "notes": dict(self.notes)}

    def long(self) -> pd.DataFrame:
        """Every figure as one ``section, item, field, value`` table (for CSV)."""
        rows = [("corpus", "", k, v) for k, v in self.corpus.items()]
        for name, df in self.tables().items():
            for i, rec in enumerate(df.to_dict("records")):
                item = str(rec.get("outlet", rec.get("pair", rec.get("camp", rec.get("kind",
                                                                                     rec.get("root_id", i))))))
                for k, v in rec.items():
                    rows.append((name, item, k, v))
        rows += [(name, "", "note", why) for name, why in self.notes.items()]
        return pd.DataFrame(rows, columns=["section", "item", "field", "value"]).astype({"value": str})

    def __str__(self) -> str:
        c = self.corpus
        echo_posts = c.get("echo_posts", c["echoes"])
        several = (f"; a post quoting several sources echoes each: {echo_posts:,} posts"
                   if echo_posts != c["echoes"] else "")
        camps = "1 camp" if c["camps"] == 1 else f"{c['camps']} camps"
        span = [str(c[k])[:10] if c.get("dates_only") else c[k] for k in ("first", "last")]
        out = [f"{c['posts']:,} posts by {c['outlets']:,} outlets in {camps}, {span[0]} to {span[1]}",
               describe_links({"links": c["links"], "echoes": c["echoes"], "other": c.get("links_other", 0),
                               "copublication_rows": c.get("copublication_rows", 0),
                               "copublications": c.get("copublications", 0), "templates": c.get("templates", 0),
                               "detected": c.get("links_detected"), "listed_once": c.get("links_listed_once", 0),
                               "dropped": c.get("links_dropped", 0), "oriented": bool(c.get("ties"))}),
               f"{c['echoes']:,} echoes with a parent (each once, from its most likely direct source{several}): "
               f"{c['echo_share']:.1%} of posts echo an earlier one", ""]
        with pd.option_context("display.width", 160, "display.max_columns", 20, "display.max_colwidth", 60):
            for name, title in (("camps", "Camps"), ("kinds", "Links per kind"),
                                ("synergy", "Strongest synergy (target camp echoes source camp)"),
                                ("bridges", "Top bridges (bridge_score: cross-camp cascades through the outlet)"),
                                ("cascades", "Largest cascades (as `amplify trace ROOT_ID` shows them)"),
                                ("coordination", "Coordinated posting (clusters of accounts)")):
                df = self.tables()[name]
                if name == "cascades" and c.get("dates_only") and len(df):
                    df = df.assign(time=pd.to_datetime(df["time"], utc=True).dt.strftime("%Y-%m-%d"))
                out.append(f"== {title}")
                why = self.notes.get(name)
                out.append(df.to_string(index=False) if len(df) else f"(none: {why})" if why else "(none)")
                out.append("")
        if self.warnings:
            out.append("== Warnings")
            out += [f"- {w}" for w in self.warnings]
        return "\n".join(out).rstrip() + "\n"


def link_counts(links: pd.DataFrame, *, detected: int | None = None, ties: TieSummary | None = None,
                dropped: int = 0, templates: bool = True) -> dict:
    """What a table of links holds, and how it follows from the links detection stored.

    Parameters
    ----------
    links : DataFrame
        Links with their ties oriented (:func:`amplify.analyze.ties.orient_ties`)
        or left out: every row of the link set, or the part of it a view counts.
    detected : int, optional
        Rows of the link set as detection stored them, ties listed both ways
        (None: ``links`` is a filtered part, and is not reconciled with them).
    ties : TieSummary, optional
        What orienting the ties did (``ties.left_out``: every tie left out).
    dropped : int
        Links left out because a post of theirs is not in the posts table.
    templates : bool
        Count the ``template`` links (same frame, other facts: no echo); False
        sets them apart, as the report does.

    Returns
    -------
    dict
        ``links`` (rows counted) = ``echoes`` (parent links) + ``other``
        (directed links that are no parent: also-matches and templates) +
        ``copublication_rows`` (undirected ties, listed both ways when of one
        timestamp: ``copublications`` pairs). ``templates``: template rows
        among them; ``templates_apart``: those set aside; ``echo_posts``: posts
        with a parent; ``detected``, ``dropped``; ``listed_once``: rows detection
        had that orienting merged (each tie evidence directs is kept one way);
        ``ties_left_out``: tie rows left out.
    """
    L = links if links is not None else schema.empty_links()
    n_all = len(L)
    tpl = (L["kind"] == "template").to_numpy(dtype=bool) if n_all else np.zeros(0, bool)
    if not templates and tpl.any():
        L, n_apart = L[~tpl], int(tpl.sum())
        tpl = tpl[~tpl]
    else:
        n_apart = 0
    und = undirected_mask(L)
    parent = L["is_parent"].to_numpy(dtype=bool) & ~und if len(L) else np.zeros(0, bool)
    s = L["source_id"].astype(str).to_numpy(dtype=object)[und] if len(L) else np.zeros(0, object)
    t = L["target_id"].astype(str).to_numpy(dtype=object)[und] if len(L) else np.zeros(0, object)
    pairs = len(set(zip(np.where(s < t, s, t).tolist(), np.where(s < t, t, s).tolist())))
    # what detection stored and these rows do not hold: merged mirrors of directed ties, or ties left out
    gone = detected - int(dropped) - n_all if detected is not None else 0
    left_out = bool(ties is not None and ties.left_out)
    return {"links": int(len(L)), "echoes": int(parent.sum()), "other": int((~parent & ~und).sum()),
            "copublication_rows": int(und.sum()), "copublications": int(pairs), "templates": int(tpl.sum()),
            "templates_apart": n_apart,
            "echo_posts": int(len(pd.unique(L["target_id"].to_numpy()[parent]))) if len(L) else 0,
            "detected": None if detected is None else int(detected), "dropped": int(dropped),
            "listed_once": 0 if left_out else int(gone), "ties_left_out": int(gone) if left_out else 0,
            "oriented": bool(ties is not None and ties.tie_links and not left_out)}


def describe_links(c: dict) -> str:
    """One sentence from :func:`link_counts`: the rows counted, what they are, and how they meet detection's.

    >>> print(describe_links({"links": 141, "echoes": 64, "other": 3, "copublication_rows": 74,
    ...     "copublications": 37, "detected": 198, "listed_once": 57, "oriented": True}))
    ... # doctest: +NORMALIZE_WHITESPACE
    141 links after orienting ties = 64 echoes + 3 other directed links (also-matches, templates) + 74 rows
    of 37 undirected co-publications (each listed both ways); 198 as detected, which lists each of the 57
    same-time pairs evidence directs both ways
    """
    head = f"{c['links']:,} links" + (" after orienting ties" if c.get("oriented") else "")
    parts = [f"{c.get('echoes', 0):,} echoes"]
    if c.get("other"):
        what = "also-matches, templates" if c.get("templates") or "templates" not in c else "also-matches"
        parts.append(f"{c['other']:,} other directed links ({what})")
    if c.get("copublication_rows"):
        rows, pairs = c["copublication_rows"], c.get("copublications", 0)
        how = "each listed both ways" if rows == 2 * pairs else "listed both ways when of one timestamp"
        parts.append(f"{rows:,} rows of {pairs:,} undirected co-publications ({how})")
    out = head + (" = " + " + ".join(parts) if len(parts) > 1 or c.get("echoes", 0) != c["links"] else "")
    if c.get("templates"):
        out += f"; {c['templates']:,} of the {c['links']:,} are templates (same frame, other facts: no echo)"
    if c.get("templates_apart"):
        out += f"; {c['templates_apart']:,} templates (no echo) not counted"
    if c.get("detected") is not None and c["detected"] != c["links"] + c.get("templates_apart", 0):
        why = []
        if c.get("listed_once"):
            why.append(f"lists each of the {c['listed_once']:,} same-time pairs evidence directs both ways")
        if c.get("ties_left_out"):
            why.append(f"holds {c['ties_left_out']:,} ties, left out here")
        if c.get("dropped"):
            why.append(f"holds {c['dropped']:,} links to posts not in the posts table")
        out += f"; {c['detected']:,} as detected" + (", which " + " and ".join(why) if why else "")
    return out


@njit(cache=True)
def _cascade_sizes(roots, ptr, child, n):
    """Posts under each root along the child lists (``ptr``/``child``, CSR), the root included.

    A post reached by two paths counts once (``seen`` holds the last root that
    reached it); parents come first in time, so there is no cycle.
    """
    seen = np.full(n, -1, np.int64)
    stack = np.empty(n, np.int64)
    size = np.zeros(len(roots), np.int64)
    for k in range(len(roots)):
        seen[roots[k]] = k
        stack[0] = roots[k]
        top, cnt = 1, 1
        while top:
            top -= 1
            v = stack[top]
            for j in range(ptr[v], ptr[v + 1]):
                c = child[j]
                if seen[c] != k:
                    seen[c] = k
                    stack[top] = c
                    top += 1
                    cnt += 1
        size[k] = cnt
    return size


def _members(root: int, ptr: np.ndarray, child: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The posts under ``root`` and the depth of each: the fewest parent links from the root (as trace)."""
    level, nodes, depths, d = np.array([root], np.int64), [np.array([root], np.int64)], [np.zeros(1, np.int64)], 0
    seen = np.zeros(len(ptr) - 1, dtype=bool)
    seen[root] = True
    while len(level):
        deg = ptr[level + 1] - ptr[level]
        pos = np.repeat(ptr[level], deg) + (np.arange(deg.sum()) - np.repeat(np.cumsum(deg) - deg, deg))
        level = np.unique(child[pos])
        level = level[~seen[level]]
        seen[level] = True
        d += 1
        nodes.append(level)
        depths.append(np.full(len(level), d, np.int64))
    return np.concatenate(nodes), np.concatenate(depths)


def largest_cascades(frame: Frame, *, top: int = 5, texts=None) -> pd.DataFrame:
    """The ``top`` cascades (trees of parent links from an origin) with the most posts.

    A cascade is an origin (a post with no parent) and every post that echoed
    it, directly or through others, along parent links: what ``amplify trace``
    shows for the origin, with the same posts, outlets, camps, depth and
    duration. A post quoting passages of several sources has a parent per
    passage and counts in the cascade of each.

    Columns: ``root_id``, ``outlet``, ``group``, ``time``, ``posts`` (the root
    included), ``outlets`` (the root's included), ``camps`` (posts per camp),
    ``depth`` (parent links from the root to the farthest post, by the
    shortest way), ``duration_h`` (root to last echo) and ``text`` (the
    root's opening words). Ties in size go to the earlier root.
    """
    f = frame
    cols = ["root_id", "outlet", "group", "time", "posts", "outlets", "camps", "depth", "duration_h", "text"]
    # parents and the same-time reprints evidence directs (amplify.analyze.ties); co-publications never parent
    pm = f.link_mask(parents_only=True, undirected=False)
    if not pm.any() or top <= 0:
        return pd.DataFrame(columns=cols)
    n = f.n_posts
    s, t = f.src[pm], f.tgt[pm]
    key = np.unique(s * n + t)          # two passages from one source are one edge of the tree
    s, t = key // n, key % n
    has_parent = np.zeros(n, dtype=bool)
    has_parent[t] = True
    roots = np.unique(s[~has_parent[s]])
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(s, minlength=n), out=ptr[1:])
    child = t                            # key is sorted by source, so the children are grouped already
    size = _cascade_sizes(roots, ptr, child, n)
    rank = pd.DataFrame({"r": roots, "size": size, "time": f.times[roots], "id": f.post_ids[roots].astype(str)})
    best = rank.sort_values(["size", "time", "id"], ascending=[False, True, True], kind="stable")["r"].head(top)
    rows = []
    for root in best.to_numpy():
        members, depth = _members(int(root), ptr, child)
        per = pd.Series(f.groups[f.group_of_post[members]]).value_counts()
        rows.append({"root_id": f.post_ids[root], "outlet": f.outlets[f.outlet_of_post[root]],
                     "group": f.groups[f.group_of_post[root]], "time": from_ns(f.times[root]),
                     "posts": int(len(members)), "outlets": int(len(np.unique(f.outlet_of_post[members]))),
                     "camps": ", ".join(f"{k} {v}" for k, v in per.items()),
                     "depth": int(depth.max()),
                     "duration_h": round(float((f.times[members].max() - f.times[root]) / 3.6e12), 1)})
    out = pd.DataFrame(rows)
    out["text"] = None
    if texts is not None:
        tx = post_texts(texts, out["root_id"])
        out["text"] = [matched_text(tx.get(r), 0, 120, 120) for r in out["root_id"]]
    return out[cols]


def _dates_only(f: Frame) -> bool:
    """Is every post's time a date read as midnight UTC? (Then a date says all a time would. Dates read at
    midnight of another zone are instants of another UTC day, shown as they are.)"""
    return bool(f.n_posts) and not (f.times % DAY_NS).any()


def summarize(links: pd.DataFrame, posts: pd.DataFrame, outlets: pd.DataFrame | None = None, *,
              top: int = 5, permutations: int = DEFAULT_PERMUTATIONS, time_shift: bool = True, window="7D", seed=0,
              texts=None, frame: Frame | None = None) -> Summary:
    """The headline numbers of a corpus.

    Parameters
    ----------
    links, posts, outlets : DataFrame
        Canonical tables.
    top : int
        Rows of each table.
    permutations : int
        Permutations of the synergy nulls: the ``synergy`` command's default,
        so both show the same z and p for a pair at the same seed.
    time_shift, window, seed
        As for :func:`~amplify.analyze.synergy.camp_synergy`.
    texts : DataFrame or Workspace, optional
        Where to read the cascades' root texts.
    frame : Frame, optional

    Returns
    -------
    Summary

    Examples
    --------
    >>> from amplify.synth import generate
    >>> from amplify.detect import detect
    >>> c = generate(n_posts=2000, seed=1)
    >>> s = summarize(detect(c.posts, c.outlets), c.posts, c.outlets, permutations=50)
    >>> s.corpus["posts"], sorted(s.camps["camp"])
    (2000, ['CN', 'IR', 'RU', 'WEST'])
    """
    src_texts = texts if texts is not None else (posts if "text" in posts.columns else None)
    # one tie rule for every figure here, synergy's and bridges' included: ties oriented once, texts at hand
    f = frame if frame is not None else Frame.build(links, posts, outlets, texts=src_texts)
    L = f.links
    pm = f.link_mask(parents_only=True)
    n_echo = int(pm.sum())
    a = f.outlet_of_post[f.src[pm]]
    b = f.outlet_of_post[f.tgt[pm]]
    gp = f.group_of_post
    camps = pd.DataFrame({
        "camp": f.groups,
        "outlets": np.bincount(f.group_of_outlet[np.unique(f.outlet_of_post)] if f.n_posts else [],
                               minlength=len(f.groups)),
        "posts": np.bincount(gp, minlength=len(f.groups)),
        "echoes_given": np.bincount(f.group_of_outlet[a], minlength=len(f.groups)),
        "echoes_received": np.bincount(f.group_of_outlet[b], minlength=len(f.groups)),
    }).sort_values("posts", ascending=False).reset_index(drop=True)
    kinds = pd.DataFrame({"kind": list(schema.LINK_KINDS)})
    all_k = L["kind"].value_counts() if len(L) else pd.Series(dtype=int)
    par_k = L.loc[pm, "kind"].value_counts() if len(L) else pd.Series(dtype=int)
    kinds["links"] = [int(all_k.get(k, 0)) for k in kinds["kind"]]
    kinds["parents"] = [int(par_k.get(k, 0)) for k in kinds["kind"]]
    kinds["attributed"] = [int((L.loc[pm, "kind"] == k).to_numpy()[L.loc[pm, "attributed"].to_numpy(bool)].sum())
                           if len(L) else 0 for k in kinds["kind"]]

    lc = link_counts(L, detected=int(f.ties.links) if f.ties.links else int(len(L)) + int(f.dropped_links),
                     ties=f.ties, dropped=int(f.dropped_links))
    corpus = {"posts": int(f.n_posts), "outlets": int(len(np.unique(f.outlet_of_post))),
              "camps": int(len(np.unique(gp))) if f.n_posts else 0,
              "first": from_ns(f.times.min()).isoformat() if f.n_posts else None,
              # every outlet gives dates without times: the text shows dates, not a made-up midnight
              "dates_only": _dates_only(f),
              "last": from_ns(f.times.max()).isoformat() if f.n_posts else None,
              "links": int(len(L)), "echoes": n_echo,
              # a share of posts: a post with a parent per quoted passage is one post
              "echo_share": round(lc["echo_posts"] / f.n_posts, 4) if f.n_posts else 0.0,
              "ties": int(f.ties.tie_links), "tie_pairs": int(f.ties.pairs),
              "ties_directed": int(sum(f.ties.oriented.values())), "copublications": int(f.ties.undirected),
              "unknown_outlets": int((f.groups[f.group_of_outlet] == schema.UNKNOWN_GROUP).sum()),
              # how "links" meets the count of `amplify info` / `detect` (ties listed both ways there)
              "links_detected": lc["detected"], "links_listed_once": lc["listed_once"],
              "links_dropped": lc["dropped"], "links_other": lc["other"],
              "copublication_rows": lc["copublication_rows"], "templates": lc["templates"],
              "echo_posts": lc["echo_posts"]}

    syn_cols = ["pair", "observed", "expected", "ratio", "z", "p", "p_shift", "significant", "lag_s_median",
                "post_expected", "post_z", "post_p", "tested_by"]
    syn, warnings = pd.DataFrame(columns=syn_cols), []
    if n_echo and len(f.groups) > 1:
        try:
            rep = camp_synergy(L, posts, outlets, permutations=permutations, time_shift=time_shift, window=window,
                               seed=seed, top_narratives=0, frame=f)
        except AnalysisError as exc:  # e.g. no outlet under test: say so, the rest of the summary stands
            warnings = [f"synergy not computed: {exc}"]
        else:
            syn, warnings = _strongest(rep.pairs, top)[syn_cols], list(rep.warnings)
    if f.ties.warning() and f.ties.warning() not in warnings:     # synergy not run: the tie warning all the same
        warnings.insert(0, f.ties.warning())
    br_cols = ["rank", "outlet", "group", "bridge_score", "main_role", "main_route", "betweenness"]
    br, notes = pd.DataFrame(columns=br_cols), {}
    if n_echo:
        rep_b = bridges(L, posts, outlets, top=top, evidence=0, seed=seed, frame=f, window=window)
        # as `amplify bridges`: an outlet no cross-camp cascade passes through has no rank and is no bridge
        br = rep_b.table.loc[rep_b.table["rank"].notna(), br_cols].reset_index(drop=True)
    if br.empty:    # said where the table would be, in bridges' words (not a second warning on stderr)
        notes["bridges"] = NO_BRIDGE
    casc = largest_cascades(f, top=top, texts=src_texts)
    coord = _coordination_clusters(L, posts, outlets, f, top, warnings, src_texts)
    settings = {"top": top, "permutations": permutations, "time_shift": time_shift, "window": str(window),
                "seed": seed}
    return Summary(corpus, camps, kinds, syn, br, casc, settings, warnings, coord, notes)


def _coordination_clusters(links, posts, outlets, frame, top: int, warnings: list, texts=None) -> pd.DataFrame:
    """The ``top`` largest clusters of coordinated accounts (the coordination command's defaults)."""
    from amplify.analyze.coordination import coordination

    cols = ["cluster", "size", "accounts", "camps", "co_posts", "span_h", "top_content"]
    try:
        rep = coordination(links, posts, outlets, frame=frame, texts=texts)
    except AnalysisError as exc:  # e.g. dates without times: say so, the rest of the summary stands
        warnings.append(f"coordinated posting not computed: {exc}")
        return pd.DataFrame(columns=cols)
    return rep.clusters[cols].head(top).reset_index(drop=True)


def _strongest(pairs: pd.DataFrame, top: int) -> pd.DataFrame:
    """Cross-camp pairs with more echoes than expected, significant first, then by z (post level, else label).

    A pair with no echo, or fewer than chance, is no synergy at all and is never listed.
    """
    pr = pairs[pairs["source"] != pairs["target"]].copy()
    expected = pr["post_expected"].where(pr["post_expected"].notna(), pr["expected"])
    pr = pr[(pr["observed"] > 0) & (pr["observed"] > expected)]
    pr["pair"] = pr["source"] + " -> " + pr["target"]
    pr["_z"] = pr["post_z"].where(pr["post_z"].notna(), pr["z"])
    pr = pr.sort_values(["significant", "_z", "observed"], ascending=False, kind="stable")
    return pr.head(top).reset_index(drop=True)
