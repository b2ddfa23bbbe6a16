"""Telegram Desktop exports (``result.json``).

A channel export is ``{"name", "type", "id", "messages": [...]}``; a full
account export holds such chats under ``chats.list``. Each message of type
``message`` becomes a post:

* ``outlet`` -- the channel's ``name`` (for groups and private chats: the
  sender, ``from``, falling back to the chat name);
* ``post_id`` -- ``<chat name>/<message id>``; ``replied_id`` likewise from
  ``reply_to_message_id``;
* ``text`` -- ``text`` as shown: a string, or a list of strings and entity
  objects (``{"type": "link", "text": ...}``) joined in order, or one entity
  object, entities nested in entities too (the ``text`` rule of
  :mod:`amplify.ingest.typed`); falls back to ``text_entities``. An entity
  without text is a reject naming it;
* ``published_at`` -- ``date_unixtime`` when present (exact, UTC). ``date`` has
  no zone and is the exporting computer's local time; it is used only when
  ``date_unixtime`` is missing, and then counted as assumed-UTC;
* ``forwarded_from`` -- kept as an extra column (the export names the source
  channel but not the original message, so ``reposted_id`` stays empty).

Service messages (joins, pins, title changes) are not posts: they are skipped
and counted. Media without a caption is rejected as ``empty text`` with the
media type named. Ids, names and times of an unexpected type go through the
typed rules too (an id object to its id, anything else a reject). Rows are the
1-based position of the message in the file.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from amplify.ingest.json_records import json_error
from amplify.ingest.raw import RawTable, as_loaded, json_decoded, json_document
from amplify.ingest.report import IngestError
from amplify.ingest.typed import Problem, as_id, as_plain, flatten_text
from amplify.ingest.urls import telegram_links
from amplify.ingest.values import shorten

__all__ = ["looks_like", "read", "message_text"]

_CHANNEL_TYPES = {"public_channel", "private_channel", "channel"}
_COLS = ("post_id", "outlet", "published_at", "text", "replied_id", "forwarded_from", "urls")


def looks_like(obj) -> bool:
    """A Telegram Desktop export (one chat, or a whole account)?"""
    if not isinstance(obj, dict):
        return False
    if isinstance(obj.get("messages"), list) and ("name" in obj or "type" in obj or "id" in obj):
        return True
    chats = obj.get("chats")
    return isinstance(chats, dict) and isinstance(chats.get("list"), list)


def message_text(value) -> str | None:
    """``text`` of an exported message: a string, a list of strings and entity dicts, or one
    entity dict, joined (:func:`amplify.ingest.typed.flatten_text`; raises its ``Problem``)."""
    return flatten_text(value)


def _media(msg: dict) -> str | None:
    for key in ("media_type", "mime_type"):
        if msg.get(key):
            return str(msg[key])
    for key in ("photo", "file", "sticker_emoji", "poll", "location_information", "contact_information"):
        if key in msg:
            return key.replace("_information", "").replace("sticker_emoji", "sticker")
    return None


def _chats(obj, path: str, source=None) -> list:
    """The chats of an export: the one chat, or every chat (and left chat) of an account."""
    if isinstance(obj, ValueError):
        raise json_error(path, obj, source) from obj
    if not looks_like(obj):
        raise IngestError(f"{path}: not a Telegram Desktop export (no 'messages' list); "
                          f"found keys {list(obj)[:20] if isinstance(obj, dict) else type(obj).__name__}")
    if isinstance(obj.get("messages"), list):
        return [obj]
    chats = list(obj["chats"]["list"])
    left = obj.get("left_chats")
    if isinstance(left, dict) and isinstance(left.get("list"), list):
        chats += left["list"]
    return chats


class _Messages:
    """The posts and rejects of one export, gathered in file order (rows numbered as met)."""

    def __init__(self):
        self.recs: list[dict] = []
        self.rows: list[int] = []
        self.rejects: list[dict] = []
        self.skipped: dict[str, int] = {}
        self.counter = 0        # messages met so far
        self.forwarded = 0      # posts forwarded from another channel
        self.local_dates = 0    # posts timed by 'date' (local time) for want of date_unixtime

    def reject(self, column, reason: str, value) -> None:
        self.rejects.append({"row": self.counter, "column": column, "reason": reason, "value": value})

    def chat(self, chat) -> None:
        """Every message of one chat."""
        if not isinstance(chat, dict):
            return
        try:
            cname = as_plain(chat.get("name"), strict=True)
            if cname in (None, ""):
                cname = as_id(chat.get("id"))
            bad_name = None
        except Problem as exc:
            cname, bad_name = None, f"unexpected value in outlet (the chat's name): {exc}"
        is_channel = str(chat.get("type", "")).lower() in _CHANNEL_TYPES or "type" not in chat
        messages = chat.get("messages")
        for msg in messages if isinstance(messages, list) else []:
            self.counter += 1
            if not isinstance(msg, dict):
                self.reject(None, "malformed row: not a message object", shorten(msg))
                continue
            if bad_name:
                self.reject("name", bad_name, shorten(chat.get("name")))
                continue
            try:
                self.message(msg, cname, is_channel)
            except Problem as exc:
                column, why = exc.args if len(exc.args) == 2 else (None, str(exc))
                self.reject(column, f"unexpected value in {column or 'message'}: {why}", shorten(msg.get(column)))

    def message(self, msg: dict, cname: str | None, is_channel: bool) -> None:
        """One message: a post, a reject or (a service message) a skip. A field of an unexpected
        type raises :class:`Problem` with ``(field, detail)``."""
        mtype = msg.get("type", "message")
        if mtype != "message":
            why = "service message" if mtype == "service" else f"{shorten(mtype, 40)} message"
            self.skipped[why] = self.skipped.get(why, 0) + 1
            return
        sender = _field(msg, "from", as_plain, strict=True)
        outlet = cname if is_channel else (sender or cname)
        if is_channel and not outlet:
            outlet = sender
        mid = _field(msg, "id", as_id)
        if mid is None:
            self.reject("id", "missing id", "")
            return
        if not outlet:
            self.reject("from", "missing outlet", shorten(msg.get("from")))
            return
        text = _field(msg, "text", flatten_text)
        if (text is None or text == "") and msg.get("text_entities"):
            text = _field(msg, "text_entities", flatten_text)
        if text is None or not text.strip():
            media = _media(msg)
            self.reject("text", f"empty text: media without caption ({media})" if media else "empty text", text or "")
            return
        if msg.get("date_unixtime") not in (None, ""):
            when = msg["date_unixtime"]
        else:
            when = msg.get("date")
            self.local_dates += 1
        prefix = cname or str(outlet)
        rec = {"post_id": f"{prefix}/{mid}", "outlet": str(outlet), "published_at": when, "text": text,
               "urls": telegram_links(msg)}
        reply = _field(msg, "reply_to_message_id", as_id)
        if reply is not None:
            rec["replied_id"] = f"{prefix}/{reply}"
        forwarded = _field(msg, "forwarded_from", as_plain)
        if forwarded is not None:
            rec["forwarded_from"] = forwarded
            self.forwarded += 1
        self.recs.append(rec)
        self.rows.append(self.counter)

    def notes(self) -> list[str]:
        notes = []
        if self.forwarded:
            notes.append(f"{self.forwarded:,} forwarded message(s): source channel kept in 'forwarded_from' "
                         "(Telegram exports do not give the original message id)")
        if self.local_dates:
            notes.append(f"{self.local_dates:,} message(s) without date_unixtime: 'date' is the exporting "
                         "computer's local time, taken as UTC")
        return notes


def _field(msg: dict, key: str, rule, **kw):
    """``rule`` applied to ``msg[key]``; a :class:`Problem` names the field."""
    try:
        return rule(msg.get(key), **kw)
    except Problem as exc:
        raise Problem(key, str(exc)) from None


def read(data, path: str) -> RawTable:
    """Read a Telegram export into a :class:`~amplify.ingest.raw.RawTable` of canonical columns."""
    src = as_loaded(data, path, "telegram")
    _, obj = json_document(src)
    messages = _Messages()
    for chat in _chats(obj, path, src):
        messages.chat(chat)
    frame = pd.DataFrame({c: pd.Series([r.get(c) for r in messages.recs], dtype=object) for c in _COLS})
    decoded = json_decoded(src)
    return RawTable(path=path, format="telegram", frame=frame, rows=np.asarray(messages.rows, dtype=np.int64),
                    rejects=messages.rejects, rows_read=messages.counter, skipped=messages.skipped,
                    notes=list(decoded.notes) + messages.notes(), encoding=decoded.encoding, canonical=True,
                    maybe_surrogates=decoded.bad_bytes or src.may_hold_surrogate_escapes(),
                    bad_bytes_in=decoded.encoding if decoded.bad_bytes else None)
