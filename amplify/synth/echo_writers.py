"""Echo texts: the per-echo edits that turn a source post into a repost, verbatim copy, quote, paraphrase or truncation.

Each edit works on one post at a time (texts for reposts and verbatim copies,
token lists for the others) and draws from a ``random.Random`` seeded from the
run's numpy generator: many tiny draws per echo are much cheaper there. The
order of the draws inside each edit is part of the generator's output.
"""

from __future__ import annotations

import math
import random

from amplify.synth.codes import EN, RUS, SEP, ZH
from amplify.synth.lexicon import PUNCT, TERMINAL, TokenTables, split_sentences

__all__ = ["EchoWriter", "cite_forms"]

# Per-language fillers inserted by paraphrases: at a sentence start, or before its full stop.
_FILLERS_START = {
    EN: ["Meanwhile ,", "Notably ,", "In fact ,", "At the same time ,", "Moreover ,", "However ,", "Officially ,"],
    RUS: ["Кроме того ,", "При этом ,", "Напомним ,", "Вместе с тем ,", "Официально ,"],
    ZH: ["此外 ，", "同时 ，", "据悉 ，", "另外 ，", "目前 ，"],
}
_FILLERS_END = {
    EN: ["this week", "once again", "reportedly", "as well", "for now", "in the coming days"],
    RUS: ["на этой неделе", "в очередной раз", "в ближайшие дни"],
    ZH: [],
}
_VERBATIM_TAGS = {
    EN: ["#breaking", "#news", "#BREAKING", "#World", "#Geopolitics", "#Multipolar", "#Diplomacy"],
    RUS: ["#новости", "#срочно", "#политика", "#мир"],
    ZH: ["#新闻#", "#外交#", "#快讯#", "#国际#"],
}
_VERBATIM_PREFIX = {EN: "BREAKING: ", RUS: "Срочно: ", ZH: "【快讯】"}
_TRUNC_TAIL = {EN: "...", RUS: "...", ZH: "……"}
_READ_MORE = {EN: "Read more: ", RUS: "Подробнее: ", ZH: "详情："}
_RT_PREFIX_P = 0.55  # share of reposts shown behind "RT @handle:"
_READ_MORE_P = 0.3  # share of truncations followed by a "Read more" link


def cite_forms(name: str, aliases: str, lang: int) -> list[str]:
    """The ways a post in ``lang`` names an outlet: its name and aliases ("the" before a ministry or embassy in English).

    >>> cite_forms("Chinese Foreign Ministry", "Chinese Foreign Ministry|MFA China", EN)
    ['the Chinese Foreign Ministry', 'MFA China']
    """
    forms = [name] + [a for a in aliases.split("|") if a and a != name]
    out = []
    for f in forms:
        if lang == EN and f.split(" ")[-1] in ("Ministry", "Embassy", "Department", "Office", "Mission") \
                and not f.startswith(("The ", "the ")):
            f = "the " + f
        out.append(f)
    return out


def _word_positions(tokens):
    """Indices of the tokens that are words (not punctuation)."""
    return [i for i, t in enumerate(tokens) if t not in PUNCT]


def _cap(s: str) -> str:
    """``s`` with its first letter in upper case."""
    return s[:1].upper() + s[1:] if s else s


