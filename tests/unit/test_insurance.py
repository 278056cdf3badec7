"""Insurance, pure parts: the retry schedule of an insurer that failed, when ops are told,
what is sent to the insurer, and how its answers are read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bots.insurer import issue_outcome, request_body, void_outcome
from domain.gateways import PolicyOutcome
from domain.insurance import Policy, PolicyStatus, after_failure, after_void_failure, retry_at
from domain.rules import PaymentRules

NOW = datetime(2026, 12, 6, 1, 0, tzinfo=UTC)
RULES = PaymentRules(
    insurance_max_attempts=3, insurance_retry_base_s=60, insurance_retry_cap_s=150
)


def policy() -> Policy:
    return Policy(
        order_id=7,
        number=240117,
        item="日常保洁",
        starts_at=NOW,
        ends_at=NOW + timedelta(hours=2),
        insured_cents=50_000_000,
        created_at=NOW,
        next_attempt_at=NOW,
        id=42,
    )


def test_the_backoff_doubles_from_the_base_and_is_capped():
    waits = [(retry_at(n, NOW, RULES) - NOW).total_seconds() for n in (1, 2, 3, 4)]
    assert waits == [60, 120, 150, 150]


def test_ops_are_told_once_when_the_last_attempt_fails():
    p = policy()
    assert after_failure(p, "insurer 503", NOW, RULES) is False
    assert (p.status, p.attempts, p.next_attempt_at) == (
        PolicyStatus.REQUESTED,
        1,
        NOW + timedelta(seconds=60),
    )
    assert after_failure(p, "insurer 503", NOW, RULES) is False
    assert after_failure(p, "insurer 503", NOW, RULES) is True
    assert p.status == PolicyStatus.FAILED and p.note == "insurer 503"


def test_a_void_that_keeps_failing_gives_up_after_the_attempts():
    p = policy()
    p.status = PolicyStatus.VOIDING
    assert after_void_failure(p, "x", NOW, RULES) is False
    assert p.status == PolicyStatus.ISSUED  # asked again to void later
    after_void_failure(p, "x", NOW, RULES)
    assert after_void_failure(p, "x", NOW, RULES) is True
    assert p.status == PolicyStatus.VOID_FAILED


def test_the_insurer_is_sent_only_what_it_needs():
    body = request_body(policy())
    assert body == {
        "request_id": "daojia-policy-42",
        "order": "240117",
        "item": "日常保洁",
        "starts_at": "2026-12-06T01:00:00+00:00",
        "ends_at": "2026-12-06T03:00:00+00:00",
        "insured_fen": 50_000_000,
        "currency": "CNY",
    }


def test_the_insurers_answers_are_read():
    assert issue_outcome(200, {"status": "issued", "policy_no": "P1"}) == PolicyOutcome(True, "P1")
    assert issue_outcome(201, {"status": "pending"}) == PolicyOutcome(
        False, note="insurer: pending"
    )
    assert not issue_outcome(200, {"status": "issued"}).done  # no number
    assert not issue_outcome(200, {"status": "issued", "policy_no": "P" * 65}).done
    assert issue_outcome(503, {"error": "maintenance"}).note == "insurer 503: maintenance"
    assert not issue_outcome(200, ["not", "an", "object"]).done
    assert void_outcome(200, {"status": "voided"}).done
    assert void_outcome(404, {"error": "unknown policy"}).note == "insurer 404: unknown policy"
    assert not void_outcome(200, {}).done
