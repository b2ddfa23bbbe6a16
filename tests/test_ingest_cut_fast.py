"""The oversize filter's fast copy of quoted text (``_cut_records(fast=True)``) does exactly what
its byte-by-byte steps do: same output, same cuts (sizes, lines, spans), same bytes taken back,
same state carried to the next chunk -- on random CSV-like bytes cut into random chunks, with
caps small enough that records are cut inside quotes, across line breaks and across chunks."""

import numpy as np
import pytest

from amplify.ingest.oversize import _RAW_END, _RAW_MARKER, _cut_records

PIECES = [b"a", b"bc", b"\xd0\x9f\xd1\x83", b"\xe4\xb8\xad", b",", b'"', b'""', b"\n", b"\r\n", b" ", b"x" * 30,
          b"\x00", b"\x1b[0m", b'","', b'"\n"']


def _random_csv(rng, n_pieces):
    return b"".join(PIECES[k] for k in rng.integers(0, len(PIECES), n_pieces))


def _filter(data, cuts, fast, line_cap, rec_cap):
    st = np.zeros(10, dtype=np.int64)
    st[3] = 1
    st[7] = 1
    text = bytearray()
    got = []
    for lo, hi in zip(cuts[:-1], cuts[1:]):
        inp = np.frombuffer(data[lo:hi], dtype=np.uint8)
        out = np.empty(len(inp) + 64 * (len(inp) // line_cap + 2), dtype=np.uint8)
        nmax = len(inp) // line_cap + 2
        sizes, lines, spans = (np.empty(nmax, dtype=np.int64) for _ in range(3))
        o, ncut, retract = _cut_records(inp, out, ord(","), line_cap, rec_cap, st, sizes, lines, spans,
                                        _RAW_MARKER, _RAW_END, fast)
        if retract:
            del text[len(text) - retract:]
        text += out[:o].tobytes()
        got.append((int(o), int(ncut), int(retract), sizes[:ncut].tolist(), lines[:ncut].tolist(),
                    spans[:ncut].tolist(), st.tolist()))
    return bytes(text), got


@pytest.mark.parametrize("seed", range(12))
def test_fast_copy_equals_byte_by_byte(seed):
    rng = np.random.default_rng(seed)
    for _ in range(40):
        data = _random_csv(rng, int(rng.integers(0, 400)))
        k = int(rng.integers(0, 6))
        cuts = [0] + sorted(int(x) for x in rng.integers(0, len(data) + 1, k)) + [len(data)]
        line_cap, rec_cap = int(rng.integers(1, 60)), int(rng.integers(1, 200))
        fast = _filter(data, cuts, True, line_cap, rec_cap)
        slow = _filter(data, cuts, False, line_cap, rec_cap)
        assert fast == slow, (data, cuts, line_cap, rec_cap)


def test_fast_copy_cuts_a_long_quoted_text_where_the_slow_one_does():
    data = b'id,text\n1,"' + b"y" * 500 + b'"\n2,"short"\n3,"' + b"z\n" * 100 + b'"\n'
    for caps in ((100, 150), (499, 501), (500, 10_000), (10_000, 150)):
        fast = _filter(data, [0, 7, 300, len(data)], True, *caps)
        assert fast == _filter(data, [0, 7, 300, len(data)], False, *caps)
    text, steps = _filter(data, [0, len(data)], True, 100, 150)
    assert steps[0][1] == 2 and b"y" * 101 not in text and b'2,"short"' in text   # both long records cut
