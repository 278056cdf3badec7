"""WeChat Pay's transfer API (企业付款, v2) on loopback: to a wallet (``promotion/transfers``,
``gettransferinfo``) and to a bank card (``risk/getpublickey``, ``pay_bank``, ``query_bank``),
each request's signature checked with the merchant key, card number and name decrypted with
the RSA key it hands out. A ``partner_trade_no`` is paid once, as WeChat Pay does.

Knobs: ``lose_answers`` (the transfer is made, the answer is a 500), ``busy`` (``SYSTEMERROR``
and nothing made), ``refuse`` (an openid or holder name → an error code: ``NAME_MISMATCH``…),
``bank_fail`` (a card number → the bank's reason, reported by ``query_bank``).
"""

from __future__ import annotations

import base64
from typing import Any

from aiohttp import web
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from tests.fakes.server import LoopbackServer
from tests.fakes.wechat import APPID, MCH_ID, PAY_KEY


class FakeWeChatTransfers(LoopbackServer):
    def __init__(self) -> None:
        super().__init__()
        self.transfers: dict[str, dict[str, str]] = {}
        """partner_trade_no → what was paid (one entry per transfer made)."""
        self.requests: list[str] = []
        """Every call, by its path's last part (``transfers``, ``gettransferinfo``…)."""
        self.lose_answers = 0
        self.busy = 0
        self.refuse: dict[str, str] = {}
        self.bank_fail: dict[str, str] = {}
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        routes = {
            "/mmpaymkttransfers/promotion/transfers": self.transfer,
            "/mmpaymkttransfers/gettransferinfo": self.transfer_info,
            "/risk/getpublickey": self.public_key,
            "/mmpaysptrans/pay_bank": self.pay_bank,
            "/mmpaysptrans/query_bank": self.query_bank,
        }
        for path, handler in routes.items():
            self.app.router.add_post(path, handler)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    async def _read(self, request: web.Request) -> dict[str, str]:
        import xmltodict
        from wechatpy.pay.utils import calculate_signature

        data = dict(xmltodict.parse(await request.read())["xml"])
        sign = data.pop("sign")
        assert sign == calculate_signature(data, PAY_KEY), "request signature"
        assert data.get("mchid", data.get("mch_id")) == MCH_ID
        self.requests.append(request.path.rsplit("/", 1)[1])
        return data

    @staticmethod
    def _reply(data: dict[str, Any]) -> web.Response:
        from wechatpy.pay.utils import dict_to_xml

        body = {"return_code": "SUCCESS", "result_code": "SUCCESS", **data}
        return web.Response(text=dict_to_xml(body), content_type="text/xml")

    @staticmethod
    def _error(code: str, text: str = "") -> web.Response:
        return FakeWeChatTransfers._reply(
            {"result_code": "FAIL", "err_code": code, "err_code_des": text or code}
        )

    def _trouble(self) -> web.Response | None:
        """``SYSTEMERROR`` with nothing made, when ``busy`` says so."""
        if self.busy:
            self.busy -= 1
            return self._error("SYSTEMERROR", "系统繁忙,请稍后再试")
        return None

    def _answer(self, made: dict[str, str], reply: dict[str, Any]) -> web.Response:
        """The transfer is made; its answer is lost when ``lose_answers`` says so."""
        self.transfers.setdefault(made["partner_trade_no"], made)
        if self.lose_answers:
            self.lose_answers -= 1
            return web.Response(status=500, text="upstream timeout")
        return self._reply(reply)

    async def transfer(self, request: web.Request) -> web.Response:
        data = await self._read(request)
        assert data["mch_appid"] == APPID and data["spbill_create_ip"]
        trouble = self._trouble()
        if trouble is not None:
            return trouble
        number = data["partner_trade_no"]
        code = self.refuse.get(data["openid"]) or self.refuse.get(data.get("re_user_name", ""))
        if code and number not in self.transfers:
            return self._error(code, "真实姓名不一致" if code == "NAME_MISMATCH" else code)
        made = {"kind": "wechat", "openid": data["openid"], "amount": data["amount"]}
        made |= {"name": data.get("re_user_name", ""), "partner_trade_no": number}
        paid = {"partner_trade_no": number, "payment_no": f"1000{number}"}
        return self._answer(made, {"mch_appid": APPID, "mchid": MCH_ID, **paid})

    async def transfer_info(self, request: web.Request) -> web.Response:
        data = await self._read(request)
        made = self.transfers.get(data["partner_trade_no"])
        if made is None:
            return self._error("NOT_FOUND", "指定单号数据不存在")
        return self._reply(
            {
                "partner_trade_no": data["partner_trade_no"],
                "detail_id": f"1000{data['partner_trade_no']}",
                "status": "SUCCESS",
                "payment_amount": made["amount"],
                "openid": made["openid"],
            }
        )

    async def public_key(self, request: web.Request) -> web.Response:
        await self._read(request)
        pem = self._key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.PKCS1
        )
        return self._reply({"mch_id": MCH_ID, "pub_key": pem.decode()})

    def _decrypt(self, text: str) -> str:
        oaep = padding.OAEP(mgf=padding.MGF1(hashes.SHA1()), algorithm=hashes.SHA1(), label=None)
        return self._key.decrypt(base64.b64decode(text), oaep).decode()

    async def pay_bank(self, request: web.Request) -> web.Response:
        data = await self._read(request)
        trouble = self._trouble()
        if trouble is not None:
            return trouble
        number = data["partner_trade_no"]
        made = {
            "kind": "bank",
            "card": self._decrypt(data["enc_bank_no"]),
            "name": self._decrypt(data["enc_true_name"]),
            "bank_code": data["bank_code"],
            "amount": data["amount"],
            "partner_trade_no": number,
        }
        reply = {"mch_id": MCH_ID, "partner_trade_no": number, "amount": data["amount"]}
        return self._answer(made, {**reply, "payment_no": f"2000{number}", "cmms_amt": "0"})

    async def query_bank(self, request: web.Request) -> web.Response:
        data = await self._read(request)
        made = self.transfers.get(data["partner_trade_no"])
        if made is None:
            return self._error("NOT_FOUND", "订单不存在")
        reason = self.bank_fail.get(made["card"], "")
        return self._reply(
            {
                "mch_id": MCH_ID,
                "partner_trade_no": data["partner_trade_no"],
                "payment_no": f"2000{data['partner_trade_no']}",
                "amount": made["amount"],
                "status": "BANK_FAIL" if reason else "SUCCESS",
                "reason": reason,
            }
        )
