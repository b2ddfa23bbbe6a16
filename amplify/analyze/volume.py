r"""Volume: how often a set of outlets mentions a term, per period and camp, and when it surges.

Matching (:func:`mentions`)
    Case-insensitive, after NFKC, on word boundaries, a trailing ``*`` for
    any ending, apostrophe, quote and dash variants alike: the rules are in
    :mod:`amplify.analyze.volume_source`, which also reads a workspace's
    mentions a stretch of time at a time.

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
    posted in the period. Only posts in ``[since, until)`` count: a period
    cut by either end is ``partial``, so the totals are the same per day,
    week or month.

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
    2021". A period without posts is not compared (nothing was collected).

References
----------
.. [1] Hutwagner, L., Thompson, W., Seeman, G. M. & Treadwell, T. (2003). The
   bioterrorism preparedness and response Early Aberration Reporting System
   (EARS). *Journal of Urban Health* 80(2 Suppl 1), i89--i96.
.. [2] Kleinberg, J. (2003). Bursty and hierarchical structure in streams.
   *Data Mining and Knowledge Discovery* 7(4), 373--397.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from amplify import schema
from amplify.analyze.errors import AnalysisError, user_time_ns
from amplify.analyze.volume_source import mention_table, mentions, term_pattern
from amplify.utc import from_ns, iso_z, to_ns

__all__ = ["mentions", "mention_table", "term_volume", "surges", "compare_volume", "describe_span", "term_pattern",
           "volume_by_side"]


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


def _bounds(since, until, what: str = "since") -> tuple[int | None, int | None]:
    """``since`` and ``until`` as nanoseconds (None where not given); an empty or reversed range is refused."""
    lo = user_time_ns(since) if since is not None else None
    hi = user_time_ns(until) if until is not None else None
    if lo is not None and hi is not None and lo >= hi:
        other = "until" if what == "since" else what.replace("since", "until")
        raise AnalysisError(f"{what} ({iso_z(lo)}) must be before {other} ({iso_z(hi)}): the range is empty")
    return lo, hi


def _inside(t: np.ndarray, lo: int | None, hi: int | None) -> np.ndarray:
    """Which times lie in ``[lo, hi)`` (an end that is None is open)."""
    keep = t >= lo if lo is not None else np.ones(len(t), dtype=bool)
    return keep & (t < hi) if hi is not None else keep


def _bins(first: int, start: int, end: int, freq: str, t: np.ndarray):
    """The ``freq`` periods of ``[first, end)`` (nanoseconds), cut at both ends, and the posts at ``t`` in them.

    When ``start`` lies inside a period after ``first`` (the surge baseline reaches back before ``since``),
    the part ``[start, period end)`` is a bin of its own too, just before its whole period: judged
    against the earlier periods (``aside``) while the whole period stays in the later ones' baselines.
    Returns the bins' periods, ``lo``, ``hi``, ``partial`` and ``aside``, and each (post row, bin) pair.
    """
    stamp = [pd.Timestamp(first), pd.Timestamp(end - 1)]
    periods = pd.period_range(pd.Period(stamp[0], freq=freq), pd.Period(stamp[1], freq=freq), freq=freq)
    p_lo = periods.start_time.as_unit("ns").asi8
    p_hi = (periods + 1).start_time.as_unit("ns").asi8
    lo = np.unique(np.concatenate([[first], p_lo[(p_lo > first) & (p_lo < end)]]))
    hi = np.append(lo[1:], end)
    which = np.searchsorted(p_lo, lo, side="right") - 1
    rows = np.flatnonzero((t >= first) & (t < end))
    code = np.searchsorted(lo, t[rows], side="right") - 1
    aside = np.zeros(len(lo), dtype=bool)
    j = int(np.searchsorted(lo, start, side="right") - 1)
    if first < start and lo[j] < start:
        lo, hi = np.insert(lo, j, start), np.insert(hi, j, hi[j])
        which, aside = np.insert(which, j, which[j]), np.insert(aside, j, True)
        probe = rows[t[rows] >= start][code[t[rows] >= start] == j]
        code = np.concatenate([code + (code >= j), np.full(len(probe), j)])
        rows = np.concatenate([rows, probe])
    return periods[which], lo, hi, (lo > p_lo[which]) | (hi < p_hi[which]), aside, rows, code


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
        Only posts in ``[since, until)``: a period that reaches past either
        end counts only the part inside it (``partial``, with the part counted
        in ``since`` and ``until``), so the totals do not depend on ``freq``.
        With ``surge``, the baseline of the first periods is taken from the
        periods before ``since``. ``since`` must be before ``until``.
    surge : bool
        Add the surge columns (see :func:`surges`).
    baseline, z, min_count, min_periods
        The surge rule.
    total : bool
        Add rows with key ``"all"`` (every outlet together).
    surge_on : {"share", "count"}
        Judge surges on mentions relative to the posts published (default)
        or on raw mentions (see :func:`surges`; a partial period's expected
        count is scaled to the part of the period it covers).
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
        ``surge``; then ``since`` and ``until`` (the part of the period
        counted) and ``partial`` (that part is not the whole period). Empty
        when no post lies in ``[since, until)``.

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
    >>> v = term_volume(posts, outlets, "Kazakhstan", freq="W", since="2022-01-04", surge=False)
    >>> v[v["key"] == "all"][["period", "mentions", "posts", "partial"]].values.tolist()
    [['2022-01-03/2022-01-09', 1, 2, True], ['2022-01-10/2022-01-16', 1, 1, False]]

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
    lo_ns, hi_ns = _bounds(since, until)
    t_all = to_ns(posts["published_at"]) if len(posts) else np.zeros(0, np.int64)
    keep = _inside(t_all, lo_ns, hi_ns)
    cols = ["term", "key", "period", "start", "mentions", "posts", "share", "covered", "outlets_active"]
    if not keep.any():
        return pd.DataFrame(columns=cols + (["baseline_mean", "threshold", "surge"] if surge else [])
                            + ["since", "until", "partial"])
    edge = _period_edges(t_all[keep].min(), t_all[keep].max(), freq)
    start = lo_ns if lo_ns is not None else edge[0]
    end = hi_ns if hi_ns is not None else edge[1]
    back = surge and lo_ns is not None and t_all.min() < start  # the baseline reaches back before `since`
    first = _period_edges(t_all.min(), t_all.min(), freq)[0] if back else start
    periods, b_lo, b_hi, partial, aside, inside, pcode = _bins(first, start, end, freq, t_all)
    keys_all = _keys(posts, outlets, by)
    P, keys = posts.iloc[inside], keys_all[inside]
    key_names = sorted(set(keys.tolist()))
    kcode = pd.Index(key_names).get_indexer(keys)
    nK, nP = len(key_names), len(b_lo)
    totals = np.bincount(kcode * nP + pcode, minlength=nK * nP).reshape(nK, nP)
    covered = _coverage(posts, keys_all, key_names, b_lo, b_hi)
    ocode = pd.factorize(P["outlet"].astype(str))[0]
    active = _active_outlets(kcode, pcode, ocode, nK, nP)
    rows_keys = key_names + (["all"] if total else [])
    cov_all = np.vstack([covered, covered.any(axis=0)]) if total else covered
    act_all = np.vstack([active, _active_outlets(np.zeros_like(kcode), pcode, ocode, 1, nP)]) if total else active
    t_all2 = np.vstack([totals, totals.sum(axis=0)]) if total else totals
    nR = len(rows_keys)
    found = mention_table(P["text"], terms) if given is None else {t: given[t][inside] for t in terms}
    out = []
    for term in terms:
        hit = np.asarray(found[term], dtype=bool)
        cnt = np.bincount((kcode * nP + pcode)[hit], minlength=nK * nP).reshape(nK, nP)
        c_all = np.vstack([cnt, cnt.sum(axis=0)]) if total else cnt
        df = pd.DataFrame({
            "term": term, "key": np.repeat(rows_keys, nP), "period": np.tile([str(p) for p in periods], nR),
            "start": np.tile(periods.start_time.tz_localize("UTC"), nR),
            "mentions": pd.array(np.where(cov_all, c_all, 0).ravel(), dtype="Int64"),
            "posts": pd.array(np.where(cov_all, t_all2, 0).ravel(), dtype="Int64"),
        })
        cov = cov_all.ravel()
        df.loc[~cov, ["mentions", "posts"]] = pd.NA
        with np.errstate(divide="ignore", invalid="ignore"):
            m, n = c_all.ravel().astype(float), t_all2.ravel().astype(float)
            df["share"] = np.round(np.where(cov, np.where(n > 0, m / np.maximum(n, 1), 0.0), np.nan), 4)
        df["covered"] = cov
        df["outlets_active"] = act_all.ravel().astype(np.int64)
        out.append(df)
    res = pd.concat(out, ignore_index=True)
    reps = len(terms) * nR
    if surge:
        p_len = (periods + 1).start_time.as_unit("ns").asi8 - periods.start_time.as_unit("ns").asi8
        res["_part"], res["_aside"] = np.tile((b_hi - b_lo) / p_len, reps), np.tile(aside, reps)
        res = surges(res, baseline=baseline, z=z, min_count=min_count, min_periods=min_periods, aside="_aside",
                     exposure="posts" if surge_on == "share" else None, length="_part")
        res = res.drop(columns=["_part", "_aside"])
    res["since"] = np.tile(pd.to_datetime(b_lo, unit="ns", utc=True), reps)
    res["until"] = np.tile(pd.to_datetime(b_hi, unit="ns", utc=True), reps)
    res["partial"] = np.tile(partial, reps)
    return res[np.tile(b_lo >= start, reps)].reset_index(drop=True)  # (a whole period beside its part goes)


def _period_edges(a: int, b: int, freq: str) -> tuple[int, int]:
    """Start of the period holding ``a`` and end of the one holding ``b`` (nanoseconds)."""
    return (pd.Period(pd.Timestamp(a), freq=freq).start_time.value,
            (pd.Period(pd.Timestamp(b), freq=freq) + 1).start_time.value)


def _coverage(posts: pd.DataFrame, keys_all: np.ndarray, key_names: list, lo: np.ndarray,
              hi: np.ndarray) -> np.ndarray:
    """(keys x bins): the bin ``[lo, hi)`` overlaps the key's span, from its first post to its last in the corpus."""
    from amplify.analyze.coverage import outlet_spans

    spans = outlet_spans(posts, by=keys_all).reindex(key_names)
    first, last = to_ns(spans["first"]), to_ns(spans["last"])
    return (hi[None, :] - 1 >= first[:, None]) & (lo[None, :] <= last[:, None])


