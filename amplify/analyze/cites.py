"""Cites: posts that name an outlet of the outlets table without echoing any of its posts.

Hundreds of headlines say "Chinese FM: ..." or "the Foreign Ministry said":
the seed's signal, yet no post of the ministry need be in the corpus for
detection to match. :func:`find_cites` finds every post that *names* an
outlet -- its handle, display ``name`` or one of its ``aliases``, in any
script (Latin, Cyrillic, Greek, and Chinese, Japanese or Thai written without
spaces) -- and is not already an echo of a post of that outlet. Each such
post is a ``cites`` relation, cited outlet -> citing outlet (the direction
credit travels, like an echo's), counted apart from echoes in graphs
(:func:`amplify.graph.outlet_edges`, column ``cites``), paths, the report and
the exports.

The names are matched by detection's own attribution rule
(:func:`amplify.detect.attribution.attributed`: case-folded code point by
code point, whole words; no word boundary is needed beside a character of a
script written without spaces, so "中国外交部" is found in "据中国外交部消息").
A compiled pre-pass finds, in one scan per text, which outlets' names
*could* occur: each name is indexed by one of its three-character pieces
(the one fewest other names share, so that "The ..." or "Russian ..." do
not crowd one entry), and where a text holds that piece the whole name is
compared as a folded substring; only those (text, outlet) pairs go to the
attribution matcher, which decides. A post that names its own outlet is not a citation.
Names made of words of letters then count only as names (:func:`_cased_words_hold`:
case as written, not inside a hyphenated word, not from a capital in a title-case
headline), since "TIME" or "Metro" is also an everyday word.

Examples
--------
>>> import pandas as pd
>>> posts = pd.DataFrame({"post_id": ["p1", "p2", "p3", "p4"],
...     "outlet": ["tass", "cgtn", "tass", "sputnik"],
...     "published_at": ["2022-01-05", "2022-01-05", "2022-01-06", "2022-01-06"],
...     "text": ["Chinese FM: the United States must stop interfering",
...              "据中国外交部消息，美国必须停止干涉", "TASS reports from Almaty", "Weather in Moscow"]})
>>> outlets = pd.DataFrame({"outlet": ["mfa_china", "tass"], "group": ["CN", "RU"],
...     "name": ["Chinese Foreign Ministry", "TASS"], "aliases": ["Chinese FM|中国外交部", "ТАСС"]})
>>> find_cites(posts, outlets)[["post_id", "outlet", "cited_outlet"]].values.tolist()
[['p1', 'tass', 'mfa_china'], ['p2', 'cgtn', 'mfa_china']]

References
----------
.. [1] Aho, A. V. & Corasick, M. J. (1975). Efficient string matching: an aid
   to bibliographic search. *Communications of the ACM* 18(6), 333--340 (many
   names sought in one pass; here a two-character index in its place).
.. [2] Boumans, J., Trilling, D., Vliegenthart, R. & Boomgaarden, H. (2018).
   The agency makes the (online) news world go round. *International Journal
   of Communication* 12, 1768--1789 (source attribution in news texts).
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
from numba import njit

from amplify.analyze.frame import arrow_strings
from amplify.analyze.tables import post_texts
from amplify.detect.attribution import attributed, outlet_names
from amplify.text import LOWER_CP, decode_utf8, lower_table, text_buffers, text_chunks
from amplify.utc import to_ns

__all__ = ["find_cites", "outlets_named", "without_echoes", "CITE_COLUMNS", "CITES_KIND"]

#: Columns of a cites table.
CITE_COLUMNS = ["post_id", "outlet", "published_at", "cited_outlet"]
#: The name cites go by wherever relations are listed by kind.
CITES_KIND = "cites"

_BUCKETS = 1 << 16


@njit(cache=True, inline="always")
def _bucket(a, b, c):
    return (((a * np.int64(1000003)) ^ b) * np.int64(1000003) ^ c) & np.int64(_BUCKETS - 1)


@njit(cache=True, nogil=True)
def _candidates(data, boff, rows, table, first, starts, name_at, name_off, name_cps, name_owner, n_owners, out_row,
                out_owner, buf):
    """(text, outlet) pairs where a name of the outlet occurs as a folded substring; returns how many.

    ``starts[first[b]:first[b + 1]]`` are the names whose indexed
    three-code-point piece (at ``name_at`` in the name) hashes to bucket
    ``b``; ``out_*`` must have room for every pair found.
    """
    cpmask = np.int64(LOWER_CP)
    seen = np.full(n_owners, -1, dtype=np.int64)
    k = 0
    for r in range(len(rows)):
        p = rows[r]
        m = 0
        j = boff[p]
        while j < boff[p + 1]:
            cp, w = decode_utf8(data, j)
            j += w
            buf[m] = np.int64(table[cp]) & cpmask
            m += 1
        for s in range(m - 2):
            b = _bucket(buf[s], buf[s + 1], buf[s + 2])
            lo, hi = first[b], first[b + 1]
            if lo == hi:
                continue
            for nm in range(lo, hi):
                name = starts[nm]
                owner = name_owner[name]
                if seen[owner] == p:
                    continue
                a, e = name_off[name], name_off[name + 1]
                at = s - name_at[name]
                if at < 0 or at + (e - a) > m:
                    continue
                ok = True
                for q in range(e - a):
                    if buf[at + q] != name_cps[a + q]:
                        ok = False
                        break
                if ok:
                    seen[owner] = p
                    out_row[k] = p
                    out_owner[k] = owner
                    k += 1
    return k


def _piece_bucket(a: int, b: int, c: int) -> int:
    return (((a * 1000003) ^ b) * 1000003 ^ c) & (_BUCKETS - 1)


def _name_index(names_of: dict, owners: list[str]):
    """The names of ``owners`` folded as the matcher folds texts, each indexed by one three-code-point
    piece: the one the fewest names indexed before it use (longest names first)."""
    table = lower_table()
    flat, owner = [], []
    for i, o in enumerate(owners):
        for nm in names_of.get(o) or [o]:
            cps = [int(table[ord(ch)] & LOWER_CP) for ch in nm]
            if len(cps) >= 3:
                flat.append(cps)
                owner.append(i)
    load: dict = {}
    bucket = np.zeros(len(flat), dtype=np.int64)
    at = np.zeros(len(flat), dtype=np.int64)
    for i in sorted(range(len(flat)), key=lambda k: -len(flat[k])):
        x = flat[i]
        pieces = [(load.get(_piece_bucket(x[j], x[j + 1], x[j + 2]), 0), -j, j) for j in range(len(x) - 2)]
        _, _, j = min(pieces)
        bucket[i], at[i] = _piece_bucket(x[j], x[j + 1], x[j + 2]), j
        load[int(bucket[i])] = load.get(int(bucket[i]), 0) + 1
    name_off = np.zeros(len(flat) + 1, dtype=np.int64)
    np.cumsum([len(x) for x in flat], out=name_off[1:])
    name_cps = np.fromiter((c for x in flat for c in x), dtype=np.int64, count=int(name_off[-1]))
    starts = np.argsort(bucket, kind="stable").astype(np.int64)
    first = np.zeros(_BUCKETS + 1, dtype=np.int64)
    np.cumsum(np.bincount(bucket, minlength=_BUCKETS), out=first[1:])
    return table, first, starts, at, name_off, name_cps, np.asarray(owner, dtype=np.int64)


def _candidate_pairs(texts, names_of: dict, owners: list[str], workers: int) -> tuple[np.ndarray, np.ndarray]:
    """(text row, owner index) of every text that holds a name of an owner as a folded substring."""
    chunks, offsets = text_chunks(texts)
    table, first, starts, name_at, name_off, name_cps, name_owner = _name_index(names_of, owners)
    if len(name_owner) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    tasks = []
    for c, chunk in enumerate(chunks):
        edges = np.unique(np.linspace(0, len(chunk), 4 * max(1, workers) + 1).astype(np.int64))
        tasks += [(c, x, y) for x, y in zip(edges[:-1], edges[1:]) if y > x]

    def work(task):
        c, x, y = task
        data, boff = text_buffers(chunks[c])
        rows = np.arange(x, y, dtype=np.int64)
        longest = int((boff[x + 1:y + 1] - boff[x:y]).max(initial=0))
        cap = (y - x) * len(owners)
        cap = min(cap, (y - x) * max(1, min(len(owners), 64)))
        while True:
            out_row, out_owner = np.empty(cap, np.int64), np.empty(cap, np.int64)
            k = _candidates(data, boff, rows, table, first, starts, name_at, name_off, name_cps, name_owner,
                            len(owners), out_row, out_owner, np.empty(longest + 1, np.int64)) if cap else 0
            if k < cap or cap >= (y - x) * len(owners):
                return out_row[:k] + offsets[c], out_owner[:k]
            cap = (y - x) * len(owners)        # every text names many outlets: size for all of them

    with ThreadPoolExecutor(max(1, workers)) as ex:
        parts = list(ex.map(work, tasks))
    if not parts:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def find_cites(posts: pd.DataFrame, outlets: pd.DataFrame | None, links: pd.DataFrame | None = None, *,
               texts=None, post_ids=None, cited=None, workers: int = 2) -> pd.DataFrame:
    """Posts that name an outlet of the outlets table and echo none of its posts.

    Parameters
    ----------
    posts : DataFrame
        ``post_id``, ``outlet``, ``published_at``; ``text`` unless ``texts`` is given.
    outlets : DataFrame
        The outlets table: ``outlet`` and, when there are, ``name`` and
        ``aliases`` (``|``-separated); names shorter than three characters
        are not used (see :func:`amplify.detect.attribution.outlet_names`).
    links : DataFrame, optional
        Canonical links: a post that echoes a post of the named outlet (any
        link, parent or not) is an echo, not a citation.
    texts : DataFrame or Workspace, optional
        Where to read the texts (default: ``posts``).
    post_ids : sequence of str, optional
        Only these posts (paths look at the few posts they pass through).
    cited : sequence of str, optional
        Only citations of these outlets.
    workers : int
        Threads.

    Returns
    -------
    DataFrame
        :data:`CITE_COLUMNS`: the citing post, its outlet and time, and the
        outlet it names; one row per (post, named outlet), in post order.
    """
    empty = pd.DataFrame({"post_id": pd.Series(dtype=object), "outlet": pd.Series(dtype=object),
                          "published_at": pd.Series(dtype="datetime64[ns, UTC]"),
                          "cited_outlet": pd.Series(dtype=object)})
    if outlets is None or not len(outlets) or not len(posts):
        return empty
    names_of = outlet_names(outlets)
    owners = sorted(names_of) if cited is None else sorted({str(c) for c in cited} & set(names_of))
    if not owners:
        return empty
    p = posts
    if post_ids is not None:
        p = p[_among(p["post_id"], post_ids)]
    if not len(p):
        return empty
    if texts is None and "text" in p.columns:
        text_col = p["text"].reset_index(drop=True)
    else:
        ids = p["post_id"].astype(str).to_numpy(dtype=object)
        text_col = post_texts(texts if texts is not None else posts, ids).reindex(ids).fillna("") \
            .reset_index(drop=True)
    own_outlet = p["outlet"].astype(str).to_numpy(dtype=object)
    rows, cand_outlet = outlets_named(text_col, own_outlet, outlets, cited=owners, workers=workers)
    if not len(rows):
        return empty
    out = pd.DataFrame({"post_id": p["post_id"].astype(str).to_numpy(dtype=object)[rows],
                        "outlet": own_outlet[rows],
                        "published_at": pd.to_datetime(to_ns(p["published_at"])[rows], utc=True),
                        "cited_outlet": cand_outlet, "_row": rows})
    if links is not None and len(links) and len(out):
        out = _not_echoes(out, links, posts)
    return out.sort_values(["_row", "cited_outlet"], kind="stable").drop(columns="_row").reset_index(drop=True)


def outlets_named(texts, own_outlets, outlets: pd.DataFrame, *, cited=None, workers: int = 2,
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Which outlets each text names, other than its own: ``(text row, outlet named)`` pairs.

    The array form of :func:`find_cites` (no echo is checked here): ``texts``
    any column of texts, ``own_outlets`` the outlet of each, ``cited`` the
    outlets looked for (default: every outlet of the table).

    >>> import pandas as pd
    >>> outlets = pd.DataFrame({"outlet": ["mfa_china"], "group": ["CN"], "aliases": ["中国外交部"]})
    >>> rows, named = outlets_named(["据中国外交部消息", "no name"], ["tass", "tass"], outlets)
    >>> rows.tolist(), named.tolist()
    ([0], ['mfa_china'])
    """
    names_of = outlet_names(outlets)
    owners = sorted(names_of) if cited is None else sorted({str(c) for c in cited} & set(names_of))
    none = np.zeros(0, np.int64), np.zeros(0, dtype=object)
    if not owners:
        return none
    rows, owner = _candidate_pairs(texts, names_of, owners, workers)
    own = np.asarray(own_outlets, dtype=object)
    cand = np.asarray(owners, dtype=object)[owner]
    keep = cand != own[rows]                                 # naming oneself is no citation
    rows, cand = rows[keep], cand[keep]
    if not len(rows):
        return none
    hit = attributed(cand, texts, outlets, rows=rows, workers=workers)
    rows, cand = rows[hit], cand[hit]
    keep = _cased_words_hold(rows, cand, texts, names_of)
    return rows[keep], cand[keep]


