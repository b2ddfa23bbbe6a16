"""Statements as documents: the paragraph (answer) a passage lies in, and the question it answered.

A ministry's press-conference transcript is one long post of many answers,
one paragraph each, most after a journalist's question ("Q: ...", "问：...",
"CCTV: ..."). A quotation comes from one answer; the evidence names that
paragraph and, when the text has this shape, the question it answered.
Paragraphs are the text's lines (blank lines between them are skipped).
"""

from __future__ import annotations

import re

__all__ = ["Paragraph", "paragraph_at", "question_for"]

# "Q:", "问：", "Reuters:", "CCTV:", "Bloomberg News:" -- a short label and a colon opening the paragraph
_QUESTION = re.compile(r"^\s*(?:Q|问|Вопрос|[A-Z][\w .&'-]{0,40}|[\u4e00-\u9fff]{1,12})\s*[:：]")
_ANSWER = re.compile(r"^\s*(?:A|答|Ответ)\s*[:：]")


class Paragraph(tuple):
    """``(index, start, end)``: the paragraph's number (0 = first) and its
    character span in the text (end exclusive)."""

    __slots__ = ()

    def __new__(cls, index: int, start: int, end: int):
        return super().__new__(cls, (index, start, end))

    index = property(lambda self: self[0])
    start = property(lambda self: self[1])
    end = property(lambda self: self[2])


def _spans(text: str):
    pos = 0
    for line in text.split("\n"):
        end = pos + len(line)
        if line.strip():
            yield pos, end
        pos = end + 1


def paragraph_at(text: str, offset: int) -> Paragraph | None:
    """The paragraph holding character ``offset`` of ``text`` (None for a text of one paragraph).

    Examples
    --------
    >>> t = "Q: Will China respond?\\nA: We will take every measure.\\nQ: Next?"
    >>> paragraph_at(t, 30)
    (1, 23, 53)
    """
    spans = list(_spans(text))
    if len(spans) < 2:
        return None
    for i, (a, b) in enumerate(spans):
        if offset < b or i == len(spans) - 1:
            return Paragraph(i, a, b)
    return None


def question_for(text: str, paragraph: Paragraph) -> tuple[int, int] | None:
    """The span of the question the paragraph answers, when the text has that
    shape: the nearest earlier paragraph opening with a question label ("Q:",
    "问：", "CCTV:"), if no other label lies between. None otherwise.

    Examples
    --------
    >>> t = "Q: Will China respond?\\nA: We will take every measure.\\nIt is firm."
    >>> p = paragraph_at(t, 60)
    >>> t[slice(*question_for(t, p))]
    'Q: Will China respond?'
    """
    spans = list(_spans(text))
    own = text[paragraph.start:paragraph.end]
    if _QUESTION.match(own) and not _ANSWER.match(own):
        return None  # a question answers nothing
    for i in range(paragraph.index - 1, -1, -1):
        a, b = spans[i]
        line = text[a:b]
        if _QUESTION.match(line) and not _ANSWER.match(line):
            return a, b
    return None
