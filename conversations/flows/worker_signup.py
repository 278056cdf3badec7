"""Joining as a worker: name, phone, skills, service area, ID card, health certificate (with
its expiry), the certificates the chosen skills need; then review by an admin."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import replace
from enum import StrEnum

from conversations.events import (
    ChoiceMade,
    ContactShared,
    LocationShared,
    PhotoReceived,
    TextReceived,
)
from conversations.flows import worker_signup_views as views
from conversations.flows.base import Ctx, Outcome, Transitions, too_long, tr
from conversations.flows.dates import day_to_come
from conversations.flows.phones import normalise_phone
from conversations.flows.worker_signup_data import SignupData
from conversations.flows.worker_signup_views import expiry_refused, skills_of
from conversations.replies import Reply, Say
from conversations.results.workers import DocumentsLapsed, DocumentStored, WorkerRegistered
from conversations.state import Conversation
from conversations.understanding.skills import read_skills
from domain import commands as c
from domain import limits
from domain.catalog import Catalog
from domain.digits import whole
from domain.gazetteer import district_named
from domain.text import listed

NAME = "worker_register"


class Step(StrEnum):
    NAME = "name"
    PHONE = "phone"
    SKILLS = "skills"
    AREA = "area"
    RADIUS = "radius"
    ID_PHOTO = "id_photo"
    HEALTH_PHOTO = "health_photo"
    HEALTH_EXPIRY = "health_expiry"
    CERTS = "certs"
    CONFIRM = "confirm"


FIRST = Step.NAME
_AREA_SEPARATORS = re.compile(r"[\s,，、;；/]+|[和及与]|\band\b", re.IGNORECASE)
_AREA_ENGLISH_TAIL = ("district", "new", "area")
_DISTRICT_ENDS = re.compile(r"[^区县]+?(?:新区|区|县)|[^区县]+")


def area_parts(text: str) -> list[str]:
    """The districts a worker typed, one part each: ``黄浦区 徐汇``, ``黄浦区、徐汇区``,
    ``黄浦区徐汇区`` (no space), ``Xuhui District, Jing'an`` (the English tail kept)."""
    parts: list[str] = []
    for word in _AREA_SEPARATORS.split(text):
        if not word:
            continue
        if parts and word.casefold() in _AREA_ENGLISH_TAIL:
            parts[-1] += " " + word
        else:
            parts += _DISTRICT_ENDS.findall(word) or [word]
    return parts


def _load(conv: Conversation) -> SignupData | None:
    """The sign-up's data; None when the stored state is not of its shape (an older version
    saved it) or lacks what the step builds on, which starts the sign-up again."""
    raw = conv.data.get(NAME)
    if raw is None and conv.step == FIRST:
        return SignupData()
    r = SignupData.from_json(raw)
    if r is None or (conv.step == Step.CERTS and not r.cert_queue):
        return None
    if conv.step == Step.CONFIRM and not (r.name and r.phone and r.skills):
        return None
    return r


def _keep(conv: Conversation, r: SignupData) -> None:
    conv.data[NAME] = r.to_json()


def _restart() -> Outcome:
    """The sign-up from its first question, its data reset (``enter``)."""
    return Outcome(goto=NAME)


def needed_certificates(catalog: Catalog, skills: Collection[str]) -> tuple[str, ...]:
    """The certificates the services of ``skills`` ask for, in name order (the health
    certificate has its own question)."""
    found = {k for i in catalog.items() if i.skill in skills for k in i.certificates}
    return tuple(sorted(found - {"health", "id_card"}))


def resume_at(r: SignupData) -> Step:
    """The first question ``r`` holds no answer to: where a sign-up left for the menu goes
    on (every step before it passes ``_load``'s checks, so it never restarts in a loop)."""
    documents = dict(r.documents)
    unanswered = (
        (Step.NAME, not r.name),
        (Step.PHONE, not r.phone),
        (Step.SKILLS, not r.skills),
        (Step.AREA, r.center is None and not r.districts),
        (Step.RADIUS, r.center is not None and not r.radius_km),
        (Step.ID_PHOTO, "id_card" not in documents),
        (Step.HEALTH_PHOTO, "health" not in documents),
        (Step.HEALTH_EXPIRY, r.health_expiry is None),
        (Step.CERTS, bool(r.cert_queue)),
    )
    return next((step for step, open_ in unanswered if open_), Step.CONFIRM)