def _is_word_name(name: str) -> bool:
    """Words of letters in a script with case ("TIME", "Metro", "The State"; not "reuters.com", "新华社")."""
    return bool(re.fullmatch(r"[^\W\d_]+(?: [^\W\d_]+)*", name)) and name.lower() != name.upper()


def _cased_words_hold(rows: np.ndarray, cand: np.ndarray, texts, names_of: dict) -> np.ndarray:
    """Per (text row, outlet) found by the case-folded rule: does it hold when one-word names keep their case?

    An outlet called by everyday words is named by every text using them: on
    UCI News "TIME" was cited by "part-time workers" 88 times, "LOOK" by "will
    look like", "Metro" by "metro gas prices" and "Metro-North", "The State"
    by "the state can only". A name made of words of letters counts as
    :func:`_names_it` says (as written; a handle in small letters with some
    capital), whole, outside a hyphenated word. Names with digits or
    punctuation ("reuters.com") or in a script without case ("新华社") keep the
    folded rule that found them.
    """
    keep = np.ones(len(rows), dtype=bool)
    col = pd.Series(texts).reset_index(drop=True) if not isinstance(texts, pd.Series) else texts.reset_index(drop=True)
    found_in = col.iloc[rows].astype(str).tolist()   # the texts of the pairs found, read once
    for outlet in np.unique(cand):
        names = names_of.get(str(outlet), [])
        words = [n for n in names if _is_word_name(n)]
        others = [n for n in names if n not in words]
        if not words or any(not _cased(n) for n in others):
            continue  # a name in a script without case may be the one found: the folded rule stands
        at = np.flatnonzero(cand == outlet)
        # the other names ("state_paper", "reuters.com") hold as the folded rule found them
        other = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in others) + r")(?!\w)",
                           re.IGNORECASE) if others else None
        # whole words, not part of a hyphenated word ("Metro-North"); each match is then judged by its case
        found = re.compile(r"(?<!\w)(?<!\w-)(?:" + "|".join(re.escape(n) for n in words) + r")(?!\w|-\w)",
                           re.IGNORECASE)
        spellings: dict = {}
        for n in words:
            spellings.setdefault(n.casefold(), []).append(n)
        # (the search ignores case as re does: "Poſt" matches "Post" though its lower case is "poſt")
        keep[at] = [(other is not None and bool(other.search(t)))
                    or any(_credited(t, m) or _names_it(m.group(), n, t)
                           for m in found.finditer(t) for n in spellings.get(m.group().casefold(), words))
                    for t in (found_in[i] for i in at)]
    return keep


