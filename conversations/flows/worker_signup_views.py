"""How the worker sign-up's questions look, in both languages: one function per step, each
given what the sign-up has been told so far."""

from __future__ import annotations

from conversations.flows.base import Ctx, tr
from conversations.flows.worker_signup_data import SignupData
from conversations.replies import Ask, AskContact, AskLocation, Option, Reply
from conversations.state import Conversation
from domain.catalog import Catalog
from domain.people import DOCUMENT_TEXT

RADII_KM = (3, 5, 10, 20)
CERT_TEXT = {kind: (t.zh, t.en) for kind, t in DOCUMENT_TEXT.items()}


def skills_of(catalog: Catalog) -> dict[str, tuple[str, str]]:
    """Each skill with a label made of the services it covers."""
    out: dict[str, tuple[list[str], list[str]]] = {}
    for item in catalog.items():
        zh, en = out.setdefault(item.skill, ([], []))
        zh.append(item.name.zh)
        en.append(item.name.en)
    return {s: ("、".join(zh[:2]), ", ".join(en[:2])) for s, (zh, en) in out.items()}


def name_question(ctx: Ctx, conv: Conversation, r: SignupData) -> list[Reply]:
    return [Ask(tr(conv, "请输入您的真实姓名:", "Your full name:"))]


def phone_question(ctx: Ctx, conv: Conversation, r: SignupData) -> list[Reply]:
    return [AskContact(tr(conv, "请分享或输入您的手机号:", "Share or type your phone number:"))]


def skills_question(ctx: Ctx, conv: Conversation, r: SignupData) -> list[Reply]:
    options = [
        Option(f"skill:{s}", ("✓ " if s in r.skills else "") + tr(conv, zh, en))
        for s, (zh, en) in sorted(skills_of(ctx.catalog).items())
    ]
    options.append(Option("done", tr(conv, "选好了", "Done")))
    return [
        Ask(
            tr(conv, "您会哪些服务?可多选。", "Which services can you do? Pick all that apply."),
            tuple(options),
        )
    ]


def area_question(ctx: Ctx, conv: Conversation, r: SignupData) -> list[Reply]:
    return [
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


def radius_question(ctx: Ctx, conv: Conversation, r: SignupData) -> list[Reply]:
    return [
        Ask(
            tr(conv, "接单范围(离常驻位置多远)?", "How far from there will you go?"),
            tuple(Option(f"km:{k}", f"{k} km") for k in RADII_KM),
        )
    ]


def id_photo_question(ctx: Ctx, conv: Conversation, r: SignupData) -> list[Reply]:
    return [Ask(tr(conv, "请发送身份证人像面照片:", "Send a photo of your ID card:"))]


def health_photo_question(ctx: Ctx, conv: Conversation, r: SignupData) -> list[Reply]:
    return [Ask(tr(conv, "请发送健康证照片:", "Send a photo of your health certificate:"))]


def health_expiry_question(ctx: Ctx, conv: Conversation, r: SignupData) -> list[Reply]:
    return [
        Ask(
            tr(
                conv,
                "健康证有效期至哪天?例如 2027-06-30",
                "When does the health certificate expire? e.g. 2027-06-30",
            )
        )
    ]


def certificate_question(ctx: Ctx, conv: Conversation, r: SignupData) -> list[Reply]:
    kind = r.cert_queue[0]
    zh, en = CERT_TEXT.get(kind, (kind, kind))
    return [
        Ask(
            tr(
                conv,
                f"请发送{zh}照片(没有可跳过,相关服务将不会派给您):",
                f"Send a photo of your {en} (or skip: those jobs won't be offered to you):",
            ),
            (Option("skip", tr(conv, "跳过", "Skip")),),
        )
    ]


def confirm_question(ctx: Ctx, conv: Conversation, r: SignupData) -> list[Reply]:
    return [
        Ask(
            summary(ctx, conv, r),
            (
                Option("submit", tr(conv, "提交审核", "Submit")),
                Option("restart", tr(conv, "重新填写", "Start over")),
            ),
        )
    ]


def summary(ctx: Ctx, conv: Conversation, r: SignupData) -> str:
    """What the sign-up will submit, to check."""
    labels = skills_of(ctx.catalog)
    skills = "、".join(labels[s][1 if conv.lang == "en" else 0] for s in r.skills)
    area = (
        " ".join(r.districts)
        if r.districts
        else tr(
            conv,
            f"常驻位置周边 {r.radius_km} 公里",
            f"within {r.radius_km} km of your base",
        )
    )
    docs = len(r.documents)
    return tr(
        conv,
        f"请确认:\n姓名:{r.name}\n电话:{r.phone}\n技能:{skills}\n范围:{area}\n证件照片:{docs} 张",
        f"Please check:\nName: {r.name}\nPhone: {r.phone}\nSkills: {skills}\n"
        f"Area: {area}\nDocument photos: {docs}",
    )
