"""The worker's side of the typed seam: the flows are driven with the result types of
``conversations.results.workers`` through their state tables, and each flow's typed data
starts afresh on entry and sends a state of an older shape back to the flow's first step."""

import re
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from conversations.events import ChoiceMade, LocationShared, PhotoReceived, TextReceived
from conversations.flows import after_sales, worker, worker_signup, worker_signup_views
from conversations.flows.base import Ctx
from conversations.flows.worker import WorkerData
from conversations.flows.worker_signup_data import SignupData
from conversations.replies import Ask, AskLocation, Say
from conversations.results.workers import (
    AvailabilityChanged,
    CustomerRated,
    DocumentStored,
    EarningsShown,
    JobAccepted,
    JobFinished,
    JobOpen,
    JobPhotoSaved,
    JobsShown,
    LiveJobView,
    OfferDeclined,
    OfferView,
    TransferRequested,
    WithdrawalRequested,
    WorkerCheckedIn,
    WorkerDeparted,
    WorkerRegistered,
)
from conversations.state import Conversation
from domain import commands as c
from domain import queries as q
from domain.gazetteer import district_named
from domain.lifecycle import OrderStatus
from domain.media import PhotoKind
from domain.people import WorkerStatus
from domain.privacy import masked_address
from domain.text import Bilingual
from domain.withdrawals import WithdrawalStatus
from store.catalog_file import load_catalog

CATALOG, RULES = load_catalog()
NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # 09:00 Monday in Shanghai
CTX = Ctx(CATALOG, RULES, NOW, "https://daojia.example")
BASE = {"channel": "telegram", "user_id": "1", "at": NOW}
AT_3PM = datetime(2026, 11, 24, 7, 0, tzinfo=UTC)  # 15:00 in Shanghai
CLEANING = Bilingual("日常保洁", "Daily cleaning")


def worker_at(step: str, lang: str = "zh", **data) -> Conversation:
    return Conversation(flow="worker", step=step, lang=lang, worker_id=9, role="worker", data=data)


def drive(flow, conv: Conversation, result):
    """What the engine does with a result: the handler of (step, result type)."""
    return flow.TRANSITIONS[(flow.Step(conv.step), type(result))](CTX, conv, result)


def said(out) -> str:
    return "\n".join(r.text for r in out.replies)


def test_the_jobs_screen_shows_offers_and_live_jobs_with_their_next_steps():
    jobs = JobsShown(
        WorkerStatus.APPROVED,
        True,
        (OfferView(240117, CLEANING, AT_3PM, masked_address("漕溪北路 1号", "徐汇区"), 8_800),),
        (
            LiveJobView(
                240118, CLEANING, AT_3PM, OrderStatus.ARRIVED, "漕溪北路 1号", "139", "有猫"
            ),
        ),
    )
    for step in ("menu", "action"):
        out = drive(worker, worker_at(step, "en"), jobs)
        ((ask,),) = (out.replies,)
        assert out.step == "menu" and isinstance(ask, Ask)
        offer = (
            "Offer: #240117 Daily cleaning Tue 24 Nov 15:00 Xuhui District 漕溪北路**号… "
            "earn ¥88.00"
        )
        assert offer in ask.text  # the district in English, the customer's own words as written
        assert (
            "#240118 Daily cleaning Tue 24 Nov 15:00 worker arrived\n  漕溪北路 1号 139\n  有猫"
            in ask.text
        )
        assert [o.key for o in ask.options] == [
            "act:accept:240117",
            "act:decline:240117",
            "act:photo:240118:before",
            "act:contact_customer:240118",
            "act:offline",
            "act:earnings",
            "act:payout_account",
            "act:emergency_contact",
        ]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_dozens_of_offers_at_once_still_make_a_jobs_screen_the_platforms_take(lang):
    """Fifty orders booked for one morning were offered to one worker at once: the jobs menu
    listed them all — a WeChat text of 6,500 bytes (the limit is 2,048) and a Telegram
    keyboard of over 100 buttons (its limit), which the platforms refuse whole."""
    from bots.render import as_text
    from bots.telegram_messages import messages
    from conversations.flows.worker_views import OFFERS_SHOWN

    where = masked_address("南京西路1000号", "静安区")
    offers = tuple(OfferView(240200 + i, CLEANING, AT_3PM, where, 6_800) for i in range(50))
    jobs = JobsShown(WorkerStatus.APPROVED, True, offers, ())
    ((ask,),) = (drive(worker, worker_at("menu", lang), jobs).replies,)
    assert sum(o.key.startswith("act:accept:") for o in ask.options) == OFFERS_SHOWN
    assert "#240200" in ask.text and f"#{240200 + OFFERS_SHOWN}" not in ask.text
    assert ("42" if lang == "zh" else "42 more offers") in ask.text.splitlines()[-1]
    assert len(as_text(ask, lang).encode()) <= 2000
    [call] = messages([ask])
    assert sum(len(row) for row in call["reply_markup"]["inline_keyboard"]) <= 100


