"""Every notification event has a template for every channel and language, and each renders
with the data the code gives it (a missing or misspelt variable fails: StrictUndefined)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from importlib import resources
from zoneinfo import ZoneInfo

import pytest

from bots.wechat_templates import TemplateMessages, WeChatTemplate, load_templates
from conversations.replies import Ask, Link, Say
from conversations.services.notice_templates import LANGUAGES, NoticeTemplates
from conversations.services.notices import EVENTS, Notice, to_admins, to_customer, to_worker
from webhooks.channels import CHANNEL_NAMES

TZ = ZoneInfo("Asia/Shanghai")
AT = datetime(2026, 12, 1, 1, 30, tzinfo=UTC)

SAMPLES: dict[str, dict[str, object]] = {
    "job_offered": {
        "number": 240117,
        "item": {"zh": "日常保洁", "en": "Regular cleaning"},
        "mode": "grab",
        "when": "12-01 09:30",
        "where": "徐汇区漕溪北路***",
        "km": "1.2 km",
        "earn": 12_750,
        "minutes": 5,
    },
    "job_lost": {"number": 240117},
    "offer_expired": {"number": 240117},
    "job_assigned": {"number": 240117},
    "job_reassigned": {"number": 240117},
    "transfer_compensated": {"number": 240117, "amount": 1_500},
    "transfer_unavailable": {"number": 240117},
    "transfer_by_admin": {"number": 240117},
    "transfer_unavailable_admin": {"number": 240117, "worker_id": 7},
    "overlap_transfer": {"number": 240117, "other": 240118, "amount": 1_500},
    "deposit_held": {"number": 240117, "amount": 2_550, "held": 40_000, "target": 100_000},
    "deposit_charged": {"number": 240117, "amount": 5_000, "held": 35_000},
    "deposit_released": {"amount": 100_000},
    "worker_left": {"amount": 100_000, "days": 30},
    "order_accepted": {"number": 240117, "worker": "Li", "stars": "4.9", "code": "0427"},
    "no_worker": {"number": 240117},
    "certificate_expiring": {
        "document": {"zh": "健康证", "en": "health certificate"},
        "expires": "2026-12-23",
        "days": 30,
    },
    "certificate_renewal_admin": {
        "worker": "Li",
        "worker_id": 7,
        "document": {"zh": "健康证", "en": "health certificate"},
        "expires": "2027-12-31",
    },
    "certificate_approved": {"documents": [{"zh": "健康证", "en": "health certificate"}]},
    "certificate_rejected": {
        "documents": [{"zh": "健康证", "en": "health certificate"}],
        "reason": "照片模糊",
    },
    "no_worker_admin": {
        "number": 240117,
        "reasons": [{"zh": "不在线", "en": "offline", "n": 3}],
    },
    "on_the_way": {"number": 240117, "worker": "Li", "stars": "4.9", "eta": 25, "arrive": "09:55"},
    "arrived": {"number": 240117, "worker": "Li"},
    "late_deducted": {"number": 240117, "late": 45, "percent": 2_000},
    "suspended_for_lateness": {"count": 3, "days": 30},
    "suspended_for_lateness_admin": {"worker": "Li", "worker_id": 7, "count": 3, "days": 30},
    "visit_code_failed_admin": {"number": 240117, "worker_id": 7, "misses": 3},
    "job_stage": {"number": 240117, "stage_zh": "厨房", "stage_en": "Kitchen", "n": 1, "total": 4},
    "surcharge_requested": {
        "number": 240117,
        "sid": 31,
        "amount": 4_000,
        "items_zh": "· 现场加价:日常保洁 +1 小时 ¥40.00",
        "items_en": "· Extra: Daily cleaning +1 hour ¥40.00",
        "minutes": 15,
        "photos": ["https://example.com/media/x.png"],
    },
    "surcharge_approved_worker": {"number": 240117, "amount": 4_000},
    "surcharge_declined_worker": {"number": 240117, "amount": 4_000},
    "surcharge_paid_worker": {"number": 240117, "amount": 4_000},
    "surcharge_lapsed_worker": {"number": 240117},
    "surcharge_lapsed": {"number": 240117},
    "sos_admin": {
        "who": "customer",
        "channel": "wechat",
        "number": 240117,
        "address": "上海市徐汇区漕溪北路 88 号 1201",
        "where": "31.18800,121.43700",
        "customer": "王女士",
        "customer_phone": "13800138000",
        "worker": "李师傅",
        "worker_phone": "13900139000",
        "contact": "王先生",
        "contact_relation": "配偶",
        "contact_phone": "13700137000",
        "contact_texted": True,
        "sms": True,
    },
    "sos_contact": {"name": "王女士", "number": 240117},
    "finished": {
        "number": 240117,
        "photos": ["https://x.example/a.jpg", "https://x.example/b.jpg"],
        "balance": 0,
        "hours": 24,
    },
    "confirmed_worker": {"number": 240117},
    "auto_confirmed": {"number": 240117},
    "cancelled_worker": {"number": 240117},
    "order_paid": {"number": 240117, "amount": 22_500, "next": "dispatching"},
    "refund_paid": {"number": 240117, "amount": 5_000},
    "order_expired": {
        "number": 240117,
        "item": {"zh": "日常保洁", "en": "Regular cleaning"},
        "when": "12-02 09:30",
        "coupon": True,
        "points": 500,
        "recurring": False,
    },
    "late_payment_returned": {"number": 240117, "amount": 8_000},
    "balance_waived": {"number": 240117, "amount": 8_000},
    "waived_payment_returned": {"number": 240117, "amount": 8_000},
    "refund_by_hand_admin": {"amount": 5_000, "reference": "R-1", "note": "provider down"},
    "settled": {"number": 240117, "earn": 12_750},
    "withdrawal_to_approve_admin": {"withdrawal_id": 3, "worker_id": 7, "amount": 150_000},
    "withdrawal_paid": {"amount": 150_000},
    "withdrawal_refused": {"amount": 150_000, "reason": "bank details"},
    "withdrawal_failed": {"amount": 150_000, "reason": "name"},
    "withdrawal_failed_admin": {
        "withdrawal_id": 3,
        "worker_id": 7,
        "amount": 150_000,
        "reason": "account",
        "detail": "BANK_FAIL 账户已销户",
    },
    "daily_report_admin": {"report": "日结 Daily settlement 2026-12-01"},
    "points_credited": {
        "number": 240117,
        "points": 30,
        "balance": 130,
        "reason": "earned",
        "months": 12,
    },
    "points_expired": {"points": 80, "balance": 50},
    "invoice_issued": {
        "number": 240117,
        "invoice_no": "SANDBOX00000001",
        "amount": 3_000,
        "url": "https://x.example/invoices/1.pdf",
    },
    "invoice_email": {
        "number": 240117,
        "invoice_no": "SANDBOX00000001",
        "amount": 3_000,
        "url": "https://x.example/invoices/1.pdf",
    },
    "invoice_failed_admin": {"id": 3, "number": 240117, "note": "provider 503"},
    "insurance_failed_admin": {"number": 240117, "voiding": False, "note": "insurer 503"},
    "invoice_refunded_admin": {
        "id": 3,
        "number": 240117,
        "invoice_no": "SANDBOX00000003",
        "amount": 3_000,
    },
    "card_active": {
        "card_zh": "日常保洁 12 次卡",
        "card_en": "12 visits",
        "visits": 14,
        "until": AT,
    },
    "card_expiring": {
        "card_zh": "日常保洁 12 次卡",
        "card_en": "12 visits",
        "visits": 3,
        "until": AT,
    },
    "card_expired": {"card_zh": "保洁 12 次卡", "card_en": "12", "visits": 3},
    "card_refunded": {"card_zh": "保洁 12 次卡", "card_en": "12", "amount": 67_500},
    "placement_period_due": {
        "number": 240117,
        "seq": 2,
        "count": 3,
        "amount": 676_000,
        "first": "2026-12-27",
        "last": "2027-01-21",
        "due": AT,
    },
    "placement_period_settled": {"number": 240117, "seq": 1, "earn": 574_600},
    "placement_replacement_asked": {"number": 240117, "free_left": 1},
    "placement_replacement_admin": {
        "number": 240117,
        "worker_id": 7,
        "reason": "不会做月子餐",
        "candidates": "王芳(12) 李娟(15)",
    },
    "placement_handover": {"number": 240117, "worker": "王芳", "on": "2026-12-01"},
    "placement_handover_new": {"number": 240117, "on": "2026-12-01"},
    "placement_handover_old": {"number": 240117, "on": "2026-12-01"},
    "placement_terminated": {
        "number": 240117,
        "on": "2026-12-01",
        "days": 8,
        "fee": 135_000,
        "refund": 720_000,
    },
    "placement_ended_worker": {"number": 240117, "on": "2026-12-01"},
    "placement_ending": {"number": 240117, "end": AT, "days": 26},
    "placement_renewed": {"number": 240117, "new": 240200, "start": AT, "amount": 234_000},
    "placement_interview": {"number": 240117, "at": AT},
    "placement_end_asked": {
        "number": 240117,
        "on": "2026-12-05",
        "days": 11,
        "fee": 135_000,
        "refund": 450_000,
    },
    "placement_end_asked_admin": {
        "number": 240117,
        "on": "2026-12-05",
        "days": 11,
        "fee": 135_000,
        "refund": 450_000,
    },
    "placement_interview_worker": {"number": 240117, "at": AT},
    "member_level_up": {"level": "gold", "price": 9_000},
    "birthday_coupon": {"amount": 2_000, "threshold": 5_000, "days": 14},
    "worker_registered_admin": {"worker": "Li", "worker_id": 7, "skills": "cleaning"},
    "worker_approved": {},
    "worker_rejected": {"reason": "blurred ID photo"},
    "support_message_admin": {
        "ticket": "T12",
        "customer_id": 5,
        "channel": "telegram",
        "text": "hello",
        "photos": [],
        "opened": True,
    },
    "ticket_waiting_admin": {"ticket": "T12", "customer_id": 5, "minutes": 16},
    "ticket_reply": {"ticket": "T12", "text": "明天上午给您回电"},
    "relay_message": {
        "number": 240117,
        "sender": "worker",
        "text": "我到小区门口了",
        "photos": ["https://example.test/media/relay/a.jpg"],
        "where": "31.18800,121.43700 小区东门",
    },
    "ticket_closed": {"ticket": "T12", "id": 12},
    "ticket_ended_admin": {"ticket": "T12", "customer_id": 5},
    "broadcast": {"text": "春节期间正常服务 / open over the Spring Festival"},
    "coupon_issued": {"amount": 3_000, "code": "A1B2C3D4", "days": 30},
    "campaign_coupon": {"amount": 2_000, "threshold": 10_000, "days": 14, "until": AT},
    "link_code": {"code": "12345678", "channel": "wechat", "minutes": 10},
    "account_linked": {"channel": "telegram"},
    "cancelled_by_admin": {"number": 240117, "reason": "师傅生病", "refund": 22_500},
    "cancelled_by_admin_worker": {"number": 240117},
    "rescheduled": {"number": 240117, "when": "11-25 10:00", "fee": 2_000},
    "rescheduled_worker": {"number": 240117, "when": "11-25 10:00", "was": "11-24 15:00"},
    "rescheduled_released": {"number": 240117, "when": "11-25 10:00", "was": "11-24 15:00"},
    "worker_suspended": {"reason": "3 late arrivals"},
    "worker_reinstated": {},
    "reminder_day": {
        "number": 240117,
        "item": {"zh": "日常保洁", "en": "Regular cleaning"},
        "when": "12-02 09:30",
        "weekday": 2,
        "worker": "Li",
    },
    "reminder_day_worker": {
        "number": 240117,
        "item": {"zh": "日常保洁", "en": "Regular cleaning"},
        "when": "12-02 09:30",
        "weekday": 2,
        "where": "徐汇区漕溪北路**号…",
    },
    "reminder_hour": {
        "number": 240117,
        "item": {"zh": "日常保洁", "en": "Regular cleaning"},
        "when": "12-02 09:30",
        "worker": "Li",
        "departed": True,
        "arrive": "09:25",
    },
    "reminder_hour_worker": {
        "number": 240117,
        "item": {"zh": "日常保洁", "en": "Regular cleaning"},
        "when": "12-02 09:30",
        "where": "徐汇区漕溪北路**号…",
        "departed": False,
    },
    "confirm_reminder": {"number": 240117, "balance": 0, "auto": "12-02 18:00"},
    "recurring_order": {
        "number": 240117,
        "item": {"zh": "日常保洁", "en": "Regular cleaning"},
        "when": "12-05 09:00",
        "weekday": 5,
        "amount": 12_000,
        "pay_by": "12-04 09:00",
    },
    "recurring_skipped": {
        "item": {"zh": "日常保洁", "en": "Regular cleaning"},
        "when": "12-05 09:00",
        "weekday": 5,
        "reason": "too_late",
        "next": "12-12 09:00",
        "stopped": False,
    },
    "complaint_opened_admin": {
        "complaint_id": 3,
        "number": 240117,
        "category": "incomplete",
        "text": "kitchen not done",
        "photos": 2,
        "minutes": 0,
    },
    "complaint_waiting_admin": {
        "complaint_id": 3,
        "number": 240117,
        "category": "late",
        "text": "",
        "photos": 0,
        "minutes": 31,
    },
    "complaint_reply": {"complaint_id": 3, "number": 240117, "text": "we are on it"},
    "complaint_resolved": {
        "complaint_id": 3,
        "number": 240117,
        "resolution": "rework",
        "amount": 0,
        "reason": "",
        "by_rule": False,
    },
    "complaint_resolved_worker": {
        "complaint_id": 3,
        "number": 240117,
        "resolution": "partial",
        "amount": 4_500,
        "reason": "",
        "by_rule": False,
    },
    "complaint_auto_resolved_admin": {
        "complaint_id": 3,
        "number": 240117,
        "resolution": "partial",
        "amount": 4_500,
        "reason": "",
        "by_rule": False,
    },
    "complaint_compensated": {
        "complaint_id": 3,
        "number": 240117,
        "amount": 2_000,
        "code": "C1A2B3",
        "days": 30,
    },
    "rating_review_admin": {
        "number": 240117,
        "worker": "Li",
        "worker_id": 7,
        "stars": "2.5",
        "tags": "late",
        "text": "came late",
    },
    "level_changed": {"old": "B", "new": "C", "score": 48, "suspended": True},
    "levels_changed_admin": {"count": 1, "report": "Li (ID 7) B→C 48"},
    "spot_checks_admin": {"day": "2026-11-30", "orders": "#240117 #240118"},
    "order_held": {"number": 240117},
    "order_held_admin": {"number": 240117, "reason": "3 cancellations in 24 h"},
    "referral_inviter": {"amount": 5_000, "threshold": 0, "days": 30},
    "referral_invitee": {"amount": 5_000, "threshold": 10_000, "days": 30},
}

TEMPLATES = NoticeTemplates(TZ)
ROOT = resources.files("conversations") / "templates" / "notify"
CJK = re.compile(r"[\u3400-\u9fff]")


def test_samples_cover_every_event():
    assert set(SAMPLES) == set(EVENTS)


@pytest.mark.parametrize("lang", sorted(LANGUAGES.values()))
def test_every_event_has_a_template_in_every_language(lang):
    names = {p.name.removesuffix(".j2") for p in (ROOT / lang).iterdir()}
    assert names == set(EVENTS)


def test_a_channel_override_is_only_kept_where_its_text_really_differs():
    for channel in ("telegram", "wechat"):
        for lang in LANGUAGES.values():
            folder = ROOT / channel / lang
            if not folder.is_dir():
                continue
            for path in folder.iterdir():
                shared = ROOT / lang / path.name
                assert shared.is_file(), f"{channel}/{lang}/{path.name} overrides nothing"
                assert path.read_text() != shared.read_text(), f"{path.name}: a copy"


@pytest.mark.parametrize("event", sorted(EVENTS))
@pytest.mark.parametrize("channel", CHANNEL_NAMES)
@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_every_template_renders(event, channel, lang):
    replies = TEMPLATES.render(Notice("customer", 1, event, SAMPLES[event]), channel, lang)
    texts = [r.text for r in replies if isinstance(r, Say | Ask)]
    assert len(texts) == 1 and texts[0].strip()
    assert "{{" not in texts[0] and "{%" not in texts[0] and "None" not in texts[0]
    if lang == "zh" and event != "daily_report_admin":
        assert CJK.search(texts[0])


def test_english_templates_have_no_chinese_of_their_own():
    overrides = [ROOT / c / "en" for c in ("telegram", "wechat") if (ROOT / c / "en").is_dir()]
    for path in [p for folder in (ROOT / "en", *overrides) for p in folder.iterdir()]:
        source = re.sub(r"\{[{%].*?[%}]\}", "", path.read_text(encoding="utf-8"), flags=re.S)
        assert not CJK.search(source), path.name


def test_a_notice_refuses_data_its_templates_do_not_take():
    with pytest.raises(ValueError, match="job_lost"):
        to_worker(1, "job_lost", number=1, extra=2)
    with pytest.raises(ValueError):
        to_customer(1, "no_such_event")


def test_an_offer_has_accept_and_decline_buttons_and_shows_what_the_worker_earns():
    [offer] = TEMPLATES.render(
        to_worker(1, "job_offered", **SAMPLES["job_offered"]), "telegram", "en"
    )
    assert isinstance(offer, Ask) and not offer.numbered
    assert [o.key for o in offer.options] == ["act:accept:240117", "act:decline:240117"]
    assert "[Open job] #240117 Regular cleaning" in offer.text and "¥127.50" in offer.text
    [zh] = TEMPLATES.render(to_worker(1, "job_offered", **SAMPLES["job_offered"]), "wechat", "zh")
    assert "【抢单】#240117 日常保洁" in zh.text and zh.options[0].label == "接单 #240117"


def test_finished_asks_to_pay_the_balance_or_confirm_then_links_the_photos():
    data = dict(SAMPLES["finished"])
    replies = TEMPLATES.render(to_customer(1, "finished", **data), "telegram", "zh")
    assert [type(r) for r in replies] == [Ask, Link, Link]
    assert replies[0].options[0].key == "act:confirm:240117"
    assert [(r.text, r.url, r.label) for r in replies[1:]] == [
        ("", "https://x.example/a.jpg", "查看照片 1"),
        ("", "https://x.example/b.jpg", "查看照片 2"),
    ]
    data["balance"] = 8_000
    data["photos"] = data["photos"][:1]
    replies = TEMPLATES.render(to_customer(1, "finished", **data), "telegram", "en")
    assert replies[0].options[0].key == "act:pay:240117" and "¥80.00" in replies[0].text
    assert [r.label for r in replies[1:]] == ["View photo"]


def test_a_configured_wechat_template_message_is_filled_from_the_notice():
    templates = TemplateMessages(
        {
            "order_paid": WeChatTemplate(
                "TPL-PAID",
                {"first": "订单 #{{ number }} 已支付", "amount1": "{{ amount | yuan }}"},
                "https://daojia.example/orders/{{ number }}",
            )
        },
        TZ,
    )
    notice = to_customer(1, "order_paid", **SAMPLES["order_paid"])
    message = templates.render(notice, "o-openid", "zh")
    assert message == {
        "touser": "o-openid",
        "template_id": "TPL-PAID",
        "data": {"first": {"value": "订单 #240117 已支付"}, "amount1": {"value": "¥225.00"}},
        "url": "https://daojia.example/orders/240117",
    }
    assert templates.render(to_admins("no_worker_admin", number=1, reasons=[]), "x", "zh") is None


def test_the_wechat_templates_file_is_checked_at_start(tmp_path):
    good = tmp_path / "ok.yaml"
    good.write_text(
        "settled:\n  template_id: T1\n  fields: {first: '{{ earn | yuan }}'}\n", encoding="utf-8"
    )
    assert load_templates(good)["settled"].template_id == "T1"
    unknown = tmp_path / "unknown.yaml"
    unknown.write_text("sent_flowers:\n  template_id: T\n  fields: {a: b}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="sent_flowers"):
        load_templates(unknown)
    malformed = tmp_path / "bad.yaml"
    malformed.write_text("settled:\n  fields: {a: b}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="template_id"):
        load_templates(malformed)


def test_a_templates_file_naming_an_event_no_longer_sent_still_loads(tmp_path, caplog):
    older = tmp_path / "older.yaml"
    older.write_text(
        "complaint_received:\n  template_id: T0\n  fields: {first: x}\n"
        "settled:\n  template_id: T1\n  fields: {first: y}\n",
        encoding="utf-8",
    )
    assert set(load_templates(older)) == {"settled"}
    assert "complaint_received is no longer sent" in caplog.text
