"""A one-page, self-contained, printable HTML report of a corpus's amplification.

:func:`build_report` assembles, from a workspace (or the three tables):

* the headline numbers (posts, outlets, camps, links, echoes, cross-camp share,
  period, median lag);
* links per kind;
* the camp-to-camp table (:func:`amplify.graph.group_edges`) and a shaded
  camp-by-camp matrix;
* the top outlets (most echoed by others, most echoing others);
* the largest cascades (a post and everything that echoed it through parent
  links) with their evidence: who echoed, when, how, and the matched text;
* a volume timeline per camp (posts per day, echoes per day) as inline SVG;
* a link to the network page;
* camp synergy and bridges from :mod:`amplify.analyze` when it is available;
* any extra :class:`Section` the caller passes (``sections=[...]``).

Every piece of text from the data is HTML-escaped; the page fetches nothing
and prints cleanly (print CSS: no navigation, tables kept whole).

Examples
--------
>>> import pandas as pd
>>> from amplify.detect import detect
>>> posts = pd.DataFrame({"post_id": ["a", "b"], "outlet": ["mfa_china", "sputnik"],
...     "published_at": ["2022-01-05 10:00Z", "2022-01-05 13:00Z"],
...     "text": ["The United States must stop interfering in the internal affairs of Kazakhstan."] * 2})
>>> outlets = pd.DataFrame({"outlet": ["mfa_china", "sputnik"], "group": ["CN", "RU"]})
>>> html = build_report(links=detect(posts), posts=posts, outlets=outlets, analyses=False)
>>> "Camp to camp" in html and "<script" not in html
True
"""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd

from amplify import schema
from amplify.detect.settings import describe_record
from amplify.graph import annotate_links, filter_links, group_edges, outlet_nodes
from amplify.render.colors import camp_colors, parse_colors
from amplify.render.coordination import coordination_section
from amplify.render.output import template_env, write_text
from amplify.render.readable import MISSING, fmt_int, fmt_lag, fmt_time
from amplify.render.relations import prepare_relations, relations_section_parts, strongest_relations
from amplify.analyze.ties import day_only_outlets
from amplify.render.report_analyses import analysis_sections, dated_echoes, lag_formatter, median_lag_words
from amplify.render.report_cascades import cascades_html, largest_cascades
from amplify.render.report_evidence import EVIDENCE_TEXT, evidence_html, svg_download
from amplify.render.textsafe import clean_text, html_text, is_missing, visible
from amplify.workspace.linksets import find_linkset

__all__ = ["Section", "build_report", "write_report", "timeline_svg", "table_html", "largest_cascades"]


@dataclass
class Section:
    """One section of the report.

    Attributes
    ----------
    title : str
        Heading (escaped).
    table : DataFrame, optional
        Shown as a table; every cell is escaped. Numbers get thousands separators.
    text : str, optional
        A paragraph of plain text (escaped).
    html : str, optional
        Trusted HTML made by code (an SVG figure ...) -- never put data text here
        without escaping it.
    note : str, optional
        A small print note under the section (escaped).
    id : str, optional
        Anchor for the table of contents (default: from the title).
    """

    title: str
    table: pd.DataFrame | None = None
    text: str | None = None
    html: str | None = None
    note: str | None = None
    id: str | None = None

    def anchor(self) -> str:
        base = self.id or "".join(ch if ch.isalnum() else "-" for ch in self.title.lower())
        return "-".join(p for p in base.split("-") if p) or "section"


# --------------------------------------------------------------------------- small HTML builders


def esc(s) -> str:
    return html_text(s)  # escaped, and control / bidi characters shown rather than acting


