"""The note that a person wrote (``last_inbound_at``: WeChat's 48-hour window, an account no
longer unreachable) is the turn's last write, without a SAVEPOINT: when the database refuses
it the turn keeps nothing and is answered with an error, and the platform's resend does the
whole turn, the note too — the engine remembers a note only once its turn committed."""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import select

from store.db import is_sqlite
from store.tables import IdentityRow
from tests.e2e.helpers import TelegramUser, telegram_app
from tests.fakes.telegram import callback_update
from webhooks.keys import DATABASE

REFUSE = {  # the database itself refuses to note a message (a trigger of this test's database)
    "sqlite": [
        "CREATE TRIGGER refuse_note BEFORE UPDATE OF last_inbound_at ON identities "
        "BEGIN SELECT RAISE(ABORT, 'refused'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION refuse_note() RETURNS trigger LANGUAGE plpgsql AS "
        "'BEGIN RAISE EXCEPTION ''refused''; END'",
        "CREATE TRIGGER refuse_note BEFORE UPDATE OF last_inbound_at ON identities "
        "FOR EACH ROW EXECUTE FUNCTION refuse_note()",
    ],
}


async def run(app, statements: list[str]) -> None:
    async with app[DATABASE].uow() as uow:
        for statement in statements:
            await uow.session.exec(text(statement))
        await uow.commit()


async def noted_at(app, uid: int):
    async with app[DATABASE].uow() as uow:
        query = select(IdentityRow).where(IdentityRow.channel_user_id == str(uid))
        [identity] = (await uow.session.exec(query)).all()
        return identity.last_inbound_at


async def test_a_refused_note_keeps_nothing_and_the_resend_notes_it(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock
):
    app, client = await telegram_app(
        aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock=clock
    )
    user = TelegramUser(client, fake_telegram, 700_001)
    await user.say("/start")  # signed up: the account noted in its INSERT
    signed_up = await noted_at(app, user.uid)
    menu = user.last[-1]["message_id"]
    clock.advance(minutes=11)  # the next message is noted again (engine.NOTE_EVERY)
    sqlite = is_sqlite(own_db_url)
    await run(app, REFUSE["sqlite" if sqlite else "postgresql"])
    press = callback_update(user.uid, "book", menu)
    assert await user.post(press) == 500
    assert await noted_at(app, user.uid) == signed_up  # nothing of the turn kept
    drop = ["DROP TRIGGER refuse_note"] if sqlite else ["DROP TRIGGER refuse_note ON identities"]
    await run(app, drop)
    assert await user.post(press) == 200  # Telegram sends it again
    assert "请选择服务类别" in user.text()  # the whole turn, this time
    assert await noted_at(app, user.uid) == clock() > signed_up
