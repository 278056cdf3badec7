"""The note that a person wrote (``last_inbound_at``: WeChat's 48-hour window, an account no
longer unreachable) is the turn's last write, without a SAVEPOINT: when it fails the turn
keeps nothing and is answered with an error, and the platform's resend does the whole turn,
the note too — the engine remembers a note only once its turn committed."""

from __future__ import annotations

from sqlalchemy.exc import OperationalError
from sqlmodel import select

from store import marketing_repo
from store.tables import IdentityRow
from tests.e2e.helpers import TelegramUser, telegram_app
from tests.fakes.telegram import message_update
from webhooks.keys import DATABASE


async def identities(app, uid: int) -> list[IdentityRow]:
    async with app[DATABASE].uow() as uow:
        query = select(IdentityRow).where(IdentityRow.channel_user_id == str(uid))
        return list((await uow.session.exec(query)).all())


async def test_a_failed_note_keeps_nothing_and_the_resend_notes_it(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock, monkeypatch
):
    app, client = await telegram_app(
        aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock=clock
    )
    user = TelegramUser(client, fake_telegram, 700_001)
    note = marketing_repo.MarketingRepository.note_inbound
    calls: list[int] = []

    async def locked_once(self, *args, **kwargs):  # the database refuses the first note
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("UPDATE identities", {}, Exception("database is locked"))
        return await note(self, *args, **kwargs)

    monkeypatch.setattr(marketing_repo.MarketingRepository, "note_inbound", locked_once)
    start = message_update(user.uid, "/start", lang=user.lang)
    assert await user.post(start) != 200
    assert await identities(app, user.uid) == []  # the sign-up went with the note
    assert await user.post(start) == 200  # Telegram sends it again
    [identity] = await identities(app, user.uid)
    assert identity.last_inbound_at == clock() and len(calls) == 2
