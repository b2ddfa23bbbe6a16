"""Outlet kinds: keep only the outlets of some kinds (state media, ministries ...) for an analysis.

The outlets table may say what each outlet is (``kind``: ``state_media``,
``ministry``, ``diplomat`` ...). :func:`select_outlet_kinds` restricts the
three tables to the outlets of the kinds asked for -- their posts, and the
links whose two posts both belong to them -- so that bridges, paths and the
graph pages answer "among state media and ministries, who carries whom?".
Outlets the table does not list have no kind and are left out.

On the command line ``--kind`` takes both link kinds (``quote``, ``verbatim``
...: :data:`amplify.schema.LINK_KINDS`, as it always has) and outlet kinds;
:func:`split_kinds` tells them apart by name.

Examples
--------
>>> import pandas as pd
>>> posts = pd.DataFrame({"post_id": ["a", "b", "c"], "outlet": ["mfa", "tass", "blog"],
...                       "published_at": ["2022-01-05"] * 3})
>>> outlets = pd.DataFrame({"outlet": ["mfa", "tass", "blog"], "group": ["CN", "RU", "RU"],
...                         "kind": ["ministry", "state_media", "independent"]})
>>> links = pd.DataFrame({"source_id": ["a", "a"], "target_id": ["b", "c"]})
>>> l2, p2, o2 = select_outlet_kinds(links, posts, outlets, ["state_media", "ministry"])
>>> p2["post_id"].tolist(), l2["target_id"].tolist(), o2["outlet"].tolist()
(['a', 'b'], ['b'], ['mfa', 'tass'])
>>> split_kinds(["quote,state_media", "ministry"])
(['quote'], ['state_media', 'ministry'])
"""

from __future__ import annotations

import difflib

import pandas as pd

from amplify.analyze.errors import AnalysisError
from amplify.schema import LINK_KINDS

__all__ = ["split_kinds", "select_outlet_kinds", "outlet_kinds", "UnknownKindError"]


class UnknownKindError(AnalysisError):
    """A ``--kind`` value is neither a link kind nor an outlet kind of the outlets table."""


def split_kinds(values) -> tuple[list[str], list[str]]:
    """``--kind`` values (repeated or comma-separated) as (link kinds, outlet kinds).

    A value that names a link kind (:data:`amplify.schema.LINK_KINDS`) is a
    link kind; any other is an outlet kind, checked later against the
    outlets table (:func:`select_outlet_kinds`).
    """
    link, outlet = [], []
    for v in values or ():
        for k in str(v).split(","):
            k = k.strip()
            if k:
                (link if k in LINK_KINDS else outlet).append(k)
    return link, outlet


def outlet_kinds(outlets: pd.DataFrame | None) -> list[str]:
    """The outlet kinds of an outlets table, sorted (empty when it has no ``kind`` column)."""
    if outlets is None or "kind" not in outlets.columns:
        return []
    return sorted({str(k) for k in outlets["kind"].dropna().tolist() if str(k).strip()})


def select_outlet_kinds(links: pd.DataFrame, posts: pd.DataFrame, outlets: pd.DataFrame | None, kinds,
                        ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The three tables restricted to the outlets of ``kinds`` (see the module documentation).

    Parameters
    ----------
    links, posts, outlets : DataFrame
        Canonical tables; ``outlets`` needs a ``kind`` column.
    kinds : list of str
        Outlet kinds, matched ignoring case.

    Returns
    -------
    links, posts, outlets : DataFrame
        The links whose source and target are both kept, their posts, their outlets.

    Raises
    ------
    UnknownKindError
        The outlets table has no kinds, or a kind is not among them (the
        message lists the kinds there are); an :class:`AnalysisError`.
    """
    known = outlet_kinds(outlets)
    if not known:
        raise UnknownKindError(f"unknown kind(s) {list(kinds)}: the outlets table gives no outlet kinds (column "
                               f"'kind'), and link kinds are {', '.join(LINK_KINDS)}")
    folded = {k.casefold(): k for k in known}
    wanted = []
    for k in kinds:
        if k.casefold() not in folded:
            close = difflib.get_close_matches(k, known, n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise UnknownKindError(f"unknown kind {k!r}: neither a link kind ({', '.join(LINK_KINDS)}) nor an "
                                   f"outlet kind of the outlets table ({', '.join(known)}){hint}")
        wanted.append(folded[k.casefold()])
    kind = outlets["kind"].astype(object)
    keep_outlets = outlets[kind.isin(wanted).to_numpy()]
    names = set(keep_outlets["outlet"].astype(str))
    keep_posts = posts[posts["outlet"].astype(str).isin(names).to_numpy()]
    ids = keep_posts["post_id"].astype(str)
    if len(links):
        both = links["source_id"].astype(str).isin(ids).to_numpy() & links["target_id"].astype(str).isin(ids).to_numpy()
        links = links[both]
    return links, keep_posts, keep_outlets.reset_index(drop=True)
