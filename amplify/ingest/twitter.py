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

Fields of an unexpected type never stop the read: ids go through the ``id``
rule of :mod:`amplify.ingest.typed` (a number, or an object such as
``{"$numberLong": "..."}``, to its digits), texts through the ``text`` rule,
and a tweet whose field cannot be read is rejected naming the field. A page
whose ``data``, ``includes`` or ``errors`` is of the wrong type is rejected
as a whole, with its row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from amplify.ingest.oversize import MAX_JSON_DEPTH
from amplify.ingest.raw import RawTable, as_loaded, json_decoded, json_document, loads
from amplify.ingest.report import IngestError
from amplify.ingest.typed import Problem, as_id, as_plain, flatten_text
from amplify.ingest.urls import tweet_urls
from amplify.ingest.values import shorten

__all__ = ["looks_like", "read", "tweet_url"]

_REF = {"retweeted": "reposted_id", "quoted": "quoted_id", "replied_to": "replied_id"}
_COLS = ("post_id", "outlet", "published_at", "text", "url", "lang", "reposted_id", "quoted_id", "replied_id",
         "urls")


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


def _units(data):
    """(unit, line) pairs: pages or v1 tweets, with the JSON Lines line (or None); and bad lines."""
    src = as_loaded(data, "<twitter>", "twitter")
    text, obj = json_document(src)
    if isinstance(obj, ValueError):
        deep = set(src.filter.deep_lines) if src.filter is not None else set()
        units, bad = [], []
        for i, line in enumerate(text.split("\n"), 1):
            if not line.strip():
                continue
            if i in deep:
                bad.append((i, line, f"nested more than {MAX_JSON_DEPTH} levels deep"))
                continue
            try:
                units.append((loads(line), i))
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
            listed = u["includes"].get("users")
            for usr in listed if isinstance(listed, list) else []:
                if isinstance(usr, dict) and "id" in usr:
                    try:
                        key = as_id(usr["id"])
                    except Problem:
                        continue
                    users[key] = usr
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

    def reject(self, row: int, column, reason: str, value) -> None:
        self.rejects.append({"row": row, "column": column, "reason": reason, "value": shorten(value)})

    def unit(self, u, line) -> None:
        """One page (or v1 tweet) of the file; ``line`` is its JSON Lines line, or None."""
        if isinstance(u, dict) and _is_v1_tweet(u):
            self.v1(u, False)
            return
        if not isinstance(u, dict) or not ("data" in u or "includes" in u or "meta" in u or "errors" in u):
            self.counter += 1
            self.reject(line or self.counter, None, "malformed row: not a Twitter API page or tweet", u)
            return
        d, inc, errors = u.get("data"), u.get("includes"), u.get("errors")
        wrong = [(k, v, want) for k, v, want in (("data", d, "a list of tweets"), ("includes", inc, "an object"),
                                                  ("errors", errors, "a list"))
                 if v is not None and not isinstance(v, {"data": (list, dict), "includes": dict,
                                                         "errors": list}[k])]
        if wrong:
            k, v, want = wrong[0]
            self.counter += 1
            self.reject(line or self.counter, k, f"malformed row: the page's '{k}' is not {want}", v)
            return
        self.errors += len(errors or [])
        for t in ([d] if isinstance(d, dict) else d or []):
            self.v2(t, False)
        included = (inc or {}).get("tweets")
        for t in included if isinstance(included, list) else []:
            self.v2(t, True)

    def v2(self, t, included: bool) -> None:
        """An API v2 tweet; ``included``: from ``includes.tweets`` (skipped when incomplete)."""
        self.counter += 1
        row = self.counter
        if not isinstance(t, dict) or t.get("id") is None:
            self.reject(row, "id", "missing id", t)
            return
        try:
            self._v2(t, included, row)
        except Problem as exc:
            field, why = exc.args
            self.reject(row, field, f"unexpected value in {field}: {why}", t.get(field))

    def _v2(self, t: dict, included: bool, row: int) -> None:
        tid = _get(t, "id", as_id)
        author = t.get("author_id")
        author_key = _get(t, "author_id", as_id) if author is not None else None
        user = self.users.get(author_key) if author_key is not None else None
        username = _get(user, "username", as_plain, strict=True) if user else None
        text = _get(t, "text", flatten_text)
        note = t.get("note_tweet")
        if isinstance(note, dict) and note.get("text") is not None:
            text = _get(note, "text", flatten_text, name="note_tweet.text")
            self.n_long += 1
        if included:
            self.n_included += 1
            if not t.get("created_at") or not username or text is None:
                self.skip("referenced tweet lacks time, author or text")
                return
        if not username:
            why = ("missing outlet: no author_id (request tweet.fields=author_id)" if author is None else
                   f"missing outlet: author_id {shorten(author, 40)} not in includes.users "
                   f"(request expansions=author_id)")
            self.reject(row, "author_id", why, author)
            return
        rec = {"post_id": tid, "outlet": username, "published_at": t.get("created_at"), "text": text,
               "url": tweet_url(username, tid), "lang": _get(t, "lang", as_plain, strict=True),
               "urls": tweet_urls(t)}
        refs = t.get("referenced_tweets")
        for ref in refs if isinstance(refs, list) else []:
            if isinstance(ref, dict) and ref.get("type") in _REF and ref.get("id") is not None:
                rec[_REF[ref["type"]]] = _get(ref, "id", as_id, name="referenced_tweets.id")
        self.add(rec, row)

    def v1(self, t, embedded: bool, depth: int = 0) -> None:
        """A v1.1 tweet, then the retweeted / quoted tweets embedded in it."""
        self.counter += 1
        row = self.counter
        if embedded:
            self.n_included += 1
        try:
            self._v1(t, row)
        except Problem as exc:
            field, why = exc.args
            self.reject(row, field, f"unexpected value in {field}: {why}", t.get(field.split(".")[0]))
        for key in ("retweeted_status", "quoted_status"):
            if isinstance(t.get(key), dict) and depth < MAX_JSON_DEPTH:
                self.v1(t[key], True, depth + 1)

    def _v1(self, t: dict, row: int) -> None:
        tid = _get(t, "id_str", as_id) or _get(t, "id", as_id)
        user = t.get("user") if isinstance(t.get("user"), dict) else {}
        username = _get(user, "screen_name", as_plain, strict=True, name="user.screen_name") or \
            _get(user, "username", as_plain, strict=True, name="user.username")
        ext = t.get("extended_tweet") if isinstance(t.get("extended_tweet"), dict) else {}
        text = _get(ext, "full_text", flatten_text, name="extended_tweet.full_text") or \
            _get(t, "full_text", flatten_text) or _get(t, "text", flatten_text)
        if not tid:
            self.reject(row, "id_str", "missing id", t)
        elif not username:
            self.reject(row, "user.screen_name", "missing outlet", user)
        else:
            rec = {"post_id": tid, "outlet": username, "published_at": t.get("created_at"), "text": text,
                   "url": tweet_url(username, tid), "lang": _get(t, "lang", as_plain, strict=True),
                   "urls": tweet_urls(t)}
            rs = t.get("retweeted_status")
            qs = t.get("quoted_status")
            if isinstance(rs, dict):
                rec["reposted_id"] = _get(rs, "id_str", as_id, name="retweeted_status.id_str") or \
                    _get(rs, "id", as_id, name="retweeted_status.id")
            quoted = _get(t, "quoted_status_id_str", as_id)
            if quoted is None and isinstance(qs, dict):
                quoted = _get(qs, "id_str", as_id, name="quoted_status.id_str") or \
                    _get(qs, "id", as_id, name="quoted_status.id")
            if quoted is not None:
                rec["quoted_id"] = quoted
            replied = _get(t, "in_reply_to_status_id_str", as_id) or _get(t, "in_reply_to_status_id", as_id)
            if replied is not None:
                rec["replied_id"] = replied
            self.add(rec, row)

    def notes(self) -> list[str]:
        notes = []
        if self.n_included:
            notes.append(f"{self.n_included:,} referenced tweet(s) from includes/embedded objects read as posts too")
        if self.n_long:
            notes.append(f"{self.n_long:,} long post(s): text taken from note_tweet")
        if self.errors:
            notes.append(f"{self.errors:,} error object(s) in the API response (deleted or protected tweets?)")
        return notes


