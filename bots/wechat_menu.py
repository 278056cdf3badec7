"""The official account's custom menu (``daojia wechat menu push``): at most 3 × 5 buttons;
click keys map to the same commands Telegram users type. The language switch is in 我的 (and
the words "English" / "中文" work everywhere); its key stays for menus pushed before."""

from __future__ import annotations

from typing import Any

CLICK_COMMANDS = {
    "BOOK": "book",
    "ORDERS": "orders",
    "REORDER": "reorder",
    "RECURRING": "recurring",
    "SUPPORT": "support",
    "ME": "me",
    "INVITE": "invite",
    "CARDS": "cards",
    "LANG": "lang",
    "HELP": "help",
}

MENU: dict[str, Any] = {
    "button": [
        {"type": "click", "name": "预约服务", "key": "BOOK"},
        {"type": "click", "name": "我的订单", "key": "ORDERS"},
        {
            "name": "更多",
            "sub_button": [
                {"type": "click", "name": "我的", "key": "ME"},
                {"type": "click", "name": "再来一单", "key": "REORDER"},
                {"type": "click", "name": "定期预约", "key": "RECURRING"},
                {"type": "click", "name": "联系客服", "key": "SUPPORT"},
                {"type": "click", "name": "帮助", "key": "HELP"},
            ],
        },
    ]
}
