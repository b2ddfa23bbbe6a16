"""Which separator a CSV/TSV header line uses.

>>> sniff_separator('id;"a,b";text', "csv"), sniff_separator("id", "tsv")
(';', '\\t')
>>> separator_of_head(b"sep=|\\nid|text\\n", None), separator_of_head(b"\\n\\nid\\ttext\\n", None)
('|', '\\t')
"""

from __future__ import annotations

import re

__all__ = ["SEPARATORS", "sniff_separator", "separator_of_head"]

#: Separators told apart in a header line; on a tie the comma wins.
SEPARATORS = (",", ";", "\t", "|")


def sniff_separator(header: str, fmt: str) -> str:
    """The separator of a header line: the most frequent of :data:`SEPARATORS` outside quotes.

    """
    counts = {sep: _count_outside_quotes(header, sep) for sep in SEPARATORS}
    if fmt == "tsv" and counts["\t"]:
        return "\t"
    best = max(counts, key=lambda k: (counts[k], k == ","))
    return best if counts[best] else ("\t" if fmt == "tsv" else ",")


def _count_outside_quotes(line: str, ch: str) -> int:
    n, inq = 0, False
    for c in line:
        if c == '"':
            inq = not inq
        elif c == ch and not inq:
            n += 1
    return n


def separator_of_head(head: bytes, fmt: str | None) -> str:
    """The separator from the first bytes of a file: an Excel ``sep=`` line, else the header line's."""
    for raw in head.split(b"\n"):
        line = raw.strip()
        if not line:
            continue
        m = re.fullmatch(rb"sep=(.)", line)
        if m:
            return m.group(1).decode("latin-1")
        return sniff_separator(raw.decode("utf-8", "replace").rstrip("\r"), fmt or "csv")
    return "\t" if fmt == "tsv" else ","