def test_a_worker_under_review_sees_no_jobs_and_a_suspended_one_is_told_so():
    pending = drive(worker, worker_at("menu"), JobsShown(WorkerStatus.PENDING, False, (), ()))
    assert said(pending) == "您的资料已提交,正在审核中,审核结果会第一时间通知您。"
    suspended = JobsShown(WorkerStatus.SUSPENDED, False, (), ())
    assert "已暂停接单" in said(drive(worker, worker_at("menu"), suspended))
    nothing = drive(worker, worker_at("menu", "en"), JobsShown(None, False, (), ()))
    assert nothing.replies[0].text == "Offline ⏸\nNo jobs right now."


def test_a_rejected_worker_is_told_to_register_again_as_the_rejection_said_not_to_call():
    rejected = JobsShown(WorkerStatus.REJECTED, False, (), ())
    text = said(drive(worker, worker_at("menu"), rejected))
    assert "注册师傅" in text and "联系客服" not in text


@pytest.mark.parametrize(
    ("result", "text"),
    [
        (AvailabilityChanged(True), "已上线,有新订单会第一时间推送给您。"),
        (AvailabilityChanged(False), "已下线,不会再收到新订单。"),
        (EarningsShown(3, 30_000, 12_050, 7), "已完成 3 单。余额 ¥300.00,其中可提现 ¥120.50"),
        (WithdrawalRequested(5, 20_000, WithdrawalStatus.APPROVED), "¥200.00 已提交(已自动批准"),
        (
            WithdrawalRequested(6, 90_000, WithdrawalStatus.REQUESTED),
            "¥900.00 已提交,等待财务审批",
        ),
        (OfferDeclined(240117), "已拒绝 #240117。"),
        (WorkerDeparted(240117, 25), "已通知客户您已出发(#240117)"),
        (TransferRequested(240117), "已为 #240117 寻找附近空闲师傅"),
        (
            JobAccepted(240117, CLEANING, AT_3PM, "漕溪北路 1号", "139****1111", ""),
            "接单成功!#240117 日常保洁 11月24日 周二 15:00\n"
            "地址:漕溪北路 1号\n电话:139****1111(已隐藏)",
        ),
    ],
)
def test_each_answer_to_a_job_command_is_said_then_the_menu_comes_again(result, text):
    out = drive(worker, worker_at("action"), result)
    assert text in said(out) and out.step == "menu" and out.reask and not out.commands


def test_a_finished_job_offers_to_rate_the_customer():
    out = drive(worker, worker_at("action", "en"), JobFinished(240117))
    assert out.step == "menu" and not out.reask
    assert [o.key for o in out.replies[0].options] == ["act:rate_customer:240117"]


def test_check_in_takes_the_location_then_the_door_photo_of_the_job_in_the_flow_data():
    conv = worker_at("menu", worker={"number": 5, "kind": None})
    worker.enter(CTX, conv)
    assert conv.data["worker"] == {"number": None, "kind": None}  # reset on entry
    out = worker.run(CTX, conv, "checkin", 240117, "")
    assert out.step == "checking" and WorkerData.from_json(conv.data["worker"]) == (
        WorkerData(240117)
    )
    assert out.commands == [q.CheckJob(9, 240117, "checkin")]  # the job first
    conv.step = "checking"
    out = drive(worker, conv, JobOpen(240117, "checkin"))
    assert out.step == "checkin_location" and out.reask
    conv.step = "checkin_location"
    assert worker.ask(CTX, conv).replies == [
        AskLocation("到达 #240117 门口后,请发送您的实时位置打卡。", "📍 发送位置打卡")
    ]
    out = worker.on_location(CTX, conv, LocationShared(**BASE, lat=31.2, lon=121.4))
    assert out.commands == [c.CheckIn(9, 240117, 31.2, 121.4)]
    out = drive(worker, conv, WorkerCheckedIn(240117, 40))
    assert out.step == "checkin_photo" and out.reask
    conv.step = "checkin_photo"
    out = worker.on_door_photo(CTX, conv, PhotoReceived(**BASE, ref="D1"))
    assert out.commands == [c.AddJobPhoto(9, 240117, "door", "telegram", "D1")]
    out = drive(worker, conv, JobPhotoSaved(240117, PhotoKind.DOOR, OrderStatus.ARRIVED))
    assert "已到达 #240117" in said(out) and out.step == "menu"


