"""Words and commands understood in every state: cancel/取消, help/帮助, menu/菜单, back/返回,
the slash commands, and the typed actions of workers, customers and admins (``words``).
Anything else goes to the current flow's table."""

from __future__ import annotations

from collections.abc import Mapping

from conversations.events import (
    ChoiceMade,
    CommandReceived,
    Inbound,
    PaymentReceived,
    TextReceived,
)
from conversations.flows import (
    admin_console,
    after_sales,
    emergency_contact,
    invoice,
    link,
    me,
    my_orders,
    opt_out,
    paid_in_chat,
    placement_words,
    relay,
    sos,
    start,
    support,
    worker,
    worker_signup,
    worker_surcharge,
)
from conversations.flows.base import Ctx, Flow, Outcome, pick_an_option, tr
from conversations.flows.help_text import help_text as help_text
from conversations.flows.language import switch_language
from conversations.flows.typed_commands import Typed, parse
from conversations.replies import Say
from conversations.state import Conversation
from domain.digits import whole
from domain.referrals import code_of as referral_code

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
KEEP = (start.NAME, worker_signup.NAME)  # a sign-up left goes on where it was (``enter``)
"""What "cancel", "menu" and ``/start`` leave in ``conv.data``: referral, worker's answers."""
FLOW_COMMANDS = {
    "book": "booking",
    "orders": "orders",
    "support": "support",
    "menu": "menu",
    "reorder": "orders",
    "recurring": "recurring",
}
SIGN_UP_FLOWS = ("start", "worker_register")
CUSTOMERS_TOO = ("orders", "cancel")
"""Admin commands that customers have too (their own orders; stop what they are doing)."""
FEEDBACK = ("complain", "rate", "rework")
"""Customer actions the feedback flow handles (workers: ``rate_customer``)."""
SUPPORT = ("chat_support", "end_support", "rate_support")
"""Customer actions on a support ticket (the ticket's buttons and words)."""
EXTRA = ("surcharge_yes", "surcharge_no")
"""The customer's answers to an on-site extra (``my_orders``; a request's buttons name it)."""
RELAY = {"contact_worker": "customer", "contact_customer": "worker"}
"""The relay chat's way in on each side ("联系师傅" / "联系顾客", and their buttons)."""


def hint(conv: Conversation, event: Inbound) -> str:
    if conv.options:
        return pick_an_option(conv)
    return tr(conv, "没太明白,请按提示回复,也可以发送「帮助」。")


def _clear(conv: Conversation) -> None:
    conv.data = {k: v for k, v in conv.data.items() if k in KEEP}
    conv.history = []


def home(ctx: Ctx, conv: Conversation) -> str:
    """The flow a person returns to: their role's menu (sign-up first for new customers)."""
    if conv.role == "admin" and ctx.admin_role:
        return "admin"
    if conv.role == "worker":
        return "worker"
    return "menu" if conv.customer_id is not None else "start"


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
    typed = _typed(event)
    if (
        typed is not None
        and typed.name == "transfer"
        and ctx.admin_role
        and conv.worker_id is None
        and not isinstance(event, ChoiceMade)
    ):  # staff who are not workers: ``/transfer #N`` is the admin's transfer
        typed = Typed("admin", typed.name, typed.args, typed.number)
    if typed is not None and typed.group == "admin":
        outcome = _admin(ctx, conv, typed, event)
        if outcome is not None:
            return outcome
    elif typed is not None:
        return _action(ctx, conv, typed, event)
    if isinstance(event, CommandReceived):
        return _command(ctx, conv, event)
    word = event.text.strip().casefold() if isinstance(event, TextReceived) else None
    if word in sos.WORDS:  # first: whoever it is, whatever they were doing
        return sos.answer(conv, event)
    if word in emergency_contact.WORDS and (conv.customer_id or conv.worker_id):
        return Outcome(goto=emergency_contact.NAME)
    if word in ("english", "中文", "chinese"):
        return switch_language(conv, "en" if word == "english" else "zh")
    if word in AS_CUSTOMER:
        return _as_customer(ctx, conv, event)
    if word in opt_out.WORDS and conv.customer_id is not None:
        return opt_out.answer(conv, opt_out.WORDS[word])
    if word in LINK and conv.role == "customer" and conv.customer_id is not None:
        _clear(conv)
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
        _clear(conv)
        return Outcome([Say(tr(conv, "已取消。"))], goto=home(ctx, conv))
    if word in HELP:
        if ctx.admin_role and conv.role == "admin":
            return Outcome(goto="admin")  # the console lists what this admin's role may do
        return Outcome([Say(help_text(conv))], reask=True)
    if word in MENU:
        if conv.flow == home(ctx, conv) == "start":
            return Outcome(reask=True)
        _clear(conv)
        return Outcome(goto=home(ctx, conv))
    if word in BACK:
        if conv.history:
            flow, step = conv.history.pop()
            conv.flow, conv.step = flow, step
            return Outcome(reask=True)
        return Outcome(goto=home(ctx, conv)) if conv.flow != "start" else Outcome(reask=True)
    section = me.WORDS.get(word)
    if section is not None and conv.role == "customer":
        return _me(conv, section)
    if word in invoice.WORDS and conv.role == "customer":
        _clear(conv)
        return Outcome(goto=invoice.NAME)
    return None


