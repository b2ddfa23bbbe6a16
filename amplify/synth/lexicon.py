"""The vocabulary compiled: one table of tokens, categories and sentence skeletons.

The word lists of :mod:`amplify.synth.vocab_en`, ``vocab_ru`` and ``vocab_zh``
become, once per process, a single token table (every distinct word or phrase
is one integer id; multi-word entries hold :data:`~amplify.synth.codes.SEP`
between their words) and, per language, the token ids of each category and the
sentence skeletons as integer arrays (fixed tokens >= 0, category slots < 0).
Composing a post is then integer work on numpy arrays; see
:class:`amplify.synth.composer.Composer`.

English nouns get plural forms and English verbs past and participle forms;
Russian and Chinese have one form per word (no inflection is modelled).
Synonym groups give the synonyms a paraphrase may swap in.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np

from amplify.synth import vocab_en, vocab_ru, vocab_zh
from amplify.synth.codes import EN, RUS, SEP, ZH

__all__ = [
    "split_spec",
    "synonym_groups",
    "spec_pairs",
    "plural",
    "PUNCT",
    "TERMINAL",
    "split_sentences",
    "CATS",
    "CAT_CODE",
    "RANDOM_CATS",
    "Lexicon",
    "Skeletons",
    "TokenTables",
    "token_tables",
]

#: Punctuation tokens: not words (quotes, paraphrases and counts skip them).
PUNCT = frozenset([",", ".", ":", ";", "!", "?", "—", "«", "»", "“", "”", "，", "。", "：", "、", "...", "……", "…"])
#: Tokens that end a sentence.
TERMINAL = frozenset([".", "。", "!", "?", "...", "……"])


def split_sentences(tokens) -> list[list[str]]:
    """Tokens cut into sentences, each ending in a :data:`TERMINAL` token (the last one may not).

    >>> split_sentences(["A", "b", ".", "C", "d"])
    [['A', 'b', '.'], ['C', 'd']]
    """
    out, cur = [], []
    for t in tokens:
        cur.append(t)
        if t in TERMINAL:
            out.append(cur)
            cur = []
    if cur:
        out.append(cur)
    return out

# Category codes. Per-post categories (T*) take the post's own attribute.
CATS = ["N", "NS", "A", "V", "VD", "VN", "SAY", "ADV", "PLACE", "SUBJ", "ACTOR", "TITLE", "NAT", "DAY", "MON", "NUM",
        "PER", "STOCK", "SCL", "TPLACE", "TN", "TNS"]
#: Skeleton code of each category slot (negative: fixed tokens are >= 0).
CAT_CODE = {c: -(i + 1) for i, c in enumerate(CATS)}
#: Categories whose slots are filled by independent draws (the others take the
#: post's person, topic or camp).
RANDOM_CATS = ["N", "NS", "A", "V", "VD", "VN", "SAY", "ADV", "PLACE", "SUBJ", "ACTOR", "TITLE", "NAT", "DAY",
               "MON", "NUM"]
# The per-post topic categories read the entries of an ordinary one.
_TOPIC_SOURCE = {"TPLACE": "PLACE", "TN": "N", "TNS": "NS"}
# Seed of the pool of numbers: fixed, the vocabulary is part of the code (not of the user's seed).
_NUMBERS_SEED = 20240101
# Chinese posts draw from the first numbers of the pool only.
_ZH_NUMBERS = 600


def split_spec(spec: str, sep: str = ";") -> list[str]:
    """Entries of a vocabulary spec separated by ``sep``, whitespace normalised.

    >>> split_spec("a  b; c;\\n d")
    ['a b', 'c', 'd']
    """
    if sep != "\n":
        spec = spec.replace("\n", " ")
    return [" ".join(s.split()) for s in spec.split(sep) if s.strip()]


def synonym_groups(spec: str) -> list[list[str]]:
    """Groups of synonyms: ``"a|b; c"`` -> ``[["a", "b"], ["c"]]``."""
    return [[w.strip() for w in g.split("|") if w.strip()] for g in split_spec(spec)]


def spec_pairs(spec: str) -> list[tuple[str, str]]:
    """``"kz:Kazakhstan; uz:Uzbekistan"`` -> ``[("kz", "Kazakhstan"), ("uz", "Uzbekistan")]``."""
    return [tuple(p.split(":", 1)) for p in split_spec(spec)]


_IRREGULAR_PLURAL = {"crisis": "crises", "child": "children", "serviceman": "servicemen", "spokesman": "spokesmen",
                     "spokeswoman": "spokeswomen", "embargo": "embargoes", "analysis": "analyses",
                     "chief": "chiefs", "minor": "minors", "armoured vehicle": "armoured vehicles"}


def plural(w: str) -> str:
    """The English plural the generator writes for the noun ``w``.

    >>> [plural(w) for w in ("sanction", "crisis", "embassy", "tax", "day")]
    ['sanctions', 'crises', 'embassies', 'taxes', 'days']
    """
    if w in _IRREGULAR_PLURAL:
        return _IRREGULAR_PLURAL[w]
    if w.endswith(("s", "x", "ch", "sh", "z")):
        return w + "es"
    if w.endswith("y") and len(w) > 1 and w[-2] not in "aeiou":
        return w[:-1] + "ies"
    return w + "s"


def _people(spec) -> list[str]:
    """Full names: every first name with every last name of one culture."""
    return [f"{f} {last}" for firsts, lasts in spec for f in firsts.split() for last in lasts.split()]


def _zh_people(spec) -> list[str]:
    """Chinese full names: surname then given name, no space."""
    return [s + g for sur, given in spec for s in sur.split() for g in given.split()]


def _numbers() -> list[str]:
    """A fixed pool of numbers as written in news: counts, amounts, percentages."""
    r = np.random.default_rng(_NUMBERS_SEED)
    out = [str(i) for i in range(2, 400)]
    out += [f"{int(v):,}" for v in r.integers(1000, 250000, size=1200)]
    out += [f"{v:.1f} billion" for v in r.uniform(1, 90, size=300)]
    out += [f"{int(v)} percent" for v in r.integers(2, 95, size=93)]
    out += [f"{int(v)} million" for v in r.integers(2, 900, size=300)]
    return list(dict.fromkeys(out))


def _add_synonyms(syn: dict, group) -> None:
    """Record each single word of ``group`` with the others as its synonyms (first group wins)."""
    for w in group:
        others = tuple(o for o in group if o != w)
        if others and " " not in w:
            syn.setdefault(w, others)


@dataclass
class Lexicon:
    """One language's vocabulary, synonyms and sentence skeletons (as text).

    Attributes
    ----------
    lang : int
        Language code.
    cats : dict
        Category name -> entries (an entry may hold several words).
    syn : dict
        Word -> tuple of its synonyms.
    lead_specs, body_specs : list of str
        Skeletons of lead sentences (they name the post's topic place and
        noun) and of the sentences that follow.
    per_leads : ndarray
        Indices of the leads that also name the post's person.
    camp_counts : dict
        ``"STOCK"`` / ``"SCL"`` -> number of phrases of each camp, in camp order
        (the category's entries are the camps' phrases one camp after another).
    """

    lang: int
    cats: dict
    syn: dict
    lead_specs: list
    per_leads: np.ndarray
    body_specs: list
    camp_counts: dict

    def __post_init__(self):
        self.per_leads = np.array(self.per_leads, dtype=np.int64)


def _camp_phrases(cats: dict, stock: dict, scl: dict) -> dict:
    """Put the camps' STOCK and SCL phrases into ``cats``; return their counts per camp."""
    cats["STOCK"] = [s for c in range(4) for s in split_spec(stock[c])]
    cats["SCL"] = [s for c in range(4) for s in split_spec(scl[c])]
    return {"STOCK": [len(split_spec(stock[c])) for c in range(4)],
            "SCL": [len(split_spec(scl[c])) for c in range(4)]}


