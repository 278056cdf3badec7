"""How long each text a person types may be: one table, checked where the text is read (the
flows, the admin command reader) before anything is stored or sent on.

Every limit is at most the database column the text ends up in (``store/tables.py``;
``tests/unit/test_limits.py`` compares them), so no typed text is ever too long for
PostgreSQL. Over a limit the person is told the limit and asked again; nothing is kept.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.errors import DomainError
from domain.text import N_, Text


@dataclass(frozen=True, slots=True, eq=False)
class Limit:
    """At most ``chars`` characters of ``what`` (each limit is its own: two fields with the
    same numbers are still two limits)."""

    chars: int
    what: Text
    """The field as a sentence starts with it (地址, The address)."""

    def allows(self, text: str) -> bool:
        return len(text) <= self.chars

    def message(self) -> Text:
        """The reply to a text over the limit (地址最多 200 字, at most 200 characters)."""
        return N_("{what}最多 {chars} 字,请改短一些再发送。", chars=self.chars, what=self.what)


class TooLong(DomainError):
    """A typed text is over its limit (the admin command reader raises it)."""

    def __init__(self, limit: Limit) -> None:
        super().__init__(limit.message())
        self.limit = limit


def within(limit: Limit, text: str) -> str:
    """``text`` when the limit allows it; else raises ``TooLong``."""
    if not limit.allows(text):
        raise TooLong(limit)
    return text


# customers and workers
PHONE = Limit(30, N_("电话号码"))
"""Encrypted (``*.phone_enc``); room for ``+86 (138) 1234-5678`` and the like."""
WORKER_NAME = Limit(40, N_("姓名"))  # workers.name: 100
SERVICE_AREA = Limit(200, N_("服务区域"))  # workers.districts (JSON)
SKILLS = Limit(200, N_("技能"))  # read into workers.skills (JSON), not kept as typed
# booking
ADDRESS = Limit(200, N_("地址"))  # addresses.text_enc (encrypted)
ADDRESS_DETAIL = Limit(100, N_("门牌号"))  # with the map pin's name
NOTES = Limit(200, N_("备注"))  # orders.notes_enc (encrypted)
# after-sales
COMPLAINT = Limit(1000, N_("投诉内容"))  # complaints.text: 1000
REVIEW = Limit(500, N_("评价"))  # ratings.text: 500
SUPPORT_MESSAGE = Limit(1000, N_("留言"))  # the support notice
# admin command arguments
WORKER_REASON = Limit(200, N_("原因"))  # workers.review_note: 200
WITHDRAWAL_REASON = Limit(200, N_("原因"))  # withdrawals.note: 200
CANCEL_REASON = Limit(200, N_("原因"))  # the audit log and the notice
COMPLAINT_REPLY = Limit(500, N_("回复"))  # the notice to the customer
RESOLUTION_REASON = Limit(300, N_("原因"))  # complaints.note: 300
SPOT_CHECK_RESULT = Limit(300, N_("抽检结果"))  # spot_checks.note: 300
BROADCAST = Limit(500, N_("群发内容"))  # one chat message to everyone
ACCOUNT = Limit(128, N_("用户ID"))  # admins.user_id: 128
