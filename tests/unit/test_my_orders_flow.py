"""The "my orders" flow driven with the typed results of its commands, and its typed data:
reset on entry, and a stored older shape starts the flow over instead of failing."""

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from conversations.events import ChoiceMade, TextReceived
from conversations.flows import booking, my_orders, recurring
from conversations.flows.base import Ctx
from conversations.flows.booking_draft import Draft
from conversations.replies import Ask, Say
from conversations.results.orders import (
    CancellationQuoted,
    ComplaintSeen,
    CustomerAction,
    OrderCancelled,
    OrderConfirmed,
    OrderRescheduled,
    OrderRow,
    OrderShown,
    OrdersListed,
    Rebooking,
    RescheduleQuoted,
    TimelineEntry,
    WorkerSeen,
)
from conversations.state import Conversation
from domain.commands import (
    AnswerSurcharge,
    CancelOrder,
    ConfirmOrder,
    RequestPayment,
    RescheduleOrder,
)
from domain.lifecycle import OrderStatus
from domain.pricing import LineKind, QuoteLine, Selection
from domain.queries import LoadOrder, LoadOrders, QuoteCancellation, QuoteReschedule
from domain.text import Bilingual
from domain.timeline_notes import handover_note, rescheduled_note
from store.catalog_file import load_catalog

CATALOG, RULES = load_catalog()
NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # 09:00 Monday in Shanghai
CTX = Ctx(CATALOG, RULES, NOW, "https://daojia.example")
BASE = {"channel": "telegram", "user_id": "1", "at": NOW}
START = datetime(2026, 11, 24, 7, 0, tzinfo=UTC)  # 15:00 in Shanghai
ROW = OrderRow(
    240117, Bilingual("日常保洁", "Daily cleaning"), START, OrderStatus.CONFIRMED, 12_000
)
AGAIN = Rebooking("cleaning", (Selection("daily_cleaning", 3, 90, ("eco",)),), None, 7, "猫")


def shown(**changes) -> OrderShown:
    fields = {
        "order": ROW,
        "address": "人民广场 1号楼…",
        "lines": (QuoteLine(LineKind.BASE, Bilingual("日常保洁 3 小时", "3 h cleaning"), 12_000),),
        "paid_cents": 12_000,
        "refunded_cents": 500,
        "timeline": (
            TimelineEntry(NOW, Bilingual("已支付", "paid")),
            TimelineEntry(START, Bilingual("投诉", "complaint"), "late"),
        ),
        "actions": (CustomerAction.RATE, CustomerAction.COMPLAIN, CustomerAction.REORDER),
        "again": AGAIN,
        "worker": WorkerSeen("王阿姨", 480, 9_650, 12),
        "my_rating_x100": None,
        "complaints": (ComplaintSeen(4, False, "partial"),),
    }
    return OrderShown(**{**fields, **changes})


def conv(step: str = "list", lang: str = "zh", **data) -> Conversation:
    return Conversation(flow="orders", step=step, lang=lang, customer_id=5, data={"orders": data})


def choice(key: str) -> ChoiceMade:
    return ChoiceMade(**BASE, key=key)


def test_the_list_shows_each_order_in_local_time_with_its_status_in_the_persons_language():
    c = conv(lang="en")
    out = my_orders.on_orders(CTX, c, OrdersListed((ROW,)))
    [ask] = out.replies
    assert isinstance(ask, Ask) and out.step == my_orders.Step.LIST
    assert ask.options[0].key == "o:240117"
    assert ask.options[0].label == "#240117 Daily cleaning Tue 24 Nov 15:00 confirmed"
    assert "Your recent orders" in ask.text
    empty = my_orders.on_orders(CTX, conv(), OrdersListed(()))
    assert [o.key for o in empty.replies[0].options] == ["book", "menu"]


