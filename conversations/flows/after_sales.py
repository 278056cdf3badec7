"""After the visit, in chat: complain (type, words, photos), rate the service (four
dimensions, tags, a few words, a photo: which earns more points), book a granted free rework,
and — for workers — rate the customer. Entered from an order's buttons or typed words
(``投诉 #240117``, ``评价 #240117``)."""

from __future__ import annotations

from dataclasses import replace

from conversations.events import ChoiceMade, Failed, PhotoReceived, TextReceived
from conversations.flows import after_sales_views as views
from conversations.flows import booking_time_views
from conversations.flows.after_sales_data import CATEGORIES, DIMENSION_TEXT, feedback
from conversations.flows.after_sales_data import NAME as NAME
from conversations.flows.after_sales_data import FeedbackData as FeedbackData
from conversations.flows.after_sales_data import Step as Step
from conversations.flows.after_sales_rework import on_rework_day, on_rework_time
from conversations.flows.base import Ctx, Outcome, Transitions, too_long, tr
from conversations.flows.flow_state import StaleState, keep, load, restarting, restarting_all
from conversations.replies import Ask, Option, Say
from conversations.results.after_sales import (
    ComplaintFiled,
    FeedbackOpen,
    OrderRated,
    ReworkBooked,
)
from conversations.results.workers import CustomerRated, DocumentStored, JobOpen
from conversations.state import Conversation
from domain import limits
from domain.aftersales import CUSTOMER_TAGS, DIMENSIONS
from domain.commands import FileComplaint, Query, RateCustomer, RateOrder, StoreDocument
from domain.digits import whole
from domain.queries import CheckFeedback, CheckJob

FIRST = Step.CATEGORY
FIRST_STEP = {
    "complain": Step.CATEGORY,
    "rate": Step.SCORE,
    "rework": Step.REWORK_DAY,
    "rate_customer": Step.CUSTOMER_SCORE,
}
MAX_PHOTOS = 6
STARS = tuple(Option(f"s:{n}", str(n)) for n in range(1, 6))


def seed(conv: Conversation, data: FeedbackData) -> None:
    """What the flow starts with when entered next (``goto="feedback"``): ``data.action`` on
    order ``data.number``; the rest is reset on entry."""
    keep(conv, NAME, data)


def _home(conv: Conversation) -> str:
    return "worker" if conv.role == "worker" else "menu"


def _restart(ctx: Ctx, conv: Conversation) -> Outcome:
    """Data of another shape: dropped, and the person told how to start again."""
    conv.data.pop(NAME, None)
    return _no_order(conv)


def enter(ctx: Ctx, conv: Conversation) -> Outcome:
    given = load(conv, NAME, FeedbackData)
    if given is None or given.action not in FIRST_STEP or given.number is None:
        conv.data.pop(NAME, None)
        return _no_order(conv)
    if given.action in ("complain", "rate", "rework") and conv.customer_id is None:
        return Outcome(goto="start")
    # nothing older stays
    keep(conv, NAME, FeedbackData(action=given.action, number=given.number))
    return _check(conv, given.action, given.number)


def _check(conv: Conversation, action: str, number: int) -> Outcome:
    """Every action's order is checked before its first question: the person's, and open
    to the action now (``CheckFeedback``; a worker's rating of the customer ``CheckJob``)."""
    if action == "rate_customer":  # the worker's job (``CheckJob``), finished, not rated yet
        if conv.worker_id is None:
            return _no_order(conv)
        check: Query = CheckJob(conv.worker_id, number, action)
    else:
        assert conv.customer_id is not None
        check = CheckFeedback(conv.customer_id, number, action)
    return Outcome(step=Step.CHECKING, commands=[check])


def on_open(ctx: Ctx, conv: Conversation, result: FeedbackOpen | JobOpen) -> Outcome:
    return Outcome(step=FIRST_STEP[feedback(conv).action], reask=True)


def on_closed(ctx: Ctx, conv: Conversation, result: Failed) -> Outcome:
    conv.data.pop(NAME, None)
    return Outcome([Say(result.message.get(conv.lang))], goto=_home(conv))


