"""The after-sales flow's typed data (``FeedbackData``): entered with an action on an order,
reset on entry, kept answer by answer, and a stored shape that does not fit (an older
release's) starts the flow over instead of failing."""

from dataclasses import asdict
from datetime import UTC, datetime

import pytest

from conversations.events import ChoiceMade, Failed, PhotoReceived, TextReceived
from conversations.flows import after_sales
from conversations.flows.after_sales import FeedbackData
from conversations.flows.base import Ctx
from conversations.flows.flow_state import read
from conversations.replies import Say
from conversations.results.after_sales import FeedbackOpen
from conversations.results.workers import DocumentStored, JobOpen
from conversations.state import Conversation
from domain.aftersales import DIMENSIONS
from domain.commands import BookRework, FileComplaint, RateCustomer, RateOrder, StoreDocument
from domain.queries import CheckFeedback, CheckJob
from domain.text import N_
from store.catalog_file import load_catalog

CATALOG, RULES = load_catalog()
NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # 09:00 Monday in Shanghai
CTX = Ctx(CATALOG, RULES, NOW, "https://daojia.example")
BASE = {"channel": "telegram", "user_id": "1", "at": NOW}
ADD_THE_NUMBER = "Add the order number, e.g. 'complain #240117' or 'rate #240117'."


def choice(key: str) -> ChoiceMade:
    return ChoiceMade(**BASE, key=key)


def text(value: str) -> TextReceived:
    return TextReceived(**BASE, text=value)


def entered(action: str, role: str = "customer") -> Conversation:
    """A conversation that has just entered the flow for ``action`` on #240117."""
    c = Conversation(flow="menu", step="menu", lang="en", customer_id=5, worker_id=9, role=role)
    after_sales.seed(c, FeedbackData(action, 240117))
    c.flow = "feedback"
    out = after_sales.enter(CTX, c)
    assert out.step == after_sales.Step.CHECKING  # the order is checked before the first question
    c.step = out.step
    if action == "rate_customer":  # the worker's job
        assert out.commands == [CheckJob(9, 240117, action)]
        out = after_sales.TRANSITIONS[("checking", JobOpen)](CTX, c, JobOpen(240117, action))
    else:
        assert out.commands == [CheckFeedback(5, 240117, action)]
        out = after_sales.TRANSITIONS[("checking", FeedbackOpen)](
            CTX, c, FeedbackOpen(240117, action)
        )
    assert out.step == after_sales.FIRST_STEP[action] and out.reask
    c.step = out.step
    return c


def data(c: Conversation) -> FeedbackData:
    f = read(FeedbackData, c.data["feedback"])
    assert f is not None
    return f


def test_feedback_data_survives_the_stored_json_field_for_field():
    f = FeedbackData(
        "rate", 240117, "late", "迟到了", ("p1", "p2"), (5, 4), ("tidy",), "2026-11-24", 3
    )
    c = Conversation()
    after_sales.seed(c, f)
    again = Conversation.loads(c.dumps())
    assert again is not None and read(FeedbackData, again.data["feedback"]) == f


def test_entering_keeps_only_the_action_and_the_order_of_what_was_stored():
    c = Conversation(flow="feedback", step="category", customer_id=5, lang="en")
    after_sales.seed(c, FeedbackData("complain", 240117, "late", "old words", ("p1",)))
    out = after_sales.enter(CTX, c)
    assert out.step == after_sales.Step.CHECKING
    assert data(c) == FeedbackData("complain", 240117)


def test_an_order_that_cannot_take_the_feedback_is_refused_before_any_question():
    c = Conversation(flow="feedback", step="checking", customer_id=5, lang="en")
    after_sales.seed(c, FeedbackData("complain", 240117))
    refused = Failed(N_("订单 #{number} 完成后才能评价", number=240117))
    out = after_sales.TRANSITIONS[("checking", Failed)](CTX, c, refused)
    assert out.goto == "menu" and "feedback" not in c.data
    assert out.replies == [Say(refused.message.get("en"))]
    c.data.clear()
    after_sales.seed(c, FeedbackData("rate", 240117))
    assert after_sales.ask(CTX, c).commands == [CheckFeedback(5, 240117, "rate")]  # a restart


