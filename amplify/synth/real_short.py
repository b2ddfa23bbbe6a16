"""Short texts of the patterns of real text: headline rewordings and the hard negatives.

A mixin of :class:`amplify.synth.real_patterns._Planter` (it uses the
planter's random streams, composer and outlet pools): see
:mod:`amplify.synth.real_patterns` for what is planted.
"""

from __future__ import annotations

import numpy as np

from amplify.synth.codes import DAY_S, EN, RUS, ZH
from amplify.synth.real_frames import (
    CITIES_RU,
    CITIES_ZH,
    COMMODITIES_EN,
    COMMODITIES_RU,
    COMMODITIES_ZH,
    COUNTRIES_RU,
    COUNTRIES_ZH,
    ENTITY_SWAP_EN,
    EVENTS_EN,
    NAME_TITLE_FORMS_EN,
    NAME_TITLES_EN,
    NUMBER_SWAP_EN,
    PORTS_EN,
    REWORD_EN,
    REWORD_RU,
    REWORD_ZH,
    SEAS_EN,
    TEMPLATES_EN,
    TOPIC_EXTRAS_EN,
    TOPIC_FRAMES_EN,
    TOPIC_PHRASES_EN,
)
from amplify.synth.real_text import (
    calendar_day,
    cap,
    date_text,
    dice,
    fill,
    grams,
    longest_shared_run,
    lower_opener,
    month_text,
    render_tokens,
    shared_grams,
    units,
)

__all__ = ["ShortTexts"]

# Headlines: words, and the most shared 4-word runs of a rewording (fewer than this).
HEADLINE_WORDS = (6, 12)
REWORD_MAX_SHARED = 2
# A same-event pair shares no run of this many words.
SAME_EVENT_RUN = 6
_DICE_MAX = 0.55
_TRIES = 12
_WEEK_S = 7 * 86400 - 1
_WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()