def enter(ctx: Ctx, conv: Conversation) -> Outcome:
    conv.data.pop("r", None)  # the untyped data of states saved before SignupData
    kept = SignupData.from_json(conv.data[NAME]) if NAME in conv.data else None
    if kept is not None and kept != SignupData():  # left for the menu: keep what was typed
        return Outcome(
            [Say(tr(conv, "欢迎回来,接着上次的注册继续。"))], step=resume_at(kept), reask=True
        )
    _keep(conv, SignupData())
    return Outcome(
        [Say(tr(conv, "欢迎加入到家!注册需要约 3 分钟,请准备好身份证和健康证照片。"))],
        reask=True,
    )


QUESTIONS: dict[Step, Callable[[Ctx, Conversation, SignupData], list[Reply]]] = {
    Step.NAME: views.name_question,
    Step.PHONE: views.phone_question,
    Step.SKILLS: views.skills_question,
    Step.AREA: views.area_question,
    Step.RADIUS: views.radius_question,
    Step.ID_PHOTO: views.id_photo_question,
    Step.HEALTH_PHOTO: views.health_photo_question,
    Step.HEALTH_EXPIRY: views.health_expiry_question,
    Step.CERTS: views.certificate_question,
    Step.CONFIRM: views.confirm_question,
}


def ask(ctx: Ctx, conv: Conversation) -> Outcome:
    r = _load(conv)
    if r is None:
        return _restart()
    return Outcome(QUESTIONS[Step(conv.step)](ctx, conv, r))


def on_name(ctx: Ctx, conv: Conversation, event: TextReceived) -> Outcome:
    name = " ".join(event.text.split())
    if over := too_long(conv, limits.WORKER_NAME, name):
        return over
    if len(name) < 2:
        return Outcome(
            [Say(tr(conv, "请输入至少 2 个字的姓名。"))],
            reask=True,
        )
    if not any(ch.isalpha() for ch in name):  # 123, ---: no name
        return Outcome([Say(tr(conv, "姓名里要有汉字或字母,请输入您的真实姓名。"))], reask=True)
    if (r := _load(conv)) is None:
        return _restart()
    _keep(conv, replace(r, name=name))
    return Outcome(step=Step.PHONE, reask=True)


def on_phone(ctx: Ctx, conv: Conversation, event: TextReceived | ContactShared) -> Outcome:
    raw = event.phone if isinstance(event, ContactShared) else event.text
    if over := too_long(conv, limits.PHONE, raw.strip()):
        return over
    phone = normalise_phone(raw)
    if phone is None:
        return Outcome([Say(tr(conv, "手机号格式不对。"))], reask=True)
    if (r := _load(conv)) is None:
        return _restart()
    _keep(conv, replace(r, phone=phone))
    return Outcome(step=Step.SKILLS, reask=True)


def on_skill(ctx: Ctx, conv: Conversation, event: ChoiceMade) -> Outcome:
    if (r := _load(conv)) is None:
        return _restart()
    if event.key == "done":
        if not r.skills:
            return Outcome([Say(tr(conv, "请至少选择一项。"))], reask=True)
        return Outcome(step=Step.AREA, reask=True)
    skill = event.key.removeprefix("skill:")
    if skill in skills_of(ctx.catalog):
        _keep(conv, r.with_skill_toggled(skill))
    return Outcome(reask=True)


