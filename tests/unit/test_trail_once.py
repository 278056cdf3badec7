"""``/audit #N`` lists an admin's action once when it wrote both a timeline event (no status
moved) and its audit entry: the action stamps both with its one clock reading, and the trail
pairs them on (admin, instant) whatever each is named — a complaint's decision
(``Action.RESOLVE`` and ``resolve_complaint``), a placement's hand-over (``Action.RELEASE``
and ``handover``), ``/reschedule`` and ``/waive`` (tests/e2e/test_reschedule_trail.py)."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from conversations.services.views.admin import _logged_twice
from domain.audit import AuditEntry
from domain.lifecycle import Action, ActorKind, OrderStatus
from domain.orders import Actor, OrderEvent

AT = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
ADMIN = "telegram:42"


def event(action: Action, actor: Actor, status=OrderStatus.FINISHED) -> OrderEvent:
    return OrderEvent(status, status, action, actor, AT, "#7")


@pytest.mark.parametrize(
    ("action", "logged"),
    [
        (Action.RESOLVE, "resolve_complaint"),
        (Action.RELEASE, "handover"),
        (Action.RESCHEDULE, "reschedule"),
        (Action.WAIVE, "waive"),
    ],
)
def test_an_admins_action_written_twice_is_listed_once(action, logged):
    timeline = [
        OrderEvent(
            OrderStatus.IN_SERVICE,
            OrderStatus.FINISHED,
            Action.FINISH,
            Actor(ActorKind.WORKER, "3"),
            AT,
        ),
        event(action, Actor(ActorKind.ADMIN, ADMIN)),
        event(action, Actor(ActorKind.SYSTEM, "rule")),  # the rule table's: no audit entry
    ]
    actions = [AuditEntry(AT, ADMIN, logged, "order:123456", "ops")]
    assert _logged_twice(timeline, actions) == {1}
    # another admin's entry pairs nothing of this one's, nor one of another instant
    assert (
        _logged_twice(timeline, [AuditEntry(AT, "telegram:43", logged, "order:1", "ops")]) == set()
    )
    later = AT + timedelta(seconds=1)
    assert _logged_twice(timeline, [AuditEntry(later, ADMIN, logged, "order:1", "ops")]) == set()


def test_an_entry_pairs_the_event_of_its_instant_written_in_another_zone():
    """The store may give the instant back in another zone: the same instant pairs."""
    shanghai = AT.astimezone(ZoneInfo("Asia/Shanghai"))
    timeline = [event(Action.WAIVE, Actor(ActorKind.ADMIN, ADMIN))]
    assert _logged_twice(timeline, [AuditEntry(shanghai, ADMIN, "waive", "order:1", "finance")])
