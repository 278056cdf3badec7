"""我的 (Me) for a customer whose level is kept above what their spend reaches: the level held,
the way to the one above it, and until when it is kept, in the reader's language."""

from __future__ import annotations

from datetime import timedelta

from conversations.flows import me
from domain.member_levels import progress
from domain.membership import Standing
from domain.rules import MemberLevel
from tests.unit.test_flows import CTX, NOW, RULES
from tests.unit.test_me_flow import CJK, conv, shown, texts


def test_a_level_kept_above_the_spend_says_until_when_in_the_readers_language():
    until = NOW + timedelta(days=20)
    kept = progress(250_000, RULES.membership, Standing(MemberLevel.GOLD, until), NOW)
    zh = texts(me.on_shown(CTX, conv(), shown(progress=kept, discount_bp=1_000)).replies)
    assert "会员等级:黄金会员(每单享 10% 优惠)" in zh
    assert "再消费 ¥7,500.00 即可升级为钻石会员" in zh
    day = "12月13日 周日"  # twenty days on
    assert f"等级保留至 {day},届时按近 365 天消费重新评定。" in zh
    en = texts(me.on_shown(CTX, conv(lang="en"), shown(progress=kept)).replies)
    assert not CJK.search(en), en
    assert "Your level is kept until " in en and "last 365 days" in en
    plain = texts(me.on_shown(CTX, conv(), shown()).replies)  # the spend reaches it
    assert "保留至" not in plain
