"""Tests for the generator's profiles: the patterns of real text planted on top of the default world.

The default world must not move (``profile="default"`` is the generator as it
always was, and the other profiles keep every default row as it is); each
planted pattern must have, in its texts, the property that makes it the case
it is meant to be (a multi-passage echo shares sentences but not a bag of
words, a rewording shares few runs, a template differs only in numbers and
names, ...). Corpora are small and seeded.
"""

from __future__ import annotations

import difflib
import importlib.util
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from amplify.synth import (
    CORPUS_FILES,
    PROFILES,
    REAL_ECHO_KINDS,
    REAL_NEGATIVE_KINDS,
    SPANS_FILE,
    generate,
    read_corpus,
    write_corpus,
)
from amplify.synth import real_frames as rf
from amplify.synth.real_text import dice, longest_shared_run, shared_grams, slot_names, units

N = 2000
SEED = 11
DAY = 86400


@pytest.fixture(scope="module")
def default():
    return generate(n_posts=N, seed=SEED)


@pytest.fixture(scope="module")
def real():
    return generate(n_posts=N, seed=SEED, profile="realistic")


@pytest.fixture(scope="module")
def held():
    return generate(n_posts=N, seed=SEED, profile="heldout")


def _rows(corpus, kind):
    t = corpus.truth_links
    return t[t["kind"] == kind]


def _neg(corpus, kind):
    n = corpus.negatives
    return n[n["kind"] == kind]


def _pairs(corpus, kind, negative=False):
    p = corpus.posts.set_index("post_id")["text"]
    rows = _neg(corpus, kind) if negative else _rows(corpus, kind)
    a, b = ("a_id", "b_id") if negative else ("source_id", "target_id")
    return [(r, p[getattr(r, a)], p[getattr(r, b)]) for r in rows.itertuples()]


def _sentences(text):
    return [s for s in re.split(r"(?<=[.!?])\s+|\n+", text) if s.strip()]


def _contained(a, b):
    """Share of the units of ``a`` found, in order, in ``b``."""
    ua = units(a)
    blocks = difflib.SequenceMatcher(None, ua, units(b), autojunk=False).get_matching_blocks()
    return sum(m.size for m in blocks) / max(1, len(ua))


# --------------------------------------------------------------------------- the default world does not move