def _cell(v, fmt: Callable | None = None) -> tuple[str, bool]:
    """(escaped text, is_number)."""
    if fmt is not None:
        return esc(fmt(v)), isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)
    if v is None or (not isinstance(v, str) and is_missing(v)):
        return "", False
    if isinstance(v, (bool, np.bool_)):
        return ("yes" if v else "no"), False
    if isinstance(v, (int, np.integer)):
        return f"{int(v):,}", True
    if isinstance(v, (float, np.floating)):
        f = float(v)
        if not math.isfinite(f):
            return "", False
        return (f"{f:,.0f}" if abs(f) >= 1000 else f"{f:.3g}" if abs(f) < 0.01 and f != 0 else f"{f:,.2f}"), True
    if isinstance(v, pd.Timestamp):
        return esc(fmt_time(v)), False
    return esc(v), False


def table_html(df: pd.DataFrame, formats: dict | None = None, *, cls: str = "data", max_rows: int = 200,
               caption: str | None = None) -> str:
    """An HTML table of ``df``; every header and cell is escaped; numbers right-aligned."""
    formats = formats or {}
    if df is None or df.empty:
        return '<p class="empty">No rows.</p>'
    rows = df.head(max_rows)
    out = [f'<table class="{esc(cls)}">']
    if caption:
        out.append(f"<caption>{esc(caption)}</caption>")
    out.append("<thead><tr>" + "".join(f"<th>{esc(c)}</th>" for c in rows.columns) + "</tr></thead><tbody>")
    for rec in rows.itertuples(index=False, name=None):
        cells = []
        for col, v in zip(rows.columns, rec):
            text, num = _cell(v, formats.get(col))
            cells.append(f'<td class="num">{text}</td>' if num else f"<td>{text}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    if len(df) > max_rows:
        out.append(f'<p class="note">First {max_rows:,} of {len(df):,} rows.</p>')
    return "".join(out)


def _nice_ticks(vmax: float, n: int = 4) -> list[float]:
    if vmax <= 0:
        return [0.0, 1.0]
    raw = vmax / n
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    return [i * step for i in range(int(math.ceil(vmax / step)) + 1)]


def timeline_svg(counts: pd.DataFrame, colors: dict | None = None, *, title: str = "", y_label: str = "per day",
                 width: int = 880, height: int = 250) -> str:
    """An inline SVG line chart: one line per column of ``counts`` (index: dates).

    All labels are escaped; the figure scales to the page width and prints.
    ``y_label`` names the unit in the accessible description. Every date
    label shows its year; a missing value (NaN: outside a series' coverage)
    breaks the line rather than drawing a zero.
    """
    if counts is None or counts.empty:
        return '<p class="empty">No data for this figure.</p>'
    colors = colors or camp_colors(counts.columns)
    ml, mr, mt, mb = 48, 130, 24, 34
    pw, ph = width - ml - mr, height - mt - mb
    x = np.arange(len(counts))
    xs = ml + (x / max(len(counts) - 1, 1)) * pw
    vmax = float(np.nanmax(counts.to_numpy(dtype=float))) if counts.size and np.isfinite(
        counts.to_numpy(dtype=float)).any() else 1.0
    ticks = _nice_ticks(vmax)
    top = ticks[-1] or 1.0
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{esc(title)}" '
             f'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMidYMid meet">',
             f"<desc>{esc(title)} ({esc(y_label)})</desc>"]
    if title:
        parts.append(f'<text x="{ml}" y="14" class="ct">{esc(title)}</text>')
    for t in ticks:
        y = mt + ph - (t / top) * ph
        parts.append(f'<line x1="{ml}" x2="{ml + pw}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>')
        parts.append(f'<text x="{ml - 6}" y="{y + 4:.1f}" class="yt">{esc(fmt_int(t) if t == int(t) else t)}</text>')
    dates = [pd.Timestamp(d) for d in counts.index]
    n_lab = min(8, len(dates))
    for i in sorted(set(np.linspace(0, len(dates) - 1, n_lab).round().astype(int).tolist())):
        # every label carries its year: a figure cut out of the page still says when
        parts.append(f'<text x="{xs[i]:.1f}" y="{mt + ph + 18}" class="xt">'
                     f'{esc(dates[i].strftime("%d %b %Y"))}</text>')
    for j, col in enumerate(counts.columns):
        vals = counts[col].to_numpy(dtype=float)
        ys = mt + ph - (vals / top) * ph
        c = colors.get(col, "#888888")
        # missing values (outside a camp's coverage) break the line instead of drawing zeros
        ok = np.isfinite(vals)
        run_id = np.cumsum(np.r_[True, ok[1:] != ok[:-1]])
        for r in np.unique(run_id[ok]):
            sel = ok & (run_id == r)
            pts = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(xs[sel], ys[sel]))
            parts.append(f'<polyline points="{pts}" fill="none" stroke="{esc(c)}" stroke-width="2" '
                         f'stroke-linejoin="round"><title>{esc(col)}</title></polyline>')
        ly = mt + 6 + j * 18
        parts.append(f'<rect x="{ml + pw + 14}" y="{ly - 9}" width="12" height="12" rx="2" fill="{esc(c)}"/>')
        total = int(np.nansum(counts[col].to_numpy(dtype=float)))
        parts.append(f'<text x="{ml + pw + 32}" y="{ly + 1}" class="lg">{esc(_short(str(col), 12))} '
                     f'({esc(fmt_int(total))})</text>')
    parts.append("</svg>")
    return "".join(parts)


