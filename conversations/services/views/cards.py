"""The 次卡 part of 我的: the customer's cards and those on sale."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from conversations.results.cards import CardHeld, CardOnSale, CardsShown
from domain.cards import CardProduct, CardStatus
from domain.catalog import Catalog, counted
from domain.ports import Reads
from domain.queries import LoadCards
from domain.text import Bilingual

SHOWN = (CardStatus.ACTIVE, CardStatus.EXPIRED, CardStatus.REFUNDED)


async def cards(
    uow: Reads, q: LoadCards, *, catalog: Catalog, clock: Callable[[], datetime]
) -> CardsShown:
    now = clock()
    held = [c for c in await uow.cards.for_customer(q.customer_id) if c.status in SHOWN]
    held.sort(
        key=lambda c: (c.status != CardStatus.ACTIVE or c.visits_left == 0, c.valid_until or now)
    )
    return CardsShown(
        tuple(
            CardHeld(
                c.id or 0,
                c.name,
                tuple(catalog.name_of(i) for i in c.item_ids),
                c.visits_left,
                c.valid_until,
                c.status,
            )
            for c in held[:10]
        ),
        tuple(
            CardOnSale(
                p.id,
                p.name,
                tuple(catalog.name_of(i) for i in p.item_ids),
                p.paid_visits,
                p.free_visits,
                p.price_cents,
                p.valid_days,
                _per_visit(catalog, p),
            )
            for p in catalog.cards
        ),
    )


def _per_visit(catalog: Catalog, p: CardProduct) -> Bilingual | None:
    """ "2 小时" / "2 hours": what one visit of the card pays (None: all of a booking's)."""
    if not p.units_per_visit or not p.item_ids:
        return None
    unit = counted(catalog.item(p.item_ids[0]).unit, p.units_per_visit)
    return Bilingual(
        f"{p.units_per_visit} {unit.get('zh')}", f"{p.units_per_visit} {unit.get('en')}"
    )
