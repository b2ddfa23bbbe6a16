"""Text tools of the patterns of real text: filling frames, light edits, overlap measures, dates, layout.

* :func:`fill` writes a frame of :mod:`amplify.synth.real_frames` (slots and
  ``[a|b]`` choices);
* :class:`LightEditor` makes the small edits a reused sentence gets (a word
  swapped, inserted or dropped, a number written another way);
* :func:`units`, :func:`shared_grams`, :func:`longest_shared_run` and
  :func:`dice` measure overlap the way the generator's checks (and its tests)
  do: lower-case words, a number with separators as one word, one unit per
  Chinese character;
* :func:`calendar_day`, :func:`date_text` and :func:`when_phrases` name days
  as news does ("on 8 May", "last month");
* :func:`layout` joins sentences into paragraphs and returns the character
  span of every marked sentence.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from datetime import datetime, timezone

from amplify.synth.codes import DAY_S, EN, RUS, SEP, ZH
from amplify.synth.composer import render
from amplify.synth.lexicon import PUNCT, TokenTables, split_sentences, token_tables
from amplify.synth.real_frames import INSERT_ADVERBS_EN
from amplify.synth.vocab_ru import MONTHS as _RU_MONTHS

__all__ = [
    "fill",
    "cap",
    "units",
    "grams",
    "shared_grams",
    "longest_shared_run",
    "dice",
    "LightEditor",
    "sentences_of",
    "render_tokens",
    "lower_opener",
    "n_words",
    "slot_names",
    "calendar_day",
    "date_text",
    "month_text",
    "when_phrases",
    "layout",
]

_CHOICE_RE = re.compile(r"\[([^\[\]]*)\]")
_SLOT_RE = re.compile(r"\{([A-Za-z0-9_.]+)\}")
_SPACES_RE = re.compile(r" {2,}")
_SPACE_PUNCT_RE = re.compile(r" +([,.:;?!])")
# Units of overlap: a Chinese character, a number with separators, a word.
_UNIT_RE = re.compile(r"[\u4e00-\u9fff]|\d[\d,.]*\d|[^\W\u4e00-\u9fff]+")
_EN_MONTHS = ("January February March April May June July August September October November "
              "December").split()
_SMALL_NUMBERS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine",
                  10: "ten", 11: "eleven", 12: "twelve"}
_INT_COMMA_RE = re.compile(r"^\d{1,3}(,\d{3})+$")
_DECIMAL_RE = re.compile(r"^\d+(\.\d+)?$")


def fill(frame: str, slots: dict, pr) -> str:
    """``frame`` with each ``[a|b|c]`` replaced by one alternative and each ``{SLOT}`` by its value.

    Spaces left by an empty alternative are collapsed, and no space is left
    before punctuation.

    >>> import random
    >>> fill("{A} [ready|ready] for talks [|] with {B}.", {"A": "Iran", "B": "Peru"}, random.Random(0))
    'Iran ready for talks with Peru.'
    """
    text = _CHOICE_RE.sub(lambda m: pr.choice(m.group(1).split("|")), frame)
    text = _SLOT_RE.sub(lambda m: str(slots[m.group(1)]), text)
    text = _SPACES_RE.sub(" ", text).strip()
    return _SPACE_PUNCT_RE.sub(r"\1", text)


def slot_names(frame: str) -> set:
    """The slots a frame names (``{A.gen}`` counts as ``A``)."""
    return {s.split(".")[0] for s in _SLOT_RE.findall(frame)}


def cap(s: str) -> str:
    """``s`` with its first letter in upper case."""
    return s[:1].upper() + s[1:] if s else s


def units(text: str) -> list[str]:
    """The units overlap is measured in: lower-case words (a number with separators is one), Chinese characters."""
    return _UNIT_RE.findall(text.lower())


def grams(u: list, n: int) -> set:
    """The n-grams of a list of units."""
    return {tuple(u[i:i + n]) for i in range(len(u) - n + 1)}


def shared_grams(a: str, b: str, n: int) -> set:
    """The n-unit runs two texts share."""
    return grams(units(a), n) & grams(units(b), n)


def longest_shared_run(a: str, b: str) -> int:
    """Length, in units, of the longest run of units the two texts share."""
    ua, ub = units(a), units(b)
    best = 0
    prev = [0] * (len(ub) + 1)
    for x in ua:
        cur = [0] * (len(ub) + 1)
        for j, y in enumerate(ub, start=1):
            if x == y:
                cur[j] = prev[j - 1] + 1
                if cur[j] > best:
                    best = cur[j]
        prev = cur
    return best


def dice(a: str, b: str) -> float:
    """Bag-of-words Dice overlap of two texts (multisets of units), as the detector's paraphrase rule counts it."""
    ca, cb = Counter(units(a)), Counter(units(b))
    total = sum(ca.values()) + sum(cb.values())
    return 2.0 * sum((ca & cb).values()) / total if total else 0.0