class ShortTexts:
    """Rewordings, templates, same-event reports, topic-word pairs and shared names (a mixin of the planter)."""

    # ------------------------------------------------------------------ headline rewordings

    def _reword_slots(self, lang: int) -> dict:
        pr = self.pr
        n = str(pr.randint(3, 60))
        if lang == RUS:
            a, b = pr.sample(COUNTRIES_RU, 2)
            c, x = pr.choice(CITIES_RU), pr.choice(COMMODITIES_RU)
            slots = {"P": self.person(RUS), "N": n}
            for key, forms in (("A", a), ("B", b)):
                slots.update({f"{key}.{case}": f for case, f in zip(("nom", "gen", "acc", "prep", "ins"), forms)})
            slots.update({f"C.{case}": f for case, f in zip(("nom", "gen", "acc", "prep"), c)})
            slots.update({"X.gen": x[0], "X.acc": x[1]})
            return slots
        if lang == ZH:
            a, b = pr.sample(COUNTRIES_ZH, 2)
            return {"P": self.person(ZH), "A": a, "B": b, "C": pr.choice(CITIES_ZH), "X": pr.choice(COMMODITIES_ZH),
                    "N": n}
        (a, an), (b, bn) = pr.sample(self.countries_en, 2)
        p = self.person(EN)
        return {"P": p, "PS": self.surname(p), "A": a, "AN": an, "B": b, "BN": bn, "C": pr.choice(self.cities_en),
                "H": pr.choice(PORTS_EN), "S": pr.choice(SEAS_EN), "X": pr.choice(COMMODITIES_EN), "N": n}

    def reword(self, n: int) -> None:
        """Headlines restated by another outlet in other words (same names and numbers)."""
        pr, prof = self.pr, self.profile
        share = np.asarray(prof.lang_share, dtype=np.float64)
        frame_lists = {EN: self.frames(REWORD_EN), RUS: self.frames(REWORD_RU), ZH: self.frames(REWORD_ZH)}
        for _ in range(n):
            lang = int(self.rng.choice(3, p=share / share.sum()))
            outlets = self.echo_pair(lang)
            times = self.pair_times(3 * 3600, 5 * 60, 2 * DAY_S)
            if outlets is None or times is None:
                self.P.stats["reword_skipped"] += 1
                continue
            frame = pr.choice(frame_lists[lang])
            slots = self._reword_slots(lang)
            for _try in range(_TRIES):
                r1, r2 = pr.sample(range(len(frame)), 2)
                a, b = cap(fill(frame[r1], slots, pr)), cap(fill(frame[r2], slots, pr))
                if self.P.fresh(a, b) and len(shared_grams(a, b, 4)) < REWORD_MAX_SHARED \
                        and self._headline_len(a, lang) and self._headline_len(b, lang):
                    break
            else:
                self.P.stats["reword_skipped"] += 1
                continue
            src = self.P.add(outlets[0], times[0], a, lang)
            tgt = self.P.add(outlets[1], times[1], b, lang)
            self.P.links.append((src, tgt, "reword", False))

    @staticmethod
    def _headline_len(text: str, lang: int) -> bool:
        return lang == ZH or HEADLINE_WORDS[0] <= len(text.split()) <= HEADLINE_WORDS[1]

    # ------------------------------------------------------------------ templates

    def _template_value(self, frame: dict, slot: str, prev=None) -> str:
        pr = self.pr
        if slot in ("R", "R2"):
            return pr.choice(self.regions_en)
        spec = frame[slot]
        for _ in range(_TRIES):
            if len(spec) == 3:
                lo, hi, dec = spec
                v = f"{pr.uniform(lo, hi):.{dec}f}"
            else:
                v = pr.randint(*spec)
                v = f"{v:,}" if v >= 1000 else str(v)
            if v != prev:
                return v
        return v

    def templates(self, n_series: int) -> None:
        """Series of posts of one frame with other numbers or names, day after day, by one to three outlets."""
        pr = self.pr
        frames = self.frames(TEMPLATES_EN)
        for _ in range(n_series):
            frame = pr.choice(frames)
            k = min(pr.randint(3, 8), self.days)
            camp = int(self.rng.choice(4, p=[0.35, 0.35, 0.1, 0.2]))
            pool = self.pool(EN, ("state_media", "ministry", "diplomat", "independent"), [camp])
            if len(pool) < 2 or k < 2:
                continue
            m = min(len(pool), pr.randint(1, 3))
            w = self.w_orig[pool] / self.w_orig[pool].sum()
            series_outlets = [int(o) for o in self.rng.choice(pool, size=m, replace=False, p=w)]
            fixed = {"C": pr.choice(self.cn_cities_en), "A": pr.choice(self.countries_en)[0]}
            day0 = pr.randrange(0, self.days - k + 1)
            hour = int(np.clip(self.rng.normal(10 * 3600, 2 * 3600), 3600, DAY_S - 2 * 3600))
            shared_slots = dict(fixed, **{v: "*" for v in frame["vary"]})
            shared = fill(frame["text"], shared_slots, pr)
            prev, posts = {}, []
            for j in range(k):
                for _try in range(_TRIES):
                    vals = {v: self._template_value(frame, v, prev.get(v)) for v in frame["vary"]}
                    if "R2" in vals:
                        while vals["R2"] == vals["R"]:
                            vals["R2"] = pr.choice(self.regions_en)
                    text = fill(frame["text"], dict(fixed, **vals), pr)
                    if self.P.fresh(text):
                        break
                prev = vals
                t = (day0 + j) * DAY_S + hour + pr.randint(-1800, 1800)
                o = pr.choice(series_outlets)
                posts.append((self.P.add(o, t, text, EN), o, t))
            # every pair of the series by two outlets, within a week
            for i, (a, oa, ta) in enumerate(posts):
                for b, ob, tb in posts[i + 1:]:
                    if oa != ob and 0 < tb - ta <= _WEEK_S:
                        self.P.negatives.append((a, b, "template", shared))
            self.P.stats["template_posts"] += k

    # ------------------------------------------------------------------ same-event reports

    def same_event(self, n: int) -> None:
        """One event reported by two outlets of different camps in their own words."""
        pr, prof = self.pr, self.profile
        events = self.frames(EVENTS_EN)
        for _ in range(n):
            ev = pr.choice(events)
            outlets = self.two_outlets(EN, different_camps=True)
            times = self.pair_times(5 * 3600, 20 * 60, 30 * 3600)
            if outlets is None or times is None:
                self.P.stats["same_event_skipped"] += 1
                continue
            day = calendar_day(self.start_epoch, times[0])
            p1, p2 = self.two_people()
            t1, t2 = pr.choice(ev["t1"]), pr.choice(ev["t2"])
            (a, an), (b, bn) = pr.sample(self.countries_en, 2)
            slots = {"P1": p1, "P2": p2, "P1S": self.surname(p1), "P2S": self.surname(p2),
                     "P1T": f"{t1} {p1}", "P2T": f"{t2} {p2}", "A": a, "AN": an, "B": b, "BN": bn,
                     "C": pr.choice(self.cities_en), "D": date_text(day, EN),
                     "N": str(pr.randint(*ev.get("N", (3, 90)))), "K": str(pr.randint(2, 200)),
                     "M": month_text(calendar_day(self.start_epoch, times[0] + pr.randint(20, 90) * DAY_S), EN)}
            for key in ("W", "Y", "V", "Q", "X"):
                if key in ev:
                    slots[key] = pr.choice(ev[key])
            if "X" in ev:
                slots["X1"], slots["X2"] = pr.sample(ev["X"], 2)
            framing = [self.compose(EN, [int(self.o_camp[o])], [10], False)[0][:1]
                       if pr.random() < prof.framing_p else [] for o in outlets]
            facts = ev["facts"]
            for _try in range(_TRIES):
                texts = []
                pick_a = [pr.randrange(len(f)) for f in facts]
                pick_b = [pr.choice([r for r in range(len(f)) if r != pa]) for f, pa in zip(facts, pick_a)]
                for picks, frame_s in zip((pick_a, pick_b), framing):
                    order = [0] + pr.sample(range(1, len(facts)), len(facts) - 1)
                    sents = [cap(fill(facts[f][picks[f]], slots, pr)) for f in order]
                    sents += self.render(frame_s, EN)
                    texts.append(" ".join(sents))
                if self.P.fresh(*texts) and not shared_grams(texts[0], texts[1], SAME_EVENT_RUN):
                    break
            else:
                self.P.stats["same_event_skipped"] += 1
                continue
            ia = self.P.add(outlets[0], times[0], texts[0], EN)
            ib = self.P.add(outlets[1], times[1], texts[1], EN)
            self.P.negatives.append((ia, ib, "same_event", f"{p1}; {p2}; {slots['C']}; {slots['D']}"))
            if dice(texts[0], texts[1]) >= _DICE_MAX:
                self.P.stats["same_event_dice_over_0.55"] += 1

    # ------------------------------------------------------------------ topic-word short pairs

    def _short_pair(self, a: str, b: str, kind: str, shared: str) -> None:
        outlets = self.two_outlets(EN)
        times = self.pair_times(6 * 3600, 10 * 60, 2 * DAY_S)
        if outlets is None or times is None:
            self.P.stats[f"{kind}_skipped"] += 1
            return
        ia = self.P.add(outlets[0], times[0], a, EN)
        ib = self.P.add(outlets[1], times[1], b, EN)
        self.P.negatives.append((ia, ib, kind, shared))

    def entity_swap(self, n: int) -> None:
        """Headline pairs of one frame that differ only in a country or a person."""
        pr = self.pr
        frames = self.frames(ENTITY_SWAP_EN)
        for _ in range(n):
            frame = pr.choice(frames)
            for _try in range(_TRIES):
                (e1, _), (e2, _), (f, _) = pr.sample(self.countries_en, 3)
                if "{EP}" in frame:
                    e1, e2 = self.two_people()
                slots = {"F": f, "X": pr.choice(COMMODITIES_EN)}
                a = cap(fill(frame, dict(slots, E=e1, EP=e1), pr))
                b = cap(fill(frame, dict(slots, E=e2, EP=e2), pr))
                if self.P.fresh(a, b):
                    self._short_pair(a, b, "entity_swap", fill(frame, dict(slots, E="*", EP="*"), pr))
                    break

    def number_swap(self, n: int) -> None:
        """Headline pairs of one frame that differ only in a number."""
        pr = self.pr
        frames = self.frames(NUMBER_SWAP_EN)
        for _ in range(n):
            frame, lo, hi, dec = pr.choice(frames)
            for _try in range(_TRIES):
                step = 10.0 ** -dec
                v1 = round(pr.uniform(lo, hi), dec)
                delta = pr.randint(1, 3) * step if dec else pr.randint(1, max(1, int(0.2 * v1)))
                v2 = v1 + delta if v1 + delta <= hi else v1 - delta
                n1, n2 = (f"{v1:.{dec}f}", f"{v2:.{dec}f}") if dec else (str(int(v1)), str(int(v2)))
                slots = {"F": pr.choice(self.countries_en)[0], "C": pr.choice(self.cities_en)}
                a, b = cap(fill(frame, dict(slots, N=n1), pr)), cap(fill(frame, dict(slots, N=n2), pr))
                if self.P.fresh(a, b):
                    self._short_pair(a, b, "number_swap", fill(frame, dict(slots, N="*"), pr))
                    break

    def topic_words(self, n: int) -> None:
        """Headline pairs that share a topic phrase in different frames (and differ in what matters)."""
        pr = self.pr
        phrases, frames = self.frames(TOPIC_PHRASES_EN), self.frames(TOPIC_FRAMES_EN)
        for _ in range(n):
            topic = pr.choice(phrases)
            for _try in range(_TRIES):
                fa, fb = pr.sample(frames, 2)
                texts = [cap(fill(f, {"T": topic, "F": pr.choice(self.countries_en)[0],
                                      "PS": self.surname(self.person(EN)), "EXTRA": pr.choice(TOPIC_EXTRAS_EN)}, pr))
                         for f in (fa, fb)]
                if self.P.fresh(*texts) and longest_shared_run(*texts) <= len(units(topic)) + 1:
                    break
            else:
                continue
            self._short_pair(texts[0], texts[1], "topic_words", topic)

    # ------------------------------------------------------------------ names are not quotes

    def name_title(self, n: int) -> None:
        """Unrelated post pairs that share only a long name-and-title phrase."""
        pr = self.pr
        phrases, forms = self.frames(NAME_TITLES_EN), self.frames(NAME_TITLE_FORMS_EN)
        for _ in range(n):
            outlets = self.two_outlets(EN, different_camps=True)
            times = self.pair_times(DAY_S, 30 * 60, 6 * DAY_S)
            if outlets is None or times is None:
                self.P.stats["name_title_skipped"] += 1
                continue
            phrase = fill(pr.choice(phrases), {"P": self.person(EN)}, pr)
            phrase_grams = grams(units(phrase), 4)
            camps = [int(self.o_camp[o]) for o in outlets]
            for _try in range(_TRIES // 2):
                bodies = self.compose(EN, camps, [pr.randint(28, 45) for _ in camps], True)
                texts = []
                for form, sents in zip(pr.sample(forms, 2), bodies):
                    first = render_tokens(lower_opener(sents[0], self.T, EN), EN)
                    lead = cap(fill(form, {"NT": "\x00", "NTV": "\x00\x02", "DAY": pr.choice(_WEEKDAYS), "s": "\x01"},
                                    pr))
                    verb_form = phrase + ("," if ", " in phrase else "")
                    lead = lead.replace("\x00\x02", verb_form).replace("\x00", phrase).replace("\x01", first)
                    texts.append(" ".join([lead] + self.render(sents[1:], EN)))
                if self.P.fresh(*texts) and not (shared_grams(texts[0], texts[1], 4) - phrase_grams):
                    break
            else:
                self.P.stats["name_title_skipped"] += 1
                continue
            ia = self.P.add(outlets[0], times[0], texts[0], EN)
            ib = self.P.add(outlets[1], times[1], texts[1], EN)
            self.P.negatives.append((ia, ib, "name_title", phrase))
