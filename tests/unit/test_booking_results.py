"""The typed results of booking, checkout, payment and sign-up, driven through the flows that
read them: values in, replies and the next step out."""

from dataclasses import replace
from datetime import UTC, datetime

from conversations.events import ChoiceMade
from conversations.flows import booking, checkout, my_orders, paid_in_chat, start, support
from conversations.flows.base import Ctx
from conversations.flows.booking_draft import Draft
from conversations.replies import Ask, AskLocation, Invoice, Link, Say
from conversations.results.booking import (
    AddressesFound,
    CouponChoice,
    OrderPaid,
    OrderPlaced,
    PaidTooLate,
    PaymentDue,
    PaymentRequested,
    PaymentUnavailable,
    QuoteLineView,
    QuoteReady,
    SavedAddress,
    SupportMessageSent,
)
from conversations.results.customers import CustomerRegistered, WelcomeCoupon
from conversations.state import Conversation
from domain.commands import ConfirmSandboxPayment
from domain.queries import PreviewQuote
from domain.text import Bilingual
from store.catalog_file import load_catalog

CATALOG, RULES = load_catalog()
NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # 09:00 Monday in Shanghai
CTX = Ctx(CATALOG, RULES, NOW, "https://daojia.example")
BASE = {"channel": "web", "user_id": "u1", "at": NOW}
START = datetime.fromisoformat("2026-11-24T15:00:00+08:00")
READY = Draft(
    category="cleaning",
    item="daily_cleaning",
    options=[],
    quantity=2,
    area_sqm=60,
    day=START.date(),
    start=START,
    address_text="浦东新区世纪大道100号 5楼",
    notes="",
)
QUOTE = QuoteReady(
    lines=(QuoteLineView(Bilingual("日常保洁 2 小时", "Daily cleaning 2 h"), 8000),),
    total_cents=8000,
    deposit_cents=0,
    coupon_code=None,
    coupons=(
        CouponChoice("W1", Bilingual("满¥100.00减¥20.00", "¥20.00 off orders over ¥100.00")),
    ),
    points_available=300,
    use_points=False,
    summary=Bilingual("11月24日 15:00,预计 2 小时", "Tue 24 Nov 15:00, about 2 h"),
)
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
PAID = OrderPaid(240117, 8000, no_worker=False, held=False, balance=False, new=True)


def at_checkout(step: str = "quote", lang: str = "zh") -> Conversation:
    conv = Conversation(flow="checkout", step=step, customer_id=7, lang=lang)
    booking.keep(conv, READY)
    checkout.keep(conv, checkout.State())
    return conv


def texts(replies) -> str:
    return "\n".join(getattr(r, "text", "") for r in replies)


def test_sign_up_takes_the_customer_and_shows_the_welcome_coupon():
    conv = Conversation(
        flow="start", step="signing_up", lang="en", data={"start": {"referral": "AB"}}
    )
    welcome = WelcomeCoupon("WABC", amount_cents=2000, threshold_cents=10000)
    out = start.on_registered(CTX, conv, CustomerRegistered(42, welcome))
    assert conv.customer_id == 42 and "start" not in conv.data and out.goto == "menu"
    assert "¥20.00 off orders of ¥100.00" in texts(out.replies)
    assert "not combined" in texts(out.replies)  # the rules: coupon or first-order discount
    again = start.on_registered(CTX, Conversation(), CustomerRegistered(42, None))
    assert [r.text for r in again.replies] == ["欢迎回来!"]
    stacking = replace(RULES, coupons=replace(RULES.coupons, stacks_with_first_order=True))
    ctx = Ctx(CATALOG, stacking, NOW, "https://daojia.example")
    both = start.on_registered(ctx, Conversation(), CustomerRegistered(43, welcome))
    assert "首单另减¥50.00" in texts(both.replies)


def test_saved_addresses_are_offered_as_choices_with_the_location_button():
    conv = Conversation(flow="booking", step="address", customer_id=7)
    found = AddressesFound((SavedAddress(3, "浦东新区世纪大道100号…"),))
    ask, location = booking.on_addresses(CTX, conv, found).replies
    assert isinstance(ask, Ask) and isinstance(location, AskLocation)
    assert [(o.key, o.label) for o in ask.options] == [("addr:3", "浦东新区世纪大道100号…")]
    [none, _] = booking.on_addresses(CTX, conv, AddressesFound(())).replies
    assert none.options == () and "直接输入" in none.text


