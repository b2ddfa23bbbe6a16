r"""Volume: how often a set of outlets mentions a term, per period and camp, and when it surges.

Matching (:func:`mentions`)
    Case-insensitive (Unicode case folding, so Cyrillic and Greek fold too),
    after NFKC normalisation of both the text and the term (full-width and
    compatibility forms match their plain forms). A term is matched on *word
    boundaries*: the characters around it must not be letters, digits or
    ``_`` -- "Kazakhstan" matches "Kazakhstan's" and "#Kazakhstan" but not
    "Kazakhstani". A trailing ``*`` matches any ending (``Kazakh*``). Terms
    holding a character of a script written without spaces (Chinese,
    Japanese, Thai) match as plain substrings, since those scripts have no
    word boundaries (``哈萨克斯坦``). Several words match as a phrase, with
    the same spacing. The search runs in Arrow's C++ regular-expression
    engine (RE2) over the whole column.

Counting (:func:`term_volume`)
    Posts mentioning each term, per period (``freq`` ``D``, ``W`` or ``M``)
    and per camp, outlet or outlet kind (``by``), with the number of posts in
    the same cell and the share that mention the term: a camp that publishes
    twice as much in a week mentions everything twice as often, and only the
    share says whether the term took more of its attention. Every period
    between the first and the last is listed, including empty ones, so surges
    and baselines see the quiet periods too -- but only within each key's
    *coverage*, from its first post to its last in the corpus: outside it the
    counts are missing (``covered`` False), not zero, since nothing was
    collected there. ``outlets_active`` says how many of the key's outlets
    posted in the period.

Surges (:func:`surges`)
    A period is a surge when

    .. math::

        c_t \ge m \quad\text{and}\quad c_t > \bar c_B + z \cdot \max(s_B, \sqrt{\bar c_B}, 1)

    where :math:`B` is the ``baseline`` most recent earlier covered periods,
    leaving out surges younger than ``baseline`` periods (at least
    ``min_periods`` of them, otherwise no flag), :math:`\bar c_B` and
    :math:`s_B` their mean and standard deviation, ``z = 3`` and the minimum
    count ``m = 10`` by default. The floor :math:`\sqrt{\bar c_B}` is the
    Poisson standard deviation, so a flat baseline (``s_B = 0``) does not flag
    every small wiggle. Leaving recent surges out of the baseline keeps a
    surge that lasts several periods flagged throughout; letting them back in
    once they are ``baseline`` periods old makes the baseline *move*: a level
    that holds is the new normal, and later periods are judged against it
    (a moving-baseline detector in the spirit of the EARS C-algorithms of
    public-health surveillance, Hutwagner et al. 2003).

    With ``surge_on="share"`` (the default of :func:`term_volume`) the counts
    judged are normalised by the posts published: :math:`c_t` is compared
    with :math:`p_t \cdot \hat s_B`, the period's posts times the baseline's
    share (the mentions the baseline rate predicts for this period's
    volume), and :math:`s_B` is the standard deviation of those predictions'
    residuals; ``surge_on="count"`` judges the raw counts.

Comparison (:func:`compare_volume`)
    Two periods, two terms, or both, with counts, days, daily rates and a
    sentence an analyst can paste: "3,210 posts mentioning Kazakhstan in six
    days (12-17 Jan 2022) vs 2,674 mentioning Ukraine in all of December
    2021".

References
----------
.. [1] Hutwagner, L., Thompson, W., Seeman, G. M. & Treadwell, T. (2003). The
   bioterrorism preparedness and response Early Aberration Reporting System
   (EARS). *Journal of Urban Health* 80(2 Suppl 1), i89--i96.
.. [2] Kleinberg, J. (2003). Bursty and hierarchical structure in streams.
   *Data Mining and Knowledge Discovery* 7(4), 373--397.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd

from amplify import schema
from amplify.analyze.errors import AnalysisError, user_time_ns
from amplify.text.nfkc import nfkc
from amplify.utc import from_ns, to_ns

__all__ = ["mentions", "mention_table", "term_volume", "surges", "compare_volume", "describe_span", "term_pattern"]

_NO_SPACE = re.compile(r"[\u0E00-\u0E7F\u3040-\u30FF\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\U00020000-\U0002FA1F]")


def term_pattern(term: str) -> tuple[str, bool]:
    """The RE2 pattern for ``term`` and whether it is a plain substring (no-space scripts).

    >>> term_pattern("Kazakh*")[0]
    '(?i)(?:^|[^\\\\p{L}\\\\p{N}\\\\p{M}_])Kazakh'
    >>> term_pattern("哈萨克斯坦")
    ('哈萨克斯坦', True)
    """
    t = unicodedata.normalize("NFKC", str(term)).strip()
    if not t or t == "*":
        raise AnalysisError("empty term")
    prefix = t.endswith("*")
    if prefix:
        t = t[:-1].rstrip()
    if _NO_SPACE.search(t):
        return t, True
    body = r"\s+".join(re.escape(w) for w in t.split())
    left = r"(?:^|[^\p{L}\p{N}\p{M}_])"
    right = "" if prefix else r"(?:$|[^\p{L}\p{N}\p{M}_])"
    return f"(?i){left}{body}{right}", False


def _arrow_texts(texts):
    import pyarrow as pa

    if isinstance(texts, (pa.Array, pa.ChunkedArray)):
        arr = texts
    else:
        ser = pd.Series(texts)
        try:
            arr = pa.array(ser.array) if "pyarrow" in str(getattr(ser.dtype, "storage", "")) else None
        except (TypeError, pa.ArrowInvalid):
            arr = None
        if arr is None:
            arr = pa.array(ser.astype(object).where(ser.notna(), "").to_numpy(dtype=object), type=pa.large_string())
    return nfkc(arr)  # only the texts NFKC changes are normalised (most news text is NFKC already)


def mentions(texts, term: str) -> np.ndarray:
    """Boolean per text: does it mention ``term``? (rules in the module documentation)

    Parameters
    ----------
    texts : sequence of str, pandas Series or pyarrow array
    term : str

    Examples
    --------
    >>> mentions(["Kazakhstan's crisis", "Kazakhstani tenge", "#Kazakhstan!", "в Казахстане",
    ...           "КАЗАХСТАН", "哈萨克斯坦局势", "ＫＡＺＡＫＨＳＴＡＮ"], "Kazakhstan").tolist()
    [True, False, True, False, False, False, True]
    >>> mentions(["в Казахстане", "КАЗАХСТАН заявил"], "казахстан").tolist()
    [False, True]
    >>> mentions(["в Казахстане", "Казахстан"], "казахстан*").tolist()
    [True, True]
    >>> mentions(["中国外交部:哈萨克斯坦局势", "Kazakhstan"], "哈萨克斯坦").tolist()
    [True, False]
    """
    return _mentions_in(_arrow_texts(texts), term)


def mention_table(texts, terms) -> pd.DataFrame:
    """One boolean column per distinct term: does each text mention it? (texts normalised once)

    >>> mention_table(["Kazakhstan", "Ukraine and Kazakhstan"], ["Kazakhstan", "Ukraine"]).values.tolist()
    [[True, False], [True, True]]
    """
    norm = _arrow_texts(texts)
    return pd.DataFrame({t: _mentions_in(norm, t) for t in dict.fromkeys(terms)})


def _given_mentions(posts: pd.DataFrame, terms, mentioned) -> dict[str, np.ndarray] | None:
    """``mentioned`` checked against ``posts`` and ``terms``, as term -> boolean array (None: match ``text``)."""
    if mentioned is None:
        if "text" not in posts.columns:
            raise AnalysisError("counting mentions needs the posts' text (or mentioned=)")
        return None
    out = {}
    for t in terms:
        if t not in mentioned:
            raise AnalysisError(f"mentioned has no column for the term {t!r}")
        out[t] = np.asarray(mentioned[t], dtype=bool)
        if len(out[t]) != len(posts):
            raise AnalysisError(f"mentioned has {len(out[t]):,} rows for {len(posts):,} posts")
    return out


def _mentions_in(arr, term: str) -> np.ndarray:
    """:func:`mentions` over texts already normalised by ``_arrow_texts`` (done once for several terms)."""
    import pyarrow.compute as pc

    pat, plain = term_pattern(term)
    if plain:
        hit = pc.match_substring(arr, pat, ignore_case=True)
    else:
        hit = pc.match_substring_regex(arr, pat)
    return hit.to_numpy(zero_copy_only=False).astype(bool)


def _keys(posts: pd.DataFrame, outlets: pd.DataFrame | None, by: str) -> np.ndarray:
    names = posts["outlet"].astype(str)
    if by == "outlet":
        return names.to_numpy(dtype=object)
    if by not in ("group", "kind"):
        raise AnalysisError(f"by must be 'group', 'outlet' or 'kind', not {by!r}")
    if outlets is None or len(outlets) == 0 or by not in outlets.columns:
        fill = schema.UNKNOWN_GROUP if by == "group" else "unknown"
        return np.full(len(posts), fill, dtype=object)
    m = outlets.set_index(outlets["outlet"].astype(str))[by]
    vals = m.reindex(names.unique())
    vals = vals.astype(object).where(vals.notna(), "unknown" if by == "kind" else schema.UNKNOWN_GROUP)
    return names.map(vals).to_numpy(dtype=object)


def _window(posts, since, until):
    t = to_ns(posts["published_at"])
    keep = np.ones(len(t), dtype=bool)
    if since is not None:
        keep &= t >= user_time_ns(since)
    if until is not None:
        keep &= t < user_time_ns(until)
    return t, keep


def term_volume(posts: pd.DataFrame, outlets: pd.DataFrame | None = None, terms=(), *, by: str = "group",
                freq: str = "D", since=None, until=None, surge: bool = True, baseline: int = 7,
                z: float = 3.0, min_count: int = 10, min_periods: int = 3, total: bool = True,
                surge_on: str = "share", mentioned=None) -> pd.DataFrame:
    """Posts mentioning each term, per period and per camp / outlet / outlet kind, with surge flags.

    Parameters
    ----------
    posts : DataFrame
        ``post_id``, ``outlet``, ``published_at``, ``text``.
    outlets : DataFrame, optional
        For camps and outlet kinds.
    terms : str or list of str
    by : {"group", "outlet", "kind"}
    freq : {"D", "W", "M"}
        Period length (pandas period aliases: day, week from Monday, month).
    since, until : timestamp, optional
        Only posts in ``[since, until)`` (the periods overlapping it are
        shown; with ``surge``, the baseline of the first periods is taken
        from the periods before ``since``).
    surge : bool
        Add the surge columns (see :func:`surges`).
    baseline, z, min_count, min_periods
        The surge rule.
    total : bool
        Add rows with key ``"all"`` (every outlet together).
    surge_on : {"share", "count"}
        Judge surges on mentions relative to the posts published (default)
        or on raw mentions (see :func:`surges`).
    mentioned : DataFrame or mapping, optional
        Whether each post mentions each term (one boolean column per term, row
        for row with ``posts``), e.g. from
        :func:`amplify.analyze.volume_source.read_mentions`, which reads a big
        workspace's texts a stretch at a time; ``posts`` then needs no ``text``.

    Returns
    -------
    DataFrame
        Long format, one row per (term, key, period): ``term``, ``key``,
        ``period``, ``start``, ``mentions``, ``posts``, ``share`` (missing
        outside the key's coverage), ``covered``, ``outlets_active``; with
        ``surge`` also ``baseline_mean``, ``threshold`` (in mentions) and
        ``surge``.

    Examples
    --------
    >>> import pandas as pd
    >>> posts = pd.DataFrame({"post_id": list("abcd"), "outlet": ["tass", "tass", "cgtn", "cgtn"],
    ...     "published_at": ["2022-01-03", "2022-01-04", "2022-01-04", "2022-01-11"],
    ...     "text": ["Kazakhstan", "nothing", "Kazakhstan again", "Kazakhstan?"]})
    >>> outlets = pd.DataFrame({"outlet": ["tass", "cgtn"], "group": ["RU", "CN"]})
    >>> v = term_volume(posts, outlets, "Kazakhstan", freq="W", surge=False)
    >>> v[["key", "period", "mentions", "posts", "share", "covered"]].values.tolist()
    ... # doctest: +NORMALIZE_WHITESPACE
    [['CN', '2022-01-03/2022-01-09', 1, 1, 1.0, True], ['CN', '2022-01-10/2022-01-16', 1, 1, 1.0, True],
     ['RU', '2022-01-03/2022-01-09', 1, 2, 0.5, True], ['RU', '2022-01-10/2022-01-16', <NA>, <NA>, nan, False],
     ['all', '2022-01-03/2022-01-09', 2, 3, 0.6667, True], ['all', '2022-01-10/2022-01-16', 1, 1, 1.0, True]]

    References
    ----------
    .. [1] Hutwagner et al. (2003), The Early Aberration Reporting System (EARS).
    """
    if isinstance(terms, str):
        terms = [terms]
    terms = [t for t in terms if str(t).strip()]
    if not terms:
        raise AnalysisError("give at least one term")
    given = _given_mentions(posts, terms, mentioned)
    if surge_on not in ("share", "count"):
        raise AnalysisError(f"surge_on must be 'share' or 'count', not {surge_on!r}")
    t, keep = _window(posts, since, until)
    cols = ["term", "key", "period", "start", "mentions", "posts", "share", "covered", "outlets_active"]
    if surge and since is not None and keep.any():
        # the surge baseline may reach back before `since`: count from the start, show from `since`
        full = term_volume(posts, outlets, terms, by=by, freq=freq, since=None, until=until, surge=True,
                           baseline=baseline, z=z, min_count=min_count, min_periods=min_periods, total=total,
                           surge_on=surge_on, mentioned=mentioned)
        first = pd.Period(pd.Timestamp(from_ns(user_time_ns(since))).tz_localize(None), freq=freq).start_time
        return full[full["start"] >= first.tz_localize("UTC")].reset_index(drop=True)
    if not keep.any():
        return pd.DataFrame(columns=cols + (["baseline_mean", "threshold", "surge"] if surge else []))
    keys_all = _keys(posts, outlets, by)
    P = posts[keep]
    keys = keys_all[keep]
    t = t[keep]
    per = pd.PeriodIndex(pd.DatetimeIndex(t.astype("datetime64[ns]")), freq=freq)
    lo = pd.Period(since if since is not None else per.min().start_time, freq=freq) if since is not None \
        else per.min()
    hi = per.max() if until is None else max(per.max(), pd.Period(
        pd.Timestamp(from_ns(user_time_ns(until) - 1)).tz_localize(None), freq=freq))
    all_periods = pd.period_range(lo, hi, freq=freq)
    pcode = pd.Index(all_periods).get_indexer(per)
    norm = _arrow_texts(P["text"]) if given is None else None
    key_names = sorted(set(keys.tolist()))
    kcode = pd.Index(key_names).get_indexer(keys)
    nK, nP = len(key_names), len(all_periods)
    totals = np.bincount(kcode * nP + pcode, minlength=nK * nP).reshape(nK, nP)
    covered = _coverage(posts, keys_all, key_names, all_periods, freq)
    ocode = pd.factorize(P["outlet"].astype(str))[0]
    active = _active_outlets(kcode, pcode, ocode, nK, nP)
    rows_keys = key_names + (["all"] if total else [])
    cov_all = np.vstack([covered, covered.any(axis=0)]) if total else covered
    act_all = np.vstack([active, _active_outlets(np.zeros_like(kcode), pcode, ocode, 1, nP)]) if total else active
    out = []
    for term in terms:
        hit = _mentions_in(norm, term) if given is None else given[term][keep]
        cnt = np.bincount((kcode * nP + pcode)[hit], minlength=nK * nP).reshape(nK, nP)
        c_all = np.vstack([cnt, cnt.sum(axis=0)]) if total else cnt
        t_all = np.vstack([totals, totals.sum(axis=0)]) if total else totals
        df = pd.DataFrame({
            "term": term, "key": np.repeat(rows_keys, nP),
            "period": np.tile([str(p) for p in all_periods], len(rows_keys)),
            "start": np.tile(all_periods.start_time.tz_localize("UTC"), len(rows_keys)),
            "mentions": pd.array(np.where(cov_all, c_all, 0).ravel(), dtype="Int64"),
            "posts": pd.array(np.where(cov_all, t_all, 0).ravel(), dtype="Int64"),
        })
        cov = cov_all.ravel()
        df.loc[~cov, ["mentions", "posts"]] = pd.NA
        with np.errstate(divide="ignore", invalid="ignore"):
            m, n = c_all.ravel().astype(float), t_all.ravel().astype(float)
            df["share"] = np.round(np.where(cov, np.where(n > 0, m / np.maximum(n, 1), 0.0), np.nan), 4)
        df["covered"] = cov
        df["outlets_active"] = act_all.ravel().astype(np.int64)
        out.append(df)
    res = pd.concat(out, ignore_index=True)
    if surge:
        res = surges(res, baseline=baseline, z=z, min_count=min_count, min_periods=min_periods,
                     exposure="posts" if surge_on == "share" else None)
    return res


def _coverage(posts: pd.DataFrame, keys_all: np.ndarray, key_names: list, periods: pd.PeriodIndex,
              freq: str) -> np.ndarray:
    """(keys x periods): the period overlaps the key's span, from its first post to its last in the corpus."""
    from amplify.analyze.coverage import outlet_spans

    spans = outlet_spans(posts, by=keys_all).reindex(key_names)
    first = pd.DatetimeIndex(spans["first"]).tz_convert(None)
    last = pd.DatetimeIndex(spans["last"]).tz_convert(None)
    p_start = periods.start_time.to_numpy()
    p_end = periods.end_time.to_numpy()
    return (p_end[None, :] >= first.to_numpy()[:, None]) & (p_start[None, :] <= last.to_numpy()[:, None])


def _active_outlets(kcode, pcode, ocode, nK: int, nP: int) -> np.ndarray:
    """(keys x periods): distinct outlets with a post in the cell."""
    if not len(kcode):
        return np.zeros((nK, nP), dtype=np.int64)
    cell = pd.DataFrame({"c": kcode * nP + pcode, "o": ocode}).drop_duplicates()
    return np.bincount(cell["c"].to_numpy(), minlength=nK * nP).reshape(nK, nP)


def surges(volume: pd.DataFrame, *, count: str = "mentions", by=("term", "key"), baseline: int = 7,
           z: float = 3.0, min_count: int = 10, min_periods: int = 3, exposure: str | None = None) -> pd.DataFrame:
    """Flag surges in each series of a volume table (rule in the module documentation).

    Parameters
    ----------
    volume : DataFrame
        One row per period of each series, in time order within a series
        (e.g. :func:`term_volume` output). Missing counts (periods outside
        the series' coverage) are neither judged nor part of any baseline.
    count : str
        Column holding the counts.
    by : tuple of str
        Columns identifying a series.
    baseline : int
        ``k``: earlier periods forming the baseline; a surge joins it once it
        is ``k`` periods old (the baseline moves).
    z : float
    min_count : int
    min_periods : int
        Fewest baseline periods needed to flag anything.
    exposure : str, optional
        Column of the posts each count comes from (``"posts"``): judge the
        count against the baseline's share of them instead of its mean count.

    Returns
    -------
    DataFrame
        ``volume`` with ``baseline_mean`` (the mentions the baseline predicts),
        ``threshold`` and ``surge`` added.

    Examples
    --------
    >>> import pandas as pd
    >>> v = pd.DataFrame({"term": "x", "key": "all", "mentions": [3, 4, 2, 3, 40, 45, 38, 5, 3]})
    >>> surges(v, baseline=4, min_count=10)["surge"].tolist()
    [False, False, False, False, True, True, True, False, False]

    A level that holds becomes the baseline: flagged while it is new (``baseline`` periods), not forever.

    >>> v = pd.DataFrame({"term": "x", "key": "all", "mentions": [3, 4, 2, 3] + [40] * 10})
    >>> surges(v, baseline=3, min_count=10)["surge"].tolist()
    [False, False, False, False, True, True, True, False, False, False, False, False, False, False]
    """
    # (not z > 0 catches NaN as well)
    if not float(z) > 0 or not np.isfinite(float(z)):
        raise AnalysisError(f"z (standard deviations above the baseline for a surge) must be a positive number "
                            f"(got {z})")
    out = volume.copy()
    n = len(out)
    mean = np.full(n, np.nan)
    thr = np.full(n, np.nan)
    flag = np.zeros(n, dtype=bool)
    keys = [c for c in by if c in out.columns]
    groups = out.groupby(keys, sort=False).indices.values() if keys else [np.arange(n)]
    vals = pd.to_numeric(out[count], errors="coerce").to_numpy(dtype=np.float64)
    expo = pd.to_numeric(out[exposure], errors="coerce").to_numpy(dtype=np.float64) if exposure else None
    for idx in groups:
        hist: list = []           # (position in the series, count, exposure, flagged)
        for step, i in enumerate(idx):
            c = vals[i]
            if np.isnan(c):
                continue
            e = expo[i] if expo is not None else np.nan
            usable = [h for h in hist if not h[3] or step - h[0] >= baseline][-baseline:]
            flagged = False
            if len(usable) >= min_periods:
                b = np.asarray([h[1] for h in usable])
                if expo is not None:
                    x = np.asarray([h[2] for h in usable])
                    rate = b.sum() / x.sum() if x.sum() > 0 else 0.0
                    m = rate * e if e == e else np.nan
                    resid = b - rate * x
                    sd = resid.std(ddof=1) * (e / max(x.mean(), 1e-9)) if len(b) > 1 else 0.0
                else:
                    m = b.mean()
                    sd = b.std(ddof=1) if len(b) > 1 else 0.0
                if m == m:
                    th = m + z * max(sd, np.sqrt(m), 1.0)
                    mean[i], thr[i] = m, th
                    flagged = bool(c >= min_count and c > th)
            flag[i] = flagged
            hist.append((step, c, e, flagged))
    out["baseline_mean"] = np.round(mean, 2)
    out["threshold"] = np.round(thr, 2)
    out["surge"] = flag
    return out


_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine",
          10: "ten", 11: "eleven", 12: "twelve"}


