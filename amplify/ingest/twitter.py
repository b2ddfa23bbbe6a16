"""Twitter/X exports: API v2 response pages, and v1.1 tweet objects.

**API v2** (``GET /2/tweets/search/...``, timelines, lookups): a JSON file
holding one page or a list of pages, or JSON Lines with one page per line. A
page is ``{"data": [tweets], "includes": {"users": [...], "tweets": [...]},
"meta": {...}}``. Each tweet becomes a post:

* ``outlet`` -- the author's ``username``, found through ``author_id`` in
  ``includes.users`` (of any page in the file);
* ``referenced_tweets`` of type ``retweeted`` / ``quoted`` / ``replied_to``
  -> ``reposted_id`` / ``quoted_id`` / ``replied_id``;
* ``text`` -- ``note_tweet.text`` (the whole long post) when present, else ``text``;
* ``url`` -- ``https://x.com/<username>/status/<id>``; ``lang`` as given.

Tweets in ``includes.tweets`` (the originals that the requested tweets
retweet, quote or answer) are posts too, so a retweet links to its source;
ones that lack a time or an author (fields not requested) are skipped and
counted. Rows are numbered in file order: each page's ``data`` tweets, then
its ``includes.tweets``.

**v1.1** tweet objects (``id_str``, ``user.screen_name``, ``created_at`` like
``Wed Oct 10 20:19:24 +0000 2018``, ``full_text``/``extended_tweet``,
``retweeted_status``, ``quoted_status``, ``in_reply_to_status_id_str``) as a
JSON list, ``{"statuses": [...]}`` or JSON Lines are read the same way;
embedded retweeted/quoted tweets become posts too.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from amplify.ingest.raw import RawTable, json_document
from amplify.ingest.report import IngestError
from amplify.ingest.values import scalar_str, shorten

__all__ = ["looks_like", "read", "tweet_url"]

_REF = {"retweeted": "reposted_id", "quoted": "quoted_id", "replied_to": "replied_id"}
_COLS = ("post_id", "outlet", "published_at", "text", "url", "lang", "reposted_id", "quoted_id", "replied_id")


def tweet_url(username: str | None, tweet_id: str) -> str:
    """The address of a tweet (``i`` stands in for an unknown username).

    >>> tweet_url("mfa_china", "42")
    'https://x.com/mfa_china/status/42'
    """
    return f"https://x.com/{username or 'i'}/status/{tweet_id}"


def _is_v2_tweet(t) -> bool:
    return isinstance(t, dict) and "id" in t and "text" in t and (
        "author_id" in t or "edit_history_tweet_ids" in t or "created_at" in t)


def _is_v1_tweet(t) -> bool:
    return isinstance(t, dict) and ("id_str" in t or "id" in t) and isinstance(t.get("user"), dict) \
        and ("text" in t or "full_text" in t)


def _is_page(obj) -> bool:
    if not isinstance(obj, dict):
        return False
    if isinstance(obj.get("includes"), dict) and ("data" in obj or "meta" in obj):
        return True
    d = obj.get("data")
    if isinstance(d, dict):
        return _is_v2_tweet(d)
    if isinstance(d, list):
        return bool(d) and _is_v2_tweet(d[0]) or (not d and "meta" in obj)
    return False


def looks_like(obj) -> bool:
    """A Twitter v2 page (or list of pages) or v1.1 tweet(s)?"""
    if isinstance(obj, list):
        return bool(obj) and looks_like(obj[0])
    if not isinstance(obj, dict):
        return False
    if _is_page(obj) or _is_v1_tweet(obj):
        return True
    st = obj.get("statuses")
    return isinstance(st, list) and bool(st) and _is_v1_tweet(st[0])


def _units(data: bytes):
    """(unit, line) pairs: pages or v1 tweets, with the JSON Lines line (or None); and bad lines."""
    text, obj = json_document(data)
    if isinstance(obj, ValueError):
        units, bad = [], []
        for i, line in enumerate(text.split("\n"), 1):
            if not line.strip():
                continue
            try:
                units.append((json.loads(line), i))
            except ValueError as exc:
                bad.append((i, line, str(exc)))
        return units, bad
    if isinstance(obj, dict) and isinstance(obj.get("statuses"), list):
        obj = obj["statuses"]
    if isinstance(obj, list):
        return [(u, None) for u in obj], []
    return [(obj, None)], []


def _users(units) -> dict[str, dict]:
    """``includes.users`` of every page, by user id."""
    users: dict[str, dict] = {}
    for u, _ in units:
        if isinstance(u, dict) and isinstance(u.get("includes"), dict):
            for usr in u["includes"].get("users") or []:
                if isinstance(usr, dict) and "id" in usr:
                    users[str(usr["id"])] = usr
    return users


class _Tweets:
    """The posts and rejects of one export, gathered in file order (rows numbered as met)."""

    def __init__(self, users: dict[str, dict]):
        self.users = users
        self.recs: list[dict] = []
        self.rows: list[int] = []
        self.rejects: list[dict] = []
        self.skipped: dict[str, int] = {}
        self.counter = 0        # rows met so far
        self.n_included = 0     # tweets from includes / embedded objects
        self.n_long = 0         # texts taken from note_tweet
        self.errors = 0         # error objects in the API response

    def add(self, rec: dict, row: int) -> None:
        self.recs.append(rec)
        self.rows.append(row)

    def skip(self, why: str) -> None:
        self.skipped[why] = self.skipped.get(why, 0) + 1

    def unit(self, u, line) -> None:
        """One page (or v1 tweet) of the file; ``line`` is its JSON Lines line, or None."""
        if isinstance(u, dict) and _is_v1_tweet(u):
            self.v1(u, False)
            return
        if not isinstance(u, dict) or not ("data" in u or "includes" in u or "meta" in u or "errors" in u):
            self.counter += 1
            self.rejects.append({"row": line or self.counter, "column": None,
                                 "reason": "malformed row: not a Twitter API page or tweet", "value": shorten(u)})
            return
        self.errors += len(u.get("errors") or [])
        d = u.get("data")
        for t in ([d] if isinstance(d, dict) else d or []):
            self.v2(t, False)
        inc = u.get("includes") if isinstance(u.get("includes"), dict) else {}
        for t in inc.get("tweets") or []:
            self.v2(t, True)

    def v2(self, t, included: bool) -> None:
        """An API v2 tweet; ``included``: from ``includes.tweets`` (skipped when incomplete)."""
        self.counter += 1
        row = self.counter
        if not isinstance(t, dict) or "id" not in t:
            self.rejects.append({"row": row, "column": "id", "reason": "missing id", "value": shorten(t)})
            return
        tid = str(t["id"])
        author = t.get("author_id")
        user = self.users.get(str(author)) if author is not None else None
        username = user.get("username") if user else None
        text = t.get("text")
        note = t.get("note_tweet")
        if isinstance(note, dict) and isinstance(note.get("text"), str):
            text = note["text"]
            self.n_long += 1
        if included:
            self.n_included += 1
            if not t.get("created_at") or not username or text is None:
                self.skip("referenced tweet lacks time, author or text")
                return
        if not username:
            why = ("missing outlet: no author_id (request tweet.fields=author_id)" if author is None else
                   f"missing outlet: author_id {author} not in includes.users (request expansions=author_id)")
            self.rejects.append({"row": row, "column": "author_id", "reason": why, "value": shorten(author)})
            return
        rec = {"post_id": tid, "outlet": username, "published_at": t.get("created_at"), "text": text,
               "url": tweet_url(username, tid), "lang": t.get("lang")}
        for ref in t.get("referenced_tweets") or []:
            if isinstance(ref, dict) and ref.get("type") in _REF and ref.get("id") is not None:
                rec[_REF[ref["type"]]] = str(ref["id"])
        self.add(rec, row)

    def v1(self, t, embedded: bool) -> None:
        """A v1.1 tweet, then the retweeted / quoted tweets embedded in it."""
        self.counter += 1
        row = self.counter
        if embedded:
            self.n_included += 1
        tid = t.get("id_str") or (str(t["id"]) if t.get("id") is not None else None)
        user = t.get("user") if isinstance(t.get("user"), dict) else {}
        username = user.get("screen_name") or user.get("username")
        ext = t.get("extended_tweet") if isinstance(t.get("extended_tweet"), dict) else {}
        text = ext.get("full_text") or t.get("full_text") or t.get("text")
        if not tid:
            self.rejects.append({"row": row, "column": "id_str", "reason": "missing id", "value": shorten(t)})
        elif not username:
            self.rejects.append({"row": row, "column": "user.screen_name", "reason": "missing outlet",
                                 "value": shorten(user)})
        else:
            rec = {"post_id": tid, "outlet": username, "published_at": t.get("created_at"), "text": text,
                   "url": tweet_url(username, tid), "lang": t.get("lang")}
            rs = t.get("retweeted_status")
            qs = t.get("quoted_status")
            if isinstance(rs, dict):
                rec["reposted_id"] = rs.get("id_str") or str(rs.get("id"))
            if t.get("quoted_status_id_str") or isinstance(qs, dict):
                rec["quoted_id"] = t.get("quoted_status_id_str") or qs.get("id_str") or str(qs.get("id"))
            if t.get("in_reply_to_status_id_str") or t.get("in_reply_to_status_id"):
                rec["replied_id"] = t.get("in_reply_to_status_id_str") or str(t["in_reply_to_status_id"])
            self.add(rec, row)
        for key in ("retweeted_status", "quoted_status"):
            if isinstance(t.get(key), dict):
                self.v1(t[key], True)

    def notes(self) -> list[str]:
        notes = []
        if self.n_included:
            notes.append(f"{self.n_included:,} referenced tweet(s) from includes/embedded objects read as posts too")
        if self.n_long:
            notes.append(f"{self.n_long:,} long post(s): text taken from note_tweet")
        if self.errors:
            notes.append(f"{self.errors:,} error object(s) in the API response (deleted or protected tweets?)")
        return notes


def read(data: bytes, path: str) -> RawTable:
    """Read a Twitter export into a :class:`~amplify.ingest.raw.RawTable` of canonical columns."""
    units, bad_lines = _units(data)
    tweets = _Tweets(_users(units))
    for u, line in units:
        tweets.unit(u, line)
    for i, line, exc in bad_lines:
        tweets.counter += 1
        tweets.rejects.append({"row": i, "column": None, "reason": f"malformed row: invalid JSON ({exc})",
                               "value": shorten(line)})
    if not units and not bad_lines:
        raise IngestError(f"{path}: no Twitter pages or tweets found")
    frame = pd.DataFrame({c: pd.array([scalar_str(r.get(c)) for r in tweets.recs], dtype="string") for c in _COLS})
    return RawTable(path=path, format="twitter", frame=frame, rows=np.asarray(tweets.rows, dtype=np.int64),
                    rejects=tweets.rejects, rows_read=tweets.counter, skipped=tweets.skipped, notes=tweets.notes(),
                    encoding="utf-8", canonical=True)
