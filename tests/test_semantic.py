"""The semantic stage (issue #13): units, languages, neighbours, alignment, links, workspace reuse.

Most tests use a toy encoder (a vector per meaning, seeded noise) so they are fast
and exact; ``test_real_model_*`` runs the packaged multilingual model on a few sentences.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from amplify import schema
from amplify.detect import DetectSettings, SettingsError, detect
from amplify.detect.encoders import get_encoder, register_encoder
from amplify.detect.semantic import align_posts, cache_key, embed_posts, unit_neighbours
from amplify.detect.sentences import Units, split_text, split_units
from amplify.text.language import identify_languages
from amplify.workspace.embeddings import EmbeddingStore

# ----------------------------------------------------------------------------- a toy encoder

# sentences of one meaning in three languages; the toy encoder maps each to its meaning's vector
MEANINGS = [
    ("The foreign ministry said China firmly opposes the arms sales to Taiwan.",
     "МИД заявил, что Китай решительно выступает против продажи оружия Тайваню.",
     "外交部表示，中方坚决反对对台军售。"),
    ("Heavy rain flooded the southern provinces and thousands of people were evacuated.",
     "Сильные дожди затопили южные провинции, тысячи людей были эвакуированы.",
     "暴雨淹没了南方各省，数千人被疏散。"),
    ("The central bank raised its key interest rate by half a point on Friday.",
     "Центральный банк в пятницу повысил ключевую ставку на половину пункта.",
     "央行周五将基准利率上调了半个百分点。"),
    ("The football club signed a new coach from Portugal for three seasons.",
     "Футбольный клуб подписал контракт с новым тренером из Португалии на три сезона.",
     "这家足球俱乐部与一名来自葡萄牙的新教练签约三个赛季。"),
]
FILLER = [f"Unrelated sentence number {w} about {x} and {y} in the city today."
          for w, x, y in zip(["one", "two", "three", "four", "five", "six", "seven", "eight"],
                             ["bread", "cars", "music", "trees", "rivers", "schools", "phones", "shoes"],
                             ["weather", "prices", "sport", "films", "trains", "books", "games", "art"])]


class ToyEncoder:
    """Each known sentence -> its meaning's random unit vector plus a little noise; any other text
    -> a random vector of its own (seeded by the text, so runs agree)."""

    name = "toy"
    dim = 64
    calls = 0

    def __init__(self, threads=1):
        rng = np.random.default_rng(0)
        self.meaning = {}
        for i, group in enumerate(MEANINGS):
            base = rng.standard_normal(self.dim)
            for s in group:
                self.meaning[s] = base + 0.25 * rng.standard_normal(self.dim)

    def encode(self, texts):
        ToyEncoder.calls += len(texts)
        out = []
        for t in texts:
            v = self.meaning.get(t)
            if v is None:
                v = np.random.default_rng(abs(hash(t)) % 2**32).standard_normal(self.dim)
            out.append(v / np.linalg.norm(v))
        return np.asarray(out, dtype=np.float32)


register_encoder("toy", ToyEncoder)
TOY = dict(semantic=True, encoder="toy")


def _posts(rows):
    t0 = pd.Timestamp("2024-03-01T00:00Z")
    return pd.DataFrame({"post_id": [r[0] for r in rows], "outlet": [r[1] for r in rows],
                         "published_at": [t0 + pd.Timedelta(hours=r[2]) for r in rows],
                         "text": [r[3] for r in rows]})


# ----------------------------------------------------------------------------- units and languages


def test_short_post_is_one_unit_and_long_text_is_cut_into_sentences_with_exact_spans():
    short = "  Short post. Two sentences!  "
    assert split_text(short) == [(2, 2 + len("Short post. Two sentences!"))]
    long_text = ("Первое предложение статьи о переговорах в Женеве. Второе предложение, тоже длинное, о ценах! "
                 "Third sentence of the article here? " * 3 + "\n\n外交部发言人表示，中方坚决反对对台军售。美方应当立即停止。")
    spans = split_text(long_text, short_chars=100, min_chars=5)
    pieces = [long_text[a:b] for a, b in spans]
    assert pieces[0] == "Первое предложение статьи о переговорах в Женеве."
    assert "外交部发言人表示，中方坚决反对对台军售。" in pieces
    assert all(p == p.strip() and p for p in pieces)
    assert [a for a, _ in spans] == sorted(a for a, _ in spans)
    units = split_units([short, None, long_text], short_chars=100, min_chars=5)
    assert units.post.tolist() == [0] + [2] * len(spans)


def test_pieces_under_min_chars_join_and_over_max_chars_are_cut():
    text = "Mr. Smith arrived. " + "word " * 200
    spans = split_text(text, short_chars=50, min_chars=25, max_chars=120)
    assert text[spans[0][0]:spans[0][1]].startswith("Mr. Smith arrived.")
    assert all(b - a <= 120 for a, b in spans)
    assert "".join(text[a:b] for a, b in spans).replace(" ", "") == text.replace(" ", "")


def test_lengths_count_han_characters_wider_and_paragraphs_bound_short_pieces():
    # 11 Han characters are 33 wide: a sentence of its own (its English translation is one too)
    zh = "乡村振兴，人才是关键。人才哪里找？优秀返乡农民工群体是不可忽视的力量。"
    pieces = [zh[a:b] for a, b in split_text(zh, short_chars=0, min_chars=25)]
    assert pieces == ["乡村振兴，人才是关键。", "人才哪里找？优秀返乡农民工群体是不可忽视的力量。"]
    # counted one per character (11 < 25) it would have joined the next; at 34 wide it does
    assert split_text(zh, short_chars=0, min_chars=34)[0] == (0, 17)
    # a short heading stays alone instead of joining the next paragraph; a stray quote joins the one before
    text = "Missed out?\n\nThe easiest way is to open a returns request on the site.\n”\nA second paragraph follows."
    pieces = [text[a:b] for a, b in split_text(text, short_chars=0, min_chars=25)]
    assert pieces == ["Missed out?", "The easiest way is to open a returns request on the site.\n”",
                      "A second paragraph follows."]
    # no cut at a semicolon, in either script
    assert len(split_text("第一部分很长很长很长；第二部分也很长很长很长。", short_chars=0, min_chars=5)) == 1


def test_numbers_compare_by_significant_digits_across_scripts_and_scales():
    from amplify.detect.semantic import _number_keys

    assert _number_keys("超过 25 万本漫画") == _number_keys("over 250,000 comics") == {"25"}
    assert _number_keys("4.244亿美元") == _number_keys("424.4 million dollars")
    assert _number_keys("全省１００个县") == _number_keys("100 counties")
    assert _number_keys("140 kg") != _number_keys("150 kg")
    assert _number_keys("no digits here") == frozenset()
    # thousands by space or comma, decimal commas, and a list is not one number
    assert _number_keys("58 595 066 человек") == _number_keys("58,595,066 people") == {"58595066"}
    assert _number_keys("1,5 млн") == _number_keys("1.5 million") == {"15"}
    assert _number_keys("尾号比如6666，8888") == _number_keys("such as 6666 and 8888") == {"6666", "8888"}
    assert _number_keys("in 2020 100 people") == {"202", "1"}


def test_languages_are_identified_offline():
    got = identify_languages([MEANINGS[0][0], MEANINGS[0][1], MEANINGS[0][2], "ok", None, "12 34"])
    assert got.tolist() == ["en", "ru", "zh", "und", "und", "und"]
    # short Chinese headlines the model alone calls Japanese; kana make Japanese
    assert identify_languages(["国际米兰解锁第3000场意甲比赛-中新网", "東京で会議が開かれました"]).tolist() == ["zh", "ja"]


# ----------------------------------------------------------------------------- neighbours and alignment


def _brute(vectors, times, outlet, window, floor, k, cols=None, skip=0):
    n = len(vectors)
    s = vectors @ vectors.T
    cand, before, after = set(), np.zeros(n), np.zeros(n)
    for i in range(n):
        other = outlet != outlet[i]
        if cols is not None:  # only these units count as neighbours
            other &= cols
        b = other & (times >= times[i] - window) & (times <= times[i])
        a = other & (times >= times[i]) & (times <= times[i] + window)
        for mask, out in ((b, before), (a, after)):
            top = np.sort(np.maximum(s[i, mask], 0))[::-1][skip:skip + k]
            out[i] = top.sum() / k
        cand |= {(i, j) for j in np.flatnonzero(b & (s[i] >= floor))}
    return cand, before, after


@pytest.mark.parametrize("seed", [0, 1])
def test_block_neighbours_equal_brute_force(seed, monkeypatch):
    import amplify.detect.semantic as sem

    monkeypatch.setattr(sem, "_BLOCK_FLOATS", 700)  # many small blocks
    rng = np.random.default_rng(seed)
    n, d = 300, 16
    v = rng.standard_normal((n, d)).astype(np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    times = np.sort(rng.integers(0, 50, n)).astype(np.int64)  # many equal times
    outlet = rng.integers(0, 4, n).astype(np.int64)
    tu, su, cos, before, after = unit_neighbours(v, times, outlet, 10, floor=0.3, k=3)
    cand, b, a = _brute(v, times, outlet, 10, 0.3, 3)
    assert set(zip(tu.tolist(), su.tolist())) == cand
    np.testing.assert_allclose(before, b, atol=1e-5)
    np.testing.assert_allclose(after, a, atol=1e-5)
    np.testing.assert_allclose(cos, np.einsum("ij,ij->i", v[tu], v[su]), atol=1e-5)
    # per language of the neighbours: each column is the brute force over that language's units
    lang = rng.integers(0, 3, n).astype(np.int64)
    tu2, su2, _, before2, after2 = unit_neighbours(v, times, outlet, 10, floor=0.3, k=3, lang=lang)
    assert set(zip(tu2.tolist(), su2.tolist())) == cand and before2.shape == (n, 3)
    for g in range(3):
        _, bg, ag = _brute(v, times, outlet, 10, 0.3, 3, cols=lang == g)
        np.testing.assert_allclose(before2[:, g], bg, atol=1e-5)
        np.testing.assert_allclose(after2[:, g], ag, atol=1e-5)
    # leaving the 2 closest out of each density
    _, _, _, before3, after3 = unit_neighbours(v, times, outlet, 10, floor=0.3, k=3, skip=2)
    _, b3, a3 = _brute(v, times, outlet, 10, 0.3, 3, skip=2)
    np.testing.assert_allclose(before3, b3, atol=1e-5)
    np.testing.assert_allclose(after3, a3, atol=1e-5)


def test_alignment_is_one_to_one_and_needs_coverage():
    # post 0: two units; post 1: three units; unit 2 matches both 0 and 1
    units = Units(np.array([0, 0, 1, 1, 1]), np.array([0, 10, 0, 10, 20]), np.array([10, 20, 10, 20, 30]))
    dens = np.full(5, 0.3, dtype=np.float32)
    tu, su = np.array([2, 2, 3]), np.array([0, 1, 1])
    cos = np.array([0.9, 0.8, 0.7], dtype=np.float32)
    al = align_posts(tu, su, cos, dens[tu], units, cos_min=0.5, margin_min=0.2, min_coverage=0.6)
    assert sorted(zip(al["tu"], al["su"])) == [(2, 0), (3, 1)]      # unit 2 used once, at its best
    assert al["source_coverage"].iloc[0] == 1.0
    assert round(al["target_coverage"].iloc[0], 3) == round(20 / 30, 3)
    # coverage counts for the better-covered side: the source is whole, so 0.9 passes; one unit of each is too little
    assert len(align_posts(tu, su, cos, dens[tu], units, cos_min=0.5, margin_min=0.2, min_coverage=0.9)) == 2
    assert align_posts(tu[:1], su[:1], cos[:1], dens[tu[:1]], units, cos_min=0.5, margin_min=0.2,
                       min_coverage=0.6).empty
    # a low margin (dense neighbourhood) drops the pair
    assert align_posts(tu, su, cos, dens[tu] * 3, units, cos_min=0.5, margin_min=0.2,
                       min_coverage=0.6).empty


def test_a_pair_under_the_margin_counts_only_beside_one_that_passes():
    # posts 0 and 1 (two units each, a translated paragraph): unit pair (2, 0) passes the margin,
    # (3, 1) reaches only the support margin; posts 2 and 3 hold only such a weak pair
    units = Units(np.array([0, 0, 1, 1, 2, 3]), np.array([0, 10, 0, 10, 0, 0]), np.array([10, 20, 10, 20, 10, 10]))
    tu, su = np.array([2, 3, 5]), np.array([0, 1, 4])
    cos = np.array([0.8, 0.6, 0.6], dtype=np.float32)
    dens = np.array([0.5, 0.5, 0.5], dtype=np.float32)  # margins 0.3, 0.1, 0.1
    kw = dict(cos_min=0.5, margin_min=0.2, min_coverage=0.9)
    # without support: half of each post is aligned, under 0.9
    assert align_posts(tu, su, cos, dens, units, **kw).empty
    al = align_posts(tu, su, cos, dens, units, support_margin=0.05, **kw)
    assert sorted(zip(al["tu"], al["su"])) == [(2, 0), (3, 1)]   # the weak pair of posts 2-3 stays out
    assert (al["source_coverage"] == 1.0).all()
    # a support margin above the weak pair's: nothing to add
    assert align_posts(tu, su, cos, dens, units, support_margin=0.15, **kw).empty
    # a supporting pair never takes a unit from one that passes alone, even at a higher cosine
    tu2, su2 = np.array([2, 2]), np.array([0, 1])
    al = align_posts(tu2, su2, np.array([0.75, 0.9], dtype=np.float32), np.array([0.5, 0.85], dtype=np.float32),
                     units, cos_min=0.5, margin_min=0.2, min_coverage=0.5, support_margin=0.0)
    assert list(zip(al["tu"], al["su"])) == [(2, 0)]


def test_a_short_pair_needs_more_margin_counted_in_latin_equivalent_width():
    from amplify.detect import semantic as sem

    texts = ["Thanks.", "谢谢。", "x" * 200, "长" * 40, "y" * 30]
    units = Units(np.arange(5), np.zeros(5, dtype=np.int64), np.array([len(t) for t in texts]))
    tu, su = np.array([1, 3, 4, 3]), np.array([0, 2, 2, 0])
    need = sem._needed_margin(0.1, texts, units, tu, su, np.ones(4, dtype=bool))
    extra, width = sem._SHORT_EXTRA, sem._SHORT_WIDTH
    assert need[0] == pytest.approx(0.1 + extra * (1 - 7 / width))    # "Thanks." is the shorter: 7
    assert need[1] == pytest.approx(0.1)                              # 40 Han characters count 120: long
    assert need[2] == pytest.approx(0.1 + extra * (1 - 30 / width))   # 30 Latin characters
    assert need[3] == pytest.approx(0.1 + extra * (1 - 7 / width))
    # pairs not asked about keep the base; without texts, widths are lengths in characters
    assert sem._needed_margin(0.1, texts, units, tu, su, np.zeros(4, dtype=bool)).tolist() == [0.1] * 4
    no_text = sem._needed_margin(0.1, None, units, tu, su, np.ones(4, dtype=bool))
    assert no_text[1] == pytest.approx(0.1 + extra * (1 - 40 / width))
    # align_posts takes one requirement per pair: the short pair at margin 0.12 fails, the long one passes
    cos = np.full(4, 0.8, dtype=np.float32)
    al = align_posts(tu[:2], su[:2], cos[:2], np.full(2, 0.68, dtype=np.float32), units, cos_min=0.5,
                     margin_min=need[:2], min_coverage=0.5)
    assert list(zip(al["tu"], al["su"])) == [(3, 2)]


# ----------------------------------------------------------------------------- links


def test_translation_and_semantic_links_with_aligned_spans_lag_and_parent():
    en, ru, zh = MEANINGS[0]
    posts = _posts([("a", "mfa", 0, zh), ("b", "sputnik", 5, ru), ("c", "cgtn", 7, en),
                    ("x", "bbc", 6, FILLER[0]), ("y", "tass", 8, FILLER[1])])
    links = detect(posts, **TOY)
    schema.validate_links(links)
    got = {(r.source_id, r.target_id): r for r in links.itertuples()}
    assert set(got) == {("a", "b"), ("a", "c"), ("b", "c")}
    assert {r.kind for r in got.values()} == {"translation"}
    ab = got[("a", "b")]
    assert ab.lag_s == 5 * 3600 and ab.is_parent
    pairs = json.loads(ab.aligned)
    assert pairs[0][:4] == [0, len(zh), 0, len(ru)] and 0 < pairs[0][4] <= 100
    assert (ab.source_start, ab.source_end, ab.target_start, ab.target_end) == (0, len(zh), 0, len(ru))
    assert links.loc[links["target_id"] == "c", "is_parent"].sum() == 1


def test_paragraph_inside_a_long_article_is_found():
    en, ru, zh = MEANINGS[1]
    article = " ".join(FILLER[:4]) + "\n\n" + ru + "\n\n" + " ".join(FILLER[4:])
    posts = _posts([("s", "xinhua", 0, zh), ("t", "ria", 3, article), ("u", "rt", 4, " ".join(FILLER[2:7]))])
    links = detect(posts, **TOY)
    row = links[(links["source_id"] == "s") & (links["target_id"] == "t")]
    assert len(row) == 1 and row["kind"].iloc[0] == "translation"
    a, b = row["target_start"].iloc[0], row["target_end"].iloc[0]
    assert article[a:b] == ru
    assert not ((links["source_id"] == "s") & (links["target_id"] == "u")).any()


def test_same_language_other_words_is_semantic_and_lexical_links_win():
    en = MEANINGS[2][0]
    other = MEANINGS[2][0]  # the same text: the lexical stage links it first
    posts = _posts([("a", "reuters", 0, en), ("b", "ap", 2, other)])
    links = detect(posts, **TOY)
    assert links["kind"].tolist() == ["verbatim"]
    # a restatement the lexical stage cannot see: same language, toy-encoded alike
    ToyEncoder_instance = get_encoder("toy")
    ToyEncoder_instance.meaning["The rate went up by fifty basis points, the bank said."] = \
        ToyEncoder_instance.meaning[en] + 0.01
    posts = _posts([("a", "reuters", 0, en), ("b", "ap", 2, "The rate went up by fifty basis points, the bank said.")])
    assert detect(posts, **TOY).empty  # same-language restatements are opt-in
    links = detect(posts, semantic_same_language=True, **TOY)
    assert links["kind"].tolist() == ["semantic"]
    assert detect(posts).empty  # off by default


def test_same_outlet_cross_group_and_window_are_respected():
    en, ru, zh = MEANINGS[3]
    posts = _posts([("a", "tass", 0, ru), ("b", "tass", 1, en), ("c", "cgtn", 24 * 9, zh)])
    assert detect(posts, **TOY).empty                       # one outlet; the third is past the 7-day window
    assert len(detect(posts, same_outlet=True, **TOY)) == 1
    outlets = pd.DataFrame({"outlet": ["tass", "rt"], "group": ["RU", "RU"]})
    posts2 = _posts([("a", "tass", 0, ru), ("b", "rt", 1, en)])
    assert len(detect(posts2, outlets, **TOY)) == 1
    assert detect(posts2, outlets, cross_group_only=True, **TOY).empty


def test_equal_times_give_tie_links_both_ways():
    en, ru, _ = MEANINGS[0]
    links = detect(_posts([("a", "tass", 0, ru), ("b", "bbc", 0, en)]), **TOY)
    assert sorted(zip(links["source_id"], links["target_id"])) == [("a", "b"), ("b", "a")]
    assert links["tie"].all() and not links["is_parent"].any()
    fwd = links.set_index("source_id")
    ab, ba = json.loads(fwd.loc["a", "aligned"]), json.loads(fwd.loc["b", "aligned"])
    assert [x[:4] for x in ab] == [[x[2], x[3], x[0], x[1]] for x in ba]  # the reverse shows the spans reversed


# ----------------------------------------------------------------------------- settings and store


def test_settings_record_semantic_knobs_only_when_on_and_check_ranges():
    off = DetectSettings().to_dict()
    assert "semantic" not in off and "semantic_min" not in off
    on = DetectSettings(semantic=True).to_dict()
    assert on["semantic"] is True and on["encoder"] == "use-m3" and "semantic_margin" in on
    for bad in ({"semantic_min": 1.5}, {"semantic_min_coverage": -0.1}, {"semantic_margin": -1}):
        with pytest.raises(SettingsError):
            DetectSettings(**bad)


def test_store_round_trip_and_embeddings_are_computed_once(tmp_path):
    store = EmbeddingStore(tmp_path)
    en, ru, zh = MEANINGS[0]
    ids = np.array(["a", "b", "c"], dtype=object)
    texts = [zh, "", en + " " + FILLER[0] * 8]
    enc = get_encoder("toy")
    ToyEncoder.calls = 0
    first = embed_posts(ids, texts, enc, cache=store)
    n_units = len(first.units)
    assert ToyEncoder.calls == n_units and first.lang.tolist() == ["zh", "und", "en"]
    again = embed_posts(ids[::-1].copy(), texts[::-1], enc, cache=store)
    assert ToyEncoder.calls == n_units                     # nothing embedded again
    assert again.lang.tolist() == ["en", "und", "zh"]
    np.testing.assert_array_equal(again.vectors[again.units.post == 2], first.vectors[first.units.post == 0])
    more = embed_posts(np.array(["a", "d"], dtype=object), [zh, ru], enc, cache=store)
    assert ToyEncoder.calls == n_units + 1 and more.lang.tolist() == ["zh", "ru"]
    langs = store.languages(cache_key(enc))
    assert dict(zip(langs["post_id"], langs["lang_detected"])) == {"a": "zh", "b": "und", "c": "en", "d": "ru"}
    with pytest.raises(ValueError):
        store.load("../escape", ids)


def test_workspace_detect_reuses_embeddings_and_incremental_equals_full(tmp_path):
    from amplify.detect.incremental import detect_workspace
    from amplify.workspace import Workspace

    rows = []
    for i, (en, ru, zh) in enumerate(MEANINGS):
        rows += [(f"z{i}", "xinhua", 30 * i, zh), (f"r{i}", "ria", 30 * i + 3, ru), (f"e{i}", "bbc", 30 * i + 5, en)]
    rows += [(f"f{i}", "dw", 7 * i + 1, s) for i, s in enumerate(FILLER)]
    posts = _posts(rows)
    late = posts["published_at"] > pd.Timestamp("2024-03-04T00:00Z")
    cfg = DetectSettings(semantic=True, encoder="toy", window="2D")
    inc = Workspace.open(tmp_path / "inc", create=True)
    with inc.writer():
        inc.add_posts(posts[~late])
        detect_workspace(inc, cfg)
        ToyEncoder.calls = 0
        inc.add_posts(posts[late])
        detect_workspace(inc, cfg)
        n_new = int(late.sum())
        assert 0 < ToyEncoder.calls <= n_new + 2               # only the new posts' units
        ToyEncoder.calls = 0
        detect_workspace(inc, cfg, full=True)
        assert ToyEncoder.calls == 0                           # a second full run embeds nothing
    full = Workspace.open(tmp_path / "full", create=True)
    with full.writer():
        full.add_posts(posts)
        detect_workspace(full, cfg)
    order = ["source_id", "target_id"]
    a = inc.refresh().links().sort_values(order).reset_index(drop=True)
    b = full.refresh().links().sort_values(order).reset_index(drop=True)
    pd.testing.assert_frame_equal(a[sorted(a.columns)], b[sorted(b.columns)])
    assert (a["kind"] == "translation").sum() == 3 * len(MEANINGS)
    # the languages the stage identified show in the posts table, by default and when asked for
    shown = full.posts()
    assert "lang_detected" in shown.columns
    lang = dict(zip(shown["post_id"], shown["lang_detected"]))
    assert (lang["z0"], lang["r0"], lang["e0"]) == ("zh", "ru", "en")
    assert full.posts(columns=["lang_detected"]).columns.tolist() == ["lang_detected"]
    assert "lang_detected" not in full.posts(columns=["post_id", "text"]).columns


# ----------------------------------------------------------------------------- the packaged model


def test_real_model_links_zh_ru_en_translations_and_not_unrelated_news():
    en, ru, zh = ("The foreign ministry spokesperson said China firmly opposes US arms sales to Taiwan and urges "
                  "the US to stop immediately.",
                  "Официальный представитель МИД Китая заявил, что Пекин решительно выступает против продажи "
                  "американского оружия Тайваню и призывает США немедленно прекратить.",
                  "外交部发言人表示，中方坚决反对美国对台湾的军售，敦促美方立即停止。")
    posts = _posts([("zh", "mfa", 0, zh), ("ru", "sputnik", 4, ru), ("en", "cgtn", 6, en),
                    ("u1", "bbc", 5, "The football season starts on Saturday with a match in London."),
                    ("u2", "tass", 7, "Погода в Москве будет солнечной на выходных, сообщили синоптики."),
                    ("u3", "xinhua", 8, "今年夏天的电影票房创下新纪录，观众人数大幅增长。")])
    links = detect(posts, semantic=True)
    pairs = set(zip(links["source_id"], links["target_id"]))
    assert {("zh", "ru"), ("zh", "en"), ("ru", "en")} <= pairs
    assert not any(p[0].startswith("u") or p[1].startswith("u") for p in pairs)
    assert set(links["kind"]) == {"translation"}
    assert (links["score"] > 50).all()


def test_sentences_whose_numbers_differ_are_not_aligned():
    en = "The maximum load for one sleeping place is 140 kg, the maker said."
    ru = "Максимальная нагрузка на одно спальное место составляет 150 кг, сообщил производитель."
    ru_same = ru.replace("150", "140")
    enc = get_encoder("toy")
    base = np.random.default_rng(7).standard_normal(enc.dim)
    for s in (en, ru, ru_same):
        enc.meaning[s] = base
    assert detect(_posts([("a", "bbc", 0, en), ("b", "tass", 2, ru)]), **TOY).empty
    links = detect(_posts([("a", "bbc", 0, en), ("b", "tass", 2, ru_same)]), **TOY)
    assert links["kind"].tolist() == ["translation"]


def test_cli_detect_semantic_then_links_kind_translation(tmp_path):
    from click.testing import CliRunner

    from amplify.cli import cli
    from amplify.workspace import Workspace

    en, ru, zh = MEANINGS[0]
    ws = Workspace.open(tmp_path / "ws", create=True)
    with ws.writer():
        ws.add_posts(_posts([("zh1", "mfa", 0, zh), ("ru1", "sputnik", 3, ru), ("x", "bbc", 4, FILLER[3])]))
    run = CliRunner().invoke(cli, ["detect", "--workspace", str(tmp_path / "ws"), "--semantic", "-q",
                                   "--format", "json"], catch_exceptions=False)
    assert run.exit_code == 0, run.output
    assert json.loads(run.output)["semantic_links"] >= 1
    got = CliRunner().invoke(cli, ["links", "--workspace", str(tmp_path / "ws"), "--kind", "translation",
                                   "--format", "csv"], catch_exceptions=False)
    assert got.exit_code == 0, got.output
    rows = pd.read_csv(pd.io.common.StringIO(got.output))
    assert list(zip(rows["source_id"], rows["target_id"])) == [("zh1", "ru1")]
    assert (tmp_path / "ws" / "embeddings").is_dir()
    settings = Workspace.open(tmp_path / "ws").linksets()[-1]["settings"]
    assert settings["semantic"] is True and settings["encoder"] == "use-m3"


def test_explain_shows_aligned_sentence_pairs_escaped():
    from amplify.analyze.explain import Explanation, link_spans
    from amplify.render.explain import explain_html, explain_record

    src = "<script>alert(1)</script> 外交部发言人表示。第二句。"
    tgt = "Intro. The spokesman said <b>so</b>. Second."
    link = {"kind": "translation", "score": 70.0, "lag_s": 3600.0, "aligned": "[[0,35,7,37,72],[35,39,38,45,61]]"}
    ex = Explanation(link=link, source={"post_id": "a", "outlet": "mfa", "text": src},
                     target={"post_id": "b", "outlet": "tass", "text": tgt}, passages=link_spans(link))
    assert ex.passages == [(0, 35, 7, 37), (35, 39, 38, 45)]
    rec = explain_record(ex)
    assert rec["aligned"][0] == {"passage": 1, "source": src[0:35], "target": tgt[7:37], "cosine": 0.72}
    page = explain_html(ex)
    assert "Aligned sentences (2)" in page and "<script>" not in page and "<b>so" not in page
    assert "&lt;script&gt;" in page and "0.61" in page
    # a damaged cell shows no pairs instead of failing
    assert link_spans({**link, "aligned": "[[1,2"}) == []


# one ministry line, translated or reposted by many outlets of both camps (the main use case of #13)
_ECHO_SOURCE = "外交部发言人表示，中方坚决反对美国对台湾的军售，敦促美方立即停止。"
_ECHOES = [
    ("cgtn", "The foreign ministry spokesperson said China firmly opposes US arms sales to Taiwan and urges "
             "the US to stop immediately."),
    ("sputnik", "Официальный представитель МИД Китая заявил, что Пекин решительно выступает против продажи "
                "американского оружия Тайваню и призывает США немедленно прекратить."),
    ("globaltimes", "China firmly opposes the US arms sales to Taiwan and urges Washington to stop them at once, "
                    "the foreign ministry spokesperson said."),
    ("tass", "Китай решительно против продажи США оружия Тайваню и призывает американскую сторону немедленно "
             "остановить её, заявил представитель МИД КНР."),
    ("rt", "The foreign ministry spokesperson said China firmly opposes US arms sales to Taiwan and urges "
           "the US to stop immediately."),
    ("ria", "Официальный представитель МИД Китая заявил, что Пекин решительно выступает против продажи "
            "американского оружия Тайваню и призывает США немедленно прекратить."),
    ("xinhua_en", "Beijing strongly opposes American weapons sales to Taiwan and calls on the United States to "
                  "halt them immediately, a foreign ministry spokesman said."),
    ("izvestia", "МИД КНР: Пекин решительно выступает против поставок американского оружия Тайваню и требует "
                 "от США немедленно их прекратить."),
]
_UNRELATED = [
    ("bbc", "The football season starts on Saturday with a match in London."),
    ("meduza", "Погода в Москве будет солнечной на выходных, сообщили синоптики."),
    ("people", "今年夏天的电影票房创下新纪录，观众人数大幅增长。"),
    ("reuters", "Oil prices rose on Tuesday after a fall in US crude stockpiles."),
    ("kommersant", "Центральный банк сохранил ключевую ставку без изменений."),
    ("chinadaily", "暴雨导致南方多个省份发生洪灾，数千人被紧急疏散。"),
    ("guardian", "A new exhibition of Impressionist paintings opens at the museum next week."),
    ("rbc", "Российские авиакомпании увеличили перевозки пассажиров на внутренних рейсах."),
]


@pytest.mark.parametrize("n", [1, 4, 8])
def test_real_model_every_echo_of_a_widely_echoed_sentence_keeps_its_link(n):
    # each echo's own echoes are its nearest neighbours: they must not raise its density so far that
    # the margin drops its link to the source (reposted copies are cosine 1 to each other)
    rows = [("src", "mfa", 0, _ECHO_SOURCE)]
    rows += [(f"e{i}", outlet, 1 + 2 * i, text) for i, (outlet, text) in enumerate(_ECHOES[:n])]
    rows += [(f"u{i}", outlet, 2 * i + 0.5, text) for i, (outlet, text) in enumerate(_UNRELATED)]
    links = detect(_posts(rows), semantic=True)
    pairs = set(zip(links["source_id"], links["target_id"]))
    missing = [f"e{i}" for i in range(n) if ("src", f"e{i}") not in pairs]
    assert not missing, f"echoes without their link to the source: {missing}"
    assert not any(p[0].startswith("u") or p[1].startswith("u") for p in pairs)
    echo = links[links["source_id"] == "src"]
    assert set(echo["kind"]) == {"translation"}


class _SlowToy(ToyEncoder):
    """The toy encoder, 0.4 s per call: a stand-in for a model that takes minutes."""

    name = "slow-toy"

    def encode(self, texts):
        import time
        time.sleep(0.4)
        return super().encode(texts)


register_encoder("slow-toy", _SlowToy)


def test_the_semantic_stage_has_its_own_step_and_its_time_is_not_counted_in_orient(capsys):
    from amplify.detect import DetectStats

    rows = [("a1", "a", 0, MEANINGS[0][0]), ("b1", "b", 2, MEANINGS[0][1])]
    stats = DetectStats()
    detect(_posts(rows), semantic=True, encoder="slow-toy", stats=stats, progress=True)
    # the encoder's 0.4 s are the semantic stage's, and orient's own work (a few links) takes less
    assert stats.seconds["semantic"] >= 0.4 and stats.seconds["orient"] < stats.seconds["semantic"]
    bar = capsys.readouterr().err
    assert "semantic (embedding and aligning the sentences of 2 posts)" in bar
