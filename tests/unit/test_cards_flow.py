"""次卡 driven with the typed results of its query and commands: the cards held and on sale,
choosing and confirming one, paying it in the sandbox, keeping it for later, the card active;
and the words and ``/cards`` reaching it from every state."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

from conversations.events import ChoiceMade, CommandReceived, TextReceived
from conversations.flows import cards, global_words, me
from conversations.flows.checkout_state import due_to_json
from conversations.flows.registry import CUSTOMER_FLOWS
from conversations.replies import Ask, Say
from conversations.results.booking import PaymentDue
from conversations.results.cards import CardHeld, CardOnSale, CardOrdered, CardPaid, CardsShown
from conversations.state import Conversation
from domain.cards import CardStatus
from domain.commands import BuyCard, ConfirmSandboxPayment
from domain.queries import LoadCards
from domain.text import Bilingual
from tests.unit.test_flows import CTX, NOW

BASE = {"channel": "telegram", "user_id": "1", "at": NOW}
NAME = Bilingual("日常保洁 12 次卡", "Daily cleaning 12-visit card")
ITEM = Bilingual("日常保洁", "Daily cleaning")
PRODUCT = CTX.catalog.cards[0]
DUE = PaymentDue(7, 90_000, None, "SBC1", "sandbox", "https://x/pay/sandbox/SBC1", (), "t")


def conv(step: str = "list", lang: str = "zh", **data) -> Conversation:
    return Conversation(
        flow="cards",
        step=step,
        lang=lang,
        customer_id=5,
        channel="telegram",
        data={"cards": {"product_id": "", "due": "", **data}},
    )


def shown() -> CardsShown:
    held = (
        CardHeld(3, NAME, (ITEM,), 11, NOW + timedelta(days=200), CardStatus.ACTIVE),
        CardHeld(2, NAME, (ITEM,), 0, NOW - timedelta(days=1), CardStatus.EXPIRED),
    )
    sale = CardOnSale(PRODUCT.id, NAME, (ITEM,), 12, 2, 90_000, 365, Bilingual("2 小时", "2 h"))
    return CardsShown(held, (sale,))


def test_the_screen_lists_cards_held_and_on_sale_in_one_language():
    out = cards.on_shown(CTX, conv(), shown())
    text = "\n".join(r.text for r in out.replies)
    assert "· #3 日常保洁 12 次卡(日常保洁):剩 11 次,有效期至 2027年6月11日 周五" in text
    assert "· #2 日常保洁 12 次卡(日常保洁):已过期" in text
    assert "12 次送 2 次,¥900.00,购买后 365 天内有效(每次抵 2 小时)" in text
    assert "expired" not in text and "active" not in text
    ask = out.replies[-1]
    assert isinstance(ask, Ask)
    assert [o.key for o in ask.options] == [f"buy:{PRODUCT.id}", "me", "menu"]
    english = cards.on_shown(CTX, conv(lang="en"), shown())
    assert "11 visits left" in "\n".join(r.text for r in english.replies)


def test_a_card_chosen_is_confirmed_bought_and_paid_in_the_sandbox():
    c = conv()
    out = cards.on_list_choice(CTX, c, ChoiceMade(**BASE, key=f"buy:{PRODUCT.id}"))
    assert out.step == cards.Step.CONFIRM and c.data["cards"]["product_id"] == PRODUCT.id
    c.step = cards.Step.CONFIRM
    asked = cards.ask(CTX, c)
    assert "¥900.00" in asked.replies[0].text
    out = cards.on_confirm(CTX, c, ChoiceMade(**BASE, key="confirm"))
    assert out.commands == [BuyCard(5, "telegram", PRODUCT.id)]
    out = cards.on_ordered(CTX, c, CardOrdered(NAME, DUE))
    assert out.step == cards.Step.PAY
    c.step = cards.Step.PAY
    assert json.loads(c.data["cards"]["due"]) == due_to_json(DUE)
    out = cards.on_pay_choice(CTX, c, ChoiceMade(**BASE, key="pay"))
    assert out.commands == [ConfirmSandboxPayment("SBC1", 5)]
    paid = CardPaid(NAME, 14, NOW + timedelta(days=365), 90_000, True)
    out = cards.on_paid(CTX, c, paid)
    assert (
        "已生效:共 14 次,有效期至 2027年11月23日 周二" in out.replies[0].text
        and out.goto == "menu"
    )
    # paid already (on the pay page at the same moment): said once, not "已生效" again
    again = cards.on_paid(CTX, conv("pay"), replace(paid, new=False))
    [said] = again.replies
    assert said.text == f"次卡「{NAME.zh}」已支付过,无需重复支付。" and again.goto == "menu"


def test_a_card_not_on_sale_or_kept_for_later_buys_nothing():
    c = conv()
    out = cards.on_list_choice(CTX, c, ChoiceMade(**BASE, key="buy:nothing"))
    assert out.commands == [LoadCards(5)] and out.step == cards.Step.LIST
    c = conv("pay", product_id=PRODUCT.id, due=json.dumps(due_to_json(DUE)))
    out = cards.on_pay_choice(CTX, c, ChoiceMade(**BASE, key="later"))
    assert out.goto == "menu" and isinstance(out.replies[0], Say) and not out.commands
    c = conv()
    out = cards.on_list_choice(CTX, c, ChoiceMade(**BASE, key="me"))
    assert out.goto == "me" and c.data["me"] == {"section": "me"}  # the whole screen


def test_the_words_and_the_command_open_the_cards_from_anywhere():
    for word in ("次卡", "我的次卡", "买次卡", "my cards"):
        c = Conversation(flow="booking", step="when", customer_id=5, channel="telegram")
        out = global_words.route(CUSTOMER_FLOWS, CTX, c, TextReceived(**BASE, text=word))
        assert out is not None and out.goto == me.NAME
        assert me.enter(CTX, c).goto == "cards"
    c = Conversation(flow="menu", step="main", customer_id=5, channel="telegram")
    out = global_words.route(CUSTOMER_FLOWS, CTX, c, CommandReceived(**BASE, command="cards"))
    assert out is not None and out.goto == me.NAME
    assert "「次卡」查看和购买次卡" in global_words.help_text(c)
