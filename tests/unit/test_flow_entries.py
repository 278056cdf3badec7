"""How one flow enters another: the target flow owns the typed data it starts with and the
``seed`` that stores it; the data survives the stored JSON field for field, and a stored
shape that does not fit (an older release's) reads as nothing rather than failing."""

from dataclasses import asdict
from datetime import UTC, datetime

import pytest

from conversations.events import ChoiceMade, CommandReceived, PaymentReceived, TextReceived
from conversations.flows import (
    admin_console,
    after_sales,
    global_words,
    menu,
    my_orders,
    paid_in_chat,
    recurring,
    start,
    worker,
)
from conversations.flows.base import Ctx
from conversations.flows.flow_state import read
from conversations.flows.registry import CUSTOMER_FLOWS
from conversations.state import Conversation
from domain import commands as c
from domain.queries import CheckFeedback
from store.catalog_file import load_catalog

CATALOG, RULES = load_catalog()
NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
CTX = Ctx(CATALOG, RULES, NOW, "https://daojia.example")
OPS = Ctx(CATALOG, RULES, NOW, "https://daojia.example", admin_role="ops")
BASE = {"channel": "telegram", "user_id": "5", "at": NOW, "message_id": "m1"}

SEEDS = [
    (paid_in_chat.seed, paid_in_chat.NAME, paid_in_chat.PaymentData("R1", "telegram", "ch", 80)),
    (
        admin_console.seed,
        admin_console.NAME,
        admin_console.AdminCommand("refund", 240117, "50 坏了", "telegram:5", "telegram:5:m1"),
    ),
    (worker.seed, worker.ACTION, worker.WorkerAction("photo", 240117, "after")),
    (start.seed, start.NAME, start.StartData(referral="AB12")),
    (after_sales.seed, after_sales.NAME, after_sales.FeedbackData("rate", 240117)),
    (my_orders.seed, my_orders.NAME, my_orders.OrdersData(mode=my_orders.REORDER)),
    (recurring.seed, recurring.NAME, recurring.RecurringData(number=240117)),
]


@pytest.mark.parametrize(("seed", "key", "data"), SEEDS, ids=[s[1] for s in SEEDS])
def test_seeded_data_survives_the_stored_json_field_for_field(seed, key, data):
    conv = Conversation()
    seed(conv, data)
    assert conv.data == {key: asdict(data)}  # plain JSON under the flow's own key
    again = Conversation.loads(conv.dumps())
    assert again is not None and read(type(data), again.data[key]) == data


@pytest.mark.parametrize(("seed", "key", "data"), SEEDS, ids=[s[1] for s in SEEDS])
def test_a_stored_shape_that_does_not_fit_reads_as_none(seed, key, data):
    for raw in ("x", [], {"unknown": 1}, {**asdict(data), "number": "240117"}):
        assert read(type(data), raw) is None


def route(conv: Conversation, event, ctx: Ctx = CTX):
    return global_words.route(CUSTOMER_FLOWS, ctx, conv, event)


def entered(conv: Conversation, out, ctx: Ctx = CTX):
    """Where the engine's ``goto`` lands: the flow's ``enter``."""
    assert out.goto is not None
    flow = CUSTOMER_FLOWS[out.goto]
    conv.flow, conv.step = out.goto, str(flow.FIRST)
    return flow.enter(ctx, conv)


def test_a_payment_the_chat_collected_is_credited_by_the_payment_flow():
    conv = Conversation(flow="booking", step="notes", customer_id=7)
    event = PaymentReceived(
        **BASE, reference="R1", provider="telegram", provider_ref="ch_1", amount_cents=8_000
    )
    out = entered(conv, route(conv, event))
    assert out.commands == [c.ConfirmPayment("R1", "telegram", "ch_1", 8_000, 7)]
    assert "payment" not in conv.data


@pytest.mark.parametrize("raw", [{"reference": "R1", "amount": 80}, "R1", {}])
def test_a_payment_of_another_shape_goes_home_without_crediting_anything(raw):
    conv = Conversation(flow="payment", step="credit", customer_id=7, data={"payment": raw})
    out = paid_in_chat.enter(CTX, conv)
    assert out.goto == "menu" and not out.commands and "payment" not in conv.data


