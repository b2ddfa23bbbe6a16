"""What a reader sees of a node or an edge: its label, its search text, its tooltip.

A tooltip is data, not markup: ``{"title", "sub", "rows": [[name, value], ...],
"text", "ex_title", "ex": [{"head", "text"}, ...]}``. The page's own script
builds the tooltip from it with ``textContent``, so no data text can become
markup (see :mod:`amplify.render.textsafe`).
"""

from __future__ import annotations

from amplify import schema
from amplify.render.readable import MISSING, fmt_int, fmt_lag, fmt_time
from amplify.render.textsafe import is_missing

__all__ = ["node_label", "search_text", "node_tip", "edge_tip"]


def node_label(n, d: dict, level: str, timed: bool = False) -> str:
    """The label drawn on the canvas: the outlet or camp; for a post, its outlet and ``MM-DD HH:MM``.

    In a cascade drawn in time order (``timed``) the label is one line, so that
    it stays inside its row (the axis carries the time; the label the minute).
    """
    if level == "post":
        t = d.get("time") or ""
        if not t:
            return str(d.get("outlet", n))
        # a post of an outlet that gives dates only: its date, with the year (no made-up 00:00)
        when = t[:10] if d.get("time_unit") == "day" else f"{t[5:10]} {t[11:16]}"
        return f"{d.get('outlet', n)} · {when}" if timed else f"{d.get('outlet', n)}\n{when}"
    return str(n)


def search_text(n, d: dict, level: str) -> str:
    """What the page's search box matches: the id and the outlet's (or post's outlet's) name."""
    if level == "post":
        return f"{n} · {d.get('outlet', '')}"
    name = d.get("name")
    return f"{n} — {name}" if name and name != n else str(n)


def _lag_rows(d: dict) -> list:
    rows = []
    if d.get("lag_s_median") is not None:
        rows.append(["Median lag when echoing", fmt_lag(d["lag_s_median"])])
    if d.get("lag_s_median_given") is not None:
        rows.append(["Median lag of its echoes", fmt_lag(d["lag_s_median_given"])])
    return rows


def _relation_rows(d: dict, *pairs) -> list:
    """Rows for the counts of ``pairs`` ((attribute, label)) that are there and not zero."""
    return [[label, fmt_int(d[key])] for key, label in pairs if d.get(key)]


def _example_tips(examples) -> list:
    out = []
    for x in examples or []:
        if not isinstance(x, dict):
            continue
        head = f"{x.get('src', '')} → {x.get('dst', '')} · {x.get('kind', '')}"
        if x.get("score") is not None:
            head += f" {float(x['score']):.0f}"
        head += f" · after {fmt_lag(x.get('lag_s'))}"
        tip = {"head": head, "text": x.get("text", "")}
        if x.get("source_id") is not None and x.get("target_id") is not None:
            # both texts whole, every passage marked: the command that shows this example's evidence
            tip["cmd"] = f"amplify explain {x['source_id']} {x['target_id']} --workspace WS"
        out.append(tip)
    return out


def node_tip(n, d: dict, level: str, size_by: str, value: float, color_label: str, key: str) -> dict:
    """The tooltip of node ``n`` (attributes ``d``) of a ``level`` graph.

    ``size_by`` and ``value``: the measure sizing the node (shown when it is not
    a plain count); ``color_label`` and ``key``: the legend title and the
    node's legend label (shown for communities).
    """
    if level == "post":
        rows = [["Outlet", d.get("outlet", "")], ["Camp", d.get("group", "")]]
        if d.get("kind"):
            rows.append(["Kind", d["kind"]])
        rows += [["Published", fmt_time(d.get("time"), d.get("time_unit"))], ["Direct echoes", fmt_int(d.get("direct", 0))],
                 ["Cascade below", fmt_int(d.get("echoes", 0))]]
        if d.get("url"):
            rows.append(["URL", d["url"]])
        tip = {"title": f"Post {n}", "rows": rows, "text": d.get("text", "")}
        if d.get("full_text"):
            tip["full"] = d["full_text"]  # the details panel shows this much, passages marked
        return tip
    if level == "camp":
        rows = [["Outlets", fmt_int(d.get("outlets", 0))], ["Posts", fmt_int(d.get("posts", 0))],
                ["Echoes given", fmt_int(d.get("echoes_given", 0))],
                ["Echoes received", fmt_int(d.get("echoes_received", 0))]] + _lag_rows(d)
        return {"title": f"Camp {n}", "rows": rows, "ex": _example_tips(d.get("examples"))}
    name = d.get("name")
    rows = [["Camp", d.get("group", schema.UNKNOWN_GROUP)], ["Kind", d.get("kind") or MISSING]]
    if d.get("country"):
        rows.append(["Country", d["country"]])
    rows += [["Posts", fmt_int(d.get("posts", 0))],
             ["Echoed by others", fmt_int(d.get("echoes_given", 0))],
             ["Echoes of others", fmt_int(d.get("echoes_received", 0))]] + _lag_rows(d)
    rows += _relation_rows(d, ("ties", "Co-publications (same time, no direction)"),
                           ("cited", "Named by others (no matched post)"), ("citing", "Names others (no matched post)"))
    if size_by not in ("echoes", "posts"):
        rows.append([size_by.capitalize(), f"{value:.4g}"])
    if color_label.startswith("Community"):
        rows.append(["Community", key])
    tip = {"title": str(n), "rows": rows}
    if name and name != n:
        tip["sub"] = name
    ex = _example_tips(d.get("examples"))
    if ex:
        tip["ex"] = ex
    return tip


