"""Telegram Payments: the invoice is sent with the bot; the provider's money arrives as
``successful_payment``. (The sandbox gateway lives with the service layer: it needs nothing
outside.)"""

from __future__ import annotations

from domain.gateways import Checkout, RefundOutcome
from domain.orders import Order
from domain.payments import Payment, PaymentKind


class TelegramGateway:
    """Telegram Payments: an invoice in the chat (itemised for a full payment).

    The Bot API cannot refund provider payments (only Stars), so a refund stays pending and
    finance is told to refund in the provider's dashboard, then marks it done.
    """

    name = "telegram"

    async def start(
        self, payment: Payment, order: Order | None, title: str, payer: str
    ) -> Checkout:
        if payment.kind == PaymentKind.FULL and order is not None and order.lines:
            lines = tuple((line.label.get("zh")[:32], line.amount_cents) for line in order.lines)
        else:
            label = {
                PaymentKind.DEPOSIT: "定金 deposit",
                PaymentKind.BALANCE: "尾款 balance",
                PaymentKind.SURCHARGE: "现场加价 extra",
                PaymentKind.RESCHEDULE_FEE: "改约费 reschedule fee",
            }
            lines = ((label.get(payment.kind, title)[:32], payment.amount_cents),)
        return Checkout(self.name, invoice=lines)

    async def query(self, payment: Payment) -> tuple[bool, str]:
        return False, ""  # Telegram tells us (successful_payment); there is nothing to ask

    async def verify(self, payment: Payment, provider_ref: str) -> bool:
        """Telegram cannot be asked: its ``successful_payment`` (on the webhook that carries
        our secret token) is its word, with the charge id finance finds in the provider's
        dashboard, where such a refund is made by hand."""
        return bool(provider_ref)

    async def refund(self, refund: Payment, original: Payment) -> RefundOutcome:
        return RefundOutcome(
            False,
            note=f"refund in the payment provider's dashboard, then /refunded {refund.reference}",
        )
