"""The emergency contact (紧急联系人): from 我的 (customers), the worker's menu, or the word
anywhere. Shown with the phone masked; set or changed by typing the name, the phone and the
relation ("王芳 13812345678 母亲"). Told by SMS when the person raises an SOS
(``services.sos``). The number is never kept in the conversation: it goes to the command."""

from __future__ import annotations

import re
from enum import StrEnum

from conversations.events import ChoiceMade, Failed, TextReceived
from conversations.flows.base import Ctx, Outcome, Transitions, aside, tr
from conversations.flows.phones import normalise_phone
from conversations.replies import Ask, Option, Say
from conversations.results.emergency import EmergencyContactSaved, EmergencyContactShown
from conversations.state import Conversation
from domain.commands import SetEmergencyContact
from domain.emergency import Holder
from domain.queries import LoadEmergencyContact

NAME = "emergency"
WORDS = frozenset({"紧急联系人", "设置紧急联系人", "emergency contact"})
"""Whole messages (casefolded) that open it wherever the person is."""
KEY = "emergency"
"""The choice (in 我的 and the worker's menu) that opens it."""


class Step(StrEnum):
    SHOWN = "shown"
    SAVING = "saving"


FIRST = Step.SHOWN
_PHONE = re.compile(r"[+＋]?\d[\d\s\-－]{5,18}\d")  # full-width too: normalise_phone reads it
_SPLIT = re.compile(r"[\s,,、;;/:：]+")


def read_contact(text: str) -> tuple[str, str, str] | None:
    """(name, phone, relation) from "王芳 13812345678 母亲": the name before the number, the
    relation after it (or both after it: "13812345678 王芳 母亲"); spaces optional around the
    number. None without a phone or a name."""
    m = _PHONE.search(text)
    phone = normalise_phone(m.group()) if m else None
    if m is None or phone is None:
        return None
    before = [w for w in _SPLIT.split(text[: m.start()]) if w]
    after = [w for w in _SPLIT.split(text[m.end() :]) if w]
    if not before:  # "13812345678 王芳 母亲": the name first after the number
        before, after = after[:1], after[1:]
    if not before:
        return None
    return " ".join(before), phone, " ".join(after)


def holder(conv: Conversation) -> tuple[Holder, int] | None:
    """Whose contact: the worker's in the worker's role, else the customer's."""
    if conv.role == "worker" and conv.worker_id is not None:
        return Holder.WORKER, conv.worker_id
    if conv.customer_id is not None:
        return Holder.CUSTOMER, conv.customer_id
    return None


def _relation(conv: Conversation, relation: str) -> str:
    return aside(conv, relation)


def _home(conv: Conversation) -> str:
    return "worker" if conv.role == "worker" and conv.worker_id is not None else "me"


def enter(ctx: Ctx, conv: Conversation) -> Outcome:
    who = holder(conv)
    if who is None:
        return Outcome(goto="start")
    return Outcome(commands=[LoadEmergencyContact(who[0].value, who[1])])


def ask(ctx: Ctx, conv: Conversation) -> Outcome:
    return enter(ctx, conv)


def on_shown(ctx: Ctx, conv: Conversation, r: EmergencyContactShown) -> Outcome:
    if r.name:
        head = tr(
            conv,
            "紧急联系人:{name}{relation} {phone}。您发起紧急求助时,我们会短信通知 TA。",
            name=r.name,
            relation=_relation(conv, r.relation),
            phone=r.masked_phone,
        )
        how = tr(conv, "要更换,请回复新的姓名、手机号和关系,例如:王芳 13812345678 母亲")
    else:
        head = tr(conv, "您还没有设置紧急联系人。设置后,您发起紧急求助时我们会短信通知 TA。")
        how = tr(conv, "请回复紧急联系人的姓名、手机号和关系,例如:王芳 13812345678 母亲")
    back = Option("back", tr(conv, "返回"))
    return Outcome([Ask(f"{head}\n{how}", (back,))], step=Step.SHOWN)


def on_text(ctx: Ctx, conv: Conversation, event: TextReceived) -> Outcome:
    who = holder(conv)
    found = read_contact(event.text)
    if who is None or found is None:
        said = tr(conv, "没看懂。请回复姓名、手机号和关系,例如:王芳 13812345678 母亲")
        return Outcome([Say(said)])
    name, phone, relation = found
    save = SetEmergencyContact(who[0].value, who[1], name, phone, relation, ctx.account)
    return Outcome(commands=[save], step=Step.SAVING)


def on_saved(ctx: Ctx, conv: Conversation, r: EmergencyContactSaved) -> Outcome:
    said = tr(
        conv,
        "已保存紧急联系人:{name}{relation} {phone}。",
        name=r.name,
        relation=_relation(conv, r.relation),
        phone=r.masked_phone,
    )
    return Outcome([Say(said)], goto=_home(conv))


def on_refused(ctx: Ctx, conv: Conversation, r: Failed) -> Outcome:
    return Outcome([Say(r.message.get(conv.lang))], step=Step.SHOWN)


def on_choice(ctx: Ctx, conv: Conversation, event: ChoiceMade) -> Outcome:
    if event.key == "back":
        return Outcome(goto=_home(conv))
    return Outcome(reask=True)


TRANSITIONS: Transitions = {
    (Step.SHOWN, EmergencyContactShown): on_shown,
    (Step.SHOWN, TextReceived): on_text,
    (Step.SHOWN, ChoiceMade): on_choice,
    (Step.SAVING, EmergencyContactSaved): on_saved,
    (Step.SAVING, Failed): on_refused,
}
