"""A fake WeChat API on loopback, and a client that signs messages like WeChat's servers."""

from __future__ import annotations

import hashlib
import itertools
import re
import secrets
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from aiohttp import web
from wechatpy.crypto import WeChatCrypto
from wechatpy.utils import check_signature

from tests.fakes.server import LoopbackServer

APPID = "wx1234567890abcdef"
SECRET = "wechat-app-secret"
TOKEN = "wechat-token"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"


class FakeWeChat(LoopbackServer):
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any], dict[str, str]]] = []  # accepted
        self.refused: list[tuple[str, dict[str, Any], dict[str, str]]] = []
        self.token_fetches = 0
        self.fail_next = 0
        self.fail_path: dict[str, list[int]] = {}
        """API path → errcodes its next calls get, in order (0: that call goes through)."""
        self.expire_next = 0
        self.media: dict[str, tuple[bytes, str]] = {}
        super().__init__()
        self.app.router.add_post("/cgi-bin/stable_token", self.stable_token)
        self.app.router.add_post("/cgi-bin/{path:.*}", self.api)
        self.app.router.add_get("/cgi-bin/media/get", self.media_get)
        self.app.router.add_get("/cgi-bin/showqrcode", self.show_qrcode)
        self.qrcodes: dict[str, str] = {}
        """Ticket → the scene string of each parametric QR code made (``qrcode/create``)."""

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/cgi-bin/"

    def texts(self, openid: str | None = None) -> list[str]:
        return [
            p["text"]["content"]
            for path, p, _ in self.calls
            if path == "message/custom/send" and (openid is None or p["touser"] == openid)
        ]

    def templates(self, openid: str | None = None) -> list[dict[str, Any]]:
        return [
            p
            for path, p, _ in self.calls
            if path == "message/template/send" and (openid is None or p["touser"] == openid)
        ]

    async def stable_token(self, request: web.Request) -> web.Response:
        body = await request.json()
        if body.get("appid") != APPID or body.get("secret") != SECRET:
            return web.json_response({"errcode": 40013, "errmsg": "invalid appid"})
        self.token_fetches += 1
        return web.json_response(
            {"access_token": f"TOKEN{self.token_fetches}", "expires_in": 7200}
        )

    async def api(self, request: web.Request) -> web.Response:
        path = request.match_info["path"]
        call = (path, await request.json(), dict(request.query))
        if request.query.get("access_token") != f"TOKEN{self.token_fetches}":
            error = {"errcode": 40001, "errmsg": "invalid credential"}
        elif self.expire_next:
            self.expire_next -= 1
            error = {"errcode": 42001, "errmsg": "access_token expired"}
        elif self.fail_next:
            self.fail_next -= 1
            error = {"errcode": -1, "errmsg": "system busy"}
        elif self.fail_path.get(path) and (code := self.fail_path[path].pop(0)):
            error = {"errcode": code, "errmsg": "refused by the fake"}
        else:
            self.calls.append(call)
            if path == "qrcode/create":
                return web.json_response(self._qrcode(call[1]))
            return web.json_response({"errcode": 0, "errmsg": "ok"})
        self.refused.append(call)
        return web.json_response(error)

    def _qrcode(self, body: dict[str, Any]) -> dict[str, Any]:
        """A temporary QR code with a scene string, as WeChat answers ``qrcode/create``."""
        assert body["action_name"] == "QR_STR_SCENE", body
        assert 0 < body["expire_seconds"] <= 2_592_000, body
        scene = body["action_info"]["scene"]["scene_str"]
        assert 0 < len(scene) <= 64, scene
        ticket = f"gQH47joAAAAAAAAAASxodHRwOi8v/{len(self.qrcodes) + 1}=="
        self.qrcodes[ticket] = scene
        return {"ticket": ticket, "expire_seconds": body["expire_seconds"], "url": scene}

    def scenes(self) -> list[str]:
        """The scene strings of the QR codes made, in order."""
        return [
            p["action_info"]["scene"]["scene_str"]
            for path, p, _ in self.calls
            if path == "qrcode/create"
        ]

    async def show_qrcode(self, request: web.Request) -> web.Response:
        """The QR code's image by its ticket (WeChat's ``showqrcode``; a real one is a JPEG)."""
        if request.query.get("ticket", "") not in self.qrcodes:
            return web.Response(status=404)
        return web.Response(body=PNG, content_type="image/png")

    async def media_get(self, request: web.Request) -> web.Response:
        found = self.media.get(request.query.get("media_id", ""))
        if found is None:
            return web.json_response({"errcode": 40007, "errmsg": "invalid media_id"})
        data, content_type = found
        return web.Response(body=data, content_type=content_type)


