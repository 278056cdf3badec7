"""A payout card in the worker's own name only: the holder typed is compared with the name the
worker registered under (spaces and case forgiven, a name in Chinese characters compared
character for character), refused as soon as it is typed, saying why and naming the registered
name — and refused by the service too, which asks for the holder again."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

import i18n  # noqa: F401  (installs the translations)
from conversations.events import ChoiceMade, Failed, TextReceived
from conversations.flows import payout_account as flow
from conversations.flows.base import Ctx
from conversations.flows.flow_state import keep, load
from conversations.replies import Ask, Say
from conversations.results.workers import PayoutAccountShown
from conversations.state import Conversation
from domain.payouts import (
    PayoutAccount,
    PayoutKind,
    holder_mismatch,
    name_key,
    paid_to_another,
    same_holder,
)
from domain.text import N_
from store.catalog_file import load_catalog

CATALOG, RULES = load_catalog()
NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
CTX = Ctx(CATALOG, RULES, NOW, "https://daojia.example")
BASE = {"channel": "telegram", "user_id": "1", "at": NOW}


@pytest.mark.parametrize(
    ("holder", "registered"),
    [
        ("张三", "张三"),
        ("张 三", "张三"),  # spaces in a Chinese name
        (" 张三 ", "张三"),
        ("张三", "张 三"),
        ("阿依古丽•买买提", "阿依古丽·买买提"),  # the middle dot however typed
        ("阿依古丽.买买提", "阿依古丽·买买提"),
        ("zhang san", "Zhang San"),
        ("ZHANG   SAN", "Zhang San"),
        ("Ｚｈａｎｇ Ｓａｎ", "Zhang San"),  # full-width letters
        ("Li\u3000Na", "Li Na"),
    ],
)
def test_the_same_name_typed_otherwise_is_the_holder(holder, registered):
    assert same_holder(holder, registered)


@pytest.mark.parametrize(
    ("holder", "registered"),
    [
        ("李四", "张三"),
        ("张叁", "张三"),  # one character off is another person
        ("张三丰", "张三"),
        ("张", "张三"),
        ("zhangsan", "Zhang San"),  # Latin words run together are other words
        ("San Zhang", "Zhang San"),
        ("张三", ""),  # no registered name: nothing matches it
        ("", ""),
    ],
)
def test_another_name_is_not_the_holder(holder, registered):
    assert not same_holder(holder, registered)


def test_paying_a_card_in_another_s_name_would_pay_someone_else():
    """A card saved before holders were checked: paid to only when it is the worker's."""
    card = PayoutAccount(7, PayoutKind.BANK, "6225880137005576", "王五", "cmb")
    assert paid_to_another(card, "张三")
    assert not paid_to_another(card, "王五")
    assert not paid_to_another(
        PayoutAccount(7, PayoutKind.BANK, "6225880137005576", "王 五"), "王五"
    )
    assert not paid_to_another(PayoutAccount(7, PayoutKind.WECHAT, "o-abc", "王五"), "张三")
    assert not paid_to_another(None, "张三")  # no account: nothing is paid to anyone


def test_the_name_key_keeps_a_chinese_name_s_characters():
    assert name_key(" 张 三 ") == "张三"
    assert name_key("Mary  Jane") == "mary jane"


def typed(text: str) -> TextReceived:
    return TextReceived(**BASE, text=text)


def said(outcome) -> str:
    return "\n".join(r.text for r in outcome.replies if isinstance(r, Say))


def at_holder(owner: str, lang: str = "zh") -> Conversation:
    conv = Conversation(flow=flow.NAME, step="holder", lang=lang, worker_id=7, role="worker")
    keep(conv, flow.NAME, flow.PayoutData(owner=owner))
    return conv


def test_the_registered_name_is_kept_when_the_account_is_shown_and_a_card_chosen():
    conv = Conversation(flow=flow.NAME, step="show", lang="zh", worker_id=7, role="worker")
    flow.on_shown(CTX, conv, PayoutAccountShown(None, False, "张三"))
    out = flow.on_kind(CTX, conv, ChoiceMade(**BASE, key="bank"))
    assert out.step == flow.Step.HOLDER
    conv.step = out.step
    [question] = flow.ask(CTX, conv).replies
    assert isinstance(question, Ask)
    assert question.text == "银行卡须在您本人名下(您注册的姓名:张三)。请输入开户人姓名:"


def test_a_holder_other_than_the_worker_is_refused_as_soon_as_it_is_typed():
    conv = at_holder("张三")
    out = flow.on_holder(CTX, conv, typed("李四"))
    assert said(out) == (
        "开户人姓名须与您注册的姓名「张三」一致:收入只打到您本人名下的银行卡。"
        "请输入您本人银行卡的开户人姓名;注册的姓名有误请联系客服更正。"
    )
    assert out.reask and out.step is None and not out.commands
    data = load(conv, flow.NAME, flow.PayoutData)
    assert data is not None and data.holder == ""


def test_a_holder_other_than_the_worker_is_refused_in_english():
    out = flow.on_holder(CTX, at_holder("Li Na", "en"), typed("Wang Wu"))
    assert said(out).startswith(
        'The account holder must be the name you registered with, "Li Na"'
    ), said(out)


@pytest.mark.parametrize("typed_name", ["张三", "张 三"])
def test_the_worker_s_own_name_goes_on_to_the_bank(typed_name):
    conv = at_holder("张三")
    out = flow.on_holder(CTX, conv, typed(typed_name))
    assert out.step == flow.Step.BANK and not out.replies
    data = load(conv, flow.NAME, flow.PayoutData)
    assert data is not None and data.holder == typed_name and data.owner == "张三"


def test_the_service_refusing_the_holder_asks_for_the_holder_again():
    """The registered name changed between the questions: the service's refusal asks for
    the holder (not the card number, which would be refused again)."""
    conv = Conversation(flow=flow.NAME, step="saving", lang="zh", worker_id=7, role="worker")
    keep(conv, flow.NAME, flow.PayoutData(holder="张三", bank="cmb", owner="张三"))
    out = flow.on_refused(CTX, conv, Failed(message=holder_mismatch("张山")))
    assert out.step == flow.Step.HOLDER and "「张山」" in said(out)
    data = load(conv, flow.NAME, flow.PayoutData)
    assert data is not None and data.holder == "" and data.owner == "张三"
    other = flow.on_refused(CTX, conv, Failed(message=N_("银行卡号有误")))
    assert other.step == flow.Step.SHOW  # no holder kept now: the choice again
