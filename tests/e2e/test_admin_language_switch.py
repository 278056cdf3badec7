"""An admin's language: a configured admin's first message is in their Telegram language
(as a customer's is), and ``/lang en`` / ``/lang zh`` switch to the language named (``/lang``
alone to the other one) — for admins as for customers."""

from tests.e2e.helpers import TelegramUser, telegram_app
from webhooks.keys import DATABASE

SUPPORT = 794_301


async def test_a_configured_admin_speaks_their_telegram_language_and_lang_names_one(
    aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, fake_telegram, clock
):
    app, client = await telegram_app(
        aiohttp_client,
        tmp_path,
        fresh_sqlite_url,
        pii_key,
        fake_telegram,
        clock=clock,
        admins=f"telegram:{SUPPORT}:support",
    )
    admin = TelegramUser(client, fake_telegram, SUPPORT, lang="en")
    await admin.say("/help")
    assert "Admin (support) commands" in admin.text(), admin.text()
    await admin.say("/lang en")  # already English: stays English
    assert "Switched to English" in admin.text() and "管理员" not in admin.text(), admin.text()
    await admin.say("/lang zh")
    assert "已切换为中文" in admin.text() and "管理员(客服)可用指令" in admin.text()
    await admin.say("/lang zh")
    assert "已切换为中文" in admin.text() and "Admin" not in admin.text(), admin.text()
    await admin.say("/lang fr")  # none we speak: said so, nothing changes
    assert "可选语言" in admin.text() and "/lang en" in admin.text(), admin.text()
    await admin.say("/lang EN")
    assert "Switched to English" in admin.text()
    await admin.say("/lang")  # alone: the other one
    assert "已切换为中文" in admin.text()
    await admin.say("/lang english")
    assert "Switched to English" in admin.text()
    await admin.say("/lang klingon")
    assert "Languages: 中文 (/lang zh) or English (/lang en)." in admin.text(), admin.text()
    async with app[DATABASE].uow() as uow:  # their notices follow
        assert (await uow.admins.get("telegram", str(SUPPORT))).lang == "en"


async def test_a_newcomer_lang_names_the_language_of_the_welcome(
    aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, fake_telegram, clock
):
    _, client = await telegram_app(
        aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, fake_telegram, clock=clock
    )
    customer = TelegramUser(client, fake_telegram, 794_302, lang="en")
    await customer.say("/lang en")  # used to switch an English newcomer to Chinese
    assert "欢迎" not in customer.text() and "Welcome" in customer.text(), customer.text()