#: Where a text credits a source: after a dash, bar or guillemet ("... - Tass", "-TASS", "| The Republic"),
#: in brackets ("(Reuters)"), or opening the text before a colon ("Reuters: ...").
_CREDIT_BEFORE = re.compile(r"(?:^|\s)[-\u2013\u2014|\u00ab]\s*$")


def _credited(text: str, m) -> bool:
    """The name found at ``m`` stands where a text credits its source: it names the outlet whatever its case."""
    before, after = text[:m.start()], text[m.end():]
    return bool(_CREDIT_BEFORE.search(before[-3:]) or (before.rstrip().endswith("(") and after.startswith(")"))
                or (not before.strip(" '\"\u201c") and after.startswith(":")))


def _cased(name: str) -> bool:
    """Every letter of ``name`` is in a script with case (Latin, Cyrillic, Greek ...), so ``\\b`` finds its words."""
    return all(c.lower() != c.upper() for c in name if c.isalpha())


def _names_it(seen: str, name: str, text: str) -> bool:
    """Is ``seen`` (``name`` found case-folded in ``text``) the name, judged by its case?

    A name written with capitals counts only as written ("TIME", "Metro"); a
    handle written in small letters ("tass") only with some capital ("TASS",
    "Tass"), since a name is not written all small; a capitalised one-word
    name counts for nothing in a text whose words are nearly all capitalised.
    """
    if (seen.islower() if name.islower() else seen != name):
        return False
    return " " in seen or not (seen[:1].isupper() and not seen.isupper() and _title_case(text))


