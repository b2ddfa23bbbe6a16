"""``amplify generate``: write a seeded synthetic corpus with known echoes."""

from __future__ import annotations

import time

import click
import pandas as pd

from amplify.cli.common import note, quiet_option


@click.command("generate")
@click.option("--posts", "n_posts", type=click.IntRange(min=100), default=20000, show_default=True,
              help="Number of posts (exact).")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Random seed: the same seed writes the same files, byte for byte.")
@click.option("--out", "-o", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Folder to write the corpus into (created if needed).")
@click.option("--days", type=click.IntRange(min=2), default=30, show_default=True,
              help="Length of the period in days.")
@click.option("--start", default="2022-01-01", show_default=True, help="First day of the period (UTC).")
@click.option("--surge-term", default="Kazakhstan", show_default=True,
              help="Term planted in a surge week.")
@click.option("--hostile-fraction", type=click.FloatRange(0.0, 1.0), default=0.0, show_default=True,
              help="Share of posts and outlets carrying hostile markup (<script>, onerror=, javascript: ...), "
                   "for testing that rendering escapes it.")
@click.option("--profile", type=click.Choice(["default", "realistic", "heldout"]), default="default",
              show_default=True,
              help="default: the default world (the same bytes per seed). realistic: plus the patterns of real "
                   "text detection gets wrong, with their truth (more posts than --posts). heldout: the same kinds "
                   "from held-out frames, for judging detection work, never for tuning it.")
@quiet_option
def command(n_posts, seed, out_dir, days, start, surge_term, hostile_fraction, profile, quiet):
    """Generate a synthetic corpus with known echoes, to test and benchmark detection.

    The world has outlets in four camps (RU, CN, IR, WEST): ministries,
    diplomats, state media and independent media. Later posts echo earlier ones
    as reposts, verbatim copies, quotes, paraphrases and truncations, in chains
    and viral families; RU and CN amplify each other, two bridge outlets carry
    content between them, WEST only echoes itself, and one week has a surge of
    the surge term. Hard negatives (shared sign-offs, same topic, same person,
    one shared phrase) must not be linked.

    \b
    Files written to --out:
      posts.csv            the posts (canonical columns)
      outlets.csv          outlet, group, kind, name, country, aliases
      truth_links.csv      source_id, target_id, kind, root_id, attributed, lag_s
      truth_negatives.csv  pairs that must not be linked
      truth.json           camps, bridges, surge week, counts, parameters
      truth_spans.csv      (--profile realistic/heldout) reused passages and quotes

    \b
    Example:
      amplify generate --posts 20000 --seed 1 --out corpus
      amplify generate --posts 20000 --seed 1 --profile realistic --out corpus-real
      amplify ingest corpus/posts.csv --outlets corpus/outlets.csv --workspace ws
    """
    from amplify.synth import generate, write_corpus

    problem = _parameter_problem(start, surge_term)
    if problem:
        raise click.BadParameter(problem)
    t0 = time.perf_counter()
    corpus = generate(n_posts=n_posts, seed=seed, start=start, days=days, surge_term=surge_term,
                      hostile_fraction=hostile_fraction, profile=profile)
    t1 = time.perf_counter()
    note(f"generated {n_posts:,} posts in {t1 - t0:.1f} s; writing to {out_dir}", quiet)
    write_corpus(corpus, out_dir)
    note(f"written in {time.perf_counter() - t1:.1f} s", quiet)

    truth = corpus.truth
    counts = truth["counts"]
    camps = "  ".join(f"{c} {info['outlets']}" for c, info in truth["camps"].items())
    kinds = "  ".join(f"{k} {v:,}" for k, v in counts["echoes_by_kind"].items())
    negs = "  ".join(f"{k} {v:,}" for k, v in truth["negatives"]["counts"].items())
    surge = truth["surge"]
    bridges = ", ".join(f"{b['outlet']} ({b['role']})" for b in truth["bridges"])
    click.echo(f"posts:     {counts['posts']:,} ({counts['originals']:,} originals, {counts['echoes']:,} echoes)")
    click.echo(f"outlets:   {counts['outlets']:,}  per camp: {camps}")
    click.echo(f"echoes:    {kinds}")
    click.echo(f"negatives: {negs}")
    click.echo(f"bridges:   {bridges}")
    click.echo(f"surge:     {surge['term']!r} {surge['start'][:10]} .. {surge['end'][:10]}")
    click.echo(f"written:   {out_dir}")


def _parameter_problem(start: str, surge_term: str) -> str | None:
    """What is wrong with the options the click types do not check, in ``generate``'s words; or None.

    Checked here, before generating, so that only the user's mistakes are
    reported as such: a ``ValueError`` from inside ``generate`` is a bug, and
    shows as one.
    """
    from amplify.utc import utc_timestamp

    if not str(surge_term).strip():
        return "surge_term must not be empty"
    try:
        t = utc_timestamp(start)
    except ValueError as exc:  # pandas' words: "Unknown datetime string format, unable to parse: x"
        return str(exc)
    if t is pd.NaT:
        return f"start must be a time (got {start!r})"
    return None