def test_the_detail_shows_money_worker_complaints_timeline_and_a_button_per_action():
    c = conv()
    out = my_orders.on_order(CTX, c, shown())
    [ask] = out.replies
    assert out.step == my_orders.Step.DETAIL and c.data["orders"]["number"] == 240117
    for line in (
        "状态:已确认",
        "时间:11月24日 周二 15:00",
        "· 日常保洁 3 小时  ¥120.00",
        "合计 ¥120.00,已付 ¥120.00",
        "已退款 ¥5.00",
        "师傅:王阿姨(评分 4.8,12 条评价,好评率 96.5%)",
        "投诉 4:已处理 部分退款",
        "  11月23日 周一 09:00 已支付",
        "  11月24日 周二 15:00 投诉 late",
    ):
        assert line in ask.text.split("\n"), line
    assert "待付" not in ask.text
    assert "您的评价" not in ask.text
    assert [o.key for o in ask.options] == [
        "act:rate:240117",
        "act:complain:240117",
        "reorder",
        "act:contact_worker:240117",  # confirmed within the relay's hours after it ended
        "invoice",
        "list",
    ]
    mine = my_orders.on_order(CTX, conv(), shown(my_rating_x100=450)).replies[0]
    assert "您的评价:4.5 星" in mine.text


def test_a_worker_nobody_rated_yet_reads_as_new_not_as_dispatchs_five_stars():
    new = WorkerSeen("李明", 500, 10_000, 0)  # the defaults dispatch starts a worker at
    for lang, said, rated in (
        ("zh", "师傅:李明(新师傅,暂无评价)", "师傅:李明(评分 4.5,1 条评价,好评率 100%)"),
        (
            "en",
            "Worker: 李明 (new, no reviews yet)",
            "Worker: 李明 (rated 4.5 from 1 review, 100% positive)",
        ),
    ):
        [ask] = my_orders.on_order(CTX, conv(lang=lang), shown(worker=new)).replies
        assert said in ask.text.split("\n"), ask.text
        once = replace(new, rating_x100=450, reviews=1)
        [ask] = my_orders.on_order(CTX, conv(lang=lang), shown(worker=once)).replies
        assert rated in ask.text.split("\n"), ask.text
    many = replace(new, rating_x100=480, good_rate_bp=9_650, reviews=12)
    [ask] = my_orders.on_order(CTX, conv(lang="en"), shown(worker=many)).replies
    assert "Worker: 李明 (rated 4.8 from 12 reviews, 96.5% positive)" in ask.text


def test_a_note_daojia_wrote_on_the_timeline_reads_in_the_customers_language():
    moved = TimelineEntry(START, Bilingual("改派", "reassigned"), handover_note(date(2026, 12, 3)))
    for lang, expected in (
        ("zh", "12月3日 周四 起更换师傅"),
        ("en", "worker replaced from Thu 3 Dec"),
    ):
        [ask] = my_orders.on_order(CTX, conv(lang=lang), shown(timeline=(moved,))).replies
        assert ask.text.split("\n")[-1].endswith(expected), ask.text


def test_a_move_on_the_timeline_reads_its_times_as_the_reader_writes_them():
    note = rescheduled_note(
        datetime(2026, 12, 8, 0, 30, tzinfo=UTC), datetime(2026, 12, 8, 2, tzinfo=UTC)
    )
    name = Bilingual("改约时间", "rescheduled")
    moved = TimelineEntry(START, name, note)
    before = TimelineEntry(START, name, "12-08 00:30 → 12-08 02:00")
    for lang, expected, yearless in (
        (
            "zh",
            "改约时间 12月8日 周二 00:30 → 12月8日 周二 02:00",
            "改约时间 12月8日 00:30 → 12月8日 02:00",
        ),
        (
            "en",
            "rescheduled Tue 8 Dec 00:30 → Tue 8 Dec 02:00",
            "rescheduled 8 Dec 00:30 → 8 Dec 02:00",
        ),
    ):
        [ask] = my_orders.on_order(CTX, conv(lang=lang), shown(timeline=(moved,))).replies
        assert ask.text.split("\n")[-1].endswith(expected), ask.text
        # as a row written before holds it: no year known, so no weekday guessed
        [ask] = my_orders.on_order(CTX, conv(lang=lang), shown(timeline=(before,))).replies
        assert ask.text.split("\n")[-1].endswith(yearless), ask.text


def test_what_is_left_to_pay_is_shown_unless_the_order_is_cancelled():
    row = OrderRow(240117, ROW.item, START, OrderStatus.PAID, 12_000)
    out = my_orders.on_order(
        CTX, conv(), shown(order=row, paid_cents=10_000, actions=(CustomerAction.PAY,))
    )
    assert "待付 ¥20.00" in out.replies[0].text
    assert out.replies[0].options[0].key == "act:pay:240117"  # names its order
    row = OrderRow(240117, ROW.item, START, OrderStatus.CANCELLED, 12_000)
    out = my_orders.on_order(CTX, conv(), shown(order=row, paid_cents=0))
    assert "待付" not in out.replies[0].text


