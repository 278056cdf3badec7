"""An order as the orders table holds it: the row's columns from an ``Order`` (the encrypted
ones sealed with the PII key) and the ``Order`` from a row with its quote lines and timeline."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from domain.lifecycle import Action, ActorKind, OrderStatus
from domain.orders import Actor, Order, OrderEvent, OrderId, OrderNumber
from domain.pricing import LineKind, QuoteLine, Selection
from domain.text import Bilingual
from store.addresses_repo import point_from_text, point_to_text
from store.crypto import PiiCipher


def selection_to_json(sel: Selection) -> dict[str, Any]:
    return {
        "item_id": sel.item_id,
        "quantity": sel.quantity,
        "area_sqm": sel.area_sqm,
        "option_ids": list(sel.option_ids),
        "high_altitude": sel.high_altitude,
    }


def selection_from_json(data: dict[str, Any]) -> Selection:
    return Selection(
        data["item_id"],
        int(data["quantity"]),
        data.get("area_sqm"),
        tuple(data.get("option_ids", ())),
        bool(data.get("high_altitude")),
    )


_SEALED = {"notes_enc": "order.notes", "checkin_enc": "order.checkin"}
"""Encrypted order columns and their encryption contexts."""


def plain_columns(order: Order) -> dict[str, Any]:
    """The order's columns, the encrypted ones (``_SEALED``) still in plain text: a
    ciphertext differs on every write, so changes are found on the plain values."""
    return {
        "address_id": order.address_id,
        "worker_id": order.worker_id,
        "preferred_worker_id": order.preferred_worker_id,
        "item_id": order.item_id,
        "selections": [selection_to_json(s) for s in order.selections],
        "bundle_id": order.bundle_id,
        "status": order.status.value,
        "start_at": order.start_at,
        "asap": order.asap,
        "duration_minutes": order.duration_minutes,
        "notes_enc": order.notes,
        "channel": order.channel,
        "lang": order.lang,
        "total_cents": order.total_cents,
        "deposit_cents": order.deposit_cents,
        "paid_cents": order.paid_cents,
        "refunded_cents": order.refunded_cents,
        "coupon_code": order.coupon_code,
        "points_used": order.points_used,
        "created_at": order.created_at,
        "dispatch_mode": order.dispatch_mode,
        "dispatch_round": order.dispatch_round,
        "dispatch_note": order.dispatch_note,
        "accepted_at": order.accepted_at,
        "departed_at": order.departed_at,
        "arrived_at": order.arrived_at,
        "finished_at": order.finished_at,
        "auto_confirm_at": order.auto_confirm_at,
        "late_minutes": order.late_minutes,
        "eta_minutes": order.eta_minutes,
        "checkin_enc": point_to_text(order.checkin),
        "visit_code": order.visit_code,
        "visit_code_misses": order.visit_code_misses,
        "visit_code_ok_at": order.visit_code_ok_at,
        "stage": order.stage,
        "transfer_from_worker_id": order.transfer_from_worker_id,
        "transfer_compensation_cents": order.transfer_compensation_cents,
        "hold_reason": order.hold_reason,
        "rework_of": order.rework_of,
        "subscription_id": order.subscription_id,
        "renewal_of": order.renewal_of,
    }


def sealed_columns(plain: dict[str, Any], cipher: PiiCipher) -> dict[str, Any]:
    """``plain`` with its encrypted columns encrypted."""
    values = dict(plain)
    for column, context in _SEALED.items():
        if column in values:
            values[column] = cipher.encrypt(context, values[column])
    return values


def lines_from_rows(rows: Sequence[Any]) -> tuple[QuoteLine, ...]:
    """The quote lines of an order's ``quote_lines`` rows (in ``seq`` order)."""
    return tuple(
        QuoteLine(LineKind(q.kind), Bilingual(q.label_zh, q.label_en), q.amount_cents, q.item_id)
        for q in rows
    )


def order_from_row(
    row: Any, lines: Sequence[Any], events: Sequence[Any], cipher: PiiCipher
) -> Order:
    """The ``Order`` of an orders row with its quote lines and timeline rows (either may be
    empty: a partial read), its encrypted columns decrypted."""
    history = [
        OrderEvent(
            OrderStatus(e.from_status) if e.from_status else None,
            OrderStatus(e.to_status),
            Action(e.action) if e.action else None,
            Actor(ActorKind(e.actor_kind), e.actor_id),
            e.at,
            e.note,
        )
        for e in events
    ]
    order = Order(
        id=OrderId(row.id),
        number=OrderNumber(row.number),
        customer_id=row.customer_id,
        selections=tuple(selection_from_json(s) for s in row.selections),
        start_at=row.start_at,
        lines=lines_from_rows(lines),
        total_cents=row.total_cents,
        deposit_cents=row.deposit_cents,
        created_at=row.created_at,
        channel=row.channel,
        lang=row.lang,
        address_id=row.address_id,
        asap=row.asap,
        notes=cipher.decrypt("order.notes", row.notes_enc),
        bundle_id=row.bundle_id,
        coupon_code=row.coupon_code,
        points_used=row.points_used,
        duration_minutes=row.duration_minutes,
        status=OrderStatus(row.status),
        paid_cents=row.paid_cents,
        refunded_cents=row.refunded_cents,
        worker_id=row.worker_id,
        preferred_worker_id=row.preferred_worker_id,
        version=row.version,
        timeline=history,
        dispatch_mode=row.dispatch_mode,
        dispatch_round=row.dispatch_round,
        dispatch_note=row.dispatch_note,
        accepted_at=row.accepted_at,
        departed_at=row.departed_at,
        arrived_at=row.arrived_at,
        finished_at=row.finished_at,
        auto_confirm_at=row.auto_confirm_at,
        late_minutes=row.late_minutes,
        eta_minutes=row.eta_minutes,
        checkin=point_from_text(cipher.decrypt("order.checkin", row.checkin_enc)),
        visit_code=row.visit_code,
        visit_code_misses=row.visit_code_misses,
        visit_code_ok_at=row.visit_code_ok_at,
        stage=row.stage,
        transfer_from_worker_id=row.transfer_from_worker_id,
        transfer_compensation_cents=row.transfer_compensation_cents,
        hold_reason=row.hold_reason,
        rework_of=row.rework_of,
        subscription_id=row.subscription_id,
        renewal_of=row.renewal_of,
        reminded_day_at=row.reminded_day_at,
        reminded_hour_at=row.reminded_hour_at,
        confirm_reminded_at=row.confirm_reminded_at,
    )
    order.stored_events = len(history)
    return order