# --------------------------------------------------------------------------- sentences as tokens


def sentences_of(body: str) -> list[list[str]]:
    """A composed body (tokens joined by SEP) cut into sentences (token lists ending in a full stop)."""
    return split_sentences(t for t in body.split(SEP) if t)


def render_tokens(tokens: list, lang: int) -> str:
    """A token list as published text."""
    return render(SEP.join(tokens), lang)


def n_words(tokens: list) -> int:
    """Words among ``tokens`` (punctuation excluded)."""
    return sum(1 for t in tokens if t not in PUNCT)


@functools.cache
def _name_words(lang: int) -> frozenset:
    """Capitalised words of a language's names (places, people, nationalities, named subjects and actors)."""
    lex = token_tables().lex[lang]
    out = set()
    for cat in ("PLACE", "PER", "NAT", "SUBJ", "ACTOR", "TITLE"):
        for entry in lex.cats[cat]:
            words = entry.split()
            for i, w in enumerate(words):
                # a subject's first word is a name only if it is not a common word ("The", "Officials")
                if w[:1].isupper() and (cat not in ("SUBJ", "ACTOR") or i > 0 or w.lower() not in _COMMON_OPENERS):
                    out.add(w)
    return frozenset(out)


# Sentence openers of the skeletons and subjects that are common words, not names.
_COMMON_OPENERS = frozenset(["the", "officials", "lawmakers", "experts", "analysts", "observers", "investigators",
                             "residents", "critics", "diplomatic", "military", "government", "local", "regional",
                             "security", "both"])


def lower_opener(tokens: list, tables: TokenTables, lang: int) -> list:
    """``tokens`` with the first word lowered, as when text now precedes it ("said that the ...").

    A name ("Beijing", "Sergei", "Russian"), an acronym ("NATO") or a number keeps its case.
    """
    if lang == ZH or not tokens:
        return list(tokens)
    t = tokens[0]
    low = t[:1].lower() + t[1:]
    keep = low == t or t in _name_words(lang) or (len(t) > 1 and t.isupper()) or not t[:1].isalpha()
    if low in tables.lower_words:
        keep = False
    return [t if keep else low] + list(tokens[1:])


class LightEditor:
    """The small edits of a reused sentence: a word swapped, inserted or dropped, a number written another way.

    Works on English token lists and draws from a ``random.Random``.
    """

    OPS = ("swap", "insert", "drop", "number")

    def __init__(self, pr, tables: TokenTables):
        self.pr = pr
        lex = tables.lex[EN]
        self.syn = lex.syn
        self.deletable = tables.deletable[EN]
        self.past = frozenset(w for w in lex.cats["VD"] if " " not in w)
        self.adjs = [w for w in lex.cats["A"] if " " not in w]

    def edit(self, tokens: list, n_ops: int) -> tuple[list, list]:
        """``tokens`` with ``n_ops`` edits (fewer when the sentence offers fewer); returns (tokens, op names).

        The result always differs from ``tokens`` when any edit applies (a drop
        never just undoes an insertion).
        """
        for _ in range(4):
            toks, done = self._edit_once(tokens, n_ops)
            if toks != list(tokens):
                return toks, done
        return list(tokens), []

    def _edit_once(self, tokens: list, n_ops: int) -> tuple[list, list]:
        toks = list(tokens)
        done = []
        ops = list(self.OPS)
        self.pr.shuffle(ops)
        # A sentence with a number usually gets it rewritten.
        if any(_is_number(t) for t in toks) and self.pr.random() < 0.6:
            ops.remove("number")
            ops.insert(0, "number")
        for op in ops:
            if len(done) >= n_ops:
                break
            new = getattr(self, "_" + op)(toks)
            if new is not None:
                toks = new
                done.append(op)
        return toks, done

    def _candidates(self, toks, pred):
        # never the first word (the sentence's opener) nor the last token (its full stop)
        return [i for i in range(1, len(toks) - 1) if pred(toks[i])]

    def _swap(self, toks):
        c = self._candidates(toks, lambda t: t in self.syn)
        if not c:
            return None
        i = self.pr.choice(c)
        return toks[:i] + [self.pr.choice(self.syn[toks[i]])] + toks[i + 1:]

    def _insert(self, toks):
        c = self._candidates(toks, lambda t: t in self.past)
        if c:
            i = self.pr.choice(c)
            return toks[:i] + self.pr.choice(INSERT_ADVERBS_EN).split(" ") + toks[i:]
        c = [i for i in range(1, len(toks) - 1) if toks[i - 1] == "the" and toks[i] not in PUNCT]
        if not c:
            return None
        i = self.pr.choice(c)
        return toks[:i] + [self.pr.choice(self.adjs)] + toks[i:]

    def _drop(self, toks):
        c = self._candidates(toks, lambda t: t in self.deletable)
        c += [i for i in range(1, len(toks) - 1) if toks[i] == "that" and toks[i - 1] not in PUNCT]
        if not c:
            return None
        i = self.pr.choice(c)
        return toks[:i] + toks[i + 1:]

    def _number(self, toks):
        c = [i for i in range(len(toks) - 1) if _is_number(toks[i])]
        if not c:
            return None
        i = self.pr.choice(c)
        t, nxt = toks[i], toks[i + 1]
        pr = self.pr
        if nxt in ("billion", "million") and _DECIMAL_RE.match(t):
            unit = "bn" if nxt == "billion" else "m"
            form = pr.choice([t + unit, t + " " + ("bln" if nxt == "billion" else "mln")])
            return toks[:i] + form.split(" ") + toks[i + 2:]
        if nxt == "percent":
            form = pr.choice([t + "%", t + " per cent"])
            return toks[:i] + form.split(" ") + toks[i + 2:]
        if _INT_COMMA_RE.match(t):
            v = int(t.replace(",", ""))
            form = pr.choice([str(v), t.replace(",", " "), f"{v / 1000:.1f} thousand"])
            return toks[:i] + form.split(" ") + toks[i + 1:]
        if t.isdigit() and int(t) in _SMALL_NUMBERS:
            return toks[:i] + [_SMALL_NUMBERS[int(t)]] + toks[i + 1:]
        return None