def test_reorder_copies_the_order_into_a_new_booking_and_leaves_the_flow():
    c = conv(mode="reorder")
    out = my_orders.on_order(CTX, c, shown())
    assert out.goto == "booking" and "orders" not in c.data
    seed = Draft.from_json(c.data[booking.SEED])  # the booking flow starts from it
    assert (seed.category, seed.item, seed.options, seed.high_altitude) == (
        "cleaning",
        "daily_cleaning",
        ["eco"],
        False,
    )
    assert (seed.quantity, seed.area_sqm, seed.address_id, seed.notes) == (3, 90, 7, "猫")


def test_cancelling_shows_the_fee_first_then_cancels_with_that_fee():
    c = conv(action="cancel", number=240117)  # the order's button: act:cancel:240117
    assert my_orders.enter(CTX, c).commands == [LoadOrder(5, 240117)]
    row = OrderRow(240117, ROW.item, START, OrderStatus.PAID, 12_000)
    out = my_orders.on_order(CTX, c, shown(order=row, actions=(CustomerAction.CANCEL,)))
    assert out.step == my_orders.Step.CANCEL_CONFIRM and out.reask
    c.step = my_orders.Step.CANCEL_CONFIRM
    assert my_orders.ask(CTX, c).commands == [QuoteCancellation(5, 240117)]
    quote = CancellationQuoted(240117, 3_000, 7_000, Bilingual("开始前 2 小时内", "within 2 h"))
    out = my_orders.on_cancel_quote(CTX, c, quote)
    assert out.step == my_orders.Step.CANCEL_CONFIRM
    assert "将收取 ¥30.00,退款 ¥70.00" in out.replies[0].text
    c.step = my_orders.Step.CANCEL_CONFIRM
    out = my_orders.on_cancel_confirm(CTX, c, choice("yes"))
    assert out.commands == [CancelOrder(5, 240117, 3_000)]
    out = my_orders.on_cancelled(CTX, c, OrderCancelled(240117, 3_000, 7_000))
    assert out.goto == "menu" and "orders" not in c.data
    assert "退款 ¥70.00 将原路退回" in out.replies[0].text


@pytest.mark.parametrize(
    ("lang", "fee", "refund", "said", "unsaid"),
    [
        ("zh", 0, 7_000, "免费取消,退款 ¥70.00。", "将收取"),
        ("en", 0, 7_000, "Free; refund ¥70.00.", "Fee"),
        ("zh", 0, 0, "免费取消。确认取消吗?", "退款"),
        ("en", 0, 0, "Free. Cancel it?", "refund"),
        ("en", 3_000, 7_000, "Fee ¥30.00, refund ¥70.00.", "Free"),
    ],
)
def test_a_free_cancellation_says_only_the_refund_not_a_fee_of_nothing(
    lang, fee, refund, said, unsaid
):
    c = conv(step="detail", lang=lang, number=240117)
    quote = CancellationQuoted(240117, fee, refund, Bilingual("未接单", "not taken yet"))
    text = my_orders.on_cancel_quote(CTX, c, quote).replies[0].text
    assert said in text and unsaid not in text and "¥0.00" not in text


def test_a_confirmed_order_offers_to_rate_it():
    c = conv()
    out = my_orders.on_confirmed(CTX, c, OrderConfirmed(240117))
    assert out.goto == "menu" and "orders" not in c.data
    assert out.replies[0].options[0].key == "act:rate:240117"


def test_entering_keeps_only_what_the_caller_asked_for():
    stale = {"fee_cents": 100, "payment": {"reference": "old"}, "number": 1}
    c = conv(mode="reorder", to_day="2026-11-25", to_at="10:00", **stale)
    assert my_orders.enter(CTX, c).commands == [LoadOrders(5)]
    assert c.data["orders"] == {
        "number": None,
        "mode": "reorder",
        "action": "",
        "fee_cents": None,
        "payment": {},
        "again_at": "",
        "new_start": "",
        "surcharge": None,
        "booking": False,
        "to_day": "",
        "to_at": "",
    }
    c = conv(action="pay", number=240117, fee_cents=100)
    assert my_orders.enter(CTX, c).commands == [RequestPayment(5, 240117)]
    assert c.data["orders"]["number"] == 240117 and c.data["orders"]["fee_cents"] is None
    assert my_orders.enter(CTX, conv(action="confirm", number=240117)).commands == [
        ConfirmOrder(5, 240117)
    ]
    assert my_orders.enter(
        CTX, conv(action="surcharge_yes", number=240117, surcharge=31)
    ).commands == [AnswerSurcharge(5, 240117, True, 31)]
    said = my_orders.enter(CTX, conv(action="confirm", number=None))
    assert isinstance(said.replies[0], Say) and said.reask


