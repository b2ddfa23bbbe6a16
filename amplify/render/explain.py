"""One link's evidence for people: a JSON record and an HTML fragment (both texts, passages marked).

:func:`explain_record` is the JSON form of an
:class:`~amplify.analyze.explain.Explanation` (every value plain, the lag in
seconds and in words, each text with its highlighted ranges);
:func:`explain_html` is a self-contained HTML fragment -- a ``<section>``
with its own small style sheet -- that a page, the report or a notebook can
show as it is. Every piece of data text is escaped (``html.escape``), control
and bidi-override characters are shown as ``\\xNN`` / ``\\uNNNN`` instead of
acting, so a hostile post cannot add markup, run script or reorder the page.

>>> from amplify.analyze.explain import Explanation
>>> ex = Explanation(link={"kind": "quote", "score": 97.0, "lag_s": 11520.0, "attributed": True,
...     "is_parent": True, "tie": False, "source_coverage": 0.5, "target_coverage": 0.25},
...     source={"post_id": "1", "outlet": "mfa", "text": "<b>talks</b> went well"},
...     target={"post_id": "2", "outlet": "tass", "text": "TASS: talks went well"},
...     passages=[(3, 21, 6, 21)])
>>> explain_record(ex)["lag"]
'3 h 12 min'
>>> "<b>talks" in explain_html(ex), "&lt;b&gt;" in explain_html(ex)
(False, True)
"""

from __future__ import annotations

import html

import re

from amplify.analyze.ties import CONTAINED_SHARE
from amplify.render.readable import fmt_days, fmt_lag, fmt_time
from amplify.render.textsafe import ACTING_CHARS, clean_text, escape_of, is_missing, jsonable

__all__ = ["explain_record", "explain_html", "kind_sentence", "tie_words", "also_when", "KIND_SENTENCES",
           "EVIDENCE_WORDS", "EXPLAIN_CSS"]

#: What each link kind says, in words (kinds added later fall back on their name).
KIND_SENTENCES = {
    "repost": "a platform repost of the source (no text matching needed)",
    "quote_post": "a platform quote post of the source",
    "verbatim": "the whole text copied, near-identical",
    "quote": "a passage of the source quoted inside the target",
    "reuse": "several lightly edited passages of the source reused",
    "paraphrase": "the source restated: most of its words, whatever the order",
    "template": "the same frame with other facts: NOT an echo",
    "translation": "the source translated",
    "semantic": "the same meaning in other words",
}

#: The evidence that directs a tie (:data:`amplify.analyze.ties.EVIDENCE`), in words.
EVIDENCE_WORDS = {
    "platform": "the platform's repost or quote id",
    "attribution": "attribution (the echo names the original's outlet, not the other way round)",
    "containment": "containment plus a name (the echo holds the original's whole text, and more, and names an outlet)",
}

#: A share of a text at least this large inside the passages counts as the whole text: the tie rule's own.
_WHOLE = CONTAINED_SHARE


#: The fragment's style sheet (scoped to ``.amp-explain``); pages that show many fragments include it once.
EXPLAIN_CSS = """
.amp-explain{font:14px/1.45 system-ui,sans-serif;color:#222;max-width:100%}
.amp-explain h3{font-size:15px;margin:.2em 0 .4em}
.amp-explain dl{display:grid;grid-template-columns:max-content 1fr;gap:.15em .8em;margin:.3em 0 .8em}
.amp-explain dt{color:#555}.amp-explain dd{margin:0}
.amp-explain .amp-sides{display:grid;grid-template-columns:1fr 1fr;gap:1em}
.amp-explain .amp-side h4{font-size:13px;margin:.2em 0;color:#333}
.amp-explain .amp-text{white-space:pre-wrap;overflow-wrap:anywhere;max-height:24em;overflow:auto;
  border:1px solid #ccc;border-radius:4px;padding:.5em;background:#fafafa;unicode-bidi:plaintext}
.amp-explain mark{background:#ffe08a;color:#000;border-radius:2px;padding:0 1px}
.amp-explain mark.amp-p2{background:#a6dcf0}.amp-explain mark.amp-p3{background:#c8e6a0}
.amp-explain mark.amp-p4{background:#f5c1d6}.amp-explain mark.amp-many{background:#f9b26b}
.amp-explain .amp-ctl{color:#a00;font-family:monospace;font-size:90%}
.amp-explain .amp-warn{color:#a00;font-weight:600}
.amp-explain ul{margin:.2em 0 .6em 1.2em;padding:0}
.amp-explain table.amp-aligned{border-collapse:collapse;margin:.3em 0 .8em;width:100%}
.amp-explain table.amp-aligned td,.amp-explain table.amp-aligned th{border-top:1px solid #ddd;padding:.2em .4em;
  vertical-align:top;text-align:left;unicode-bidi:plaintext}
@media (max-width:700px){.amp-explain .amp-sides{grid-template-columns:1fr}}
"""


