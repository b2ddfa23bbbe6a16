"""Detection over a workspace: only what is new is matched, with the links of a full run.

Detection decisions about a target post depend only on posts published
within one horizon before or after it (the longer of ``window`` and
``quote_window``; see :mod:`amplify.detect.candidates`). So when posts are
added, only targets published within a horizon of a new post can change; they
are recomputed from the posts within two horizons, and
their old links are replaced. The result is exactly the link set a full run
over all posts would give (tested), at the cost of the affected time span
instead of the whole corpus.

A link set is keyed by its settings (plus :data:`DETECTOR_VERSION`, so a
change to the detector itself never mixes old and new links): running with
other settings creates another link set beside the first.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from amplify.detect.parents import mark_parents
from amplify.detect.pipeline import DetectStats, detect
from amplify.detect.settings import DetectSettings
from amplify.utc import to_ns
from amplify.workspace import linkset_id, make_default
from amplify.workspace.embeddings import EmbeddingStore

__all__ = ["detect_workspace", "DetectRun", "DETECTOR_VERSION", "settings_record", "outlets_fingerprint"]

#: Bumped whenever a change to detection can change its links.
DETECTOR_VERSION = 9
# When the posts within two windows of the new ones are more than this share
# of the corpus, an incremental run makes one pass over everything instead.
_FULL_PASS_SHARE = 0.6


def settings_record(settings: DetectSettings) -> dict:
    """The settings as stored with a link set."""
    return {**settings.to_dict(), "detector_version": DETECTOR_VERSION}


@dataclass
class DetectRun:
    """What a :func:`detect_workspace` call did."""

    linkset: str
    mode: str  # "full", "full (outlets changed)", "incremental" or "up to date"
    new_posts: int
    targets_recomputed: int
    links_total: int
    links_changed: int
    stats: DetectStats = field(default_factory=DetectStats)
    #: An "up to date" run that made its link set the default again: the one that was the default
    #: before (None: it already was, or the run wrote links, which makes a set the default anyway).
    was_default: str | None = None

    def __str__(self) -> str:
        if self.mode == "up to date":
            return (f"link set {self.linkset}: up to date ({self.links_total:,} links); no new posts"
                    + (f"; now the default link set (was {self.was_default})" if self.was_default else ""))
        return (f"link set {self.linkset}: {self.mode} run, {self.new_posts:,} new posts, "
                f"{self.targets_recomputed:,} targets matched, {self.links_total:,} links in all "
                f"({self.links_changed:+,})")


def detect_workspace(ws, settings: DetectSettings | None = None, *, full: bool = False,
                     workers: int = 2, progress: bool = False) -> DetectRun:
    """Detect links for the posts of workspace ``ws`` and store them as a link set.

    Parameters
    ----------
    ws : amplify.workspace.Workspace
        An open workspace; the caller must hold its writer lock.
    settings : DetectSettings, optional
    full : bool
        Recompute everything even when the link set exists.
    workers, progress
        As for :func:`amplify.detect.detect`.
    """
    cfg = settings or DetectSettings()
    record = settings_record(cfg)
    lid = linkset_id(record)
    existing = next((ls for ls in ws.linksets() if ls["id"] == lid), None)
    last = ws.last_seq
    outlets = ws.outlets()
    # the stored table only: outlets that merely appear with new posts (group
    # 'unknown') concern new posts, which are matched anyway
    inputs = {"outlets_sha1": outlets_fingerprint(ws.outlets(fill_missing=False))}
    stats = DetectStats()
    # the semantic stage's sentence vectors, kept beside the posts: each post is embedded once
    store = EmbeddingStore(ws.path) if cfg.semantic else None
    # attribution and camp filters read the outlets table: if it changed since
    # the set was computed, every link may change
    stale = existing is not None and existing.get("inputs", {}).get("outlets_sha1") != inputs["outlets_sha1"]
    if existing is not None and not full and not stale and existing["covered_through"] >= last:
        n = int(existing["n_links"])
        # A run that writes links makes its set the latest (the default of every analysis); one that
        # finds it up to date writes no links, so without this the set of an earlier detection with
        # other settings would stay the default although the caller just asked for this one.
        before = ws.linksets()[-1]["id"]
        moved = make_default(ws, lid)
        return DetectRun(lid, "up to date", 0, 0, n, 0, stats, was_default=before if moved else None)
    if existing is None or full or stale:
        posts = ws.posts()
        links = detect(posts, outlets, settings=cfg, workers=workers, progress=progress, stats=stats,
                       embeddings=store)
        ws.save_links(links, record, covered_through=last, inputs=inputs)
        old_n = int(existing["n_links"]) if existing is not None else 0
        mode = "full (outlets changed)" if stale and not full else "full"
        return DetectRun(lid, mode, len(posts), len(posts), len(links), len(links) - old_n, stats)

    new = ws.posts(columns=["post_id", "published_at"], since_seq=int(existing["covered_through"]))
    posts = ws.posts()
    if _time_span_share(posts, new, pd.Timedelta(cfg.horizon_ns)) > _FULL_PASS_SHARE:
        # the new posts touch most of the corpus: one pass over all of it costs
        # less than the window bookkeeping, and its links are the same
        merged = detect(posts, outlets, settings=cfg, workers=workers, progress=progress, stats=stats,
                        embeddings=store)
        ws.save_links(merged, record, covered_through=last, inputs=inputs)
        return DetectRun(lid, "incremental", len(new), len(posts), len(merged),
                         len(merged) - int(existing["n_links"]), stats)
    target_mask, needed = _affected(posts, new, pd.Timedelta(cfg.horizon_ns))
    targets = posts.loc[target_mask, "post_id"]
    old = ws.links(linkset=lid)
    fresh = detect(posts[needed], outlets, settings=cfg, targets=targets, workers=workers,
                   progress=progress, stats=stats, embeddings=store)
    keep = ~old["target_id"].isin(set(targets))
    merged = pd.concat([old[keep], fresh], ignore_index=True)
    # a parent may rest on a link into another post (a relay: A -> B for C's
    # parent B -> C), so parents are chosen again over the whole link set
    source_time = pd.Series(to_ns(posts["published_at"]), index=posts["post_id"].to_numpy())
    merged = mark_parents(merged, source_time.reindex(merged["source_id"].to_numpy()).to_numpy())
    merged = merged.sort_values(["target_id", "source_id"], kind="stable").reset_index(drop=True)
    ws.save_links(merged, record, covered_through=last, inputs=inputs)
    return DetectRun(lid, "incremental", len(new), int(target_mask.sum()), len(merged),
                     len(merged) - len(old), stats)


def _time_span_share(posts: pd.DataFrame, new: pd.DataFrame, w: pd.Timedelta) -> float:
    """Share of the posts within two windows of the new posts' time span: a
    lower bound of what an incremental run would have to read."""
    t_new = pd.to_datetime(new["published_at"], utc=True)
    t = pd.to_datetime(posts["published_at"], utc=True)
    inside = (t >= t_new.min() - 2 * w) & (t <= t_new.max() + 2 * w)
    return float(inside.mean()) if len(t) else 0.0


def _affected(posts: pd.DataFrame, new: pd.DataFrame, w: pd.Timedelta) -> tuple[np.ndarray, np.ndarray]:
    """Which posts' links may change now that ``new`` posts have arrived, and
    which posts detection needs to recompute them: two masks over ``posts``.

    A target's links depend on the posts within one window of it, so the
    targets are the posts within one window of a new post, and they need the
    posts within two windows.
    """
    new_ids = set(new["post_id"])
    t_new = pd.to_datetime(new["published_at"], utc=True)
    lo, hi = t_new.min(), t_new.max()
    t = pd.to_datetime(posts["published_at"], utc=True)
    # targets whose +-window holds a new post; they need posts within two windows
    affected = ((t >= lo - w) & (t <= hi + w)).to_numpy(copy=True)
    needed = ((t >= lo - 2 * w) & (t <= hi + 2 * w)).to_numpy(copy=True)
    # Platform links (reposts, quote posts) have no window: a new post that
    # reposts an old one, or an old post whose original arrives late, is a
    # target too; it needs the posts within one window of it and its source.
    extra = np.zeros(len(posts), dtype=bool)
    sources = set()
    ids = posts["post_id"].to_numpy(dtype=object)
    is_new = None
    for col in ("reposted_id", "quoted_id"):
        if col in posts.columns:
            ref = posts[col].astype(object).where(posts[col].notna(), None).to_numpy(dtype=object)
            has = pd.notna(ref) & (ref != "")
            if not has.any():
                continue
            if is_new is None:
                is_new = _isin(ids, new_ids)
            involved = has & (is_new | _isin(np.where(has, ref, ""), new_ids))
            extra |= involved & ~affected
            sources.update(ref[has & (involved | affected)])
    if sources:
        needed |= _isin(ids, sources)
    if extra.any():
        needed |= _within(t, extra, w)
    return affected | extra, needed


def _isin(values: np.ndarray, members) -> np.ndarray:
    """Which ``values`` (strings) are in ``members``: Arrow's hash join (pandas'
    ``isin`` over Arrow strings builds a Python list per call)."""
    return pc.is_in(pa.array(values, type=pa.string()),
                    value_set=pa.array(list(members), type=pa.string())).to_numpy(zero_copy_only=False)


def _within(t: pd.Series, marked: np.ndarray, w: pd.Timedelta) -> np.ndarray:
    """Posts (times ``t``) within ``w`` of a ``marked`` post: a sweep over the
    sorted times, +1 where a marked post's window opens and -1 where it closes."""
    tv = t.dt.tz_convert(None).to_numpy()
    order = np.argsort(tv, kind="stable")
    ts = tv[order]
    cover = np.zeros(len(t) + 1, dtype=np.int64)
    a = np.searchsorted(ts, tv[marked] - w.to_timedelta64(), side="left")
    b = np.searchsorted(ts, tv[marked] + w.to_timedelta64(), side="right")
    np.add.at(cover, a, 1)
    np.add.at(cover, b, -1)
    near = np.zeros(len(t), dtype=bool)
    near[order] = np.cumsum(cover[:-1]) > 0
    return near


def outlets_fingerprint(outlets: pd.DataFrame) -> str:
    """SHA-1 of the outlets table in canonical order (what attribution and camp filters read)."""
    cols = [c for c in ("outlet", "group", "kind", "name", "country", "aliases") if c in outlets.columns]
    df = outlets[cols].astype(object).where(outlets[cols].notna(), None).sort_values("outlet")
    return hashlib.sha1(df.to_json(orient="values", force_ascii=False).encode("utf-8")).hexdigest()
