"""An admin's notices come in the language that admin chats in, kept in the admins table
(every process, every restart): an admin added in chat in their row, one of ``DAOJIA_ADMINS``
(or the demo's admin pane) in a row of their own that grants nothing."""

from conversations.services.staff import AdminDirectory
from tests.e2e.helpers import TelegramUser, telegram_app
from tests.e2e.test_admin_commands import STAFF, staff, tg  # noqa: F401 - the fixture
from webhooks.keys import CLOCK, DATABASE, SERVICES

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


ENV_OWNER, ENV_OPS = 793_201, 793_202


async def test_an_admin_of_daojia_admins_keeps_english_in_another_process_and_after_a_restart(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock
):
    admins = f"telegram:{ENV_OWNER}:owner,telegram:{ENV_OPS}:ops"
    _, client = await telegram_app(
        aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock, admins=admins
    )
    ops = TelegramUser(client, fake_telegram, ENV_OPS)
    await ops.say("/start")
    await ops.say("/lang")  # English from now on
    assert "紧急" not in ops.text()

    # another process on the same database (or this one restarted): the ops admin never
    # spoke to it, yet their alert is in English; the owner, who chose nothing, in Chinese
    app, client = await telegram_app(
        aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock, admins=admins
    )
    async with app[DATABASE].uow() as uow:
        row = await uow.admins.get("telegram", str(ENV_OPS))
        assert row is not None and (row.role, row.lang) == ("", "en")  # grants nothing
        assert [g.key for g in await uow.admins.all()] == []  # /admin list shows no row
    customer = TelegramUser(client, fake_telegram, 793_203)
    await customer.say("/start")
    await customer.say("/sos")
    alerts = [t for t in texts(fake_telegram, ENV_OPS) if "🆘" in t]
    assert len(alerts) == 1 and "EMERGENCY" in alerts[0] and "紧急" not in alerts[0]
    alerts = [t for t in texts(fake_telegram, ENV_OWNER) if "🆘" in t]
    assert len(alerts) == 1 and "紧急求助" in alerts[0]


async def test_an_admin_dropped_from_daojia_admins_is_no_admin_though_their_language_row_stays(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock
):
    _, client = await telegram_app(
        aiohttp_client,
        tmp_path,
        own_db_url,
        pii_key,
        fake_telegram,
        clock,
        admins=f"telegram:{ENV_OWNER}:owner,telegram:{ENV_OPS}:ops",
    )
    await TelegramUser(client, fake_telegram, ENV_OPS).say("/lang")
    app, client = await telegram_app(
        aiohttp_client,
        tmp_path,
        own_db_url,
        pii_key,
        fake_telegram,
        clock,
        admins=f"telegram:{ENV_OWNER}:owner",
    )
    assert await app[SERVICES].admins.role("telegram", str(ENV_OPS)) == ""
    owner = TelegramUser(client, fake_telegram, ENV_OWNER)
    await owner.say(f"/admin remove telegram:{ENV_OPS}")
    assert "不是管理员" in owner.text(), owner.text()


async def test_the_demo_admin_pane_keeps_its_language_in_a_row_of_its_own(
    aiohttp_client, tmp_path, own_db_url, pii_key
):
    from store.catalog_file import load_catalog
    from tests.e2e.helpers import Clock, WebUser, make_settings
    from webhooks.app import create_app

    catalog, rules = load_catalog()
    settings = make_settings(tmp_path, own_db_url, pii_key)
    app = create_app(settings, catalog, rules, clock=Clock(), demo=True)
    pane = WebUser(await aiohttp_client(app), role="admin")
    await pane.open()
    await pane.say("/start")
    await pane.say("/lang")
    async with app[DATABASE].uow() as uow:
        (row,) = await uow.admins.all(languages=True)
    assert row.channel == "web" and (row.role, row.lang) == ("", "en")
    elsewhere = AdminDirectory(uow=app[DATABASE].uow, clock=app[CLOCK], demo_web_admin=True)
    async with app[DATABASE].uow() as uow:
        grants = await elsewhere.grants_in(uow)
    assert elsewhere.lang_of("web", row.user_id) == "en"
    # after a restart the pane still gets the owner's alerts (a complaint, an SOS) before
    # it speaks again: its row says it is a demo admin pane
    assert ("web", row.user_id, "owner") in grants
