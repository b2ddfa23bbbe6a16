"""The hand-checked sample of the semantic stage (issue #13): same-language links read by a person.

``benchmarks/semantic.py --only echoes`` scores planted translation echoes, but
the same-language ``semantic`` links it makes among its 22,000 real posts have
no labels, and neither do the ``translation`` links it counts as false (pairs
not in its truth). A person reads pairs of them and says whether the later post
echoes the earlier one. The verdicts (``benchmarks/semantic_judged/verdicts.csv``:
ids, verdict, one-line reason, a hash of each text; no texts, for the data's
licences) are kept; this script rebuilds the posts from ``../shared/data`` with
``benchmarks/semantic.py``'s own corpus builder (imported, not copied) and
scores any detector against them.

The standard is issue #10's (``benchmarks/judged/README.md``): covering the
same event in one's own words is not amplification; an echo restates another
outlet's specific text.

* ``echo``: a close paraphrase, a rewrite of the same wire text, a restated
  statement, a translation of the same sentence;
* ``not``: the same event in other words, a bare fact, only topic words, a
  template, a different statement of the same story;
* ``unsure``: cannot tell; counted apart (never in precision).

Commands::

    python benchmarks/semantic_judged.py draw --out DIR   # the seeded sample, both texts side by side
    python benchmarks/semantic_judged.py score            # precision per language and score band
    python benchmarks/semantic_judged.py score --unjudged new.csv
    python benchmarks/semantic_judged.py append new.csv   # after judging: verdict columns only

``draw`` writes ``DIR/sample.csv`` (every column: stratum, kind, score),
``DIR/reading.csv`` and ``DIR/reading.txt`` (the same pairs shuffled and
numbered, without kind, score or stratum, with the aligned sentence pairs: read
and judge from these).

``score`` prints, for ``semantic`` links, per language and score band: links,
judged, echo / not / unsure, precision = echo / (echo + not) with its 95 %
Wilson interval, and per language the precision of all links estimated by
weighting each band's judged precision by its number of links (Cochran 1977,
*Sampling Techniques*, ch. 5). Then the false links by the pattern opening
their reason, the judged "false" translation links by verdict and pattern
(how many are real translations the benchmark's truth does not know), stale
verdicts (a post whose text changed since it was judged) and the current links
not yet judged (``--unjudged OUT`` writes them side by side, blind).
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
# judged first: it points AMPLIFY_SHARED_DATA at the shared data above a worktree, which
# semantic.py reads when it is imported
from judged import (JudgedError, allocate, lag_text, nanoseconds, orient, pair_key,  # noqa: E402
                    parse_settings, reason_pattern, wilson)
import semantic as bench  # noqa: E402

from amplify.detect import DetectSettings, detect  # noqa: E402
from amplify.io import atomic_output, write_csv  # noqa: E402

VERDICTS = HERE / "semantic_judged" / "verdicts.csv"
VERDICT_COLUMNS = ["source_id", "target_id", "verdict", "reason", "drawn_as", "judged_on",
                   "source_sha1", "target_sha1"]
VERDICT_VALUES = ("echo", "not", "unsure")
#: ``semantic``: a same-language semantic link; ``translation_false``: a translation link between
#: two languages of a benchmark pair that is not a planted echo (the benchmark counts it false).
DRAWN_AS = ("semantic", "translation_false")
#: Score bands (a link's score: 100 x the length-weighted mean cosine of its aligned sentences).
BANDS = (50, 60, 70, 80, 90, 101)
BAND_LABELS = [f"{lo}-{hi - 1}" for lo, hi in zip(BANDS[:-1], BANDS[1:])]
#: Hex digits of a text's SHA-1 kept per post: enough to notice a text that changed under an id.
SHA_DIGITS = 12


# --------------------------------------------------------------------------- corpus and links


def text_sha1(texts) -> np.ndarray:
    """The first :data:`SHA_DIGITS` hex digits of each text's SHA-1 (UTF-8)."""
    return np.array([hashlib.sha1(str(t).encode("utf-8")).hexdigest()[:SHA_DIGITS] for t in texts], dtype=object)


