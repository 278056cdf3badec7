"""bots.telegram_messages: a turn's replies in as few Bot API messages as keyboards allow."""

from __future__ import annotations

from bots.telegram_messages import MAX_TEXT, messages
from conversations.replies import Ask, AskContact, AskLocation, Link, Option, Photo, Say

PAY = (Option("pay", "确认支付"), Option("later", "稍后支付"))


def buttons(call: dict) -> list[str]:
    return [b["text"] for row in call["reply_markup"]["inline_keyboard"] for b in row]


def test_texts_fold_into_the_next_message() -> None:
    [call] = messages([Say("已收到"), Say("费用明细"), Ask("确认吗?", PAY)])
    assert call["text"] == "已收到\n\n费用明细\n\n确认吗?"
    assert buttons(call) == ["确认支付", "稍后支付"]


def test_a_question_without_options_is_text_for_the_location_request() -> None:
    [call] = messages([Ask("服务地址?请直接输入。"), AskLocation("发送位置")])
    assert call["text"] == "服务地址?请直接输入。\n\n发送位置"
    assert call["reply_markup"]["keyboard"] == [[{"text": "发送位置", "request_location": True}]]


def test_a_link_and_a_question_share_one_message() -> None:
    [call] = messages(
        [
            Say("订单已提交"),
            Link("也可以在网页上支付:", "https://x/pay/1", "网页支付"),
            Ask("请支付", PAY),
        ]
    )
    assert call["text"] == "订单已提交\n\n也可以在网页上支付:\n\n请支付"
    rows = call["reply_markup"]["inline_keyboard"]
    assert rows[0] == [{"text": "网页支付", "url": "https://x/pay/1"}]
    assert buttons(call)[1:] == ["确认支付", "稍后支付"]


def test_keyboards_of_different_kinds_stay_apart() -> None:
    calls = messages([Ask("请选择", PAY), AskContact("分享手机号"), Ask("或者", PAY)])
    assert [c["text"] for c in calls] == ["请选择", "分享手机号", "或者"]
    assert "inline_keyboard" in calls[0]["reply_markup"]
    assert calls[1]["reply_markup"]["keyboard"][0][0]["request_contact"] is True


def test_text_between_keyboards_is_not_moved_above_the_first() -> None:
    calls = messages([Ask("第一问", PAY), Say("说明"), Ask("第二问", PAY)])
    assert [c["text"] for c in calls] == ["第一问", "说明\n\n第二问"]


def test_a_merge_never_makes_a_message_too_long() -> None:
    long = "字" * (MAX_TEXT - 3)
    calls = messages([Link(long, "https://x", "打开"), Ask("请支付", PAY)])
    assert len(calls) == 2
    assert all(len(c["text"]) <= MAX_TEXT for c in calls)


def test_a_photo_is_its_own_message_after_pending_text() -> None:
    calls = messages([Say("完工照片"), Photo("https://x/p.jpg", "厨房"), Say("请验收")])
    assert [c["method"] for c in calls] == ["send_message", "send_photo", "send_message"]
    assert calls[0]["text"] == "完工照片" and calls[2]["text"] == "请验收"


def test_links_without_a_text_add_their_buttons_to_the_message_they_follow() -> None:
    photos = [
        Link("", "https://x/m/1.png", "查看照片 1"),
        Link("", "https://x/m/2.png", "查看照片 2"),
    ]
    [call] = messages([Ask("已完工,请确认", (Option("ok", "确认完成"),)), *photos])
    assert call["text"] == "已完工,请确认"
    assert buttons(call) == ["确认完成", "查看照片 1", "查看照片 2"]
    [call] = messages([Say("已完工"), photos[0]])
    assert call["text"] == "已完工" and buttons(call) == ["查看照片 1"]
    [call] = messages([photos[0]])  # alone: its label is the text (no empty message)
    assert call["text"] == "查看照片 1"


def test_the_check_in_location_button_is_a_button_not_the_question():
    """The check-in question's whole sentence ("到达 #240117 门口后,请发送您的实时位置打卡。")
    was the location button's label: a button of 28 characters, cut off on a phone."""
    from conversations.flows.worker_views import checkin_question
    from conversations.state import Conversation

    for lang, label in (("zh", "📍 发送位置打卡"), ("en", "📍 Check in here")):
        [call] = messages([checkin_question(Conversation(lang=lang), 240117)])
        assert "240117" in call["text"]
        [[button]] = call["reply_markup"]["keyboard"]
        assert button == {"text": label, "request_location": True}