def test_the_quote_is_shown_line_by_line_and_remembered_for_confirm_and_coupons():
    conv = at_checkout(lang="en")
    assert checkout.ask(CTX, conv).commands == [PreviewQuote(booking.booking(CTX, conv))]
    [quote] = checkout.on_quote(CTX, conv, QUOTE).replies
    assert isinstance(quote, Ask)
    assert "· Daily cleaning 2 h  ¥80.00" in quote.text and "Total: ¥80.00" in quote.text
    assert "Tue 24 Nov 15:00" in quote.text
    keys = [o.key for o in quote.options]
    assert keys == ["confirm", "coupon", "points", "time", "area"]
    assert checkout.state(conv).total_cents == 8000
    conv.step = "coupon"
    [coupons] = checkout.ask(CTX, conv).replies
    assert [o.label for o in coupons.options][0] == "¥20.00 off orders over ¥100.00"


def test_an_order_placed_is_paid_from_the_pay_step_and_ends_at_the_menu():
    conv = at_checkout()
    out = checkout.on_placed(CTX, conv, OrderPlaced(DUE))
    assert out.step == "pay" and "#240117" in texts(out.replies)
    assert "09:30 前支付" in texts(out.replies)  # 01:30 UTC, shown in Shanghai time
    conv.step = "pay"
    link, ask = checkout.ask(CTX, conv).replies
    assert isinstance(link, Link) and link.url == DUE.pay_url and "¥80.00" in ask.text
    stale = checkout.on_pay(CTX, conv, ChoiceMade(**BASE, key="reschedule"))  # an older one's
    assert stale.reask and not stale.commands and "这个按钮已过期" in texts(stale.replies)
    pay = checkout.on_pay(CTX, conv, ChoiceMade(**BASE, key="pay"))
    assert pay.commands == [ConfirmSandboxPayment("SBX1", 7)]
    out = checkout.on_paid(CTX, conv, PAID)
    assert out.goto == "menu" and "支付成功 ¥80.00" in texts(out.replies)
    assert "booking" not in conv.data and "checkout" not in conv.data


def test_without_a_payment_provider_nothing_is_placed_or_the_order_stays_unpaid():
    conv = at_checkout()
    out = checkout.on_unavailable(CTX, conv, PaymentUnavailable())
    assert out.goto == "menu" and "订单没有提交" in texts(out.replies)
    assert "booking" not in conv.data
    later = checkout.on_sandbox_gone(CTX, at_checkout("pay"), PaymentUnavailable())
    assert later.goto == "menu" and "请联系客服" in texts(later.replies)
    assert "订单没有提交" not in texts(later.replies)


def test_a_held_or_unassigned_payment_says_so():
    held = OrderPaid(240117, 0, no_worker=False, held=True, balance=False, new=True)
    assert "审核" in texts(checkout.on_paid(CTX, at_checkout("pay"), held).replies)
    nobody = OrderPaid(240117, 0, no_worker=True, held=False, balance=False, new=True)
    assert "人工安排" in texts(checkout.on_paid(CTX, at_checkout("pay"), nobody).replies)


def test_a_payment_credited_before_says_it_was_paid_already_not_paid_again():
    """The pay page and the chat's button at once: one credit, one "支付成功"; the other
    attempt (``new=False``) says only that it was paid."""
    again = replace(PAID, new=False)
    for out in (
        checkout.on_paid(CTX, at_checkout("pay"), again),
        my_orders.on_paid(CTX, Conversation(flow="orders", step="pay", customer_id=7), again),
        paid_in_chat.on_paid(
            CTX, Conversation(flow="payment", step="credit", customer_id=7), again
        ),
        paid_in_chat.on_paid(
            CTX,
            Conversation(flow="payment", step="credit", customer_id=7),
            replace(again, balance=True),
        ),
    ):
        said = texts(out.replies)
        assert "订单 #240117 的这笔款项已支付过,无需重复支付。" in said, said
        assert "支付成功" not in said and "尾款已付清" not in said and out.goto == "menu"


def test_my_orders_keeps_the_payment_request_and_shows_a_telegram_invoice():
    conv = Conversation(flow="orders", step="detail", customer_id=7, data={"orders": {}})
    invoice = PaymentDue(240117, 3000, None, "TG1", "telegram", "", (("定金", 3000),), "到家")
    out = my_orders.on_payment_requested(CTX, conv, PaymentRequested(invoice))
    assert out.step == "pay" and out.reask
    conv.step = "pay"
    bill, ask = my_orders.ask(CTX, conv).replies
    assert bill == Invoice("到家", "应付 ¥30.00", "TG1", (("定金", 3000),))
    assert [o.key for o in ask.options] == ["later"]
    out = my_orders.on_paid(CTX, conv, PAID)
    assert out.goto == "menu" and "orders" not in conv.data