def test_after_photos_are_taken_for_the_job_and_kind_kept_in_the_flow_data():
    conv = worker_at("menu")
    worker.enter(CTX, conv)
    out = worker.run(CTX, conv, "photo", 240117, "after")
    assert out.commands == [q.CheckJob(9, 240117, "photo", "after")]  # the job first
    conv.step = "checking"
    out = drive(worker, conv, JobOpen(240117, "photo"))
    assert out.step == "photos" and out.reask
    conv.step = "photos"
    assert [o.key for o in worker.ask(CTX, conv).replies[0].options] == [
        "done",
        "act:finish:240117",
    ]
    out = worker.on_photo(CTX, conv, PhotoReceived(**BASE, ref="A1"))
    assert out.commands == [c.AddJobPhoto(9, 240117, "after", "telegram", "A1")]
    out = drive(worker, conv, JobPhotoSaved(240117, PhotoKind.AFTER, OrderStatus.IN_SERVICE))
    assert out.replies == [Say("照片已保存。")] and out.step is None and out.reask


@pytest.mark.parametrize(
    "old",
    [
        {"w": {"number": 240117, "kind": "after"}},  # the untyped data before WorkerData
        {"worker": {"number": "240117", "kind": "after"}},
        {"worker": {"number": 240117, "kind": "sideways"}},
        {"worker": {"number": None, "kind": None}},
    ],
)
def test_a_job_step_whose_stored_data_is_not_the_flows_starts_the_flow_again(old):
    photo = PhotoReceived(**BASE, ref="A1")
    for step, handler, event in [
        ("checkin_location", worker.on_location, LocationShared(**BASE, lat=31.2, lon=121.4)),
        ("checkin_photo", worker.on_door_photo, photo),
        ("photos", worker.on_photo, photo),
    ]:
        conv = worker_at(step, **old)
        for out in (worker.ask(CTX, conv), handler(CTX, conv, event)):
            assert out.goto == "worker" and not out.commands and not out.replies
    conv = worker_at("photos", **old)
    worker.enter(CTX, conv)  # where the engine's goto lands: the menu, the data reset
    assert conv.data == {"worker": {"number": None, "kind": None}}


def signup_at(step: str, r: SignupData | None = None) -> Conversation:
    data = {"worker_register": r.to_json()} if r is not None else {}
    return Conversation(flow="worker_register", step=step, data=data)


def test_the_signup_keeps_each_document_it_is_sent_and_registers_with_them():
    r = SignupData("李阿姨", "13911112222", ("nanny",), (31.2, 121.4), 5)
    conv = signup_at("id_photo", r)
    out = drive(worker_signup, conv, DocumentStored("workers/id.png", "image/png", 10))
    assert out.step == "health_photo"
    conv.step = "health_photo"
    out = drive(worker_signup, conv, DocumentStored("workers/hc.png", "image/png", 10))
    assert out.step == "health_expiry"
    conv.step = "health_expiry"
    out = worker_signup.on_expiry(CTX, conv, TextReceived(**BASE, text="2027-06-30"))
    assert out.step == "certs"  # nannies need a childcare certificate
    conv.step = "certs"
    out = drive(worker_signup, conv, DocumentStored("workers/cc.png", "image/png", 10))
    assert out.step == "confirm"
    conv.step = "confirm"
    kept = SignupData.from_json(conv.data["worker_register"])
    assert kept is not None and kept.health_expiry == date(2027, 6, 30) and not kept.cert_queue
    out = worker_signup.on_confirm(CTX, conv, ChoiceMade(**BASE, key="submit"))
    ((register,),) = (out.commands,)
    assert register.documents == (
        ("id_card", "workers/id.png", ""),
        ("health", "workers/hc.png", "2027-06-30"),
        ("childcare", "workers/cc.png", ""),
    )
    assert (register.name, register.center, register.radius_m) == ("李阿姨", (31.2, 121.4), 5000)
    out = drive(worker_signup, conv, WorkerRegistered(77))
    assert conv.worker_id == 77 and out.goto == "worker" and "worker_register" not in conv.data


def test_a_document_sent_again_for_a_step_replaces_the_first():
    r = SignupData(documents=(("id_card", "a.png"), ("health", "b.png")))
    assert r.with_document("id_card", "c.png").documents == (
        ("id_card", "c.png"),
        ("health", "b.png"),
    )


