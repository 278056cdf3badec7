"""What goes out to a WeChat follower: a chat turn's answer (the passive reply and
customer-service texts, each at most 2,000 bytes), a notice's texts or template message, and
what WeChat's refusals mean for the outbox (gone for good, retry later, or the template
instead of a text whose 48-hour window closed)."""

from __future__ import annotations

import logging
from typing import Any

from wechatpy.replies import TextReply

from bots.render import as_text
from bots.wechat_api import WeChatApi, WeChatApiError
from conversations.replies import Reply
from domain.errors import DeliveryFailed

log = logging.getLogger(__name__)
PASSIVE_MAX_BYTES = 2000
GONE = {40003, 43004}
"""Invalid openid, unsubscribed: no message will ever reach them."""
TEMPLATE_REFUSED = {40037, 43101, 47003, 41028, 41029, 41030}
"""Bad template id or data, or the user refuses template messages: fall back to text."""
WINDOW_CLOSED = 45015
"""No message from the user in 48 hours: customer-service messages wait until they write."""
WINDOW_CLOSED_RETRY_S = 1800
PUSH_ERRORS = (TimeoutError, WeChatApiError, OSError)
"""What a customer-service text of a chat turn's answer may fail with (WeChat refused it, or
did not answer): logged, the texts after it sent all the same (``bots.channel.Pushes``)."""
LEGACY_FALLBACK = "window_fallback"
"""What ``Postman.post_routes`` named a text's ``fallback`` before: operators' outboxes may
still hold rows written so."""


def passive_xml(message: Any, text: str) -> str:
    """A passive reply to ``message`` (a ``]]>`` in the text split across two CDATA)."""
    reply = TextReply(content=text.replace("]]>", "]]]]><![CDATA[>"), message=message)
    return str(reply.render())


def render_texts(replies: list[Reply], lang: str) -> list[str]:
    """The replies as WeChat texts of at most ``PASSIVE_MAX_BYTES`` each."""
    chunks: list[str] = []
    current = ""
    for reply in replies:
        text = as_text(reply, lang)
        candidate = f"{current}\n\n{text}" if current else text
        if len(candidate.encode()) <= PASSIVE_MAX_BYTES:
            current = candidate
            continue
        if current:
            chunks.append(current)
        current = text
    if current:
        chunks.append(current)
    return chunks


async def deliver(
    api: WeChatApi,
    user_id: str,
    replies: list[Reply],
    *,
    skip: int = 0,
    lang: str = "zh",
    extra: dict[str, Any] | None = None,
) -> None:
    """The template message ``prepare`` made, when there is one (it reaches followers
    outside the 48-hour window), else — or when WeChat refuses the template for good —
    customer-service texts from part ``skip`` on; a text whose window closed goes as its
    ``fallback`` template (``Postman.post_routes``). Raises ``DeliveryFailed``."""
    fallback = None
    if extra is not None:
        fallback = extra.get("fallback", extra.get(LEGACY_FALLBACK))
    if fallback is not None:
        extra = None
    if extra is not None and skip == 0 and await _template_first(api, user_id, extra, replies):
        return
    texts = render_texts(replies, lang)
    for sent, text in enumerate(texts[skip:], skip):
        try:
            await api.send_text(user_id, text)
        except WeChatApiError as exc:
            if exc.errcode == WINDOW_CLOSED and fallback is not None and sent == 0:
                await _window_closed(api, user_id, fallback)
                return
            retry = WINDOW_CLOSED_RETRY_S if exc.errcode == WINDOW_CLOSED else None
            raise DeliveryFailed(
                str(exc), sent=sent, gone=exc.errcode in GONE, retry_after=retry
            ) from exc
        except (TimeoutError, OSError) as exc:
            raise DeliveryFailed(repr(exc), sent=sent) from exc


async def _template_first(
    api: WeChatApi, user_id: str, template: dict[str, Any], replies: list[Reply]
) -> bool:
    """Send the template message; False when WeChat refuses it for good and there is text
    to send instead."""
    try:
        await api.send_template(template)
        return True
    except WeChatApiError as exc:
        if exc.errcode in GONE:
            raise DeliveryFailed(str(exc), gone=True) from exc
        if exc.errcode not in TEMPLATE_REFUSED:
            raise DeliveryFailed(str(exc)) from exc
        if not replies:  # a template message only (a campaign outside the window)
            raise DeliveryFailed(str(exc), permanent=True) from exc
        log.warning("template message to %s refused, sending text: %s", user_id, exc)
        return False
    except (TimeoutError, OSError) as exc:
        raise DeliveryFailed(repr(exc)) from exc


async def _window_closed(api: WeChatApi, user_id: str, template: dict[str, Any]) -> None:
    """The 48-hour window closed before a text went out: its template message instead."""
    log.info("customer-service window closed for %s: sending the template", user_id)
    try:
        await api.send_template(template)
    except WeChatApiError as exc:
        raise DeliveryFailed(
            str(exc), gone=exc.errcode in GONE, permanent=exc.errcode in TEMPLATE_REFUSED
        ) from exc
    except (TimeoutError, OSError) as exc:
        raise DeliveryFailed(repr(exc)) from exc
