"""Joining as a worker: name, phone, skills, service area, ID card, health certificate (with
its expiry), the certificates the chosen skills need; then review by an admin."""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from typing import Any

from conversations.events import (
    ChoiceMade,
    ContactShared,
    Loaded,
    LocationShared,
    PhotoReceived,
    TextReceived,
)
from conversations.flows.base import Ctx, Outcome, Transitions, flow_data, too_long, tr
from conversations.flows.dates import parse_when
from conversations.flows.start import normalise_phone
from conversations.replies import Ask, AskContact, AskLocation, Option, Reply, Say
from conversations.state import Conversation
from domain import commands as c
from domain import limits
from domain.catalog import Catalog
from domain.people import DOCUMENT_TEXT

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
RADII_KM = (3, 5, 10, 20)
CERT_TEXT = {kind: (t.zh, t.en) for kind, t in DOCUMENT_TEXT.items()}
DISTRICT = re.compile(r"[\u4e00-\u9fffA-Za-z]{1,10}(?:区|县|District)")


def _r(conv: Conversation) -> dict[str, Any]:
    return flow_data(conv, "r")


def skills_of(catalog: Catalog) -> dict[str, tuple[str, str]]:
    """Each skill with a label made of the services it covers."""
    out: dict[str, tuple[list[str], list[str]]] = {}
    for item in catalog.items():
        zh, en = out.setdefault(item.skill, ([], []))
        zh.append(item.name.zh)
        en.append(item.name.en)
    return {s: ("、".join(zh[:2]), ", ".join(en[:2])) for s, (zh, en) in out.items()}


def needed_certificates(catalog: Catalog, skills: list[str]) -> list[str]:
    return sorted({i.certificate for i in catalog.items() if i.skill in skills and i.certificate})


def enter(ctx: Ctx, conv: Conversation) -> Outcome:
    conv.data["r"] = {}
    return Outcome(
        [
            Say(
                tr(
                    conv,
                    "欢迎加入到家!注册需要约 3 分钟,请准备好身份证和健康证照片。",
                    "Welcome aboard! Signing up takes about 3 minutes; have photos of "
                    "your ID card and health certificate ready.",
                )
            )
        ],
        reask=True,
    )


def ask(ctx: Ctx, conv: Conversation) -> Outcome:
    r = _r(conv)
    step = Step(conv.step)
    replies: list[Reply]
    if step == Step.NAME:
        replies = [Ask(tr(conv, "请输入您的真实姓名:", "Your full name:"))]
    elif step == Step.PHONE:
        replies = [
            AskContact(tr(conv, "请分享或输入您的手机号:", "Share or type your phone number:"))
        ]
    elif step == Step.SKILLS:
        chosen = r.setdefault("skills", [])
        labels = skills_of(ctx.catalog)
        options = [
            Option(f"skill:{s}", ("✓ " if s in chosen else "") + (en if conv.lang == "en" else zh))
            for s, (zh, en) in sorted(labels.items())
        ]
        options.append(Option("done", tr(conv, "选好了", "Done")))
        replies = [
            Ask(
                tr(
                    conv,
                    "您会哪些服务?可多选。",
                    "Which services can you do? Pick all that apply.",
                ),
                tuple(options),
            )
        ]
    elif step == Step.AREA:
        replies = [
            Ask(
                tr(
                    conv,
                    "您在哪里接单?请发送常驻位置,或输入负责的区,例如「徐汇区 静安区」。",
                    "Where do you work? Share your base location, or type your "
                    "districts, e.g. '徐汇区 静安区'.",
                )
            ),
            AskLocation(tr(conv, "发送常驻位置", "Share your base location")),
        ]
    elif step == Step.RADIUS:
        replies = [
            Ask(
                tr(conv, "接单范围(离常驻位置多远)?", "How far from there will you go?"),
                tuple(Option(f"km:{k}", f"{k} km") for k in RADII_KM),
            )
        ]
    elif step == Step.ID_PHOTO:
        replies = [Ask(tr(conv, "请发送身份证人像面照片:", "Send a photo of your ID card:"))]
    elif step == Step.HEALTH_PHOTO:
        replies = [Ask(tr(conv, "请发送健康证照片:", "Send a photo of your health certificate:"))]
    elif step == Step.HEALTH_EXPIRY:
        replies = [
            Ask(
                tr(
                    conv,
                    "健康证有效期至哪天?例如 2027-06-30",
                    "When does the health certificate expire? e.g. 2027-06-30",
                )
            )
        ]
    elif step == Step.CERTS:
        kind = r["cert_queue"][0]
        zh, en = CERT_TEXT.get(kind, (kind, kind))
        replies = [
            Ask(
                tr(
                    conv,
                    f"请发送{zh}照片(没有可跳过,相关服务将不会派给您):",
                    f"Send a photo of your {en} (or skip: those jobs won't be offered to you):",
                ),
                (Option("skip", tr(conv, "跳过", "Skip")),),
            )
        ]
    else:
        replies = [
            Ask(
                _summary(ctx, conv, r),
                (
                    Option("submit", tr(conv, "提交审核", "Submit")),
                    Option("restart", tr(conv, "重新填写", "Start over")),
                ),
            )
        ]
    return Outcome(replies)


