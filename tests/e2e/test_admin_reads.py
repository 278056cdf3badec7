"""Admin commands that show a person's phone or address (or a complaint's words and photos) are
written to the audit log like the ones that change things — who, role, when, what was read —
never with the values themselves; a role shown only masked details leaves no entry
(SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import random

from sqlmodel import select

from domain.aftersales import Complaint, ComplaintStatus
from domain.rules import ComplaintCategory
from store.tables import AuditRow
from tests.e2e.helpers import TelegramUser, book_and_pay, make_app, on_telegram, seed_worker
from webhooks.keys import DATABASE


def uid() -> int:
    return 9 * 10**9 + random.randrange(10**9)


async def reads(app, target: str) -> list[AuditRow]:
    async with app[DATABASE].uow() as uow:
        rows = await uow.session.exec(
            select(AuditRow).where(AuditRow.target == target).order_by(AuditRow.id)
        )
        return [r for r in rows.all() if r.action.startswith("view_")]


async def test_reading_phones_addresses_and_complaints_is_audited_without_the_values(
    aiohttp_client, tmp_path, db_url, pii_key, fake_telegram, clock
):
    staff = {role: uid() for role in ("owner", "ops", "finance", "support")}
    app = make_app(
        tmp_path,
        db_url,
        pii_key,
        clock=clock,
        **on_telegram(fake_telegram),
        admins=",".join(f"telegram:{u}:{role}" for role, u in staff.items()),
    )
    client = await aiohttp_client(app)

    def admin(role: str) -> TelegramUser:
        return TelegramUser(client, fake_telegram, staff[role])

    far = (30.2 + random.random(), 114.0)  # a home and a worker of this test alone
    worker = await seed_worker(app, channel="telegram", user_id=str(uid()), center=far)
    customer = TelegramUser(client, fake_telegram, uid())
    number = await book_and_pay(customer, home=far)
    phone = customer.phone
    await admin("ops").say(f"/assign #{number} {worker}")
    clock.advance(minutes=5)

    ops = admin("ops")
    await ops.say(f"/order #{number}")
    assert phone in ops.text() and "8楼801" in ops.text()
    finance = admin("finance")
    await finance.say(f"/order #{number}")  # masked phone, masked address: nothing read
    assert phone not in finance.text()
    support = admin("support")
    await support.say(f"/order #{number}")  # full phones, masked address
    assert phone in support.text() and "8楼801" not in support.text()

    entries = await reads(app, f"order:{number}")
    assert [(e.actor, e.role, e.action) for e in entries] == [
        (f"telegram:{staff['ops']}", "ops", "view_order"),
        (f"telegram:{staff['support']}", "support", "view_order"),
    ]
    assert entries[0].after == {"fields": ["phone", "address", "worker_phone"]}
    assert entries[1].after == {"fields": ["phone", "worker_phone"]}
    assert entries[0].at == clock.now

    await support.say(f"/worker {worker}")
    assert "13900000000" in support.text()
    [seen] = await reads(app, f"worker:{worker}")
    assert (seen.actor, seen.role, seen.after) == (
        f"telegram:{staff['support']}",
        "support",
        {"fields": ["phone"]},
    )

    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(number)
        complaint = await uow.complaints.add(
            Complaint(
                order.id,
                order.customer_id,
                ComplaintCategory.OTHER,
                clock.now,
                "请打 13800138000 联系我",
                ["complaints/a.jpg"],
                status=ComplaintStatus.RESOLVED,  # an open one would reach other tests' sweeps
                resolved_at=clock.now,
                resolution="rejected",
            )
        )
        await uow.complaints.save(complaint)  # add() files it open
        await uow.commit()
    await support.say(f"/complaint {complaint.id}")
    assert "请打" in support.text()
    *_, read = await reads(app, f"order:{number}")
    assert read.action == "view_complaint" and read.role == "support"
    assert read.after == {"complaint": complaint.id, "fields": ["text", "photos"]}

    for entry in [*await reads(app, f"order:{number}"), *await reads(app, f"worker:{worker}")]:
        stored = json.dumps([entry.before, entry.after], ensure_ascii=False)
        assert phone[:7] not in stored and "1390000" not in stored and "8楼801" not in stored

    owner = admin("owner")
    await owner.say(f"/audit #{number}")  # the order's trail says who looked, not what
    assert "查看联系方式" in owner.text() and "查看:客户电话/客户地址/师傅电话" in owner.text()
    assert "查看投诉内容" in owner.text() and phone not in owner.text()
