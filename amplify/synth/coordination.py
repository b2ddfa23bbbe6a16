"""Planted coordination: groups of accounts that post one item within seconds, again and again.

:func:`plant_coordination` adds two kinds of accounts to a generated corpus,
the ground truth of :func:`amplify.analyze.coordination.coordination`:

* **coordinated groups** of 3--5 accounts: for each of their 8--14 items (a
  text with a link), one member posts it and the others copy it word for
  word within 1--40 seconds (each member takes part in an item with
  probability 0.9). Every pair of members of a group is a planted pair.
* **busy accounts**, uncoordinated: each posts most of the
  :data:`VIRAL_ITEMS` viral items (the same text as everyone else), each at
  its own time within :data:`BUSY_SPREAD_S` (two hours) of the item's
  release. Two of them meet within a minute now and then by chance -- often
  three times or more -- and must not be flagged.

Everything is drawn from its own random stream (``[seed, STREAM]``) after the
rest of the corpus, so the corpus without planted coordination is the same as
ever, and planting it changes no other post. Post ids are ``c0000001`` ...
in time order among the planted posts; the accounts are ``coord<g>_<i>`` and
``busy_<i>``, in the camps of the corpus.

Examples
--------
>>> from amplify.synth import generate
>>> c = generate(n_posts=500, seed=2, coordinated_groups=2)
>>> sorted(c.truth["coordination"])
['busy', 'groups', 'pairs', 'posts']
>>> len(c.truth["coordination"]["groups"]), bool(c.posts["post_id"].str.startswith("c").sum() > 100)
(2, True)
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd
import pyarrow as pa

from amplify import schema
from amplify.synth.corpus import Corpus, GenerationParams
from amplify.synth.vocab_en import ADJS, NOUNS

__all__ = ["plant_coordination", "STREAM", "VIRAL_ITEMS", "BUSY_ACCOUNTS", "BUSY_SPREAD_S"]

#: The random stream of the planted coordination (beside the seed).
STREAM = 0xC0
#: Viral items the busy accounts post.
VIRAL_ITEMS = 150
#: Busy, uncoordinated accounts.
BUSY_ACCOUNTS = 12
#: A busy account posts a viral item at a uniform time within this many seconds after its release.
BUSY_SPREAD_S = 7200
#: Share of the viral items each busy account posts.
BUSY_SHARE = 0.8
GROUP_SIZES = (3, 5)
GROUP_ITEMS = (8, 14)
#: The others copy an item within this many seconds of the first.
GROUP_DELAY_S = (1, 40)
GROUP_PARTICIPATION = 0.9
_WORDS = sorted({w.strip("*").strip() for part in (NOUNS + ";" + ADJS).split(";") for w in part.split("|")
                 if w.strip("*").strip().isalpha()})


def _sentence(rng, tag: str) -> str:
    words = rng.choice(_WORDS, size=18, replace=True)
    return f"{' '.join(words).capitalize()} {int(rng.integers(1000, 99999))}. https://{tag}?utm_source=tw"


def plant_coordination(corpus: Corpus, params: GenerationParams, groups: int) -> Corpus:
    """``corpus`` with ``groups`` coordinated groups and :data:`BUSY_ACCOUNTS` busy accounts added.

    The truth gains ``coordination``: ``groups`` (the accounts of each),
    ``pairs`` (every planted pair, names sorted), ``busy`` (the busy
    accounts) and ``posts`` (planted posts).
    """
    rng = np.random.default_rng([params.seed, STREAM])
    period = params.days * 86_400
    camps = sorted(set(corpus.outlets["group"].astype(str)) - {schema.UNKNOWN_GROUP}) or ["X"]
    acct, t, text, new_outlets, member_groups = [], [], [], [], []
    for g in range(int(groups)):
        size = int(rng.integers(GROUP_SIZES[0], GROUP_SIZES[1] + 1))
        members = [f"coord{g + 1}_{i + 1}" for i in range(size)]
        camp = camps[int(rng.integers(len(camps)))]
        new_outlets += [(m, camp) for m in members]
        member_groups.append(members)
        for item in range(int(rng.integers(GROUP_ITEMS[0], GROUP_ITEMS[1] + 1))):
            body = _sentence(rng, f"group{g + 1}.example/item/{item + 1}")
            t0 = int(rng.integers(0, period - 3600))
            lead = int(rng.integers(size))
            for i, m in enumerate(members):
                if i != lead and rng.random() > GROUP_PARTICIPATION:
                    continue
                acct.append(m)
                t.append(t0 if i == lead else t0 + int(rng.integers(GROUP_DELAY_S[0], GROUP_DELAY_S[1] + 1)))
                text.append(body)
    busy = [f"busy_{i + 1}" for i in range(BUSY_ACCOUNTS)]
    new_outlets += [(b, camps[int(rng.integers(len(camps)))]) for b in busy]
    for v in range(VIRAL_ITEMS):
        body = _sentence(rng, f"viral.example/story/{v + 1}")
        t0 = int(rng.integers(0, period - BUSY_SPREAD_S - 1))
        for b in busy:
            if rng.random() < BUSY_SHARE:
                acct.append(b)
                t.append(t0 + int(rng.integers(0, BUSY_SPREAD_S)))
                text.append(body)
    t_arr = np.asarray(t, np.int64)
    order = np.lexsort((np.arange(len(t_arr)), t_arr))
    width = max(7, len(str(len(order))))
    ids = [f"c{j + 1:0{width}d}" for j in range(len(order))]
    acct_o = np.asarray(acct, dtype=object)[order]

    def strings(values):
        return pd.arrays.ArrowStringArray(pa.array(list(values), pa.string(), from_pandas=True))

    new = pd.DataFrame({
        "post_id": strings(ids), "outlet": strings(acct_o),
        "published_at": pd.DatetimeIndex(((t_arr[order] + params.start_epoch) * 10**9).astype("datetime64[ns]"))
        .tz_localize("UTC"),
        "text": strings(np.asarray(text, dtype=object)[order]),
        "url": strings([f"https://{a}.example/{i}" for a, i in zip(acct_o, ids)]),
        "lang": strings(["en"] * len(ids)),
        "reposted_id": strings([None] * len(ids)), "quoted_id": strings([None] * len(ids))})
    base = corpus.posts
    posts = pd.concat([base, new[[c for c in new.columns if c in base.columns]]], ignore_index=True)
    posts = posts.iloc[np.lexsort((np.arange(len(posts)), posts["published_at"].to_numpy()))]
    posts = schema.validate_posts(posts.reset_index(drop=True))
    extra = pd.DataFrame(new_outlets, columns=["outlet", "group"]).assign(kind="account")
    extra["name"] = extra["outlet"]
    outlets = schema.validate_outlets(pd.concat([corpus.outlets, extra], ignore_index=True))
    truth = dict(corpus.truth)
    truth["coordination"] = {
        "groups": member_groups,
        "pairs": [list(p) for ms in member_groups for p in combinations(sorted(ms), 2)],
        "busy": busy, "posts": int(len(ids))}
    return Corpus(posts=posts, outlets=outlets, truth_links=corpus.truth_links, truth=truth,
                  negatives=corpus.negatives, spans=corpus.spans)
