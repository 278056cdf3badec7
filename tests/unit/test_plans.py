"""Plans (store.plans) are made once per statement and kept within a bound."""

from __future__ import annotations

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, bindparam, select
from sqlalchemy.dialects.postgresql.asyncpg import PGDialect_asyncpg

from store import plans

TABLE = Table("t", MetaData(), Column("id", Integer, primary_key=True), Column("name", String))
DIALECT = PGDialect_asyncpg()


def by_id() -> object:
    return select(TABLE).where(TABLE.c.id == bindparam("w_id"))


def test_a_statement_is_compiled_once_for_its_dialect():
    statement = by_id()
    first = plans.plan(statement, DIALECT)
    assert first is not None and plans.plan(statement, DIALECT) is first
    assert first.sql.startswith("SELECT t.id, t.name") and "$1" in first.sql
    assert first.values({"w_id": 7}) == (7,)
    assert first.rows([(7, "x")])[0].name == "x"


def test_statements_built_per_call_do_not_pile_up(monkeypatch):
    monkeypatch.setattr(plans, "PLANS_MAX", 3)
    monkeypatch.setattr(plans, "_PLANS", {})
    monkeypatch.setattr(plans, "_KEPT", [])
    made = [plans.plan(by_id(), DIALECT) for _ in range(10)]
    assert all(p is not None and p.values({"w_id": 1}) == (1,) for p in made)
    assert len(plans._PLANS) <= 3


def test_a_statement_without_a_plan_is_kept_with_its_none(monkeypatch):
    monkeypatch.setattr(plans, "_PLANS", {})
    monkeypatch.setattr(plans, "_KEPT", [])
    expanding = select(TABLE).where(TABLE.c.id.in_(bindparam("ids", expanding=True)))
    assert plans.plan(expanding, DIALECT) is None
    assert len(plans._KEPT) == 1 and plans._KEPT[0] is expanding  # its id stays taken


@pytest.mark.parametrize("value", [None, "名字"])
def test_bind_values_go_through_the_dialects_processing(value):
    statement = TABLE.update().where(TABLE.c.id == bindparam("w_id")).values(name=bindparam("v"))
    plan = plans.plan(statement, DIALECT)
    assert plan is not None and plan.values({"w_id": 2, "v": value}) == (value, 2)


def test_a_column_whose_result_needs_the_drivers_type_gets_no_plan():
    """asyncpg's Numeric processing needs the column's type code: such a statement goes
    through SQLAlchemy (no plan) instead of failing."""
    from sqlalchemy import Numeric, cast

    halves = select(cast(TABLE.c.id, Numeric(10, 2)).label("half"))
    assert plans.plan(halves, DIALECT) is None


def test_a_null_written_in_the_statement_is_sent_as_null():
    statement = TABLE.update().where(TABLE.c.id == bindparam("w_id")).values(name=None)
    plan = plans.plan(statement, DIALECT)
    assert plan is not None and plan.values({"w_id": 3}) == (None, 3)