def _num(n: int) -> str:
    return _WORDS.get(n, f"{n:,}")


def describe_span(since, until) -> str:
    """Words for ``[since, until)``: "in all of December 2021", "in six days (12-17 Jan 2022)" ...

    >>> describe_span("2021-12-01", "2022-01-01")
    'in all of December 2021'
    >>> describe_span("2022-01-12", "2022-01-18")
    'in six days (12-17 Jan 2022)'
    >>> describe_span("2022-01-01", "2023-01-01")
    'in all of 2022'
    >>> describe_span("2022-01-12 06:00", "2022-01-12 18:00")
    'in 12 hours (12 Jan 2022 06:00-18:00)'
    """
    a = pd.Timestamp(since)
    b = pd.Timestamp(until)
    a = a.tz_convert(None) if a.tz is not None else a
    b = b.tz_convert(None) if b.tz is not None else b
    midnight = a == a.normalize() and b == b.normalize()
    if midnight and a.day == 1 and a.month == 1 and b == a + pd.DateOffset(years=1):
        return f"in all of {a.year}"
    if midnight and a.day == 1 and b == a + pd.DateOffset(months=1):
        return f"in all of {a.strftime('%B %Y')}"
    last = b - pd.Timedelta(days=1)
    if midnight:
        days = (b - a).days
        if days == 1:
            return f"on {a.day} {a.strftime('%b %Y')}"
        if a.year == last.year and a.month == last.month:
            rng = f"{a.day}-{last.day} {a.strftime('%b %Y')}"
        elif a.year == last.year:
            rng = f"{a.day} {a.strftime('%b')} - {last.day} {last.strftime('%b %Y')}"
        else:
            rng = f"{a.day} {a.strftime('%b %Y')} - {last.day} {last.strftime('%b %Y')}"
        return f"in {_num(days)} days ({rng})"
    hours = (b - a).total_seconds() / 3600
    if a.normalize() == (b - pd.Timedelta(seconds=1)).normalize():
        rng = f"{a.day} {a.strftime('%b %Y')} {a.strftime('%H:%M')}-{b.strftime('%H:%M')}"
    else:
        rng = f"{a.strftime('%d %b %Y %H:%M')} - {b.strftime('%d %b %Y %H:%M')}"
    return f"in {hours:g} hours ({rng})"


