"""The sandbox payment page: ``GET /pay/sandbox/{reference}`` shows what is due,
``POST`` confirms it. No money moves, but everything after the confirmation is the real path.
The page speaks the order's language (``Order.lang``).
"""

from __future__ import annotations

from aiohttp import web
from jinja2 import Environment, PackageLoader, select_autoescape

from conversations.events import Failed
from conversations.results.booking import OrderPaid, PaidTooLate
from conversations.results.cards import CardPaid
from domain.commands import ConfirmSandboxPayment
from domain.money import format_yuan
from domain.payments import Payment, PaymentKind
from domain.text import N_, Bilingual
from webhooks.keys import DATABASE, SERVICES

UNAVAILABLE = N_("本渠道暂未开通在线支付")
UNKNOWN = N_("找不到这笔支付")
WORDS = {
    "cannot_pay": N_("无法支付"),
    "paid": N_("支付成功"),
    "order": N_("订单"),
    "card": N_("购买次卡"),
    "back": N_("可以回到聊天窗口。"),
    "due": N_("应付"),
    "sandbox": N_("沙箱支付:不会真实扣款。"),
    "done": N_("已支付过"),  # a label, not the status word (en "paid")
    "pay": N_("确认支付"),
}
TEMPLATES = Environment(loader=PackageLoader("webhooks"), autoescape=select_autoescape())


def page(lang: str, status: int = 200, **context: object) -> web.Response:
    words = {key: text.get(lang) for key, text in WORDS.items()}
    html_lang = "en" if lang == "en" else "zh-CN"
    html = TEMPLATES.get_template("pay_sandbox.html").render(
        w=words, html_lang=html_lang, **context
    )
    return web.Response(status=status, text=html, content_type="text/html")


async def payer_lang(app: web.Application, reference: str) -> str:
    """The language of the order the payment ``reference`` is for (a prepaid card's: its
    buyer's; Chinese when unknown)."""
    async with app[DATABASE].uow() as uow:
        payment = await uow.payments.by_reference(reference)
        if payment is not None and payment.card_id is not None:
            card = await uow.cards.get(payment.card_id)
            customer = await uow.customers.get(card.customer_id) if card else None
            return customer.lang if customer is not None else "zh"
        order = await uow.orders.get(payment.order_id) if payment and payment.order_id else None
    return order.lang if order is not None else "zh"


async def owner(app: web.Application, reference: str) -> tuple[Payment, int | Bilingual] | None:
    """The payment ``reference`` names and what it pays for: an order's number or a prepaid
    card's name (in both languages: the page shows it in its reader's); None when there is no
    such payment to pay (none, or a refund's)."""
    async with app[DATABASE].uow() as uow:
        payment = await uow.payments.by_reference(reference)
        if payment is None or payment.kind == PaymentKind.REFUND:
            return None
        if payment.card_id is not None:
            card = await uow.cards.get(payment.card_id)
            return (payment, card.name) if card else None
        order = await uow.orders.get(payment.order_id) if payment.order_id else None
    return (payment, order.number) if order else None


def paid_for(what: int | Bilingual, lang: str) -> str:
    """What is paid for, as the page names it: ``订单 #240117`` / ``Order #240117``, or
    ``购买次卡 …`` / ``Prepaid card …`` with the card's name in the same language."""
    if isinstance(what, Bilingual):
        return f"{WORDS['card'].get(lang)} {what.get(lang)}"
    return f"{WORDS['order'].get(lang)} #{what}"


async def show(request: web.Request) -> web.Response:
    reference = request.match_info["reference"]
    found = await owner(request.app, reference)
    if found is None:
        raise web.HTTPNotFound(text="unknown payment")
    payment, paying = found
    lang = await payer_lang(request.app, reference)
    what = paid_for(paying, lang)
    return page(
        lang,
        title=what,
        what=what,
        reference=reference,
        amount=format_yuan(payment.amount_cents),
        done=payment.status.value == "succeeded",
    )


async def confirm(request: web.Request) -> web.Response:
    reference = request.match_info["reference"]
    if await owner(request.app, reference) is None:  # as ``GET``: nothing to conflict with
        raise web.HTTPNotFound(text="unknown payment")
    command = ConfirmSandboxPayment(reference, notify_customer=True)
    results = await request.app[SERVICES].run(command)
    result = results[0] if results else Failed(UNKNOWN)
    lang = await payer_lang(request.app, reference)
    if isinstance(result, Failed):
        return page(lang, 409, title="payment", error=result.message.get(lang))
    if isinstance(result, CardPaid):
        what, amount = paid_for(result.name, lang), format_yuan(result.amount_cents)
    elif isinstance(result, OrderPaid | PaidTooLate):
        what, amount = paid_for(result.number, lang), format_yuan(result.amount_cents)
    else:  # the sandbox was turned off
        return page(lang, 409, title="payment", error=UNAVAILABLE.get(lang))
    if isinstance(result, CardPaid | OrderPaid) and not result.new:
        # paid already (in the chat, or on this page before): no second "paid"
        return page(lang, title=what, what=what, reference=reference, amount=amount, done=True)
    return page(lang, title=what, what=what, amount=amount, paid_now=True)


def setup(app: web.Application) -> None:
    app.router.add_get("/pay/sandbox/{reference}", show)
    app.router.add_post("/pay/sandbox/{reference}", confirm)
