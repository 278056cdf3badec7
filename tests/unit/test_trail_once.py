"""``/audit #N`` lists an admin's action once when it wrote both a timeline event (no status
moved) and its audit entry under another name: a complaint's decision (``Action.RESOLVE`` and
``resolve_complaint``), a placement's hand-over (``Action.RELEASE`` and ``handover``) — as
``/reschedule`` and ``/waive`` were (tests/e2e/test_reschedule_trail.py)."""

from datetime import UTC, datetime

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
    ("action", "logged"), [(Action.RESOLVE, "resolve_complaint"), (Action.RELEASE, "handover")]
)
def test_an_admins_action_written_twice_under_two_names_is_listed_once(action, logged):
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
    # another admin's entry pairs nothing of this one's
    assert (
        _logged_twice(timeline, [AuditEntry(AT, "telegram:43", logged, "order:1", "ops")]) == set()
    )
