"""出发 #N: the worker's step that gives the customer an arrival estimate (minutes, a location
then or a little before, or the booked time), the notice the customer reads in their own
language, and the timeline's note of it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from conversations.events import ChoiceMade, LocationShared, TextReceived
from conversations.flows import worker
from conversations.flows.base import Ctx
from conversations.flows.worker_state import WorkerAction, WorkerData, seed
from conversations.replies import Ask, AskLocation, Say
from conversations.results.workers import JobOpen, WorkerDeparted
from conversations.services.notice_templates import NoticeTemplates
from conversations.services.notices import to_customer
from conversations.state import Conversation
from conversations.understanding.numbers import read_minutes
from domain import commands as c
from domain import queries as q
from domain.execution import Eta, EtaSource, estimate_arrival, expected_arrival
from domain.lifecycle import OrderStatus
from domain.rules import ExecutionRules
from domain.timeline_notes import eta_note, note_phrase
from store.catalog_file import load_catalog
from tests.unit.test_schedule_rules import order

CATALOG, RULES = load_catalog()
NOW = datetime(2026, 11, 24, 6, 0, tzinfo=UTC)  # 14:00 in Shanghai
START = NOW + timedelta(hours=1)
CTX = Ctx(CATALOG, RULES, NOW, "https://daojia.example")
BASE = {"channel": "telegram", "user_id": "1", "at": NOW}
TEMPLATES = NoticeTemplates(ZoneInfo("Asia/Shanghai"), lambda: NOW)


def worker_at(step: str, lang: str = "zh", **data) -> Conversation:
    return Conversation(flow="worker", step=step, lang=lang, worker_id=9, role="worker", data=data)


def handle(conv: Conversation, event, ctx: Ctx = CTX):
    return worker.TRANSITIONS[(worker.Step(conv.step), type(event))](ctx, conv, event)


def asked(conv: Conversation) -> Conversation:
    """A worker whose 出发 #240117 was checked, at the question of when they arrive."""
    conv.data[worker.NAME] = WorkerData(240117, onway=True).to_json()
    conv.step = "checking"
    out = handle(conv, JobOpen(240117, "onway", "clean_daily"))
    assert out.step == "depart_eta" and out.reask and not out.commands
    conv.step = "depart_eta"
    return conv


def test_onway_checks_the_job_before_anything_is_asked():
    conv = worker_at("menu")
    seed(conv, WorkerAction("onway", 240117))
    out = worker.enter(CTX, conv)
    assert out.commands == [q.CheckJob(9, 240117, "onway")] and out.step == "checking"


@pytest.mark.parametrize(
    ("lang", "question", "labels"),
    [
        (
            "zh",
            "#240117 预计多久到达?",
            ["15 分钟", "30 分钟", "45 分钟", "60 分钟", "按预约时间"],
        ),
        ("en", "When will you reach #240117?", ["15 min", "30 min", "45 min", "60 min"]),
    ],
)
def test_without_a_recent_location_the_arrival_is_asked_with_minutes_as_buttons(
    lang, question, labels
):
    conv = asked(worker_at("menu", lang))
    ask, location = worker.ask(CTX, conv).replies
    assert isinstance(ask, Ask) and question in ask.text
    assert [o.label for o in ask.options][: len(labels)] == labels
    assert not ask.numbered  # "3" typed is three minutes, not the third button
    assert isinstance(location, AskLocation)


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [
        ("20", 20),
        ("20分钟", 20),
        ("大概二十分钟", 20),
        ("半小时", 30),
        ("1小时", 60),
        ("3", 3),
        ("45 min", 45),
    ],
)
def test_minutes_typed_set_off_with_them(typed, minutes):
    conv = asked(worker_at("menu"))
    out = handle(conv, TextReceived(**BASE, text=typed))
    assert out.commands == [c.Depart(9, 240117, minutes)] and out.step == "action"


