"""Visit codes: the digits a customer's order shows and the worker enters at the door, on top
of the location and the door photo (DESIGN §4b). Wrong codes are counted on the order; ops hear
of it at ``ExecutionRules.visit_code_alert_after`` misses."""

from __future__ import annotations

import secrets
from datetime import datetime

from conversations.services.job_steps import own_job
from conversations.services.notices import Notice, to_admins
from domain.errors import DomainError
from domain.execution import typed_code, visit_code_matches
from domain.lifecycle import OrderStatus
from domain.orders import Order
from domain.ports import UnitOfWork
from domain.rules import Rules
from domain.text import N_


def new_visit_code(rules: Rules) -> str:
    """A fresh visit code of ``ExecutionRules.visit_code_digits`` digits ("" when none)."""
    digits = rules.execution.visit_code_digits
    return f"{secrets.randbelow(10**digits):0{digits}d}" if digits else ""


async def enter_visit_code(
    uow: UnitOfWork, rules: Rules, worker_id: int, number: int, code: str, now: datetime
) -> tuple[Order, bool, list[Notice]]:
    """Check the code the worker typed at the door: right, it is recorded (the door photo may
    follow); wrong, the miss is counted and ops are alerted at ``visit_code_alert_after``
    misses (once). The order row is locked: two tries at once count twice."""
    order = await own_job(uow, worker_id, number)
    assert order.id is not None
    await uow.orders.lock(order.id)
    if order.status != OrderStatus.ON_THE_WAY or order.checkin is None:
        raise DomainError(N_("订单 #{number} 现在不能打卡", number=number))
    if not order.visit_code or order.visit_code_ok_at is not None:
        return order, True, []
    typed = typed_code(code)
    if len(typed) != len(order.visit_code) or not typed.isdecimal():  # no code: not a miss
        raise DomainError(N_("请输入 {n} 位数字验证码", n=len(order.visit_code)))
    if visit_code_matches(order.visit_code, code):
        order.visit_code_ok_at = now
        await uow.orders.save(order, now)
        return order, True, []
    order.visit_code_misses += 1
    await uow.orders.save(order, now)
    notices: list[Notice] = []
    if order.visit_code_misses == rules.execution.visit_code_alert_after:
        notices.append(
            to_admins(
                "visit_code_failed_admin",
                number=number,
                worker_id=worker_id,
                misses=order.visit_code_misses,
            )
        )
    return order, False, notices
