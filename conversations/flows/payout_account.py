"""The worker's payout account (发送「收款账户」, or the button on the jobs screen): shown
masked, added or changed — a bank card (the holder's name, the bank, the number, checked with
the Luhn check; the holder must be the worker, by their registered name — a card in another's
name is refused as soon as the name is typed) or the worker's own WeChat wallet (the WeChat
account of theirs that is this worker's). The number is never kept in the conversation: it
goes to the command at once."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from conversations.events import ChoiceMade, Failed, TextReceived
from conversations.flows.base import Ctx, Outcome, Transitions, tr
from conversations.flows.flow_state import keep, load
from conversations.replies import Ask, Option, Say
from conversations.results.workers import PayoutAccountSaved, PayoutAccountShown
from conversations.state import Conversation
from domain.commands import SavePayoutAccount
from domain.money import format_yuan
from domain.payouts import BANKS, PayoutKind, holder_mismatch, holder_name, same_holder
from domain.queries import LoadPayoutAccount

NAME = "payout"


class Step(StrEnum):
    SHOW = "show"
    HOLDER = "holder"
    BANK = "bank"
    NUMBER = "number"
    SAVING = "saving"


FIRST = Step.SHOW


@dataclass(frozen=True, slots=True)
class PayoutData:
    """What the flow keeps (``conv.data["payout"]``) between the bank card's questions."""

    holder: str = ""
    bank: str = ""
    owner: str = ""
    """The worker's registered name, which the card's holder must be ("": not known, the
    service checks it alone)."""


def _data(conv: Conversation) -> PayoutData:
    return load(conv, NAME, PayoutData) or PayoutData()


def _me(conv: Conversation) -> int:
    assert conv.worker_id is not None
    return conv.worker_id


def _back(conv: Conversation, text: str) -> Outcome:
    conv.data.pop(NAME, None)
    return Outcome([Say(text)], goto="worker")


def enter(ctx: Ctx, conv: Conversation) -> Outcome:
    conv.data.pop(NAME, None)
    if conv.worker_id is None:
        return Outcome(goto="worker_register")
    return Outcome(commands=[LoadPayoutAccount(_me(conv))])


def ask(ctx: Ctx, conv: Conversation) -> Outcome:
    if conv.step == Step.HOLDER:
        owner = _data(conv).owner
        question = (
            tr(conv, "银行卡须在您本人名下(您注册的姓名:{name})。请输入开户人姓名:", name=owner)
            if owner
            else tr(conv, "请输入银行卡开户人的真实姓名:")
        )
        return Outcome([Ask(question, (_cancel(conv),))])
    if conv.step == Step.BANK:
        options = [Option(f"bank:{key}", name.get(conv.lang)) for key, (_, name) in BANKS.items()]
        return Outcome([Ask(tr(conv, "请选择开户银行:"), (*options, _cancel(conv)))])
    if conv.step == Step.NUMBER:
        return Outcome([Ask(tr(conv, "请输入银行卡号(16–19 位数字):"), (_cancel(conv),))])
    return enter(ctx, conv)


def _cancel(conv: Conversation) -> Option:
    return Option("back", tr(conv, "不改了"))


def on_shown(ctx: Ctx, conv: Conversation, result: PayoutAccountShown) -> Outcome:
    if result.masked is None:
        text = tr(conv, "您还没有收款账户。提现会打到这个账户,请先添加:")
    else:
        text = tr(conv, "收款账户:{account}。要更换吗?", account=result.masked.get(conv.lang))
    options = [Option("bank", tr(conv, "银行卡"))]
    if result.wechat_possible or conv.channel == "wechat":
        options.append(Option("wechat", tr(conv, "微信零钱")))
    else:
        text += "\n" + tr(conv, "(微信零钱只能在微信里,用您当师傅的微信账户添加。)")
    options.append(_cancel(conv))
    keep(conv, NAME, PayoutData(owner=result.owner))
    return Outcome([Ask(text, tuple(options))], step=Step.SHOW)


