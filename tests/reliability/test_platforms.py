"""Telegram and Twitter exports whose fields have unexpected types: one typed rule, or a reject with the
reason -- never a repr stored, never a traceback. Each case checks what rel_support.run_case lists."""

from __future__ import annotations

import json
import random

import pytest

from rel_support import Case, Reject, Row, assert_no_traceback, invoke, run_case

UNIX = "1709287200"                     # 2024-03-01T10:00:00Z
T = "2024-03-01T10:00:00Z"


def _telegram(messages: list, name="tass_agency", **chat) -> bytes:
    return json.dumps(dict({"name": name, "type": "public_channel", "id": 1, "messages": messages}, **chat),
                      ensure_ascii=False).encode()


def _msg(mid, text, **kw) -> dict:
    return dict({"id": mid, "type": "message", "date": "2024-03-01T13:00:00", "date_unixtime": UNIX,
                 "text": text}, **kw)


def _page(tweets: list, users=None, **kw) -> bytes:
    users = users if users is not None else [{"id": "1", "username": "mfa_china"}]
    return json.dumps(dict({"data": tweets, "includes": {"users": users}, "meta": {}}, **kw)).encode()


def _tweet(tid, text="Statement", **kw) -> dict:
    return dict({"id": tid, "text": text, "author_id": "1", "created_at": T}, **kw)


TELEGRAM = [
    Case("Telegram text as one entity object (stored as its repr before)",
         {"result.json": _telegram([_msg(1, {"type": "plain", "text": "Заявление"})])},
         [Row("tass_agency", "Заявление", post_id="tass_agency/1")]),
    Case("Telegram entity text nested in an entity (dropped before)",
         {"result.json": _telegram([_msg(2, ["Read ", {"type": "bold", "text": {"type": "italic", "text": "this"}},
                                             {"type": "link", "text": ["!", " now"]}])])},
         [Row("tass_agency", "Read this! now", post_id="tass_agency/2")]),
    Case("Telegram entity without text: the message is rejected, naming the field",
         {"result.json": _telegram([_msg(1, "ok"), _msg(2, ["a", {"type": "custom_emoji", "document_id": 5}])])},
         [Row("tass_agency", "ok", post_id="tass_agency/1")],
         [Reject("result.json", 2, "unexpected value in text: a JSON object without a 'text' field", "text")]),
    Case("Telegram text holding a number inside its list of parts",
         {"result.json": _telegram([_msg(1, ["a", 5])])}, [],
         [Reject("result.json", 1, "a list of text parts holding the number 5")], code=1,
         message=["nothing usable"]),
    Case("Telegram message ids as a number string, a float and an id object",
         {"result.json": _telegram([_msg("7", "a"), _msg(8.0, "b"), _msg({"$numberInt": "9"}, "c")])},
         [Row("tass_agency", "a", post_id="tass_agency/7"), Row("tass_agency", "b", post_id="tass_agency/8"),
          Row("tass_agency", "c", post_id="tass_agency/9")]),
    Case("Telegram reply id as an object without an id",
         {"result.json": _telegram([_msg(1, "a"), _msg(2, "b", reply_to_message_id={"x": 1})])},
         [Row("tass_agency", "a", post_id="tass_agency/1")],
         [Reject("result.json", 2, "unexpected value in reply_to_message_id")]),
    Case("Telegram group sender as an object",
         {"result.json": _telegram([_msg(1, "a", **{"from": "Anna"}), _msg(2, "b", **{"from": {"n": 1}})],
                                   name="chat", type="private_supergroup")},
         [Row("Anna", "a", post_id="chat/1")], [Reject("result.json", 2, "unexpected value in from")]),
    Case("Telegram date_unixtime as a number",
         {"result.json": _telegram([_msg(1, "a", date_unixtime=int(UNIX))])},
         [Row("tass_agency", "a", post_id="tass_agency/1")]),
    Case("Telegram chat name as a number",
         {"result.json": _telegram([_msg(1, "a")], name=12345)}, [Row("12345", "a", post_id="12345/1")]),
    Case("Telegram chat name as an object: its messages are rejected with the reason",
         {"result.json": _telegram([_msg(1, "a")], name={"first": "x"})}, code=1,
         message=["nothing usable", "unexpected value in outlet"]),
    Case("Telegram text with a lone surrogate escape",
         {"result.json": _telegram([_msg(1, "a"), _msg(2, "b")]).replace(b'"b"', b'"b\\udfff"')},
         [Row("tass_agency", "a", post_id="tass_agency/1")], [Reject("result.json", 2, "lone surrogate \\udfff")]),
    Case("Telegram service messages and a message that is not an object",
         {"result.json": _telegram([_msg(1, "a"), {"id": 2, "type": "service", "action": "pin"}, "junk"])},
         [Row("tass_agency", "a", post_id="tass_agency/1")], [Reject("result.json", 3, "not a message object")]),
]

