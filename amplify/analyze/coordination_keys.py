"""Content keys: what counts as "the same content" when accounts co-post.

:func:`content_keys` gives every post the integer keys of the content it
carries, one row per (post, key), for one of four readings of ``by``:

``text``
    the post's *echo family* (:func:`amplify.analyze.text_families.families`
    over every link but ``template``: verbatim copies, quotes, paraphrases,
    ties and platform reposts, all joined by detection's links);
``url``
    each normalised address in the post's ``urls`` list column (kept at
    ingest, :mod:`amplify.ingest.urls`); without that column, the addresses
    found in the text, normalised the same way;
``repost``
    the post it reposts (``reposted_id``): accounts re-sharing one post;
``any``
    all three, each in its own key range (so a family and an address never
    collide); a pair of posts sharing two keys still counts once.

Each key keeps a label for display (:attr:`Keys.labels`: ``by`` and, for a
family or a repost, a representative post; for an address, the address).

Examples
--------
>>> import pandas as pd
>>> from amplify.analyze.frame import Frame
>>> posts = pd.DataFrame({"post_id": list("abc"), "outlet": ["x", "y", "z"],
...     "published_at": ["2022-01-05 10:00Z"] * 3, "text": ["one", "two", "three"],
...     "reposted_id": [None, "a", "a"]})
>>> k = content_keys(Frame.build(None, posts), posts, "repost")
>>> k.post.tolist(), k.key.tolist(), k.labels["post_id"].tolist()
([1, 2], [0, 0], ['a'])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from amplify.analyze.errors import AnalysisError
from amplify.analyze.frame import Frame
from amplify.analyze.text_families import families

__all__ = ["Keys", "content_keys", "BY_CHOICES"]

#: The readings of "the same content" (``by``).
BY_CHOICES = ("text", "url", "repost", "any")


@dataclass
class Keys:
    """One row per (post, content key).

    Attributes
    ----------
    post, key : ndarray of int64
        Post index (into the frame) and content key (``0 .. len(labels) - 1``).
    labels : DataFrame
        One row per key: ``by`` (``text``, ``url`` or ``repost``),
        ``post_id`` (a post carrying it: the family's earliest, the reposted
        post) and ``url`` (the address, for ``url`` keys).
    notes : list of str
        What could not be read (no ``urls`` column and no text, no
        ``reposted_id`` ...).
    """

    post: np.ndarray
    key: np.ndarray
    labels: pd.DataFrame
    notes: list


def _family_keys(frame: Frame):
    mask = None
    if len(frame.links) and "kind" in frame.links.columns:
        mask = (frame.links["kind"] != "template").to_numpy(dtype=bool)
    fam = families(frame, mask)
    posts = np.flatnonzero(fam >= 0).astype(np.int64)
    keys = fam[posts]
    n = int(keys.max()) + 1 if len(keys) else 0
    # families are numbered by their earliest post: the first post of each key in time order
    first = np.full(n, -1, np.int64)
    order = np.lexsort((posts, frame.times[posts]))
    seen_keys, first_at = np.unique(keys[order], return_index=True)
    first[seen_keys] = posts[order][first_at]
    labels = pd.DataFrame({"by": "text", "post_id": frame.post_ids[first] if n else [], "url": None})
    return posts, keys, labels


def _repost_keys(frame: Frame, posts: pd.DataFrame):
    if "reposted_id" not in posts.columns:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), None
    ref = posts["reposted_id"]
    have = ref.notna().to_numpy(dtype=bool)
    idx = np.flatnonzero(have).astype(np.int64)
    codes, uniq = pd.factorize(ref[have].astype(str))
    labels = pd.DataFrame({"by": "repost", "post_id": np.asarray(uniq, dtype=object), "url": None})
    return idx, codes.astype(np.int64), labels


def _url_keys(posts: pd.DataFrame):
    from amplify.ingest.urls import normalize_url, urls_in_text

    if "urls" in posts.columns:
        col = posts["urls"]
        note = None
    elif "text" in posts.columns:
        col = pd.Series([urls_in_text(t) for t in posts["text"].astype(object).where(posts["text"].notna(), "")])
        note = "no urls column (ingested before URLs were kept): the addresses were read from the texts"
    else:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), None, "no urls column and no text: no addresses"
    lengths = np.fromiter((len(v) if isinstance(v, (list, tuple, np.ndarray)) else 0 for v in col),
                          dtype=np.int64, count=len(col))
    flat = [normalize_url(u) for v in col if isinstance(v, (list, tuple, np.ndarray)) for u in v]
    idx = np.repeat(np.arange(len(col), dtype=np.int64), lengths)
    ok = np.fromiter((u is not None for u in flat), dtype=bool, count=len(flat))
    flat = [u for u in flat if u is not None]
    idx = idx[ok]
    codes, uniq = pd.factorize(pd.Series(flat, dtype=object)) if flat else (np.zeros(0, np.int64), [])
    # one post naming one address twice carries it once
    pairs = np.unique(np.c_[idx, np.asarray(codes, np.int64)], axis=0) if len(idx) else np.zeros((0, 2), np.int64)
    labels = pd.DataFrame({"by": "url", "post_id": None, "url": np.asarray(uniq, dtype=object)})
    return pairs[:, 0].astype(np.int64), pairs[:, 1].astype(np.int64), labels, note


def content_keys(frame: Frame, posts: pd.DataFrame, by: str = "text") -> Keys:
    """The content keys of every post under one reading of ``by`` (module documentation).

    Parameters
    ----------
    frame : Frame
        The coded tables; its posts are ``posts``, in the same order.
    posts : DataFrame
        The posts table, for ``reposted_id``, ``urls`` and ``text``.
    by : {"text", "url", "repost", "any"}

    Returns
    -------
    Keys
    """
    if by not in BY_CHOICES:
        raise AnalysisError(f"by must be one of {', '.join(BY_CHOICES)} (got {by!r})")
    parts, notes = [], []
    if by in ("text", "any"):
        parts.append(_family_keys(frame))
    if by in ("url", "any"):
        p, k, lab, note = _url_keys(posts)
        if note:
            notes.append(note)
        if lab is not None:
            parts.append((p, k, lab))
    if by in ("repost", "any"):
        p, k, lab = _repost_keys(frame, posts)
        if lab is None:
            notes.append("no reposted_id column: no reposts")
        else:
            parts.append((p, k, lab))
    post, key, labels, offset = [], [], [], 0
    for p, k, lab in parts:
        post.append(p)
        key.append(k + offset)
        labels.append(lab)
        offset += len(lab)
    if not parts:
        return Keys(np.zeros(0, np.int64), np.zeros(0, np.int64),
                    pd.DataFrame({"by": [], "post_id": [], "url": []}), notes)
    return Keys(np.concatenate(post).astype(np.int64), np.concatenate(key).astype(np.int64),
                pd.concat(labels, ignore_index=True), notes)
