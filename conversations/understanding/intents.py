"""What a customer asks about an order they have — where it is and when the worker comes, to
cancel it, to move it, to complain or have money back — or a person to talk to, read from
one message in either language ("where is my cleaner?", "师傅什么时候到", "不要了,取消订单",
"cancel order 200964"). Pure: a table of patterns per intent, no catalog, no I/O.

A move that names where to ("改到后天上午10点", "推迟到周五下午3点", "can you move my
cleaning to Friday 10am?", "reschedule to tomorrow 3pm") is one too — a verb of moving, then
the new day or time — and keeps them (``Asked.day``, ``Asked.at``), read with ``when``, so
that the move is quoted at once; a time written before the verb ("明天下午3点的保洁能改期吗")
is the order's own, not its new one.

A question about an order is no new request: it is read before the booking reads a request
("when will the cleaner come?" names a service, and books none; "I need a cleaner tomorrow"
asks nothing of this table). Patterns are searched in the message, so "please", "my",
"the", "hi" and punctuation around them change nothing; an order's number typed with them
("#200964", "200964") is kept. Typed alone, an order's number asks nothing: it is that
order's detail (``typed_number``, as the menu and My orders' list read it).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, time
from enum import StrEnum

from conversations.understanding.numbers import normalise
from conversations.understanding.when import When, when_in


class Intent(StrEnum):
    PERSON = "person"
    RESCHEDULE = "reschedule"
    CANCEL = "cancel"
    COMPLAIN = "complain"
    REFUND = "refund"
    STATUS = "status"


@dataclass(frozen=True, slots=True)
class Asked:
    """What a message asks about an order, and the order's number when it names one."""

    intent: Intent
    number: int | None = None
    day: date | None = None
    at: time | None = None
    """The new day and time a move names ("改到后天上午10点"; a part of the day as its
    default hour, as the booking reads it): either may be None (the order's own is meant:
    "推迟到周五", "change it to 4pm"); both None when the move names none ("改时间")."""


_WHO = (
    r"(?:worker|cleaner|cleaning lady|nanny|ayi|auntie|aunty|helper|maid|housekeeper|"
    r"technician|handyman|plumber|electrician|carer|caregiver|babysitter|staff|master|"
    r"order|booking|appointment|service)s?"
)
"""Who or what an English question is about: the worker, or the order itself."""
_MINE = rf"(?:(?:my|the|our|your|this) (?:\w+ )?{_WHO}|they|he|she)"
"""Someone already booked: "my cleaner", "the worker", "they" — not "a cleaner"."""
_ANYONE = r"(?:anyone|anybody|someone|somebody|any (?:worker|cleaner|one)|a worker)"
_COME = r"(?:come|coming|arrive|arriving|get here|be here|turn up|show up|here|start)"
_W_ZH = r"(?:师傅|阿姨|保洁员|保洁阿姨|保姆|月嫂|育儿嫂|工人|家政员|服务人员|人)"
"""Who a Chinese question is about: the worker."""

EN: dict[Intent, tuple[str, ...]] = {
    Intent.PERSON: (
        r"\bhumans?\b",
        r"\breal (?:person|people|human)\b",
        r"(?<!cleaning )\bagents?\b",
        r"\boperator\b",
        r"\brepresentative\b",
        r"\b(?:talk|speak|chat) (?:to|with) (?:a |an |some |your )?"
        r"(?:one|person|someone|somebody|human|agent|staff|operator|people|support)\b",
        r"\bcustomer (?:service|support|care)\b",
        r"\bsupport\b",
        r"\bhotline\b",
    ),
    Intent.RESCHEDULE: (
        r"\bre ?schedul",
        r"\bpostpone",
        r"\bchange (?:(?:my|the|our) )?(?:\w+ )?(?:time|date|day|slot|appointment)\b",
        r"\b(?:another|a different|a later|an earlier) (?:time|date|day|slot)\b",
        r"\b(?:move|push back|delay) (?:(?:my|the|our|this) )?"
        r"(?:order|booking|appointment|visit|it)\b",
    ),
    Intent.CANCEL: (
        r"\bcancel(?!.*\b(?:weekly|recurring|subscription|plan)\b)",
        r"\bcall (?:it )?off\b",
        r"\b(?:dont|do not|no longer) (?:want|need) (?:it|this|that|(?:my|the) \w+)? ?any ?more\b",
    ),
    Intent.COMPLAIN: (
        r"\bcomplain",
        r"\b(?:not|un) ?(?:happy|satisfied)\b",
        r"\bdissatisfied\b",
        r"\b(?:bad|terrible|awful|poor|horrible) (?:service|job|work|quality|cleaning|worker)\b",
        r"\b(?:problem|issue) with (?:my |the |our |this )?(?:order|booking|service|"
        r"worker|cleaner|nanny|ayi|cleaning|job)\b",
        r"\b(?:broke|damaged|ruined|scratched) (?:my|our|the)\b",
        r"\breport (?:a |the )?(?:problem|issue|worker|cleaner)\b",
        r"\bafter ?sales\b",
    ),
    Intent.REFUND: (
        r"\brefund",
        r"\bmoney back\b",
        r"\breimburse",
        r"\bcompensat",
    ),
    Intent.STATUS: (
        r"\bstatus\b",
        r"\bwhere(?: is| are|s)? " + _MINE + r"\b",
        r"\bwhere(?: is| are|s)? " + _WHO + r"\b",
        r"\bwhen is (?:my|the|our) (?:order|booking|appointment|visit)\b",
        r"\bwhen (?:will|is|are|does|do|would|should|can) " + _MINE + r" (?:\w+ )?" + _COME,
        r"\bwhat time (?:will|is|does|do) " + _MINE + r" (?:\w+ )?" + _COME,
        r"\b(?:is|are) " + _ANYONE + r" (?:coming|on (?:the|their|his|her) way)\b",
        r"\b(?:is|are) " + _MINE + r" (?:coming|on (?:the|their|his|her) way|late|confirmed)\b",
        r"\b(?:has|have|did) " + _ANYONE + r" (?:accept|take|taken|pick(?:ed)? up|got)",
        r"\b" + _ANYONE + r" (?:accepted|taken|picked up)\b",
        r"\bwho is (?:coming|my \w+)\b",
        r"\btrack(?:ing)? (?:(?:my|the) )?(?:order|booking|worker|cleaner)\b",
        r"\b(?:any )?(?:update|news|progress) (?:on|about|for|of) (?:my |the )?(?:order|booking)",
        r"\beta\b",
        r"\bhow (?:far|much longer|long until)\b",
        r"\b(?:not here yet|hasnt (?:arrived|come|shown up|turned up)|still waiting|running late)",
    ),
}
"""English patterns, searched in the message folded to lower case and plain spaces (an
apostrophe dropped: "where's" is "wheres"), each intent's in turn, in this order: a person
asked for wins ("a human, about my refund"), a move wins over a cancellation ("cancel and
reschedule"), and where-is-it comes last ("where is my cleaner? cancel it")."""

