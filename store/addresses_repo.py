"""Saved addresses (text, contact, phone and map point sealed with the PII key), and what a
dispatch reads with an order's: its customer's previous workers and member level."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Row
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.people import Address, GeoPoint
from domain.rule_keys import MemberLevel
from store.crypto import PiiCipher
from store.order_queries import FOR_DISPATCH
from store.prepared import fetch, insert_one, select_one, select_rows
from store.tables import AddressRow
from store.tables.core import ADDRESSES


def point_to_text(point: GeoPoint | None) -> str:
    return json.dumps([point.lat, point.lon]) if point else ""


def point_from_text(text: str) -> GeoPoint | None:
    if not text:
        return None
    lat, lon = json.loads(text)
    return GeoPoint(float(lat), float(lon))


class AddressRepository:
    def __init__(self, session: AsyncSession, cipher: PiiCipher) -> None:
        self._s = session
        self._c = cipher

    async def add(self, address: Address) -> Address:
        address.id = await insert_one(
            self._s,
            ADDRESSES,
            {
                "customer_id": address.customer_id,
                "text_enc": self._c.encrypt("address.text", address.text),
                "contact_name_enc": self._c.encrypt("address.contact_name", address.contact_name),
                "phone_enc": self._c.encrypt("address.phone", address.phone),
                "location_enc": self._c.encrypt(
                    "address.location", point_to_text(address.location)
                ),
                "district": address.district,
                "uncertainty_m": address.uncertainty_m,
                "located_by": address.located_by,
            },
        )
        return address

    async def get(self, address_id: int) -> Address | None:
        row = await select_one(self._s, ADDRESSES, id=address_id)
        return self._to_domain(row) if row else None

    async def for_customer(self, customer_id: int) -> list[Address]:
        rows = await select_rows(self._s, ADDRESSES, order_by=("-id",), customer_id=customer_id)
        return [self._to_domain(r) for r in rows]

    async def for_dispatch(
        self, address_id: int | None, customer_id: int
    ) -> tuple[Address | None, set[int], MemberLevel]:
        params = {"address": address_id, "customer": customer_id}
        parts = FOR_DISPATCH.split(await fetch(self._s, FOR_DISPATCH.statement, params))
        address = self._to_domain(parts["address"][0]) if parts["address"] else None
        previous = parts["previous"]
        level = next((MemberLevel(r.member_level) for r in previous if r.member_level), None)
        workers = {int(r.worker_id) for r in previous if r.worker_id is not None}
        return address, workers, level or MemberLevel.REGULAR

    def _to_domain(self, row: AddressRow | Row[*tuple[Any, ...]]) -> Address:
        return address_from_row(self._c, row)


def address_from_row(cipher: PiiCipher, row: Any) -> Address:
    """An address row (or a row with its columns: a stacked part), opened with ``cipher``."""
    return Address(
        id=row.id,
        customer_id=row.customer_id,
        text=cipher.decrypt("address.text", row.text_enc),
        contact_name=cipher.decrypt("address.contact_name", row.contact_name_enc),
        phone=cipher.decrypt("address.phone", row.phone_enc),
        location=point_from_text(cipher.decrypt("address.location", row.location_enc)),
        district=row.district,
        uncertainty_m=row.uncertainty_m,
        located_by=row.located_by,
    )