def compare_volume(posts: pd.DataFrame, outlets: pd.DataFrame | None = None, *, term: str, since=None,
                   until=None, compare_term: str | None = None, compare_since=None, compare_until=None,
                   by: str = "group", mentioned=None) -> tuple[pd.DataFrame, str]:
    """Compare the mentions of a term in a period with another period and/or another term.

    Period A is ``[since, until)`` (default: the whole corpus, by whole days);
    period B is ``[compare_since, compare_until)`` (default: period A). Term
    B is ``compare_term`` (default: ``term``).
    ``mentioned``: as for :func:`term_volume` (``posts`` then needs no ``text``).

    Returns
    -------
    table : DataFrame
        Two rows (A and B): ``side``, ``term``, ``since``, ``until``,
        ``days``, ``mentions``, ``per_day``, ``posts`` (all posts in the
        period), ``share`` (of them, mentioning the term) and one column per
        camp (or outlet / kind, from ``by``).
    sentence : str
        "3,210 posts mentioning Kazakhstan in six days (12-17 Jan 2022) vs
        2,674 mentioning Ukraine in all of December 2021 (535.0 vs 86.3 a
        day: 6.2 times the daily rate; 21% of the 15,000 posts published then
        vs 3.4% of 78,000)".

    Examples
    --------
    >>> import pandas as pd
    >>> posts = pd.DataFrame({"post_id": list("abcde"), "outlet": ["tass"] * 5,
    ...     "published_at": ["2021-12-05", "2021-12-20", "2022-01-12", "2022-01-13", "2022-01-14"],
    ...     "text": ["Ukraine", "Ukraine", "Kazakhstan", "Kazakhstan", "Kazakhstan"]})
    >>> table, sentence = compare_volume(posts, term="Kazakhstan", since="2022-01-12", until="2022-01-18",
    ...     compare_term="Ukraine", compare_since="2021-12-01", compare_until="2022-01-01")
    >>> print(sentence)  # doctest: +NORMALIZE_WHITESPACE
    3 posts mentioning Kazakhstan in six days (12-17 Jan 2022) vs 2 mentioning Ukraine in all of
    December 2021 (0.5 vs 0.065 a day: 7.8 times the daily rate; 100% of the 3 posts published then vs
    100% of 2)
    """
    t_all = to_ns(posts["published_at"]) if len(posts) else np.zeros(0, np.int64)
    if since is None or until is None:
        if len(t_all) == 0:
            raise AnalysisError("no posts")
        lo = pd.Timestamp(from_ns(t_all.min())).floor("D")
        hi = pd.Timestamp(from_ns(t_all.max())).floor("D") + pd.Timedelta(days=1)
        since = since if since is not None else lo
        until = until if until is not None else hi
    compare_since = compare_since if compare_since is not None else since
    compare_until = compare_until if compare_until is not None else until
    compare_term = compare_term or term
    if compare_term == term and user_time_ns(compare_since) == user_time_ns(since) \
            and user_time_ns(compare_until) == user_time_ns(until):
        raise AnalysisError("give another term or another period to compare with")
    rows = []
    keys_all = _keys(posts, outlets, by) if len(posts) else np.zeros(0, object)
    given = _given_mentions(posts, [term, compare_term], mentioned)
    norm = _arrow_texts(posts["text"]) if len(posts) and given is None else None
    for side, tm, a, b in (("A", term, since, until), ("B", compare_term, compare_since, compare_until)):
        keep = (t_all >= user_time_ns(a)) & (t_all < user_time_ns(b))
        if not len(posts):
            hit = np.zeros(0, bool)
        else:
            hit = (_mentions_in(norm, tm) if given is None else given[tm]) & keep
        days = (user_time_ns(b) - user_time_ns(a)) / 86400e9
        row = {"side": side, "term": tm, "since": from_ns(user_time_ns(a)), "until": from_ns(user_time_ns(b)),
               "days": round(days, 3), "mentions": int(hit.sum()),
               "per_day": round(hit.sum() / days, 3) if days > 0 else np.nan, "posts": int(keep.sum()),
               "share": round(hit.sum() / keep.sum(), 4) if keep.sum() else np.nan}
        for k, v in pd.Series(keys_all[hit]).value_counts().sort_index().items():
            row[str(k)] = int(v)
        rows.append(row)
    table = pd.DataFrame(rows)
    extra = [c for c in table.columns if c not in ("side", "term", "since", "until", "days", "mentions",
                                                    "per_day", "posts", "share")]
    table[extra] = table[extra].fillna(0).astype(np.int64)
    A, B = rows
    same_term = A["term"] == B["term"]
    sa = describe_span(A["since"], A["until"])
    sb = describe_span(B["since"], B["until"])
    word = "posts" if A["mentions"] != 1 else "post"
    second = f"{B['mentions']:,}" + ("" if same_term else f" mentioning {B['term']}")
    sentence = f"{A['mentions']:,} {word} mentioning {A['term']} {sa} vs {second} {sb}"
    notes = []
    if A["days"] != B["days"] and A["per_day"] == A["per_day"] and B["per_day"] == B["per_day"]:
        rate = f"{_fmt(A['per_day'])} vs {_fmt(B['per_day'])} a day"
        if B["mentions"] > 0:
            ratio = (A["mentions"] / A["days"]) / (B["mentions"] / B["days"])
            rate += f": {ratio:.2g} times the daily rate"
        notes.append(rate)
    if A["share"] == A["share"] and B["share"] == B["share"]:
        notes.append(f"{_pct(A['share'])} of the {A['posts']:,} posts published then vs "
                     f"{_pct(B['share'])} of {B['posts']:,}")
    if notes:
        sentence += " (" + "; ".join(notes) + ")"
    return table, sentence


def _pct(x: float) -> str:
    return f"{100 * x:.2g}%" if x < 0.1 else f"{100 * x:.0f}%"


def _fmt(x: float) -> str:
    return f"{x:.2g}" if x < 1 else f"{x:,.1f}"
