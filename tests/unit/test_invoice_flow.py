"""The invoice flow driven with its typed results: the orders offered, last time's title and
email offered again, a wrong answer at any step answered with nothing changed, the seeded
order of 我的订单, and the words and commands that reach it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from conversations.events import ChoiceMade, CommandReceived, Failed, TextReceived
from conversations.flows import global_words, invoice
from conversations.flows.base import Outcome
from conversations.flows.registry import CUSTOMER_FLOWS
from conversations.replies import Ask
from conversations.results.invoices import (
    Invoiceable,
    InvoiceChoices,
    Invoiced,
    InvoicesRequested,
)
from conversations.state import Conversation
from domain.commands import RequestInvoice
from domain.invoices import TitleDefaults
from domain.queries import LoadInvoiceable
from domain.text import N_
from tests.unit.test_flows import CTX, NOW

BASE = {"channel": "telegram", "user_id": "1", "at": NOW}
TAX_ID = "91350100M000100Y43"
ORDERS = (
    Invoiceable(240117, "日常保洁", "daily_cleaning", NOW - timedelta(days=2), 3_000),
    Invoiceable(240118, "日常保洁", "daily_cleaning", NOW - timedelta(days=1), 12_000),
)


def conv(lang: str = "zh") -> Conversation:
    return Conversation(flow="invoice", step="choose", customer_id=5, lang=lang)


def run(c: Conversation, event) -> Outcome:
    """One event through the flow as the engine would: the handler, then its step."""
    handler = invoice.TRANSITIONS[(invoice.Step(c.step), type(event))]
    out = handler(CTX, c, event)
    if out.step is not None:
        c.step = out.step
    if out.reask:
        asked = invoice.ask(CTX, c)
        out = Outcome([*out.replies, *asked.replies], asked.commands or out.commands, out.step)
    return out


def text(out: Outcome) -> str:
    parts = [r.text for r in out.replies]
    parts += [o.label for r in out.replies if isinstance(r, Ask) for o in r.options]
    return "\n".join(parts)


def said(c: Conversation, typed: str) -> Outcome:
    return run(c, TextReceived(**BASE, text=typed))


def pressed(c: Conversation, key: str) -> Outcome:
    return run(c, ChoiceMade(**BASE, key=key))


def test_entering_loads_the_orders_and_lists_them_with_their_amounts():
    c = conv()
    assert invoice.enter(CTX, c).commands == [LoadInvoiceable(5)]
    out = run(c, InvoiceChoices(ORDERS))
    assert "#240117 日常保洁 ¥30.00" in text(out) and "全部 2 个订单(¥150.00)" in text(out)
    assert c.step == "choose"


def test_no_order_to_invoice_says_so_and_goes_back_to_the_menu():
    c = conv()
    invoice.enter(CTX, c)
    out = run(c, InvoiceChoices(()))
    assert "没有可以开发票的金额" in text(out) and out.goto == "menu"


def test_a_company_invoice_wrong_answers_change_nothing_and_the_request_is_made():
    c = conv()
    invoice.enter(CTX, c)
    run(c, InvoiceChoices(ORDERS))
    out = said(c, "123456")  # not an order offered
    assert "不能开发票" in text(out) and c.step == "choose"
    pressed(c, "o:240118")
    assert c.step == "kind"
    out = said(c, "随便")
    assert "请选择「个人」或「单位」" in text(out) and c.step == "kind"
    said(c, "公司")
    assert c.step == "title"
    out = said(c, "x")
    assert "2 到 100 个字" in text(out) and c.step == "title"
    said(c, "上海到家科技有限公司")
    out = said(c, TAX_ID[:-1] + "0")
    assert "税号不对" in text(out) and c.step == "tax_id"
    assert c.data["invoice"]["tax_id"] == ""
    said(c, TAX_ID)
    out = said(c, "not-an-email")
    assert "邮箱地址格式不对" in text(out) and c.step == "email"
    out = said(c, "a@example.com")
    assert c.step == "confirm" and "¥120.00" in text(out) and TAX_ID in text(out)
    out = said(c, "好的")
    assert "确认开票" in text(out) and c.step == "confirm"
    out = pressed(c, "yes")
    assert out.commands == [
        RequestInvoice(
            5, (240118,), "company", "上海到家科技有限公司", TAX_ID, "a@example.com", "zh"
        )
    ]
    out = run(c, InvoicesRequested((240118,), 12_000, emailed=False))
    assert "正在开具" in text(out) and "邮箱" not in text(out) and out.goto == "menu"


def test_last_time_s_title_and_email_are_offered_again():
    c = conv()
    invoice.enter(CTX, c)
    last = TitleDefaults("company", "上海到家科技有限公司", TAX_ID, "a@example.com")
    run(c, InvoiceChoices(ORDERS, last))
    out = pressed(c, "all")
    assert "和上次一样:上海到家科技有限公司" in text(out)
    out = pressed(c, "same")
    assert c.step == "email" and "发到 a@example.com" in text(out)
    out = pressed(c, "email_same")
    assert c.step == "confirm" and "¥150.00" in text(out) and TAX_ID in text(out)
    assert pressed(c, "yes").commands[0].numbers == (240117, 240118)


def test_a_refusal_is_said_and_quitting_changes_nothing():
    c = conv()
    invoice.enter(CTX, c)
    run(c, InvoiceChoices(ORDERS))
    pressed(c, "o:240117")
    out = pressed(c, "personal")
    assert c.step == "email"
    said(c, "a@example.com")
    out = run(c, Failed(N_("订单 #{number} 已经申请过发票。", number=240117)))
    assert "已经申请过发票" in text(out) and out.goto == "menu"
    c = conv()
    invoice.enter(CTX, c)
    run(c, InvoiceChoices(ORDERS))
    out = pressed(c, "menu")
    assert "没有开发票" in text(out) and out.goto == "menu" and out.commands == []


def test_the_order_of_my_orders_is_chosen_at_once_or_said_not_to_be_invoiceable():
    c = conv()
    invoice.seed(c, invoice.InvoiceData(number=240117))
    invoice.enter(CTX, c)
    run(c, InvoiceChoices(ORDERS))
    assert c.step == "kind" and list(c.data["invoice"]["numbers"]) == [240117]
    c = conv()
    invoice.seed(c, invoice.InvoiceData(number=999999))
    invoice.enter(CTX, c)
    out = run(c, InvoiceChoices(ORDERS))
    assert "订单 #999999 不能开发票" in text(out) and c.step == "choose"


PARTLY = (  # the deposit invoiced, the balance paid since
    Invoiceable(240119, "深度保洁", "deep_cleaning", NOW - timedelta(days=1), 51_100, 21_900),
)
DONE = (Invoiced(240117, 3_000, 3_000, 1), Invoiced(240120, 73_000, 73_000, 2))


def test_an_order_paid_since_its_invoice_is_offered_for_the_rest_naming_what_was_invoiced():
    c = conv()
    invoice.enter(CTX, c)
    out = run(c, InvoiceChoices(PARTLY, invoiced=DONE))
    assert "#240119 深度保洁 ¥511.00(另有 ¥219.00 已开票)" in text(out)
    out = said(c, "240120")  # all invoiced: said so, the list stays
    assert "订单 #240120 已付 ¥730.00 已全部申请过发票(2 张,共 ¥730.00)" in text(out)
    assert c.step == "choose"
    out = pressed(c, "o:240119")
    assert c.step == "kind"


def test_nothing_new_to_invoice_names_what_was_invoiced():
    c = conv()
    invoice.enter(CTX, c)
    out = run(c, InvoiceChoices((), invoiced=DONE))
    assert "没有可以开发票的金额" in text(out) and out.goto == "menu"
    assert "订单 #240117:已申请发票 1 张,共 ¥30.00" in text(out)
    assert "订单 #240120:已申请发票 2 张,共 ¥730.00" in text(out)
    c = conv()
    invoice.seed(c, invoice.InvoiceData(number=240120))  # the button of 我的订单
    invoice.enter(CTX, c)
    out = run(c, InvoiceChoices((), invoiced=DONE))
    assert text(out) == (
        "订单 #240120 已付 ¥730.00 已全部申请过发票(2 张,共 ¥730.00),"
        "目前没有新的可开票金额;之后再付的款可以再申请。"
    )
    assert out.goto == "menu"
    c = conv("en")
    invoice.enter(CTX, c)
    out = run(c, InvoiceChoices((), invoiced=DONE))
    assert "Order #240117: 1 invoice asked for, ¥30.00" in text(out)
    assert "Order #240120: 2 invoices asked for, ¥730.00 in all" in text(out)
    c = conv("en")
    invoice.enter(CTX, c)
    out = run(c, InvoiceChoices(PARTLY, invoiced=DONE))
    assert "¥511.00 (¥219.00 invoiced before)" in text(out)
    out = said(c, "240117")
    assert "Everything paid on order #240117 (¥30.00) is already invoiced (1 invoice," in text(out)
    assert not [line for line in text(out).split("\n") if "张" in line or "已" in line]


@pytest.mark.parametrize(
    ("lang", "shown"), [("en", "Same as last time: Personal"), ("zh", "和上次一样:个人")]
)
def test_last_time_s_personal_title_is_its_kind_in_the_reader_s_language(lang, shown):
    c = conv(lang)
    invoice.enter(CTX, c)
    run(c, InvoiceChoices(ORDERS, TitleDefaults("personal", "个人", "", "a@example.com")))
    out = pressed(c, "all")
    assert shown in text(out)
    if lang == "en":
        assert "个人" not in text(out)
    out = pressed(c, "same")
    assert c.step == "email"


def test_in_english_no_chinese_is_shown_but_the_names():
    c = conv("en")
    invoice.enter(CTX, c)
    out = run(c, InvoiceChoices(ORDERS))
    assert "Which order is the electronic invoice for?" in text(out)
    assert "#240117 " in text(out) and "All 2 orders (¥150.00)" in text(out)
    assert not [line for line in text(out).split("\n") if "日常" in line]


@pytest.mark.parametrize("typed", ["发票", "开发票", "Invoice", "电子发票"])
def test_the_words_start_the_flow_from_anywhere(typed):
    c = Conversation(flow="me", step="shown", customer_id=5)
    out = global_words.route(CUSTOMER_FLOWS, CTX, c, TextReceived(**BASE, text=typed))
    assert out is not None and out.goto == "invoice"


@pytest.mark.parametrize(
    "typed", ["invoice #240117", "发票 #240117", "开发票240117", "/invoice #240117"]
)
def test_the_words_with_an_order_number_start_the_flow_on_that_order(typed):
    """Like the other "word #N" commands: from the main menu, the number kept for the flow."""
    c = Conversation(flow="menu", step="menu", customer_id=5)
    out = global_words.route(CUSTOMER_FLOWS, CTX, c, TextReceived(**BASE, text=typed))
    assert out is not None and out.goto == "invoice"
    assert "240117" in str(c.data.get(invoice.NAME)), c.data  # the order the flow starts on


@pytest.mark.parametrize("typed", ["invoice please", "发票怎么开"])
def test_words_after_the_word_without_a_number_are_free_text(typed):
    c = Conversation(flow="menu", step="menu", customer_id=5)
    assert global_words.route(CUSTOMER_FLOWS, CTX, c, TextReceived(**BASE, text=typed)) is None


def test_the_command_starts_the_flow_and_a_stranger_signs_up_first():
    c = Conversation(flow="menu", step="menu", customer_id=5)
    event = CommandReceived(**BASE, command="invoice")
    assert global_words.route(CUSTOMER_FLOWS, CTX, c, event).goto == "invoice"
    stranger = Conversation(flow="menu", step="menu")
    assert global_words.route(CUSTOMER_FLOWS, CTX, stranger, event).goto == "start"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_admin_list_names_a_personal_title_by_its_kind_alone(lang):
    from conversations.flows import admin_staff_views
    from conversations.results.invoices import InvoiceLine, InvoicesListed
    from domain.invoices import InvoiceStatus

    c = Conversation(flow="admin", step="menu", lang=lang)
    lines = (
        InvoiceLine(
            1, 240117, 3_000, InvoiceStatus.REQUESTED, "personal", "个人", "", "", NOW, False
        ),
        InvoiceLine(
            2, 240118, 3_000, InvoiceStatus.REQUESTED, "company", "上海到家", "", "", NOW, False
        ),
    )
    out = admin_staff_views.invoices(CTX, c, InvoicesListed((), lines, ()))
    shown = "\n".join(r.text for r in out.replies)
    assert ("Personal" if lang == "en" else "个人") in shown and "上海到家" in shown
    assert shown.count("个人") == (0 if lang == "en" else 1)
