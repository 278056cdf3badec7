"""Words understood in every state: cancel/取消, help/帮助, menu/菜单, back/返回, 我的, the
language switch, 紧急…, and the order in which they, the slash commands and the typed actions
(``global_commands``) win over the current flow (``route``). Anything else goes to the current
flow's table."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from conversations.events import (
    ChoiceMade,
    CommandReceived,
    Inbound,
    PaymentReceived,
    TextReceived,
)
from conversations.flows import (
    emergency_contact,
    invoice,
    language,
    link,
    me,
    menu,
    my_orders,
    opt_out,
    order_questions,
    paid_in_chat,
    relay,
    sos,
    start,
    worker_signup,
    worker_surcharge,
)
from conversations.flows.base import Ctx, Flow, Outcome, pick_an_option, tr
from conversations.flows.global_commands import (
    RELAY,
    action,
    admin,
    as_customer,
    clear,
    command,
    home,
    me_section,
    sign_up,
    typed_of,
)
from conversations.flows.help_text import help_text as help_text
from conversations.flows.language import switch_language
from conversations.flows.typed_commands import Typed
from conversations.replies import Say
from conversations.state import Conversation

CANCEL = {"cancel", "取消", "退出", "算了"}
HELP = {"help", "帮助", "?", "？", "求助"}
MENU = {"menu", "菜单", "主菜单", "首页", "main menu"}
BACK = {"back", "返回", "上一步"}
AS_CUSTOMER = {"customer", "顾客", "我要下单"}
LINK = {"link", "绑定", "绑定账户", "绑定账号"}
ME_WORDS = frozenset(me.WORDS)
"""Whole messages that open a part of 我的 (``me.WORDS``)."""
WHOLE_WORDS = ME_WORDS | sos.WORDS
"""Whole messages meaning the same at every step, never part of a button's name: "紧急"."""
SIGN_UP_FLOWS = ("start", "worker_register")
LANGUAGES = {"english": "en", "中文": "zh", "chinese": "zh"}
"""The language switch, typed in every state (``/lang``: the other one)."""
ANSWERED_AFTER_WELCOME = (
    HELP | LINK | ME_WORDS | set(invoice.WORDS) | set(opt_out.WORDS) | emergency_contact.WORDS
)
"""Words a newcomer's first message may be that are answered after their welcome, as any
customer's (the others — "菜单", "取消", a request — the welcome and the menu answer)."""
WELCOME_ANSWERS = ("start", "menu", "cancel", "customer")
"""Commands the welcome and the menu answer, as a newcomer's first message."""


def hint(conv: Conversation, event: Inbound) -> str:
    if conv.options:
        return pick_an_option(conv)
    return tr(conv, "没太明白,请按提示回复,也可以发送「帮助」。")


def route(
    flows: Mapping[str, Flow], ctx: Ctx, conv: Conversation, event: Inbound
) -> Outcome | None:
    """An outcome for a global word or command, or None to let the flow handle the event. An
    extra's request it leaves unsent (cleared, or another begun) has its photos deleted."""
    unsent = worker_surcharge.unsent(conv)
    out = _route(flows, ctx, conv, event)
    if out is not None and unsent and worker_surcharge.unsent(conv) != unsent:
        out.commands = [*out.commands, *worker_surcharge.discard(unsent)]
    return out


