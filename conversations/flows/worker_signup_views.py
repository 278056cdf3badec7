"""How the worker sign-up's questions look, in both languages: one function per step, each
given what the sign-up has been told so far."""

from __future__ import annotations

import re
from datetime import date

from conversations.flows.base import Ctx, moment, tr
from conversations.flows.dates import Toward, day_to_come, names_impossible_date
from conversations.flows.worker_signup_data import SignupData
from conversations.replies import Ask, AskContact, AskLocation, Option, Reply
from conversations.state import Conversation
from conversations.understanding.skills import SkillsRead
from domain.catalog import Catalog
from domain.gazetteer import district_text, districts_text
from domain.gazetteer_data import PINYIN
from domain.moments import format_when
from domain.people import DOCUMENT_TEXT
from domain.text import Bilingual, Lang, listed, named

RADII_KM = (3, 5, 10, 20)


def skills_of(catalog: Catalog) -> dict[str, Bilingual]:
    """Each skill with a label made of the services it covers."""
    return catalog.skill_names()


def name_question(ctx: Ctx, conv: Conversation, r: SignupData) -> list[Reply]:
    return [Ask(tr(conv, "请输入您的真实姓名:"))]


def phone_question(ctx: Ctx, conv: Conversation, r: SignupData) -> list[Reply]:
    return [AskContact(tr(conv, "请分享或输入您的手机号:"), tr(conv, "📱 分享手机号"))]


def skill_buttons(ctx: Ctx) -> list[tuple[str, Bilingual]]:
    """The skills question's buttons, in their order (a number typed is one of them)."""
    return sorted(skills_of(ctx.catalog).items())


def skills_question(ctx: Ctx, conv: Conversation, r: SignupData) -> list[Reply]:
    options = [
        Option(f"skill:{s}", ("✓ " if s in r.skills else "") + label.get(conv.lang))
        for s, label in skill_buttons(ctx)
    ]
    options.append(Option("done", tr(conv, "选好了")))
    return [
        Ask(
            tr(
                conv,
                "您会哪些服务?可多选,也可以直接输入,例如「{example}」。",
                example=skills_example(ctx, conv),
            ),
            tuple(options),
        )
    ]


def skills_example(ctx: Ctx, conv: Conversation) -> str:
    """Two services as a worker may type them, from the catalog (its first two categories'
    first items, without their bracketed details): 「日常保洁、空调清洗」."""
    names = [c.items[0].name.get(conv.lang) for c in ctx.catalog.categories[:2]]
    return listed((_BRACKETED.sub("", n).strip() for n in names), conv.lang)


_BRACKETED = re.compile(r"\s*[((][^))]*[))]")


def skills_read(ctx: Ctx, conv: Conversation, read: SkillsRead) -> str:
    """What skills typed were read as (ticked), and the words that named no service."""
    labels = skills_of(ctx.catalog)
    lines = []
    if read.skills:
        skills = listed((labels[s].get(conv.lang) for s in read.skills), conv.lang)
        lines.append(tr(conv, "已选上:{skills}。", skills=skills))
    unknown = listed(read.unknown, conv.lang)
    if read.unknown and read.skills:
        lines.append(tr(conv, "「{words}」不是我们的服务项目,没有选上。", words=unknown))
    elif read.unknown:
        lines.append(
            tr(
                conv,
                "「{words}」不是我们的服务项目。请点选下面的服务,或输入服务名称,例如「{example}」。",
                words=unknown,
                example=skills_example(ctx, conv),
            )
        )
    if read.skills:
        lines.append(tr(conv, "还会别的可以接着选或输入;都选好了请点「选好了」。"))
    return "\n".join(lines) or tr(
        conv,
        "没看懂您会哪些服务。请点选下面的服务,或输入服务名称,例如「{example}」。",
        example=skills_example(ctx, conv),
    )


def area_question(ctx: Ctx, conv: Conversation, r: SignupData) -> list[Reply]:
    return [
        Ask(
            tr(
                conv,
                "您在哪里接单?请发送常驻位置,或输入负责的区,例如「{example}」。",
                example=district_example(conv),
            )
        ),
        AskLocation(tr(conv, "发送常驻位置")),
    ]


EXAMPLE_DISTRICTS = ("徐汇区", "静安区")
"""The districts the area questions give as an example."""


