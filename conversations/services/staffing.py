"""Workers joining and being reviewed: registration with documents, approval or rejection,
going online and offline."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from conversations.services.notices import Notice, to_admins, to_worker
from domain.audit import AuditEntry
from domain.errors import DomainError
from domain.people import (
    WORKER_STATUS_TEXT,
    Certificate,
    Channel,
    GeoPoint,
    Identity,
    ServiceArea,
    Worker,
    WorkerStatus,
)
from domain.ports import UnitOfWork
from domain.text import N_, Bilingual, named


async def register(
    uow: UnitOfWork,
    *,
    channel: str,
    user_id: str,
    name: str,
    phone: str,
    lang: str,
    skills: tuple[str, ...],
    skill_names: Mapping[str, Bilingual],
    center: GeoPoint | None,
    radius_m: int,
    districts: tuple[str, ...],
    documents: tuple[tuple[str, str, str], ...],
    now: datetime,
) -> tuple[Worker, list[Notice]]:
    """A new worker, pending review, linked to this chat account."""
    identity = await uow.identities.get(Channel(channel), user_id)
    if identity is not None and identity.worker_id is not None:
        existing = await uow.workers.get(identity.worker_id)
        if existing is not None and existing.status != WorkerStatus.REJECTED:
            raise DomainError(N_("您已经注册过了"))
    certificates = tuple(
        Certificate(kind, path, date.fromisoformat(expires) if expires else None)
        for kind, path, expires in documents
    )
    worker = await uow.workers.add(
        Worker(
            name=name[:100],
            phone=phone,
            created_at=now,
            skills=skills,
            certificates=certificates,
            area=ServiceArea(center, radius_m, districts),
            status=WorkerStatus.PENDING,
            lang=lang,
        )
    )
    assert worker.id is not None
    account = Identity(
        Channel(channel), user_id, identity.customer_id if identity else None, worker.id
    )
    if identity is None:
        await uow.identities.add(account)
    else:
        await uow.identities.put(account)
    notice = to_admins(
        "worker_registered_admin",
        "owner",
        "ops",
        worker=name,
        worker_id=worker.id,
        skills={
            "zh": "、".join(named(skill_names, s, "zh") for s in skills),
            "en": ", ".join(named(skill_names, s, "en") for s in skills),
        },
    )
    return worker, [notice]


async def set_online(uow: UnitOfWork, worker_id: int, online: bool) -> Worker:
    worker = await uow.workers.get(worker_id)
    if worker is None:
        raise DomainError("unknown worker")
    if online and worker.status != WorkerStatus.APPROVED:
        raise DomainError(
            {
                WorkerStatus.PENDING: N_("审核通过后才能上线。"),
                WorkerStatus.SUSPENDED: N_("账号已暂停接单,请联系客服"),
                WorkerStatus.REJECTED: N_("注册未通过,不能上线"),
                WorkerStatus.LEFT: N_("您已离职,如需重新接单请联系客服"),
            }.get(worker.status, "not approved")
        )
    worker.online = online
    await uow.workers.save(worker)
    return worker


async def review(
    uow: UnitOfWork,
    *,
    worker_id: int,
    approve: bool,
    reason: str,
    admin: str,
    role: str,
    now: datetime,
) -> tuple[Worker, list[Notice]]:
    """Approve (documents verified) or reject with a reason; written to the audit log."""
    worker = await uow.workers.get(worker_id)
    if worker is None:
        raise DomainError(N_("没有 ID 为 {worker_id} 的师傅", worker_id=worker_id))
    before: dict[str, object] = {"status": worker.status.value}
    if approve:
        if worker.status not in (WorkerStatus.PENDING, WorkerStatus.SUSPENDED):
            raise DomainError(
                N_(
                    "师傅 {worker_id} 现在是「{value}」:只有待审核或已暂停的师傅可以通过",
                    worker_id=worker_id,
                    value=WORKER_STATUS_TEXT[worker.status],
                )
            )
        worker.status = WorkerStatus.APPROVED
        worker.certificates = tuple(
            Certificate(c.kind, c.file_ref, c.expires_on, True) for c in worker.certificates
        )
        worker.review_note = reason
    else:
        if not reason:
            raise DomainError(N_("请写明拒绝原因:/reject ID 原因"))
        worker.status, worker.online, worker.review_note = WorkerStatus.REJECTED, False, reason
    await uow.workers.save(worker)
    await uow.audit.append(
        AuditEntry(
            now,
            admin,
            "approve_worker" if approve else "reject_worker",
            f"worker:{worker_id}",
            role,
            before,
            {"status": worker.status.value, "note": reason},
        )
    )
    note = (
        to_worker(worker_id, "worker_approved")
        if approve
        else to_worker(worker_id, "worker_rejected", reason=reason)
    )
    return worker, [note]
