"""Text normalisation and tokenisation, compiled, with a way back to the original.

Detection compares *normalised* tokens but shows evidence in the *original*
text:

* :func:`tokenize` turns a column of texts into flat numpy arrays -- one
  stable 64-bit hash per token (FNV-1a over the token's code points, with a
  splitmix64 finaliser) and the offsets of each post's tokens -- which is
  what blocking and verification need. Normalisation is NFKC, lower-case,
  and removal of URLs and @handles; tokens are runs of letters, digits and
  marks, and each character of a script written without spaces (Han,
  Hiragana, Katakana, Thai) is a token by itself, so character n-grams of
  them play the part word n-grams play elsewhere. One compiled pass does
  all of it straight from the Arrow buffers (:func:`fold_table` says what
  NFKC and lower-casing do to each code point); texts holding characters
  that NFKC may merge with their neighbours go through Arrow's own NFKC,
  lower-case and regex kernels instead, and both paths give the same tokens.
* :func:`char_offsets` maps token numbers back to character offsets in the
  original text for the posts that end up in links; :func:`token_spans` is
  its plain-Python fallback for the texts that take Arrow's path.
* :func:`slice_texts` cuts passages out of the texts by character offsets.

Token hashes are stable across runs and machines, so results never depend
on the order posts were read in.

Modules, each one concept:

==================================  ==============================================
:mod:`~amplify.text.tables`         the rules and the per-code-point tables
:mod:`~amplify.text.buffers`        text columns as Arrow buffers; UTF-8 decoding
:mod:`~amplify.text.scan`           the compiled scanners
:mod:`~amplify.text.tokens`         :func:`tokenize` and the reference path
:mod:`~amplify.text.reference`      the plain-Python tokeniser
:mod:`~amplify.text.spans`          token numbers -> character offsets
:mod:`~amplify.text.slicing`        passages by character offsets
==================================  ==============================================
"""

from amplify.text.buffers import as_arrow_text, decode_utf8, take_texts, text_buffers, text_chunks
from amplify.text.reference import normalize, token_spans
from amplify.text.slicing import slice_texts
from amplify.text.spans import char_offsets, token_offsets
from amplify.text.tables import (LOWER_ALNUM, LOWER_CP, LOWER_NO_SPACE, NO_SPACE_SCRIPTS, STRIP_PATTERN, char_classes,
                                 fold_table, lower_table)
from amplify.text.tokens import Tokens, arrow_tokens, spell_numbers, tokenize, word_prefixes

__all__ = ["Tokens", "tokenize", "as_arrow_text", "normalize", "token_spans", "token_offsets", "char_offsets",
           "slice_texts", "word_prefixes", "spell_numbers", "NO_SPACE_SCRIPTS", "STRIP_PATTERN", "arrow_tokens", "char_classes", "fold_table",
           "lower_table", "LOWER_CP", "LOWER_ALNUM", "LOWER_NO_SPACE", "text_buffers", "text_chunks", "take_texts", "decode_utf8"]