@pytest.mark.parametrize("seed", [0, 5])
def test_default_profile_is_the_default_world(tmp_path, seed):
    a = generate(n_posts=600, seed=seed)
    b = generate(n_posts=600, seed=seed, profile="default")
    for name in ("posts", "outlets", "truth_links", "negatives"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
    assert a.truth == b.truth
    assert a.spans is None and b.spans is None
    write_corpus(a, tmp_path / "a")
    write_corpus(b, tmp_path / "b")
    assert {p.name for p in (tmp_path / "b").iterdir()} == set(CORPUS_FILES)
    for name in CORPUS_FILES:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


@pytest.mark.parametrize("which", ["real", "held"])
def test_profiles_keep_every_default_row(request, default, which):
    c = request.getfixturevalue(which)
    planted = c.posts["post_id"].str.startswith("r")
    assert planted.sum() == c.truth["profile"]["posts"] > 0
    assert list(c.posts.columns) == list(default.posts.columns)
    pd.testing.assert_frame_equal(c.posts[~planted].reset_index(drop=True), default.posts)
    pd.testing.assert_frame_equal(c.outlets, default.outlets)
    k = len(default.truth_links)
    assert list(c.truth_links.columns) == list(default.truth_links.columns)
    pd.testing.assert_frame_equal(c.truth_links.iloc[:k].reset_index(drop=True), default.truth_links,
                                  check_dtype=False)
    assert not c.truth_links["kind"].iloc[k:].isin(default.truth_links["kind"]).any()
    m = len(default.negatives)
    assert list(c.negatives.columns) == list(default.negatives.columns)
    pd.testing.assert_frame_equal(c.negatives.iloc[:m].reset_index(drop=True), default.negatives, check_dtype=False)
    for key in ("camps", "camp_links", "camp_lift", "bridges", "surge", "viral_families", "echo_matrix", "period"):
        assert c.truth[key] == default.truth[key], key
    # the surge stays the default world's: no planted post names the surge term
    assert not c.posts.loc[planted, "text"].str.contains(c.truth["surge"]["term"], case=False).any()
    # the planted posts come from the world's own outlets, in time order with the rest
    assert set(c.posts["outlet"]) <= set(c.outlets["outlet"])
    assert c.posts["published_at"].is_monotonic_increasing
    r_ids = c.posts.loc[planted, "post_id"]
    assert r_ids.str.fullmatch(r"r\d{7}").all() and r_ids.is_monotonic_increasing


def test_profiles_are_deterministic_and_distinct(tmp_path, real, held):
    again = generate(n_posts=N, seed=SEED, profile="realistic")
    for name in ("posts", "truth_links", "negatives", "spans"):
        pd.testing.assert_frame_equal(getattr(real, name), getattr(again, name))
    assert real.truth == again.truth
    write_corpus(real, tmp_path / "a")
    write_corpus(again, tmp_path / "b")
    for name in CORPUS_FILES + (SPANS_FILE,):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    other = generate(n_posts=N, seed=SEED + 1, profile="realistic")
    planted = set(real.posts.loc[real.posts["post_id"].str.startswith("r"), "text"])
    # (a few short headlines may come out the same: "China applies to join NATO")
    assert len(planted & set(other.posts["text"])) < 0.1 * len(planted)
    assert len(planted & set(held.posts["text"])) < 0.1 * len(planted)
    assert held.truth["profile"]["name"] == "heldout" and held.truth["profile"]["held_out_frames"]


def test_unknown_profile_raises():
    with pytest.raises(ValueError, match="profile"):
        generate(n_posts=200, profile="nope")


def test_write_and_read_back_with_spans(tmp_path, real):
    paths = write_corpus(real, tmp_path / "out")
    assert sorted(Path(p).name for p in paths) == sorted(CORPUS_FILES + (SPANS_FILE,))
    back = read_corpus(tmp_path / "out")
    for name in ("posts", "truth_links", "negatives", "spans"):
        pd.testing.assert_frame_equal(getattr(back, name).reset_index(drop=True),
                                      getattr(real, name).reset_index(drop=True), check_dtype=False)
    assert back.truth == real.truth
    assert SPANS_FILE in back.truth["files"]


# --------------------------------------------------------------------------- truth of the planted posts


@pytest.mark.parametrize("which", ["real", "held"])
def test_planted_truth_is_consistent(request, which):
    c = request.getfixturevalue(which)
    posts = c.posts.set_index("post_id")
    links = c.truth_links[c.truth_links["kind"].isin(REAL_ECHO_KINDS)]
    assert set(links["kind"]) == set(REAL_ECHO_KINDS)
    assert links["source_id"].str.startswith("r").all() and links["target_id"].str.startswith("r").all()
    assert (links["root_id"] == links["source_id"]).all()  # every planted source is an original
    assert not links["source_id"].isin(links["target_id"]).any()
    src, tgt = posts.loc[links["source_id"]], posts.loc[links["target_id"]]
    lag = (tgt["published_at"].to_numpy() - src["published_at"].to_numpy()) / np.timedelta64(1, "s")
    assert (lag == links["lag_s"].to_numpy()).all() and (lag >= 45).all()
    assert (src["outlet"].to_numpy() != tgt["outlet"].to_numpy()).all()
    assert (src["lang"].to_numpy() == tgt["lang"].to_numpy()).all()
    counts = c.truth["counts"]
    assert counts["posts"] == len(c.posts)
    assert counts["echoes"] == len(c.truth_links)
    for k in REAL_ECHO_KINDS:
        assert counts["echoes_by_kind"][k] == (links["kind"] == k).sum() > 0
    neg = c.negatives[c.negatives["kind"].isin(REAL_NEGATIVE_KINDS)]
    assert set(neg["kind"]) == set(REAL_NEGATIVE_KINDS)
    assert c.truth["negatives"]["counts"] == c.negatives["kind"].value_counts().to_dict()
    a, b = posts.loc[neg["a_id"]], posts.loc[neg["b_id"]]
    assert (a["published_at"].to_numpy() < b["published_at"].to_numpy()).all()
    assert not (neg["a_id"].isin(c.truth_links["target_id"]) | neg["b_id"].isin(c.truth_links["target_id"])).any()
    assert c.truth["params"]["profile"] == {"real": "realistic", "held": "heldout"}[which]


@pytest.mark.parametrize("which", ["real", "held"])
def test_statements_come_from_ministries_and_keep_the_camp_structure(request, which):
    c = request.getfixturevalue(which)
    posts = c.posts.set_index("post_id")
    out = c.outlets.set_index("outlet")
    long = c.truth_links[c.truth_links["kind"].isin(["passages", "quote_back"])]
    src_kind = out.loc[posts.loc[long["source_id"], "outlet"], "kind"]
    assert (src_kind == "ministry").all()
    tgt = out.loc[posts.loc[long["target_id"], "outlet"]]
    assert (tgt["kind"] != "ministry").all()
    src_camp = out.loc[posts.loc[long["source_id"], "outlet"], "group"].to_numpy()
    # WEST never echoes another camp
    assert not ((tgt["group"].to_numpy() == "WEST") & (src_camp != "WEST")).any()


# --------------------------------------------------------------------------- the patterns, from their texts


@pytest.mark.parametrize("which", ["real", "held"])
def test_passages_reuse_sentences_not_the_bag_of_words(request, which):
    c = request.getfixturevalue(which)
    pairs = _pairs(c, "passages")
    assert len(pairs) >= 10
    spans = c.spans[c.spans["kind"] == "passages"]
    for r, s, t in pairs:
        assert 150 <= len(units(t)) <= 600 and 150 <= len(units(s)) <= 600
        assert dice(s, t) < 0.55
        # at least two long sentences of the source reappear, lightly edited
        long = [x for x in _sentences(s) if len(units(x)) >= 10]
        tsents = _sentences(t)
        reused = [x for x in long if max(_contained(x, y) for y in tsents) >= 0.6]
        assert len(reused) >= 2, (s, t)
        mine = spans[(spans["source_id"] == r.source_id) & (spans["target_id"] == r.target_id)]
        assert 2 <= len(mine) <= 4
        ends = []
        for sp in mine.itertuples():
            a, b = s[sp.source_start:sp.source_end], t[sp.target_start:sp.target_end]
            assert len(units(a)) >= 10 and a != b and _contained(a, b) >= 0.6, (a, b)
            assert sp.edits  # every reused sentence is edited
            ends.append((sp.target_start, sp.target_end))
        ends.sort()
        for (_, e0), (s1, _) in zip(ends, ends[1:]):
            assert len(units(t[e0:s1])) >= 5  # new text between the reused sentences


@pytest.mark.parametrize("which", ["real", "held"])
def test_rewords_restate_in_other_words(request, which):
    c = request.getfixturevalue(which)
    pairs = _pairs(c, "reword")
    assert len(pairs) >= 10
    for r, s, t in pairs:
        assert s != t
        assert len(shared_grams(s, t, 4)) < 2, (s, t)
        assert re.findall(r"\d+", s) == re.findall(r"\d+", t) or sorted(re.findall(r"\d+", s)) == sorted(
            re.findall(r"\d+", t))
        if re.search(r"[A-Za-zА-я]", s):
            assert 6 <= len(s.split()) <= 12 and 6 <= len(t.split()) <= 12, (s, t)


def test_rewords_and_quote_backs_in_three_languages(real, held):
    for kind in ("reword", "quote_back"):
        langs = set()
        for c in (real, held):
            lang = c.posts.set_index("post_id")["lang"]
            langs |= set(lang[_rows(c, kind)["target_id"]])
        assert langs == {"en", "ru", "zh"}, kind


_SAME = {"PS": "P", "AN": "A", "BN": "B", "P1S": "P1", "P1T": "P1", "P2S": "P2", "P2T": "P2"}


def _canonical_slots(frame):
    """The slots a frame names, a person's surname or title and a country's adjective counting as the name."""
    return {_SAME.get(x, x) for x in slot_names(frame)}


def test_frames_name_the_same_slots_in_every_realization():
    for frames in (rf.REWORD_EN, rf.REWORD_RU, rf.REWORD_ZH):
        for frame in frames:
            assert len({frozenset(_canonical_slots(x)) for x in frame}) == 1, frame
    for ev in rf.EVENTS_EN:
        for fact in ev["facts"]:
            assert len({frozenset(_canonical_slots(x)) for x in fact}) == 1, fact
    # every list has held-out entries and others
    for entries in (rf.REWORD_EN, rf.REWORD_RU, rf.REWORD_ZH, rf.TEMPLATES_EN, rf.ENTITY_SWAP_EN,
                    rf.NUMBER_SWAP_EN, rf.TOPIC_PHRASES_EN, rf.TOPIC_FRAMES_EN, rf.EVENTS_EN, rf.NAME_TITLES_EN,
                    rf.QUOTE_BACK_EN, rf.QUOTE_BACK_RU, rf.QUOTE_BACK_ZH):
        assert rf.split_frames(entries, True) and len(rf.split_frames(entries, False)) >= 2
    assert len(rf.split_frames(rf.NAME_TITLE_FORMS_EN, True)) >= 2  # a pair uses two forms


@pytest.mark.parametrize("which", ["real", "held"])
def test_quote_backs_quote_a_long_sentence_weeks_later(request, which):
    c = request.getfixturevalue(which)
    posts = c.posts.set_index("post_id")
    rows = _rows(c, "quote_back")
    assert len(rows) >= 10
    assert (rows["lag_s"] > 7 * DAY).mean() > 0.5  # mostly beyond the default window
    assert (rows["lag_s"] <= 90 * DAY).all()
    multi = rows[rows["target_id"].duplicated(keep=False)]
    assert len(multi) >= 2
    for _t, grp in multi.groupby("target_id"):
        times = posts.loc[grp["source_id"], "published_at"]
        assert grp["source_id"].nunique() == 2 and abs(times.iloc[0] - times.iloc[1]) >= pd.Timedelta(days=1)
    spans = c.spans[c.spans["kind"] == "quote_back"]
    assert len(spans) == len(rows)
    out = c.outlets.set_index("outlet")
    for sp in spans.itertuples():
        s, t = posts.loc[sp.source_id, "text"], posts.loc[sp.target_id, "text"]
        a, b = s[sp.source_start:sp.source_end], t[sp.target_start:sp.target_end]
        assert len(units(a)) >= 12
        assert a[1:-1] == b[1:-1] and a[:1].lower() == b[:1].lower(), (a, b)  # as said, at most re-cased or re-punctuated
    names = {o: [r.name] + r.aliases.split("|") for o, r in out.iterrows()}
    for r in rows.itertuples():
        t = posts.loc[r.target_id, "text"]
        if r.attributed:
            assert any(a in t for a in names[posts.loc[r.source_id, "outlet"]])
        assert re.search(r"spokesperson|представитель|发言人|" + "|".join(
            re.escape(a) for a in names[posts.loc[r.source_id, "outlet"]]), t)


def _split(shared, text):
    """The parts of ``text`` that stand for the ``*`` of a shared frame."""
    rx = re.compile("^" + "(.+?)".join(re.escape(p) for p in shared.split("*")) + "$")
    return rx.match(text).groups()


@pytest.mark.parametrize("which", ["real", "held"])
def test_templates_differ_only_in_numbers_and_names(request, which):
    c = request.getfixturevalue(which)
    pairs = _pairs(c, "template", negative=True)
    assert len(pairs) >= 10
    for r, a, b in pairs:
        assert "*" in r.shared
        diffs = [(x, y) for x, y in zip(_split(r.shared, a), _split(r.shared, b)) if x != y]
        assert diffs, (a, b)
        for x, y in diffs:
            for v in (x, y):
                assert re.fullmatch(r"[\d.,]+|[A-Z][\w'-]*", v), (v, a, b)
        assert len(units(a)) == len(units(b))


@pytest.mark.parametrize("which", ["real", "held"])
def test_same_event_reports_share_names_not_sentences(request, which):
    c = request.getfixturevalue(which)
    posts = c.posts.set_index("post_id")
    pairs = _pairs(c, "same_event", negative=True)
    assert len(pairs) >= 8
    camp = c.outlets.set_index("outlet")["group"]
    for r, a, b in pairs:
        assert camp[posts.loc[r.a_id, "outlet"]] != camp[posts.loc[r.b_id, "outlet"]]
        assert not shared_grams(a, b, 6), (a, b)
        for name in r.shared.split("; "):
            assert name in a and name in b, (name, a, b)



def test_some_same_event_reports_sit_inside_the_old_paraphrase_threshold(real, held):
    over = [dice(a, b) >= 0.55 for c in (real, held) for _r, a, b in _pairs(c, "same_event", negative=True)]
    assert sum(over) >= 1


@pytest.mark.parametrize("which", ["real", "held"])
@pytest.mark.parametrize("kind", ["entity_swap", "number_swap"])
def test_swaps_differ_in_one_entity_or_number(request, which, kind):
    c = request.getfixturevalue(which)
    pairs = _pairs(c, kind, negative=True)
    assert len(pairs) >= 10
    for r, a, b in pairs:
        (x,), (y,) = _split(r.shared, a), _split(r.shared, b)
        assert x != y
        if kind == "number_swap":
            assert re.fullmatch(r"[\d.]+", x) and re.fullmatch(r"[\d.]+", y)
        else:
            assert x[:1].isupper() and y[:1].isupper()


@pytest.mark.parametrize("which", ["real", "held"])
def test_topic_word_pairs_share_only_the_topic(request, which):
    c = request.getfixturevalue(which)
    pairs = _pairs(c, "topic_words", negative=True)
    assert len(pairs) >= 10
    for r, a, b in pairs:
        assert r.shared in a and r.shared in b and a != b
        assert longest_shared_run(a, b) <= len(units(r.shared)) + 1, (a, b)
        assert 4 <= len(a.split()) <= 12 and 4 <= len(b.split()) <= 12


@pytest.mark.parametrize("which", ["real", "held"])
def test_name_title_pairs_share_exactly_the_phrase(request, which):
    c = request.getfixturevalue(which)
    pairs = _pairs(c, "name_title", negative=True)
    assert len(pairs) >= 10
    for r, a, b in pairs:
        assert r.shared in a and r.shared in b
        assert longest_shared_run(a, b) == len(units(r.shared)), (r.shared, a, b)
        assert dice(a, b) < 0.55


def test_heldout_uses_other_frames(real, held):
    def template_frames(c):
        return set(_neg(c, "template")["shared"].map(lambda s: re.sub(r"\b[A-Z][\w']*\b", "", s)))

    def frames_of(c, kind):
        return set(_neg(c, kind)["shared"].map(lambda s: re.sub(r"[A-Z][\w']*|\d[\d.]*", "", s)))

    assert template_frames(real).isdisjoint(template_frames(held))
    for kind in ("entity_swap", "number_swap"):
        assert frames_of(real, kind).isdisjoint(frames_of(held, kind)), kind
    assert set(_neg(real, "topic_words")["shared"]).isdisjoint(_neg(held, "topic_words")["shared"])
    rp, hp = real.truth["profile"], held.truth["profile"]
    assert rp["stream"] != hp["stream"] and rp["per_10k"] != hp["per_10k"]


# --------------------------------------------------------------------------- the benchmark's scoring


def _quality_module():
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "quality.py"
    spec = importlib.util.spec_from_file_location("quality_bench", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_benchmark_scores_multi_parent_targets_and_negative_kinds():
    q = _quality_module()
    truth = pd.DataFrame({
        "source_id": ["a", "b", "c", "x"], "target_id": ["t", "t", "u", "y"],
        "kind": ["quote_back", "quote_back", "reword", "quote"], "root_id": ["a", "b", "c", "x"],
        "attributed": [True, False, False, False], "lag_s": [10 * DAY, 2 * DAY, 60, 600]})
    negatives = pd.DataFrame({"a_id": ["n1", "m1", "k1"], "b_id": ["n2", "m2", "k2"],
                              "kind": ["template", "name_title", "template"], "shared": ["*", "x", "*"]})
    links = pd.DataFrame({"source_id": ["a", "b", "n1", "x", "k1"], "target_id": ["t", "t", "n2", "y", "k2"],
                          "kind": ["quote", "quote", "verbatim", "quote", "template"],
                          "is_parent": [True, False, True, True, False]})
    out = q.score_links(truth, negatives, links)
    assert out["by_kind"]["quote_back"] == {"planted": 2, "recall": 1.0, "exact_parent": 1.0}
    assert out["by_kind"]["reword"]["recall"] == 0.0
    assert out["precision"] == 0.75  # the template pair is not a planted family
    # a link of kind template is no echo: left out of precision, counted apart
    assert out["links"] == 4
    assert out["negatives"]["by_kind"]["template"] == {"pairs": 2, "linked": 1, "template": 1}
    assert out["negatives"]["by_kind"]["name_title"] == {"pairs": 1, "linked": 0, "template": 0}
    assert out["by_lag"]["quote_back > 7 days"] == {"planted": 1, "recall": 1.0, "exact_parent": 1.0}
    assert set(PROFILES) >= {"default", "realistic", "heldout"}
