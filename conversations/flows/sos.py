"""紧急 / SOS anywhere: a customer or a worker raises an emergency by a word or ``/sos`` in
any state; ops are alerted at once (``services.sos``) and the person is told so — and to call
110 or 120 when someone is in danger, which no chat can replace."""

from __future__ import annotations

from conversations.events import Inbound
from conversations.flows.base import Outcome, tr
from conversations.replies import Say
from conversations.state import Conversation
from domain import commands as c

COMMANDS = frozenset({"sos"})
WORDS = frozenset({"sos", "紧急", "紧急求助", "救命", "emergency", "help me"})
"""Whole messages (casefolded) understood in every state."""


def answer(conv: Conversation, event: Inbound) -> Outcome:
    raise_it = c.RaiseSos(event.channel, event.user_id, conv.customer_id, conv.worker_id)
    said = tr(
        conv,
        "已紧急通知平台值班人员,他们会马上联系您。如有人身危险,请立即拨打 110(报警)或 120(急救)。",
    )
    return Outcome([Say(said)], commands=[raise_it], reask=True)
