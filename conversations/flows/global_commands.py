"""The slash commands (``/start``, ``/help``, ``/book``…) and the typed actions of workers,
customers and admins ("接单 #N", "联系师傅 #N", ``/assign``…), understood in every state, and
where they lead: a person's home flow and the sign-up (``home``, ``sign_up``). The words
understood in every state, and the order in which all of them win, are ``global_words``."""

from __future__ import annotations

from conversations.events import (
    ChoiceMade,
    CommandReceived,
    Inbound,
    TextReceived,
)
from conversations.flows import (
    admin_console,
    after_sales,
    invoice,
    language,
    link,
    me,
    my_orders,
    opt_out,
    order_questions,
    placement_words,
    relay,
    sos,
    start,
    support,
    worker,
    worker_signup,
    worker_surcharge,
)
from conversations.flows.base import Ctx, Outcome, tr
from conversations.flows.help_text import help_text
from conversations.flows.typed_commands import Typed, parse
from conversations.replies import Say
from conversations.state import Conversation
from conversations.understanding.intents import Asked, Intent
from domain.digits import whole
from domain.referrals import code_of as referral_code

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
CUSTOMERS_TOO = ("orders", "cancel")
"""Admin commands that customers have too (their own orders; stop what they are doing)."""
SWITCH_TOO = "customer"
"""The admin command that alone is the switch to booking as a customer (``/customer``):
an admin's with a phone or an id after it (``/customer 138…``), the switch otherwise."""
FEEDBACK = ("complain", "rate", "rework")
"""Customer actions the feedback flow handles (workers: ``rate_customer``)."""
SUPPORT = ("chat_support", "end_support", "rate_support")
"""Customer actions on a support ticket (the ticket's buttons and words)."""
EXTRA = ("surcharge_yes", "surcharge_no")
"""The customer's answers to an on-site extra (``my_orders``; a request's buttons name it)."""
RELAY = {"contact_worker": "customer", "contact_customer": "worker"}
"""The relay chat's way in on each side ("联系师傅" / "联系顾客", and their buttons)."""


def clear(conv: Conversation) -> None:
    conv.data = {k: v for k, v in conv.data.items() if k in KEEP}
    conv.history = []


def home(ctx: Ctx, conv: Conversation) -> str:
    """The flow a person returns to: their role's menu (sign-up first for new customers)."""
    if conv.role == "admin" and ctx.admin_role:
        return "admin"
    if conv.role == "worker":
        return "worker"
    return "menu" if conv.customer_id is not None else "start"


def me_section(conv: Conversation, section: me.Section) -> Outcome:
    """A part of 我的, as a detour: what the customer was doing stays, and "back" returns
    to it."""
    me.seed(conv, me.MeData(section.value))
    return Outcome(goto=me.NAME)


def sign_up(
    conv: Conversation, event: Inbound, *, keep_words: bool = True, then: bool = False
) -> Outcome:
    """To the sign-up, which makes the person a customer at once, welcomes them, and then
    reads what they wrote (``keep_words``) as a request — or (``then``) answers the command
    or word they sent as any customer's."""
    start.arriving(conv, event, keep_words=keep_words, then=then)
    return Outcome(goto=start.NAME)


def as_customer(ctx: Ctx, conv: Conversation, event: Inbound) -> Outcome:
    clear(conv)
    conv.role = "customer"
    if conv.customer_id is None:
        return sign_up(conv, event, keep_words=False)
    return Outcome(goto=home(ctx, conv))


def typed_of(event: Inbound) -> Typed | None:
    if isinstance(event, ChoiceMade) and event.key.startswith("act:"):
        _, name, *rest = event.key.split(":")
        number = whole(rest[0]) if rest else None  # an order or a ticket: an id's range
        mine = (
            *("confirm", "pay", "reschedule", "cancel", "contact_worker", "renew_placement"),
            *FEEDBACK,
            *SUPPORT,
            *EXTRA,
        )
        group = "customer" if name in mine else "worker"
        return Typed(group, name, rest[1] if len(rest) > 1 else "", number)
    if isinstance(event, TextReceived):
        return parse(event.text)
    if isinstance(event, CommandReceived):
        return parse(f"/{event.command} {event.args}".strip(), slash=True)
    return None


