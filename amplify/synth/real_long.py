"""Long texts of the patterns of real text: ministry statements, multi-passage echoes, quote-backs after weeks.

A mixin of :class:`amplify.synth.real_patterns._Planter` (it uses the
planter's random streams, composer and outlet pools): see
:mod:`amplify.synth.real_patterns` for what is planted.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass

import numpy as np

from amplify.synth.codes import CN, DAY_S, EN, IR, MIN_LAG_S, RU, RUS, WEST, ZH
from amplify.synth.real_frames import (
    PASSAGE_LEADINS_EN,
    QUESTION_ENDINGS_EN,
    QUOTE_BACK_EN,
    QUOTE_BACK_RU,
    QUOTE_BACK_ZH,
)
from amplify.synth.real_text import (
    calendar_day,
    cap,
    dice,
    fill,
    layout,
    lower_opener,
    month_text,
    n_words,
    render_tokens,
    when_phrases,
)

__all__ = ["LongTexts", "Statement", "CULTURE"]

#: The culture (index into ``vocab_en.PEOPLE``) of the people of each camp: a ministry's spokespeople.
CULTURE = {RU: 0, CN: 1, IR: 2, WEST: 3}

# Statement and article lengths in words (a Chinese word is a token); statements are
# composed in chunks of about this many words.
LONG_WORDS = (150, 600)
_CHUNK_WORDS = 95
_SIGNOFF_WORDS = 8  # room left for an outlet's sign-off
_QUOTE_BACK_ARTICLE_WORDS = (60, 250)
# Shortest sentence reused by a multi-passage echo, and quoted back.
PASSAGE_MIN_WORDS, QUOTE_MIN_WORDS = 10, 12
DICE_MAX = 0.55
# Statements per quote-back or multi-passage target (statements are reused by several articles).
_STATEMENTS_PER_TARGET = 0.75
# Share of multi-passage echoes whose sentences come in another order, end on a reused
# sentence, or whose new text is about the statement's own topic.
_REORDER_P, _END_ON_REUSED_P, _ON_TOPIC_P = 0.25, 0.3, 0.5


@dataclass
class Statement:
    """A long ministry statement, and the sentences other outlets may reuse."""

    idx: int
    outlet: int
    lang: int
    camp: int
    t: int
    place: int
    noun: int
    sents: list  # token lists of the answer sentences
    spans: list  # their character spans in the text

    def __post_init__(self):
        self._words = [n_words(s) for s in self.sents]

    def quotable(self, min_words: int) -> list:
        """The sentences of at least ``min_words`` words."""
        return [j for j, w in enumerate(self._words) if w >= min_words]


def _words(sents) -> int:
    return sum(n_words(s) for s in sents)


def _trim(gaps: list, fixed: int, hi: int, keep: list) -> int:
    """Drop sentences from the longest runs until the text has at most ``hi`` words; returns its words.

    ``gaps`` are runs of new sentences, ``fixed`` the words of the rest, and
    ``keep[i]`` the fewest sentences run ``i`` must keep.
    """
    total = fixed + sum(_words(g) for g in gaps)
    while total > hi:
        cand = [i for i, g in enumerate(gaps) if len(g) > keep[i]]
        if not cand:
            break
        i = max(cand, key=lambda i: (len(gaps[i]), -i))
        total -= n_words(gaps[i].pop())
    return total


class LongTexts:
    """Statements, multi-passage echoes and quote-backs (a mixin of the planter)."""

    # ------------------------------------------------------------------ statements

    def statements_for(self, n_passages: int, n_quote_back: int) -> None:
        """The ministry statements that articles reuse and quote, per language."""
        share = np.asarray(self.profile.lang_share, dtype=np.float64)
        share = share / share.sum()
        multi = 1.0 + self.profile.multi_source_p
        want = {EN: n_passages + n_quote_back * share[0] * multi,
                RUS: n_quote_back * share[1] * multi, ZH: n_quote_back * share[2] * multi}
        for lang in (EN, RUS, ZH):
            if want[lang] <= 0:
                continue
            k = max(3, int(math.ceil(_STATEMENTS_PER_TARGET * want[lang])))
            ministries = self.pool(lang, ("ministry",))
            if not len(ministries):
                ministries = self.pool(lang, ("diplomat", "state_media"))
            if not len(ministries):
                continue
            self._write_statements(lang, ministries, k)

    def _spokespeople(self, o: int) -> list:
        if o not in self.spokespeople:
            lang = int(self.o_lang[o])
            culture = CULTURE[int(self.o_camp[o])] if lang == EN else 0
            self.spokespeople[o] = [self.person(lang, culture) for _ in range(2)]
        return self.spokespeople[o]

    def _write_statements(self, lang: int, ministries: np.ndarray, k: int) -> None:
        pr = self.pr
        outlets = [self.pick(ministries, self.w_orig) for _ in range(k)]
        times = [self.daytime(pr.randrange(self.days)) for _ in range(k)]
        camps = [int(self.o_camp[o]) for o in outlets]
        places = self.comp.draw(lang, "PLACE", k)
        nouns = self.comp.draw_index(lang, "N", k)
        for o, t, camp, place, noun in zip(outlets, times, camps, places.tolist(), nouns.tolist()):
            words = pr.randint(LONG_WORDS[0] + _SIGNOFF_WORDS, LONG_WORDS[1] - _SIGNOFF_WORDS)
            chunks = max(2, int(math.ceil(words / _CHUNK_WORDS)))
            sents = [s for chunk in self.filler(lang, camp, words, chunks, place, noun) for s in chunk]
            transcript = lang == EN and pr.random() < self.profile.transcript_p
            # Paragraphs of 2-4 sentences; a transcript puts a journalist's question before each.
            sizes, j = [], 0
            while j < len(sents):
                sizes.append(min(len(sents) - j, pr.randint(2, 4)))
                j += sizes[-1]
            questions = [None] * len(sizes)
            if transcript:
                questions = [render_tokens(q[0], lang) + " " + pr.choice(QUESTION_ENDINGS_EN)
                             for q in self.compose(lang, [camp] * len(sizes), [8] * len(sizes), True)]
            starts = np.cumsum([0] + sizes[:-1]).tolist()
            blocks = [(q, sents[a:a + size]) for q, a, size in zip(questions, starts, sizes)]
            # Cut to the length drawn, never below the shortest.
            size_of = [_words(b) + (len(q.split()) + 2 if q else 0) for q, b in blocks]  # (with "Q:" and "A:")
            total = sum(size_of)
            while len(blocks) > 1 and total > words and total - size_of[-1] >= LONG_WORDS[0]:
                blocks.pop()
                total -= size_of.pop()
            last = blocks[-1][1]
            while len(last) > 1 and total > words and total - n_words(last[-1]) >= LONG_WORDS[0]:
                total -= n_words(last.pop())
            paras, answer = [], []
            for question, block in blocks:
                if question:
                    paras.append([("Q:", question, None)])
                paras.append([("A:" if question and m == 0 else "", render_tokens(x, lang), len(answer) + m)
                              for m, x in enumerate(block)])
                answer.extend(block)
            text, spans = layout(paras, lang)
            idx = self.P.add(o, t, self.signed(o, text), lang)
            self.statements[lang].append(Statement(idx=idx, outlet=o, lang=lang, camp=camp, t=t, place=place,
                                                    noun=noun, sents=answer,
                                                    spans=[spans[m] for m in range(len(answer))]))
        self.P.stats[f"statements_{['en', 'ru', 'zh'][lang]}"] += k

    # ------------------------------------------------------------------ passages

    def passages(self, n: int) -> None:
        """Articles that reuse 2-4 lightly edited sentences of a long statement, with new text between them."""
        pr, prof = self.pr, self.profile
        stmts = [s for s in self.statements[EN] if len(s.quotable(PASSAGE_MIN_WORDS)) >= 2 and s.t < self.end - 3600]
        if not stmts:
            return
        for _ in range(n):
            s = pr.choice(stmts)
            lag = self.lag(10 * 3600, 1.0, 1800, 6 * DAY_S)
            lag = min(lag, self.end - 1 - s.t)
            tgt_o = self.article_outlet([s.camp], EN, exclude=(s.outlet,))
            if lag < MIN_LAG_S or tgt_o is None:
                self.P.stats["passages_skipped"] += 1
                continue
            want_k = int(self.rng.choice([2, 3, 4], p=np.asarray(prof.passage_k_p) / sum(prof.passage_k_p)))
            # 2-4 long sentences, each lightly edited (a sentence no edit applies to is passed over)
            edited = {}
            for j in pr.sample(s.quotable(PASSAGE_MIN_WORDS), len(s.quotable(PASSAGE_MIN_WORDS))):
                toks, done = self.editor.edit(s.sents[j], pr.randint(*prof.edits))
                if done:
                    edited[j] = (toks, done)
                if len(edited) == want_k:
                    break
            if len(edited) < 2:
                self.P.stats["passages_skipped"] += 1
                continue
            chosen = sorted(edited)
            if pr.random() < _REORDER_P:
                pr.shuffle(chosen)
            k = len(chosen)
            reused = [edited[j][0] for j in chosen]
            ops = [list(edited[j][1]) for j in chosen]
            lead_at = pr.randrange(k) if pr.random() < prof.leadin_p else -1
            prefixes = [""] * k
            if lead_at >= 0:
                cite = pr.choice(self.cites[s.outlet])
                prefixes[lead_at] = fill(pr.choice(self.frames(PASSAGE_LEADINS_EN)), {"CITE": cite, "CITE_CAP": cap(cite)},
                                         pr)
                reused[lead_at] = lower_opener(reused[lead_at], self.T, EN)
                ops[lead_at] = ops[lead_at] + ["leadin"]
            fixed = _words(reused) + sum(len(x.split()) for x in prefixes if x)
            src_text = self.P.text[s.idx]
            for attempt in range(2):
                want = pr.randint(LONG_WORDS[0], LONG_WORDS[1] - _SIGNOFF_WORDS)
                on_topic = attempt == 0 and pr.random() < _ON_TOPIC_P
                gaps = self.filler(EN, int(self.o_camp[tgt_o]), max(60, want - fixed), k + 1,
                                   s.place if on_topic else None, s.noun if on_topic else None)
                # new text before and between the reused sentences; the end may be a reused sentence
                total = _trim(gaps, fixed, want, [1] * k + [0])
                if total - _words(gaps[-1]) >= LONG_WORDS[0] and pr.random() < _END_ON_REUSED_P:
                    total -= _words(gaps[-1])
                    gaps[-1] = []
                if not LONG_WORDS[0] <= total <= LONG_WORDS[1] - _SIGNOFF_WORDS:
                    continue
                paras = [[("", x, None) for x in self.render(gaps[0], EN)]]
                for j in range(k):
                    rest = self.render(gaps[j + 1], EN)
                    paras.append([(prefixes[j], render_tokens(reused[j], EN), j)] + [("", x, None) for x in rest[:2]])
                    if len(rest) > 2:
                        paras.append([("", x, None) for x in rest[2:]])
                text, spans = layout([p for p in paras if p], EN)
                text = self.signed(tgt_o, text)
                if dice(src_text, text) < DICE_MAX:
                    break
            else:
                self.P.stats["passages_skipped"] += 1
                continue
            tgt = self.P.add(tgt_o, s.t + lag, text, EN)
            self.P.links.append((s.idx, tgt, "passages", lead_at >= 0))
            for j, sj in enumerate(chosen):
                self.P.spans.append((s.idx, tgt, "passages", *s.spans[sj], *spans[j], ";".join(ops[j])))

    # ------------------------------------------------------------------ quote-back

    def _quote_lag(self) -> int:
        prof, pr = self.profile, self.pr
        max_lag = min(prof.max_lag_days * DAY_S, self.end - DAY_S)
        if pr.random() < prof.beyond_window_p and max_lag > 7 * DAY_S + 3600:
            lo = 7 * DAY_S + 3600
            return int(math.exp(pr.uniform(math.log(lo), math.log(max_lag))))
        return int(pr.uniform(2 * 3600, min(7 * DAY_S - 3600, max(max_lag, 2 * 3600 + 1))))

    def _spox_forms(self, o: int, lang: int) -> list:
        name = self.name[o]
        if lang == RUS:
            return [f"Официальный представитель {name} {{P}}", "Официальный представитель министерства {P}"]
        if lang == ZH:
            return [f"{name}发言人{{P}}", "外交部发言人{P}"]
        forms = [f"{name} spokesperson {{P}}", "Ministry spokesperson {P}"]
        if "Foreign Ministry" in name:
            forms.append("Foreign Ministry spokesperson {P}")
        return forms

    def _attribution(self, s: Statement, j: int, t_tgt: int) -> tuple[str, tuple, str, bool]:
        """The sentence that quotes sentence ``j`` of ``s``; returns (text, quote span in it, edit, attributed)."""
        pr, lang = self.pr, s.lang
        forms = {EN: QUOTE_BACK_EN, RUS: QUOTE_BACK_RU, ZH: QUOTE_BACK_ZH}[lang]
        form = pr.choice(self.frames(forms))
        cite = pr.choice(self.cites[s.outlet])
        spox = self._spokespeople(s.outlet)
        p_name = pr.choice(spox)
        src_day, tgt_day = calendar_day(self.start_epoch, s.t), calendar_day(self.start_epoch, t_tgt)
        q_full = render_tokens(s.sents[j], lang)
        end_mark = "。" if lang == ZH else "."
        q_comma = q_full[:-1] + ("，" if lang == ZH else ",") if q_full.endswith(end_mark) else q_full
        q_low = render_tokens(lower_opener(s.sents[j], self.T, lang), lang)
        slots = {"CITE": cite, "CITE_CAP": cap(cite), "P": p_name,
                 "SPOX": pr.choice(self._spox_forms(s.outlet, lang)).format(P=p_name),
                 "WHEN": pr.choice(when_phrases(src_day, tgt_day, lang)), "MONTH": month_text(src_day, lang),
                 "Q": "\x00Q\x00", "QC": "\x00QC\x00", "q": "\x00q\x00"}
        text = cap(fill(form, slots, pr))
        if "\x00QC\x00" in text:
            quote, edit = q_comma, "comma"
        elif "\x00q\x00" in text:
            quote, edit = q_low, ("lowered" if q_low != q_full else "")
        else:
            quote, edit = q_full, ""
        marker = text[text.index("\x00"):text.index("\x00", text.index("\x00") + 1) + 1]
        at = text.index(marker)
        text = text.replace(marker, quote)
        attributed = self.names_source(s.outlet, text[:at] + text[at + len(quote):], lang)
        return text, (at, at + len(quote)), edit, attributed

    def quote_back(self, n: int) -> None:
        """Articles quoting a sentence of a statement 1-90 days later; some quote two statements."""
        pr, prof = self.pr, self.profile
        share = np.asarray(prof.lang_share, dtype=np.float64)
        # statements with a sentence to quote, per language, in time order
        by_lang = {lg: sorted((s for s in self.statements[lg] if s.quotable(QUOTE_MIN_WORDS)), key=lambda s: s.t)
                   for lg in (EN, RUS, ZH)}
        times = {lg: [s.t for s in v] for lg, v in by_lang.items()}
        for _ in range(n):
            lang = int(self.rng.choice(3, p=share / share.sum()))
            if not by_lang[lang]:
                lang = EN
            stmts = by_lang[lang]
            lag = self._quote_lag()
            cands = stmts[:bisect.bisect_left(times[lang], self.end - lag)]
            if not cands:
                self.P.stats["quote_back_skipped"] += 1
                continue
            first = pr.choice(cands)
            t_tgt = first.t + lag
            sources = [first]
            if pr.random() < prof.multi_source_p:
                more = [s for s in stmts if s is not first and s.t < t_tgt - 3600 and abs(s.t - first.t) >= DAY_S]
                if more:
                    sources.append(pr.choice(more))
            tgt_o = self.article_outlet([s.camp for s in sources], lang, exclude=[s.outlet for s in sources])
            if tgt_o is None and len(sources) > 1:
                sources = sources[:1]
                tgt_o = self.article_outlet([first.camp], lang, exclude=(first.outlet,))
            if tgt_o is None:
                self.P.stats["quote_back_skipped"] += 1
                continue
            quotes = []
            for s in sources:
                j = pr.choice(s.quotable(QUOTE_MIN_WORDS))
                quotes.append((s, j, *self._attribution(s, j, t_tgt)))
            words = pr.randint(*_QUOTE_BACK_ARTICLE_WORDS)
            on_topic = pr.random() < _ON_TOPIC_P
            gaps = [self.render(g, lang) for g in self.filler(lang, int(self.o_camp[tgt_o]), words, len(quotes) + 1,
                                                               first.place if on_topic else None,
                                                               first.noun if on_topic else None)]
            paras = [[("", x, None) for x in gaps[0][:2]]]
            for q, (_s, _j, sent, _span, _edit, _att) in enumerate(quotes):
                paras.append([("", sent, ("q", q))] + [("", x, None) for x in (gaps[0][2:] if q == 0 else [])])
                paras.append([("", x, None) for x in gaps[q + 1]])
            text, spans = layout([p for p in paras if p], lang)
            tgt = self.P.add(tgt_o, t_tgt, self.signed(tgt_o, text), lang)
            for q, (s, j, _sent, span, edit, att) in enumerate(quotes):
                base = spans[("q", q)][0]
                self.P.links.append((s.idx, tgt, "quote_back", att))
                self.P.spans.append((s.idx, tgt, "quote_back", *s.spans[j], base + span[0], base + span[1], edit))
            if len(quotes) > 1:
                self.P.stats["quote_back_multi_source_targets"] += 1
