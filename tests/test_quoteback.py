"""A ministry statement quoted weeks later (issue #19): the long look-back for
long quotes, names are not quotations, one parent per quoted passage, speakers
as attribution, time references and the paragraph a quote came from."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from amplify.detect import DetectSettings, detect
from amplify.detect.names import name_like
from amplify.text.paragraphs import paragraph_at, question_for
from amplify.text.time_words import time_reference

ANSWER_1 = ("The US side should stop smearing China and shifting the blame to others, and focus instead on "
            "containing the epidemic at home as soon as possible.")
ANSWER_2 = ("Relevant laboratories have long been a source of concern for the international community, and the "
            "US owes the world a full explanation of their activities.")
NAME = ("Yang Jiechi, member of the Political Bureau of the CPC Central Committee and Director of the Office "
        "of the Foreign Affairs Commission")
FILLER = [
    "Farmers in the north brought in an early harvest after a dry summer, the agriculture office reported.",
    "The city council approved a new budget for public transport and road repairs on Tuesday evening.",
    "A football club from the capital signed two young players from the regional league this week.",
    "Researchers described a new species of beetle found in a forest reserve near the border.",
    "Shares of several technology companies fell after the quarterly figures disappointed investors.",
    "The museum reopened its modern art wing after two years of restoration work on the roof.",
]


def _transcript(day: int, answer: str, speaker: str = "Zhao Lijian") -> dict:
    text = "\n".join([
        "Q: The US keeps accusing China over the origin of the virus. What is your comment?",
        f"A: {answer}",
        "Q: Can you confirm the dates of the foreign minister's visit?",
        f"A: I will release the information in due course. {NAME} attended the meeting.",
    ])
    return {"post_id": f"mfa-{day}", "outlet": "mfa_china", "published_at": pd.Timestamp("2020-03-01", tz="UTC")
            + pd.Timedelta(days=day, hours=7), "text": text, "speaker": speaker}


def _article(pid: str, day: float, text: str, outlet: str = "sputnik") -> dict:
    return {"post_id": pid, "outlet": outlet, "published_at": pd.Timestamp("2020-03-01", tz="UTC")
            + pd.Timedelta(days=day), "text": text, "speaker": None}


def _corpus(*rows) -> pd.DataFrame:
    rng = np.random.default_rng(19)
    filler = [_article(f"n{i}", float(rng.uniform(0, 120)), " ".join(rng.choice(FILLER, 3, replace=False)),
                       outlet=f"news{i % 5}") for i in range(60)]
    return pd.DataFrame(list(rows) + filler)


def _pairs(links: pd.DataFrame, parents: bool = False) -> set:
    if parents:
        links = links[links["is_parent"]]
    return set(zip(links["source_id"], links["target_id"]))


@pytest.mark.parametrize("lag_days", [3, 20, 45, 90])
def test_a_long_quote_is_found_weeks_later_at_default_settings(lag_days):
    posts = _corpus(_transcript(0, ANSWER_1),
                    _article("a", lag_days + 0.5, f"{FILLER[0]} Zhao Lijian said last month that \"{ANSWER_1}\" "
                                                  f"{FILLER[1]}"))
    links = detect(posts)
    hit = links[(links["source_id"] == "mfa-0") & (links["target_id"] == "a")]
    assert len(hit) == 1 and hit["kind"].iat[0] == "quote" and hit["is_parent"].iat[0]
    assert hit["attributed"].iat[0]  # the source's speaker is named: no alias list needed
    past = lag_days > 7
    assert hit["time_reference"].iat[0] == ("last month" if past else "")
    # the horizon is a setting: off, only the window remains
    off = detect(posts, quote_window="0D")
    assert (("mfa-0", "a") in _pairs(off)) == (not past)


def test_past_the_window_only_long_quotes_count():
    paraphrase = ("China's spokesman said Washington must quit blaming Beijing and instead concentrate on "
                  "fighting the outbreak inside America quickly.")
    short = "Stop smearing China and shifting the blame to others, he said."
    posts = _corpus(_transcript(0, ANSWER_1),
                    _article("para", 30.5, f"{FILLER[2]} {paraphrase}"),
                    _article("short", 30.6, short))
    links = _pairs(detect(posts))
    assert ("mfa-0", "para") not in links and ("mfa-0", "short") not in links
    # the same short quote inside the window is a quote (a short text found whole)
    near = _pairs(detect(_corpus(_transcript(0, ANSWER_1), _article("short", 2.6, short))))
    assert ("mfa-0", "short") in near


def test_a_name_and_title_is_not_a_quotation_however_long():
    posts = _corpus(_transcript(0, ANSWER_1),
                    _article("names", 20.5, f"{FILLER[4]} The talks were attended by {NAME}. {FILLER[5]}"),
                    _article("names-near", 1.5, f"{FILLER[3]} On Monday {NAME} met the envoy. {FILLER[2]}"),
                    _article("quote", 20.6, f"{FILLER[4]} {NAME} said the plan would strengthen trust between "
                                            f"the two countries and deepen practical cooperation. {FILLER[5]}"))
    links = _pairs(detect(posts))
    assert ("mfa-0", "names") not in links and ("mfa-0", "names-near") not in links
    assert len(NAME.split()) >= 12  # longer than any quote threshold: only the rule keeps it out


def test_name_like_reads_case_only_where_it_tells():
    text = f"{FILLER[0]} The talks were attended by {NAME}."
    start = text.index(NAME)
    assert name_like(text, start, start + len(NAME)) is True
    quote = "He said that we firmly oppose any interference in the internal affairs of other countries."
    assert name_like(quote, 13, len(quote) - 1) is False
    title_case = f"Talks Attended By {NAME.title()}"
    assert name_like(title_case, 0, len(title_case)) is None  # Title Case: case cannot tell
    assert name_like("中共中央政治局委员、中央外事工作委员会办公室主任杨洁篪", 0, 10) is None
    shout = f"{FILLER[0]} IRANIAN MEDIA PROTECTED DECLINING DRONES OVER THE UNFAIR ROCKET IN BRITAIN. {FILLER[1]}"
    at = shout.index("IRANIAN")
    assert name_like(shout, at, shout.index(" BRITAIN") + 8) is None  # a line in capitals: case cannot tell


def test_an_article_quoting_two_press_conferences_has_two_parents():
    posts = _corpus(_transcript(0, ANSWER_1), _transcript(10, ANSWER_2, speaker="Hua Chunying"),
                    _article("both", 40.5, f"{FILLER[0]} Zhao Lijian said: \"{ANSWER_1}\" {FILLER[1]} "
                                           f"Hua Chunying added that \"{ANSWER_2}\" {FILLER[2]}"))
    links = detect(posts)
    assert {("mfa-0", "both"), ("mfa-10", "both")} <= _pairs(links, parents=True)


def test_a_passage_carried_by_several_posts_keeps_one_parent():
    # the carrier quotes the ministry; the later article quotes the same sentence again:
    # the sentence has one most likely source, not two
    posts = _corpus(_transcript(0, ANSWER_1),
                    _article("carrier", 1.5, f"{FILLER[0]} \"{ANSWER_1}\" {FILLER[1]}", outlet="globaltimes"),
                    _article("later", 3.5, f"{FILLER[2]} \"{ANSWER_1}\" {FILLER[3]}"))
    links = detect(posts)
    later = links[(links["target_id"] == "later") & ~links["tie"]]
    assert len(later) == 2 and later["is_parent"].sum() == 1


def test_time_reference_is_outside_the_quotation():
    text = 'Hua Chunying said on 8 May: "Last month the US promised, and yesterday it broke its word again."'
    start = text.index('"') + 1
    assert time_reference(text, start, len(text) - 1) == "on 8 May"
    assert time_reference("Сегодня Захарова заявила: «мы против»", 26, 36) == ""


def test_paragraph_and_the_question_it_answers():
    t = _transcript(0, ANSWER_1)["text"]
    at = t.index("shifting the blame")
    p = paragraph_at(t, at)
    assert p.index == 1 and t[p.start:p.end].startswith("A: ")
    q = question_for(t, p)
    assert t[q[0]:q[1]].startswith("Q: The US keeps accusing China")
    assert question_for(t, paragraph_at(t, 3)) is None  # a question answers nothing
    assert paragraph_at("one line only", 2) is None


def test_the_horizon_is_validated_and_recorded():
    from amplify.detect.settings import SettingsError
    with pytest.raises(SettingsError, match="quote_window"):
        DetectSettings(quote_window="soon")
    cfg = DetectSettings(window="3D", quote_window="60D")
    assert cfg.horizon_ns == pd.Timedelta("60D").value
    assert DetectSettings(quote_window="0D").horizon_ns == pd.Timedelta("7D").value
    assert cfg.to_dict()["quote_window"] == "60D"


def test_trace_follows_every_parent_and_lists_a_post_once():
    from amplify.analyze.trace import trace_post
    posts = _corpus(_transcript(0, ANSWER_1), _transcript(10, ANSWER_2, speaker="Hua Chunying"),
                    _article("both", 40.5, f"{FILLER[0]} Zhao Lijian said: \"{ANSWER_1}\" {FILLER[1]} "
                                           f"Hua Chunying added that \"{ANSWER_2}\" {FILLER[2]}"),
                    _article("again", 41.5, f"{FILLER[3]} \"{ANSWER_1}\" and \"{ANSWER_2}\" {FILLER[4]}",
                             outlet="rt"))
    links = detect(posts)
    rep = trace_post(links, posts, post_id="both")
    row = rep.cascade.set_index("post_id").loc["both"]
    # (the filler sentences it shares with filler posts are passages of their own, with their own parents)
    assert {"mfa-0", "mfa-10"} <= set(row["parents"].split(", "))
    assert rep.upstream["post_id"].tolist()[0] == "mfa-0"  # the chain follows the earliest source
    # downstream of the first transcript, a post reached through two parents is listed once
    down = trace_post(links, posts, post_id="mfa-0").cascade
    assert down["post_id"].is_unique and "both" in set(down["post_id"])


def test_explain_names_the_answer_quoted_its_question_and_when_it_was_said():
    from amplify.analyze.explain import explain_pair
    from amplify.render.explain import explain_html, explain_record
    posts = _corpus(_transcript(0, ANSWER_1), _transcript(10, ANSWER_2, speaker="Hua Chunying"),
                    _article("both", 40.5, f"{FILLER[0]} Zhao Lijian said last month: \"{ANSWER_1}\" {FILLER[1]} "
                                           f"Hua Chunying added that \"{ANSWER_2}\" {FILLER[2]}"))
    links = detect(posts)
    ex = explain_pair(links, posts, None, "mfa-0", "both")
    assert ex.answers[0]["paragraph"] == 2
    assert ex.answers[0]["question"].startswith("Q: The US keeps accusing China")
    assert {p["source_id"] for p in ex.parents} >= {"mfa-0", "mfa-10"}
    rec = explain_record(ex)
    assert rec["link"]["time_reference"] == "last month" and rec["answers"][0]["paragraph"] == 2
    html = explain_html(ex)
    assert "the answer to &ldquo;Q: The US keeps accusing China" in html and "mfa-10" in html


def _passage_links(rows):
    """Quote links into one target ``t``: (source, day, target spans as [(start, end), ...])."""
    from amplify.detect.parents import mark_parents

    links = pd.DataFrame({
        "source_id": [r[0] for r in rows], "target_id": "t", "kind": "quote", "score": 100.0,
        "attributed": True, "tie": False,
        "target_start": [r[2][0][0] for r in rows], "target_end": [r[2][-1][1] for r in rows],
        "passages": ["" if len(r[2]) == 1 else "[" + ",".join(f"[0,1,{a},{b}]" for a, b in r[2]) + "]"
                     for r in rows],
    })
    out = mark_parents(links, np.array([r[1] for r in rows], dtype=np.int64))
    return set(out.loc[out["is_parent"], "source_id"])


def test_the_post_that_said_the_whole_sentence_is_its_parent_not_one_that_said_part():
    # an earlier transcript said the end of the sentence; a later one said all of it
    assert _passage_links([("early_part", 1, [(120, 200)]), ("later_whole", 5, [(100, 200)])]) == {"later_whole"}
    # the same passage in two carriers keeps the earlier (one parent per passage)
    assert _passage_links([("early", 1, [(100, 200)]), ("later", 5, [(100, 200)])]) == {"early"}
    # a word more is not noise: the fuller carrier still wins; a shorter one never does
    assert _passage_links([("early", 1, [(100, 200)]), ("later_short", 5, [(110, 200)])]) == {"early"}


def test_a_source_chosen_for_one_passage_does_not_claim_a_second_it_said_in_part():
    # "s1" said passage 1 (0-80) and the end of passage 2 (130-180); "s2" said passage 2 whole
    both = _passage_links([("s1", 1, [(0, 80), (130, 180)]), ("s2", 5, [(100, 180)])])
    assert both == {"s1", "s2"}
    # ... but where its two pieces are the same passage, it keeps it alone
    assert _passage_links([("s1", 1, [(100, 150), (140, 180)]), ("s2", 5, [(100, 180)])]) == {"s1"}


def test_a_quote_opening_with_a_phrase_the_source_says_twice_is_found_whole_weeks_later():
    # "The Hong Kong SAR government and the" opens two sentences of the answer; the article quotes
    # the second. The passage must start with the sentence, not where the phrase stops repeating:
    # cut short, the 14-word quote fell under the 12 words of the long look-back.
    answer = ("The Hong Kong SAR government and the police have handled the rally according to law. "
              "You seem to be very interested in Hong Kong affairs. "
              "The Hong Kong SAR government and the Chief Executive made statements on this issue.")
    quoted = "The Hong Kong SAR government and the Chief Executive made statements on this issue"
    posts = _corpus(_transcript(0, answer),
                    _article("a", 40.5, f"{FILLER[0]} According to the Chinese Foreign Ministry, \"{quoted}.\" "
                                        f"{FILLER[1]}"))
    links = detect(posts)
    hit = links[(links["source_id"] == "mfa-0") & (links["target_id"] == "a")]
    assert len(hit) == 1
    text = posts.set_index("post_id").loc["a", "text"]
    assert text[hit["target_start"].iat[0]:hit["target_end"].iat[0]].startswith("The Hong Kong SAR government")
