from datetime import UTC, datetime, timedelta

import pytest

from domain.cancellation import cancellation_terms
from domain.errors import InvalidTransition, NotPermitted
from domain.lifecycle import (
    ACTION_TEXT,
    ACTOR_TEXT,
    STATUS_TEXT,
    TRANSITIONS,
    Action,
    ActorKind,
    OrderStatus,
    allowed_actions,
    next_status,
)
from domain.orders import Actor, Order
from domain.pricing import Quote, Selection
from domain.rules import CancellationRules
from domain.text import N_

S = OrderStatus

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
HAPPY_PATH = [
    (Action.REQUEST_PAYMENT, ActorKind.CUSTOMER, OrderStatus.AWAITING_PAYMENT),
    (Action.PAY, ActorKind.SYSTEM, OrderStatus.PAID),
    (Action.DISPATCH, ActorKind.SYSTEM, OrderStatus.DISPATCHING),
    (Action.ACCEPT, ActorKind.WORKER, OrderStatus.ACCEPTED),
    (Action.DEPART, ActorKind.WORKER, OrderStatus.ON_THE_WAY),
    (Action.ARRIVE, ActorKind.WORKER, OrderStatus.ARRIVED),
    (Action.START, ActorKind.WORKER, OrderStatus.IN_SERVICE),
    (Action.FINISH, ActorKind.WORKER, OrderStatus.FINISHED),
    (Action.CONFIRM, ActorKind.CUSTOMER, OrderStatus.CONFIRMED),
    (Action.SETTLE, ActorKind.SYSTEM, OrderStatus.SETTLED),
]


@pytest.mark.parametrize(
    ("key", "entry"), list(TRANSITIONS.items()), ids=[f"{s}-{a}" for s, a in TRANSITIONS]
)
def test_every_legal_transition_is_allowed_for_its_actors_and_refused_for_others(key, entry):
    status, action = key
    target, actors = entry
    for actor in ActorKind:
        if actor in actors:
            assert next_status(status, action, actor) == target
        else:
            with pytest.raises(NotPermitted) as refused:
                next_status(status, action, actor, 180917)
            zh, en = refused.value.text.get("zh"), refused.value.text.get("en")
            # the status in words, and who may: only people, never the system
            assert zh.startswith(f"订单 #180917 现在是「{STATUS_TEXT[status].get('zh')}」,")
            assert "系统" not in zh and "system" not in en.casefold() and "仅限" not in zh
            people = [a for a in (C, W, AD) if a in actors]
            if people:
                assert "只有" + "或".join(ACTOR_TEXT[a].get("zh") for a in people) in zh
                assert " or ".join(ACTOR_TEXT[a].get("en") for a in people) in en
            else:
                assert "会自动进行" in zh
            mine = allowed_actions(status, actor)  # then what the reader may do, if anything
            assert ("您可以" in zh) == bool(mine)


@pytest.mark.parametrize("actor", list(ActorKind))
@pytest.mark.parametrize("status", list(OrderStatus))
@pytest.mark.parametrize("action", list(Action))
def test_every_transition_outside_the_table_is_refused_with_what_this_actor_may_do(
    status, action, actor
):
    if (status, action) in TRANSITIONS:
        return
    with pytest.raises(InvalidTransition) as info:
        next_status(status, action, actor, 180917)
    chinese = info.value.text.get("zh")
    assert chinese.startswith("订单 #180917 现在是") and str(info.value) == chinese
    assert "不能" in chinese or "无需再" in chinese
    assert OrderStatus(status).value not in chinese  # the status by its name, not its id
    mine = allowed_actions(status, actor)  # only what the reader may do, else no list
    assert ("您可以" in chinese) == bool(mine)
    if mine:
        offered = chinese.split("您可以:")[1].rstrip("。").split("、")
        assert offered == [ACTION_TEXT[a].get("zh") for a in mine]


W, C, AD = ActorKind.WORKER, ActorKind.CUSTOMER, ActorKind.ADMIN


