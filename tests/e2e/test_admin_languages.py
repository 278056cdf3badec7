"""An admin's notices come in the language that admin chats in: an admin added in chat keeps
it in the admins table (every process, every restart), one of ``DAOJIA_ADMINS`` as this
process heard them."""

from conversations.services.staff import AdminDirectory
from tests.e2e.helpers import TelegramUser
from tests.e2e.test_admin_commands import STAFF, staff, tg  # noqa: F401 - the fixture
from webhooks.keys import CLOCK, DATABASE

ADDED = 793_101


def texts(fake, chat: int) -> list[str]:
    return [m.get("text", "") for m in fake.sent(chat)]


async def test_an_admin_who_chats_in_english_gets_the_owners_alerts_in_english(
    tg,  # noqa: F811
    fake_telegram,
):
    app, client = tg
    await staff(client, fake_telegram, "owner").say(f"/admin add telegram:{ADDED} ops")
    added = TelegramUser(client, fake_telegram, ADDED, lang="en")
    await added.say("/start")
    configured = TelegramUser(client, fake_telegram, STAFF["ops"], lang="en")
    await configured.say("/start")
    async with app[DATABASE].uow() as uow:
        assert (await uow.admins.get("telegram", str(ADDED))).lang == "en"
    # another process (or this one after a restart) reads it with the admins
    elsewhere = AdminDirectory(uow=app[DATABASE].uow, clock=app[CLOCK])
    assert await elsewhere.role("telegram", str(ADDED)) == "ops"
    assert elsewhere.lang_of("telegram", str(ADDED)) == "en"

    customer = TelegramUser(client, fake_telegram, 793_102)
    await customer.say("/start")
    await customer.say("/sos")
    for english in (ADDED, STAFF["ops"]):
        alerts = [t for t in texts(fake_telegram, english) if "🆘" in t]
        assert len(alerts) == 1 and "EMERGENCY" in alerts[0] and "紧急" not in alerts[0]
    alerts = [t for t in texts(fake_telegram, STAFF["owner"]) if "🆘" in t]
    assert len(alerts) == 1 and "紧急求助" in alerts[0]  # the owner chats in Chinese

    await added.say("/lang")  # back to Chinese: the next alert is in Chinese
    async with app[DATABASE].uow() as uow:
        assert (await uow.admins.get("telegram", str(ADDED))).lang == "zh"
    await customer.say("/sos")
    alerts = [t for t in texts(fake_telegram, ADDED) if "🆘" in t]
    assert len(alerts) == 2 and "紧急求助" in alerts[-1]
