"""The relay chat's rules: who is on which side, when it is open (after acceptance, until the
rules' hours after the order ends), phones masked in what is relayed, and the words that open
it or send through it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from conversations.flows import relay as relay_flow
from conversations.flows.typed_commands import parse
from domain.errors import DomainError
from domain.lifecycle import Action, ActorKind, OrderStatus
from domain.orders import Actor, Order
from domain.pricing import Quote, Selection
from domain.privacy import mask_phones
from domain.relay import Side, check_open, ended_at, side_of

NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
SYSTEM = Actor(ActorKind.SYSTEM, "t")


def order() -> Order:
    made = Order.from_quote(
        number=240117,
        customer_id=1,
        selections=(Selection("daily_cleaning", 2),),
        quote=Quote((), 8000, 0),
        start_at=NOW + timedelta(days=1),
        created_at=NOW,
        channel="wechat",
        actor=Actor(ActorKind.CUSTOMER, "1"),
    )
    for action in (Action.REQUEST_PAYMENT, Action.PAY, Action.DISPATCH):
        made.apply(action, SYSTEM, NOW)
    return made


def accepted() -> Order:
    o = order()
    o.worker_id, o.accepted_at = 7, NOW
    o.apply(Action.ACCEPT, Actor(ActorKind.WORKER, "7"), NOW)
    return o


def test_refused_before_a_worker_accepts_then_open_while_it_is_under_way() -> None:
    with pytest.raises(DomainError, match="还没有师傅接单"):
        check_open(order(), NOW, 24)
    check_open(accepted(), NOW + timedelta(days=3), 24)  # under way: no end yet


def test_open_the_rules_hours_after_a_cancellation_then_closed() -> None:
    o = accepted()
    o.apply(Action.CANCEL, Actor(ActorKind.CUSTOMER, "1"), NOW + timedelta(hours=1))
    assert o.status in (OrderStatus.CANCELLED, OrderStatus.REFUNDED)
    assert ended_at(o) == NOW + timedelta(hours=1)
    check_open(o, NOW + timedelta(hours=25), 24)
    with pytest.raises(DomainError, match="已结束超过 24 小时"):
        check_open(o, NOW + timedelta(hours=25, seconds=1), 24)


def test_each_person_is_on_their_own_side_and_strangers_on_none() -> None:
    o = accepted()
    assert side_of(o, 1, None) == Side.CUSTOMER and side_of(o, None, 7) == Side.WORKER
    assert Side.CUSTOMER.other == Side.WORKER
    with pytest.raises(DomainError):
        side_of(o, 2, 8)


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("打我 13812345678", "打我 138****5678"),
        ("+86 138-1234-5678 也行", "+861******5678 也行"),
        ("座机 021-64381234", "座机 021****1234"),
        ("订单 240117,100 平,15:00 到", "订单 240117,100 平,15:00 到"),
        ("全角 １３８１２３４５６７８，谢谢", "全角 138****5678，谢谢"),  # punctuation kept
        ("点开 138.1234.5678", "点开 138****5678"),
        ("单价 12.5 元", "单价 12.5 元"),
    ],
)
def test_phone_numbers_are_masked_and_other_numbers_kept(typed: str, shown: str) -> None:
    assert mask_phones(typed) == shown


def test_the_words_that_open_the_relay_or_send_through_it() -> None:
    assert parse("联系师傅 #240117").name == "contact_worker"
    assert parse("回复顾客 #240117").name == "contact_customer"
    said = parse("联系师傅 #240117 我晚点到")
    assert said is not None and said.number == 240117 and said.args == "我晚点到"
    assert parse("联系师傅 你好") is None  # free text stays free text
    assert relay_flow.prefixed("#240117 我到楼下了") == relay_flow.RelayData(240117, "我到楼下了")
    assert relay_flow.prefixed("#2401 hi") is None and relay_flow.prefixed("#240117") is None


def test_the_close_window_is_a_catalog_rule_read_from_the_file() -> None:
    import copy
    from importlib import resources

    import yaml

    from domain.errors import CatalogError
    from store.catalog_file import load_catalog, parse_catalog

    _, rules = load_catalog()
    assert rules.execution.relay_open_hours_after_end == 24
    data = yaml.safe_load(resources.files("store").joinpath("demo_catalog.yaml").read_text())
    changed = copy.deepcopy(data)
    changed["rules"]["execution"]["relay_open_hours_after_end"] = 48
    assert parse_catalog(changed)[1].execution.relay_open_hours_after_end == 48
    changed["rules"]["execution"]["relay_open_hours_after_end"] = -1
    with pytest.raises(CatalogError, match="relay_open_hours_after_end"):
        parse_catalog(changed)
