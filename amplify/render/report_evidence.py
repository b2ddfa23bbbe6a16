"""The report's "Evidence, side by side": the first echoes of each large cascade, both texts whole.

A table row says "paraphrase, score 74"; a reader judges a link by reading the
two texts with the matched passages marked. For each cascade the report shows,
this section opens (in ``<details>``, closed by default so the page stays
short) the :func:`~amplify.render.explain.explain_html` fragment of its first
echoes: the root and each echo's direct source, every passage marked in both.

>>> import pandas as pd
>>> links = pd.DataFrame({"source_id": ["a"], "target_id": ["b"], "kind": ["quote"], "score": [100.0],
...     "source_start": [0], "source_end": [5], "target_start": [4], "target_end": [9], "lag_s": [90.0],
...     "attributed": [False], "is_parent": [True], "tie": [False]})
>>> posts = pd.DataFrame({"post_id": ["a", "b"], "outlet": ["x", "y"], "text": ["hello", "RT: <hello>"],
...     "published_at": pd.to_datetime(["2024-01-01 00:00:00", "2024-01-01 00:01:30"], utc=True)})
>>> html = evidence_html(links, posts, None, [{"root": {"post_id": "a"}, "echoes": [{"post_id": "b"}]}])
>>> "&lt;" in html and "<mark" in html and "<details" in html
True
"""

from __future__ import annotations

import base64
import re

import pandas as pd

from amplify.analyze.errors import AnalysisError
from amplify.analyze.explain import explain_pair
from amplify.render.explain import EXPLAIN_CSS, explain_html, lag_words, tie_words
from amplify.render.textsafe import clean_text, html_text

__all__ = ["evidence_html", "EVIDENCE_TEXT", "svg_download"]

#: The section's lead paragraph.
EVIDENCE_TEXT = ("Both texts of the first echoes of each cascade above, whole, with every matched passage marked in "
                 "both (open a line to read it). A link is only as good as this evidence: read a few before "
                 "trusting a count.")


def evidence_html(links: pd.DataFrame, posts: pd.DataFrame, outlets: pd.DataFrame | None, cascades: list[dict],
                  *, per_cascade: int = 2) -> str:
    """``<details>`` blocks with the explanation of the first ``per_cascade`` echoes of each cascade.

    ``cascades`` are :func:`amplify.render.report.largest_cascades` records;
    each echo is explained against its direct source (its parent link in
    ``links``). Every data text is escaped by :func:`explain_html`.
    """
    if not cascades or links is None or not len(links):
        return '<p class="empty">No cascades.</p>'
    par = links[links["is_parent"]] if "is_parent" in links else links
    source_of = dict(zip(par["target_id"].astype(str), par["source_id"].astype(str)))
    wanted = {str(c["root"]["post_id"]) for c in cascades}
    for c in cascades:
        for e in c.get("echoes", [])[:per_cascade]:
            wanted |= {str(e["post_id"]), source_of.get(str(e["post_id"]), "")}
    into = links[links["target_id"].astype(str).isin(wanted)]
    wanted |= set(into["source_id"].astype(str))
    few = posts[posts["post_id"].astype(str).isin(wanted)]
    times = posts[["post_id", "outlet", "published_at"]]
    out = [f"<style>{EXPLAIN_CSS}</style>"]
    for i, c in enumerate(cascades, 1):
        for e in c.get("echoes", [])[:per_cascade]:
            tgt = str(e["post_id"])
            src = source_of.get(tgt)
            if src is None:
                continue
            try:
                # every post's time: an outlet of dates only is known as one only from all its posts
                ex = explain_pair(into, few, outlets, src, tgt, times=times)
            except AnalysisError:
                continue  # a post no longer in the table: nothing to show
            tie = tie_words(ex)
            when = tie["lag"] if tie else f"{lag_words(ex)} later"
            summary = (f"Cascade {i}: {clean_text(ex.source.get('outlet'))} → {clean_text(ex.target.get('outlet'))}, "
                       f"{clean_text(ex.link.get('kind'))}, {when}")
            out.append(f'<details class="evidence-pair"><summary>{html_text(summary)}</summary>'
                       f"{explain_html(ex, css=False)}</details>")
    return "".join(out) if len(out) > 1 else '<p class="empty">No cascades.</p>'


def svg_download(svg: str, name: str) -> str:
    """A figure of the report followed by a link that saves it as an SVG file (for a paper; no script needed).

    The figure is made by code (:func:`amplify.render.report.timeline_svg`, its
    text escaped there); the link is a ``data:`` address of the same bytes.

    >>> svg_download('<svg xmlns="http://www.w3.org/2000/svg"></svg>', "x").count('download="x.svg"')
    1
    """
    if "<svg" not in svg:
        return svg
    body = svg[svg.index("<svg"):]
    if "xmlns=" not in body[:200]:
        body = body.replace("<svg", '<svg xmlns="http://www.w3.org/2000/svg"', 1)
    body = re.sub(r"</svg>.*", "</svg>", body, flags=re.S)
    data = base64.b64encode(('<?xml version="1.0" encoding="UTF-8"?>\n' + body).encode("utf-8")).decode("ascii")
    safe = re.sub(r"[^a-z0-9-]", "", name.lower()) or "figure"
    return (f'{svg}<p class="note"><a download="{safe}.svg" href="data:image/svg+xml;base64,{data}">'
            f"Save this figure as SVG</a></p>")
