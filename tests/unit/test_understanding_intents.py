"""What customers ask about the orders they have, read from one message in either language
(``understanding.intents``) — and the requests to book that must stay requests."""

from datetime import date, time

import pytest

from conversations.understanding.intents import Asked, Intent, plain, read_asked, typed_number
from conversations.understanding.request import Slot, read_request
from store.catalog_file import load_catalog

CATALOG, _ = load_catalog()
S, C, R, X, F, P = (
    Intent.STATUS,
    Intent.CANCEL,
    Intent.RESCHEDULE,
    Intent.COMPLAIN,
    Intent.REFUND,
    Intent.PERSON,
)

ENGLISH = [
    ("where is my order", S),
    ("Where is my order?", S),
    ("where's my cleaner?", S),
    ("where is my cleaner?", S),
    ("Where is the worker", S),
    ("where is my nanny", S),
    ("where is my ayi??", S),
    ("when will the cleaner come?", S),
    ("When will the worker arrive", S),
    ("when is my cleaner coming", S),
    ("what time will they come", S),
    ("is anyone coming?", S),
    ("has anyone accepted my order", S),
    ("Has anybody taken my booking yet?", S),
    ("status", S),
    ("Order status", S),
    ("STATUS please", S),
    ("what's the status of my booking", S),
    ("any update on my order?", S),
    ("track my order", S),
    ("the cleaner is running late", S),
    ("cancel my order", C),
    ("Cancel order 200964", C),
    ("please cancel the booking", C),
    ("I want to cancel", C),
    ("I don't need it anymore", C),
    ("reschedule", R),
    ("Reschedule my order please", R),
    ("change the time", R),
    ("can I change the date?", R),
    ("I need a different day", R),
    ("postpone my booking", R),
    ("can you move my cleaning to Friday 10am?", R),
    ("reschedule to tomorrow 3pm", R),
    ("push it back to next monday 9:30", R),
    ("refund", F),
    ("Refund please!", F),
    ("I want my money back", F),
    ("I want to complain", X),
    ("I'd like to make a complaint", X),
    ("not happy with the service", X),
    ("the cleaner broke my vase", X),
    ("human", P),
    ("real person please", P),
    ("agent", P),
    ("talk to someone", P),
    ("I want to speak to a human about my refund", P),
]

CHINESE = [
    ("订单到哪了", S),
    ("我的订单到哪了?", S),
    ("订单状态", S),
    ("查一下订单", S),
    ("师傅什么时候到", S),
    ("师傅什么时候到?", S),
    ("阿姨到哪了", S),
    ("阿姨几点来", S),
    ("师傅怎么还没到", S),
    ("有人接单吗", S),
    ("有没有人接单", S),
    ("接单了吗", S),
    ("师傅出发了吗", S),
    ("阿姨迟到了", S),
    ("到哪了", S),
    ("取消订单", C),
    ("不要了,取消订单", C),
    ("我要取消预约", C),
    ("取消明天的保洁", C),
    ("帮我取消订单 #200964", C),
    ("退单", C),
    ("不用来了", C),
    ("改期", R),
    ("改时间", R),
    ("能换个时间吗", R),
    ("推迟一下", R),
    ("改到后天上午10点", R),
    ("我想改到后天上午10点", R),
    ("推迟到周五下午3点", R),
    ("提前到明天9点", R),
    ("能不能挪到下周三上午", R),
    ("我要投诉", X),
    ("投诉师傅", X),
    ("服务不满意", X),
    ("态度太差了", X),
    ("阿姨把花瓶打坏了", X),
    ("退款", F),
    ("我要退款", F),
    ("把钱退给我", F),
    ("转人工", P),
    ("找客服", P),
    ("我要找真人", P),
]

BOOKINGS = [
    "I need a cleaner tomorrow 3pm",
    "I need a cleaner tomorrow",
    "can a cleaner come tomorrow at 3pm?",
    "deep cleaning 90 sqm",
    "book a nanny for next week",
    "明天下午三点 日常保洁 3小时",
    "深度保洁 90平",
    "周六上午找个阿姨做3小时保洁",
    "家里空调要洗一下",
    "明天下午三点 90平 日常保洁 漕溪北路88号 1201",
    "月嫂 26天",
    "油烟机清洗 明天上午",
    "厨房很脏 想做深度保洁",
    "需要人工清洗吗",
    "move-in cleaning next monday",
    "my ac has a problem, need repair",
    "你好",
    "hi",
    "",
    "move in cleaning for tomorrow 3pm",
    "I am moving to a new flat tomorrow, need a cleaner",
    "change to deep cleaning tomorrow 3pm",
    "改成3小时",
    "师傅能提前10分钟到吗",
]


@pytest.mark.parametrize(("text", "intent"), ENGLISH)
def test_an_english_question_about_an_order_is_read(text, intent):
    asked = read_asked(text)
    assert asked is not None and asked.intent == intent, (text, asked)


