"""The compiled SHA-1 of many texts (amplify.ingest.text_hashes) gives hashlib's digests, which are
stored in every part's ``_text_sha1`` and so must never change; and ingest's storing side uses it
with the same result as the text-by-text rule."""

import hashlib

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from amplify.ingest.text_hashes import sha1_hex
from amplify.workspace import append as A


def _hostile_texts():
    rng = np.random.default_rng(7)
    texts = [
        "", " ", "a", "abc", "\x00", "\x00\x01\x02\x1b[31mred\x1b[0m\x7f", "\r\n\t\v\f", "\u2028\u2029\ufeff",
        "Путин заявил", "中文文本，日本語のテキスト、한국어", "mixed Ελληνικά عربى עברית हिन्दी 🙂👍🏽",
        "\U0010ffff\U0001f600", "e\u0301 vs \u00e9", "x" * 55, "x" * 56, "x" * 63, "x" * 64, "x" * 65,
        "x" * 119, "x" * 120, "y" * 100_000, "中" * 40_000, '"quoted",,"fields"\n next line',
    ]
    # random code points of every width, at lengths around the 64-byte block boundaries
    pool = [chr(c) for c in list(range(1, 0x80)) + list(range(0x400, 0x450)) + list(range(0x4E00, 0x4E40))
            + [0x1F600, 0x1F44D, 0x10FFFF]]
    for n in list(range(0, 130)) + [1000, 4096, 70_001]:
        texts.append("".join(rng.choice(pool, size=n)))
    return texts


def test_sha1_hex_equals_hashlib_on_hostile_texts():
    texts = _hostile_texts()
    for typ in (pa.string(), pa.large_string()):
        got = sha1_hex(pa.array(texts, typ))
        if got is None:
            pytest.skip("no usable OpenSSL library here: text by text (hashlib) is used")
        assert got.type == pa.string()
        assert got.to_pylist() == [hashlib.sha1(t.encode("utf-8")).hexdigest() for t in texts]


def test_sha1_hex_slices_chunks_and_what_it_declines():
    texts = _hostile_texts()
    arr = pa.array(texts)
    want = [hashlib.sha1(t.encode("utf-8")).hexdigest() for t in texts]
    sliced = sha1_hex(arr.slice(5, 40))
    if sliced is None:
        pytest.skip("no usable OpenSSL library here")
    assert sliced.to_pylist() == want[5:45]
    chunked = pa.chunked_array([arr.slice(0, 10), arr.slice(10)])
    assert sha1_hex(chunked).to_pylist() == want
    assert sha1_hex(pa.array(["", ""])).to_pylist() == [hashlib.sha1(b"").hexdigest()] * 2
    assert len(sha1_hex(pa.array([], pa.string()))) == 0
    assert sha1_hex(pa.array(["a", None])) is None        # nulls: the caller decides
    assert sha1_hex(pa.array([1, 2])) is None              # not strings
    assert sha1_hex(["a"]) is None                         # not Arrow


@pytest.mark.parametrize("storage", ["pyarrow", "python"])
def test_text_sha1_array_is_the_text_by_text_rule(monkeypatch, storage):
    monkeypatch.setattr(A, "FAST_SHA1_MIN", 0)
    texts = pd.Series(_hostile_texts(), dtype=pd.StringDtype(storage))
    got = A.text_sha1_array(texts)
    assert isinstance(got.dtype, pd.StringDtype)
    assert list(got) == A.text_sha1(texts)


def test_text_sha1_array_keeps_lone_surrogates_text_by_text(monkeypatch):
    # Python strings may hold lone surrogates (Arrow cannot): hashed as before (surrogatepass)
    monkeypatch.setattr(A, "FAST_SHA1_MIN", 0)
    texts = pd.Series(["ok", "bad \ud800 half"], dtype=pd.StringDtype("python"))
    assert list(A.text_sha1_array(texts)) == [hashlib.sha1(t.encode("utf-8", "surrogatepass")).hexdigest()
                                              for t in texts]


def test_prepare_posts_keys_same_with_fast_hash(monkeypatch):
    texts = _hostile_texts()
    posts = pd.DataFrame({"post_id": [f"p{i}" for i in range(len(texts))], "outlet": "o",
                          "published_at": pd.Timestamp("2022-01-01", tz="UTC"), "text": texts})
    slow = A.prepare_posts(posts)
    monkeypatch.setattr(A, "FAST_SHA1_MIN", 0)
    fast = A.prepare_posts(posts)
    pd.testing.assert_frame_equal(fast.keys.astype({"sha": object}), slow.keys.astype({"sha": object}))
    assert list(fast.keys["sha"]) == [hashlib.sha1(t.encode("utf-8")).hexdigest() for t in texts]
