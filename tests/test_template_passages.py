"""The template rule inside long texts: a quoted passage whose facts differ is no quote.

Two short texts in one frame with other numbers ("476" / "391 patients discharged") are a
``template``; the same two sentences inside longer texts must not become a ``quote`` because the
texts around them are long (found on the Chinese foreign ministry's transcripts: "this year marks
the 68th anniversary of ... China and Pakistan" / "the 70th anniversary of ... China and Russia").
A passage quoted with the same facts stays a quote, and a text that shares a real quote besides a
sentence in one frame with other figures stays an echo, built on the real quote.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from amplify.detect import detect

HEALTH = ("The provincial health commission said on Tuesday that {n} patients had been discharged from "
          "hospitals across the province after treatment.")
SHORT = ("Officials said {n} patients discharged from hospitals in the province on Tuesday after treatment ended "
         "today{more}.")
PAKISTAN = ('Beijing has hit back. "Just as you said, this year marks the 68th anniversary of the establishment of '
            'diplomatic ties between China and Pakistan." the diplomat said.')
RUSSIA = ("This year marks the 70th anniversary of the establishment of diplomatic ties between China and Russia. "
          "The past seven decades witnessed extraordinary development in China-Russia relations, which sets an "
          "example of good neighborliness.")
# a real statement, quoted word for word by the later text
REAL_QUOTE = ("We urge the relevant countries to respect the sovereignty and territorial integrity of all "
              "nations in the region")


def _pair(a: str, b: str) -> pd.DataFrame:
    posts = pd.DataFrame(dict(post_id=["a", "b"], outlet=["o1", "o2"], text=[a, b],
                              published_at=pd.to_datetime(["2019-06-01T01:00Z", "2019-06-06T00:00Z"])))
    return detect(posts)


def _kind(links: pd.DataFrame) -> str:
    return links["kind"].iloc[0] if len(links) else ""


def test_the_readme_template_stays_a_template_as_two_short_texts():
    links = _pair(SHORT.format(n=476, more=""), SHORT.format(n=391, more=" and more"))
    assert _kind(links) == "template"


def test_other_numbers_in_a_passage_of_long_texts_make_a_template_not_a_quote():
    a = f"In other news today. {HEALTH.format(n=476)} More follows later."
    b = f"Weather was cold. {HEALTH.format(n=391)} Markets fell sharply."
    links = _pair(a, b)
    assert _kind(links) == "template"
    # a template is never a parent, and it shows the passage in one frame
    assert not links["is_parent"].any()
    row = links.iloc[0]
    assert "476" in a[row["source_start"]:row["source_end"]]
    assert "391" in b[row["target_start"]:row["target_end"]]


def test_another_anniversary_is_no_quote_of_the_first():
    # ordinals are numbers too: "68th" / "70th"
    assert _kind(_pair(PAKISTAN, RUSSIA)) in ("", "template")
    assert _kind(_pair(PAKISTAN.replace("68th", "68"), RUSSIA.replace("70th", "70"))) in ("", "template")


def test_the_same_passage_with_the_same_facts_stays_a_quote():
    a = f"In other news today. {HEALTH.format(n=476)} More follows later."
    b = f"Weather was cold. {HEALTH.format(n=476)} Markets fell sharply."
    links = _pair(a, b)
    assert _kind(links) == "quote"
    assert links["is_parent"].all()
    # inside texts that hold other numbers elsewhere, each side its own
    a2 = f"Of 2,000 beds 1,200 were taken. {HEALTH.format(n=476)} The next report is due at 9 pm."
    b2 = f"Markets fell 3 percent. {HEALTH.format(n=476)} 15 schools stay closed until 22 March."
    assert _kind(_pair(a2, b2)) == "quote"


def test_a_real_quote_beside_a_sentence_with_other_figures_stays_an_echo_built_on_the_quote():
    # the later text quotes one sentence word for word, and says in the same frame as the
    # earlier one (a longer sentence: the densest shared passage) other figures of its own
    frame = ("The ministry said that {n} people had been evacuated from the coastal towns of the northern "
             "province since Monday and that {m} shelters had been opened")
    a = (f"Officials met on Monday. {frame.format(n=1200, m=35)}. In Geneva the spokesperson said: "
         f"{REAL_QUOTE}. Talks continue.")
    b = (f"Another day of storms. {frame.format(n=2400, m=61)}. Asked about the talks, the ministry "
         f"repeated that {REAL_QUOTE}. More rain is forecast.")
    links = _pair(a, b)
    assert _kind(links) in ("quote", "reuse")
    row = links.iloc[0]
    assert row["is_parent"]
    # the link shows the real quote, not the sentence with other figures
    assert a[row["source_start"]:row["source_end"]].startswith("We urge")
    assert b[row["target_start"]:row["target_end"]].startswith("We urge")
    # and the sentence with other figures is not one of its passages
    for s0, s1, t0, t1 in (json.loads(row["passages"]) if row["passages"] else []):
        assert "1200" not in a[s0:s1] and "2400" not in b[t0:t1]


def test_a_name_swapped_inside_a_quoted_passage_makes_a_template():
    # names are told by their rarity, which needs a feed around the pair
    rng = np.random.default_rng(0)
    words = ("economy minister parliament budget reform election vote talks summit trade exports grain energy "
             "oil gas prices market bank court ruling protest police city region border army").split()
    rows = [(f"bg{i}", f"bg{i % 5}", pd.Timestamp("2019-05-30", tz="UTC") + pd.Timedelta(minutes=30 * i),
             " ".join(rng.choice(words, 12))) for i in range(150)]
    visit = ("Foreign Minister Wang Yi will pay an official visit to {c} at the invitation of the government "
             "and hold talks on bilateral relations")
    rows += [("a", "o1", pd.Timestamp("2019-06-01T01:00Z"), f"Announcement. {visit.format(c='Pakistan')}. End."),
             ("b", "o2", pd.Timestamp("2019-06-02T01:00Z"), f"In brief. {visit.format(c='Kazakhstan')}. More soon."),
             ("c", "o3", pd.Timestamp("2019-06-03T01:00Z"), f"Newswire. {visit.format(c='Pakistan')}. Later.")]
    links = detect(pd.DataFrame(rows, columns=["post_id", "outlet", "published_at", "text"]))
    kind = {(s, t): k for s, t, k in links[["source_id", "target_id", "kind"]].itertuples(index=False)}
    assert kind.get(("a", "b"), "") in ("", "template")
    assert kind.get(("b", "c"), "") in ("", "template")
    assert kind.get(("a", "c")) in ("quote", "verbatim")


def test_a_long_statement_repeated_with_one_figure_updated_keeps_its_other_sentences():
    # the sentence with the updated figure is cut out; the sentences around it are quoted word for word
    statement = ("Faced with severe threats of terrorism and extremism, the region has taken a series of "
                 "counter-terrorism measures according to law, which have turned the situation around. {span}, not "
                 "a single violent incident took place there. People there are living a happy life with a stronger "
                 "sense of fulfillment and security, and they endorse these policies wholeheartedly.")
    a = "Asked about the region, the spokesperson said: " + statement.format(span="In the past two years")
    b = "The ministry repeated its position. " + statement.format(span="In almost three years")
    links = _pair(a, b)
    assert _kind(links) == "quote"
    row = links.iloc[0]
    assert "years" not in a[row["source_start"]:row["source_end"]]
    assert "years" not in b[row["target_start"]:row["target_end"]]
    spans = json.loads(row["passages"])  # the two sentences on either side, not the cut one
    assert len(spans) == 2 and all("years" not in a[s0:s1] for s0, s1, _, _ in spans)


def test_a_word_hyphenated_otherwise_is_no_other_name():
    rng = np.random.default_rng(1)
    words = ("economy minister parliament budget reform election vote talks summit trade exports grain energy "
             "oil gas prices market bank court ruling protest police city region border army").split()
    rows = [(f"bg{i}", f"bg{i % 5}", pd.Timestamp("2019-05-30", tz="UTC") + pd.Timedelta(minutes=30 * i),
             " ".join(rng.choice(words, 12))) for i in range(150)]
    rows += [("a", "o1", pd.Timestamp("2019-06-01T01:00Z"), "We will develop relations with all countries on the "
              "basis of the Five Principles of Peaceful Coexistence and the one-China principle. Thank you."),
             ("b", "o2", pd.Timestamp("2019-06-02T01:00Z"), "I would like to reiterate that on the basis of the Five "
              "Principles of Peaceful Co-existence and the one-China principle, we stand ready to cooperate.")]
    links = detect(pd.DataFrame(rows, columns=["post_id", "outlet", "published_at", "text"]))
    assert _kind(links[(links["source_id"] == "a") & (links["target_id"] == "b")]) == "quote"