def test_the_signup_data_round_trips_through_json_and_nothing_else_passes_for_it():
    r = SignupData("李", "139", ("cleaning",), (31.0, 121.0), 5, (), (("id_card", "a"),))
    r = replace(r, health_expiry=date(2027, 1, 1), cert_queue=("childcare",))
    assert SignupData.from_json(r.to_json()) == r
    good = r.to_json()
    for bad in (
        {"name": "李"},  # a field missing
        {**good, "docs": {}},  # a field of another shape
        {**good, "skills": "cleaning"},
        {**good, "center": [31.0]},
        {**good, "radius_km": True},
        {**good, "documents": [["id_card"]]},
        {**good, "health_expiry": "soon"},
        None,
    ):
        assert SignupData.from_json(bad) is None, bad


def test_the_signup_goes_on_from_what_it_kept_on_entry_and_afresh_from_an_older_shape():
    kept = SignupData("李阿姨", "139", ("cleaning",))
    conv = signup_at("confirm", kept)  # left for the menu at the summary, then back
    out = worker_signup.enter(CTX, conv)
    assert out.step == worker_signup.Step.AREA and out.reask  # name, phone, skills kept
    assert conv.data == {"worker_register": kept.to_json()}
    empty = signup_at("phone", SignupData())
    assert worker_signup.enter(CTX, empty).step is None  # nothing typed: from the name
    assert empty.data == {"worker_register": SignupData().to_json()}
    old = Conversation(flow="worker_register", step="phone", data={"r": {"name": "李阿姨"}})
    out = worker_signup.on_phone(CTX, old, TextReceived(**BASE, text="13911112222"))
    assert out.goto == "worker_register" and "r" in old.data  # enter() drops it
    assert worker_signup.ask(CTX, old).goto == "worker_register"
    first = Conversation(flow="worker_register", step="name", data={"r": {}})
    worker_signup.on_name(CTX, first, TextReceived(**BASE, text="李阿姨"))
    assert first.data["worker_register"]["name"] == "李阿姨"  # nothing was lost at the start


def test_a_sign_up_resumes_at_its_first_question_without_an_answer():
    step, done = worker_signup.Step, SignupData("李阿姨", "13911112222", ("cleaning",))
    on_map = replace(done, center=(31.2, 121.4))
    papers = replace(done, districts=("徐汇区",), documents=(("id_card", "a"), ("health", "b")))
    for data, expected in (
        (SignupData(), step.NAME),
        (SignupData("李阿姨"), step.PHONE),
        (replace(done, skills=()), step.SKILLS),
        (done, step.AREA),
        (on_map, step.RADIUS),
        (replace(on_map, radius_km=5), step.ID_PHOTO),
        (replace(papers, documents=papers.documents[:1]), step.HEALTH_PHOTO),
        (papers, step.HEALTH_EXPIRY),
        (replace(papers, health_expiry=date(2027, 6, 30), cert_queue=("nanny",)), step.CERTS),
        (replace(papers, health_expiry=date(2027, 6, 30)), step.CONFIRM),
    ):
        assert worker_signup.resume_at(data) == expected, data


def test_a_confirmation_reached_after_starting_over_starts_again_rather_than_registering():
    conv = signup_at("confirm", SignupData())  # "start over", then "back" to the summary
    assert worker_signup.ask(CTX, conv).goto == "worker_register"
    out = worker_signup.on_confirm(CTX, conv, ChoiceMade(**BASE, key="submit"))
    assert out.goto == "worker_register" and not out.commands


def test_rating_the_customer_ends_the_feedback_flow_with_thanks():
    conv = Conversation(
        flow="feedback", step="customer_note", worker_id=9, role="worker", data={"feedback": {}}
    )
    out = drive(after_sales, conv, CustomerRated(240117, 4))
    assert said(out) == "已记录,谢谢!" and out.goto == "worker" and "feedback" not in conv.data


def test_a_registration_is_confirmed_once_by_the_menu_of_a_worker_under_review():
    conv = signup_at("confirm", SignupData("李阿姨", "13911112222", ("cleaning",)))
    out = drive(worker_signup, conv, WorkerRegistered(77))
    assert out.goto == "worker" and not out.replies  # the menu says it: not twice in a row
    pending = drive(worker, worker_at("menu"), JobsShown(WorkerStatus.PENDING, False, (), ()))
    [shown] = pending.replies
    assert shown.text == "您的资料已提交,正在审核中,审核结果会第一时间通知您。"