def _short(s: str, n: int) -> str:
    s = clean_text(s)
    return s if len(s) <= n else s[: n - 1] + "…"


def _matrix_html(edges: pd.DataFrame, camps: list[str]) -> str:
    """Camp-by-camp echo counts, shaded (rows: source camp; columns: echoing camp)."""
    if edges.empty:
        return '<p class="empty">No echoes.</p>'
    m = edges.pivot_table(index="source", columns="target", values="count", aggfunc="sum", fill_value=0)
    m = m.reindex(index=camps, columns=camps, fill_value=0)
    vmax = float(m.to_numpy().max()) or 1.0
    out = ['<table class="matrix"><thead><tr><th class="corner">source ↓ · echoed by →</th>']
    out += [f"<th>{esc(c)}</th>" for c in camps]
    out.append("</tr></thead><tbody>")
    for r in camps:
        out.append(f"<tr><th>{esc(r)}</th>")
        for c in camps:
            v = int(m.at[r, c])
            alpha = 0.08 + 0.72 * math.sqrt(v / vmax) if v else 0.0
            color = "#fff" if alpha > 0.55 else "#111"
            style = f"background: rgba(209, 73, 91, {alpha:.2f}); color: {color}" if v else ""
            out.append(f'<td class="num" style="{style}">{v:,}</td>')
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


# --------------------------------------------------------------------------- analyses


# --------------------------------------------------------------------------- the report


def _tables_of(ws, links, posts, outlets, linkset):
    meta: dict[str, Any] = {}
    if ws is not None:
        from amplify.workspace import Workspace

        if not hasattr(ws, "posts"):
            ws = Workspace.open(ws)
        posts = ws.posts(columns=["post_id", "outlet", "published_at", "text"])
        outlets = ws.outlets()
        links = ws.links(linkset=linkset)
        meta["missing_outlets"] = len(ws.missing_outlets())
        chosen = find_linkset(ws.path, ws.linksets(), linkset)
        meta["linkset"] = chosen["id"]
        meta["detection"] = describe_record(chosen["settings"])
        meta["workspace"] = str(ws.path)
        meta["_ws"] = ws
    if posts is None or links is None:
        raise ValueError("build_report needs a workspace, or links and posts")
    return links, posts, outlets, meta


