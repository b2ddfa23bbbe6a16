"""Attribution: does the echo name its source?

"the Chinese Foreign Ministry said", "according to TASS", "@globaltimesnews
reports": a target is *attributed* when its text names the source's outlet --
its handle, its display ``name`` or one of its ``aliases`` (``|``-separated)
from the outlets table -- or the source post's ``speaker`` ("spokesperson
Hua Chunying said", "Lavrov said": the full name, or its last word when that
is 5 letters or more), so a transcript's spokesperson needs no alias list;
as a whole word or phrase, ignoring case: the
characters on either side of the name are not letters or digits
(``str.isalnum``), so "TASS" is found in "(TASS)" and "@TASS" but not in
"TASSEL". Scripts written without spaces have no such edges: where the name
or its neighbour is Chinese, Japanese or Thai, the edge counts, so
"中国外交部" is found in "据中国外交部消息". Case is ignored by folding both
sides one code point at a time (:func:`amplify.text.lower_table`: "TASS",
"Tass" and "tass" are one name, and so are "ΣΑΣ" and "σας").

One compiled pass over the targets' texts (straight from their Arrow buffers,
on ``workers`` threads) looks for the names of each link's source outlet.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
from numba import njit

from amplify.text import LOWER_ALNUM, LOWER_CP, LOWER_NO_SPACE, decode_utf8, lower_table, text_buffers, text_chunks

__all__ = ["attributed", "outlet_names", "speaker_names"]


def outlet_names(outlets: pd.DataFrame | None) -> dict[str, list[str]]:
    """Names each outlet is cited by: handle, name, aliases (3+ characters)."""
    names: dict[str, list[str]] = {}
    if outlets is None:
        return names
    for row in outlets.itertuples(index=False):
        found = [str(row.outlet)]
        for col in ("name", "aliases"):
            v = getattr(row, col, None)
            if isinstance(v, str) and v.strip():
                found += [x.strip() for x in v.split("|") if x.strip()]
        names[str(row.outlet)] = sorted({x for x in found if len(x) >= 3}, key=len, reverse=True)
    return names


def speaker_names(speaker) -> list[str]:
    """Names a speaker is cited by: the full name and, for a name of two
    words or more, its last word when it has 5 letters or more ("Lavrov")."""
    if not isinstance(speaker, str) or len(speaker.strip()) < 3:
        return []
    name = " ".join(speaker.split())
    words = name.split(" ")
    return [name] + ([words[-1]] if len(words) >= 2 and len(words[-1]) >= 5 else [])


@njit(cache=True, nogil=True)
def _names_in(data, boff, rows, codes, name_of, name_off, name_cps, table, buf, out):
    """``out[i]``: text ``rows[i]`` holds a name of outlet ``codes[i]`` as a whole word.

    Links are sorted by text, so each text is decoded and lower-cased once.
    """
    cpmask = np.uint32(LOWER_CP)
    alnum = np.uint32(LOWER_ALNUM)
    nospace = np.uint32(LOWER_NO_SPACE)
    last = -1
    m = 0
    for i in range(len(rows)):
        p = rows[i]
        if p != last:
            last = p
            m = 0
            j = boff[p]
            while j < boff[p + 1]:
                cp, w = decode_utf8(data, j)
                j += w
                buf[m] = table[cp]
                m += 1
        k = codes[i]
        found = False
        for nm in range(name_of[k], name_of[k + 1]):
            a, b = name_off[nm], name_off[nm + 1]
            n = b - a
            if n == 0:
                continue
            first = name_cps[a]
            for s in range(m - n + 1):
                if (buf[s] & cpmask) != first:
                    continue
                ok = True
                for q in range(1, n):
                    if (buf[s + q] & cpmask) != name_cps[a + q]:
                        ok = False
                        break
                if not ok:
                    continue
                # a letter or digit beside the name makes it part of a longer
                # word -- unless either side is of a script without spaces
                if s > 0 and (buf[s - 1] & alnum) and not ((buf[s - 1] | buf[s]) & nospace):
                    continue
                if s + n < m and (buf[s + n] & alnum) and not ((buf[s + n] | buf[s + n - 1]) & nospace):
                    continue
                found = True
                break
            if found:
                break
        out[i] = found


def attributed(source_outlets, target_texts, outlets: pd.DataFrame | None, *, rows=None,
               workers: int = 2, speakers=None) -> np.ndarray:
    """For each link (source outlet, target text): does the text name the outlet?

    Parameters
    ----------
    source_outlets : sequence of str, one per link
    target_texts : sequence of str, or an Arrow string array (chunked or not)
    outlets : canonical outlets table (names and aliases), optional
    rows : array of int, optional
        Link ``i``'s target is ``target_texts[rows[i]]`` (default: ``i``), so
        texts are neither copied nor repeated.
    workers : int
        Threads.
    speakers : sequence of str, one per link, optional
        The source post's speaker ("" or None where none): naming them
        attributes the link too.

    Examples
    --------
    >>> import pandas as pd
    >>> outlets = pd.DataFrame({"outlet": ["tass_agency"], "name": ["TASS"], "group": ["ru"]})
    >>> attributed(["tass_agency"] * 3, ["Moscow (TASS) - ...", "TASSEL", "via @tass_agency"], outlets).tolist()
    [True, False, True]
    """
    source_outlets = np.asarray(source_outlets, dtype=object)
    out = np.zeros(len(source_outlets), dtype=bool)
    if len(out) == 0:
        return out
    chunks, starts = text_chunks(target_texts)
    rows = np.arange(len(out), dtype=np.int64) if rows is None else np.asarray(rows, dtype=np.int64)
    names = outlet_names(outlets)
    if speakers is None:
        codes, uniques = pd.factorize(source_outlets)
        cited = [names.get(str(o)) or [str(o)] for o in uniques]
    else:
        speakers = np.asarray(speakers, dtype=object)
        speakers = np.where(pd.isna(speakers), "", speakers)
        codes, uniques = pd.factorize(pd.MultiIndex.from_arrays([source_outlets, speakers]))
        cited = [sorted(set(names.get(str(o)) or [str(o)]) | set(speaker_names(sp)), key=len, reverse=True)
                 for o, sp in uniques]
    flat = [x for c in cited for x in c]
    table = lower_table()
    fold = lambda name: [int(table[ord(ch)] & LOWER_CP) for ch in name]  # noqa: E731  (as the kernel folds texts)
    lowered = [fold(x) for x in flat]
    name_of = np.zeros(len(uniques) + 1, dtype=np.int64)
    np.cumsum([len(c) for c in cited], out=name_of[1:])
    name_off = np.zeros(len(flat) + 1, dtype=np.int64)
    np.cumsum([len(x) for x in lowered], out=name_off[1:])
    name_cps = np.fromiter((c for x in lowered for c in x), dtype=np.uint32, count=int(name_off[-1]))

    # links sorted by text: each text is decoded once, and each thread gets a run
    order = np.argsort(rows, kind="stable")
    srows = rows[order]
    chunk_of = np.searchsorted(starts, srows, side="right") - 1
    tasks = []
    for c in range(len(chunks)):
        a, b = np.searchsorted(chunk_of, [c, c + 1])
        edges = np.unique(np.linspace(a, b, 4 * max(1, workers) + 1).astype(np.int64))
        tasks += [(c, x, y) for x, y in zip(edges[:-1], edges[1:]) if y > x]
    res = np.zeros(len(out), dtype=np.bool_)

    def work(task):
        c, x, y = task
        data, boff = text_buffers(chunks[c])
        local = srows[x:y] - starts[c]
        longest = int((boff[local + 1] - boff[local]).max(initial=0))
        _names_in(data, boff, local, codes[order[x:y]], name_of, name_off, name_cps, table,
                  np.empty(longest + 1, np.uint32), res[x:y])

    with ThreadPoolExecutor(max(1, workers)) as ex:
        list(ex.map(work, tasks))
    out[order] = res
    return out