def kind_sentence(kind, *, swap: bool = False) -> str:
    """``'quote'`` -> ``'quote: a passage of the source quoted inside the target'``.

    ``swap`` exchanges "source" and "target" in the sentence: for a tie the
    analyses read the other way (or one whose passages show the target held
    whole inside the source), the stored row's source is not the original.

    >>> kind_sentence("quote", swap=True)
    'quote: a passage of the target quoted inside the source'
    """
    kind = clean_text(kind)
    said = KIND_SENTENCES.get(kind)
    if said and swap:
        said = re.sub(r"source|target", lambda m: "target" if m.group() == "source" else "source", said)
    return f"{kind}: {said}" if said else kind


def _same(tie: dict) -> str:
    """``'same day'``, ``'same hour'`` ... or ``'same timestamp'``: what one tie's two times share."""
    unit = tie.get("unit")
    if tie.get("same_time") and unit in (None, "second", "subsecond"):
        return "same timestamp"
    return f"same {unit}" if unit else "same timestamp"


def _swapped(ex) -> bool:
    """Whether the kind's sentence reads the other way round (see :func:`kind_sentence`)."""
    tie = getattr(ex, "tie", None)
    if not tie:
        return False
    if tie.get("this_way") is not None:
        return not tie["this_way"]
    # undirected: the stored order is arbitrary; when one text is held whole inside the other, say it that
    # way round (the held text is the quoted one), else as stored (and :func:`_kind_says` says it is a guess)
    return _containment(ex.link) == "the source holds the whole target, and more"


def _kind_says(ex) -> str:
    """The kind in words, the right way round for a tie, and marked when the analyses do not direct it."""
    said = kind_sentence(ex.link.get("kind"), swap=_swapped(ex))
    tie = getattr(ex, "tie", None)
    if tie and tie.get("this_way") is None and said != clean_text(ex.link.get("kind")):
        said += " (an undirected tie: which way is not known)"
    return said


def _containment(link: dict) -> str | None:
    """Which text holds the other whole, by the share of each inside the passages (None: neither)."""
    sc, tc = (link.get(k) for k in ("source_coverage", "target_coverage"))
    if sc is None or tc is None or is_missing(sc) or is_missing(tc):
        return None
    sc, tc = float(sc), float(tc)
    if sc >= _WHOLE and tc >= _WHOLE:
        return "each text is nearly whole inside the other"
    if sc >= _WHOLE:
        return "the target holds the whole source, and more"
    if tc >= _WHOLE:
        return "the source holds the whole target, and more"
    return None