def _route(  # noqa: C901 - one branch per global word, in the order they win
    flows: Mapping[str, Flow], ctx: Ctx, conv: Conversation, event: Inbound
) -> Outcome | None:
    if isinstance(event, PaymentReceived):
        paid_in_chat.seed(
            conv,
            paid_in_chat.PaymentData(
                event.reference, event.provider, event.provider_ref, event.amount_cents
            ),
        )
        return Outcome(goto="payment")
    typed = typed_of(event)
    if (
        typed is not None
        and typed.name == "transfer"
        and ctx.admin_role
        and conv.worker_id is None
        and not isinstance(event, ChoiceMade)
    ):  # staff who are not workers: ``/transfer #N`` is the admin's transfer
        typed = Typed("admin", typed.name, typed.args, typed.number)
    word = event.text.strip().casefold() if isinstance(event, TextReceived) else None
    if (
        conv.role == "customer"
        and conv.customer_id is None
        and conv.flow != worker_signup.NAME
        and (typed is None or typed.group != "worker")  # "注册师傅", "接单 #N": a worker's
    ):
        outcome = _newcomer(conv, event, word, typed)
        if outcome is not None:
            return outcome
    if typed is not None and typed.group == "admin":
        outcome = admin(ctx, conv, typed, event)
        if outcome is not None:
            return outcome
    elif typed is not None:
        return action(ctx, conv, typed, event)
    if isinstance(event, CommandReceived):
        return command(ctx, conv, event)
    if word in sos.WORDS:  # first: whoever it is, whatever they were doing
        return sos.answer(conv, event)
    if word in emergency_contact.WORDS and (conv.customer_id or conv.worker_id):
        return Outcome(goto=emergency_contact.NAME)
    if word in LANGUAGES:
        return switch_language(conv, LANGUAGES[word])
    if word in AS_CUSTOMER:
        return as_customer(ctx, conv, event)
    if word in opt_out.WORDS and conv.customer_id is not None:
        return opt_out.answer(conv, opt_out.WORDS[word])
    if word in LINK and conv.role == "customer" and conv.customer_id is not None:
        clear(conv)
        return link.start(conv, event)
    if conv.role == "customer" and conv.customer_id is None:
        if conv.flow == start.NAME:
            return None  # any message signs up
        if conv.flow not in SIGN_UP_FLOWS:
            return sign_up(conv, event)
    if word is None:
        return None
    first = relay.prefixed(event.text) if isinstance(event, TextReceived) else None
    if first is not None and conv.role in RELAY.values():
        relay.seed(conv, first)  # "#240117 我到楼下了": to the other side of that order
        return Outcome(goto=relay.NAME)
    if word in CANCEL:
        if conv.flow in SIGN_UP_FLOWS and conv.flow == home(ctx, conv):
            return Outcome([Say(tr(conv, "请先完成注册。"))], reask=True)
        clear(conv)
        return Outcome([Say(tr(conv, "已取消。"))], goto=home(ctx, conv))
    if word in HELP:
        if ctx.admin_role and conv.role == "admin":
            return Outcome(goto="admin")  # the console lists what this admin's role may do
        return Outcome([Say(help_text(conv))], reask=True)
    if word in MENU:
        if conv.flow == home(ctx, conv) == "start":
            return Outcome(reask=True)
        clear(conv)
        return Outcome(goto=home(ctx, conv))
    if word in BACK:
        if conv.history:
            flow, step = conv.history.pop()
            conv.flow, conv.step = flow, step
            return Outcome(reask=True)
        return Outcome(goto=home(ctx, conv)) if conv.flow != "start" else Outcome(reask=True)
    section = me.WORDS.get(word)
    if section is not None and conv.role == "customer":
        return me_section(conv, section)
    if word in invoice.WORDS and conv.role == "customer":
        clear(conv)
        return Outcome(goto=invoice.NAME)
    key = menu.EVERYWHERE.get(word)
    if key is not None and conv.role == "customer":  # "我的订单" typed in 我的, on an order
        clear(conv)
        return menu.on_choice(
            ctx, conv, ChoiceMade(channel=conv.channel, user_id="", at=ctx.now, key=key)
        )
    if conv.role == "customer" and isinstance(event, TextReceived):
        return _asked(flows, ctx, conv, event.text)
    return None


def _asked(flows: Mapping[str, Flow], ctx: Ctx, conv: Conversation, text: str) -> Outcome | None:
    """A question about an order ("where is my cleaner?", "cancel it", "退款") typed by a
    customer on a screen that takes no words (an order's detail, a confirmation): answered
    as at the menu (``order_questions``), about the order on the screen when it names none;
    on an order's detail, a request too (``_requested``). A step that reads words keeps
    them: an address, a note, a message to support are answers, and the menu, 我的 and the
    orders list read the questions themselves."""
    if conv.customer_id is None or _takes_words(flows, conv):
        return None
    asked = order_questions.asked_in(ctx, text)
    if asked is None:
        return _requested(ctx, conv, text)
    shown = order_questions.on_screen(conv)
    clear(conv)
    if asked.number is None and shown is not None:
        asked = replace(asked, number=shown)
    return order_questions.answer(conv, asked)


def _requested(ctx: Ctx, conv: Conversation, text: str) -> Outcome | None:
    """Words typed on an order's detail, whose buttons take none: what the menu makes of
    them (``menu.typed``) — a request ("明天下午三点 日常保洁 3小时") starts the booking with
    what it names, a menu button's word or another order's number opens it ("back" returns
    to the detail). Not on a confirmation (a cancellation's, a new time's): "明天下午四点"
    there is no new booking, and its yes or no is asked again."""
    if (conv.flow, conv.step) != (my_orders.NAME, my_orders.Step.DETAIL):
        return None
    return menu.typed(ctx, conv, text)


def _takes_words(flows: Mapping[str, Flow], conv: Conversation) -> bool:
    """Whether the step the conversation is at reads typed words (a handler of its own)."""
    flow = flows.get(conv.flow)
    if flow is None:
        return True
    try:
        step = flow.Step(conv.step)
    except ValueError:
        return True
    return (step, TextReceived) in flow.TRANSITIONS


def _newcomer(
    conv: Conversation, event: Inbound, word: str | None, typed: Typed | None
) -> Outcome | None:
    """A first message, from someone who is no customer yet: the sign-up and its welcome
    come first, whatever the message, so the welcome is the first thing they read, and only
    once; what they asked is answered after it (``sign_up``). A language switch is made
    before, so that the welcome is in the language chosen (and its menu offers the other).
    None leaves the message to the rest: an SOS is answered at once (no offers in an
    emergency), ``/start`` keeps its referral, and other words sign up as before."""
    if isinstance(event, CommandReceived):
        name = event.command.lower()
        if name in sos.COMMANDS or name == "start":
            return None
        if name in ("lang", "language"):
            conv.lang = language.named(conv, event.args) or conv.lang
            return sign_up(conv, event, keep_words=False)
        return sign_up(conv, event, keep_words=False, then=name not in WELCOME_ANSWERS)
    if word in LANGUAGES:
        conv.lang = LANGUAGES[word]
        return sign_up(conv, event, keep_words=False)
    customers = typed is not None and typed.group == "customer"  # "发票", "评价 #N 5"
    if isinstance(event, TextReceived) and (word in ANSWERED_AFTER_WELCOME or customers):
        return sign_up(conv, event, then=True)
    return None
