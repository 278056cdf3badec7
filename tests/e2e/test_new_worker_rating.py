"""A worker nobody has rated yet reaches the customer as new ("新师傅,暂无评价"), not as the
5.0 and 100% dispatch starts every worker at; once rated, as their real mean and how many
rated them — in the accepted and on-the-way notices and in the order's detail."""

from tests.e2e.helpers import HOME, TelegramUser, book_and_pay, seed_worker
from tests.e2e.test_job_rules import photo, tg, to_in_service  # noqa: F401 - the fixture
from webhooks.keys import DATABASE

CUSTOMER, WORKER = 796_301, 796_302
NEW = "测试师傅(新师傅,暂无评价)"
RATED = "测试师傅(评分 4.5,1 条评价"


def told(fake, chat: int, since: int = 0) -> str:
    return "\n".join(m.get("text", "") for m in fake.sent(chat)[since:])


async def detail(customer: TelegramUser, number: int) -> str:
    await customer.say("/orders")
    await customer.choose(f"#{number}")
    return customer.text()


async def test_a_new_worker_reads_as_new_until_a_customer_rates_them(
    tg,  # noqa: F811
    fake_telegram,
    clock,
):
    app, client = tg
    worker_id = await seed_worker(app, channel="telegram", user_id=str(WORKER), center=HOME)
    customer = TelegramUser(client, fake_telegram, CUSTOMER)
    worker = TelegramUser(client, fake_telegram, WORKER)
    number = await book_and_pay(customer)

    await to_in_service(worker, fake_telegram, number, clock)  # accepted, on the way, in
    notices = told(fake_telegram, CUSTOMER)
    assert f"好消息!师傅 {NEW}已接单 #{number}" in notices, notices
    assert f"师傅 {NEW}已出发前往 #{number}" in notices, notices
    assert "评分 5.0" not in notices and "rated" not in notices
    shown = await detail(customer, number)
    assert f"师傅:{NEW}" in shown.split("\n") and "好评率" not in shown, shown

    await worker.say(f"/photo #{number} after")
    await photo(worker, fake_telegram, f"after{number}")
    await worker.say(f"/finish #{number}")
    await customer.say(f"确认完成 #{number}")
    await customer.say(f"评价 #{number}")
    for stars in ("5", "5", "4", "4"):  # response, skill, attitude, care: 4.5
        await customer.choose(stars)
    await customer.choose("完成")
    await customer.choose("跳过")
    await customer.choose("不加照片")
    assert "感谢评价" in customer.text()
    async with app[DATABASE].uow() as uow:
        rated = await uow.workers.get(worker_id)
    assert (rated.rating_x100, rated.good_rate_bp, rated.reviews) == (450, 10_000, 1)
    shown = await detail(customer, number)
    assert f"师傅:{RATED},好评率 100%)" in shown.split("\n"), shown

    before = len(fake_telegram.sent(CUSTOMER))
    again = await book_and_pay(customer, "后天 15:00")
    await worker.say(f"/accept #{again}")
    notices = told(fake_telegram, CUSTOMER, before)
    assert f"好消息!师傅 {RATED})已接单 #{again}" in notices, notices
    await customer.say("English")
    shown = await detail(customer, again)
    assert "Worker: 测试师傅 (rated 4.5 from 1 review, 100% positive)" in shown, shown
