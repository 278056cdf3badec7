"""Customers and their chat accounts (identities), with personal data encrypted (addresses:
``addresses_repo``; workers: ``workers_repo``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, bindparam, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.coupons import Coupon
from domain.lifecycle import OrderStatus
from domain.people import (
    Channel,
    Customer,
    CustomerId,
    Identity,
)
from domain.people_ports import CheckoutFacts, CustomerCard
from domain.rule_keys import MemberLevel
from store.addresses_repo import address_from_row
from store.cards_repo import card_from_row
from store.coupons_repo import coupon_from_row, coupon_order, coupon_values
from store.crypto import PiiCipher
from store.customer_cards import briefs, card, channels
from store.new_customers import ACCOUNT, CUSTOMER_DEFAULTS, insert_customer, insert_new_customer
from store.order_queries import (
    checkout,
    customer_with_stats,
    others_with_phone,
    stats_params,
)
from store.prepared import fetch, insert_one, select_one, select_rows, update_where
from store.tables import CustomerRow, IdentityRow
from store.tables.core import CUSTOMERS, IDENTITIES
from store.workers_repo import served_from_rows

_OTHERS_WITH_PHONE = others_with_phone(
    CUSTOMERS, bindparam("phone_hash"), bindparam("customer_id")
)


class CustomerRepository:
    def __init__(self, session: AsyncSession, cipher: PiiCipher) -> None:
        self._s = session
        self._c = cipher

    async def add(self, customer: Customer) -> Customer:
        if customer.points:
            raise ValueError("points come by points movements only (domain.points)")
        values = {"created_at": customer.created_at, **self._values(customer), "points": 0}
        customer.id = CustomerId(await insert_one(self._s, CUSTOMERS, values))
        return customer

    async def add_if_code_free(self, customer: Customer) -> bool:
        """``add`` the customer unless another one holds its referral code, in one statement
        (``INSERT … SELECT … WHERE NOT EXISTS``, as racy as a read then an INSERT); False,
        inserting nothing, when one does."""
        if customer.points:
            raise ValueError("points come by points movements only (domain.points)")
        values = {"created_at": customer.created_at, **self._values(customer), "points": 0}
        values = {**CUSTOMER_DEFAULTS, **values}  # an INSERT … SELECT fills in no default
        statement = insert_customer(tuple(values))
        added = await fetch(self._s, statement, {f"v_{k}": v for k, v in values.items()})
        if not added:
            return False
        customer.id = CustomerId(added[0][0])
        return True

    async def sign_up(
        self, customer: Customer, account: Identity, noted_at: datetime, coupon: Coupon
    ) -> bool:
        """``add_if_code_free`` the customer with their new chat ``account`` (noted as written
        on at ``noted_at``) and their ``coupon``, reading nothing first (``store.new_customers``:
        one statement on PostgreSQL); False, adding nothing, when the chat account is recorded
        already or another customer holds the referral code."""
        if customer.points:
            raise ValueError("points come by points movements only (domain.points)")
        values = {"created_at": customer.created_at, **self._values(customer), "points": 0}
        chat = {
            "channel": account.channel.value,
            "channel_user_id": account.channel_user_id,
            "worker_id": account.worker_id,
            "last_inbound_at": noted_at,
            "unreachable_at": None,
        }
        held = {"code": coupon.code, **coupon_values(coupon)}
        del held["customer_id"]  # the new customer's
        ids = await insert_new_customer(self._s, values, chat, held)
        if ids is None:
            return False
        customer.id = CustomerId(ids[0])
        coupon.customer_id, coupon.id = customer.id, ids[1]
        return True

    async def save(self, customer: Customer) -> None:
        """Write the customer's details; never the points balance, which only points
        movements change (under the customer's lock: ``domain.points.Membership``), so a
        customer read before one is saved after it without undoing it."""
        assert customer.id is not None
        await update_where(self._s, CUSTOMERS, self._values(customer), id=customer.id)

    async def get(self, customer_id: int) -> Customer | None:
        row = await select_one(self._s, CUSTOMERS, id=customer_id)
        return self._to_domain(row) if row else None

    async def with_order_stats(
        self, customer_id: int, counted: Sequence[OrderStatus], since: datetime
    ) -> tuple[Customer, int, int] | None:
        """The customer with ``OrderRepository.customer_stats`` (orders in ``counted``
        statuses, the level spend since ``since``), in one query."""
        statement = customer_with_stats(len(counted))
        rows = await fetch(self._s, statement, stats_params(customer_id, counted, since))
        if not rows:
            return None
        row = rows[0]
        return self._to_domain(row), int(row.orders_counted), int(row.spend)

    async def for_checkout(
        self,
        customer_id: int,
        counted: Sequence[OrderStatus],
        since: datetime,
        phone: str,
        cancelled_since: datetime,
    ) -> CheckoutFacts | None:
        """``with_order_stats`` with ``others_with_phone`` (of ``phone``, or of the customer's
        own number when that is empty), the orders they cancelled themselves since
        ``cancelled_since``, and the coupons and prepaid cards they hold: what a quote and a
        new order read of the customer, and the workers who served them (with their
        documents), in one query."""
        params = stats_params(customer_id, counted, since)
        params["phone_hash"] = self._c.lookup_hash("phone", phone) if phone else None
        params["cancelled_since"] = cancelled_since
        statement = checkout(len(counted))
        parts = statement.split(await fetch(self._s, statement.statement, params))
        if not parts["customer"]:
            return None
        row = parts["customer"][0]
        coupons = sorted(map(coupon_from_row, parts["coupons"]), key=coupon_order)
        cards = sorted(map(card_from_row, parts["cards"]), key=lambda c: c.id or 0)
        addresses = sorted(parts["addresses"], key=lambda r: -int(r.id))
        return CheckoutFacts(
            self._to_domain(row),
            int(row.orders_counted),
            int(row.spend),
            int(row.others_with_phone),
            int(row.cancelled),
            int(row.price_changes),
            tuple(coupons),
            tuple(cards),
            tuple(address_from_row(self._c, r) for r in addresses),
            served_from_rows(parts["served"], parts["served_documents"]),
        )

    async def by_phone(self, phone: str) -> Customer | None:
        """The customer with the phone number ``phone`` (the first, when several have it)."""
        rows = await self._s.exec(
            select(CustomerRow)
            .where(CustomerRow.phone_hash == self._c.lookup_hash("phone", phone))
            .order_by(col(CustomerRow.id))
        )
        row = rows.first()
        return self._to_domain(row) if row else None

    async def card(self, customer: Customer, since: datetime, shown: int) -> CustomerCard:
        """The customer's counts, channels and latest ``shown`` orders, in one statement
        (``store.customer_cards``)."""
        assert customer.id is not None
        statement = card(shown)
        params = {
            "customer": customer.id,
            "since": since,
            "phone_hash": self._c.lookup_hash("phone", customer.phone),
        }
        parts = statement.split(await fetch(self._s, statement.statement, params))
        [counts] = parts["counts"]
        return CustomerCard(
            customer,
            int(counts.orders),
            int(counts.served),
            int(counts.cancelled),
            int(counts.spend),
            int(counts.complaints_open),
            int(counts.others_with_phone),
            channels(parts["channels"]),
            briefs(parts["orders"]),
        )

    async def by_identity(self, channel: Channel, channel_user_id: str) -> Customer | None:
        """The customer behind a chat account, in one query."""
        rows = await self._s.exec(
            select(CustomerRow)
            .join(IdentityRow, col(IdentityRow.customer_id) == col(CustomerRow.id))
            .where(
                IdentityRow.channel == channel.value,
                IdentityRow.channel_user_id == channel_user_id,
            )
        )
        row = rows.first()
        return self._to_domain(row) if row else None

    async def by_referral_code(self, code: str) -> Customer | None:
        rows = await self._s.exec(select(CustomerRow).where(CustomerRow.referral_code == code))
        row = rows.first()
        return self._to_domain(row) if row else None

    async def born_on(self, month_days: Sequence[str]) -> list[int]:
        """The customers whose birthday is one of ``month_days`` ("03-08")."""
        rows = await self._s.exec(
            select(CustomerRow.id).where(col(CustomerRow.birthday).in_(list(month_days)))
        )
        return [i for i in rows.all() if i is not None]

    async def with_phone(self, phone: str) -> list[int]:
        """The customers with the phone number ``phone`` (by its lookup hash)."""
        if not phone:
            return []
        rows = await self._s.exec(
            select(CustomerRow.id).where(
                CustomerRow.phone_hash == self._c.lookup_hash("phone", phone)
            )
        )
        return [i for i in rows.all() if i is not None]

    async def others_with_phone(self, customer_id: int, phone: str) -> int:
        """How many customers but ``customer_id`` have the phone number ``phone`` (by its
        lookup hash: the numbers themselves are sealed)."""
        if not phone:
            return 0
        params = {"phone_hash": self._c.lookup_hash("phone", phone), "customer_id": customer_id}
        [(count,)] = await fetch(self._s, _OTHERS_WITH_PHONE, params)
        return int(count)

    async def claim_referral_reward(self, customer_id: int, now: datetime) -> bool:
        """Mark the invited customer's referral rewarded, if it was not; True when this
        transaction did (it gives the coupons and commits them with the mark). A conditional
        update: a retried or concurrent completion finds it taken (PostgreSQL makes the
        second wait for the first and then see its mark)."""
        result = await self._s.exec(
            update(CustomerRow)
            .where(
                col(CustomerRow.id) == customer_id,
                col(CustomerRow.referred_by).is_not(None),
                col(CustomerRow.referral_rewarded_at).is_(None),
            )
            .values(referral_rewarded_at=now)
        )
        return bool(result.rowcount == 1)

    def _values(self, c: Customer) -> dict[str, Any]:
        return {
            "name": c.name,
            "lang": c.lang,
            "referral_code": c.referral_code,
            "referred_by": c.referred_by,
            "rating_x100": c.rating_x100,
            "birthday": c.birthday,
            "birthday_set_at": c.birthday_set_at,
            "phone_enc": self._c.encrypt("customer.phone", c.phone),
            "phone_hash": self._c.lookup_hash("phone", c.phone),
        }

    def _to_domain(self, row: CustomerRow | Row[*tuple[Any, ...]]) -> Customer:
        assert row.id is not None
        return Customer(
            id=CustomerId(row.id),
            created_at=row.created_at,
            name=row.name,
            phone=self._c.decrypt("customer.phone", row.phone_enc),
            lang=row.lang,
            points=row.points,
            referral_code=row.referral_code,
            referred_by=row.referred_by,
            rating_x100=row.rating_x100,
            birthday=row.birthday,
            birthday_set_at=row.birthday_set_at,
            member_level=MemberLevel(row.member_level or MemberLevel.REGULAR),
            member_level_until=row.member_level_until,
        )


class IdentityRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def get(self, channel: Channel, channel_user_id: str) -> Identity | None:
        row = await select_one(
            self._s, IDENTITIES, channel=channel.value, channel_user_id=channel_user_id
        )
        if row is None:
            return None
        return Identity(Channel(row.channel), row.channel_user_id, row.customer_id, row.worker_id)

    async def account(
        self, channel: Channel, channel_user_id: str
    ) -> tuple[int | None, int | None, str] | None:
        params = {"channel": channel.value, "user": channel_user_id}
        rows = await fetch(self._s, ACCOUNT, params)
        if not rows:
            return None
        customer_id, customer_lang, worker_id, worker_lang = rows[0]
        lang = customer_lang if customer_id else worker_lang if worker_id else None
        return customer_id, worker_id, lang or "zh"

    async def add(self, identity: Identity) -> None:
        """Record a new chat account (the caller knows it is not there yet)."""
        await insert_one(
            self._s,
            IDENTITIES,
            {
                "channel": identity.channel.value,
                "channel_user_id": identity.channel_user_id,
                "customer_id": identity.customer_id,
                "worker_id": identity.worker_id,
            },
        )

    async def put(self, identity: Identity) -> None:
        rows = await self._s.exec(
            select(IdentityRow).where(
                IdentityRow.channel == identity.channel.value,
                IdentityRow.channel_user_id == identity.channel_user_id,
            )
        )
        row = rows.first() or IdentityRow(
            channel=identity.channel.value, channel_user_id=identity.channel_user_id
        )
        row.customer_id, row.worker_id = identity.customer_id, identity.worker_id
        self._s.add(row)
        await self._s.flush()

    async def of_worker(self, worker_id: int) -> list[Identity]:
        rows = await self._s.exec(select(IdentityRow).where(IdentityRow.worker_id == worker_id))
        return [
            Identity(Channel(r.channel), r.channel_user_id, r.customer_id, r.worker_id)
            for r in rows.all()
        ]

    async def of_customer(self, customer_id: int) -> list[Identity]:
        rows = await select_rows(self._s, IDENTITIES, order_by=("id",), customer_id=customer_id)
        return [
            Identity(Channel(r.channel), r.channel_user_id, r.customer_id, r.worker_id)
            for r in rows
        ]