def tie_words(ex) -> dict | None:
    """A tie in words, as the analyses read it; None for a link that is not a tie.

    Keys: ``lag`` (``'same day (order unknown)'`` instead of ``'0 s'``),
    ``tie`` (why time cannot order the posts), ``direction`` (whether and how
    the analyses direct it, and which way), ``containment`` (which text holds
    the other whole, or None), ``source_label`` and ``target_label`` (what
    each side is: never "earlier" or "later").

    >>> from amplify.analyze.explain import Explanation
    >>> ex = Explanation(link={"kind": "quote", "lag_s": 0.0, "tie": True, "source_coverage": 1.0,
    ...     "target_coverage": 0.5}, source={"post_id": "u1", "outlet": "ukrinform"},
    ...     target={"post_id": "c1", "outlet": "censor"}, tie={"unit": "day", "same_time": True,
    ...     "coarse_outlets": ["ukrinform", "censor"], "direction": "containment", "this_way": True,
    ...     "analyses_source": "u1", "analyses_target": "c1"})
    >>> w = tie_words(ex)
    >>> w["lag"], w["source_label"]
    ('same day (order unknown)', 'same day; the original in the analyses')
    >>> w["direction"][:62]
    'the analyses direct it this way, ukrinform → censor, by contai'
    """
    tie = getattr(ex, "tie", None)
    if not tie:
        return None
    same = _same(tie)
    outlets = [clean_text(o) for o in tie.get("coarse_outlets") or []]
    unit = tie.get("unit")
    if tie.get("same_time"):
        lag = f"{same} (order unknown)"
        if unit == "day" and outlets:
            why = (f"{same}: {' and '.join(outlets)} give{'s' if len(outlets) == 1 else ''} dates only, "
                   f"so time cannot say which post came first")
        else:
            why = f"{same}: time cannot say which post came first"
    else:   # different recorded times that the coarser outlet's resolution cannot order
        recorded = fmt_lag(ex.link.get("lag_s"))
        lag = f"{recorded} by the recorded times, within one {unit} (order unknown)"
        who = " and ".join(outlets) or "an outlet"
        gives = "dates" if unit == "day" else f"times to the {unit}"
        why = (f"{same}: {who} give{'s' if len(outlets) <= 1 else ''} {gives} only, so the "
               f"{recorded} between the recorded times cannot say which post came first")
    src, tgt = clean_text(ex.source.get("outlet")), clean_text(ex.target.get("outlet"))
    way = tie.get("this_way")
    how = EVIDENCE_WORDS.get(tie.get("direction"), clean_text(tie.get("direction")))
    if way is None:
        direction = ("the analyses do not direct it (no evidence singles out one side): an undirected "
                     "co-publication of the two outlets, counted apart from echoes and never a parent")
        roles = ("", "")
    elif way:
        direction = f"the analyses direct it this way, {src} → {tgt}, by {how}; it counts as an echo"
        roles = ("; the original in the analyses", "; the echo in the analyses")
    else:
        direction = (f"the analyses direct it the other way, {tgt} → {src}, by {how}: "
                     f"`amplify explain {clean_text(ex.target.get('post_id'))} "
                     f"{clean_text(ex.source.get('post_id'))}`; this row is not a link in the analyses")
        roles = ("; the echo in the analyses", "; the original in the analyses")
    return {"lag": lag, "tie": why, "direction": direction + "; --no-ties leaves ties out",
            "containment": _containment(ex.link), "source_label": same + roles[0], "target_label": same + roles[1]}


def lag_words(ex) -> str:
    """The link's lag as recorded, in days when either post's time is a date (``time_unit`` ``day``):
    a date read as midnight makes any finer lag up."""
    src, tgt = (ex.source.get("time_unit") == "day"), (ex.target.get("time_unit") == "day")
    return fmt_days(ex.link.get("lag_s"), src, tgt) if src or tgt else fmt_lag(ex.link.get("lag_s"))


def also_when(a: dict) -> str:
    """When one of the target's other sources was published: ``'3 h earlier'``, or a tie as the analyses read it."""
    if not a.get("tie"):
        return f"{fmt_lag(a.get('lag_s'))} earlier"
    d = a.get("direction")
    said = {"reversed": "read the other way", "undirected": "undirected"}.get(d) or f"directed here by {d}"
    return f"tied, order unknown (the analyses: {said})"


def _pct(v) -> str | None:
    return None if v is None or is_missing(v) else f"{100 * float(v):.0f} %"


def _side_record(ex, side: str) -> dict:
    rec = {k: jsonable(v) for k, v in getattr(ex, side).items()}
    rec["highlights"] = []
    pos = 0
    for piece, covering in ex.segments(side):
        if covering:
            rec["highlights"].append({"start": pos, "end": pos + len(piece), "passages": list(covering)})
        pos += len(piece)
    return rec


