"""The admin console's answers to actions, and its screens about workers, money and
after-sales, driven with typed results as the engine drives them (the texts below were rendered
by the dict screens they replace)."""

from dataclasses import replace
from datetime import date

import pytest

from conversations.replies import Link, Photo, Say
from conversations.results import admin_after_sales as ra
from conversations.results import admin_money as rm
from conversations.results import admin_orders as ro
from conversations.results import admin_people as rp
from domain.aftersales import ComplaintStatus
from domain.lifecycle import OrderStatus
from domain.oversight import PriceChange
from domain.people import (
    WorkerStatus,
    late_arrivals_note,
    level_c_note,
    review_note_text,
)
from domain.rules import WorkerLevel
from domain.text import Bilingual
from domain.withdrawals import WithdrawalStatus
from tests.unit.test_admin_screens import EVENING, NOON, show, text


@pytest.mark.parametrize(
    ("result", "lang", "expected"),
    [
        (ro.OrderAssigned(240117, 7, "王芳"), "zh", "已将 #240117 指派给师傅 7(王芳)。"),
        (
            ro.OrderReassigned(240117, 7, 8, "李师傅"),
            "zh",
            "已将 #240117 从师傅 7 改派给师傅 8(李师傅),双方已通知。",
        ),
        (  # waits on the catalogs' merge
            ro.OrderAssigned(240117, 7, "Wang Fang"),
            "en",
            "Assigned #240117 to worker 7 (Wang Fang).",
        ),
        (  # waits on the catalogs' merge
            ro.OrderReassigned(240117, 7, 8, "Wang Fang"),
            "en",
            "Reassigned #240117 from worker 7 to worker 8 (Wang Fang); both were told.",
        ),
        (
            ro.OrderCancelledByAdmin(240117, 220, 1980, Bilingual("10 小时内", "within 10 h")),
            "zh",
            "已取消 #240117:退款 ¥19.80,收费 ¥2.20(10 小时内)。客户已通知。",
        ),
        (ro.RefundRequested(240117, 500, False, 0), "zh", "#240117 退款 ¥5.00,已原路退回。"),
        (
            ro.RefundRequested(240117, 500, True, 0),
            "zh",
            "#240117 退款 ¥5.00,已提交支付渠道原路退回(完成后通知顾客;如需人工处理会通知财务)。",
        ),
        (
            ro.RefundRequested(240117, 500, False, 1),
            "en",
            "Refund of ¥5.00 on #240117; the provider has not confirmed yet — it is retried "
            "automatically (finance is told if it needs a hand).",
        ),
        (  # after settlement: no complaint found the worker at fault, the platform pays
            ro.RefundRequested(240117, 500, False, 0, after_settlement=True),
            "en",
            "Refund of ¥5.00 on #240117; it went back the way they paid.\nThe order was settled: "
            "the platform bears this refund and the worker keeps their pay (only a refund "
            "decided on a complaint takes back the worker's share).",
        ),
        (
            ro.RefundAlreadyRequested(240117, 300),
            "en",
            "Already done: ¥3.00 back on #240117; nothing more was refunded.",
        ),
        (ro.OrderReleased(240117, OrderStatus.PAID), "zh", "订单 #240117 已放行,开始派单。"),
        (
            rp.WorkersListed("pending", ()),
            "en",
            "No workers with the status “waiting for review”.",
        ),
        (
            rp.WorkersListed(
                "all",
                (
                    rp.WorkerLine(
                        7, "王", WorkerStatus.APPROVED, True, ("cleaning",), WorkerLevel.A
                    ),
                ),
            ),
            "zh",
            "7. 王 · 已通过 · 在线 · A · 日常保洁\n全部:共 1 位 · 查看:/worker ID",
        ),
        (
            rp.WorkerReviewed(7, WorkerStatus.APPROVED),
            "zh",
            "已处理:师傅 7 → 已通过,已通知本人。",
        ),
        (
            rp.SuspensionChanged(7, WorkerStatus.SUSPENDED, (240117,)),
            "en",
            "Worker 7 is now suspended; they have been told.\n"
            "Jobs under way: #240117 (use /reassign to move them)",
        ),
        (
            rp.AdminsListed((rp.AdminLine("telegram:1", "owner"),), ()),
            "en",
            "Admins (configured):\nTelegram 1 · owner\nAdmins (added in chat):\n—",
        ),
        (
            rp.AdminGranted("telegram:9", "ops"),
            "zh",
            "Telegram 9 现在是 调度 管理员(几秒内各处生效)。",
        ),
        (rp.AdminRemoved("telegram:9", "ops"), "en", "Removed admin Telegram 9 (ops)."),
        (
            rp.BroadcastQueued(12, NOON),
            "zh",
            "群发已排队:12 个账号,正在陆续发送。下次群发 11:30 后。",
        ),
        (
            rm.WithdrawalsListed(
                (rm.WithdrawalLine(3, 7, 12_345, WithdrawalStatus.REQUESTED, EVENING),)
            ),
            "en",
            "3. worker 7 ¥123.45 [waiting for review] Mon 23 Nov 01:05",
        ),
        (rm.WithdrawalsListed(()), "zh", "没有待处理的提现。"),
        (rm.WithdrawalDecided(3, WithdrawalStatus.PAID), "zh", "提现 #3 → 已支付,已通知师傅。"),
        (rm.RefundMarked("RFD1"), "en", "Refund RFD1 recorded as done."),
        (
            rm.PricesListed(
                (rm.PriceLine("daily", Bilingual("日常", "Daily"), "hour", 4500, True),)
            ),
            "en",
            "Prices (for new orders):\nDaily ¥45.00/hour *\n"
            '* price changed · to change one, reply "/price number price", e.g. /price 1 45',
        ),
        (
            rm.CouponIssued(5, "张三", 41, 3000, EVENING),
            "zh",
            "已给客户 5 张三 发 ¥30.00 优惠券(券号 41),有效至 11月23日 周一,已通知客户。",
        ),
        (ra.ComplaintsListed(()), "zh", "没有待处理的投诉。"),
        (
            ra.ComplaintsListed(
                (
                    ra.ComplaintLine(3, 240117, "late", 45, False, True),
                    ra.ComplaintLine(4, 240118, "damage", 5, True, False),
                )
            ),
            "zh",
            "待处理投诉 2 件:\n⏰ 3. #240117 迟到 45 分钟\n💬 4. #240118 物品损坏 5 分钟\n"
            "查看:/complaint ID",
        ),
        (ra.ComplaintAnswered(3), "en", "Complaint 3 answered; the customer has it."),
        (
            ra.ComplaintResolved(3, 240117, "full", 8800),
            "zh",
            "投诉 3(订单 #240117)已处理:全额退款 ¥88.00。双方已通知。",
        ),
        (ra.LevelsRecalculated(()), "en", "Recalculated; no level changed."),
        (
            ra.LevelsRecalculated(
                (ra.LevelMove(7, "王", WorkerLevel.A, WorkerLevel.C, 55, True),)
            ),
            "zh",
            "等级变化 1 人:\n王(ID 7)A→C 55 已暂停",
        ),
        (
            ra.SpotChecksListed((ra.SpotCheckLine(2, 240117, 7, EVENING),)),
            "en",
            "Spot checks to do:\n2. #240117 (Mon 23 Nov)\nWhen done: /checked ID result",
        ),
        (ra.SpotCheckClosed(2), "zh", "抽检 2 已记录。"),
    ],
)
def test_each_answer_reads_as_before(result, lang, expected):
    assert text(result, lang) == expected


