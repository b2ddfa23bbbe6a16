"""The texts of all posts: originals composed, negatives and hostile markup planted, echoes written.

Texts are written in a fixed order, because each step draws from the run's
generators in turn: the originals' bodies (vectorised, per language), then
the near-miss runs of the hard negatives and the hostile markup of originals,
then the echoes, generation by generation, each from its parent's body or
text. Bodies are kept only as long as an echo still needs them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from amplify.synth.codes import K_PARA, K_QUOTE, K_REPOST, K_TRUNC, K_VERBATIM, SEP
from amplify.synth.composer import Composer, render, render_arrow
from amplify.synth.echo_writers import EchoWriter, cite_forms
from amplify.synth.outlets import domain
from amplify.synth.world import PostPlan, Topics

__all__ = ["PostTexts", "HOSTILE_TEXT", "compose_originals", "plant_hostile", "write_echoes"]

# Hostile markup inserted into posts for render tests: scripts, event handlers,
# javascript: URLs, quotes that break attributes, entities, control characters.
HOSTILE_TEXT = [
    "<script>window.__pwned=1</script>",
    "<img src=x onerror=alert(1)>",
    "javascript:alert(document.cookie)",
    "\"'><svg onload=alert(1)>",
    "&lt;b&gt;not bold&lt;/b&gt; &amp; &quot;quoted&quot; &#39;",
    "\x07\x1b[31mred\x1b[0m\x0b\x0c",
    "</textarea></title><script>window.__pwned=1</script>",
    "{{7*7}} ${7*7} <%= 7*7 %>",
    "\u202egnp.exe\u202c",
    "line\r\nbreak\ttab",
    "<a href=\"javascript:alert(1)\" title='x\" onmouseover=\"alert(1)'>click</a>",
]

# Words per original post: drawn uniformly from this range (end excluded).
_ORIGINAL_WORDS = (30, 47)
# Words per wrapper sentence around a quote.
_WRAPPER_WORDS = (6, 14)
# Originals are composed in chunks of this many posts (bounds the memory of one Arrow join).
_CHUNK = 100_000
# Echo edits: share of attributed quotes, quotes with a closing wrapper
# sentence, platform quote posts, and attributed paraphrases.
_QUOTE_ATTRIBUTED_P = 0.5
_QUOTE_TAIL_P = 0.5
_QUOTE_POST_P = 0.2
_PARA_ATTRIBUTED_P = 0.25
# Share of verbatim copies whose outlet appends its own sign-off.
_VERBATIM_SIGNOFF_P = 0.5


@dataclass
class PostTexts:
    """The bodies and texts being written, and what each post's outlet signs off with.

    Attributes
    ----------
    body, text : list
        Per post (internal order): the body (tokens joined by SEP; None once
        no echo needs it) and the published text.
    lang : ndarray
        Language code per post.
    post_outlet : list of int
        Outlet index per post.
    signoff_on : ndarray of bool
        Posts that carry their outlet's sign-off.
    signoff, signoff_sep : list of str
        Per outlet: its sign-off ("" for none) and what goes before it.
    """

    body: list
    text: list
    lang: np.ndarray
    post_outlet: list
    signoff_on: np.ndarray
    signoff: list
    signoff_sep: list

    @classmethod
    def start(cls, plan: PostPlan, out: pd.DataFrame, signoff_on: np.ndarray) -> PostTexts:
        """No texts yet, for the posts of ``plan``."""
        return cls(body=[None] * plan.n, text=[None] * plan.n, lang=plan.lang, post_outlet=plan.outlet.tolist(),
                   signoff_on=signoff_on, signoff=out["signoff"].tolist(), signoff_sep=out["signoff_sep"].tolist())

    def signed(self, i: int, text: str) -> str:
        """``text`` with post ``i``'s sign-off, if it carries one."""
        o = self.post_outlet[i]
        return text + self.signoff_sep[o] + self.signoff[o] if self.signoff_on[i] and self.signoff[o] else text

    def rerender(self, i: int) -> None:
        """Text of post ``i`` from its (changed) body."""
        self.text[i] = self.signed(i, render(self.body[i], int(self.lang[i])))

    def forget_bodies(self, mask: np.ndarray) -> None:
        """Drop the bodies of the posts in ``mask`` (no echo needs them)."""
        for i in np.flatnonzero(mask).tolist():
            self.body[i] = None

    def take_texts(self) -> list:
        """The texts, handed over: this object keeps neither texts nor bodies (they are large)."""
        text, self.text, self.body = self.text, [], []
        return text


