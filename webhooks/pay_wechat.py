"""WeChat Pay routes: ``POST /pay/wechat/notify`` (signature, merchant and amount checked;
credited once) and ``GET /pay/wechat/{reference}`` (the JSAPI page opened in WeChat, or the
Native QR code elsewhere, e.g. for the web chat; only for links the gateway signed)."""

from __future__ import annotations

import json
import logging

import segno
from aiohttp import web
from markupsafe import Markup

from bots.wechat_pay import WeChatPayGateway
from conversations.events import Failed
from domain.commands import ConfirmPayment
from domain.text import N_
from webhooks.keys import METRICS, SERVICES
from webhooks.pay_sandbox import TEMPLATES, payer_lang

log = logging.getLogger(__name__)
MAX_NOTIFY = 32 * 1024
WORDS = {
    "title": N_("微信支付"),
    "opening": N_("正在打开微信支付…"),
    "paid": N_("支付成功,可返回聊天"),
    "not_paid": N_("未完成支付"),
    "scan": N_("请用微信扫一扫支付:"),
    "open_in_wechat": N_("请在微信中打开此页面。"),
    "reference": N_("参考号"),
}
"""The payment page's words; it speaks the order's language (``Order.lang``)."""
OK = (
    "<xml><return_code><![CDATA[SUCCESS]]></return_code>"
    "<return_msg><![CDATA[OK]]></return_msg></xml>"
)


def _fail(msg: str, status: int = 200) -> web.Response:
    return web.Response(
        status=status,
        content_type="application/xml",
        text=f"<xml><return_code><![CDATA[FAIL]]></return_code>"
        f"<return_msg><![CDATA[{msg}]]></return_msg></xml>",
    )


def setup(app: web.Application, gateway: WeChatPayGateway) -> None:
    async def notify(request: web.Request) -> web.Response:
        if (request.content_length or 0) > MAX_NOTIFY:
            raise web.HTTPRequestEntityTooLarge(
                max_size=MAX_NOTIFY, actual_size=request.content_length or 0
            )
        body = await request.read()
        try:
            if len(body) > MAX_NOTIFY:  # sent chunked, without a length to refuse it by
                raise ValueError("notification too long")
            data = gateway.parse_notification(body)
            reference, amount = str(data["out_trade_no"]), int(data["total_fee"])
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("WeChat Pay notification refused: %s", exc)
            request.app[METRICS].message("wechat", "rejected")
            return _fail("invalid", status=400)
        results = await request.app[SERVICES].run(
            ConfirmPayment(
                reference,
                gateway.name,
                str(data.get("transaction_id", "")),
                amount,
                notify_customer=True,
            )
        )
        if results and isinstance(results[0], Failed):
            log.warning(
                "WeChat Pay notification %s not credited: %s",
                reference,
                results[0].message.get("en"),
            )
            return _fail("not credited")
        return web.Response(text=OK, content_type="application/xml")

    async def page(request: web.Request) -> web.Response:
        reference = request.match_info["reference"]
        found = gateway.page_params(reference, request.query)
        if found is None:
            raise web.HTTPNotFound(text="unknown payment link")
        prepay, code = found
        params = json.dumps(gateway.jsapi_params(prepay)) if prepay and not code else ""
        qr = segno.make(code, error="m").svg_inline(scale=6, title=code) if code else ""
        lang = await payer_lang(request.app, reference)
        words = {key: text.get(lang) for key, text in WORDS.items()}
        html = TEMPLATES.get_template("pay_wechat.html").render(
            reference=reference,
            params=params,
            code=code,
            qr=Markup(qr),
            w=words,
            html_lang="en" if lang == "en" else "zh-CN",
        )
        return web.Response(text=html, content_type="text/html")

    app.router.add_post("/pay/wechat/notify", notify)
    app.router.add_get("/pay/wechat/{reference}", page)
