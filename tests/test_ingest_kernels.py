"""Compiled helpers of the CSV reader, against plain Python statements of what they compute."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from amplify.ingest.blank import space_flags
from amplify.ingest.csv_fast import scan_records_once

SPACES = [" ", "\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x85", "\xa0", "\u1680", "\u2003", "\u2028", "\u3000"]
OTHER = ["a", "Ж", "中", "🙂", "\u200b", "é", "_", "0"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), st.lists(st.sampled_from(SPACES + OTHER), max_size=6).map("".join)),
                max_size=20), st.booleans())
def test_space_flags_match_str_isspace(values, arrow_backed):
    s = pd.Series(values, dtype="string" if arrow_backed else object)
    blank, edge = space_flags(s)
    assert blank.tolist() == [v is None or v.strip() == "" for v in values]
    assert edge.tolist() == [v is not None and v != "" and (v[0].isspace() or v[-1].isspace()) for v in values]


def _reference(body: bytes, sep: int):
    """Records end at newlines outside quotes; a quote must open or close a field."""
    ends, lines, inside, nl = [], [], False, 0
    for i, c in enumerate(body):
        if c == 10:
            if not inside:
                ends.append(i)
                lines.append(nl)
            nl += 1
        elif c == 34:
            prev = body[i - 1] if i else 10
            nxt = body[i + 1] if i + 1 < len(body) else 10
            ok = (prev in (sep, 10, 34)) if not inside else (nxt in (sep, 10, 13, 34))
            if not ok:
                return None
            inside = not inside
    return ends, lines, inside


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([b"a", b",", b'"', b"\n", b"\r\n", b'""', b"x y", b";"]), max_size=40).map(b"".join),
       st.sampled_from([",", ";"]))
def test_records_match_reference(body, sep):
    arr = np.frombuffer(body, dtype=np.uint8)
    ends, lines, nrec, nl, nq = scan_records_once(arr, ord(sep))
    want = _reference(body, ord(sep))
    if want is None:
        assert nq == -1
        return
    want_ends, want_lines, inside = want
    assert nq == body.count(b'"') and (nq % 2 == 1) == inside
    assert ends.tolist() == want_ends and lines.tolist() == want_lines
    assert nrec == len(want_ends) and nl == body.count(b"\n")
