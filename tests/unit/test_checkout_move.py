"""A move asked at checkout's payment question ("改到明天下午3点", "改时间", "move it to …") is
about the order just placed — awaiting payment — not an older one: that order's move is
quoted (free) and confirmed, then the payment question is asked again; "no" keeps the time
and goes back to paying. The same move from my orders (改约时间) of an order not paid yet says
it waits for payment and asks to pay. Driven through the router (global words first, as the
engine does) with the services' typed results scripted."""

from datetime import UTC, datetime

import pytest

from conversations.events import ChoiceMade, TextReceived
from conversations.flows import booking, checkout
from conversations.flows.base import Ctx
from conversations.flows.booking_draft import Draft
from conversations.flows.registry import FLOWS
from conversations.results.booking import PaymentDue, PaymentRequested
from conversations.results.orders import (
    CustomerAction,
    OrderRescheduled,
    OrderRow,
    OrderShown,
    Rebooking,
    RescheduleQuoted,
)
from conversations.routing import Router
from conversations.state import Conversation
from domain.commands import RequestPayment, RescheduleOrder
from domain.lifecycle import OrderStatus
from domain.queries import LoadOrder, QuoteReschedule
from domain.text import Bilingual
from store.catalog_file import load_catalog

CATALOG, RULES = load_catalog()
NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # Monday 09:00 in Shanghai
CTX = Ctx(CATALOG, RULES, NOW, "https://daojia.example")
BASE = {"channel": "web", "user_id": "u1", "at": NOW}
START = datetime.fromisoformat("2026-11-24T10:00:00+08:00")
TOMORROW_3PM = datetime.fromisoformat("2026-11-24T15:00:00+08:00")
DUE = PaymentDue(
    number=240117,
    due_now_cents=8000,
    pay_by=datetime(2026, 11, 23, 1, 30, tzinfo=UTC),
    reference="SBX1",
    provider="sandbox",
    pay_url="https://daojia.example/pay/sandbox/SBX1",
    invoice=(),
    title="到家 #240117 日常保洁",
)
FREE = Bilingual("还没有师傅接单,免费改约", "no worker has taken it yet: free")


def shown(status: OrderStatus) -> OrderShown:
    row = OrderRow(240117, Bilingual("日常保洁", "Daily cleaning"), START, status, 8000)
    return OrderShown(
        order=row,
        address="世纪大道100号",
        lines=(),
        paid_cents=0,
        refunded_cents=0,
        timeline=(),
        actions=(CustomerAction.PAY, CustomerAction.RESCHEDULE, CustomerAction.CANCEL),
        again=Rebooking("cleaning", (), None, None, ""),
    )


class Services:
    """What the services answer, and the commands they were given."""

    def __init__(self, status: OrderStatus = OrderStatus.AWAITING_PAYMENT) -> None:
        self.status, self.sent = status, []

    async def run(self, command):
        self.sent.append(command)
        if isinstance(command, LoadOrder):
            return [shown(self.status)]
        if isinstance(command, QuoteReschedule):
            return [RescheduleQuoted(command.number, command.new_start, 0, FREE)]
        if isinstance(command, RescheduleOrder):
            unpaid = self.status == OrderStatus.AWAITING_PAYMENT
            return [OrderRescheduled(command.number, command.new_start, 0, False, unpaid=unpaid)]
        if isinstance(command, RequestPayment):
            return [PaymentRequested(DUE)]
        return []


def at_pay(lang: str) -> Conversation:
    conv = Conversation(flow="checkout", step="pay", customer_id=7, lang=lang, channel="web")
    booking.keep(conv, Draft(category="cleaning", item="daily_cleaning", quantity=2, start=START))
    checkout.keep(conv, checkout.State(total_cents=8000, due=DUE))
    conv.options = [["pay", "确认支付 ¥80.00"], ["later", "稍后支付"]]
    conv.scratch.clear()
    return conv


async def say(services: Services, conv: Conversation, event) -> str:
    conv.scratch.clear()
    replies = await Router(FLOWS, services.run).answer(CTX, conv, event)
    return "\n".join(getattr(r, "text", "") for r in replies)


def typed(text: str) -> TextReceived:
    return TextReceived(**BASE, text=text)


def tap(key: str) -> ChoiceMade:
    return ChoiceMade(**BASE, key=key)


