"""``/explain``'s message stays within a WeChat text (2,048 bytes) however many workers there
are, keeping its head, and names every rule and score part in the admin's language."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from conversations.flows.admin_dispatch_views import LIMIT_BYTES, explained, fit
from conversations.flows.base import Ctx
from conversations.replies import Say
from conversations.results.admin_dispatch import (
    DispatchExplained,
    OfferedWorker,
    RankedWorker,
    RefusedWorker,
)
from conversations.state import Conversation
from domain.dispatch import Refusal
from domain.lifecycle import OrderStatus
from domain.text import Bilingual
from store.catalog_file import load_catalog

CATALOG, RULES = load_catalog()
NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
FACTORS = (("base", 10_000), ("distance", -550), ("near_idle", 2_000), ("rating", 1_000))


def result(ranked: int, refused: int) -> DispatchExplained:
    return DispatchExplained(
        number=240117,
        status=OrderStatus.DISPATCHING,
        item=Bilingual("日常保洁", "Daily cleaning"),
        certificates=("health",),
        assigned=None,
        ranked=tuple(
            RankedWorker(i, "很长的名字" * 4, 12_000 - i, 1500, FACTORS) for i in range(ranked)
        ),
        ranked_count=ranked,
        refused=tuple(
            RefusedWorker(100 + i, "师傅" * 6, Refusal.AREA.value) for i in range(refused)
        ),
        refusal_counts=tuple((r.value, 1000) for r in Refusal),
    )


def text(lang: str, r: DispatchExplained) -> str:
    conv = Conversation(flow="admin", step="console", role="admin", lang=lang)
    [say] = explained(Ctx(CATALOG, RULES, NOW, "https://daojia.example", "ops"), conv, r).replies
    assert isinstance(say, Say)
    return say.text


def test_a_long_explanation_is_cut_to_a_wechat_text_keeping_its_head():
    for lang in ("zh", "en"):
        shown = text(lang, result(5, 10))
        assert len(shown.encode()) <= LIMIT_BYTES
        assert shown.splitlines()[0].startswith("#240117")
        assert shown.endswith("……(未全部列出)" if lang == "zh" else "… (not all listed)")
        for internal in ("near_idle", "daily_cap", "certificate_expired", "not_approved"):
            assert internal not in shown


def test_a_short_one_is_whole():
    shown = text("zh", result(1, 1))
    assert "未全部列出" not in shown and "附近且空闲 +2000" in shown
    assert fit([["a"], ["b"]], "…") == "a\nb"


def test_an_open_offer_is_the_verdict_until_someone_has_the_order():
    """Offered and awaited (until when) in place of "the best now"; with a worker holding the
    order (a transfer offered to another), the awaited one is named after them."""
    waiting = (OfferedWorker(7, "王阿姨", NOW + timedelta(minutes=5)),)
    r = replace(result(2, 0), offered=waiting)
    shown = text("zh", r)
    assert "已派单给 王阿姨(师傅 7),等待答复(11月23日 周一 09:05 前)" in shown
    assert "现在最合适" not in shown and "可接的师傅(前 2 位):" in shown
    assert "Offered to 王阿姨 (worker 7), awaiting their answer (until Mon 23 Nov 09:05)" in text(
        "en", r
    )
    held = replace(r, assigned=RankedWorker(0, "李阿姨", 12_000, 1500, FACTORS))
    shown = text("zh", held)
    assert 0 < shown.index("由 李阿姨(师傅 0) 接单") < shown.index("已派单给 王阿姨(师傅 7)")


def test_the_score_parts_read_alike_in_english():
    """ "(base +10000, Rating +1000, Level +100)": two parts took the capitalised English of
    a column heading sharing their Chinese; each part is in lower case, as the others."""
    from domain.dispatch import FACTOR_TEXT

    every = tuple((key, 100) for key in FACTOR_TEXT)
    r = replace(result(1, 0), ranked=(RankedWorker(1, "王阿姨", 12_000, 1500, every),))
    line = next(x for x in text("en", r).splitlines() if x.startswith("王阿姨"))
    parts = line[line.index("(") + 1 : line.rindex(")")].split(", ")
    assert len(parts) == len(FACTOR_TEXT), line
    assert all(p[:1].islower() or p[:1].isdigit() for p in parts), line