class EchoWriter:
    """Per-echo text edits. Uses a ``random.Random`` seeded from the numpy
    generator: many tiny draws per echo are much cheaper there."""

    def __init__(self, pr: random.Random, tables: TokenTables):
        self.pr = pr
        self.T = tables

    def _lower_opener(self, tok, lang):
        """A sentence's capitalised first word, lowered if it is a lower-case vocabulary word (text now precedes it)."""
        if lang == ZH:
            return tok
        low = tok[:1].lower() + tok[1:]
        return low if low != tok and low in self.T.lower_words else tok

    def repost(self, text, handle):
        """The source text, as a platform repost shows it (sometimes behind ``RT @handle:``)."""
        if self.pr.random() < _RT_PREFIX_P:
            return f"RT @{handle}: {text}"
        return text

    def verbatim(self, text, lang):
        """The source text with at most one tiny change."""
        # One draw picks the change: none (35 %), a hashtag (20 %), a short link
        # (15 %), a prefix (12 %), a change of case (10 %, not in Chinese), else a
        # trailing line break (a bracketed tag in Chinese).
        pr = self.pr
        u = pr.random()
        if u < 0.35:
            return text
        if u < 0.55:
            return text + (" " if lang != ZH else "") + pr.choice(_VERBATIM_TAGS[lang])
        if u < 0.70:
            alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
            return text + " https://t.co/" + "".join(pr.choice(alphabet) for _ in range(10))
        if u < 0.82:
            return _VERBATIM_PREFIX[lang] + text
        if u < 0.92 and lang != ZH:
            # Change of case: the first sentence in capitals, or the first letter lowered.
            if pr.random() < 0.5:
                cut = text.find(". ")
                cut = len(text) if cut < 0 else cut
                return text[:cut].upper() + text[cut:]
            return text[:1].lower() + text[1:]
        # A trailing line break; Chinese gets a bracketed tag instead (no whitespace inside CJK text).
        return text + "\n" if lang != ZH else "【转发】" + text

    def quote(self, tokens, lang, cite, lead, tail, attributed):
        """A 12-40 word span of ``tokens`` inside new text; returns body tokens."""
        pr = self.pr
        wpos = _word_positions(tokens)
        nw = len(wpos)
        k = min(pr.randint(12, 40), max(1, nw - 2))
        # Most quotes start at a sentence start; some pick up mid-sentence.
        starts = [j for j, i in enumerate(wpos) if (i == 0 or tokens[i - 1] in TERMINAL) and j <= nw - k]
        if starts and pr.random() < 0.6:
            s = pr.choice(starts)
        else:
            s = pr.randint(0, max(0, nw - k))
        stop = wpos[s + k - 1] + 1
        if stop < len(tokens) and tokens[stop] in TERMINAL:
            stop += 1
        span = tokens[wpos[s]: stop]
        if span[-1] not in TERMINAL:
            span = span + [_TRUNC_TAIL[lang]]
        lead_t = lead.split(SEP) if lead else []
        tail_t = tail.split(SEP) if tail else []
        if lang == EN:
            qo, qc = "“", "”"
        elif lang == RUS:
            qo, qc = "«", "»"
        else:
            qo, qc = "“", "”"
        if attributed:
            form = pr.randrange(3)
            if lang == EN:
                if form == 0:
                    mid = [_cap(cite), "said", ":", qo] + span + [qc]
                elif form == 1:
                    mid = ["According", "to", cite, ","] + span
                else:
                    mid = [qo] + span[:-1] + [",", qc, cite, "said", "."]
            elif lang == RUS:
                if form == 0:
                    mid = [cite, "заявил", ":", qo] + span + [qc]
                elif form == 1:
                    mid = ["Как", "сообщает", cite, ","] + span
                else:
                    mid = ["По", "данным", cite, ","] + span
            else:
                if form == 0:
                    mid = [cite, "表示", "：", qo] + span + [qc]
                elif form == 1:
                    mid = ["据", cite, "报道", "，"] + span
                else:
                    mid = [cite, "称", "，"] + span
        else:
            mid = [qo] + span + [qc] if pr.random() < 0.5 else span
        return lead_t + mid + tail_t

    def paraphrase(self, tokens, lang, cite):
        """Synonyms, deletions, insertions and sentence reordering; keeps 70-85 % of the words."""
        pr = self.pr
        syn = self.T.lex[lang].syn
        deletable = self.T.deletable[lang]
        toks = list(tokens)
        wpos = _word_positions(toks)
        nw = len(wpos)
        keep = pr.uniform(0.70, 0.85)
        n_change = max(1, int(round((1.0 - keep) * nw)))
        subs = [i for i in wpos if toks[i] in syn]
        n_sub = min(len(subs), int(round(n_change * pr.uniform(0.5, 0.8))))
        chosen = pr.sample(subs, n_sub)
        for i in chosen:
            toks[i] = pr.choice(syn[toks[i]])
        n_del = n_change - n_sub
        dels = ()
        if n_del > 0:
            # Delete adjectives and adverbs first, never a sentence's first word.
            used = set(chosen)
            rest = [i for i in wpos if i > 0 and i not in used and tokens[i - 1] not in TERMINAL]
            pref = [i for i in rest if tokens[i] in deletable]
            if len(pref) >= n_del:
                dels = set(pr.sample(pref, n_del))
            else:
                pset = set(pref)
                other = [i for i in rest if i not in pset]
                dels = pset | set(pr.sample(other, min(len(other), n_del - len(pref))))
        toks = [t for i, t in enumerate(toks) if i not in dels]
        sents = split_sentences(toks)
        # Insertions: a connective at a sentence start or a phrase before its full stop.
        for _ in range(pr.randint(1, 3)):
            sent = sents[pr.randrange(len(sents))]
            ends = _FILLERS_END[lang]
            if ends and pr.random() < 0.4 and sent[-1] in TERMINAL and len(sent) > 1:
                sent[-1:-1] = pr.choice(ends).split(" ")
            elif sent:
                sent[0] = self._lower_opener(sent[0], lang)
                sent[0:0] = pr.choice(_FILLERS_START[lang]).split(" ")
        # Reorder sentences: move the first to the end, or swap two.
        if len(sents) >= 2 and pr.random() < 0.65:
            if pr.random() < 0.5:
                sents = sents[1:] + sents[:1]
            else:
                i, j = pr.sample(range(len(sents)), 2)
                sents[i], sents[j] = sents[j], sents[i]
        toks = [t for s in sents for t in s]
        if cite is not None:
            toks[0] = self._lower_opener(toks[0], lang)
            if lang == EN:
                toks = ["According", "to", cite, ","] + toks
            elif lang == RUS:
                toks = ["По", "данным", cite, ","] + toks
            else:
                toks = ["据", cite, "报道", "，"] + toks
        return toks

    def truncation(self, tokens, lang):
        """The first 60-92 % of the words, often followed by an ellipsis."""
        pr = self.pr
        wpos = _word_positions(tokens)
        nw = len(wpos)
        k = max(1, min(nw, math.ceil(pr.uniform(0.6, 0.92) * nw)))
        cut = wpos[k - 1] + 1
        toks = tokens[:cut]
        if pr.random() < 0.6:
            toks = toks + [_TRUNC_TAIL[lang]]
        return toks


# ---------------------------------------------------------------------------
# The generator
# ---------------------------------------------------------------------------

    def read_more(self, text, lang, url):
        """Sometimes a "Read more" link to ``url`` after a truncation's text."""
        if self.pr.random() < _READ_MORE_P:
            return text + (" " if lang != ZH else "") + _READ_MORE[lang] + url
        return text