@pytest.mark.parametrize("typed", ["马上", "0", "241", "1.5小时", "3到4", "#240117"])
def test_a_wrong_answer_is_asked_again_saying_what_is_wanted(typed):
    conv = asked(worker_at("menu"))
    out = handle(conv, TextReceived(**BASE, text=typed))
    assert not out.commands and out.reask
    assert isinstance(out.replies[0], Say)
    assert "请输入 1–240 之间的分钟数" in out.replies[0].text
    assert worker.WorkerData.from_json(conv.data[worker.NAME]).onway  # still asking


def test_a_button_a_location_or_the_booked_time_set_off():
    conv = asked(worker_at("menu"))
    out = handle(conv, ChoiceMade(**BASE, key="eta:45"))
    assert out.commands == [c.Depart(9, 240117, 45)]
    conv = asked(worker_at("menu"))
    out = handle(conv, ChoiceMade(**BASE, key="eta:booked"))
    assert out.commands == [c.Depart(9, 240117)]
    conv = asked(worker_at("menu"))
    out = handle(conv, LocationShared(**BASE, lat=31.25, lon=121.47))
    assert out.commands == [c.Depart(9, 240117, None, 31.25, 121.47)]


def test_a_location_shared_recently_sets_off_at_once_and_an_old_one_does_not():
    conv = worker_at("menu")
    worker.TRANSITIONS[(worker.Step.MENU, LocationShared)](
        CTX, conv, LocationShared(**BASE, lat=31.25, lon=121.47)
    )
    conv.data[worker.NAME] = WorkerData(240117, onway=True).to_json()
    conv.step = "checking"
    later = replace(CTX, now=NOW + timedelta(minutes=RULES.execution.eta_location_fresh_minutes))
    out = handle(conv, JobOpen(240117, "onway", "clean_daily"), later)
    assert out.commands == [c.Depart(9, 240117, None, 31.25, 121.47)]
    conv.data[worker.NAME] = WorkerData(240117, onway=True).to_json()
    too_late = replace(later, now=later.now + timedelta(minutes=1))
    out = handle(conv, JobOpen(240117, "onway", "clean_daily"), too_late)
    assert out.step == "depart_eta" and not out.commands


def test_a_flow_entered_again_starts_afresh_and_a_recent_location_still_sets_off():
    conv = worker_at("menu")
    worker.TRANSITIONS[(worker.Step.MENU, LocationShared)](
        CTX, conv, LocationShared(**BASE, lat=31.25, lon=121.47)
    )
    assert WorkerData.from_json(conv.data[worker.NAME]) == WorkerData(here=(31.25, 121.47))
    later = replace(CTX, now=NOW + timedelta(minutes=10))
    seed(conv, WorkerAction("jobs"))
    worker.enter(later, conv)  # the jobs menu, from another flow or typed again
    assert WorkerData.from_json(conv.data[worker.NAME]) == WorkerData()
    seed(conv, WorkerAction("onway", 240117))
    out = worker.enter(later, conv)
    assert WorkerData.from_json(conv.data[worker.NAME]) == WorkerData(240117, onway=True)
    conv.step = out.step
    out = handle(conv, JobOpen(240117, "onway", "clean_daily"), later)
    assert out.commands == [c.Depart(9, 240117, None, 31.25, 121.47)]  # not asked
    assert WorkerData.from_json(conv.data[worker.NAME]) == WorkerData()


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("zh", "已通知客户您已出发(#240117),预计 25 分钟后(11月24日 周二 14:25)到达。"),
        ("en", "The customer knows you're on the way (#240117), arriving in about 25 min"),
    ],
)
def test_the_worker_is_told_the_estimate_the_customer_got(lang, text):
    conv = worker_at("action", lang)
    result = WorkerDeparted(240117, 25, NOW + timedelta(minutes=25))
    out = handle(conv, result)
    assert text in out.replies[0].text


ZH_LI = "师傅 Li(评分 4.9,12 条评价)已出发前往 #240117"
EN_LI = "Li (rated 4.9 from 12 reviews) is on the way to #240117"