def _no_order(conv: Conversation) -> Outcome:
    return Outcome([Say(views.no_order(conv))], goto=_home(conv))


@restarting(NAME, _restart)
def ask(ctx: Ctx, conv: Conversation) -> Outcome:
    if conv.step == Step.CHECKING:  # asked again before the answer came (a restart)
        f = feedback(conv)
        return _check(conv, f.action, f.order)
    return _question(ctx, conv)


def _question(ctx: Ctx, conv: Conversation) -> Outcome:
    f, step = feedback(conv), conv.step
    number = f.order
    if step == Step.CATEGORY:
        options = tuple(Option(f"cat:{k}", text.get(conv.lang)) for k, text in CATEGORIES)
        text = tr(conv, "投诉订单 #{number}:遇到了什么问题?", number=number)
        return Outcome([Ask(text, options)])
    if step == Step.TEXT:
        return Outcome([Say(tr(conv, "请简单描述一下情况(哪里、什么时候、怎么了)。"))])
    if step == Step.PHOTOS:
        n = f.photo_count
        text = tr(
            conv,
            "有照片的话请发送(最多 {MAX_PHOTOS} 张,已收到 {n} 张),有照片的简单问题可以立即处理。",
            MAX_PHOTOS=MAX_PHOTOS,
            n=n,
        )
        return Outcome([Ask(text, (Option("submit", tr(conv, "提交投诉")),))])
    if step == Step.SCORE:
        dim = len(f.scores)
        if dim >= len(DIMENSIONS):  # every dimension has its stars
            return Outcome(step=Step.TAGS, reask=True)
        text = tr(
            conv,
            "为订单 #{number} 打分({dim}/4):{what},1–5 星?",
            number=number,
            dim=dim + 1,
            what=DIMENSION_TEXT[DIMENSIONS[dim]].get(conv.lang),
        )
        return Outcome([Ask(text, STARS, numbered=False)])
    if step == Step.TAGS:
        chosen = set(f.tags)
        options = tuple(
            Option(f"t:{k}", ("✓ " if k in chosen else "") + text.get(conv.lang))
            for k, text in CUSTOMER_TAGS
        )
        text = tr(conv, "选几个标签(可多选),然后点「完成」。")
        return Outcome([Ask(text, (*options, Option("done", tr(conv, "完成"))))])
    if step in (Step.REVIEW, Step.REVIEW_PHOTO):  # a few words, then a photo
        return Outcome([views.review_question(ctx, conv, photo=step == Step.REVIEW_PHOTO)])
    if step == Step.REWORK_DAY:
        return Outcome(
            [
                Say(tr(conv, "预约订单 #{number} 的免费返工。", number=number)),
                booking_time_views.date_question(ctx, conv, ctx.rules.booking.max_days_ahead),
            ]
        )
    if step == Step.REWORK_TIME:
        day = f.day_on
        if day is None:  # reached by "back" before a day was chosen
            return Outcome(step=Step.REWORK_DAY, reask=True)
        ahead = ctx.rules.booking.max_days_ahead
        return Outcome([booking_time_views.time_question(ctx, conv, day, ahead)])
    if step == Step.CUSTOMER_SCORE:
        text = tr(conv, "为订单 #{number} 的客户打分(沟通、配合、环境),1–5 星?", number=number)
        return Outcome([Ask(text, STARS, numbered=False)])
    return Outcome(
        [
            Ask(
                tr(conv, "补充说明?(可跳过)"),
                (Option("skip", tr(conv, "跳过")),),
            )
        ]
    )


def on_category(ctx: Ctx, conv: Conversation, event: ChoiceMade) -> Outcome:
    if not event.key.startswith("cat:"):
        return Outcome(reask=True)
    keep(conv, NAME, replace(feedback(conv), category=event.key[4:]))
    return Outcome(step=Step.TEXT, reask=True)


def on_text(ctx: Ctx, conv: Conversation, event: TextReceived) -> Outcome:
    text = event.text.strip()
    if over := too_long(conv, limits.COMPLAINT, text):
        return over
    if len(text) < 2:
        return Outcome([Say(tr(conv, "请多写几个字。"))], reask=True)
    keep(conv, NAME, replace(feedback(conv), text=text))
    return Outcome(step=Step.PHOTOS, reask=True)


