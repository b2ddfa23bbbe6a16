"""The one-pass tokeniser gives exactly the tokens of Arrow's NFKC + lower + strip path."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from amplify.text import (arrow_tokens, char_classes, char_offsets, fold_table, normalize, take_texts, text_buffers,
                          text_chunks, tokenize)
from amplify.text.scan import fused_scan

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
    "a\U0001E08F\u0316 words",     # marks newer than Python's Unicode tables: their order is unknown here
    "\u0897\u0316",
    "@\u1c89x hi",                 # letters RE2 and the `regex` module disagree on, in an @handle
    "a@\U000105C0b c",
]

texts = st.lists(st.lists(st.sampled_from(PIECES), max_size=12).map("".join), min_size=1, max_size=25)


def _takes_arrow_path(items):
    """Which texts the one-pass scanner hands to Arrow's path."""
    arr = pa.array(items, type=pa.large_string())
    data, boff = text_buffers(arr)
    table, exp_off, exp_cps = fold_table()
    n = len(items)
    counts, fallback = np.zeros(n, np.int64), np.zeros(n, np.bool_)
    e = np.zeros(1, np.int64)
    fused_scan(data, boff, np.arange(n), np.arange(n), table, exp_off, exp_cps, char_classes(),
               np.empty(int(np.diff(boff).max(initial=0)) + 256, np.uint32), e, np.zeros(0, np.uint64),
               np.zeros(0, np.bool_), counts, fallback, False)
    return fallback


def _same(got, want):
    assert got.offsets.tolist() == want.offsets.tolist()
    assert np.array_equal(got.hashes, want.hashes)
    assert np.array_equal(got.narrow, want.narrow)


@settings(max_examples=300, deadline=None)
@given(texts, st.randoms(use_true_random=False))
def test_one_pass_equals_arrow_path(items, rnd):
    order = list(range(len(items)))
    rnd.shuffle(order)
    arr = pa.array(items, type=pa.large_string())
    want = arrow_tokens(pa.array([items[i] for i in order], type=pa.large_string()))
    _same(tokenize(arr, order=np.array(order)), want)
    # the same texts in chunks, as a column read in parts arrives
    cut = rnd.randint(0, len(items))
    chunked = pa.chunked_array([pa.array(items[:cut], pa.string()), pa.array(items[cut:], pa.string())])
    _same(tokenize(chunked, order=np.array(order)), want)


def test_tricky_texts():
    want = arrow_tokens(pa.array(TRICKY, type=pa.large_string()))
    _same(tokenize(TRICKY), want)


def test_every_code_point_in_awkward_company():
    # each code point (a sample of every 7th) before and after a combining
    # mark, before a Tibetan mark, inside an @handle and after a URL
    cps = [c for c in range(0x20, 0x110000, 7) if not 0xD800 <= c < 0xE000]
    texts = []
    for c in cps:
        ch = chr(c)
        texts += [ch + "\u0316", "a\u0316" + ch, "x" + ch + "\u0f39", "@" + ch + "x y", "http://" + ch + " z", ch + "Ab"]
    _same(tokenize(texts), arrow_tokens(pa.array(texts, type=pa.large_string())))


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


@settings(max_examples=200, deadline=None)
@given(texts)
def test_offsets_point_at_the_tokens(items):
    # every token's span, tokenised again on its own, yields that token
    # (a character NFKC expands, like "½", gives each of its tokens its whole span)
    items = [t for t, slow in zip(items, _takes_arrow_path(items)) if not slow]  # those get Python's spans
    if not items:
        return
    tok = tokenize(items)
    rows = np.repeat(np.arange(len(items)), tok.lengths)
    numbers = np.arange(len(tok.hashes)) - np.repeat(tok.offsets[:-1], tok.lengths)
    starts, ends = char_offsets(items, rows, numbers, tok.lengths[rows])
    assert np.all(starts >= 0) and np.all(ends > starts)
    again = tokenize([items[r][a:b] for r, a, b in zip(rows, starts, ends)])
    for i, h in enumerate(tok.hashes):
        assert h in again.hashes[again.offsets[i]:again.offsets[i + 1]]
    # spans follow the tokens' order
    for r in range(len(items)):
        a, b = tok.offsets[r], tok.offsets[r + 1]
        assert np.all(np.diff(starts[a:b]) >= 0)


def test_offsets_of_compatibility_forms():
    text = "ﬁne № 5 ＠ｆｏｏ bar ½"
    n = int(tokenize([text]).lengths[0])
    s, e = char_offsets([text] * n, [0] * n, list(range(n)), [n] * n)
    assert [text[a:b] for a, b in zip(s, e)] == ["ﬁne", "№", "5", "bar", "½", "½"]


