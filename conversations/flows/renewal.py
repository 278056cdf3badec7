"""A worker renews a document in chat (``更新证书`` / ``renew``): which document, a photo of
the new one, its expiry date; it then waits for an admin (``/approve_cert``) and the copy it
replaces counts until then — the worker is not taken off jobs meanwhile."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from conversations.events import ChoiceMade, Failed, PhotoReceived, TextReceived
from conversations.flows.base import Ctx, Outcome, Transitions, moment, tr
from conversations.flows.dates import day_to_come
from conversations.flows.flow_state import keep, keeping
from conversations.flows.worker_signup_views import expiry_refused, photo_lapsed
from conversations.replies import Ask, Option, Say
from conversations.results.credentials import CertificateRenewalSubmitted
from conversations.results.workers import DocumentsLapsed, DocumentStored
from conversations.state import Conversation
from domain import commands as c
from domain.catalog import Catalog
from domain.people import DOCUMENT_TEXT
from domain.text import named

NAME = "renewal"


class Step(StrEnum):
    KIND = "kind"
    PHOTO = "photo"
    EXPIRY = "expiry"


FIRST = Step.KIND


@dataclass(slots=True)
class RenewalData:
    kind: str = ""
    path: str = ""


def kinds(catalog: Catalog) -> tuple[str, ...]:
    """The documents the catalog's services ask for (the health certificate first)."""
    needed = {k for item in catalog.items() for k in item.certificates} | {"health"}
    return tuple(sorted(needed, key=lambda k: (k != "health", k)))


def enter(ctx: Ctx, conv: Conversation) -> Outcome:
    keep(conv, NAME, RenewalData())
    if conv.worker_id is None:
        return Outcome(goto="worker_register")
    return Outcome(step=Step.KIND, reask=True)


def ask(ctx: Ctx, conv: Conversation) -> Outcome:
    step = Step(conv.step)
    if step == Step.KIND:
        options = tuple(
            Option(f"doc:{k}", named(DOCUMENT_TEXT, k, conv.lang)) for k in kinds(ctx.catalog)
        )
        return Outcome(
            [Ask(tr(conv, "要更新哪种证书?"), (*options, Option("back", tr(conv, "返回"))))]
        )
    kind = (conv.data.get(NAME) or {}).get("kind", "")
    document = named(DOCUMENT_TEXT, kind, conv.lang)
    if step == Step.PHOTO:
        return Outcome([Ask(tr(conv, "请发送新{document}的照片:", document=document))])
    return Outcome([Ask(tr(conv, "新{document}有效期至哪天?例如 2027-06-30", document=document))])


@keeping(NAME, RenewalData, FIRST)
def on_kind(ctx: Ctx, conv: Conversation, event: ChoiceMade, r: RenewalData) -> Outcome:
    if event.key == "back":
        return Outcome(goto="worker")
    kind = event.key.removeprefix("doc:")
    if kind not in kinds(ctx.catalog):
        return Outcome(reask=True)
    r.kind, r.path = kind, ""
    return Outcome(step=Step.PHOTO, reask=True)


def on_photo(ctx: Ctx, conv: Conversation, event: PhotoReceived) -> Outcome:
    return Outcome(commands=[c.StoreDocument(event.channel, event.ref, "workers")])


def on_text_for_photo(ctx: Ctx, conv: Conversation, event: TextReceived) -> Outcome:
    return Outcome([Say(tr(conv, "请发送照片。"))], reask=True)


@keeping(NAME, RenewalData, FIRST)
def on_stored(ctx: Ctx, conv: Conversation, result: DocumentStored, r: RenewalData) -> Outcome:
    if not r.kind:
        return Outcome(step=Step.KIND, reask=True)
    r.path = result.path
    return Outcome(step=Step.EXPIRY, reask=True)


@keeping(NAME, RenewalData, FIRST)
def on_expiry(ctx: Ctx, conv: Conversation, event: TextReceived, r: RenewalData) -> Outcome:
    today = ctx.now.astimezone(ctx.tz).date()
    text = event.text.strip()
    day = day_to_come(text, today)
    if day is None or day <= today:
        return Outcome([Say(expiry_refused(conv, text, today))], reask=True)
    if not (r.kind and r.path and conv.worker_id is not None):
        return Outcome(step=Step.KIND, reask=True)
    return Outcome(commands=[c.RenewCertificate(conv.worker_id, r.kind, r.path, day.isoformat())])


@keeping(NAME, RenewalData, FIRST)
def on_lapsed(ctx: Ctx, conv: Conversation, result: DocumentsLapsed, r: RenewalData) -> Outcome:
    """Not submitted: the photo waited too long unsent; it is asked for again."""
    r.path = ""
    return Outcome([Say(photo_lapsed(ctx, conv))], step=Step.PHOTO, reask=True)


def on_submitted(ctx: Ctx, conv: Conversation, result: CertificateRenewalSubmitted) -> Outcome:
    document = named(DOCUMENT_TEXT, result.kind, conv.lang)
    return Outcome(
        [
            Say(
                tr(
                    conv,
                    "新{document}(有效期至 {expires})已提交审核;审核通过前原证书照常有效。",
                    document=document,
                    expires=moment(ctx, conv, result.expires_on, clock=False),
                )
            )
        ],
        goto="worker",
    )


def on_failed(ctx: Ctx, conv: Conversation, result: Failed) -> Outcome:
    return Outcome([Say(result.message.get(conv.lang))], goto="worker")


def on_photo_refused(ctx: Ctx, conv: Conversation, result: Failed) -> Outcome:
    """Not a photo the store takes (a file of another type, too large): why, and the same
    question again — the renewal goes on."""
    return Outcome([Say(result.message.get(conv.lang))], reask=True)


TRANSITIONS: Transitions = {
    (Step.KIND, ChoiceMade): on_kind,
    (Step.PHOTO, PhotoReceived): on_photo,
    (Step.PHOTO, TextReceived): on_text_for_photo,
    (Step.PHOTO, DocumentStored): on_stored,
    (Step.PHOTO, Failed): on_photo_refused,
    (Step.EXPIRY, TextReceived): on_expiry,
    (Step.EXPIRY, CertificateRenewalSubmitted): on_submitted,
    (Step.EXPIRY, DocumentsLapsed): on_lapsed,
    (Step.EXPIRY, Failed): on_failed,
}
