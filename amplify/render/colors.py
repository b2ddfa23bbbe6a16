"""Node colours and the legend: by camp, by outlet kind, or by Louvain community.

Camps keep fixed colours (RU is red in every figure of a paper); other labels
take the palette in sorted order; communities are numbered from the largest
(:func:`amplify.analyze.communities.louvain_partition`). A legend stays
readable: beyond the palette's size, the smallest colours become one "other".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

import networkx as nx
import pandas as pd

from amplify import schema
from amplify.analyze.communities import louvain_partition
from amplify.render.textsafe import clean_text

__all__ = ["COLOR_BY", "CAMP_COLORS", "PALETTE", "OTHER_COLOR", "UNKNOWN_KIND", "camp_colors", "color_keys",
           "Legend", "build_legend", "parse_colors"]

#: What node colour shows.
COLOR_BY = ("group", "kind", "community")

# Fixed colours for the usual camps, so RU is the same colour in every figure of a paper; other
# labels take the next free colour of PALETTE in sorted order. Both are colour-blind safe: the
# Okabe & Ito (2008) colours first, then Paul Tol's (2021) muted and dark ones, distinct under the
# common colour-vision deficiencies as far as eight colours can be; the pale ones (yellow, light cyan) come
# last, as they fade on white.
CAMP_COLORS = {
    "RU": "#D55E00", "CN": "#E69F00", "IR": "#009E73", "WEST": "#0072B2", "US": "#56B4E9",
    "EU": "#332288", "UA": "#CC79A7", "TR": "#AA4499", "KP": "#661100", "BY": "#999933",
    schema.UNKNOWN_GROUP: "#9e9e9e",
}
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#332288", "#117733",
           "#882255", "#44AA99", "#999933", "#AA4499", "#CC6677", "#661100", "#6699CC", "#DDCC77",
           "#88CCEE", "#F0E442", "#000000", "#888888")
OTHER_COLOR = "#c7c7c7"
#: The colour key of an outlet without a kind.
UNKNOWN_KIND = "unknown kind"
# A node without a colour key (not in the graph the keys were made for).
_NO_KEY = "?"


_HEX = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")


def parse_colors(spec) -> dict:
    """``"RU=#c00,CN=#d4a000"`` (or a dict, or repeated specs) as ``{label: '#rrggbb'}``.

    Only ``#rgb`` / ``#rrggbb`` colours are taken (they go into pages and files as they are).

    >>> parse_colors("RU=#c00, CN=#d4a000")
    {'RU': '#cc0000', 'CN': '#d4a000'}
    >>> parse_colors("RU=red")
    Traceback (most recent call last):
    ...
    ValueError: colour 'red' for 'RU' is not #rgb or #rrggbb (e.g. RU=#c00,CN=#d4a000)
    """
    if not spec:
        return {}
    items = spec.items() if isinstance(spec, dict) else [
        part.split("=", 1) if "=" in part else (part, "")
        for s in ([spec] if isinstance(spec, str) else spec) for part in str(s).split(",") if part.strip()]
    out = {}
    for label, color in items:
        label, color = str(label).strip(), str(color).strip()
        if not label or not _HEX.fullmatch(color):
            raise ValueError(f"colour {color!r} for {label!r} is not #rgb or #rrggbb (e.g. RU=#c00,CN=#d4a000)")
        if len(color) == 4:
            color = "#" + "".join(ch * 2 for ch in color[1:])
        out[label] = color.lower()
    return out


def camp_colors(labels: Iterable[str], chosen: dict | None = None) -> dict:
    """A colour per camp label: ``chosen`` ones first, fixed ones for the usual camps, the palette for the rest.

    No two labels share a colour while the palette lasts (a colour chosen or
    fixed is taken out of it).

    >>> camp_colors(["RU", "blue team", "CN"])
    {'CN': '#E69F00', 'RU': '#D55E00', 'blue team': '#0072B2'}
    >>> camp_colors(["RU", "CN"], {"RU": "#cc0000"})
    {'RU': '#cc0000', 'CN': '#E69F00'}
    """
    out, used = {}, set()
    labels = sorted({str(x) for x in labels})
    for lab, col in (chosen or {}).items():
        if lab in labels:
            out[lab] = col
            used.add(col.lower())
    for lab in labels:
        if lab not in out and lab in CAMP_COLORS and CAMP_COLORS[lab].lower() not in used:
            out[lab] = CAMP_COLORS[lab]
            used.add(CAMP_COLORS[lab].lower())
    free = [c for c in PALETTE if c.lower() not in used]
    i = 0
    for lab in labels:
        if lab not in out:
            out[lab] = free[i] if i < len(free) else OTHER_COLOR
            i += 1
    return out


def color_keys(g: nx.DiGraph, color_by: str) -> tuple[dict, str]:
    """``(node -> colour key, legend title)``: the camp, the kind, or ``"#<community>"``."""
    if color_by == "group":
        return {n: str(d.get("group") or schema.UNKNOWN_GROUP) for n, d in g.nodes(data=True)}, "Camp"
    if color_by == "kind":
        return {n: str(d.get("kind") or UNKNOWN_KIND) for n, d in g.nodes(data=True)}, "Kind"
    if color_by == "community":
        parts = louvain_partition(g, weight="count", seed=0)
        return {n: f"#{c}" for n, c in parts.items()}, "Community (Louvain)"
    raise ValueError(f"color_by must be one of {COLOR_BY}, not {color_by!r}")


@dataclass
class Legend:
    """The colours of a drawn graph.

    Attributes
    ----------
    keys : dict
        Node -> colour key (the smallest keys folded into one "other").
    colors : dict
        Key -> colour.
    labels : dict
        Key -> the text shown for it (a community: "#2: mostly RU (80%)").
    entries : list of dict
        The legend in order: ``key``, ``label``, ``color``, ``n`` (nodes drawn
        with it; for camps, their outlets).
    """

    keys: dict
    colors: dict
    labels: dict
    entries: list

    def color(self, node) -> str:
        return self.colors.get(self.key(node), OTHER_COLOR)

    def key(self, node) -> str:
        return self.keys.get(node, _NO_KEY)


def build_legend(drawn: nx.DiGraph, whole: nx.DiGraph, keys: dict, color_by: str, level: str,
                 chosen: dict | None = None) -> Legend:
    """The legend of ``drawn`` (the graph on the page), its keys from :func:`color_keys`.

    Counts are over the nodes drawn; a community's "mostly ..." share is over
    all its members in ``whole`` (the graph before pruning).
    """
    counts: dict = {}
    for n in drawn:
        counts[keys.get(n, _NO_KEY)] = counts.get(keys.get(n, _NO_KEY), 0) + 1
    if color_by == "community":
        ordered = sorted(counts, key=lambda k: int(k[1:]) if k[1:].isdigit() else 10**9)
        colors = _palette_colors(ordered)
        camps_of: dict = {}  # a community's camps, over all its members (not only those drawn)
        for n in whole:
            camps_of.setdefault(keys.get(n), []).append(str(whole.nodes[n].get("group") or schema.UNKNOWN_GROUP))
        labels = {}
        for k in ordered:
            s = pd.Series(camps_of[k]).value_counts()
            labels[k] = f"{k}: mostly {s.index[0]} ({100 * s.iloc[0] / s.sum():.0f}%)"
    else:
        ordered = sorted(counts, key=lambda k: (-counts[k], k))
        colors = camp_colors(counts, chosen) if color_by == "group" else _palette_colors(sorted(counts))
        if color_by == "kind" and chosen:
            colors.update({k: v for k, v in chosen.items() if k in colors})
        if color_by == "kind" and UNKNOWN_KIND in colors:
            colors[UNKNOWN_KIND] = CAMP_COLORS[schema.UNKNOWN_GROUP]
        labels = {k: k for k in ordered}
    if len(ordered) > len(PALETTE):  # a legend stays readable: the smallest colours become "other"
        tail = set(ordered[len(PALETTE) - 1:])
        label = f"{len(tail)} other {dict(community='communities', group='camps', kind='kinds')[color_by]}"
        keys = {n: (label if k in tail else k) for n, k in keys.items()}
        ordered = ordered[:len(PALETTE) - 1] + [label]
        counts[label] = sum(counts.pop(k) for k in tail)
        colors[label] = OTHER_COLOR
        labels[label] = label
    if level == "camp":  # a camp is one node: count its outlets instead
        counts = {k: sum(int(drawn.nodes[n].get("outlets", 1)) for n in drawn if keys.get(n) == k) for k in counts}
    entries = [{"key": k, "label": clean_text(labels[k]), "color": colors[k], "n": counts[k]} for k in ordered]
    return Legend(keys=keys, colors=colors, labels=labels, entries=entries)


def _palette_colors(ordered) -> dict:
    """The palette's colours in order; beyond its end, the "other" colour."""
    return {k: (PALETTE[i] if i < len(PALETTE) else OTHER_COLOR) for i, k in enumerate(ordered)}