def build_report(ws=None, *, links: pd.DataFrame | None = None, posts: pd.DataFrame | None = None,
                 outlets: pd.DataFrame | None = None, linkset: str | None = None, since=None, until=None,
                 kinds=None, sections: Sequence[Section | tuple] | None = None, network_href: str | None =
                 "network.html", title: str | None = None, top: int = 15, cascades: int = 5,
                 analyses: bool = True, ties: bool = True, cites: bool = True, outlet_kinds=None,
                 colors=None) -> str:
    """The report page as one HTML string.

    Parameters
    ----------
    ws : Workspace or path, optional
        Read the tables from this workspace (its latest link set, or ``linkset``);
        otherwise pass ``links``, ``posts`` (with ``text``) and ``outlets``.
    since, until, kinds
        Only echoes whose target lies in ``[since, until)``, of these kinds.
    sections : list of Section or (title, DataFrame | str), optional
        Extra sections, appended after the built-in ones.
    network_href : str, optional
        Where the network page is, relative to the report (None: no link).
    title : str, optional
    top : int
        Rows in the top-outlet tables.
    cascades : int
        Largest cascades shown.
    analyses : bool
        Add synergy and bridges from :mod:`amplify.analyze` if it is available.
    ties : bool
        Count ties (links between posts of one timestamp): as echoes where
        evidence directs them, else as co-publications (default); False
        leaves them out.
    cites : bool
        Count citations without a matched post (section "Co-publications and
        citations").
    outlet_kinds : list of str, optional
        Only outlets of these kinds.
    """
    links, posts, outlets, meta = _tables_of(ws, links, posts, outlets, linkset)
    ws_obj = meta.pop("_ws", None)
    if outlet_kinds:
        from amplify.analyze.outlet_kinds import select_outlet_kinds

        links, posts, outlets = select_outlet_kinds(links, posts, outlets, outlet_kinds)
    stored = None
    if cites and ws_obj is not None:     # the names cited, found once per workspace and kept
        from amplify.analyze.cites_store import workspace_cites

        stored = workspace_cites(ws_obj, outlets, None, posts=posts)
    n_detected = len(links) if links is not None else 0
    rel = prepare_relations(links, posts, outlets, ties=ties, cites=cites, stored_cites=stored)
    links = rel.links
    if network_href is not None and ":" in network_href.split("/")[0] and \
            not network_href.lower().startswith(("http:", "https:", "file:")):
        raise ValueError(f"network_href must be a relative path or an http(s)/file address, not {network_href!r}")
    if outlets is None or not len(outlets):
        outlets = pd.DataFrame({"outlet": pd.unique(posts["outlet"]), "group": schema.UNKNOWN_GROUP})
    filt_all = filter_links(links, posts, since=since, until=until, kinds=kinds, parents_only=False)
    par = filt_all[filt_all["is_parent"]] if len(filt_all) else filt_all
    ann = annotate_links(par, posts, outlets)
    nodes = outlet_nodes(links, posts, outlets, since=since, until=until, kinds=kinds)
    camps = sorted(set(nodes["group"].astype(str)))
    colors = camp_colors(camps, parse_colors(colors))

    casc = largest_cascades(filt_all, posts, outlets, n=cascades)
    dated = set(day_only_outlets(posts))  # outlets whose times are dates: no time of day, lags in days
    by_date = dated_echoes(par, posts, dated)  # per echo: a side of dates only ("same day", not "0 s")
    lag_fmt = lag_formatter(by_date)
    built = [
        _kinds_section(filt_all, lag_fmt),
        _camps_section(links, posts, outlets, par, camps, since=since, until=until, kinds=kinds, lag_fmt=lag_fmt,
                       dated_camps=set(nodes["group"].astype(str)) - set(
                           nodes.loc[~nodes["outlet"].astype(str).isin(dated), "group"].astype(str))),
        _outlets_section(nodes, top),
        Section("Largest cascades", html=cascades_html(casc, colors, dated),
                id="cascades", text="A cascade is a post and every post that echoed it, directly or through others "
                                    "(each echo counted once, from its most likely direct source)."),
        Section("Evidence, side by side", html=evidence_html(filt_all, posts, outlets, casc), id="evidence",
                text=EVIDENCE_TEXT),
        _timeline_section(posts, outlets, ann, colors),
    ]
    rel_table, rel_text = relations_section_parts(rel, posts, outlets, since=since, until=until, kinds=kinds)
    if len(rel_table) or rel.cites is not None or rel.ties is not None:
        built.insert(2, Section("Co-publications and citations", table=rel_table, text=rel_text, id="relations"))
    built.insert(3, Section("Strongest relations between outlets", id="strongest",
                            table=strongest_relations(rel, posts, outlets, top=top, since=since, until=until,
                                                      kinds=kinds),
                            text="Outlet pairs by echoes (each echo counted once, from its direct source), and "
                                 "why each points the way it does: same-time echoes are directed only by evidence."))
    warnings = list(rel.warnings)
    if analyses:
        built.extend(Section(**s) for s in analysis_sections(links, posts, outlets, since, until, kinds, ties=ties,
                                                             notes=warnings))
        built.append(coordination_section(links, posts, outlets))
    built.extend(_extra_sections(sections))

    from amplify import __version__

    rendered = [{"title": s.title, "anchor": s.anchor(), "body": _section_body(s)} for s in built]
    # what the template shows itself (not through html_text): characters that act (a bidi override
    # in a camp's name) are shown as escapes there too, as everywhere else on the page
    return template_env().get_template("report.html.j2").render(**visible(dict(
        title=clean_text(title or "Amplification report"),
        headline=_headline(posts, filt_all, par, ann, camps, by_date, dated),
        counts=_links_note(rel, filt_all, None if since is not None or until is not None or kinds or outlet_kinds
                           else n_detected),
        notes=_notes(meta) + warnings, filters=_filters(since, until, kinds) + (
            [f"outlet kinds: {', '.join(outlet_kinds)}"] if outlet_kinds else []) + (
            [] if ties else ["ties (posts of one timestamp) left out"]), meta=meta)),
        sections=rendered, network_href=network_href, version=__version__,
        generated=_dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    )


