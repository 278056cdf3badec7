"""One bank card is one worker's payout account: a card another worker is paid to is refused
(saying nothing of who holds it) and the number asked again; the card is free once its holder
changes to another; a unique index on its keyed hash refuses the second of two registrations
at once; and the accounts saved before cards were hashed get their hash at start. On SQLite
and PostgreSQL."""

from __future__ import annotations

import asyncio
import re

from sqlalchemy import text

from conversations.events import Failed
from conversations.results.workers import PayoutAccountSaved
from conversations.services.payouts import CARD_TAKEN
from domain.commands import SavePayoutAccount
from domain.payouts import PayoutAccount, PayoutKind, holder_mismatch
from store import migrate
from store.crypto import decode_key
from store.payouts_repo import PayoutAccountRepository
from tests.e2e.helpers import HOME, TelegramUser, seed_worker
from tests.e2e.test_payouts import CARD, add_card, shop  # noqa: F401 (a fixture)
from webhooks.keys import DATABASE, SERVICES

OTHER_CARD = "6214830100000000005"


async def account(app, worker_id: int) -> PayoutAccount | None:
    async with app[DATABASE].uow() as uow:
        return await uow.payout_accounts.get(worker_id)


async def test_a_card_another_worker_is_paid_to_is_refused(shop, fake_telegram):  # noqa: F811
    app, client = shop
    first = await seed_worker(app, channel="telegram", user_id="712001", center=HOME, name="张三")
    second = await seed_worker(app, channel="telegram", user_id="712002", center=HOME, name="李四")
    third = await seed_worker(
        app, channel="telegram", user_id="712003", center=HOME, name="Wang Wu"
    )
    holder = TelegramUser(client, fake_telegram, 712001)
    await add_card(holder, "张三", CARD)
    assert "收款账户已添加:招商银行 尾号 5576" in holder.text()

    other = TelegramUser(client, fake_telegram, 712002)
    await add_card(other, "李四", "6225 8801 3700 5576")  # the same card, typed with spaces
    said = other.text()
    assert "这张银行卡已是其他师傅的收款账户,不能再添加。" in said
    assert "张三" not in said and "5576" not in said and not re.search(rf"\b{first}\b", said)
    assert "银行卡号" in said  # asked for the number again
    assert await account(app, second) is None
    await other.say(OTHER_CARD)
    assert "收款账户已添加:招商银行 尾号 0005" in other.text()

    english = TelegramUser(client, fake_telegram, 712003, lang="en")
    await english.say("English")
    await english.say("/payout_account")
    await english.choose("Bank card")
    await english.say("Wang Wu")
    await english.choose("China Merchants Bank")
    await english.say(CARD)
    said = english.text()
    assert "This bank card is already another worker's payout account" in said, said
    assert not re.search(r"[\u4e00-\u9fff]", said), said
    assert await account(app, third) is None

    await add_card(holder, "张三", CARD)  # their own card again: kept
    assert "收款账户已更换为:招商银行 尾号 5576" in holder.text()
    await add_card(holder, "张三", "6212260200000000014")  # changed: the card is free again
    assert "收款账户已更换为:招商银行 尾号 0014" in holder.text()
    await add_card(other, "李四", CARD)
    assert "收款账户已更换为:招商银行 尾号 5576" in other.text()
    saved = await account(app, second)
    assert saved is not None and saved.number == CARD and saved.holder == "李四"


async def test_two_registrations_of_one_card_at_once_save_one(shop, monkeypatch):  # noqa: F811
    """The look-up passes for both (neither saved yet): the unique index refuses the second."""
    app, _ = shop
    ids = [  # two workers of one name, each adding the same card in it
        await seed_worker(app, channel="telegram", user_id=f"71210{i}", center=HOME, name="张三")
        for i in range(2)
    ]

    async def nobody(self, account):
        return False

    monkeypatch.setattr(PayoutAccountRepository, "card_held_by_another", nobody)
    commands = [
        SavePayoutAccount(w, PayoutKind.BANK.value, holder="张三", bank="cmb", number=CARD)
        for w in ids
    ]
    results = [r for [r] in await asyncio.gather(*(app[SERVICES].run(c) for c in commands))]
    assert sorted(type(r).__name__ for r in results) == ["Failed", "PayoutAccountSaved"]
    [refused] = [r for r in results if isinstance(r, Failed)]
    assert refused.message == CARD_TAKEN
    [saved] = [r for r in results if isinstance(r, PayoutAccountSaved)]
    assert saved.masked.get("zh") == "招商银行 尾号 5576"
    held = [await account(app, w) for w in ids]
    assert sum(a is not None for a in held) == 1