@pytest.mark.parametrize(("text", "intent"), CHINESE)
def test_a_chinese_question_about_an_order_is_read(text, intent):
    asked = read_asked(text)
    assert asked is not None and asked.intent == intent, (text, asked)


def test_each_language_has_at_least_25_phrasings_of_every_kind_together():
    assert len(ENGLISH) >= 25 and len(CHINESE) >= 25
    assert {i for _, i in ENGLISH} == set(Intent) == {i for _, i in CHINESE}


@pytest.mark.parametrize("text", BOOKINGS)
def test_a_request_to_book_asks_nothing_about_an_order(text):
    assert read_asked(text) is None


@pytest.mark.parametrize(
    "text", ["I need a cleaner tomorrow 3pm", "明天下午三点 日常保洁 3小时", "深度保洁 90平"]
)
def test_the_requests_kept_as_requests_still_name_a_service(text):
    """The negatives are requests the booking reads (a service named): they stay bookings."""
    assert Slot.ITEM in read_request(text, CATALOG, date(2026, 11, 23)).found


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("cancel order 200964", Asked(C, 200964)),
        ("Cancel order #200964 please", Asked(C, 200964)),
        ("取消订单#200964", Asked(C, 200964)),
        ("订单200964到哪了", Asked(S, 200964)),
        ("refund 2009641", Asked(F, 2009641)),
        ("where is my order", Asked(S, None)),
        ("我要投诉,电话13812345678", Asked(X, None)),  # a phone number is no order's
    ],
)
def test_an_order_number_typed_with_the_question_is_kept(text, asked):
    assert read_asked(text) == asked


def test_a_number_alone_asks_nothing():
    """ "200964" alone is the order's detail, as the menu reads it (``typed_number``)."""
    assert read_asked("200964") is None and read_asked("#200964") is None


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("200964", 200964),
        (" # 2009641 ", 2009641),
        ("13812345678", None),  # a phone number is no order's
        ("20096", None),
        ("cancel 200964", None),  # a question with its number: ``read_asked``
    ],
)
def test_an_orders_number_typed_alone_is_read_alone(text, number):
    assert typed_number(text) == number


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Where's  MY cleaner?!", "wheres my cleaner"),
        ("Don\u2019t want it", "dont want it"),
        ("取消订单,谢谢!", "取消订单 谢谢"),
        ("ｓｔａｔｕｓ", "status"),
    ],
)
def test_case_punctuation_and_full_width_letters_change_nothing(text, folded):
    assert plain(text) == folded


def test_a_person_asked_for_wins_and_a_move_wins_over_a_cancellation():
    assert read_asked("cancel and reschedule please") == Asked(R)
    assert read_asked("我要投诉,转人工") == Asked(P)
    assert read_asked("where is my cleaner? cancel it") == Asked(C)


def test_a_weekly_plan_is_no_order_to_cancel():
    assert read_asked("cancel my weekly plan") is None
    assert read_asked("取消定期预约") is None


TODAY = date(2026, 11, 23)  # a Monday


@pytest.mark.parametrize(
    ("text", "day", "at"),
    [
        ("改到后天上午10点", date(2026, 11, 25), time(10)),
        ("推迟到周五下午3点", date(2026, 11, 27), time(15)),
        ("提前到明天9点", date(2026, 11, 24), time(9)),
        ("改期 明天下午三点", date(2026, 11, 24), time(15)),
        ("can you move my cleaning to Friday 10am?", date(2026, 11, 27), time(10)),
        ("reschedule to tomorrow 3pm", date(2026, 11, 24), time(15)),
        ("推迟到周五", date(2026, 11, 27), None),  # the order's own hour
        ("change it to 4pm", None, time(16)),  # the order's own day
        ("改到尽快", None, None),  # a move, its time asked
        ("明天下午3点的保洁能改期吗", None, None),  # the order's own time, not its new one
        ("改时间", None, None),
    ],
)
def test_a_move_keeps_the_new_day_and_time_written_after_its_verb(text, day, at):
    assert read_asked(text, TODAY) == Asked(R, None, day, at)


def test_a_moves_time_is_kept_only_when_today_is_given_and_its_number_is_no_time():
    assert read_asked("改到后天上午10点") == Asked(R)
    asked = Asked(R, 200964, date(2026, 11, 24), time(17))
    assert read_asked("把订单 #200964 改到明天下午5点", TODAY) == asked


def test_a_time_to_change_to_is_no_question_where_it_answers_the_booking():
    """At the booking's own questions "改到明天下午3点" moves the booking being made; a word
    that always means moving an order ("推迟") still asks about one."""
    assert read_asked("改到明天下午3点", TODAY, moves=False) is None
    assert read_asked("change it to friday 10am", TODAY, moves=False) is None
    assert read_asked("推迟到周五下午3点", TODAY, moves=False) == Asked(
        R, None, date(2026, 11, 27), time(15)
    )
