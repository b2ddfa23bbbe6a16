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
from amplify.text.paragraphs import paragraph_at, question_for
from amplify.workspace.linksets import find_linkset

__all__ = ["Explanation", "explain_link", "explain_pair", "link_spans", "aligned_pairs", "highlight_segments"]

_POST_COLUMNS = ["post_id", "outlet", "published_at", "text"]
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
        (whole) and the outlet's ``group``, ``kind``, ``name``, ``country``.
    passages : list of tuple
        ``(source_start, source_end, target_start, target_end)`` of every
        matched passage, in the link set's order.
    parent : dict or None
        The target's parent link (``source_id``, ``outlet``, ``kind``,
        ``score``, ``is_this_link``), or None when it has none.
    also : list of dict
        The target's other sources (``source_id``, ``outlet``, ``group``,
        ``kind``, ``score``, ``lag_s``, ``is_parent``), best score first.
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
    return explain_pair(links, posts, ws.outlets(), source_id, target_id, linkset=lid,
                        where=f"workspace {ws.path}")


def explain_pair(links: pd.DataFrame, posts: pd.DataFrame, outlets: pd.DataFrame | None, source_id: str,
                 target_id: str, *, linkset: str = "", where: str = "the posts table") -> Explanation:
    """The whole evidence of the link ``source_id -> target_id`` from the canonical tables.

    ``posts`` needs ``post_id``, ``outlet``, ``published_at`` and ``text``
    (at least for the two posts); ``outlets`` may be None. Raises
    :class:`AnalysisError` like :func:`explain_link`.

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
    also = []
    parent = None
    parents = []
    for i in range(len(into)):
        row = _row(into, i)
        sid = str(row["source_id"])
        rec = {"source_id": sid, "outlet": recs.get(sid, {}).get("outlet"), "group": recs.get(sid, {}).get("group"),
               "kind": row["kind"], "score": row["score"], "lag_s": row["lag_s"], "is_parent": bool(row["is_parent"])}
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
                       parents=parents)


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