def district_example(conv: Conversation, short: bool = False) -> str:
    """Districts written as a worker may type them, in the reader's language: ``徐汇区 静安区``
    (``short``: ``徐汇 静安``), ``Xuhui District, Jing'an District`` (``Xuhui, Jing'an``) — what
    the gazetteer reads (``domain.gazetteer.district_named``)."""
    if conv.lang == Lang.EN:
        names = [PINYIN[d] if short else district_text(d).en for d in EXAMPLE_DISTRICTS]
        return ", ".join(names)
    return " ".join(d.removesuffix("区") if short else d for d in EXAMPLE_DISTRICTS)


def radius_question(ctx: Ctx, conv: Conversation, r: SignupData) -> list[Reply]:
    return [
        Ask(
            tr(conv, "接单范围(离常驻位置多远)?"),
            tuple(Option(f"km:{k}", f"{k} km") for k in RADII_KM),
        )
    ]


def id_photo_question(ctx: Ctx, conv: Conversation, r: SignupData) -> list[Reply]:
    return [Ask(tr(conv, "请发送身份证人像面照片:"))]


def health_photo_question(ctx: Ctx, conv: Conversation, r: SignupData) -> list[Reply]:
    return [Ask(tr(conv, "请发送健康证照片:"))]


def health_expiry_question(ctx: Ctx, conv: Conversation, r: SignupData) -> list[Reply]:
    return [Ask(tr(conv, "健康证有效期至哪天?例如 2027-06-30"))]


def certificate_question(ctx: Ctx, conv: Conversation, r: SignupData) -> list[Reply]:
    kind = r.cert_queue[0]
    document = named(DOCUMENT_TEXT, kind, conv.lang)
    return [
        Ask(
            tr(conv, "请发送{document}照片(没有可跳过,相关服务将不会派给您):", document=document),
            (Option("skip", tr(conv, "跳过")),),
        )
    ]


def confirm_question(ctx: Ctx, conv: Conversation, r: SignupData) -> list[Reply]:
    return [
        Ask(
            summary(ctx, conv, r),
            (
                Option("submit", tr(conv, "提交审核")),
                Option("restart", tr(conv, "重新填写")),
            ),
        )
    ]


def expiry_refused(conv: Conversation, text: str, today: date) -> str:
    """Why a certificate's expiry date typed is none: a date that does not exist (2月30日),
    one already past or today (the document has run out: a new one is needed), or not a
    date we could read ("下个月中", "someday": said so, not that it must be ahead). Read as
    ``dates.day_to_come`` reads it."""
    if names_impossible_date(text, today, toward=Toward.FUTURE):
        return tr(conv, "日期不存在,请输入一个未来的日期,例如 2027-06-30。")
    day = day_to_come(text, today)
    if day is not None and day <= today:
        return tr(
            conv,
            "有效期 {day} 已到期,过期的证件不能提交:请办好新证后输入新证上的有效期,"
            "例如 2027-06-30。",
            day=format_when(day, conv.lang, today),
        )
    return tr(conv, "没看懂这个日期,请输入证件上的有效期,例如 2027-06-30。")


def photo_lapsed(ctx: Ctx, conv: Conversation) -> str:
    """Why a document photo sent before is asked for again (``DocumentsLapsed``): it waited
    unsent longer than the unsent uploads' sweep keeps it."""
    hours = ctx.rules.execution.unsent_photo_hours
    return tr(conv, "证件照片超过 {hours} 小时未提交,已失效,请重新发送。", hours=hours)


def summary(ctx: Ctx, conv: Conversation, r: SignupData) -> str:
    """What the sign-up will submit, to check."""
    labels = skills_of(ctx.catalog)
    skills = listed((labels[s].get(conv.lang) for s in r.skills), conv.lang)
    area = (
        districts_text(r.districts, conv.lang)
        if r.districts
        else tr(conv, "常驻位置周边 {radius_km} 公里", radius_km=r.radius_km)
    )
    docs = len(r.documents)
    text = tr(
        conv,
        "请确认:\n姓名:{name}\n电话:{phone}\n技能:{skills}\n范围:{area}\n证件照片:{docs} 张",
        name=r.name,
        phone=r.phone,
        skills=skills,
        area=area,
        docs=docs,
    )
    if r.health_expiry is None:
        return text
    until = moment(ctx, conv, r.health_expiry)  # as read from what was typed: checkable
    return text + "\n" + tr(conv, "健康证有效期至:{day}", day=until)
