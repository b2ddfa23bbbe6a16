"""Names are not quotations: a passage made of a name and a title is no evidence of reuse.

"Yang Jiechi, member of the Political Bureau of the CPC Central Committee and
Director of the Office of the Foreign Affairs Commission" is fifteen words
that any two texts about the man share, however independent they are. What
makes a quotation is shared content beyond names: words a writer chose.

In scripts with letter case the choice shows: names, titles of offices and
institutions are capitalised ("Director of the Office of ..."), chosen words
are not. A passage is *name-like* when it holds fewer than
:data:`MIN_CHOSEN_WORDS` lower-case words that are neither function words
("of", "the", "и") nor the words of titles and attributions ("member",
"spokesperson", "said", "заявил"), and more than half of its other words are
capitalised (a capital opening a sentence does not count). The test needs case to mean something, so
it is skipped (the passage counts as content) where the text is mostly
capitalised (a headline in Title Case, a text in capitals) and for scripts
without case (Chinese, Japanese, Arabic ...), where it cannot tell a name
from a word.
"""

from __future__ import annotations

import re

import numpy as np

__all__ = ["name_like", "MIN_CHOSEN_WORDS"]

#: A passage with fewer lower-case chosen words than this is a name and title.
MIN_CHOSEN_WORDS = 3
# below this share of lower-case words among a text's longer words, its case says nothing (Title Case, capitals)
_MIN_LOWER_SHARE = 0.3
# ... and a name-and-title passage is at least this share capitalised words
_MIN_CAPITAL_SHARE = 0.5
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
# where a sentence (or a quotation) opens: its first word is capitalised whatever it is
_SENTENCE_START = re.compile(r"[.!?:;«“\"]\s*")

# Function words and the words of titles and attributions: lower-case, yet not chosen content.
_NOT_CHOSEN = frozenset("""
a an the of for to in on at by with from and or but as is are was were be been its it this that these those
who whom which whose also has have had will would not no than then there their they he she his her we our us
i you your my me him them into about over under after before between during while when where what how
said says say told tells according added stated noted declared announced spoke speaking
member members director chairman chairwoman chair president vice deputy minister ministers ministry secretary
spokesperson spokesman spokeswoman ambassador envoy representative councilor councillor head chief general
premier prime foreign affairs state national committee bureau office department government party council
commission central political standing special affair official officials senior first acting former
mr mrs ms dr
и в во на с со к по о об от для из у за при что как это его ее её их а но или же ли не ни
заявил заявила заявили сообщил сообщила сообщили отметил отметила сказал сказала по словам
министр министра министерства министерство представитель представителя официальный официального глава главы
председатель председателя посол посла заместитель заместителя президент президента премьер директор директора
генеральный секретарь секретаря член члена комитета комитет бюро
der die das des dem den und von zu mit für im am ist sagte
le la les des du de et en au aux un une est a dit
el la los las del de y en un una es dijo
""".split())


def _has_case(ch: str) -> bool:
    return ch.lower() != ch.upper()


def name_like(text: str, start: int, end: int) -> bool | None:
    """Whether ``text[start:end]`` is a name and title, not a quotation
    (None where case cannot tell: a script without case, a text in Title Case).

    Parameters
    ----------
    text : str
        The whole text (its case tells whether the test applies).
    start, end : int
        The passage, in characters.

    Examples
    --------
    >>> t = "The talks were attended by Yang Jiechi, member of the Political Bureau of the CPC Central Committee."
    >>> name_like(t, 27, len(t) - 1)
    True
    >>> q = 'He said: "we firmly oppose any interference in the internal affairs of other countries".'
    >>> name_like(q, 10, len(q) - 2)
    False
    """
    words = _WORD.findall(text[start:end])
    if not words or not all(_has_case(w[0]) for w in words):
        return None  # a script without case (or mixed with one): case cannot tell names apart
    longer = [w for w in _WORD.findall(text) if len(w) >= 4 and _has_case(w[0])]
    if not longer or sum(w[0].islower() for w in longer) < _MIN_LOWER_SHARE * len(longer):
        return None  # Title Case or capitals: case says nothing here
    chosen = sum(1 for w in words if w[0].islower() and len(w) >= 3 and w.lower() not in _NOT_CHOSEN)
    # names make most of a name-and-title passage ("Don't be afraid of Internet. Let
    # Internet be afraid of us" has few chosen words, and few capitals too)
    # (over the words that are not function words, and not counting a capital that opens a sentence)
    opening = {m.end() for m in _SENTENCE_START.finditer(text, start, end)} | {start}
    content = [(m.start(), m.group(0)) for m in _WORD.finditer(text, start, end)
               if m.group(0)[0].isupper() or m.group(0).lower() not in _NOT_CHOSEN]
    capitals = sum(1 for at, w in content if w[0].isupper() and at not in opening)
    return chosen < MIN_CHOSEN_WORDS and capitals > _MIN_CAPITAL_SHARE * len(content)


def name_like_passages(texts, sides) -> np.ndarray:
    """Which passages are names and titles, each seen in one or more texts.

    ``sides`` is a list of ``(rows, starts, ends)``, one per text a passage is
    found in (the source's and the target's); passage ``i`` of a side is
    ``texts[rows[i]][starts[i]:ends[i]]`` (``texts`` a sequence of str or an
    Arrow string array). A passage is a name where any side whose case tells
    says so: a headline in Title Case cannot tell, the transcript it quotes
    can. One Python call per passage and side: it is run on quote links only,
    far fewer than the pairs.
    """
    n = len(sides[0][0]) if sides else 0
    out = np.zeros(n, dtype=bool)
    cache: dict[int, str] = {}
    for rows, starts, ends in sides:
        for i, (r, a, b) in enumerate(zip(rows.tolist(), starts.tolist(), ends.tolist())):
            if out[i]:
                continue
            text = cache.get(r)
            if text is None:
                value = texts[r]
                text = value.as_py() if hasattr(value, "as_py") else value
                cache[r] = text = text or ""
            out[i] = name_like(text, a, b) is True
    return out
