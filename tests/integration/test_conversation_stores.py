"""One contract for both conversation stores: the local one (SQLite file) and real Redis."""

import asyncio
import sqlite3
import uuid
from datetime import UTC, datetime

import pytest
import redis.asyncio as aioredis

from conversations.state import Conversation
from domain.turns import Nonce
from store.conversations_local import LocalConversationStore
from store.conversations_redis import RedisConversationStore
from store.crypto import PiiCipher, decode_key, new_key
from store.nonces import LocalNonceMemory

CIPHER = PiiCipher(decode_key(new_key()))
ANSWER = b'{"lang":"zh","replies":[{"type":"say","text":"ok"}]}'


@pytest.fixture(params=["local", "redis"])
async def make_store(request, tmp_path):
    """A factory: calling it again gives a *new* store over the same data (a restart)."""
    made = []
    if request.param == "local":
        nonces = LocalNonceMemory()  # the process's replay memory

        def make():
            store = LocalConversationStore(tmp_path / "conv.db", CIPHER, nonces=nonces)
            made.append(store)
            return store

        yield make
        for store in made:
            store.close()
    else:
        url = request.getfixturevalue("redis_url")
        clients = []

        def make():
            client = aioredis.from_url(url)
            clients.append(client)
            return RedisConversationStore(client, CIPHER, lease_s=2)

        yield make
        for client in clients:
            await client.aclose()


def user() -> str:
    return uuid.uuid4().hex[:12]


async def test_a_committed_state_survives_a_restart(make_store):
    uid = user()
    store = make_store()
    claim = await store.begin("web", uid, "m1")
    assert claim.status == "ok" and claim.state is None
    state = Conversation(flow="booking", step="area", data={"b": {"qty": 3}}).dumps()
    assert await store.commit("web", uid, "m1", claim.token, state, ANSWER)
    again = make_store()
    claim = await again.begin("web", uid, "m2")
    state = Conversation.loads(claim.state)
    assert state.flow == "booking" and state.data == {"b": {"qty": 3}}
    await again.abort("web", uid, "m2", claim.token)


async def test_an_answered_message_is_a_duplicate_that_carries_its_answer(make_store):
    uid = user()
    store = make_store()
    claim = await store.begin("wechat", uid, "m1")
    await store.commit("wechat", uid, "m1", claim.token, Conversation().dumps(), ANSWER)
    retry = await store.begin("wechat", uid, "m1")
    assert retry.status == "duplicate" and retry.replies == ANSWER
    assert retry.sent == 0  # nothing said pushed: a retry sends every part


async def test_a_duplicate_carries_how_many_parts_of_its_answer_were_pushed(make_store):
    uid = user()
    store = make_store()
    claim = await store.begin("telegram", uid, "m1")
    await store.commit("telegram", uid, "m1", claim.token, Conversation().dumps(), ANSWER)
    await store.delivered("telegram", uid, "m1", 2)
    retry = await store.begin("telegram", uid, "m1")
    assert retry.status == "duplicate" and retry.replies == ANSWER and retry.sent == 2
    await store.delivered("telegram", uid, "m1", 3)  # the retry pushed the rest
    assert (await store.begin("telegram", uid, "m1")).sent == 3


async def test_the_parts_pushed_before_the_commit_are_noted_by_the_commit_itself(make_store):
    """A turn's channel pushes before the commit, which carries the count (no command of its
    own); a retry that pushed more notes it with ``delivered``."""
    uid = user()
    store = make_store()
    claim = await store.begin("telegram", uid, "m1")
    state = Conversation().dumps()
    assert await store.commit("telegram", uid, "m1", claim.token, state, ANSWER, sent=2)
    retry = await store.begin("telegram", uid, "m1")
    assert retry.status == "duplicate" and retry.replies == ANSWER and retry.sent == 2
    await store.delivered("telegram", uid, "m1", 3)
    assert (await store.begin("telegram", uid, "m1")).sent == 3


async def test_a_delivery_noted_for_a_message_not_answered_is_not_kept(make_store):
    """A turn that lost its lock before saving delivered its answer, but its message is not
    marked answered: the note neither marks it nor waits for it (its retry recovers)."""
    uid = user()
    store = make_store()
    await store.delivered("telegram", uid, "m1", 2)
    claim = await store.begin("telegram", uid, "m1")
    assert claim.status == "ok"
    await store.commit("telegram", uid, "m1", claim.token, Conversation().dumps(), ANSWER)
    assert (await store.begin("telegram", uid, "m1")).sent == 0