def on_kind(ctx: Ctx, conv: Conversation, event: ChoiceMade) -> Outcome:
    if event.key == "bank":
        keep(conv, NAME, PayoutData(owner=_data(conv).owner))
        return Outcome(step=Step.HOLDER, reask=True)
    if event.key == "wechat":
        openid = event.user_id if event.channel == "wechat" else ""
        save = SavePayoutAccount(
            _me(conv), PayoutKind.WECHAT.value, openid=openid, actor=ctx.account
        )
        return Outcome(commands=[save], step=Step.SAVING)
    return _back(conv, tr(conv, "收款账户没有改动。"))


def on_holder(ctx: Ctx, conv: Conversation, event: TextReceived) -> Outcome:
    name = holder_name(event.text)  # a DomainError asks again
    data = _data(conv)
    if data.owner and not same_holder(name, data.owner):
        return Outcome([Say(holder_mismatch(data.owner).get(conv.lang))], reask=True)
    keep(conv, NAME, replace(data, holder=name))
    return Outcome(step=Step.BANK, reask=True)


def on_bank(ctx: Ctx, conv: Conversation, event: ChoiceMade) -> Outcome:
    key = event.key.removeprefix("bank:")
    if key not in BANKS:
        return on_choice(ctx, conv, event)
    keep(conv, NAME, replace(_data(conv), bank=key))
    return Outcome(step=Step.NUMBER, reask=True)


def on_bank_text(ctx: Ctx, conv: Conversation, event: TextReceived) -> Outcome:
    typed = event.text.strip()
    for key, (_, name) in BANKS.items():
        if typed in (name.get("zh"), name.get("en")):
            keep(conv, NAME, replace(_data(conv), bank=key))
            return Outcome(step=Step.NUMBER, reask=True)
    return Outcome([Say(tr(conv, "请从列表里选择开户银行。"))], reask=True)


def on_number(ctx: Ctx, conv: Conversation, event: TextReceived) -> Outcome:
    data = _data(conv)
    if not data.holder or data.bank not in BANKS:
        return Outcome(goto=NAME)  # a state of another shape: start again
    save = SavePayoutAccount(
        _me(conv),
        PayoutKind.BANK.value,
        holder=data.holder,
        bank=data.bank,
        number=event.text,
        actor=ctx.account,
    )
    return Outcome(commands=[save], step=Step.SAVING)


def on_saved(ctx: Ctx, conv: Conversation, result: PayoutAccountSaved) -> Outcome:
    account = result.masked.get(conv.lang)
    if result.changed:
        text = tr(conv, "收款账户已更换为:{account}。", account=account)
    else:
        text = tr(conv, "收款账户已添加:{account}。", account=account)
    if result.released_cents:  # withdrawals held for a card in another's name
        amount = format_yuan(result.released_cents)
        text += tr(conv, "暂缓的提现 {amount} 会打到这个账户。", amount=amount)
    return _back(conv, text)


def on_refused(ctx: Ctx, conv: Conversation, result: Failed) -> Outcome:
    """The account was not saved: why, and the card number asked again (a bank card), the
    holder's name when it was that (the registered name changed meanwhile), or the choice
    shown again."""
    data = _data(conv)
    step = Step.NUMBER if data.holder else Step.SHOW
    if data.holder and getattr(result.message, "msgid", None) == holder_mismatch("").msgid:
        keep(conv, NAME, replace(data, holder="", bank=""))
        step = Step.HOLDER
    return Outcome([Say(result.message.get(conv.lang))], step=step, reask=True)


def on_choice(ctx: Ctx, conv: Conversation, event: ChoiceMade) -> Outcome:
    if event.key == "back":
        return _back(conv, tr(conv, "收款账户没有改动。"))
    return Outcome(reask=True)


TRANSITIONS: Transitions = {
    (Step.SHOW, PayoutAccountShown): on_shown,
    (Step.SHOW, ChoiceMade): on_kind,
    (Step.HOLDER, TextReceived): on_holder,
    (Step.HOLDER, ChoiceMade): on_choice,
    (Step.BANK, ChoiceMade): on_bank,
    (Step.BANK, TextReceived): on_bank_text,
    (Step.NUMBER, TextReceived): on_number,
    (Step.NUMBER, ChoiceMade): on_choice,
    (Step.SAVING, PayoutAccountSaved): on_saved,
    (Step.SAVING, Failed): on_refused,
}
