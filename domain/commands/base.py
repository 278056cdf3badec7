"""The base of every command, and of every query (``domain.queries``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    """Base of every command: something to do, which may change things."""


@dataclass(frozen=True)
class Query:
    """Base of every query: something to see; answering it changes nothing. Not a
    ``Command``: queries have their own table of view functions."""


Message = Command | Query
"""What a flow, a job or a webhook asks the service layer: a command or a query."""
