"""Birthdays: the one a customer gives in 我的 (changed at most once per
``rules.coupons.birthday_change_days``) and the daily sweep that gives each customer whose
birthday it is (or is ``birthday_days_before`` days away) a coupon, told through the outbox.
The day is claimed once across processes (``job_runs``), and a coupon's code is the customer's
and the year's (``domain.birthdays.birthday_code``): never two in one year."""

from __future__ import annotations

from typing import Any

from conversations.events import Result
from conversations.results.customers import BirthdaySet
from conversations.results.sweeps import BirthdayCouponsGiven, BirthdaysAlreadyGiven
from conversations.services.deps import Deps
from conversations.services.notices import Notice, to_customer
from domain import commands as c
from domain.birthdays import birthday_code, birthday_coupon, celebrated_on, check_change
from domain.errors import DomainError
from domain.text import N_

JOB = "birthday_coupons"


class BirthdayDesk:
    def __init__(self, s: Deps) -> None:
        self.s = s

    def handlers(self) -> dict[type[c.Command], Any]:
        return {c.SetBirthday: self.set, c.GiveBirthdayCoupons: self.give}

    async def set(self, cmd: c.SetBirthday) -> list[Result]:
        now = self.s.clock()
        async with self.s.uow() as uow:
            customer = await uow.customers.get(cmd.customer_id)
            if customer is None:
                raise DomainError(N_("找不到您的账户,请发送 /start 重新开始。"))
            check_change(customer, cmd.birthday, now, self.s.rules.coupons, self.s.tz)
            if customer.birthday != cmd.birthday:
                customer.birthday, customer.birthday_set_at = cmd.birthday, now
                await uow.customers.save(customer)
                await uow.commit()
        month, day = (int(x) for x in cmd.birthday.split("-"))
        return [BirthdaySet(month, day)]

    async def give(self, cmd: c.GiveBirthdayCoupons) -> list[Result]:
        now = self.s.clock()
        rules = self.s.rules.coupons
        today = now.astimezone(self.s.tz).date()
        year, born = celebrated_on(today, rules)
        notices: list[Notice] = []
        async with self.s.uow() as uow:
            if not await uow.job_runs.claim(JOB, today.isoformat(), now):
                return [BirthdaysAlreadyGiven(today.isoformat())]
            for customer_id in await uow.customers.born_on(born):
                if await uow.coupons.by_code(birthday_code(customer_id, year)) is not None:
                    continue  # given this year already (a birthday changed since)
                coupon = await uow.coupons.add(birthday_coupon(customer_id, year, now, rules))
                notices.append(
                    to_customer(
                        customer_id,
                        "birthday_coupon",
                        amount=coupon.terms.amount_cents,
                        threshold=coupon.terms.threshold_cents,
                        days=rules.birthday_coupon_days,
                    )
                )
            await uow.job_runs.record(JOB, today.isoformat(), f"{len(notices)} given")
            posted = await self.s.post(uow, notices)
            await uow.commit()
        await self.s.flush(posted)
        return [BirthdayCouponsGiven(len(notices))]