def compose_originals(rng, composer: Composer, plan: PostPlan, topics: Topics, lead_choice: np.ndarray,
                      texts: PostTexts) -> None:
    """Bodies and texts of all originals, composed per language (vectorised)."""
    target = rng.integers(*_ORIGINAL_WORDS, size=plan.n)
    suffix = np.array([sep + so if so else "" for sep, so in zip(texts.signoff_sep, texts.signoff)], dtype=object)
    for lg in range(3):
        idx = np.flatnonzero(plan.is_orig & (plan.lang == lg))
        for a in range(0, len(idx), _CHUNK):
            ch = idx[a:a + _CHUNK]
            bodies = composer.compose(lg, plan.camp[ch], topics.place[ch], topics.noun[ch], topics.person[ch],
                                      target[ch], True, lead_choice[ch])
            sfx = np.where(texts.signoff_on[ch], suffix[plan.outlet[ch]], "")
            rendered = pc.binary_join_element_wise(render_arrow(bodies, lg), pa.array(sfx, pa.string()), "")
            for i, b, t in zip(ch.tolist(), bodies.to_pylist(), rendered.to_pylist()):
                texts.body[i] = b
                texts.text[i] = t


def _insert_hostile(pr: random.Random, toks: list) -> None:
    """One hostile markup string at a random place among ``toks``."""
    toks.insert(pr.randint(0, len(toks)), pr.choice(HOSTILE_TEXT))


def plant_hostile(pr: random.Random, texts: PostTexts, posts: np.ndarray) -> None:
    """Insert hostile markup into the bodies (and texts) of the ``posts`` (originals)."""
    for i in posts.tolist():
        toks = texts.body[i].split(SEP)
        _insert_hostile(pr, toks)
        texts.body[i] = SEP.join(toks)
        texts.rerender(i)


def _quote_wrappers(rng, composer: Composer, plan: PostPlan, topics: Topics) -> dict:
    """Per quote echo, the (lead, tail) sentences around the quote, in the echoer's language and camp rhetoric.

    The lead is about the root's topic, the tail about a fresh one.
    """
    echo_idx = np.flatnonzero(~plan.is_orig)
    qi = echo_idx[plan.kind[echo_idx] == K_QUOTE]
    wrappers = {}
    for lg in range(3):
        q = qi[plan.lang[qi] == lg]
        if not len(q):
            continue
        nq = len(q)
        root = plan.root[q]
        cc = np.concatenate([plan.camp[q], plan.camp[q]])
        tp = np.concatenate([topics.place[root], composer.draw(lg, "PLACE", nq)])
        tn = np.concatenate([topics.noun[root], composer.draw_index(lg, "N", nq)])
        pe = composer.draw(lg, "PER", 2 * nq)
        ws = composer.compose(lg, cc, tp, tn, pe, rng.integers(*_WRAPPER_WORDS, size=2 * nq), lead=False).to_pylist()
        for j, i in enumerate(q.tolist()):
            wrappers[i] = (ws[j], ws[nq + j])
    return wrappers


