"""Tests for amplify.synth: the seeded ground-truth corpus generator.

Each test checks a property of the generated world that later quality claims
rely on (the truth is consistent with the posts, the planted structure is
there, files round-trip). The corpora are small and seeded, so the suite is
fast and every failure is reproducible.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from amplify import schema
from amplify.synth import (
    CAMPS,
    CORPUS_FILES,
    ECHO_KINDS,
    NEGATIVE_KINDS,
    generate,
    read_corpus,
    write_corpus,
)
from amplify.synth.lexicon import plural  # the generator's own plural rule

N = 4000
SEED = 7
CJK = "\u4e00-\u9fff"
WORD = re.compile(r"\w+")


@pytest.fixture(scope="module")
def corpus():
    return generate(n_posts=N, seed=SEED)


@pytest.fixture(scope="module")
def hostile():
    return generate(n_posts=1500, seed=3, hostile_fraction=0.1)


@pytest.fixture(scope="module")
def big():
    """A larger corpus for camp-level structure, where counts per outlet are small at N."""
    return generate(n_posts=12000, seed=SEED + 100)


def _join(corpus):
    posts = corpus.posts.set_index("post_id")
    camp = corpus.outlets.set_index("outlet")["group"]
    t = corpus.truth_links.copy()
    for side in ("source", "target"):
        ids = t[f"{side}_id"]
        t[f"{side}_outlet"] = posts.loc[ids, "outlet"].to_numpy()
        t[f"{side}_time"] = posts.loc[ids, "published_at"].to_numpy()
        t[f"{side}_text"] = posts.loc[ids, "text"].to_numpy()
        t[f"{side}_lang"] = posts.loc[ids, "lang"].to_numpy()
        t[f"{side}_camp"] = camp.loc[t[f"{side}_outlet"]].to_numpy()
    t["root_camp"] = camp.loc[posts.loc[t["root_id"], "outlet"]].to_numpy()
    return t


@pytest.fixture(scope="module")
def joined(corpus):
    """truth_links with source/target outlet, camp, time and text."""
    return _join(corpus)


@pytest.fixture(scope="module")
def big_joined(big):
    return _join(big)


def words(text: str) -> list[str]:
    return WORD.findall(text.lower())


# --------------------------------------------------------------------------- determinism


def test_same_seed_same_corpus_and_bytes(tmp_path, corpus):
    again = generate(n_posts=N, seed=SEED)
    pd.testing.assert_frame_equal(corpus.posts, again.posts)
    pd.testing.assert_frame_equal(corpus.outlets, again.outlets)
    pd.testing.assert_frame_equal(corpus.truth_links, again.truth_links)
    pd.testing.assert_frame_equal(corpus.negatives, again.negatives)
    assert corpus.truth == again.truth
    write_corpus(corpus, tmp_path / "a")
    write_corpus(again, tmp_path / "b")
    for name in CORPUS_FILES:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_other_seed_other_corpus(corpus):
    other = generate(n_posts=N, seed=SEED + 1)
    assert len(other.posts) == N
    assert not corpus.posts["text"].equals(other.posts["text"])
    assert not corpus.truth_links["source_id"].equals(other.truth_links["source_id"])


def test_bad_parameters_raise():
    with pytest.raises(ValueError):
        generate(n_posts=10)
    with pytest.raises(ValueError):
        generate(n_posts=1000, days=1)
    with pytest.raises(ValueError):
        generate(n_posts=1000, hostile_fraction=1.5)
    with pytest.raises(ValueError):
        generate(n_posts=1000, surge_term=" ")


# --------------------------------------------------------------------------- posts and outlets


def test_posts_are_canonical(corpus):
    posts = corpus.posts
    assert len(posts) == N
    again = schema.validate_posts(posts)
    pd.testing.assert_frame_equal(again, posts)
    assert str(posts["published_at"].dtype) == "datetime64[ns, UTC]"
    assert posts["post_id"].str.fullmatch(r"p\d{7}").all()
    assert posts["post_id"].is_unique
    assert posts["published_at"].is_monotonic_increasing  # ids are given in time order
    assert (posts["text"].str.len() > 0).all()
    assert set(posts["lang"]) == {"en", "ru", "zh"}


def test_period_is_respected(corpus):
    start = pd.Timestamp("2022-01-01", tz="UTC")
    t = corpus.posts["published_at"]
    assert t.min() >= start
    assert t.max() <= start + pd.Timedelta(days=30)


def test_outlets_cover_posts_and_camps(corpus):
    out = corpus.outlets
    schema.validate_outlets(out)
    assert list(out.columns) == ["outlet", "group", "kind", "name", "country", "aliases"]
    assert out["outlet"].is_unique
    assert set(corpus.posts["outlet"]) <= set(out["outlet"])
    assert set(out["group"]) == set(CAMPS)
    assert {"ministry", "diplomat", "state_media"} <= set(out["kind"])
    assert set(out.loc[out["group"] == "WEST", "kind"]) >= {"independent"}
    assert 40 <= len(out) <= 3000
    core = out.set_index("outlet")
    assert core.loc["mfa_china", "name"] == "Chinese Foreign Ministry"
    assert "MFA China" in core.loc["mfa_china", "aliases"].split("|")
    assert core.loc["tass_agency", "name"] == "TASS"


def test_aliases_are_unambiguous(corpus):
    # No alias of one outlet appears, as whole words, inside an alias of another:
    # attribution by name must point to one outlet.
    pairs = [(o, a.casefold()) for o, al in zip(corpus.outlets["outlet"], corpus.outlets["aliases"])
             for a in al.split("|")]
    clashes = [(o1, a1, o2, a2) for o1, a1 in pairs for o2, a2 in pairs
               if o1 != o2 and re.search(r"(?<!\w)" + re.escape(a1) + r"(?!\w)", a2)]
    assert clashes == []


def test_originals_never_name_an_outlet(corpus):
    # Generic subjects ("The Foreign Ministry", "Beijing") must not look like an
    # outlet's name, or attribution could not be measured.
    posts = corpus.posts
    orig = posts.loc[~posts["post_id"].isin(corpus.truth_links["target_id"]), "text"]
    big = "\n".join(orig)
    aliases = sorted({a for al in corpus.outlets["aliases"] for a in al.split("|")}, key=len, reverse=True)
    cjk = [a for a in aliases if re.search(f"[{CJK}]", a)]
    other = [a for a in aliases if a not in cjk]
    found = [a for a in cjk if a in big]
    found += re.findall(r"(?<!\w)(?:" + "|".join(map(re.escape, other)) + r")(?!\w)", big)
    assert found == []


def test_original_length_and_scripts(corpus, joined):
    posts = corpus.posts
    orig = posts[~posts["post_id"].isin(corpus.truth_links["target_id"])]
    n_words = orig.loc[orig["lang"] != "zh", "text"].str.split().str.len()
    assert 30 <= n_words.median() <= 60
    assert (n_words.between(20, 80)).mean() > 0.98
    ru = posts.loc[posts["lang"] == "ru", "text"]
    zh = posts.loc[posts["lang"] == "zh", "text"]
    assert len(ru) > 0 and ru.str.contains("[А-Яа-яЁё]").all()
    assert len(zh) > 0 and zh.str.contains(f"[{CJK}]").all()
    # Echoes stay in the script of their source.
    assert (joined["source_lang"] == joined["target_lang"]).all()


def test_chinese_has_no_spaces_between_cjk_characters(corpus):
    zh = corpus.posts.loc[corpus.posts["lang"] == "zh", "text"]
    assert len(zh) > 20
    bad = zh[zh.str.contains(f"[{CJK}]\\s+[{CJK}]")]
    assert bad.empty, bad.head().tolist()
    # ... and they hold real runs of several characters, not isolated ones.
    assert zh.str.contains(f"[{CJK}]{{8,}}").all()


# --------------------------------------------------------------------------- truth links


def test_truth_links_point_earlier_to_later(joined):
    assert list(joined.columns[:6]) == ["source_id", "target_id", "kind", "root_id", "attributed", "lag_s"]
    assert (joined["source_time"] < joined["target_time"]).all()
    lag = (joined["target_time"] - joined["source_time"]).dt.total_seconds()
    assert (lag == joined["lag_s"]).all()
    assert (joined["lag_s"] >= 45).all()
    assert (joined["lag_s"] < 7 * 86400).all()
    assert (joined["lag_s"] < 2 * 86400).mean() > 0.9  # mostly under two days
    assert (joined["lag_s"] < 600).any()  # and some within minutes


def test_truth_ids_exist_and_each_target_once(corpus, joined):
    ids = set(corpus.posts["post_id"])
    links = corpus.truth_links
    assert set(links["source_id"]) <= ids
    assert set(links["target_id"]) <= ids
    assert set(links["root_id"]) <= ids
    assert links["target_id"].is_unique
    assert (joined["source_outlet"] != joined["target_outlet"]).all()
    # roots are originals, and a direct echo of an original has that original as root
    assert not links["root_id"].isin(links["target_id"]).any()
    first = ~links["source_id"].isin(links["target_id"])
    assert (links.loc[first, "root_id"] == links.loc[first, "source_id"]).all()
    assert 0.2 < len(links) / len(corpus.posts) < 0.4


def test_all_kinds_chains_and_viral_families(corpus):
    links = corpus.truth_links
    assert set(links["kind"]) == set(ECHO_KINDS)
    counts = links["kind"].value_counts()
    assert (counts >= 30).all(), counts.to_dict()
    chained = links["source_id"].isin(links["target_id"])
    assert chained.sum() > 20  # A -> B -> C
    assert links.groupby("root_id").size().max() >= 10  # viral families
    q = links[links["kind"] == "quote"]["attributed"]
    assert q.any() and (~q).any()
    assert corpus.truth["counts"]["echoes_by_kind"] == {k: int(counts[k]) for k in ECHO_KINDS}


def test_platform_ids(corpus):
    posts = corpus.posts.set_index("post_id")
    links = corpus.truth_links.set_index("target_id")
    rp = posts["reposted_id"].dropna()
    assert len(rp) > 0
    assert set(rp.index) == set(links.index[links["kind"] == "repost"])
    assert (rp == links.loc[rp.index, "source_id"]).all()
    assert (posts.loc[rp.to_numpy(), "published_at"].to_numpy() < posts.loc[rp.index, "published_at"].to_numpy()).all()
    qp = posts["quoted_id"].dropna()
    assert len(qp) > 0
    assert (links.loc[qp.index, "kind"] == "quote").all()
    assert (qp == links.loc[qp.index, "source_id"]).all()


def test_echo_texts_match_their_kind(corpus, joined):
    handles = dict(zip(corpus.outlets["outlet"], corpus.outlets["outlet"]))
    for r in joined.itertuples():
        s, t = r.source_text, r.target_text
        if r.kind == "repost":
            assert t == s or t == f"RT @{handles[r.source_outlet]}: {s}"
        elif r.kind == "verbatim":
            assert s[:40].lower() in t.lower() or s[-40:].lower() in t.lower()
            assert abs(len(t) - len(s)) < 80
        elif r.target_lang != "zh":
            sw, tw = words(s), words(t)
            if r.kind == "truncation":
                k = len(tw)
                while k and tw[:k] != sw[:k]:
                    k -= 1
                assert k >= 0.6 * len([w for w in sw]) - 8  # a long prefix (source sign-off excluded)
            elif r.kind == "quote":
                # a run of at least 12 source words appears in the target
                grams = {tuple(sw[i:i + 12]) for i in range(len(sw) - 11)}
                assert any(tuple(tw[i:i + 12]) in grams for i in range(len(tw) - 11)), (s, t)
            elif r.kind == "paraphrase":
                common = sum((Counter(sw) & Counter(tw)).values())
                assert 0.45 <= common / len(sw) <= 0.95, (s, t)


def test_paraphrases_keep_most_words_on_average(joined):
    p = joined[(joined["kind"] == "paraphrase") & (joined["target_lang"] != "zh")]
    fr = []
    for s, t in zip(p["source_text"], p["target_text"]):
        a, b = Counter(words(s)), Counter(words(t))
        fr.append(sum((a & b).values()) / sum(a.values()))
    assert 0.68 <= float(np.median(fr)) <= 0.85
    # and they are not copies: the texts differ
    assert (p["source_text"] != p["target_text"]).all()


def test_attribution_names_the_source(corpus, joined):
    out = corpus.outlets
    names = {o: [n] + al.split("|") for o, n, al in zip(out["outlet"], out["name"], out["aliases"])}
    assert all(n in al.split("|") for n, al in zip(out["name"], out["aliases"]))  # the name is an alias too
    att = joined[joined["attributed"] & joined["kind"].isin(["quote", "paraphrase"])]
    assert len(att) > 20
    for r in att.itertuples():
        assert any(a in r.target_text for a in names[r.source_outlet]), r.target_text
    un = joined[~joined["attributed"] & (joined["kind"] == "quote")]
    named = [r.target_text for r in un.itertuples()
             if any(len(a) > 4 and a in r.target_text and a not in r.source_text for a in names[r.source_outlet])]
    assert named == []


# --------------------------------------------------------------------------- planted structure


def test_west_never_echoes_another_camp(joined):
    west = joined[joined["target_camp"] == "WEST"]
    assert len(west) > 20
    assert (west["source_camp"] == "WEST").all()
    assert (west["root_camp"] == "WEST").all()


def test_ru_cn_mutual_amplification(big, big_joined):
    corpus, joined = big, big_joined
    # Echoes of camp-X outlets pointing at camp Y, over what Y's share of posts predicts.
    camp = corpus.outlets.set_index("outlet")["group"]
    share = camp.loc[corpus.posts["outlet"]].value_counts(normalize=True)
    lift = {}
    for x in ("RU", "CN", "IR"):
        e = joined[joined["target_camp"] == x]
        for y in CAMPS:
            if x != y:
                lift[(y, x)] = (e["source_camp"] == y).mean() / share[y]
    assert lift[("CN", "RU")] > 1.5 and lift[("RU", "CN")] > 1.5, lift
    assert lift[("CN", "RU")] > 2 * lift[("IR", "RU")]
    assert lift[("RU", "CN")] > 2 * lift[("IR", "CN")]
    assert corpus.truth["camp_lift"]["RU->CN"] == pytest.approx(lift[("RU", "CN")], rel=0.01)


def test_bridges_carry_content_between_camps(big, big_joined):
    corpus, joined = big, big_joined
    truth = {b["outlet"]: b for b in corpus.truth["bridges"]}
    assert truth["rusemb_beijing"]["role"] == "carries CN content into RU"
    for bridge, frm, into in (("rusemb_beijing", "CN", "RU"), ("chinaemb_moscow", "RU", "CN")):
        mine = joined[joined["target_outlet"] == bridge]
        assert len(mine) > 30
        assert (mine["source_camp"] == frm).mean() > 0.7  # it echoes the other camp ...
        carried = joined[(joined["source_outlet"] == bridge) & (joined["target_camp"] == into)
                         & (joined["root_camp"] == frm)]
        assert len(carried) >= 15  # ... and its own camp echoes what it carried
        # within its camp, it is the main relay of the other camp's content
        relayed = joined[(joined["target_camp"] == into) & (joined["root_camp"] == frm)
                         & (joined["source_camp"] == into)]
        top = relayed.groupby("source_outlet").size().sort_values(ascending=False)
        assert top.index[0] == bridge, top.head()


def test_surge_week(corpus):
    surge = corpus.truth["surge"]
    term = surge["term"]
    assert term == "Kazakhstan"
    lo, hi = pd.Timestamp(surge["start"]), pd.Timestamp(surge["end"])
    assert hi - lo == pd.Timedelta(days=7)
    posts = corpus.posts
    hit = posts["text"].str.contains(term, case=False, regex=False)
    t = posts["published_at"]
    in_week = int((hit & (t >= lo) & (t < hi)).sum())
    start = pd.Timestamp("2022-01-01", tz="UTC")
    others = []
    for w in range(4):
        a, b = start + pd.Timedelta(days=7 * w), start + pd.Timedelta(days=7 * (w + 1))
        if b <= lo or a >= hi:
            others.append(int((hit & (t >= a) & (t < b)).sum()))
    assert others, "no full baseline week"
    assert in_week >= 5 * max(max(others), 1), (in_week, others)
    assert surge["posts_mentioning_in_window"] == in_week


def test_truth_json_records_the_world(corpus):
    truth = corpus.truth
    assert truth["seed"] == SEED
    assert truth["params"]["n_posts"] == N
    assert truth["never_echoes_other_camps"] == ["WEST"]
    assert set(truth["camps"]) == set(CAMPS)
    assert sum(c["outlets"] for c in truth["camps"].values()) == len(corpus.outlets)
    assert truth["counts"]["echoes"] == len(corpus.truth_links)
    json.dumps(truth)  # serialisable


# --------------------------------------------------------------------------- hard negatives


def test_negatives_are_unrelated_pairs(corpus):
    neg = corpus.negatives
    posts = corpus.posts.set_index("post_id")
    links = corpus.truth_links
    assert set(neg["kind"]) == set(NEGATIVE_KINDS)
    assert (neg["kind"].value_counts() >= 10).all()
    assert set(neg["a_id"]) | set(neg["b_id"]) <= set(posts.index)
    # both are originals: no planted echo relates them
    targets = set(links["target_id"])
    assert not (neg["a_id"].isin(targets) | neg["b_id"].isin(targets)).any()
    assert (posts.loc[neg["a_id"], "outlet"].to_numpy() != posts.loc[neg["b_id"], "outlet"].to_numpy()).all()
    assert (posts.loc[neg["a_id"], "published_at"].to_numpy() < posts.loc[neg["b_id"], "published_at"].to_numpy()).all()
    # ... and they do share what their kind says
    for r in neg.itertuples():
        a, b = posts.loc[r.a_id, "text"], posts.loc[r.b_id, "text"]
        if r.kind == "same_topic":
            place, noun = r.shared.split(" / ")
            assert place in a and place in b
            assert (noun in a or plural(noun) in a) and (noun in b or plural(noun) in b)
        else:
            assert r.shared in a and r.shared in b, (r.kind, r.shared)
    # a near-miss shares one short phrase, not a quote: no 8-word run in common
    for r in neg[neg["kind"] == "near_miss"].itertuples():
        wa, wb = words(posts.loc[r.a_id, "text"]), words(posts.loc[r.b_id, "text"])
        grams = {tuple(wa[i:i + 8]) for i in range(len(wa) - 7)}
        assert not any(tuple(wb[i:i + 8]) in grams for i in range(len(wb) - 7))


def test_boilerplate_is_shared_widely(corpus):
    text = corpus.posts["text"]
    for phrase in ("Follow us on Telegram", "Subscribe for more"):
        hits = corpus.posts.loc[text.str.contains(phrase, regex=False), "outlet"]
        assert hits.nunique() >= 3, phrase


# --------------------------------------------------------------------------- hostile text


def test_hostile_fraction(corpus, hostile):
    assert not corpus.posts["text"].str.contains("<script", regex=False).any()
    assert not corpus.outlets["name"].str.contains("<", regex=False).any()
    text = hostile.posts["text"]
    assert text.str.contains("<script>window.__pwned=1</script>", regex=False).sum() > 5
    assert text.str.contains("onerror=", regex=False).any()
    assert text.str.contains("&lt;", regex=False).any()
    assert text.str.contains("[\x00-\x08\x0b\x0c\x0e-\x1f]").any()
    assert hostile.posts["url"].str.startswith("javascript:").any()
    assert hostile.outlets["name"].str.contains("[<\"']").any()
    assert hostile.outlets["outlet"].str.contains("[<\"']").any()
    assert 0.05 < hostile.truth["counts"]["hostile_posts"] / len(hostile.posts) < 0.2


# --------------------------------------------------------------------------- files and CLI


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True), check_dtype=False)


@pytest.mark.parametrize("which", ["corpus", "hostile"])
def test_write_and_read_back(tmp_path, request, which):
    c = request.getfixturevalue(which)
    paths = write_corpus(c, tmp_path / "out")
    assert sorted(Path(p).name for p in paths) == sorted(CORPUS_FILES)
    assert {p.name for p in (tmp_path / "out").iterdir()} == set(CORPUS_FILES)  # no temp files left
    back = read_corpus(tmp_path / "out")
    _same(back.posts, c.posts)
    _same(back.outlets.fillna(""), c.outlets.fillna(""))
    _same(back.truth_links, c.truth_links)
    _same(back.negatives, c.negatives)
    assert back.truth == c.truth
    # plain pandas reads the posts too
    raw = pd.read_csv(tmp_path / "out" / "posts.csv", dtype=str, keep_default_na=False)
    assert raw["text"].tolist() == c.posts["text"].tolist()
    assert raw["published_at"].str.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ").all()


def test_cli_generate(tmp_path):
    from amplify.cli.generate_cmd import command

    runner = CliRunner()
    res = runner.invoke(command, ["--posts", "600", "--seed", "2", "--out", str(tmp_path / "c"), "--quiet"])
    assert res.exit_code == 0, res.output
    assert "posts:" in res.output and "600" in res.output
    for k in ECHO_KINDS:
        assert k in res.output
    for c in CAMPS:
        assert c in res.output
    assert {p.name for p in (tmp_path / "c").iterdir()} == set(CORPUS_FILES)
    posts = pd.read_csv(tmp_path / "c" / "posts.csv")
    assert len(posts) == 600
    help_ = runner.invoke(command, ["--help"])
    assert help_.exit_code == 0 and "Example" in help_.output and "amplify generate" in help_.output
    bad = runner.invoke(command, ["--posts", "5", "--out", str(tmp_path / "d")])
    assert bad.exit_code != 0