def on_skills_text(ctx: Ctx, conv: Conversation, event: TextReceived) -> Outcome:
    """Skills typed rather than tapped ("保洁, 月嫂", "cleaning and nanny", "1、3"): those
    read are ticked (added: typing one already ticked keeps it) and named back, the words
    naming no service of ours said not taken; the question again, to tick more or finish."""
    text = event.text.strip()
    if over := too_long(conv, limits.SKILLS, text):
        return over
    if (r := _load(conv)) is None:
        return _restart()
    buttons = [key for key, _ in views.skill_buttons(ctx)] if conv.numbered else []
    read = read_skills(text, ctx.catalog, buttons)
    added = tuple(s for s in read.skills if s not in r.skills)
    if added:
        _keep(conv, replace(r, skills=(*r.skills, *added)))
    return Outcome([Say(views.skills_read(ctx, conv, read))], reask=True)


def on_area_location(ctx: Ctx, conv: Conversation, event: LocationShared) -> Outcome:
    if (r := _load(conv)) is None:
        return _restart()
    _keep(conv, replace(r, center=(event.lat, event.lon), districts=()))
    return Outcome(step=Step.RADIUS, reask=True)


def on_area_text(ctx: Ctx, conv: Conversation, event: TextReceived) -> Outcome:
    if over := too_long(conv, limits.SERVICE_AREA, event.text.strip()):
        return over
    parts = area_parts(event.text)
    # as the geocoder names them: 闸北区 is 静安区 now, 黄埔区 a slip for 黄浦区, 徐汇 徐汇区
    named = {part: district_named(part) for part in parts}
    if not parts or not all(named.values()):  # never a smaller area than the worker typed
        unknown = [part for part, district in named.items() if not district]
        example = views.district_example(conv)
        hint = tr(conv, "没找到区名,请写成「{example}」,或发送位置。", example=example)
        if unknown:
            hint = tr(
                conv,
                "没看懂这些区名:{parts}。请写成「{example}」或「{short}」,或发送位置。",
                parts=listed(unknown, conv.lang),
                example=example,
                short=views.district_example(conv, short=True),
            )
        return Outcome([Say(hint)], reask=True)
    districts = sorted(set(named.values()))
    if (r := _load(conv)) is None:
        return _restart()
    _keep(conv, replace(r, districts=tuple(districts), center=None, radius_km=0))
    return Outcome(step=Step.ID_PHOTO, reask=True)


def on_radius(ctx: Ctx, conv: Conversation, event: ChoiceMade) -> Outcome:
    km = whole(event.key.removeprefix("km:"))
    if km is None or km not in views.RADII_KM:
        return Outcome(reask=True)
    if (r := _load(conv)) is None:
        return _restart()
    _keep(conv, replace(r, radius_km=km))
    return Outcome(step=Step.ID_PHOTO, reask=True)


def on_photo(ctx: Ctx, conv: Conversation, event: PhotoReceived) -> Outcome:
    if _load(conv) is None:
        return _restart()  # before keeping a photo the sign-up would not use
    return Outcome(commands=[c.StoreDocument(event.channel, event.ref, "workers")])


def _stored(conv: Conversation, kind: str, path: str) -> SignupData | None:
    """The data with the document photo of ``kind`` kept (None: start again)."""
    r = _load(conv)
    if r is not None:
        r = r.with_document(kind, path)
        _keep(conv, r)
    return r


def on_id_card(ctx: Ctx, conv: Conversation, result: DocumentStored) -> Outcome:
    if _stored(conv, "id_card", result.path) is None:
        return _restart()
    return Outcome(step=Step.HEALTH_PHOTO, reask=True)


def on_health_certificate(ctx: Ctx, conv: Conversation, result: DocumentStored) -> Outcome:
    if _stored(conv, "health", result.path) is None:
        return _restart()
    return Outcome(step=Step.HEALTH_EXPIRY, reask=True)


def on_certificate(ctx: Ctx, conv: Conversation, result: DocumentStored) -> Outcome:
    if (r := _load(conv)) is None:
        return _restart()
    kind, *rest = r.cert_queue
    _keep(conv, replace(r.with_document(kind, result.path), cert_queue=tuple(rest)))
    return _next_cert(conv)


def _next_cert(conv: Conversation) -> Outcome:
    r = SignupData.from_json(conv.data.get(NAME))
    if r is not None and r.cert_queue:
        return Outcome(step=Step.CERTS, reask=True)
    return Outcome(step=Step.CONFIRM, reask=True)


