"""Composing post bodies from the compiled vocabulary, and rendering them as text.

A *body* is a post's tokens joined by :data:`~amplify.synth.codes.SEP`; the
published *text* is the body rendered with the spacing of its language
(:func:`render`). Echo edits work on bodies, so that they can cut, swap and
insert whole words and phrases.

:class:`Composer` holds one run's sampling state: the token table extended by
the run's surge term, and a cumulative distribution per (language, category)
in which entries containing the surge term never come up (its rate is planted
by the generator alone). Composition is vectorised: the skeletons of all posts
of one language are expanded, filled and joined in numpy and Arrow at once.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from amplify.synth.codes import SEP, ZH
from amplify.synth.lexicon import CAT_CODE, RANDOM_CATS, token_tables

__all__ = ["Composer", "render", "render_arrow"]

# Skeletons drawn per post: more than any post needs to reach its word count.
_MAX_SENTENCES = 12
# Categories drawn with a mild Zipf law over their written order; the others are
# small closed classes, drawn uniformly so that they do not glue posts together.
_ZIPF_CATS = frozenset(["N", "NS", "TN", "TNS", "A", "V", "VD", "VN", "ADV", "PLACE", "TPLACE"])
_ZIPF_OFFSET, _ZIPF_EXPONENT = 4.0, 0.6
# Share of camp phrases (STOCK, SCL) drawn from the post's own camp; the rest from any camp.
_OWN_CAMP_PHRASE_P = 0.8
# Probability that an optional skeleton slot is dropped.
_OPTIONAL_DROP_P = 0.5


class Composer:
    """One run's vocabulary sampler and body composer.

    Parameters
    ----------
    rng : numpy.random.Generator
        The run's generator; every draw of :meth:`draw`, :meth:`draw_index`
        and :meth:`compose` comes from it.
    surge_term : str
        Added to the token table as one token (:attr:`surge_tok`); vocabulary
        entries containing it get probability 0.
    """

    def __init__(self, rng: np.random.Generator, surge_term: str):
        T = token_tables()
        self.T = T
        self.rng = rng
        self.surge_term = surge_term
        term = surge_term.casefold()
        self.tok = np.array(T.tokens + [surge_term.replace(" ", SEP)], dtype=object)
        self.surge_tok = T.n_static
        self.cap = np.append(T.cap, T.n_static)
        self.tok_pa = pa.array(self.tok.tolist(), pa.string())
        self.cdf = {}
        for (lang, c), ids in T.cat_off.items():
            m = len(ids)
            w = 1.0 / (np.arange(m) + _ZIPF_OFFSET) ** _ZIPF_EXPONENT
            if c not in _ZIPF_CATS:
                w = np.ones(m)
            if term:
                bad = np.array([term in T.tokens[i].replace(SEP, " ").casefold() for i in ids])
                if bad.all():
                    bad[:] = False
                w = np.where(bad, 0.0, w)
            cdf = np.cumsum(w)
            self.cdf[(lang, c)] = cdf / cdf[-1]

    def draw(self, lang: int, cat: str, n: int) -> np.ndarray:
        """Token ids for ``n`` draws from one category."""
        return self.T.cat_off[(lang, cat)][self.draw_index(lang, cat, n)]

    def draw_index(self, lang: int, cat: str, n: int) -> np.ndarray:
        """Indices into the category's entries for ``n`` draws."""
        cdf = self.cdf[(lang, cat)]
        return np.minimum(np.searchsorted(cdf, self.rng.random(n), side="right"), len(cdf) - 1)

    def compose(self, lang, camp, tplace, tnoun, person, target_words, lead=True, lead_choice=None):
        """Vectorised text bodies for one language.

        Parameters
        ----------
        lang : int
            Language code of all the posts.
        camp, tplace, tnoun, person : int arrays, one per post
            Camp (for stock phrases), topic place token id, topic noun index,
            person token id.
        target_words : int array
            Sentences are added until the post has at least this many words.
        lead : bool
            Start with a lead sentence naming the topic (originals) or not
            (wrapper text around quotes).
        lead_choice : int array or None
            Per post, the lead skeleton to use instead of the drawn one (-1: the drawn one).

        Returns
        -------
        pyarrow.StringArray
            Bodies with tokens separated by :data:`SEP`.
        """
        rng = self.rng
        sk = self.T.skeletons[lang]
        n = len(camp)
        if n == 0:
            return pa.array([], pa.string())
        seq = sk.body_ids[rng.integers(len(sk.body_ids), size=(n, _MAX_SENTENCES))]
        if lead:
            first = sk.lead_ids[rng.integers(len(sk.lead_ids), size=n)]
            if lead_choice is not None:
                first = np.where(lead_choice >= 0, lead_choice, first)
            seq = np.column_stack([first, seq])
        cum = np.cumsum(sk.words[seq], axis=1)
        nsent = np.minimum((cum < target_words[:, None]).sum(axis=1) + 1, seq.shape[1])
        mask = np.arange(seq.shape[1])[None, :] < nsent[:, None]
        sel = seq[mask]
        post_of_sent = np.repeat(np.arange(n), nsent)
        lens = sk.lengths[sel]
        total = int(lens.sum())
        sent_start = np.repeat(np.cumsum(lens) - lens, lens)
        pos = np.repeat(sk.starts[sel], lens) + (np.arange(total) - sent_start)
        toks = sk.codes[pos].copy()
        post_of_tok = np.repeat(post_of_sent, lens)
        keep = ~(sk.optional[pos] & (rng.random(total) < _OPTIONAL_DROP_P))
        self._fill_slots(lang, toks, post_of_tok, camp, tplace, tnoun, person)
        if lang != ZH:
            first = np.cumsum(lens) - lens
            toks[first] = self.cap[toks[first]]
        return self._join(toks[keep], post_of_tok[keep], n)

    def _fill_slots(self, lang, toks, post_of_tok, camp, tplace, tnoun, person) -> None:
        """Replace the category codes in ``toks`` by token ids, in place."""
        for c in RANDOM_CATS:
            m = toks == CAT_CODE[c]
            k = int(m.sum())
            if k:
                toks[m] = self.draw(lang, c, k)
        m = toks == CAT_CODE["PER"]
        if m.any():
            toks[m] = person[post_of_tok[m]]
        m = toks == CAT_CODE["TPLACE"]
        if m.any():
            toks[m] = tplace[post_of_tok[m]]
        for c in ("TN", "TNS"):
            m = toks == CAT_CODE[c]
            if m.any():
                toks[m] = self.T.cat_off[(lang, c)][tnoun[post_of_tok[m]]]
        rng = self.rng
        for c in ("STOCK", "SCL"):
            m = toks == CAT_CODE[c]
            k = int(m.sum())
            if k:
                counts = np.array(self.T.lex[lang].camp_counts[c])
                offs = np.concatenate([[0], np.cumsum(counts)[:-1]])
                pcamp = camp[post_of_tok[m]]
                # Each camp draws from its own phrases, or now and then any camp's.
                own = rng.random(k) < _OWN_CAMP_PHRASE_P
                idx = np.where(own, offs[pcamp] + (rng.random(k) * counts[pcamp]).astype(np.int64),
                               (rng.random(k) * counts.sum()).astype(np.int64))
                toks[m] = self.T.cat_off[(lang, c)][idx]

    def _join(self, toks, post_of_tok, n):
        """Token ids -> strings -> one list per post -> joined by SEP, all in Arrow (C++)."""
        ntok = np.bincount(post_of_tok, minlength=n)
        offsets = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(ntok, out=offsets[1:])
        values = self.tok_pa.take(pa.array(toks))
        lists = pa.LargeListArray.from_arrays(pa.array(offsets), values)
        return pc.binary_join(lists, SEP)


_SEP_COMMA, _SEP_STOP, _SEP_COLON = SEP + ",", SEP + ".", SEP + ":"


def render_arrow(bodies, lang: int):
    """:func:`render` for a whole Arrow array of bodies (composed text has only ',' and '.')."""
    if lang == ZH:
        return pc.replace_substring(bodies, SEP, "")
    s = pc.replace_substring(bodies, _SEP_COMMA, ",")
    s = pc.replace_substring(s, _SEP_STOP, ".")
    return pc.replace_substring(s, SEP, " ")


def render(body: str, lang: int) -> str:
    """A body (SEP-separated tokens) as the published text of its language."""
    if lang == ZH:
        return body.replace(SEP, "")
    s = body.replace(_SEP_COMMA, ",").replace(_SEP_STOP, ".")
    if ":" in s:
        s = s.replace(_SEP_COLON, ":")
    if "“" in s:
        s = s.replace("“" + SEP, "“").replace(SEP + "”", "”")
    if "«" in s:
        s = s.replace("«" + SEP, "«").replace(SEP + "»", "»")
    return s.replace(SEP, " ")