@pytest.mark.parametrize(
    ("lang", "example", "short"),
    [
        ("zh", "徐汇区 静安区", "徐汇 静安"),
        ("en", "Xuhui District, Jing'an District", "Xuhui, Jing'an"),
    ],
)
def test_the_area_questions_give_districts_as_the_reader_writes_them(lang, example, short):
    conv = replace(signup_at("area", SignupData("李阿姨", "139", ("cleaning",))), lang=lang)
    asked, _ = worker_signup_views.area_question(CTX, conv, SignupData())
    assert f"「{example}」" in asked.text or f"'{example}'" in asked.text, asked.text
    for typed in (example, short):  # what the example says is what the sign-up reads
        names = [district_named(p) for p in worker_signup.area_parts(typed)]
        assert names == ["徐汇区", "静安区"], typed
    out = worker_signup.on_area_text(CTX, conv, TextReceived(**BASE, text="Nowhere"))
    assert example in out.replies[0].text and short in out.replies[0].text
    out = worker_signup.on_area_text(CTX, conv, TextReceived(**BASE, text="、"))
    assert example in out.replies[0].text


def test_the_english_area_questions_are_english_throughout():
    """Waits on the catalogs' merge (the msgids with ``{example}``)."""
    conv = replace(signup_at("area", SignupData("Li", "139", ("cleaning",))), lang="en")
    shown = [worker_signup_views.area_question(CTX, conv, SignupData())[0].text]
    for typed in ("Nowhere", "、"):
        out = worker_signup.on_area_text(CTX, conv, TextReceived(**BASE, text=typed))
        shown.append(out.replies[0].text)
    assert not re.search(r"[\u3400-\u9fff]", " ".join(shown)), shown


async def test_a_rejected_worker_going_online_is_not_sent_to_support_but_told_why_not():
    from conversations.services.staffing import set_online
    from domain.errors import DomainError
    from domain.people import Worker

    class Workers:
        async def get(self, worker_id):
            return Worker("王五", "13500135000", NOW, status=WorkerStatus.REJECTED, id=10)

    class Uow:
        workers = Workers()

    with pytest.raises(DomainError) as refused:
        await set_online(Uow(), 10, True)  # type: ignore[arg-type]
    assert "联系客服" not in refused.value.text.get("zh")


async def test_approving_a_rejected_worker_says_who_can_be_approved_not_just_their_status():
    from conversations.services.staffing import review
    from domain.errors import DomainError
    from domain.people import Worker

    class Workers:
        async def get(self, worker_id):
            return Worker("Li Lei", "13700137000", NOW, status=WorkerStatus.REJECTED, id=8)

    class Uow:
        workers = Workers()

    with pytest.raises(DomainError) as refused:
        await review(  # type: ignore[arg-type]
            Uow(), worker_id=8, approve=True, reason="", admin="web:1", role="owner", now=NOW
        )
    assert "待审核" in refused.value.text.get("zh")  # "is not approved" alone reads as a failure


def test_a_location_shared_at_the_menu_is_kept_until_its_job_is_found():
    conv = worker_at("menu")
    worker.enter(CTX, conv)
    out = worker.TRANSITIONS[(worker.Step.MENU, LocationShared)](
        CTX, conv, LocationShared(**BASE, lat=31.2, lon=121.4)
    )
    assert out.step == "checkin_job" and out.commands == [q.LoadJobs(9)]
    assert conv.data["worker"] == {"number": None, "kind": None, "here": [31.2, 121.4]}
    assert WorkerData.from_json(conv.data["worker"]) == WorkerData(here=(31.2, 121.4))
    seen = [31.2, 121.4, NOW.isoformat()]  # also kept as the last location (出发's estimate)
    assert conv.data["recent_location"] == seen
    conv.step = "checkin_job"
    picked = ChoiceMade(**BASE, key="here:240117")
    out = worker.TRANSITIONS[(worker.Step.CHECKIN_JOB, ChoiceMade)](CTX, conv, picked)
    assert out.commands == [c.CheckIn(9, 240117, 31.2, 121.4)] and out.step == "checkin_location"
    # the location waiting for its job is dropped; the last one seen stays
    assert WorkerData.from_json(conv.data["worker"]) == WorkerData(240117)
    assert conv.data["recent_location"] == seen
    conv = worker_at("checkin_job", worker={"number": None, "kind": None, "here": ["x", 1]})
    assert worker.ask(CTX, conv).goto == "worker"  # a state not of this shape starts again