def on_expiry(ctx: Ctx, conv: Conversation, event: TextReceived) -> Outcome:
    today = ctx.now.astimezone(ctx.tz).date()
    text = event.text.strip()
    day = day_to_come(text, today)
    if day is None or day <= today:
        return Outcome([Say(expiry_refused(conv, text, today))], reask=True)
    if (r := _load(conv)) is None:
        return _restart()
    queue = needed_certificates(ctx.catalog, r.skills)
    _keep(conv, replace(r, health_expiry=day, cert_queue=queue))
    return _next_cert(conv)


def on_cert_skip(ctx: Ctx, conv: Conversation, event: ChoiceMade) -> Outcome:
    if event.key != "skip":
        return Outcome(reask=True)
    if (r := _load(conv)) is None:
        return _restart()
    _keep(conv, replace(r, cert_queue=r.cert_queue[1:]))
    return _next_cert(conv)


def on_confirm(ctx: Ctx, conv: Conversation, event: ChoiceMade) -> Outcome:
    if event.key == "restart":
        _keep(conv, SignupData())
        return Outcome(step=Step.NAME, reask=True)
    if event.key != "submit":
        return Outcome(reask=True)
    if (r := _load(conv)) is None:
        return _restart()
    expiry = r.health_expiry.isoformat() if r.health_expiry else ""
    documents = tuple(
        (kind, path, expiry if kind == "health" else "") for kind, path in r.documents
    )
    return Outcome(
        commands=[
            c.RegisterWorker(
                event.channel,
                event.user_id,
                r.name,
                r.phone,
                conv.lang,
                r.skills,
                r.center,
                r.radius_km * 1000,
                r.districts,
                documents,
            )
        ]
    )


def on_lapsed(ctx: Ctx, conv: Conversation, result: DocumentsLapsed) -> Outcome:
    """Not registered: the photos that waited too long are asked for again (the rest of
    what was typed is kept), a certificate's among the certificates to send."""
    if (r := _load(conv)) is None:
        return _restart()
    gone = set(result.kinds)
    kept = tuple(d for d in r.documents if d[0] not in gone)
    queue = tuple(k for k in result.kinds if k not in ("id_card", "health"))
    r = replace(r, documents=kept, cert_queue=queue)
    _keep(conv, r)
    return Outcome([Say(views.photo_lapsed(ctx, conv))], step=resume_at(r), reask=True)


def on_registered(ctx: Ctx, conv: Conversation, result: WorkerRegistered) -> Outcome:
    conv.worker_id = result.worker_id
    conv.data.pop(NAME, None)
    # the worker's menu says the details are in and under review: one message, not two
    return Outcome(goto="worker")


TRANSITIONS: Transitions = {
    (Step.NAME, TextReceived): on_name,
    (Step.PHONE, TextReceived): on_phone,
    (Step.PHONE, ContactShared): on_phone,
    (Step.SKILLS, ChoiceMade): on_skill,
    (Step.SKILLS, TextReceived): on_skills_text,
    (Step.AREA, LocationShared): on_area_location,
    (Step.AREA, TextReceived): on_area_text,
    (Step.RADIUS, ChoiceMade): on_radius,
    (Step.ID_PHOTO, PhotoReceived): on_photo,
    (Step.ID_PHOTO, DocumentStored): on_id_card,
    (Step.HEALTH_PHOTO, PhotoReceived): on_photo,
    (Step.HEALTH_PHOTO, DocumentStored): on_health_certificate,
    (Step.HEALTH_EXPIRY, TextReceived): on_expiry,
    (Step.CERTS, PhotoReceived): on_photo,
    (Step.CERTS, DocumentStored): on_certificate,
    (Step.CERTS, ChoiceMade): on_cert_skip,
    (Step.CONFIRM, ChoiceMade): on_confirm,
    (Step.CONFIRM, WorkerRegistered): on_registered,
    (Step.CONFIRM, DocumentsLapsed): on_lapsed,
}
