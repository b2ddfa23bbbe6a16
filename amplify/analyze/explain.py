"""One link with its whole evidence: both texts, every matched passage, the verdict and its context.

``amplify links`` shows one matched fragment per link; a reader judging
whether a link is true needs both texts whole, with every passage the
detector matched marked in both, and what else the detector knew: the kind
and scores, how much of each text the passages cover, the lag, whether the
target names its source, which source is the target's parent, and which other
earlier posts it also matches. :func:`explain_link` gathers exactly that for
one ``SOURCE -> TARGET`` pair of a link set; :func:`highlight_segments` cuts
a text into plain and matched pieces (no markup: the terminal, JSON and HTML
renderings each mark them their own way, see :mod:`amplify.render.explain`).

A *tie* (two posts of one timestamp, or of one day where an outlet gives dates
only) is stored both ways and never a parent; the analyses direct it where
evidence allows (:func:`amplify.analyze.ties.orient_ties`). An explanation reads
the link as the analyses do -- the same rule on the same tables -- so that it
says which way they read a tie, by what evidence, and which post they make the
target's parent (:attr:`Explanation.tie`, :attr:`Explanation.parent`).

Examples
--------
>>> spans = link_spans({"passages": "[[0, 5, 6, 11], [12, 16, 0, 4]]", "source_start": 0,
...                     "source_end": 5, "target_start": 6, "target_end": 11})
>>> spans
[(0, 5, 6, 11), (12, 16, 0, 4)]
>>> highlight_segments("Talks went well", [(0, 5), (6, 10)])
[('Talks', (1,)), (' ', ()), ('went', (2,)), (' well', ())]
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from amplify.analyze.errors import AnalysisError
from amplify.analyze.resolution import post_resolution, unit_name
from amplify.analyze.ties import orient_ties, resolution_ties
from amplify.text.paragraphs import paragraph_at, question_for
from amplify.utc import to_ns
from amplify.workspace.linksets import find_linkset

__all__ = ["Explanation", "explain_link", "explain_pair", "analyses_links", "link_spans", "aligned_pairs",
           "highlight_segments"]

_POST_COLUMNS = ["post_id", "outlet", "published_at", "text"]
#: The columns the analyses read for every post (:func:`amplify.analyze.tables.load`): the same here, so
#: that the time resolution and the tie rule see what they see.
_TIME_COLUMNS = ["post_id", "outlet", "published_at"]
_OUTLET_FIELDS = ("group", "kind", "name", "country")


def link_spans(link) -> list[tuple[int, int, int, int]]:
    """Every matched passage of a link as ``(source_start, source_end, target_start, target_end)``.

    The ``passages`` column lists them when there are two or more; otherwise
    the link's one span is the passage. Reposts and quote posts (no text
    match) and missing offsets give ``[]``.
    """
    raw = link.get("passages") if hasattr(link, "get") else None
    if isinstance(raw, str) and raw.strip():
        try:
            spans = [tuple(int(v) for v in p) for p in json.loads(raw)]
            return [s for s in spans if len(s) == 4]
        except (ValueError, TypeError):
            pass  # a damaged passages cell: fall back on the one span below
    aligned = aligned_pairs(link)
    if aligned:  # a translation or semantic link: each aligned sentence pair is a passage
        return [p[:4] for p in aligned]
    vals = [link.get(c) for c in ("source_start", "source_end", "target_start", "target_end")]
    if any(v is None or pd.isna(v) for v in vals):
        return []
    s0, s1, t0, t1 = (int(v) for v in vals)
    if s1 <= s0 and t1 <= t0:
        return []
    return [(s0, s1, t0, t1)]


def aligned_pairs(link) -> list[tuple[int, int, int, int, int]]:
    """The aligned sentences of a ``translation`` or ``semantic`` link: ``(source_start,
    source_end, target_start, target_end, cosine x 100)`` each, from its ``aligned`` column
    (``[]`` for other kinds, or a damaged cell).

    >>> aligned_pairs({"aligned": "[[0,12,3,20,71],[13,30,21,40,64]]"})
    [(0, 12, 3, 20, 71), (13, 30, 21, 40, 64)]
    """
    raw = link.get("aligned") if hasattr(link, "get") else None
    if not isinstance(raw, str) or not raw.strip():
        return []
    try:
        pairs = [tuple(int(v) for v in p) for p in json.loads(raw)]
    except (ValueError, TypeError):
        return []
    return [p for p in pairs if len(p) == 5]


def highlight_segments(text: str, spans) -> list[tuple[str, tuple[int, ...]]]:
    """``text`` cut into consecutive pieces, each with the (1-based) numbers of the passages covering it.

    Spans are character offsets ``[start, end)``; they may overlap or fall
    partly outside the text (clipped). The pieces join back into ``text``.

    >>> highlight_segments("abcdef", [(1, 4), (3, 5)])
    [('a', ()), ('bc', (1,)), ('d', (1, 2)), ('e', (2,)), ('f', ())]
    """
    n = len(text)
    clipped = [(max(0, min(int(a), n)), max(0, min(int(b), n))) for a, b in spans]
    cuts = sorted({0, n, *(a for a, _ in clipped), *(b for _, b in clipped)})
    out: list[tuple[str, tuple[int, ...]]] = []
    for a, b in zip(cuts[:-1], cuts[1:]):
        if b <= a:
            continue
        covering = tuple(i + 1 for i, (s, e) in enumerate(clipped) if s <= a and b <= e and s < e)
        if out and out[-1][1] == covering:  # merge neighbours with the same passages
            out[-1] = (out[-1][0] + text[a:b], covering)
        else:
            out.append((text[a:b], covering))
    return out or [("", ())]


@dataclass
class Explanation:
    """Everything known about one link ``source -> target``.

    Attributes
    ----------
    link : dict
        The link's row (every column of the link set).
    source, target : dict
        ``post_id``, ``outlet``, ``published_at`` (UTC Timestamp), ``text``
        (whole), the outlet's ``group``, ``kind``, ``name``, ``country``, and
        ``time_unit``: how finely the post's time is known, read from every
        post of its outlet (``day`` for an outlet that gives dates only,
        ``minute``, ``second`` ...; :func:`amplify.analyze.resolution.unit_name`).
    passages : list of tuple
        ``(source_start, source_end, target_start, target_end)`` of every
        matched passage, in the link set's order.
    parent : dict or None
        The target's parent link (``source_id``, ``outlet``, ``kind``,
        ``score``, ``is_this_link``), or None when it has none.
    also : list of dict
        The target's other sources (``source_id``, ``outlet``, ``group``,
        ``kind``, ``score``, ``lag_s``, ``is_parent``, ``tie`` and the
        analyses' ``direction``: ``time``, an evidence, ``undirected``, or
        ``reversed`` for a tie they read from the target to that post), best
        score first.
    linkset : str
        The link set read.
    answers : list of dict
        For each passage, where it lies in a source of several paragraphs (a
        press-conference transcript): ``paragraph`` (1-based) and, when the
        paragraph answers a question ("Q: ...", "问：..."), ``question`` (its
        text); None for a passage of a one-paragraph source.
    parents : list of dict
        Every parent of the target (one per quoted passage: an article quoting
        two press conferences has two), as in ``also`` with ``is_this_link``.
    tie : dict or None
        None unless the analyses read the link as a tie (equal timestamps, or
        times within one unit of an outlet's time resolution); then
        ``unit`` (the coarser resolution of the two posts: ``day``,
        ``second`` ...), ``same_time`` (the recorded times are equal),
        ``coarse_outlets`` (the outlets of the two whose times are known to
        that unit only, when it is coarser than a second), ``direction`` (``platform``,
        ``attribution``, ``containment`` or ``undirected``, as
        :func:`amplify.analyze.ties.orient_ties` gives it), ``this_way``
        (True: the analyses read ``source -> target``; False: the other way
        round; None: undirected), and ``analyses_source`` /
        ``analyses_target``, the post ids in the analyses' direction (None
        when undirected).

    Notes
    -----
    ``parent``, ``parents`` and the ``is_parent`` of ``also`` are the
    analyses' (ties directed by evidence compete to be parents); ``link`` is
    the stored row, whose ``is_parent`` is detection's own (never a tie).
    """

    link: dict
    source: dict
    target: dict
    passages: list = field(default_factory=list)
    parent: dict | None = None
    also: list = field(default_factory=list)
    linkset: str = ""
    answers: list = field(default_factory=list)
    parents: list = field(default_factory=list)
    tie: dict | None = None

    def segments(self, side: str) -> list[tuple[str, tuple[int, ...]]]:
        """The ``source`` or ``target`` text cut into pieces by passage (see :func:`highlight_segments`)."""
        k = 0 if side == "source" else 2
        return highlight_segments(getattr(self, side)["text"], [(p[k], p[k + 1]) for p in self.passages])


def _post_records(posts: pd.DataFrame, outlets: pd.DataFrame | None, ids) -> dict[str, dict]:
    """Post id -> record (outlet, time, whole text and the outlet's fields) for the posts ``ids`` of ``posts``."""
    ids = {str(i) for i in ids}
    sel = posts[posts["post_id"].astype(str).isin(ids)]
    meta_of = (outlets.drop_duplicates("outlet").set_index("outlet") if outlets is not None and len(outlets)
               else pd.DataFrame())
    out = {}
    for row in sel.itertuples(index=False):  # a handful of posts: the two of the link and the also-matches
        text = getattr(row, "text", None)
        rec = {"post_id": str(row.post_id), "outlet": row.outlet, "published_at": row.published_at,
               "text": "" if text is None or pd.isna(text) else str(text)}
        meta = meta_of.loc[row.outlet] if row.outlet in meta_of.index else None
        for f in _OUTLET_FIELDS:
            v = meta.get(f) if meta is not None and f in meta.index else None
            rec[f] = None if v is None or pd.isna(v) else str(v)
        out[rec["post_id"]] = rec
    return out


def explain_link(ws, source_id: str, target_id: str, linkset: str | None = None) -> Explanation:
    """The whole evidence of the link ``source_id -> target_id`` of a workspace's link set.

    Reads the link set and only the posts it needs (the two of the link and
    the target's other sources); see :func:`explain_pair` for tables.

    Parameters
    ----------
    ws : amplify.workspace.Workspace
        An open workspace with a link set.
    source_id, target_id : str
        The earlier and the later post of the link.
    linkset : str, optional
        A link set id or unique prefix (default: the latest).

    Returns
    -------
    Explanation

    Raises
    ------
    AnalysisError
        No such post, or no link between the two posts (the message says
        when the link exists the other way round).

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> from amplify.workspace import Workspace
    >>> from amplify.detect.incremental import detect_workspace
    >>> ws = Workspace.open(tempfile.mkdtemp() + "/ws", create=True)
    >>> text = "The minister said the talks in Geneva went well and will go on next week"
    >>> with ws.writer():
    ...     _ = ws.add_posts(pd.DataFrame({"post_id": ["1", "2"], "outlet": ["mfa", "tass"],
    ...         "published_at": ["2024-03-01T08:00:00Z", "2024-03-01T11:12:00Z"],
    ...         "text": [text, "TASS: " + text]}))
    ...     _ = detect_workspace(ws)
    >>> ex = explain_link(ws, "1", "2")
    >>> ex.link["kind"], ex.link["lag_s"], ex.segments("target")[0]
    ('verbatim', 11520.0, ('TASS: ', ()))
    """
    source_id, target_id = str(source_id), str(target_id)
    links = ws.links(linkset=linkset)
    tgt = links["target_id"].astype(str).to_numpy()
    ids = {source_id, target_id, *links["source_id"].astype(str).to_numpy()[tgt == target_id]}
    posts = ws.posts(columns=_POST_COLUMNS, ids=sorted(ids))
    lid = find_linkset(ws.path, ws.linksets(), linkset)["id"]
    # every post's time, as the analyses read it: the outlets' time resolution and the tie rule need them
    times = ws.posts(columns=_TIME_COLUMNS)
    return explain_pair(links, posts, ws.outlets(), source_id, target_id, linkset=lid,
                        where=f"workspace {ws.path}", times=times, texts=ws)


def explain_pair(links: pd.DataFrame, posts: pd.DataFrame, outlets: pd.DataFrame | None, source_id: str,
                 target_id: str, *, linkset: str = "", where: str = "the posts table",
                 times: pd.DataFrame | None = None, texts=None) -> Explanation:
    """The whole evidence of the link ``source_id -> target_id`` from the canonical tables.

    ``posts`` needs ``post_id``, ``outlet``, ``published_at`` and ``text``
    (at least for the two posts); ``outlets`` may be None. Raises
    :class:`AnalysisError` like :func:`explain_link`.

    Ties are read as the analyses read them (:func:`analyses_links`): links
    that already carry a ``direction`` column (oriented by the caller) as
    they are, others oriented here. ``times`` is every post's ``post_id``,
    ``outlet`` and ``published_at`` (default ``posts``): the outlets' time
    resolution is read from it, so with only a few posts an outlet of dates
    only is not recognised as one. ``texts`` (a posts table with ``text`` or
    a Workspace) is where containment evidence reads the tied texts
    (default ``posts``).

    >>> links = pd.DataFrame({"source_id": ["a"], "target_id": ["b"], "kind": ["quote"], "score": [100.0],
    ...     "source_start": [0], "source_end": [5], "target_start": [4], "target_end": [9], "lag_s": [90.0],
    ...     "attributed": [False], "is_parent": [True], "tie": [False]})
    >>> posts = pd.DataFrame({"post_id": ["a", "b"], "outlet": ["x", "y"], "text": ["hello", "RT: hello"],
    ...     "published_at": pd.to_datetime(["2024-01-01 00:00:00", "2024-01-01 00:01:30"], utc=True)})
    >>> explain_pair(links, posts, None, "a", "b").segments("target")
    [('RT: ', ()), ('hello', (1,))]
    """
    source_id, target_id = str(source_id), str(target_id)
    src = links["source_id"].astype(str).to_numpy()
    tgt = links["target_id"].astype(str).to_numpy()
    hit = np.flatnonzero((src == source_id) & (tgt == target_id))
    into = links.iloc[np.flatnonzero(tgt == target_id)]
    recs = _post_records(posts, outlets, {source_id, target_id, *into["source_id"].astype(str)})
    missing = [p for p in (source_id, target_id) if p not in recs]
    if missing:
        raise AnalysisError(f"no post {missing[0]!r} in {where} (post ids are the post_id column; "
                            f"see `amplify links --format csv`)")
    if not len(hit):
        reverse = np.any((src == target_id) & (tgt == source_id))
        hint = (f"; there is a link the other way: `amplify explain {target_id} {source_id}`" if reverse else
                "; the detector did not link these posts (see `amplify trace` for what each one echoes)")
        raise AnalysisError(f"no link from post {source_id!r} to post {target_id!r}"
                            f"{' in link set ' + linkset if linkset else ''}{hint}")
    link = _row(links, hit[0])
    times = posts if times is None else times
    timing = _time_units(times, (source_id, target_id))
    for p, i, u in zip((source_id, target_id), *timing[:2]):  # "day": a date, whose time of day is not shown
        recs[p]["time_unit"] = unit_name(u) if i >= 0 else None
    view = analyses_links(links, times, outlets, source_id, target_id,
                          texts=texts if texts is not None else (posts if "text" in posts.columns else None))
    read = _readings(view, target_id)
    also = []
    parent = None
    parents = []
    for i in range(len(into)):
        row = _row(into, i)
        sid = str(row["source_id"])
        # the analyses' reading of this row (None: they read it the other way)
        how = read.get(_row_key(row), read.get(sid))
        rec = {"source_id": sid, "outlet": recs.get(sid, {}).get("outlet"), "group": recs.get(sid, {}).get("group"),
               "kind": row["kind"], "score": row["score"], "lag_s": row["lag_s"],
               "is_parent": bool(how["is_parent"]) if how is not None else False,
               "tie": bool(how["tie"]) if how is not None else True,
               "direction": how["direction"] if how is not None else "reversed"}
        if rec["is_parent"]:
            parents.append({**rec, "is_this_link": sid == source_id})
            # this link when it is one of the parents, else the first
            if parent is None or sid == source_id:
                parent = parents[-1]
        if sid != source_id:
            also.append(rec)
    also.sort(key=lambda r: (-float(r["score"]) if r["score"] is not None else 0.0, r["source_id"]))
    passages = link_spans(link)
    return Explanation(link=link, source=recs[source_id], target=recs[target_id], passages=passages,
                       parent=parent, also=also, linkset=linkset, answers=answers_of(recs[source_id]["text"], passages),
                       parents=parents, tie=_tie_of(view, timing, times, source_id, target_id))


def analyses_links(links: pd.DataFrame, times: pd.DataFrame, outlets: pd.DataFrame | None, source_id: str,
                   target_id: str, *, texts=None) -> pd.DataFrame:
    """The links that decide how the analyses read ``source_id -> target_id``, read as they read them.

    The analyses orient every tie once (:func:`amplify.analyze.ties.orient_ties`,
    through :class:`amplify.analyze.frame.Frame`). How they read one pair
    depends on the pair's own evidence, on the ties around it (evidence that
    runs in a circle directs nothing) and on every link into the target (a
    directed tie competes to be its parent). So the rule runs here on the
    links into the target and the ties of the two posts' tie component --
    the posts joined to them by ties, at any remove -- which gives those
    rows exactly what it gives them on the whole table, without reading the
    texts of every tie of the corpus.

    Parameters
    ----------
    links : DataFrame
        Canonical links; links with a ``direction`` column are already
        oriented and come back as they are.
    times : DataFrame
        Every post's ``post_id``, ``outlet`` and ``published_at`` (the time
        resolution is read from each outlet's posts).
    outlets : DataFrame or None
        The outlets table (the names containment evidence looks for).
    source_id, target_id : str
    texts : DataFrame or Workspace, optional
        Where the tied posts' texts are read (containment).

    Returns
    -------
    DataFrame
        The oriented rows (``direction``, ``detected_parent`` and the
        analyses' ``is_parent``), or the links as they are when none of
        them is a tie.

    Examples
    --------
    >>> links = pd.DataFrame({"source_id": ["a", "b"], "target_id": ["b", "a"], "kind": "verbatim",
    ...     "score": 100.0, "source_start": 0, "source_end": 9, "target_start": 0, "target_end": 9,
    ...     "lag_s": 0.0, "attributed": [False, True], "is_parent": False, "tie": True})
    >>> times = pd.DataFrame({"post_id": ["a", "b"], "outlet": ["x", "y"], "published_at": ["2022-01-05"] * 2})
    >>> analyses_links(links, times, None, "a", "b")[["source_id", "target_id", "direction"]].values.tolist()
    [['b', 'a', 'attribution']]
    """
    if "direction" in links.columns or not len(links):
        return links
    source_id, target_id = str(source_id), str(target_id)
    src = links["source_id"].astype(str).to_numpy(dtype=object)
    tgt = links["target_id"].astype(str).to_numpy(dtype=object)
    tie = links["tie"].to_numpy(dtype=bool) if "tie" in links.columns else np.zeros(len(links), bool)
    if "is_parent" in links.columns:      # the orders the outlets' time resolution hides are ties too
        tie = tie | resolution_ties(links, times)
    ts, tt = src[tie], tgt[tie]
    comp = np.array([source_id, target_id], dtype=object)
    while True:                            # the tie component of the two posts (ties joined at any remove)
        near = np.isin(ts, comp) | np.isin(tt, comp)
        grown = np.unique(np.r_[comp, ts[near], tt[near]])
        if len(grown) == len(comp):
            break
        comp = grown
    keep = (tgt == target_id) | (tie & np.isin(src, comp))
    return orient_ties(links[keep], times, outlets, texts=texts)[0]


def _row_key(row) -> tuple:
    """What tells two links of one pair of posts apart (two passages, two kinds): source, kind and spans."""
    return (str(row["source_id"]), str(row.get("kind", "")), row.get("source_start"), row.get("target_start"))


def _readings(view: pd.DataFrame, target_id: str) -> dict:
    """The analyses' reading (``is_parent``, ``tie``, ``direction``) of each link into the target, keyed by
    :func:`_row_key` and, for a row the view holds turned round or merged, by its source id alone."""
    into = view[view["target_id"].astype(str).to_numpy() == str(target_id)]
    tie = into["tie"].to_numpy(dtype=bool) if "tie" in into.columns else np.zeros(len(into), bool)
    direction = into["direction"].astype(str).to_numpy() if "direction" in into.columns \
        else np.full(len(into), "time", dtype=object)
    flags = into["is_parent"].to_numpy(dtype=bool) if "is_parent" in into.columns else np.zeros(len(into), bool)
    out: dict = {}
    for i, (p, t, d) in enumerate(zip(flags, tie, direction)):
        how = {"is_parent": bool(p), "tie": bool(t), "direction": str(d)}
        row = into.iloc[i]
        out[_row_key(row)] = how
        by_source = out.setdefault(str(row["source_id"]), dict(how))
        by_source["is_parent"] = by_source["is_parent"] or bool(p)   # a parent through any of its rows
    return out


def _tie_of(view: pd.DataFrame, timing, times: pd.DataFrame, source_id: str, target_id: str) -> dict | None:
    """The :attr:`Explanation.tie` record of the pair, or None when the analyses do not read it as a tie."""
    src = view["source_id"].astype(str).to_numpy()
    tgt = view["target_id"].astype(str).to_numpy()
    tie = view["tie"].to_numpy(dtype=bool) if "tie" in view.columns else np.zeros(len(view), bool)
    this = np.flatnonzero((src == source_id) & (tgt == target_id) & tie)
    back = np.flatnonzero((src == target_id) & (tgt == source_id) & tie)
    if not len(this) and not len(back):
        return None
    row = view.iloc[this[0] if len(this) else back[0]]
    direction = str(row["direction"]) if "direction" in view.columns else "undirected"
    if direction == "undirected" or direction == "time":
        direction, this_way, a, b = "undirected", None, None, None
    else:
        this_way = bool(len(this))
        a, b = (source_id, target_id) if this_way else (target_id, source_id)
    return {**_tie_time(timing, times), "direction": direction, "this_way": this_way,
            "analyses_source": a, "analyses_target": b}


def _time_units(times: pd.DataFrame, post_ids) -> tuple[list[int], list[int], np.ndarray]:
    """Where each of ``post_ids`` is in ``times`` (-1: absent), how finely its time is known (ns; read
    from every post of its outlet) and every post's time in ns."""
    ids = times["post_id"].astype(str).to_numpy()
    pos = [int(np.flatnonzero(ids == p)[0]) if (ids == p).any() else -1 for p in post_ids]
    codes, names = pd.factorize(times["outlet"].astype(str))
    t = to_ns(times["published_at"])
    unit, _ = post_resolution(t, codes, len(names))
    return pos, [int(unit[i]) if i >= 0 else 0 for i in pos], t


def _tie_time(timing, times: pd.DataFrame) -> dict:
    """How finely the two posts' times are known: the coarser unit, and whose (``timing``: :func:`_time_units`
    of the two posts)."""
    pos, u, t = timing
    if min(pos) < 0:
        return {"unit": None, "same_time": None, "coarse_outlets": []}
    # the outlets whose posts give no finer time than the unit (none when both are timed to the second)
    coarse = [str(times["outlet"].iloc[i]) for i, ui in zip(pos, u) if ui == max(u) and ui > 10**9]
    return {"unit": unit_name(max(u)), "same_time": bool(t[pos[0]] == t[pos[1]]),
            "coarse_outlets": list(dict.fromkeys(coarse))}


def answers_of(text: str, passages) -> list:
    """Where each passage lies in a source of several paragraphs: its paragraph
    (1-based) and the question that paragraph answers (see :attr:`Explanation.answers`)."""
    out = []
    for p in passages:
        par = paragraph_at(text or "", int(p[0]))
        if par is None:
            out.append(None)
            continue
        q = question_for(text, par)
        out.append({"paragraph": par.index + 1, "question": text[q[0]:q[1]] if q else None})
    return out


def _row(df: pd.DataFrame, i: int) -> dict:
    return {k: (None if not isinstance(v, (list, tuple)) and pd.isna(v) else v)
            for k, v in df.iloc[i].to_dict().items()}
