"""Names are not quotations (issue #19): a name-and-title passage, or a name
built of names ("X, including the establishment of Y"), is no evidence; a
statement made mostly of names ("Premier Li Keqiang will co-host ...") is."""

from __future__ import annotations

import pyarrow as pa
import pytest

from amplify.detect.names import _screen, name_like

# lower-case prose around the passage, so the text's case means something
PROSE = ("Farmers in the north brought in an early harvest after a dry summer, and the office reported "
         "that prices would stay low for the rest of the year. ")

NAMES = [
    # two lower-case words, both joining names: a participle and the head of "X of Name"
    "China-Pakistan Economic Corridor, including the establishment of Huawei Technical Support Center",
    "the third meeting of the China-Saudi Arabia High-Level Joint Committee",
    "Yang Jiechi, member of the Political Bureau of the CPC Central Committee and Director of the Office "
    "of the Foreign Affairs Commission",
    # a word of attribution is no predicate: this is the shared name and title
    "said Dr. Julie Gerberding, director of the federal Centers for Disease Control and Prevention",
    "Vitorino, the former Portuguese Vice Prime Minister, as the next Director General of the "
    "International Organization for Migration",
]

STATEMENTS = [
    "Premier Li Keqiang will co-host the 4th Regular Prime Ministers' Meeting with Russian Prime Minister "
    "Dmitry Medvedev",
    "State Councilor and Foreign Minister Wang Yi will attend the Foreign Ministers' Meetings on East Asia "
    "Cooperation in Singapore",
    "Yesterday, State Councilor and Foreign Minister Wang Yi met with Nepalese Foreign Minister Gyawali in Beijing",
    "Vice President Wang also met with Governor Sarwar and Chief Minister Buzdar of Punjab",
    "On April 9, Premier Li Keqiang co-chaired the 21st China-EU Summit with President of the European "
    "Council Donald Tusk",
    "I'd refer you to the Taiwan Affairs Office of the State Council",
    # two chosen words, as before: a noun not made from a verb heads its "of" phrase
    "cancellation of a sub-audit of the Department of Environmental Quality",
]


def _verdict(passage: str) -> bool | None:
    text = PROSE + passage + ". " + PROSE
    start = len(PROSE)
    return name_like(text, start, start + len(passage))


@pytest.mark.parametrize("passage", NAMES)
def test_names_and_titles_are_no_evidence(passage):
    assert _verdict(passage) is True


@pytest.mark.parametrize("passage", STATEMENTS)
def test_statements_made_of_names_are_evidence(passage):
    assert _verdict(passage) is False


def test_a_statement_in_title_case_is_left_to_the_other_rules():
    # case means nothing in a headline: no verdict either way
    text = "Premier Li Keqiang Will Co-Host The Regular Prime Ministers' Meeting In Beijing"
    assert name_like(text, 0, len(text)) is None


def test_the_compiled_screen_lets_every_name_through():
    # the screen counts no more chosen words than Python does, so a name never skips the Python check
    passages = NAMES + STATEMENTS + [
        "we firmly oppose any interference in the internal affairs of other countries",
        "the regarding of nothing including everything, the meeting of minds and the signing of treaties",
    ]
    screened = _screen(pa.array(passages, type=pa.large_string()), 1)
    for passage, may_be_name in zip(passages, screened):
        if _verdict(passage):
            assert may_be_name, passage
    # ... and it stops plain prose: only a small share of text reaches Python
    assert not screened[len(NAMES) + len(STATEMENTS)]