def on_photo(ctx: Ctx, conv: Conversation, event: PhotoReceived) -> Outcome:
    """Fetched and checked now (``StoreDocument``): a file that is no image is refused as it
    arrives (``Failed``, said with the question again) and never joins the complaint."""
    f = feedback(conv)
    if f.photo_count >= MAX_PHOTOS:
        return Outcome(
            [Say(tr(conv, "照片已够了,请提交。"))],
            reask=True,
        )
    return Outcome(commands=[StoreDocument(event.channel, event.ref, f"complaints/{f.order}")])


def on_photo_kept(ctx: Ctx, conv: Conversation, result: DocumentStored) -> Outcome:
    f = feedback(conv)
    keep(conv, NAME, replace(f, photo_paths=(*f.photo_paths, result.path)))
    return Outcome(reask=True)


def on_submit(ctx: Ctx, conv: Conversation, event: ChoiceMade) -> Outcome:
    if event.key != "submit":
        return Outcome(reask=True)
    f = feedback(conv)
    if not f.category or not f.text:
        raise StaleState(NAME)
    assert conv.customer_id is not None
    # unchecked photos of a draft saved before they were checked on arrival go once: if one
    # is no image the filing is refused, saying so, and the next try files without them
    keep(conv, NAME, replace(f, photos=()))
    cmd = FileComplaint(
        conv.customer_id, conv.channel, f.order, f.category, f.text, f.photos, f.photo_paths
    )
    return Outcome(commands=[cmd])


def _stars(event: ChoiceMade | TextReceived) -> int | None:
    raw = event.key[2:] if isinstance(event, ChoiceMade) and event.key.startswith("s:") else ""
    if isinstance(event, TextReceived):
        raw = event.text.strip().rstrip("星⭐ ")
    stars = whole(raw, 5)
    return stars if stars is not None and stars >= 1 else None


def on_score(ctx: Ctx, conv: Conversation, event: ChoiceMade | TextReceived) -> Outcome:
    stars = _stars(event)
    if stars is None:
        return Outcome([Say(tr(conv, "请选 1–5 星。"))], reask=True)
    f = feedback(conv)
    scores = (*f.scores, stars)[: len(DIMENSIONS)]
    keep(conv, NAME, replace(f, scores=scores))
    if len(scores) < len(DIMENSIONS):
        return Outcome(reask=True)
    return Outcome(step=Step.TAGS, reask=True)


def on_tag(ctx: Ctx, conv: Conversation, event: ChoiceMade) -> Outcome:
    if event.key == "done":
        return Outcome(step=Step.REVIEW, reask=True)
    if event.key.startswith("t:"):
        keep(conv, NAME, feedback(conv).with_tag_toggled(event.key[2:]))
    return Outcome(reask=True)


def on_review(ctx: Ctx, conv: Conversation, event: ChoiceMade | TextReceived) -> Outcome:
    if isinstance(event, ChoiceMade) and event.key != "skip":
        return Outcome(reask=True)
    text = event.text.strip() if isinstance(event, TextReceived) else ""
    if over := too_long(conv, limits.REVIEW, text):
        return over
    keep(conv, NAME, replace(feedback(conv), text=text))
    return Outcome(step=Step.REVIEW_PHOTO, reask=True)


def on_review_photo(ctx: Ctx, conv: Conversation, event: ChoiceMade | PhotoReceived) -> Outcome:
    """A photo sent (one is enough: the review is submitted with it, and at the words'
    question without them) or none wanted."""
    if isinstance(event, ChoiceMade) and event.key != "skip":
        return Outcome(reask=True)
    f = feedback(conv)
    if len(f.scores) != len(DIMENSIONS):
        raise StaleState(NAME)
    assert conv.customer_id is not None
    scores = tuple(zip(DIMENSIONS, f.scores, strict=True))
    photos = (event.ref,) if isinstance(event, PhotoReceived) else ()
    rate = RateOrder(conv.customer_id, f.order, scores, f.tags, f.text, conv.channel, photos)
    return Outcome(commands=[rate])


