"""The web chat's worker and admin panes (the demo's admin pane plays the owner)."""

import io

from conversations.replies import Say
from tests.e2e.helpers import Clock, WebUser, make_app
from tests.fakes.wechat import PNG
from webhooks.app import create_app
from webhooks.keys import CHANNELS


async def upload(user: WebUser, data: bytes = PNG, status: int = 200, **fields: str):
    """Send ``data`` as a photo (``fields``: more form fields, e.g. ``lang``, ``id``); the
    response is ``status`` (415: no photo)."""
    from aiohttp import FormData

    form = FormData()
    form.add_field("photo", io.BytesIO(data), filename="p.png", content_type="image/png")
    form.add_field("role", user.role)
    for name, value in fields.items():
        form.add_field(name, value)
    resp = await user.client.post("/web/api/photo", data=form)
    assert resp.status == status, await resp.text()
    user.last = (await resp.json())["replies"]
    return user.last


async def test_a_worker_registers_in_the_web_pane_and_the_demo_admin_approves(
    aiohttp_client, tmp_path, fresh_sqlite_url, pii_key
):
    from store.catalog_file import load_catalog
    from tests.e2e.helpers import make_settings

    catalog, rules = load_catalog()
    app = create_app(
        make_settings(tmp_path, fresh_sqlite_url, pii_key),
        catalog,
        rules,
        clock=Clock(),
        demo=True,
    )
    client = await aiohttp_client(app)
    worker = WebUser(client, role="worker")
    await worker.open()
    await worker.say("/start")
    assert "真实姓名" in worker.text()
    assert "欢迎回来" not in worker.text()  # a newcomer: welcome, not welcome back
    await worker.say("周师傅")
    await worker.send(type="contact", phone="13988887777")
    await worker.choose("空调清洗")
    await worker.choose("家电维修")
    await worker.choose("选好了")
    await worker.say("徐汇区 长宁区")
    assert "身份证" in worker.text()
    await upload(worker)
    assert "健康证照片" in worker.text()
    await upload(worker, b"not an image", status=415)
    assert "请发送照片" in worker.text()
    await upload(worker)
    await worker.say("2027-12-31")
    assert "电工证" in worker.text()  # appliance repair needs an electrician licence
    await upload(worker)
    await worker.choose("提交审核")
    assert "审核中" in worker.text()

    admin = WebUser(client, role="admin")
    admin.client = client
    await admin.say("/start")
    assert "/approve ID" in admin.text()
    await admin.say("/workers pending")
    assert "周师傅" in admin.text()
    worker_id = admin.text().split(".")[0].strip()
    await admin.say(f"/worker {worker_id}")
    assert sum(r["type"] == "photo" for r in admin.last) == 3
    url = next(r["url"] for r in admin.last if r["type"] == "photo")
    path = url.split("8080", 1)[1]
    assert (await client.get(path)).status == 200
    assert (await client.get(path.split("?")[0])).status == 403  # unsigned
    assert (await client.get(path.replace("s=", "s=0"))).status == 403  # forged
    await admin.say(f"/approve {worker_id}")
    assert "已通过" in admin.text()
    pushed = await (await client.get("/web/api/poll?role=worker")).json()
    assert any("审核通过" in r["text"] for r in pushed["replies"])
    await worker.say("上线")
    assert "已上线" in worker.text()


async def test_a_newcomers_first_words_in_the_worker_pane_start_the_signup_alone(
    aiohttp_client, tmp_path, fresh_sqlite_url, pii_key
):
    """Someone who says "hi" in the worker pane before signing up is welcomed to the sign-up,
    not told to use buttons they do not have."""
    from store.catalog_file import load_catalog
    from tests.e2e.helpers import make_settings

    catalog, rules = load_catalog()
    settings = make_settings(tmp_path, fresh_sqlite_url, pii_key)
    app = create_app(settings, catalog, rules, clock=Clock(), demo=True)
    worker = WebUser(await aiohttp_client(app), role="worker")
    await worker.open()
    await worker.say("hi")
    assert "真实姓名" in worker.text()
    assert "按钮" not in worker.text()


async def test_outside_the_demo_the_web_admin_pane_is_a_customer(
    aiohttp_client, tmp_path, fresh_sqlite_url, pii_key
):
    client = await aiohttp_client(make_app(tmp_path, fresh_sqlite_url, pii_key))
    admin = WebUser(client, role="admin")
    await admin.open()
    await admin.say("/start")
    await admin.say("/workers pending")
    assert "不认识的指令" in admin.text() or "Unknown command" in admin.text()


