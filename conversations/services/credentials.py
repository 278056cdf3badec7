"""Workers' documents: a renewal uploaded in chat waits for an admin (the copy it replaces
keeps counting), ``/approve_cert`` / ``/reject_cert`` decide it, and a sweep reminds workers
before a document expires (``rules.notifications.certificate_reminder_days``).

Each reminder is claimed once in ``job_runs`` (worker, document, days before, expiry),
committed with its outbox message: several processes sweeping at once send it once, and a
crash before the commit leaves it to the next sweep.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from conversations.events import Result
from conversations.results.credentials import CertificateRenewalSubmitted, CertificatesReviewed
from conversations.results.sweeps import CertificateRemindersSent
from conversations.results.workers import DocumentsLapsed
from conversations.services.deps import Deps
from conversations.services.notices import to_admins, to_worker
from conversations.services.staff import authorize
from conversations.services.unsent_uploads import still_kept
from domain import commands as c
from domain.audit import AuditEntry
from domain.credentials import ExpiryReminder, approved, due_reminders, pending, rejected
from domain.credentials import with_renewal as renewed
from domain.errors import DomainError
from domain.moments import When
from domain.people import DOCUMENT_TEXT, Certificate, WorkerStatus
from domain.privacy import loggable_traceback
from domain.text import N_, named

log = logging.getLogger(__name__)


def document(kind: str) -> dict[str, str]:
    """A document type's name in both languages, for a notice."""
    return {"zh": named(DOCUMENT_TEXT, kind, "zh"), "en": named(DOCUMENT_TEXT, kind, "en")}


class CredentialDesk:
    def __init__(self, s: Deps) -> None:
        self.s = s

    def handlers(self) -> dict[type[c.Command], Any]:
        return {
            c.RenewCertificate: self.renew,
            c.ReviewCertificates: self.review,
            c.RemindExpiringCertificates: self.remind,
        }

    async def renew(self, cmd: c.RenewCertificate) -> list[Result]:
        """The new copy waits for an admin — unless its photo waited unsent too long (the
        unsent uploads' sweep deletes it): it is asked for again."""
        expires = date.fromisoformat(cmd.expires_on)
        if cmd.kind not in DOCUMENT_TEXT:
            raise DomainError(N_("不认识这种证书"))
        if not still_kept(self.s.media, self.s.rules, cmd.path, self.s.clock()):
            return [DocumentsLapsed((cmd.kind,))]
        async with self.s.uow() as uow:
            worker = await uow.workers.get(cmd.worker_id)
            if worker is None or worker.status == WorkerStatus.REJECTED:
                raise DomainError(N_("您还不是我们的师傅。发送「注册师傅」申请加入。"))
            worker.certificates = renewed(
                worker.certificates, Certificate(cmd.kind, cmd.path, expires)
            )
            await uow.workers.save(worker)
            notice = to_admins(
                "certificate_renewal_admin",
                worker=worker.name,
                worker_id=cmd.worker_id,
                document=document(cmd.kind),
                expires=When(expires, self.s.clock().astimezone(self.s.tz).date()),
            )
            posted = await self.s.post(uow, [notice])
            await uow.commit()
        await self.s.flush(posted)
        return [CertificateRenewalSubmitted(cmd.kind, expires)]

    async def review(self, cmd: c.ReviewCertificates) -> list[Result]:
        command = "approve_cert" if cmd.approve else "reject_cert"
        async with self.s.uow() as uow:
            role = await authorize(self.s, uow, command, cmd.admin)
            worker = await uow.workers.get(cmd.worker_id)
            if worker is None:
                raise DomainError(N_("没有 ID 为 {worker_id} 的师傅", worker_id=cmd.worker_id))
            waiting = pending(worker.certificates)
            if worker.status == WorkerStatus.PENDING or not waiting:
                raise DomainError(
                    N_("师傅 {worker_id} 没有待审核的新证书", worker_id=cmd.worker_id)
                )
            if not cmd.approve and not cmd.reason:
                raise DomainError(N_("请写明原因:/reject_cert 师傅ID 原因"))
            kinds = tuple(d.kind for d in waiting)
            worker.certificates = (approved if cmd.approve else rejected)(worker.certificates)
            await uow.workers.save(worker)
            now = self.s.clock()
            await uow.audit.append(
                AuditEntry(
                    now,
                    cmd.admin,
                    command,
                    f"worker:{cmd.worker_id}",
                    role,
                    {"documents": ", ".join(kinds)},
                    {"note": cmd.reason},
                )
            )
            names = [document(k) for k in kinds]
            notice = (
                to_worker(cmd.worker_id, "certificate_approved", documents=names)
                if cmd.approve
                else to_worker(
                    cmd.worker_id, "certificate_rejected", documents=names, reason=cmd.reason
                )
            )
            posted = await self.s.post(uow, [notice])
            await uow.commit()
        await self.s.flush(posted)
        return [CertificatesReviewed(cmd.worker_id, worker.name, cmd.approve, kinds)]

    async def remind(self, cmd: c.RemindExpiringCertificates) -> list[Result]:
        today = self.s.clock().astimezone(self.s.tz).date()
        days = self.s.rules.notifications.certificate_reminder_days
        async with self.s.uow() as uow:
            workers = await uow.workers.with_status([WorkerStatus.APPROVED])
        due = [r for w in workers for r in due_reminders(w.id or 0, w.certificates, today, days)]
        sent = 0
        for reminder in due:
            sent += await self._send(reminder, today)
        return [CertificateRemindersSent(sent)]

    async def _send(self, r: ExpiryReminder, today: date) -> bool:
        name, period = r.claim
        try:
            async with self.s.uow() as uow:
                if not await uow.job_runs.claim(name, period, self.s.clock()):
                    return False  # sent before, or by another process just now
                notice = to_worker(
                    r.worker_id,
                    "certificate_expiring",
                    document=document(r.kind),
                    expires=When(r.expires_on, today),
                    days=(r.expires_on - today).days,
                )
                posted = await self.s.post(uow, [notice])
                await uow.commit()
        except DomainError as exc:  # SQLite: another process holds the write lock
            log.info("certificate reminder %s: %s", name, exc)
            return False
        except Exception as exc:  # one broken worker must not hold up everyone else's
            log.error("certificate reminder %s failed\n%s", name, loggable_traceback(exc))
            return False
        await self.s.flush(posted)
        return True
