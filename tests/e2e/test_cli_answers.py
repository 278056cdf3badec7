"""Every ``daojia`` command that cannot do what it was asked answers in one line naming what to
fix — a database down or behind its migrations, an unknown revision, a file it cannot write,
a wrong setting — never with a traceback. In process (``cli.main``), not a new interpreter."""

import asyncio
import os
import uuid
from datetime import UTC, datetime

import pytest

from store import migrate
from tests.conftest import (
    PG_URL,
    _create_database,
    _drop_database,
    pg_url_of,
)
from webhooks import cli

DOWN = "postgresql+asyncpg://daojia@127.0.0.1:1/none"
"""A PostgreSQL nobody listens for (port 1)."""


def run(monkeypatch, capsys, tmp_path, *argv: str, **env: str) -> tuple[int, str, str]:
    monkeypatch.chdir(tmp_path)  # no .env, no daojia.db of another test
    for name in [n for n in os.environ if n.startswith("DAOJIA_")]:
        monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


@pytest.mark.parametrize(
    "argv",
    [("ledger", "export", "2026-12-01", "2026-12-07"), ("db", "upgrade")],
)
def test_a_database_nobody_answers_is_named_in_one_line(monkeypatch, capsys, tmp_path, argv):
    code, out, err = run(monkeypatch, capsys, tmp_path, *argv, DAOJIA_DATABASE_URL=DOWN)
    assert code == 2 and out == ""
    line = one_line(err)
    assert line.startswith("daojia: DAOJIA_DATABASE_URL: cannot use the database:"), line


def test_serve_with_a_database_nobody_answers_says_so_in_one_line(monkeypatch, capsys, tmp_path):
    from store.crypto import new_key

    code, _, err = run(
        monkeypatch,
        capsys,
        tmp_path,
        "serve",
        DAOJIA_DATABASE_URL=DOWN,
        DAOJIA_PII_KEY=new_key(),
    )
    assert code == 2 and "DAOJIA_DATABASE_URL: cannot use the database" in one_line(err)


