"""Posts of one outlet each, ten minutes apart, and the kind of the link between two of them:
what the tests of a detection rule build their pairs from."""

from __future__ import annotations

import pandas as pd

T0 = pd.Timestamp("2014-03-10", tz="UTC")


def posts_of(*texts: str) -> pd.DataFrame:
    """Post ``p{i}`` of outlet ``o{i}`` says ``texts[i]``, ``10 * i`` minutes after :data:`T0`."""
    return pd.DataFrame({"post_id": [f"p{i}" for i in range(len(texts))],
                         "outlet": [f"o{i}" for i in range(len(texts))],
                         "published_at": [T0 + pd.Timedelta(minutes=10 * i) for i in range(len(texts))],
                         "text": list(texts)})


def kind_of(links: pd.DataFrame, a: str = "p0", b: str = "p1") -> str:
    """The kind of the link ``a`` -> ``b``, or ``""`` when there is none."""
    hit = links[(links["source_id"] == a) & (links["target_id"] == b)]
    return hit["kind"].iloc[0] if len(hit) else ""
