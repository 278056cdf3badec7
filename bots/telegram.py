"""Telegram: python-telegram-bot as transport inside our aiohttp server (no Updater, no polling).

``POST /telegram`` checks the secret-token header, reads the update into a neutral event
(``bots.telegram_updates``), runs it through the engine and sends the replies with the Bot API
(inline keyboards for choices, reply keyboards for location and contact requests). Nothing here
knows about booking.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

import orjson
from aiohttp import web
from telegram import (
    BotCommand,
    InlineKeyboardMarkup,
    LabeledPrice,
    ReplyKeyboardMarkup,
)
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import AIORateLimiter, Application, ContextTypes, ExtBot

from bots.telegram_http import AiohttpRequest
from bots.telegram_updates import Checkout, decode, read_update
from conversations.engine import Handled
from conversations.events import Inbound
from conversations.replies import (
    Ask,
    AskContact,
    AskLocation,
    Invoice,
    Link,
    Option,
    Photo,
    Reply,
    Say,
)
from domain.errors import DeliveryFailed
from domain.media import BadPhoto

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_UPDATE_BYTES = 1024 * 1024
COMMANDS = [
    ("start", "开始 / start"),
    ("book", "预约服务 / book a service"),
    ("orders", "我的订单 / my orders"),
    ("reorder", "再来一单 / book again"),
    ("recurring", "定期预约 / recurring bookings"),
    ("support", "联系客服 / contact support"),
    ("menu", "主菜单 / main menu"),
    ("help", "帮助 / help"),
    ("lang", "中文/English"),
    ("cancel", "取消 / cancel"),
]
ALLOWED_UPDATES = ["message", "callback_query", "pre_checkout_query"]
MAX_TEXT = 4096
"""A message's text, in characters (Bot API)."""
MAX_ROWS = 20
"""Inline keyboard rows merged into one message at most (Telegram allows 100 buttons)."""


ClientApplication = Application[
    ExtBot[int], ContextTypes.DEFAULT_TYPE, dict[Any, Any], dict[Any, Any], dict[Any, Any], None
]
"""What ``build_application`` builds: PTB's default context types (no handlers use them), an
``AIORateLimiter`` (its per-call ``rate_limit_args`` is an int) and no job queue."""


def build_application(
    token: str, api_base: str, file_base: str, rate_per_second: int = 30
) -> ClientApplication:
    """A PTB Application used only as a Bot API client, within Telegram's sending limits
    (``rate_per_second`` overall — Telegram allows 30 — and 20 a minute per group; a
    RetryAfter is waited out and retried)."""
    limiter = AIORateLimiter(overall_max_rate=rate_per_second, max_retries=2)
    return (
        Application.builder()
        .token(token)
        .base_url(api_base)
        .base_file_url(file_base)
        .updater(None)
        .job_queue(None)
        .rate_limiter(limiter)
        .request(AiohttpRequest())
        .get_updates_request(AiohttpRequest(pool_size=1))
        .build()
    )


def _keyboard(options: tuple[Option, ...]) -> list[list[dict[str, Any]]]:
    """An inline keyboard's rows (Bot API JSON): three short labels a row, else one."""
    width = 3 if all(len(o.label) <= 6 for o in options) else 1
    return [
        [{"text": o.label, "callback_data": o.key} for o in options[i : i + width]]
        for i in range(0, len(options), width)
    ]


def messages(replies: list[Reply]) -> list[dict[str, Any]]:  # noqa: C901 - a case per reply
    """Bot API calls for the replies, keyboards as Bot API JSON (the webhook answer sends them
    as they are; ``TelegramBot._call`` makes PTB objects of them), in as few messages as the
    keyboards allow: plain texts (and questions without options) are folded into the next
    message, and inline keyboards that follow each other (a link, then a question) share one
    message. Fewer messages read better and stay further from Telegram's 30 a second."""
    calls: list[dict[str, Any]] = []
    pending: list[str] = []

    def text(own: str) -> str:
        joined = "\n\n".join([*pending, own]) if own else "\n\n".join(pending)
        pending.clear()
        return joined

    def inline(own: str, rows: list[list[dict[str, Any]]]) -> None:
        last = calls[-1] if calls and not pending else None
        before = _inline_rows(last) if last is not None else None
        if last is not None and before is not None:
            merged = f"{last['text']}\n\n{own}"
            if len(merged) <= MAX_TEXT and len(before) + len(rows) <= MAX_ROWS:
                last["text"] = merged
                last["reply_markup"] = {"inline_keyboard": [*before, *rows]}
                return
        markup = {"inline_keyboard": rows}
        calls.append({"method": "send_message", "text": text(own), "reply_markup": markup})

    for reply in replies:
        match reply:
            case Say(text=t) | Ask(text=t, options=()):
                pending.append(t)
            case Ask(text=t, options=options):
                inline(t, _keyboard(options))
            case Link(text=t, url=url, label=label):
                inline(t, [[{"text": label, "url": url}]])
            case AskLocation(text=t) | AskContact(text=t):
                request = (
                    "request_location" if isinstance(reply, AskLocation) else "request_contact"
                )
                markup = {
                    "keyboard": [[{"text": t, request: True}]],
                    "one_time_keyboard": True,
                    "resize_keyboard": True,
                }
                calls.append({"method": "send_message", "text": text(t), "reply_markup": markup})
            case Photo(url=url, caption=caption):
                if pending:
                    calls.append({"method": "send_message", "text": text("")})
                calls.append({"method": "send_photo", "photo": url, "caption": caption})
            case Invoice(title=title, description=description, payload=payload, prices=prices):
                if pending:
                    calls.append({"method": "send_message", "text": text("")})
                calls.append(
                    {
                        "method": "send_invoice",
                        "title": title[:32],
                        "description": description[:255],
                        "payload": payload,
                        "prices": [LabeledPrice(label, fen) for label, fen in prices],
                    }
                )
    if pending:
        calls.append({"method": "send_message", "text": text("")})
    return calls