def test_a_telegram_payment_is_credited_or_said_to_go_back():
    conv = Conversation(flow="payment", step="credit", customer_id=7)
    booking.keep(conv, READY)
    out = paid_in_chat.on_paid(CTX, conv, PAID)
    assert out.goto == "menu" and "支付成功" in texts(out.replies) and "booking" not in conv.data
    balance = OrderPaid(
        240117, 5000, no_worker=False, held=False, balance=True, new=True, finished=True
    )
    assert "尾款已付清" in texts(paid_in_chat.on_paid(CTX, conv, balance).replies)
    late = paid_in_chat.on_paid_late(CTX, conv, PaidTooLate(240117, 8000, new=True))
    assert late.goto == "menu" and "已取消" in texts(late.replies)
    assert "¥80.00" in texts(late.replies)


def test_a_message_to_support_opens_a_ticket_and_stays_in_its_chat():
    conv = Conversation(flow="support", step="write", customer_id=7, lang="en")
    out = support.on_sent(CTX, conv, SupportMessageSent(12, opened=True))
    assert out.step == "chat" and isinstance(out.replies[0], Say)
    assert "Passed to support (ticket T12)" in out.replies[0].text
    more = support.on_sent(CTX, conv, SupportMessageSent(12, opened=False))
    assert more.step == "chat" and "T12" in more.replies[0].text


def test_the_flow_tables_are_keyed_on_the_result_types():
    assert checkout.TRANSITIONS[(checkout.Step.QUOTE, QuoteReady)].__name__ == "on_quote"
    assert checkout.TRANSITIONS[(checkout.Step.PAY, OrderPaid)].__name__ == "on_paid"
    assert (booking.Step.ADDRESS, AddressesFound) in booking.TRANSITIONS
    assert (start.Step.SIGNING_UP, CustomerRegistered) in start.TRANSITIONS
    assert (paid_in_chat.Step.CREDIT, PaidTooLate) in paid_in_chat.TRANSITIONS


def test_a_promo_code_typed_is_taken_only_when_its_quote_comes_back():
    from dataclasses import replace

    from conversations.events import Failed, TextReceived
    from domain.text import N_

    conv = at_checkout("coupon")
    bad = checkout.on_promo(CTX, conv, TextReceived(**BASE, text="满减!"))
    assert "优惠码由字母和数字组成" in texts(bad.replies) and not bad.commands
    out = checkout.on_promo(CTX, conv, TextReceived(**BASE, text="spring20"))
    [query] = out.commands
    assert isinstance(query, PreviewQuote) and query.booking.coupon_code == "SPRING20"
    assert booking.draft(conv).coupon is None  # nothing taken yet
    shown = checkout.on_promo_quote(CTX, conv, replace(QUOTE, instead=("coupon", "first_order")))
    assert shown.step == "quote" and booking.draft(conv).coupon == "SPRING20"
    assert "优惠券与新客首单立减不能同时使用,已为您选择更划算的优惠券。" in texts(shown.replies)
    conv.step = "quote"  # the code used up meanwhile: the best coupon held instead
    refused = checkout.on_refused(CTX, conv, Failed(N_("优惠码 {code} 已被领完", code="X")))
    assert "已被领完" in texts(refused.replies) and refused.reask
    assert booking.draft(conv).coupon is None


def test_a_balance_paid_after_the_job_asks_to_confirm_it_on_every_way_of_paying():
    # the sandbox's button, 我的订单's pay and the pay page said "finding a worker" for a
    # finished job's balance; only a Telegram invoice said it was paid in full
    done = OrderPaid(240117, 40_736, False, False, balance=True, new=True, finished=True)
    period = replace(done, finished=False)  # a long placement's period, while it runs
    for paid, said in (
        (done, "尾款已付清,谢谢!请确认完成订单 #240117。"),
        (period, "支付成功 ¥407.36!订单 #240117 的这笔款项已收到,谢谢。"),
    ):
        for out in (
            checkout.on_paid(CTX, at_checkout("pay"), paid),
            my_orders.on_paid(CTX, Conversation(flow="orders", step="pay", customer_id=7), paid),
            paid_in_chat.on_paid(
                CTX, Conversation(flow="payment", step="credit", customer_id=7), paid
            ),
        ):
            text = texts(out.replies)
            assert said in text and "安排师傅" not in text, text
