"""Seeded ground-truth corpus generator: a small world of outlets that echo each other.

Every quality claim amplify makes (precision and recall of the detector, the
synergy and bridging analyses, surge detection, safe rendering) is measured
against a corpus whose truth is known. This package builds that corpus,
deterministically from a seed, at any size from a few hundred posts to
millions.

The world
---------
**Outlets** in four camps: ``RU``, ``CN``, ``IR`` and ``WEST``. The first three
hold foreign ministries (``ministry``), embassies and officials (``diplomat``)
and ``state_media``; ``WEST`` holds mostly ``independent`` media plus a few
ministries, embassies and public broadcasters. A core of recognisable handles
(``mfa_china`` "Chinese Foreign Ministry", ``tass_agency`` "TASS",
``globaltimes``, ``presstv``, ``reuters_world`` ...) is extended with generated
ones (``sputnik_kz``, ``chinaemb_de``, ``vesti_kazan``, ``oslo_herald`` ...),
about ``n_posts / 200`` outlets in all (at least 40, at most 3,000). Each
outlet writes in one language: English, Russian (Cyrillic) or Chinese (CJK,
no spaces between words); each has a display ``name`` and ``aliases`` it is
cited by ("Chinese Foreign Ministry|MFA China|China's Foreign Ministry"). No
alias occurs, as whole words, inside another outlet's alias, and generic
subjects in texts ("The Foreign Ministry", "Beijing") never spell an alias, so
attribution can be measured.

**Original posts** are news- and statement-like texts of about 30-60 words,
built from sentence skeletons filled from a vocabulary of a few thousand words
(in synonym groups, so paraphrases can swap words), people, places, numbers
and each camp's stock phrases ("win-win cooperation", "the collective West").
Optional slots vary sentences built from one skeleton. Unrelated posts share
few long runs of words, while stock phrases, sign-offs and reporting clauses
("The Turkish army said that") give the realistic short shared runs a detector
must learn to ignore. Measured at 20,000 posts with stock phrases and sign-offs
cut out: about 8 % of English originals share two or more rare 5-word runs
with one same unrelated original, about 1 % three or more. Publication times
follow a daily rhythm (peak around 13:00 UTC) over ``days`` days; each camp has
a fixed share of the original posts (RU 27 %, CN 24 %, IR 14 %, WEST 35 %).

**Echoes** are later posts by *other* outlets that copy an earlier post, with
a heavy-tailed lag (minutes to days; mostly under two days, never more than
seven):

``repost``
    A platform repost: ``reposted_id`` is set; the text is the source text,
    sometimes behind ``RT @handle:``.
``verbatim``
    The same text with at most a tiny change (a hashtag, a link, a
    ``BREAKING:`` prefix, a changed letter case, the echoer's sign-off).
``quote``
    A 12-40 word span of the source inside new text, with or without
    attribution ("the Chinese Foreign Ministry said: ..."); a fifth of them are
    platform quote posts (``quoted_id`` set).
``paraphrase``
    Synonym substitutions, deletions, insertions and reordered sentences,
    keeping 70-85 % of the source's words; a quarter name their source.
``truncation``
    A prefix of at least 60 % of the source, often ending in "..." or a
    "Read more" link.

Echoes keep the script of their source (a Chinese post is echoed in Chinese by
a Chinese-language outlet, e.g. ``sputnik_china``). Echoes of echoes make
chains (A -> B -> C, the parent of C is B), and a few *viral families* have one
statement echoed by dozens of outlets within hours.
Only quote and paraphrase echoes are echoed again: their text differs from
their own source, so the planted parent is recoverable from the text (a copy
of a repost or a verbatim copy is textually a copy of the root).

What is planted
---------------
``truth_links``
    One row per echo: ``source_id`` (the direct parent), ``target_id``,
    ``kind``, ``root_id`` (the original at the top of the chain),
    ``attributed`` (the target names its source by name, alias or @handle) and
    ``lag_s``. The source is always strictly earlier.
Camp structure
    RU and CN amplify each other far more than their volume predicts (about
    twice, both ways); IR mostly echoes itself and RU; WEST never echoes
    another camp (only its own posts, whose roots are WEST too). The planted
    camp-to-camp echo probabilities, the observed counts and their lift over
    a volume null are in ``truth``.
Bridges
    ``rusemb_beijing`` (an RU-camp embassy) echoes CN posts and is in turn
    echoed by RU outlets: it *carries CN content into RU*, more than any other
    RU outlet. ``chinaemb_moscow`` carries RU content into CN.
Surge
    ``surge_term`` is mentioned in a few posts in every week and in about a
    fifth of English originals during one planted week.
Hard negatives (``negatives``, written to ``truth_negatives.csv``)
    Pairs of *unrelated* originals that must **not** be linked:
    ``boilerplate`` (the same sign-off or hashtags, e.g. "Follow us on
    Telegram", "#StandWithRussia"), ``same_topic`` (same place and subject,
    different words), ``shared_entity`` (the same person and nothing else) and
    ``near_miss`` (one shared 4-6 word phrase).
Hostile text
    With ``hostile_fraction > 0`` that share of posts and outlets carry
    markup and control characters (``<script>``, ``onerror=``, ``javascript:``
    URLs, quotes that break attributes, HTML entities), for render tests.

Profiles: patterns of real text
-------------------------------
The default world's echoes are easy compared with real text. ``generate(...,
profile=...)`` adds, on top of it, the patterns of real text that detection
gets wrong (issues #10 and #19), each with its truth:

``profile="default"``
    The default world only, byte for byte what the generator always wrote.
``profile="realistic"``
    The default world, unchanged, plus planted posts (ids ``r0000001`` ...,
    about 10 % more posts) drawn from their own random stream
    (``default_rng([seed, 0x5EA1])``), so that they never shift a default draw.
``profile="heldout"``
    The same kinds from another stream (``default_rng([seed, 0x4E1D])``),
    other proportions and only the *held-out* frames (every third entry of
    every list of :mod:`~amplify.synth.real_frames`; ``realistic`` never
    draws them). It exists to judge detection work tuned on ``realistic``:
    never tune on it.

Echoes planted by the profiles (``truth_links.kind``):

``passages``
    A ministry statement of 150-600 words in paragraphs (some laid out as a
    press-conference transcript) and a later article of 150-600 words by
    another outlet that reuses 2-4 of its sentences, each lightly edited (a
    word swapped, inserted or dropped, a number written another way), with
    new text between them; whole-text bag-of-words Dice below 0.55.
``reword``
    A 6-12 word headline restated by another outlet in other words: same
    people, places and numbers, other words and order, fewer than two shared
    4-word runs (English, Russian, Chinese).
``quote_back``
    A sentence (12 words or more) of a ministry statement quoted 1-90 days
    later, mostly beyond the default 7-day window, inside another outlet's
    article and attributed as news does ("as the Chinese Foreign Ministry said
    on 8 May", "Ministry spokesperson Wang Wei said last month"); some
    articles quote two statements of different days and have two rows, one
    per parent (English, Russian, Chinese).

Hard negatives planted by the profiles (``truth_negatives.csv``): ``template``
(one frame, other numbers or names, day after day), ``same_event`` (two camps
report one event in their own words: same names, place and date, no 6-word run
in common, Dice often above 0.55), ``entity_swap`` and ``number_swap`` (two
headlines of one frame that differ in one country, person or number),
``topic_words`` (a topic phrase in two different frames) and ``name_title``
(unrelated posts sharing only a long name-and-title phrase). Each reused
passage and quoted sentence has a row in ``truth_spans.csv`` (character
offsets in both texts, the edits made). ``truth.json`` counts every kind and
describes the profile under ``"profile"``. See
:mod:`~amplify.synth.real_patterns`.

Files
-----
:func:`write_corpus` writes ``posts.csv``, ``outlets.csv``,
``truth_links.csv``, ``truth_negatives.csv`` and ``truth.json`` (UTF-8, each
atomically), and ``truth_spans.csv`` for profiles other than ``default``;
:func:`read_corpus` reads them back.

Modules
-------
``generator``
    :func:`generate`: the steps below, in the order they draw random numbers.
``outlets``
    The outlets: names, camps, languages, posting weights, sign-offs.
``world``
    Who posts what and when: originals, viral families, echo generations,
    topics and the surge (metadata only).
``negatives``
    Hard-negative pairs and the near-miss runs copied between them.
``vocab_en``, ``vocab_ru``, ``vocab_zh``
    Word lists and sentence skeletons per language (data).
``lexicon``
    The vocabulary compiled into one token table and integer skeletons.
``composer``
    Vectorised composition of post bodies; rendering bodies as text.
``echo_writers``
    The per-echo edits (repost, verbatim, quote, paraphrase, truncation).
``texts``
    The texts of all posts, in order: originals, planted negatives and
    hostile markup, echoes.
``truth``
    The ``truth.json`` summary.
``corpus``, ``files``
    The :class:`Corpus` returned, and its files on disk.
``codes``
    Codes and constants shared by all of them.
``profiles``
    The profiles: which patterns of real text, how many, from which stream.
``real_frames``
    Frames of those patterns (data): headlines, templates, events, titles,
    attributions, split into the frames ``realistic`` draws and the held-out ones.
``real_text``
    Filling frames, light edits of reused sentences, overlap measures, dates
    as news names them, paragraphs with character spans.
``real_patterns``, ``real_long``, ``real_short``
    Writing the planted posts and their truth: statements, multi-passage
    echoes and quote-backs; rewordings and the hard negatives.
``real_corpus``
    The planted posts merged into the default world's tables and ``truth.json``.

Speed and determinism
---------------------
Token ids are drawn as numpy arrays per category and joined into texts by
Arrow; only echo edits run per post in Python. One million posts take about
18 s to generate and 2 s to write on two cores (2 GB of memory); 20,000 take
about 0.4 s. Everything derives from ``numpy.random.default_rng(seed)``
(per-echo edits use a ``random.Random`` seeded from it, which is faster for
many small draws): the same seed gives the same files, byte for byte.

Examples
--------
>>> from amplify.synth import generate
>>> corpus = generate(n_posts=2000, seed=1)
>>> len(corpus.posts)
2000
>>> sorted(corpus.truth_links["kind"].unique())
['paraphrase', 'quote', 'repost', 'truncation', 'verbatim']
>>> real = generate(n_posts=2000, seed=1, profile="realistic")
>>> real.posts[real.posts["post_id"].str.startswith("p")].reset_index(drop=True).equals(corpus.posts)
True
>>> sorted(set(real.truth_links["kind"]) - set(corpus.truth_links["kind"]))
['passages', 'quote_back', 'reword']
"""

