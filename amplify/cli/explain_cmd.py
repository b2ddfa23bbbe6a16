"""``amplify explain SOURCE_ID TARGET_ID``: one link with both texts whole and every matched passage marked.

A thin layer over :func:`amplify.analyze.explain.explain_link`: the terminal
form marks passages with numbered brackets (and, on a terminal, reverse
video) and shows control characters escaped; ``--format json`` is
:func:`amplify.render.explain.explain_record`; ``--format html`` is the
escaped fragment of :func:`amplify.render.explain.explain_html`.
"""

from __future__ import annotations

import json
import sys

import click

from amplify.cli.common import terminal_safe, workspace_option
from amplify.io import atomic_output

__all__ = ["command", "explain_text"]


def _mark(piece: str, covering: tuple, color: bool) -> str:
    # a line break inside a passage stays a line break: each line is made terminal-safe apart
    safe = "\n".join(terminal_safe(line) for line in piece.split("\n"))
    if not covering:
        return safe
    tag = ",".join(str(c) for c in covering)
    body = f"\x1b[7m{safe}\x1b[27m" if color else safe
    return f"[{tag}›{body}‹{tag}]"


def explain_text(ex, color: bool = False) -> str:
    """The terminal form of an :class:`~amplify.analyze.explain.Explanation` (data text made terminal-safe)."""
    from amplify.render.explain import also_when, explain_record, tie_words
    from amplify.render.readable import fmt_time

    rec = explain_record(ex)
    link = rec["link"]
    words = tie_words(ex)      # a tie: said as the analyses read it, never "earlier" / "later"

    def who(side):
        r = rec[side]
        camp = f", camp {r.get('group')}" if r.get("group") else ""
        when = fmt_time(getattr(ex, side).get("published_at"), getattr(ex, side).get("time_unit"))
        return terminal_safe(f"{r.get('outlet')}{camp}, post {r.get('post_id')}, {when}", collapse_breaks=True)

    lines = [f"{terminal_safe(rec['source'].get('outlet'), collapse_breaks=True)} → "
             f"{terminal_safe(rec['target'].get('outlet'), collapse_breaks=True)}  (link set {rec['linkset']})",
             f"  kind         {terminal_safe(rec['kind_says'])}"]
    if link.get("score") is not None:
        lines.append(f"  score        {link['score']:.0f} of 100")
    sc, tc = link.get("source_coverage"), link.get("target_coverage")
    if sc is not None or tc is not None:
        pct = [("–" if v is None else f"{100 * v:.0f} %") for v in (sc, tc)]
        held = f": {words['containment']}" if words and words["containment"] else ""
        lines.append(f"  coverage     {pct[0]} of the source, {pct[1]} of the target inside matched passages"
                     + terminal_safe(held, collapse_breaks=True))
    lines.append(f"  passages     {len(ex.passages) or 'none (a platform link)'}")
    if words:
        lines.append("  lag          " + terminal_safe(words["lag"], collapse_breaks=True))
        lines.append("  tie          " + terminal_safe(words["tie"], collapse_breaks=True))
        lines.append("  direction    " + terminal_safe(words["direction"], collapse_breaks=True))
    else:
        lines.append(f"  lag          {rec['lag']}" + (" (same timestamp: direction unknown)" if link.get("tie") else ""))
    lines.append("  attribution  " + ("the target names the source's outlet or speaker" if link.get("attributed")
                                      else "the target does not name the source's outlet or speaker"))
    if link.get("time_reference"):
        lines.append("  said when    the target says " + terminal_safe(f"\"{link['time_reference']}\"",
                                                                      collapse_breaks=True))
    for i, ans in enumerate(rec.get("answers") or []):
        if ans:
            q = f": the answer to {ans['question']!r}" if ans.get("question") else ""
            lines.append(f"  passage {i + 1}    " + terminal_safe(f"paragraph {ans['paragraph']} of the source{q}",
                                                                collapse_breaks=True)[:300])
    par = rec["parent"]
    if par is None:
        lines.append("  parent       the target has no parent")
    elif par.get("is_this_link"):
        lines.append("  parent       this source is the target's most likely direct source")
    else:
        lines.append("  parent       another post: " + terminal_safe(f"{par.get('outlet')} {par.get('source_id')}",
                                                                   collapse_breaks=True))
    others = [p for p in rec.get("parents") or [] if not p.get("is_this_link")]
    if others and par is not None and par.get("is_this_link"):
        lines.append("  also parents " + terminal_safe(", ".join(f"{p.get('outlet')} {p.get('source_id')}"
                                                                 for p in others), collapse_breaks=True)
                     + " (other passages of the target)")
    labels = ((f"SOURCE ({words['source_label']})", f"TARGET ({words['target_label']})") if words
              else ("SOURCE (earlier)", "TARGET (later)"))
    for side, label in zip(("source", "target"), labels):
        lines += ["", terminal_safe(label, collapse_breaks=True) + f": {who(side)}",
                  "".join(_mark(p, c, color) for p, c in ex.segments(side))]
    if rec["also"]:
        when = "earlier or tied" if any(a.get("tie") for a in rec["also"]) else "earlier"
        lines += ["", f"The target also matches {len(rec['also'])} other {when} post(s):"]
        for a in rec["also"][:20]:
            score = "" if a.get("score") is None else f", score {a['score']:.0f}"
            lines.append("  " + terminal_safe(f"{a.get('outlet')} post {a.get('source_id')}: {a.get('kind')}{score}, "
                                              f"{also_when(a)}{' (parent)' if a.get('is_parent') else ''}",
                                              collapse_breaks=True))
    return "\n".join(lines) + "\n"


@click.command("explain")
@click.argument("source_id")
@click.argument("target_id")
@workspace_option
@click.option("--format", "fmt", type=click.Choice(["text", "json", "html"]), default="text", show_default=True,
              help="text for the terminal, json for scripts, html for a fragment to paste into a page.")
@click.option("--out", "-o", type=click.Path(dir_okay=False, readable=False), help="Write to this file instead of standard output.")
@click.option("--linkset", help="Link set id (see `amplify info`); default: the latest.")
def command(source_id, target_id, workspace, fmt, out, linkset):
    """Show one link whole: both texts, every matched passage marked in both, and why it was linked.

    Prints the kind (in words), the score, how much of each text the matched
    passages cover, the lag in words, whether the target names its source, the
    target's parent, and the other earlier posts the target also matches.
    SOURCE_ID and TARGET_ID are post ids (the source_id and target_id columns
    of `amplify links`).

    \b
    Example:
      amplify explain 1840 1912 --workspace ws
      amplify explain 1840 1912 --workspace ws --format html --out link.html
    """
    from amplify.analyze.explain import explain_link
    from amplify.render.explain import explain_html, explain_record
    from amplify.workspace import Workspace

    ex = explain_link(Workspace.open(workspace), source_id, target_id, linkset=linkset)
    if fmt == "json":
        text = json.dumps(explain_record(ex), ensure_ascii=False, indent=1) + "\n"
    elif fmt == "html":
        text = explain_html(ex) + "\n"
    else:
        text = explain_text(ex, color=not out and sys.stdout.isatty())
    if out:
        with atomic_output(out, "w") as fh:
            fh.write(text)
        click.echo(f"wrote the link {source_id} → {target_id} to {out}", err=True)
    else:
        click.echo(text, nl=False, color=True if fmt == "text" and sys.stdout.isatty() else None)
