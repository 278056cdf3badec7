"""WeChat Pay charges the account that placed the order: a customer with two WeChat accounts
(linked to one customer) who orders from the newer one pays inside that one, not the older."""

from domain.people import Channel, Identity
from tests.e2e.helpers import WeChatUser, make_app, on_wechat
from tests.e2e.test_money import book_range_hood
from tests.fakes.wechat import WeChatServer
from webhooks.keys import CLOCK, DATABASE


async def test_the_account_that_places_the_order_is_the_one_charged(
    aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, fake_wechat, fake_wechat_pay, clock
):
    app = make_app(
        tmp_path,
        fresh_sqlite_url,
        pii_key,
        clock=clock,
        **on_wechat(fake_wechat),
        **fake_wechat_pay.settings(),
    )
    client = await aiohttp_client(app)
    older = WeChatUser(client, fake_wechat, "o-older", WeChatServer(clock=app[CLOCK]))
    await older.say("/start")
    async with app[DATABASE].uow() as uow:
        account = await uow.identities.get(Channel.WECHAT, "o-older")
        await uow.identities.put(Identity(Channel.WECHAT, "o-newer", account.customer_id, None))
        await uow.commit()
    newer = WeChatUser(client, fake_wechat, "o-newer", WeChatServer(clock=app[CLOCK]))
    await book_range_hood(newer)
    assert "微信支付" in newer.last_text
    [(_, sent)] = fake_wechat_pay.orders.items()
    assert sent["trade_type"] == "JSAPI" and sent["openid"] == "o-newer"
