"""Insurance (保险): a policy is requested in the transaction that makes an order paid
(``request_policy``); the sweep (``IssuePolicies``) asks the insurer out of the chat path —
each policy held by one process at a time (a lease), asked again with backoff when the insurer
fails, ops told once (``insurance_failed_admin``) when every attempt failed — and voids the
policies of orders cancelled or refunded since."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from conversations.events import Result
from conversations.results.sweeps import PoliciesSwept
from conversations.services.deps import Deps
from conversations.services.notices import to_admins
from domain import commands as c
from domain.gateways import InsurerGateway, PolicyOutcome
from domain.insurance import Policy, PolicyStatus, after_failure, after_void_failure
from domain.outbox import OutboxMessage
from domain.ports import UnitOfWork
from domain.privacy import error_line

log = logging.getLogger(__name__)
BATCH = 20
ROUNDS = 10


class InsuranceDesk:
    def __init__(self, services: Deps) -> None:
        self.s = services

    def handlers(self) -> dict[type[c.Command], Any]:
        return {c.IssuePolicies: self.sweep}

    async def sweep(self, cmd: c.IssuePolicies) -> list[Result]:
        insurer = self.s.insurer
        if insurer is None:
            return [PoliciesSwept(0, 0, 0)]
        async with self.s.uow() as uow:
            voided = await uow.policies.drop_unissued(self.s.clock())
            await uow.commit()
        issued, failed = await self._issue(insurer)
        return [PoliciesSwept(issued, failed, voided + await self._void(insurer))]

    async def _issue(self, insurer: InsurerGateway) -> tuple[int, int]:
        issued = failed = 0
        for _ in range(ROUNDS):
            batch = await self._claim(void=False)
            for policy in batch:
                outcome = await _ask(insurer.issue, policy)
                await self._record(policy, outcome)
                issued, failed = issued + outcome.done, failed + (not outcome.done)
            if len(batch) < BATCH:
                break
        return issued, failed

    async def _void(self, insurer: InsurerGateway) -> int:
        voided = 0
        for _ in range(ROUNDS):
            batch = await self._claim(void=True)
            for policy in batch:
                outcome = await _ask(insurer.void, policy)
                await self._record_void(policy, outcome)
                voided += outcome.done
            if len(batch) < BATCH:
                break
        return voided

    async def _claim(self, void: bool) -> list[Policy]:
        now = self.s.clock()
        until = now + timedelta(seconds=self.s.rules.payments.insurance_lease_s)
        async with self.s.uow() as uow:
            if void:
                batch = await uow.policies.claim_void(now, until, BATCH)
            else:
                batch = await uow.policies.claim_issue(now, until, BATCH)
            await uow.commit()
        return batch

    async def _record(self, policy: Policy, outcome: PolicyOutcome) -> None:
        now = self.s.clock()
        posted: list[OutboxMessage] = []
        async with self.s.uow() as uow:
            if outcome.done:
                policy.status, policy.policy_no, policy.note = (
                    PolicyStatus.ISSUED,
                    outcome.policy_no,
                    "",
                )
                policy.attempts, policy.next_attempt_at = 0, now
            else:
                log.warning("policy %s: %s", policy.id, outcome.note)
                if after_failure(policy, outcome.note, now, self.s.rules.payments):
                    posted += await self._alert(uow, policy)
            await uow.policies.save(policy)
            await uow.commit()
        await self.s.flush(posted)

    async def _record_void(self, policy: Policy, outcome: PolicyOutcome) -> None:
        now = self.s.clock()
        posted: list[OutboxMessage] = []
        async with self.s.uow() as uow:
            if outcome.done:
                policy.status, policy.note, policy.claimed_until = PolicyStatus.VOIDED, "", None
            else:
                log.warning("policy %s void: %s", policy.id, outcome.note)
                if after_void_failure(policy, outcome.note, now, self.s.rules.payments):
                    posted += await self._alert(uow, policy)
            await uow.policies.save(policy)
            await uow.commit()
        await self.s.flush(posted)

    async def _alert(self, uow: UnitOfWork, policy: Policy) -> list[OutboxMessage]:
        notice = to_admins(
            "insurance_failed_admin",
            number=policy.number,
            voiding=policy.status == PolicyStatus.VOID_FAILED,
            note=policy.note,
        )
        return await self.s.post(uow, [notice])


async def _ask(call: Any, policy: Policy) -> PolicyOutcome:
    try:
        outcome: PolicyOutcome = await call(policy)
    except Exception as exc:  # an insurer's bug or outage: asked again later
        log.warning("policy %s: the insurer failed: %s", policy.id, error_line(exc))
        return PolicyOutcome(False, note=error_line(exc))
    return outcome
