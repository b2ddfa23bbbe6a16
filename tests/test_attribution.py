"""Attribution (amplify.detect.attribution) against the rule stated as a regular expression."""

from __future__ import annotations

import re

import regex

import numpy as np
import pandas as pd
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from amplify.detect.attribution import attributed, outlet_names
from amplify.text import NO_SPACE_SCRIPTS

NO_SPACE = regex.compile(f"[{NO_SPACE_SCRIPTS}]")

OUTLETS = pd.DataFrame({
    "outlet": ["tass_agency", "mfa_china", "rt"],
    "name": ["TASS", "中国外交部", "RT"],
    "aliases": ["ТАСС|Russian News Agency", "MFA China|Foreign Ministry", None],
    "group": ["ru", "cn", "ru"],
})
PIECES = ["TASS", "tass", "Tass", "ТАСС", "тасс", "TASSEL", "_", "@", "(", ")", " ", "-", "x", "9", "é", "中国外交部",
          "外交部", "中", "MFA China", "mfa  china", "Foreign Ministry", "foreign ministry", "RT", "rt", "Russian News Agency",
          "tass_agency", "@tass_agency", "mfa_china", ".", "\n", "<b>", "Ж"]


def _edge(outside: str, inside: str) -> bool:
    """Is there a word edge between a name's character and its neighbour?"""
    return not outside.isalnum() or bool(NO_SPACE.match(outside) or NO_SPACE.match(inside))


def reference(outlet: str, text: str) -> bool:
    """The rule, plainly: a name occurs, ignoring case, with a word edge on each side."""
    low = text.lower()
    for name in outlet_names(OUTLETS).get(outlet) or [outlet]:
        name = name.lower()
        for m in re.finditer(re.escape(name), low):
            s, e = m.span()
            if (s == 0 or _edge(low[s - 1], low[s])) and (e == len(low) or _edge(low[e], low[e - 1])):
                return True
    return False


links = st.lists(st.tuples(st.sampled_from(["tass_agency", "mfa_china", "rt", "unknown_outlet"]),
                           st.lists(st.sampled_from(PIECES), max_size=10).map("".join)), min_size=1, max_size=30)


@settings(max_examples=200, deadline=None)
@given(links, st.randoms(use_true_random=False))
def test_matches_the_regular_expression(pairs, rnd):
    sources = [o for o, _ in pairs]
    texts = [t for _, t in pairs]
    want = [reference(o, t) for o, t in pairs]
    assert attributed(sources, texts, OUTLETS).tolist() == want
    # the same texts shuffled into a chunked column, reached through rows
    perm = list(range(len(texts)))
    rnd.shuffle(perm)
    stored = [texts[i] for i in perm]
    cut = rnd.randint(0, len(stored))
    column = pa.chunked_array([pa.array(stored[:cut], pa.string()), pa.array(stored[cut:], pa.string())])
    where = np.argsort(perm)  # text i sits at position where[i]
    assert attributed(sources, column, OUTLETS, rows=where, workers=2).tolist() == want


def test_examples():
    got = attributed(["tass_agency", "tass_agency", "mfa_china", "rt", "rt"],
                     ["Moscow, (ТАСС) - ...", "a TASSEL", "据中国外交部消息", "Start", "via RT."], OUTLETS)
    assert got.tolist() == [True, False, True, False, True]
    # the same rule as a regular expression, for scripts with spaces
    pat = re.compile(r"(?<![^\W_])(?:TASS|ТАСС)(?![^\W_])", re.IGNORECASE)
    texts = ["Moscow, (ТАСС) - ...", "a TASSEL", "TASS9", "_tass_", "é-tass", "xтассx"]
    assert attributed(["tass_agency"] * len(texts), texts, OUTLETS).tolist() == [bool(pat.search(t)) for t in texts]


def test_no_outlets_table_uses_the_handle():
    assert attributed(["globaltimesnews"], ["@GlobalTimesNews reports"], None).tolist() == [True]
    assert attributed(["x"], [None], None).tolist() == [False]


def test_case_is_folded_one_letter_at_a_time():
    outlets = pd.DataFrame({"outlet": ["ert"], "name": ["ΕΡΤ ΝΕΩΣ"], "group": ["gr"]})
    texts = ["ερτ νεως", "Ερτ Νεωσ:", "ερτ νεωςα", "STRASSE"]
    assert attributed(["ert"] * 4, texts, outlets).tolist() == [True, True, False, False]