def test_a_changed_price_says_so_and_a_shown_one_does_not():
    history = (PriceChange("daily", 4000, 4500, "telegram:1", "owner", EVENING),)
    shown = rm.PriceShown("daily", Bilingual("日常", "Daily"), "hour", 4500, 4000, history)
    changed = rm.PriceChanged("daily", Bilingual("日常", "Daily"), "hour", 4500, 4000, history)
    rest = "日常 ¥45.00/小时\n目录原价 ¥40.00\n11月23日 周一 01:05 ¥40.00 → ¥45.00 (老板)"
    assert text(shown) == rest
    assert text(changed) == f"已改价,新订单生效。{rest}"


def test_a_worker_comes_with_their_documents_and_a_complaint_with_its_photos():
    worker = rp.WorkerShown(
        7,
        "王",
        "13900001111",
        WorkerStatus.APPROVED,
        ("cleaning",),
        ("浦东",),
        5500,
        WorkerLevel.S,
        Bilingual("", ""),
        (
            rp.WorkerDocument("id_card", "https://m/1.jpg", date(2030, 1, 2)),
            rp.WorkerDocument("own_cert", "https://m/2.jpg", None),
        ),
        centre="黄浦区",
    )
    say, *photos = show(worker, "en")
    assert say == Say(
        "Worker 7: 王 13900001111\nStatus: approved · level S\nSkills: Daily cleaning\n"
        "Area: 浦东; 5.5 km around Huangpu District\n"
    )
    assert photos == [
        Photo("https://m/1.jpg", "ID card Wed 2 Jan 2030"),
        Photo("https://m/2.jpg", "own cert"),
    ]
    complaint = ra.ComplaintShown(
        3, 240117, "late", ComplaintStatus.OPEN, 45, "迟到一小时", "", 0, ("https://p/1.jpg",)
    )
    say, photo = show(complaint)
    assert say == Say(
        "投诉 3:订单 #240117\n类型:迟到\n状态:处理中\n已等待 45 分钟\n迟到一小时\n"
        "回复:/reply 3 内容\n处理:/resolve 3 partial|full|rework|reject"
    )
    assert photo == Photo("https://p/1.jpg")
    # a resolved one says when and how it was resolved, not how long it has "waited"
    resolved = ra.ComplaintShown(
        3, 240117, "late", ComplaintStatus.RESOLVED, 45, "", "partial", 1500, (), NOON
    )
    assert text(resolved) == (
        "投诉 3:订单 #240117\n类型:迟到\n状态:已处理 · 11月23日 周一 11:30 · 部分退款\n退款 ¥15.00"
    )
    assert "Waiting" not in text(resolved, "en") and "Mon 23 Nov 11:30" in text(resolved, "en")
    assert "partial refund" in text(resolved, "en")
    # resolved before the time was kept: how, still no wait
    older = replace(resolved, resolved_at=None)
    assert text(older) == "投诉 3:订单 #240117\n类型:迟到\n状态:已处理:部分退款\n退款 ¥15.00"


