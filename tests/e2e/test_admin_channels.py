"""The admin console on every channel: WeChat's words without a slash, and the demo's web
admin pane (the owner, without configuration)."""

from store.catalog_file import load_catalog
from tests.e2e.helpers import Clock, WebUser, WeChatUser, make_settings
from tests.e2e.test_wechat import wechat_app
from tests.fakes.wechat import WeChatServer
from webhooks.app import create_app
from webhooks.keys import CLOCK


async def test_on_wechat_the_same_words_work_without_a_slash(
    aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, fake_wechat
):
    app = wechat_app(tmp_path, fresh_sqlite_url, pii_key, fake_wechat, admins="wechat:o-ops:ops")
    client = await aiohttp_client(app)
    ops = WeChatUser(client, fake_wechat, "o-ops", WeChatServer(clock=app[CLOCK]))
    assert "📊 近 7 天" in await ops.say("统计 week")
    assert "📊 今天" in await ops.say("/STATS")
    assert "价格(新订单)" in await ops.say("价格表")
    assert "/price 需要 老板 角色" in await ops.say("改价 日常保洁 45")
    help_text = await ops.say("帮助")
    assert (
        "/reassign" in help_text and "/refund" not in help_text and "/broadcast" not in help_text
    )
    stranger = WeChatUser(client, fake_wechat, "o-customer", WeChatServer(clock=app[CLOCK]))
    await stranger.say("/start")
    assert "📊" not in await stranger.say("统计") and "价格(新订单)" not in await stranger.say(
        "价格表"
    )


async def test_the_demo_s_web_admin_pane_is_the_owner_for_every_command(
    aiohttp_client, tmp_path, fresh_sqlite_url, pii_key
):
    catalog, rules = load_catalog()
    settings = make_settings(tmp_path, fresh_sqlite_url, pii_key)
    client = await aiohttp_client(create_app(settings, catalog, rules, clock=Clock(), demo=True))
    admin = WebUser(client, role="admin")
    await admin.open()
    await admin.say("/help")
    assert "/broadcast" in admin.text() and "/refund #订单号" in admin.text()
    await admin.say("/stats")
    assert "📊 今天" in admin.text()
    await admin.say("/price daily_cleaning 42")
    assert "¥42.00/小时" in admin.text()
    customer = WebUser(client, role="customer")  # the same browser's customer pane is not staff
    await customer.say("/stats")
    assert "不认识的指令" in customer.text() or "Unknown command" in customer.text()
