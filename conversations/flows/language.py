"""The language switch (English / 中文): from 我的, the first screen after sign-up, the typed
words "English" / "中文" and ``/lang`` in every state."""

from __future__ import annotations

from conversations.flows.base import Outcome, tr
from conversations.replies import Option, Say
from conversations.state import Conversation
from domain.commands import SetLanguage

KEY = "lang"
"""The option that switches (``Option(KEY, …)``; the flows offering it answer it)."""


def option(conv: Conversation) -> Option:
    """The switch to the other language, named in that language ("English", "中文")."""
    return Option(KEY, "English" if conv.lang != "en" else "中文")


def switch_language(conv: Conversation, lang: str) -> Outcome:
    """Speak ``lang`` from now on (and remember it for the notices of the customer and of
    the worker the chat account is); the question on the screen is asked again in it."""
    conv.lang = lang
    known = conv.customer_id is not None or conv.worker_id is not None
    commands = [SetLanguage(conv.customer_id, lang, conv.worker_id)] if known else []
    return Outcome([Say(tr(conv, "已切换为中文。"))], commands, reask=True)


def toggle(conv: Conversation) -> Outcome:
    """Switch to the other language."""
    return switch_language(conv, "zh" if conv.lang == "en" else "en")