def _en_lexicon() -> Lexicon:
    """English: nouns with plurals, verbs with three forms, generated subjects and titles."""
    v = vocab_en
    syn: dict[str, tuple[str, ...]] = {}
    nouns, plurals = [], []
    for g in synonym_groups(v.NOUNS):
        sg = [w.lstrip("*") for w in g]
        pl = [w.lstrip("*") if w.startswith("*") else plural(w) for w in g]
        nouns += sg
        plurals += pl
        _add_synonyms(syn, sg)
        _add_synonyms(syn, [p for p, w in zip(pl, g) if not w.startswith("*")])
    adjs = [w for g in synonym_groups(v.ADJS) for w in g]
    for g in synonym_groups(v.ADJS):
        _add_synonyms(syn, g)
    bases, pasts, parts = [], [], []
    for g in synonym_groups(v.VERBS):
        forms = [(p.split(":") + [p.split(":")[1]])[:3] for p in g]  # base:past[:participle]
        bs, ps, pp = [f[0] for f in forms], [f[1] for f in forms], [f[2] for f in forms]
        bases += bs
        pasts += ps
        parts += pp
        _add_synonyms(syn, bs)
        _add_synonyms(syn, ps)
        _add_synonyms(syn, pp)
    say = split_spec(v.SAY, "|")
    _add_synonyms(syn, say)
    advs = [w for g in synonym_groups(v.ADVS) for w in g]
    for g in synonym_groups(v.ADVS):
        _add_synonyms(syn, g)
    # Subjects, actors and titles combine a nationality with an institution, so
    # that sentence openings vary as much as they do in real news. "Foreign
    # Ministry" and "Embassy" are left out: those are outlet names, and a
    # generic subject must never look like an attribution.
    nats = split_spec(v.NAT)
    countries = [n for n in nats if n not in ("Western", "Asian", "African", "Arab", "European")]
    orgs = ["government", "delegation", "president", "parliament", "army", "navy", "military", "cabinet",
            "opposition", "regulator", "judiciary", "police", "Defence Ministry"]
    groups = ["officials", "lawmakers", "diplomats", "experts", "negotiators", "analysts", "generals",
              "investigators", "authorities", "media", "firms", "troops", "prosecutors", "envoys", "activists"]
    subj = split_spec(v.SUBJ) + [f"The {n} {o}" for n in countries for o in orgs]
    actor = split_spec(v.ACTOR) + [f"{n} {g}" for n in nats for g in groups]
    titles = split_spec(v.TITLES)
    titles = titles + [f"{n} {t}" for n in countries for t in titles[:12]]
    cats = {
        "N": nouns, "NS": plurals, "A": adjs, "V": bases, "VD": pasts, "VN": parts, "SAY": say, "ADV": advs,
        "PLACE": split_spec(v.PLACES), "SUBJ": subj, "ACTOR": actor,
        "TITLE": titles, "NAT": nats, "DAY": split_spec(v.DAYS), "MON": split_spec(v.MONTHS),
        "NUM": _numbers(), "PER": _people(v.PEOPLE),
    }
    counts = _camp_phrases(cats, v.STOCK, v.SCL)
    return Lexicon(EN, cats, syn, split_spec(v.LEADS, "\n"), v.PER_LEADS, split_spec(v.BODIES, "\n"), counts)