@pytest.mark.parametrize(
    "seeded", [FeedbackData("complain", None), FeedbackData("dance", 240117), None]
)
def test_entering_without_an_action_on_an_order_says_how_and_goes_home(seeded):
    c = Conversation(flow="feedback", step="category", customer_id=5, lang="en")
    if seeded is not None:
        after_sales.seed(c, seeded)
    out = after_sales.enter(CTX, c)
    assert out.replies == [Say(ADD_THE_NUMBER)] and out.goto == "menu"
    assert "feedback" not in c.data


def test_a_complaint_is_filed_with_its_category_words_and_photos():
    c = entered("complain")
    assert after_sales.TRANSITIONS[("category", ChoiceMade)](CTX, c, choice("cat:late")).step
    c.step = "text"
    assert after_sales.TRANSITIONS[("text", TextReceived)](CTX, c, text(" 迟到一小时 ")).step
    c.step = "photos"
    for ref in ("p1", "p2"):  # each is fetched and checked as it arrives
        out = after_sales.TRANSITIONS[("photos", PhotoReceived)](
            CTX, c, PhotoReceived(**BASE, ref=ref)
        )
        assert out.commands == [StoreDocument("telegram", ref, "complaints/240117")]
        kept = DocumentStored(f"complaints/240117/202611/{ref}.png", "image/png", 9)
        after_sales.TRANSITIONS[("photos", DocumentStored)](CTX, c, kept)
    assert "2 so far" in after_sales.ask(CTX, c).replies[0].text
    out = after_sales.TRANSITIONS[("photos", ChoiceMade)](CTX, c, choice("submit"))
    paths = ("complaints/240117/202611/p1.png", "complaints/240117/202611/p2.png")
    assert out.commands == [FileComplaint(5, "", 240117, "late", "迟到一小时", (), paths)]


def test_a_rating_takes_one_score_per_dimension_in_order_then_tags_then_words():
    c = entered("rate")
    on_score = after_sales.TRANSITIONS[("score", ChoiceMade)]
    for n, stars in enumerate((5, 4, 3, 2), start=1):
        assert f"({n}/4)" in after_sales.ask(CTX, c).replies[0].text
        out = on_score(CTX, c, choice(f"s:{stars}"))
    assert out.step == after_sales.Step.TAGS and data(c).scores == (5, 4, 3, 2)
    c.step = "tags"
    on_tag = after_sales.TRANSITIONS[("tags", ChoiceMade)]
    for key in ("t:a", "t:b", "t:a"):  # a second tap takes a tag off again
        on_tag(CTX, c, choice(key))
    assert data(c).tags == ("b",)
    c.step = "review"
    out = after_sales.TRANSITIONS[("review", TextReceived)](CTX, c, text("很好"))
    assert out.step == after_sales.Step.REVIEW_PHOTO and not out.commands
    c.step = "review_photo"
    [offer] = after_sales.ask(CTX, c).replies
    assert "with a photo earns 20 more points" in offer.text
    assert [o.label for o in offer.options] == ["No photo"]
    scores = tuple(zip(DIMENSIONS, (5, 4, 3, 2), strict=True))
    on_photo = after_sales.TRANSITIONS[("review_photo", PhotoReceived)]
    out = on_photo(CTX, c, PhotoReceived(**BASE, ref="p9"))
    assert out.commands == [RateOrder(5, 240117, scores, ("b",), "很好", c.channel, ("p9",))]
    out = after_sales.TRANSITIONS[("review_photo", ChoiceMade)](CTX, c, choice("skip"))
    assert out.commands == [RateOrder(5, 240117, scores, ("b",), "很好", c.channel)]
    c.step = "review"  # a photo sent instead of words: rated with it, no words
    keep_text = after_sales.TRANSITIONS[("review", PhotoReceived)]
    after_sales.seed(c, FeedbackData("rate", 240117, scores=(5, 4, 3, 2), tags=("b",)))
    out = keep_text(CTX, c, PhotoReceived(**BASE, ref="p8"))
    assert out.commands == [RateOrder(5, 240117, scores, ("b",), "", c.channel, ("p8",))]


def test_a_rework_day_then_time_books_it_in_the_business_timezone():
    c = entered("rework")
    out = after_sales.TRANSITIONS[("rework_day", ChoiceMade)](CTX, c, choice("day:2026-11-24"))
    assert out.step == after_sales.Step.REWORK_TIME and data(c).day == "2026-11-24"
    c.step = "rework_time"
    out = after_sales.TRANSITIONS[("rework_time", ChoiceMade)](CTX, c, choice("at:10:00"))
    assert out.commands == [BookRework(5, 240117, datetime(2026, 11, 24, 2, 0, tzinfo=UTC))]


