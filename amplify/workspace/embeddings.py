"""Sentence embeddings kept beside the posts, so that each post is embedded once per encoder.

The semantic stage of detection (:mod:`amplify.detect.semantic`) cuts each post
into units and embeds them; that is most of its cost. :class:`EmbeddingStore`
keeps, per post id and per encoder key (the encoder's name and the way texts
are cut, e.g. ``use-m3.u1``), the post's identified language, its units'
character spans and their vectors (float16), under
``<workspace>/embeddings/<key>/part-<n>.npz``: one part per run that embedded
something new, written atomically. A second ``detect``, and incremental
detection after an append, read them back instead of embedding again.

Posts are never edited in a workspace (ids are unique and texts stay as
ingested), so an id's vectors never go stale. The folder is not in the
manifest: deleting it only costs the embedding time again.

Examples
--------
>>> import tempfile, numpy as np
>>> store = EmbeddingStore(tempfile.mkdtemp())
>>> store.save("toy.u1", np.array(["p1"], dtype=object), lang=np.array(["en"], dtype=object),
...            post=np.array([0]), start=np.array([0]), end=np.array([5]), vectors=np.ones((1, 4)) / 2)
>>> got = store.load("toy.u1", np.array(["p0", "p1"], dtype=object))
>>> got["have"].tolist(), got["lang"].tolist(), got["post"].tolist(), got["vectors"].shape
([False, True], [None, 'en'], [1], (1, 4))
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from amplify.io import atomic_write_bytes

__all__ = ["EmbeddingStore", "EMBEDDINGS_DIR", "posts_with_languages"]

#: The folder of the workspace that holds the embeddings.
EMBEDDINGS_DIR = "embeddings"
_PART = re.compile(r"part-(\d+)\.npz$")
_KEY = re.compile(r"^[A-Za-z0-9_.\-]+$")


class EmbeddingStore:
    """Per-post embeddings of one workspace (or any folder), by encoder key.

    Parameters
    ----------
    root : path
        The workspace folder (``Workspace.path``); the store lives in its
        ``embeddings/`` folder.
    """

    def __init__(self, root):
        self.root = Path(root) / EMBEDDINGS_DIR

    def _dir(self, key: str) -> Path:
        if not _KEY.match(key):
            raise ValueError(f"encoder key {key!r} may hold only letters, digits, '.', '_' and '-'")
        return self.root / key

    def _parts(self, key: str) -> list[Path]:
        d = self._dir(key)
        if not d.is_dir():
            return []
        found = [(int(m.group(1)), p) for p in d.iterdir() if (m := _PART.match(p.name))]
        return [p for _, p in sorted(found)]

    def _read(self, key: str) -> dict | None:
        parts = []
        for p in self._parts(key):
            with np.load(p, allow_pickle=False) as z:
                parts.append({k: z[k] for k in z.files})
        if not parts:
            return None
        offsets = np.cumsum([0] + [len(x["ids"]) for x in parts[:-1]])
        return {"ids": np.concatenate([x["ids"].astype(object) for x in parts]),
                "lang": np.concatenate([x["lang"].astype(object) for x in parts]),
                "post": np.concatenate([x["post"] + o for x, o in zip(parts, offsets)]),
                "start": np.concatenate([x["start"] for x in parts]),
                "end": np.concatenate([x["end"] for x in parts]),
                "vectors": np.concatenate([x["vectors"] for x in parts])}

    def load(self, key: str, ids) -> dict:
        """What the store holds of ``ids``: a dict of ``have`` (bool per id), ``lang``
        (per id; None where missing), and the units of the held posts, sorted by post and
        start: ``post`` (positions in ``ids``), ``start``, ``end``, ``vectors`` (float32)."""
        ids = np.asarray(ids, dtype=object)
        data = self._read(key)
        if data is None:
            empty = np.zeros(0, np.int64)
            return {"have": np.zeros(len(ids), dtype=bool), "lang": np.full(len(ids), None, dtype=object),
                    "post": empty, "start": empty, "end": empty, "vectors": np.zeros((0, 0), dtype=np.float32)}
        stored = pd.Index(data["ids"])
        if stored.has_duplicates:  # two runs raced on one post: either copy is the same
            data = _subset(data, ~stored.duplicated())
            stored = pd.Index(data["ids"])
        where = stored.get_indexer(pd.Index(ids))
        have = where >= 0
        lang = np.full(len(ids), None, dtype=object)
        lang[have] = data["lang"][where[have]]
        # units of the wanted posts, renumbered to positions in ids
        pos_of = np.full(len(stored), -1, dtype=np.int64)
        pos_of[where[have]] = np.flatnonzero(have)
        new_post = pos_of[data["post"]]
        sel = np.flatnonzero(new_post >= 0)
        order = sel[np.lexsort((data["start"][sel], new_post[sel]))]
        return {"have": have, "lang": lang, "post": new_post[order], "start": data["start"][order].astype(np.int64),
                "end": data["end"][order].astype(np.int64), "vectors": data["vectors"][order].astype(np.float32)}

    def save(self, key: str, ids, *, lang, post, start, end, vectors) -> None:
        """Add the posts ``ids`` (their ``lang``) and their units (``post`` numbering ``ids``,
        character ``start`` and ``end``, ``vectors``) as a new part."""
        d = self._dir(key)
        d.mkdir(parents=True, exist_ok=True)
        parts = self._parts(key)
        n = int(_PART.match(parts[-1].name).group(1)) + 1 if parts else 0
        buf = io.BytesIO()
        np.savez(buf, ids=np.asarray(ids, dtype=str), lang=np.asarray(lang, dtype=str),
                 post=np.asarray(post, dtype=np.int64), start=np.asarray(start, dtype=np.int64),
                 end=np.asarray(end, dtype=np.int64), vectors=np.asarray(vectors, dtype=np.float16))
        atomic_write_bytes(d / f"part-{n:06d}.npz", buf.getvalue())

    def languages(self, key: str) -> pd.DataFrame:
        """Every stored post's identified language: columns ``post_id``, ``lang_detected``."""
        data = self._read(key)
        if data is None:
            return pd.DataFrame({"post_id": pd.Series(dtype="string"), "lang_detected": pd.Series(dtype="string")})
        return pd.DataFrame({"post_id": data["ids"], "lang_detected": data["lang"]}).astype("string")


    def known_languages(self) -> pd.Series:
        """The identified language of every post embedded under any encoder key: a ``string``
        Series indexed by post id (reads only the ids and languages, never the vectors).

        Language identification does not depend on the encoder; where keys disagree (a newer
        way of telling), the most recently written part wins.
        """
        found = []
        if self.root.is_dir():
            for d in self.root.iterdir():
                if not (d.is_dir() and _KEY.match(d.name)):
                    continue
                for p in self._parts(d.name):
                    with np.load(p, allow_pickle=False) as z:
                        found.append((p.stat().st_mtime_ns, z["ids"].astype(object), z["lang"].astype(object)))
        if not found:
            return pd.Series(dtype="string", name="lang_detected")
        found.sort(key=lambda x: x[0])
        s = pd.Series(np.concatenate([x[2] for x in found]), index=np.concatenate([x[1] for x in found]),
                      dtype="string", name="lang_detected")
        return s[~s.index.duplicated(keep="last")]