def _title_case(text: str) -> bool:
    """Most words capitalised ("Elephants Can Tell Human Voices Apart"): a capital there says nothing of a name."""
    words = re.findall(r"[^\W\d_]{4,}", text)
    return len(words) >= 4 and sum(w[0].isupper() for w in words) >= 0.75 * len(words)


def _among(values, wanted) -> np.ndarray:
    """Per value: is it among ``wanted`` (Arrow's hash lookup, not a Python loop over strings)."""
    import pyarrow.compute as pc

    hit = pc.is_in(arrow_strings(values), value_set=arrow_strings(pd.Series(np.asarray(wanted, dtype=object))))
    return hit.to_numpy(zero_copy_only=False).astype(bool)


def without_echoes(cites: pd.DataFrame, links: pd.DataFrame | None, posts: pd.DataFrame) -> pd.DataFrame:
    """``cites`` (a table of :data:`CITE_COLUMNS`, e.g. read from a workspace's stored names) without the
    (post, outlet) pairs where the post echoes a post of the outlet in ``links``."""
    if links is None or not len(links) or not len(cites):
        return cites
    return _not_echoes(cites, links, posts).reset_index(drop=True)


def _not_echoes(cites: pd.DataFrame, links: pd.DataFrame, posts: pd.DataFrame) -> pd.DataFrame:
    """``cites`` without the (post, outlet) pairs where the post echoes a post of the outlet."""
    wanted = _among(links["target_id"], cites["post_id"])
    ls = links[wanted]
    if not len(ls):
        return cites
    outlet_of = posts.set_index(posts["post_id"].astype(str))["outlet"].astype(str)
    src_outlet = outlet_of.reindex(ls["source_id"].astype(str).to_numpy()).to_numpy(dtype=object)
    echoed = set(zip(ls["target_id"].astype(str).to_numpy(dtype=object), src_outlet))
    keep = [(a, b) not in echoed for a, b in zip(cites["post_id"], cites["cited_outlet"])]
    return cites[np.asarray(keep, dtype=bool)]
