"""Corpora too big to hold: the generator run one time segment at a time, written as it goes.

:func:`~amplify.synth.generate` holds its whole corpus (about 2 GB per
million posts). :func:`generate_stream` writes the files of
:func:`~amplify.synth.write_corpus` -- ``posts.csv`` (or ``posts.parquet``),
``outlets.csv``, ``truth_links.csv``, ``truth_negatives.csv`` and
``truth.json`` -- for any number of posts, holding one segment at a time:

* the period is cut into consecutive time segments of whole days, each with
  its share of the posts (about ``segment_posts`` each);
* one outlet table serves every segment (drawn once from ``seed``, sized for
  the whole corpus); each segment's world -- originals, echoes, families,
  negatives, its surge week -- is drawn from its own stream
  ``default_rng([seed, STREAM_TAG, k])`` by the same steps as
  :func:`~amplify.synth.generate`, so segments are independent and the same
  arguments give the same files;
* ids run on across segments in time order (``p00000001`` ...), and every
  truth row names them, so recall and precision are measured as on a
  corpus from :func:`~amplify.synth.generate`;
* ``viral_week=N`` puts N posts inside one 7-day window (a segment of its own,
  in the middle of the period unless ``viral_start_day`` says where) and
  spreads the others over the rest of the period as usual: the busiest slice
  a time-sliced detector meets.

Echoes never cross a segment's boundary (a post's source is in its own
segment): a corpus of one segment is what :func:`~amplify.synth.generate`
makes of that segment's posts and days, with the outlets of the whole. Only
the ``default`` profile is streamed. Every file is written to a temporary
name and moved into place at the end, so a reader never sees half a corpus.

>>> import tempfile, pandas as pd
>>> d = tempfile.mkdtemp()
>>> info = generate_stream(d, n_posts=3000, days=20, segment_posts=1000, seed=1)
>>> info["segments"], len(pd.read_csv(d + "/posts.csv"))
(3, 3000)
"""

from __future__ import annotations

import json
import math
import os
import sys
from contextlib import ExitStack

import numpy as np
import pandas as pd

from amplify.io import atomic_output
from amplify.synth.generator import check_params, n_outlets, world_corpus
from amplify.synth.outlets import make_outlets

__all__ = ["generate_stream", "plan_segments", "STREAM_TAG", "VIRAL_DAYS"]

#: Mixed into every segment's seed, so that segment streams never repeat :func:`generate`'s.
STREAM_TAG = 0x5E6
#: Length of the viral window in days.
VIRAL_DAYS = 7
#: Columns of ``posts`` as written (Arrow types, fixed so that every segment appends to one file).
_POST_TYPES = {"post_id": "string", "outlet": "string", "published_at": "time", "text": "large_string",
               "url": "string", "lang": "string", "reposted_id": "string", "quoted_id": "string"}
_LINK_TYPES = {"source_id": "string", "target_id": "string", "kind": "string", "root_id": "string",
               "attributed": "bool", "lag_s": "int64"}
_NEG_TYPES = {"a_id": "string", "b_id": "string", "kind": "string", "shared": "string"}
#: Fewest days and posts per segment (what :func:`~amplify.synth.generate` accepts).
_MIN_DAYS, _MIN_POSTS = 2, 100


