"""Citations without a matched post (issue #11, item 6): "Chinese FM: ..." links to the ministry."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from amplify.analyze.cites import find_cites
from amplify.detect import detect
from amplify.detect.attribution import attributed
from amplify.graph import group_edges, outlet_edges, outlet_graph, outlet_nodes

from routes_world import citing_world, vocabulary


@pytest.fixture(scope="module", params=[0, 1])
def world(request):
    w = citing_world(request.param)
    w["links"] = detect(w["posts"], w["outlets"])
    return w


def test_every_script_is_found_and_near_misses_are_not(world):
    c = find_cites(world["posts"], world["outlets"], world["links"])
    china = set(c.loc[c["cited_outlet"] == "mfa_china", "post_id"])
    assert china == set(world["cites"]) | {"r0"}      # r0 reprints a citing post: it names the ministry too
    texts = world["posts"].set_index("post_id")["text"]
    assert any("中国外交部" in texts[p] for p in china) and any("МИД КНР" in texts[p] for p in china)
    # "Chinese FMs" and "Foreign Ministryhouse" are other words; "МИД России" is the other ministry
    russia = set(c.loc[c["cited_outlet"] == "mfa_russia", "post_id"])
    assert russia == {p for p in texts.index if "МИД России" in texts[p]}
    assert not any(p.startswith("x") for p in china)


def test_the_fast_pass_agrees_with_attribution_on_every_pair(world):
    """The pre-pass only narrows the pairs: attribution over every (post, outlet) pair gives the same set."""
    posts, outlets = world["posts"], world["outlets"]
    names = outlets["outlet"].tolist()
    rows = np.repeat(np.arange(len(posts)), len(names))
    who = np.tile(np.asarray(names, dtype=object), len(posts))
    hit = attributed(who, posts["text"], outlets, rows=rows)
    own = posts["outlet"].to_numpy(dtype=object)[rows]
    brute = {(posts["post_id"].iat[r], o) for r, o, h, me in zip(rows, who, hit, own) if h and o != me}
    fast = find_cites(posts, outlets)
    assert set(zip(fast["post_id"], fast["cited_outlet"])) == brute


def test_an_echo_is_not_a_citation():
    posts = pd.DataFrame({"post_id": ["m1", "t1"], "outlet": ["mfa_china", "tass"],
                          "published_at": ["2022-01-05 10:00", "2022-01-05 12:00"],
                          "text": ["The United States must stop interfering in the internal affairs of Kazakhstan",
                                   "Chinese FM: The United States must stop interfering in the internal affairs "
                                   "of Kazakhstan"]})
    outlets = pd.DataFrame({"outlet": ["mfa_china", "tass"], "group": ["CN", "RU"], "aliases": ["Chinese FM", None]})
    links = detect(posts, outlets)
    assert len(links) == 1 and links["attributed"].all()
    assert find_cites(posts, outlets, links).empty       # the echo carries it (attributed)
    assert len(find_cites(posts, outlets)) == 1          # without the links it is a citation


def test_graph_counts_cites_apart(world):
    posts, outlets, links = world["posts"], world["outlets"], world["links"]
    c = find_cites(posts, outlets, links)
    e = outlet_edges(links, posts, outlets, cites=c).set_index(["source", "target"])
    for (a, b), n in c.groupby(["cited_outlet", "outlet"]).size().items():
        assert e.loc[(a, b), "cites"] == n and e.loc[(a, b), "count"] == 0
    echoes = outlet_edges(links, posts, outlets)
    assert echoes["count"].sum() == e["count"].sum()      # cites never add to the echoes
    nodes = outlet_nodes(links, posts, outlets, cites=c).set_index("outlet")
    assert nodes.loc["mfa_china", "cited"] == (c["cited_outlet"] == "mfa_china").sum()
    assert nodes.loc["tass", "citing"] == (c["outlet"] == "tass").sum()
    g = outlet_graph(links, posts, outlets, cites=c)
    assert g.edges["mfa_china", "cgtn"]["cites"] == ((c["outlet"] == "cgtn") & (c["cited_outlet"] == "mfa_china")).sum()
    camps = group_edges(links, posts, outlets, cites=c).set_index(["source", "target"])
    assert camps.loc[("CN", "RU"), "cites"] == ((c["cited_outlet"] == "mfa_china")
                                                & c["outlet"].isin(["tass", "ria"])).sum()
    late = outlet_edges(links, posts, outlets, cites=c, since="2030-01-01")
    assert late.empty


def test_speed_is_linear_in_text_not_in_outlets():
    """500 outlets with three names each over 5,000 posts: the pre-pass keeps it well under a second."""
    import time

    rng = np.random.default_rng(3)
    vocab = vocabulary(rng, 4000)
    names = [" ".join(rng.choice(vocab, 2)).title() for _ in range(500)]
    outlets = pd.DataFrame({"outlet": [f"o{i}" for i in range(500)], "group": "X", "name": names,
                            "aliases": [f"The {n}|{n.upper()} Daily" for n in names]})
    texts = [" ".join(rng.choice(vocab, 40)) + (f" said {names[i % 500]}" if i % 10 == 0 else "")
             for i in range(5000)]
    posts = pd.DataFrame({"post_id": [f"p{i}" for i in range(5000)], "outlet": "x",
                          "published_at": "2022-01-01", "text": texts})
    find_cites(posts.head(10), outlets)                   # compile
    t = time.perf_counter()
    c = find_cites(posts, outlets)
    assert time.perf_counter() - t < 2.0
    assert len(c) >= 500 and (c.groupby("post_id").size() >= 1).all()


def test_names_made_of_everyday_words_count_only_as_names():
    # UCI News: "TIME" was cited by "part-time workers" 88 times, "Metro" by "Metro-North" and "metro gas",
    # "Voices" by a headline in title case; a handle in small letters ("tass") is a name only with capitals
    outlets = pd.DataFrame({"outlet": ["TIME", "Metro", "Voices", "tass", "state_paper", "reuters.com", "LOOK"],
                            "group": ["US", "US", "US", "RU", "US", "INTL", "US"],
                            "name": ["TIME", "Metro", "Voices", "tass", "The State", "Reuters", "LOOK"]})
    texts = {"a1": "Ohio Jeep plant hiring part-time workers",
             "a2": "TIME reports that the plant is hiring",
             "a3": "Death of Metro-North worker on tracks renews safety concerns",
             "a4": "Savannah metro gas prices dip again",
             "a5": "Metro says the mayor will resign",
             "a6": "Elephants Can Tell Human Voices Apart",
             "a7": "Voices: the weird and wonderful ways of SXSW",
             "a8": "the tass building was repainted",
             "a9": "TASS reports snow in Moscow",
             "c1": "Russia says it will open a humanitarian corridor on April 1 - Tass",   # credited: any case
             "c2": "Leader of occupied town killed by car bomb -TASS",
             "c3": "Markets Rally As Central Banks Hold Rates - Metro",
             "c4": "First Look: The Flash's costume revealed",          # a colon, but not opening the text
             "c5": "Elephants can gauge threat from human voices: Study",
             "c6": "Oil steadies (TIME) as talks resume",
             "b1": "The state can only destroy Bitcoin, says the economist",
             "b2": "Budget talks stall, The State reports",
             "b3": "Stocks slip, according to reuters.com",
             "b4": "Stocks slip, according to REUTERS"}   # (capitals only where the name is written so)
    posts = pd.DataFrame({"post_id": list(texts), "outlet": "blogger", "text": list(texts.values()),
                          "published_at": pd.Timestamp("2024-03-01", tz="UTC")})
    found = find_cites(posts, outlets)
    assert sorted(zip(found["post_id"], found["cited_outlet"])) == [
        ("a2", "TIME"), ("a5", "Metro"), ("a7", "Voices"), ("a9", "tass"), ("b2", "state_paper"),
        ("b3", "reuters.com"), ("c1", "tass"), ("c2", "tass"), ("c3", "Metro"), ("c6", "TIME")]
    # what the case-folded rule alone finds, and this drops: every one of them an everyday word
    folded = attributed(np.asarray(outlets["outlet"].tolist() * len(posts), dtype=object), posts["text"], outlets,
                        rows=np.repeat(np.arange(len(posts)), len(outlets)))
    assert folded.sum() > len(found)


def test_a_name_matched_in_another_spelling_of_its_letters_does_not_crash():
    from amplify.analyze.cites import outlets_named

    outlets = pd.DataFrame({"outlet": ["post", "kosmos"], "group": ["W", "GR"], "name": ["Post", "ΚΟΣΜΟΣ"]})
    rows, named = outlets_named(["the Poſt said", "ο Κοσμοσ γράφει", "The Post said"], ["x", "x", "x"], outlets)
    assert (2, "post") in set(zip(rows.tolist(), named.tolist()))
