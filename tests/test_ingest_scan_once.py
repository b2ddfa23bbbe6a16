"""scan_records_once (one pass, arrays grown as records are found) finds what the two passes of
scan_records find: the same record ends, lines, counts and verdict on quoting."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from amplify.ingest.csv_fast import scan_records, scan_records_once


def _two_passes(body: bytes, sep: int):
    arr = np.frombuffer(body, dtype=np.uint8)
    e = np.zeros(0, dtype=np.int64)
    nrec, nl, nq = scan_records(arr, sep, e, e, False)
    if nq < 0:
        return None, nq
    ends, lines = np.empty(nrec, np.int64), np.empty(nrec, np.int64)
    scan_records(arr, sep, ends, lines, True)
    return (ends.tolist(), lines.tolist(), nrec, nl), nq


def _check(body: bytes, sep: int):
    want, nq = _two_passes(body, sep)
    ends, lines, nrec, nl, got_nq = scan_records_once(np.frombuffer(body, dtype=np.uint8), sep)
    if want is None:
        assert got_nq == -1
        return
    assert got_nq == nq
    assert (ends.tolist(), lines.tolist(), nrec, nl) == want


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([b"a", b",", b'"', b"\n", b"\r\n", b'""', b"x y", b";", b'"\n"']),
                max_size=60).map(b"".join),
       st.sampled_from([",", ";"]))
def test_one_pass_equals_two(body, sep):
    _check(body, ord(sep))


def test_one_pass_grows_past_its_first_arrays():
    rng = np.random.default_rng(3)
    rows = [b'%d,"t\xd0\x9f %s",x' % (i, b"\n" * int(rng.integers(0, 2))) for i in range(20_000)]
    body = b"\n".join(rows) + b"\n\n"
    _check(body, ord(","))
    ends, lines, nrec, nl, nq = scan_records_once(np.frombuffer(body, dtype=np.uint8), ord(","))
    assert nrec == 20_001 and nq > 0
    _check(body + b'bad"quote\n', ord(","))   # a quote where none may be: -1, as the two passes say
    _check(b"", ord(","))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([b"a", b",", b'"', b"\n", b"\r\n", b'""', b"x y", b'"\n"', b'","']),
                max_size=60).map(b"".join))
def test_block_end_counts_the_line_breaks_before_it(body):
    # a block's line breaks come from the scan that finds its end (no second pass over the block)
    from amplify.ingest.chunked import _scan_last_end

    end, lines = _scan_last_end(np.frombuffer(body, dtype=np.uint8), ord(","))
    if end >= 0:
        assert lines == body[:end].count(b"\n")
        assert end == 0 or body[end - 1:end] == b"\n"