@pytest.mark.parametrize(
    ("lang", "words"), [("zh", "改到明天下午3点"), ("en", "move it to tomorrow 3pm")]
)
async def test_a_move_with_its_time_at_the_pay_question_moves_the_order_being_paid(lang, words):
    services, conv = Services(), at_pay(lang)
    said = await say(services, conv, typed(words))
    assert (conv.flow, conv.step) == ("checkout", "move_confirm"), said
    assert QuoteReschedule(7, 240117, TOMORROW_3PM) in services.sent
    assert ("将订单 #240117 改约到" if lang == "zh" else "Move order #240117 to") in said, said
    assert [key for key, _ in conv.options] == ["yes", "no"]
    said = await say(services, conv, tap("yes"))
    assert RescheduleOrder(7, 240117, TOMORROW_3PM, 0) in services.sent
    moved = "已改到" if lang == "zh" else "now starts at"
    paid_later = "付款后为您安排师傅" if lang == "zh" else "once it is paid"
    assert moved in said and paid_later in said, said
    assert (conv.flow, conv.step) == ("checkout", "pay")  # and paying is asked again
    assert [key for key, _ in conv.options] == ["pay", "later"], said
    assert checkout.state(conv).due == DUE and not checkout.state(conv).new_start


@pytest.mark.parametrize(
    ("lang", "words", "when"),
    [("zh", "改时间", "明天下午三点"), ("en", "change the time", "tomorrow 3pm")],
)
async def test_a_move_without_a_time_asks_it_and_no_goes_back_to_paying(lang, words, when):
    services, conv = Services(), at_pay(lang)
    said = await say(services, conv, typed(words))
    assert (conv.flow, conv.step) == ("checkout", "move_when"), said
    assert "#240117" in said and "还未支付" not in said
    said = await say(services, conv, typed(when))
    assert QuoteReschedule(7, 240117, TOMORROW_3PM) in services.sent
    assert conv.step == "move_confirm"
    said = await say(services, conv, tap("no"))
    assert ("时间不变" if lang == "zh" else "the time stays") in said, said
    assert conv.step == "pay" and [key for key, _ in conv.options] == ["pay", "later"]
    assert not any(isinstance(c, RescheduleOrder) for c in services.sent)


async def test_back_from_the_new_time_question_is_the_pay_question():
    services, conv = Services(), at_pay("zh")
    await say(services, conv, typed("改时间"))
    said = await say(services, conv, typed("返回"))
    assert conv.step == "pay" and "请支付 ¥80.00" in said, said
    assert [key for key, _ in conv.options] == ["pay", "later"]


async def test_other_words_at_the_pay_question_still_say_the_order_is_unpaid():
    services, conv = Services(), at_pay("zh")
    said = await say(services, conv, typed("好的"))
    assert "订单 #240117 还未支付。" in said and conv.step == "pay"
    assert not any(isinstance(c, QuoteReschedule) for c in services.sent)


async def test_a_move_asked_once_the_order_was_paid_elsewhere_leaves_checkout_as_before():
    """Paid on the payment page meanwhile: the checkout is over, and the words are read as
    at the menu (a question about an order, which my orders answers)."""
    services, conv = Services(OrderStatus.PAID), at_pay("zh")
    await say(services, conv, typed("改到明天下午3点"))
    assert conv.flow == "orders" and "checkout" not in conv.data


@pytest.mark.parametrize(
    ("lang", "when", "moved", "paid_later", "arranging"),
    [
        ("zh", "明天下午3点", "已改到", "付款后为您安排师傅", "正在为新时间安排师傅"),
        ("en", "tomorrow 3pm", "now starts at", "once it is paid", "finding a worker for"),
    ],
)
async def test_an_unpaid_order_moved_from_my_orders_waits_for_payment_and_asks_to_pay(
    lang, when, moved, paid_later, arranging
):
    services = Services()  # the order awaits payment
    conv = Conversation(flow="orders", step="list", customer_id=7, lang=lang, channel="web")
    await say(services, conv, tap("o:240117"))
    assert conv.step == "detail"
    await say(services, conv, tap("act:reschedule:240117"))
    assert conv.step == "reschedule_when"
    await say(services, conv, typed(when))
    assert conv.step == "reschedule_confirm"
    said = await say(services, conv, tap("yes"))
    assert RescheduleOrder(7, 240117, TOMORROW_3PM, 0) in services.sent
    assert moved in said and paid_later in said and arranging not in said, said
    assert RequestPayment(7, 240117) in services.sent
    assert (conv.flow, conv.step) == ("orders", "pay"), said  # the order's pay question
    assert [key for key, _ in conv.options] == ["pay", "later"], said
