"""Which language each post is written in, identified offline.

The semantic stage of detection calls a link between posts of two languages
a ``translation`` and one within a language ``semantic``, so every post needs
a language even when its source gave none. :func:`identify_languages` asks
py3langid (a naive Bayes model over byte n-grams, 97 languages, shipped inside
the package: nothing is downloaded) about the first :data:`PREFIX_CHARS`
characters of each text. A text too short or without letters to tell gets
:data:`UNDETERMINED` (``"und"``, ISO 639-2's code for it).

Examples
--------
>>> identify_languages(["乡村振兴，人才是关键。", "Talent is the key to rural revitalization.",
...                     "Переговоры продолжатся в понедельник.", "12:45"]).tolist()
['zh', 'en', 'ru', 'und']
"""

from __future__ import annotations

import functools
import re

import numpy as np

__all__ = ["identify_languages", "UNDETERMINED", "PREFIX_CHARS", "MIN_LETTERS"]

#: The code of a text whose language cannot be told.
UNDETERMINED = "und"
#: Characters of each text the model reads: a language shows in its first sentences,
#: and reading a whole article costs time for nothing.
PREFIX_CHARS = 600
#: A text with fewer letters than this is too short to tell (one Han character counts as three,
#: as a Chinese word is one to three characters).
MIN_LETTERS = 6


@functools.lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier  # the model ships with the package

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=False)


_KANA = re.compile(r"[\u3040-\u30ff]")
_CHINESE = {"wuu", "yue", "gan", "hak", "nan", "cdo", "lzh", "cjy", "hsn"}


def _letters(text: str) -> int:
    n = 0
    for ch in text:
        if ch.isalpha():
            n += 3 if "\u3040" <= ch <= "\u9fff" else 1
    return n


def identify_languages(texts) -> np.ndarray:
    """The language of each text: an ISO 639-1 code (``"en"``, ``"ru"``, ``"zh"``), or ``"und"``.

    Parameters
    ----------
    texts : iterable of str (None or NA for a missing text)

    Returns
    -------
    ndarray of object, one code per text.
    """
    ident = _identifier()
    out = []
    for text in texts:
        if not isinstance(text, str):
            out.append(UNDETERMINED)
            continue
        head = text[:PREFIX_CHARS]
        if _letters(head) < MIN_LETTERS:
            out.append(UNDETERMINED)
            continue
        lang = ident.classify(head)[0]
        # the model calls short Chinese headlines Japanese or Wu; Japanese is written with kana,
        # and a Chinese variety in writing is Chinese to a reader (and to the encoder)
        if lang in _CHINESE or (lang == "ja" and not _KANA.search(head)):
            lang = "zh"
        out.append(lang)
    return np.asarray(out, dtype=object)
