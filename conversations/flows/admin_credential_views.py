"""The admin console's answers about workers' documents: the renewals waiting (``/renewals``)
and a decision on one (``/approve_cert``, ``/reject_cert``)."""

from __future__ import annotations

from conversations.flows.admin_screens import Screen, shows
from conversations.flows.base import Ctx, Outcome, moment, tr
from conversations.replies import Say
from conversations.results.credentials import CertificatesReviewed, RenewalsListed
from conversations.state import Conversation
from domain.people import DOCUMENT_TEXT
from domain.text import listed, named


def renewals(ctx: Ctx, conv: Conversation, r: RenewalsListed) -> Outcome:
    if not r.lines:
        return Outcome([Say(tr(conv, "没有待审核的新证书。"))])
    lines = [tr(conv, "待审核的新证书({n}):", n=len(r.lines))]
    for x in r.lines:
        current = moment(ctx, conv, x.current, clock=False) if x.current else tr(conv, "无")
        lines.append(
            tr(
                conv,
                "师傅 {worker_id} {name} · {document} · 新证至 {expires} · 原证至 {current}",
                worker_id=x.worker_id,
                name=x.name,
                document=named(DOCUMENT_TEXT, x.kind, conv.lang),
                expires=moment(ctx, conv, x.expires_on, clock=False) if x.expires_on else "—",
                current=current,
            )
        )
    lines.append(tr(conv, "看照片:/worker ID;通过:/approve_cert ID;驳回:/reject_cert ID 原因"))
    return Outcome([Say("\n".join(lines))])


def reviewed(ctx: Ctx, conv: Conversation, r: CertificatesReviewed) -> Outcome:
    documents = listed((named(DOCUMENT_TEXT, k, conv.lang) for k in r.kinds), conv.lang)
    text = (
        tr(conv, "已通过师傅 {worker_id} {name} 的新证书:{documents}", **_of(r, documents))
        if r.approved
        else tr(conv, "已驳回师傅 {worker_id} {name} 的新证书:{documents}", **_of(r, documents))
    )
    return Outcome([Say(text)])


def _of(r: CertificatesReviewed, documents: str) -> dict[str, str | int]:
    return {"worker_id": r.worker_id, "name": r.name, "documents": documents}


SCREENS: tuple[Screen, ...] = (
    shows(RenewalsListed, renewals),
    shows(CertificatesReviewed, reviewed),
)
