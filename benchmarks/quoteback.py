"""Quotes of a ministry statement weeks later, on real text (issue #19).

Sources are the Chinese foreign ministry's real English press-conference
transcripts (``../shared/data/mfa-press-2018-2019``): long documents of many
answers, one post each, published by ``mfa_china`` with the spokesperson as
``speaker``. Targets are real news articles (the English, Russian and Chinese
documents of ``../shared/data/wmt-parallel-dev``, MRPC's and UCI's sentences
in runs of 4-10 consecutive real sentences) published 1-180 days after a press
conference by news outlets, among at least 5,000 unrelated real articles
spread over the same two years. Built cases:

* **quotes**: a real answer sentence of 12-60 words, attributed the way news
  outlets do ("Foreign Ministry spokesperson Geng Shuang said ..."), inserted
  whole between two sentences of an article; some with one word changed;
* **two-source quotes**: one article quoting answers of two press conferences;
  both should be parents (each quote's source, or an earlier transcript that
  said the same sentence);
* **names**: the same kind of article with only a name-and-title phrase of the
  transcripts inserted ("Yang Jiechi, member of the Political Bureau of the
  Communist Party of China"): no link may join it to a transcript;
* the unrelated articles, which share topics (and names) with the transcripts.

Printed, at default settings (or with ``--set name=value``): recall of the
quotes per lag band, links on name-only articles, two-source articles with
both parents, transcript links to unrelated articles (each is a false link
unless the article happens to quote the ministry: ``--show`` prints them side
by side), and the time and peak memory of detection.

Run::

    python benchmarks/quoteback.py
    python benchmarks/quoteback.py --set window=60D --show 5
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import re
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from amplify.detect import DetectSettings, detect

SHARED = Path(os.environ.get("AMPLIFY_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
LAG_BANDS = [(1, 7), (8, 30), (31, 60), (61, 90), (91, 180)]
OUTLETS = ["sputnik", "rt", "tass", "globaltimes", "xinhua_en", "cgtn", "scmp", "reuters", "ap", "bbc"]
_CAP = r"[A-Z][\w'.-]*"
# "Name Name, member of the Political Bureau of ..." and "Director of the Office of ... Name"
_NAME_PATTERNS = [
    re.compile(rf"(?:{_CAP} ){{1,3}}{_CAP}, (?:the )?(?:[a-z-]+ ){{0,3}}(?:of|for|to) (?:the )?"
               rf"(?:{_CAP}(?: (?:of|and|for|on|the))*[ ,]?){{2,12}}"),
    re.compile(rf"(?:{_CAP} )*(?:Minister|Secretary|Director|President|Chairman|Ambassador|Envoy|Representative"
               rf"|Councilor)(?: (?:of|for|and|on|the)| {_CAP}){{5,14}}"),
]
_TRAILING = re.compile(r"(?:[ ,]+(?:of|for|and|on|the|to))+[ ,]*$")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")
_ATTRIBUTIONS = [
    'Chinese Foreign Ministry spokesperson {speaker} said: "{quote}"',
    '"{quote}" {speaker}, a spokesperson for China\'s foreign ministry, told reporters.',
    'According to the Chinese Foreign Ministry, "{quote}"',
    'Beijing has said before that "{quote}"',
    '{speaker} said last month that "{quote}"',
]


def transcripts() -> pd.DataFrame:
    """The English transcripts, one post each (paragraphs kept, one per line)."""
    path = SHARED / "mfa-press-2018-2019" / "transcripts.jsonl.gz"
    rows = [json.loads(line) for line in gzip.open(path, "rt", encoding="utf-8")]
    rows = [r for r in rows if r["lang"] == "en"]
    return pd.DataFrame({
        "post_id": [r["id"] for r in rows], "outlet": "mfa_china",
        # press conferences are held at 15:00 Beijing time
        "published_at": pd.to_datetime([r["date"] for r in rows], utc=True) + pd.Timedelta(hours=7),
        "text": ["\n".join(r["paragraphs"]) for r in rows],
        "speaker": [r["speaker"] for r in rows],
        "paragraphs": [r["paragraphs"] for r in rows],
    })


def answer_sentences(docs: pd.DataFrame) -> pd.DataFrame:
    """Sentences of 12-60 words from the spokesperson's answers (not the questions)."""
    out = []
    for doc, paragraphs in zip(docs["post_id"], docs["paragraphs"]):
        answering = True  # the opening announcements are the spokesperson's too
        for p in paragraphs:
            if p.startswith("Q:") or re.match(r"^[A-Z][\w ]{0,40}:", p) and not p.startswith("A:"):
                answering = False
                continue
            if p.startswith("A:"):
                answering, p = True, p[2:].strip()
            if not answering:
                continue
            for s in _SENTENCE.split(p):
                n = len(s.split())
                if 12 <= n <= 60:
                    out.append((doc, s.strip()))
    return pd.DataFrame(out, columns=["source", "sentence"])


