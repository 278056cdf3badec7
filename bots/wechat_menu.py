"""The official account's custom menu (``daojia wechat menu push``): at most 3 × 5 buttons;
click keys map to the same commands Telegram users type."""

from __future__ import annotations

from typing import Any

CLICK_COMMANDS = {
    "BOOK": "book",
    "ORDERS": "orders",
    "REORDER": "reorder",
    "RECURRING": "recurring",
    "SUPPORT": "support",
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
                {"type": "click", "name": "再来一单", "key": "REORDER"},
                {"type": "click", "name": "定期预约", "key": "RECURRING"},
                {"type": "click", "name": "联系客服", "key": "SUPPORT"},
                {"type": "click", "name": "English", "key": "LANG"},
                {"type": "click", "name": "帮助", "key": "HELP"},
            ],
        },
    ]
}