def _headline(posts, filt_all, par, ann, camps, by_date, dated=frozenset()) -> list[tuple[str, str]]:
    """The headline numbers: posts, outlets, camps, links, echoes, cross-camp share, median lag, period
    (``dated``: the outlets that give dates only, whose first or last post is shown as a date)."""
    cross = int((ann["source_group"] != ann["target_group"]).sum()) if len(ann) else 0
    period = MISSING
    if len(posts):
        t = pd.to_datetime(posts["published_at"], utc=True)
        ends = [(t.iloc[i], posts["outlet"].iloc[i]) for i in (int(t.argmin()), int(t.argmax()))]
        period = " to ".join(fmt_time(v, "day" if str(o) in dated else None) for v, o in ends)
    return [
        ("Posts", fmt_int(len(posts))),
        ("Outlets", fmt_int(posts["outlet"].nunique())),
        ("Camps", ", ".join(camps) or MISSING),
        ("Links found", fmt_int(len(filt_all))),
        ("Echoes (each counted once)", fmt_int(len(par))),
        ("Cross-camp echoes", f"{fmt_int(cross)} ({100 * cross / max(len(par), 1):.0f}%)"),
        ("Median lag of an echo", median_lag_words(par, by_date)),
        ("Period", period),
    ]


def _links_note(rel, filt_all: pd.DataFrame, detected: int | None) -> str:
    """What "Links found" counts, and how it meets detection's count (``amplify info``) and the summary's.

    ``detected``: the link set's rows as stored (None when filters make the two incomparable).
    """
    from amplify.analyze.summary import describe_links, link_counts
    from amplify.analyze.ties import TieSummary

    ts = rel.ties if rel.ties is not None else TieSummary(links=detected or 0, left_out=True)
    if detected is None:        # since / until / kinds: the rows in view, without a sum to detection's
        c = link_counts(filt_all, ties=ts)
        return "Links found, in the filters: " + describe_links(c) + "."
    c = link_counts(rel.links, detected=detected, ties=ts, templates=False)
    return (f"Links found: {describe_links(c)}. An echo is counted once, from its most likely direct source; "
            "`amplify summary` counts the templates among its links too.")


def _notes(meta: dict) -> list[str]:
    if meta.get("missing_outlets"):
        return [f"{fmt_int(meta['missing_outlets'])} outlets are not in the outlets table: their camp is "
                f"'{schema.UNKNOWN_GROUP}'."]
    return []


