"""The webhook benchmark's rig: the fake WeChat API and Telegram Bot API the servers talk to,
the signed WeChat requests and Telegram updates the simulated users send, and what the
benchmark reads afterwards (the server's processes and memory, the bookings in the
database)."""

from __future__ import annotations

import hashlib
import itertools
import socket
import time
import uuid
from pathlib import Path

from aiohttp import web

WECHAT_TOKEN = "bench-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class FakeWeChatApi:
    """Answers token and customer-service calls (slow turns fall back to those)."""

    def __init__(self) -> None:
        self.sent = 0
        self.paid: set[str] = set()

    async def handle(self, request: web.Request) -> web.Response:
        path = request.match_info["path"]
        if path == "stable_token":
            return web.json_response({"access_token": "T", "expires_in": 7200})
        body = await request.json()
        if path == "message/custom/send":
            self.sent += 1
            if "支付成功" in body["text"]["content"]:
                self.paid.add(body["touser"])
        return web.json_response({"errcode": 0, "errmsg": "ok"})


WECHAT_API = FakeWeChatApi()


class FakeBotApi:
    """Answers the bot's Bot API calls; counts the messages it was sent."""

    def __init__(self) -> None:
        self.sent = 0
        self.paid = 0
        self.ids = itertools.count(1)

    async def handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if method == "getMe":
            return web.json_response(
                {
                    "ok": True,
                    "result": {
                        "id": 1,
                        "is_bot": True,
                        "first_name": "bench",
                        "username": "bench_bot",
                    },
                }
            )
        if method == "sendMessage":
            form = (
                await request.json()
                if request.content_type == "application/json"
                else await request.post()
            )
            self.sent += 1
            if "支付成功" in str(form.get("text", "")):
                self.paid += 1
            return web.json_response(
                {
                    "ok": True,
                    "result": {
                        "message_id": next(self.ids),
                        "date": 0,
                        "chat": {"id": int(str(form["chat_id"])), "type": "private"},
                    },
                }
            )
        return web.json_response({"ok": True, "result": True})


def wechat_query() -> dict[str, str]:
    ts, nonce = str(int(time.time())), uuid.uuid4().hex[:10]
    sig = hashlib.sha1("".join(sorted([WECHAT_TOKEN, ts, nonce])).encode()).hexdigest()
    return {"signature": sig, "timestamp": ts, "nonce": nonce}


_msg = itertools.count(10**12)


def wechat_xml(openid: str, text: str | None) -> bytes:
    head = (
        f"<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA["
        f"{openid}]]></FromUserName><CreateTime>{int(time.time())}</CreateTime>"
    )
    if text is None:
        return (
            head + "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]>"
            "</Event><EventKey><![CDATA[]]></EventKey></xml>"
        ).encode()
    return (
        head + f"<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{text}]]></Content>"
        f"<MsgId>{next(_msg)}</MsgId></xml>"
    ).encode()


_update = itertools.count(10**9)


def telegram_update(uid: int, kind: str, value: str) -> dict:
    user = {"id": uid, "is_bot": False, "first_name": "U", "language_code": "zh-hans"}
    if kind == "choice":
        return {
            "update_id": next(_update),
            "callback_query": {
                "id": str(next(_update)),
                "from": user,
                "chat_instance": "c",
                "data": value,
                "message": {"message_id": 1, "date": 0, "chat": {"id": uid, "type": "private"}},
            },
        }
    message = {
        "message_id": next(_update),
        "date": 0,
        "chat": {"id": uid, "type": "private"},
        "from": user,
        "text": value,
    }
    if value.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(value)}]
    return {"update_id": next(_update), "message": message}


def children(pid: int) -> list[int]:
    """The child processes of ``pid`` (a ``--workers`` supervisor's workers)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(x) for x in (task / "children").read_text().split()]
    return found


def workers_of(pid: int) -> list[int]:
    """A ``--workers`` supervisor's workers (not multiprocessing's resource tracker)."""
    return [
        child
        for child in children(pid)
        if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes()
    ]


def rss_mb(pid: int) -> float:
    """Resident memory of a process, MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def verify(url: str, expected: int) -> dict[str, int]:
    """What the round left in the database: every booking placed once and paid."""
    from sqlalchemy import text

    from store.db import create_engine

    engine = create_engine(url)
    async with engine.connect() as conn:
        orders = await conn.scalar(text("SELECT count(*) FROM orders"))
        paid = await conn.scalar(
            text("SELECT count(DISTINCT order_id) FROM payments WHERE status = 'succeeded'")
        )
        unpaid = await conn.scalar(
            text("SELECT count(*) FROM orders WHERE status = 'awaiting_payment'")
        )
        duplicated = await conn.scalar(
            text(
                "SELECT count(*) FROM (SELECT customer_id FROM orders GROUP BY customer_id "
                "HAVING count(*) > 1) AS d"
            )
        )
        customers = await conn.scalar(text("SELECT count(*) FROM customers"))
    await engine.dispose()
    return {
        "expected": expected,
        "orders": orders or 0,
        "paid": paid or 0,
        "unpaid": unpaid or 0,
        "duplicated": duplicated or 0,
        "customers": customers or 0,
    }
