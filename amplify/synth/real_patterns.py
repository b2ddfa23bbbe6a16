"""The patterns of real text that detection gets wrong, planted with their truth (issues #10 and #19).

A profile other than ``default`` (:mod:`amplify.synth.profiles`) adds these
posts to the default world, from its own random stream: they never shift the
default world's draws, and its posts, links and negatives stay exactly as they
were (the new posts have ids ``r0000001`` ... in time order among themselves).
All posts come from the world's outlets: ministries publish the statements,
state media, diplomats and independent media the articles and headlines.

Echoes (``truth_links.csv``):

``passages``
    A long statement (150-600 words in paragraphs, some laid out as a press
    conference transcript with ``Q:`` and ``A:``) and a later article of
    150-600 words by another outlet, within a week, that reuses 2-4 of its
    sentences, each lightly edited (a word swapped, inserted or dropped, a
    number written another way), with new text between them. The whole texts'
    bag-of-words Dice stays below 0.55. Each reused sentence is a row of
    ``truth_spans.csv``.
``reword``
    A headline of 6-12 words restated by another outlet in other words: the
    same people, places and numbers, other words and order, fewer than two
    shared 4-word runs (4-character runs in Chinese). English, Russian, Chinese.
``quote_back``
    A sentence of at least 12 words of a ministry statement, quoted 1-90 days
    later (mostly beyond the default 7-day window, within the period) inside
    an article of another outlet, attributed the way news does it ("as the
    Chinese Foreign Ministry said on 8 May", "Ministry spokesperson Wang Wei
    said last month"). Some articles quote two statements of different days:
    the target then has two rows, one per parent. English, Russian, Chinese.

Hard negatives (``truth_negatives.csv``), never echoes:

``template``
    The same frame with other numbers or names, published day after day by
    one to three outlets ("476 COVID-19 patients discharged ..."); one pair
    per two consecutive posts of different outlets. ``shared`` is the frame
    with ``*`` for what changes.
``same_event``
    Two outlets of different camps report one event in their own words,
    naming the same people, place and date; no 6-word run in common (their
    Dice may well exceed 0.55). ``shared`` lists the names, place and date.
``entity_swap``, ``number_swap``
    Two headlines of one frame that differ only in a country or person, or in
    a number ("Finland applies to join NATO" / "Sweden applies to join NATO").
    ``shared`` is the frame with ``*`` for the difference.
``topic_words``
    Two headlines sharing a topic phrase in different frames ("Time has come
    to impose sanctions on Russia - Kuleba" / "Singapore to impose sanctions
    on Russia, including ..."). ``shared`` is the phrase.
``name_title``
    Two unrelated posts that share only a long name-and-title phrase
    ("Wang Wei, director of the National Institute of Allergy and Infectious
    Diseases"). ``shared`` is the phrase.
"""

from __future__ import annotations

import math
import random
import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from amplify.synth import vocab_en, vocab_ru, vocab_zh
from amplify.synth.codes import CN, DAY_S, EN, IR, RU, RUS, WEST, ZH
from amplify.synth.composer import Composer
from amplify.synth.echo_writers import cite_forms
from amplify.synth.profiles import Profile
from amplify.synth.real_frames import CITIES_EN, CN_CITIES_EN, COUNTRIES_EN, REGIONS_EN, split_frames
from amplify.synth.real_long import CULTURE, LongTexts
from amplify.synth.real_short import ShortTexts
from amplify.synth.real_text import LightEditor, render_tokens, sentences_of
from amplify.synth.world import MATRIX_GEN1

__all__ = ["Planted", "plant_patterns"]

_TRIES = 12
# Outlets that may echo a camp: its own, and those whose row of the echo matrix gives it at least this weight.
_ECHO_CAMP_MIN = 0.05
# Articles that reuse or quote statements are written by media; headlines are echoed by diplomats too.
_ARTICLE_KINDS = ("state_media", "independent")
_HEADLINE_ECHO_KINDS = ("state_media", "diplomat", "independent")
_HEADLINE_SOURCE_KINDS = ("ministry", "state_media", "diplomat", "independent")
# Posting times: a daytime peak (seconds of the day).
_PEAK_S, _PEAK_SD_S = 13.0 * 3600, 4.5 * 3600


