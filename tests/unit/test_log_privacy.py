"""Log lines about failures: a database error's message, which can quote a phone or list a
row, is redacted; every other error reads as Python prints it."""

from __future__ import annotations

import traceback

from domain.privacy import error_line, loggable_traceback

PHONE, NAME = "13812345678", "张伟"


class UniqueViolationError(Exception):  # stands for asyncpg's, which names a row's values
    sqlstate = "23514"
    table_name = "customers"
    constraint_name = "ck_customers_points"


UniqueViolationError.__module__ = "asyncpg.exceptions"


class IntegrityError(Exception):  # stands for SQLAlchemy's wrapper around it
    pass


IntegrityError.__module__ = "sqlalchemy.exc"


def database_failure() -> BaseException:
    try:
        try:
            raise UniqueViolationError(
                f'new row for relation "customers" violates check constraint\n'
                f"DETAIL:  Failing row contains (7, {NAME}, {PHONE})."
            )
        except UniqueViolationError as driver:
            raise IntegrityError(
                f"(asyncpg.CheckViolationError) invalid input for query argument $1: "
                f"'{PHONE}' (expected int)\n[SQL: INSERT INTO customers (name) VALUES ($1)]\n"
                f"[parameters: ('{NAME}',)]"
            ) from driver
    except IntegrityError as exc:
        return exc
    raise AssertionError


def test_a_database_error_in_a_log_line_names_no_value_but_keeps_what_helps():
    exc = database_failure()
    assert PHONE in "".join(traceback.format_exception(exc))  # what log.exception would print
    logged = loggable_traceback(exc)
    assert PHONE not in logged and NAME not in logged
    assert "sqlalchemy.exc.IntegrityError: (asyncpg.CheckViolationError)" in logged
    assert "[SQL: INSERT INTO customers (name) VALUES ($1)]" in logged
    assert "asyncpg.exceptions.UniqueViolationError" in logged
    assert "sqlstate=23514, table_name=customers, constraint_name=ck_customers_points" in logged
    assert "direct cause" in logged and "in database_failure" in logged
    line = error_line(exc)
    assert "\n" not in line and PHONE not in line and line.startswith("sqlalchemy.exc.")


def test_other_errors_are_logged_as_python_prints_them():
    try:
        try:
            {}["customer_id"]
        except KeyError:
            raise RuntimeError("outbox row 12 has no channel") from None
    except RuntimeError as exc:
        logged = loggable_traceback(exc)
        assert logged.startswith("Traceback (most recent call last):\n")
        assert logged.endswith("RuntimeError: outbox row 12 has no channel")
        assert "KeyError" not in logged  # the context was suppressed, as Python would
        assert error_line(exc) == "RuntimeError: outbox row 12 has no channel"
    try:
        try:
            {}["customer_id"]
        except KeyError:
            raise ValueError("bad")  # noqa: B904 (the implicit context is the point)
    except ValueError as exc:
        assert "During handling of the above exception" in loggable_traceback(exc)
        assert "KeyError: 'customer_id'" in loggable_traceback(exc)