def test_an_older_stored_shape_starts_the_flow_over_instead_of_failing():
    # before the typed data, the fee was kept under "fee"
    c = conv(step="cancel_confirm", number=240117, fee=3_000)
    out = my_orders.on_cancel_confirm(CTX, c, choice("yes"))
    assert out.step == my_orders.Step.LIST and out.reask and not out.commands
    assert c.data["orders"]["number"] is None
    c.step = my_orders.Step.LIST
    assert my_orders.ask(CTX, c).commands == [LoadOrders(5)]
    c = conv(step="detail", number="240117")  # a number kept as text
    out = my_orders.ask(CTX, c)
    assert out.step == my_orders.Step.LIST and out.reask


def test_the_detail_reloads_its_order_and_repeat_weekly_hands_the_number_to_recurring():
    c = conv(step="detail", number=240117)
    assert my_orders.ask(CTX, c).commands == [LoadOrder(5, 240117)]
    out = my_orders.on_detail_choice(CTX, c, choice("repeat"))
    assert out.goto == "recurring" and "orders" not in c.data
    assert c.data["recurring"]["number"] == 240117
    assert recurring.enter(CTX, c).step == recurring.Step.CONFIRM


def test_moving_an_order_asks_the_time_shows_the_terms_then_moves_it():
    c = conv(action="reschedule", number=240117)  # the order's button: act:reschedule:240117
    assert my_orders.enter(CTX, c).commands == [LoadOrder(5, 240117)]
    row = OrderRow(240117, ROW.item, START, OrderStatus.PAID, 12_000)
    out = my_orders.on_order(CTX, c, shown(order=row, actions=(CustomerAction.RESCHEDULE,)))
    assert out.step == my_orders.Step.RESCHEDULE_WHEN and "改到什么时间" in out.replies[0].text
    c.step = my_orders.Step.RESCHEDULE_WHEN
    text = TextReceived(**BASE, text="后天下午三点")
    later = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)
    assert my_orders.on_new_time(CTX, c, text).commands == [QuoteReschedule(5, 240117, later)]
    past = my_orders.on_new_time(CTX, c, TextReceived(**BASE, text="今天早上8点"))
    assert past.reask and not past.commands
    vague = my_orders.on_new_time(CTX, c, TextReceived(**BASE, text="后天"))
    assert vague.reask and "日期和时间" in vague.replies[0].text
    free = RescheduleQuoted(240117, later, 0, Bilingual("免费", "free"))
    out = my_orders.on_reschedule_quote(CTX, c, free)
    assert (
        out.step == my_orders.Step.RESCHEDULE_CONFIRM
        and "11月25日 周三 15:00" in out.replies[0].text
    )
    c.step = my_orders.Step.RESCHEDULE_CONFIRM
    out = my_orders.on_reschedule_choice(CTX, c, choice("yes"))
    assert out.commands == [RescheduleOrder(5, 240117, later, 0)]
    out = my_orders.on_rescheduled(CTX, c, OrderRescheduled(240117, later, 0, True))
    assert out.goto == "menu" and "已改约到 11月25日 周三 15:00" in out.replies[0].text


def test_a_move_with_a_fee_shows_it_and_asks_for_it_first():
    c = conv(step="reschedule_when", number=240117)
    later = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)
    fee = RescheduleQuoted(240117, later, 2_000, Bilingual("不足 24 小时", "within 24 h"))
    out = my_orders.on_reschedule_quote(CTX, c, fee)
    assert out.step == my_orders.Step.RESCHEDULE_CONFIRM
    assert "改约费 ¥20.00" in out.replies[0].text
    assert [o.label for o in out.replies[0].options][0] == "确认并支付 ¥20.00"
    c.step = my_orders.Step.RESCHEDULE_CONFIRM
    out = my_orders.on_reschedule_choice(CTX, c, choice("yes"))
    assert out.commands == [RescheduleOrder(5, 240117, later, 2_000)]