def _filters(since, until, kinds) -> list[str]:
    filters = []
    if since is not None or until is not None:
        filters.append(f"echoes from {fmt_time(since) if since is not None else '…'} to "
                       f"{fmt_time(until) if until is not None else '…'}")
    if kinds:
        filters.append("kinds: " + ", ".join(kinds))
    return filters


def _kinds_section(filt_all: pd.DataFrame, lag_fmt=fmt_lag) -> Section:
    """Links per kind: links, echoes, share, mean score, median lag, how often the source is named."""
    if len(filt_all):
        # score, lag and attribution describe the echoes (parents), as the camp table and `summary` count
        # them; over every link the also-matches weighed in (18 % of quotes "named the source", not 29 %)
        k = filt_all.groupby("kind", observed=True).agg(links=("kind", "size"), echoes=("is_parent", "sum"))
        par = filt_all[filt_all["is_parent"].to_numpy(dtype=bool)]
        k = k.join(par.groupby("kind", observed=True).agg(mean_score=("score", "mean"), median_lag=("lag_s", "median"),
                                                         attributed=("attributed", "mean")))
        k = k.reindex([x for x in schema.LINK_KINDS if x in k.index]).reset_index()
        k["echoes"] = k["echoes"].astype(np.int64)
        k["share of echoes"] = (100 * k["echoes"] / max(k["echoes"].sum(), 1)).map(lambda v: f"{v:.0f}%")
        k["median_lag"] = k["median_lag"].map(lag_fmt)
        k["attributed"] = (100 * k["attributed"]).map(lambda v: MISSING if v != v else f"{v:.0f}%")
        k = k.rename(columns={"mean_score": "mean score", "median_lag": "median lag", "attributed": "name the source"})
        kinds_table = k[["kind", "links", "echoes", "share of echoes", "mean score", "median lag", "name the source"]]
    else:
        kinds_table = pd.DataFrame()
    return Section("Links per kind", table=kinds_table,
                   text="repost and quote_post come from the platforms' own ids; verbatim, quote, reuse "
                        "(several passages) and paraphrase are found in the text; a template (same frame, "
                        "other numbers or names) is not an echo and is not counted here. An echo is a link "
                        "from the target's most likely direct source (parent); the other links are "
                        "also-matches. Score, lag and naming the source are the echoes'.")


def _camps_section(links, posts, outlets, par, camps, *, since, until, kinds, lag_fmt=fmt_lag,
                   dated_camps=frozenset()) -> Section:
    """Camp to camp: the shaded matrix and the table of camp pairs (``dated_camps``: camps whose outlets
    all give dates only; their echoes' first and last times are dates)."""
    # (amplify.graph's edge tables fail when no link is left: skip them then)
    ge = group_edges(links, posts, outlets, since=since, until=until, kinds=kinds) if len(par) else \
        pd.DataFrame(columns=["source", "target", "count"])
    if len(ge):
        t = ge[["source", "target", "count", "score", "lag_s_median", "first", "last", "attributed"]].copy()
        t["lag_s_median"] = t["lag_s_median"].map(lag_fmt)
        for col in ("first", "last"):  # the times of echoes: the echoing camp's resolution
            t[col] = [fmt_time(v, "day" if str(c) in dated_camps else None) for v, c in zip(t[col], t["target"])]
        t = t.rename(columns={"source": "source camp", "target": "echoed by", "count": "echoes",
                              "score": "mean score", "lag_s_median": "median lag", "attributed": "name the source"})
    else:
        t = pd.DataFrame()
    return Section("Camp to camp", html=_matrix_html(ge, camps) + table_html(t), id="camps",
                   text="Rows: the camp whose posts were echoed; columns: the camp that echoed them.")


