"""How long each text a person types may be: one table, checked where the text is read (the
flows, the admin command reader) before anything is stored or sent on.

Every limit is at most the database column the text ends up in (``store/tables.py``;
``tests/unit/test_limits.py`` compares them), so no typed text is ever too long for
PostgreSQL. Over a limit the person is told the limit and asked again; nothing is kept.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.errors import DomainError
from domain.text import Text


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
        return Text(
            f"{self.what.zh}最多 {self.chars} 字,请改短一些再发送。",
            f"{self.what.en} can be at most {self.chars} characters — please shorten it "
            "and send it again.",
        )


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
PHONE = Limit(30, Text("电话号码", "A phone number"))
"""Encrypted (``*.phone_enc``); room for ``+86 (138) 1234-5678`` and the like."""
WORKER_NAME = Limit(40, Text("姓名", "A name"))  # workers.name: 100
SERVICE_AREA = Limit(200, Text("服务区域", "The service area"))  # workers.districts (JSON)
# booking
ADDRESS = Limit(200, Text("地址", "The address"))  # addresses.text_enc (encrypted)
ADDRESS_DETAIL = Limit(100, Text("门牌号", "The building and flat"))  # with the map pin's name
NOTES = Limit(200, Text("备注", "Notes"))  # orders.notes_enc (encrypted)
# after-sales
COMPLAINT = Limit(1000, Text("投诉内容", "The complaint"))  # complaints.text: 1000
REVIEW = Limit(500, Text("评价", "A review"))  # ratings.text: 500
SUPPORT_MESSAGE = Limit(1000, Text("留言", "A message to support"))  # the support notice
# admin command arguments
WORKER_REASON = Limit(200, Text("原因", "The reason"))  # workers.review_note: 200
WITHDRAWAL_REASON = Limit(200, Text("原因", "The reason"))  # withdrawals.note: 200
CANCEL_REASON = Limit(200, Text("原因", "The reason"))  # the audit log and the notice
COMPLAINT_REPLY = Limit(500, Text("回复", "The reply"))  # the notice to the customer
RESOLUTION_REASON = Limit(300, Text("原因", "The reason"))  # complaints.note: 300
SPOT_CHECK_RESULT = Limit(300, Text("抽检结果", "The result"))  # spot_checks.note: 300
BROADCAST = Limit(500, Text("群发内容", "A broadcast"))  # one chat message to everyone
ACCOUNT = Limit(128, Text("用户ID", "A user id"))  # admins.user_id: 128