def explain_record(ex) -> dict:
    """The JSON form of an :class:`~amplify.analyze.explain.Explanation` (plain values only).

    Keys: ``linkset``, ``link`` (every link column), ``kind_says``, ``lag``
    (in words), ``source`` and ``target`` (post, outlet, camp, time, whole
    text and ``highlights``: character ranges with the passage numbers that
    cover them), ``passages``, ``parent`` and ``also`` (the target's other
    sources, as the analyses read them), and ``tie`` (None, or the
    :attr:`~amplify.analyze.explain.Explanation.tie` record with ``says``,
    ``direction_says`` and ``containment`` in words). For a tie, ``lag`` and
    ``kind_says`` say it as the analyses read it (no "0 s").
    """
    link = {k: jsonable(v) for k, v in ex.link.items()}
    words = tie_words(ex)
    tie = getattr(ex, "tie", None)
    return {"linkset": ex.linkset, "link": link, "kind_says": _kind_says(ex),
            "lag": words["lag"] if words else lag_words(ex),
            "source": _side_record(ex, "source"), "target": _side_record(ex, "target"),
            "passages": [list(p) for p in ex.passages],
            "parent": jsonable(ex.parent),
            "also": jsonable([{**a, "lag": also_when(a) if a.get("tie") else fmt_lag(a.get("lag_s"))}
                              for a in ex.also]),
            "parents": jsonable(getattr(ex, "parents", [])), "answers": jsonable(getattr(ex, "answers", [])),
            "aligned": _aligned_record(ex),
            "tie": jsonable({**tie, "says": words["tie"], "direction_says": words["direction"],
                             "containment": words["containment"]}) if tie else None}


def _aligned_record(ex) -> list:
    """A translation or semantic link's aligned sentences: both texts and their cosine."""
    from amplify.analyze.explain import aligned_pairs

    src, tgt = ex.source.get("text") or "", ex.target.get("text") or ""
    return [{"passage": i + 1, "source": src[a:b], "target": tgt[c:d], "cosine": v / 100}
            for i, (a, b, c, d, v) in enumerate(aligned_pairs(ex.link))]


def _esc(v) -> str:
    """Data text as HTML: escaped, and characters that would act shown as escapes."""
    text = clean_text(v)
    out, pos = [], 0
    for m in ACTING_CHARS.finditer(text):
        out.append(html.escape(text[pos:m.start()]))
        out.append(f'<span class="amp-ctl">{escape_of(m.group())}</span>')
        pos = m.end()
    out.append(html.escape(text[pos:]))
    return "".join(out)


def _text_html(ex, side: str) -> str:
    parts = []
    for piece, covering in ex.segments(side):
        if not covering:
            parts.append(_esc(piece))
            continue
        cls = f"amp-p{(covering[0] - 1) % 4 + 1}" if len(covering) == 1 else "amp-many"
        title = "passage " + ", ".join(str(c) for c in covering)
        parts.append(f'<mark class="{cls}" title="{title}">{_esc(piece)}</mark>')
    return "".join(parts)


def _who(rec: dict) -> str:
    name = rec.get("name")
    camp = rec.get("group")
    bits = [f"<b>{_esc(rec.get('outlet'))}</b>"]
    if name and name != rec.get("outlet"):
        bits.append(f"({_esc(name)})")
    if camp:
        bits[-1] += ","
        bits.append(f"camp {_esc(camp)}")
    return " ".join(bits)


def _source_line(a: dict) -> str:
    score = "" if a.get("score") is None or is_missing(a.get("score")) else f", score {float(a['score']):.0f}"
    return (f"<li>{_esc(a.get('outlet'))} post <code>{_esc(a.get('source_id'))}</code>: {_esc(a.get('kind'))}"
            f"{score}, {_esc(also_when(a))}{' (parent)' if a.get('is_parent') else ''}</li>")