def _outlets_section(nodes: pd.DataFrame, top: int) -> Section:
    """The ``top`` outlets most echoed by others, and those echoing others the most."""
    cols = ["outlet", "name", "group", "kind", "posts", "echoes_given", "echoes_received"]
    nd = nodes[[c for c in cols if c in nodes.columns]].rename(
        columns={"group": "camp", "echoes_given": "echoed by others", "echoes_received": "echoes of others"})
    most_echoed = nd.sort_values(["echoed by others", "outlet"], ascending=[False, True]).head(top)
    most_echoing = nd.sort_values(["echoes of others", "outlet"], ascending=[False, True]).head(top)
    return Section("Top outlets", id="outlets",
                   html="<h3>Most echoed by others</h3>" + table_html(most_echoed) +
                        "<h3>Echoing others the most</h3>" + table_html(most_echoing))


def _timeline_section(posts, outlets, ann, colors) -> Section:
    """Posts per day and echoes per day, one line per camp."""
    gmap = outlets.set_index("outlet")["group"]
    pg = gmap.reindex(posts["outlet"].to_numpy()).to_numpy(dtype=object)
    pg = np.where(pd.isna(pg), schema.UNKNOWN_GROUP, pg).astype(str)
    day = pd.to_datetime(posts["published_at"], utc=True).dt.floor("D").dt.tz_convert(None)
    vol = pd.crosstab(day.to_numpy(), pg) if len(posts) else pd.DataFrame()
    if len(vol):
        full = pd.date_range(vol.index.min(), vol.index.max(), freq="D")
        vol = _within_coverage(vol.reindex(full, fill_value=0), day, pg)
    fig = svg_download(timeline_svg(vol, colors, title="Posts per day, by camp", y_label="posts"), "posts-per-day")
    if len(ann):
        eday = pd.to_datetime(ann["target_time"], utc=True).dt.floor("D").dt.tz_convert(None)
        ev = pd.crosstab(eday.to_numpy(), ann["target_group"].astype(str).to_numpy())
        ev = ev.reindex(vol.index if len(vol) else ev.index, fill_value=0)
        if len(vol):
            ev = ev.astype(float).where(vol.reindex(columns=ev.columns).notna(), np.nan)
        fig += svg_download(timeline_svg(ev, colors, title="Echoes per day, by the echoing camp", y_label="echoes"),
                            "echoes-per-day")
    return Section("Volume over time", html=fig, id="timeline",
                   note="A camp's line starts at its first post and ends at its last: outside that range "
                        "nothing was collected, which is not the same as nothing published.")


def _within_coverage(counts: pd.DataFrame, day: pd.Series, camp: np.ndarray) -> pd.DataFrame:
    """Daily counts per camp, missing (NaN) before the camp's first post and after its last."""
    span = pd.DataFrame({"day": day.to_numpy(), "camp": camp}).groupby("camp")["day"].agg(["min", "max"])
    out = counts.astype(float)
    for c in out.columns:
        if c in span.index:
            outside = (out.index < span.at[c, "min"]) | (out.index > span.at[c, "max"])
            out.loc[outside, c] = np.nan
    return out


def _extra_sections(sections) -> list[Section]:
    """The caller's sections: Section objects, or (title, DataFrame | str) pairs."""
    out = []
    for s in sections or []:
        if isinstance(s, Section):
            out.append(s)
        elif isinstance(s, tuple) and len(s) == 2:
            title_, body = s
            out.append(Section(str(title_), table=body) if isinstance(body, pd.DataFrame) else
                       Section(str(title_), text=str(body)))
        else:
            raise TypeError(f"sections must hold Section objects or (title, DataFrame | str) pairs, not {s!r}")
    return out


def _section_body(s: Section) -> str:
    """A section's HTML: its text, trusted HTML, table and note, every piece of data text escaped."""
    body = ""
    if s.text:
        body += f"<p>{esc(s.text)}</p>"
    if s.html:
        body += s.html
    if s.table is not None:
        body += table_html(s.table)
    if s.note:
        body += f'<p class="note">{esc(s.note)}</p>'
    return body


def write_report(ws, out, **kw) -> Path:
    """Write :func:`build_report` of ``ws`` to ``out`` (atomically); returns the path."""
    return write_text(Path(out), build_report(ws, **kw))
