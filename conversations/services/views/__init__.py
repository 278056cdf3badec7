"""Query functions: what people see (cosmicpython ``views.py``), by audience — ``customer``
(and their ``points``), ``worker``, ``admin``.

A view takes the unit of work to read in — typed ``Reads``: the repositories without
``commit``, so mypy keeps a view from changing anything — and the query, and names every
other dependency in its signature (no desk, no back-reference). ``table`` binds those
dependencies once, in the bus's bootstrap (``Services.wire``); ``Services.read`` answers a
query by opening one unit of work, running the view in it and never committing it. Inside a
chat turn that unit of work is a member of the turn's transaction (``store.turns``), exactly as
a command's is, so a turn reads what its earlier commands wrote, at no extra round trip.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from conversations.events import Result
from conversations.services.staff import AdminDirectory
from conversations.services.views import (
    admin,
    admin_customers,
    cards,
    credentials,
    customer,
    dispatch,
    emergency,
    feedback,
    invoices,
    membership,
    points,
    quotes,
    worker,
)
from conversations.services.views.membership import InviteLinks
from domain import queries as q
from domain.catalog import Catalog
from domain.commands import Query
from domain.ports import Reads
from domain.rules import Rules

View = Callable[[Reads, Any], Awaitable[Result | None]]
"""A bound view: (unit of work, query) -> its result (None: nothing to say)."""


def table(
    *,
    catalog: Catalog,
    rules: Rules,
    clock: Callable[[], datetime],
    tz: ZoneInfo,
    admins: AdminDirectory,
    invite_link: InviteLinks | None = None,
) -> Mapping[type[Query], View]:
    """Every query's view, its dependencies bound."""
    return {
        q.FindCustomer: customer.account,
        q.LoadAddresses: customer.addresses,
        q.PreviewQuote: partial(quotes.quote, catalog=catalog, rules=rules, tz=tz, clock=clock),
        q.LoadOrders: partial(customer.orders, catalog=catalog),
        q.LoadOrder: partial(customer.order, catalog=catalog, rules=rules, clock=clock),
        q.QuoteCancellation: partial(customer.cancellation, rules=rules, clock=clock),
        q.QuoteReschedule: partial(customer.reschedule, catalog=catalog, rules=rules, clock=clock),
        q.LoadSubscriptions: partial(customer.subscriptions, catalog=catalog),
        q.DraftSubscription: partial(
            customer.subscription_draft, catalog=catalog, rules=rules, tz=tz, clock=clock
        ),
        q.CheckCheckout: customer.checkout,
        q.CheckFeedback: partial(feedback.feedback_open, rules=rules, clock=clock),
        q.LoadMembership: partial(
            membership.membership, rules=rules, clock=clock, invite_link=invite_link
        ),
        q.LoadPointsHistory: points.history,
        q.LoadCards: partial(cards.cards, catalog=catalog, clock=clock),
        q.LoadJobs: partial(worker.jobs, catalog=catalog),
        q.CheckJob: partial(worker.job_open, rules=rules, clock=clock),
        q.CheckTransfer: partial(worker.transfer_open, rules=rules),
        q.FindReplyTargets: partial(
            worker.reply_targets, catalog=catalog, rules=rules, clock=clock
        ),
        q.LoadEarnings: partial(worker.earnings, rules=rules, clock=clock),
        q.LoadPayoutAccount: worker.payout_account,
        q.LoadEmergencyContact: emergency.emergency_contact,
        q.ShowStats: partial(admin.stats, admins=admins, tz=tz, clock=clock),
        q.ListOrders: partial(
            admin.orders, admins=admins, catalog=catalog, rules=rules, tz=tz, clock=clock
        ),
        q.ListCustomerOrders: partial(
            admin_customers.customer_orders,
            admins=admins,
            catalog=catalog,
            rules=rules,
            clock=clock,
        ),
        q.ShowAudit: partial(admin.audit, admins=admins),
        q.ExplainOrder: partial(
            dispatch.explain_order, admins=admins, catalog=catalog, rules=rules, clock=clock
        ),
        q.ListWorkers: admin.workers,
        q.ListRenewals: partial(credentials.renewals, admins=admins),
        q.ListWithdrawals: admin.withdrawals,
        q.ListComplaints: partial(admin.complaints, rules=rules, clock=clock),
        q.ListSpotChecks: admin.spot_checks,
        q.LoadInvoiceable: partial(invoices.invoiceable, catalog=catalog),
        q.ListInvoices: partial(invoices.invoices, admins=admins),
    }
