"""Time references beside a quotation: "last month", "on 8 May", "два дня назад".

A quote published weeks after its source often says when the words were
said; shown beside the evidence, it lets a reader check the link's lag
against the text's own claim. Found near the quoted passage (English and
Russian forms; dates as "8 May", "May 8", "8 мая").
"""

from __future__ import annotations

import re

__all__ = ["time_reference"]

_MONTHS_EN = "January|February|March|April|May|June|July|August|September|October|November|December"
_MONTHS_RU = "января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря"
_DAYS_EN = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_NUMBER = r"\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a few|several"
_PATTERN = re.compile(
    rf"\b(?:(?:[Ll]ast|[Ee]arlier this|[Tt]his|[Pp]ast) (?:week|month|year|spring|summer|autumn|fall|winter|{_DAYS_EN})"
    rf"|[Yy]esterday|the day before|(?:on |in )?(?:{_DAYS_EN})"
    rf"|(?:on |in )?\d{{1,2}} (?:{_MONTHS_EN})(?: \d{{4}})?|(?:on |in )?(?:{_MONTHS_EN}) \d{{1,2}}(?:, \d{{4}})?"
    rf"|(?:in |since )?(?:{_MONTHS_EN})(?: \d{{4}})?"
    rf"|(?:{_NUMBER}) (?:days?|weeks?|months?|years?) ago"
    rf"|(?:{_NUMBER}|[Tt]wo|[Tt]hree|[Ss]everal|A few) (?:days?|weeks?|months?) ago"
    rf"|[Вв] прошлом (?:месяце|году)|[Нн]а прошлой неделе|[Вв]чера|(?:\d{{1,2}} (?:{_MONTHS_RU})(?: \d{{4}})?)"
    rf"|(?:\d{{1,3}}|два|три|несколько) (?:дня|дней|недели|недель|месяца|месяцев) назад)\b")


def time_reference(text: str, start: int, end: int, reach: int = 200) -> str:
    """The time reference nearest the passage ``text[start:end]``, within
    ``reach`` characters before or after it ("" when none).

    Examples
    --------
    >>> t = 'Zhao Lijian said last month that "the US must stop shifting the blame to others".'
    >>> time_reference(t, 34, 80)
    'last month'
    >>> time_reference("No date here.", 0, 5)
    ''
    """
    lo, hi = max(0, start - reach), min(len(text), end + reach)
    best, dist = "", None
    for m in _PATTERN.finditer(text, lo, hi):
        d = start - m.end() if m.end() <= start else (m.start() - end if m.start() >= end else 0)
        if m.start() < start < m.end() or (start <= m.start() < end):
            continue  # inside the quotation: what was said, not when
        if dist is None or d < dist:
            best, dist = m.group(0), d
    return best