def explain_html(ex, *, css: bool = True) -> str:
    """An HTML fragment showing one link: the verdict, both texts whole with passages marked, the context.

    Parameters
    ----------
    ex : amplify.analyze.explain.Explanation
    css : bool, default True
        Start with the fragment's ``<style>`` (pages showing many fragments
        put :data:`EXPLAIN_CSS` once in their head and pass ``css=False``).
    """
    link = ex.link
    kind = link.get("kind")
    words = tie_words(ex)
    said = _kind_says(ex)
    rows = [("kind", _esc(said) if kind != "template" else f'<span class="amp-warn">{_esc(said)}</span>')]
    if link.get("score") is not None and not is_missing(link.get("score")):
        rows.append(("score", f"{float(link['score']):.0f} of 100"))
    cov = [c for c in (_pct(link.get("source_coverage")), _pct(link.get("target_coverage")))]
    if any(cov):
        held = f": {words['containment']}" if words and words["containment"] else ""
        rows.append(("coverage", f"{cov[0] or '–'} of the source, {cov[1] or '–'} of the target inside matched "
                                 f"passages{_esc(held)}"))
    rows.append(("passages", f"{len(ex.passages)} matched" if ex.passages else "none (a platform link)"))
    if words:   # a tie: no lag to speak of, and the analyses' reading of it
        rows.append(("lag", _esc(words["lag"])))
        rows.append(("tie", _esc(words["tie"])))
        rows.append(("direction", _esc(words["direction"])))
    else:
        lag = lag_words(ex)
        rows.append(("lag", _esc(lag) + (" (same timestamp: the direction is not known)" if link.get("tie") else "")))
    rows.append(("attribution", "the target names the source's outlet or speaker" if link.get("attributed")
                 else "the target does not name the source's outlet or speaker"))
    if link.get("time_reference"):
        rows.append(("said when", f"the target says &ldquo;{_esc(link['time_reference'])}&rdquo;"))
    for i, ans in enumerate(getattr(ex, "answers", []) or []):
        if ans:
            q = f": the answer to &ldquo;{_esc(ans['question'])}&rdquo;" if ans.get("question") else ""
            rows.append((f"passage {i + 1}", f"paragraph {ans['paragraph']} of the source{q}"))
    others = [p for p in (getattr(ex, "parents", []) or []) if not p.get("is_this_link")]
    if others and ex.parent is not None and ex.parent.get("is_this_link"):
        rows.append(("other parents", "the target quotes other passages from "
                     + ", ".join(f"{_esc(p.get('outlet'))} <code>{_esc(p.get('source_id'))}</code>" for p in others)))
    if ex.parent is None:
        rows.append(("parent", "the target has no parent"))
    elif ex.parent.get("is_this_link"):
        rows.append(("parent", "this source is the target's most likely direct source"))
    else:
        rows.append(("parent", f"the target's most likely direct source is another post: {_esc(ex.parent.get('outlet'))} "
                               f"<code>{_esc(ex.parent.get('source_id'))}</code>"))
    dl = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
    sides = []
    labels = ((f"Source ({words['source_label']})", f"Target ({words['target_label']})") if words
              else ("Source (earlier)", "Target (later)"))
    for (side, label) in zip(("source", "target"), labels):
        rec = getattr(ex, side)
        sides.append(f'<div class="amp-side"><h4>{_esc(label)}: {_who(rec)}, {_esc(fmt_time(rec.get("published_at"), rec.get("time_unit")))}, '
                     f'post <code>{_esc(rec.get("post_id"))}</code></h4>'
                     f'<div class="amp-text" dir="auto">{_text_html(ex, side)}</div></div>')
    aligned = ""
    pairs = _aligned_record(ex)
    if pairs:  # the sentences the semantic stage aligned, side by side: the evidence of a translation
        body = "".join(f'<tr><td>{p["passage"]}</td><td dir="auto">{_esc(p["source"])}</td>'
                       f'<td dir="auto">{_esc(p["target"])}</td><td>{p["cosine"]:.2f}</td></tr>' for p in pairs)
        aligned = (f'<h4>Aligned sentences ({len(pairs)})</h4><table class="amp-aligned"><thead><tr><th>#</th>'
                   f"<th>source</th><th>target</th><th>cosine</th></tr></thead><tbody>{body}</tbody></table>")
    also = ""
    if ex.also:
        when = "earlier or tied" if any(a.get("tie") for a in ex.also) else "earlier"
        also = (f"<h4>The target also matches {len(ex.also)} other {when} post{'s' if len(ex.also) != 1 else ''}</h4>"
                f"<ul>{''.join(_source_line(a) for a in ex.also[:20])}</ul>")
        if len(ex.also) > 20:
            also += f"<p>… and {len(ex.also) - 20} more</p>"
    style = f"<style>{EXPLAIN_CSS}</style>" if css else ""
    return (f'{style}<section class="amp-explain"><h3>{_esc(ex.source.get("outlet"))} → {_esc(ex.target.get("outlet"))}'
            f"</h3><dl>{dl}</dl><div class=\"amp-sides\">{''.join(sides)}</div>{aligned}{also}</section>")
