"""Telegram Desktop exports (``result.json``).

A channel export is ``{"name", "type", "id", "messages": [...]}``; a full
account export holds such chats under ``chats.list``. Each message of type
``message`` becomes a post:

* ``outlet`` -- the channel's ``name`` (for groups and private chats: the
  sender, ``from``, falling back to the chat name);
* ``post_id`` -- ``<chat name>/<message id>``; ``replied_id`` likewise from
  ``reply_to_message_id``;
* ``text`` -- ``text`` as shown: a string, or a list of strings and entity
  objects (``{"type": "link", "text": ...}``) joined in order; falls back to
  ``text_entities``;
* ``published_at`` -- ``date_unixtime`` when present (exact, UTC). ``date`` has
  no zone and is the exporting computer's local time; it is used only when
  ``date_unixtime`` is missing, and then counted as assumed-UTC;
* ``forwarded_from`` -- kept as an extra column (the export names the source
  channel but not the original message, so ``reposted_id`` stays empty).

Service messages (joins, pins, title changes) are not posts: they are skipped
and counted. Media without a caption is rejected as ``empty text`` with the
media type named. Rows are the 1-based position of the message in the file.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from amplify.ingest.raw import RawTable, json_document
from amplify.ingest.report import IngestError
from amplify.ingest.values import shorten

__all__ = ["looks_like", "read", "message_text"]

_CHANNEL_TYPES = {"public_channel", "private_channel", "channel"}
_COLS = ("post_id", "outlet", "published_at", "text", "replied_id", "forwarded_from")


def looks_like(obj) -> bool:
    """A Telegram Desktop export (one chat, or a whole account)?"""
    if not isinstance(obj, dict):
        return False
    if isinstance(obj.get("messages"), list) and ("name" in obj or "type" in obj or "id" in obj):
        return True
    chats = obj.get("chats")
    return isinstance(chats, dict) and isinstance(chats.get("list"), list)


def message_text(value) -> str | None:
    """``text`` of an exported message: a string, or a list of strings and entity dicts, joined."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        parts = []
        for part in value:
            if isinstance(part, str):
                parts.append(part)
            elif isinstance(part, dict) and isinstance(part.get("text"), str):
                parts.append(part["text"])
        return "".join(parts)
    return str(value)


def _media(msg: dict) -> str | None:
    for key in ("media_type", "mime_type"):
        if msg.get(key):
            return str(msg[key])
    for key in ("photo", "file", "sticker_emoji", "poll", "location_information", "contact_information"):
        if key in msg:
            return key.replace("_information", "").replace("sticker_emoji", "sticker")
    return None


def _chats(obj, path: str) -> list:
    """The chats of an export: the one chat, or every chat (and left chat) of an account."""
    if isinstance(obj, ValueError):
        raise IngestError(f"{path}: not valid JSON ({obj}); is the Telegram export complete?") from obj
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
        cname = chat.get("name")
        cname = str(cname) if cname not in (None, "") else (str(chat["id"]) if chat.get("id") is not None else None)
        is_channel = str(chat.get("type", "")).lower() in _CHANNEL_TYPES or "type" not in chat
        for msg in chat.get("messages") or []:
            self.counter += 1
            if not isinstance(msg, dict):
                self.reject(None, "malformed row: not a message object", shorten(msg))
                continue
            self.message(msg, cname, is_channel)

    def message(self, msg: dict, cname: str | None, is_channel: bool) -> None:
        """One message: a post, a reject or (a service message) a skip."""
        mtype = msg.get("type", "message")
        if mtype != "message":
            why = "service message" if mtype == "service" else f"{mtype} message"
            self.skipped[why] = self.skipped.get(why, 0) + 1
            return
        outlet = cname if is_channel else (msg.get("from") or cname)
        if is_channel and not outlet:
            outlet = msg.get("from")
        mid = msg.get("id")
        if mid is None:
            self.reject("id", "missing id", "")
            return
        if not outlet:
            self.reject("from", "missing outlet", shorten(msg.get("from")))
            return
        text = message_text(msg.get("text"))
        if (text is None or text == "") and msg.get("text_entities"):
            text = message_text(msg.get("text_entities"))
        if text is None or not text.strip():
            media = _media(msg)
            self.reject("text", f"empty text: media without caption ({media})" if media else "empty text", text or "")
            return
        if msg.get("date_unixtime") not in (None, ""):
            when = str(msg["date_unixtime"])
        else:
            when = msg.get("date")
            self.local_dates += 1
        prefix = cname or str(outlet)
        rec = {"post_id": f"{prefix}/{mid}", "outlet": str(outlet), "published_at": when, "text": text}
        if msg.get("reply_to_message_id") is not None:
            rec["replied_id"] = f"{prefix}/{msg['reply_to_message_id']}"
        if msg.get("forwarded_from") is not None:
            rec["forwarded_from"] = str(msg["forwarded_from"])
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


def read(data: bytes, path: str) -> RawTable:
    """Read a Telegram export into a :class:`~amplify.ingest.raw.RawTable` of canonical columns."""
    _, obj = json_document(data)
    messages = _Messages()
    for chat in _chats(obj, path):
        messages.chat(chat)
    frame = pd.DataFrame({c: pd.array([r.get(c) for r in messages.recs], dtype="string") for c in _COLS})
    return RawTable(path=path, format="telegram", frame=frame, rows=np.asarray(messages.rows, dtype=np.int64),
                    rejects=messages.rejects, rows_read=messages.counter, skipped=messages.skipped,
                    notes=messages.notes(), encoding="utf-8", canonical=True)
