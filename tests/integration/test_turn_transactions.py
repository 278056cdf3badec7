"""A chat turn's shared transaction (``store.turns``) on SQLite and PostgreSQL: units of work
opened in it are members; the turn commits with its checkpoint, or keeps nothing."""

import asyncio
import secrets
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from domain.people import Customer
from domain.turns import Checkpoint, StaleTurn
from store.turns import TurnBroken, Turns

AT = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)


def person() -> tuple[str, str]:
    return "telegram", str(secrets.randbelow(10**12))


def checkpoint(version: int, message: str = "m1", at: datetime = AT) -> Checkpoint:
    return Checkpoint(version, message, b'{"step": "x"}', b'{"replies": []}', at)


async def add_customer(database, name: str, *, commit: bool = True) -> None:
    async with database.uow() as uow:
        await uow.customers.add(Customer(created_at=AT, name=name))
        if commit:
            await uow.commit()


async def names(database, *candidates: str) -> set[str]:
    found = set()
    async with database.uow() as uow:
        for name in candidates:
            rows = await uow.session.exec(  # type: ignore[call-overload]
                text("SELECT name FROM customers WHERE name = :n"), params={"n": name}
            )
            found |= {r[0] for r in rows}
    return found


async def test_a_turn_commits_its_members_writes_with_its_checkpoint(database):
    turns, (channel, user) = Turns(database), person()
    a, b = f"a-{secrets.token_hex(4)}", f"b-{secrets.token_hex(4)}"
    async with turns.transaction() as txn:
        await add_customer(database, a)
        await add_customer(database, b)
        assert await names(database, a, b) == {a, b}  # the turn sees its own writes
        assert await txn.commit(channel, user, checkpoint(1), 0)
    assert await names(database, a, b) == {a, b}
    saved = await turns.checkpoint(channel, user)
    assert saved is not None and saved.version == 1 and saved.state == b'{"step": "x"}'


async def test_nothing_of_a_turn_that_never_commits_is_kept(database):
    turns, (channel, user) = Turns(database), person()
    a = f"a-{secrets.token_hex(4)}"
    with pytest.raises(RuntimeError):
        async with turns.transaction():
            await add_customer(database, a)  # "committed" for the turn only
            raise RuntimeError("the process died here")
    assert await names(database, a) == set()
    assert await turns.checkpoint(channel, user) is None


async def test_a_failing_member_rolls_back_only_its_own_writes(database):
    turns, (channel, user) = Turns(database), person()
    kept, lost, after = (f"{x}-{secrets.token_hex(4)}" for x in ("kept", "lost", "after"))
    async with turns.transaction() as txn:
        await add_customer(database, kept)
        with pytest.raises(ValueError):
            async with database.uow() as uow:
                await uow.customers.add(Customer(created_at=AT, name=lost))
                raise ValueError("a command refused half-way")
        await add_customer(database, lost + "-uncommitted", commit=False)
        await add_customer(database, after)
        await txn.commit(channel, user, checkpoint(1), 0)
    assert await names(database, kept, lost, lost + "-uncommitted", after) == {kept, after}


async def test_a_failing_first_member_leaves_the_rest_of_the_turn_to_go_on(database):
    turns, (channel, user) = Turns(database), person()
    lost, kept = f"lost-{secrets.token_hex(4)}", f"kept-{secrets.token_hex(4)}"
    async with turns.transaction() as txn:
        await add_customer(database, lost, commit=False)
        await add_customer(database, kept)
        await txn.commit(channel, user, checkpoint(1), 0)
    assert await names(database, lost, kept) == {kept}


async def test_an_unguarded_member_writes_for_the_turn_and_its_failure_fails_the_turn(database):
    turns, (channel, user) = Turns(database), person()
    kept, noted = f"kept-{secrets.token_hex(4)}", f"noted-{secrets.token_hex(4)}"
    async with turns.transaction() as txn:
        await add_customer(database, kept)
        async with txn.unguarded():  # no SAVEPOINT of its own
            await add_customer(database, noted)
        await txn.commit(channel, user, checkpoint(1), 0)
    assert await names(database, kept, noted) == {kept, noted}
    earlier, lost = f"earlier-{secrets.token_hex(4)}", f"lost-{secrets.token_hex(4)}"
    with pytest.raises(TurnBroken):
        async with turns.transaction() as txn:
            await add_customer(database, earlier)
            async with txn.unguarded():
                with pytest.raises(ValueError):
                    async with database.uow() as uow:
                        await uow.customers.add(Customer(created_at=AT, name=lost))
                        raise ValueError("a command refused half-way")
            await add_customer(database, f"after-{secrets.token_hex(4)}")
            await txn.commit(channel, user, checkpoint(2), 1)
    assert await names(database, earlier, lost) == set()  # nothing of the turn is kept
    assert (await turns.checkpoint(channel, user)).version == 1


async def test_a_turn_that_wrote_nothing_stores_no_checkpoint(database):
    turns, (channel, user) = Turns(database), person()
    async with turns.transaction() as txn:
        await names(database, "nobody")  # a read
        assert not await txn.commit(channel, user, checkpoint(1), 0)
    assert await turns.checkpoint(channel, user) is None


async def test_a_newer_checkpoint_fences_a_stale_turn_off(database):
    turns, (channel, user) = Turns(database), person()
    async with turns.transaction() as txn:
        await add_customer(database, f"first-{secrets.token_hex(4)}")
        await txn.commit(channel, user, checkpoint(5), 4)
    stale = f"stale-{secrets.token_hex(4)}"
    with pytest.raises(StaleTurn):
        async with turns.transaction() as txn:
            await add_customer(database, stale)
            await txn.commit(channel, user, checkpoint(4, "m-old"), 3)  # began from version 3
    assert await names(database, stale) == set()
    assert (await turns.checkpoint(channel, user)).version == 5


async def test_what_is_deferred_runs_after_the_commit_and_never_after_a_rollback(database):
    turns, (channel, user) = Turns(database), person()
    ran: list[str] = []
    name = f"n-{secrets.token_hex(4)}"

    async def deliver() -> None:
        ran.append("deliver")
        assert await names(database, name) == {name}  # committed by then

    async with turns.transaction() as txn:
        await add_customer(database, name)
        assert turns.after_commit(deliver)
        await txn.commit(channel, user, checkpoint(1), 0)
        assert ran == []
    await txn.after_commit()
    assert ran == ["deliver"]
    assert not turns.after_commit(deliver)  # outside a turn: the caller runs it now
    with pytest.raises(RuntimeError):
        async with turns.transaction():
            turns.after_commit(deliver)
            raise RuntimeError
    assert ran == ["deliver"]


async def test_a_task_spawned_in_a_turn_works_in_a_transaction_of_its_own(database):
    turns, (channel, user) = Turns(database), person()
    outside = f"outside-{secrets.token_hex(4)}"
    async with turns.transaction() as txn:
        spawned = asyncio.ensure_future(add_customer(database, outside))
        await txn.commit(channel, user, checkpoint(1), 0)
    await spawned
    assert await names(database, outside) == {outside}


async def test_old_checkpoints_are_forgotten(database):
    turns, (channel, user) = Turns(database), person()
    async with turns.transaction() as txn:
        await add_customer(database, f"x-{secrets.token_hex(4)}")
        await txn.commit(channel, user, checkpoint(1, at=AT - timedelta(days=8)), 0)
    async with database.uow() as uow:
        assert await uow.checkpoints.forget_before(AT - timedelta(days=7)) >= 1
        await uow.commit()
    assert await turns.checkpoint(channel, user) is None