ZH: dict[Intent, tuple[str, ...]] = {
    Intent.PERSON: (
        r"(?:转|找|叫)人工",
        r"人工(?:客服|服务|坐席|专员)",
        r"^(?:我要|要)?人工(?:吧|吗)?$",
        r"真人",
        r"客服",
        r"找(?:个)?人(?:说|聊|谈|问)",
    ),
    Intent.RESCHEDULE: (
        r"改期",
        r"改(?:个|一下)?(?:时间|日期|日子)",
        r"改约",
        r"换(?:个|一个|一下)?(?:时间|日期|日子)",
        r"换(?:一|个)天",
        r"推迟",
        r"延期",
        r"延后",
        r"往后推",
    ),
    Intent.CANCEL: (
        r"取消(?!.*(?:定期|每周|续费|订阅)).{0,12}?(?:订单|预约|服务|单|保洁|清洁|上门|阿姨|师傅)",
        r"(?:订单|预约|服务|单子)(?:要|帮我|给我|请)?取消",
        r"退单",
        r"撤单",
        r"(?:不用|不要|别|不必)(?:再)?(?:来|上门)了",
    ),
    Intent.COMPLAIN: (
        r"投诉",
        r"不满意",
        r"(?:太|很|非常|特别)差",
        r"差评",
        r"态度(?:不好|差|恶劣)",
        r"(?:弄|打|摔|碰|刮)(?:坏|花|破)",
        r"没(?:有)?(?:打扫|擦|洗|做|弄)干净",
        r"售后",
        r"(?:订单|服务)(?:有|出了?)问题",
    ),
    Intent.REFUND: (
        r"退款",
        r"退钱",
        r"退费",
        r"钱.{0,3}退",
        r"赔偿",
        r"赔钱",
    ),
    Intent.STATUS: (
        r"(?:订单|单子|预约)(?:到哪|在哪|怎么样|什么情况|啥情况|状态|进度|进展|情况)",
        r"(?:订单|单子|预约)(?:有人|被)接",
        r"有(?:没有)?人接(?:单|了)",
        r"没人接",
        r"接单了(?:吗|没)",
        r"派(?:单|到师傅)了(?:吗|没)",
        r"(?:查|查询|查看)(?:一下)?(?:我的)?订单",
        r"订单查询",
        _W_ZH + r"(?:什么时候|几点|啥时候|多久|多长时间|还要多久)(?:到|来|上门|出发|能到)",
        _W_ZH + r"(?:到哪|在哪|在路上|出发了|到了(?:吗|没)|到没到|来了(?:吗|没)|来没来)",
        _W_ZH + r"(?:怎么|咋)?(?:还)?没(?:有)?(?:到|来|出发|上门)",
        _W_ZH + r"迟到",
        r"到哪(?:儿|里)?了",
    ),
}
"""Chinese patterns, searched in the message with its spaces and punctuation taken out; the
same order as ``EN``."""

