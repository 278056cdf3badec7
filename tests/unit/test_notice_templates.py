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
from conversations.services.dispatch import km_text
from conversations.services.notice_templates import LANGUAGES, NoticeTemplates
from conversations.services.notices import (
    EVENTS,
    Notice,
    to_admins,
    to_customer,
    to_worker,
    worker_rating,
)
from domain.people import Worker
from tests.unit.notice_samples import SAMPLES
from webhooks.channels import CHANNEL_NAMES

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # the samples' today
AT = datetime(2026, 12, 1, tzinfo=UTC)

TEMPLATES = NoticeTemplates(TZ, lambda: NOW)
ROOT = resources.files("conversations") / "templates" / "notify"
CJK = re.compile(r"[\u3400-\u9fff]")
COUPON_NOTICES = ("coupon_issued", "complaint_compensated")


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
    if lang == "zh":
        assert CJK.search(texts[0])
    if event in COUPON_NOTICES:  # a coupon is named by what it is, never by its code
        assert SAMPLES[event]["code"] not in texts[0], texts[0]


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


@pytest.mark.parametrize(
    ("lang", "where"),
    [("zh", "\n地点:徐汇区 漕溪北路**号…\n"), ("en", "\nWhere: Xuhui District 漕溪北路**号…\n")],
)
def test_an_offer_with_no_distance_names_the_district_and_says_no_distance(lang, where):
    """A worker whose area is districts has no distance to the job: no "(约 —)"."""
    data = {**SAMPLES["job_offered"], "km": km_text(None, 0)}
    [offer] = TEMPLATES.render(to_worker(1, "job_offered", **data), "telegram", lang)
    assert where in offer.text and "—" not in offer.text, offer.text


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


@pytest.mark.parametrize(("lang", "label"), [("zh", "查看发票"), ("en", "View invoice")])
def test_the_issued_invoice_is_a_link_named_in_the_readers_language_not_a_bare_url(lang, label):
    data = SAMPLES["invoice_issued"]
    replies = TEMPLATES.render(to_customer(1, "invoice_issued", **data), "telegram", lang)
    assert [type(r) for r in replies] == [Say, Link]
    assert "http" not in replies[0].text and data["invoice_no"] in replies[0].text
    assert (replies[1].text, replies[1].url, replies[1].label) == ("", data["url"], label)


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
        lambda: NOW,
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


@pytest.mark.parametrize("event", ["withdrawal_to_approve_admin", "withdrawal_failed_admin"])
@pytest.mark.parametrize(("lang", "who"), [("zh", "师傅 Li(ID 7)"), ("en", "worker Li (ID 7)")])
def test_a_withdrawal_alert_names_the_worker_by_name_and_id(event, lang, who):
    [alert] = TEMPLATES.render(to_admins(event, **SAMPLES[event]), "telegram", lang)
    assert who in alert.text, alert.text


@pytest.mark.parametrize("event", ["job_offered", "reminder_day_worker", "reminder_hour_worker"])
def test_a_jobs_masked_address_names_its_district_in_the_workers_language(event):
    data = dict(SAMPLES[event])
    [zh] = TEMPLATES.render(to_worker(1, event, **data), "telegram", "zh")
    [en] = TEMPLATES.render(to_worker(1, event, **data), "telegram", "en")
    assert "徐汇区 漕溪北路**号…" in zh.text and "Xuhui District 漕溪北路**号…" in en.text
    data["where"] = "徐汇区漕溪北路**号…"  # a notice written before: its one text, as it was
    [old] = TEMPLATES.render(to_worker(1, event, **data), "telegram", "en")
    assert "Where: 徐汇区漕溪北路**号…" in old.text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_sos_alert_gives_each_fact_a_line_of_its_own(lang):
    [alert] = TEMPLATES.render(to_admins("sos_admin", **SAMPLES["sos_admin"]), "telegram", lang)
    lines = alert.text.splitlines()
    assert len(lines) == 7, alert.text  # headline, order, address, location, both people, contact
    assert lines[1].endswith("#240117") and lines[2].endswith("88 号 1201")
    assert "31.18800,121.43700" in lines[3] and lines[4].endswith("13800138000")
    assert lines[3].endswith("6 km)"), alert.text  # a district's centre: how far off it may be


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("where", ["31.18800,121.43700 小区东门", ""])
def test_a_relayed_message_keeps_a_blank_line_before_how_to_answer(lang, where):
    data = {**SAMPLES["relay_message"], "where": where}
    relayed, *_ = TEMPLATES.render(to_customer(1, "relay_message", **data), "telegram", lang)
    said, gap, how = relayed.text.split("\n")
    assert said.startswith("#240117 ") and said.endswith(where or data["text"])
    assert gap == "" and "#240117" in how, relayed.text


