"""Codes and constants shared by every part of the generator.

Camps, languages and echo kinds are small integers inside the generator (array
indices); their names are what reaches the files. Times inside the generator
are seconds since the start of the period.
"""

from __future__ import annotations

__all__ = [
    "CAMPS",
    "ECHO_KINDS",
    "NEGATIVE_KINDS",
    "RU",
    "CN",
    "IR",
    "WEST",
    "EN",
    "RUS",
    "ZH",
    "LANGS",
    "BR_CN2RU",
    "BR_RU2CN",
    "BRIDGE_CN2RU",
    "BRIDGE_RU2CN",
    "K_REPOST",
    "K_VERBATIM",
    "K_QUOTE",
    "K_PARA",
    "K_TRUNC",
    "SEP",
    "DAY_S",
    "MAX_LAG_S",
    "MIN_LAG_S",
]

#: Camps of the generated world, in a fixed order (index = camp code).
CAMPS = ("RU", "CN", "IR", "WEST")
#: Echo kinds planted, as they appear in ``truth_links.kind``.
ECHO_KINDS = ("repost", "verbatim", "quote", "paraphrase", "truncation")
#: Kinds of hard-negative pairs (posts that must not be linked).
NEGATIVE_KINDS = ("boilerplate", "same_topic", "shared_entity", "near_miss")

RU, CN, IR, WEST = 0, 1, 2, 3
EN, RUS, ZH = 0, 1, 2  # language codes
LANGS = ("en", "ru", "zh")
# Pseudo-camp columns of the echo matrix: "the posts of a bridge outlet".
BR_CN2RU, BR_RU2CN = 4, 5
BRIDGE_CN2RU = "rusemb_beijing"
BRIDGE_RU2CN = "chinaemb_moscow"
# Echo kind codes: indices into ECHO_KINDS.
K_REPOST, K_VERBATIM, K_QUOTE, K_PARA, K_TRUNC = range(5)

SEP = "\x1f"  # token separator inside generated bodies; never reaches the output
DAY_S = 86400
MAX_LAG_S = 7 * DAY_S - 1
MIN_LAG_S = 45  # never zero: a source and its echo never share a timestamp