async def test_one_poll_brings_every_panes_notices_and_each_once(
    aiohttp_client, tmp_path, fresh_sqlite_url, pii_key
):
    app = make_app(tmp_path, fresh_sqlite_url, pii_key)
    client = await aiohttp_client(app)
    await WebUser(client).open()
    uid = client.session.cookie_jar.filter_cookies(client.make_url("/"))["daojia_web"]
    uid = uid.value.split(".")[0]
    web = app[CHANNELS].get("web")
    await web.send(f"{uid}-worker", [Say("新订单")])
    await web.send(f"{uid}-admin", [Say("新投诉"), Say("待审核")])
    resp = await client.get("/web/api/poll?roles=customer,worker,admin")
    assert (await resp.json())["roles"] == {
        "customer": [],
        "worker": [{"type": "text", "text": "新订单"}],
        "admin": [{"type": "text", "text": "新投诉"}, {"type": "text", "text": "待审核"}],
    }
    again = await (await client.get("/web/api/poll?roles=worker,admin")).json()
    assert again == {"roles": {"worker": [], "admin": []}}
    assert (await client.get("/web/api/poll?roles=worker,boss")).status == 400
    assert (await client.get("/web/api/poll?role=worker")).status == 200  # one pane, as before


async def test_the_demo_admin_pane_gets_the_owners_alerts(
    aiohttp_client, tmp_path, fresh_sqlite_url, pii_key
):
    """No admin is configured in the demo: the admin pane that spoke plays the owner, and so
    hears what owners hear — here a customer's SOS."""
    from store.catalog_file import load_catalog
    from tests.e2e.helpers import make_settings

    catalog, rules = load_catalog()
    settings = make_settings(tmp_path, fresh_sqlite_url, pii_key)
    app = create_app(settings, catalog, rules, clock=Clock(), demo=True)
    client = await aiohttp_client(app)
    admin = WebUser(client, role="admin")
    await admin.open()
    await admin.say("/start")
    customer = WebUser(client, role="customer")
    customer.client = client  # the same browser: its panes share the visitor's cookie
    await customer.say("/start")
    await customer.say("/sos")
    assert "110" in customer.text()
    pushed = await (await client.get("/web/api/poll?role=admin")).json()
    assert any("紧急求助" in r.get("text", "") for r in pushed["replies"]), pushed


async def sign_up_in_web(worker: WebUser) -> None:
    """A worker's sign-up in the web pane, with 空调清洗 and 家电维修 as skills."""
    await worker.open()
    await worker.say("/start")
    await worker.say("周师傅")
    await worker.send(type="contact", phone="13988887777")
    await worker.choose("空调清洗")
    await worker.choose("家电维修")
    await worker.choose("选好了")
    await worker.say("徐汇区 长宁区")
    for _ in range(2):  # the ID card, the health certificate
        await upload(worker)
    await worker.say("2027-12-31")
    await upload(worker)  # the electrician licence
    await worker.choose("提交审核")
    assert "审核中" in worker.text()


async def test_each_admin_reads_a_new_worker_in_their_own_language_with_skills_named(
    aiohttp_client, tmp_path, fresh_sqlite_url, pii_key
):
    """Two browsers' admin panes (both the demo's owner): the one that chats in English is
    told of a new worker in English, the other in Chinese; skills by name, never by id."""
    from store.catalog_file import load_catalog
    from tests.e2e.helpers import make_settings

    catalog, rules = load_catalog()
    settings = make_settings(tmp_path, fresh_sqlite_url, pii_key)
    app = create_app(settings, catalog, rules, clock=Clock(), demo=True)
    client = await aiohttp_client(app)
    jar, url = client.session.cookie_jar, client.make_url("/")
    english = WebUser(client, role="admin")
    await english.open()
    await english.send(type="text", text="/start", lang="en-US")
    assert "/approve ID" in english.text() and "审核" not in english.text()
    first_browser = jar.filter_cookies(url)["daojia_web"].value
    jar.clear()  # a second browser, in Chinese
    chinese = WebUser(client, role="admin")
    await chinese.open()
    await chinese.say("/start")
    await sign_up_in_web(WebUser(client, role="worker"))

    told = await (await client.get("/web/api/poll?role=admin")).json()
    zh = [r["text"] for r in told["replies"] if "新师傅待审核" in r.get("text", "")]
    assert len(zh) == 1 and "技能 空调清洗(挂机)、油烟机清洗、家电维修(上门检测)。" in zh[0], zh
    jar.clear()
    jar.update_cookies({"daojia_web": first_browser}, url)
    told = await (await client.get("/web/api/poll?role=admin")).json()
    en = [r["text"] for r in told["replies"] if "New worker to review" in r.get("text", "")]
    assert len(en) == 1, told
    skills = "Air-conditioner cleaning (wall unit) / Range-hood cleaning, Appliance repair"
    assert f"skills {skills}" in en[0] and "appliance_" not in en[0], en
