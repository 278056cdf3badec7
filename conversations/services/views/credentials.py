"""``/renewals``: the documents workers renewed in chat, waiting for an admin — with the
expiry of the copy each replaces (photos: ``/worker ID``, whose read is audited)."""

from __future__ import annotations

from conversations.results.credentials import RenewalLine, RenewalsListed
from conversations.services.staff import AdminDirectory, role_for
from domain.credentials import pending, valid_documents
from domain.people import WorkerStatus
from domain.ports import Reads
from domain.queries import ListRenewals

LIMIT = 30


async def renewals(uow: Reads, q: ListRenewals, *, admins: AdminDirectory) -> RenewalsListed:
    await role_for(admins, uow, "renewals", q.admin)
    workers = await uow.workers.with_status([WorkerStatus.APPROVED, WorkerStatus.SUSPENDED])
    lines = []
    for w in workers:
        held = valid_documents(w.certificates)
        lines += [
            RenewalLine(w.id or 0, w.name, d.kind, d.expires_on, held.get(d.kind))
            for d in pending(w.certificates)
        ]
    return RenewalsListed(tuple(lines[:LIMIT]))
