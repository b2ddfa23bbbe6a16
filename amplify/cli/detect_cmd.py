"""``amplify detect``: find echoes among a workspace's posts and store them as a link set."""

from __future__ import annotations

import click

from amplify.cli.common import emit_json, note, quiet_option, workspace_option
from amplify.detect import DetectSettings, SettingsError
from amplify.detect.settings import PRECISE

_DEFAULTS = DetectSettings()  # the option defaults shown in --help
# the slice of --engine spark without --slice: a month holds a few hundred thousand posts of a big corpus
_DEFAULT_SLICE = "30D"
#: The flag of each setting whose name differs from its flag, for error messages.
_FLAG_OF = {"max_posts": "--slice-posts", "min_quote_tokens": "--min-quote-words", "paraphrase_min_dice": "--paraphrase-min-overlap",
            "paraphrase_min_ratio": "--paraphrase-min"}


@click.command("detect")
@workspace_option
@click.option("--window", default=_DEFAULTS.window, show_default=True,
              help="Longest lag between a source and its echo (e.g. 7D, 36h); long quotes: --quote-window.")
@click.option("--quote-window", default=_DEFAULTS.quote_window, show_default=True,
              help="Longest lag for a long quote (a passage of --quote-window-words quoted whole); 0D: none.")
@click.option("--quote-window-words", type=int, default=_DEFAULTS.quote_window_words, show_default=True,
              help="Shortest passage, in words, found past --window.")
@click.option("--min-quote-words", "min_quote_tokens", type=int, default=_DEFAULTS.min_quote_tokens,
              show_default=True, help="Shortest quoted passage, in words (characters for Chinese/Japanese).")
@click.option("--shingle", type=int, default=_DEFAULTS.shingle, show_default=True,
              help="Words per n-gram used for blocking.")
@click.option("--verbatim-min", type=float, default=_DEFAULTS.verbatim_min, show_default=True,
              help="Word-level similarity (0-100) of whole texts for 'verbatim'.")
@click.option("--quote-min", type=float, default=_DEFAULTS.quote_min, show_default=True,
              help="Word-level similarity (0-100) of the aligned passage for 'quote'.")
@click.option("--paraphrase-min-overlap", "paraphrase_min_dice", type=float, default=_DEFAULTS.paraphrase_min_dice,
              show_default=True, help="Share of words in common (Dice, 0-1) for 'paraphrase'.")
@click.option("--paraphrase-min", "paraphrase_min_ratio", type=float, default=_DEFAULTS.paraphrase_min_ratio,
              show_default=True, help="Word-level similarity (0-100) of whole texts for 'paraphrase'.")
@click.option("--reuse-min-coverage", type=float, default=_DEFAULTS.reuse_min_coverage, show_default=True,
              help="Share (0-1) of the shorter text that reused passages must cover together for a 'reuse' link.")
@click.option("--short-paraphrase-cover", type=float, default=_DEFAULTS.short_paraphrase_cover, show_default=True,
              help="Share (0-1) of a short text's words that a paraphrase of it (or by it) must hold in common; "
                   "0: off (Dice alone, as before 0.85 became the default).")
@click.option("--short-words", type=int, default=_DEFAULTS.short_words, show_default=True,
              help="Texts of at most this many words are short: their names, numbers and rare words must agree.")
@click.option("--short-block-words", type=int, default=_DEFAULTS.short_block_words, show_default=True,
              help="Texts of at most this many words are also compared when they share two rare words, not only "
                   "4-word runs (short rewordings; 15 is a good value); 0: off. Off by default: on "
                   "news headlines it also links many same-event headlines.")
@click.option("--event-margin", type=float, default=_DEFAULTS.event_margin, show_default=True,
              help="Short texts: no echo when 2+ posts of other outlets on the same event are as close to the target "
                   "as its source is while the source is this many points (0-100) farther from them (15 is a good "
                   "value); 0: off. Off by default: it also drops real echoes (see the README).")
@click.option("--bare-fact-posts", type=int, default=_DEFAULTS.bare_fact_posts, show_default=True,
              help="Short texts: no echo when this many other posts of the window hold every word the two share "
                   "(the bare fact of an event, in the words every outlet uses).")
@click.option("--restated", type=float, default=_DEFAULTS.restated, show_default=True,
              help="Share (0-1) of a short text's words that must appear in order in the other for it to be "
                   "restated there (a headline reworded inside a reprint's wrapper).")
@click.option("--precise", is_flag=True,
              help="Precision first: " + ", ".join(f"--{k.replace('_', '-')} {v:g}" for k, v in PRECISE.items())
                   + " (each unless given): hand-checked precision about 0.95 where the defaults read 0.87, "
                     "keeping about two thirds of their echoes (see the README).")
