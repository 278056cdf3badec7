"""The preferred worker (DESIGN §3): who may be chosen (``domain.preferred``), and the
checkout's worker step driven through its handlers — values in, replies and the next step
out."""

from dataclasses import replace
from datetime import date

from conversations.events import ChoiceMade, TextReceived
from conversations.flows import booking, checkout
from conversations.flows.my_orders_views import prefill
from conversations.replies import Ask
from conversations.results.booking import WorkerChoice
from conversations.results.orders import Rebooking
from domain.people import Certificate, WorkerStatus
from domain.preferred import CHOICES, Served, choosable
from domain.pricing import Selection
from tests.unit.test_booking_results import BASE, CTX, QUOTE, at_checkout, texts

WANG, LI = WorkerChoice(11, "王阿姨", 490, 6), WorkerChoice(12, "李师傅", 470, 2)
OFFERED = replace(QUOTE, workers=(WANG, LI))
HEALTH = Certificate("health", "", date(2027, 1, 31), True)


def served(worker_id: int, **kw) -> Served:
    values = {
        "name": f"师傅{worker_id}",
        "rating_x100": 500,
        "reviews": 3,
        "status": WorkerStatus.APPROVED,
        "skills": frozenset({"cleaning"}),
        "certificates": (HEALTH,),
        "last_order_id": worker_id,
    }
    return Served(worker_id, **{**values, **kw})  # type: ignore[arg-type]


def test_only_approved_workers_with_the_skill_and_valid_documents_may_be_chosen():
    workers = [
        served(1),
        served(2, status=WorkerStatus.SUSPENDED),
        served(3, status=WorkerStatus.LEFT),
        served(4, skills=frozenset({"nanny"})),
        served(5, certificates=()),
        served(6, certificates=(replace(HEALTH, expires_on=date(2026, 11, 30)),)),
        served(7, certificates=(replace(HEALTH, verified=False),)),
        served(8, last_order_id=100),
    ]
    fit = choosable(workers, "cleaning", ("health",), date(2026, 12, 1))
    assert [s.worker_id for s in fit] == [8, 1]  # the most recent first
    assert [s.worker_id for s in choosable(workers, "cleaning", (), date(2026, 12, 1))] == [
        8,
        7,
        6,
        5,
        1,
    ]
    many = [served(i) for i in range(1, 20)]
    assert len(choosable(many, "cleaning", (), date(2026, 12, 1))) == CHOICES


def test_the_quote_offers_the_button_only_with_workers_to_choose_and_shows_the_choice():
    conv = at_checkout()
    [quote] = checkout.on_quote(CTX, conv, QUOTE).replies
    assert "worker" not in [o.key for o in quote.options]
    [quote] = checkout.on_quote(CTX, conv, OFFERED).replies
    assert "指定师傅" in [o.label for o in quote.options] and "指定师傅:" not in quote.text
    [quote] = checkout.on_quote(CTX, conv, replace(OFFERED, preferred=WANG)).replies
    assert "指定师傅:王阿姨(优先派单;没空时由其他师傅服务)" in quote.text