def _is_number(t: str) -> bool:
    return bool(t) and t[0].isdigit()


# --------------------------------------------------------------------------- days as news names them


def calendar_day(start_epoch: int, t: int) -> datetime:
    """The UTC date and time of second ``t`` of the period."""
    return datetime.fromtimestamp(start_epoch + int(t), tz=timezone.utc)


def date_text(day: datetime, lang: int) -> str:
    """A date as news writes it: ``8 May``, ``8 мая``, ``5月8日``."""
    if lang == ZH:
        return f"{day.month}月{day.day}日"
    if lang == RUS:
        return f"{day.day} {_RU_MONTHS.split('; ')[day.month - 1].strip()}"
    return f"{day.day} {_EN_MONTHS[day.month - 1]}"


def month_text(day: datetime, lang: int) -> str:
    """A month's name (English only is needed)."""
    return _EN_MONTHS[day.month - 1] if lang == EN else date_text(day, lang)


_WHEN = {
    EN: {"on": "on {d}", "this_month": "earlier this month", "last_month": "last month", "last_week": "last week",
         "weeks": "several weeks ago"},
    RUS: {"on": "{d}", "this_month": "ранее в этом месяце", "last_month": "в прошлом месяце",
          "last_week": "на прошлой неделе", "weeks": "несколько недель назад"},
    ZH: {"on": "{d}", "this_month": "本月早些时候", "last_month": "上月", "last_week": "上周", "weeks": "数周前"},
}


def when_phrases(src: datetime, tgt: datetime, lang: int) -> list[str]:
    """Every phrase that truly places ``src`` as seen from ``tgt`` ("on 8 May" always; "last month" when it was)."""
    w = _WHEN[lang]
    out = [w["on"].format(d=date_text(src, lang))]
    lag_days = (tgt - src).total_seconds() / DAY_S
    months = (tgt.year * 12 + tgt.month) - (src.year * 12 + src.month)
    if months == 0 and lag_days >= 8:
        out.append(w["this_month"])
    if months == 1:
        out.append(w["last_month"])
    sw, tw = src.isocalendar(), tgt.isocalendar()
    if (tw[0] * 53 + tw[1]) - (sw[0] * 53 + sw[1]) == 1 and lag_days >= 2:
        out.append(w["last_week"])
    if 14 <= lag_days <= 60:
        out.append(w["weeks"])
    return out


# --------------------------------------------------------------------------- layout with spans


def layout(paragraphs: list, lang: int) -> tuple[str, dict]:
    """Join paragraphs of sentences into one text; return it and the span of every marked sentence.

    Each paragraph is a list of ``(prefix, sentence, key)``: ``prefix`` is text
    put before the sentence inside it ("A:", a lead-in), ``key`` names the
    sentence's span (``None``: not recorded). Sentences are joined by a space
    (none in Chinese), paragraphs by a blank line (a line break in Chinese).
    Spans are ``(start, end)`` character offsets of the sentence, prefix excluded.
    """
    sent_sep = "" if lang == ZH else " "
    para_sep = "\n" if lang == ZH else "\n\n"
    parts, spans, pos = [], {}, 0
    for pi, para in enumerate(paragraphs):
        if pi:
            parts.append(para_sep)
            pos += len(para_sep)
        for si, (prefix, sent, key) in enumerate(para):
            if si:
                parts.append(sent_sep)
                pos += len(sent_sep)
            if prefix:
                p = prefix + ("" if lang == ZH else " ")
                parts.append(p)
                pos += len(p)
            if key is not None:
                spans[key] = (pos, pos + len(sent))
            parts.append(sent)
            pos += len(sent)
    return "".join(parts), spans
