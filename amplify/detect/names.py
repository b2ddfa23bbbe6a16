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
"spokesperson", "said", "заявил") nor words that only join names ("the
establishment of Huawei ...", "Corridor, including the ..."), when it has no
predicate (an announcement made of names, "Premier Li Keqiang will co-host
the 4th Regular Prime Ministers' Meeting", is a statement; see
:func:`_chosen_and_predicate`), and more than half of its other words are
capitalised (a capital opening a sentence does not count). The test needs case to mean something, so
it is skipped (the passage counts as content) where the text is mostly
capitalised (a headline in Title Case, a text in capitals) and for scripts
without case (Chinese, Japanese, Arabic ...), where it cannot tell a name
from a word.
"""

from __future__ import annotations

import re

import numpy as np
from numba import njit

from amplify.text import LOWER_ALNUM, LOWER_CP, decode_utf8, lower_table, slice_texts, text_buffers

__all__ = ["name_like", "name_like_passages", "case_informative", "MIN_CHOSEN_WORDS"]

#: A passage with fewer lower-case chosen words than this is a name and title.
MIN_CHOSEN_WORDS = 2
# below this share of lower-case words among a text's longer words, its case says nothing (Title Case, capitals)
_MIN_LOWER_SHARE = 0.3
# ... and a name-and-title passage is at least this share capitalised words
_MIN_CAPITAL_SHARE = 0.5
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
# FNV-1a over folded code points: the compiled screen and Python hash the function words alike
_FNV_OFFSET = 0xCBF29CE484222325
_FNV_PRIME = 0x100000001B3
# where a sentence (or a quotation) opens: its first word is capitalised whatever it is
_SENTENCE_START = re.compile(r"[.!?:;«“\"]\s*")

# Function words and the words of titles and attributions: lower-case, yet not chosen content.
_NOT_CHOSEN = frozenset("""
a an the of for to in on at by with from and or but as is are was were be been its it this that these those
who whom which whose also has have had will would not no than then there their they he she his her we our us
be been being
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

# auxiliaries and modals: one followed closely by a chosen word makes a predicate ("will attend")
_AUXILIARIES = frozenset("will would shall should can could may might must has have had is are was were "
                         "do does did be been".split())
# articles and determiners: after "X of" they lead into a name; after a verb, into its object
_DETERMINERS = frozenset("the a an this that these those its their his her our".split())
# pronoun subjects: a content word right after one is its verb ("we welcome", "I also stressed")
_PRONOUNS = frozenset("i we he she they you".split())  # "I'd refer you", "we'll": the part before the apostrophe
_APOSTROPHE = re.compile(r"['’]")
# adverbs that may stand between a subject and its verb
# the suffixes of nouns made from verbs: such a noun heads an "X of Name" that names an
# event or an institution ("the establishment of ...", "the 4th meeting of ...")
_NOMINAL_SUFFIXES = ("ment", "ments", "tion", "tions", "sion", "sions", "ing", "ings", "ance", "ence", "ship")
_ADVERBS = frozenset("also both then again not already still just".split())
_PUNCTUATION = re.compile(r"[^\w\s'’-]")
# common irregular past tenses of announcements ("Wang Yi met with ..."); regular ones end in -ed
_IRREGULAR_PAST = frozenset("met held made took gave paid sent led left went came saw won spoke wrote".split())


def _word_hash(word: str, table: np.ndarray) -> int:
    h = _FNV_OFFSET
    for ch in word:
        h = ((h ^ int(table[ord(ch)] & LOWER_CP)) * _FNV_PRIME) & 0xFFFFFFFFFFFFFFFF
    return h


_STOP_HASHES = None


def _stop_hashes() -> np.ndarray:
    """The hashes of the function and title words, sorted (built once)."""
    global _STOP_HASHES
    if _STOP_HASHES is None:
        table = lower_table()
        _STOP_HASHES = np.unique(np.array([_word_hash(w, table) for w in _NOT_CHOSEN], dtype=np.uint64))
    return _STOP_HASHES


@njit(cache=True, nogil=True)
def _chosen_words(data, boff, table, stop, of_hash, out):
    """``out[p]``: the chosen words of passage ``p`` (UTF-8 ``data[boff[p]:boff[p + 1]]``)
    as the screen counts them: words (letters, digits, ``_``, and ``'`` ``’`` ``-``
    inside) of 3+ characters whose first character case-folding leaves alone (lower
    case, or a script without case, which Python then leaves alone too), less those
    whose folded hash is a function or title word's, those ending in ``-ing`` and
    those followed by "of" (the hash ``of_hash``). Never more than
    :func:`name_like` counts, so the screen lets every name through."""
    cpmask = np.uint32(LOWER_CP)
    alnum = np.uint32(LOWER_ALNUM)
    prime = np.uint64(_FNV_PRIME)
    for p in range(len(boff) - 1):
        j = boff[p]
        end = boff[p + 1]
        n = 0
        inword = False
        cand = False
        pending = False  # the last word counts unless the next one is "of"
        length = 0
        c1 = np.uint32(0)
        c2 = np.uint32(0)
        c3 = np.uint32(0)
        h = np.uint64(_FNV_OFFSET)
        while j <= end:
            w = 1
            wordch = False
            f = np.uint32(0)
            if j < end:
                cp, w = decode_utf8(data, j)
                t = table[cp]
                f = t & cpmask
                wordch = (t & alnum) != 0 or cp == 95 or (inword and (cp == 39 or cp == 0x2019 or cp == 45))
            if wordch:
                if not inword:
                    inword = True
                    length = 0
                    h = np.uint64(_FNV_OFFSET)
                    cand = f == cp and not (48 <= cp <= 57) and cp != 95
                length += 1
                h = (h ^ np.uint64(f)) * prime
                c1, c2, c3 = c2, c3, f
            elif inword:
                inword = False
                if pending and h != of_hash:
                    n += 1
                pending = False
                if cand and length >= 3 and not (c1 == 105 and c2 == 110 and c3 == 103):  # not "-ing"
                    k = np.searchsorted(stop, h)
                    pending = k >= len(stop) or stop[k] != h
            j += w
        out[p] = n + pending


def _chosen_and_predicate(text: str, found: list) -> tuple[int, bool]:
    """How many words of a passage (its word matches ``found`` in ``text``)
    a writer chose, and whether the passage says something (has a predicate).

    A lower-case word of 3+ letters that is not a function or title word is
    chosen, except the words that only join names into a longer name: a
    noun made from a verb ("-ment", "-tion", "-ing" ...) heading an "X of
    Name" phrase ("the establishment of Huawei Technical Support Center",
    "the third meeting of the China-Saudi Arabia ... Joint Committee" -- the
    shape of "member of the Political Bureau") and an
    ``-ing`` word used as a preposition (no auxiliary before it, an article
    or a name after it: "Corridor, including the ...", "regarding Huawei").

    A passage has a predicate -- it is a statement, however many names it
    holds -- when a lower-case word of content is the verb of a clause:

    * after an auxiliary or modal ("will co-host", "will be held", "is visiting");
    * after a pronoun subject ("we welcome", "I also stressed");
    * right after a capitalised subject, in the past tense ("Wang Yi met
      with", "Li Keqiang co-chaired") or in the present with its object
      ("China welcomes the appointment").

    Words of attribution ("said", "told") are no predicate here: "said Dr.
    Julie Gerberding, director of the federal Centers for Disease Control" is
    the very name and title that independent texts share.
    """
    words = [m.group(0) for m in found]
    low = [w.lower() for w in words]
    n = len(words)
    chosen = 0
    statement = False
    for i, w in enumerate(words):
        if not w[0].islower() or len(w) < 3 or low[i] in _NOT_CHOSEN:
            continue
        before = low[max(0, i - 3):i]
        nxt = words[i + 1] if i + 1 < n else ""
        j = i - 1  # the subject's last word, past an adverb ("Wang also met")
        while j > 0 and low[j] in _ADVERBS:
            j -= 1
        joined = j >= 0 and not _PUNCTUATION.search(text, found[j].end(), found[i].start())
        if any(x in _AUXILIARIES for x in before) \
                or any(_APOSTROPHE.split(x)[0] in _PRONOUNS for x in low[max(0, i - 2):i]):
            statement = True
        elif joined and words[j][0].isupper() and (
                low[i].endswith("ed") or low[i] in _IRREGULAR_PAST
                or low[i].endswith("s") and not low[i].endswith("ss") and nxt.lower() in _DETERMINERS):
            statement = True
        if statement:
            return chosen + 1, True
        if low[i].endswith("ing") and (nxt.lower() in _DETERMINERS or nxt[:1].isupper()):
            continue  # "including the", "regarding Huawei": a preposition joining names
        if nxt.lower() == "of" and i + 2 < n and low[i].endswith(_NOMINAL_SUFFIXES):
            k = i + 2 + (low[i + 2] in _DETERMINERS and i + 3 < n)
            if words[k][0].isupper():
                continue  # the head of "X of Name", like "member of the Political Bureau"
        chosen += 1
    return chosen, statement


def _has_case(ch: str) -> bool:
    return ch.lower() != ch.upper()


def name_like(text: str, start: int, end: int, *, informative: bool | None = None) -> bool | None:
    """Whether ``text[start:end]`` is a name and title, not a quotation
    (None where case cannot tell: a script without case, a text in Title Case).

    ``informative``, when known, says whether the whole text's case means
    something (:func:`case_informative`), so a caller checking many passages
    of one text reads it once.

    Examples
    --------
    >>> t = ("Talks were held in the capital on the crisis this week. The talks were attended by "
    ...      "Yang Jiechi, member of the Political Bureau of the CPC Central Committee.")
    >>> name_like(t, t.index("Yang"), len(t) - 1)
    True
    >>> q = 'He said: "we firmly oppose any interference in the internal affairs of other countries".'
    >>> name_like(q, 10, len(q) - 2)
    False
    """
    found = list(_WORD.finditer(text, start, end))
    words = [m.group(0) for m in found]
    if not words or not all(_has_case(w[0]) for w in words):
        return None  # a script without case (or mixed with one): case cannot tell names apart
    chosen, statement = _chosen_and_predicate(text, found)
    if chosen >= MIN_CHOSEN_WORDS or statement:
        return False
    longer = [w for w in words if len(w) >= 3]
    if sum(w.isupper() for w in longer) * 2 >= len(longer):
        return None  # a passage in capitals (a shouted line, a headline): case says nothing here
    if not (case_informative(text) if informative is None else informative):
        return None  # Title Case or capitals: case says nothing here
    # names make most of a name-and-title passage ("Don't be afraid of Internet. Let
    # Internet be afraid of us" has few chosen words, and few capitals too)
    # (over the words that are not function words, and not counting a capital that opens a sentence)
    opening = {m.end() for m in _SENTENCE_START.finditer(text, start, end)} | {start}
    content = [(m.start(), m.group(0)) for m in _WORD.finditer(text, start, end)
               if m.group(0)[0].isupper() or m.group(0).lower() not in _NOT_CHOSEN]
    capitals = sum(1 for at, w in content if w[0].isupper() and at not in opening)
    return capitals > _MIN_CAPITAL_SHARE * len(content)


def case_informative(text: str) -> bool:
    """Whether letter case means something in ``text``: enough of its longer
    words are lower-case (not a headline in Title Case, not capitals)."""
    longer = [w for w in _WORD.findall(text) if len(w) >= 4 and _has_case(w[0])]
    return bool(longer) and sum(w[0].islower() for w in longer) >= _MIN_LOWER_SHARE * len(longer)


def _screen(passages, workers: int) -> np.ndarray:
    """Which passages may be names (a superset of :func:`name_like`'s verdicts):
    those with fewer than :data:`MIN_CHOSEN_WORDS` chosen words as the compiled
    :func:`_chosen_words` counts them, in one pass over Arrow's buffers."""
    out = np.zeros(len(passages), dtype=np.int64)
    if len(passages):
        data, boff = text_buffers(passages)
        table = lower_table()
        _chosen_words(data, boff, table, _stop_hashes(), np.uint64(_word_hash("of", table)), out)
    return out < MIN_CHOSEN_WORDS


def name_like_passages(texts, sides, *, workers: int = 2) -> np.ndarray:
    """Which passages are names and titles, each seen in one or more texts.

    ``sides`` is a list of ``(rows, starts, ends)``, one per text a passage is
    found in (the source's and the target's); passage ``i`` of a side is
    ``texts[rows[i]][starts[i]:ends[i]]`` (``texts`` a sequence of str or an
    Arrow string array). A passage is a name where any side whose case tells
    says so: a headline in Title Case cannot tell, the transcript it quotes
    can.

    Most passages are plainly not names: a compiled pass counts the chosen
    words of every passage at once, and only the passages with too few of them
    are read in Python (on generated news, about 1 in 30).
    """
    n = len(sides[0][0]) if sides else 0
    out = np.zeros(n, dtype=bool)
    if n == 0:
        return out
    informative: dict[int, bool] = {}
    # The first side is screened; a passage it lets through goes to Python, side after side,
    # until a side's case tells (the passages are the same words, so a side whose screen says
    # "not a name" can only be overruled by a side whose case cannot tell, which says nothing).
    rows0, starts0, ends0 = (np.asarray(x, dtype=np.int64) for x in sides[0])
    maybe = np.flatnonzero(_screen(slice_texts(texts, rows0, starts0, ends0, workers=workers), workers))
    for i in maybe.tolist():
        for rows, starts, ends in sides:
            r = int(rows[i])
            value = texts[r]
            text = (value.as_py() if hasattr(value, "as_py") else value) or ""
            if r not in informative:
                informative[r] = case_informative(text)
            verdict = name_like(text, int(starts[i]), int(ends[i]), informative=informative[r])
            if verdict is not None:
                out[i] = verdict
                break
    return out