from __future__ import annotations

from amplify.synth.codes import (  # noqa: F401 (codes kept importable from amplify.synth)
    BR_CN2RU,
    BR_RU2CN,
    BRIDGE_CN2RU,
    BRIDGE_RU2CN,
    CAMPS,
    CN,
    DAY_S,
    ECHO_KINDS,
    EN,
    IR,
    K_PARA,
    K_QUOTE,
    K_REPOST,
    K_TRUNC,
    K_VERBATIM,
    LANGS,
    MAX_LAG_S,
    MIN_LAG_S,
    NEGATIVE_KINDS,
    RU,
    RUS,
    SEP,
    WEST,
    ZH,
)
from amplify.synth.corpus import CORPUS_FILES, FORMAT_VERSION, SPANS_FILE, Corpus  # noqa: F401
from amplify.synth.files import read_corpus, write_corpus
from amplify.synth.generator import generate
from amplify.synth.profiles import PROFILES, REAL_ECHO_KINDS, REAL_NEGATIVE_KINDS, Profile

__all__ = [
    "Corpus",
    "generate",
    "write_corpus",
    "read_corpus",
    "CAMPS",
    "ECHO_KINDS",
    "NEGATIVE_KINDS",
    "CORPUS_FILES",
    "SPANS_FILE",
    "Profile",
    "PROFILES",
    "REAL_ECHO_KINDS",
    "REAL_NEGATIVE_KINDS",
]