def test_an_admin_command_is_run_by_the_console_as_typed():
    conv = Conversation(flow="menu", step="menu", role="admin")
    out = route(conv, CommandReceived(**BASE, command="release", args="#240117"), OPS)
    assert out.goto == "admin"
    out = entered(conv, out, OPS)
    assert out.commands == [c.ReleaseOrder("telegram:5", "ops", 240117)]
    assert "admin" not in conv.data


@pytest.mark.parametrize("raw", [{"name": "release", "number": "240117"}, {"number": 1}, "x"])
def test_an_admin_command_of_another_shape_shows_the_console(raw):
    conv = Conversation(flow="admin", step="console", role="admin", data={"admin": raw})
    out = admin_console.enter(OPS, conv)
    assert not out.commands and "/orders" in out.replies[0].text and "admin" not in conv.data


def test_a_workers_typed_action_is_carried_out_by_the_worker_flow():
    conv = Conversation(flow="menu", step="menu", worker_id=9, lang="en")
    out = entered(conv, route(conv, ChoiceMade(**BASE, key="act:accept:240117")))
    assert out.commands == [c.AcceptOffer(9, 240117)]
    assert conv.data == {"worker": {"number": None, "kind": None}}


def test_a_worker_action_of_another_shape_shows_the_jobs_menu():
    conv = Conversation(flow="worker", step="menu", worker_id=9, role="worker")
    conv.data[worker.ACTION] = {"name": "accept", "number": "240117"}
    out = worker.enter(CTX, conv)
    assert out.commands == worker.ask(CTX, conv).commands and worker.ACTION not in conv.data


def test_a_customers_action_on_an_order_enters_the_flow_that_does_it():
    conv = Conversation(flow="menu", step="menu", customer_id=7, lang="en")
    out = entered(conv, route(conv, ChoiceMade(**BASE, key="act:confirm:240117")))
    assert out.commands == [c.ConfirmOrder(7, 240117)]
    out = entered(conv, route(conv, TextReceived(**BASE, text="投诉 #240117")))
    assert out.step == after_sales.Step.CHECKING  # the order is checked first
    assert out.commands == [CheckFeedback(7, 240117, "complain")]
    assert conv.data["feedback"] == asdict(after_sales.FeedbackData("complain", 240117))


@pytest.mark.parametrize("how", ["command", "menu"])
def test_book_again_enters_my_orders_to_pick_the_order(how):
    conv = Conversation(flow="menu", step="menu", customer_id=7, lang="en")
    if how == "command":
        out = route(conv, CommandReceived(**BASE, command="reorder"))
    else:
        out = menu.on_choice(CTX, conv, ChoiceMade(**BASE, key="reorder"))
    entered(conv, out)
    assert read(my_orders.OrdersData, conv.data["orders"]) == my_orders.OrdersData(mode="reorder")


def test_the_referral_of_a_start_link_is_kept_through_cancel_until_the_sign_up():
    conv = Conversation(flow="start", step="language", lang="en")
    out = route(conv, CommandReceived(**BASE, command="start", args="ref_AB12"))
    assert out.goto == "start"
    assert route(conv, CommandReceived(**BASE, command="menu")).goto == "start"  # clears
    conv.step = "phone"
    out = start.on_phone(CTX, conv, TextReceived(**BASE, text="13912345678"))
    assert out.commands == [c.RegisterCustomer("telegram", "5", "13912345678", "en", "", "AB12")]


@pytest.mark.parametrize("data", [{"referral": "AB12"}, {"start": "AB12"}, {"start": {"ref": 1}}])
def test_a_referral_of_another_shape_signs_up_without_one(data):
    conv = Conversation(flow="start", step="phone", lang="en", data=data)
    out = start.on_phone(CTX, conv, TextReceived(**BASE, text="13912345678"))
    assert out.commands == [c.RegisterCustomer("telegram", "5", "13912345678", "en", "", "")]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_button_that_is_none_of_the_menus_has_expired_and_the_menu_is_asked_again(lang):
    """An older message's (an order's "pay" from before its buttons named it, a checkout's
    "确认支付" after paying): said, in the person's language, never a silent menu."""
    conv = Conversation(flow="menu", step="menu", customer_id=7, lang=lang)
    out = menu.on_choice(CTX, conv, ChoiceMade(**BASE, key="pay"))
    assert out.reask and not out.commands and out.goto is None
    [said] = out.replies
    expected = {"zh": "这个按钮已过期", "en": "That button has expired"}[lang]
    assert said.text.startswith(expected)