def test_no_line_of_text_ends_in_a_block_tag_that_eats_the_line_break_before_more_text():
    """``trim_blocks`` drops the line break after a block tag: "可接手:…{% endif %}" followed by
    a line of text would run the two together ("李娟(15)用 /handover …"), and followed by a
    blank line it would lose the blank line (the relay's gap before how to answer)."""
    ends_in_tag = re.compile(r"\S.*[^+]%}\s*$")  # "+%}" keeps its line break
    joined = []
    for path in ROOT.rglob("*.j2"):
        lines = path.read_text(encoding="utf-8").splitlines()
        for n, (line, after) in enumerate(zip(lines, lines[1:], strict=False), 1):
            alone = line.lstrip().startswith("{%") and line.rstrip().endswith("%}")
            if "{% set " in line or (alone and line.count("{%") == 1):
                continue
            if ends_in_tag.match(line) and not after.lstrip().startswith("{%"):
                joined.append(f"{path.parent.name}/{path.name}:{n}")
    assert joined == []


def test_the_daily_settlement_report_reads_in_each_admins_language_alone():
    from datetime import date, datetime

    from conversations.services import settlement
    from domain.moments import When
    from domain.withdrawals import Withdrawal

    paid = [Withdrawal(7, 36320, datetime(2026, 12, 1, tzinfo=TZ), id=2)]
    totals = {"cash:sandbox": 56320, "platform_revenue": -8448, "worker_payable:7": -47872}
    figures = settlement.report_figures("2026-12-01", totals, paid)
    notice = settlement.report_notice(figures, When(date(2026, 12, 1), date(2026, 12, 2)))
    [en] = TEMPLATES.render(notice, "telegram", "en")
    [zh] = TEMPLATES.render(notice, "telegram", "zh")
    assert isinstance(en, Say) and isinstance(zh, Say)
    assert not CJK.search(en.text) and "¥563.20" in en.text and "#2 worker 7 ¥363.20" in en.text
    assert not re.search(r"[A-Za-z]{3,}", zh.text) and "打款:1 笔,共 ¥363.20" in zh.text
    assert zh.text.startswith("日结 12月1日 周二") and en.text.startswith(
        "Daily settlement Tue 1 Dec"
    )


RATED_WORKER = ("order_accepted", "worker_changed", "on_the_way")


@pytest.mark.parametrize("event", RATED_WORKER)
@pytest.mark.parametrize(
    ("lang", "new", "once", "often"),
    [
        ("zh", "(新师傅,暂无评价)", "(评分 4.5,1 条评价)", "(评分 4.8,12 条评价)"),
        (
            "en",
            "(new, no reviews yet)",
            "(rated 4.5 from 1 review)",
            "(rated 4.8 from 12 reviews)",
        ),
    ],
)
def test_a_worker_nobody_rated_yet_is_told_as_new_and_a_rated_one_by_their_real_rating(
    event, lang, new, once, often
):
    """A new worker's 5.0 is where dispatch starts them, not a rating a customer gave."""
    worker = Worker("Li", "13900000000", AT)  # rating_x100 500, good_rate_bp 10_000: defaults
    for rated, said in (
        (worker, new),
        (Worker("Li", "13900000000", AT, rating_x100=450, reviews=1), once),
        (Worker("Li", "13900000000", AT, rating_x100=480, reviews=12), often),
    ):
        data = {**SAMPLES[event], **worker_rating(rated)}
        [told] = TEMPLATES.render(to_customer(1, event, **data), "telegram", lang)
        assert said in told.text, told.text
    data = {**SAMPLES[event], **worker_rating(worker)}
    assert worker_rating(worker) == {"stars": "", "reviews": 0}  # a WeChat template's too
    [told] = TEMPLATES.render(to_customer(1, event, **data), "wechat", lang)
    assert "5.0" not in told.text and "rated" not in told.text and "评分" not in told.text


@pytest.mark.parametrize("channel", CHANNEL_NAMES)
def test_the_customer_is_asked_to_give_the_visit_code_to_a_worker_of_either_sex(channel):
    """Many workers are 阿姨: the accepted notice asked the customer to tell the code to 他."""
    [told] = TEMPLATES.render(
        to_customer(1, "order_accepted", **SAMPLES["order_accepted"]), channel, "zh"
    )
    assert "请告知上门验证码 0427" in told.text and "他" not in told.text, told.text
