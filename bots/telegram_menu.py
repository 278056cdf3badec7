"""Telegram's command menu (``setMyCommands``), in each language."""

from __future__ import annotations

from telegram import BotCommand

from domain.text import N_

COMMANDS = [
    ("start", N_("开始")),
    ("book", N_("预约服务")),
    ("orders", N_("我的订单")),
    ("reorder", N_("再来一单")),
    ("recurring", N_("定期预约")),
    ("me", N_("我的:等级、积分、优惠券")),
    ("invite", N_("邀请好友")),
    ("invoice", N_("开电子发票")),
    ("cards", N_("次卡:查看和购买")),
    ("support", N_("联系客服")),
    ("menu", N_("主菜单")),
    ("help", N_("帮助")),
    ("lang", N_("切换语言")),
    ("cancel", N_("取消")),
]
"""The command menu, one list per language: Chinese by default, English for clients set to
English (Telegram picks the list by the person's ``language_code``)."""


def command_menu(lang: str) -> list[BotCommand]:
    """The command menu in ``lang``, each description a title: capitalised in English, where
    a catalog's word may be written for the middle of a sentence ("cancel")."""
    menu = []
    for command, description in COMMANDS:
        text = description.get(lang)
        menu.append(BotCommand(command, text[:1].upper() + text[1:]))
    return menu
