"""Telegram: python-telegram-bot as transport inside our aiohttp server (no Updater, no polling).

``POST /telegram`` checks the secret-token header, reads the update into a neutral event
(``bots.telegram_updates``), runs it through the engine and sends the replies with the Bot API
(inline keyboards for choices, reply keyboards for location and contact requests). A pressed
button is acknowledged and its message's keyboard edited away at once, so an answered question
cannot be answered again. Nothing here knows about booking.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from functools import partial
from typing import Any, Protocol
from urllib.parse import quote

import orjson
from aiohttp import web
from pydantic import SecretStr
from telegram import InlineKeyboardMarkup, ReplyKeyboardMarkup
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from bots.channel import Capabilities, Channel, Delivered, Handle, Host, Pushes, Resources
from bots.telegram_http import (
    AiohttpRequest,
    ClientApplication,
    build_application,
    post_json_paced,
)
from bots.telegram_menu import command_menu
from bots.telegram_messages import messages, webhook_reply
from bots.telegram_updates import Checkout, decode, read_update
from conversations.engine import Handled
from conversations.events import Inbound
from conversations.replies import Reply
from conversations.services.notices import QUIET, Notice
from domain.errors import DeliveryFailed
from domain.media import BadPhoto
from domain.referrals import InviteLink
from domain.text import N_

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_UPDATE_BYTES = 1024 * 1024
ALLOWED_UPDATES = ["message", "callback_query", "pre_checkout_query"]
EDITS_DRAIN_S = 5.0
"""How long stopping waits for keyboard edits and notes of pushes under way."""


def _json(body: dict[str, Any]) -> web.Response:
    """A webhook answer (orjson: UTF-8, compact; a sixth of ``json.dumps``' time)."""
    return web.Response(body=orjson.dumps(body), content_type="application/json")


class TelegramSettings(Protocol):
    """What the Telegram channel reads of the settings (``DAOJIA_TELEGRAM_*``)."""

    telegram_token: SecretStr | None
    telegram_secret: SecretStr | None
    telegram_api_base: str
    telegram_file_base: str
    telegram_payment_token: SecretStr | None
    telegram_rate_per_second: int


class TelegramBot(Channel):
    """The ``/telegram`` route and the sender the messenger uses for Telegram users."""

    name = "telegram"
    capabilities = Capabilities(
        buttons=True,
        location=True,
        contact=True,
        payments="telegram",  # Telegram Payments (bots.payments), with a provider token
        template_messages=False,
        passive_replies=True,
        notice_overrides="telegram",
    )

    def __init__(
        self,
        *,
        application: ClientApplication,
        secret: str,
        handle: Handle,
        rejected: Callable[[str], None],
        clock: Callable[[], datetime],
        payment_token: str = "",
        currency: str = "CNY",
        check_checkout: Callable[[str, int], Awaitable[str | None]] | None = None,
        public_url: str | None = None,
        delivered: Delivered | None = None,
    ) -> None:
        self.application = application
        self.payment_token = payment_token
        self.currency = currency
        self._check_checkout = check_checkout
        self._secret = secret.encode()
        self._handle = handle
        self._rejected = rejected
        self._clock = clock
        self.pushes = Pushes(self.name, (TelegramError,), delivered)
        self._public_url = public_url
        """Where ``start`` tells Telegram to deliver updates (``daojia serve``), or None."""
        self.max_file_bytes = 8 * 1024 * 1024
        self._edits: set[asyncio.Task[None]] = set()
        """Keyboards being taken off pressed messages (see ``_clear_keyboard``)."""

    @classmethod
    def configure(cls, settings: TelegramSettings, host: Host) -> TelegramBot | None:
        """The bot of ``DAOJIA_TELEGRAM_TOKEN`` (off when unset)."""
        if settings.telegram_token is None:
            return None
        assert settings.telegram_secret is not None  # the settings require it with a token
        token = settings.telegram_payment_token
        return cls(
            application=build_application(
                settings.telegram_token.get_secret_value(),
                settings.telegram_api_base,
                settings.telegram_file_base,
                settings.telegram_rate_per_second,
            ),
            secret=settings.telegram_secret.get_secret_value(),
            handle=host.handle,
            rejected=host.rejected,
            clock=host.clock,
            payment_token=token.get_secret_value() if token else "",
            currency=host.currency,
            check_checkout=host.check_payment,
            public_url=host.public_url if host.register_webhooks else None,
            delivered=host.delivered,
        )

    def setup(self, app: web.Application) -> None:
        app.router.add_post("/telegram", self.webhook)

    async def start(self, resources: Resources) -> None:
        """Initialise the bot (getMe); under ``daojia serve`` also register webhook and
        menu."""
        await self.application.initialize()
        if self._public_url is not None:
            bot = self.application.bot
            await bot.set_webhook(
                f"{self._public_url.rstrip('/')}/telegram",
                secret_token=self._secret.decode(),
                allowed_updates=ALLOWED_UPDATES,
            )
            await bot.set_my_commands(command_menu("zh"))
            await bot.set_my_commands(command_menu("en"), language_code="en")

    async def stop(self) -> None:
        """Let the keyboard edits and the notes of pushes under way finish (a few seconds at
        most), then close."""
        try:
            await asyncio.wait_for(self.drain(), EDITS_DRAIN_S)
        except TimeoutError:
            log.warning(
                "stopping with %d keyboard edits unsent, %d notes of pushes unwritten",
                len(self._edits),
                len(self.pushes.notes),
            )
        finally:
            await self.application.shutdown()

    async def drain(self) -> None:
        """Wait for the keyboard edits and the notes of pushes under way (tests, graceful
        shutdown)."""
        while self._edits or self.pushes.notes:
            await asyncio.gather(*self._edits, *self.pushes.notes, return_exceptions=True)

    def _authentic(self, request: web.Request) -> bool:
        """Whether the secret-token header is ours. aiohttp keeps a header's bytes that are
        not UTF-8 as lone surrogates (``surrogateescape``): they are encoded back to those
        bytes, so such a header is compared, and refused, like any other."""
        given = request.headers.get(SECRET_HEADER, "")
        try:
            raw = given.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:  # a surrogate no byte stands for
            return False
        return hmac.compare_digest(raw, self._secret)

    async def webhook(self, request: web.Request) -> web.Response:
        if not self._authentic(request):
            self._rejected(self.name)
            raise web.HTTPForbidden(text="bad secret token")
        if (request.content_length or 0) > MAX_UPDATE_BYTES:
            self._rejected(self.name)
            raise web.HTTPRequestEntityTooLarge(
                max_size=MAX_UPDATE_BYTES, actual_size=request.content_length or 0
            )
        body = await request.read()
        if len(body) > MAX_UPDATE_BYTES:  # sent without a length (chunked): the same limit
            self._rejected(self.name)
            raise web.HTTPRequestEntityTooLarge(max_size=MAX_UPDATE_BYTES, actual_size=len(body))
        try:
            update = read_update(decode(body), self._clock())
        except ValueError:  # malformed JSON or BadUpdate
            self._rejected(self.name)
            raise web.HTTPBadRequest(text="not a Telegram update") from None
        if update.checkout is not None:
            return _json(await self._pre_checkout(update.checkout))
        answering = None
        if update.callback_id is not None:
            # stop the button's spinner while we work, and take the used keyboard away: that
            # edit goes through PTB's rate limiter (it names a chat), so it runs on its own and
            # neither the turn nor its webhook answer (which carries a reply) waits for it
            answering = asyncio.ensure_future(self._answer_callback(update.callback_id))
            if update.tapped is not None:
                edit = asyncio.ensure_future(self._clear_keyboard(*update.tapped))
                self._edits.add(edit)
                edit.add_done_callback(self._edits.discard)
        try:
            event = update.event
            if event is None:
                return _json({})
            built: list[list[dict[str, Any]]] = []  # the turn's messages, made once
            handled = await self._handle(event, partial(self._push, event.user_id, built))
        except BaseException:  # a failed turn (a 500) is a message not handled: counted so
            self._rejected(self.name)
            raise
        finally:
            if answering is not None:
                await answering
        if handled.status == "rejected" or not handled.replies:
            return _json({})
        return _json(await self._answer(event, handled, built[-1] if built else None))

    async def _push(
        self, user_id: str, built: list[list[dict[str, Any]]], replies: list[Reply], lang: str
    ) -> int:
        """The turn's ``Deliver``: its messages but the last, which rides on the webhook
        response (one Bot API round trip fewer), pushed before the turn's store commit
        notes how many went out: Telegram's ``sent`` counts messages from the first. The
        messages are kept in ``built`` for the webhook response (made once per turn)."""
        calls = messages(replies)
        built.append(calls)
        if len(calls) < 2:  # the most common answer: nothing to push, nothing to set up
            return 0
        return await self.pushes.push(self._call, user_id, calls[:-1])

    async def _answer(
        self, event: Inbound, handled: Handled, calls: list[dict[str, Any]] | None
    ) -> dict[str, Any]:
        """The last message, on the webhook response (``calls``: the turn's messages as its
        ``Deliver`` made them; a duplicate's are made here). A duplicate pushes the messages
        before it that an earlier attempt did not (from its ``sent`` on, counted from the
        first message) and notes how many went out, without the webhook response waiting
        for the note; the last goes again, since Telegram sends an update again only when it
        did not get our answer to it."""
        if calls is None:
            calls = messages(handled.replies)  # each pushed one completed by ``_call``
        if handled.status == "duplicate":
            await self.pushes.rest(self._call, event, calls[:-1], handled.sent)
        return webhook_reply(int(event.user_id), self._complete(calls[-1]))

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
        """Stop the button's spinner: one small call per button press (about 75 µs of CPU
        where PTB's method took 105), not paced by PTB's rate limiter, which paces the
        messages we send; a failure ("query is too old") is only logged."""
        await self._post("answerCallbackQuery", {"callback_query_id": query_id})

    async def _clear_keyboard(self, chat_id: int, message_id: int) -> None:
        """Take the inline keyboard off the message whose button was pressed, so a used
        question cannot be answered again by a stale tap: an empty keyboard ("{}"), as PTB
        sends it, paced with the messages we send. A failure (a message too old to edit, or
        already bare when Telegram resends the update) is only logged."""
        edit = {"chat_id": chat_id, "message_id": message_id, "reply_markup": "{}"}
        await self._post("editMessageReplyMarkup", edit, chat_id=chat_id)

    async def _post(
        self, method: str, payload: dict[str, Any], chat_id: int | None = None
    ) -> None:
        """A Bot API call whose answer only needs logging, posted as JSON through our HTTP
        session (``build_application``'s ``AiohttpRequest``), without building PTB's objects
        of the answer; with ``chat_id``, through PTB's rate limiter (``post_json_paced``)."""
        bot = self.application.bot
        request = bot.request
        assert isinstance(request, AiohttpRequest), "built by build_application"
        url, body = f"{bot.base_url}/{method}", orjson.dumps(payload)
        try:
            if chat_id is None:
                status, answer = await request.post_json(url, body)
            else:
                limiter = bot.rate_limiter
                status, answer = await post_json_paced(
                    request, limiter, url, body, endpoint=method, chat_id=chat_id
                )
        except TelegramError as exc:
            log.info("%s failed: %s", method, exc)
            return
        if status != 200:
            log.info("%s failed: %s %s", method, status, answer[:200])

    def prepare(self, notice: Notice, user_id: str, lang: str) -> dict[str, Any] | None:
        """A quiet notice (``notices.QUIET``) is sent without a sound."""
        return {"quiet": True} if notice.event in QUIET else None

    async def send(
        self,
        user_id: str,
        replies: list[Reply],
        *,
        skip: int = 0,
        lang: str = "zh",
        extra: dict[str, Any] | None = None,
    ) -> None:
        """Send replies outside a webhook turn, from part ``skip`` on (without a sound when
        ``prepare`` said so); raises ``DeliveryFailed`` (permanent when the person blocked the
        bot or the chat is gone, with ``retry_after`` when Telegram asked to slow down)."""
        calls = messages(replies)
        if extra and extra.get("quiet"):
            calls = [{**call, "disable_notification": True} for call in calls]
        for sent, call in enumerate(calls[skip:], skip):
            try:
                await self._call(user_id, call)
            except RetryAfter as exc:
                wait = exc.retry_after
                seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
                raise DeliveryFailed(str(exc), sent=sent, retry_after=seconds) from exc
            except Forbidden as exc:  # blocked the bot: nothing reaches them until they write
                raise DeliveryFailed(str(exc), sent=sent, gone=True) from exc
            except BadRequest as exc:
                raise DeliveryFailed(str(exc), sent=sent, permanent=True) from exc
            except TelegramError as exc:  # network, timeouts, Telegram's own trouble
                raise DeliveryFailed(str(exc), sent=sent) from exc

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

    async def invite_link(self, scene: str) -> InviteLink | None:
        """A deep link to the bot (``https://t.me/<username>?start=<scene>``): opening it
        and pressing Start sends ``/start <scene>``. The username is the bot's own, from the
        ``getMe`` that ``start`` made."""
        try:
            username = self.application.bot.username
        except RuntimeError:  # not initialised: getMe has not answered
            return None
        return InviteLink(f"https://t.me/{username}?start={quote(scene, safe='')}")

    async def download(self, file_id: str) -> bytes:
        """The bytes of a file a user sent (a photo), refusing oversized files unread."""
        file = await self.application.bot.get_file(file_id)
        if file.file_size and file.file_size > self.max_file_bytes:
            raise BadPhoto(N_("图片太大({file_size} 字节)", file_size=file.file_size))
        return bytes(await file.download_as_bytearray())
