"""The report's largest cascades: each root, the posts that echoed it and the evidence.

A cascade is a post that echoes nothing (its root) and every post that
echoed it, directly or through others, over parent links only, so each echo
is counted once: the posts ``amplify trace`` shows for the root and the
summary's cascade of that root (:func:`amplify.analyze.summary.largest_cascades`
counts the same posts; ``tests/test_summary_counts.py`` holds them to it).
This module adds what a reader of the report needs beside the counts: the
root's text, the first echoes in time order with their matched text, and
times said at the resolution the outlets give (a date for an outlet of dates
only, a lag in days when either end is one).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from amplify import schema
from amplify.graph import annotate_links
from amplify.render.readable import fmt_days, fmt_lag, fmt_time, shorten
from amplify.render.textsafe import html_text as esc
from amplify.render.textsafe import is_missing

__all__ = ["largest_cascades", "cascades_html"]


def largest_cascades(links: pd.DataFrame, posts: pd.DataFrame, outlets: pd.DataFrame | None = None, *,
                     n: int = 5, evidence: int = 6, text_limit: int = 300) -> list[dict]:
    """The ``n`` largest cascades over parent links, each with its evidence.

    A cascade is a post that echoes nothing (its root) and every post that
    echoed it, directly or through others (parent links only, so each echo is
    counted once): the posts ``amplify trace`` shows for the root, and the
    summary's cascade of that root. A post quoting passages of several
    sources has a parent per passage and is in the cascade of each, once.
    Returns dicts: ``root`` (id, outlet, camp, time, text), ``size`` (echoes:
    the posts under the root), ``outlets`` (the outlets that echoed),
    ``posts`` and ``all_outlets`` (the same with the root: trace's and the
    summary's counts), ``camps`` (camp -> echoing posts), ``span_s`` (root to
    last echo), ``last_outlet`` (the last echo's outlet) and ``echoes`` (the first ``evidence`` echoes in time order with
    outlet, camp, kind, score, lag from the root and the matched text; from
    the earliest parent inside the cascade).
    """
    par = links[links["is_parent"]] if len(links) else links
    if par.empty:
        return []
    ann = annotate_links(par, posts, outlets)
    children: dict = {}
    for s, t in zip(ann["source_id"].to_numpy(dtype=object), ann["target_id"].to_numpy(dtype=object)):
        children.setdefault(s, []).append(t)
    targets = set(ann["target_id"].to_numpy(dtype=object))
    roots = [s for s in children if s not in targets]
    members: dict = {}
    for r in roots:
        # a post reached by two paths (a parent per quoted passage) is one post of the cascade
        seen, stack = {r: None}, [r]
        while stack:
            v = stack.pop()
            for c in children.get(v, ()):
                if c not in seen:
                    seen[c] = None
                    stack.append(c)
        members[r] = list(seen)[1:]
    p = posts.set_index("post_id")
    groups = (outlets.set_index("outlet")["group"] if outlets is not None and len(outlets)
              else pd.Series(dtype=object))
    by_target = ann.set_index("target_id")
    best = sorted(roots, key=lambda r: (-len(members[r]), pd.Timestamp(p.at[r, "published_at"]), str(r)))[:n]
    out = []
    for r in best:
        rt = pd.Timestamp(p.at[r, "published_at"])
        ids = members[r]
        rows = by_target.loc[ids].reset_index()
        # one row per post: its parent links from outside this cascade are another cascade's, and of
        # several inside it the earliest source is the one trace follows
        rows = rows[rows["source_id"].isin(list(ids) + [r])].sort_values(["source_time", "source_id"],
                                                                           kind="stable")
        rows = rows.drop_duplicates("target_id").sort_values(["target_time", "target_id"], kind="stable")
        camps = rows["target_group"].value_counts().to_dict()
        echoes = []
        for row in rows.head(evidence).itertuples(index=False):
            txt = p.at[row.target_id, "text"]
            seg = txt[int(row.target_start):int(row.target_end)] if isinstance(txt, str) else ""
            echoes.append({"post_id": row.target_id, "outlet": row.target_outlet, "camp": row.target_group,
                           "time": row.target_time, "kind": row.kind, "score": float(row.score),
                           "from": row.source_outlet, "lag_root_s": (pd.Timestamp(row.target_time) - rt).total_seconds(),
                           "text": shorten(" ".join(str(seg).split()), text_limit)})
        g = groups.get(p.at[r, "outlet"], schema.UNKNOWN_GROUP)
        out.append({"root": {"post_id": r, "outlet": p.at[r, "outlet"],
                             "camp": schema.UNKNOWN_GROUP if is_missing(g) else g, "time": rt,
                             "text": shorten(str(p.at[r, "text"]), text_limit * 2)},
                    "size": len(ids), "outlets": int(rows["target_outlet"].nunique()), "posts": len(ids) + 1,
                    "all_outlets": int(pd.Series(np.r_[rows["target_outlet"].to_numpy(dtype=object),
                                                       [p.at[r, "outlet"]]]).nunique()),
                    "camps": camps, "span_s": (pd.Timestamp(rows["target_time"].iloc[-1]) - rt).total_seconds(),
                    "last_outlet": rows["target_outlet"].iloc[-1], "echoes": echoes})
    return out


def _n(k: int, word: str) -> str:
    """``k`` and the word, plural unless one (``1 echo``, ``2 echoes``)."""
    return f"{k:,} {word}" if k == 1 else f"{k:,} {word}{'es' if word.endswith('o') else 's'}"


def cascades_html(casc: list[dict], colors: dict, dated=frozenset()) -> str:
    """The cascades' cards; posts of ``dated`` outlets (dates only) show dates, and a lag with such a
    post at either end is said in days."""
    from amplify.render.report import table_html  # (the report imports this module)

    if not casc:
        return '<p class="empty">No cascades.</p>'
    out = []
    for i, c in enumerate(casc, 1):
        r = c["root"]
        camps = ", ".join(f"{k} {v:,}" for k, v in sorted(c["camps"].items(), key=lambda kv: -kv[1]))
        col = colors.get(str(r["camp"]), "#999999")
        root_dated = str(r["outlet"]) in dated
        last_dated = str(c.get("last_outlet")) in dated
        span = fmt_days(c["span_s"], root_dated, last_dated) if root_dated or last_dated else fmt_lag(c["span_s"])
        out.append('<div class="cascade">')
        out.append(f'<h3><span class="dot" style="background:{esc(col)}"></span>{i}. {esc(r["outlet"])} '
                   f'({esc(r["camp"])}), {esc(fmt_time(r["time"], "day" if root_dated else None))} — '
                   f'{_n(c["posts"], "post")} by '
                   f'{_n(c["all_outlets"], "outlet")}: the root and {_n(c["size"], "echo")} by '
                   f'{_n(c["outlets"], "outlet")}, {"on the same day" if span == "same day" else "over " + esc(span)}</h3>')
        out.append(f'<p class="meta">Post {esc(r["post_id"])} · echoes by camp: {esc(camps)} · '
                   f'<code>amplify trace {esc(r["post_id"])}</code> lists the same posts</p>')
        out.append(f'<blockquote class="root">{esc(r["text"])}</blockquote>')
        rows = pd.DataFrame([{"after": fmt_days(e["lag_root_s"], root_dated, str(e["outlet"]) in dated)
                              if root_dated or str(e["outlet"]) in dated else fmt_lag(e["lag_root_s"]), "outlet": e["outlet"], "camp": e["camp"],
                              "echoed": e["from"], "kind": e["kind"], "score": round(e["score"]),
                              "matched text": e["text"]} for e in c["echoes"]])
        out.append(table_html(rows, cls="data evidence"))
        if c["size"] > len(c["echoes"]):
            out.append(f'<p class="note">First {len(c["echoes"])} of {c["size"]:,} echoes, in time order. '
                       f'Draw it with <code>amplify html --level post --focus {esc(r["post_id"])}</code>.</p>')
        out.append("</div>")
    return "".join(out)
