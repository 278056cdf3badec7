"""The service layer: runs the commands conversations issue, each in one unit of work, answers
their queries with views (``views``: read, never committed), and replies with result events.
The only place conversations touch persistence (through ports).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from functools import partial
from typing import Any

from conversations.events import Failed, Result
from conversations.results.booking import (
    OrderPaid,
    OrderPlaced,
    PaymentDue,
    PaymentRequested,
    PaymentUnavailable,
)
from conversations.results.sweeps import OutboxDrained
from conversations.services import (
    customer_orders,
    order_steps,
    payment_requests,
    sign_ups,
    views,
)
from conversations.services.admin_after_sales import AdminAfterSalesDesk
from conversations.services.admin_business import BusinessDesk
from conversations.services.admin_orders import OrderDesk
from conversations.services.admin_reads import AdminDesk
from conversations.services.after_sales import AfterSalesDesk
from conversations.services.birthdays import BirthdayDesk
from conversations.services.broadcasts import BroadcastDesk
from conversations.services.campaigns import CampaignDesk
from conversations.services.card_desk import CardDesk
from conversations.services.credentials import CredentialDesk
from conversations.services.deps import Deps
from conversations.services.dispatch_desk import DispatchDesk
from conversations.services.identity_links import LinkDesk
from conversations.services.insurance import InsuranceDesk
from conversations.services.invoices import InvoiceDesk
from conversations.services.money import MoneyDesk
from conversations.services.payouts import PayoutDesk
from conversations.services.placement_endings import EndingDesk
from conversations.services.placement_interviews import InterviewDesk
from conversations.services.placement_replacements import ReplacementDesk
from conversations.services.placements import PlacementDesk
from conversations.services.points_desk import PointsDesk
from conversations.services.recurring import RecurringDesk
from conversations.services.relay_desk import RelayDesk
from conversations.services.reminders import ReminderDesk
from conversations.services.reschedule import RescheduleDesk
from conversations.services.retention import forget_conversations
from conversations.services.sos import SosDesk
from conversations.services.staff_desk import StaffDesk
from conversations.services.support_desk import SupportDesk
from conversations.services.surcharges import SurchargeDesk
from conversations.services.unpaid import UnpaidDesk
from conversations.services.unsent_uploads import forget as forget_unsent_uploads
from conversations.services.workers import WorkerDesk
from conversations.services.workforce import WorkforceDesk
from domain import commands as c
from domain.errors import DomainError
from domain.gateways import PaymentGateway
from domain.lifecycle import OrderStatus
from domain.orders import Order
from domain.payments import Payment, PaymentKind, pay_by
from domain.people import Identity

log = logging.getLogger(__name__)


class Services(Deps):
    """Executes commands and answers queries; domain refusals become ``Failed`` results with a
    message to show."""

    def wire(self) -> None:
        """The bootstrap: every desk on the shared ``Deps``, the table of command handlers,
        and (apart from it) the table of query views."""
        uow, clock = self.uow, self.clock
        self.desk = WorkerDesk(self)
        self.dispatch_desk = DispatchDesk(self)
        self.money = MoneyDesk(self)
        self.unpaid = UnpaidDesk(self)
        self.aftersales = AfterSalesDesk(self)
        self.admin_after_sales = AdminAfterSalesDesk(self)
        self.recurring = RecurringDesk(self)
        self.reminders = ReminderDesk(self)
        self.admin_desk = AdminDesk(self)
        self.order_desk = OrderDesk(self)
        self.reschedule_desk = RescheduleDesk(self)
        self.workforce = WorkforceDesk(self)
        self.business = BusinessDesk(self)
        self.staff = StaffDesk(self)
        self.links = LinkDesk(self)
        self.points = PointsDesk(self)
        self.invoices = InvoiceDesk(self)
        self.insurance = InsuranceDesk(self)
        self.campaigns = CampaignDesk(self)
        self.broadcasts = BroadcastDesk(self)
        self.birthdays = BirthdayDesk(self)
        self.cards = CardDesk(self)
        self.credentials = CredentialDesk(self)
        self.payout_desk = PayoutDesk(self)
        self.sos = SosDesk(self)
        self.surcharges = SurchargeDesk(self)
        self.support = SupportDesk(self)
        self.relay_desk = RelayDesk(self)
        self.placement_desk = PlacementDesk(self)
        self.replacements = ReplacementDesk(self)
        self.endings = EndingDesk(self)
        self.interviews = InterviewDesk(self)
        self._views = views.table(
            catalog=self.catalog,
            rules=self.rules,
            clock=clock,
            tz=self.tz,
            admins=self.admins,
            invite_link=self.invite_link,
        )
        """What people see: each query's view (``views``), apart from the commands'."""
        self._handlers: dict[type[c.Command], Callable[[Any], Awaitable[list[Result]]]] = {
            c.RegisterCustomer: partial(sign_ups.register, self),
            c.SetLanguage: self.set_language,
            c.SetAdminLanguage: self.set_admin_language,
            c.PlaceOrder: self.place,
            c.RequestPayment: self.request_payment,
            c.ConfirmSandboxPayment: self.confirm_sandbox,
            c.CancelOrder: self.cancel,
            c.DrainOutbox: self.drain_outbox,
            c.ForgetConversations: partial(
                forget_conversations,
                uow=uow,
                clock=clock,
                keep_messages=timedelta(days=self.rules.notifications.keep_days),
            ),
            c.ForgetUnsentUploads: partial(forget_unsent_uploads, self),
            **self.desk.handlers(),
            **self.links.handlers(),
            **self.dispatch_desk.handlers(),
            **self.money.handlers(),
            **self.unpaid.handlers(),
            **self.aftersales.handlers(),
            **self.admin_after_sales.handlers(),
            **self.recurring.handlers(),
            **self.reminders.handlers(),
            **self.admin_desk.handlers(),
            **self.order_desk.handlers(),
            **self.reschedule_desk.handlers(),
            **self.workforce.handlers(),
            **self.business.handlers(),
            **self.staff.handlers(),
            **self.points.handlers(),
            **self.invoices.handlers(),
            **self.insurance.handlers(),
            **self.campaigns.handlers(),
            **self.broadcasts.handlers(),
            **self.birthdays.handlers(),
            **self.cards.handlers(),
            **self.credentials.handlers(),
            **self.payout_desk.handlers(),
            **self.sos.handlers(),
            **self.surcharges.handlers(),
            **self.support.handlers(),
            **self.relay_desk.handlers(),
            **self.placement_desk.handlers(),
            **self.replacements.handlers(),
            **self.endings.handlers(),
            **self.interviews.handlers(),
        }

    async def run(self, message: c.Message) -> list[Result]:
        """Run a command by its handler, or answer a query by its view (``read``)."""
        if isinstance(message, c.Query):
            return await self.read(message)
        try:
            return await self._handlers[type(message)](message)
        except DomainError as exc:
            return [Failed(exc.text, exc.retry)]

    async def read(self, query: c.Query) -> list[Result]:
        """Answer a query: its view, in a unit of work that is never committed (inside a chat
        turn, a member of the turn's transaction, as a command's would be)."""
        view = self._views[type(query)]
        try:
            async with self.reads() as uow:
                result = await view(uow, query)
        except DomainError as exc:
            return [Failed(exc.text, exc.retry)]
        return [] if result is None else [result]

    async def dispatch_paid(self, number: int, tell_customer: bool = False) -> bool:
        return await self.desk.dispatch_paid(number, tell_customer)

    async def execute_refunds(self, cmd: c.ExecuteRefunds) -> list[Result]:
        return await self.money.execute_refunds(cmd)

    async def confirm_card(self, cmd: c.ConfirmPayment, payment: Payment) -> list[Result]:
        return await self.cards.confirm(cmd, payment)

    async def return_late(
        self, cmd: c.ConfirmPayment, late: payment_requests.Uncreditable
    ) -> list[Result]:
        return await self.unpaid.return_late(cmd, late)

    async def drain_outbox(self, cmd: c.DrainOutbox) -> list[Result]:
        return [OutboxDrained(await self.postman.drain())]

    async def set_language(self, cmd: c.SetLanguage) -> list[Result]:
        """Keep the language on the person's customer and worker records (a worker's job
        offers and reminders are written in their record's language)."""
        async with self.uow() as uow:
            if cmd.customer_id is not None:
                customer = await uow.customers.get(cmd.customer_id)
                if customer is not None and customer.lang != cmd.lang:
                    customer.lang = cmd.lang
                    await uow.customers.save(customer)
            if cmd.worker_id is not None:
                worker = await uow.workers.get(cmd.worker_id)
                if worker is not None and worker.lang != cmd.lang:
                    worker.lang = cmd.lang
                    await uow.workers.save(worker)
            await uow.commit()
        return []

    async def set_admin_language(self, cmd: c.SetAdminLanguage) -> list[Result]:
        async with self.uow() as uow:
            await uow.admins.set_lang(cmd.channel, cmd.user_id, cmd.lang, self.clock())
            await uow.commit()
        return []

    async def place(self, cmd: c.PlaceOrder) -> list[Result]:
        located = await self.locate(cmd.booking)  # outside the transaction: may ask a map
        now = self.clock()
        gateway = self.gateway_for(cmd.booking.channel)
        try:
            async with self.uow() as uow:
                order, payment = await order_steps.place(
                    uow,
                    self.catalog,
                    self.rules,
                    cmd.booking,
                    cmd.expected_total_cents,
                    now,
                    gateway.name if gateway else None,
                    phone=cmd.phone,
                    located=located,
                )
                # the payer: the account placing it, else (none given) read with the order
                known = cmd.payer or not payment
                accounts = None if known else await uow.identities.of_customer(order.customer_id)
                await uow.commit()
        except payment_requests.PaymentUnavailable:
            return [PaymentUnavailable()]
        if payment is None:  # nothing to pay (coupon, points): paid as placed
            no_worker = await self.desk.dispatch_paid(order.number)
            held = bool(order.hold_reason)
            return [OrderPaid(order.number, 0, no_worker, held, balance=False, new=True)]
        assert gateway is not None
        due = await self._checkout(order, payment, gateway, accounts, cmd.payer)
        return [OrderPlaced(due)]

    async def _checkout(
        self,
        order: Order,
        payment: Payment,
        gateway: PaymentGateway,
        accounts: Sequence[Identity] | None = None,
        payer: str = "",
    ) -> PaymentDue:
        """Start the gateway's checkout for ``payer`` (a chat account, ``channel:user id``);
        without one, the customer's account on the order's channel (``accounts``: the
        customer's chat accounts, when the caller read them already)."""
        if not payer:
            if accounts is None:
                async with self.uow() as uow:
                    accounts = await uow.identities.of_customer(order.customer_id)
            payer = payment_requests.payer_on(accounts, order.channel)
        title = f"到家 #{order.number} {self.catalog.item(order.item_id).name.zh}"
        title += {PaymentKind.SURCHARGE: " 现场加价", PaymentKind.RESCHEDULE_FEE: " 改约费"}.get(
            payment.kind, ""
        )
        checkout = await gateway.start(payment, order, title, payer)
        awaiting = order.status == OrderStatus.AWAITING_PAYMENT
        return PaymentDue(
            number=order.number,
            due_now_cents=payment.amount_cents,
            # an unpaid order is cancelled then (a balance has no such time)
            pay_by=pay_by(order, self.rules.payments) if awaiting else None,
            reference=payment.reference,
            provider=checkout.provider,
            pay_url=checkout.url,
            invoice=tuple(checkout.invoice),
            title=title,
        )

    async def checkout(
        self, order: Order, payment: Payment, gateway: PaymentGateway
    ) -> PaymentDue:
        return await self._checkout(order, payment, gateway)

    async def request_payment(self, cmd: c.RequestPayment) -> list[Result]:
        async with self.uow() as uow:
            order = await customer_orders.own_order(uow, cmd.customer_id, cmd.number)
            gateway = self.gateway_for(order.channel)
            if gateway is None:
                return [PaymentUnavailable()]
            payment = await payment_requests.pending_payment(
                uow, order, gateway.name, self.clock()
            )
            await uow.commit()
        return [PaymentRequested(await self._checkout(order, payment, gateway))]

    async def confirm_sandbox(self, cmd: c.ConfirmSandboxPayment) -> list[Result]:
        """The sandbox's "paid" button: the amount asked is the amount paid. Refused unless
        the sandbox runs (the demo, or ``DAOJIA_SANDBOX_PAYMENTS`` as a test mode)."""
        if "sandbox" not in self.gateways:
            return [PaymentUnavailable()]
        return await self.run(
            c.ConfirmPayment(
                cmd.reference,
                "sandbox",
                f"sandbox-{cmd.reference}",
                None,
                cmd.customer_id,
                cmd.notify_customer,
            )
        )

    async def cancel(self, cmd: c.CancelOrder) -> list[Result]:
        return [await customer_orders.cancel(self, cmd)]