TWITTER = [
    Case("Twitter ids given as objects and numbers",
         {"t.json": _page([_tweet({"$numberLong": "1480512345678901234"}), _tweet(42, "second")])},
         [Row("mfa_china", "Statement", T, "1480512345678901234"), Row("mfa_china", "second", T, "42")]),
    Case("Twitter author_id as a number matched to includes.users",
         {"t.json": _page([_tweet("5", author_id=1)])}, [Row("mfa_china", "Statement", T, "5")]),
    Case("Twitter text as a list and as an object",
         {"t.json": _page([_tweet("5", ["Part ", "one"]), _tweet("6", {"text": "Two"})])},
         [Row("mfa_china", "Part one", T, "5"), Row("mfa_china", "Two", T, "6")]),
    Case("Twitter page whose 'data' is a string: the page is rejected, not read letter by letter",
         {"t.jsonl": (_page([_tweet("5")]).decode() + "\n" + json.dumps({"data": "oops", "meta": {}}) + "\n").encode()},
         [Row("mfa_china", "Statement", T, "5")], [Reject("t.jsonl", 2, "the page's 'data' is not a list of tweets")]),
    Case("Twitter page whose 'includes' is a list",
         {"t.jsonl": (json.dumps({"data": [_tweet("5")], "includes": []}) + "\n"
                      + _page([_tweet("6")]).decode() + "\n").encode()},
         [Row("mfa_china", "Statement", T, "6")], [Reject("t.jsonl", 1, "the page's 'includes' is not an object")]),
    Case("Twitter page whose 'errors' is a number",
         {"t.jsonl": (json.dumps({"data": [_tweet("5")], "errors": 3}) + "\n"
                      + _page([_tweet("6")]).decode() + "\n").encode()},
         [Row("mfa_china", "Statement", T, "6")], [Reject("t.jsonl", 1, "the page's 'errors' is not a list")]),
    Case("Twitter includes.users as an object: authors unknown, tweets rejected as missing outlet",
         {"t.json": _page([_tweet("5")], users={"1": {"username": "x"}})}, code=1, message=["nothing usable"]),
    Case("Twitter referenced_tweets as a string is ignored",
         {"t.json": _page([_tweet("5", referenced_tweets="retweeted")])}, [Row("mfa_china", "Statement", T, "5")]),
    Case("Twitter created_at as epoch milliseconds",
         {"t.json": _page([_tweet("5", created_at=1709287200000)])}, [Row("mfa_china", "Statement", T, "5")]),
    Case("Twitter id as a float that lost digits: rejected",
         {"t.json": _page([_tweet(1.4805123456789012e18), _tweet("6")])}, [Row("mfa_china", "Statement", T, "6")],
         [Reject("t.json", 1, "unexpected value in id")]),
    Case("Twitter v1 tweets: retweet of a tweet without id, screen_name a number",
         {"v1.json": json.dumps([{"id_str": "9", "full_text": "RT", "created_at": "Fri Mar 01 10:00:00 +0000 2024",
                                  "user": {"screen_name": 777}, "retweeted_status": {"text": "x", "user": {}}}
                                 ]).encode()},
         [Row("777", "RT", T, "9")], [Reject("v1.json", 2, "missing id")]),
    Case("Twitter JSON Lines with a broken line",
         {"t.jsonl": (_page([_tweet("5")]).decode() + "\n{broken\n").encode()}, [Row("mfa_china", "Statement", T, "5")],
         [Reject("t.jsonl", 2, "invalid JSON")]),
]


@pytest.mark.parametrize("case", TELEGRAM + TWITTER, ids=str)
def test_platform_case(case, tmp_path):
    run_case(case, tmp_path)


_ODD_VALUES = [None, 0, -1, 1.5, 2**70, True, "", "x", [], [1, "a"], {}, {"text": 5}, {"id": None}, "\ud800",
               [[[[]]]], {"$numberLong": "x"}]


@pytest.mark.parametrize("seed", range(6))
def test_twitter_and_telegram_fields_of_any_type_never_crash(tmp_path, seed):
    """Every field of a page, tweet, user and message replaced by values of other types, at random
    (seeded): the read ends with exit code 0 or 1 and a message, never a traceback."""
    rng = random.Random(seed)

    def odd():
        return rng.choice(_ODD_VALUES)

    tweets = []
    for i in range(20):
        t = _tweet(str(i), referenced_tweets=[{"type": "quoted", "id": "1"}], lang="en", note_tweet={"text": "n"})
        for key in rng.sample(sorted(t), 3):
            t[key] = odd()
        tweets.append(t)
    users = [{"id": odd() if rng.random() < 0.3 else "1", "username": odd() if rng.random() < 0.3 else "u"}]
    page = {"data": tweets, "includes": {"users": users, "tweets": [odd(), _tweet("99")]}, "meta": {}}
    for key in rng.sample(["data", "includes", "meta", "errors"], 1):
        if rng.random() < 0.3:
            page[key] = odd()
    msgs = []
    for i in range(20):
        m = _msg(i, ["a", {"type": "bold", "text": "b"}], reply_to_message_id=1, forwarded_from="x")
        for key in rng.sample(sorted(m), 2):
            m[key] = odd()
        msgs.append(m)
    (tmp_path / "t.json").write_text(json.dumps(page))
    (tmp_path / "result.json").write_text(json.dumps({"name": "c", "type": "public_channel", "messages": msgs}))
    for name in ("t.json", "result.json"):
        res = invoke("ingest", tmp_path / name, "--workspace", tmp_path / f"ws-{name}", "-q")
        assert_no_traceback(res)
        assert res.exit_code in (0, 1), res.output
        if res.exit_code == 1:
            assert name in res.output