def score_band(score: np.ndarray) -> np.ndarray:
    """Label of each score's band of :data:`BANDS` (``"70-79"``)."""
    return np.asarray(pd.cut(np.asarray(score, dtype=float), BANDS, right=False, labels=BAND_LABELS).astype(object))


def origins(posts: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Where each post's text comes from (``wmt``, ``uci``, ``ruwa`` or ``mfa``) and, for a WMT
    sentence posted alone, its WMT document (else None).

    ``echo_corpus`` keeps neither; the texts tell. Planted echoes (``e...``) and
    WMT distractors are WMT sentences; the other English posts are UCI or RUWA
    headlines; the other Chinese ones the ministry's paragraphs. The document is
    named as ``echo_corpus`` names it (``docid``, else 20 consecutive rows of a
    file): two distractors of one document are two sentences of one article.
    """
    m = bench.wmt_meanings()
    doc_of = {}
    if m is not None:
        doc = m["docid"].where(m["docid"].notna(), m["file"] + ":" + (m["pos"] // 20).astype(str))
        for lang in ("en", "ru", "zh"):
            have = m[lang].notna()
            doc_of.update(zip(m.loc[have, lang], doc[have]))
    uci_file = bench.SHARED / "uci-news-subset" / "uci-news-aggregator.csv"
    uci = set(pd.read_csv(uci_file, dtype=str, on_bad_lines="skip")["TITLE"].dropna()) if uci_file.is_file() else set()
    origin, docs = [], []
    for pid, text, lang in zip(posts["post_id"], posts["text"], posts["true_lang"]):
        docs.append(doc_of.get(text))
        if pid.startswith("e") or text in doc_of:
            origin.append("wmt")
        elif lang == "zh":
            origin.append("mfa")
        else:
            origin.append("uci" if text in uci else "ruwa")
    return np.array(origin, dtype=object), np.array(docs, dtype=object)


def build(seed: int = 0, distractors: int = 22000):
    """The benchmark's posts (with ``origin`` and ``sha1``), outlets and planted truth, or None without WMT."""
    built = bench.echo_corpus(seed, n_distractors=distractors)
    if built is None:
        return None
    posts, outlets, truth = built
    origin, doc = origins(posts)
    posts = posts.assign(origin=origin, wmt_doc=doc, sha1=text_sha1(posts["text"]))
    return posts, outlets, truth


def run_detector(posts: pd.DataFrame, outlets: pd.DataFrame, truth: pd.DataFrame,
                 settings: DetectSettings) -> pd.DataFrame:
    """This tree's links among the benchmark's posts, semantic stage on, one row per pair, oriented
    as :func:`judged.orient`, with each pair's languages (the builder's), origins, score band and
    ``drawn_as`` (the stratum a pair belongs to, or empty)."""
    # replace, not to_dict: without the stage on, to_dict leaves its knobs out (and a --set of one)
    settings = dataclasses.replace(settings, semantic=True, semantic_same_language=True)
    links = detect(posts[["post_id", "outlet", "published_at", "text"]], outlets, settings=settings,
                   embeddings=bench.store_for(posts), progress=False)
    src, tgt = orient(posts, links["source_id"], links["target_id"])
    out = pd.DataFrame({"source_id": src, "target_id": tgt, "kind": links["kind"].to_numpy(),
                        "score": links["score"].to_numpy(dtype=float),
                        "aligned": links["aligned"].to_numpy(dtype=object),
                        # aligned spans run source -> target of the link as detect gave it
                        "src_first": src == links["source_id"].to_numpy(dtype=object)})
    out["key"] = pair_key(out["source_id"], out["target_id"])
    out = out.drop_duplicates("key").reset_index(drop=True)
    lang = dict(zip(posts["post_id"], posts["true_lang"]))
    origin = dict(zip(posts["post_id"], posts["origin"]))
    ls, lt = out["source_id"].map(lang), out["target_id"].map(lang)
    # a language pair is named in a fixed order, whichever side came first
    out["lang"] = np.where(ls == lt, ls, [f"{min(a, b)}-{max(a, b)}" for a, b in zip(ls, lt)])
    out["origins"] = [f"{min(a, b)}-{max(a, b)}" for a, b in
                      zip(out["source_id"].map(origin), out["target_id"].map(origin))]
    out["band"] = score_band(out["score"].to_numpy())
    doc = dict(zip(posts["post_id"], posts["wmt_doc"]))
    ds, dt = out["source_id"].map(doc), out["target_id"].map(doc)
    # two sentences of one WMT article posted as two posts: the benchmark's own doing, not two outlets
    out["same_doc"] = (ds.notna() & (ds == dt)).to_numpy()
    planted = set(pair_key(truth["source_id"], truth["target_id"]))
    out["planted"] = out["key"].isin(planted)
    out["drawn_as"] = ""
    out.loc[out["kind"] == "semantic", "drawn_as"] = "semantic"
    # the benchmark's precision counts translation links whose two languages differ
    false_tr = (out["kind"] == "translation") & (ls != lt).to_numpy() & ~out["planted"]
    out.loc[false_tr, "drawn_as"] = "translation_false"
    return out


def aligned_pieces(posts: pd.DataFrame, pairs: pd.DataFrame) -> list[str]:
    """Each pair's aligned sentence pairs as text (``«source piece» ⇄ «target piece»``; no cosines),
    so a reader finds the matched sentence inside a long article."""
    text = dict(zip(posts["post_id"], posts["text"]))
    out = []
    for s, t, al, src_first in zip(pairs["source_id"], pairs["target_id"], pairs["aligned"], pairs["src_first"]):
        rows = json.loads(al) if isinstance(al, str) else (al or [])
        pieces = []
        for r in rows:
            a, b = text[s if src_first else t][r[0]:r[1]], text[t if src_first else s][r[2]:r[3]]
            if not src_first:  # the link ran the other way: its source is our target
                a, b = b, a
            pieces.append(f"«{' '.join(a.split())}» ⇄ «{' '.join(b.split())}»")
        out.append("\n".join(pieces))
    return out


def side_by_side(posts: pd.DataFrame, pairs: pd.DataFrame, links: pd.DataFrame | None = None) -> pd.DataFrame:
    """``pairs`` with both outlets, the lag, both texts and (when ``links`` gives them) the aligned pieces."""
    p = posts.set_index("post_id")
    s, t = p.loc[pairs["source_id"]], p.loc[pairs["target_id"]]
    lag = (nanoseconds(t["published_at"]) - nanoseconds(s["published_at"])) / 1e9
    out = pairs.assign(source_outlet=s["outlet"].to_numpy(), target_outlet=t["outlet"].to_numpy(),
                       lag=[lag_text(x) for x in lag], source_sha1=s["sha1"].to_numpy(),
                       target_sha1=t["sha1"].to_numpy(),
                       source_text=s["text"].to_numpy(), target_text=t["text"].to_numpy())
    if links is not None and "aligned" in links:
        al = links.set_index("key")
        got = al.reindex(pairs["key"])
        out["aligned_pieces"] = ""
        have = got["aligned"].notna().to_numpy()
        if have.any():
            sub = pairs[have].assign(aligned=got["aligned"].to_numpy()[have],
                                     src_first=got["src_first"].to_numpy()[have].astype(bool))
            out.loc[have, "aligned_pieces"] = aligned_pieces(posts, sub)
    return out


# --------------------------------------------------------------------------- drawing


def draw_pairs(links: pd.DataFrame, n_semantic: int, n_translation: int, rng: np.random.Generator) -> pd.DataFrame:
    """The stratified sample.

    ``semantic`` links: equal shares per language, then inside each language over
    score bands in proportion to the square root of each band's count (so the
    rare high and low bands are read too). ``translation_false`` links: equal
    shares per language pair. A stratum smaller than its share is taken whole.
    """
    rows = []
    sem = links[links["drawn_as"] == "semantic"]
    per_lang = allocate(sem["lang"].value_counts().sort_index().to_dict(), n_semantic)
    for lang, m in per_lang.items():
        x = sem[sem["lang"] == lang]
        counts = x["band"].value_counts().reindex(BAND_LABELS, fill_value=0)
        counts = counts[counts > 0].to_dict()
        for band, k in allocate(counts, m, {b: np.sqrt(c) for b, c in counts.items()}).items():
            pool = x[x["band"] == band]
            pick = np.sort(rng.choice(len(pool), size=k, replace=False))
            rows.append(pool.iloc[pick].assign(stratum=f"semantic {lang} {band}"))
    tr = links[links["drawn_as"] == "translation_false"]
    for lang, k in allocate(tr["lang"].value_counts().sort_index().to_dict(), n_translation).items():
        pool = tr[tr["lang"] == lang]
        pick = np.sort(rng.choice(len(pool), size=k, replace=False))
        rows.append(pool.iloc[pick].assign(stratum=f"translation_false {lang}"))
    return pd.concat(rows, ignore_index=True)


def reading_text(reading: pd.DataFrame) -> str:
    """The reading file as plain text, one numbered block a pair."""
    blocks = []
    for r in reading.itertuples():
        blocks.append(f"=== {r.no}  {r.source_id} ({r.source_outlet}) -> {r.target_id} ({r.target_outlet}), "
                      f"lag {r.lag}\nA: {r.source_text}\nB: {r.target_text}\nALIGNED:\n{r.aligned_pieces}\n")
    return "\n".join(blocks)


def draw(out_dir: Path, seed: int, n_semantic: int, n_translation: int, settings: DetectSettings,
         corpus_seed: int = 0, distractors: int = 22000) -> pd.DataFrame:
    """Draw the sample and write ``sample.csv``, ``reading.csv`` and ``reading.txt`` to ``out_dir``."""
    built = build(corpus_seed, distractors)
    if built is None:
        raise JudgedError("no data: WMT was not found (set AMPLIFY_SHARED_DATA)")
    posts, outlets, truth = built
    links = run_detector(posts, outlets, truth, settings)
    rng = np.random.default_rng(seed)
    sample = draw_pairs(links, n_semantic, n_translation, rng)
    sample = side_by_side(posts, sample.drop(columns=["aligned", "src_first"]), links)
    cols = ["source_id", "target_id", "drawn_as", "stratum", "lang", "origins", "kind", "score", "band",
            "source_outlet", "target_outlet", "lag", "source_sha1", "target_sha1", "aligned_pieces",
            "source_text", "target_text"]
    sample = sample.reindex(columns=cols)
    sample.insert(0, "no", rng.permutation(len(sample)) + 1)
    reading = sample.sort_values("no")[["no", "source_id", "target_id", "source_outlet", "target_outlet", "lag",
                                        "aligned_pieces", "source_text", "target_text"]]
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, df in (("sample.csv", sample), ("reading.csv", reading)):
        with atomic_output(out_dir / name) as fh:
            write_csv(df, fh)
    with atomic_output(out_dir / "reading.txt") as fh:
        fh.write(reading_text(reading))
    print(f"wrote {len(sample)} pairs ({sample['drawn_as'].value_counts().to_dict()}) to {out_dir}/sample.csv; "
          f"read and judge {out_dir}/reading.txt (shuffled, without kind, score or stratum)")
    pool = links[links["drawn_as"] != ""].groupby(["drawn_as", "lang"]).size().rename("links")
    drawn = sample.groupby(["drawn_as", "lang"]).size().rename("drawn")
    print(pd.concat([pool, drawn], axis=1).fillna(0).astype(int).to_string())
    print(sample.groupby("stratum").size().to_string())
    return sample


# --------------------------------------------------------------------------- verdicts


def read_verdicts(path: Path) -> pd.DataFrame:
    """The verdicts file, checked by :func:`check_verdicts`."""
    if not path.is_file():
        raise JudgedError(f"{path}: no verdicts file")
    return check_verdicts(pd.read_csv(path, dtype=str, keep_default_na=False), str(path))


def check_verdicts(v: pd.DataFrame, where: str) -> pd.DataFrame:
    """Verdict rows checked (columns, values, dates, hashes, one verdict per pair), with ``key`` and
    ``pattern`` added; an error names ``where``, the row (as a line of the file) and the column."""
    missing = [c for c in VERDICT_COLUMNS if c not in v.columns]
    if missing:
        raise JudgedError(f"{where}: missing column(s) {', '.join(missing)} (need {', '.join(VERDICT_COLUMNS)})")
    v = v.reset_index(drop=True)
    for col, allowed in (("verdict", VERDICT_VALUES), ("drawn_as", DRAWN_AS)):
        bad = ~v[col].isin(allowed)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise JudgedError(f"{where}: row {i + 2}, column {col}: {v[col].iloc[i]!r} is not one of "
                              f"{', '.join(allowed)}")
    for col in ("source_id", "target_id", "reason", "judged_on"):
        empty = v[col].str.strip() == ""
        if empty.any():
            raise JudgedError(f"{where}: row {int(np.flatnonzero(empty)[0]) + 2}, column {col} is empty")
    for col in ("source_sha1", "target_sha1"):
        bad = ~v[col].str.fullmatch(f"[0-9a-f]{{{SHA_DIGITS}}}")
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise JudgedError(f"{where}: row {i + 2}, column {col}: {v[col].iloc[i]!r} is not {SHA_DIGITS} "
                              "hex digits of the text's SHA-1")
    bad = pd.to_datetime(v["judged_on"], format="%Y-%m-%d", errors="coerce").isna()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise JudgedError(f"{where}: row {i + 2}, column judged_on: {v['judged_on'].iloc[i]!r} is not a date "
                          "YYYY-MM-DD")
    v = v.assign(key=pair_key(v["source_id"], v["target_id"]))
    dup = v["key"].duplicated(keep=False)
    if dup.any():
        rows = (np.flatnonzero(dup) + 2).tolist()
        raise JudgedError(f"{where}: rows {rows[:6]} judge one pair twice; keep one verdict per pair")
    return v.assign(pattern=reason_pattern(v["reason"]))


def stale_verdicts(v: pd.DataFrame, posts: pd.DataFrame) -> pd.DataFrame:
    """Verdicts naming a post the corpus no longer has, or whose text changed since it was read
    (``benchmarks/semantic.py``'s builder is edited by others: its ids are only as stable as it is)."""
    sha = dict(zip(posts["post_id"], posts["sha1"]))
    ok = (v["source_id"].map(sha) == v["source_sha1"]) & (v["target_id"].map(sha) == v["target_sha1"])
    return v[~ok]


# --------------------------------------------------------------------------- scoring


def _precision_row(name: str, band: str, n_links: int, judged: pd.DataFrame) -> dict:
    counts = judged["verdict"].value_counts()
    echo, not_, unsure = (int(counts.get(x, 0)) for x in VERDICT_VALUES)
    lo, hi = wilson(echo, echo + not_)
    return {"lang": name, "band": band, "links": n_links, "judged": echo + not_ + unsure, "echo": echo,
            "not": not_, "unsure": unsure, "precision": echo / (echo + not_) if echo + not_ else np.nan,
            "ci_low": lo, "ci_high": hi}


def semantic_table(links: pd.DataFrame, verdicts: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Precision of the current ``semantic`` links per language and band, per language, overall; and
    per language (and ``all``) the precision of every link estimated by band (stratified mean)."""
    sem = links[links["kind"] == "semantic"]
    on = sem.merge(verdicts[["key", "verdict"]], on="key", how="left")
    rows, est = [], {}
    for lang in sorted(sem["lang"].unique()):
        x = on[on["lang"] == lang]
        band_rows = [_precision_row(lang, b, int((x["band"] == b).sum()), x[(x["band"] == b) & x["verdict"].notna()])
                     for b in BAND_LABELS if (x["band"] == b).any()]
        rows += band_rows
        rows.append(_precision_row(lang, "all", len(x), x[x["verdict"].notna()]))
        est[lang] = _stratified(pd.DataFrame(band_rows))
    every = [_precision_row("all", b, int((on["band"] == b).sum()), on[(on["band"] == b) & on["verdict"].notna()])
             for b in BAND_LABELS if (on["band"] == b).any()]
    rows += every
    rows.append(_precision_row("all", "all", len(on), on[on["verdict"].notna()]))
    # overall: every language x band stratum weighted by its links
    strata = pd.DataFrame([r for r in rows if r["lang"] != "all" and r["band"] != "all"])
    est["all"] = _stratified(strata)
    return pd.DataFrame(rows), est


def _stratified(strata: pd.DataFrame) -> tuple[float, int]:
    """(each stratum's judged precision weighted by its links, links in strata that have a judged pair)."""
    if not len(strata):
        return np.nan, 0
    covered = strata[strata["echo"] + strata["not"] > 0]
    if not len(covered):
        return np.nan, 0
    return float((covered["links"] * covered["precision"]).sum() / covered["links"].sum()), int(covered["links"].sum())


def _short(s: str, n: int = 100) -> str:
    s = " ".join(str(s).split())
    return repr(s if len(s) <= n else s[: n - 1] + "…")


def score(verdicts_path: Path, settings: DetectSettings, show: int, unjudged: Path | None,
          corpus_seed: int = 0, distractors: int = 22000, built=None) -> dict:
    """Run this tree's detector on the benchmark's posts and print the figures; ``built`` (posts,
    outlets, truth, as :func:`build` returns them) is for tests."""
    verdicts = read_verdicts(verdicts_path)
    built = built or build(corpus_seed, distractors)
    if built is None:
        raise JudgedError("no data: WMT was not found (set AMPLIFY_SHARED_DATA)")
    posts, outlets, truth = built
    stale = stale_verdicts(verdicts, posts)
    live = verdicts[~verdicts["key"].isin(set(stale["key"]))]
    links = run_detector(posts, outlets, truth, settings)
    settings = dataclasses.replace(settings, semantic=True, semantic_same_language=True)
    base = DetectSettings(semantic=True, semantic_same_language=True).to_dict()
    changed = {k: v for k, v in settings.to_dict().items() if base.get(k) != v}
    changed.pop("semantic", None)
    print(f"verdicts: {verdicts_path} ({len(verdicts)} pairs, {verdicts['verdict'].value_counts().to_dict()}); "
          f"settings: semantic stage on, {changed or 'defaults'}; posts: {len(posts):,} "
          f"(benchmarks/semantic.py, corpus seed {corpus_seed})\n")
    if len(stale):
        print(f"!! {len(stale)} verdicts name a post that is gone or whose text changed since it was read "
              f"(left out): {stale[['source_id', 'target_id']].head(6).values.tolist()}\n")

    table, est = semantic_table(links, live)
    print("== same-language `semantic` links: precision over judged links (echo / (echo + not); unsure apart; "
          "95 % Wilson) ==")
    print(f"{'lang':<7}{'band':<8}{'links':>7}{'judged':>8}{'echo':>6}{'not':>5}{'unsure':>8}"
          f"{'precision':>11}{'95 % interval':>16}")
    for r in table.rename(columns={"not": "not_"}).itertuples():
        p = f"{'-':>11}" if np.isnan(r.precision) else f"{r.precision:>11.3f}"
        ci = "" if np.isnan(r.ci_low) else f"{r.ci_low:.3f}-{r.ci_high:.3f}"
        print(f"{r.lang:<7}{r.band:<8}{r.links:>7,}{r.judged:>8}{r.echo:>6}{r.not_:>5}{r.unsure:>8}{p}{ci:>16}")
    for lang, (p, covers) in est.items():
        print(f"{lang}: precision of all its semantic links estimated by band (each band's judged precision weighted "
              f"by its link count; bands with judged links cover {covers:,}): {p:.3f}")

    sem = links[links["kind"] == "semantic"].merge(live[["key", "verdict", "reason", "pattern"]], on="key")
    false = sem[sem["verdict"] == "not"]
    if len(false):
        print(f"\n== false semantic links (judged not, linked now): {len(false)}, by the pattern opening their "
              "reason ==")
        print(pd.crosstab(false["pattern"], false["lang"], margins=True, margins_name="all")
              .sort_values("all", ascending=False).to_string())
        print("by origin of the two posts:")
        print(pd.crosstab(false["pattern"], false["origins"], margins=True, margins_name="all")
              .sort_values("all", ascending=False).to_string())
        for x in false.sort_values("score", ascending=False).head(show).itertuples():
            print(f"  {x.source_id} -> {x.target_id} {x.lang} {x.score:.0f}: {x.reason}")
    judged_sem = sem[sem["verdict"].notna()]
    if len(judged_sem):
        print("\njudged semantic links whose two posts are sentences of one WMT document (the benchmark posts "
              "each distractor sentence alone):")
        print(pd.crosstab(judged_sem["same_doc"].map({True: "same WMT document", False: "other"}),
                          judged_sem["verdict"], margins=True, margins_name="all").to_string())
    echoes = sem[sem["verdict"] == "echo"]
    if len(echoes):
        print(f"\n== echoes among judged semantic links: {len(echoes)}, by pattern ==")
        print(pd.crosstab(echoes["pattern"], echoes["lang"], margins=True, margins_name="all")
              .sort_values("all", ascending=False).to_string())

    tr_links = links[links["drawn_as"] == "translation_false"]
    tv = live[live["drawn_as"] == "translation_false"]
    tr = tr_links.merge(tv[["key", "verdict", "reason", "pattern"]], on="key")
    print(f"\n== translation links the benchmark counts false (languages differ, not planted): {len(tr_links)}; "
          f"judged {len(tr)} ==")
    if len(tr):
        print(pd.crosstab(tr["lang"], tr["verdict"], margins=True, margins_name="all").to_string())
        print("by pattern:")
        print(pd.crosstab(tr["pattern"], tr["verdict"], margins=True, margins_name="all")
              .sort_values("all", ascending=False).to_string())
        g = tr["verdict"].value_counts()
        e, n = int(g.get("echo", 0)), int(g.get("echo", 0) + g.get("not", 0))
        if n:
            lo, hi = wilson(e, n)
            print(f"share that are real translations of the same text (echo / (echo + not)): {e / n:.3f} "
                  f"({lo:.3f}-{hi:.3f}); of all {len(tr_links)} such links about {len(tr_links) * e / n:.0f}")
        # the benchmark's precision per language pair, and with the judged real translations counted
        # true (the unjudged "false" links of a pair at the pair's judged share)
        planted = links[(links["kind"] == "translation") & links["planted"]]
        print("benchmark precision per pair: as counted -> judged real translations counted true")
        for lang in sorted(tr_links["lang"].unique()):
            n_true = int((planted["lang"] == lang).sum())
            n_false = int((tr_links["lang"] == lang).sum())
            j = tr[tr["lang"] == lang]["verdict"].value_counts()
            je, jn = int(j.get("echo", 0)), int(j.get("echo", 0) + j.get("not", 0))
            real = je + (n_false - int(j.sum())) * (je / jn if jn else 0.0)
            print(f"  {lang}: {n_true} planted + {n_false} not planted: {n_true / (n_true + n_false):.3f} -> "
                  f"{(n_true + real) / (n_true + n_false):.3f} ({je} of {int(j.sum())} judged are translations)")
        for x in tr[tr["verdict"] != "echo"].head(show).itertuples():
            print(f"  {x.source_id} -> {x.target_id} {x.lang} {x.score:.0f} {x.verdict}: {x.reason}")
    gone = tv[~tv["key"].isin(set(tr_links["key"]))]
    if len(gone):
        print(f"judged 'false' translation pairs no longer linked so: {len(gone)} "
              f"({gone['verdict'].value_counts().to_dict()})")
    same_tr = links[(links["kind"] == "translation") & ~links["lang"].str.contains("-")]
    if len(same_tr):
        print(f"(translation links between two posts of one language, the detector telling one of them wrong, "
              f"not counted by the benchmark: {len(same_tr)}; by origin {same_tr['origins'].value_counts().to_dict()})")

    print("\n== current links not yet judged ==")
    u = links[(links["drawn_as"] != "") & ~links["key"].isin(set(live["key"]))]
    print(u.groupby(["drawn_as", "lang"]).size().to_string() if len(u) else "none")
    linked_sem = set(links.loc[links["kind"] == "semantic", "key"])
    gone = live[(live["drawn_as"] == "semantic") & ~live["key"].isin(linked_sem)]
    if len(gone):
        print(f"judged semantic pairs no longer linked as semantic: {len(gone)} "
              f"({gone['verdict'].value_counts().to_dict()})")
    if unjudged:
        n = write_unjudged(unjudged, posts, links, u, pd.Timestamp.now(tz="UTC").strftime("%Y-%m-%d"))
        print(f"wrote {n:,} unjudged links side by side to {unjudged}")
    return {"table": table, "estimate": est, "links": links, "stale": stale, "translation": tr}


def write_unjudged(path: Path, posts: pd.DataFrame, links: pd.DataFrame, u: pd.DataFrame, judged_on: str) -> int:
    """The unjudged links side by side, blind (no kind or score), with the verdict columns to fill."""
    out = side_by_side(posts, u[["source_id", "target_id", "key", "drawn_as"]], links)
    out = out.assign(verdict="", reason="", judged_on=judged_on)
    out = out.reindex(columns=VERDICT_COLUMNS + ["source_outlet", "target_outlet", "lag", "aligned_pieces",
                                                 "source_text", "target_text"])
    with atomic_output(path) as fh:
        write_csv(out, fh)
    return len(out)


def append(judged_file: Path, verdicts_path: Path) -> int:
    """Append the judged rows of ``judged_file`` (a ``draw`` sample or an ``--unjudged`` file, with
    verdict, reason and judged_on filled in) to ``verdicts_path``: the verdict columns only, never
    the texts. Every row must be judged; the result must still be one verdict per pair."""
    new = pd.read_csv(judged_file, dtype=str, keep_default_na=False)
    missing = [c for c in VERDICT_COLUMNS if c not in new.columns]
    if missing:
        raise JudgedError(f"{judged_file}: missing column(s) {', '.join(missing)}")
    empty = (new["verdict"].str.strip() == "") | (new["reason"].str.strip() == "")
    if empty.any():
        rows = (np.flatnonzero(empty) + 2).tolist()
        raise JudgedError(f"{judged_file}: {int(empty.sum())} row(s) without a verdict or reason (rows "
                          f"{rows[:6]}{' ...' if len(rows) > 6 else ''}); judge them or delete them first")
    old = pd.read_csv(verdicts_path, dtype=str, keep_default_na=False) if verdicts_path.is_file() else \
        pd.DataFrame(columns=VERDICT_COLUMNS)
    both = pd.concat([old[VERDICT_COLUMNS], new[VERDICT_COLUMNS]], ignore_index=True)
    check_verdicts(both, f"{verdicts_path} with {judged_file} appended")
    verdicts_path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_output(verdicts_path) as fh:
        both.to_csv(fh, index=False, lineterminator="\n")
    return len(new)


# --------------------------------------------------------------------------- command line


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    d = sub.add_parser("draw", help="draw the seeded sample of semantic and 'false' translation links")
    d.add_argument("--out", type=Path, required=True, help="folder for sample.csv, reading.csv and reading.txt")
    d.add_argument("--seed", type=int, default=13)
    d.add_argument("--semantic", type=int, default=150, help="semantic links to draw")
    d.add_argument("--translations", type=int, default=50, help="'false' translation links to draw")
    s = sub.add_parser("score", help="score this tree's detector against the verdicts")
    s.add_argument("--verdicts", type=Path, default=VERDICTS)
    s.add_argument("--show", type=int, default=12, help="list this many false links")
    s.add_argument("--unjudged", type=Path, help="write the links not yet judged, side by side, to this CSV")
    a = sub.add_parser("append", help="append a judged file to the verdicts (verdict columns only)")
    a.add_argument("judged_file", type=Path)
    a.add_argument("--verdicts", type=Path, default=VERDICTS)
    for p in (d, s):
        p.add_argument("--corpus-seed", type=int, default=0, help="benchmarks/semantic.py --seed")
        p.add_argument("--distractors", type=int, default=22000, help="benchmarks/semantic.py --distractors")
        p.add_argument("--set", dest="settings", action="append", default=[], metavar="NAME=VALUE",
                       help="a DetectSettings field, e.g. --set semantic_margin=0.13 (repeatable)")
    args = ap.parse_args(argv)
    try:
        if args.command == "append":
            n = append(args.judged_file, args.verdicts)
            print(f"appended {n} verdicts to {args.verdicts}")
            return 0
        settings = parse_settings(args.settings)
        if args.command == "draw":
            draw(args.out, args.seed, args.semantic, args.translations, settings, args.corpus_seed, args.distractors)
        else:
            score(args.verdicts, settings, args.show, args.unjudged, args.corpus_seed, args.distractors)
    except JudgedError as e:
        print(f"semantic_judged.py: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
