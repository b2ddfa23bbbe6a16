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
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from amplify import schema
from amplify.analyze.bridging import bridges
from amplify.analyze.errors import AnalysisError
from amplify.analyze.text_families import families
from amplify.analyze.frame import Frame
from amplify.analyze.synergy import DEFAULT_PERMUTATIONS, camp_synergy
from amplify.analyze.tables import json_records, matched_text, post_texts
from amplify.utc import from_ns

__all__ = ["summarize", "Summary", "largest_cascades"]


@dataclass
class Summary:
    """What :func:`summarize` found: ``corpus`` (dict of headline numbers), tables
    ``camps``, ``kinds``, ``synergy``, ``bridges`` and ``cascades``, and the
    synergy analysis' ``warnings``."""

    corpus: dict
    camps: pd.DataFrame
    kinds: pd.DataFrame
    synergy: pd.DataFrame
    bridges: pd.DataFrame
    cascades: pd.DataFrame
    settings: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)
    coordination: pd.DataFrame = field(default_factory=pd.DataFrame)

    def tables(self) -> dict:
        return {"camps": self.camps, "kinds": self.kinds, "synergy": self.synergy, "bridges": self.bridges,
                "cascades": self.cascades, "coordination": self.coordination}

    def to_dict(self) -> dict:
        import json

        return {"corpus": json.loads(json.dumps(self.corpus, default=str)),
                **{k: json_records(v) for k, v in self.tables().items()}, "settings": self.settings,
                "warnings": list(self.warnings)}

    def long(self) -> pd.DataFrame:
        """Every figure as one ``section, item, field, value`` table (for CSV)."""
        rows = [("corpus", "", k, v) for k, v in self.corpus.items()]
        for name, df in self.tables().items():
            for i, rec in enumerate(df.to_dict("records")):
                item = str(rec.get("outlet", rec.get("pair", rec.get("camp", rec.get("kind",
                                                                                     rec.get("root_id", i))))))
                for k, v in rec.items():
                    rows.append((name, item, k, v))
        return pd.DataFrame(rows, columns=["section", "item", "field", "value"]).astype({"value": str})

    def __str__(self) -> str:
        c = self.corpus
        out = [f"{c['posts']:,} posts by {c['outlets']:,} outlets in {c['camps']} camps, "
               f"{c['first']} to {c['last']}",
               f"{c['links']:,} links ({c['echoes']:,} echoes with a parent: {c['echo_share']:.1%} of posts "
               f"echo an earlier one)", ""]
        with pd.option_context("display.width", 160, "display.max_columns", 20, "display.max_colwidth", 60):
            for title, df in (("Camps", self.camps), ("Links per kind", self.kinds),
                              ("Strongest synergy (target camp echoes source camp)", self.synergy),
                              ("Top bridges", self.bridges), ("Largest cascades", self.cascades),
                              ("Coordinated posting (clusters of accounts)", self.coordination)):
                out.append(f"== {title}")
                out.append(df.to_string(index=False) if len(df) else "(none)")
                out.append("")
        if self.warnings:
            out.append("== Warnings")
            out += [f"- {w}" for w in self.warnings]
        return "\n".join(out).rstrip() + "\n"


def largest_cascades(frame: Frame, *, top: int = 5, texts=None) -> pd.DataFrame:
    """The ``top`` cascades (trees of parent links) with the most posts.

    Columns: ``root_id``, ``outlet``, ``group``, ``time``, ``posts``,
    ``outlets``, ``camps`` (posts per camp), ``depth`` (longest chain of
    parents), ``duration_h`` (root to last echo) and ``text`` (the root's
    opening words).
    """
    f = frame
    cols = ["root_id", "outlet", "group", "time", "posts", "outlets", "camps", "depth", "duration_h", "text"]
    pm = f.link_mask(parents_only=True)      # directed ties count (amplify.analyze.ties); co-publications never parent
    fam = families(f, pm)
    if not (fam >= 0).any() or top <= 0:
        return pd.DataFrame(columns=cols)
    m = np.flatnonzero(fam >= 0)
    size = np.bincount(fam[m])
    best = np.argsort(-size, kind="stable")[:top]
    # depth of every post: parents are earlier, so one pass in time order suffices
    n = f.n_posts
    parent = np.full(n, -1, np.int64)
    parent[f.tgt[pm]] = f.src[pm]
    depth = np.zeros(n, np.int64)
    cur = parent.copy()
    while (cur >= 0).any():  # pointer jumping: one step per level of the deepest chain
        up = cur >= 0
        depth[up] += 1
        cur[up] = parent[cur[up]]
    rows = []
    order = np.argsort(fam[m], kind="stable")
    sorted_fam = fam[m][order]
    for fid in best:
        members = m[order[np.searchsorted(sorted_fam, fid, "left"):np.searchsorted(sorted_fam, fid, "right")]]
        root = members[np.lexsort((members, f.times[members]))[0]]
        per = pd.Series(f.groups[f.group_of_post[members]]).value_counts()
        rows.append({"root_id": f.post_ids[root], "outlet": f.outlets[f.outlet_of_post[root]],
                     "group": f.groups[f.group_of_post[root]], "time": from_ns(f.times[root]),
                     "posts": int(len(members)), "outlets": int(len(np.unique(f.outlet_of_post[members]))),
                     "camps": ", ".join(f"{k} {v}" for k, v in per.items()),
                     "depth": int(depth[members].max()),
                     "duration_h": round(float((f.times[members].max() - f.times[root]) / 3.6e12), 1)})
    out = pd.DataFrame(rows)
    out["text"] = None
    if texts is not None:
        tx = post_texts(texts, out["root_id"])
        out["text"] = [matched_text(tx.get(r), 0, 120, 120) for r in out["root_id"]]
    return out[cols]


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

    corpus = {"posts": int(f.n_posts), "outlets": int(len(np.unique(f.outlet_of_post))),
              "camps": int(len(np.unique(gp))) if f.n_posts else 0,
              "first": from_ns(f.times.min()).isoformat() if f.n_posts else None,
              "last": from_ns(f.times.max()).isoformat() if f.n_posts else None,
              "links": int(len(L)), "echoes": n_echo,
              "echo_share": round(n_echo / f.n_posts, 4) if f.n_posts else 0.0,
              "ties": int(f.ties.tie_links), "tie_pairs": int(f.ties.pairs),
              "ties_directed": int(sum(f.ties.oriented.values())), "copublications": int(f.ties.undirected),
              "unknown_outlets": int((f.groups[f.group_of_outlet] == schema.UNKNOWN_GROUP).sum())}

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
    if n_echo:
        br = bridges(L, posts, outlets, top=top, evidence=0, seed=seed, frame=f).table
        br = br[["rank", "outlet", "group", "bridge_score", "main_role", "main_route", "betweenness"]]
    else:
        br = pd.DataFrame(columns=["rank", "outlet", "group", "bridge_score", "main_role", "main_route",
                                   "betweenness"])
    casc = largest_cascades(f, top=top, texts=src_texts)
    coord = _coordination_clusters(L, posts, outlets, f, top, warnings, src_texts)
    settings = {"top": top, "permutations": permutations, "time_shift": time_shift, "window": str(window),
                "seed": seed}
    return Summary(corpus, camps, kinds, syn, br, casc, settings, warnings, coord)


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
