"""scan_records_once (one pass, arrays grown as records are found) and the block cutter's scan
find what the plain statement of the rule finds (``_reference`` of tests/test_ingest_kernels.py):
the same record ends, lines, counts and verdict on quoting."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from test_ingest_kernels import _reference

from amplify.ingest.csv_fast import scan_records_once


def _check(body: bytes, sep: int):
    want = _reference(body, sep)
    ends, lines, nrec, nl, nq = scan_records_once(np.frombuffer(body, dtype=np.uint8), sep)
    if want is None:
        assert nq == -1
        return
    want_ends, want_lines, inside = want
    assert nq == body.count(b'"') and (nq % 2 == 1) == inside
    assert (ends.tolist(), lines.tolist(), nrec, nl) == (want_ends, want_lines, len(want_ends), body.count(b"\n"))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([b"a", b",", b'"', b"\n", b"\r\n", b'""', b"x y", b";", b'"\n"']),
                max_size=60).map(b"".join),
       st.sampled_from([",", ";"]))
def test_one_pass_matches_the_rule(body, sep):
    _check(body, ord(sep))


def test_one_pass_grows_past_its_first_arrays():
    rng = np.random.default_rng(3)
    rows = [b'%d,"t\xd0\x9f %s",x' % (i, b"\n" * int(rng.integers(0, 2))) for i in range(20_000)]
    body = b"\n".join(rows) + b"\n\n"
    _check(body, ord(","))
    ends, lines, nrec, nl, nq = scan_records_once(np.frombuffer(body, dtype=np.uint8), ord(","))
    assert nrec == 20_001 and nq > 0
    _check(body + b'bad"quote\n', ord(","))   # a quote where none may be: -1, as the rule says
    _check(b"", ord(","))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([b"a", b",", b'"', b"\n", b"\r\n", b'""', b"x y", b'"\n"', b'","']),
                max_size=60).map(b"".join))
def test_block_end_counts_the_line_breaks_before_it(body):
    # a block's end is just past the last record end of the rule, or -1 where its quoting is not
    # clean; its line breaks come from the same scan (no second pass over the block)
    from amplify.ingest.chunked import _scan_last_end

    end, lines = _scan_last_end(np.frombuffer(body, dtype=np.uint8), ord(","))
    want = _reference(body, ord(","))
    if want is None:
        assert end == -1
        return
    want_ends = want[0]
    assert end == (want_ends[-1] + 1 if want_ends else 0)
    assert lines == body[:end].count(b"\n")
