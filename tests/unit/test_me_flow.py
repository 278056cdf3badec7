"""我的 (Me) driven with the typed results of its query: the whole screen and each part, in
one language, with levels and coupons named; how the menu, the commands and the words reach it
from every state; and the language switch it now holds."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from conversations.events import ChoiceMade, CommandReceived, TextReceived
from conversations.flows import global_words, me, me_views, menu, start
from conversations.flows.booking_draft import Draft
from conversations.flows.me_views import LISTED_MOVEMENTS
from conversations.flows.registry import CUSTOMER_FLOWS
from conversations.replies import Ask, Link, Option, Say
from conversations.results.customers import CustomerRegistered, WelcomeCoupon
from conversations.results.membership import CouponHeld, MembershipShown
from conversations.results.points import PointsHistory, PointsLine
from conversations.routing import _match_choice
from conversations.state import Conversation
from domain.commands import SetBirthday, SetLanguage
from domain.member_levels import progress
from domain.points import KIND_TEXT, PointsKind
from domain.queries import LoadMembership, LoadPointsHistory
from domain.referrals import InviteLink
from domain.rules import MemberLevel
from domain.text import Bilingual
from tests.unit.test_flows import CTX, NOW, RULES  # one catalog: its word matcher is cached

BASE = {"channel": "telegram", "user_id": "1", "at": NOW}
CJK = re.compile(r"[\u4e00-\u9fff]")
CODE = "R8F3K2A9B1"
LINK = InviteLink("https://t.me/daojia_bot?start=ref_AB12CD34")
COUPONS = (
    CouponHeld(
        Bilingual("新人券", "Welcome coupon"),
        Bilingual("满¥100.00减¥20.00", "¥20.00 off orders over ¥100.00"),
        NOW - timedelta(days=1),
        NOW + timedelta(days=29),
    ),
    CouponHeld(
        Bilingual("邀请奖励券", "Referral coupon"),
        Bilingual("立减¥50.00", "¥50.00 off"),
        NOW + timedelta(days=2),
        NOW + timedelta(days=60),
    ),
)


def shown(spend: int = 230_000, **changes) -> MembershipShown:
    fields = {
        "progress": progress(spend, RULES.membership),
        "window_days": 365,
        "discount_bp": 500,
        "points": 120,
        "points_per_yuan": 100,
        "coupons": COUPONS,
        "invite": LINK,
        "invite_asked": True,
        "referral_reward_cents": 5_000,
    }
    return MembershipShown(**{**fields, **changes})


def history(count: int = 3) -> PointsHistory:
    """120 points: ``count`` movements, newest first, one of each kind in turn."""
    kinds = list(PointsKind)
    lines = tuple(
        PointsLine(
            NOW - timedelta(days=40 * i),
            kinds[i % len(kinds)],
            KIND_TEXT[kinds[i % len(kinds)]],
            (-1) ** i * 12_345,
            120 + i,
            None if kinds[i % len(kinds)] == PointsKind.EXPIRED else 10_000_000 + i,
        )
        for i in range(count)
    )
    return PointsHistory(120, 30, NOW + timedelta(days=300), lines)


def conv(section: str = "me", lang: str = "zh", **kw) -> Conversation:
    fields = {"flow": "me", "step": "shown", "lang": lang, "customer_id": 5}
    return Conversation(**{**fields, **kw}, channel="telegram", data={"me": {"section": section}})


def texts(replies) -> str:
    return "\n".join(r.text for r in replies)


def labels(replies) -> list[str]:
    return [o.label for r in replies if isinstance(r, Ask) for o in r.options]


def keys(replies) -> list[str]:
    return [o.key for r in replies if isinstance(r, Ask) for o in r.options]


def test_entering_asks_for_the_membership_with_the_invitation_only_where_it_is_shown():
    for section, invite in [("me", True), ("invite", True), ("coupons", False)]:
        c = conv(section)
        out = me.enter(CTX, c)
        assert out.commands == [LoadMembership(5, "telegram", invite)]
    assert me.enter(CTX, conv("points")).commands == [LoadPointsHistory(5, LISTED_MOVEMENTS)]
    c = conv("no-such-part")
    assert me.enter(CTX, c).commands == [LoadMembership(5, "telegram", True)]
    assert c.data["me"] == {"section": "me"}  # reset on entry


def test_the_whole_screen_names_the_level_and_shows_the_way_to_the_next():
    out = me.on_shown(CTX, conv(), shown())
    screen = texts(out.replies)
    assert "会员等级:白银会员(每单享 5% 优惠)" in screen
    assert "近 365 天消费 ¥2,300.00,再消费 ¥2,700.00 即可升级为黄金会员(满 ¥5,000.00)" in screen
    assert "积分:120(100 积分抵 ¥1.00" in screen
    assert "silver" not in screen and "gold" not in screen
    assert "优惠券 2 张" in screen
    assert "· 新人券:满¥100.00减¥20.00,有效期至 12月22日 周二" in screen
    assert "· 邀请奖励券:立减¥50.00,11月25日 周三 起可用,有效期至 1月22日 周五" in screen
    assert "各得一张 ¥50.00 优惠券" in screen
    assert LINK.url in screen
    assert CODE not in screen
    assert keys(out.replies) == [
        "points",
        "coupons",
        "invite",
        "cards",
        "birthday",
        "emergency",
        "lang",
        "menu",
    ]
    assert labels(out.replies) == [
        "积分",
        "优惠券",
        "邀请好友",
        "次卡",
        "设置生日",
        "紧急联系人",
        "English",
        "主菜单",
    ]


def test_at_the_top_level_there_is_no_next_one_and_a_regular_member_has_no_discount():
    top = texts(me.on_shown(CTX, conv(), shown(spend=1_200_000, discount_bp=1_500)).replies)
    assert "钻石会员(每单享 15% 优惠)" in top and "已是最高等级" in top
    new = texts(me.on_shown(CTX, conv(), shown(spend=0, discount_bp=0, coupons=())).replies)
    assert "会员等级:普通会员\n" in new and "优惠" not in new.split("\n")[1]
    assert "再消费 ¥2,000.00 即可升级为白银会员" in new
    assert "暂无可用的优惠券" in new


def test_the_screen_in_english_has_no_chinese_but_the_other_languages_name():
    out = me.on_shown(CTX, conv(lang="en"), shown())
    screen = texts(out.replies)
    assert not CJK.search(screen), screen
    assert "Member level: Silver member (5% off every order)" in screen
    assert "¥2,700.00 more makes you a Gold member" in screen
    assert "Welcome coupon: ¥20.00 off orders over ¥100.00, valid until Tue 22 Dec" in screen
    assert labels(out.replies)[-2:] == ["中文", "Main menu"]


def test_each_part_shows_itself_and_offers_the_others():
    points = me.on_history(CTX, conv("points"), history())
    assert texts(points.replies).startswith("积分:120")
    assert "优惠券" not in texts(points.replies).split("\n")[0]
    assert keys(points.replies) == ["me", "coupons", "invite", "cards", "menu"]
    coupons = me.on_shown(CTX, conv("coupons"), shown(invite=None, invite_asked=False))
    assert "新人券" in texts(coupons.replies) and "积分" not in texts(coupons.replies)
    invite = me.on_shown(CTX, conv("invite"), shown())
    assert LINK.url in texts(invite.replies) and "积分" not in texts(invite.replies)
    assert keys(invite.replies) == ["me", "points", "coupons", "cards", "menu"]


def test_on_wechat_the_invitation_is_a_qr_code_to_show_and_a_failure_is_said():
    qr = InviteLink("https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket=T1", qr=True)
    out = me.on_shown(CTX, conv("invite"), shown(invite=qr))
    [link] = [r for r in out.replies if isinstance(r, Link)]
    assert link.url == qr.url and link.label == "查看我的邀请二维码" and "扫描" in link.text
    failed = me.on_shown(CTX, conv("invite"), shown(invite=None))
    assert "邀请链接暂时无法生成" in texts(failed.replies)


def test_choosing_a_part_loads_it_and_the_language_switch_speaks_the_other():
    c = conv()
    out = me.on_choice(CTX, c, ChoiceMade(**BASE, key="points"))
    assert out.commands == [LoadPointsHistory(5, LISTED_MOVEMENTS)]
    assert c.data["me"] == {"section": "points"}
    out = me.on_choice(CTX, c, ChoiceMade(**BASE, key="lang"))
    assert c.lang == "en" and out.reask and out.commands == [SetLanguage(5, "en")]
    assert out.replies == [Say("Switched to English.")]
    assert me.ask(CTX, c).commands == [LoadPointsHistory(5, LISTED_MOVEMENTS)]
    out = me.on_choice(CTX, c, ChoiceMade(**BASE, key="menu"))
    assert out.goto == "menu" and "me" not in c.data


def test_a_button_of_the_menu_shown_before_does_what_it_says():
    """我的 typed (not tapped) leaves the menu's buttons on Telegram: tapping 预约服务 or 我的订单
    there then was answered "没太明白"."""
    for key, goto in (("book", "booking"), ("orders", "orders"), ("support", "support")):
        out = me.on_choice(CTX, conv(), ChoiceMade(**BASE, key=key))
        assert out.goto == goto and not out.replies, (key, out)


def test_a_worker_switching_language_keeps_it_on_their_worker_record_too():
    from conversations.flows.language import switch_language
    from conversations.state import Conversation

    worker = Conversation(flow="worker", step="menu", worker_id=9, role="worker")
    assert switch_language(worker, "en").commands == [SetLanguage(None, "en", 9)]
    both = Conversation(customer_id=5, worker_id=9)
    assert switch_language(both, "zh").commands == [SetLanguage(5, "zh", 9)]
    assert switch_language(Conversation(), "en").commands == []  # nobody yet: nothing kept


def test_typed_words_book_when_they_name_a_service_else_the_choices_come_again():
    c = conv()
    out = me.on_text(CTX, c, TextReceived(**BASE, text="明天下午三点 日常保洁"))
    assert out.goto == "booking"
    c = conv("coupons")
    out = me.on_text(CTX, c, TextReceived(**BASE, text="嗯?"))
    assert isinstance(out.replies[0], Say) and "没太明白" in out.replies[0].text
    assert (
        keys(out.replies) == ["me", "points", "invite", "cards", "birthday", "menu"]
        and not out.commands
    )


@pytest.mark.parametrize(
    ("typed", "section"),
    [
        ("我的", "me"),
        ("Me", "me"),
        ("会员等级", "me"),
        ("积分", "points"),
        ("我的积分", "points"),
        ("points", "points"),
        ("优惠券", "coupons"),
        ("我的优惠券", "coupons"),
        ("coupons", "coupons"),
        ("邀请", "invite"),
        ("邀请好友", "invite"),
        ("invite", "invite"),
    ],
)
def test_the_words_open_their_part_in_every_state_and_back_returns(typed, section):
    d = Draft(category="cleaning", item="daily_cleaning", options=[])
    c = Conversation(flow="booking", step="quantity", customer_id=5, data={"booking": d.to_json()})
    out = global_words.route(CUSTOMER_FLOWS, CTX, c, TextReceived(**BASE, text=typed))
    assert out.goto == "me" and c.data["me"] == {"section": section}
    assert "booking" in c.data  # a detour: what they were doing stays


@pytest.mark.parametrize(
    ("command", "section"),
    [("me", "me"), ("points", "points"), ("coupons", "coupons"), ("invite", "invite")],
)
def test_the_commands_open_their_part_for_customers_and_staff_alike(command, section):
    c = Conversation(flow="worker", step="idle", role="worker", customer_id=5, worker_id=2)
    event = CommandReceived(**BASE, command=command)
    out = global_words.route(CUSTOMER_FLOWS, CTX, c, event)
    assert out.goto == "me" and c.data["me"] == {"section": section}
    assert c.role == "customer"
    stranger = Conversation(flow="menu", step="menu")
    assert global_words.route(CUSTOMER_FLOWS, CTX, stranger, event).goto == "start"


def test_a_worker_typing_the_words_is_not_taken_to_the_customers_screen():
    c = Conversation(flow="worker", step="idle", role="worker", worker_id=2)
    assert global_words.route(CUSTOMER_FLOWS, CTX, c, TextReceived(**BASE, text="积分")) is None


def test_typed_me_opens_me_rather_than_a_button_it_is_part_of():
    c = Conversation(flow="recurring", step="list", customer_id=5)
    c.options = [["orders", "我的订单"], ["menu", "主菜单"]]
    assert isinstance(_match_choice(TextReceived(**BASE, text="我的"), c), TextReceived)
    assert isinstance(_match_choice(TextReceived(**BASE, text="订单"), c), ChoiceMade)


def test_a_command_typed_with_its_order_number_is_no_part_of_a_buttons_name():
    """ "转单 #N" typed at a jobs menu offering "取消转单 #N" hands the job over: it does not
    press the button whose name holds it."""
    c = Conversation(flow="worker", step="menu", worker_id=5)
    c.options = [
        ["act:onway:240117", "出发 #240117"],
        ["act:cancel_transfer:240117", "取消转单 #240117"],
    ]
    assert isinstance(_match_choice(TextReceived(**BASE, text="转单 #240117"), c), TextReceived)
    pressed = _match_choice(TextReceived(**BASE, text="取消转单 #240117"), c)
    assert isinstance(pressed, ChoiceMade) and pressed.key == "act:cancel_transfer:240117"


def test_the_menu_offers_me_and_only_the_first_screen_offers_the_other_language():
    c = Conversation(flow="menu", step="menu", customer_id=5)
    assert keys(menu.ask(CTX, c).replies) == [
        "book",
        "orders",
        "reorder",
        "support",
        "recurring",
        "me",
    ]
    assert menu.on_choice(CTX, c, ChoiceMade(**BASE, key="me")).goto == "me"
    new = Conversation(flow="start", step="signing_up", channel="telegram")
    out = start.on_registered(CTX, new, CustomerRegistered(9, WelcomeCoupon("W1", 2000, 10000)))
    assert out.goto == "menu"
    first = menu.enter(CTX, new)
    assert first.replies[-1].options[-1] == Option("lang", "English")
    assert "lang" not in keys(menu.ask(CTX, new).replies)


@pytest.mark.parametrize(
    ("lang", "words"), [("zh", ("「我的」", "「邀请」")), ("en", ("'me'", "'invite'"))]
)
def test_help_names_me_and_invite(lang, words):
    helped = global_words.help_text(Conversation(lang=lang))
    assert all(w in helped for w in words)


def test_every_screen_names_its_parts_in_the_persons_language():
    for section in me_views.Section:
        for lang in ("zh", "en"):
            c = conv(section.value, lang=lang)
            out = (
                me.on_history(CTX, c, history())
                if section == me_views.Section.POINTS
                else me.on_shown(CTX, c, shown())
            )
            shown_text = texts(out.replies) + " ".join(labels(out.replies)[:-2])
            if lang == "en":
                assert not CJK.search(shown_text), shown_text
            assert MemberLevel.SILVER.value not in shown_text


def test_every_channels_menu_reaches_me_and_the_invitation():
    from bots.telegram_menu import COMMANDS
    from bots.wechat_menu import CLICK_COMMANDS, MENU

    commands = dict(COMMANDS)
    assert commands["me"].get("zh").startswith("我的") and commands["me"].get("en")
    assert commands["invite"].get("zh") == "邀请好友" and commands["invite"].get("en")
    more = next(b for b in MENU["button"] if b["name"] == "更多")["sub_button"]
    assert len(MENU["button"]) <= 3 and len(more) <= 5  # WeChat's limits
    [mine] = [b for b in more if b["name"] == "我的"]
    assert CLICK_COMMANDS[mine["key"]] == "me" and CLICK_COMMANDS["INVITE"] == "invite"
    assert all(CLICK_COMMANDS[key] in me.COMMANDS for key in ("ME", "INVITE"))


def test_the_english_telegram_command_menu_reads_as_titles():
    from bots.telegram_menu import command_menu

    english = {c.command: c.description for c in command_menu("en")}
    assert english["cancel"] == "Cancel" and english["book"] == "Book a service"
    assert all(d[:1].isupper() for d in english.values()), english
    chinese = {c.command: c.description for c in command_menu("zh")}
    assert chinese["cancel"] == "取消" and chinese["me"] == "我的:等级、积分、优惠券"


@pytest.mark.parametrize(
    ("event", "key"), [("subscribe", "qrscene_ref_AB12CD34"), ("SCAN", "ref_AB12CD34")]
)
def test_a_follow_or_scan_through_an_invitation_qr_code_starts_with_its_scene(event, key):
    from bots.wechat_events import to_event
    from bots.wechat_xml import parse_message
    from tests.fakes.wechat import event_xml

    started = to_event(parse_message(event_xml("oFriend", event, key)), NOW)
    assert isinstance(started, CommandReceived)
    assert (started.command, started.args) == ("start", "ref_AB12CD34")


def test_many_coupons_are_listed_soonest_first_with_how_many_more():
    many = tuple(
        CouponHeld(
            Bilingual("赠券", "Gift coupon"),
            Bilingual("立减¥10.00", "¥10.00 off"),
            NOW - timedelta(days=1),
            NOW + timedelta(days=10 + i),
        )
        for i in range(20)
    )
    overview = texts(me.on_shown(CTX, conv(), shown(coupons=many)).replies)
    assert overview.count("· 赠券") == 3 and "……还有 17 张,发送「优惠券」查看。" in overview
    part = texts(me.on_shown(CTX, conv("coupons"), shown(coupons=many)).replies)
    assert part.count("· 赠券") == 15 and "……另有 5 张有效期更长的优惠券。" in part
    english = texts(me.on_shown(CTX, conv(lang="en"), shown(coupons=many)).replies)
    assert "…and 17 more: send 'coupons' to see them." in english


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_points_part_lists_a_bounded_number_of_movements_by_name_newest_first(lang):
    out = me.on_history(CTX, conv("points", lang=lang), history(40))
    [say, _] = out.replies
    lines = [x for x in say.text.splitlines() if x.startswith("· ")]
    assert len(lines) == LISTED_MOVEMENTS
    assert len(say.text.encode()) <= 2_048  # one WeChat text
    assert all(kind.value not in say.text for kind in PointsKind)
    if lang == "zh":
        assert lines[0] == "· 11月23日 周一 消费获得(订单 #10000000) +12345,余 120"
        assert lines[1] == "· 10月14日 周三 评价奖励(订单 #10000001) -12345,余 121"
        assert "· 3月28日 周六 积分过期 +12345,余 126" in lines
        assert lines[-1].startswith("· 2025年")
        assert "其中 30 积分将于 2027年9月19日 周日 过期" in say.text
    else:
        assert not CJK.search(say.text), say.text
        assert lines[0] == "· Mon 23 Nov Earned by an order (order #10000000) +12345, balance 120"


def test_the_birthday_is_asked_read_and_sent_as_a_month_and_a_day():
    c = conv()
    out = me.on_choice(CTX, c, ChoiceMade(**BASE, key="birthday"))
    assert out.step == me.Step.BIRTHDAY
    c.step = me.Step.BIRTHDAY
    assert "请回复您的生日" in texts(me.ask(CTX, c).replies)
    wrong = me.on_birthday(CTX, c, TextReceived(**BASE, text="下周"))
    assert "没看懂" in texts(wrong.replies) and not wrong.commands
    right = me.on_birthday(CTX, c, TextReceived(**BASE, text="Dec 25"))
    assert right.commands == [SetBirthday(5, "12-25")]
    back = me.on_birthday_choice(CTX, c, ChoiceMade(**BASE, key="back"))
    assert back.step == me.Step.SHOWN and back.reask


@pytest.mark.parametrize(
    ("typed", "lang", "refused"),
    [
        ("2030-01-01", "zh", "生日不能是将来的日期"),
        ("2030-01-01", "en", "A birthday can't be a day still to come"),
        ("2026-12-25", "zh", "生日不能是将来的日期"),  # this year's, still to come (today 23 Nov)
        ("1800-01-01", "zh", "1800 年不像出生年份"),
        ("1800-01-01", "en", "1800 doesn't look like a year of birth"),
    ],
)
def test_a_birthday_with_a_year_that_cannot_be_theirs_is_refused_and_nothing_is_kept(
    typed, lang, refused
):
    c = conv(lang=lang, step=me.Step.BIRTHDAY)
    out = me.on_birthday(CTX, c, TextReceived(**BASE, text=typed))
    assert refused in texts(out.replies) and not out.commands and out.reask


@pytest.mark.parametrize(("typed", "kept"), [("1990-03-08", "03-08"), ("1990年3月8日", "03-08")])
def test_a_birthday_with_a_plausible_year_keeps_its_month_and_day(typed, kept):
    out = me.on_birthday(CTX, conv(step=me.Step.BIRTHDAY), TextReceived(**BASE, text=typed))
    assert out.commands == [SetBirthday(5, kept)]


def test_the_chinese_birthday_question_has_no_english_and_the_english_reads_english_days():
    zh = texts(me.ask(CTX, conv(step=me.Step.BIRTHDAY)).replies)
    assert "例如 3月8日 或 03-08" in zh and "March" not in zh
    en = texts(me.ask(CTX, conv(lang="en", step=me.Step.BIRTHDAY)).replies)
    assert "e.g. 8 Mar or 8 March" in en
    from conversations.flows.me_birthday import read_birthday

    assert read_birthday("8 March") == read_birthday("March 8") == "03-08"  # still read