@click.option("--rare-share", type=float, default=_DEFAULTS.rare_share, show_default=True,
              help="A word is rare when at most this share of the posts in the window hold it (or --rare-posts).")
@click.option("--rare-posts", "rare_min_posts", type=int, default=_DEFAULTS.rare_min_posts, show_default=True,
              help="A word held by at most this many posts in the window is rare whatever --rare-share says.")
@click.option("--min-contained-words", type=int, default=_DEFAULTS.min_contained_words, show_default=True,
              help="A short text of at least this many words found whole inside another is a quote.")
@click.option("--same-outlet", is_flag=True, help="Also link an outlet echoing itself.")
@click.option("--cross-group-only", is_flag=True, help="Keep only links between different groups (camps).")
@click.option("--semantic/--no-semantic", default=_DEFAULTS.semantic, show_default=True,
              help="Also find echoes in another language ('translation') or in other words ('semantic') with a "
                   "multilingual sentence encoder (offline; embedded once per post, so off by default: "
                   "see the README).")
@click.option("--semantic-same-language", is_flag=True,
              help="With --semantic, also keep same-language restatements ('semantic' links). Off by default: read "
                   "by hand among real news posts, about one in eight was an echo (see the README).")
@click.option("--semantic-min", type=float, default=_DEFAULTS.semantic_min, show_default=True,
              help="Smallest cosine (0-1) of two aligned sentences (with --semantic).")
@click.option("--semantic-margin", type=float, default=_DEFAULTS.semantic_margin, show_default=True,
              help="How much higher (cosine minus their neighbours' mean) two aligned sentences' cosine must be "
                   "than that of their nearest neighbours (with --semantic).")
@click.option("--semantic-min-coverage", type=float, default=_DEFAULTS.semantic_min_coverage, show_default=True,
              help="Share (0-1) of one post that aligned sentences must cover (with --semantic).")
@click.option("--full", is_flag=True, help="Recompute everything instead of only what is new.")
@click.option("--slice", "slice_len", default=None, metavar="DURATION",
              help="Detect in slices of time of this length (e.g. 30D), each read with its halo: the same links in "
                   "memory bounded by the busiest slice; a killed run resumes at its first unwritten slice.")
@click.option("--slice-posts", "slice_posts", type=int, default=None, metavar="N",
              help="With --slice (or --engine spark): cut a slice shorter (whole days) where it and its halo "
                   "would hold more than N posts, so that memory follows N whatever the corpus's density.")
@click.option("--engine", type=click.Choice(["local", "spark"]), default="local", show_default=True,
              help="Run the slices in this process, or on Spark (pip install 'amplify[spark]'; see the README).")
@click.option("--master", default=None, metavar="URL",
              help="Spark master (local[2], spark://host:7077, yarn ...) with --engine spark; default: spark-submit's.")
@click.option("--jobs", type=int, default=1, show_default=True, metavar="N",
              help="With --slice: detect N slices at once, each in its own process (2 keeps both cores busier; "
                   "peak memory grows to about N slices').")
