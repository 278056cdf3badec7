"""Where a worker's withdrawals are paid: a bank card (holder, bank, number) or their own
WeChat wallet (their openid in our official account); how a transfer ended.

The number is checked here (16–19 digits, the Luhn check) and only ever shown masked (the
bank and the last four digits); the store keeps it encrypted."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.errors import DomainError
from domain.text import N_, Text


class PayoutKind(StrEnum):
    BANK = "bank"
    WECHAT = "wechat"


BANKS: dict[str, tuple[str, Text]] = {
    # key: (WeChat Pay's bank code for 企业付款到银行卡, the bank's name)
    "icbc": ("1002", N_("工商银行")),
    "abc": ("1005", N_("农业银行")),
    "boc": ("1026", N_("中国银行")),
    "ccb": ("1003", N_("建设银行")),
    "cmb": ("1001", N_("招商银行")),
    "psbc": ("1066", N_("邮储银行")),
    "bocom": ("1020", N_("交通银行")),
    "spdb": ("1004", N_("浦发银行")),
    "cmbc": ("1006", N_("民生银行")),
    "cib": ("1009", N_("兴业银行")),
    "pab": ("1010", N_("平安银行")),
    "citic": ("1021", N_("中信银行")),
    "hxb": ("1025", N_("华夏银行")),
    "cgb": ("1027", N_("广发银行")),
    "ceb": ("1022", N_("光大银行")),
}
"""The banks WeChat Pay transfers to that a worker may choose, by our key."""

_DIGITS = re.compile(r"\d{16,19}")
_SEPARATORS = re.compile(r"[\s-]")
HOLDER_MAX = 30


def luhn_ok(number: str) -> bool:
    """Whether ``number`` (digits only) passes the Luhn check."""
    if not number.isdecimal():  # what int reads ("²" is a digit to isdigit, not to int)
        return False
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def card_number(text: str) -> str:
    """The card number typed (spaces and dashes allowed), or a ``DomainError`` to show."""
    number = _SEPARATORS.sub("", text.strip())
    if not _DIGITS.fullmatch(number):
        raise DomainError(N_("银行卡号应为 16–19 位数字,请重新输入。"))
    if not luhn_ok(number):
        raise DomainError(N_("银行卡号有误(校验位不对),请核对后重新输入。"))
    return number


def holder_name(text: str) -> str:
    """The card holder's name as typed, or a ``DomainError``: a real name, not a number."""
    name = " ".join(text.split())
    if not 2 <= len(name) <= HOLDER_MAX or any(ch.isdigit() for ch in name):
        raise DomainError(N_("请输入银行卡开户人的真实姓名。"))
    return name


_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_MIDDLE_DOTS = re.compile(r"[·•・‧∙⋅．.]")


def name_key(name: str) -> str:
    """A person's name as two are compared: NFKC (full-width letters as ASCII), case-folded,
    spaces as one. A name in Chinese characters is compared character for character: without
    any spaces, the middle dot of a name such as 阿依古丽·买买提 one dot however typed (·, •,
    ・, ．) — nothing else is forgiven (no pinyin, no similar-looking characters)."""
    key = " ".join(unicodedata.normalize("NFKC", name).casefold().split())
    if _HAN.search(key):
        return _MIDDLE_DOTS.sub("·", key.replace(" ", ""))
    return key


def same_holder(holder: str, registered: str) -> bool:
    """Whether a bank card's holder is the worker registered under ``registered``: the same
    name (``name_key``). Earnings are paid only to a card in the worker's own name."""
    return bool(registered.strip()) and name_key(holder) == name_key(registered)


def paid_to_another(account: PayoutAccount | None, registered: str) -> bool:
    """Whether paying ``account`` would pay someone other than the worker registered under
    ``registered``: a bank card whose holder is not them (``same_holder``) — one saved before
    holders were checked. Nothing is paid to it: the withdrawal is held until they add an
    account of their own. A WeChat wallet is the worker's own account in our official account."""
    return (
        account is not None
        and account.kind == PayoutKind.BANK
        and not same_holder(account.holder, registered)
    )


def holder_mismatch(registered: str) -> Text:
    """Why a card in another's name is refused, naming the worker's registered name (theirs:
    the reader is that worker)."""
    return N_(
        "开户人姓名须与您注册的姓名「{name}」一致:收入只打到您本人名下的银行卡。"
        "请输入您本人银行卡的开户人姓名;注册的姓名有误请联系客服更正。",
        name=registered,
    )


@dataclass(frozen=True, slots=True)
class PayoutAccount:
    """A worker's payout account: ``number`` is the card number, or the WeChat openid."""

    worker_id: int
    kind: PayoutKind
    number: str
    holder: str = ""
    bank: str = ""
    """A key of ``BANKS`` (bank cards only)."""
    updated_at: datetime | None = None

    @property
    def bank_code(self) -> str:
        return BANKS[self.bank][0] if self.bank in BANKS else ""

    def masked(self) -> Text:
        """What anyone is shown of it: ``招商银行 尾号 1234``, ``微信零钱``."""
        return mask(self.kind, self.bank, self.number)


def mask(kind: PayoutKind, bank: str, number: str) -> Text:
    if kind == PayoutKind.WECHAT:
        return N_("微信零钱")
    name = BANKS[bank][1] if bank in BANKS else N_("银行卡")
    return N_("{bank} 尾号 {last4}", bank=name, last4=number[-4:])


class TransferStatus(StrEnum):
    PAID = "paid"
    FAILED = "failed"
    """Refused for good (wrong name, account closed): the money goes back to the balance."""
    UNKNOWN = "unknown"
    """No clear answer (timeout, 5xx, SYSTEMERROR, still processing): asked again later."""
    ABSENT = "absent"
    """A query found no such transfer: it never arrived, so it may be sent again."""


class FailReason(StrEnum):
    NAME = "name"
    ACCOUNT = "account"
    LIMIT = "limit"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class TransferOutcome:
    status: TransferStatus
    provider_ref: str = ""
    reason: FailReason | None = None
    detail: str = ""
    """The provider's own words, for finance and the log (never shown to the worker)."""