@pytest.mark.parametrize(
    ("districts", "radius_m", "centre", "zh", "en"),
    [
        (("静安区",), 0, "", "范围:静安区", "Area: Jing'an District"),
        (
            ("静安区", "徐汇区"),
            0,
            "",
            "范围:静安区、徐汇区",
            "Area: Jing'an District, Xuhui District",
        ),
        ((), 5000, "黄浦区", "范围:以黄浦区为中心 5 km", "Area: 5 km around Huangpu District"),
        ((), 5000, "", "范围:半径 5 km", "Area: within 5 km"),
        (
            ("静安区",),
            3000,
            "黄浦区",
            "范围:静安区;以黄浦区为中心 3 km",
            "Area: Jing'an District; 3 km around Huangpu District",
        ),
        ((), 0, "", "范围:未设置", "Area: not set"),
    ],
)
def test_a_workers_area_shows_their_districts_and_a_radius_only_when_they_have_one(
    districts, radius_m, centre, zh, en
):
    """A worker by districts used to read "范围:静安区0 km" / "Area: 静安区 0 km"."""
    worker = replace(suspended(""), districts=districts, radius_m=radius_m, centre=centre)
    assert zh in text(worker, "zh").splitlines()
    assert en in text(worker, "en").splitlines()


def suspended(note: str) -> rp.WorkerShown:
    return rp.WorkerShown(
        7,
        "王",
        "13900001111",
        WorkerStatus.SUSPENDED,
        (),
        (),
        0,
        WorkerLevel.C,
        review_note_text(note),
        (),
    )


@pytest.mark.parametrize(
    "note",
    [
        late_arrivals_note(3, 30),
        "3 late arrivals in 30 days",  # a row written before the note was an id
    ],
)
def test_a_suspension_for_lateness_reads_in_the_admins_language(note):
    assert text(suspended(note), "zh").endswith("\n30 天内迟到 3 次")
    assert text(suspended(note), "en").endswith("\n3 late arrivals in 30 days")


@pytest.mark.parametrize("note", [level_c_note(55), "C 级(信用分 55),需重新培训"])
def test_a_suspension_at_level_c_reads_in_the_admins_language(note):
    assert text(suspended(note), "zh").endswith("\nC 级(信用分 55),需重新培训")
    assert text(suspended(note), "en").endswith("\nlevel C (score 55): retraining required")


def test_an_admins_own_reason_is_shown_as_they_wrote_it():
    assert text(suspended("多次迟到"), "en").endswith("\n多次迟到")
    assert text(suspended("late_arrivals: 2 times"), "zh").endswith("\nlate_arrivals: 2 times")


def test_links_for_the_ledger_and_the_dashboard():
    ledger = rm.LedgerLinked(date(2026, 11, 1), date(2026, 11, 30), "https://l/x.csv")
    assert show(ledger, "en") == [
        Link("Ledger Sun 1 Nov to Mon 30 Nov (link valid 10 minutes):", "https://l/x.csv", "CSV")
    ]
    assert show(rp.DashboardLinked("https://d/x")) == [
        Link("数据看板(链接 10 分钟内有效):", "https://d/x", "打开看板")
    ]
    assert show(rp.DashboardLinked("https://d/x?e=1&s=2"), "en") == [  # the page in English
        Link(
            "The dashboard (link valid 10 minutes): ",
            "https://d/x?e=1&s=2&lang=en",
            "Open the dashboard",
        )
    ]