def on_customer_score(ctx: Ctx, conv: Conversation, event: ChoiceMade | TextReceived) -> Outcome:
    stars = _stars(event)
    if stars is None:
        return Outcome([Say(tr(conv, "请选 1–5 星。"))], reask=True)
    keep(conv, NAME, replace(feedback(conv), stars=stars))
    return Outcome(step=Step.CUSTOMER_NOTE, reask=True)


def on_customer_note(ctx: Ctx, conv: Conversation, event: ChoiceMade | TextReceived) -> Outcome:
    if isinstance(event, ChoiceMade) and event.key != "skip":
        return Outcome(reask=True)
    text = event.text.strip() if isinstance(event, TextReceived) else ""
    if over := too_long(conv, limits.REVIEW, text):
        return over
    f = feedback(conv)
    if f.stars is None:
        raise StaleState(NAME)
    assert conv.worker_id is not None
    return Outcome(commands=[RateCustomer(conv.worker_id, f.order, f.stars, text)])


def on_complaint_filed(ctx: Ctx, conv: Conversation, result: ComplaintFiled) -> Outcome:
    conv.data.pop(NAME, None)
    return Outcome(views.complaint_filed(conv, result), goto=_home(conv))


def on_rated(ctx: Ctx, conv: Conversation, result: OrderRated) -> Outcome:
    conv.data.pop(NAME, None)
    return Outcome(views.rated(conv, result), goto=_home(conv))


def on_rework_booked(ctx: Ctx, conv: Conversation, result: ReworkBooked) -> Outcome:
    conv.data.pop(NAME, None)
    return Outcome(views.rework_booked(ctx, conv, result), goto=_home(conv))


def on_customer_rated(ctx: Ctx, conv: Conversation, result: CustomerRated) -> Outcome:
    conv.data.pop(NAME, None)
    return Outcome([Say(tr(conv, "已记录,谢谢!"))], goto=_home(conv))


TRANSITIONS: Transitions = restarting_all(
    NAME,
    _restart,
    {
        (Step.CHECKING, FeedbackOpen): on_open,
        (Step.CHECKING, JobOpen): on_open,
        (Step.CHECKING, Failed): on_closed,
        (Step.CATEGORY, ChoiceMade): on_category,
        (Step.TEXT, TextReceived): on_text,
        (Step.PHOTOS, PhotoReceived): on_photo,
        (Step.PHOTOS, DocumentStored): on_photo_kept,
        (Step.PHOTOS, ChoiceMade): on_submit,
        (Step.PHOTOS, ComplaintFiled): on_complaint_filed,
        (Step.SCORE, ChoiceMade): on_score,
        (Step.SCORE, TextReceived): on_score,
        (Step.TAGS, ChoiceMade): on_tag,
        (Step.REVIEW, ChoiceMade): on_review,
        (Step.REVIEW, TextReceived): on_review,
        (Step.REVIEW, PhotoReceived): on_review_photo,  # a photo instead of words
        (Step.REVIEW, OrderRated): on_rated,
        (Step.REVIEW_PHOTO, PhotoReceived): on_review_photo,
        (Step.REVIEW_PHOTO, ChoiceMade): on_review_photo,
        (Step.REVIEW_PHOTO, OrderRated): on_rated,
        (Step.REWORK_DAY, ChoiceMade): on_rework_day,
        (Step.REWORK_DAY, TextReceived): on_rework_day,
        (Step.REWORK_DAY, ReworkBooked): on_rework_booked,
        (Step.REWORK_TIME, ChoiceMade): on_rework_time,
        (Step.REWORK_TIME, TextReceived): on_rework_time,
        (Step.REWORK_TIME, ReworkBooked): on_rework_booked,
        (Step.CUSTOMER_SCORE, ChoiceMade): on_customer_score,
        (Step.CUSTOMER_SCORE, TextReceived): on_customer_score,
        (Step.CUSTOMER_NOTE, ChoiceMade): on_customer_note,
        (Step.CUSTOMER_NOTE, TextReceived): on_customer_note,
        (Step.CUSTOMER_NOTE, CustomerRated): on_customer_rated,
        (Step.CUSTOMER_NOTE, Failed): on_closed,  # refused at the end: said, and no loop
    },
)