def name_phrases(docs: pd.DataFrame) -> list[str]:
    """Name-and-title phrases of 10 words or more found in the transcripts."""
    found = set()
    for text in docs["text"]:
        for pat in _NAME_PATTERNS:
            for m in pat.finditer(text):
                phrase = _TRAILING.sub("", m.group(0).strip(" ,"))
                if len(phrase.split()) >= 10:
                    found.add(phrase)
    return sorted(found)


def articles(rng: np.random.Generator) -> list[str]:
    """Real news articles: WMT documents (by ``docid``, else runs of consecutive
    sentences), and runs of consecutive MRPC and UCI sentences, 4-10 sentences each."""
    texts = []

    def runs(sentences):
        i = 0
        while i < len(sentences):
            k = int(rng.integers(4, 11))
            texts.append(" ".join(sentences[i:i + k]))
            i += k

    for name in ("ru-en", "zh-en", "zh-ru"):
        with open(SHARED / "wmt-parallel-dev" / f"{name}.tsv", encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
        header = rows[0]
        langs = [i for i, h in enumerate(header) if i > header.index("domain") and not h.endswith("_alt")]
        for i in langs:  # every side: the other languages are unrelated text too
            docs, loose = {}, []
            for r in rows[1:]:
                if i < len(r) and r[i]:
                    (docs.setdefault(r[4], []) if r[4] else loose).append(r[i])
            texts.extend(" ".join(v) for _, v in sorted(docs.items()))
            runs(loose)
    mrpc = pd.read_csv(SHARED / "mrpc-train" / "msr_paraphrase_train.txt", sep="\t", quoting=csv.QUOTE_NONE,
                       dtype=str, encoding="utf-8-sig")
    runs(list(dict.fromkeys(list(mrpc.iloc[:, 3]) + list(mrpc.iloc[:, 4]))))
    uci = pd.read_csv(SHARED / "uci-news-subset" / "uci-news-aggregator.csv", dtype=str, on_bad_lines="skip")
    runs(list(uci["TITLE"].dropna().sample(frac=1.0, random_state=int(rng.integers(2**31)))))
    return texts


def insert(article: str, sentence: str, rng: np.random.Generator) -> str:
    """``sentence`` between two sentences of ``article``."""
    parts = _SENTENCE.split(article)
    at = int(rng.integers(0, len(parts) + 1))
    return " ".join(parts[:at] + [sentence] + parts[at:])


def edit_one_word(sentence: str, rng: np.random.Generator) -> str:
    """The sentence with one word dropped (a light edit an outlet makes)."""
    words = sentence.split()
    i = int(rng.integers(1, len(words) - 1))
    return " ".join(words[:i] + words[i + 1:])


def build(seed: int = 19, quotes: int = 375, two_source: int = 60, names: int = 200, unrelated: int = 5000):
    """The corpus and its cases (see the module docstring)."""
    rng = np.random.default_rng(seed)
    docs = transcripts()
    sentences = answer_sentences(docs)
    phrases = name_phrases(docs)
    pool = articles(rng)
    order = rng.permutation(len(pool))
    needed = quotes + two_source + names
    if len(pool) < needed + unrelated:
        unrelated = len(pool) - needed
    take = iter(order)
    when = dict(zip(docs["post_id"], docs["published_at"]))
    speaker = dict(zip(docs["post_id"], docs["speaker"]))
    t_min = docs["published_at"].min()
    span = (docs["published_at"].max() + pd.Timedelta(days=180) - t_min).value

    posts, cases = [], []

    def add(text, source_ids, lag_days, case, inserted=""):
        pid = f"art-{len(posts)}"
        t = max(when[s] for s in source_ids) + pd.Timedelta(days=lag_days, hours=int(rng.integers(1, 20)))
        posts.append((pid, OUTLETS[int(rng.integers(len(OUTLETS)))], t, text))
        cases.append({"target": pid, "sources": list(source_ids), "case": case, "lag_days": lag_days,
                      "inserted": inserted})

    def quoted(row, edited):
        quote = edit_one_word(row.sentence, rng) if edited else row.sentence
        form = _ATTRIBUTIONS[int(rng.integers(len(_ATTRIBUTIONS)))]
        return form.format(speaker=speaker[row.source], quote=quote)

    def holders(row):
        # the source, and the earlier transcripts that said the same sentence (the ministry repeats itself)
        return [row.source] + [d for d, text in zip(docs["post_id"], docs["text"])
                               if d != row.source and when[d] < when[row.source] and row.sentence in text]

    picks = sentences.iloc[rng.permutation(len(sentences))].itertuples()
    for i in range(quotes):
        row = next(picks)
        band = LAG_BANDS[i % len(LAG_BANDS)]
        lag = int(rng.integers(band[0], band[1] + 1))
        sentence = quoted(row, edited=i % 3 == 2)
        add(insert(pool[next(take)], sentence, rng), [row.source], lag, "quote", sentence)
        cases[-1]["edited"] = i % 3 == 2
        cases[-1]["holders"] = holders(row)
    for _ in range(two_source):
        a = next(picks)
        b = next(picks)
        # two answers of press conferences at most 60 days apart, as an article sums up a dispute
        while b.source == a.source or abs(when[b.source] - when[a.source]) > pd.Timedelta(days=60):
            b = next(picks)
        text = insert(insert(pool[next(take)], quoted(a, False), rng), quoted(b, False), rng)
        add(text, [a.source, b.source], int(rng.integers(1, 31)), "two_source")
        cases[-1]["holders"] = [holders(a), holders(b)]
    for i in range(names):
        phrase = phrases[int(rng.integers(len(phrases)))]
        holders = docs.loc[docs["text"].str.contains(phrase, regex=False), "post_id"].tolist()
        source = holders[int(rng.integers(len(holders)))]
        add(insert(pool[next(take)], f"The talks were attended by {phrase}.", rng), [source],
            int(rng.integers(1, 91)), "name")
    for _ in range(unrelated):
        t = t_min + pd.Timedelta(int(rng.integers(0, span)), unit="ns")
        posts.append((f"news-{len(posts)}", f"news_{int(rng.integers(40))}", t, pool[next(take)]))
    corpus = pd.concat([
        docs[["post_id", "outlet", "published_at", "text", "speaker"]],
        pd.DataFrame(posts, columns=["post_id", "outlet", "published_at", "text"]).assign(speaker=None),
    ], ignore_index=True)
    return corpus, pd.DataFrame(cases)


def score(corpus: pd.DataFrame, cases: pd.DataFrame, links: pd.DataFrame, show: int = 0) -> dict:
    """The figures of one run (printed by :func:`main`)."""
    echo = links[links["kind"] != "template"]
    pairs = set(zip(echo["source_id"], echo["target_id"]))
    parents = set(zip(echo.loc[echo["is_parent"], "source_id"], echo.loc[echo["is_parent"], "target_id"]))
    out = {}
    q = cases[cases["case"] == "quote"]
    q = q.assign(edited=q["edited"].astype(bool))

    def recall(band):
        # a sentence the ministry said at several press conferences may be linked to any of them
        return sum(any((s, t) in pairs for s in holders) for holders, t in zip(band["holders"], band["target"]))

    for lo, hi in LAG_BANDS:
        band = q[(q["lag_days"] >= lo) & (q["lag_days"] <= hi) & ~q["edited"]]
        out[f"quote recall, lag {lo}-{hi} d"] = (recall(band), len(band))
    out["  same, one word dropped (all lags)"] = (recall(q[q["edited"]]), int(q["edited"].sum()))
    attributed = set(zip(echo.loc[echo["attributed"], "source_id"], echo.loc[echo["attributed"], "target_id"]))
    speaker = dict(zip(corpus["post_id"], corpus["speaker"]))
    named = [(s[0], t) for s, t, ins in zip(q["sources"], q["target"], q["inserted"])
             if speaker[s[0]] in ins and (s[0], t) in pairs]
    out["found quotes naming the speaker: attributed"] = (sum(p in attributed for p in named), len(named))
    two = cases[cases["case"] == "two_source"]
    # each quote's parent may be its source or an earlier transcript that said the same sentence,
    # as for the quotes above (a target quoting one passage from several carriers keeps one parent)
    out["two-source: both linked"] = (sum(all(any((s, t) in pairs for s in h) for h in hh)
                                          for hh, t in zip(two["holders"], two["target"])), len(two))
    out["two-source: both parents"] = (sum(all(any((s, t) in parents for s in h) for h in hh)
                                           for hh, t in zip(two["holders"], two["target"])), len(two))
    names = set(cases.loc[cases["case"] == "name", "target"])
    mfa = set(corpus.loc[corpus["outlet"] == "mfa_china", "post_id"])
    name_links = echo[echo["target_id"].isin(names) & echo["source_id"].isin(mfa)]
    out["name-only articles linked to a transcript"] = (name_links["target_id"].nunique(), len(names))
    unrelated = echo[echo["source_id"].isin(mfa) & echo["target_id"].str.startswith("news-")]
    out["transcript -> unrelated article links"] = (len(unrelated), None)
    if show:
        text = dict(zip(corpus["post_id"], corpus["text"]))
        missed = q[[not any((s, t) in pairs for s in h) for h, t in zip(q["holders"], q["target"])]]
        for row in missed.sort_values("lag_days").head(show).itertuples():
            print(f"--- missed quote: {row.sources[0]} -> {row.target} lag {row.lag_days} d")
            print("   inserted:", row.inserted[:300])
        shown = 0
        for hh, ss, t in zip(two["holders"], two["sources"], two["target"]):
            for h, src in zip(hh, ss):
                if shown < show and not any((s, t) in parents for s in h):
                    shown += 1
                    kinds = [k for k, s2, t2 in zip(echo["kind"], echo["source_id"], echo["target_id"])
                             if t2 == t and s2 in h]
                    print(f"--- two-source, no parent for one quote: {src} -> {t} (linked as {kinds or 'nothing'})")
                    print("   target:", text[t][:400])
        for title, frame in (("name-only", name_links), ("unrelated", unrelated)):
            for row in frame.head(show).itertuples():
                print(f"--- {title}: {row.source_id} -> {row.target_id} {row.kind} {row.score} "
                      f"lag {row.lag_s / 86400:.1f} d")
                print("   source:", text[row.source_id][row.source_start:row.source_end][:300])
                print("   target:", text[row.target_id][row.target_start:row.target_end][:300])
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=19)
    ap.add_argument("--unrelated", type=int, default=5000)
    ap.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                    help="a detection setting other than its default (repeatable)")
    ap.add_argument("--show", type=int, default=0, help="print this many false links of each kind side by side")
    args = ap.parse_args(argv)
    if not (SHARED / "mfa-press-2018-2019").exists():
        print(f"skipped: {SHARED / 'mfa-press-2018-2019'} is absent")
        return 0
    overrides = {}
    fields = {f.name: f.type for f in DetectSettings.__dataclass_fields__.values()}
    for item in args.set:
        name, value = item.split("=", 1)
        kind = {"int": int, "float": float, "bool": lambda v: v.lower() in ("1", "true", "yes")}.get(fields[name], str)
        overrides[name] = kind(value)
    corpus, cases = build(args.seed, unrelated=args.unrelated)
    print(f"real-text quote-back corpus: {len(corpus):,} posts ({(corpus['outlet'] == 'mfa_china').sum()} transcripts, "
          f"{len(cases)} built cases); settings {overrides or 'default'}")
    t0 = time.perf_counter()
    links = detect(corpus, settings=DetectSettings(**overrides))
    seconds = time.perf_counter() - t0
    for name, (hit, total) in score(corpus, cases, links, args.show).items():
        print(f"  {name:45s} {hit}" + (f" / {total} = {hit / total:.3f}" if total else ""))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  detection {seconds:.1f} s, {len(links):,} links; peak {peak:,.0f} MiB (whole process)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
