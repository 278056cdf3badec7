"""Column helpers every table uses: money as BIGINT fen, aware UTC times, sealed bytes, JSON."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, BigInteger, Column, LargeBinary
from sqlmodel import Field

from store.types import UtcDateTime


def money_field(default: int = 0) -> Any:
    return Field(default=default, sa_type=BigInteger)


def time_field(nullable: bool = False, index: bool = False) -> Any:
    return Field(
        default=None if nullable else ..., sa_type=UtcDateTime, nullable=nullable, index=index
    )


def sealed_field() -> Any:
    return Field(default=b"", sa_column=Column(LargeBinary, nullable=False))


def json_field(default_factory: Any = dict) -> Any:
    return Field(default_factory=default_factory, sa_column=Column(JSON, nullable=False))