async def test_accounts_saved_before_cards_were_hashed_get_their_hash_at_start(
    shop,  # noqa: F811
    own_db_url,
    pii_key,
    clock,
):
    app, _ = shop
    ids = [
        await seed_worker(app, channel="telegram", user_id=f"71220{i}", center=HOME)
        for i in range(3)
    ]
    async with app[DATABASE].uow() as uow:
        for w, card in zip(ids, (CARD, OTHER_CARD, "6212260200000000014"), strict=True):
            saved = PayoutAccount(w, PayoutKind.BANK, card, "张三", "cmb")
            assert await uow.payout_accounts.put(saved, clock.now)
        # as before migration 0030: no hashes, and the third worker's card is the first's
        await uow.session.exec(text("UPDATE payout_accounts SET number_hash = ''"))  # type: ignore[call-overload]
        await uow.session.exec(  # type: ignore[call-overload]
            text(
                "UPDATE payout_accounts SET number_enc = "
                "(SELECT number_enc FROM payout_accounts WHERE worker_id = :first) "
                "WHERE worker_id = :third"
            ),
            params={"first": ids[0], "third": ids[2]},
        )
        await uow.commit()

    newcomer = await seed_worker(app, channel="telegram", user_id="712210", center=HOME)
    clashes = await migrate.hash_card_numbers(own_db_url, decode_key(pii_key))
    assert clashes == [(ids[2], ids[0])]
    assert await migrate.hash_card_numbers(own_db_url, decode_key(pii_key)) == [
        (ids[2], ids[0])
    ]  # run at every start: the clash is said again, the rest left as they are
    async with app[DATABASE].uow() as uow:
        hashes = dict(
            (
                await uow.session.exec(  # type: ignore[call-overload]
                    text("SELECT worker_id, number_hash FROM payout_accounts")
                )
            ).all()
        )
        assert hashes[ids[0]] and hashes[ids[1]] and hashes[ids[0]] != hashes[ids[1]]
        assert hashes[ids[2]] == ""
        again = PayoutAccount(newcomer, PayoutKind.BANK, CARD, "王五", "cmb")
        assert await uow.payout_accounts.card_held_by_another(again)


async def test_a_card_in_someone_else_s_name_is_refused(shop, fake_telegram):  # noqa: F811
    """The holder must be the worker's registered name: refused as soon as it is typed (in
    chat), and by the service whatever asks it (a command straight to it); the own name, typed
    with other spaces or case, goes on."""
    app, client = shop
    worker_id = await seed_worker(
        app, channel="telegram", user_id="712301", center=HOME, name="张三"
    )
    worker = TelegramUser(client, fake_telegram, 712301)
    await worker.say("收款账户")
    await worker.choose("银行卡")
    assert "您注册的姓名:张三" in worker.text(), worker.text()
    await worker.say("李四")
    said = worker.text()
    assert "开户人姓名须与您注册的姓名「张三」一致" in said, said
    assert "招商银行" not in said  # the holder asked again, not the bank
    await worker.say("张 三")
    await worker.choose("招商银行")
    await worker.say(CARD)
    assert "收款账户已添加:招商银行 尾号 5576" in worker.text()
    saved = await account(app, worker_id)
    assert saved is not None and saved.holder == "张 三"

    [refused] = await app[SERVICES].run(
        SavePayoutAccount(
            worker_id, PayoutKind.BANK.value, holder="李四", bank="cmb", number=OTHER_CARD
        )
    )
    assert isinstance(refused, Failed) and refused.message == holder_mismatch("张三")
    assert (await account(app, worker_id)) == saved  # unchanged

    english_id = await seed_worker(
        app, channel="telegram", user_id="712302", center=HOME, name="Li Na"
    )
    english = TelegramUser(client, fake_telegram, 712302, lang="en")
    await english.say("English")
    await english.say("/payout_account")
    await english.choose("Bank card")
    await english.say("Wang Wu")
    said = english.text()
    assert 'The account holder must be the name you registered with, "Li Na"' in said, said
    await english.say("LI NA")
    await english.choose("China Merchants Bank")
    await english.say(OTHER_CARD)
    assert "0005" in english.text()
    saved = await account(app, english_id)
    assert saved is not None and saved.holder == "LI NA"