def test_the_worker_step_lists_names_and_ratings_and_keeps_the_choice_for_the_quote():
    conv = at_checkout()
    checkout.on_quote(CTX, conv, OFFERED)
    out = checkout.on_quote_choice(CTX, conv, ChoiceMade(**BASE, key="worker"))
    assert out.step == checkout.Step.WORKER and out.reask
    conv.step = checkout.Step.WORKER
    [asked] = checkout.ask(CTX, conv).replies
    assert isinstance(asked, Ask)
    assert [o.label for o in asked.options] == [
        "王阿姨(评分 4.9)",
        "李师傅(评分 4.7)",
        "不指定",
        "返回报价",
    ]
    out = checkout.on_worker(CTX, conv, ChoiceMade(**BASE, key="worker:12"))
    assert out.step == checkout.Step.QUOTE and out.reask and not out.replies
    assert booking.draft(conv).worker == 12
    conv.step = checkout.Step.QUOTE  # where the router takes it: priced with the choice
    assert checkout.ask(CTX, conv).commands[0].booking.preferred_worker_id == 12
    checkout.on_worker(CTX, conv, TextReceived(**BASE, text=" 王阿姨 "))  # the name typed
    assert booking.draft(conv).worker == 11
    checkout.on_worker(CTX, conv, TextReceived(**BASE, text="李"))  # a part only one holds
    assert booking.draft(conv).worker == 12
    out = checkout.on_worker(CTX, conv, TextReceived(**BASE, text="赵"))  # neither holds it
    assert out.reask and out.replies and booking.draft(conv).worker == 12
    both = replace(OFFERED, workers=(WANG, LI, WorkerChoice(13, "王师傅", 480, 1)))
    checkout.on_quote(CTX, conv, both)  # (a quote naming none chosen: the choice is cleared)
    out = checkout.on_worker(CTX, conv, TextReceived(**BASE, text="王"))  # two hold it
    assert out.reask and out.replies and booking.draft(conv).worker is None
    checkout.on_worker(CTX, conv, ChoiceMade(**BASE, key="any"))
    assert booking.draft(conv).worker is None


def test_a_worker_nobody_rated_is_offered_without_an_invented_rating():
    """5.0 is where dispatch starts a worker, not what a customer said of them."""
    conv = at_checkout()
    checkout.on_quote(CTX, conv, replace(QUOTE, workers=(WorkerChoice(13, "赵师傅", 500, 0),)))
    conv.step = checkout.Step.WORKER
    [asked] = checkout.ask(CTX, conv).replies
    assert isinstance(asked, Ask) and asked.options[0].label == "赵师傅(暂无评价)"


def test_a_wrong_answer_or_a_stale_button_at_the_worker_step_is_asked_again():
    conv = at_checkout(checkout.Step.WORKER)
    checkout.on_quote(CTX, conv, OFFERED)
    booking.keep(conv, replace(booking.draft(conv), worker=11))
    for event in (
        TextReceived(**BASE, text="都行"),
        ChoiceMade(**BASE, key="worker:99"),  # not one offered (an old or forged button)
    ):
        out = checkout.on_worker(CTX, conv, event)
        assert out.reask and out.step is None
        assert "请点选一位师傅" in texts(out.replies)
        assert booking.draft(conv).worker == 11  # unchanged
    back = checkout.on_worker(CTX, conv, ChoiceMade(**BASE, key="quote"))
    assert back.step == checkout.Step.QUOTE and booking.draft(conv).worker == 11


def test_a_choice_no_longer_offered_is_dropped_and_the_step_goes_back_to_the_quote():
    conv = at_checkout()
    booking.keep(conv, replace(booking.draft(conv), worker=11))
    [quote] = checkout.on_quote(CTX, conv, QUOTE).replies  # 11 suspended meanwhile
    assert booking.draft(conv).worker is None and "指定师傅" not in quote.text
    conv.step = checkout.Step.WORKER  # "back" to the step the quote no longer offers
    assert checkout.ask(CTX, conv).step == checkout.Step.QUOTE


def test_the_worker_step_speaks_english():
    conv = at_checkout(checkout.Step.WORKER, lang="en")
    checkout.on_quote(CTX, conv, replace(OFFERED, preferred=LI))
    [asked] = checkout.ask(CTX, conv).replies
    assert [o.label for o in asked.options][1:] == [
        "李师傅 (rated 4.7)",
        "Any worker",
        "Back to the quote",
    ]
    assert "Please tap one of the workers" in texts(
        checkout.on_worker(CTX, conv, TextReceived(**BASE, text="x")).replies
    )
    conv.step = checkout.Step.QUOTE
    [quote] = checkout.on_quote(CTX, conv, replace(OFFERED, preferred=LI)).replies
    assert "Your worker: 李师傅 (offered the job first" in quote.text
    assert "Choose your worker" in [o.label for o in quote.options]


def test_book_again_prefers_the_repeated_orders_worker():
    again = Rebooking("cleaning", (Selection("daily_cleaning", 2),), worker_id=11)
    assert prefill(again).worker == 11
    assert prefill(replace(again, worker_id=None)).worker is None