@dataclass
class Planted:
    """The posts a profile adds and their truth, indexed by the order the posts were written in."""

    outlet: list = field(default_factory=list)
    t: list = field(default_factory=list)
    text: list = field(default_factory=list)
    lang: list = field(default_factory=list)
    links: list = field(default_factory=list)  # (source, target, kind, attributed)
    negatives: list = field(default_factory=list)  # (a, b, kind, shared), a the earlier
    spans: list = field(default_factory=list)  # (source, target, kind, s0, s1, t0, t1, edits)
    stats: Counter = field(default_factory=Counter)
    seen: set = field(default_factory=set)

    def fresh(self, *texts) -> bool:
        """None of ``texts`` is written yet, and they differ (two unrelated posts are never the same text)."""
        return len(set(texts)) == len(texts) and not any(t in self.seen for t in texts)

    def add(self, outlet: int, t: int, text: str, lang: int) -> int:
        self.seen.add(text)
        self.outlet.append(int(outlet))
        self.t.append(int(t))
        self.text.append(text)
        self.lang.append(int(lang))
        return len(self.outlet) - 1


def plant_patterns(rng, out, params, profile: Profile) -> Planted:
    """Write every post and truth row the profile asks for; draws only from ``rng`` (the profile's stream)."""
    p = _Planter(rng, out, params, profile)
    counts = profile.counts(params.n_posts)
    p.statements_for(counts["passages"], counts["quote_back"])
    p.passages(counts["passages"])
    p.quote_back(counts["quote_back"])
    p.reword(counts["reword"])
    p.templates(counts["template_series"])
    p.same_event(counts["same_event"])
    p.entity_swap(counts["entity_swap"])
    p.number_swap(counts["number_swap"])
    p.topic_words(counts["topic_words"])
    p.name_title(counts["name_title"])
    return p.P


def _ok_name(s: str, term: str) -> bool:
    return not term or term not in s.casefold()


