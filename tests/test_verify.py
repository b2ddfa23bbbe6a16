"""The compiled similarity measures (amplify.detect.similarity) against rapidfuzz and Counter arithmetic."""

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.distance import LCSseq

from amplify.detect.similarity import bag_overlap, bag_table, bag_table_size, lcs_length


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


def test_bag_overlap_through_the_source_table_is_the_multiset_intersection():
    # verification counts shared tokens through a hash table of the source's
    # tokens (built once per source); check it against Counter arithmetic
    from collections import Counter

    rng = np.random.default_rng(2)
    for trial in range(300):
        alphabet = int(rng.integers(1, 60))
        # token hashes are mixed 64-bit values; some collide in the low bits on purpose
        vocab = rng.integers(0, 2**63, alphabet).astype(np.uint64) & ~np.uint64(0xF) | np.uint64(trial % 3)
        a = vocab[rng.integers(0, alphabet, rng.integers(0, 80))]
        b = vocab[rng.integers(0, alphabet, rng.integers(0, 80))]
        size = bag_table_size(len(a))
        assert size >= max(8, 2 * len(a)) and size & (size - 1) == 0  # a power of two, at most half full
        keys, cnt, left = np.zeros(size, np.uint64), np.zeros(size, np.int32), np.zeros(size, np.int32)
        bag_table(a, keys, cnt)
        want = sum((Counter(a.tolist()) & Counter(b.tolist())).values())
        assert bag_overlap(b, keys, cnt, left) == want, trial
        assert bag_overlap(b, keys, cnt, left) == want  # the table is reusable for the next target