@pytest.mark.parametrize(
    ("status", "action", "actor", "said"),
    [
        # the worker presses 出发 twice: they cannot cancel, so only 到达 is offered
        (S.ON_THE_WAY, Action.DEPART, W, "订单 #7 现在是「师傅在路上」,无需再出发。您可以:打卡。"),
        # a stale 确认完成: the order settled meanwhile, and the customer cannot refund
        (S.SETTLED, Action.CONFIRM, C, "订单 #7 现在是「已结算」,无需再确认完成。"),
        # an admin's /cancel on a settled order: a full refund is the system's (a complaint)
        (S.SETTLED, Action.CANCEL, AD, "订单 #7 现在是「已结算」,不能取消。"),
        (S.IN_SERVICE, Action.CANCEL, C, "订单 #7 现在是「服务中」,不能取消。"),
        (S.IN_SERVICE, Action.CANCEL, AD, "订单 #7 现在是「服务中」,不能取消。您可以:完工。"),
    ],
)
def test_a_refusal_is_a_sentence_naming_the_order_and_only_the_readers_own_actions(
    status, action, actor, said
):
    with pytest.raises(InvalidTransition) as info:
        next_status(status, action, actor, 7)
    assert info.value.text.get("zh") == said
    english = info.value.text.get("en")
    assert "An order that is" not in english and "possible:" not in english


def test_an_order_refuses_a_step_by_its_number():
    order = Order.from_quote(
        number=146221,
        customer_id=1,
        selections=(Selection("daily_cleaning", 2),),
        quote=Quote((), 8000, 0),
        start_at=NOW + timedelta(days=1),
        created_at=NOW,
        channel="telegram",
        actor=Actor(ActorKind.CUSTOMER, "1"),
    )
    with pytest.raises(InvalidTransition) as info:
        order.apply(Action.DEPART, Actor(ActorKind.WORKER, "9"), NOW)
    assert info.value.text.get("zh") == "订单 #146221 现在是「已报价」,不能出发。"


def test_the_order_records_a_timeline_of_every_transition():
    order = Order.from_quote(
        number=240117,
        customer_id=1,
        selections=(Selection("daily_cleaning", 2),),
        quote=Quote((), 8000, 0),
        start_at=NOW + timedelta(days=1),
        created_at=NOW,
        channel="telegram",
        actor=Actor(ActorKind.CUSTOMER, "1"),
    )
    for i, (action, kind, expected) in enumerate(HAPPY_PATH, 1):
        order.apply(action, Actor(kind, "x"), NOW + timedelta(minutes=i))
        assert order.status == expected
    assert [e.to_status for e in order.timeline] == [OrderStatus.QUOTED] + [
        s for *_, s in HAPPY_PATH
    ]
    assert order.timeline[4].actor == Actor(ActorKind.WORKER, "x")
    assert len(order.events) == len(HAPPY_PATH)
    assert order.label == "#240117"
    with pytest.raises(InvalidTransition):
        order.apply(Action.CANCEL, Actor(ActorKind.CUSTOMER, "1"), NOW)
    assert order.status == OrderStatus.SETTLED
    assert len(order.timeline) == len(HAPPY_PATH) + 1


RULES = CancellationRules()
START = NOW + timedelta(days=3)


@pytest.mark.parametrize(
    ("hours_before", "fee"),
    [
        (30, 0),
        (24, 0),
        (10, 1000),
        (2, 1000),
        (1, 3000),
        (0, 3000),
        (-1, 3000),
    ],
)
def test_cancellation_fee_by_how_long_before_the_start(hours_before, fee):
    terms = cancellation_terms(
        status=OrderStatus.ACCEPTED,
        paid_cents=10000,
        deposit_cents=0,
        start_at=START,
        now=START - timedelta(hours=hours_before),
        rules=RULES,
    )
    assert terms.fee_cents == fee
    assert terms.refund_cents == 10000 - fee


def test_after_the_worker_arrived_the_deposit_is_kept():
    terms = cancellation_terms(
        status=OrderStatus.ARRIVED,
        paid_cents=24300,
        deposit_cents=24300,
        start_at=START,
        now=START - timedelta(minutes=5),
        rules=RULES,
    )
    assert terms.fee_cents == 24300
    assert terms.refund_cents == 0
    assert "deposit" in terms.reason.get("en")