def test_a_reschedule_fee_paid_beyond_the_total_is_named_where_the_paid_amount_is():
    # ¥120 order, ¥12 paid to move it: "paid ¥132" alone would not add up to the total
    out = my_orders.on_order(
        CTX, conv(), shown(paid_cents=13_200, refunded_cents=0, reschedule_fees_cents=1_200)
    )
    assert "合计 ¥120.00,已付 ¥132.00(含改约费 ¥12.00)" in out.replies[0].text
    plain = my_orders.on_order(CTX, conv(), shown(refunded_cents=0)).replies[0].text
    assert "合计 ¥120.00,已付 ¥120.00\n" in plain and "改约费" not in plain


def test_a_reschedule_fee_paid_is_no_part_of_what_is_left_to_pay():
    # ¥120 order, ¥36 deposit and ¥12 to move it: ¥84 is still to pay, not ¥72
    text = (
        my_orders.on_order(
            CTX, conv(), shown(paid_cents=4_800, refunded_cents=0, reschedule_fees_cents=1_200)
        )
        .replies[0]
        .text
    )
    assert "已付 ¥48.00(含改约费 ¥12.00)" in text and "待付 ¥84.00" in text, text


def test_a_settled_order_reads_done_to_its_customer_not_the_books_word():
    settled = replace(ROW, status=OrderStatus.SETTLED)
    [ask] = my_orders.on_order(CTX, conv(), shown(order=settled)).replies
    assert "状态:已完成" in ask.text and "已结算" not in ask.text
    [listed] = my_orders.on_orders(CTX, conv(lang="en"), OrdersListed((settled,))).replies
    assert listed.options[0].label.endswith(" done")


@pytest.mark.parametrize("key", ["pay", "reschedule", "cancel", "yes", "s:5"])
def test_a_button_the_detail_does_not_offer_has_expired_and_the_detail_is_asked_again(key):
    """An order's buttons name it (``act:pay:240117``, global): a bare key at the detail is
    an older message's (an order screen's from before, a checkout's, another question's)."""
    c = conv(step="detail", number=240117)
    out = my_orders.on_detail_choice(CTX, c, choice(key))
    assert out.reask and not out.commands and out.goto is None and out.step is None
    assert out.replies == [Say("这个按钮已过期,请使用下面最新的选项。")]
    for step, handler in (
        ("list", my_orders.on_list_choice),
        ("cancel_confirm", my_orders.on_cancel_confirm),
        ("pay", my_orders.on_pay),
        ("reschedule_when", my_orders.on_reschedule_choice),
    ):
        if key in ("yes", "pay") and step in ("cancel_confirm", "pay"):
            continue  # that screen's own button
        out = handler(CTX, conv(step=step, number=240117), choice(key))
        assert out.replies == [Say("这个按钮已过期,请使用下面最新的选项。")] and out.reask


def test_paying_or_confirming_by_an_orders_button_is_done_on_its_detail():
    """A refusal (paid already, cancelled) is then said with the order's detail."""
    c = conv(action="pay", number=240117)
    out = my_orders.enter(CTX, c)
    assert out.step == my_orders.Step.DETAIL and out.commands == [RequestPayment(5, 240117)]
    c = conv(action="confirm", number=240117)
    out = my_orders.enter(CTX, c)
    assert out.step == my_orders.Step.DETAIL and out.commands == [ConfirmOrder(5, 240117)]
    assert (my_orders.Step.DETAIL, OrderConfirmed) in my_orders.TRANSITIONS


def test_a_move_the_order_no_longer_allows_says_why_with_its_detail():
    c = conv(action="reschedule", number=240117)
    my_orders.enter(CTX, c)
    row = OrderRow(240117, ROW.item, START, OrderStatus.CANCELLED, 12_000)
    out = my_orders.on_order(CTX, c, shown(order=row, actions=(CustomerAction.REORDER,)))
    assert out.step == my_orders.Step.DETAIL
    assert out.replies[0] == Say("订单 #240117 已取消,无法改约时间。")
    assert out.replies[1].text.startswith("#240117 日常保洁")
