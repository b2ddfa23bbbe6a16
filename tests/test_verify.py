"""The compiled scorer against rapidfuzz, the reference it must equal."""

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.distance import LCSseq

from amplify.detect.verify import lcs_length


def _chars(seq):
    return "".join(chr(0x4E00 + int(x)) for x in seq)


def test_bit_parallel_lcs_equals_rapidfuzz_on_random_sequences():
    rng = np.random.default_rng(0)
    for trial in range(400):
        la, lb = rng.integers(0, 150, 2)
        alphabet = int(rng.integers(2, 40))
        a = rng.integers(0, alphabet, la)
        b = rng.integers(0, alphabet, lb)
        assert lcs_length(a, b) == LCSseq.similarity(_chars(a), _chars(b)), (trial, la, lb)


def test_token_ratio_is_rapidfuzz_ratio_over_tokens():
    rng = np.random.default_rng(1)
    a = rng.integers(0, 30, 70)
    b = a.copy()
    b[rng.integers(0, 70, 10)] = 99  # substitutions
    ratio = 200.0 * lcs_length(a, b) / (len(a) + len(b))
    assert abs(ratio - fuzz.ratio(_chars(a), _chars(b))) < 1e-9