def test_unpaid_orders_cancel_for_free_and_finished_ones_cannot_be_cancelled():
    terms = cancellation_terms(
        status=OrderStatus.AWAITING_PAYMENT,
        paid_cents=0,
        deposit_cents=0,
        start_at=START,
        now=START,
        rules=RULES,
    )
    assert (terms.fee_cents, terms.refund_cents) == (0, 0)
    with pytest.raises(InvalidTransition):
        cancellation_terms(
            status=OrderStatus.IN_SERVICE,
            paid_cents=10000,
            deposit_cents=0,
            start_at=START,
            now=START,
            rules=RULES,
        )


@pytest.mark.parametrize("status", [OrderStatus.PAID, OrderStatus.DISPATCHING])
@pytest.mark.parametrize("hours_before", [30, 5, 1, -1])
def test_an_order_no_worker_has_taken_cancels_for_free(status, hours_before):
    terms = cancellation_terms(
        status=status,
        paid_cents=10000,
        deposit_cents=0,
        start_at=START,
        now=START - timedelta(hours=hours_before),
        rules=RULES,
    )
    assert (terms.fee_cents, terms.refund_cents) == (0, 10000)


def test_the_free_cancellation_before_acceptance_is_a_rule():
    terms = cancellation_terms(
        status=OrderStatus.DISPATCHING,
        paid_cents=10000,
        deposit_cents=0,
        start_at=START,
        now=START - timedelta(hours=1),
        rules=CancellationRules(free_until_accepted=False),
    )
    assert terms.fee_cents == 3000


def test_an_admin_cancelling_a_settled_order_is_told_why_without_a_refund_to_press():
    with pytest.raises(InvalidTransition) as info:
        cancellation_terms(
            status=OrderStatus.SETTLED,
            paid_cents=10000,
            deposit_cents=0,
            start_at=START,
            now=START,
            rules=RULES,
            actor=ActorKind.ADMIN,
            number=180917,
        )
    assert info.value.text.get("zh") == "订单 #180917 现在是「已结算」,不能取消。"


def test_an_action_another_person_may_do_is_refused_naming_the_status_and_who_may():
    with pytest.raises(NotPermitted) as worker_cancels:
        next_status(S.ACCEPTED, Action.CANCEL, W, 180917)
    assert worker_cancels.value.text.get("zh") == (
        "订单 #180917 现在是「已接单」,只有客户或管理员可以取消。您可以:转为改派、出发。"
    )
    with pytest.raises(NotPermitted) as customer_pays:  # the payment landing moves it
        next_status(S.AWAITING_PAYMENT, Action.PAY, C)
    assert customer_pays.value.text.get("zh") == (
        "订单现在是「待支付」,「支付」会自动进行,无需操作。您可以:取消。"
    )


def test_an_action_named_in_an_english_sentence_reads_lower_case():
    """A refusal's options and a timeline's line name actions in running text: "You can:
    pay, cancel." (the button's word is "Pay"), "“settle” happens automatically", "balance
    waived"."""
    for action, name in ACTION_TEXT.items():
        assert name.get("en")[0].islower(), (action, name.get("en"))
    with pytest.raises(InvalidTransition) as quoted:
        next_status(S.QUOTED, Action.CONFIRM, C, 7)
    assert quoted.value.text.get("en").endswith(" You can: pay, cancel."), quoted.value.text
    assert N_("去支付").get("en") == "Pay"  # the customer's button keeps its capital
    with pytest.raises(NotPermitted) as settling:
        next_status(S.CONFIRMED, Action.SETTLE, C, 7)
    assert "“settle” happens automatically" in settling.value.text.get("en")
    assert ACTION_TEXT[Action.WAIVE].get("en") == "balance waived"
    assert ACTION_TEXT[Action.SURCHARGE].get("en") == "on-site extra approved"
    # what happened, as a customer's timeline lists it, not what one may do
    assert ACTION_TEXT[Action.COMPLAIN].get("en") == "complaint filed"
    assert ACTION_TEXT[Action.RESOLVE].get("en") == "complaint resolved"
