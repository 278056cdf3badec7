"""Workers' documents over time: which copy counts, reminders before expiry, renewals."""

from datetime import date, timedelta

from domain.credentials import (
    approved,
    due_reminders,
    pending,
    rejected,
    valid_documents,
    with_renewal,
)
from domain.people import Certificate

TODAY = date(2026, 11, 23)
DAYS = (7, 30)


def health(days: int | None, verified: bool = True) -> Certificate:
    expires = TODAY + timedelta(days=days) if days is not None else None
    return Certificate("health", f"media/{days}.jpg", expires, verified)


def test_the_latest_verified_copy_counts_and_a_waiting_one_does_not():
    docs = (health(5), health(400, verified=False), Certificate("id_card", "", None, True))
    assert valid_documents(docs) == {"health": TODAY + timedelta(days=5), "id_card": None}
    assert valid_documents((health(5), health(40))) == {"health": TODAY + timedelta(days=40)}
    assert valid_documents((health(5), health(None))) == {"health": None}


def test_a_reminder_is_due_at_30_and_at_7_days_never_after_expiry():
    assert due_reminders(1, (health(31),), TODAY, DAYS) == []
    [r30] = due_reminders(1, (health(30),), TODAY, DAYS)
    assert (r30.days, r30.kind) == (30, "health")
    [r8] = due_reminders(1, (health(30),), TODAY + timedelta(days=22), DAYS)
    assert r8.days == 30 and r8.claim == r30.claim  # the same reminder: claimed once
    [r7] = due_reminders(1, (health(30),), TODAY + timedelta(days=23), DAYS)
    assert r7.days == 7 and r7.claim != r30.claim
    assert due_reminders(1, (health(0),), TODAY, DAYS)[0].days == 7
    assert due_reminders(1, (health(-1),), TODAY, DAYS) == []
    assert due_reminders(1, (health(None),), TODAY, DAYS) == []


def test_a_renewal_waiting_for_approval_silences_the_reminders_and_a_renewed_one_starts_again():
    waiting = with_renewal((health(7),), health(400))
    assert due_reminders(1, waiting, TODAY, DAYS) == []
    renewed = approved(waiting)
    assert renewed == (Certificate("health", "media/400.jpg", TODAY + timedelta(days=400), True),)
    later = TODAY + timedelta(days=370)
    [r] = due_reminders(1, renewed, later, DAYS)
    assert r.days == 30 and r.claim[1] == (TODAY + timedelta(days=400)).isoformat()


def test_a_renewal_replaces_one_waiting_and_rejection_keeps_the_old_copy():
    docs = with_renewal(with_renewal((health(7),), health(300)), health(400))
    assert pending(docs) == (health(400, verified=False),)
    assert rejected(docs) == (health(7),)
    assert valid_documents(docs) == {"health": TODAY + timedelta(days=7)}