def admin(ctx: Ctx, conv: Conversation, typed: Typed, event: Inbound) -> Outcome | None:
    """An admin command goes to the admin console; None leaves the event to the rest.

    To anyone who is not an admin, admin commands do not exist: a slash command is unknown,
    a word is ordinary text. ``/reschedule #N`` (改期; without a number the order on the
    screen, else the one picked; a new time after it quoted at once: "/reschedule #N tomorrow
    3pm") moves a customer's own order and
    ``/cancel #N`` (取消订单) cancels one, after its terms (and an admin's, when they act as a
    customer). ``/customer`` alone is everyone's way to book as a customer (``SWITCH_TOO``).
    ``/orders`` and ``/cancel`` are also customers'
    commands: staff who are customers too get the customer's meaning while booking as one
    (and a bare ``/cancel`` away from the console just stops what they were doing).
    """
    slash = isinstance(event, CommandReceived) or (
        isinstance(event, TextReceived) and event.text.lstrip().startswith("/")
    )
    if typed.name == SWITCH_TOO and not (ctx.admin_role and (typed.args or typed.number)):
        return None
    shared = typed.name in CUSTOMERS_TOO
    as_customer = conv.customer_id is not None and (not ctx.admin_role or conv.role != "admin")
    own_cancel = typed.name == "cancel" and typed.number is not None
    if typed.name == "reschedule" and as_customer:  # the customer's own order, moved
        asked = order_questions.move_command(ctx, conv, typed.number, typed.args)
        clear(conv)
        conv.role = "customer"
        return order_questions.answer(conv, asked)
    if own_cancel and as_customer:
        clear(conv)
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
    if typed.name == "complain" and typed.number is None:  # "投诉" alone: the order picked
        clear(conv)
        return order_questions.answer(conv, Asked(Intent.COMPLAIN))
    if typed.name == "stage":  # "进度" (``action``): the order's progress, picked if unnamed
        clear(conv)
        return order_questions.answer(conv, Asked(Intent.STATUS, typed.number))
    if typed.name in FEEDBACK:
        after_sales.seed(conv, after_sales.FeedbackData(typed.name, typed.number))
        return Outcome(goto="feedback")
    if typed.name == "invoice":  # "发票 #240117": that order's invoice ("/invoice": any)
        clear(conv)
        conv.role = "customer"
        invoice.seed(conv, invoice.InvoiceData(number=typed.number))
        return Outcome(goto=invoice.NAME)
    extra = whole(typed.args) if typed.name in EXTRA else None
    my_orders.seed(
        conv, my_orders.OrdersData(action=typed.name, number=typed.number, surcharge=extra)
    )
    return Outcome(goto="orders")


def action(ctx: Ctx, conv: Conversation, typed: Typed, event: Inbound) -> Outcome:
    if typed.group == "customer":
        return _customer_action(ctx, conv, typed, event)
    if typed.name == "register":
        conv.role = "worker"
        return Outcome(goto="worker_register")
    if typed.name == "renew" and conv.worker_id is None and typed.number is not None:
        # a customer's "renew #N" (the help says "renew contract #N"): their contract, not
        # a worker's document
        renewal = Typed("customer", "renew_placement", typed.args, typed.number)
        return _customer_action(ctx, conv, renewal, event)
    if typed.name == "stage" and conv.worker_id is None and conv.role == "customer":
        # "进度" ("#N") from a customer: where their order is, not a worker's stage
        asked = Typed("customer", typed.name, typed.args, typed.number)
        return _customer_action(ctx, conv, asked, event)
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


def command(  # noqa: C901 - one branch per slash command
    ctx: Ctx, conv: Conversation, event: CommandReceived
) -> Outcome:
    name = event.command.lower()
    if name == "start":
        if code := referral_code(event.args):
            start.seed(conv, start.StartData(referral=code))
        clear(conv)
        target = home(ctx, conv)
        known = conv.customer_id if target == "menu" else conv.worker_id
        if target in ("menu", "worker") and conv.flow != "start" and known is not None:
            return Outcome([Say(tr(conv, "欢迎回来!"))], goto=target)
        if target == start.NAME:
            return sign_up(conv, event, keep_words=False)
        return Outcome(goto=target)
    if name in ("lang", "language"):
        return language.command(conv, event.args)
    if name in me.COMMANDS:
        conv.role = "customer"
        if conv.customer_id is None:
            return sign_up(conv, event, keep_words=False)
        return me_section(conv, me.COMMANDS[name])
    if name == "customer":
        return as_customer(ctx, conv, event)
    if name in opt_out.COMMANDS:
        return opt_out.answer(conv, opt_out.COMMANDS[name])
    if name in sos.COMMANDS:
        return sos.answer(conv, event)
    if name == "link" and conv.customer_id is not None:
        clear(conv)
        conv.role = "customer"
        return link.start(conv, event)
    if name == "help":
        if ctx.admin_role and conv.role == "admin":
            return Outcome(goto="admin")
        return Outcome([Say(help_text(conv))], reask=True)
    if name == "cancel":
        clear(conv)
        return Outcome([Say(tr(conv, "已取消。"))], goto=home(ctx, conv))
    if name in FLOW_COMMANDS:
        clear(conv)
        if name == "menu":
            return Outcome(goto=home(ctx, conv))
        conv.role = "customer"
        if conv.customer_id is None:
            return sign_up(conv, event, keep_words=False)
        if name == "reorder":
            my_orders.seed(conv, my_orders.OrdersData(mode=my_orders.REORDER))
        return Outcome(goto=FLOW_COMMANDS[name])
    return _unknown(conv, name)
