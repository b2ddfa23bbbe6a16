"""Which outlets each stored post names, found once per workspace and kept beside the posts.

A *citation* (:mod:`amplify.analyze.cites`) is a post that names an outlet of
the outlets table -- handle, name or alias -- without echoing any of its
posts. Finding the names means scanning every text: about 12 s for a million
posts, far more than the route search that uses them. :class:`CitesStore`
scans each posts part once and keeps, per part, the (post, outlet named)
pairs under ``<workspace>/cites/<key>/part-<seq>.parquet``; ``paths``,
``report`` and the network page read them back in a fraction of a second.

What keeps the pairs right
    * Posts are never edited in a workspace and parts are immutable, so a
      part's names never go stale; new parts (an append) are scanned when
      first needed, the old ones reused.
    * The names looked for come from the outlets table (and every outlet's
      handle). ``key`` is a hash of those names and of :data:`RULE_VERSION`:
      when the outlets table changes what an outlet is called, or a post
      names an outlet the table lacked, the key changes and every part is
      scanned again (the folders of other keys are deleted then).
    * Whether a named outlet is also *echoed* by the post depends on the link
      set; that filter is applied when reading (:func:`workspace_cites`), so
      one scan serves every link set.

Files are written atomically (a temporary file, then a rename); two readers
that scan the same part at once write the same bytes. The folder is not in
the manifest: deleting it only costs the scan again.

Examples
--------
>>> import tempfile, pandas as pd
>>> from amplify.workspace import Workspace
>>> ws = Workspace.open(tempfile.mkdtemp() + "/ws", create=True)
>>> with ws.writer():
...     _ = ws.add_posts(pd.DataFrame({"post_id": ["p1", "p2"], "outlet": ["tass", "cgtn"],
...         "published_at": ["2022-01-05T08:00Z"] * 2, "text": ["Chinese FM: stop interfering", "据中国外交部消息"]}))
...     _ = ws.set_outlets(pd.DataFrame({"outlet": ["mfa_china", "tass", "cgtn"], "group": ["CN", "RU", "CN"],
...                                      "aliases": ["Chinese FM|中国外交部", None, None]}))
>>> workspace_cites(ws)[["post_id", "outlet", "cited_outlet"]].values.tolist()
[['p1', 'tass', 'mfa_china'], ['p2', 'cgtn', 'mfa_china']]
>>> CitesStore(ws).scanned_parts()          # computed once; the next call reads the stored part
[1]
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from amplify.io import atomic_write_bytes

__all__ = ["CitesStore", "workspace_cites", "CITES_DIR", "RULE_VERSION"]

#: The folder of the workspace that holds the names found.
CITES_DIR = "cites"
#: Bumped whenever the way names are found changes (so stored pairs are scanned again).
RULE_VERSION = 2  # 2: names of everyday words keep their case (amplify.analyze.cites._cased_words_hold)
_PART = re.compile(r"^part-(\d+)\.parquet$")
#: In-process memory of the last key computed (per workspace snapshot) and of the last pairs read.
_KEYS: dict = {}
_PAIRS: dict = {}


class CitesStore:
    """The (post, outlet named) pairs of one workspace's posts, one file per posts part.

    Parameters
    ----------
    ws : Workspace
    outlets : DataFrame, optional
        The outlets table whose names are looked for (default ``ws.outlets()``,
        every outlet the posts name included).
    """

    def __init__(self, ws, outlets: pd.DataFrame | None = None):
        from amplify.detect.attribution import outlet_names

        self.ws = ws
        snapshot = (str(Path(ws.path).resolve()), int(ws.generation))
        if outlets is None and snapshot in _KEYS:         # one snapshot of a workspace has one outlets table
            self.outlets, self.key = _KEYS[snapshot]
        else:
            self.outlets = outlets if outlets is not None else ws.outlets()
            names = outlet_names(self.outlets)
            # sorted: outlet_names orders names of one length as a set iterates (it varies between processes)
            blob = json.dumps({"rule": RULE_VERSION, "names": {k: sorted(names[k]) for k in sorted(names)}},
                              ensure_ascii=False, sort_keys=True).encode("utf-8")
            self.key = hashlib.sha1(blob).hexdigest()[:16]
            if outlets is None:
                _KEYS.clear()
                _KEYS[snapshot] = (self.outlets, self.key)
        self.root = Path(ws.path) / CITES_DIR
        self.folder = self.root / self.key

    def _file(self, seq: int) -> Path:
        return self.folder / f"part-{int(seq):06d}.parquet"

    def scanned_parts(self) -> list[int]:
        """Ingest sequences of the parts whose names are stored under the current key."""
        if not self.folder.is_dir():
            return []
        return sorted(int(m.group(1)) for p in self.folder.iterdir() if (m := _PART.match(p.name)))

    def _scan(self, part: dict, workers: int) -> pa.Table:
        from amplify.analyze.cites import outlets_named
        from amplify.workspace import parts as parts_mod

        posts = parts_mod.read_posts(self.ws.path, [part], ["post_id", "outlet", "text"])
        texts = posts["text"].fillna("")
        rows, named = outlets_named(texts, posts["outlet"].astype(str).to_numpy(dtype=object), self.outlets,
                                    workers=workers)
        order = np.lexsort((named.astype(str), rows)) if len(rows) else np.zeros(0, np.int64)
        ids = posts["post_id"].astype(str).to_numpy(dtype=object)
        return pa.table({"post_id": pa.array(ids[rows[order]].tolist(), pa.string()),
                         "cited_outlet": pa.array(named[order].astype(str).tolist(), pa.string())})

    def pairs(self, *, workers: int = 2, progress: bool = False) -> pa.Table:
        """Every stored post's (``post_id``, ``cited_outlet``) pairs; parts not scanned yet are scanned now.

        A post naming its own outlet is not listed (naming oneself is no
        citation); echoes are not filtered here (see :func:`workspace_cites`).
        """
        from amplify.progress import bar

        parts = self.ws.manifest["posts"]["parts"]
        have = set(self.scanned_parts())
        todo = [p for p in parts if int(p["seq"]) not in have]
        fresh: dict = {}
        if todo:
            writable = True
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                self._drop_other_keys()
            except OSError:          # a read-only workspace: the names are found, used, and not kept
                writable = False
            for p in bar(todo, total=len(todo), desc="finding outlets named in the texts (once)",
                         enabled=progress, unit="part"):
                fresh[int(p["seq"])] = table = self._scan(p, workers)
                if writable:
                    buf = io.BytesIO()
                    pq.write_table(table, buf)
                    try:
                        atomic_write_bytes(self._file(p["seq"]), buf.getvalue())
                    except OSError:
                        writable = False
        memo = (str(self.folder.resolve()), tuple(int(p["seq"]) for p in parts))
        if not fresh and memo in _PAIRS:                  # read once per process (parts never change)
            return _PAIRS[memo]
        tables = [fresh[int(p["seq"])] if int(p["seq"]) in fresh else pq.read_table(self._file(p["seq"]))
                  for p in parts]
        out = pa.concat_tables(tables) if tables else \
            pa.table({"post_id": pa.array([], pa.string()), "cited_outlet": pa.array([], pa.string())})
        _PAIRS.clear()
        _PAIRS[memo] = out
        return out

    def _drop_other_keys(self) -> None:
        """Names stored under another key answer another outlets table: remove them (best effort)."""
        if not self.root.is_dir():
            return
        for d in self.root.iterdir():
            if d.is_dir() and d.name != self.key:
                shutil.rmtree(d, ignore_errors=True)


def workspace_cites(ws, outlets: pd.DataFrame | None = None, links: pd.DataFrame | None = None, *,
                    posts: pd.DataFrame | None = None, cited=None, workers: int = 2,
                    progress: bool = False) -> pd.DataFrame:
    """:func:`amplify.analyze.cites.find_cites` of a workspace, from the stored names.

    Parameters
    ----------
    ws : Workspace
    outlets : DataFrame, optional
        Only citations of these outlets (default: every outlet of ``ws.outlets()``).
    links : DataFrame, optional
        Canonical links: a post that echoes a post of the outlet it names is
        an echo, not a citation.
    posts : DataFrame, optional
        Only these posts (``post_id``, ``outlet``, ``published_at``; default:
        every stored post).
    cited : sequence of str, optional
        Only citations of these outlets.

    Returns
    -------
    DataFrame
        :data:`amplify.analyze.cites.CITE_COLUMNS`, in the posts' canonical order.
    """
    import pyarrow.compute as pc

    from amplify.analyze.cites import CITE_COLUMNS, without_echoes

    t = CitesStore(ws).pairs(workers=workers, progress=progress)
    wanted = None
    if outlets is not None:
        wanted = set(outlets["outlet"].astype(str))
    if cited is not None:
        wanted = {str(c) for c in cited} & wanted if wanted is not None else {str(c) for c in cited}
    if wanted is not None:
        t = t.filter(pc.is_in(t.column("cited_outlet"), value_set=pa.array(sorted(wanted), pa.string())))
    p = posts if posts is not None else ws.posts(columns=["post_id", "outlet", "published_at"],
                                                 ids=t.column("post_id").to_pylist() if t.num_rows else [])
    ids = pa.array(p["post_id"].astype(str).tolist(), pa.string())
    at = pc.index_in(t.column("post_id"), value_set=ids).to_numpy(zero_copy_only=False)
    keep = ~pd.isna(at)
    row = at[keep].astype(np.int64)
    out = pd.DataFrame({"post_id": p["post_id"].astype(str).to_numpy(dtype=object)[row],
                        "outlet": p["outlet"].astype(str).to_numpy(dtype=object)[row],
                        "published_at": pd.to_datetime(p["published_at"].to_numpy()[row], utc=True),
                        "cited_outlet": np.asarray(t.column("cited_outlet").to_pylist(), dtype=object)[keep],
                        "_row": row})
    out = out.sort_values(["_row", "cited_outlet"], kind="stable").drop(columns="_row").reset_index(drop=True)
    if links is not None and len(links) and len(out):
        out = without_echoes(out, links, p if posts is not None else ws.posts(columns=["post_id", "outlet"]))
    return out[CITE_COLUMNS].reset_index(drop=True)