def test_a_rework_time_without_a_day_asks_the_day_again():
    c = entered("rework")
    c.step = "rework_time"
    assert after_sales.ask(CTX, c).step == after_sales.Step.REWORK_DAY
    out = after_sales.TRANSITIONS[("rework_time", ChoiceMade)](CTX, c, choice("at:10:00"))
    assert out.step == after_sales.Step.REWORK_DAY and not out.commands


def test_a_worker_rates_the_customer_with_stars_and_a_note():
    c = entered("rate_customer", role="worker")
    out = after_sales.TRANSITIONS[("customer_score", TextReceived)](CTX, c, text("4星"))
    assert out.step == after_sales.Step.CUSTOMER_NOTE and data(c).stars == 4
    c.step = "customer_note"
    out = after_sales.TRANSITIONS[("customer_note", ChoiceMade)](CTX, c, choice("skip"))
    assert out.commands == [RateCustomer(9, 240117, 4, "")]


def test_a_worker_refused_when_the_rating_is_recorded_is_told_once_and_not_asked_again():
    c = entered("rate_customer", role="worker")
    after_sales.TRANSITIONS[("customer_score", TextReceived)](CTX, c, text("4"))
    c.step = "customer_note"
    refused = Failed(N_("订单 #{number} 已评价过", number=240117))
    out = after_sales.TRANSITIONS[("customer_note", Failed)](CTX, c, refused)
    assert out.replies == [Say("Order #240117 is already rated")]
    assert out.goto == "worker" and not out.reask and "feedback" not in c.data


def test_a_worker_is_told_before_the_stars_when_the_job_is_not_theirs():
    c = Conversation(flow="worker", step="menu", lang="en", worker_id=9, role="worker")
    after_sales.seed(c, FeedbackData("rate_customer", 240117))
    c.flow = "feedback"
    out = after_sales.enter(CTX, c)
    assert out.commands == [CheckJob(9, 240117, "rate_customer")] and not out.replies
    c.step = out.step
    refused = Failed(N_("订单 #{number} 不是您的任务", number=240117))
    out = after_sales.TRANSITIONS[("checking", Failed)](CTX, c, refused)
    assert out.replies == [Say("Order #240117 is not assigned to you")]
    assert out.goto == "worker"


OLDER = [
    {"action": "rate", "number": 240117, "scores": {}, "tags": [], "photos": [], "dim": 0},
    {"action": "complain", "number": "240117"},
    {"number": 240117, "photos": "p1"},
    "rate #240117",
]


@pytest.mark.parametrize("raw", OLDER)
@pytest.mark.parametrize(
    ("step", "event"),
    [
        ("score", choice("s:5")),
        ("photos", PhotoReceived(**BASE, ref="p1")),
        ("category", choice("cat:late")),
        ("rework_time", choice("at:10:00")),
        ("customer_note", choice("skip")),
    ],
)
def test_a_stored_shape_that_does_not_fit_restarts_the_flow_instead_of_failing(raw, step, event):
    c = Conversation(flow="feedback", step=step, lang="en", customer_id=5, worker_id=9)
    c.data["feedback"] = raw
    out = after_sales.TRANSITIONS[(after_sales.Step(step), type(event))](CTX, c, event)
    assert out.replies == [Say(ADD_THE_NUMBER)] and out.goto == "menu" and not out.commands
    assert "feedback" not in c.data
    for stored in (raw, {"action": "rate"}):  # the questions need an order too
        c.data["feedback"] = stored
        assert after_sales.ask(CTX, c).goto == "menu" and "feedback" not in c.data
        c.data["feedback"] = stored
        assert after_sales.enter(CTX, c).goto == "menu" and "feedback" not in c.data


def test_a_text_over_its_limit_changes_nothing_even_in_data_of_another_shape():
    c = Conversation(flow="feedback", step="text", lang="en", customer_id=5)
    c.data["feedback"] = OLDER[0]
    out = after_sales.on_text(CTX, c, text("x" * 5_000))
    assert out.reask and not out.goto and c.data["feedback"] == OLDER[0]


def test_the_stored_form_is_plain_json_of_the_fields():
    c = Conversation()
    after_sales.seed(c, FeedbackData("rate", 240117))
    assert c.data["feedback"] == asdict(FeedbackData("rate", 240117))