@pytest.fixture(params=["sqlite", "postgres"])
def empty_database(request, tmp_path):
    """A database no migration has touched, on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path}/empty.db"
        return
    request.getfixturevalue("pg_template")  # skips (or fails under CI) without PostgreSQL
    name = f"daojia_empty_{uuid.uuid4().hex[:10]}"
    asyncio.run(_create_database(PG_URL, name))
    yield pg_url_of(name)
    asyncio.run(_drop_database(PG_URL, name))


def test_the_ledger_of_a_database_behind_its_migrations_asks_for_db_upgrade(
    monkeypatch, capsys, tmp_path, empty_database
):
    code, out, err = run(
        monkeypatch,
        capsys,
        tmp_path,
        "ledger",
        "export",
        "2026-12-01",
        "2026-12-07",
        DAOJIA_DATABASE_URL=empty_database,
    )
    assert code == 2 and out == ""
    assert "run `daojia db upgrade` first" in one_line(err)


def test_a_database_that_does_not_exist_on_the_server_is_named(
    monkeypatch, capsys, tmp_path, pg_template
):
    url = pg_url_of(f"daojia_missing_{uuid.uuid4().hex[:10]}")
    code, _, err = run(monkeypatch, capsys, tmp_path, "db", "upgrade", DAOJIA_DATABASE_URL=url)
    assert code == 2 and "does not exist" in one_line(err)


def test_an_unknown_revision_is_named(monkeypatch, capsys, tmp_path):
    code, _, err = run(
        monkeypatch,
        capsys,
        tmp_path,
        "db",
        "upgrade",
        "nosuchrev",
        DAOJIA_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/x.db",
    )
    assert code == 2 and "nosuchrev" in one_line(err)


def test_a_ledger_file_that_cannot_be_written_is_named(
    monkeypatch, capsys, tmp_path, fresh_sqlite_url
):
    code, out, err = run(
        monkeypatch,
        capsys,
        tmp_path,
        "ledger",
        "export",
        "2026-12-01",
        "2026-12-07",
        "--out",
        str(tmp_path / "no" / "such" / "dir.csv"),
        DAOJIA_DATABASE_URL=fresh_sqlite_url,
    )
    assert code == 2 and out == ""
    assert one_line(err).startswith("daojia: --out ")


def test_a_ledger_range_that_ends_before_it_starts_is_refused(
    monkeypatch, capsys, tmp_path, fresh_sqlite_url
):
    """As the signed ``/ledger`` link refuses it (400), not an empty file that looks right."""
    code, out, err = run(
        monkeypatch,
        capsys,
        tmp_path,
        "ledger",
        "export",
        "2026-12-07",
        "2026-12-01",
        DAOJIA_DATABASE_URL=fresh_sqlite_url,
    )
    assert code == 2 and out == "" and "before" in one_line(err)


def test_the_ledger_is_written_to_the_file_asked_for(
    monkeypatch, capsys, tmp_path, fresh_sqlite_url
):
    target = tmp_path / "ledger.csv"
    code, out, _ = run(
        monkeypatch,
        capsys,
        tmp_path,
        "ledger",
        "export",
        "2026-12-01",
        "2026-12-07",
        "--out",
        str(target),
        DAOJIA_DATABASE_URL=fresh_sqlite_url,
    )
    assert code == 0 and out == ""
    assert target.read_text(encoding="utf-8").startswith("at,journal,account,debit_fen")


@pytest.mark.parametrize("url", ["foo://bar", "nosuchdialect+driver://x/y"])
def test_a_database_url_of_no_known_kind_is_a_wrong_setting(monkeypatch, capsys, tmp_path, url):
    code, _, err = run(monkeypatch, capsys, tmp_path, "db", "upgrade", DAOJIA_DATABASE_URL=url)
    assert code == 2 and one_line(err).startswith("daojia: DAOJIA_DATABASE_URL:")


def test_a_catalog_file_that_is_not_text_is_one_line_too(monkeypatch, capsys, tmp_path):
    bad = tmp_path / "c.yaml"
    bad.write_bytes(b"\xff\xfe\x00bad")
    code, _, err = run(monkeypatch, capsys, tmp_path, "catalog", "check", str(bad))
    assert code == 1 and "is not UTF-8 text" in one_line(err)
    code, _, err = run(
        monkeypatch,
        capsys,
        tmp_path,
        "ledger",
        "export",
        "2026-12-01",
        "2026-12-07",
        DAOJIA_CATALOG=str(bad),
    )
    assert code == 2 and one_line(err).startswith("daojia: DAOJIA_CATALOG:")


def with_a_customer(url: str, key: str) -> None:
    """A customer whose phone ``key`` encrypted, as a running daojia would have."""
    from domain.people import Customer
    from store.crypto import PiiCipher, decode_key
    from store.db import create_engine
    from store.uow import Database

    async def add() -> None:
        db = Database(create_engine(url), PiiCipher(decode_key(key)))
        async with db.uow() as uow:
            await uow.customers.add(Customer(datetime.now(UTC), phone="13800138000"))
            await uow.commit()
        await db.dispose()

    asyncio.run(add())


def served(*_args, **_kwargs) -> None:
    pytest.fail("the server started (with a key that cannot read the database)")


def test_a_key_opens_a_database_its_own_values_only(own_db_url):
    from store.crypto import decode_key, new_key

    written, other = new_key(), new_key()
    assert asyncio.run(migrate.key_opens(own_db_url, decode_key(other)))  # holds none yet
    with_a_customer(own_db_url, written)
    assert asyncio.run(migrate.key_opens(own_db_url, decode_key(written)))
    assert not asyncio.run(migrate.key_opens(own_db_url, decode_key(other)))


def test_serve_with_another_key_than_wrote_the_database_says_so_in_one_line(
    monkeypatch, capsys, tmp_path, own_db_url
):
    from store.crypto import new_key

    with_a_customer(own_db_url, new_key())
    monkeypatch.setattr(cli, "run_server", served)
    code, _, err = run(
        monkeypatch,
        capsys,
        tmp_path,
        "serve",
        DAOJIA_DATABASE_URL=own_db_url,
        DAOJIA_PII_KEY=new_key(),
    )
    assert code == 2 and one_line(err) == f"daojia: {cli.OTHER_KEY}"


def test_the_demo_on_a_database_its_key_did_not_write_names_the_data_dir(
    monkeypatch, capsys, tmp_path, own_db_url
):
    from store.crypto import new_key

    with_a_customer(own_db_url, new_key())  # the demo was first run with another data dir
    monkeypatch.setattr(cli, "run_server", served)
    code, _, err = run(
        monkeypatch,
        capsys,
        tmp_path,
        "demo",
        DAOJIA_DATABASE_URL=own_db_url,
        DAOJIA_DATA_DIR=str(tmp_path / "elsewhere"),
        DAOJIA_PORT="1",
    )
    line = one_line(err)
    assert code == 2 and line.startswith("daojia: DAOJIA_DATA_DIR: the demo's key"), line
    assert str(tmp_path / "elsewhere" / "pii.key") in line


def test_the_sweeps_every_few_seconds_leave_no_line_in_the_log_but_their_warnings(monkeypatch):
    """apscheduler's INFO lines for every run of every sweep in every process ("Running job",
    "executed successfully") would drown an operator's log; a missed run still shows."""
    import logging

    root, scheduling = logging.getLogger(), logging.getLogger("apscheduler")
    monkeypatch.setattr(root, "level", logging.INFO)  # as basicConfig leaves it in a process
    monkeypatch.setattr(scheduling, "level", logging.NOTSET)
    cli.configure_logging()
    scheduler = logging.getLogger("apscheduler.executors.default")
    assert not scheduler.isEnabledFor(logging.INFO)
    assert scheduler.isEnabledFor(logging.WARNING)
    assert logging.getLogger("aiohttp.access").isEnabledFor(logging.INFO)
