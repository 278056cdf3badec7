"""Service reminders: the day before and the hour before a visit, and the customer's
reminder to confirm a finished job. Which one is due for an order, decided from the order
alone (the sweep asks, then claims it so it goes out once)."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from domain.lifecycle import OrderStatus
from domain.orders import Order
from domain.rules import NotificationRules


class Reminder(StrEnum):
    DAY = "day"
    HOUR = "hour"
    CONFIRM = "confirm"


UPCOMING = (OrderStatus.ACCEPTED, OrderStatus.ON_THE_WAY)
"""Orders with a worker who has not arrived yet: the ones a visit reminder is for."""

CLAIM_STATUSES: dict[Reminder, tuple[OrderStatus, ...]] = {
    Reminder.DAY: UPCOMING,
    Reminder.HOUR: UPCOMING,
    Reminder.CONFIRM: (OrderStatus.FINISHED,),
}
"""The statuses an order must still be in when its reminder is claimed."""


def due_reminder(order: Order, now: datetime, rules: NotificationRules) -> Reminder | None:
    """The reminder ``order`` should get now, if any (at most one).

    - hour before: from ``reminder_hour_before_minutes`` before the start until the start;
    - day before: from ``reminder_day_before_hours`` before the start until the hour
      reminder takes over, and only for orders booked at least that far ahead (an order
      booked for this afternoon gets the hour reminder only);
    - confirm: ``confirm_reminder_hours`` after the job finished, while it is unconfirmed and
      before it confirms itself (or, with a balance still due, whenever — it never will).

    Nothing is sent late: once the start has passed there is no visit reminder.
    """
    if order.status in UPCOMING:
        if now >= order.start_at:
            return None
        hour = timedelta(minutes=rules.reminder_hour_before_minutes)
        day = timedelta(hours=rules.reminder_day_before_hours)
        if order.start_at - now <= hour:
            return Reminder.HOUR if order.reminded_hour_at is None else None
        if (
            order.start_at - now <= day
            and order.reminded_day_at is None
            and order.start_at - order.created_at >= day
        ):
            return Reminder.DAY
        return None
    if (
        order.status == OrderStatus.FINISHED
        and order.confirm_reminded_at is None
        and order.finished_at is not None
        and now >= order.finished_at + timedelta(hours=rules.confirm_reminder_hours)
    ):
        balance_due = order.paid_cents < order.total_cents
        if balance_due or order.auto_confirm_at is None or now < order.auto_confirm_at:
            return Reminder.CONFIRM
    return None


def lookahead(rules: NotificationRules) -> timedelta:
    """How far ahead a visit may start and still be due a reminder now."""
    return max(
        timedelta(hours=rules.reminder_day_before_hours),
        timedelta(minutes=rules.reminder_hour_before_minutes),
    )