_msg_ids = itertools.count(6_000_000_000)


def _cdata(text: str) -> str:
    return text.replace("]]>", "]]]]><![CDATA[>")


def text_xml(openid: str, content: str, msg_id: int | None = None, at: int | None = None) -> str:
    return (
        f"<xml><ToUserName><![CDATA[gh_daojia]]></ToUserName>"
        f"<FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{at or int(time.time())}</CreateTime>"
        f"<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{_cdata(content)}]]></Content>"
        f"<MsgId>{msg_id or next(_msg_ids)}</MsgId></xml>"
    )


def event_xml(openid: str, event: str, key: str = "", at: int | None = None) -> str:
    return (
        f"<xml><ToUserName><![CDATA[gh_daojia]]></ToUserName>"
        f"<FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{at or int(time.time())}</CreateTime>"
        f"<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[{event}]]></Event>"
        f"<EventKey><![CDATA[{key}]]></EventKey></xml>"
    )


def location_xml(openid: str, lat: float, lon: float, label: str) -> str:
    return (
        f"<xml><ToUserName><![CDATA[gh_daojia]]></ToUserName>"
        f"<FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[location]]></MsgType>"
        f"<Location_X>{lat}</Location_X><Location_Y>{lon}</Location_Y><Scale>15</Scale>"
        f"<Label><![CDATA[{label}]]></Label><MsgId>{next(_msg_ids)}</MsgId></xml>"
    )


def location_event_xml(openid: str, lat: float, lon: float, at: int | None = None) -> str:
    """The location WeChat reports by itself (a follower who allowed it, in the chat): the
    phone's GPS reading (WGS-84), no MsgId, known by its sender and CreateTime."""
    return (
        f"<xml><ToUserName><![CDATA[gh_daojia]]></ToUserName>"
        f"<FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{at or int(time.time())}</CreateTime>"
        f"<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[LOCATION]]></Event>"
        f"<Latitude>{lat}</Latitude><Longitude>{lon}</Longitude><Precision>65.0</Precision></xml>"
    )


class WeChatServer:
    """Signs (and in safe mode encrypts) messages the way WeChat's servers do: stamped with
    ``clock`` (give it the app's clock: the app refuses timestamps outside its replay window)
    and a random nonce."""

    def __init__(self, aes: bool = False, *, clock: Callable[[], datetime]) -> None:
        self.crypto = WeChatCrypto(TOKEN, AES_KEY, APPID) if aes else None
        self.clock = clock

    def timestamp(self) -> str:
        return str(int(self.clock().timestamp()))

    def query(self, timestamp: str | None = None, nonce: str | None = None) -> dict[str, str]:
        """A signed query string (now and a fresh nonce unless given)."""
        timestamp = self.timestamp() if timestamp is None else timestamp
        nonce = str(secrets.randbelow(10**10)) if nonce is None else nonce
        signature = hashlib.sha1("".join(sorted([TOKEN, timestamp, nonce])).encode()).hexdigest()
        check_signature(TOKEN, signature, timestamp, nonce)
        return {"signature": signature, "timestamp": timestamp, "nonce": nonce, "openid": "x"}

    def request(
        self, xml: str, timestamp: str | None = None, nonce: str | None = None
    ) -> tuple[dict[str, str], bytes]:
        query = self.query(timestamp, nonce)
        timestamp, nonce = query["timestamp"], query["nonce"]
        if self.crypto is None:
            return query, xml.encode()
        encrypted = self.crypto.encrypt_message(xml, nonce, timestamp)
        query["encrypt_type"] = "aes"
        query["msg_signature"] = re.search(
            r"<MsgSignature><!\[CDATA\[(.*?)\]\]>", encrypted
        ).group(1)
        return query, encrypted.encode()

    def read_reply(self, body: str, query: dict[str, str]) -> str:
        """The reply's plaintext XML (decrypted in safe mode)."""
        if self.crypto is None or body == "success":
            return body
        signature = re.search(r"<MsgSignature><!\[CDATA\[(.*?)\]\]>", body).group(1)
        timestamp = re.search(r"<TimeStamp>(.*?)</TimeStamp>", body).group(1)
        nonce = re.search(r"<Nonce><!\[CDATA\[(.*?)\]\]>", body).group(1)
        return self.crypto.decrypt_message(body, signature, timestamp, nonce)


def image_xml(openid: str, media_id: str) -> str:
    return (
        f"<xml><ToUserName><![CDATA[gh_daojia]]></ToUserName>"
        f"<FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[image]]></MsgType>"
        f"<PicUrl><![CDATA[http://mmbiz.example/{media_id}]]></PicUrl>"
        f"<MediaId><![CDATA[{media_id}]]></MediaId><MsgId>{next(_msg_ids)}</MsgId></xml>"
    )


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