async def claim_when_free(store, channel: str, uid: str, message_id: str, refused: asyncio.Event):
    """The engine's loop: "busy" means ask again shortly (``refused`` is set when it was)."""
    while True:
        claim = await store.begin(channel, uid, message_id)
        if claim.status != "busy":
            return claim
        refused.set()
        await asyncio.sleep(0.01)


async def held_off(store, refused: asyncio.Event) -> None:
    """Until the store has held off a claim started just before: Redis answered "busy"; the
    local store's ``begin`` waits for the lock (it awaits nothing before it)."""
    if isinstance(store, LocalConversationStore):
        await asyncio.sleep(0)
    else:
        await asyncio.wait_for(refused.wait(), 5)


async def test_a_retry_while_the_first_attempt_runs_waits_for_its_answer(make_store):
    uid = user()
    store = make_store()
    first = await store.begin("telegram", uid, "m1")
    refused = asyncio.Event()
    waiting = asyncio.create_task(claim_when_free(store, "telegram", uid, "m1", refused))
    await held_off(store, refused)
    assert not waiting.done()  # never answered as done while it is not
    await store.commit("telegram", uid, "m1", first.token, Conversation().dumps(), ANSWER)
    claim = await asyncio.wait_for(waiting, 5)
    assert claim.status == "duplicate" and claim.replies == ANSWER


async def test_an_aborted_message_is_processed_again(make_store):
    uid = user()
    store = make_store()
    claim = await store.begin("telegram", uid, "m1")
    await store.abort("telegram", uid, "m1", claim.token)
    retry = await store.begin("telegram", uid, "m1")
    assert retry.status == "ok"
    await store.abort("telegram", uid, "m1", retry.token)


async def test_one_turn_at_a_time_per_person(make_store):
    uid = user()
    store = make_store()
    first = await store.begin("web", uid, "a")
    order = []
    refused = asyncio.Event()

    async def second():
        claim = await claim_when_free(store, "web", uid, "b", refused)
        assert claim.status == "ok"
        order.append("second")
        await store.commit("web", uid, "b", claim.token, Conversation(step="2").dumps(), ANSWER)

    task = asyncio.create_task(second())
    await held_off(store, refused)
    order.append("first")
    await store.commit("web", uid, "a", first.token, Conversation(step="1").dumps(), ANSWER)
    await asyncio.wait_for(task, 5)
    assert order == ["first", "second"]
    assert Conversation.loads(await store.get("web", uid)).step == "2"


async def test_an_aborted_turn_leaves_the_state_as_it_was(make_store):
    uid = user()
    store = make_store()
    claim = await store.begin("web", uid, "a")
    await store.commit("web", uid, "a", claim.token, Conversation(step="kept").dumps(), ANSWER)
    claim = await store.begin("web", uid, "b")
    assert Conversation.loads(claim.state).step == "kept"
    await store.abort("web", uid, "b", claim.token)
    assert Conversation.loads(await store.get("web", uid)).step == "kept"


async def test_remember_marks_another_message_answered(make_store):
    uid = user()
    store = make_store()
    await store.remember("telegram", uid, "lost", ANSWER)
    claim = await store.begin("telegram", uid, "lost")
    assert claim.status == "duplicate" and claim.replies == ANSWER


async def test_no_phone_or_address_is_stored_in_clear(make_store, tmp_path, request):
    uid = user()
    store = make_store()
    state = Conversation(data={"phone": "13912345678", "address": "静安区南京西路1000号"})
    claim = await store.begin("telegram", uid, "m1")
    answer = '{"lang":"zh","replies":[{"type":"say","text":"13912345678 静安区"}]}'.encode()
    await store.commit("telegram", uid, "m1", claim.token, state.dumps(), answer)
    if isinstance(store, RedisConversationStore):
        raw = [await store._r.get(k) for k in await store._r.keys(f"daojia:telegram:{uid}:*")]
    else:
        store.close()
        raw = [p.read_bytes() for p in tmp_path.glob("conv.db*")]
    blob = b"".join(r for r in raw if r)
    assert blob and b"13912345678" not in blob and "静安区".encode() not in blob
    assert Conversation.loads(await make_store().get("telegram", uid)).data == state.data