class _Planter(LongTexts, ShortTexts):
    """One profile's writing state: its random streams, composer, outlet pools and name lists."""

    def __init__(self, rng, out, params, profile: Profile):
        self.rng = rng
        self.pr = random.Random(int(rng.integers(2**62)))
        self.comp = Composer(rng, params.surge_term)
        self.T = self.comp.T
        self.profile = profile
        self.days = int(params.days)
        self.end = self.days * DAY_S
        self.start_epoch = int(params.start_epoch)
        term = params.surge_term.casefold()
        self.term = term
        self.P = Planted()
        self.editor = LightEditor(self.pr, self.T)
        # outlets
        self.o_camp = out["camp"].to_numpy(np.int64)
        self.o_lang = out["lang"].to_numpy(np.int64)
        self.o_kind = out["kind"].to_numpy()
        self.w_orig = out["w_orig"].to_numpy(np.float64)
        self.w_echo = out["w_echo"].to_numpy(np.float64)
        self.name = out["name"].tolist()
        self.cites = [cite_forms(n, a, lg) for n, a, lg in zip(out["name"], out["aliases"], out["lang"])]
        self.aliases = [[n] + [a for a in al.split("|") if a] for n, al in zip(out["name"], out["aliases"])]
        self.signoff = out["signoff"].tolist()
        self.signoff_p = out["signoff_p"].to_numpy(np.float64)
        self.signoff_sep = out["signoff_sep"].tolist()
        # names, without the surge term (its rate is planted by the default world alone)
        self.countries_en = [c for c in COUNTRIES_EN if _ok_name(c[0], term) and _ok_name(c[1], term)]
        self.cities_en = [c for c in CITIES_EN if _ok_name(c, term)]
        self.regions_en = [c for c in REGIONS_EN if _ok_name(c, term)]
        self.cn_cities_en = [c for c in CN_CITIES_EN if _ok_name(c, term)]
        self.people = {EN: [[f"{f} {last}" for f in firsts.split() for last in lasts.split()]
                            for firsts, lasts in vocab_en.PEOPLE],
                       RUS: [[f"{f} {last}" for firsts, lasts in vocab_ru.PEOPLE for f in firsts.split()
                              for last in lasts.split()]],
                       ZH: [[s + g for sur, given in vocab_zh.PEOPLE for s in sur.split() for g in given.split()]]}
        # Chinese names put the family name first ("Wang Wei").
        self.family_first = frozenset(vocab_en.PEOPLE[CULTURE[CN]][0].split())
        self.spokespeople = {}
        self.statements: dict = {EN: [], RUS: [], ZH: []}

    # ------------------------------------------------------------------ small draws

    def frames(self, entries) -> list:
        return split_frames(entries, self.profile.held_out)

    def person(self, lang: int, culture: int | None = None) -> str:
        groups = self.people[lang]
        g = groups[culture if culture is not None else self.pr.randrange(len(groups))]
        return self.pr.choice(g)

    def surname(self, full: str) -> str:
        """The family name of an English-spelled full name ("Wang" of "Wang Wei", "Ivanov" of "Sergei Ivanov")."""
        parts = full.split(" ")
        return parts[0] if parts[0] in self.family_first else parts[-1]

    def two_people(self) -> tuple[str, str]:
        """Two people of one culture with different family names."""
        group = self.people[EN][self.pr.randrange(len(self.people[EN]))]
        while True:
            a, b = self.pr.sample(group, 2)
            if self.surname(a) != self.surname(b):
                return a, b

    def daytime(self, day: int) -> int:
        sec = int(self.rng.normal(_PEAK_S, _PEAK_SD_S)) % DAY_S
        return int(day) * DAY_S + sec

    def any_time(self, room: int = 0) -> int | None:
        """A daytime-peaked time that leaves ``room`` seconds before the end of the period (None if none does)."""
        for _ in range(_TRIES):
            t = self.daytime(self.pr.randrange(self.days))
            if t + room < self.end:
                return t
        return None

    def lag(self, median_s: float, sigma: float, lo: int, hi: int) -> int:
        return int(np.clip(round(math.exp(math.log(median_s) + sigma * self.rng.standard_normal())), lo, hi))

    def signed(self, o: int, text: str) -> str:
        """``text`` with outlet ``o``'s sign-off, as often as the outlet appends it."""
        if self.signoff[o] and self.pr.random() < self.signoff_p[o]:
            return text + self.signoff_sep[o] + self.signoff[o]
        return text

    def names_source(self, o: int, text: str, lang: int) -> bool:
        """``text`` names outlet ``o`` (its name or an alias, as whole words; anywhere in Chinese)."""
        for a in self.aliases[o]:
            if lang == ZH:
                if a in text:
                    return True
            elif re.search(r"(?<!\w)" + re.escape(a) + r"(?!\w)", text):
                return True
        return False

    # ------------------------------------------------------------------ outlets

    def pool(self, lang: int, kinds, camps=None, exclude=()) -> np.ndarray:
        m = (self.o_lang == lang) & np.isin(self.o_kind, list(kinds))
        if camps is not None:
            m &= np.isin(self.o_camp, list(camps))
        idx = np.flatnonzero(m)
        return idx[~np.isin(idx, list(exclude))]

    def pick(self, idx: np.ndarray, w: np.ndarray) -> int:
        ww = w[idx]
        return int(idx[int(self.rng.choice(len(idx), p=ww / ww.sum()))])

    def echo_camps(self, src_camp: int) -> list:
        """Camps whose outlets may echo a post of ``src_camp`` (the default world's echo structure)."""
        return [c for c in (RU, CN, IR, WEST) if c == src_camp or MATRIX_GEN1[c, src_camp] >= _ECHO_CAMP_MIN]

    def article_outlet(self, src_camps, lang: int, exclude) -> int | None:
        camps = set((RU, CN, IR, WEST))
        for c in src_camps:
            camps &= set(self.echo_camps(c))
        idx = self.pool(lang, _ARTICLE_KINDS, camps, exclude)
        return self.pick(idx, self.w_echo) if len(idx) else None

    def echo_pair(self, lang: int) -> tuple[int, int] | None:
        """A (source, echoer) pair of outlets in ``lang``: the echoer by echo weight, the source camp from its row."""
        tgt_pool = self.pool(lang, _HEADLINE_ECHO_KINDS)
        if not len(tgt_pool):
            return None
        tgt = self.pick(tgt_pool, self.w_echo)
        row = MATRIX_GEN1[self.o_camp[tgt], :4]
        src_camp = int(self.rng.choice(4, p=row / row.sum()))
        for camps in ([src_camp], [int(self.o_camp[tgt])], None):
            idx = self.pool(lang, _HEADLINE_SOURCE_KINDS, camps, exclude=(tgt,))
            if len(idx):
                return self.pick(idx, self.w_orig), tgt
        return None

    def two_outlets(self, lang: int = EN, different_camps: bool = False) -> tuple[int, int] | None:
        """Two outlets of ``lang`` (of different camps if asked), by posting weight."""
        if different_camps:
            ca, cb = self.pr.sample([RU, CN, IR, WEST], 2)
            a, b = self.pool(lang, _HEADLINE_SOURCE_KINDS, [ca]), self.pool(lang, _HEADLINE_SOURCE_KINDS, [cb])
            if not len(a) or not len(b):
                return None
            return self.pick(a, self.w_orig), self.pick(b, self.w_orig)
        idx = self.pool(lang, _HEADLINE_SOURCE_KINDS)
        if len(idx) < 2:
            return None
        a = self.pick(idx, self.w_orig)
        return a, self.pick(idx[idx != a], self.w_orig)

    def pair_times(self, median_s: float, lo: int, hi: int) -> tuple[int, int] | None:
        """Times of a post and a later one (log-normal lag in ``[lo, hi]``), both inside the period."""
        lag = self.lag(median_s, 1.2, lo, hi)
        t = self.any_time(room=lag)
        return None if t is None else (t, t + lag)

    # ------------------------------------------------------------------ composed text

    def compose(self, lang: int, camps, words, lead: bool, places=None, nouns=None) -> list:
        """Composed bodies, one per camp, as lists of sentences (token lists)."""
        n = len(camps)
        camps = np.asarray(camps, dtype=np.int64)
        places = self.comp.draw(lang, "PLACE", n) if places is None else np.asarray(places, dtype=np.int64)
        nouns = self.comp.draw_index(lang, "N", n) if nouns is None else np.asarray(nouns, dtype=np.int64)
        persons = self.comp.draw(lang, "PER", n)
        bodies = self.comp.compose(lang, camps, places, nouns, persons, np.asarray(words, dtype=np.int64), lead)
        return [sentences_of(b) for b in bodies.to_pylist()]

    def filler(self, lang: int, camp: int, words: int, chunks: int, place=None, noun=None) -> list:
        """``chunks`` runs of new sentences (about ``words`` words in all) in ``camp``'s rhetoric; the first has a lead."""
        per = max(8, int(round(words / max(1, chunks))))
        pl = None if place is None else [place] * chunks
        nn = None if noun is None else [noun] * chunks
        first = self.compose(lang, [camp], [per], True, None if pl is None else pl[:1], None if nn is None else nn[:1])
        rest = self.compose(lang, [camp] * (chunks - 1), [per] * (chunks - 1), False,
                            None if pl is None else pl[1:], None if nn is None else nn[1:]) if chunks > 1 else []
        return first + rest

    def render(self, sents, lang) -> list:
        return [render_tokens(s, lang) for s in sents]