def _me(conv: Conversation, section: me.Section) -> Outcome:
    """A part of 我的, as a detour: what the customer was doing stays, and "back" returns
    to it."""
    me.seed(conv, me.MeData(section.value))
    return Outcome(goto=me.NAME)


def sign_up(conv: Conversation, event: Inbound, *, keep_words: bool = True) -> Outcome:
    """To the sign-up, which makes the person a customer at once and then reads what they
    wrote (``keep_words``) as a request."""
    start.arriving(conv, event, keep_words=keep_words)
    return Outcome(goto=start.NAME)


def _as_customer(ctx: Ctx, conv: Conversation, event: Inbound) -> Outcome:
    _clear(conv)
    conv.role = "customer"
    if conv.customer_id is None:
        return sign_up(conv, event, keep_words=False)
    return Outcome(goto=home(ctx, conv))


def _typed(event: Inbound) -> Typed | None:
    if isinstance(event, ChoiceMade) and event.key.startswith("act:"):
        _, name, *rest = event.key.split(":")
        number = whole(rest[0]) if rest else None  # an order or a ticket: an id's range
        mine = ("confirm", "pay", "contact_worker", "renew_placement", *FEEDBACK, *SUPPORT, *EXTRA)
        group = "customer" if name in mine else "worker"
        return Typed(group, name, rest[1] if len(rest) > 1 else "", number)
    if isinstance(event, TextReceived):
        return parse(event.text)
    if isinstance(event, CommandReceived):
        return parse(f"/{event.command} {event.args}".strip(), slash=True)
    return None


def _admin(ctx: Ctx, conv: Conversation, typed: Typed, event: Inbound) -> Outcome | None:
    """An admin command goes to the admin console; None leaves the event to the rest.

    To anyone who is not an admin, admin commands do not exist: a slash command is unknown,
    a word is ordinary text. ``/reschedule #N`` (改期) moves a customer's own order and
    ``/cancel #N`` (取消订单) cancels one, after its terms (and an admin's, when they act as a
    customer). ``/orders`` and ``/cancel`` are also customers'
    commands: staff who are customers too get the customer's meaning while booking as one
    (and a bare ``/cancel`` away from the console just stops what they were doing).
    """
    slash = isinstance(event, CommandReceived) or (
        isinstance(event, TextReceived) and event.text.lstrip().startswith("/")
    )
    shared = typed.name in CUSTOMERS_TOO
    as_customer = conv.customer_id is not None and (not ctx.admin_role or conv.role != "admin")
    own_cancel = typed.name == "cancel" and typed.number is not None
    if (typed.name == "reschedule" or own_cancel) and as_customer:  # the customer's own order
        _clear(conv)
        conv.role = "customer"
        my_orders.seed(conv, my_orders.OrdersData(action=typed.name, number=typed.number))
        return Outcome(goto="orders")
    if not ctx.admin_role:
        return _unknown(conv, typed.name) if slash and not shared else None
    if shared and (_stops(conv, typed) or (conv.role != "admin" and conv.customer_id is not None)):
        return None
    conv.role = "admin"
    sender = f"{event.channel}:{event.user_id}"
    request = f"{sender}:{event.message_id or event.at.isoformat()}"
    admin_console.seed(
        conv, admin_console.AdminCommand(typed.name, typed.number, typed.args, sender, request)
    )
    return Outcome(goto="admin")


def _stops(conv: Conversation, typed: Typed) -> bool:
    """A bare ``/cancel`` stops what the person is doing — but at the admin console there is
    nothing to stop, and ``/cancel #abc`` (no order number read) is a malformed admin command:
    both are the console's, which shows how to write it."""
    return (
        typed.name == "cancel"
        and typed.number is None
        and not typed.args
        and conv.flow != admin_console.NAME
    )


def _customer_action(ctx: Ctx, conv: Conversation, typed: Typed, event: Inbound) -> Outcome:
    if conv.customer_id is None:
        return sign_up(conv, event, keep_words=False)
    if typed.name in SUPPORT:
        return _support(conv, typed)
    if typed.name in RELAY:
        return _relay(conv, typed)
    if typed.name in placement_words.NAMES:
        return placement_words.answer(ctx, conv, typed)
    if typed.name in FEEDBACK:
        after_sales.seed(conv, after_sales.FeedbackData(typed.name, typed.number))
        return Outcome(goto="feedback")
    if typed.name == "invoice":  # "发票 #240117": that order's invoice ("/invoice": any)
        _clear(conv)
        conv.role = "customer"
        invoice.seed(conv, invoice.InvoiceData(number=typed.number))
        return Outcome(goto=invoice.NAME)
    extra = whole(typed.args) if typed.name in EXTRA else None
    my_orders.seed(
        conv, my_orders.OrdersData(action=typed.name, number=typed.number, surcharge=extra)
    )
    return Outcome(goto="orders")


