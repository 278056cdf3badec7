"""The message catalogs (i18n/): every msgid the code writes has its English and its
Chinese, the catalogs are those of the code as it is, the compiled ones those of the ``.po``
files, and a translation fills the same fields its msgid does."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

import i18n
from conversations.flows.base import trn
from conversations.services.notice_templates import counted_filter
from conversations.services.notices import tn
from conversations.state import Conversation
from domain.text import C_, N_, Bilingual, Lang, counting, translate

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = re.findall(r"-k (\S+)", (ROOT / "i18n" / "catalogs").read_text())
"""The extract keywords of ``i18n/catalogs`` (the one list of them)."""
FIELD = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z_0-9]*)")


def catalog(locale: str):
    with (i18n.LOCALE_DIR / locale / "LC_MESSAGES" / "daojia.po").open("rb") as f:
        return read_po(f, locale=locale)


def written(string: str | tuple[str, ...]) -> bool:
    """Whether a translation is written: each of its forms, for a message about a number."""
    return all(string) if isinstance(string, tuple) else bool(string)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> set[tuple[str | None, str | tuple[str, str]]]:
    """The messages ``pybabel extract`` finds in the product's code now, each its context
    (``C_``; None for most) and msgid."""
    pot = tmp_path_factory.mktemp("pot") / "daojia.pot"
    pybabel = Path(sys.executable).parent / "pybabel"
    subprocess.run(
        [str(pybabel), "-q", "extract", "-F", "i18n/babel.cfg",
         *(arg for keyword in KEYWORDS for arg in ("-k", keyword)), "--no-location", "-o",
         str(pot), "conversations", "bots", "webhooks", "scheduler", "domain", "store"],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    with pot.open("rb") as f:
        return {(m.context, m.id) for m in read_po(f) if m.id}


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_every_msgid_of_the_code_has_its_translation(locale, extracted):
    po = catalog(locale)
    known = {(m.context, m.id): m.string for m in po if m.id}
    missing = sorted(extracted - set(known))
    assert missing == [], f"not in {locale}: run `bash i18n/catalogs`"
    untranslated = sorted(str(k) for k in extracted if not written(known[k]))
    assert untranslated == [], f"no {locale} translation yet (i18n/locale/{locale})"
    fuzzy = sorted(m.id for m in po if m.id and m.fuzzy)
    assert fuzzy == [], "fuzzy translations are not shown: check them and drop the flag"


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_the_catalogs_hold_no_message_the_code_no_longer_writes(locale, extracted):
    stale = sorted(map(str, {(m.context, m.id) for m in catalog(locale) if m.id} - extracted))
    assert stale == [], "run `bash i18n/catalogs` (it drops them)"


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_a_translation_fills_the_fields_its_msgid_has(locale):
    for m in catalog(locale):
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        forms = m.string if isinstance(m.string, tuple) else (m.string,)
        fields = {name for msgid in ids for name in FIELD.findall(msgid)}
        for form in filter(None, forms):
            assert set(FIELD.findall(form)) <= fields, m.id


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_the_compiled_catalog_is_the_po_file(locale):
    shipped = (i18n.LOCALE_DIR / locale / "LC_MESSAGES" / "daojia.mo").read_bytes()
    compiled = io.BytesIO()
    write_mo(compiled, catalog(locale))
    assert shipped == compiled.getvalue(), "run `bash i18n/catalogs` (pybabel compile)"


def test_a_message_reads_in_each_language_with_its_fields_and_phrases():
    cancelled = N_("订单 #{number} 已提交,应付 {amount}。", number=7, amount="¥1.00")
    assert cancelled.get(Lang.ZH) == "订单 #7 已提交,应付 ¥1.00。"
    assert cancelled.get(Lang.EN) != cancelled.get(Lang.ZH)
    # a phrase given as a field is put in the reader's language too
    name = Bilingual("日常保洁", "Daily cleaning")
    line = translate("en", "套餐优惠:{name}", [("name", name)])
    assert "Daily cleaning" in line and "日常" not in line
    assert translate("zh", "套餐优惠:{name}", [("name", name)]) == "套餐优惠:日常保洁"


def test_a_message_in_a_context_reads_as_its_own_entry_says():
    """The button's 改约时间 is "Reschedule", the timeline's "rescheduled"; in Chinese both are
    the msgid, and a context no catalog has reads as its Chinese."""
    assert N_("改约时间").get(Lang.EN) == "Reschedule"
    assert C_("timeline", "改约时间").get(Lang.EN) == "rescheduled"
    assert C_("timeline", "改约时间").get(Lang.ZH) == str(C_("timeline", "改约时间")) == "改约时间"
    assert C_("没有这个语境", "改约时间").get(Lang.EN) == "改约时间"


def test_a_msgid_no_catalog_has_reads_as_its_chinese():
    assert i18n.gettext("en", "没有这条消息") == "没有这条消息"
    assert i18n.gettext("fr", "取消订单") == "取消订单"


def test_a_message_about_a_number_reads_in_the_form_its_language_uses_for_it():
    msgid = "验证码不对,订单没有提交。还可以再试 {left} 次。"
    english = [trn(Conversation(lang="en"), msgid, msgid, n, left=n) for n in (1, 2, 0)]
    assert english == [
        "That code is not right; the order was not placed. 1 try left.",
        "That code is not right; the order was not placed. 2 tries left.",
        "That code is not right; the order was not placed. 0 tries left.",
    ]
    assert trn(Conversation(lang="zh"), msgid, msgid, 1, left=1) == msgid.format(left=1)
    assert tn("en", msgid, msgid, 1, left=1) == english[0]
    later = counting(msgid, msgid, 1, left=1)
    assert later.get(Lang.EN) == english[0] and later.get(Lang.ZH) == msgid.format(left=1)
    # a message no catalog has: the msgid for one, msgid_plural for the rest
    assert tn("en", "没有 {n} 个", "没有 {n} 些", 2, n=2) == "没有 2 些"


def test_an_english_template_counts_with_the_noun_s_form():
    assert counted_filter(1, "visit", "visits") == "1 visit"
    assert counted_filter(3, "visit", "visits") == "3 visits"