def posts_with_languages(root, part_records: list, columns, since_seq, ids, **filters) -> pd.DataFrame:
    """:func:`amplify.workspace.parts.read_posts`, with ``lang_detected`` filled from the stored
    embeddings where a post has none stored: the semantic stage identifies every post's language,
    so once it has run the column shows by default (and whenever it is asked for). ``filters``
    (``outlets``, ``since``, ``until``) go to ``read_posts``."""
    from amplify.workspace import parts

    root = Path(root)
    want = None if columns is None else list(dict.fromkeys([columns] if isinstance(columns, str) else columns))
    if not (root / EMBEDDINGS_DIR).is_dir() or (want is not None and "lang_detected" not in want):
        return parts.read_posts(root, part_records, columns, since_seq, ids, **filters)
    if want is None:
        stored = parts.post_columns(part_records)
        want = list(dict.fromkeys((stored or ["post_id", "outlet", "published_at", "text"]) + ["lang_detected"]))
    df = parts.read_posts(root, part_records, list(dict.fromkeys(want + ["post_id"])), since_seq, ids, **filters)
    known = EmbeddingStore(root).known_languages()
    if len(known):
        df["lang_detected"] = df["lang_detected"].fillna(df["post_id"].map(known)).astype("string")
    return df[want]


def _subset(data: dict, keep: np.ndarray) -> dict:
    """The stored posts ``keep`` (a mask over them) and their units."""
    new_index = np.cumsum(keep) - 1
    unit_keep = keep[data["post"]]
    return {"ids": data["ids"][keep], "lang": data["lang"][keep], "post": new_index[data["post"][unit_keep]],
            "start": data["start"][unit_keep], "end": data["end"][unit_keep],
            "vectors": data["vectors"][unit_keep]}