async def test_redis_claims_are_shared_between_processes(redis_url):
    uid = user()
    a = RedisConversationStore(aioredis.from_url(redis_url), CIPHER)
    b = RedisConversationStore(aioredis.from_url(redis_url), CIPHER)
    try:
        results = await asyncio.gather(
            *[s.begin("wechat", uid, "same") for s in (a, b, a, b, a, b)]
        )
        assert [r.status for r in results].count("ok") == 1
    finally:
        await a._r.aclose()
        await b._r.aclose()


async def test_a_dead_turns_lock_is_a_lease_and_the_next_turn_knows_it_recovers(redis_url):
    client = aioredis.from_url(redis_url)
    try:
        store = RedisConversationStore(client, CIPHER, lease_s=3)
        uid = user()
        lock = f"daojia:telegram:{uid}:lock"
        dead = await store.begin("telegram", uid, "m1")
        assert dead.status == "ok" and not dead.recovering
        assert 0 < await client.pttl(lock) <= 3000  # a lease, never an open-ended lock
        await client.pexpire(lock, 10)
        assert await store.renew("telegram", uid, dead.token)  # renewing while it runs
        assert await client.pttl(lock) > 2000
        await client.delete(lock)  # the lease ran out: the process died mid-turn
        retry = await store.begin("telegram", uid, "m1")  # its retry is processed
        assert retry.status == "ok" and retry.recovering
        assert not await store.renew("telegram", uid, dead.token)
        saved = await store.commit("telegram", uid, "m1", dead.token, b"late", ANSWER)
        assert saved is False  # the dead turn's late commit changes nothing
        assert await store.commit("telegram", uid, "m1", retry.token, b"{}", ANSWER)
        after = await store.begin("telegram", uid, "m2")
        assert after.status == "ok" and not after.recovering and after.state == b"{}"
    finally:
        await client.aclose()


async def test_the_local_store_recovers_each_person_once_after_a_start(tmp_path):
    store = LocalConversationStore(tmp_path / "conv.db", CIPHER)
    first = await store.begin("wechat", "u1", "m1")
    assert first.recovering  # this process has not seen u1: the database may be ahead
    await store.commit("wechat", "u1", "m1", first.token, b"{}", ANSWER)
    second = await store.begin("wechat", "u1", "m2")
    assert not second.recovering
    await store.abort("wechat", "u1", "m2", second.token)
    store.close()
    again = LocalConversationStore(tmp_path / "conv.db", CIPHER)
    assert (await again.begin("wechat", "u1", "m3")).recovering
    again.close()


async def test_redis_counts_a_claimed_message_in_the_same_step_as_the_limiter_would(redis_url):
    from store.rate_limits import RedisRateLimiter

    client = aioredis.from_url(redis_url)
    try:
        store = RedisConversationStore(client, CIPHER, lease_s=2)
        limiter = RedisRateLimiter(client)
        uid, window = user(), 123
        first = await store.begin("wechat", uid, "m1", rate_window=window)
        assert first.status == "ok" and first.count == 1
        await store.commit("wechat", uid, "m1", first.token, b"{}", ANSWER)
        retry = await store.begin("wechat", uid, "m1", rate_window=window)
        assert retry.status == "duplicate" and retry.count is None  # a retry is not counted
        second = await store.begin("wechat", uid, "m2", rate_window=window)
        assert second.count == 2
        busy = await store.begin("wechat", uid, "m3", rate_window=window)
        assert busy.status == "busy"  # not counted either: it is claimed when it runs
        await store.commit("wechat", uid, "m2", second.token, b"{}", ANSWER)
        assert await limiter.hit("wechat", uid, window) == 3  # one counter for both
        assert 0 < await client.ttl(f"daojia:wechat:{uid}:rate:{window}") <= 120
        plain = await store.begin("wechat", uid, "m4")
        assert plain.status == "ok" and plain.count is None
    finally:
        await client.aclose()


async def test_turns_finishing_together_share_one_local_transaction(tmp_path):
    store = LocalConversationStore(tmp_path / "conv.db", CIPHER)
    statements: list[str] = []
    store._db.set_trace_callback(statements.append)

    async def turn(user: str) -> None:
        claim = await store.begin("wechat", user, "m1")
        await store.commit("wechat", user, "m1", claim.token, f"state of {user}".encode(), b"")

    await asyncio.gather(*(turn(f"u{i}") for i in range(20)))
    assert statements.count("COMMIT") == 1
    store.close()
    again = LocalConversationStore(tmp_path / "conv.db", CIPHER)  # every state reached the file
    assert [await again.get("wechat", f"u{i}") for i in range(20)] == [
        f"state of u{i}".encode() for i in range(20)
    ]
    again.close()