def _post_words(post_id, node: dict | None) -> str:
    """A post as a person finds it: outlet and time (to the minute), then its id."""
    if not node:
        return str(post_id)
    t = str(node.get("time") or "")
    when = t[:10] if node.get("time_unit") == "day" else f"{t[:16].replace('T', ' ')} UTC" if t else ""
    return ", ".join(x for x in (str(node.get("outlet") or ""), when) if x) + f" ({post_id})"


def edge_tip(a, b, d: dict, level: str, ends: tuple | None = None) -> dict:
    """The tooltip of edge ``a -> b`` (attributes ``d``): the echoes, their kinds, lags and passages.

    ``ends``: the two posts' node attributes at post level (outlet, time), so that the heads name them
    by outlet and time, not by id alone.
    """
    if level == "post":
        src, tgt = (_post_words(a, ends[0]), _post_words(b, ends[1])) if ends else (a, b)
        rows = [["Kind", d.get("kind", "")], ["Score", f"{float(d.get('score', 0)):.0f}"],
                ["Lag", fmt_lag(d.get("lag_s"))], ["Names the source", "yes" if d.get("attributed") else "no"]]
        for key, label in (("source_coverage", "Share of the source matched"),
                           ("target_coverage", "Share of the echo matched")):
            if d.get(key) is not None and not is_missing(d.get(key)):
                rows.append([label, f"{100 * float(d[key]):.0f} %"])
        tip = {"title": f"{src} → {tgt}", "rows": rows, "ex_title": "Matched passage",
               "ex": [{"head": "as it appears in the echo", "text": d.get("passage", "")}] if d.get("passage") else []}
        marks = d.get("marks") or []
        # the details panel shows both posts side by side, every passage marked (the page's script reads the
        # texts from the two nodes' tips; marks are character ranges, never markup)
        tip["sides"] = [{"node": a, "head": f"Source (earlier): {src}", "marks": [[m[0], m[1]] for m in marks]},
                        {"node": b, "head": f"Echo (later): {tgt}", "marks": [[m[2], m[3]] for m in marks]}]
        return tip
    count = d.get("count", 1)
    rows = [["Echoes", fmt_int(count)]]
    rows += _relation_rows(d, ("oriented_ties", "of them, same-time posts directed by evidence"),
                           ("ties", "Co-publications (same time, no direction)"),
                           ("cites", f"Posts of {b} naming {a} (no matched post)"))
    kinds = [f"{k} {fmt_int(d[f'n_{k}'])}" for k in schema.LINK_KINDS if d.get(f"n_{k}")]
    if kinds:
        rows.append(["Kinds", ", ".join(kinds)])
    if d.get("score") is not None:
        rows.append(["Mean score", f"{float(d['score']):.1f}"])
    if d.get("lag_s_median") is not None:
        rows.append(["Median lag", fmt_lag(d["lag_s_median"])])
    if d.get("attributed"):
        rows.append(["Name the source", fmt_int(d["attributed"])])
    if d.get("first"):
        rows.append(["First / last", f"{fmt_time(d['first'])} / {fmt_time(d.get('last'))}"])
    tip = {"title": f"{a} → {b}", "rows": rows}
    ex = _example_tips(d.get("examples"))
    if ex:
        tip["ex"] = ex
    return tip
