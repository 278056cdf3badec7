"""What a worker signing up is told when an answer is no answer: a name with no letter, a
service area partly not understood (never silently made smaller), an expiry date that does
not exist — and the summary's lists joined in the worker's language."""

from __future__ import annotations

import pytest

from tests.e2e.helpers import TelegramUser, telegram_app
from tests.e2e.test_job_rules import photo

APPLICANT, ENGLISH = 890401, 890402


@pytest.fixture
async def tg(aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock):
    return await telegram_app(
        aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock=clock
    )


async def test_a_name_an_area_or_an_expiry_that_is_none_is_asked_again_saying_why(
    tg, fake_telegram
):
    _, client = tg
    user = TelegramUser(client, fake_telegram, APPLICANT)
    await user.say("/register")
    for no_name in ("123", "1 2 3", "--"):
        await user.say(no_name)
        assert "姓名里要有汉字或字母" in user.text() and "真实姓名" in user.text(), no_name
    await user.say("王师傅")
    assert "手机" in user.text()
    await user.say("１３９\u3000００００－４４０１")  # full-width, as some input methods type it
    assert "手机号格式不对" not in user.text(), user.text()
    await user.choose("日常保洁")
    await user.choose("选好了")
    for typed, unknown in (
        ("黄浦区 徐汇 Xuhuiqq", "Xuhuiqq"),
        ("静安区 人民广场", "人民广场"),
        ("黄浦徐汇", "黄浦徐汇"),
    ):
        await user.say(typed)
        assert f"没看懂这些区名:{unknown}" in user.text(), typed
        assert "身份证" not in user.text(), typed
    await user.say("黄浦区 徐汇、Jing'an District")
    assert "身份证" in user.text()
    await photo(user, fake_telegram, "id890401")
    await photo(user, fake_telegram, "hc890401")
    await user.say("2027-02-30")
    assert "日期不存在" in user.text()
    await user.say("2020-01-01")
    assert "有效期 2020年1月1日 周三 已到期" in user.text() and "新证" in user.text()
    await user.say("不知道")  # not understood, said so: not "a future date", as if it had passed
    assert "没看懂这个日期" in user.text() and "例如 2027-06-30" in user.text()
    assert "日期不存在" not in user.text() and "未来" not in user.text()
    await user.say("2027-06-30")
    assert "请确认" in user.text() and "姓名:王师傅" in user.text()
    assert "电话:13900004401" in user.text()  # the number as read
    assert "范围:徐汇区、静安区、黄浦区" in user.text()
    assert "健康证有效期至:2027年6月30日 周三" in user.text()  # the date as read, to check


async def test_the_english_summary_joins_skills_with_an_english_comma(tg, fake_telegram):
    _, client = tg
    user = TelegramUser(client, fake_telegram, ENGLISH, lang="en")
    await user.say("/register")
    await user.say("Li Na")
    await user.say("13900004402")
    await user.choose("Daily cleaning")
    await user.choose("nanny")
    await user.choose("Done")
    await user.say("Xuhui District, Jing'an")
    await photo(user, fake_telegram, "id890402")
    await photo(user, fake_telegram, "hc890402")
    await user.say("2027-06-30")
    await user.choose("Skip")  # the childcare certificate
    assert "Skills: Daily cleaning, " in user.text() and "、" not in user.text()
    # English district names understood, and shown in English
    assert "Area: Xuhui District, Jing'an District" in user.text()


@pytest.mark.parametrize(
    ("lang", "menu", "name_asked", "skills_asked", "skill", "done", "summary"),
    [
        ("zh", "菜单", "真实姓名", "您会哪些服务", "日常保洁", "选好了", "王师傅"),
        ("en", "menu", "full name", "Which services", "Daily cleaning", "Done", "Li Na"),
    ],
)
async def test_a_sign_up_left_for_the_menu_goes_on_where_it_stopped_keeping_what_was_typed(
    tg, fake_telegram, lang, menu, name_asked, skills_asked, skill, done, summary
):
    _, client = tg
    user = TelegramUser(client, fake_telegram, APPLICANT if lang == "zh" else ENGLISH, lang=lang)
    await user.say("/register")
    await user.say(summary)
    await user.say("13900004403")
    assert skills_asked in user.text()
    await user.say(menu)
    await user.say("/register")
    shown = user.text()
    assert skills_asked in shown and name_asked not in shown, shown  # name and phone kept
    await user.choose(skill)
    await user.choose(done)
    await user.say(menu)  # again, with the skills given: on at the area question
    await user.say("/register")
    await user.say("徐汇区" if lang == "zh" else "Xuhui District")
    await photo(user, fake_telegram, f"id-{lang}")
    await photo(user, fake_telegram, f"hc-{lang}")
    await user.say("2027-06-30")
    assert summary in user.text() and "13900004403" in user.text(), user.text()


async def test_skills_typed_rather_than_tapped_are_read_and_the_sign_up_goes_on(tg, fake_telegram):
    """Typed at the skills' buttons: read, ticked and said back; a word that is no service
    is said not taken; "选好了" goes on, and the summary lists what was read."""
    _, client = tg
    user = TelegramUser(client, fake_telegram, APPLICANT)
    await user.say("/register")
    await user.say("王师傅")
    await user.say("13900004404")
    await user.say("保洁, 月嫂")
    shown = user.text()
    assert "已选上:日常保洁、月嫂(26 天)、新生儿护理(钟点)。" in shown, shown
    assert "没看懂" not in shown and "没太明白" not in shown
    await user.say("我还会开飞机")
    assert "「我还会开飞机」不是我们的服务项目" in user.text(), user.text()
    await user.say("育儿嫂")
    assert "已选上:钟点育儿嫂、住家保姆。" in user.text()
    await user.choose("选好了")
    assert "您在哪里接单" in user.text()
    await user.say("徐汇区")
    await photo(user, fake_telegram, "id890404")
    await photo(user, fake_telegram, "hc890404")
    await user.say("2027-06-30")
    await user.choose("跳过")  # the maternity certificate
    await user.choose("跳过")  # the childcare certificate
    summary = user.text()
    assert "技能:日常保洁、月嫂(26 天)、新生儿护理(钟点)、钟点育儿嫂、住家保姆" in summary, summary


async def test_skills_typed_in_english_are_read(tg, fake_telegram):
    _, client = tg
    user = TelegramUser(client, fake_telegram, ENGLISH, lang="en")
    await user.say("/register")
    await user.say("Li Na")
    await user.say("13900004405")
    await user.say("cleaning and nanny")  # "Cleaning", the category: daily and deep cleaning
    added = (
        "Added: Daily cleaning, Deep cleaning / Move-in cleaning, Hourly nanny / Live-in nanny."
    )
    assert added in user.text(), user.text()
    await user.choose("Done")
    assert "Xuhui District" in user.text()  # the area question's example: on
