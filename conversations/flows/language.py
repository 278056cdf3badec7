"""The language switch (English / 中文): from 我的, the first screen after sign-up, the typed
words "English" / "中文" and ``/lang`` (the other one), ``/lang en`` / ``/lang zh`` in every
state, for customers, workers and admins alike."""

from __future__ import annotations

from conversations.flows.base import Outcome, tr
from conversations.replies import Option, Say
from conversations.state import Conversation
from domain.commands import SetLanguage

NAMES = {"english": "en", "en": "en", "中文": "zh", "chinese": "zh", "zh": "zh", "cn": "zh"}
"""What ``/lang`` may name (case-insensitive); the typed words are ``global_words.LANGUAGES``."""
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


def named(conv: Conversation, args: str) -> str | None:
    """The language ``/lang ARGS`` asks for: the one named, the other one when none is, None
    when ARGS names none we speak."""
    word = args.strip().casefold()
    if not word:
        return "zh" if conv.lang == "en" else "en"
    return NAMES.get(word)


def command(conv: Conversation, args: str) -> Outcome:
    """``/lang [en|zh]``: switch; a language we do not speak is told so and changes nothing."""
    lang = named(conv, args)
    if lang is None:
        return Outcome(
            [Say(tr(conv, "可选语言:中文(/lang zh)或 English(/lang en)。"))], reask=True
        )
    return switch_language(conv, lang)
