"""Words typed where the extra's "what should be added?" is asked ("30") are told how an
amount is given, not just asked again."""

from datetime import UTC, datetime

import pytest

from conversations.events import TextReceived
from conversations.flows import worker_surcharge
from conversations.flows.base import Ctx
from conversations.replies import Say
from conversations.state import Conversation
from store.catalog_file import load_catalog

CATALOG, RULES = load_catalog()
NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
BASE = {"channel": "telegram", "user_id": "7", "at": NOW, "message_id": "m1"}


@pytest.mark.parametrize("typed", ["30", "厨房加油烟机"])
def test_words_at_the_choice_say_how_to_give_an_amount(typed):
    conv = Conversation(
        flow=worker_surcharge.NAME, step=worker_surcharge.Step.WHAT, role="worker", lang="zh"
    )
    handler = worker_surcharge.TRANSITIONS[(worker_surcharge.Step.WHAT, TextReceived)]
    out = handler(
        Ctx(CATALOG, RULES, NOW, "https://daojia.example"), conv, TextReceived(**BASE, text=typed)
    )
    said = [r.text for r in out.replies if isinstance(r, Say)]
    assert said == ["请点选要加的项目;要填写金额,请先选「其他:填写金额和原因」。"], said
    assert out.reask