def _summary(ctx: Ctx, conv: Conversation, r: dict[str, Any]) -> str:
    labels = skills_of(ctx.catalog)
    skills = "、".join(labels[s][1 if conv.lang == "en" else 0] for s in r["skills"])
    area = (
        " ".join(r["districts"])
        if r.get("districts")
        else tr(
            conv,
            f"常驻位置周边 {r.get('radius_km')} 公里",
            f"within {r.get('radius_km')} km of your base",
        )
    )
    docs = len(r.get("docs", {}))
    return tr(
        conv,
        f"请确认:\n姓名:{r['name']}\n电话:{r['phone']}\n技能:{skills}\n范围:{area}\n"
        f"证件照片:{docs} 张",
        f"Please check:\nName: {r['name']}\nPhone: {r['phone']}\nSkills: {skills}\n"
        f"Area: {area}\nDocument photos: {docs}",
    )


def on_name(ctx: Ctx, conv: Conversation, event: TextReceived) -> Outcome:
    name = " ".join(event.text.split())
    if over := too_long(conv, limits.WORKER_NAME, name):
        return over
    if len(name) < 2:
        return Outcome(
            [Say(tr(conv, "请输入至少 2 个字的姓名。", "Please send at least 2 characters."))],
            reask=True,
        )
    _r(conv)["name"] = name
    return Outcome(step=Step.PHONE, reask=True)


def on_phone(ctx: Ctx, conv: Conversation, event: TextReceived | ContactShared) -> Outcome:
    raw = event.phone if isinstance(event, ContactShared) else event.text
    if over := too_long(conv, limits.PHONE, raw.strip()):
        return over
    phone = normalise_phone(raw)
    if phone is None:
        return Outcome(
            [Say(tr(conv, "手机号格式不对。", "That is not a phone number."))], reask=True
        )
    _r(conv)["phone"] = phone
    return Outcome(step=Step.SKILLS, reask=True)


def on_skill(ctx: Ctx, conv: Conversation, event: ChoiceMade) -> Outcome:
    chosen: list[str] = _r(conv).setdefault("skills", [])
    if event.key == "done":
        if not chosen:
            return Outcome([Say(tr(conv, "请至少选择一项。", "Pick at least one."))], reask=True)
        return Outcome(step=Step.AREA, reask=True)
    skill = event.key.removeprefix("skill:")
    if skill in skills_of(ctx.catalog):
        chosen.remove(skill) if skill in chosen else chosen.append(skill)
    return Outcome(reask=True)


def on_area_location(ctx: Ctx, conv: Conversation, event: LocationShared) -> Outcome:
    _r(conv).update(center=[event.lat, event.lon], districts=[])
    return Outcome(step=Step.RADIUS, reask=True)


def on_area_text(ctx: Ctx, conv: Conversation, event: TextReceived) -> Outcome:
    if over := too_long(conv, limits.SERVICE_AREA, event.text.strip()):
        return over
    districts = sorted(set(DISTRICT.findall(event.text)))
    if not districts:
        return Outcome(
            [
                Say(
                    tr(
                        conv,
                        "没找到区名,请写成「徐汇区 静安区」,或发送位置。",
                        "I found no district; write e.g. '徐汇区 静安区' or share a location.",
                    )
                )
            ],
            reask=True,
        )
    _r(conv).update(districts=districts, center=None, radius_km=0)
    return Outcome(step=Step.ID_PHOTO, reask=True)


def on_radius(ctx: Ctx, conv: Conversation, event: ChoiceMade) -> Outcome:
    km = event.key.removeprefix("km:")
    if not km.isdigit() or int(km) not in RADII_KM:
        return Outcome(reask=True)
    _r(conv)["radius_km"] = int(km)
    return Outcome(step=Step.ID_PHOTO, reask=True)