def _inline_rows(call: dict[str, Any]) -> list[list[dict[str, Any]]] | None:
    """The inline keyboard's rows of a text message, or None."""
    markup = call.get("reply_markup")
    if call["method"] != "send_message" or not isinstance(markup, dict):
        return None
    rows = markup.get("inline_keyboard")
    return rows if isinstance(rows, list) else None


def webhook_reply(chat_id: int, call: dict[str, Any]) -> dict[str, Any]:
    """A Bot API call as a webhook response body (Telegram executes it after our answer)."""
    method = {"send_photo": "sendPhoto", "send_invoice": "sendInvoice"}.get(
        call["method"], "sendMessage"
    )
    body: dict[str, Any] = {"method": method, "chat_id": chat_id}
    for key, value in call.items():
        if key == "method" or value is None:
            continue
        if isinstance(value, list):
            value = [v.to_dict() if hasattr(v, "to_dict") else v for v in value]
        body[key] = value.to_dict() if hasattr(value, "to_dict") else value
    return body


def _json(body: dict[str, Any]) -> web.Response:
    """A webhook answer (orjson: UTF-8, compact; a sixth of ``json.dumps``' time)."""
    return web.Response(body=orjson.dumps(body), content_type="application/json")


class TelegramBot:
    """The ``/telegram`` route and the sender the messenger uses for Telegram users."""

    def __init__(
        self,
        *,
        application: ClientApplication,
        secret: str,
        handle: Callable[[Inbound], Awaitable[Handled]],
        rejected: Callable[[str], None],
        clock: Callable[[], datetime],
        payment_token: str = "",
        currency: str = "CNY",
        check_checkout: Callable[[str, int], Awaitable[str | None]] | None = None,
    ) -> None:
        self.application = application
        self.payment_token = payment_token
        self.currency = currency
        self._check_checkout = check_checkout
        self._secret = secret.encode()
        self._handle = handle
        self._rejected = rejected
        self._clock = clock
        self.max_file_bytes = 8 * 1024 * 1024

    async def start(self, *, public_url: str | None) -> None:
        """Initialise the bot (getMe); with ``public_url`` also register webhook and menu."""
        await self.application.initialize()
        if public_url is not None:
            bot = self.application.bot
            await bot.set_webhook(
                f"{public_url.rstrip('/')}/telegram",
                secret_token=self._secret.decode(),
                allowed_updates=ALLOWED_UPDATES,
            )
            commands = [BotCommand(c, d) for c, d in COMMANDS]
            await bot.set_my_commands(commands)
            await bot.set_my_commands(commands, language_code="zh")

    async def stop(self) -> None:
        await self.application.shutdown()

    async def webhook(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            self._rejected("telegram")
            raise web.HTTPForbidden(text="bad secret token")
        if (request.content_length or 0) > MAX_UPDATE_BYTES:
            self._rejected("telegram")
            raise web.HTTPRequestEntityTooLarge(
                max_size=MAX_UPDATE_BYTES, actual_size=request.content_length or 0
            )
        try:
            update = read_update(decode(await request.read()), self._clock())
        except ValueError:  # malformed JSON or BadUpdate
            self._rejected("telegram")
            raise web.HTTPBadRequest(text="not a Telegram update") from None
        if update.checkout is not None:
            return _json(await self._pre_checkout(update.checkout))
        answering = None
        if update.callback_id is not None:  # stop the button's spinner while we work
            answering = asyncio.ensure_future(self._answer_callback(update.callback_id))
        try:
            event = update.event
            if event is None:
                return _json({})
            handled = await self._handle(event)
        finally:
            if answering is not None:
                await answering
        if handled.status == "rejected" or not handled.replies:
            return _json({})
        # a duplicate carries the first attempt's answer: Telegram only sends an update
        # again when it did not get our answer to it
        calls = [self._complete(c) for c in messages(handled.replies)]
        await self._send_calls(event.user_id, calls[:-1])
        # the last message rides on the webhook response: one Bot API round trip fewer
        return _json(webhook_reply(int(event.user_id), calls[-1]))

    def _complete(self, call: dict[str, Any]) -> dict[str, Any]:
        """Add what only the bot knows (the payments provider token) to an invoice."""
        if call["method"] == "send_invoice":
            return {**call, "provider_token": self.payment_token, "currency": self.currency}
        return call

    async def _pre_checkout(self, query: Checkout) -> dict[str, Any]:
        """Re-check the order before Telegram charges (answered within Telegram's 10 s)."""
        error = "payment unavailable"
        if self._check_checkout is not None and query.currency == self.currency:
            error = await self._check_checkout(query.payload, query.total_amount) or ""
        body: dict[str, Any] = {
            "method": "answerPreCheckoutQuery",
            "pre_checkout_query_id": query.id,
            "ok": not error,
        }
        if error:
            body["error_message"] = error[:200]
        return body

    async def _answer_callback(self, query_id: str) -> None:
        """Stop the button's spinner: one small call per button press, posted as JSON through
        our HTTP session (about 75 µs of CPU where PTB's method took 105). It skips PTB's rate
        limiter, which paces the messages we send; a failure ("query is too old") is only
        logged."""
        bot = self.application.bot
        request = bot.request
        try:
            if not isinstance(request, AiohttpRequest):
                await bot.answer_callback_query(query_id)
                return
            status, body = await request.post_json(
                f"{bot.base_url}/answerCallbackQuery",
                orjson.dumps({"callback_query_id": query_id}),
            )
        except TelegramError as exc:
            log.info("answerCallbackQuery failed: %s", exc)
            return
        if status != 200:
            log.info("answerCallbackQuery failed: %s %s", status, body[:200])

    async def send(
        self,
        user_id: str,
        replies: list[Reply],
        template: dict[str, Any] | None = None,
        skip: int = 0,
        lang: str = "zh",
    ) -> None:
        """Messenger entry: send replies outside a webhook turn, from part ``skip`` on;
        raises ``DeliveryFailed`` (permanent when the person blocked the bot or the chat is
        gone, with ``retry_after`` when Telegram asked to slow down)."""
        calls = messages(replies)
        for sent, call in enumerate(calls[skip:], skip):
            try:
                await self._call(user_id, call)
            except RetryAfter as exc:
                wait = exc.retry_after
                seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
                raise DeliveryFailed(str(exc), sent=sent, retry_after=seconds) from exc
            except (Forbidden, BadRequest) as exc:
                raise DeliveryFailed(str(exc), sent=sent, permanent=True) from exc
            except TelegramError as exc:  # network, timeouts, Telegram's own trouble
                raise DeliveryFailed(str(exc), sent=sent) from exc

    async def _send_calls(self, user_id: str, calls: list[dict[str, Any]]) -> None:
        """The replies of a turn before the last one (which rides on the webhook answer)."""
        for call in calls:
            try:
                await self._call(user_id, call)
            except TelegramError as exc:
                log.warning("telegram %s to %s failed: %s", call["method"], user_id, exc)

    async def _call(self, user_id: str, call: dict[str, Any]) -> None:
        bot = self.application.bot
        call = self._complete(call)
        params = {k: v for k, v in call.items() if k != "method"}
        markup = params.get("reply_markup")
        if markup is not None:
            kind = InlineKeyboardMarkup if "inline_keyboard" in markup else ReplyKeyboardMarkup
            params["reply_markup"] = kind.de_json(markup, bot)
        if call["method"] == "send_photo":
            await bot.send_photo(int(user_id), **params)
        elif call["method"] == "send_invoice":
            await bot.send_invoice(int(user_id), **params)
        else:
            await bot.send_message(int(user_id), **params)

    async def download(self, file_id: str) -> bytes:
        """The bytes of a file a user sent (a photo), refusing oversized files unread."""
        file = await self.application.bot.get_file(file_id)
        if file.file_size and file.file_size > self.max_file_bytes:
            raise BadPhoto(f"图片太大 / the photo is too large ({file.file_size} bytes)")
        return bytes(await file.download_as_bytearray())

    def setup(self, app: web.Application) -> None:
        app.router.add_post("/telegram", self.webhook)
