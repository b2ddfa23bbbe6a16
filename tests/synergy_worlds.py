"""Seeded worlds for the synergy tests, shaped like the corpora of issue #11.

``seed_world`` is the Kazakhstan case at the seed's scale: 15 outlets in 4
camps (ministries, state media, diplomats), three weeks of January 2022, every
cross-camp echo RU <-> CN (65 one way, 46 the other, concentrated on a few
outlet pairs as in real data), echoes inside every camp, none between any
other camps. ``unrelated_outlets`` is a crowd of outlets of another year, in
the same camps, echoing each other at random. Every figure the tests check is
computed from these tables, nothing is typed in.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from amplify import schema

#: (outlet, camp, kind, originals per day) of the seed world.
SEED_OUTLETS = (
    ("mid_ru", "RU", "ministry", 3), ("tass", "RU", "state_media", 8), ("ria", "RU", "state_media", 7),
    ("rusemb_kz", "RU", "diplomat", 2),
    ("mfa_china", "CN", "ministry", 3), ("xinhua", "CN", "state_media", 8), ("cgtn", "CN", "state_media", 7),
    ("chinaemb_kz", "CN", "diplomat", 2),
    ("mfa_kz", "KZ", "ministry", 3), ("kazinform", "KZ", "state_media", 8), ("khabar", "KZ", "state_media", 7),
    ("akorda", "KZ", "ministry", 2),
    ("usemb_kz", "WEST", "diplomat", 2), ("state_dept", "WEST", "ministry", 3), ("reuters", "WEST", "state_media", 8),
)
#: Echoes per (source camp, target camp): the cross-camp ones of the issue, and some inside every camp.
SEED_ECHOES = {("RU", "CN"): 65, ("CN", "RU"): 46, ("RU", "RU"): 45, ("CN", "CN"): 45, ("KZ", "KZ"): 45,
               ("WEST", "WEST"): 30}
#: Who echoes whom across RU and CN: a few outlet pairs carry most of it.
CROSS_SOURCE_WEIGHT = {"tass": 6, "mid_ru": 3, "ria": 1, "rusemb_kz": 1, "mfa_china": 5, "xinhua": 3, "cgtn": 1,
                       "chinaemb_kz": 1}
SEED_START = pd.Timestamp("2022-01-02T00:00:00Z")
SEED_DAYS = 19
WINDOW = "7D"


def links_table(rows, times: pd.Series) -> pd.DataFrame:
    """Canonical links from (source_id, target_id, is_parent, tie) with the lag from the posts' times."""
    src = [r[0] for r in rows]
    tgt = [r[1] for r in rows]
    lag = (times.loc[tgt].to_numpy() - times.loc[src].to_numpy()) / np.timedelta64(1, "s") if rows else []
    return schema.validate_links(pd.DataFrame({
        "source_id": src, "target_id": tgt, "kind": ["quote"] * len(rows), "score": [92.0] * len(rows),
        "source_start": 0, "source_end": 10, "target_start": 0, "target_end": 10, "lag_s": np.asarray(lag, float),
        "attributed": False, "is_parent": [bool(r[2]) for r in rows], "tie": [bool(r[3]) for r in rows],
    }))


def posts_table(ids, outlets, times) -> pd.DataFrame:
    return schema.validate_posts(pd.DataFrame({"post_id": ids, "outlet": outlets, "published_at": times,
                                               "text": [f"text of {i}" for i in ids]}))


def build_world(outlet_rows, echoes, *, start, days, seed, prefix="", lag_median_s=3 * 3600.0,
                source_weight=None):
    """Posts, links and outlets of a world: originals at random times, then echoes as new posts with a parent link.

    ``echoes`` maps (source camp, target camp) to a count; each echo's source is
    an original of the source camp (weighted by ``source_weight`` per outlet),
    its target outlet one of the target camp other than the source's.
    """
    rng = np.random.default_rng(seed)
    names = [o[0] for o in outlet_rows]
    camp = {o[0]: o[1] for o in outlet_rows}
    ids, outs, times = [], [], []
    span_s = days * 86_400
    for name, _, _, rate in outlet_rows:
        n = max(1, rng.poisson(rate * days))
        secs = np.sort(rng.integers(0, span_s, n))
        for s in secs:
            ids.append(f"{prefix}{name}-{len(ids)}")
            outs.append(name)
            times.append(start + pd.Timedelta(seconds=int(s)))
    originals = pd.DataFrame({"id": ids, "outlet": outs, "t": times})
    weight = source_weight or {}
    links = []
    for (sc, tc), count in echoes.items():
        pool = originals[[camp[o] == sc for o in originals["outlet"]]]
        w = np.array([weight.get(o, 1.0) for o in pool["outlet"]], float)
        targets = [n for n in names if camp[n] == tc]
        tw = np.array([weight.get(n, 1.0) for n in targets], float)
        for _ in range(count):
            src = pool.iloc[rng.choice(len(pool), p=w / w.sum())]
            choices = [i for i, n in enumerate(targets) if n != src["outlet"]]
            p = tw[choices] / tw[choices].sum()
            tgt_outlet = targets[choices[rng.choice(len(choices), p=p)]]
            lag = float(np.clip(rng.lognormal(np.log(lag_median_s), 1.2), 60, 5 * 86_400))
            ids.append(f"{prefix}{tgt_outlet}-{len(ids)}")
            outs.append(tgt_outlet)
            times.append(src["t"] + pd.Timedelta(seconds=int(lag)))
            links.append((src["id"], ids[-1], True, False))
    posts = posts_table(ids, outs, times)
    links = links_table(links, posts.set_index("post_id")["published_at"])
    outlets = pd.DataFrame({"outlet": names, "group": [o[1] for o in outlet_rows], "kind": [o[2] for o in outlet_rows]})
    return posts, links, outlets


def seed_world(seed: int):
    """The 15-outlet world of the issue (see the module documentation)."""
    return build_world(SEED_OUTLETS, SEED_ECHOES, start=SEED_START, days=SEED_DAYS, seed=seed,
                       source_weight=CROSS_SOURCE_WEIGHT)


def unrelated_outlets(seed: int, n: int = 500, year: int = 2019):
    """``n`` outlets of ``year`` in the seed world's camps, a few posts each, echoing each other at random."""
    rng = np.random.default_rng(10_000 + seed)
    camps = ["RU", "CN", "KZ", "WEST"]
    rows = [(f"old{i:03d}", camps[i % 4], "state_media", 0.2) for i in range(n)]
    echoes = {(a, b): int(rng.integers(20, 40)) for a in camps for b in camps}
    return build_world(rows, echoes, start=pd.Timestamp(f"{year}-03-01T00:00:00Z"), days=40, seed=seed,
                       prefix=f"y{year}-")


def combine(*worlds):
    """One workspace's tables from several worlds."""
    return tuple(pd.concat(parts, ignore_index=True) for parts in zip(*worlds))