@click.option("--workers", type=int, default=2, show_default=True, help="Threads to use.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@quiet_option
def command(workspace, window, quote_window, quote_window_words, min_quote_tokens, shingle, verbatim_min, quote_min, paraphrase_min_dice,
            paraphrase_min_ratio, reuse_min_coverage, short_paraphrase_cover, short_words, short_block_words, event_margin,
            bare_fact_posts, restated, precise, rare_share, rare_min_posts, min_contained_words, same_outlet,
            cross_group_only, semantic, semantic_same_language, semantic_min, semantic_margin, semantic_min_coverage, full, slice_len, slice_posts, engine, master,
            jobs, workers, fmt, quiet):
    """Find every post that echoes an earlier post of another outlet.

    Links are stored in the workspace as a link set keyed by these settings:
    running again after `amplify ingest` matches only the new posts (against
    each other and against older posts inside the window); other settings make
    another link set instead of mixing results.

    \b
    Example:
      amplify detect --workspace ws
      amplify detect --workspace ws --window 3D --cross-group-only
      amplify detect --workspace ws --quote-window 90D
      amplify detect --workspace ws --precise     # precision first
      amplify detect --workspace ws --semantic    # also translations and restatements
      amplify detect --workspace ws --slice 30D   # bounded memory, resumable
      amplify detect --workspace ws --slice 30D --slice-posts 2000000   # bounded by posts too
      amplify detect --workspace ws --slice 7D --jobs 2   # two slices at once
      amplify detect --workspace ws --engine spark --master 'local[2]'
    """
    from amplify.detect.incremental import detect_workspace
    from amplify.detect.slices import detect_workspace_sliced, parse_slice
    from amplify.workspace import Workspace, WorkspaceError

    # the settings PRECISE names: with --precise its values, except where a flag of the command line says otherwise
    ctx = click.get_current_context()
    given = {k: v if precise and ctx.get_parameter_source(k) is not click.core.ParameterSource.COMMANDLINE
             else ctx.params[k] for k, v in PRECISE.items()}
    try:
        settings = DetectSettings(window=window, quote_window=quote_window, quote_window_words=quote_window_words,
                                  shingle=shingle, min_quote_tokens=min_quote_tokens,
                                  verbatim_min=verbatim_min, quote_min=quote_min,
                                  paraphrase_min_dice=paraphrase_min_dice,
                                  paraphrase_min_ratio=paraphrase_min_ratio,
                                  short_words=short_words, short_block_words=short_block_words, **given,
                                  rare_share=rare_share, rare_min_posts=rare_min_posts,
                                  min_contained_words=min_contained_words, same_outlet=same_outlet,
                                  cross_group_only=cross_group_only, semantic=semantic, semantic_same_language=semantic_same_language,
                                  semantic_min=semantic_min,
                                  semantic_margin=semantic_margin, semantic_min_coverage=semantic_min_coverage)
        if slice_len is not None:
            parse_slice(slice_len)
        if slice_posts is not None and slice_posts < 1:
            raise SettingsError("max_posts", f"must be a positive number of posts (got {slice_posts})")
    except SettingsError as exc:
        flag = _FLAG_OF.get(exc.setting, "--" + exc.setting.replace("_", "-"))
        raise click.UsageError(f"{flag} {exc.problem}") from exc
    if master is not None and engine != "spark":
        raise click.UsageError("--master needs --engine spark")
    if slice_posts is not None and slice_len is None and engine == "local":
        raise click.UsageError("--slice-posts needs --slice (or --engine spark)")
    if jobs < 1:
        raise click.UsageError(f"--jobs must be a positive number of processes (got {jobs})")
    if jobs > 1 and (slice_len is None or engine != "local"):
        raise click.UsageError("--jobs needs --slice (the local engine; Spark runs its own tasks)")
    try:
        ws = Workspace.open(workspace)
        with ws.writer():
            # the set the analyses read before this run: any run that leaves another set the latest changed it
            before = ws.linksets()[-1]["id"] if ws.linksets() else None
            if slice_len is None and engine == "local":
                run = detect_workspace(ws, settings, full=full, workers=workers, progress=not quiet)
            else:
                run = detect_workspace_sliced(ws, settings, slice=slice_len or _DEFAULT_SLICE, full=full,
                                              engine=engine, master=master, workers=workers, progress=not quiet,
                                              max_posts=slice_posts, jobs=jobs)
    except WorkspaceError as exc:
        raise click.ClickException(str(exc)) from exc
    except RuntimeError as exc:  # the Spark engine's EngineError (pyspark or Java missing, a failed job),
        # or a --jobs worker process that died (SliceJobError)
        if type(exc).__name__ not in ("EngineError", "SliceJobError"):
            raise
        raise click.ClickException(str(exc)) from exc
    st = run.stats
    if fmt == "json":
        emit_json({"linkset": run.linkset, "mode": run.mode, "new_posts": run.new_posts,
                   "targets_recomputed": run.targets_recomputed, "links": run.links_total,
                   "links_changed": run.links_changed, "candidate_pairs": st.candidate_pairs,
                   "native_missing": st.native_missing, "ties": st.ties, "seconds": st.seconds,
                   "semantic_links": st.semantic_links, "made_default": before != run.linkset})
        return
    click.echo(str(run))
    if run.mode != "up to date":
        click.echo(f"  {st.candidate_pairs:,} candidate pairs verified, {st.ties:,} tie links "
                   f"(equal timestamps, direction unknown)")
        if st.native_missing:
            note(f"  {st.native_missing:,} repost/quote ids point to posts outside the corpus "
                 f"(or to later posts) and were not linked", quiet)
        click.echo("  " + ", ".join(f"{k} {v:.1f}s" for k, v in st.seconds.items()))


def spark_submit_main(argv=None) -> None:
    """``spark-submit .../amplify/cli/detect_cmd.py --workspace WS [amplify detect options]``:
    ``amplify detect --engine spark`` with the master ``spark-submit`` set."""
    import sys

    from amplify.cli import main
    main(["detect", "--engine", "spark", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    spark_submit_main()
