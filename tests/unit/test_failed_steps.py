"""A step whose question cannot be asked any more (what it is about changed under it: the
order about to be cancelled was cancelled meanwhile) answers once why, and the conversation
moves on — to the flow's first step, or the menu — instead of asking in a loop."""

from datetime import UTC, datetime

from conversations.events import ChoiceMade, Failed
from conversations.flows.base import Ctx
from conversations.flows.my_orders_state import OrdersData, Step, seed
from conversations.flows.registry import FLOWS
from conversations.routing import Router
from conversations.state import Conversation
from domain.commands import Message
from domain.text import N_
from store.catalog_file import load_catalog

CATALOG, RULES = load_catalog()
NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
CTX = Ctx(CATALOG, RULES, NOW, "https://daojia.example")
GONE = N_("这个订单现在不能改约时间")


def confirming(step: Step) -> Conversation:
    conv = Conversation(flow="orders", step=str(step), customer_id=1, channel="telegram")
    seed(conv, OrdersData(number=240117, fee_cents=0, new_start="2026-11-25T15:00:00+08:00"))
    conv.scratch.clear()
    return conv


async def test_a_confirmation_whose_order_is_gone_ends_at_the_menu_when_nothing_answers():
    sent: list[Message] = []

    async def refuses(command: Message) -> list[Failed]:
        sent.append(command)
        return [Failed(GONE)]

    for step in (Step.CANCEL_CONFIRM, Step.RESCHEDULE_CONFIRM):
        conv = confirming(step)
        event = ChoiceMade(channel="telegram", user_id="1", at=NOW, key="yes")
        replies = await Router(FLOWS, refuses).answer(CTX, conv, event)
        texts = [getattr(r, "text", "") for r in replies]
        assert texts.count(GONE.get("zh")) == 1, texts  # said once, not once per attempt
        assert conv.flow == "menu", (step, conv.flow, conv.step)
        assert len(sent) <= 4  # the confirmation, its question again, the list: no loop
        sent.clear()


async def test_a_confirmation_whose_order_is_gone_goes_back_to_the_list():
    async def refuses_but_lists(command: Message) -> list[object]:
        if type(command).__name__ == "LoadOrders":
            return []  # the list answers (nothing to show here)
        return [Failed(GONE)]

    conv = confirming(Step.CANCEL_CONFIRM)
    event = ChoiceMade(channel="telegram", user_id="1", at=NOW, key="yes")
    await Router(FLOWS, refuses_but_lists).answer(CTX, conv, event)
    assert (conv.flow, conv.step) == ("orders", str(Step.LIST))