def plan_segments(n_posts: int, days: int, segment_posts: int = 1_000_000, viral_week: int = 0,
                  viral_start_day: int | None = None) -> list[tuple[int, int, int]]:
    """The segments ``(first day, days, posts)`` of a streamed corpus, in time order.

    >>> plan_segments(3000, 20, 1000)
    [(0, 7, 1050), (7, 7, 1050), (14, 6, 900)]
    >>> plan_segments(10_000, 30, 10_000, viral_week=4000, viral_start_day=10)
    [(0, 10, 2609), (10, 7, 4000), (17, 13, 3391)]
    """
    n_posts, days, viral_week = int(n_posts), int(days), int(viral_week)
    if viral_week:
        if viral_week > n_posts or viral_week < _MIN_POSTS:
            raise ValueError(f"viral_week must be between {_MIN_POSTS} and n_posts ({n_posts:,}), not {viral_week:,}")
        if days < VIRAL_DAYS + 2 * _MIN_DAYS:
            raise ValueError(f"a viral week needs at least {VIRAL_DAYS + 2 * _MIN_DAYS} days, not {days}")
        v0 = (days - VIRAL_DAYS) // 2 if viral_start_day is None else int(viral_start_day)
        if not 0 <= v0 <= days - VIRAL_DAYS:
            raise ValueError(f"viral_start_day must be between 0 and {days - VIRAL_DAYS}, not {v0}")
        rest = n_posts - viral_week
        before_days, after_days = v0, days - v0 - VIRAL_DAYS
        rest_days = before_days + after_days
        before_n = round(rest * before_days / rest_days)
        sides = [(0, before_days, before_n), (v0 + VIRAL_DAYS, after_days, rest - before_n)]
        for _, d, n in sides:
            if n and (d < _MIN_DAYS or n < _MIN_POSTS):
                raise ValueError(f"{n:,} posts outside the viral week cannot fall in {d} day(s): give more days, "
                                 f"more posts, or another viral_start_day")
        before, after = [[(s[0] + d0, s[1], s[2]) for s in plan_segments(n, d, segment_posts)] if n else []
                         for d0, d, n in sides]
        return before + [(v0, VIRAL_DAYS, viral_week)] + after
    k = max(1, min(math.ceil(n_posts / max(1, int(segment_posts))), days // _MIN_DAYS, n_posts // _MIN_POSTS))
    lengths = [days // k + (1 if j < days % k else 0) for j in range(k)]
    counts = [n_posts * d // days for d in lengths]
    for j in range(n_posts - sum(counts)):
        counts[j % k] += 1
    firsts = np.cumsum([0] + lengths[:-1]).tolist()
    return [(int(f), int(d), int(c)) for f, d, c in zip(firsts, lengths, counts)]


def _arrow_schema(types: dict):
    import pyarrow as pa

    m = {"string": pa.string(), "large_string": pa.large_string(), "bool": pa.bool_(), "int64": pa.int64(),
         "time": pa.timestamp("ns", tz="UTC")}
    return pa.schema([(k, m[v]) for k, v in types.items()])


def _table(df: pd.DataFrame, types: dict, times_as_text: bool):
    """``df`` as an Arrow table of the fixed ``types`` (times as ISO text for CSV, as write_corpus writes them)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    cols = {}
    for name, kind in types.items():
        s = df[name]
        if kind == "time":
            ts = pa.array(s.to_numpy(dtype="datetime64[ns]"), pa.timestamp("ns", tz="UTC"))
            cols[name] = pc.strftime(pa.array(s.to_numpy(dtype="datetime64[s]"), pa.timestamp("s")),
                                     format="%Y-%m-%dT%H:%M:%SZ") if times_as_text else ts
        elif kind in ("string", "large_string"):
            cols[name] = pa.array(s.array if hasattr(s, "array") else s, pa.large_string() if kind == "large_string"
                                  else pa.string(), from_pandas=True)
        else:
            cols[name] = pa.array(s.to_numpy(), _arrow_schema({name: kind}).field(0).type)
    return pa.table(cols)


class _Out:
    """One table written segment by segment (CSV or Parquet), atomically."""

    def __init__(self, stack: ExitStack, path: str, types: dict, fmt: str):
        import pyarrow.csv as pacsv
        import pyarrow.parquet as pq

        self.types, self.fmt = types, fmt
        fh = stack.enter_context(atomic_output(path, "wb"))
        if fmt == "parquet":
            self.writer = stack.enter_context(pq.ParquetWriter(fh, _arrow_schema(types)))
        else:
            schema = _arrow_schema({k: ("string" if v == "time" else v) for k, v in types.items()})
            self.writer = stack.enter_context(pacsv.CSVWriter(fh, schema, write_options=pacsv.WriteOptions(
                quoting_style="needed", include_header=True)))

    def write(self, df: pd.DataFrame) -> None:
        t = _table(df, self.types, self.fmt != "parquet")
        if self.fmt != "parquet":
            t = t.cast(_arrow_schema({k: ("string" if v == "time" else v) for k, v in self.types.items()}))
        self.writer.write_table(t)


def generate_stream(out_dir, n_posts: int, seed: int = 0, start: str = "2022-01-01", days: int = 180, *,
                    segment_posts: int = 1_000_000, viral_week: int = 0, viral_start_day: int | None = None,
                    fmt: str = "csv", surge_term: str = "Kazakhstan", hostile_fraction: float = 0.0,
                    echo_fraction: float = 0.3, progress: bool = False) -> dict:
    """Generate a corpus of ``n_posts`` posts into ``out_dir``, one time segment at a time.

    Parameters
    ----------
    out_dir : path
        The folder (created if needed): ``posts.csv`` (``posts.parquet`` with
        ``fmt="parquet"``), ``outlets.csv``, ``truth_links.csv``,
        ``truth_negatives.csv``, ``truth.json``.
    n_posts, seed, start, days, surge_term, hostile_fraction, echo_fraction
        As :func:`~amplify.synth.generate` (the default profile).
    segment_posts : int
        About how many posts each segment holds (memory: about 2 GB per
        million).
    viral_week : int
        When > 0, this many of the posts fall inside one 7-day window.
    viral_start_day : int, optional
        The window's first day (0-based; default: the middle of the period).
    fmt : {"csv", "parquet"}
        How posts are written.
    progress : bool
        A progress bar on stderr, one step per segment.

    Returns
    -------
    dict
        What ``truth.json`` says at its top: ``n_posts``, ``segments``,
        ``segment_plan`` (first day, days, posts of each), ``viral_week``
        (its first day and posts, when asked) and the files written.

    Raises
    ------
    ValueError
        Parameters out of range (as :func:`~amplify.synth.generate`, and a
        viral week that does not fit).
    """
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"fmt must be 'csv' or 'parquet', not {fmt!r}")
    params = check_params(n_posts, seed, start, days, surge_term, hostile_fraction, echo_fraction)
    plan = plan_segments(params.n_posts, params.days, segment_posts, viral_week, viral_start_day)
    out_dir = os.fspath(out_dir)
    os.makedirs(out_dir, exist_ok=True)
    outlets = make_outlets(np.random.default_rng(params.seed), n_outlets(params.n_posts), params.surge_term,
                           params.hostile_fraction)
    width = len(str(params.n_posts))
    names = {"posts": f"posts.{fmt}", "links": "truth_links.csv", "negatives": "truth_negatives.csv"}
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=params.n_posts, unit="post", unit_scale=True, desc="generate", file=sys.stderr, leave=False)
    segments = []
    first_id = 1
    try:
        with ExitStack() as stack:
            posts_out = _Out(stack, os.path.join(out_dir, names["posts"]), _POST_TYPES, fmt)
            links_out = _Out(stack, os.path.join(out_dir, names["links"]), _LINK_TYPES, "csv")
            neg_out = _Out(stack, os.path.join(out_dir, names["negatives"]), _NEG_TYPES, "csv")
            for k, (day0, ndays, n) in enumerate(plan):
                seg_start = (params.start + pd.Timedelta(days=day0)).strftime("%Y-%m-%d")
                p = check_params(n, params.seed, seg_start, ndays, params.surge_term, params.hostile_fraction,
                                  params.echo_fraction)
                corpus = world_corpus(p, np.random.default_rng([params.seed, STREAM_TAG, k]), outlets,
                                      first_id=first_id, id_width=width)
                posts_out.write(corpus.posts)
                links_out.write(corpus.truth_links)
                neg_out.write(corpus.negatives.astype("string"))
                segments.append({"first_day": day0, "days": ndays, "posts": n,
                                 "first_id": corpus.posts["post_id"].iloc[0], "truth": corpus.truth})
                if k == 0:
                    with atomic_output(os.path.join(out_dir, "outlets.csv"), "wb") as fh:
                        from amplify.synth.files import write_csv_table

                        write_csv_table(corpus.outlets, fh)
                first_id += n
                del corpus
                if bar is not None:
                    bar.update(n)
            info = {"streamed": True, "n_posts": params.n_posts, "seed": params.seed, "start": str(params.start),
                    "days": params.days, "segments": len(plan), "segment_plan": [list(s) for s in plan],
                    "files": sorted(list(names.values()) + ["outlets.csv", "truth.json"])}
            if viral_week:
                v = next(s for s in plan if s[1] == VIRAL_DAYS and s[2] == int(viral_week))
                info["viral_week"] = {"first_day": v[0], "days": VIRAL_DAYS, "posts": v[2]}
            with atomic_output(os.path.join(out_dir, "truth.json")) as fh:
                fh.write(json.dumps(info | {"segment_truth": segments}, indent=1, ensure_ascii=False, default=str)
                         + "\n")
    finally:
        if bar is not None:
            bar.close()
    return info
