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

Files
-----
:func:`write_corpus` writes ``posts.csv``, ``outlets.csv``,
``truth_links.csv``, ``truth_negatives.csv`` and ``truth.json`` (UTF-8, each
atomically); :func:`read_corpus` reads them back.

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
from amplify.synth.corpus import CORPUS_FILES, FORMAT_VERSION, Corpus  # noqa: F401
from amplify.synth.files import read_corpus, write_corpus
from amplify.synth.generator import generate

__all__ = [
    "Corpus",
    "generate",
    "write_corpus",
    "read_corpus",
    "CAMPS",
    "ECHO_KINDS",
    "NEGATIVE_KINDS",
    "CORPUS_FILES",
]