PAY_KEY = "0123456789abcdef0123456789abcdef"
MCH_ID = "1900000109"


class FakeWeChatPay(LoopbackServer):
    """The WeChat Pay v2 gateway: unified orders, refunds; and signing notifications."""

    def __init__(self) -> None:
        self.orders: dict[str, dict[str, str]] = {}
        self.refunds: list[dict[str, str]] = []
        self.fail_refunds = 0
        super().__init__()
        self.app.router.add_post("/pay/unifiedorder", self.unifiedorder)
        self.app.router.add_post("/secapi/pay/refund", self.refund)
        self.app.router.add_post("/pay/orderquery", self.orderquery)
        self.paid: set[str] = set()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def settings(self) -> dict[str, str]:
        """The settings that point WeChat Pay (merchant, key, API base) at this fake."""
        return {
            "wechat_pay_mch_id": MCH_ID,
            "wechat_pay_key": PAY_KEY,
            "wechat_pay_api_base": self.base_url,
        }

    @staticmethod
    def _parse(body: bytes) -> dict[str, str]:
        import xmltodict
        from wechatpy.pay.utils import calculate_signature

        data = dict(xmltodict.parse(body)["xml"])
        sign = data.pop("sign")
        assert sign == calculate_signature(data, PAY_KEY), "request signature"
        return data

    @staticmethod
    def _reply(data: dict[str, str]) -> web.Response:
        from wechatpy.pay.utils import calculate_signature, dict_to_xml

        return web.Response(
            text=dict_to_xml(data, calculate_signature(data, PAY_KEY)), content_type="text/xml"
        )

    async def unifiedorder(self, request: web.Request) -> web.Response:
        data = self._parse(await request.read())
        self.orders[data["out_trade_no"]] = data
        reply = {
            "return_code": "SUCCESS",
            "result_code": "SUCCESS",
            "appid": data["appid"],
            "mch_id": data["mch_id"],
            "nonce_str": "n1",
            "trade_type": data["trade_type"],
            "prepay_id": f"wx{data['out_trade_no']}",
        }
        if data["trade_type"] == "NATIVE":
            reply["code_url"] = f"weixin://wxpay/bizpayurl?pr={data['out_trade_no']}"
        return self._reply(reply)

    async def orderquery(self, request: web.Request) -> web.Response:
        data = self._parse(await request.read())
        order = self.orders.get(data["out_trade_no"], {})
        state = "SUCCESS" if data["out_trade_no"] in self.paid else "NOTPAY"
        return self._reply(
            {
                "return_code": "SUCCESS",
                "result_code": "SUCCESS",
                "appid": data["appid"],
                "mch_id": data["mch_id"],
                "trade_state": state,
                "out_trade_no": data["out_trade_no"],
                "total_fee": order.get("total_fee", "0"),
                "transaction_id": f"4200{data['out_trade_no']}",
            }
        )

    async def refund(self, request: web.Request) -> web.Response:
        data = self._parse(await request.read())
        if self.fail_refunds:
            self.fail_refunds -= 1
            return self._reply(
                {
                    "return_code": "SUCCESS",
                    "result_code": "FAIL",
                    "err_code": "SYSTEMERROR",
                    "err_code_des": "busy",
                }
            )
        self.refunds.append(data)
        return self._reply(
            {
                "return_code": "SUCCESS",
                "result_code": "SUCCESS",
                "appid": data["appid"],
                "mch_id": data["mch_id"],
                "out_refund_no": data["out_refund_no"],
                "refund_id": f"R{data['out_refund_no']}",
                "refund_fee": data["refund_fee"],
            }
        )

    def notification(
        self,
        out_trade_no: str,
        total_fee: int,
        *,
        key: str = PAY_KEY,
        appid: str = APPID,
        result: str = "SUCCESS",
    ) -> bytes:
        """A payment notification as WeChat Pay would send it, signed with ``key``."""
        from wechatpy.pay.utils import calculate_signature, dict_to_xml

        data = {
            "appid": appid,
            "mch_id": MCH_ID,
            "nonce_str": "abc",
            "result_code": result,
            "return_code": "SUCCESS",
            "openid": "o-payer",
            "trade_type": "JSAPI",
            "bank_type": "CFT",
            "total_fee": str(total_fee),
            "cash_fee": str(total_fee),
            "transaction_id": f"4200{out_trade_no}",
            "out_trade_no": out_trade_no,
            "time_end": "20261124100000",
        }
        return dict_to_xml(data, calculate_signature(data, key)).encode()