@pytest.mark.parametrize(
    ("source", "lang", "text"),
    [
        ("worker", "zh", ZH_LI + ",预计 25 分钟后(14:25)到达。"),
        ("location", "zh", ZH_LI + ",预计 25 分钟后(14:25)到达。"),
        ("booked", "zh", ZH_LI + ",预计按预约时间 14:25 左右到达。"),
        (
            "worker",
            "en",
            EN_LI + ", arriving in about 25 min (14:25).",
        ),
        (
            "booked",
            "en",
            EN_LI + ", expected around the booked time, 14:25.",
        ),
        ("", "zh", "师傅 Li(评分 4.9,12 条评价)已出发前往 #240117。"),
        ("", "en", "Li (rated 4.9 from 12 reviews) is on the way to #240117."),
    ],
)
def test_the_customers_notice_carries_the_estimate_in_their_language(source, lang, text):
    eta, arrive = (25, "14:25") if source else (0, "")
    notice = to_customer(
        1,
        "on_the_way",
        number=240117,
        worker="Li",
        stars="4.9",
        reviews=12,
        eta=eta,
        arrive=arrive,
        source=source,
    )
    [said] = TEMPLATES.render(notice, "telegram", lang)
    assert said.text.strip() == text


def test_the_estimate_is_the_minutes_said_else_the_distance_else_the_booked_start():
    rules = ExecutionRules()
    assert estimate_arrival(rules, NOW, START, said_minutes=20, distance=9_000) == Eta(
        20, EtaSource.WORKER
    )
    assert estimate_arrival(rules, NOW, START, distance=3_000) == Eta(9, EtaSource.LOCATION)
    assert estimate_arrival(rules, NOW, START, distance=100) == Eta(5, EtaSource.LOCATION)
    assert estimate_arrival(rules, NOW, START) == Eta(60, EtaSource.BOOKED)
    assert estimate_arrival(rules, START, START) is None  # late, and nothing said


def test_the_expected_arrival_is_the_set_off_and_its_estimate_while_on_the_way():
    on_the_way = order(OrderStatus.ON_THE_WAY, departed_at=NOW, eta_minutes=25)
    assert expected_arrival(on_the_way) == NOW + timedelta(minutes=25)
    assert expected_arrival(replace(on_the_way, eta_minutes=0)) == NOW
    assert expected_arrival(replace(on_the_way, eta_minutes=None)) is None  # late, none said
    assert expected_arrival(replace(on_the_way, departed_at=None)) is None
    assert expected_arrival(replace(on_the_way, status=OrderStatus.ARRIVED)) is None


def test_the_speed_and_the_least_estimate_are_rules():
    rules = ExecutionRules(travel_speed_kmh=30, eta_min_minutes=10)
    assert estimate_arrival(rules, NOW, START, distance=9_000).minutes == 18
    assert estimate_arrival(rules, NOW, START, distance=1_000).minutes == 10


@pytest.mark.parametrize(
    ("source", "zh", "en"),
    [
        ("worker", "预计 25 分钟后到达(师傅自报)", "expected in 25 min (the worker's estimate)"),
        (
            "location",
            "预计 25 分钟后到达(按师傅位置估算)",
            "expected in 25 min (from the worker's location)",
        ),
        ("booked", "预计 25 分钟后到达(按预约时间)", "expected in 25 min (the booked time)"),
    ],
)
def test_the_timeline_notes_the_estimate_in_each_readers_language(source, zh, en):
    note = eta_note(25, source)
    read = note_phrase(note, NOW.date())
    assert (read.get("zh"), read.get("en")) == (zh, en)


def test_minutes_are_read_as_people_type_them():
    assert [read_minutes(t) for t in ("20", "二十分钟", "about 30 mins", "一个小时")] == [
        20,
        20,
        30,
        60,
    ]
    assert read_minutes("一会儿") is None and read_minutes("1.5小时") is None