def test_dense_scripts_over_threads():
    # Chinese is a token every 3 bytes; hundreds of texts shared out over threads
    texts = ["中国外交部发言人表示美方应停止干涉" * 6 + str(i) for i in range(400)] + ["short one", ""]
    _same(tokenize(texts, workers=2), arrow_tokens(pa.array(texts, type=pa.large_string())))


def test_word_prefixes_are_one_for_one_with_the_tokens_and_merge_spellings():
    from amplify.text import word_prefixes
    texts = ["Japan moves to stabilise energy supply https://t.co/x @someone",
             "Zelenskyy 中国外交部 informed 2014 covid19 Ärzteverband ﬁnancial",  # CJK, digits, a ligature
             "Зеленский заявил о переговорах", "", "a b c"]
    full = tokenize(texts)
    cut = word_prefixes(texts, np.arange(len(texts)), 6)
    assert cut.lengths.tolist() == full.lengths.tolist()
    # words of six letters or fewer, numbers and CJK characters keep their own hash
    same = cut.hashes == full.hashes
    short = np.array([len(t) <= 6 or not t.isalpha() for t in " ".join(normalize(x) for x in texts).split()])
    assert (same == short).all()
    # hostile text stays one for one too: markup, control and bidi characters, 100 kB of punctuation,
    # stacked combining marks, NFKC expansions, a long run of one letter
    hostile = ['<script>alert("x")</script>\x00\x07\u202e مرحبا بالعالم', "!" * 100_000 + " ok",
               "e\u0301\u0301\u0301toile café Ｆｕｌｌｗｉｄｔｈ ﷺ ǅungla", "ﬁﬂ ½ ⅷ Ⅻ ①②", "x" * 5000]
    assert word_prefixes(hostile, np.arange(5), 6).lengths.tolist() == tokenize(hostile).lengths.tolist()
    pairs = [("stabilise", "stabilize"), ("informs", "informed"), ("Zelenskyy", "Zelenskiy"), ("Заявил", "заявила")]
    for a, b in pairs:
        assert word_prefixes([a, b], [0, 1], 6).hashes[0] == word_prefixes([a, b], [0, 1], 6).hashes[1], (a, b)
    for a, b in [("Austria", "Australia"), ("Slovakia", "Slovenia"), ("Kyiv", "Kiev")]:
        assert word_prefixes([a, b], [0, 1], 6).hashes[0] != word_prefixes([a, b], [0, 1], 6).hashes[1], (a, b)


def test_spell_numbers_writes_number_words_and_ordinals_in_digits():
    # "fifth" / "5th", "second" / "2nd", "three" / "3": one number written two ways is one token;
    # seventeen, seventh and seventy (which share six letters) and "someone" are not
    from amplify.text import spell_numbers

    def key(word):
        return int(spell_numbers(tokenize([word]).hashes)[0])

    for a, b in [("fifth", "5th"), ("Fifth", "5"), ("second", "2nd"), ("three", "3"), ("Twelfth", "12th"),
                 ("seventeenth", "17"), ("ninetieth", "90th"), ("first", "1ST"), ("112th", "112"), ("23rd", "23")]:
        assert key(a) == key(b), (a, b)
    assert len({key(w) for w in ("seventeen", "seventh", "seventy")}) == 3
    for a, b in [("someone", "1"), ("fivefold", "5"), ("tenth", "11th"), ("fifth", "50"), ("5th", "5ths")]:
        assert key(a) != key(b), (a, b)
    # every other token is left as it is, and the input is not changed
    h = tokenize(["the fifth of 5 Зеленский 第五 2nd_3rd"]).hashes
    before = h.copy()
    out = spell_numbers(h)
    assert (h == before).all() and len(out) == len(h)
    changed = [int(i) for i in np.flatnonzero(out != h)]
    assert changed == [1, 7, 8]  # fifth, 2nd, 3rd ("_" parts words)


def test_take_texts_picks_rows_across_chunks_in_the_order_asked():
    col = pa.chunked_array([pa.array(["a0", None, "a2"], pa.large_string()), pa.array([], pa.large_string()),
                            pa.array(["b0", "b1"], pa.large_string())])
    chunks, starts = text_chunks(col)
    assert take_texts(chunks, starts, [4, 0, 3, 2, 1, 4]).to_pylist() == ["b1", "a0", "b0", "a2", "", "b1"]
    assert take_texts(chunks, starts, []).to_pylist() == []
    # a column of one chunk
    assert take_texts([chunks[0]], starts[:2], [2, 0]).to_pylist() == ["a2", "a0"]
