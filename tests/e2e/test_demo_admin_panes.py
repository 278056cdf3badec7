"""The demo's web admin panes: each plays the owner until the owner gives it a role in chat;
then it acts in that role (``/help``, what it may run, how its actions are recorded)."""

from store.catalog_file import load_catalog
from tests.e2e.helpers import Clock, WebUser, make_settings
from webhooks.app import create_app
from webhooks.keys import DATABASE


class Pane(WebUser):
    """An admin pane in a browser of its own: its cookie, kept between its messages."""

    def __init__(self, client) -> None:
        super().__init__(client, role="admin")
        self.cookies = None

    async def send(self, **message):
        jar, url = self.client.session.cookie_jar, self.client.make_url("/")
        jar.clear()
        if self.cookies is None:
            await self.open()  # a new browser: the page sets its cookie
        else:
            jar.update_cookies(self.cookies, url)
        try:
            return await super().send(**message)
        finally:
            self.cookies = jar.filter_cookies(url)


async def pane_ids(app) -> set[str]:
    async with app[DATABASE].uow() as uow:
        return {g.user_id for g in await uow.admins.all(languages=True) if g.channel == "web"}


async def test_a_role_added_to_another_demo_pane_is_the_role_it_acts_in(
    aiohttp_client, tmp_path, own_db_url, pii_key
):
    catalog, rules = load_catalog()
    app = create_app(
        make_settings(tmp_path, own_db_url, pii_key), catalog, rules, clock=Clock(), demo=True
    )
    client = await aiohttp_client(app)
    boss = Pane(client)
    await boss.say("/start")
    (boss_id,) = await pane_ids(app)
    other = Pane(client)  # another browser: another pane
    await other.say("/help")
    assert "老板" in other.text()  # until given a role, a pane is the demo's owner
    (other_id,) = await pane_ids(app) - {boss_id}

    await boss.say(f"/admin add web:{other_id} ops")
    assert "现在是 调度 管理员" in boss.text(), boss.text()
    await other.say("/help")
    assert "调度" in other.text() and "老板" not in other.text(), other.text()
    assert "/promo" not in other.text()
    await other.say("/promo SPRING 20")
    assert "/promo 需要" in other.text(), other.text()
    await other.say("/admin add web:someone-admin owner")
    assert "/admin 需要" in other.text(), other.text()

    await boss.say(f"/admin add web:{boss_id} ops")  # its own pane stays the owner
    assert "不能更改自己的角色" in boss.text(), boss.text()
    await boss.say("/help")
    assert "老板" in boss.text() and "/promo" in boss.text()

    await boss.say(f"/admin remove web:{other_id}")  # back to the demo's owner
    await other.say("/promo")
    assert "用法:/promo" in other.text(), other.text()
