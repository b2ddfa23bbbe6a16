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

from amplify.ingest.report import IngestError

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


def read(data: bytes, path: str):
    """Read a Telegram export into a :class:`~amplify.ingest.tabular.RawTable` of canonical columns."""
    from amplify.ingest.tabular import RawTable, json_document, shorten

    _, obj = json_document(data)
    if isinstance(obj, ValueError):
        raise IngestError(f"{path}: not valid JSON ({obj}); is the Telegram export complete?") from obj
    if not looks_like(obj):
        raise IngestError(f"{path}: not a Telegram Desktop export (no 'messages' list); "
                          f"found keys {list(obj)[:20] if isinstance(obj, dict) else type(obj).__name__}")
    if isinstance(obj.get("messages"), list):
        chats = [obj]
    else:
        chats = list(obj["chats"]["list"])
        left = obj.get("left_chats")
        if isinstance(left, dict) and isinstance(left.get("list"), list):
            chats += left["list"]
    recs: list[dict] = []
    rows: list[int] = []
    rejects: list[dict] = []
    skipped: dict[str, int] = {}
    counter = 0
    forwarded = local_dates = 0
    for chat in chats:
        if not isinstance(chat, dict):
            continue
        cname = chat.get("name")
        cname = str(cname) if cname not in (None, "") else (str(chat["id"]) if chat.get("id") is not None else None)
        is_channel = str(chat.get("type", "")).lower() in _CHANNEL_TYPES or "type" not in chat
        for msg in chat.get("messages") or []:
            counter += 1
            if not isinstance(msg, dict):
                rejects.append({"row": counter, "column": None, "reason": "malformed row: not a message object",
                                "value": shorten(msg)})
                continue
            mtype = msg.get("type", "message")
            if mtype != "message":
                why = "service message" if mtype == "service" else f"{mtype} message"
                skipped[why] = skipped.get(why, 0) + 1
                continue
            outlet = cname if is_channel else (msg.get("from") or cname)
            if is_channel and not outlet:
                outlet = msg.get("from")
            mid = msg.get("id")
            if mid is None:
                rejects.append({"row": counter, "column": "id", "reason": "missing id", "value": ""})
                continue
            if not outlet:
                rejects.append({"row": counter, "column": "from", "reason": "missing outlet",
                                "value": shorten(msg.get("from"))})
                continue
            text = message_text(msg.get("text"))
            if (text is None or text == "") and msg.get("text_entities"):
                text = message_text(msg.get("text_entities"))
            if text is None or not text.strip():
                media = _media(msg)
                why = f"empty text: media without caption ({media})" if media else "empty text"
                rejects.append({"row": counter, "column": "text", "reason": why, "value": text or ""})
                continue
            if msg.get("date_unixtime") not in (None, ""):
                when = str(msg["date_unixtime"])
            else:
                when = msg.get("date")
                local_dates += 1
            prefix = cname or str(outlet)
            rec = {"post_id": f"{prefix}/{mid}", "outlet": str(outlet), "published_at": when, "text": text}
            if msg.get("reply_to_message_id") is not None:
                rec["replied_id"] = f"{prefix}/{msg['reply_to_message_id']}"
            if msg.get("forwarded_from") is not None:
                rec["forwarded_from"] = str(msg["forwarded_from"])
                forwarded += 1
            recs.append(rec)
            rows.append(counter)
    frame = pd.DataFrame({c: pd.array([r.get(c) for r in recs], dtype="string") for c in _COLS})
    notes = []
    if forwarded:
        notes.append(f"{forwarded:,} forwarded message(s): source channel kept in 'forwarded_from' "
                     "(Telegram exports do not give the original message id)")
    if local_dates:
        notes.append(f"{local_dates:,} message(s) without date_unixtime: 'date' is the exporting computer's "
                     "local time, taken as UTC")
    return RawTable(path=path, format="telegram", frame=frame, rows=np.asarray(rows, dtype=np.int64),
                    rejects=rejects, rows_read=counter, skipped=skipped, notes=notes, encoding="utf-8",
                    canonical=True)