def on_photo(ctx: Ctx, conv: Conversation, event: PhotoReceived) -> Outcome:
    return Outcome(commands=[c.StoreDocument(event.channel, event.ref, "workers")])


def on_document(ctx: Ctx, conv: Conversation, result: Loaded) -> Outcome:
    r = _r(conv)
    docs: dict[str, str] = r.setdefault("docs", {})
    step = Step(conv.step)
    if step == Step.ID_PHOTO:
        docs["id_card"] = result.data["path"]
        return Outcome(step=Step.HEALTH_PHOTO, reask=True)
    if step == Step.HEALTH_PHOTO:
        docs["health"] = result.data["path"]
        return Outcome(step=Step.HEALTH_EXPIRY, reask=True)
    docs[r["cert_queue"].pop(0)] = result.data["path"]
    return _next_cert(ctx, conv)


def _next_cert(ctx: Ctx, conv: Conversation) -> Outcome:
    r = _r(conv)
    if r.get("cert_queue"):
        return Outcome(step=Step.CERTS, reask=True)
    return Outcome(step=Step.CONFIRM, reask=True)


def on_expiry(ctx: Ctx, conv: Conversation, event: TextReceived) -> Outcome:
    today = ctx.now.astimezone(ctx.tz).date()
    text = event.text.strip()
    try:
        day: date | None = date.fromisoformat(text)
    except ValueError:
        day = parse_when(text, today)[0]
    if day is None or day <= today:
        return Outcome(
            [
                Say(
                    tr(
                        conv,
                        "请输入一个未来的日期,例如 2027-06-30。",
                        "Send a future date, e.g. 2027-06-30.",
                    )
                )
            ],
            reask=True,
        )
    r = _r(conv)
    r["health_expiry"] = day.isoformat()
    r["cert_queue"] = needed_certificates(ctx.catalog, r["skills"])
    return _next_cert(ctx, conv)


def on_cert_skip(ctx: Ctx, conv: Conversation, event: ChoiceMade) -> Outcome:
    if event.key != "skip":
        return Outcome(reask=True)
    _r(conv)["cert_queue"].pop(0)
    return _next_cert(ctx, conv)


def on_confirm(ctx: Ctx, conv: Conversation, event: ChoiceMade) -> Outcome:
    r = _r(conv)
    if event.key == "restart":
        conv.data["r"] = {}
        return Outcome(step=Step.NAME, reask=True)
    if event.key != "submit":
        return Outcome(reask=True)
    docs: dict[str, str] = r.get("docs", {})
    documents = tuple(
        (kind, path, r.get("health_expiry", "") if kind == "health" else "")
        for kind, path in docs.items()
    )
    center = r.get("center")
    return Outcome(
        commands=[
            c.RegisterWorker(
                event.channel,
                event.user_id,
                r["name"],
                r["phone"],
                conv.lang,
                tuple(r["skills"]),
                (center[0], center[1]) if center else None,
                int(r.get("radius_km", 0)) * 1000,
                tuple(r.get("districts", [])),
                documents,
            )
        ]
    )


def on_registered(ctx: Ctx, conv: Conversation, result: Loaded) -> Outcome:
    if result.kind != "worker_registered":
        return Outcome()
    conv.worker_id = int(result.data["worker_id"])
    conv.data.pop("r", None)
    return Outcome(
        [
            Say(
                tr(
                    conv,
                    "资料已提交,审核结果会第一时间通知您。",
                    "Submitted! We'll tell you as soon as it's reviewed.",
                )
            )
        ],
        goto="worker",
    )


TRANSITIONS: Transitions = {
    (Step.NAME, TextReceived): on_name,
    (Step.PHONE, TextReceived): on_phone,
    (Step.PHONE, ContactShared): on_phone,
    (Step.SKILLS, ChoiceMade): on_skill,
    (Step.AREA, LocationShared): on_area_location,
    (Step.AREA, TextReceived): on_area_text,
    (Step.RADIUS, ChoiceMade): on_radius,
    (Step.ID_PHOTO, PhotoReceived): on_photo,
    (Step.ID_PHOTO, Loaded): on_document,
    (Step.HEALTH_PHOTO, PhotoReceived): on_photo,
    (Step.HEALTH_PHOTO, Loaded): on_document,
    (Step.HEALTH_EXPIRY, TextReceived): on_expiry,
    (Step.CERTS, PhotoReceived): on_photo,
    (Step.CERTS, Loaded): on_document,
    (Step.CERTS, ChoiceMade): on_cert_skip,
    (Step.CONFIRM, ChoiceMade): on_confirm,
    (Step.CONFIRM, Loaded): on_registered,
}
