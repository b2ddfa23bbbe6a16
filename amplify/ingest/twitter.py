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

from amplify.ingest.report import IngestError

__all__ = ["looks_like", "read", "tweet_url"]

_REF = {"retweeted": "reposted_id", "quoted": "quoted_id", "replied_to": "replied_id"}
_COLS = ("post_id", "outlet", "published_at", "text", "url", "lang", "reposted_id", "quoted_id", "replied_id")


def tweet_url(username: str | None, tweet_id: str) -> str:
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


def _units(data: bytes, path: str):
    """(unit, line) pairs: pages or v1 tweets, with the JSON Lines line (or None)."""
    from amplify.ingest.tabular import json_document

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


def read(data: bytes, path: str):
    """Read a Twitter export into a :class:`~amplify.ingest.tabular.RawTable` of canonical columns."""
    from amplify.ingest.tabular import RawTable, _scalar_str, shorten

    units, bad_lines = _units(data, path)
    users: dict[str, dict] = {}
    for u, _ in units:
        if isinstance(u, dict) and isinstance(u.get("includes"), dict):
            for usr in u["includes"].get("users") or []:
                if isinstance(usr, dict) and "id" in usr:
                    users[str(usr["id"])] = usr
    recs: list[dict] = []
    rows: list[int] = []
    rejects: list[dict] = []
    skipped: dict[str, int] = {}
    notes: list[str] = []
    counter = 0
    n_included = n_long = 0
    errors = 0

    def add(rec, row):
        recs.append(rec)
        rows.append(row)

    def skip(why):
        skipped[why] = skipped.get(why, 0) + 1

    def v2(t, included: bool):
        nonlocal counter, n_included, n_long
        counter += 1
        row = counter
        if not isinstance(t, dict) or "id" not in t:
            rejects.append({"row": row, "column": "id", "reason": "missing id", "value": shorten(t)})
            return
        tid = str(t["id"])
        author = t.get("author_id")
        user = users.get(str(author)) if author is not None else None
        username = user.get("username") if user else None
        text = t.get("text")
        note = t.get("note_tweet")
        if isinstance(note, dict) and isinstance(note.get("text"), str):
            text = note["text"]
            n_long += 1
        if included:
            n_included += 1
            if not t.get("created_at") or not username or text is None:
                skip("referenced tweet lacks time, author or text")
                return
        if not username:
            why = ("missing outlet: no author_id (request tweet.fields=author_id)" if author is None else
                   f"missing outlet: author_id {author} not in includes.users (request expansions=author_id)")
            rejects.append({"row": row, "column": "author_id", "reason": why, "value": shorten(author)})
            return
        rec = {"post_id": tid, "outlet": username, "published_at": t.get("created_at"), "text": text,
               "url": tweet_url(username, tid), "lang": t.get("lang")}
        for ref in t.get("referenced_tweets") or []:
            if isinstance(ref, dict) and ref.get("type") in _REF and ref.get("id") is not None:
                rec[_REF[ref["type"]]] = str(ref["id"])
        add(rec, row)

    def v1(t, embedded: bool):
        nonlocal counter, n_included
        counter += 1
        row = counter
        if embedded:
            n_included += 1
        tid = t.get("id_str") or (str(t["id"]) if t.get("id") is not None else None)
        user = t.get("user") if isinstance(t.get("user"), dict) else {}
        username = user.get("screen_name") or user.get("username")
        ext = t.get("extended_tweet") if isinstance(t.get("extended_tweet"), dict) else {}
        text = ext.get("full_text") or t.get("full_text") or t.get("text")
        if not tid:
            rejects.append({"row": row, "column": "id_str", "reason": "missing id", "value": shorten(t)})
        elif not username:
            rejects.append({"row": row, "column": "user.screen_name", "reason": "missing outlet",
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
            add(rec, row)
        for key in ("retweeted_status", "quoted_status"):
            if isinstance(t.get(key), dict):
                v1(t[key], True)

    for u, line in units:
        if isinstance(u, dict) and _is_v1_tweet(u):
            v1(u, False)
            continue
        if not isinstance(u, dict) or not ("data" in u or "includes" in u or "meta" in u or "errors" in u):
            counter += 1
            rejects.append({"row": line or counter, "column": None,
                            "reason": "malformed row: not a Twitter API page or tweet", "value": shorten(u)})
            continue
        errors += len(u.get("errors") or [])
        d = u.get("data")
        for t in ([d] if isinstance(d, dict) else d or []):
            v2(t, False)
        inc = u.get("includes") if isinstance(u.get("includes"), dict) else {}
        for t in inc.get("tweets") or []:
            v2(t, True)
    for i, line, exc in bad_lines:
        counter += 1
        rejects.append({"row": i, "column": None, "reason": f"malformed row: invalid JSON ({exc})",
                        "value": shorten(line)})
    if not units and not bad_lines:
        raise IngestError(f"{path}: no Twitter pages or tweets found")
    frame = pd.DataFrame({c: pd.array([_scalar_str(r.get(c)) for r in recs], dtype="string") for c in _COLS})
    if n_included:
        notes.append(f"{n_included:,} referenced tweet(s) from includes/embedded objects read as posts too")
    if n_long:
        notes.append(f"{n_long:,} long post(s): text taken from note_tweet")
    if errors:
        notes.append(f"{errors:,} error object(s) in the API response (deleted or protected tweets?)")
    return RawTable(path=path, format="twitter", frame=frame, rows=np.asarray(rows, dtype=np.int64),
                    rejects=rejects, rows_read=counter, skipped=skipped, notes=notes, encoding="utf-8",
                    canonical=True)
