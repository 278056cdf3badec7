"""An invoice title as people read it: its kind once, in their language, and the name it
carries only when it carries one — a personal title stores the word 个人 (what the tax
invoice prints), which finance's ``/invoices`` and the customer's "same as last time" must not
show again, nor untranslated on an English screen."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from conversations.flows import invoice
from conversations.results.invoices import InvoiceChoices, InvoiceLine, InvoicesListed
from domain.invoices import PERSONAL_TITLE, InvoiceStatus, TitleDefaults, own_name
from tests.unit.test_admin_screens import text as console_text
from tests.unit.test_flows import CTX
from tests.unit.test_invoice_flow import ORDERS, conv, pressed, run, text

AT = datetime(2026, 12, 7, 15, 13, tzinfo=UTC)  # 23:13 in Shanghai
COMPANY = "上海到家科技有限公司"
CJK = re.compile(r"[\u4e00-\u9fff]")


def line(id: int, kind: str, title: str) -> InvoiceLine:
    return InvoiceLine(
        id, 240100 + id, 15_000, InvoiceStatus.ISSUED, kind, title, "", "", AT, False
    )


LISTED = InvoicesListed(
    ("issued",),
    (line(1, "personal", PERSONAL_TITLE), line(2, "company", COMPANY)),
    (("issued", 2),),
)


def test_finance_sees_a_personal_title_once_in_chinese():
    rows = console_text(LISTED, "zh").splitlines()
    assert rows[1].startswith("1. #240101 ¥150.00 [已开票] 个人 12月7日 周一 23:13")
    assert rows[1].count("个人") == 1
    assert rows[2].startswith(f"2. #240102 ¥150.00 [已开票] 单位 {COMPANY} 12月7日 周一 23:13")


def test_finance_sees_a_personal_title_in_english_with_no_chinese_word():
    rows = console_text(LISTED, "en").splitlines()
    assert rows[1].startswith("1. #240101 ¥150.00 [issued] Personal Mon 7 Dec 23:13"), rows[1]
    assert not CJK.search(rows[1])
    assert f"[issued] Company {COMPANY} Mon 7 Dec 23:13" in rows[2]  # a name is the customer's own


@pytest.mark.parametrize(
    ("lang", "offered"),
    [("zh", "和上次一样:个人"), ("en", "Same as last time: Personal")],
)
def test_last_time_s_personal_title_is_offered_by_its_kind(lang, offered):
    c = conv(lang)
    invoice.enter(CTX, c)
    run(c, InvoiceChoices(ORDERS, TitleDefaults("personal", PERSONAL_TITLE, "", "a@b.cn")))
    out = text(pressed(c, "all"))
    assert offered in out
    assert lang == "zh" or not CJK.search(out)


def test_own_name_keeps_a_name_and_drops_the_stored_word():
    assert own_name("personal", PERSONAL_TITLE) == own_name("personal", "") == ""
    assert own_name("personal", "王芳") == "王芳"
    assert own_name("company", COMPANY) == COMPANY