async def test_a_failed_local_write_fails_the_turn_and_keeps_the_stored_state(tmp_path):
    store = LocalConversationStore(tmp_path / "conv.db", CIPHER)
    claim = await store.begin("wechat", "u1", "m1")
    await store.commit("wechat", "u1", "m1", claim.token, b"first", b"")
    store._db.execute(
        "CREATE TRIGGER no_more BEFORE UPDATE ON conversations "
        "BEGIN SELECT RAISE(ABORT, 'disk full'); END"
    )
    claim = await store.begin("wechat", "u1", "m2")
    with pytest.raises(sqlite3.Error):
        await store.commit("wechat", "u1", "m2", claim.token, b"second", b"")
    await store.abort("wechat", "u1", "m2", claim.token)
    assert await store.get("wechat", "u1") == b"first"
    assert (await store.begin("wechat", "u1", "m2")).status == "ok"  # to be retried
    store.close()


async def test_a_turn_cancelled_before_its_write_leaves_nothing_behind(tmp_path):
    store = LocalConversationStore(tmp_path / "conv.db", CIPHER)
    claim = await store.begin("wechat", "u1", "m1")
    await store.commit("wechat", "u1", "m1", claim.token, b"first", b"")
    claim = await store.begin("wechat", "u1", "m2")
    task = asyncio.ensure_future(store.commit("wechat", "u1", "m2", claim.token, b"second", b""))
    await asyncio.sleep(0)  # queued, not yet written
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.sleep(0)  # the group commit runs
    store.close()
    again = LocalConversationStore(tmp_path / "conv.db", CIPHER)
    assert await again.get("wechat", "u1") == b"first"
    again.close()


async def test_a_state_saved_before_states_were_sealed_is_still_read(redis_url):
    client = aioredis.from_url(redis_url)
    try:
        store, uid = RedisConversationStore(client, CIPHER), user()
        await client.set(f"daojia:web:{uid}:conv", Conversation(step="legacy").dumps())
        claim = await store.begin("web", uid, "m1")
        assert Conversation.loads(claim.state).step == "legacy"
        await store.commit("web", uid, "m1", claim.token, claim.state, ANSWER)
        assert (await client.get(f"daojia:web:{uid}:conv"))[:1] != b"{"  # sealed from now on
        other = RedisConversationStore(client, PiiCipher(decode_key(new_key())))
        assert await other.get("web", uid) is None  # another key reads nothing, never garbage
    finally:
        await client.aclose()


async def test_a_signed_requests_nonce_is_admitted_with_the_claim(make_store):
    """The request's nonce is checked in the claim's own step: the same request again (a
    platform retry) is let through to the dedupe; its signature on other content is refused
    and claims nothing — no lock left, nothing counted."""
    uid, store = user(), make_store()
    now = datetime.now(UTC)
    first = Nonce("wechat", f"k-{uid}", "fingerprint-1", 60, now)
    claim = await store.begin("wechat", uid, "m1", 1, first)
    assert claim.status == "ok" and claim.count in (None, 1)
    state = Conversation(flow="booking", step="area").dumps()
    assert await store.commit("wechat", uid, "m1", claim.token, state, ANSWER)
    retry = await store.begin("wechat", uid, "m1", 1, first)
    assert retry.status == "duplicate" and retry.replies == ANSWER
    lifted = Nonce("wechat", f"k-{uid}", "fingerprint-2", 60, now)
    assert (await store.begin("wechat", uid, "m2", 1, lifted)).status == "replayed"
    after = await asyncio.wait_for(store.begin("wechat", uid, "m2", 1), 1)  # not locked
    assert after.status == "ok" and after.state == state and after.count in (None, 2)


async def test_without_a_memory_of_nonces_a_claim_with_one_is_refused(tmp_path):
    store = LocalConversationStore(tmp_path / "conv.db", CIPHER)
    try:
        nonce = Nonce("wechat", "k", "f", 60, datetime.now(UTC))
        assert (await store.begin("wechat", user(), "m1", None, nonce)).status == "replayed"
    finally:
        store.close()
