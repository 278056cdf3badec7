"""Invoices, pure: tax ids with their check character, email addresses, company names, the
amount an order may be invoiced for, the retry schedule, the sandbox's PDF, the SMTP URL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bots.invoicing import request_body
from bots.mail import parse_smtp_url
from bots.pdf import text_pdf
from domain.invoices import (
    USCC_ALPHABET,
    Covered,
    InvoiceRequest,
    InvoiceStatus,
    TitleKind,
    after_failure,
    invoiceable_cents,
    normalise_email,
    normalise_tax_id,
    normalise_title,
    still_owed,
    uscc_check,
)
from domain.orders import Order
from domain.rules import PaymentRules

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
VALID = "91350100M000100Y43"


def test_a_unified_code_needs_its_check_character():
    assert normalise_tax_id(VALID) == VALID
    assert normalise_tax_id(" 9135 0100m000100y43 ") == VALID  # spaces, lower case
    assert normalise_tax_id("９１３５０１００Ｍ０００１００Ｙ４３") == VALID  # full width
    assert normalise_tax_id(VALID[:17] + "4") is None  # a wrong check character
    assert normalise_tax_id(VALID[:17]) is None  # too short
    assert normalise_tax_id("91350100M000100I43") is None  # I is not in the alphabet


def test_legacy_taxpayer_numbers_of_15_and_20_characters_are_taken():
    assert normalise_tax_id("110108700000000") == "110108700000000"
    assert normalise_tax_id("11010819800101123X00") == "11010819800101123X00"
    assert normalise_tax_id("1101087000000") is None
    assert normalise_tax_id("公司税号") is None


@given(st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17))
def test_every_code_with_its_check_character_is_valid_and_any_other_last_is_not(first):
    good = first + uscc_check(first)
    assert normalise_tax_id(good) == good
    for wrong in USCC_ALPHABET:
        if wrong != good[-1]:
            assert normalise_tax_id(first + wrong) is None


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("a@example.com", "a@example.com"),
        ("  Li.Lei+inv@Example.COM ", "Li.Lei+inv@example.com"),
        ("li＠qq.com", "li@qq.com"),
        ("a@b", None),
        ("a@@b.com", None),
        ("a b@c.com", None),
        ("a..b@c.com", None),
        ("@c.com", None),
        ("a@c..com", None),
        ("", None),
    ],
)
def test_email_addresses(typed, kept):
    assert normalise_email(typed) == kept


def test_company_names():
    assert normalise_title("  上海  到家  科技有限公司 ") == "上海 到家 科技有限公司"
    assert normalise_title("x") is None
    assert normalise_title("x" * 101) is None


def _order(paid: int, refunded: int) -> Order:
    order = Order.__new__(Order)
    order.paid_cents, order.refunded_cents = paid, refunded
    return order


def test_the_amount_is_paid_minus_refunded():
    assert invoiceable_cents(_order(3_000, 0)) == 3_000
    assert invoiceable_cents(_order(3_000, 1_000)) == 2_000
    assert invoiceable_cents(_order(3_000, 3_000)) == 0
    assert invoiceable_cents(_order(0, 0)) == 0


def test_what_earlier_invoices_cover_is_not_invoiceable_again():
    assert invoiceable_cents(_order(10_000, 0), Covered(3_000, 1)) == 7_000  # the balance
    assert invoiceable_cents(_order(10_000, 0), Covered(10_000, 2)) == 0
    assert invoiceable_cents(_order(10_000, 2_000), Covered(10_000, 2)) == 0  # never below


def test_an_invoice_not_issued_yet_is_lowered_by_a_refund_never_raised_by_a_payment():
    invoice = _invoice()  # ¥30 asked for
    assert still_owed(invoice, _order(3_000, 0), Covered()) == 3_000
    assert still_owed(invoice, _order(10_000, 0), Covered()) == 3_000  # paid since: not its
    assert still_owed(invoice, _order(10_000, 0), Covered(7_000, 1)) == 3_000
    assert still_owed(invoice, _order(10_000, 2_000), Covered(7_000, 1)) == 1_000
    assert still_owed(invoice, _order(10_000, 4_000), Covered(7_000, 1)) == 0


def _invoice() -> InvoiceRequest:
    return InvoiceRequest(
        order_id=1,
        number=240117,
        customer_id=2,
        kind=TitleKind.COMPANY,
        title="上海到家科技有限公司",
        tax_id=VALID,
        email="a@example.com",
        amount_cents=3_000,
        item="日常保洁",
        created_at=NOW,
        next_attempt_at=NOW,
        status=InvoiceStatus.ISSUING,
        id=7,
    )


def test_a_failed_attempt_is_tried_again_later_then_given_up_to_finance():
    rules = PaymentRules(invoice_max_attempts=3, invoice_retry_base_s=60, invoice_retry_cap_s=90)
    invoice = _invoice()
    after_failure(invoice, "provider 503", NOW, rules)
    assert (invoice.status, invoice.attempts) == (InvoiceStatus.REQUESTED, 1)
    assert invoice.next_attempt_at == NOW + timedelta(seconds=60)
    after_failure(invoice, "provider 503", NOW, rules)
    assert invoice.next_attempt_at == NOW + timedelta(seconds=90)  # capped
    after_failure(invoice, "provider 503", NOW, rules)
    assert (invoice.status, invoice.note) == (InvoiceStatus.FAILED, "provider 503")


def test_the_provider_request_names_the_buyer_items_in_fen_and_the_idempotency_key():
    body = request_body(_invoice())
    assert body["request_id"] == "daojia-invoice-7"
    assert body["buyer"] == {
        "type": "company",
        "title": "上海到家科技有限公司",
        "tax_id": VALID,
        "email": "a@example.com",
    }
    assert body["items"] == [{"name": "日常保洁", "amount_fen": 3_000}]
    assert body["total_fen"] == 3_000


def test_the_sandbox_pdf_is_a_pdf_whose_cross_references_point_at_its_objects():
    pdf = text_pdf(["Invoice no. SANDBOX00000007", "Order #240117 (paid)"])
    assert pdf.startswith(b"%PDF-1.4") and pdf.rstrip().endswith(b"%%EOF")
    start = int(pdf.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    assert pdf[start:].startswith(b"xref")
    offsets = [int(line[:10]) for line in pdf[start:].split(b"\n")[3:8]]
    for n, offset in enumerate(offsets, 1):
        assert pdf[offset:].startswith(b"%d 0 obj" % n)
    assert b"\\(paid\\)" in pdf


def test_smtp_urls():
    s = parse_smtp_url("smtps://inv%40x.com:p%3Ass@mail.example.com")
    assert (s.host, s.port, s.tls, s.user, s.password) == (
        "mail.example.com",
        465,
        True,
        "inv@x.com",
        "p:ss",
    )
    assert parse_smtp_url("smtp://127.0.0.1:2525").port == 2525
    with pytest.raises(ValueError):
        parse_smtp_url("http://mail.example.com")
