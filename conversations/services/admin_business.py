"""Service handlers of the admins' business commands: ``/suspend`` and ``/unsuspend`` workers,
``/price`` (catalog prices for new orders), ``/coupon`` and ``/promo``.

Every change is written to the audit log in its own transaction, with before and after.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from conversations.events import Result
from conversations.results.admin_money import (
    CouponIssued,
    PriceChanged,
    PriceLine,
    PriceShown,
    PricesListed,
    PromoCreated,
)
from conversations.results.admin_people import SuspensionChanged
from conversations.services.deps import Deps
from conversations.services.notices import Notice, to_customer, to_worker
from conversations.services.staff import authorize
from domain import commands as c
from domain.audit import AuditEntry
from domain.catalog import Item
from domain.coupons import Coupon, Promo, promo_code
from domain.digits import whole
from domain.errors import DomainError
from domain.lifecycle import OrderStatus
from domain.money import format_yuan
from domain.oversight import PriceChange
from domain.people import WorkerStatus
from domain.pricing import CouponKind, CouponTerms
from domain.privacy import mask_phone
from domain.text import N_

LIVE = (OrderStatus.ACCEPTED, OrderStatus.ON_THE_WAY, OrderStatus.ARRIVED, OrderStatus.IN_SERVICE)


class BusinessDesk:
    def __init__(self, s: Deps) -> None:
        self.s = s

    def handlers(self) -> dict[type[c.Command], Any]:
        return {
            c.SuspendWorker: self.suspend,
            c.SetPrice: self.price,
            c.IssueCoupon: self.coupon,
            c.CreatePromo: self.promo,
        }

    async def suspend(self, cmd: c.SuspendWorker) -> list[Result]:
        now = self.s.clock()
        name = "suspend" if cmd.suspend else "unsuspend"
        async with self.s.uow() as uow:
            role = await authorize(self.s, uow, name, cmd.admin)
            worker = await uow.workers.get(cmd.worker_id)
            if worker is None:
                raise DomainError(N_("没有 ID 为 {worker_id} 的师傅", worker_id=cmd.worker_id))
            before = worker.status.value
            notice: Notice
            if cmd.suspend:
                if not cmd.reason:
                    raise DomainError(N_("请写明原因:/suspend ID 原因"))
                if worker.status != WorkerStatus.APPROVED:
                    raise DomainError(N_("师傅 {id} 状态为 {before}", id=worker.id, before=before))
                worker.status, worker.online = WorkerStatus.SUSPENDED, False
                worker.review_note = cmd.reason[:200]
                notice = to_worker(cmd.worker_id, "worker_suspended", reason=cmd.reason)
            else:
                if worker.status != WorkerStatus.SUSPENDED:
                    raise DomainError(
                        N_("师傅 {id} 没有被暂停(状态为 {before})", id=worker.id, before=before)
                    )
                worker.status = WorkerStatus.APPROVED
                notice = to_worker(cmd.worker_id, "worker_reinstated")
            await uow.workers.save(worker)
            await uow.audit.append(
                AuditEntry(
                    now,
                    cmd.admin,
                    name,
                    f"worker:{cmd.worker_id}",
                    role,
                    {"status": before},
                    {"status": worker.status.value, "reason": cmd.reason},
                )
            )
            live = [o.number for o in await uow.orders.for_worker(cmd.worker_id, LIVE)]
            posted = await self.s.post(uow, [notice])
            await uow.commit()
        await self.s.flush(posted)
        return [SuspensionChanged(cmd.worker_id, worker.status, tuple(live))]

    def _find_item(self, text: str) -> Item:
        """An item by its number in the ``/price`` list, by id, by its Chinese or English
        name, or by the start of its id."""
        want = text.strip().casefold().replace(" ", "")
        items = list(self.s.catalog.items())
        if (number := whole(want)) is not None and 1 <= number <= len(items):
            return items[number - 1]
        for item in items:
            names = (item.id, item.name.zh, item.name.en)
            if want in (n.casefold().replace(" ", "") for n in names):
                return item
        starts = [item for item in items if item.id.startswith(want)]
        if len(starts) == 1:
            return starts[0]
        raise DomainError(N_("没有服务项目 {text};发送 /price 查看全部", text=text))

    def _price_item(self, cmd: c.SetPrice) -> Item:
        """The item ``/price`` names; when only all but its last word name one, that word was
        a price that is none (``0``, ``-1``, ``abc``, ``1e5``): refused, saying what may be."""
        try:
            return self._find_item(cmd.item)
        except DomainError as unknown:
            name, _, price = cmd.item.strip().rpartition(" ")
            if cmd.amount_cents is not None or not name.strip():
                raise
            try:
                self._find_item(name)
            except DomainError:
                raise unknown from None
            raise DomainError(
                N_(
                    "价格 {price} 无效:须为大于 0、最多 {most} 元的金额(最多两位小数)",
                    price=price,
                    most=self.s.rules.pricing.unit_price_max_cents // 100,
                )
            ) from None

    async def price(self, cmd: c.SetPrice) -> list[Result]:
        now = self.s.clock()
        async with self.s.uow() as uow:
            role = await authorize(
                self.s, uow, "price" if cmd.amount_cents is not None else "prices", cmd.admin
            )
            current = await uow.prices.current()
            catalog = self.s.catalog.with_prices(current)
            if not cmd.item:
                return [
                    PricesListed(
                        tuple(
                            PriceLine(
                                it.id,
                                it.name,
                                it.unit.value,
                                it.unit_price_cents,
                                it.id in current,
                                number,
                            )
                            for number, it in enumerate(catalog.items(), 1)
                        )
                    )
                ]
            item = catalog.item(self._price_item(cmd).id)
            old = item.unit_price_cents
            if cmd.amount_cents is not None:
                if cmd.amount_cents <= 0:
                    raise DomainError(N_("价格须大于 0"))
                most = self.s.rules.pricing.unit_price_max_cents
                if cmd.amount_cents > most:
                    raise DomainError(N_("价格最多 {most} 元", most=most // 100))
                if cmd.amount_cents == old:
                    raise DomainError(N_("价格没有变化"))
                await uow.prices.change(
                    PriceChange(item.id, old, cmd.amount_cents, cmd.admin, role, now)
                )
                await uow.audit.append(
                    AuditEntry(
                        now,
                        cmd.admin,
                        "price",
                        f"item:{item.id}",
                        role,
                        {"unit_price": old},
                        {"unit_price": cmd.amount_cents},
                    )
                )
            history = await uow.prices.history(item.id)
            await uow.commit()
        if cmd.amount_cents is not None:
            self.s.prices.changed()  # this process shows the new price at once
        shown = PriceShown if cmd.amount_cents is None else PriceChanged
        return [
            shown(
                item.id,
                item.name,
                item.unit.value,
                cmd.amount_cents if cmd.amount_cents is not None else old,
                self.s.catalog.item(item.id).unit_price_cents,
                tuple(history),
                [it.id for it in self.s.catalog.items()].index(item.id) + 1,
            )
        ]

    async def coupon(self, cmd: c.IssueCoupon) -> list[Result]:
        now = self.s.clock()
        if cmd.amount_cents <= 0 or not 1 <= cmd.days <= 365:
            raise DomainError(N_("金额须大于 0,天数 1–365"))
        if cmd.amount_cents > (most := self.s.rules.coupons.issue_max_cents):
            raise DomainError(N_("手工发放的优惠券最多 {most}", most=format_yuan(most)))
        async with self.s.uow() as uow:
            role = await authorize(self.s, uow, "coupon", cmd.admin)
            who = cmd.customer.strip().lstrip("#")
            ident = whole(who)  # a customer's id, unless it is long enough to be a phone
            customer = (
                await uow.customers.by_phone(who)
                if len(who) >= 11
                else await uow.customers.get(ident)
                if ident is not None
                else None
            )
            if customer is None or customer.id is None:
                raise DomainError(N_("找不到客户 {customer}", customer=cmd.customer))
            coupon = await uow.coupons.add(
                Coupon(
                    f"A{secrets.token_hex(5).upper()}",
                    CouponTerms("admin", CouponKind.FIXED, amount_cents=cmd.amount_cents),
                    now,
                    now + timedelta(days=cmd.days),
                    customer.id,
                    f"admin:{cmd.admin}"[:60],
                )
            )
            await uow.audit.append(
                AuditEntry(
                    now,
                    cmd.admin,
                    "coupon",
                    f"customer:{customer.id}",
                    role,
                    {},
                    {"code": coupon.code, "amount": cmd.amount_cents, "days": cmd.days},
                )
            )
            notice = to_customer(
                customer.id,
                "coupon_issued",
                amount=cmd.amount_cents,
                code=coupon.code,
                days=cmd.days,
            )
            posted = await self.s.post(uow, [notice])
            await uow.commit()
        await self.s.flush(posted)
        return [
            CouponIssued(
                customer.id,
                customer.name.strip() or (mask_phone(customer.phone) if customer.phone else ""),
                coupon.id or 0,
                cmd.amount_cents,
                coupon.valid_until,
            )
        ]

    async def promo(self, cmd: c.CreatePromo) -> list[Result]:
        """A promo code: its terms, validity from now, total and per-customer uses."""
        now = self.s.clock()
        code = promo_code(cmd.code)
        if code is None:
            raise DomainError(N_("优惠码须为 3–20 位字母或数字,例如 SPRING20"))
        if cmd.amount_cents <= 0 or not 1 <= cmd.days <= 365:
            raise DomainError(N_("金额须大于 0,天数 1–365"))
        if cmd.total < 1 or not 1 <= cmd.per_customer <= cmd.total:
            raise DomainError(N_("总张数至少 1,每人次数在 1 到总张数之间"))
        terms = CouponTerms(
            code,
            CouponKind.FIXED,
            amount_cents=cmd.amount_cents,
            threshold_cents=cmd.threshold_cents,
        )
        promo = Promo(
            code,
            terms,
            now,
            now + timedelta(days=cmd.days),
            cmd.total,
            cmd.per_customer,
            cmd.admin,
        )
        async with self.s.uow() as uow:
            role = await authorize(self.s, uow, "promo", cmd.admin)
            if await uow.promos.by_code(code) is not None:
                raise DomainError(N_("优惠码 {code} 已存在", code=code))
            await uow.promos.add(promo)
            after = {
                "code": code,
                "amount": cmd.amount_cents,
                "threshold": cmd.threshold_cents,
                "days": cmd.days,
                "total": cmd.total,
                "per_customer": cmd.per_customer,
            }
            await uow.audit.append(
                AuditEntry(now, cmd.admin, "promo", f"promo:{code}", role, {}, after)
            )
            await uow.commit()
        return [
            PromoCreated(
                code,
                cmd.amount_cents,
                cmd.threshold_cents,
                promo.valid_until,
                cmd.total,
                cmd.per_customer,
            )
        ]
