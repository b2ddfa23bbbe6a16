"""The one-pass tokeniser gives exactly the tokens of Arrow's NFKC + lower + strip path."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from amplify.text import _arrow_tokens, fold_table, tokenize

# pieces that exercise every branch: ASCII and its case, URLs and @handles
# (also in full-width letters, which NFKC turns into ASCII), scripts without
# spaces, combining marks that compose (Arrow's path), compatibility forms
# with one- and many-code-point expansions, case mappings with surprises
PIECES = [
    "The", "MINISTRY", "said", "2022", "-", ",", ".", "!", " ", "  ", "\t", "\n", "\r\n", "\v", "\x0c", "\x00",
    "http://t.co/x", "HTTPS://Example.com/a?b=1", "http://", "https:// x", "www.mfa.gov.cn", "www.", "@", "@MFA_China",
    "@_", "e-mail@host", "ｈｔｔｐ://ｘ", "＠ｈａｎｄｌｅ", "Привет", "МИД", "ё", "й", "中国外交部", "発表", "カタカナ", "ภาษาไทย",
    "e\u0301", "\u0301", "a\u0323\u0302", "\u1100\u1161", "한국", "ＡＢＣ", "，", "…", "№", "ﬁ", "㍿", "½", "\u00a0",
    "İstanbul", "\u212a", "ß", "ẞ", "ΣΑΣ", "ǅ", "<script>alert(1)</script>", "&amp;", "\u200b", "\ufeff", "🙂",
    "\u0628\u064e", "\u0628\u0651\u064e", "नमस्ते", "x\u0338",
]

# hand-picked texts where a plausible shortcut goes wrong
TRICKY = [
    "http://a\x0bb c",            # RE2's \S+ runs through \v
    "x\u0628\u0651\u064e y",      # shadda then fatha: NFKC reorders the marks
    "ｈｔｔｐ://ｘ ＭＩＤ",          # a URL only after NFKC
    "İstanbul \u212a ẞ ΣΑΣ",      # case mappings with surprises
    "@_ @ a@b e-mail@host",
    "㍿ ½ ﬁ № …x",                 # compatibility forms expanding to several code points
    "\ufdfa" * 40,                # 18 code points per character: more than the buffer holds
]

texts = st.lists(st.lists(st.sampled_from(PIECES), max_size=12).map("".join), min_size=1, max_size=25)


def _same(got, want):
    h, off, narrow = want
    assert got.offsets.tolist() == off.tolist()
    assert np.array_equal(got.hashes, h)
    assert np.array_equal(got.narrow, narrow)


@settings(max_examples=300, deadline=None)
@given(texts, st.randoms(use_true_random=False))
def test_one_pass_equals_arrow_path(items, rnd):
    order = list(range(len(items)))
    rnd.shuffle(order)
    arr = pa.array(items, type=pa.large_string())
    want = _arrow_tokens(pa.array([items[i] for i in order], type=pa.large_string()))
    _same(tokenize(arr, order=np.array(order)), want)
    # the same texts in chunks, as a column read in parts arrives
    cut = rnd.randint(0, len(items))
    chunked = pa.chunked_array([pa.array(items[:cut], pa.string()), pa.array(items[cut:], pa.string())])
    _same(tokenize(chunked, order=np.array(order)), want)


def test_tricky_texts():
    want = _arrow_tokens(pa.array(TRICKY, type=pa.large_string()))
    _same(tokenize(TRICKY), want)


def test_both_paths_are_taken():
    table, _, _ = fold_table()
    assert table[ord("A")] & 0x1FFFFF == ord("a")   # simple: lower-cased in place
    assert table[0x0301] & (1 << 21)                # a combining mark that may compose: Arrow's path
    assert table[0xFF0C] & (1 << 23)                # full-width comma: replaced by its NFKC form
    t = tokenize(["e\u0301te", "ｈｔｔｐ://ｘ ＭＩＤ", "Ｃafé…ok"])
    assert t.lengths.tolist() == [1, 1, 2]
    assert t.hashes[0] == tokenize(["\u00e9te"]).hashes[0]      # composed by NFKC
    assert t.hashes[1] == tokenize(["mid"]).hashes[0]               # full-width Latin is Latin


def test_nulls_and_empty():
    t = tokenize(pa.array([None, "", "a b"], type=pa.string()))
    assert t.lengths.tolist() == [0, 0, 2]
