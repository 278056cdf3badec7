"""Electronic invoices (发票) end to end, on SQLite and PostgreSQL: a Telegram customer asks
for a company invoice in chat (a wrong tax id or email is refused and changes nothing), the
sweep sends it to a fake provider on loopback — down at first, so it is tried again later and
nothing is lost — and the PDF link arrives in chat and by email at a fake SMTP server; a second
request for an order whose payment is all invoiced is refused, naming what was invoiced;
finance sees the states, retries a failed one, and is told when an invoiced order is refunded.
On WeChat the sandbox issues at once and serves a real PDF; an invoice held by a process that
stopped is issued after its lease."""

from __future__ import annotations

import asyncio
import re
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import text

from conversations.events import Failed
from conversations.results.sweeps import InvoicesIssued
from domain.commands import DrainOutbox, ExecuteRefunds, IssueInvoices, RequestInvoice
from domain.invoices import InvoiceStatus
from domain.people import Channel
from tests.e2e.helpers import (
    RULES,
    TelegramUser,
    WeChatUser,
    book_and_pay,
    make_app,
    on_telegram,
    on_wechat,
)
from tests.e2e.test_wechat import book_on_wechat
from tests.fakes.invoicing import KEY, FakeInvoiceProvider
from tests.fakes.smtp import FakeSmtp
from tests.fakes.wechat import WeChatServer
from webhooks.dashboard_view import build
from webhooks.keys import CATALOG, CLOCK, DATABASE, SERVICES
from webhooks.keys import RULES as APP_RULES

FINANCE = 650009
TAX_ID = "91350100M000100Y43"
COMPANY = "上海到家科技有限公司"


@pytest.fixture
async def provider():
    fake = FakeInvoiceProvider()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
async def smtp():
    fake = FakeSmtp()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
async def shop(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock, provider, smtp
):
    rules = replace(RULES, payments=replace(RULES.payments, invoice_max_attempts=3))
    app = make_app(
        tmp_path,
        own_db_url,
        pii_key,
        clock=clock,
        rules=rules,
        **on_telegram(fake_telegram),
        admins=f"telegram:{FINANCE}:finance",
        invoice_api_base=provider.base_url,
        invoice_key=KEY,
        smtp_url=smtp.url,
        mail_from="到家 <invoice@daojia.example>",
    )
    return app, await aiohttp_client(app)


def issued_told(fake_telegram, uid: int) -> list[str]:
    return [m["text"] for m in fake_telegram.sent(uid) if "电子发票已开具" in m.get("text", "")]


async def sweep(app) -> InvoicesIssued:
    [done] = await app[SERVICES].run(IssueInvoices())
    assert isinstance(done, InvoicesIssued)
    return done


async def invoice_row(app, number: int):
    async with app[DATABASE].uow() as uow:
        conn = await uow.session.connection()
        return (
            await conn.execute(
                text(
                    "SELECT id, status, attempts, tax_id_enc, email_enc FROM invoices"
                    " WHERE number = :n"
                ),
                {"n": number},
            )
        ).first()


async def ask_company_invoice(customer: TelegramUser, number: int, email: str) -> None:
    await customer.say("发票")
    assert f"#{number}" in customer.text() and "¥30.00" in customer.text()
    await customer.choose(f"#{number}")
    assert "个人还是单位" in customer.text()
    await customer.choose("单位")
    await customer.say(COMPANY)
    assert "税号" in customer.text()
    await customer.say(TAX_ID[:17] + "4")  # a wrong check character
    assert "税号不对" in customer.text() and "统一社会信用代码" in customer.text()
    await customer.say(TAX_ID.lower())
    assert "邮箱" in customer.text()
    await customer.say("li@")
    assert "邮箱地址格式不对" in customer.text()
    await customer.say(email)
    summary = customer.text()
    assert f"#{number}" in summary and COMPANY in summary and TAX_ID in summary
    assert email in summary and "¥30.00" in summary
    await customer.choose("确认开票")
    assert "已提交开票申请" in customer.text()