MOVE_TO = (
    r"(?:改期|改约|改(?:个|一下)?时间|换(?:个|一个|一下)?时间|推迟|提前|延后|延期|顺延|往后推|"
    r"往后挪|往前挪)(?:一下|下)?\s*(?:到|至|成|在)?",
    r"(?:改|挪|调|调整|换|推|移)(?:一下|下)?\s*(?:到|至|成|在)",
    r"\b(?:re ?schedul\w*|postpon\w*)(?:(?:\s+[\w']+){0,3}?\s+(?:to|till|until|for))?",
    r"\b(?:move[ds]?|moving|push(?:ed|es|ing)?|bring|brought|shift(?:ed|s)?|delay(?:ed|s)?|"
    r"change[ds]?)(?!\s*-?\s*(?:in|out)\b)(?:\s+[\w']+){0,3}?\s+(?:to|till|until)",
)
"""A verb of moving an order and its "to", after which the new day or time is written
("改到", "推迟到", "改期 明天…", "move my cleaning to", "reschedule to"): a move only when
one follows (``_moved_to``) — "改成3小时", "move-in cleaning", "moving to a new flat
tomorrow" name none first, and stay what they were."""
_MOVE_TO = re.compile("|".join(f"(?:{p})" for p in MOVE_TO), re.IGNORECASE)
_BEFORE_WHEN = re.compile(
    r"[\s,，]*(?:(?:to|till|until|for|on|at|the|around|about|到|至|在|大概|大约|约)\s*)*",
    re.IGNORECASE,
)
"""What may stand between the verb and the day or time ("to the afternoon", "约明天")."""
_ANY_DAY = date(2026, 1, 5)
"""The day a move's words are read from when the caller gives none: which day does not
change whether one is named, only which it is (then not kept)."""
ORDER_NUMBER = r"#?\s*(\d{6,8})"
"""An order's number as it is typed ("200964", "#200964"); its digits are the group."""
_NUMBER = re.compile(rf"(?<![\d.:]){ORDER_NUMBER}(?![\d.:])")
"""An order's number in a message; a phone number (eleven digits) or a time is none."""
_NUMBER_ALONE = re.compile(rf"^\s*{ORDER_NUMBER}\s*$")
_PUNCTUATION = re.compile(r"[^\w#]+")
_EN = {intent: re.compile("|".join(f"(?:{p})" for p in ps)) for intent, ps in EN.items()}
_ZH = {intent: re.compile("|".join(f"(?:{p})" for p in ps)) for intent, ps in ZH.items()}


def plain(text: str) -> str:
    """``text`` as the patterns read it: NFKC, lower case, an apostrophe dropped ("where's" →
    "wheres", "don't" → "dont"), any other punctuation a space."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = folded.replace("'", "").replace("\u2019", "")
    return " ".join(_PUNCTUATION.sub(" ", folded).replace("_", " ").split())


def typed_number(text: str) -> int | None:
    """An order's number typed alone ("470734", "#470734"), or None."""
    m = _NUMBER_ALONE.match(text)
    return int(m.group(1)) if m else None


def read_asked(text: str, today: date | None = None, *, moves: bool = True) -> Asked | None:
    """What ``text`` asks about an order (or a person to talk to), with the order's number
    when it gives one; None when it asks none of it (a request to book, a greeting). A move
    keeps the new day and time it names, read relative to ``today`` (business-local; without
    it, none are kept). ``moves``: a verb of moving and a time make a move (``MOVE_TO``) —
    False where a time is the customer's own answer (the booking being made: "改到明天下午"
    moves the booking, no order)."""
    found = plain(text)
    m = _NUMBER.search(found)
    number = int(m.group(1)) if m else None
    if m is not None:
        found = f"{found[: m.start()]} {found[m.end() :]}"
    found = found.replace("#", " ")
    compact = found.replace(" ", "")
    latin = found.isascii()
    to = _moved_to(_NUMBER.sub(" ", normalise(text)), today or _ANY_DAY)
    for intent in Intent:
        if _EN[intent].search(found) or (not latin and _ZH[intent].search(compact)):
            break
        if intent == Intent.RESCHEDULE and moves and to is not None:
            break
    else:
        return None
    if intent != Intent.RESCHEDULE or to is None or today is None:
        return Asked(intent, number)
    return Asked(intent, number, to.day, to.at)


def _moved_to(s: str, today: date) -> When | None:
    """The new day or time a move in ``s`` (normalised, its order's number out) names right
    after its verb ("改到|后天上午10点", "move my cleaning to |Friday 10am"); None when none
    does."""
    for m in _MOVE_TO.finditer(s):
        when = when_first(s[m.end() :], today)
        if when is not None:
            return when
    return None


def when_first(s: str, today: date) -> When | None:
    """The day or time ``s`` (normalised) begins with, "to" or "on" before it allowed — what
    follows a verb of moving, or a command to move an order ("/reschedule #N tomorrow 3pm",
    "改期 #N 明天下午5点"); None when it begins with none. "尽快" (asap) and a date that does
    not exist are found too, as no day and no time: the move is asked its time."""
    when = when_in(s, today)
    if not when.found:
        return None
    first = min(a for a, _ in when.spans)
    return when if _BEFORE_WHEN.fullmatch(s[:first]) else None