class _EchoPass:
    """Writes echo texts from their parents' bodies and texts, recording attribution and quote posts."""

    def __init__(self, pr: random.Random, writer: EchoWriter, plan: PostPlan, texts: PostTexts, handles: list,
                 cites: list, wrappers: dict, hostile: np.ndarray):
        self.pr = pr
        self.writer = writer
        self.texts = texts
        self.handles = handles
        self.cites = cites
        self.wrappers = wrappers
        self.hostile = hostile
        self.kind = plan.kind
        self.parent = plan.parent.tolist()
        self.is_parent = plan.is_parent
        self.attributed = np.zeros(plan.n, dtype=bool)
        self.quoted = np.zeros(plan.n, dtype=bool)

    def write(self, i: int) -> None:
        """Text (and, if it is echoed in turn, body) of echo ``i``; its parent is written already."""
        texts = self.texts
        p = self.parent[i]
        k = int(self.kind[i])
        lg = int(texts.lang[i])
        if k == K_REPOST or k == K_VERBATIM:
            t = self._copy(i, p, k, lg)
            b = texts.body[p]
        else:
            b = SEP.join(self._edit(i, p, k, lg))
            t = render(b, lg)
            if k == K_TRUNC:
                t = self.writer.read_more(t, lg, f"https://{domain(self.handles[texts.post_outlet[i]])}/a/{i:x}")
            t = texts.signed(i, t)
        texts.text[i] = t
        texts.body[i] = b if self.is_parent[i] else None

    def _copy(self, i: int, p: int, k: int, lg: int) -> str:
        """A repost's or verbatim copy's text, from the parent's text."""
        texts = self.texts
        if k == K_REPOST:
            t = self.writer.repost(texts.text[p], self.handles[texts.post_outlet[p]])
            self.attributed[i] = t.startswith("RT @")
            return t
        t = self.writer.verbatim(texts.text[p], lg)
        o = texts.post_outlet[i]
        so = texts.signoff[o]
        if texts.signoff_on[i] and so and so not in t and self.pr.random() < _VERBATIM_SIGNOFF_P:
            t = t + texts.signoff_sep[o] + so
        return t

    def _edit(self, i: int, p: int, k: int, lg: int) -> list:
        """A quote's, paraphrase's or truncation's tokens, from the parent's body."""
        pr, writer = self.pr, self.writer
        src = self.texts.body[p].split(SEP)
        cites = self.cites[self.texts.post_outlet[p]]
        if k == K_QUOTE:
            att = pr.random() < _QUOTE_ATTRIBUTED_P
            lead, tail = self.wrappers[i]
            toks = writer.quote(src, lg, pr.choice(cites) if att else None, lead,
                                tail if pr.random() < _QUOTE_TAIL_P else "", att)
            self.attributed[i] = att
            self.quoted[i] = pr.random() < _QUOTE_POST_P
        elif k == K_PARA:
            att = pr.random() < _PARA_ATTRIBUTED_P
            toks = writer.paraphrase(src, lg, pr.choice(cites) if att else None)
            self.attributed[i] = att
        else:
            toks = writer.truncation(src, lg)
        if self.hostile[i]:
            _insert_hostile(pr, toks)
        return toks


def write_echoes(rng, pr: random.Random, composer: Composer, plan: PostPlan, topics: Topics, out: pd.DataFrame,
                 texts: PostTexts, hostile: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Texts of all echoes, generation by generation (a parent is always written before its echoes).

    Returns
    -------
    attributed : ndarray of bool
        Echoes that name their source (``RT @handle``, a name or an alias).
    quoted : ndarray of bool
        Quote echoes posted as platform quote posts (``quoted_id`` set).
    """
    wrappers = _quote_wrappers(rng, composer, plan, topics)
    cites = [cite_forms(n, a, lg) for n, a, lg in zip(out["name"], out["aliases"], out["lang"])]
    echoes = _EchoPass(pr, EchoWriter(pr, composer.T), plan, texts, out["outlet"].tolist(), cites, wrappers, hostile)
    echo_idx = np.flatnonzero(~plan.is_orig)
    for i in echo_idx[np.lexsort((echo_idx, plan.gen[echo_idx]))].tolist():
        echoes.write(i)
    return echoes.attributed, echoes.quoted
