"""Stages of a job: the worker marks the part under way (the catalog item's ``stages``, e.g.
厨房 → 卫生间 → 客厅) and the customer is told quietly (``notices.QUIET``) and sees it in the
order's detail."""

from __future__ import annotations

from datetime import datetime

from conversations.services.job_steps import own_job
from conversations.services.notices import Notice, to_customer
from domain.catalog import Catalog
from domain.errors import DomainError
from domain.lifecycle import OrderStatus
from domain.orders import Order
from domain.ports import UnitOfWork
from domain.text import N_


async def mark_stage(
    uow: UnitOfWork, catalog: Catalog, worker_id: int, number: int, stage: int, now: datetime
) -> tuple[Order, list[Notice]]:
    """Record the part of the job under way and tell the customer (a quiet notice)."""
    order = await own_job(uow, worker_id, number)
    stages = catalog.item(order.item_id).stages
    if order.status != OrderStatus.IN_SERVICE:
        raise DomainError(N_("订单 #{number} 开始服务后才能更新进度", number=number))
    if not 1 <= stage <= len(stages):
        raise DomainError(N_("订单 #{number} 没有这一步", number=number))
    order.stage = stage
    await uow.orders.save(order, now)
    name = stages[stage - 1]
    notice = to_customer(
        order.customer_id,
        "job_stage",
        number=number,
        stage_zh=name.zh,
        stage_en=name.en,
        n=stage,
        total=len(stages),
    )
    return order, [notice]
