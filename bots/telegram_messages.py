"""A turn's replies as Bot API calls: inline keyboards for choices, reply keyboards for
location and contact requests, in as few messages as the keyboards allow; and a call as a
webhook answer body."""

from __future__ import annotations

from typing import Any

from telegram import LabeledPrice

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

MAX_TEXT = 4096
"""A message's text, in characters (Bot API)."""
MAX_ROWS = 20
"""Inline keyboard rows merged into one message at most (Telegram allows 100 buttons)."""


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

    def inline(own: str, rows: list[list[dict[str, Any]]], bare: str = "") -> None:
        """``own`` text with ``rows`` of buttons, on the message before when it has inline
        buttons too; a link without a text of its own (a notice's photos) just adds its button
        there, or is sent with ``bare`` as its text (Telegram sends no empty message)."""
        last = calls[-1] if calls and not pending else None
        before = _inline_rows(last) if last is not None else None
        if last is not None and before is not None:
            merged = f"{last['text']}\n\n{own}" if own else last["text"]
            if len(merged) <= MAX_TEXT and len(before) + len(rows) <= MAX_ROWS:
                last["text"] = merged
                last["reply_markup"] = {"inline_keyboard": [*before, *rows]}
                return
        markup = {"inline_keyboard": rows}
        joined = text(own) or bare
        calls.append({"method": "send_message", "text": joined, "reply_markup": markup})

    for reply in replies:
        match reply:
            case Say(text=t) | Ask(text=t, options=()):
                pending.append(t)
            case Ask(text=t, options=options):
                inline(t, _keyboard(options))
            case Link(text=t, url=url, label=label):
                inline(t, [[{"text": label, "url": url}]], bare=label)
            case AskLocation(text=t) | AskContact(text=t):
                request = (
                    "request_location" if isinstance(reply, AskLocation) else "request_contact"
                )
                label = reply.label or t
                markup = {
                    "keyboard": [[{"text": label, request: True}]],
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
