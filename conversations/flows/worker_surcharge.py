"""The worker asks for an on-site extra (``加价 #N``): what (more units of the booked item,
one of its options, high-altitude work, or an amount with a reason), photos that show why,
then the request goes to the customer (``domain.surcharge``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from conversations.events import ChoiceMade, Failed, PhotoReceived, TextReceived
from conversations.flows.base import Ctx, Outcome, Transitions, clock_or_moment, tr
from conversations.flows.flow_state import keep, keeping, load
from conversations.replies import Ask, Option, Reply, Say
from conversations.results.surcharges import SurchargeRequested
from conversations.results.workers import DocumentStored, JobOpen
from conversations.state import Conversation
from domain import commands as c
from domain import queries as q
from domain.catalog import UNIT_TEXT, Item
from domain.digits import whole
from domain.money import format_yuan
from domain.surcharge import Extra, ExtraKind, SurchargePhoto, read_amount

NAME = "surcharge"


class Step(StrEnum):
    CHECKING = "checking"
    """The job is being checked (``CheckJob``: the worker's, during the job) before anything
    is asked."""
    WHAT = "what"
    QUANTITY = "quantity"
    AMOUNT = "amount"
    PHOTOS = "photos"


FIRST = Step.WHAT
MOST = 99
"""The most units (or per-unit options) one line adds."""


@dataclass(frozen=True, slots=True)
class Line:
    """One extra as the worker chose it (``ExtraKind`` by value)."""

    kind: str
    ref: str = ""
    quantity: int = 1
    amount_cents: int = 0
    reason: str = ""


@dataclass(slots=True)
class SurchargeData:
    """The job (``number``, its catalog item) and the extras chosen so far; ``pending``: the
    choice waiting for its quantity; ``photos``: the ones sent for this request, kept in the
    media store — they join the order only with the request (a cancelled one leaves none)."""

    number: int | None = None
    item_id: str = ""
    lines: tuple[Line, ...] = field(default_factory=tuple)
    pending: str = ""
    photos: tuple[SurchargePhoto, ...] = field(default_factory=tuple)


_keeping = keeping(NAME, SurchargeData, FIRST)


def seed(conv: Conversation, data: SurchargeData) -> None:
    """The job the flow asks about when entered next (``goto="surcharge"``)."""
    keep(conv, NAME, data)


def unsent(conv: Conversation) -> tuple[str, ...]:
    """The photos of the request being written (kept in the media store, not yet sent)."""
    if not conv.data.get(NAME):  # most turns: no request being written
        return ()
    d = load(conv, NAME, SurchargeData)
    return tuple(p.path for p in d.photos) if d else ()


def discard(photos: tuple[str, ...]) -> list[c.Command]:
    """Delete the photos of a request that will never be sent: the worker cancelled it, or
    left it for something else (``global_words.route``: its data cleared or replaced)."""
    return [c.DiscardSurchargePhotos(photos)] if photos else []


def _cancel(conv: Conversation, d: SurchargeData) -> Outcome:
    """The worker gave up the request: its photos are deleted."""
    out = _back(conv, tr(conv, "已取消加价申请。"))
    out.commands = discard(tuple(p.path for p in d.photos))
    return out


def _me(conv: Conversation) -> int:
    assert conv.worker_id is not None
    return conv.worker_id


def _back(conv: Conversation, text: str) -> Outcome:
    return Outcome([Say(text)], goto="worker")


def enter(ctx: Ctx, conv: Conversation) -> Outcome:
    given = load(conv, NAME, SurchargeData) or SurchargeData()
    keep(conv, NAME, SurchargeData(given.number))
    if conv.worker_id is None:
        return Outcome(goto="worker_register")
    if given.number is None:
        return _back(conv, tr(conv, "请带上订单号,例如「加价 #240117」。"))
    return _check(conv, given.number)


def _check(conv: Conversation, number: int) -> Outcome:
    """The job is checked before anything is asked: the worker's, and under way."""
    return Outcome(commands=[q.CheckJob(_me(conv), number, "surcharge")], step=Step.CHECKING)


def ask(ctx: Ctx, conv: Conversation) -> Outcome:
    d = load(conv, NAME, SurchargeData)
    if d is None or d.number is None:
        return Outcome(goto="worker")
    if not d.item_id:  # the job is not checked yet (or was asked again meanwhile)
        return _check(conv, d.number)
    item = ctx.catalog.item(d.item_id)
    if conv.step == Step.QUANTITY:
        options = tuple(Option(f"q:{n}", str(n)) for n in (1, 2, 3))
        return Outcome([Ask(tr(conv, "加多少?请选择或输入数量。"), options)])
    if conv.step == Step.AMOUNT:
        text = tr(conv, "请输入金额和原因,例如「80 厨房重油污」。")
        return Outcome([Ask(text, (Option("cancel", tr(conv, "不加了")),))])
    if conv.step == Step.PHOTOS:
        return Outcome(_photos_question(ctx, conv, d))
    return Outcome(_what_question(ctx, conv, d.number, item))


def _what_question(ctx: Ctx, conv: Conversation, number: int, item: Item) -> list[Reply]:
    unit = UNIT_TEXT[item.unit].get(conv.lang)
    price = format_yuan(item.unit_price_cents)
    options = [Option("units", tr(conv, "加{unit}({price}/{unit})", unit=unit, price=price))]
    options += [
        Option(f"opt:{o.id}", f"{o.name.get(conv.lang)} {format_yuan(o.price_cents)}")
        for o in item.options
    ]
    if item.high_altitude:
        altitude = format_yuan(ctx.rules.pricing.high_altitude_cents)
        options.append(Option("altitude", tr(conv, "高空作业 {price}", price=altitude)))
    options += [
        Option("amount", tr(conv, "其他:填写金额和原因")),
        Option("cancel", tr(conv, "不加了")),
    ]
    text = tr(conv, "订单 #{number} 现场加价:要加什么?(客户同意并支付后才收费)", number=number)
    return [Ask(text, tuple(options))]


def _photos_question(ctx: Ctx, conv: Conversation, d: SurchargeData) -> list[Reply]:
    item = ctx.catalog.item(d.item_id)
    chosen = [_describe(ctx, conv, item, line) for line in d.lines]
    text = tr(
        conv,
        "已选:{chosen}\n请拍照说明需要加价的原因(至少一张),发完点「提交申请」。",
        chosen=";".join(chosen),
    )
    options = (
        Option("submit", tr(conv, "提交申请")),
        Option("more", tr(conv, "再加一项")),
        Option("cancel", tr(conv, "不加了")),
    )
    return [Ask(text, options)]


def _describe(ctx: Ctx, conv: Conversation, item: Item, line: Line) -> str:
    if line.kind == ExtraKind.UNITS:
        unit = UNIT_TEXT[item.unit].get(conv.lang)
        return f"{item.name.get(conv.lang)} +{line.quantity} {unit}"
    if line.kind == ExtraKind.OPTION:
        option = next((o for o in item.options if o.id == line.ref), None)
        name = option.name.get(conv.lang) if option else line.ref
        return f"{name} × {line.quantity}"
    if line.kind == ExtraKind.ALTITUDE:
        return tr(conv, "高空作业")
    return f"{line.reason} {format_yuan(line.amount_cents)}"


@_keeping
def on_job_open(ctx: Ctx, conv: Conversation, result: JobOpen, d: SurchargeData) -> Outcome:
    if result.number != d.number or not result.item_id:
        return Outcome(goto="worker")
    d.item_id = result.item_id
    return Outcome(step=Step.WHAT, reask=True)


def on_job_refused(ctx: Ctx, conv: Conversation, result: Failed) -> Outcome:
    """Not the worker's job (one answer for any order not theirs), or not under way: why,
    and back to the jobs."""
    conv.data.pop(NAME, None)  # nothing was asked: no photos to discard
    return _back(conv, result.message.get(conv.lang))


def _add(d: SurchargeData, line: Line) -> Outcome:
    d.lines, d.pending = (*d.lines, line), ""
    return Outcome(step=Step.PHOTOS, reask=True)


@_keeping
def on_what(ctx: Ctx, conv: Conversation, event: ChoiceMade, d: SurchargeData) -> Outcome:
    key = event.key
    if key == "cancel":
        return _cancel(conv, d)
    if key == "amount":
        return Outcome(step=Step.AMOUNT, reask=True)
    if key == "altitude":
        return _add(d, Line(ExtraKind.ALTITUDE.value))
    if key == "units":
        d.pending = key
        return Outcome(step=Step.QUANTITY, reask=True)
    if key.startswith("opt:") and d.item_id:
        option = next((o for o in ctx.catalog.item(d.item_id).options if o.id == key[4:]), None)
        if option is None:
            return Outcome(reask=True)
        if option.per_unit:
            d.pending = key
            return Outcome(step=Step.QUANTITY, reask=True)
        return _add(d, Line(ExtraKind.OPTION.value, option.id))
    return Outcome(reask=True)


def _quantity(d: SurchargeData, n: int) -> Outcome:
    if d.pending == "units":
        return _add(d, Line(ExtraKind.UNITS.value, quantity=n))
    if d.pending.startswith("opt:"):
        return _add(d, Line(ExtraKind.OPTION.value, d.pending[4:], quantity=n))
    return Outcome(step=Step.WHAT, reask=True)


@_keeping
def on_quantity_text(
    ctx: Ctx, conv: Conversation, event: TextReceived, d: SurchargeData
) -> Outcome:
    n = whole(event.text.strip(), MOST)
    if n is None or n < 1:
        return Outcome([Say(tr(conv, "请输入 1–99 的数量。"))], reask=True)
    return _quantity(d, n)


@_keeping
def on_quantity(ctx: Ctx, conv: Conversation, event: ChoiceMade, d: SurchargeData) -> Outcome:
    n = whole(event.key[2:], MOST) if event.key.startswith("q:") else None
    if n is None or n < 1:
        return Outcome(reask=True)
    return _quantity(d, n)


@_keeping
def on_amount(ctx: Ctx, conv: Conversation, event: TextReceived, d: SurchargeData) -> Outcome:
    amount, reason = read_amount(event.text, ctx.rules.execution)  # DomainError: the usage
    return _add(d, Line(ExtraKind.AMOUNT.value, amount_cents=amount, reason=reason))


@_keeping
def on_amount_choice(ctx: Ctx, conv: Conversation, event: ChoiceMade, d: SurchargeData) -> Outcome:
    if event.key == "cancel":
        return _cancel(conv, d)
    return Outcome(reask=True)


@_keeping
def on_photo(ctx: Ctx, conv: Conversation, event: PhotoReceived, d: SurchargeData) -> Outcome:
    """Checked and kept now (a file that is no image is refused here), but the order's only
    with the request it is sent for."""
    if d.number is None:
        return Outcome(goto="worker")
    most = ctx.rules.execution.photos_per_kind
    if len(d.photos) >= most:
        text = tr(conv, "每类最多 {photos_per_kind} 张", photos_per_kind=most)
        return Outcome([Say(text)], reask=True)
    folder = f"orders/{d.number}"
    return Outcome(commands=[c.StoreDocument(event.channel, event.ref, folder)])


@_keeping
def on_photo_saved(
    ctx: Ctx, conv: Conversation, result: DocumentStored, d: SurchargeData
) -> Outcome:
    d.photos = (*d.photos, SurchargePhoto(result.path, result.content_type, result.size))
    return Outcome([Say(tr(conv, "照片已保存。"))], reask=True)


@_keeping
def on_photos_choice(ctx: Ctx, conv: Conversation, event: ChoiceMade, d: SurchargeData) -> Outcome:
    if event.key == "cancel":
        return _cancel(conv, d)
    if event.key == "more":
        return Outcome(step=Step.WHAT, reask=True)
    if event.key == "submit" and d.number is not None and d.lines:
        extras = tuple(
            Extra(ExtraKind(x.kind), x.quantity, x.ref, x.amount_cents, x.reason) for x in d.lines
        )
        request = c.RequestSurcharge(_me(conv), d.number, extras, d.photos)
        return Outcome(commands=[request])
    return Outcome(reask=True)


def on_requested(ctx: Ctx, conv: Conversation, result: SurchargeRequested) -> Outcome:
    when = clock_or_moment(ctx, conv, result.answer_by)
    text = tr(
        conv,
        "加价 {amount} 已发给客户确认(请在 {when} 前等客户答复);客户同意并支付后再做加价内容。",
        amount=format_yuan(result.amount_cents),
        when=when,
    )
    conv.data.pop(NAME, None)  # sent: its photos are the order's now
    return _back(conv, text)


def on_text(ctx: Ctx, conv: Conversation, event: TextReceived) -> Outcome:
    return Outcome(reask=True)


def on_what_text(ctx: Ctx, conv: Conversation, event: TextReceived) -> Outcome:
    """Words (an amount, "30") where a choice is asked: say how an amount is given."""
    other = tr(conv, "其他:填写金额和原因")
    return Outcome(
        [Say(tr(conv, "请点选要加的项目;要填写金额,请先选「{other}」。", other=other))],
        reask=True,
    )


TRANSITIONS: Transitions = {
    (Step.CHECKING, JobOpen): on_job_open,
    (Step.CHECKING, Failed): on_job_refused,
    (Step.WHAT, ChoiceMade): on_what,
    (Step.WHAT, TextReceived): on_what_text,
    (Step.WHAT, PhotoReceived): on_photo,
    (Step.WHAT, DocumentStored): on_photo_saved,
    (Step.QUANTITY, TextReceived): on_quantity_text,
    (Step.QUANTITY, ChoiceMade): on_quantity,
    (Step.AMOUNT, TextReceived): on_amount,
    (Step.AMOUNT, ChoiceMade): on_amount_choice,
    (Step.PHOTOS, PhotoReceived): on_photo,
    (Step.PHOTOS, DocumentStored): on_photo_saved,
    (Step.PHOTOS, ChoiceMade): on_photos_choice,
    (Step.PHOTOS, TextReceived): on_text,
    (Step.PHOTOS, SurchargeRequested): on_requested,
}
