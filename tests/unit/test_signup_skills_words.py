"""Skills typed at the worker sign-up's skills step rather than tapped ("保洁, 月嫂", "cleaning
and nanny", "我会做保洁和育儿嫂"): read from the catalog's names and the words people use for
them, in both languages, ticked and said back; words naming no service of ours are said not
taken, and nothing is guessed for them."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from conversations.events import TextReceived
from conversations.flows import worker_signup
from conversations.flows.base import Ctx
from conversations.flows.worker_signup_data import SignupData
from conversations.replies import Ask, Say
from conversations.state import Conversation
from conversations.understanding.skills import SkillsRead, read_skills
from store.catalog_file import load_catalog

CATALOG, RULES = load_catalog()
NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
CTX = Ctx(CATALOG, RULES, NOW, "https://daojia.example")


@pytest.mark.parametrize(
    ("typed", "skills"),
    [
        ("保洁, 月嫂", ("cleaning", "maternity")),
        ("保洁,月嫂", ("cleaning", "maternity")),
        ("保洁、月嫂", ("cleaning", "maternity")),
        ("保洁 月嫂", ("cleaning", "maternity")),
        ("保洁月嫂", ("cleaning", "maternity")),  # no separator: both written out
        # "cleaning" is the Cleaning category's own name: its services' skills, daily and deep
        ("cleaning and nanny", ("cleaning", "deep_cleaning", "nanny")),
        ("Cleaning, Nanny", ("cleaning", "deep_cleaning", "nanny")),
        ("cleaning nanny", ("cleaning", "deep_cleaning", "nanny")),
        ("daily cleaning and nanny", ("cleaning", "nanny")),
        ("我会做保洁和育儿嫂", ("cleaning", "nanny")),
        ("我会保洁以及带孩子", ("cleaning", "nanny")),
        ("深度保洁/开荒", ("deep_cleaning",)),
        (
            "deep cleaning, babysitting and elderly care",
            ("deep_cleaning", "nanny", "elderly_care"),
        ),
        ("空调清洗和维修", ("appliance_cleaning", "appliance_repair")),
        ("修空调 洗油烟机", ("appliance_repair", "appliance_cleaning")),
        ("护工", ("elderly_care",)),
        ("maternity nurse & newborn care", ("maternity",)),
        ("mother and baby", ("maternity",)),  # one name with "and" in it: not two parts
        ("cleanig", ("cleaning", "deep_cleaning")),  # a typo of the category's name
        ("保洁等等", ("cleaning",)),  # a filler is no service, nor refused
    ],
)
def test_skills_typed_in_either_language_are_read(typed, skills):
    assert read_skills(typed, CATALOG) == SkillsRead(skills, ())


def test_a_bare_word_is_its_everyday_service_not_its_near_misses_too():
    """ "保洁" is daily cleaning (deep and move-in cleaning are a skill of their own, ticked by
    who does them), "空调" air-conditioner cleaning (not the repair of it too)."""
    assert read_skills("保洁", CATALOG).skills == ("cleaning",)
    assert read_skills("空调", CATALOG).skills == ("appliance_cleaning",)
    assert read_skills("nanny", CATALOG).skills == ("nanny",)


@pytest.mark.parametrize(
    ("typed", "skills"),
    [
        ("家电清洗与维修", ("appliance_cleaning", "appliance_repair")),
        ("Appliance cleaning & repair", ("appliance_cleaning", "appliance_repair")),
        ("家电", ("appliance_cleaning", "appliance_repair")),  # the category's alias
        ("保洁清洁", ("cleaning", "deep_cleaning")),
        ("cleaning", ("cleaning", "deep_cleaning")),
        ("家电清洗与维修、月嫂", ("appliance_cleaning", "appliance_repair", "maternity")),
        ("养老护理", ("elderly_care",)),  # its services share one skill: ticked once
    ],
)
def test_a_whole_category_typed_ticks_every_skill_of_its_services(typed, skills):
    assert read_skills(typed, CATALOG) == SkillsRead(skills, ())


@pytest.mark.parametrize(
    ("typed", "skills", "unknown"),
    [
        ("开飞机", (), ("开飞机",)),
        ("hello", (), ("hello",)),
        ("保洁、开飞机、做饭", ("cleaning",), ("开飞机", "做饭")),
        ("我会做饭和带孩子", ("nanny",), ("我会做饭",)),
        ("daily cleaning and driving", ("cleaning",), ("driving",)),
    ],
)
def test_words_naming_no_service_are_returned_as_typed(typed, skills, unknown):
    assert read_skills(typed, CATALOG) == SkillsRead(skills, unknown)


def test_numbers_are_the_buttons_when_they_are_numbered():
    buttons = ("cleaning", "nanny", "maternity")
    assert read_skills("1、3", CATALOG, buttons) == SkillsRead(("cleaning", "maternity"))
    assert read_skills("1,5", CATALOG, buttons) == SkillsRead(("cleaning",), ("5",))
    assert read_skills("1 3", CATALOG) == SkillsRead((), ("1 3",))  # no buttons numbered


def at_skills(lang: str = "zh", skills: tuple[str, ...] = ()) -> Conversation:
    conv = Conversation(flow=worker_signup.NAME, step="skills", lang=lang, role="worker")
    data = SignupData(name="王师傅", phone="13900004401", skills=skills)
    conv.data[worker_signup.NAME] = data.to_json()
    return conv


def typed(text: str) -> TextReceived:
    return TextReceived(channel="telegram", user_id="1", at=NOW, text=text)


def said(outcome) -> str:
    return "\n".join(r.text for r in outcome.replies if isinstance(r, Say))


def kept(conv: Conversation) -> tuple[str, ...]:
    data = SignupData.from_json(conv.data[worker_signup.NAME])
    assert data is not None
    return data.skills


def test_skills_typed_are_ticked_and_said_back_and_the_question_asked_again():
    conv = at_skills()
    out = worker_signup.on_skills_text(CTX, conv, typed("保洁, 月嫂"))
    assert kept(conv) == ("cleaning", "maternity")
    assert said(out).splitlines() == [
        "已选上:日常保洁、月嫂(26 天)、新生儿护理(钟点)。",
        "还会别的可以接着选或输入;都选好了请点「选好了」。",
    ]
    assert out.reask and out.step is None and not out.commands
    [question] = worker_signup.ask(CTX, conv).replies
    assert isinstance(question, Ask)
    ticked = [o.label for o in question.options if o.label.startswith("✓ ")]
    assert ticked == ["✓ 日常保洁", "✓ 月嫂(26 天)、新生儿护理(钟点)"]


def test_a_category_typed_ticks_each_of_its_services_buttons():
    conv = at_skills()
    out = worker_signup.on_skills_text(CTX, conv, typed("家电清洗与维修"))
    assert kept(conv) == ("appliance_cleaning", "appliance_repair")
    [question] = worker_signup.ask(CTX, conv).replies
    assert isinstance(question, Ask)
    ticked = [o.label for o in question.options if o.label.startswith("✓ ")]
    assert len(ticked) == 2, ticked
    assert said(out).startswith("已选上:"), said(out)
    assert "家电维修" in said(out) and "空调清洗" in said(out)


def test_skills_typed_in_english_are_said_back_in_english():
    conv = at_skills("en")
    out = worker_signup.on_skills_text(CTX, conv, typed("daily cleaning and nanny"))
    assert kept(conv) == ("cleaning", "nanny")
    assert said(out).splitlines()[0] == "Added: Daily cleaning, Hourly nanny / Live-in nanny."


def test_a_skill_typed_again_stays_ticked_and_others_are_added_after_it():
    conv = at_skills(skills=("nanny",))
    worker_signup.on_skills_text(CTX, conv, typed("我会做保洁和育儿嫂"))
    assert kept(conv) == ("nanny", "cleaning")


def test_words_naming_no_service_are_refused_saying_which_and_nothing_is_ticked():
    conv = at_skills()
    out = worker_signup.on_skills_text(CTX, conv, typed("开飞机"))
    assert kept(conv) == ()
    assert said(out) == (
        "「开飞机」不是我们的服务项目。请点选下面的服务,或输入服务名称,"
        "例如「日常保洁、空调清洗」。"
    )
    english = worker_signup.on_skills_text(CTX, replace(conv, lang="en"), typed("flying planes"))
    assert said(english) == (
        '"flying planes" is not one of our services. Tap the services below, or type their '
        'names, e.g. "Daily cleaning, Air-conditioner cleaning".'
    )


def test_the_services_read_are_ticked_and_the_rest_said_not_taken():
    conv = at_skills()
    out = worker_signup.on_skills_text(CTX, conv, typed("保洁、开飞机、做饭"))
    assert kept(conv) == ("cleaning",)
    assert said(out).splitlines()[:2] == [
        "已选上:日常保洁。",
        "「开飞机、做饭」不是我们的服务项目,没有选上。",
    ]


def test_numbers_typed_tick_the_numbered_buttons():
    conv = at_skills()
    worker_signup.on_skills_text(CTX, conv, typed("1、3"))
    buttons = sorted(CATALOG.skill_names())
    assert kept(conv) == (buttons[0], buttons[2])
