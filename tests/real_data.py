"""The real development data in ../shared/data, for the tests that read it (skipped when absent).

The benchmarks load it (``benchmarks/real_quality.py``); these helpers point
``AMPLIFY_SHARED_DATA`` at the nearest ``shared/data`` above the tests when it
is unset (a worktree sits one folder deeper than the main checkout) and skip
the calling test with a message naming what is missing.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pandas as pd
import pytest

_TESTS = Path(__file__).resolve().parent


def real_quality():
    """The ``benchmarks/real_quality.py`` module, with ``AMPLIFY_SHARED_DATA`` set when it can be found."""
    if "AMPLIFY_SHARED_DATA" not in os.environ:
        for parent in _TESTS.parents:
            if (parent / "shared" / "data").is_dir():
                os.environ["AMPLIFY_SHARED_DATA"] = str(parent / "shared" / "data")
                break
    sys.path.insert(0, str(_TESTS.parent / "benchmarks"))
    import real_quality as module
    return module


def uci_posts() -> pd.DataFrame:
    """The UCI News Aggregator headlines as ``real_quality`` builds them (``story`` included), or skip."""
    posts = real_quality().uci_posts()
    if posts is None:
        pytest.skip("real data absent: UCI News Aggregator subset (see ../shared/data/README.md)")
    return posts
