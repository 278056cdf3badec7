"""Every library internal daojia relies on, checked on the installed versions.

A private (or undocumented) attribute can go in any release; these libraries have upper bounds
in pyproject.toml, and this file makes an upgrade that drops one of those attributes fail here,
naming it, instead of at run time. The list matches ``store/sqlite/__init__.py`` (the SQLite
fast path) and the comments beside the bounds; add to all three together.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial

import aiosqlite
import pytest
from sqlalchemy import Column, DateTime, Integer, MetaData, Table, bindparam, insert, update
from sqlalchemy.dialects.sqlite.aiosqlite import SQLiteDialect_aiosqlite
from sqlalchemy.exc import DBAPIError, IntegrityError
from wechatpy import parse_message
from wechatpy.events import EVENT_TYPES
from wechatpy.messages import MESSAGE_TYPES
from wechatpy.pay import WeChatPay

from store import plans
from store.sqlite.inline import InlineConnection


@dataclass(frozen=True)
class Internal:
    library: str
    name: str
    used_in: str
    check: Callable[[], object]

    def __str__(self) -> str:
        return f"{self.library} {self.name}"


def _bare_aiosqlite() -> tuple[aiosqlite.Connection, Callable[[], sqlite3.Connection]]:
    connector = partial(sqlite3.connect, ":memory:")
    return aiosqlite.Connection(connector, iter_chunk_size=64), connector


def _aiosqlite_state() -> None:
    connection, connector = _bare_aiosqlite()
    assert connection._connection is None
    assert connection._connector is connector
    assert connection._running is True


def _is_coroutine_method(cls: type, name: str) -> Callable[[], None]:
    def check() -> None:
        assert inspect.iscoroutinefunction(inspect.getattr_static(cls, name))

    return check


def _is_property(cls: type, name: str) -> Callable[[], None]:
    def check() -> None:
        assert isinstance(inspect.getattr_static(cls, name), property)

    return check


DIALECT = SQLiteDialect_aiosqlite()
TABLE = Table(
    "t",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("at", DateTime),
    Column("fixed", Integer, default=5),
    Column("made", Integer, default=lambda: 7, onupdate=lambda: 8),
)
INSERT = insert(TABLE).values(at=bindparam("v_at"))
UPDATE = update(TABLE).where(TABLE.c.id == bindparam("w_id")).values(at=bindparam("v_at"))
AT = datetime(2024, 1, 2, 3, 4, 5)  # noqa: DTZ001 - SQLAlchemy's naive DateTime type


def _compiled(*names: str) -> Callable[[], None]:
    def check() -> None:
        compiled = INSERT.compile(dialect=DIALECT)
        for name in names:
            assert hasattr(compiled, name), name
        assert list(compiled.positiontup) == ["v_at", "fixed", "made"]
        assert compiled.string.startswith("INSERT INTO t")
        assert not compiled.post_compile_params and not compiled.literal_execute_params
        assert [c.key for c in compiled.insert_prefetch] == ["fixed", "made"]
        assert [c.key for c in UPDATE.compile(dialect=DIALECT).update_prefetch] == ["made"]

    return check


def _bind_parameter() -> None:
    bind = INSERT.compile(dialect=DIALECT).binds["v_at"]
    assert bind.callable is None and bind.value is None and isinstance(bind.type, DateTime)
    assert bindparam("x", callable_=lambda: 3).callable() == 3


def _column_defaults() -> None:
    fixed, made = TABLE.c.fixed.default, TABLE.c.made.default
    assert fixed.is_scalar and fixed.arg == 5
    assert made.is_callable and made.arg(None) == 7  # wrapped to take the execution context


def _plan_uses_them() -> None:
    plan = plans.plan(INSERT, DIALECT)
    assert plan is not None
    assert plan.values({"v_at": AT}) == ("2024-01-02 03:04:05.000000", 5, 7)


def _wrap_error() -> None:
    params = list(inspect.signature(DBAPIError.instance).parameters)
    assert params[:4] == ["statement", "params", "orig", "dbapi_base_err"]
    wrapped = DBAPIError.instance("INSERT", (), sqlite3.IntegrityError("x"), sqlite3.Error)
    assert isinstance(wrapped, IntegrityError)


EVENT_XML = (
    "<xml><ToUserName>gh</ToUserName><FromUserName>o1</FromUserName>"
    "<CreateTime>1348831860</CreateTime><MsgType>event</MsgType><Event>subscribe</Event></xml>"
)


def _wechat_raw_fields() -> None:
    assert parse_message(EVENT_XML)._data["CreateTime"] == "1348831860"


def _wechat_registries() -> None:
    assert "text" in MESSAGE_TYPES and "subscribe" in EVENT_TYPES


def _wechat_pay_base() -> None:
    assert WeChatPay.API_BASE_URL.startswith("https://")


def _logging_srcfile() -> None:
    assert hasattr(logging, "_srcfile")


INTERNALS = [
    Internal(
        "aiosqlite",
        "Connection(connector, iter_chunk_size)",
        "store/sqlite/inline.py",
        _aiosqlite_state,
    ),
    Internal(
        "aiosqlite",
        "Connection._execute",
        "store/sqlite/inline.py",
        _is_coroutine_method(aiosqlite.Connection, "_execute"),
    ),
    Internal(
        "aiosqlite",
        "Connection._connect",
        "store/sqlite/inline.py",
        _is_coroutine_method(aiosqlite.Connection, "_connect"),
    ),
    Internal(
        "aiosqlite",
        "Connection._conn",
        "store/sqlite/inline.py (inherited)",
        _is_property(aiosqlite.Connection, "_conn"),
    ),
    Internal(
        "sqlalchemy",
        "SQLCompiler attributes (documented; what plans rest on)",
        "store/plans.py",
        _compiled(
            "positiontup",
            "binds",
            "string",
            "post_compile_params",
            "literal_execute_params",
            "insert_prefetch",
            "update_prefetch",
        ),
    ),
    Internal("sqlalchemy", "BindParameter.callable/value", "store/plans.py", _bind_parameter),
    Internal(
        "sqlalchemy",
        "ColumnDefault.is_scalar/is_callable/arg",
        "store/plans.py",
        _column_defaults,
    ),
    Internal("sqlalchemy", "a plan from all of the above", "store/plans.py", _plan_uses_them),
    Internal("sqlalchemy", "DBAPIError.instance", "store/sqlite/direct.py", _wrap_error),
    Internal("wechatpy", "BaseMessage._data", "bots/wechat.py", _wechat_raw_fields),
    Internal("wechatpy", "MESSAGE_TYPES, EVENT_TYPES", "bots/wechat_xml.py", _wechat_registries),
    Internal("wechatpy", "WeChatPay.API_BASE_URL", "bots/wechat_pay.py", _wechat_pay_base),
    # the logging HOWTO's "Optimization" section documents setting it to None
    Internal("logging", "_srcfile", "webhooks/cli.py", _logging_srcfile),
]


@pytest.mark.parametrize("internal", INTERNALS, ids=str)
def test_each_library_internal_daojia_uses_is_still_there(internal: Internal) -> None:
    internal.check()


async def test_aiosqlites_public_methods_reach_sqlite_through_execute_on_the_callers_thread():
    """``InlineConnection`` overrides ``_execute``: aiosqlite's methods must still call it
    (a method that queued on the worker thread instead would never be answered here)."""
    connector = partial(sqlite3.connect, ":memory:", timeout=0, check_same_thread=False)
    connection = await InlineConnection(connector, busy_timeout_s=1)
    try:
        connection._connection.create_function("thread", 0, threading.get_ident)
        cursor = await asyncio.wait_for(connection.execute("SELECT thread()"), 1)
        assert await asyncio.wait_for(cursor.fetchone(), 1) == (threading.get_ident(),)
        await asyncio.wait_for(connection.commit(), 1)
    finally:
        await connection.close()


def test_a_log_record_skips_finding_its_caller_when_srcfile_is_none(monkeypatch):
    """What ``run_server`` relies on (the logging HOWTO's "Optimization")."""
    records: list[logging.LogRecord] = []
    logger = logging.getLogger("daojia.test_library_internals")
    logger.propagate = False
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    logger.addHandler(handler)
    monkeypatch.setattr(logging, "_srcfile", None)
    try:
        logger.warning("hello")
    finally:
        logger.removeHandler(handler)
    assert records[0].pathname == "(unknown file)"