def _action(ctx: Ctx, conv: Conversation, typed: Typed, event: Inbound) -> Outcome:
    if typed.group == "customer":
        return _customer_action(ctx, conv, typed, event)
    if typed.name == "register":
        conv.role = "worker"
        return Outcome(goto="worker_register")
    if conv.worker_id is None:
        return Outcome(
            [Say(tr(conv, "您还不是我们的师傅。发送「注册师傅」申请加入。"))],
            reask=True,
        )
    conv.role = "worker"
    if typed.name in RELAY:
        return _relay(conv, typed)
    if typed.name == "renew":
        return Outcome(goto="renewal")
    if typed.name == "surcharge":
        worker_surcharge.seed(conv, worker_surcharge.SurchargeData(typed.number))
        return Outcome(goto=worker_surcharge.NAME)
    if typed.name == "rate_customer":
        after_sales.seed(conv, after_sales.FeedbackData(typed.name, typed.number))
        return Outcome(goto="feedback")
    worker.seed(conv, worker.WorkerAction(typed.name, typed.number, typed.args))
    return Outcome(goto="worker")


def _support(conv: Conversation, typed: Typed) -> Outcome:
    """ "结束咨询" ends the open ticket; "客服评分 5" (or its button) rates a closed one."""
    if typed.name in ("chat_support", "end_support"):
        support.seed(conv, support.SupportAction(typed.name.removesuffix("_support")))
    else:
        stars = whole(typed.args) or 0  # out of 1–5: asked for
        support.seed(conv, support.SupportAction("rate", typed.number, stars))
    return Outcome(goto=support.NAME)


def _relay(conv: Conversation, typed: Typed) -> Outcome:
    """ "联系师傅 #240117" (or "联系顾客 …"): the relay chat on that order, its text after
    the number sent at once."""
    conv.role = RELAY[typed.name]
    text = typed.args if typed.number is not None else ""
    relay.seed(conv, relay.RelayData(typed.number, text))
    return Outcome(goto=relay.NAME)


def _unknown(conv: Conversation, name: str) -> Outcome:
    return Outcome(
        [Say(tr(conv, "不认识的指令 /{name}。发送「帮助」查看我能做什么。", name=name))],
        reask=True,
    )


def _command(  # noqa: C901 - one branch per slash command
    ctx: Ctx, conv: Conversation, event: CommandReceived
) -> Outcome:
    name = event.command.lower()
    if name == "start":
        if code := referral_code(event.args):
            start.seed(conv, start.StartData(referral=code))
        _clear(conv)
        target = home(ctx, conv)
        known = conv.customer_id if target == "menu" else conv.worker_id
        if target in ("menu", "worker") and conv.flow != "start" and known is not None:
            return Outcome([Say(tr(conv, "欢迎回来!"))], goto=target)
        if target == start.NAME:
            return sign_up(conv, event, keep_words=False)
        return Outcome(goto=target)
    if name in ("lang", "language"):
        return switch_language(conv, "zh" if conv.lang == "en" else "en")
    if name in me.COMMANDS:
        conv.role = "customer"
        if conv.customer_id is None:
            return sign_up(conv, event, keep_words=False)
        return _me(conv, me.COMMANDS[name])
    if name == "customer":
        return _as_customer(ctx, conv, event)
    if name in opt_out.COMMANDS:
        return opt_out.answer(conv, opt_out.COMMANDS[name])
    if name in sos.COMMANDS:
        return sos.answer(conv, event)
    if name == "link" and conv.customer_id is not None:
        _clear(conv)
        conv.role = "customer"
        return link.start(conv, event)
    if name == "help":
        if ctx.admin_role and conv.role == "admin":
            return Outcome(goto="admin")
        return Outcome([Say(help_text(conv))], reask=True)
    if name == "cancel":
        _clear(conv)
        return Outcome([Say(tr(conv, "已取消。"))], goto=home(ctx, conv))
    if name in FLOW_COMMANDS:
        _clear(conv)
        if name == "menu":
            return Outcome(goto=home(ctx, conv))
        conv.role = "customer"
        if conv.customer_id is None:
            return sign_up(conv, event, keep_words=False)
        if name == "reorder":
            my_orders.seed(conv, my_orders.OrdersData(mode=my_orders.REORDER))
        return Outcome(goto=FLOW_COMMANDS[name])
    return _unknown(conv, name)
