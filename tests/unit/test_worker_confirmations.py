"""Two things a worker's words lead to, driven through the worker flow's table: 转单 asks
before anything changes (确定 / 取消, the job checked first, the hand-over shown on the jobs
menu), and plain words at the menu answer the customer who wrote lately through the relay
(one: sent; several: picked; none: the menu's hint). And the rule of whom they answer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from conversations.events import ChoiceMade, Failed, TextReceived
from conversations.flows import worker
from conversations.flows.worker_state import WorkerData
from conversations.replies import Ask, Say
from conversations.results.relay import CustomerReplied, ReplyTarget, ReplyTargets
from conversations.results.workers import (
    JobsShown,
    LiveJobView,
    TransferOpen,
    TransferRequested,
)
from domain import commands as c
from domain import queries as q
from domain.lifecycle import Action, ActorKind, OrderStatus
from domain.orders import Actor
from domain.people import WorkerStatus
from domain.relay import answers_customer
from domain.text import N_, Bilingual
from tests.unit.test_relay import NOW as ACCEPTED_AT
from tests.unit.test_relay import accepted
from tests.unit.test_worker_results import AT_3PM, BASE, CLEANING, drive, said, worker_at

NUMBER = 240117


def typed(text: str) -> TextReceived:
    return TextReceived(**BASE, text=text)


def chose(key: str) -> ChoiceMade:
    return ChoiceMade(**BASE, key=key)


def on_menu(conv, event):
    return worker.TRANSITIONS[(worker.Step(conv.step), type(event))](None, conv, event)


# -- 转单 ---------------------------------------------------------------------------------------


def test_transfer_checks_the_job_and_asks_before_anything_is_requested():
    conv = worker_at("menu")
    out = worker.run(None, conv, "transfer", NUMBER, "")
    assert out.commands == [q.CheckTransfer(9, NUMBER)]
    assert out.step == "transfer_confirm"
    asked = drive(worker, worker_at("transfer_confirm", **conv.data), TransferOpen(NUMBER, 3_000))
    [question] = asked.replies
    assert isinstance(question, Ask) and question.text.startswith("确定要转单吗?")
    assert "¥30.00" in question.text and "10%" in question.text and "#240117" in question.text
    assert [(o.key, o.label) for o in question.options] == [("yes", "确定"), ("no", "取消")]
    assert asked.commands == []


def test_transfer_confirmed_is_requested_and_cancelled_changes_nothing():
    data = {"worker": WorkerData(NUMBER).to_json()}
    yes = on_menu(worker_at("transfer_confirm", **data), chose("yes"))
    assert yes.commands == [c.RequestTransfer(9, NUMBER)] and yes.step == "action"
    no = on_menu(worker_at("transfer_confirm", **data), chose("no"))
    assert no.commands == [] and no.step == "menu" and no.reask
    assert said(no) == "好的,没有转单,#240117 仍由您负责。"


def test_a_job_that_cannot_be_handed_over_is_told_why_and_the_menu_comes_back():
    conv = worker_at("transfer_confirm", worker=WorkerData(NUMBER).to_json())
    refused = Failed(N_("订单 #{number} 现在不能转单", number=NUMBER))
    out = drive(worker, conv, refused)
    assert said(out) == "订单 #240117 现在不能转单" and out.step == "menu" and out.reask


def test_the_confirmation_and_its_buttons_are_in_english_for_an_english_worker():
    conv = worker_at("transfer_confirm", "en", worker=WorkerData(NUMBER).to_json())
    [question] = drive(worker, conv, TransferOpen(NUMBER, 3_000)).replies
    assert question.text.startswith("Hand over #240117?")
    assert [o.label for o in question.options] == ["Confirm", "Cancel"]


def test_a_job_being_handed_over_says_so_and_has_no_second_transfer_button():
    def job(transferring: bool) -> LiveJobView:
        return LiveJobView(
            NUMBER, CLEANING, AT_3PM, OrderStatus.ACCEPTED, "漕溪北路 1号", "139", "", (), 0,
            "daily_cleaning", False, transferring,
        )  # fmt: skip

    for transferring in (False, True):
        jobs = JobsShown(WorkerStatus.APPROVED, True, (), (job(transferring),))
        [menu] = drive(worker, worker_at("menu"), jobs).replies
        keys = [o.key for o in menu.options]
        assert ("转单中" in menu.text) is transferring
        assert ("act:transfer:240117" in keys) is not transferring
        assert "act:onway:240117" in keys  # still theirs until someone accepts


def test_whether_the_job_was_offered_to_someone_is_what_the_worker_is_told():
    offered = said(drive(worker, worker_at("action"), TransferRequested(NUMBER)))
    assert "已为 #240117 寻找附近空闲师傅" in offered and "仍由您负责" in offered
    nobody = said(drive(worker, worker_at("action"), TransferRequested(NUMBER, offered=False)))
    assert "附近暂时没有空闲师傅可以接 #240117" in nobody and "寻找" not in nobody


# -- plain words at the menu ------------------------------------------------------------------


def target(number: int, name: str = "王女士") -> ReplyTarget:
    return ReplyTarget(number, CLEANING, AT_3PM, name)


def test_plain_words_at_the_menu_look_for_the_customer_they_answer_phones_masked():
    conv = worker_at("menu")
    out = on_menu(conv, typed("好的 打我 13912345678"))
    assert out.commands == [q.FindReplyTargets(9)] and out.step == "reply_find"
    assert WorkerData.from_json(conv.data["worker"]) == WorkerData(reply="好的 打我 139****5678")


def test_one_customer_waiting_gets_the_text_and_the_worker_is_told_whom():
    conv = worker_at("reply_find", worker=WorkerData(reply="好的").to_json())
    out = drive(worker, conv, ReplyTargets((target(NUMBER),)))
    assert out.commands == [c.ReplyToCustomer(9, NUMBER, "好的")]
    done = drive(worker, conv, CustomerReplied(NUMBER, "王女士"))
    assert said(done) == "已转发给 #240117 的顾客 王女士。" and done.step == "menu"
    assert WorkerData.from_json(conv.data["worker"]) == WorkerData()  # the text not kept
    nameless = drive(worker, worker_at("reply_find"), CustomerReplied(NUMBER, ""))
    assert said(nameless) == "已转发给 #240117 的顾客。"


def test_several_customers_waiting_are_asked_about_and_nothing_is_sent_before():
    conv = worker_at("reply_find", worker=WorkerData(reply="好的").to_json())
    out = drive(worker, conv, ReplyTargets((target(240118, "李先生"), target(NUMBER, ""))))
    [question] = out.replies
    assert out.commands == [] and out.step == "reply_pick"
    assert [(o.key, o.label) for o in question.options] == [
        ("reply:240118", "#240118 李先生"),
        ("reply:240117", "#240117 日常保洁"),  # no name booked: the service
        ("no", "不发了"),
    ]
    conv.step = "reply_pick"
    picked = on_menu(conv, chose("reply:240117"))
    assert picked.commands == [c.ReplyToCustomer(9, NUMBER, "好的")]
    dropped = on_menu(worker_at("reply_pick", **conv.data), chose("no"))
    assert dropped.commands == [] and "没有发送" in said(dropped)


def test_asked_again_with_one_customer_left_the_worker_still_picks():
    conv = worker_at("reply_pick", worker=WorkerData(reply="好的").to_json())
    out = drive(worker, conv, ReplyTargets((target(NUMBER),)))
    assert out.commands == [] and isinstance(out.replies[0], Ask)


def test_words_nobody_waits_for_are_the_menu_s_as_before():
    conv = worker_at("reply_find", worker=WorkerData(reply="你好").to_json())
    out = drive(worker, conv, ReplyTargets(()))
    assert out.commands == [] and out.step == "menu" and out.reask
    assert said(out) == "请点选下面的按钮,或发送指令(发送「帮助」查看)。"
    for word in ("结束", "end"):
        ended = on_menu(worker_at("menu"), typed(word))
        assert ended.commands == [] and isinstance(ended.replies[0], Say)


def test_a_text_over_the_relay_s_limit_is_refused_and_nothing_is_looked_for():
    out = on_menu(worker_at("menu"), typed("长" * 1001))
    assert out.commands == [] and "1000" in said(out)


def test_a_worker_s_data_with_a_text_waiting_reads_back():
    data = WorkerData(reply="好的")
    assert WorkerData.from_json(data.to_json()) == data
    assert WorkerData.from_json({"number": None, "kind": None, "reply": 5}) is None


# -- whom plain words answer ------------------------------------------------------------------


def test_plain_words_answer_a_customer_who_wrote_lately_since_this_worker_took_the_job():
    order = accepted()
    wrote = ACCEPTED_AT + timedelta(minutes=10)
    assert answers_customer(order, wrote, wrote + timedelta(minutes=60), 60, 24)
    assert not answers_customer(order, wrote, wrote + timedelta(minutes=61), 60, 24)
    assert not answers_customer(order, wrote, wrote, 0, 24)  # the rules turned it off
    before = ACCEPTED_AT - timedelta(minutes=1)  # to the worker it was handed over from
    assert not answers_customer(order, before, ACCEPTED_AT, 60, 24)
    ended = accepted()
    ended.apply(Action.CANCEL, Actor(ActorKind.CUSTOMER, "1"), wrote)
    late = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)  # over 24 hours after: relay closed
    assert answers_customer(ended, wrote, wrote + timedelta(minutes=5), 60, 24)
    assert not answers_customer(ended, late - timedelta(minutes=5), late, 60, 24)


def test_a_target_s_item_is_bilingual():
    assert target(NUMBER).item == Bilingual("日常保洁", "Daily cleaning")