def _active_outlets(kcode, pcode, ocode, nK: int, nP: int) -> np.ndarray:
    """(keys x periods): distinct outlets with a post in the cell."""
    if not len(kcode):
        return np.zeros((nK, nP), dtype=np.int64)
    cell = pd.DataFrame({"c": kcode * nP + pcode, "o": ocode}).drop_duplicates()
    return np.bincount(cell["c"].to_numpy(), minlength=nK * nP).reshape(nK, nP)


def surges(volume: pd.DataFrame, *, count: str = "mentions", by=("term", "key"), baseline: int = 7,
           z: float = 3.0, min_count: int = 10, min_periods: int = 3, exposure: str | None = None,
           length: str | None = None, aside: str | None = None) -> pd.DataFrame:
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
    length : str, optional
        Without ``exposure``: column of the part of its period each row
        covers (1 for a whole period); counts are judged as rates per whole
        period and the expected count scaled to the part.
    aside : str, optional
        Column flagging rows judged against the baseline before them but left
        out of every later baseline (a partial period shown beside its whole).

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
    part = out[length].to_numpy(dtype=np.float64) if length and not exposure else np.ones(n)
    side = out[aside].to_numpy(dtype=bool) if aside else np.zeros(n, dtype=bool)
    for idx in groups:
        hist: list = []           # (position in the series, count, exposure or part, flagged)
        step = -1
        for i in idx:
            pos = step + 1
            step = step if side[i] else pos
            c = vals[i]
            if np.isnan(c):
                continue
            e = expo[i] if expo is not None else part[i]
            usable = [h for h in hist if not h[3] or pos - h[0] >= baseline][-baseline:]
            flagged = False
            if len(usable) >= min_periods:
                b = np.asarray([h[1] for h in usable])
                if expo is not None:
                    x = np.asarray([h[2] for h in usable])
                    rate = b.sum() / x.sum() if x.sum() > 0 else 0.0
                    m = rate * e if e == e else np.nan
                    resid = b - rate * x
                    sd = resid.std(ddof=1) * (e / max(x.mean(), 1e-9)) if len(b) > 1 else 0.0
                else:  # counts per whole period (b / 1.0 is b: whole periods as before)
                    r = b / np.asarray([h[2] for h in usable])
                    m = r.mean() * e
                    sd = r.std(ddof=1) * e if len(b) > 1 else 0.0
                if m == m:
                    th = m + z * max(sd, np.sqrt(m), 1.0)
                    mean[i], thr[i] = m, th
                    flagged = bool(c >= min_count and c > th)
            flag[i] = flagged
            if not side[i]:
                hist.append((pos, c, e, flagged))
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
    B is ``compare_term`` (default: ``term``). A period that holds no posts
    is not compared: nothing was collected then, so its mentions are missing,
    not zero.
    ``mentioned``: as for :func:`term_volume` (``posts`` then needs no ``text``).

    Returns
    -------
    table : DataFrame
        Two rows (A and B): ``side``, ``term``, ``since``, ``until``,
        ``days``, ``mentions``, ``per_day``, ``posts`` (all posts in the
        period), ``share`` (of them, mentioning the term), ``covered_days``
        (the days of the period inside the corpus, from its first post's day
        to its last's), ``coverage`` (``full``, ``partial`` or ``none``: no
        posts, and ``mentions``, ``per_day``, ``share`` and the camps'
        counts missing), ``note`` (what the corpus does not cover, or None)
        and one column per camp (or outlet / kind, from ``by``).
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
    >>> print(compare_volume(posts, term="Kazakhstan", since="2022-01-12", until="2022-01-18",
    ...     compare_since="2021-11-01", compare_until="2021-12-01")[1])  # doctest: +NORMALIZE_WHITESPACE
    3 posts mentioning Kazakhstan in six days (12-17 Jan 2022); the corpus holds no posts in all of
    November 2021 (it covers 5 Dec 2021 to 14 Jan 2022): no comparison
    """
    t_all = to_ns(posts["published_at"]) if len(posts) else np.zeros(0, np.int64)
    if len(t_all) == 0:
        raise AnalysisError("no posts")
    day = 86_400 * 10**9
    c_lo, c_hi = t_all.min() // day * day, (t_all.max() // day + 1) * day  # the corpus, by whole days
    slack = 3 * (c_hi - c_lo) / len(t_all)  # no post for this long past an end is a chance under 5%
    since = since if since is not None else from_ns(c_lo)
    until = until if until is not None else from_ns(c_hi)
    compare_since = compare_since if compare_since is not None else since
    compare_until = compare_until if compare_until is not None else until
    compare_term = compare_term or term
    spans = [_bounds(since, until), _bounds(compare_since, compare_until, "compare_since")]
    if compare_term == term and spans[0] == spans[1]:
        raise AnalysisError("give another term or another period to compare with")
    rows = []
    keys_all = _keys(posts, outlets, by)
    given = _given_mentions(posts, [term, compare_term], mentioned)
    given = given if given is not None else mention_table(posts["text"], [term, compare_term])
    for side, tm, (a, b) in (("A", term, spans[0]), ("B", compare_term, spans[1])):
        keep = (t_all >= a) & (t_all < b)
        hit = np.asarray(given[tm], dtype=bool) & keep
        days, cov = (b - a) / day, max(0, min(b, c_hi) - max(a, c_lo)) / day
        n, m = int(keep.sum()), int(hit.sum()) if keep.any() else pd.NA
        part = bool(n) and (days - cov) * day > slack
        row = {"side": side, "term": tm, "since": from_ns(a), "until": from_ns(b), "days": round(days, 3),
               "mentions": m, "per_day": round(m / (cov if part else days), 3) if n else np.nan, "posts": n,
               "share": round(m / n, 4) if n else np.nan, "covered_days": round(cov, 3),
               "coverage": "none" if not n else "partial" if part else "full"}
        row["note"] = (f"no posts: the corpus covers {_dates(c_lo, c_hi)}" if not n else None if not part else
                       f"only {cov:g} of its {days:g} days lie in the corpus ({_dates(c_lo, c_hi)}): "
                       f"per_day is per day covered")
        for k, v in pd.Series(keys_all[hit]).value_counts().sort_index().items():
            row[str(k)] = int(v)
        rows.append(row)
    table = pd.DataFrame(rows)
    table["mentions"] = table["mentions"].astype("Int64")
    extra = list(table.columns[12:])
    table[extra] = table[extra].fillna(0).astype("Int64")
    table.loc[table["posts"] == 0, extra] = pd.NA  # nothing was collected then: missing, not zero
    A, B = rows
    sa, sb = describe_span(A["since"], A["until"]), describe_span(B["since"], B["until"])
    if not (A["posts"] and B["posts"]):
        said = [f"{r['mentions']:,} {_posts(r['mentions'])} mentioning {r['term']} {s}" if r["posts"] else
                f"the corpus holds no posts {s}" for r, s in ((A, sa), (B, sb))]
        return table, f"{'; '.join(said)} (it covers {_dates(c_lo, c_hi)}): no comparison"
    second = f"{B['mentions']:,}" + ("" if A["term"] == B["term"] else f" mentioning {B['term']}")
    sentence = f"{A['mentions']:,} {_posts(A['mentions'])} mentioning {A['term']} {sa} vs {second} {sb}"
    notes = []
    eff = [r["covered_days"] if r["coverage"] == "partial" else r["days"] for r in (A, B)]
    if eff[0] != eff[1]:
        rate = f"{_fmt(A['per_day'])} vs {_fmt(B['per_day'])} a day"
        if B["mentions"] > 0:
            rate += f": {(A['mentions'] / eff[0]) / (B['mentions'] / eff[1]):.2g} times the daily rate"
        notes.append(rate)
    notes.append(f"{_pct(A['share'])} of the {A['posts']:,} {_posts(A['posts'])} published then vs "
                 f"{_pct(B['share'])} of {B['posts']:,}")
    notes += [f"the corpus covers only {r['covered_days']:g} of the {w} period's {r['days']:g} days: rates per "
              f"day covered" for r, w in ((A, "first"), (B, "second")) if r["coverage"] == "partial"]
    return table, sentence + " (" + "; ".join(notes) + ")"


def volume_by_side(posts: pd.DataFrame, outlets: pd.DataFrame | None = None, terms=(), *, since=None, until=None,
                   compare_since=None, compare_until=None, **kwargs) -> tuple[pd.DataFrame, list[dict]]:
    """:func:`term_volume` of each term over its own period, and what each period holds.

    Without a period to compare with, every term over ``[since, until)``. With
    one (``compare_since``, ``compare_until``), the second term -- or the only
    one -- over it (``side`` "B", a column added last) and the others over
    ``[since, until)`` (``side`` "A"), as :func:`compare_volume` compares them.
    ``kwargs`` go to :func:`term_volume`.

    Returns the volume table and one dict per period: ``side``, ``terms``,
    ``since``, ``until`` (None where open), ``posts`` in it, ``span`` (its
    words, "" for the whole corpus) and ``note`` (for a period without
    posts: "no posts between ... (the corpus covers ... to ...)"; else None).

    >>> import pandas as pd
    >>> posts = pd.DataFrame({"post_id": list("ab"), "outlet": "tass", "published_at": ["2022-01-03", "2022-01-20"],
    ...                       "text": ["Kazakhstan", "Ukraine"]})
    >>> v, ranges = volume_by_side(posts, terms=["Kazakhstan", "Ukraine"], since="2022-01-01", until="2022-01-10",
    ...                            compare_since="2022-02-01", compare_until="2022-03-01", freq="M")
    >>> v[["side", "term", "period", "mentions", "partial"]].values.tolist()
    [['A', 'Kazakhstan', '2022-01', 1, True], ['A', 'Kazakhstan', '2022-01', 1, True]]
    >>> ranges[1]["note"]
    'no posts between 2022-02-01 and 2022-03-01 (the corpus covers 3 Jan 2022 to 20 Jan 2022)'
    """
    terms = [terms] if isinstance(terms, str) else list(terms)
    compare = compare_since is not None or compare_until is not None
    sides = [("A", [t for i, t in enumerate(terms) if i != 1 or not compare], since, until)]
    if compare:
        sides.append(("B", [terms[1] if len(terms) > 1 else terms[0]], compare_since, compare_until))
    t = to_ns(posts["published_at"]) if len(posts) else np.zeros(0, np.int64)
    corpus = f"the corpus covers {_dates(t.min(), t.max() + 1)}" if len(t) else "the corpus is empty"
    out, ranges = [], []
    for side, tms, a, b in sides:
        lo, hi = _bounds(a, b, "since" if side == "A" else "compare_since")
        n = int(_inside(t, lo, hi).sum())
        v = term_volume(posts, outlets, tms, since=a, until=b, **kwargs)
        out.append(v.assign(side=side) if compare else v)  # (last: scripts may read columns by position)
        when = [x if x is None else str(from_ns(x).date()) if x % 86_400_000_000_000 == 0 else iso_z(x)
                for x in (lo, hi)]
        where = (f"between {when[0]} and {when[1]}" if lo is not None and hi is not None else
                 f"from {when[0]} on" if lo is not None else f"before {when[1]}" if hi is not None else "at all")
        note = None if n else f"no posts {where} ({corpus})"
        span = describe_span(from_ns(lo), from_ns(hi)) if lo is not None and hi is not None else \
            "" if lo is None and hi is None else where
        ranges.append({"side": side, "terms": tms, "since": from_ns(lo) if lo is not None else None,
                       "until": from_ns(hi) if hi is not None else None, "posts": n, "span": span, "note": note})
    full = [v for v in out if len(v)]
    return pd.concat(full, ignore_index=True) if len(full) > 1 else (full or out)[0], ranges


def _posts(n) -> str:
    return "post" if n == 1 else "posts"


def _dates(a: int, b: int) -> str:
    """``[a, b)`` (nanoseconds) as days: "1 Jan 2022 to 31 Jan 2022", "5 Jan 2022"."""
    x, y = pd.Timestamp(a), pd.Timestamp(b - 1)
    days = [f"{t.day} {t.strftime('%b %Y')}" for t in (x, y)]
    return days[0] if days[0] == days[1] else " to ".join(days)


def _pct(x: float) -> str:
    return f"{100 * x:.2g}%" if x < 0.1 else f"{100 * x:.0f}%"


def _fmt(x: float) -> str:
    return f"{x:.2g}" if x < 1 else f"{x:,.1f}"