async def test_a_company_invoice_is_retried_until_issued_and_arrives_in_chat_and_by_email(
    shop, fake_telegram, clock, provider, smtp
):
    app, client = shop
    customer = TelegramUser(client, fake_telegram, 650101)
    number = await book_and_pay(customer)  # ¥30 paid
    email = "finance.li@example.com"
    await ask_company_invoice(customer, number, email)

    row = await invoice_row(app, number)
    assert row.status == "requested"
    assert TAX_ID.encode() not in bytes(row.tax_id_enc)  # personal data, encrypted
    assert email.encode() not in bytes(row.email_enc)

    provider.down = True
    assert await sweep(app) == InvoicesIssued(0, 1, 0)
    row = await invoice_row(app, number)
    assert (row.status, row.attempts) == ("requested", 1)
    assert not [
        m for m in fake_telegram.sent(customer.uid) if "电子发票已开具" in m.get("text", "")
    ]
    assert await sweep(app) == InvoicesIssued(0, 0, 0)  # not due yet

    provider.down = False
    clock.advance(minutes=2)
    assert await sweep(app) == InvoicesIssued(1, 0, 0)
    [body] = provider.requests
    assert body["buyer"] == {"type": "company", "title": COMPANY, "tax_id": TAX_ID, "email": email}
    assert body["total_fen"] == 3_000 and body["order"] == str(number)
    issued = provider.issued[body["request_id"]]
    [notice] = [
        m for m in fake_telegram.sent(customer.uid) if "电子发票已开具" in m.get("text", "")
    ]
    told = notice["text"]
    assert f"#{number}" in told and issued["invoice_no"] in told and "http" not in told
    buttons = [b for row in notice["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons == [{"text": "查看发票", "url": issued["pdf_url"]}]  # a link, not a bare URL
    [mail] = smtp.to(email)
    assert f"#{number}" in mail["Subject"] and "invoice@daojia.example" in mail["From"]
    assert issued["pdf_url"] in mail.get_content()
    assert await sweep(app) == InvoicesIssued(0, 0, 0)  # once

    # all it paid is invoiced: the order is offered no more, and a request is refused,
    # naming what its invoice covers
    await customer.say("/invoice")
    assert "没有可以开发票的金额" in customer.text()
    assert f"订单 #{number}:已申请发票 1 张,共 ¥30.00" in customer.text()
    me = (await invoice_row(app, number)).id
    async with app[DATABASE].uow() as uow:
        owner = (await uow.customers.by_identity(Channel.TELEGRAM, str(customer.uid))).id
    again = RequestInvoice(owner, (number,), "personal", "个人", "", email)
    [refused] = await app[SERVICES].run(again)
    assert isinstance(refused, Failed)
    assert refused.message.get("zh") == (
        f"订单 #{number} 已付 ¥30.00 已全部申请过发票(1 张,共 ¥30.00),"
        "目前没有新的可开票金额;之后再付的款可以再申请。"
    )
    await customer.say("/orders")
    await customer.choose(f"#{number}")
    await customer.choose("开发票")
    assert f"订单 #{number} 已付 ¥30.00 已全部申请过发票(1 张" in customer.text()

    # finance sees it issued; a refund after issuing is flagged to them once
    finance = TelegramUser(client, fake_telegram, FINANCE)
    await finance.say("/invoices")
    assert f"{me}. #{number} ¥30.00 [已开票]" in finance.text() and "已开票 1" in finance.text()
    await finance.say(f"/refund #{number} 10")
    await app[SERVICES].run(ExecuteRefunds())
    assert await sweep(app) == InvoicesIssued(0, 0, 1)
    assert await sweep(app) == InvoicesIssued(0, 0, 0)
    assert any("红字发票" in m.get("text", "") for m in fake_telegram.sent(FINANCE))
    await finance.say("/invoices issued")
    assert "需红冲" in finance.text()
    view = await build(app[DATABASE], app[CATALOG], app[APP_RULES], "finance", clock(), "zh")
    tiles = {i["key"]: (i["label"], i["count"]) for i in view.figures["settlement"]["invoices"]}
    assert tiles["issued"] == ("已开票", 1) and tiles["failed"] == ("开票失败", 0)


async def test_a_failed_invoice_is_shown_to_finance_and_retried(
    shop, fake_telegram, clock, provider, smtp
):
    app, client = shop
    customer = TelegramUser(client, fake_telegram, 650201)
    number = await book_and_pay(customer)
    await ask_company_invoice(customer, number, "wang@example.com")
    provider.down = True
    for _ in range(3):  # the rules here: 3 attempts
        await sweep(app)
        clock.advance(hours=2)
    row = await invoice_row(app, number)
    assert (row.status, row.attempts) == ("failed", 3)
    assert any(
        f"订单 #{number}" in m.get("text", "") and "开具失败" in m.get("text", "")
        for m in fake_telegram.sent(FINANCE)
    )
    [told] = [
        m["text"] for m in fake_telegram.sent(customer.uid) if "没能开具" in m.get("text", "")
    ]
    assert f"订单 #{number} 的电子发票(¥30.00)暂时没能开具" in told  # the customer is told once
    finance = TelegramUser(client, fake_telegram, FINANCE)
    await finance.say("/invoices failed")
    assert f"#{number}" in finance.text() and "provider 503" in finance.text()
    await finance.say("/invoices retry")
    assert "用法" in finance.text()
    customer_admin = TelegramUser(client, fake_telegram, 650202)
    await customer_admin.say("/invoices")
    assert "不认识的指令" in customer_admin.text()  # a customer has no such command
    await finance.say(f"/invoices retry {row.id}")
    assert "将重新开具" in finance.text()
    provider.down = False
    assert await sweep(app) == InvoicesIssued(1, 0, 0)
    assert len(smtp.to("wang@example.com")) == 1


@pytest.fixture
async def wechat_shop(aiohttp_client, tmp_path, own_db_url, pii_key, fake_wechat, clock):
    app = make_app(tmp_path, own_db_url, pii_key, clock=clock, **on_wechat(fake_wechat))
    return app, await aiohttp_client(app)


async def test_on_wechat_the_sandbox_issues_with_a_pdf_and_a_held_invoice_waits_its_lease(
    wechat_shop, fake_wechat, clock
):
    app, client = wechat_shop
    user = WeChatUser(client, fake_wechat, "o-invoice-1", WeChatServer(clock=app[CLOCK]))
    await book_on_wechat(user)
    number = int(re.findall(r"#(\d{6,8})", "\n".join(fake_wechat.texts()) + user.last_text)[-1])

    await user.say("开发票")
    assert f"#{number}" in user.last_text and "¥80.00" in user.last_text
    await user.say(str(number))
    await user.choose("个人")
    await user.say("someone")
    assert "邮箱地址格式不对" in user.last_text
    await user.say("zhang@example.com")
    await user.say("返回")  # back to the email, nothing kept from the summary
    assert "邮箱" in user.last_text
    await user.say("zhang.san@example.com")
    assert "zhang.san@example.com" in user.last_text
    await user.choose("确认开票")
    assert "已提交开票申请" in user.last_text

    # a process took it and stopped: it is held until its lease ends, then issued once
    now = clock()
    async with app[DATABASE].uow() as uow:
        [held] = await uow.invoices.claim(now, now + timedelta(seconds=120), 10)
        await uow.commit()
    assert held.status == InvoiceStatus.ISSUING and held.number == number
    assert await sweep(app) == InvoicesIssued(0, 0, 0)
    clock.advance(seconds=121)
    assert await sweep(app) == InvoicesIssued(1, 0, 0)

    [told] = [t for t in fake_wechat.texts(user.openid) if "电子发票已开具" in t]
    link = re.search(
        r'<a href="(http://127\.0\.0\.1:8080/invoices/sandbox/[^"]+\.pdf)">查看发票</a>', told
    )
    url = link.group(1)
    assert not re.search(r"(^|\s)https?://", told)  # no URL outside the link
    resp = await client.get(url.removeprefix("http://127.0.0.1:8080"))
    assert resp.status == 200 and resp.content_type == "application/pdf"
    pdf = await resp.read()
    assert pdf.startswith(b"%PDF-") and f"#{number}".encode() in pdf
    forged = url.rsplit("/", 1)[0][:-1] + "0/" + url.rsplit("/", 1)[1]
    assert (await client.get(forged.removeprefix("http://127.0.0.1:8080"))).status == 404

    # the second time, last time's title and email are offered
    await user.say("发票")
    assert "没有可以开发票的金额" in user.last_text


async def test_a_refund_before_issuing_lowers_the_amount_and_a_full_one_stops_the_invoice(
    shop, fake_telegram, clock, provider, smtp
):
    app, client = shop
    finance = TelegramUser(client, fake_telegram, FINANCE)
    customer = TelegramUser(client, fake_telegram, 650301)
    first = await book_and_pay(customer)
    await ask_company_invoice(customer, first, "zhao@example.com")
    await finance.say(f"/refund #{first} 10")
    await app[SERVICES].run(ExecuteRefunds())
    assert await sweep(app) == InvoicesIssued(1, 0, 0)
    [body] = provider.requests
    assert body["total_fen"] == 2_000 and body["items"][0]["amount_fen"] == 2_000
    assert "¥20.00" in smtp.to("zhao@example.com")[0].get_content()

    other = TelegramUser(client, fake_telegram, 650302)
    second = await book_and_pay(other)
    await ask_company_invoice(other, second, "qian@example.com")
    await finance.say(f"/refund #{second} 30")
    await app[SERVICES].run(ExecuteRefunds())
    assert await sweep(app) == InvoicesIssued(0, 1, 0)
    assert len(provider.requests) == 1  # never asked
    row = await invoice_row(app, second)
    assert row.status == "failed"
    told = [m.get("text", "") for m in fake_telegram.sent(other.uid)]
    assert any(f"订单 #{second} 的开票申请(¥30.00)没有开具:这笔钱已经退款" in t for t in told)
    admin = [m.get("text", "") for m in fake_telegram.sent(FINANCE)]
    assert any(f"订单 #{second}" in t and "开票前订单已全额退款" in t for t in admin)
    assert not any("多次" in t or "refunded" in t for t in admin)
    await finance.say("/invoices failed")
    assert f"#{second}" in finance.text() and "(未开具:开票前订单已全额退款)" in finance.text()
    assert "refunded" not in finance.text()


async def test_an_email_the_mail_server_refused_is_sent_later_by_the_outbox(
    shop, fake_telegram, clock, provider, smtp
):
    app, client = shop
    customer = TelegramUser(client, fake_telegram, 650401)
    number = await book_and_pay(customer)
    await ask_company_invoice(customer, number, "sun@example.com")
    smtp.down = True
    assert await sweep(app) == InvoicesIssued(1, 0, 0)
    assert any("电子发票已开具" in m.get("text", "") for m in fake_telegram.sent(customer.uid))
    assert smtp.to("sun@example.com") == [] and smtp.sessions >= 1
    smtp.down = False
    clock.advance(minutes=5)
    await app[SERVICES].run(DrainOutbox())
    [mail] = smtp.to("sun@example.com")
    assert f"#{number}" in mail["Subject"]
    await app[SERVICES].run(DrainOutbox())
    assert len(smtp.to("sun@example.com")) == 1  # once


@pytest.mark.parametrize("own_db_url", ["postgres"], indirect=True)
async def test_two_processes_sweeping_at_once_issue_each_invoice_once(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock, provider, smtp
):
    def process(name: str):
        return make_app(
            tmp_path / name,
            own_db_url,
            pii_key,
            clock=clock,
            **on_telegram(fake_telegram),
            invoice_api_base=provider.base_url,
            invoice_key=KEY,
            smtp_url=smtp.url,
            mail_from="invoice@daojia.example",
        )

    one, two = process("one"), process("two")
    client = await aiohttp_client(one)
    await aiohttp_client(two)
    customers = [TelegramUser(client, fake_telegram, 650500 + i) for i in range(4)]
    for i, customer in enumerate(customers):
        number = await book_and_pay(customer)
        await ask_company_invoice(customer, number, f"race{i}@example.com")
    provider.delay_s = 0.05
    done = await asyncio.gather(sweep(one), sweep(two), sweep(one), sweep(two))
    assert sum(d.issued for d in done) == 4 and sum(d.failed for d in done) == 0
    assert len(provider.requests) == 4 == len({r["request_id"] for r in provider.requests})
    for i, customer in enumerate(customers):
        told = [
            m for m in fake_telegram.sent(customer.uid) if "电子发票已开具" in m.get("text", "")
        ]
        assert len(told) == 1 and len(smtp.to(f"race{i}@example.com")) == 1