def _simple_lexicon(lang: int, v, people: list[str]) -> Lexicon:
    """Russian and Chinese (the module ``v`` of their word lists): no inflection, verbs have one form."""
    syn: dict[str, tuple[str, ...]] = {}
    flat = {}
    for name, spec in (("N", v.NOUNS), ("A", v.ADJS), ("VD", v.VERBS), ("ADV", v.ADVS)):
        gs = synonym_groups(spec)
        flat[name] = [w for g in gs for w in g]
        for g in gs:
            _add_synonyms(syn, g)
    says = split_spec(v.SAY, "|")
    for w in says:
        syn.setdefault(w, tuple(o for o in says if o != w))
    cats = {
        "N": flat["N"], "NS": flat["N"], "A": flat["A"], "V": flat["VD"], "VD": flat["VD"], "VN": flat["VD"],
        "SAY": says,
        "ADV": flat["ADV"], "PLACE": split_spec(v.PLACES), "SUBJ": split_spec(v.SUBJ), "ACTOR": split_spec(v.ACTOR),
        "TITLE": split_spec(v.TITLES), "NAT": split_spec(v.PLACES), "DAY": split_spec(v.DAYS),
        "MON": split_spec(v.MONTHS), "NUM": _numbers()[:_ZH_NUMBERS] if lang == ZH else _numbers(), "PER": people,
    }
    counts = _camp_phrases(cats, v.STOCK, v.SCL)
    return Lexicon(lang, cats, syn, split_spec(v.LEADS, "\n"), v.PER_LEADS, split_spec(v.BODIES, "\n"), counts)


@dataclass
class Skeletons:
    """One language's sentence skeletons as flat integer arrays.

    Skeleton ``s`` is ``codes[starts[s]:starts[s] + lengths[s]]``: token ids
    (>= 0) and category slots (:data:`CAT_CODE`, < 0); ``optional`` marks the
    slots dropped half of the time; ``words`` is the expected number of words
    of each skeleton once filled. The first skeletons are the leads
    (``lead_ids``), the others the bodies (``body_ids``).
    """

    codes: np.ndarray
    optional: np.ndarray
    starts: np.ndarray
    lengths: np.ndarray
    words: np.ndarray
    lead_ids: np.ndarray
    body_ids: np.ndarray


