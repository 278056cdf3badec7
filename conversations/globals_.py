"""Words and commands understood in every state: cancel/取消, help/帮助, menu/菜单, back/返回,
and the slash commands. Anything else goes to the current flow's table.
"""

from __future__ import annotations

from collections.abc import Mapping

from conversations.events import CommandReceived, Inbound, TextReceived
from conversations.flow import Ctx, Flow, Outcome, tr
from conversations.replies import Say
from conversations.state import Conversation
from domain.commands import SetLanguage

CANCEL = {"cancel", "取消", "退出", "算了"}
HELP = {"help", "帮助", "?", "？", "求助"}
MENU = {"menu", "菜单", "主菜单", "首页", "main menu"}
BACK = {"back", "返回", "上一步"}
KEEP = ("referral",)
FLOW_COMMANDS = {
    "book": "booking",
    "orders": "orders",
    "support": "support",
    "menu": "menu",
    "reorder": "orders",
}


def help_text(conv: Conversation) -> str:
    return tr(
        conv,
        "我可以帮您:预约保洁、保姆、月嫂、家电清洗维修、养老护理;查看和取消订单;再来一单;"
        "联系客服。\n随时可以发送:「菜单」回到主菜单,「返回」回到上一步,「取消」放弃当前操作,"
        "「English」切换英文。",
        "I can book cleaning, nannies, maternity nurses, appliance cleaning and repair and "
        "elderly care; show and cancel your orders; reorder; and reach support.\nAt any time "
        "send 'menu' for the main menu, 'back' for the previous step, 'cancel' to stop, "
        "'中文' for Chinese.",
    )


def hint(conv: Conversation, event: Inbound) -> str:
    if conv.options:
        return tr(
            conv,
            "没太明白。请点选下面的选项(或回复序号),也可以发送「帮助」。",
            "Sorry, I didn't get that. Pick one of the options below (or reply with its "
            "number), or send 'help'.",
        )
    return tr(
        conv,
        "没太明白,请按提示回复,也可以发送「帮助」。",
        "Sorry, I didn't get that — please answer as asked, or send 'help'.",
    )


def _clear(conv: Conversation) -> None:
    conv.data = {k: v for k, v in conv.data.items() if k in KEEP}
    conv.history = []


def route(
    flows: Mapping[str, Flow], ctx: Ctx, conv: Conversation, event: Inbound
) -> Outcome | None:
    """An outcome for a global word or command, or None to let the flow handle the event."""
    if isinstance(event, CommandReceived):
        return _command(ctx, conv, event)
    word = event.text.strip().casefold() if isinstance(event, TextReceived) else None
    if word in ("english", "中文", "chinese"):
        return switch_language(conv, "en" if word == "english" else "zh")
    if conv.customer_id is None and conv.flow != "start":
        return Outcome(goto="start")
    if word is None:
        return None
    if word in CANCEL:
        if conv.flow == "start":
            return Outcome(
                [
                    Say(
                        tr(
                            conv,
                            "请先完成注册,才能为您预约服务。",
                            "Please finish signing up first so I can book for you.",
                        )
                    )
                ],
                reask=True,
            )
        _clear(conv)
        return Outcome([Say(tr(conv, "已取消。", "Cancelled."))], goto="menu")
    if word in HELP:
        return Outcome([Say(help_text(conv))], reask=True)
    if word in MENU:
        if conv.flow == "start":
            return Outcome(reask=True)
        _clear(conv)
        return Outcome(goto="menu")
    if word in BACK:
        if conv.history:
            flow, step = conv.history.pop()
            conv.flow, conv.step = flow, step
            return Outcome(reask=True)
        return Outcome(goto="menu") if conv.flow != "start" else Outcome(reask=True)
    return None


def _command(ctx: Ctx, conv: Conversation, event: CommandReceived) -> Outcome:
    name = event.command.lower()
    if name == "start":
        if event.args.startswith("ref_"):
            conv.data["referral"] = event.args[4:40]
        if conv.customer_id is None:
            return Outcome(goto="start")
        _clear(conv)
        return Outcome([Say(tr(conv, "欢迎回来!", "Welcome back!"))], goto="menu")
    if name in ("lang", "language"):
        return switch_language(conv, "zh" if conv.lang == "en" else "en")
    if conv.customer_id is None:
        return Outcome(goto="start")
    if name == "help":
        return Outcome([Say(help_text(conv))], reask=True)
    if name == "cancel":
        _clear(conv)
        return Outcome([Say(tr(conv, "已取消。", "Cancelled."))], goto="menu")
    if name in FLOW_COMMANDS:
        _clear(conv)
        if name == "reorder":
            conv.data["orders"] = {"mode": "reorder"}
        return Outcome(goto=FLOW_COMMANDS[name])
    return Outcome(
        [
            Say(
                tr(
                    conv,
                    f"不认识的指令 /{name}。发送「帮助」查看我能做什么。",
                    f"Unknown command /{name}. Send 'help' to see what I can do.",
                )
            )
        ],
        reask=True,
    )


def switch_language(conv: Conversation, lang: str) -> Outcome:
    conv.lang = lang
    commands = [SetLanguage(conv.customer_id, lang)] if conv.customer_id is not None else []
    return Outcome([Say(tr(conv, "已切换为中文。", "Switched to English."))], commands, reask=True)
