"""The sandbox payment page: ``GET /pay/sandbox/{reference}`` shows what is due,
``POST`` confirms it. No money moves, but everything after the confirmation is the real path.
"""

from __future__ import annotations

from aiohttp import web
from jinja2 import Environment, PackageLoader, select_autoescape

from conversations.events import Failed
from conversations.results.booking import OrderPaid, PaidTooLate
from domain.commands import ConfirmSandboxPayment
from domain.money import format_yuan
from webhooks.keys import DATABASE, SERVICES

UNAVAILABLE = "本渠道暂未开通在线支付 / online payment is not available here"
TEMPLATES = Environment(loader=PackageLoader("webhooks"), autoescape=select_autoescape())


def page(status: int = 200, **context: object) -> web.Response:
    html = TEMPLATES.get_template("pay_sandbox.html").render(**context)
    return web.Response(status=status, text=html, content_type="text/html")


async def show(request: web.Request) -> web.Response:
    reference = request.match_info["reference"]
    async with request.app[DATABASE].uow() as uow:
        payment = await uow.payments.by_reference(reference)
        order = await uow.orders.get(payment.order_id) if payment else None
    if payment is None or order is None:
        raise web.HTTPNotFound(text="unknown payment")
    return page(
        title=f"#{order.number}",
        number=order.number,
        reference=reference,
        amount=format_yuan(payment.amount_cents),
        done=payment.status.value == "succeeded",
    )


async def confirm(request: web.Request) -> web.Response:
    reference = request.match_info["reference"]
    command = ConfirmSandboxPayment(reference, notify_customer=True)
    results = await request.app[SERVICES].run(command)
    result = results[0] if results else Failed("unknown payment")
    if isinstance(result, Failed):
        return page(409, title="payment", error=result.message)
    if not isinstance(result, OrderPaid | PaidTooLate):  # the sandbox was turned off
        return page(409, title="payment", error=UNAVAILABLE)
    amount = format_yuan(result.amount_cents)
    return page(title=f"#{result.number}", number=result.number, amount=amount, paid_now=True)


def setup(app: web.Application) -> None:
    app.router.add_get("/pay/sandbox/{reference}", show)
    app.router.add_post("/pay/sandbox/{reference}", confirm)
