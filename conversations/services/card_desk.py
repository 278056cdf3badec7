"""Prepaid visit cards (次卡) as commands: bought and paid like an order (the channel's
provider: a Telegram invoice, WeChat Pay, the sandbox), refunded by finance, and the expiry
sweep (holders told ahead, cards expired once, whichever process locks them first)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from conversations.events import Result
from conversations.results.booking import PaymentDue, PaymentUnavailable
from conversations.results.cards import CardOrdered, CardPaid, CardRefunded
from conversations.results.sweeps import CardsExpired
from conversations.services import cards, payment_requests
from conversations.services.deps import Deps
from conversations.services.notices import Notice, to_customer
from domain import commands as c
from domain.audit import AuditEntry
from domain.cards import Card
from domain.errors import DomainError
from domain.moments import When
from domain.payments import Payment
from domain.text import N_

FINANCE = ("owner", "finance")
BATCH = 100


class CardDesk:
    def __init__(self, services: Deps) -> None:
        self.s = services

    def handlers(self) -> dict[type[c.Command], Any]:
        return {c.BuyCard: self.buy, c.RefundCard: self.refund, c.ExpireCards: self.expire}

    async def buy(self, cmd: c.BuyCard) -> list[Result]:
        product = self.s.catalog.card(cmd.product_id)
        if product is None:
            raise DomainError(N_("这张次卡已不再出售"))
        gateway = self.s.gateway_for(cmd.channel)
        if gateway is None:
            return [PaymentUnavailable()]
        async with self.s.uow() as uow:
            card, payment = await cards.buy(
                uow, product, cmd.customer_id, cmd.channel, gateway.name, self.s.clock()
            )
            accounts = await uow.identities.of_customer(cmd.customer_id)
            await uow.commit()
        payer = payment_requests.payer_on(accounts, cmd.channel)
        title = f"到家 次卡 {product.name.zh}"
        checkout = await gateway.start(payment, None, title, payer)
        due = PaymentDue(
            number=card.id or 0,
            due_now_cents=payment.amount_cents,
            pay_by=None,
            reference=payment.reference,
            provider=checkout.provider,
            pay_url=checkout.url,
            invoice=tuple(checkout.invoice) or ((product.name.zh[:32], payment.amount_cents),),
            title=title,
        )
        return [CardOrdered(product.name, due)]

    async def confirm(self, cmd: c.ConfirmPayment, payment: Payment) -> list[Result]:
        """A provider says a card's payment was made: the card is active (once)."""
        now = self.s.clock()
        async with self.s.uow() as uow:
            card, new = await cards.confirm(
                uow,
                payment,
                provider=cmd.provider,
                provider_ref=cmd.provider_ref,
                amount=cmd.amount_cents,
                now=now,
                customer_id=cmd.customer_id,
            )
            notices = []
            if new and cmd.notify_customer and card.valid_until is not None:
                notices.append(active_notice(card, self._day(card.valid_until, now)))
            posted = await self.s.post(uow, notices)
            await uow.commit()
        await self.s.flush(posted)
        if card.valid_until is None:  # not paid: a payment for a card that lapsed
            raise DomainError(N_("这张次卡已不能支付"))
        return [CardPaid(card.name, card.visits, card.valid_until, payment.amount_cents, new)]

    async def refund(self, cmd: c.RefundCard) -> list[Result]:
        if cmd.role not in FINANCE:
            raise DomainError(N_("需要 owner 或 finance 角色"))
        now = self.s.clock()
        async with self.s.uow() as uow:
            card, refund = await cards.refund(uow, cmd.card_id, now, cmd.reason or "card refund")
            amount = refund.amount_cents if refund else 0
            await uow.audit.append(
                AuditEntry(
                    now,
                    cmd.admin,
                    "refund_card",
                    f"card:{cmd.card_id}",
                    cmd.role,
                    {},
                    {"amount": amount, "reason": cmd.reason},
                )
            )
            await uow.commit()
        if refund is not None:
            await self.s.execute_refunds(c.ExecuteRefunds())
        return [CardRefunded(card.id or 0, amount)]

    async def expire(self, cmd: c.ExpireCards) -> list[Result]:
        now = self.s.clock()
        days = self.s.rules.membership.card_expiry_notice_days
        reminded = expired = lapsed = 0
        unpaid = now - timedelta(minutes=self.s.rules.payments.unpaid_expire_minutes)
        async with self.s.uow() as uow:
            soon = (
                await uow.cards.to_remind(now + timedelta(days=days), limit=BATCH) if days else []
            )
            due = await uow.cards.to_expire(now, limit=BATCH)
            lapsing = await uow.cards.to_lapse(unpaid, limit=BATCH)
        for card_id in lapsing:
            async with self.s.uow() as uow:
                lapsed += await cards.lapse(uow, card_id, now)
                await uow.commit()
        for card_id in soon:
            reminded += await self._one(card_id, remind=True)
        for card_id in due:
            expired += await self._one(card_id, remind=False)
        return [CardsExpired(reminded, expired, lapsed)]

    def _day(self, until: datetime, now: datetime) -> When:
        """A card's last day as its notice shows it (its year when it is far off)."""
        tz = self.s.tz
        return When(until.astimezone(tz).date(), now.astimezone(tz).date())

    async def _one(self, card_id: int, *, remind: bool) -> bool:
        now = self.s.clock()
        async with self.s.uow() as uow:
            notice: Notice | None = None
            if remind:
                card = await cards.remind(uow, card_id, now)
                if card is not None and card.valid_until is not None and card.valid_until > now:
                    notice = expiring_notice(card, self._day(card.valid_until, now))
            else:
                done = await cards.expire(uow, card_id, now)
                if done is not None:
                    notice = expired_notice(done[0], done[1])
            if notice is None:
                return False
            posted = await self.s.post(uow, [notice])
            await uow.commit()
        await self.s.flush(posted)
        return True


def _named(card: Card) -> dict[str, Any]:
    return {"card_zh": card.name.zh, "card_en": card.name.en}


def active_notice(card: Card, until: When) -> Notice:
    return to_customer(
        card.customer_id,
        "card_active",
        visits=card.visits_left,
        until=until,
        **_named(card),
    )


def expiring_notice(card: Card, until: When) -> Notice:
    return to_customer(
        card.customer_id,
        "card_expiring",
        visits=card.visits_left,
        until=until,
        **_named(card),
    )


def expired_notice(card: Card, visits: int) -> Notice:
    return to_customer(card.customer_id, "card_expired", visits=visits, **_named(card))


def refunded_notice(card: Card, amount: int) -> Notice:
    return to_customer(card.customer_id, "card_refunded", amount=amount, **_named(card))