def _get(obj: dict, key: str, rule, *, name: str | None = None, **kw):
    """``rule`` applied to ``obj[key]`` (None when absent); a :class:`Problem` names the field."""
    try:
        return rule(obj.get(key), **kw)
    except Problem as exc:
        raise Problem(name or key, str(exc)) from None


def read(data, path: str) -> RawTable:
    """Read a Twitter export into a :class:`~amplify.ingest.raw.RawTable` of canonical columns."""
    src = as_loaded(data, path, "twitter")
    units, bad_lines = _units(src)
    tweets = _Tweets(_users(units))
    for u, line in units:
        tweets.unit(u, line)
    for i, line, exc in bad_lines:
        tweets.counter += 1
        tweets.reject(i, None, f"malformed row: invalid JSON ({exc})", line)
    if not units and not bad_lines:
        raise IngestError(f"{path}: no Twitter pages or tweets found", path=path)
    frame = pd.DataFrame({c: pd.Series([r.get(c) for r in tweets.recs], dtype=object) for c in _COLS})
    decoded = json_decoded(src)
    return RawTable(path=path, format="twitter", frame=frame, rows=np.asarray(tweets.rows, dtype=np.int64),
                    rejects=tweets.rejects, rows_read=tweets.counter, skipped=tweets.skipped,
                    notes=list(decoded.notes) + tweets.notes(), encoding=decoded.encoding, canonical=True,
                    maybe_surrogates=decoded.bad_bytes or src.may_hold_surrogate_escapes(),
                    bad_bytes_in=decoded.encoding if decoded.bad_bytes else None)