@dataclass
class _TokenIndex:
    """Token strings and their ids, in the order of first use (the order fixes the ids)."""

    tokens: list = field(default_factory=list)
    index: dict = field(default_factory=dict)

    def id_of(self, s: str) -> int:
        s = s.replace(" ", SEP)
        if s not in self.index:
            self.index[s] = len(self.tokens)
            self.tokens.append(s)
        return self.index[s]


def _compile_skeletons(lex: Lexicon, tok: _TokenIndex, cat_words: dict) -> Skeletons:
    """A lexicon's lead and body skeletons as :class:`Skeletons` (fixed words enter ``tok``)."""
    specs = lex.lead_specs + lex.body_specs
    # A trailing '?' marks an optional slot, dropped half of the time:
    # it varies the surface of sentences built from one skeleton.
    codes, opts, starts, lens, nwords = [], [], [], [], []
    for spec in specs:
        parts = spec.split()
        row, opt = [], []
        w = 0.0
        for j, p in enumerate(parts):
            optional = j > 0 and len(p) > 1 and (p.endswith("?") or p.endswith("?}"))
            if optional:
                p = p[:-2] + "}" if p.endswith("?}") else p[:-1]
            if p.startswith("{") and p.endswith("}"):
                row.append(CAT_CODE[p[1:-1]])
                ww = cat_words[(lex.lang, p[1:-1])]
            else:
                row.append(tok.id_of(p))
                ww = 0.0 if p in PUNCT else 1.0
            w += ww * (0.5 if optional else 1.0)
            opt.append(optional)
        starts.append(len(codes))
        lens.append(len(row))
        nwords.append(w)
        codes.extend(row)
        opts.extend(opt)
    return Skeletons(
        codes=np.array(codes, dtype=np.int64),
        optional=np.array(opts, dtype=bool),
        starts=np.array(starts, dtype=np.int64),
        lengths=np.array(lens, dtype=np.int64),
        words=np.array(nwords, dtype=np.float64),
        lead_ids=np.arange(len(lex.lead_specs), dtype=np.int64),
        body_ids=np.arange(len(lex.lead_specs), len(specs), dtype=np.int64),
    )


class TokenTables:
    """All languages compiled into one token table and integer skeletons (built once, see :func:`token_tables`).

    Attributes
    ----------
    lex : list of Lexicon
        Per language code.
    skeletons : list of Skeletons
        Per language code.
    cat_off : dict
        ``(lang, category)`` -> token ids of the category's entries.
    cat_words : dict
        ``(lang, category)`` -> mean number of words per entry (1 for Chinese).
    tokens : list of str
        Token strings by id; the first ``n_static`` are the vocabulary's.
    cap : ndarray
        Token id -> id of its capitalised twin (for sentence starts).
    lower_words : frozenset
        Lower-case single words: a capitalised opener whose lower-case form is
        one of them may be lowered when text is put before it.
    deletable : list of frozenset
        Per language: words a paraphrase may drop (adjectives and adverbs).
    """

    def __init__(self):
        self.lex = [
            _en_lexicon(),
            _simple_lexicon(RUS, vocab_ru, _people(vocab_ru.PEOPLE)),
            _simple_lexicon(ZH, vocab_zh, _zh_people(vocab_zh.PEOPLE)),
        ]
        tok = _TokenIndex()
        self.cat_off = {}
        self.cat_words = {}
        self.skeletons = []
        for lex in self.lex:
            for c in CATS:
                src = lex.cats[_TOPIC_SOURCE.get(c, c)]
                self.cat_off[(lex.lang, c)] = np.array([tok.id_of(s) for s in src], dtype=np.int64)
                self.cat_words[(lex.lang, c)] = float(np.mean([len(s.split()) for s in src])) if lex.lang != ZH else 1.0
            self.skeletons.append(_compile_skeletons(lex, tok, self.cat_words))
        # Capitalised twin of every token, for sentence starts.
        base = list(tok.tokens)
        cap = [tok.id_of(t[:1].upper() + t[1:]) for t in base]
        self.cap = np.array(cap + list(range(len(base), len(tok.tokens))), dtype=np.int64)
        self.tokens = tok.tokens
        self.n_static = len(tok.tokens)
        self.lower_words = frozenset(t for t in self.tokens if SEP not in t and t[:1].islower())
        # Adjectives and adverbs drop without breaking the sentence.
        self.deletable = [frozenset(lex.cats["A"]) | frozenset(lex.cats["ADV"]) for lex in self.lex]


@functools.cache
def token_tables() -> TokenTables:
    """The process-wide :class:`TokenTables` (compiled on first use)."""
    return TokenTables()
