"""Trace: where a post's text first appeared, and everywhere it went.

:func:`trace_post` follows a post's *parent* links upstream -- each echo's
single most likely direct source, see :mod:`amplify.detect.parents` -- to the
earliest origin (a post with no parent), then walks the whole cascade tree
downstream from that origin: every post that echoed it, every post that
echoed those, with outlets, camps, depths and lags. Parent links point to an
earlier post, or to one of the same moment whose tie evidence directs
(:mod:`amplify.analyze.ties`: a same-day reprint), never in a circle, so the
walk upstream ends.

:func:`find_text` finds the posts that carry a free text with the *same
matcher* as detection: the text becomes a one-row query post, published one
second after the latest candidate by a pseudo-outlet, and
:func:`amplify.detect.detect` runs on the query plus a prefiltered subset of
the corpus (``same_outlet=True``, a window covering every candidate,
``targets=[query]``, and no viral bound since the subset is small). The
prefilter is cheap: one pass of Arrow's C++ regular-expression engine over
the lower-cased corpus counts the occurrences of the query's rarest-looking
tokens (its longest words; pairs of characters for scripts written without
spaces); posts holding at least half as many as there are patterns are the
candidates, those with most first.
Every post holding the text itself (as whole words of the normalised text) is
found too, by substring search (kind ``substring``), however long the post:
a short phrase inside a long post is no echo of the phrase, but it carries
it; texts shorter than ``shingle + min_shared - 1`` tokens are found this way
only. Matches come best first, and :func:`trace_text` traces from the best
(the earliest of those that match best).

The cascade is the tree of parent links, the unit of diffusion studies of
reshared content (Leskovec et al. 2009 follow quoted phrases across outlets;
Goel et al. 2016 measure a cascade's depth and shape).

Examples
--------
>>> import pandas as pd
>>> from amplify.detect import detect
>>> a = "The United States must stop interfering in the internal affairs of Kazakhstan at once."
>>> b = "Beijing: the United States must stop meddling in the internal affairs of Kazakhstan at once."
>>> posts = pd.DataFrame({"post_id": ["a", "b", "c"], "outlet": ["mfa_china", "rusemb_beijing", "tass"],
...     "published_at": ["2022-01-05 10:00Z", "2022-01-05 11:00Z", "2022-01-05 13:00Z"],
...     "text": [a, b, "Embassy: " + b + " We agree with Beijing."]})
>>> outlets = pd.DataFrame({"outlet": ["mfa_china", "rusemb_beijing", "tass"], "group": ["CN", "RU", "RU"]})
>>> tr = trace_post(detect(posts, outlets), posts, outlets, "c")
>>> tr.origin, tr.upstream["post_id"].tolist()
('a', ['a', 'b', 'c'])
>>> tr.cascade[["post_id", "depth", "lag_from_origin_s"]].values.tolist()
[['a', 0, 0.0], ['b', 1, 3600.0], ['c', 2, 10800.0]]

References
----------
.. [1] Leskovec, J., Backstrom, L. & Kleinberg, J. (2009). Meme-tracking and
   the dynamics of the news cycle. *KDD '09*, 497--506.
.. [2] Goel, S., Anderson, A., Hofman, J. & Watts, D. J. (2016). The structural
   virality of online diffusion. *Management Science* 62(1), 180--196.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from amplify.analyze.errors import AnalysisError
from amplify.analyze.frame import Frame, arrow_strings
from amplify.analyze.tables import json_records, matched_text, post_texts
from amplify.utc import from_ns

__all__ = ["trace_post", "trace_text", "find_text", "TraceReport", "QUERY_OUTLET"]

#: Outlet name of the query post built by :func:`find_text`.
QUERY_OUTLET = "__amplify_query__"


@dataclass
class TraceReport:
    """What :func:`trace_post` / :func:`trace_text` found.

    Attributes
    ----------
    post_id : str
        The post traced.
    origin : str
        The earliest post upstream (the post itself if it has no parent).
    upstream : DataFrame
        The chain from the origin down to the post, one row per post:
        ``post_id``, ``outlet``, ``group``, ``time``, ``depth``, ``parent_id``,
        ``kind``, ``score``, ``lag_s`` (from its parent),
        ``lag_from_origin_s`` and ``text`` (the passage it took from its
        parent; the origin's opening for the origin).
    cascade : DataFrame
        Every post of the cascade tree under the origin, the same columns,
        plus ``on_path`` (the post or one of its ancestors) and ``is_query``;
        ordered by time.
    summary : dict
        ``origin``, ``origin_outlet``, ``origin_group``, ``origin_time``,
        ``posts``, ``outlets``, ``camps`` (posts per camp), ``depth``,
        ``duration_s``, ``hops_to_post``.
    matches : DataFrame or None
        For :func:`trace_text`: the posts carrying the text.
    """

    post_id: str
    origin: str
    upstream: pd.DataFrame
    cascade: pd.DataFrame
    summary: dict = field(default_factory=dict)
    matches: pd.DataFrame | None = None

    def to_dict(self) -> dict:
        import json

        return {"post_id": self.post_id, "origin": self.origin, "summary": json.loads(json.dumps(
            self.summary, default=str)), "upstream": json_records(self.upstream),
            "cascade": json_records(self.cascade), "matches": json_records(self.matches)}


_COLS = ["post_id", "outlet", "group", "time", "depth", "parent_id", "kind", "score", "lag_s",
         "lag_from_origin_s", "text"]


def trace_post(links: pd.DataFrame, posts: pd.DataFrame, outlets: pd.DataFrame | None = None,
               post_id: str | None = None, *, max_depth: int | None = None, max_posts: int = 100_000,
               texts=None, frame: Frame | None = None) -> TraceReport:
    """Upstream to the earliest origin and downstream the whole cascade tree of one post.

    Parameters
    ----------
    links, posts, outlets : DataFrame
        Canonical tables.
    post_id : str
        The post to trace.
    max_depth : int, optional
        Depth limit of the downstream walk (default: none).
    max_posts : int
        Stop the downstream walk beyond this many posts (``summary["truncated"]``).
    texts : DataFrame or Workspace, optional
        Where to read the passages (default: ``posts`` if it has text).
    frame : Frame, optional

    Returns
    -------
    TraceReport

    Raises
    ------
    AnalysisError
        ``post_id`` is not in the posts.

    References
    ----------
    .. [1] Leskovec, J., Backstrom, L. & Kleinberg, J. (2009). Meme-tracking and
       the dynamics of the news cycle. *KDD '09*, 497--506.
    .. [2] Goel, S., Anderson, A., Hofman, J. & Watts, D. J. (2016). The structural
       virality of online diffusion. *Management Science* 62(1), 180--196.
    """
    f = frame if frame is not None else Frame.build(links, posts, outlets, texts=texts)
    if post_id is None:
        raise AnalysisError("post_id is required")
    q = f.index_of([post_id])[0]
    if q < 0:
        raise AnalysisError(f"post {post_id!r} is not in the corpus")
    n = f.n_posts
    # parents, same-time reprints that evidence directs among them (amplify.analyze.ties; never in a circle)
    pm = f.link_mask(parents_only=True, undirected=False)
    pl = np.flatnonzero(pm)
    # A post quoting passages of several sources has several parents (amplify.detect.parents):
    # the chain upstream follows the earliest (written last, so it wins), the cascade holds the
    # post once, and its rows name every parent.
    pl = pl[np.lexsort((-pl, -f.times[f.src[pl]]))]
    parent_link = np.full(n, -1, dtype=np.int64)
    parent_link[f.tgt[pl]] = pl
    parent = np.full(n, -1, dtype=np.int64)
    parent[f.tgt[pl]] = f.src[pl]

    chain = [int(q)]
    while parent[chain[-1]] >= 0 and len(chain) <= n:
        chain.append(int(parent[chain[-1]]))
    chain = chain[::-1]
    origin = chain[0]

    # downstream: children CSR over parent links, level by level
    kids_src = f.src[pl]
    order = np.argsort(kids_src, kind="stable")
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(kids_src, minlength=n), out=ptr[1:])
    child = f.tgt[pl][order]
    level = np.array([origin], dtype=np.int64)
    nodes, depths = [level], [np.zeros(1, np.int64)]
    d = 0
    total = 1
    truncated = False
    while len(level) and (max_depth is None or d < max_depth):
        deg = ptr[level + 1] - ptr[level]
        if deg.sum() == 0:
            break
        pos = np.repeat(ptr[level], deg) + (np.arange(deg.sum()) - np.repeat(np.cumsum(deg) - deg, deg))
        level = child[pos]
        d += 1
        if total + len(level) > max_posts:
            level = level[:max(0, max_posts - total)]
            truncated = True
        nodes.append(level)
        depths.append(np.full(len(level), d, np.int64))
        total += len(level)
        if truncated:
            break
    tree = np.concatenate(nodes)
    depth = np.concatenate(depths)
    # a post reached through two parents is listed once, at its first depth
    tree, first = np.unique(tree, return_index=True)
    depth = depth[first]
    src_texts = texts if texts is not None else (posts if "text" in posts.columns else None)
    on_path = set(chain)
    cascade = _rows(f, tree, depth, parent, parent_link, origin, src_texts)
    cascade["on_path"] = [i in on_path for i in tree]
    cascade["parents"] = _all_parents(f, pl, tree)
    cascade["is_query"] = tree == q
    cascade = cascade.assign(_t=f.times[tree], _i=tree).sort_values(["_t", "depth", "_i"]) \
        .drop(columns=["_t", "_i"]).reset_index(drop=True)
    up = _rows(f, np.asarray(chain, dtype=np.int64), np.arange(len(chain), dtype=np.int64), parent,
               parent_link, origin, src_texts)
    up["parents"] = _all_parents(f, pl, np.asarray(chain, dtype=np.int64))
    groups = cascade["group"].value_counts()
    summary = {
        "post_id": str(post_id), "origin": f.post_ids[origin],
        "origin_outlet": f.outlets[f.outlet_of_post[origin]], "origin_group": f.groups[f.group_of_post[origin]],
        "origin_time": from_ns(f.times[origin]).isoformat(), "posts": int(len(tree)),
        "outlets": int(len(set(f.outlet_of_post[tree].tolist()))),
        "camps": {str(k): int(v) for k, v in groups.items()}, "depth": int(depth.max()) if len(depth) else 0,
        "duration_s": float((f.times[tree].max() - f.times[origin]) / 1e9) if len(tree) else 0.0,
        "hops_to_post": len(chain) - 1, "truncated": truncated,
    }
    return TraceReport(str(post_id), f.post_ids[origin], up, cascade, summary)


def _all_parents(f: Frame, parent_links: np.ndarray, posts: np.ndarray) -> list:
    """Every parent of each post, as post ids joined by ", " ("" for an origin): a post that
    quotes passages of several sources has one parent per passage."""
    # only the links into these posts (grouping every parent link of the corpus took 0.1 s a call)
    into = parent_links[np.isin(f.tgt[parent_links], posts)]
    by = pd.Series(f.src[into]).groupby(f.tgt[into]).agg(list)
    ids = f.post_ids
    return [", ".join(str(ids[p]) for p in sorted(by.get(int(i), []), key=lambda p: (f.times[p], p)))
            for i in posts.tolist()]


def _rows(f: Frame, idx, depth, parent, parent_link, origin, texts) -> pd.DataFrame:
    L = f.links
    pl = parent_link[idx]
    has = pl >= 0
    pli = np.maximum(pl, 0)
    out = pd.DataFrame({
        "post_id": f.post_ids[idx], "outlet": f.outlets[f.outlet_of_post[idx]],
        "group": f.groups[f.group_of_post[idx]],
        "time": pd.to_datetime(f.times[idx], utc=True), "depth": depth,
        "parent_id": np.where(has, f.post_ids[np.maximum(parent[idx], 0)], None),
        "kind": np.where(has, L["kind"].to_numpy(dtype=object)[pli] if len(L) else None, None),
        "score": np.where(has, L["score"].to_numpy(dtype=np.float64)[pli] if len(L) else np.nan, np.nan),
        "lag_s": np.where(has, L["lag_s"].to_numpy(dtype=np.float64)[pli] if len(L) else np.nan, np.nan),
        "lag_from_origin_s": (f.times[idx] - f.times[origin]) / 1e9,
    })
    out.loc[out["depth"] == 0, ["parent_id", "kind"]] = None
    text = [None] * len(idx)
    if texts is not None and len(idx):
        tx = post_texts(texts, out["post_id"])
        ts = L["target_start"].to_numpy() if len(L) else np.zeros(0, np.int64)
        te = L["target_end"].to_numpy() if len(L) else np.zeros(0, np.int64)
        text = [matched_text(tx.get(p), ts[k], te[k], 200) if h else matched_text(tx.get(p), 0, 200, 200)
                for p, k, h in zip(out["post_id"], pli, has)]
    out["text"] = text
    return out[_COLS]


# --------------------------------------------------------------------------- free text


def _corpus_texts(texts):
    """(posts table, its texts as a pyarrow array) from a posts table or a Workspace."""
    import pyarrow as pa

    if isinstance(texts, pd.DataFrame):
        df = texts
    else:
        df = texts.posts(columns=["post_id", "outlet", "published_at", "text"])
    arr = arrow_strings(df["text"].fillna("")) if len(df) else pa.array([], type=pa.string())
    return df, arr


def _query_patterns(text: str, k: int):
    """The query's rarest-looking tokens (longest words; character pairs of no-space scripts)."""
    import regex

    from amplify.text import NO_SPACE_SCRIPTS, normalize

    toks = normalize(text).split()
    cjk = regex.compile(rf"^[{NO_SPACE_SCRIPTS}]$")
    words = [t for t in toks if not cjk.match(t)]
    chars = [t for t in toks if cjk.match(t)]
    pats = sorted(set(w for w in words if len(w) >= 3), key=lambda w: (-len(w), w))[:k]
    if chars:
        bigrams = sorted(set(a + b for a, b in zip(chars, chars[1:])))
        step = max(1, len(bigrams) // k)
        pats += bigrams[::step][:k]
    return pats, toks


def find_text(text: str, texts, outlets: pd.DataFrame | None = None, *, settings=None,
              max_candidates: int = 5000, patterns: int = 8, min_fraction: float = 0.5) -> pd.DataFrame:
    """The posts that carry ``text``, found with detection's own matcher.

    Parameters
    ----------
    text : str
        The passage to look for (a sentence or more; see the module docs for
        short texts).
    texts : DataFrame or Workspace
        The corpus: a posts table with ``text``, or a workspace (its texts are
        read once).
    outlets : DataFrame, optional
        For the camps of the matches.
    settings : amplify.detect.DetectSettings, optional
        Detection settings (the link set's, for the same matcher); the window
        is widened to the whole corpus and ``same_outlet`` turned on.
    max_candidates : int
        At most this many prefiltered posts are verified (those holding most
        of the query's patterns first).
    patterns : int
        Number of query tokens the prefilter searches for.
    min_fraction : float
        Share of the patterns a post must hold to be a candidate.

    Returns
    -------
    DataFrame
        One row per matching post, best match first (highest ``score``, then
        earliest): ``post_id``, ``outlet``, ``group``, ``time``, ``kind``,
        ``score``, ``text`` (the passage that matches, from the post). A post
        that holds the whole text as words in a row scores 100, whatever
        else it says (kind ``substring`` when detection did not link it).

    Examples
    --------
    >>> import pandas as pd
    >>> s = "The United States must stop interfering in the internal affairs of Kazakhstan at once."
    >>> posts = pd.DataFrame({"post_id": ["a", "b", "c"], "outlet": ["mfa_china", "tass", "bbc"],
    ...     "published_at": ["2022-01-05 10:00Z", "2022-01-05 11:00Z", "2022-01-05 12:00Z"],
    ...     "text": [s, "Beijing: " + s, "Weather today: rain in London and sun in Paris later."]})
    >>> find_text("the United States must stop interfering in the internal affairs of Kazakhstan",
    ...           posts)[["post_id", "kind"]].values.tolist()
    [['a', 'verbatim'], ['b', 'quote']]
    """
    import pyarrow.compute as pc

    from amplify.detect import detect as _detect
    from amplify.detect import DetectSettings

    cols = ["post_id", "outlet", "group", "time", "kind", "score", "text"]
    text = str(text)
    if not text.strip():
        raise AnalysisError("the text to find is empty")
    df, arr = _corpus_texts(texts)
    if len(df) == 0:
        return pd.DataFrame(columns=cols)
    pats, toks = _query_patterns(text, patterns)
    cfg = settings or DetectSettings()
    norm = pc.utf8_lower(arr)
    short = len(toks) < cfg.shingle + cfg.min_shared - 1
    from amplify.text import normalize

    needle = normalize(text)
    if not needle:
        return pd.DataFrame(columns=cols)
    # every post holding the phrase itself, whatever its length (a phrase in a long post is no echo of it)
    hit = _contained(needle, toks, arr, norm, max_candidates)
    rows = df[hit]
    contained = pd.DataFrame({"post_id": rows["post_id"].astype(str).to_numpy(), "outlet": rows["outlet"].to_numpy(),
                              "time": pd.to_datetime(rows["published_at"], utc=True).to_numpy(),
                              "kind": "substring", "score": 100.0,
                              "text": [_around(t, needle) for t in rows["text"]]})
    if short or not pats:
        return _finish(contained, outlets, cols)
    # one pass: occurrences of any of the patterns (a post holding the passage holds all of them)
    alternation = "|".join(re.escape(p) for p in pats)
    count = pc.count_substring_regex(norm, alternation).to_numpy(zero_copy_only=False).astype(np.int64)
    need = max(1, int(np.ceil(min_fraction * len(pats))))
    cand = np.flatnonzero(count >= need)
    if len(cand) > max_candidates:
        keep = np.lexsort((cand, -count[cand]))[:max_candidates]
        cand = np.sort(cand[keep])
    if len(cand) == 0:
        return _finish(contained, outlets, cols)
    sub = df.iloc[cand][["post_id", "outlet", "published_at", "text"]].copy()
    sub["post_id"] = sub["post_id"].astype(str)
    t = pd.to_datetime(sub["published_at"], utc=True)
    qid = "__amplify_query__"
    while qid in set(sub["post_id"]):
        qid += "_"
    qtime = t.max() + pd.Timedelta(seconds=1)
    query = pd.DataFrame({"post_id": [qid], "outlet": [QUERY_OUTLET], "published_at": [qtime], "text": [text]})
    both = pd.concat([sub, query], ignore_index=True)
    span = (qtime - t.min()) + pd.Timedelta(days=1)
    cfg = dataclasses.replace(cfg, same_outlet=True, cross_group_only=False,
                              window=f"{max(1, int(np.ceil(span.total_seconds())))}s",
                              common_at=len(both) + 1)
    found = _detect(both, None, settings=cfg, targets=[qid])
    found = found[found["target_id"] == qid]
    if found.empty:
        return _finish(contained, outlets, cols)
    rows = sub.set_index("post_id").loc[found["source_id"].to_numpy()]
    out = pd.DataFrame({
        "post_id": found["source_id"].astype(str).to_numpy(), "outlet": rows["outlet"].to_numpy(),
        "time": pd.to_datetime(rows["published_at"], utc=True).to_numpy(), "kind": found["kind"].to_numpy(),
        "score": found["score"].to_numpy(),
        "text": [matched_text(tx, a, b) for tx, a, b in zip(rows["text"], found["source_start"],
                                                          found["source_end"])]})
    # a post holding the whole phrase is a perfect match of it, whatever detection calls the pair
    extra = contained[~contained["post_id"].isin(set(out["post_id"]))]
    out.loc[out["post_id"].isin(set(contained["post_id"])), "score"] = 100.0
    return _finish(pd.concat([out, extra], ignore_index=True) if len(extra) else out, outlets, cols)


def _contained(needle: str, toks: list, arr, norm, max_candidates: int) -> np.ndarray:
    """Which texts hold the normalised phrase ``needle`` as whole words (a mask over ``arr``).

    Prefilter: the lower-cased texts holding the phrase's three longest tokens
    (one Arrow pass each); only those are normalised and searched.
    """
    import pyarrow.compute as pc

    from amplify.text import normalize

    hit = np.zeros(len(arr), dtype=bool)
    keys = sorted(set(toks), key=lambda t: (-len(t), t))[:3] or [needle]
    mask = None
    for k in keys:
        m = pc.match_substring(norm, k).fill_null(False)
        mask = m if mask is None else pc.and_(mask, m)
    first = np.flatnonzero(mask.to_numpy(zero_copy_only=False))
    padded = f" {needle} "
    for i in first[:max_candidates * 10]:  # the few posts holding every key token
        if padded in f" {normalize(arr[int(i)].as_py())} ":
            hit[i] = True
    return hit


def _around(text, needle: str, width: int = 300, lead: int = 16) -> str:
    """The post's text from a word or two before the phrase, cut to ``width``: the phrase comes first, so
    a table that shows a cell's first 60 characters shows it (60 characters of lead pushed it out)."""
    t = str(text)
    low = t.lower()
    at = low.find(needle) if needle else -1
    if at < 0 and needle:
        at = low.find(needle.split()[0])
    start = 0
    if at > lead:
        start = at - lead
        space = t.find(" ", start, at)
        start = space + 1 if space >= 0 else at
    return ("…" if start else "") + (matched_text(t, start, len(t), width) or "")


def _finish(out, outlets, cols):
    g = outlets.set_index(outlets["outlet"].astype(str))["group"] if outlets is not None and len(outlets) \
        else pd.Series(dtype=object)
    out["group"] = [g.get(o, "unknown") if isinstance(o, str) else "unknown" for o in out["outlet"].astype(str)]
    out["time"] = pd.to_datetime(out["time"], utc=True)
    out["score"] = out["score"].astype(float)
    # best match first; among equals the earliest (the likeliest origin)
    return out.sort_values(["score", "time", "post_id"], ascending=[False, True, True]).reset_index(drop=True)[cols]


def trace_text(text: str, links: pd.DataFrame, posts: pd.DataFrame, outlets: pd.DataFrame | None = None, *,
               texts=None, settings=None, max_depth: int | None = None, frame: Frame | None = None,
               **find_kw) -> TraceReport:
    """Find the posts carrying ``text`` (:func:`find_text`) and trace from the best match (earliest among the best).

    Parameters
    ----------
    text : str
    links, posts, outlets : DataFrame
        Canonical tables.
    texts : DataFrame or Workspace, optional
        Where the texts are (default: ``posts``, which then needs ``text``).
    settings : amplify.detect.DetectSettings, optional
    max_depth : int, optional
    frame : Frame, optional
    **find_kw
        Passed to :func:`find_text`.

    Returns
    -------
    TraceReport
        With ``matches`` set; raises :class:`AnalysisError` when nothing
        carries the text (the CLI prints a message instead).
    """
    src = texts if texts is not None else posts
    if isinstance(src, pd.DataFrame) and "text" not in src.columns:
        raise AnalysisError("trace_text needs the posts' text (a posts table with text, or a Workspace)")
    matches = find_text(text, src, outlets, settings=settings, **find_kw)
    if matches.empty:
        raise AnalysisError("no post carries this text")
    first = matches["post_id"].iloc[0]
    rep = trace_post(links, posts, outlets, first, max_depth=max_depth, texts=src, frame=frame)
    rep.matches = matches
    rep.summary["matches"] = int(len(matches))
    return rep
