"""The admin screens the probe caught showing machine values, driven with typed results: a
withdrawal's status and worker, a worker's new status, admins' channels and roles, who acted
on an order — each in the reader's words, in both languages; and ``/admin`` reading an
account as the screens show it."""

import pytest

from conversations.flows import admin_account_words
from conversations.flows.admin_trail_text import who
from conversations.results import admin_money as rm
from conversations.results import admin_orders as ro
from conversations.results import admin_people as rp
from conversations.state import Conversation
from domain import commands as c
from domain.lifecycle import OrderStatus
from domain.people import WorkerStatus
from domain.withdrawals import STATUS_TEXT, WithdrawalStatus
from tests.unit.test_admin_screens import CLEANING, EVENING, INSPECTED, NOON, text

BY = "telegram:1"


@pytest.mark.parametrize(
    ("result", "lang", "expected"),
    [
        (
            rm.WithdrawalsListed(
                (
                    rm.WithdrawalLine(3, 7, 12_345, WithdrawalStatus.REQUESTED, EVENING, "王"),
                    rm.WithdrawalLine(4, 8, 500, WithdrawalStatus.SENDING, EVENING),
                )
            ),
            "zh",
            "3. 师傅 7 王 ¥123.45 [待审核] 11月23日 周一 01:05\n"
            "4. 师傅 8 ¥5.00 [打款中] 11月23日 周一 01:05",
        ),
        (
            rm.WithdrawalsListed(
                (rm.WithdrawalLine(3, 7, 12_345, WithdrawalStatus.APPROVED, EVENING, "王"),)
            ),
            "en",
            "3. worker 7 王 ¥123.45 [approved] Mon 23 Nov 01:05",
        ),
        (
            rm.WithdrawalDecided(3, WithdrawalStatus.REJECTED),
            "zh",
            "提现 #3 → 未通过,已通知师傅。",
        ),
        (
            rm.WithdrawalDecided(3, WithdrawalStatus.APPROVED),
            "zh",
            "提现 #3 → 已通过,将自动打款到师傅的收款账户。",
        ),
        (
            rm.WithdrawalDecided(3, WithdrawalStatus.PAID),
            "en",
            "Withdrawal 3 is now paid; the worker was told.",
        ),
        (
            rp.SuspensionChanged(7, WorkerStatus.SUSPENDED, ()),
            "zh",
            "师傅 7 → 已暂停接单,已通知本人。",
        ),
        (rp.SuspensionChanged(7, WorkerStatus.APPROVED, ()), "zh", "师傅 7 → 已通过,已通知本人。"),
        (
            rp.AdminsListed(
                (rp.AdminLine("telegram:1", "owner"),),
                (
                    rp.AdminLine("wechat:o-abc123", "finance"),
                    rp.AdminLine("web:0123456789abcdef-admin", "support"),
                ),
            ),
            "zh",
            "管理员(配置):\nTelegram 1 · 老板\n管理员(聊天中添加):\n微信 o-abc123 · 财务\n"
            "网页聊天 0123456789abcdef-admin · 客服",
        ),
        (
            rp.AdminsListed((), (rp.AdminLine("wechat:o-abc123", "ops"),)),
            "en",
            "Admins (configured):\n—\nAdmins (added in chat):\nWeChat o-abc123 · ops",
        ),
        (
            rp.AdminRemoved("wechat:o-abc123", "finance"),
            "zh",
            "已移除管理员 微信 o-abc123(财务)。",
        ),
    ],
)
def test_each_screen_names_statuses_roles_and_channels_in_words(result, lang, expected):
    assert text(result, lang) == expected


def test_every_withdrawal_status_has_a_name():
    assert set(STATUS_TEXT) == set(WithdrawalStatus)


@pytest.mark.parametrize(
    ("actor", "role", "zh", "en"),
    [
        ("customer:5", "", "客户 5", "customer 5"),
        ("worker:7", "", "师傅 7", "worker 7"),
        ("system:daojia", "", "系统", "system"),
        ("system:unpaid", "", "系统", "system"),
        ("system:wechat_pay", "", "微信支付", "WeChat Pay"),
        ("admin:telegram:12345", "ops", "Telegram 12345 (调度)", "Telegram 12345 (ops)"),
        ("admin:telegram:12345", "", "Telegram 12345 (管理员)", "Telegram 12345 (admin)"),
        ("telegram:12345", "finance", "Telegram 12345 (财务)", "Telegram 12345 (finance)"),
        ("wechat:o-abc123", "customer", "微信 o-abc123 (客户)", "WeChat o-abc123 (customer)"),
        # the demo's web admin: its id is a session key, shown by channel and role alone
        ("admin:web:e02c413f1bfca8fa-admin", "owner", "网页聊天 (老板)", "web chat (owner)"),
        ("web:e02c413f1bfca8fa-admin", "owner", "网页聊天 (老板)", "web chat (owner)"),
    ],
)
def test_who_acted_reads_by_side_provider_or_account_and_role(actor, role, zh, en):
    for lang, expected in (("zh", zh), ("en", en)):
        conv = Conversation(flow="admin", step="console", role="admin", lang=lang)
        assert who(conv, actor, role) == expected


def test_an_orders_timeline_names_an_admin_by_account_and_role():
    timeline = (
        ro.StatusReached(EVENING, OrderStatus.PAID, "system:sandbox"),
        ro.StatusReached(NOON, OrderStatus.CANCELLED, "admin:telegram:9", "ops"),
    )
    inspected = ro.OrderInspected(
        **{
            **{f: getattr(INSPECTED, f) for f in INSPECTED.__dataclass_fields__},
            "item": CLEANING,
            "timeline": timeline,
        }
    )
    shown = text(inspected)
    assert (
        "  11月23日 周一 01:05 已支付 — 演示支付\n"
        "  11月23日 周一 11:30 已取消 — Telegram 9 (调度)\n" in shown
    )
    assert "admin:" not in shown and "system:" not in shown


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("add telegram:9 ops", c.ManageAdmin(BY, "owner", "add", "telegram:9", "ops")),
        ("add Telegram 9 调度", c.ManageAdmin(BY, "owner", "add", "telegram:9", "ops")),
        (
            "添加 微信 o-abc123 财务",
            c.ManageAdmin(BY, "owner", "add", "wechat:o-abc123", "finance"),
        ),
        (
            "add WeChat o-abc123 Support",
            c.ManageAdmin(BY, "owner", "add", "wechat:o-abc123", "support"),
        ),
        (
            "remove web chat 0123456789abcdef-admin",
            c.ManageAdmin(BY, "owner", "remove", "web:0123456789abcdef-admin"),
        ),
        (
            "移除 网页聊天 0123456789abcdef-admin",
            c.ManageAdmin(BY, "owner", "remove", "web:0123456789abcdef-admin"),
        ),
        ("remove loop 7", c.ManageAdmin(BY, "owner", "remove", "loop:7")),
        ("list", c.ManageAdmin(BY, "owner", "list")),
        ("add telegram:9", None),
        ("remove", None),
    ],
)
def test_an_admin_account_is_read_as_the_screens_show_it(words, expected):
    assert admin_account_words.build(words.split(), BY, "owner") == expected
